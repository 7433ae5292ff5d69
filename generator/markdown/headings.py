"""Heading ids: ``generator.slugs.anchor_id`` of the heading's plain text, unique per note."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..slugs import anchor_id, unique_anchor
from ._util import plain_text


def heading_id_rule(state: StateCore) -> None:
    """Set ``attrs["id"]`` and ``meta["text"]`` (plain text) on every ``heading_open``."""
    used: set[str] = set()
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open":
            continue
        inline = tokens[i + 1]
        text = plain_text(inline.children).strip()
        tok.meta["text"] = text
        tok.attrSet("id", unique_anchor(anchor_id(text), used))


def headings_plugin(md: MarkdownIt) -> None:
    """Register the heading-id rule (after inline parsing, so the text has no markup)."""
    md.core.ruler.push("heading_ids", heading_id_rule)
