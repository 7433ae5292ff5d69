"""How many cores this process may use, and work handed to a forked copy of it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
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
    # Ctrl+C ends a child at once and without a word, as it ends the build, unless the build ignores
    # it: as a Python program the child would print a traceback of ``KeyboardInterrupt`` above
    # click's "Aborted!", one per worker.  (Ignoring it instead would let a worker go on writing
    # pages into a staging folder the build has removed.)
    quiet = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    proc = multiprocessing.get_context("fork").Process(target=_child, args=(quiet, target, *args),
                                                       daemon=True)
    # A Ctrl+C pressed during the fork would be raised inside one of Python's at-fork hooks, which
    # only prints it ("Exception ignored in: <function _releaseLock>"), and the build would go
    # on: it is noted meanwhile, and raised once the fork is done.
    pressed: list[int] = []
    main = quiet and threading.current_thread() is threading.main_thread()
    if main:
        signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        proc.start()
    finally:
        if main:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    if pressed:
        raise KeyboardInterrupt
    return proc


def _child(quiet: bool, target: Callable[..., Any], *args: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL if quiet else signal.SIG_IGN)
    target(*args)
