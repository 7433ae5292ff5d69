"""The executor end to end: real worker processes on the test vault in tests/vaults/exec."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from generator.execute import ExecConfig, NoteJob, find_cells, run_notes, summarize

VAULT = Path(__file__).parent / "vaults" / "exec"
MD = MarkdownIt().use(front_matter_plugin)


def jobs_for(vault: Path, cfg: ExecConfig, only: str = "") -> list[NoteJob]:
    jobs = []
    for path in sorted(vault.rglob("*.md")):
        rel = path.relative_to(vault).as_posix()
        if not rel.startswith(only):
            continue
        tokens = MD.parse(path.read_text("utf-8"))
        meta = next((yaml.safe_load(t.content) for t in tokens if t.type == "front_matter"), {})
        fences = [(i, t) for i, t in enumerate(tokens) if t.type == "fence"]
        cells = find_cells(meta, fences, cfg, rel)
        jobs.append(NoteJob(rel, path, vault, tuple(cells)))
    return jobs


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "dir" for p in sorted(root.rglob("*"))}


def html_of(result) -> list[str]:
    return [result.views[k].html for k in sorted(result.views)]


@pytest.fixture(scope="module")
def vault_run(tmp_path_factory):
    """Every note of the test vault, run once in place; the vault is snapshotted around it."""
    cfg = ExecConfig(cache_dir=tmp_path_factory.mktemp("cache"), workers=2)
    before = snapshot(VAULT)
    results = run_notes(jobs_for(VAULT, cfg), cfg)
    return results, before, snapshot(VAULT)


def test_vault_left_exactly_as_it_was(vault_run):
    _, before, after = vault_run
    assert after == before


def test_figures_drawn_in_functions_are_captured_once(vault_run):
    result = vault_run[0]["Analysis/Figures.md"]
    first, second, third, _, sized, after = html_of(result)
    assert "(5.0, 2.0)" in sized and "(3.0, 2.0)" in after
    assert first.count('<figure class="cell-figure">') == 1
    assert 'alt="Bar chart of counts per intent"' in first
    assert "<figcaption>Counts per intent</figcaption>" in first
    assert "&lt;Figure" not in first and "<Figure" not in first  # no repr of the returned Figure
    assert second.count("<figure") == 2 and second.index('alt="first"') < second.index(
        'alt="second"')
    assert ".svg" in third and "Line2D" not in third
    for view in result.views.values():
        for name in view.assets:
            assert f'src="{{{{ROOT}}}}{name}"' in view.html
            assert name.startswith("_exec/")
    png = next(iter(result.views[min(result.views)].assets.values()))
    assert png.startswith(b"\x89PNG")
    assert result.failed == 0 and result.ran == 6


def test_svg_bytes_are_deterministic(tmp_path):
    cfg = ExecConfig(cache_dir=tmp_path / "c", rerun=True, workers=1)
    jobs = jobs_for(VAULT, cfg, "Analysis/Figures")
    svgs = []
    for _ in range(2):
        view = list(run_notes(jobs, cfg)["Analysis/Figures.md"].views.values())[2]
        assert view.assets
        svgs.append(view.assets)
    assert svgs[0] == svgs[1] and list(svgs[0])[0].endswith(".svg")


def test_stdout_stderr_in_order_and_dataframe_table(vault_run):
    cells = html_of(vault_run[0]["Analysis/Output.md"])
    first = cells[0]
    assert first.index("to stdout") < first.index("to stderr") < first.index("stdout again")
    assert '<pre class="cell-stderr">to stderr\n</pre>' in first
    assert '<div class="cell-result table-wrap">' in first and "<table" in first
    assert '<pre class="cell-result">np.int64(10)</pre>' in cells[1] or "10</pre>" in cells[1]
    assert cells[2] == ""  # trailing ";" suppresses the value
    assert cells[3] == ""  # output: false
    assert "&lt;b&gt;escaped&lt;/b&gt;" in cells[4]
    views = vault_run[0]["Analysis/Output.md"].views
    assert [v.show_code for v in views.values()] == [True, True, True, True, False, True]
    shown = cells[5]  # display() like Jupyter, and an object that draws itself as SVG
    assert "<table" in shown and "&#x27;text via display&#x27;" in shown and ".svg" in shown


def test_writes_go_to_the_working_folder(vault_run):
    result = vault_run[0]["Analysis/Writes.md"]
    first, second, outside = html_of(result)
    assert "True" in first and "written.png" in first and "made" in first
    assert "PermissionError" in second
    assert "False True" in outside
    assert result.failed == 0


def test_error_traceback_points_into_the_note(vault_run):
    result = vault_run[0]["Failures/Errors.md"]
    first, exits, after, expected = html_of(result)
    assert "before" in first and '<div class="cell-error" role="alert">' in first
    # the title says what went wrong, and where: the line of `return a / b` in the file
    assert '<p class="cell-error-title">ZeroDivisionError: division by zero (line 8)</p>' in first
    assert "File &quot;Failures/Errors.md&quot;, line 11, in &lt;module&gt;" in first
    assert "worker.py" not in first
    assert "SystemExit" in exits and "still running" in after
    assert "ValueError" in expected
    diags = sorted((d.code, d.span.line) for d in result.diagnostics)
    assert diags == [("exec-error", 8), ("exec-exit", 16)]  # error: true is not a warning
    assert result.failed == 3


def test_endless_cell_is_cut_by_its_timeout(vault_run):
    result = vault_run[0]["Failures/Timeout.md"]
    loop, after = html_of(result)
    assert "looping" in loop and "TimeoutError" in loop and "timeout of 1 s" in loop
    assert "after the timeout" in after
    ((code, line),) = [(d.code, d.span.line) for d in result.diagnostics]
    assert code == "exec-timeout" and line in (8, 9)  # inside the loop


def test_os_exit_and_segfault_are_reported_and_the_rest_goes_on(vault_run):
    exit_note = vault_run[0]["Failures/Exit.md"]
    one, died, never = html_of(exit_note)
    assert "one" in one
    assert "exited with status 3" in died and "cell-error" in died
    assert "Not run" in never and "never" not in never.replace("Not run", "")
    assert exit_note.not_run == 1
    assert [(d.code, d.span.line) for d in exit_note.diagnostics] == [("exec-crash", 11)]
    segv = vault_run[0]["Failures/Segfault.md"]
    (html,) = html_of(segv)
    assert "segmentation fault" in html
    assert "Failures/Segfault.md&quot;, line 8" in html  # faulthandler's frame in the note
    assert "ctypes/__init__.py" in html and sys.prefix not in html  # no folder of this machine
    assert [(d.code, d.span.line) for d in segv.diagnostics] == [("exec-crash", 8)]


def test_plain_python_not_run_and_eval_false(vault_run):
    plain = vault_run[0]["Basics/Plain.md"]
    assert plain.ran == 1 and list(plain.views.values())[0].html.count("explicitly run") == 1
    opt_in = vault_run[0]["Basics/Opt-in.md"]
    plain_cell, eval_false, options = (opt_in.views[k] for k in sorted(opt_in.views))
    assert "plain but opted in" in plain_cell.html and plain_cell.show_code is False
    assert eval_false.html == "" and eval_false.show_code is False
    assert options.show_code is True and options.code == 'print("options")\n'
    assert opt_in.ran == 2
    assert sorted(d.code for d in opt_in.diagnostics) == ["exec-option-invalid",
                                                          "exec-option-unknown"]


def test_state_shared_within_a_note_not_across(vault_run):
    a = html_of(vault_run[0]["Basics/State A.md"])
    b = html_of(vault_run[0]["Basics/State B.md"])
    assert "shared 42" in a[1]
    assert "False" in b[0]


def test_summary_counts(vault_run):
    summary = summarize(vault_run[0])
    assert summary.failed >= 6 and summary.not_run == 2 and summary.cached == 0
    assert "ran Analysis/Figures.md: no cache" in summary.format()


@pytest.fixture
def cache_vault(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(VAULT / "Cache", vault)
    return vault, ExecConfig(cache_dir=tmp_path / "cache", workers=2)


def run_all(vault: Path, cfg: ExecConfig):
    return run_notes(jobs_for(vault, cfg), cfg)


def test_cache_hit_then_prose_edit_then_data_change(cache_vault):
    vault, cfg = cache_vault
    first = run_all(vault, cfg)
    assert [(r.rel, r.ran, r.cached, r.reason) for r in first.values()] == [
        ("Pure.md", 1, 0, "no cache"), ("Reads data.md", 2, 0, "no cache")]
    again = run_all(vault, cfg)
    assert [(r.ran, r.cached, r.reason) for r in again.values()] == [(0, 1, None), (0, 2, None)]
    assert html_of(again["Reads data.md"]) == html_of(first["Reads data.md"])
    assert again["Reads data.md"].views[max(again["Reads data.md"].views)].assets

    note = vault / "Reads data.md"
    note.write_text(note.read_text().replace("Some prose.", "Much more prose.\n\nAnd more."))
    prose = run_all(vault, cfg)
    assert prose["Reads data.md"].cached == 2 and prose["Reads data.md"].ran == 0

    with open(vault / "data" / "numbers.csv", "a") as fh:
        fh.write("4,8\n")
    data = run_all(vault, cfg)
    assert data["Reads data.md"].reason == "data/numbers.csv changed"
    assert "total 20" in html_of(data["Reads data.md"])[0]
    assert data["Pure.md"].cached == 1

    (vault / "data" / "notes.txt").write_text("changed")
    deps = run_all(vault, cfg)
    assert deps["Reads data.md"].reason == "data/notes.txt changed"

    rerun = run_all(vault, ExecConfig(cache_dir=cfg.cache_dir, rerun=True))
    assert {r.reason for r in rerun.values()} == {"--rerun"}


def test_code_edit_reruns_and_failures_are_cached(cache_vault):
    vault, cfg = cache_vault
    (vault / "Bad.md").write_text("```{python}\nraise KeyError('k')\n```\n")
    run_all(vault, cfg)
    again = run_all(vault, cfg)["Bad.md"]
    assert again.cached == 1 and again.failed == 1 and again.diagnostics
    pure = vault / "Pure.md"
    pure.write_text(pure.read_text().replace("range(10)", "range(11)"))
    edited = run_all(vault, cfg)["Pure.md"]
    assert edited.reason == "code changed at line 5" and "55" in html_of(edited)[0]


def test_no_exec_uses_cache_or_says_not_run(cache_vault):
    vault, cfg = cache_vault
    off = ExecConfig(cache_dir=cfg.cache_dir, enabled=False)
    cold = run_all(vault, off)
    assert all(r.ran == 0 for r in cold.values())
    assert "Not run: built with --no-exec" in html_of(cold["Pure.md"])[0]
    run_all(vault, cfg)
    warm = run_all(vault, off)
    assert warm["Pure.md"].cached == 1 and "45" in html_of(warm["Pure.md"])[0]
    (vault / "data" / "numbers.csv").write_text("x,y\n1,1\n")
    stale = run_all(vault, off)["Reads data.md"]
    assert stale.ran == 0 and stale.cached == 2
    assert [d.code for d in stale.diagnostics] == ["exec-stale"]
    assert re.search(r"total 12", html_of(stale)[0])


def test_cell_that_ignores_its_timeout_is_killed(vault_run):
    result = vault_run[0]["Failures/Stubborn.md"]
    killed, after = html_of(result)
    assert "did not stop; its interpreter was killed" in killed
    assert "Not run" in after and result.not_run == 1
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("exec-timeout", 11)]
    assert result.seconds < 10


def test_caption_edit_changes_html_without_running(cache_vault):
    vault, cfg = cache_vault
    run_all(vault, cfg)
    note = vault / "Reads data.md"
    note.write_text(note.read_text().replace("#| deps: data/notes.txt",
                                             "#| deps: data/notes.txt\n#| fig-cap: Numbers"))
    edited = run_all(vault, cfg)["Reads data.md"]
    assert edited.ran == 0 and edited.cached == 2
    assert "<figcaption>Numbers</figcaption>" in html_of(edited)[1]


def test_cached_traceback_follows_the_code_when_prose_moves_it(cache_vault):
    vault, cfg = cache_vault
    note = vault / "Bad.md"
    note.write_text("# Bad\n\n```{python}\ndef f():\n    raise KeyError('k')\n```\n\n"
                    "```{python}\nf()\n```\n")
    first = run_all(vault, cfg)["Bad.md"]
    assert [d.span.line for d in first.diagnostics] == [5]
    note.write_text("# Bad\n\nNew\nprose.\n\n" + note.read_text().split("\n", 2)[2])
    moved = run_all(vault, cfg)["Bad.md"]
    assert moved.cached == 2 and [d.span.line for d in moved.diagnostics] == [8]
    text = html_of(moved)[1]
    assert "line 8, in f" in text and "line 12, in &lt;module&gt;" in text


def test_huge_output_is_cut_and_input_does_not_hang(vault_run):
    noisy, prompt = html_of(vault_run[0]["Failures/Noisy.md"])
    # 300,000 printed lines: the first and last 1,000 (from the end the worker keeps past its
    # first 1,000,000 characters), and one line between that says how much is not shown
    assert "298,000 of 300,000 lines not shown" in noisy and "output cut" not in noisy
    assert len(noisy) < 100_000
    assert "from a subprocess" in prompt and "EOFError" in prompt


def test_local_module_imports_and_is_a_dependency(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(VAULT / "Local", vault)
    cfg = ExecConfig(cache_dir=tmp_path / "cache", workers=1)
    first = run_all(vault, cfg)["Uses helper.md"]
    assert "hello vault" in html_of(first)[0]
    (vault / "helper_mod.py").write_text("def greet(name):\n    return f'hi {name}'\n")
    again = run_all(vault, cfg)["Uses helper.md"]
    assert again.reason == "helper_mod.py changed" and "hi vault" in html_of(again)[0]
    assert sorted(p.name for p in vault.iterdir()) == ["Uses helper.md", "helper_mod.py"]


def test_python_or_package_change_is_the_reason(cache_vault):
    vault, cfg = cache_vault
    run_all(vault, cfg)
    manifest_path = next((cfg.cache_dir / "notes").glob("*.json"))
    manifest = json.loads(manifest_path.read_text())
    manifest["python"] = "3.0.0"
    manifest_path.write_text(json.dumps(manifest))
    reasons = {r.reason for r in run_all(vault, cfg).values()}
    assert any(r and r.startswith("Python changed (3.0.0 -> ") for r in reasons)
    manifest_path = next(p for p in (cfg.cache_dir / "notes").glob("*.json")
                         if "pandas" in json.loads(p.read_text())["packages"])
    manifest = json.loads(manifest_path.read_text())
    manifest["packages"]["pandas"] = "0.1"
    manifest_path.write_text(json.dumps(manifest))
    reasons = {r.reason for r in run_all(vault, cfg).values()}
    assert any(r and r.startswith("pandas 0.1 -> ") for r in reasons)


def test_notes_run_in_parallel_workers(tmp_path):
    """Two workers run two notes at once: each cell logs its process and when it slept, and two
    notes' sleeps overlap.  (Comparing the wall time with one worker's failed once at load 17.)"""
    vault = tmp_path / "vault"
    vault.mkdir()
    log = tmp_path / "log"
    log.mkdir()
    for name in ("A", "B", "C", "D"):
        (vault / f"{name}.md").write_text(
            "```{python}\nimport os, time\nstart = time.time()\ntime.sleep(0.6)\n"
            f"open({str(log / name)!r}, 'w').write(f'{{os.getpid()}} {{start}} {{time.time()}}')\n```\n")
    cfg = ExecConfig(cache_dir=tmp_path / "cache", workers=2, rerun=True)
    run_notes(jobs_for(vault, cfg)[:1], cfg)  # the worker template is warm from here on
    results = run_notes(jobs_for(vault, cfg), cfg)
    assert all(r.ran == 1 for r in results.values())
    runs = [(int(pid), float(start), float(end)) for pid, start, end in
            (f.read_text().split() for f in sorted(log.iterdir()))]
    assert len(runs) == 4 and len({pid for pid, _, _ in runs}) >= 2
    assert any(a[1] < b[2] and b[1] < a[2] for i, a in enumerate(runs) for b in runs[i + 1:]
               if a[0] != b[0])


def test_a_killed_worker_template_is_replaced(tmp_path):
    import threading

    from generator.execute import pool

    vault = tmp_path / "vault"
    vault.mkdir()
    for name in ("A", "B"):
        (vault / f"{name}.md").write_text("```{python}\nimport time\ntime.sleep(0.8)\nprint('ok')\n```\n")
    cfg = ExecConfig(cache_dir=tmp_path / "cache", workers=1, rerun=True)
    run_notes(jobs_for(vault, cfg)[:1], cfg)
    template = pool.get_zygote(tuple(cfg.preload))
    threading.Timer(0.3, template.proc.kill).start()
    results = run_notes(jobs_for(vault, cfg), cfg)
    assert results["A.md"].failed == 1 and "cell-error" in html_of(results["A.md"])[0]
    assert "ok" in html_of(results["B.md"])[0]
    assert pool.get_zygote(tuple(cfg.preload)) is not template


def test_tracebacks_name_no_folder_of_the_build_machine(tmp_path):
    """A page showed library frames as '/root/.pyenv/…/json/decoder.py' and a timed-out cell
    the worker's own path: modules are named from their import root, and worker frames go."""
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "N.md").write_text(
        '```{python}\nimport json\njson.loads("{")\n```\n\n'
        '```{python}\n#| timeout: 0.5\nwhile True:\n    pass\n```\n', encoding="utf-8")
    cfg = ExecConfig(cache_dir=tmp_path / "cache", workers=1)
    result = run_notes(jobs_for(vault, cfg), cfg)["N.md"]
    library, timeout = html_of(result)
    assert "JSONDecodeError" in library and "json/decoder.py" in library
    assert "TimeoutError" in timeout and "worker.py" not in timeout
    for html in (library, timeout):
        assert str(tmp_path) not in html and sys.prefix not in html and "/usr/" not in html
