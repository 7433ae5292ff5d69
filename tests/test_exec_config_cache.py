"""A cached code result is one of the same settings: changing ``[execute]`` runs the code again,
and a failure answered from the cache says how to run it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.execute.runner import CAN_RUN

pytestmark = pytest.mark.skipif(not CAN_RUN, reason="the executor needs fork()")


def _build(vault: Path, out: Path, mode: str = "auto"):
    from generator.config import load_config
    from generator.pipeline import build

    return build(load_config(vault), out, exec_mode=mode)


def _vault(tmp_path: Path, code: str, toml: str | None) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "t.md").write_text(f"# T\n\n```{{python}}\n{code}\n```\n", encoding="utf-8")
    if toml is not None:
        (vault / "vaultsite.toml").write_text(toml, encoding="utf-8")
    return vault


def _codes(result) -> list[str]:
    return [d.code for d in result.diagnostics if d.code.startswith("exec-")]


def test_raising_the_timeout_runs_a_timed_out_cell_again(tmp_path):
    vault = _vault(tmp_path, "import time\ntime.sleep(1.5)\nprint('done')",
                   "[execute]\ntimeout = 0.5\n")
    out = tmp_path / "site"
    first = _build(vault, out)
    assert _codes(first) == ["exec-timeout"]
    (vault / "vaultsite.toml").write_text("[execute]\ntimeout = 20\n", encoding="utf-8")
    second = _build(vault, out)
    assert _codes(second) == []  # was the cached "timeout of 0.5 s"
    assert (second.stats.cells_ran, second.stats.cells_failed) == (1, 0)
    assert "done" in (out / "t.html").read_text(encoding="utf-8")


def test_deleting_the_config_runs_a_cell_again_under_the_default_timeout(tmp_path):
    vault = _vault(tmp_path, "import time\ntime.sleep(1)\nprint('fine')",
                   "[execute]\ntimeout = 0.3\n")
    out = tmp_path / "site"
    assert _codes(_build(vault, out)) == ["exec-timeout"]
    (vault / "vaultsite.toml").unlink()
    again = _build(vault, out)
    assert _codes(again) == [] and again.stats.cells_ran == 1


def test_site_defaults_and_plain_python_are_part_of_what_was_run(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "t.md").write_text("# T\n\n```python\nprint('plain ran')\n```\n", encoding="utf-8")
    out = tmp_path / "site"
    assert _build(vault, out).stats.cells_ran == 0
    (vault / "vaultsite.toml").write_text("[execute]\nrun_plain_python = true\n", encoding="utf-8")
    ran = _build(vault, out)
    assert ran.stats.cells_ran == 1
    assert "plain ran" in (out / "t.html").read_text(encoding="utf-8")


def test_a_cached_failure_says_how_to_run_it_again(tmp_path):
    vault = _vault(tmp_path, "raise ValueError('bad data')", None)
    out = tmp_path / "site"
    [fresh] = _build(vault, out).diagnostics
    assert fresh.code == "exec-error" and "--rerun" not in (fresh.hint or "")
    [cached] = _build(vault, out).diagnostics
    assert cached.code == "exec-error" and "--rerun" in (cached.hint or "")
    rerun = _build(vault, out, "rerun")
    assert "--rerun" not in (rerun.diagnostics[0].hint or "")
