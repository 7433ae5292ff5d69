"""Evaluating a Bases expression tree (``basesexpr.parse_expr``) for one note of the vault.

Everything comes from the index (front-matter, tags, links, folder, path): nothing from the
filesystem, so the result is the same on every machine.  ``file.mtime`` and ``file.ctime`` are
``None``.  Names looked up (a link's target from the note that wrote it) are collected in ``names``
for the page's recorded dependencies.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
from typing import Any

from generator.basesexpr import (
    FileVal,
    Link,
    Tag,
    Unsupported,
    format_date,
    parse_duration,
    property_value,
    shift,
    to_datetime,
    to_text,
    truthy,
    type_name,
)
from generator.slugs import tag_key


class _Fail(Exception):
    """Evaluation failed (wrong type, missing value): the expression's value is null."""


class Evaluator:
    def __init__(self, index: Any, this_note: Any, formulas: dict[str, tuple] | None = None):
        self.index = index
        self.this = this_note
        self.formulas = formulas or {}
        self.names: set[tuple[str, Any]] = set()
        self._formula_memo: dict[tuple[Any, str], Any] = {}

    # -- entry points -------------------------------------------------------------------------------
    def value(self, tree: tuple, note: Any) -> Any:
        try:
            return self._eval(tree, note, {}, ())
        except (_Fail, TypeError, ValueError, ArithmeticError, AttributeError, IndexError,
                KeyError, OverflowError, RecursionError):
            return None

    def test(self, tree: tuple, note: Any) -> bool:
        return truthy(self.value(tree, note))

    def column(self, prop: str, note: Any) -> Any:
        """The value of a column or sort key written ``status``, ``note.status``, ``file.name``,
        ``formula.x``."""
        head, _, rest = prop.partition(".")
        if head == "file" and rest:
            return self.value(("get", ("name", "file"), rest), note)
        if head == "formula" and rest:
            return self.value(("get", ("name", "formula"), rest), note)
        if head == "note" and rest:
            return self.prop(note, rest)
        return self.prop(note, prop)

    # -- look-ups ---------------------------------------------------------------------------------------
    def prop(self, note: Any, key: str) -> Any:
        meta = note.meta
        if key in meta:
            return property_value(meta[key], note)
        low = key.casefold()
        for k, v in meta.items():
            if k.casefold() == low:
                return property_value(v, note)
        return None

    def resolve(self, link: Link, note: Any) -> Any:
        origin = link.origin or note
        self.names.add((link.target, origin.id))
        res = self.index.resolve(link.target, origin)
        return res.note if res.kind == "note" else None

    def _target(self, value: Any, note: Any) -> Any:
        """The note a file, link or name stands for (or None)."""
        if isinstance(value, FileVal):
            return value.note
        if isinstance(value, Link):
            return self.resolve(value, note)
        if isinstance(value, str):
            return self.resolve(property_value(f"[[{value}]]", note)
                                if "[[" not in value else property_value(value, note), note)
        return None

    def same(self, a: Any, b: Any, note: Any) -> bool:
        if isinstance(a, Link | FileVal) or isinstance(b, Link | FileVal):
            ta, tb = self._target(a, note), self._target(b, note)
            if ta is not None or tb is not None:
                return ta is not None and tb is not None and ta.id == tb.id
            return to_text(a).casefold() == to_text(b).casefold()
        if isinstance(a, dt.date) or isinstance(b, dt.date):
            return to_datetime(a) is not None and to_datetime(a) == to_datetime(b)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(self.same(x, y, note) for x, y in zip(a, b, strict=True))
        if isinstance(a, bool) != isinstance(b, bool):
            return False
        return a == b

    # -- the tree ---------------------------------------------------------------------------------------
    def _eval(self, tree: tuple, note: Any, scope: dict[str, Any], stack: tuple[str, ...]) -> Any:
        kind = tree[0]
        if kind == "lit":
            return tree[1]
        if kind == "name":
            name = tree[1]
            if name in scope:
                return scope[name]
            if name in ("file", "note", "formula", "this"):
                return _Ns(name, note if name != "this" else self.this)
            return self.prop(note, name)
        if kind == "list":
            return [self._eval(t, note, scope, stack) for t in tree[1]]
        if kind == "get":
            return self._get(self._eval(tree[1], note, scope, stack), tree[2], note, stack)
        if kind == "index":
            obj = self._eval(tree[1], note, scope, stack)
            key = self._eval(tree[2], note, scope, stack)
            if isinstance(obj, list) and isinstance(key, int | float):
                i = int(key)
                return obj[i] if -len(obj) <= i < len(obj) else None
            return self._get(obj, to_text(key), note, stack)
        if kind == "un":
            value = self._eval(tree[2], note, scope, stack)
            return (not truthy(value)) if tree[1] == "!" else -_num(value)
        if kind == "bin":
            return self._binary(tree, note, scope, stack)
        if kind == "call":
            return self._call(tree[1], tree[2], note, scope, stack)
        if kind == "method":
            return self._method(tree, note, scope, stack)
        raise _Fail(kind)

    def _binary(self, tree: tuple, note: Any, scope: dict, stack: tuple) -> Any:
        op = tree[1]
        a = self._eval(tree[2], note, scope, stack)
        if op == "&&":
            return self._eval(tree[3], note, scope, stack) if truthy(a) else a
        if op == "||":
            return a if truthy(a) else self._eval(tree[3], note, scope, stack)
        b = self._eval(tree[3], note, scope, stack)
        if op == "==":
            return self.same(a, b, note)
        if op == "!=":
            return not self.same(a, b, note)
        if op in ("<", ">", "<=", ">="):
            pair = _comparable(a, b)
            if pair is None:
                return False
            x, y = pair
            return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
        if op in ("+", "-") and isinstance(a, dt.date):
            if op == "-" and isinstance(b, dt.date):
                return (to_datetime(a) - to_datetime(b)).total_seconds() * 1000
            dur = parse_duration(b) if isinstance(b, str) else None
            if dur is None:
                raise _Fail("not a duration")
            return shift(to_datetime(a), dur, 1 if op == "+" else -1)
        if op == "+" and (isinstance(a, str) or isinstance(b, str)):
            return to_text(a) + to_text(b)
        if op == "+" and isinstance(a, list) and isinstance(b, list):
            return a + b
        x, y = _num(a), _num(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            return x / y if y else math.nan
        if op == "%":
            return math.fmod(x, y) if y else math.nan
        raise _Fail(op)

    def _get(self, obj: Any, name: str, note: Any, stack: tuple) -> Any:
        if isinstance(obj, _Ns):
            if obj.kind == "file":
                return self._file_field(obj.note, name)
            if obj.kind == "formula":
                return self._formula(name, obj.note, stack)
            if obj.kind == "this" and name == "file":
                return _Ns("file", obj.note)
            return self.prop(obj.note, name) if obj.note is not None else None
        if isinstance(obj, FileVal):
            return self._file_field(obj.note, name)
        if name == "length" and isinstance(obj, str | list):
            return len(obj)
        if isinstance(obj, dict):
            return obj.get(name)
        if isinstance(obj, dt.date):
            when = to_datetime(obj)
            fields = {"year": when.year, "month": when.month, "day": when.day, "hour": when.hour,
                      "minute": when.minute, "second": when.second, "millisecond": 0}
            if name in fields:
                return fields[name]
        raise _Fail(name)

    def _file_field(self, note: Any, name: str) -> Any:
        if note is None:
            return None
        rel = note.rel
        base = posixpath.basename(rel)
        if name == "name":
            return base
        if name == "basename":
            return base.rsplit(".", 1)[0] if "." in base else base
        if name == "path":
            return rel
        if name == "folder":
            return note.folder or "/"
        if name == "ext":
            return base.rsplit(".", 1)[-1] if "." in base else ""
        if name == "size":
            return note.source.size
        if name == "tags":
            return [Tag(t) for t in note.tags]
        if name in ("links", "embeds"):
            want = name == "embeds"
            return list(dict.fromkeys(Link(ref.target, None, note) for ref in self._links(note)
                                      if ref.target and ref.embed == want))
        if name == "backlinks":
            return [FileVal(self.index.notes[s]) for s in sorted(self.index.backlinks.get(note.id, ()))
                    if s in self.index.published]
        if name == "properties":
            return dict(note.meta)
        if name == "file":
            return FileVal(note)
        if name in ("mtime", "ctime"):
            return None
        raise _Fail(name)

    def _links(self, note: Any) -> list:
        """The links ``note`` writes, an ``obsidian://open`` link to a note of this vault as the
        link to that note (the index counts it as a backlink, Obsidian as a link); one that opens
        something else links nothing here."""
        refs = (self.index.vault_link(note, ref, []) for ref in note.links)
        return [ref for ref in refs if ref is not None]

    def _formula(self, name: str, note: Any, stack: tuple) -> Any:
        tree = self.formulas.get(name)
        if tree is None or name in stack:
            return None
        key = (note.id if note is not None else None, name)
        if key not in self._formula_memo:
            try:
                self._formula_memo[key] = self._eval(tree, note, {}, (*stack, name))
            except (_Fail, TypeError, ValueError, ArithmeticError, AttributeError, IndexError,
                    KeyError, OverflowError):
                self._formula_memo[key] = None
        return self._formula_memo[key]

    # -- functions --------------------------------------------------------------------------------------
    def _call(self, name: str, args: list, note: Any, scope: dict, stack: tuple) -> Any:
        if name == "if":
            cond = self._eval(args[0], note, scope, stack)
            if truthy(cond):
                return self._eval(args[1], note, scope, stack)
            return self._eval(args[2], note, scope, stack) if len(args) > 2 else None
        vals = [self._eval(a, note, scope, stack) for a in args]
        if name == "date":
            when = to_datetime(vals[0])
            if when is None:
                raise _Fail("not a date")
            return when
        if name == "link":
            target = vals[0]
            if isinstance(target, FileVal):
                return Link(target.note.id, to_text(vals[1]) if len(vals) > 1 else None, target.note)
            text = to_text(target)
            if text.startswith("[["):
                text = text.strip("[]").split("|", 1)[0]
            return Link(text, to_text(vals[1]) if len(vals) > 1 else None, note)
        if name == "file":
            found = self._target(vals[0], note)
            return FileVal(found) if found is not None else None
        if name == "list":
            return vals[0] if isinstance(vals[0], list) else [vals[0]]
        if name == "number":
            value = vals[0]
            if isinstance(value, dt.date):
                return (to_datetime(value) - dt.datetime(1970, 1, 1)).total_seconds() * 1000
            return _num(value)
        if name in ("max", "min"):
            nums = [_num(v) for v in vals]
            return (max if name == "max" else min)(nums) if nums else None
        if name == "duration":
            return to_text(vals[0])
        raise Unsupported(f"the function {name}() is not supported")

    def _method(self, tree: tuple, note: Any, scope: dict, stack: tuple) -> Any:
        name, arg_trees = tree[2], tree[3]
        obj = self._eval(tree[1], note, scope, stack)
        if name in ("filter", "map") and isinstance(obj, list):
            out = []
            for i, item in enumerate(obj):
                value = self._eval(arg_trees[0], note, {**scope, "value": item, "index": i}, stack)
                if name == "map":
                    out.append(value)
                elif truthy(value):
                    out.append(item)
            return out
        args = [self._eval(a, note, scope, stack) for a in arg_trees]
        if isinstance(obj, _Ns) and obj.kind in ("file", "this"):
            return self._file_method(obj.note, name, args, note)
        if isinstance(obj, FileVal):
            return self._file_method(obj.note, name, args, note)
        return _value_method(self, obj, name, args, note)

    def _file_method(self, subject: Any, name: str, args: list, note: Any) -> Any:
        if subject is None:
            return None
        if name == "hasTag":
            wanted = [tag_key(to_text(a).lstrip("#")) for a in args]
            have = [tag_key(t) for t in subject.tags]
            return any(t == w or t.startswith(w + "/") for w in wanted for t in have)
        if name == "inFolder":
            folder = to_text(args[0]).strip("/")
            return not folder or subject.folder == folder or subject.folder.startswith(folder + "/")
        if name == "hasLink":
            target = self._target(args[0], note) if args else None
            return target is not None and subject.id in self.index.backlinks.get(target.id, ())
        if name == "hasProperty":
            key = to_text(args[0]).casefold()
            return any(k.casefold() == key for k in subject.meta)
        if name == "asLink":
            return Link(subject.id, to_text(args[0]) if args else None, subject)
        return _value_method(self, FileVal(subject), name, args, note)


class _Ns:
    """``file``, ``note``, ``formula`` and ``this`` before a field is taken of them."""

    __slots__ = ("kind", "note")

    def __init__(self, kind: str, note: Any):
        self.kind, self.note = kind, note


def _num(value: Any) -> float:
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value or "e" in value.lower() else int(value)
        except ValueError:
            raise _Fail("not a number") from None
    raise _Fail("not a number")


def _comparable(a: Any, b: Any) -> tuple[Any, Any] | None:
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        x, y = to_datetime(a), to_datetime(b)
        return (x, y) if x is not None and y is not None else None
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a, b
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    if isinstance(a, int | float) and isinstance(b, str) or isinstance(a, str) and isinstance(b, int | float):
        try:
            return _num(a), _num(b)
        except _Fail:
            return None
    return None


def _contains(ev: Evaluator, obj: Any, item: Any, note: Any) -> bool:
    if isinstance(obj, str):
        return to_text(item) in obj
    if isinstance(obj, list):
        if isinstance(item, str) and obj and all(isinstance(x, Tag) for x in obj):
            item = item.lstrip("#")
            return any(x.casefold() == item.casefold() for x in obj)
        return any(ev.same(x, item, note) for x in obj)
    if isinstance(obj, Link):
        return to_text(item) in obj.target
    return False


def _value_method(ev: Evaluator, obj: Any, name: str, args: list, note: Any) -> Any:
    if name == "isEmpty":
        return obj is None or (isinstance(obj, str | list | dict) and len(obj) == 0)
    if name == "isTruthy":
        return truthy(obj)
    if name == "isType":
        return type_name(obj) == to_text(args[0]).lower()
    if name == "toString":
        return to_text(obj)
    if obj is None:
        return None
    if name == "contains":
        return _contains(ev, obj, args[0], note)
    if name == "containsAll":
        return all(_contains(ev, obj, a, note) for a in args)
    if name == "containsAny":
        return any(_contains(ev, obj, a, note) for a in args)
    if isinstance(obj, Link):
        if name == "asFile":
            found = ev.resolve(obj, note)
            return FileVal(found) if found is not None else None
        if name == "linksTo":
            src = ev.resolve(obj, note)
            dst = ev._target(args[0], note)
            return bool(src and dst and src.id in ev.index.backlinks.get(dst.id, ()))
        obj = to_text(obj)
    if isinstance(obj, str):
        return _string_method(obj, name, args)
    if isinstance(obj, list):
        return _list_method(obj, name, args)
    if isinstance(obj, bool):
        raise _Fail(name)
    if isinstance(obj, int | float):
        return _number_method(obj, name, args)
    if isinstance(obj, dt.date):
        when = to_datetime(obj)
        if name == "format":
            return format_date(when, to_text(args[0]) if args else "YYYY-MM-DD")
        if name == "date":
            return dt.datetime(when.year, when.month, when.day)
        if name == "time":
            return when.strftime("%H:%M:%S")
    if isinstance(obj, dict):
        if name == "keys":
            return list(obj)
        if name == "values":
            return list(obj.values())
    raise _Fail(name)


def _string_method(s: str, name: str, args: list) -> Any:
    a = [to_text(x) if isinstance(x, str | Link) else x for x in args]
    simple = {"startsWith": lambda: s.startswith(a[0]), "endsWith": lambda: s.endswith(a[0]),
              "lower": s.lower, "upper": s.upper, "trim": s.strip,
              "title": lambda: " ".join(w[:1].upper() + w[1:] for w in s.split(" ")),
              "reverse": lambda: s[::-1], "repeat": lambda: s * int(_num(a[0])),
              "replace": lambda: s.replace(a[0], a[1]),
              "slice": lambda: s[int(_num(a[0])):(int(_num(a[1])) if len(a) > 1 else None)],
              "split": lambda: s.split(a[0])[:int(_num(a[1])) if len(a) > 1 else None]}
    if name in simple:
        return simple[name]()
    raise _Fail(name)


def _list_method(items: list, name: str, args: list) -> Any:
    if name == "join":
        return (to_text(args[0]) if args else ",").join(to_text(x) for x in items)
    if name == "unique":
        out: list = []
        for x in items:
            if x not in out:
                out.append(x)
        return out
    if name == "reverse":
        return items[::-1]
    if name == "sort":
        return sorted(items, key=sort_key)
    if name == "flat":
        return [y for x in items for y in (x if isinstance(x, list) else [x])]
    if name == "slice":
        return items[int(_num(args[0])):(int(_num(args[1])) if len(args) > 1 else None)]
    raise _Fail(name)


def _number_method(x: float, name: str, args: list) -> Any:
    if name == "abs":
        return abs(x)
    if name == "ceil":
        return math.ceil(x)
    if name == "floor":
        return math.floor(x)
    if name == "round":
        digits = int(_num(args[0])) if args else 0
        scaled = math.floor(x * 10 ** digits + 0.5) / 10 ** digits  # JS rounds halves up
        return int(scaled) if digits == 0 else scaled
    if name == "toFixed":
        return f"{x:.{int(_num(args[0])) if args else 0}f}"
    raise _Fail(name)


def sort_key(value: Any) -> tuple:
    """An order over any values: empty last; numbers, dates, then text (case-insensitive)."""
    if value is None or value == "" or value == []:
        return (9,)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, dt.date):
        return (1, to_datetime(value))
    if isinstance(value, list):
        return (3, tuple(sort_key(v) for v in value))
    text = to_text(value)
    return (2, text.casefold(), text)
