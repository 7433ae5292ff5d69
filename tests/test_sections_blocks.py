"""Sections, blocks and footnotes as the real pipeline builds them (audit findings F01-F14)."""

from __future__ import annotations

from conftest import build_notes

CALLOUT = """## Sub
sub text

> [!tip] Tips
> intro of the callout
> ## Inside
> inside text

## Next
next text
"""

LIST = """## Plan
intro

- step one
- ## Big step
  details
- step three

## After
x
"""


def _embeds(site, source):
    return site.content(source).find_all(class_="embed-note")


def test_nested_headings_do_not_end_sections(tmp_path):
    site = build_notes(tmp_path, {"S.md": CALLOUT, "P.md": LIST,
                                  "L.md": "![[S#Sub]]\n\n![[P#Plan]]\n\n[[S#Inside]]\n"})
    sub, plan = _embeds(site, "L.md")
    text = sub.get_text(" ")
    assert "inside text" in text and "Inside" in text and "next text" not in text
    assert sub.find(class_="callout") is not None
    text = plan.get_text(" ")
    assert "Big step" in text and "details" in text and "step three" in text and "x" not in text.split()
    # not a heading of the note: no TOC entry, and [[S#Inside]] does not resolve
    toc = [a.get_text(strip=True) for a in site.html("S.md").select("nav a[href^='#']")]
    assert "Sub" in toc and "Next" in toc and "Inside" not in toc
    assert any("Inside" in m for m in site.messages("anchor-unresolved"))
    # it still renders as a heading, with an id that does not take a note heading's
    assert site.content("S.md").find("h2", string="Inside") is not None


def test_nested_heading_does_not_take_the_note_headings_id(tmp_path):
    site = build_notes(tmp_path, {"S.md": "> ## Same\n> q\n\n## Same\ntext\n",
                                  "L.md": "[[S#Same]]\n"})
    heads = site.content("S.md").find_all("h2")
    assert [h["id"] for h in heads] == ["Same-1", "Same"]
    href = site.content("L.md").find("a", class_="internal-link")["href"]
    assert href.endswith("#Same")


HEADING_IDS = """## Heading

^hid

text

## Other heading ^hid2

more

> ## Quoted ^qid
> q
"""


def test_block_ids_on_headings(tmp_path):
    site = build_notes(tmp_path, {
        "N.md": HEADING_IDS,
        "L.md": "[[N#^hid]] [[N#^hid2]] [[N#Heading]] [[N#^qid]]\n\n![[N#^hid2]]\n"})
    assert "anchor-unresolved" not in site.codes()
    n = site.content("N.md")
    heads = n.find_all("h2")
    assert [h.get_text(strip=True) for h in heads] == ["Heading", "Other heading", "Quoted"]
    assert "^" not in "".join(h.get_text() for h in heads)
    page = site.page("L.md")
    targets = []
    for a in site.content("L.md").find("p").find_all("a"):
        path, frag = site.follow(page, a["href"])
        assert site.soup(path).find(id=frag) is not None, a["href"]
        targets.append(frag)
    assert targets == ["Heading", "Other-heading", "Heading", "^qid"]
    # the embed of a heading's block shows the heading's section
    (embed,) = site.content("L.md").find_all(class_="embed-note")
    text = embed.get_text(" ")
    assert "Other heading" in text and "more" in text and "^hid2" not in text
    assert "text" not in text.split()


DEFS = """[^0]: Defined before the section.

## Part
See [the docs][d] and a note[^1], and[^0]. ^p1

Again[^1].

## End
end[^2]

[d]: https://example.com/docs
[^1]: Footnote text.
[^2]: Not in the part.
"""


def _footnotes_resolve(site, embed):
    """Every footnote link of an embed leads to an element of the page, and back."""
    page = site.page("L.md")
    soup = site.soup(page)
    for a in embed.select("sup.footnote-ref a, a.footnote-backref"):
        _, frag = site.follow(page, a["href"])
        assert len(soup.find_all(id=frag)) == 1, a["href"]


def test_footnotes_and_references_in_section_and_block_embeds(tmp_path):
    site = build_notes(tmp_path, {"S.md": DEFS, "L.md": "![[S#Part]]\n\n![[S#^p1]]\n"})
    section, block = _embeds(site, "L.md")
    assert "[d]" not in section.get_text() and "[^" not in section.get_text()
    assert section.find("a", href="https://example.com/docs") is not None
    items = [li.get_text(" ", strip=True) for li in section.select("li.footnote-item")]
    assert len(items) == 2 and "Footnote text." in items[0] and "Defined before" in items[1]
    assert "Not in the part" not in section.get_text()
    _footnotes_resolve(site, section)
    items = [li.get_text(" ", strip=True) for li in block.select("li.footnote-item")]
    assert len(items) == 2 and "Footnote text." in items[0]
    assert [a.get_text() for a in block.select("sup.footnote-ref a")] == ["[1]", "[2]"]
    _footnotes_resolve(site, block)


def test_a_note_embedded_twice_has_footnotes_of_its_own_each_time(tmp_path):
    site = build_notes(tmp_path, {
        "E.md": "Text[^1] and more[^1].\n\n[^1]: The note.\n",
        "M.md": "![[E]]\n",
        "L.md": "![[E]]\n\n![[E]]\n\n![[M]]\n\n![[M]]\n\nOwn[^1].\n\n[^1]: Page note.\n"})
    soup = site.html("L.md")
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    embeds = soup.select(".note-content > .embed-note, article .embed-note")
    outer = [e for e in embeds if not e.find_parent(class_="embed-note")]
    assert len(outer) == 4
    for embed in outer:
        for a in embed.select("sup.footnote-ref a, a.footnote-backref"):
            target = soup.find(id=a["href"][1:])
            assert target is not None and target.find_parent(class_="embed-content") \
                is a.find_parent(class_="embed-content"), a["href"]


def test_warning_columns_in_table_cells(tmp_path):
    site = build_notes(tmp_path, {
        "Note.md": "x\n",
        "T.md": "| a | b |\n|---|---|\n| [[Note]] | [[Nope]] |\n| [[Nope]] | [[Nope]] [[Nix]] |\n"})
    cols = sorted(m.split(": ")[0] for m in site.messages("link-unresolved"))
    assert cols == ["T.md:3:14", "T.md:4:14", "T.md:4:23", "T.md:4:3"]


def test_markdown_link_to_a_missing_heading_is_unresolved(tmp_path):
    site = build_notes(tmp_path, {"B.md": "## Sec\n[[#Nope]] and [m](#Nope) and [s](#Sec)\n",
                                  "A.md": "## Nope\n\n![[B]]\n"})
    assert len(site.messages("anchor-unresolved")) == 2
    for source in ("A.md", "B.md"):
        link = site.content(source).find("a", string="m")
        assert link.get("href") is None and "broken" in link["class"]
        assert site.content(source).find("a", string="s").get("href")


def test_an_embed_of_a_missing_section_or_block_names_the_part_not_the_note(tmp_path):
    """The note exists; what is missing is its heading or block, and that is what the embed says."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"U.md": "# U\n\ntext ^real\n",
                                  "V.md": "![[U#^nothing]]\n\n![[U#Gone]]\n\n![[Nope]]\n"})
    spans = site.content("V.md").find_all("span", class_="embed broken")
    assert [s["title"] for s in spans] == ["Not found: U#^nothing", "Not found: U#Gone",
                                           "Not found: Nope"]
    assert all(not s.has_attr("href") for s in spans)
