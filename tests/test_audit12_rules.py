"""Audit 12 (rules): an owner's fresh vault checked rule by rule against the HTML; each test here
fails on the code before its fix."""

from __future__ import annotations

from tests.conftest import build_notes


def _lines(tag) -> list[str]:
    """The lines a reader sees in ``tag``: its text split at each ``<br>``."""
    for br in tag.find_all("br"):
        br.replace_with("\x00")
    return [" ".join(line.split()) for line in tag.get_text().split("\x00") if line.strip()]


def test_unresolved_note_embed_keeps_its_line_breaks(tmp_path):
    """``![[Missing]]`` on a line of its own inside a paragraph is an inline marker in its line, as a
    missing picture is: the lines before and after it stay lines (a single newline is a line break,
    as Obsidian shows it), not one line joined by spaces."""
    site = build_notes(tmp_path, {
        "A.md": "before\n![[Missing]]\nafter\n\nx ![[Missing]]\ny\n\nfirst\n![[Gone]] tail\n",
        "Pic.md": "before\n![[missing.png]]\nafter\n",
    })
    paras = site.content("A.md").find_all("p")
    assert [_lines(p) for p in paras] == [
        ["before", "Missing (not found)", "after"],
        ["x Missing (not found)", "y"],
        ["first", "Gone (not found) tail"],
    ]
    for p in paras:
        assert p.find(class_="broken") is not None
    # the same as a missing picture's marker
    assert _lines(site.content("Pic.md").find("p")) == ["before", "missing.png (not found)", "after"]


def test_unpublished_note_embed_keeps_one_line_break(tmp_path):
    """``![[Draft]]`` of a note that is not published is its name as plain text, in its line (as
    an unresolved embed's marker is); the text around it keeps its line breaks."""
    site = build_notes(tmp_path, {
        "Draft.md": "---\ndraft: true\n---\nsecret\n",
        "A.md": "before\n![[Draft]]\nafter\n\nsee ![[Draft]] here\n",
    })
    paras = site.content("A.md").find_all("p")
    assert [_lines(p) for p in paras] == [["before", "Draft", "after"], ["see Draft here"]]
    assert "secret" not in site.page("A.md").read_text(encoding="utf-8")


def test_embedded_note_shows_its_own_section_embeds(tmp_path):
    """A note that embeds one of its own sections (``![[#Sec]]``, as the Obsidian Help vault does)
    looks the same embedded in another note as on its own page: the section is shown, since
    showing it leads back to nothing.  Only an embed that would repeat is stopped."""
    site = build_notes(tmp_path, {
        "B.md": "# B\n\n## Intro\n\n![[#Sec]]\n\n## Sec\n\nsec text\n",
        "A.md": "# A\n\n![[B]]\n",
        "Loop.md": "# Loop\n\n## Part\n\n![[Loop]]\n",
        "C.md": "![[Loop]]\n",
    })
    assert not [m for m in site.messages("embed-cycle") if m.startswith(("A.md", "B.md"))]
    for source in ("A.md", "B.md"):
        content = site.content(source)
        assert content.find(class_="embed-cycle") is None, source
        assert "sec text" in [p.get_text() for p in content.select(".embed-note p")], source
    # a real loop still stops, with its warning: Loop embeds itself whole
    assert site.content("C.md").find(class_="embed-cycle") is not None
    assert "embed-cycle" in site.codes()


def test_heading_named_like_a_footnote_id_leaves_the_footnote_its_id(tmp_path):
    """A heading ``## fn1`` took the id ``fn1`` that the page's first footnote has, so the
    reference ``[1]`` led to the heading and the page had two elements of one id; the heading
    takes ``fn1-1`` (links to it follow), the footnote keeps ``fn1``."""
    site = build_notes(tmp_path, {
        "A.md": "# A\n\n## fn1\n\n## FNREF1\n\ntext[^1] and [[#fn1]]\n\n[^1]: the note\n",
        "B.md": "[[A#fn1]] [[A#fnref1]]\n",
    })
    soup = site.html("A.md")
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert soup.find(id="fn1").name == "li"
    assert soup.find(id="fnref1").name == "a"
    assert [h["id"] for h in site.content("A.md").find_all("h2")] == ["fn1-1", "FNREF1-1"]
    links = [a["href"] for a in site.content("A.md").select("a.internal-link")]
    assert links == ["#fn1-1"]
    assert [a["href"] for a in site.content("B.md").select("a.internal-link")] == [
        "A.html#fn1-1", "A.html#FNREF1-1"]
    assert "anchor-unresolved" not in site.codes()
