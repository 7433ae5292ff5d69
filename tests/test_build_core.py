"""The core rules of issue 2, checked in the HTML of a real built vault (tests/vaults/core)."""

from __future__ import annotations

import re

from conftest import Site, build_notes


def links_by_text(site: Site, source: str) -> dict[str, object]:
    content = site.content(source)
    found: dict[str, object] = {}
    for a in content.find_all("a"):
        found.setdefault(a.get_text(), a)  # the first link with that text
    return found


def target_of(site: Site, source: str, text: str) -> tuple[str, str]:
    a = links_by_text(site, source)[text]
    page, frag = site.follow(site.page(source), a["href"])
    meta = site.soup(page).find("meta", attrs={"name": "source"})
    return (meta["content"] if meta else page.name), frag


def test_every_published_note_has_a_page_with_its_source(core_site: Site):
    for src in ["Home.md", "Alpha.md", "folder/Beta.md", "other/Beta.md", "other/Gamma.md",
                "Deep/Sub/Deep note.md", "Café notes.md", "C# basics.md", "Q&A 100% (v2).md",
                "读书笔记.md", "Loop A.md", "Broken yaml.md", "Bom crlf.md", "Latin1.md",
                "Binary junk.md"]:
        assert core_site.has(src), src
    assert not core_site.has("Draft note.md")
    assert not core_site.has("Hidden note.md")
    assert not any(".trash" in str(p) or ".obsidian" in str(p) for p in core_site.out.rglob("*"))


def test_wikilinks_resolve_case_insensitively_with_anchors(core_site: Site):
    assert target_of(core_site, "Home.md", "Alpha") == ("Alpha.md", "")
    assert target_of(core_site, "Home.md", "lower case") == ("Alpha.md", "")
    assert target_of(core_site, "Home.md", "Alpha.md")[0] == "Alpha.md"
    src, frag = target_of(core_site, "Home.md", "Alpha > Why? (really)")
    assert src == "Alpha.md"
    alpha = core_site.html("Alpha.md")
    assert alpha.find(id=frag) is not None and "Why? (really)" in alpha.find(id=frag).get_text()
    src, frag = target_of(core_site, "Home.md", "Alpha > Café au lait")
    assert alpha.find(id=frag).get_text().strip() == "Café au lait"
    src, frag = target_of(core_site, "Home.md", "Alpha > Part one > Detail")
    assert alpha.find(id=frag).get_text().strip() == "Detail"
    src, frag = target_of(core_site, "Home.md", "Alpha > ^quote-1")
    assert frag == "^quote-1" and "A quote with an id." in alpha.find(id=frag).get_text()
    assert "^quote-1" not in core_site.content("Alpha.md").get_text()


def test_local_heading_link_stays_on_the_page(core_site: Site):
    a = links_by_text(core_site, "Home.md")["Local heading"]
    assert a["href"].startswith("#")
    assert core_site.html("Home.md").find(id=a["href"][1:]) is not None
    # a markdown link to a heading of the same note, as Obsidian writes it, lands on the heading
    a = links_by_text(core_site, "Home.md")["back up"]
    assert a["href"].startswith("#")
    assert core_site.html("Home.md").find(id=a["href"][1:]) is not None


def test_paths_duplicates_relative_and_aliases(core_site: Site):
    assert target_of(core_site, "Home.md", "folder/Beta")[0] == "folder/Beta.md"
    # bare [[Beta]] from the root: two candidates at the same depth -> shortest path, with a warning
    assert target_of(core_site, "Home.md", "Beta")[0] == "other/Beta.md"
    assert any("Beta" in m and "folder/Beta.md" in m for m in core_site.messages("link-ambiguous"))
    # from other/, the same folder wins; ./ and ../ are taken from the note's folder
    assert target_of(core_site, "other/Gamma.md", "Beta")[0] == "other/Beta.md"
    assert target_of(core_site, "other/Gamma.md", "./Beta")[0] == "other/Beta.md"
    assert target_of(core_site, "other/Gamma.md", "../Alpha")[0] == "Alpha.md"
    # Obsidian's own pick among same-named files: a file of exactly that path (the root one) wins even
    # over one beside the linking note, then the note's folder, then the shortest path *string*
    assert target_of(core_site, "other/Delta.md", "Topic")[0] == "Topic.md"
    assert target_of(core_site, "other/Delta.md", "Twin")[0] == "zz/b/Twin.md"
    ambiguous = core_site.messages("link-ambiguous")
    assert any(m.startswith("other/Delta.md:1:13:") and "using Topic.md" in m
               and "other/Topic.md" in m for m in ambiguous), ambiguous
    assert any("using zz/b/Twin.md" in m and "Archive/Twin.md" in m for m in ambiguous)
    assert target_of(core_site, "Home.md", "A1")[0] == "Alpha.md"
    assert target_of(core_site, "Home.md", "Sub/Deep note")[0] == "Deep/Sub/Deep note.md"


def test_odd_names_work_everywhere(core_site: Site):
    for text, src in [("Café notes", "Café notes.md"),
                      ("Q&A 100% (v2)", "Q&A 100% (v2).md"), ("读书笔记", "读书笔记.md")]:
        assert target_of(core_site, "Home.md", text)[0] == src
    src, frag = target_of(core_site, "Home.md", "to cafe")
    assert src == "Café notes.md"
    assert core_site.html("Café notes.md").find(id=frag).get_text().strip() == "Section one"
    assert target_of(core_site, "Home.md", "to alpha")[0] == "Alpha.md"
    # "#" separates the heading in a wikilink, so C# basics is reached by a markdown link
    assert target_of(core_site, "Home.md", "C sharp")[0] == "C# basics.md"
    # [[C# basics]] is note "C", heading "basics" (as in Obsidian); the hint says what to write
    (msg,) = [m for m in core_site.messages("link-unresolved") if "'C'" in m]
    assert "C%23%20basics.md" in msg, msg


def test_escaped_pipe_in_table(core_site: Site):
    cell = core_site.content("Home.md").find("table").find_all("td")[-1]
    a = cell.find("a")
    assert a.get_text() == "alpha in table"
    assert core_site.follow(core_site.page("Home.md"), a["href"])[0] == core_site.page("Alpha.md")


def test_unresolved_and_unpublished_links(core_site: Site):
    content = core_site.content("Home.md")
    broken = content.find(lambda t: t.get_text() == "Missing note" and "broken" in t.get("class", []))
    assert broken is not None and not broken.has_attr("href")
    draft = content.find(lambda t: t.get_text() == "Draft note")
    assert draft is not None and not draft.has_attr("href") and "broken" not in draft.get("class", [])
    # a markdown link to an unpublished note is plain text too, not a broken link
    md_draft = content.find(lambda t: t.get_text() == "md draft")
    assert md_draft.name != "a" and "broken" not in md_draft.get("class", [])
    msgs = core_site.messages("link-unresolved")
    assert any(m.startswith("Home.md:9:") and "Missing note" in m for m in msgs), msgs
    assert not any("Draft note" in m or "Hidden note" in m for m in msgs)
    # markdown links are reported with their column too (line 12 of Home.md)
    assert any(m.startswith("Home.md:12:116:") and "Nowhere.md" in m for m in msgs), msgs


def test_tags_and_non_tags(core_site: Site):
    content = core_site.content("Home.md")
    tags = {a.get_text() for a in content.find_all("a", class_="tag")}
    assert {"#topic", "#nested/child", "#Café"} <= tags
    assert "#123" not in tags and "#tag" not in tags and "#notatag" not in tags
    for a in content.find_all("a", class_="tag"):
        page, _ = core_site.follow(core_site.page("Home.md"), a["href"])
        assert page.name.endswith(".html")
    nested = core_site.out / "_tags" / "nested.html"
    listed = {a.get_text().strip() for a in Site.soup(nested).find_all("a")}
    assert "Start here" in listed and "Deep note" in listed
    child = Site.soup(core_site.out / "_tags" / "nested" / "child.html")
    crumbs = [(a.get_text(), a["href"]) for a in child.select(".breadcrumbs a")]
    assert crumbs[1:] == [("Tags", "../../_tags.html"), ("#nested", "../nested.html")]


def test_code_is_never_touched(core_site: Site):
    content = core_site.content("Home.md")
    code = content.find("code", string=re.compile(r"\[\[Alpha\]\] #notatag"))
    assert code is not None
    pre = content.find("pre")
    assert "[[Alpha]] #notatag %%not a comment%%" in pre.get_text()


def test_comments_are_gone_from_every_file(core_site: Site):
    for path in core_site.out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".json", ".xml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "hidden inline comment" not in text, path
            assert "hidden block comment" not in text, path


def test_embeds_images_sections_blocks_cycles_and_outside(core_site: Site):
    content = core_site.content("Home.md")
    img = content.find("img", src=re.compile(r"logo\.png$"))
    assert img is not None and img["width"] == "120"
    assert core_site.follow(core_site.page("Home.md"), img["src"])[0].read_bytes()[:4] == b"\x89PNG"
    text = content.get_text()
    assert "Intro." in text and "Deep." in text and "Other." not in text  # section to next h2
    assert "A quote with an id." in text
    # a list item's block id embeds that item inside a list, never a bare <li>
    item = content.find("li", string=re.compile("second step"))
    assert item is not None and item.parent.name == "ul", item.parent
    assert "first step" not in text
    cycles = core_site.messages("embed-cycle")
    assert cycles and all(m.startswith(("Loop A.md:1:", "Loop B.md:1:")) for m in cycles)
    assert len(cycles) == len(set(cycles)) <= 2
    assert not (core_site.out / "etc").exists()
    assert not any(p.name == "passwd" for p in core_site.out.rglob("*"))
    missing = next((e for e in content.find_all(class_="broken") if "nothing.png" in e.get_text()),
                   None)
    assert missing is not None and not missing.has_attr("href")
    assert "[[" not in missing.get_text() and "not found" in missing.get_text()


def test_sanitised_html(core_site: Site):
    page = core_site.page("Home.md").read_text(encoding="utf-8")
    content = str(core_site.content("Home.md"))
    assert "alert(1)" not in content
    assert "onclick" not in content and "javascript:" not in content
    assert "<b>bold</b>" in content
    assert "<script>alert" not in page


def test_bad_notes_are_reported_and_still_published(core_site: Site):
    codes = core_site.codes()
    assert "frontmatter-yaml" in codes and "encoding" in codes and "binary-content" in codes
    yaml_msg = core_site.messages("frontmatter-yaml")[0]
    # ``title: [unclosed`` (line 2): told at its ``[``, where the list is never closed
    assert yaml_msg.startswith("Broken yaml.md:2:8:"), yaml_msg
    assert "never closed" in yaml_msg and "title: [unclosed]" in yaml_msg
    assert "Broken yaml body text." in core_site.content("Broken yaml.md").get_text()
    assert "café" in core_site.content("Latin1.md").get_text()
    assert "Second line" in core_site.content("Bom crlf.md").get_text()
    assert "\ufeff" not in core_site.page("Bom crlf.md").read_text(encoding="utf-8")


def test_front_matter_fields(core_site: Site):
    alpha = core_site.html("Alpha.md")
    tags = {a.get_text().strip().lstrip("#") for a in alpha.find_all("a", class_="tag")}
    assert {"x", "y/z"} <= tags
    assert core_site.html("Home.md").find("h1").get_text().strip() == "Start here"
    assert core_site.html("Alpha.md").title.get_text().startswith("Alpha")


def test_all_hrefs_are_relative_and_resolve(core_site: Site):
    for page in core_site.out.rglob("*.html"):
        soup = Site.soup(page)
        for tag in soup.find_all(["a", "link", "script", "img"]):
            url = tag.get("href") or tag.get("src")
            if not url or url.startswith(("#", "http://", "https://", "mailto:")):
                continue
            core_site.follow(page, url)


def test_no_absolute_machine_paths_in_output(core_site: Site, tmp_path_factory):
    vault = str(core_site.out.parent / "vault")
    for path in core_site.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert vault.encode() not in data, path
            assert str(core_site.out).encode() not in data, path


def test_remote_images_become_links_so_pages_work_offline(core_site: Site):
    content = core_site.content("Home.md")
    assert not [img for img in content.find_all("img") if img["src"].startswith("http")]
    link = content.find("a", class_="remote-image")
    assert link["href"] == "https://example.org/chart.png" and link.get_text() == "a remote chart"


def test_a_note_embed_on_its_own_line_is_not_wrapped_in_a_paragraph(tmp_path):
    from conftest import build_vault

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("Before.\n\n![[B]]\n\n![[B#Part]]\n\n![[pic.png]]\n", encoding="utf-8")
    (vault / "B.md").write_text("# B\n\nIntro.\n\n## Part\n\nBody.\n", encoding="utf-8")
    (vault / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site = build_vault(vault, tmp_path, copy=False)
    html = site.page("A.md").read_text(encoding="utf-8")
    # <p><div> is invalid HTML: parsers close the <p> and leave an empty one behind
    assert "<p><div" not in html
    content = site.content("A.md")
    embeds = content.find_all("div", class_="embed-note")
    assert len(embeds) == 2 and embeds[0].parent is content
    assert content.find("img")["src"].endswith("pic.png")


def test_summaries_read_links_as_the_page_shows_them(tmp_path):
    """A note's description (and search text) shows a link as its page does: ``Note > Heading``,
    and a link to a heading of the same note as the heading, not as nothing."""
    from conftest import build_vault

    vault = tmp_path / "src"
    vault.mkdir()
    (vault / "A.md").write_text("See [[B#Part]], [[#Local]] and [[B|the alias]].\n\n## Local\n",
                                encoding="utf-8")
    (vault / "B.md").write_text("## Part\n", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    meta = site.html("A.md").find("meta", attrs={"name": "description"})
    assert meta["content"] == "See B > Part, Local and the alias."


def test_a_tag_typed_decomposed_or_precomposed_is_one_tag_with_one_page(tmp_path):
    """``#café`` with a combining accent and with a precomposed é name the same tag; before, both got
    the same page URL and one listing overwrote the other."""
    from conftest import build_vault

    vault = tmp_path / "src"
    vault.mkdir()
    (vault / "A.md").write_text("Text #caf\u00e9 here.\n", encoding="utf-8")
    (vault / "B.md").write_text("Text #cafe\u0301 here.\n", encoding="utf-8")
    (vault / "C.md").write_text("---\ntags: [cafe\u0301]\n---\nBody.\n", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    hrefs = {site.content(src).find("a", class_="tag")["href"] for src in ("A.md", "B.md")}
    assert len(hrefs) == 1
    page, _ = site.follow(site.page("A.md"), hrefs.pop())
    listed = {a.get_text() for a in Site.soup(page).select("main a.listing-title")}
    assert listed == {"A", "B", "C"}


def test_a_paragraph_with_text_and_a_note_embed_is_cut_around_the_embed(tmp_path):
    """``Intro:`` with ``![[B]]`` on the next line is one Markdown paragraph; the embedded note (a
    ``<div>``) cannot sit in a ``<p>``, so the text before and after become paragraphs of their own."""
    from conftest import build_vault

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("Intro, see [[B]]:\n![[B]]\nAfter the embed.\n\n- item ![[B#Part]]\n",
                                encoding="utf-8")
    (vault / "B.md").write_text("# B\n\nIntro.\n\n## Part\n\nBody.\n", encoding="utf-8")
    site = build_vault(vault, tmp_path, copy=False)
    html = site.page("A.md").read_text(encoding="utf-8")
    assert "<p><div" not in html and "<p></p>" not in html
    content = site.content("A.md")
    kids = [k for k in content.children if getattr(k, "name", None)]
    assert [k.name for k in kids[:3]] == ["p", "div", "p"]
    assert kids[0].get_text() == "Intro, see B:" and kids[0].find("a")["href"] == "B.html"
    assert "embed-note" in kids[1]["class"] and kids[2].get_text() == "After the embed."
    assert content.find("li").find("div", class_="embed-note")  # a list item may hold a div


def test_markdown_embeds_embed_notes_and_media_as_wikilink_embeds_do(tmp_path):
    """Obsidian embeds whatever an internal link points at when a ``!`` precedes it, in either link
    format: ``![](Other%20Note.md)`` is the note (not an <img> of a .md file), ``![](talk.mp3)`` a
    player, ``![](doc.pdf)`` the PDF card; images stay images; a missing target is visibly broken."""
    from conftest import build_vault

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text(
        "Intro ![](Other%20Note.md) after.\n\n![](Other%20Note.md#Part)\n\n![talk](talk.mp3)\n\n"
        "![](doc.pdf)\n\n![pic|100](pic.png)\n\n![gone](Nope.md)\n", encoding="utf-8")
    (vault / "Other Note.md").write_text("Top.\n\n## Part\n\nOther body.\n", encoding="utf-8")
    (vault / "talk.mp3").write_bytes(b"ID3")
    (vault / "doc.pdf").write_bytes(b"%PDF-1.4")
    (vault / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site = build_vault(vault, tmp_path, copy=False)
    content = site.content("A.md")
    html = site.page("A.md").read_text(encoding="utf-8")
    assert ".md" not in " ".join(str(t.get("src", "")) for t in content.find_all(True))
    embeds = content.find_all("div", class_="embed-note")
    assert len(embeds) == 2 and "<p><div" not in html
    assert "Top." in embeds[0].get_text() and "Top." not in embeds[1].get_text()
    assert "Other body." in embeds[1].get_text()
    assert content.find("p").get_text() == "Intro"
    target, _ = site.follow(site.page("A.md"), content.find("audio", class_="embed-audio")["src"])
    assert target.read_bytes() == b"ID3"
    target, _ = site.follow(site.page("A.md"), content.find("a", class_="embed-pdf")["href"])
    assert target.read_bytes() == b"%PDF-1.4"
    assert content.find("img")["width"] == "100"
    broken = content.find("span", class_="embed broken")
    assert broken is not None and not broken.get("href")
    assert any("Nope.md" in m for m in site.messages("link-unresolved"))
    other = site.html("Other Note.md")
    assert other.find(class_="backlinks").find("a", string="A")


def test_raw_html_links_and_images_into_the_vault_resolve(tmp_path):
    """<a href="Note.md"> and <img src="pic.png"> written as raw HTML point into the vault: they
    lead to the note's page and to the copied attachment, relative to the page, never to a .md file
    or an uncopied image; a local URL that finds nothing is dropped rather than left dead."""
    site = build_notes(tmp_path, {
        "img/pic one.png": b"\x89PNG\r\n\x1a\n",
        "Target.md": "# Target\n\n## Part\n",
        "Hidden.md": "---\npublish: false\n---\nx\n",
        "sub/A.md": '<a href="../Target.md#Part">to target</a> <a href="Hidden.md">hidden</a> '
                    '<a href="Nowhere.md">gone</a> <a href="https://example.com/x">web</a>\n\n'
                    '<img src="img/pic%20one.png" alt="p">\n\n<img src="missing.png" alt="m">\n'})
    content = site.content("sub/A.md")
    page = site.page("sub/A.md")
    links = {a.get_text(): a for a in content.find_all("a")}
    target, frag = site.follow(page, links["to target"]["href"])
    assert target == site.page("Target.md") and frag == "Part"
    assert not links["hidden"].has_attr("href") and not links["gone"].has_attr("href")
    assert links["web"]["href"] == "https://example.com/x"
    imgs = {i["alt"]: i for i in content.find_all("img")}
    found, _ = site.follow(page, imgs["p"]["src"])
    assert found.read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert not imgs["m"].has_attr("src")


def test_raw_html_urls_from_the_vault_root_resolve_as_markdown_links_do(tmp_path):
    """``<a href="/Other%20Note.md">`` and ``<img src="/img/pic.png">`` are from the vault's root, as
    ``[x](/Other%20Note.md)`` is: never left as root-relative URLs, which are dead from file:// and
    under a project sub-path; ``//host`` stays a web address."""
    site = build_notes(tmp_path, {
        "img/pic.png": b"\x89PNG\r\n\x1a\n",
        "Other Note.md": "other\n",
        "sub/H.md": '<a href="/Other%20Note.md">raw</a> <img src="/img/pic.png" alt="p"> '
                    '<a href="/">home</a> <a href="/Nope.md">nope</a> '
                    '<a href="//example.com/x">web</a>\n'})
    content = site.content("sub/H.md")
    page = site.page("sub/H.md")
    links = {a.get_text(): a for a in content.find_all("a")}
    assert site.follow(page, links["raw"]["href"])[0] == site.page("Other Note.md")
    assert site.follow(page, links["home"]["href"])[0] == site.out / "index.html"
    assert site.follow(page, content.find("img")["src"])[0].read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert not links["nope"].has_attr("href")
    assert links["web"]["href"] == "//example.com/x"
    assert not [t for t in content.find_all(True)
                if (t.get("href") or t.get("src") or "").startswith("/") and t is not links["web"]]


def test_a_comment_opened_in_a_list_item_hides_the_items_up_to_its_end(tmp_path):
    """``- a %%start`` ... ``- c end%% d``: the comment runs over the next items, as a comment
    opened in a paragraph runs over the next paragraphs; nothing of it reaches any output file."""
    from conftest import build_vault

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("- a %%start\n- SECRETB\n- SECRETC end%% d\n\n"
                                "> [!note]\n> x %%open\n>\n> SECRETQ\n>\n> end%% y\n",
                                encoding="utf-8")
    site = build_vault(vault, tmp_path, copy=False)
    assert [li.get_text() for li in site.content("A.md").find_all("li")] == ["a ", "d"]  # no empty bullet
    for path in site.out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".json", ".xml"}:
            assert "SECRET" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_comments_inside_links_and_descriptions_reach_no_file(tmp_path):
    """``[[N#Part %%why%%]]``, ``[[N|text %%why%%]]`` and a front-matter description with a
    comment: the comment is hidden there too, in the page, the previews, the search index and the
    meta description; the links still land on their heading."""
    site = build_notes(tmp_path, {
        "Home.md": "[[Note1#Heading two %%SECRETA%%]] and [[Note1|shown %%SECRETB%% text]] and "
                   "![[Note1#Heading two %%SECRETC%%]]\n",
        "Note1.md": "---\ndescription: Said here %%SECRETD%% in short\n---\n# Note1\n\n"
                    "## Heading two %%SECRETE%%\n\nBody.\n"})
    links = {a.get_text(): a["href"] for a in site.content("Home.md").find_all("a", href=True)}
    assert links["Note1 > Heading two"].endswith("Note1.html#Heading-two")
    assert links["shown  text"].endswith("Note1.html")
    assert "Body." in site.content("Home.md").get_text()  # the section embed
    meta = site.html("Note1.md").find("meta", attrs={"name": "description"})
    assert meta["content"] == "Said here  in short"
    for path in site.out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".json", ".xml"}:
            assert "SECRET" not in path.read_text(encoding="utf-8", errors="replace"), path
    assert not site.messages("link-unresolved") and not site.messages("anchor-unresolved")


def test_a_missing_image_reads_as_its_name_without_its_size(tmp_path):
    site = build_notes(tmp_path, {
        "Home.md": "![[pic #1.png|300x200]]\n\n| a |\n|---|\n| ![[gone.png\\|40]] |\n"})
    shown = [e.get_text(" ", strip=True) for e in site.content("Home.md").find_all(class_="broken")]
    assert shown == ["pic #1.png (not found)", "gone.png (not found)"]


def test_a_wikilink_inside_an_html_block_is_shown_as_written_and_reported(tmp_path):
    """Obsidian renders no Markdown inside HTML: ``<td>[[T]]</td>`` stays text. The site does the
    same, and says so at the link; not in an HTML comment or <pre>, where it is meant literally,
    nor where a blank line ends the HTML block."""
    site = build_notes(tmp_path, {
        "Home.md": "# T\n\n<details><summary>Sum</summary>inside [[Target]]</details>\n\n"
                   "> <table><tr><td>a ![[Target]]</td></tr>\n> </table>\n\n<!-- [[Hidden]] -->\n\n"
                   "<pre>\n[[Literal]]\n</pre>\n\n<div>\n\nblank [[Target]]\n\n</div>\n",
        "Target.md": "x\n"})
    assert [m.split(" (")[0] for m in site.messages("link-in-html")] == [
        "Home.md:3:39: warning[link-in-html]: [[Target]] is inside an HTML block, where Obsidian "
        "renders no Markdown: the page shows it as written",
        "Home.md:5:20: warning[link-in-html]: ![[Target]] is inside an HTML block, where Obsidian "
        "renders no Markdown: the page shows it as written"]
    content = site.content("Home.md")
    assert "inside [[Target]]" in content.find("details").get_text()
    assert [a.get_text() for a in content.find_all("a", href=True)] == ["Target"]


def test_the_source_meta_keeps_the_file_system_spelling(tmp_path):
    """A name written in NFD (as macOS writes é) is matched in NFC, as Obsidian matches it, yet
    the page's ``source`` meta names the file as it is spelled on disk."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Dossiers é/Café.md")
    site = build_notes(tmp_path, {nfd: "# Café\n", "Home.md": "[[Café]]\n"})
    pages = [p for p in site.out.rglob("*.html")
             if 'name="source"' in p.read_text(encoding="utf-8")]
    sources = {site.soup(p).find("meta", attrs={"name": "source"})["content"] for p in pages}
    assert sources == {"Home.md", nfd}
    href = site.content("Home.md").find("a", string="Café")["href"]
    assert site.follow(site.page("Home.md"), href)[0].is_file()
