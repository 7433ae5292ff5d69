"""Accessibility fixes from audit7 (axe-core, the HTML validator and keyboard checks): each test
names the report's finding it guards.

A small vault written here is built with the real pipeline and opened from file://; every request off
the disk is refused and console errors fail.  Screenshots go to ``$VAULTSITE_SCREENSHOTS`` (or a tmp dir).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of, require_browser

pytestmark = pytest.mark.browser

sync_api = require_browser()

PARA = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
        "labore et dolore magna aliqua. ")
CODE = ('```python\n# nothing has run yet\ndef main(n):\n    return "x", 1, len(n)\n```\n')
FILES = {
    "vaultsite.toml": 'title = "A11y test"\n',
    "Home.md": "# Home\n\nStart with [[Links]].\n",
    "Links.md": ("# Links\n\nSee [[Code]] for details and [the site](https://example.org).[^1] #topic\n\n"
                 "- a list item naming [[Tasks]]\n\n"
                 "> [!note] Callout\n> It points at [[Code]].\n\n[^1]: A footnote.\n"),
    "Code.md": ("# Code\n\n" + CODE + "\n> [!tip] Tip\n> " + CODE.replace("\n", "\n> ") + "\n"
                "> [!example] Example\n> " + CODE.replace("\n", "\n> ") + "\n"
                "```text\n" + "a_very_long_line_" * 20 + "\n```\n\n"
                "| " + " | ".join(f"column {i}" for i in range(14)) + " |\n"
                "|" + "---|" * 14 + "\n| " + " | ".join(f"value {i}" for i in range(14)) + " |\n\n"
                "$$\n" + "x_1 + " * 60 + "y\n$$\n\n$$\n" + "z_2 + " * 60 + "w\n$$\n"),
    "Tasks.md": "# Tasks\n\n- [ ] write a helper\n- [x] read the cheatsheet\n",
    "Callouts.md": ("# Callouts\n\n> [!question] Q\n> > [!warning] W\n> > > [!success] Innermost\n"
                    "> > > Deep text.\n\n> [!question] Can callouts nest?\n> > [!todo] Yes!, they can.\n"),
    "Long.md": "# Long\n\n" + "\n\n".join(f"## Part {i}\n\n{PARA * 2}\n\n{CODE}" for i in range(12)),
}
for _i in range(12):
    FILES[f"Folder/Note {_i}.md"] = f"# Note {_i}\n\nSee [[Home]].\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("a11y-vault")
    for rel, text in FILES.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("a11y-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out




def _open(chrome, site, source, width=1280, scheme="light", height=800):
    page = chrome.page(width=width, height=height, scheme=scheme)
    page.goto(page_of(site, source).as_uri())
    return page


# ---------- #1: links in running text are underlined, navigation lists are not ----------

UNDERLINED = "el => getComputedStyle(el).textDecorationLine"


def test_links_in_text_are_underlined_navigation_is_not(site, chrome):
    page = _open(chrome, site, "Links.md")
    for sel in [".note-content p a.internal-link", ".note-content li a.internal-link",
                ".note-content .callout a", ".note-content .footnotes a",
                ".note-content p a[href^='https:']", ".note-content sup a"]:
        assert page.eval_on_selector(sel, UNDERLINED) == "underline", sel
    for sel in [".explorer .tree a", ".toc a, .explorer-home", ".backlinks .listing-title",
                ".note-content a.tag", ".breadcrumbs a"]:
        for value in page.eval_on_selector_all(sel, f"els => els.map({UNDERLINED})"):
            assert value == "none", sel
    page.close()


# ---------- #2: code colours reach 4.5:1 on the code panel, which is back ----------

# contrast of an element's text against its backdrop: the ancestors' backgrounds composited over white
CONTRAST = """el => {
  const rgba = c => { const n = c.match(/[\\d.]+/g).map(Number), srgb = c.startsWith('color(');
    const v = srgb ? n.slice(0, 3).map(x => x * 255) : n.slice(0, 3);
    return [...v, n.length > 3 ? n[3] : 1]; };
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const b = rgba(getComputedStyle(e).backgroundColor);
    if (b[3] > 0) layers.push(b);
    if (b[3] >= 1) break;
  }
  let bg = [255, 255, 255];
  for (const l of layers.reverse()) bg = bg.map((x, i) => l[i] * l[3] + x * (1 - l[3]));
  const lum = c => { const [r, g, b] = c.map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const fg = rgba(getComputedStyle(el).color), a = lum(fg.slice(0, 3)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_tokens_reach_4_5_on_the_code_panel(site, chrome, shots, scheme):
    page = _open(chrome, site, "Code.md", scheme=scheme)
    panel = page.eval_on_selector(".note-content pre.highlight", "el => getComputedStyle(el).backgroundColor")
    code_bg = page.evaluate("getComputedStyle(document.body).getPropertyValue('--bg-code')")
    assert panel != "rgba(0, 0, 0, 0)", "the code block keeps its grey panel"
    assert page.evaluate(f"""() => {{ const d = document.createElement('div');
        d.style.background = '{code_bg}'; document.body.append(d);
        const c = getComputedStyle(d).backgroundColor; d.remove(); return c; }}""") == panel
    spans = page.locator(".note-content pre.highlight span[class]")
    assert spans.count() > 20
    seen = set()
    for el in spans.element_handles():
        if not el.evaluate("e => e.textContent.trim()"):
            continue
        ratio = el.evaluate(CONTRAST)
        cls = el.get_attribute("class")
        seen.add(cls)
        assert ratio >= 4.5, f"{cls} {el.text_content()!r}: {ratio:.2f} ({scheme})"
    assert {"s2", "nf", "mi", "c1", "nb"} <= seen, seen
    page.locator(".note-content .callout").first.screenshot(path=str(shots / f"code-callout-{scheme}.png"))
    page.close()


# ---------- #3: the phone drawer keeps Tab inside or closes; Esc gives focus back to ☰ ----------

def test_phone_drawer_closes_when_tab_leaves_and_escape_returns_focus(site, chrome, shots):
    page = _open(chrome, site, "Links.md", width=390, height=844)
    toggle = page.locator(".sidebar-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.body.classList.contains('nav-open')")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.explorer')"):
            break
    else:
        pytest.fail("Tab never reached the explorer")
    page.screenshot(path=str(shots / "drawer-open-390.png"))
    for _ in range(40):
        page.keyboard.press("Tab")
        inside = page.evaluate("!!document.activeElement.closest('.explorer')")
        if not inside:
            assert not page.evaluate("document.body.classList.contains('nav-open')"), \
                "focus left the drawer while it still covers the page"
            assert toggle.get_attribute("aria-expanded") == "false"
            break
    else:
        pytest.fail("Tab never left the explorer")
    toggle.focus()
    page.keyboard.press("Enter")
    page.locator(".explorer-home").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('nav-open')")
    assert page.evaluate("document.activeElement.classList.contains('sidebar-toggle')")
    page.close()


# ---------- #4: the sticky top bar never covers the focused element; the TOC still follows ----------

def test_focus_scrolled_into_view_clears_the_top_bar(site, chrome, shots):
    page = _open(chrome, site, "Long.md")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.locator(".note-content .code-copy").last.focus()
    bar = page.eval_on_selector(".topbar", "el => el.getBoundingClientRect().bottom")
    checked = 0
    for _ in range(14):
        page.keyboard.press("Shift+Tab")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        box = page.evaluate("""() => { const e = document.activeElement;
            return e.closest('.note-content') ? e.getBoundingClientRect().top : null; }""")
        if box is not None:
            checked += 1
            assert box >= bar, f"focused element at {box}px, under the {bar}px top bar"
    assert checked >= 6
    page.screenshot(path=str(shots / "focus-below-topbar.png"))
    # an anchor jump still lands below the bar, and the TOC marks that section
    page.locator(".toc a", has_text="Part 7").click()
    page.wait_for_timeout(300)
    top = page.eval_on_selector("#Part-7", "el => el.getBoundingClientRect().top")
    assert bar <= top <= bar + 40
    assert page.locator(".toc a.active").inner_text() == "Part 7"
    page.evaluate("window.scrollBy(0, document.getElementById('Part-9').getBoundingClientRect().top - 60)")
    page.wait_for_timeout(300)
    assert page.locator(".toc a.active").inner_text() == "Part 9"
    page.close()


# ---------- #5: a task's checkbox is named by the task's text; done and open look as before ----------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_task_checkboxes_are_named_by_their_text(site, chrome, shots, scheme):
    page = _open(chrome, site, "Tasks.md", scheme=scheme)
    open_box = page.get_by_role("checkbox", name="write a helper", exact=True)
    done_box = page.get_by_role("checkbox", name="read the cheatsheet", exact=True)
    assert open_box.count() == 1 and done_box.count() == 1
    assert not open_box.is_checked() and done_box.is_checked()
    styles = page.evaluate("""() => { const s = getComputedStyle(document.body), c = e => getComputedStyle(e);
        const done = document.querySelector('li.is-checked'),
            open = document.querySelector('li.task-list-item:not(.is-checked)');
        const probe = v => { const d = document.createElement('div'); d.style.color = s.getPropertyValue(v);
            document.body.append(d); const x = c(d).color; d.remove(); return x; };
        return {done: c(done.querySelector('label')).color, open: c(open.querySelector('label')).color,
                muted: probe('--text-muted'), text: probe('--text'), accent: probe('--accent'),
                box: c(done.querySelector('input')).backgroundColor}; }""")
    assert styles["done"] == styles["muted"] and styles["open"] == styles["text"], styles
    assert styles["box"] == styles["accent"], styles
    page.locator(".note-content").screenshot(path=str(shots / f"tasks-{scheme}.png"))
    page.close()


# ---------- #6: the graph's notes as a list, with JavaScript on; a pointer from the local graph ----------

def test_graph_page_lists_every_note_for_the_keyboard(site, chrome, shots):
    page = chrome.page(width=1280, height=800)
    page.goto((site / "graph.html").as_uri())
    page.wait_for_function("() => document.querySelector('.graph canvas')")
    summary = page.locator("details.graph-list > summary")
    assert summary.is_visible()
    notes = len([f for f in FILES if f.endswith(".md")])
    assert page.locator("details.graph-list .listing-title").count() == notes
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.graph-list') && document.activeElement.tagName")
    assert focused == "A"
    page.screenshot(path=str(shots / "graph-list-open.png"), full_page=True)
    page.close()
    page = _open(chrome, site, "Links.md")
    hint = page.locator(".graph-panel > p.visually-hidden")
    assert "lists every note" in hint.inner_text()
    assert hint.evaluate("el => el.getBoundingClientRect().width") <= 1
    page.close()


# ---------- #8: nested callouts' titles keep 4.5:1: the tints are opaque and do not stack ----------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nested_callout_titles_keep_4_5(site, chrome, shots, scheme):
    page = _open(chrome, site, "Callouts.md", scheme=scheme)
    titles = page.locator(".callout .callout-title, details.callout > summary")
    assert titles.count() >= 5
    for el in titles.element_handles():
        ratio = el.evaluate(CONTRAST)
        assert ratio >= 4.5, f"{el.inner_text()!r}: {ratio:.2f} ({scheme})"
    alphas = page.eval_on_selector_all(".callout .callout .callout", """els => els.map(e =>
        getComputedStyle(e).backgroundColor)""")
    assert alphas and all("/" not in a and not a.startswith("rgba") for a in alphas), alphas
    page.locator(".note-content").screenshot(path=str(shots / f"callouts-nested-{scheme}.png"))
    page.close()


# ---------- #9: a box that scrolls sideways is in the tab order (and named), one that fits is not ----------

def test_scrolling_code_and_tables_are_focusable(site, chrome, shots):
    page = _open(chrome, site, "Code.md", width=390, height=844)
    state = page.eval_on_selector_all(".note-content :is(pre, table)", """els => els.map(e => ({
        tag: e.tagName, over: e.scrollWidth > e.clientWidth + 1, tab: e.getAttribute('tabindex'),
        role: e.getAttribute('role'), label: e.getAttribute('aria-label')}))""")
    wide = [s for s in state if s["over"]]
    assert any(s["tag"] == "TABLE" for s in wide) and any(s["tag"] == "PRE" for s in wide), state
    for s in state:
        assert (s["tab"] == "0") == s["over"], s
    assert all(s["role"] is None for s in wide), "a table or pre keeps its own role"
    maths = page.eval_on_selector_all(".note-content .math.block", """els => els.map(e =>
        [e.getAttribute('tabindex'), e.getAttribute('role'), e.getAttribute('aria-label')])""")
    assert maths == [["0", "region", "Equation 1"], ["0", "region", "Equation 2"]], maths
    table = page.locator(".note-content table")
    table.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert table.evaluate("el => el.scrollLeft") > 0, "the arrow keys scroll the focused table"
    # wide enough for it, the table fits and leaves the tab order
    page.set_viewport_size({"width": 1800, "height": 900})
    page.wait_for_timeout(400)
    fits = page.eval_on_selector(".note-content table", "el => el.scrollWidth <= el.clientWidth + 1")
    if fits:
        assert page.eval_on_selector(".note-content table", "el => el.getAttribute('tabindex')") is None
    page.close()


# ---------- #11: one live region, there from the start, says how the search went; legible paths ----------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_status_is_one_persistent_live_region(site, chrome, scheme):
    page = _open(chrome, site, "Links.md", scheme=scheme)
    live = page.locator("[role=status]")
    assert live.count() == 1 and live.get_attribute("id") == "vs:search-status"
    live.evaluate("el => { el.dataset.seen = '1'; }")
    box = page.locator("#vs\\:search-input")
    box.click()
    box.type("zzqx", delay=30)
    said = "re => new RegExp(re).test(document.getElementById('vs:search-status').textContent)"
    page.wait_for_function(said, arg="No notes match")
    assert page.locator("#vs\\:search-results [role=status]").count() == 0
    assert page.locator("#vs\\:search-results > :not([role=option])").evaluate_all(
        "els => els.every(e => e.getAttribute('aria-hidden') === 'true')")
    box.fill("")
    box.type("note", delay=30)
    page.wait_for_function(said, arg="\\d+ notes")
    assert page.locator("[role=status]").get_attribute("data-seen") == "1", "the same element, not a new one"
    page.keyboard.press("ArrowDown")
    path = page.locator("#vs\\:search-results a[aria-selected=true] .r-path")
    assert path.count() == 1
    ratio = path.evaluate(CONTRAST)
    assert ratio >= 4.5, f"the selected result's path: {ratio:.2f}"
    page.close()


# ---------- #12: a preview is for the eye: hidden from screen readers, out of the tab order ----------

def test_preview_is_hidden_from_assistive_tech_and_out_of_the_tab_order(site, chrome):
    page = _open(chrome, site, "Home.md")
    link = page.locator(".note-content p a.internal-link").first
    link.focus()
    pop = page.locator(".popover")
    pop.wait_for()
    assert pop.get_attribute("role") is None
    assert pop.get_attribute("aria-hidden") == "true"
    assert pop.evaluate("""el => [...el.querySelectorAll('a, button, summary')].every(e => e.tabIndex < 0)
        && el.querySelectorAll('a').length > 0""")
    page.keyboard.press("Tab")
    assert not page.evaluate("!!document.activeElement.closest('.popover')")
    assert page.locator("[role=tooltip]").count() == 0
    page.close()


# ---------- #15: no empty "Page tools" landmark, and no empty column for it ----------

def test_pages_without_tools_have_no_aside_and_no_empty_column(site, chrome):
    page = chrome.page(width=1280, height=800)
    cols = "() => getComputedStyle(document.querySelector('.layout')).gridTemplateColumns.split(' ').length"
    for url in ["index.html", "_tags.html", "_tags/topic.html", "Folder/index.html", "404.html",
                "graph.html"]:
        page.goto((site / url).as_uri())
        assert page.locator("aside, [role=complementary]").count() == 0, url
        assert page.evaluate(cols) == 2, url
    page.goto(page_of(site, "Links.md").as_uri())
    assert page.locator("aside.aside .toc, aside.aside .graph-panel").count() >= 1
    assert page.evaluate(cols) == 3
    page.close()


# ---------- #17: reduced motion, the / shortcut, Esc in the search box, the theme toggle's name ----------

def test_reduced_motion_stops_every_transition(site, chrome):
    ctx = chrome.browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce")
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Code.md").as_uri())
    moving = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
        [null, '::before', '::after'].map(p => [e, getComputedStyle(e, p)]))
        .filter(([e, s]) => s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
                         || s.animationName !== 'none')
        .map(([e]) => e.className || e.tagName)""")
    assert moving == [], moving
    ctx.close()


def test_slash_shortcut_only_without_modifiers_and_escape_keeps_focus(site, chrome):
    page = _open(chrome, site, "Links.md")
    focused = "() => document.activeElement.id"
    for combo in ["Control+/", "Alt+/", "Meta+/"]:
        page.keyboard.press(combo)
        assert page.evaluate(focused) != "vs:search-input", combo
    page.keyboard.press("/")
    assert page.evaluate(focused) == "vs:search-input"
    page.keyboard.type("co")
    page.keyboard.press("Escape")
    assert page.evaluate(focused) == "vs:search-input"
    assert page.locator("#vs\\:search-input").input_value() == ""
    page.keyboard.press("Escape")
    assert page.evaluate(focused) == "vs:search-input", "Esc in the empty box leaves focus there"
    page.locator(".note-content a").first.focus()
    page.keyboard.press("Control+k")
    assert page.evaluate(focused) == "vs:search-input", "Ctrl+K still goes to the search"
    page.close()


def test_theme_toggle_name_agrees_with_its_pressed_state(site, chrome):
    page = _open(chrome, site, "Links.md")
    toggle = page.get_by_role("button", name="Dark theme", exact=True)
    assert toggle.count() == 1
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    page.close()
