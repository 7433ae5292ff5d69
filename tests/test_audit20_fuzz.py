"""Audit 20 (fuzz): defects found by differential fuzzers (an incremental build against a cold
one after random edits, ``check`` against ``build``, mangled notes), each reduced to a small case
that fails on the code before its fix."""

from __future__ import annotations

from tests.conftest import build_notes
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


def test_the_nesting_warning_says_how_deep_the_note_nests(tmp_path):
    """Sixty nested list items were cut at the 50th with a warning that they nested "more than 100
    levels deep" (found by the mangling fuzzer): a list level takes two of the parser's hundred.
    The warning now gives the depth the note has where it is cut, and the limit of each kind."""
    deep_list = "".join("  " * i + f"- level{i}\n" for i in range(60))
    deep_quote = "".join(">" * (i + 1) + f" q{i}\n" for i in range(120))
    site = build_notes(tmp_path, {"L.md": deep_list, "Q.md": deep_quote})
    cut = {d.span.path: d for d in site.diagnostics if d.code == "nesting-too-deep"}
    assert cut["L.md"].span.line == 50 and cut["Q.md"].span.line == 100
    assert "more than 100 levels" not in cut["L.md"].message
    assert "50 levels deep" in cut["L.md"].message
    assert "100 levels deep" in cut["Q.md"].message
    for d in cut.values():
        assert "50 of lists" in d.message and "100 of quotes" in d.message


def test_callouts_nested_past_the_limit_are_shown_and_told(tmp_path):
    """A hundred and ten callouts inside each other lost the innermost eleven without a word: the
    callout rule ran before the one that catches what the parser left unread, and re-levelled the
    tokens it looks for.  What lies past the limit is shown as written, with a warning."""
    text = "".join("> " * (i + 1) + f"[!note] title{i}\n" for i in range(110))
    site = build_notes(tmp_path, {"C.md": text})
    cut = [d for d in site.diagnostics if d.code == "nesting-too-deep"]
    assert [(d.span.path, d.span.line) for d in cut] == [("C.md", 100)]
    assert "100 levels deep" in cut[0].message
    body = site.content("C.md").get_text()
    assert all(f"title{i}" in body for i in range(110))


def test_code_output_names_no_folder_of_the_build(tmp_path):
    """Code runs in a mirror of the vault in a fresh temporary folder, and a path it made
    absolute (``os.path.abspath``, ``Path.resolve()``, ``os.getcwd()``) showed that folder in the
    page: a path of the build machine, and another one in every build, so no two sites were the
    same (found by the determinism fuzzer).  Such a path is shown as the note's code would write
    it, relative to the note's folder."""
    vault, cache = tmp_path / "vault", tmp_path / "cache"
    (vault / "sub").mkdir(parents=True)
    (vault / "data").mkdir()
    code = cells("import os\nprint(os.path.abspath('x.csv'), os.getcwd())",
                 "from pathlib import Path\nPath('../data/nope.txt').resolve()",
                 "Path('missing file.txt').resolve().read_text()")
    result = run(vault, cache, {"sub/N.md": code})["sub/N.md"]
    page = html(result)
    assert "vaultsite-exec" not in page and str(tmp_path) not in page
    assert "x.csv ." in page
    assert "../data/nope.txt" in page
    assert "No such file or directory: &#x27;missing file.txt&#x27;" in page
    assert all("vaultsite-exec" not in d.message for d in result.diagnostics)


def test_a_paragraph_opening_with_a_form_feed_line_reports_its_links_at_their_line(tmp_path):
    """A line holding only a form feed, U+2028 or a vertical tab is no blank line to Markdown, so
    it opens the paragraph, whose text markdown-it strips: the links of the next line were then
    reported one line too high (found by the mangling fuzzer)."""
    notes = {f"{name}.md": f"x\n\n{sep}\n[[Nope]] in the text\n\n> {sep}\n> quoted [[Gone]]\n"
             for name, sep in (("ff", "\x0c"), ("ls", "\u2028"), ("vt", "\x0b"))}
    site = build_notes(tmp_path, notes)
    found = sorted((d.span.path, d.span.line, d.span.col) for d in site.diagnostics
                   if d.code == "link-unresolved")
    assert found == [(name, line, col) for name in ("ff.md", "ls.md", "vt.md")
                     for line, col in ((4, 1), (7, 10))]
