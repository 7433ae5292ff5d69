"""The default theme in headless Chromium: TOC scroll-spy, callout contrast, embeds, code copy, print.

A small vault written here (one long note, every callout type, an embed) is built with the real
pipeline and opened from file://; every request off the disk is refused and console errors fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of, require_browser

pytestmark = pytest.mark.browser

sync_api = require_browser()

CALLOUT_TYPES = ["note", "abstract", "info", "todo", "tip", "success", "question", "warning",
                 "failure", "danger", "bug", "example", "quote"]
SECTIONS = ["Overview", "Setup", "Tables", "Lists and tasks", "Code", "Math", "Callouts",
            "Embeds", "Footnotes", "Tags", "Closing words", "Short end"]


def _long_note() -> str:
    para = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
            "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud. ")
    out = ["# Long note", ""]
    for i, name in enumerate(SECTIONS):
        out += [f"## {name}", ""]
        # the last sections are short: the page cannot scroll their headings to the top
        for _ in range(1 if i >= len(SECTIONS) - 2 else 5):
            out += [para * 3, ""]
        if name == "Code":
            out += ["```python", "def hello():", "    return 'world'", "```", ""]
    return "\n".join(out)


def _callouts_note() -> str:
    out = ["# Callouts", ""]
    for kind in CALLOUT_TYPES:
        out += [f"> [!{kind}] A {kind} callout", "> Body text.", ""]
    out += ["> [!tip]- Folded tip", "> Hidden body text.", ""]
    return "\n".join(out)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("theme-vault")
    (vault / "vaultsite.toml").write_text('title = "Theme test"\n', encoding="utf-8")
    (vault / "Long note.md").write_text(_long_note(), encoding="utf-8")
    (vault / "Callouts.md").write_text(_callouts_note(), encoding="utf-8")
    (vault / "Embedded.md").write_text("# Embedded\n\nThe embedded body.\n\n## Part\n\nMore.\n",
                                       encoding="utf-8")
    (vault / "Host.md").write_text("# Host\n\nBefore.\n\n![[Embedded]]\n\nAfter.\n", encoding="utf-8")
    (vault / "icon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
                                    '<path d="M4 4h16v16H4z" fill="currentColor"/></svg>',
                                    encoding="utf-8")
    (vault / "Icons.md").write_text("# Icons\n\nPress ![[icon.svg]] to start.\n", encoding="utf-8")
    (vault / "Diagram.md").write_text("# Diagram\n\n```mermaid\nflowchart LR\n  A[Write] --> B[Publish]\n"
                                      "```\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("theme-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out




def _active(page) -> str:
    page.wait_for_timeout(120)  # the scroll-spy runs on the next animation frame
    return page.locator(".toc a.active").inner_text()


def test_toc_highlights_the_clicked_entry_and_the_last_at_the_bottom(site, chrome):
    page = chrome.page(width=1366, height=800)
    page.goto(page_of(site, "Long note.md").as_uri())
    links = page.locator(".toc a")
    names = links.all_inner_texts()
    assert names == ["Long note"] + SECTIONS
    for i, name in enumerate(names):
        links.nth(i).click()
        assert _active(page) == name, f"clicked {name!r}"
        if 0 < i < len(names) - 2:
            top = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().top",
                                links.nth(i).get_attribute("href")[1:])
            bar = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().bottom")
            assert bar <= top <= bar + 40, f"{name!r} lands {top}px down, under a {bar}px bar"
    page.mouse.click(700, 400)
    page.keyboard.press("Home")
    page.wait_for_function("() => scrollY === 0")
    assert _active(page) == "Long note"
    page.keyboard.press("End")
    page.wait_for_function("() => innerHeight + scrollY >= document.documentElement.scrollHeight - 2")
    assert _active(page) == SECTIONS[-1], "at the bottom the last entry lights up"
    page.keyboard.press("Home")
    page.wait_for_function("() => scrollY === 0")
    assert _active(page) == "Long note"
    # a jump straight to the middle, with no scrolling in between, is picked up at once
    y = page.evaluate("document.getElementById('Code').getBoundingClientRect().top + scrollY - 200")
    page.evaluate(f"window.scrollTo(0, {y})")
    assert _active(page) == "Lists and tasks"
    # opened with a fragment: that entry
    page.goto(page_of(site, "Long note.md").as_uri() + "#Math")
    assert _active(page) == "Math"
    page.close()


CONTRAST_JS = """() => {
  const c = document.createElement('canvas'); c.width = c.height = 1;
  const g = c.getContext('2d', {willReadFrequently: true});
  const paint = (...colors) => { g.clearRect(0, 0, 1, 1);
    for (const col of colors) { g.fillStyle = col; g.fillRect(0, 0, 1, 1); }
    return Array.from(g.getImageData(0, 0, 1, 1).data.slice(0, 3)); };
  const lum = (rgb) => { const [r, gg, b] = rgb.map(v => { v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * gg + 0.0722 * b; };
  const page = getComputedStyle(document.body).backgroundColor;
  return Array.from(document.querySelectorAll('.callout')).map(el => {
    const title = el.querySelector(':scope > .callout-title, :scope > summary');
    const bg = paint(page, getComputedStyle(el).backgroundColor);
    const fg = paint(page, getComputedStyle(el).backgroundColor, getComputedStyle(title).color);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return [el.dataset.callout, (hi + 0.05) / (lo + 0.05), getComputedStyle(el).borderLeftColor];
  });
}"""


@pytest.mark.parametrize("scheme, toggled", [("light", None), ("dark", None), ("light", "dark"),
                                             ("dark", "light")])
def test_callout_titles_are_readable_in_both_schemes(site, chrome, scheme, toggled):
    page = chrome.page(scheme=scheme)
    page.goto(page_of(site, "Callouts.md").as_uri())
    if toggled:
        page.evaluate(f"document.documentElement.dataset.theme = '{toggled}'")
    rows = page.evaluate(CONTRAST_JS)
    assert sorted({r[0] for r in rows}) == sorted(CALLOUT_TYPES)
    low = [(kind, round(ratio, 2)) for kind, ratio, _ in rows if ratio < 4.5]
    assert not low, f"callout titles under 4.5:1 ({toggled or scheme}): {low}"
    # each family keeps its own colour
    assert len({border for _, _, border in rows}) == 7
    page.close()


def test_embedded_note_shows_its_title_once(site, chrome):
    page = chrome.page()
    page.goto(page_of(site, "Host.md").as_uri())
    embed = page.locator(".embed-note").first
    got = embed.evaluate("""(e) => {
      const label = e.querySelector('.embed-title'), h1 = e.querySelector('.embed-content > h1');
      const r = (el) => el.getBoundingClientRect(), cs = (el) => getComputedStyle(el);
      return {labelText: label.textContent.trim(), labelFont: parseFloat(cs(label).fontSize),
              labelH: r(label).height, h1Margin: parseFloat(cs(h1).marginTop),
              h1Font: parseFloat(cs(h1).fontSize),
              pageH2: parseFloat(getComputedStyle(document.querySelector('.content h2')
                ?? document.querySelector('.note-title')).fontSize),
              gap: r(h1).top - r(e).top}; }""")
    assert got["labelText"] == "Embedded", "the link keeps its name for screen readers"
    assert got["labelFont"] == 0, "the label would repeat the embedded note's own heading"
    assert got["h1Margin"] == 0 and got["gap"] < 30, got
    assert got["h1Font"] < 26, "an embedded h1 stays below the page's headings"
    link = embed.locator(".embed-title a")
    assert link.is_visible() and link.bounding_box()["width"] >= 12, "a small link opens the note"
    page.close()


def test_print_opens_folded_callouts_and_drops_the_page_tools(site, chrome):
    page = chrome.page()
    page.goto(page_of(site, "Callouts.md").as_uri())
    folded = page.locator("details.callout")
    assert folded.count() == 1 and not folded.evaluate("d => d.open")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert folded.evaluate("d => d.open"), "a folded callout prints with its body"
    assert page.locator("details.callout .callout-content").is_visible()
    for sel in (".note-footer", ".aside", ".explorer", ".topbar"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{sel}')).display") == "none", sel
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert not folded.evaluate("d => d.open"), "and folds again after printing"
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_currentcolor_svg_icons_show_in_dark_mode_at_text_size(site, chrome, scheme):
    """An SVG icon drawn in currentColor is black in an <img>: on the dark theme it was all but
    invisible.  It is lightened there, and an icon in a line of text is as tall as the text."""
    page = chrome.page(scheme=scheme)
    page.goto(page_of(site, "Icons.md").as_uri())
    img = page.locator(".note-content img.svg-currentcolor")
    css_filter, height, font = img.evaluate(
        "i => [getComputedStyle(i).filter, i.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(i.parentElement).fontSize)]")
    assert abs(height - font) < 1
    assert (css_filter != "none") == (scheme == "dark")
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_mermaid_diagram_is_drawn_readable_in_both_schemes(site, chrome, scheme):
    """The SVG is drawn in mermaid's light colours (dark text and arrows): it sits on a light card,
    in the dark theme too, and its labels are laid out where they show."""
    from generator.markdown import mermaid_available

    if not mermaid_available():
        pytest.skip("mmdr is not installed")
    page = chrome.page(scheme=scheme)
    page.goto(page_of(site, "Diagram.md").as_uri())
    card = page.locator(".note-content figure.mermaid")
    background = card.evaluate("f => getComputedStyle(f).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]]
    assert min(channels) >= 240, background
    labels = card.locator("svg text")
    assert sorted(labels.all_text_contents()) == ["Publish", "Write"]
    card_box = card.bounding_box()
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        assert box["width"] > 10 and box["height"] > 5
        assert card_box["x"] <= box["x"] and box["x"] + box["width"] <= card_box["x"] + card_box["width"]
    page.close()
