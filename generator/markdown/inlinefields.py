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

from ._util import add_core_rule_before_text_join, plain_text

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


#: The longest key looked for before a ``::`` (keys are words; a longer run is no key).
_MAX_KEY = 200
_BRACKETS = re.compile(r"[\\\[\]()]")


def _matches(children: list[Token]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each bracket of the text ``children`` -> its matching bracket of the same kind, as
    Dataview's ``findClosing`` pairs them (nested pairs and ``\\`` escapes counted) on one line;
    only where the pair is inside the same markup (a field cannot end outside an emphasis it
    starts in).  One pass: a note of one long line costs no more than its length."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    stacks: dict[str, list[list]] = {"[": [], "(": []}
    depth = 0
    for j, tok in enumerate(children):
        if tok.type in ("softbreak", "hardbreak"):
            stacks = {"[": [], "(": []}
            continue
        if tok.type != "text":
            depth += tok.nesting
            if tok.nesting < 0:  # what was opened inside the markup just closed cannot close now
                for stack in stacks.values():
                    for entry in reversed(stack):
                        if entry[2] <= depth:
                            break
                        entry[3] = False
            continue
        escaped_at = -1
        for m in _BRACKETS.finditer(tok.content):
            p, ch = m.start(), m.group()
            if p == escaped_at:
                continue  # an escaped character (an escaped backslash escapes nothing)
            if ch == "\\":
                escaped_at = p + 1
            elif ch in "[(":
                stacks[ch].append([j, p, depth, True])
            else:
                stack = stacks["[" if ch == "]" else "("]
                if stack:
                    oj, op, od, ok = stack.pop()
                    if ok and od == depth:
                        out[(oj, op)] = (j, p)
    return out


def _emit(children: list[Token], start: tuple[int, int], end: tuple[int, int],
          out: list[Token]) -> None:
    """The children from ``start`` (child, offset) up to ``end`` (excluded), text cut there."""
    (j0, p0), (j1, p1) = start, end
    for k in range(j0, min(j1, len(children) - 1) + 1):
        tok = children[k]
        lo = p0 if k == j0 else 0
        hi = p1 if k == j1 else None
        if k == j1 and tok.type != "text":
            break
        if tok.type != "text" or (lo == 0 and hi is None):
            out.append(tok)
        elif tok.content[lo:hi]:
            out.append(_text(tok.content[lo:hi], tok))


def _bracketed(children: list[Token]) -> list[Token]:
    """``children`` with each ``[key:: value]`` / ``(key:: value)`` made a field."""
    if not any(t.type == "text" and "::" in t.content for t in children):
        return children
    matches = _matches(children)
    fields = []
    after = (-1, -1)
    for (j, p), close in sorted(matches.items()):
        if (j, p) < after:
            continue  # inside the value of a field found already
        text = children[j].content
        sep = text.find("::", p + 1, p + 1 + _MAX_KEY)
        if sep < 0:
            continue
        key = text[p + 1:sep].strip()
        if not key or any(c in key for c in "[]()") or not _value_starts(text, sep):
            continue
        fields.append((j, p, sep, key, close))
        after = close
    if not fields:
        return children
    out: list[Token] = []
    cur = (0, 0)
    for j, p, sep, key, (cj, q) in fields:
        tok = children[j]
        _emit(children, cur, (j, p), out)
        opener, closer = _field_tokens(key, tok.content[p], tok.level)
        out.append(opener)
        if cj == j:
            value = tok.content[sep + 2:q].strip()
            if value:
                out.append(_text(value, tok))
        else:
            head = tok.content[sep + 2:].lstrip()
            if head:
                out.append(_text(head, tok))
            _emit(children, (j + 1, 0), (cj, 0), out)
            tail = children[cj].content[:q].rstrip()
            if tail:
                out.append(_text(tail, children[cj]))
        out.append(closer)
        cur = (cj, q + 1)
    _emit(children, cur, (len(children), 0), out)
    return out


def inline_field_rule(state: StateCore) -> None:
    if "::" not in state.src:
        return
    tokens = state.tokens
    for idx, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children or "::" not in tok.content:
            continue
        if idx and tokens[idx - 1].type == "heading_open":
            continue  # a heading keeps its text: its anchor and [[Note#Heading]] are made from it
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
    add_core_rule_before_text_join(md, "inline_fields", inline_field_rule)
    md.add_render_rule("inline_field_open", render_inline_field_open)
    md.add_render_rule("inline_field_close", render_inline_field_close)
