"""Adversarial lines stay about as cheap as for plain markdown-it (no quadratic scans)."""

from __future__ import annotations

import pytest
from conftest import render_cost
from markdown_it import MarkdownIt

from generator.markdown import make_markdown


@pytest.mark.parametrize("unit", ["[[a ", "![[x ", "==a ", "%% ", "#a ", "$a ", "^a ", "`a "])
def test_no_quadratic_rules(unit: str) -> None:
    text = unit * 5000
    plain = MarkdownIt("commonmark")
    ours = render_cost(make_markdown(), text)
    assert ours < 4 * render_cost(plain, text) + 0.3, unit


@pytest.mark.parametrize("unit", ["==a `", "``==a `", "==`a ", "==a\\` ", "==a [b ", "[==a ",
                                  "==a <b ", "==a $b ", "=== ", "==[[a "])
def test_highlight_delimiters_stay_linear(unit: str) -> None:
    """``==`` is a delimiter run (as ``~~``): code spans, links, raw HTML and math take their
    text first and unmatched runs stay text, so many of them cost no more than plain text."""
    text = "==a `b==c` d== " + unit * 5000
    plain = MarkdownIt("commonmark")
    md = make_markdown()
    assert md.render(text, {}).startswith("<p><mark>a <code>b==c</code> d</mark>")
    # linear: 4.3 times plain markdown-it for ``==[[a`` at any length on an idle machine (two
    # of our rules look at every unit); a quadratic scan costs seconds more at this length
    assert render_cost(md, text) < 8 * render_cost(plain, text) + 0.3, unit


def test_many_callouts_with_an_underlined_head_stay_linear() -> None:
    """Each ``> [!note]`` / ``> ---`` callout looked its underline up by splitting the whole note
    again: 16,000 of them took 12 s."""
    text = "> [!note]\n> ---\n\n" * 8000
    plain = MarkdownIt("commonmark")
    assert render_cost(make_markdown(), text) < 6 * render_cost(plain, text) + 0.5
