"""The output folder's safety rules (README "Safety"), checked on real builds: a forged or stale
``.vaultsite-site`` marker never deletes outside the output folder, a new site gets the permissions of
an ordinary folder, and an existing empty folder (``-o .``, a mount point) is filled in place."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator import emit
from generator.config import load_config
from generator.emit import MARKER, OutputError
from generator.pipeline import build

REPO = Path(__file__).resolve().parent.parent


def make_vault(root: Path, notes: dict[str, str] | None = None) -> Path:
    vault = root / "vault"
    for rel, text in (notes or {"index.md": "# Home\n\nSee [[Other]].\n",
                                "Other.md": "# Other\n"}).items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")
    return vault


def run_build(vault: Path, out: Path):
    return build(load_config(vault), out, exec_mode="no-exec")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def write_marker(out: Path, files: dict[str, str]) -> None:
    (out / MARKER).write_text(json.dumps({"generator": "vaultsite", "files": files}), encoding="utf-8")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# -- bug 1: a marker never makes the build delete outside the output folder ----------------------------

def test_forged_marker_deletes_nothing_outside_the_output_folder(tmp_path):
    vault = make_vault(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    victim_abs = elsewhere / "victim_abs.txt"
    victim_abs.write_text("keep me too")
    out = tmp_path / "out"
    out.mkdir()
    write_marker(out, {"../victim.txt": "x", str(victim_abs): "y"})
    with pytest.raises(OutputError, match="vaultsite did not write"):
        run_build(vault, out)
    assert victim.read_text() == "keep me"
    assert victim_abs.read_text() == "keep me too"
    assert sorted(p.name for p in out.iterdir()) == [MARKER]  # a foreign folder is not touched


@pytest.mark.parametrize("entry", ["a/../../victim.txt", "..", "a/..", "x\0y", "", MARKER])
def test_marker_with_an_entry_vaultsite_never_writes_is_foreign(tmp_path, entry):
    vault = make_vault(tmp_path)
    (tmp_path / "victim.txt").write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    write_marker(out, {entry: "x", "old.html": "y"})
    (out / "old.html").write_text("old")
    with pytest.raises(OutputError):
        run_build(vault, out)
    with pytest.raises(OutputError):  # emit_site refuses it too, whoever calls it
        emit.emit_site(out, {"index.html": b"new"}, {})
    assert (tmp_path / "victim.txt").read_text() == "keep me"
    assert (out / "old.html").read_text() == "old"
    assert emit.read_manifest(out) == {}  # a foreign marker's list is not trusted at all


def test_marker_not_written_by_vaultsite_is_foreign(tmp_path):
    vault = make_vault(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    (out / MARKER).write_text("not json")
    with pytest.raises(OutputError):
        run_build(vault, out)
    assert (out / "thesis.docx").read_text() == "years of work"


def test_backslash_entries_are_never_deleted(tmp_path):
    vault = make_vault(tmp_path)
    out = tmp_path / "out"
    run_build(vault, out)
    manifest = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    (out / "a\\b.txt").write_text("mine")
    write_marker(out, {**manifest, "a\\b.txt": "x"})
    (vault / "Other.md").write_text("# Other, changed\n", encoding="utf-8")
    run_build(vault, out)
    assert (out / "a\\b.txt").read_text() == "mine"


def test_deletion_does_not_follow_a_symlinked_folder_out_of_the_site(tmp_path):
    vault = make_vault(tmp_path, {"index.md": "# Home\n", "sub/Page.md": "# Page\n"})
    out = tmp_path / "out"
    run_build(vault, out)
    assert (out / "sub" / "Page.html").is_file()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Page.html").write_text("not the site's")
    (outside / "empty").mkdir()
    # the previous build wrote sub/Page.html; sub is now a link to a folder elsewhere
    for p in sorted((out / "sub").rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    (out / "sub").rmdir()
    (out / "sub").symlink_to(outside, target_is_directory=True)
    (vault / "sub" / "Page.md").unlink()
    run_build(vault, out)
    assert (outside / "Page.html").read_text() == "not the site's"
    assert (outside / "empty").is_dir()


def test_a_listed_file_that_became_a_symlink_loses_the_link_not_the_target(tmp_path):
    vault = make_vault(tmp_path)
    out = tmp_path / "out"
    run_build(vault, out)
    target = tmp_path / "precious.html"
    target.write_text("precious")
    (out / "Other.html").unlink()
    (out / "Other.html").symlink_to(target)
    (vault / "Other.md").unlink()
    run_build(vault, out)
    assert not os.path.lexists(out / "Other.html")
    assert target.read_text() == "precious"


def test_no_write_through_a_symlinked_folder_out_of_the_site(tmp_path):
    vault = make_vault(tmp_path, {"index.md": "# Home\n", "sub/Page.md": "# Page\n"})
    out = tmp_path / "out"
    run_build(vault, out)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Page.html").write_text("not the site's")
    for p in (out / "sub").iterdir():
        p.unlink()
    (out / "sub").rmdir()
    (out / "sub").symlink_to(outside, target_is_directory=True)
    (vault / "sub" / "Page.md").write_text("# Page, changed\n", encoding="utf-8")
    with pytest.raises(OutputError, match="symbolic link"):
        run_build(vault, out)
    assert (outside / "Page.html").read_text() == "not the site's"


def test_prune_empty_never_climbs_above_the_output_folder(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    beside = tmp_path / "beside" / "deeper"
    beside.mkdir(parents=True)
    emit._prune_empty(out / "a" / ".." / ".." / "beside" / "deeper", out)
    assert beside.is_dir()
    outside = tmp_path / "linked" / "inner"
    outside.mkdir(parents=True)
    (out / "link").symlink_to(tmp_path / "linked", target_is_directory=True)
    emit._prune_empty(out / "link" / "inner", out)
    assert outside.is_dir()
    emit._prune_empty(out / "a", out)  # an empty folder of the site does go, the site stays
    assert not (out / "a").exists() and out.is_dir()


# -- bug 2: a new site gets an ordinary folder's permissions ----------------------------------------

def test_first_build_makes_a_folder_with_the_umask_mode(tmp_path, umask_022):
    vault = make_vault(tmp_path)
    out = tmp_path / "new" / "site"
    run_build(vault, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == 0o644


def test_first_build_keeps_the_mode_of_an_existing_empty_folder(tmp_path, umask_022):
    vault = make_vault(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o751)
    inode = out.stat().st_ino
    run_build(vault, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o751
    assert out.stat().st_ino == inode  # filled in place, not replaced
    assert (out / "index.html").is_file() and (out / MARKER).is_file()


# -- bug 3: an existing empty folder that cannot be renamed is filled entry by entry ---------------

def test_build_into_the_current_empty_folder(tmp_path):
    vault = make_vault(tmp_path)
    here = tmp_path / "emptydir"
    here.mkdir()
    done = run_cli("build", str(vault), "-o", ".", cwd=here)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (here / "index.html").is_file() and (here / "Other.html").is_file()
    assert set(emit.read_manifest(here)) >= {"index.html", "Other.html"}
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name or ".old-" in p.name]
    assert not [p for p in here.iterdir() if "staging" in p.name]
    (vault / "Other.md").write_text("# Other, again\n", encoding="utf-8")
    again = run_cli("build", str(vault), "-o", ".", cwd=here)
    assert again.returncode == 0, again.stderr
    assert "again" in (here / "Other.html").read_text(encoding="utf-8")


def test_marker_is_placed_last_and_an_interrupted_fill_leaves_the_folder_empty(tmp_path, monkeypatch):
    vault = make_vault(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    moved: list[str] = []
    real_move = emit._move_entry

    def failing(src: Path, dest: Path) -> None:
        if len(moved) == 2:
            raise OSError(28, "No space left on device")
        moved.append(dest.name)
        real_move(src, dest)

    monkeypatch.setattr(emit, "_move_entry", failing)
    with pytest.raises(OSError):
        run_build(vault, out)
    assert list(out.iterdir()) == []  # no half site, and no marker that would claim one
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]
    monkeypatch.setattr(emit, "_move_entry", real_move)
    run_build(vault, out)
    assert (out / "index.html").is_file() and (out / MARKER).is_file()


def test_fill_never_overwrites_or_deletes_what_is_there(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    (out / "index.html").write_text("my own page")
    with pytest.raises(OutputError):
        emit.emit_site(out, {"index.html": b"site", "a.html": b"a"}, {})
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "thesis.docx"]
    assert (out / "index.html").read_text() == "my own page"
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_empty_folder_whose_parent_cannot_be_written_is_staged_inside(tmp_path, monkeypatch):
    vault = make_vault(tmp_path)
    out = tmp_path / "mnt"
    out.mkdir()
    real_mkdtemp = emit.tempfile.mkdtemp

    def no_parent(*args, dir=None, **kwargs):
        if Path(dir) == out.parent:
            raise PermissionError(13, "Permission denied")
        return real_mkdtemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(emit.tempfile, "mkdtemp", no_parent)
    run_build(vault, out)
    assert (out / "index.html").is_file() and (out / MARKER).is_file()
    assert not [p for p in out.iterdir() if "staging" in p.name]
