"""A vault without notes is built, with a warning that it has none (most likely a wrong path)."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main
from generator.config import load_config
from generator.pipeline import build, check


def test_a_vault_without_notes_warns_and_still_builds(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "pic.txt").write_text("not a note\n", encoding="utf-8")
    cfg = load_config(vault)
    for result in (build(cfg, tmp_path / "site", exec_mode="no-exec"), check(cfg)):
        [diag] = result.diagnostics
        assert (diag.code, diag.severity.value) == ("no-notes", "warning")
        assert "no notes" in diag.message and "home page" in diag.message
        assert str(vault.resolve()) in diag.hint and "path" in diag.hint
    assert (tmp_path / "site" / "index.html").is_file()
    # a warning, not an error: the exit code is 0 unless --strict
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(vault)]).exit_code == 0
    assert runner.invoke(main, ["check", str(vault), "--strict"]).exit_code == 1


def test_a_vault_with_notes_has_no_such_warning(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("hello\n", encoding="utf-8")
    assert "no-notes" not in {d.code for d in check(load_config(vault)).diagnostics}
