"""The fifteenth audit, the built site as a reader sees it in headless Chromium: what a look at
every kind of page, at desktop and phone widths, light and dark, turned up.

A small vault written here is built with the real pipeline and opened from file://; every request
off the disk is refused and console errors fail (tests/chromium.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of, require_browser

pytestmark = pytest.mark.browser

sync_api = require_browser()

TASKS = """# Tasks

- [ ] a task whose words run on well past the width of a phone, so they wrap onto a second line and a third
- [x] a done task whose words also run on past the width of a phone and wrap onto another line
- a plain item for comparison, long enough to wrap onto a second line on a phone as well

A loose list:

- [ ] a loose task that also runs on well past the width of a phone, so that it wraps onto a second line

  with a second paragraph
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from conftest import build_notes

    return build_notes(tmp_path_factory.mktemp("audit15-browse"), {"Tasks.md": TASKS}).out


@pytest.mark.parametrize("width", [1280, 390])
def test_a_wrapped_task_lines_up_under_its_first_line(site, chrome, width):
    # the box stood 1.45em into the bullet's gutter but took 1em + its borders + 0.7em: the first
    # line of a task began about 7 px right of where its wrapped lines began
    page = chrome.page(width=width)
    page.goto(page_of(site, "Tasks.md").as_uri())
    lines = page.evaluate("""() => [...document.querySelectorAll('.note-content li')].map(li => {
        const label = li.querySelector('label') || li, text = [...label.childNodes]
            .find(n => n.nodeType === 3 && n.textContent.trim());
        const range = document.createRange();
        range.selectNodeContents(text);
        const rects = [...range.getClientRects()];
        return [li.textContent.trim().slice(0, 12), rects.length,
                rects.map(r => Math.round(r.left * 10) / 10)];
    })""")
    for name, count, lefts in lines:
        assert count >= 2, f"{name!r} wraps at {width} px: {lines}"
        assert max(lefts) - min(lefts) <= 1, f"{name!r}: its lines start at {lefts}"
    page.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    import shutil

    from conftest import build_vault

    repo, tmp = Path(__file__).resolve().parent.parent, tmp_path_factory.mktemp("audit15-browse-demo")
    # the demo's vaultsite.toml mounts ../attachments: copy both, side by side, as in the repo
    for part in ("notes", "attachments"):
        shutil.copytree(repo / part, tmp / "repo" / part)
    return build_vault(tmp / "repo" / "notes", tmp, copy=False).out


# every label the graph draws, with where it goes (the canvas keeps no text to ask for)
RECORD_LABELS = """(() => { const fill = CanvasRenderingContext2D.prototype.fillText;
    window.drawnLabels = [];
    CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
        window.drawnLabels.push([text, x, y, this.measureText(text).width]);
        return fill.apply(this, arguments); }; })()"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_graph_label_is_not_drawn_over_another_notes_dot(demo, chrome, width):
    # labels kept clear of each other but not of the dots: on a phone the demo's whole graph wrote
    # 'Links and embeds' over the dot of Asynchronous Programming, 'Intent classifier' over
    # 2025-04-11's and Café notes', which read as those notes' names
    ctx = chrome.browser.new_context(viewport={"width": width, "height": 844}, reduced_motion="reduce")
    ctx.add_init_script(RECORD_LABELS)
    page = chrome.page(context=ctx)
    page.goto((demo / "graph.html").as_uri())
    page.wait_for_function("() => window.vsGraph && vsGraph.views.length && vsGraph.views[0].stats"
                           " && vsGraph.views[0].stats.settled")
    drawn, over = page.evaluate("""() => { const v = vsGraph.views[0], scale = v.nodeScale(), over = [];
        window.drawnLabels = []; v.draw();
        for (const [text, x, y, w] of drawnLabels) {
            for (const n of v.sim.nodes) {
                if (n.label.startsWith(text.replace(/…$/, ''))) continue;
                const cx = n.x * v.k + v.tx, cy = n.y * v.k + v.ty, r = n.r * scale;
                const nx = Math.max(x - w / 2, Math.min(cx, x + w / 2));
                const ny = Math.max(y, Math.min(cy, y + 11));
                if ((nx - cx) ** 2 + (ny - cy) ** 2 < r * r) over.push([text, n.label]);
            }
        }
        return [drawnLabels.length, over]; }""")
    assert over == [], f"labels over other notes' dots at {width} px: {over}"
    # most names still show: on the desktop all 32, on a phone about half (the rest on a tap)
    assert drawn >= (30 if width > 1000 else 12), drawn
    ctx.close()


def test_a_local_graph_label_is_not_drawn_under_the_depth_menu(demo, chrome):
    # a label moved above its dot (when below it hit another dot) must not go under the menu
    ctx = chrome.browser.new_context(viewport={"width": 1280, "height": 860}, reduced_motion="reduce")
    ctx.add_init_script(RECORD_LABELS)
    page = chrome.page(context=ctx)
    page.goto(page_of(demo, "Meta/Syntax showcase.md").as_uri())
    page.locator(".graph-local").scroll_into_view_if_needed()
    page.wait_for_function("() => window.vsGraph && vsGraph.views.length && vsGraph.views[0].stats"
                           " && vsGraph.views[0].stats.settled")
    drawn, under = page.evaluate("""() => { const v = vsGraph.views[0];
        window.drawnLabels = []; v.draw();
        const m = v.el.querySelector('.graph-depth').getBoundingClientRect();
        const c = v.canvas.getBoundingClientRect();
        const box = [m.left - c.left, m.top - c.top, m.right - c.left, m.bottom - c.top];
        return [drawnLabels.length, drawnLabels.filter(([text, x, y, w]) =>
            x - w / 2 < box[2] && box[0] < x + w / 2 && y < box[3] && box[1] < y + 11).map(l => l[0])]; }""")
    assert under == [] and drawn >= 5, (drawn, under)
    ctx.close()
