"""The vault index: resolves names as Obsidian does, and holds backlinks, tags and URLs.

Resolution rules (Obsidian's, as its link resolver behaves):
* names compare case-insensitively, Unicode-normalised, with or without ``.md``;
* ``./x`` and ``../x`` are taken from the linking note's folder, never above the vault root, and name
  that path only: no file of the same name elsewhere stands in for a missing one;
* a path with ``/`` matches a file at that path from the vault root, else any file whose path ends with
  it (``Sub/Note`` finds ``Area/Sub/Note.md``); a path that names one file exactly (``./``, ``../``,
  or a leading ``/`` from the vault root) is not ambiguous, whatever else shares its name;
* a leading ``/`` names the path from the vault root and nothing else;
* a bare name finds the file with that name anywhere; when several share it, a file of exactly that
  path (at the vault root) wins, else the one with the shortest path below the linking note's folder
  (in it or in a sub-folder; an ancestor folder counts for nothing), else the one with the shortest
  path; a warning lists the candidates (Obsidian's ``getLinkpathDest`` orders them so, except that it
  compares folder names as raw text prefixes: README.md, "Names", says where we differ on purpose);
* a name is matched as a file name with its extension exactly first, and only then with ``.md``
  appended (``[[notes.txt]]`` is the file ``notes.txt``, not the note ``notes.txt.md``;
  ``[[data.csv.md]]`` is that note, not ``data.csv``); ``.md`` files are notes, so a name with
  another extension is an attachment first, a note second;
* front-matter ``aliases`` resolve when no file matches (a file's own name wins over another note's
  alias); when several notes share an alias, the pick is as among same-named files (below the
  linking note's folder, else the shortest path) and a warning lists the candidates.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import pickle
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import quote

from rapidfuzz import fuzz, process

from generator.closest import ClosestNames
from generator.config import SiteConfig, key_place
from generator.diagnostics import Diagnostic, info, warning
from generator.discover import CLOUD_HINT, TRASH, left_out_by
from generator.frontmatter import PlaceFinder, front_matter_place, printable
from generator.markdown.wikilinks import split_wikilink
from generator.model import BlockRef, Heading, LeftOut, LinkRef, Note, NoteId, SiteUrl, SourceFile
from generator.obsidian_uri import is_obsidian_uri, linked_note
from generator.parallel import can_fork, forked
from generator.parse import LOGSEQ_REF
from generator.site.text import normalize
from generator.slugs import heading_key, link_safe, name_key, tag_key, unseen_difference
from generator.urls import fit_name, one_spelling, slug_path, windows_safe

Kind = Literal["note", "attachment", "unpublished", "missing", "outside"]


@dataclass(frozen=True)
class Resolution:
    kind: Kind
    note: Note | None = None
    attachment: SourceFile | None = None
    candidates: tuple[str, ...] = ()  # vault paths, when the name was ambiguous
    alias: bool = False  # the candidates are notes sharing an alias


class _Linked(NamedTuple):
    """One note's links checked: its warnings, the notes it links to (published, in order), every
    note it names, and the warnings of links to missing headings that still want their hint
    (position in ``diags``, the wanted heading, its note, the name as written, whether the link
    is a Markdown link)."""
    diags: list[Diagnostic]
    outs: list[NoteId]
    targets: frozenset[NoteId]
    hints: tuple[tuple[int, tuple[str, ...], Note, str, bool], ...]


@dataclass
class TagInfo:
    key: str  # case-folded full tag, "area/sub"
    name: str  # display spelling: each level as most notes spell it (``_name_tags``)
    notes: list[NoteId] = field(default_factory=list)  # notes tagged with this tag or a child


def _block_hint(target: Note, block: str) -> str:
    """What to do about ``[[target#^block]]`` when the note has no block ``^block``: when the id
    is written at a line's end all the same but is no block id (``^my_id``: Obsidian's hold only
    letters, digits and ``-``), say so, with its line."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", block):
        written = re.search(rf"(?:^|[ \t])\^{re.escape(block)}[ \t]*$", target.text, re.M)
        if written is not None:
            line = target.text.count("\n", 0, written.start()) + 1
            fixed = re.sub(r"[^A-Za-z0-9-]", "-", block).lstrip("-") or "id"
            return (f"{target.rel}:{line} writes ^{block}, which is no block id: Obsidian's hold "
                    f"only letters, digits and '-'; write ^{fixed} there and in the link")
    return "add the ^id to the block, or fix the id"


def _strip_md(key: str) -> str:
    return key[:-3] if key.endswith(".md") else key


def _exact_first(table: dict[str, list], key: str) -> list:
    """What ``table`` (files by path, or by name; notes keyed without ``.md``) holds for ``key``:
    the files named exactly so (extension as written), else the notes ``key + ".md"``: Obsidian
    matches a link path as a file name first, and only then with ``.md`` appended."""
    found = table.get(key, [])
    if key.endswith(".md"):
        found = found + table.get(key[:-3], [])
    exact = [c for c in found if _ends_at(c, key)]
    return exact or [c for c in found if _ends_at(c, key + ".md")]


def _ends_at(obj, name: str) -> bool:
    """The vault path of ``obj`` is ``name``, or ends with ``/`` + ``name`` (compared as keys)."""
    full = name_key(obj.rel)
    return full == name or full.endswith("/" + name)


def _stem(name: str) -> str:
    """A name key without its extension (a note's key has none)."""
    return name.rsplit(".", 1)[0] if _has_ext(name) else name


class _Lines:
    """A note's lines, split from its text on first use and then kept."""

    __slots__ = ("text", "_lines")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None

    def line(self, number: int) -> str:
        """Line ``number`` (1-based); "" past the end."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""


def _has_ext(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return "." in base.strip(".") and not base.endswith(".md")


_TRASHED = LeftOut("trash")


def _file_named(target: str, note: Note, rels: Iterable[str]) -> str | None:
    """The first of ``rels`` (vault paths of files the index does not hold: unreadable or ignored)
    that the link ``target`` from ``note`` names: by path (``./`` and ``../`` from the note's
    folder), path suffix or bare name, a note also without ``.md``."""
    if not target:
        return None
    key = name_key(target)
    if key.startswith(("./", "../")):
        key = posixpath.normpath(posixpath.join(name_key(note.folder), key))
    key = key.lstrip("/")
    for rel in rels:
        full = name_key(rel)
        for form in (full, _strip_md(full)) if full.endswith(".md") else (full,):
            if form == key or form.endswith("/" + key):
                return rel
    return None


def _restore_hint(rel: str, target: str, note: Note, what: str) -> str:
    """What to do about a link to ``rel``, a file of Obsidian's trash: move it back where the link
    looks for it (the folder the link names, else the one it has in the trash: Obsidian's trash
    keeps no folders), or remove the link."""
    inside = rel.removeprefix(TRASH + "/")
    path = target.strip().replace("\\", "/")
    if path.startswith(("./", "../")):
        path = posixpath.normpath(posixpath.join(note.folder, path))
    path = path.strip("/")
    written = path.startswith(TRASH + "/")
    path = path.removeprefix(TRASH + "/")
    home = inside
    if "/" in path and not written:  # [[Recipes/Waffles]]: the link says where it was
        note_named = rel.lower().endswith(".md") and not path.lower().endswith(".md")
        home = path + ".md" if note_named else path
    drop = f" and take {TRASH}/ out of the {what}" if written else ""
    return f"move {rel} to {home} to publish it{drop}, or remove the {what}"


class VaultIndex:
    def __init__(self, notes: list[Note], attachments: list[SourceFile], cfg: SiteConfig,
                 suggestions: tuple[str, dict[str, str | None]] | None = None,
                 previous: VaultIndex | None = None, unreadable: Iterable[str] = (),
                 left_out: Mapping[str, LeftOut] | None = None, split_links: bool = False):
        """``suggestions``: a previous index's ``suggestions`` memo, reused when the set of names
        (and what is published) is the same.  ``unreadable``: vault paths of notes that exist but
        could not be read (a link to one is told so, not "does not exist"); ``left_out``: the files
        the site leaves out, with why (``Vault.left_out``; a link to one is told that too).
        ``split_links``: another core is free, so a large vault's links may be checked half in a
        forked copy of this process (``_LinksAside``)."""
        self.cfg = cfg
        self.unreadable: tuple[str, ...] = tuple(sorted(unreadable))
        # the files the site leaves out but for the trash's, by vault path, with why
        self.left_out: dict[str, LeftOut] = {rel: why for rel, why in sorted((left_out or {}).items())
                                             if why.kind != "trash"}
        # the files of Obsidian's trash, apart (there may be thousands): each of their path
        # suffixes, with and without ``.md``, names the first such file
        self._trash: dict[str, str] = {}
        for rel in sorted(r for r, why in (left_out or {}).items() if why.kind == "trash"):
            full = name_key(rel)
            for form in (full, _strip_md(full)) if full.endswith(".md") else (full,):
                parts = form.split("/")
                for i in range(len(parts)):
                    self._trash.setdefault("/".join(parts[i:]), rel)
        self.notes: dict[NoteId, Note] = {n.id: n for n in notes}
        self.published: dict[NoteId, Note] = {n.id: n for n in notes if n.publish}
        self.attachments: dict[str, SourceFile] = {a.rel: a for a in attachments}
        self._by_path: dict[str, list[object]] = defaultdict(list)
        self._by_name: dict[str, list[object]] = defaultdict(list)
        self._aliases: dict[str, list[Note]] = defaultdict(list)
        for note in notes:
            key = _strip_md(name_key(note.rel))
            self._by_path[key].append(note)
            self._by_name[key.rsplit("/", 1)[-1]].append(note)
            for alias in note.aliases:
                self._aliases[name_key(alias)].append(note)
        for att in attachments:
            key = name_key(att.rel)
            self._by_path[key].append(att)
            self._by_name[key.rsplit("/", 1)[-1]].append(att)
        # resolutions by (target, folder for ./ and ../ or ""), before a pick among candidates;
        # picks by (that key, folder); same-named files by name; a name's files by path suffix;
        # the best candidate below each folder, by that key
        self._memo: dict[tuple[str, str], Resolution] = {}
        self._picked: dict[tuple[tuple[str, str], str], Resolution] = {}
        self._pools: dict[str, list] = {}
        self._suffixes: dict[str, dict[str, list]] = {}
        self._pick_tables: dict[tuple[str, str], tuple[dict[str, str], str, dict[str, object]]] = {}
        self._headings: dict[tuple[NoteId, tuple[str, ...]], Heading | None] = {}
        self._hkeys: dict[NoteId, tuple[list[tuple[str, str | None]], dict[str, int]]] = {}
        # "did you mean" for a missing heading: each note's headings as words, the closest heading
        # to each wanted one (kept from the last build for a note that did not change), the
        # wanted ones asked for in this build, and the comparisons they spent (HINT_BUDGET)
        self._hint_words: dict[NoteId, list[str]] = {}
        self._hint_sets: dict[NoteId, set[str]] = {}  # the same, as a set (for [[N#A#B]])
        self._hinted: dict[tuple[NoteId, str], int | None] = {}
        self._hint_asked: set[tuple[NoteId, str]] = set()
        self._hint_spent = 0
        self._block_ids: dict[NoteId, dict[str, BlockRef]] = {}
        self._logseq_blocks: dict[str, tuple[Note, int]] | None = None  # logseq_block_hints
        self._suggested: dict[str, str | None] = {}
        self._names_by_initial: dict[str, list[str]] | None = None
        self._names_by_stem: dict[str, list[str]] = {}
        # the note names by their words, and those words sorted, and each reversed, sorted
        self._note_names: tuple[dict[str, list[str]], list[str], list[str]] | None = None
        self._alias_suggested: dict[str, str | None] = {}
        # the published notes by their ``title`` property, where it is not the file's name
        self._titles: dict[str, Note] | None = None
        #: ``_folder_named``'s table, and the ``folder_urls`` it was made from
        self._folder_keys: tuple[dict[str, str], dict[str, str]] | None = None
        self._aliases_by_initial: dict[str, list[str]] | None = None
        self._closest: dict[tuple[str, ...], ClosestNames] = {}  # per initial (and extension)
        # each name with the files it stands for: a file added under a name a note already has
        # (Node.js beside Node.js.md) changes what ![[Node.js]] finds, and adds no name
        self.names_sig = hashlib.blake2b(
            "\0".join([*(f"{k}>{'>'.join(sorted(x.rel for x in v))}"
                          for k, v in sorted(self._by_path.items())), "|",
                       *(f"{k}>{'>'.join(n.rel for n in v)}" for k, v in sorted(self._aliases.items()))]
                      ).encode("utf-8", "surrogatepass")
            + bytes(n.publish for n in notes)
            + "\0".join(self.unreadable).encode("utf-8", "surrogatepass")
            + "\0".join(f"{k}>{v.kind}:{v.detail}" for k, v in self.left_out.items()
                        ).encode("utf-8", "surrogatepass")
            + "\0".join(sorted(self._trash.values())).encode("utf-8", "surrogatepass"),
            digest_size=16).hexdigest()
        if suggestions is not None and suggestions[0] == self.names_sig:
            self._suggested = dict(suggestions[1])
        self.urls: dict[NoteId, SiteUrl] = {}
        self.diagnostics: list[Diagnostic] = []
        self._assign_urls(notes)
        # notes whose ``permalink: /`` (or ``index``) asks for the home page, in path order
        home_askers = sorted((n for n in notes if n.publish and n.permalink
                              and _asks_home(n.permalink)), key=lambda n: n.rel)
        self.home: Note | None = self._find_home(home_askers)
        if self.home is not None:
            self.urls[self.home.id] = SiteUrl("index.html")
        self._warn_home_permalinks(home_askers)
        self.backlinks: dict[NoteId, list[NoteId]] = defaultdict(list)
        self.outlinks: dict[NoteId, list[NoteId]] = defaultdict(list)
        self.tags: dict[str, TagInfo] = {}
        self._links: dict[NoteId, _Linked] = {}
        self._link_all(notes, previous, split_links)
        self._collect_tags(notes)
        self.tag_urls: dict[str, SiteUrl] = self._tag_urls()
        self._attachment_urls: dict[str, SiteUrl] | None = None
        self._canvas_urls: dict[str, SiteUrl] | None = None
        self._canvas_links: dict[str, tuple[NoteId, ...]] | None = None
        self._canvas_backlinks: dict[NoteId, tuple[str, ...]] | None = None
        self._canvas_linkers: dict[str, dict[NoteId, bool]] | None = None

    # -- URLs -------------------------------------------------------------------------------
    def _assign_urls(self, notes: list[Note]) -> None:
        taken: dict[str, NoteId] = {}
        reserved = {"index.html", "404.html", "graph.html", "search.html"}
        folders = {n.folder for n in notes if n.publish}
        for folder in list(folders):
            while "/" in folder:
                folder = folder.rsplit("/", 1)[0]
                folders.add(folder)
        # ``permalink: /`` (or ``index``) asks for the home page: ``_find_home`` decides
        asked = {n.id: _permalink_path(n.permalink) for n in notes
                 if n.publish and n.permalink and not _asks_home(n.permalink)}
        # permalinks first
        order = sorted((n for n in notes if n.publish),
                       key=lambda n: (asked.get(n.id) is None, n.rel))
        bases = {n.id: _asked_base(asked.get(n.id)) or slug_path(n.id) for n in order}
        # each folder of the site in one letter case, the first seen (see ``one_spelling``): as
        # permalinks write it (the addresses their writer chose and readers link to: the Help
        # vault's ``permalink: bases/syntax`` for notes in ``Bases/``), then as folder pages,
        # then pages and files in the order they get their URLs
        self._spelling: dict[str, str] = {}
        for note in order:
            if asked.get(note.id):
                one_spelling(bases[note.id], self._spelling)
        self.folder_urls = {folder: SiteUrl(one_spelling(url, self._spelling)) for folder, url
                            in self._folder_page_urls(folders).items()}
        reserved |= {u.casefold() for u in self.folder_urls.values()}
        self._reserved = reserved
        holders: dict[str, Note] = {}
        for note in order:
            base = bases[note.id]
            asked_base, base = base, one_spelling(base, self._spelling)
            url, n = f"{base}.html", 1
            while url.casefold() in taken or url.casefold() in reserved or url.startswith("_"):
                n += 1
                url = f"{base}-{n}.html"
            holder = holders.get(f"{base}.html".casefold())
            if note.id in asked and asked[note.id] is None:
                self.diagnostics.append(warning(
                    "permalink-invalid", f"permalink {note.permalink!r} leads out of the site with "
                    f"'..'; it is ignored and the page is at {url}", note.rel,
                    *_permalink_place(note), hint="write the page's path from the site root, without "
                    "'..' above it (permalink: notes/page gives notes/page.html)"))
            elif n > 1 and note.permalink:
                self.diagnostics.append(warning(
                    "url-collision", f"permalink {note.permalink!r} is taken; the page is at {url}",
                    note.rel, *_permalink_place(note), hint="choose another permalink"))
            elif asked.get(note.id) and base != asked_base:
                wrote, site = _first_folder_apart(asked_base, base)
                self.diagnostics.append(warning(
                    "url-collision", f"permalink {note.permalink!r} names the folder {wrote}/, "
                    f"which the site writes {site}/ (the same folder on a macOS or Windows disk); "
                    f"the page is at {url}", note.rel, *_permalink_place(note),
                    hint=f"write the folder as the site does: permalink: {base}"))
            elif n > 1 and holder is not None and asked.get(holder.id):
                # a page people may have linked to moves: say so where the move is decided
                self.diagnostics.append(warning(
                    "url-collision", f"permalink {holder.permalink!r} takes the page of {note.rel}, "
                    f"which moves to {url}", holder.rel, *_permalink_place(holder),
                    hint=f"choose another permalink, or keep it to give {base}.html to this note"))
            taken[url.casefold()] = note.id
            holders[url.casefold()] = note
            self.urls[note.id] = SiteUrl(url)

    @staticmethod
    def _folder_page_urls(folders: set[str]) -> dict[str, SiteUrl]:
        """The page of each folder, ``<slugged path>/index.html``; two folders whose paths slug
        alike (``_att`` and ``att``) get pages apart (``att-2/index.html``), the one whose slug is
        its own path keeping the plain one."""
        urls: dict[str, SiteUrl] = {}
        taken: set[str] = set()
        for folder in sorted((f for f in folders if f),
                             key=lambda f: (f.count("/"), slug_path(f) != f, f)):
            parent, _, last = folder.rpartition("/")
            plain = slug_path(folder)
            if parent and urls[parent] != f"{slug_path(parent)}/index.html":  # under a moved one
                plain = urls[parent][: -len("index.html")] + (slug_path(last) or "untitled")
            urls[folder] = SiteUrl(f"{_step_aside(plain, '', taken)}/index.html")
        return urls

    def folder_url(self, folder: str) -> SiteUrl:
        """The page of a vault folder (see ``_folder_page_urls``)."""
        found = self.folder_urls.get(folder)
        return found if found is not None else SiteUrl(f"{slug_path(folder)}/index.html")

    def _find_home(self, home_askers: list[Note]) -> Note | None:
        # a path from the vault root, written as links write one too (``/Notes/Start``)
        home = self.cfg.home.strip().removeprefix("./").lstrip("/")
        if not home and home_askers:  # ``permalink: /`` asks for the site's root, before the names
            return home_askers[0]
        wanted = [home] if home else ["index", "home", "readme"]
        for name in wanted:
            for cand in self._by_path.get(_strip_md(name_key(name)), []):
                if isinstance(cand, Note) and cand.publish:
                    return cand
        if self.cfg.home:  # asked for by name, and not there: say so
            drafts = [c for c in self._by_path.get(_strip_md(name_key(home)), [])
                      if isinstance(c, Note)]
            close = self.suggest(self.cfg.home)
            self.diagnostics.append(warning(
                "config-home",
                f"home = {self.cfg.home!r} is "
                + ("a note that is not published" if drafts else "not a note of the vault")
                + "; the home page lists the notes instead",
                "vaultsite.toml", *_config_place(self.cfg.vault / "vaultsite.toml", "home"),
                hint=(f"did you mean {close!r}? " if close else "")
                + "give the note's path from the vault root, e.g. home = \"Notes/Start\""))
        return None

    def _warn_home_permalinks(self, home_askers: list[Note]) -> None:
        """A ``permalink: /`` that does not make its note the home page: ``home`` in
        vaultsite.toml names another note, or another note asked first (in path order)."""
        for note in home_askers:
            if note is self.home:
                continue
            if self.cfg.home and self.home is not None:
                why = f"`home` in vaultsite.toml makes {self.home.rel} the home page"
                hint = ("remove this permalink, or the `home` line of vaultsite.toml to make this "
                        "note the home page")
            else:
                holder = self.home.rel if self.home is not None else "another note"
                why = f"{holder} asks for it too (the first note in path order gets it)"
                hint = "only one note can be the home page: remove this permalink or the other one"
            self.diagnostics.append(warning(
                "url-collision", f"permalink {note.permalink!r} asks for the home page (index.html), "
                f"but {why}; this page is at {self.urls[note.id]}", note.rel,
                *_permalink_place(note), hint=hint))

    # -- resolution --------------------------------------------------------------------------
    def resolve(self, target: str, from_note: Note) -> Resolution:
        if not target:
            return Resolution("note" if from_note.publish else "unpublished", note=from_note)
        folder = from_note.folder
        relative = target.startswith(("./", "../"))
        memo_key = (target, folder) if relative else (target, "")
        res = self._memo.get(memo_key)
        if res is None:
            res = self._memo[memo_key] = self._resolve(target, folder)
        if res.candidates and res.note is None and res.attachment is None:
            picked = self._picked.get((memo_key, folder))
            if picked is None:
                picked = self._picked[(memo_key, folder)] = self._pick(memo_key, res, folder)
            res = picked
        return res

    def folder_spelling(self) -> dict[str, str]:
        """A copy of how the site spells each of its folders (``one_spelling``), for pages made
        after the index (redirects) to write theirs alike.  Complete once every attachment has
        its URL: made here when not yet."""
        if self._attachment_urls is None:
            self._attachment_urls = self._assign_attachment_urls()
        return dict(self._spelling)

    def found_alike(self, target: str) -> bool:
        """Whether ``resolve`` finds ``target`` alike from every note, once it was resolved: a name
        written (``""`` is the linking note itself), not from the linking note's folder (``./``,
        ``../``), and not one that only that folder settles (several files of the name, none at
        the vault's root: ``_pick``)."""
        if not target or target.startswith(("./", "../")):
            return False
        res = self._memo.get((target, ""))
        return res is not None and not (res.candidates and res.note is None
                                        and res.attachment is None)

    def attachment_at(self, path: str) -> SourceFile | None:
        """The attachment at vault path ``path``: spelled so, else in another letter case, as a
        link's path finds it (``name_key``)."""
        found = self.attachments.get(path)
        if found is None:
            found = next((f for f in self._by_path.get(name_key(path), [])
                          if isinstance(f, SourceFile)), None)
        return found

    def _exact(self, key: str) -> list[object]:
        """The files at vault path ``key``: the file of exactly that name, else the note
        ``key + ".md"``."""
        return _exact_first(self._by_path, key)

    def _resolve(self, target: str, folder: str) -> Resolution:
        key = name_key(target).strip()
        if key.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(name_key(folder), key))
            if joined.startswith("../") or joined == "..":
                return Resolution("outside")
            # that path and nothing else: no bare-name pool, no path suffix, no alias
            exact = self._exact(joined)
            return self._wrap(exact[0]) if exact else Resolution("missing")
        rooted = key.startswith("/")  # from the vault root: names one path, as ./ and ../ do
        key = key.lstrip("/")
        exact = self._exact(key)
        stem = _strip_md(key)
        name = key.rsplit("/", 1)[-1]
        if exact:
            found = self._wrap(exact[0])
            if "/" not in key and not rooted:
                others = {c.rel for c in self._pool(name)} | {exact[0].rel}
                if len(others) > 1:  # a bare name: the root file wins, others exist
                    return Resolution(found.kind, found.note, found.attachment,
                                      tuple(sorted(others)))
            return found
        if rooted:  # Obsidian's resolver looks no further for a leading "/"
            return Resolution("missing")
        pool = self._pool_ending(name, "/" + stem) if "/" in stem else self._pool(name)
        if len(pool) == 1:
            return self._wrap(pool[0])
        if len(pool) > 1:
            return Resolution("missing", candidates=tuple(sorted(c.rel for c in pool)))
        aliased = {n.rel: n for n in self._aliases.get(stem, [])}  # a note may list it twice
        if len(aliased) == 1:
            return self._wrap(next(iter(aliased.values())))
        if aliased:  # chosen by ``_pick`` as among same-named files
            return Resolution("missing", candidates=tuple(sorted(aliased)), alias=True)
        return Resolution("missing")

    def _pool(self, name: str) -> list:
        """The files named ``name`` (a name key, a note's without ``.md``) anywhere in the vault,
        the file of exactly that name first (see ``_exact_first``)."""
        pool = self._pools.get(name)
        if pool is None:
            pool = self._pools[name] = _exact_first(self._by_name, name)
        return pool

    def _pool_ending(self, name: str, suffix: str) -> list:
        """The files of ``_pool(name)`` whose path (a note's with or without ``.md``) ends with
        ``suffix`` (``/Sub/Note``).  The pool is indexed by every such ending once, so that
        thousands of same-named files linked by as many partial paths are not each searched."""
        by_suffix = self._suffixes.get(name)
        if by_suffix is None:
            by_suffix = self._suffixes[name] = defaultdict(list)
            for c in self._pool(name):
                full = name_key(c.rel)
                endings = {form[i:] for form in {full, _strip_md(full)}
                           for i, ch in enumerate(form) if ch == "/"}
                for ending in endings:
                    by_suffix[ending].append(c)
        return by_suffix.get(suffix, [])

    def _pick(self, memo_key: tuple[str, str], res: Resolution, folder: str) -> Resolution:
        """The candidate Obsidian takes from ``folder``: the files below it (in it or in a
        sub-folder) first, then the others, each by the length of the path.

        The best candidate below every folder that holds one is found once per name (a table of
        each candidate's ancestor folders), so that a link from each of thousands of folders to
        a name that all of them have costs no more than the candidates' paths."""
        table = self._pick_tables.get(memo_key)
        if table is None:
            by_rel: dict[str, object] = {}
            for rel in res.candidates:
                key = name_key(rel)
                for c in self._by_path.get(key, []) + self._by_path.get(_strip_md(key), []):
                    if c.rel == rel:
                        by_rel[rel] = c
            best: dict[str, str] = {}  # "folder/" (a name key) -> the candidate below it
            rank = lambda r: (len(r), r)  # noqa: E731
            for rel in res.candidates:
                key = name_key(rel)
                for i, ch in enumerate(key):
                    if ch == "/":
                        held = best.get(key[:i + 1])
                        if held is None or rank(rel) < rank(held):
                            best[key[:i + 1]] = rel
            table = self._pick_tables[memo_key] = (best, min(res.candidates, key=rank), by_rel)
        best, first, by_rel = table
        chosen = best.get(name_key(folder) + "/", first) if folder else first
        wrapped = self._wrap(by_rel[chosen])
        return Resolution(wrapped.kind, wrapped.note, wrapped.attachment, res.candidates, res.alias)

    @staticmethod
    def _wrap(obj: object) -> Resolution:
        if isinstance(obj, Note):
            return Resolution("note" if obj.publish else "unpublished", note=obj)
        return Resolution("attachment", attachment=obj)  # type: ignore[arg-type]

    def find_heading(self, note: Note, parts: tuple[str, ...]) -> Heading | None:
        """``[[Note#A#B]]``: B somewhere below A; a single part anywhere in the note (memoised:
        links check their headings while indexing, and pages look them up again to render)."""
        key = (note.id, parts)
        if key not in self._headings:
            self._headings[key] = self._find_heading(note, parts)
        return self._headings[key]

    def _heading_keys(self, note: Note) -> tuple[list[tuple[str, str | None]], dict[str, int]]:
        """Each heading's keys (its text's, its source's), and the first heading of each key:
        computed once per note, not per look-up (a note with thousands of headings and links)."""
        hit = self._hkeys.get(note.id)
        if hit is None:
            keys = [(heading_key(h.text), heading_key(h.source) if h.source else None)
                    for h in note.headings]
            first: dict[str, int] = {}
            for i, (text_key, source_key) in enumerate(keys):
                first.setdefault(text_key, i)
                if source_key is not None:
                    first.setdefault(source_key, i)
            hit = self._hkeys[note.id] = (keys, first)
        return hit

    def _find_heading(self, note: Note, parts: tuple[str, ...]) -> Heading | None:
        wanted = [heading_key(p) for p in parts if p.strip()]
        if not wanted:
            return None
        keys, first = self._heading_keys(note)
        headings = note.headings
        if len(wanted) == 1:
            i = first.get(wanted[0])
            return headings[i] if i is not None else None
        start, level = 0, 0
        for depth, key in enumerate(wanted):
            found = None
            for i in range(start, len(headings)):
                if depth and headings[i].level <= level:
                    break
                if key in keys[i]:
                    found = i
                    break
            if found is None:
                # Obsidian falls back to the last part alone.
                i = first.get(wanted[-1])
                return headings[i] if i is not None else None
            start, level = found + 1, headings[found].level
        return headings[start - 1]

    #: Heading comparisons the whole vault's links to missing headings may spend on "did you
    #: mean" (about half a second): past it, a hint lists the first headings and says that
    #: the closest was not searched for.  Spent in the order of the notes (by path) and of their
    #: links, and again in every build, so the hints are a function of the vault: the same in a
    #: cold and an incremental build, whatever was checked first.
    HINT_BUDGET = 2_000_000

    def _heading_hint(self, parts: tuple[str, ...], target: Note, written: str,
                      markdown: bool = False) -> str:
        """"did you mean [[Note#X]]?" with the heading closest to the link's heading ``parts``,
        written as a link that finds it (``written`` is the note's name as the link wrote it; a
        ``markdown`` link is answered in its own form, ``(Other%20Note.md#X%20Y)``), else the
        first headings.  ``[[N#A#B]]`` is compared by its words (``Ideas #draft`` is a
        heading whose ``#`` cut the link in two) when they match a heading word for word, else by
        its last part.  A wanted heading is compared with the note's headings once (one pass of
        RapidFuzz in C), charged once per build."""
        headings = target.headings
        if not headings:
            return "the note has no headings"
        # compared by their words: ``c and f part 1`` is ``C# & F# (part 1)``, not a heading that
        # shares its "and"
        query = " ".join(_WORDS.findall(heading_key(parts[-1])))
        if len(parts) > 1:
            whole = " ".join(_WORDS.findall(heading_key(" ".join(parts))))
            found_words = self._hint_sets.get(target.id)
            if found_words is None:
                found_words = self._hint_sets[target.id] = set(self._heading_words(target))
            if whole in found_words:
                query = whole
        memo_key = (target.id, query)
        searched = memo_key in self._hint_asked
        if not searched and self._hint_spent + len(headings) <= self.HINT_BUDGET:
            self._hint_spent += len(headings)
            self._hint_asked.add(memo_key)
            searched = True
        found = None
        if searched:
            if memo_key not in self._hinted:
                keys = self._heading_words(target)
                # WRatio scores a part found inside the other high ("t" in "draft"): a heading
                # is only offered when the two also share most of their letters
                self._hinted[memo_key] = next(
                    (i for _key, _score, i in process.extract(
                        query, keys, scorer=fuzz.WRatio, score_cutoff=60, limit=5)
                     if fuzz.token_set_ratio(query, keys[i]) >= 50), None)
            found = self._hinted[memo_key]
        if found is not None:
            # Obsidian's links to a heading leave out what cannot be in a link (``# | ^ : [ ]``…)
            text = link_safe(headings[found].text)
            if text and self.find_heading(target, (text,)) is headings[found]:
                if markdown:
                    return f"did you mean ({quote(written, safe='/')}#{quote(text, safe='')})?"
                return f"did you mean [[{written}#{text}]]?"
        named = [h.text for h in headings if h.text.strip()]  # ``##`` alone names nothing
        listed = ("its headings: " + ", ".join(named[:8]) + (", …" if len(named) > 8 else "")
                  if named else "its headings have no text")
        if not searched:
            listed += ("; the closest was not searched for: the vault links to too many missing "
                       "headings of notes with many headings")
        return listed

    def _heading_words(self, target: Note) -> list[str]:
        """Each heading of ``target`` as its words (``c and f part 1``), kept per note."""
        keys = self._hint_words.get(target.id)
        if keys is None:
            keys = self._hint_words[target.id] = [
                " ".join(_WORDS.findall(k)) for k, _source in self._heading_keys(target)[0]]
        return keys

    def find_block(self, note: Note, block: str) -> BlockRef | None:
        """The first block of ``note`` with the id ``block`` (any case).  The note's ids are
        keyed once: looked up one by one, each of thousands of links to a note with thousands
        of blocks read them all."""
        ids = self._block_ids.get(note.id)
        if ids is None:
            ids = self._block_ids[note.id] = {}
            for b in note.blocks:
                ids.setdefault(b.id.casefold(), b)
        return ids.get(block.casefold())

    def logseq_block_hints(self, note: Note, diags: Iterable[Diagnostic]) -> list[Diagnostic]:
        """``note``'s ``diags``, a ``block-ref-foreign`` warning at a Logseq ``((uuid))`` whose
        block is in a published note (``id:: uuid`` under it, ``Note.logseq_ids``) with a hint
        that names the block's place and gives the link to write; parsing, vault-blind, could
        not."""
        out, lines = list(diags), _Lines(note.text)
        for i, diag in enumerate(out):
            if diag.code != "block-ref-foreign" or diag.span is None:
                continue
            if self._logseq_blocks is None:
                self._logseq_blocks = {}
                for other in sorted(self.notes.values(), key=lambda n: n.rel):
                    for uuid, line in other.logseq_ids if other.publish else ():
                        self._logseq_blocks.setdefault(uuid, (other, line))
            m = LOGSEQ_REF.search(lines.line(diag.span.line), max(diag.span.col - 1, 0))
            found = self._logseq_blocks.get(m.group(2).casefold()) if m else None
            if m is None or found is None:
                continue
            target, line = found
            uuid, embed = m.group(2), "!" if m.group(1) else ""
            stem = target.rel.rsplit("/", 1)[-1].removesuffix(".md")
            name = ("" if target is note else stem if self.resolve(stem, note).note is target
                    else target.rel.removesuffix(".md"))
            out[i] = replace(diag, hint=f"its block ends at {target.rel}:{line - 1}, Logseq's "
                                        f"`id:: {uuid}` on the next line: end that line with "
                                        f"^{uuid}, remove the id line, then write "
                                        f"{embed}[[{name}#^{uuid}]] here")
        return out

    def suggest(self, target: str) -> str | None:
        """The closest published name to ``target``, for "did you mean"; memoised per name."""
        key = _strip_md(name_key(target)).rsplit("/", 1)[-1]
        if not key:
            return None
        if key in self._suggested:
            return self._suggested[key]
        ext = key.rsplit(".", 1)[-1] if _has_ext(key) else ""
        if self._names_by_initial is None:
            self._names_by_initial = defaultdict(list)
            self._names_by_stem = defaultdict(list)
            for name in self._by_name:
                self._names_by_initial[name[:1]].append(name)
                self._names_by_stem[_stem(name)].append(name)
        # the same name with another extension (``pic.jpg`` for ``pic.png``, ``Board`` for
        # ``Board.canvas``), else the closest name with this extension
        close = [n for n in self._names_by_stem.get(_stem(key), ()) if n != key]
        # the names of this initial and extension (or none), each group searched as a trie
        group = (key[:1], ext) if ext else (key[:1],)
        names = self._closest.get(group)
        if names is None:
            names = self._closest[group] = ClosestNames(
                [n for n in self._names_by_initial.get(key[:1], ())
                 if (n.rsplit(".", 1)[-1] == ext if ext else not _has_ext(n))])
        spread = max(3, len(key) // 3)
        close += names.closest(key, 3, 70, len(key) - spread, len(key) + spread)
        if not close and not ext:
            close = self._word_matches(key)
        published = [c for name in close for c in self._by_name[name]
                     if not isinstance(c, Note) or c.publish]
        found = None
        if published:
            rel = published[0].rel
            found = rel[:-3] if rel.endswith(".md") else rel
        self._suggested[key] = found
        return found

    def _word_matches(self, key: str, limit: int = 64) -> list[str]:
        """The note names that begin or end with ``key`` as whole words, or are its words, shortest
        first: in a Zettelkasten, ``[[202401151230]]`` (its id alone) or ``[[Idea]]`` (its title
        without the id) for ``202401151230 Idea.md``, names too long for ``closest`` to weigh.
        Names are compared as their words, punctuation and spacing aside: ``[[Smith 2020]]`` for
        ``Smith (2020) - On Things.md``.  Two bisections of the sorted words of the names (the
        second of each written backwards), so as cheap as ``closest``."""
        wanted = _name_words(key)
        if len(wanted) < 3:
            return []
        if self._note_names is None:
            by_words: dict[str, list[str]] = defaultdict(list)
            for name, files in self._by_name.items():
                # a note's name, also with a '.' in it (``Smith, J. (2019) Thinking``)
                if any(isinstance(f, Note) for f in files):
                    by_words[_name_words(name)].append(name)
            forward = sorted(by_words)
            self._note_names = by_words, forward, sorted(w[::-1] for w in forward)
        by_words, forward, backward = self._note_names
        found: set[str] = set(by_words.get(wanted, ()))
        for table, probe, backwards in ((forward, wanted + " ", False),
                                        (backward, (" " + wanted)[::-1], True)):
            start = bisect.bisect_left(table, probe)
            for words in table[start:start + limit]:
                if not words.startswith(probe):
                    break
                found.update(by_words[words[::-1] if backwards else words])
        return sorted(found, key=lambda n: (_name_words(n) != wanted, len(n), n))

    def suggest_alias(self, target: str) -> str | None:
        """The published notes' alias closest to ``target`` (as its note spells it), for "did you
        mean" when no file name is close: ``[[Alpha Alias]]`` resolves as a name does."""
        key = _strip_md(name_key(target))
        if not key or "/" in key or not self._aliases:
            return None
        memo = self._alias_suggested
        if key not in memo:
            if self._aliases_by_initial is None:
                self._aliases_by_initial = defaultdict(list)
                for alias, notes in self._aliases.items():
                    if any(n.publish for n in notes):
                        self._aliases_by_initial[alias[:1]].append(alias)
            group = ("alias", key[:1])
            names = self._closest.get(group)
            if names is None:
                names = self._closest[group] = ClosestNames(
                    self._aliases_by_initial.get(key[:1], []))
            spread = max(3, len(key) // 3)
            found = names.closest(key, 1, 70, len(key) - spread, len(key) + spread)
            best = found[0] if found else None
            memo[key] = None if best is None else next(
                alias for note in self._aliases[best] if note.publish
                for alias in note.aliases if name_key(alias) == best)
        return memo[key]

    # -- whole-vault facts --------------------------------------------------------------------
    #: Notes from which a cold build checks the second half of the links in a forked process
    #: (``_LinksAside``): below it, the fork costs about what it saves.
    SPLIT_LINKS_AT = 1000

    def _link_all(self, notes: list[Note], previous: VaultIndex | None,
                  split: bool = False) -> None:
        """Resolve and check every link; backlinks and outlinks.  With ``previous`` (the index of the
        last build in this process), a note whose object, names and URLs are all as before keeps its
        results unless a note it links to changed.  The hints of links to missing headings are
        written last, for all notes in order, within one budget (``HINT_BUDGET``).  With ``split``
        and no ``previous`` to reuse, a forked copy of this process checks the later notes while
        this one checks the earlier ones (``_LinksAside``); the results are the same."""
        reuse = (previous is not None and previous.names_sig == self.names_sig
                 and previous.urls == self.urls)
        changed: set[NoteId] = set()
        if reuse:
            changed = {n.id for n in notes if previous.notes.get(n.id) is not n}
            # a missing name's hint depends on the titles (``_titled``), before and after
            changed |= {_title_dep(key) for n in notes if n.id in changed
                        for key in (_title_key(n), _title_key(previous.notes.get(n.id)))
                        if key is not None}
            # a closest heading found in the last build holds while its note is the same
            self._hint_words = {k: v for k, v in previous._hint_words.items() if k not in changed}
            self._hinted = {k: v for k, v in previous._hinted.items() if k[0] not in changed}
        aside = (_LinksAside(self, notes)
                 if split and not reuse and len(notes) >= self.SPLIT_LINKS_AT and can_fork()
                 else None)
        cut = aside.cut if aside is not None else len(notes)
        linked = []
        for note in notes[:cut]:
            hit = previous._links.get(note.id) if reuse and note.id not in changed else None
            if hit is None or not hit.targets.isdisjoint(changed):
                hit = self._link_note(note)
            linked.append(hit)
        if aside is not None:
            rest = aside.take(self)
            linked += rest if rest is not None else [self._link_note(n) for n in notes[cut:]]
        for note, hit in zip(notes, linked, strict=True):
            self._links[note.id] = hit
            for target in hit.outs:
                self.outlinks[note.id].append(target)
                self.backlinks[target].append(note.id)
        for hit in linked:
            diags = hit.diags
            if hit.hints:
                diags = list(diags)
                for i, wanted, target, written, markdown in hit.hints:
                    diags[i] = replace(diags[i], hint=self._heading_hint(wanted, target, written,
                                                                         markdown))
            self.diagnostics.extend(diags)

    def _link_note(self, note: Note) -> _Linked:
        diags: list[Diagnostic] = []
        outs: list[NoteId] = []
        targets: set[NoteId] = set()
        hints: list[tuple[int, tuple[str, ...], Note, str, bool]] = []
        lines = _Lines(note.text)
        for ref in (*note.links, *property_links(note)):
            ref = self.vault_link(note, ref, diags)
            if ref is None:
                continue
            res = self.resolve(ref.target, note)
            self._check(note, ref, res, diags, lines, hints)
            if res.note is not None:
                targets.add(res.note.id)
            elif res.kind == "missing":  # its hint may name a note by its title
                targets.add(_title_dep(name_key(ref.target)))
            if res.kind == "note" and res.note is not None and res.note.id != note.id:
                if res.note.id not in outs and note.publish:
                    outs.append(res.note.id)
        for ref in note.html_refs:  # checked as links, but no links of the note
            res = self.resolve(ref.target, note)
            self._check(note, ref, res, diags, lines, hints)
            if res.note is not None:  # its headings checked: checked again when it changes
                targets.add(res.note.id)
        return _Linked(diags, outs, frozenset(targets), tuple(hints))

    @property
    def vault_name(self) -> str:
        """The vault's name in ``obsidian://`` links: ``vault_name``, else its folder's name."""
        return self.cfg.vault_name or self.cfg.vault.name

    def vault_link(self, note: Note, ref: LinkRef, diags: list[Diagnostic]) -> LinkRef | None:
        """``ref`` as a link within the vault: an ``obsidian://`` link as the link to the note it
        opens, or None when it opens something else (``obsidian_link``); any other as it is."""
        if ref.kind == "obsidian" or is_obsidian_uri(ref.target):
            return self.obsidian_link(note, ref, diags)
        return ref

    def obsidian_link(self, note: Note, ref: LinkRef, diags: list[Diagnostic]) -> LinkRef | None:
        """An ``obsidian://`` link as the Markdown link to the note of this vault it opens, or
        None (with a ``link-app-only`` info) when it opens something else: it stays as written."""
        uri = ref.target
        if ref.kind != "obsidian":  # [[obsidian://…&file=B#Heading|x]]: the "#" is the address's
            uri += "".join("#" + part for part in ref.anchor) + (f"#^{ref.block}" if ref.block else "")
        text = linked_note(uri, self.vault_name)
        if text is None:
            if note.publish:
                diags.append(info(
                    "link-app-only", f"{ref.target[:80]} opens the Obsidian app, not a page of "
                    "this site: it is kept as written", note.rel, ref.line, ref.col,
                    f"such a link to a note of this vault leads to its page when it names the "
                    f"vault {self.vault_name!r}; set `vault_name` in vaultsite.toml if Obsidian "
                    "knows the vault by another name"))
            return None
        parts = split_wikilink(text)
        return LinkRef(target=parts["target"], anchor=tuple(parts["anchor"]),
                       block=parts["block"], alias=ref.alias, embed=ref.embed, line=ref.line,
                       col=ref.col, kind="markdown")

    def _check(self, note: Note, ref: LinkRef, res: Resolution, out: list[Diagnostic],
               lines: _Lines | None,
               hints: list[tuple[int, tuple[str, ...], Note, str, bool]]) -> None:
        if not note.publish:
            return
        what = "embed" if ref.embed else "link"
        shown = ref.target or "#" + "#".join(ref.anchor)
        missing = (self.missing_target(ref.target, note, what, res.candidates, ref, lines)
                   if res.kind == "missing" else None)
        if missing is not None:
            out.append(warning("link-unresolved", f"{what} target {shown!r} {missing[0]}", note.rel,
                               ref.line, ref.col, hint=missing[1]))
        elif res.kind == "outside":
            out.append(warning(
                "link-outside", f"{what} target {shown!r} points outside the vault; not published",
                note.rel, ref.line, ref.col, hint="link to a file inside the vault"))
        elif res.candidates:
            chosen = res.note.rel if res.note else res.attachment.rel  # type: ignore[union-attr]
            others = other_candidates(res.candidates, chosen)
            if res.alias:
                message = f"{what} target {shown!r} is an alias of several notes; using {chosen}"
                hint = f"other candidates: {others}; link to the note by its file name to choose one"
            else:
                message = f"{what} target {shown!r} matches several files; using {chosen}"
                hint = f"other candidates: {others}; write the folder to choose one"
            out.append(warning("link-ambiguous", message, note.rel, ref.line, ref.col, hint=hint))
        if res.kind == "note" and res.note is not None and (ref.anchor or ref.block):
            target = res.note
            if ref.block and self.find_block(target, ref.block) is None:
                out.append(warning(
                    "anchor-unresolved", f"block ^{ref.block} not found in {target.rel}",
                    note.rel, ref.line, ref.col, hint=_block_hint(target, ref.block)))
            elif ref.anchor and not ref.block and self.find_heading(target, ref.anchor) is None:
                out.append(warning(
                    "anchor-unresolved",
                    f"heading {'#'.join(ref.anchor)!r} not found in {target.rel}",
                    note.rel, ref.line, ref.col))
                # the hint is written once every note is checked (_link_all)
                hints.append((len(out) - 1, ref.anchor, target, ref.target,
                              ref.kind == "markdown"))

    def missing_target(self, target: str, note: Note, what: str, candidates: tuple[str, ...] = (),
                       ref: LinkRef | None = None, lines: _Lines | None = None,
                       otherwise: str = "", written: str | None = None) -> tuple[str, str] | None:
        """Why ``target``, written in ``note`` (or a canvas, by its stand-in), finds no file (it
        resolved as "missing"), for every place that names one: links and embeds, a canvas's
        cards, a mermaid node.  The rest of the message after the name (``is .trash/X.md, in
        Obsidian's trash, ...``, ``does not exist in the vault``) and the hint; None when the name
        has ``candidates`` all the same (it is reported as ambiguous).  ``what`` is what to remove
        ("link", "embed", "card", "node"); ``ref`` (and ``lines``, the note's text split) is the
        link as written, for the hints that read it; ``otherwise`` follows a bare "did you mean"
        and stands alone where there is no better hint.  ``written`` is the name as written
        before any ``|`` (``C# basics#Pointers``) where it is not read from the note's text at
        ``ref``'s place: a canvas text card's link, a mermaid node's text."""
        left_out = self._left_out_file(target, note)
        rel, why = left_out if left_out is not None else ("", None)
        if why is not None and why.kind == "templates":
            return (f"is {rel}, a template of the vault ({why.detail}, as Obsidian's Templates, "
                    "Templater or Daily notes settings name it), which the site leaves out",
                    f"remove the {what}, or set `publish_templates = true` in vaultsite.toml")
        if why is not None and why.kind == "theme":
            return (f"is {rel}, in the site's templates folder ({why.detail.rstrip('/')}/, "
                    "`templates_dir` of vaultsite.toml), which is never published",
                    f"remove the {what}: the site's templates make its pages and are none of them")
        if why is not None and why.kind == "trash":
            return (f"is {rel}, in Obsidian's trash, which the site never publishes",
                    _restore_hint(rel, target, note, what))
        if why is not None and why.kind == "cloud":
            return (f"is {rel}, which iCloud keeps only in the cloud: the vault holds its "
                    f"placeholder {why.detail}, not the file", CLOUD_HINT)
        if why is not None and why.kind == "symlink":
            return (f"is {rel}, {why.detail}, which the site does not publish",
                    f"put the file itself at {rel} to publish it, or remove the {what}")
        if why is not None:  # an ``ignore`` pattern's
            pattern = why.detail
            kind = "note" if rel.lower().endswith(".md") else "file"
            return (f"is the {kind} {rel}, which the ignore pattern {pattern!r} of vaultsite.toml "
                    "leaves out of the site",
                    f"remove the {what}, or take {rel} out of `ignore`"
                    + ("; to keep the note unpublished with links to it shown as plain text, give "
                       "it `publish: false` instead" if kind == "note" else ""))
        locked = self._unreadable_note(target, note)
        if locked is not None:
            return (f"is the note {locked}, which exists but cannot be read",
                    f"make {locked} readable by the user running vaultsite (check its "
                    "permissions and owner), then build again")
        if candidates:
            return None
        kept = self.kept_back(target, note, what)
        if kept is not None:
            return kept
        return "does not exist in the vault", self._unresolved(target, note, what, ref, lines,
                                                               otherwise, written)

    def _unresolved(self, target: str, note: Note, what: str, ref: LinkRef | None,
                    lines: _Lines | None, otherwise: str, written: str | None) -> str:
        """The hint for a link, embed, card or node whose ``target`` no file or alias of the vault
        is: the closest name, a name a wikilink cannot spell, a file code writes, a folder."""
        embed = ref is not None and ref.embed
        named = self.suggest(target)
        guess = named or self.suggest_alias(target)
        offered = (self._markdown_form(named, note) if named and ref is not None
                   and ref.kind == "markdown" else f"[[{guess}]]")
        hint = (f"did you mean {offered}?{' ' + otherwise if otherwise else ''}" if guess
                else otherwise or "create the note or fix the name")
        whose = "the file's name" if named else "the alias"
        unseen = guess and unseen_difference(posixpath.basename(target.strip()),
                                             posixpath.basename(guess), whose)
        if unseen:  # "... 10.00.00 AM.png" for a macOS screenshot's "... 10.00.00<U+202F>AM.png"
            hint = (f"did you mean [[{guess}]]? It reads the same, but {unseen}: copy {whose} "
                    f"into the link, or {'rename the file' if named else 'retype the alias'} "
                    "with plain spaces")
        titled = self._titled(target) if ref is not None and ref.kind == "wikilink" else None
        if titled is not None:  # [[Paper Title]] for @smith2020.md with `title: Paper Title`
            hint = _title_hint(titled, ref, what)
        if named and any(c in named for c in "#|[]"):  # [[C# basics]] would not find it
            hint = _unspellable_hint(named, "", embed, what, "A wikilink cannot name it ('#', "
                                     "'|', '[' and ']' mean something there)")
        writer = _line_naming(note, target) if _has_ext(target) else None
        if writer is not None:  # plt.savefig("x.png") above ![[x.png]]
            hint = (f"the code at line {writer} names this file, but what code writes is kept "
                    "neither in the vault nor in the site; its figures already show after "
                    "its block, so the embed can go")
        folder = self._folder_named(target) if not _has_ext(target) else None
        if folder is not None:  # [[Courses]] for the folder Courses/: Obsidian makes Courses.md
            first = min((n for n in self.notes.values() if n.publish and n.folder == folder),
                        key=lambda n: name_key(n.rel), default=None)
            inside = f", such as [[{_strip_md(first.rel)}]]" if first is not None else ""
            hint = (f"{folder} is a folder, and a link names a note or file (Obsidian would "
                    f"create a new note {posixpath.basename(folder)}.md); link to a note in "
                    f"it{inside}")
        flat = self._namespace_file(target) if folder is None else None
        if flat is not None:  # [[Projects/Garden]] for Logseq's pages/Projects___Garden.md
            page, sep = flat
            path = target.strip().strip("/")
            hint = (f"{page.rel} is this page, its file named as Logseq names a namespace's "
                    f"pages ('/' written '{sep}'), but Obsidian reads a '/' in a link as a "
                    f"folder: link to [[{_strip_md(posixpath.basename(page.rel))}]], or move the "
                    f"note into a folder {posixpath.dirname(path)} as "
                    f"{posixpath.basename(path)}.md")
        if ref is not None and ref.kind == "wikilink" and (
                roam := _logseq_roam_hint(ref, lines := lines or _Lines(note.text))):
            hint = roam  # {{[[TODO]]}}: Roam's task, not a note TODO; #[[a tag]]
        if written is None and ref is not None:
            written = _name_at(ref, lines or _Lines(note.text))
        found = self._name_with_hash(note, written) if written else None
        if found:
            # ``[[C# basics]]`` is note "C", heading "basics", in Obsidian as here
            whole, subpath = found
            hint = _unspellable_hint(whole, subpath, embed, what,
                                     "'#' starts a heading in a wikilink")
        return hint

    def _namespace_file(self, target: str) -> tuple[Note, str] | None:
        """The published note, and the separator, whose file name is ``target``'s path as Logseq
        names a namespaced page's file: ``Projects___Garden.md`` (older Logseq:
        ``Projects%2FGarden.md``) for ``[[Projects/Garden]]``, letter case aside."""
        key = _strip_md(name_key(target).strip("/"))
        if "/" not in key or _has_ext(key):
            return None
        for sep in ("___", "%2F"):
            for found in self._by_name.get(key.replace("/", sep.lower()), ()):
                if isinstance(found, Note) and found.publish:
                    return found, sep
        return None

    def _markdown_form(self, named: str, note: Note) -> str:
        """``named`` (a file's vault path, a note's without ``.md``, as ``suggest`` gives it) as a
        Markdown link in ``note`` writes it, ``(Workspace%20Home/Plan.md)``: its path from the
        note's folder, percent-encoded, as a Notion export writes its links and as a Markdown link
        of the note is read."""
        path = named if named in self.attachments else named + ".md"
        return "(" + quote(posixpath.relpath(path, note.folder or "."), safe="/") + ")"

    def _titled(self, target: str) -> Note | None:
        """The published note (the first in path order) whose ``title`` property is ``target``,
        letter case aside, when that title is not its file name: Obsidian links a note by its
        file name or an alias, never by its title, so a link by the title is unresolved."""
        if self._titles is None:
            self._titles = {}
            for note in sorted(self.notes.values(), key=lambda n: n.rel):
                key = _title_key(note)
                if key is not None:
                    self._titles.setdefault(key, note)
        return self._titles.get(name_key(target))

    def _folder_named(self, target: str) -> str | None:
        """The folder of published notes that ``target`` names (its path from the vault root, or
        its name, as a bare link names a note), letter case aside; the shortest path first."""
        key = name_key(target.strip("/"))
        if not key:
            return None
        memo = self._folder_keys
        if memo is None or memo[0] is not self.folder_urls:
            # each folder under every path that ends it (``b/c`` and ``c`` for ``a/b/c``): once
            # per index, not a scan of every folder for each missing name (thousands of links)
            found: dict[str, list[str]] = {}
            for f in self.folder_urls:
                if f:
                    parts = name_key(f).split("/")
                    for i in range(len(parts)):
                        found.setdefault("/".join(parts[i:]), []).append(f)
            memo = self._folder_keys = (self.folder_urls, {
                k: min(fs, key=lambda f: (f.count("/"), name_key(f), f)) for k, fs in found.items()})
        return memo[1].get(key)

    def kept_back(self, target: str, note: Note, what: str) -> tuple[str, str] | None:
        """For a ``target`` the vault has no file for, written in ``note`` (or a canvas, by its
        stand-in): (the rest of the message, after "which", and the hint) when creating the note
        would not help, the path being one the site never publishes: in a dot-folder or a
        dot-file (``[[.trash/Old]]``: the note may well exist there), or one an ``ignore``
        pattern leaves out.  ``what`` is what to remove: "link", "embed", "node"."""
        key = target.strip()
        if key.startswith(("./", "../")):
            key = posixpath.normpath(posixpath.join(note.folder, key))
        key = key.lstrip("/")
        parts = key.split("/")
        dotted = next((i for i, part in enumerate(parts)
                       if part.startswith(".") and part.strip(".")), None)  # not [[...]]
        kind = "file" if _has_ext(key) else "note"
        if dotted is not None and dotted < len(parts) - 1:
            folder = "/".join(parts[:dotted + 1])
            return (f"is in {folder}/, a dot-folder: the site never publishes one (nor does "
                    f"Obsidian show it), so the {kind} is not in the site even if it is there",
                    f"move the {kind} out of {folder}/ to publish it, or remove the {what}")
        if dotted is not None:
            return (f"names a dot-file ({parts[-1]}): the site never publishes one (nor does "
                    f"Obsidian show it), so the {kind} is not in the site even if it is there",
                    f"rename the file without the leading '.' and fix the {what}, or remove it")
        forms = (key,) if key.lower().endswith(".md") or _has_ext(key) else (key + ".md", key)
        pattern = next((p for p in (left_out_by(f, self.cfg.ignore) for f in forms) if p), None)
        if pattern is None:
            return None
        guess = self.suggest(target)
        return (f"does not exist in the vault, and a file at {forms[0]} would have no page either: "
                f"the ignore pattern {pattern!r} of vaultsite.toml leaves it out",
                f"did you mean [[{guess}]]?" if guess else
                f"remove the {what}, or take {forms[0]} out of `ignore` and create it")

    def _unreadable_note(self, target: str, note: Note) -> str | None:
        """The unreadable note that ``target`` names (by path, path suffix or bare name), if any."""
        return _file_named(target, note, self.unreadable)

    def _left_out_file(self, target: str, note: Note) -> tuple[str, LeftOut] | None:
        """The file the site leaves out that ``target`` names (by path, path suffix or bare name;
        a note also without ``.md``), with why, if any; else the file of Obsidian's trash it names,
        also by its name alone."""
        rel = _file_named(target, note, self.left_out)
        if rel is not None:
            return rel, self.left_out[rel]
        if not self._trash or not target:
            return None
        key = name_key(target)
        if key.startswith(("./", "../")):
            key = posixpath.normpath(posixpath.join(name_key(note.folder), key))
        key = key.strip("/")
        rel = self._trash.get(key)
        name = key.rsplit("/", 1)[-1]
        if rel is None and name != key and not self._by_name.get(name):
            # Obsidian's trash keeps no folders: [[Recipes/Waffles]] may be .trash/Waffles.md
            rel = self._trash.get(name)
        return (rel, _TRASHED) if rel is not None else None

    def _name_with_hash(self, note: Note, name: str) -> tuple[str, str] | None:
        """For an unresolved ``[[C# basics]]`` (``name`` is the name as written, before any
        ``|``): the name, when a file has it, and ""; for ``[[C# basics#Pointers]]``, the longest
        part before a ``#`` that a file has as its name, and the heading (or ``^block``) after it."""
        if "#" not in name:
            return None
        cut = len(name)
        while cut > 0:  # the whole name, then the part before each later "#", longest first
            part = name[:cut].strip()
            if "#" in part and self.resolve(part, note).kind in ("note", "attachment"):
                return part, name[cut + 1:].strip()
            cut = name.rfind("#", 0, cut)
        return None

    def _collect_tags(self, notes: list[Note]) -> None:
        for note in notes:
            if not note.publish:
                continue
            for tag in note.tags:
                parts = tag.strip("/").split("/")
                for i in range(1, len(parts) + 1):
                    name = "/".join(parts[:i])
                    key = tag_key(name)
                    info = self.tags.get(key)
                    if info is None:
                        info = self.tags[key] = TagInfo(key, name)
                    if not info.notes or info.notes[-1] != note.id:
                        info.notes.append(note.id)
        self._name_tags(notes)

    def _name_tags(self, notes: list[Note]) -> None:
        """Each tag's display spelling (tags are case-insensitive: ``#Project/Alpha`` and
        ``#project/alpha`` are one tag): level by level, the spelling of that level most notes
        use, ties to the first in path order (and in the note, to its first tag), under its
        parent's spelling, so that ``#project/Beta`` reads ``#Project/Beta`` when most notes write
        ``#Project``.  It depends on the notes' tags alone, not on the order notes are read in."""
        votes: dict[str, dict[str, list]] = {}  # key -> spelling of its last level -> [-notes, first]
        for n, note in enumerate(sorted((n for n in notes if n.publish), key=lambda n: n.rel)):
            seen: set[tuple[str, str]] = set()
            for t, tag in enumerate(note.tags):
                parts = tag.strip("/").split("/")
                for i in range(1, len(parts) + 1):
                    key = tag_key("/".join(parts[:i]))
                    if key not in self.tags or (key, parts[i - 1]) in seen:
                        continue
                    seen.add((key, parts[i - 1]))
                    vote = votes.setdefault(key, {}).setdefault(parts[i - 1], [0, (n, t)])
                    vote[0] -= 1
        for key in sorted(self.tags, key=lambda k: k.count("/")):  # parents first
            spellings = votes.get(key)
            if not spellings:
                continue
            level = min(spellings, key=lambda s: (spellings[s][0], spellings[s][1]))
            parent = key.rpartition("/")[0]
            self.tags[key].name = (self.tags[parent].name + "/" + level
                                   if parent in self.tags else level)

    def tag_name(self, tag: str) -> str:
        """The display spelling of ``tag`` (any spelling, no ``#``): its tag page's."""
        info = self.tags.get(tag_key(tag))
        return info.name if info is not None else tag


    def _tag_urls(self) -> dict[str, SiteUrl]:
        """A page URL for every tag, apart from every other tag's: ``#_todo`` and ``#todo``, or
        ``#x-y`` and ``#x--y``, slug alike and would share one page.  A tag whose slug is itself
        keeps it; another gets a ``-2`` suffix (in its own level: a nested tag's page sits in
        its parent's folder)."""
        urls: dict[str, SiteUrl] = {}
        taken: set[str] = set()

        # a parent before its children (every level of a tag is a tag of its own)
        order = sorted(self.tags, key=lambda k: (k.count("/"), "".join(plain_slug(k)) != k, k))
        for key in order:
            parent, _, last = key.rpartition("/")
            folder = urls[parent][len("_tags/"):-len(".html")] + "/" if parent else ""
            seg = slug_path(last) if last else "untitled"
            urls[key] = SiteUrl(f"_tags/{_step_aside(folder + seg, '', taken)}.html")
        return urls

    def stepped_aside(self) -> list[tuple[str, str]]:
        """The tags and attachments whose URL is not their plain one, having stepped aside for
        another's (the pages that link them change when that does)."""
        moved = [(key, url) for key, url in sorted(self.tag_urls.items())
                 if url != f"_tags/{''.join(plain_slug(key))}.html"]
        moved += [(rel, url) for rel in sorted(self.attachments)
                  if (url := self.attachment_url(self.attachments[rel]))
                  != plain_attachment_url(rel)]
        return moved

    def attachment_url(self, att: SourceFile) -> SiteUrl:
        """Where an attachment is copied: its vault path, folders slugged as notes' are, so that
        names read as written; one that would land on another file's URL (``_att/pic.png`` and
        ``att/pic.png``, or ``Q&A/x.png`` and ``QA/x.png``) gets a ``-2`` before its extension."""
        if self._attachment_urls is None:
            self._attachment_urls = self._assign_attachment_urls()
        found = self._attachment_urls.get(att.rel)
        return found if found is not None else plain_attachment_url(att.rel)

    def _assign_attachment_urls(self) -> dict[str, SiteUrl]:
        # the site's own files are taken too: pages, folder pages, the publishing files
        taken = {u.casefold() for u in self.urls.values()} | self._reserved | {
            "sitemap.xml", "feed.xml", "cname", ".nojekyll", ".vaultsite-site"}
        urls: dict[str, SiteUrl] = {}
        plain = {rel: plain_attachment_url(rel) for rel in self.attachments}
        # a file whose URL is its own path keeps it; the others step aside, in path order
        for rel in sorted(plain, key=lambda r: (plain[r] != r, r)):
            spelled = one_spelling(plain[rel], self._spelling)
            stem, dot, ext = spelled.rpartition(".")
            if not dot or "/" in ext:
                stem, dot, ext = spelled, "", ""
            urls[rel] = SiteUrl(_step_aside(stem, dot + ext, taken))
        return urls

    def canvas_page_url(self, att: SourceFile) -> SiteUrl | None:
        """The page that shows a canvas (``Board.canvas`` -> ``Board.canvas.html``, beside where
        the file itself would be copied): where ``[[Board.canvas]]`` takes the reader, as Obsidian
        opens the canvas.  None for any other file.  When that URL is another file's (a note
        ``Board.canvas.md``) the canvas's page steps aside (``Board.canvas-2.html``), as a page
        does: the canvas keeps a page, and its JSON file is never published in its place."""
        return self.canvas_pages().get(att.rel)

    def canvas_pages(self) -> dict[str, SiteUrl]:
        """Every canvas that has a page: vault path -> page URL, in path order."""
        if self._canvas_urls is None:
            taken = ({u.casefold() for u in self.urls.values()} | self._reserved
                     | {self.attachment_url(a).casefold() for a in self.attachments.values()})
            self._canvas_urls = {}
            for rel in sorted(self.attachments):
                if rel.lower().endswith(".canvas"):
                    self._canvas_urls[rel] = SiteUrl(_step_aside(
                        self.attachment_url(self.attachments[rel]), ".html", taken))
        return self._canvas_urls

    def canvas_links(self) -> dict[str, tuple[NoteId, ...]]:
        """Each canvas that has a page -> the published notes its file cards show, in card order,
        once each.  Obsidian records a file card as a link from the canvas to its file: the
        canvas is in that note's backlinks and joined to it in the graph view.  A link written in
        a text card is no link of the canvas ("Text-only cards don't appear in Backlinks",
        Obsidian's help on Canvas)."""
        if self._canvas_links is None:
            from generator.canvas import CanvasError, read_canvas

            self._canvas_links = {}
            for rel in self.canvas_pages():
                try:
                    canvas = read_canvas(self.attachments[rel])
                except CanvasError:
                    continue
                shown: dict[NoteId, None] = {}
                for node in canvas.nodes:
                    if node.type == "file":
                        res = self._resolve("/" + node.file.lstrip("/"), "")
                        if res.kind == "note" and res.note is not None:
                            shown[res.note.id] = None
                if shown:
                    self._canvas_links[rel] = tuple(shown)
        return self._canvas_links

    def canvas_backlinks(self, note_id: NoteId) -> tuple[str, ...]:
        """The canvases (vault paths, in path order) whose file cards show the note."""
        if self._canvas_backlinks is None:
            found: dict[NoteId, list[str]] = defaultdict(list)
            for rel, shown in self.canvas_links().items():
                for target in shown:
                    found[target].append(rel)
            self._canvas_backlinks = {k: tuple(v) for k, v in found.items()}
        return self._canvas_backlinks.get(note_id, ())

    def canvas_linkers(self) -> dict[str, dict[NoteId, bool]]:
        """Each canvas that has a page -> the published notes that link to it or embed it, in
        path order, each with whether it embeds it."""
        if self._canvas_linkers is None:
            pages = self.canvas_pages()
            found: dict[str, dict[NoteId, bool]] = defaultdict(dict)
            for note in sorted(self.published.values(), key=lambda n: n.rel) if pages else ():
                for link in note.links:
                    if link.target.lower().endswith(".canvas"):
                        res = self.resolve(link.target, note)
                        if res.attachment is not None and res.attachment.rel in pages:
                            seen = found[res.attachment.rel]
                            seen[note.id] = seen.get(note.id, False) or link.embed
            self._canvas_linkers = dict(found)
        return self._canvas_linkers

    def tag_url(self, tag: str) -> SiteUrl:
        """The page of ``tag`` (any spelling).  Tag pages live in ``_tags/``, a folder no note,
        vault folder or attachment can take (their URLs never start with ``_``), so ``#index`` or
        a vault folder ``Tags/`` collide with nothing."""
        found = self.tag_urls.get(tag_key(tag))
        return found if found is not None else SiteUrl(f"_tags/{slug_path(tag_key(tag))}.html")

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_links"] = {}  # only for the next index in this process
        state["_headings"] = {}  # cheaper to find again than to send
        state["_hkeys"] = {}
        state["_hint_words"] = {}
        state["_titles"] = None
        state["_folder_keys"] = None
        state["_logseq_blocks"] = None
        state["_hint_sets"] = {}
        state["_hinted"] = {}
        for memo in ("_picked", "_pools", "_suffixes", "_pick_tables", "_block_ids", "_closest"):
            state[memo] = {}
        return state

    @property
    def suggestions(self) -> tuple[str, dict[str, str | None]]:
        """The did-you-mean memo, for the next build's index."""
        return self.names_sig, self._suggested


def build_index(notes: list[Note], attachments: list[SourceFile], cfg: SiteConfig,
                suggestions: tuple[str, dict[str, str | None]] | None = None,
                previous: VaultIndex | None = None, unreadable: Iterable[str] = (),
                left_out: Mapping[str, LeftOut] | None = None,
                split_links: bool = False) -> VaultIndex:
    return VaultIndex(notes, attachments, cfg, suggestions, previous, unreadable, left_out,
                      split_links)


class _LinksAside:
    """The links of a vault's later notes, checked by a forked copy of the build process while the
    build process checks the earlier ones: on 10,000 notes, checking links is most of the index
    (about 1.2 CPU-s), and the index is built while the workers wait for it.

    The copy answers with each note's ``_Linked`` (its notes named by id, not pickled whole) and
    what it added to the memos the index keeps (resolutions, did-you-mean names), so that the
    workers and the next build find them as after a check in one process.  The hints of links to
    missing headings are left to the build process, which writes them for all notes in order
    (``HINT_BUDGET``).  When the copy fails or dies, the build process checks those notes itself."""

    #: The build process's share of the links (by count)
    SHARE = 0.55

    def __init__(self, index: VaultIndex, notes: list[Note]) -> None:
        # cut where the links are shared out so that both are done at about the same time: the
        # copy also pickles its answer, and the build process merges it
        weights = [1 + len(n.links) + len(n.html_refs) for n in notes]
        mine, done, self.cut = sum(weights) * self.SHARE, 0, 0
        while self.cut < len(notes) and done + weights[self.cut] <= mine:
            done += weights[self.cut]
            self.cut += 1
        import multiprocessing

        self.reader, writer = multiprocessing.Pipe(duplex=False)
        try:
            self.proc = forked(_link_notes_aside, index, notes[self.cut:], writer, self.reader)
        except OSError:  # no process to be had (memory, a limit): ``take`` gives None
            self.proc = None
        writer.close()

    def take(self, index: VaultIndex) -> list[_Linked] | None:
        """The copy's ``_Linked`` for the notes after ``cut``, its memos merged into ``index``'s;
        None when it gave no answer."""
        try:
            blob = self.reader.recv_bytes() if self.proc is not None else None
        except (EOFError, OSError):
            blob = None
        finally:
            self.reader.close()
        if blob is None:
            return None
        linked, memo, suggested, alias_suggested = pickle.loads(blob)
        for key, (kind, note_id, rel, candidates, alias) in memo:
            if key not in index._memo:
                index._memo[key] = Resolution(
                    kind, index.notes[note_id] if note_id is not None else None,
                    index.attachments[rel] if rel is not None else None, candidates, alias)
        for key, found in suggested:
            index._suggested.setdefault(key, found)
        for key, found in alias_suggested:
            index._alias_suggested.setdefault(key, found)
        return [_Linked(diags, outs, targets,
                        tuple((i, wanted, index.notes[target], written, markdown)
                              for i, wanted, target, written, markdown in hints))
                for diags, outs, targets, hints in linked]


def _link_notes_aside(index: VaultIndex, notes: list[Note], conn, theirs) -> None:  # in the copy
    # the parent's end of the pipe, which the fork copied: held here, a build killed before it
    # reads the answer would leave this process waiting for ever to write it
    theirs.close()
    code = 1
    try:
        # the memos only grow: what this copy adds comes after what it was given
        known = len(index._memo), len(index._suggested), len(index._alias_suggested)
        linked = [index._link_note(note) for note in notes]
        memo = [(key, (res.kind, res.note.id if res.note is not None else None,
                       res.attachment.rel if res.attachment is not None else None,
                       res.candidates, res.alias))
                for key, res in list(index._memo.items())[known[0]:]]
        answer = ([(hit.diags, hit.outs, hit.targets,
                    tuple((i, wanted, target.id, written, markdown)
                          for i, wanted, target, written, markdown in hit.hints))
                   for hit in linked], memo,
                  list(index._suggested.items())[known[1]:],
                  list(index._alias_suggested.items())[known[2]:])
        conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    finally:
        os._exit(code)  # the build process owns everything here: nothing to free or flush


_WORDS = re.compile(r"\w+")


def _title_key(note: Note | None) -> str | None:
    """The key of ``note``'s ``title`` property when it is published and the title is not its
    file's name (else None): what a link by the title would write."""
    if note is None or not note.publish:
        return None
    key = name_key(note.title)
    return key if key and key != name_key(note.rel.rsplit("/", 1)[-1].removesuffix(".md")) else None


def _title_dep(key: str) -> NoteId:
    """What a note with a link to the missing name ``key`` depends on, beside the notes it names:
    the note whose title ``key`` is (``_titled``); kept with those notes' ids (``_Linked.targets``)
    so that a rebuild checks the link again when a title becomes or stops being ``key``."""
    return NoteId("\0title\0" + key)


def _title_hint(note: Note, ref: LinkRef, what: str = "link") -> str:
    """The hint for a link written with ``note``'s title rather than its name: the link that
    finds it, with the title as the text shown (a note embed shows no text); for a mermaid
    node (``what`` "node"), the text that names it."""
    path = note.rel.removesuffix(".md")
    sub = "#^" + ref.block if ref.block else "".join("#" + part for part in ref.anchor)
    if what == "node":
        return (f"'{ref.target}' is the title of {note.rel}, but Obsidian finds a note by its "
                f"file name or an alias, not its title: change the node's text to {path}{sub}, "
                "or add the title to the note's `aliases`")
    link = (f"![[{path}{sub}]]" if ref.embed else
            f"[[{path}{sub}|{ref.alias if ref.alias is not None else ref.target}]]")
    return (f"'{ref.target}' is the title of {note.rel}, but Obsidian finds a note by its file "
            f"name or an alias, not its title: write {link}, or add the title to the note's "
            "`aliases`")


def _name_at(ref: LinkRef, lines: _Lines) -> str | None:
    """The name a wikilink in a note is written with, before any ``|`` (``C# basics#Pointers``),
    read from the note's text at its place.

    ``lines`` is the note's text split once for all its links: split per link, a note with
    50,000 unresolved links took minutes (the time grew with the square of their number)."""
    if ref.kind != "wikilink" or ref.line < 1 or ref.col < 1:
        return None
    line = lines.line(ref.line)
    start = line.find("[[", ref.col - 1)
    end = line.find("]]", start)
    if start < 0 or end < 0:
        return None
    return wikilink_name(line[start + 2:end])


def _logseq_roam_hint(ref: LinkRef, lines: _Lines) -> str | None:
    """The hint for a wikilink that is part of Logseq's or Roam's syntax: a tag of several
    words, ``#[[multi word tag]]``, or the name of a Roam command, ``{{[[TODO]]}}`` or
    ``{{[[embed]]: ((uid))}}``, as Roam's Markdown export writes them.  Obsidian reads the
    ``[[…]]`` as a link to a note of that name."""
    if ref.line < 1 or ref.col < 2:
        return None
    line = lines.line(ref.line)
    start = ref.col - 1
    end = line.find("]]", start)
    if line[start - 1] == "#" and line.startswith("[[", start) and end > 0:
        words = line[start + 2:end]
        return (f"#[[{words}]] is a Logseq or Roam tag, which Obsidian reads as '#' and a link "
                f"to a note {words}: write it as the tag #{'-'.join(words.split())}")
    if line[start - 2:start] != "{{" or not line.startswith("[[", start) or end < 0 \
            or not line.startswith(("}}", ":"), end + 2):
        return None
    name = line[start + 2:end]
    if name.upper() in ("TODO", "DONE"):
        box = "[ ]" if name.upper() == "TODO" else "[x]"
        return (f"{{{{[[{name}]]}}}} is Roam's task marker, which Obsidian reads as a link to a note "
                f"{name}: write the item as an Obsidian task, - {box} and its text")
    shown = f"{{{{[[{name}]]{': …' if line.startswith(':', end + 2) else ''}}}}}"
    return (f"{shown} is a Roam command, which Obsidian shows as written with a link "
            f"to a note {name}: write what it makes in Obsidian's syntax (an embed is "
            "![[Its note#^id]]) or remove it")


def wikilink_name(inner: str) -> str:
    """The name part of what a wikilink writes between ``[[`` and ``]]``: before its first ``|``
    (a table's ``\\|`` too), heading included."""
    return inner.split("|", 1)[0].rstrip("\\").strip()


def _unspellable_hint(name: str, subpath: str, embed: bool, what: str, why: str) -> str:
    """The hint for a link whose file's ``name`` holds what a wikilink reads as syntax
    (``C# basics``): in a note or a canvas's text card, the Markdown link that finds it (with
    ``subpath``, the heading or block after the name); a mermaid node's text is read as a
    wikilink is and can hold no Markdown link, so the file must be renamed."""
    if what == "node":
        kind = "file" if _has_ext(name) else "note"
        return (f"did you mean '{name}'? {why}, and a node's text is read as one, so no node can "
                f"open this {kind}: rename it without those characters (Obsidian updates the "
                "links to it), then name it in the node")
    href = quote(name if _has_ext(name) else name + ".md")
    if subpath:  # [[C# basics#Pointers]]: the heading goes in the link's fragment
        href += "#" + quote(subpath)
    return (f"did you mean '{name}'? {why}, so link to it with a markdown link: "
            f"{'!' if embed else ''}[{name}]({href})")


def _trim_punctuation(part: str) -> str:
    """``part`` without the punctuation (Unicode category P: brackets, quotes, dashes, commas)
    at its ends; symbols stay (``c++``)."""
    i, j = 0, len(part)
    while i < j and unicodedata.category(part[i])[0] == "P":
        i += 1
    while j > i and unicodedata.category(part[j - 1])[0] == "P":
        j -= 1
    return part[i:j]


def _name_words(name: str) -> str:
    """A name's words, one space apart: the parts between spaces (or ``_``, which file names write
    for one) without the punctuation at their ends, those that are only punctuation dropped
    (``smith (2020) - on things`` is ``smith 2020 on things``).  Punctuation inside a word stays:
    ``2024-01-15`` is one word, so that ``[[2024]]`` is not told of a daily note.  Letters are
    compared as search compares them, without their accents (``[[Aelis]]`` for ``Ser Aëlis.md``:
    a name typed on a keyboard that has no ``ë``)."""
    words = map(_trim_punctuation, normalize(name).replace("_", " ").split())
    return " ".join(w for w in words if w)


# as in a note's text: a single ``]`` does not end the link, a ``[…]`` is part of the name
_PROPERTY_LINK = re.compile(r"\[\[((?:[^\[\]\n]|\[[^\[\]\n]*\]|\](?!\]))+)\]\]")


def property_links(note: Note) -> list[LinkRef]:
    """The wikilinks in a note's text and list properties (``up: "[[Index]]"``): Obsidian counts
    them as links (backlinks, graph, unresolved links).  Each is placed where it is written in the
    front-matter, else on its key's line."""
    values = [(key, v) for key, value in note.meta.items() if isinstance(key, str)
              for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    if not any("[[" in v for _key, v in values):
        return []
    lines = note.text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
    refs: list[LinkRef] = []
    finder = PlaceFinder(lines[1:end])  # one look at the lines for all the links
    for key, value in values:
        for m in _PROPERTY_LINK.finditer(value):
            inner = m.group(1)
            path, _, alias = inner.partition("|")
            target, *parts = path.split("#")
            block = parts[-1][1:].strip() if parts and parts[-1].startswith("^") else None
            anchor = () if block else tuple(p.strip() for p in parts if p.strip())
            place = finder.place(key, m.group(0))
            line, col = (place[0] + 2, place[1] + 1) if place is not None else (1, 1)
            refs.append(LinkRef(target.strip(), anchor, block, alias.strip() or None,
                                line=line, col=col))
    return refs


SHOWN_CANDIDATES = 20  # an ambiguity warning names this many other candidates, then counts


def other_candidates(candidates: tuple[str, ...], chosen: str) -> str:
    """The ``candidates`` (in path order) other than ``chosen``, the first ``SHOWN_CANDIDATES``
    of them, then how many more: a name shared by thousands of files would otherwise write
    thousands of paths into each of thousands of warnings."""
    shown: list[str] = []
    for rel in candidates:
        if len(shown) == SHOWN_CANDIDATES:
            break
        if rel != chosen:
            shown.append(rel)
    # the candidates are sorted: whether ``chosen`` is one of them is a bisection
    at = bisect.bisect_left(candidates, chosen)
    more = len(candidates) - (at < len(candidates) and candidates[at] == chosen) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _line_naming(note: Note, target: str) -> int | None:
    """The 1-based line of the first runnable code line of ``note`` that names ``target``'s file (a
    ``savefig("x.png")``), or None."""
    name = target.strip().rsplit("/", 1)[-1]
    for cell in note.cells if name else ():
        for offset, line in enumerate(cell.code.split("\n")):
            if name in line:
                return cell.line + offset
    return None


def _permalink_path(permalink: str) -> str | None:
    """The site path a front-matter ``permalink`` asks for, from the site root whether or not it
    starts with ``/``; ``.`` and ``..`` inside it are followed (``a/../b`` is ``b``).  None when it
    climbs above the site root (``../../escape``): there is no such page to give."""
    path = posixpath.normpath(permalink.strip("/")) if permalink.strip("/") else ""
    if path == ".." or path.startswith("../"):
        return None
    return "" if path == "." else path


def _asks_home(permalink: str) -> bool:
    """Whether a front-matter ``permalink`` names the site's home page: ``/``, ``index`` or
    ``index.html`` (from the site root, in any case)."""
    path = _permalink_path(permalink)
    return path is not None and path.casefold() in ("", "index", "index.html")


def _permalink_place(note: Note) -> tuple[int, int]:
    """1-based line and column of a note's ``permalink:`` value."""
    lines = note.text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
    return _front_matter_place(lines, end, "permalink", str(note.permalink))


def _front_matter_place(lines: list[str], end: int, key: str, raw: str) -> tuple[int, int]:
    """1-based line and column of ``raw`` under ``key:`` in the front-matter (lines 1..end-1),
    else of the key, else 1:1."""
    place = front_matter_place(lines[1:end], key, raw)
    if place is None:
        return 1, 1
    return place[0] + 2, place[1] + 1


def _config_place(path: Path, key: str) -> tuple[int, int]:
    """The line and column of ``key``'s value in a TOML file (1:1 when it cannot be told)."""
    try:
        line, col = key_place(path.read_text(encoding="utf-8-sig"), key)
    except (OSError, UnicodeDecodeError):
        line = col = 0
    return (line, col) if line else (1, 1)


def plain_slug(key: str) -> tuple[str, str]:
    """A tag key's slug with no collision suffix, as (folder, name)."""
    parent, _, last = key.rpartition("/")
    return (slug_path(parent) + "/" if parent else ""), (slug_path(last) if last else "untitled")


def plain_attachment_url(rel: str) -> SiteUrl:
    """An attachment's vault path with its folders slugged (and no control character).  At the
    root a name does not start with ``_``: the site's own files and folders do (``_tags.html``)."""
    folder, _, name = rel.rpartition("/")
    name = printable(name)
    if folder:
        return SiteUrl(f"{slug_path(folder)}/{windows_safe(fit_name(name, keep_ext=True))}")
    return SiteUrl(windows_safe(fit_name(name.lstrip("_"), keep_ext=True)) or "untitled")


def _asked_base(path: str | None) -> str:
    """The page path (no ``.html``) that a permalink's path asks for; "" for none."""
    base = slug_path(path) if path else ""
    return base[:-5] if base.endswith(".html") else base


def _first_folder_apart(wrote: str, spelled: str) -> tuple[str, str]:
    """The first folder of ``wrote`` that ``one_spelling`` spelled otherwise, both ways."""
    a, b = wrote.split("/"), spelled.split("/")
    i = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    return "/".join(a[: i + 1]), "/".join(b[: i + 1])


def _step_aside(stem: str, suffix: str, taken: set[str]) -> str:
    """``stem + suffix``, or ``stem-2 + suffix``, ``-3``…: the first not in ``taken`` (compared
    case-insensitively, as file systems of macOS and Windows do), which it then takes."""
    cand, n = stem + suffix, 2
    while cand.casefold() in taken:
        cand, n = f"{stem}-{n}{suffix}", n + 1
    taken.add(cand.casefold())
    return cand
