"""Session 18 judge audit: findings of a research vault migrated between tools (a Zettelkasten,
literature notes with punctuated titles, Notion and Roam exports, a deep course tree)."""

from __future__ import annotations

from conftest import build_notes

# a literature note's title as people write it: Obsidian (on Linux and macOS) takes "?", ":" and '"'
_PAPER = 'Smith (2020) - "On Things": a review?'


def test_markdown_link_to_a_file_with_a_question_mark_in_its_name(tmp_path):
    # Obsidian reads a Markdown link's destination as a vault path up to its "#": a "?" there is
    # part of the file's name (a vault path has no query string).  It was cut off as a URL query,
    # so the link was broken and its note said not to exist.
    site = build_notes(tmp_path, {
        f"Literature/{_PAPER}.md": "# Paper\n\n## Q&A\nanswers\n",
        "Literature/Why?.md": "why\n",
        "Reading.md": (f"[angle](<Literature/{_PAPER}.md#Q&A>) and "
                       "[encoded](Literature/Smith%20(2020)%20-%20%22On%20Things%22%3A%20a%20review?.md) "
                       "and [short](Why?.md) and ![embed](Why?.md)\n\n"
                       "In HTML: <a href=\"Why?.md\">raw</a>\n"),
    })
    assert not site.messages("link-unresolved"), site.messages("link-unresolved")
    page = site.page("Reading.md")
    content = site.content("Reading.md")
    hrefs = {a.get_text(): a.get("href") for a in content.find_all("a")}
    assert not content.select(".broken"), content
    target, frag = site.follow(page, hrefs["angle"])
    assert target == site.page(f"Literature/{_PAPER}.md") and frag == "Q&A"
    assert site.follow(page, hrefs["encoded"])[0] == site.page(f"Literature/{_PAPER}.md")
    assert site.follow(page, hrefs["short"])[0] == site.page("Literature/Why?.md")
    assert site.follow(page, hrefs["raw"])[0] == site.page("Literature/Why?.md")
    assert "why" in content.select_one(".embed-note").get_text()


def test_a_zettel_linked_by_its_id_alone_or_its_title_alone_is_suggested(tmp_path):
    # a Zettelkasten names notes "<id> <title>" and people link by the id alone ([[202401151230]])
    # or by the title alone ([[Idea]]): each names exactly one note, yet the warning said only
    # "create the note or fix the name", as the note's name was too much longer to be weighed
    site = build_notes(tmp_path, {
        "Zettel/202401151230 Idea.md": "idea\n",
        "Zettel/202401151245 Counter-idea.md": "counter\n",
        "Zettel/202401151245 Counter-idea, long form.md": "longer\n",
        "Index.md": "[[202401151230]] and [[Counter-idea]] and [[202401151245]] and [[Zz]]\n",
    })
    hints = {m.split("'")[1]: m.rsplit("(", 1)[-1] for m in site.messages("link-unresolved")}
    assert hints["202401151230"] == "did you mean [[Zettel/202401151230 Idea]]?)"
    assert hints["Counter-idea"] == "did you mean [[Zettel/202401151245 Counter-idea]]?)"
    # two names begin with the id: the shorter is named
    assert hints["202401151245"] == "did you mean [[Zettel/202401151245 Counter-idea]]?)"
    assert hints["Zz"] == "create the note or fix the name)"
