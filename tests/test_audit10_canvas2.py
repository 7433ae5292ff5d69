"""Audit 10 (canvas, second pass): a canvas's problems are reported at their place in the JSON
file, and links written in a text card are drawn as links, as Obsidian renders the card's Markdown.

Each test builds a real vault and reads the pages and the warnings back.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from chromium import CHROMIUM, page_of
from conftest import Site, build_notes


def _line_col(text: str, needle: str, start: int = 0) -> str:
    """Where ``needle`` first starts in ``text`` (from ``start``), as ``line:col`` (1-based)."""
    offset = text.index(needle, start)
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def _where(messages: list[str]) -> list[str]:
    return [m.split(": warning", 1)[0] for m in messages]


# every kind of problem a canvas can have in one card or entry, with the same file named twice
# (the report must point at the second card's own value, not the first match of the text)
NODES = [
    {"id": "t1", "type": "text", "x": 0, "y": 0, "width": 300, "height": 200,
     "text": "# Plan\nSee [[Alpha]], \"quoted\" [[Missing note|m]] and é [[Nope]]"},
    {"id": "ok", "type": "file", "file": "Notes/Gone.md", "x": 0, "y": 900, "width": 9,
     "height": 9, "color": "not a colour"},
    {"id": "f2", "type": "file", "file": "Notes/Gone.md", "x": 400, "y": 0, "width": 200,
     "height": 100},
    {"id": "f3", "type": "file", "file": "Notes/Alpha.md", "subpath": "#Nope", "x": 400, "y": 200,
     "width": 200, "height": 100},
    {"id": "bad", "type": "shape", "x": 0, "y": 0, "width": 1, "height": 1},
]
EDGES = [{"id": "e1", "fromNode": "t1", "toNode": "zzz"}]


def _files(board: str, home: str = "# Home\n\nOnly a link: [[Board.canvas]]\n") -> dict[str, str]:
    return {"Home.md": home, "Notes/Alpha.md": "# Alpha\n\nAlpha text.\n", "Maps/Board.canvas": board}


def _expected(board: str) -> dict[str, list[str]]:
    second = board.index('"id":"f2"') if '"id":"f2"' in board else board.index('"id": "f2"')
    return {
        "link-unresolved": sorted([
            _line_col(board, "[[Missing note"), _line_col(board, "[[Nope"),
            _line_col(board, '"Notes/Gone.md"'), _line_col(board, '"Notes/Gone.md"', second)],
            key=lambda at: tuple(map(int, at.split(":")))),
        "anchor-unresolved": [_line_col(board, '"#Nope"')],
        "canvas-error": [_line_col(board, '{"id":"bad"' if '"id":"bad"' in board else '{\n\t\t\t"id": "bad"'),
                         _line_col(board, '{"id":"e1"' if '"id":"e1"' in board else '{\n\t\t\t"id": "e1"')],
    }


def test_a_canvas_no_note_embeds_reports_each_problem_at_its_place_in_the_json(tmp_path):
    """Indented as Obsidian saves it, and minified on one line: each warning names the line and
    column of the value to fix (a card's "file" or "subpath", the link in a text card's "text", the
    left-out entry), not 1:1 of the file."""
    indented = json.dumps({"nodes": NODES, "edges": EDGES}, indent="\t", ensure_ascii=False)
    minified = json.dumps({"nodes": NODES, "edges": EDGES}, separators=(",", ":"),
                          ensure_ascii=False)
    for name, board in (("indented", indented), ("minified", minified)):
        site = build_notes(tmp_path / name, _files(board))
        for code, places in _expected(board).items():
            found = _where(site.messages(code))
            assert found == [f"Maps/Board.canvas:{at}" for at in places], (name, code, found)
        assert not any(at.endswith(":1:1") for at in _where(site.messages("link-unresolved")))


def test_a_link_after_escapes_in_the_text_is_placed_in_the_raw_json(tmp_path):
    """A text card's string holds ``\\n``, ``\\"`` and ``\\u00e9`` escapes: the column is counted
    in the file's characters, not in the text the string decodes to."""
    board = ('{"nodes":[{"id":"t","type":"text","x":0,"y":0,"width":200,"height":100,'
             '"text":"a\\n\\"b\\" caf\\u00e9 \\ud83d\\ude00 [[Gone]]"}],"edges":[]}')
    site = build_notes(tmp_path, _files(board))
    assert _where(site.messages("link-unresolved")) == [
        f"Maps/Board.canvas:{_line_col(board, '[[Gone]]')}"]


def test_an_embedded_canvas_reports_once_at_the_place_in_the_canvas(tmp_path):
    """Once, at the file to fix, however many notes embed the canvas (session 12: each embedding
    note repeated each of the canvas's warnings at its embed)."""
    board = json.dumps({"nodes": NODES, "edges": EDGES}, indent="\t", ensure_ascii=False)
    files = _files(board, "# Home\n\n![[Board.canvas]]\n")
    files.update({f"Notes/Embeds {i}.md": "# E\n\n![[Board.canvas]]\n" for i in range(3)})
    site = build_notes(tmp_path, files)
    gone = [m for m in site.messages("link-unresolved") if "card f2" in m]
    assert len(gone) == 1 and gone[0].startswith(
        f"Maps/Board.canvas:{_line_col(board, chr(34) + 'Notes/Gone.md', board.index('f2'))}: "
        f"warning[link-unresolved]: canvas Maps/Board.canvas: card f2 shows"), gone
    assert not [d for d in site.diagnostics if d.span and d.span.path != "Maps/Board.canvas"
                and "Board.canvas" in d.message]


def test_malformed_json_is_reported_at_its_line_and_column_and_the_build_goes_on(tmp_path):
    files = _files('{"nodes": [\n  {"id": "a", "type": "text",}\n]}')
    files["Other.md"] = "# Other\n\nStill built.\n"
    site = build_notes(tmp_path, files)
    messages = site.messages("canvas-error")
    assert _where(messages) == ["Maps/Board.canvas:2:30"], messages  # at the "}" after a comma
    assert "line 2, column 30" in messages[0]
    assert site.content("Other.md").get_text().strip().endswith("Still built.")
    page = Site.soup(site.out / "Maps" / "Board.canvas.html")
    assert "could not be drawn" in page.find(class_="canvas-invalid").get_text()


# ---------- links in a text card are links (Obsidian renders the card's Markdown) ----------

def _text_card_vault() -> dict[str, str | bytes]:
    card = ("# Plan [[Alpha]]\nSee [[Alpha#Part|the part]], [beta](Notes/Beta.md), "
            "[[Draft]], [[Missing note|missing]], [[data.csv]], [[Other.canvas]], "
            "[web](https://example.org/x) and `[[in code]]`.")
    board = {"nodes": [{"id": "t", "type": "text", "x": 0, "y": 0, "width": 900, "height": 300,
                        "text": card}], "edges": []}
    return {
        "Home.md": "# Home\n\n![[Board.canvas]]\n",
        "Deep/Er/Plan.md": "# Plan\n\n![[Maps/Board.canvas]]\n",
        "Notes/Alpha.md": "# Alpha\n\n## Part\n\nAlpha text.\n",
        "Notes/Beta.md": "# Beta\n\nBeta text.\n",
        "Notes/Draft.md": "---\npublish: false\n---\nhidden\n",
        "Maps/Board.canvas": json.dumps(board, indent="\t"),
        "Maps/Other.canvas": json.dumps({"nodes": [], "edges": []}),
        "data.csv": "a,b\n1,2\n",
    }


def test_links_in_a_text_card_are_drawn_as_links_that_land(tmp_path):
    site = build_notes(tmp_path, _text_card_vault())
    for source in ("Home.md", "Deep/Er/Plan.md", None):
        if source is None:
            page = site.out / "Maps" / "Board.canvas.html"
            card = Site.soup(page).select_one("svg.canvas-svg g.canvas-text")
        else:
            page = site.page(source)
            card = site.content(source).select_one("svg.canvas-svg g.canvas-text")
        links = {a.get_text(): a for a in card.find_all("a")}
        assert set(links) == {"Alpha", "the part", "beta", "missing", "data.csv", "Other.canvas",
                              "web"}, (source, sorted(links))
        landed = {text: site.follow(page, a["href"]) for text, a in links.items()
                  if a.get("href") and text != "web"}
        out = site.out
        assert landed["Alpha"] == (out / "Notes" / "Alpha.html", "")
        assert landed["the part"] == (out / "Notes" / "Alpha.html", "Part")
        assert landed["beta"] == (out / "Notes" / "Beta.html", "")
        assert landed["data.csv"][0] == out / "data.csv"
        assert landed["Other.canvas"][0] == out / "Maps" / "Other.canvas.html"
        assert links["web"]["href"] == "https://example.org/x"
        assert "external-link" in links["web"]["class"]
        assert "internal-link" in links["Alpha"]["class"]
        # unresolved: marked broken, no href, as a [[link]] in a note is
        assert "broken" in links["missing"]["class"] and not links["missing"].get("href")
        # an unpublished note's name is plain text; code is not a link
        text = card.get_text(" ")
        assert "Draft" in text and "[[in code]]" in text
        # the link is a run of its line: the words around it are in the same <text>
        line = links["beta"].find_parent("text")
        assert line.get_text().startswith("See the part, beta, Draft, missing")
        assert line.find_parent("svg").name == "svg"
        # a heading's link keeps the heading's line
        assert "canvas-h" in links["Alpha"].find_parent("text")["class"]


def test_links_in_a_text_card_stay_out_of_backlinks_and_the_graph(tmp_path):
    """Obsidian's help, Canvas: "Text-only cards don't appear in Backlinks." Drawn as links, they
    are still not counted."""
    site = build_notes(tmp_path, _text_card_vault())
    for note in ("Notes/Alpha.md", "Notes/Beta.md"):
        assert site.html(note).find(class_="backlinks").find("a") is None, note
    text = (site.out / "_data" / "graph.js").read_text(encoding="utf-8")
    graph = json.loads(text[text.index("(") + 1:text.rindex(")")])
    urls = [node[1] for node in graph["nodes"]]
    joined = {frozenset((urls[a], urls[b]))
              for a, b in zip(graph["edges"][::2], graph["edges"][1::2], strict=True)}
    assert frozenset(("Maps/Board.canvas.html", "index.html")) in joined  # Home embeds it
    assert not any("Notes/Alpha.html" in pair or "Notes/Beta.html" in pair for pair in joined)
    assert [m for m in site.messages("link-unresolved") if "Missing note" in m]


# ---------- a huge canvas stays usable: drawn at half its size at least, in both directions ----------

@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
@pytest.mark.parametrize("width", [1366, 390])
def test_a_huge_canvas_is_drawn_where_its_box_is_not_in_a_thin_strip(tmp_path, chrome, width):
    """1,000 cards on a board 12,000 by 5,000: the drawing kept a floor of half its width but was
    cut to 80vh in height, so it was drawn 1,700 px wide in the middle of a 6,000 px box, and the
    page showed an empty area (its cards 2,000 px to the right, their text 2 px high)."""
    nodes = [{"id": f"n{i}", "type": "text", "x": (i % 40) * 300, "y": (i // 40) * 200,
              "width": 250, "height": 150, "text": f"Card {i} [[Alpha]]"} for i in range(1000)]
    edges = [{"id": f"e{i}", "fromNode": f"n{i}", "toNode": f"n{i + 1}"} for i in range(999)]
    start = time.perf_counter()
    site = build_notes(tmp_path, {"Home.md": "# Home\n\n![[Big.canvas]]\n",
                                  "Alpha.md": "# Alpha\n\nAlpha text.\n",
                                  "Big.canvas": json.dumps({"nodes": nodes, "edges": edges})})
    assert time.perf_counter() - start < 30
    assert not site.messages("canvas-large") and not site.messages("canvas-error")
    for page_of_it in (page_of(site.out, "Home.md"), site.out / "Big.canvas.html"):
        page = chrome.page(width=width, height=900)
        page.goto(page_of_it.as_uri())
        box = page.evaluate("""() => {
            const svg = document.querySelector('svg.canvas-svg');
            const r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;
            const card = svg.querySelector('g.canvas-card rect').getBoundingClientRect();
            const embed = svg.parentNode.getBoundingClientRect();
            return {w: r.width, h: r.height, vw: v.width, vh: v.height, cardX: card.x,
                    cardW: card.width, left: embed.x, right: embed.right};
        }""")
        # the drawing fills its box (the same shape as the board), at half its size or more
        assert abs(box["w"] / box["h"] - box["vw"] / box["vh"]) < 0.01, box
        assert box["w"] >= box["vw"] * 0.5 - 1 and box["cardW"] >= 250 * 0.5 - 1, box
        # and its first card is where the box starts, in view, not thousands of pixels aside
        assert box["left"] <= box["cardX"] < box["right"], box
        link = page.locator("svg.canvas-svg g.canvas-text a[href]").first
        spot = link.bounding_box()
        page.mouse.click(spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2)
        page.wait_for_url("**/Alpha.html")
        page.close()


def test_a_canvas_file_with_nothing_in_it_is_an_empty_canvas(tmp_path):
    """A canvas made outside Obsidian (``touch Board.canvas``), or saved empty: Obsidian opens it as
    an empty canvas, with nothing to fix."""
    for name, data in (("zero", ""), ("blank", "\n  \n")):
        site = build_notes(tmp_path / name, _files(data, "# Home\n\n![[Board.canvas]]\n"))
        assert "empty" in site.content("Home.md").find(class_="canvas-empty").get_text()
        assert not site.messages("canvas-error"), name


# ---------- a group's background image (JSON Canvas 1.0: "background", "backgroundStyle") ----------

PNG_4x2 = bytes.fromhex(  # a 4 x 2 PNG
    "89504e470d0a1a0a0000000d49484452000000040000000208060000007f"
    "a87d630000000d49444154789c63600000000200016be5270a0000000049454e44ae426082")


def test_a_group_shows_its_background_image_as_its_style_asks(tmp_path):
    groups = [{"id": f"g{i}", "type": "group", "x": i * 500, "y": 0, "width": 400, "height": 300,
               "label": style or "default", "background": "pics/back.png",
               **({"backgroundStyle": style} if style else {})}
              for i, style in enumerate(["", "cover", "ratio", "repeat"])]
    # tiles of the image's own size (4 x 2): 3 x 3 here; above, 15,000 would be too many, and
    # the image covers the group instead
    groups.append({"id": "small", "type": "group", "x": 2000, "y": 0, "width": 12, "height": 6,
                   "background": "pics/back.png", "backgroundStyle": "repeat"})
    groups.append({"id": "gone", "type": "group", "x": 0, "y": 400, "width": 100, "height": 100,
                   "background": "pics/nowhere.png"})
    board = json.dumps({"nodes": groups, "edges": []}, indent="\t")
    site = build_notes(tmp_path, {"Home.md": "# Home\n\n[[Board.canvas]]\n", "Board.canvas": board,
                                  "pics/back.png": PNG_4x2})
    page = site.out / "Board.canvas.html"
    drawn = Site.soup(page).select("svg.canvas-svg g.canvas-group")
    assert len(drawn) == 6
    fits = []
    for group in drawn[:5]:
        images = group.select("g.canvas-background image")
        assert images, group
        for image in images:
            target, _ = site.follow(page, image["href"])
            assert target.read_bytes() == PNG_4x2  # copied with the site
        fits.append(images[0].get("preserveaspectratio") if len(images) == 1 else len(images))
        # over the image, the group's frame; under it, the group's fill
        assert "canvas-frame" in group.find_all("rect")[-1]["class"]
    assert fits == ["xMidYMid slice", "xMidYMid slice", "xMidYMid meet", "xMidYMid slice", 9]
    assert not drawn[5].select("image")
    messages = site.messages("link-unresolved")
    assert _where(messages) == [f"Board.canvas:{_line_col(board, chr(34) + 'pics/nowhere.png')}"]
    assert "group gone has the background 'pics/nowhere.png'" in messages[0]


# ---------- a text card's names resolve from the canvas's folder, wherever it is shown ----------

def _folder_vault() -> dict[str, str]:
    card = "See [[Note]] and [the same](./Note.md)."
    return {
        "Other/Home.md": "# Home\n\n![[Board.canvas]]\n",
        "Other/Note.md": "# Other note\n",
        "Maps/Note.md": "# Maps note\n",
        "Maps/Board.canvas": json.dumps({"nodes": [
            {"id": "t", "type": "text", "x": 0, "y": 0, "width": 400, "height": 100, "text": card}],
            "edges": []}),
    }


def test_a_text_card_names_a_note_from_the_canvas_folder_as_obsidian_does(tmp_path):
    """Obsidian resolves a canvas's links from the canvas file; embedded in Other/Home.md, the
    card's [[Note]] was resolved from Other/ and led elsewhere than on the canvas's own page."""
    site = build_notes(tmp_path, _folder_vault())
    for page, card in ((site.page("Other/Home.md"),
                        site.content("Other/Home.md").select_one("g.canvas-text")),
                       (site.out / "Maps" / "Board.canvas.html",
                        Site.soup(site.out / "Maps" / "Board.canvas.html").select_one("g.canvas-text"))):
        landed = [site.follow(page, a["href"])[0] for a in card.find_all("a")]
        assert landed == [site.page("Maps/Note.md")] * 2, (page, landed)


def test_a_name_a_text_card_now_resolves_renders_the_embedding_page_again(tmp_path):
    """An incremental build: a note of the canvas's folder takes the card's name as an alias; the
    page that embeds the canvas is drawn again, as a fresh build draws it."""
    from conftest import write_files

    from generator.config import load_config
    from generator.pipeline import BuildState, build

    def card_hrefs(page):
        card = Site.soup(page).select_one("svg.canvas-svg g.canvas-text")
        return [a.get("href") for a in card.find_all("a")]

    vault, out, fresh = tmp_path / "v", tmp_path / "out", tmp_path / "fresh"
    files = _folder_vault()
    files["Maps/Board.canvas"] = files["Maps/Board.canvas"].replace("[[Note]]", "[[Thing]]")
    write_files(vault, files)
    state = BuildState()
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    assert card_hrefs(out / "Other" / "Home.html")[0] is None  # unresolved
    (vault / "Maps" / "Note.md").write_text("---\naliases: [Thing]\n---\n# Maps note\n",
                                            encoding="utf-8")
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    build(load_config(vault), fresh, exec_mode="no-exec", workers=1)
    assert card_hrefs(out / "Other" / "Home.html")[0] == "../Maps/Note.html"
    for page in fresh.rglob("*.html"):
        assert page.read_bytes() == (out / page.relative_to(fresh)).read_bytes(), page


def test_a_picture_embedded_in_a_text_card_is_shown_in_it(tmp_path):
    """Obsidian shows a text card's ``![[pic.png]]`` as the picture, as in a note: drawn at the
    card's width in proportion (a 4 x 2 PNG: half as high), between the card's lines; an embed of
    what is no picture stays a link, a missing one broken."""
    card = "Above\n\n![[back.png]]\n\n![](pics/back.png)\n\nBelow ![[back.png]] inline\n\n![[Gone.png]]"
    board = {"nodes": [{"id": "t", "type": "text", "x": 0, "y": 0, "width": 224, "height": 600,
                        "text": card}], "edges": []}
    site = build_notes(tmp_path, {"Home.md": "# Home\n\n![[Board.canvas]]\n",
                                  "Board.canvas": json.dumps(board), "pics/back.png": PNG_4x2})
    card_svg = site.content("Home.md").select_one("g.canvas-text")
    images = card_svg.select("image")
    assert len(images) == 2
    for image in images:
        target, _ = site.follow(site.page("Home.md"), image["href"])
        assert target.read_bytes() == PNG_4x2
        assert (float(image["width"]), float(image["height"])) == (4.0, 2.0)  # its own size
    lines = [t.get_text() for t in card_svg.find_all("text")]
    assert lines[0] == "Above" and "Below back.png inline" in lines
    assert float(card_svg.find("text")["y"]) < float(images[0]["y"])
    inline = card_svg.find("a", string="back.png")
    assert site.follow(site.page("Home.md"), inline["href"])[0].read_bytes() == PNG_4x2
    assert "broken" in card_svg.find("a", string="Gone.png")["class"]


def test_a_text_card_link_to_a_missing_heading_or_block_is_reported_at_the_link(tmp_path):
    """As ``[[Alpha#Nope]]`` in a note is: anchor-unresolved, at the link's place in the JSON."""
    card = "[[Alpha#Part]] [[Alpha#Nope]] [[Alpha#^gone]] [x](Alpha.md#Nowhere) [[Alpha#^blk]]"
    board = json.dumps({"nodes": [{"id": "t", "type": "text", "x": 0, "y": 0, "width": 600,
                                   "height": 100, "text": card}], "edges": []}, indent="\t")
    site = build_notes(tmp_path, {"Home.md": "# Home\n\n[[Board.canvas]]\n",
                                  "Alpha.md": "# Alpha\n\n## Part\n\nA block. ^blk\n",
                                  "Board.canvas": board})
    messages = site.messages("anchor-unresolved")
    assert _where(messages) == [f"Board.canvas:{_line_col(board, link)}" for link in
                                ("[[Alpha#Nope", "[[Alpha#^gone", "[x](Alpha.md#Nowhere")], messages
    assert "heading 'Nope', not found in Alpha.md" in messages[0] and "block ^gone" in messages[1]
    assert not site.messages("link-unresolved")
