"""Between the pipeline and the executor: its config from ``[execute]``, and running a build's cells."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.diagnostics import Diagnostic
from generator.execute import ExecConfig, NoteJob, run_notes, summarize
from generator.model import Note


def exec_config(cfg: SiteConfig, cache_dir: Path | None = None, mode: str = "auto") -> ExecConfig:
    e = cfg.execute
    return ExecConfig(
        enabled=e.enabled and mode != "no-exec", rerun=mode == "rerun",
        cache_dir=cache_dir if cache_dir is not None else Path(".vaultsite-cache/exec"),
        workers=e.workers, timeout=e.timeout, run_plain_python=e.run_plain_python,
        defaults=dict(e.defaults))


def run_cells(notes: list[Note], cfg: SiteConfig, cache_dir: Path, mode: str,
              progress: Callable[[str, int, int], None] | None = None
              ) -> tuple[dict[str, dict[int, Any]], dict[str, bytes], tuple[int, int, int, int],
                         list[str], list[Diagnostic]]:
    """Run (or take from the cache) the cells of ``notes``.

    Returns views by note id and fence line, the figure files for ``_exec/``, counts (ran, cached,
    failed), one line per note that ran saying why, and diagnostics.
    """
    ecfg = exec_config(cfg, cache_dir / "exec", mode)
    jobs = [NoteJob(n.rel, n.source.abs, cfg.vault, tuple(n.cells)) for n in notes]
    done = 0

    def note_done(_rel: str, _result: Any) -> None:  # "code": notes whose cells are done
        nonlocal done
        done += 1
        progress("code", done, len(jobs))  # type: ignore[misc]

    if progress:
        progress("code", 0, len(jobs))
    results = run_notes(jobs, ecfg, note_done if progress else None)
    by_rel = {n.rel: n for n in notes}
    views: dict[str, dict[int, Any]] = {}
    files: dict[str, bytes] = {}
    diags: list[Diagnostic] = []
    for rel, result in sorted(results.items()):
        views[by_rel[rel].id] = dict(result.views_by_line)
        for view in result.views_by_line.values():
            files.update(view.assets)
        diags.extend(result.diagnostics)
    summary = summarize(results)
    reasons = [f"{rel}: {why}" for rel, why in summary.reruns]
    counts = (summary.ran, summary.cached, summary.failed, summary.expected)
    return views, files, counts, reasons, diags
