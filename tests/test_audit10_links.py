"""Links and syntax cases left over from earlier audits (tenth audit, links area), each built as a
vault and read as a browser would read the page."""

from __future__ import annotations

import html5lib
from conftest import Site, build_notes


def _browser_links(site: Site, source: str) -> list[tuple[str | None, str]]:
    """(href, text) of each ``<a>`` of the note's text as a browser's parser builds them."""
    page = site.page(source).read_text(encoding="utf-8")
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    body = tree.find(".//div[@class='content note-content']")
    return [(a.get("href"), "".join(a.itertext())) for a in body.iter("a")]


def test_links_tags_and_images_inside_a_raw_html_link_are_its_words(tmp_path):
    """``<a href="…">see [[Other]]</a>`` wrote an ``<a>`` inside an ``<a>``: a browser ends the
    outer link at the inner one, so the text after it belongs to no link.  What stands inside a
    raw ``<a>`` (a wikilink, a Markdown link, a bare address, a tag, a remote image, another raw
    ``<a>``) is now that link's words, and a Markdown link's text holding a raw ``<a>`` too."""
    site = build_notes(tmp_path, {
        "Other.md": "# Other\n",
        "A.md": ('L1 <a href="https://e.com">see [[Other]] here</a> then [[Other|after]]\n'
                 'L2 <a href="https://e.com">x [md](Other.md) <https://x.org> #tag '
                 '![img](https://e.com/a.png) <a href="https://in.org">in</a> y</a>\n'
                 'L3 [see <a href="https://x.org">in</a> y](https://e.com)\n'
                 'L4 <A HREF="https://e.com">up [[Other]]</A>\n'),
    })
    links = _browser_links(site, "A.md")
    assert links == [
        ("https://e.com", "see Other here"), ("Other.html", "after"),
        ("https://e.com", "x md https://x.org #tag img in y"),
        ("https://e.com", "see in y"),
        ("https://e.com", "up Other"),
    ], links
    # the link inside still counts for backlinks
    backlinks = site.html("Other.md").select(".backlinks a")
    assert [a.get_text(strip=True) for a in backlinks] == ["A"]


def test_a_link_to_the_note_itself_with_nothing_to_show_shows_what_is_written(tmp_path):
    """``[[#]]``, ``[[#^]]`` and ``[[#|]]`` were ``<a href="A.html"></a>``: a link with no text,
    which a reader can neither see nor reach with the keyboard's link list.  They show what is
    written before the ``|``; the search text has it too."""
    site = build_notes(tmp_path, {
        "A.md": "E1 [[#]] E2 [[#^]] E3 [[#|]] E4 [[|x]] E5 [[#Top]]\n\n## Top\n",
    })
    links = _browser_links(site, "A.md")
    assert links == [("A.html", "#"), ("A.html", "#^"), ("A.html", "#"), ("A.html", "x"),
                     ("#Top", "Top")], links
    assert all(text.strip() for _, text in links)


def test_a_tag_with_an_empty_level_is_read_without_it_and_warned_about(tmp_path):
    """``#x//y`` made the tag page ``_tags/x/untitled/y.html`` (with a level page titled ``#x/``)
    and ``#/x`` was no tag at all, though Obsidian's tag pattern takes both (its forum: even
    ``#///777/`` is a tag).  Both are read as the ``tags`` property reads them, without the empty
    levels (``#x/y``, ``#x``), with a ``tag-invalid`` warning at the place."""
    site = build_notes(tmp_path, {
        "A.md": "T #x//y and #/x\n",
        "B.md": "---\ntags: [\"x//y\"]\n---\nbody #x/y\n",
    })
    pages = sorted(p.relative_to(site.out / "_tags").as_posix()
                   for p in (site.out / "_tags").rglob("*.html"))
    assert pages == ["x.html", "x/y.html"], pages
    tags = site.content("A.md").select("a.tag")
    assert [(a.get_text(), a["href"]) for a in tags] == [
        ("#x/y", "_tags/x/y.html"), ("#x", "_tags/x.html")]
    members = Site.soup(site.out / "_tags" / "x" / "y.html").select("main a.listing-title")
    assert sorted(a["href"] for a in members) == ["../../A.html", "../../B.html"], members
    warned = sorted(m.split(": warning")[0] for m in site.messages("tag-invalid"))
    assert warned == ["A.md:1:13", "A.md:1:3", "B.md:2"], warned


def test_a_summary_does_not_run_a_sentence_into_the_text_after_a_left_out_block(tmp_path):
    """Listings show the start of a note's text, which leaves out code, tables, headings and
    math; the paragraphs on either side were joined as one sentence ("Run it once: The result
    is…").  They are joined with an ellipsis; paragraphs in a row still read as one text."""
    site = build_notes(tmp_path, {
        "A.md": ("Run it once:\n\n```python\nx = 1\n```\n\nThe result is cached.\n\n"
                 "| a |\n|---|\n| 1 |\n\nAfter the table.\n\n## Part\n\nIn a part.\n"
                 "Same paragraph.\n\nNext paragraph.\n"),
    })
    expected = ("Run it once: … The result is cached. … After the table. … In a part. "
                "Same paragraph. Next paragraph.")
    listing = Site.soup(site.out / "index.html").find("a", class_="listing-title", string="A")
    shown = listing.find_next("p", class_="listing-description").get_text()
    assert shown == expected, shown
    meta = site.html("A.md").find("meta", attrs={"name": "description"})
    assert meta["content"] == expected, meta
