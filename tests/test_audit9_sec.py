"""Audit 9 (security): what a note's author or a file name controls, escaped in every output."""

from __future__ import annotations

import sys
from pathlib import Path

import html5lib
import pytest

from generator.execute.outputs import safe_repr_html
from generator.markdown import latex_to_mathml, sanitize_html
from tests.conftest import build_notes

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/chromium.py


def _attributes(html: str) -> list[tuple[str, str, str]]:
    """Every (element, attribute, value) of ``html`` as a browser reads it."""
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return [
        (el.tag.split("}")[-1], name.split("}")[-1], value)
        for el in tree.iter()
        if isinstance(el.tag, str)
        for name, value in el.attrib.items()
    ]


def test_mathml_in_a_cells_html_output_keeps_no_handler() -> None:
    """A cell's HTML output keeps MathML (a LaTeX repr drawn by the site) past the sanitizer,
    after a check of its tags.  A ``>`` inside a quoted attribute value hid the next attribute
    from that check: ``<mi class="a>b" onclick="…">`` reached the page with its handler."""
    for payload in (
        '<math><mi class="a>b" onclick="alert(1)">x</mi></math>',
        "<math><mi alttext='>' onmouseover='alert(1)'>x</mi></math>",
        '<div><math display="block"><mrow title="x>y" style="position:fixed"><mi>x</mi></mrow></math></div>',
    ):
        out = safe_repr_html(payload)
        attrs = _attributes(out)
        assert not [a for a in attrs if a[1].startswith("on") or a[1] == "style"], out
        assert "x" in out  # the formula itself stays


def test_site_drawn_latex_repr_still_kept_in_cell_output() -> None:
    """The MathML the site makes of a ``_repr_latex_`` stays whole in the cell's output."""
    for latex in (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\frac{a}{b} > \text{x < y}"):
        mathml = latex_to_mathml(latex, True)
        out = safe_repr_html(f'<div class="math block">{mathml}</div>')
        assert out.count("<math") == 1 and out.count("<mtd") == mathml.count("<mtd")
        assert out.count("<mi") == mathml.count("<mi") and out.count("<mo") == mathml.count("<mo")


def test_a_base_links_to_what_a_note_may_link_to(tmp_path: Path) -> None:
    """A link value in a base (a property holding ``[[…]]``, or ``link()`` of any text) whose target
    had ``://`` became an external link with that target as href: ``javascript://%0Aalert(1)``
    (a comment, then a new line) ran when clicked.  An address is a link when a note's
    ``[x](url)`` would be one (``zotero://`` too); ``javascript:``, ``data:`` and the like are
    shown as text."""
    note = (
        "---\n"
        'site: "javascript://%0Aalert(1)"\n'
        'other: "[[JavaScript://x%0Aalert(2)]]"\n'
        'home: "https://example.org/a?b=1"\n'
        "---\n"
        "```base\n"
        "formulas:\n"
        "  l1: link(site)\n"
        '  l2: link("data://text/html,x", "click")\n'
        "  l3: link(home)\n"
        '  l4: link("zotero://select/items/X", "zot")\n'
        "views:\n"
        "  - type: table\n"
        "    name: T\n"
        "    order: [file.name, other, formula.l1, formula.l2, formula.l3, formula.l4]\n"
        "```\n"
    )
    site = build_notes(tmp_path, {"A.md": note})
    table = site.content("A.md").select_one(".base-view table")
    hrefs = [a.get("href", "") for a in table.select("a")]
    assert not [h for h in hrefs if not h.startswith(("https:", "zotero:", "A.html"))], hrefs
    assert "https://example.org/a?b=1" in hrefs and "zotero://select/items/X" in hrefs
    text = table.get_text(" ")
    assert "%0Aalert(1)" in text and "click" in text  # shown, not linked


@pytest.mark.browser
@pytest.mark.parametrize(
    "address",
    [
        "https://example.org//evil.example/_assets/x.html",
        "https://example.org/\\evil.example/Notes/x.html",
        "https://example.org//Notes/Gone/x.html",
    ],
)
def test_404_page_takes_its_root_from_its_own_host(tmp_path: Path, chrome, address: str) -> None:
    """Built without ``site_url``, the 404 page finds the site root in its address and writes a
    ``<base>`` for it.  An address whose path starts with ``//host/`` followed by one of the site's
    folders made that base ``//host/``: the page then loaded ``_data/site.js`` and
    ``_assets/vaultsite.js`` from that other host, so a crafted link ran anyone's script on the
    site's origin.  The base is on the page's own host whatever the address; an empty segment
    (``/notes//Notes/x``, which hosts serve as ``/notes/Notes/x``) is not a folder."""
    from chromium import host_site

    site = build_notes(tmp_path, {"Notes/A.md": "# A\n"})
    page = chrome.browser.new_page()
    asked = host_site(page, site.out, "https://example.org/")
    page.goto(address)
    page.wait_for_load_state("load")
    assert page.evaluate("document.baseURI").startswith("https://example.org/")
    assert [u for u in asked if not u.startswith("https://example.org/")] == []
    if "evil" not in address:  # the site's own folder after an empty segment: the root is found
        assert page.evaluate("document.baseURI") == "https://example.org/"
        assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent') !== ''")
    page.close()


@pytest.mark.browser
def test_a_heading_named_like_a_script_global_does_not_stop_the_graph(tmp_path: Path, chrome) -> None:
    """A heading's id is its text, as in Obsidian (``# vsGraph`` -> ``id="vsGraph"``), and the
    browser names every element with an id on ``window``.  The site's script took that element
    for its own graph object (``window.vsGraph``), so the note's graph was never drawn."""
    from chromium import page_of

    site = build_notes(tmp_path, {"A.md": "# vsGraph\n\n## vsSite\n\n[[B]]\n", "B.md": "# B\n\n[[A]]\n"})
    page = chrome.page()
    page.goto(page_of(site.out, "A.md").as_uri())
    page.locator(".graph-local").scroll_into_view_if_needed()
    page.wait_for_selector(".graph-local canvas", timeout=10_000)
    page.close()


def test_remote_images_spelled_as_browsers_read_them_are_links(tmp_path: Path) -> None:
    r"""``remote_images = "link"`` (the default): a page loads nothing from another machine.  A
    browser reads ``https:\\host\p``, ``https:host/p`` and ``https:/\host/p`` as
    ``https://host/p`` (any slashes or backslashes after a web scheme, or none), and ignores
    spaces around a URL; raw HTML images so spelled were loaded, and such a video or audio was
    fetched with the page."""
    spellings = [
        "https:\\\\evil.example\\a.png",
        "https:evil.example/b.png",
        "https:/\\evil.example/c.png",
        " https://evil.example/d.png",
        "HTTP:\\\\evil.example/e.png",
    ]
    note = "".join(f'<img src="{s}" alt="p{i}">\n\n' for i, s in enumerate(spellings))
    note += 'Inline <img src="https:\\\\evil.example\\f.png"> too.\n\n'
    note += '<video src="https:\\\\evil.example\\v.mp4" controls></video>\n\n'
    note += '<audio controls><source src="https:evil.example/a.mp3"></audio>\n'
    site = build_notes(tmp_path, {"N.md": note, "pic.png": b"\x89PNG\r\n\x1a\n"})
    content = site.content("N.md")
    assert [img.get("src") for img in content.find_all("img") if img.get("src")] == []
    links = content.select("a.remote-image")
    assert [a.get_text() for a in links] == [f"p{i}" for i in range(len(spellings))] + ["f.png"]
    media = content.find_all(["video", "audio"])
    assert len(media) == 2 and all(m.get("preload") == "none" for m in media)


def test_local_and_web_images_still_told_apart(tmp_path: Path) -> None:
    """A vault image stays an image (whatever its name looks like); a web address, a link."""
    files = {
        "N.md": '<img src="pic.png">\n\n<img src="https:x.png">\n\n![a](pic.png) ![b](https://e.example/b.png)\n',
        "pic.png": b"\x89PNG\r\n\x1a\n",
    }
    content = build_notes(tmp_path, files).content("N.md")
    assert [img["src"] for img in content.find_all("img")] == ["pic.png", "pic.png"]
    assert [a["href"] for a in content.select("a.remote-image")] == ["https:x.png", "https://e.example/b.png"]


def test_a_raw_link_opening_another_window_cannot_reach_back() -> None:
    """``<a href="https://…" target="w">`` opens the address in a window named ``w`` that keeps
    ``window.opener`` (browsers imply ``noopener`` for ``_blank`` only): that page could navigate
    the site's own tab elsewhere (a phishing copy).  A raw link with a target gets
    ``rel="noopener noreferrer"``; one without keeps no ``rel``."""
    out = sanitize_html('<a href="https://e.example/" target="w" rel="opener">x</a>')
    attrs = dict((a, v) for _, a, v in _attributes(out))
    assert attrs["target"] == "w" and set(attrs["rel"].split()) == {"noopener", "noreferrer"}
    assert "rel=" not in sanitize_html('<a href="https://e.example/">x</a>')
