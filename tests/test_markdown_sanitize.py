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
