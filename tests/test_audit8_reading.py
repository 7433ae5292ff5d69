"""Reading the vault as Obsidian reads it: cases found by the eighth audit (front-matter, dates,
encodings, tags, the site's own pages)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes

from generator.frontmatter import parse_yaml


def test_a_key_written_twice_is_invalid_front_matter_as_in_obsidian(tmp_path: Path) -> None:
    """Obsidian's properties must have unique names ("you can't have more than one tags
    property"); a front-matter with a key written twice is invalid YAML there and none of it is
    read.  PyYAML kept the last value silently (the first ``tags:`` list was lost without a
    word); now it is a ``frontmatter-yaml`` warning at the second key, the note is published
    without its front-matter, and a ``publish: false`` line still keeps a draft out."""
    meta, diags = parse_yaml("title: A\ntags: [x]\ntitle: B\n", "D.md", 2)
    assert meta == {}
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("frontmatter-yaml", 4, 1)]
    assert "title" in diags[0].message and "line 2" in diags[0].message
    # a nested mapping too; a merge key (<<) is not a repeat of the keys it brings in
    assert parse_yaml("a:\n  b: 1\n  b: 2\n", "D.md", 2)[1][0].span.line == 4
    meta, diags = parse_yaml("base: &b {title: X, k: 1}\n<<: *b\ntitle: Y\n", "M.md", 2)
    assert diags == [] and meta["title"] == "Y" and meta["k"] == 1

    site = build_notes(tmp_path, {
        "Twice.md": "---\ntags: [first]\ntitle: Shown\ntags: [second]\n---\nbody\n",
        "Draft.md": "---\npublish: false\ntitle: A\ntitle: B\n---\nsecret\n",
    })
    assert site.has("Twice.md") and not site.has("Draft.md")
    assert site.html("Twice.md").find("h1").get_text(strip=True) == "Twice"
    assert [(d.span.path, d.span.line) for d in site.diagnostics
            if d.code == "frontmatter-yaml" and "twice" in d.message] == \
        [("Draft.md", 4), ("Twice.md", 4)]


def test_front_matter_date_keys_in_any_case_and_blank_dates(tmp_path: Path) -> None:
    """A header line ``DATE: 11-04-25`` dates a note in any case of its key, but the same line in
    front-matter did not (only ``date``, ``Date`` and ``created`` were read: ``DATE:`` and
    ``Created:`` gave no date); a blank ``date: ""`` (a template's empty field, which Obsidian shows
    as an empty date) was reported as a date that cannot be read, and stopped ``created`` being
    read."""
    site = build_notes(tmp_path, {
        "Upper.md": "---\nDATE: 11-04-25\n---\nx\n",
        "Created.md": "---\nCreated: 2024-01-02\n---\nx\n",
        "Blank.md": "---\ndate: \"\"\ncreated: 2023-05-06\n---\nx\n",
        "Spaces.md": "---\ndate: '  '\n---\nx\n",
    })
    dates = site.dates()
    assert dates == {"Upper.md": "2025-04-11", "Created.md": "2024-01-02",
                     "Blank.md": "2023-05-06", "Spaces.md": None}, dates
    assert site.messages("date-format") == []


def test_values_are_shown_as_written_not_as_python_reprs(tmp_path: Path) -> None:
    """``description: [a, b]`` became the page's meta description ``['a', 'b']``, and a date given
    as a list was reported as ``[datetime.date(2025, 4, 11)]``: Python's notation, not what the
    note says.  A description that is no text is left out (as a title that is no text is); a
    message quotes the value as the note writes it."""
    site = build_notes(tmp_path, {
        "Desc.md": "---\ndescription: [a, b]\n---\nFirst paragraph.\n",
        "Num.md": "---\ndescription: 42\n---\nFirst paragraph.\n",
        "List.md": "---\ndate: [2025-04-11]\n---\nx\n",
    })
    meta = site.html("Desc.md").find("meta", attrs={"name": "description"})["content"]
    assert meta == "First paragraph."
    assert site.html("Num.md").find("meta", attrs={"name": "description"})["content"] == "42"
    msgs = site.messages("date-format")
    assert len(msgs) == 1 and msgs[0].startswith("List.md:2:"), msgs
    assert "[2025-04-11]" in msgs[0] and "datetime" not in msgs[0], msgs


def test_warnings_of_a_cr_only_note_are_at_their_line() -> None:
    """A note with classic Mac line ends (CR only) is read line by line, but the ``encoding`` and
    ``binary-content`` warnings counted only LF, so they always said line 1."""
    from generator.frontmatter import decode

    _text, diags = decode(b"title\rsecond\rbad \xff byte\r", "Cr.md")
    assert [(d.code, d.span.line) for d in diags] == [("encoding", 3)]
    text, diags = decode(b"one\rtwo\r\nthree\nfour \x00 nul\r", "Nul.md")
    assert text == "one\ntwo\nthree\nfour \ufffd nul\n"  # U+FFFD, as CommonMark says
    assert [(d.code, d.span.line) for d in diags] == [("binary-content", 4)]


def test_a_header_date_with_a_time_is_that_day(tmp_path: Path) -> None:
    """``DATE: 11-04-25 17:42`` (a day-first date and the time, as Obsidian's Templates plugin
    writes ``{{date}} {{time}}`` with a DD-MM-YY date format) was reported as a date that cannot be
    read, and the note had no date; an ISO date with a time already read as its day."""
    site = build_notes(tmp_path, {
        "Time.md": "DATE: 11-04-25 17:42\nTags: #x\n\nBody\n",
        "Seconds.md": "Date: 11/04/2025 17:42:05\n\nBody\n",
        "Pm.md": "Date: 11.04.2025 5:42 PM\n\nBody\n",
        "Fm.md": "---\ndate: 11-04-2025 09:00\n---\nBody\n",
    })
    dates = site.dates()
    assert dates == dict.fromkeys(("Time.md", "Seconds.md", "Pm.md", "Fm.md"), "2025-04-11"), dates
    assert site.messages("date-format") == []


def test_template_files_linked_from_outside_the_vault_are_not_published(tmp_path: Path) -> None:
    """A symbolic link in ``_templates/`` to a file outside the vault was reported as "not
    published", yet ``_templates/static/leak.css`` was copied into ``_assets/`` and a linked
    ``note.html`` made every page: a file from outside the vault reached the site.  Now both are
    left out (the theme's own template is used), as the warning says."""
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text("SECRET-OUTSIDE\n")
    (outside / "note.html").write_text("SECRET-OUTSIDE {{ page.title }}\n")
    vault = tmp_path / "src"
    (vault / "_templates" / "static").mkdir(parents=True)
    os.symlink(outside / "secret.css", vault / "_templates" / "static" / "leak.css")
    os.symlink(outside / "note.html", vault / "_templates" / "note.html")
    (vault / "_templates" / "static" / "own.css").write_text("/* mine */\n")
    site = build_notes(tmp_path, {"N.md": "text\n"})
    assert [d.span.path for d in site.diagnostics if d.code == "symlink-outside"] == [
        "_templates/note.html", "_templates/static/leak.css"]
    assert not (site.out / "_assets" / "leak.css").exists()
    assert (site.out / "_assets" / "own.css").is_file()
    assert "text" in site.content("N.md").get_text()
    assert not [p for p in site.out.rglob("*") if p.is_file() and b"SECRET-OUTSIDE" in p.read_bytes()]


def test_a_mount_name_that_climbs_out_of_the_vault_is_an_error(tmp_path: Path) -> None:
    """``mounts = { "../up" = "att" }`` was accepted: its files had vault paths such as
    ``../up/n.md`` (in the pages' ``source`` meta) outside the vault they are said to be in."""
    import pytest

    from generator.config import ConfigError, load_config

    (tmp_path / "att").mkdir()
    for name in ("../up", "a/../../b", "./x/.."):
        (tmp_path / "vaultsite.toml").write_text(f'title = "T"\nmounts = {{ "{name}" = "att" }}\n')
        with pytest.raises(ConfigError, match=r"vaultsite.toml:2:12: .*mounts"):
            load_config(tmp_path)
    (tmp_path / "vaultsite.toml").write_text('mounts = { "Media/att" = "att" }\n')
    assert load_config(tmp_path).mounts[0][0] == "Media/att"


def test_an_unknown_table_is_reported_at_its_line(tmp_path: Path) -> None:
    """An unknown key is an error naming it at its line, but an unknown *table* (``[site]``, or
    ``[execute.extra]``) was reported without a line."""
    import pytest

    from generator.config import ConfigError, load_config

    for text, where, key in (('title = "T"\n\n[site]\nx = 1\n', "3:2", "site"),
                             ('[execute]\ntimeout = 5\n[execute.extra]\nx = 1\n', "3:10",
                              "execute.extra")):
        (tmp_path / "vaultsite.toml").write_text(text)
        with pytest.raises(ConfigError, match=rf"^vaultsite.toml:{where}: unknown key `{key}`"):
            load_config(tmp_path)


def test_names_are_listed_in_obsidians_order(tmp_path: Path) -> None:
    """Obsidian's file explorer sorts "File name (A to Z)" as ``Intl.Collator`` with ``numeric``
    and base sensitivity does (folders first): ``Note 2`` before ``Note 10``, ``Ärger`` among the
    a's, case ignored.  The explorer and the listings compared code points (``Note 10`` before
    ``Note 2``, accented names after ``z``), and a folder page listed its subfolders with capitals
    first (``Zeta`` before ``alpha``)."""
    names = ["zebra", "Note 10", "Ärger", "Note 2", "apple", "éclair", "Banana"]
    site = build_notes(tmp_path, {
        **{f"F/{n}.md": "[[Target]]\n" for n in names},
        "F/Zeta/z.md": "z\n", "F/alpha/a.md": "a\n", "F/Chapter 10/c.md": "c\n",
        "F/Chapter 9/c.md": "c\n", "Target.md": "t\n",
    })
    want = ["apple", "Ärger", "Banana", "éclair", "Note 2", "Note 10", "zebra"]
    folders = ["alpha", "Chapter 9", "Chapter 10", "Zeta"]
    page = site.soup(site.out / "F" / "index.html")
    titles = [a.get_text(strip=True) for a in page.find("main").select("a")]
    assert [t for t in titles if t in {*names, *folders}] == folders + want, titles
    nav = [a.get_text(strip=True) for a in page.select("nav summary, nav a")]
    assert [t for t in nav if t in {*names, *folders}] == folders + want, nav
    backlinks = site.html("Target.md").find(class_="backlinks").select("a")
    assert [a.get_text(strip=True) for a in backlinks if a.get_text(strip=True) in names] == want


def test_dates_written_year_first_with_slashes_or_with_a_short_month_name(tmp_path: Path) -> None:
    """``date: 2025/04/11`` and ``Date: Apr 11, 2025`` are dates Obsidian reads (its date
    properties take what Moment.js reads), unambiguous whatever the day-first setting; they were
    reported as dates that cannot be read."""
    site = build_notes(tmp_path, {
        "Slash.md": "---\ndate: 2025/04/11\n---\nx\n",
        "Dots.md": "---\ndate: 2025.04.11\n---\nx\n",
        "Short.md": "Date: Apr 11, 2025\n\nBody\n",
        "Long.md": "---\ndate: April 11, 2025\n---\nx\n",
    })
    dates = site.dates()
    assert set(dates.values()) == {"2025-04-11"}, dates
    assert site.messages("date-format") == []


def test_ignore_globs_as_people_write_them(tmp_path: Path) -> None:
    """``ignore = ["**/Private/**"]`` left out ``Notes/Private/`` but published ``Private/`` at
    the vault root (``**/`` must also match no folder, as in .gitignore and every glob tool), and
    ``"/Private/**"`` or ``"./Private/**"`` (a path from the vault root, written as one) matched
    nothing: notes meant to stay private were put online without a word."""
    files = {"Private/a.md": "SECRET1\n", "Notes/Private/b.md": "SECRET2\n",
             "Notes/x/Private/c.md": "SECRET3\n", "p.md": "pub\n"}
    for pattern, hidden in (("**/Private/**", {"Private/a.md", "Notes/Private/b.md",
                                               "Notes/x/Private/c.md"}),
                            ("/Private/**", {"Private/a.md"}),
                            ("./Private/**", {"Private/a.md"}),
                            ("Notes/**/Private/**", {"Notes/Private/b.md", "Notes/x/Private/c.md"})):
        site = build_notes(tmp_path / pattern.replace("*", "s").replace("/", "_"),
                           files, ignore=(pattern,))
        published = {n.rel for n in site.result.index.notes.values()}
        assert published == set(files) - hidden, (pattern, published)


def test_yaml_1_1_words_are_text_as_in_obsidian(tmp_path: Path) -> None:
    """Obsidian reads properties as YAML 1.2, where only ``true``/``false`` are checkboxes and
    ``12:30`` is text.  PyYAML's YAML 1.1 made ``No``, ``Yes``, ``on``, ``off`` booleans (an alias
    ``NO``, Norway's code, or a tag ``on`` was dropped; ``title: Yes`` fell back to the file name)
    and ``12:30`` the number 750.  ``publish: no`` and ``draft: yes`` still keep a note out."""
    site = build_notes(tmp_path, {
        "Norway.md": "---\naliases: [NO, Yes]\ntags: [on]\n---\nx\n",
        "Answer.md": "---\ntitle: Yes\n---\nx\n",
        "Clock.md": "---\ntitle: 12:30\n---\nx\n",
        "Links.md": "[[NO]] [[Yes]]\n",
        "Draft1.md": "---\npublish: no\n---\nx\n",
        "Draft2.md": "---\ndraft: yes\n---\nx\n",
        "Draft3.md": "---\nPublish: OFF\n---\nx\n",
    })
    assert site.html("Answer.md").find("h1").get_text(strip=True) == "Yes"
    assert site.html("Clock.md").find("h1").get_text(strip=True) == "12:30"
    assert "link-unresolved" not in site.codes()
    assert (site.out / "_tags" / "on.html").is_file()
    assert not any(site.has(f"Draft{i}.md") for i in (1, 2, 3))
    meta, _ = parse_yaml("a: yes\nb: True\nc: FALSE\nd: 1:30\ne: 0x1F\nf: 2025-04-11\n", "Y.md", 2)
    assert meta["a"] == "yes" and meta["b"] is True and meta["c"] is False and meta["d"] == "1:30"
    assert meta["e"] == 31 and str(meta["f"]) == "2025-04-11"
    # the words YAML 1.1 read as booleans keep their meaning where vaultsite's own options take them
    cells = {n.rel: n.cells for n in site.result.index.notes.values()}
    assert cells == {rel: () for rel in cells}  # (none of these notes has code)
    from generator.config import load_config
    from generator.model import SourceFile, VaultPath
    from generator.parse import parse_note

    note = tmp_path / "Run.md"
    note.write_text("---\nexec: yes\nexecute:\n  echo: no\n---\n```python\nprint(1)\n```\n")
    parsed = parse_note(SourceFile(VaultPath("Run.md"), note, "note", "", 0), load_config(tmp_path))
    assert len(parsed.cells) == 1 and parsed.cells[0].options.echo is False
    assert not parsed.cells[0].diagnostics and not parsed.diagnostics


def test_a_date_among_aliases_or_tags_is_kept(tmp_path: Path) -> None:
    """``aliases: [2025-04-11]`` (a daily note's other name) and ``tags: [2025-04-11]``: YAML
    reads them as dates, and a list entry that was no string or number was dropped without a
    word; Obsidian reads them as the text written."""
    site = build_notes(tmp_path, {
        "Daily.md": "---\naliases: [2025-04-11, 2025-04-11T10:30:00]\ntags: [2025-04-11]\n---\nx\n",
        "L.md": "[[2025-04-11]]\n",
    })
    assert "link-unresolved" not in site.codes()
    assert (site.out / "_tags" / "2025-04-11.html").is_file()


def test_front_matter_is_found_as_obsidian_finds_it(tmp_path: Path) -> None:
    """Obsidian reads front-matter only when the note's first line is exactly ``---`` and up to
    the next line that is exactly ``---`` (its getFrontMatterInfo).  The Markdown plugin read
    ``--- `` (spaces after), ``----``, an indented or a ``...`` end line too, so the page showed
    properties Obsidian does not have and hid text Obsidian shows.  Such a near miss is now text,
    as in Obsidian, with a warning at the line to fix; a ``publish: false`` in it still keeps the
    note out."""
    site = build_notes(tmp_path, {
        "Open.md": "--- \ntitle: T\ntags: [x]\n---\nBody\n",
        "Four.md": "----\ntitle: T\n----\nBody\n",
        "Close.md": "---\ntitle: T\n---  \nBody\n",
        "Indent.md": "---\ntitle: T\n  ---\nBody\n",
        "Dots.md": "---\ntitle: T\n...\nBody\n",
        "Fine.md": "---\ntitle: Fine\n---\nBody\n",
        "Rule.md": "---\n\nA note that starts with a rule.\n\n----\n",
        "Secret.md": "--- \npublish: false\n---\nsecret\n",
    })
    for rel in ("Open.md", "Four.md", "Close.md", "Indent.md", "Dots.md"):
        assert site.html(rel).find("h1").get_text(strip=True) == rel[:-3], rel
        assert "title: T" in site.content(rel).get_text(), rel
    assert site.html("Fine.md").find("h1").get_text(strip=True) == "Fine"
    assert not (site.out / "_tags" / "x.html").exists()
    assert not site.has("Secret.md")
    places = sorted((d.span.path, d.span.line) for d in site.diagnostics
                    if d.code == "frontmatter-yaml")
    assert places == [("Close.md", 3), ("Dots.md", 3), ("Four.md", 1), ("Indent.md", 3),
                      ("Open.md", 1), ("Secret.md", 1), ("Secret.md", 1)], places


def test_a_tag_right_inside_highlight_strike_or_underscore_emphasis(tmp_path: Path) -> None:
    """Obsidian reads a tag that starts an inline chunk, which includes the inside of an
    emphasis, strike or highlight (``==#idea==``, ``~~#old~~``, ``_#x_``, as ``**#bold**``
    already was); they were left as text and missing from the tag pages.  A ``*``, ``_``, ``~`` or
    ``=`` that opens nothing (``a_#b``, ``x*#y``) is part of the word, as in Obsidian."""
    from generator.markdown import make_markdown
    from generator.markdown._util import walk

    def tags(src: str) -> list[str]:
        return [t.meta["tag"] for t in walk(make_markdown().parse(src + "\n", {})) if t.type == "tag"]

    assert tags("==#idea== ~~#old~~ _#under_ **#bold** *#em*") == ["idea", "old", "under", "bold",
                                                                   "em"]
    assert tags("a_#b x*#y c~~#d e==#f") == []
    site = build_notes(tmp_path, {"N.md": "Keep ==#idea== in mind, ~~#old~~ gone.\n"})
    assert (site.out / "_tags" / "idea.html").is_file() and (site.out / "_tags" / "old.html").is_file()


def test_a_date_header_line_under_front_matter_without_a_date(tmp_path: Path) -> None:
    """A note whose front-matter holds only its tags and that begins with the user's header lines
    (``DATE: 11-04-25``) had no date: the header line was read only when there was no front-matter
    at all.  It dates the note when the front-matter gives no date; a front-matter date wins."""
    site = build_notes(tmp_path, {
        "Tagged.md": "---\ntags: [python]\n---\nDATE: 11-04-25\nTags: [[Other]]\n\nBody\n",
        "Both.md": "---\ndate: 2024-01-02\n---\nDATE: 11-04-25\n\nBody\n",
        "Other.md": "x\n",
    })
    dates = site.dates()
    assert dates == {"Tagged.md": "2025-04-11", "Both.md": "2024-01-02", "Other.md": None}, dates


def test_a_nested_tag_of_numbers_is_a_tag(tmp_path: Path) -> None:
    """Obsidian: "Tags must contain at least one non-numerical character" (its help), and its
    check is that the tag is not digits only; ``#2025/04`` has the ``/`` and is a tag there (a
    nested tag by month), but was plain text here, and ``tags: [2025/04]`` a tag-invalid warning."""
    site = build_notes(tmp_path, {
        "Log.md": "Sprint #2025/04 done.\n",
        "Fm.md": "---\ntags: [2024/12]\n---\nx\n",
    })
    assert (site.out / "_tags" / "2025" / "04.html").is_file()
    assert (site.out / "_tags" / "2024" / "12.html").is_file()
    assert "tag-invalid" not in site.codes()


def test_front_matter_that_never_ends_is_reported(tmp_path: Path) -> None:
    """``---`` and ``publish: false`` with the end line forgotten: Obsidian reads no front-matter
    (there is no line of exactly ``---`` after it), so neither does the site, but the note was
    published without a word, its ``publish: false`` as text on the page."""
    site = build_notes(tmp_path, {
        "Open.md": "---\ntitle: Open\ntags: [x]\n\nThe body.\n",
        "Secret.md": "---\npublish: false\n\nSecret body.\n",
    })
    assert not site.has("Secret.md")
    assert "title: Open" in site.content("Open.md").get_text()
    places = sorted((d.span.path, d.span.line) for d in site.diagnostics
                    if d.code == "frontmatter-yaml")
    assert places == [("Open.md", 1), ("Secret.md", 1), ("Secret.md", 1)], places


def test_a_template_folder_set_outside_the_vault_is_still_used(tmp_path: Path) -> None:
    """Keeping template links inside the vault must not drop a template folder that
    vaultsite.toml deliberately puts elsewhere (``templates_dir = "../theme"``)."""
    theme = tmp_path / "theme"
    (theme / "static").mkdir(parents=True)
    (theme / "static" / "extra.css").write_text("/* extra */\n")
    (theme / "note.html").write_text('{% extends "base.html" %}{% block main %}THEME-NOTE'
                                     '{% endblock %}\n')
    site = build_notes(tmp_path, {"N.md": "text\n"}, templates_dir="../theme")
    assert (site.out / "_assets" / "extra.css").is_file()
    assert "THEME-NOTE" in (site.out / "N.html").read_text()


def test_a_draft_flag_written_twice_keeps_the_note_out(tmp_path: Path) -> None:
    """``publish: true`` then ``publish: false`` is front-matter Obsidian does not read (a key
    written twice); of the lines that still count when the YAML is invalid, the first won, so the
    note went online.  Any such line that keeps a note out now does."""
    site = build_notes(tmp_path, {
        "Twice.md": "---\npublish: true\npublish: false\n---\nsecret\n",
        "Draft.md": "---\ndraft: false\ndraft: true\n---\nsecret\n",
    })
    assert not site.has("Twice.md") and not site.has("Draft.md")
    from generator.frontmatter import is_published

    assert not is_published({"publish": True, "Publish": False})
    assert not is_published({"Draft": False, "draft": "yes"})
    assert is_published({"publish": True, "draft": "no"})


def test_front_matter_below_a_blank_first_line_is_reported(tmp_path: Path) -> None:
    """A blank line above the ``---`` (a clipper or a template adds one) and Obsidian reads no
    front-matter: the block shows as text, so the site shows it too; but nothing said so, and a
    ``publish: false`` in it put the note online."""
    site = build_notes(tmp_path, {
        "Blank.md": "\n---\ntitle: T\n---\nBody\n",
        "Secret.md": "\n\n---\npublish: false\n---\nsecret\n",
        "Rule.md": "Intro\n\n---\n\nMore: text\n",
    })
    assert not site.has("Secret.md")
    assert site.html("Blank.md").find("h1").get_text(strip=True) == "Blank"
    places = sorted((d.span.path, d.span.line) for d in site.diagnostics
                    if d.code == "frontmatter-yaml")
    assert places == [("Blank.md", 2), ("Secret.md", 1), ("Secret.md", 3)], places
    assert "first line" in next(d.message for d in site.diagnostics if d.span.path == "Blank.md")


def test_a_hash_tag_written_bare_in_yaml_is_reported(tmp_path: Path) -> None:
    """``tags:`` then ``- #python``: in YAML a ``#`` after a space starts a comment, so the item
    is empty, and in Obsidian as here the note has no such tag; nothing said so, and the tag
    vanished.  It is now a ``tag-invalid`` warning at its line that says to quote it."""
    site = build_notes(tmp_path, {
        "List.md": "---\ntags:\n  - #python\n  - ok\n---\nx\n",
        "Inline.md": "---\ntitle: T\ntags: #async\n---\nx\n",
        "Quoted.md": "---\ntags:\n  - \"#fine\"\n---\nx\n",
    })
    warned = sorted((d.span.path, d.span.line) for d in site.diagnostics if d.code == "tag-invalid")
    assert warned == [("Inline.md", 3), ("List.md", 3)], warned
    assert all("quote" in d.hint for d in site.diagnostics if d.code == "tag-invalid")
    assert (site.out / "_tags" / "fine.html").is_file() and (site.out / "_tags" / "ok.html").is_file()
    site = build_notes(tmp_path / "more", {"Tail.md": "---\ntags: work #urgent\n---\nx\n",
                                           "Text.md": "---\ntags: [\"a #b\"]\nnote: see #c\n---\nx\n"})
    assert sorted((d.span.path, d.span.line) for d in site.diagnostics if d.code == "tag-invalid"
                  and "comment" in d.message) == [("Tail.md", 2)]


def test_a_tag_right_after_a_link_or_a_code_span(tmp_path: Path) -> None:
    """Obsidian starts a new inline chunk after a link or a code span, and a ``#`` there is a tag
    (``[x](y)#record``, ``` `code`#tag ```); here it was text."""
    from generator.markdown import make_markdown
    from generator.markdown._util import walk

    def tags(src: str) -> list[str]:
        return [t.meta["tag"] for t in walk(make_markdown().parse(src + "\n", {})) if t.type == "tag"]

    assert tags("[x](https://e.org)#record and `code`#spec") == ["record", "spec"]
    assert tags("word#no x)#no") == []


def test_tag_characters_are_obsidians(tmp_path: Path) -> None:
    """A tag runs, in Obsidian (its app.js, also used by Tag Wrangler and Dataview), to the first
    white space, ASCII punctuation other than ``_ - /``, or character of the General or
    Supplemental Punctuation blocks; anything else belongs to it.  Ours took letters, digits,
    marks and So symbols only, so ``#€uro``, ``#±0`` and ``#日本「東京」`` were cut short."""
    from generator.markdown import make_markdown
    from generator.markdown._util import walk

    def tags(src: str) -> list[str]:
        return [t.meta["tag"] for t in walk(make_markdown().parse(src + "\n", {})) if t.type == "tag"]

    assert tags("#€uro #a±b #日本「東京」 #niño¡") == ["€uro", "a±b", "日本「東京」", "niño¡"]
    # what ends one: white space (also U+3000 and U+FEFF), ASCII punctuation, U+2000-206F, U+2E00-2E7F
    assert tags("#a.b #c,d #e'f #g\u2019h #i\u2014j #k\u2e18l #m\u3000n #o|p #q\\r") == \
        ["a", "c", "e", "g", "i", "k", "m", "o", "q"]


def test_links_in_a_title_or_description_read_as_their_text(tmp_path: Path) -> None:
    """A text property may hold ``[[links]]`` (Obsidian's help: "Text properties can contain URLs
    and Internal links"), which Obsidian shows as the link's text.  The page title, listings and
    meta description showed ``[[B|the b note]]`` as written: Markdown syntax in the page, and a
    literal ``[[…]]`` that link checkers count as an unrendered link."""
    site = build_notes(tmp_path, {
        "N.md": "---\ntitle: \"[[Project]] notes\"\ndescription: \"see [[B|the b note]] and [[B#H]]\"\n"
                "---\nbody\n",
        "B.md": "# H\n", "Project.md": "p\n",
    })
    page = site.html("N.md")
    assert page.find("h1").get_text(strip=True) == "Project notes"
    assert page.find("meta", attrs={"name": "description"})["content"] == "see the b note and B > H"
    assert "[[" not in (site.out / "index.html").read_text()


def test_tags_are_listed_in_obsidians_order(tmp_path: Path) -> None:
    """The tags page and a tag's list of nested tags sorted by code point (``#v10`` before
    ``#v2``, ``#Ärger`` after ``#zebra``) while the explorer and listings follow Obsidian's order."""
    site = build_notes(tmp_path, {"N.md": "#v10 #v2 #zebra #Ärger #apple #p/s10 #p/s9\n"})
    names = [a.get_text(strip=True) for a in site.soup(site.out / "_tags.html").select("main a")]
    assert [n for n in names if n.startswith("#")] == ["#apple", "#Ärger", "#p", "#v2", "#v10",
                                                      "#zebra"], names
    kids = [a.get_text(strip=True) for a in site.soup(site.out / "_tags" / "p.html").select("main a")]
    assert [n for n in kids if n.startswith("#p/")] == ["#p/s9", "#p/s10"], kids


def test_a_date_and_time_title_reads_as_written(tmp_path: Path) -> None:
    """``title: 2025-04-11T10:30:00`` is text in Obsidian's YAML; the page said
    ``2025-04-11 10:30:00`` (Python's way of printing a datetime)."""
    site = build_notes(tmp_path, {"N.md": "---\ntitle: 2025-04-11T10:30:00\n---\nx\n"})
    assert site.html("N.md").find("h1").get_text(strip=True) == "2025-04-11T10:30:00"
