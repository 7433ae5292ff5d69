"""Publishing: sitemap, Atom feed, ``.nojekyll``, ``CNAME``, canonical link and Open Graph tags.

Everything here is a pure function of its arguments and returns text or files
(``dict[site-relative path, bytes]``) for ``emit.py`` to write.  Output is deterministic: nothing
depends on the clock, so two builds of the same vault give the same bytes.  The feed's ``<updated>``
is the newest entry's date, not the build time.

Site URLs (``SiteUrl``) are relative to the site root (``Notes/Python.html``).  ``site_url`` is the
absolute address the site is published at (``https://me.github.io/notes``), with or without a
trailing slash.  A page called ``index.html`` is addressed by its folder (``.../notes/``), which is
how GitHub Pages serves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlsplit, urlunsplit

SITEMAP_NAME = "sitemap.xml"
FEED_NAME = "feed.xml"
NOJEKYLL_NAME = ".nojekyll"
CNAME_NAME = "CNAME"

# Characters left alone when percent-encoding a site URL: the URL syntax itself and "%" (so an
# already-encoded URL is not encoded twice).
_URL_SAFE = "/:@!$&'()*+,;=-._~%#?"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

DateLike = dt.date | dt.datetime


@dataclass(frozen=True)
class FeedEntry:
    """One note in the feed.  ``url`` is site-relative; ``summary`` is plain text."""

    title: str
    url: str
    date: DateLike | None
    summary: str = ""
    updated: DateLike | None = None

    @property
    def newest(self) -> DateLike | None:
        """The later of ``date`` and ``updated``: when the note last changed, as far as we know."""
        stamps = [d for d in (self.date, self.updated) if d is not None]
        return max(stamps, key=_as_utc) if stamps else None


@dataclass(frozen=True)
class SitemapEntry:
    """One page in the sitemap.  ``url`` is site-relative; ``lastmod`` is optional."""

    url: str
    lastmod: DateLike | None = None


def base_url(site_url: str) -> str:
    """``site_url`` with exactly one trailing slash, written as an address must be in a sitemap,
    a feed and an HTML attribute: its path percent-encoded (``/Hand Book`` -> ``/Hand%20Book``,
    ``/手册`` -> ``/%E6%89%8B%E5%86%8C``; a ``%XX`` stays) and a host name in other letters as DNS
    has it (``xn--…``).  A browser reads either form alike; the sitemap protocol and a checker of
    URLs take only this one."""
    parts = urlsplit(site_url.rstrip("/"))
    host = parts.netloc
    if not host.isascii():
        try:
            host = (parts.hostname or "").encode("idna").decode("ascii") + (
                f":{parts.port}" if parts.port else "")
        except (UnicodeError, ValueError):  # no name DNS could hold: left as written
            pass
    return urlunsplit((parts.scheme, host, quote(parts.path, safe=_URL_SAFE), parts.query,
                       parts.fragment)) + "/"


def page_path(url: str) -> str:
    """The path a browser uses for a site-relative URL: ``a/index.html`` -> ``a/``."""
    url = url.lstrip("/")
    if url == "index.html":
        return ""
    if url.endswith("/index.html"):
        return url[: -len("index.html")]
    return url


def absolute_url(site_url: str, url: str) -> str:
    """The public address of a site-relative URL, percent-encoded (non-ASCII, spaces)."""
    return base_url(site_url) + quote(page_path(url), safe=_URL_SAFE)


def _as_utc(value: DateLike) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def rfc3339(value: DateLike) -> str:
    """``2024-05-01T00:00:00Z``: a date counts as midnight UTC, a naive datetime as UTC."""
    return _as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _w3c_date(value: DateLike) -> str:
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    return value.isoformat()


def _x(text: str) -> str:
    """Escape for XML text and attribute values; drop characters XML 1.0 forbids."""
    cleaned = "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)
    return escape(cleaned, quote=True)


def sitemap_xml(site_url: str, pages: Iterable[SitemapEntry | str]) -> bytes:
    """``sitemap.xml`` listing every page once, sorted by URL."""
    entries: dict[str, SitemapEntry] = {}
    for page in pages:
        entry = SitemapEntry(page) if isinstance(page, str) else page
        entries[absolute_url(site_url, entry.url)] = entry
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc in sorted(entries):
        lastmod = entries[loc].lastmod
        extra = f"<lastmod>{_w3c_date(lastmod)}</lastmod>" if lastmod is not None else ""
        lines.append(f"  <url><loc>{_x(loc)}</loc>{extra}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def recent_entries(entries: Iterable[FeedEntry], limit: int) -> list[FeedEntry]:
    """The ``limit`` most recent dated entries, newest first; ties broken by title and URL."""
    dated = [e for e in entries if e.newest is not None]
    dated.sort(key=lambda e: (-_as_utc(e.newest).timestamp(), e.title, e.url))
    return dated[: max(limit, 0)]


def atom_feed(site_url: str, title: str, entries: Iterable[FeedEntry], *, limit: int = 20,
              description: str = "", feed_path: str = FEED_NAME) -> bytes:
    """An Atom 1.0 feed of the ``limit`` most recent notes (undated notes are left out)."""
    chosen = recent_entries(entries, limit)
    home = base_url(site_url)
    updated = rfc3339(chosen[0].newest) if chosen else rfc3339(_EPOCH)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{_x(title)}</title>",
    ]
    if description:
        lines.append(f"  <subtitle>{_x(description)}</subtitle>")
    lines += [
        f'  <link rel="alternate" type="text/html" href="{_x(home)}"/>',
        f'  <link rel="self" type="application/atom+xml" '
        f'href="{_x(absolute_url(site_url, feed_path))}"/>',
        f"  <id>{_x(home)}</id>",
        f"  <updated>{updated}</updated>",
        "  <generator>vaultsite</generator>",
    ]
    for entry in chosen:
        url = absolute_url(site_url, entry.url)
        lines += [
            "  <entry>",
            f"    <title>{_x(entry.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{_x(url)}"/>',
            f"    <id>{_x(url)}</id>",
        ]
        if entry.date is not None:
            lines.append(f"    <published>{rfc3339(entry.date)}</published>")
        lines.append(f"    <updated>{rfc3339(entry.newest)}</updated>")
        lines.append(f"    <author><name>{_x(title)}</name></author>")
        if entry.summary:
            lines.append(f"    <summary>{_x(entry.summary)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def cname_file(cname: str) -> bytes:
    """``CNAME`` holds the bare host: ``https://notes.example.org/`` -> ``notes.example.org``."""
    host = cname.strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    return (host.split("/", 1)[0] + "\n").encode("ascii")


def publish_files(*, site_url: str | None, title: str, pages: Iterable[SitemapEntry | str] = (),
                  entries: Iterable[FeedEntry] = (), cname: str | None = None,
                  feed_limit: int = 20, description: str = "") -> dict[str, bytes]:
    """All publishing files of a site.

    Always ``.nojekyll`` (GitHub Pages must not run Jekyll: it would hide ``_assets/``);
    ``sitemap.xml`` and ``feed.xml`` only when ``site_url`` is set (both need absolute URLs);
    ``CNAME`` only when ``cname`` is set.
    """
    files: dict[str, bytes] = {NOJEKYLL_NAME: b""}
    if site_url:
        files[SITEMAP_NAME] = sitemap_xml(site_url, pages)
        files[FEED_NAME] = atom_feed(site_url, title, entries, limit=feed_limit,
                                     description=description)
    if cname:
        files[CNAME_NAME] = cname_file(cname)
    return files


def head_tags(site_url: str | None, page_url: str, title: str, description: str | None = None, *,
              site_name: str | None = None, page_type: str = "article",
              feed: bool = True) -> str:
    """Canonical link, Open Graph tags and the feed link for a page's ``<head>``.

    Empty when ``site_url`` is not set: canonical and ``og:url`` must be absolute.  The result is
    already escaped HTML; templates include it with ``|safe``.
    """
    if not site_url:
        return ""
    url = absolute_url(site_url, page_url)
    tags = [
        f'<link rel="canonical" href="{_x(url)}">',
        f'<meta property="og:type" content="{_x(page_type)}">',
        f'<meta property="og:title" content="{_x(title)}">',
        f'<meta property="og:url" content="{_x(url)}">',
    ]
    if description:
        tags.append(f'<meta property="og:description" content="{_x(description)}">')
    if site_name:
        tags.append(f'<meta property="og:site_name" content="{_x(site_name)}">')
    if feed:
        href = absolute_url(site_url, FEED_NAME)
        label = site_name or title
        tags.append(f'<link rel="alternate" type="application/atom+xml" '
                    f'title="{_x(label)}" href="{_x(href)}">')
    return "\n".join(tags)
