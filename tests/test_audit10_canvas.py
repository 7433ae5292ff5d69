"""Audit 10: links outside ordinary Markdown text (canvas cards, mermaid nodes), and ``vaultsite
check`` reporting what ``vaultsite build`` reports.

Each test builds a real vault and reads the pages back (or compares the two commands' reports).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import CHROMIUM, page_of
from conftest import Site, build_notes


def _line_col(text: str, needle: str) -> str:
    """Where ``needle`` first starts in ``text``, as ``line:col`` (1-based)."""
    offset = text.index(needle)
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def _checked(vault) -> list[str]:
    from generator.config import load_config
    from generator.pipeline import check

    return [d.format() for d in check(load_config(vault)).diagnostics]


# ---------- check and build: templates that fail only when a page is rendered ----------

FAILING_TEMPLATES = {
    "Home.md": "# Home\n\nSee [[Sub/Other]] #topic\n",
    "Sub/Other.md": "# Other\n\nBack to [[Home]].\n",
    # an undefined attribute put through a filter: fails on every note page
    "_templates/note.html": "{% extends 'base.html' %}{% block main %}\n"
                            "<p>{{ page.nosuch | upper }}</p>\n{% endblock %}\n",
    # fails in two ways on two pages (a tag page with notes, the tag index with none): a build
    # reports both
    "_templates/tag.html": "{% extends 'base.html' %}{% block main %}\n"
                           "{{ (page.listing | first).nosuch }}{{ page.listing | first }}\n"
                           "{% endblock %}\n",
    # a macro that does not exist, called
    "_templates/folder.html": "{% extends 'base.html' %}{% block main %}\n\n"
                              "{{ m.no_such_macro(page) }}\n{% endblock %}\n",
}


def test_check_reports_templates_that_fail_when_rendered_as_build_does(tmp_path):
    site = build_notes(tmp_path, FAILING_TEMPLATES)
    built = [d.format() for d in site.diagnostics]
    failed = [line for line in built if "[template-error]" in line]
    # one per template file and message, each at its file and line
    assert {line.split(": warning", 1)[0] for line in failed} == {
        "_templates/note.html:2:1", "_templates/tag.html:2:1", "_templates/folder.html:3:1"}, failed
    assert len(failed) == 4, failed
    vault = tmp_path / "src"
    before = sorted(p for p in tmp_path.rglob("*"))
    assert _checked(vault) == built
    assert sorted(p for p in tmp_path.rglob("*")) == before  # check wrote nothing


@pytest.mark.parametrize("base", [
    "{% extends 'no-such-layout.html' %}",        # a missing parent: every page
    "{% include 'gone.html' %}",                 # a missing include
    "{% import 'macros.html' as m %}{{ m.tags(1, 2, 3) }}",  # a macro called wrongly
])
def test_check_reports_a_broken_base_template_as_build_does(tmp_path, base):
    site = build_notes(tmp_path, {"A.md": "# A\n\n[[B]]\n", "B.md": "b\n",
                                  "_templates/base.html": base + "\n"})
    built = [d.format() for d in site.diagnostics]
    assert any("[template-error]" in line and line.startswith("_templates/base.html:1")
               for line in built), built
    assert _checked(tmp_path / "src") == built


def test_check_without_templates_of_ones_own_renders_no_pages(tmp_path, monkeypatch):
    """The theme's templates are not the user's to fix: ``check`` renders pages only when the vault
    has templates of its own, so that it stays faster than a build."""
    from generator import sitebuild

    build_notes(tmp_path, {"A.md": "# A\n\n[[B]]\n", "B.md": "b\n",
                           "_templates/static/custom.css": "body{}\n"})

    def no_pages(*args, **kwargs):
        raise AssertionError("check rendered a page")

    monkeypatch.setattr(sitebuild.SiteBuilder, "_page_html", no_pages)
    assert _checked(tmp_path / "src") == []


def test_check_in_worker_processes_renders_the_pages_through_the_users_templates(tmp_path,
                                                                              monkeypatch):
    from generator.config import load_config
    from generator.parallel import can_fork
    from generator.pipeline import check
    from generator.workers import LazyPool

    if not can_fork():
        pytest.skip("worker processes need fork")
    site = build_notes(tmp_path, FAILING_TEMPLATES)
    monkeypatch.setattr(LazyPool, "MIN_NOTES", 0)
    checked = [d.format() for d in check(load_config(tmp_path / "src"), workers=2).diagnostics]
    assert checked == [d.format() for d in site.diagnostics]


# ---------- canvas file cards are links from the canvas, as Obsidian counts them ----------
# Obsidian records a file card as a link from the canvas to that file (the canvas is listed in the
# note's backlinks and joined to it in the graph view, where canvases are nodes); a link written
# in a text card is not: "Text-only cards don't appear in Backlinks" (Obsidian Help, Canvas).

def _board(*cards: dict) -> str:
    import json

    nodes = [{"id": f"n{i}", "x": i * 300, "y": 0, "width": 250, "height": 120, **card}
             for i, card in enumerate(cards)]
    return json.dumps({"nodes": nodes, "edges": []}, indent="\t")


CANVAS_VAULT = {
    "Home.md": "# Home\n\nThe map: [[Board.canvas]]\n",
    "Notes/Alpha.md": "# Alpha\n\nAlpha text.\n",
    "Notes/Beta.md": "# Beta\n\nBeta text.\n",
    "Notes/Draft.md": "---\npublish: false\n---\nhidden\n",
    "Maps/Board.canvas": _board({"type": "file", "file": "Notes/Alpha.md"},
                                {"type": "file", "file": "Notes/Alpha.md", "subpath": "#Alpha"},
                                {"type": "file", "file": "Notes/Draft.md"},
                                {"type": "text", "text": "See [[Beta]]."}),
}


def _graph(site) -> dict:
    import json

    text = (site.out / "_data" / "graph.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def _backlink_titles(site, source: str) -> list[str]:
    return [a.get_text() for a in site.html(source).find(class_="backlinks").find_all("a")]


def test_a_note_on_a_canvas_card_lists_the_canvas_in_its_backlinks(tmp_path):
    site = build_notes(tmp_path, CANVAS_VAULT)
    assert _backlink_titles(site, "Notes/Alpha.md") == ["Board"]  # once, for its two cards
    link = site.html("Notes/Alpha.md").find(class_="backlinks").find("a")
    target, _ = site.follow(site.page("Notes/Alpha.md"), link["href"])
    assert target.relative_to(site.out).as_posix() == "Maps/Board.canvas.html"
    # a text card's link is no backlink (Obsidian's help says so)
    assert _backlink_titles(site, "Notes/Beta.md") == []
    assert not site.messages("link-unresolved")


def test_the_graph_shows_a_canvas_joined_to_its_cards_notes_and_to_the_notes_linking_it(tmp_path):
    site = build_notes(tmp_path, CANVAS_VAULT)
    graph = _graph(site)
    urls = [node[1] for node in graph["nodes"]]
    assert ["Board", "Maps/Board.canvas.html", "Maps"] in graph["nodes"]
    pairs = {frozenset((urls[a], urls[b]))
             for a, b in zip(graph["edges"][::2], graph["edges"][1::2], strict=True)}
    assert frozenset(("Maps/Board.canvas.html", "Notes/Alpha.html")) in pairs
    assert frozenset(("Maps/Board.canvas.html", "index.html")) in pairs  # Home links the canvas
    assert not any("Notes/Beta.html" in pair for pair in pairs)  # a text card's link
    assert "Notes/Draft.html" not in urls
    # the graph page's list (its keyboard way in) has the canvas too
    listed = [a.get_text() for a in Site.soup(site.out / "graph.html").find("main").find_all("a")]
    assert "Board" in listed


def test_a_canvas_edit_updates_the_backlinks_of_the_notes_on_it(tmp_path):
    from conftest import write_files

    from generator.config import load_config
    from generator.pipeline import BuildState, build

    vault, out, fresh = tmp_path / "v", tmp_path / "out", tmp_path / "fresh"
    write_files(vault, CANVAS_VAULT)
    state = BuildState()
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    (vault / "Maps" / "Board.canvas").write_text(
        _board({"type": "file", "file": "Notes/Beta.md"}), encoding="utf-8")
    build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
    build(load_config(vault), fresh, exec_mode="no-exec", workers=1)
    for page in fresh.rglob("*"):
        if page.is_file():
            assert page.read_bytes() == (out / page.relative_to(fresh)).read_bytes(), page
    beta = Site.soup(out / "Notes" / "Beta.html").find(class_="backlinks")
    assert [a.get_text() for a in beta.find_all("a")] == ["Board"]
    assert Site.soup(out / "Notes" / "Alpha.html").find(class_="backlinks").find("a") is None


# ---------- mermaid nodes of class internal-link open the note their text names ----------
# Obsidian's help (Advanced formatting syntax, "Linking files in a diagram"): a node given the
# `internal-link` class links to the note named by its text; such links do not show in the graph
# view (nor, being no links of the note's text, in backlinks).

MERMAID = "```mermaid\ngraph TD\nA[Biology] --> B[Chemistry]\nB --> C[Nowhere note]\nC --> D[Plain]\n" \
          "class A,B,C internal-link;\n```\n"


def _mermaid_vault() -> dict[str, str]:
    return {"Science.md": "# Science\n\n" + MERMAID,
            "Topics/Biology.md": "# Biology\n\nLife.\n",
            "Chemistry.md": "---\naliases: [Chem]\n---\n# Chemistry\n",
            "Plain.md": "# Plain\n"}


def test_a_mermaid_node_of_class_internal_link_opens_the_note_its_text_names(tmp_path):
    pytest.importorskip("mmdr")
    site = build_notes(tmp_path, _mermaid_vault())
    figure = site.content("Science.md").find("figure", class_="mermaid")
    links = [a for a in figure.find_all("a") if a.get("href")]
    reached = {site.follow(site.page("Science.md"), a["href"])[0].relative_to(site.out).as_posix()
               for a in links}
    assert reached == {"Topics/Biology.html", "Chemistry.html"}
    named = {a.get_text(" ", strip=True) for a in links if a.get_text(strip=True)}
    assert named == {"Biology", "Chemistry"}
    # the note that does not exist: drawn unlinked (Obsidian's would create it), with a warning
    # at the line giving the class
    assert "Nowhere note" in figure.get_text(" ")
    assert "Nowhere note" not in " ".join(a.get_text(" ", strip=True) for a in figure.find_all("a"))
    assert not figure.select(".broken") and not site.messages("link-unresolved")
    messages = site.messages("mermaid-link-unresolved")
    assert len(messages) == 1 and messages[0].startswith("Science.md:8:11: "), messages
    assert "'Nowhere note'" in messages[0]
    # a node without the class links nowhere
    assert "Plain" not in " ".join(a.get_text(" ", strip=True) for a in figure.find_all("a"))
    # no backlink and no graph edge, as in Obsidian
    assert _backlink_titles(site, "Topics/Biology.md") == []
    graph = _graph(site)
    assert graph["edges"] == []
    assert _checked(tmp_path / "src") == [d.format() for d in site.diagnostics]


def test_a_mermaid_link_inside_an_embedded_note_is_placed_for_the_embedding_page(tmp_path):
    pytest.importorskip("mmdr")
    files = _mermaid_vault()
    files["Deep/Er/Host.md"] = "# Host\n\n![[Science]]\n"
    site = build_notes(tmp_path, files)
    figure = site.content("Deep/Er/Host.md").find("figure", class_="mermaid")
    reached = {site.follow(site.page("Deep/Er/Host.md"), a["href"])[0].relative_to(site.out)
               .as_posix() for a in figure.find_all("a") if a.get("href")}
    assert reached == {"Topics/Biology.html", "Chemistry.html"}


# ---------- a text card's links to notes that do not exist are reported ----------
# Obsidian draws a text card's Markdown with its links (not counted as backlinks); one to a note
# the vault does not have is a dangling link like any other, reported with the canvas's name.

def test_a_text_card_linking_to_a_missing_note_is_reported_at_the_canvas(tmp_path):
    files = {
        "Home.md": "# Home\n\nThe map: [[Board.canvas]]\n",
        "Notes/Alpha.md": "# Alpha\n",
        "Maps/Board.canvas": _board(
            {"type": "text", "text": "# Plan\nSee [[Alpha]], [[Missing note|the missing one]] and "
                                     "[another](Gone%20too.md), [web](https://example.org) and "
                                     "`[[in code]]`."},
            {"type": "text", "text": "![[Nowhere.png]]"}),
    }
    site = build_notes(tmp_path, files)
    messages = site.messages("link-unresolved")
    # at each link's place in the JSON text (the file and line to fix)
    board = files["Maps/Board.canvas"]
    assert [m.split(": warning", 1)[0] for m in messages] == [
        f"Maps/Board.canvas:{_line_col(board, link)}"
        for link in ("[[Missing note", "[another]", "![[Nowhere")], messages
    assert all("canvas Maps/Board.canvas: text card" in m for m in messages)
    named = sorted(m.split("links to ", 1)[1].split(",", 1)[0] for m in messages)
    assert named == ["'Gone too.md'", "'Missing note'", "'Nowhere.png'"], messages
    assert _checked(tmp_path / "src") == [d.format() for d in site.diagnostics]
    # embedded (twice), they are still told once each, at the canvas file (session 12: they were
    # told at each embed)
    files["Home.md"] = "# Home\n\nThe map:\n\n![[Board.canvas]]\n"
    files["Other.md"] = "# Other\n\n![[Board.canvas]]\n"
    site = build_notes(tmp_path / "embedded", files)
    assert [m.split(": warning", 1)[0] for m in site.messages("link-unresolved")] == [
        f"Maps/Board.canvas:{_line_col(board, link)}"
        for link in ("[[Missing note", "[another]", "![[Nowhere")]


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
def test_links_drawn_in_svg_show_the_hover_preview_and_open_their_note(tmp_path, chrome):
    """Links inside a drawing (a mermaid node, a canvas's note card) are SVG <a> elements, whose
    .href is no string: the hover preview read it and found no page to show."""
    pytest.importorskip("mmdr")
    files = _mermaid_vault()
    files["Maps/Board.canvas"] = _board({"type": "file", "file": "Topics/Biology.md"})
    files["Science.md"] += "\n![[Board.canvas]]\n"
    site = build_notes(tmp_path, files)
    page = chrome.page(width=1280, height=900)
    for target in ("figure.mermaid a.internal-link:not([aria-hidden]) text",
                   "svg.canvas-svg a.internal-link text"):
        page.goto(page_of(site.out, "Science.md").as_uri())
        link = page.locator(target).first
        link.scroll_into_view_if_needed()
        link.hover()
        pop = page.locator(".popover")
        pop.wait_for(timeout=5000)
        assert "Life." in pop.inner_text(), target
        link.click()
        page.wait_for_url("**/Topics/Biology.html")


def test_a_card_or_a_diagram_node_naming_a_canvas_opens_its_page_not_its_json(tmp_path):
    pytest.importorskip("mmdr")
    files = {
        "Home.md": "# Home\n\n![[Board.canvas]]\n\n```mermaid\ngraph TD\nA[Other.canvas]\n"
                   "class A internal-link;\n```\n",
        "Maps/Board.canvas": _board({"type": "file", "file": "Maps/Other.canvas"}),
        "Maps/Other.canvas": _board({"type": "text", "text": "other"}),
    }
    site = build_notes(tmp_path, files)
    home = site.page("Home.md")
    for selector in ("svg.canvas-svg g.canvas-file a", "figure.mermaid a[href]"):
        links = site.content("Home.md").select(selector)
        assert links, selector
        for a in links:
            target, _ = site.follow(home, a["href"])
            assert target.relative_to(site.out).as_posix() == "Maps/Other.canvas.html", selector
    assert not (site.out / "Maps" / "Other.canvas").exists()


def test_a_card_showing_a_missing_heading_or_block_of_a_note_is_reported(tmp_path):
    files = {
        "Home.md": "# Home\n\n[[Board.canvas]]\n",
        "Alpha.md": "# Alpha\n\n## Part\n\nA block. ^blk\n",
        "Board.canvas": _board({"type": "file", "file": "Alpha.md", "subpath": "#Part"},
                               {"type": "file", "file": "Alpha.md", "subpath": "#^blk"},
                               {"type": "file", "file": "Alpha.md", "subpath": "#Nope"},
                               {"type": "file", "file": "Alpha.md", "subpath": "#^gone"}),
    }
    site = build_notes(tmp_path, files)
    page = site.out / "Board.canvas.html"
    hrefs = [a["href"] for a in Site.soup(page).select("svg.canvas-svg a")]
    fragments = [site.follow(page, href)[1] for href in hrefs]
    assert fragments[:2] == ["Part", "^blk"], fragments
    alpha = site.html("Alpha.md")
    assert alpha.find(id="Part") is not None and alpha.find(id="^blk") is not None
    messages = site.messages("anchor-unresolved")
    board = files["Board.canvas"]  # at each card's "subpath" value
    assert [m.split(": warning", 1)[0] for m in messages] == [
        f"Board.canvas:{_line_col(board, sub)}" for sub in ('"#Nope"', '"#^gone"')], messages
    assert "'Nope'" in messages[0] + messages[1] and "^gone" in messages[0] + messages[1]
    assert _checked(tmp_path / "src") == [d.format() for d in site.diagnostics]


def test_a_mermaid_node_naming_a_missing_heading_is_reported(tmp_path):
    pytest.importorskip("mmdr")
    site = build_notes(tmp_path, {
        "Home.md": "# Home\n\n```mermaid\ngraph TD\nA[Alpha#Part] --> B[Alpha#Nope]\n"
                   "class A,B internal-link;\n```\n",
        "Alpha.md": "# Alpha\n\n## Part\n\ntext\n"})
    hrefs = [a["href"] for a in site.content("Home.md").select("figure.mermaid a[href]")]
    assert {site.follow(site.page("Home.md"), h) for h in hrefs} == {
        (site.page("Alpha.md"), "Part"), (site.page("Alpha.md"), "")}
    assert [m.split(": warning", 1)[0] for m in site.messages("anchor-unresolved")] == ["Home.md:6:9"]


@pytest.mark.parametrize("templates", [False, True])
def test_check_reports_an_attachment_the_build_cannot_copy(tmp_path, monkeypatch, templates):
    """An attachment that exists but cannot be read (its permissions) is an ``unreadable`` warning
    when the build copies it; ``check`` said nothing.  (Tests run as root here, where permissions
    do not stop a read, so the read itself is made to fail.)"""
    import builtins

    from generator import sitebuild

    real_open = builtins.open

    def locked_open(file, *args, **kwargs):
        if str(file).endswith("locked.png"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(sitebuild, "open", locked_open, raising=False)
    files = {"A.md": "# A\n\n![[locked.png]] ![[Board.canvas]]\n", "B.md": "![[locked.png]]\n",
             "pics/locked.png": b"\x89PNG", "pics/fine.png": b"\x89PNG",
             "Board.canvas": _board({"type": "file", "file": "pics/locked.png"},
                                    {"type": "file", "file": "pics/fine.png"})}
    if templates:
        files["_templates/note.html"] = "{% extends 'base.html' %}\n"
    site = build_notes(tmp_path, files)
    built = [d.format() for d in site.diagnostics]
    assert [m.split(": warning", 1)[0] for m in site.messages("unreadable")] == ["pics/locked.png"]
    assert _checked(tmp_path / "src") == built
