"""How many cores this process may use, and work handed to a forked copy of it."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def forked(target: Callable[..., Any], *args: Any) -> multiprocessing.Process | None:
    """``target(*args)`` in a forked copy of this process (it sees this process's memory as it is
    now; it should end with ``os._exit``, having nothing of its own to free).  None where processes
    cannot fork: the caller then does the work itself."""
    if not can_fork():
        return None
    proc = multiprocessing.get_context("fork").Process(target=target, args=args, daemon=True)
    proc.start()
    return proc
