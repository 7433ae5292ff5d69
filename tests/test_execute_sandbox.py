"""The executor's sandbox, cache dependencies and output rendering, run for real (audit 7)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from markdown_it import MarkdownIt

from generator.execute import ExecConfig, NoteJob, find_cells, run_notes

MD = MarkdownIt()


def make_job(vault: Path, rel: str, text: str, cfg: ExecConfig) -> NoteJob:
    path = vault / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    tokens = MD.parse(text)
    fences = [(i, t) for i, t in enumerate(tokens) if t.type == "fence"]
    return NoteJob(rel, path, vault, tuple(find_cells({}, fences, cfg, rel)))


def run(vault: Path, cache: Path, notes: dict[str, str], **options):
    cfg = ExecConfig(cache_dir=cache, workers=options.pop("workers", 1), **options)
    jobs = [make_job(vault, rel, text, cfg) for rel, text in notes.items()]
    return run_notes(jobs, cfg)


def cells(*codes: str) -> str:
    return "# Note\n\n" + "\n".join(f"```{{python}}\n{code}\n```\n" for code in codes)


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def html(result) -> str:
    return "".join(result.views[k].html for k in sorted(result.views))


# finding 1: subprocesses, sqlite and C libraries wrote into the vault through the mirror's links

def test_subprocess_and_sqlite_writes_stay_out_of_the_vault(tmp_path):
    vault = tmp_path / "vault"
    data = vault / "Sub" / "data"
    data.mkdir(parents=True)
    (data / "victim.txt").write_text("original\n")
    import sqlite3
    con = sqlite3.connect(data / "victim.sqlite")
    con.execute("create table t (x)")
    con.execute("insert into t values (1)")
    con.commit()
    con.close()
    (vault / "Other").mkdir()
    (vault / "Other" / "far.csv").write_text("a\n1\n")
    note = cells(
        "import sqlite3\ncon = sqlite3.connect('data/victim.sqlite')\n"
        "con.execute('insert into t values (42)'); con.commit()\n"
        "print('rows', con.execute('select count(*) from t').fetchone()[0])",
        "import subprocess\n"
        "subprocess.run('echo appended >> data/victim.txt', shell=True, check=True)\n"
        "subprocess.run('echo far >> ../Other/far.csv', shell=True, check=True)\n"
        "print(open('data/victim.txt').read())")
    (vault / "Sub" / "Writes.md").write_text(note, encoding="utf-8")
    before = snapshot(vault)
    results = run(vault, tmp_path / "cache", {"Sub/Writes.md": note})
    page = html(results["Sub/Writes.md"])
    assert "rows 2" in page and "appended" in page  # the code saw its own writes
    assert snapshot(vault) == before
    assert not [d for d in results["Sub/Writes.md"].diagnostics if d.code == "exec-wrote-vault"]


def test_a_write_that_reaches_the_vault_is_reported_at_its_cell(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    target = vault / "data" / "by_shell.txt"
    note = cells("x = 1",
                 "import subprocess, time\ntime.sleep(0.3)\n"
                 f"subprocess.run(['sh', '-c', 'mkdir -p {target.parent} && "
                 f"echo shell > {target}'], check=True)")
    results = run(vault, tmp_path / "cache", {"Abs.md": note})
    notes = [d for d in results["Abs.md"].diagnostics if d.code == "exec-wrote-vault"]
    assert len(notes) == 1, results["Abs.md"].diagnostics
    assert "created data/by_shell.txt in the vault" in notes[0].message
    assert notes[0].span.line == 8  # the second cell's first line


# finding 2: folder listings, sqlite and glob deps were not dependencies of the cache

def test_listings_sqlite_and_glob_deps_rerun_the_note(tmp_path):
    import sqlite3

    vault, cache = tmp_path / "vault", tmp_path / "cache"
    parts = vault / "sub" / "parts"
    parts.mkdir(parents=True)
    (parts / "a.txt").write_text("1")
    (parts / "b.txt").write_text("2")
    con = sqlite3.connect(vault / "sub" / "db.sqlite")
    con.execute("create table t (x)")
    con.execute("insert into t values (1)")
    con.commit()
    notes = {
        "sub/Glob.md": cells("import glob\n"
                             "print('total', sum(int(open(p).read()) for p in "
                             "glob.glob('parts/*.txt')))"),
        "sub/Listing.md": cells("import os\nprint(sorted(os.listdir('parts')))"),
        "sub/Db.md": cells("import sqlite3\n"
                           "con = sqlite3.connect('file:db.sqlite?mode=ro', uri=True)\n"
                           "print('rows', con.execute('select count(*) from t').fetchone()[0])"),
        "sub/Deps.md": cells("#| deps: extra/*.csv\nprint('ran')"),
    }
    first = run(vault, cache, notes)
    assert "total 3" in html(first["sub/Glob.md"]) and "rows 1" in html(first["sub/Db.md"])
    deps_warn = [d for d in first["sub/Deps.md"].diagnostics if d.code == "exec-deps"]
    assert len(deps_warn) == 1 and deps_warn[0].span.line == 4
    assert "extra/*.csv" in deps_warn[0].message

    again = run(vault, cache, notes)
    assert all(r.reason is None for r in again.values()), {k: r.reason for k, r in again.items()}

    (parts / "d.txt").write_text("1000")
    con.execute("insert into t values (2)")
    con.commit()
    con.close()
    (vault / "sub" / "extra").mkdir()
    (vault / "sub" / "extra" / "e.csv").write_text("x\n")
    third = run(vault, cache, notes)
    assert third["sub/Glob.md"].reason == "sub/parts changed"
    assert "total 1003" in html(third["sub/Glob.md"])
    assert third["sub/Listing.md"].reason == "sub/parts changed"
    assert "d.txt" in html(third["sub/Listing.md"])
    assert third["sub/Db.md"].reason == "sub/db.sqlite changed"
    assert "rows 2" in html(third["sub/Db.md"])
    assert third["sub/Deps.md"].reason == "sub/extra appeared"
    assert not [d for d in third["sub/Deps.md"].diagnostics if d.code == "exec-deps"]

    (vault / "sub" / "extra" / "f.csv").write_text("y\n")
    assert run(vault, cache, notes)["sub/Deps.md"].reason == "sub/extra changed"


# finding 7: ANSI colours and \r progress bars were shown raw

def test_ansi_colours_and_progress_bars_render_like_a_terminal(tmp_path):
    note = cells(
        r'print("\x1b[31mred\x1b[0m \x1b[1;32mbold green\x1b[0m <plain>")' "\n"
        'for i in range(0, 101, 10):\n    print(f"\\rprogress {i:3d}%", end="", flush=True)\n'
        'print()\n'
        r'print("ab\bc\x1b[2K done")')
    page = html(run(tmp_path / "vault", tmp_path / "cache", {"Ansi.md": note})["Ansi.md"])
    assert '<span class="ansi-red">red</span>' in page
    assert '<span class="ansi-green ansi-bold">bold green</span> &lt;plain&gt;' in page
    assert "\x1b" not in page and "\r" not in page and "\b" not in page
    assert page.count("progress") == 1 and "progress 100%" in page
    assert "ac done" in page
    css = (Path(__file__).parents[1] / "templates" / "static" / "style.css").read_text()
    assert ".ansi-red" in css and "light-dark(" in css.split(".ansi-red")[1][:60]


# finding 11 (+ a11y 13): HTML reprs were inserted raw; a script in the data ran on the page

def test_styler_html_is_sanitized_keeps_its_colours_and_sits_on_paper(tmp_path):
    import pytest

    pytest.importorskip("jinja2")
    note = cells(
        "import pandas as pd\n"
        "df = pd.DataFrame({'a': [1, 3], 'c': ['<script>alert(1)</script>', '<b>y</b>']})\n"
        "df.style.highlight_max(color='yellow', subset=['a'])",
        "df",
        "class R:\n    def _repr_html_(self):\n"
        "        return '<img src=x onerror=alert(2)><a href=\"javascript:alert(3)\">x</a>'\nR()")
    result = run(tmp_path / "vault", tmp_path / "cache", {"Styler.md": note})["Styler.md"]
    styler, plain, custom = (result.views[k].html for k in sorted(result.views))
    for part in (styler, plain, custom):
        assert "<script" not in part and "onerror" not in part and "javascript:" not in part
        assert "<style" not in part and 'border="1"' not in part
    assert 'style="background-color:yellow">3</td>' in styler
    assert 'id="T_' not in styler  # Styler's random ids made every build's page differ
    assert "<b>y</b>" in styler and "&lt;b&gt;y&lt;/b&gt;" in plain
    assert '<table class="dataframe">' in plain
    css = (Path(__file__).parents[1] / "templates" / "static" / "style.css").read_text()
    assert "div.cell-result.table-wrap { color-scheme: light; background: #fff;" in css


# finding 14: a printed "{{ROOT}}" was rewritten to the page's path to the site root

def test_printed_root_placeholder_stays_as_printed_in_a_built_page(tmp_path):
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "sub" / "Root.md").write_text(cells(
        'print("literal {{ROOT}} and src=\\"{{ROOT}}x\\"")\n'
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])"), encoding="utf-8")
    build(load_config(vault), tmp_path / "site", exec_mode="auto")
    page = (tmp_path / "site" / "sub" / "Root.html").read_text("utf-8")
    assert "literal {{ROOT}} and src=&quot;{{ROOT}}x&quot;" in page
    assert re.search(r'<img src="\.\./_exec/[0-9a-f]+\.png"', page)


# finding 15: 20,000 printed lines made a 1 MB page with a 397,000 px tall box

def test_very_long_output_keeps_head_and_tail_and_scrolls(tmp_path):
    note = cells("for i in range(20000):\n    print('line', i)", "list(range(100000))")
    result = run(tmp_path / "vault", tmp_path / "cache", {"Long.md": note})["Long.md"]
    printed, shown = (result.views[k].html for k in sorted(result.views))
    assert "line 0\n" in printed and "line 19999" in printed
    assert re.search(r"\n… 18,000 of 20,000 lines not shown \(the first 1,000 and the last 1,000 "
                     r"are; run the code to see them all\) …\n", printed) and "line 10000\n" not in printed
    assert len(printed) < 40_000
    # one long line: its start and its end, as many lines are shown (its middle is not)
    assert "characters not shown" in shown and " 50000," not in shown and len(shown) < 300_000
    assert "[0, 1, 2," in shown and "99999]" in shown
    css = (Path(__file__).parents[1] / "templates" / "static" / "style.css").read_text()
    assert ".cell-stdout, .cell-stderr, pre.cell-result { max-height: 40rem; overflow: auto; }" in css


# finding 13: after a recovered timeout, a later crash was reported at the first timeout's line

def test_not_run_cells_name_the_line_where_the_interpreter_stopped(tmp_path):
    note = cells("#| timeout: 1\nwhile True:\n    pass",
                 "print('recovered')",
                 "#| timeout: 1\nimport time\nwhile True:\n    try:\n        time.sleep(5)\n"
                 "    except BaseException:\n        pass",
                 "print('never')")
    result = run(tmp_path / "vault", tmp_path / "cache", {"Stop.md": note})["Stop.md"]
    last = result.views[max(result.views)].html
    assert "Not run: the interpreter running this note stopped at line 1" in last
    line = int(re.search(r"stopped at line (\d+)", last).group(1))
    assert 14 <= line <= 19, last  # inside the third cell, not the first cell's line 5


def test_the_empty_corner_of_a_dataframe_header_is_a_cell_not_a_header():
    """axe's empty-table-header: pandas writes ``<th></th>`` (Styler: ``<th class="blank">&nbsp;``)
    above the index; a header that names nothing is a plain cell."""
    import pandas as pd

    from generator.execute.outputs import safe_repr_html

    df = pd.DataFrame({"a": [1, 2]})
    for html in (safe_repr_html(df._repr_html_()),
                 safe_repr_html(df.style.highlight_max()._repr_html_())):
        head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
        assert "<th></th>" not in head and "&nbsp;</th>" not in head
        assert head.count("<td") == 1 and ">a</th>" in head
