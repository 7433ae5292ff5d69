"""Small helpers shared by the plugins: source positions and plain text of inline tokens."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: Inline rules put the token's start offset (within the inline source) here; the
#: ``positions`` core rule turns it into ``meta["line"]``/``meta["col"]`` and deletes it.
POS = "_pos"
#: Characters searched for in the file line to fix the column (the token's first characters).
SNIP = "_snip"


def walk(tokens: Sequence[Token]) -> Iterator[Token]:
    """Tokens in document order, descending into ``children``."""
    for tok in tokens:
        yield tok
        if tok.children:
            yield from walk(tok.children)


def plain_text(children: Sequence[Token] | None) -> str:
    """The text a reader sees in an inline token list, without any markup."""
    if not children:
        return ""
    out: list[str] = []
    for tok in children:
        kind = tok.type
        if kind in ("text", "code_inline", "wikilink", "embed", "tag", "math_inline"):
            out.append(tok.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.children:
            out.append(plain_text(tok.children))
    return "".join(out)


def _file_lines(state: StateCore, cache: list) -> list[str]:
    if not cache:
        cache.append(state.src.split("\n"))
    return cache[0]


def _located(children: Sequence[Token]) -> Iterator[Token]:
    for child in children:
        if child.meta and POS in child.meta:
            yield child
        if child.children:
            yield from _located(child.children)


def _locate_children(inline: Token, children: Sequence[Token], lines_cache: list,
                     state: StateCore, base_line: int | None) -> None:
    content = inline.content
    last_pos, line_off = 0, 0
    for child in _located(children):
        meta = child.meta
        pos = meta.pop(POS)
        snip = meta.pop(SNIP, "")
        if base_line is None or pos > len(content):
            meta["line"], meta["col"] = (base_line or 0), 0
            continue
        if pos >= last_pos:
            line_off += content.count("\n", last_pos, pos)
        else:
            line_off = content.count("\n", 0, pos)
        last_pos = pos
        in_line = pos - (content.rfind("\n", 0, pos) + 1)
        line = base_line + line_off
        lines = _file_lines(state, lines_cache)
        col = in_line
        if line < len(lines) and snip:
            found = lines[line].find(snip, in_line)
            if found < 0:
                found = lines[line].find(snip)
            if found >= 0:
                col = found
        meta["line"], meta["col"] = line, col


def positions_rule(state: StateCore) -> None:
    """Turn the offsets that inline rules recorded into 0-based file line/col."""
    lines_cache: list = []
    for tok in state.tokens:
        if tok.children and tok.type == "inline":
            base = tok.map[0] if tok.map else None
            _locate_children(tok, tok.children, lines_cache, state, base)


def positions_plugin(md: MarkdownIt) -> None:
    """Register the rule that fixes inline token positions (after every inline rule has run)."""
    md.core.ruler.push("vs_positions", positions_rule)
