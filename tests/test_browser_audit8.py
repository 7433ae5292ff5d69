"""The eighth accessibility audit in headless Chromium: tasks (empty, nested, ordered) as a screen
reader and a keyboard meet them.

A small vault written here is built with the real pipeline and opened from file://; every request
off the disk is refused and console errors fail.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from chromium import CHROMIUM, page_of  # noqa: E402 - the tests folder is on the path just above

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("no /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("generator.markdown")

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


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("audit8-vault")
    (vault / "vaultsite.toml").write_text('title = "Audit 8"\n', encoding="utf-8")
    (vault / "Tasks.md").write_text(TASKS, encoding="utf-8")
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
