"""Obsidian syntax as rendered: cases found by the eighth audit (combinations of constructs)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def _site_text(out: Path) -> str:
    """Every file of the built site, as text."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in out.rglob("*") if p.is_file())


def test_comment_in_image_alt_reaches_no_file(tmp_path):
    # the image's alt text is shown without the comment; the summary and search text read the
    # alt's raw source and published it
    site = build_notes(tmp_path, {"N.md": "![alt %%SECRETALT%%](pic.png)\n", "pic.png": PNG})
    assert site.content("N.md").find("img")["alt"].strip() == "alt"
    assert "SECRETALT" not in _site_text(site.out)


def test_tex_comment_in_inline_math_reaches_no_file(tmp_path):
    # ``%`` starts a TeX comment, so the formula shows ``x`` (and its alttext says so); the search
    # text took the formula's source with the comment in it
    site = build_notes(tmp_path, {"N.md": "Inline $x %%SECRETMATH%%$ math.\n"})
    assert site.content("N.md").find("math")["alttext"] == "x"
    assert "SECRETMATH" not in _site_text(site.out)


def test_raw_embed_element_drops_only_itself(tmp_path):
    # <embed> is a void element (no content, no closing tag): it was dropped "with its content" up
    # to a </embed> that never comes, so the rest of its paragraph or HTML block vanished
    site = build_notes(tmp_path, {"N.md": 'Before <embed src="doc.pdf"> after.\n\n'
                                          '<div>\n<embed src="x.pdf">\n<p>kept text</p>\n</div>\n'})
    content = site.content("N.md")
    text = content.get_text(" ", strip=True)
    assert "after." in text and "kept text" in text
    assert content.find("embed") is None
