"""```` ```mermaid ```` fences: an inline SVG drawn at build time, with no browser and no network,
by ``mmdr`` (a compiled Rust renderer, the ``merman`` engine, which follows mermaid.js); where mmdr
is not installed, a readable code block (``class="mermaid-source"``) and a ``mermaid-unrendered``
warning.  A diagram mermaid cannot read is shown as source with a ``mermaid-error`` warning that
says what is wrong.

The SVG is the renderer's, but the diagram text is the note's, so the SVG goes through nh3 with the
drawing elements and attributes of SVG only (no script, no ``foreignObject``, no event handlers, no
links), and its stylesheet may not fetch anything.  Ids are made unique on the page: every diagram
is ``id="merman"`` as drawn, and its stylesheet is scoped by that id.

A node given the class ``internal-link`` (``class A,B internal-link;``) opens the note its text
names, as in Obsidian (its help: "Linking files in a diagram"): the node and its label are wrapped
in links made by the render context, after cleaning (links are what the cleaner takes out of the
renderer's SVG); a name that resolves to nothing stays unlinked, with a ``mermaid-link-unresolved``
warning at the line that gives the class.  Obsidian counts these as no links of the note (not in
its graph view), and so does vaultsite.  mmdr draws a node's label apart from its shape, in a
group of its own at the end of the drawing (its ``foreignObject`` fallback); the label of a node
is the one nearest its centre.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.model import LinkRef

from .fences import _id_attr, code_block_html, fence_language
from .mmdr_child import DrawCrash, DrawTimeout, draw, mmdr

_SVG_TAGS = {
    "svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "marker", "symbol", "title", "desc", "style", "a", "switch",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "filter",
    "feDropShadow", "feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge",
    "feMergeNode", "feBlend", "feColorMatrix"}
_SVG_ATTRS = {
    "id", "class", "style", "role", "transform", "viewBox", "preserveAspectRatio", "width",
    "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "d",
    "points", "fill", "fill-opacity", "fill-rule", "clip-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "opacity", "marker-start", "marker-mid",
    "marker-end", "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "text-anchor", "dominant-baseline", "alignment-baseline", "font-family", "font-size",
    "font-weight", "font-style", "letter-spacing", "textLength", "lengthAdjust", "offset",
    "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "patternUnits",
    "clipPathUnits", "filterUnits", "stdDeviation", "flood-color", "flood-opacity", "in",
    "in2", "operator", "result", "mode", "values", "type", "visibility", "display", "xmlns"}
_CLEANER = nh3.Cleaner(tags=_SVG_TAGS, attributes={"*": _SVG_ATTRS}, clean_content_tags=set(),
                       generic_attribute_prefixes={"data-", "aria-"}, url_schemes=set(),
                       link_rel=None, strip_comments=True)
_ID = re.compile(r'\bid="([^"]+)"')
_STYLE = re.compile(r"(<style>)(.*?)(</style>)", re.S)
_STYLE_ATTR = re.compile(r'(\sstyle=")([^"]*)(")')
_ARIA_REFS = re.compile(r'(\saria-(?:labelledby|describedby)=")([^"]*)(")')
# in the stylesheet: what would fetch a file (an @import, a url() that is not one of its own ids)
_FETCH = re.compile(r"@import[^;]*;?|url\(\s*(?![\"']?#)[^)]*\)", re.I)
# the drawing's own width, in the style of its root element
_ROOT_WIDTH = re.compile(r'(<svg\b[^>]*?\sstyle="[^"]*?max-width:\s*([0-9.]+)px)')
# an edge label as mmdr draws it: its background box, sized by mmdr's own font metrics to its
# widest line, then its lines (a ``<br>`` in the label, or words wrapped at mmdr's width), each a
# <text> with no markup inside
_EDGE_LABEL = re.compile(
    r'(data-merman-source-classes="[^"]*\bedgeLabel\b[^"]*">\s*<rect\b[^>]*?\swidth="([0-9.]+)"'
    r"[^>]*/>)((?:\s*<text\b[^>]*>[^<]*</text>)+)(\s*</g>)"
)
_LINE = re.compile(r"(<text\b)([^>]*>)([^<]*)(</text>)")
# Arial's advance widths (thousandths of an em) of printable ASCII, from the space to "~": how wide
# one line of a label is beside another (mmdr measures with metrics of the same proportions)
_ARIAL = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
          *(556,) * 10, 278, 278, 584, 584, 584, 556, 1015,
          667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722,
          667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333,
          556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
          500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)


def _line_width(text: str) -> int:
    """A line's width in Arial's proportions (a wide letter elsewhere in Unicode: 1 em)."""
    return sum(_ARIAL[ord(c) - 32] if 32 <= ord(c) < 127 else 1000 if ord(c) >= 0x1100 else 556
               for c in html.unescape(text.rstrip()))


def mermaid_available() -> bool:
    return mmdr is not None


def _fit_edge_labels(svg: str) -> str:
    """Each line of an edge label drawn as wide as mmdr measured it, inside its background box.

    mmdr sizes the box (and leaves room between arrows) with metrics about 10-18% narrower than
    the fonts a browser has for the diagram's ``"Recursive Variable", arial`` (Arial, Liberation
    Sans, DejaVu Sans): the text ran past its box onto the arrows, and two labels side by side
    read as one ("UploadDownload").  ``textLength`` makes the browser fit the text to the box,
    whatever font it uses: the widest line to the box's width, each other line to its share of
    it (mmdr gives the widest line's width only; the others' are in proportion to it)."""

    def fit(m: re.Match) -> str:
        box = float(m[2])
        if box <= 0:
            return m[0]
        lines = _LINE.findall(m[3])
        widths = [_line_width(text) for _, _, text, _ in lines]
        widest = max(widths)
        if not widest:
            return m[0]
        fitted = "".join(
            f'{start} textLength="{_length(box, width, widest)}" lengthAdjust="spacingAndGlyphs"'
            f"{rest}{text}{end}" if width else f"{start}{rest}{text}{end}"
            for (start, rest, text, end), width in zip(lines, widths, strict=True))
        return f"{m[1]}{fitted}{m[4]}"

    return _EDGE_LABEL.sub(fit, svg)


def _length(box: float, width: int, widest: int) -> str:
    return f"{box:g}" if width == widest else f"{box * width / widest:.2f}"


def _without_comments(source: str) -> str:
    """``source`` with mermaid's comment lines (``%%`` first on the line, not a ``%%{…}%%``
    directive) made empty: mermaid ignores them, and mmdr loops for ever on a sequence diagram's
    ``%%`` line with nothing after it (the build hung).  Lines stay where they were, for the
    places mmdr's messages give; the drawing is the same."""
    if "%%" not in source:
        return source
    return "\n".join("" if line.lstrip().startswith("%%") and not line.lstrip().startswith("%%{")
                     else line for line in source.split("\n"))


@lru_cache(maxsize=512)
def _drawn(source: str) -> tuple[str, tuple[str, ...]]:
    """The diagram's clean SVG and its ids, longest first; raises ValueError for a diagram
    mermaid cannot read."""
    svg = _CLEANER.clean(_fit_edge_labels(draw(_without_comments(source))))
    svg = _STYLE.sub(lambda m: m[1] + _FETCH.sub("none", m[2]) + m[3], svg)
    svg = _STYLE_ATTR.sub(lambda m: m[1] + _FETCH.sub("none", m[2]) + m[3], svg)
    if not svg.startswith("<svg"):
        raise ValueError("the renderer drew no SVG")
    # its width again as --mermaid-w: the stylesheet keeps the diagram from shrinking below a share
    # of it (its labels stay readable on a phone) and lets the figure scroll instead
    svg = _ROOT_WIDTH.sub(lambda m: f"{m[1]};--mermaid-w:{m[2]}px", svg, count=1)
    return svg, tuple(sorted(set(_ID.findall(svg)), key=len, reverse=True))


def render_mermaid_svg(source: str, copy: int = 0, doc: str = "") -> str:
    """SVG for a diagram with its ids prefixed, so that several diagrams share a page: the same
    diagram again is ``copy`` 1, 2…, and one inside an embed has the embed's ``doc`` id in its
    prefix (the renderer's marker, which each placement of the embed on a page names apart, as
    its footnotes); raises ValueError."""
    svg, ids = _drawn(source)
    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    prefix = f"m{digest}-" + (f"{doc}-" if doc else "") + (f"{copy}-" if copy else "")
    if not ids:
        return svg
    names = "|".join(re.escape(i) for i in ids)
    # the ids where they are defined and where they are used: url(#x), href="#x", and selectors
    # of the stylesheet (#merman .node …), never a longer name that merely starts the same way
    svg = re.sub(rf'(\bid="|url\(#|href="#)({names})(?=["\)])', rf"\g<1>{prefix}\g<2>", svg)
    # and the ids an aria-labelledby/-describedby lists (accTitle, accDescr: <title>, <desc>)
    known = set(ids)
    svg = _ARIA_REFS.sub(lambda m: m[1] + " ".join(prefix + i if i in known else i
                                                   for i in m[2].split()) + m[3], svg)
    return _STYLE.sub(lambda m: m[1] + re.sub(rf"#({names})(?![\w-])", rf"#{prefix}\g<1>", m[2])
                      + m[3], svg)


# the renderer's own markup, as the cleaner leaves it: an element's opening tag and its attributes
_G_TAG = re.compile(r"<(/?)g\b([^>]*)>")
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_TRANSLATE = re.compile(r"translate\(\s*(-?[0-9.e+-]+)[\s,]+(-?[0-9.e+-]+)\s*\)")
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_NODE_ID = re.compile(r"-flowchart-(.+)-\d+$")


def _groups(svg: str, wanted) -> list[tuple[int, int, dict[str, str]]]:
    """The ``<g>`` elements whose attributes ``wanted`` accepts: (start, end, attributes), the end
    just after their own ``</g>``."""
    found, stack = [], []
    for m in _G_TAG.finditer(svg):
        if not m[1]:
            attrs = dict(_ATTR.findall(m[2]))
            stack.append((m.start(), attrs if wanted(attrs) else None))
        elif stack:
            start, attrs = stack.pop()
            if attrs is not None:
                found.append((start, m.end(), attrs))
    return sorted(found, key=lambda g: g[0])


def _classes(attrs: dict[str, str], key: str = "class") -> list[str]:
    return attrs.get(key, "").split()


def link_nodes(svg: str, source: str, token: Token, env) -> str:
    """``svg`` with each node of class ``internal-link`` and its label made a link to the note the
    label names (through the render context in ``env``; without one, as drawn)."""
    ctx = env.get("ctx") if env else None
    if ctx is None or "internal-link" not in source:
        return svg
    nodes = _groups(svg, lambda a: "node" in _classes(a) and "internal-link" in _classes(a))
    labels = _groups(svg, lambda a: "merman-foreignobject-fallback" in _classes(a)
                     and "internal-link" in _classes(a, "data-merman-source-classes"))
    placed = []  # each label: its centre, its text
    for start, end, _attrs in labels:
        texts = _TEXT.findall(svg, start, end)
        points = [dict(_ATTR.findall(attrs)) for attrs, _ in texts]
        try:
            xs = [float(p["x"]) for p in points]
            ys = [float(p["y"]) for p in points]
        except (KeyError, ValueError):
            continue
        if xs:
            words = " ".join(html.unescape(_TAGS.sub("", "".join(t for _, t in texts))).split())
            placed.append(((sum(xs) / len(xs), sum(ys) / len(ys)), words, start, end))
    edits: list[tuple[int, int, str, str]] = []
    for start, end, attrs in nodes:
        m = _TRANSLATE.search(attrs.get("transform", ""))
        if m is None or not placed:
            continue
        x, y = float(m[1]), float(m[2])
        nearest = min(placed, key=lambda p: (p[0][0] - x) ** 2 + (p[0][1] - y) ** 2)
        placed.remove(nearest)
        _centre, name, label_start, label_end = nearest
        if not name:
            continue
        node_id = _NODE_ID.search(attrs.get("id", ""))
        opening = _link_open(ctx, name, token, source, node_id[1] if node_id else "")
        if opening:
            edits.append((start, end, opening[:-1] + ' tabindex="-1" aria-hidden="true">', "</a>"))
            edits.append((label_start, label_end, opening, "</a>"))
    for start, end, before, after in sorted(edits, reverse=True):
        svg = svg[:start] + before + svg[start:end] + after + svg[end:]
    return svg


def _link_open(ctx, name: str, token: Token, source: str, node_id: str) -> str:
    """The ``<a>`` opening tag for a node naming ``name`` (a note, ``Note#Heading``,
    ``Note#^block``), or "": an unpublished note (as its links read, plain), or a name that is no
    file, warned about.  That one stays a drawn node, not a broken link: Obsidian makes such a node
    a link that would create the note, and does not list it among unresolved links (the Help
    vault's own example names two notes it does not have)."""
    target, *parts = name.split("#")
    meta: dict = {"anchor": [p for p in parts if p and not p.startswith("^")],
                  "block": next((p[1:] for p in parts if p.startswith("^")), None)}
    res = ctx._resolve(target.strip()) if target.strip() else None
    if res is not None and res.kind == "note" and res.note is not None:
        fragment = ctx._fragment(res.note, meta) if parts else None
        if parts and fragment is None:  # as for [[Note#Missing]]
            line, col = _class_line(source, node_id)
            ctx.warn("anchor-unresolved", f"mermaid node {name!r} (class internal-link): "
                     f"{'#'.join(parts)!r} not found in {res.note.rel}",
                     (token.map[0] if token.map else 0) + 1 + line, col,
                     hint="change the node's text to an existing heading or block of the note")
        return ctx.note_link_open(res.note, fragment)
    if res is not None and res.kind == "attachment" and res.attachment is not None:
        return (f'<a class="internal-link attachment-link" '
                f'href="{html.escape(ctx.href_to_file(res.attachment))}">')
    if res is not None and res.kind == "unpublished":
        return ""
    line, col = _class_line(source, node_id)
    otherwise = ("a node of class internal-link opens the note its text names: create the note, "
                 "or change the node's text")
    # why it finds nothing, as for a link to the same name (in the trash, left out, a title, a
    # name with '#' that a node's text cannot spell, ...)
    missing = None
    if res is not None and res.kind == "missing":
        if parts:  # the hint depends on what the whole name finds
            ctx._resolve(name.strip())
        ref = LinkRef(target=target.strip(), anchor=tuple(meta["anchor"]), block=meta["block"])
        missing = ctx.index.missing_target(target.strip(), ctx.note, "node", res.candidates, ref,
                                           otherwise=otherwise, written=name.strip())
    why, hint = missing or ("does not exist in the vault", otherwise)
    ctx.warn("mermaid-link-unresolved", f"mermaid node {name!r} (class internal-link) names "
             f"{target.strip()!r}, which {why}; it is drawn unlinked",
             (token.map[0] if token.map else 0) + 1 + line, col, hint=hint)
    return ""


def _class_line(source: str, node_id: str) -> tuple[int, int]:
    """The 0-based line (in the diagram) and column where ``node_id`` is given the class
    ``internal-link``; else the first line that names the class."""
    lines = source.split("\n")
    word = re.compile(rf"(?<![\w-]){re.escape(node_id)}(?![\w-])") if node_id else None
    for i, line in enumerate(lines):
        if "internal-link" in line and word is not None:
            m = word.search(line)
            if m is not None:
                return i, m.start()
    for i, line in enumerate(lines):
        if "internal-link" in line:
            return i, len(line) - len(line.lstrip())
    return 0, 0


def _warn(env, code: str, message: str, token: Token, hint: str | None = None) -> None:
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        line = token.map[0] if token.map else 0
        ctx.warn(code, message, line, 0, hint=hint)


def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if fence_language(token.info) != "mermaid":
            return previous(tokens, idx, options, env)  # already bound to the renderer
        if mmdr is not None:
            seen = env.setdefault("mermaid_copies", {}) if env is not None else {}
            copy = seen.get(token.content, 0)
            try:
                svg = render_mermaid_svg(token.content, copy, str(env.get("docId", "")) if env else "")
            except (DrawTimeout, DrawCrash) as exc:  # mmdr loops or dies on it
                _warn(env, "mermaid-error", f"mermaid diagram not rendered: {exc}", token,
                      hint="simplify the diagram, or split it, until the renderer draws it; until "
                           "then it is shown as source")
            except Exception as exc:  # a diagram syntax error
                _warn(env, "mermaid-error", f"mermaid diagram not rendered: {exc}", token,
                      hint="fix the diagram where the message points; until then it is shown as source")
            else:
                seen[token.content] = copy + 1
                svg = link_nodes(svg, token.content, token, env)
                return f'<figure class="mermaid"{_id_attr(token)}>{svg}</figure>\n'
        else:
            _warn(env, "mermaid-unrendered", "mermaid diagram shown as source: mmdr, which draws "
                  "it, is not installed", token, hint="install it (pip install mmdr) and build again")
        return code_block_html(token.content, "mermaid", extra_class="mermaid-source",
                               attrs=_id_attr(token))

    return render_fence


def mermaid_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: mermaid fences first, the rest fall through."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
