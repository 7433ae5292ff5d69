"""What runs inside the child interpreter (``generator/execute/worker.py``): real worker processes
on small vaults written by each test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from generator.execute import ExecConfig, NoteJob, find_cells, run_notes

MD = MarkdownIt().use(front_matter_plugin)


def run_vault(tmp_path: Path, notes: dict[str, str], **cfg_args) -> dict:
    """Write ``notes`` (vault path -> text) into a vault under ``tmp_path`` and run them all."""
    vault = tmp_path / "vault"
    for rel, text in notes.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, "utf-8")
    cfg = ExecConfig(cache_dir=tmp_path / "cache", workers=2, rerun=True, **cfg_args)
    jobs = []
    for rel in notes:
        tokens = MD.parse(notes[rel])
        meta = next((yaml.safe_load(t.content) for t in tokens if t.type == "front_matter"), {})
        fences = [(i, t) for i, t in enumerate(tokens) if t.type == "fence"]
        jobs.append(NoteJob(rel, vault / rel, vault, tuple(find_cells(meta, fences, cfg, rel))))
    return run_notes(jobs, cfg)


def cells_html(result) -> list[str]:
    return [result.views[k].html for k in sorted(result.views)]


def fence(*lines: str) -> str:
    return "```{python}\n" + "\n".join(lines) + "\n```\n\n"


# ----------------------------------------------------------------------------- finding 3 / 17

RNG = fence("import numpy as np, random", "print(np.random.rand(3), random.random())")


def _printed(result) -> str:
    return re.sub(r"<[^>]+>", "", cells_html(result)[0])


def test_random_numbers_differ_per_note_and_repeat_per_build(tmp_path):
    notes = {"rng A.md": RNG, "rng B.md": RNG, "sub/rng C.md": RNG}
    first = run_vault(tmp_path / "one", notes)
    again = run_vault(tmp_path / "two", notes)
    shown = {rel: _printed(first[rel]) for rel in notes}
    assert len(set(shown.values())) == 3, shown  # independent streams
    assert shown == {rel: _printed(again[rel]) for rel in notes}  # reproducible


def test_numpy_imported_later_is_seeded_too(tmp_path):
    cfg_args = {"preload": ()}  # the template did not import numpy
    notes = {"a.md": RNG, "b.md": RNG}
    first = run_vault(tmp_path / "one", notes, **cfg_args)
    again = run_vault(tmp_path / "two", notes, **cfg_args)
    assert _printed(first["a.md"]) == _printed(again["a.md"]) != _printed(first["b.md"])


def test_set_order_is_stable(tmp_path):
    code = "print(list({'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta'}))"
    result = run_vault(tmp_path, {"s.md": fence(code)})
    expected = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={"PYTHONHASHSEED": "0"}, check=True).stdout
    assert _printed(result["s.md"]).strip() == expected.strip().replace("'", "&#x27;")


# ----------------------------------------------------------------------------- finding 4

RICH = (fence("import pandas as pd", "from IPython.display import display",
              "df = pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})", "display(df)")
        + fence("class M:", "    def _repr_markdown_(self):", "        return '**bold md**'",
                "class L:", "    def _repr_latex_(self):", "        return r'$\\alpha^2$'",
                "class B:", "    def _repr_mimebundle_(self, include=None, exclude=None):",
                "        return {'text/plain': 'plain B', 'text/html': '<b>html B</b>'}",
                "class P:", "    pass",
                "display(M(), L(), B(), P())")
        + fence("from IPython.display import Markdown, Math, Image", "import io",
                "import matplotlib.pyplot as plt", "fig = plt.figure(figsize=(1, 1))",
                "buf = io.BytesIO(); fig.savefig(buf, format='png'); plt.close(fig)",
                "display(Markdown('*md object*'), Math(r'\\beta'))",
                "Image(data=buf.getvalue())"))


def test_ipython_display_and_rich_reprs(tmp_path):
    pytest.importorskip("IPython")
    table, reprs, objects = cells_html(run_vault(tmp_path, {"rich.md": RICH})["rich.md"])
    assert '<div class="cell-result table-wrap">' in table and "<table" in table
    assert "cell-stdout" not in table
    assert "<strong>bold md</strong>" in reprs
    assert "<math" in reprs and "α" in reprs
    assert "<b>html B</b>" in reprs and "plain B" not in reprs
    assert "0x" not in reprs and "&lt;__main__.P object&gt;" in reprs  # no memory address
    assert "<em>md object</em>" in objects and "β" in objects
    assert "IPython.core.display" not in objects
    assert objects.count("<img") == 1


# ----------------------------------------------------------------------------- finding 5

def test_logging_and_saved_streams_keep_working_in_later_cells(tmp_path):
    note = (fence("import logging, sys", "logging.warning('root warning before config')",
                  "logging.basicConfig(format='%(levelname)s:%(name)s:%(message)s')")
            + fence("logging.getLogger('mylib').warning('mylib warning later cell')")
            + fence("saved = sys.stdout")
            + fence("print('via saved stdout', file=saved)", "print('normal print')"))
    first, later, _, saved = cells_html(run_vault(tmp_path, {"log.md": note})["log.md"])
    assert "root warning before config" in first
    assert "WARNING:mylib:mylib warning later cell" in later
    assert "via saved stdout" in saved and "normal print" in saved


# ----------------------------------------------------------------------------- finding 6

def test_top_level_await_and_ipython_magics(tmp_path):
    note = (fence("import asyncio", "async def main():", "    await asyncio.sleep(0)",
                  "    return 'awaited'", "print(await main())", "await main()")
            + fence("%matplotlib inline", "import matplotlib.pyplot as plt", "print('after magic')")
            + fence("x = 1", "!echo shell")
            + fence("%%time", "sum(range(10))")
            + fence("def f(:", "    pass"))
    result = run_vault(tmp_path, {"magic.md": note})["magic.md"]
    awaited, matplotlib_magic, shell, timing, syntax = cells_html(result)
    assert "awaited\n</pre>" in awaited and "&#x27;awaited&#x27;" in awaited
    assert "cell-error" not in awaited
    assert "after magic" in matplotlib_magic and "cell-error" not in matplotlib_magic
    assert "IPython magics are not Python" in shell and "subprocess" in shell
    assert "IPython magics are not Python" in timing and "time module" in timing
    for html in (shell, timing, syntax):
        assert "ast.py" not in html
        title = re.search(r'<p class="cell-error-title">(.*?)</p>', html).group(1)
        assert title.count("line") == 1, title  # not "(magic.md, line 3) (line 3)"
    lines = sorted(d.span.line for d in result.diagnostics)
    assert len(lines) == 3 and all(line > 10 for line in lines)


# ----------------------------------------------------------------------------- finding 8

def test_library_warnings_and_stderr_do_not_show_build_machine_paths(tmp_path):
    note = (fence("import numpy as np", "np.mean([])")
            + fence("import json, os, sys", "print(json.__file__, file=sys.stderr)",
                    "os.write(2, (json.__file__ + '\\n').encode())"))
    warned, printed = cells_html(run_vault(tmp_path, {"w.md": note})["w.md"])
    assert "RuntimeWarning: Mean of empty slice" in warned
    assert re.search(r"cell-stderr\">numpy/[\w/]+\.py:\d+: RuntimeWarning", warned), warned
    assert printed.count("json/__init__.py") == 2
    for html in (warned, printed):
        assert sys.prefix not in html and sys.base_prefix not in html


# ----------------------------------------------------------------------------- finding 9

def test_fig_cap_list_is_indexed_per_cell(tmp_path):
    note = (fence("import matplotlib.pyplot as plt", "plt.figure(); plt.plot([1, 2])")
            + fence("#| fig-cap:", "#|   - Caption A", "#|   - Caption B",
                    "plt.figure(); plt.plot([1, 2])", "plt.figure(); plt.plot([2, 1])"))
    first, second = cells_html(run_vault(tmp_path, {"f.md": note})["f.md"])
    assert re.findall(r"<figcaption>(.*?)</figcaption>", second) == ["Caption A", "Caption B"]
    assert "Figure 1 drawn by the code" in first


# ----------------------------------------------------------------------------- finding 10

def test_warning_false_hides_warnings_and_ignored_options_are_reported(tmp_path):
    note = (fence("#| warning: false", "import warnings",
                  "warnings.warn('this warning should be hidden')", "print('ran')")
            + fence("#| code-line-numbers: true", "#| label: fig-two",
                    "warnings.warn('shown here')"))
    result = run_vault(tmp_path, {"o.md": note})["o.md"]
    hidden, shown = cells_html(result)
    assert "ran" in hidden and "should be hidden" not in hidden
    assert "UserWarning: shown here" in shown
    infos = sorted((d.span.line, d.message) for d in result.diagnostics
                   if d.code == "exec-option-unsupported")
    assert [line for line, _ in infos] == [9, 10]  # the #| lines of the second cell
    assert "option code-line-numbers is not supported" in infos[0][1]
    assert all(d.severity.value == "info" for d in result.diagnostics)


# ----------------------------------------------------------------------------- finding 17

def test_trailing_semicolon_before_a_comment_hides_the_value(tmp_path):
    note = (fence("x = 41", "x + 1;  # hide it") + fence("x + 1  # shown; really")
            + fence("'a;'"))
    hidden, shown, text = cells_html(run_vault(tmp_path, {"s.md": note})["s.md"])
    assert hidden == ""
    assert "42" in shown and "a;" in text
