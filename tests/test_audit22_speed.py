"""Page signatures keep what a name finds once per name (``DepsHasher._found``) where every note finds
the same, and sign every page exactly as resolving each of its names from its own note does."""

from __future__ import annotations

import pytest

from generator.incremental import DepsHasher
from tests.conftest import build_notes, canvas_json

# Names that find the same from every folder, and names that do not: a name of two notes with
# none at the vault's root (the linking note's folder picks one), a name with a note at the root
# (it wins from everywhere), paths from the linking note's folder (./, ../), the note itself
# ([[#H]]), missing names (their line says why, from the linking note) and a canvas card's link.
_LINKS = ("[[Same]] [[Root]] [[./Same]] [[../Root]] [[#Part]] [[Nowhere]] [[Other]] "
          "[[pic.png]] [[Same#Part]] ![[Other#Part]]")
_FILES = {
    "A/Same.md": "# Same in A\n\n## Part\n\nA's.\n",
    "B/Same.md": "# Same in B\n\n## Part\n\nB's.\n",
    "Root.md": "# Root\n\nAt the root.\n",
    "C/Root.md": "# Root in C\n",
    "Other.md": "# Other\n\n## Part\n\nOther's part.\n",
    "pic.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x03\x08\x02\0\0\0",
    "A/Board.canvas": canvas_json({"id": "t", "type": "text", "text": "[[Same]] and [[Nowhere]]"}),
    "Home.md": "![[Board.canvas]]\n",
    **{f"{folder}/Page {k}.md": f"## Part\n\nPage {k}: {_LINKS}\n"
       for k, folder in enumerate(("A", "B", "C", "A/Deep", "B", "A"))},
    "Top.md": f"## Part\n\n{_LINKS}\n",
}


def _signatures(result, pages, found_alike=None) -> dict[str, str]:
    index = result.index
    hasher = DepsHasher(index, {rel: digest for rel, (digest, _) in result.state.parsed.items()})
    if found_alike is not None:
        hasher.index = _Index(index, found_alike)
    return {note_id: hasher.signature(result.state.memo.pages[note_id].deps) for note_id in pages}


class _Index:
    """``index`` with another ``found_alike``."""

    def __init__(self, index, found_alike):
        self._index, self.found_alike = index, found_alike

    def __getattr__(self, name):
        return getattr(self._index, name)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_notes(tmp_path_factory.mktemp("names"), _FILES).result


def test_signatures_are_those_of_each_name_resolved_from_its_page(built):
    pages = sorted(built.state.memo.pages)
    assert len(pages) == 13
    kept = {note_id: rec.deps_sig for note_id, rec in built.state.memo.pages.items()}
    never = _signatures(built, pages, found_alike=lambda target: False)  # every name resolved
    assert never == kept
    # the pages in either order fill the table first from another folder
    assert _signatures(built, pages) == never
    assert _signatures(built, pages[::-1]) == never


def test_a_name_the_folder_settles_is_never_kept_for_all(built):
    """The vault holds names that find another note from another folder: signing them as found
    alike (a table by name alone) gives other signatures, so the test above can fail."""
    pages = sorted(built.state.memo.pages)
    index = built.index
    assert not index.found_alike("Same") and not index.found_alike("./Same")
    assert not index.found_alike("") and index.found_alike("Root") and index.found_alike("Other")
    always = _signatures(built, pages, found_alike=lambda target: True)
    assert always != _signatures(built, pages)
    forward = _signatures(built, pages, found_alike=lambda target: bool(target))
    assert forward != _signatures(built, pages)
