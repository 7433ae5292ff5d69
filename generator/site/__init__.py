"""Data files behind search, graph and hover previews.

Pure functions: they take the published notes as :class:`SiteNote` values and return
``dict[site-relative path, bytes]``.  Every file is a JavaScript file that a page loads with a
``<script>`` element (never ``fetch``), so the site works from ``file://``.

``site_data_files(notes, tag_urls=None) -> dict[str, bytes]`` returns all of them:

* ``_data/site.js`` -- a small manifest every page loads (counts, chunk names, shard bounds);
* ``_search/meta.js``, ``_search/index-<n>.js``, ``_search/text-<n>.js`` -- see ``search.py``;
* ``_previews/<n>.js`` -- see ``previews.py``;
* ``_data/graph.js`` -- see ``graph.py``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteNote:
    """What the data files need to know about one published note.

    ``url`` and ``links`` are site-relative URLs (not percent-encoded, no fragment) of this note
    and of the notes it links to or embeds.  ``headings`` are ``(text, anchor id)`` pairs.
    ``preview_html`` is the rendered body with hrefs relative to this note's own page (the full
    body is best: it is cut to a size limit here, and section previews need the later headings).
    """

    id: str
    title: str
    url: str
    folder: str = ""
    aliases: tuple[str, ...] = ()
    headings: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    date: _dt.date | str | None = None
    summary: str = ""
    plain_text: str = ""
    links: tuple[str, ...] = ()
    preview_html: str = ""
    preview_entry: str = ""  # the preview as JSON text (``previews.preview_entry``), when made already
    #: the file's name when a ``title`` property is shown in its place: ``@smith2020.md``, titled
    #: with its paper's title, is listed in the explorer and found by Obsidian's quick switcher
    #: as ``@smith2020``, so the search finds it so too; else ""
    name: str = ""


def js_call(func: str, *args: object) -> bytes:
    """``func(arg, ...);`` with JSON arguments, safe inside a script file."""
    body = js_safe(",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args))
    return f"{func}({body});\n".encode()


def js_safe(json_text: str) -> str:
    """JSON text made safe inside a script: no ``</`` (which would end a script element) and no
    U+2028/U+2029 (line ends to older JavaScript)."""
    return json_text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def js_assign(name: str, value: object) -> bytes:
    """``window.name = value;`` with a JSON value."""
    return js_call(f"(function(v){{window.{name}=v;}})", value)


def date_text(value: _dt.date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def site_data_files(
    notes: Sequence[SiteNote], tag_urls: Callable[[str], str] | None = None
) -> dict[str, bytes]:
    from generator.site.graph import graph_files
    from generator.site.previews import preview_files
    from generator.site.search import search_files

    notes = sorted(notes, key=lambda n: n.url)
    files: dict[str, bytes] = {}
    search, search_manifest = search_files(notes)
    previews, preview_manifest = preview_files(notes)
    files.update(search)
    files.update(previews)
    files.update(graph_files(notes, tag_urls))
    manifest = {"notes": len(notes), "search": search_manifest, "previews": preview_manifest}
    files["_data/site.js"] = js_assign("vsSite", manifest)
    return dict(sorted(files.items()))
