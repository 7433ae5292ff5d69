"""Session 16 `leftovers`: small gaps the last session left (closing15.md, "Not done" and "Layout")."""

from __future__ import annotations

from pathlib import Path

from test_audit15_leftovers import _search_text, _search_words

# -- search finds what an embed shows on the page ------------------------------------------------

SHOWN = {
    "Host.md": "# Host\n\n![[Blank]]\n\n![[Props|Ali]]\n\n![[Comment]]\n\n![[Full#Sec]]\n\n"
               "![](Hollow.md)\n\n![[Draft]]\n\n"
               "Alpha [![[Other|Otter]]](https://example.com) beta "
               "[![[doc.pdf]]](https://example.com) gamma [![](Other.md)](https://example.com).\n\n"
               "See ![[notes.txt]] here and ![[notes.txt|Numbat]] too.\n",
    "Blank.md": "",
    "Props.md": "---\ntags: [x]\n---\n",
    "Comment.md": "%% only a comment %%\n",
    "Hollow.md": "\n\n",
    "Full.md": "# Full\n\n## Sec\n\nbody\n",
    "Other.md": "OTHERBODY words\n",
    "notes.txt.md": "TXTBODY words\n",
    "doc.pdf": b"%PDF-1.4\n",
    "Draft.md": "---\npublish: false\n---\nSECRETWORD\n",
}


def test_search_finds_the_names_of_embeds_that_show_a_name(tmp_path: Path):
    """An embed of a note that shows nothing reads "Blank (empty)" on the page; one in a link's
    text shows the note's (or file's) name as the link's words, and one of a note in a
    paragraph's text (``See ![[notes.txt]] here``) a link with its name.  The search text holds
    each name where the page shows it (it held none of them), never a word of the notes
    themselves and never a word of an unpublished note."""
    from conftest import build_notes

    site = build_notes(tmp_path, SHOWN)
    content = site.content("Host.md")
    empty = [span.contents[0].strip() for span in content.select("span.embed.broken")]
    assert empty == ["Blank", "Props", "Comment", "Hollow.md"]
    assert [s.get_text() for s in content.select(".embed-status")] == ["(empty)"] * 4
    in_link = [s.get_text() for s in content.select("a span.embed-in-link")]
    assert in_link == ["Otter", "doc.pdf", "Other.md"]
    as_link = [a.get_text() for a in content.select("p a.internal-link")]
    assert as_link == ["notes.txt", "Numbat"]
    text = _search_text(site, "Host")
    assert text.startswith("Host Blank Props Comment  Hollow.md Draft Alpha Otter beta doc.pdf "
                           "gamma Other.md. See notes.txt here and Numbat too."), text
    words = _search_words(site)
    assert {"blank", "props", "comment", "hollow", "otter", "numbat"} <= words
    assert "\x1a" not in text and "SECRETWORD" not in text and "OTHERBODY" not in text
    assert "TXTBODY" not in text and "Sec" not in text.split("Comment", 1)[1]


def test_an_empty_note_s_name_follows_it_in_a_rebuild(tmp_path: Path):
    """Whether ``![[Blank]]`` reads "Blank (empty)" depends on another note: once Blank has text,
    the page shows that text and the search drops the name; a rebuild writes what a clean build
    does (the search data's signature holds the name)."""
    from conftest import build_vault
    from test_incremental import assert_edits_rebuild_as_clean

    for case, blank, edited, text in (("filled", "", "BLANKBODY now\n", "Host "),
                                      ("emptied", "BLANKBODY now\n", "", "Host Blank")):
        files = {"Host.md": "# Host\n\n![[Blank]]\n", "Blank.md": blank}
        for in_memory in (False, True):
            assert_edits_rebuild_as_clean(tmp_path / case / str(in_memory), case, files,
                                          [{"Blank.md": edited}], in_memory)
        site = build_vault(tmp_path / case / "True" / "v", tmp_path / case / "after")
        assert _search_text(site, "Host") == text
