"""Markdown-form links as Obsidian reads them: from the vault root (``/x``), to a heading or block
of the same note (``#x``), and to a page of a PDF (``#page=N``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from conftest import Site, build_notes, build_vault

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
       b"\x00\x00IEND\xaeB`\x82")


def make(tmp_path: Path) -> Site:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "Note.md").write_text("## Part\n\nx\n", encoding="utf-8")
    (src / "sub" / "pic.png").write_bytes(PNG)
    (src / "doc.pdf").write_bytes(b"%PDF-1.4\n")
    (src / "L.md").write_text(
        "## Real Heading\n\nPara. ^here\n\n"
        "[root](/sub/Note.md) [root-no-ext](/sub/Note#Part) ![shot](/sub/pic.png) "
        "[gone](/nothing.md) [home](/)\n\n"
        "[same](#Real%20Heading) [nope](#Nope) [blk](#^here) [noblk](#^nob)\n\n"
        "[pdf md](doc.pdf#page=3) [[doc.pdf#page=3|pdf wiki]] ![[doc.pdf#page=3]]\n",
        encoding="utf-8")
    return build_vault(src, tmp_path, copy=False)


def test_root_relative_markdown_links_are_taken_from_the_vault_root(tmp_path: Path):
    site = make(tmp_path)
    content = site.content("L.md")
    page = site.page("L.md")
    a = content.find("a", string="root")
    target, _ = site.follow(page, a["href"])
    assert site.soup(target).find("meta", attrs={"name": "source"})["content"] == "sub/Note.md"
    a = content.find("a", string="root-no-ext")
    target, frag = site.follow(page, a["href"])
    assert site.soup(target).find(id=frag).get_text().strip() == "Part"
    img = content.find("img", alt="shot")
    target, _ = site.follow(page, img["src"])  # the image is copied, the src relative
    assert target.read_bytes() == PNG
    target, _ = site.follow(page, content.find("a", string="home")["href"])
    assert target == site.out / "index.html"  # "/" is the site's home page, not a missing file
    gone = content.find("a", string="gone")
    assert "broken" in gone["class"] and not gone.get("href")
    assert [m for m in site.messages("link-unresolved") if "L.md:" in m and "'/" in m] == \
        [m for m in site.messages("link-unresolved") if "'/nothing.md'" in m]
    # backlinks follow the root-relative links too
    back = site.html("sub/Note.md").find(class_="backlinks")
    assert back is not None and "L" in back.get_text()


def test_same_note_fragment_links_are_checked(tmp_path: Path):
    site = make(tmp_path)
    content = site.content("L.md")
    html = site.html("L.md")
    assert html.find(id=content.find("a", string="same")["href"][1:]) is not None
    blk = content.find("a", string="blk")["href"]
    assert blk == "#%5Ehere"  # "^" is no URL code point; browsers decode it to find the id
    assert html.find(id=unquote(blk[1:])) is not None
    anchors = site.messages("anchor-unresolved")
    assert any("L.md:7:" in m and "'Nope'" in m for m in anchors), anchors
    assert any("L.md:7:" in m and "^nob" in m for m in anchors), anchors
    assert len(anchors) == 2


def test_pdf_links_and_embeds_keep_the_page(tmp_path: Path):
    site = make(tmp_path)
    content = site.content("L.md")
    page = site.page("L.md")
    hrefs = [content.find("a", string="pdf md")["href"], content.find("a", string="pdf wiki")["href"],
             content.find("a", class_="embed-pdf")["href"]]
    for href in hrefs:
        target, frag = site.follow(page, href)
        assert target.name == "doc.pdf" and frag == "page=3", href
    assert not site.messages("anchor-unresolved") or all("page=3" not in m
                                                          for m in site.messages("anchor-unresolved"))


def test_a_missing_heading_suggests_the_closest_one(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "F.md").write_text("# Functions\n\n## `hasTag()`\n\n##\n\n### \n\n## Other one\n",
                              encoding="utf-8")
    (src / "E.md").write_text("##\n\ntext\n", encoding="utf-8")
    (src / "L.md").write_text("[[F#hasTag|x]] [[F#Completely unrelated words]] [[E#Intro]]\n",
                              encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    msgs = site.messages("anchor-unresolved")
    assert any("did you mean [[F#hasTag()]]?" in m for m in msgs), msgs
    # empty headings (``##`` alone) are not listed as blanks
    assert any("its headings: Functions, hasTag(), Other one)" in m for m in msgs), msgs
    assert any("'Intro' not found in E.md (its headings have no text)" in m for m in msgs), msgs


def test_youtube_and_x_embeds(tmp_path: Path):
    """``![](youtube…)`` embeds the video in Obsidian.  Here it is a link to it, since pages call
    nothing off the machine; with ``remote_images = "load"`` the player (cookie-less host)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "V.md").write_text(
        "![Talk](https://www.youtube.com/watch?v=NnTvZWp5Q7o)\n\n![](https://youtu.be/abcDEF12345)\n\n"
        "![](https://x.com/obsdmd/status/1580548874246443010)\n\n"
        "![pic](https://example.com/p.png)\n", encoding="utf-8")
    site = build_vault(src, tmp_path / "a", copy=False)
    links = site.content("V.md").select("a.embed-web")
    assert [a["href"] for a in links] == ["https://www.youtube.com/watch?v=NnTvZWp5Q7o",
                                          "https://youtu.be/abcDEF12345",
                                          "https://x.com/obsdmd/status/1580548874246443010"]
    assert links[0].get_text() == "YouTube video: Talk"
    assert site.content("V.md").find("iframe") is None
    assert site.content("V.md").find("a", class_="remote-image").get_text() == "pic"
    loaded = build_vault(src, tmp_path / "b", copy=False, remote_images="load")
    frames = loaded.content("V.md").find_all("iframe")
    assert [f["src"] for f in frames] == ["https://www.youtube-nocookie.com/embed/NnTvZWp5Q7o",
                                          "https://www.youtube-nocookie.com/embed/abcDEF12345"]
    assert loaded.content("V.md").select("a.embed-web")[0].get_text().startswith("Post on X")


def test_raw_html_remote_images_follow_remote_images(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "I.md").write_text('<img src="https://example.com/a.png" alt="A &amp; pic">\n\n'
                              'Text <img src="https://example.com/b.png"> inline.\n',
                              encoding="utf-8")
    site = build_vault(src, tmp_path / "a", copy=False)
    assert site.content("I.md").find("img") is None  # nothing loads from elsewhere
    links = site.content("I.md").select("a.remote-image")
    assert [(a["href"], a.get_text()) for a in links] == [
        ("https://example.com/a.png", "A & pic"), ("https://example.com/b.png", "b.png")]
    loaded = build_vault(src, tmp_path / "b", copy=False, remote_images="load")
    assert [i["src"] for i in loaded.content("I.md").find_all("img")] == [
        "https://example.com/a.png", "https://example.com/b.png"]


def test_every_embed_that_shows_nothing_says_so_the_same_way(tmp_path: Path):
    """A missing file, a missing heading of a note, an empty note and a Markdown-form embed of a
    missing note: each is a ``broken`` element naming what was embedded and why, never its raw
    ``![[…]]`` (which reads as syntax left unparsed)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "N.md").write_text("## Real\n\nx\n", encoding="utf-8")
    (src / "Empty.md").write_text("", encoding="utf-8")
    (src / "L.md").write_text("![[Nope]]\n\n![[N#Missing]]\n\n![[Empty]]\n\n![shown](Gone.md)\n",
                              encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    texts = [b.get_text(" ", strip=True) for b in site.content("L.md").select(".embed.broken")]
    assert texts == ["Nope (not found)", "N#Missing (not found)", "Empty (empty)",
                     "shown (not found)"], texts


def test_pdf_embeds_show_the_pdf_in_a_frame_at_the_page_and_height(tmp_path: Path):
    site = build_notes(tmp_path, {
        "files/Report 2025.pdf": b"%PDF-1.4 report",
        "P.md": "![[Report 2025.pdf]]\n\n![[Report 2025.pdf#page=3]]\n\n"
                "![[Report 2025.pdf#height=400]]\n\n![[Report 2025.pdf#page=2&height=250]]\n\n"
                "Text ![[Report 2025.pdf]] in a line.\n"})
    content = site.content("P.md")
    page = site.page("P.md")
    frames = content.find_all("iframe", class_="pdf-frame")
    assert len(frames) == 5
    fragments = []
    for frame in frames:
        target, frag = site.follow(page, frame["src"])
        assert target.read_bytes() == b"%PDF-1.4 report"
        assert frame["title"] == "Report 2025.pdf" and not frame.has_attr("sandbox")
        link = frame.find_next_sibling("a", class_="embed-pdf")  # opens it whole; print keeps it
        assert link["href"] == frame["src"] and link["target"] == "_blank"
        fragments.append(frag)
    assert fragments == ["", "page=3", "", "page=2", ""]
    assert [f.get("style") for f in frames] == [None, None, "height:400px;", "height:250px;", None]
    assert frames[4].find_parent("p") is not None  # an iframe may stand in a line of text
    assert not site.messages("anchor-unresolved")
