"""Audit 11: edits found by fuzzing today's features (the per-page embed budget, canvas card tags,
Bases ``file.links``, pictures' sizes and anchors, same-named files, permalinks), after which a
rebuild (from the cache, or in ``serve``'s memory) must equal a clean build of the same vault,
files and warnings alike."""

from __future__ import annotations

import pytest

from tests.test_incremental import assert_edits_rebuild_as_clean

CASES = {
    # serve's search index had written its files for the note; with no note left it kept them,
    # where a fresh build of the empty vault wrote none
    "the last note deleted": (
        {"A.md": "a\n"},
        {"A.md": None},
    ),
}


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_edit_rebuilds_as_a_clean_build(tmp_path, case, in_memory):
    before, *edits = CASES[case]
    assert_edits_rebuild_as_clean(tmp_path, case, before, edits, in_memory)
