"""Dataview queries (```` ```dataview ````) computed at build time: an exact subset of DQL.

``parse_query(text)`` reads a query into a ``Query``; ``run_query(query, index, this_note)`` gives
the rows.  Both raise ``Unsupported`` (with the reason) on anything outside the subset, and so does
evaluation on any value whose Dataview semantics are not reproduced exactly (values of different
types compared, a field given twice, strings whose collation order is not known, a date with a
time): the query is then shown as written, never as a table that may differ from Dataview's.

The subset, clauses in this order, each at most once (keywords in any case):

    LIST [WITHOUT ID] [field] | TABLE [WITHOUT ID] field [AS "Label"], ...
    FROM #tag | "folder" | [[note]]   (joined by and / or, negated by - or !, in parentheses)
    WHERE field | !field | field (= != < > <= >=) literal | contains(field, literal)
          (joined by and / or, negated by !, in parentheses)
    SORT field [ASC | DESC], ...
    LIMIT n

A field is a property (front-matter, or a Dataview inline field of the note; as written, or as
Dataview sanitises its name: ``Due Date`` is ``due-date``), or ``file.name``, ``file.path``,
``file.folder``, ``file.link``.  A literal is a "string", a number, ``true``, ``false``, ``null`` or
``date(2024-01-31)`` or ``this.field`` (of the note showing the query).  Only published notes are
rows; with no SORT they come in path order.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from generator.markdown.inlinefields import norm_key
from generator.slugs import tag_key


class Unsupported(Exception):
    """The query, or a value it meets, is outside what is computed exactly."""


@dataclass(frozen=True)
class Field:
    path: str  # "status", "file.name"


@dataclass(frozen=True)
class This:
    """A field of the note showing the query, as a value (``this.file.name``)."""

    field: Field


@dataclass
class Query:
    kind: str  # "list" | "table"
    without_id: bool = False
    columns: list[tuple[Field, str]] = field(default_factory=list)  # (field, label)
    source: Any = None  # ("tag", t) | ("folder", f) | ("link", target) | ("and"|"or", a, b) | ("not", a)
    where: Any = None  # ("field", Field) | ("cmp", op, Field, value) | ("contains", Field, value)
    sort: list[tuple[Field, bool]] = field(default_factory=list)  # (field, descending)
    limit: int | None = None


# -- reading ------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<link>\[\[[^\]\n]*\]\])
  | (?P<tag>\#[^\s,()"\[\]]+)
  | (?P<date>date\(\s*\d{4}-\d{2}-\d{2}\s*\))
  | (?P<number>-?\d+(?:\.\d+)?(?![\w-]))
  | (?P<name>[^\W\d][\w-]*(?:\.[^\W\d][\w-]*)*)
  | (?P<op>!=|<=|>=|=|<|>|\(|\)|,|-|!)
""", re.VERBOSE | re.IGNORECASE)

_FILE_FIELDS = ("file.name", "file.path", "file.folder", "file.link")
_KEYWORDS = ("from", "where", "sort", "limit", "group", "flatten", "and", "or", "as", "asc",
             "desc", "ascending", "descending")


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise Unsupported(f"cannot read {text[pos:pos + 12]!r}")
        pos = m.end()
        if m.lastgroup != "ws":
            out.append((m.lastgroup or "", m.group()))
    return out


class _Reader:
    def __init__(self, text: str):
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, *words: str) -> bool:
        if self.i >= len(self.toks):
            return False
        kind, text = self.toks[self.i]
        return text.lower() in words if kind in ("name", "op") else False

    def take(self, *words: str) -> str:
        if not self.peek(*words):
            raise Unsupported(f"expected {' or '.join(w.upper() for w in words)}")
        self.i += 1
        return self.toks[self.i - 1][1]

    def next(self) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise Unsupported("the query ends early")
        self.i += 1
        return self.toks[self.i - 1]

    def done(self) -> bool:
        return self.i >= len(self.toks)


def _without_id(r: _Reader) -> bool:
    """``WITHOUT ID`` after ``LIST`` or ``TABLE`` (taken when there)."""
    if not r.peek("without"):
        return False
    r.take("without")
    r.take("id")
    return True


def parse_query(text: str) -> Query:
    r = _Reader(text)
    if r.peek("list"):
        r.take("list")
        q = Query("list")
        q.without_id = _without_id(r)
        if not r.done() and not r.peek(*_KEYWORDS):  # ``LIST author``: "Note: its author"
            col = _field(r)
            q.columns.append((col, col.path))
    elif r.peek("table"):
        r.take("table")
        q = Query("table")
        q.without_id = _without_id(r)
        if not r.done() and not r.peek(*_KEYWORDS):
            while True:
                col = _field(r)
                label = col.path
                if r.peek("as"):
                    r.take("as")
                    kind, word = r.next()
                    if kind == "string":
                        label = _unquote(word)
                    elif kind == "name":
                        label = word
                    else:
                        raise Unsupported("a column name after AS")
                q.columns.append((col, label))
                if not r.peek(","):
                    break
                r.take(",")
    else:
        raise Unsupported("only LIST and TABLE queries are computed (not TASK or CALENDAR)")
    if q.kind == "list" and not r.done() and not r.peek(*_KEYWORDS):
        raise Unsupported("LIST with an expression")
    if q.kind == "list" and q.without_id and not q.columns:
        raise Unsupported("LIST WITHOUT ID with nothing to list")
    if r.peek("from"):
        r.take("from")
        q.source = _source_or(r)
    if r.peek("where"):
        r.take("where")
        q.where = _cond_or(r)
    if r.peek("sort"):
        r.take("sort")
        while True:
            key = _field(r)
            desc = False
            if r.peek("asc", "ascending", "desc", "descending"):
                desc = r.take("asc", "ascending", "desc", "descending").lower().startswith("desc")
            q.sort.append((key, desc))
            if not r.peek(","):
                break
            r.take(",")
    if r.peek("limit"):
        r.take("limit")
        kind, word = r.next()
        if kind != "number" or not word.isdigit():
            raise Unsupported("LIMIT takes a whole number")
        q.limit = int(word)
    if not r.done():
        raise Unsupported(f"{r.toks[r.i][1]!r} here (clauses are computed once each, in the "
                          "order FROM, WHERE, SORT, LIMIT)")
    return q


def _unquote(word: str) -> str:
    return re.sub(r"\\(.)", r"\1", word[1:-1])


def _field(r: _Reader) -> Field:
    kind, word = r.next()
    if kind != "name" or word.lower() in _KEYWORDS:
        raise Unsupported(f"{word!r} where a field was expected")
    if word.startswith("file.") and word not in _FILE_FIELDS:
        raise Unsupported(f"the field {word} (computed: {', '.join(_FILE_FIELDS)})")
    if "." in word and not word.startswith("file."):
        raise Unsupported(f"the field {word} (a field inside a field)")
    if r.peek("("):
        raise Unsupported(f"the function {word}()")
    return Field(word)


def _chain(r: _Reader, op: str, operand: Any) -> Any:
    """``operand (op operand)*`` as a left-leaning tree of ``(op, left, right)``."""
    node = operand(r)
    while r.peek(op):
        r.take(op)
        node = (op, node, operand(r))
    return node


def _source_or(r: _Reader) -> Any:
    return _chain(r, "or", _source_and)


def _source_and(r: _Reader) -> Any:
    return _chain(r, "and", _source_atom)


def _source_atom(r: _Reader) -> Any:
    if r.peek("-", "!"):
        r.next()
        return ("not", _source_atom(r))
    if r.peek("("):
        r.take("(")
        node = _source_or(r)
        r.take(")")
        return node
    kind, word = r.next()
    if kind == "tag":
        return ("tag", word[1:])
    if kind == "string":
        return ("folder", _unquote(word).strip("/"))
    if kind == "link":
        return ("link", word[2:-2].split("|", 1)[0])
    raise Unsupported(f"the source {word!r} (computed: #tag, \"folder\", [[note]])")


def _cond_or(r: _Reader) -> Any:
    return _chain(r, "or", _cond_and)


def _cond_and(r: _Reader) -> Any:
    return _chain(r, "and", _cond_not)


def _cond_not(r: _Reader) -> Any:
    if r.peek("!"):
        r.take("!")
        grouped = r.peek("(")
        node = _cond_not(r)
        if node[0] == "cmp" and not grouped:  # Dataview reads ``!a = b`` as ``(!a) = b``
            raise Unsupported("a comparison with a negated field (write !(a = b))")
        return ("not", node)
    if r.peek("("):
        r.take("(")
        node = _cond_or(r)
        r.take(")")
        return node
    if r.peek("contains"):
        r.take("contains")
        r.take("(")
        subject = _field(r)
        r.take(",")
        value = _literal(r)
        r.take(")")
        return ("contains", subject, value)
    subject = _field(r)
    if r.peek("=", "!=", "<", ">", "<=", ">="):
        op = r.take("=", "!=", "<", ">", "<=", ">=")
        return ("cmp", op, subject, _literal(r))
    return ("field", subject)


def _literal(r: _Reader) -> Any:
    kind, word = r.next()
    if kind == "string":
        return _unquote(word)
    if kind == "number":
        return float(word) if "." in word else int(word)
    if kind == "date":
        return dt.date.fromisoformat(word[5:-1].strip())
    if kind == "name" and word.lower() in ("true", "false"):
        return word.lower() == "true"
    if kind == "name" and word.lower() == "null":
        return None
    if kind == "name" and word.startswith("this.") and len(word) > 5:
        r.i -= 1
        r.toks[r.i] = ("name", word[5:])
        return This(_field(r))  # the note showing the query: ``file.path != this.file.path``
    raise Unsupported(f"{word!r} where a literal value was expected (a field compared to a "
                      "field, or an expression)")


# -- values -----------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@functools.lru_cache(maxsize=4096)
def canonical(key: str) -> str:
    """Dataview's sanitised field name: ``Due Date`` -> ``due-date``, markup dropped (the name a
    field's page markup carries too: ``inlinefields.norm_key``)."""
    return norm_key(key)


def _from_yaml(value: Any, note: Any) -> Any:
    """A front-matter value as Dataview holds it (a ``[[link]]`` or ISO date string parsed)."""
    from generator.basesexpr import Link  # (imported here: basesexpr imports the markdown package)

    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        raise Unsupported("a date with a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[[") and text.endswith("]]") and text.count("[[") == 1:
            target, _, display = text[2:-2].partition("|")
            return Link(target.strip(), display.strip() or None, note)
        if _ISO_TIME.match(text):
            raise Unsupported("a date with a time")
        if _ISO_DATE.fullmatch(text):
            return _date(text)
        return value
    if isinstance(value, list):
        return [_from_yaml(v, note) for v in value]
    raise Unsupported("an object value")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Unsupported(f"the date {text!r}") from None


def _from_inline(text: str | None) -> Any:
    """An inline field's value text as Dataview parses it; more than plain text is not read."""
    if text is None:
        raise Unsupported("an inline field whose value holds a link or markup")
    text = text.strip()
    if not text:
        return None
    if "," in text or re.match(r"\d+\s*[a-z]", text, re.IGNORECASE):
        raise Unsupported("an inline field value that may be a list or a duration")
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _ISO_TIME.match(text):
        raise Unsupported("a date with a time")
    if _ISO_DATE.fullmatch(text):
        return _date(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def field_value(f: Field, note: Any, index: Any) -> Any:
    from generator.basesexpr import Link

    path = f.path
    if path.startswith("file."):
        name = path[5:]
        if name == "name":
            return note.stem
        if name == "path":
            return note.rel
        if name == "folder":
            return note.folder
        return Link(note.rel, note.stem, note)  # file.link
    want = path
    meta, fields = _named(note)
    found = [_from_yaml(v, note) for v in meta.get(want, ())]
    inline = fields.get(want, [])
    if written_keys(note).get(canonical(want), 0) > len(inline):
        # ``key::`` written where no field was read (a table, a heading, no space after ``::``)
        raise Unsupported(f"the field {want!r} as {note.rel} writes it")
    found += [_from_inline(text) for text in inline]
    if len(found) > 1:
        raise Unsupported(f"the field {want!r} given more than once in {note.rel}")
    return found[0] if found else None


def _named(note: Any) -> tuple[dict[str, list], dict[str, list]]:
    """The note's front-matter values and inline field texts by every name a query may give
    them (as written, and sanitised), made once per note: a query looks at every note."""
    named = note.__dict__.get("_dv_named")
    if named is None:
        meta: dict[str, list] = {}
        for k, v in note.meta.items():
            if isinstance(k, str):
                for name in dict.fromkeys((k, canonical(k))):
                    meta.setdefault(name, []).append(v)
        fields: dict[str, list] = {}
        for k, text in note.fields:
            for name in dict.fromkeys((k, canonical(k))):
                fields.setdefault(name, []).append(text)
        named = note.__dict__["_dv_named"] = (meta, fields)
    return named


def written_keys(note: Any) -> dict[str, int]:
    """How often each name is written before a ``::`` in the note, sanitised: at least as often
    as Dataview reads it as a field (also in a table, a heading, code, ``key::value``).  One
    look back from each ``::``, at most 200 characters: linear in the note's length."""
    keys = note.__dict__.get("_dv_keys")
    if keys is None:
        keys = {}
        text = note.text
        pos, line_start, seen = text.find("::"), 0, 0
        while pos >= 0:
            newline = text.rfind("\n", seen, pos)  # only what lies since the last ``::``
            line_start, seen = (newline + 1 if newline >= 0 else line_start), pos
            seg = text[max(line_start, pos - 200):pos]
            seg = seg.rstrip(" \t").rstrip("*_~`")
            i = len(seg)
            while i and (seg[i - 1].isalnum() or seg[i - 1] in " \t/-_"):
                i -= 1
            run = seg[i:]
            first = next((k for k, c in enumerate(run) if c.isalpha()), None)
            if first is not None:
                key = canonical(run[first:])
                keys[key] = keys.get(key, 0) + 1
            pos = text.find("::", pos + 2)
        note.__dict__["_dv_keys"] = keys
    return keys


# -- comparing, as Dataview's compareValue -----------------------------------------------------------------

#: ICU's root order (JavaScript's localeCompare) of the characters whose place is known here:
#: white space, then this punctuation in this order, then digits, then letters (case apart).
_PUNCT = "_-,;:!?.'()"


def _string_key(s: str) -> tuple:
    primary, tertiary = [], []
    for ch in s:
        if ch == " ":
            primary.append((0, 0))
        elif ch in _PUNCT:
            primary.append((1, _PUNCT.index(ch)))
        elif ch.isascii() and ch.isdigit():
            primary.append((2, ord(ch)))
        elif ch.isascii() and ch.isalpha():
            primary.append((3, ord(ch.lower())))
        else:
            raise Unsupported(f"the order of {s!r} (only plain ASCII text is sorted as Dataview does)")
        tertiary.append(ch.isupper())  # lower case first
    return (primary, tertiary)


_KINDS = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string",
          dt.date: "date", list: "list"}


def _kind(v: Any) -> str:
    kind = _KINDS.get(type(v))
    if kind is not None:
        return kind
    if isinstance(v, str):
        return "string"
    if isinstance(v, dt.date):
        return "date"
    if isinstance(v, list):
        return "list"
    return "link"


def compare(a: Any, b: Any, ordered: bool) -> int:
    """-1, 0, 1 as Dataview orders ``a`` and ``b`` (null first); ``ordered``: the order matters,
    not only equality."""
    ka, kb = _kind(a), _kind(b)
    if ka == "null" or kb == "null":
        return (ka != "null") - (kb != "null")
    if ka != kb:
        raise Unsupported(f"a {ka} compared with a {kb}")
    if ka in ("number", "boolean", "date"):
        return (a > b) - (a < b)
    if ka == "string":
        if a == b:
            return 0
        if not ordered:
            return 1
        x, y = _string_key(a), _string_key(b)
        return (x > y) - (x < y)
    if ka == "list":
        for x, y in zip(a, b, strict=False):
            c = compare(x, y, ordered)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    raise Unsupported("links compared")


def truthy(v: Any) -> bool:
    if isinstance(v, str | list):
        return len(v) > 0
    return v is not None and v is not False and v != 0


# -- running -------------------------------------------------------------------------------------------------

@dataclass
class Result:
    columns: list[str]  # the labels (after the file column, unless WITHOUT ID)
    rows: list[tuple[Any, list[Any]]]  # (note, column values)
    names: set = field(default_factory=set)  # (link target, note id) looked up


def _sources(node: Any, notes: list, index: Any, this: Any, names: set) -> set:
    kind = node[0]
    if kind == "and":
        return _sources(node[1], notes, index, this, names) & _sources(node[2], notes, index, this, names)
    if kind == "or":
        return _sources(node[1], notes, index, this, names) | _sources(node[2], notes, index, this, names)
    if kind == "not":
        return {n.id for n in notes} - _sources(node[1], notes, index, this, names)
    if kind == "tag":
        want = node[1]
        found = set()
        for n in notes:
            if any(t == want or t.startswith(want + "/") for t in n.tags):
                found.add(n.id)
            elif any(tag_key(t) == tag_key(want) or tag_key(t).startswith(tag_key(want) + "/")
                     for t in n.tags):
                raise Unsupported(f"#{want} where {n.rel} writes the tag in another case")
        return found
    if kind == "folder":
        # as Dataview: the folder's notes when there is such a folder, else that one file
        folder = node[1]
        if not folder:
            return {n.id for n in notes}
        inside = folder + "/"
        rels = [n.rel for n in index.notes.values()] + list(index.attachments)
        if any(rel.startswith(inside) for rel in rels):
            return {n.id for n in notes if n.rel.startswith(inside)}
        return {n.id for n in notes if n.rel in (folder, folder + ".md")}
    target = node[1].split("#", 1)[0].strip()
    if not target:
        linked = this
    else:
        names.add((target, this.id))
        res = index.resolve(target, this)
        linked = res.note if res.kind in ("note", "unpublished") else None
    if linked is None:
        raise Unsupported(f"[[{target}]], which names no note (Dataview lists the notes linking "
                          "to that name)")
    found = set(index.backlinks.get(linked.id, ()))
    if any(index.resolve(ref.target, linked).note is linked for ref in linked.links if ref.target):
        found.add(linked.id)  # a note linking to itself is among its own incoming links
    return found


def _test(node: Any, note: Any, index: Any) -> bool:
    kind = node[0]
    if kind == "and":
        return _test(node[1], note, index) and _test(node[2], note, index)
    if kind == "or":
        return _test(node[1], note, index) or _test(node[2], note, index)
    if kind == "not":
        return not _test(node[1], note, index)
    if kind == "field":
        return truthy(field_value(node[1], note, index))
    if kind == "contains":
        subject, item = field_value(node[1], note, index), node[2]
        if subject is None:
            return False
        if isinstance(subject, list):
            return any(compare(x, item, False) == 0 for x in subject)
        if isinstance(subject, str) and isinstance(item, str):
            return item in subject
        raise Unsupported(f"contains() on a {_kind(subject)}")
    op, value = node[1], field_value(node[2], note, index)
    c = compare(value, node[3], op not in ("=", "!="))
    return {"=": c == 0, "!=": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]


def _bind_this(node: Any, this: Any, index: Any) -> Any:
    """The condition with each ``this.field`` replaced by its value in the note showing it."""
    if isinstance(node, This):
        return field_value(node.field, this, index)
    if isinstance(node, tuple):
        return tuple(_bind_this(part, this, index) for part in node)
    return node


def run_query(q: Query, index: Any, this: Any) -> Result:
    notes = sorted(index.published.values(), key=lambda n: n.rel)
    names: set = set()
    if q.source is not None:
        keep = _sources(q.source, notes, index, this, names)
        notes = [n for n in notes if n.id in keep]
    if q.where is not None:
        where = _bind_this(q.where, this, index)
        notes = [n for n in notes if _test(where, n, index)]
    for key, desc in reversed(q.sort):  # stable sorts, last key first
        values = {n.id: field_value(key, n, index) for n in notes}
        keyed = _sort_keys([values[n.id] for n in notes])
        # reverse=True keeps equal items in their order, as Dataview's stable sort does
        order = sorted(range(len(notes)), key=lambda i: keyed[i], reverse=desc)
        notes = [notes[i] for i in order]
    if q.limit is not None:
        notes = notes[:q.limit]
    rows = [(n, [field_value(f, n, index) for f, _ in q.columns]) for n in notes]
    for _, values in rows:
        for v in values:
            _displayable(v)
    return Result([label for _, label in q.columns], rows, names)


def _sort_keys(values: list[Any]) -> list[Any]:
    """Sort keys giving the order ``compare`` gives (it raises where that order is unknown)."""
    kinds = {_kind(v) for v in values} - {"null"}
    if len(kinds) > 1:
        raise Unsupported(f"values of different types ({', '.join(sorted(kinds))}) sorted")
    kind = next(iter(kinds), "null")
    if kind in ("null", "number", "boolean", "date", "string"):  # one key each, null first
        plain = _string_key if kind == "string" else (lambda v: v)
        return [(0,) if v is None else (1, plain(v)) for v in values]
    order = sorted(range(len(values)), key=functools.cmp_to_key(
        lambda i, j: compare(values[i], values[j], True)))
    rank, keys = 0, [0] * len(values)
    for pos, i in enumerate(order):
        if pos and compare(values[order[pos - 1]], values[i], True) != 0:
            rank = pos
        keys[i] = rank
    return keys


def _displayable(v: Any) -> None:
    if isinstance(v, str) and any(m in v for m in ("[[", "](", "**", "__", "`", "==", "~~", "$", "<")):
        raise Unsupported("a text value with Markdown in it (Dataview renders it as Markdown)")
    if isinstance(v, list):
        for x in v:
            _displayable(x)
