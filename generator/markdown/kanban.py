"""Kanban boards (the Kanban plugin's notes, front-matter ``kanban-plugin:``): a card's date
``@{2024-01-02}`` and time ``@@{10:00}`` -> ``kanban_date`` tokens, shown as the date, not as the
plugin's markup.

A board reads as written otherwise (each lane a heading, its cards a task list), as Obsidian
Publish shows it.  Only a board's own text is looked at: elsewhere ``@{…}`` is text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ._util import add_core_rule_before_text_join

_DATE = re.compile(r"@@?\{([^{}\n]{1,40})\}")


def _split(tok: Token) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for m in _DATE.finditer(tok.content):
        if m.start() > pos:
            piece = Token("text", "", 0, level=tok.level)
            piece.content = tok.content[pos:m.start()]
            out.append(piece)
        date = Token("kanban_date", "time", 0, level=tok.level)
        date.content = m.group(1).strip()
        date.markup = m.group()
        date.meta = {"time": m.group().startswith("@@")}
        out.append(date)
        pos = m.end()
    if pos < len(tok.content):
        rest = Token("text", "", 0, level=tok.level)
        rest.content = tok.content[pos:]
        out.append(rest)
    return out


def kanban_dates_rule(state: StateCore) -> None:
    tokens = state.tokens
    if not tokens or tokens[0].type != "front_matter" or "kanban-plugin" not in tokens[0].content:
        return
    for tok in tokens:
        if tok.type == "inline" and tok.children and "@" in tok.content:
            children: list[Token] = []
            for child in tok.children:
                if child.type == "text" and "{" in child.content and _DATE.search(child.content):
                    children.extend(_split(child))
                else:
                    children.append(child)
            tok.children = children


def render_kanban_date(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    tok = tokens[idx]
    kind = "kanban-time" if tok.meta.get("time") else "kanban-date"
    return f'<time class="{kind}">{escapeHtml(tok.content)}</time>'


def kanban_plugin(md: MarkdownIt) -> None:
    """Register the rule after inline parsing (before text tokens are joined) and its renderer."""
    add_core_rule_before_text_join(md, "kanban_dates", kanban_dates_rule)
    md.add_render_rule("kanban_date", render_kanban_date)
