"""Adversarial lines stay about as cheap as for plain markdown-it (no quadratic scans)."""

from __future__ import annotations

import time

import pytest
from markdown_it import MarkdownIt

from generator.markdown import make_markdown


def _cost(md: MarkdownIt, text: str) -> float:
    start = time.process_time()
    md.render(text, {})
    return time.process_time() - start


@pytest.mark.parametrize("unit", ["[[a ", "![[x ", "==a ", "%% ", "#a ", "$a ", "^a ", "`a "])
def test_no_quadratic_rules(unit: str) -> None:
    text = unit * 5000
    plain = MarkdownIt("commonmark")
    ours = _cost(make_markdown(), text)
    assert ours < 4 * _cost(plain, text) + 0.3, unit
