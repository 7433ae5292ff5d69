"""The eighth accessibility audit in headless Chromium: tasks (empty, nested, ordered) as a screen
reader and a keyboard meet them.

A small vault written here is built with the real pipeline and opened from file://; every request
off the disk is refused and console errors fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of, require_browser

pytestmark = pytest.mark.browser

sync_api = require_browser()

TASKS = """# Tasks

- [ ] Open task
- [x] Done task
- [ ]
- [x]
- [ ] Parent
    - [ ]
    - [x] Child

1. [ ] First
2. [ ]

> [!todo] In a callout
> - [ ]
"""

# a loose list (blank lines between items): each item's text is a <p>, the <label> inside it
LOOSE = """# Loose

- plain tight

Text.

- [ ] loose open

- [x] loose done

    Its second paragraph.

Text.

- [ ] tight open
- [x] tight done
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("audit8-vault")
    (vault / "vaultsite.toml").write_text('title = "Audit 8"\n', encoding="utf-8")
    (vault / "Tasks.md").write_text(TASKS, encoding="utf-8")
    (vault / "Loose.md").write_text(LOOSE, encoding="utf-8")
    out = tmp_path_factory.mktemp("audit8-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out


def test_every_task_box_has_an_accessible_name(site, chrome):
    # an empty task's <label> holds only its box: Chromium gave the box no name (axe 'label',
    # critical), so a screen reader said 'checkbox, not checked' and nothing else
    page = chrome.page()
    page.goto(page_of(site, "Tasks.md").as_uri())
    boxes = page.get_by_role("checkbox")
    assert boxes.count() == 10
    names = page.evaluate("""() => Array.from(document.querySelectorAll('.content input'),
        e => e.labels[0].textContent.trim() || e.getAttribute('aria-label'))""")
    assert names == ["Open task", "Done task", "Empty task", "Empty task", "Parent", "Empty task",
                     "Child", "First", "Empty task", "Empty task"]
    # the name Chromium computes, as a screen reader gets it
    assert page.get_by_role("checkbox", name="Empty task", exact=True).count() == 5
    assert page.get_by_role("checkbox", name="Open task", exact=True).count() == 1
    page.close()


def test_a_loose_task_list_looks_like_a_tight_one(site, chrome):
    # the theme's selectors wrote ':is(label, p > label)' after '.task-list-item >', which never
    # matches a label inside the item's <p>: in a loose list the box stood 1.45em right of where
    # the bullet is (and of a tight list's box), and a done task was not struck through
    page = chrome.page()
    page.goto(page_of(site, "Loose.md").as_uri())
    items = page.evaluate("""() => [...document.querySelectorAll('.note-content li')].map(li => {
        const box = li.querySelector(':scope > label > input, :scope > p > label > input');
        const label = box ? box.parentElement : null;
        return [li.textContent.trim().split('\\n')[0],
                Math.round(box ? box.getBoundingClientRect().left : li.getBoundingClientRect().left),
                label ? getComputedStyle(label).textDecorationLine : ''];
    })""")
    where = {text: (x, line) for text, x, line in items}
    # a task's box stands where a plain item's bullet is: left of the text column by the same
    # amount whether the list is tight or loose
    assert where["loose open"][0] == where["tight open"][0]
    assert where["loose done"][0] == where["tight done"][0]
    assert where["loose done"][1] == where["tight done"][1] == "line-through"
    assert where["loose open"][1] == where["tight open"][1] == "none"
    second = page.evaluate("""() => getComputedStyle([...document.querySelectorAll('.note-content p')]
        .find(p => p.textContent.includes('second paragraph'))).textDecorationLine""")
    assert second == "none", "only the task's own line is struck, not its later paragraphs"
    page.close()
