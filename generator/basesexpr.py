"""The expression language of Obsidian Bases (filters and formulas), the deterministic subset.

``parse_expr(text)`` turns ``file.hasTag("book") && status != "done"`` into a small tree of tuples;
``problems(tree)`` names what in it vaultsite does not evaluate (``now()``, regular expressions…);
``Evaluator`` evaluates a tree for one note.  Values are plain Python (``None``, ``bool``, ``int``,
``float``, ``str``, ``list``, ``dict``, ``datetime``), plus ``Link``, ``FileVal`` and ``Tag``.
Semantics follow the JavaScript behaviour the Obsidian docs describe: a failed evaluation (a method
of the wrong type, a missing property) is ``None``, which is falsy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from generator.markdown.wikilinks import split_wikilink


class ExprError(Exception):
    """An expression that cannot be read (syntax), with the column where reading stopped."""

    def __init__(self, message: str, col: int = 0):
        super().__init__(message)
        self.col = col


class Unsupported(Exception):
    """Something the expression uses that vaultsite does not evaluate."""


@dataclass(frozen=True)
class Link:
    target: str  # as written in [[...]] or link("..."): a name or path
    display: str | None = None
    origin: Any = field(default=None, compare=False)  # the note whose property holds it


@dataclass(frozen=True, eq=False)
class FileVal:
    note: Any  # a generator.model.Note


class Tag(str):
    """A tag of ``file.tags`` (shown as a tag link)."""


_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[^\W\d][\w]*)
  | (?P<op>==|!=|>=|<=|&&|\|\||[-+*/%<>!().,\[\]{}:])
)""", re.VERBOSE)

_BINARY = [("||",), ("&&",), ("==", "!="), (">", "<", ">=", "<="), ("+", "-"), ("*", "/", "%")]

#: Functions called without a value, and methods, that ``Evaluator`` implements.
GLOBALS = frozenset({"date", "link", "list", "if", "number", "max", "min", "file", "duration"})
METHODS = frozenset({
    # any
    "isTruthy", "isType", "toString", "isEmpty",
    # string
    "contains", "containsAll", "containsAny", "startsWith", "endsWith", "lower", "upper", "title",
    "trim", "replace", "repeat", "reverse", "slice", "split",
    # number
    "abs", "ceil", "floor", "round", "toFixed",
    # list
    "join", "unique", "sort", "flat", "filter", "map",
    # date
    "format", "date", "time",
    # file and link
    "hasTag", "inFolder", "hasLink", "hasProperty", "asLink", "asFile", "linksTo",
    # object
    "keys", "values",
})
#: What the docs offer that a static site built on any machine, any day, cannot show the same.
_CLOCK = {"now": "now() is the time of the build", "today": "today() is the day of the build",
          "random": "random() changes at every build"}
_TIME_FIELDS = frozenset({"mtime", "ctime"})


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def tokenize(text: str) -> list[tuple[str, Any, int]]:
    out: list[tuple[str, Any, int]] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            col = len(text) - len(text[pos:].lstrip())
            raise ExprError(f"unexpected {text[col]!r}", col)
        kind = m.lastgroup or ""
        raw = m.group(kind)
        value: Any = raw
        if kind == "num":
            value = float(raw) if "." in raw else int(raw)
        elif kind == "str":
            value = _unquote(raw)
        out.append((kind, value, m.start(kind)))
        pos = m.end()
    out.append(("end", None, len(text)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, value: str | None = None) -> bool:
        kind, val, _ = self.toks[self.i]
        return kind == "op" and (value is None or val == value)

    def take(self, value: str) -> None:
        kind, val, col = self.toks[self.i]
        if kind != "op" or val != value:
            raise ExprError(f"expected {value!r}" + (" at the end" if kind == "end" else
                                                     f" before {val!r}"), col)
        self.i += 1

    def parse(self) -> tuple:
        tree = self.binary(0)
        kind, val, col = self.toks[self.i]
        if kind != "end":
            raise ExprError(f"unexpected {val!r}", col)
        return tree

    def binary(self, level: int) -> tuple:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.toks[self.i][0] == "op" and self.toks[self.i][1] in _BINARY[level]:
            op = self.toks[self.i][1]
            self.i += 1
            left = ("bin", op, left, self.binary(level + 1))
        return left

    def unary(self) -> tuple:
        if self.peek("!") or self.peek("-"):
            op = self.toks[self.i][1]
            self.i += 1
            return ("un", op, self.unary())
        return self.postfix(self.primary())

    def args(self) -> list[tuple]:
        self.take("(")
        out = []
        while not self.peek(")"):
            out.append(self.binary(0))
            if not self.peek(")"):
                self.take(",")
        self.take(")")
        return out

    def postfix(self, node: tuple) -> tuple:
        while True:
            if self.peek("."):
                self.i += 1
                kind, name, col = self.toks[self.i]
                if kind != "name":
                    raise ExprError("expected a name after '.'", col)
                self.i += 1
                node = ("method", node, name, self.args()) if self.peek("(") else ("get", node, name)
            elif self.peek("["):
                self.i += 1
                key = self.binary(0)
                self.take("]")
                node = ("index", node, key)
            else:
                return node

    def primary(self) -> tuple:
        kind, val, col = self.toks[self.i]
        self.i += 1
        if kind in ("num", "str"):
            return ("lit", val)
        if kind == "name":
            if val in ("true", "false"):
                return ("lit", val == "true")
            if val in ("null", "undefined"):
                return ("lit", None)
            if self.peek("("):
                return ("call", val, self.args())
            return ("name", val)
        if kind == "op" and val == "(":
            inner = self.binary(0)
            self.take(")")
            return inner
        if kind == "op" and val == "[":
            items = []
            while not self.peek("]"):
                items.append(self.binary(0))
                if not self.peek("]"):
                    self.take(",")
            self.take("]")
            return ("list", items)
        if kind == "op" and val == "/":
            raise Unsupported("regular expressions (/…/) are not supported")
        if kind == "op" and val == "{":
            raise Unsupported("object literals ({…}) are not supported")
        raise ExprError("unexpected end" if kind == "end" else f"unexpected {val!r}", col)


def parse_expr(text: str) -> tuple:
    """The tree of an expression; raises ``ExprError`` (syntax) or ``Unsupported``."""
    return _Parser(str(text)).parse()


def problems(tree: tuple) -> list[str]:
    """What in ``tree`` vaultsite does not evaluate, as reasons for a reader."""
    found: list[str] = []
    _walk_problems(tree, found)
    return list(dict.fromkeys(found))


def uses_file_times(tree: tuple) -> bool:
    if tree[0] == "get" and tree[2] in _TIME_FIELDS and tree[1] == ("name", "file"):
        return True
    return any(isinstance(part, tuple) and uses_file_times(part) for part in _children(tree))


def _children(tree: tuple):
    for part in tree[1:]:
        if isinstance(part, tuple):
            yield part
        elif isinstance(part, list):
            yield from (p for p in part if isinstance(p, tuple))


def _walk_problems(tree: tuple, found: list[str]) -> None:
    if tree[0] == "call" and tree[1] not in GLOBALS:
        found.append(_CLOCK.get(tree[1], f"the function {tree[1]}() is not supported"))
    if tree[0] == "method" and tree[2] not in METHODS:
        found.append(f"the method .{tree[2]}() is not supported")
    if tree[0] == "name" and tree[1] in ("values",):
        found.append("summaries (values) are not supported")
    for part in _children(tree):
        _walk_problems(part, found)


# -- values ------------------------------------------------------------------------------------------

_WIKILINK = re.compile(r"^\s*!?\[\[([^\]]+)\]\]\s*$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_DURATION = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")
_UNITS = {"y": "years", "year": "years", "years": "years", "M": "months", "month": "months",
          "months": "months", "d": "days", "day": "days", "days": "days", "w": "weeks",
          "week": "weeks", "weeks": "weeks", "h": "hours", "hour": "hours", "hours": "hours",
          "m": "minutes", "minute": "minutes", "minutes": "minutes", "s": "seconds",
          "second": "seconds", "seconds": "seconds"}


def property_value(value: Any, origin: Any) -> Any:
    """A front-matter value as Bases sees it: ``"[[Note]]"`` strings are links."""
    if isinstance(value, str):
        m = _WIKILINK.match(value)
        if m:
            parts = split_wikilink(m.group(1))
            return Link(m.group(1).split("|", 1)[0].strip() if parts["target"] else m.group(1),
                        parts["alias"], origin)
        return value
    if isinstance(value, list):
        return [property_value(v, origin) for v in value]
    return value


def to_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        m = _DATE.match(value.strip())
        if m:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
            try:
                return dt.datetime(y, mo, d, h, mi, s)
            except ValueError:
                return None
    return None


def parse_duration(text: str) -> dict[str, float] | None:
    out: dict[str, float] = {}
    pos = 0
    while pos < len(text):
        m = _DURATION.match(text, pos)
        if m is None or m.group(2) not in _UNITS and m.group(2).lower() not in _UNITS:
            return None
        unit = _UNITS.get(m.group(2)) or _UNITS[m.group(2).lower()]
        out[unit] = out.get(unit, 0) + float(m.group(1))
        pos = m.end()
    return out or None


def shift(when: dt.datetime, dur: dict[str, float], sign: int) -> dt.datetime:
    months = int(dur.get("years", 0) * 12 + dur.get("months", 0)) * sign
    if months:
        y, m = divmod(when.month - 1 + months, 12)
        year, month = when.year + y, m + 1
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        when = when.replace(year=year, month=month, day=min(when.day, last))
    return when + sign * dt.timedelta(weeks=dur.get("weeks", 0), days=dur.get("days", 0),
                                      hours=dur.get("hours", 0), minutes=dur.get("minutes", 0),
                                      seconds=dur.get("seconds", 0))


def truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value is not None and value is not False and value != 0 and value != ""


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, Link):
        return "link"
    if isinstance(value, FileVal):
        return "file"
    return "object"


def to_text(value: Any) -> str:
    """A value as ``toString()`` and string concatenation write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else \
            value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(to_text(v) for v in value)
    if isinstance(value, Link):
        return value.display or value.target
    if isinstance(value, FileVal):
        return value.note.rel
    return str(value)


def format_date(when: dt.datetime, fmt: str) -> str:
    """Moment.js tokens: YYYY YY MMMM MMM MM M DD D HH H mm ss."""
    table = {"YYYY": f"{when.year:04d}", "YY": f"{when.year % 100:02d}",
             "MMMM": when.strftime("%B"), "MMM": when.strftime("%b"), "MM": f"{when.month:02d}",
             "M": str(when.month), "DD": f"{when.day:02d}", "D": str(when.day),
             "HH": f"{when.hour:02d}", "H": str(when.hour), "mm": f"{when.minute:02d}",
             "ss": f"{when.second:02d}"}
    return re.sub(r"YYYY|YY|MMMM|MMM|MM|M|DD|D|HH|H|mm|ss", lambda m: table[m.group(0)], fmt)
