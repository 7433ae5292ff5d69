"""Audit 15 (fidelity, second round): the doubts the first round left, settled where public
evidence says what Obsidian does; each test here fails on the code before its fix and quotes its
evidence."""

from __future__ import annotations

from tests.conftest import build_notes


def test_a_tag_right_after_a_wikilink_or_an_embed_is_a_tag(tmp_path):
    """``[[N]]#a`` and ``![[p.png]]#b``: a tag, as after a Markdown link, a code span or an inline
    HTML tag here already; it was text, on no tag page.

    Evidence: obsidian-mcp-server's tag reader, whose rules are "pinned against Obsidian 1.13.7
    readback" of Obsidian's metadata cache (issue #138,
    https://github.com/cyanheads/obsidian-mcp-server/issues/138), says in
    ``src/services/obsidian/frontmatter-ops.ts``: "Obsidian reads a tag glued to either:
    ``[[x]]#t``, `` `c`#t ``, ``**#t**``, ``<br>#t`` … are tags", while text before the ``#``
    (``x)#no``) blocks one.  After inline math or a footnote reference it stays text: nothing
    says what Obsidian does there."""
    site = build_notes(tmp_path, {
        "N.md": "# N\n",
        "p.png": b"\x89PNG\r\n\x1a\n",
        "Host.md": "# Host\n\nSee [[N]]#linked and [[N|alias]]#aliased, ![[p.png]]#pictured;"
                   " x)#no and $x$#math\n",
    })
    content = site.content("Host.md")
    assert [a.get_text() for a in content.select("a.tag")] == ["#linked", "#aliased", "#pictured"]
    assert "x)#no" in content.get_text() and "#math" in content.get_text()
    listed = [a.get_text() for a in site.html("Host.md").select("ul.tags a.tag")]
    assert listed == ["#linked", "#aliased", "#pictured"]
    page = site.out / "_tags" / "linked.html"
    assert "Host" in [a.get_text() for a in site.soup(page).select("a")]


def test_a_footnote_label_is_found_in_any_case(tmp_path):
    """``[^testkey]`` refers to ``[^testKey]: …``: Obsidian finds a footnote's label in any case.
    Here (mdit-py-plugins matches labels as written) the reference stayed text, ``[^testkey]``,
    and the definition was dropped as unused.

    Evidence: obsidian-linter issue #1398
    (https://github.com/platers/obsidian-linter/issues/1398), "Footnotes in Obsidian are
    case-insensitive … Since Obsidian v1.8, this results in proper footnote referencing", with the
    steps ``[^testKey]: testing`` / ``hello [^testkey]`` and "Verify footnote is properly
    referenced by viewing note in reading mode"; it cites the forum thread
    forum.obsidian.md/t/case-sensitivity-in-popup-preview-of-footnotes/90656.  The same holds in
    a section embed, which parses the note's definitions with the section."""
    site = build_notes(tmp_path, {
        "Note.md": "# Note\n\nhello[^testkey] and again[^TESTKEY], other[^B].\n\n"
                   "## Part\n\nin a part[^TestKey]\n\n"
                   "[^testKey]: testing\n[^b]: bee\n",
        "Host.md": "# Host\n\n![[Note#Part]]\n",
    })
    content = site.content("Note.md")
    assert "[^" not in content.get_text()
    refs = content.select("sup.footnote-ref")
    assert [r.get_text() for r in refs] == ["[1]", "[1]", "[2]", "[1]"]
    items = [li.get_text(" ", strip=True) for li in content.select("li.footnote-item")]
    assert len(items) == 2 and items[0].startswith("testing") and items[1].startswith("bee")
    embed = site.content("Host.md")
    assert "[^" not in embed.get_text()
    assert [li.get_text(" ", strip=True).split()[0] for li in embed.select("li.footnote-item")] \
        == ["testing"]


def test_tags_written_end_to_end_are_each_a_tag(tmp_path):
    """``#tl#tm``: two tags, as in Obsidian (a tag ends at the next ``#``, and a ``#`` right after
    a tag starts another); here the second was text.  After a ``#1984`` (digits only, no tag) or
    after a word the ``#`` is still text.

    Evidence: obsidian-mcp-server issue #140
    (https://github.com/cyanheads/obsidian-mcp-server/issues/140), a table "read back from
    Obsidian's metadata cache (Obsidian 1.13.7)": ``#tl#tm`` gives "both tags"; and the forum
    thread https://forum.obsidian.md/t/what-is-the-formal-syntax-surrounding-tags/12949, whose
    author found "This is recognized as both tags #Bob and #Alice" and "It seems like a tag can be
    prefixed by a tag"."""
    site = build_notes(tmp_path, {
        "Note.md": "# Note\n\nSee #tl#tm and #one#two#three, #1984#x, word#a#b.\n",
    })
    content = site.content("Note.md")
    assert [a.get_text() for a in content.select("a.tag")] \
        == ["#tl", "#tm", "#one", "#two", "#three"]
    assert "#1984#x" in content.get_text() and "word#a#b" in content.get_text()
    assert (site.out / "_tags" / "tm.html").exists()


def test_a_section_embed_shows_the_footnote_its_page_shows_when_a_label_repeats(tmp_path):
    """Two definitions of one label (``[^a]:`` then ``[^A]:``, now the same footnote, or the same
    spelling twice): the page shows the last, and an embed of a section that refers to it showed
    the first, since only the first definition's lines were parsed with the section."""
    site = build_notes(tmp_path, {
        "N.md": "# N\n\n## S\n\nin section[^A] and[^a]\n\n## T\n\n[^a]: one\n\n[^A]: two\n",
        "D.md": "# D\n\n## S\n\nsee[^x]\n\n[^x]: first\n\n[^x]: second\n",
        "H.md": "# H\n\n![[N#S]]\n\n![[D#S]]\n",
    })

    def notes(content) -> list[str]:
        return [li.get_text(" ", strip=True).split()[0] for li in content.select("li.footnote-item")]

    assert notes(site.content("N.md")) == ["two"]
    assert notes(site.content("D.md")) == ["second"]
    assert notes(site.content("H.md")) == ["two", "second"]
