"""Audit 9: edits found by fuzzing today's features, after which a rebuild (from the cache, or in
``serve``'s memory) must equal a clean build of the same vault, files and warnings alike."""

from __future__ import annotations

import pytest
from conftest import write_files

from tests.test_incremental import _build_with, assert_edits_rebuild_as_clean

CASES = {
    # a file that an ignore pattern leaves out changes nothing the notes' fingerprint covered, but
    # the pattern now matches a file: its "matches no file" warning must go
    "file added under an ignore pattern that matched nothing": (
        {"vaultsite.toml": 'title = "x"\nignore = ["Sub"]\n', "A.md": "a\n"},
        {"Sub/Beta.md": "b\n"},
    ),
    # ... and the link to an ignored note is told why it goes nowhere until the note is deleted
    "ignored note deleted": (
        {
            "vaultsite.toml": 'title = "x"\nignore = ["Private/**"]\n',
            "A.md": "[[Plan]]\n",
            "Private/Plan.md": "p\n",
        },
        {"Private/Plan.md": None},
    ),
    # a line added above `home = "Gone"`: the values are the same, the warning's line is not
    "vaultsite.toml edited around a key that is warned about": (
        {"vaultsite.toml": 'title = "x"\nhome = "Gone"\n', "A.md": "a\n"},
        {"vaultsite.toml": '# the site\ntitle = "x"\nhome = "Gone"\n'},
    ),
}


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_edit_rebuilds_as_a_clean_build(tmp_path, case, in_memory):
    before, *edits = CASES[case]
    assert_edits_rebuild_as_clean(tmp_path, case, before, edits, in_memory)


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
def test_a_broken_link_added_to_the_vault_is_warned_about_on_the_next_build(tmp_path, in_memory):
    """The link is no note and no attachment: the build that finds it must still say so."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    write_files(vault, {"A.md": "a\n"})
    state = BuildState() if in_memory else None
    _build_with(vault, tmp_path / "out", state)
    (vault / "gone.md").symlink_to(tmp_path / "nowhere.md")
    again = _build_with(vault, tmp_path / "out", state)
    assert [d.code for d in again.diagnostics] == ["symlink-broken"]


def test_serve_rebuilds_for_a_note_or_file_whose_name_starts_with_a_hash(tmp_path):
    """``#1 Goals.md`` is a note the build publishes; only Emacs's ``#a.md#`` is an editor file."""
    import watchfiles

    from generator.serve import ChangeFilter

    vault = tmp_path / "v"
    watch = ChangeFilter([vault], [tmp_path / "out"])
    add = watchfiles.Change.modified
    assert watch(add, str(vault / "#1 Goals.md"))
    assert watch(add, str(vault / "Inbox" / "#cover.png"))
    assert not watch(add, str(vault / "#1 Goals.md#"))


def test_serve_rebuilds_for_a_note_named_like_its_output_folder(tmp_path):
    """Serving into ``vault/docs``: the note ``docs.md`` beside it is a note, not the output."""
    import watchfiles

    from generator.serve import ChangeFilter, PipelineBuilder

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "docs.md").write_text("The docs.\n", "utf-8")
    builder = PipelineBuilder(_config(vault), vault / "docs")
    watch = ChangeFilter(builder.watch_roots(), builder.ignored_paths())
    change = watchfiles.Change.modified
    assert watch(change, str(vault / "docs.md"))
    assert watch(change, str(vault / "docs.old" / "a.md"))
    assert not watch(change, str(vault / "docs" / "docs.html"))
    assert not watch(change, str(vault / "docs.vaultsite-cache" / "state.pickle"))
    assert not watch(change, str(vault / ".docs.staging-12-ab" / "a.html"))


def _config(vault):
    from generator.config import load_config

    return load_config(vault)


def _fold_case_under(monkeypatch, top):
    """Make the emitter see the folder ``top`` as macOS and Windows file systems are: a name
    finds its file whatever its letter case, and a rename onto a name that another case of it
    holds replaces that file (one entry, the new name)."""
    import os
    import pathlib

    import generator.emit as emit

    def variant(path):
        path = pathlib.Path(path)
        if path.exists() or not path.parent.is_dir() or not path.is_relative_to(top):
            return path
        return next((p for p in path.parent.iterdir() if p.name.casefold() == path.name.casefold()), path)

    real_replace, real_lstat, real_unlink = os.replace, os.lstat, pathlib.Path.unlink

    def replace(src, dst):
        other = variant(dst)
        if other != pathlib.Path(dst):
            real_unlink(other)
        real_replace(src, dst)

    monkeypatch.setattr(emit.os, "replace", replace)
    monkeypatch.setattr(emit.os, "lstat", lambda p, *a, **k: real_lstat(variant(p), *a, **k))
    monkeypatch.setattr(pathlib.Path, "unlink", lambda self, *a, **k: real_unlink(variant(self), *a, **k))


def test_a_note_renamed_in_letter_case_keeps_its_page_on_a_case_blind_file_system(tmp_path, monkeypatch):
    """Alpha.md renamed alpha.md: the new alpha.html replaces Alpha.html, which must not then be
    deleted as the page the build no longer makes (it is the same file there)."""
    vault = tmp_path / "v"
    write_files(vault, {"Alpha.md": "alpha\n", "B.md": "[[Alpha]]\n"})
    out = tmp_path / "out"
    _build_with(vault, out, None)
    _fold_case_under(monkeypatch, out)
    (vault / "Alpha.md").rename(vault / "alpha.md")
    _build_with(vault, out, None)
    assert "alpha" in (out / "alpha.html").read_text("utf-8")
    assert not (out / "Alpha.html").exists() or (out / "Alpha.html").samefile(out / "alpha.html")
