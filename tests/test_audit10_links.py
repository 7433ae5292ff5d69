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
        "A.md": "E1 [[#]] E2 [[#^]] E3 [[#|]] E4 [[|x]] E5 [[#Top]] E6 [[|]]\n\n## Top\n",
    })
    links = _browser_links(site, "A.md")
    assert links == [("A.html", "#"), ("A.html", "#^"), ("A.html", "#"), ("A.html", "x"),
                     ("#Top", "Top")], links
    assert all(text.strip() for _, text in links)
    # nothing written but the bar: text, as [[ ]] is
    assert "E6 [[|]]" in site.content("A.md").get_text()


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
    assert warned == ["A.md:1:13", "A.md:1:3", "B.md:2:9"], warned


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


def test_an_obsidian_uri_to_a_note_of_this_vault_is_a_link_to_its_page(tmp_path):
    """``[o](obsidian://open?vault=V&file=Other)`` opened nothing on the web (it asks for the
    Obsidian app).  Naming this vault (its folder's name, here ``src``, in any case) by ``file=``,
    ``path=`` or a shorthand, in a Markdown link, an autolink or a wikilink, it leads to the
    note's page as ``[[Other]]`` does, heading included, and counts as a backlink; a missing note
    is unresolved with a warning; any other ``obsidian://`` link stays as written, with one
    ``link-app-only`` info for the lot."""
    site = build_notes(tmp_path, {
        "Other.md": "# Other\n\n## Some Heading\n",
        "sub/Deep Note.md": "deep\n",
        "A.md": ("[f](obsidian://open?vault=src&file=Other) "
                 "[md](obsidian://open?vault=SRC&file=sub%2FDeep%20Note.md) "
                 "[h](obsidian://open?vault=src&file=Other%23Some%20Heading) "
                 "[p](obsidian://open?path=%2Fhome%2Fme%2Fsrc%2Fsub%2FDeep%20Note.md) "
                 "[s](obsidian://vault/src/Other) <obsidian://open?vault=src&file=Other> "
                 "[[obsidian://open?vault=src&file=Other|wl]] "
                 "[x](obsidian://open?vault=Elsewhere&file=Other) "
                 "[q](obsidian://search?vault=src&query=x) "
                 "[m](obsidian://open?vault=src&file=Missing) "
                 "[n](obsidian://open?file=Other&paneType=tab)\n"),
    })
    links = _browser_links(site, "A.md")
    assert links == [
        ("Other.html", "f"), ("sub/Deep-Note.html", "md"), ("Other.html#Some-Heading", "h"),
        ("sub/Deep-Note.html", "p"), ("Other.html", "s"),
        ("Other.html", "obsidian://open?vault=src&file=Other"), ("Other.html", "wl"),
        ("obsidian://open?vault=Elsewhere&file=Other", "x"),
        ("obsidian://search?vault=src&query=x", "q"), (None, "m"), ("Other.html", "n"),
    ], links
    assert [a.get_text() for a in site.html("Other.md").select(".backlinks a.listing-title, "
                                                               ".backlinks li > a")][:1] == ["A"]
    missing = site.messages("link-unresolved")
    assert len(missing) == 1 and "'Missing'" in missing[0], missing
    app = site.messages("link-app-only")
    assert len(app) == 1 and app[0].startswith("A.md:1:") and "2 obsidian:// links" in app[0], app


def test_the_vault_name_of_obsidian_uris_can_be_configured(tmp_path):
    """Obsidian knows a vault by its folder's name; a site built from a copy in another folder
    names it with ``vault_name``."""
    site = build_notes(tmp_path, {
        "vaultsite.toml": 'vault_name = "My Vault"\n',
        "Other.md": "# Other\n",
        "A.md": "[o](obsidian://open?vault=My%20Vault&file=Other)\n",
    })
    assert _browser_links(site, "A.md") == [("Other.html", "o")]


def test_a_footnote_reference_inside_a_raw_html_link_is_its_number_only(tmp_path):
    """``<a href="…">y ^[note] z</a>``: the reference's own ``<a href="#fn1">`` split the outer
    link; it is its number, and the footnote's arrow still returns to it."""
    site = build_notes(tmp_path, {"A.md": '<a href="https://e.com">y ^[note] z</a>\n'})
    links = _browser_links(site, "A.md")
    assert links[0] == ("https://e.com", "y [1] z"), links
    back = site.content("A.md").select_one("a.footnote-backref")["href"]
    assert site.content("A.md").find(id=back[1:]) is not None


def test_a_raw_html_badge_of_a_web_image_inside_a_link_stays_one_link(tmp_path):
    """``<a href="…"><img src="https://…"></a>``, the badge pasted from a README: the image of a
    web address becomes a chip linking to it (the site loads nothing from elsewhere), which put
    a link inside the outer one.  Inside a link, inline or in an HTML block, the chip is that
    link's words; an image outside any link still links to its address."""
    site = build_notes(tmp_path, {"A.md": (
        'I <a href="https://e.com"><img src="https://e.com/b.png" alt="badge"></a> '
        '<img src="https://e.com/x.png">\n\n'
        '<p><a href="https://e.com"><img src="https://e.com/d.png"></a> '
        '<img src="https://e.com/y.png"></p>\n\n'
        '[<img src="https://e.com/f.png">](https://e.com)\n')})
    links = _browser_links(site, "A.md")
    assert links == [("https://e.com", "badge"), ("https://e.com/x.png", "x.png"),
                     ("https://e.com", "d.png"), ("https://e.com/y.png", "y.png"),
                     ("https://e.com", "f.png")], links
    assert not site.content("A.md").find("img")


def test_a_summary_keeps_list_items_without_punctuation_apart(tmp_path):
    """The user's notes list points without a full stop ("- Everything is happening
    sequentially"); a summary ran them into one sentence ("sequentially foo() has to…").  Items
    or paragraphs that end without punctuation are joined with a middle dot."""
    site = build_notes(tmp_path, {
        "A.md": ("**Synchronous** -\n- Everything is happening sequentially\n"
                 "- `foo()` has to complete before `print('tim')`\n- The next one waits.\n"
                 "- Done\n"),
    })
    meta = site.html("A.md").find("meta", attrs={"name": "description"})["content"]
    assert meta == ("Synchronous - Everything is happening sequentially · foo() has to complete "
                    "before print('tim') · The next one waits. Done"), meta


def test_a_footnote_reference_inside_a_markdown_links_text_is_its_number_only(tmp_path):
    """``[^[note]](https://e.com)``, a link whose text is an inline footnote: the same as inside
    a raw ``<a>``."""
    site = build_notes(tmp_path, {"A.md": "x [^[note]](https://e.com) y\n"})
    links = _browser_links(site, "A.md")
    assert links[0] == ("https://e.com", "[1]"), links
