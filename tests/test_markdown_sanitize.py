"""Raw HTML goes through nh3: harmless markup stays, script and handlers go."""

from __future__ import annotations

import pytest

from generator.markdown import make_markdown, sanitize_html


@pytest.mark.parametrize("bad", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="x.swf"></object>',
    '<a title="x>y" href="javascript:alert(1)">x</a>',
    '<form action="https://x"><input name="a"></form>',
])
def test_dangerous_html_is_removed(bad: str) -> None:
    html = make_markdown().render(f"{bad}\n\ntext with {bad} inline\n", {}).lower()
    for word in ("<script", "onerror", "onload", "javascript:", "<iframe", "style=", "<object",
                 "data:", "<form", "<input"):
        assert word not in html, (bad, html)


def test_unbalanced_blocks_survive() -> None:
    html = make_markdown().render("<div class=\"box\">\n\n**md**\n\n</div>\n", {})
    assert html == '<div class="box">\n<p><strong>md</strong></p>\n</div>\n'


def test_task_checkboxes_survive() -> None:
    assert 'type="checkbox"' in make_markdown().render("- [x] a\n", {})


def test_user_checkbox_is_dropped() -> None:
    assert "<input" not in sanitize_html('<input type="text" value="x">')


def test_quoted_angle_brackets_stay_inside_the_attribute() -> None:
    assert sanitize_html('<a title="a>b" href="x">') == '<a title="a&gt;b" href="x">'
    assert sanitize_html("<b title='\"><script>x'>") in ("", '<b title="&quot;&gt;&lt;script&gt;x">')


def test_entities_are_kept() -> None:
    assert sanitize_html("<p>a&nbsp;b &amp; c</p>") == "<p>a&nbsp;b &amp; c</p>"


def render(src: str) -> str:
    return make_markdown().render(src, {})


def test_closing_tags_that_close_nothing_are_dropped() -> None:
    """A stray ``</div></article>`` would close the theme's own elements around the note."""
    assert render("Before.\n\n</div></div></article>\n\nAfter.\n") == \
        "<p>Before.</p>\n\n<p>After.</p>\n"
    assert render("Inline </div> here.\n") == "<p>Inline  here.</p>\n"


def test_an_unclosed_element_ends_with_its_block() -> None:
    """Obsidian renders each block apart: ``<b>`` left open does not embolden the rest of the
    page, and ``<div>`` left open ends with the note (or the list item it stands in)."""
    assert render("a <b>bold\n\nnext\n") == "<p>a <b>bold</b></p>\n<p>next</p>\n"
    assert render("a <b>x <i>y</b> z\n") == "<p>a <b>x <i>y</i></b> z</p>\n"
    assert render("<div>\n\ntext\n") == "<div>\n<p>text</p>\n</div>\n"
    assert render("- <div>x\n- y\n") == "<ul>\n<li>\n<div>x\n</div>\n</li>\n<li>y</li>\n</ul>\n"
    assert render("<table><tr><td>a<td>b\n").endswith("</td></tr></table>\n")


def test_html_spanning_markdown_blocks_is_kept() -> None:
    """``<details>`` around Markdown, closed in a later block of the same container, or by a
    closing tag at the end of a paragraph, keeps its content inside."""
    assert render("<details><summary>T</summary>\n\n- a\n\n</details>\n") == \
        "<details><summary>T</summary>\n<ul>\n<li>a</li>\n</ul>\n</details>\n"
    assert render("<div>\n\ntext</div>\n\nafter\n") == \
        "<div>\n<p>text</p>\n</div>\n<p>after</p>\n"


def test_closing_tags_inside_dropped_elements_are_not_counted() -> None:
    assert render("<script>var s = '</div>'</script>\n\nok\n").strip() == "<p>ok</p>"


def test_ids_of_the_page_itself_are_dropped() -> None:
    """``<div id="vsGraph">`` would replace the graph script's global (the local graph never
    drew) and ``id="vs:content"`` the theme's main element; other ids stay as link targets, and
    ``content`` is one of them now that the theme's ids all start ``vs:``."""
    assert sanitize_html('<div id="vsGraph">') == "<div>"
    assert sanitize_html('<div id="vs:content" class="x">') == '<div class="x">'
    assert sanitize_html('<div id="content">') == '<div id="content">'
    assert sanitize_html('<div id="vs:sr-0">') == "<div>"  # the search script's result rows
    assert sanitize_html('<span id="my-anchor">') == '<span id="my-anchor">'
