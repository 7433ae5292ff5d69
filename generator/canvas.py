"""Obsidian Canvas embeds: ``![[Board.canvas]]`` drawn as an inline SVG at build time.

A ``.canvas`` file is JSON Canvas (https://jsoncanvas.org): ``nodes`` (text, file, link and group
cards with a position, a size and a colour) and ``edges`` between the sides of two nodes.  Obsidian
shows an embedded canvas as its shapes; here the shapes are drawn once, at build time, with no
script: groups behind, then cards (a text card's text as plain lines, a file card's note or
attachment as a link, an image as the image, a link card's URL), then edges with their arrowheads
and labels.  Colours are CSS classes (Obsidian's presets ``"1"``-``"6"``) or a ``color`` attribute
(hex), drawn through ``currentColor`` so that light and dark themes both read.

The drawing has no ids (the same embed may be placed twice on a page: nothing can collide), clips a
card's text with a nested ``<svg>`` rather than a ``clipPath``, and writes every number with one
decimal, so that the same file gives the same bytes on every build.

The file is read through the render context: its href (and so its dependency) is recorded by
``ctx.href_to_attachment``, each file card's name by the context's resolver, and a note shown in a
card by ``deps.embeds``; an edit of any of them renders the pages that show the canvas again.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import math
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.diagnostics import Span, warning
from generator.markdown.wikilinks import IMAGE_EXT
from generator.model import LinkRef
from generator.urls import local_parts

if TYPE_CHECKING:
    from generator.diagnostics import Diagnostic
    from generator.index import Resolution, VaultIndex
    from generator.model import Note, SiteUrl, SourceFile
    from generator.render import RenderContext

MAX_NODES = 2000  # nodes drawn; a larger canvas is drawn in part, with a warning
MAX_EDGES = 4000
MAX_BYTES = 8 * 1024 * 1024  # a larger file is not read
MAX_TEXT = 2000  # characters of a card's text that are laid out
STYLESHEET = "_assets/canvas.css"  # templates/static/canvas.css, loaded by pages with a canvas
SIDES = ("top", "right", "bottom", "left")
PRESETS = ("1", "2", "3", "4", "5", "6")  # red, orange, yellow, green, cyan, purple
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_URL = re.compile(r"(?:https?://|mailto:)[^\s\"'<>]+", re.IGNORECASE)

FONT = 16.0  # text size in canvas units (Obsidian's card text)
LINE = 22.0
PAD = 12.0  # inside a card
RADIUS = 8.0


class CanvasError(ValueError):
    """The file is no canvas that can be drawn (the message says why); ``where``: the 0-based
    line and column in the file of what is wrong, when known."""

    def __init__(self, message: str, where: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    x: float
    y: float
    w: float
    h: float
    color: str = ""
    text: str = ""  # text card's Markdown
    file: str = ""  # file card's vault path
    subpath: str = ""  # file card's "#Heading"
    url: str = ""  # link card's URL
    label: str = ""  # group's label
    background: str = ""  # group's background image, a vault path
    background_style: str = ""  # how it fills the group: "cover", "ratio" or "repeat"
    # where it is written in the file: 0-based (line, column) of the object ("") and of the
    # values of its "file", "subpath", "text" and "background" keys, when found
    at: tuple[tuple[str, int, int], ...] = ()

    def place(self, key: str = "") -> tuple[int, int] | None:
        """The 0-based line and column of ``key``'s value in the file, else of the node itself."""
        found = dict((k, (line, col)) for k, line, col in self.at)
        return found.get(key) or found.get("")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    from_side: str = ""
    to_side: str = ""
    from_end: str = "none"
    to_end: str = "arrow"
    label: str = ""
    color: str = ""


@dataclass(frozen=True)
class Canvas:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    total_nodes: int  # in the file (more than drawn when over MAX_NODES)
    # why nodes or edges were left out, one line each, with where the entry is (0-based line and
    # column in the file, when found)
    skipped: tuple[tuple[str, tuple[int, int] | None], ...]
    # the links written in text cards: (the card's place in ``nodes``, target as written, where
    # the link is written in the file: 0-based line and column, when found, and its heading or
    # block as a wikilink's meta has them: ``anchor``, ``block``; and ``embed``, a wikilink's
    # ``alias`` and ``name`` (written before its ``|``), a Markdown link's ``markdown``)
    text_links: tuple[tuple[int, str, tuple[int, int] | None, dict[str, Any]], ...] = ()
    # how its bytes were read when they are not UTF-8 (``encoding`` warnings, with no path)
    read_as: tuple[Diagnostic, ...] = ()


# -- reading -----------------------------------------------------------------------------------------
def _number(node: dict, key: str) -> float:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CanvasError(f"its {key!r} is not a number")
    return float(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _color(value: Any) -> str:
    value = _text(value).strip()
    return value if value in PRESETS or _HEX.fullmatch(value) else ""


def _node(raw: Any) -> Node:
    if not isinstance(raw, dict):
        raise CanvasError("it is not an object")
    kind = _text(raw.get("type"))
    if kind not in ("text", "file", "link", "group"):
        raise CanvasError(f"its type {raw.get('type')!r} is none of text, file, link, group")
    x, y, w, h = (_number(raw, k) for k in ("x", "y", "width", "height"))
    if w <= 0 or h <= 0:
        raise CanvasError("its width or height is not positive")
    if kind == "file" and not _text(raw.get("file")).strip():
        raise CanvasError("it is a file card without a file")
    return Node(_text(raw.get("id")), kind, x, y, w, h, _color(raw.get("color")),
                _text(raw.get("text")), _text(raw.get("file")).strip(), _text(raw.get("subpath")),
                _text(raw.get("url")).strip(), _text(raw.get("label")),
                _text(raw.get("background")).strip() if kind == "group" else "",
                _text(raw.get("backgroundStyle")).strip())


def _edge(raw: Any, drawn: set[str]) -> Edge:
    if not isinstance(raw, dict):
        raise CanvasError("it is not an object")
    ends = _text(raw.get("fromNode")), _text(raw.get("toNode"))
    if not all(ends):
        raise CanvasError("it has no fromNode or toNode")
    missing = [end for end in ends if end not in drawn]
    if missing:
        raise CanvasError(f"its node {missing[0]!r} is not in the canvas")

    def side(key: str) -> str:
        value = _text(raw.get(key))
        return value if value in SIDES else ""

    def end(key: str, default: str) -> str:
        value = _text(raw.get(key)) or default
        return value if value in ("none", "arrow") else default

    return Edge(ends[0], ends[1], side("fromSide"), side("toSide"), end("fromEnd", "none"),
                end("toEnd", "arrow"), _text(raw.get("label")), _color(raw.get("color")))


_PARSED: dict[str, Canvas | CanvasError] = {}  # by content digest: a canvas shown on many pages


def parse_canvas(data: bytes) -> Canvas:
    """The canvas in ``data`` (a ``.canvas`` file's bytes); CanvasError when it is none."""
    key = hashlib.blake2b(data, digest_size=16).hexdigest()
    if key not in _PARSED:
        if len(_PARSED) >= 32:
            _PARSED.clear()
        try:
            _PARSED[key] = _parse(data)
        except CanvasError as exc:
            _PARSED[key] = exc
    found = _PARSED[key]
    if isinstance(found, CanvasError):
        raise CanvasError(str(found), found.where)
    return found


def _parse(data: bytes) -> Canvas:
    from generator.frontmatter import decode

    # not UTF-8 (saved by hand from an editor in another encoding): read as a note would be
    text, read_as = decode(data, "")
    if not text.strip():  # a file with nothing in it: Obsidian opens it as an empty canvas
        return Canvas((), (), 0, (), (), tuple(read_as))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        read = [d.message.split("; ", 1)[-1] for d in read_as if d.code == "encoding"]
        raise CanvasError((f"it is not UTF-8 ({read[0]}), and " if read else "it is ")
                          + f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg})", (exc.lineno - 1, exc.colno - 1)) from None
    except RecursionError:
        raise CanvasError("it is JSON nested too deep") from None
    if not isinstance(doc, dict):
        raise CanvasError("it is JSON, but not an object with 'nodes' and 'edges'")
    if doc and "nodes" not in doc and "edges" not in doc:
        raise CanvasError("it is JSON, but has neither 'nodes' nor 'edges'")
    raw_nodes, raw_edges = doc.get("nodes", []), doc.get("edges", [])
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        raise CanvasError("its 'nodes' or 'edges' is not a list")
    places = _Places(text)
    nodes: list[Node] = []
    skipped: list[tuple[str, tuple[int, int] | None]] = []
    node_at = places.entries("nodes")
    quotes: list[int | None] = []  # where each drawn node's "text" value is written
    for i, raw in enumerate(raw_nodes[:MAX_NODES]):
        at = node_at[i] if i < len(node_at) else {}
        try:
            node = _node(raw)
        except CanvasError as exc:
            skipped.append((f"node {i + 1} ({_label(raw)}) is left out: {exc}",
                            places.line_col(at.get("", -1))))
            continue
        quotes.append(at.get("text"))
        nodes.append(dataclasses.replace(node, at=tuple(
            (key, *places.line_col(at[key])) for key in ("", "file", "subpath", "text", "background")
            if key in at)))
    drawn = {n.id for n in nodes if n.id}
    edges: list[Edge] = []
    edge_at = places.entries("edges")
    for i, raw in enumerate(raw_edges[:MAX_EDGES]):
        try:
            edges.append(_edge(raw, drawn))
        except CanvasError as exc:
            if len(raw_nodes) <= MAX_NODES:  # beyond the cap, edges to undrawn nodes go quietly
                at = edge_at[i] if i < len(edge_at) else {}
                skipped.append((f"edge {i + 1} ({_label(raw)}) is left out: {exc}",
                                places.line_col(at.get("", -1))))
    links = []
    for i, n in enumerate(nodes):
        if n.type == "text" and ("](" in n.text or "[[" in n.text):
            quote = quotes[i]
            for target, line, col, fragment in _text_links(n.text):
                where = None
                if quote is not None:
                    offset = sum(len(part) + 1 for part in n.text.split("\n")[:line]) + col
                    where = places.line_col(_in_string(text, quote, offset))
                links.append((i, target, where, fragment))
    return Canvas(tuple(nodes), tuple(edges), len(raw_nodes), tuple(skipped), tuple(links),
                  tuple(read_as))


_WS = re.compile(r"[ \t\n\r]*")


class _Places:
    """Where the entries of a canvas's top-level lists are written in its JSON text: offsets of
    each object (key "") and of each of its values, found by walking the text as ``json`` reads it
    (a minified one-line file as well as an indented one)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, list[dict[str, int]]] = {}
        self._starts: list[int] | None = None
        try:
            self._walk()
        except (ValueError, IndexError):  # the file was read by json.loads: not expected
            self.found = {}

    def _ws(self, i: int) -> int:
        match = _WS.match(self.text, i)
        return match.end() if match else i

    def _walk(self) -> None:
        text, decoder = self.text, json.JSONDecoder()
        i = self._ws(0)
        if not text.startswith("{", i):
            return
        i = self._ws(i + 1)
        while text.startswith('"', i):
            key, i = json.decoder.scanstring(text, i + 1)
            i = self._ws(self._ws(i) + 1)  # past the colon
            if key in ("nodes", "edges") and text.startswith("[", i):
                self.found[key], i = self._list(i, decoder)  # the last of a repeated key, as json
            else:
                i = decoder.raw_decode(text, i)[1]
            i = self._ws(i)
            if text.startswith(",", i):
                i = self._ws(i + 1)

    def _list(self, i: int, decoder: json.JSONDecoder) -> tuple[list[dict[str, int]], int]:
        text, out = self.text, []
        i = self._ws(i + 1)
        while not text.startswith("]", i):
            entry = {"": i}
            if text.startswith("{", i):
                i = self._ws(i + 1)
                while text.startswith('"', i):
                    key, i = json.decoder.scanstring(text, i + 1)
                    i = self._ws(self._ws(i) + 1)
                    entry[key] = i
                    i = self._ws(decoder.raw_decode(text, i)[1])
                    if text.startswith(",", i):
                        i = self._ws(i + 1)
                i += 1  # the closing brace
            else:
                i = decoder.raw_decode(text, i)[1]
            out.append(entry)
            i = self._ws(i)
            if text.startswith(",", i):
                i = self._ws(i + 1)
        return out, i + 1

    def entries(self, key: str) -> list[dict[str, int]]:
        return self.found.get(key, [])

    def line_col(self, offset: int) -> tuple[int, int] | None:
        """The 0-based line and column (in characters) of ``offset``; None for -1 (not found)."""
        if offset < 0:
            return None
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]


def _in_string(text: str, quote: int, want: int) -> int:
    """The offset in ``text`` of the ``want``-th character of the JSON string whose opening quote
    is at ``quote`` (escapes such as ``\\n`` are one character, as the string reads)."""
    i, seen = quote + 1, 0
    while seen < want and i < len(text) and text[i] != '"':
        if text[i] == "\\":
            if text.startswith("u", i + 1):
                high = 0xD800 <= int(text[i + 2:i + 6], 16) < 0xDC00
                i += 12 if high and text.startswith("\\u", i + 6) else 6
            else:
                i += 2
        else:
            i += 1
        seen += 1
    return i


def _text_links(text: str) -> list[tuple[str, int, int, dict[str, Any]]]:
    """The notes and files a text card's Markdown links to or embeds, as written: wikilinks and
    embeds, and Markdown links and images with a local path (percent-decoded); nothing in code,
    no ``[[#Heading]]`` of the card itself, no web address.  Each with the 0-based line and column
    in ``text`` where it is written, and its heading or block (``anchor``, ``block``)."""
    from urllib.parse import urlsplit

    from generator.index import wikilink_name
    from generator.parse import markdown
    from generator.render import _fragment_meta

    found: list[tuple[str, int, int, dict[str, Any]]] = []
    for tok in markdown().parse(text, {}):
        for child in tok.children or ():
            meta = child.meta or {}
            where = int(meta.get("line") or 0), int(meta.get("col") or 0)
            if child.type in ("wikilink", "embed"):
                raw = str(meta.get("raw", ""))
                fragment = {"anchor": list(meta.get("anchor") or ()), "block": meta.get("block"),
                            "alias": meta.get("alias"), "embed": child.type == "embed",
                            "name": wikilink_name(raw[raw.index("[[") + 2:-2]) if raw else None}
                found.append((str(meta.get("target", "")), *where, fragment))
            elif child.type in ("link_open", "image"):
                href = str(child.attrGet("href") or child.attrGet("src") or "")
                parts = urlsplit(href)
                if not parts.scheme and not parts.netloc:
                    path, frag = local_parts(href)
                    found.append((path, *where, {**_fragment_meta(frag), "markdown": True,
                                                 "embed": child.type == "image"}))
    return [link for link in found if link[0].strip()]


def _label(raw: Any) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f"id {ident!r}" if isinstance(ident, str) and ident else "no id"


# -- laying out text ---------------------------------------------------------------------------------
def _char_width(char: str) -> float:
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5


def _width(text: str) -> float:
    """The width of ``text`` in em, roughly (wide East Asian characters are a whole em)."""
    return sum(map(_char_width, text))


def wrap(text: str, width_em: float) -> list[str]:
    """``text`` (its first ``MAX_TEXT`` characters) cut into lines of at most ``width_em``: at
    spaces, and inside a word wider than the line."""
    lines: list[str] = []
    for para in text[:MAX_TEXT].split("\n"):
        line, used = "", 0.0
        for word in para.split(" "):
            size = _width(word)
            gap = 0.5 if line else 0.0
            if used + gap + size <= width_em:
                line, used = (f"{line} {word}" if line else word), used + gap + size
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            for char in word:  # a word wider than the line is cut where it must
                size = _char_width(char)
                if used + size > width_em and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + size
        lines.append(line)
    return lines


def markdown_lines(text: str) -> list[tuple[str, str]]:
    """A text card's Markdown as plain lines, each with its kind ("h" heading, "p" text, "code",
    "" a gap between blocks)."""
    return [("".join(run for run, _link in runs), kind) for runs, kind in markdown_runs(text)]


# a piece of a line of text and the link it is part of: None, or how the link was written:
# ("wiki", the wikilink's meta) for ``[[...]]`` and ``![[...]]``, ("md", href) for ``[x](...)``
# and ``![x](...)``, ("tag", the tag as written, no "#") for ``#tag``
Run = tuple[str, Any]


def markdown_runs(text: str) -> list[tuple[list[Run], str]]:
    """A text card's Markdown as lines of runs (plain text, and the words of each link with how
    the link was written), each line with its kind as ``markdown_lines`` gives it."""
    from generator.parse import markdown

    out: list[tuple[list[Run], str]] = []
    kind, prefix = "p", ""
    for tok in markdown().parse(text[:MAX_TEXT], {}):
        if tok.type == "heading_open":
            kind = "h"
        elif tok.type == "list_item_open":
            prefix = "• " if tok.markup in "-*+" else f"{tok.info}{tok.markup} "
        elif tok.type in ("fence", "code_block"):
            out += [([(line, None)], "code") for line in tok.content.rstrip("\n").split("\n")]
            out.append(([], ""))
        elif tok.type == "inline":
            kids = [k for k in tok.children or () if k.type != "text" or k.content.strip()]
            if not prefix and len(kids) == 1 and kids[0].type in ("embed", "image"):
                # an embed alone in its paragraph: "img", which the drawing shows as the picture
                # when it is one (else as its link)
                out.append((_runs(kids), "img"))
                continue
            line: list[Run] = [(prefix, None)] if prefix else []
            for run in _runs(tok.children or ()):
                pieces = run[0].split("\n")
                for i, piece in enumerate(pieces):
                    if i:
                        out.append((line, kind))
                        line = []
                    if piece:
                        line.append((piece, run[1]))
            out.append((line, kind))
            prefix = ""
        elif tok.type in ("paragraph_close", "heading_close") and not tok.hidden:
            out.append(([], ""))
            kind = "p"
    while out and out[-1][1] == "":
        out.pop()
    return out


def _runs(children, link: Any = None) -> list[Run]:
    parts: list[Run] = []
    for tok in children:
        meta = tok.meta or {}
        if tok.type in ("softbreak", "hardbreak"):
            parts.append(("\n", None))
        elif tok.type in ("wikilink", "embed"):
            shown = meta.get("alias") or tok.content or meta.get("target", "")
            parts.append((shown, link or ("wiki", meta)))
        elif tok.type == "link_open":
            link = ("md", str(tok.attrGet("href") or ""))
        elif tok.type == "link_close":
            link = None
        elif tok.type == "image":
            shown = tok.content or _plain(tok.children or ()) or str(tok.attrGet("src") or "")
            parts.append((shown, link or ("md", str(tok.attrGet("src") or ""))))
        elif tok.type == "tag":
            tag = str(meta.get("tag", tok.content))
            parts.append(("#" + tag, link or ("tag", tag)))
        elif tok.type in ("html_inline", "footnote_ref"):
            continue
        elif tok.children:
            parts += _runs(tok.children, link)
        else:
            parts.append((tok.content, link))
    return parts


def _plain(children) -> str:
    return "".join(run for run, _link in _runs(children))


def wrap_runs(runs: list[Run], width_em: float) -> list[list[Run]]:
    """One line of runs cut as ``wrap`` cuts its text, each piece keeping its run's link."""
    text = "".join(run for run, _link in runs)
    owner = [link for run, link in runs for _char in run]
    out: list[list[Run]] = []
    pos = 0
    for line in wrap(text, width_em):
        while not text.startswith(line, pos) and text.startswith(" ", pos):
            pos += 1  # the space a line was cut at
        pieces: list[Run] = []
        for i, char in enumerate(line, pos):
            link = owner[i] if i < len(owner) else None
            if pieces and pieces[-1][1] == link:
                pieces[-1] = (pieces[-1][0] + char, link)
            else:
                pieces.append((char, link))
        out.append(pieces)
        pos += len(line)
    return out


# -- drawing -----------------------------------------------------------------------------------------
def num(value: float) -> str:
    """A coordinate as the SVG writes it: one decimal at most, the same on every machine."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def _colour_attrs(color: str, base: str) -> str:
    """``class`` (and ``color`` for a hex colour) of a coloured shape."""
    if not color:
        return f'class="{base}"'
    if color in PRESETS:
        return f'class="{base} canvas-colored canvas-c{color}"'
    return f'class="{base} canvas-colored" color="{color.lower()}"'


def _side_point(node: Node, side: str) -> tuple[float, float]:
    cx, cy = node.x + node.w / 2, node.y + node.h / 2
    return {"top": (cx, node.y), "bottom": (cx, node.y + node.h),
            "left": (node.x, cy), "right": (node.x + node.w, cy)}[side]


_NORMAL = {"top": (0.0, -1.0), "bottom": (0.0, 1.0), "left": (-1.0, 0.0), "right": (1.0, 0.0)}


def _sides(a: Node, b: Node, edge: Edge) -> tuple[str, str]:
    """The sides an edge leaves and enters by: as written, else the ones that face each other."""
    dx = (b.x + b.w / 2) - (a.x + a.w / 2)
    dy = (b.y + b.h / 2) - (a.y + a.h / 2)
    if abs(dx) >= abs(dy):
        guess = ("right", "left") if dx >= 0 else ("left", "right")
    else:
        guess = ("bottom", "top") if dy >= 0 else ("top", "bottom")
    return edge.from_side or guess[0], edge.to_side or guess[1]


@dataclass
class _Box:
    x0: float = math.inf
    y0: float = math.inf
    x1: float = -math.inf
    y1: float = -math.inf

    def add(self, x: float, y: float) -> None:
        self.x0, self.y0 = min(self.x0, x), min(self.y0, y)
        self.x1, self.y1 = max(self.x1, x), max(self.y1, y)


def _edge_geometry(edge: Edge, nodes: dict[str, Node]):
    a, b = nodes[edge.source], nodes[edge.target]
    side_a, side_b = _sides(a, b, edge)
    p0, p3 = _side_point(a, side_a), _side_point(b, side_b)
    pull = min(150.0, max(30.0, math.dist(p0, p3) / 2))
    na, nb = _NORMAL[side_a], _NORMAL[side_b]
    p1 = (p0[0] + na[0] * pull, p0[1] + na[1] * pull)
    p2 = (p3[0] + nb[0] * pull, p3[1] + nb[1] * pull)
    return p0, p1, p2, p3, na, nb


def _arrow(tip: tuple[float, float], normal: tuple[float, float]) -> str:
    """A filled arrowhead whose point is ``tip``, pointing against ``normal`` (into the node)."""
    length, half = 14.0, 7.0
    bx, by = tip[0] + normal[0] * length, tip[1] + normal[1] * length
    px, py = -normal[1] * half, normal[0] * half
    return (f'<path class="canvas-arrow" d="M{num(tip[0])} {num(tip[1])}L{num(bx + px)} '
            f'{num(by + py)}L{num(bx - px)} {num(by - py)}Z"/>')


def _text_block(lines: list[tuple[Any, str]], width: float, height: float,
                top: float = 0.0) -> tuple[str, float]:
    """Lines laid out inside a card of ``width`` x ``height`` from ``top`` (the caller clips them
    at the card's edges), and where they end.  A line is a string, or runs whose links are made
    already (None, or the link's href, None when unresolved, and class); a line of kind "img" is
    a picture's href and size."""
    out: list[str] = []
    y = top + PAD
    for text, kind in lines:
        size = FONT * 1.25 if kind == "h" else FONT * 0.875 if kind == "code" else FONT
        if kind == "":
            y += LINE * 0.4
            continue
        if kind == "img":  # (href, width, height): as wide as the card or its own width
            href, pw, ph = text
            shown_w = min(width - 2 * PAD, pw)
            shown_h = min(ph * shown_w / pw, height - 4 - y)
            if shown_w <= 0 or shown_h <= 0:
                return "".join(out), y
            out.append(f'<image href="{_esc(href)}" x="{num(PAD)}" y="{num(y)}" '
                       f'width="{num(shown_w)}" height="{num(shown_h)}" '
                       'preserveAspectRatio="xMinYMin meet"/>')
            y += shown_h + LINE * 0.2
            continue
        runs = [(text, None)] if isinstance(text, str) else text
        filled = any(run for run, _link in runs)
        for piece in wrap_runs(runs, (width - 2 * PAD) / size) if filled else [[]]:
            if y + size * 1.375 > height - 4:  # only whole lines: the next would be cut
                return "".join(out), y
            y += size * 1.375
            cls = {"h": "canvas-h", "code": "canvas-code"}.get(kind, "")
            attr = f' class="{cls}"' if cls else ""
            out.append(f'<text x="{num(PAD)}" y="{num(y - size * 0.3)}"{attr}>'
                       f"{''.join(map(_run_svg, piece))}</text>")
    return "".join(out), y


def _run_svg(run: Run) -> str:
    text, link = run
    if link is None:
        return _esc(text)
    href, cls = link
    return (f'<a class="{cls}"' + (f' href="{_esc(href)}"' if href is not None else "")
            + f">{_esc(text)}</a>")


def _lines(lines: list[tuple[Any, str]], width: float, height: float) -> str:
    return _text_block(lines, width, height)[0]


class _Drawing:
    """One canvas drawn for one page (hrefs through the render context)."""

    def __init__(self, ctx: RenderContext, att: SourceFile, canvas: Canvas, own: bool):
        self.ctx, self.att, self.canvas = ctx, att, canvas
        self.source = ctx.note if own else stand_in(att)
        self.box = _Box()
        # by id() of the text card: what its links name, and where each is written
        self.links: dict[int, list[tuple[str, tuple[int, int] | None, dict[str, Any]]]] = {}
        for i, target, where, fragment in canvas.text_links:
            self.links.setdefault(id(canvas.nodes[i]), []).append((target, where, fragment))

    def resolve(self, target: str) -> Resolution:
        """A name written in a text card, resolved as Obsidian resolves it: from the canvas's
        folder, wherever the canvas is shown (recorded as the context's names are)."""
        ctx, source = self.ctx, self.source
        ctx.deps.names.add((target, source.id))
        res = ctx.index.resolve(target, source)
        if res.note is not None:
            ctx.deps.notes.add(res.note.id)
        return res

    def warn(self, code: str, message: str, where: tuple[int, int] | None, hint: str) -> None:
        _warn(self.ctx, self.att, code, message, where, hint)

    def svg(self) -> str:
        canvas = self.canvas
        groups = [n for n in canvas.nodes if n.type == "group"]
        cards = [n for n in canvas.nodes if n.type != "group"]
        by_id = {n.id: n for n in canvas.nodes if n.id}
        parts = ['<g class="canvas-groups">', *map(self.group, groups), "</g>",
                 '<g class="canvas-cards">', *map(self.card, cards), "</g>",
                 '<g class="canvas-edges">', *(self.edge(e, by_id) for e in canvas.edges), "</g>"]
        for n in canvas.nodes:
            self.box.add(n.x, n.y - (30 if n.type == "group" and n.label else 0))
            self.box.add(n.x + n.w, n.y + n.h)
        pad = 24.0
        x0, y0 = self.box.x0 - pad, self.box.y0 - pad
        w, h = self.box.x1 - self.box.x0 + 2 * pad, self.box.y1 - self.box.y0 + 2 * pad
        name = posixpath.basename(self.att.rel)
        summary = (f"Canvas {name}: {len(cards)} card{'s' * (len(cards) != 1)}, "
                   f"{len(groups)} group{'s' * (len(groups) != 1)}, {len(canvas.edges)} "
                   f"connection{'s' * (len(canvas.edges) != 1)}")
        return (f'<svg class="canvas-svg" xmlns="http://www.w3.org/2000/svg" '
                f'viewBox="{num(x0)} {num(y0)} {num(w)} {num(h)}" width="{num(w)}" '
                f'height="{num(h)}" style="--canvas-w:{num(w)}px;--canvas-h:{num(h)}px" '
                f'role="group" '
                f'aria-label="{_esc(summary)}">'
                f"<title>{_esc(summary)}</title>{''.join(parts)}</svg>")

    def group(self, node: Node) -> str:
        label = (f'<text class="canvas-group-label" x="{num(node.x + 4)}" y="{num(node.y - 10)}">'
                 f"{_esc(node.label[:200])}</text>" if node.label else "")
        back = self._background(node) if node.background else ""
        # a background is framed again over it: the group's border stays seen
        frame = self._rect(node, 14).replace('class="canvas-box"', 'class="canvas-box canvas-frame"')
        return (f"<g {_colour_attrs(node.color, 'canvas-group')}>{self._rect(node, 14)}"
                f"{back + frame if back else ''}{label}</g>")

    def _background(self, node: Node) -> str:
        """A group's background image (JSON Canvas ``background``), cut at the group's edges:
        ``backgroundStyle`` "cover" (the default) fills the group, "ratio" shows the whole image,
        "repeat" tiles it at its own size."""
        from generator.imagesize import image_size

        res = self.ctx._resolve("/" + node.background.lstrip("/"))
        att = res.attachment
        if res.kind != "attachment" or att is None:
            if res.kind in ("missing", "outside"):
                self.warn("link-unresolved",
                          f": group {node.id or '(no id)'} has the background "
                          f"{node.background!r}, which does not exist in the vault",
                          node.place("background"),
                          hint="point the group's background at an existing image in Obsidian")
            return ""
        if posixpath.splitext(att.rel)[1].lower().lstrip(".") not in IMAGE_EXT:
            return ""
        href = _esc(self.ctx.href_to_attachment(att))
        size = image_size(att.abs) if node.background_style == "repeat" else None
        tiles = ((math.ceil(node.w / size.width), math.ceil(node.h / size.height))
                 if size and size.width and size.height else (0, 0))
        if 0 < tiles[0] * tiles[1] <= 400 and size is not None:
            inner = "".join(
                f'<image href="{href}" x="{num(i * size.width)}" y="{num(j * size.height)}" '
                f'width="{num(size.width)}" height="{num(size.height)}"/>'
                for j in range(tiles[1]) for i in range(tiles[0]))
        else:
            fit = "meet" if node.background_style == "ratio" else "slice"
            inner = (f'<image href="{href}" x="0" y="0" width="{num(node.w)}" '
                     f'height="{num(node.h)}" preserveAspectRatio="xMidYMid {fit}"/>')
        return f'<g class="canvas-background">{self._clip(node, inner)}</g>'

    @staticmethod
    def _rect(node: Node, radius: float = RADIUS) -> str:
        return (f'<rect class="canvas-box" x="{num(node.x)}" y="{num(node.y)}" width="{num(node.w)}" '
                f'height="{num(node.h)}" rx="{num(radius)}"/>')

    def _clip(self, node: Node, inner: str) -> str:
        """``inner`` in the card's own coordinates, cut at the card's edges."""
        return (f'<svg x="{num(node.x)}" y="{num(node.y)}" width="{num(node.w)}" '
                f'height="{num(node.h)}">{inner}</svg>')

    def card(self, node: Node) -> str:
        kind, inner = {"link": "canvas-weblink"}.get(node.type, "canvas-" + node.type), ""
        if node.type == "text":
            lines: list[tuple[Any, str]] = []
            for runs, shape in markdown_runs(node.text):
                picture = self._picture(runs[0][1]) if shape == "img" else None
                if picture is not None:
                    lines.append((picture, "img"))
                    continue
                lines.append(([(run, self._link(link)) for run, link in runs],
                              "p" if shape == "img" else shape))
            inner = _lines(lines, node.w, node.h)
            self._check_links(node)
        elif node.type == "link":
            inner = self._link_card(node)
        else:
            kind, inner = self._file_card(node)
        return (f"<g {_colour_attrs(node.color, 'canvas-card ' + kind)}>{self._rect(node)}"
                f"{self._clip(node, inner) if inner else ''}</g>")

    def _check_links(self, node: Node) -> None:
        """A text card's links to notes and files the vault does not have, reported as a file
        card's missing file is."""
        for target, where, fragment in self.links.get(id(node), ()):
            res = self.resolve(target)
            if res.kind == "note" and res.note is not None and (
                    fragment.get("anchor") or fragment.get("block")) \
                    and self.ctx._fragment(res.note, fragment) is None:
                block = fragment.get("block")
                what = f"block ^{block}" if block else \
                    f"heading {'#'.join(fragment.get('anchor') or ())!r}"
                self.warn("anchor-unresolved",
                          f": text card {node.id or '(no id)'} links to {what}, not found in "
                          f"{res.note.rel}", where or node.place("text"),
                          hint="fix the link in the card in Obsidian, or add the heading")
            if res.candidates and res.kind != "missing":
                self._ambiguous(node, target, res, where)
            # why it finds nothing, as for the same link in a note (in the trash, left out, a
            # title, a name with '#' a wikilink cannot spell, ...)
            missing = None
            if res.kind == "missing":
                name = fragment.get("name")
                if name and "#" in name:  # its hint depends on what the whole name finds
                    self.resolve(name)
                ref = LinkRef(target=target, anchor=tuple(fragment.get("anchor") or ()),
                              block=fragment.get("block"), alias=fragment.get("alias"),
                              embed=bool(fragment.get("embed")),
                              kind="markdown" if fragment.get("markdown") else "wikilink")
                missing = self.ctx.index.missing_target(
                    target, self.source, "link", res.candidates, ref, written=name or "",
                    otherwise="fix the link in the card in Obsidian, or create the note")
            if missing is not None:
                self.warn("link-unresolved", f": text card {node.id or '(no id)'} links to "
                          f"{target!r}, which {missing[0]}", where or node.place("text"),
                          hint=missing[1])

    def _ambiguous(self, node: Node, target: str, res: Resolution,
                   where: tuple[int, int] | None) -> None:
        """A text card's link whose name several files share (or an alias of several notes), as
        the same link in a note is reported: which one it leads to, and the others."""
        from generator.index import other_candidates

        chosen = res.note.rel if res.note is not None else res.attachment.rel  # type: ignore[union-attr]
        others = other_candidates(res.candidates, chosen)  # as the note's link names them
        what = "is an alias of several notes" if res.alias else "matches several files"
        self.warn("link-ambiguous",
                  f": text card {node.id or '(no id)'} links to {target!r}, which {what}; "
                  f"using {chosen}", where or node.place("text"),
                  hint=f"other candidates: {others}; "
                  + ("link to the note by its file name to choose one" if res.alias
                     else "write the folder to choose one") + ", in the card in Obsidian")

    def _picture(self, link: Any) -> tuple[str, float, float] | None:
        """The href and size of the picture an embed in a text card shows (``![[pic.png]]``,
        ``![](pic.png)``), as Obsidian shows it in the card; None when it names no picture."""
        from urllib.parse import urlsplit

        from generator.imagesize import image_size

        how, written = link
        target = (local_parts(written)[0] if how == "md" and not urlsplit(written).scheme
                  else str(written.get("target", "")) if how == "wiki" else "")
        if not target.strip():
            return None
        res = self.resolve(target)
        att = res.attachment
        if res.kind != "attachment" or att is None \
                or posixpath.splitext(att.rel)[1].lower().lstrip(".") not in IMAGE_EXT:
            return None
        size = image_size(att.abs)
        width, height = (size.width, size.height) if size and size.width and size.height \
            else (16.0, 9.0)
        return self.ctx.href_to_attachment(att), float(width), float(height)

    def _link(self, link: Any) -> tuple[str | None, str] | None:
        """The href and class of a link written in a text card, as the same link in a note has
        them (an unresolved one: ``broken``, no href; one to an unpublished note, or to a heading
        of the card itself: plain text).  Links in a text card are no backlinks (Obsidian's help:
        "Text-only cards don't appear in Backlinks"): they are drawn, not counted."""
        from urllib.parse import urlsplit

        from generator.obsidian_uri import is_obsidian_uri
        from generator.render import _fragment_meta

        if link is None:
            return None
        ctx, (how, written) = self.ctx, link
        if how == "tag":
            # a link to the tag's page, as in a note; the card's tags are not the canvas's (Obsidian
            # indexes no canvas's cards), so a tag no note has has no page: it stays text
            key = written.casefold()
            ctx.deps.tags.add(key)
            url = ctx.index.tag_urls.get(key)
            return (ctx._href(url), "tag") if url is not None else None
        if how == "md":
            parts = urlsplit(written)
            if parts.scheme.lower() in ("http", "https", "mailto") and _URL.match(written):
                return written, "external-link"
            if parts.scheme or parts.netloc or written.startswith(("#", "//")) or not parts.path:
                return None
            path, frag = local_parts(written)
            written = {"target": path, **_fragment_meta(frag)}
        target = str(written.get("target", ""))
        if not target.strip() or is_obsidian_uri(target):
            return None
        res = self.resolve(target)
        if res.kind == "note" and res.note is not None:
            return ctx.href_to_note(res.note, ctx._fragment(res.note, written)), "internal-link"
        if res.kind == "attachment" and res.attachment is not None:
            return (ctx.href_to_file(res.attachment, written.get("anchor") or ()),
                    "internal-link attachment-link")
        if res.kind == "unpublished":
            return None
        return None, "internal-link broken"

    def _link_card(self, node: Node) -> str:
        text = _lines([(node.url, "p")], node.w, node.h)
        if _URL.fullmatch(node.url):
            return f'<a class="canvas-link external-link" href="{_esc(node.url)}">{text}</a>'
        return text

    def _file_card(self, node: Node) -> tuple[str, str]:
        ctx = self.ctx
        res = ctx._resolve("/" + node.file.lstrip("/"))
        name = posixpath.basename(node.file)
        if res.kind == "note" and res.note is not None:
            note = res.note
            ctx.deps.embeds.add(note.id)  # the card shows the note's summary
            href = ctx.href_to_note(note, self._subpath(node, note))
            title, end = _text_block([(note.title, "h")], node.w, node.h)
            body = _text_block([(note.summary, "p")], node.w, node.h, top=end - PAD / 2)[0]
            return "canvas-file canvas-note", (
                f'<a class="canvas-link internal-link" href="{_esc(href)}">{title}</a>{body}')
        if res.kind == "attachment" and res.attachment is not None:
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            # a canvas on a card opens its page, as a link to it does (not its JSON file)
            href = (ctx.href_to_attachment(res.attachment) if ext in IMAGE_EXT
                    else ctx.href_to_file(res.attachment))
            if ext in IMAGE_EXT:
                return "canvas-file canvas-image", (
                    f'<a class="canvas-link" href="{_esc(href)}"><image href="{_esc(href)}" x="0" '
                    f'y="0" width="{num(node.w)}" height="{num(node.h)}" '
                    f'preserveAspectRatio="xMidYMid meet"><title>{_esc(name)}</title></image></a>')
            text = _lines([(name, "p")], node.w, node.h)
            return "canvas-file", f'<a class="canvas-link attachment-link" href="{_esc(href)}">{text}</a>'
        if res.kind == "unpublished":
            return "canvas-file unpublished", _lines([(name.removesuffix(".md"), "p")],
                                                     node.w, node.h)
        otherwise = "point the card at an existing file in Obsidian, or restore the file"
        # why the file is not there, as for a link to it (in the trash, left out, a folder, ...)
        why, hint = (ctx.index.missing_target("/" + node.file.lstrip("/"), self.source, "card",
                                              res.candidates, otherwise=otherwise)
                     if res.kind == "missing" else None) or ("does not exist in the vault", otherwise)
        self.warn("link-unresolved",
                  f": card {node.id or '(no id)'} shows the file {node.file!r}, which {why}",
                  node.place("file"), hint=hint)
        return "canvas-file broken", _lines([(name, "p"), (f"(not found: {node.file})", "code")],
                                            node.w, node.h)

    def _subpath(self, node: Node, note: Note) -> str | None:
        """The fragment of a note card's ``subpath`` (``#Heading``, ``#A#B``, ``#^block``); one
        the note does not have is an ``anchor-unresolved`` warning, as for a link, and the card
        opens the note's top."""
        parts = [p for p in node.subpath.split("#") if p.strip()]
        if not parts:
            return None
        block = parts[-1][1:].strip() if parts[-1].startswith("^") else None
        meta = {"block": block} if block else {"anchor": parts}
        fragment = self.ctx._fragment(note, meta)
        if fragment is None:
            what = f"block ^{block}" if block else f"heading {'#'.join(parts)!r}"
            self.warn("anchor-unresolved",
                      f": card {node.id or '(no id)'} shows {what}, not found in {note.rel}",
                      node.place("subpath"),
                      hint="point the card at an existing heading or block in Obsidian")
        return fragment

    def edge(self, edge: Edge, nodes: dict[str, Node]) -> str:
        p0, p1, p2, p3, na, nb = _edge_geometry(edge, nodes)
        for x, y in (p0, p1, p2, p3):
            self.box.add(x, y)
        d = (f"M{num(p0[0])} {num(p0[1])}C{num(p1[0])} {num(p1[1])} {num(p2[0])} {num(p2[1])} "
             f"{num(p3[0])} {num(p3[1])}")
        parts = [f'<path class="canvas-line" d="{d}"/>']
        if edge.label:
            mx = (p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) / 8
            my = (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) / 8
            text = edge.label.replace("\n", " ")[:200]
            half = _width(text) * FONT * 0.875 / 2 + 8
            self.box.add(mx - half, my - 13)
            self.box.add(mx + half, my + 13)
            parts.append(f'<rect class="canvas-label-bg" x="{num(mx - half)}" y="{num(my - 13)}" '
                         f'width="{num(2 * half)}" height="26" rx="4"/>'
                         f'<text class="canvas-edge-label" x="{num(mx)}" y="{num(my + 5)}">'
                         f"{_esc(text)}</text>")
        if edge.to_end == "arrow":  # over the label, which may reach the end of a short edge
            parts.append(_arrow(p3, nb))
        if edge.from_end == "arrow":
            parts.append(_arrow(p0, na))
        return f"<g {_colour_attrs(edge.color, 'canvas-edge')}>{''.join(parts)}</g>"


# -- the embed -------------------------------------------------------------------------------------------
def _warn(ctx: RenderContext, att: SourceFile, code: str, message: str,
          where: tuple[int, int] | None, hint: str) -> None:
    """A problem of the canvas ``att`` (``message`` follows its name), at ``where`` in the file
    (0-based line and column): told from its own page and from each note that embeds it, the
    same warning, printed once (``sort_diagnostics``).  Every canvas has a page (it steps aside
    from another file's address: ``VaultIndex.canvas_pages``), so the file is always the place."""
    line0, col0 = where or (0, 0)
    ctx.diagnostics.append(warning(code, f"canvas {att.rel}{message}", att.rel, line0 + 1,
                                   col0 + 1, hint))


def read_canvas(att: SourceFile) -> Canvas:
    try:
        size = att.abs.stat().st_size
        if size > MAX_BYTES:
            raise CanvasError(f"it is {size // (1024 * 1024)} MB, more than the "
                              f"{MAX_BYTES // (1024 * 1024)} MB a canvas is read up to")
        data = att.abs.read_bytes()
    except OSError as exc:
        raise CanvasError(f"it cannot be read ({exc.strerror or type(exc).__name__})") from None
    return parse_canvas(data)


def canvas_digest(att: SourceFile) -> str:
    """The content of a canvas file, as a digest (what pages that draw it depend on)."""
    try:
        return hashlib.blake2b(att.abs.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "unreadable"


def embed_canvas(ctx: RenderContext, att: SourceFile, *, page: bool = False) -> str:
    """The HTML of ``![[Board.canvas]]``: the drawing and a link to the canvas's page, or an error
    box.  ``page``: the drawing for the canvas's own page, with no such link."""
    name = posixpath.basename(att.rel)
    # the stylesheet is linked where a canvas is shown: pages without one do not load it
    sheet = f'<link rel="stylesheet" href="{_esc(ctx._href(STYLESHEET))}">'
    if page:
        link = ""
    else:
        own = ctx.index.canvas_pages()[att.rel]
        link = (f'<a class="canvas-open" href="{_esc(ctx._href(own))}">{_esc(name)}</a>'
                '<span class="canvas-open-note"> · open the canvas</span>')
    try:
        canvas = read_canvas(att)
    except CanvasError as exc:
        _warn(ctx, att, "canvas-error", f" is not drawn: {exc}", exc.where,
              hint="open it in Obsidian and save it again, or fix the file: a canvas is a JSON "
                   "object with 'nodes' and 'edges' lists (jsoncanvas.org)")
        return (f'{sheet}<span class="canvas-embed canvas-invalid" role="note"><span class="canvas-message">'
                f"This canvas could not be drawn: {_esc(str(exc))}.</span> {link}</span>")
    ctx.diagnostics.extend(dataclasses.replace(d, span=Span(att.rel, d.span.line, d.span.col))
                           for d in canvas.read_as if d.span)
    if canvas.total_nodes > MAX_NODES:
        _warn(ctx, att, "canvas-large", f" has {canvas.total_nodes} nodes; the first {MAX_NODES} "
              "are drawn", None, hint="split the canvas into several")
    for reason, where in canvas.skipped[:5]:
        _warn(ctx, att, "canvas-error", f": {reason}", where,
              hint="open the canvas in Obsidian and save it again, or fix that entry")
    if len(canvas.skipped) > 5:
        _warn(ctx, att, "canvas-error", f": {len(canvas.skipped) - 5} more nodes or edges are left "
              "out", None, hint="open the canvas in Obsidian and save it again")
    if not canvas.nodes:
        return (f'{sheet}<span class="canvas-embed canvas-empty"><span class="canvas-message">This canvas '
                f"is empty.</span> {link}</span>")
    svg = _Drawing(ctx, att, canvas, page).svg()
    caption = f'<span class="canvas-caption">{link}</span>' if link else ""
    return f'{sheet}<span class="canvas-embed">{svg}{caption}</span>'


# -- the canvas's own page -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CanvasPage:
    """What the page of one canvas shows, and what making it found."""

    url: SiteUrl
    title: str  # the file's name without ``.canvas``
    folder: str  # its vault folder
    body: str  # the drawing (or the box that says why there is none)
    attachments: tuple[str, ...]  # vault paths of the files its cards show (copied with the site)
    diagnostics: tuple[Diagnostic, ...]  # at the canvas file
    linked_by: tuple[Note, ...]  # the notes that link to it or embed it, by title


def stand_in(att: SourceFile) -> Note:
    """The note a canvas stands in for where names are resolved: the names on its cards resolve
    from its folder, and its problems are reported at its file.  Its id is no note's (a note named
    ``Board.canvas`` has the id ``Board.canvas``); ``incremental`` knows it by its prefix."""
    from generator.model import Note, NoteId

    return Note(source=att, id=NoteId(STAND_IN + att.rel), title=canvas_title(att.rel), text="")


STAND_IN = "canvas:"


def canvas_title(rel: str) -> str:
    """What a canvas is called on its page and in search: its file name without ``.canvas``."""
    return posixpath.basename(rel)[: -len(".canvas")]


def canvas_pages(index: VaultIndex, notes: list[Note]) -> list[CanvasPage]:
    """A page for each canvas of the vault: where ``[[Board.canvas]]`` leads, as Obsidian opens the
    canvas.  ``notes``: the published notes.  A canvas's problems are reported at its own file,
    once however many notes embed it.  Used by the build and by ``check`` alike."""
    from generator.render import RenderContext

    pages = index.canvas_pages()
    if not pages:
        return []
    listed = {n.id for n in notes}
    linkers = index.canvas_linkers()
    out = []
    for rel, url in pages.items():
        att = index.attachments[rel]
        page_note = stand_in(att)
        ctx = RenderContext(page_note, index, url)
        body = embed_canvas(ctx, att, page=True)
        linking = {i: embeds for i, embeds in linkers.get(rel, {}).items() if i in listed}
        out.append(CanvasPage(
            url, page_note.title, page_note.folder, body, tuple(sorted(ctx.deps.attachments)),
            tuple(ctx.diagnostics),
            tuple(sorted((index.notes[i] for i in linking),
                         key=lambda n: (n.title.casefold(), n.rel)))))
    return out


def canvas_text(att: SourceFile) -> str:
    """A canvas's words, for the site's search: group and edge labels, text cards as plain text,
    the names of the files on its cards and the addresses of its link cards."""
    try:
        canvas = read_canvas(att)
    except CanvasError:
        return ""
    parts: list[str] = []
    for node in canvas.nodes:
        if node.text:
            parts += [line for line, _kind in markdown_lines(node.text) if line]
        parts += [node.label, posixpath.basename(node.file).removesuffix(".md"), node.url]
    parts += [edge.label for edge in canvas.edges]
    return " ".join(" ".join(p.split()) for p in parts if p.strip())
