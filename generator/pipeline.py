"""The build: gather everything, then write.  ``check`` is the same pipeline without writing."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.diagnostics import Diagnostic, Severity, fold_infos, sort_diagnostics, warning
from generator.discover import UNREADABLE_HINT, Vault, discover_vault, settle_twins
from generator.heap import build_heap
from generator.incremental import (
    ParsedAside,
    RenderMemo,
    discard_memo,
    intact_files,
    load_memo,
    load_unchanged,
    save_memo,
    save_stamps,
    save_unchanged,
    vault_fingerprint,
)
from generator.index import VaultIndex, build_index
from generator.model import Note, SourceFile
from generator.parallel import can_fork, cpu_count
from generator.parse import parse_note
from generator.sitebuild import SiteBuilder, added_stylesheets, compile_templates, copy_warnings
from generator.workers import LazyPool

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildStats:
    notes: int = 0
    published: int = 0
    pages: int = 0
    attachments: int = 0
    written: int = 0
    deleted: int = 0
    rendered: int = 0  # note pages rendered in this build (the rest were unchanged)
    cells_ran: int = 0
    cells_cached: int = 0
    cells_failed: int = 0  # expected errors (`error: true`) included
    cells_expected: int = 0
    rerun_reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildState:
    """What a later build reuses: parsed notes by content digest, and what rendering depended on.

    ``serve`` keeps it in memory between rebuilds; ``vaultsite build`` saves it in the cache folder
    beside the output (``incremental.save_memo``) and loads it on the next run.
    """

    parsed: dict[str, tuple[str, Note]] = field(default_factory=dict)  # rel -> (digest, note)
    memo: RenderMemo | None = None
    index: VaultIndex | None = None  # the last index, in memory only
    data: dict[str, Any] = field(default_factory=dict)  # what data files were made from, in memory
    sources: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # see ``read_sources``


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    stats: BuildStats
    state: BuildState
    written: set[str] = field(default_factory=set)
    index: VaultIndex | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def default_cache_dir(out: Path) -> Path:
    return out.parent / f"{out.name}.vaultsite-cache"


def cache_dir_of(cfg: SiteConfig, out: Path) -> Path:
    """The build's cache folder: ``[execute] cache_dir`` (from the vault when relative), else
    beside the output folder."""
    cache_dir = Path(cfg.execute.cache_dir) if cfg.execute.cache_dir else default_cache_dir(out)
    return cache_dir if cache_dir.is_absolute() else cfg.vault / cache_dir


# -- stages ------------------------------------------------------------------------------------------
RACY_NS = 2_000_000_000  # file-system timestamps are at worst this coarse (FAT: 2 s)


def read_sources(vault: Vault, known: dict[str, tuple[str, str, int]] | None = None
                 ) -> dict[str, tuple[bytes | None, str]]:
    """Every note's bytes and content digest, read once per build; unreadable notes are reported.

    With ``known`` (``serve`` keeps it: vault path -> (size:mtime, content digest, when it was
    read)), a note whose size and modification time are as they were is not read again, unless its
    modification time was within ``RACY_NS`` of that read: an edit in the same timestamp tick would
    not show in the modification time (the "racy clean" rule of git).  Its bytes are then ``None``.
    """
    from generator.parse import content_digest

    out: dict[str, tuple[bytes | None, str]] = {}
    fresh: dict[str, tuple[str, str, int]] = {}
    for src in vault.notes:
        hit = known.get(src.rel) if known is not None else None
        if hit is not None and hit[0] == src.digest and \
                int(src.digest.rsplit(":", 1)[1]) < hit[2] - RACY_NS:
            out[src.rel] = (None, hit[1])
            fresh[src.rel] = hit
            continue
        when = time.time_ns()
        data = _read_note(src, vault)
        if data is None:
            continue
        out[src.rel] = (data, content_digest(data))
        fresh[src.rel] = (src.digest, out[src.rel][1], when)
    if known is not None:
        known.clear()
        known.update(fresh)
    return out



def unreadable_notes(vault: Vault, notes: list[Note]) -> list[str]:
    """The notes found in the vault that could not be read (their warning is already given)."""
    read = {n.rel for n in notes}
    return [src.rel for src in vault.notes if src.rel not in read]


def _read_note(src: SourceFile, vault: Vault) -> bytes | None:
    try:
        return src.abs.read_bytes()
    except OSError as exc:
        vault.diagnostics.append(warning("unreadable", f"cannot read note: {exc.strerror}",
                                         src.rel, hint=UNREADABLE_HINT))
        return None


def read_notes(vault: Vault, cfg: SiteConfig, state: BuildState | None,
               sources: dict[str, tuple[bytes | None, str]], progress: Progress | None = None,
               pool: LazyPool | None = None) -> list[Note]:
    """Parse every note (in ``pool``'s workers when given); reuse the previous parse of a note whose
    bytes did not change.  Of notes whose paths differ only in case, one is kept (``settle_twins``)."""
    parsed = state.parsed if state is not None else {}
    slots: list[tuple[SourceFile, str, Note | None]] = []
    todo: list[tuple[SourceFile, bytes]] = []
    config = parse_signature(cfg)
    for src in vault.notes:
        if src.rel not in sources:
            continue
        data, digest = sources[src.rel]
        digest = f"{digest}:{config}"
        prev = parsed.get(src.rel)
        if prev is not None and prev[0] == digest:
            slots.append((src, digest, prev[1]))
        else:
            if data is None:  # known unchanged, but its parse is not at hand
                data = _read_note(src, vault)
                if data is None:
                    continue
            slots.append((src, digest, None))
            todo.append((src, data))
    if progress:
        progress("parse", 0, len(todo))

    workers = pool.get(len(todo)) if pool is not None else None
    if workers is not None:  # the pool reports progress as its workers go
        fresh_notes = workers.parse(cfg, todo)
    else:
        fresh_notes = []
        step = max(1, len(todo) // 100)
        for src, data in todo:
            fresh_notes.append(parse_safely(src, cfg, data))
            if progress and len(fresh_notes) % step == 0:
                progress("parse", len(fresh_notes), len(todo))
    done = {n.rel: n for n in fresh_notes}
    notes: list[Note] = []
    fresh: dict[str, tuple[str, Note]] = {}
    for src, digest, note in slots:
        note = note if note is not None else done[src.rel]
        fresh[src.rel] = (digest, note)
        notes.append(note)
    if progress:
        progress("parse", len(todo), len(todo))
    if state is not None:
        state.parsed = fresh
    return settle_twins(vault, notes)


def parse_signature(cfg: SiteConfig) -> str:
    """The configuration a parse was made with.  A note's parse is not its bytes alone: its code
    cells carry their options made effective by ``[execute]`` (``timeout``, ``defaults``,
    ``run_plain_python``) and its dates are read with ``header_date_formats``.  A parse kept from
    an earlier build is reused only under the same configuration: otherwise a cell kept the
    ``timeout = 1`` it was parsed with after the limit was raised, and the execution cache, keyed
    on the cell's options, answered with the old timeout failure."""
    import hashlib

    return hashlib.blake2b(repr(cfg).encode("utf-8", "surrogatepass"),
                           digest_size=8).hexdigest()


def parse_safely(src: SourceFile, cfg: SiteConfig, data: bytes) -> Note:
    try:
        return parse_note(src, cfg, data)
    except Exception as exc:  # pragma: no cover - parse_note reports its own problems
        from generator.model import NoteId

        note_id = NoteId(src.rel[:-3])
        return Note(source=src, id=note_id, title=note_id.rsplit("/", 1)[-1],
                    text=data.decode("utf-8", "replace"),
                    diagnostics=(warning("parse-failed", f"could not read the note: {exc}",
                                         src.rel, 1, 1, hint="please report this note to "
                                         "vaultsite"),))


def _reading_diagnostics(vault: Vault, notes: list[Note], index: VaultIndex) -> list[Diagnostic]:
    """What discovering, parsing and resolving found: in published notes, and the front-matter
    problems of notes left out (a draft whose YAML is broken is left out, and says so)."""
    diags = vault.diagnostics + index.diagnostics
    if not vault.notes:  # most likely the wrong folder: say so rather than build an empty site
        diags.append(warning(
            "no-notes", "the vault has no notes (*.md files); the site has only its home page",
            hint=f"check the vault path: {index.cfg.vault} was read; notes are the .md files in "
                 "it and its folders, hidden folders and ignored paths left out"))
    for note in notes:
        if note.publish:
            diags.extend(index.logseq_block_hints(note, note.diagnostics))
        else:
            diags.extend(d for d in note.diagnostics if d.code == "frontmatter-yaml")
    return diags


def check(cfg: SiteConfig, out: Path | None = None, workers: int = 0) -> BuildResult:
    """Read and resolve everything, write nothing.  Notes are parsed and their bodies rendered in
    worker processes, as in a build (each worker renders the notes whose tokens it holds)."""
    t0 = time.perf_counter()
    out = Path(out).absolute() if out else None
    exclude = [out, default_cache_dir(out)] if out else []
    if cfg.execute.cache_dir:  # a cache folder in the vault, named in vaultsite.toml, as a build
        exclude.append(cache_dir_of(cfg, Path("site")))
    vault = discover_vault(cfg, exclude=tuple(exclude))
    pool = LazyPool(workers or cpu_count())
    try:
        with build_heap():
            notes = read_notes(vault, cfg, None, read_sources(vault), pool=pool)
            index = build_index(notes, vault.attachments, cfg,
                                unreadable=unreadable_notes(vault, notes), left_out=vault.left_out(),
                                split_links=pool.workers > 1)
        diags = _reading_diagnostics(vault, notes, index)
        from generator.templating import template_syntax_warnings

        diags.extend(template_syntax_warnings(cfg))
        diags.extend(_stylesheet_warnings(index))
        for note in notes:  # a build reports these with the execution results
            if note.publish:
                diags.extend(d for cell in note.cells for d in cell.diagnostics)
        with build_heap():
            diags.extend(_render_diagnostics(index, pool))
    finally:
        pool.close()
    stats = BuildStats(notes=len(notes), published=len(index.published),
                       attachments=len(vault.attachments))
    stats.seconds = time.perf_counter() - t0
    return BuildResult(sort_diagnostics(fold_infos(diags)), stats, BuildState(), index=index)


def _stylesheet_warnings(index: VaultIndex) -> list[Diagnostic]:
    """What a build says of the vault's ``publish.css`` and the files it names (for ``check``);
    nothing when a ``publish.css`` of the templates' ``static/`` replaces it."""
    from generator.site.stylesheet import PUBLISH_CSS_URL, vault_stylesheet

    cfg = index.cfg
    if PUBLISH_CSS_URL in added_stylesheets(cfg, cfg.vault / cfg.templates_dir / "static"):
        return []
    found = vault_stylesheet(index)
    if found is None:
        return []
    _data, copies, diags = found
    return diags + copy_warnings(copies, cfg.vault)


class BodyChecker:
    """What only rendering finds (embed loops and depth, math and diagram errors, in the notes
    and in what they embed): a note's body rendered as a build renders it, without code outputs,
    templates or writing.  Embeds are rendered once and shared, as in a build.  It stands in for a
    ``SiteBuilder`` in the pool's workers (``render_note``)."""

    def __init__(self, index: VaultIndex) -> None:
        self.index = index
        self.embeds: dict = {}

    def render_note(self, note: Note) -> list[Diagnostic]:
        from generator.render import render_body

        index = self.index
        _body, deps, diags, _preview = render_body(note, index, index.urls[note.id], None, 0,
                                                   self.embeds)
        copies = {index.attachment_url(index.attachments[rel]): index.attachments[rel].abs
                  for rel in deps.attachments}
        return diags + copy_warnings(copies, index.cfg.vault)


def _render_diagnostics(index: VaultIndex, pool: LazyPool | None = None) -> list[Diagnostic]:
    """What rendering the pages finds.  With templates of the user's own, every page is rendered
    through them as a build renders it (kept in memory): a template can fail on some pages only,
    with a message of their own (an empty listing, a missing attribute).  Without, only the note
    bodies are rendered: the theme's templates are not the user's to fix."""
    from generator.templating import user_templates

    notes = sorted(index.published.values(), key=lambda n: n.rel)
    cfg = index.cfg
    pages = PageChecker(cfg, index, {}) if user_templates(cfg.vault / cfg.templates_dir) else None
    checker = pages if pages is not None else BodyChecker(index)
    workers = pool.get(len(notes)) if pool is not None else None
    if workers is not None:
        workers.render_start(checker, notes)
        results = workers.render_finish()
    else:
        results = [checker.render_note(note) for note in notes]
    found = [d for diags in results for d in diags]
    if pages is not None:
        return found + pages.other_pages()
    from generator.canvas import canvas_pages

    for page in canvas_pages(index, notes):
        found += page.diagnostics
        shown = [index.attachments[rel] for rel in page.attachments]
        found += copy_warnings({index.attachment_url(att): att.abs for att in shown}, cfg.vault)
    return found


class PageChecker(SiteBuilder):
    """``check`` in a vault with templates of its own: every page rendered as ``SiteBuilder.build``
    renders it, through the user's templates, and only the diagnostics kept (no data files, no
    signatures, nothing written)."""

    site_sig = ""  # no page is compared with an earlier build's

    def render_note(self, note: Note) -> list[Diagnostic]:  # type: ignore[override]
        _files, copies, diags, *_rest = super().render_note(note)
        return diags + copy_warnings(copies, self.cfg.vault)

    def _signatures(self, note: Note, deps: Any) -> tuple[str, str]:
        return "", ""

    def _page_html(self, ctx: Any, diags: list[Diagnostic]) -> str:
        """The page's template problem, worded as a build words it; no page is made again by the
        default theme, as a build does, since no page is kept."""
        try:
            self.tpl.render_page(self.env, ctx, self.site, self.nav)
        except Exception as exc:  # noqa: BLE001 - any error raised by a template
            diags.append(self.tpl.template_warning(exc, self.cfg.vault, self.cfg.templates_dir))
        return ""

    def other_pages(self) -> list[Diagnostic]:
        """The diagnostics of the pages that are no note's: listings, canvases, a home page that
        lists the notes."""
        self._listing_pages()
        self._canvas_pages()
        if self.index.home is None:
            self._home_page(None)
        self._drop_unreadable_copies()  # the canvases' pages' (the notes' are told above)
        return self.diagnostics


def build(cfg: SiteConfig, out: Path, *, state: BuildState | None = None, exec_mode: str = "auto",
          progress: Progress | None = None, workers: int = 0) -> BuildResult:
    """Build the site into ``out``.  Raises ``OutputError`` when ``out`` cannot be used.

    ``workers`` processes parse and render notes (0 = one per core; 1 = all in this process).
    """
    with build_heap():
        # absolute first: the cache folder beside a relative ``out`` would otherwise be taken
        # from the vault (``site/`` put ``notes/site.vaultsite-cache/`` into the vault)
        return _build_or_reuse(cfg, Path(out).absolute(), state, exec_mode, progress, workers)


def _build_or_reuse(cfg: SiteConfig, out: Path, state: BuildState | None, exec_mode: str,
                    progress: Progress | None, workers: int) -> BuildResult:
    from generator.emit import MARKER, check_output, remove_stale_staging

    remove_stale_staging(out)  # what a build killed midway left (before: it is inside an empty out)
    cache_dir = cache_dir_of(cfg, out)
    check_output(out, cfg.vault, cache_dir)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    vault = discover_vault(cfg, exclude=(out, cache_dir))
    timings["discover"] = time.perf_counter() - t0
    persist = state is None
    # The notes are read once: the fingerprint and the parse see the same bytes, so an edit made
    # during the build is never mistaken for built.
    t = time.perf_counter()
    sources = read_sources(vault, state.sources if state is not None else None)
    fingerprint = vault_fingerprint(cfg, vault, exec_mode, {k: d for k, (_, d) in sources.items()})
    timings["read"] = time.perf_counter() - t
    if (out / MARKER).is_file():
        unchanged = load_unchanged(cache_dir, fingerprint, out, exec_mode)
        if unchanged is not None:  # same inputs as the build that wrote this site: nothing to do
            diags, stats = unchanged
            stats.seconds = time.perf_counter() - t0
            stats.timings = {"discover": timings["discover"], "unchanged": stats.seconds}
            return BuildResult(diags, stats, state if state is not None else BuildState())
    if state is None:
        state = BuildState()
        if (out / MARKER).is_file():
            loaded = load_memo(cache_dir, cfg)
            if loaded is not None:
                state.parsed, state.memo = loaded
    pool = LazyPool(workers or cpu_count(), progress, keep_parsed=persist)
    aside: list[ParsedAside] = []  # the parsed notes, saved by a forked process (ParsedAside)
    try:
        # a caller's state (``serve``) keeps the search index to update it next time
        result = _build(cfg, out, vault, sources, state, pool, exec_mode, progress, cache_dir,
                        t0, timings, keep_data=not persist, aside=aside if persist else None)
    except BaseException:
        for writer in aside:
            writer.discard()
        raise
    finally:
        pool.close()
    t = time.perf_counter()
    try:
        if persist:
            save_memo(cache_dir, cfg, state.parsed, state.memo or RenderMemo(),
                      aside[0] if aside else None)
        save_unchanged(cache_dir, fingerprint, out, result,
                       any(note.cells for _, note in state.parsed.values()))
    except OSError as exc:  # the site is written; only the next build's head start is lost
        result.diagnostics = sort_diagnostics([*result.diagnostics, _state_unsaved(cache_dir, exc)])
    timings["save-state"] = time.perf_counter() - t
    result.stats.seconds = time.perf_counter() - t0  # the whole build, saving its state included
    return result


def _build(cfg: SiteConfig, out: Path, vault: Vault, sources: dict[str, tuple[bytes, str]],
           state: BuildState, pool: LazyPool,
           exec_mode: str, progress: Progress | None, cache_dir: Path, t0: float,
           timings: dict[str, float], keep_data: bool = True,
           aside: list | None = None) -> BuildResult:
    from generator.emit import emit_site, staging_for

    t = time.perf_counter()
    if pool.workers > 1 and can_fork():  # compiled once, here, rather than in every worker
        compile_templates(cfg)
    notes = read_notes(vault, cfg, state, sources, progress, pool)
    if aside is not None and len(notes) >= LazyPool.MIN_NOTES:  # written while the index is built
        aside.append(ParsedAside(cache_dir, state.parsed, pool.take_parsed_blobs()))
    timings["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    if progress:
        progress("index", 0, len(notes))
    index = build_index(notes, vault.attachments, cfg,
                        state.memo.suggestions if state.memo is not None else None, state.index,
                        unreadable_notes(vault, notes), vault.left_out(), split_links=pool.workers > 1)
    state.index = index
    if progress:
        progress("index", len(notes), len(notes))
    timings["index"] = time.perf_counter() - t
    diags = _reading_diagnostics(vault, notes, index)
    stats = BuildStats(notes=len(notes), published=len(index.published),
                       attachments=len(vault.attachments))
    t = time.perf_counter()
    cells, exec_files = _execute(notes, index, cfg, cache_dir, exec_mode, stats, diags, progress)
    timings["execute"] = time.perf_counter() - t
    t = time.perf_counter()
    digests = {rel: digest for rel, (digest, _) in state.parsed.items()}
    existing = intact_files(cache_dir, out)  # pages a build may keep as they are
    builder = SiteBuilder(cfg, index, cells, state.memo, digests, existing, state.data,
                          facts_aside=not keep_data)
    # A new site is written aside and swapped in; its pages can go there straight from the workers.
    staging = staging_for(out)
    try:
        files, copies, render_diags = builder.build(progress, pool, staging)
        pool.stop()  # their work is done: they end while the site is written (``NotePool.stop``)
        state.memo = builder.memo
        files.update(_safe_exec_files(exec_files))
        diags.extend(render_diags)
        # a user template no page uses yet is still reported, as ``check`` reports it
        diags.extend(builder.tpl.template_syntax_warnings(cfg))
        timings["render"] = time.perf_counter() - t
        timings.update({f"render:{k}": v for k, v in builder.timings.items()})
        t = time.perf_counter()
        # The saved state describes the output as the last persisting build left it; from here on
        # that is no longer true (a build in serve keeps its state in memory), so it goes until
        # saved again.
        discard_memo(cache_dir)
        if progress:
            progress("write", 0, len(files) + len(copies))
        emitted = emit_site(out, files, copies, builder.keep, staging, existing)
        diags.extend(_write_failures(emitted.failed, index, copies, cfg, emitted.kept))
        try:
            save_stamps(cache_dir, out)
        except OSError as exc:
            diags.append(_state_unsaved(cache_dir, exc))
        if progress:
            progress("write", len(files) + len(copies), len(files) + len(copies))
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    timings["write"] = time.perf_counter() - t
    stats.pages = builder.page_count
    stats.rendered = builder.rendered
    stats.written = len(emitted.written)
    stats.deleted = len(emitted.deleted)
    stats.seconds = time.perf_counter() - t0
    stats.timings = timings
    return BuildResult(sort_diagnostics(fold_infos(diags)), stats, state, set(emitted.written), index)


def _safe_exec_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """Code outputs' files, an SVG a cell returned (``_repr_svg_``) without what could run when a
    reader opens it by its link, as cells' HTML output is sanitised (``safefiles``)."""
    from generator.safefiles import clean_file, needs_cleaning

    out = {}
    for url, data in files.items():
        if needs_cleaning(url):
            cleaned = clean_file(url, data)
            if not cleaned.keep:
                continue
            data = cleaned.data if cleaned.data is not None else data
        out[url] = data
    return out


def _state_unsaved(cache_dir: Path, exc: OSError) -> Diagnostic:
    """The build's state could not be saved (a full disk): what is left of it goes, so that the
    next build starts afresh rather than from half a state."""
    with contextlib.suppress(OSError):
        discard_memo(cache_dir)
    return warning("state-unsaved", f"could not save the build's state in {cache_dir.name}/ "
                   f"({exc.strerror or exc}); the site is complete, the next build does all its work "
                   "again", hint="free some space on the disk of the cache folder")


def _write_failures(failed: list[tuple[str, str]], index: VaultIndex, copies: dict[str, Path],
                    cfg: SiteConfig, kept: Collection[str] = ()) -> list[Diagnostic]:
    """A warning for each site file that could not be written, at the vault file it comes from
    (the note of a page, the attachment of a copy) when there is one.  ``kept``: those whose
    previous version stays in the site."""
    if not failed:
        return []
    pages = {url: index.notes[note_id].rel for note_id, url in index.urls.items()
             if note_id in index.notes}
    out = []
    for rel, why in failed:
        source = pages.get(rel)
        if source is None and rel in copies:
            try:
                source = copies[rel].relative_to(cfg.vault).as_posix()
            except ValueError:
                source = None
        left = ("its previous version is left in the site" if rel in kept
                else "the page is left out of the site")
        out.append(warning(
            "write-failed", f"could not write {rel} ({why}); {left}",
            source, 1 if source else 0, 1 if source else 0,
            hint="shorten the file, folder or tag name, or check the output folder's file system"))
    return out


def _execute(notes: list[Note], index: VaultIndex, cfg: SiteConfig, cache_dir: Path,
             exec_mode: str, stats: BuildStats, diags: list[Diagnostic],
             progress: Progress | None) -> tuple[dict[str, dict[int, Any]], dict[str, bytes]]:
    """Run the notes' code cells (in worker processes); returns views by note and by fence line."""
    runnable = [n for n in notes if n.publish and n.cells]
    if not runnable:
        return {}, {}
    from generator.execute_bridge import run_cells

    views, files, counts, reasons, exec_diags = run_cells(runnable, cfg, cache_dir, exec_mode,
                                                          progress)
    stats.cells_ran, stats.cells_cached, stats.cells_failed, stats.cells_expected = counts
    stats.rerun_reasons = reasons
    diags.extend(exec_diags)
    return views, files
