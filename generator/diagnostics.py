"""Diagnostics are data: collected per stage, sorted, formatted like a compiler's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Span:
    """A place in a vault file. ``path`` is vault-relative with forward slashes; line and col are 1-based."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.col <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    span: Span | None = None
    hint: str | None = None

    def format(self) -> str:
        where = f"{self.span}: " if self.span else ""
        text = f"{where}{self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def sort_key(self) -> tuple:
        span = self.span or Span("")
        return (span.path, span.line, span.col, self.code, self.message)


def _span(path: str | None, line: int, col: int) -> Span | None:
    """A place; one with a line has a column too (1, its start, where no finer one is known), so
    that every located message reads ``path:line:col:`` as a compiler's do."""
    if path is None:
        return None
    return Span(path, line, col if col > 0 or line <= 0 else 1)


def warning(code: str, message: str, path: str | None = None, line: int = 0, col: int = 0,
            hint: str | None = None) -> Diagnostic:
    span = _span(path, line, col)
    return Diagnostic(Severity.WARNING, code, message, span, hint)


def error(code: str, message: str, path: str | None = None, line: int = 0, col: int = 0,
          hint: str | None = None) -> Diagnostic:
    span = _span(path, line, col)
    return Diagnostic(Severity.ERROR, code, message, span, hint)


def info(code: str, message: str, path: str | None = None, line: int = 0, col: int = 0,
         hint: str | None = None) -> Diagnostic:
    """What a page shows otherwise than Obsidian, with nothing for the author to fix: never
    counted by ``--strict``."""
    return Diagnostic(Severity.INFO, code, message, _span(path, line, col), hint)


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted and de-duplicated: the same problem reported twice is printed once."""
    return sorted(set(diags), key=Diagnostic.sort_key)


#: Infos a vault may hold hundreds of, each the same news: printed once, with their count.
FOLDED_INFOS = {"plugin-unrendered": "plugin blocks and queries", "link-app-only": "obsidian:// links",
                "notion-id-name": "file names ending in Notion's page id"}


def fold_infos(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diags`` with the infos of each ``FOLDED_INFOS`` code made one: the first of them (by
    place), its message saying how many there are in how many files."""
    out: list[Diagnostic] = []
    folded: dict[str, list[Diagnostic]] = {}
    for d in diags:
        if d.severity is Severity.INFO and d.code in FOLDED_INFOS:
            folded.setdefault(d.code, []).append(d)
        else:
            out.append(d)
    for code, found in folded.items():
        # once each: a block shown on several pages (an embedded note's) is reported by each
        group = sorted(set(found), key=Diagnostic.sort_key)
        first = group[0]
        if len(group) > 1:
            many = FOLDED_INFOS[code]
            files = len({d.span.path for d in group if d.span})
            first = Diagnostic(first.severity, code, f"{first.message} (the first of "
                               f"{len(group)} {many} in {files} {'file' if files == 1 else 'files'})",
                               first.span, first.hint)
        out.append(first)
    return out


def count_by_code(diags: Iterable[Diagnostic]) -> Counter[str]:
    return Counter(d.code for d in diags)
