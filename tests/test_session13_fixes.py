"""Leftovers fixed in session 13.

- vaultsite.toml: every unknown key is reported at once (top level, ``[execute]``,
  ``[execute.defaults]``), in the order of the file; before, only the first, so a file with three
  typos took three runs to fix.
- ``permalink: /`` (or ``index``) was dropped without a word; it now makes its note the home page
  (as ``home`` in vaultsite.toml does), and says so when it cannot.
- An embedded section was parsed after one blank line for every line of the note before it (to
  keep file positions): embedding every section of a long note cost the square of its length.
"""

from __future__ import annotations

import re

import pytest
from conftest import build_notes, cpu_cost, parse_notes, write_files

from generator.config import ConfigError, load_config


def test_every_unknown_key_of_the_config_is_reported_in_file_order(tmp_path) -> None:
    write_files(tmp_path, {"a.md": "# A\n", "vaultsite.toml": (
        'titel = "x"\n'          # 1
        'colour = 3\n'           # 2
        '[execute]\n'
        'timout = 5\n'           # 4
        '[execute.defaults]\n'
        'eco = false\n'          # 6
        'fig-dpi = 90\n'         # known: not reported
        '[site]\n'               # 8: a table other generators have
        'title = "y"\n')})
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    lines = str(err.value).split("\n")
    assert [re.match(r"vaultsite\.toml:(\d+):\d+: unknown key `([^`]+)`", line).groups()
            for line in lines] == [("1", "titel"), ("2", "colour"), ("4", "execute.timout"),
                                   ("6", "execute.defaults.eco"), ("8", "site")]
    assert "did you mean `title`?" in lines[0]
    assert "did you mean `execute.timeout`?" in lines[2]
    assert "did you mean `execute.defaults.echo`?" in lines[3]
    assert "has no [site] table" in lines[4]


def test_one_unknown_key_reads_as_before(tmp_path) -> None:
    write_files(tmp_path, {"a.md": "# A\n", "vaultsite.toml": 'title = "T"\ntitel = "y"\n'})
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert str(err.value) == "vaultsite.toml:2:1: unknown key `titel` (did you mean `title`?)"


def _start(permalink: str) -> str:
    return f"---\npermalink: {permalink}\ntitle: Welcome\n---\n# Start\nHello [[Other]]\n"


@pytest.mark.parametrize("permalink", ["/", "index", "/index.html", "INDEX"])
def test_permalink_slash_makes_the_note_the_home_page(tmp_path, permalink) -> None:
    site = build_notes(tmp_path, {"Notes/Start.md": _start(permalink),
                                  "Home.md": "# Home\nthe usual home\n",
                                  "Other.md": "# Other\nback to [[Start]]\n"})
    assert site.page("Notes/Start.md") == site.out / "index.html"
    assert site.html("Notes/Start.md").find("h1", class_="note-title").get_text() == "Welcome"
    assert site.page("Home.md") == site.out / "Home.html"  # an ordinary page now
    link = site.html("Other.md").find("a", class_="internal-link")
    assert site.follow(site.page("Other.md"), link["href"])[0] == site.out / "index.html"
    # the note's own address leads there, as a permalink's old address does
    old = (site.out / "Notes" / "Start.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in old and "../index.html" in old
    assert site.messages("url-collision") == []


def test_a_second_permalink_slash_keeps_its_page_and_is_told_why(tmp_path) -> None:
    site = build_notes(tmp_path, {"A.md": _start("/"), "B.md": "---\npermalink: /\n---\n# B\n"})
    assert site.page("A.md") == site.out / "index.html"
    assert site.page("B.md") == site.out / "B.html"
    [msg] = site.messages("url-collision")
    assert msg.startswith("B.md:2:12: warning[url-collision]: permalink '/' asks for the home "
                          "page (index.html), but A.md asks for it too"), msg


def test_home_in_the_config_wins_over_permalink_slash(tmp_path) -> None:
    site = build_notes(tmp_path, {"A.md": _start("/"), "Hub.md": "# Hub\n",
                                  "vaultsite.toml": 'home = "Hub"\n'})
    assert site.page("Hub.md") == site.out / "index.html"
    assert site.page("A.md") == site.out / "A.html"
    [msg] = site.messages("url-collision")
    assert "`home` in vaultsite.toml makes Hub.md the home page; this page is at A.html" in msg


def _legacy(name: bytes) -> str:
    """A file name of an older system's code page, as Python spells it on a UTF-8 system."""
    return name.decode("utf-8", "surrogateescape")


def test_a_file_name_in_a_legacy_code_page_is_read_and_published(tmp_path) -> None:
    """A name that is not UTF-8 was skipped (the note lost from the site); it is read in the code
    page its bytes fit best, as a note's text is, and published under that name."""
    site = build_notes(tmp_path, {
        _legacy(b"Caf\xe9 notes.md"): "# Caf\u00e9\n![[\u0141\u00f3d\u017a.png]]\n",
        _legacy("Привет".encode("cp1251")) + "/" + _legacy("Заметка.md".encode("cp1251")):
            "# Заметка\ntext\n",
        _legacy("Łódź".encode("cp1250")) + ".png": bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"),
        "A.md": "[[Café notes]] and [[Привет/Заметка]]\n"})
    links = site.html("A.md").select("a.internal-link")
    assert [site.follow(site.page("A.md"), a["href"])[0] for a in links] == [
        site.page("Café notes.md"), site.page("Привет/Заметка.md")]
    assert site.page("Привет/Заметка.md").relative_to(site.out).as_posix() == "Привет/Заметка.html"
    img = site.content("Café notes.md").find("img")
    assert site.follow(site.page("Café notes.md"), img["src"])[0].name == "Łódź.png"
    msgs = sorted(site.messages("file-name"))
    assert len(msgs) == 4, msgs  # the folder's name, and the names of the three files
    assert msgs[0].startswith("Caf\ufffd notes.md: warning[file-name]: file name is not valid "
                              "UTF-8; read as Windows-1252, 'Café notes.md', and published"), msgs
    assert any("folder name is not valid UTF-8; read as Windows-1251 (Cyrillic), 'Привет'" in m
               and "rename the folder to 'Привет'" in m for m in msgs), msgs
    assert "link-unresolved" not in site.codes()


def test_missing_heading_hints_read_a_cut_heading_whole_and_offer_no_one_letter_match(tmp_path):
    """``[[N#Ideas #draft]]``: the heading's ``#`` cut the link in two; the hint offered ``[[N#T]]``
    (WRatio scores "t" inside "draft" 90).  The link's words are compared whole when a heading
    has them, and a heading sharing few letters with the wanted one is no suggestion."""
    site = build_notes(tmp_path, {
        "N.md": "# T\n## Ideas #draft\n## Setup\n",
        "A.md": "[[N#Ideas #draft]]\n[[N#Drafting]]\n[[N#Setpu]]\n[[N#Setup#Stepup]]\n"})
    hints = {m.split(": warning")[0]: m for m in site.messages("anchor-unresolved")}
    assert hints["A.md:1:1"].endswith("(did you mean [[N#Ideas draft]]?)"), hints
    assert "did you mean" not in hints["A.md:2:1"] and "its headings: T, Ideas #draft, Setup" \
        in hints["A.md:2:1"], hints
    assert hints["A.md:3:1"].endswith("(did you mean [[N#Setup]]?)"), hints
    assert hints["A.md:4:1"].endswith("(did you mean [[N#Setup]]?)"), hints  # by the last part


def _sections_note(sections: int) -> str:
    body = "".join(f"## Part {i}\n\ntext {i}[^n] and [[Missing{i}]]\n\n" + "filler line\n" * 20
                   for i in range(sections))
    return "# Long\n\n" + body + "\n[^n]: the note's one footnote\n"


def test_embedding_every_section_of_a_long_note_costs_linear_time(tmp_path) -> None:
    from generator.parse import section_tokens

    def embed_all(n: int) -> float:
        notes = iter([parse_notes(tmp_path, {"Long.md": _sections_note(n)})[0]
                      for _ in range(3)])  # each run a fresh note: sections are cached on it

        def run() -> None:
            note = next(notes)
            for heading in note.headings[1:]:
                section_tokens(note, heading.line, heading.end_line)
        return cpu_cost(run)

    costs = [embed_all(100), embed_all(400)]
    assert costs[1] < 8 * costs[0] + 0.3, costs  # linear: about 4x; padded: about 16x


def test_a_late_section_keeps_its_file_lines_and_the_note_s_footnote(tmp_path) -> None:
    site = build_notes(tmp_path, {"Long.md": _sections_note(30), "A.md": "![[Long#Part 29]]\n"})
    box = site.content("A.md")
    assert "text 29" in box.get_text() and "the note's one footnote" in box.get_text()
    assert "text 28" not in box.get_text()
    # the broken link in the embedded section is reported at its own line of Long.md
    line = _sections_note(30).split("\n").index("text 29[^n] and [[Missing29]]") + 1
    assert any(m.startswith(f"Long.md:{line}:") for m in site.messages("link-unresolved"))
    assert box.find(class_="broken") is not None


def test_tags_fold_case_as_obsidian_lowers_them(tmp_path) -> None:
    """``#Python`` and ``#python`` are one tag; ``#Straße`` and ``#strasse`` are two, as in
    Obsidian (which lower-cases; ``casefold`` made them one, ß being ss)."""
    site = build_notes(tmp_path, {"A.md": "#Straße #Python\n", "B.md": "#strasse #python\n"})
    tags = {a.get_text(): site.follow(site.page("A.md"), a["href"])[0]
            for a in site.html("A.md").select("a.tag")}
    tags.update({a.get_text(): site.follow(site.page("B.md"), a["href"])[0]
                 for a in site.html("B.md").select("a.tag")})
    assert tags["#Python"] == tags["#python"]
    assert tags["#Straße"] != tags["#strasse"]
    def listed(page):
        main = site.soup(page).find("main")
        found = {site.follow(page, a["href"])[0] for a in main.find_all("a", href=True)
                 if not a["href"].startswith("#")}
        return {src for src in ("A.md", "B.md") if site.page(src) in found}

    assert listed(tags["#Straße"]) == {"A.md"} and listed(tags["#strasse"]) == {"B.md"}
    assert listed(tags["#python"]) == {"A.md", "B.md"}
