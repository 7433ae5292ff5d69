"""Session 22 judge audit: findings of a game master's campaign vault (characters, places and
factions with many aliases, infobox callouts, a canvas map, handouts; the GM's secrets kept out by
`publish: false`, `draft: true`, an ignored `GM/` folder and `%%comments%%`)."""

from __future__ import annotations

from conftest import build_notes, canvas_json, file_tree


def secret_files(site, word: str) -> list[str]:
    """The files of the site whose bytes hold ``word`` (any case)."""
    return sorted(rel for rel, data in file_tree(site.out).items()
                  if word.encode() in data.lower())


def test_a_canvas_map_embedded_in_a_note_publishes_no_comment_of_its_cards(tmp_path):
    # The campaign's map (Coast.canvas) holds the GM's asides in `%%comments%%` on its text cards,
    # which Obsidian hides; the page drew the map without them, yet embedding it copied the raw
    # JSON file into the site beside its page, comments, and the paths of cards showing the GM's
    # unpublished notes, included.  Nothing on the site links to that file: the map's link opens
    # the canvas's page.  Now a canvas with a page of its own is never copied as a file.
    board = canvas_json(
        {"id": "t", "type": "text", "text": "Ambush here! %%qzambush the knight betrays%%"},
        {"id": "f", "type": "file", "file": "Plots/Betrayal.md"})
    site = build_notes(tmp_path, {
        "Home.md": "# Home\n\nThe map:\n\n![[Coast.canvas]]\n\nAnd as a link: [[Coast.canvas]].\n",
        "Coast.canvas": board,
        "Plots/Betrayal.md": "---\npublish: false\n---\nqzbetrayal\n",
    })
    content = site.content("Home.md")
    assert content.find("svg", class_="canvas-svg") is not None
    assert "Ambush here!" in content.get_text()
    assert not (site.out / "Coast.canvas").exists()
    assert secret_files(site, "qzambush") == [] and secret_files(site, "betrayal.md") == []
    # every link of the page still lands: the map's own, and the link to the canvas
    page = site.page("Home.md")
    hrefs = {a["href"] for a in content.find_all("a", href=True)}
    assert {site.follow(page, h)[0].name for h in hrefs} == {"Coast.canvas.html"}
