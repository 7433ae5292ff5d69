"""Explicit paths, shared aliases and note embeds inside paragraphs, checked in real built vaults.

* ``./x`` and ``../x`` are taken from the linking note's folder only: no file of that name elsewhere.
* A path naming exactly one file (``./``, ``../``, a leading ``/``) is not ambiguous.
* Two notes with the same alias: a deterministic pick and a ``link-ambiguous`` warning.
* An embed of a note whose name has a dot, or of a section of the same note, is cut out of its
  paragraph like any note embed (a ``<div>`` cannot sit in a ``<p>``).
"""

from __future__ import annotations

from conftest import Site, build_notes


def by_text(site: Site, source: str, text: str):
    content = site.content(source)
    found = content.find(lambda t: t.get_text() == text and t.name in ("a", "span", "img"))
    assert found is not None, f"{text!r} not in {source}: {content}"
    return found


def source_of(site: Site, source: str, href: str) -> str:
    page, _ = site.follow(site.page(source), href)
    meta = Site.soup(page).find("meta", attrs={"name": "source"})
    return meta["content"] if meta else page.relative_to(site.out).as_posix()


PNG = b"\x89PNG\r\n\x1a\n"


def test_relative_links_never_fall_back_to_a_file_of_that_name_elsewhere(tmp_path):
    site = build_notes(tmp_path, {
        "b/X.md": "# X\n", "b/pic.png": PNG, "z/a/Y.md": "# Y\n",
        "a/L.md": "[[../X]] and [x](../X.md) and [[../b/x|real]] and [md real](../b/X)\n",
        "Root.md": "[[./X]] and ![](./pic.png) and [[./b/X.md|here]] and ![[./b/PIC.png]]\n",
        "a/c/L2.md": "[[../Y]] and [[../../z/a/Y|found]]\n",
    })
    for source, text in [("a/L.md", "../X"), ("a/L.md", "x"), ("Root.md", "./X"),
                         ("a/c/L2.md", "../Y")]:
        el = by_text(site, source, text)
        assert "broken" in el.get("class", []) and not el.has_attr("href"), (source, text, el)
    pic = site.content("Root.md").find(class_="broken", attrs={"data-target": "./pic.png"})
    assert pic is not None and len(site.content("Root.md").find_all("img")) == 1  # ![[./b/PIC.png]]
    msgs = site.messages("link-unresolved")
    # a Markdown link is offered a Markdown link from its note's folder
    for source, target, real in [("a/L.md", "'../X'", "[[b/X]]"), ("a/L.md", "'../X.md'", "(../b/X.md)"),
                                 ("Root.md", "'./X'", "[[b/X]]"),
                                 ("Root.md", "'./pic.png'", "(b/pic.png)"),
                                 ("a/c/L2.md", "'../Y'", "[[z/a/Y]]")]:
        assert any(m.startswith(source + ":") and target in m and real in m for m in msgs), \
            (source, target, msgs)
    # paths that do exist from the note's folder still resolve: case-insensitive, .md optional
    assert source_of(site, "a/L.md", by_text(site, "a/L.md", "real")["href"]) == "b/X.md"
    assert source_of(site, "a/L.md", by_text(site, "a/L.md", "md real")["href"]) == "b/X.md"
    assert source_of(site, "Root.md", by_text(site, "Root.md", "here")["href"]) == "b/X.md"
    assert source_of(site, "a/c/L2.md", by_text(site, "a/c/L2.md", "found")["href"]) == "z/a/Y.md"
    assert site.content("Root.md").find("img", class_="embed-image")["src"] == "b/pic.png"


def test_a_path_that_names_one_file_is_not_ambiguous(tmp_path):
    site = build_notes(tmp_path, {
        "Note.md": "# Root note\n", "sub/Note.md": "# Sub note\n",
        "sub/L.md": "[[../Note]] and [up](../Note.md) and [[/Note|from root]] and [[./Note|here]]\n",
        "other/M.md": "[[Note]]\n",
    })
    for text in ("../Note", "up", "from root"):
        assert source_of(site, "sub/L.md", by_text(site, "sub/L.md", text)["href"]) == "Note.md"
    assert source_of(site, "sub/L.md", by_text(site, "sub/L.md", "here")["href"]) == "sub/Note.md"
    ambiguous = site.messages("link-ambiguous")
    assert not any(m.startswith("sub/L.md:") for m in ambiguous), ambiguous
    # a bare name from a third folder still has two candidates to choose between
    assert source_of(site, "other/M.md", by_text(site, "other/M.md", "Note")["href"]) == "Note.md"
    assert any(m.startswith("other/M.md:") and "using Note.md" in m and "sub/Note.md" in m
               for m in ambiguous), ambiguous


def test_an_alias_shared_by_two_notes_is_picked_as_same_named_files_are_and_reported(tmp_path):
    site = build_notes(tmp_path, {
        "One.md": "---\naliases: [Shared]\n---\n# One\n",
        "Two.md": "---\naliases: [shared]\n---\n# Two\n",
        "L.md": "[[Shared]]\n",
        "deep/folder/Three.md": "---\naliases: [Both]\n---\n# Three\n",
        "Four with a longer name.md": "---\naliases: [Both]\n---\n# Four\n",
        "deep/folder/M.md": "[[Both]] and [[Shared|s]]\n",
        "x/N.md": "[[Both]]\n",
        "Five.md": "---\naliases: [Six]\n---\n# Five\n",
        "Six.md": "# Six\n",
        "P.md": "[[Six]]\n",
    })
    # shortest path string first, as for same-named files
    assert source_of(site, "L.md", by_text(site, "L.md", "Shared")["href"]) == "One.md"
    assert source_of(site, "x/N.md", by_text(site, "x/N.md", "Both")["href"]) == "deep/folder/Three.md"
    # a note in the linking note's own folder wins
    assert source_of(site, "deep/folder/M.md",
                     by_text(site, "deep/folder/M.md", "Both")["href"]) == "deep/folder/Three.md"
    ambiguous = site.messages("link-ambiguous")
    assert any(m.startswith("L.md:1:1:") and "using One.md" in m and "Two.md" in m
               for m in ambiguous), ambiguous
    assert any(m.startswith("x/N.md:") and "using deep/folder/Three.md" in m
               and "Four with a longer name.md" in m for m in ambiguous), ambiguous
    # a note whose file name matches wins over another note's alias, with no warning
    assert source_of(site, "P.md", by_text(site, "P.md", "Six")["href"]) == "Six.md"
    assert not any(m.startswith("P.md:") for m in ambiguous), ambiguous


def test_note_embeds_with_dots_or_same_note_sections_are_cut_out_of_paragraphs(tmp_path):
    site = build_notes(tmp_path, {
        "Dr. Who.md": "The doctor.\n",
        "v1.2 release.md": "# v1.2\n\n## Part\n\nThe part.\n",
        "L.md": "Intro line\n![[Dr. Who]]\n\nText ![[v1.2 release#Part]] after.\n\n"
                "Pic ![[photo.png]] inline.\n",
        "Self.md": "## One\none ![[#Two]]\n\n## Two\ntwo\n",
        "photo.png": PNG,
    })
    for source, embeds in [("L.md", 2), ("Self.md", 1)]:
        html = site.page(source).read_text(encoding="utf-8")
        content = site.content(source)
        notes = content.find_all("div", class_="embed-note")
        assert len(notes) == embeds, content
        for div in notes:
            assert div.find_parent("p") is None, (source, content)
        assert "<p></p>" not in html
        for p in content.find_all("p"):
            assert p.find("div") is None, (source, p)
    content = site.content("L.md")
    texts = [p.get_text() for p in content.find_all("p", recursive=False)]
    assert texts[:3] == ["Intro line", "Text", "after."], texts
    # an image stays inline in its paragraph
    img = content.find("img", class_="embed-image")
    assert img.parent.name == "p" and img.parent.get_text().split() == ["Pic", "inline."]
    assert "two" in site.content("Self.md").find("div", class_="embed-note").get_text()


def test_the_parser_knows_every_extension_the_renderer_embeds_as_a_file():
    from generator.markdown.wikilinks import INLINE_EXT
    from generator.render import AUDIO_EXT, IMAGE_EXT, VIDEO_EXT

    assert IMAGE_EXT | AUDIO_EXT | VIDEO_EXT | {"pdf"} <= INLINE_EXT


def test_names_match_in_lower_case_as_obsidian_compares_them(tmp_path):
    """Obsidian lower-cases names (JavaScript's toLowerCase) to compare them: ``[[straße]]`` and
    ``[x](STRAßE.md)`` find ``Straße.md``, ``[[STRASSE]]`` does not; case folding, which makes ß
    "ss", found it for ``[[STRASSE]]`` too."""
    site = build_notes(tmp_path, {
        "Straße.md": "# Straße\n",
        "L.md": "[[straße]] and [[STRASSE]] and [x](STRAßE.md)\n",
    })
    assert source_of(site, "L.md", by_text(site, "L.md", "straße")["href"]) == "Straße.md"
    assert source_of(site, "L.md", by_text(site, "L.md", "x")["href"]) == "Straße.md"
    assert "broken" in by_text(site, "L.md", "STRASSE")["class"]
    assert [m.split(": ", 1)[0] for m in site.messages("link-unresolved")] == ["L.md:1:16"]
