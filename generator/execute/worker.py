"""The worker side: a warm template process ("zygote") that forks one fresh child per note.

Run as a script by ``pool.py`` (``python worker.py CTRL_FD PRELOAD_JSON``), never imported by the
build process except for its constants.  Only the standard library is imported at the top, so the
template's warm state is exactly the preloaded modules.

Protocol.  The control socket (a Unix stream socket) carries, from the build: an 8-byte job id
with one socket fd (SCM_RIGHTS); to the build, ``Connection``-framed ``("forked", id, pid)`` and
``("exited", id, exit code or -signal)``.  Each
child talks over its own socket with ``multiprocessing.connection.Connection`` framing: it receives
one job dict, sends ``("start", i, fd_offset)`` before and ``("cell", i, record)`` after each cell,
then ``("end", info)``.
"""

from __future__ import annotations

import ast
import base64
import builtins
import collections
import contextlib
import faulthandler
import gc
import hashlib
import importlib.abc
import importlib.util
import io
import json
import linecache
import os
import random
import re
import select
import signal
import socket
import struct
import sys
import time
import traceback
import types
import warnings
from multiprocessing.connection import Connection

WORKER_FILE = os.path.abspath(__file__)
_NOTE_FILE = [""]  # the note's vault path: the file name user code is compiled under
_MIRROR: list[str] = []  # the note's folder in the vault's mirror, then the mirror and the vault
MAX_STREAM = 1_000_000  # characters of stdout (and of stderr) kept per cell from its start
TAIL_KEPT = 100_000  # and from its end, past that: what a page shows of it (outputs.shorten)


# ----------------------------------------------------------------------------- the template

def zygote_main(ctrl_fd: int, preload: list[str]) -> None:
    """Serve fork requests until the build closes the control socket.

    Portable to any Unix: a stream socket (SCM_RIGHTS for the child's socket) and SIGCHLD through
    a wake-up pipe, no Linux-only pidfds or SEQPACKET sockets.
    """
    ctrl = socket.socket(fileno=ctrl_fd)
    replies = Connection(os.dup(ctrl_fd))  # framed pickles back to the build
    _preload(preload)
    gc.collect()
    gc.freeze()  # the children's collector then never touches (and copies) the template's objects
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build handles Ctrl-C and kills us
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    children: dict[int, int] = {}  # pid -> job id
    while True:
        readable, _, _ = select.select([ctrl, wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 4096)
            _reap(children, replies)
        if ctrl not in readable:
            continue
        job_id, fd = _recv_request(ctrl)
        if job_id is None:  # the build went away
            os._exit(0)
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for own in (wake_r, wake_w):
                os.close(own)
            ctrl.close()
            replies.close()
            _child_main(fd)  # never returns
        os.close(fd)
        children[pid] = job_id
        replies.send(("forked", job_id, pid))
        _reap(children, replies)


def _recv_request(ctrl: socket.socket) -> tuple[int | None, int]:
    """One request: an 8-byte job id carrying the child's socket as SCM_RIGHTS."""
    try:
        data, fds, _flags, _addr = socket.recv_fds(ctrl, 8, 1)
        while data and len(data) < 8:
            more = ctrl.recv(8 - len(data))
            if not more:
                break
            data += more
    except OSError:
        return None, -1
    if len(data) < 8 or not fds:
        return None, -1
    return struct.unpack("!Q", data)[0], fds[0]


def _reap(children: dict[int, int], replies: Connection) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job_id = children.pop(pid, None)
        if job_id is not None:
            replies.send(("exited", job_id, os.waitstatus_to_exitcode(status)))


def _preload(names: list[str]) -> None:
    _sibling("sandbox")
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in names:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a missing optional package only costs warmth
            continue
    if "matplotlib" in sys.modules:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig = plt.figure()  # warm the font cache and the PNG/SVG writers
        fig.gca().plot([0, 1], [0, 1])
        fig.gca().set_title("warm")
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
        plt.close("all")


# ----------------------------------------------------------------------------- one note

def note_seed(rel: str) -> int:
    """The seed of a note's global random generators: stable across builds, different per note."""
    return int.from_bytes(hashlib.sha256(rel.encode("utf-8")).digest()[:4], "big")


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs a callback on a module right after it is first imported (``numpy.random``: seed it)."""

    def __init__(self, hooks: dict) -> None:
        self.hooks = hooks  # module name -> callback(module)

    def find_spec(self, fullname: str, path: object, target: object = None) -> object:
        if fullname not in self.hooks:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader, callback = spec.loader, self.hooks.pop(fullname)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec

        class _Loader(importlib.abc.Loader):
            def create_module(self, spec: object) -> object:
                return loader.create_module(spec)

            def exec_module(self, module: types.ModuleType) -> None:
                loader.exec_module(module)
                try:
                    callback(module)
                except Exception:  # noqa: BLE001, S110 - the import itself worked
                    pass

        spec.loader = _Loader()
        return spec


def _seed_numpy(seed: int) -> object:
    def seed_it(module: types.ModuleType) -> None:
        module.seed(seed)  # numpy.random: the global RandomState behind np.random.rand()
    return seed_it


def _seed_generators(seed: int, hooks: dict) -> None:
    """Python's and NumPy's global random generators start from ``seed`` (NumPy's when it is
    imported later too): a note's random numbers are the same in every build and differ from the
    other notes' (the forked children otherwise share the template's NumPy state)."""
    random.seed(seed)
    if "numpy.random" in sys.modules:
        _seed_numpy(seed)(sys.modules["numpy.random"])
    else:
        hooks["numpy.random"] = _seed_numpy(seed)


class CellTimeout(BaseException):
    """Raised inside user code when a cell runs past its timeout."""


def _child_main(fd: int) -> None:
    code = 0
    try:
        conn = Connection(fd)
        job = conn.recv()
        _run_job(conn, job)
    except BaseException:  # noqa: BLE001 - a broken worker must still exit
        traceback.print_exc()
        code = 70
    finally:
        os._exit(code)


def _run_job(conn: Connection, job: dict) -> None:
    os.setpgrp()  # the build kills the whole group on a hard timeout
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    capture = os.open(job["capture"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(capture, 1)
    os.dup2(capture, 2)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - input() raises EOFError instead of hanging
    faulthandler.enable(file=sys.__stderr__, all_threads=False)
    # the build sends SIGUSR1 before killing a stuck cell: the dump says where it was stuck
    faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=False)
    sandbox = _sibling("sandbox")
    workdir = sandbox.mirror(job["vault_root"], job["overlay"], job["folder"])
    os.chdir(workdir)
    # the note's folder in the mirror, then the folders a path of the vault may be seen under:
    # the mirror and the vault itself (its links lead there), as given and as real paths
    _MIRROR[:] = [workdir, *dict.fromkeys(
        os.path.realpath(p) if real else p
        for p in (job["overlay"], job["vault_root"]) for real in (False, True))]
    # like `python note.py` run in the note's folder: local modules import; the template's own
    # script folder (generator/execute) is not on the path
    sys.path[:] = [workdir] + [p for p in sys.path
                               if p and os.path.abspath(p) != os.path.dirname(WORKER_FILE)]
    sys.argv = [job["rel"]]
    baseline = {name.partition(".")[0] for name in sys.modules}
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main
    _NOTE_FILE[0] = job["rel"]
    hooks: dict = {}
    _seed_generators(note_seed(job["rel"]), hooks)
    sys.meta_path.insert(0, _AfterImport(hooks))
    linecache.cache[job["rel"]] = (len(job["source"]), None, job["source"].splitlines(True),
                                   job["rel"])
    guard = sandbox.Guard(os.path.realpath(job["vault_root"]), os.path.realpath(job["overlay"]))
    sys.addaudithook(guard)
    guard.observe_stats()  # os.path.exists('data.csv') is a dependency too
    # a library's warning names its file as the page may show it (numpy/_core/fromnumeric.py)
    warnings.formatwarning = _short_formatwarning(warnings.formatwarning)
    runner = _CellRunner(job, main.__dict__, job["capture"])
    main.__dict__["display"] = runner.display  # code written in Jupyter calls display(df)
    # IPython's own display() only prints outside a kernel: it is made to show values like ours
    if "IPython.core.display_functions" in sys.modules:
        _patch_ipython(runner.display)(sys.modules["IPython.core.display_functions"])
    else:
        hooks["IPython.core.display_functions"] = _patch_ipython(runner.display)
    for i, cell in enumerate(job["cells"]):
        conn.send(("start", i, runner.fd_offset))
        conn.send(("cell", i, runner.run(cell)))
    imported = {name.partition(".")[0] for name in sys.modules} - baseline
    conn.send(("end", {"reads": sorted(guard.reads), "imports": sorted(imported | runner.imports)}))
    sys.stdout.flush()


def _sibling(name: str) -> types.ModuleType:
    """A module next to this file, loaded under a private name (user code may own ``name``)."""
    if f"_vaultsite_{name}" in sys.modules:
        return sys.modules[f"_vaultsite_{name}"]
    spec = importlib.util.spec_from_file_location(
        f"_vaultsite_{name}", os.path.join(os.path.dirname(WORKER_FILE), f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _Stream(io.TextIOBase):
    """sys.stdout / sys.stderr of user code: chunks go into the cell's ordered output list.

    Past ``MAX_STREAM`` characters in a cell, only the last ``TAIL_KEPT`` are kept, and how many
    characters and lines went between: the output becomes ``(name, chunks, cut)``, ``cut`` a
    dict of ``tail`` (chunks), ``chars`` and ``lines`` (see ``_finish``)."""

    def __init__(self, name: str, outputs: list) -> None:
        self.name_ = name
        self.reset(outputs)

    def reset(self, outputs: list | None) -> None:
        self.outputs = outputs
        self.size = 0
        self.cut: dict | None = None
        self.tail_size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.outputs is None:
            return (sys.__stdout__ if self.name_ == "stdout" else sys.__stderr__).write(text)
        written = len(text)
        if text and self.cut is None:
            self.size += len(text)
            head = text[:len(text) - max(0, self.size - MAX_STREAM)]
            if head:
                if self.outputs and self.outputs[-1][0] == self.name_:
                    self.outputs[-1][1].append(head)
                else:
                    self.outputs.append((self.name_, [head]))  # chunks, joined after the cell
            text = text[len(head):]
            if text:
                if not (self.outputs and self.outputs[-1][0] == self.name_):
                    self.outputs.append((self.name_, []))
                self.cut = {"tail": collections.deque(), "chars": 0, "lines": 0}
                self.outputs[-1] = (self.name_, self.outputs[-1][1], self.cut)
        if text and self.cut is not None:
            tail, cut = self.cut["tail"], self.cut
            tail.append(text)
            self.tail_size += len(text)
            while self.tail_size > TAIL_KEPT:
                over, first = self.tail_size - TAIL_KEPT, tail[0]
                gone = tail.popleft() if len(first) <= over else first[:over]
                if gone is not first:
                    tail[0] = first[over:]
                cut["chars"] += len(gone)
                cut["lines"] += gone.count("\n")
                self.tail_size -= len(gone)
        return written

    @property
    def encoding(self) -> str:
        return "utf-8"

    def isatty(self) -> bool:
        return False


class _CellRunner:
    def __init__(self, job: dict, namespace: dict, capture: str) -> None:
        self.job = job
        self.ns = namespace
        self.capture = capture
        self.fd_offset = 0
        self.imports: set[str] = set()
        self.outputs: list = []
        self.figure_count = 0
        self.opts: dict = {}
        self.patched = False
        self.loop = None  # asyncio loop for cells with top-level await
        # one object per stream for the whole note, writing into the current cell's outputs: a
        # logging handler or a library that kept ``sys.stderr`` from an earlier cell still shows
        self.stdout, self.stderr = _Stream("stdout", self.outputs), _Stream("stderr", self.outputs)

    def run(self, cell: dict) -> dict:
        self.outputs = []
        self.figure_count = 0  # per cell: fig-cap and fig-alt lists are the cell's figures in order
        self.opts = cell["options"]
        size_before = self._figure_size()
        started = time.perf_counter()
        error = None
        for stream in (self.stdout, self.stderr):
            stream.reset(self.outputs)
        sys.stdout, sys.stderr = self.stdout, self.stderr
        try:
            error = self._execute(cell)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for stream in (self.stdout, self.stderr):
                stream.outputs = None  # between cells: to the descriptor, shown with the next cell
        self._flush_figures()
        if size_before is not None and self._pyplot() is not None:
            self._pyplot().rcParams["figure.figsize"] = size_before
        self._collect_fd_output()
        return {"outputs": [_finish(out) for out in self.outputs], "error": error,
                "seconds": round(time.perf_counter() - started, 4)}

    def _execute(self, cell: dict) -> dict | None:
        rel = self.job["rel"]
        source = "\n" * (cell["line"] - 1) + cell["code"]
        try:
            tree = _parse(source, rel)
        except SyntaxError as exc:  # the frames are vaultsite's (ast.parse): none is shown
            return _error_record("exception", exc.with_traceback(None), cell["line"])
        self.imports |= _static_imports(tree)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not _ends_with_semicolon(
                source):
            last = ast.Expression(tree.body.pop().value)
        timeout = self.opts["timeout"]
        signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        with contextlib.ExitStack() as scope:
            if not self.opts.get("warning", True):  # `#| warning: false`
                scope.enter_context(warnings.catch_warnings())
                warnings.simplefilter("ignore")
            return self._run_cell(tree, last, rel, cell["line"], timeout)

    def _run_cell(self, tree: ast.Module, last: ast.Expression | None, rel: str, line: int,
                  timeout: float) -> dict | None:
        try:
            self._run_code(compile(tree, rel, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT))
            if last is not None:
                value = self._run_code(compile(last, rel, "eval",
                                               flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT))
                signal.setitimer(signal.ITIMER_REAL, 0)
                self._display(value)
        except CellTimeout as exc:
            return _error_record("timeout", exc, line, timeout=timeout)
        except SystemExit as exc:
            return _error_record("exit", exc, line)
        except BaseException as exc:  # noqa: BLE001 - every user error is reported, not raised
            return _error_record("exception", exc, line)
        return None

    def _run_code(self, code: types.CodeType) -> object:
        """Run compiled cell code; top-level ``await`` (as in Jupyter) runs in the note's event
        loop, one loop for all its cells."""
        value = eval(code, self.ns)  # noqa: S307 - this is the worker's job
        if code.co_flags & _CO_COROUTINE:
            import asyncio

            if self.loop is None or self.loop.is_closed():
                self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            value = self.loop.run_until_complete(value)
        return value

    def _pyplot(self) -> types.ModuleType | None:
        """pyplot if the note uses it; its ``show`` then draws the open figures into the page."""
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None and not self.patched:
            plt.show = self._show
            self.patched = True
        return plt

    def _figure_size(self) -> tuple | None:
        """Apply ``fig-width``/``fig-height`` for this cell; returns the size to restore."""
        plt = self._pyplot()
        width, height = self.opts.get("fig_width"), self.opts.get("fig_height")
        if plt is None or not (width or height):
            return None
        before = tuple(plt.rcParams["figure.figsize"])
        plt.rcParams["figure.figsize"] = (width or before[0], height or before[1])
        return before

    def display(self, *values: object, raw: bool = False, **_ignored: object) -> None:
        """``display(obj)`` as in Jupyter: each value shown as the last expression would be
        (IPython's keywords are accepted; ``raw=True`` values are mime bundles)."""
        for value in values:
            if raw and isinstance(value, dict):
                self._show_bundle(value, None)
            else:
                self._display(value)

    def _display(self, value: object) -> None:
        if value is None:
            return
        if _is_matplotlib(value):  # drawn below as a figure; its repr is noise
            if type(value).__name__ == "Figure" and value not in _managed_figures():
                self._save_figure(value)  # made with Figure(), not pyplot: show it anyway
            return
        if isinstance(value, type):
            self.outputs.append(("text", _plain_repr(value)))
            return
        bundle = _call_bundle(value)
        self._show_bundle(bundle, value)

    def _show_bundle(self, bundle: dict, value: object | None) -> None:
        """The richest representation Jupyter would pick: a ``_repr_mimebundle_`` entry, else
        the ``_repr_*_`` method, in the order of ``_MIME_ORDER``."""
        for mime, method in _MIME_ORDER:
            data = bundle.get(mime)
            if data is None and value is not None and method:
                data = _call_repr(value, method)
            if isinstance(data, tuple) and len(data) == 2:  # (data, metadata)
                data = data[0]
            if data and self._add_mime(mime, data):
                return
        self.outputs.append(("text", _plain_repr(value) if value is not None else ""))

    def _add_mime(self, mime: str, data: object) -> bool:
        if isinstance(data, list) and all(isinstance(d, str) for d in data):
            data = "".join(data)  # nbformat writes long texts as lists of lines
        if mime == "image/png":
            if isinstance(data, str):  # IPython's Image gives base64 text
                try:
                    data = base64.b64decode(data)
                except ValueError:
                    return False
            if isinstance(data, bytes):
                self._add_image("png", data, None)
                return True
            return False
        if mime == "image/svg+xml":
            data = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            if isinstance(data, str):
                self._add_image("svg", data.encode("utf-8"), None)
                return True
            return False
        if not isinstance(data, str):
            return False
        if mime == "text/html":
            self.outputs.append(("html", data))
        elif mime == "text/markdown":
            # an HTML output's third item: the notes its ![[…]] embedded, shown as links to them
            embedded: list[str] = []
            html = _site_render("markdown", data, embedded)
            self.outputs.append(("text", data) if html is None else
                                ("html", html, embedded) if embedded else ("html", html))
        elif mime == "text/latex":
            html = _site_render("latex", data)
            self.outputs.append(("html", html) if html is not None else ("text", data))
        else:
            self.outputs.append(("text", data))
        return True

    def _show(self, *args: object, **kwargs: object) -> None:
        self._flush_figures()

    def _flush_figures(self) -> None:
        plt = self._pyplot()
        if plt is None:
            return
        for figure in _managed_figures():
            try:
                self._save_figure(figure)
            except Exception as exc:  # noqa: BLE001 - a broken figure is reported, not fatal
                self.outputs.append(("stderr", [f"could not draw a figure: {exc!r}\n"]))
        plt.close("all")

    def _save_figure(self, figure: object) -> None:
        fmt = self.opts.get("fig_format", "png")
        dpi = self.opts.get("fig_dpi", 150)
        buf = io.BytesIO()
        import matplotlib

        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        with matplotlib.rc_context({"svg.hashsalt": "vaultsite"}):  # stable SVG ids
            figure.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
        self._add_image(fmt, buf.getvalue(), figure, dpi)

    def _add_image(self, fmt: str, data: bytes, figure: object | None, dpi: int = 96) -> None:
        size = None
        if fmt == "png" and data[:8] == b"\x89PNG\r\n\x1a\n":
            px_w, px_h = struct.unpack("!II", data[16:24])
            size = (round(px_w * 96 / dpi), round(px_h * 96 / dpi))
        title = _figure_title(figure) if figure is not None else ""
        self.outputs.append(("figure", fmt, data, title, size, self.figure_count))
        self.figure_count += 1

    def _collect_fd_output(self) -> None:
        """Output written straight to file descriptors 1 and 2 (C code, subprocesses): its first
        ``MAX_STREAM`` bytes and last ``TAIL_KEPT``, and how much went between, as a stream's."""
        cut = None
        with open(self.capture, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            end = fh.tell()
            fh.seek(self.fd_offset)
            data = fh.read(MAX_STREAM)
            if end - self.fd_offset > MAX_STREAM + TAIL_KEPT:
                cut = {"chars": 0, "lines": 0}
                while fh.tell() < end - TAIL_KEPT:
                    gone = fh.read(min(1 << 20, end - TAIL_KEPT - fh.tell()))
                    cut["chars"] += len(gone)
                    cut["lines"] += gone.count(b"\n")
            if cut is not None or fh.tell() < end:
                cut = cut or {"chars": 0, "lines": 0}
                cut["tail"] = [fh.read(end - fh.tell()).decode("utf-8", "replace")]
        self.fd_offset = end
        if data:
            text = [data.decode("utf-8", "replace")]
            self.outputs.append(("stderr", text, cut) if cut else ("stderr", text))


def _finish(out: tuple) -> tuple:
    """An output as the record keeps it: a stream's chunks joined, paths as the reader knows them
    (``_shorten_paths``, ``_mirror_paths``); a stream cut in its middle keeps its end, and the
    characters and lines that went, as ``{"tail": text, "chars": n, "lines": n}``."""
    kind = out[0]
    if kind not in ("stdout", "stderr", "text", "html"):
        return out

    def text(value: str | list | collections.deque) -> str:
        value = value if isinstance(value, str) else "".join(value)
        return _mirror_paths(_shorten_paths(value) if kind == "stderr" else value,
                             markup=kind == "html")

    if len(out) > 2 and isinstance(out[2], dict):
        cut = out[2]
        return (kind, text(out[1]), {"tail": text(cut["tail"]), "chars": cut["chars"],
                                     "lines": cut["lines"]})
    return (kind, text(out[1]), *out[2:])


_MIME_ORDER = (("text/html", "_repr_html_"), ("image/svg+xml", "_repr_svg_"),
               ("image/png", "_repr_png_"), ("text/markdown", "_repr_markdown_"),
               ("text/latex", "_repr_latex_"), ("text/plain", None))
_ADDRESS = re.compile(r" (?:object )?at 0x[0-9a-fA-F]+>")


def _call_bundle(value: object) -> dict:
    """``value._repr_mimebundle_()`` as a dict (plotly, altair), or {}."""
    method = getattr(value, "_repr_mimebundle_", None)
    if not callable(method):
        return {}
    try:
        try:
            got = method(include=None, exclude=None)
        except TypeError:
            got = method()
    except Exception:  # noqa: BLE001 - fall back to the _repr_*_ methods, as Jupyter does
        return {}
    if isinstance(got, tuple) and len(got) == 2:  # (data, metadata)
        got = got[0]
    return dict(got) if isinstance(got, dict) else {}


def _plain_repr(value: object) -> str:
    """``repr(value)`` without the memory address of a default repr (``<M object at 0x7f…>``):
    it changes in every run, so the page would too."""
    text = _safe(lambda: repr(value), f"<{type(value).__name__} object>")
    return _ADDRESS.sub(lambda m: " object>" if m.group(0).startswith(" object") else ">", text)


_SITE: dict = {}
_LATEX_WHOLE = re.compile(r"\s*(\$\$?|\\\[|\\\()([^$]+?)(?:\$\$?|\\\]|\\\))\s*", re.S)


@contextlib.contextmanager
def _site_modules() -> object:
    """Import vaultsite's own markdown (from the tree this file is in) without touching the
    note's world: ``sys.path``, ``sys.modules`` (a note's ``generator`` module, the imports that
    key the cache) are as they were afterwards."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(WORKER_FILE)))
    saved_path, before = sys.path[:], set(sys.modules)
    theirs = {k: sys.modules.pop(k) for k in list(sys.modules)
              if k == "generator" or k.startswith("generator.")}
    ours = _SITE.get("modules", {})
    sys.modules.update(ours)
    sys.path.insert(0, root)
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for name in list(sys.modules):
            if name not in before or name in ours:
                ours[name] = sys.modules.pop(name)
        sys.modules.update(theirs)
        _SITE["modules"] = ours


def _site_render(kind: str, text: str, embedded: list[str] | None = None) -> str | None:
    """A ``_repr_markdown_`` through the site's markdown (the ``![[…]]`` of notes it holds
    appended to ``embedded``: ``wikilinks.vault_free``), a ``_repr_latex_`` as MathML; None
    when that cannot be done (the text is then shown as it is)."""
    try:
        with _site_modules():
            if "md" not in _SITE:
                site_md = importlib.import_module("generator.markdown")
                _SITE["md"], _SITE["math"] = site_md.make_markdown(), site_md.latex_to_mathml
            if kind == "markdown":
                md = _SITE["md"]
                tokens = md.parse(text)
                importlib.import_module("generator.markdown.wikilinks").vault_free(tokens, embedded)
                return md.renderer.render(tokens, md.options, {})
            whole = _LATEX_WHOLE.fullmatch(text)
            if whole is None and "$" in text:  # prose with math in it
                return _SITE["md"].render(text)
            opener, latex = (whole.group(1), whole.group(2)) if whole else ("", text)
            inline = opener in ("$", "\\(") and "\\displaystyle" not in latex
            mathml = _SITE["math"](latex, not inline)
            return (f'<span class="math inline">{mathml}</span>' if inline
                    else f'<div class="math block">{mathml}</div>')
    except Exception:  # noqa: BLE001 - no markdown here, or bad LaTeX: shown as text
        return None


def _patch_ipython(display: object) -> object:
    def patch(module: types.ModuleType) -> None:
        original = getattr(module, "display", None)
        module.display = display
        for name in ("IPython.display", "IPython.core.display", "IPython"):
            other = sys.modules.get(name)
            if other is not None and getattr(other, "display", None) is original:
                other.display = display
    return patch


def _call_repr(value: object, name: str) -> object:
    method = getattr(value, name, None)
    if not callable(method):
        return None
    try:
        return method()
    except Exception:  # noqa: BLE001 - fall back to the next representation, as Jupyter does
        return None


def _raise_timeout(signum: int, frame: object) -> None:
    raise CellTimeout()


_CO_COROUTINE = 0x0080  # inspect.CO_COROUTINE: code compiled with a top-level await
_MAGIC = re.compile(r"(%%?[A-Za-z]\w*|!\s*[^\s=])")
_MAGIC_HINTS = (
    (re.compile(r"(%%?|!)\s*(pip|conda)\b"), "install packages in the environment that runs the "
     "build (pip install …), not from a note"),
    (re.compile(r"%%?(time|timeit|prun)\b"), "use the time module (time.perf_counter() before and "
     "after the code) or timeit.timeit(...)"),
    (re.compile(r"!|%%?(bash|sh|system|sx)\b"), "use the subprocess module, e.g. "
     "subprocess.run(\"echo hi\", shell=True)"),
)


def _parse(source: str, rel: str) -> ast.Module:
    """``ast.parse``, knowing IPython magics: ``%matplotlib`` lines are dropped (figures are always
    shown), another magic is a SyntaxError that says what to write instead."""
    try:
        return ast.parse(source, rel)
    except SyntaxError as exc:
        error = exc
    lines = source.split("\n")
    changed = False
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if not _MAGIC.match(stripped):
            continue
        indent = len(line) - len(stripped)
        if re.match(r"%matplotlib\b", stripped):
            lines[number - 1] = line[:indent] + "pass"
            changed = True
            continue
        hint = next((text for pattern, text in _MAGIC_HINTS if pattern.match(stripped)),
                    "use the subprocess module for shell commands and the time module for "
                    "timing")
        raise SyntaxError(f"IPython magics are not Python: `{stripped.split()[0]}` works only in "
                          f"Jupyter; {hint}", (rel, number, indent + 1, line, number,
                                               len(line) + 1))
    if not changed:
        raise error
    return ast.parse("\n".join(lines), rel)


def _ends_with_semicolon(source: str) -> bool:
    """Is the last token of the code a ``;`` (comments and blank lines aside)?  IPython then
    does not show the last value: ``df;  # hide it``."""
    import tokenize

    last = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                                  tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                last = token
    except (tokenize.TokenError, SyntaxError):
        return source.rstrip().endswith(";")
    return last is not None and last.type == tokenize.OP and last.string == ";"


def _static_imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    return names


def _is_matplotlib(value: object) -> bool:
    if isinstance(value, list | tuple) and value:
        return all(_is_matplotlib(v) for v in value)
    return type(value).__module__.startswith("matplotlib.")


def _managed_figures() -> list:
    """Open pyplot figures, oldest first (made in functions and never shown included)."""
    helpers = sys.modules.get("matplotlib._pylab_helpers")
    if helpers is None:
        return []
    managers = sorted(helpers.Gcf.get_all_fig_managers(), key=lambda m: m.num)
    return [m.canvas.figure for m in managers]


def _figure_title(figure: object) -> str:
    titles = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        titles.append(suptitle.get_text())
    for ax in getattr(figure, "axes", []):
        text = ax.get_title()
        if text:
            titles.append(text)
    return "; ".join(titles)


def _error_record(kind: str, exc: BaseException, cell_line: int, timeout: float = 0) -> dict:
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == WORKER_FILE:
        tb = tb.tb_next
    note_line = cell_line
    walker = tb
    while walker is not None:  # the deepest frame that is in the note decides the line
        if walker.tb_frame.f_code.co_filename == _NOTE_FILE[0]:
            note_line = walker.tb_lineno
        walker = walker.tb_next
    if isinstance(exc, SyntaxError) and exc.lineno:
        note_line = exc.lineno
    if kind == "timeout":
        message = f"the cell ran longer than its timeout of {timeout:g} s and was stopped"
        frames = [f for f in traceback.extract_tb(tb) if f.filename != WORKER_FILE]
        for frame in frames:
            frame.filename = _shown_path(frame.filename)
        body = "".join(traceback.format_list(frames))
        text = f"Traceback (most recent call last):\n{body}TimeoutError: {message}\n"
        return {"kind": kind, "ename": "TimeoutError", "evalue": message, "traceback": text,
                "line": note_line}
    if kind == "exit":
        message = f"the code called sys.exit({exc.code!r}); the rest of the note still runs"
        return {"kind": kind, "ename": "SystemExit", "evalue": message,
                "traceback": f"SystemExit: {exc.code!r}\n", "line": note_line}
    evalue = _safe(lambda: str(exc), "<the exception's message could not be printed>")
    if isinstance(exc, SyntaxError) and exc.filename == _NOTE_FILE[0] and exc.msg:
        evalue = exc.msg  # not "msg (note.md, line 3)": the page's title adds the line itself
    text = _safe(lambda: "".join(_shown_paths(traceback.TracebackException(type(exc), exc, tb))
                                 .format()), f"{type(exc).__name__}: {evalue}\n")
    return {"kind": kind, "ename": type(exc).__name__, "evalue": _mirror_paths(evalue),
            "traceback": _mirror_paths(text), "line": note_line}


def _shown_path(filename: str) -> str:
    """A traceback's file name as a page may show it: no folder of the build machine.  A module
    is named from its import root (``json/decoder.py``, ``pandas/core/frame.py``); any other
    absolute path by its file name."""
    if not os.path.isabs(filename):
        return filename
    for root in sorted((p for p in sys.path if os.path.isabs(p)), key=len, reverse=True):
        if filename.startswith(root.rstrip(os.sep) + os.sep):
            return filename[len(root.rstrip(os.sep)) + 1:]
    return os.path.basename(filename)


def _short_formatwarning(original: object) -> object:
    def formatwarning(message: object, category: type, filename: str, lineno: int,
                      line: str | None = None) -> str:
        if line is None:  # read under the real name
            line = linecache.getline(filename, lineno)
        return original(message, category, _shown_path(filename), lineno, line)
    return formatwarning


def _shorten_paths(text: str) -> str:
    """stderr text with every ``sys.path`` folder cut off the paths in it, as ``_shown_path``
    does for traceback frames: no folder of the build machine in the page."""
    if os.sep not in text:
        return text
    roots = sorted({p.rstrip(os.sep) for p in sys.path if os.path.isabs(p)
                    and len(p.rstrip(os.sep)) > 1}, key=len, reverse=True)
    for root in roots:
        text = text.replace(root + os.sep, "")
    return text


def _mirror_paths(text: str, markup: bool = False) -> str:
    """``text`` with each path into the vault or its mirror (a new temporary folder in every
    build: ``os.path.abspath('x.csv')``, ``Path.cwd()``, an error naming a resolved path) written
    as the note's code would write it, relative to the note's folder (``x.csv``,
    ``../data/y.txt``, ``.``): no folder of the build machine in the page, and the same page in
    every build.  ``markup``: ``text`` is HTML (a DataFrame's table), where a path also ends at
    ``<``, ``>`` or ``&`` (``<td>/tmp/…/x.csv</td>``).  A path runs to a quote or the line's end
    at most; where a space ends it is ``_path_end``'s to tell."""
    if len(_MIRROR) < 2 or not any(root in text for root in _MIRROR[1:]):
        return text
    workdir, overlay = _MIRROR[0], _MIRROR[1]
    roots = sorted(_MIRROR[1:], key=len, reverse=True)  # /private/tmp/… before /tmp/…
    ends = "\n\r'\"<>&" if markup else "\n\r'\""
    alternatives = "|".join(f"({re.escape(root)})" for root in roots)
    found = list(re.finditer(f"(?:{alternatives})(?=/|$|[\\s{ends}])", text))
    out, done = [], 0
    for i, m in enumerate(found):
        if m.start() < done:
            continue
        limit = found[i + 1].start() if i + 1 < len(found) else len(text)
        stop = re.compile(f"[{ends}]").search(text, m.end(), limit)
        rest = text[m.end():stop.start() if stop else limit]
        rest = _path_end(overlay, rest if rest.startswith("/") else "")
        out += [text[done:m.start()], os.path.relpath(overlay + rest, workdir)]
        done = m.end() + len(rest)
    return "".join(out) + text[done:]


def _path_end(overlay: str, rest: str) -> str:
    """The part of ``rest`` (what follows the mirror's folder, to the line's end or a quote)
    that is the path, ending at a space or at its end: the longest that is a file or folder of
    the mirror (``My Notes``, not ``My``, before `` is the folder``), else the shortest that
    reaches the deepest folder there is (``My Notes/new``, whose following words are kept as
    written, so ``new file.csv`` reads whole), else its first word.  A cut inside the last
    part of a path never changes how it reads; only one inside a folder's name would."""
    cuts = [m.start() for m in re.finditer(r"(?<=\S)\s", rest)] + [len(rest.rstrip())]
    best, reach = cuts[0], -1
    for cut in cuts[:64]:
        candidate = rest[:cut]
        if os.path.lexists(overlay + candidate):
            score = len(candidate) + 1  # the whole of it is there
        else:
            folder = candidate.rpartition("/")[0]
            score = len(folder) if os.path.isdir(overlay + folder) else -1
        if score > reach:
            best, reach = cut, score
    return rest[:best]


def _shown_paths(te: traceback.TracebackException) -> traceback.TracebackException:
    """``te`` and the exceptions chained to it, with their frames' files as ``_shown_path``."""
    seen: set[int] = set()
    todo = [te]
    while todo:
        one = todo.pop()
        if id(one) in seen:
            continue
        seen.add(id(one))
        for frame in one.stack:
            frame.filename = _shown_path(frame.filename)
        todo += [t for t in (one.__cause__, one.__context__) if t is not None]
    return te


def _safe(make: object, fallback: str) -> str:
    try:
        return make()
    except Exception:  # noqa: BLE001 - user objects may fail in __str__
        return fallback


if __name__ == "__main__":
    zygote_main(int(sys.argv[1]), json.loads(sys.argv[2]))
