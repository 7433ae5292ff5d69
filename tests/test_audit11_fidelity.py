"""Audit 11: claims of Obsidian's own help vault (shared/corpus/obsidian-help-en), each checked on a
small vault built here.  Each test names the help note the claim comes from."""

from __future__ import annotations

from conftest import build_notes

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
       '<path d="M4 12h16" stroke="currentColor"/></svg>')


# ---------- image anchors: ![[pic.png#interface]] ----------
# "Contributing to Obsidian/Style guide" (Image anchor tags): `![[Vault picker.png#interface]]`,
# `![[Backlinks.png#outline]]`, `![[lucide-menu.svg#icon]]` -- the anchor is there for CSS, which
# Obsidian's themes and the help's own stylesheet select as `img[src$="#interface"]`: Obsidian keeps
# the anchor on the embed's src.  An image embed that dropped it left every such rule idle.

def test_an_image_embed_keeps_its_anchor_on_the_src_for_css(tmp_path):
    site = build_notes(tmp_path, {
        "Attachments/Vault picker.png": PNG,
        "Attachments/icons/lucide-menu.svg": SVG,
        "Note.md": "# Note\n\n![[Vault picker.png#interface]]\n\n![[Vault picker.png#outline|100]]\n\n"
                   "Select **Menu** ![[lucide-menu.svg#icon]] here.\n\n![[Vault picker.png]]\n\n"
                   "![](Attachments/Vault%20picker.png#interface)\n",
        "Deep/Host.md": "# Host\n\n![[Note]]\n"})
    for source in ("Note.md", "Deep/Host.md"):
        page = site.page(source)
        imgs = site.content(source).find_all("img")
        srcs = [img["src"] for img in imgs]
        assert [s.rsplit("#", 1)[-1] if "#" in s else None for s in srcs] == \
            ["interface", "outline", "icon", None, "interface"], srcs
        for src in srcs:  # the file itself is found, from the page and from the embedding page
            target, _ = site.follow(page, src)
            assert target.suffix in (".png", ".svg")
    assert not site.diagnostics, [d.format() for d in site.diagnostics]
    # the size spec still applies; the alt text is the file's name, not the anchor
    outline = site.content("Note.md").find_all("img")[1]
    assert outline["width"] == "100" and "outline" not in outline["alt"]


# ---------- math: MathJax's \require{package} ----------
# "Editing and formatting/Advanced formatting syntax" (Math): math is MathJax, with the packages
# of "The TeX/LaTeX Extension List"; a note loads one with `\require{cancel}`, which typesets
# nothing.  vaultsite took it for an undefined command and showed the whole formula as source.

def test_mathjax_require_loads_a_package_and_typesets_nothing(tmp_path):
    site = build_notes(tmp_path, {"Note.md": "# Note\n\nStruck $\\require{cancel}\\bcancel{x} + 1$ out.\n\n"
                                             "$$\n\\require{ams}\n\\require {color} a = b\n$$\n"})
    content = site.content("Note.md")
    assert not content.select(".math-error") and not site.diagnostics, \
        [d.format() for d in site.diagnostics]
    inline, block = content.find_all("math")
    # the strike \bcancel draws (MathML Core has no <menclose>: a gradient across the box)
    assert "linear-gradient(to bottom right" in inline.find("mrow", style=True)["style"]
    for math in (inline, block):
        assert "require" not in "".join(math.stripped_strings)
    assert [mi.get_text() for mi in block.find_all("mi")] == ["a", "b"]
    assert "\\require{cancel}" in inline["alttext"]  # the source as written, for copying


# ---------- Publish's redirects: a permalink, an alias written as a path ----------
# "Obsidian Publish/Permalinks": "If someone visits a note using the original URL, they'll be
# automatically redirected to the permalink", and ("Redirect old notes") an alias that is the full
# path of an old note, `alias: Guides/Making friends`, redirects that note's address.  vaultsite
# wrote nothing at those addresses: every old link was the 404 page.

def _refresh_target(site, path):
    soup = site.soup(site.out / path)
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    href = refresh.split("url=", 1)[1]
    assert soup.find("link", rel="canonical")["href"] == href
    assert [a["href"] for a in soup.find_all("a")] == [href]  # for readers who are not sent on
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    return site.follow(site.out / path, href)[0].relative_to(site.out).as_posix()


def test_a_permalink_and_a_path_alias_redirect_the_old_addresses(tmp_path):
    site = build_notes(tmp_path, {
        "Company/About us.md": "---\npermalink: about\n---\n# About us\n",
        "Tutorials/How to make friends.md": "---\naliases:\n  - Guides/Making friends\n  - /Old/Friends.md\n"
                                            "  - Developing friendships\n---\n# Friends\n",
        "Taken.md": "---\naliases: [Real/Page]\n---\n# Taken\n",
        "Real/Page.md": "# A real page\n",
        "Home.md": "# Home\n\n[[Guides/Making friends]] [[Developing friendships]]\n"})
    assert site.page("Company/About us.md") == site.out / "about.html"
    assert _refresh_target(site, "Company/About-us.html") == "about.html"
    assert _refresh_target(site, "Guides/Making-friends.html") == "Tutorials/How-to-make-friends.html"
    assert _refresh_target(site, "Old/Friends.html") == "Tutorials/How-to-make-friends.html"
    # an alias that names no path leaves no page; one that is a page's address leaves the page
    assert not (site.out / "Developing-friendships.html").exists()
    assert site.page("Real/Page.md") == site.out / "Real" / "Page.html"
    assert site.html("Real/Page.md").find("meta", attrs={"http-equiv": "refresh"}) is None
    # redirects are no pages of the site: not in its sitemap, search or listings
    assert not site.diagnostics, [d.format() for d in site.diagnostics]
    search = "".join(p.read_text(encoding="utf-8") for p in (site.out / "_search").glob("*.js"))
    assert "About-us.html" not in search and "Making-friends.html" not in search
