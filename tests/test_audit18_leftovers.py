"""Session 18 `leftovers`: the gaps and doubts closing17.md left ("Left")."""

from __future__ import annotations

from pathlib import Path

import pytest

# -- callouts and comments ---------------------------------------------------------------------------

COMMENTED_CALLOUTS = {
    # a comment opened on the callout's first line, hiding a code block (the fuzzer's case)
    "Fold.md": "> [!note]-\n> %%\n> ```\n> secret1\n> ```\n> %%\n> body1\n",
    # a title that is only a comment, closed or left open on the title line
    "Closed.md": "> [!note] %%secret2%%\n> body2\n",
    "Open.md": "> [!tip] %%secret3\n> secret4\n> %%\n> body3\n",
    "Alias.md": "> [!faq]- %%secret5%%\n> body4\n",
    "Html.md": "> [!warning] <!-- secret6 -->\n> body5\n",
    # a callout whose only body text is a comment
    "Only.md": "> [!info] Kept\n> %%secret7%%\n",
    # a comment at the start of a callout's paragraph, a line of its own
    "Start.md": "> [!note] T\n> %%secret8%%\n> body6\n",
    # a comment left open in a paragraph, closed by a %% line of its own
    "Para.md": "para %%secret9\n\nsecret10\n\n%%\nbody7\n",
    # a paragraph of comments only
    "Two.md": "%%secret11%% %%secret12%%\n\nbody8\n",
}


@pytest.fixture(scope="module")
def commented(tmp_path_factory):
    from conftest import build_notes

    return build_notes(tmp_path_factory.mktemp("commented"), COMMENTED_CALLOUTS)


@pytest.mark.parametrize("note, title", [
    ("Closed.md", "Note"), ("Open.md", "Tip"), ("Alias.md", "Faq"), ("Html.md", "Warning"),
])
def test_a_callout_title_that_is_only_a_comment_is_the_types_title(commented, note, title):
    """``> [!note] %%hidden%%`` showed an empty title bar.  Obsidian's help: "By default, the
    title of the callout is its type identifier in title case"; a title that shows nothing is
    taken as none written ("Note"; an alias as written, "Faq"), no source saying otherwise."""
    box = commented.content(note).find(class_="callout")
    assert box.find(class_="callout-title-inner").get_text() == title
    assert "body" in box.find(class_="callout-content").get_text()


def test_a_written_title_beside_a_comment_stays(tmp_path: Path):
    """Only a title with nothing to show falls back: ``Title %%x%%`` is "Title", and a code
    span holding ``%%`` is text (not a comment)."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "> [!note] Title %%x%%\n> b\n\n> [!note] `%%`\n> c\n"})
    titles = [t.get_text() for t in site.content("A.md").find_all(class_="callout-title-inner")]
    assert titles == ["Title ", "%%"]


@pytest.mark.parametrize("note", sorted(COMMENTED_CALLOUTS))
def test_a_comment_leaves_no_empty_paragraph_nor_blank_first_line(commented, note):
    """A paragraph whose text was all comments left an empty ``<p></p>`` (in a callout opened
    by ``> %%``, a title-line comment, ``%%a%% %%b%%``), and the text after a comment closed
    on a ``%%`` line of its own began with a ``<br>``, a blank first line.  Neither is left;
    the visible text is all there, and no commented word is."""
    content = commented.content(note)
    for p in content.find_all("p"):
        assert p.get_text().strip() or p.find(True), f"empty <p> in {note}: {content}"
        first = next((c for c in p.children if str(c).strip()), None)
        assert getattr(first, "name", None) != "br", f"<p> starting with <br> in {note}"
    assert "secret" not in str(content)
    assert "body" in content.get_text() or note == "Only.md"


def test_a_paragraph_of_comments_with_a_block_id_keeps_its_anchor(tmp_path: Path):
    """A paragraph left empty by comments but named by a block id stays (empty), so that the
    link to it still lands somewhere."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "%%x%% ^blk\n\nSee [[#^blk]]\n"})
    content = site.content("A.md")
    assert content.find(id="^blk") is not None
    assert site.codes() == []
