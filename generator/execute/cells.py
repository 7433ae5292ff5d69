"""Which fences run, and with which options.

A fence runs when its info string says so (```` ```{python} ````, ```` ```run-python ````,
```` ```python {exec=true} ````) or when it is a plain ```` ```python ```` fence in a note that opts in
(front-matter ``exec: true``) or on a site that does (``run_plain_python``).  Options come from, in
increasing priority: the site's ``[execute] defaults``, the note's front-matter ``execute:`` mapping,
attributes in the fence's braces and the Quarto-style ``#|`` lines at the top of the cell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Severity, Span, info, warning
from generator.execute.config import ExecConfig

PYTHON_NAMES = frozenset({"python", "py", "python3"})
RUN_NAMES = frozenset({"run-python", "run-py", "run-python3"})
# Quarto options we accept without acting on them: not an error in a note shared with Quarto, but
# an info line each (at its ``#|`` line), so nobody wonders why ``code-fold`` did nothing.
IGNORED_OPTIONS = frozenset({
    "label", "code-line-numbers", "message", "classes",
    "lst-label", "lst-cap", "fig-align", "fig-pos", "tbl-cap",
})
OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
_BRACED = re.compile(r"^\{\s*([\w+-]+)\s*([^}]*)\}\s*(.*)$")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s,}]+)""")


@dataclass(frozen=True)
class CellOptions:
    """Resolved options of one cell.  ``timeout`` is already the effective number of seconds."""

    eval: bool = True
    echo: bool = True
    output: bool = True
    error: bool | None = None  # None: show and warn; True: expected, no warning; False: an error
    warning: bool = True  # false: warnings the cell raises are not shown
    timeout: float = 30.0
    fig_cap: tuple[str, ...] = ()
    fig_alt: tuple[str, ...] = ()
    fig_width: float | None = None  # inches; None = matplotlib's default
    fig_height: float | None = None
    fig_dpi: int = 150
    fig_format: str = "png"
    deps: tuple[str, ...] = ()  # extra files, relative to the note's folder ("/x" = vault root)
    code_fold: bool | str = False  # Quarto's: true (folded), "show" (foldable, open) or false
    code_summary: str = "Code"  # the folded code's label

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}

    def run_key(self) -> dict[str, Any]:
        """The options that change what running the cell produces (part of the cache key).

        ``echo``, ``output``, ``error``, ``fig-cap``, ``fig-alt``, ``code-fold`` and
        ``code-summary`` only change the HTML, which is rebuilt from the cached outputs, so editing
        a caption never re-runs code.
        """
        shown = {"echo", "output", "error", "fig_cap", "fig_alt", "code_fold", "code_summary"}
        key = {k: v for k, v in self.to_dict().items() if k not in shown}
        if key["warning"]:  # the default: keys of cells cached before the option existed stay
            del key["warning"]
        return key


@dataclass(frozen=True)
class CodeCell:
    """One runnable fence of a note."""

    index: int  # position among the note's runnable cells, from 0
    token_index: int  # index of the fence token in the note's token list
    fence_line: int  # 0-based file line of the opening fence (token.map[0])
    line: int  # 1-based file line of the first code line (tracebacks point here)
    code: str  # the fence content as written, "#|" lines included (keeps line numbers)
    display_code: str  # what the page shows: the code without the leading "#|" lines
    options: CellOptions = field(default_factory=CellOptions)
    lang: str = "python"
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def body_line(self) -> int:
        """1-based file line where the code after the ``#|`` lines starts."""
        return self.line + self.code.count("\n") - self.display_code.count("\n")


def find_cells(note_meta: Mapping[str, Any] | None, fences: list[tuple[int, Any]],
               exec_cfg: ExecConfig, rel_path: str) -> list[CodeCell]:
    """The runnable cells among ``fences`` (``(token_index, fence_token)`` pairs, in order).

    Malformed options never raise: they become warnings on the cell (``CodeCell.diagnostics``),
    which ``run_notes`` reports with the note's results.
    """
    meta = note_meta or {}
    opt_in = meta.get("exec")  # front-matter is YAML 1.2, as Obsidian reads it: ``yes`` is text
    note_opt_in = opt_in is True or (isinstance(opt_in, str) and _truthy(opt_in)) \
        or exec_cfg.run_plain_python
    base, base_diags = _note_defaults(meta, exec_cfg, rel_path)
    cells: list[CodeCell] = []
    for token_index, token in fences:
        runs, attrs = classify_fence(token.info or "", note_opt_in)
        if not runs:
            continue
        fence_line = token.map[0] if token.map else 0
        cell = _make_cell(len(cells), token_index, fence_line, token.content or "", base, attrs,
                          rel_path)
        if base_diags and not cells:
            cell = replace(cell, diagnostics=tuple(base_diags) + cell.diagnostics)
        cells.append(cell)
    return cells


#: Languages Quarto runs in a chunk written ```` ```{r} ```` (knitr's and Jupyter's engines):
#: here only Python runs, so such a chunk is shown as code, and told so.
OTHER_ENGINES = frozenset({"r", "julia", "ojs", "bash", "sh", "sql", "rcpp", "stan"})


def other_engines(fences: list[tuple[int, Any]], rel_path: str) -> list[Diagnostic]:
    """An info for each fence written as a Quarto chunk of a language that Quarto runs and
    vaultsite does not (```` ```{r} ````): shown as code, where its author, coming from Quarto,
    would look for its output."""
    found: list[Diagnostic] = []
    for _index, token in fences:
        braced = _BRACED.match((token.info or "").strip())
        if braced is None or braced.group(1).lower() not in OTHER_ENGINES:
            continue
        lang = braced.group(1)
        found.append(info(
            "exec-language", f"a Quarto {{{lang}}} chunk: only Python code runs, so it is shown as "
            "code, with no output", rel_path, (token.map[0] if token.map else 0) + 1, 1,
            hint=f"write it as ```{{python}} to run it, or as ```{lang.lower()} to show it as code "
                 "without this line"))
    return found


def classify_fence(info: str, note_opt_in: bool) -> tuple[bool, dict[str, str]]:
    """(does the fence run, attributes written in its braces)."""
    info = info.strip()
    braced = _BRACED.match(info)
    if braced:  # ```{python} and ```{python echo=false}
        name = braced.group(1).lower()
        return name in PYTHON_NAMES, _attrs(braced.group(2))
    name, _, rest = info.partition(" ")
    name = name.lower()
    attrs = _attrs(rest.strip().strip("{}"))
    if name in RUN_NAMES:
        return _truthy(attrs.get("exec", "true")), attrs
    if name in PYTHON_NAMES:
        if "exec" in attrs:
            return _truthy(attrs["exec"]), attrs
        return note_opt_in, attrs
    return False, {}


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(text)}


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "1", "on"}


def _note_defaults(meta: Mapping[str, Any], cfg: ExecConfig, rel: str
                   ) -> tuple[dict[str, Any], list[Diagnostic]]:
    diags: list[Diagnostic] = []
    merged = {"timeout": cfg.timeout}
    # no span: the same problem in every note is then reported once (diagnostics are de-duplicated)
    merged.update(_validated(dict(cfg.defaults), diags, None, 0, "[execute] defaults"))
    note_opts = meta.get("execute")
    if note_opts is not None:
        if isinstance(note_opts, Mapping):
            merged.update(_validated(dict(note_opts), diags, rel, 1, "front-matter `execute`"))
        else:
            diags.append(warning("exec-option-invalid", "front-matter `execute` must be a mapping "
                                 "of cell options", rel, 1, 0, "for example `execute: {echo: false}`"))
    return merged, diags


def _make_cell(index: int, token_index: int, fence_line: int, content: str,
               base: dict[str, Any], attrs: dict[str, str], rel: str) -> CodeCell:
    lines = content.split("\n")
    n_opt = 0
    while n_opt < len(lines) and OPTION_LINE.match(lines[n_opt]):
        n_opt += 1
    first_line = fence_line + 2  # 1-based line after the opening fence
    diags: list[Diagnostic] = []
    merged = dict(base)
    brace_opts = {k: yaml.safe_load(v) if v else v for k, v in attrs.items() if k != "exec"}
    merged.update(_validated(brace_opts, diags, rel, fence_line + 1, "fence attributes",
                             quiet_unknown=True))
    merged.update(_parse_option_lines(lines[:n_opt], first_line, diags, rel))
    display = "\n".join(lines[n_opt:])
    options = _build_options(merged)
    return CodeCell(index=index, token_index=token_index, fence_line=fence_line, line=first_line,
                    code=content, display_code=display, options=options,
                    diagnostics=tuple(diags))


def _parse_option_lines(lines: list[str], first_line: int, diags: list[Diagnostic],
                        rel: str) -> dict[str, Any]:
    """``#| key: value`` lines; an indented or ``-`` line continues the previous key (YAML)."""
    groups: list[tuple[int, list[str]]] = []
    for offset, line in enumerate(lines):
        text = OPTION_LINE.match(line).group(1)
        if groups and (text[:1].isspace() or text.lstrip().startswith("- ")):
            groups[-1][1].append(text)
        elif text.strip():
            groups.append((first_line + offset, [text]))
    out: dict[str, Any] = {}
    for line_no, chunk in groups:
        try:
            value = yaml.safe_load("\n".join(chunk))
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or "not valid YAML"
            diags.append(warning("exec-option-invalid", f"cannot read the cell option "
                                 f"`{chunk[0].strip()}`: {reason}", rel, line_no, 1,
                                 "write options as `#| name: value`"))
            continue
        if not isinstance(value, dict):
            diags.append(warning("exec-option-invalid", f"cannot read the cell option "
                                 f"`{chunk[0].strip()}`", rel, line_no, 1,
                                 "write options as `#| name: value`"))
            continue
        out.update(_validated(value, diags, rel, line_no, "cell option"))
    return out


_BOOL = ("eval", "echo", "output", "error", "include", "warning")
_YAML11_BOOLS = {"yes": True, "on": True, "no": False, "off": False}
_POSITIVE = ("timeout", "fig-width", "fig-height", "fig-dpi")
_TEXTS = ("fig-cap", "fig-alt", "deps")
KNOWN_OPTIONS = frozenset(_BOOL + _POSITIVE + _TEXTS + ("fig-format", "code-fold", "code-summary"))


def _validated(raw: dict[str, Any], diags: list[Diagnostic], rel: str | None, line: int, where: str,
               quiet_unknown: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        key = str(key).replace("_", "-").lower()
        if key in _BOOL and isinstance(value, str) and value.strip().lower() in _YAML11_BOOLS:
            # ``echo: no`` in front-matter (read as YAML 1.2, where it is text) means what it
            # means in a ``#|`` line (YAML 1.1, where it is false)
            value = _YAML11_BOOLS[value.strip().lower()]
        problem = _check(key, value)
        if problem == "unknown":
            if key in IGNORED_OPTIONS:
                span = Span(rel, line, 1) if rel is not None else None
                diags.append(Diagnostic(Severity.INFO, "exec-option-unsupported",
                                        f"option {key} is not supported; {where} `{key}` is "
                                        "ignored", span, _IGNORED_HINTS.get(key)))
                continue
            if quiet_unknown:
                continue
            close = difflib.get_close_matches(key, sorted(KNOWN_OPTIONS), n=1)
            hint = f"did you mean `{close[0]}`?" if close else "known options: " + ", ".join(
                sorted(KNOWN_OPTIONS))
            diags.append(warning("exec-option-unknown", f"unknown {where} `{key}`", rel, line, 1,
                                 hint))
        elif problem:
            diags.append(warning("exec-option-invalid", f"{where} `{key}`: {problem}; using the "
                                 "default", rel, line, 1, hint=f"give `{key}` a value of that "
                                 "kind, or remove it to keep the default"))
        elif key == "include":
            out["echo"] = out["output"] = bool(value)
        else:
            out[key] = tuple(value) if isinstance(value, list) else value
    return out


_IGNORED_HINTS = {
    "label": "figures are not numbered and @label references stay text",
    "message": "stderr is shown; `warning: false` hides warnings",
}


def option_problem(key: str, value: Any) -> str | None:
    """What is wrong with a cell option's value (``"unknown"`` for a name that is no option)."""
    return _check(key, value)


def _check(key: str, value: Any) -> str | None:
    if key in _BOOL:
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if key in _POSITIVE:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        return None if ok else f"expected a positive number, got {value!r}"
    if key in _TEXTS:
        if isinstance(value, str) or (isinstance(value, list)
                                      and all(isinstance(v, str) for v in value)):
            return None
        return f"expected text or a list of texts, got {value!r}"
    if key == "code-fold":
        return None if value in (True, False, "show") else f"expected true, false or show, got {value!r}"
    if key == "code-summary":
        return None if isinstance(value, str) else f"expected text, got {value!r}"
    if key == "fig-format":
        return None if value in ("png", "svg") else f"expected png or svg, got {value!r}"
    return "unknown"


def _build_options(merged: dict[str, Any]) -> CellOptions:
    def texts(key: str) -> tuple[str, ...]:
        value = merged.get(key, ())
        return (value,) if isinstance(value, str) else tuple(value)

    return CellOptions(
        eval=merged.get("eval", True), echo=merged.get("echo", True),
        output=merged.get("output", True), error=merged.get("error"),
        warning=merged.get("warning", True),
        timeout=float(merged.get("timeout", 30.0)),
        fig_cap=texts("fig-cap"), fig_alt=texts("fig-alt"),
        fig_width=merged.get("fig-width"), fig_height=merged.get("fig-height"),
        fig_dpi=int(merged.get("fig-dpi", 150)), fig_format=merged.get("fig-format", "png"),
        deps=texts("deps"), code_fold=merged.get("code-fold", False),
        code_summary=merged.get("code-summary", "Code"),
    )
