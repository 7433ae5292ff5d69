"""Edges of embeds, block ids and tags, built through the real pipeline."""

from __future__ import annotations

from conftest import build_notes


def _paragraphs(site, source):
    return [p for p in site.content(source).find_all("p")]


def test_unknown_extension_embed_stays_in_its_paragraph(tmp_path):
    site = build_notes(tmp_path, {
        "L.md": "See ![[file.xyz]] here.\n\nA ![[plan.drawio]] and ![[art.psd]] too.\n",
        "file.xyz": b"x", "plan.drawio": b"<mxfile/>", "art.psd": b"8BPS",
    })
    paras = _paragraphs(site, "L.md")
    assert len(paras) == 2
    assert paras[0].get_text(" ", strip=True).startswith("See")
    assert paras[0].find("a", class_="embed-file") is not None
    assert "here." in paras[0].get_text()
    assert len(paras[1].find_all("a", class_="embed-file")) == 2


def test_note_with_extension_like_name_inline_is_a_link(tmp_path):
    site = build_notes(tmp_path, {
        "L.md": "Intro ![[notes.txt]] outro.\n\nMore ![](notes.txt) text.\n",
        "notes.txt.md": "# Notes txt\nbody\n",
    })
    content = site.content("L.md")
    assert content.find("div", class_="embed-note") is None
    paras = content.find_all("p")
    assert len(paras) == 2
    for p in paras:
        link = p.find("a", class_="internal-link")
        assert link is not None and link["href"].endswith("notes.txt.html"), p
    assert "outro." in paras[0].get_text()
    assert not [d for d in site.diagnostics if d.code.startswith("embed")]


def test_names_that_are_notes_still_embed_as_blocks(tmp_path):
    site = build_notes(tmp_path, {
        "L.md": "![[Dr. Who]]\n\nIntro ![[v1.2 release]] end.\n\n![[Dr.Who]]\n",
        "Dr. Who.md": "who body\n", "v1.2 release.md": "release body\n", "Dr.Who.md": "dotted\n",
    })
    content = site.content("L.md")
    shown = [d.get_text() for d in content.find_all("div", class_="embed-content")]
    assert any("who body" in t for t in shown)
    assert any("release body" in t for t in shown)
    assert any("dotted" in t for t in shown)
    for p in content.find_all("p"):
        assert p.find("div") is None


def test_duplicate_block_id_keeps_the_first(tmp_path):
    site = build_notes(tmp_path, {
        "N.md": "first ^dup\n\nsecond ^dup\n\n- item\n\n^DUP\n\nthird\n",
        "L.md": "[[N#^dup]]\n",
    })
    content = site.content("N.md")
    ids = [el["id"] for el in content.find_all(id=True) if el["id"].casefold() == "^dup"]
    assert ids == ["^dup"]
    assert content.find(id="^dup").get_text() == "first"
    assert "second" in content.get_text() and "^dup" not in content.get_text()
    dups = [d for d in site.diagnostics if d.code == "block-id-duplicate"]
    assert [(d.span.path, d.span.line) for d in dups] == [("N.md", 3), ("N.md", 7)]
    assert all(d.hint and "rename" in d.hint for d in dups)
    link = site.content("L.md").find("a", class_="internal-link")
    assert link["href"].endswith("#%5Edup")  # "^" is no URL code point


def test_front_matter_tags_follow_obsidians_rules(tmp_path):
    site = build_notes(tmp_path, {
        "F.md": "---\ntags: [2025, \"a//b\", \"with space\", \"#ok\"]\nother:\n  - x\n---\n"
                "Inline #2025 is not a tag.\n",
        "G.md": "---\ntags:\n  - fine\n  - \"c d\"\n---\nbody\n",
    })
    tags_dir = site.out / "_tags"
    pages = sorted(p.relative_to(tags_dir).as_posix() for p in tags_dir.rglob("*.html"))
    assert not any("2025" in p or "space" in p or "untitled" in p for p in pages), pages
    assert "a/b.html" in pages and "ok.html" in pages and "fine.html" in pages
    bad = [d for d in site.diagnostics if d.code == "tag-invalid"]
    where = sorted((d.span.path, d.span.line) for d in bad)
    assert where == [("F.md", 2), ("F.md", 2), ("F.md", 2), ("G.md", 4)]
    text = " ".join(d.format() for d in bad)
    assert "'2025'" in text and "with-space" in text and "c-d" in text and "a/b" in text


def test_long_embed_chain_is_not_a_loop(tmp_path):
    files = {f"a{i}.md": f"a{i} text\n\n![[a{i + 1}]]\n" for i in range(9)}
    files["a9.md"] = "END_OF_CHAIN\n"
    site = build_notes(tmp_path, files)
    assert "embed-cycle" not in site.codes()
    depth = site.messages("embed-depth")
    assert depth and len(depth) == len(set(depth))
    first = next(m for m in depth if m.startswith("a5.md"))
    assert "5 levels" in first and "page of a0: a0 > a1 > a2 > a3 > a4 > a5 > a6" in first
    page = site.content("a0.md")
    stopped = page.find(class_="embed-depth")
    assert stopped is not None and "too deep" in stopped.get_text()
    assert "repeat forever" not in page.get_text()
    # a page that shows the chain from its start no more deeply gives no warning of its own
    assert site.content("a4.md").find(class_="embed-depth") is None
    assert "END_OF_CHAIN" in site.content("a4.md").get_text()


def test_embed_loop_is_still_a_loop(tmp_path):
    site = build_notes(tmp_path, {"a.md": "![[b]]\n", "b.md": "![[a]]\n"})
    assert "embed-depth" not in site.codes()
    assert site.messages("embed-cycle")
    assert "repeat forever" in site.content("a.md").get_text()


_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 24 24" '
         'fill="none" stroke="currentColor"><circle cx="12" cy="12" r="3"/></svg>')


def test_current_color_svg_icons_are_marked(tmp_path):
    site = build_notes(tmp_path, {
        "N.md": "Select the icon ![[icon.svg#icon]] here.\n\n![[icon.svg]]\n\n![[plain.svg]]\n\n"
                "- list ![[icon.svg]] item\n\n| a | b |\n|---|---|\n| cell ![[icon.svg]] | x |\n\n"
                "Sized ![[icon.svg|32]] too.\n",
        "E.md": "![[N]]\n",
        "icon.svg": _ICON,
        "plain.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#123"/></svg>',
    })
    imgs = site.content("N.md").find_all("img")
    classes = [tuple(img["class"]) for img in imgs]
    assert classes == [("embed-image", "svg-currentcolor", "in-text"),
                       ("embed-image", "svg-currentcolor"),
                       ("embed-image",),
                       ("embed-image", "svg-currentcolor", "in-text"),
                       ("embed-image", "svg-currentcolor", "in-text"),
                       ("embed-image", "svg-currentcolor", "in-text")]
    assert imgs[5]["width"] == "32"
    embedded = site.content("E.md").find_all("img")
    assert [tuple(img["class"]) for img in embedded] == classes


def test_summaries_read_as_prose(tmp_path):
    site = build_notes(tmp_path, {
        "Header.md": "# Header\n\n\nDATE:  11-04-25\n\n\nTags: [[python]]\n\n# References:\n"
                     "https://example.com/a\nhttps://example.org/b\n\n# Content:\n\n"
                     "The first real sentence.\n",
        "Lead.md": "https://example.com/x (the reference) A generator returns an iterator.\n",
        "Math.md": "---\ntags: [m]\n---\nVaswani et al., 2017.\n\n$$\nx = y\n$$\n\n"
                   "with $Q \\in \\mathbb{R}^{n \\times d_k}$ and runs $h$ heads.\n\nLater prose.\n",
        "Simple.md": "Runs $h$ heads of size $n = 3$.\n",
        "OnlyMath.md": "$\\alpha \\in \\mathbb{R}$ always.\n",
        "python.md": "hub\n",
    })
    by_title = {n.title: n for n in site.result.index.notes.values()}
    assert by_title["Header"].summary == "The first real sentence."
    assert by_title["Lead"].summary == "(the reference) A generator returns an iterator."
    assert by_title["Math"].summary == "Vaswani et al., 2017."
    assert by_title["Simple"].summary == "Runs h heads of size n = 3."
    assert by_title["OnlyMath"].summary == "$\\alpha \\in \\mathbb{R}$ always."
    meta = site.html("Math.md").find("meta", attrs={"name": "description"})
    assert meta is not None and meta["content"] == "Vaswani et al., 2017."
    tag_page = (site.out / "_tags" / "m.html").read_text(encoding="utf-8")
    assert "mathbb" not in tag_page and "Vaswani" in tag_page


def test_an_image_without_alt_text_is_named_by_its_file_read_as_words(tmp_path):
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "N.md": "![[intent-pipeline_v2.png]]\n\n![[intent-pipeline_v2.png|The pipeline]]\n",
        "intent-pipeline_v2.png": b"\x89PNG\r\n\x1a\n"})
    assert [i["alt"] for i in site.content("N.md").find_all("img")] == ["intent pipeline v2",
                                                                        "The pipeline"]
