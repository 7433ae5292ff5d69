"""Syntax of popular community plugins that real vaults are full of (the tenth audit): Admonition
blocks, Dataview inline fields and queries, Excalidraw drawings, Templater templates, Kanban
boards, banner and cover properties.  Obsidian Publish runs no plugin either; a page must still
read well."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build_notes


def test_admonition_blocks_are_callouts_of_their_type(tmp_path: Path) -> None:
    """```` ```ad-warning ```` (the Admonition plugin) showed as a code block of its source.
    It is the callout of that type: ``title:`` (Markdown), ``collapse: closed|open`` (a fold),
    an empty ``title:`` (no title bar), ``color:``; the body is Markdown whose links resolve
    and are reported at their line in the file; longer fences nest a further admonition."""
    site = build_notes(tmp_path, {
        "A.md": ("# A\n\n"
                 "````ad-warning\n"          # line 3
                 "title: Careful **now**\n"
                 "collapse: Closed\n"
                 "color: 200, 10, 10\n"
                 "Body with [[B]] and [[Nowhere]].\n"  # line 7
                 "\n"
                 "```ad-tip\n"
                 "nested\n"
                 "```\n"
                 "````\n\n"
                 "```ad-quote\ntitle:\nquoted\n```\n\n"
                 "```ad-definition\nplain\n```\n\n"
                 "`ad-note` and\n\n```python\nx = 1\n```\n"),
        "B.md": "# B\n",
    })
    content = site.content("A.md")
    warn = content.find("details", attrs={"data-callout": "warning"})
    assert warn is not None and "callout" in warn["class"] and not warn.has_attr("open")
    assert warn["style"] == "--callout-color: 200, 10, 10"
    title = warn.find("summary", class_="callout-title")
    assert title.get_text().strip() == "Careful now" and title.find("strong")
    link = warn.find("a", class_="internal-link")
    assert link.get_text() == "B" and link["href"] == "B.html"
    tip = warn.find("div", attrs={"data-callout": "tip"})
    assert tip.find(class_="callout-title").get_text(strip=True) == "Tip"
    assert tip.find("p").get_text() == "nested"
    quote = content.find(attrs={"data-callout": "quote"})
    assert quote.find(class_="callout-title") is None and quote.find("p").get_text() == "quoted"
    custom = content.find(attrs={"data-callout": "definition"})
    assert custom.find(class_="callout-title").get_text(strip=True) == "Definition"
    assert not content.find("pre", attrs={"data-lang": lambda v: v and v.startswith("ad-")})
    assert content.find("pre", attrs={"data-lang": "python"})
    assert [(d.span.line, d.span.col) for d in site.diagnostics
            if d.code == "link-unresolved"] == [(7, 21)]


def test_dataview_blocks_are_labelled_queries_and_one_info_for_the_vault(tmp_path: Path) -> None:
    """```` ```dataview ```` showed as an anonymous code block and ```` ```dataviewjs ```` as a
    wall of JavaScript.  A query vaultsite does not compute is shown as the query it is
    (labelled, its results said to be Obsidian's), a script folded under a label.  Each is an
    info (never a ``--strict`` failure: there is nothing to fix), and a vault's many are one
    line, at the first."""
    from click.testing import CliRunner

    from generator.cli import main

    files = {
        "A.md": "# A\n\n```dataview\nTASK FROM #book\nWHERE !completed\n```\n\n"
                "```dataviewjs\ndv.list(dv.pages('#book').file.name)\n```\n",
        "B.md": "x\n\n```dataview\nCALENDAR file.day\n```\n",
        "C.md": "Plain `dataview` text and\n\n```js\ndataview\n```\n",
    }
    site = build_notes(tmp_path, files)
    content = site.content("A.md")
    query = content.find("div", class_="dataview-query")
    assert query.find(class_="query-title").get_text() == "Dataview query"
    assert query.find("pre").get_text() == "TASK FROM #book\nWHERE !completed"
    script = content.find("details", class_="dataview-script")
    assert script is not None and not script.has_attr("open")
    assert "dv.list" in script.find("pre").get_text()
    assert site.content("C.md").find("pre", attrs={"data-lang": "js"})
    infos = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(infos) == 1 and infos[0].severity.value == "info"
    assert (infos[0].span.path, infos[0].span.line) == ("A.md", 3)
    assert infos[0].message.endswith(" (the first of 3 plugin blocks and queries in 2 files)")
    assert [d for d in site.diagnostics if d.severity.value != "info"] == []
    run = CliRunner().invoke(main, ["build", str(tmp_path / "src"), "-o", str(tmp_path / "s2"),
                                    "--strict"])
    assert run.exit_code == 0, run.output
    assert run.output.count("plugin-unrendered") == 1


def _fields(tag) -> list[tuple[str | None, str]]:
    """(shown key or None, value text) of each Dataview field in ``tag``."""
    out = []
    for field in tag.find_all("span", class_="inline-field"):
        key = field.find("span", class_="inline-field-key")
        value = field.find("span", class_=["inline-field-value", "inline-field-standalone-value"])
        out.append((key.get_text() if key else None, value.get_text()))
    return out


def test_dataview_inline_fields_show_as_keys_and_values(tmp_path: Path) -> None:
    """``Status:: active``, ``[rating:: 5]`` and ``(hidden:: value)`` came out as raw text.  As in
    Dataview's reading view, a bracketed field is its key and value, a parenthesised one its
    value only; a ``Key:: value`` line is its own field (its key's markup dropped, as Dataview
    names it).  A value's links resolve and count as links; code, and ``std::vector`` /
    ``(std::string)`` with no space after ``::``, stay text."""
    site = build_notes(tmp_path, {
        "A.md": ("Status:: active\n**Owner**:: [[B]]\nplain line\n\n"
                 "I rate it [rating:: 5] and (hidden:: shown *value*) and [see:: [[B|bee]]].\n\n"
                 "- [ ] call [due:: 2024-01-02]\n\n"
                 "Code `[k:: v]`, std::vector (std::string) and [x](https://e.org).\n\n"
                 "```\n[k:: v]\n```\n"),
        "B.md": "# B\n",
    })
    content = site.content("A.md")
    paras = content.find_all("p")
    assert _fields(paras[0]) == [("Status", "active"), ("Owner", "B")]
    assert "plain line" in paras[0].get_text() and "::" not in paras[0].get_text()
    assert _fields(paras[1]) == [("rating", "5"), (None, "shown value"), ("see", "bee")]
    assert "hidden" not in paras[1].get_text()
    assert paras[1].find("em").get_text() == "value"
    assert _fields(content.find("li")) == [("due", "2024-01-02")]
    assert _fields(paras[2]) == [] and "std::vector (std::string)" in paras[2].get_text()
    assert paras[2].find("code").get_text() == "[k:: v]" and "[k:: v]" in content.find("pre").text
    key = paras[0].find("span", class_="inline-field-key")
    assert key["data-dv-key"] == "Status" and key["data-dv-norm-key"] == "status"
    owner = paras[0].find_all("span", class_="inline-field")[1].find("a")
    assert owner["href"] == "B.html"
    backlinks = site.html("B.md").find(class_="backlinks")
    assert backlinks.find("a", href="A.html")
    # a line field reads "Key: value" (a header line: no summary), one in a sentence "key value"
    assert site.html("A.md").find("meta", attrs={"name": "description"})["content"] \
        .startswith("I rate it rating 5 and shown value and see bee.")


DRAWING = ("---\nexcalidraw-plugin: parsed\ntags: [excalidraw]\n---\n"
           "==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==\n\n"
           "# Text Elements\nHello world ^abc123\n\n%%\n# Drawing\n```compressed-json\n"
           "N4KAkARALgngDgUwgLgAQQQDwMYEMA2AlgCYBOuA7hADTgQBuCpAzoQPYB2KqATLZMzYBXUtiRoIACyhQ4zZAHoFA\n"
           "```\n%%\n")
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def test_excalidraw_embeds_show_the_exported_picture(tmp_path: Path) -> None:
    """``![[draw.excalidraw]]`` came out as a bare link to a page of the drawing's Markdown (its
    "Switch to EXCALIDRAW VIEW" notice first).  The plugin's auto-export beside the drawing
    (``draw.excalidraw.svg``; the old format's ``old.svg``/``.png``) is the picture embedded
    (with its size), and the drawing's own page shows it above the drawing's text, without the
    notice.  A drawing with no export is a link to its page saying so, and one
    ``excalidraw-unexported`` warning at the embed; a missing drawing stays unresolved."""
    site = build_notes(tmp_path, {
        "A.md": ("# A\n\n![[draw.excalidraw]]\n\nInline ![[draw.excalidraw|300]] here.\n\n"
                 "![[Bare.excalidraw]]\n\n![[old.excalidraw]]\n\n![[Gone.excalidraw]]\n"),
        "sub/draw.excalidraw.md": DRAWING, "sub/draw.excalidraw.svg": SVG,
        "Bare.excalidraw.md": DRAWING,
        "old.excalidraw": '{"type": "excalidraw", "elements": []}', "old.png": b"\x89PNG\r\n",
    })
    content = site.content("A.md")
    imgs = content.find_all("img", class_="excalidraw-embed")
    # each with the size its picture gives (the 10x10 SVG; |300 in its shape; a PNG too short
    # to hold a size: none), as every embedded picture has it
    assert [(i["src"], i["alt"], i.get("width"), i.get("height")) for i in imgs] == [
        ("sub/draw.excalidraw.svg", "draw", "10", "10"), ("sub/draw.excalidraw.svg", "draw", "300", "300"),
        ("old.png", "old", None, None)]
    for img in imgs:
        site.follow(site.page("A.md"), img["src"])
    bare = content.find("a", class_="excalidraw-unexported")
    assert bare["href"] == "Bare.excalidraw.html" and "no exported picture" in bare.get_text()
    assert content.find(class_="broken")["data-target"] == "Gone.excalidraw"
    assert [(d.code, d.span.line) for d in site.diagnostics] == [
        ("excalidraw-unexported", 7), ("link-unresolved", 11)]
    page = site.content("sub/draw.excalidraw.md")
    assert page.find("p", class_="excalidraw-drawing").find("img")["src"] == "draw.excalidraw.svg"
    assert "EXCALIDRAW VIEW" not in page.get_text() and "N4KAk" not in page.get_text()
    assert "Hello world" in page.get_text()
    assert site.content("Bare.excalidraw.md").find("p", class_="excalidraw-unexported")


def test_obsidian_template_folders_are_left_out(tmp_path: Path) -> None:
    """Templates (``<% tp.date.now() %>``, ``{{date}}``) were published as pages, listed in the
    explorer and found by the search.  The folders Obsidian's Templates plugin
    (``.obsidian/templates.json``) and Templater (its ``data.json``) name are left out, as an
    Obsidian Publish user leaves them unselected; a link to a template says why, and
    ``publish_templates = true`` publishes them."""
    files = {
        "A.md": "# A\n\nSee [[Daily]] and [[Meeting]].\n",
        "Templates/Daily.md": '# <% tp.date.now("YYYY-MM-DD") %>\n',
        "Meta/Tpl [x]/Meeting.md": "# {{title}}\n",
        "Meta/Other.md": "kept\n",
        ".obsidian/templates.json": '{"folder": "Templates"}',
        ".obsidian/plugins/templater-obsidian/data.json":
            '{"templates_folder": "Meta/Tpl [x]", "trigger_on_file_creation": false}',
    }
    site = build_notes(tmp_path, files)
    assert site.has("A.md") and site.has("Meta/Other.md")
    assert not site.has("Templates/Daily.md") and not site.has("Meta/Tpl [x]/Meeting.md")
    assert not any("tp.date" in p.read_text() for p in site.out.rglob("*") if p.is_file()
                   and p.suffix in (".html", ".js", ".json"))
    msgs = site.messages("link-unresolved")
    assert len(msgs) == 2 and all("a template of the vault" in m and "publish_templates" in m
                                  for m in msgs)
    assert "Templates/Daily.md, a template of the vault (Templates, as" in msgs[0]
    site = build_notes(tmp_path / "pub", files, publish_templates=True)
    assert site.has("Templates/Daily.md") and site.has("Meta/Tpl [x]/Meeting.md")
    assert site.messages("link-unresolved") == []


def test_image_and_cover_properties_are_the_pages_og_image(tmp_path: Path) -> None:
    """``image`` / ``cover`` (Obsidian Publish's social preview picture) were ignored: no page had
    an ``og:image``.  With ``site_url`` a picture of the vault named by path, name or ``[[link]]``
    is the page's absolute ``og:image`` and is copied; a web address is taken as it is; a
    Banners plugin ``banner`` is the fallback.  Without ``site_url`` there is none (it must be
    absolute)."""
    png = b"\x89PNG\r\n\x1a\n"
    files = {
        "index.md": '---\ncover: "Attachments/Cover image.png"\n---\nhome\n',
        "A.md": '---\nimage: "[[pic.png|alt]]"\n---\nA\n',
        "B.md": "---\nImage: https://example.com/b.png\n---\nB\n",
        "C.md": '---\nbanner: "![[pic.png]]"\n---\nC\n',
        "D.md": "---\ncover: missing.png\n---\nD\n",
        "Attachments/Cover image.png": png, "sub/pic.png": png,
    }
    site = build_notes(tmp_path, files, site_url="https://me.github.io/notes")

    def og(source: str) -> str | None:
        tag = site.html(source).find("meta", attrs={"property": "og:image"})
        return tag["content"] if tag else None

    assert og("index.md") == "https://me.github.io/notes/Attachments/Cover%20image.png"
    assert og("A.md") == og("C.md") == "https://me.github.io/notes/sub/pic.png"
    assert og("B.md") == "https://example.com/b.png" and og("D.md") is None
    assert (site.out / "Attachments/Cover image.png").read_bytes() == png
    assert (site.out / "sub/pic.png").is_file()
    bare = build_notes(tmp_path / "bare", files)
    assert bare.html("A.md").find("meta", attrs={"property": "og:image"}) is None


BOOKS = {
    "Books/Dune.md": ("---\ntags: [book, scifi]\nrating: 9\nauthor: \"[[Herbert]]\"\n"
                      "finished: 2024-01-02\n---\nStatus:: read\n"),
    "Books/Emma.md": "---\ntags: [book]\nrating: 7\n---\nStatus:: reading\n",
    "Books/Zen.md": "---\ntags: [book/essay]\n---\nno rating\n",
    "Books/Draft.md": "---\ntags: [book]\nrating: 10\npublish: false\n---\nx\n",
    "Herbert.md": "# Herbert\n",
}


def _results(site, source: str) -> list[list[str]]:
    """Each computed query of the page: its rows' cell texts (a list: its items)."""
    out = []
    for view in site.content(source).find_all(class_="dataview-result"):
        table = view.find("table")
        if table is None:
            out.append([li.get_text() for li in view.find_all("li")])
        else:
            out.append([[c.get_text() for c in tr.find_all(["th", "td"])]
                        for tr in table.find_all("tr")])
    return out


def test_dataview_queries_of_the_subset_are_computed_from_the_vault(tmp_path: Path) -> None:
    """LIST and TABLE queries with FROM (#tag with its subtags, "folder", [[note]]: the notes
    linking to it), WHERE, SORT and LIMIT are computed at build time, as Dataview computes them:
    fields from front-matter and inline fields, null below every value (``rating > 5`` leaves
    out a note with no rating; ``SORT rating`` puts it first), dates as Dataview writes them,
    links as links, the File column counting the rows; unpublished notes are no rows."""
    site = build_notes(tmp_path, {**BOOKS, "Index.md": (
        "```dataview\nTABLE rating AS \"Rating\", Status, finished, author\nFROM #book\n"
        "WHERE rating > 5\nSORT rating DESC\n```\n\n"
        "```dataview\nlist from \"Books\" sort file.name desc limit 2\n```\n\n"
        "```dataview\nTABLE WITHOUT ID file.link AS \"Book\", rating FROM #book SORT rating\n```\n\n"
        "```dataview\nLIST FROM [[Herbert]] AND -#essay\n```\n\n"
        "```dataview\nLIST WHERE contains(tags, \"scifi\") OR status = \"reading\"\n```\n")})
    tables = _results(site, "Index.md")
    assert tables == [
        [["File (2)", "Rating", "Status", "finished", "author"],
         ["Dune", "9", "read", "January 02, 2024", "Herbert"], ["Emma", "7", "reading", "-", "-"]],
        ["Zen", "Emma"],
        [["Book", "rating"], ["Zen", "-"], ["Emma", "7"], ["Dune", "9"]],
        ["Dune"],
        ["Dune", "Emma"],
    ]
    author = site.content("Index.md").find("a", string="Herbert")
    assert author["href"] == "Herbert.html"
    assert not site.content("Index.md").find(class_="dataview-query")
    assert [d for d in site.diagnostics if d.code == "plugin-unrendered"] == []


def test_dataview_queries_outside_the_subset_are_shown_as_written(tmp_path: Path) -> None:
    """A query vaultsite cannot compute exactly never shows a table that may be wrong: other
    query types, functions, a field compared with a value of another type, a field written twice
    or where no field is read (a table cell), text Dataview would render as Markdown, strings
    whose collation is not plain ASCII.  It is the labelled query, and the info says why."""
    queries = [
        "TASK FROM #book",
        "TABLE length(file.outlinks) FROM #book",
        "LIST WHERE rating > \"5\"",
        "LIST WHERE dup = 1",
        "LIST WHERE cell = 1",
        "TABLE note FROM \"Misc\"",
        "LIST FROM \"Misc\" SORT title",
        "LIST FROM #book GROUP BY rating",
        "LIST WHERE !rating = 7",
    ]
    site = build_notes(tmp_path, {
        **BOOKS,
        "Misc/Dup.md": "---\ndup: 1\ntitle: Épée\n---\ndup:: 2\n",
        "Misc/Cell.md": "---\ntitle: apple\n---\n| cell:: 1 |\n|---|\n",
        "Misc/Md.md": "---\nnote: \"**bold**\"\n---\n",
        "Index.md": "".join(f"```dataview\n{q}\n```\n\n" for q in queries),
    })
    content = site.content("Index.md")
    assert _results(site, "Index.md") == []
    shown = [q.find("pre").get_text() for q in content.find_all(class_="dataview-query")]
    assert shown == queries
    info = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(info) == 1
    assert info[0].message.endswith(f"(the first of {len(queries)} plugin blocks and queries in 1 file)")
    assert "TASK" in info[0].message


def test_a_query_page_is_built_again_when_another_notes_inline_field_changes(tmp_path: Path) -> None:
    """A computed query depends on every note's fields: an incremental build (``serve``) after
    editing another note's inline field, or writing a ``key::`` where no field is read, gives
    the page a full build gives."""
    from conftest import write_files

    from generator.config import load_config
    from generator.pipeline import BuildState, build

    vault = write_files(tmp_path / "v", {
        "Q.md": "```dataview\nLIST WHERE status = \"open\"\n```\n",
        "A.md": "status:: open\n", "B.md": "status:: closed\n"})
    state, out = BuildState(), tmp_path / "out"

    def page() -> list[str]:
        build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)
        soup = BeautifulSoup((out / "Q.html").read_text(encoding="utf-8"), "html.parser")
        result = soup.find(class_="dataview-result")
        return [li.get_text() for li in result.find_all("li")] if result else ["(as written)"]

    assert page() == ["A"]
    (vault / "B.md").write_text("status:: open\n", encoding="utf-8")
    assert page() == ["A", "B"]
    (vault / "B.md").write_text("| status:: open |\n|---|\n", encoding="utf-8")
    assert page() == ["(as written)"]


def test_inline_dataview_queries_of_a_field_are_computed(tmp_path: Path) -> None:
    """```` `= this.rating` ```` (a Dataview inline query) showed as code.  A field of this note
    or of another (``[[B]].field``) and ``this.file.name`` are shown as their value; any other
    inline query stays code, with the vault's one ``plugin-unrendered`` info; a code span that
    is no query (``= 5``) is untouched."""
    site = build_notes(tmp_path, {
        "A.md": ("---\nrating: 4\n---\nstatus:: open\n\n"
                 "Rated `= this.rating`, `= this.status`, `= this.file.name`, B is "
                 "`= [[B]].due`.\n\nNot: `= date(today)`, `$= dv.current().x`, `= 5`.\n"),
        "B.md": "---\ndue: 2024-03-05\n---\n",
    })
    paras = site.content("A.md").find_all("p")
    values = [s.get_text() for s in paras[1].find_all("span", class_="dataview-inline-query")]
    assert values == ["4", "open", "A", "March 05, 2024"]
    assert [c.get_text() for c in paras[2].find_all("code")] == [
        "= date(today)", "$= dv.current().x", "= 5"]
    info = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(info) == 1 and info[0].span.line == 8 and "2 plugin blocks and queries" in info[0].message


def test_tasks_plugin_queries_are_labelled_queries(tmp_path: Path) -> None:
    """A ```` ```tasks ```` block (the Tasks plugin's query: ``not done``, ``due before
    tomorrow``) showed as anonymous code.  It is shown as the labelled query it is, with the
    vault's one ``plugin-unrendered`` info, together with unrendered Dataview queries."""
    site = build_notes(tmp_path, {
        "A.md": "# A\n\n```tasks\nnot done\ndue before tomorrow\n```\n\n```dataviewjs\nx\n```\n"})
    box = site.content("A.md").find("div", class_="tasks-query")
    assert box.find(class_="query-title").get_text() == "Tasks query"
    assert box.find("pre").get_text() == "not done\ndue before tomorrow"
    info = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(info) == 1 and info[0].message.endswith("(the first of 2 plugin blocks and queries in 1 file)")
    assert "Tasks query" in info[0].message and info[0].span.line == 3


@pytest.mark.parametrize("unit", ["(a:: ", "[a:: ", "[a:: (b:: ", "*[a:: * ", "(a:: [b]) "])
def test_inline_fields_stay_linear(unit: str) -> None:
    """Brackets are paired in one pass over a line (a first version looked for each bracket's
    close from scratch: a long line of unclosed ``(a:: `` cost its length squared)."""
    from conftest import render_cost as cost
    from markdown_it import MarkdownIt

    from generator.markdown import make_markdown

    text = "x " + unit * 5000
    # linear: up to 4.3 times plain markdown-it on an idle machine at any length (the ``[``
    # units are links plain markdown-it looks for too); a quadratic scan costs thousands of times
    assert cost(make_markdown(), text) < 8 * cost(MarkdownIt("commonmark"), text) + 0.3, unit


def test_dataview_sources_as_dataview_resolves_them(tmp_path: Path) -> None:
    """As Dataview's ``matchingSourcePaths``: ``"X"`` is the folder X when there is one (its
    unpublished notes included in that test), else the note ``X.md``; ``[[Note]]`` includes a
    note linking to itself; a tag matches as written (another case: shown as written, since
    Dataview's tag index is by the written tag); ``[[Missing]]`` (Dataview lists the notes
    linking to that name) is shown as written."""
    site = build_notes(tmp_path, {
        "Books.md": "---\ntags: [Book]\n---\nsee [[Books]]\n",
        "Books/Hidden.md": "---\npublish: false\n---\n",
        "Solo.md": "# Solo\n", "Other/X.md": "[[Solo]]\n",
        "Q.md": ("```dataview\nLIST FROM \"Books\"\n```\n\n```dataview\nLIST FROM \"Solo\"\n```\n\n"
                 "```dataview\nLIST FROM [[Books]]\n```\n\n```dataview\nLIST FROM #book\n```\n\n"
                 "```dataview\nLIST FROM [[Missing]]\n```\n"),
    })
    assert _results(site, "Q.md") == [[], ["Solo"], ["Books"]]
    shown = [q.find("pre").get_text() for q in site.content("Q.md").find_all(class_="dataview-query")]
    assert shown == ["LIST FROM #book", "LIST FROM [[Missing]]"]


def test_computed_queries_follow_the_vaults_dataview_settings(tmp_path: Path) -> None:
    """What a query shows follows the vault's Dataview settings (its ``data.json``), as Obsidian
    shows it: the date format (a Luxon one; one with a token not written here shows the query as
    written), what null reads as, the first column's name and count, the inline query prefix."""
    settings = ('{"defaultDateFormat": "yyyy-MM-dd (EEE)", "renderNullAs": "none", '
                '"tableIdColumnName": "Note", "showResultCount": false, "inlineQueryPrefix": "dv:"}')
    site = build_notes(tmp_path, {
        ".obsidian/plugins/dataview/data.json": settings,
        "A.md": "---\ndue: 2024-03-05\n---\nDue `dv: this.due`, not `= this.due`.\n",
        "B.md": "---\nx: 1\n---\n",
        "Q.md": "```dataview\nTABLE due FROM \"\" SORT file.name\n```\n",
    })
    assert _results(site, "Q.md") == [[["Note", "due"], ["A", "2024-03-05 (Tue)"], ["B", "none"],
                                       ["Q", "none"]]]
    para = site.content("A.md").find("p")
    assert para.find(class_="dataview-inline-query").get_text() == "2024-03-05 (Tue)"
    assert para.find("code").get_text() == "= this.due"
    (tmp_path / "src/.obsidian/plugins/dataview/data.json").write_text(
        '{"defaultDateFormat": "DDD"}', encoding="utf-8")
    from conftest import build_vault

    again = build_vault(tmp_path / "src", tmp_path / "again")
    assert _results(again, "Q.md") == []
    assert "DDD" in again.messages("plugin-unrendered")[0]


def test_serve_reloads_the_plugin_settings_it_reads(tmp_path: Path) -> None:
    """``serve`` watched only ``.obsidian/app.json``: a template folder set in Obsidian, or a
    Dataview setting changed, while it runs was not seen until a restart."""
    from conftest import write_files

    from generator.config import load_config
    from generator.serve import ChangeFilter, PipelineBuilder

    vault = write_files(tmp_path / "v", {"Templates/T.md": "# <% tp.file.title %>\n",
                                         "A.md": "a\n"})
    out = tmp_path / "out"
    builder = PipelineBuilder(load_config(vault, {}), out)
    builder.rebuild(None)
    assert (out / "Templates" / "T.html").is_file()
    watch = ChangeFilter(builder.watch_roots(), builder.ignored_paths())
    setting = vault / ".obsidian" / "templates.json"
    setting.parent.mkdir()
    setting.write_text('{"folder": "Templates"}', encoding="utf-8")
    dataview = vault / ".obsidian" / "plugins" / "dataview" / "data.json"
    assert watch.relevant(setting) and watch.relevant(dataview)
    assert not watch.relevant(vault / ".obsidian" / "plugins" / "dataview" / "main.js")
    assert builder.rebuild({setting}).error is None
    assert not (out / "Templates" / "T.html").exists()


def test_the_daily_notes_template_is_left_out(tmp_path: Path) -> None:
    """The Daily notes plugin's template (``.obsidian/daily-notes.json`` ``template``, a note
    named without ``.md``, often outside any templates folder) was published with its
    ``{{date}}`` placeholders."""
    site = build_notes(tmp_path, {
        ".obsidian/daily-notes.json": '{"folder": "Journal", "template": "Meta/Daily template"}',
        "Meta/Daily template.md": "# {{date}}\n", "Meta/Other.md": "kept\n",
        "Journal/2025-01-01.md": "day\n"})
    assert not site.has("Meta/Daily template.md")
    assert site.has("Meta/Other.md") and site.has("Journal/2025-01-01.md")


def test_dataview_list_with_a_field_and_this_in_conditions(tmp_path: Path) -> None:
    """``LIST author`` lists "Note: author" (``WITHOUT ID``: the author alone), and a condition
    may compare with a field of the note showing the query (``file.name != this.file.name``,
    ``rating >= this.bar``), two of the commonest Dataview forms."""
    site = build_notes(tmp_path, {**BOOKS, "Books/Index.md": (
        "---\nbar: 8\nrating: 1\ntags: [book]\n---\n"
        "```dataview\nLIST rating FROM #book WHERE file.name != this.file.name SORT file.name\n```\n\n"
        "```dataview\nLIST WITHOUT ID author FROM #book WHERE rating >= this.bar\n```\n")})
    assert _results(site, "Books/Index.md") == [
        ["Dune: 9", "Emma: 7", "Zen: -"], ["Herbert"]]


def test_kanban_boards_read_as_lanes_with_dates(tmp_path: Path) -> None:
    """A Kanban board reads as written (lanes as headings, cards as tasks whose links resolve,
    the board's settings hidden); a card's ``@{2024-01-02}`` / ``@@{10:00}`` showed the plugin's
    markup, and is now the date (a ``<time>``).  Outside a board, ``@{…}`` is text."""
    site = build_notes(tmp_path, {
        "Board.md": ("---\nkanban-plugin: basic\n---\n\n## Todo\n\n- [ ] Write [[B]] @{2024-01-02}"
                     " @@{10:00}\n\n## Done\n\n- [x] Shipped\n\n%% kanban:settings\n```\n"
                     '{"kanban-plugin":"basic"}\n```\n%%\n'),
        "B.md": "Mail @{2024-01-02}\n"})
    board = site.content("Board.md")
    assert [h.get_text() for h in board.find_all("h2")] == ["Todo", "Done"]
    card = board.find("li")
    assert card.find("a")["href"] == "B.html"
    assert [t.get_text() for t in card.find_all("time")] == ["2024-01-02", "10:00"]
    assert "@{" not in board.get_text() and "kanban:settings" not in board.get_text()
    assert "@{2024-01-02}" in site.content("B.md").get_text()


def test_a_link_to_an_old_format_drawing_opens_its_picture(tmp_path: Path) -> None:
    """``[[old.excalidraw]]`` (the plugin's old JSON format) linked the JSON file, which a
    reader's browser shows as a wall of text or downloads; it opens the exported picture."""
    site = build_notes(tmp_path, {"A.md": "See [[old.excalidraw]].\n",
                                  "old.excalidraw": '{"type": "excalidraw"}', "old.svg": SVG})
    link = site.content("A.md").find("a", class_="internal-link")
    assert link["href"] == "old.svg" and link.get_text() == "old.excalidraw"
    site.follow(site.page("A.md"), link["href"])


def test_other_plugins_blocks_are_folded_under_their_name(tmp_path: Path) -> None:
    """```` ```chart ```` (Obsidian Charts), ```` ```leaflet ````, ```` ```meta-bind ```` … showed
    their settings as a code listing that means nothing to a reader.  They are folded under a
    label naming what the plugin draws, with the vault's one ``plugin-unrendered`` info."""
    site = build_notes(tmp_path, {"A.md": ("```chart\ntype: bar\nlabels: [a, b]\n```\n\n"
                                           "```leaflet\nid: map\n```\n\n```yaml\nk: v\n```\n")})
    content = site.content("A.md")
    blocks = content.find_all("details", class_="plugin-block")
    assert [b.find("summary").get_text() for b in blocks] == [
        "Chart (Obsidian Charts plugin, shown in Obsidian only)",
        "Map (Obsidian Leaflet plugin, shown in Obsidian only)"]
    assert not blocks[0].has_attr("open") and "type: bar" in blocks[0].find("pre").get_text()
    assert content.find("pre", attrs={"data-lang": "yaml"})
    info = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(info) == 1 and info[0].message.endswith("(the first of 2 plugin blocks and queries in 1 file)")
