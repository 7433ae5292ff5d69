"""Site URLs: slugs for note and folder paths, and page-relative hrefs.

A ``SiteUrl`` is relative to the site root and names a file (``Notes/Café-notes.html``).  A page turns it
into an href relative to itself with ``relative_href`` so the site works from ``file://``, under a
GitHub Pages project sub-path and on any static host.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from generator.model import SiteUrl

# Characters that break a URL or a file name on some system; spaces become dashes.
_DROP = re.compile(r"[#?%&\"<>\\|^{}\[\]`*:;=+@$!']")
_DASHES = re.compile(r"[\s-]+")


def slug_segment(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = _DROP.sub("", name)
    name = _DASHES.sub("-", name).strip("-.")
    return name or "untitled"


def slug_path(path: str) -> str:
    """``Notes/Q&A 100% (v2)`` -> ``Notes/QA-100-(v2)``; folders are slugged the same way."""
    return "/".join(slug_segment(p) for p in path.split("/") if p)


@lru_cache(maxsize=65536)
def _relative(target: str, base: str) -> str:
    return quote(posixpath.relpath(target, base or "."), safe="/-._~()!,'")


def relative_href(target: SiteUrl | str, from_url: SiteUrl | str, fragment: str | None = None) -> str:
    """Percent-encoded href to ``target`` from the page at ``from_url``."""
    if target:
        href = _relative(target, posixpath.dirname(from_url))
    else:
        href = quote(posixpath.basename(from_url), safe="/-._~()!,'")
    if fragment:
        href += "#" + quote(fragment, safe="-._~()!,'^")
    return href


def root_prefix(from_url: SiteUrl | str) -> str:
    """Relative prefix from a page to the site root: ``""`` or ``"../"`` repeated."""
    depth = from_url.count("/")
    return "../" * depth
