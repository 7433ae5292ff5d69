"""Sitemap, Atom feed, .nojekyll, CNAME and head tags: parse the XML and check the URLs."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from generator.publish import (
    FeedEntry,
    SitemapEntry,
    absolute_url,
    atom_feed,
    cname_file,
    head_tags,
    publish_files,
    sitemap_xml,
)

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://me.github.io/notes"
PLUS2 = dt.timezone(dt.timedelta(hours=2))


def _entries() -> list[FeedEntry]:
    return [
        FeedEntry("Old", "Old.html", dt.date(2020, 1, 1), "old one"),
        FeedEntry("Café & <tea>", "Folder/Café notes.html", dt.date(2024, 5, 1),
                  "summary <b>x</b>"),
        FeedEntry("Undated", "Undated.html", None, "no date"),
        FeedEntry("Edited", "Edited.html", dt.date(2021, 1, 1), "",
                  updated=dt.datetime(2024, 6, 2, 12, 30, tzinfo=PLUS2)),
        FeedEntry("Mid", "Mid.html", dt.datetime(2023, 3, 3, 8, 0), "mid"),
    ]


def test_absolute_url_encodes_and_maps_index_to_folder():
    assert absolute_url(SITE, "index.html") == "https://me.github.io/notes/"
    assert absolute_url(SITE + "/", "a/index.html") == "https://me.github.io/notes/a/"
    assert absolute_url(SITE, "Folder/Café notes.html") == (
        "https://me.github.io/notes/Folder/Caf%C3%A9%20notes.html")
    # already encoded stays as it is
    assert absolute_url(SITE, "a%20b.html") == "https://me.github.io/notes/a%20b.html"


def test_sitemap_parses_and_lists_each_page_once_sorted():
    pages = ["index.html", "b.html", SitemapEntry("a & b.html", dt.date(2024, 1, 2)), "b.html"]
    data = sitemap_xml(SITE, pages)
    root = ET.fromstring(data)
    assert root.tag == SM + "urlset"
    locs = [u.findtext(SM + "loc") for u in root.findall(SM + "url")]
    assert locs == sorted(locs)
    assert locs == ["https://me.github.io/notes/",
                    "https://me.github.io/notes/a%20&%20b.html",
                    "https://me.github.io/notes/b.html"]
    lastmods = [u.findtext(SM + "lastmod") for u in root.findall(SM + "url")]
    assert lastmods == [None, "2024-01-02", None]


def test_feed_is_atom_with_recent_dated_notes_newest_first():
    data = atom_feed(SITE, "My notes", _entries(), limit=3, description="about things")
    root = ET.fromstring(data)
    assert root.tag == ATOM + "feed"
    assert root.findtext(ATOM + "title") == "My notes"
    assert root.findtext(ATOM + "subtitle") == "about things"
    entries = root.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "title") for e in entries] == ["Edited", "Café & <tea>", "Mid"]
    # <updated> of the feed is the newest note's date, never the build time
    assert root.findtext(ATOM + "updated") == "2024-06-02T10:30:00Z"
    first = entries[0]
    assert first.findtext(ATOM + "published") == "2021-01-01T00:00:00Z"
    assert first.findtext(ATOM + "updated") == "2024-06-02T10:30:00Z"
    cafe = entries[1]
    assert cafe.find(ATOM + "link").get("href") == (
        "https://me.github.io/notes/Folder/Caf%C3%A9%20notes.html")
    assert cafe.findtext(ATOM + "id") == cafe.find(ATOM + "link").get("href")
    assert cafe.findtext(ATOM + "summary") == "summary <b>x</b>"
    links = {lk.get("rel"): lk.get("href") for lk in root.findall(ATOM + "link")}
    assert links == {"alternate": "https://me.github.io/notes/",
                     "self": "https://me.github.io/notes/feed.xml"}
    # every entry has the elements Atom requires
    for e in entries:
        for tag in ("title", "id", "updated"):
            assert e.findtext(ATOM + tag)


def test_feed_is_deterministic_and_order_independent():
    a = atom_feed(SITE, "T", _entries())
    b = atom_feed(SITE, "T", list(reversed(_entries())))
    assert a == b


def test_feed_without_dated_notes_is_still_valid():
    root = ET.fromstring(atom_feed(SITE, "T", [FeedEntry("x", "x.html", None)]))
    assert root.findall(ATOM + "entry") == []
    assert root.findtext(ATOM + "updated") == "1970-01-01T00:00:00Z"


def test_control_characters_do_not_break_the_xml():
    data = atom_feed(SITE, "T\x01", [FeedEntry("a\x0bb", "a.html", dt.date(2024, 1, 1), "s\x00")])
    ET.fromstring(data)


def test_publish_files_sets():
    files = publish_files(site_url=None, title="T")
    assert files == {".nojekyll": b""}
    files = publish_files(site_url=SITE, title="T", pages=["index.html"], entries=_entries(),
                          cname="https://notes.example.org/", feed_limit=2)
    assert set(files) == {".nojekyll", "sitemap.xml", "feed.xml", "CNAME"}
    assert files["CNAME"] == b"notes.example.org\n"
    assert len(ET.fromstring(files["feed.xml"]).findall(ATOM + "entry")) == 2


def test_cname_bare_host():
    assert cname_file("docs.example.org") == b"docs.example.org\n"


def test_head_tags():
    assert head_tags(None, "a.html", "A", "d") == ""
    assert head_tags("", "a.html", "A", "d") == ""
    html = head_tags(SITE, "Folder/Café notes.html", 'Say "hi" <now>', "a & b", site_name="Notes")
    url = "https://me.github.io/notes/Folder/Caf%C3%A9%20notes.html"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Say &quot;hi&quot; &lt;now&gt;">' in html
    assert '<meta property="og:description" content="a &amp; b">' in html
    assert '<meta property="og:site_name" content="Notes">' in html
    assert 'href="https://me.github.io/notes/feed.xml"' in html
    home = head_tags(SITE, "index.html", "Home", None, page_type="website", feed=False)
    assert '<link rel="canonical" href="https://me.github.io/notes/">' in home
    assert "og:description" not in home and "feed.xml" not in home
