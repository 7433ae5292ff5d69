"""The home page made from the vault's Home/index note is a note page like the others: its tags
and its backlinks show."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes


def test_home_note_shows_its_tags_and_backlinks(tmp_path: Path):
    site = build_notes(tmp_path, {"Home.md": "---\ntags: [start]\n---\nWelcome. #hub\n",
                                  "Projects/Alpha.md": "Back to [[Home]].\n"})
    home = site.soup(site.out / "index.html")
    back = home.find(class_="backlinks")
    assert back is not None, "no backlinks on the home page"
    link = back.find("a", string="Alpha")
    assert link is not None
    target, _ = site.follow(site.out / "index.html", link["href"])
    assert target == site.page("Projects/Alpha.md")
    # each tag shows once: the meta line leaves out a tag the note's text already shows
    tags = [a.get_text() for a in home.select("article a.tag")]
    assert sorted(tags) == ["#hub", "#start"], tags
    assert [a.get_text() for a in home.select(".note-meta a")] == ["#start"]
    for a in home.select("article a.tag"):
        site.follow(site.out / "index.html", a["href"])


def test_a_home_setting_that_names_no_note_is_reported(tmp_path: Path):
    site = build_notes(tmp_path, {"vaultsite.toml": 'title = "T"\n\nhome = "Strat"\n',
                                  "Start.md": "Welcome.\n"})
    msgs = site.messages("config-home")
    assert len(msgs) == 1 and msgs[0].startswith("vaultsite.toml:3:"), msgs
    assert "'Strat'" in msgs[0] and "did you mean 'Start'" in msgs[0]
    assert (site.out / "index.html").is_file()  # the home page lists the notes instead


def test_date_display_sets_how_pages_show_dates(tmp_path: Path):
    import datetime as dt

    from generator.templating import format_date

    day = dt.date(2025, 4, 5)
    assert format_date(day) == "5 Apr 2025"
    assert format_date(day, "%d/%m/%Y") == "05/04/2025"
    assert format_date(day, "%A %-d %B %y, day %j %% %Q") == "Saturday 5 April 25, day 095 % %Q"
    site = build_notes(tmp_path, {"vaultsite.toml": 'date_display = "%d/%m/%Y"\n',
                                  "A.md": "---\ndate: 2025-04-05\n---\nx\n"})
    time = site.html("A.md").find("time")
    assert time.get_text() == "05/04/2025" and time["datetime"] == "2025-04-05"
    assert "05/04/2025" in (site.out / "index.html").read_text(encoding="utf-8")  # recent notes


def test_listing_descriptions_keep_code_spans_as_code(tmp_path: Path):
    """A summary that quotes syntax (`` `[[UID]]` ``) lists it as code, not as a bare ``[[UID]]``
    that reads as a link nobody resolved."""
    site = build_notes(tmp_path, {"A.md": "---\ndate: 2025-01-02\n---\nConvert `[[UID]]` to "
                                          "`a<b`, and `` x`y `` too.\n"})
    desc = site.soup(site.out / "index.html").find(class_="listing-description")
    assert [c.get_text() for c in desc.find_all("code")] == ["[[UID]]", "a<b", "x`y"]
    assert "`" not in desc.get_text().replace("x`y", "")
    # plain-text fields (the page's meta description, the feed) stay plain text
    meta = site.html("A.md").find("meta", attrs={"name": "description"})["content"]
    assert meta.startswith("Convert [[UID]] to a<b") and "`" not in meta.replace("x`y", "")


def test_cssclasses_reach_the_note_page(tmp_path: Path):
    """Obsidian puts a note's ``cssclasses`` on its view; a user's snippet styles by them."""
    notes = {"A.md": '---\ncssclasses: [wide, "no good!", list-cards]\n---\nx\n',
             "B.md": "---\ncssclass: legacy\n---\ny\n"}
    site = build_notes(tmp_path, notes)
    assert site.html("A.md").find("article")["class"] == ["note", "wide", "list-cards"]
    assert site.html("B.md").find("article")["class"] == ["note"]  # Obsidian 1.9 dropped cssclass
    assert [m.split(" warning[")[0] for m in site.messages("property-deprecated")] == ["B.md:2:1:"]
    notes["Home.md"] = "---\ncssclasses: big\n---\nWelcome.\n"
    site = build_notes(tmp_path / "again", notes)
    assert site.soup(site.out / "index.html").find("article")["class"] == ["note", "home", "big"]


def test_daily_notes_take_their_date_from_their_name(tmp_path: Path):
    """``Journal/2025-04-11.md`` (as Obsidian's daily notes are named) is dated 11 April 2025: it is
    among the recent notes and in the feed; a date written in the note still wins, and a name that
    is no date (``2025-13-40``, ``20250411``) gives none."""
    site = build_notes(tmp_path, {
        "vaultsite.toml": 'site_url = "https://example.org/notes/"\n',
        "Journal/2025-04-11.md": "# 2025-04-11\n\nStandup.\n",
        "Journal/2025-05-02 Retro.md": "Retro.\n",
        "Journal/2025-06-01.md": "---\ndate: 2024-01-02\n---\nWritten date wins.\n",
        "Journal/2025-13-40.md": "Not a day.\n",
        "Journal/20250411.md": "No dashes.\n",
        "Old.md": "---\ndate: 2020-01-01\n---\nold\n",
    })
    def shown(rel: str) -> str | None:
        time = site.html(rel).find("time")
        return time["datetime"] if time is not None else None

    assert shown("Journal/2025-04-11.md") == "2025-04-11"
    assert shown("Journal/2025-05-02 Retro.md") == "2025-05-02"
    assert shown("Journal/2025-06-01.md") == "2024-01-02"
    assert shown("Journal/2025-13-40.md") is None and shown("Journal/20250411.md") is None
    home = site.soup(site.out / "index.html")
    recent = [a.get_text() for a in home.select(".listing a.listing-title")]
    assert recent[:2] == ["2025-05-02 Retro", "2025-04-11"], recent
    feed = (site.out / "feed.xml").read_text(encoding="utf-8")
    assert "2025-04-11" in feed and "2025-05-02 Retro" in feed
