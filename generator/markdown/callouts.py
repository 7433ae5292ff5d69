"""Obsidian callouts: ``> [!type]± Title`` blockquotes -> ``callout_open`` ... ``callout_close``.

Token layout (all block tokens)::

    callout_open        meta {"kind", "type", "title", "fold", "metadata"}; div, or details if foldable
      callout_title_open
        inline          the title (inline-parsed like any text)
      callout_title_close
      callout_content_open
        ...             the body
      callout_content_close
    callout_close

``kind`` is what was written (lower-cased), ``type`` the canonical Obsidian type it stands for
(``"note"`` for unknown kinds).  ``data-callout`` is ``kind``, as in Obsidian (a CSS snippet for
``[data-callout="faq"]`` styles ``[!faq]`` here too); an alias also carries the type it stands
for as ``data-callout-type``, which the theme styles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# ``[!type|metadata]±  Title``: the metadata after ``|`` is for themes and CSS snippets
_HEAD = re.compile(r"\[!([^\]\s|]+)(?:\|([^\]]*))?\]([+-]?)[ \t]*(.*)")

#: Obsidian's callout types and their aliases.
ALIASES: dict[str, str] = {
    "note": "note",
    "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info",
    "todo": "todo",
    "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote", "cite": "quote",
}

_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round" aria-hidden="true">{}</svg>')

#: One small line drawing per canonical type.
ICONS: dict[str, str] = {
    "note": '<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13 7l4 4"/>',
    "abstract": '<rect x="5" y="4" width="14" height="17" rx="2"/><path d="M9 9h6M9 13h6M9 17h4"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.5"/>',
    "todo": '<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>',
    "tip": '<path d="M12 3c1 4 5 5 5 10a5 5 0 0 1-10 0c0-3 2-4 2-6 2 1 3 3 3 3s1-4 0-7z"/>',
    "success": '<path d="M5 12l5 5 9-10"/>',
    "question": '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3'
                'c-.7.3-1 .9-1 1.7M12 17v.5"/>',
    "warning": '<path d="M12 3l10 18H2z"/><path d="M12 10v5M12 18v.5"/>',
    "failure": '<path d="M6 6l12 12M18 6L6 18"/>',
    "danger": '<path d="M13 2L4 14h7l-1 8 9-12h-7z"/>',
    "bug": '<rect x="7" y="8" width="10" height="12" rx="5"/><path d="M12 8v12M3 13h4M17 13h4'
           'M4 7l3 3M20 7l-3 3M4 19l3-2M20 19l-3-2M9 8a3 3 0 0 1 6 0"/>',
    "example": '<path d="M9 6h11M9 12h11M9 18h11M4 6h.5M4 12h.5M4 18h.5"/>',
    "quote": '<path d="M7 7H4v6h4v-2c0 3-1 5-3 6M17 7h-3v6h4v-2c0 3-1 5-3 6"/>',
}


def callout_icon(kind: str) -> str:
    """Inline SVG for a callout type (the ``note`` icon for unknown kinds)."""
    return _SVG.format(ICONS.get(ALIASES.get(kind, "note"), ICONS["note"]))


def default_title(kind: str) -> str:
    """The title of a callout that gives none: its type as written, in title case (``[!faq]`` is
    "Faq", as in Obsidian)."""
    return kind[:1].upper() + kind[1:]


def _find_close(tokens: list[Token], start: int) -> int:
    level = tokens[start].level
    for j in range(start + 1, len(tokens)):
        tok = tokens[j]
        if tok.type == "blockquote_close" and tok.level == level:
            return j
    return len(tokens) - 1


def _convert(tokens: list[Token], i: int, head: re.Match, inline: Token, src: str) -> None:
    """Rewrite the blockquote opening at ``i`` into a callout.

    ``tokens[i + 1 : i + 4]`` is the blockquote's first block, a paragraph or a setext heading
    whose inline content starts with the head line ``[!type] Title``.
    """
    kind = head.group(1).lower()
    metadata = (head.group(2) or "").strip()
    fold = head.group(3)
    title = head.group(4).strip()
    opener = tokens[i]
    close_i = _find_close(tokens, i)
    closer = tokens[close_i]
    canonical = ALIASES.get(kind, "note")
    opener.type, closer.type = "callout_open", "callout_close"
    opener.tag = closer.tag = "details" if fold else "div"
    opener.meta = {"kind": kind, "type": canonical, "title": title, "fold": fold,
                   "metadata": metadata}
    opener.info = kind

    first_line = opener.map[0] if opener.map else 0
    level = opener.level + 1
    t_open = Token("callout_title_open", "summary" if fold else "div", 1, map=[first_line,
                   first_line + 1], level=level, block=True)
    t_inline = Token("inline", "", 0, map=[first_line, first_line + 1], level=level + 1,
                     content=title or default_title(kind), children=[])
    t_close = Token("callout_title_close", t_open.tag, -1, level=level, block=True)
    c_open = Token("callout_content_open", "div", 1, map=opener.map, level=level, block=True)
    c_close = Token("callout_content_close", "div", -1, level=level, block=True)

    # The head line leaves the first block; a paragraph that was only the head goes away.
    block_open = tokens[i + 1]
    rest = inline.content.split("\n", 1)
    if len(rest) > 1 and rest[1].strip():
        inline.content = rest[1]
        if inline.map:
            inline.map = [inline.map[0] + 1, inline.map[1]]
        if block_open.map:
            block_open.map = [block_open.map[0] + 1, block_open.map[1]]
        body = tokens[i + 1 : close_i]
    else:
        body = _underline(block_open, src) + tokens[i + 4 : close_i]
    for tok in body:
        tok.level += 1
    tokens[i + 1 : close_i] = [t_open, t_inline, t_close, c_open, *body, c_close]


@lru_cache(maxsize=2)
def _lines(src: str) -> list[str]:
    """The note's lines, split once per note (not once per callout)."""
    return src.split("\n")


def _underline(block_open: Token, src: str) -> list[Token]:
    """What the underline of a setext heading whose text was only the head line is in the
    callout's body: ``---`` a thematic break, ``===`` a paragraph of its own."""
    if block_open.type != "heading_open" or not block_open.map:
        return []
    line_no = block_open.map[1] - 1
    line = _lines(src)[line_no].rstrip()
    marker = block_open.markup
    marks = marker * (len(line) - len(line.rstrip(marker)))
    where = [line_no, line_no + 1]
    level = block_open.level
    if marker == "-":
        return [Token("hr", "hr", 0, map=where, level=level, markup=marks, block=True)]
    return [Token("paragraph_open", "p", 1, map=where, level=level, block=True),
            Token("inline", "", 0, map=where, level=level + 1, content=marks, children=[]),
            Token("paragraph_close", "p", -1, level=level, block=True)]


def callout_rule(state: StateCore) -> None:
    if "[!" not in state.src:
        return
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "blockquote_open" and i + 3 < len(tokens):
            first, inline = tokens[i + 1], tokens[i + 2]
            # the head line opens a paragraph, or a setext heading when the body's first
            # line is underlined (``[!quote]\nline\n---``: the head, then an ``<h2>``)
            if (first.type == "paragraph_open" or first.type == "heading_open"
                    and first.markup in ("-", "=")) \
                    and inline.type == "inline" and inline.content.startswith("[!"):
                head = _HEAD.match(inline.content.split("\n", 1)[0])
                if head:
                    _convert(tokens, i, head, inline, state.src)
        i += 1


def _shows_nothing(tok: Token) -> bool:
    """Whether an inline child renders to nothing a reader sees: white space, a line break, an
    HTML comment (the sanitiser drops it)."""
    if tok.type == "text":
        return not tok.content.strip()
    if tok.type in ("softbreak", "hardbreak"):
        return True
    return tok.type == "html_inline" and tok.content.startswith("<!--")


def callout_title_rule(state: StateCore) -> None:
    """A title that renders to nothing (``> [!note] %%hidden%%``: a comment, or an HTML comment)
    is the type's own title, "Note", as a callout with no title written (Obsidian's help: "By
    default, the title of the callout is its type identifier in title case"), not an empty bar.
    Runs after the comments are gone (``comment_tail``)."""
    src = state.src
    if "[!" not in src or ("%%" not in src and "<!--" not in src):
        return
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        tok = tokens[i]
        if tok.type != "callout_open" or tok.meta.get("admonition") \
                or tokens[i + 1].type != "callout_title_open":
            continue
        inline = tokens[i + 2]
        if inline.type == "inline" and inline.children is not None \
                and all(_shows_nothing(kid) for kid in inline.children):
            title = default_title(tok.meta["kind"])
            text = Token("text", "", 0, content=title)
            inline.content, inline.children = title, [text]


def _attr_html(token: Token) -> str:
    return "".join(f' {k}="{escapeHtml(str(v))}"' for k, v in token.attrs.items())


def render_callout_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    tok = tokens[idx]
    meta = tok.meta
    kind = meta["kind"]
    canonical = ALIASES.get(kind, kind)
    classes = "callout is-collapsible" if meta["fold"] else "callout"
    attrs = f' class="{classes}" data-callout="{escapeHtml(kind)}"'
    if canonical != kind:
        attrs += f' data-callout-type="{escapeHtml(canonical)}"'
    if meta.get("metadata"):
        attrs += f' data-callout-metadata="{escapeHtml(meta["metadata"])}"'
    if meta["fold"]:
        attrs += f' data-callout-fold="{meta["fold"]}"'
        if meta["fold"] == "+":
            attrs += " open"
    return f"<{tok.tag}{attrs}{_attr_html(tok)}>\n"


def render_callout_title_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    tok = tokens[idx]
    kind = ""
    for j in range(idx - 1, -1, -1):
        if tokens[j].type == "callout_open":
            kind = tokens[j].meta["kind"]
            break
    icon = callout_icon(kind)
    return (f'<{tok.tag} class="callout-title"{_attr_html(tok)}><span class="callout-icon">{icon}</span>'
            '<span class="callout-title-inner">')


def render_callout_title_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f"</span></{tokens[idx].tag}>\n"


def render_content_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return '<div class="callout-content">\n'


def render_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f"</{tokens[idx].tag}>\n"


def callouts_plugin(md: MarkdownIt) -> None:
    """Turn callout blockquotes into ``callout_*`` tokens before inline parsing runs."""
    md.core.ruler.after("block", "callout", callout_rule)
    if any(rule.name == "comment_tail" for rule in md.core.ruler.__rules__):
        md.core.ruler.after("comment_tail", "callout_title", callout_title_rule)
    else:
        md.core.ruler.push("callout_title", callout_title_rule)
    md.add_render_rule("callout_open", render_callout_open)
    md.add_render_rule("callout_close", render_close)
    md.add_render_rule("callout_title_open", render_callout_title_open)
    md.add_render_rule("callout_title_close", render_callout_title_close)
    md.add_render_rule("callout_content_open", render_content_open)
    md.add_render_rule("callout_content_close", render_close)
