"""Reading a note in headless Chromium: the theme's ids, search ranking and code copy buttons.

A small vault written here is built with the real pipeline and opened from file://; every request
off the disk is refused and console errors fail.  The search ranking tests build the demo vault.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from chromium import page_of, require_browser

pytestmark = pytest.mark.browser
HERE = Path(__file__).resolve().parent

sync_api = require_browser()
bs4 = pytest.importorskip("bs4")

# Headings named like the theme's elements (and a search result row): Obsidian's anchors for them
# are the bare words, so the theme must not use those ids itself.
THEME_WORDS = ["content", "explorer", "search-input", "search-results", "toc-heading",
               "backlinks-heading", "graph-heading", "sr-0"]
FILLER = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
          "incididunt ut labore et dolore magna aliqua. ") * 4


def _ids_note() -> str:
    out = ["# Ids", ""] + [FILLER, ""] * 6
    for word in THEME_WORDS:
        out += [f"## {word}", ""] + [FILLER, ""] * 4
    return "\n".join(out)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("reading-vault")
    (vault / "vaultsite.toml").write_text('title = "Reading test"\n', encoding="utf-8")
    (vault / "Ids.md").write_text(_ids_note(), encoding="utf-8")
    (vault / "Linker.md").write_text("# Linker\n\nSee [[Ids#content]] and [[Ids#explorer]].\n",
                                     encoding="utf-8")
    (vault / "Code.md").write_text(
        "# Code\n\nSome code:\n\n```python\ndef hello():\n    return 'world <&>'\n```\n\n"
        "And a plain block:\n\n```\nplain text\n```\n\nRun:\n\n```python {exec=true}\n"
        "print('cell out')\n```\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("reading-site") / "site"
    build(load_config(vault), out, exec_mode="auto")
    return out




# ---------- the theme's ids never collide with a heading's ----------

def test_headings_named_like_the_theme_leave_every_id_unique(site):
    for path in sorted(site.rglob("*.html")):
        soup = bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        ids = Counter(el["id"] for el in soup.find_all(id=True))
        assert [i for i, n in ids.items() if n > 1] == [], f"duplicate ids in {path.name}"
    soup = bs4.BeautifulSoup(page_of(site, "Ids.md").read_text(encoding="utf-8"), "html.parser")
    for word in THEME_WORDS:
        heading = soup.find(id=word)
        assert heading is not None and heading.name == "h2", f"#{word} is not the heading"
    # every id the theme refers to exists on the page
    for attr in ("aria-controls", "aria-labelledby", "for"):
        for el in soup.find_all(attrs={attr: True}):
            assert soup.find(id=el[attr]) is not None, f"{attr}={el[attr]} names no element"
    assert soup.find("a", class_="skip-link")["href"] == "#" + soup.find("main")["id"]


def test_a_link_to_a_heading_named_content_scrolls_to_it(site, chrome):
    page = chrome.page(width=1200, height=700)
    page.goto(page_of(site, "Linker.md").as_uri())
    with page.expect_navigation():
        page.locator(".note-content a", has_text="Ids").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("decodeURIComponent(location.hash)") == "#content"
    top = page.evaluate("document.getElementById('content').getBoundingClientRect().top")
    assert page.evaluate("document.getElementById('content').tagName") == "H2"
    assert page.evaluate("scrollY") > 200 and 0 <= top < 200, "the heading is at the top"
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_skip_link_search_and_explorer_still_work(site, chrome, scheme, tmp_path):
    page = chrome.page(width=1200, height=700, scheme=scheme)
    page.goto(page_of(site, "Ids.md").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # search: "/" focuses the box; results open in the listbox the box controls
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.type("linker", delay=20)
    page.wait_for_function("() => document.querySelectorAll('.search-results a').length > 0")
    assert page.evaluate("""() => { const i = document.activeElement;
        return !document.getElementById(i.getAttribute('aria-controls')).hidden; }""")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("""() => { const i = document.activeElement;
        return document.getElementById(i.getAttribute('aria-activedescendant')).tagName; }""") == "A"
    assert page.locator(".search-results a .r-title").first.inner_text() == "Linker"
    page.screenshot(path=str(tmp_path / f"ids-search-{scheme}.png"))
    page.keyboard.press("Escape")
    page.close()
    # phone: the menu button opens the explorer it controls
    page = chrome.page(width=375, height=780, scheme=scheme)
    page.goto(page_of(site, "Ids.md").as_uri())
    toggle = page.locator(".sidebar-toggle")
    nav = page.locator("#" + toggle.get_attribute("aria-controls").replace(":", "\\:"))
    assert nav.get_attribute("class") == "explorer"
    toggle.click()
    page.wait_for_timeout(300)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.bounding_box()["x"] >= 0
    page.close()


# ---------- search ranks body matches by relevance ----------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    import shutil

    from generator.config import load_config
    from generator.pipeline import build

    repo = tmp_path_factory.mktemp("demo-vault")
    for folder in ("notes", "attachments"):
        shutil.copytree(HERE.parent / folder, repo / folder)
    vault = repo / "notes"
    out = tmp_path_factory.mktemp("demo-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out


def _ranked(page, query: str) -> list[str]:
    box = page.locator("input[type=search]")
    box.fill("")
    box.focus()
    box.type(query, delay=20)
    page.wait_for_function(
        "() => !document.querySelector('.search-results').hidden && "
        "!/searching note text|Loading/.test(document.querySelector('.search-results').textContent)"
    )
    return page.locator(".search-results a .r-title").all_inner_texts()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_body_matches_rank_by_relevance(demo, chrome, scheme, tmp_path):
    page = chrome.page(scheme=scheme)
    page.goto((demo / "index.html").as_uri())
    # four times each in a short note about it, against once or twice in longer notes
    ranked = _ranked(page, "event loop")
    assert ranked[0] == "Asynchronous Programming", ranked
    # seven times in the note about it (long) against once in a short journal entry
    ranked = _ranked(page, "heatmap")
    assert ranked[0] == "Intent model disagreements", ranked
    page.locator(".search-results a .r-snippet mark").first.wait_for()
    page.screenshot(path=str(tmp_path / f"search-{scheme}.png"))
    # field matches still come first: a title beats any body, a heading any body match
    assert _ranked(page, "async")[:2] == ["Async in practice", "Asynchronous Programming"]
    page.close()


# ---------- code blocks have a Copy button ----------

CODE = "def hello():\n    return 'world <&>'"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_copy_button_copies_the_code(site, chrome, scheme, tmp_path):
    ctx = chrome.browser.new_context(viewport={"width": 1000, "height": 700}, color_scheme=scheme)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Code.md").as_uri())
    assert page.locator(".cell-output").count() == 1, "the cell ran"
    assert page.locator(".cell-output .code-copy").count() == 0, "no button on output"
    buttons = page.locator(".code-copy")
    assert buttons.count() == 3  # two fences and the executed cell's source
    # keyboard: Tab reaches the button, Enter copies
    buttons.first.focus()
    assert page.evaluate("document.activeElement.textContent") == "Copy"
    page.mouse.move(300, 300)
    page.locator(".code-wrap").first.hover()
    page.screenshot(path=str(tmp_path / f"copy-{scheme}.png"))
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.code-copy').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == CODE
    buttons.nth(1).click()
    page.wait_for_function("() => document.querySelectorAll('.code-copy')[1].textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == "plain text"
    ctx.close()


def test_copy_without_the_clipboard_api_selects_the_code(site, chrome):
    ctx = chrome.browser.new_context(viewport={"width": 1000, "height": 700})
    ctx.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Code.md").as_uri())
    page.locator(".code-copy").first.click()
    assert page.evaluate("getSelection().toString()").rstrip("\n") == CODE
    assert page.locator(".code-copy").first.inner_text() in ("Copied", "Selected: press Ctrl+C")
    ctx.close()


def test_no_copy_button_without_javascript(site, chrome):
    ctx = chrome.browser.new_context(java_script_enabled=False)
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Code.md").as_uri())
    assert page.locator("pre").count() >= 3 and page.locator(".code-copy").count() == 0
    ctx.close()
