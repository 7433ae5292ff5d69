"""The ninth audit, how the site looks: the HTML side of its findings (the browser side is in
test_browser_audit9.py)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from generator.markdown import make_markdown

RTL = """# مرحبا بالعالم

هذه فقرة باللغة العربية مع [[Links|رابط]] وكلمة English في الوسط.

[[Links|رابط]] يبدأ برابط.

English paragraph with one word: שלום.

- עברית ראשונה
- English item
- עוד אחד

1. one
2. שתיים

| عمود | b |
|---|---|
| خلية | c |
"""


def _dirs(html: str) -> list[tuple[str, str | None, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        (el.name, el.get("dir"), el.get_text(" ", strip=True).split()[0])
        for el in soup.find_all(["h1", "p", "ul", "ol", "li", "th", "td"])
    ]


def test_a_right_to_left_block_is_marked_right_to_left():
    # Obsidian sets each line's direction from its text (1.6: "Obsidian automatically detects the
    # direction of the language in the editor and adds the dir attribute to each line"); the site
    # showed Arabic and Hebrew paragraphs left to right, the full stop at the wrong end
    got = _dirs(make_markdown().render(RTL, {}))
    assert got == [
        ("h1", "rtl", "مرحبا"),
        ("p", "rtl", "هذه"),
        ("p", "rtl", "رابط"),  # a link's text counts, not its target
        ("p", None, "English"),  # the first strong letter decides, as for dir="auto"
        ("ul", "rtl", "עברית"),
        ("li", "rtl", "עברית"),
        ("li", "ltr", "English"),  # a left-to-right item of a right-to-left list
        ("li", "rtl", "עוד"),
        ("ol", None, "one"),
        ("li", None, "one"),
        ("li", "rtl", "שתיים"),
        ("th", "rtl", "عمود"),
        ("th", None, "b"),
        ("td", "rtl", "خلية"),
        ("td", None, "c"),
    ]


def test_a_note_without_right_to_left_text_is_unchanged():
    html = make_markdown().render("# Title\n\nText, `code` and [[Link]].\n\n- a\n- b\n", {})
    assert "dir=" not in html


def test_a_right_to_left_callout_title_is_marked_right_to_left():
    html = make_markdown().render("> [!tip]- نصيحة\n> نص\n\n> [!note] English\n> text\n", {})
    soup = BeautifulSoup(html, "html.parser")
    assert [t.get("dir") for t in soup.select(".callout-title")] == ["rtl", None]


def test_a_linked_remote_image_leaves_one_link_to_the_links_target(tmp_path):
    # a badge, [![build](https://…/badge.svg)](https://…): the remote image became a link of its
    # own inside the outer one.  A browser closes the outer <a> there, so the page had an empty,
    # nameless link and a chip that opened the picture instead of the link's target
    from conftest import build_notes

    site = build_notes(
        tmp_path,
        {
            "N.md": "[![build](https://img.example/badge.svg)](https://ci.example/run)"
            " and ![loose](https://img.example/loose.png)\n"
        },
    )
    content = site.content("N.md")
    assert content.select("a a") == []
    outer = content.find("a", href="https://ci.example/run")
    assert outer.get_text() == "build"
    assert outer.find(class_="remote-image") is not None
    # a remote image on its own is still a link to the picture
    assert [a["href"] for a in content.select("a.remote-image")] == ["https://img.example/loose.png"]
