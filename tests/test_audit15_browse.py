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
