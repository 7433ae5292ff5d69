"""Audit 17 (fuzz): cases found by new fuzzers (mutated real notes, a grammar that nests
constructs, an incremental fuzzer with renames and moves), minimised; each test here fails on the
code before its fix."""

from __future__ import annotations

import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO, build_notes, write_files


def test_a_comment_closed_in_a_table_cell_does_not_hide_what_follows(tmp_path):
    """``text %%`` … ``| cell %% |``: the comment a paragraph left open ends at the ``%%`` in the
    table's cell, as the page shows it.  The block rule still took it for open, so the next block
    comment's ``%%`` was read as a closing one: from there the comments paired up wrongly, and a
    paragraph and a code block that follow were gone, with a word of the code shown as text
    (found by the grammar fuzzer in a callout; ``tests/test_audit17_fuzz.py``)."""
    site = build_notes(tmp_path, {
        "N.md": "Intro words\n%%\n| a |\n|---|\n| hidden1 |\n%%\n\n%%\n```\nhidden2\n```\n%%\n\n"
                "Visible paragraph\n\n```\nx %% codeword\n```\n",
        "C.md": "> [!note] Title\n> %%\n> | a |\n> |---|\n> | hidden3 |\n> %%\n\n%%\nhidden4\n%%\n\n"
                "After the callout\n\n```js\nlet s = '%% literal';\n```\n",
    })
    body = site.content("N.md")
    text = body.get_text()
    assert "Intro words" in text and "Visible paragraph" in text
    assert "hidden1" not in text and "hidden2" not in text
    codes = [c.get_text() for c in body.find_all("code")]
    assert codes == ["x %% codeword\n"]
    assert not any("codeword" in p.get_text() for p in body.find_all("p"))
    callout = site.content("C.md")
    assert "After the callout" in callout.get_text()
    assert "hidden3" not in callout.get_text() and "hidden4" not in callout.get_text()
    assert [c.get_text() for c in callout.find_all("code")] == ["let s = '%% literal';\n"]


def test_a_table_wholly_inside_a_comment_leaves_no_empty_grid(tmp_path):
    """A table that lies inside a comment is hidden with it: no empty grid of cells is left on
    the page (a list item, quote or callout the comment takes goes the same way).  A table
    keeping a cell's text after the closing ``%%``, or one the note itself leaves empty, stays."""
    site = build_notes(tmp_path, {
        "N.md": "Before %%\n\n| a | b |\n|---|---|\n| c | d %% |\n\nAfter\n",
        "K.md": "Before %%\n\n| a |\n|---|\n| c %% kept |\n\nAfter\n",
        "E.md": "| a | b |\n|---|---|\n|  |  |\n",
    })
    body = site.content("N.md")
    assert body.find("table") is None
    assert "Before" in body.get_text() and "After" in body.get_text()
    kept = site.content("K.md")
    assert kept.find("table") is not None and "kept" in kept.find("table").get_text()
    assert site.content("E.md").find("table") is not None


def test_a_sequence_diagram_with_an_empty_comment_line_does_not_hang_the_build(tmp_path):
    """A ``%%`` line with nothing after it in a sequence diagram (a mermaid comment) made mmdr
    loop for ever inside its compiled code, where no alarm reaches: the build never ended (the
    mutation fuzzer found it in the demo's *Syntax showcase*).  Mermaid ignores comment lines;
    the diagram is drawn without them.  Built in a child process, which the timeout can kill."""
    vault = write_files(tmp_path / "v", {
        "N.md": "# N\n\n```mermaid\nsequenceDiagram\n    A->>B: ask\n%%\n    B-->>A: answer\n%%\n```\n\n"
                "After the diagram\n",
    })
    out = tmp_path / "site"
    try:
        subprocess.run([sys.executable, "-m", "generator", "build", str(vault), "-o", str(out),
                        "--no-exec", "-q"], cwd=REPO, timeout=120, check=True, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the build hung on the diagram")
    page = BeautifulSoup((out / "N.html").read_text(encoding="utf-8"), "html.parser")
    figure = page.find("figure", class_="mermaid")
    assert figure is not None and figure.find("svg") is not None
    assert "ask" in figure.get_text() and "answer" in figure.get_text()
    assert "After the diagram" in page.get_text()
