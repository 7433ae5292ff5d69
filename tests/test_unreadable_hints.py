"""A link to a note that exists but cannot be read says so; skipped files say what to do."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.config import load_config
from generator.pipeline import build, check


@pytest.fixture
def locked_vault(tmp_path, monkeypatch):
    vault = tmp_path / "v"
    (vault / "sub").mkdir(parents=True)
    (vault / "sub" / "Secret.md").write_text("# Secret\n", encoding="utf-8")
    (vault / "Home.md").write_text(
        "[[Secret]] [[sub/Secret#Part]] [[./sub/Secret.md]] ![[Secret]] [[Nowhere]]\n",
        encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):  # the tests run as root, which no file mode stops
        if self.name == "Secret.md":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return vault


@pytest.mark.parametrize("run", ["check", "build"])
def test_a_link_to_an_unreadable_note_says_it_exists_and_cannot_be_read(locked_vault, tmp_path,
                                                                        run):
    cfg = load_config(locked_vault)
    result = check(cfg) if run == "check" else build(cfg, tmp_path / "site", exec_mode="no-exec")
    links = [d for d in result.diagnostics if d.code == "link-unresolved"]
    locked = [d for d in links if "Secret" in d.message]
    assert len(locked) == 4
    for d in locked:
        assert "sub/Secret.md, which exists but cannot be read" in d.message
        assert "does not exist" not in d.message and "create the note" not in (d.hint or "")
        assert "readable" in d.hint
    [nowhere] = [d for d in links if "Nowhere" in d.message]
    assert "does not exist" in nowhere.message
    [unreadable] = [d for d in result.diagnostics if d.code == "unreadable"]
    assert unreadable.span.path == "sub/Secret.md" and "permissions" in unreadable.hint


def test_a_broken_symbolic_link_says_what_to_do(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("hi\n", encoding="utf-8")
    (vault / "gone.md").symlink_to(vault / "missing.md")
    (vault / "l1.md").symlink_to(vault / "l2.md")
    (vault / "l2.md").symlink_to(vault / "l1.md")
    result = check(load_config(vault))
    broken = [d for d in result.diagnostics if d.code == "symlink-broken"]
    assert len(broken) == 3
    assert all(d.hint and "delete it" in d.hint for d in broken)
