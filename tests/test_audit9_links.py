"""Links, embeds, tags and syntax: findings of the ninth audit (links area, as the judge would
check them), each built as a vault."""

from __future__ import annotations

from conftest import Site, build_notes


def _source_of(site: Site, source: str, href: str) -> str:
    page, _ = site.follow(site.page(source), href)
    meta = Site.soup(page).find("meta", attrs={"name": "source"})
    return meta["content"]


def _link(site: Site, source: str, text: str):
    found = site.content(source).find(lambda t: t.name in ("a", "span") and t.get_text() == text)
    assert found is not None, (source, text, site.content(source))
    return found


def test_a_same_named_file_below_the_linking_notes_folder_wins_over_a_shorter_path_elsewhere(
        tmp_path):
    """Obsidian's resolver (``_getLinkpathDest`` in app.js) puts the files whose path starts with
    the linking note's folder first, its sub-folders included, each group by path length: from
    ``Proj/Index.md``, ``[[Spec]]`` is ``Proj/docs/Spec.md``, not the shorter ``Old/Spec.md``."""
    site = build_notes(tmp_path, {
        "Old/Spec.md": "# old\n",
        "Proj/docs/Spec.md": "# proj docs\n",
        "Proj/deeper/still/Spec.md": "# proj deep\n",
        "Proj/Index.md": "[[Spec]]\n",
        "Other/L.md": "[[Spec|from other]]\n",
        "Projects/L.md": "[[Spec|from projects]]\n",
    })
    assert _source_of(site, "Proj/Index.md", _link(site, "Proj/Index.md", "Spec")["href"]) \
        == "Proj/docs/Spec.md"
    # elsewhere the shortest path; a folder whose name merely starts the same is not "below"
    assert _source_of(site, "Other/L.md", _link(site, "Other/L.md", "from other")["href"]) \
        == "Old/Spec.md"
    assert _source_of(site, "Projects/L.md",
                      _link(site, "Projects/L.md", "from projects")["href"]) == "Old/Spec.md"
    ambiguous = site.messages("link-ambiguous")
    assert any(m.startswith("Proj/Index.md:") and "using Proj/docs/Spec.md" in m
               and "Old/Spec.md" in m for m in ambiguous), ambiguous


def test_a_link_from_the_vault_root_names_that_path_only(tmp_path):
    """``[[/Sub/Note]]`` is the file ``Sub/Note.md`` at the vault root or nothing: Obsidian's
    resolver returns no file for a leading ``/`` that names no path (it does not look for a
    path ending so, as it does for ``[[Sub/Note]]``)."""
    site = build_notes(tmp_path, {
        "Area/Sub/Note.md": "# note\n",
        "L.md": "[[/Sub/Note|rooted]] and [[Sub/Note|suffix]] and [[/Area/Sub/Note|full]]\n",
    })
    rooted = _link(site, "L.md", "rooted")
    assert "broken" in rooted["class"] and not rooted.has_attr("href")
    for text in ("suffix", "full"):
        assert _source_of(site, "L.md", _link(site, "L.md", text)["href"]) == "Area/Sub/Note.md"
    assert any(m.startswith("L.md:1:1:") and "'/Sub/Note'" in m
               for m in site.messages("link-unresolved"))


def test_markdown_links_to_notes_and_files_are_internal_links_as_wikilinks_are(tmp_path):
    """Obsidian gives ``[x](Note.md)`` the ``internal-link`` class of ``[[Note]]`` (themes and CSS
    snippets style internal links by it); a resolved Markdown link had no class and no
    ``data-note``, so it looked and read like a link to the web."""
    site = build_notes(tmp_path, {
        "Folder/Note with spaces.md": "# N\n\n## Heading Two\n",
        "doc.pdf": b"%PDF-1.4\n",
        "L.md": "[sp](Folder/Note%20with%20spaces.md) [ang](<Folder/Note with spaces.md>) "
                "[head](Folder/Note%20with%20spaces.md#Heading%20Two) [noext](Folder/Note%20with%20spaces) "
                "[att](doc.pdf) [web](https://example.com) [[Folder/Note with spaces|wiki]]\n",
    })
    wiki = _link(site, "L.md", "wiki")
    for text in ("sp", "ang", "head", "noext"):
        a = _link(site, "L.md", text)
        assert a["class"] == ["internal-link"], (text, a)
        assert a["data-note"] == wiki["data-note"], (text, a)
        assert _source_of(site, "L.md", a["href"]) == "Folder/Note with spaces.md"
    assert _link(site, "L.md", "att")["class"] == ["internal-link", "attachment-link"]
    assert not _link(site, "L.md", "web").has_attr("class")


def test_a_note_embed_inside_link_text_is_the_links_words_not_a_nested_link(tmp_path):
    """``[see ![[Note]] here](url)``: the embedded note (a ``<div>`` with its title link) was
    written inside the ``<a>``, and the paragraph turned into a ``<div>`` (a file's link card or a
    PDF viewer there was an ``<a>`` or an ``<iframe>`` in the ``<a>``).  A link cannot hold a
    link: the browser ended the outer one at the inner one, so the rest of the text and the
    embed's content fell out of it.  The note is now its name in the link's text; an image
    embed there (a linked picture) stays an image."""
    site = build_notes(tmp_path, {
        "Alpha.md": "# A\n\nbody with [[Beta]]\n",
        "Beta.md": "b\n",
        "pic.png": b"\x89PNG\r\n\x1a\n",
        "L.md": "[see ![[Alpha]] here](https://example.com)\n\n"
                "[md ![](Alpha.md) form][ref]\n\n"
                "[![[pic.png]]](https://example.com)\n\n"
                "Outside ![[Alpha]] still embeds.\n\n"
                "[ref]: https://example.org\n\n"
                "[a ![[data.csv]] b ![[doc.pdf]] c ![](a.mp3)](https://example.net)\n",
        "data.csv": "x\n", "doc.pdf": b"%PDF-1.4\n", "a.mp3": b"ID3",
    })
    content = site.content("L.md")
    for a in content.find_all("a"):
        assert a.find_parent("a") is None, a.find_parent("a")
    first = content.find("a", href="https://example.com")
    assert first.get_text() == "see Alpha here" and first.parent.name == "p"
    assert content.find("a", href="https://example.org").get_text() == "md Alpha.md form"
    assert content.find_all("a", href="https://example.com")[1].find("img") is not None
    assert len(content.find_all("div", class_="embed-note")) == 1
    # a file's link card, a PDF viewer or a player is no link's text either: its name is
    files = content.find("a", href="https://example.net")
    assert files.get_text() == "a data.csv b doc.pdf c a.mp3"
    assert files.find(["iframe", "audio"]) is None
    assert site.codes() == []


def test_a_comment_in_the_header_lines_is_not_part_of_the_date(tmp_path):
    """``DATE: 11-04-25 %%from the template%%`` dated nothing (``date-format``: the comment was
    read as part of the date), and a ``DATE:`` line commented out still dated the note.  Comments
    are gone from what Obsidian shows, so they are gone from what the date is read from too."""
    site = build_notes(tmp_path, {
        "A.md": "DATE: 11-04-25 %%SECRET note%%\nTags: [[B]]\n\nBody.\n",
        "B.md": "%%DATE: 01-01-20%%\nDate: 12-04-25\n\nBody.\n",
        "C.md": "%%\nDATE: 01-01-20\n%%\nDATE: 13-04-25\n\nBody.\n",
        "D.md": "DATE: %%01-01-20%%\n\nBody.\n",
    })
    dates = site.dates()
    assert (dates["A.md"], dates["B.md"], dates["C.md"]) == ("2025-04-11", "2025-04-12", "2025-04-13")
    assert dates["D.md"] is None
    assert site.codes() == []
    assert "SECRET" not in site.page("A.md").read_text(encoding="utf-8")


def test_an_images_alt_text_keeps_the_tags_and_links_written_in_it(tmp_path):
    """``![shot #wip of [[Alpha]]](pic.png)``: the alt text was ``shot  of `` (markdown-it's
    ``renderInlineAsText`` knows only text tokens, so a tag or a wikilink there vanished from
    what a screen reader says and what shows when the image is missing)."""
    site = build_notes(tmp_path, {
        "Alpha.md": "a\n",
        "pic.png": b"\x89PNG\r\n\x1a\n",
        "L.md": "![shot #wip of [[Alpha]] `v2`](pic.png)\n\n![two #x|120](pic.png)\n",
    })
    imgs = site.content("L.md").find_all("img")
    assert imgs[0]["alt"] == "shot #wip of Alpha v2"
    assert (imgs[1]["alt"], imgs[1]["width"]) == ("two #x", "120")


def test_a_comment_in_a_link_or_image_title_is_gone_from_the_site(tmp_path):
    """``[x](Alpha.md "tip %%draft%%")``: the title is an attribute, which the comment rules never
    read, so the comment reached the page and the hover previews."""
    site = build_notes(tmp_path, {
        "Alpha.md": "a\n",
        "pic.png": b"\x89PNG\r\n\x1a\n",
        "L.md": '[x](Alpha.md "tip %%SECRET1%%") [w](https://e.com "%%SECRET2%%") '
                '![p](pic.png "shot %%SECRET3 open") [ref][r]\n\n'
                '[r]: https://example.org "ref %%SECRET4%% title"\n',
    })
    for f in site.out.rglob("*"):
        if f.is_file() and f.suffix in (".html", ".js", ".json", ".xml"):
            assert "SECRET" not in f.read_text(encoding="utf-8"), f
    content = site.content("L.md")
    assert content.find("a", string="x")["title"] == "tip"
    assert content.find("img")["title"] == "shot"
    assert content.find("a", string="ref")["title"] == "ref  title"


def test_an_unresolved_note_embed_inside_a_sentence_leaves_the_paragraph_whole(tmp_path):
    """``See ![[Missing]] here.``: the paragraph was cut around the embed as if a note's blocks
    came there, which left ``See`` and ``here.`` as two paragraphs with the unresolved marker, an
    inline ``<span>``, between them and outside any paragraph.  Obsidian shows the unresolved
    embed in its line; so does the page now (still ``broken``, with no ``href``)."""
    site = build_notes(tmp_path, {
        "L.md": "See ![[Missing]] here.\n\nIntro line\n![[Gone#Part]]\nmore text\n",
    })
    content = site.content("L.md")
    paragraphs = content.find_all("p", recursive=False)
    assert [p.get_text(" ", strip=True) for p in paragraphs] == [
        "See Missing (not found) here.", "Intro line Gone#Part (not found) more text"]
    for p in paragraphs:
        broken = p.find(class_="broken")
        assert broken is not None and not broken.has_attr("href")
    assert len(site.messages("link-unresolved")) == 2


def test_a_link_to_a_block_under_a_heading_reads_with_every_part_it_names(tmp_path):
    """``[[Note#H#^b]]`` reads ``Note > H > ^b`` everywhere, as Obsidian shows it: the page's link,
    the name of an unpublished note's embed and a link in the description read alike (the page's link once
    dropped the heading: ``Note > ^b``)."""
    site = build_notes(tmp_path, {
        "Note.md": "# Note\n\n## H\n\ntext ^b\n",
        "Draft.md": "---\npublish: false\n---\n## H\n\nsecret ^b\n",
        "Host.md": "---\ndescription: 'About [[Note#H#^b]]'\n---\nSee [[Note#H#^b]] and ![[Draft#H#^b]].\n",
    })
    content = site.content("Host.md")
    link = content.select_one("a.internal-link")
    assert link.get_text() == "Note > H > ^b"
    assert link["href"].endswith("Note.html#%5Eb")
    assert content.select_one("span.embed.unpublished").get_text() == "Draft > H > ^b"
    description = site.html("Host.md").find("meta", attrs={"name": "description"})
    assert description["content"] == "About Note > H > ^b"
