"""Footnotes ``[^1]`` and inline footnotes ``^[...]`` (mdit-py-plugins' rules), shown as Obsidian
shows them: every reference to the same footnote reads ``[1]``.

mdit-py-plugins numbers a repeated reference ``[1:1]``, ``[1:2]``, … (its ids stay apart, so each
back-reference arrow still returns to its own place); only the caption changes here.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


def footnote_caption(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f"[{tokens[idx].meta['id'] + 1}]"


def footnote_lines_rule(state) -> None:
    """Record where each top-level footnote definition is (``env["footnote_lines"]``: label ->
    (first line, end line), 0-based, end exclusive) before ``footnote_tail`` drops its tokens: an
    embedded section, parsed alone, takes the lines of the definitions it refers to
    (``parse.section_tokens``)."""
    lines = None
    for tok in state.tokens:
        if tok.type == "footnote_reference_open" and tok.level == 0 and tok.map:
            if lines is None:
                lines = state.env.setdefault("footnote_lines", {})
            lines.setdefault(tok.meta["label"], tuple(tok.map))


def footnotes_plugin(md: MarkdownIt) -> None:
    md.use(footnote_plugin, inline=True)
    md.core.ruler.before("footnote_tail", "footnote_lines", footnote_lines_rule)
    md.add_render_rule("footnote_caption", footnote_caption)
