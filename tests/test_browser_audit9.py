"""The ninth audit, how the site looks in headless Chromium: mermaid diagrams on a phone and on
paper, their edge labels, right-to-left paragraphs, the search box.

A small vault written here is built with the real pipeline and opened from file://; every request
off the disk is refused and console errors fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of, require_browser

pytestmark = pytest.mark.browser

sync_api = require_browser()

# the Help vault's sync diagram: two labels side by side on each pair of arrows
SYNC = """# Sync

```mermaid
graph TD
    A[Local Vault A] -->|Upload| B[Remote Vault]
    B -->|Download| A
    B -->|Download| C[Local Vault B]
    C -->|Upload| B
    B -->|Download| D[Local Vault C]
    D -->|Upload| B
    B -->|disagreements| E[Local Vault D]
```
"""

# a long left-to-right pipeline: about 1,100 px as drawn
WIDE = """# Wide

Before.

```mermaid
flowchart LR
  A[Relabel 5k utterances] --> B[Train model one] --> C[Train model two] --> D[Compare on live traffic]
  D --> E[Sample and hand-label] --> F[Ship the winner behind a flag]
```

After.
"""


RTL = """# Notes

هذه فقرة باللغة العربية مع كلمة English في الوسط.

An English paragraph.

- עברית ראשונה
- עוד אחד

- [ ] مهمة مفتوحة
"""


LONG_TITLES = """# Long titles

> [!warning]- A very long foldable callout title that will certainly wrap onto two or three lines
> Body text.

> [!tip] Another long title, not foldable, that wraps onto more than one line on a narrow screen
> Body
"""


LINKS = """# Links

To [[Long titles]], to [the docs](https://docs.python.org/3/), a bare https://example.org/x and
[mail](mailto:me@example.org); a linked picture [![logo](https://example.org/logo.png)](https://example.org).
"""


OUTLINE = "# Outline\n\n" + "".join(f"## Part {n}\n\n" + "Text. " * 200 + "\n\n" for n in range(1, 9))


# the demo's Context managers table: a column of long code names, a column of prose
TABLE = """# Table

| Context manager | What for |
| --- | --- |
| `contextlib.suppress(FileNotFoundError)` | ignore one exception type, explicitly |
| `tempfile.TemporaryDirectory()` | scratch space that cleans itself up |
| https://docs.python.org/3/library/contextlib.html | the docs |
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.markdown import mermaid_available
    from generator.pipeline import build

    if not mermaid_available():
        pytest.skip("mmdr is not installed: diagrams are shown as source")
    vault = tmp_path_factory.mktemp("audit9-vault")
    (vault / "vaultsite.toml").write_text('title = "Audit 9"\n', encoding="utf-8")
    (vault / "Sync.md").write_text(SYNC, encoding="utf-8")
    (vault / "Wide.md").write_text(WIDE, encoding="utf-8")
    (vault / "عربي.md").write_text(RTL, encoding="utf-8")
    (vault / "Long titles.md").write_text(LONG_TITLES, encoding="utf-8")
    (vault / "Links.md").write_text(LINKS, encoding="utf-8")
    (vault / "Outline.md").write_text(OUTLINE, encoding="utf-8")
    (vault / "Table.md").write_text(TABLE, encoding="utf-8")
    (vault / "Tasks.md").write_text("# Tasks\n\n- [x] Done\n- [ ] Open\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("audit9-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out


EDGE_LABELS = """() => [...document.querySelectorAll('figure.mermaid g.merman-foreignobject-fallback')]
    .filter(g => g.querySelector('rect') && g.querySelectorAll('text').length === 1)
    .map(g => [g.querySelector('text').textContent,
               g.querySelector('text').getBoundingClientRect().width,
               g.querySelector('rect').getBoundingClientRect().width])"""


def test_an_edge_label_stays_inside_its_box(site, chrome):
    # mmdr sizes a label's box with metrics 10-18% narrower than the browser's Arial or Liberation
    # Sans: "Download" ran 9 px past its box, over the arrow, and the Help vault's sync diagram
    # read "UploadDownload"
    page = chrome.page(width=1280)
    page.goto(page_of(site, "Sync.md").as_uri())
    labels = page.evaluate(EDGE_LABELS)
    assert sorted({text for text, _, _ in labels}) == ["Download", "Upload", "disagreements"]
    for text, drawn, box in labels:
        assert drawn <= box + 0.5, f"{text!r} is {drawn:.1f} px wide in a {box:.1f} px box"
    page.close()


def measure_wide(page):
    return page.evaluate("""() => {
        const f = document.querySelector('figure.mermaid'), s = f.querySelector('svg');
        return {scale: s.getBoundingClientRect().width / s.viewBox.baseVal.width,
                scrolls: f.scrollWidth > f.clientWidth + 1, page: document.documentElement.scrollWidth,
                tab: f.tabIndex, role: f.getAttribute('role'), name: f.getAttribute('aria-label')};
    }""")


def test_a_wide_diagram_scrolls_in_its_card_on_a_phone_with_readable_labels(site, chrome):
    # it shrank to fit the phone: a 1,100 px flowchart at 0.3 of its size, labels 4 px tall,
    # and nothing to scroll
    page = chrome.page(width=390, height=844)
    page.goto(page_of(site, "Wide.md").as_uri())
    m = measure_wide(page)
    assert m["scale"] >= 0.59, m
    assert m["scrolls"] and m["page"] == 390, "the card scrolls, never the page"
    # a box that scrolls is reached with the keyboard, and named
    assert m["tab"] == 0 and m["role"] == "region" and m["name"] == "Diagram 1"
    page.close()


def test_a_wide_diagram_still_fits_a_desktop_column_and_a_printed_page(site, chrome):
    page = chrome.page(width=1280)
    page.goto(page_of(site, "Wide.md").as_uri())
    m = measure_wide(page)
    assert not m["scrolls"] and m["tab"] == -1 and m["role"] is None, m
    assert 0.5 <= m["scale"] < 1
    page.close()
    # paper does not scroll: on a phone-sized page the diagram shrinks to the width again
    page = chrome.page(width=390, height=844)
    page.goto(page_of(site, "Wide.md").as_uri())
    page.emulate_media(media="print")
    m = measure_wide(page)
    assert not m["scrolls"], m
    page.close()


def test_right_to_left_text_reads_and_aligns_right_to_left(site, chrome):
    # an Arabic or Hebrew paragraph was laid out left to right: flush left, its full stop at the
    # wrong end, bullets on the left
    page = chrome.page(width=1280)
    page.goto(page_of(site, "عربي.md").as_uri())
    m = page.evaluate("""() => {
        const box = e => e.getBoundingClientRect(), col = box(document.querySelector('.note-content'));
        const para = [...document.querySelectorAll('.note-content p')];
        const range = document.createRange();
        const ends = p => { range.selectNodeContents(p); const r = range.getBoundingClientRect();
                            return [r.left - col.left, col.right - r.right]; };
        const title = document.querySelector('.note-title'), t = document.createRange();
        t.selectNodeContents(title);
        return {arabic: ends(para[0]), english: ends(para[1]),
                items: [...document.querySelectorAll('.note-content li')].map(li => [
                    getComputedStyle(li).direction, box(li).right - col.right]),
                box: box(document.querySelector('.note-content input')).left
                     - box(document.querySelector('.note-content li.task-list-item')).left,
                title: col.right - t.getBoundingClientRect().right};
    }""")
    assert m["arabic"][1] < 1 and m["arabic"][0] > 100, "flush right"
    assert m["english"][0] < 1 and m["english"][1] > 100, "an English paragraph stays flush left"
    # the items are indented from the right, with their bullets (and a task's box) on the right
    for direction, right in m["items"]:
        assert direction == "rtl" and right < -10, m["items"]
    assert m["box"] > 0, "a task's box stands right of its text"
    assert m["title"] < 1, "the note's Arabic title is flush right"
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_search_icon_is_centred_in_the_search_box(site, chrome, width):
    # the magnifier, an inline SVG in a line box placed 0.4rem from the top, sat 3.4 px below the
    # middle of the box its placeholder is centred in
    page = chrome.page(width=width)
    page.goto((site / "index.html").as_uri())
    middles = page.evaluate("""() => ['.search-input', '.search-icon svg', '.search-key'].map(s => {
        const r = document.querySelector(s).getBoundingClientRect();
        return r.height ? r.top + r.height / 2 : null; })""")
    box, icon, key = middles
    assert abs(icon - box) <= 0.5, middles
    assert key is None or abs(key - box) <= 0.5, middles
    page.close()


def test_a_done_task_still_looks_done_on_paper(site, chrome):
    # the box is filled with the accent and its tick drawn in the page colour (white): printing
    # drops backgrounds, so on paper a done task's box was empty, like an open one
    page = chrome.page(width=800, scheme="dark")
    page.goto(page_of(site, "Tasks.md").as_uri())
    page.emulate_media(media="print")
    ticks = page.evaluate("""() => [...document.querySelectorAll('.note-content input')].map(b => {
        const tick = getComputedStyle(b, '::before');
        return [b.checked, tick.content === 'none' ? null : tick.borderRightColor];
    })""")
    # black on white paper, whatever the scheme on screen; the open box has no tick
    assert ticks == [[True, "rgb(0, 0, 0)"], [False, None]]
    page.close()


CONTRAST = """e => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const s = getComputedStyle(e), a = lum(s.color), b = lum(s.backgroundColor);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_skip_link_is_readable_in_both_schemes(site, chrome, scheme):
    # white on the dark scheme's light accent (#a88bfa) measured 2.7:1, the first thing a
    # keyboard user sees on every page
    page = chrome.page(width=1280, scheme=scheme)
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")
    link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert link.evaluate(CONTRAST) >= 4.5
    page.close()


def test_a_wrapped_callout_title_keeps_its_icon_and_chevron_on_its_first_line(site, chrome):
    # the title row centred its icon and fold chevron on the whole block: on a phone, beside a
    # three-line title they floated by its middle line
    page = chrome.page(width=390, height=844)
    page.goto(page_of(site, "Long titles.md").as_uri())
    rows = page.evaluate("""() => [...document.querySelectorAll('.note-content :is(.callout-title, summary)')]
        .map(t => {
            const text = t.querySelector('.callout-title-inner');
            const r = document.createRange(); r.selectNodeContents(text);
            const first = r.getClientRects()[0], mid = b => b.top + b.height / 2;
            const chevron = t.matches('summary') ? getComputedStyle(t, '::after') : null;
            const icon = t.querySelector('.callout-icon svg').getBoundingClientRect();
            return {lines: Math.round(text.getBoundingClientRect().height / first.height),
                    first: mid(first), icon: mid(icon), chevronAlign: chevron && chevron.alignSelf};
        })""")
    assert len(rows) == 2
    for row in rows:
        assert row["lines"] >= 2, row
        assert abs(row["icon"] - row["first"]) <= 2, row
    assert rows[0]["chevronAlign"] == "flex-start"
    page.close()


def test_a_link_that_leaves_the_site_is_marked_as_one(site, chrome):
    # external links looked exactly like links to other notes (the theme's arrow was for an
    # "external" class no link had); Obsidian marks them with an arrow after the text
    page = chrome.page(width=1280)
    page.goto(page_of(site, "Links.md").as_uri())
    marks = page.evaluate("""() => [...document.querySelectorAll('.note-content p a')].map(a => {
        const after = getComputedStyle(a, '::after');
        return [a.getAttribute('href'), after.content !== 'none' && after.maskImage !== 'none'];
    })""")
    assert marks == [
        ["Long-titles.html", False],
        ["https://docs.python.org/3/", True],
        ["https://example.org/x", True],
        ["mailto:me@example.org", False],
        ["https://example.org", False],
    ]
    page.close()


@pytest.mark.parametrize("width", [390, 1000])
def test_the_outline_is_at_the_top_of_a_note_where_the_side_panel_is_below_it(site, chrome, width):
    # below 1180 px the side panel (outline and graph) moves under the note and its backlinks: on
    # a phone or a tablet the outline of a long page was at its very end, out of reach
    page = chrome.page(width=width, height=844)
    page.goto(page_of(site, "Outline.md").as_uri())
    inline = page.locator(".toc-inline")
    assert inline.is_visible() and not page.locator(".aside .toc").is_visible()
    assert inline.bounding_box()["y"] < page.locator(".note-content").bounding_box()["y"]
    page.locator(".toc-inline > summary").click()
    page.locator(".toc-inline a", has_text="Part 6").click()
    page.wait_for_timeout(300)
    top = page.evaluate("document.getElementById('Part-6').getBoundingClientRect().top")
    bar = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().bottom")
    assert bar <= top <= bar + 40
    page.close()


def test_a_desktop_keeps_the_outline_in_its_side_panel(site, chrome):
    page = chrome.page(width=1366)
    page.goto(page_of(site, "Outline.md").as_uri())
    assert page.locator(".aside .toc").is_visible() and not page.locator(".toc-inline").is_visible()
    page.close()


def test_a_table_of_long_code_names_fits_a_phone_with_readable_prose(site, chrome):
    # a code name or address cannot break, so its column took the phone's whole width and the
    # prose column was squeezed to one word a line, off to the right behind a scroll
    page = chrome.page(width=390, height=844)
    page.goto(page_of(site, "Table.md").as_uri())
    m = page.evaluate("""() => { const t = document.querySelector('.note-content table');
        const prose = [...t.querySelectorAll('td:last-child')].map(td => td.getBoundingClientRect().width);
        return {scrolls: t.scrollWidth > t.clientWidth + 1, prose: Math.min(...prose)}; }""")
    assert not m["scrolls"] and m["prose"] >= 120, m
    page.close()


def test_a_printed_page_gives_a_links_address_once(site, chrome):
    # on paper a web link is followed by its address; a bare address was printed twice over
    page = chrome.page(width=800)
    page.goto(page_of(site, "Links.md").as_uri())
    page.emulate_media(media="print")
    after = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.note-content p a')]
        .map(a => [a.textContent, getComputedStyle(a, '::after').content]))""")
    assert "(https://docs.python.org/3/)" in after["the docs"]
    assert after["https://example.org/x"] == "none"
    page.close()
