"""Cell records (what a worker reported) -> the HTML placed after the code, plus figure files."""

from __future__ import annotations

import hashlib
from html import escape

from generator.diagnostics import Diagnostic, Severity, Span
from generator.execute.cells import CodeCell

ROOT = "{{ROOT}}"  # replaced by the renderer with the page's relative path to the site root
ASSET_DIR = "_exec"
_CODES = {"exception": "exec-error", "timeout": "exec-timeout", "crash": "exec-crash",
          "exit": "exec-exit"}


def externalize(record: dict | None) -> tuple[dict | None, dict[str, bytes]]:
    """Move figure bytes out of a worker record: ``(record with asset names, assets)``."""
    if record is None:
        return None, {}
    assets: dict[str, bytes] = {}
    outputs = []
    for out in record.get("outputs", []):
        if out[0] == "figure":
            _, fmt, data, title, size, number = out
            name = f"{ASSET_DIR}/{hashlib.sha256(data).hexdigest()[:20]}.{fmt}"
            assets[name] = data
            out = ("figure", fmt, name, title, list(size) if size else None, number)
        outputs.append(list(out))
    return dict(record, outputs=outputs), assets


def asset_names(record: dict | None) -> list[str]:
    if record is None:
        return []
    return [out[2] for out in record.get("outputs", []) if out[0] == "figure"]


def cell_html(cell: CodeCell, record: dict | None, not_run: str | None = None) -> str:
    """HTML for one cell's outputs; ``record`` None means the cell did not run (``not_run`` says why)."""
    if record is None:
        if not not_run:
            return ""
        return (f'<div class="cell-output cell-not-run"><p class="cell-note">Not run: '
                f"{escape(not_run)}</p></div>")
    parts = []
    if cell.options.output:
        parts.extend(_output_html(cell, out) for out in record.get("outputs", []))
    error = record.get("error")
    if error:
        parts.append(_error_html(error))
    if not parts:
        return ""
    return f'<div class="cell-output" data-line="{cell.line}">{"".join(parts)}</div>'


def _output_html(cell: CodeCell, out: list) -> str:
    kind = out[0]
    if kind in ("stdout", "stderr"):
        return f'<pre class="cell-{kind}">{escape(out[1])}</pre>'
    if kind == "html":
        return f'<div class="cell-result table-wrap">{out[1]}</div>'
    if kind == "text":
        return f'<pre class="cell-result">{escape(out[1])}</pre>'
    if kind == "figure":
        return _figure_html(cell, out)
    return ""


def _figure_html(cell: CodeCell, out: list) -> str:
    _, _fmt, name, title, size, number = out
    caps, alts = cell.options.fig_cap, cell.options.fig_alt
    caption = caps[min(number, len(caps) - 1)] if caps else ""
    alt = (alts[min(number, len(alts) - 1)] if alts else "") or caption or title or (
        f"Figure {number + 1} drawn by the code at line {cell.line}")
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    img = (f'<img src="{ROOT}{escape(name)}" alt="{escape(alt)}"{dims} loading="lazy" '
           f'decoding="async">')
    # the full-size image is a click (or Enter) away: a page shows the figure at its width
    img = f'<a class="figure-open" href="{ROOT}{escape(name)}" title="Open the full-size image">{img}</a>'
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="cell-figure">{img}{cap}</figure>'


def _error_html(error: dict) -> str:
    # the message first (``KeyError: 'missing_column'``): a traceback through a library puts it
    # at the bottom of a long box
    message = next((ln.strip() for ln in str(error.get("evalue") or "").splitlines() if ln.strip()),
                   "")
    if len(message) > 160:
        message = message[:159].rstrip() + "…"
    title = f'{error["ename"]}: {message} (line {error["line"]})' if message \
        else f'{error["ename"]} at line {error["line"]}'
    return (f'<div class="cell-error" role="alert"><p class="cell-error-title">{escape(title)}'
            f'</p><pre>{escape(error.get("traceback") or error["evalue"])}</pre></div>')


def cell_diagnostic(cell: CodeCell, record: dict | None, rel: str,
                    cached: bool = False) -> Diagnostic | None:
    """The build-output line for a cell that failed (None when it did not, or ``error: true``).
    ``cached``: the failure is an earlier run's, answered from the execution cache; the hint says
    how to run the code again (a fix made outside the note and its inputs is not seen)."""
    error = (record or {}).get("error")
    if not error or cell.options.error is True:
        return None
    severity = Severity.ERROR if cell.options.error is False else Severity.WARNING
    evalue = str(error.get("evalue") or "").strip().splitlines()
    message = f'{error["ename"]}: {evalue[0][:200]}' if evalue else error["ename"]
    hint = "the traceback is shown in the page"
    if cached:
        hint += ("; this is the result of an earlier run, kept in the execution cache: build "
                 "with --rerun to run the code again")
    return Diagnostic(severity, _CODES.get(error["kind"], "exec-error"), message,
                      Span(rel, int(error.get("line") or cell.line), 1), hint)
