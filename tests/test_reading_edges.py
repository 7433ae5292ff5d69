"""Reading odd notes: bytes that are not text, YAML that is not what it seems, odd values."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes

from generator.frontmatter import as_string_list, decode, parse_yaml


def test_mostly_utf8_with_a_bad_byte_keeps_its_letters():
    data = "line é ok\n".encode() * 3 + b"bad \xff byte\n"
    text, diags = decode(data, "Bad.md")
    assert text.startswith("line é ok\n")  # not "Ã©"
    assert text.endswith("bad ÿ byte\n")  # the stray byte read as Windows-1252, not U+FFFD
    assert [(d.code, d.span.line) for d in diags] == [("encoding", 4)]
    text, _ = decode("café".encode("cp1252"), "Old.md")  # a single-byte file stays cp1252
    assert text == "café"
    assert "\x81" not in decode(b"a\x81b", "C1.md")[0]  # C1 controls are not kept


def test_utf16_notes_are_read_and_reported():
    """A UTF-16 file (byte-order mark) is read, and reported: Obsidian reads notes as UTF-8, so there
    it shows garbled; junk after such a mark is reported too, never published silently."""
    text, diags = decode("\ufeff# Notes\r\n\ncafé\n".encode("utf-16-le"), "U16.md")
    assert text == "# Notes\n\ncafé\n"
    assert [(d.code, d.span.line) for d in diags] == [("encoding", 1)]
    assert "UTF-16" in diags[0].message and "UTF-8" in diags[0].hint
    _text, diags = decode(b"\xfe\xff" + "x".encode("utf-16-be"), "Be.md")
    assert [d.code for d in diags] == ["encoding"]
    _text, diags = decode(b"\xff\xfe" + b"\x00\xd8" + bytes(range(1, 256)) * 8, "Junk.md")
    assert "encoding" in [d.code for d in diags] and "replaced" in diags[0].message


def test_yaml_anchors_are_shared_not_copied():
    """Nested anchors (``&a [*b, *b, …]``) are a billion items when copied apart: reading one
    such front-matter took minutes and gigabytes."""
    lines = ["a0: &a0 [x, x, x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]"
                                     for i in range(1, 9)]
    meta, diags = parse_yaml("\n".join(lines) + "\n", "L.md", 2)
    assert meta["a4"][0] is meta["a4"][1] is meta["a3"]
    # what is more than 100,000 items once written out is left out (every reader that writes a
    # value out, from a page's properties to a message, would take as long): tests/test_audit16_cli.py
    assert "a5" not in meta and "a8" not in meta
    assert [d.code for d in diags] == ["frontmatter-yaml"]


def test_values_that_are_no_names():
    assert as_string_list([["nested"], {"x": 1}, "ok", 2025, True, None]) == ["ok", "2025"]
    assert as_string_list({"x": 1}) == []


def test_odd_titles_and_file_names(tmp_path: Path):
    site = build_notes(tmp_path, {
        "List title.md": "---\ntitle: [a, b]\n---\nx\n",
        "Blank title.md": "---\ntitle: '   '\n---\nx\n",
        "Year title.md": "---\ntitle: 2025\n---\nx\n",
        "Map tags.md": "---\ntags: {x: 1}\n---\nx\n",
        b"caf\xe9.md".decode("utf-8", "surrogateescape"): b"latin-1 name\n"})
    titles = {rel: site.html(rel).find("h1").get_text() for rel in
              ("List title.md", "Blank title.md", "Year title.md")}
    assert titles == {"List title.md": "List title", "Blank title.md": "Blank title",
                      "Year title.md": "2025"}
    assert site.html("Map tags.md").select("a.tag") == []  # a mapping is no tag ("#{'x': 1}")
    msgs = site.messages("file-name")
    assert len(msgs) == 1 and msgs[0].startswith("caf\ufffd.md:"), msgs


def test_a_date_that_cannot_be_read_is_reported_at_its_line(tmp_path: Path):
    site = build_notes(tmp_path, {"D.md": "---\ntitle: x\nfoo: 1\ndate: tomorrow\n---\nbody\n"})
    msgs = site.messages("date-format")
    assert len(msgs) == 1 and msgs[0].startswith("D.md:4:") and "'tomorrow'" in msgs[0], msgs


def test_the_date_comes_only_from_the_header_lines_a_note_begins_with(tmp_path: Path):
    """``DATE: 11-04-25`` dates a note when it is among the ``Key: value`` lines the note begins
    with (under its ``# Title``, blank lines between them); after the first other line it is text:
    in prose, in a code block, or a ``Created: by John`` line, it gives no date and no warning.
    A date key needs no space after its colon (``DATE:11-04-25``, as quickly typed)."""
    site = build_notes(tmp_path, {
        "Header.md": "# Header\n\n\nDATE:  11-04-25\n\n\nTags: [[Prose]]\n\n# References:\n",
        "Second.md": "Source: a talk\nCreated: 02-03-24\n\nText.\n",
        "Prose.md": "Some text\nDATE: 01-02-03\n",
        "Fence.md": "```\ndate: 01-02-03\n```\n",
        "Byline.md": "Intro line\nCreated: by John\n",
        "Later.md": "# Title\n\nA paragraph.\n\nDate: 01-02-03\n",
        "Signed.md": "Created: by John\nDATE: 05-06-24\n\nText.\n",
        "Wrong.md": "DATE: someday\n\nText.\n",
        "Tight.md": "DATE:11-04-25\nTags:[[Prose]]\n\nText.\n",
        "TightWrong.md": "Date:soon\n\nText.\n",
    })
    dates = site.dates()
    assert dates == {"Header.md": "2025-04-11", "Second.md": "2024-03-02", "Prose.md": None,
                     "Fence.md": None, "Byline.md": None, "Later.md": None,
                     "Signed.md": "2024-06-05", "Wrong.md": None, "Tight.md": "2025-04-11",
                     "TightWrong.md": None}, dates
    # a header byline (``Created: by John``, no digit in it) is no date written wrong; DATE: is
    assert [m.split(" (")[0] for m in site.messages("date-format")] == [
        "TightWrong.md:1:6: warning[date-format]: cannot read the date 'soon'",
        "Wrong.md:1:7: warning[date-format]: cannot read the date 'someday'"]
    home = site.soup(site.out / "index.html")
    recent = [a.get_text() for a in home.select("section.recent a.listing-title")]
    assert sorted(recent) == ["Header", "Second", "Signed", "Tight"], recent


def test_files_that_differ_only_in_case_say_which_one_is_published(tmp_path: Path):
    site = build_notes(tmp_path, {"A.md": "upper\n", "a.md": "lower\n"})
    msgs = site.messages("duplicate-path")
    assert msgs == ["a.md: warning[duplicate-path]: 'a.md' is skipped: 'A.md' differs from it "
                    "only in letter case or accents, and is published (rename one of them: links, "
                    "and Obsidian on macOS and Windows, cannot tell them apart)"], msgs
    assert site.has("A.md") and not site.has("a.md")



def test_twins_in_case_collide_only_when_both_are_published(tmp_path: Path):
    """Of notes whose names differ only in case, the published one is kept, whichever sorts first;
    a twin that is not published has no page, so nothing collides and nothing is said.  Only a
    second published twin is skipped, with a warning naming the published one kept."""
    site = build_notes(tmp_path, {
        "P_false.md": '---\npublish: "false"\n---\nx\n', "P_False.md": "---\npublish: False\n---\ny\n",
        "D.md": "---\ndraft: true\n---\nx\n", "d.md": "---\ndraft: true\n---\ny\n",
        "B.md": "---\ndraft: true\n---\ndraft\n", "b.md": "published\n",
        "CA.md": "---\ndraft: yes\n---\nx\n", "Ca.md": "first\n", "ca.md": "second\n",
        "Links.md": "[[B]] [[ca]]\n",
    })
    assert site.messages("duplicate-path") == [
        "ca.md: warning[duplicate-path]: 'ca.md' is skipped: 'Ca.md' differs from it only in "
        "letter case or accents, and is published (rename one of them: links, and Obsidian on "
        "macOS and Windows, cannot tell them apart)"]
    assert [rel for rel in ("P_false.md", "P_False.md", "D.md", "d.md", "B.md", "b.md", "CA.md",
                            "Ca.md", "ca.md") if site.has(rel)] == ["b.md", "Ca.md"]
    assert "published" in site.content("b.md").get_text()
    links = site.content("Links.md").find_all("a")
    assert [site.follow(site.page("Links.md"), a["href"])[0] for a in links] == \
        [site.page("b.md"), site.page("Ca.md")]
    assert "unreadable" not in site.codes() and site.result.stats.notes == 5

def _tree_errors(html: str) -> list[str]:
    """End tags that do not close the element open at that point (elements whose end tag HTML
    lets one leave out, such as ``p`` and ``li``, may end implicitly)."""
    from html.parser import HTMLParser

    void = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr", "path", "circle", "rect", "line", "polyline", "polygon", "ellipse"}
    optional_end = {"p", "li", "dt", "dd", "tr", "td", "th", "option"}

    class Tree(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.errors: list[str] = []

        def handle_starttag(self, tag, attrs) -> None:
            if tag not in void:
                self.open.append(tag)

        def handle_endtag(self, tag) -> None:
            if tag in void:
                return
            while self.open and self.open[-1] != tag and self.open[-1] in optional_end:
                self.open.pop()
            if self.open and self.open[-1] == tag:
                self.open.pop()
            else:
                self.errors.append(f"</{tag}> at line {self.getpos()[0]} inside {self.open[-3:]}")

    tree = Tree()
    tree.feed(html)
    tree.close()
    return tree.errors + [f"<{t}> never closed" for t in tree.open]


def test_unbalanced_raw_html_stays_inside_its_note(tmp_path: Path) -> None:
    """Stray closing tags and elements left open in a note close nothing of the page around it:
    not on its own page, and not on a page that embeds it (the backlinks and footer stay out of
    a bold run or a closed <article>)."""
    site = build_notes(tmp_path, {
        "Bad.md": "Before.\n\n</div></section></article>\n\nInline </div> and <b>unclosed bold\n\n"
                  "<div>\n\nunclosed div\n",
        "Host.md": "Host page.\n\n![[Bad]]\n\nAfter the embed.\n",
    })
    for source in ("Bad.md", "Host.md"):
        html = site.page(source).read_text(encoding="utf-8")
        assert _tree_errors(html) == [], source
    host = site.content("Host.md")
    assert "After the embed." in host.get_text()
    assert host.find("b").get_text() == "unclosed bold"
    assert "After the embed." not in host.find("b").get_text()


def test_single_newlines_are_line_breaks_unless_the_vault_is_strict(tmp_path: Path) -> None:
    """Obsidian's default shows a single newline as a line break (the user's header lines stay
    on lines of their own); a vault with 'strict line breaks' on joins them, as Markdown does."""
    notes = {"Poem.md": "DATE: 11-04-25\nTags: [[Other]]\n\nroses are red\nviolets are blue\n",
             "Other.md": "x\n"}
    loose = build_notes(tmp_path / "loose", notes).content("Poem.md")
    assert [len(p.find_all("br")) for p in loose.find_all("p")] == [1, 1]
    strict = build_notes(tmp_path / "strict", {**notes, ".obsidian/app.json": '{"strictLineBreaks": true}'})
    assert strict.content("Poem.md").find("br") is None


def test_bare_web_addresses_are_links(tmp_path: Path) -> None:
    """As in Obsidian: ``https://…`` in text is a link; a bare domain or e-mail address, a URL in
    code, and a link's own text are left alone."""
    site = build_notes(tmp_path, {"N.md": "# References:\nhttps://www.youtube.com/watch?v=t5Bo1Je9EmE\n\n"
                                          "See (https://x.org/a_(b)). Not www.x.org, me@x.org, "
                                          "`https://code.x`, [text](https://y.org).\n"})
    links = [(a.get("href"), a.get_text()) for a in site.content("N.md").find_all("a")]
    assert links == [("https://www.youtube.com/watch?v=t5Bo1Je9EmE",
                      "https://www.youtube.com/watch?v=t5Bo1Je9EmE"),
                     ("https://x.org/a_(b)", "https://x.org/a_(b)"), ("https://y.org", "text")]


def test_deep_nesting_loses_nothing(tmp_path: Path) -> None:
    """markdown-it skipped everything below 20 levels (ten nested lists) to the end of the note,
    silently: the rest of the page and its links were gone.  Ten levels now parse as usual; past
    the raised limit the deepest part is shown as written, with a warning at its line."""
    ten = "".join("  " * i + f"- item{i}\n" for i in range(10)) + "\nafter\n\n## Head\n\n[[nowhere]]\n"
    deep = "".join("  " * i + f"- level{i}\n" for i in range(60)) + "\nlast words\n"
    site = build_notes(tmp_path, {"Ten.md": ten, "Deep.md": deep})
    text = site.content("Ten.md").get_text()
    assert "item9" in text and "after" in text and "Head" in text
    assert [d.span.path for d in site.diagnostics if d.code == "link-unresolved"] == ["Ten.md"]
    deep_text = site.content("Deep.md").get_text()
    assert "level59" in deep_text and "last words" in deep_text
    cut = [d for d in site.diagnostics if d.code == "nesting-too-deep"]
    assert [(d.span.path, d.span.line) for d in cut] == [("Deep.md", 50)]


def test_a_date_that_does_not_exist_loses_only_the_date(tmp_path: Path) -> None:
    """``date: 2025-02-30`` made the YAML loader fail and the whole front-matter was dropped (the
    title, the tags, and the alias other notes link by); now only the date is reported, at its
    own line."""
    site = build_notes(tmp_path, {
        "N.md": "---\ntitle: Planning\naliases: [Plan]\ndate: 2025-02-30\ntags: [work]\n---\nbody\n",
        "L.md": "[[Plan]]\n",
    })
    assert site.html("N.md").find("h1").get_text(strip=True) == "Planning"
    assert "link-unresolved" not in site.codes()
    dates = [d for d in site.diagnostics if d.code == "date-format"]
    assert [(d.span.path, d.span.line) for d in dates] == [("N.md", 4)]
    assert "2025-02-30" in dates[0].message
    assert site.out.joinpath("_tags", "work.html").is_file()


def test_an_attachment_gone_during_the_build_is_reported_not_fatal(tmp_path: Path, monkeypatch) -> None:
    """An embedded file deleted (or made unreadable) after the vault was read made the copy step
    raise: a traceback and no site.  It is now an `unreadable` warning and the rest is built."""
    import generator.pipeline as pipeline

    read = pipeline.discover_vault

    def read_then_lose(cfg, **kw):
        vault = read(cfg, **kw)
        (cfg.vault / "pic.png").unlink()
        return vault

    monkeypatch.setattr(pipeline, "discover_vault", read_then_lose)
    site = build_notes(tmp_path, {"N.md": "![[pic.png]]\n\ntext\n", "pic.png": b"\x89PNG\r\n"})
    assert "text" in site.content("N.md").get_text()
    assert [(d.code, d.span.path) for d in site.diagnostics if d.code == "unreadable"] == \
        [("unreadable", "pic.png")]


def test_front_matter_keys_obsidian_reads_in_any_case(tmp_path: Path) -> None:
    """``Tags:``, ``TAGS:`` and ``Aliases:`` (common in notes imported from other tools) were
    ignored: Obsidian reads these keys whatever their case."""
    site = build_notes(tmp_path, {
        "A.md": "---\nTags: cap\nAliases: [Alpha]\n---\ntext\n",
        "B.md": "---\nTAGS: [upper]\nCssClasses: wide\n---\ntext\n",
        "L.md": "[[Alpha]]\n",
    })
    assert (site.out / "_tags" / "cap.html").is_file() and (site.out / "_tags" / "upper.html").is_file()
    assert "link-unresolved" not in site.codes()
    assert "wide" in site.html("B.md").find("article")["class"]


def test_the_keys_obsidian_dropped_in_1_9_are_plain_properties_and_reported(tmp_path: Path) -> None:
    """``tag:``, ``alias:`` and ``cssclass:`` were Obsidian's spellings until 1.4 and are read as
    plain properties since 1.9: no tags, aliases or classes here either, and a warning at the key
    that says what to write instead."""
    site = build_notes(tmp_path, {
        "Old.md": "---\ntitle: Old\ntag: singular\nAlias: OldName\n---\nbody\n",
        "Uses.md": "See [[OldName]].\n",
    })
    assert not site.html("Old.md").select("a.tag")
    assert not (site.out / "_tags" / "singular.html").exists()
    assert site.content("Uses.md").find("a", class_="broken") is not None
    warned = site.messages("property-deprecated")
    assert [m.split(" warning[")[0] for m in warned] == ["Old.md:3:1:", "Old.md:4:1:"], warned
    assert "'tags'" in warned[0] and "'aliases'" in warned[1]
