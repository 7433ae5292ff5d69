"""``run_notes``: the cache check, the worker pool and the views the renderer places in pages."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity, Span
from generator.execute.cache import (
    ExecCache,
    FileDigests,
    Lookup,
    inputs_reason,
    package_versions,
    same_start,
)
from generator.execute.cells import CodeCell
from generator.execute.config import ExecConfig
from generator.execute.outputs import asset_names, cell_diagnostic, cell_html, embed_diagnostics, externalize
from generator.execute.pool import RunOutcome, run_payloads


@dataclass(frozen=True)
class NoteJob:
    """One note whose cells should run.  ``cells`` come from ``find_cells`` for this note."""

    rel: str  # vault-relative path of the note file, forward slashes ("Projects/A.md")
    path: Path  # absolute path of the note file
    vault_root: Path  # absolute path of the vault
    cells: tuple[CodeCell, ...]


@dataclass(frozen=True)
class CellView:
    """What the fence render rule needs: show the code?  What HTML follows it?  Which files?"""

    show_code: bool
    html: str  # outputs, placed right after the code; image srcs start with "{{ROOT}}"
    assets: dict[str, bytes] = field(default_factory=dict)  # "_exec/<sha>.png" -> bytes
    code: str = ""  # the code to show: the fence content without its "#|" option lines
    lang: str = "python"  # highlight as this language (a ```{python} fence is python)
    fold: str = ""  # "" shows the code; "closed"/"open": inside a <details> (Quarto's code-fold)
    summary: str = "Code"  # the <summary> of folded code


@dataclass(frozen=True)
class NoteExecResult:
    rel: str
    views: dict[int, CellView]  # by token index of the fence (CodeCell.token_index)
    views_by_line: dict[int, CellView]  # by 0-based line of the opening fence (token.map[0])
    ran: int = 0  # cells executed in this build
    cached: int = 0  # cells whose outputs came from the cache
    failed: int = 0  # cells that raised, timed out or killed their interpreter (ran or cached)
    expected: int = 0  # of those, cells that raise on purpose (`error: true`)
    not_run: int = 0  # runnable cells without output (--no-exec and no cache, or after a crash)
    reason: str | None = None  # why the note ran ("no cache", "data/x.csv changed", "--rerun")
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0  # wall time of the note's worker

    def view_for(self, token: object) -> CellView | None:
        """The view of a fence token (matched by its opening line), or None if it is no cell."""
        fence_map = getattr(token, "map", None)
        return self.views_by_line.get(fence_map[0]) if fence_map else None


Progress = Callable[[str, NoteExecResult], None]
CAN_RUN = os.name == "posix" and hasattr(os, "fork")  # the worker template forks


def run_notes(jobs: list[NoteJob], cfg: ExecConfig,
              progress: Progress | None = None) -> dict[str, NoteExecResult]:
    """Run (or fetch from the cache) the cells of each note; never runs user code in this process.

    Notes whose cache entry is valid are answered from it; the others run in parallel in fresh
    worker processes, ``cfg.worker_count`` at a time.  ``progress(rel, result)`` is called as each
    note is done.  Results are keyed by ``NoteJob.rel``.
    """
    cache = ExecCache(cfg.cache_dir)
    digests: dict[Path, FileDigests] = {}
    results: dict[str, NoteExecResult] = {}
    queued: list[tuple[NoteJob, list[CodeCell], str]] = []

    def finish(result: NoteExecResult) -> None:
        results[result.rel] = result
        if progress is not None:
            progress(result.rel, result)

    for job in jobs:
        files = digests.setdefault(job.vault_root, FileDigests(job.vault_root))
        live = [c for c in job.cells if c.options.eval]
        if not live:
            finish(_assemble(job, {}, None, None))
            continue
        look = (Lookup(None, "--rerun", False) if cfg.rerun and cfg.enabled
                else cache.lookup(job.rel, live, files))
        cached = _cached_records(cache, look, live, job.rel) if look.code_matches else None
        if look.reason is None and cached is not None:
            finish(_assemble(job, cached[0], None, cached[1], from_cache=True))
        elif not cfg.enabled or not CAN_RUN:
            finish(_without_running(job, look, cached, cache, live, files))
        else:
            reason = look.reason or "cached figures missing"
            queued.append((job, live, reason))

    payloads = [_payload(job, live) for job, live, _ in queued]
    outcomes: dict[int, RunOutcome] = {}

    def done(index: int, outcome: RunOutcome) -> None:
        job, live, reason = queued[index]
        outcomes[index] = outcome
        finish(_store(cache, digests[job.vault_root], job, live, outcome, reason))

    if payloads:
        roots = sorted({Path(os.path.realpath(job.vault_root)) for job, _, _ in queued})
        before = {root: vault_stats(root, cfg.cache_dir) for root in roots}
        run_payloads(payloads, cfg.worker_count, tuple(cfg.preload), done)
        for root in roots:
            for index, note in _vault_writes(root, before[root], vault_stats(root, cfg.cache_dir),
                                             queued, outcomes):
                rel = queued[index][0].rel
                results[rel] = _with(results[rel],
                                     diagnostics=results[rel].diagnostics + (note,))
    return {job.rel: results[job.rel] for job in jobs if job.rel in results}


def vault_stats(root: Path, *skip: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every file in the vault but dot-entries (and ``skip`` folders)."""
    skipped = {os.path.realpath(s) for s in skip}
    stats: dict[str, tuple[int, int]] = {}
    stack = [(str(root), "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if os.path.realpath(entry.path) not in skipped:
                        stack.append((entry.path, rel + entry.name + "/"))
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            stats[rel + entry.name] = (st.st_size, st.st_mtime_ns)
    return stats


SLACK = 0.05  # seconds: file times are kernel clock ticks, the windows the build's receipt times


def _vault_writes(root: Path, before: dict[str, tuple[int, int]],
                  after: dict[str, tuple[int, int]], queued: list, outcomes: dict[int, RunOutcome]
                  ) -> list[tuple[int, Diagnostic]]:
    """``exec-wrote-vault`` for each vault file changed or created while a note's code ran.

    The mirror keeps Python writes out of the vault and gives subprocesses copies of the data
    files, but a C library or a subprocess can still reach the vault (a symlinked note, an
    absolute path).  A changed file is blamed on the cell whose run covers its mtime.
    """
    found = []
    for rel in sorted(after):
        if before.get(rel) == after[rel]:
            continue
        mtime = after[rel][1] / 1e9
        what = "changed" if rel in before else "created"
        # notes run side by side: every note running then may have written it
        suspects = [index for index, outcome in sorted(outcomes.items())
                    if outcome.began - SLACK <= mtime <= outcome.ended + SLACK]
        for index in suspects:
            job, live, _ = queued[index]
            outcome = outcomes[index]
            line = live[-1].line
            for cell, end in zip(live, outcome.ends, strict=False):
                if end is None or mtime <= end:  # the cell running then (its record came later)
                    line = cell.line
                    break
            others = [queued[i][0].rel for i in suspects if i != index]
            if others:
                shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more"
                                                 if len(others) > 3 else "")
                message = (f"{rel} was {what} in the vault (through a subprocess or a C "
                           f"library) while this note's code ran, and that of {shown}: one of "
                           "them wrote it; write to a path of its own instead")
            else:
                message = (f"the code {what} {rel} in the vault (through a subprocess or a C "
                           "library); write to a path of its own instead")
            found.append((index, Diagnostic(
                Severity.WARNING, "exec-wrote-vault", message, Span(job.rel, line, 1),
                "files the code writes through Python go to a temporary copy of the vault; "
                "other routes can reach the vault itself")))
    return found


def _payload(job: NoteJob, live: list[CodeCell]) -> dict:
    last = max(c.line + c.code.count("\n") for c in live)
    lines = [""] * (last + 1)
    for cell in live:
        for offset, text in enumerate(cell.code.split("\n")):
            lines[cell.line - 1 + offset] = text
    return {
        "rel": job.rel, "vault_root": os.path.realpath(job.vault_root),
        "folder": posixpath.dirname(job.rel),
        "source": "\n".join(lines) + "\n",
        "cells": [{"code": c.code, "line": c.line, "options": c.options.to_dict()} for c in live],
    }


def _store(cache: ExecCache, files: FileDigests, job: NoteJob, live: list[CodeCell],
           outcome: RunOutcome, reason: str) -> NoteExecResult:
    records, assets = [], {}
    for record in outcome.records:
        record, found = externalize(record)
        records.append(record)
        assets.update(found)
    deps = set(outcome.reads) - {job.rel}
    for cell in live:
        for _entry, found, _line in expand_deps(job, cell):
            deps.update(found)
    recorded = {rel: files.digest(rel) for rel in sorted(deps)}
    cache.store(job.rel, live, records, recorded, package_versions(outcome.imports), assets)
    return _assemble(job, dict(enumerate(records)), reason, assets, seconds=outcome.seconds)


def expand_deps(job: NoteJob, cell: CodeCell) -> list[tuple[str, list[str], int]]:
    """``(entry, vault paths it stands for, its "#|" line)`` per ``deps`` entry of a cell.

    An entry is relative to the note's folder (``/x``: the vault root) and may be a glob
    (``data/*.csv``, ``**``); a glob also depends on the listing of the folder it searches
    (``"data/"``), so a new matching file re-runs the note.  Paths found are files only.
    """
    import glob

    folder = posixpath.dirname(job.rel)
    root = os.path.realpath(job.vault_root)
    out = []
    for dep in cell.options.deps:
        path = posixpath.normpath(dep[1:] if dep.startswith("/") else posixpath.join(folder, dep))
        found: list[str] = []
        if glob.has_magic(path):
            matches = glob.glob(path, root_dir=root, recursive=True)
            found = sorted(m.replace(os.sep, "/") for m in matches
                           if os.path.isfile(os.path.join(root, m)))
            base = path[:min(i for i in (path.find(c) for c in "*?[") if i >= 0)]
            base = posixpath.dirname(base)
            if not base.startswith(".."):
                found.append(base + "/" if base else "/")
        elif not path.startswith(".."):
            found = [path]  # recorded even while missing: its creation re-runs the note
        out.append((dep, found, _option_line(cell, dep)))
    return out


def _option_line(cell: CodeCell, entry: str) -> int:
    """The file line of the ``#|`` line naming ``entry`` (else the ``deps`` key, else the cell)."""
    lines = cell.code.split("\n")
    for needle in (entry, "deps"):
        for offset, text in enumerate(lines):
            if text.lstrip().startswith("#|") and needle in text:
                return cell.line + offset
    return cell.line


def _deps_diagnostics(job: NoteJob) -> list[Diagnostic]:
    notes = []
    for cell in job.cells:
        if not cell.options.eval or not cell.options.deps:
            continue
        root = os.path.realpath(job.vault_root)
        for entry, found, line in expand_deps(job, cell):
            if not any(os.path.isfile(os.path.join(root, f)) for f in found
                       if not f.endswith("/")):
                notes.append(Diagnostic(
                    Severity.WARNING, "exec-deps", f"deps entry '{entry}' matches no file",
                    Span(job.rel, line, 1), "the path is relative to the note's folder ('/x': "
                    "the vault root); the note re-runs when a matching file appears"))
    return notes


def _cached_records(cache: ExecCache, look: Lookup, live: list[CodeCell],
                    rel: str) -> tuple[dict, dict[str, bytes]] | None:
    manifest = look.manifest or {}
    records = manifest.get("records")
    if records is None:
        return None
    assets = {}
    for record in records:
        for name in asset_names(record):
            data = cache.read_asset(name)
            if data is None:
                return None
            assets[name] = data
    records = [shift_lines(r, manifest.get("bodies", []), live, rel) for r in records]
    return dict(enumerate(records)), assets


def shift_lines(record: dict | None, old_bodies: list[int], cells: list[CodeCell],
                rel: str) -> dict | None:
    """Move the note line numbers in a cached record to where the same code now sits.

    Prose edits above a cell move it down the file without re-running it; the traceback and
    the diagnostic must still point at the right lines.
    """
    error = (record or {}).get("error")
    if not error or len(old_bodies) != len(cells):
        return record
    spans = [(old, old + cell.display_code.count("\n") + 1, cell.body_line - old)
             for old, cell in zip(old_bodies, cells, strict=True)]
    if all(delta == 0 for _, _, delta in spans):
        return record

    def moved(line: int) -> int:
        return next((line + d for start, end, d in spans if start <= line < end), line)

    pattern = re.compile(r'(File "' + re.escape(rel) + r'", line )(\d+)')
    text = pattern.sub(lambda m: m.group(1) + str(moved(int(m.group(2)))), error["traceback"])
    error = dict(error, line=moved(int(error["line"])), traceback=text)
    return dict(record, error=error)


def _without_running(job: NoteJob, look: Lookup, cached: tuple | None, cache: ExecCache,
                     live: list[CodeCell], files: FileDigests) -> NoteExecResult:
    """--no-exec: stale outputs of the same code are better than none; otherwise say so.  After
    a code edit, the cells before the first changed one have their keys of the last run (a
    cell's key holds the cells before it, not those after), and show its outputs."""
    if not CAN_RUN:
        result = _assemble(job, {}, None, None, not_run="code runs only on Linux and macOS")
        note = Diagnostic(Severity.WARNING, "exec-unsupported", "code cells were not run: the "
                          "executor needs fork() (Linux or macOS)", Span(job.rel, 0, 0),
                          "build on Linux or macOS (or WSL) to run them")
        return _with(result, diagnostics=result.diagnostics + (note,))
    if cached is not None:
        result = _assemble(job, cached[0], None, cached[1], from_cache=True)
        note = Diagnostic(Severity.INFO, "exec-stale", f"showing outputs of an earlier run "
                          f"although {look.reason} (built with --no-exec)", Span(job.rel, 0, 0),
                          "build without --no-exec to run the code again")
        return _with(result, diagnostics=result.diagnostics + (note,))
    same = same_start(look.manifest, live) if look.manifest else 0
    why_not = f"built with --no-exec ({look.reason})" if look.manifest and not look.code_matches \
        else "built with --no-exec"
    if same:
        manifest = look.manifest
        start = Lookup({**manifest, "records": manifest.get("records", [])[:same],
                        "bodies": manifest.get("bodies", [])[:same]}, None, True)
        earlier = _cached_records(cache, start, live[:same], job.rel)
        if earlier is not None:
            result = _assemble(job, earlier[0], None, earlier[1], from_cache=True, not_run=why_not)
            why = inputs_reason(manifest, files)
            if why is None:
                return result
            cells = f"the cells before line {live[same].line}" if same < len(live) else "its cells"
            note = Diagnostic(Severity.INFO, "exec-stale", f"showing outputs of an earlier run of "
                              f"{cells} although {why} (built with --no-exec)", Span(job.rel, 0, 0),
                              "build without --no-exec to run the code again")
            return _with(result, diagnostics=result.diagnostics + (note,))
    return _assemble(job, {}, None, None, not_run=why_not)


def _with(result: NoteExecResult, **changes: object) -> NoteExecResult:
    from dataclasses import replace

    return replace(result, **changes)


def _assemble(job: NoteJob, records: dict[int, dict | None], reason: str | None,
              assets: dict[str, bytes] | None, *, from_cache: bool = False,
              not_run: str | None = None, seconds: float = 0.0) -> NoteExecResult:
    assets = assets or {}
    views: dict[int, CellView] = {}
    by_line: dict[int, CellView] = {}
    diags = [d for cell in job.cells for d in cell.diagnostics] + _deps_diagnostics(job)
    ran = cached = failed = expected = skipped = 0
    live_index = 0
    crashed_at: int | None = None
    for cell in job.cells:
        if not cell.options.eval:
            html, record = "", None
        else:
            record = records.get(live_index)
            live_index += 1
            why = not_run
            if record is None and why is None:
                why = (f"the interpreter running this note stopped at line {crashed_at}" if crashed_at
                       else "an earlier cell stopped the note")
            html = cell_html(cell, record, why)
            if record is None:
                skipped += 1
            else:
                cached += from_cache
                ran += not from_cache
                if record.get("error"):
                    failed += 1
                    expected += cell.options.error is True
                    if record["error"]["kind"] in ("crash", "timeout"):
                        # the latest one: a timeout the note recovered from stopped nothing
                        crashed_at = record["error"]["line"]
                diag = cell_diagnostic(cell, record, job.rel, cached=from_cache)
                if diag:
                    diags.append(diag)
                diags += embed_diagnostics(cell, record, job.rel)
        own = {name: assets[name] for name in asset_names(record) if name in assets}
        fold = {True: "closed", "show": "open"}.get(cell.options.code_fold, "")
        view = CellView(show_code=cell.options.echo, html=html, assets=own,
                        code=cell.display_code, lang=cell.lang, fold=fold,
                        summary=cell.options.code_summary)
        views[cell.token_index] = view
        by_line[cell.fence_line] = view
    return NoteExecResult(rel=job.rel, views=views, views_by_line=by_line, ran=ran,
                          cached=cached, failed=failed, expected=expected, not_run=skipped, reason=reason,
                          diagnostics=tuple(diags), seconds=seconds)


@dataclass(frozen=True)
class ExecSummary:
    ran: int
    cached: int
    failed: int  # expected errors included
    not_run: int
    reruns: tuple[tuple[str, str], ...]  # (note, why it ran)
    expected: int = 0  # failed cells marked `error: true`

    def format(self) -> str:
        head = (f"code cells: {self.ran} ran, {self.cached} from cache, {self.failed} failed"
                + (f", {self.not_run} not run" if self.not_run else ""))
        return "\n".join([head] + [f"  ran {rel}: {why}" for rel, why in self.reruns])


def summarize(results: dict[str, NoteExecResult]) -> ExecSummary:
    """Totals for the build summary, and why each note that ran had to."""
    values = [results[k] for k in sorted(results)]
    return ExecSummary(
        ran=sum(r.ran for r in values), cached=sum(r.cached for r in values),
        failed=sum(r.failed for r in values), not_run=sum(r.not_run for r in values),
        expected=sum(r.expected for r in values),
        reruns=tuple((r.rel, r.reason) for r in values if r.reason))
