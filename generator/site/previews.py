"""Hover-preview data: the rendered body of each note, in script files grouped by URL hash.

``_previews/<b>.js`` calls ``vsPreview.add({url: html, ...})`` for every note whose
``url_hash(url) % buckets == b``; the browser computes the same hash for a link's target and loads
only that bucket (manifest entry: ``{"buckets": n}``).  The HTML keeps hrefs relative to the
note's own page; the browser re-bases them before showing a popover.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from html.parser import HTMLParser

from generator.site import SiteNote, js_safe
from generator.site.text import url_hash

NOTES_PER_BUCKET = 24
PREVIEW_LIMIT = 12_000
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TopLevelEnds(HTMLParser):
    """Records the offsets at which a top-level element ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[int] = []
        self._lines: list[int] = [0]

    def feed_all(self, html: str) -> None:
        for line in html.splitlines(keepends=True):
            self._lines.append(self._lines[-1] + len(line))
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in _VOID:
            self.depth += 1
        elif self.depth == 0:
            self.ends.append(self._offset() + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            end = self._offset()
            self.ends.append(end + len(f"</{tag}>"))


def cut_html(html: str, limit: int = PREVIEW_LIMIT) -> str:
    """``html`` up to the last top-level element that ends within ``limit`` characters."""
    if len(html) <= limit:
        return html
    parser = _TopLevelEnds()
    try:
        parser.feed_all(html)
    except Exception:  # noqa: BLE001 - malformed HTML: fall back to no preview body
        return ""
    best = 0
    for end in parser.ends:
        if end > limit:
            break
        best = end
    return html[:best]


FAR_MARK = '<div class="preview-far" hidden>'
FAR_LIMIT = 12_000
SECTION_LIMIT = 1_500


def far_targets(parts: Sequence[str], kinds: Sequence[str]) -> str:
    """What a link to a heading or a block past the preview's cut shows (``parts``: the note's
    top-level blocks after it, as HTML; ``kinds``: what each is, ``"heading"``, ``"block"`` (one
    holding a ``^id``) or ``""``): each heading with the blocks after it up to the next heading
    (``SECTION_LIMIT`` characters), and each other block that holds an ``^id``, each in a
    ``<div>`` of its own (the popover's section ends there), all in one hidden ``<div>`` that a
    preview of the whole note does not show; ``FAR_LIMIT`` characters at most, in note order.
    Without it a link to a section near a long note's end previewed the note's first lines."""
    chunks: list[str] = []
    size = 0
    i = 0
    while i < len(parts):
        part = parts[i]
        if kinds[i] == "heading":
            j = i + 1
            n = len(part)
            while j < len(parts) and kinds[j] != "heading" and n + len(parts[j]) <= SECTION_LIMIT:
                n += len(parts[j])
                j += 1
            chunk = "".join(parts[i:j])
        elif kinds[i] == "block" and len(part) <= SECTION_LIMIT:
            chunk, j = part, i + 1
        else:
            i += 1
            continue
        if size + len(chunk) > FAR_LIMIT:
            break
        chunks.append(f"<div>{chunk}</div>")
        size += len(chunk)
        i = j
    return f"{FAR_MARK}{''.join(chunks)}</div>" if chunks else ""


def bucket_count(n_notes: int) -> int:
    return max(1, -(-n_notes // NOTES_PER_BUCKET))


def preview_files(notes: Sequence[SiteNote]) -> tuple[dict[str, bytes], dict]:
    """Preview files for ``notes`` and their manifest entry (a build that keeps a ``PreviewIndex``
    between builds updates it instead: only the buckets whose notes changed are made again)."""
    return PreviewIndex().files(notes)


class PreviewIndex:
    """The preview buckets of the last build and what each was made from."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[dict[str, str], bytes]] = {}  # path -> (group, bytes)
        self.entries: dict[str, tuple[str, str, str]] = {}  # url -> (title, html given, JSON entry)

    def _entry(self, note: SiteNote) -> str:
        if note.preview_entry:
            return note.preview_entry
        hit = self.entries.get(note.url)
        if hit is not None and hit[0] == note.title and hit[1] is note.preview_html:
            return hit[2]
        entry = preview_entry(note.title, note.preview_html)
        self.entries[note.url] = (note.title, note.preview_html, entry)
        return entry

    def files(self, notes: Sequence[SiteNote]) -> tuple[dict[str, bytes], dict]:
        buckets = bucket_count(len(notes))
        groups: list[dict[str, str]] = [{} for _ in range(buckets)]
        for note in notes:
            groups[_bucket_hash(note.url) % buckets][note.url] = self._entry(note)
        if len(self.entries) > len(notes):
            urls = {n.url for n in notes}
            self.entries = {u: e for u, e in self.entries.items() if u in urls}
        files: dict[str, bytes] = {}
        made: dict[str, tuple[dict[str, str], bytes]] = {}
        for b, group in enumerate(groups):
            path = f"_previews/{b}.js"
            group = dict(sorted(group.items()))
            prev = self.buckets.get(path)
            data = prev[1] if prev is not None and prev[0] == group else _bucket_file(group)
            made[path] = (group, data)
            files[path] = data
        self.buckets = made
        return files, {"buckets": buckets}


def preview_entry(title: str, preview_html: str) -> str:
    """One note's preview as the JSON text that goes into its bucket file (a build's workers make
    them, so that the build process only joins them).  A leading ``# Title`` that repeats the
    title is left out, as on the page."""
    from generator.templating import split_title_heading

    head, mark, far = preview_html.partition(FAR_MARK)
    body, _title_id = split_title_heading(cut_html(head) + mark + far, title)
    return js_safe(json.dumps(f"<h1>{_esc(title)}</h1>" + body, ensure_ascii=False))


def _bucket_file(group: dict[str, str]) -> bytes:
    """``vsPreview.add({url: entry, ...});`` from entries that are JSON text already: the bytes
    ``js_call("vsPreview.add", {url: html, ...})`` gives."""
    items = ",".join(f"{js_safe(json.dumps(url, ensure_ascii=False))}:{entry}"
                     for url, entry in group.items())
    return f"vsPreview.add({{{items}}});\n".encode()


@lru_cache(maxsize=1 << 16)
def _bucket_hash(url: str) -> int:
    return url_hash(url)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
