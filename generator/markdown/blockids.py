"""Block ids: a trailing `` ^some-id`` marks the block so ``[[Note#^some-id]]`` can point at it.

Runs after the block parse and before inline parsing, on the inline source text:

* ``text ^id`` at the end of a paragraph: the id goes to the paragraph, or to the list item whose
  first paragraph it ends, or to the blockquote/callout whose last paragraph it ends;
* ``^id`` alone as a paragraph right after a list, table, quote, callout or paragraph: the id goes
  to that preceding block and the paragraph disappears;
* ``## Heading ^id``: the id goes to the heading (as does ``^id`` alone after a heading, by the
  rule above); the heading keeps its own anchor (``headings``), which links to the id lead to;
* ``^id`` alone on the line under a table (markdown-it reads it as a one-cell row): the id goes to
  the table and the row disappears.

The open token gets ``meta["block_id"]`` and ``attrs["id"] = "^id"``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..slugs import block_anchor

_TRAILING = re.compile(r"(?:^|[ \t\n]|(?<=\]\]))\^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*$")
_ALONE = re.compile(r"\^([A-Za-z0-9][A-Za-z0-9-]*)")
_CONTAINERS = ("blockquote_open", "callout_open")


def _mark(token: Token, block_id: str) -> None:
    token.meta["block_id"] = block_id
    token.attrSet("id", block_anchor(block_id))


def _table_row_id(tokens: list[Token], close_i: int) -> tuple[int, int, str] | None:
    """For ``table_close`` at ``close_i``: (first, last index to drop, id) when the last row is
    just ``^id``."""
    j = close_i - 1
    if tokens[j].type != "tbody_close":
        return None
    j -= 1
    if tokens[j].type != "tr_close":
        return None
    k = j
    while tokens[k].type != "tr_open":
        k -= 1
    cells = [t.content.strip() for t in tokens[k:j] if t.type == "inline"]
    if not cells:
        return None
    m = _ALONE.fullmatch(cells[0])
    if not m or any(cells[1:]):
        return None
    if tokens[k - 1].type == "tbody_open":  # the only body row: the tbody goes too
        return k - 1, j + 1, m.group(1)
    return k, j, m.group(1)


def blockid_rule(state: StateCore) -> None:
    if "^" not in state.src:
        return
    tokens = state.tokens
    if not any(t.type == "inline" and "^" in t.content for t in tokens):
        return
    stack: list[int] = []  # indices of open tokens enclosing the current one
    prev_sibling: dict[int, int] = {}  # level -> index of the last closed block's open token
    drop: list[tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        nesting = tok.nesting
        if nesting == 1:
            stack.append(i)
            prev_sibling.pop(tok.level + 1, None)
            continue
        if nesting == -1:
            open_i = stack.pop() if stack else i
            if tok.type == "table_close":
                found = _table_row_id(tokens, i)
                if found:
                    _mark(tokens[open_i], found[2])
                    drop.append((found[0], found[1]))
            prev_sibling[tok.level] = open_i
            continue
        if tok.type != "inline":
            if tok.block:
                prev_sibling[tok.level] = i
            continue
        if not stack:
            continue
        content = tok.content
        caret = content.rfind("^")
        if caret < 0 or tokens[stack[-1]].type not in ("paragraph_open", "heading_open"):
            continue
        m = _TRAILING.search(content, max(caret - 1, 0))
        if m is None:
            continue
        para_i = stack[-1]
        block_id = m.group(1)
        if tokens[para_i].type == "heading_open":
            if m.start():  # ``## Heading ^id``: the heading's own id (``## ^id`` stays text)
                tok.content = content[: m.start()].rstrip()
                _mark(tokens[para_i], block_id)
            continue
        if m.start() == 0:
            # ``^id`` alone: belongs to the previous sibling block, if any
            target = prev_sibling.get(tokens[para_i].level)
            if target is not None and para_i > 0 and tokens[para_i - 1].nesting <= 0:
                _mark(tokens[target], block_id)
                drop.append((para_i, i + 1))
            continue
        tok.content = content[: m.start()].rstrip()
        _mark(tokens[_owner(tokens, stack, i)], block_id)
    for start, end in reversed(drop):
        del tokens[start : end + 1]


def _owner(tokens: list[Token], stack: list[int], inline_i: int) -> int:
    """The block that a trailing id at the end of the paragraph around ``inline_i`` names."""
    para_i = stack[-1]
    if len(stack) >= 2:
        parent = tokens[stack[-2]]
        if parent.type == "list_item_open" and para_i == stack[-2] + 1:
            return stack[-2]
        if parent.type in _CONTAINERS and tokens[inline_i + 2].nesting == -1 \
                and tokens[inline_i + 2].type != "paragraph_close":
            return stack[-2]
        if parent.type == "callout_content_open" and tokens[inline_i + 2].nesting == -1:
            return stack[-3] if len(stack) >= 3 else para_i
    return para_i


def blockids_plugin(md: MarkdownIt) -> None:
    """Register the block-id rule (after callouts, before inline parsing)."""
    if "callout" in [r.name for r in md.core.ruler.__rules__]:
        md.core.ruler.after("callout", "block_id", blockid_rule)
    else:
        md.core.ruler.after("block", "block_id", blockid_rule)
