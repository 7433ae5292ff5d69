"""Small helpers shared by the plugins: source positions and plain text of inline tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: Inline rules put the token's start offset (within the inline source) here; the
#: ``positions`` core rule turns it into ``meta["line"]``/``meta["col"]`` and deletes it.
POS = "_pos"
#: Characters searched for in the file line to fix the column (the token's first characters; the
#: whole of what was written when it is short, so that the search cannot stop at another link).
SNIP = "_snip"
#: On a ``footnote_ref`` made from an inline footnote ``^[...]``: the tokens of its body, whose
#: positions were recorded relative to the paragraph holding the reference.
INNER = "_inner"


def walk(tokens: Sequence[Token]) -> Iterator[Token]:
    """Tokens in document order, descending into ``children``."""
    for tok in tokens:
        yield tok
        if tok.children:
            yield from walk(tok.children)


def field_key_text(meta: dict) -> str:
    """A Dataview inline field's key as its reading view shows it, in plain text: "Key: " for a
    whole line, "key " in a sentence (``[key:: value]``), nothing for ``(key:: value)``."""
    wrapping = meta.get("wrapping")
    if wrapping == "(":
        return ""
    return meta["key"] + (" " if wrapping else ": ")


#: A size written at the end of a Markdown picture's alt text, as Obsidian reads it (``alt|300``,
#: ``300x200``), matched on the reversed text from its end: one anchored pass (a lazy match from
#: the start tried every split, quadratic in a long run of digits).
_ALT_SIZE_REVERSED = re.compile(r"\s*(?:(\d+)x)?(\d+)\s*\|?")


def alt_size(alt: str) -> tuple[str, str | None, str | None]:
    """A Markdown picture's alt text (``![alt|300](x.png)``, ``![300x200](x.png)``) as a reader
    sees it, without the size, and that width and height (None when not written).  Text before
    a size needs a ``|`` (``alt 300`` is all alt text)."""
    end = alt.rstrip()
    if not end or not end[-1].isdecimal():
        return alt, None, None
    m = _ALT_SIZE_REVERSED.match(alt[::-1])
    shown = alt[:len(alt) - m.end()]
    if shown and "|" not in alt:
        return alt, None, None
    return shown.strip(), m.group(2)[::-1], m.group(1)[::-1] if m.group(1) else None


def file_words(name: str) -> str:
    """A picture's file name as the words of its alt text when none is written: its base name
    without the extension, ``_`` and ``-`` read as spaces (``intent_pipeline.png``: "intent
    pipeline")."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split())


def plain_text(children: Sequence[Token] | None) -> str:
    """The text a reader sees in an inline token list, without any markup."""
    if not children:
        return ""
    out: list[str] = []
    for tok in children:
        kind = tok.type
        if kind in ("text", "code_inline", "wikilink", "embed", "tag", "math_inline", "kanban_date"):
            out.append(tok.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "image":  # its alt text, without the size Obsidian reads there
            out.append(alt_size(plain_text(tok.children))[0])
        elif kind == "inline_field_open":
            out.append(field_key_text(tok.meta))
        elif tok.children:
            out.append(plain_text(tok.children))
    return "".join(out)


def _file_lines(state: StateCore, cache: list) -> list[str]:
    if not cache:
        cache.append(state.src.split("\n"))
    return cache[0]


def _located(children: Sequence[Token]) -> Iterator[Token]:
    for child in children:
        meta = child.meta
        if meta:
            if POS in meta:
                yield child
            if INNER in meta:
                yield from _located(meta.pop(INNER))
        if child.children:
            yield from _located(child.children)


def _locate_children(inline: Token, children: Sequence[Token], lines_cache: list,
                     state: StateCore, base_line: int | None, cursor: dict[int, int]) -> None:
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
            # past what was found on this line already: the cells of a table row are inline
            # tokens of their own, whose offsets start again at 0
            found = lines[line].find(snip, max(in_line, cursor.get(line, 0)))
            if found < 0:
                found = lines[line].find(snip, in_line)
            if found < 0:
                found = lines[line].find(snip)
            if found >= 0:
                col = found
                cursor[line] = found + len(snip)
        meta["line"], meta["col"] = line, col


def positions_rule(state: StateCore) -> None:
    """Turn the offsets that inline rules recorded into 0-based file line/col."""
    lines_cache: list = []
    cursor: dict[int, int] = {}  # file line -> where the last token found on it ends
    for tok in state.tokens:
        if tok.children and tok.type == "inline":
            content = tok.content
            # every positioned token starts with one of these
            if "[" not in content and "#" not in content and "$" not in content:
                continue
            base = _first_line(tok, _file_lines(state, lines_cache)) if tok.map else None
            _locate_children(tok, tok.children, lines_cache, state, base, cursor)


def _first_line(inline: Token, lines: list[str]) -> int:
    """The file line the inline text starts on: its block's first, unless markdown-it stripped
    lines off the front that Markdown holds no blank line (a form feed, a U+2028 alone)."""
    start, end = inline.map
    head = inline.content.partition("\n")[0]
    if not head or start >= len(lines) or head in lines[start]:
        return start
    return next((i for i in range(start + 1, min(end, len(lines))) if head in lines[i]), start)


def _footnote_inline_with_positions(rule):
    def footnote_inline(state, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if silent or len(state.tokens) <= count:
            return True
        ref = state.tokens[-1]
        notes = state.env.get("footnotes", {}).get("list", {})
        body = notes.get(ref.meta.get("id"), {}).get("tokens") or []
        inner = [t for t in walk(body) if t.meta and POS in t.meta]
        for tok in inner:
            tok.meta[POS] += start + 2  # the body starts after ``^[``
        if inner:
            ref.meta[INNER] = inner
        return True

    return footnote_inline


def _link_with_position(rule):
    """Markdown links and images record where they start, so that a link to a missing note is
    reported at its column like a wikilink."""
    def link(state, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            # the first new token may be pending text flushed before the link's own
            tok = next((t for t in state.tokens[count:] if t.type in ("link_open", "image")), None)
            if tok is not None:
                raw = state.src[start:state.pos].split("\n", 1)[0]
                tok.meta.update({POS: start, SNIP: raw[:24]})
        return True

    return link


def add_core_rule_before_text_join(md: MarkdownIt, name: str, rule) -> None:
    """Add a core rule that reads the inline children before text tokens are joined (an escaped
    ``\\[`` is then still its own token); last when there is no ``text_join``."""
    if any(r.name == "text_join" for r in md.core.ruler.__rules__):
        md.core.ruler.before("text_join", name, rule)
    else:
        md.core.ruler.push(name, rule)


def positions_plugin(md: MarkdownIt) -> None:
    """Register the rule that fixes inline token positions (after every inline rule has run).

    Inline footnotes are parsed from a substring; their rule is wrapped so that the tokens in
    their body get positions in the file too.  Markdown links and images are wrapped to record
    their start.
    """
    rules = {r.name: r.fn for r in md.inline.ruler.__rules__}
    for name in ("link", "image"):
        if name in rules:
            md.inline.ruler.at(name, _link_with_position(rules[name]))
    if "footnote_inline" in rules:
        md.inline.ruler.at("footnote_inline", _footnote_inline_with_positions(
            rules["footnote_inline"]))
    md.core.ruler.push("vs_positions", positions_rule)


@lru_cache(maxsize=1)
def unicode_marks() -> frozenset[str]:
    """Every Unicode mark (categories Mn, Mc, Me: combining accents, vowel signs), which Python's
    ``\\w`` does not match although they belong to the word they follow."""
    return frozenset(chr(cp) for cp in (*range(0x300, 0x20000), *range(0xE0100, 0xE01F0))
                     if unicodedata.category(chr(cp)).startswith("M"))
