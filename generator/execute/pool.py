"""The build side of the worker pool: one warm template process, one forked child per note.

The build process starts ``worker.py`` once (it imports numpy, pandas and matplotlib, then waits),
asks it to fork a child for each note and talks to that child over its own socket.  At most
``workers`` children run at once.  A child that outlives its cell's timeout by ``GRACE`` seconds is
killed with its whole process group; a child that dies is reported from its exit status.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from generator.execute import worker

GRACE = 2.0  # seconds past a cell's timeout before the child is killed from outside
SETUP_LIMIT = 60.0  # seconds a child may take between cells (mirroring the vault, sending results)
START_LIMIT = 300.0  # seconds for the template to fork a child (a cold matplotlib font cache...)


@dataclass
class RunOutcome:
    """What one note's child reported.  ``records[i]`` is None for a cell that never ran."""

    records: list[dict | None]
    reads: list[str] = field(default_factory=list)  # vault-relative files the code opened
    imports: list[str] = field(default_factory=list)  # top-level modules the note imported
    seconds: float = 0.0
    began: float = 0.0  # wall clock (time.time()) when the child was asked to run the note
    ends: list[float | None] = field(default_factory=list)  # wall clock as each cell's record came
    ended: float = 0.0  # wall clock when the child was gone


class Zygote:
    """The warm template process.  One per build process, reused by later ``run_notes`` calls."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self.preload = preload
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", "Agg")
        env["PYTHONHASHSEED"] = "0"  # set and dict-of-str order the same in every build
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")  # notes already run in parallel, one per core
        self.proc = subprocess.Popen(
            [sys.executable, worker.WORKER_FILE, str(theirs.fileno()), json.dumps(list(preload))],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            env=env, cwd=tempfile.gettempdir(), start_new_session=True)
        theirs.close()
        self.requests = ours  # job ids + SCM_RIGHTS to the template
        self.ctrl = Connection(os.dup(ours.fileno()))  # framed replies from it
        self.next_id = 1

    def fork(self) -> tuple[int, Connection]:
        job_id = self.next_id
        self.next_id += 1
        mine, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        socket.send_fds(self.requests, [struct.pack("!Q", job_id)], [child.fileno()])
        child.close()
        return job_id, Connection(mine.detach())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            self.ctrl.close()
            self.requests.close()
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


_ZYGOTES: dict[tuple[str, ...], Zygote] = {}


def get_zygote(preload: tuple[str, ...]) -> Zygote:
    zygote = _ZYGOTES.get(preload)
    if zygote is None or not zygote.alive():
        zygote = _ZYGOTES[preload] = Zygote(preload)
    return zygote


@atexit.register
def shutdown() -> None:
    """Stop the template processes (called at exit; harmless to call twice)."""
    for zygote in _ZYGOTES.values():
        zygote.close()
    _ZYGOTES.clear()


@dataclass
class _Active:
    index: int
    payload: dict
    conn: Connection
    work: str
    started: float
    deadline: float
    pid: int | None = None
    status: int | None = None
    eof: bool = False
    current: int | None = None
    offset: int = 0
    killed: int | None = None
    start_failed: bool = False
    end: dict | None = None
    records: list = field(default_factory=list)
    began: float = 0.0
    ends: list = field(default_factory=list)


def run_payloads(payloads: list[dict], workers: int, preload: tuple[str, ...],
                 done: Callable[[int, RunOutcome], None] | None = None) -> list[RunOutcome]:
    """Run each payload (one note) in a fresh child; results in the order of ``payloads``."""
    pending = deque(range(len(payloads)))
    active: dict[int, _Active] = {}  # job id -> state
    outcomes: list[RunOutcome | None] = [None] * len(payloads)
    zygote = get_zygote(preload)

    def fill() -> Zygote:
        current = zygote
        while pending and len(active) < max(1, workers):
            if not current.alive():
                current = get_zygote(preload)
            index = pending.popleft()
            job_id, state = _start(current, index, payloads[index])
            active[job_id] = state
        return current

    try:
        while pending or active:
            zygote = fill()
            _step(zygote, active)
            finished = [active.pop(j) for j, a in list(active.items())
                        if a.eof and (a.status is not None or a.start_failed)]
            zygote = fill()  # start the next notes before the bookkeeping of the finished ones
            for state in finished:
                outcomes[state.index] = _finish(state)
                if done is not None:
                    done(state.index, outcomes[state.index])
    finally:
        for state in active.values():  # interrupted: leave nothing running or behind
            _kill(state)
            shutil.rmtree(state.work, ignore_errors=True)
    return [o for o in outcomes if o is not None]


def _start(zygote: Zygote, index: int, payload: dict) -> tuple[int, _Active]:
    work = tempfile.mkdtemp(prefix="vaultsite-exec-")
    payload = dict(payload, overlay=os.path.join(work, "vault"),
                   capture=os.path.join(work, "output.log"))
    job_id, conn = zygote.fork()
    conn.send(payload)
    now = time.monotonic()
    state = _Active(index=index, payload=payload, conn=conn, work=work, started=now,
                    deadline=now + START_LIMIT, records=[None] * len(payload["cells"]),
                    began=time.time(), ends=[None] * len(payload["cells"]))
    return job_id, state


def _step(zygote: Zygote, active: dict[int, _Active]) -> None:
    now = time.monotonic()
    live = [a for a in active.values() if not a.eof]
    timeout = max(0.0, min(a.deadline for a in live) - now) if live else 1.0
    by_conn = {id(a.conn): a for a in live}
    for ready in wait([zygote.ctrl, *(a.conn for a in live)], timeout):
        if ready is zygote.ctrl:
            _control(zygote, active)
            continue
        state = by_conn[id(ready)]
        try:
            _message(state, ready.recv())
        except (EOFError, OSError):
            state.eof = True
            ready.close()
    now = time.monotonic()
    for state in active.values():
        if state.eof or now <= state.deadline:
            continue
        if state.pid is None:  # the template never forked it
            state.eof = state.start_failed = True
            state.conn.close()
            continue
        state.killed = state.current if state.current is not None else -1
        _kill(state, dump_stack=True)
        state.deadline = now + SETUP_LIMIT


def _control(zygote: Zygote, active: dict[int, _Active]) -> None:
    try:
        kind, job_id, value = zygote.ctrl.recv()
    except (EOFError, OSError):  # the template died (killed from outside): fail what is running
        for state in active.values():
            _kill(state)  # its children would go on as orphans nobody reaps or reads
            state.conn.close()
            state.eof, state.status = True, state.status if state.status is not None else -9
        _ZYGOTES.pop(zygote.preload, None)
        zygote.close()
        return
    state = active.get(job_id)
    if state is None:
        return
    if kind == "forked":
        state.pid = value
    elif kind == "exited":
        state.status = value


def _message(state: _Active, msg: tuple) -> None:
    kind = msg[0]
    now = time.monotonic()
    if kind == "start":
        _, index, state.offset = msg
        state.current = index
        state.deadline = now + state.payload["cells"][index]["options"]["timeout"] + GRACE
    elif kind == "cell":
        _, index, record = msg
        state.records[index] = record
        state.ends[index] = time.time()
        state.current = None
        state.deadline = now + SETUP_LIMIT
    elif kind == "end":
        state.end = msg[1]


def _kill(state: _Active, dump_stack: bool = False) -> None:
    if state.pid is None:
        return
    if dump_stack:  # faulthandler in the child writes its stack to the capture file
        try:
            os.kill(state.pid, signal.SIGUSR1)
            time.sleep(0.1)
        except ProcessLookupError:
            return
    for target in (lambda: os.killpg(state.pid, signal.SIGKILL),
                   lambda: os.kill(state.pid, signal.SIGKILL)):
        try:
            target()
            return
        except (ProcessLookupError, PermissionError):
            continue


def _finish(state: _Active) -> RunOutcome:
    state.conn.close()
    if state.pid is not None:  # processes the note started and left running die with it
        try:
            os.killpg(state.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    records = list(state.records)
    cells = state.payload["cells"]
    if state.end is None:
        failed = state.killed if state.killed is not None and state.killed >= 0 else state.current
        if state.start_failed:
            failed = 0
        if failed is None:
            failed = next((i for i, r in enumerate(records) if r is None), None)
        if failed is not None:
            tail = _read_tail(state)
            records[failed] = _death_record(state, cells[failed], tail)
    outcome = RunOutcome(records=records, reads=list((state.end or {}).get("reads", [])),
                         imports=list((state.end or {}).get("imports", [])),
                         seconds=time.monotonic() - state.started, began=state.began,
                         ends=list(state.ends), ended=time.time())
    shutil.rmtree(state.work, ignore_errors=True)
    return outcome


def _read_tail(state: _Active) -> str:
    try:
        with open(state.payload["capture"], "rb") as fh:
            fh.seek(state.offset)
            return fh.read(20000).decode("utf-8", "replace")
    except OSError:
        return ""


_FAULT_LINE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _death_record(state: _Active, cell: dict, tail: str) -> dict:
    line = cell["line"]
    for match in _FAULT_LINE.finditer(tail):
        if match.group("file") == state.payload["rel"]:
            line = int(match.group("line"))
            break
    if state.killed is not None:
        timeout = cell["options"]["timeout"]
        message = (f"the cell ran longer than its timeout of {timeout:g} s and did not stop; "
                   "its interpreter was killed")
        stack = _clean_fault(tail)
        tb = (stack + "\n\n" if stack else "") + f"TimeoutError: {message}\n"
        return {"outputs": [], "error": {
            "kind": "timeout", "ename": "TimeoutError", "evalue": message, "traceback": tb,
            "line": line}}
    status = state.status
    if state.start_failed:
        message = f"no worker process started within {START_LIMIT:g} s"
        return {"outputs": [], "error": {"kind": "crash", "ename": "WorkerDied",
                                         "evalue": message, "traceback": message, "line": line}}
    if status is not None and status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        what = {"SIGSEGV": "crashed with a segmentation fault (SIGSEGV)",
                "SIGKILL": "was killed (SIGKILL; out of memory?)",
                "SIGABRT": "aborted (SIGABRT)"}.get(name, f"was killed by {name}")
        message = f"the Python interpreter running this note {what}"
    else:
        message = f"the Python interpreter running this note exited with status {status}"
        message += " (os._exit?)" if status else ""
    text = _clean_fault(tail)
    tb = (text + "\n\n" if text else "") + f"WorkerDied: {message}\n"
    return {"outputs": [], "error": {"kind": "crash", "ename": "WorkerDied", "evalue": message,
                                     "traceback": tb, "line": line}}


def _clean_fault(tail: str) -> str:
    """faulthandler's dump without the executor's own frames and the extension-module list, and
    without folders of the build machine in its paths (as tracebacks are shown)."""
    kept = []
    for line in tail.splitlines():
        if line.startswith("Extension modules:"):
            break
        if worker.WORKER_FILE not in line:
            kept.append(line)
    return worker._shorten_paths("\n".join(kept).strip())

