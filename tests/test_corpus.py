"""A real vault written by others: the Obsidian Help vault (shared/corpus, absent in a plain clone)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import SHARED, Site, build_vault

CORPUS = SHARED / "corpus" / "obsidian-help-en"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@pytest.fixture(scope="module")
def help_site(tmp_path_factory) -> Site:
    return build_vault(CORPUS, tmp_path_factory.mktemp("help"))


def test_only_the_genuinely_missing_targets_are_unresolved(help_site: Site):
    unresolved = help_site.messages("link-unresolved")
    targets = sorted(m.split("target '")[1].split("'")[0] for m in unresolved)
    # four [[Example]] demo links, two markdown links to Example.md, and the video not in the snapshot
    assert targets == ["Example", "Example", "Example", "Example", "Example.md", "Example.md",
                       "obsidian-cli.mp4"], unresolved
    assert all(m.startswith("Linking notes and files/Internal links.md:")
               for m in unresolved if "Example" in m)



def test_the_warnings_are_the_vault_s_own_problems(help_site: Site):
    """Every warning the Help vault gives, by kind: a new kind or a jump is a defect of ours until
    shown otherwise (a folder-spelling rule once told 41 notes to rewrite their permalinks)."""
    assert Counter(help_site.codes()) == {"anchor-unresolved": 1, "link-ambiguous": 5,
                                          "link-unresolved": 7, "mermaid-link-unresolved": 2,
                                          "link-app-only": 1}  # an info: obsidian://


def test_the_folders_are_spelt_as_the_permalinks_spell_them(help_site: Site):
    """The Help vault's notes in ``Bases/``, ``Plugins/`` and ``Teams/`` have permalinks that write
    the folder in lower case (``bases/syntax``): each got a ``url-collision`` warning telling it to
    write ``Bases/``, and its page left the address the Help site has.  The permalinks' spelling
    is the site's now, and the pages without one follow it."""
    assert help_site.page("Bases/Bases syntax.md").relative_to(help_site.out).as_posix() \
        == "bases/syntax.html"
    folders = {p.relative_to(help_site.out).parts[0] for p in help_site.out.rglob("*.html")}
    assert {"bases", "plugins", "teams"} <= folders
    assert not {"Bases", "Plugins", "Teams"} & folders

def test_every_note_has_a_page_and_every_image_resolves(help_site: Site):
    sources = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.md"))
    assert len(sources) == 173
    images = 0
    for src in sources:
        assert help_site.has(src), src
        page = help_site.page(src)
        for img in help_site.content(src).find_all("img"):
            if img["src"].startswith(("http://", "https://", "data:")):
                continue
            help_site.follow(page, img["src"])
            images += 1
    assert images > 200


def link_target(site: Site, src: str, text: str):
    a = site.content(src).find("a", string=text)
    assert a is not None, (src, text)
    return site.follow(site.page(src), a["href"])


def test_case_insensitive_nested_headings_and_duplicates(help_site: Site):
    # [[graph view]] -> Plugins/Graph view.md: resolves only case-insensitively
    page, _ = link_target(help_site, "Getting started/Link notes.md", "graph view")
    assert page == help_site.page("Plugins/Graph view.md")
    # [[Note#Heading#Subheading]] lands on the subheading
    src = "Linking notes and files/Internal links.md"
    page, frag = link_target(help_site, src,
                             "Help and support > Questions and advice > Report bugs and request features")
    assert page == help_site.page("Help and support.md")
    assert "Report bugs" in Site.soup(page).find(id=frag).get_text()
    # bare [[Security and privacy]] inside Obsidian Sync/ -> the Sync note (same folder wins)
    sync = "Obsidian Sync/Headless Sync.md"
    a = help_site.content(sync).find("a", string=lambda s: s and "privacy" in s.lower())
    assert help_site.follow(help_site.page(sync), a["href"])[0] == \
        help_site.page("Obsidian Sync/Security and privacy.md")


def test_no_wikilink_inside_code_was_resolved(help_site: Site):
    for src in ("Linking notes and files/Internal links.md",
                "Editing and formatting/Basic formatting syntax.md"):
        for code in help_site.content(src).find_all("code"):
            assert code.find("a") is None, code
