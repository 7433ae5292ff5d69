"""Obsidian Bases (``.base`` files and ```` ```base ```` fences) evaluated at build time.

``load_base(text)`` reads the YAML (keeping the line of every value, for warnings) into a ``Base``;
``run_view(base, view, index, this_note)`` picks the published notes that pass the base's and the
view's ``filters``, sorts, limits and groups them, and computes each column (``order``).  Nothing
here writes HTML (``generator/markdown/bases.py`` does) or warns: problems come back as
``Problem`` values, with 0-based lines inside the YAML text, for the caller to place in its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.baseseval import Evaluator, sort_key
from generator.basesexpr import ExprError, Unsupported, parse_expr, problems, uses_file_times

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

VIEW_TYPES = ("table", "cards", "list")
UNSUPPORTED_HINT = ("vaultsite evaluates the deterministic part of the Bases language (see README, "
                    "Bases); rewrite the expression with it, or leave the base to Obsidian")


class Src(str):
    """A string from the YAML, with its 0-based line and column there."""

    line: int = 0
    col: int = 0


def _src(text: str, line: int, col: int) -> Src:
    s = Src(text)
    s.line, s.col = line, col
    return s


@dataclass(frozen=True)
class Problem:
    code: str  # "base-error" or "base-unsupported"
    message: str
    line: int  # 0-based, in the YAML text
    col: int = 0
    hint: str | None = None


@dataclass
class View:
    name: str
    type: str
    line: int
    filters: Any = None
    order: list[str] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    limit: int | None = None
    group: tuple[str, bool] | None = None


@dataclass
class Base:
    filters: Any = None
    formulas: dict[str, tuple | None] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def view(self, name: str | None) -> View | None:
        if not name:
            return self.views[0] if self.views else None
        want = name.strip().casefold()
        return next((v for v in self.views if v.name.strip().casefold() == want), None)


@dataclass
class Row:
    note: Any
    values: dict[str, Any]


@dataclass
class ViewResult:
    columns: list[tuple[str, str]]  # (property, display name)
    groups: list[tuple[Any, list[Row]]]  # (group value, rows); one group of None without groupBy
    total: int
    blocked: str | None = None  # why no rows are shown (a filter that cannot be evaluated)
    names: set = field(default_factory=set)  # (link target, note id) looked up


# -- reading -------------------------------------------------------------------------------------------

class BaseError(Exception):
    def __init__(self, message: str, line: int, col: int = 0):
        super().__init__(message)
        self.line, self.col = line, col


def _plain(node: yaml.Node) -> Any:
    """A composed YAML node as Python values; strings are ``Src`` (they know their line)."""
    if isinstance(node, yaml.MappingNode):
        return {str(_plain(k)): _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    if node.tag == "tag:yaml.org,2002:str":
        value = node.value
    else:
        value = yaml.constructor.SafeConstructor().construct_object(node)
    if isinstance(value, str):
        return _src(value, node.start_mark.line, node.start_mark.column)
    return value


def _read_yaml(text: str) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line, col = (mark.line, mark.column) if mark else (0, 0)
        last = max(0, len(text.rstrip("\n").split("\n")) - 1)
        if line > last:  # a problem found at the end of the stream: on the YAML's last line
            line, col = last, 0
        raise BaseError(f"not valid YAML: {problem}", line, col) from None
    if node is None:
        return {}
    try:
        return _plain(node)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError) as exc:
        raise BaseError(f"a value cannot be read: {exc}", node.start_mark.line) from None


def _line_of(value: Any, default: int) -> int:
    return value.line if isinstance(value, Src) else default


def _col_of(value: Any) -> int:
    return value.col if isinstance(value, Src) else 0


def load_base(text: str) -> Base:
    """The base that ``text`` describes; raises ``BaseError`` when it cannot be read at all."""
    data = _read_yaml(text)
    if not isinstance(data, dict):
        raise BaseError("a base is a YAML mapping (filters:, formulas:, properties:, views:)", 0)
    base = Base()
    for name, expr in (data.get("formulas") or {}).items() if isinstance(data.get("formulas"), dict) else ():
        base.formulas[name] = _compile(str(expr), _line_of(expr, 0), base.problems, f"formula {name}")
    props = data.get("properties")
    if isinstance(props, dict):
        for key, conf in props.items():
            if isinstance(conf, dict) and conf.get("displayName") is not None:
                base.display[key] = str(conf["displayName"])
    base.filters = _compile_filter(data.get("filters"), base.problems, 0)
    views = data.get("views")
    if views is None:
        views = [{"type": "table", "name": "Table"}]
    if not isinstance(views, list):
        raise BaseError("views: is a list of views (- type: table)", 0)
    for i, raw in enumerate(views):
        if isinstance(raw, dict):
            base.views.append(_view(raw, i, base.problems))
    return base


def _view(raw: dict, i: int, out: list[Problem]) -> View:
    kind = str(raw.get("type") or "table")
    line = min((_line_of(v, 10 ** 9) for v in raw.values()), default=0)
    line = 0 if line == 10 ** 9 else line
    view = View(name=str(raw.get("name") or f"View {i + 1}"), type=kind, line=_line_of(raw.get("type"), line))
    if kind not in VIEW_TYPES:
        out.append(Problem("base-unsupported", f"view {view.name!r}: the {kind!r} layout is not "
                           "supported; shown as a table", view.line, _col_of(raw.get("type")),
                           hint="use type: table, cards or list"))
    view.filters = _compile_filter(raw.get("filters"), out, view.line)
    order = raw.get("order")
    view.order = [p if isinstance(p, Src) else str(p) for p in order] \
        if isinstance(order, list) and order else ["file.name"]
    for p in view.order:
        _check_property(p, out, _line_of(p, view.line), f"view {view.name!r}")
    sort = raw.get("sort")
    for entry in sort if isinstance(sort, list) else ():
        if isinstance(entry, dict) and entry.get("property"):
            prop = entry["property"] if isinstance(entry["property"], Src) else str(entry["property"])
            if _check_property(prop, out, _line_of(entry["property"], view.line),
                               f"view {view.name!r}: sort"):
                view.sort.append((prop, str(entry.get("direction", "ASC")).upper() == "DESC"))
    limit = raw.get("limit")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        view.limit = limit
    group = raw.get("groupBy")
    if isinstance(group, dict) and group.get("property"):
        prop = group["property"] if isinstance(group["property"], Src) else str(group["property"])
        if _check_property(prop, out, _line_of(group["property"], view.line), f"view {view.name!r}: groupBy"):
            view.group = (prop, str(group.get("direction", "ASC")).upper() == "DESC")
    for key in ("summaries",):
        if raw.get(key):
            out.append(Problem("base-unsupported", f"view {view.name!r}: {key} are not shown",
                               view.line, hint="the rows are shown without them"))
    return view


def _check_property(prop: str, out: list[Problem], line: int, where: str) -> bool:
    if prop in ("file.mtime", "file.ctime"):
        out.append(Problem("base-unsupported", f"{where}: {prop} is not available (a static site "
                           "must not depend on when files were touched); its cells are empty",
                           line, prop.col if isinstance(prop, Src) else 0,
                           hint="use a date property in the front-matter instead"))
        return False
    return True


def _compile(text: str, line: int, out: list[Problem], where: str) -> tuple | None:
    """An expression's tree, or None (with a problem recorded) when it cannot be evaluated."""
    col = text.col if isinstance(text, Src) else 0
    try:
        tree = parse_expr(text)
    except ExprError as exc:
        out.append(Problem("base-unsupported", f"{where}: cannot read {str(text)!r}: {exc}",
                           line, col, UNSUPPORTED_HINT))
        return None
    except Unsupported as exc:
        out.append(Problem("base-unsupported", f"{where}: {str(text)!r}: {exc}", line, col,
                           UNSUPPORTED_HINT))
        return None
    found = problems(tree)
    if uses_file_times(tree):
        found.append("file.mtime and file.ctime are not available (a static site must not "
                     "depend on when files were touched)")
    if found:
        out.append(Problem("base-unsupported", f"{where}: {str(text)!r}: {'; '.join(found)}",
                           line, col, UNSUPPORTED_HINT))
        return None
    return tree


def _compile_filter(node: Any, out: list[Problem], line: int) -> Any:
    """``and``/``or``/``not`` nesting as ("and", [...]); a statement as ("expr", tree or None)."""
    if node is None:
        return None
    if isinstance(node, str):
        return ("expr", _compile(node, _line_of(node, line), out, "filter"), str(node))
    if isinstance(node, dict) and len(node) == 1:
        (key, items), = node.items()
        if key in ("and", "or", "not"):
            items = items if isinstance(items, list) else [items]
            return (key, [_compile_filter(i, out, _line_of(i, line)) for i in items])
    if isinstance(node, bool):
        return ("expr", ("lit", node), str(node).lower())
    out.append(Problem("base-unsupported", "filters: expected a statement or one of and:, or:, "
                       "not: with a list", line, hint="see Bases syntax, Filters"))
    return ("expr", None, "")


def _blocked(node: Any) -> str | None:
    if node is None:
        return None
    if node[0] == "expr":
        return node[2] if node[1] is None else None
    return next((b for b in (_blocked(c) for c in node[1]) if b is not None), None)


def _passes(node: Any, ev: Evaluator, note: Any) -> bool:
    if node is None:
        return True
    kind = node[0]
    if kind == "expr":
        return ev.test(node[1], note)
    results = (_passes(c, ev, note) for c in node[1] if c is not None)
    if kind == "and":
        return all(results)
    if kind == "or":
        return any(results)
    return not any(results)  # not: none of them


# -- a view's rows ---------------------------------------------------------------------------------------

def display_name(base: Base, prop: str) -> str:
    for key in (prop, prop.removeprefix("note.")):
        if key in base.display:
            return base.display[key]
    if not prop.startswith(("note.", "formula.", "file.")) and f"note.{prop}" in base.display:
        return base.display[f"note.{prop}"]
    if prop.startswith("file."):
        return "file " + prop[5:]
    return prop.removeprefix("note.").removeprefix("formula.")


def run_view(base: Base, view: View, index: Any, this_note: Any) -> ViewResult:
    columns = [(p, display_name(base, p)) for p in view.order]
    ev = Evaluator(index, this_note, {k: v for k, v in base.formulas.items() if v is not None})
    blocked = _blocked(base.filters) or _blocked(view.filters)
    if blocked is not None:
        return ViewResult(columns, [], 0, blocked or "a filter")
    notes = [n for _, n in sorted((n.rel, n) for n in index.published.values())]
    rows = [n for n in notes if _passes(base.filters, ev, n) and _passes(view.filters, ev, n)]
    for prop, desc in reversed(view.sort):  # stable sorts, last key first
        rows.sort(key=lambda n, p=prop: sort_key(ev.column(p, n)), reverse=desc)
        if desc:  # empty values stay last
            rows.sort(key=lambda n, p=prop: sort_key(ev.column(p, n))[0] == 9)
    total = len(rows)
    if view.limit is not None:
        rows = rows[:view.limit]
    shown = [Row(n, {p: _cell(ev, p, n) for p, _ in columns}) for n in rows]
    if view.group is None:
        groups = [(None, shown)]
    else:
        prop, desc = view.group
        keyed: dict[Any, tuple[Any, list[Row]]] = {}
        for row in shown:
            value = ev.column(prop, row.note)
            key = sort_key(value)
            keyed.setdefault(key, (value, []))[1].append(row)
        order = sorted(keyed, reverse=desc)
        order.sort(key=lambda k: k[0] == 9)  # the group without a value last
        groups = [keyed[k] for k in order]
    return ViewResult(columns, groups, total, None, ev.names)


def _cell(ev: Evaluator, prop: str, note: Any) -> Any:
    if prop in ("file.mtime", "file.ctime"):
        return None
    return ev.column(prop, note)


def vault_uses_bases(index: Any) -> bool:
    """Whether any published note may show a base (a ``.base`` file in the vault, or a ``base``
    fence written in a note): then rendering needs every note's links (``file.links``)."""
    if any(rel.lower().endswith(".base") for rel in index.attachments):
        return True
    return any("```base" in note.text or "~~~base" in note.text
               for note in index.published.values())
