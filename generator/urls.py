"""Site URLs: slugs for note and folder paths, and page-relative hrefs.

A ``SiteUrl`` is relative to the site root and names a file (``Notes/Café-notes.html``).  A page turns it
into an href relative to itself with ``relative_href`` so the site works from ``file://``, under a
GitHub Pages project sub-path and on any static host.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from generator.model import SiteUrl

# Characters that break a URL or a file name on some system; spaces become dashes.
_DROP = re.compile(r"[\x00-\x1f\x7f#?%&\"<>\\|^{}\[\]`*:;=+@$!']")
_DASHES = re.compile(r"[\s-]+")


def slug_segment(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = _DROP.sub("", name)
    name = _DASHES.sub("-", name).strip("-.")
    return name or "untitled"


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


_SAFE = re.compile(r"[A-Za-z0-9/\-._~()!,']*")


def _quote(path: str, safe: str = "/-._~()!,'") -> str:
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
    return quote(fragment, safe="-._~()!,'=")


def root_prefix(from_url: SiteUrl | str) -> str:
    """Relative prefix from a page to the site root: ``""`` or ``"../"`` repeated."""
    depth = from_url.count("/")
    return "../" * depth
