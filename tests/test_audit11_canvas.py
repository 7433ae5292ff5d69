"""Audit 11 (canvas, bases, links): tags and ambiguous links in canvas text cards, Obsidian URIs
in a base's ``file.links``, and raw ``<img>`` sizes.

Each test builds a real vault and reads the pages and the warnings back.
"""

from __future__ import annotations

import json

from conftest import build_notes


def _cells(site, source: str) -> dict[str, list[str]]:
    """A base table's ``file.links`` column by row name: the link texts of each cell."""
    table = site.content(source).find("table", class_="base-table")
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        name, links = tr.find_all("td")[:2]
        rows[name.get_text(strip=True)] = [a.get_text(strip=True) for a in links.find_all("a")]
    return rows


# -- a base sees obsidian://open links as links --------------------------------------------------
def test_a_bases_file_links_lists_an_obsidian_uri_to_a_note_of_the_vault(tmp_path):
    """``[x](obsidian://open?vault=V&file=Other)`` is a link to Other (a backlink of Other), so
    ``file.links`` lists it and ``file.links.contains(...)`` filters on it, as for ``[[Other]]``;
    a URI to another vault links nothing."""
    base = ("```base\nviews:\n  - type: table\n    name: T\n    order: [file.name, file.links]\n"
            "```\n")
    site = build_notes(tmp_path, {
        "App.md": "# App\n\n[open](obsidian://open?vault=vault&file=Folder%2FOther)\n"
                  "[elsewhere](obsidian://open?vault=Elsewhere&file=Third)\n",
        "Wiki.md": "# Wiki\n\n[[obsidian://open?vault=vault&file=Third|third]]\n",
        "Folder/Other.md": "# Other\n",
        "Third.md": "# Third\n",
        "Base.md": base,
    }, vault_name="vault")
    rows = _cells(site, "Base.md")
    assert rows["App"] == ["Other"], rows
    assert rows["Wiki"] == ["Third"], rows
    # the same note links both ways: the backlink Obsidian shows is the base's link
    other = site.html("Folder/Other.md")
    assert "App" in other.find(class_="backlinks").get_text()


# -- canvas text cards: tags, ambiguous links ------------------------------------------------------
def _board(text: str) -> str:
    """A canvas of one text card, indented as Obsidian saves it."""
    return json.dumps({"nodes": [{"id": "t1", "type": "text", "x": 0, "y": 0, "width": 400,
                                  "height": 200, "text": text}], "edges": []}, indent="\t")


def _line_col(text: str, needle: str) -> str:
    offset = text.index(needle)
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def _card_links(site, source: str) -> dict[str, str | None]:
    """The links written in the canvas's text card: their words -> (class, href)."""
    svg = site.content(source).find("svg", class_="canvas-svg")
    return {a.get_text(): (" ".join(a.get("class") or ()), a.get("href"))
            for text in svg.find_all("text") for a in text.find_all("a")}


def test_a_tag_in_a_text_card_links_to_its_page_when_a_note_has_it(tmp_path):
    """``#known`` (a note's tag) in a card is a link to the tag's page, in the page that embeds
    the canvas and on the canvas's own page; ``#only/here`` no note has: Obsidian indexes no
    canvas's cards, so there is no page for it, and it stays text (no broken link).  The canvas
    is listed on no tag page."""
    text = "Plan #known and #Known/sub, #only/here"
    site = build_notes(tmp_path, {
        "Home.md": "# Home\n\n![[Maps/Board.canvas]]\n",
        "Tagged.md": "# Tagged\n\n#known/sub\n",
        "Maps/Board.canvas": _board(text)})
    for source, page in (("Home.md", site.page("Home.md")),
                         ("Maps/Board.canvas", site.out / "Maps" / "Board.canvas.html")):
        soup = site.soup(page)
        links = {a.get_text(): a for t in soup.find("svg", class_="canvas-svg").find_all("text")
                 for a in t.find_all("a")}
        assert sorted(links) == ["#Known/sub", "#known"], (source, sorted(links))
        for words, want in (("#known", "known"), ("#Known/sub", "known/sub")):
            assert links[words].get("class") == ["tag"]
            target, _ = site.follow(page, links[words]["href"])
            assert target == site.out / "_tags" / f"{want}.html", (source, words, target)
        assert "#only/here" in soup.find("svg", class_="canvas-svg").get_text()
    assert not (site.out / "_tags" / "only").exists()
    assert not (site.out / "_tags" / "only.html").exists()
    assert "Board" not in site.soup(site.out / "_tags" / "known.html").find("main").get_text()
    assert not site.codes()


def test_a_tag_in_a_card_becomes_a_link_when_a_note_gains_the_tag_in_a_rebuild(tmp_path):
    """Whether the card's tag is a link depends on the other notes' tags: a rebuild in which a
    note gains the tag (or loses it) draws the embedding page again, as a clean build does."""
    from test_incremental import assert_edits_rebuild_as_clean

    before = {"Home.md": "# Home\n", "Page.md": "# Page\n\n![[Board.canvas]]\n",
              "Other.md": "# Other\n\ntext\n",
              "Board.canvas": _board("Plan #later")}
    edits = [{"Other.md": "# Other\n\ntext #later\n"}, {"Other.md": "# Other\n\nno tag\n"},
             {"Other.md": "# Other\n\n#later again\n"}]
    for in_memory in (True, False):
        assert_edits_rebuild_as_clean(tmp_path / str(in_memory), "canvas tag", before, edits,
                                      in_memory)


def test_an_ambiguous_link_in_a_text_card_warns_as_in_a_note(tmp_path):
    """``[[Dup]]`` in a card, with ``A/Dup.md`` and ``B/Dup.md``: a ``link-ambiguous`` warning, as
    the same link in a note gives, naming the note it picked, the other, and the line and column
    of the link in the canvas file, whether or not a note embeds it (once: session 12)."""
    board = _board("See [[Dup]] and [[Only]], ![[pic.png]]")
    files = {"A/Dup.md": "# Dup A\n", "B/Dup.md": "# Dup B\n", "Only.md": "# Only\n",
             "x/pic.png": b"\x89PNG\r\n\x1a\n", "y/pic.png": b"\x89PNG\r\n\x1a\n",
             "Board.canvas": board}
    alone = build_notes(tmp_path / "alone", {**files, "Home.md": "# Home\n\n[[Board.canvas]]\n"})
    found = alone.messages("link-ambiguous")
    assert [m.split(": warning", 1)[0] for m in found] == [
        f"Board.canvas:{_line_col(board, '[[Dup]]')}", f"Board.canvas:{_line_col(board, '![[pic')}"]
    assert "using A/Dup.md" in found[0] and "B/Dup.md" in found[0], found
    assert "using x/pic.png" in found[1] and "y/pic.png" in found[1], found

    embedded = build_notes(tmp_path / "embedded", {**files,
                                                   "Home.md": "# Home\n\ntext\n\n![[Board.canvas]]\n"})
    found = embedded.messages("link-ambiguous")
    assert [m.split(": warning", 1)[0] for m in found] == [
        f"Board.canvas:{_line_col(board, '[[Dup]]')}", f"Board.canvas:{_line_col(board, '![[pic')}"]
    # the link still leads where the note's [[Dup]] would
    links = _card_links(embedded, "Home.md")
    assert links["Dup"][1] == "A/Dup.html", links


# -- raw HTML <img> sizes ------------------------------------------------------------------------
def _png(width: int, height: int) -> bytes:
    """The first bytes of a PNG of that size (all the size reader looks at)."""
    import struct

    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height)


def test_a_raw_html_img_of_a_vault_picture_gets_its_size_when_it_has_none(tmp_path):
    """``<img src="pic.png">`` written in a note gets the picture's ``width`` and ``height``, as
    ``![[pic.png]]`` does (no layout shift); one written with a width or a height keeps what it
    was written with, and a picture the vault does not have, or a web address, gets nothing."""
    site = build_notes(tmp_path, {
        "Home.md": ('# Home\n\n<img src="pic.png" alt="a">\n\n<p><img src="att/pic.png"></p>\n\n'
                    'Inline <img alt="x" src="pic.png"> here and <img src="pic.png" width="10">, '
                    '<img height="7" src="pic.png">, <img src="gone.png">.\n\n'
                    '<img src="https://example.com/a.png">\n'),
        "pic.png": _png(40, 20), "att/pic.png": _png(300, 100)}, remote_images="load")
    imgs = site.content("Home.md").find_all("img")
    got = [(img.get("src"), img.get("width"), img.get("height")) for img in imgs]
    assert got == [("pic.png", "40", "20"), ("att/pic.png", "300", "100"),
                   ("pic.png", "40", "20"), ("pic.png", "10", None), ("pic.png", None, "7"),
                   (None, None, None), ("https://example.com/a.png", None, None)], got


# -- [[Note|]] and a wikilink in a Markdown link's text -------------------------------------------
def test_an_empty_display_text_and_a_wikilink_in_a_markdown_links_text(tmp_path):
    """Obsidian's rendering of these two could not be established (neither its help nor its
    forum says), so they stay as they were, and this pins it: ``[[Other|]]`` shows the note's
    name, as ``[[Other]]`` does (a link is never empty); in ``[see [[Other]] x](url)`` the
    wikilink is a link and the rest text, as CommonMark keeps a link out of a link's text.  No
    ``<a>`` is ever inside another."""
    site = build_notes(tmp_path, {
        "Home.md": "# Home\n\nE1 [[Other|]] E2 [[Other#Part|]] E3 [see [[Other]] x](https://example.com/p) "
                   "E4 [see [[Other|o]]](Other.md) E5\n",
        "Other.md": "# Other\n\n## Part\n"})
    content = site.content("Home.md")
    assert not content.select("a a"), content.select("a a")
    links = [(a.get_text(), a.get("href")) for a in content.find_all("a")]
    assert links[:2] == [("Other", "Other.html"), ("Other > Part", "Other.html#Part")], links
    assert ("Other", "Other.html") in links[2:4] and ("o", "Other.html") in links, links
    text = content.get_text()
    assert "E3 [see Other x](" in text and "E4 [see o](Other.md) E5" in text, text
