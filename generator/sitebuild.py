"""Render every page of the site into bytes: notes, tags, folders, home, graph, 404, data, assets.

Pure with respect to the output folder: it returns ``files`` (site path -> bytes) and ``copies``
(site path -> vault file to copy); ``emit.py`` writes them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import multiprocessing
import os
import posixpath
import re
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.diagnostics import Diagnostic, warning
from generator.discover import UNREADABLE_HINT
from generator.execute.outputs import ASSET_DIR as EXEC_ASSET_DIR
from generator.frontmatter import as_string_list
from generator.incremental import (
    DepsHasher,
    PageRecord,
    RenderMemo,
    own_signature,
    signature_of,
    site_signature,
    template_signature,
)
from generator.index import VaultIndex
from generator.markdown.wikilinks import is_image
from generator.model import Note, SiteUrl
from generator.parallel import forked
from generator.publish import base_url
from generator.render import TAGS_URL, render_body
from generator.safefiles import clean_copies
from generator.site.stylesheet import PUBLISH_CSS_URL, vault_stylesheet
from generator.slugs import tag_key
from generator.urls import relative_href, root_prefix

Progress = Callable[[str, int, int], None]


def page_environment(cfg: SiteConfig) -> Any:
    """The Jinja environment of the site's pages: the user's template folder, then the theme."""
    from generator import templating

    override = cfg.vault / cfg.templates_dir
    return templating.make_environment([override] if override.is_dir() else [],
                                       templating.template_home(cfg.vault, override))


def compile_templates(cfg: SiteConfig) -> None:
    """Compile the page templates (the theme's, or the user's of the same names) in this process,
    before it forks the build workers: each worker then finds them compiled in the environment it
    inherits (``make_environment`` keeps one per process) instead of compiling them again.  A
    template that fails is left to the page that uses it, which reports it."""
    from generator import templating

    env = page_environment(cfg)
    for path in sorted(templating.default_template_dir().glob("*.html")):
        try:
            env.get_template(path.name)
        except Exception:  # noqa: BLE001, S112 - a template error is reported where it is used
            continue


def _listing_key(note: Note) -> str:
    """A note's facts as listings show them, computed once per parsed note (``serve`` keeps the
    notes that did not change, and with them this key)."""
    key = note.__dict__.get("_listing_key")
    if key is None:
        key = repr((note.rel, note.title, note.folder, note.date, note.summary, note.listing_summary,
                    note.tags))
        note.__dict__["_listing_key"] = key
    return key


class SiteBuilder:
    def __init__(self, cfg: SiteConfig, index: VaultIndex, cells: dict[str, dict[int, Any]],
                 previous: RenderMemo | None = None, digests: dict[str, str] | None = None,
                 existing: set[str] | None = None,
                 data_state: dict[str, Any] | None = None, facts_aside: bool = False,
                 nav: tuple | None = None, stylesheets: tuple[str, ...] | None = None):
        """``previous`` is the last build's render memo, ``digests`` the notes' content digests by
        vault path, ``existing`` the pages the output folder holds from that build, ``data_state``
        what the data files were made from last time (kept in memory by ``serve``; updated).
        ``facts_aside``: when workers render, make the search and graph data in a forked process
        (only when nothing keeps ``data_state`` for the next build).  ``nav``: the explorer tree
        of this index, when already made (a worker gets the build process's); ``stylesheets``:
        the stylesheets pages link after the theme's, as the build process found them (a worker
        does not read the vault's ``publish.css`` again, whose file it does not publish)."""
        from generator import templating

        self.cfg = cfg
        self.index = index
        self.cells = cells
        self.tpl = templating
        override = cfg.vault / cfg.templates_dir
        self.env = page_environment(cfg)
        self.site = templating.SiteInfo(
            title=cfg.title, lang=cfg.language, description=cfg.description,
            base_url=base_url(cfg.site_url).rstrip("/") if cfg.site_url else None,
            graph_depth=cfg.graph_depth, graph_tags=cfg.graph_tags,
            date_format=cfg.date_display,
            extra_css=(self._stylesheets(override / "static") if stylesheets is None
                       else stylesheets))
        self.notes = sorted(index.published.values(), key=lambda n: n.rel)
        self.folders = self._folders()
        # The explorer mirrors the vault's files by name, as Obsidian's does: a note's title is on
        # its page, and a title edit then changes only the pages that show that title.
        # Canvases are there too, by their file name (``Board.canvas``), as pages of their own.
        self.canvas_urls = tuple(index.canvas_pages().items())
        canvases = [(posixpath.dirname(rel), posixpath.basename(rel), url)
                    for rel, url in self.canvas_urls]
        self.nav = nav if nav is not None else templating.build_nav(
            [*((n.folder, n.rel.rsplit("/", 1)[-1][:-3], index.urls[n.id])
               for n in self.notes if n is not index.home), *canvases],
            {f: index.folder_url(f) for f in self.folders})
        self.page_count = 0
        self.files: dict[str, bytes] = {}
        self.copies: dict[str, Path] = {}
        self.diagnostics: list[Diagnostic] = []
        self.preview_entries: dict[str, str] = {}
        self.previous = previous
        self.digests = digests or {}
        self.existing = existing or set()
        self.keep: set[str] = set()  # pages left as the previous build wrote them
        self.memo = RenderMemo(suggestions=index.suggestions, digests=dict(self.digests),
                               urls=dict(index.urls),
                               tag_counts={k: (len(t.notes), t.name) for k, t in index.tags.items()},
                               canvas_links=dict(index.canvas_links()),
                               images={rel: att.digest for rel, att in index.attachments.items()
                                       if is_image(rel)})
        self.rendered = 0
        self.timings: dict[str, float] = {}
        self._own: dict[str, str] = {}  # own signatures the plan computed
        self.embeds: dict = {}  # renderings of embedded notes, shared by the pages (render.py)
        self._link_items: dict[tuple[str, str], Any] = {}  # (note, folder of page) -> LinkItem
        self._ranks: dict[str, int] | None = None  # note -> place in listings (``_rank``)
        self._item_reprs: dict[int, tuple[Any, bytes]] = {}  # ``_listing_page_signature``
        self.data_state: dict[str, Any] = data_state if data_state is not None else {}
        self.facts_aside = facts_aside

    _vault_css: tuple[bytes | None, dict, list] | None = None  # (see ``_stylesheets``)

    def _stylesheets(self, static: Path) -> tuple[str, ...]:
        """The stylesheets linked after the theme's: the vault's ``publish.css`` (Obsidian
        Publish's), then those the user's ``static/`` adds, which may override it."""
        added = added_stylesheets(self.cfg, static)
        # read here, once: a file that cannot be read is linked from no page
        self._vault_css = None if PUBLISH_CSS_URL in added else vault_stylesheet(self.index)
        if self._vault_css is None or self._vault_css[0] is None:
            return added
        return (PUBLISH_CSS_URL, *added)

    def _folders(self) -> list[str]:
        folders: set[str] = set()
        for n in self.notes:
            f = n.folder
            while f:
                folders.add(f)
                f = f.rsplit("/", 1)[0] if "/" in f else ""
        return sorted(folders)

    # -- the whole site -----------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """What a worker needs to render notes; templates are set up again on arrival.  The
        explorer tree and the notes' listing order go along (this process needs both anyway):
        unpickling them costs a fraction of making them again in each worker, whose name-order
        memo is still empty (``templating.name_order``)."""
        return {"cfg": self.cfg, "index": self.index, "cells": self.cells, "digests": self.digests,
                "nav": self.nav, "ranks": self._rank(), "stylesheets": self.site.extra_css}

    def _template_dirs(self) -> list[Path]:
        return [self.cfg.vault / self.cfg.templates_dir, self.tpl.default_template_dir()]

    def _plan(self) -> list[Note]:
        """The notes whose pages must be rendered; the others are reused from ``previous``."""
        # tags and attachments whose URL stepped aside for another's: the pages that link them
        # change when they do (rare), so they count as site-wide input
        # so are the canvases' pages (a note named ``Board.canvas`` takes the URL of one)
        site_sig = site_signature(self.cfg, template_signature(self._template_dirs()),
                                  (self.nav, self.index.stepped_aside(), self.canvas_urls,
                                   self.site.extra_css))
        self.site_sig = site_sig
        todo = []
        prev_pages = self.previous.pages if self.previous is not None else {}
        # When no name resolves differently and no URL moved, a page's looked-up facts can only have
        # changed if it looked at a note whose bytes changed: skip hashing the others.
        prev = self.previous
        same_names = (prev is not None and prev.suggestions is not None
                      and prev.suggestions[0] == self.index.names_sig and prev.urls == self.index.urls)
        changed: set[str] = set()
        if same_names:
            changed = {n.id for n in self.index.notes.values()
                       if prev.digests.get(n.rel) != self.digests.get(n.rel)}
        # A note's own inputs are its bytes, URL, backlinkers, tag counts and cells: when none of
        # them can have changed, its previous own signature stands.
        same_tags = (same_names and prev.tag_counts == self.memo.tag_counts
                     and getattr(prev, "canvas_links", None) == self.memo.canvas_links)
        # pictures whose file changed: a page showing one has their size in its <img> tags
        images = set() if prev is None else {
            rel for rel, digest in self.memo.images.items()
            if getattr(prev, "images", {}).get(rel) != digest}
        # notes a changed note linked to last time (it may have stopped linking, a lost backlink)
        linked_before: set[str] = set()
        for note_id in changed:
            if note_id in prev_pages:
                linked_before |= prev_pages[note_id].deps.notes
        for note in self.notes:
            rec = prev_pages.get(note.id)
            if rec is None:  # never rendered: the worker that renders it signs its own inputs
                todo.append(note)
                continue
            if (same_tags and note.id not in changed
                    and note.id not in linked_before
                    and not self.cells.get(note.id) and note is not self.index.home
                    and changed.isdisjoint(self.index.backlinks.get(note.id, ()))):
                own = rec.own_sig
            else:
                own = own_signature(note, self.digests.get(note.rel, ""), self.index,
                                    self.cells.get(note.id), self.hasher)
            self._own[note.id] = own
            if (rec.site_sig == site_sig and rec.own_sig == own
                    and rec.url in self.existing and rec.url == self.index.urls[note.id]
                    and note is not self.index.home
                    and ((same_names and changed.isdisjoint(rec.deps.notes)
                          and changed.isdisjoint(rec.deps.embeds) and not _svgs(rec.deps)
                          and not (rec.deps.cells and rec.deps.embeds)  # an embed's outputs
                          and images.isdisjoint(rec.deps.attachments)
                          and not _bases(rec.deps))
                         or rec.deps_sig == self.hasher.signature(rec.deps))):
                self.keep.add(rec.url)
                self.copies.update(rec.copies)
                self.diagnostics.extend(rec.diagnostics)
                self.preview_entries[note.id] = rec.preview
                self.memo.pages[note.id] = rec
            else:
                todo.append(note)
        return todo

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["cfg"], state["index"], state["cells"], digests=state["digests"],
                      nav=state["nav"], stylesheets=state["stylesheets"])
        self._ranks = state["ranks"]
        self.hasher = DepsHasher(self.index, self.digests, self.cells)

    def build(self, progress: Progress | None = None, pool: Any = None, staging: Any = None):
        """Render the site.  With ``staging`` (``emit.Staging`` of a new site), pages rendered in
        workers are written there by the workers, and only their digests come back."""
        self.hasher = DepsHasher(self.index, self.digests, self.cells)
        clock = time.perf_counter
        t0 = clock()
        todo = self._plan()
        self.timings["plan"] = clock() - t0
        self.page_count += len(self.keep)
        self.rendered = len(todo)
        if progress:
            progress("render", 0, len(todo))
        t0 = clock()
        results = None
        pool = pool.get(len(todo)) if pool is not None else None
        self.memo.listing_facts = self._listing_signature()
        # forked first, so that it works while this process pickles the builder for the workers
        aside = _FactsAside(self) if pool is not None and self.facts_aside else None
        if pool is not None:
            # the workers render notes while this process does the rest
            pool.render_start(self, todo, staging)
        else:
            results = []
            step = max(1, len(todo) // 100)
            for i, note in enumerate(todo, 1):
                results.append(self.render_note(note))
                if progress and i % step == 0:
                    progress("render", i, len(todo))
        t1 = clock()
        self._listing_pages()
        self._canvas_pages()
        self._assets()
        self._publish_files()
        self.timings["listings"] = clock() - t1
        t1 = clock()
        if aside is None or not aside.join(self):
            self._facts_data()
        self.timings["facts"] = clock() - t1
        if results is None:
            results = pool.render_finish()
        self.timings["notes"] = clock() - t0
        t1 = clock()
        for note, (files, copies, diags, (note_id, preview), deps, (own_sig, deps_sig)) in zip(
                todo, results, strict=True):
            for url, data in files.items():
                if isinstance(data, bytes):
                    self.files[url] = data
                else:  # written into the staging folder by the worker: its digest
                    staging.written[url] = data
            self.page_count += len(files)
            self.copies.update(copies)
            self.diagnostics.extend(diags)
            self.preview_entries[note_id] = preview
            self.memo.pages[note.id] = PageRecord(
                self.site_sig, own_sig,
                deps_sig, deps,
                self.index.urls[note.id], copies, list(diags), preview)
        if progress:
            progress("render", len(todo), len(todo))
        if self.index.home is None:
            self._home_page(None)
        self._redirects()
        self.timings["records"] = clock() - t1
        t1 = clock()
        self._preview_data()
        self._drop_unreadable_copies()
        self.timings["data"] = clock() - t1
        return self.files, self.copies, self.diagnostics

    def _redirects(self) -> None:
        """Pages at the notes' old addresses that send readers on, as Obsidian Publish does for a
        permalink and an alias written as a path (``generator.site.redirects``)."""
        from generator.site.redirects import redirect_pages

        index = self.index
        taken = [*index.urls.values(), *index.folder_urls.values(), *index._reserved,
                 *(index.attachment_url(att) for att in index.attachments.values()),
                 *index.canvas_pages().values(), *self.files, *self.keep]
        self.files.update(redirect_pages(self.notes, index.urls, taken, self.cfg.language,
                                         index.folder_spelling()))

    def _drop_unreadable_copies(self) -> None:
        """An attachment that cannot be read now (its permissions, or deleted since the vault was
        read) is reported and left out, instead of failing the build while the site is written."""
        for url, warned in unreadable_copies(self.copies, self.cfg.vault):
            del self.copies[url]
            self.diagnostics.append(warned)
        # SVG and HTML files a reader could open by their link: published without what runs
        cleaned, warned_files = clean_copies(self.copies, self.cfg.vault)
        self.files.update(cleaned)
        self.diagnostics.extend(warned_files)

    def _listing_signature(self) -> str:
        """Everything listing pages show of the notes (title, URL, folder, date, summary, tags)."""
        h = hashlib.blake2b(self.site_sig.encode(), digest_size=16)
        h.update("\0".join(_listing_key(n) + self.index.urls[n.id] for n in self.notes)
                 .encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _text_signature(self) -> str:
        """Everything the search data holds of the notes.  It all comes from a note's path and bytes
        (parsing looks at no other note), so the content digest stands for it; only the URL is the
        index's choice, and so are the words of the embeds that show no note (``_search_texts``)."""
        h = hashlib.blake2b(self.site_sig.encode(), digest_size=16)
        h.update("\0".join(f"{n.rel}\0{self.digests.get(n.rel, '')}\0{self.index.urls[n.id]}"
                           for n in self.notes).encode("utf-8", "surrogatepass"))
        h.update("\0".join(f"{rel}\0{text}" for rel, text in sorted(self._search_texts().items()))
                 .encode("utf-8", "surrogatepass"))
        # and the canvases, by their files' size and times (canvas_text reads nothing else)
        h.update(repr([(rel, url, self.index.attachments[rel].digest)
                       for rel, url in self.canvas_urls]).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _listing_pages(self) -> None:
        """Tag, folder, graph and 404 pages: when no note's facts changed, all stay as they are."""
        facts = self.memo.listing_facts
        prev = self.previous
        if (prev is not None and prev.listing_facts == facts and prev.listings
                and all(url in self.existing for url in prev.listings)):
            self.memo.listings = dict(prev.listings)
            told = getattr(prev, "listing_diagnostics", {})
            self.memo.listing_diagnostics = dict(told)
            for url in sorted(told):
                self.diagnostics.extend(told[url])
            self.keep.update(prev.listings)
            self.page_count += len(prev.listings)
            return
        self._tag_pages()
        self._folder_pages()
        # every note as a list on the graph page: the canvas has no keyboard or screen-reader way in
        self._simple_page("graph", "Graph", SiteUrl("graph.html"),
                          listing=self._graph_listing())
        self._simple_page("404", "Page not found", SiteUrl("404.html"), site_roots=self._site_roots())

    def _graph_listing(self) -> tuple:
        """The graph's nodes as a list (its keyboard and screen-reader way in): the notes and the
        canvases, by title."""
        url = "graph.html"
        items = [(n.title, n.rel, self._link_item(n, url)) for n in self.notes]
        items += [(c.title, c.id, self.tpl.LinkItem(c.title, relative_href(c.url, url), c.folder,
                                                    description="Canvas"))
                  for c in self._graph_canvases()]
        return tuple(item for _title, _rel, item in
                     sorted(items, key=lambda s: (self.tpl.name_order(s[0]), s[1])))

    def _graph_canvases(self) -> list:
        """The canvases as graph nodes: each joined to the notes its file cards show and to the
        notes that link to it or embed it, as Obsidian's graph view shows canvases."""
        from generator.canvas import canvas_title
        from generator.site import SiteNote

        urls, shown, linkers = self.index.urls, self.index.canvas_links(), self.index.canvas_linkers()
        out = []
        for rel, url in self.canvas_urls:
            links = tuple(urls[i] for i in (*shown.get(rel, ()), *linkers.get(rel, ())) if i in urls)
            out.append(SiteNote(id="canvas:" + rel, title=canvas_title(rel), url=url,
                                folder=posixpath.dirname(rel), links=links))
        return out

    def _canvas_pages(self) -> None:
        """A page for each canvas of the vault (``generator.canvas.canvas_pages``), drawn at every
        build: few, and cheap next to notes."""
        from generator.canvas import canvas_pages

        for canvas in canvas_pages(self.index, self.notes):
            url = canvas.url
            for used in canvas.attachments:
                shown = self.index.attachments[used]
                self.copies[self.index.attachment_url(shown)] = shown.abs
            self.diagnostics.extend(canvas.diagnostics)
            crumbs = self._crumbs(canvas.folder if canvas.folder in self.folders else "", url)
            page = self.tpl.PageContext(
                kind="canvas", title=canvas.title, url=url, root=root_prefix(url),
                content_html=canvas.body, breadcrumbs=crumbs, canonical=self._canonical(url),
                backlinks=tuple(self._link_item(n, url) for n in canvas.linked_by))
            self._emit_page(url, self._page_html(page, self.diagnostics))

    def _page(self, url: str, ctx: Any) -> None:
        """A tag, folder or other listing page: rendered unless the same context was rendered last
        time with the same site-wide inputs (then the file is kept)."""
        sig = self._listing_page_signature(ctx)
        self.memo.listings[url] = sig
        prev = self.previous.listings.get(url) if self.previous is not None else None
        if prev == sig and url in self.existing:
            told = getattr(self.previous, "listing_diagnostics", {}).get(url, [])
            if told:
                self.memo.listing_diagnostics[url] = told
                self.diagnostics.extend(told)
            self.keep.add(url)
            self.page_count += 1
            return
        diags: list[Diagnostic] = []
        self._emit_page(url, self._page_html(ctx, diags))
        if diags:
            self.memo.listing_diagnostics[url] = diags
            self.diagnostics.extend(diags)

    def _listing_page_signature(self, ctx: Any) -> str:
        """A signature of the site's and ``ctx`` (what ``signature_of`` makes of their ``repr``),
        with the ``repr`` of each listed item made once per item (the builder makes one item per
        note and folder of pages): a note is listed on its folder's page and on each of its tags'
        pages, and the ``repr`` of a dataclass is slow (10,000 notes: about a second)."""
        import dataclasses

        h = hashlib.blake2b(repr((self.site_sig, dataclasses.replace(ctx, listing=())))
                            .encode("utf-8", "surrogatepass"), digest_size=16)
        reprs = self._item_reprs
        for item in ctx.listing:
            hit = reprs.get(id(item))
            if hit is None or hit[0] is not item:
                hit = reprs[id(item)] = (item, repr(item).encode("utf-8", "surrogatepass"))
            h.update(hit[1])
        return h.hexdigest()

    def _page_html(self, ctx: Any, diags: list[Diagnostic]) -> str:
        """The page, by the user's templates; where one of them fails, by the default theme, with a
        warning that names the template file and line."""
        problems: list[BaseException] = []
        html = self.tpl.render_page(self.env, ctx, self.site, self.nav, problems)
        diags.extend(self.tpl.template_warning(exc, self.cfg.vault, self.cfg.templates_dir)
                     for exc in problems)
        return html

    def _emit_page(self, url: str, html: str) -> None:
        self.files[url] = html.encode("utf-8")
        self.page_count += 1

    # -- notes -----------------------------------------------------------------------------------------
    def render_note(self, note: Note):
        """One note's page (runs in a worker): files, attachment copies, diagnostics, preview, what
        it depended on and the signature of that."""
        from generator.site.previews import PREVIEW_LIMIT, preview_entry

        tpl = self.tpl
        url = self.index.urls[note.id]
        body, deps, diags, preview_html = render_body(note, self.index, url, self.cells.get(note.id),
                                                      PREVIEW_LIMIT, self.embeds, self.cells)
        # every note it links to, front-matter links included (never rendered, yet backlinks):
        # when it stops linking to one, that one's backlinks are looked at again (``_plan``)
        deps.notes |= set(self.index.outlinks.get(note.id, ()))
        og_image = self._og_image(note, deps)
        copies = {}
        for rel in sorted(deps.attachments):
            att = self.index.attachments[rel]
            # a canvas with a page is shown there, never as its JSON file, which holds what the
            # page leaves out (its cards' `%%comments%%`, the paths of unpublished notes)
            if self.index.canvas_page_url(att) is None:
                copies[self.index.attachment_url(att)] = att.abs
        preview = (note.id, preview_entry(note.title, preview_html))
        if note is self.index.home or (self.index.home and note.id == self.index.home.id):
            return ({url: self._home_html(note, body, diags, og_image)}, copies, diags, preview, deps,
                    self._signatures(note, deps))
        ctx = tpl.PageContext(
            kind="note", title=note.title, url=url, root=root_prefix(url), source=note.written_rel,
            content_html=body, date=note.date, description=note.summary,
            tags=self._tag_items(note, url), aliases=note.aliases,
            toc=tuple(tpl.TocItem(h.level, h.text, "#" + relative_href(url, url, h.anchor)
                                  .split("#", 1)[1]) for h in note.headings),
            backlinks=self._backlinks(note, url), breadcrumbs=self._crumbs(note.folder, url),
            canonical=self._canonical(url), css_classes=css_classes(note.meta), og_image=og_image)
        html = self._page_html(ctx, diags)
        return {url: html.encode("utf-8")}, copies, diags, preview, deps, self._signatures(note, deps)

    def _signatures(self, note: Note, deps: Any) -> tuple[str, str]:
        """The page's own and looked-up inputs, signed here (in the worker, with the index at hand)
        rather than by the parent for every page afterwards."""
        own = self._own.get(note.id) or own_signature(
            note, self.digests.get(note.rel, ""), self.index, self.cells.get(note.id), self.hasher)
        return own, self.hasher.signature(deps)

    def _og_image(self, note: Note, deps: Any) -> str | None:
        """The picture a link to the page shows on social networks (``og:image``): the note's
        ``image`` or ``cover`` property, as Obsidian Publish takes it (else a Banners plugin
        ``banner``): a web address, or a picture of the vault by path, name or ``[[link]]``, whose
        file is then copied.  A page has one only with ``site_url`` (it must be absolute)."""
        if not self.cfg.site_url:
            return None
        from generator.publish import absolute_url

        keys = {str(k).casefold(): k for k in note.meta}
        for name in ("image", "cover", "banner"):
            value = note.meta.get(keys.get(name, name))
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if not isinstance(value, str) or not value.strip():
                continue
            value = value.strip()
            if re.match(r"https?://\S+$", value, re.IGNORECASE):
                return value
            target = value.removeprefix("!")
            if target.startswith("[[") and target.endswith("]]"):
                target = re.split(r"[|#]", target[2:-2], maxsplit=1)[0]
            target = target.strip()
            deps.names.add((target, note.id))
            res = self.index.resolve(target, note)
            att = res.attachment
            if res.kind == "attachment" and att is not None and is_image(att.rel):
                deps.attachments.add(att.rel)
                return absolute_url(self.cfg.site_url, self.index.attachment_url(att))
        return None

    def _canonical(self, url: str) -> str | None:
        if not self.cfg.site_url:
            return None
        from generator.publish import absolute_url

        return absolute_url(self.cfg.site_url, url)  # the same URL as in sitemap.xml

    def _tag_items(self, note: Note, url: str) -> tuple:
        out = []
        for tag in note.tags:
            info = self.index.tags.get(tag_key(tag))
            # as its tag page names it (``#project`` in a note where most write ``#Project``)
            out.append(self.tpl.TagItem(info.name if info else tag,
                                        relative_href(self.index.tag_url(tag), url),
                                        len(info.notes) if info else 0))
        return tuple(out)

    def _link_item(self, note: Note, from_url: str):
        """``note`` as an item of a listing on the page at ``from_url``: made once per folder of
        pages (its href is the same from every page of a folder), as a note is listed in the
        backlinks of every note it links, and on its folder's and tags' pages."""
        key = (note.id, from_url.rpartition("/")[0])
        item = self._link_items.get(key)
        if item is None:
            item = self._link_items[key] = self.tpl.LinkItem(
                note.title, relative_href(self.index.urls[note.id], from_url), note.folder,
                note.date, note.listing_summary or note.summary)
        return item

    def _backlinks(self, note: Note, url: str) -> tuple:
        """The notes that link to ``note``, and the canvases whose file cards show it (Obsidian
        lists both), by title."""
        from generator.canvas import canvas_title

        canvases = self.index.canvas_backlinks(note.id)
        if not canvases:
            rank = self._rank()
            return tuple(self._link_item(self.index.notes[i], url) for i in
                         sorted(self.index.backlinks.get(note.id, ()), key=rank.__getitem__))
        sources = [(n.title, n.rel, self._link_item(n, url))
                   for n in (self.index.notes[i] for i in self.index.backlinks.get(note.id, []))]
        pages = self.index.canvas_pages()
        sources += [(canvas_title(rel), rel, self.tpl.LinkItem(
            canvas_title(rel), relative_href(pages[rel], url), posixpath.dirname(rel),
            description="Canvas")) for rel in canvases]
        return tuple(item for _title, _rel, item in
                     sorted(sources, key=lambda s: (self.tpl.name_order(s[0]), s[1])))

    def _crumbs(self, folder: str, url: str) -> tuple:
        crumbs = [self.tpl.Crumb(self.cfg.title, relative_href("index.html", url))]
        path = ""
        for part in [p for p in folder.split("/") if p]:
            path = f"{path}/{part}" if path else part
            crumbs.append(self.tpl.Crumb(part, relative_href(self.index.folder_url(path), url)))
        return tuple(crumbs)

    # -- listings ------------------------------------------------------------------------------------------
    def _sorted_listing(self, notes: list[Note], url: str) -> tuple:
        rank = self._rank()
        notes = sorted(notes, key=lambda n: rank[n.id])
        return tuple(self._link_item(n, url) for n in notes)

    def _rank(self) -> dict[str, int]:
        """Each note's place among all notes by title as listings order them (``name_order``,
        then path), found once: comparing the order keys again in every tag's and folder's
        listing cost more than writing them (10,000 notes)."""
        if self._ranks is None:
            order = self.tpl.name_order
            self._ranks = {n.id: i for i, n in enumerate(sorted(
                self.index.notes.values(), key=lambda n: (order(n.title), n.rel)))}
        return self._ranks

    def _tag_pages(self) -> None:
        tags = self.index.tags
        children: dict[str, list[str]] = defaultdict(list)
        for key in tags:
            if "/" in key:
                children[key.rsplit("/", 1)[0]].append(key)
        for key, info in sorted(tags.items()):
            url = self.index.tag_url(key)
            notes = [self.index.notes[i] for i in info.notes]
            kids = tuple(self.tpl.LinkItem("#" + tags[k].name, relative_href(self.index.tag_url(k),
                                                                              url))
                         for k in sorted(children.get(key, []),
                                         key=lambda k: self.tpl.name_order(tags[k].name)))
            # Home › Tags › #ml for #ml/nlp: the levels above it, as a folder page has
            parents = ["/".join(key.split("/")[:i]) for i in range(1, key.count("/") + 1)]
            crumbs = (self.tpl.Crumb(self.cfg.title, relative_href("index.html", url)),
                      self.tpl.Crumb("Tags", relative_href(TAGS_URL, url)),
                      *(self.tpl.Crumb("#" + tags[p].name, relative_href(self.index.tag_url(p), url))
                        for p in parents if p in tags))
            ctx = self.tpl.PageContext(
                kind="tag", title=f"#{info.name}", url=url, root=root_prefix(url),
                listing=self._sorted_listing(notes, url), folders=kids, breadcrumbs=crumbs)
            self._page(url, ctx)
        url = TAGS_URL
        top = tuple(self.tpl.LinkItem("#" + info.name, relative_href(self.index.tag_url(key), url),
                                      description=f"{len(info.notes)} notes")
                    for key, info in sorted(tags.items(), key=lambda kv: self.tpl.name_order(kv[1].name))
                    if "/" not in key)
        ctx = self.tpl.PageContext(kind="tag", title="Tags", url=url, root=root_prefix(url),
                                   folders=top)
        self._page(url, ctx)

    def _folder_pages(self) -> None:
        by_folder: dict[str, list[Note]] = defaultdict(list)
        for n in self.notes:
            by_folder[n.folder].append(n)
        # each folder's subfolders, found once (asking every folder of every other one was
        # quadratic: 3,200 folders took 9 s)
        children: dict[str, list[str]] = defaultdict(list)
        for f in self.folders:
            children[posixpath.dirname(f)].append(f)
        for folder in self.folders:
            url = self.index.folder_url(folder)
            subs = sorted(children.get(folder, []),
                          key=lambda f: self.tpl.name_order(f.rsplit("/", 1)[-1]))
            ctx = self.tpl.PageContext(
                kind="folder", title=folder.rsplit("/", 1)[-1], url=url, root=root_prefix(url),
                listing=self._sorted_listing(by_folder.get(folder, []), url),
                folders=tuple(self.tpl.LinkItem(f.rsplit("/", 1)[-1],
                                                relative_href(self.index.folder_url(f), url)) for f in subs),
                breadcrumbs=self._crumbs(posixpath.dirname(folder), url))
            self._page(url, ctx)

    def _home_page(self, note: Note | None, body: str = "") -> None:
        self._emit_page("index.html", self._home_html(note, body, self.diagnostics).decode("utf-8"))

    def _home_html(self, note: Note | None, body: str, diags: list[Diagnostic],
                   og_image: str | None = None) -> bytes:
        url = SiteUrl("index.html")
        dated = sorted((n for n in self.notes if n.date and (note is None or n.id != note.id)),
                       key=lambda n: (n.date, n.rel), reverse=True)[: self.cfg.recent_notes]
        top = sorted((f for f in self.folders if "/" not in f), key=self.tpl.name_order)
        ctx = self.tpl.PageContext(
            kind="index", title=note.title if note else self.cfg.title, url=url, root="",
            titled=note is not None and _titled(note),
            source=note.written_rel if note else None, content_html=body,
            # the home note's own description, else the site's, else the note's first words
            description=(note.description or self.cfg.description or note.summary
                         if note else self.cfg.description),
            tags=self._tag_items(note, url) if note else (),
            backlinks=self._backlinks(note, url) if note else (),
            toc=tuple(self.tpl.TocItem(h.level, h.text, "#" + h.anchor)
                      for h in note.headings) if note else (),
            recent=tuple(self._link_item(n, url) for n in dated),
            folders=tuple(self.tpl.LinkItem(f, relative_href(self.index.folder_url(f), url)) for f in top),
            listing=() if note else self._sorted_listing(
                [n for n in self.notes if not n.folder], url),
            canonical=self._canonical(url), og_image=og_image,
            css_classes=css_classes(note.meta) if note else ())
        return self._page_html(ctx, diags).encode("utf-8")

    def _simple_page(self, kind: str, title: str, url: SiteUrl, **fields: Any) -> None:
        ctx = self.tpl.PageContext(kind=kind, title=title, url=url, root=root_prefix(url), **fields)
        self._page(url, ctx)

    def _site_roots(self) -> tuple[str, ...]:
        """The site's top-level folders: those of the note and folder pages (a folder whose notes
        all have permalinks elsewhere has its folder page, and the redirects at the notes' own
        addresses), and its own data folders (a note's URL never starts with ``_``, so these are
        apart).  A 404 page served at some depth finds the site root in the missing URL as the
        path before the first of them."""
        urls = [*self.index.urls.values(), *self.index.folder_urls.values()]
        roots = {url.split("/", 1)[0] for url in urls if "/" in url}
        return tuple(sorted(roots | DATA_FOLDERS))

    # -- data, assets, publishing ----------------------------------------------------------------------
    def _search_texts(self) -> dict[str, str]:
        """The search text of each note with embeds whose words depend on the vault (``parse.
        EMBED_MARK``), by path: what its page shows for them (made once per build)."""
        texts = self.__dict__.get("_searched")
        if texts is None:
            from generator.parse import EMBED_MARK, search_text

            texts = self.__dict__["_searched"] = {
                n.rel: search_text(n, self._embed_words(n)) for n in self.notes
                if EMBED_MARK in n.plain_text}
        return texts

    def _embed_words(self, note: Note) -> Callable[..., str]:
        """What ``note``'s page shows for an embed (``parse.search_text``), as ``render_embed``
        writes it: the name of what is missing (a heading or block of a note too) or of a note
        that shows nothing ("Note (empty)"), the link text of a note not published (never its
        own words), the words of a note or file standing in a link's text and of a note
        standing in a paragraph's, nothing for what is shown."""
        from generator.excalidraw import is_drawing_note
        from generator.parse import IN_LINK_TEXT, IN_TEXT
        from generator.render import IMAGE_EXT, _ext

        index = self.index

        def shown(target: str, part: str, missing: str, unpublished: str, place: str,
                  placed: str) -> str:
            res = index.resolve(target, note)
            if place == IN_LINK_TEXT and res.kind in ("note", "attachment") and not (
                    res.attachment is not None and _ext(res.attachment.rel) in IMAGE_EXT):
                return placed
            if res.kind in ("missing", "outside"):
                return missing
            if res.kind == "unpublished":
                return unpublished
            if res.kind != "note" or res.note is None or is_drawing_note(res.note):
                return ""
            if place == IN_TEXT:
                return placed
            if part:
                found = (index.find_block(res.note, part[1:]) if part.startswith("^") else
                         index.find_heading(res.note, tuple(p for p in part.split("#") if p)))
                if found is None:
                    return f"{target or res.note.title}#{part}"
            elif res.note.blank:  # a part found is never empty: it holds its heading or its text
                return target or res.note.title
            return ""
        return shown

    def _site_notes(self) -> list:
        """The published notes' facts for the search and graph data (made once per parsed note
        while its URL and links stay the same)."""
        from generator.site import SiteNote

        out = []
        urls = self.index.urls
        searched = self._search_texts()
        for n in self.notes:
            url = urls[n.id]
            links = tuple(urls[t] for t in self.index.outlinks.get(n.id, ()) if t in urls)
            text = searched.get(n.rel, n.plain_text)
            hit = n.__dict__.get("_site_note")
            if hit is None or hit.url != url or hit.links != links or (
                    hit.plain_text is not text and hit.plain_text != text):
                name = n.id.rsplit("/", 1)[-1]
                hit = n.__dict__["_site_note"] = SiteNote(
                    id=n.id, title=n.title, url=url, folder=n.folder, aliases=n.aliases,
                    headings=tuple((h.text, h.anchor) for h in n.headings), tags=n.tags,
                    date=n.date, summary=n.summary, plain_text=text, links=links,
                    name=name if name.lower() != n.title.lower() else "")
            out.append(hit)
        return out

    def _site_canvases(self) -> list:
        """The canvases' pages as the search sees them: title, folder and words."""
        from generator.canvas import canvas_text, canvas_title
        from generator.site import SiteNote

        return [SiteNote(id="canvas:" + rel, title=canvas_title(rel),
                         url=url, folder=posixpath.dirname(rel),
                         plain_text=canvas_text(self.index.attachments[rel]))
                for rel, url in self.canvas_urls]

    def _reuse(self, kind: str, sig: str) -> tuple | None:
        prev = self.previous.data.get(kind) if self.previous is not None else None
        if prev is not None and prev[0] == sig and all(p in self.existing for p in prev[1]):
            self.keep.update(prev[1])
            self.memo.data[kind] = prev
            return prev
        return None

    def _facts_data(self) -> None:
        """Search and graph data (from the notes' facts); each kept as it is when none of its facts
        changed, and the search index updated rather than rebuilt when ``serve`` kept it."""
        from generator.site.graph import graph_files
        from generator.site.search import SearchIndex

        # the listing facts hold every note's URL; the graph adds who links to whom
        graph_sig = signature_of(self.memo.listing_facts, self.index.outlinks,
                                 self.index.canvas_links(), self.index.canvas_linkers())
        search_sig = self._text_signature()
        kept_graph = self._reuse("graph", graph_sig)
        kept_search = self._reuse("search", search_sig)
        if kept_search is not None:
            self.search_manifest = kept_search[2]
        if kept_graph is not None and kept_search is not None:
            return
        notes = sorted(self._site_notes(), key=lambda n: n.url)
        if kept_graph is None:
            nodes = sorted([*notes, *self._graph_canvases()], key=lambda n: n.url)
            files = graph_files(nodes, self.index.tag_url, self.index.tag_name)
            self.files.update(files)
            self.memo.data["graph"] = (graph_sig, tuple(sorted(files)), None)
        if kept_search is None:
            search = self.data_state.setdefault("search", SearchIndex())
            # canvases are found too
            found = sorted([*notes, *self._site_canvases()], key=lambda n: n.url)
            files, self.search_manifest = search.files(found)
            self.files.update(files)
            self.memo.data["search"] = (search_sig, tuple(sorted(files)), self.search_manifest)

    def _preview_data(self) -> None:
        """Hover-preview data (from the rendered notes) and the manifest that ties the data together.

        A preview is cut from the note's rendered body, which the page record's signatures stand
        for: when none changed, the preview files stay as they are.
        """
        from generator.site import SiteNote, js_assign
        from generator.site.previews import PreviewIndex

        pages = self.memo.pages
        sig = signature_of(self.site_sig, [(self.index.urls[n.id], n.title, pages[n.id].own_sig,
                                            pages[n.id].deps_sig) for n in self.notes])
        kept = self._reuse("previews", sig)
        if kept is not None:
            preview_manifest = kept[2]
        else:
            entries = self.preview_entries
            notes = sorted((SiteNote(id=n.id, title=n.title, url=self.index.urls[n.id],
                                     preview_entry=entries.get(n.id, "")) for n in self.notes),
                           key=lambda n: n.url)
            previews = self.data_state.setdefault("previews", PreviewIndex())
            files, preview_manifest = previews.files(notes)
            self.files.update(files)
            self.memo.data["previews"] = (sig, tuple(sorted(files)), preview_manifest)
        manifest = {"notes": len(self.notes), "search": self.search_manifest,
                    "previews": preview_manifest}
        self.files["_data/site.js"] = js_assign("vsSite", manifest)

    def _assets(self) -> None:
        static = self.tpl.default_template_dir() / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    rel = path.relative_to(static).as_posix()
                    data = path.read_bytes()
                    if rel.endswith(".css"):  # the theme's comments are for its readers, not pages'
                        data = compact_css(data.decode("utf-8")).encode("utf-8")
                    elif rel.endswith(".js"):
                        data = compact_js(data.decode("utf-8")).encode("utf-8")
                    self.files[f"_assets/{rel}"] = data
        if self._vault_css is not None:
            data, copies, diags = self._vault_css
            if data is not None:
                self.files[PUBLISH_CSS_URL] = data
                self.copies.update(copies)
            self.diagnostics.extend(diags)
        override = self.cfg.vault / self.cfg.templates_dir / "static"
        if override.is_dir():
            home = self.tpl.template_home(self.cfg.vault, override.parent)
            for path in self.tpl.files_below(override):
                # a link out of the vault is not published (the vault walk reports it so)
                if path.resolve().is_relative_to(home):
                    self.files[f"_assets/{path.relative_to(override).as_posix()}"] = \
                        path.read_bytes()

    def _publish_files(self) -> None:
        from generator.publish import FeedEntry, SitemapEntry, publish_files

        pages = [SitemapEntry(self.index.urls[n.id], n.date) for n in self.notes]
        # a canvas's page is a page of the vault's own, found by search and the graph alike
        pages += [SitemapEntry(url) for url in self.index.canvas_pages().values()]
        entries = [FeedEntry(n.title, self.index.urls[n.id], n.date, n.summary)
                   for n in self.notes if n.date]
        self.files.update(publish_files(
            site_url=self.cfg.site_url or None, title=self.cfg.title, pages=pages,
            entries=entries, cname=self.cfg.cname or None, feed_limit=self.cfg.feed_entries,
            description=self.cfg.description))


def copy_warnings(copies: dict[str, Path], vault: Path) -> list[Diagnostic]:
    """What a build says of these copies (for ``check``): the unreadable ones, and those published
    sanitised or left out (``safefiles``)."""
    found = unreadable_copies(copies, vault)
    left = dict(copies)
    for url, _warned in found:
        del left[url]
    return [warned for _url, warned in found] + clean_copies(left, vault)[1]


def unreadable_copies(copies: dict[str, Path], vault: Path) -> list[tuple[str, Diagnostic]]:
    """The attachments of ``copies`` (site URL -> file) that cannot be read now, each with its
    ``unreadable`` warning: what a build leaves out of the site, and ``check`` reports alike."""
    found = []
    for url, src in sorted(copies.items()):
        try:
            with open(src, "rb"):
                pass
        except OSError as exc:
            try:
                rel = src.relative_to(vault).as_posix()
            except ValueError:  # a mounted folder: its file name is what can be told
                rel = src.name
            found.append((url, warning("unreadable", f"cannot read the attachment ({exc.strerror}); "
                                       "not copied", rel, hint=UNREADABLE_HINT)))
    return found


class _FactsAside:
    """Search and graph data made by a forked copy of the builder while the builder makes the
    listing pages and its workers render.  On a machine with more cores than that, the build
    process no longer does both in turn (3.5 s of search and graph data on 10,000 notes was the
    longest of the three); on two cores it is the same work.  Whatever fails here is made again in
    the build process."""

    def __init__(self, builder: SiteBuilder):
        self.conn, send = multiprocessing.Pipe(duplex=False)
        self.proc = forked(_facts_child, builder, send, self.conn)
        send.close()

    def join(self, builder: SiteBuilder) -> bool:
        """Take the data files and records into ``builder``; False when they must be made there."""
        if self.proc is None:
            return False
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError):
            status, payload = "error", None
        self.proc.join()
        if status != "ok":
            return False
        files, data, manifest, keep = payload
        builder.files.update(files)
        builder.memo.data.update(data)
        builder.search_manifest = manifest
        builder.keep |= keep
        return True


def _facts_child(builder: SiteBuilder, conn, theirs) -> None:  # in the forked process
    # the parent's end of the pipe, which the fork copied: held here, a build killed before it
    # reads the data would leave this process waiting for ever to write them
    theirs.close()
    try:
        builder.files, builder.keep = {}, set()
        builder._facts_data()
        data = {k: v for k, v in builder.memo.data.items() if k in ("graph", "search")}
        conn.send(("ok", (builder.files, data, builder.search_manifest, builder.keep)))
    except BaseException:  # noqa: BLE001 - the build process makes the data itself
        conn.send(("error", None))
    finally:
        conn.close()
        os._exit(0)  # nothing to free or flush: the parent owns the build


def _svgs(deps) -> bool:
    """Whether a page shows SVG files: what they draw with is part of its look-ups (the hasher
    reads it), which no note's bytes tell."""
    return any(rel[-4:].lower() == ".svg" or rel[-7:].lower() == ".canvas"  # a canvas: drawn in
               for rel in deps.attachments)


def _bases(deps) -> bool:
    """Whether a page shows a base: it depends on every note's facts and on the .base file."""
    return getattr(deps, "bases", False)


# The site's own folders beside the notes' (assets, data files, code output, tag pages).
DATA_FOLDERS = frozenset({"_assets", "_data", EXEC_ASSET_DIR, "_previews", "_search",
                          "_tags"})

_CSS_CLASS = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")


def added_stylesheets(cfg: SiteConfig, static: Path) -> tuple[str, ...]:
    """The stylesheets the user's ``static/`` adds to the theme's (``custom.css``, a
    ``publish.css`` that replaces the vault's), linked from every page after the theme's own; one
    that replaces a theme file is already linked."""
    from generator import templating

    if not static.is_dir():
        return ()
    theme = templating.default_template_dir() / "static"
    home = templating.template_home(cfg.vault, static.parent)
    return tuple(f"_assets/{path.relative_to(static).as_posix()}"
                 for path in templating.files_below(static, ".css")
                 if path.resolve().is_relative_to(home)  # as _assets copies
                 and not (theme / path.relative_to(static)).exists())


def css_classes(meta: dict) -> tuple[str, ...]:
    """Obsidian's ``cssclasses`` property (a list, or a string of names; not the older ``cssclass``,
    which Obsidian no longer reads either): class names for the note's page, so that a snippet in
    ``_templates/static`` can style it.  A name that is not a plain CSS class name is left out."""
    names = as_string_list(meta.get("cssclasses"))
    return tuple(dict.fromkeys(n for n in names if _CSS_CLASS.fullmatch(n)))


def compact_js(js: str) -> str:
    """The theme's ``js`` without its comment blocks: a ``/* … */`` that stands on lines of its own
    (nothing but indentation before it, nothing after it), and without the indentation of its code
    lines (5.4 kB of the two scripts).  The theme's scripts write no template literal and no line
    ending in ``\\``, so no such line is inside a string; a comment with code on its lines stays."""
    out: list[str] = []
    block: list[str] = []  # the lines of a comment block being read
    for line in js.split("\n"):
        text = line.strip()
        if not block and not text.startswith("/*"):
            out.append(line.lstrip())
            continue
        block.append(line)
        close = text.find("*/", 2 if len(block) == 1 else 0)
        if close < 0:
            continue
        if close != len(text) - 2:  # code after it
            out.extend(block)
        block = []
    return "\n".join(out + block)


def compact_css(css: str) -> str:
    """``css`` without its ``/* comments */`` and the white space nothing needs (strings kept as
    written): the theme's stylesheet explains itself at length, and every page loads it.

    Runs of white space become one space, dropped after ``{ } ; : , >`` and before ``{ } ; , >``.
    None of those is ever next to a space that means something: a space before ``:`` (``a :hover``)
    or around ``+``/``~``/``-`` (combinators, ``calc``) and ``and (`` in media queries stay. One
    line per rule, so the file still reads."""
    out: list[str] = []
    i, n, quote = 0, len(css), ""
    pending = False  # white space seen since the last character written
    while i < n:
        c = css[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(css[i + 1])
                i += 1
            elif c == quote:
                quote = ""
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            pending = True
            continue
        elif c.isspace():
            pending = True
        else:
            if pending and out and out[-1] not in "{};:,>\n" and c not in "{};,>":
                out.append(" ")
            pending = False
            out.append(c)
            if c in "\"'":
                quote = c
            elif c == "}":
                out.append("\n")
        i += 1
    return "".join(out).strip() + "\n"


def _titled(note: Note) -> bool:
    """Whether ``note`` has a title of its front-matter (``parse_note`` reads it, else the name)."""
    title = note.meta.get("title")
    return not isinstance(title, bool) and isinstance(title, (str, int, float, _dt.date)) \
        and bool(str(title).strip())
