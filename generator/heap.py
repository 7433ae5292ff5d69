"""A build and Python's cyclic garbage collector.

A build keeps millions of small objects alive until it ends (every note's tokens, the index, the
pages' dependency records).  Python's cyclic collector rescans all of them each time the heap has
grown by a quarter: on a 10,000-note vault that made parsing 1.6 times slower than the parsing
itself, and rendering 1.3 times.  A build makes almost no reference cycles (reference counting frees
its garbage; peak memory is the same with the collector off), so the collector pauses for the
duration of a build, including in its worker processes, which fork from it, and resumes afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def build_heap() -> Iterator[None]:
    """Pause the cyclic collector while the block runs; restore it afterwards, whatever happens."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
