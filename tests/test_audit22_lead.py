"""Session 22 lead: what the helpers found and left, taken up."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import build_notes, canvas_json


def test_a_canvas_page_is_in_the_sitemap(tmp_path: Path):
    """A canvas has a page of its own, found by search and drawn in the graph; the sitemap, which
    lists the site's pages for a search engine, listed the notes only."""
    site = build_notes(tmp_path, {
        "Journal.md": "The map: [[Coast.canvas]].\n",
        "Maps/Coast.canvas": canvas_json({"id": "a", "type": "text", "text": "The coast"}),
        "vaultsite.toml": 'site_url = "https://me.github.io/campaign/"\n',
    })
    assert (site.out / "Maps" / "Coast.canvas.html").is_file()
    locs = re.findall(r"<loc>([^<]*)</loc>", (site.out / "sitemap.xml").read_text("utf-8"))
    assert "https://me.github.io/campaign/Maps/Coast.canvas.html" in locs
    assert "https://me.github.io/campaign/Journal.html" in locs
    assert len(locs) == len(set(locs)) == 2


def test_a_name_typed_without_its_accents_is_suggested(tmp_path: Path):
    """``[[Aelis]]`` for ``Ser Aëlis.md``: a keyboard without ``ë`` writes the name without it.
    The "did you mean" compared the words of names with their accents and found nothing."""
    site = build_notes(tmp_path, {
        "Home.md": "See [[Aelis]], [[Ordonez]] and [[Kalthar]].\n",
        "People/Ser Aëlis.md": "A knight.\n",
        "People/Capitán Ordóñez.md": "A captain.\n",
        "People/Zed.md": "Nobody.\n",
    })
    told = {d.format() for d in site.diagnostics if d.code == "link-unresolved"}
    assert len(told) == 3
    assert any("'Aelis'" in m and "[[People/Ser Aëlis]]" in m for m in told), told
    assert any("'Ordonez'" in m and "[[People/Capitán Ordóñez]]" in m for m in told), told
    # a name that matches no name's words is told no note
    assert any("'Kalthar'" in m and "did you mean" not in m for m in told), told


def test_a_redirect_page_keeps_the_site_s_spelling_of_its_folder(tmp_path: Path):
    """An alias written as a path (an old address) in other letter case than the site's folder
    (``teams/Old platform`` beside ``Teams/``) gave the site a second folder, ``teams/``: one
    folder on a macOS or Windows disk, and on GitHub Pages (case-sensitive) a redirect at an
    address no link spells.  Its page now goes into ``Teams/``, as the publisher audit found."""
    site = build_notes(tmp_path, {
        "Teams/Platform.md": "---\naliases: [teams/Old platform, archive/Older platform,"
                             " ARCHIVE/Oldest platform]\n---\nThe platform team.\n",
        "Teams/Web.md": "See [[Platform]].\n",
    })
    folders = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*")
                     if p.is_dir() and not p.name.startswith(("_", ".")))
    assert [f for f in folders if f.casefold() == "teams"] == ["Teams"], folders
    assert [f for f in folders if f.casefold() == "archive"] == ["archive"], folders
    for old in ("Teams/Old-platform.html", "archive/Older-platform.html",
                "archive/Oldest-platform.html"):
        refresh = site.soup(site.out / old).find("meta", attrs={"http-equiv": "refresh"})
        assert refresh is not None, old
        href = refresh["content"].split("url=", 1)[1]
        assert (site.out / old).parent.joinpath(href).resolve() == \
            (site.out / "Teams" / "Platform.html").resolve()


def test_a_game_master_s_plugin_blocks_are_folded_under_their_name(tmp_path: Path):
    """A campaign vault's ```` ```statblock ```` (Fantasy Statblocks) and ```` ```encounter ````
    (Initiative Tracker) showed as a bare code listing with no word of what draws them, while
    Leaflet's map, in the same vault, was folded under its name (the judge audit found them)."""
    site = build_notes(tmp_path, {"Goblin.md": (
        "```statblock\nname: Goblin\nac: 15\nhp: 7\n```\n\n"
        "```encounter\nname: Ambush\ncreatures:\n  - 3: Goblin\n```\n")})
    blocks = site.content("Goblin.md").find_all("details", class_="plugin-block")
    assert [b.find("summary").get_text() for b in blocks] == [
        "Stat block (Fantasy Statblocks plugin, shown in Obsidian only)",
        "Encounter (Initiative Tracker plugin, shown in Obsidian only)"]
    assert "ac: 15" in blocks[0].find("pre").get_text()
    assert "- 3: Goblin" in blocks[1].find("pre").get_text()
    info = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(info) == 1 and info[0].span.line == 1
