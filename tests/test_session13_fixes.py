"""Leftovers fixed in session 13.

- vaultsite.toml: every unknown key is reported at once (top level, ``[execute]``,
  ``[execute.defaults]``), in the order of the file; before, only the first, so a file with three
  typos took three runs to fix.
- ``permalink: /`` (or ``index``) was dropped without a word; it now makes its note the home page
  (as ``home`` in vaultsite.toml does), and says so when it cannot.
"""

from __future__ import annotations

import re

import pytest
from conftest import build_notes, write_files

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
    assert [re.match(r"vaultsite\.toml:(\d+): unknown key `([^`]+)`", line).groups()
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
    assert str(err.value) == "vaultsite.toml:2: unknown key `titel` (did you mean `title`?)"


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
