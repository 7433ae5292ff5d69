"""Obsidian comments ``%%...%%``: inline and across lines, gone from the output.

* inline rule: ``%%`` ... ``%%`` inside one paragraph (may span its lines);
* block rule: a line starting with ``%%`` opens a block comment that runs to the line holding the
  closing ``%%`` (text after it on that line stays), or to the end of the note when unclosed;
* core rule: a paragraph whose comment is not closed inside it keeps hiding the following blocks
  up to the next ``%%`` line, or to the end of the note, as Obsidian does; and a comment inside
  one HTML block goes from its text (Markdown is not read there, but no comment is shown).

Code spans and fenced code are parsed by their own rules first, so ``%%`` in code stays literal.
No token survives: the marker token ``comment_unclosed`` is removed by the core rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

UNCLOSED = "comment_unclosed"


def comment_inline_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "%" or not src.startswith("%%", pos):
        return False
    end = src.find("%%", pos + 2, state.posMax)
    if end >= 0:
        state.pos = end + 2
        return True
    if not silent:
        state.push(UNCLOSED, "", 0)
    state.pos = state.posMax
    return True


def _rest_of_line(state: StateBlock, line: int, start: int) -> int:
    """Make ``line`` start at ``start`` (after a closing ``%%``); returns the first non-space pos."""
    src, end = state.src, state.eMarks[line]
    pos = start
    while pos < end and src[pos] in " \t":
        pos += 1
    return pos


#: Code spans and inline math, whose ``%%`` is not a comment marker (their rules run first).
_CODE_OR_MATH = re.compile(r"(`+)[\s\S]*?(?<!`)\1(?!`)|\$\$[\s\S]*?\$\$|\$(?=\S)[^$\n]*?(?<=\S)\$")
_OPEN = "_comment_open"  # env: (block tokens looked at, whether a comment is open after them)


def _open_before(state: StateBlock) -> bool:
    """Whether a ``%%`` comment opened in the text before this line is still open (an odd number
    of markers in the paragraphs, headings, cells and HTML blocks so far).  Block comments are
    balanced, or run to the end of the note, so they change nothing.  A table's cells close a
    comment open before the table (the core rule hides up to that cell's ``%%``), and one opened in
    a cell ends with the table (``_table_comments``).  Counted once per token (a memo in ``env``)."""
    seen, is_open = state.env.get(_OPEN, (0, False))
    tokens = state.tokens
    for j in range(seen, len(tokens)):
        tok = tokens[j]
        if tok.type == "inline" and "%%" in tok.content:
            text = _CODE_OR_MATH.sub("", tok.content.replace("\\%", ""))
            if _in_cell(tokens, j):
                if is_open and "%%" in text:
                    is_open = False
            elif text.count("%%") % 2:
                is_open = not is_open
        elif tok.type == "html_block" and "%%" in tok.content:  # (its code holds no marker)
            if _html_code_masked(tok.content).count("%%") % 2:
                is_open = not is_open
    state.env[_OPEN] = (len(tokens), is_open)
    return is_open


def comment_block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    if src[pos : pos + 2] != "%%":
        return False
    if _open_before(state):
        # ``text %%draft`` … ``%% more``: this %% closes the comment a paragraph left open; the
        # line is a paragraph, whose text after the %% shows (the core rule below)
        return False
    line, search_from = start_line, pos + 2
    while line < end_line:
        close = src.find("%%", search_from, state.eMarks[line])
        if close >= 0:
            after = _rest_of_line(state, line, close + 2)
            if after < state.eMarks[line]:
                if line == start_line:
                    return False  # ``%% x %% text``: an inline comment in a paragraph
                if not silent:
                    state.bMarks[line], state.tShift[line] = after, 0
                    state.sCount[line] = state.blkIndent
                    state.line = line
                return True
            if not silent:
                state.line = line + 1
            return True
        line += 1
        if line < end_line:
            search_from = state.bMarks[line] + state.tShift[line]
    if not silent:
        state.line = end_line
    return True


def _in_cell(tokens, index: int) -> bool:
    """Whether the inline token at ``index`` is a table cell's (a comment there ends with the
    table, see ``_table_comments``)."""
    return index > 0 and tokens[index - 1].type in ("th_open", "td_open")


def _shown_text(text: str, is_open: bool) -> tuple[str, bool]:
    """``text`` without what its ``%%`` markers hide, when a comment is open (``is_open``) or
    closed at its start; and whether one is open at its end.  ``%%`` in code, math or after a
    backslash is no marker."""
    masked = _CODE_OR_MATH.sub(lambda m: "\0" * len(m.group()), text.replace("\\%", "\0\0"))
    out: list[str] = []
    pos = 0
    while (at := masked.find("%%", pos)) >= 0:
        if not is_open:
            out.append(text[pos:at])
        is_open, pos = not is_open, at + 2
    if not is_open:
        out.append(text[pos:])
    return "".join(out), is_open


def _table_comments(state: StateCore, start: int) -> int:
    """A comment in a table runs through its cells in reading order (``| a %%x | b y%% c |``
    hides ``x`` and ``b y``, as the editor shows it), and one left open ends with the table: a
    cell is no place to hide the rest of the note from.  Returns the index of ``table_close``."""
    tokens = state.tokens
    end = start
    while end < len(tokens) and tokens[end].type != "table_close":
        end += 1
    is_open = False
    for j in range(start, end):
        tok = tokens[j]
        if tok.type != "inline" or not (is_open or "%%" in tok.content):
            continue
        if tok.children:
            _drop_from_titles(tok.children)
        shown, now_open = _shown_text(tok.content, is_open)
        if is_open or any(c.type == UNCLOSED for c in tok.children or ()):
            tok.content, tok.children = shown.strip(), []
            if tok.content:
                state.md.inline.parse(tok.content, state.md, state.env, tok.children)
                tok.children = [c for c in tok.children if c.type != UNCLOSED]
        is_open = now_open
    return end


class _Lines:
    """The note's lines that hold ``%%``, found once per parse: each unclosed comment asks for the
    next one (splitting the whole note per comment made many of them quadratic)."""

    def __init__(self, src: str) -> None:
        lines = src.split("\n")
        self.count = len(lines)
        self.marks = [n for n, line in enumerate(lines) if "%%" in line]

    def closer(self, start_line: int) -> int | None:
        """The first line at or after ``start_line`` that holds ``%%``."""
        at = bisect_left(self.marks, start_line)
        return self.marks[at] if at < len(self.marks) else None


def _drop_after_unclosed(state: StateCore, index: int, lines: _Lines,
                         drop: set[int], emptied: set[int]) -> tuple[int, int]:
    """Hide what follows the top-level block at ``index`` (a paragraph's or heading's inline, or
    an HTML block) up to the next ``%%`` line: returns the
    range of tokens that goes.  When that line is in a list, quote, callout or table, the block
    stays, with the text of its items, paragraphs and cells up to the closing ``%%`` hidden (as a
    comment left open inside such a block hides), and what follows the ``%%`` shows."""
    tokens = state.tokens
    close = index  # an HTML block is its own end; a paragraph's or heading's inline is not
    if tokens[index].type == "inline":
        close += 1
        while close < len(tokens) and tokens[close].level > 0:
            close += 1
    start_line = tokens[index].map[1] if tokens[index].map else 0
    closer = lines.closer(start_line)
    keep_from = close + 1
    while keep_from < len(tokens):
        tok = tokens[keep_from]
        if tok.level == 0 and tok.nesting >= 0 and tok.map and closer is not None \
                and tok.map[0] > closer:
            break
        keep_from += 1
    resumed = _resume_paragraph(state, close + 1, keep_from, closer)
    if resumed is None and closer is not None:
        for c in range(close + 1, keep_from):
            tok = tokens[c]
            if tok.level == 0 and tok.nesting == 1 and tok.type != "paragraph_open" \
                    and tok.map and tok.map[0] <= closer < tok.map[1]:
                _hide_to(state, c + 1, closer, lines.count, drop, emptied)
                return close + 1, c
    return close + 1, resumed if resumed is not None else keep_from


def _resume_paragraph(state: StateCore, start: int, stop: int, closer: int | None) -> int | None:
    """If the closing ``%%`` lies in a top-level paragraph among ``tokens[start:stop]``, keep the
    text after it: the paragraph is cut down to that text and parsed again.  Returns its index."""
    tokens = state.tokens
    if closer is None:
        return None
    for p in range(start, stop):
        para = tokens[p]
        if para.type != "paragraph_open" or para.level != 0 or not para.map \
                or not para.map[0] <= closer < para.map[1]:
            continue
        inline = tokens[p + 1]
        rows = inline.content.split("\n")
        row = closer - para.map[0]
        at = rows[row].find("%%") if row < len(rows) else -1
        rest = "\n".join([rows[row][at + 2 :].lstrip(" \t"), *rows[row + 1 :]])
        if at < 0 or not rest.strip():
            return None
        para.map = inline.map = [closer, para.map[1]]
        inline.content = rest
        inline.children = []
        state.md.inline.parse(rest, state.md, state.env, inline.children)
        return p
    return None


def _hide_after_nested(state: StateCore, index: int, lines: _Lines, drop: set[int],
                       emptied: set[int]) -> None:
    """The same for a comment left open in a list item, callout or quote (``- a %%start`` ...
    ``- c end%% d``): the text of every following block up to the closing ``%%`` line goes (a
    list item left with no text goes too, see ``_drop_hidden_items``), and the text after the
    closing ``%%`` shows."""
    own = state.tokens[index].map
    if not own:
        return
    _hide_to(state, index + 1, lines.closer(own[1]), lines.count, drop, emptied)


def _hide_to(state: StateCore, start: int, closer: int | None, count: int,
             drop: set[int], emptied: set[int]) -> None:
    """Hide the text of the blocks from token ``start`` up to the ``%%`` on line ``closer`` (to
    the end of the note, ``count`` lines, when there is none); the text after it shows.  The
    inline tokens whose text all went, and the empty list items inside the comment, are added
    to ``emptied``."""
    tokens = state.tokens
    last = count if closer is None else closer
    for j in range(start, len(tokens)):
        tok = tokens[j]
        if tok.map and tok.map[0] > last:
            break
        if tok.type == "inline" and tok.map:
            at = -1
            if closer is not None and tok.map[0] <= closer < tok.map[1]:
                rows = tok.content.split("\n")
                row = rows[closer - tok.map[0]] if closer - tok.map[0] < len(rows) else ""
                at = row.find("%%")
                rest = "\n".join([row[at + 2 :].lstrip(" \t"), *rows[closer - tok.map[0] + 1 :]])
                tok.content = rest if at >= 0 and rest.strip() else ""
                tok.children = []
                if tok.content:
                    state.md.inline.parse(tok.content, state.md, state.env, tok.children)
                    break
            else:
                tok.content, tok.children = "", []
            if not tok.content:
                emptied.add(j)
            if tokens[j - 1].type == "paragraph_open" and j + 1 < len(tokens) \
                    and tokens[j + 1].type == "paragraph_close":
                drop.update((j - 1, j, j + 1))
            if tok.map[0] <= last < tok.map[1] and (at >= 0 or not _in_cell(tokens, j)):
                break  # (a cell of the closing row without the %%: the next cell may hold it)
        elif tok.nesting == 0 and tok.type != "inline":
            drop.add(j)  # a code block, math block or raw HTML inside the comment
        elif tok.type == "list_item_open" and tokens[j + 1].type == "list_item_close" \
                and tok.map and tok.map[0] < last:
            emptied.add(j)  # ``-`` with no text, inside the comment: an item of the comment's


#: A comment inside one HTML block (``<div>a %%private%% b</div>``): Markdown is not read there,
#: but Obsidian shows no comment outside its editor ("Comments are only visible in Editing view").
#: A ``%%`` left without its pair in the block hides the rest of it and what follows, as one left
#: open in a paragraph does; one in the block's code (``<pre>printf("%%d %%s")</pre>``) stays as
#: written, as in a code span.
_HTML_COMMENT = re.compile(r"%%.*?%%", re.DOTALL)
_HTML_CODE = re.compile(r"<(pre|code|kbd|samp|textarea)\b", re.IGNORECASE)
_HTML_CODE_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
                  for name in ("pre", "code", "kbd", "samp", "textarea")}


def _html_code_masked(html: str) -> str:
    """``html`` with its code elements (to their end tag, or to the end of the block when it has
    none) made NULs of the same length; one pass (no backtracking over unclosed ``<code>``s)."""
    parts: list[str] = []
    pos = 0
    while (m := _HTML_CODE.search(html, pos)) is not None:
        end = _HTML_CODE_END[m.group(1).lower()].search(html, m.end())
        stop = end.end() if end is not None else len(html)
        parts += [html[pos:m.start()], "\0" * (stop - m.start())]
        pos = stop
    parts.append(html[pos:])
    return "".join(parts)


def _html_shown(html: str) -> tuple[str, bool]:
    """An HTML block's text without its ``%%…%%`` comments (``_HTML_COMMENT``), cut at a ``%%``
    left open after them; and whether one was."""
    masked = _html_code_masked(html)
    out: list[str] = []
    pos = 0
    for m in _HTML_COMMENT.finditer(masked):
        out.append(html[pos:m.start()])
        pos = m.end()
    unclosed = masked.find("%%", pos)
    if unclosed < 0:
        out.append(html[pos:])
        return "".join(out), False
    from .sanitize import closed_piece  # (its end tags are in the comment)

    out.append(html[pos:unclosed])
    return closed_piece("".join(out)) + "\n", True


def comment_core_rule(state: StateCore) -> None:
    if "%%" not in state.src:
        return
    tokens = state.tokens
    lines: _Lines | None = None
    drop: set[int] = set()
    emptied: set[int] = set()  # inline tokens whose text a comment took
    skip_from, skip_to = -1, -1  # the tokens the last unclosed paragraph hides: not looked at

    def hide_after(at: int, top: bool) -> None:
        """A ``%%`` left open in the block at ``at`` (a top-level one, or one in a list, quote,
        callout or table) hides what follows it up to the next ``%%`` line."""
        nonlocal lines, skip_from, skip_to
        if lines is None:
            lines = _Lines(state.src)
        if top:
            skip_from, skip_to = _drop_after_unclosed(state, at, lines, drop, emptied)
            drop.update(range(skip_from, skip_to))
        else:
            _hide_after_nested(state, at, lines, drop, emptied)

    i = 0
    while i < len(tokens):
        if i == skip_from:
            i = skip_to
            if i >= len(tokens):
                break
        tok = tokens[i]
        if tok.type == "table_open":
            i = _table_comments(state, i) + 1
            continue
        if tok.type == "html_block" and "%%" in tok.content:
            tok.content, unclosed = _html_shown(tok.content)
            if unclosed:  # hides what follows as a paragraph's open comment does
                hide_after(i, top=tok.level == 0)
        if tok.type == "inline" and tok.children:
            _drop_from_titles(tok.children)  # a reference's title is not in the inline's text
        if tok.type == "inline" and tok.children and "%%" in tok.content:
            kids = tok.children
            found = any(c.type == UNCLOSED for c in kids)
            if found:
                tok.children = [c for c in kids if c.type != UNCLOSED]
                hide_after(i, top=tok.level == 1)  # the inline of a top-level paragraph or heading
        i += 1
    _tidy_after_comments(tokens, drop)
    if emptied:
        _drop_hidden_items(tokens, emptied, drop)
    if drop:
        state.tokens = [tok for j, tok in enumerate(tokens) if j not in drop]


_BREAKS = ("softbreak", "hardbreak")


def _tidy_after_comments(tokens, drop: set[int]) -> None:
    """A comment at a paragraph's start or end leaves no line break there (``> %%x%%`` /
    ``> body`` in a callout, or the text after a comment closed on a line of its own: no blank
    first line), one on lines of its own inside a paragraph leaves one line break, not two (no
    blank line), and a paragraph whose text was all comments (``%%a%% %%b%%``; a comment opened
    on a callout's first line) is no empty ``<p>`` (unless a block id names it: the link to it
    keeps its place).  Only inline tokens a comment touched are looked at: their text holds a
    ``%%``, or starts with the line break a closing ``%%`` line left (markdown-it trims a
    paragraph's own).  The text itself stays, so positions hold."""
    for j, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children or j in drop \
                or not ("%%" in tok.content or tok.content[:1] == "\n"):
            continue
        kids = tok.children
        lo, hi = 0, len(kids)
        while lo < hi and kids[lo].type in _BREAKS:
            lo += 1
        while hi > lo and kids[hi - 1].type in _BREAKS:
            hi -= 1
        if hi - lo < len(kids):
            tok.children = kids = kids[lo:hi]
        # a comment that fills its lines (``before`` / ``%%`` / ``x`` / ``%%`` / ``after``) takes
        # them whole: the line breaks around it are one, not a blank line
        doubled = {k for k in range(1, len(kids))
                   if kids[k].type in _BREAKS and kids[k - 1].type in _BREAKS}
        if doubled:
            tok.children = kids = [kid for k, kid in enumerate(kids) if k not in doubled]
        if all(kid.type == "text" and not kid.content.strip() for kid in kids):
            tok.children = []
    for j, tok in enumerate(tokens):
        if tok.type == "inline" and not tok.children and tok.content and j not in drop \
                and "%%" in tok.content and tokens[j - 1].type == "paragraph_open" \
                and not tokens[j - 1].meta.get("block_id") and j + 1 < len(tokens) \
                and tokens[j + 1].type == "paragraph_close":
            drop.update((j - 1, j, j + 1))


_ITEM_CLOSE = {"list_item_open": "list_item_close", "blockquote_open": "blockquote_close",
               "callout_open": "callout_close", "bullet_list_open": "bullet_list_close",
               "ordered_list_open": "ordered_list_close", "table_open": "table_close"}
_BOXES = ("list_item_open", "blockquote_open", "callout_open", "table_open")


def _drop_hidden_items(tokens, emptied: set[int], drop: set[int]) -> None:
    """A list item, quote, callout or table whose whole text a comment hides goes with it (``- a
    %%start`` / ``- b`` / ``end%%``: no empty bullet for ``b``; no empty grid for a table inside
    the comment), and a list left with no item goes too.  An item the note leaves empty (``-``
    alone) stays: only text a comment took counts."""
    def close_of(k: int) -> int:
        want, level = _ITEM_CLOSE[tokens[k].type], tokens[k].level
        end = k + 1
        while not (tokens[end].type == want and tokens[end].level == level):
            end += 1
        return end

    first, last = min(emptied), max(emptied)
    for k in range(len(tokens)):  # items first: the lists below look at what the items left
        if tokens[k].type not in _BOXES or k > last or k in drop:
            continue
        end = close_of(k)
        if end < first:
            continue
        inner = range(k + 1, end)
        if (k in emptied or any(j in emptied for j in inner)) and all(
                j in drop or j in emptied or tokens[j].nesting != 0 or
                (tokens[j].type == "inline" and not tokens[j].content) for j in inner):
            drop.update(range(k, end + 1))
    for k in range(len(tokens)):
        if tokens[k].type in ("bullet_list_open", "ordered_list_open") and k not in drop:
            end = close_of(k)
            if any(j in emptied for j in range(k + 1, end)) and \
                    all(j in drop for j in range(k + 1, end)):
                drop.update((k, end))


_PAIRED = re.compile(r"%%.*?(?:%%|$)", re.DOTALL)


def _drop_from_titles(children) -> None:
    """``[x](url "t %%note%%")``: a link's or image's title is an attribute, which the inline rule
    never sees; a comment there is gone too (one left open runs to the title's end).  So is one
    inside an inline HTML tag, ``<span title="%%note%%">``, read whole by markdown-it's rule (as
    in an HTML block's tags, ``_html_shown``); a ``%%`` the tag does not close stays."""
    for kid in children:
        title = kid.attrGet("title") if kid.type in ("link_open", "image") else None
        if title and "%%" in str(title):
            kid.attrSet("title", _PAIRED.sub("", str(title)).strip())
        if kid.type == "html_inline" and "%%" in kid.content:
            kid.content = _HTML_COMMENT.sub("", kid.content)
        if kid.children:
            _drop_from_titles(kid.children)


_URL_WINDOW = 4096


def _url_ends_at_comment(linkify):
    """A bare web address ends where a ``%%`` comment starts (``https://x.org/a%%draft%%``):
    linkify-it takes ``%`` into a URL, which would carry the comment into the page.  A real URL
    never holds ``%%`` (a ``%`` is followed by two hex digits)."""
    def rule(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith("://", state.pos):
            return False  # as linkify itself answers there, at once
        # (a window, not the rest of the paragraph: a line of many "://" stays linear)
        cut = state.src.find("%%", state.pos, min(state.posMax, state.pos + _URL_WINDOW))
        if cut < 0:
            return linkify(state, silent)
        if cut < state.pos + 4:  # "://" and nothing before the comment: no address
            return False
        src = state.src
        state.src = src[:cut]
        try:
            return linkify(state, silent)
        finally:
            state.src = src

    return rule


def comments_plugin(md: MarkdownIt) -> None:
    """Register the inline, block and core rules for ``%%`` comments."""
    md.inline.ruler.before("link", "comment", comment_inline_rule)
    linkify = next((r.fn for r in md.inline.ruler.__rules__ if r.name == "linkify"), None)
    if linkify is not None:
        md.inline.ruler.at("linkify", _url_ends_at_comment(linkify))
    md.block.ruler.before("fence", "comment_block", comment_block_rule)
    md.core.ruler.after("inline", "comment_tail", comment_core_rule)
