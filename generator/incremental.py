"""Incremental builds: decide which note pages must be rendered again.

A note page is re-rendered when anything its HTML was made from changed, and only then.  Its inputs:

* the site as a whole (``site_signature``): generator version, configuration, templates and theme
  files, and the explorer tree shown on every page;
* the note itself: its bytes, its URL, its code-cell outputs, its backlinks (title, URL, folder, date
  and summary of each) and its tags with their counts (``own_signature``);
* what rendering looked up (``PageDeps``, recorded by ``RenderContext`` so nothing can be forgotten):
  the resolution of every link target from the note that wrote it, the URL/title/headings/blocks of
  every note linked, and the bytes of every note embedded, transitively (``DepsHasher``).

The previous build's signatures are kept in ``BuildState``; a page whose three signatures are equal is
not rendered, its file is kept as it is, and its diagnostics, attachment copies and preview are reused.
This makes an incremental build produce exactly the bytes of a full build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import generator
from generator.canvas import STAND_IN, canvas_digest, stand_in
from generator.config import SiteConfig
from generator.diagnostics import Diagnostic
from generator.excalidraw import is_drawing_note
from generator.imagesize import image_size
from generator.index import VaultIndex
from generator.markdown.wikilinks import is_image
from generator.model import LinkRef, Note, NoteId
from generator.parallel import forked
from generator.render import PageDeps, svg_uses_current_color
from generator.slugs import tag_key

STATE_FILE = "build-state.pickle"  # the render memo, and the token of the parsed notes it goes with
PARSED_FILE = "parsed-notes.pickle"  # the parsed notes (without tokens), written aside
STATE_VERSION = 9


def signature_of(*parts: Any) -> str:
    """A short hash of the ``repr`` of ``parts`` (deterministic across processes)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass
class PageRecord:
    site_sig: str
    own_sig: str
    deps_sig: str
    deps: PageDeps
    url: str
    copies: dict[str, Path]
    diagnostics: list[Diagnostic]
    preview: str  # the hover preview as JSON text (previews.preview_entry)


@dataclass
class RenderMemo:
    """What a later build may reuse of this one's rendering."""

    pages: dict[NoteId, PageRecord] = field(default_factory=dict)
    listings: dict[str, str] = field(default_factory=dict)  # tag/folder/other page URL -> signature
    # the warnings rendering a listing page gave (a user template failing), told again when kept
    listing_diagnostics: dict[str, list] = field(default_factory=dict)
    data: dict[str, tuple] = field(default_factory=dict)  # kind -> (signature, paths, manifest)
    suggestions: tuple[str, dict[str, str | None]] | None = None  # the index's did-you-mean memo
    digests: dict[str, str] = field(default_factory=dict)  # content digest of each note, by path
    urls: dict[NoteId, str] = field(default_factory=dict)  # the page URL of each note
    tag_counts: dict[str, tuple[int, str]] = field(default_factory=dict)  # notes per tag, its spelling
    # the notes each canvas's file cards show (their backlinks list the canvas)
    canvas_links: dict[str, tuple[NoteId, ...]] = field(default_factory=dict)
    listing_facts: str = ""  # signature of everything listing pages show (``SiteBuilder``)
    images: dict[str, str] = field(default_factory=dict)  # image attachment path -> its file's digest


def template_signature(dirs: list[Path]) -> str:
    from generator.templating import files_below

    h = hashlib.blake2b(digest_size=16)
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in files_below(folder):
            h.update(path.relative_to(folder).as_posix().encode())
            try:
                h.update(path.read_bytes())
            except OSError as exc:  # gone meanwhile, or unreadable: the build says so where it reads it
                h.update(f"!{exc.errno}".encode())
    return h.hexdigest()


#: The libraries whose output is part of a page, by distribution name: installing mmdr (diagrams
#: drawn instead of shown as source) or upgrading one of them changes pages whose notes did not.
RENDERERS = ("markdown-it-py", "mdit-py-plugins", "mmdr", "latex2mathml", "Pygments", "nh3",
             "Jinja2")


def renderer_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in RENDERERS:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


@lru_cache(maxsize=1)
def code_version() -> str:
    """vaultsite's version, a digest of its own code and the versions of the libraries that render
    pages, so that pages and state written by other code (an upgrade, a renderer installed, or a
    local edit of vaultsite itself) are never taken as up to date."""
    root = Path(generator.__file__).parent
    h = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    h.update(renderer_versions().encode())
    return f"{generator.__version__}+{h.hexdigest()}"


def site_signature(cfg: SiteConfig, template_sig: str, nav: Any) -> str:
    return signature_of(code_version(), repr(cfg), template_sig, repr(nav))


def own_signature(note: Note, digest: str, index: VaultIndex, cells: dict[int, Any] | None,
                  hasher: DepsHasher | None = None) -> str:
    """The signature of the note's own inputs.  With ``hasher``, what a page shows of each note
    linking here is hashed once per build (``DepsHasher.backlink``), not once per page it links."""
    back = hasher if hasher is not None else DepsHasher(index, {})
    backs = sorted(back.backlink(src) for src in index.backlinks.get(note.id, []))
    infos = [index.tags.get(tag_key(t)) for t in note.tags]
    tags = [(t, len(info.notes), info.name) if info else (t, 0, t)
            for t, info in zip(note.tags, infos, strict=True)]
    cell_sig = cells_signature(cells)
    home = index.home.id if index.home is not None else None
    canvases = [(rel, index.canvas_pages().get(rel)) for rel in index.canvas_backlinks(note.id)]
    return signature_of(digest, index.urls.get(note.id), backs, tags, cell_sig, home == note.id,
                        canvases)


def cells_signature(cells: dict[int, Any] | None) -> list:
    """What a page shows of a note's code cells (its own, or those of a note it embeds)."""
    return sorted((k, v.html, v.show_code, getattr(v, "code", ""), getattr(v, "fold", ""),
                   getattr(v, "summary", "")) for k, v in (cells or {}).items())


def _link_facts(note: Note | None, index: VaultIndex) -> tuple:
    """What a page that links a note shows of it.  Whether it is an Excalidraw drawing too:
    ``![[Draw]]`` shows its exported picture (and records no embed of its bytes) until the note
    drops ``excalidraw-plugin:``, when the note itself is embedded."""
    if note is None:
        return ("gone",)
    # a link to a block on a heading's line (``## H ^id``) leads to the heading's anchor
    on_heading = {h.line: h.anchor for h in note.headings}
    return (index.urls.get(note.id), note.title, note.publish,
            tuple((h.level, h.text, h.anchor, h.source) for h in note.headings),
            tuple((b.id, on_heading.get(b.start_line)) for b in note.blocks), is_drawing_note(note))


class DepsHasher:
    """Signatures of recorded dependencies against one index, with each fact hashed once."""

    def __init__(self, index: VaultIndex, digests: dict[str, str],
                 cells: dict[NoteId, dict[int, Any]] | None = None):
        self.index = index
        self.digests = digests
        self.cells = cells or {}  # every note's code cells: an embed shows their output
        self._cells: dict[NoteId, str] = {}
        self._facts: dict[NoteId, str] = {}
        self._names: dict[tuple[str, NoteId], str] = {}
        self._found: dict[str, str] = {}  # a name found alike from every note (``_resolution``)
        self._candidates: dict[int, tuple[tuple[str, ...], str]] = {}
        self._backlinks: dict[NoteId, str] = {}
        self._bases: str | None = None

    def backlink(self, note_id: NoteId) -> str:
        """A digest of what a backlink to ``note_id`` shows (title, URL, folder, date, summary)."""
        hit = self._backlinks.get(note_id)
        if hit is None:
            n = self.index.notes[note_id]
            hit = self._backlinks[note_id] = signature_of(
                n.title, self.index.urls.get(n.id), n.folder, str(n.date), n.summary,
                n.listing_summary)
        return hit

    def _note(self, note_id: NoteId) -> str:
        hit = self._facts.get(note_id)
        if hit is None:
            hit = self._facts[note_id] = signature_of(_link_facts(self.index.notes.get(note_id), self.index))
        return hit

    def _name(self, target: str, from_id: NoteId) -> str:
        key = (target, from_id)
        hit = self._names.get(key)
        if hit is None:
            origin = self.index.notes.get(from_id)
            if origin is None and from_id.startswith(STAND_IN):  # a name in a canvas's text card
                att = self.index.attachments.get(from_id[len(STAND_IN):])
                origin = stand_in(att) if att is not None else None
            if origin is None:
                hit = "gone"
            else:
                hit = self._found.get(target) or self._resolution(target, origin)
            self._names[key] = hit
        return hit

    def _resolution(self, target: str, origin: Note) -> str:
        """What ``target`` finds from ``origin``; kept in ``_found`` when any note would find the
        same.  Every page links notes that thousands of other pages link (on 10,000 notes, half of
        a second of each build went to resolving the same names again for every page)."""
        res = self.index.resolve(target, origin)
        found = (res.note.id if res.note is not None
                 else res.attachment.rel if res.attachment is not None else None)
        hit = f"{res.kind}:{found}:{self._candidates_sig(res.candidates)}"
        if res.kind == "missing":  # a warning written while rendering (a canvas card's, a
            # mermaid node's) says why: the closest name, a file in the trash, the note whose
            # title it is (read for a link, ``ref``), ...
            hit += ":" + str(self.index.missing_target(
                target, origin, "link", res.candidates, LinkRef(target), written=""))
        elif self.index.found_alike(target):
            self._found[target] = hit
        return hit

    def _cells_sig(self, note_id: NoteId) -> str:
        hit = self._cells.get(note_id)
        if hit is None:
            hit = self._cells[note_id] = signature_of(cells_signature(self.cells.get(note_id)))
        return hit

    def _candidates_sig(self, candidates: tuple[str, ...]) -> str:
        """A digest of an ambiguous name's candidates, made once per name: the index gives every
        resolution of a name the same tuple, which thousands of pages may look up."""
        if not candidates:
            return ""
        hit = self._candidates.get(id(candidates))
        if hit is None or hit[0] is not candidates:
            hit = self._candidates[id(candidates)] = (candidates, signature_of(candidates))
        return hit[1]

    def signature(self, deps: PageDeps) -> str:
        # the names and notes looked up, most already hashed by an earlier page: taken from their
        # tables without a call, and hashed in one piece (the same bytes as one update each)
        names, facts = self._names, self._facts
        parts = [names.get(key) or self._name(*key) for key in sorted(deps.names)]
        parts.append("|")
        parts += [facts.get(note_id) or self._note(note_id) for note_id in sorted(deps.notes)]
        parts.append("|")
        h = hashlib.blake2b("".join(parts).encode("utf-8", "surrogatepass"), digest_size=16)
        for note_id in sorted(deps.embeds):
            note = self.index.notes.get(note_id)
            h.update(str(self.digests.get(note.rel) if note is not None else None).encode())
            if deps.cells and self.cells.get(note_id):  # the output of its cells, shown there
                h.update(self._cells_sig(note_id).encode())
        h.update(b"|")
        for rel in sorted(deps.attachments):
            att = self.index.attachments.get(rel)
            if att is not None and is_image(rel):  # <img> has its size
                h.update(f"{rel}:{image_size(att.abs)}".encode("utf-8", "surrogatepass"))
            if att is not None and rel.lower().endswith(".svg"):  # currentColor gives it a class
                h.update(f"{rel}:{svg_uses_current_color(att)}".encode("utf-8", "surrogatepass"))
            elif att is not None and rel.lower().endswith(".canvas"):  # drawn into the page
                h.update(f"{rel}:{canvas_digest(att)}".encode("utf-8", "surrogatepass"))
        h.update(b"|")
        for key in sorted(deps.tags):  # a canvas card's tag: a link while some note has the tag
            h.update(f"{key}:{self.index.tag_urls.get(key)}".encode("utf-8", "surrogatepass"))
        if deps.bases:  # a base's view: every note's facts, and the .base files shown
            h.update(b"|" + self._bases_facts().encode())
            for rel in sorted(r for r in deps.attachments if r.lower().endswith(".base")):
                att = self.index.attachments.get(rel)
                h.update(f"{rel}:{att.digest if att else None}".encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _bases_facts(self) -> str:
        """What a base can show or filter on, of every note: path, publish state, URL, title,
        front-matter, tags, links and size (``generator.baseseval``), and Dataview inline fields
        and the names written before a ``::`` (``generator.dataview``).  And what the links find
        (the names' signature): a file added under a note's name (``Node.js`` beside
        ``Node.js.md``) takes ``[[Node.js]]`` from the note, which no note's facts tell, and
        ``FROM [[Node.js.md]]`` or ``file.backlinks`` list who links what."""
        if self._bases is None:
            from generator.dataview import written_keys

            self._bases = signature_of(self.index.names_sig, sorted(
                (n.rel, n.publish, self.index.urls.get(n.id), n.title, repr(n.meta), n.tags,
                 tuple((ref.target, ref.embed) for ref in n.links), n.source.size, n.fields,
                 tuple(sorted(written_keys(n).items())))
                for n in self.index.notes.values()))
        return self._bases


def load_memo(cache_dir: Path, cfg: SiteConfig) -> tuple[dict, RenderMemo] | None:
    """The state a previous ``vaultsite build`` left in ``cache_dir``, if it is for this vault."""
    data, parsed = _load(cache_dir / STATE_FILE), _load_parsed(cache_dir / PARSED_FILE)
    if not isinstance(data, dict) or data.get("version") != (STATE_VERSION, code_version()) \
            or data.get("vault") != str(cfg.vault) or not isinstance(parsed, dict) \
            or parsed.get("token") != data.get("token"):
        return None
    return parsed["parsed"], data["memo"]


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def _load_parsed(path: Path) -> Any:
    """The parsed notes ``save_memo`` or ``ParsedAside`` wrote: a mapping, then (``"parts"``: the
    vault paths of the notes in each) the workers' answers as they pickled them, each a pickle of
    its own, whose notes take their places in ``"parsed"``."""
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
            if isinstance(data, dict) and isinstance(data.get("parsed"), dict):
                parsed = data["parsed"]
                for rels in data.get("parts", ()):
                    _status, notes = pickle.load(fh)
                    for rel, note in zip(rels, notes, strict=True):
                        parsed[rel] = (parsed[rel][0], note)
            return data
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
            KeyError, TypeError):
        return None


def _dump(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except BaseException:  # a full disk: no half-written file is left behind
        tmp.unlink(missing_ok=True)
        raise


class ParsedAside:
    """The parsed notes written into the state folder by a forked process as soon as parsing is
    done: the build process then builds the index alone, and the core it leaves free writes
    100 MB of notes (10,000 notes) that the end of the build used to.  The notes the workers parsed
    are written as the workers pickled them to send them here, not pickled again.  They wait beside the saved
    state (``.new``) until ``save_memo`` puts them in its place; a build that fails ``discard``s
    them, leaving the last build's state as it was."""

    def __init__(self, cache_dir: Path, parsed: dict,
                 blobs: Sequence[tuple[list[str], bytes]] = ()):
        """``blobs``: the workers' answers with the notes they parsed, as they pickled them
        (``workers.NotePool.parsed_blobs``); written as they are rather than pickled again."""
        self.path = cache_dir / (PARSED_FILE + ".new")
        self.made_dir = not cache_dir.is_dir()
        self.token = os.urandom(8).hex()
        self.proc = forked(_write_parsed, self.path, parsed, self.token, blobs)

    def join(self) -> bool:
        if self.proc is None:  # no fork here: ``save_memo`` writes the notes itself
            return False
        self.proc.join()
        return self.proc.exitcode == 0 and self.path.is_file()

    def discard(self) -> None:
        self.join()
        self.path.unlink(missing_ok=True)
        if self.made_dir:
            try:
                self.path.parent.rmdir()
            except OSError:  # not empty: something else lives there now
                pass


def _write_parsed(path: Path, parsed: dict, token: str,
                  blobs: Sequence[tuple[list[str], bytes]] = ()) -> None:  # in the forked process
    from generator.parse import without_tokens

    code = 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # the notes of the workers' answers are read back from them (``_load_parsed``): here
        # they hold a place, and the answers follow the mapping in the file
        parts = [(rels, blob) for rels, blob in blobs if all(rel in parsed for rel in rels)]
        inside = {rel for rels, _blob in parts for rel in rels}
        notes = {rel: (digest, None if rel in inside else without_tokens(note))
                 for rel, (digest, note) in parsed.items()}
        tmp = path.with_name(path.name + ".tmp")
        try:
            with tmp.open("wb") as fh:
                pickle.dump({"token": token, "parsed": notes, "parts": [rels for rels, _ in parts]},
                            fh, protocol=pickle.HIGHEST_PROTOCOL)
                for _rels, blob in parts:
                    fh.write(blob)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        code = 0
    finally:
        os._exit(code)  # the parent owns the build: nothing here to free or flush


def _without_tokens(parsed: dict) -> dict:
    from generator.parse import without_tokens

    return {rel: (digest, without_tokens(note)) for rel, (digest, note) in parsed.items()}


def discard_memo(cache_dir: Path) -> None:
    (cache_dir / STATE_FILE).unlink(missing_ok=True)
    (cache_dir / UNCHANGED_FILE).unlink(missing_ok=True)
    (cache_dir / STAMPS_FILE).unlink(missing_ok=True)


# -- which files of the output are as the last build wrote them -----------------------------------
STAMPS_FILE = "site-stamps.pickle"


def save_stamps(cache_dir: Path, out: Path) -> None:
    """After a build: the size and time of every file of the site it wrote, with the manifest they
    go with."""
    from generator.emit import read_manifest, site_stamps

    cache_dir.mkdir(parents=True, exist_ok=True)
    _dump(cache_dir / STAMPS_FILE, {"manifest": _manifest_digest(out),
                                    "stamps": site_stamps(out, read_manifest(out))})


def intact_files(cache_dir: Path, out: Path) -> set[str]:
    """The files of ``out`` that still hold what the last build wrote: the manifest is the one it
    wrote and each file has the size and time it left.  A page edited by hand, or an older copy of
    the site put in place (its own manifest, its own times), is not: a build writes it again,
    instead of trusting it as unchanged."""
    from generator.emit import site_stamps

    data = _load(cache_dir / STAMPS_FILE)
    if not isinstance(data, dict) or data.get("manifest") != _manifest_digest(out) \
            or not isinstance(data.get("stamps"), dict):
        return set()
    recorded = data["stamps"]
    return {rel for rel, st in site_stamps(out, recorded).items() if recorded.get(rel) == st}


# -- the "nothing changed" check -------------------------------------------------------------------
UNCHANGED_FILE = "last-build.json"


def vault_fingerprint(cfg: SiteConfig, vault: Any, exec_mode: str, digests: dict[str, str]) -> str:
    """Everything a build reads: notes by content (``digests``), attachments by size, inode and
    times (``SourceFile.digest``), config (and the text of ``vaultsite.toml``), templates; and
    what discovery skipped and said (a file an ``ignore`` pattern leaves out, a broken link):
    none of those is a note or an attachment, yet each changes the warnings."""
    from generator.templating import default_template_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(repr((code_version(), repr(cfg), exec_mode)).encode())
    if cfg.config_file is not None:  # its text too: its warnings give the line of their key
        try:
            h.update(cfg.config_file.read_bytes())
        except OSError:
            h.update(b"\0unreadable")
    h.update(template_signature([cfg.vault / cfg.templates_dir, default_template_dir()]).encode())
    for src in vault.notes:
        h.update(f"{src.rel}\0{digests.get(src.rel, 'unreadable')}\0".encode("utf-8", "surrogatepass"))
    for src in vault.attachments:
        h.update(f"{src.rel}\0{src.digest}\0".encode("utf-8", "surrogatepass"))
    for rel, why in vault.left_out().items():
        h.update(f"{rel}\0{why.kind}\0{why.detail}\0".encode("utf-8", "surrogatepass"))
    for diag in vault.diagnostics:
        h.update(f"{diag!r}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _manifest_digest(out: Path) -> str:
    from generator.emit import MARKER

    try:
        return hashlib.blake2b((out / MARKER).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return ""


def save_unchanged(cache_dir: Path, fingerprint: str, out: Path, result: Any, has_cells: bool) -> None:
    """What a later build with the same fingerprint prints and reports, without doing the work."""
    import dataclasses
    import json

    stats = dataclasses.asdict(result.stats)
    stats.update(written=0, deleted=0, rendered=0, cells_ran=0, rerun_reasons=[], timings={})
    stats["cells_cached"] = result.stats.cells_ran + result.stats.cells_cached
    data = {
        "fingerprint": fingerprint, "manifest": _manifest_digest(out), "has_cells": has_cells,
        "stats": stats,
        "diagnostics": [[d.severity.value, d.code, d.message, list(dataclasses.astuple(d.span))
                         if d.span else None, d.hint] for d in result.diagnostics],
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / UNCHANGED_FILE).write_text(json.dumps(data), encoding="utf-8")


def load_unchanged(cache_dir: Path, fingerprint: str, out: Path, exec_mode: str):
    """(diagnostics, stats) of the last build when its inputs and output are exactly as now."""
    import json

    from generator.diagnostics import Diagnostic, Severity, Span
    from generator.pipeline import BuildStats

    try:
        data = json.loads((cache_dir / UNCHANGED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint or data.get("manifest") != _manifest_digest(out):
        return None
    if data.get("has_cells") and exec_mode != "no-exec":
        return None  # the execution cache decides (package versions, files read outside the vault)
    from generator.emit import read_manifest

    if not intact_files(cache_dir, out) >= read_manifest(out).keys():
        return None  # a file of the site went missing or was changed: build to put it back
    diags = [Diagnostic(Severity(sev), code, msg, Span(*span) if span else None, hint)
             for sev, code, msg, span, hint in data["diagnostics"]]
    return diags, BuildStats(**data["stats"])


def save_memo(cache_dir: Path, cfg: SiteConfig, parsed: dict, memo: RenderMemo,
              aside: ParsedAside | None = None) -> None:
    """Save the state for the next build: ``parsed`` (notes by vault path, with their digests) and
    ``memo``; the notes are already written when ``aside`` wrote them."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    if aside is not None and aside.join():
        aside.path.replace(cache_dir / PARSED_FILE)
        token = aside.token
    else:
        token = os.urandom(8).hex()
        _dump(cache_dir / PARSED_FILE, {"token": token, "parsed": _without_tokens(parsed)})
    _dump(cache_dir / STATE_FILE, {"version": (STATE_VERSION, code_version()),
                                   "vault": str(cfg.vault), "token": token, "memo": memo})
