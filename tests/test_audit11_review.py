"""Audit 11 review: what the review of the session's changes found wrong, each pinned by a build
of a real vault."""

from __future__ import annotations

import struct

from conftest import build_notes


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
