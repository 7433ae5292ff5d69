"""Theme details a user audit found (audit6): scrollable previews, legible graph labels, touch use
of the graph and copy buttons, an explorer that remembers folders, the home page's meta, done tasks.

A small vault written here is built with the real pipeline and opened from file://; every request off
the disk is refused and console errors fail.  Screenshots go to ``$VAULTSITE_SCREENSHOTS`` (or a tmp dir).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import carry_storage, host_site, page_of, require_browser

pytestmark = pytest.mark.browser

sync_api = require_browser()

PARA = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
        "labore et dolore magna aliqua. ")
# long names, as a user's notes have them: their labels are wider than the gaps between nodes
NEIGHBOURS = ["Projects/Work/Designing Data-Intensive Applications", "Notes/Asynchronous Programming",
              "Notes/Futures and Promises", "Data/SQL Window Functions", "Data/Intent Model Heatmap",
              "Notes/Decorators and Closures", "Notes/Rust Ownership and Borrowing"]
FILES = {
    "vaultsite.toml": 'title = "Polish test"\n',
    "Home.md": "# My programming notes\n\nWelcome. #index\n\nStart with [[Hub]].\n",
    "Hub.md": "# Hub\n\n" + PARA + "\n\n" + "\n".join(f"- [[{n}]]" for n in NEIGHBOURS)
              + "\n\nThe [[Long note]] is long.\n\n" + (PARA * 3 + "\n\n") * 12,
    "Long note.md": "# Long note\n\n" + "\n\n".join(f"## Part {i}\n\n{PARA * 2}" for i in range(20))
                    + "\n\nThe very end.\n",
    "Code.md": "# Code\n\n```json\n{\"intent\": \"refund\", \"confidence\": 0.93, \"label\": \"ok\"}\n```\n",
    "Tasks.md": "# Tasks\n\n- [ ] write a helper\n- [x] read the cheatsheet\n",
}
# a short journal entry names asyncio once; the long note about it, six times (audit6's case)
FILES["Daily/2025-04-11.md"] = "# 2025-04-11\n\nTried asyncio today.\n"
FILES["Notes/Event loops.md"] = "# Event loops\n\n" + "\n\n".join(
    [PARA * 2] * 6 + [f"Part {i}: asyncio runs coroutines on one thread. {PARA * 2}" for i in range(6)])
for _name in NEIGHBOURS:
    FILES[_name + ".md"] = f"# {_name.rsplit('/', 1)[-1]}\n\nSee [[Hub]].\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("polish-vault")
    for rel, text in FILES.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("polish-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out




# ---------- 1. a hover preview scrolls, and stays open while the pointer is in it ----------

#: the preview, once the wheel has scrolled it past ``y`` (or it is gone: the assertions then say so)
_POP_SCROLLED = "y => { const p = document.querySelector('.popover'); return !p || p.scrollTop > y; }"
#: the preview scrolled to its end (or gone)
_POP_AT_END = """() => { const p = document.querySelector('.popover');
    return !p || p.scrollTop + p.clientHeight >= p.scrollHeight - 1; }"""


def _until(page, condition: str, arg=None, seconds: float = 30) -> None:
    """Wait (in real time) until ``condition`` holds in the page.  Polled from here: with the
    page's clock paused, ``wait_for_function``'s own polling, which runs on the page's timers,
    would never look again."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(condition, arg):
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        time.sleep(0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_hover_preview_scrolls_inside_and_stays_open(site, chrome, shots, scheme):
    # The page's timers run on a clock the test moves (Playwright's page.clock): the preview's
    # show delay (300 ms) and hide delay (250 ms) pass when the test says so.  With the real clock,
    # a loaded machine took longer than the hide delay between two steps of the pointer's move
    # across the gap into the preview, and slower than the 400 ms the test gave the wheel's
    # scrolling: the test failed once at load 10.  What the page does is unchanged: moving into
    # the preview cancels its hide, and leaving it starts the hide again.
    page = chrome.page(width=1280, height=800, scheme=scheme)
    page.clock.install(time=1_000_000)
    page.clock.pause_at(1_001_000)  # from here on the page's time moves only when run_for says
    page.goto(page_of(site, "Hub.md").as_uri())
    link = page.locator(".note-content a", has_text="Long note").first
    link.scroll_into_view_if_needed()
    link.hover()
    page.clock.run_for(300)  # the show delay
    pop = page.locator(".popover")
    pop.wait_for()
    box = pop.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20, steps=4)
    page.clock.run_for(400)  # past the hide delay the pointer's leaving the link started
    assert pop.count() == 1, "the preview stays open while the pointer is in it"
    page_y = page.evaluate("scrollY")
    page.mouse.wheel(0, 400)
    _until(page, _POP_SCROLLED, 100)
    page.clock.run_for(400)
    assert pop.count() == 1, "the preview stays open while the pointer is in it"
    state = page.evaluate("""() => { const p = document.querySelector('.popover'), s = getComputedStyle(p);
        return {top: p.scrollTop, over: s.overflowY, contain: s.overscrollBehaviorY,
                after: getComputedStyle(p, '::after').content}; }""")
    assert state["over"] == "auto" and state["contain"] == "contain", state
    assert state["top"] > 100, f"the wheel scrolls the preview: {state}"
    assert page.evaluate("scrollY") == page_y, "the page under the preview stays put"
    assert state["after"] in ("none", "normal"), "no fade drawn over scrollable text"
    page.screenshot(path=str(shots / f"popover-scrolled-{scheme}.png"))
    # scrolled to its end, the wheel still does not move the page
    page.mouse.wheel(0, 5000)
    _until(page, _POP_AT_END)
    page.wait_for_timeout(400)  # (a wheel the preview passed on to the page would scroll it now)
    assert pop.count() == 1 and page.evaluate("scrollY") == page_y
    # leaving the preview closes it, once the hide delay has passed
    page.mouse.move(5, 5)
    page.clock.run_for(100)
    assert pop.count() == 1, "not before the hide delay"
    page.clock.run_for(200)
    pop.wait_for(state="detached", timeout=30_000)
    page.close()


# ---------- 2. graph labels stay inside the view and do not overlap ----------

# every label a canvas draws, as {text, left, right, top} in CSS pixels, reset when the canvas is cleared
RECORD_LABELS = """
(() => {
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText, clear = P.clearRect;
  P.clearRect = function (...a) { this.canvas._labels = []; return clear.apply(this, a); };
  P.fillText = function (t, x, y, ...a) {
    const w = this.measureText(t).width, left = this.textAlign === 'center' ? x - w / 2 : x;
    (this.canvas._labels = this.canvas._labels || []).push({text: t, left, right: left + w, top: y});
    return fill.call(this, t, x, y, ...a);
  };
})();
"""


def _settled_labels(page, selector: str) -> tuple[list[dict], float]:
    page.wait_for_function("() => window.vsGraph && vsGraph.views.length && "
                           "vsGraph.views.every(v => v.stats && v.stats.settled)", timeout=15000)
    page.wait_for_timeout(100)
    return page.evaluate(f"""() => {{ const c = document.querySelector('{selector} canvas');
        return [c._labels || [], c.clientWidth]; }}""")


def _assert_legible(labels: list[dict], width: float) -> None:
    for lab in labels:
        assert lab["left"] >= 0 and lab["right"] <= width, f"label cut at the edge: {lab} (width {width})"
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = a["right"] <= b["left"] or b["right"] <= a["left"] or abs(a["top"] - b["top"]) >= 11
            assert apart, f"labels overlap: {a['text']!r} and {b['text']!r}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_local_graph_labels_fit_and_do_not_overlap(site, chrome, shots, scheme):
    page = chrome.page(width=1280, height=800, scheme=scheme)
    page.add_init_script(RECORD_LABELS)
    page.goto(page_of(site, "Hub.md").as_uri())
    labels, width = _settled_labels(page, ".aside .graph")
    _assert_legible(labels, width)
    texts = [lab["text"] for lab in labels]
    assert texts[0] == "Hub", "the current note's label is drawn first"
    assert len(texts) >= 5, f"a small local graph names most of its notes: {texts}"
    page.locator(".aside .graph").screenshot(path=str(shots / f"local-graph-{scheme}.png"))
    page.close()
    page = chrome.page(width=1280, height=800, scheme=scheme)
    page.add_init_script(RECORD_LABELS)
    page.goto((site / "graph.html").as_uri())
    labels, width = _settled_labels(page, ".graph")
    _assert_legible(labels, width)
    page.screenshot(path=str(shots / f"graph-desk-{scheme}.png"))
    page.close()


# ---------- 3. on a phone, a first tap on a graph node selects it, a second opens it ----------

def _node_point(page, label: str) -> tuple[float, float]:
    return page.evaluate("""label => { const v = vsGraph.views[0], r = v.canvas.getBoundingClientRect(),
        n = v.sim.nodes.find(n => n.label === label);
        return [r.left + n.x * v.k + v.tx, r.top + n.y * v.k + v.ty]; }""", label)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_graph_shows_labels_and_taps_select_then_open(site, chrome, shots, scheme):
    ctx = chrome.browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme,
                                     is_mobile=True, has_touch=True, device_scale_factor=2)
    page = chrome.page(context=ctx)
    page.add_init_script(RECORD_LABELS)
    start = (site / "graph.html").as_uri()
    page.goto(start)
    labels, width = _settled_labels(page, ".graph")
    _assert_legible(labels, width)
    assert len(labels) >= 4, f"the phone's graph names its notes: {[lab['text'] for lab in labels]}"
    page.locator(".graph").scroll_into_view_if_needed()
    x, y = _node_point(page, "Tasks")
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(400)
    assert page.url == start, "a first tap does not navigate"
    tip = page.locator(".graph-tip")
    assert tip.is_visible() and tip.inner_text() == "Tasks"
    assert page.evaluate("vsGraph.views[0].hover && vsGraph.views[0].hover.label") == "Tasks"
    drawn = page.evaluate("document.querySelector('.graph canvas')._labels")
    assert "Tasks" in [lab["text"] for lab in drawn]
    page.screenshot(path=str(shots / f"graph-phone-tapped-{scheme}.png"))
    # a tap on another node moves the selection; a tap on empty space clears it
    x, y = _node_point(page, "Hub")
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(300)
    assert page.url == start and tip.inner_text() == "Hub"
    box = page.locator(".graph canvas").bounding_box()
    page.touchscreen.tap(box["x"] + 3, box["y"] + box["height"] - 3)
    page.wait_for_timeout(300)
    assert page.url == start and not tip.is_visible()
    # first tap selects, a second tap on the same node opens it
    x, y = _node_point(page, "Tasks")
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(300)
    with page.expect_navigation():
        page.touchscreen.tap(x, y)
    assert page.url.endswith("/Tasks.html"), page.url
    ctx.close()


# ---------- 4. on touch screens the always-visible Copy button leaves the code readable ----------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_touch_copy_button_does_not_cover_the_first_line(site, chrome, shots, scheme):
    ctx = chrome.browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme,
                                     is_mobile=True, has_touch=True, device_scale_factor=2)
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Code.md").as_uri())
    assert page.evaluate("matchMedia('(hover: none)').matches")
    geo = page.evaluate("""() => { const b = document.querySelector('.code-copy'),
        code = b.parentNode.querySelector('pre code') || b.parentNode.querySelector('pre'),
        r = document.createRange(), text = code.firstChild;
        r.selectNodeContents(code);
        const line = r.getClientRects()[0], br = b.getBoundingClientRect();
        return {opacity: getComputedStyle(b).opacity, button: [br.left, br.top, br.right, br.bottom],
                line: [line.left, line.top, line.right, line.bottom]}; }""")
    assert geo["opacity"] == "1", "no hover: the button is always shown"
    b, line = geo["button"], geo["line"]
    assert b[3] <= line[1] + 1, f"the button covers the first line: {geo}"
    page.locator(".code-wrap").first.screenshot(path=str(shots / f"copy-phone-{scheme}.png"))
    ctx.close()
    # with a mouse the button shows on hover, over the code as before
    page = chrome.page(width=1280, height=800, scheme=scheme)
    page.goto(page_of(site, "Code.md").as_uri())
    pad = page.evaluate("getComputedStyle(document.querySelector('.code-wrap pre')).paddingTop")
    assert float(pad.rstrip("px")) < 20
    page.close()


# ---------- 5. the explorer remembers the folders opened and closed by hand ----------

def _open_folders(page) -> set[str]:
    """The open folders one sees (an open folder inside a closed one is hidden)."""
    return set(page.evaluate("""() => Array.from(
        document.querySelectorAll('.explorer details[open] > summary'))
        .filter(s => s.checkVisibility()).map(s => s.textContent.trim())"""))


def _saved(page, entry: str) -> None:
    """<details> fires "toggle" as a task of its own (on a loaded machine after 100 ms or more):
    wait for the saved state to hold ``entry``, and let the next pages read it."""
    key = page.evaluate("'vaultsite-explorer:' + new URL(vs.root || './', location.href).pathname")
    carry_storage(page, key, entry)


def test_explorer_remembers_opened_folders(site, chrome):
    ctx = chrome.browser.new_context(viewport={"width": 1280, "height": 800})
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Hub.md").as_uri())
    assert _open_folders(page) == set()
    page.locator(".explorer summary", has_text="Data").click()
    page.locator(".explorer summary", has_text="Projects").click()
    page.locator(".explorer summary", has_text="Work").click()
    _saved(page, 'Work":1')
    with page.expect_navigation():
        page.locator(".explorer a", has_text="Long note").click()
    assert _open_folders(page) == {"Data", "Projects", "Work"}, "opened folders stay open"
    page.locator(".explorer summary", has_text="Projects").click()
    _saved(page, 'Projects":0')
    page.goto(page_of(site, "Notes/Futures and Promises.md").as_uri())
    assert _open_folders(page) == {"Data", "Notes"}, "a closed folder stays closed; the note's folder opens"
    # closing the current note's folder is remembered, yet a note inside it always shows its folder
    page.locator(".explorer summary", has_text="Notes").click()
    _saved(page, 'Notes":0')
    page.goto(page_of(site, "Notes/Decorators and Closures.md").as_uri())
    assert "Notes" in _open_folders(page)
    page.goto(page_of(site, "Code.md").as_uri())
    assert _open_folders(page) == {"Data"}
    page.goto(page_of(site, "Projects/Work/Designing Data-Intensive Applications.md").as_uri())
    assert _open_folders(page) == {"Data", "Projects", "Work"}
    ctx.close()



def test_explorer_state_is_one_site_s_own(site, chrome, tmp_path):
    """Two sites of one host (me.github.io/a/ and /b/) or any two opened from disk share one
    storage: a folder opened in one opened the folder of the same name in the other (the
    publisher audit found it).  The state is now kept per site root."""
    import shutil

    other = tmp_path / "other" / "site"
    shutil.copytree(site, other)
    ctx = chrome.browser.new_context(viewport={"width": 1280, "height": 800})
    page = chrome.page(context=ctx)
    page.goto(page_of(site, "Hub.md").as_uri())
    page.locator(".explorer summary", has_text="Data").click()
    _saved(page, 'Data":1')
    page.goto(page_of(other, "Hub.md").as_uri())
    assert _open_folders(page) == set(), "the other site's Data folder stays closed"
    page.goto(page_of(site, "Code.md").as_uri())
    assert _open_folders(page) == {"Data"}, "this site's stays open"
    ctx.close()

def test_explorer_works_without_storage(site, chrome):
    page = chrome.page(width=1280, height=800)
    page.add_init_script("Object.defineProperty(window, 'localStorage', "
                         "{get() { throw new DOMException('denied', 'SecurityError'); }})")
    page.goto(page_of(site, "Hub.md").as_uri())
    page.locator(".explorer summary", has_text="Data").click()
    page.wait_for_timeout(100)
    assert _open_folders(page) == {"Data"}
    page.goto(page_of(site, "Code.md").as_uri())
    assert _open_folders(page) == set(), "nothing remembered, and no error"
    page.close()


# ---------- 6. the home page: its note's heading first, then the meta, each tag once ----------

@pytest.mark.parametrize("width, scheme", [(1280, "light"), (390, "dark")])
def test_home_heading_comes_before_the_meta_and_tags_show_once(site, chrome, shots, width, scheme):
    page = chrome.page(width=width, height=800, scheme=scheme)
    page.goto((site / "index.html").as_uri())
    h1 = page.locator("article h1")
    assert h1.count() == 1 and h1.inner_text() == "My programming notes"
    assert page.locator("article a.tag", has_text="#index").count() == 1, "the tag shows once"
    meta = page.locator(".note-meta")
    if meta.count():
        assert meta.bounding_box()["y"] >= h1.bounding_box()["y"] + h1.bounding_box()["height"]
    # the heading looks like a note page's title
    font = "parseFloat(getComputedStyle(document.querySelector('article h1')).fontSize)"
    size = page.evaluate(font)
    page.goto(page_of(site, "Hub.md").as_uri())
    assert size == page.evaluate(font)
    page.goto((site / "index.html").as_uri())
    page.screenshot(path=str(shots / f"home-{width}-{scheme}.png"))
    page.close()


# ---------- 7. a done task looks done ----------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_done_tasks_look_different_from_open_ones(site, chrome, shots, scheme):
    page = chrome.page(width=1280, height=800, scheme=scheme)
    page.goto(page_of(site, "Tasks.md").as_uri())
    boxes = page.locator(".task-list-item input[type=checkbox]")
    assert boxes.count() == 2
    look = page.evaluate("""() => Array.from(document.querySelectorAll('.task-list-item')).map(li => {
        const box = li.querySelector('input'), s = getComputedStyle(box);
        return {bg: s.backgroundColor, tick: getComputedStyle(box, '::before').content,
                text: getComputedStyle(li).color}; })""")
    accent = page.evaluate("""() => { const p = document.createElement('span');
        p.style.color = 'var(--accent)'; document.body.append(p);
        const c = getComputedStyle(p).color; p.remove(); return c; }""")
    open_, done = look
    assert done["bg"] == accent, f"a done task's box is filled with the accent: {look}"
    assert open_["bg"] != accent and open_["tick"] in ("none", "normal")
    assert done["tick"] not in ("none", "normal"), "a tick is drawn"
    assert done["text"] != open_["text"], "a done task's text is muted"
    page.locator(".task-list-item").first.screenshot(path=str(shots / f"task-open-{scheme}.png"))
    page.locator("ul:has(.task-list-item)").screenshot(path=str(shots / f"tasks-{scheme}.png"))
    page.close()


# ---------- 8. search: the note about a word ranks above a stub that names it once ----------

def test_search_ranks_the_note_about_a_word_above_a_short_mention(site, chrome):
    page = chrome.page(width=1280, height=800)
    page.goto(page_of(site, "Hub.md").as_uri())
    box = page.locator("input[type=search]")
    box.focus()
    box.type("asyncio", delay=20)
    page.wait_for_function(
        "() => !document.querySelector('.search-results').hidden && "
        "!/searching note text|Loading/.test(document.querySelector('.search-results').textContent)")
    ranked = page.locator(".search-results a .r-title").all_inner_texts()
    assert ranked[:2] == ["Event loops", "2025-04-11"], ranked
    page.close()


@pytest.mark.parametrize("query, first", [("asycnio", "Event loops"), ("coroutnes", "Event loops"),
                                          ("thread asynci", None)])
def test_search_tolerates_one_typo_when_nothing_matches(site, chrome, query, first):
    page = chrome.page(width=1280, height=800)
    page.goto(page_of(site, "Hub.md").as_uri())
    box = page.locator("input[type=search]")
    box.focus()
    box.type(query, delay=10)
    page.wait_for_function(
        "() => !document.querySelector('.search-results').hidden && "
        "!/searching note text|Loading/.test(document.querySelector('.search-results').textContent)")
    ranked = page.locator(".search-results a .r-title").all_inner_texts()
    if first is None:  # every word matches ("asynci" as a prefix of asyncio): nothing is corrected
        assert ranked and page.locator(".search-fixed").count() == 0, ranked
    else:
        assert ranked and ranked[0] == first, ranked
        assert page.locator(".search-fixed").inner_text().startswith("Showing “")
        assert page.locator(".search-results mark").count() > 0, "the corrected word is highlighted"
    # a word that matches exactly is never corrected
    box.fill("")
    box.type("cheatsheet", delay=10)
    page.wait_for_function("() => document.querySelector('.search-results a')")
    assert page.locator(".search-fixed").count() == 0
    page.close()


# ---------- 9. the 404 page at a nested URL asks only for its own assets ----------

@pytest.mark.parametrize("address, root", [
    ("https://me.github.io/notes/Notes/Deep/Nope.html", "https://me.github.io/notes/"),
    ("https://example.org/Notes/Deep/Nope.html", "https://example.org/"),
])
def test_404_page_fetches_no_asset_from_the_wrong_folder(site, chrome, address, root):
    page = chrome.browser.new_page()
    asked = host_site(page, site, root)
    page.goto(address)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assets = [u for u in asked if "/_assets/" in u or "/_data/" in u]
    wrong = [u for u in assets if not u.startswith((root + "_assets/", root + "_data/"))]
    assert wrong == [], f"assets asked from the missing page's folder: {wrong}"
    assert {root + "_assets/style.css", root + "_assets/vaultsite.js", root + "_data/site.js"} <= set(assets)
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent') !== ''")
    assert page.evaluate("!!window.vs"), "the site's script ran"
    page.close()


def test_404_page_without_javascript_still_has_its_stylesheet(site, chrome):
    ctx = chrome.browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto((site / "404.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent') !== ''")
    ctx.close()
