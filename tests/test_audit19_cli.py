"""Session 19, cli: a new user's first hour (README followed literally, every option and config
key): what the command line and vaultsite.toml's messages say, and where."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

from conftest import REPO, write_files


def _on_a_terminal(args: list[str]) -> str:
    """What the command writes to a terminal (a pseudo-terminal: stdout and stderr both)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=REPO, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal's other end closed (Linux: EIO)
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert proc.wait(timeout=300) == 0
    reader.join(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_quiet_prints_no_progress_bar_on_a_terminal(tmp_path: Path):
    """``-q`` says "Print only the summary line", but on a terminal the progress bar of each stage
    was still drawn (parse, index, render) above it.  Now ``-q`` draws none; without it the bar
    shows as before (the same vault, the same terminal)."""
    vault = write_files(tmp_path / "v", {f"N{i:03}.md": f"# N{i}\n\nsee [[N{(i + 1) % 210:03}]]\n"
                                        for i in range(210)})
    loud = _on_a_terminal(["build", str(vault), "-o", str(tmp_path / "loud"), "--no-exec"])
    assert "parse" in loud and "100%" in loud  # the bar is drawn on a terminal
    quiet = _on_a_terminal(["build", str(vault), "-o", str(tmp_path / "quiet"), "--no-exec", "-q"])
    assert "%" not in quiet and "parse" not in quiet, quiet
    assert quiet.strip().startswith("Built 210 of 210 notes into ")
    assert len(quiet.strip().splitlines()) == 1
