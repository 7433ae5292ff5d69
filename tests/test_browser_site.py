"""The built site in headless Chromium, opened from file:// with every other request blocked.

Builds ``tests/vaults/browse`` with the real pipeline when the Markdown stage is available, else the
hand-made site of ``test_site_fixture``.  Screenshots go to ``$VAULTSITE_SCREENSHOTS`` (or a tmp dir).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import carry_storage, host_site, page_of, require_browser

pytestmark = pytest.mark.browser
HERE = Path(__file__).resolve().parent

sync_api = require_browser()


def _pipeline_available() -> bool:
    try:
        from generator.markdown import make_markdown  # noqa: F401
        from generator.pipeline import build  # noqa: F401
    except ImportError:
        return False
    return True


def _build_real(out: Path) -> None:
    from generator.config import load_config
    from generator.pipeline import build

    cfg = load_config(HERE / "vaults" / "browse")
    build(cfg, out, exec_mode="off")


def _build_fixture(out: Path) -> None:
    from test_site_fixture import sample_notes, site_files, write_site

    write_site(site_files(sample_notes()), out)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browse") / "site"
    if _pipeline_available():
        _build_real(out)
    else:
        _build_fixture(out)
    return out





def search(page, query: str) -> list[str]:
    box = page.locator("input[type=search]")
    box.fill("")
    box.focus()
    box.type(query, delay=20)
    page.wait_for_function(
        "() => !document.querySelector('.search-results').hidden && "
        "!/searching note text|Loading/.test(document.querySelector('.search-results').textContent)"
    )
    return page.locator(".search-results a .r-title").all_inner_texts()


def test_search_title_body_prefix(site, chrome, shots):
    page = chrome.page()
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    assert page.locator("input[type=search]").count() == 1
    assert search(page, "python")[0] == "Python", "title matches rank first"
    assert "Garden Plan" in search(page, "zucchini"), "body word"
    assert "Garden Plan" in search(page, "zucch"), "prefix of a body word"
    assert search(page, "corout")[0] == "Asynchronous Programming"
    assert search(page, "comprehens")[0] == "Python"
    href = page.locator(".search-results a").first.get_attribute("href")
    assert href.endswith("Python.html#Comprehensions"), "a heading match links to the heading"
    assert "Café notes" in search(page, "cafe"), "accents fold"
    snippet = page.locator(".search-results a .r-snippet mark").first
    snippet.wait_for()
    page.screenshot(path=str(shots / "search-results.png"))
    # keyboard: arrow down + Enter opens the selected result
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Café" in page.title()
    page.close()


def test_search_shortcuts(site, chrome):
    page = chrome.page()
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    page.locator("body").click(position={"x": 5, "y": 200})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.type") == "search"
    page.close()


def test_hover_preview(site, chrome, shots):
    page = chrome.page()
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    link = page.locator(".note-content a", has_text="async support").first
    link.hover()
    pop = page.locator(".popover")
    pop.wait_for(state="visible", timeout=5000)
    assert "event loop" in pop.inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "popover.png"))
    page.mouse.move(5, 880)
    pop.wait_for(state="detached", timeout=5000)
    # a link to a heading previews that section
    page.goto(page_of(site, "Notes/Café notes.md").as_uri())
    page.locator(".note-content a", has_text="Python syntax").first.hover()
    pop.wait_for(state="visible", timeout=5000)
    assert "Indentation is syntax" in pop.inner_text()
    page.close()


def _ink(page, selector: str) -> int:
    return page.evaluate(
        """(sel) => { const c = document.querySelector(sel); if (!c) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""",
        selector,
    )


def test_local_and_global_graph(site, chrome, shots):
    page = chrome.page()
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    page.wait_for_function("() => document.querySelector('.graph canvas')")
    page.wait_for_timeout(800)
    assert _ink(page, ".graph canvas") > 200, "the local graph draws"
    page.locator(".graph").screenshot(path=str(shots / "graph-local.png"))
    page.goto((site / "graph.html").as_uri())
    page.wait_for_timeout(1500)
    assert _ink(page, ".graph canvas") > 200
    page.screenshot(path=str(shots / "graph-global.png"))
    page.close()


def test_theme_toggle_persists(site, chrome, shots):
    page = chrome.page(scheme="light")
    page.goto((site / "index.html").as_uri())
    page.screenshot(path=str(shots / "home-light.png"))
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.locator(".theme-toggle").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != "rgb(255, 255, 255)"
    assert carry_storage(page, "vaultsite-theme", "dark") == "dark"
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark_bg
    page.wait_for_timeout(600)
    page.screenshot(path=str(shots / "note-dark.png"))
    page.locator(".theme-toggle").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_has_no_sideways_scroll(site, chrome, shots, scheme):
    page = chrome.page(width=375, height=780, scheme=scheme)
    for source in ("Notes/Python.md", "Projects/Garden Plan.md"):
        page.goto(page_of(site, source).as_uri())
        page.wait_for_timeout(300)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{source} scrolls sideways ({width}px)"
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    page.screenshot(path=str(shots / f"phone-{scheme}.png"))
    explorer = page.locator(".explorer")
    assert not explorer.is_visible() or explorer.bounding_box()["x"] < 0
    page.locator(".sidebar-toggle").click()
    page.wait_for_timeout(300)
    assert explorer.bounding_box()["x"] >= 0
    page.screenshot(path=str(shots / f"phone-{scheme}-explorer.png"))
    page.close()


def test_note_page_screenshot_and_weight(site, chrome, shots):
    page = chrome.page()
    note = page_of(site, "Notes/Python.md")
    page.goto(note.as_uri())
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "note-light.png"))
    page.screenshot(path=str(shots / "note-light-full.png"), full_page=True)
    weight = note.stat().st_size + sum(
        (site / "_assets" / f).stat().st_size for f in ("style.css", "vaultsite.js", "graph.js")
    )
    # a guard against a page whose weight runs away (a library vendored, data inlined), not
    # against a feature's few KB: 96.5 KB before the twenty-second session, whose keyboard graph,
    # footnote previews and printed formula lines added 7 KB of script (comments stripped)
    assert weight < 110_000
    page.close()


def test_readable_without_javascript(site, chrome):
    ctx = chrome.browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 800})
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    assert page.locator(".note-content").is_visible()
    assert "Indentation is syntax" in page.locator(".note-content").inner_text()
    assert page.locator(".explorer a", has_text="Café notes").is_visible()
    ctx.close()


def test_tag_and_folder_pages_list_notes(site, chrome):
    page = chrome.page()
    page.goto(page_of(site, "Notes/Python.md").as_uri())
    with page.expect_navigation():
        page.locator(".note-meta a.tag", has_text="python").first.click()
    titles = page.locator(".listing .listing-title").all_inner_texts()
    assert "Python" in titles and "Asynchronous Programming" in titles
    page.close()


@pytest.mark.parametrize("address, root", [
    ("https://me.github.io/notes/Notes/Gone/missing.html", "https://me.github.io/notes/"),
    ("https://me.github.io/notes/missing.html", "https://me.github.io/notes/"),
    ("https://example.org/Notes/missing.html", "https://example.org/"),
    ("https://example.org/Gone/deeper/missing.html", "https://example.org/"),
])
def test_404_page_finds_the_site_root_at_any_depth(site, chrome, address, root):
    """A host serves 404.html for a missing URL at any depth.  Built without ``site_url``, the page
    finds the site root itself: its stylesheet and script load and its links lead into the site."""
    page = chrome.browser.new_page()
    asked = host_site(page, site, root)
    page.goto(address)
    page.wait_for_load_state("load")
    assert page.evaluate("document.baseURI") == root
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent') !== ''"), \
        "the stylesheet loaded"
    assert page.locator(".not-found a", has_text="home page").evaluate("a => a.href") == root + "index.html"
    assert f"{root}_assets/style.css" in asked and f"{root}_assets/vaultsite.js" in asked
    assert all(u == address or u.startswith(root) for u in asked), asked
    page.close()


def test_the_stylesheet_loses_only_comments_and_spaces(chrome):
    """The theme's CSS is written with long comments; pages get it without them and without the
    white space nothing needs (strings kept as written), and Chromium reads both into the very
    same rules."""
    import re

    from generator.sitebuild import compact_css
    from generator.templating import default_template_dir

    static = default_template_dir() / "static"
    assert compact_css('a{b:url("x/*y*/z")} /* c */\n  d{e:"/*  */"}\n') == \
        'a{b:url("x/*y*/z")}\nd{e:"/*  */"}\n'
    assert compact_css(".a :hover ,\n.b\n.c > d { margin : 0  auto ; }") == \
        ".a :hover,.b .c>d{margin :0 auto;}\n"  # a space before ":" may be a descendant
    assert compact_css("@media (hover: none) and (max-width: 40rem) { x { w: calc(1px + 2%) } }") \
        == "@media (hover:none) and (max-width:40rem){x{w:calc(1px + 2%)}\n}\n"
    page = chrome.page()
    page.goto((static / "..").resolve().as_uri())  # any file:// page will do
    for path in sorted(static.glob("*.css")):
        src = path.read_text(encoding="utf-8")
        out = compact_css(src)
        assert "/*" not in re.sub(r'"[^"]*"', "", out) and len(out) < len(src), path.name
        if path.name == "style.css":
            assert len(out) < len(src) * 0.85
        rules = page.evaluate("""texts => texts.map(t => {
            const sheet = new CSSStyleSheet(); sheet.replaceSync(t);
            // Chromium keeps an author's ", " inside some functions (color-mix) as written
            return Array.from(sheet.cssRules, r => r.cssText.replace(/, +/g, ",")); })""",
                              [src, out])
        assert rules[0] == rules[1] and len(rules[0]) > 10, path.name
    page.close()
