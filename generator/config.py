"""Site configuration: defaults in one place, `vaultsite.toml` at the vault root, unknown keys are errors."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import difflib
import functools
import json
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_NAME = "vaultsite.toml"

DEFAULT_HEADER_DATE_FORMATS = (
    "%d-%m-%y", "%d-%m-%Y", "%d/%m/%y", "%d/%m/%Y", "%d.%m.%y", "%d.%m.%Y", "%Y-%m-%d",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y/%m/%d", "%Y.%m.%d",
)


def date_hint(formats: tuple[str, ...]) -> str:
    """What a date-format warning suggests: 11 April 2025 as ``formats`` read it (the first three
    that differ), so that the user copies a form that is read the way they mean it."""
    day = dt.date(2025, 4, 11)
    shown = list(dict.fromkeys(day.strftime(fmt) for fmt in formats))
    if not shown:  # ``header_date_formats = []``: only ISO dates are read
        return ("write it as YYYY-MM-DD, the only form read while header_date_formats in "
                "vaultsite.toml is empty, or add its format there, such as \"%d-%m-%y\"")
    more = "…" if len(shown) > 3 else ""
    return (f"write it as YYYY-MM-DD, or as {', '.join(shown[:3])}{more} (11 April 2025, as "
            "header_date_formats in vaultsite.toml reads dates)")


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names the file and key."""


@dataclass(frozen=True)
class ExecSettings:
    """The ``[execute]`` table; turned into the executor's own config by the pipeline."""

    enabled: bool = True
    run_plain_python: bool = False
    timeout: float = 30.0
    workers: int = 0  # 0 = one per core
    cache_dir: str = ""  # "" = <output>.vaultsite-cache/exec beside the output folder
    defaults: dict[str, Any] = field(default_factory=dict)  # default cell options (fig-dpi, ...)


@dataclass(frozen=True)
class SiteConfig:
    vault: Path
    title: str = "My notes"
    description: str = ""
    language: str = "en"
    site_url: str = ""
    cname: str = ""
    mounts: tuple[tuple[str, Path], ...] = ()  # (vault-relative folder, real folder)
    ignore: tuple[str, ...] = ()
    templates_dir: str = "_templates"
    header_date_formats: tuple[str, ...] = DEFAULT_HEADER_DATE_FORMATS
    date_display: str = ""  # how pages show dates, strftime-like; "" = "11 Apr 2025"
    home: str = ""  # note to use as the home page; "" = index.md / Home.md / README.md if present
    vault_name: str = ""  # the name obsidian:// links give the vault; "" = the vault folder's name
    recent_notes: int = 10
    graph_depth: int = 1
    graph_tags: bool = False
    feed_entries: int = 20
    remote_images: str = "link"  # "link": remote images become links (offline, no requests); "load"
    strict_line_breaks: bool = False  # False: a single newline is a line break, as in Obsidian
    publish_templates: bool = False  # True: notes in Obsidian's template folders are published
    obsidian_templates: tuple[str, ...] = ()  # those folders (Templates / Templater settings)
    #: the Daily notes plugin's Date format (Moment.js, ``YYYY_MM_DD``) when it is not
    #: ``YYYY-MM-DD`` (``.obsidian/daily-notes.json``): a note named so is dated by its name
    daily_note_format: str = ""
    #: the Dataview plugin's display settings that computed queries follow (``DATAVIEW_SETTINGS``)
    dataview: tuple[tuple[str, Any], ...] = ()
    strict: bool = False
    execute: ExecSettings = field(default_factory=ExecSettings)
    config_file: Path | None = None

    def with_overrides(self, **changes: Any) -> SiteConfig:
        return dataclasses.replace(self, **changes)


#: What ``date_display`` may hold (``templating.format_date`` writes each the same on every machine).
DATE_DIRECTIVES = ("%Y", "%y", "%m", "%d", "%-m", "%-d", "%e", "%b", "%B", "%a", "%A", "%j", "%%")

_TOP_KEYS = {
    "title", "description", "language", "site_url", "cname", "mounts", "ignore", "templates_dir",
    "header_date_formats", "date_display", "home", "recent_notes", "graph_depth", "graph_tags",
    "feed_entries", "remote_images", "strict_line_breaks", "publish_templates", "execute",
    "vault_name",
}
_EXEC_KEYS = {f.name for f in dataclasses.fields(ExecSettings)}


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text in quotes",
               bool: "true or false", list: "a list", dict: "a table"}


def toml_value(value: Any, room: int = 60) -> str:
    """``value`` as the file wrote it (``true``, ``["a", 1]``, ``{ x = 1 }``, ``2025-04-11``), not
    as Python shows it (``True``, ``['a', 1]``, ``datetime.date(2025, 4, 11)``): what a message
    quotes is what the user finds in vaultsite.toml.  Cut to about ``room`` characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
    elif isinstance(value, (dt.date, dt.time)):  # a datetime is a date
        text = value.isoformat()
    elif isinstance(value, list):
        text = "[" + ", ".join(toml_value(v, room) for v in value) + "]"
    elif isinstance(value, dict):
        inner = ", ".join(f"{k} = {toml_value(v, room)}" for k, v in value.items())
        text = "{ " + inner + " }" if inner else "{}"
    else:
        text = repr(value)
    return text if len(text) <= room else text[:room - 1] + "…"


#: A language tag as ``<html lang>`` takes it (BCP 47's shape: ``en``, ``pt-BR``, ``zh-Hant-TW``,
#: ``x-private``): a wrong one (``en US``, ``en_US``, ``English``) makes screen readers speak the
#: page in the wrong voice and browsers hyphenate and translate it wrongly, without a word.
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2,3}|[xXiI])(-[A-Za-z0-9]{1,8})*")


def _expect(value: Any, kind: type | tuple[type, ...], where: str, key: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        want = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{where}: `{key}` must be {want}, not {toml_value(value)}")
    if not isinstance(value, kind):
        kinds = (kind,) if isinstance(kind, type) else kind
        want = "a number" if float in kinds else \
            " or ".join(dict.fromkeys(_KIND_NAMES.get(k, k.__name__) for k in kinds))
        raise ConfigError(f"{where}: `{key}` must be {want}, not {toml_value(value)}")
    return value


def _at_least(value: Any, low: float, where: str, key: str, above: bool = False) -> Any:
    if value < low or (above and value == low):
        raise ConfigError(f"{where}: `{key}` must be {'more than' if above else 'at least'} "
                          f"{low:g}, not {toml_value(value)}")
    return value


def key_line(text: str, key: str) -> int:
    """The line of ``key = …`` in the TOML text (``execute.timeout`` below ``[execute]``); 0
    when it cannot be told."""
    table, _, name = key.rpartition(".")
    start = 0
    if table:
        head = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
        if head is None:  # a dotted key (``execute.timeout = 5``), else the inline table's line
            parts = r"[ \t]*\.[ \t]*".join(map(re.escape, key.split(".")))
            m = re.search(rf"^[ \t]*{parts}[ \t]*=", text, re.MULTILINE)
            return text.count("\n", 0, m.start()) + 1 if m else key_line(text, table)
        start = head.end()
    # ``name = …``, or a dotted key that makes ``name`` a table: ``site.title = …``
    m = re.compile(rf"^[ \t]*(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')[ \t]*[=.]",
                   re.MULTILINE).search(text, start)
    if m is None:  # a table of that name: ``[site]``, ``[execute.extra]``, ``[[site]]``
        m = re.search(rf"^[ \t]*\[\[?[ \t]*{re.escape(key)}[ \t]*[\].]", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def key_place(text: str, key: str, *more: str | int) -> tuple[int, int]:
    """1-based line and column of ``key``'s value in the TOML text (``execute.timeout``), or of
    the part of it that ``more`` names: a list's item by its index, an inline table's or a
    table's key (``key_place(text, "mounts", "Notes.old")``, a name that holds a dot); (0, 0)
    when it cannot be found."""
    path = (*key.split("."), *more)
    place = _value_places(text).get(path)
    if place is not None:
        return place
    line = key_line(text, key)  # a file tomllib did not read (the places are only of valid TOML)
    return (line, line_col(text, line)) if line and not more else (0, 0)


def name_place(text: str, key: str, *more: str | int) -> tuple[int, int]:
    """1-based line and column where the key ``key`` (with ``more``, as for ``key_place``) is
    written in the TOML text, rather than its value (the key is what is wrong: a mount's name);
    (0, 0) when it cannot be found.  A dotted key is placed at its first part."""
    return _toml_places(text)[1].get((*key.split("."), *more), (0, 0))


def _value_places(text: str) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """Where each value of the TOML text starts (1-based line and column), by its path: keys,
    with table headers (``[execute]``, ``[[x]]`` as ``("x", 0)``) and dotted keys taken apart,
    and a list's items by their index (``("ignore", 1)``).  Empty when the text is no TOML."""
    return _toml_places(text)[0]


@functools.lru_cache(maxsize=8)
def _toml_places(text: str) -> tuple[dict[tuple[str | int, ...], tuple[int, int]], ...]:
    """The places of the TOML text's values and of its keys (``_TomlPlaces``)."""
    try:
        tomllib.loads(text)
        places = _TomlPlaces(text)
    except (tomllib.TOMLDecodeError, IndexError, ValueError):
        return {}, {}
    return places.places, places.names


class _TomlPlaces:
    """A walk over valid TOML text (tomllib has read it) that notes where values begin: tomllib
    gives values, not places, and a value found by searching its line for its text is the first
    that reads the same (``["3", 3]``: the ``3`` in quotes) or the ``{`` of an inline table."""

    _BARE = re.compile(r"[A-Za-z0-9_-]+")
    _SCALAR = re.compile(r"[^,\]}#\n]*")

    def __init__(self, text: str) -> None:
        self.text = text
        self.places: dict[tuple[str | int, ...], tuple[int, int]] = {}
        self.names: dict[tuple[str | int, ...], tuple[int, int]] = {}  # where each key is written
        self._lines = [m.start() for m in re.finditer("\n", text)]
        self._tables: dict[tuple[str | int, ...], int] = {}  # [[x]]: how many so far
        self._walk()

    def _place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._lines, offset)  # line ends before ``offset``
        start = self._lines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def _skip(self, i: int, lines: bool = True) -> int:
        """Past blanks and comments (and line ends, with ``lines``)."""
        text, n = self.text, len(self.text)
        while i < n:
            if text[i] in " \t\r" or (lines and text[i] == "\n"):
                i += 1
            elif text[i] == "#":
                end = text.find("\n", i)
                i = n if end < 0 else end
            else:
                break
        return i

    def _walk(self) -> None:
        text, prefix = self.text, ()
        i = self._skip(0)
        while i < len(text):
            if text[i] == "[":
                double = text.startswith("[[", i)
                keys, i = self._key(i + (2 if double else 1))
                i = self._skip(i, False) + (2 if double else 1)
                prefix = tuple(keys)
                if double:
                    count = self._tables[prefix] = self._tables.get(prefix, -1) + 1
                    prefix = (*prefix, count)
            else:
                keys, i = self._key(i, prefix)
                i = self._value(self._skip(self._skip(i, False) + 1, False), (*prefix, *keys))
            i = self._skip(i)

    def _key(self, i: int, prefix: tuple[str | int, ...] | None = None) -> tuple[list[str], int]:
        """A key, dotted or not (``a."b.c".d``), and where it ends; under ``prefix`` (not for a
        table's header), where each of its parts is written is noted."""
        text, keys = self.text, []
        while True:
            i = self._skip(i, False)
            part = self._part(i)
            if prefix is not None:
                self.names.setdefault((*prefix, *keys, part), self._place(i))
            keys.append(part)
            i = self._string_end(i) if text[i] in "\"'" else i + len(part)
            i = self._skip(i, False)
            if i >= len(text) or text[i] != ".":
                return keys, i
            i += 1

    def _part(self, i: int) -> str:
        """The part of a key written at ``i``."""
        if self.text[i] in "\"'":
            return tomllib.loads(f"k = {self.text[i:self._string_end(i)]}")["k"]
        m = self._BARE.match(self.text, i)
        if m is None or not m.group():
            raise ValueError(f"no key at {i}")
        return m.group()

    def _string_end(self, i: int) -> int:
        """Where the string starting at ``i`` ends (past its closing quotes)."""
        text = self.text
        quote = text[i]
        close = quote * 3 if text.startswith(quote * 3, i) else quote
        j = i + len(close)
        while True:
            if quote == '"' and text[j] == "\\":
                j += 2
            elif text.startswith(close, j):
                end = j + len(close)
                while len(close) == 3 and end < len(text) and text[end] == quote:
                    end += 1  # ``"""a""""``: a quote or two of the text before the closing three
                return end
            else:
                j += 1

    def _value(self, i: int, path: tuple[str | int, ...]) -> int:
        """Note where the value at ``i`` begins, under ``path``, and those inside it; where it ends."""
        text = self.text
        self.places[path] = self._place(i)
        if text[i] in "\"'":
            return self._string_end(i)
        if text[i] == "[":
            i, item = self._skip(i + 1), 0
            while text[i] != "]":
                i = self._skip(self._value(i, (*path, item)))
                item += 1
                if text[i] == ",":
                    i = self._skip(i + 1)
            return i + 1
        if text[i] == "{":
            i = self._skip(i + 1)
            while text[i] != "}":
                keys, i = self._key(i, path)
                i = self._skip(self._value(self._skip(self._skip(i) + 1), (*path, *keys)))
                if text[i] == ",":
                    i = self._skip(i + 1)
            return i + 1
        return self._SCALAR.match(text, i).end()  # a number, date, time, true or false


def line_col(text: str, line: int, needle: str = "") -> int:
    """1-based column of ``needle`` in the TOML text's ``line``, else of the value after its
    ``=``, else of its first character."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return 1
    row = lines[line - 1]
    if needle and needle in row:
        return row.index(needle) + 1
    head, eq, value = row.partition("=")
    if eq and value.strip():
        return len(head) + 1 + len(value) - len(value.lstrip()) + 1
    return len(row) - len(row.lstrip()) + 1


def folder_path_hint(folder: str) -> str:
    """What to tell of a folder path (a mount's, ``templates_dir``) that names no folder: a
    relative one is read from the vault folder; an absolute one (allowed) names a folder of this
    machine only; ``~`` is not a home."""
    if folder.startswith("~"):
        return ("`~` is not your home folder here: write the folder's path from the vault folder, "
                "like \"../attachments\", or in full")
    if Path(folder).is_absolute():
        return ("no such folder on this machine; an absolute path names a folder of one machine "
                "only, while a path from the vault folder, like \"../attachments\", keeps "
                "working wherever the vault is copied with that folder")
    return "the path is from the vault folder"


def _misplaced(key: str, table: str) -> str:
    """The hint for a top-level key written below a ``[table]`` line (TOML puts it in the table)."""
    return (f"`{key}` is a top-level key: move it above the [{table}] line (in TOML, the keys "
            "below a [table] line belong to that table)")


def _unknown(key: str, known: set[str], where: str, table: str = "") -> ConfigError:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean `{table}{close[0]}`?" if close else \
        f"known keys: {', '.join(table + k for k in sorted(known))}"
    if table and key in _TOP_KEYS:
        hint = _misplaced(key, table.rstrip("."))
    elif not table and key in _EXEC_KEYS:
        hint = f"`{key}` is a key of [execute]: write it below an [execute] line"
    return ConfigError(f"{where}: unknown key `{table}{key}` ({hint})")


def load_config(vault: Path, overrides: dict[str, Any] | None = None) -> SiteConfig:
    """Read ``vaultsite.toml`` from the vault root if there is one and apply CLI overrides."""
    vault = Path(vault)
    if not vault.is_dir():
        raise ConfigError(f"{vault}: the vault folder does not exist (check the path: VAULT is "
                          "the folder that holds the notes)")
    path = vault / CONFIG_NAME
    raw: dict[str, Any] = {}
    text = ""
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
            raw = tomllib.loads(text)
        except OSError as exc:
            raise ConfigError(f"{CONFIG_NAME}: cannot be read ({exc.strerror}); check its "
                              "permissions") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_toml_error(str(exc), text)) from exc
        except UnicodeDecodeError as exc:
            before = exc.object[: exc.start]  # the line and column of the first bad byte
            line = before.count(b"\n") + 1
            col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
            raise ConfigError(f"{CONFIG_NAME}:{line}:{col}: not UTF-8 text (byte "
                              f"0x{exc.object[exc.start]:02X}: {exc.reason}); save it as UTF-8 "
                              "(in your editor's Save As or encoding menu)") from exc
    cfg = _from_table(vault, raw, path if path.is_file() else None, text)
    if overrides:
        cfg = cfg.with_overrides(**overrides)
    return cfg


_TOML_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""


def _toml_error(message: str, text: str) -> str:
    """tomllib's error, said as every other diagnostic is (``vaultsite.toml:2:1: …``).  Its place
    "at end of document" (the file's last line has no line end) is given as a line and column
    too, and a key or table written twice is named: tomllib says only "cannot overwrite a value"."""
    m = re.search(r"^(.*?) \(at line (\d+), column (\d+)\)$", message, re.DOTALL)
    end = re.search(r"^(.*?) \(at end of document\)$", message, re.DOTALL)
    why, line, col = message, 0, 0
    if m:
        why, line, col = m.group(1), int(m.group(2)), int(m.group(3))
    elif end:
        why, line = end.group(1), text.count("\n") + 1
        col = len(text) - (text.rfind("\n") + 1) + 1
    why = f"{why[:1].lower()}{why[1:]}"
    row = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    twice = re.match(rf"[ \t]*({_TOML_KEY}(?:[ \t]*\.[ \t]*{_TOML_KEY})*)[ \t]*=", row)
    if why == "cannot overwrite a value" and twice:
        key = ".".join(part.strip("'\"") for part in re.findall(_TOML_KEY, twice.group(1)))
        col = row.index(twice.group(1)) + 1
        why = f"`{key}` is set twice (a key is set once: remove one of them)"
    elif table := re.fullmatch(r"cannot declare \((.*)\) twice", why):
        names = ".".join(n.strip().strip("'\"") for n in table.group(1).split(",") if n.strip())
        why = f"the table [{names}] is declared twice (write all its keys below one [{names}] line)"
    where = f"{CONFIG_NAME}:{line}:{col}" if line else CONFIG_NAME
    return (f"{where}: not valid TOML: {why}; fix it there (each setting is `name = value`, text "
            "in quotes: toml.io)")


def _domain(cname: str, where: str) -> str:
    """The bare host of ``cname`` as DNS writes it (``https://Café.org/`` -> ``xn--caf-dma.org``),
    which is what GitHub Pages reads from the site's CNAME file."""
    host = cname.strip()
    host = host.split("://", 1)[1] if "://" in host else host
    host = host.split("/", 1)[0].rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label)
                                  for label in labels):
        raise ConfigError(f"{where}: `cname` must be a domain name such as \"notes.example.org\" "
                          f"(the custom domain GitHub Pages serves the site at), not {cname!r}")
    return ascii_host


def _cell_defaults(table: dict[str, Any], at: Callable[..., str], text: str) -> dict[str, Any]:
    """``[execute] defaults``: cell options, by the names and rules of ``#|`` lines.  A Quarto option
    vaultsite ignores is let through (the build says it is ignored)."""
    from generator.execute.cells import IGNORED_OPTIONS, option_problem

    for key, value in table.items():  # (unknown names: ``_unknown_keys``, before this runs)
        where = at("execute.defaults", key)
        if key in IGNORED_OPTIONS:
            continue
        problem = option_problem(key, value)
        if problem:
            raise ConfigError(f"{where}: `execute.defaults.{key}`: {problem}")
    return dict(table)


def _obsidian_strict_line_breaks(vault: Path) -> bool:
    """The vault's own Obsidian setting (Settings → Editor → Strict line breaks, off unless turned
    on), from ``.obsidian/app.json``; off when there is none or it cannot be read."""
    try:
        app = json.loads((vault / ".obsidian" / "app.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
        return False
    return isinstance(app, dict) and app.get("strictLineBreaks") is True


#: Obsidian's settings files (in ``.obsidian/``) the configuration reads: ``serve`` reloads the
#: configuration when one is saved.
OBSIDIAN_SETTINGS = (("app.json",), ("templates.json",), ("daily-notes.json",),
                     ("plugins", "templater-obsidian", "data.json"), ("plugins", "dataview", "data.json"))

#: Where Obsidian's core Templates plugin and the Templater plugin keep their template folder.
_TEMPLATE_SETTINGS = ((("templates.json",), "folder"),
                      (("plugins", "templater-obsidian", "data.json"), "templates_folder"),
                      (("daily-notes.json",), "template"))  # a note, not a folder


def _obsidian_template_folders(vault: Path) -> tuple[str, ...]:
    """The vault's template folders (vault paths), as Obsidian's settings name them, and the
    daily notes' template (``Meta/Daily.md``); none when the settings are missing or
    unreadable.  A folder of ``/`` (the whole vault) is none."""
    found: list[str] = []
    for parts, key in _TEMPLATE_SETTINGS:
        try:
            data = json.loads((vault / ".obsidian").joinpath(*parts).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
            continue
        folder = data.get(key) if isinstance(data, dict) else None
        if isinstance(folder, str):
            folder = folder.strip().strip("/")
            if key == "template" and folder and not folder.lower().endswith(".md"):
                folder += ".md"
            if folder and not any(p in (".", "..") for p in folder.split("/")) \
                    and folder not in found:
                found.append(folder)
    return tuple(found)


def _obsidian_daily_format(vault: Path) -> str:
    """The Date format of Obsidian's Daily notes plugin (``.obsidian/daily-notes.json``), when it
    is set and not the default ``YYYY-MM-DD``; "" when there is none or it cannot be read."""
    try:
        data = json.loads((vault / ".obsidian" / "daily-notes.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
        return ""
    fmt = data.get("format") if isinstance(data, dict) else None
    return fmt.strip() if isinstance(fmt, str) and fmt.strip() not in ("", "YYYY-MM-DD") else ""


#: The Dataview settings a computed query follows, with Dataview's defaults.
DATAVIEW_SETTINGS: dict[str, Any] = {
    "defaultDateFormat": "MMMM dd, yyyy", "renderNullAs": "\\-", "tableIdColumnName": "File",
    "showResultCount": True, "inlineQueryPrefix": "=", "enableInlineDataview": True,
}


def _dataview_settings(vault: Path) -> tuple[tuple[str, Any], ...]:
    """The vault's Dataview display settings (``.obsidian/plugins/dataview/data.json``) that
    differ from Dataview's defaults; none when there are none or the file cannot be read."""
    try:
        data = json.loads((vault / ".obsidian" / "plugins" / "dataview" / "data.json")
                          .read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple((k, data[k]) for k, default in DATAVIEW_SETTINGS.items()
                 if k in data and type(data[k]) is type(default) and data[k] != default)


def _unknown_keys(raw: dict[str, Any], text: str,
                  at: Callable[..., str]) -> list[ConfigError]:
    """Every unknown key of the file (top level, ``[execute]``, ``[execute.defaults]``), in the
    order of their lines."""
    from generator.execute.cells import IGNORED_OPTIONS, KNOWN_OPTIONS

    found: list[tuple[int, str, ConfigError]] = []

    def add(dotted: str, exc: ConfigError) -> None:
        found.append((key_line(text, dotted) or 0, dotted, exc))

    def at_key(dotted: str) -> str:  # the key's own column, not its value's
        line, col = name_place(text, dotted)
        if line:
            return f"{CONFIG_NAME}:{line}:{col}"
        line = key_line(text, dotted)
        if not line:
            return at(dotted)
        name = dotted.rpartition(".")[2]
        row = text.split("\n")[line - 1]
        found_at = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", row)
        col = found_at.start() + 1 if found_at else len(row) - len(row.lstrip()) + 1
        return f"{CONFIG_NAME}:{line}:{col}"

    for key in set(raw) - _TOP_KEYS:
        table = raw[key]
        if isinstance(table, dict) and table and set(table) <= _TOP_KEYS:  # ``[site] title = …``
            add(key, ConfigError(f"{at_key(key)}: unknown key `{key}` ({CONFIG_NAME} has no "
                                 f"[{key}] table: remove that line, so that its keys are "
                                 "top-level keys, above any other [table] line)"))
        else:
            add(key, _unknown(key, _TOP_KEYS, at_key(key)))
    execute = raw.get("execute")
    if isinstance(execute, dict):
        for key in set(execute) - _EXEC_KEYS:
            add(f"execute.{key}", _unknown(key, _EXEC_KEYS, at_key(f"execute.{key}"), "execute."))
        defaults = execute.get("defaults")
        if isinstance(defaults, dict):
            known = set(KNOWN_OPTIONS)
            for key in set(defaults) - known - set(IGNORED_OPTIONS):
                dotted = f"execute.defaults.{key}"
                where = at_key(dotted) if key_line(text, dotted) else at_key("execute.defaults")
                add(dotted, _unknown(key, known, where, "execute.defaults."))
    return [exc for _, _, exc in sorted(found, key=lambda f: (f[0], f[1]))]


def _from_table(vault: Path, raw: dict[str, Any], path: Path | None, text: str = "") -> SiteConfig:
    def at(key: str, *more: str | int) -> str:
        """Where ``key``'s value is (or the item, or key, of it that ``more`` names: a list's
        item by its index, an inline table's key): the line and column, as a TOML syntax error
        gives them."""
        line, col = key_place(text, key, *more)
        if not line and more:
            line, col = key_place(text, key)
        return f"{CONFIG_NAME}:{line}:{col}" if line else CONFIG_NAME

    unknown = _unknown_keys(raw, text, at)
    if unknown:  # every one of them, so that one run shows all there is to fix
        raise ConfigError("\n".join(str(exc) for exc in unknown))
    kw: dict[str, Any] = {}
    for key in ("title", "description", "language", "site_url", "cname", "templates_dir",
                "date_display", "home", "vault_name"):
        if key in raw:
            kw[key] = _expect(raw[key], str, at(key), key)
    for key in ("recent_notes", "graph_depth", "feed_entries"):
        if key in raw:
            kw[key] = _at_least(_expect(raw[key], int, at(key), key), 0, at(key), key)
    if "remote_images" in raw:
        value = _expect(raw["remote_images"], str, at("remote_images"), "remote_images")
        if value not in ("link", "load"):
            raise ConfigError(f"{at('remote_images')}: `remote_images` must be \"link\" or "
                              f"\"load\", not {value!r}")
        kw["remote_images"] = value
    for key in ("graph_tags", "strict_line_breaks", "publish_templates"):
        if key in raw:
            kw[key] = _expect(raw[key], bool, at(key), key)
    if "strict_line_breaks" not in raw:
        kw["strict_line_breaks"] = _obsidian_strict_line_breaks(vault)
    kw["obsidian_templates"] = _obsidian_template_folders(vault)
    kw["dataview"] = _dataview_settings(vault)
    kw["daily_note_format"] = _obsidian_daily_format(vault)
    for key in ("ignore", "header_date_formats"):
        if key in raw:
            items = _expect(raw[key], list, at(key), key)
            kw[key] = tuple(_expect(item, str, at(key, i), key) for i, item in enumerate(items))
    _check_date_formats(kw, at)
    if "templates_dir" in kw:
        _check_templates_dir(vault, kw["templates_dir"], at)
    if kw.get("language") and not _LANGUAGE_TAG.fullmatch(kw["language"]):
        raise ConfigError(f"{at('language')}: `language` must be a language tag, such as \"en\", "
                          f"\"de\" or \"pt-BR\" (letters and digits, parts joined by '-'), not "
                          f"{toml_value(kw['language'])}"
                          + (f": write {kw['language'].replace('_', '-')!r}" if "_" in kw["language"]
                             and _LANGUAGE_TAG.fullmatch(kw["language"].replace("_", "-")) else ""))
    if "site_url" in kw:
        kw["site_url"] = kw["site_url"].rstrip("/")
        if kw["site_url"] and not re.match(r"https?://[^/\s]+", kw["site_url"]):
            raise ConfigError(f"{at('site_url')}: `site_url` must be the site's address starting "
                              f"with https:// (like \"https://me.github.io/notes\"), not "
                              f"{kw['site_url']!r}")
    if kw.get("cname"):
        kw["cname"] = _domain(kw["cname"], at("cname"))
    if "mounts" in raw:
        kw["mounts"] = _mounts(vault, raw["mounts"], text, at)
    if "execute" in raw:
        kw["execute"] = _execute_settings(raw["execute"], text, at)
    return SiteConfig(vault=vault.resolve(), config_file=path, **kw)


def _check_templates_dir(vault: Path, folder: str, at: Callable[..., str]) -> None:
    """Refuse a ``templates_dir`` that is the vault itself or a folder holding it: the templates
    folder is never published, so no note would be (``templates_dir = "."`` built an empty site
    with only a "no notes" warning).  A folder outside the vault is the user's own choice, read
    as the vault's templates would be (and never published, since the walk never reaches it)."""
    real = vault.resolve()
    if real == (vault / folder).resolve() or real.is_relative_to((vault / folder).resolve()):
        raise ConfigError(f"{at('templates_dir')}: `templates_dir` = {toml_value(folder)} is the "
                          "vault folder itself (or holds it), and the templates folder is never "
                          "published, so no note would be: name a folder of templates inside the "
                          "vault, such as \"_templates\", or outside it, such as \"../theme\"")


def _check_date_formats(kw: dict[str, Any], at: Callable[..., str]) -> None:
    """Refuse a `header_date_formats` entry that is no format or has no year, and a
    `date_display` directive pages cannot write."""
    for i, fmt in enumerate(kw.get("header_date_formats", ())):
        try:
            dt.datetime.strptime("", fmt)
        except ValueError as exc:
            if "bad directive" in str(exc):
                raise ConfigError(f"{at('header_date_formats', i)}: "
                                  f"`header_date_formats`: {fmt!r} is no date format ({exc}); "
                                  "use strptime's directives, such as \"%d-%m-%y\"") from None
        if not re.search(r"%-?[yYG]", fmt.replace("%%", "")):
            raise ConfigError(f"{at('header_date_formats', i)}: "
                              f"`header_date_formats`: {fmt!r} has no year (%Y or %y), so every "
                              "date read with it would be in 1900; write the year too, such as "
                              "\"%d-%m-%y\"")
    bad = [d for d in re.findall(r"%-?[A-Za-z%]", kw.get("date_display", "")) if d not in DATE_DIRECTIVES]
    if bad:
        raise ConfigError(f"{at('date_display')}: `date_display`: {bad[0]} is not one of the "
                          f"directives pages write dates with: {' '.join(DATE_DIRECTIVES)}"
                          " (a date has no time of day)")


def _mounts(vault: Path, value: Any, text: str, at: Callable[..., str]) -> tuple[tuple[str, Path], ...]:
    """`[mounts]`: each name of a folder in the vault, and the real folder it shows."""
    table = _expect(value, dict, at("mounts"), "mounts")
    mounts = []
    for name, folder in sorted(table.items()):
        where = at("mounts", name)  # ``[mounts]`` or ``mounts = { … }``: the value's place
        try:
            _expect(folder, str, where, f"mounts.{name}")
            real = (vault / folder).resolve()
            if not real.is_dir():
                raise ConfigError(f"{where}: `mounts.{name}` points to {folder!r}, not a "
                                  f"folder ({folder_path_hint(folder)})")
        except ConfigError as exc:
            if name in _TOP_KEYS:
                raise ConfigError(f"{exc} ({_misplaced(name, 'mounts')})") from None
            raise
        if any(part in (".", "..") for part in name.strip("/").split("/")):
            line, col = name_place(text, "mounts", name)  # the name is what is wrong
            where = f"{CONFIG_NAME}:{line}:{col}" if line else where
            raise ConfigError(f"{where}: `mounts` name {name!r} is not a folder path in "
                              "the vault (no `.` or `..`); write where the folder appears, "
                              "e.g. Attachments")
        mounts.append((name.strip("/"), real))
    return tuple(mounts)


def _execute_settings(value: Any, text: str, at: Callable[..., str]) -> ExecSettings:
    """The `[execute]` table."""
    table = _expect(value, dict, at("execute"), "execute")
    ekw: dict[str, Any] = {}
    for key in ("enabled", "run_plain_python"):
        if key in table:
            ekw[key] = _expect(table[key], bool, at(f"execute.{key}"), f"execute.{key}")
    if "timeout" in table:
        where = at("execute.timeout")
        ekw["timeout"] = float(_at_least(_expect(table["timeout"], (int, float), where,
                                                 "execute.timeout"), 0, where,
                                         "execute.timeout", above=True))
    if "workers" in table:
        where = at("execute.workers")
        ekw["workers"] = _at_least(_expect(table["workers"], int, where, "execute.workers"),
                                   0, where, "execute.workers")
    if "cache_dir" in table:
        ekw["cache_dir"] = _expect(table["cache_dir"], str, at("execute.cache_dir"),
                                   "execute.cache_dir")
    if "defaults" in table:
        ekw["defaults"] = _cell_defaults(
            _expect(table["defaults"], dict, at("execute.defaults"), "execute.defaults"), at, text)
    return ExecSettings(**ekw)
