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
