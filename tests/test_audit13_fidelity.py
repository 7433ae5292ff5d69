"""The thirteenth audit, fidelity: how a vault written by others (the Obsidian Help vault) looks
next to Obsidian's own reading view.  Small vaults written here are built with the real pipeline;
the layout checks open them in headless Chromium from file://."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of, require_browser

sync_api = require_browser()

CODE_LAST = """# Code last

> [!note]
> ```md
> > [!note]
> > Lorem ipsum dolor sit amet
> ```

> [!tip] Words last
> Some words.

![[Snippet#Part]]

After.
"""

SNIPPET = """# Snippet

## Part

```python
print("hi")
```

## Other

Not embedded.
"""


TITLE_ONLY = """# Title only

> [!info] More details on using `<iframe>` can be found in [[Code last]].

> [!tip]- Folded title only

After.
"""

TABLE = """# Operators

| Operator | Description |
| -------- | ----------- |
| `task:`  | Find matches in a task.<p/>Example: `task:call`. |
| `file:`  | Find text in filename. |
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path_factory.mktemp("audit13-fidelity-vault")
    (vault / "Code last.md").write_text(CODE_LAST, encoding="utf-8")
    (vault / "Snippet.md").write_text(SNIPPET, encoding="utf-8")
    (vault / "Operators.md").write_text(TABLE, encoding="utf-8")
    (vault / "Title only.md").write_text(TITLE_ONLY, encoding="utf-8")
    out = tmp_path_factory.mktemp("audit13-fidelity-site") / "site"
    build(load_config(vault), out, exec_mode="off")
    return out


GAPS = """() => [...document.querySelectorAll('.content .callout, .content .embed-note')].map(box => {
    const last = box.querySelector(':scope > .callout-content, :scope > .embed-content') || box;
    const inner = last.lastElementChild.getBoundingClientRect().bottom;
    const css = getComputedStyle(box);
    const pad = parseFloat(css.paddingBottom) + parseFloat(css.borderBottomWidth);
    return [box.className, Math.round(box.getBoundingClientRect().bottom - pad - inner)]; })"""


@pytest.mark.browser
def test_a_callout_or_embed_that_ends_in_code_has_no_gap_below_it(site, chrome):
    # the Copy button's wrapper kept the <pre>'s bottom margin inside the box: a callout ending in
    # a code block (Callouts.md, "Supported types") had 16 px more below it than one ending in words
    page = chrome.page(width=1280)
    page.goto(page_of(site, "Code last.md").as_uri())
    page.wait_for_selector(".code-wrap")
    gaps = page.evaluate(GAPS)
    assert len(gaps) == 3, gaps
    assert all(abs(gap) <= 1 for _, gap in gaps), gaps
    page.context.close()


CELLS = """() => [...document.querySelectorAll('.content td > p:last-child')].map(p => {
    const td = p.parentElement;
    return Math.round(td.getBoundingClientRect().bottom - parseFloat(getComputedStyle(td).paddingBottom)
                      - p.getBoundingClientRect().bottom); })"""


@pytest.mark.browser
def test_a_table_cell_ending_in_a_paragraph_has_no_margin_under_it(site, chrome):
    # Plugins/Search.md writes `Find ….<p/>Example: `task:call`.` in its cells: the <p> kept its
    # 1.1em bottom margin, a blank line under every row of the operator table
    page = chrome.page(width=1280)
    page.goto(page_of(site, "Operators.md").as_uri())
    cells = page.evaluate(CELLS)
    assert len(cells) == 1, cells
    assert abs(cells[0]) <= 1, cells
    page.context.close()


TITLE_GAPS = """() => [...document.querySelectorAll('.content .callout')].map(box => {
    const title = box.querySelector('.callout-title').getBoundingClientRect();
    const outer = box.getBoundingClientRect();
    return [Math.round(title.top - outer.top), Math.round(outer.bottom - title.bottom)]; })"""


@pytest.mark.browser
def test_a_title_only_callout_is_as_tall_below_its_title_as_above(site, chrome):
    # HTML content.md: `> [!info] More details on using <iframe> …` had 8 px more under its title
    # (the empty body's top margin) than above it
    page = chrome.page(width=1280)
    page.goto(page_of(site, "Title only.md").as_uri())
    gaps = page.evaluate(TITLE_GAPS)
    assert len(gaps) == 2, gaps
    assert all(abs(top - bottom) <= 1 for top, bottom in gaps), gaps
    page.context.close()
