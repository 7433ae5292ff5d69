"""Audit 11, build time: cheaper per-token and per-listing work with the same output, byte for byte."""

from __future__ import annotations

from markdown_it.renderer import RendererHTML
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from generator.markdown import build_markdown
from generator.markdown.renderer import Renderer
from generator.templating import codespans

# What markdown-it-py's renderToken decides on: hidden (tight-list) paragraphs and the newline
# before a block after one, attributes (ordered list start, table alignment, a task list's
# checkbox, block ids, right-to-left text), blocks that close at once, self-closing tags.
_SAMPLES = [
    "- a\n- b\n  > quote\n- c\n\n  d\n",
    "3. three\n4. four\n   - nested\n     1. deeper\n",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n***\n",
    "- [ ] task\n- [x] done ^blk\n\nPara ^id\n\n# Heading ![[Other]]\n",
    "> [!note] Title\n> body *em* **strong** ~~del~~ ==mark==\n\nשלום עולם\n\n- ![[Pic.png]]\n-\n",
    "Term  \nhard break\\\nand <b>html</b>\n\n<div>\nblock\n</div>\n\n```py\ncode\n```\n",
    "[^1] and [link](<a b> \"t\") ![img](x.png \"y\")\n\n[^1]: foot\n    more\n",
]


def test_the_parser_renders_with_the_faster_renderer():
    assert isinstance(build_markdown().renderer, Renderer)


def test_renderer_writes_what_markdown_it_writes():
    md = build_markdown()
    for xhtml in (False, True):
        options = OptionsDict({**md.options, "xhtmlOut": xhtml})
        for text in _SAMPLES:
            tokens = md.parse(text)
            fast = md.renderer.render(tokens, options, {})
            md.renderer.__class__ = RendererHTML  # markdown-it-py's own, with the same rules
            try:
                plain = md.renderer.render(tokens, options, {})
            finally:
                md.renderer.__class__ = Renderer
            assert fast == plain, text


def test_codespans_is_cached_and_tells_markup_from_text():
    codespans.cache_clear()
    summary = "Uses `x < y` when <b> is needed"
    first = codespans(summary)
    assert first == "Uses <code>x &lt; y</code> when &lt;b&gt; is needed"
    assert codespans(summary) is first
    assert codespans.cache_info().hits == 1
    # equal as strings, written apart: Markup is already HTML
    assert codespans(Markup("<b>")) == "<b>"
    assert codespans("<b>") == "&lt;b&gt;"
