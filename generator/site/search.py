"""The search index, as script files loaded on first use.

Files (``vsSearch`` is defined by ``vaultsite.js``):

* ``_search/meta.js`` -- ``vsSearch.meta(rows, lengths)``, one row per note:
  ``[title, url, folder, date, aliases, tags]`` (``aliases`` and ``tags`` are lists of strings;
  ``aliases`` ends with the file's name when a ``title`` property is shown instead: ``searched_names``),
  and the number of words in each note's text (for ranking: a word said five times in a short
  note weighs more than once in a long one).
  Loaded first: titles, aliases and tags are searchable as soon as it arrives.
* ``_search/headings.js`` -- ``vsSearch.headings(lists)``: ``[[text, anchor], ...]`` per note, in
  the same order; loaded second.
* ``_search/index-<k>.js`` -- ``vsSearch.index(k, words, postings)``: shard ``k`` of the inverted
  body index.  ``words`` is a sorted slice of the vocabulary (sorted as JavaScript compares
  strings), ``postings[i]`` the notes containing ``words[i]`` and how often (a bucket of the
  count, :func:`tf_bucket`), encoded by :func:`encode_postings`.
* ``_search/text-<k>.js`` -- ``vsSearch.text(k, [text, ...])``: plain text of notes
  ``k*TEXT_CHUNK ...``, loaded only for the results on screen, to cut snippets from.

The manifest entry (``search_files`` returns it next to the files) tells the browser the shard
boundaries: ``{"shards": [first word of each shard], "textChunk": TEXT_CHUNK, "texts": count}``.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from itertools import repeat

from generator.site import SiteNote, date_text, js_call
from generator.site.text import js_sort_key, words

SHARD_BYTES = 256 * 1024
TEXT_CHUNK = 100
TEXT_LIMIT = 8000
_TERMINAL = "0123456789abcdefghijklmnopqrstuv"
_CONTINUE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ()*+-."
#: Upper bounds of the term-count buckets 0..6 (bucket 7 is anything more); ``vaultsite.js`` ranks
#: a bucket as a typical count in it (``TF`` there).  Eight buckets cost 3 bits per posting.
TF_BOUNDS = (1, 2, 3, 5, 8, 12, 20)


def tf_bucket(count: int) -> int:
    """The bucket (0..7) of a word's number of occurrences in a note."""
    return bisect.bisect_left(TF_BOUNDS, count)


def _number(value: int) -> str:
    """``value`` in the base 32 of the postings: the last digit lower-case, the others not."""
    digits = [_TERMINAL[value & 31]]
    value >>= 5
    while value:
        digits.append(_CONTINUE[value & 31])
        value >>= 5
    return "".join(reversed(digits))


# ``_number`` of every value of up to two digits (a gap of up to 127 notes), looked up rather than
# worked out for each of the hundreds of thousands of postings of a large vault
_NUMBERS = tuple(_number(value) for value in range(32 ** 2))


def encode_postings(ids: Sequence[int], buckets: Sequence[int] | None = None) -> str:
    """Ascending note numbers as gaps, each ``gap * 8 + bucket`` (the note's :func:`tf_bucket` of
    the word, 0 when ``buckets`` is not given) a base-32 number whose last digit is lower-case."""
    numbers, last = _NUMBERS, len(_NUMBERS)
    out: list[str] = []
    prev = -1
    for n, bucket in zip(ids, buckets if buckets is not None else repeat(0, len(ids)), strict=True):
        value = (n - prev) * 8 - 8 + bucket
        prev = n
        out.append(numbers[value] if value < last else _number(value))
    return "".join(out)


def decode_postings(text: str) -> list[int]:
    """The note numbers of :func:`encode_postings` (the browser has its own copy)."""
    return [n for n, _bucket in decode_postings_with_buckets(text)]


def decode_postings_with_buckets(text: str) -> list[tuple[int, int]]:
    """Inverse of :func:`encode_postings`: ``(note number, bucket)`` pairs."""
    out: list[tuple[int, int]] = []
    prev, acc = -1, 0
    for ch in text:
        i = _CONTINUE.find(ch)
        if i >= 0:
            acc = acc * 32 + i
            continue
        value = acc * 32 + _TERMINAL.index(ch)
        prev = prev + (value >> 3) + 1
        out.append((prev, value & 7))
        acc = 0
    return out


_BUCKET_OF = tuple(tf_bucket(c) for c in range(TF_BOUNDS[-1] + 1))  # tf_bucket by table


def word_buckets(text: str) -> tuple[dict[str, int], int]:
    """The distinct words of ``text`` with the :func:`tf_bucket` of their count, and the number of
    words in all (``SearchIndex`` keeps both between builds in ``serve``)."""
    found = words(text)
    table, last = _BUCKET_OF, len(_BUCKET_OF)
    return {w: table[c] if c < last else 7 for w, c in Counter(found).items()}, len(found)


def meta_row(note: SiteNote) -> list:
    return [note.title, note.url, note.folder, date_text(note.date), searched_names(note),
            list(note.tags)]


def searched_names(note: SiteNote) -> list[str]:
    """The names a note is searched by beside its title: its aliases, and its file's name when
    a ``title`` property stands in its place (``SiteNote.name``)."""
    names = list(note.aliases)
    if note.name and note.name.lower() not in (a.lower() for a in names):
        names.append(note.name)
    return names


def search_files(notes: Sequence[SiteNote]) -> tuple[dict[str, bytes], dict]:
    """Search index files for ``notes`` (in the order given) and their manifest entry (a build
    that keeps a ``SearchIndex`` between builds updates it instead)."""
    return SearchIndex().files(notes)


class SearchIndex:
    """The search files of the last build, and what they were computed from.

    Updating with the next build's notes re-reads only the notes whose text changed, re-encodes only
    the posting lists of the words they gained or lost, and re-serialises only the files whose
    content changed.  The result is always what a fresh ``SearchIndex`` computes: the same code
    path lays out the shards and files from the same postings.
    """

    def __init__(self) -> None:
        self.urls: tuple[str, ...] = ()
        self.texts: list[str] = []  # plain text per note number
        self.words: list[dict[str, int]] = []  # distinct words per note number -> tf_bucket
        self.lengths: list[int] = []  # number of words per note number
        self.postings: dict[str, list[int]] = {}  # word -> ascending note numbers
        self.encoded: dict[str, str] = {}  # word -> encode_postings(postings[word])
        self.vocabulary: list[str] = []  # sorted as JavaScript compares strings
        self.rows: tuple[list, list, list] | None = None  # (meta rows, heading lists, lengths)
        self.row_notes: tuple[SiteNote, ...] = ()  # the notes ``rows`` were made from
        self.row_files: dict[str, bytes] = {}
        self.shards: dict[str, tuple[tuple[str, ...], bytes]] = {}  # path -> (words, bytes)
        self.chunks: dict[str, tuple[tuple[str, ...], bytes]] = {}  # path -> (plain texts, bytes)

    def files(self, notes: Sequence[SiteNote]) -> tuple[dict[str, bytes], dict]:
        try:
            dirty = self._update_postings(notes)
            files = self._row_files(notes)
            shards, boundaries = self._shard_files(dirty)
            files.update(shards)
            files.update(self._text_files(notes))
        except BaseException:  # half updated: start afresh next time
            self.__init__()
            raise
        return files, {"shards": boundaries, "textChunk": TEXT_CHUNK, "texts": len(self.chunks)}

    def _row_files(self, notes: Sequence[SiteNote]) -> dict[str, bytes]:
        seen = self.row_notes
        # ``rows is None``: the first files, even of no notes (a vault whose last note was deleted
        # has them as a fresh build of it does)
        if self.rows is None or len(seen) != len(notes) \
                or any(a is not b for a, b in zip(seen, notes, strict=True)):
            rows = ([meta_row(n) for n in notes],
                    [[[text, anchor] for text, anchor in n.headings] for n in notes],
                    list(self.lengths))
            if rows != self.rows:
                self.rows = rows
                self.row_files = {"_search/meta.js": js_call("vsSearch.meta", rows[0], rows[2]),
                                  "_search/headings.js": js_call("vsSearch.headings", rows[1])}
            self.row_notes = tuple(notes)
        return dict(self.row_files)

    def _update_postings(self, notes: Sequence[SiteNote]) -> set[str]:
        """Bring the postings up to date; returns the words whose postings changed."""
        urls = tuple(n.url for n in notes)
        if urls != self.urls:  # notes came, went or moved: every note number may have changed
            self.urls = urls
            self.postings, self.encoded, self.vocabulary = {}, {}, []
            self.texts = [n.plain_text for n in notes]
            counted = [word_buckets(n.plain_text) for n in notes]
            self.words = [found for found, _length in counted]
            self.lengths = [length for _found, length in counted]
            lists: dict[str, tuple[list[int], list[int]]] = {}  # word -> (note numbers, buckets)
            for i, found in enumerate(self.words):
                for word, bucket in found.items():
                    entry = lists.get(word)
                    if entry is None:
                        entry = lists[word] = ([], [])
                    entry[0].append(i)
                    entry[1].append(bucket)
            self.postings = {word: ids for word, (ids, _) in lists.items()}
            self.encoded = {word: encode_postings(ids, buckets)
                            for word, (ids, buckets) in lists.items()}
            self.vocabulary = sorted(self.postings, key=js_sort_key)
            return set(self.postings)
        dirty = set()
        for i, note in enumerate(notes):
            if note.plain_text is self.texts[i] or note.plain_text == self.texts[i]:
                continue
            self.texts[i] = note.plain_text
            old = self.words[i]
            new, self.lengths[i] = word_buckets(note.plain_text)
            self.words[i] = new
            for word in old.keys() - new.keys():
                ids = self.postings[word]
                del ids[bisect.bisect_left(ids, i)]
                if not ids:
                    del self.postings[word]
            for word in new.keys() - old.keys():
                bisect.insort(self.postings.setdefault(word, []), i)
            dirty |= {w for w in old.keys() | new.keys() if old.get(w) != new.get(w)}
        for word in dirty:
            if word in self.postings:
                ids = self.postings[word]
                self.encoded[word] = encode_postings(ids, [self.words[i][word] for i in ids])
            else:
                self.encoded.pop(word, None)
        if dirty - set(self.vocabulary) or len(self.vocabulary) != len(self.postings):
            self.vocabulary = sorted(self.postings, key=js_sort_key)
        return dirty

    def _shard_files(self, dirty: set[str]) -> tuple[dict[str, bytes], list[str]]:
        """Cut the vocabulary into shards of about ``SHARD_BYTES``; serialise the changed ones."""
        files: dict[str, bytes] = {}
        boundaries: list[str] = []
        shards: dict[str, tuple[tuple[str, ...], bytes]] = {}
        batch: list[str] = []
        size = 0

        def flush() -> None:
            nonlocal size
            k = len(boundaries)
            path = f"_search/index-{k}.js"
            words = tuple(batch)
            prev = self.shards.get(path)
            if prev is not None and prev[0] == words and dirty.isdisjoint(words):
                data = prev[1]
            else:
                data = js_call("vsSearch.index", k, batch, [self.encoded[w] for w in batch])
            boundaries.append(batch[0])
            shards[path] = (words, data)
            files[path] = data
            batch.clear()
            size = 0

        for word in self.vocabulary:
            batch.append(word)
            size += len(word) + len(self.encoded[word]) + 6
            if size >= SHARD_BYTES:
                flush()
        if batch:
            flush()
        self.shards = shards
        return files, boundaries

    def _text_files(self, notes: Sequence[SiteNote]) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        chunks: dict[str, tuple[tuple[str, ...], bytes]] = {}
        for k, start in enumerate(range(0, len(notes), TEXT_CHUNK)):
            path = f"_search/text-{k}.js"
            texts = tuple(n.plain_text for n in notes[start : start + TEXT_CHUNK])
            prev = self.chunks.get(path)
            if prev is not None and len(prev[0]) == len(texts) and all(
                    a is b or a[:TEXT_LIMIT] == b[:TEXT_LIMIT]
                    for a, b in zip(prev[0], texts, strict=True)):
                data = prev[1]
            else:
                data = js_call("vsSearch.text", k, [t[:TEXT_LIMIT] for t in texts])
            chunks[path] = (texts, data)
            files[path] = data
        self.chunks = chunks
        return files
