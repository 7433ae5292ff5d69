"""Canvas embeds: ``![[Board.canvas]]`` is drawn as an inline SVG of the canvas (generator/canvas.py).

Each test builds a real vault and reads the page back: the drawing's groups, cards, links (followed to
files that exist), edges and colours, and the warnings with the embedding note's file and line.
"""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest
from chromium import CHROMIUM, page_of
from conftest import REPO, Site, build_notes, build_vault

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

BOARD = {
    "nodes": [
        {"id": "g1", "type": "group", "x": -40, "y": -60, "width": 700, "height": 330,
         "label": "Phase one", "color": "4"},
        {"id": "t1", "type": "text", "x": 0, "y": 0, "width": 260, "height": 200,
         "text": "# Plan\nShip **the first** version with [[Alpha|alpha]].\n\n- one\n- two"},
        {"id": "f1", "type": "file", "x": 350, "y": 0, "width": 250, "height": 120,
         "file": "Notes/Alpha.md", "color": "1"},
        {"id": "f2", "type": "file", "x": 350, "y": 300, "width": 250, "height": 60,
         "file": "Notes/Gone.md"},
        {"id": "img", "type": "file", "x": 700, "y": 0, "width": 100, "height": 100,
         "file": "pics/dot.png"},
        {"id": "l1", "type": "link", "x": 0, "y": 300, "width": 250, "height": 60,
         "url": "https://jsoncanvas.org/spec", "color": "#3366FF"},
    ],
    "edges": [
        {"id": "e1", "fromNode": "t1", "fromSide": "right", "toNode": "f1", "toSide": "left",
         "label": "leads to"},
        {"id": "e2", "fromNode": "f1", "toNode": "f2", "fromEnd": "arrow", "color": "2"},
        {"id": "e3", "fromNode": "t1", "toNode": "l1", "toEnd": "none", "color": "#abc"},
    ],
}


def _vault(board: dict | str = BOARD, embed: str = "![[Board.canvas]]") -> dict[str, str | bytes]:
    return {
        "Home.md": "# Home\n\nThe plan, drawn:\n\n" + embed + "\n\nThe end.\n",
        "Notes/Alpha.md": "# Alpha\n\nAlpha is the first note of the plan.\n",
        "Maps/Board.canvas": board if isinstance(board, str) else json.dumps(board, indent=1),
        "pics/dot.png": PNG,
    }


def _svg(site: Site, source: str = "Home.md"):
    svg = site.content(source).find("svg", class_="canvas-svg")
    assert svg is not None, "no canvas drawing on the page"
    return svg


def _classes(tag) -> list[str]:
    return tag.get("class") or []


def test_an_embedded_canvas_is_drawn_with_groups_cards_edges_and_colours(tmp_path):
    site = build_notes(tmp_path, _vault())
    svg = _svg(site)
    assert svg.get("role") and "Board.canvas" in svg["aria-label"]
    assert svg.find("title").get_text().startswith("Canvas Board.canvas: 5 cards, 1 group, 3 connections")
    assert svg["viewbox"].split()[2:] == [svg["width"], svg["height"]]
    groups = svg.select("g.canvas-group")
    assert len(groups) == 1 and groups[0].find("text").get_text() == "Phase one"
    assert "canvas-c4" in _classes(groups[0])
    cards = svg.select("g.canvas-card")
    assert len(cards) == 5
    text_card = svg.select_one("g.canvas-text")
    lines = [t.get_text() for t in text_card.find_all("text")]
    assert lines[0] == "Plan" and "canvas-h" in _classes(text_card.find("text"))
    assert any("Ship the first version" in line for line in lines), lines
    assert "• one" in lines and "• two" in lines
    # a note card: its title links to its page, its summary is shown
    note_card = svg.select_one("g.canvas-note")
    assert "canvas-c1" in _classes(note_card)
    link = note_card.find("a")
    page, _ = site.follow(site.page("Home.md"), link["href"])
    assert page == site.page("Notes/Alpha.md")
    assert link.get_text() == "Alpha" and "first note" in note_card.get_text(" ")
    # an image card shows the image, which is copied with the site
    image = svg.select_one("g.canvas-image image")
    target, _ = site.follow(site.page("Home.md"), image["href"])
    assert target.read_bytes() == PNG
    # a link card: the URL as a link; a hex colour as a color attribute
    web = svg.select_one("g.canvas-weblink")
    assert web.find("a")["href"] == "https://jsoncanvas.org/spec"
    assert web["color"] == "#3366ff" and "canvas-colored" in _classes(web)
    # edges: a curve each, arrowheads as the ends ask, the label, the colours
    edges = svg.select("g.canvas-edge")
    assert len(edges) == 3
    assert all(e.find("path", class_="canvas-line")["d"].startswith("M") for e in edges)
    assert [len(e.select("path.canvas-arrow")) for e in edges] == [1, 2, 0]
    assert edges[0].find("text").get_text() == "leads to"
    assert edges[0].find("path")["d"].startswith("M260 100C")  # t1's right side, mid-height
    assert "canvas-c2" in _classes(edges[1]) and edges[2]["color"] == "#abc"
    # below it, a link to the canvas's own page
    opener = site.content("Home.md").find("a", class_="canvas-open")
    target, _ = site.follow(site.page("Home.md"), opener["href"])
    assert target.name == "Board.canvas.html" and "open the canvas" in opener.parent.get_text()
    assert len(Site.soup(target).find("svg", class_="canvas-svg").select("g.canvas-card")) == 5


def test_the_drawing_is_safe_to_place_twice_and_uses_theme_colours(tmp_path):
    """No ids (two embeds of the same canvas on a page cannot collide), no script, no style, no
    hard-coded black: colours come from classes and currentColor."""
    site = build_notes(tmp_path, _vault(embed="![[Board.canvas]]\n\n![[Maps/Board.canvas]]"))
    content = site.content("Home.md")
    svgs = content.find_all("svg", class_="canvas-svg")
    assert len(svgs) == 2 and str(svgs[0]) == str(svgs[1])
    for tag in svgs[0].find_all(True):
        assert not tag.get("id"), tag.name
        assert not any(attr.startswith("on") or attr == "style" for attr in tag.attrs), tag
        assert tag.name not in ("script", "foreignobject", "style")
        assert tag.get("fill") is None and tag.get("stroke") is None
    sheet = content.find("link", rel="stylesheet")
    css_file, _ = site.follow(site.page("Home.md"), sheet["href"])
    assert ".canvas-line{fill:none;stroke:currentColor;" in css_file.read_text(encoding="utf-8")


def test_a_card_whose_file_is_missing_is_broken_and_reported_at_the_canvas(tmp_path):
    site = build_notes(tmp_path, _vault())
    broken = _svg(site).select("g.canvas-card.broken")
    assert len(broken) == 1 and "Gone.md" in broken[0].get_text()
    assert broken[0].find("a") is None
    messages = site.messages("link-unresolved")
    assert len(messages) == 1, messages
    # at the card's place in the canvas file, not at the embed (session 12)
    assert messages[0].startswith("Maps/Board.canvas:")
    assert ": warning[link-unresolved]: canvas Maps/Board.canvas: card " in messages[0]
    assert "'Notes/Gone.md'" in messages[0]


@pytest.mark.parametrize("text, why", [
    ('{"nodes": [', "not valid JSON (line 1"),
    ("[1, 2]", "not an object"),
    ('{"cards": []}', "neither 'nodes' nor 'edges'"),
    ('{"nodes": {"a": 1}}', "not a list"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_a_file_that_is_no_canvas_shows_an_error_box_and_a_warning(tmp_path, text, why):
    files = _vault()
    files["Maps/Board.canvas"] = text
    site = build_notes(tmp_path, files)
    box = site.content("Home.md").find(class_="canvas-invalid")
    assert box is not None and "could not be drawn" in box.get_text()
    assert site.content("Home.md").find("svg", class_="canvas-svg") is None
    page, _ = site.follow(site.page("Home.md"), box.find("a", class_="canvas-open")["href"])
    assert page.name == "Board.canvas.html"  # which says the same
    assert "could not be drawn" in Site.soup(page).find(class_="canvas-invalid").get_text()
    messages = site.messages("canvas-error")
    assert len(messages) == 1 and messages[0].startswith("Maps/Board.canvas:1:")
    assert ": warning[canvas-error]: canvas Maps/Board.canvas is not drawn" in messages[0]
    assert why in messages[0] and "jsoncanvas.org" in messages[0]


def test_bad_entries_are_left_out_with_a_warning_and_the_rest_is_drawn(tmp_path):
    board = {"nodes": [{"id": "a", "type": "text", "x": 0, "y": 0, "width": 100, "height": 50,
                        "text": "kept"},
                       {"id": "b", "type": "text", "x": "left", "y": 0, "width": 100, "height": 50},
                       {"id": "c", "type": "shape", "x": 0, "y": 0, "width": 1, "height": 1}],
             "edges": [{"id": "e", "fromNode": "a", "toNode": "zzz"}]}
    site = build_notes(tmp_path, _vault(board))
    svg = _svg(site)
    assert len(svg.select("g.canvas-card")) == 1 and "kept" in svg.get_text()
    assert not svg.select("g.canvas-edge")
    messages = site.messages("canvas-error")
    assert len(messages) == 3 and all(m.startswith("Maps/Board.canvas:") for m in messages)
    text = "\n".join(messages)
    assert "node 2 (id 'b') is left out: its 'x' is not a number" in text
    assert "node 3 (id 'c') is left out: its type 'shape' is none of" in text
    assert "edge 1 (id 'e') is left out: its node 'zzz' is not in the canvas" in text


def test_an_empty_canvas_says_so(tmp_path):
    site = build_notes(tmp_path, _vault("{}"))
    assert "empty" in site.content("Home.md").find(class_="canvas-empty").get_text()
    assert not site.messages("canvas-error")


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the build's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def test_a_huge_canvas_is_drawn_in_part_quickly_with_a_warning(tmp_path):
    nodes = [{"id": f"n{i}", "type": "text", "x": (i % 50) * 300, "y": (i // 50) * 200,
              "width": 250, "height": 150, "text": "word " * 400} for i in range(2500)]
    edges = [{"id": f"e{i}", "fromNode": f"n{i}", "toNode": f"n{i + 1}"} for i in range(2499)]
    start = _cpu_seconds()  # CPU, not wall time: a loaded machine only stretches the wall time
    site = build_notes(tmp_path, _vault({"nodes": nodes, "edges": edges}))
    assert _cpu_seconds() - start < 60
    svg = _svg(site)
    assert len(svg.select("g.canvas-card")) == 2000
    assert len(svg.select("g.canvas-edge")) == 1999
    messages = site.messages("canvas-large")
    assert len(messages) == 1 and "2500 nodes; the first 2000 are drawn" in messages[0]
    assert messages[0].startswith("Maps/Board.canvas:1:1:") and not site.messages("canvas-error")


def test_links_from_a_page_in_a_subfolder_and_from_an_embedded_note(tmp_path):
    """A canvas embedded by a note in a folder, and inside a note embedded elsewhere: every link of
    the drawing leads to its file from the page it is on."""
    files = _vault()
    files["Deep/Er/Plan.md"] = "# Plan\n\n![[Maps/Board.canvas]]\n"
    files["Home.md"] = "# Home\n\n![[Plan]]\n"
    site = build_notes(tmp_path, files)
    for source in ("Deep/Er/Plan.md", "Home.md"):
        svg = _svg(site, source)
        hrefs = [a["href"] for a in svg.find_all("a") if not a["href"].startswith("https:")]
        assert len(hrefs) == 3  # the text card's [[Alpha|alpha]], the note card, the image
        for href in hrefs:
            site.follow(site.page(source), href)
    # the broken card is reported once per note that embeds the canvas, at that note's line
    assert any(m.startswith("Maps/Board.canvas:") for m in site.messages("link-unresolved"))


def test_a_markdown_embed_of_a_canvas_is_drawn_too(tmp_path):
    site = build_notes(tmp_path, _vault(embed="![board](Maps/Board.canvas)"))
    assert len(_svg(site).select("g.canvas-card")) == 5


def test_the_same_canvas_gives_the_same_bytes(tmp_path):
    first = build_notes(tmp_path / "a", _vault())
    second = build_notes(tmp_path / "b", _vault())
    assert str(_svg(first)) == str(_svg(second))
    assert "e-" not in _svg(first)["viewbox"]  # numbers written plainly, not in exponent form


def test_editing_the_canvas_renders_its_pages_again(tmp_path):
    from generator.config import load_config
    from generator.pipeline import BuildState, build

    vault, out = tmp_path / "v", tmp_path / "out"
    for rel, data in _vault().items():
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    (vault / "Other.md").write_text("# Other\n\nNo canvas here.\n", encoding="utf-8")
    state = BuildState()
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    board = json.loads(json.dumps(BOARD))
    board["nodes"][1]["text"] = "# Changed plan\nNew words."
    (vault / "Maps" / "Board.canvas").write_text(json.dumps(board), encoding="utf-8")
    result = build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    assert result.stats.rendered == 1  # Home only
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Changed plan" in home and "New words." in home
    fresh = tmp_path / "fresh"
    build(load_config(vault), fresh, exec_mode="no-exec", workers=1)
    assert (fresh / "index.html").read_bytes() == (out / "index.html").read_bytes()


def test_the_demo_vault_draws_its_project_map(tmp_path):
    site = build_vault(REPO / "notes", tmp_path, copy=False)
    svg = _svg(site, "Projects/Ideas.md")
    assert len(svg.select("g.canvas-group")) == 2
    linked = {Path(site.follow(site.page("Projects/Ideas.md"), a["href"])[0]).name
              for a in svg.find_all("a") if not a["href"].startswith("https:")}
    assert linked == {"Label-cleanup.html", "Intent-classifier.html", "Intent-model-disagreements.html",
                      "predictions.csv", "intent-pipeline.png"}
    # the draft note's card names it, without a link (as links to unpublished notes read)
    assert "Retrieval eval harness" in svg.select_one("g.unpublished").get_text()
    assert not site.messages("canvas-error")


# ---------- a canvas's own page: where [[Board.canvas]] leads, as Obsidian opens the canvas ----------

def test_links_to_a_canvas_lead_to_its_page_which_draws_it_and_lists_who_links_there(tmp_path):
    files = _vault(embed="See [[Board.canvas]], [[Maps/Board.canvas|the board]] and "
                         "[the same](Maps/Board.canvas).")
    files["Deep/Er/Plan.md"] = "# Plan\n\n![[Maps/Board.canvas]]\n"
    site = build_notes(tmp_path, files)
    home = site.page("Home.md")
    links = site.content("Home.md").find_all("a", href=True)
    targets = {site.follow(home, a["href"])[0] for a in links}
    assert [t.relative_to(site.out).as_posix() for t in targets] == ["Maps/Board.canvas.html"]
    page = next(iter(targets))
    soup = Site.soup(page)
    assert soup.find("h1").get_text() == "Board" and soup.find("title").get_text().startswith("Board")
    svg = soup.find("svg", class_="canvas-svg")
    assert len(svg.select("g.canvas-card")) == 5 and soup.find("a", class_="canvas-open") is None
    followed = {site.follow(page, a["href"])[0].relative_to(site.out).as_posix()
                for a in svg.find_all("a") if not a["href"].startswith("https:")}
    assert followed == {"Notes/Alpha.html", "pics/dot.png"}  # from the page's own folder
    backlinks = [a.get_text() for a in soup.find(class_="backlinks").find_all("a")]
    assert backlinks == ["Home", "Plan"]
    for a in soup.find_all("a", href=True):  # breadcrumbs, explorer, backlinks: all land
        if not a["href"].startswith(("https:", "#")):
            site.follow(page, a["href"])
    # the explorer lists it by its file name, on every page, and marks it on its own
    entry = site.html("Notes/Alpha.md").find(class_="explorer").find("a", string="Board.canvas")
    assert site.follow(site.page("Notes/Alpha.md"), entry["href"])[0] == page
    assert "current" in soup.find(class_="explorer").find("a", string="Board.canvas")["class"]
    # the raw file is not what a link opens (nor is it published)
    assert "Board.canvas" not in {a["href"].rsplit("/", 1)[-1] for a in links}


def _line_col(text: str, needle: str) -> str:
    """Where ``needle`` first starts in ``text``, as ``line:col`` (1-based)."""
    offset = text.index(needle)
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def test_a_canvas_no_note_embeds_reports_its_problems_at_its_own_file(tmp_path):
    """At the card's "file" value in the JSON (not 1:1: the reader is told where to fix it)."""
    files = _vault(embed="Only a link: [[Board.canvas]].")
    site = build_notes(tmp_path, files)
    messages = site.messages("link-unresolved")
    at = _line_col(files["Maps/Board.canvas"], '"Notes/Gone.md"')
    assert at != "1:1" and len(messages) == 1 and messages[0].startswith(
        f"Maps/Board.canvas:{at}: warning[link-unresolved]: canvas Maps/Board.canvas: card f2")
    assert not (site.out / "Maps" / "Board.canvas").exists()  # nothing shows the raw file
    from generator.config import load_config
    from generator.pipeline import check

    checked = [d.format() for d in check(load_config(tmp_path / "src")).diagnostics
               if d.code == "link-unresolved"]
    assert checked == messages  # `vaultsite check` finds what the build finds


def test_the_canvas_page_follows_an_edit_of_the_canvas(tmp_path):
    from generator.config import load_config
    from generator.pipeline import BuildState, build

    vault, out = tmp_path / "v", tmp_path / "out"
    for rel, data in _vault(embed="[[Board.canvas]]").items():
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    state = BuildState()
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    board = json.loads(json.dumps(BOARD))
    board["nodes"][1]["text"] = "# Changed plan"
    (vault / "Maps" / "Board.canvas").write_text(json.dumps(board), encoding="utf-8")
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    assert "Changed plan" in (out / "Maps" / "Board.canvas.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    build(load_config(vault), fresh, exec_mode="no-exec", workers=1)
    assert sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()) == \
        sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    for p in fresh.rglob("*.html"):
        assert p.read_bytes() == (out / p.relative_to(fresh)).read_bytes(), p


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
def test_search_finds_a_canvas_by_its_cards_words(tmp_path, chrome):
    """The site's search (in Chromium, from file://) finds a canvas by the words on its cards, and
    its result opens the canvas's page."""
    site = build_notes(tmp_path, _vault(embed="Just a link: [[Board.canvas]]."))
    page = chrome.page()
    page.goto(page_of(site.out, "Home.md").as_uri())
    page.locator("input[type=search]").fill("Ship the first")
    page.wait_for_function("() => [...document.querySelectorAll('.search-results a .r-title')]"
                           ".some(t => t.textContent === 'Board')")
    page.locator(".search-results a", has_text="Board").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/Maps/Board.canvas.html")
    assert page.locator("svg.canvas-svg").count() == 1
    page.close()
