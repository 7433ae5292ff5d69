"""Heading ids: ``generator.slugs.anchor_id`` of the heading's plain text, unique per note.

Only top-level headings are headings of the note (its outline, its sections, what ``[[Note#X]]``
names), as in Obsidian: one inside a callout, a quote or a list item is not.  It still renders as a
heading and keeps an id, given after the top-level ones so that it never takes the id a note
heading of the same text would have.  A note heading with a block id (``## H ^id``, or ``^id``
alone after it) keeps its own id, which links to the block id lead to (``render``); a heading that
is not the note's keeps the block's ``^id``, the only name it can be linked by."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..slugs import Anchors, anchor_id, unique_anchor
from ._util import plain_text


def heading_id_rule(state: StateCore) -> None:
    """Set ``attrs["id"]`` and ``meta["text"]`` (plain text) on every ``heading_open``."""
    used = Anchors()
    tokens = state.tokens
    found = [i for i, tok in enumerate(tokens) if tok.type == "heading_open"]
    for i in sorted(found, key=lambda i: tokens[i].level > 0):  # the note's headings first
        tok = tokens[i]
        text = plain_text(tokens[i + 1].children).strip()
        tok.meta["text"] = text
        if tok.level and tok.meta.get("block_id"):
            continue  # not a note heading: its block id (``^id``, set by blockids) is its anchor
        tok.attrSet("id", unique_anchor(anchor_id(text), used))


def headings_plugin(md: MarkdownIt) -> None:
    """Register the heading-id rule (after inline parsing, so the text has no markup)."""
    md.core.ruler.push("heading_ids", heading_id_rule)
