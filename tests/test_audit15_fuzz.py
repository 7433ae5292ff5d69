"""Inputs found by the grammar fuzzer of audit 15 (random, mangled Obsidian constructs): a note
that breaks never stops the build, never loses itself or another note, and costs linear time."""

from __future__ import annotations

from conftest import render_cost
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
