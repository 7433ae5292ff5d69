"""Redirect pages at a note's old addresses, as Obsidian Publish leaves them.

Obsidian's help ("Obsidian Publish/Permalinks"): a note with a ``permalink`` is still reached at the
URL of its own path ("If someone visits a note using the original URL, they'll be automatically
redirected to the permalink"), and an alias written as a path (``aliases: [Guides/Making friends]``)
redirects that path's URL to the note ("Redirect old notes").  Each is a small page with a
``<meta http-equiv="refresh">`` (a static host has no server-side redirect), a script before it that
keeps the address's ``#section`` (which a refresh drops), and a link for readers and tools that
follow neither.  A redirect never takes the place of a page or file of the site,
nor turns one into a folder (``pic.png/x.html``): the first note (in path order) to ask for an
address gets it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape

from generator.model import Note, SiteUrl
from generator.urls import one_spelling, relative_href, slug_path


def old_paths(note: Note) -> list[str]:
    """The vault paths that lead to ``note`` besides its page: its own path when a permalink moved
    it, and each alias that names a path (``Guides/Making friends``)."""
    paths = [note.id] if note.permalink else []
    for alias in note.aliases:
        path = alias.strip().strip("/")
        # ``../x`` and ``./x`` name no path of the vault (slugged, they would be ``untitled/x``)
        if "/" in path and not {".", ".."} & {part.strip() for part in path.split("/")}:
            paths.append(path.removesuffix(".md"))
    return paths


def _folders(url: str) -> list[str]:
    """The folders a site URL is in: ``a/b/c.html`` -> ``a``, ``a/b``."""
    parts = url.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def redirect_pages(notes: Sequence[Note], urls: dict, taken: Iterable[str], language: str,
                   spelling: dict[str, str]) -> dict[str, bytes]:
    """Site URL -> redirect page, for the old addresses of ``notes`` (published, in path order) that
    no page or file of the site has (``taken``: site URLs, compared case-insensitively), and whose
    folders are no file of the site, nor the address a folder of it.  A folder is written as the
    site spells it (``spelling``, ``VaultIndex.folder_spelling``, which this adds the new ones to:
    ``teams/Old name`` beside ``Teams/`` goes into ``Teams/``, one folder on a disk of macOS or
    Windows and one address on a case-sensitive host)."""
    used = {url.casefold() for url in taken}
    folders = {folder for url in used for folder in _folders(url)}
    pages: dict[str, bytes] = {}
    for note in notes:
        target = urls[note.id]
        for path in old_paths(note):
            slug = slug_path(path)
            url = SiteUrl(one_spelling(f"{slug}.html", spelling)) if slug else None
            if url is None or url == target:
                continue
            key = url.casefold()
            if key in used or key in folders or not used.isdisjoint(_folders(key)):
                continue
            used.add(key)
            folders.update(_folders(key))
            pages[url] = _page(note.title, relative_href(target, url), language)
    return pages


def _page(title: str, href: str, language: str) -> bytes:
    # the script keeps the address's #section (a refresh drops it: an old link to a heading would
    # land at the top of the note); the refresh is for readers without JavaScript
    go = json.dumps(href).replace("</", "<\\/")
    title, href = escape(title), escape(href)
    return (f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{title}</title>\n<meta name="robots" content="noindex">\n'
            f'<link rel="canonical" href="{href}">\n'
            f'<script>location.replace({go} + location.hash)</script>\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n</head>\n<body>\n'
            f'<p>This page has moved to <a href="{href}">{title}</a>.</p>\n</body>\n</html>\n'
            ).encode()
