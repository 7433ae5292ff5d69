"""The counts behind search ranking: each posting carries a bucket of the word's count in the note."""

from __future__ import annotations

import pytest
from test_site_data import NOTES, call_args, note

from generator.site.search import (
    SearchIndex,
    decode_postings,
    decode_postings_with_buckets,
    encode_postings,
    search_files,
    tf_bucket,
    word_buckets,
)


def test_count_buckets():
    assert [tf_bucket(n) for n in (1, 2, 3, 4, 5, 6, 8, 9, 12, 13, 20, 21, 500)] == \
        [0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]
    found, length = word_buckets("Heatmap, heatmap and a HEATMAP; the map.")
    assert found == {"heatmap": 2, "and": 0, "a": 0, "the": 0, "map": 0} and length == 7


@pytest.mark.parametrize("pairs", [[], [(0, 0)], [(0, 7), (1, 3), (2, 0)], [(5, 1), (40, 6), (99999, 7)],
                                   [(n, n % 8) for n in range(0, 5000, 7)]])
def test_postings_with_buckets_round_trip(pairs):
    encoded = encode_postings([n for n, _ in pairs], [b for _, b in pairs])
    assert decode_postings_with_buckets(encoded) == pairs
    assert decode_postings(encoded) == [n for n, _ in pairs]


def test_the_index_carries_counts_and_lengths():
    notes = [*NOTES, note("Loops", "loops.html", "loop " * 9 + "and a loop")]
    files, manifest = search_files(notes)
    rows, lengths = call_args(files["_search/meta.js"], "vsSearch.meta")
    assert len(rows) == len(lengths) == 4 and lengths[3] == 12
    postings = {}
    for k in range(len(manifest["shards"])):
        _, words_, posts = call_args(files[f"_search/index-{k}.js"], "vsSearch.index")
        postings.update({w: decode_postings_with_buckets(p) for w, p in zip(words_, posts, strict=True)})
    assert postings["loop"] == [(1, 0), (3, tf_bucket(10))]
    # a count that changes (no word comes or goes) changes the posting in an updated index
    index = SearchIndex()
    index.files(notes)
    notes[3] = note("Loops", "loops.html", "loop and a loop")
    assert index.files(notes) == SearchIndex().files(notes)

