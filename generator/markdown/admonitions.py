"""Admonition plugin blocks: ```` ```ad-note ```` fences -> the callout tokens of ``callouts``.

The community Admonition plugin writes a callout as a fenced block whose language is ``ad-`` and
the type (``ad-note``, ``ad-warning``, any custom ``ad-definition``).  Its first lines may set
``title:`` (Markdown; an empty title shows no title bar), ``collapse:`` (``open`` or ``closed``:
foldable, ``none``: not), ``icon:`` and ``color:`` (``r, g, b`` or ``#rrggbb``); the rest is
Markdown, in which longer fences nest further admonitions.  Obsidian without the plugin shows the
code; the plugin (and this rule) shows a callout of that type, as ``> [!type]`` draws it.

The fence becomes ``callout_open`` / title / ``callout_content_open`` ... ``callout_close``
(Contract 1) before the callout rule runs, so that everything after it (block ids, inline parsing,
headings, positions) treats it as a callout.  The body is parsed as blocks of its own; its tokens'
lines are moved to where they stand in the file.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .callouts import ALIASES

_OPTION = re.compile(r"(title|collapse|icon|color)[ \t]*:(.*)$", re.IGNORECASE)
_RGB = re.compile(r"\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*")
_HEX = re.compile(r"\s*#?([0-9a-fA-F]{6})\s*")
_FOLD = {"open": "+", "opened": "+", "closed": "-", "close": "-", "none": ""}


def admonition_kind(info: str) -> str | None:
    """``"ad-Warning"`` -> ``"warning"``; None for any other fence."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    if len(word) > 3 and word.startswith("ad-"):
        return word[3:].lower()
    return None


def _color(value: str) -> str:
    """``"200, 10, 10"`` or ``"#c80a0a"`` -> ``"200, 10, 10"`` (what ``--callout-color`` takes);
    "" for anything else (it cannot reach the page)."""
    m = _RGB.fullmatch(value)
    if m and all(int(g) <= 255 for g in m.groups()):
        return ", ".join(str(int(g)) for g in m.groups())
    m = _HEX.fullmatch(value)
    if m:
        h = m.group(1)
        return ", ".join(str(int(h[k:k + 2], 16)) for k in (0, 2, 4))
    return ""


def _options(lines: list[str]) -> tuple[dict[str, str], int]:
    """The option lines at the top of the body, and how many lines they take."""
    options: dict[str, str] = {}
    n = 0
    for line in lines:
        m = _OPTION.match(line.strip())
        if not m:
            break
        options[m.group(1).lower()] = m.group(2).strip()
        n += 1
    return options, n


def _convert(state: StateCore, fence: Token, kind: str) -> list[Token]:
    """The callout tokens standing for one admonition fence."""
    lines = fence.content.split("\n")
    options, n_opts = _options(lines)
    first = fence.map[0] if fence.map else 0
    level = fence.level
    fold = _FOLD.get(options.get("collapse", "").lower(), "")
    has_title = "title" in options
    title = options.get("title", "")
    if not title and (fold or not has_title):
        title = kind[:1].upper() + kind[1:]  # Admonition's default: the type's name
    opener = Token("callout_open", "details" if fold else "div", 1, map=list(fence.map or [0, 0]),
                   level=level, block=True)
    opener.meta = {"kind": kind, "type": ALIASES.get(kind, "note"), "title": title, "fold": fold,
                   "metadata": "", "admonition": True}
    opener.info = kind
    color = _color(options.get("color", ""))
    if color:
        opener.attrSet("style", f"--callout-color: {color}")
    for name, value in fence.attrs.items():  # a block id set on the fence
        opener.attrSet(name, value)
    out = [opener]
    if title:
        where = [first, first + 1]
        out += [Token("callout_title_open", "summary" if fold else "div", 1, map=where,
                      level=level + 1, block=True),
                Token("inline", "", 0, map=where, level=level + 2, content=title, children=[]),
                Token("callout_title_close", "summary" if fold else "div", -1, level=level + 1,
                      block=True)]
    out.append(Token("callout_content_open", "div", 1, map=opener.map, level=level + 1,
                     block=True))
    body_start = first + 1 + n_opts  # the file line of the body's first line
    body: list[Token] = []
    # a blank line first, so that a body starting with ``---`` is no front-matter
    state.md.block.parse("\n" + "\n".join(lines[n_opts:]), state.md, state.env, body)
    for tok in body:
        tok.level += level + 2
        if tok.map:
            tok.map = [tok.map[0] + body_start - 1, tok.map[1] + body_start - 1]
    out += body
    out.append(Token("callout_content_close", "div", -1, level=level + 1, block=True))
    out.append(Token("callout_close", opener.tag, -1, level=level, block=True))
    return out


#: How many admonitions deep the fences are read; a fence deeper still stays code, as Obsidian
#: without the plugin shows it.  Each level parses its body again, so without a bound a note of
#: unclosed ```` ```ad-note ```` lines (each one the body of the one before) was quadratic:
#: 8,000 lines took 23 s.
MAX_DEPTH = 10


def _expand(state: StateCore, tokens: list[Token], depth: int) -> list[Token]:
    """``tokens`` with each ``ad-*`` fence replaced, and those of its body, ``depth`` deep."""
    out: list[Token] = []
    for tok in tokens:
        kind = admonition_kind(tok.info) if tok.type == "fence" else None
        if kind is not None and depth < MAX_DEPTH:
            out += _expand(state, _convert(state, tok, kind), depth + 1)
        else:
            out.append(tok)
    return out


def admonition_rule(state: StateCore) -> None:
    """Replace every ``ad-*`` fence (nested ones too, up to ``MAX_DEPTH``), building the token
    list once rather than splicing into it for each."""
    if "ad-" not in state.src:
        return
    state.tokens = _expand(state, state.tokens, 0)


def admonitions_plugin(md: MarkdownIt) -> None:
    """Register the rule before the callout rule (after block parsing)."""
    names = [r.name for r in md.core.ruler.__rules__]
    if "callout" in names:
        md.core.ruler.before("callout", "admonition", admonition_rule)
    else:
        md.core.ruler.after("block", "admonition", admonition_rule)
