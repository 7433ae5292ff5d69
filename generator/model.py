"""Plain data shared by the stages.  No I/O, no logic beyond small properties.

Paths inside the vault are ``VaultPath`` strings: vault-relative, forward slashes, original spelling
(``Notes/Café notes.md``).  Site URLs are ``SiteUrl`` strings relative to the site root
(``Notes/Café-notes.html``); pages turn them into page-relative hrefs only when rendering.
"""

from __future__ import annotations

import datetime as _dt
import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NewType

from generator.diagnostics import Diagnostic

VaultPath = NewType("VaultPath", str)
NoteId = NewType("NoteId", str)  # vault path of a note, without ".md"
SiteUrl = NewType("SiteUrl", str)  # path relative to the site root, e.g. "Notes/Python.html"


def file_stamp(st: Any) -> tuple[int, int, int, int]:
    """What tells one version of a file from another, from its ``os.stat`` result: size, inode,
    change and modification times.  A file put in place of another with the old size and time
    (``cp -p``, ``touch -r``, a sync tool) still has a new inode or change time."""
    return st.st_size, st.st_ino, st.st_ctime_ns, st.st_mtime_ns


@dataclass(frozen=True)
class SourceFile:
    rel: VaultPath
    abs: Path
    kind: Literal["note", "attachment"]
    digest: str
    size: int


@dataclass(frozen=True)
class LeftOut:
    """Why the site leaves out a file the vault has (``Vault.left_out``): a link to it is told so,
    not that it "does not exist".  ``kind``: ``ignore`` (``detail``: the ``ignore`` pattern),
    ``templates`` (the template folder, as Obsidian's settings name it), ``theme`` (the site's own
    templates folder, ``templates_dir``, as a vault path), ``symlink`` (what the
    skipped symbolic link is, in a few words), ``cloud`` (the iCloud placeholder's name), ``trash``
    (in Obsidian's trash; no detail)."""

    kind: Literal["ignore", "templates", "theme", "symlink", "cloud", "trash"]
    detail: str = ""


@dataclass(frozen=True)
class LinkRef:
    """One link or embed as written.  ``line`` and ``col`` are 1-based positions in the note file."""

    target: str  # path part, "" for [[#Heading]]
    anchor: tuple[str, ...] = ()  # heading parts: [[Note#A#B]] -> ("A", "B")
    block: str | None = None  # [[Note#^id]] -> "id"
    alias: str | None = None  # display text, or the size spec of an image embed
    embed: bool = False
    line: int = 0
    col: int = 0
    kind: Literal["wikilink", "markdown", "obsidian"] = "wikilink"  # obsidian: the URI as target


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # plain text of the heading
    anchor: str  # HTML id, unique within the note
    line: int  # 1-based
    end_line: int = 0  # 1-based last line of the section (exclusive of the next heading of <= level)
    source: str = ""  # the heading as written, markup included ("`move`")


@dataclass(frozen=True)
class BlockRef:
    id: str
    start_line: int  # 1-based, inclusive
    end_line: int  # 1-based, inclusive


@dataclass
class Note:
    source: SourceFile
    id: NoteId
    title: str
    text: str  # the whole file, decoded, "\n" line ends, no BOM
    meta: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # as written, without "#", front-matter and inline, de-duplicated
    date: _dt.date | None = None
    description: str | None = None
    permalink: str | None = None
    publish: bool = True
    links: tuple[LinkRef, ...] = ()
    headings: tuple[Heading, ...] = ()
    blocks: tuple[BlockRef, ...] = ()
    cells: tuple[Any, ...] = ()  # generator.execute cells
    tokens: list[Any] = field(default_factory=list, repr=False)  # markdown-it tokens of the body
    diagnostics: tuple[Diagnostic, ...] = ()
    summary: str = ""  # first paragraph(s) as plain text, for descriptions and previews
    listing_summary: str = ""  # the summary with code spans as `code`, when it has any
    plain_text: str = ""  # the body as plain text, for the search index
    #: Dataview inline fields (``Key:: value``, ``[key:: value]``), in order: (key, value text),
    #: the text None when the value is more than text (a link, emphasis)
    fields: tuple[tuple[str, str | None], ...] = ()
    #: The ids Logseq gives blocks, ``id:: 6571a2b3-…`` on a line of its own after the block's
    #: text: (the id lower-cased, that line, 1-based); the index names them in a ``((uuid))``'s
    #: hint
    logseq_ids: tuple[tuple[str, int], ...] = ()
    #: Local addresses written in raw HTML (``<img src="pic.png">``, ``<a href="Other.md">``,
    #: ``<video>``, ``<audio>``, ``<source>``): pages resolve them as Markdown links, and the index
    #: checks them as it checks links, but they are no links of the note (backlinks, graph)
    html_refs: tuple[LinkRef, ...] = ()
    #: The body shows nothing (``parse.shows_nothing``: no tokens but its properties, or only a
    #: comment): an embed of the whole note reads "Note (empty)" on the page
    blank: bool = False

    def __getstate__(self) -> dict[str, Any]:
        """Tokens and caches never cross a process boundary: they are made again there."""
        state = self.__dict__.copy()
        for cache in ("_sections", "_site_note", "_listing_key", "_dv_keys", "_dv_named",
                      "_token_map", "_tops", "_lines"):
            state.pop(cache, None)
        state["tokens"] = []
        return state

    @property
    def rel(self) -> VaultPath:
        return self.source.rel

    @property
    def written_rel(self) -> str:
        """The vault path as the file system spells it.  Names are matched in NFC; a name written
        in NFD (as macOS writes ``é``) keeps those bytes here, for the page's ``source`` meta."""
        parts = self.source.rel.split("/")
        disk = self.source.abs.parts[-len(parts):]
        if len(disk) == len(parts) and all(
                d == p or unicodedata.normalize("NFC", d) == p for d, p in zip(disk, parts, strict=True)):
            return "/".join(disk)
        return self.source.rel

    @functools.cached_property
    def folder(self) -> str:  # asked for at every link resolved from the note
        rel = self.source.rel
        return rel.rsplit("/", 1)[0] if "/" in rel else ""

    @property
    def stem(self) -> str:
        return self.id.rsplit("/", 1)[-1]
