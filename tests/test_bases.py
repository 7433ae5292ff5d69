"""Obsidian Bases: ``![[X.base]]``, ``![[X.base#View]]`` and ```` ```base ```` fences rendered from the
index at build time (generator/bases.py, generator/markdown/bases.py)."""

from __future__ import annotations

import pytest

from tests.conftest import build_notes

BOOKS = {
    "Books/Dune.md": "---\ntags: [book]\nauthor: \"[[Frank Herbert]]\"\nstatus: reading\nrating: 4\n"
                     "date: 2024-03-01\n---\nDune. See [[Textbook]].\n",
    "Books/Emma.md": "---\ntags: [book, classic]\nauthor: Jane Austen\nstatus: done\nrating: 5\n"
                     "date: 2023-01-05\n---\nEmma.\n",
    "Books/Old/Beowulf.md": "---\ntags: [book/epic]\nstatus: done\nrating: 3\n---\nHwæt.\n",
    "Books/Draft.md": "---\ntags: [book]\npublish: false\nstatus: done\nrating: 9\n---\nsecret\n",
    "Frank Herbert.md": "An author.\n",
    "Textbook.md": "A textbook.\n",
    "Library.base": (
        "filters:\n"
        "  and:\n"
        "    - file.hasTag(\"book\")\n"
        "formulas:\n"
        "  stars: 'rating * 2'\n"
        "properties:\n"
        "  status:\n"
        "    displayName: Status\n"
        "views:\n"
        "  - type: table\n"
        "    name: All\n"
        "    order: [file.name, author, status, formula.stars]\n"
        "    sort:\n"
        "      - property: rating\n"
        "        direction: DESC\n"
        "  - type: cards\n"
        "    name: Done\n"
        "    filters: 'status == \"done\" && !file.inFolder(\"Books/Old\")'\n"
        "    order: [file.name, status]\n"
        "  - type: list\n"
        "    name: Linked\n"
        "    filters:\n"
        "      or:\n"
        "        - file.hasLink(\"Textbook\")\n"
        "        - author == link(\"Frank Herbert\")\n"
        "    order: [file.name]\n"
    ),
}


def _rows(view):
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in view.select("tbody tr") if tr.find("td")]


def _view(site, source, name):
    found = [v for v in site.content(source).select(".base-view") if v.get("data-view") == name]
    assert len(found) == 1, [v.get("data-view") for v in site.content(source).select(".base-view")]
    return found[0]


def test_base_file_embed_renders_the_first_view_as_a_table(tmp_path):
    site = build_notes(tmp_path, {**BOOKS, "Home.md": "# Home\n\n![[Library.base]]\n"})
    view = _view(site, "Home.md", "All")
    assert [th.get_text() for th in view.select("thead th")] == ["file name", "author", "Status", "stars"]
    # published notes tagged #book (nested #book/epic counts), highest rating first; Draft is not published
    assert _rows(view) == [["Emma", "Jane Austen", "done", "10"],
                           ["Dune", "Frank Herbert", "reading", "8"],
                           ["Beowulf", "", "done", "6"]]
    page = site.page("Home.md")
    links = [a["href"] for a in view.select("tbody a.internal-link")]
    assert len(links) == 4  # three notes and the author link
    for href in links:
        site.follow(page, href)
    # the page links the bases stylesheet (other pages do not load it)
    css = site.html("Home.md").select('link[rel="stylesheet"][href$="bases.css"]')
    assert css and site.follow(page, css[0]["href"])[0].name == "bases.css"
    assert not site.html("Books/Dune.md").select('link[href$="bases.css"]')
    assert "secret" not in page.read_text(encoding="utf-8")
    assert not [d for d in site.diagnostics if d.code.startswith("base")]


def test_view_chosen_by_name_cards_and_list(tmp_path):
    site = build_notes(tmp_path, {**BOOKS, "Books/Index.md": "![[Library.base#Done]]\n\n"
                                                              "![[Library.base#Linked]]\n"})
    cards = _view(site, "Books/Index.md", "Done")
    assert cards["class"] == ["base-view", "base-view-cards"]  # not the grid itself
    assert [c.select_one(".base-card-title").get_text() for c in cards.select(".base-card")] == ["Emma"]
    assert cards.select_one(".base-card dd").get_text() == "done"
    listed = _view(site, "Books/Index.md", "Linked")
    assert [li.a.get_text() for li in listed.select("ul.base-list > li")] == ["Dune"]
    page = site.page("Books/Index.md")
    target, _ = site.follow(page, listed.select_one("li a")["href"])
    assert target == site.page("Books/Dune.md")
    # a block, not inside a <p>
    assert cards.find_parent("p") is None


def test_base_fence_with_group_limit_and_dates(tmp_path):
    fence = ("# Reading\n\n```base\nfilters:\n  and:\n    - file.inFolder(\"Books\")\n"
             "    - 'date > date(\"2023-06-01\") || status == \"done\"'\n"
             "views:\n  - type: table\n    name: By status\n    order: [file.basename, date]\n"
             "    groupBy:\n      property: status\n      direction: ASC\n"
             "    sort:\n      - property: file.name\n        direction: ASC\n```\n")
    site = build_notes(tmp_path, {**BOOKS, "Reading.md": fence})
    view = _view(site, "Reading.md", "By status")
    groups = [tb.select_one("tr.base-group").get_text(" ", strip=True) for tb in view.select("tbody")]
    assert groups == ["status done", "status reading"]
    assert _rows(view) == [["Beowulf", ""], ["Emma", "2023-01-05"], ["Dune", "2024-03-01"]]
    assert "```" not in view.get_text()


def test_unsupported_filter_shows_no_rows_and_warns_with_line(tmp_path):
    site = build_notes(tmp_path, {
        **BOOKS,
        "Recent.md": "Intro\n\n```base\nfilters:\n  and:\n    - file.hasTag(\"book\")\n"
                     "    - 'file.mtime > now() - \"1 week\"'\nviews:\n  - type: table\n"
                     "    name: Recent\n```\n",
    })
    view = _view(site, "Recent.md", "Recent")
    assert view.select("tbody tr") == []
    assert "No rows shown" in view.get_text()
    msgs = site.messages("base-unsupported")
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith("Recent.md:7:")
    assert "now()" in msgs[0] and "file.mtime" in msgs[0]


def test_yaml_error_in_a_base_file_is_an_error_box_and_a_warning(tmp_path):
    site = build_notes(tmp_path, {
        **BOOKS,
        "Broken.base": "filters:\n  and:\n    - file.hasTag(\"book\")\nviews: [\n  - type: table\n",
        "Home.md": "Text\n\n![[Broken.base]]\n",
    })
    box = site.content("Home.md").select_one(".base-error")
    assert box is not None and "cannot be read" in box.get_text()
    msgs = site.messages("base-error")
    assert len(msgs) == 1 and msgs[0].startswith("Broken.base:"), msgs
    assert "Home.md:3" in msgs[0]


def test_file_times_columns_and_unknown_view_warn(tmp_path):
    site = build_notes(tmp_path, {
        **BOOKS,
        "T.base": "filters: 'file.hasTag(\"classic\")'\nviews:\n  - type: table\n    name: T\n"
                  "    order: [file.name, file.mtime]\n  - type: map\n    name: Map\n",
        "Home.md": "![[T.base#Nope]]\n\n![[T.base#Map]]\n",
    })
    view = _view(site, "Home.md", "T")
    assert _rows(view) == [["Emma", ""]]
    msgs = site.messages("base-unsupported")
    assert len(msgs) == 3, msgs  # each once, though the page shows the base twice
    assert msgs[0].startswith("Home.md:1:1: ") and "'Nope'" in msgs[0]
    assert msgs[1].startswith("T.base:5:24: ") and "file.mtime" in msgs[1]
    assert "Home.md:1" in msgs[1]
    assert msgs[2].startswith("T.base:6:11: ") and "'map'" in msgs[2]
    assert _rows(_view(site, "Home.md", "Map")) == [["Emma"]]


@pytest.mark.parametrize(("expr", "expected"), [
    ('file.name == "Dune.md"', ["Dune"]),
    ('file.basename.lower().startsWith("e")', ["Emma"]),
    ('author.contains("Austen")', ["Emma"]),
    ('file.tags.contains("classic")', ["Emma"]),
    ("rating >= 4 && !(status == \"reading\")", ["Emma"]),
    ('file.hasProperty("author") && file.folder == "Books"', ["Dune", "Emma"]),
    ('status.isEmpty() || file.path.endsWith("Beowulf.md")', ["Beowulf"]),
    ("file.links.length > 0", ["Dune"]),
    ('list(status).contains("done") && date < date("2024-01-01")', ["Emma"]),
])
def test_filter_expressions(tmp_path, expr, expected):
    base = (f"filters:\n  and:\n    - file.inFolder(\"Books\")\n    - '{expr}'\n"
            "views:\n  - type: list\n    name: L\n")
    site = build_notes(tmp_path, {**BOOKS, "Q.base": base, "Home.md": "![[Q.base]]\n"})
    view = _view(site, "Home.md", "L")
    assert sorted(li.a.get_text() for li in view.select("li")) == expected
    assert not site.messages("base-unsupported")


def test_check_reports_the_base_warnings_of_build(tmp_path):
    from generator.config import load_config
    from generator.pipeline import check

    site = build_notes(tmp_path, {
        **BOOKS, "Home.md": "```base\nfilters: 'file.mtime > now()'\n```\n\n![[Library.base#Nope]]\n",
        "Bad.base": "views: [\n", "Other.md": "![[Bad.base]]\n"})
    built = [d.format() for d in site.diagnostics if d.code.startswith("base")]
    assert len(built) == 3, built
    checked = [d.format() for d in check(load_config(tmp_path / "src")).diagnostics
               if d.code.startswith("base")]
    assert checked == built


def test_incremental_rebuild_follows_front_matter_and_base_file(tmp_path):
    """A page showing a base is rendered again when another note's front-matter or the .base
    changes, and the result is the bytes of a clean build."""
    from generator.config import load_config
    from generator.pipeline import build

    src = tmp_path / "src"
    files = {**BOOKS, "Home.md": "![[Library.base]]\n\n```base\nfilters: 'status == \"done\"'\n"
                                 "views:\n  - type: list\n    name: Fence\n```\n"}
    for rel, text in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    first = build(load_config(src), out, exec_mode="no-exec")
    edits = [
        ("Books/Dune.md", BOOKS["Books/Dune.md"].replace("status: reading", "status: done")),
        ("Books/Emma.md", BOOKS["Books/Emma.md"].replace("rating: 5", "rating: 1")),
        ("Books/Draft.md", BOOKS["Books/Draft.md"].replace("publish: false\n", "")),
        ("Library.base", BOOKS["Library.base"].replace("direction: DESC", "direction: ASC")),
    ]
    state = first.state
    for i, (rel, text) in enumerate(edits):
        (src / rel).write_text(text, encoding="utf-8")
        result = build(load_config(src), out, state=state, exec_mode="no-exec")
        state = result.state
        fresh = tmp_path / f"fresh{i}"
        build(load_config(src), fresh, exec_mode="no-exec")
        got = (out / "index.html").read_text(encoding="utf-8")
        assert got == (fresh / "index.html").read_text(encoding="utf-8"), rel


def test_a_base_shows_the_same_rows_when_pages_are_rendered_in_worker_processes(tmp_path):
    """Large vaults render pages in worker processes, which get the notes without the facts only
    the build process uses; a base reading ``file.links`` must still see every note's links."""
    from generator.config import load_config
    from generator.parallel import can_fork
    from generator.pipeline import build

    if not can_fork():
        pytest.skip("worker processes need fork")
    files = {f"n/N{i}.md": f"---\ntags: [t]\n---\nSee [[N{(i + 1) % 230}]] and [[Hub]].\n"
             for i in range(230)}
    files["Hub.md"] = ("```base\nfilters:\n  and:\n    - file.hasTag(\"t\")\n"
                       "views:\n  - type: table\n    name: All\n    limit: 5\n"
                       "    order: [file.name, file.links]\n    sort:\n"
                       "      - property: file.name\n        direction: ASC\n```\n")
    build_notes(tmp_path, files)
    vault = tmp_path / "src"
    pages = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        build(load_config(vault), out, exec_mode="no-exec", workers=workers)
        pages.append((out / "Hub.html").read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert "N1" in pages[1].split("N0.html", 1)[1].split("</tr>", 1)[0]  # N0's links: N1, Hub


def test_yaml_broken_at_its_end_is_reported_on_its_last_line_not_the_fence(tmp_path):
    site = build_notes(tmp_path, {"N.md": "x\n\n```base\n-\n$\n```\n",
                                  "M.md": "a\n```base\nviews: [\n```\n"})
    lines = sorted(m.split(" warning[")[0] for m in site.messages("base-error"))
    assert lines == ["M.md:3:1:", "N.md:5:1:"], lines
