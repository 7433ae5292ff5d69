"""`vaultsite init` output and the repository's Pages workflow, validated offline.

The workflow files are checked with ``check-jsonschema --builtin-schema vendor.github-workflows``
(the schema ships inside the package) and ``zizmor --offline`` (no GitHub API calls); each check
is skipped when its tool is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from generator.init import (
    CONFIG_PATH,
    GITIGNORE_PATH,
    PINNED_ACTIONS,
    WORKFLOW_PATH,
    existing_files,
    init_vault,
    render_config,
    render_workflow,
)

REPO = Path(__file__).resolve().parent.parent
REPO_WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return path


def _check_jsonschema(path: Path) -> None:
    exe = _tool("check-jsonschema")
    proc = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _zizmor(path: Path) -> None:
    exe = _tool("zizmor")
    # pedantic: also the informational audits; --no-config: no suppressions from anywhere
    proc = subprocess.run([exe, "--offline", "--no-config", "--persona", "pedantic", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


def _workflows(tmp_path: Path) -> list[Path]:
    vault = tmp_path / "vault"
    init_vault(vault)
    git = tmp_path / "git-vault"
    init_vault(git, install="git+https://github.com/example/vaultsite@v0.1.0")
    return [REPO_WORKFLOW, vault / WORKFLOW_PATH, git / WORKFLOW_PATH]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["repo", "init-pypi", "init-git"])
def test_workflow_matches_github_schema(tmp_path, which):
    _check_jsonschema(_workflows(tmp_path)[which])


@pytest.mark.parametrize("which", [0, 1, 2], ids=["repo", "init-pypi", "init-git"])
def test_workflow_has_no_zizmor_findings(tmp_path, which):
    _zizmor(_workflows(tmp_path)[which])


def test_repo_workflow_is_the_rendered_template():
    """The repository's workflow is the template (`pip install .`, the demo vault in notes/)."""
    assert REPO_WORKFLOW.read_text(encoding="utf-8") == render_workflow(install=".", vault="notes")


def test_workflow_content():
    text = render_workflow()
    assert "python -m pip install vaultsite==" in text
    assert "run: vaultsite build -o site" in text
    # the Pages URL reaches the build (a 404 page that works at any depth, canonical links),
    # through the environment rather than expanded into the script
    assert 'PAGES_URL: ${{ steps.pages.outputs.base_url }}' in text
    assert 'run: vaultsite build -o site --site-url "$PAGES_URL"' in text
    assert "persist-credentials: false" in text
    assert "permissions: {}" in text
    assert "concurrency:" in text
    for action, sha, tag in PINNED_ACTIONS.values():
        assert re.fullmatch(r"[0-9a-f]{40}", sha)
        assert f"uses: {action}@{sha}  # {tag}" in text
    # every `uses:` is pinned by a full SHA
    for ref in re.findall(r"uses: \S+@(\S+)", text):
        assert re.fullmatch(r"[0-9a-f]{40}", ref), ref
    # a vault in a sub-folder and a spec with shell metacharacters are quoted
    sub = render_workflow(vault="My Vault", install="vaultsite>=0.1")
    assert "run: vaultsite build 'My Vault' -o site" in sub
    assert "python -m pip install 'vaultsite>=0.1'" in sub


def test_init_writes_starter_files_and_never_overwrites(tmp_path):
    vault = tmp_path / "Garden"
    written = init_vault(vault)
    assert sorted(p.relative_to(vault).as_posix() for p in written) == sorted(
        [CONFIG_PATH, WORKFLOW_PATH, GITIGNORE_PATH])
    assert tomllib.loads((vault / CONFIG_PATH).read_text())["title"] == "Garden"

    (vault / CONFIG_PATH).write_text('title = "Mine"\n')
    (vault / GITIGNORE_PATH).write_text("*.tmp\n")
    assert init_vault(vault) == []
    assert (vault / CONFIG_PATH).read_text() == 'title = "Mine"\n'
    assert len(existing_files(vault)) == 3

    again = init_vault(vault, force=True)
    assert sorted(p.name for p in again) == ["pages.yml", "vaultsite.toml"]
    assert tomllib.loads((vault / CONFIG_PATH).read_text())["title"] == "Garden"
    assert (vault / GITIGNORE_PATH).read_text() == "*.tmp\n"  # the user's own, even with force


def test_starter_config_loads_with_the_real_config_module(tmp_path):
    from generator.config import load_config

    vault = tmp_path / 'Quote "and" back\\slash'
    init_vault(vault)
    cfg = load_config(vault, {})
    assert cfg.title == 'Quote "and" back\\slash'


def _uncomment(text: str) -> str:
    """Turn every commented-out setting (`# key = value` and `# [table]`) into a real one."""
    out = []
    for line in text.splitlines():
        m = re.match(r"# ((?:\[[\w.]+\])|(?:\"?[\w-]+\"? = .*))$", line)
        out.append(m.group(1) if m else line)
    return "\n".join(out) + "\n"


def test_every_config_key_is_in_the_starter_and_each_example_is_valid(tmp_path):
    from generator import config

    text = render_config("T")
    for key in config._TOP_KEYS:
        assert re.search(rf"^(# )?(\[)?{key}\b", text, re.M), f"starter lacks `{key}`"
    for key in config._EXEC_KEYS:
        assert re.search(rf"^# {key} = ", text, re.M), f"starter lacks `execute.{key}`"
    vault = tmp_path / "v"
    vault.mkdir()
    (tmp_path / "shared-notes").mkdir()
    (vault / CONFIG_PATH).write_text(_uncomment(text), encoding="utf-8")
    cfg = config.load_config(vault, {})
    assert cfg.site_url == "https://USER.github.io/REPO"
    assert cfg.execute.timeout == 30.0
    assert cfg.header_date_formats == config.DEFAULT_HEADER_DATE_FORMATS


def test_init_says_what_it_kept_with_and_without_force(tmp_path):
    def init(*args):
        done = subprocess.run([sys.executable, "-m", "generator", "init", str(tmp_path), *args],
                              capture_output=True, text=True, check=True,
                              cwd=Path(__file__).resolve().parents[1])
        return sorted(line.split(" ", 1)[0] + " " + Path(line.split(" ")[1]).name
                      for line in done.stdout.splitlines())

    assert init() == ["wrote .gitignore", "wrote pages.yml", "wrote vaultsite.toml"]
    assert init() == ["kept .gitignore", "kept pages.yml", "kept vaultsite.toml"]
    assert init("--force") == ["kept .gitignore", "wrote pages.yml", "wrote vaultsite.toml"]
