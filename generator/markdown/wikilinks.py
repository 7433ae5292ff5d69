"""``[[wikilinks]]`` and ``![[embeds]]`` as inline tokens (Contract 1).

The parser records what was written; resolving the target is the render context's job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from generator.urls import local_parts

from ._util import POS, SNIP, alt_size, file_words

#: The kinds of attachment an embed shows as a player or picture (the renderer's ``<img>``,
#: ``<audio>`` and ``<video>``).
IMAGE_EXT = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico", "tif", "tiff"})
AUDIO_EXT = frozenset({"mp3", "wav", "m4a", "ogg", "3gp", "flac", "oga", "opus", "aac"})
VIDEO_EXT = frozenset({"mp4", "webm", "ogv", "mov", "mkv", "m4v"})


def is_image(rel: str) -> bool:
    """Whether the file at vault path ``rel`` is a picture, by its extension."""
    name = rel.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1].lower() in IMAGE_EXT


#: The first place where a link could end or a new one begins (links never span lines).
_STOP = re.compile(r"\[\[|\]\]|\n")
#: A comment inside the brackets (``[[Note#Part %%why%%]]``): hidden there too.
_COMMENT = re.compile(r"%%.*?%%")


def split_wikilink(inner: str) -> dict:
    """Split the text between ``[[`` and ``]]`` into target, heading path, block id and alias.

    ``\\|`` (written inside tables) counts as the alias separator like ``|``.
    """
    bar = inner.find("|")
    if bar >= 0:
        target_part, alias = inner[:bar], inner[bar + 1 :]
        if target_part.endswith("\\"):
            target_part = target_part[:-1]
    else:
        target_part, alias = inner, None
    pieces = target_part.split("#")
    target = pieces[0].strip()
    anchor = [p.strip() for p in pieces[1:] if p.strip()]
    block = None
    if anchor and anchor[-1].startswith("^"):
        block = anchor.pop()[1:].strip() or None
    return {"target": target, "anchor": anchor, "block": block,
            "alias": alias.strip() if alias is not None else None}


def display_text(meta: dict) -> str:
    """What Obsidian shows for a link without an alias: ``Note > Heading``, ``Note > ^id``."""
    if meta.get("alias"):
        return meta["alias"]
    parts = [meta["target"]] if meta["target"] else []
    parts.extend(meta["anchor"])
    if meta["block"]:
        parts.append("^" + meta["block"])
    return " > ".join(parts)


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    ch = src[pos]
    if ch == "[":
        if not src.startswith("[[", pos):
            return False
        start, embed = pos + 2, False
    elif ch == "!":
        if not src.startswith("![[", pos):
            return False
        start, embed = pos + 3, True
    else:
        return False
    # One line only, never empty, and ``[[a [[b]]`` is text followed by a link to b.  Stopping
    # at the first ``[[``, ``]]`` or newline keeps a line full of ``[[`` linear.
    stop = _STOP.search(src, start, state.posMax)
    if stop is None or stop.group() != "]]":
        return False
    end = stop.start()
    # ``[[[Note]]]``, ``[[[Note]]``: a ``[`` just inside the ``[[`` that the name does not close is
    # a stray bracket, shown as text before the link to ``Note`` (which starts at the next
    # ``[``); ``[[[draft] Note]]`` closes it, and links the note ``[draft] Note``
    if src[start] == "[" and not _closed(src, start, end):
        return False
    # ``[[Note [draft]]]``: a ``[`` left open in the name takes a ``]`` before the closing pair
    # (a single ``]`` never ends a link in Obsidian); ``[see [[Other]]]`` has none open
    opened = src.count("[", start, end) - src.count("]", start, end)
    while opened > 0 and end + 2 < state.posMax and src[end + 2] == "]":
        end += 1
        opened -= 1
    inner = src[start:end]
    raw = src[pos : end + 2]
    if "%%" in inner:  # a comment is gone from the output, link text and target included
        inner = _COMMENT.sub("", inner)
    if not inner.strip():
        return False
    meta = split_wikilink(inner)
    # a link that names nothing but the note it is in (``[[#]]``, ``[[#^]]``, ``[[#|]]``) shows
    # what is written before its ``|``: a link is never empty (a reader could not see or reach
    # it), and one with nothing written but a ``|`` (``[[|]]``) is text, as ``[[ ]]`` is
    text = display_text(meta) or re.split(r"\\?\|", inner, maxsplit=1)[0].strip()
    if not text:
        return False
    if silent:
        state.pos = end + 2
        return True
    token = state.push("embed" if embed else "wikilink", "", 0)
    # the column is where what comes before the alias is written (a table cell reads ``\\|`` as ``|``)
    meta.update({"embed": embed, "raw": ("![[" if embed else "[[") + inner + "]]", "line": 0,
                 "col": 0, POS: pos,
                 SNIP: raw.split("|", 1)[0]})
    token.meta = meta
    token.markup = "![[" if embed else "[["
    token.content = text
    state.pos = end + 2
    return True


def _closed(src: str, start: int, end: int) -> bool:
    """Whether the ``[`` at ``start`` is closed by a ``]`` before ``end``."""
    depth = 0
    for i in range(start, end):
        ch = src[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return True
    return False


def render_wikilink(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        return ctx.render_wikilink(token)
    meta = token.meta
    target = escapeHtml(meta["target"])
    return f'<a class="wikilink" data-target="{target}">{escapeHtml(token.content)}</a>'


def render_embed(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        return ctx.render_embed(token)
    target = escapeHtml(token.meta["target"])
    return f'<span class="embed" data-target="{target}">{escapeHtml(token.content)}</span>'


#: The last dot-part of a file name that reads as a file extension: no space, a few letters and
#: digits, at least one letter (``v1.2`` is a version, ``Dr. Who`` and ``v1.2 release`` are notes).
_EXT = re.compile(r"[A-Za-z0-9]{0,9}[A-Za-z][A-Za-z0-9]{0,9}")

NOTE, FILE, MAYBE = "note", "file", "maybe"

#: Extensions whose embed is a picture, a player, a PDF viewer or a drawing, inline whatever the
#: vault holds.  Another one (``.txt``, ``.json``, ``.js``) can be the end of a note's name as well
#: as a file's (``Node.js.md``, ``package.json.md``, which ``![[Node.js]]`` embeds in Obsidian).
INLINE_EXT = IMAGE_EXT | AUDIO_EXT | VIDEO_EXT | frozenset({
    "heic", "heif", "wma", "aif", "aiff", "avi", "wmv", "pdf", "canvas", "excalidraw"})


def embed_kind(tok: Token) -> str | None:
    """What an embed token names, as far as its text tells: ``NOTE`` (no file extension, or
    ``.md``: it renders as a block), ``FILE`` (an image, a player, a PDF or a canvas: inline),
    ``MAYBE`` (some other extension, ``file.xyz``, ``data.csv``, ``Node.js``: an attachment's link
    card, inline, unless the vault has a note of that name).  None for other tokens.  An
    empty target (``![[#Heading]]``, ``![[#^id]]``) is the embedding note itself.  A Markdown image
    (``![](Note.md)``) embeds a note the same way."""
    if tok.type == "embed":
        name = tok.meta.get("target", "")
        if not name:
            return NOTE
    elif tok.type == "image":
        src = str(tok.attrGet("src") or "")
        if "://" in src or src.startswith(("/", "#", "data:")):
            return FILE
        name = local_parts(src)[0]
    else:
        return None
    name = name.rsplit("/", 1)[-1]
    if not name:
        return FILE
    ext = name.rsplit(".", 1)[-1] if "." in name.strip(".") else ""
    if not ext or ext.lower() == "md" or not _EXT.fullmatch(ext):
        return NOTE
    return FILE if ext.lower() in INLINE_EXT else MAYBE


def _embeds_a_note(tok: Token, alone: bool = False) -> bool:
    """Whether an embed is cut out of its paragraph as a block: a note's, and one whose name could
    be a note's (``MAYBE``) when nothing but embeds stands in the paragraph; never one inside a
    link's text (``IN_LINK``), which stays there as words."""
    if tok.meta.get(IN_LINK):
        return False
    kind = embed_kind(tok)
    return kind == NOTE or (alone and kind == MAYBE) or _embeds_a_base(tok)


def _embeds_a_base(tok: Token) -> bool:
    """``![[X.base]]`` shows a table or cards: a block too."""
    name = str(tok.meta.get("target", "")) if tok.type == "embed" else ""
    return name.lower().endswith(".base")


def _only_embeds(children: Sequence[Token]) -> bool:
    return all(embed_kind(k) is not None or _blank(k) for k in children)


def block_embeds_rule(state: StateCore) -> None:
    """An embedded note is a ``<div>`` of blocks, which a ``<p>`` cannot hold (parsers close the
    ``<p>`` early and leave an empty one behind).  A paragraph with note embeds is cut around them:
    its text runs stay paragraphs, its note embeds go in ``embeds_open``/``_close``, which write no
    tag (``Intro:`` on one line and ``![[Note]]`` on the next is one Markdown paragraph, and common).
    Paragraphs in tight lists (no ``<p>``) are left as they are.  One carrying a block id (which
    names the whole paragraph), or with a note embed inside inline markup (``*![[Note]]*``), is not
    cut: it is written as a ``<div>``, which may hold the embed's.

    An attachment's embed stays in its paragraph (an ``<img>``, ``<audio>``, ``<video>`` or link
    card is inline).  One whose extension is not a known one (``See ![[a.xyz]] here.``) stays there
    too, with ``meta["inline"]`` set, so that if the name turns out to be a note's (``notes.txt.md``)
    the renderer writes a link to it rather than a ``<div>`` inside the ``<p>``; and with
    ``meta["in_text"]`` when its paragraph, list item or table cell has text besides embeds (an
    icon there is sized as text).
    """
    if "![" not in state.src:
        return
    tokens = state.tokens
    # only a token holding "![" (a paragraph's inline) can hold an embed: the others are
    # not visited, and the list is changed only where a paragraph is cut
    hits = [i for i, tok in enumerate(tokens) if "![" in tok.content]
    cuts: list[tuple[int, int, list[Token]]] = []  # (first, last, replacement)
    done = 0  # tokens before this index are in a cut already
    for i in hits:
        if i < done:
            continue
        p = i - 1
        if p >= done and tokens[p].type == "paragraph_open" and not tokens[p].hidden \
                and p + 2 < len(tokens):
            tok = tokens[p]
            # a footnote's last paragraph holds its back-references before its end
            end = p + 2
            while end < len(tokens) and tokens[end].type == "footnote_anchor":
                end += 1
            kids = tokens[i].children or ()
            alone = not tok.attrs and _only_embeds(kids)
            for kid in kids:  # left in a paragraph: a note there is shown as a link
                if embed_kind(kid) in (FILE, MAYBE) and not _embeds_a_note(kid, alone):
                    kid.meta["inline"] = True
            if end < len(tokens) and tokens[end].type == "paragraph_close" \
                    and any(_embeds_a_note(k, alone) for k in kids):
                if tok.attrs or _inside_markup(kids, alone):
                    # not cut: a block id names the whole paragraph, and an embed inside
                    # ``*…*`` or a link would leave each part's markup open; the paragraph
                    # becomes a <div>, which may hold the embed's <div>
                    part = [tok.copy(tag="div"), *tokens[i:end], tokens[end].copy(tag="div")]
                else:
                    part = _cut_paragraph(tok, tokens[i], tokens[end], alone, tokens[p + 2:end])
                cuts.append((p, end, part))
                done = end + 1
                continue
        tok = tokens[i]
        if tok.type == "inline" and not _only_embeds(tok.children or ()):
            for kid in tok.children or ():  # in a line of text (an icon is sized as text)
                if kid.type == "embed" and embed_kind(kid) in (FILE, MAYBE):
                    kid.meta["in_text"] = True
    for first, last, part in reversed(cuts):
        tokens[first:last + 1] = part


#: ``meta`` key of a link, tag or embed written inside a link's text (``[see ![[Note]]](url)``,
#: ``<a href="…">see [[Other]] #tag</a>``).  A link cannot hold another link or a player (the
#: browser ends the outer one there, and the text after it falls out of both), and an embedded
#: note holds its title link and the note's own, a file its link card: the renderer writes each
#: as its words, in the outer link's text (``[![[pic.png]]](url)`` stays a linked picture, and a
#: raw ``<a>`` inside goes, its text staying).
IN_LINK = "in_link"

#: A raw HTML ``<a …>`` or ``</a>`` tag (an ``html_inline`` token holds one tag).
_RAW_A_OPEN = re.compile(r"<a(?=[\s/>])", re.IGNORECASE)
_RAW_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)


def in_link_rule(state: StateCore) -> None:
    """Mark what stands inside a link's text, a Markdown one or a raw ``<a>`` (``IN_LINK``)."""
    if not _maybe_in_link(state.src):
        return
    for tok in state.tokens:
        if tok.type == "inline" and tok.children and _maybe_in_link(tok.content):
            _mark_in_link(tok.children)


def _maybe_in_link(text: str) -> bool:
    """Whether ``text`` holds what may write a link or player inside a link's text (a Markdown link
    holds no wikilink or tag: its label parse stops at ``[[``, and tags are not read there): raw
    HTML, an embed or image, a footnote reference.  (Four substring tests: a search for the four
    alternatives as one regular expression tried each position of the note.)"""
    return "<" in text or "![" in text or "[^" in text or "^[" in text


#: What renders a link of its own, or a player or card holding one.
_LINKING = frozenset({"embed", "image", "wikilink", "tag", "footnote_ref"})


def _mark_in_link(children: Sequence[Token]) -> None:
    links: list[bool] = []  # the links open here, innermost last: True for a raw <a>
    for kid in children:
        ktype = kid.type
        raw = ktype == "html_inline"
        if ktype == "link_close":
            while links and links.pop():  # with a raw <a> left open in its text
                pass
            continue
        if raw and _RAW_A_CLOSE.match(kid.content):
            if links and links[-1]:
                if len(links) > 1:
                    kid.content = ""  # the inner <a>'s end goes with it
                links.pop()
            continue
        opens = ktype == "link_open" or (raw and _RAW_A_OPEN.match(kid.content) is not None)
        if links and (opens or raw or ktype in _LINKING):
            kid.meta[IN_LINK] = True  # (a raw <img> of a web address: no link of its own)
            if raw and opens:
                kid.content = ""  # a raw <a> in a link: its text is the outer link's
        if opens:
            links.append(raw)


def _inside_markup(children: Sequence[Token], alone: bool) -> bool:
    """Whether a note embed stands inside inline markup (``*![[Note]]*``; inside a link's text it is
    words, see ``IN_LINK``)."""
    depth = 0
    for kid in children:
        depth += kid.nesting
        if depth > 0 and _embeds_a_note(kid, alone):
            return True
    return False


def _blank(tok: Token) -> bool:
    return tok.type in ("softbreak", "hardbreak") or (tok.type == "text" and not tok.content.strip())


def _cut_paragraph(open_: Token, inline: Token, close: Token, alone: bool,
                   tail: Sequence[Token] = ()) -> list[Token]:
    """The paragraph as text paragraphs and runs of note embeds; ``tail`` (a footnote's
    back-references) ends the last paragraph, or one of its own after a last embed."""
    runs: list[tuple[bool, list[Token]]] = []  # (note embeds?, children)
    for kid in inline.children or ():
        is_embed = _embeds_a_note(kid, alone)
        if is_embed and embed_kind(kid) == MAYBE and not _embeds_a_base(kid):
            kid.meta["alone"] = True  # a file's link card there stands in a paragraph of its own
        if runs and (runs[-1][0] == is_embed or (runs[-1][0] and _blank(kid))):
            runs[-1][1].append(kid)
        else:
            runs.append((is_embed, [kid]))
    out: list[Token] = []
    # every part says which paragraph it was cut from (``CUT``): the renderer joins the text parts
    # of one paragraph where the embeds between them show nothing
    key = {CUT: tuple(open_.map) if open_.map else id(open_)}
    for embeds, kids in runs:
        brk: dict[str, Any] = {}
        lead: dict[str, Any] = {}
        while kids and _blank(kids[-1]):
            # the line break or space before a note embed ends the text; a line break (or a
            # space) is kept in mind for when the embeds show no block and the text is one
            # paragraph again
            kind = kids.pop().type
            if kind in ("softbreak", "hardbreak") and not brk.get(BREAK):
                brk = {BREAK: kind}
            elif not brk:
                brk = {SPACED: True}
        while kids and _blank(kids[0]):
            kids.pop(0)
            lead = {SPACED: True}
        if not kids:
            continue
        if not embeds:  # no space left hanging where an embed was cut out
            if kids[0].type == "text":
                text = kids[0].content.lstrip()
                if text != kids[0].content:
                    lead = {SPACED: True}
                kids[0] = kids[0].copy(content=text)
            if kids[-1].type == "text":
                text = kids[-1].content.rstrip()
                if text != kids[-1].content and not brk:
                    brk = {SPACED: True}
                kids[-1] = kids[-1].copy(content=text)
        part = inline.copy(children=kids)  # same content: positions are offsets into it
        if embeds:
            out += [open_.copy(type="embeds_open", meta={**open_.meta, **key}), part,
                    close.copy(type="embeds_close", meta={**close.meta, **key, **brk})]
        else:
            out += [open_.copy(meta={**open_.meta, **key, **lead}), part,
                    close.copy(meta={**close.meta, **key, **brk})]
    if tail:
        if out and out[-1].type == "paragraph_close":
            out[-1:-1] = tail
        else:
            out += [open_.copy(), *tail, close.copy()]
    return out


#: ``meta`` key of the paragraph tokens of a paragraph cut around note embeds (``_cut_paragraph``).
CUT = "cut_around_embeds"
#: ``meta`` key of the closing token of a part of a cut paragraph that ended in a line break (its
#: token type), given back when the paragraph is one again (``render_paragraph_close``).
BREAK = "cut_at_break"
#: ``meta`` key of the closing token of a part that ended in white space, and of the opening token
#: of a text part that began with it: the space given back when the paragraph is one again
#: (``See ![[Missing]] here`` keeps its spaces, ``(![[Missing]])`` has none).
SPACED = "cut_at_space"


def _line_break(self, close: Token, options, env) -> str | None:
    """The line break a cut part ended in (``close.meta[BREAK]``), rendered; None when none."""
    kind = close.meta.get(BREAK)
    return None if kind is None else self.renderInline([Token(kind, "br", 0)], options, env)


def _gap(self, edge: Token, options, env) -> str:
    """What stood between a text part and the embeds next to it (``edge``: the token that meta
    says it on): a line break, a space, or nothing."""
    return _line_break(self, edge, options, env) or (" " if edge.meta.get(SPACED) else "")


def cut_goes_on(tokens: Sequence[Token], close_idx: int) -> bool:
    """Whether ``tokens[close_idx]`` ends a part of a cut paragraph (a text part or a run of note
    embeds) that the next part of the same paragraph follows: the parts render together, since
    where the embeds show no block they are one paragraph again."""
    if close_idx + 1 >= len(tokens):
        return False
    close, after = tokens[close_idx], tokens[close_idx + 1]
    key = close.meta.get(CUT)
    return (key is not None and close.type in ("paragraph_close", "embeds_close")
            and after.type in ("paragraph_open", "embeds_open") and after.meta.get(CUT) == key)


def _inline_run(tokens: Sequence[Token], open_idx: int, env) -> bool:
    """Whether the run of note embeds opened at ``tokens[open_idx]`` (``embeds_open``) shows no
    block on this page, only inline markers: each embed is unresolved, or of a note that is not
    published (its name as plain text), as Obsidian shows a missing embed in its line.  Its
    paragraph is then one paragraph again, the markers in it."""
    ctx = env.get("ctx") if env else None
    inline = getattr(ctx, "embeds_inline", None)
    if inline is None or open_idx + 2 >= len(tokens) or tokens[open_idx].type != "embeds_open":
        return False
    kids = [k for k in tokens[open_idx + 1].children or () if not _blank(k)]
    return bool(kids) and all(inline(kid) for kid in kids)


def _cut_from_same(tokens: Sequence[Token], idx: int, open_idx: int, kind: str) -> bool:
    """Whether ``tokens[idx]`` is a text part's ``kind`` token cut from the paragraph the run of
    embeds opened at ``open_idx`` was cut from."""
    key = tokens[open_idx].meta.get(CUT)
    return (0 <= idx < len(tokens) and key is not None and tokens[idx].type == kind
            and tokens[idx].meta.get(CUT) == key)


def render_paragraph_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """``See ![[Missing]] here.`` is one paragraph with the embed's marker in it: the text part
    before the embeds does not end (what stood between them stays: a space, a line break)."""
    if _inline_run(tokens, idx + 1, env) and _cut_from_same(tokens, idx, idx + 1, "paragraph_close"):
        return _gap(self, tokens[idx], options, env)
    return self.renderToken(tokens, idx, options, env)


def render_paragraph_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """…and the part after them does not begin (``before\n![[Missing]]\nafter`` keeps its three
    lines, as a missing picture does)."""
    if idx >= 3 and _inline_run(tokens, idx - 3, env) \
            and _cut_from_same(tokens, idx, idx - 3, "paragraph_open"):
        return _gap(self, tokens[idx - 1], options, env) + _gap(self, tokens[idx], options, env)
    return self.renderToken(tokens, idx, options, env)


def render_embeds_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """A run of note embeds writes no tag, unless it shows only inline markers with no text of its
    paragraph before it (``![[Missing]] lead``): it opens that paragraph."""
    if _inline_run(tokens, idx, env) and not _cut_from_same(tokens, idx - 1, idx, "paragraph_close"):
        return "<p" + self.renderAttrs(tokens[idx]) + ">"
    return ""


def render_embeds_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """…and closes it when no text of the paragraph follows (``lead ![[Missing]]``)."""
    if idx >= 2 and _inline_run(tokens, idx - 2, env):
        return "" if _cut_from_same(tokens, idx + 1, idx - 2, "paragraph_open") else "</p>\n"
    return "\n"


def wikilinks_plugin(md: MarkdownIt) -> None:
    """``[[...]]`` -> ``wikilink`` token, ``![[...]]`` -> ``embed`` token."""
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.core.ruler.after("inline", "in_link", in_link_rule)
    md.core.ruler.after("in_link", "block_embeds", block_embeds_rule)
    md.add_render_rule("embeds_open", render_embeds_open)
    md.add_render_rule("embeds_close", render_embeds_close)
    md.add_render_rule("paragraph_open", render_paragraph_open)
    md.add_render_rule("paragraph_close", render_paragraph_close)
    md.add_render_rule("wikilink", render_wikilink)
    md.add_render_rule("embed", render_embed)


def vault_free(tokens: list[Token], notes_embedded: list[str] | None = None) -> None:
    """Obsidian links rendered where no vault is known (a code cell's Markdown result, in the
    worker; a figure's caption) as what can be written without one:
    ``[[Note#Part|text]]`` as the Markdown link ``[text](Note.md#Part)``, which the page's render
    context resolves as a note's own (``sanitize.localise_output``); ``![[pic.png|300]]`` as the
    Markdown picture ``![300](pic.png)``, resolved as the page resolves an ``<img src>``; an embed
    of another file as a link to it; an embed of a note (whose text a result cannot hold: its
    links, embeds and code are the vault's) as a link to it, its ``![[…]]`` appended to
    ``notes_embedded`` so that the cell can say so; a tag as its words (a tag page lists the notes
    that have the tag, and a result is none of them)."""
    from urllib.parse import quote

    def text(content: str) -> Token:
        token = Token("text", "", 0)
        token.content = content
        return token

    def href(meta: dict, note: bool) -> str:
        path = meta["target"]
        path += ".md" if note and not path.lower().endswith(".md") else ""
        fragment = "#".join(meta.get("anchor") or ()) or (
            "^" + meta["block"] if meta.get("block") else "")
        return quote(path) + ("#" + quote(fragment) if fragment else "")

    def link(url: str, content: str) -> list[Token]:
        opening = Token("link_open", "a", 1)
        opening.attrs = {"href": url}
        return [opening, text(content), Token("link_close", "a", -1)]

    for block in tokens:
        if not block.children:
            continue
        children = []
        for child in block.children:
            meta = child.meta or {}
            target = meta.get("target") or ""
            ext = target.rsplit(".", 1)[-1].lower() if "." in target.rsplit("/", 1)[-1] else ""
            if child.type == "wikilink" and target:
                children += link(href(meta, True), child.content)
            elif child.type == "embed" and ext in IMAGE_EXT:
                # alt text as a note's picture has it (else the file's name as words), and a
                # ``|300`` size after a ``|``, as a Markdown picture reads it (``_util.alt_size``)
                alias = meta.get("alias") or ""
                words = file_words(target)
                alt = alias if alias and alt_size(alias)[0] else words + ("|" + alias if alias else "")
                image = Token("image", "img", 0)
                image.attrs = {"src": quote(target), "alt": ""}
                image.children = [text(alt)]
                image.content = alt
                children.append(image)
            elif child.type == "embed" and target and ext and ext != "md":
                children += link(href(meta, False), child.content)  # a PDF, a sound: the file
            elif child.type == "embed" and target:
                if notes_embedded is not None:
                    notes_embedded.append(meta.get("raw") or f"![[{target}]]")
                children += link(href(meta, True), child.content)
            elif child.type == "tag":
                children.append(text("#" + meta.get("tag", child.content)))
            elif child.type in ("wikilink", "embed"):
                children.append(text(child.content or meta.get("raw", "")))
            else:
                children.append(child)
        block.children = children
    # a note's embed stood alone as a block (``embeds_open``): its link is a paragraph
    for i, block in enumerate(tokens):
        if block.type in ("embeds_open", "embeds_close"):
            opening = block.type == "embeds_open"
            tokens[i] = Token("paragraph_open" if opening else "paragraph_close", "p", 1 if opening else -1)
            tokens[i].map = block.map
