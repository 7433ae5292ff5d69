"""Audit 15 (fidelity): Obsidian syntax read as Obsidian reads it, in the corners an owner's test
vault reaches; each test here fails on the code before its fix."""

from __future__ import annotations

from tests.conftest import build_notes


def test_a_date_written_as_a_link_to_a_daily_note_is_that_date(tmp_path):
    """Obsidian users date a note by linking its day's daily note, ``DATE: [[2025-04-11]]`` (the
    Daily notes plugin names each note by its date).  That line, or ``date: "[[2025-04-11]]"`` in
    the front-matter, gave the note no date and a ``date-format`` warning; it is the date of the
    note the link names, in any of the date formats a header line is read in, whatever the link's
    folder, heading or display text.  A link to a note that is no date still warns."""
    site = build_notes(tmp_path, {
        "2025-04-11.md": "# Friday\n",
        "Journal/11-04-25.md": "Friday, day first\n",
        "Iso.md": "# Iso\n\nDATE: [[2025-04-11]]\n\nTags: [[Notes/python|python]]\n\nbody\n",
        "DayFirst.md": "DATE:  [[Journal/11-04-25|Friday]]\n\nbody\n",
        "Heading.md": "Created: [[2025-04-11#Log]]\n\nbody\n",
        "Props.md": '---\ndate: "[[2025-04-12.md]]"\n---\nbody\n',
        "Meeting.md": "DATE: [[Friday]]\n\nbody\n",
    })
    dates = site.dates()
    assert dates["Iso.md"] == "2025-04-11"
    assert dates["DayFirst.md"] == "2025-04-11"
    assert dates["Heading.md"] == "2025-04-11"
    assert dates["Props.md"] == "2025-04-12"
    assert dates["Meeting.md"] is None
    warned = site.messages("date-format")
    assert len(warned) == 1 and warned[0].startswith("Meeting.md:1:7:"), warned
    # the line is still shown as written: its link is a link to the daily note
    link = site.content("Iso.md").find("a", string="2025-04-11")
    assert link is not None and "internal-link" in link["class"]
    time = site.html("DayFirst.md").find("time")
    assert time is not None and time["datetime"] == "2025-04-11"


def test_a_tag_right_after_an_inline_html_tag_is_a_tag(tmp_path):
    """Obsidian reads a tag at the start of an inline chunk, and an inline HTML tag ends one: a tag
    coloured with ``<font color="red">#urgent</font>`` or ``<span style=…>#Idea</span>`` is a tag in
    its reading view and its tag search (as after a link or a code span here already).  It was
    text, on no tag page.  Text before the ``#`` still keeps it from being one (``z#no``)."""
    site = build_notes(tmp_path, {
        "Note.md": '# Note\n\n<font color="red">#urgent</font> and <span style="color:blue">#Idea'
                   '</span>\n\nline<br>#afterbreak and <b>x</b>z#no\n',
    })
    content = site.content("Note.md")
    tags = [a.get_text() for a in content.select("a.tag")]
    assert tags == ["#urgent", "#Idea", "#afterbreak"]
    assert content.find("font").find("a", class_="tag") is not None  # the colour stays around it
    listed = [a.get_text() for a in site.html("Note.md").select("ul.tags a.tag")]
    assert listed == ["#urgent", "#Idea", "#afterbreak"]
    page = site.out / "_tags" / "urgent.html"
    assert "Note" in [a.get_text() for a in site.soup(page).select("a")]


def test_a_local_address_in_raw_html_that_finds_nothing_is_a_warning(tmp_path):
    """Raw HTML addresses into the vault (``<img src="pic.png">``, ``<a href="Other.md">``, a
    ``<video>``'s or ``<source>``'s) are resolved as Markdown links are, and one that found nothing
    lost its attribute without a word: a picture missing from the page and no warning.  Each is now
    ``link-unresolved`` (``link-outside``, ``anchor-unresolved``) at its line and column, in a
    paragraph or an HTML block, as the same Markdown link is; one in an HTML comment or in code is
    none, a web address or a ``#fragment`` is not looked for, and none of them becomes a link of
    the note (no backlink)."""
    site = build_notes(tmp_path, {
        "pic.png": b"\x89PNG\r\n\x1a\n",
        "Other.md": "# Other\n\n## H\n",
        "Host.md": "# Host\n\n"
                   'Inline <img src="gone.png"> and <a href="Nope.md">nope</a> and '
                   '<img src="pic.png">\n\n'
                   "<div>\n"
                   '<video controls><source src="talk.mp4"></video>\n'
                   '<a href="Other.md#Missing">other</a> <a href="https://e.org/x.png">web</a> '
                   '<a href="#H">here</a>\n'
                   "</div>\n\n"
                   '<!-- <img src="commented.png"> -->\n\n'
                   'In code: `<img src="code.png">`\n\n'
                   '<img src="../../outside.png">\n',
    })
    found = sorted((d.code, d.span.line, d.span.col, d.message.split("'")[1])
                   for d in site.diagnostics if d.span and d.span.path == "Host.md")
    assert found == [
        ("anchor-unresolved", 7, 10, "Missing"),
        ("link-outside", 14, 11, "../../outside.png"),
        ("link-unresolved", 3, 18, "gone.png"),
        ("link-unresolved", 3, 42, "Nope.md"),
        ("link-unresolved", 6, 30, "talk.mp4"),
    ], found
    # the page is as before: the missing picture has no src, the link no href
    content = site.content("Host.md")
    assert [img.get("src") for img in content.find_all("img")] == [None, "pic.png", None]
    backlinks = site.html("Other.md").select(".backlinks a")
    assert not [a for a in backlinks if a.get_text() == "Host"]
