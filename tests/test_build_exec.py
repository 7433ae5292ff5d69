"""Code execution through the whole build (issue 3): pages, cache across builds, data edits."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bs4 import BeautifulSoup

NOTE = """---
title: Analysis
---
# Analysis

Some prose before the code.

```{python}
import pandas as pd
import matplotlib.pyplot as plt

def draw(frame):
    plt.figure(figsize=(3, 2))
    plt.bar(frame["k"], frame["v"])
    plt.savefig("left-behind.png")

df = pd.read_csv("data/values.csv")
draw(df)
print("rows:", len(df))
df
```

```python
print("never runs")
```
"""


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(vault: Path, out: Path, mode: str = "auto"):
    from generator.config import load_config
    from generator.pipeline import build as run

    return run(load_config(vault), out, exec_mode=mode)


def page(out: Path) -> BeautifulSoup:
    return BeautifulSoup((out / "Analysis.html").read_text(encoding="utf-8"), "html.parser")


def test_cells_run_once_then_come_from_cache_until_their_data_changes(tmp_path):
    vault = tmp_path / "vault"
    (vault / "data").mkdir(parents=True)
    (vault / "Analysis.md").write_text(NOTE, encoding="utf-8")
    (vault / "data" / "values.csv").write_text("k,v\na,1\nb,3\n", encoding="utf-8")
    before = snapshot(vault)
    out = tmp_path / "site"

    first = build(vault, out)
    assert (first.stats.cells_ran, first.stats.cells_failed) == (1, 0)
    soup = page(out)
    img = soup.find("figure", class_="cell-figure").find("img")
    assert (out / img["src"]).read_bytes()[:4] == b"\x89PNG"
    assert img.parent.name == "a" and img.parent["href"] == img["src"], "opens full size, no JS"
    assert "rows: 2" in soup.find(class_="cell-stdout").get_text()
    assert soup.find(class_="cell-result").find("table") is not None
    assert "never runs" in soup.get_text() and "never runs" not in str(soup.find_all(class_="cell-output"))
    assert snapshot(vault) == before, "the code left files in the vault"

    second = build(vault, out)
    assert (second.stats.cells_ran, second.stats.cells_cached) == (0, 1)

    (vault / "Analysis.md").write_text(NOTE.replace("Some prose", "Edited prose"), encoding="utf-8")
    prose = build(vault, out)
    assert (prose.stats.cells_ran, prose.stats.cells_cached) == (0, 1)
    assert "Edited prose" in page(out).get_text()

    (vault / "data" / "values.csv").write_text("k,v\na,1\nb,3\nc,5\n", encoding="utf-8")
    data = build(vault, out)
    assert data.stats.cells_ran == 1
    assert any("data/values.csv" in reason for reason in data.stats.rerun_reasons), \
        data.stats.rerun_reasons
    assert "rows: 3" in page(out).find(class_="cell-stdout").get_text()

    (vault / "data" / "values.csv").write_text("k,v\na,1\n", encoding="utf-8")
    no_exec = build(vault, out, "no-exec")  # nothing runs: the cached outputs are shown
    assert no_exec.stats.cells_ran == 0
    assert "rows: 3" in page(out).find(class_="cell-stdout").get_text()
    fresh = build(vault, tmp_path / "elsewhere", "no-exec")  # no cache there: code, not run
    assert fresh.stats.cells_ran == 0
    assert page(tmp_path / "elsewhere").find(class_="cell-stdout") is None
    assert snapshot(vault) != before  # only because the test edited it
    assert not (vault / "left-behind.png").exists()


def test_an_embed_of_a_file_the_code_saves_says_why_it_is_missing(tmp_path):
    """The user's own heatmap method ends in ``plt.savefig(...)``: embedding that file below the
    block finds nothing (what code writes is not kept), and the warning says so at the line."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"N.md": "---\nexec: true\n---\n```{python}\n"
                                          "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
                                          "plt.savefig('saved_fig.png')\n```\n\n"
                                          "![[saved_fig.png]]\n\n![[other.png]]\n"})
    saved, other = sorted(site.messages("link-unresolved"))
    assert saved.startswith("N.md:10:1:") and "code at line 7 names this file" in saved
    assert other.startswith("N.md:12:1:") and "create the note" in other


FOLDS = """---
execute:
  code-summary: Show the code
---
# Folds

```{python}
#| code-fold: true
print("folded")
```

```{python}
#| code-fold: show
#| code-summary: "How <b>x</b> is made"
x = 2
print("open", x)
```

```{python}
print("plain")
```

```{python}
#| code-fold: true
#| echo: false
print("no code at all")
```

```{python}
#| code-fold: sometimes
print("bad value")
```
"""


def test_code_fold_puts_the_code_behind_a_disclosure_and_the_output_in_view(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Folds.md").write_text(FOLDS, encoding="utf-8")
    out = tmp_path / "site"
    result = build(vault, out)
    soup = BeautifulSoup((out / "Folds.html").read_text(encoding="utf-8"), "html.parser")
    cells = soup.find_all(class_="code-cell")
    assert len(cells) == 5

    folded, shown, plain, hidden, bad = cells
    details = folded.find("details", class_="code-fold")
    assert details is not None and not details.has_attr("open")
    assert details.summary.get_text() == "Show the code"  # the note's default
    assert "print" in details.find("pre").get_text()
    assert "folded" in folded.find(class_="cell-stdout").get_text()
    assert folded.find(class_="cell-output").find_parent("details") is None, "output stays in view"

    details = shown.find("details", class_="code-fold")
    assert details.has_attr("open")
    assert details.summary.get_text() == "How <b>x</b> is made"  # text, not markup
    assert details.summary.find("b") is None

    assert plain.find("details") is None and plain.find("pre") is not None
    assert hidden.find("details") is None and "print" not in hidden.get_text()
    assert bad.find("details") is None and "print" in bad.find("pre").get_text()
    invalid = [d for d in result.diagnostics if d.code == "exec-option-invalid"]
    assert [(d.span.path, d.span.line) for d in invalid] == [("Folds.md", 30)]
    assert "expected true, false or show" in invalid[0].message
    assert not [d for d in result.diagnostics if d.code == "exec-option-unsupported"]

    # folding is presentation: changing it rebuilds the page from the cache, nothing re-runs
    (vault / "Folds.md").write_text(FOLDS.replace("#| code-fold: true\nprint(\"folded\")",
                                                  "#| code-fold: false\nprint(\"folded\")"),
                                    encoding="utf-8")
    again = build(vault, out)
    assert again.stats.cells_ran == 0
    soup = BeautifulSoup((out / "Folds.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find_all(class_="code-cell")[0].find("details") is None
