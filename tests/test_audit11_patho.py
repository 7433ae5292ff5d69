"""Hostile vaults: work that must grow with the size of the vault, not with its square.

Timing checks compare the CPU time of one size with that of a size four times larger (least of
two runs) against a wide linear bound: a loaded machine only ever adds time, a quadratic step
costs sixteen times more and tens of seconds.
"""

from __future__ import annotations

import random
from pathlib import Path

from conftest import build_notes, index_cost, parse_notes

from generator.config import load_config
from generator.index import SHOWN_CANDIDATES, build_index
from generator.slugs import name_key


def _index_cost(root: Path, files: dict[str, str]):
    """CPU seconds to index ``files`` and resolve each note's links, and the index."""
    return index_cost(root, files, resolve=True)


def _linear(tmp_path: Path, make, check, small: int = 250) -> None:
    """Index ``make(small)`` and ``make(4 * small)``: the time grows as the size, and
    ``check(index, n)`` holds for both."""
    costs, indexes = [], []
    for n in (small, 4 * small):
        root = tmp_path / str(n)
        root.mkdir()
        cost, index = _index_cost(root, make(n))
        costs.append(cost)
        indexes.append((index, n))
    assert costs[1] < 8 * costs[0] + 0.3, costs  # linear: about 4x; quadratic: 16x
    for index, n in indexes:
        check(index, n)


def _ambiguous(index) -> list[str]:
    return [d.format() for d in index.diagnostics if d.code == "link-ambiguous"]


def test_same_named_notes_in_many_folders_resolve_in_linear_time(tmp_path) -> None:
    """1,200 notes ``fK/same.md``, each linking ``[[same]]``: each link searched and sorted all
    the same-named files, twice (a check took 8 s, a build 10 s; 4,800 of them minutes)."""
    def make(n: int) -> dict[str, str]:
        return {f"f{i}/same.md": "link [[same]]\n" for i in range(n)}

    def check(index, n: int) -> None:
        for i in (0, n // 2, n - 1):  # each note finds itself, the one in its own folder
            note = index.notes[f"f{i}/same"]
            assert index.resolve("same", note).note is note
        warnings = _ambiguous(index)
        assert len(warnings) == n
        shown = warnings[0].split("other candidates: ", 1)[1]
        assert shown.count("/same.md") == SHOWN_CANDIDATES
        assert f" and {n - 1 - SHOWN_CANDIDATES} more; write the folder" in shown

    _linear(tmp_path, make, check)


def test_same_named_notes_linked_by_partial_paths_resolve_in_linear_time(tmp_path) -> None:
    """``top/xK/same.md`` linking ``[[xK/same]]``: no file is at that path from the root, so
    each link searched every ``same`` for one whose path ends so."""
    def make(n: int) -> dict[str, str]:
        return {f"top/x{i}/same.md": f"[[x{(i + 1) % n}/same]]\n" for i in range(n)}

    def check(index, n: int) -> None:
        note = index.notes["top/x0/same"]
        assert index.resolve("x1/same", note).note is index.notes["top/x1/same"]
        assert index.resolve("X1/Same.md", note).note is index.notes["top/x1/same"]
        assert index.resolve("p/x1/same", note).kind == "missing"
        assert not index.diagnostics

    _linear(tmp_path, make, check)


def test_many_notes_sharing_an_alias_resolve_in_linear_time(tmp_path) -> None:
    def make(n: int) -> dict[str, str]:
        return {f"a{i}/n{i}.md": "---\naliases: [shared]\n---\n[[shared]]\n" for i in range(n)}

    def check(index, n: int) -> None:
        note = index.notes["a7/n7"]
        assert index.resolve("shared", note).note is note
        warnings = _ambiguous(index)
        assert len(warnings) == n and "is an alias of several notes" in warnings[0]
        assert f" and {n - 1 - SHOWN_CANDIDATES} more; link to the note" in warnings[0]

    _linear(tmp_path, make, check)


def test_the_pick_among_same_named_files_is_obsidians(tmp_path) -> None:
    """Random trees of same-named notes: each link takes the candidate below the linking note's
    folder with the shortest path, else the shortest path of all (then the path order), as
    Obsidian's ``getLinkpathDest`` orders them; the warning names every other candidate."""
    rng = random.Random(11)
    for round_ in range(20):
        folders = [""]
        for _ in range(rng.randint(2, 12)):
            parent = rng.choice(folders)
            folders.append((parent + "/" if parent else "") + rng.choice("abAB") + str(rng.randint(0, 3)))
        files = {}
        for folder in set(folders):
            for name in ("same", "Same", "other"):
                if rng.random() < 0.5:
                    rel = (folder + "/" if folder else "") + name + ".md"
                    if name_key(rel) not in {name_key(r) for r in files}:
                        files[rel] = "[[same]] [[other]]\n"
        root = tmp_path / str(round_)
        root.mkdir()
        notes = parse_notes(root, files)
        index = build_index(notes, [], load_config(root))
        for note in notes:
            for target in ("same", "other"):
                cands = sorted(rel for rel in files if name_key(rel).rsplit("/", 1)[-1] == target + ".md")
                res = index.resolve(target, note)
                if target + ".md" in {name_key(c) for c in cands}:
                    want = next(c for c in cands if name_key(c) == target + ".md")  # the root file
                else:
                    below = name_key(note.folder) + "/" if note.folder else ""
                    want = min(cands, key=lambda r: (not name_key(r).startswith(below), len(r), r))
                assert res.note is not None and res.note.rel == want, (files, note.rel, target)
                assert res.candidates == (tuple(cands) if len(cands) > 1 else ())
        for d in _ambiguous(index):  # fewer than SHOWN_CANDIDATES: all of them, no count
            assert "more;" not in d


def test_a_build_of_same_named_notes_shows_each_its_own(tmp_path) -> None:
    files = {f"f{i}/same.md": f"# Note {i}\n\nlink [[same]]\n" for i in range(30)}
    files["same.md"] = "# Root\n"
    files["f3/sub/x.md"] = "[[same]]\n"
    site = build_notes(tmp_path, files)
    for i in (0, 29):
        a = site.content(f"f{i}/same.md").find("a", class_="internal-link")
        assert site.follow(site.page(f"f{i}/same.md"), a["href"])[0] == site.page("same.md")
    warnings = site.messages("link-ambiguous")
    assert len(warnings) == 31
    assert all("using same.md" in w and " and 10 more; write the folder" in w for w in warnings)


def test_links_to_thousands_of_blocks_resolve_in_linear_time(tmp_path) -> None:
    """Each ``[[b#^bK]]`` looked its block up by reading every block of the note: 8,000 links to
    as many blocks took seconds in the index and again in the page."""
    def make(n: int) -> dict[str, str]:
        return {"b.md": "".join(f"para {i} ^b{i}\n\n" for i in range(n)) + "para ^B1\n",
                "c.md": "".join(f"[[b#^b{i}]] " for i in range(n)) + "[[b#^nope]]\n"}

    def check(index, n: int) -> None:
        note = index.notes["b"]
        assert index.find_block(note, "b7").id == "b7"
        found = index.find_block(note, "B1")  # the first of that id, any case
        assert (found.id, found.start_line) == ("b1", 3)
        warned = [d.format() for d in index.diagnostics if d.code == "anchor-unresolved"]
        assert len(warned) == 1 and "block ^nope not found in b.md" in warned[0]

    _linear(tmp_path, make, check, small=2000)
