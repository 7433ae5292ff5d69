"""Session 19, the build's wall time: the index's link checking shared with a forked process.

A cold build on several cores checks the later half of the notes' links in a forked copy of the
build process while the build process checks the earlier half (``index._LinksAside``).  The tests pin
that the work is shared and that nothing else changes: the same warnings in the same order (the
did-you-mean hints of missing headings spent within one budget, in note order), the same links,
memos and pages as a check in one process; and a copy that fails changes nothing either.
"""

from __future__ import annotations

import os

import pytest

from generator.parallel import can_fork
from tests.conftest import file_tree, parse_notes, write_files

needs_fork = pytest.mark.skipif(not can_fork(), reason="the links are checked in a forked process")


def _vault(root, n: int = 60):
    """``n`` notes whose links give every kind of link warning: missing notes (with and without a
    close name), two files of one name, an alias of two notes, missing headings (hinted, a
    heading close or not) and blocks, links in properties and relative links."""
    files = {"vaultsite.toml": "", "A/Dup.md": "# Dup\n", "B/Dup.md": "# Dup\n",
             "Shared 1.md": "---\naliases: [Shared alias]\n---\nx\n",
             "Shared 2.md": "---\naliases: [Shared alias]\n---\nx\n"}
    for i in range(n):
        nxt = (i + 1) % n
        files[f"F{i % 4}/Note {i}.md"] = (
            f"---\nup: \"[[Note {(i + 7) % n}]]\"\n---\n# Note {i}\n\n## Section {i}\n\n"
            + "".join(f"### Part {k} of {i}\n\ntext\n\n" for k in range(i % 5))
            + f"[[Note {nxt}]] [[Missing {i}]] [[Notte {nxt}]] [[Note {nxt}#Sectoin {nxt}]]\n"
            f"[[Note {nxt}#Nothing like it {i}]] [[Note {nxt}#^blk{i}]] [[Dup]] [[Shared alias]]\n"
            f"[[./Note {i}#Part 0 of {i}]] [[../Nowhere {i}]] [text](Note%20{nxt}.md#gone)\n")
    write_files(root, files)
    return parse_notes(root, {rel: (root / rel).read_text() for rel in files if rel.endswith(".md")})


def _facts(index):
    return ([d.format() for d in index.diagnostics], list(index.outlinks.items()),
            list(index.backlinks.items()), dict(index._memo), dict(index._suggested),
            dict(index._alias_suggested), index._hint_spent, sorted(index._hint_asked))


@needs_fork
def test_a_forked_process_checks_half_the_links_and_nothing_changes(tmp_path, monkeypatch):
    from generator import index as index_mod
    from generator.config import load_config
    from generator.index import VaultIndex, build_index

    notes = _vault(tmp_path / "v")
    cfg = load_config(tmp_path / "v")
    monkeypatch.setattr(VaultIndex, "SPLIT_LINKS_AT", 10)
    # a small budget runs out midway: the hints after it list headings instead of searching
    monkeypatch.setattr(VaultIndex, "HINT_BUDGET", 40)
    forks = []
    real_forked = index_mod.forked

    def spy(target, *args):
        forks.append(len(args[1]))
        return real_forked(target, *args)
    monkeypatch.setattr(index_mod, "forked", spy)

    alone = build_index(notes, [], cfg)
    assert forks == []
    shared = build_index(notes, [], cfg, split_links=True)
    assert len(forks) == 1 and 0 < forks[0] < len(notes)  # the later notes, in the copy
    assert _facts(shared) == _facts(alone)
    texts = _facts(alone)[0]
    assert len(texts) > 8 * 60
    for wanted in ("link-unresolved", "link-ambiguous", "anchor-unresolved", "did you mean",
                   "is an alias of several notes", "the closest was not searched for"):
        assert any(wanted in t for t in texts), wanted
    # the notes the copy checked are this process's own objects again, hints included
    hints = [h for hit in shared._links.values() for h in hit.hints]
    assert hints and all(target is shared.notes[target.id] for _i, _w, target, _n, _md in hints)
    assert all(res.note is None or res.note is shared.notes[res.note.id]
               for res in shared._memo.values())


@needs_fork
def test_a_copy_that_fails_leaves_the_links_to_the_build_process(tmp_path, monkeypatch):
    from generator import index as index_mod
    from generator.config import load_config
    from generator.index import VaultIndex, build_index

    notes = _vault(tmp_path / "v", 30)
    cfg = load_config(tmp_path / "v")
    monkeypatch.setattr(VaultIndex, "SPLIT_LINKS_AT", 10)
    alone = build_index(notes, [], cfg)

    def dies(index, notes, conn, theirs):  # in the copy: gone without an answer
        os._exit(3)
    monkeypatch.setattr(index_mod, "_link_notes_aside", dies)
    assert _facts(build_index(notes, [], cfg, split_links=True)) == _facts(alone)


@needs_fork
def test_a_build_on_two_cores_shares_the_links_and_writes_the_same_site(tmp_path, monkeypatch):
    from generator import index as index_mod
    from generator.config import load_config
    from generator.index import VaultIndex
    from generator.pipeline import build

    _vault(tmp_path / "v", 240)
    monkeypatch.setattr(VaultIndex, "SPLIT_LINKS_AT", 10)
    forks = []
    real_forked = index_mod.forked

    def spy(target, *args):
        forks.append(target)
        return real_forked(target, *args)
    monkeypatch.setattr(index_mod, "forked", spy)
    one = build(load_config(tmp_path / "v"), tmp_path / "out1", exec_mode="no-exec", workers=1)
    assert forks == []  # one core: nothing to share
    two = build(load_config(tmp_path / "v"), tmp_path / "out2", exec_mode="no-exec", workers=2)
    assert forks == [index_mod._link_notes_aside]
    assert [d.format() for d in two.diagnostics] == [d.format() for d in one.diagnostics]
    assert file_tree(tmp_path / "out2") == file_tree(tmp_path / "out1")
