"""Session 15, full-build CPU: the faster paths give what the slower ones gave.

The changes are speed-ups that keep every output byte, so these tests pin the behaviour the fast
paths must keep (they would catch a fast path that drifts), not a timing.
"""

from __future__ import annotations

import random

import pytest
from test_incremental import assert_edits_rebuild_as_clean


def test_words_of_an_ascii_text_are_the_regex_words():
    """``words`` splits ASCII text with ``str.split`` over a translated copy; it must find exactly
    the runs of letters and digits that the word pattern (shared with the browser) finds, for
    every ASCII character (punctuation, controls, the underscore)."""
    from generator.site.text import _WORD, normalize, words

    every = "".join(chr(c) for c in range(128))
    texts = [every, every[::-1], "snake_case x_1 __ a__b", "Tab\there\x0bvt\x1cfs\x1fus end",
             "Café naïve 東京 résumé", "mixed ünïcode and ascii_words 42x"]
    rnd = random.Random(15)
    texts += ["".join(rnd.choice(every) for _ in range(rnd.randrange(60))) for _ in range(3000)]
    for text in texts:
        assert words(text) == _WORD.findall(normalize(text)), repr(text)
    assert words("Hello, World_2 x-y") == ["hello", "world", "2", "x", "y"]


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
@pytest.mark.parametrize("edit", [
    {"A.md": "# A\n\nA new first paragraph, the summary.\n\nSee [[B]].\n"},
    {"A.md": "---\ntitle: Alpha\n---\nAbout A.\n\nSee [[B]].\n"},
    {"A.md": "---\ndate: 2024-05-06\n---\nAbout A.\n\nSee [[B]].\n"},
    {"Sub/A.md": "About A, moved.\n\nSee [[B]].\n", "A.md": None},
], ids=["summary", "title", "date", "folder"])
def test_a_backlinks_change_rebuilds_the_linked_page(tmp_path, edit, in_memory):
    """A page lists the notes linking to it with their title, folder, date and summary; the
    page's own signature hashes each linking note's listing once per build and a rebuild after
    any of them changes must still equal a clean build."""
    before = {"A.md": "About A.\n\nSee [[B]].\n", "B.md": "# B\n\nBody of B.\n",
              "C.md": "C links [[B]] and [[A]].\n"}
    assert_edits_rebuild_as_clean(tmp_path, "backlinks", before, [edit], in_memory)


def test_own_signature_is_the_same_with_or_without_a_hasher(tmp_path):
    """``own_signature`` with the build's ``DepsHasher`` (what the workers use) gives what it
    gives without one, so the previous build's signatures compare alike."""
    from conftest import build_notes

    from generator.incremental import DepsHasher, own_signature

    site = build_notes(tmp_path, {"A.md": "See [[B]].\n", "B.md": "Body.\n",
                                  "C.md": "About C, see [[B]].\n"})
    index = site.result.index
    b = index.notes["B"]
    hasher = DepsHasher(index, {})
    assert own_signature(b, "d", index, None) == own_signature(b, "d", index, None, hasher)
    assert own_signature(b, "d", index, None, hasher) == own_signature(b, "d", index, None, hasher)
    assert own_signature(b, "d", index, None) != own_signature(index.notes["A"], "d", index, None)
