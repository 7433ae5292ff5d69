"""Audit 20 (fuzz): defects found by differential fuzzers (an incremental build against a cold
one after random edits, ``check`` against ``build``, mangled notes), each reduced to a small case
that fails on the code before its fix."""

from __future__ import annotations

from tests.test_execute_sandbox import cells, html, run


def test_a_data_file_that_appears_reruns_the_note_that_could_not_read_it(tmp_path):
    """A cell reading ``data.csv`` before the file existed failed with FileNotFoundError, and the
    failure was cached: the audit hook recorded only files that were there, so creating the file
    changed no dependency and every later build showed the stale traceback (found by comparing an
    incremental build with a cold one after the file was put back).  The missing file is now a
    dependency: its appearance runs the note again."""
    vault, cache = tmp_path / "vault", tmp_path / "cache"
    (vault / "sub").mkdir(parents=True)
    notes = {"sub/Read.md": cells("print(open('data.csv').read())"),
             "sub/Deep.md": cells("print(open('../top/data.csv').read())")}
    first = run(vault, cache, notes)
    assert "FileNotFoundError" in html(first["sub/Read.md"])
    assert "FileNotFoundError" in html(first["sub/Deep.md"])
    assert all(r.reason is None for r in run(vault, cache, notes).values())
    (vault / "sub" / "data.csv").write_text("fresh numbers\n")
    (vault / "top").mkdir()
    (vault / "top" / "data.csv").write_text("far numbers\n")
    again = run(vault, cache, notes)
    assert again["sub/Read.md"].reason == "sub/data.csv appeared"
    assert "fresh numbers" in html(again["sub/Read.md"])
    assert "FileNotFoundError" not in html(again["sub/Read.md"])
    assert again["sub/Deep.md"].reason == "top/data.csv appeared"
    assert "far numbers" in html(again["sub/Deep.md"])


def test_a_folder_that_appears_reruns_the_note_that_listed_it(tmp_path):
    """``glob.glob('parts/*.txt')`` over a folder not there yet found nothing, and
    ``os.listdir('inbox')`` failed; both results stayed cached once the folder was made, since a
    listing was recorded only for a folder the vault had.  A folder looked for is a dependency."""
    vault, cache = tmp_path / "vault", tmp_path / "cache"
    vault.mkdir()
    notes = {"Glob.md": cells("import glob\nprint('found', len(glob.glob('parts/*.txt')))"),
             "List.md": cells("import os\nprint(sorted(os.listdir('inbox')))")}
    first = run(vault, cache, notes)
    assert "found 0" in html(first["Glob.md"])
    assert "FileNotFoundError" in html(first["List.md"])
    (vault / "parts").mkdir()
    (vault / "parts" / "a.txt").write_text("1")
    (vault / "inbox").mkdir()
    (vault / "inbox" / "mail.txt").write_text("hi")
    again = run(vault, cache, notes)
    assert again["Glob.md"].reason == "parts appeared"
    assert "found 1" in html(again["Glob.md"])
    assert again["List.md"].reason == "inbox appeared"
    assert "mail.txt" in html(again["List.md"])
