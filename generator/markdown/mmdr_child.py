"""mmdr, the compiled mermaid renderer, run in a child process with a time limit.

mmdr holds the interpreter lock while it draws, so neither an alarm nor a thread can stop it: a
diagram it loops on (one was found: a sequence diagram with an empty ``%%`` line) hung the whole
build, and a crash in its compiled code would take the worker down with it.  Where processes can
fork, diagrams are drawn by one long-lived forked child per process (forked at the first diagram,
so a vault without diagrams pays nothing; each diagram then costs a pipe round trip).  A diagram
that takes longer than ``LIMIT_SECONDS`` has its child killed (the next diagram forks a new one)
and raises :class:`DrawTimeout`; a child that dies raises :class:`DrawCrash`; an error mmdr
raises comes back as a ``ValueError`` with mmdr's message.  Elsewhere mmdr is called directly.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import threading
import time

from generator.parallel import can_fork

try:  # a compiled extension: wheels for CPython 3.9+ on Linux, macOS and Windows
    import mmdr
except ImportError:  # pragma: no cover - depends on the platform
    mmdr = None

LIMIT_SECONDS = 30.0  # a diagram mmdr draws takes milliseconds; this is only for one it never ends
_HEAD = struct.Struct("!cI")  # status (b"S" svg, b"E" error) and payload length
_SIZE = struct.Struct("!I")


class DrawTimeout(ValueError):
    """mmdr did not finish the diagram in time (it was stopped)."""


class DrawCrash(ValueError):
    """mmdr's process died while drawing the diagram."""


def _draw_here(source: str) -> str:
    return mmdr.render(source).svg()


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    """``size`` bytes from ``fd``; None at end of file; raises TimeoutError past ``deadline``."""
    parts, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _serve(requests: int, answers: int) -> None:  # in the child: draw until the parent goes away
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        head = _read_exactly(requests, _SIZE.size, None)
        if head is None:
            return
        source = _read_exactly(requests, _SIZE.unpack(head)[0], None)
        if source is None:
            return
        try:
            status, payload = b"S", _draw_here(source.decode("utf-8", "surrogatepass"))
        except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException
            status, payload = b"E", str(exc) or type(exc).__name__
        body = payload.encode("utf-8", "surrogatepass")
        _write_all(answers, _HEAD.pack(status, len(body)) + body)


class _Child:
    """One forked drawer and the two pipes to it."""

    def __init__(self) -> None:
        to_child, self.requests = os.pipe()
        self.answers, from_child = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:  # no process to be had (a limit): the caller draws here
            for fd in (to_child, self.requests, self.answers, from_child):
                os.close(fd)
            raise
        if self.pid == 0:  # the child keeps only its two ends of the pipes
            code = 0
            try:
                os.closerange(3, min(to_child, from_child))
                os.closerange(min(to_child, from_child) + 1, max(to_child, from_child))
                os.closerange(max(to_child, from_child) + 1, _max_fd())
                _serve(to_child, from_child)
            except BaseException:  # noqa: BLE001 - nothing here may reach the parent's code
                code = 1
            os._exit(code)
        os.close(to_child)
        os.close(from_child)

    def draw(self, source: str, limit: float) -> str:
        body = source.encode("utf-8", "surrogatepass")
        try:
            _write_all(self.requests, _SIZE.pack(len(body)) + body)
            deadline = time.monotonic() + limit
            head = _read_exactly(self.answers, _HEAD.size, deadline)
            if head is not None:
                status, size = _HEAD.unpack(head)
                payload = _read_exactly(self.answers, size, deadline)
                if payload is not None:
                    text = payload.decode("utf-8", "surrogatepass")
                    if status == b"E":
                        raise ValueError(text)
                    return text
        except TimeoutError:
            self.close(kill=True)
            raise DrawTimeout(f"the renderer (mmdr) did not finish it in {limit:g} s and was "
                              "stopped") from None
        except BrokenPipeError:
            pass
        self.close(kill=True)
        raise DrawCrash("the renderer (mmdr) stopped while drawing it")

    def close(self, kill: bool = False) -> None:
        for fd in (self.requests, self.answers):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 20)
    except (ValueError, OSError):  # pragma: no cover - every POSIX system has it
        return 4096


_lock = threading.Lock()
_child: _Child | None = None
_child_pid = 0  # the process that forked ``_child``: a fork of this process must not share it
_failed: dict[str, ValueError] = {}  # diagrams that timed out or crashed: not tried again here


def draw(source: str) -> str:
    """mmdr's SVG for ``source``; raises ValueError (:class:`DrawTimeout`, :class:`DrawCrash`)."""
    if not can_fork():
        return _draw_here(source)
    global _child, _child_pid
    with _lock:
        if source in _failed:
            raise _failed[source]
        if _child is None or _child_pid != os.getpid():
            try:
                _child, _child_pid = _Child(), os.getpid()
            except OSError:  # fork failed: unguarded, as where processes cannot fork
                _child = None
                return _draw_here(source)
        child = _child
        try:
            return child.draw(source, LIMIT_SECONDS)
        except (DrawTimeout, DrawCrash) as exc:
            _child = None
            _failed[source] = exc
            raise
