"""Adversarial lines stay about as cheap as for plain markdown-it (no quadratic scans)."""

from __future__ import annotations

import time

import pytest
from markdown_it import MarkdownIt

from generator.markdown import make_markdown


def _cost(md: MarkdownIt, text: str) -> float:
    """CPU seconds to render ``text``, the least of three runs: a loaded machine only ever adds
    time, and a quadratic rule costs many times the bound on every run."""
    runs = []
    for _ in range(3):
        start = time.process_time()
        md.render(text, {})
        runs.append(time.process_time() - start)
    return min(runs)


@pytest.mark.parametrize("unit", ["[[a ", "![[x ", "==a ", "%% ", "#a ", "$a ", "^a ", "`a "])
def test_no_quadratic_rules(unit: str) -> None:
    text = unit * 5000
    plain = MarkdownIt("commonmark")
    ours = _cost(make_markdown(), text)
    assert ours < 4 * _cost(plain, text) + 0.3, unit


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
    assert _cost(md, text) < 8 * _cost(plain, text) + 0.3, unit


def test_many_callouts_with_an_underlined_head_stay_linear() -> None:
    """Each ``> [!note]`` / ``> ---`` callout looked its underline up by splitting the whole note
    again: 16,000 of them took 12 s."""
    text = "> [!note]\n> ---\n\n" * 8000
    plain = MarkdownIt("commonmark")
    assert _cost(make_markdown(), text) < 6 * _cost(plain, text) + 0.5
