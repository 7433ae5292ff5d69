"""Audit 11 review: what the review of the session's changes found wrong, each pinned by a build
of a real vault."""

from __future__ import annotations

import json
import struct

from conftest import build_notes


def _png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height)


# -- redirect pages never take a file's place, as a folder either -----------------------------------
def test_a_redirect_never_turns_a_file_of_the_site_into_a_folder(tmp_path):
    """An alias ``pic.png/x`` asked for a redirect at ``pic.png/x.html``: the folder ``pic.png``
    took the picture's place (a ``write-failed`` warning, the picture left out of the site).  An
    alias with ``..`` or ``.`` names no path of the vault: it made ``untitled/…`` pages."""
    site = build_notes(tmp_path, {
        "A.md": "---\naliases: [pic.png/x, Docs/Old name, ../up/There, ./Here/Too]\n---\n# A\n",
        "Home.md": "# Home\n\n![[pic.png]]\n",
        "pic.png": _png(4, 3),
    }, site_url="https://example.org/")
    assert not site.diagnostics, [d.format() for d in site.diagnostics]
    assert (site.out / "pic.png").is_file()
    img = site.content("Home.md").find("img")
    assert site.follow(site.page("Home.md"), img["src"])[0] == site.out / "pic.png"
    # the other path alias still leads to the note; the dotted ones leave nothing
    refresh = site.soup(site.out / "Docs" / "Old-name.html").find(
        "meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"].endswith("url=../A.html")
    assert not (site.out / "untitled").exists()
    assert not (site.out / "up").exists() and not (site.out / "Here").exists()
    # no redirect is a page of the sitemap
    sitemap = (site.out / "sitemap.xml").read_text(encoding="utf-8")
    assert "A.html" in sitemap and "Old-name" not in sitemap


# -- a canvas card's ambiguous link names as many candidates as a note's ---------------------------
def test_an_ambiguous_link_in_a_canvas_card_names_at_most_as_many_candidates_as_in_a_note(tmp_path):
    """A card's ``[[same]]`` among 30 same-named notes listed all 29 others in its warning, where
    the same link in a note names ``SHOWN_CANDIDATES`` and counts the rest (its text grew with
    the number of files, in one warning per link)."""
    from generator.index import SHOWN_CANDIDATES

    card = {"id": "t1", "type": "text", "x": 0, "y": 0, "width": 400, "height": 200,
            "text": "See [[same]]"}
    files = {f"f{i:02}/same.md": f"# Same {i}\n" for i in range(30)}
    files["Board.canvas"] = json.dumps({"nodes": [card], "edges": []}, indent="\t")
    files["Home.md"] = "# Home\n\n[[same]]\n\n[[Board.canvas]]\n"
    site = build_notes(tmp_path, files)
    found = site.messages("link-ambiguous")
    assert [m.split(":", 1)[0] for m in found] == ["Board.canvas", "Home.md"], found
    card_hint, note_hint = (m.split("other candidates: ", 1)[1] for m in found)
    more = f" and {30 - 1 - SHOWN_CANDIDATES} more; write the folder"
    for hint in (card_hint, note_hint):
        assert hint.count("/same.md") == SHOWN_CANDIDATES and more in hint, hint
