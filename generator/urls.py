"""Site URLs: slugs for note and folder paths, and page-relative hrefs.

A ``SiteUrl`` is relative to the site root and names a file (``Notes/Café-notes.html``).  A page turns it
into an href relative to itself with ``relative_href`` so the site works from ``file://``, under a
GitHub Pages project sub-path and on any static host.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote

from generator.model import SiteUrl

# Characters that break a URL or a file name on some system; spaces become dashes.
_DROP = re.compile(r"[\x00-\x1f\x7f#?%&\"<>\\|^{}\[\]`*:;=+@$!']")
_DASHES = re.compile(r"[\s-]+")


# The bytes a slugged path component may take.  File systems allow 255 per component; the rest is
# room for what is added after slugging: a collision suffix (``-2``) and ``.html``.
MAX_NAME_BYTES = 200


def local_parts(href: str) -> tuple[str, str]:
    """A local link's vault path and fragment, decoded, as Obsidian reads a Markdown link's
    destination: the path runs to the first ``#``, and a ``?`` is part of a file's name (a vault
    path has no query string): ``[x](Why?.md)`` is the note ``Why?``, ``[x](<A review?.md#Q&A>)``
    the heading ``Q&A`` of the note ``A review?``."""
    path, _, fragment = href.partition("#")
    return unquote(path), unquote(fragment)


def fit_name(name: str, keep_ext: bool = False) -> str:
    """``name``, or when longer than ``MAX_NAME_BYTES`` (UTF-8) its start and a short hash of the
    whole: the same name always gets the same shortening, and two long names that share their
    start still differ.  ``keep_ext``: an attachment's extension (``.png``) stays at the end."""
    raw = name.encode("utf-8")
    if len(raw) <= MAX_NAME_BYTES:
        return name
    ext = ""
    if keep_ext:
        stem, dot, tail = name.rpartition(".")
        if dot and stem and len(tail.encode("utf-8")) <= 16:
            name, ext = stem, "." + tail
    digest = hashlib.blake2b(raw, digest_size=4).hexdigest()
    room = MAX_NAME_BYTES - len(ext.encode("utf-8")) - len(digest) - 1
    cut = name.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip("-. ")
    return f"{cut}-{digest}{ext}"


# Names Windows keeps for devices, whatever their extension (``CON.html``, ``aux.png``, ``nul.tar.gz``):
# a site with such a file or folder cannot be checked out or unpacked there.
_DEVICE = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])",
                     re.IGNORECASE)


# Characters no Windows file name holds, and a name's last dot or space, which Windows drops:
# ``what?.png`` or ``10:30.png`` (an attachment saved on macOS or Linux) stops a checkout there.
_NOT_WINDOWS = re.compile(r'[<>:"|?*\\]')


def windows_safe(name: str) -> str:
    """``name`` (a file or folder name of the site), with ``_`` after the part before its first
    dot when Windows keeps that part for a device: ``CON`` -> ``CON_``, ``aux.png`` ->
    ``aux_.png``; with ``_`` for each character Windows refuses in a name (``what?.png`` ->
    ``what_.png``) and for its dots and spaces at the end (``v2.`` -> ``v2_``).  Pages, folders
    and files get such a name by their note, folder or file; links reach them through the index,
    as every link does."""
    name = _NOT_WINDOWS.sub("_", name)
    if name.endswith((".", " ")):
        name = name.rstrip(". ") + "_"
    stem, dot, rest = name.partition(".")
    if _DEVICE.fullmatch(stem.rstrip(" ")):
        return f"{stem.rstrip(' ')}_{dot}{rest}"
    return name


def slug_segment(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = _DROP.sub("", name)
    name = _DASHES.sub("-", name).strip("-.")
    return windows_safe(fit_name(name)) if name else "untitled"


@lru_cache(maxsize=131072)
def slug_path(path: str) -> str:
    """``Notes/Q&A 100% (v2)`` -> ``Notes/QA-100-(v2)``; folders are slugged the same way.

    A slug never starts with ``_``: the site's own folders (``_assets``, ``_tags``, ``_search`` ...)
    do, so ``_drafts/Idea`` becomes ``drafts/Idea``.
    """
    slug = "/".join(slug_segment(p) for p in path.split("/") if p)
    if slug.startswith("_"):
        slug = slug.lstrip("_")
        slug = slug if slug and not slug.startswith("/") else "untitled" + slug
    return slug


# Not "'": written in an attribute it becomes &#x27;, which tools that read hrefs without decoding
# HTML (link checkers) take for part of the path; %27 reads the same everywhere.
_SAFE = re.compile(r"[A-Za-z0-9/\-._~()!,]*")


def one_spelling(url: str, spelling: dict[str, str]) -> str:
    """``url`` with each of its folders written as the site first wrote a folder that differs from
    it only in letter case (``teams/x.html`` beside ``Teams/``: ``Teams/x.html``), recording the
    folders it is the first to write.  A disk of macOS or Windows holds one of the two folders:
    the site copied, checked out or built there has the other's files in it, and its links to the
    other spelling, resolved by a case-sensitive host (GitHub Pages), lead nowhere."""
    parts = url.split("/")
    for i in range(1, len(parts)):
        folder = "/".join(parts[:i])
        parts[:i] = spelling.setdefault(folder.casefold(), folder).split("/")
    return "/".join(parts)


def _quote(path: str, safe: str = "/-._~()!,") -> str:
    return path if _SAFE.fullmatch(path) else quote(path, safe=safe)


def _relative(target: str, base: str) -> str:
    """``target`` relative to the folder ``base`` (both site-relative, normalised, no ``..``).

    Only the two folders decide the way up and down, and a site has few folders: that part is
    cached per pair of folders, the (quoted) file name per file."""
    folder, _, name = target.rpartition("/")
    return _folder_prefix(folder, base) + _quote_name(name)


@lru_cache(maxsize=65536)
def _folder_prefix(folder: str, base: str) -> str:
    """The quoted way from folder ``base`` to folder ``folder``: ``""``, ``"../"``, ``"a/b/"``…"""
    t_parts = folder.split("/") if folder else []
    b_parts = base.split("/") if base else []
    common = 0
    for a, b in zip(t_parts, b_parts, strict=False):
        if a != b:
            break
        common += 1
    down = "".join(part + "/" for part in t_parts[common:])
    return "../" * (len(b_parts) - common) + _quote(down)


@lru_cache(maxsize=131072)
def _quote_name(name: str) -> str:
    return _quote(name)


def relative_href(target: SiteUrl | str, from_url: SiteUrl | str, fragment: str | None = None) -> str:
    """Percent-encoded href to ``target`` from the page at ``from_url``."""
    if target:
        href = _relative(target, from_url.rsplit("/", 1)[0] if "/" in from_url else "")
    else:
        href = _quote(from_url.rsplit("/", 1)[-1])
    if fragment:
        href += "#" + _quote_fragment(fragment)
    return href


@lru_cache(maxsize=131072)
def _quote_fragment(fragment: str) -> str:
    # "=": a PDF's #page=3; not "^" (a block id, ``#^id``): no URL code point, so written %5E,
    # which browsers decode to find the element
    return quote(fragment, safe="-._~()!,=")


def root_prefix(from_url: SiteUrl | str) -> str:
    """Relative prefix from a page to the site root: ``""`` or ``"../"`` repeated."""
    depth = from_url.count("/")
    return "../" * depth
