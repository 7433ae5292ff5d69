"""Right-to-left text: a block whose first strong letter is Hebrew, Arabic or another
right-to-left script gets ``dir="rtl"``, as Obsidian sets each line's direction from its text since
1.6 ("Obsidian automatically detects the direction of the language in the editor and adds the dir
attribute to each line").

Paragraphs, headings, table cells and callout titles get it; so does a list item whose first line
is such text, and its list when that is the first item (the bullets and the indent move to the right; a later
left-to-right item of that list gets ``dir="ltr"``).  The direction is the first strong letter's,
the rule of the Unicode bidi algorithm and of ``dir="auto"``; it is worked out here because a
browser's ``dir="auto"`` on a list skips items that have a ``dir`` of their own.  A note with no
right-to-left letter is left exactly as it was.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# the right-to-left scripts' blocks: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and
# their supplements, the presentation forms, and the supplementary planes' RTL blocks
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")
_BLOCKS = {"paragraph_open", "heading_open", "th_open", "td_open", "callout_title_open"}
_LISTS = {"bullet_list_open", "ordered_list_open"}


def first_strong(inline: Token) -> str | None:
    """``"rtl"`` or ``"ltr"`` after the first strong letter of the text an inline token shows
    (its text, code, tags and the text of its links, not their targets), or None when it has
    none."""
    for child in inline.children or ():
        if child.type in ("text", "code_inline", "wikilink", "tag"):
            for ch in child.content:
                kind = unicodedata.bidirectional(ch)
                if kind in ("R", "AL"):
                    return "rtl"
                if kind == "L":
                    return "ltr"
    return None


def _item_inline(tokens: list[Token], item: int) -> Token | None:
    """The inline token of a list item's first paragraph."""
    if item + 2 < len(tokens) and tokens[item + 1].type == "paragraph_open":
        return tokens[item + 2] if tokens[item + 2].type == "inline" else None
    return None


def _latin1(text: str) -> bool:
    """Whether every character is below U+0100, so none is right-to-left: at memory speed for such
    a text (most non-ASCII notes: accents), where the search for a right-to-left letter reads each
    character (2 % of the parse of a 2,000-note vault)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def direction_rule(state: StateCore) -> None:
    if state.src.isascii() or _latin1(state.src) or not _RTL.search(state.src):
        return
    tokens = state.tokens
    rtl_lists: list[int] = []
    for i in range(1, len(tokens)):
        inline = tokens[i]
        block = tokens[i - 1]
        if inline.type != "inline" or block.type not in _BLOCKS or not _RTL.search(inline.content):
            continue
        if first_strong(inline) != "rtl":
            continue
        block.attrSet("dir", "rtl")
        # a list item's first paragraph (hidden in a tight list): the item, and the list it opens
        if block.type == "paragraph_open" and i >= 2 and tokens[i - 2].type == "list_item_open":
            tokens[i - 2].attrSet("dir", "rtl")
            if i >= 3 and tokens[i - 3].type in _LISTS:
                tokens[i - 3].attrSet("dir", "rtl")
                rtl_lists.append(i - 3)
    # the left-to-right items of a right-to-left list keep their own direction
    for start in rtl_lists:
        level = tokens[start].level + 1
        for j in range(start + 1, len(tokens)):
            if tokens[j].level < level:
                break
            if (
                tokens[j].type == "list_item_open"
                and tokens[j].level == level
                and tokens[j].attrGet("dir") is None
            ):
                inline = _item_inline(tokens, j)
                if inline is not None and first_strong(inline) == "ltr":
                    tokens[j].attrSet("dir", "ltr")


def direction_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("direction", direction_rule)
