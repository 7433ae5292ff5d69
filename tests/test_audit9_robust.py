"""Audit 9 (robustness): a killed build, encodings and the site-wide invariants of issue 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.parallel import can_fork

REPO = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its reaper has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not can_fork() or not Path("/proc").is_dir(), reason="forked workers, /proc")
def test_build_workers_end_when_the_build_is_killed():
    """``kill -9`` of a build (or of the terminal running it) left its forked workers alive forever:
    each worker held the parent's end of its own pipe and of the pipes made before it, so it never
    saw the pipe close and waited on it, each holding the whole parse in memory."""
    script = (
        "import sys, time\n"
        "from generator.workers import NotePool\n"
        "pool = NotePool(3)\n"
        "print(' '.join(str(p.pid) for p in pool.procs), flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 3 and all(_alive(p) for p in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for pid in left:  # not left behind by the test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed build"
