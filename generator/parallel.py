"""Fan work out over every core with forked worker processes.

Forking lets the workers inherit the parsed vault and the index without pickling them; results come
back pickled.  Where fork is unavailable (Windows, macOS spawn default) or the job is small, the work
runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASK: Callable[[Any], Any] | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _run(chunk: Sequence[Any]) -> list[Any]:
    assert _TASK is not None
    return [_TASK(item) for item in chunk]


def fork_map(func: Callable[[T], R], items: Sequence[T], *, workers: int = 0,
             min_items: int = 64, chunks_per_worker: int = 4) -> list[R]:
    """``[func(x) for x in items]``, in forked workers when it pays off; order is kept."""
    global _TASK
    workers = workers or cpu_count()
    methods = multiprocessing.get_all_start_methods()
    if workers <= 1 or len(items) < min_items or "fork" not in methods:
        return [func(x) for x in items]
    n_chunks = workers * chunks_per_worker
    size = max(1, -(-len(items) // n_chunks))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _TASK = func
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            parts = pool.map(_run, chunks, chunksize=1)
    finally:
        _TASK = None
    return [r for part in parts for r in part]
