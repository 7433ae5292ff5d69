"""Dataview inline fields: ``Key:: value`` on a line of its own, ``[key:: value]`` and
``(key:: value)`` anywhere in text -> ``inline_field_open`` ... ``inline_field_close``.

Dataview reads them as a note's (or a list item's) metadata and shows them in reading view as a
key and a value (``(key:: value)``: the value only, its key hidden).  The tokens here keep what
was written: ``meta = {"key": "Key" (plain text, markup dropped as Dataview drops it), "wrapping":
"[" | "(" | ""}`` (``""``: a whole line); the tokens between open and close are the value, parsed
as any text (links, emphasis).

As in Dataview, a bracketed value runs to its matching bracket (nested pairs and ``\\`` escapes
counted) on the same line, and its key holds no bracket.  Unlike Dataview, ``::`` must be followed
by white space (or end the field), so that ``std::vector`` and ``(::1)`` in a note of a vault
without Dataview stay text.  The rule runs on inline tokens after inline parsing: code spans,
math, HTML and code blocks are tokens of their own and never looked into.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ._util import plain_text

_CLOSE = {"[": "]", "(": ")"}
#: a full-line key: letters, digits, ``_ - /`` and spaces, after any leading markup (``**``)
_LINE_KEY = re.compile(r"[^\w]*([\w][\w\s/-]*?)[_*~`=]*\s*$")
_FORMAT = {"strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close",
           "mark_open", "mark_close"}


def _value_starts(text: str, sep: int) -> bool:
    """``::`` at ``sep`` is followed by white space, or by nothing."""
    after = text[sep + 2:sep + 3]
    return after == "" or after.isspace()


def _field_tokens(key: str, wrapping: str, level: int) -> tuple[Token, Token]:
    opener = Token("inline_field_open", "span", 1, level=level)
    opener.meta = {"key": key, "wrapping": wrapping}
    return opener, Token("inline_field_close", "span", -1, level=level)


def _text(content: str, like: Token) -> Token:
    tok = Token("text", "", 0, level=like.level)
    tok.content = content
    return tok


def _line_field(children: list[Token], start: int) -> list[Token] | None:
    """The line of ``children`` from ``start`` as a full-line field, or None: text and emphasis
    up to a ``::`` (the key), the rest of the line (the value)."""
    end = start
    while end < len(children) and children[end].type not in ("softbreak", "hardbreak"):
        end += 1
    for k in range(start, end):
        tok = children[k]
        if tok.type != "text":
            if tok.type in _FORMAT:
                continue
            return None
        sep = tok.content.find("::")
        if sep < 0:
            continue
        key_tokens = [*children[start:k], _text(tok.content[:sep], tok)]
        m = _LINE_KEY.fullmatch(plain_text(key_tokens))
        if not m or not _value_starts(tok.content, sep):
            return None
        opener, closer = _field_tokens(m.group(1).strip(), "", tok.level)
        value = tok.content[sep + 2:].lstrip()
        rest = [_text(value, tok)] if value else []
        body = rest + children[k + 1:end]
        if body and body[-1].type == "text":
            body[-1].content = body[-1].content.rstrip()
        # markup left open in the key (``**Key**::`` closes before; ``**Key:: v**`` does not)
        opened = [t for t in children[start:k] if t.nesting == 1]
        closed = [t for t in children[start:k] if t.nesting == -1]
        if len(opened) != len(closed):
            return None
        return [opener, *body, closer]
    return None


def _find_close(children: list[Token], k: int, pos: int, open_ch: str) -> tuple[int, int] | None:
    """Where the bracket opened before ``children[k].content[pos]`` closes: (child, offset)."""
    close_ch = _CLOSE[open_ch]
    nesting, depth, escaped = 0, 0, False
    for j in range(k, len(children)):
        tok = children[j]
        if tok.type in ("softbreak", "hardbreak"):
            return None
        if tok.type != "text":
            depth += tok.nesting
            if depth < 0:
                return None  # the field would end outside markup it starts in
            continue
        text = tok.content
        for p in range(pos if j == k else 0, len(text)):
            ch = text[p]
            if ch == "\\":
                escaped = not escaped
                continue
            if escaped:
                escaped = False
                continue
            if ch == open_ch:
                nesting += 1
            elif ch == close_ch:
                nesting -= 1
                if nesting < 0:
                    return (j, p) if depth == 0 else None
    return None


def _bracketed(children: list[Token]) -> list[Token]:
    """``children`` with each ``[key:: value]`` / ``(key:: value)`` made a field."""
    out: list[Token] = []
    i = 0
    while i < len(children):
        tok = children[i]
        if tok.type != "text" or "::" not in tok.content:
            out.append(tok)
            i += 1
            continue
        text = tok.content
        found = None
        for p, ch in enumerate(text):
            if ch not in _CLOSE:
                continue
            sep = text.find("::", p + 1)
            if sep < 0:
                break
            key = text[p + 1:sep].strip()
            if not key or any(c in key for c in "[]()") or not _value_starts(text, sep):
                continue
            close = _find_close(children, i, sep + 2, ch)
            if close is not None:
                found = (p, sep, key, ch, close)
                break
        if found is None:
            out.append(tok)
            i += 1
            continue
        p, sep, key, ch, (j, q) = found
        if p:
            out.append(_text(text[:p], tok))
        opener, closer = _field_tokens(key, ch, tok.level)
        out.append(opener)
        if j == i:
            value = text[sep + 2:q].strip()
            if value:
                out.append(_text(value, tok))
        else:
            head = text[sep + 2:].lstrip()
            if head:
                out.append(_text(head, tok))
            out.extend(children[i + 1:j])
            tail = children[j].content[:q].rstrip()
            if tail:
                out.append(_text(tail, children[j]))
        out.append(closer)
        rest = children[j].content[q + 1:]
        # what follows the field is looked at again (a second field on the line)
        children = [*children[:j], _text(rest, children[j]), *children[j + 1:]] if rest else \
            children
        i = j if rest else j + 1
        if rest:
            continue
    return out


def inline_field_rule(state: StateCore) -> None:
    if "::" not in state.src:
        return
    tokens = state.tokens
    for idx, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children or "::" not in tok.content:
            continue
        children = _bracketed(tok.children)
        if idx and tokens[idx - 1].type == "paragraph_open":
            lines: list[Token] = []
            start = 0
            while start <= len(children):
                end = start
                while end < len(children) and children[end].type not in ("softbreak", "hardbreak"):
                    end += 1
                field = _line_field(children, start) if start < end else None
                lines.extend(field if field is not None else children[start:end])
                if end < len(children):
                    lines.append(children[end])
                start = end + 1
            children = lines
        tok.children = children


def norm_key(key: str) -> str:
    """Dataview's sanitised key (``Basic Field`` -> ``basic-field``), which CSS snippets select
    fields by (``data-dv-norm-key``)."""
    return re.sub(r"[^\w-]", "", re.sub(r"\s+", "-", key.strip())).lower()


def render_inline_field_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    meta = tokens[idx].meta
    key = escapeHtml(meta["key"])
    names = f'data-dv-key="{key}" data-dv-norm-key="{escapeHtml(norm_key(meta["key"]))}"'
    if meta["wrapping"] == "(":
        return ('<span class="dataview inline-field">'
                f'<span class="dataview inline-field-standalone-value" {names}>')
    return ('<span class="dataview inline-field">'
            f'<span class="dataview inline-field-key" {names}>{key}</span>'
            '<span class="dataview inline-field-value">')


def render_inline_field_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return "</span></span>"


def inline_fields_plugin(md: MarkdownIt) -> None:
    """Register the rule after inline parsing (before text tokens are joined, so that an escaped
    ``\\[`` stays no bracket)."""
    names = [r.name for r in md.core.ruler.__rules__]
    if "text_join" in names:
        md.core.ruler.before("text_join", "inline_fields", inline_field_rule)
    else:
        md.core.ruler.push("inline_fields", inline_field_rule)
    md.add_render_rule("inline_field_open", render_inline_field_open)
    md.add_render_rule("inline_field_close", render_inline_field_close)
