"""Session 23 migrant audit: a vault just imported from Notion (its "Markdown & CSV" export and
Obsidian's Importer) and partly from Logseq and Roam."""

from __future__ import annotations

from urllib.parse import unquote

from conftest import build_notes

NOTION_ID = "106a6c241b8797f52e1e77317b96a201"
PLAN = "Project Plan 5fc25157650d0cb24f02216d904584df"


def _href_of(hint: str) -> str:
    """The link target a "did you mean (…)?" hint offers, decoded."""
    assert "did you mean (" in hint, hint
    return unquote(hint.split("did you mean (", 1)[1].split(")?", 1)[0])


def test_a_broken_markdown_link_is_offered_a_markdown_link_from_its_note(tmp_path):
    # A Notion export links its pages with relative, percent-encoded Markdown links.  Renaming the
    # export's folder to drop Notion's id (outside Obsidian, which would have updated the links)
    # breaks every one of them; the hint offered a wikilink from the vault's root,
    # [[Notion/Workspace Home/Project Plan …]], which is not the form the note writes nor a
    # fix for a Markdown link.  It is now that link in the note's own form: the path from the
    # note's folder, percent-encoded, which resolves when pasted in.
    site = build_notes(tmp_path, {
        f"Notion/Workspace Home {NOTION_ID}.md": (
            "# Workspace Home\n\n"
            f"[Plan](Workspace%20Home%20{NOTION_ID}/{PLAN.replace(' ', '%20')}.md)\n\n"
            f"[Tasks](Workspace%20Home%20{NOTION_ID}/Tasks%202cb1.csv)\n"),
        f"Notion/Workspace Home/{PLAN}.md": "# Project Plan\n\nBack [home](../Start.md)\n",
        "Notion/Workspace Home/Tasks 2cb1.csv": "Name,Status\nWrite spec,Done\n",
        "Notion/Start.md": "start\n",
        "Other/Deep/Linker.md": ("[Plan](../../Notion/Workspace%20Home%20x/"
                                 f"{PLAN.replace(' ', '%20')}.md)\n"),
        "Wiki.md": "[[Projekt Plan 5fc25157650d0cb24f02216d904584df]]\n",
    })
    messages = sorted(site.messages("link-unresolved"))
    assert len(messages) == 4, messages
    plan, tasks = [m for m in messages if m.startswith("Notion/Workspace Home ")]
    assert _href_of(plan) == f"Workspace Home/{PLAN}.md", plan
    assert f"(Workspace%20Home/{PLAN.replace(' ', '%20')}.md)" in plan, plan
    assert _href_of(tasks) == "Workspace Home/Tasks 2cb1.csv", tasks
    deep = next(m for m in messages if m.startswith("Other/"))
    assert _href_of(deep) == f"../../Notion/Workspace Home/{PLAN}.md", deep
    # a wikilink keeps the wikilink form
    wiki = next(m for m in messages if m.startswith("Wiki.md"))
    assert f"did you mean [[Notion/Workspace Home/{PLAN}]]?" in wiki, wiki

    # each offered link, written in place of the broken one, resolves
    fixed = {
        f"Notion/Workspace Home {NOTION_ID}.md": (
            f"[Plan]({plan.split('did you mean (', 1)[1].split(')?', 1)[0]})\n\n"
            f"[Tasks]({tasks.split('did you mean (', 1)[1].split(')?', 1)[0]})\n"),
        f"Notion/Workspace Home/{PLAN}.md": "# Project Plan\n",
        "Notion/Workspace Home/Tasks 2cb1.csv": "Name,Status\nWrite spec,Done\n",
        "Other/Deep/Linker.md": f"[Plan]({deep.split('did you mean (', 1)[1].split(')?', 1)[0]})\n",
    }
    again = build_notes(tmp_path / "fixed", fixed)
    assert again.messages("link-unresolved") == []
    page = again.page(f"Notion/Workspace Home {NOTION_ID}.md")
    hrefs = [a["href"] for a in again.html(f"Notion/Workspace Home {NOTION_ID}.md")
             .select(".note-content a")]
    assert len(hrefs) == 2
    for href in hrefs:
        again.follow(page, href)


def test_a_logseq_namespace_link_is_told_of_the_file_logseq_wrote_for_it(tmp_path):
    # Logseq keeps the page [[Projects/Garden]] in pages/Projects___Garden.md (older versions:
    # Projects%2FGarden.md).  Obsidian reads the '/' as a folder, so the link finds nothing; the
    # hint said "create the note or fix the name" (or offered the file by a vault path with no
    # word of why), leaving the user to guess that the page is there under another spelling.
    site = build_notes(tmp_path, {
        "logseq/pages/Projects___Vaultsite.md": "- The site generator.\n",
        "logseq/pages/Projects%2FGarden.md": "- The garden.\n",
        "logseq/pages/Reading List.md": "- [[Projects/Vaultsite]] and [[projects/garden|the garden]]\n",
        "logseq/pages/Other.md": "- [[Projects/Missing]]\n",
    })
    hints = site.messages("link-unresolved")
    assert len(hints) == 3, hints
    vaultsite = next(h for h in hints if "'Projects/Vaultsite'" in h)
    garden = next(h for h in hints if "'projects/garden'" in h)
    missing = next(h for h in hints if "'Projects/Missing'" in h)
    assert vaultsite.startswith("logseq/pages/Reading List.md:1:3: ")
    assert "logseq/pages/Projects___Vaultsite.md" in vaultsite and "Logseq" in vaultsite
    assert "[[Projects___Vaultsite]]" in vaultsite
    assert "a folder Projects as Vaultsite.md" in vaultsite
    assert "logseq/pages/Projects%2FGarden.md" in garden and "[[Projects%2FGarden]]" in garden
    assert "Logseq" not in missing
    # the link the hint offers finds the page
    again = build_notes(tmp_path / "fixed", {
        "logseq/pages/Projects%2FGarden.md": "- The garden.\n",
        "logseq/pages/Reading List.md": "- [[Projects%2FGarden]]\n",
    })
    assert again.messages("link-unresolved") == []


UUID = "6571a2b3-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def test_a_logseq_block_reference_is_shown_as_written_and_told(tmp_path):
    # Logseq pages refer to a block by its id, ((uuid)), and embed it with {{embed ((uuid))}}.
    # Obsidian has no such syntax and shows both as written, so the page shows a 36-character id
    # where Logseq showed the block's text, and nothing said so: the build was silent.
    site = build_notes(tmp_path, {
        "Reading List.md": (f"- TODO Finish [[Dune]]\n  id:: {UUID}\n"
                            f"- See (({UUID})) and ((see above)) and `(({UUID}))`\n"
                            f"\t- {{{{embed (({UUID.upper()}))}}}}\n"
                            f"```\n(({UUID}))\n```\n"),
        "Dune.md": "- a book\n",
    })
    found = site.messages("block-ref-foreign")
    assert len(found) == 2, found
    ref, embed = found
    assert ref.startswith("Reading List.md:3:7: warning[block-ref-foreign]: "
                          f"(({UUID})) is Logseq's link to a block"), ref
    # the block is in this note (`id::` under it): the hint names it (test_audit23_imports)
    assert f"`id:: {UUID}`" in ref and f"[[#^{UUID}]]" in ref, ref
    assert embed.startswith("Reading List.md:4:4: ") and "embed of a block" in embed, embed
    assert f"![[#^{UUID.upper()}]]" in embed, embed
    # as Obsidian shows it: the text as written, no link made of it
    text = site.content("Reading List.md").get_text()
    assert f"See (({UUID})) and ((see above))" in text
    assert f"{{{{embed (({UUID.upper()}))}}}}" in text


def test_a_markdown_link_in_a_notion_callout_is_told_as_a_wikilink_there_is(tmp_path):
    # Notion's Markdown export writes every callout as <aside> with its text on the next line, an
    # HTML block in which Obsidian renders no Markdown: the callout's [Design](Design%209f8e.md)
    # shows as its source, the link lost.  A [[wikilink]] there got a link-in-html warning; the
    # Markdown link, Notion's own form, got nothing.
    site = build_notes(tmp_path, {
        "Design 9f8e.md": "# Design\n",
        "Home.md": ("# Home\n\n<aside>\n💡 See [Design](Design%209f8e.md) and [[Design 9f8e]], "
                    "![Untitled](Home/Untitled.png) and [the web](https://example.org/a_(b)).\n"
                    "Not links: [x] and [y] (z) <!-- [e](f.md) -->\n\n</aside>\n\n"
                    "<aside>\n\n💡 After a blank line [Design](Design%209f8e.md) is Markdown.\n\n"
                    "</aside>\n"),
        "Home/Untitled.png": b"\x89PNG\r\n\x1a\n",
    })
    found = site.messages("link-in-html")
    line = (tmp_path / "src" / "Home.md").read_text(encoding="utf-8").split("\n")[3]
    pieces = ["[Design](", "[[Design", "![Untitled]", "[the web]"]
    assert [m.split(": warning")[0] for m in found] == [
        f"Home.md:4:{line.index(p) + 1}" for p in pieces], found
    assert "[Design](Design%209f8e.md) is inside an HTML block" in found[0], found[0]
    assert "![Untitled](Home/Untitled.png) is inside an HTML block" in found[2], found[2]
    assert "<a href=" in found[0] and "<img src=" in found[2], found
    # as Obsidian shows it: the source as written; after a blank line it is a link
    content = site.content("Home.md")
    first, second = content.find_all("aside")
    assert "[Design](Design%209f8e.md)" in first.get_text() and first.find("a") is None
    assert second.find("a")["href"] == "Design-9f8e.html"


def test_notion_page_ids_in_file_names_are_told_once(tmp_path):
    # Notion's Markdown export names each page "Title <32-hex page id>.md".  Obsidian shows the
    # file name, id and all, and so does the site (its title, the navigation, search), so the
    # pages stay as they are; but nothing said where the ids come from or how to be rid of them.
    # One info, folded over the vault, now says so (never a --strict failure: the site is what
    # Obsidian shows).
    site = build_notes(tmp_path, {
        f"Notion/Workspace Home {NOTION_ID}.md": "# Workspace Home\n",
        f"Notion/Workspace Home {NOTION_ID}/{PLAN}.md": "# Project Plan\n",
        "Notion/Hash 5fc25157650d0cb24f02216d904584dfe.md": "33 hex digits: not an id\n",
        "Notion/Upper 5FC25157650D0CB24F02216D904584DF.md": "upper case: not Notion's\n",
        f"Notion/Titled {NOTION_ID}.md": "---\ntitle: Titled\n---\nshown by its title\n",
    })
    found = [d for d in site.diagnostics if d.code == "notion-id-name"]
    assert len(found) == 1, found
    (one,) = found
    assert one.severity.value == "info"
    text = one.format()
    assert text.startswith(f"Notion/Workspace Home {NOTION_ID}.md: info[notion-id-name]: "), text
    assert "(the first of 2 file names ending in Notion's page id in 2 files)" in text, text
    assert "rename the note in Obsidian to 'Workspace Home'" in text, text
    assert "Importer" in text
    # the page is what Obsidian shows: the file name, id and all
    assert site.html(f"Notion/Workspace Home {NOTION_ID}.md").find("h1").get_text(strip=True) \
        == f"Workspace Home {NOTION_ID}"


def test_roam_commands_are_told_for_what_they_are(tmp_path):
    # Roam's Markdown export writes a task as {{[[TODO]]}} and an embed as {{[[embed]]: ((uid))}}.
    # Obsidian reads the [[TODO]] inside as a link to a note TODO, so each is an unresolved link;
    # the hint said to create the note, or offered a note by its likeness ([[DONE]]: "did you mean
    # [[Dune]]?").  It now says what Roam meant and what Obsidian writes for it.
    site = build_notes(tmp_path, {
        "November 27th, 2026.md": ("- {{[[TODO]]}} Review [[Dune]]\n- {{[[DONE]]}} Export\n"
                                   "- {{[[embed]]: ((abcdEFGh1))}}\n- plain [[DONE]] link\n"),
        "Dune.md": "- a book\n",
    })
    hints = site.messages("link-unresolved")
    assert len(hints) == 4, hints
    todo, done, embed, plain = hints
    assert todo.startswith("November 27th, 2026.md:1:5: ") and "{{[[TODO]]}} is Roam's task" in todo
    assert "- [ ]" in todo and "Dune" not in todo, todo
    assert "- [x]" in done and "Dune" not in done, done
    assert "{{[[embed]]: …}} is a Roam command" in embed and "![[" in embed, embed
    assert "Roam" not in plain, plain
    table = build_notes(tmp_path / "table", {"R.md": "- {{[[table]]}}\n"}).messages("link-unresolved")
    assert len(table) == 1 and "{{[[table]]}} is a Roam command" in table[0], table


def test_a_logseq_tag_of_several_words_is_told_as_a_tag(tmp_path):
    # Logseq and Roam write a tag of several words as #[[multi word tag]]; Obsidian reads '#'
    # and a link to a note "multi word tag", and the hint said to create that note.
    site = build_notes(tmp_path, {
        "Reading List.md": "- Books #[[multi word tag]] #books and [[multi word tag]] again\n",
    })
    tagged, plain = site.messages("link-unresolved")
    assert tagged.startswith("Reading List.md:1:10: "), tagged
    assert "#[[multi word tag]] is a Logseq or Roam tag" in tagged, tagged
    assert "#multi-word-tag" in tagged, tagged
    assert "Logseq" not in plain, plain
