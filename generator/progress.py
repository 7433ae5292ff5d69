"""How long a build stage has left, for the progress bar (``cli._Progress``).

click's progress bar estimates it by dividing the time since the bar appeared by the items done
and averaging the last few such quotients.  A stage's first seconds often do no item at all (the
workers start, or unpickle the builder before their first page), and that estimate counts them
as work: on 5,000 notes the render bar opened at "05:32:04" for a stage of 32 seconds, and still
said "00:52:43" at 10 %.  ``Eta`` measures the rate from the first item done, over the last
``WINDOW`` seconds (a stage whose pace changes is followed), and says nothing until it has seen
``SETTLE`` seconds of progress.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Eta:
    """The seconds a stage of ``total`` items has left, from the counts of done items it is told
    (``update``) and the times it told them, read from ``clock`` (``time.monotonic``)."""

    WINDOW = 10.0  # seconds of progress the rate is measured over
    SETTLE = 2.0  # seconds of progress before there is an estimate

    def __init__(self, total: int, clock: Callable[[], float] | None = None) -> None:
        self.total = total
        self.clock = clock or time.monotonic
        self.samples: deque[tuple[float, int]] = deque()  # (time, done), done increasing
        self.first: float | None = None  # when the first item was done

    def update(self, done: int) -> None:
        if done <= (self.samples[-1][1] if self.samples else 0):
            return  # no item since the last count: the time without progress slows the rate
        now = self.clock()
        if self.first is None:
            self.first = now
        self.samples.append((now, done))
        # keep the last count from before the window, so that the window is WINDOW seconds long
        while len(self.samples) > 2 and self.samples[1][0] <= now - self.WINDOW:
            self.samples.popleft()

    def seconds_left(self) -> float | None:
        """The estimate, or None while too little progress has been seen."""
        if self.first is None or len(self.samples) < 2:
            return None
        now = self.clock()
        if now - self.first < self.SETTLE:
            return None
        start, done_then = self.samples[0]
        done = self.samples[-1][1]
        rate = (done - done_then) / max(now - start, 1e-9)
        if rate <= 0:
            return None
        return max(self.total - done, 0) / rate


def format_eta(seconds: float | None) -> str | None:
    """``00:01:05`` (as click shows its estimate), ``2d 03:00:00`` past a day; None for None."""
    if seconds is None:
        return None
    t = int(seconds + 0.5)
    days, t = divmod(t, 86400)
    hours, t = divmod(t, 3600)
    minutes, secs = divmod(t, 60)
    clock = f"{hours:02}:{minutes:02}:{secs:02}"
    return f"{days}d {clock}" if days else clock
