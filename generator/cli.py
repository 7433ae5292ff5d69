"""Command line: a thin layer over the pipeline.  Only this module prints and picks exit codes."""

from __future__ import annotations

import atexit
import gc
import os
import re
import sys
import threading
from pathlib import Path

import click

from generator.config import ConfigError, load_config
from generator.diagnostics import Diagnostic, Severity, count_by_code
from generator.progress import Eta, format_eta


def repo_root() -> Path | None:
    """This repository's root, when running from a source checkout (the demo vault's home)."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "notes").is_dir() and (here / "pyproject.toml").is_file() else None


def default_vault() -> Path:
    """The vault read when none is named: the demo in a clone of this repository, the current
    folder when it is a vault (a note, ``.obsidian/`` or ``vaultsite.toml`` in it, as ``init``
    leaves), else the demo of the checkout vaultsite runs from.  An installed vaultsite run
    elsewhere (a home folder, ``/tmp``) stops with a usage error rather than read the whole tree
    below it as a vault."""
    cwd = Path.cwd()
    if (cwd / "notes").is_dir() and (cwd / "pyproject.toml").is_file():
        return cwd / "notes"  # a clone of this repository
    if (cwd / "vaultsite.toml").is_file() or (cwd / ".obsidian").is_dir() \
            or any(cwd.glob("*.md")):
        return cwd
    root = repo_root()
    if root is not None:
        return root / "notes"
    ctx = click.get_current_context(silent=True)
    command = f"vaultsite {ctx.info_name}" if ctx is not None and ctx.info_name else "vaultsite build"
    raise click.UsageError(
        "no VAULT given, and the current folder is not a vault (it has no note, no .obsidian/ and "
        f"no vaultsite.toml); name the vault's folder: {command} PATH/TO/VAULT, or '{command} .' "
        "to read this folder anyway")


def _load(vault: Path | None, **overrides):
    vault = vault if vault is not None else default_vault()
    try:
        return load_config(vault, {k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _max_diagnostics() -> int:
    """``VAULTSITE_MAX_DIAGNOSTICS``: how many diagnostics are printed (0: all); read before the
    work starts, so that a bad value stops nothing half way."""
    raw = os.environ.get("VAULTSITE_MAX_DIAGNOSTICS", "200")
    try:
        return int(raw)
    except ValueError:
        raise click.ClickException(f"VAULTSITE_MAX_DIAGNOSTICS must be a whole number (0 prints "
                                   f"every diagnostic), not {raw!r}") from None


def _print_diagnostics(diags: list[Diagnostic], limit: int) -> None:
    shown = diags if limit <= 0 else diags[:limit]
    for d in shown:
        color = "red" if d.severity is Severity.ERROR else "yellow"
        click.secho(d.format(), err=True, fg=color if sys.stderr.isatty() else None)
    if len(diags) > len(shown):
        click.echo(f"… and {len(diags) - len(shown)} more (set VAULTSITE_MAX_DIAGNOSTICS=0 to see "
                   "all)", err=True)


def _summary_counts(diags: list[Diagnostic]) -> str:
    """``2 warnings (link-unresolved 2)``; errors (which exit 1) counted apart, first."""
    out = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning")):
        counts = count_by_code(d for d in diags if d.severity is severity)
        if counts:
            total = sum(counts.values())
            parts = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
            out.append(f"{total} {word}{'s' if total != 1 else ''} ({parts})")
    return "; ".join(out) or "no warnings"


def _exit_for(result, strict: bool) -> None:
    """Exit 1 on errors, and on warnings with --strict; otherwise return (status 0)."""
    if result.errors or (strict and result.warnings):
        sys.exit(1)


_LEAVE_FAST = False  # set by ``run``: this process is the command line, not a caller's library


def run() -> None:
    """The console script (``vaultsite``, ``python -m generator``)."""
    global _LEAVE_FAST
    _LEAVE_FAST = True
    main()


def _leave(result, strict: bool) -> None:
    """End the command.  As the console script, end the process at once: a large build leaves
    millions of objects that the interpreter would otherwise free one by one on its way out (0.7 s
    on 10,000 notes).  Output is flushed and exit handlers run; only that teardown is skipped.  A
    caller that runs the command in its own process (click's test runner) gets a normal return."""
    if not _LEAVE_FAST:
        _exit_for(result, strict)
        return
    code = 1 if result.errors or (strict and result.warnings) else 0
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


class _Progress:
    """A progress bar on a terminal, nothing in CI or when output is piped.

    Stages report as they go (``parse`` and ``render`` from the build workers, ten times a second,
    from a thread; ``code`` per note run); a stage of fewer than ``MIN`` items is not shown, except
    ``code`` (one note of code may run for minutes).  The time left is ``progress.Eta``'s, not
    click's (see there why), shown where click shows its own and renewed once a second."""

    MIN = 200
    RENEW = 1.0  # seconds between two estimates shown

    def __init__(self) -> None:
        # CI services set CI=true (or 1); CI=false / CI=0 says "not CI"
        ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        self.enabled = sys.stderr.isatty() and not ci
        self.stage = ""
        self.bar = None
        self.last = 0
        self.eta: Eta | None = None
        self.shown_at = 0.0  # when the estimate shown was made
        self.lock = threading.Lock()
        self.stopped = False  # the build stopped (Ctrl+C): no bar is drawn any more

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or self.stopped or (total < self.MIN and stage != "code") or total <= 0:
            return
        with self.lock:
            if stage != self.stage:
                self._close()
                self.stage = stage
                self.bar = click.progressbar(length=total, label=f"{stage:8}", file=sys.stderr,
                                             show_eta=False, item_show_func=lambda text: text)
                self.bar.__enter__()
                self.last = 0
                self.eta = Eta(total)
                self.shown_at = self.eta.clock()
            if self.bar is not None and self.eta is not None and done > self.last:
                self.eta.update(done)
                now = self.eta.clock()
                if now - self.shown_at >= self.RENEW:
                    self.shown_at = now
                    self.bar.current_item = format_eta(self.eta.seconds_left())
                self.bar.update(done - self.last)
                self.last = done

    def close(self) -> None:
        with self.lock:
            self._close()

    def stop(self) -> None:
        """The build stopped midway (Ctrl+C): end the bar where it is, and show the terminal's
        cursor again, which the bar hides while it is drawn.  The lock is not waited for long:
        the thread that holds it may be the one interrupted."""
        got = self.lock.acquire(timeout=1.0)
        try:
            self.stopped = True
            if self.bar is not None:
                self.bar.current_item = None
                self.bar.__exit__(None, None, None)
                self.bar = None
        finally:
            if got:
                self.lock.release()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.current_item = None
            self.bar.update(self.bar.length - self.last)
            self.bar.__exit__(None, None, None)
            self.bar = None
        self.eta = None
        self.stage = ""


@click.group()
@click.version_option(package_name="vaultsite")
def main() -> None:
    """vaultsite: turn an Obsidian vault into a linked static site."""


@main.command()
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: site/ in the current folder).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there are warnings.")
@click.option("--no-exec", is_flag=True, help="Do not run code; use cached outputs where present.")
@click.option("--rerun", is_flag=True, help="Re-run every code cell, ignoring the cache.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print only the summary line (no diagnostics, no progress bar).")
@click.option("--site-url", default=None, metavar="URL",
              help="Absolute URL the site is published at (overrides site_url of vaultsite.toml; "
                   "the GitHub Pages workflow of `vaultsite init` passes the Pages URL).")
def build(vault: Path | None, out: Path | None, strict: bool, no_exec: bool, rerun: bool,
          quiet: bool, site_url: str | None) -> None:
    """Build VAULT into a site in OUT.

    VAULT defaults to notes/ (the demo vault) in a clone of this repository, else the current
    folder when it is a vault (a note, .obsidian/ or vaultsite.toml in it).  Exits 0 when the site
    was written, even with warnings; 1 with --strict and warnings, or on an error."""
    from generator.emit import OutputError
    from generator.pipeline import build as run_build

    if site_url and not re.match(r"https?://[^/\s]+", site_url):
        raise click.BadParameter(f"the site's address starting with https:// (like "
                                 f"https://me.github.io/notes), not {site_url!r}",
                                 param_hint="--site-url")
    if no_exec and rerun:
        raise click.UsageError("--no-exec runs no code and --rerun runs all of it: give one")
    limit = _max_diagnostics()
    cfg = _load(vault, site_url=site_url.rstrip("/") if site_url else None)
    out = out if out is not None else Path("site")
    mode = "no-exec" if no_exec else "rerun" if rerun else "auto"
    progress = _Progress()
    progress.enabled = progress.enabled and not quiet  # -q: the summary line and nothing else
    if _LEAVE_FAST:  # one build, then the process ends: a collection of its heap is never worth it
        gc.disable()
    try:
        # off the terminal the workers are not even watched
        result = run_build(cfg, out, exec_mode=mode,
                           progress=progress if progress.enabled else None)
    except OutputError as exc:
        progress.close()
        raise click.ClickException(str(exc)) from exc
    except BaseException:  # Ctrl+C (click says "Aborted!"), or a crash: the terminal is left as found
        progress.stop()
        raise
    progress.close()
    if not quiet:
        _print_diagnostics(result.diagnostics, limit)
        for reason in result.stats.rerun_reasons:
            click.echo(f"re-ran: {reason}", err=True)
    s = result.stats
    cells = ""
    if s.cells_ran or s.cells_cached or s.cells_failed:
        # a block that raises on purpose (`error: true`) is no failure of the build
        cells = (f"; code blocks: {s.cells_ran} ran, {s.cells_cached} cached, "
                 f"{s.cells_failed - s.cells_expected} failed")
        if s.cells_expected:
            cells += f", {_count(s.cells_expected, 'expected error')}"
    click.echo(f"Built {s.published} of {_count(s.notes, 'note')} into {_count(s.pages, 'page')} in {out} "
               f"({s.seconds:.2f} s); {_summary_counts(result.diagnostics)}{cells}")
    _leave(result, strict)


def _count(n: int, word: str) -> str:
    """``1 note``, ``2 notes``: the summary line reads as English."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@main.command()
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Exit with status 1 when there are warnings.")
def check(vault: Path | None, strict: bool) -> None:
    """Read and resolve VAULT, print diagnostics, write nothing.

    VAULT defaults to notes/ (the demo vault) in a clone of this repository, else the current
    folder when it is a vault (a note, .obsidian/ or vaultsite.toml in it).  Code blocks are not run."""
    from generator.pipeline import check as run_check

    limit = _max_diagnostics()
    cfg = _load(vault)
    if _LEAVE_FAST:
        gc.disable()
    result = run_check(cfg)
    _print_diagnostics(result.diagnostics, limit)
    s = result.stats
    click.echo(f"Checked {_count(s.notes, 'note')} ({s.published} published, "
               f"{_count(s.attachments, 'attachment')}) "
               f"in {s.seconds:.2f} s; {_summary_counts(result.diagnostics)}")
    _leave(result, strict)


@main.command()
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: site/ in the current folder).")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(vault: Path | None, out: Path | None, port: int, open_browser: bool) -> None:
    """Build, serve on 127.0.0.1, rebuild on save and reload the browser.

    VAULT defaults to notes/ (the demo vault) in a clone of this repository, else the current
    folder when it is a vault (a note, .obsidian/ or vaultsite.toml in it).  Stop with Ctrl+C."""
    from generator.emit import OutputError, check_output
    from generator.pipeline import cache_dir_of
    from generator.serve import ServeError
    from generator.serve import serve as run_serve

    cfg = _load(vault)
    out = (out if out is not None else Path("site")).absolute()
    try:  # a folder that cannot be used is said once, not shown as a failed build in a browser
        check_output(out, cfg.vault, cache_dir_of(cfg, out))
    except OutputError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        run_serve(cfg, out, port=port, open_browser=open_browser)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command(short_help="Write a starter vaultsite.toml and a Pages workflow.")
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False),
                default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--install", default=None, metavar="SPEC",
              help="What the workflow pip-installs, e.g. 'git+https://github.com/you/vaultsite' "
                   "(default: vaultsite of this version from PyPI).")
def init(vault: Path, force: bool, install: str | None) -> None:
    """Write a starter vaultsite.toml and a GitHub Pages workflow into VAULT."""
    from generator.init import GITIGNORE_PATH, existing_files, init_vault

    skipped = existing_files(vault)
    for path in init_vault(vault, force=force, install=install):
        click.echo(f"wrote {path}")
    for path in skipped:
        if path.name == GITIGNORE_PATH:  # the user's own: never overwritten
            click.echo(f"kept {path} (never overwritten, even with --force: it may hold your lines)")
        elif not force:
            click.echo(f"kept {path} (exists; --force overwrites it)")


if __name__ == "__main__":
    main()
