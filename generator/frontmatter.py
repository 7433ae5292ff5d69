"""Reading a note's text and metadata: decoding, YAML front-matter, and plain header lines."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import yaml

from generator.config import date_hint
from generator.diagnostics import Diagnostic, warning
from generator.encoding import CP1252_BYTES, legacy, utf16_without_bom

try:  # the C loader is several times faster on large vaults
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader, except that a date which does not exist (``2025-02-30``) stays the text
    written: the rest of the front-matter is read, and the date is reported where it stands."""


def _timestamp(loader: Any, node: Any) -> Any:
    try:
        return _SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


# Obsidian reads properties as YAML 1.2 (its core schema): only true/false are booleans (``no``,
# ``on``, ``Yes`` are text: an alias NO, a tag ``on``), ``12:30`` is text (YAML 1.1 made it the
# number 750), ``017`` is 17 (not octal) and ``1e3`` a number.  PyYAML's resolvers are YAML 1.1's.
_BOOL, _INT, _FLOAT = ("tag:yaml.org,2002:" + t for t in ("bool", "int", "float"))
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                              list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT, re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+.0123456789"))


def _int(loader: Any, node: Any) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0x", "0o")):
        return int(text[2:], 16 if text[1] == "x" else 8)
    return int(text, 10)


_Loader.add_constructor(_INT, _int)


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: str, first: Any, mark: Any):
        super().__init__(None, None, f"the key {key!r} is written twice", mark)
        self.key, self.first = key, first


def _unique_keys(loader: Any, node: Any, deep: bool = False) -> Any:
    """A mapping whose keys are all different, as Obsidian's properties must be (its YAML reader
    rejects a key written twice; PyYAML would keep the last value silently).  The keys a merge
    (``<<: *base``) brings in may be written again: that overrides them, as YAML says."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], Any] = {}
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            first = seen.setdefault((key_node.tag, key_node.value), key_node.start_mark)
            if first is not key_node.start_mark:
                raise _DuplicateKey(key_node.value, first, key_node.start_mark)
    return _SafeLoader.construct_mapping(loader, node, deep)


_Loader.construct_mapping = _unique_keys


# control characters other than HTML's white space (tab, line feed, form feed)
_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # and C1, which Latin-1 can give


# a multi-byte UTF-8 sequence: a file holding one is UTF-8 (single-byte encodings rarely make them)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_of(before: Any) -> int:
    """Line ends in ``before`` (bytes or text), counted as the note's lines are: CRLF, LF or a
    lone CR (classic Mac files) each end one."""
    lf, cr = ("\n", "\r") if isinstance(before, str) else (b"\n", b"\r")
    return before.count(lf) + before.count(cr) - before.count(cr + lf)


def _col_of(before: Any) -> int:
    """1-based column just after ``before`` (bytes of valid UTF-8, or text): the characters since
    its last line end."""
    if isinstance(before, bytes):
        before = before.decode("utf-8")
    return len(before) - max(before.rfind("\n"), before.rfind("\r"))


def _not_utf8(data: bytes, exc: UnicodeDecodeError, rel: str) -> tuple[str, Diagnostic]:
    """A note that is not valid UTF-8, read as ``generator.encoding`` finds best, and the warning
    at its first byte that is not UTF-8, which names the encoding taken and what to do."""
    if data.startswith(b"\xef\xbb\xbf"):  # UTF-8's own mark: UTF-8 with some stray bytes
        text, codec = data.decode("utf-8-sig", CP1252_BYTES), "utf-8"
    else:
        text, codec, name = legacy(data)
    before = exc.object[: exc.start]  # after the BOM, which utf-8-sig's positions leave out
    line = _line_of(before) + 1
    col = _col_of(before.decode(codec, "replace"))
    bad = exc.object[exc.start]
    if codec == "utf-8" and _UTF8_SEQUENCE.search(data):
        # pasted from a program that wrote Windows-1252: re-saving as UTF-8 would keep the bytes
        shown = bytes([bad]).decode("cp1252", "replace")
        return text, warning(
            "encoding", "the file is UTF-8 except for some bytes that are not (the first, "
            f"0x{bad:02X}, here); each was read as Windows-1252 (0x{bad:02X} as {shown!r})",
            rel, line, col, hint="retype those characters in Obsidian or another UTF-8 editor "
            "(Obsidian shows these bytes as \ufffd; the page shows what was read)")
    if codec == "utf-8":
        shown = bytes([bad]).decode("cp1252", "replace")
        name, what = "Windows-1252", (f"read as Windows-1252 (0x{bad:02X} as {shown!r})")
    else:
        what = f"read as {name}, the encoding its bytes fit best"
    return text, warning(
        "encoding", f"the file is not UTF-8 (byte 0x{bad:02X} here is the first that is not); "
        + what, rel, line, col, hint=f"open it as {name.split(' (')[0]} in a text editor and save "
        "it as UTF-8, the only encoding Obsidian reads (it shows these bytes as \ufffd)")


# byte-order marks, UTF-32's first: UTF-16 LE's is the start of UTF-32 LE's
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_WIDE_NAMES = {"utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "utf-32-le": "UTF-32 LE",
               "utf-32-be": "UTF-32 BE"}
_RESAVE = "re-save the file as UTF-8, the only encoding Obsidian reads"


def decode(data: bytes, rel: str) -> tuple[str, list[Diagnostic]]:
    """Bytes of a note as text with ``\\n`` line ends; never fails.  Text that is not UTF-8 is
    read as its bytes say (``generator.encoding``), with a warning at its first such byte."""
    diags: list[Diagnostic] = []
    wide = next((codec for bom, codec in _BOMS if data.startswith(bom)), None)
    if wide:
        used = f"{wide.upper()} (it starts with its byte-order mark)"
    elif (wide := utf16_without_bom(data)) is not None:
        used = f"{_WIDE_NAMES[wide]} (it has no byte-order mark; its NUL bytes say so)"
    if wide:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            text = data.decode(wide, errors="replace")
            used += ", its invalid bytes replaced by \ufffd"
        text = text.removeprefix("\ufeff")
        diags.append(warning(  # Obsidian reads every note as UTF-8: there it shows garbled
            "encoding", f"the file is not UTF-8; read as {used}", rel, 1, 1, hint=_RESAVE))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text, diag = _not_utf8(data, exc, rel)
            diags.append(diag)
    if "\x00" in text:
        first = text.index("\x00")
        diags.append(warning(
            "binary-content", "note contains NUL bytes and looks like binary data; each is shown "
            "as \ufffd", rel, _line_of(text[:first]) + 1, _col_of(text[:first]),
            hint="check that this file really is Markdown, and delete those bytes"))
        # as CommonMark says (its "insecure characters"), and so the columns of later warnings
        # on the line stay those of the file
        text = text.replace("\x00", "\ufffd")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return printable(text), diags  # controls: not allowed in HTML; the renderer uses some as markers


#: A ``#`` right after a flow list's ``[`` or ``,``: YAML (and Obsidian's reader) takes it for a
#: comment, not a tag, and what follows on the line is lost.
_FLOW_HASH = re.compile(r"[\[,][ \t]*(#[^\s,\]]*)")


def _flow_comment(source: str, upto: int) -> tuple[int, int, str] | None:
    """The first ``[#tag`` or ``, #tag`` on lines ``0..upto`` of the YAML ``source`` (the first on
    its line, inside an open list and outside quotes), as (0-based line, 0-based column of the
    ``#``, the tag as written); None if there is none."""
    for k, text in enumerate(source.split("\n")[:upto + 1]):
        if "#" not in text or "[" not in text:
            continue
        m = _FLOW_HASH.search(text)  # the first only: each line is read once
        if m is None:
            continue
        before = text[:m.start()]
        inside = text.rfind("[", 0, m.start() + 1) > before.rfind("]")  # an open list
        if inside and before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return k, m.start(1), m.group(1)
    return None


#: A ``key: value`` line: its indentation, key and value
_KEY_VALUE = re.compile(r"([ \t]*)([^\s:#'\"\[{-][^:]*?):[ \t]+(\S.*?)[ \t]*$")


#: One item of a list written without its brackets: a quoted value or a ``[[link]]``
_ITEM = r"""(?:"[^"]*"|'[^']*'|\[\[[^\[\]\n]+\]\])"""
_LIST_ITEMS = re.compile(rf"{_ITEM}(?:[ \t]*,[ \t]*{_ITEM})+")
_ITEM_SPLIT = re.compile(_ITEM)


#: What a warning about broken front-matter adds to its fix: the note is still published
#: (``parse.py`` takes it off where a line of the YAML leaves the note out)
MEANWHILE = "; the note is published without its front-matter meanwhile"


def yaml_quoted(value: str) -> str:
    """``value`` in the quotes that need no escape inside it."""
    return f'"{value}"' if '"' not in value else "'" + value.replace("'", "''") + "'"


def _value_problem(source: str, exc) -> tuple[int, int, str, str] | None:
    """For the three ways a pasted title most often breaks the YAML ``source``, Obsidian's
    reader as much as ours, as (0-based line, 1-based column, the problem, the fix); else None:

    * a colon and a space in a plain value, ``title: Attention: A Review``, which YAML reads as
      another key;
    * a quote inside a quoted value, ``'Bayes' theorem'`` or ``"He said "hi" twice"``, which ends
      the value there;
    * a quote never closed, which takes the rest of the front-matter into the value (YAML says
      so at its end; the mistake is where the quote opened)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or ""
    lines = source.split("\n")
    if mark is None or not 0 <= mark.line < len(lines):
        return None
    cmark = getattr(exc, "context_mark", None)
    if problem == "found unexpected end of stream" and cmark is not None and \
            getattr(exc, "context", "") == "while scanning a quoted scalar" and \
            0 <= cmark.line < len(lines):
        quote = lines[cmark.line][cmark.column:cmark.column + 1]
        if quote in ("'", '"'):
            return (cmark.line, cmark.column + 1, f"the {quote} opened here is never closed, so "
                    "the rest of the front-matter is read as this value",
                    f"close the {quote} at the end of the value")
        return None
    if problem == _ITEM_STOPS[0] and cmark is not None and mark.line == cmark.line + 1:
        # ``tags: [npc, villain`` and the next key: the list is never closed
        m = _KEY_VALUE.fullmatch(lines[cmark.line])
        if m is not None and m.start(3) == cmark.column and "]" not in m.group(3):
            indent, key, value = m.groups()
            return (cmark.line, cmark.column + 1, f"the [ that opens the list of {key!r} is never "
                    "closed, so YAML reads the next line as more of the list",
                    f"close it: {indent}{key}: {value.rstrip(', ')}]")
    m = _KEY_VALUE.fullmatch(lines[mark.line])
    item = _quoted_item(lines[mark.line], mark.column) if problem in _ITEM_STOPS else None
    if item is not None:  # ``aliases: ['Kal'thar']``, ``- 'Cap'n Rhee'``
        written, rest, requoted, fixed = item
        of = f" of {m.group(2)!r}" if m is not None else ""
        how = "in other quotes" if requoted[0] != written[0] else "with ' written twice"
        return (mark.line, mark.column + 1, f"the item {written}{of} ends at its second "
                f"{written[0]}, and YAML cannot read what follows ({rest})",
                f"write the item {how}: {fixed.strip()}")
    if m is None:
        return None
    indent, key, value = m.groups()
    start = m.start(3)
    if problem == "mapping values are not allowed in this context" and mark.column > start \
            and value[:1] not in ("'", '"', "[", "{", "|", ">", "&", "*", "!"):
        return (mark.line, mark.column + 1, f"the value of {key!r} holds ': ', which YAML reads "
                "as the start of another key",
                f"write the value in quotes: {indent}{key}: {yaml_quoted(value)}")
    if problem == "did not find expected key" and mark.column > start and \
            _LIST_ITEMS.fullmatch(value) is not None:
        # ``authors: "[[A]]", "[[B]]"`` or ``authors: [[A]], [[B]]``: a list without brackets
        parts = [part.strip() for part in _ITEM_SPLIT.findall(value)]
        fixed = ", ".join(p if p[:1] in ("'", '"') else yaml_quoted(p) for p in parts)
        links = all(p.startswith("[[") for p in parts)
        return (mark.line, mark.column + 1, f"the value of {key!r} is several "
                + ("links, without quotes and" if links else "items") + " with no [ ] around "
                "them", f"write the list in brackets: {indent}{key}: [{fixed}]")
    quote = value[:1]
    if problem == "did not find expected key" and quote in ("'", '"') and len(value) > 2 \
            and value.endswith(quote) and mark.column > start:
        rest = lines[mark.line][mark.column:].rstrip()
        inner = value[1:-1]
        if quote == "'":
            doubled = inner.replace("'", "''")
            fix = f"inside single quotes write ' twice: {indent}{key}: '{doubled}'"
        else:
            fix = (f'inside double quotes write \\" for a quote: {indent}{key}: '
                   '"' + inner.replace('"', '\\"') + '"')
        return (mark.line, mark.column + 1, f"the value of {key!r} ends at its second {quote}, and "
                f"YAML cannot read what follows ({rest})", fix)
    return None


#: What YAML says where a list item's quote closed before the item's end
_ITEM_STOPS = ("did not find expected ',' or ']'", "did not find expected '-' indicator")


def _quoted_item(line: str, column: int) -> tuple[str, str, str, str] | None:
    """When YAML stopped at ``column`` of ``line`` just after a quote that closed a list item too
    early (``[Kalthar, 'Kal'thar']``, ``- 'Cap'n Rhee'``): the item as written, what follows that
    quote, the item in the quotes it needs (``yaml_quoted``) and the line with it; else None."""
    quote = line[column - 1:column]
    if quote not in ("'", '"'):
        return None
    start = line.rfind(quote, 0, column - 1)
    before = line[:max(start, 0)].rstrip()
    block = before.lstrip() == "-"
    if start < 0 or not (block or before.endswith(("[", ","))):
        return None
    if block:  # the item runs to the line's last quote
        end = line.rstrip().rfind(quote)
    else:  # to the quote before the next ``,`` or ``]``
        found = re.compile(re.escape(quote) + r"[ \t]*[,\]]").search(line, column)
        end = found.start() if found else -1
    if end < column:
        return None
    requoted = yaml_quoted(line[start + 1:end])
    return line[start:end + 1], line[column:end + 1], requoted, line[:start] + requoted + line[end + 1:]


#: A value up to where a flow list or mapping would go on: ``@smith2020`` of ``[@smith2020, x]``
_RESERVED_VALUE = re.compile(r"[^,\]}\n]*")


def _reserved_start(source: str, mark) -> tuple[str, str] | None:
    """When YAML stopped at a value that begins with ``@`` or a backquote (characters it
    reserves: a citekey ``@smith2020``, a ``[[@smith2020]]`` link, `` `code` ``), that character
    and the value as written (a link whole, with its brackets); else None."""
    if mark is None:
        return None
    lines = source.split("\n")
    if not 0 <= mark.line < len(lines):
        return None
    line = lines[mark.line]
    char = line[mark.column:mark.column + 1]
    if char not in ("@", "`"):
        return None
    value = _RESERVED_VALUE.match(line, mark.column).group().rstrip()
    if line[:mark.column].endswith("[[") and line.startswith("]]", mark.column + len(value)):
        value = f"[[{value}]]"  # [[@smith2020]]
    return char, value


#: A line indented with a space YAML does not take for one: an input method's full-width space
#: (U+3000), or a no-break space (U+00A0, macOS's Option-Space).
_WIDE_INDENT = re.compile(r"^([\u3000\u00a0])")


def _wide_typing(source: str, upto: int) -> tuple[int, int, str, str] | None:
    """The first line of the YAML ``source`` (lines ``0..upto``) that an East Asian input method
    (or Option-Space) typed so that YAML cannot read it, though it looks right: a top-level key
    written with the full-width colon ``：`` (U+FF1A) and no ``:``, or a line that starts with
    U+3000 or U+00A0 (as its indentation).  Lines that start with a space or ``-`` are left alone:
    in a list or a continued value a ``：`` is text.  As (0-based line, 1-based column, the
    problem, the hint); None if there is none."""
    for k, text in enumerate(source.split("\n")[:upto + 1]):
        m = _WIDE_INDENT.match(text)
        if m is not None:
            c = m.group(1)
            return (k, 1, f"this line is indented with U+{ord(c):04X} "
                    f"({unicodedata.name(c).lower()}), which YAML does not take for a space",
                    "indent it with plain spaces")
        if "\uff1a" in text and ":" not in text and text[:1] not in (" ", "\t", "-", "#", "'", '"'):
            key = text.split("\uff1a", 1)[0].strip()
            return (k, text.index("\uff1a") + 1, f"its key {key!r} is followed by the full-width "
                    "colon '\uff1a' (U+FF1A), which YAML does not take for ':'",
                    f"write '{key}: ' with an ASCII colon and a space")
    return None


def parse_yaml(source: str, rel: str, first_line: int) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Front-matter YAML; ``first_line`` is the 1-based file line of the YAML's first line."""
    try:
        data = yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader
    except (ValueError, TypeError, RecursionError, OverflowError) as exc:
        # the YAML parsed, its values did not: a date that does not exist (2025-02-30), an
        # anchor that contains itself
        return {}, [warning("frontmatter-yaml", f"front-matter cannot be read: {exc}", rel,
                            first_line, 1, hint="fix the YAML" + MEANWHILE)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, _DuplicateKey):  # Obsidian's reader rejects it: no property is read
            problem = (f"the key {exc.key!r} is written twice (first on line "
                       f"{first_line + exc.first.line}); Obsidian reads none of its properties")
        context, cmark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and cmark is not None and mark is not None and cmark.line != mark.line:
            problem += f" ({context} that starts on line {first_line + cmark.line})"
        hint = "fix the YAML" + MEANWHILE
        hashed = _flow_comment(source, mark.line if mark else source.count("\n"))
        if hashed is not None:  # ``tags: [#journal, work]``: the rest of the line is a comment
            k, at, tag = hashed
            line, col = first_line + k, at + 1
            problem = (f"the # of {tag} starts a YAML comment, which hides the rest of the line "
                       "and leaves the list unclosed")
            hint = f'write the tag in quotes ("{tag}") or without the # ({tag[1:]})' + MEANWHILE
        plain = _value_problem(source, exc) if hashed is None else None
        if plain is not None:  # ``title: Attention: A Review``, ``'Bayes' theorem'``
            k, col, problem, fix = plain
            line = first_line + k
            hint = fix + MEANWHILE
        reserved = _reserved_start(source, mark) if hashed is None and plain is None else None
        if reserved is not None:  # ``aliases: [@smith2020]``: a citekey, unquoted
            char, value = reserved
            problem = f"YAML reserves {char!r} at the start of a value"
            hint = f'write {value} in quotes: "{value}"' + MEANWHILE
        wide = _wide_typing(source, mark.line if mark else source.count("\n"))
        # ``tags：旅行`` typed with an input method
        if hashed is None and plain is None and reserved is None and wide is not None:
            k, col, problem, fix = wide
            line = first_line + k
            hint = fix + MEANWHILE
        return {}, [warning("frontmatter-yaml", f"front-matter is not valid YAML: {problem}", rel,
                            line, col, hint=hint)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        wide = _wide_typing(source, source.count("\n"))
        if wide is not None:  # ``タイトル：東京`` alone is one string, not a key and its value
            k, col, problem, fix = wide
            return {}, [warning("frontmatter-yaml", "front-matter is not a mapping of keys to "
                                f"values: {problem}", rel, first_line + k, col, hint=fix)]
        return {}, [warning("frontmatter-yaml", "front-matter is not a mapping of keys to values",
                            rel, first_line, 1, hint="write it as `key: value` lines")]
    seen: dict[int, Any] = {}
    meta = {printable(str(k)): _printable_values(v, seen) for k, v in data.items()}
    return _without_expanded_anchors(meta, source, rel, first_line)


#: Fewer items than this in one front-matter value are always kept, however written.
_MAX_EXPANDED = 100_000


def _without_expanded_anchors(meta: dict[str, Any], source: str, rel: str,
                              first_line: int) -> tuple[dict[str, Any], list[Diagnostic]]:
    """``meta`` without the values that YAML anchors repeat into more items than the YAML has
    characters (and more than ``_MAX_EXPANDED``): ``&a [*b, *b, …]`` nested ten levels is a few
    hundred bytes and billions of items, which any reader of the value (a page's properties, a
    query, a message quoting it) would write out for hours.  Written out, no value has more items
    than characters, so nothing a note really holds is left out."""
    sizes: dict[int, int] = {}

    def size(value: Any) -> int:  # items once expanded; each shared list or mapping counted once
        if not isinstance(value, (list, dict)):
            return 1
        known = sizes.get(id(value))
        if known is None:
            sizes[id(value)] = 1  # a list that holds itself (``&a [*a]``) is not expanded forever
            items = value.values() if isinstance(value, dict) else value
            known = sizes[id(value)] = 1 + sum(size(v) for v in items)
        return known

    limit = max(_MAX_EXPANDED, len(source))
    dropped = [key for key, value in meta.items() if size(value) > limit]
    if not dropped:
        return meta, []
    lines = source.split("\n")
    line, col = value_place(lines, dropped[0], None, first_line)
    one = len(dropped) == 1
    names = ", ".join(f"`{key}`" for key in dropped)
    return {k: v for k, v in meta.items() if k not in dropped}, [warning(
        "frontmatter-yaml", f"the {'value' if one else 'values'} of {names} {'is' if one else 'are'}"
        f" left out: YAML anchors (&name, *name) repeat {'it' if one else 'them'} into more than "
        f"{limit:,} items", rel, line, col,
        hint="write the items out, or use each anchor less often; the note is published without "
             f"{'it' if one else 'them'} meanwhile")]


def front_matter_place(lines: list[str], key: str, raw: str | None = None) -> tuple[int, int] | None:
    """Where ``key:`` is written among the front-matter's ``lines``, or, with ``raw``, where that
    text stands in the key's value (its line or the indented lines under it): 0-based line and
    column (the key's own when ``raw`` is not found); None when the key is not found."""
    pattern = re.compile(rf"^([ \t]*)['\"]?{re.escape(key)}['\"]?[ \t]*:", re.IGNORECASE)
    start, indent = next(((i, m.end(1)) for i, line in enumerate(lines)
                          if (m := pattern.match(line))), (None, 0))
    if start is None:
        return None
    if raw:
        for i in range(start, len(lines)):
            if i > start and lines[i][:1] not in (" ", "\t", "-", ""):
                break  # the next key
            col = lines[i].find(raw)
            if col >= 0:
                return i, col
    return start, indent


_KEY_HEAD = re.compile(r"([ \t]*)([^:\n]*?)[ \t]*:")
_ITEM_TEXT = re.compile(r"[ \t]*(?:-[ \t]+)?(.*?)[ \t]*$")
_LINK_TEXT = re.compile(r"\[\[[^\n]*?\]\]")


class PlaceFinder:
    """``front_matter_place`` for many keys and values of one front-matter, each line read once
    rather than once per look-up: a front-matter of 8,000 keys with a link each, or a list of
    8,000 values with a warning each, was quadratic (tens of seconds).  A value is found where a
    line holds it whole (a list item, a key's value, a ``[[link]]``), else as
    ``front_matter_place`` finds it."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._keys: dict[str, tuple[int, int]] | None = None
        self._values: dict[int, dict[str, tuple[int, int]]] = {}

    def _key(self, key: str) -> tuple[int, int] | None:
        if self._keys is None:
            self._keys = {}
            for i, line in enumerate(self.lines):
                m = _KEY_HEAD.match(line)
                if m is None:
                    continue
                text = m.group(2)
                for name in {text, text[1:] if text[:1] in "'\"" else text,
                             text[:-1] if text[-1:] in "'\"" else text,
                             text[1:-1] if text[:1] in "'\"" and text[-1:] in "'\"" else text}:
                    self._keys.setdefault(name.lower(), (i, m.end(1)))
        # (a key holding a colon is not cut out of its line as written: looked for as it is)
        hit = self._keys.get(key.lower()) if ":" not in key else None
        return hit if hit is not None else front_matter_place(self.lines, key)

    def _block(self, start: int) -> dict[str, tuple[int, int]]:
        values = self._values.get(start)
        if values is None:
            values = self._values[start] = {}
            lines = self.lines
            for i in range(start, len(lines)):
                line = lines[i]
                if i > start and line[:1] not in (" ", "\t", "-", ""):
                    break  # the next key
                text = line[line.index(":") + 1:] if i == start and ":" in line else line
                item = _ITEM_TEXT.fullmatch(text).group(1)
                names = [item, item[1:-1] if len(item) > 1 and item[0] == item[-1]
                         and item[0] in "'\"" else item]
                names += [m.group() for m in _LINK_TEXT.finditer(text)]
                for name in names:
                    if name and name not in values:
                        values[name] = (i, line.find(name))
        return values

    def place(self, key: str, raw: str | None = None) -> tuple[int, int] | None:
        """As ``front_matter_place(lines, key, raw)``."""
        where = self._key(key)
        if where is None or not raw:
            return where
        hit = self._block(where[0]).get(raw)
        return hit if hit is not None else front_matter_place(self.lines, key, raw)


def value_place(lines: list[str] | PlaceFinder, key: str, value: Any,
                first_line: int) -> tuple[int, int]:
    """1-based line and column of ``key``'s ``value`` as the front-matter ``lines`` (starting at
    file line ``first_line``) write it, else of the key; line ``first_line``, column 1 when the key
    is not found.  A ``PlaceFinder`` of the lines serves many look-ups."""
    raw = value.isoformat() if isinstance(value, dt.date) else value
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(raw)  # ``date: 2020``: found as written (else the key's place is given)
    finder = lines if isinstance(lines, PlaceFinder) else PlaceFinder(lines)
    place = finder.place(key, raw if isinstance(raw, str) and raw else None)
    if place is None:
        return first_line, 1
    return first_line + place[0], place[1] + 1


_LOOSE_OPEN = re.compile(r"-{3,}[ \t]*")
_LOOSE_CLOSE = re.compile(r"[ \t]*(?:-{3,}|\.\.\.)[ \t]*")
_YAML_KEY = re.compile(r"[ \t]*['\"]?[\w][\w \-]*['\"]?[ \t]*:(?:[ \t]|$)")


def near_miss(text: str) -> tuple[int, str, str] | None:
    """A block at the top of a note that was meant as front-matter but that Obsidian does not read
    as one (its first line or its end line is not exactly ``---``): the 0-based line to fix, what
    is wrong with it, and the block's text; None for a note with front-matter, or with none meant
    (a note that starts with a ``---`` rule and then text)."""
    lines = text.split("\n", 200)[:200]
    top = 0
    while top < min(len(lines), 5) and not lines[top].strip():
        top += 1  # blank lines above it: Obsidian reads front-matter only from the first line
    if top == len(lines) or top == 5:
        return None
    if top:
        lines = lines[top:]
    if len(lines) < 3 or not _LOOSE_OPEN.fullmatch(lines[0]) or not _YAML_KEY.match(lines[1]):
        return None
    for i in range(1, len(lines)):
        if lines[i] == "---" and lines[0] == "---" and not top:
            return None  # front-matter as Obsidian reads it
        if _LOOSE_CLOSE.fullmatch(lines[i]):
            block = "\n".join(lines[1:i])
            if top:
                return top, "a blank line is above it, and front-matter must start on the note's " \
                            "first line", block
            if lines[0] != "---":
                return 0, f"its first line is {lines[0]!r}, not exactly '---'", block
            return i, f"its end line is {lines[i]!r}, not exactly '---'", block
    if top:
        return None
    if lines[0] == "---":  # the end line forgotten: the YAML-looking lines under the first
        end = 1
        while end < len(lines) and (_YAML_KEY.match(lines[end]) or lines[end][:1] in (" ", "\t", "-")):
            end += 1
        return 0, "no line of exactly '---' ends it", "\n".join(lines[1:end])
    return None


_FALSE = {"false", "no", "off", "0"}
_TRUE = {"true", "yes", "on", "1"}
_FLAG_LINE = re.compile(r"^\s*(publish|draft)\s*:\s*['\"]?([A-Za-z0-9]+)['\"]?\s*(?:#.*)?$",
                        re.IGNORECASE | re.MULTILINE)


def is_published(meta: dict[str, Any], broken_yaml: str | None = None) -> bool:
    """Whether a note is published: not with ``publish: false`` or ``draft: true``, in any case of
    key or value and as a string too (``publish: "false"``, ``Draft: yes``).  When the front-matter
    is not valid YAML (``broken_yaml`` is its text) a plain ``publish: false`` or ``draft: true``
    line still counts: a draft with a YAML typo must not be put online."""
    flags = [(key.strip().casefold(), str(value).strip().casefold() if value is not None else "")
             for key, value in meta.items()]
    if broken_yaml is not None:
        flags += [(m.group(1).casefold(), m.group(2).casefold())
                  for m in _FLAG_LINE.finditer(broken_yaml)]
    # any of them that keeps the note out does: ``Publish: false`` beside ``publish: true``, or
    # ``publish`` written twice in YAML that is then invalid
    return not any((name == "publish" and value in _FALSE) or (name == "draft" and value in _TRUE)
                   for name, value in flags)


def printable(text: str) -> str:
    """``text`` with the control characters HTML does not allow replaced by U+FFFD, as ``decode``
    does for a note's text (YAML escapes such as ``"\\x02"`` and odd file names can hold them)."""
    return _CONTROL.sub("\ufffd", text) if _CONTROL.search(text) else text


def _printable_values(value: Any, seen: dict[int, Any] | None = None) -> Any:
    """``value`` with its strings ``printable``.  A list or mapping that YAML anchors share is
    done once and shared again (``&a [*b, *b, …]`` nested a few levels is a billion items when
    copied apart)."""
    if isinstance(value, str):
        return printable(value)
    if not isinstance(value, (list, dict)):
        return value
    seen = {} if seen is None else seen
    done = seen.get(id(value))
    if done is not None:
        return done
    if isinstance(value, list):
        done = seen[id(value)] = []
        done.extend(_printable_values(v, seen) for v in value)
    else:
        done = seen[id(value)] = {}
        done.update((k, _printable_values(v, seen)) for k, v in value.items())
    return done


_HEADER_LINE = re.compile(r"^ {0,3}[A-Za-z][\w ]{0,20}:(?:\s|$)")  # ``Key: value``, a short key
_DATE_LINE = re.compile(r"^\s*(date|created|created on|written)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_TITLE_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
# ``**DATE:** 11-04-25`` / ``**Date**: …`` / ``_Created:_ …``: a key in bold or italics
_EMPHASISED_KEY = re.compile(r"^( {0,3})(\*\*|__|\*|_)([A-Za-z][\w ]{0,20}?\s*:?)\2(?=\s*:?(?:\s|$))")


def _plain_key(line: str) -> str:
    """``line`` with the emphasis marks around its key made spaces (columns stay those of the
    file): a header line written ``**DATE:** 11-04-25`` is the ``DATE: 11-04-25`` line."""
    m = _EMPHASISED_KEY.match(line)
    if m is None or not (m.group(3).endswith(":") or line[m.end():].lstrip().startswith(":")):
        return line  # ``**bold** text: x`` is no header line
    marks = " " * len(m.group(2))
    return m.group(1) + marks + m.group(3) + marks + line[m.end():]


def header_date(body_lines: list[str], formats: tuple[str, ...], rel: str,
                first_line: int) -> tuple[dt.date | None, list[Diagnostic]]:
    """The date of a ``DATE: 11-04-25`` line among the header lines a note without front-matter
    begins with: ``Key: value`` lines, blank lines between them, perhaps under a ``# Title``.
    The first other line ends them: a ``Date:`` further down (in prose, in a code block) is text."""
    seen = 0
    commented = False  # inside a ``%%`` comment begun on a line above
    for offset, line in enumerate(body_lines):
        line, commented = _uncommented(line, commented)
        if not line.strip():
            continue
        line = _plain_key(line)
        seen += 1
        if seen == 1 and _TITLE_LINE.match(line):
            continue  # the note's title above its header lines
        m = _DATE_LINE.match(line)  # a date key needs no space after its colon: ``DATE:11-04-25``
        if seen > 8 or not (m or _HEADER_LINE.match(line)):
            break
        if not m:
            continue
        value = m.group(2).strip()
        if not value:
            continue  # ``DATE: `` (a template's field not filled in): no date, as ``date: ""``
        parsed = parse_date(value, formats)
        if parsed is None and m.group(1).lower() != "date" and not any(c.isdigit() for c in value):
            continue  # ``Created: by John``: a byline, not a date written wrong
        if parsed is None:
            return None, [warning(
                "date-format", f"cannot read the date {value!r}", rel, first_line + offset,
                m.start(2) + 1, hint=date_hint(formats))]
        return parsed, []
    return None, []


def _uncommented(line: str, commented: bool) -> tuple[str, bool]:
    """``line`` without its ``%%comments%%`` (Obsidian shows none of them), and whether a comment
    is still open at its end."""
    if "%%" not in line and not commented:
        return line, False
    parts = line.split("%%")
    kept = parts[1::2] if commented else parts[0::2]
    return "".join(kept), commented != (len(parts) % 2 == 0)


_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![\d])")


def name_date(note_id: str, daily_format: str = "") -> dt.date | None:
    """The date a daily note's file name gives (``Journal/2025-04-11``, ``2025-04-11 Standup``), as
    Obsidian's daily notes are named: the name starts with it; or, with the Daily notes plugin's
    Date format ``daily_format`` (Moment.js, ``YYYY_MM_DD`` as Logseq names its journals), the
    name (its last folders too, for a format with ``/``) is a date of that format."""
    if daily_format:
        pattern = _daily_pattern(daily_format)
        tail = "/".join(note_id.split("/")[-daily_format.count("/") - 1:])
        m = pattern.fullmatch(tail) if pattern is not None else None
        if m is not None:
            got = m.groupdict()
            year = int(got["year"]) if got.get("year") else 2000 + int(got["yy"])
            month = int(got["month"]) if got.get("month") else _MONTHS.get(got["mname"][:3].lower())
            try:
                return dt.date(year, month, int(m.group("day")))
            except (TypeError, ValueError):
                pass
    m = _NAME_DATE.match(note_id.rsplit("/", 1)[-1])
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_MONTHS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
#: Moment.js's tokens a daily note's name is read by, longest first: ``[…]`` is text as written
_MOMENT_TOKENS = {
    "YYYY": r"(?P<year>\d{4})", "YY": r"(?P<yy>\d{2})", "MMMM": r"(?P<mname>[A-Za-z]{3,9})",
    "MMM": r"(?P<mname>[A-Za-z]{3})", "MM": r"(?P<month>\d{2})", "M": r"(?P<month>\d{1,2})",
    "Do": r"(?P<day>\d{1,2})(?:st|nd|rd|th)", "DD": r"(?P<day>\d{2})", "D": r"(?P<day>\d{1,2})",
    "dddd": r"[A-Za-z]{6,9}", "ddd": r"[A-Za-z]{3}"}
_MOMENT_TOKEN = re.compile(r"\[[^\]]*\]|" + "|".join(_MOMENT_TOKENS))
_daily_patterns: dict[str, re.Pattern[str] | None] = {}


def _daily_pattern(fmt: str) -> re.Pattern[str] | None:
    """The names the Date format ``fmt`` gives, as a pattern; None for a format that does not
    name a day by these tokens (a week's, ``gggg-[W]ww``).  A part named again (the year of
    ``YYYY/MMMM/YYYY-MMM-DD``) is read the first time."""
    if fmt not in _daily_patterns:
        parts: list[str] = []
        at, named = 0, set[str]()
        for m in _MOMENT_TOKEN.finditer(fmt):
            parts.append(re.escape(fmt[at:m.start()]))
            token = m.group()
            part = re.escape(token[1:-1]) if token.startswith("[") else _MOMENT_TOKENS[token]
            name = re.match(r"\(\?P<(\w+)>", part)
            if name and name.group(1) in named:
                part = "(?:" + part[name.end():]
            named.update([name.group(1)] if name else [])
            parts.append(part)
            at = m.end()
        parts.append(re.escape(fmt[at:]))
        pattern = re.compile("".join(parts), re.IGNORECASE)
        names = pattern.groupindex.keys()
        named_day = "day" in names and names & {"year", "yy"} and names & {"month", "mname"}
        _daily_patterns[fmt] = pattern if named_day else None
    return _daily_patterns[fmt]


def parse_date(value: Any, formats: tuple[str, ...] = ("%Y-%m-%d",)) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    day_note = _DAY_LINK.fullmatch(text)
    if day_note:  # ``[[2025-04-11]]``: a link to the daily note of that day is that date
        text = day_note.group(1).rsplit("/", 1)[-1].strip()
        text = text[:-3] if text.lower().endswith(".md") else text
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    # the date and the time of day (``11-04-25 17:42``, as a template writes "{{date}} {{time}}"):
    # the note's date is the day
    day = _TIME_OF_DAY.sub("", text)
    return parse_date(day, formats) if day != text and day else None


#: A wikilink as a whole value, ``[[2025-04-11]]``, ``[[Journal/2025-04-11|Friday]]``, ``[[11-04-25#Log]]``:
#: its target's name (the daily note's, as Obsidian names them by their date).
_DAY_LINK = re.compile(r"\[\[([^\[\]|#^]+)(?:#[^\[\]|]*)?(?:\|[^\[\]]*)?\]\]")

#: A time after a date: ``17:42``, ``17:42:05``, ``5:42 PM``, ``T09:00``.
_TIME_OF_DAY = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?$")


def as_string_list(value: Any) -> list[str]:
    """``tags``/``aliases`` as Obsidian reads them: a list, or a string separated by commas/spaces."""
    if value is None:
        return []
    if isinstance(value, str):
        parts = re.split(r"[,\s]+", value) if "," in value or " " in value else [value]
        return [p for p in (x.strip() for x in parts) if p]
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                out.append(str(item).strip())  # a nested list or mapping is no name
            elif isinstance(item, dt.date):  # 2025-04-11: text in Obsidian's YAML
                out.append(item.isoformat())
        return [x for x in out if x]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return []


def as_alias_list(value: Any) -> list[str]:
    """Aliases: a list, or one string (commas separate several, spaces do not)."""
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return as_string_list(value)
