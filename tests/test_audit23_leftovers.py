"""Session 23: last session's leftovers (issue 2), each built from a real vault."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes

PNG = b"\x89PNG\r\n\x1a\n"


def _srcsets(soup) -> list[str]:
    return [tag["srcset"] for tag in soup.select("[srcset]")]


def test_a_raw_srcset_keeps_its_pictures_and_names_the_missing_ones(tmp_path: Path):
    # <img srcset="a.png 1x, b.png 2x"> lost its srcset without a word and its pictures were not
    # copied; <picture> lost its tags. Each candidate is now a src: found by name or path, copied,
    # relative to the page; a missing one is named at its line and column and left out; a web
    # address is left out as a remote src is (remote_images = "link"); nothing outside the vault
    line = ('<img src="a.png" srcset="a.png 1x, pics/b.png 2x, Big%20one.png 3x, missing.png 4x, '
            'https://x.org/c.png 5x, ../../etc/x.png 6x" alt="p">')
    site = build_notes(tmp_path, {
        "Notes/Raw.md": f"# Raw\n\n{line}\n\n"
                        '<picture><source srcset="b.png 1x,gone.png 2x" media="(min-width: 9em)">'
                        '<img src="a.png"></picture>\n\n'
                        '<img alt="none left" srcset="nothing.png 2x">\n',
        "Notes/Host.md": "![[Raw]]\n",
        "Index.md": "![[Raw]]\n",
        "pics/a.png": PNG, "pics/b.png": PNG, "pics/Big one.png": PNG})
    page = site.content("Notes/Raw.md")
    assert _srcsets(page) == ["../pics/a.png 1x, ../pics/b.png 2x, ../pics/Big%20one.png 3x",
                              "../pics/b.png 1x"], _srcsets(page)
    assert page.select_one("picture > source")["media"] == "(min-width: 9em)"
    assert page.select_one('img[alt="none left"]').get("srcset") is None
    for name in ("a.png", "b.png", "Big one.png"):
        assert (site.out / "pics" / name).is_file(), name
    # an embed shows them relative to its own page
    assert _srcsets(site.content("Index.md"))[0].startswith("pics/a.png 1x, pics/b.png 2x")
    assert _srcsets(site.content("Notes/Host.md"))[0].startswith("../pics/a.png 1x")
    found = sorted(m.split(": warning")[0] + " " + m.split("'")[1]
                   for m in site.messages("link-unresolved") + site.messages("link-outside"))
    assert found == ["Notes/Raw.md:3:109 ../../etc/x.png", "Notes/Raw.md:3:69 missing.png",
                     "Notes/Raw.md:5:35 gone.png", "Notes/Raw.md:7:30 nothing.png"], found
    assert "x.org" not in str(page) and not list(site.out.rglob("x.png"))


def test_a_remote_srcset_candidate_stays_when_remote_pictures_load(tmp_path: Path):
    site = build_notes(tmp_path, {"Raw.md": '<img srcset="a.png 1x, https://x.org/c.png 2x">\n',
                                  "a.png": PNG}, remote_images="load")
    assert _srcsets(site.content("Raw.md")) == ["a.png 1x, https://x.org/c.png 2x"]
    assert site.codes() == []


def test_a_canvas_whose_page_url_a_note_takes_steps_aside_and_never_leaks(tmp_path: Path):
    # a note Board.canvas.md takes Board.canvas.html, the canvas's page: the canvas had no page
    # then, and [[Board.canvas]] led to its raw JSON, copied into the site with its %%comments%%
    # and the paths of notes the site leaves out. Its page now steps aside, as a page does
    from conftest import canvas_json

    board = canvas_json({"id": "t", "type": "text", "text": "plan %%secret remark%%"},
                        {"id": "f", "type": "file", "file": "Private/Draft.md"})
    site = build_notes(tmp_path, {"Board.canvas": board, "Board.canvas.md": "The note.\n",
                                  "Index.md": "See [[Board.canvas]] and ![[Board.canvas]]\n",
                                  "Private/Draft.md": "---\npublish: false\n---\nDraft\n"})
    files = sorted(p.name for p in site.out.rglob("Board*"))
    assert files == ["Board.canvas-2.html", "Board.canvas.html"], files
    assert "The note." in site.content("Board.canvas.md").get_text()
    hrefs = {a["href"] for a in site.content("Index.md").select("a[href^=Board]")}
    assert hrefs == {"Board.canvas-2.html"}, hrefs
    canvas_page = site.soup(site.out / "Board.canvas-2.html")
    assert canvas_page.select_one("svg") is not None
    leaked = [p for p in site.out.rglob("*") if p.is_file() and b"secret remark" in p.read_bytes()]
    assert leaked == [], leaked


def test_an_excalidraw_drawing_in_a_list_items_text_stays_in_its_line(tmp_path: Path):
    # "- see ![[D.excalidraw]] here" wrote <li>see <p><img></p> here</li>: a paragraph inside
    # the item's line broke it in three. The Excalidraw plugin shows the picture in the line, as
    # a picture embed is; alone on its item's line it is a block, as before
    site = build_notes(tmp_path, {
        "D.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\nhi\n",
        "D.excalidraw.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>',
        "L.md": "- see ![[D.excalidraw]] here\n- ![[D.excalidraw]]\n\nPara ![[D.excalidraw]] text\n"})
    items = site.content("L.md").select("li")
    assert items[0].select("p") == [] and items[0].get_text(" ", strip=True) == "see here"
    assert items[0].select_one("img.excalidraw-embed")["src"] == "D.excalidraw.svg"
    assert items[1].select_one("p > img.excalidraw-embed") is not None
    assert site.content("L.md").select_one("p > img.excalidraw-embed") is not None
