"""The search index, as script files loaded on first use.

Files (``vsSearch`` is defined by ``vaultsite.js``):

* ``_search/meta.js`` -- ``vsSearch.meta(rows)``, one row per note:
  ``[title, url, folder, date, aliases, tags]`` (``aliases`` and ``tags`` are lists of strings).
  Loaded first: titles, aliases and tags are searchable as soon as it arrives.
* ``_search/headings.js`` -- ``vsSearch.headings(lists)``: ``[[text, anchor], ...]`` per note, in
  the same order; loaded second.
* ``_search/index-<k>.js`` -- ``vsSearch.index(k, words, postings)``: shard ``k`` of the inverted
  body index.  ``words`` is a sorted slice of the vocabulary (sorted as JavaScript compares
  strings), ``postings[i]`` the notes containing ``words[i]``, encoded by :func:`encode_postings`.
* ``_search/text-<k>.js`` -- ``vsSearch.text(k, [text, ...])``: plain text of notes
  ``k*TEXT_CHUNK ...``, loaded only for the results on screen, to cut snippets from.

The manifest entry (``search_files`` returns it next to the files) tells the browser the shard
boundaries: ``{"shards": [first word of each shard], "textChunk": TEXT_CHUNK, "texts": count}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.site import SiteNote, date_text, js_call
from generator.site.text import js_sort_key, word_set

SHARD_BYTES = 256 * 1024
TEXT_CHUNK = 100
TEXT_LIMIT = 8000
_TERMINAL = "0123456789abcdefghijklmnopqrstuv"
_CONTINUE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ()*+-."


def encode_postings(ids: Sequence[int]) -> str:
    """Ascending note numbers as gaps, each gap a base-32 number whose last digit is lower-case."""
    out: list[str] = []
    prev = -1
    for n in ids:
        gap = n - prev - 1
        prev = n
        digits = [_TERMINAL[gap & 31]]
        gap >>= 5
        while gap:
            digits.append(_CONTINUE[gap & 31])
            gap >>= 5
        out.extend(reversed(digits))
    return "".join(out)


def decode_postings(text: str) -> list[int]:
    """Inverse of :func:`encode_postings` (the browser has its own copy)."""
    ids: list[int] = []
    prev, acc = -1, 0
    for ch in text:
        i = _CONTINUE.find(ch)
        if i >= 0:
            acc = acc * 32 + i
            continue
        prev = prev + acc * 32 + _TERMINAL.index(ch) + 1
        ids.append(prev)
        acc = 0
    return ids


def meta_row(note: SiteNote) -> list:
    return [note.title, note.url, note.folder, date_text(note.date), list(note.aliases), list(note.tags)]


def search_files(notes: Sequence[SiteNote]) -> tuple[dict[str, bytes], dict]:
    """Search index files for ``notes`` (in the order given) and their manifest entry."""
    files = {
        "_search/meta.js": js_call("vsSearch.meta", [meta_row(n) for n in notes]),
        "_search/headings.js": js_call(
            "vsSearch.headings", [[[text, anchor] for text, anchor in n.headings] for n in notes]
        ),
    }

    postings: dict[str, list[int]] = {}
    for i, note in enumerate(notes):
        for word in word_set(note.plain_text):
            postings.setdefault(word, []).append(i)
    vocabulary = sorted(postings, key=js_sort_key)

    shards: list[str] = []
    batch_words: list[str] = []
    batch_posts: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal size
        k = len(shards)
        shards.append(batch_words[0])
        files[f"_search/index-{k}.js"] = js_call("vsSearch.index", k, batch_words, batch_posts)
        batch_words.clear()
        batch_posts.clear()
        size = 0

    for word in vocabulary:
        encoded = encode_postings(postings[word])
        batch_words.append(word)
        batch_posts.append(encoded)
        size += len(word) + len(encoded) + 6
        if size >= SHARD_BYTES:
            flush()
    if batch_words:
        flush()

    texts = 0
    for start in range(0, len(notes), TEXT_CHUNK):
        chunk = [n.plain_text[:TEXT_LIMIT] for n in notes[start : start + TEXT_CHUNK]]
        files[f"_search/text-{texts}.js"] = js_call("vsSearch.text", texts, chunk)
        texts += 1
    return files, {"shards": shards, "textChunk": TEXT_CHUNK, "texts": texts}
