"""Session 22 judge audit: findings of a game master's campaign vault (characters, places and
factions with many aliases, infobox callouts, a canvas map, handouts; the GM's secrets kept out by
`publish: false`, `draft: true`, an ignored `GM/` folder and `%%comments%%`)."""

from __future__ import annotations

import re

from conftest import build_notes, canvas_json, file_tree


def secret_files(site, word: str) -> list[str]:
    """The files of the site whose bytes hold ``word`` (any case)."""
    return sorted(rel for rel, data in file_tree(site.out).items()
                  if word.encode() in data.lower())


def test_a_canvas_map_embedded_in_a_note_publishes_no_comment_of_its_cards(tmp_path):
    # The campaign's map (Coast.canvas) holds the GM's asides in `%%comments%%` on its text cards,
    # which Obsidian hides; the page drew the map without them, yet embedding it copied the raw
    # JSON file into the site beside its page, comments, and the paths of cards showing the GM's
    # unpublished notes, included.  Nothing on the site links to that file: the map's link opens
    # the canvas's page.  Now a canvas with a page of its own is never copied as a file.
    board = canvas_json(
        {"id": "t", "type": "text", "text": "Ambush here! %%qzambush the knight betrays%%"},
        {"id": "f", "type": "file", "file": "Plots/Betrayal.md"})
    site = build_notes(tmp_path, {
        "Home.md": "# Home\n\nThe map:\n\n![[Coast.canvas]]\n\nAnd as a link: [[Coast.canvas]].\n",
        "Coast.canvas": board,
        "Plots/Betrayal.md": "---\npublish: false\n---\nqzbetrayal\n",
    })
    content = site.content("Home.md")
    assert content.find("svg", class_="canvas-svg") is not None
    assert "Ambush here!" in content.get_text()
    assert not (site.out / "Coast.canvas").exists()
    assert secret_files(site, "qzambush") == [] and secret_files(site, "betrayal.md") == []
    # every link of the page still lands: the map's own, and the link to the canvas
    page = site.page("Home.md")
    hrefs = {a["href"] for a in content.find_all("a", href=True)}
    assert {site.follow(page, h)[0].name for h in hrefs} == {"Coast.canvas.html"}


def test_an_apostrophe_inside_a_quoted_alias_is_told_where_and_how_to_write_it(tmp_path):
    # A campaign's names hold apostrophes and quotes (Kal'thar, Cap'n Rhee, Ser Aëlis "the Red"),
    # and a GM writes them as quoted aliases.  The quote inside ends the item, which neither YAML
    # nor Obsidian reads on; the warning gave YAML's words ("did not find expected ',' or ']'",
    # "did not find expected '-' indicator") and "fix the YAML".  As for a title, it now names the
    # item and gives the line written right.
    site = build_notes(tmp_path, {
        "A.md": "---\naliases: [Kalthar, 'Kal'thar', The Ruins]\n---\nx\n",
        "B.md": "---\naliases:\n  - 'Cap'n Rhee'\n  - Rhee\n---\nx\n",
        "C.md": '---\naliases: ["Ser Aëlis "the Red"", Aëlis]\n---\nx\n',
        "D.md": "---\ntags: [npc, 'it's'] # a comment\n---\nx\n",
        "E.md": "---\naliases: [a, b c]]\n---\nx\n",  # another mistake keeps YAML's words
    })
    found = {m.split(":", 1)[0]: m for m in site.messages("frontmatter-yaml")}
    tail = "; the note is published without its front-matter meanwhile)"
    assert found["A.md"] == (
        "A.md:2:25: warning[frontmatter-yaml]: front-matter is not valid YAML: the item "
        "'Kal'thar' of 'aliases' ends at its second ', and YAML cannot read what follows (thar') "
        "(write the item in other quotes: aliases: [Kalthar, \"Kal'thar\", The Ruins]" + tail)
    assert found["B.md"] == (
        "B.md:3:10: warning[frontmatter-yaml]: front-matter is not valid YAML: the item "
        "'Cap'n Rhee' ends at its second ', and YAML cannot read what follows (n Rhee') "
        "(write the item in other quotes: - \"Cap'n Rhee\"" + tail)
    assert found["C.md"] == (
        "C.md:2:23: warning[frontmatter-yaml]: front-matter is not valid YAML: the item "
        "\"Ser Aëlis \"the Red\"\" of 'aliases' ends at its second \", and YAML cannot read what "
        "follows (the Red\"\") (write the item in other quotes: aliases: ['Ser Aëlis \"the Red\"', "
        "Aëlis]" + tail)
    assert found["D.md"] == (
        "D.md:2:17: warning[frontmatter-yaml]: front-matter is not valid YAML: the item 'it's' "
        "of 'tags' ends at its second ', and YAML cannot read what follows (s') (write the item "
        "in other quotes: tags: [npc, \"it's\"] # a comment" + tail)
    assert "the item" not in found["E.md"] and "fix the YAML" in found["E.md"], found["E.md"]
    # the line and column are those of the quote's next character, as written in the file
    for rel, message in found.items():
        if rel != "E.md":
            line, col = map(int, message.split(":")[1:3])
            text = (tmp_path / "src" / rel).read_text().split("\n")[line - 1]
            assert text[col - 2] in "'\"" and text[col - 1].isalpha(), (rel, text, col)


def test_a_gm_note_left_out_for_its_publish_line_keeps_the_fix_of_its_broken_yaml(tmp_path):
    # The GM's secret note says `publish: false # GM only`, and its aliases break the YAML.  The
    # note is left out all the same (a line of it reads publish: false), and the warning about
    # the YAML lost its fix: every hint that said how to write the value became "fix the YAML",
    # since it also said the note was published meanwhile.  Only that part goes now.
    site = build_notes(tmp_path, {
        "Plots/Betrayal.md": "---\npublish: false # GM only\naliases: ['Kal'thar']\n---\nqzplot\n",
        "Plots/Coup.md": "---\ndraft: true\ntitle: Coup: the Duke falls\n---\nqzcoup\n",
        "Home.md": "# Home\n\n[[Betrayal]] and [[Coup]]\n",
    })
    found = sorted(m for m in site.messages("frontmatter-yaml") if "not valid YAML:" in m)
    assert found == [
        "Plots/Betrayal.md:3:16: warning[frontmatter-yaml]: front-matter is not valid YAML: the "
        "item 'Kal'thar' of 'aliases' ends at its second ', and YAML cannot read what follows "
        "(thar') (write the item in other quotes: aliases: [\"Kal'thar\"])",
        "Plots/Coup.md:3:12: warning[frontmatter-yaml]: front-matter is not valid YAML: the value "
        "of 'title' holds ': ', which YAML reads as the start of another key (write the value in "
        "quotes: title: \"Coup: the Duke falls\")"]
    assert not site.has("Plots/Betrayal.md") and not site.has("Plots/Coup.md")
    assert secret_files(site, "qzplot") == [] and secret_files(site, "qzcoup") == []


def test_an_ignore_pattern_in_the_wrong_letter_case_names_the_secrets_it_publishes(tmp_path):
    # The GM keeps the plot in GM/ and writes `ignore = ["gm/**"]`, as a case-insensitive disk
    # shows no difference.  Patterns are case-sensitive, so the plot was published, and the
    # warning said only to check the pattern's spelling and letter case.  It now names the files
    # the pattern matches but for letter case, and the pattern spelt as they are.
    site = build_notes(tmp_path, {
        "vaultsite.toml": 'ignore = ["gm/**", "**/Old/*.MD"]\n',
        "GM/Master Plot.md": "qzplot\n", "GM/Deep/Lich.md": "qzlich\n",
        "Lore/Old/Tale.md": "tale\n", "Home.md": "# Home\n",
    })
    assert site.messages("config-ignore") == [
        "vaultsite.toml:1:11: warning[config-ignore]: the ignore pattern 'gm/**' matches no file "
        "of the vault, so it leaves nothing out: GM/Deep/Lich.md and 1 more file, which it matches "
        "but for letter case, are not left out (write it 'GM/**' (patterns are case-sensitive), "
        "or remove it)",
        "vaultsite.toml:1:20: warning[config-ignore]: the ignore pattern '**/Old/*.MD' matches no "
        "file of the vault, so it leaves nothing out: Lore/Old/Tale.md, which it matches but for "
        "letter case, is not left out (spell its names as Lore/Old/Tale.md does (patterns are "
        "case-sensitive), or remove it)"]


def test_a_comment_inside_an_inline_html_tag_is_gone_as_in_an_html_block(tmp_path):
    # A GM's aside in a tooltip, `<span title="%%…%%">`: in an HTML block the comment went from
    # the tag's attributes, in a paragraph's inline tag (and a table's cell) it stayed, shown on
    # hover and written into the page, the hover previews and the pages that embed the note.
    site = build_notes(tmp_path, {
        "NPC.md": ('# NPC\n\nThe <abbr title="Duke %%qzlich is a lich%%">Duke</abbr> rules.\n\n'
                   '| Name | Note |\n| --- | --- |\n| Rhee | <span title="%%qzspy%%">captain</span> |\n\n'
                   '<div title="a %%qzblock%% b">block</div>\n\n'
                   'Code stays: `<i title="%%kept%%">`\n'),
        "Home.md": "# Home\n\n![[NPC]]\n",
    })
    for word in ("qzlich", "qzspy", "qzblock"):
        assert secret_files(site, word) == [], word
    for source in ("NPC.md", "Home.md"):
        content = site.content(source)
        assert content.find("abbr")["title"].strip() == "Duke" and content.find("abbr").get_text() == "Duke"
        assert content.find("span", string="captain") is not None
        assert '<i title="%%kept%%">' in content.find("code").get_text()


def test_no_secret_of_a_campaign_reaches_any_file_of_its_site(tmp_path):
    # The campaign vault's secrets, each a word of its own: unpublished and draft notes (their
    # text, title, aliases, a redirect alias, tags, description, properties a query reads, a
    # picture and a handout only they embed), an ignored GM/ folder, a folder holding only
    # secrets, and %%comments%% in a paragraph, a heading, a callout, a list, a table, a link's
    # text, a footnote, a canvas card.  Public notes link to them and embed them, whole and by
    # section and block; a canvas shows them on cards.  No file of the site may hold any.
    secret = ("---\npublish: false\naliases: [qzalias, Plots/qzredirect]\ntags: [npc, qztag]\n"
              "description: qzdesc\ntwist: qztwist\ndate: 2026-03-01\n---\n# qztitle\n\n"
              "qzbody ![[qzmap.png]] ![[qzhandout.pdf]]\n\n## Reveal\n\nqzreveal\n\n- sign ^sig\n")
    site = build_notes(tmp_path, {
        "vaultsite.toml": 'site_url = "https://gm.example.org/coast"\nignore = ["GM/**"]\n',
        "Plots/Betrayal.md": secret,
        "Plots/Lich.md": "---\ndraft: true\ntags: npc\n---\nqzlich [[Party]]\n",
        "Plots/qzfolder/Only.md": "---\npublish: false\n---\nqzonly\n",
        "GM/Master Plot.md": "---\ntags: [qzgmtag]\n---\nqzmaster [[Party]]\n",
        "qzmap.png": b"\x89PNG\r\n\x1a\nqzpng", "qzhandout.pdf": b"%PDF-1.4 qzpdf",
        "Party.md": ("---\ntags: [npc]\n---\n# Party\n\n%%qzcomment%% The party. [[Betrayal]], "
                     "[[Betrayal#Reveal|the reveal]], [[GM/Master Plot|plot]]\n\n## Fall "
                     "%%qzheading%%\n\n> [!infobox]\n> %%\n> qzcallout\n> %%\n> Shown\n\n"
                     "- a %%qzitem%%\n\n| a | b |\n| --- | --- |\n| [[Lich\\|x %%qzcell%%]] | y |\n\n"
                     "Note.[^1]\n\n[^1]: Foot %%qzfoot%%.\n"),
        "Rumours.md": ("# Rumours\n\n![[Betrayal]]\n\n![[Betrayal#Reveal]]\n\n![[Betrayal#^sig]]\n\n"
                       "![[Lich]]\n\n![[Party]]\n\n`= [[Betrayal]].twist`\n\n```dataview\n"
                       "TABLE twist FROM #npc\n```\n\n![[Map.canvas]]\n"),
        "Map.canvas": canvas_json(
            {"id": "t", "type": "text", "text": "Ambush %%qzcard%% here ![[Betrayal]]"},
            {"id": "f", "type": "file", "file": "Plots/Betrayal.md", "subpath": "#Reveal"}),
    })
    assert site.has("Party.md") and site.has("Rumours.md") and not site.has("Plots/Betrayal.md")
    tree = file_tree(site.out)
    assert {"sitemap.xml", "feed.xml", "404.html"} <= set(tree)
    leaks = {rel: sorted(set(re.findall(rb"qz[a-z]+", data.lower())))
             for rel, data in tree.items() if b"qz" in data.lower()}
    assert leaks == {} and not [rel for rel in tree if "qz" in rel.lower()], leaks


def test_a_tags_list_never_closed_is_told_at_its_bracket(tmp_path):
    # `tags: [npc, villain` with the `]` forgotten: YAML reads the next key as more of the list,
    # and the warning stood on that next line with YAML's words ("did not find expected ',' or
    # ']' (while parsing a flow sequence that starts on line 2)") and "fix the YAML".
    site = build_notes(tmp_path, {
        "NPC.md": "---\ntags: [npc, villain\nrace: Human\n---\n# NPC\n",
        "Two lines.md": "---\naliases: [Kal,\n  Rhee\nx: 1\n---\nx\n",  # not one line: YAML's words
    })
    found = {m.split(":", 1)[0]: m for m in site.messages("frontmatter-yaml")}
    assert found["NPC.md"] == (
        "NPC.md:2:7: warning[frontmatter-yaml]: front-matter is not valid YAML: the [ that opens "
        "the list of 'tags' is never closed, so YAML reads the next line as more of the list "
        "(close it: tags: [npc, villain]; the note is published without its front-matter "
        "meanwhile)")
    assert "flow sequence" in found["Two lines.md"], found["Two lines.md"]
