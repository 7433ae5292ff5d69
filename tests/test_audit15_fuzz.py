"""Inputs found by the grammar fuzzer of audit 15 (random, mangled Obsidian constructs): a note
that breaks never stops the build, never loses itself or another note, and costs linear time."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import build_notes, render_cost
from markdown_it import MarkdownIt

from generator.markdown import make_markdown


def test_a_deep_nested_tag_costs_linear_time():
    """``#a/a/a/…`` deeper than the tag depth cap: the written levels kept were found by popping
    one level at a time and counting the non-empty ones left each time, quadratic in the levels
    (12.6 s for a 32 KB tag)."""
    text = "#" + "a/" * 16000
    md = make_markdown()
    html = md.render(text, {})
    assert html.startswith('<p><a class="tag" data-tag="' + "/".join(["a"] * 16) + '">')
    assert render_cost(md, text) < 8 * render_cost(MarkdownIt("commonmark"), text) + 0.3


def test_the_levels_past_the_tag_depth_cap_stay_as_text():
    """The fix keeps what the pop loop kept: the levels up to the first one past the cap, empty
    levels between them included."""
    md = make_markdown()
    levels = ["a", "", "b"] + ["c"] * 14 + ["", "d", "e"]
    html = md.render("#" + "/".join(levels) + " end", {})
    tag = "/".join(["a", "b"] + ["c"] * 14)
    assert html == f'<p><a class="tag" data-tag="{tag}">#{tag}</a>/d/e end</p>\n'


def test_an_unknown_marked_section_in_an_html_block_does_not_lose_the_note(tmp_path: Path):
    """``<![C`` inside a raw HTML block: Python's HTML parser raised AssertionError ("unknown
    status keyword") while the search text was read, and the note was shown as its source with
    a parse-failed warning, its links and tags lost."""
    site = build_notes(tmp_path, {
        "A.md": "# A\n\n<div>\n<![C x\n</div>\n\nSee [[B]] and #topic\n",
        "B.md": "# B\n\nbody\n",
    })
    assert "parse-failed" not in site.codes()
    content = site.content("A.md")
    link = content.find("a", string="B")
    assert link is not None
    site.follow(site.page("A.md"), link["href"])
    assert content.find("a", class_="tag") is not None
    assert "<![C x" in content.get_text()


def test_a_footnote_defined_inside_another_keeps_both_texts(tmp_path: Path):
    """``[^n]:`` in a list of the ``[^1]:`` definition: mdit-py-plugins keeps one definition open
    at a time, so the inner one's end ended the outer one; both texts were lost and the rest of
    the list went into the page as bare ``</li></ul>`` (with raw HTML in the note, the parse
    failed: the note was shown as source, its links lost)."""
    site = build_notes(tmp_path, {
        "A.md": "# A\n\nOne[^1] two[^n] <b>bold</b> [[B]]\n\n[^1]: outer text\n"
                "    * [^n]: inner text\n    * item after\n\nlast paragraph\n",
        "B.md": "# B\n",
    })
    assert "parse-failed" not in site.codes()
    content = site.content("A.md")
    notes = content.find(class_="footnotes")
    assert notes is not None
    items = notes.find_all("li", class_="footnote-item")
    assert [("outer text" in li.get_text(), "inner text" in li.get_text()) for li in items] \
        == [(True, False), (False, True)]
    assert "item after" in items[0].get_text()
    assert "last paragraph" in content.get_text()
    assert content.find("a", string="B") is not None
    page = site.page("A.md").read_text(encoding="utf-8")
    for name in ("ul", "li"):
        assert len(re.findall(f"<{name}[ >]", page)) == page.count(f"</{name}>"), name
