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
