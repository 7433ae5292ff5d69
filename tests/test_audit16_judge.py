"""Audit 16 (judge): a fresh hostile vault built from the issue's rules and Obsidian's help; each
test here fails on the code before its fix."""

from __future__ import annotations

import json
import re

from markdown_it import MarkdownIt

from generator.markdown import make_markdown
from tests.conftest import build_notes, render_cost

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x90\x00\x00\x00\xc8\x08\x02\x00\x00\x00"
       b"\x00\x00\x00\x00")


def _search_texts(site) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (site.out / "_search").glob("text-*.js"))


def test_a_pictures_size_is_no_word_of_its_alt_text(tmp_path):
    """``![alt|77](pic.png)`` shows a picture 77 wide with the alt ``alt`` (Obsidian's help,
    *Embed files*: "change the image dimensions by adding |640x480"); the size is no text a reader
    sees. The page's ``<img>`` read it so, but the page's description, its search text and a
    heading's text kept ``alt|77`` (and ``300x200`` for a size alone)."""
    site = build_notes(tmp_path, {
        "pic.png": PNG,
        "N.md": "# N\n\nBefore ![shown alt|77](pic.png) and ![300x200](pic.png) after.\n\n"
                "## Logo ![mark|20](pic.png)\n\nText.\n",
        "L.md": "# L\n\n[[N#Logo mark]]\n",
    })
    img = site.content("N.md").find("img")
    assert img["alt"] == "shown alt" and img["width"] == "77"
    description = site.html("N.md").find("meta", attrs={"name": "description"})["content"]
    assert "shown alt" in description and "|77" not in description and "300x200" not in description
    texts = _search_texts(site)
    assert "shown alt" in texts and "|77" not in texts and "300x200" not in texts
    assert "|20" not in json.dumps([h.text for h in site.result.index.notes["N"].headings])
    assert site.content("N.md").find("h2")["id"] == "Logo-mark"
    assert site.content("L.md").find("a")["href"] == "N.html#Logo-mark"
    assert not re.search(r"anchor-unresolved", " ".join(site.codes()))


def test_a_comment_in_an_html_block_is_gone_from_every_file(tmp_path):
    """``<div>a %%private%% b</div>``: Obsidian's help (*Basic formatting syntax*, Comments):
    "Comments are only visible in Editing view", and the issue: comments are "gone from every
    output file". In an HTML block the comment was kept: on the page, in the search text and in
    the previews. Comments in a paragraph's inline HTML were gone already.  A lone ``%%`` left
    open hides the rest of the block and the note, as in a paragraph (session 17: it stayed as
    written); one in the block's code is no marker."""
    site = build_notes(tmp_path, {
        "N.md": "# N\n\n<div>shown %%SECRETONE%% kept</div>\n\n"
                "<table><tr><td>cell %%SECRETTWO\nstill%% end</td></tr></table>\n\n"
                "> <p>quoted %%SECRETTHREE%% text</p>\n\n"
                "<pre>printf(\"%%d %%s\")</pre>\n\n"
                "<div>a <code>x</code> %%SECRETFOUR <code>%%y%%</code> SECRETFIVE%% b</div>\n\n"
                "<p>100%% SECRETSIX</p>\n\nSECRETSEVEN\n",
    })
    content = site.content("N.md")
    text = content.get_text(" ")
    assert "shown" in text and "kept" in text and "cell" in text and "end" in text
    assert "quoted" in text and "100" in text and 'printf("%%d %%s")' in text
    for path in site.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"SECRET" not in data and b"still" not in data, path


def test_a_missing_or_unpublished_markdown_embed_shows_its_alt_without_the_size(tmp_path):
    """``![a|20](gone.png)`` (no such file) and ``![d|300](Draft.md)`` (a note left out) show their
    alt text as the marker's words, as the ``<img>`` of a found picture reads it: ``a``, not
    ``a|20``; so does one in a link's text (``[![n|40](N.md)](https://e.org)``)."""
    site = build_notes(tmp_path, {
        "N.md": "# N\n\nText.\n",
        "Draft.md": "---\npublish: false\n---\n# Draft\n",
        "P.md": "# P\n\nSee ![a|20](gone.png) and ![d|300](Draft.md) and [![n|40](N.md)](https://e.org)\n",
    })
    content = site.content("P.md")
    broken = content.select_one(".embed.broken")
    assert broken is not None and broken.get_text(" ").split()[0] == "a", broken
    assert content.select_one(".embed.unpublished").get_text() == "d"
    assert content.select_one(".embed-in-link").get_text() == "n"
    assert "|" not in content.get_text()


def test_code_in_an_html_block_with_a_comment_costs_linear_time():
    """The code elements of an HTML block are found in one pass: 20,000 ``<code>`` tags left open
    before a ``%%…%%`` took 11 CPU-s when each looked for its end tag to the end of the block."""
    text = "<div>" + "<code>a " * 20000 + "%%x%%</div>\n"
    md = make_markdown()
    assert "%%x%%" in md.render(text, {})  # inside the (unclosed) code: no comment
    assert render_cost(md, text) < 8 * render_cost(MarkdownIt("commonmark"), text) + 0.3


def test_a_long_run_of_digits_in_a_pictures_alt_costs_linear_time():
    """``![111…1a](p.png)``: the size at the end of an alt text is read in one pass; the lazy match
    from the start tried every split of the digits (20,000 of them: about 6 CPU-s)."""
    text = "![" + "1" * 20000 + "a](p.png) and ![x|" + "2" * 20000 + "](p.png)\n"
    md = make_markdown()
    html = md.render(text, {})
    assert 'alt="' + "1" * 20000 + 'a"' in html and 'width="' + "2" * 20000 + '"' in html
    assert render_cost(md, text) < 8 * render_cost(MarkdownIt("commonmark"), text) + 0.3
