"""Raw HTML the sanitiser leaves out is reported (``html-sanitised``) at the note's line and column,
naming what went; HTML that is kept whole, comments and code say nothing."""

from __future__ import annotations

import re

import pytest
from conftest import SHARED, build_notes, build_vault

NOTE = """\
# Raw HTML

Run the tool, then type <filename> and press enter.

> [!note]
> Click <button onclick="go()">here</button> now.

| a | b |
|---|---|
| <input type="checkbox"> | x |

<div onclick="evil()">
text
</div>

Inline <script>alert(1)</script> after.

<a href="javascript:alert(1)">bad link</a>

<style>
body { display: none }
</style>

- item <img src="file:///etc/hostname" alt="pic">
"""

QUIET = """\
# Kept

`<script>` in code, <b>bold</b>, <kbd>Ctrl</kbd>, <span style="color: red">red</span>,
<!-- a comment --> and <mark>marked</mark>.

<details>
<summary>More</summary>

- [ ] a task, whose checkbox is the site's own
- [x] done

</details>

<iframe src="https://www.youtube.com/embed/xyz"></iframe>

```html
<script>alert(1)</script>
```

    <style>indented code</style>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_notes(tmp_path_factory.mktemp("html"), {"Raw.md": NOTE, "Kept.md": QUIET})


def _where(site) -> dict[tuple[int, int], str]:
    return {(d.span.line, d.span.col): d.message for d in site.diagnostics
            if d.code == "html-sanitised" and d.span.path == "Raw.md"}


def test_each_loss_is_reported_at_its_line_and_column(site):
    found = _where(site)
    lines = NOTE.split("\n")
    expected = {
        (3, "<filename>"): "the tags of <filename> (its text stays)",
        (6, "<button"): "the tags of <button> (its text stays)",
        (10, "<input"): "<input>",
        (12, "<div"): "onclick= on <div>",
        (16, "<script>"): "<script> and what it holds",
        (18, "<a href"): 'href="javascript:…" on <a>',
        (20, "<style>"): "<style> and what it holds",
        (24, "<img"): 'src="file:…" on <img>',
    }
    assert len(found) == len(expected), found
    for (line, written), what in expected.items():
        col = lines[line - 1].index(written) + 1
        assert (line, col) in found, (line, col, written, found)
        assert what in found[(line, col)], found[(line, col)]


def test_the_warning_says_what_to_do(site):
    message = next(d for d in site.diagnostics if d.code == "html-sanitised").format()
    assert message.startswith("Raw.md:3:")
    assert "warning[html-sanitised]" in message
    assert "to show it as written" in message and "`code`" in message


def test_what_is_reported_is_what_the_page_lost(site):
    body = str(site.content("Raw.md"))
    assert "onclick" not in body and "javascript:" not in body and "<script" not in body
    assert "<style" not in body and "display: none" not in body and "file:" not in body
    assert "<button" not in body and "<input" not in body and "<filename" not in body
    assert "here" in body and "press enter" in body  # the text of dropped tags stays


def test_kept_html_comments_code_and_task_boxes_say_nothing(site):
    assert not [d.format() for d in site.diagnostics
                if d.code == "html-sanitised" and d.span.path == "Kept.md"]
    body = site.content("Kept.md")
    assert body.find("kbd") is not None and body.find("mark") is not None
    assert body.find("a", class_="embed-link") is not None  # the iframe became a link


def test_a_note_embedding_a_sanitised_note_does_not_repeat_the_warning(tmp_path):
    site = build_notes(tmp_path, {"A.md": "x <button>b</button> y\n",
                                  "B.md": "![[A]]\n\n![[A]]\n"})
    assert [(d.span.path, d.span.line) for d in site.diagnostics if d.code == "html-sanitised"] \
        == [("A.md", 1)]


HELP = SHARED / "corpus" / "obsidian-help-en"


@pytest.mark.skipif(not HELP.is_dir(), reason="the shared Obsidian Help vault is absent")
def test_help_vault_raw_html_loses_nothing_worth_a_warning(tmp_path):
    """The Help vault's raw HTML (tables, <br>, <kbd>, <iframe>s of web pages) is all kept."""
    site = build_vault(HELP, tmp_path, copy=False)
    assert site.messages("html-sanitised") == []


def test_demo_showcase_reports_its_three_unsafe_examples(tmp_path):
    from conftest import REPO

    site = build_vault(REPO / "notes", tmp_path, copy=False)
    found = site.messages("html-sanitised")
    assert len(found) == 3, found
    assert all(m.startswith("Meta/Syntax showcase.md:") for m in found)
    kinds = " ".join(found)
    assert re.search(r"<script> and what it holds", kinds)
    assert "onclick= on <span>" in kinds and 'href="javascript:…" on <a>' in kinds
