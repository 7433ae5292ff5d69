"""``vaultsite serve``: build, serve on 127.0.0.1, watch, rebuild incrementally, reload the browser.

Three threads and one piece of shared state:

* the **HTTP server** (``ThreadingHTTPServer``) serves the output folder as it is on disk.  Into
  HTML responses (never into files) it injects a small script that listens on the server-sent
  events stream ``/__vaultsite/events`` and shows build errors as an overlay;
* the **watcher** (watchfiles, debounced) collects changes in the vault, its mounts, the template
  folder and ``vaultsite.toml``; dot-folders (``.obsidian``, ``.git``), editor temp files and the
  output and cache folders are ignored, but for Obsidian's settings and its trash (``.trash/``,
  which links to a trashed file are told of).  It runs every rebuild itself, so rebuilds never
  overlap and changes made during a build are picked up by the next one;
* **LiveState** holds the build number and the last error; the events stream wakes on changes.

A rebuild passes the previous ``BuildState`` to ``pipeline.build``, which re-renders only what the
change affects and swaps the new output into place only when the build succeeds.  So while a
build is broken the last good site is still served, with the error shown on top of it.  A change to
``vaultsite.toml`` reloads the configuration and a change to the templates rebuilds in full.
"""

from __future__ import annotations

import errno
import html as _html
import json
import os
import secrets
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import watchfiles

from generator.config import OBSIDIAN_SETTINGS

EVENTS_PATH = "/__vaultsite/events"
STATUS_PATH = "/__vaultsite/status"
DEBOUNCE_MS = 100  # longest a batch of changes is held (watchfiles `debounce`)
STEP_MS = 20  # quiet time that ends a batch of changes (watchfiles `step`)
RUST_TIMEOUT_MS = 200  # the watcher reports in at least this often (the first time: it is ready)
WATCH_READY_S = 10.0  # longest ``start`` waits for the watcher before building anyway
KEEPALIVE_SECONDS = 15.0
SCRIPT_ID = "__vaultsite-live"
_EDITOR_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".crdownload")


MAX_WARNINGS_SHOWN = 50  # per build, in the terminal


@dataclass(frozen=True)
class BuildOutcome:
    """What one (re)build did.

    ``swapped``: the output folder now holds a new site.  ``error``: text for the overlay and the
    terminal (an exception's traceback, or the diagnostics of severity error)."""

    swapped: bool
    error: str | None = None
    seconds: float = 0.0
    written: int = 0
    full: bool = False
    #: the warnings this build found that the last one did not (every one, on the first build),
    #: how many it found in all, and how many of the last build's are gone
    new_warnings: tuple[str, ...] = ()
    warnings: int = 0
    fixed: int = 0


class Builder(Protocol):
    """What the dev server needs from a builder (the pipeline, or a fake one in tests); it may also
    name the vault's trash (``trash() -> Path``), watched although a dot-folder."""

    def watch_roots(self) -> list[Path]: ...

    def ignored_paths(self) -> list[Path]: ...

    def rebuild(self, changed: set[Path] | None) -> BuildOutcome: ...


# --------------------------------------------------------------------------- live state + events


class LiveState:
    """Build number and current error, shared by the builder thread and the event streams."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.instance = secrets.token_hex(4)  # a restarted server has new build ids
        self.seq = 0  # bumps on every change of epoch or error
        self.epoch = 0  # bumps on every successful build
        self.error: dict[str, str] | None = None
        self.closed = False

    @property
    def build_id(self) -> str:
        return f"{self.instance}-{self.epoch}"

    def snapshot(self) -> tuple[int, str, dict[str, str] | None]:
        with self._cond:
            return self.seq, self.build_id, self.error

    def publish(self, *, reload: bool, error: dict[str, str] | None) -> None:
        with self._cond:
            if reload:
                self.epoch += 1
            self.error = error
            self.seq += 1
            self._cond.notify_all()

    def wait(self, seen_seq: int, timeout: float) -> tuple[int, str, dict[str, str] | None]:
        with self._cond:
            self._cond.wait_for(lambda: self.seq != seen_seq or self.closed, timeout)
            return self.seq, self.build_id, self.error

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


_CLIENT_JS = """(function () {
  var live = %(state)s;
  function overlay(err) {
    var old = document.getElementById("__vaultsite-overlay");
    if (old) old.remove();
    if (!err) return;
    var box = document.createElement("div");
    box.id = "__vaultsite-overlay";
    box.setAttribute("role", "alert");
    box.title = "click to hide";
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(30,0,0,.92);color:#fdd;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace";
    var head = document.createElement("strong");
    head.textContent = "vaultsite: " + err.title;
    var pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = err.text;
    box.appendChild(head);
    box.appendChild(pre);
    box.addEventListener("click", function () { box.remove(); });
    document.body.appendChild(box);
  }
  function show(err) {
    if (document.body) overlay(err);
    else document.addEventListener("DOMContentLoaded", function () { overlay(err); });
  }
  if (live.error) show(live.error);
  if (!window.EventSource) return;
  var es = new EventSource("%(events)s");
  es.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);
    if (d.build !== live.build) { es.close(); location.reload(); } else show(d.error);
  });
  es.addEventListener("reload", function () { es.close(); location.reload(); });
  es.addEventListener("build-error", function (e) { show(JSON.parse(e.data).error); });
  window.addEventListener("pagehide", function () { es.close(); });
})();"""


def _json_for_script(value: Any) -> str:
    return json.dumps(value).replace("</", "<\\/").replace("<!--", "<\\!--")


def live_script(build_id: str, error: dict[str, str] | None) -> str:
    """The ``<script>`` injected into served HTML: reload on rebuild, overlay on error."""
    state = _json_for_script({"build": build_id, "error": error})
    body = _CLIENT_JS % {"state": state, "events": EVENTS_PATH}
    return f'<script id="{SCRIPT_ID}">{body}</script>'


def inject_script(page: str, script: str) -> str:
    """``script`` before the last ``</body>``, or at the end when there is none."""
    at = page.lower().rfind("</body>")
    if at < 0:
        return page + script
    return page[:at] + script + page[at:]


def error_page(error: dict[str, str]) -> str:
    """What is served where there is no page yet (the first build failed)."""
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>vaultsite: build error"
            f"</title></head><body><h1>{_html.escape(error['title'])}</h1>"
            f"<pre>{_html.escape(error['text'])}</pre></body></html>")


# --------------------------------------------------------------------------- HTTP


class LiveHandler(SimpleHTTPRequestHandler):
    """Static files from the output folder, with the live script in HTML and the events stream."""

    server_version = "vaultsite"
    live: LiveState  # set on the subclass made by DevServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url_path = urlsplit(self.path).path
        if url_path == EVENTS_PATH:
            self._events()
            return
        if url_path == STATUS_PATH:
            self._status()
            return
        self._wait_for_output()
        fs_path = Path(self.translate_path(self.path))
        if fs_path.is_dir():
            if not url_path.endswith("/"):
                super().do_GET()  # redirect to the folder URL with a slash
                return
            fs_path = fs_path / "index.html"
        if fs_path.suffix.lower() in (".html", ".htm") and fs_path.is_file():
            self._send_html(fs_path.read_bytes(), HTTPStatus.OK)
            return
        if not fs_path.exists():
            self._not_found()
            return
        super().do_GET()

    def _wait_for_output(self) -> None:
        """The pipeline swaps the new output into place; do not 404 in that instant."""
        if self.live.epoch == 0:
            return  # no build has succeeded yet: there may be no output at all
        deadline = time.monotonic() + 1.0
        while not os.path.isdir(self.directory) and time.monotonic() < deadline:
            time.sleep(0.01)

    def _send_html(self, data: bytes, status: HTTPStatus) -> None:
        _, build_id, error = self.live.snapshot()
        text = inject_script(data.decode("utf-8", errors="replace"), live_script(build_id, error))
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _not_found(self) -> None:
        page = Path(self.directory) / "404.html"
        _, _, error = self.live.snapshot()
        if page.is_file():
            self._send_html(page.read_bytes(), HTTPStatus.NOT_FOUND)
        elif error is not None:
            self._send_html(error_page(error).encode("utf-8"), HTTPStatus.NOT_FOUND)
        else:
            name = _html.escape(unquote(urlsplit(self.path).path))
            self._send_html(f"<!doctype html><title>Not found</title><body><h1>Not found</h1>"
                            f"<p>{name}</p></body>".encode(), HTTPStatus.NOT_FOUND)

    def _status(self) -> None:
        seq, build_id, error = self.live.snapshot()
        body = json.dumps({"build": build_id, "seq": seq, "error": error}).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        live = self.live
        seq, build_id, error = live.snapshot()
        try:
            self._send_event("hello", {"build": build_id, "error": error}, retry_ms=500)
            while not live.closed:
                new_seq, new_build, error = live.wait(seq, KEEPALIVE_SECONDS)
                if live.closed:
                    break
                if new_seq == seq:
                    self.wfile.write(b": keep-alive\n\n")
                elif new_build != build_id:
                    self._send_event("reload", {"build": new_build, "error": error})
                else:
                    self._send_event("build-error", {"build": new_build, "error": error})
                self.wfile.flush()
                seq, build_id = new_seq, new_build
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            pass

    def _send_event(self, name: str, data: Any, retry_ms: int | None = None) -> None:
        chunk = f"event: {name}\ndata: {json.dumps(data)}\n"
        if retry_ms is not None:
            chunk = f"retry: {retry_ms}\n" + chunk
        self.wfile.write((chunk + "\n").encode("utf-8"))
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# --------------------------------------------------------------------------- watching


def _under(path: Path, root: Path) -> Path | None:
    try:
        return path.relative_to(root)
    except ValueError:
        return None


class ChangeFilter:
    """Which file-system changes can matter to the site (a watchfiles ``watch_filter``)."""

    def __init__(self, roots: Iterable[Path], ignored: Iterable[Path], trash: Path | None = None):
        self.roots = sorted({Path(r).resolve() for r in roots}, key=lambda p: -len(p.parts))
        self.ignored = [Path(p).resolve() for p in ignored]
        # Obsidian's trash (``.trash/`` at the vault root): never published, but a link to a file
        # in it says so ("restore it from .trash"), and says otherwise once it leaves
        self.trash = Path(trash).resolve() if trash is not None else None

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return self.relevant(Path(path))

    def relevant(self, path: Path) -> bool:
        for ign in self.ignored:
            rel = _under(path, ign.parent)
            # the output and its cache (each in the list); the staging folders are dot-folders.
            # A note named like the output (docs.md beside docs/) is still a note.
            if rel is not None and rel.parts and rel.parts[0] == ign.name:
                return False
        for root in self.roots:
            rel = _under(path, root)
            if rel is not None:
                break
        else:
            rel = Path(path.name)
        if rel.parts[:1] == (".obsidian",) and _holds_settings(rel.parts[1:]):
            return True  # the vault's settings the configuration reads (strictLineBreaks, …)
        in_trash = _under(path, self.trash) if self.trash is not None else None
        if in_trash is not None and not any(p.startswith(".") for p in in_trash.parts):
            return True  # a file trashed, restored or deleted for good: the links' hints change
        if any(part.startswith(".") for part in rel.parts):
            return False  # .obsidian, .git, .trash, editor lock files
        name = path.name
        # Emacs's auto-save file is #name#; a note may well be called "#1 Goals.md"
        if name.endswith(_EDITOR_TEMP_SUFFIXES) or name == "4913" \
                or (len(name) > 1 and name.startswith("#") and name.endswith("#")):
            return False
        return not name.endswith((".pyc", ".pyo"))


def _holds_settings(parts: tuple[str, ...]) -> bool:
    """Whether ``.obsidian/<parts>`` is a settings file the configuration reads, or a folder
    holding one: a folder moved or removed whole (``.obsidian`` itself, a plugin's folder) is
    reported alone, without the files in it."""
    return any(parts == settings[:len(parts)] for settings in OBSIDIAN_SETTINGS)


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """Existing paths, without those inside another one in the list."""
    result: list[Path] = []
    existing = {Path(x).resolve() for x in paths if Path(x).exists()}
    for p in sorted(existing, key=lambda p: len(p.parts)):
        if not any(_under(p, kept) is not None for kept in result):
            result.append(p)
    return result


# --------------------------------------------------------------------------- the pipeline builder


def _format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()


def _error_diagnostics(diagnostics: Iterable[Any], strict: bool) -> list[str]:
    lines = []
    for d in diagnostics:
        severity = getattr(getattr(d, "severity", None), "value", getattr(d, "severity", None))
        # a broken template of the user's is built with the default theme: the browser says why
        if severity == "error" or (strict and severity == "warning") \
                or getattr(d, "code", None) == "template-error":
            lines.append(d.format() if hasattr(d, "format") else str(d))
    return lines


class PipelineBuilder:
    """Runs ``generator.pipeline.build``, keeping the ``BuildState`` between builds."""

    def __init__(self, cfg: Any, out: Path, overrides: dict[str, Any] | None = None):
        self.cfg = cfg
        self.out = Path(out).resolve()
        self.overrides = dict(overrides or {})
        self.state: Any = None
        self.config_error: str | None = None
        self.warnings: set[str] = set()  # the last build's, as printed

    # paths ----------------------------------------------------------------
    def _templates(self) -> Path:
        return (Path(self.cfg.vault) / getattr(self.cfg, "templates_dir", "_templates")).resolve()

    def _config_file(self) -> Path:
        from generator.config import CONFIG_NAME

        return (Path(self.cfg.vault) / CONFIG_NAME).resolve()

    def _obsidian_settings(self) -> set[Path]:
        """Obsidian's own settings files, which the configuration reads (``strict_line_breaks``,
        the template folders, Dataview's display settings)."""
        root = Path(self.cfg.vault) / ".obsidian"
        return {root.joinpath(*parts).resolve() for parts in OBSIDIAN_SETTINGS}

    def trash(self) -> Path:
        """Obsidian's trash, whose files the links to them are told of (``discover._trashed``)."""
        from generator.discover import TRASH

        return (Path(self.cfg.vault) / TRASH).resolve()

    def watch_roots(self) -> list[Path]:
        roots = [Path(self.cfg.vault), self._templates()]
        roots += [real for _name, real in getattr(self.cfg, "mounts", ())]
        return _outermost(roots)

    def ignored_paths(self) -> list[Path]:
        ignored = [self.out, self.out.with_name(self.out.name + ".vaultsite-cache")]
        execute = getattr(self.cfg, "execute", None)
        cache_dir = getattr(execute, "cache_dir", "") if execute is not None else ""
        if cache_dir:
            ignored.append((Path(self.cfg.vault) / cache_dir).resolve())
        return ignored

    # building -------------------------------------------------------------
    def _reload_config(self) -> None:
        from generator.config import load_config

        try:
            self.cfg = load_config(Path(self.cfg.vault), self.overrides)
            self.config_error = None
        except Exception as exc:  # noqa: BLE001 - any config problem is shown, serving goes on
            self.config_error = str(exc) or type(exc).__name__

    def rebuild(self, changed: set[Path] | None) -> BuildOutcome:
        from generator import pipeline

        full = changed is None or self.state is None
        if changed:
            changed = {Path(p).resolve() for p in changed}
            templates = self._templates()
            # a settings file, or a folder of .obsidian holding one (moved or removed whole)
            settings = self._obsidian_settings()
            folders = {d for s in settings for d in s.parents if d.name == ".obsidian"
                       or ".obsidian" in d.parts[:-1]}
            if self._config_file() in changed or self.config_error is not None \
                    or not (settings | folders).isdisjoint(changed):
                self._reload_config()
                full = True
            if any(p == templates or _under(p, templates) is not None for p in changed):
                full = True
        start = time.perf_counter()
        if self.config_error is not None:
            return BuildOutcome(False, str(self.config_error), 0.0, full=full)
        try:
            result = pipeline.build(self.cfg, self.out, state=None if full else self.state)
        except Exception as exc:  # noqa: BLE001 - shown in the browser; the old site stays
            return BuildOutcome(False, _format_exception(exc), time.perf_counter() - start,
                                full=full)
        self.state = getattr(result, "state", None)
        diagnostics = getattr(result, "diagnostics", ())
        errors = _error_diagnostics(diagnostics, bool(getattr(self.cfg, "strict", False)))
        written = len(getattr(result, "written", ()) or ())
        # the writer sees what a save broke (a YAML typo that drops the tags, a link that no
        # longer resolves) as `build` would print it, without the ones already printed
        found = [d.format() for d in diagnostics
                 if getattr(getattr(d, "severity", None), "value", None) == "warning"]
        new = tuple(w for w in found if w not in self.warnings)
        fixed = len(self.warnings - set(found))
        self.warnings = set(found)
        return BuildOutcome(True, "\n".join(errors) or None, time.perf_counter() - start,
                            written, full, new, len(found), fixed)


# --------------------------------------------------------------------------- the dev server


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class ServeError(OSError):
    """The server cannot start (its port is taken); the message says what to do."""


class DevServer:
    """Build once, then serve and rebuild on change until ``stop()``."""

    def __init__(self, builder: Builder, out: Path, *, host: str = "127.0.0.1", port: int = 0,
                 debounce_ms: int = DEBOUNCE_MS, log: Callable[[str], None] = _stderr):
        self.builder = builder
        self.out = Path(out).resolve()
        self.host = host
        self.port = port
        self.debounce_ms = debounce_ms
        self.log = log
        self.live = LiveState()
        self.builds: list[BuildOutcome] = []
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._watching = threading.Event()  # the watcher has registered its folders
        self._first_build_done = threading.Event()
        self._httpd: _Server | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() first"
        return f"http://{self.host}:{self._httpd.server_address[1]}/"

    def start(self) -> None:
        """Bind the port (so a busy port fails at once), build, then serve and watch."""
        handler = type("BoundLiveHandler", (LiveHandler,), {"live": self.live})

        def make_handler(*args: Any, **kwargs: Any) -> LiveHandler:
            return handler(*args, directory=str(self.out), **kwargs)

        try:
            self._httpd = _Server((self.host, self.port), make_handler)
        except OSError as exc:
            why = "another program uses it" if exc.errno == errno.EADDRINUSE else \
                (exc.strerror or str(exc)).lower()
            raise ServeError(f"cannot serve on http://{self.host}:{self.port}/ ({why}); stop that "
                             "program or choose another port with -p (-p 0 picks a free one)") \
                from exc
        # Watch first, so that a save made during the first build is not missed: the watcher
        # holds its changes until that build is done, then rebuilds.
        self._spawn("vaultsite-watch", self._watch_loop)
        self._watching.wait(WATCH_READY_S)
        try:
            self.log(f"building into {self.out} ...")
            self._run_build(None)
        except BaseException:
            self._stop.set()
            self._httpd.server_close()
            raise
        finally:
            self._first_build_done.set()
        self._spawn("vaultsite-http", self._httpd.serve_forever)

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _run_build(self, changed: set[Path] | None) -> BuildOutcome:
        outcome = self.builder.rebuild(changed)
        self.builds.append(outcome)
        kind = "built" if changed is None else "rebuilt"
        for line in outcome.new_warnings[:MAX_WARNINGS_SHOWN]:
            self.log(line)
        if len(outcome.new_warnings) > MAX_WARNINGS_SHOWN:
            self.log(f"… and {len(outcome.new_warnings) - MAX_WARNINGS_SHOWN} more new warnings "
                     "(`vaultsite check` lists them all)")
        if outcome.error is None:
            tally = ""
            if outcome.warnings or outcome.fixed:
                tally = f"; {outcome.warnings} warning{'s' * (outcome.warnings != 1)}" + (
                    f", {len(outcome.new_warnings)} new" if changed is not None and outcome.new_warnings
                    else "") + (f", {outcome.fixed} fixed" if outcome.fixed else "")
            self.log(f"{kind} in {outcome.seconds * 1000:.0f} ms "
                     f"({outcome.written} files written{tally})")
            self.live.publish(reload=True, error=None)
        elif outcome.swapped:
            self.log(f"{kind} with errors in {outcome.seconds * 1000:.0f} ms:\n{outcome.error}")
            self.live.publish(reload=True, error={"title": "the build reported errors",
                                                  "text": outcome.error})
        else:
            self.log(f"build failed; still serving the last good site:\n{outcome.error}")
            self.live.publish(reload=False, error={
                "title": "the build failed; this page is from the last good build",
                "text": outcome.error})
        return outcome

    def _watch_loop(self) -> None:
        while not self._stop.is_set():
            roots = self.builder.watch_roots()
            if not roots:
                self._stop.wait(0.5)
                continue
            trash = getattr(self.builder, "trash", None)  # a builder of the tests' may have none
            watch_filter = ChangeFilter(roots, self.builder.ignored_paths(),
                                        trash() if trash is not None else None)
            for changes in watchfiles.watch(
                *roots, watch_filter=watch_filter, debounce=self.debounce_ms, step=STEP_MS,
                stop_event=self._stop, rust_timeout=RUST_TIMEOUT_MS, yield_on_timeout=True,
                raise_interrupt=False, ignore_permission_denied=True,
            ):
                self._watching.set()  # the first (empty) batch: the watches are in place
                self._first_build_done.wait()
                if self._stop.is_set():
                    return
                if not changes:
                    continue
                changed = {Path(path) for _change, path in changes}
                try:
                    self._run_build(changed)
                except Exception as exc:  # noqa: BLE001 - the watcher must survive anything
                    self.log(f"internal error while rebuilding:\n{_format_exception(exc)}")
                if self.builder.watch_roots() != roots:
                    break  # the configuration moved a watched folder: watch the new set

    def wait(self) -> None:
        """Block until ``stop()`` (from another thread) or Ctrl+C."""
        while not self._stopped.wait(0.25):
            pass

    def stop(self) -> None:
        """Stop the watcher, close the event streams and shut the HTTP server down."""
        self._stop.set()
        self.live.close()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5.0)
        self._stopped.set()


def serve(cfg: Any, out: Path, port: int = 8000, open_browser: bool = False, *,
          overrides: dict[str, Any] | None = None, host: str = "127.0.0.1") -> None:
    """Build ``cfg``'s vault into ``out``, serve it on ``host:port`` and rebuild on change.

    ``port=0`` picks a free port.  ``overrides`` are the CLI's config overrides, re-applied when
    ``vaultsite.toml`` changes.  Returns after Ctrl+C, with the watcher and server stopped.
    """
    server = DevServer(PipelineBuilder(cfg, out, overrides), out, host=host, port=port)
    try:
        server.start()
        print(f"Serving {cfg.vault} at {server.url}  (Ctrl+C to stop)", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        server.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr, flush=True)
    finally:
        server.stop()
