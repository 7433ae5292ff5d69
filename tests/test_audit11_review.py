"""Audit 11 review: what the review of the session's changes found wrong, each pinned by a build
of a real vault."""

from __future__ import annotations

import json
import struct

import pytest
from conftest import SHARED, build_notes

from generator.markdown import build_markdown
from generator.markdown.renderer import Renderer


def _png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height)


# -- redirect pages never take a file's place, as a folder either -----------------------------------
def test_a_redirect_never_turns_a_file_of_the_site_into_a_folder(tmp_path):
    """An alias ``pic.png/x`` asked for a redirect at ``pic.png/x.html``: the folder ``pic.png``
    took the picture's place (a ``write-failed`` warning, the picture left out of the site).  An
    alias with ``..`` or ``.`` names no path of the vault: it made ``untitled/…`` pages."""
    site = build_notes(tmp_path, {
        "A.md": "---\naliases: [pic.png/x, Docs/Old name, ../up/There, ./Here/Too]\n---\n# A\n",
        "Home.md": "# Home\n\n![[pic.png]]\n",
        "pic.png": _png(4, 3),
    }, site_url="https://example.org/")
    assert not site.diagnostics, [d.format() for d in site.diagnostics]
    assert (site.out / "pic.png").is_file()
    img = site.content("Home.md").find("img")
    assert site.follow(site.page("Home.md"), img["src"])[0] == site.out / "pic.png"
    # the other path alias still leads to the note; the dotted ones leave nothing
    refresh = site.soup(site.out / "Docs" / "Old-name.html").find(
        "meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"].endswith("url=../A.html")
    assert not (site.out / "untitled").exists()
    assert not (site.out / "up").exists() and not (site.out / "Here").exists()
    # no redirect is a page of the sitemap
    sitemap = (site.out / "sitemap.xml").read_text(encoding="utf-8")
    assert "A.html" in sitemap and "Old-name" not in sitemap


# -- a canvas card's ambiguous link names as many candidates as a note's ---------------------------
def test_an_ambiguous_link_in_a_canvas_card_names_at_most_as_many_candidates_as_in_a_note(tmp_path):
    """A card's ``[[same]]`` among 30 same-named notes listed all 29 others in its warning, where
    the same link in a note names ``SHOWN_CANDIDATES`` and counts the rest (its text grew with
    the number of files, in one warning per link)."""
    from generator.index import SHOWN_CANDIDATES

    card = {"id": "t1", "type": "text", "x": 0, "y": 0, "width": 400, "height": 200,
            "text": "See [[same]]"}
    files = {f"f{i:02}/same.md": f"# Same {i}\n" for i in range(30)}
    files["Board.canvas"] = json.dumps({"nodes": [card], "edges": []}, indent="\t")
    files["Home.md"] = "# Home\n\n[[same]]\n\n[[Board.canvas]]\n"
    site = build_notes(tmp_path, files)
    found = site.messages("link-ambiguous")
    assert [m.split(":", 1)[0] for m in found] == ["Board.canvas", "Home.md"], found
    card_hint, note_hint = (m.split("other candidates: ", 1)[1] for m in found)
    more = f" and {30 - 1 - SHOWN_CANDIDATES} more; write the folder"
    for hint in (card_hint, note_hint):
        assert hint.count("/same.md") == SHOWN_CANDIDATES and more in hint, hint


# -- the renderer subclass writes markdown-it-py's HTML for any token stream --------------------------
def _plain_render(md, tokens, options) -> str:
    from markdown_it.renderer import RendererHTML

    md.renderer.__class__ = RendererHTML  # markdown-it-py's own, with the same rules
    try:
        return md.renderer.render(tokens, options, {})
    finally:
        md.renderer.__class__ = Renderer


def test_the_renderer_writes_markdown_its_html_for_random_token_streams():
    """Token streams no Markdown gives as easily: attributes in any order with quotes, ampersands
    and angle brackets in keys and values, non-string values, hidden tokens of every nesting,
    blocks that close at once, inline and block tokens mixed, an inline token without children,
    with and without ``xhtmlOut``."""
    import random

    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

    md = build_markdown()
    rng = random.Random(11)
    values = ["", "x", 'a"b', "a&amp;b", "<i>", 3, "é ü", "'q'"]
    for _ in range(400):
        tokens = []
        for _ in range(rng.randint(1, 12)):
            nesting = rng.choice((-1, 0, 1))
            tag = rng.choice(("p", "li", "ul", "div", "hr", "span", "td"))
            kind = rng.choice((f"x_{tag}_{nesting}", "inline", "paragraph_open", "list_item_open"))
            tok = Token(kind, tag, nesting)
            tok.block = rng.random() < 0.7
            tok.hidden = rng.random() < 0.2
            for _ in range(rng.choice((0, 0, 1, 3))):
                tok.attrs[rng.choice(("id", "class", "data-a", 'q"k', "a&b"))] = rng.choice(values)
            if kind == "inline":
                tok.children = [] if rng.random() < 0.3 else [Token("text", "", 0, content="t<")]
            tokens.append(tok)
        for xhtml in (False, True):
            options = OptionsDict({**md.options, "xhtmlOut": xhtml})
            assert md.renderer.render(tokens, options, {}) == _plain_render(md, tokens, options)


def test_the_renderer_writes_markdown_its_html_for_the_help_vault():
    """Every note of Obsidian's help vault, rendered by the subclass and by markdown-it-py's own
    renderer (the plugins' rules the same), with both line-break settings."""
    from generator.render import render_options

    corpus = SHARED / "corpus" / "obsidian-help-en"
    if not corpus.is_dir():
        pytest.skip(f"no {corpus}")
    md = build_markdown()
    notes = sorted(corpus.rglob("*.md"))
    assert len(notes) > 100
    for strict in (False, True):
        options = render_options(strict)
        for path in notes:
            tokens = md.parse(path.read_text(encoding="utf-8"), {})
            assert md.renderer.render(tokens, options, {}) == _plain_render(md, tokens, options), path
