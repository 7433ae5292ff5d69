"""Rendering a note's body: the context that markdown render rules call to resolve the vault.

``RenderContext`` is pure: it reads the note, the index and execution results, and returns HTML.  What it
touches on the way (notes consulted, names looked up, attachments used, embeds) is recorded so the
pipeline can copy attachments and decide which pages an edit affects.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from generator.diagnostics import Diagnostic, info, warning
from generator.frontmatter import printable
from generator.imagesize import image_size, sized_attrs
from generator.index import Resolution, VaultIndex
from generator.markdown._util import alt_size, file_words, walk
from generator.markdown.links import UNPUBLISHED
from generator.markdown.wikilinks import (
    AUDIO_EXT,
    IMAGE_EXT,
    IN_LINK,
    VIDEO_EXT,
    display_text,
    split_wikilink,
)
from generator.model import BlockRef, Heading, Note, NoteId, SiteUrl, SourceFile, file_stamp
from generator.obsidian_uri import is_obsidian_uri, linked_note
from generator.urls import local_parts, relative_href, root_prefix

_PDF_PAGE = re.compile(r"page=\d+")
_PDF_HEIGHT = re.compile(r"height=(\d+)")

MAX_EMBED_DEPTH = 6
# What one page shows of other notes: note embeds placed (nested ones counted) and characters of
# embedded HTML.  A few levels of notes that each embed the next many times ask for an exponential
# page; past either limit an embed is a link to its note (``_Budget``, one ``embed-budget`` warning).
MAX_PAGE_EMBEDS = 5_000
MAX_PAGE_EMBED_CHARS = 32_000_000

# Inside an embed, links are written as ``\x02url\x1ffragment\x03`` (markers that no note can
# contain: reading replaces control characters) and made relative to the page only when the embed is
# placed in it, so that one rendering of an embedded note serves every page that shows it.
_MARK, _SEP, _END = "\x02", "\x1f", "\x03"
# An embed's footnote ids are written ``\x02\x1ename\x03``: each placement of a rendering on a page
# gets names of its own there (``RenderContext._own_ids``), as the same rendering may be shown twice.
_DOC = "\x1e"
_DOC_MARK = re.compile(r"\x02\x1e([^\x03]*)\x03")


TAGS_URL = SiteUrl("_tags.html")  # the page of all tags


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass
class PageDeps:
    """What a page's HTML depends on besides its own source."""

    notes: set[NoteId] = field(default_factory=set)  # title/url/headings/blocks of these notes
    embeds: set[NoteId] = field(default_factory=set)  # the content of these notes
    names: set[tuple[str, NoteId]] = field(default_factory=set)  # (link target, note that wrote it)
    attachments: set[str] = field(default_factory=set)  # vault paths of attachments referenced
    tags: set[str] = field(default_factory=set)  # tags (case-folded) linked only if they have a page
    cells: bool = False
    bases: bool = False  # shows a base: the facts of every note (``incremental.DepsHasher``)

    def add(self, other: PageDeps) -> None:
        self.notes |= other.notes
        self.embeds |= other.embeds
        self.names |= other.names
        self.attachments |= other.attachments
        self.tags |= other.tags
        self.cells = self.cells or other.cells
        self.bases = self.bases or other.bases


@dataclass
class _Trace:
    """The embeds met while rendering one embed: the (note, part) frames, how many levels deep they
    nest, and whether any was stopped (a loop, or too deep)."""

    frames: set[tuple[NoteId, str]] = field(default_factory=set)
    depth: int = 0
    stopped: bool = False

    def add(self, frames, depth: int, stopped: bool) -> None:
        self.frames |= frames
        self.depth = max(self.depth, depth)
        self.stopped = self.stopped or stopped


@dataclass(frozen=True)
class _Embedded:
    """One rendering of an embed (links as markers), what it looked up and warned, the trace
    that says on which pages the same rendering is right, and how many note embeds it places
    (nested ones counted: ``_Budget.holds``)."""

    html: str
    deps: PageDeps
    diagnostics: tuple[Diagnostic, ...]
    frames: frozenset[tuple[NoteId, str]]
    depth: int
    placed: int = 0

    def fits(self, stack: tuple[tuple[NoteId, str], ...]) -> bool:
        """Would rendering it again under ``stack`` give the same HTML?  Yes unless one of its embeds
        would now loop back to the stack or nest too deep."""
        if self.depth and len(stack) + self.depth >= MAX_EMBED_DEPTH:
            return False
        return not any(_loops(frame, stack) for frame in self.frames)


@dataclass
class _Budget:
    """The note embeds a page has placed (nested ones counted, and those a loop or the depth limit
    stopped, each of which costs a warning) and the characters of HTML they brought, against
    ``MAX_PAGE_EMBEDS`` and ``MAX_PAGE_EMBED_CHARS``; one per page, shared by the contexts of all
    its embeds.  An embed is placed while both are under their limit (the last one placed may pass
    the characters' limit by its own size, not by more embeds); the ones after are links in a note
    box (``skipped``; ``first``: the first one's note, line, col and target).

    The page is what rendering every embed afresh, in order, gives: an embed counts once it is
    placed, and its characters (its whole HTML, nested embeds included) once its rendering is done.
    A rendering of an earlier page (``RenderContext.embeds``) is reused only where it ``holds``."""

    placed: int = 0
    size: int = 0
    skipped: int = 0
    first: tuple[str, int, int, str] | None = None

    def admits(self) -> bool:
        return self.placed < MAX_PAGE_EMBEDS and self.size < MAX_PAGE_EMBED_CHARS

    def holds(self, done: _Embedded) -> bool:
        """Would rendering ``done`` afresh, its own placement just counted, place every embed in
        it?  Yes when its embeds stay under the count and its whole HTML under the characters
        (every embed in it is placed before its characters are all counted)."""
        return not done.placed or (self.placed + done.placed <= MAX_PAGE_EMBEDS
                                   and self.size + len(done.html) < MAX_PAGE_EMBED_CHARS)

    def warning(self, page: Note) -> Diagnostic | None:
        """The page's one ``embed-budget`` warning (at the first embed not shown), if any."""
        if self.first is None:
            return None
        rel, line, col, target = self.first
        after = f", nor the {self.skipped - 1:,} after it" if self.skipped > 1 else ""
        return warning(
            "embed-budget", f"embed of {target} not shown on the page of {page.rel}{after} (a link "
            f"to the note stands in each place): the page already shows {self.placed:,} note "
            f"embeds, {self.size:,} characters of HTML, and a page shows at most "
            f"{MAX_PAGE_EMBEDS:,} embeds or {MAX_PAGE_EMBED_CHARS:,} characters", rel, line + 1, col + 1,
            hint="embed fewer notes, or only a section of each with ![[Note#Heading]], or link "
                 "to them with [[...]]")


def _frame_name(frame: tuple[NoteId, str]) -> str:
    """A frame of an embed chain as a reader names it: ``Folder/Note``, ``Note#Heading``."""
    note, part = frame
    return note if not part else f"{note}#{part}"


def _loops(frame: tuple[NoteId, str], stack: tuple[tuple[NoteId, str], ...]) -> bool:
    """A loop is the same part of the same note again.  A note may embed its own sections, on its
    page and wherever it is embedded: a whole note being embedded does not stop its ``![[#Sec]]``
    (the section leads back to the whole note only through an embed of it, which this stops)."""
    return frame in stack


def place_links(html_text: str, page_url: SiteUrl) -> str:
    """An embed's HTML with its link markers made relative to the page at ``page_url``."""
    if _MARK not in html_text:
        return html_text
    head, *pieces = html_text.split(_MARK)
    out = [head]
    for piece in pieces:
        inner, _, tail = piece.partition(_END)
        if inner.startswith(_DOC):  # a footnote id's name, already unique on the page
            out.append(inner[1:])
        else:
            url, _, fragment = html.unescape(inner).partition(_SEP)
            out.append(esc(relative_href(url, page_url, fragment or None)))
        out.append(tail)
    return "".join(out)


class RenderContext:
    def __init__(self, note: Note, index: VaultIndex, page_url: SiteUrl,
                 cells: dict[int, Any] | None = None, *, stack: tuple[tuple[NoteId, str], ...] = (),
                 deps: PageDeps | None = None, diagnostics: list[Diagnostic] | None = None,
                 embeds: dict[tuple, _Embedded] | None = None, budget: _Budget | None = None,
                 all_cells: Mapping[NoteId, dict[int, Any]] | None = None):
        self.note = note
        self.index = index
        self.page_url = page_url
        self.cells = cells or {}
        self.all_cells = all_cells or {}  # every note's cells, for the notes it embeds
        # the page shows its note whole: an embed of the whole note leads back to it (a loop)
        self.stack: tuple[tuple[NoteId, str], ...] = stack or ((note.id, ""),)
        self.deps = deps if deps is not None else PageDeps()
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.root = root_prefix(page_url)
        self.load_remote_images = index.cfg.remote_images == "load"
        self.md_options = render_options(index.cfg.strict_line_breaks)
        self.embedded = len(self.stack) > 1  # inside an embed: links are written as markers
        self.embeds = embeds  # renderings of embeds, shared by the pages a process renders
        self.budget = budget if budget is not None else _Budget()  # the page's, shared by its embeds
        self.trace = _Trace()
        self.doc_ids: set[str] = set()  # the footnote id names of the embeds placed here

    # -- helpers --------------------------------------------------------------------------------
    def _resolve(self, target: str) -> Resolution:
        self.deps.names.add((target, self.note.id))
        res = self.index.resolve(target, self.note)
        if res.note is not None:
            self.deps.notes.add(res.note.id)
        return res

    def href_to_note(self, note: Note, fragment: str | None = None) -> str:
        url = self.index.urls[note.id]
        if note.id == self.note.id and not self.embedded and fragment:
            return "#" + relative_href(url, url, fragment).split("#", 1)[1]
        return self._href(url, fragment)

    def note_link_open(self, note: Note, fragment: str | None = None) -> str:
        """The ``<a>`` opening tag of a link to ``note`` (at ``fragment``), as every link to a
        note has it: the ``internal-link`` class and the ``data-note`` hover previews read."""
        return (f'<a class="internal-link" href="{esc(self.href_to_note(note, fragment))}" '
                f'data-note="{esc(self.index.urls[note.id])}">')

    def href_to_attachment(self, att: SourceFile, subpath: Sequence[str] = ()) -> str:
        """The attachment's href; a PDF keeps ``#page=N`` (``[[doc.pdf#page=3]]``), which
        browsers' PDF viewers open at."""
        self.deps.attachments.add(att.rel)
        page = next((piece.strip() for part in subpath for piece in part.split("&")
                     if _PDF_PAGE.fullmatch(piece.strip())), None)
        if page is not None and not att.rel.lower().endswith(".pdf"):
            page = None
        return self._href(self.index.attachment_url(att), page)

    def image_src(self, att: SourceFile, subpath: Sequence[str] = ()) -> str:
        """An embedded picture's src: ``![[pic.png#interface]]`` keeps its anchor, as Obsidian
        keeps it on the embed's src for CSS (themes select ``img[src$="#interface"]``, and the
        help's ``#icon`` and ``#outline``); the browser loads the file all the same."""
        self.deps.attachments.add(att.rel)
        return self._href(self.index.attachment_url(att), "#".join(p for p in subpath if p) or None)

    def href_to_file(self, att: SourceFile, subpath: Sequence[str] = ()) -> str:
        """A link's href to an attachment: a canvas's page (Obsidian opens the canvas), an
        old-format Excalidraw drawing's exported picture, else the file itself."""
        page = self.index.canvas_page_url(att)
        if page is None and att.rel.lower().endswith(".excalidraw"):
            from generator.excalidraw import find_export

            # an old-format drawing is JSON: its exported picture is what a reader can open
            att = find_export(self, att.rel, True) or att
        return self._href(page) if page is not None else self.href_to_attachment(att, subpath)

    def _href(self, url: str, fragment: str | None = None) -> str:
        if self.embedded:
            return f"{_MARK}{url}{_SEP}{fragment or ''}{_END}"
        return relative_href(url, self.page_url, fragment)

    def _fragment(self, target: Note, meta: dict[str, Any]) -> str | None:
        if meta.get("block"):
            block = self.index.find_block(target, meta["block"])
            if block is None:
                return None
            heading = _heading_of(target, block)
            return heading.anchor if heading else f"^{block.id}"
        anchor = meta.get("anchor") or ()
        if anchor:
            heading = self.index.find_heading(target, tuple(anchor))
            return heading.anchor if heading else None
        return None

    def warn(self, code: str, message: str, line: int, col: int = 0,
             hint: str | None = None) -> None:
        self.diagnostics.append(warning(code, message, self.note.rel, line + 1, col + 1, hint))

    def info(self, code: str, message: str, line: int, col: int = 0,
             hint: str | None = None) -> None:
        """What the page shows otherwise than Obsidian, with nothing for the author to fix (an
        info: never counted by ``--strict``)."""
        self.diagnostics.append(info(code, message, self.note.rel, line + 1, col + 1, hint))

    # -- wikilinks ----------------------------------------------------------------------------
    def render_wikilink(self, token: Token) -> str:
        meta = token.meta
        target = meta.get("target", "")
        anchor = list(meta.get("anchor") or ())
        text = _link_text(meta, token.content)
        if meta.get(IN_LINK):  # words of the link around it (a link in a link is split)
            return f'<span class="internal-link in-link">{esc(text)}</span>'
        if is_obsidian_uri(target):  # [[obsidian://open?vault=…&file=Note|x]]
            uri = str(meta.get("raw", ""))[2:-2].split("|", 1)[0].rstrip("\\").strip()
            opened = linked_note(uri, self.index.vault_name)
            if opened is None:  # another vault's or action: an app link, as written
                return f'<a href="{esc(uri)}">{esc(text)}</a>'
            meta = {**meta, **split_wikilink(opened), "alias": meta.get("alias")}
            target = meta["target"]
        res = self._resolve(target)
        if res.kind == "note" and res.note is not None:
            return f"{self.note_link_open(res.note, self._fragment(res.note, meta))}{esc(text)}</a>"
        if res.kind == "attachment" and res.attachment is not None:
            href = self.href_to_file(res.attachment, anchor)
            return f'<a class="internal-link attachment-link" href="{esc(href)}">{esc(text)}</a>'
        if res.kind == "unpublished":
            return f'<span class="internal-link unpublished">{esc(text)}</span>'
        return (f'<a class="internal-link broken" data-target="{esc(meta.get("raw") or target)}" '
                f'title="{esc("Not found: " + target)}">{esc(text)}</a>')

    # -- embeds ------------------------------------------------------------------------------------
    def embeds_inline(self, token: Token) -> bool:
        """Whether a note embed shows an inline marker here, not a block: it is unresolved
        (``![[Missing]]``, ``![](Missing.md)``), or its note is not published (``![[Draft]]``,
        ``![](Draft.md)``: its name as plain text).  Its paragraph's text then stays one
        paragraph around it."""
        if token.meta.get(IN_LINK):
            return False
        if token.type == "embed":
            target, meta = token.meta.get("target", ""), token.meta
        elif token.type == "image":
            from urllib.parse import urlsplit

            src = str(token.attrGet("src") or "")
            parts = urlsplit(src)
            if parts.scheme or parts.netloc:
                return False
            target, frag = local_parts(src)
            meta = _fragment_meta(frag)
        else:
            return False
        if not target:
            return False
        res = self._resolve(target)
        if res.kind in ("missing", "outside", "unpublished"):
            return True
        # a note's missing heading or block, or a note showing nothing: the same marker
        if res.kind != "note" or res.note is None or token.meta.get("inline"):
            return False
        from generator.excalidraw import is_drawing_note

        if token.type == "embed" and is_drawing_note(res.note):  # its picture (render_embed)
            return False
        return self._shows_none(res.note, meta) is not None

    def render_embed(self, token: Token) -> str:
        meta = token.meta
        target = meta.get("target", "")
        res = self._resolve(target)
        if meta.get(IN_LINK) and res.kind in ("attachment", "note") and not (
                res.attachment is not None and _ext(res.attachment.rel) in IMAGE_EXT):
            # in a link's text: its name, as words of that link (a picture stays one)
            return f'<span class="embed-in-link">{esc(token.content)}</span>'
        drawing = self._embed_drawing(res, target, meta)
        if drawing is not None:
            return drawing
        if res.kind == "attachment" and res.attachment is not None:
            shown = self._embed_file(res.attachment, meta.get("alias"), meta.get("anchor") or (),
                                     bool(meta.get("in_text")), meta.get("line", 0), meta.get("col", 0))
            # cut out of its paragraph as a note's embed would be (``![[data.csv]]`` alone)
            return f"<p>{shown}</p>" if meta.get("alone") else shown
        if res.kind == "note" and res.note is not None:
            if meta.get("inline"):  # in a paragraph's text (``Intro ![[notes.txt]] outro.``):
                return self.render_wikilink(token)  # a <div> cannot stand in a <p>
            return self._embed_note(res.note, meta, token)
        if res.kind == "unpublished":  # its name, as a link to it reads; never its text
            return _unpublished_embed(_link_text(meta, token.content))
        written = (meta.get("raw") or target).removeprefix("![[").removesuffix("]]")
        # what was embedded, without a size or alias (``pic.png|300x200`` reads ``pic.png``)
        return _broken_embed(target, re.split(r"\\?\|", written, maxsplit=1)[0].strip() or written)

    def _embed_drawing(self, res: Resolution, target: str, meta: dict[str, Any]) -> str | None:
        """An Excalidraw drawing's exported picture (``generator.excalidraw``); None when the
        embed names no drawing."""
        from generator import excalidraw

        if res.kind == "note" and res.note is not None and excalidraw.is_drawing_note(res.note):
            shown = excalidraw.embed_drawing(self, res.note, None, target, meta)
        elif res.kind == "attachment" and res.attachment is not None \
                and res.attachment.rel.lower().endswith(".excalidraw"):
            shown = excalidraw.embed_drawing(self, None, res.attachment, target, meta)
        elif res.kind == "missing" and excalidraw.is_drawing_name(target):
            shown = excalidraw.embed_drawing(self, None, None, target, meta)
        else:
            return None
        # a line of its own outside a paragraph (a tight list's item) is a block; in a line of
        # text (``- see ![[D.excalidraw]] here``) it stays in that line, as a picture does
        inline = meta.get("inline") or meta.get("in_text")
        return f"<p>{shown}</p>" if shown and not inline else shown

    def _embed_file(self, att: SourceFile, spec: str | None, subpath: Sequence[str] = (),
                    in_text: bool = False, line: int = 0, col: int = 0) -> str:
        src = self.href_to_attachment(att, subpath)
        ext = att.rel.rsplit(".", 1)[-1].lower() if "." in att.rel else ""
        if ext == "canvas":  # drawn as an SVG of its cards and edges
            from generator.canvas import embed_canvas

            return embed_canvas(self, att)
        if ext == "base":  # an Obsidian base: its view, computed from the index
            from generator.markdown.bases import render_base_file

            return render_base_file(self, att, subpath, line, col)
        name = printable(posixpath.basename(att.rel))
        alt, width, height = _size_spec(spec)
        if ext in IMAGE_EXT:
            # no alt text written: the file's name, read as words ("intent pipeline")
            label = alt or file_words(name)
            kind = "embed-image"
            icon = ext == "svg" and svg_uses_current_color(att)
            if icon:
                # an icon drawn in the text colour: an <img> draws it black, which the theme
                # lightens in dark mode (and sizes as text when it stands in a line of text)
                kind += " svg-currentcolor" + (" in-text" if in_text else "")
            # its own size (or the one asked for, in its shape), so the page keeps its place
            attrs = ({} if icon and in_text and not width
                     else sized_attrs(image_size(att.abs), width, height))
            if "class" in attrs:
                kind += " " + attrs.pop("class")
            dims = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
            return (f'<img class="{kind}" src="{esc(self.image_src(att, subpath))}" alt="{esc(label)}"{dims} '
                    f'loading="lazy">')
        if ext in AUDIO_EXT:
            return (f'<audio class="embed-audio" controls preload="metadata" src="{esc(src)}">'
                    f'<a href="{esc(src)}">{esc(name)}</a></audio>')
        if ext in VIDEO_EXT:
            dims = f' width="{width}"' if width else ""
            return (f'<video class="embed-video" controls preload="metadata" src="{esc(src)}"{dims}>'
                    f'<a href="{esc(src)}">{esc(name)}</a></video>')
        if ext == "pdf":
            # The browser's own PDF viewer in a frame (as Obsidian shows it), at ``#page=N``
            # and ``#height=N``; the link below opens it whole (and is what print keeps).
            height = _pdf_height(subpath) or height
            size = "".join(f"{k}:{v}px;" for k, v in (("width", width), ("height", height)) if v)
            style = f' style="{size}"' if size else ""
            return (f'<span class="pdf-embed"><iframe class="pdf-frame" src="{esc(src)}" '
                    f'title="{esc(name)}" loading="lazy"{style}></iframe>'
                    f'<a class="embed-file embed-pdf" href="{esc(src)}" target="_blank" '
                    f'rel="noopener">{esc(name)} <span class="embed-kind">PDF</span></a></span>')
        return f'<a class="embed-file" href="{esc(src)}">{esc(name)}</a>'

    def _embed_note(self, target: Note, meta: dict[str, Any], token: Token) -> str:
        line, col = meta.get("line", 0), meta.get("col", 0)
        label = target.title
        part = "^" + meta["block"] if meta.get("block") else "#".join(meta.get("anchor") or ())
        frame = (target.id, part.casefold())
        broken = self._shows_none(target, meta)
        if broken is not None:  # the page shows it once the part is there (or the note has text)
            self.deps.embeds.add(target.id)
            shown = (meta.get("target") or target.title) + (f"#{part}" if part else "")
            return _broken_embed(meta.get("target") or target.title, shown, broken, title=shown)
        budget = self.budget
        if not budget.admits():  # the page shows enough embeds already: a link, in a note box
            return self._over_budget(target, meta, line, col)
        budget.placed += 1  # counted even when stopped below (a loop, too deep): each is a warning
        looping = _loops(frame, self.stack)
        if looping:
            self.trace.stopped = True
            self.warn("embed-cycle", f"embed of {target.rel} stopped: it leads back to a note "
                      "already being embedded", line, col, hint="remove one of the embeds in the loop")
            return (f'<div class="embed-note embed-cycle" role="note">Embed of '
                    f'<strong>{esc(label)}</strong> stopped here: it would repeat forever.</div>')
        if len(self.stack) >= MAX_EMBED_DEPTH:  # no loop: a chain longer than the limit
            self.trace.stopped = True
            levels = MAX_EMBED_DEPTH - 1
            chain = " > ".join([*(_frame_name(f) for f in self.stack), _frame_name(frame)])
            self.warn("embed-depth", f"embed of {target.rel} not shown: it would be embed level "
                      f"{len(self.stack)}, and embeds are shown {levels} levels deep at most; "
                      f"on the page of {self.stack[0][0]}: {chain}", line, col,
                      hint="link to a note of the chain with [[...]] instead of embedding it")
            return (f'<div class="embed-note embed-depth" role="note">Embed of '
                    f'<strong>{esc(label)}</strong> not shown here: embeds nest too deep '
                    f'(more than {levels} levels).</div>')
        self.deps.embeds.add(target.id)
        self.trace.add({frame}, 1, False)
        found, fragment, label = self._embedded_part(target, meta)
        start = budget.size
        done = self._embedded_body(target, meta, found, frame)
        if done is None:  # not met (``_shows_none`` tells these apart above): a part found holds
            shown = (meta.get("target") or target.title) + (f"#{part}" if part else "")  # its text
            return _broken_embed(meta.get("target") or target.title, shown, "empty", title=shown)
        budget.size = start + len(done.html)  # its characters, nested embeds' included (once, here)
        self.deps.add(done.deps)
        self.diagnostics.extend(done.diagnostics)
        self.trace.add(done.frames, done.depth + 1, False)
        body = self._own_ids(done.html)
        body = body if self.embedded else place_links(body, self.page_url)
        href = self.href_to_note(target, fragment)
        return (f'<div class="embed-note" data-note="{esc(self.index.urls[target.id])}">'
                f'<div class="embed-title"><a class="internal-link" href="{esc(href)}">'
                f'{esc(label)}</a></div><div class="embed-content">{body}</div></div>')

    def _shows_none(self, target: Note, meta: dict[str, Any]) -> str | None:
        """Why an embed of ``target`` shows none of it ("not found": its heading or block is not
        there; "empty": the whole note shows nothing, being empty or only properties or a comment),
        or None when it shows a part.  This depends on the index alone, as a missing note's does:
        such an embed is the same marker in its line wherever it stands (``embeds_inline``),
        before the page's budget, a loop or the depth limit could stop it."""
        if meta.get("block") or meta.get("anchor"):
            return None if self._embedded_part(target, meta)[0] is not None else "not found"
        return "empty" if target.blank else None

    def _embedded_part(self, target: Note, meta: dict[str, Any]) -> tuple[Any, str | None, str]:
        """The heading or block an embed shows of ``target`` (None: the whole note, or a part
        that is not there), its fragment in links, and the embed's label."""
        if meta.get("block"):
            found = self.index.find_block(target, meta["block"])
            heading = _heading_of(target, found) if found else None
            if heading:  # a heading's block id: the heading, and its section as ![[N#H]] shows
                return heading, heading.anchor, f"{target.title} › {heading.text}"
            return found, f"^{found.id}" if found else None, target.title
        if meta.get("anchor"):
            found = self.index.find_heading(target, tuple(meta["anchor"]))
            if found:
                return found, found.anchor, f"{target.title} › {found.text}"
        return None, None, target.title

    def _over_budget(self, target: Note, meta: dict[str, Any], line: int, col: int) -> str:
        """An embed past the page's budget (``_Budget``): a link to what it embeds, in a note box;
        the page's one warning names the first of them."""
        self.trace.stopped = True
        budget = self.budget
        budget.skipped += 1
        if budget.first is None:
            budget.first = (self.note.rel, line, col, target.rel)
        _found, fragment, label = self._embedded_part(target, meta)
        return (f'<div class="embed-note embed-budget" role="note">Embed of '
                f'{self.note_link_open(target, fragment)}{esc(label)}</a> not shown here: this '
                f'page shows too much of other notes already.</div>')

    def _embedded_body(self, target: Note, meta: dict[str, Any], found: Any,
                       frame: tuple[NoteId, str]) -> _Embedded | None:
        """The embedded part of ``target`` rendered with link markers: from ``self.embeds`` when an
        earlier page rendered the same part and the result holds here too, else rendered now (and
        kept for later pages unless an embed inside it was stopped).  None when the part is empty
        or missing."""
        cells = self.cells_for(target)
        key = (target.id, "^" + meta["block"] if meta.get("block") else
               tuple(meta.get("anchor") or ()))
        if self.embeds is not None:
            done = self.embeds.get(key)
            if done is not None and done.fits(self.stack) and self.budget.holds(done):
                self.budget.placed += done.placed  # as rendering it afresh would have counted
                return done
        from generator.parse import markdown, section_tokens, shows_nothing, tokens_for

        if isinstance(found, Heading):
            tokens = section_tokens(target, found.line, found.end_line)
        elif meta.get("block"):
            tokens = _block_slice(target, meta["block"]) if found else []
            tokens = _with_footnotes(tokens, target)
        elif meta.get("anchor"):
            tokens = []
        else:
            tokens = tokens_for(target)
        if shows_nothing(tokens):  # nothing, or properties only:
            return None  # a note of properties alone shows nothing, and says so as an empty one
        inner = RenderContext(target, self.index, self.page_url, cells, stack=(*self.stack, frame),
                              embeds=self.embeds, budget=self.budget, all_cells=self.all_cells)
        # a note with code cells: what its part shows may change with their output alone (a data
        # file its code reads), which the note's own bytes do not tell (``DepsHasher.signature``)
        inner.deps.cells = bool(target.cells)
        placed = self.budget.placed
        md = markdown()
        # An id belongs to the page of its note: inside an embed, headings and blocks have none
        # (the page may show the same note twice, or hold the same ids itself), and footnotes are
        # numbered apart from the page's and from other embeds'.
        doc_id = hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=4)
        env = {"ctx": inner, "docId": f"{_MARK}{_DOC}e{doc_id.hexdigest()}{_END}"}
        body = md.renderer.render(_without_ids(tokens), self.md_options, env)
        done = _Embedded(body, inner.deps, tuple(inner.diagnostics), frozenset(inner.trace.frames),
                         inner.trace.depth, self.budget.placed - placed)
        if self.embeds is not None and not inner.trace.stopped:
            self.embeds[key] = done
        if inner.trace.stopped:
            self.trace.stopped = True
        return done

    def _own_ids(self, html_text: str) -> str:
        """An embed's HTML with footnote id names that no earlier embed placed here has used: the
        second placement of the same rendering (the same note embedded twice, or inside two
        embeds) gets ``name-2`` (its references land on its own footnotes).  A new name is also
        none of the names in ``html_text`` itself: an embed that placed the same rendering twice
        already holds ``name`` and ``name-2``, and renaming its ``name`` to ``name-2`` would merge
        the two."""
        if _DOC not in html_text:  # no footnotes: nothing to name (most embeds)
            return html_text
        found = dict.fromkeys(_DOC_MARK.findall(html_text))
        taken = set(self.doc_ids)
        names: dict[str, str] = {}
        for name in found:
            new, k = name, 1
            while new in taken or (new != name and new in found):
                k += 1
                new = f"{name}-{k}"
            names[name] = new
            taken.add(new)
        self.doc_ids.update(names.values())
        if all(old == new for old, new in names.items()):
            return html_text
        return _DOC_MARK.sub(lambda m: f"{_MARK}{_DOC}{names[m.group(1)]}{_END}", html_text)

    def cells_for(self, note: Note) -> dict[int, Any]:
        """The code cells of ``note`` by fence line: an embed of a note's section or block shows
        its cells as the note's own page does (the code without its ``#|`` lines, or none with
        ``echo: false``, and the output under it), as Quarto shows an embedded cell."""
        if note.id == self.note.id:
            return self.cells
        return self.all_cells.get(note.id) or {}

    # -- tags and plain markdown links ---------------------------------------------------------------
    def render_tag(self, token: Token) -> str:
        tag = token.meta.get("tag", token.content)
        if token.meta.get(IN_LINK):  # words of the link around it
            return f'<span class="tag in-link">#{esc(tag)}</span>'
        href = self._href(self.index.tag_url(tag))
        return f'<a class="tag" href="{esc(href)}">#{esc(tag)}</a>'

    def render_md_href(self, href: str, token: Token) -> str | None:
        """The page-relative href of a local link; "" when its target does not exist, and
        ``UNPUBLISHED`` when it is a note that is not published."""
        return self._md_target(href, embed=False)

    def render_md_link(self, href: str, token: Token) -> tuple[str | None, dict[str, str]]:
        """``render_md_href``'s href, and the attributes a wikilink to the same place has: the
        ``internal-link`` class (``attachment-link`` too for a file) and a note's ``data-note``,
        as Obsidian gives ``[x](Note.md)`` the classes of ``[[Note]]``."""
        found: list = []
        new = self._md_target(href, embed=False, found=found)
        if not new or new == UNPUBLISHED or not found:
            return new, {}
        if isinstance(found[0], Note):
            return new, {"class": "internal-link", "data-note": str(self.index.urls[found[0].id])}
        return new, {"class": "internal-link attachment-link"}

    def render_md_src(self, src: str, token: Token) -> str | None:
        return self._md_target(src, embed=True)

    def render_md_image(self, src: str, width: str, height: str) -> tuple[str | None, dict[str, str]]:
        """``render_md_src``'s src of ``![alt](pic.png)`` (``![alt|300](pic.png)``: ``width``), and
        the size attributes of the picture it finds (``imagesize.sized_attrs``)."""
        found: list = []
        new = self._md_target(src, embed=True, found=found)
        if not new or not found or _ext(found[0].rel) not in IMAGE_EXT:
            return new, {}
        # loaded when scrolled near, as an embedded picture is: its size keeps its place meanwhile
        return new, {**sized_attrs(image_size(found[0].abs), width, height), "loading": "lazy"}

    def render_md_embed(self, src: str, alt: str, token: Token) -> str | None:
        """``![alt](Note.md)``, ``![](Note.md#Heading)``, ``![](talk.mp3)``: Obsidian embeds what a
        Markdown image points at as it embeds ``![[...]]``.  The embed's HTML, or None for an image
        (or a remote file), which stays an ``<img>``."""
        from urllib.parse import urlsplit

        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path or src.startswith(("//", "#")):
            return None
        path, frag = local_parts(src)
        res = self._resolve(path)
        written, alt = alt, alt_size(alt)[0]  # the words shown: without a size (``a|300``)
        if token.meta.get(IN_LINK) and res.kind in ("note", "attachment") and not (
                res.attachment is not None and _ext(res.attachment.rel) in IMAGE_EXT):
            # as for ![[...]]: a note left out reads as it does outside a link (below)
            return f'<span class="embed-in-link">{esc(alt or path)}</span>'
        if res.kind == "note" and res.note is not None:
            if token.meta.get("inline"):  # in a paragraph's text: a link, as for ![[...]]
                fragment = self._fragment(res.note, _fragment_meta(frag))
                return f"{self.note_link_open(res.note, fragment)}{esc(alt or path)}</a>"
            meta = {"target": path, "raw": f"![{written}]({src})", **_fragment_meta(frag),
                    "line": token.meta.get("line", 0), "col": token.meta.get("col", 0)}
            return self._embed_note(res.note, meta, token)
        if res.kind == "attachment" and res.attachment is not None:
            ext = res.attachment.rel.rsplit(".", 1)[-1].lower()
            if ext in IMAGE_EXT:
                return None
            shown = self._embed_file(res.attachment, written, [frag], line=token.meta.get("line", 0),
                                     col=token.meta.get("col", 0))
            return f"<p>{shown}</p>" if token.meta.get("alone") else shown
        if res.kind == "unpublished":  # as ``![[Draft#Part]]`` reads
            name = path[:-3] if path.lower().endswith(".md") else path
            return _unpublished_embed(alt or _link_text({"target": name, **_fragment_meta(frag)}, name))
        return _broken_embed(path, alt or path)

    def _md_target(self, href: str, embed: bool, found: list | None = None) -> str | None:
        """The href or src of a local Markdown link or image (see ``render_md_href``); the note
        or file it leads to is appended to ``found`` when given."""
        from urllib.parse import unquote, urlsplit

        if found is None:
            found = []
        if not embed and is_obsidian_uri(href):
            return self._obsidian_target(href, found)
        if href.startswith("#") and len(href) > 1 and not embed:
            # ``[x](#Heading%20name)``, Obsidian's markdown form of ``[[#Heading name]]``
            anchor = self._fragment(self.note, _fragment_meta(unquote(href[1:])))
            # a missing heading is unresolved, as [[#Missing]] is (its "#Missing" would name a
            # heading of whatever page shows it, inside an embed the host's)
            if not anchor:
                return ""
            found.append(self.note)
            return self.href_to_note(self.note, anchor)
        parts = urlsplit(href)
        # "/x/y.md" is taken from the vault root, as "[[/x/y]]" is
        if parts.scheme or parts.netloc or not parts.path or href.startswith(("//", "#")):
            return None
        if parts.path == "/" and not embed:  # the site's root: its home page
            return self._href(SiteUrl("index.html"))
        path, frag = local_parts(href)
        res = self._resolve(path)
        if res.kind == "note" and res.note is not None and not embed:
            found.append(res.note)
            return self.href_to_note(res.note, self._fragment(res.note, _fragment_meta(frag)))
        if res.kind == "attachment" and res.attachment is not None:
            found.append(res.attachment)
            if not embed:
                return self.href_to_file(res.attachment, [frag])
            if _ext(res.attachment.rel) in IMAGE_EXT:
                return self.image_src(res.attachment, [frag])
            return self.href_to_attachment(res.attachment, [frag])
        if res.kind == "unpublished" and not embed:
            return UNPUBLISHED  # plain text, like a wikilink to it
        if res.kind in ("missing", "outside") and not embed:
            return ""  # rendered as an unresolved link without href
        return None

    def _obsidian_target(self, href: str, found: list) -> str | None:
        """``obsidian://open?vault=…&file=Note`` naming this vault: the href of Note's page, as
        ``[[Note]]`` resolves (None for any other ``obsidian://`` link: it stays as written)."""
        text = linked_note(href, self.index.vault_name)
        if text is None:
            return None
        meta = split_wikilink(text)
        res = self._resolve(meta["target"])
        if res.kind == "note" and res.note is not None:
            found.append(res.note)
            return self.href_to_note(res.note, self._fragment(res.note, meta))
        if res.kind == "attachment" and res.attachment is not None:
            found.append(res.attachment)
            return self.href_to_file(res.attachment, meta["anchor"])
        return UNPUBLISHED if res.kind == "unpublished" else ""

    # -- code cells ---------------------------------------------------------------------------------
    def code_cell(self, token: Token) -> Any:
        if not token.map:
            return None
        view = self.cells.get(token.map[0])
        if view is None:
            return None
        self.deps.cells = True
        if ("cell-result" in view.html or "<figcaption>" in view.html) and (
                'src="' in view.html or 'href="' in view.html):
            from generator.markdown.sanitize import localise_output

            lost: list[str] = []
            view = _with_html(view, localise_output(view.html, self, "{{ROOT}}", lost))
            if not self.embedded:  # told once, at the note's own cell, not on every page showing it
                for url in dict.fromkeys(lost):
                    self.warn("output-link-unresolved",
                              f"the output of this code cell links to '{unquote(url)}', which is no note "
                              "or file of the vault; the page shows it without its address",
                              token.map[0],
                              hint="write the address from the note's folder, as in a Markdown "
                                   "link, or add the file to the vault")
        # only the attribute values outputs.py writes: escape() turns a quote into &quot;, so a
        # printed "{{ROOT}}" (or src="{{ROOT}}") is never one of them and stays as printed.  In
        # an embed they are markers, as its links are: one rendering serves pages of any depth
        if '="{{ROOT}}' in view.html:
            if self.embedded:
                view = _with_html(view, _ROOT_ATTR.sub(
                    lambda m: '="' + self._href(html.unescape(m.group(1))) + '"', view.html))
            else:
                view = _with_html(view, view.html.replace('="{{ROOT}}', '="' + self.root))
        return view


def _ext(rel: str) -> str:
    """A file's extension, lower case ("" for none)."""
    name = rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


_SVG_SNIFF_BYTES = 256 * 1024  # larger SVGs are drawings, not icons: not read


def svg_uses_current_color(att: SourceFile) -> bool:
    """Whether an SVG attachment draws with ``currentColor`` (read once per file version)."""
    try:
        st = att.abs.stat()
    except OSError:
        return False
    if st.st_size > _SVG_SNIFF_BYTES:
        return False
    return _svg_text_uses_current_color(str(att.abs), file_stamp(st))


@lru_cache(maxsize=4096)
def _svg_text_uses_current_color(path: str, stamp: tuple[int, ...]) -> bool:
    try:
        with open(path, "rb") as f:
            data = f.read(_SVG_SNIFF_BYTES + 1)
    except OSError:
        return False
    return b"currentcolor" in data.lower()


def _link_text(meta: dict[str, Any], content: str) -> str:
    """The words a wikilink (or an embed that shows no note) reads as: what ``display_text`` says
    for it (its alias, else ``Note > Heading > ^block``), else ``content``; ``meta`` may be a
    markdown link's fragment, which names no target."""
    return display_text({"target": "", "anchor": (), "block": None, **meta}) or content


def _unpublished_embed(shown: str) -> str:
    """An embed of a note that is not published: what it names, as plain text (as a link to that
    note reads), never the note's own text; its class says why nothing is shown."""
    return f'<span class="embed unpublished" title="Not published">{esc(shown)}</span>'


def _broken_embed(target: str, shown: str, status: str = "not found", title: str = "") -> str:
    """An embed that shows nothing: what was embedded, as its name reads (not its raw ``![[…]]``,
    which reads as syntax left unparsed), and why (``title``: what is missing, when not the note:
    ``Note#^block``)."""
    return (f'<span class="embed broken" data-target="{esc(target)}" '
            f'title="{esc(status.capitalize() + ": " + (title or target))}">{esc(shown)} '
            f'<span class="embed-status">({esc(status)})</span></span>')


def _heading_of(note: Note, block: BlockRef) -> Heading | None:
    """The note heading that carries ``block`` (``## H ^id``, or ``^id`` alone after it): links to
    the block go to the heading's own anchor, which is the id the heading has."""
    return next((h for h in note.headings if h.line == block.start_line), None)


def _fragment_meta(frag: str) -> dict[str, Any]:
    """The fragment of a markdown link (``Heading``, ``A#B``, ``^block``) as wikilink meta."""
    if frag.startswith("^"):
        return {"block": frag[1:]}
    return {"anchor": [p for p in frag.split("#") if p]} if frag else {}


#: An attribute value a cell's output gives as a path from the site root (``outputs.ROOT``).
_ROOT_ATTR = re.compile(r'="\{\{ROOT\}\}([^"]*)"')


def _with_html(view: Any, new_html: str) -> Any:
    import dataclasses

    return dataclasses.replace(view, html=new_html)


def _pdf_height(subpath: Sequence[str]) -> str:
    """``#height=400`` of a PDF embed (also written ``#page=3&height=400``), or ``""``."""
    for part in subpath:
        for piece in part.split("&"):
            m = _PDF_HEIGHT.fullmatch(piece.strip())
            if m:
                return m.group(1)
    return ""


def _size_spec(spec: str | None) -> tuple[str, str, str]:
    """``"300"`` / ``"300x200"`` / ``"alt text|300"`` -> (alt, width, height)."""
    if not spec:
        return "", "", ""
    alt, width, height = "", "", ""
    for part in spec.split("|"):
        part = part.strip()
        w, _, h = part.partition("x")
        if w.isdigit() and (not h or h.isdigit()):
            width, height = w, h
        elif part:
            alt = part
    return alt, width, height


def _without_ids(tokens: list[Token]) -> list[Token]:
    """The tokens, with copies in place of the ones that carry an ``id`` attribute (minus it)."""
    out = tokens
    for i, tok in enumerate(tokens):
        if tok.attrs and "id" in tok.attrs:
            if out is tokens:
                out = list(tokens)
            out[i] = tok.copy(attrs={k: v for k, v in tok.attrs.items() if k != "id"})
    return out


class _TokenMap:
    """Where a note's top-level tokens hold each block id (the first block carrying it, by
    casefolded id) and each footnote definition (``footnote_open`` .. ``footnote_close``): made
    once per note (a cache of the note, as its parsed sections are), so that a page embedding
    many blocks of one note does not scan the whole note for each."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.blocks: dict[str, int] = {}
        self.footnotes: dict[int, tuple[int, int]] = {}
        start = None
        for i, t in enumerate(tokens):
            if t.meta:
                if "block_id" in t.meta:
                    self.blocks.setdefault(str(t.meta["block_id"]).casefold(), i)
                if t.type == "footnote_open":
                    start = i
            if t.type == "footnote_close" and start is not None:
                self.footnotes.setdefault(tokens[start].meta["id"], (start, i))
                start = None


def _token_map(note: Note) -> _TokenMap:
    """The note's ``_TokenMap``, made again when its tokens were (``tokens_for``)."""
    from generator.parse import tokens_for

    tokens = tokens_for(note)
    found = note.__dict__.get("_token_map")
    if found is None or found.tokens is not tokens:
        found = note.__dict__["_token_map"] = _TokenMap(tokens)
    return found


def _block_slice(note: Note, block_id: str) -> list[Token]:
    where = _token_map(note)
    tokens = where.tokens
    i = where.blocks.get(block_id.casefold())
    if i is None:
        return []
    t = tokens[i]
    if t.nesting != 1:
        return [t]
    end = next((j for j in range(i + 1, len(tokens))
                if tokens[j].level == t.level and tokens[j].nesting == -1), len(tokens) - 1)
    if t.type == "list_item_open":
        return _in_own_list(tokens, i, end)
    # a footnote's paragraph: its back-reference arrows lead to references on the note's
    # own page, not on the one that embeds it
    return [tok for tok in tokens[i:end + 1] if tok.type != "footnote_anchor"]


def _with_footnotes(part: list[Token], note: Note) -> list[Token]:
    """A part of a note's tokens followed by the footnotes it refers to, numbered from 1 as the
    part shows them (the definitions are in the list at the end of the note's tokens)."""
    refs = [t for t in walk(part) if t.type == "footnote_ref"]
    if not refs:
        return part
    number: dict[int, int] = {}
    for ref in refs:
        number.setdefault(ref.meta["id"], len(number))
    shown = {(ref.meta["id"], ref.meta.get("subId", 0)) for ref in refs}
    # the references shown of one footnote count from 1 too: a block embed of only its second
    # reference reads "Back to reference 1", not "… 1 (2)" with no first one on the page
    sub: dict[tuple[int, int], int] = {}
    counted: dict[int, int] = {}  # by footnote: its references numbered so far
    for key in sorted(shown):
        sub[key] = counted.get(key[0], 0)
        counted[key[0]] = sub[key] + 1

    def renumbered(tok: Token) -> Token:
        if tok.type in ("footnote_ref", "footnote_open", "footnote_anchor"):
            meta = {**tok.meta, "id": number.get(tok.meta["id"], tok.meta["id"])}
            if tok.type != "footnote_open":
                meta["subId"] = sub.get((tok.meta["id"], tok.meta.get("subId", 0)),
                                        tok.meta.get("subId", 0))
            return tok.copy(meta=meta)
        if tok.children and any(t.type == "footnote_ref" for t in walk(tok.children)):
            return tok.copy(children=[renumbered(t) for t in tok.children])
        return tok

    where = _token_map(note)
    tokens = where.tokens
    listed = []
    for old in sorted(number, key=number.get):
        start, end = where.footnotes.get(old, (0, -1))
        listed += [renumbered(tok) for tok in tokens[start:end + 1]  # the back-references of
                   if not (tok.type == "footnote_anchor" and  # refs not in the part go
                           (tok.meta["id"], tok.meta["subId"]) not in shown)]
    return [*(renumbered(t) for t in part), Token("footnote_block_open", "", 1), *listed,
            Token("footnote_block_close", "", -1)]


def _in_own_list(tokens: list[Token], item: int, end: int) -> list[Token]:
    """A list item alone, inside a list like the one it is in (an ordered one starting at its number),
    so that an embed never writes a bare ``<li>``."""
    parent = next((tokens[k] for k in range(item - 1, -1, -1)
                   if tokens[k].nesting == 1 and tokens[k].level == tokens[item].level - 1), None)
    ordered = parent is not None and parent.type == "ordered_list_open"
    kind = "ordered_list" if ordered else "bullet_list"
    attrs = {"start": int(tokens[item].info)} if ordered and tokens[item].info.isdigit() else {}
    level = tokens[item].level - 1
    return [Token(f"{kind}_open", "ol" if ordered else "ul", 1, attrs=attrs, level=level, block=True),
            *tokens[item:end + 1],
            Token(f"{kind}_close", "ol" if ordered else "ul", -1, level=level, block=True)]


def _top_level_blocks(tokens: list[Token]):
    """The token list cut at the ends of top-level blocks; each piece renders on its own.  A
    paragraph cut around note embeds stays one piece: it is one paragraph again where its embeds
    show no block (``wikilinks.render_paragraph_close``)."""
    from generator.markdown.wikilinks import cut_goes_on

    start = 0
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.nesting <= 0:
            if cut_goes_on(tokens, i):
                continue  # a part of a cut paragraph that more of it follows
            yield tokens[start:i + 1]
            start = i + 1
    if start < len(tokens):
        yield tokens[start:]


@lru_cache(maxsize=4)
def render_options(strict_line_breaks: bool) -> OptionsDict:
    """markdown-it's options for rendering a site: a single newline in a paragraph is a line break
    (``<br>``), as Obsidian shows it by default, unless the vault asks for strict line breaks."""
    from generator.parse import markdown

    return OptionsDict({**markdown().options, "breaks": not strict_line_breaks})


def _target_kind(block: list[Token]) -> str:
    """What a link may target in a top-level block: ``"heading"`` (a heading), ``"block"`` (a
    block holding a ``^id``), else ``""``."""
    if block[0].type == "heading_open":
        return "heading"
    if any(tok.meta and tok.meta.get("block_id") for tok in block):
        return "block"
    return ""


def render_body(note: Note, index: VaultIndex, page_url: SiteUrl, cells: dict[int, Any] | None = None,
                preview_chars: int = 0, embeds: dict | None = None,
                all_cells: Mapping[NoteId, dict[int, Any]] | None = None
                ) -> tuple[str, PageDeps, list[Diagnostic], str]:
    """The HTML of a note's body, what it depended on, render-time diagnostics, and a preview: the
    leading top-level blocks that fit in ``preview_chars``, then, hidden, the headings and blocks
    with ids past them that a link may target (``previews.far_targets``).  ``embeds`` (an empty
    dict, kept while rendering the pages of one build) lets pages share the renderings of the
    notes they embed; ``all_cells`` (every note's cells by note id) gives the embedded notes' cells
    their output."""
    from generator.parse import markdown, tokens_for

    md = markdown()
    ctx = RenderContext(note, index, page_url, cells, embeds=embeds, all_cells=all_cells)
    env = {"ctx": ctx}
    preview = None
    cut = 0
    try:
        parts: list[str] = []
        from generator.excalidraw import is_drawing_note, page_picture

        if is_drawing_note(note):  # the drawing's picture above its text
            parts.append(page_picture(ctx, note))
        size = sum(map(len, parts))
        far: list[list[Token]] = []  # the blocks past the preview's cut
        for block in _top_level_blocks(tokens_for(note)):
            html_part = md.renderer.render(block, ctx.md_options, env)
            if preview is None and size + len(html_part) > preview_chars:
                preview = "".join(parts)
                cut = len(parts)
            parts.append(html_part)
            size += len(html_part)
            if preview is not None:
                far.append(block)
        body = "".join(parts)
        if preview is not None and preview_chars:
            from generator.site.previews import far_targets

            preview += far_targets(parts[cut:], [_target_kind(block) for block in far])
        over = ctx.budget.warning(note)
        if over is not None:
            ctx.diagnostics.append(over)
    except Exception as exc:  # one bad note must not stop the site
        ctx.diagnostics.append(warning(
            "render-failed", f"could not render the note ({type(exc).__name__}: {exc}); "
            "its text is shown as written", note.rel, 1, 1, hint="please report this note"))
        body = f'<pre class="render-failed">{esc(note.text)}</pre>'
    return body, ctx.deps, ctx.diagnostics, body if preview is None else preview
