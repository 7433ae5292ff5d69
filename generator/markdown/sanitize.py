"""Raw HTML in notes, kept where harmless: ``html_block`` and ``html_inline`` through nh3.

markdown-it hands raw HTML over in pieces (an opening tag in one token, its closing tag in a
later one), and a fragment sanitiser would close or drop such halves.  So each piece is split
into tags, comments and text; every opening tag goes through nh3 on its own (renamed to a neutral
custom element, so that table cells and list items survive outside their parents); closing tags
of allowed elements stay; comments go; text is escaped.  The decisions about tags, attributes
and URL schemes are nh3's (ammonia's), from the allow-lists below.

Kept: common formatting, ``details``/``summary``, ``kbd``, ``sub``/``sup``, tables,
``progress``/``meter``, ``img`` and ``a`` with http(s)/mailto/relative URLs (``picture`` and a
``srcset``'s candidates, checked as ``src`` is), ``style`` attributes
with the CSS properties that cannot fetch anything (``STYLE_PROPERTIES``), inline ``<svg>``
drawings (cleaned as a whole by ``clean_svg``: shapes, text, gradients, no script, link or
reference to another document).
Dropped: ``script``/``style`` elements (with their content), forms, ``on*`` attributes,
``javascript:`` and ``data:`` URLs; an ``iframe`` becomes a link to the page it showed.  What goes
is found by ``dropped_parts``, for the ``html-sanitised`` warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.html_re import close_tag, open_tag
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .links import is_remote, remote_image_link, srcset_candidates
from .wikilinks import IN_LINK

_COMMON = {"title", "lang", "dir", "class", "id", "style", "align"}
#: CSS properties kept in ``style`` (none that takes a URL: ``background``, ``list-style``,
#: ``border-image``, ``cursor``, ``content`` could make a page load something from elsewhere).
STYLE_PROPERTIES = frozenset((
    "color background-color opacity font-family font-size font-style font-weight font-variant "
    "line-height letter-spacing word-spacing text-align text-decoration text-decoration-color "
    "text-decoration-line text-decoration-style text-transform text-indent white-space "
    "vertical-align direction margin margin-top margin-right margin-bottom margin-left padding "
    "padding-top padding-right padding-bottom padding-left border border-top border-right "
    "border-bottom border-left border-color border-style border-width border-radius "
    "border-collapse border-spacing width height min-width min-height max-width max-height "
    "display float clear list-style-type").split())
# a value that could still fetch or run something, whatever the property: the attribute goes
_STYLE_RISK = re.compile(r"url\s*\(|expression\s*\(|image\s*\(|image-set|@import|\\",
                         re.IGNORECASE)
ALLOWED: dict[str, set[str]] = {
    **{t: set() for t in (
        "abbr b bdi bdo blockquote br caption center cite code dd del dfn div dl dt em "
        "figcaption figure h1 h2 h3 h4 h5 h6 hr i ins kbd li mark p pre q rp rt ruby s samp "
        "small span strike strong sub summary sup tbody tfoot thead tr u ul var wbr section "
        "article aside header footer nav").split()},
    "a": {"href", "name", "target"},
    # a srcset's candidates are checked as src is (``_srcset_schemes``, ``_localise``)
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "align", "loading"},
    "picture": set(),
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "table": {"align"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "progress": {"value", "max"},  # a reading goal's bar, often written in Obsidian notes
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "font": {"color"},
    # no "poster": nh3 checks URL schemes in src and href only, so a poster URL would pass unchecked
    "video": {"src", "controls", "width", "height", "loop", "muted"},
    "audio": {"src", "controls", "loop", "muted"},
    "source": {"src", "srcset", "sizes", "media", "type"},
}
for _attrs in ALLOWED.values():
    _attrs |= _COMMON
#: Elements whose content goes too (inside one raw HTML block).  Not ``embed``, a void element
#: (no content, no closing tag): it goes alone, as any element not allowed does.  An ``<svg>`` is
#: kept as a whole, cleaned by ``clean_svg``: its content is read here with it.
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "template",
                               "noscript", "textarea", "select", "svg", "math"})
VOID = frozenset({"br", "hr", "img", "wbr", "col", "source", "area", "input", "meta", "link"})
_PREFIX = "vs-"
#: Exactly what the task-list plugin inserts (a disabled checkbox): passed through unchanged.
TRUSTED = frozenset({
    '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">',
    '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" '
    'type="checkbox">',
    '<input aria-label="Empty task" class="task-list-item-checkbox" disabled="disabled" '
    'type="checkbox">',
    '<input aria-label="Empty task" class="task-list-item-checkbox" checked="checked" '
    'disabled="disabled" type="checkbox">',
})

#: The one ``data:`` URL kept: a raster picture as an image's source (Obsidian shows it, as the
#: same Markdown image is shown; markdown-it allows the same four types).
_DATA_IMAGE = re.compile(r"data:image/(?:gif|png|jpeg|webp)[;,]")
_URL_NOISE = re.compile(r"[\x00-\x20]")  # dropped by browsers where a URL is read


def _data_urls(tag: str, attr: str, value: str) -> str | None:
    """nh3 lets ``data:`` through its scheme check; here every such URL goes but a raster image's
    ``src`` (never ``data:text/html`` or an SVG, in any spelling: nh3 passes the decoded value).
    nh3 checks no ``srcset``: its candidates are (``_srcset_schemes``)."""
    if attr == "srcset":
        return _srcset_schemes(value)
    if attr in ("src", "href") and _URL_NOISE.sub("", value).lower().startswith("data:"):
        plain = _URL_NOISE.sub("", value).lower()
        return value if tag == _PREFIX + "img" and attr == "src" and _DATA_IMAGE.match(plain) \
            else None
    return value


def _srcset_schemes(value: str) -> str | None:
    """A ``srcset`` with only the candidates a page may load: a web address or a local one
    (resolved later, ``_localise``), never ``javascript:``, ``data:`` or ``file:``; ``None``
    when none is left."""
    kept = [f"{url} {descriptors}".strip() for _at, url, descriptors in srcset_candidates(value)
            if is_remote(url) or not _SCHEME.match(_URL_NOISE.sub("", url))]
    return ", ".join(kept) or None


_CLEANER = nh3.Cleaner(
    tags={_PREFIX + t for t in ALLOWED},
    attributes={_PREFIX + t: a for t, a in ALLOWED.items()},
    url_schemes={"http", "https", "mailto", "tel", "data"},
    attribute_filter=_data_urls,
    link_rel=None,
    strip_comments=True,
    filter_style_properties=STYLE_PROPERTIES,
)

#: Inline ``<svg>`` (an icon, a small drawing pasted into a note), shown as Obsidian shows it: its
#: shapes, text, gradients, clips and markers, with presentation attributes.  Not kept: what runs
#: or loads (``script``, ``foreignObject``, ``image``, animations that can set a link, ``style``
#: elements, which would restyle the page), ``<a>``; a ``<use>`` only of the drawing's own parts
#: (``href="#id"``), and ``url(…)`` values only as ``url(#id)``.
_SVG_SHAPE = ("class id style transform fill fill-opacity fill-rule stroke stroke-width stroke-opacity "
              "stroke-linecap stroke-linejoin stroke-dasharray stroke-dashoffset stroke-miterlimit "
              "opacity clip-path clip-rule mask marker-start marker-mid marker-end color display "
              "visibility vector-effect shape-rendering paint-order").split()
_SVG_TEXT = ("x y dx dy rotate text-anchor dominant-baseline alignment-baseline font-family font-size "
             "font-weight font-style letter-spacing word-spacing textLength lengthAdjust "
             "text-decoration writing-mode").split()
SVG_ALLOWED: dict[str, set[str]] = {
    "svg": {"viewBox", "width", "height", "preserveAspectRatio", "x", "y", "xmlns", "version",
            "role", "aria-label", "aria-hidden", "focusable"},
    "g": set(), "defs": set(), "title": set(), "desc": set(),
    "path": {"d", "pathLength"},
    "circle": {"cx", "cy", "r"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"}, "polygon": {"points"},
    "rect": {"x", "y", "width", "height", "rx", "ry"},
    "text": set(_SVG_TEXT), "tspan": set(_SVG_TEXT),
    "linearGradient": {"x1", "y1", "x2", "y2", "gradientUnits", "gradientTransform",
                       "spreadMethod", "href"},
    "radialGradient": {"cx", "cy", "r", "fx", "fy", "fr", "gradientUnits", "gradientTransform",
                       "spreadMethod", "href"},
    "stop": {"offset", "stop-color", "stop-opacity"},
    "clipPath": {"clipPathUnits"},
    "mask": {"x", "y", "width", "height", "maskUnits", "maskContentUnits"},
    "pattern": {"x", "y", "width", "height", "patternUnits", "patternContentUnits",
                "patternTransform", "viewBox"},
    "symbol": {"viewBox", "preserveAspectRatio", "width", "height", "x", "y"},
    "marker": {"viewBox", "refX", "refY", "markerWidth", "markerHeight", "markerUnits", "orient",
               "preserveAspectRatio"},
    "use": {"href", "x", "y", "width", "height"},
}
for _attrs in SVG_ALLOWED.values():
    _attrs |= {*_SVG_SHAPE, *_SVG_TEXT} - {"x", "y", "dx", "dy", "rotate"} | {"lang"}
#: The same names in lower case, as a tag scan finds them.
_SVG_NAMES = frozenset(name.lower() for name in SVG_ALLOWED)
_LOCAL_REF = re.compile(r"url\(\s*(['\"]?)#[^()'\"\\]*\1\s*\)", re.IGNORECASE)


def _svg_values(tag: str, attr: str, value: str) -> str | None:
    """What an SVG attribute may hold: references only to the drawing's own parts, no id the
    page uses, no style that could fetch anything."""
    if attr == "href":
        return value if value.startswith("#") and not _URL_NOISE.search(value) else None
    if "url" in value.lower() and "url(" in _LOCAL_REF.sub("", _URL_NOISE.sub("", value)).lower():
        return None  # a paint, clip or marker from another document
    if attr == "style" and _STYLE_RISK.search(value):
        return None
    if attr == "id" and (value in PAGE_IDS or _SCRIPT_GLOBAL.match(value)):
        return None
    return value


_SVG_CLEANER = nh3.Cleaner(
    tags=set(SVG_ALLOWED),
    attributes=SVG_ALLOWED,
    url_schemes=set(),
    attribute_filter=_svg_values,
    link_rel=None,
    strip_comments=True,
    filter_style_properties=STYLE_PROPERTIES | set(_SVG_SHAPE) | set(_SVG_TEXT) | {
        "stop-color", "stop-opacity"},
)


@lru_cache(maxsize=256)
def clean_svg(fragment: str) -> str:
    """One ``<svg>…</svg>`` fragment of raw HTML, cleaned; ``""`` if nothing of it is left."""
    cleaned = _SVG_CLEANER.clean(fragment)
    return cleaned if cleaned.startswith("<svg") and cleaned.endswith("</svg>") else ""


def _content_end(html: str, name: str, pos: int) -> int:
    """Where the element ``name`` whose opening tag ends at ``pos`` ends: after its first closing
    tag (an element dropped with its content, or an ``<svg>`` kept whole), else at the end of the
    piece."""
    closing = _closing_tag(name).search(html, pos)
    return closing.end() if closing else len(html)


@lru_cache(maxsize=64)
def _closing_tag(name: str) -> re.Pattern:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)

_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
#: Ids the page itself uses: the theme's elements, and the site scripts' globals (``vsGraph``…),
#: which an element of the same id would replace (the browser names elements on ``window``).
#: The theme's ids start ``vs:``; a heading anchor never holds a colon, so no heading can take one.
PAGE_IDS = frozenset({"vs:content", "vs:explorer", "vs:search-input", "vs:search-results",
                      "vs:toc-heading", "vs:backlinks-heading", "vs:graph-heading",
                      "vs:notes-heading", "vs:recent-heading", "vs:all-heading", "vs:sub-heading"})
# every id of the theme's namespace (``vs:``, the script's result rows ``vs:sr-N`` too) and the
# scripts' globals (``vsGraph``)
_SCRIPT_GLOBAL = re.compile(r"vs(?:[A-Z]|:)")
# A comment ends at the first ``-->`` after ``<!--``, as the browser ends it (``<!-->`` and
# ``<!--->`` are empty ones).  Searched only up to the last ``-->`` of the piece: an unclosed
# ``<!--`` would be read to the end of the piece for each one, and a block of 4,000 of them took
# seconds (quadratic).
_PIECES = re.compile(f"(?P<comment><!--(?:-?>|(?s:.*?)-->))|(?P<open>{open_tag})"
                     f"|(?P<close>{close_tag})")
_TAGS = re.compile(f"(?P<comment>(?!))|(?P<open>{open_tag})|(?P<close>{close_tag})")


def _pieces(html: str, pos: int = 0):
    """The comments and tags of ``html`` from ``pos`` on, as ``_PIECES.finditer`` finds them, in
    linear time: past the last ``-->`` no comment can end, so none is looked for there."""
    last = html.rfind("-->") + 3
    while True:
        m = _PIECES.search(html, pos, last) if pos < last else None
        if m is None:
            m = _TAGS.search(html, pos)
        if m is None:
            return
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1
_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


@lru_cache(maxsize=4096)
def clean_open_tag(tag: str) -> str:
    """One opening tag, cleaned; ``""`` when the element is not allowed."""
    name = _NAME.match(tag).group(1).lower()
    if name not in ALLOWED:
        return ""
    body = tag[1 + len(name) :]
    self_closing = body.rstrip().endswith("/>")
    if self_closing:
        body = body.rstrip()[:-2] + ">"
    suffix = f"</{_PREFIX}{name}>"
    cleaned = _CLEANER.clean(f"<{_PREFIX}{name}{body}{suffix}")
    # What nh3 returns must be exactly our element with nothing inside; anything else is dropped.
    if not cleaned.startswith(f"<{_PREFIX}{name}") or not cleaned.endswith(suffix):
        return ""
    rest = cleaned[len(_PREFIX) + 1 + len(name) : -len(suffix)]
    if not rest.endswith(">") or ">" in rest[:-1] or "<" in rest:
        return ""
    ident = _ID_ATTR.search(rest)
    if ident is not None and (ident.group(1) in PAGE_IDS or _SCRIPT_GLOBAL.match(ident.group(1))):
        rest = rest[:ident.start()] + rest[ident.end():]
    style = _STYLE_ATTR.search(rest)
    if style is not None and (not style.group(1).strip()
                              or _STYLE_RISK.search(unescapeAll(style.group(1)))):
        rest = rest[:style.start()] + rest[style.end():]
    if name == "a" and ' target="' in rest:
        # a page opened in another window must not reach back to this one through
        # window.opener (browsers cut it for target="_blank" only, not for a named window)
        rest = rest[:-1] + ' rel="noopener noreferrer">'
    return f"<{name}{rest}"


def _has_content(open_tag: str) -> bool:
    """Whether an opening tag has content up to its closing tag: ``<iframe … />`` has none."""
    return not open_tag.rstrip().endswith("/>")


_IFRAME_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _iframe_link(tag: str) -> str:
    """An ``<iframe>`` of a web page (a video, a map) is not embedded: pages load nothing from
    elsewhere.  It becomes a link to what it showed, so the reader can still go there."""
    m = _IFRAME_SRC.search(tag)
    url = unescapeAll(next((g for g in m.groups() if g is not None), "")).strip() if m else ""
    if not url.lower().startswith(("https://", "http://")) or any(c in url for c in "\0\n<>\""):
        return ""
    return (f'<a class="embed-link" href="{escapeHtml(url)}" rel="noopener">'
            f"{escapeHtml(url)}</a>")


def _close_tag(tag: str) -> str:
    name = _NAME.match(tag).group(1).lower()
    return f"</{name}>" if name in ALLOWED and name not in VOID else ""


def sanitize_html(html: str) -> str:
    """Sanitise one raw HTML piece as markdown-it cut it out of the note."""
    return _sanitize_cached(html) if len(html) <= 512 else _sanitize(html)


@lru_cache(maxsize=4096)
def _sanitize_cached(html: str) -> str:
    return _sanitize(html)


def _sanitize(html: str) -> str:
    out: list[str] = []
    pos, length = 0, len(html)
    pieces = _pieces(html)
    while pos < length:
        m = next(pieces, None)
        while m is not None and m.start() < pos:  # inside an element dropped with its content
            m = next(pieces, None)
        if m is None:
            out.append(escapeHtml(html[pos:]).replace("&amp;", "&"))
            break
        if m.start() > pos:
            out.append(escapeHtml(html[pos : m.start()]).replace("&amp;", "&"))
        pos = m.end()
        if m.group("open"):
            name = _NAME.match(m.group()).group(1).lower()
            if name == "svg" and _has_content(m.group()):
                end = _content_end(html, "svg", pos)
                out.append(clean_svg(html[m.start():end]))
                pos = end
                continue
            if name in DROP_WITH_CONTENT:
                if _has_content(m.group()):
                    pos = _content_end(html, name, pos)
                if name == "iframe":
                    out.append(_iframe_link(m.group()))
                continue
            out.append(clean_open_tag(m.group()))
        elif m.group("close"):
            out.append(_close_tag(m.group()))
    return "".join(out)


_ATTR_NAMES = re.compile(r"""\s([a-zA-Z_:][a-zA-Z0-9:._-]*)"""
                         r"""(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?""")
#: Attributes nh3 takes out that a reader would miss, named in the warning (``rel`` is ours to
#: set; an unknown ``data-*`` or presentational attribute goes without a word).
_RISKY_ATTRS = frozenset({"href", "src", "style"})


def _attributes(tag: str) -> dict[str, str]:
    """The attributes written in an opening ``tag``: lower-case name -> value as the browser
    reads it (entities decoded; ``""`` for a bare name)."""
    return {m.group(1).lower(): unescapeAll(m.group().split("=", 1)[1].strip().strip("\"'"))
            if "=" in m.group() else "" for m in _ATTR_NAMES.finditer(tag[1:])}


#: A script's, a data or a local file's address in an attribute not kept (``poster``,
#: ``background``, each candidate of a ``srcset``), with the noise browsers drop taken out.
_SCRIPT_URL = re.compile(r"(?:^|,)((?:javascript|vbscript|data|file):)", re.IGNORECASE)


def _lost_attributes(tag: str, kept: str) -> list[str]:
    """What of an allowed element's opening ``tag`` its cleaned form ``kept`` lost that could
    run or load something: ``on*=`` handlers, a ``javascript:``/``data:`` URL (in any
    attribute), a risky style."""
    before, after = _attributes(tag), _attributes(kept)
    lost = []
    # a srcset kept without its script's or file's candidates names what it lost
    srcset = ("srcset",) if "srcset" in after and _SCRIPT_URL.search(
        _URL_NOISE.sub("", before.get("srcset", ""))) else ()
    for name in sorted((before.keys() - after.keys()) | set(srcset)):
        if name.startswith("on") or name in _RISKY_ATTRS:
            url = _SCHEME.match(_URL_NOISE.sub("", before[name]))
            lost.append(f'{name}="{url.group()}…"' if url and name != "style" else f"{name}=")
        elif url := _SCRIPT_URL.search(_URL_NOISE.sub("", before[name])):
            lost.append(f'{name}="{url.group(1)}…"')
    return lost


def dropped_parts(html: str) -> list[tuple[int, str]]:
    """What ``sanitize_html`` leaves out of one raw HTML piece that a reader would see or that
    the author meant to work, as (offset in ``html``, description), for the ``html-sanitised``
    warning: an element taken out with its content (``<script>``, ``<style>``, ``<svg>``…), an
    element not kept (its tags go, its text stays: ``<button>``, or ``<filename>`` meant as
    text), and the handlers, URLs and styles taken off a kept element.  Comments go silently,
    as in Obsidian; an ``<iframe>`` of a web page becomes a link, which loses nothing."""
    if "<" not in html:
        return []
    return list(_dropped_cached(html)) if len(html) <= 512 else _dropped(html)


@lru_cache(maxsize=1024)
def _dropped_cached(html: str) -> tuple[tuple[int, str], ...]:
    return tuple(_dropped(html))


def _open_tags(html: str, swallows) -> Iterator[tuple[re.Match, str, int]]:
    """Each opening tag of ``html`` outside the elements that go with their content, as (match,
    lower-case name, end): an element for which ``swallows(name)`` holds goes with what it holds,
    and ``end`` is then where its content ends (``_content_end``; 0 for one with no content,
    ``<svg/>``); the walk goes on from there."""
    pos = 0
    for m in _pieces(html):
        if m.start() < pos or not m.group("open"):
            continue
        tag = m.group()
        name = _NAME.match(tag).group(1).lower()
        pos = m.end()
        end = 0
        if swallows(name) and _has_content(tag):
            pos = end = _content_end(html, name, pos)
        yield m, name, end


def _svg_losses(fragment: str) -> list[tuple[int, str]]:
    """What ``clean_svg`` takes out of an ``<svg>…</svg>`` fragment: elements not kept (with what
    they hold), handlers, links and references to other documents."""
    found: list[tuple[int, str]] = []
    for m, name, _end in _open_tags(fragment, lambda name: name not in _SVG_NAMES):
        if name not in _SVG_NAMES:
            found.append((m.start(), f"<{name}> in <svg>"))
            continue
        for key, value in _attributes(m.group()).items():
            if key.startswith("on"):
                found.append((m.start(), f"{key}= in <svg>"))
            elif key.split(":")[-1] == "href" and _svg_values(name, "href", value) is None:
                found.append((m.start(), f"{key}= to another document in <svg>"))
            elif _svg_values(name, key, value) is None:
                found.append((m.start(), f"{key}=\"{value[:24]}\" in <svg>"))
    return found


def _dropped(html: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for m, name, end in _open_tags(html, lambda name: name == "svg" or name in DROP_WITH_CONTENT):
        tag = m.group()
        if name == "svg" and end:  # kept, cleaned: what the cleaning takes out of it
            found.extend((m.start() + at, what) for at, what in _svg_losses(html[m.start():end]))
        elif name in DROP_WITH_CONTENT:
            if name != "iframe" or not _iframe_link(tag):
                found.append((m.start(), f"<{name}> and what it holds"))
        elif name not in ALLOWED:
            void = name in VOID or not _has_content(tag)
            found.append((m.start(), f"<{name}>" if void else f"the tags of <{name}> (its text stays)"))
        else:
            kept = clean_open_tag(tag)
            if not kept:
                found.append((m.start(), f"<{name}>"))
            else:
                found.extend((m.start(), f"{attr} on <{name}>")
                             for attr in _lost_attributes(tag, kept))
    return found


# In sanitised HTML (nh3 writes every attribute as name="value", and text is escaped) the
# URL-carrying attributes of the elements that may point into the vault.
_LOCAL_URL = re.compile(r'(<(?:a|img|video|audio|source)\b[^>]*?\s)(href|src)="([^"]*)"')


def _localise(html: str, ctx, keep: str = "", lost: list[str] | None = None) -> str:
    """``<a href="Other.md">`` and ``<img src="pic.png">`` written in raw HTML point into the vault:
    resolved as the same Markdown link would be (to the note's page, or the attachment, copied),
    relative to the page.  A local URL that finds nothing loses its attribute, so the site has no
    dead link; a note that is not published is plain text, as its wikilink is.  URLs that begin
    with ``keep`` (a code cell's figures, ``{{ROOT}}_exec/…``) are the site's own: kept.  The
    URLs that found nothing are appended to ``lost`` when given.  Each candidate of a
    ``srcset`` is resolved as a ``src`` is (``_local_srcset``)."""
    if 'srcset="' in html:
        html = _SRCSET.sub(lambda m: _local_srcset(m, ctx, keep, lost), html)
    if 'href="' not in html and 'src="' not in html:
        return html

    def sub(m: re.Match) -> str:
        url = unescapeAll(m.group(3))
        if not url or url.startswith(("#", "//")) or _SCHEME.match(url) or (
                keep and url.startswith(keep)):
            return m.group()  # (``/x.md`` is from the vault's root, as in a Markdown link)
        size = ""
        if m.group(2) == "href":
            new = ctx.render_md_href(url, None)
        elif m.group(1).startswith("<img") and hasattr(ctx, "render_md_image"):
            new, attrs = ctx.render_md_image(url, "", "")
            # the picture's size, as an embed's, when the author wrote neither (nh3 writes each
            # attribute as ` name="`, and a ``>`` inside a value as ``&gt;``)
            tag = m.group(1) + html[m.end():html.find(">", m.end())]
            if "width" in attrs and "class" not in attrs \
                    and not re.search(r'\s(?:width|height)="', tag):
                size = f' width="{attrs["width"]}" height="{attrs["height"]}"'
        else:
            new = ctx.render_md_src(url, None)
        if new is None and m.group(2) == "src":
            new = ""  # not an attachment of the vault
        if new is None:
            return m.group()
        if not new or new.startswith("\0"):
            if not new and lost is not None:
                lost.append(url)
            return m.group(1).rstrip()
        return f'{m.group(1)}{m.group(2)}="{escapeHtml(new)}"{size}'

    return _LOCAL_URL.sub(sub, html)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# a sanitised <img>'s or <source>'s srcset
_SRCSET = re.compile(r'(<(?:img|source)\b[^>]*?\s)srcset="([^"]*)"')


def _local_srcset(m: re.Match, ctx, keep: str, lost: list[str] | None) -> str:
    """A srcset's candidates as ``_localise`` takes a ``src``: a local one resolved to the vault's
    picture (copied, relative to the page) or left out when it finds nothing; a web address left
    out when the site loads no remote pictures (``remote_images = "link"``); the attribute goes
    when no candidate is left."""
    kept = []
    for _at, written, descriptors in srcset_candidates(unescapeAll(m.group(2))):
        if keep and written.startswith(keep):
            new = written  # the site's own (a code cell's figure)
        elif is_remote(written):
            new = written if getattr(ctx, "load_remote_images", True) else ""
        else:
            new = ctx.render_md_src(written, None) or ""
            if new.startswith("\0"):
                new = ""
            if not new and lost is not None:
                lost.append(written)
        if new:
            kept.append(f"{new} {descriptors}".strip())
    if not kept:
        return m.group(1).rstrip()
    return f'{m.group(1)}srcset="{escapeHtml(", ".join(kept))}"'


# A sanitised <img> with a src (nh3 writes attributes as name="value").
_IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"[^>]*>', re.IGNORECASE)
_ALT = re.compile(r'\salt="([^"]*)"')
#: The same, or a sanitised ``<a …>`` / ``</a>`` (group ``a``).
_IMG_OR_A = re.compile(_IMG_SRC.pattern + r'|(?P<a></?a\b[^>]*>)', re.IGNORECASE)


def _remote_images_as_links(html: str, in_link: bool = False) -> str:
    """``<img src="https://…">`` written in raw HTML, as a Markdown image with a web address is
    (``remote_images = "link"``): a link to it, so that the page loads nothing from elsewhere.
    A web address is one as the browser reads it (``https:\\\\host/x`` too: ``is_remote``).
    Inside a link (``in_link``: the piece stands in one; or an ``<a>`` of the piece is open, a
    badge ``<a href=…><img src=…></a>``) it is the same chip without a link of its own, which
    would split the outer one."""
    depth = 0

    def sub(m: re.Match) -> str:
        nonlocal depth
        if m.group("a"):
            depth += 1 if m.group("a")[1] != "/" else -1 if depth else 0
            return m.group()
        src = unescapeAll(m.group(1))
        if not is_remote(src):
            return m.group()
        alt = _ALT.search(m.group())
        return remote_image_link(src.strip(), unescapeAll(alt.group(1)) if alt else "",
                                 tag="span" if in_link or depth else "a")

    return _IMG_OR_A.sub(sub, html)


# A sanitised <video> or <audio> opening tag, and any src in the same piece of raw HTML.
_MEDIA = re.compile(r"<(?:video|audio)\b")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def _remote_media_on_demand(html: str) -> str:
    """``<video src="https://…">`` (or with a ``<source>`` of a web address) written in raw HTML
    stays a player, which fetches nothing until it is played: browsers load a video's or audio's
    first bytes with the page otherwise.  A player whose sources are not in the same piece of
    HTML (``<video controls><source src=…></video>`` inside a paragraph comes tag by tag) is
    treated so too."""
    sources = [unescapeAll(m.group(1)) for m in _SRC.finditer(html)]
    if sources and not any(is_remote(src) for src in sources):
        return html  # all in the vault
    return _MEDIA.sub(lambda m: m.group() + ' preload="none"', html)


def localise_output(html: str, ctx, keep: str, lost: list[str] | None = None) -> str:
    """A code cell's HTML output (a ``_repr_html_``, ``display(HTML(...))``, a DataFrame's links)
    with its local addresses resolved from the note's folder, where the code ran, as raw HTML's
    are: ``<img src="../pics/a.png">`` shows the vault's picture, ``<a href="Other.md">`` leads
    to the note's page, and one that finds nothing loses its address (no dead link, no failed
    request in the reader's browser) and is appended to ``lost``."""
    return _localise(html, ctx, keep, lost)


def _with_ctx(html: str, env, in_link: bool = False) -> str:
    ctx = env.get("ctx") if env else None
    if ctx is None or not hasattr(ctx, "render_md_src"):
        return html
    if not getattr(ctx, "load_remote_images", True):
        if "<img" in html:
            html = _remote_images_as_links(html, in_link)
        if "<video" in html or "<audio" in html:
            html = _remote_media_on_demand(html)
    return _localise(html, ctx)


def render_html_block(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    html = _with_ctx(sanitize_html(tokens[idx].content), env)
    block_id = tokens[idx].attrGet("id")  # ``^id`` after the block (blockids): a link target
    return f'<div id="{escapeHtml(str(block_id))}">{html}</div>\n' if block_id else html


def render_html_inline(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    content = tokens[idx].content
    if content in TRUSTED:
        return content
    return _with_ctx(sanitize_html(content), env, bool(tokens[idx].meta.get(IN_LINK)))


#: How each token of an inline ``<svg>`` is written back as raw HTML (its text escaped again).
_SVG_PIECE = {
    "html_inline": lambda t: t.content,
    "text": lambda t: escapeHtml(t.content),
    "softbreak": lambda t: "\n",
    "hardbreak": lambda t: "\n",
}


def drop_inline_content(state: StateCore) -> None:
    """``a <script>x()</script> b`` in a paragraph arrives as separate inline tokens: what lies
    between the opening and closing tag of a dropped element goes with them, as it does in a
    raw HTML block (the sanitiser alone would leave ``x()`` behind as text)."""
    if "<" not in state.src:
        return
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children or "<" not in tok.content:
            continue
        kept: list[Token] = []
        closing: re.Pattern | None = None
        svg: list[str] | None = None  # the pieces of an inline <svg> being gathered
        for child in tok.children:
            if closing is not None:
                if child.type == "html_inline" and closing.match(child.content):
                    closing = None
                    if svg is not None:
                        kept[-1].content = "".join(svg) + child.content
                        svg = None
                elif svg is not None:  # (Markdown met inside, ``*`` or a code span: as text)
                    piece = _SVG_PIECE.get(child.type)
                    svg.append(piece(child) if piece else escapeHtml(child.content or child.markup))
                continue
            if child.type == "html_inline":
                m = _NAME.match(child.content)
                name = m.group(1).lower() if m and not child.content.startswith("</") else ""
                if name in DROP_WITH_CONTENT and _has_content(child.content):
                    closing = _closing_tag(name)
                    if name == "svg":  # gathered into its opening tag's token, as one piece
                        svg = [child.content]
            kept.append(child)
        if svg is not None:  # never closed: the drawing runs to the end of its paragraph
            kept[-1].content = "".join(svg)
        tok.children = kept


_BREAKS = ("softbreak", "hardbreak")


def hide_emptied_paragraphs(state: StateCore) -> None:
    """A paragraph whose raw HTML the sanitiser takes out whole (``<math>…</math>``, a
    ``<select>`` and its options), with nothing else in it, is no empty ``<p>``: its opening and
    closing tags are hidden (as a tight list's are) and its line breaks go.  Its HTML pieces stay,
    so that the ``html-sanitised`` warning still names them.  A paragraph a block id names
    (``^id``) keeps its tags: a link leads to it."""
    if "<" not in state.src:
        return
    tokens = state.tokens
    for i in range(1, len(tokens) - 1):
        tok = tokens[i]
        if tok.type != "inline" or not tok.children or "<" not in tok.content:
            continue
        opener, closer = tokens[i - 1], tokens[i + 1]
        if opener.type != "paragraph_open" or closer.type != "paragraph_close" \
                or opener.hidden or opener.meta.get("block_id"):
            continue
        kids = tok.children
        if all(k.type in _BREAKS or (k.type == "text" and not k.content.strip())
               or (k.type == "html_inline" and k.content not in TRUSTED
                   and not sanitize_html(k.content).strip()) for k in kids):
            opener.hidden = closer.hidden = True
            tok.children = [k for k in kids if k.type == "html_inline"]


# Opening one of these closes an open element the HTML parser would end by itself there (a <p>
# ends where a block starts, an <li> at the next <li>): modelled, so no closer is added for them.
_ENDS_P = frozenset("address article aside blockquote center details div dl figcaption figure "
                    "footer h1 h2 h3 h4 h5 h6 header hr nav ol p pre section summary table "
                    "ul".split())
_ENDED_BY = {"tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"}}
# An <li> start tag ends the open <li> even when other elements are open inside it, as long as
# none of them is one of these ("special" elements of the HTML parser other than address, div
# and p); the same for <dt>/<dd> and the open <dt> or <dd>.
_LIST_BARRIER = frozenset("article aside blockquote caption center colgroup dd details dl dt "
                          "figcaption figure footer h1 h2 h3 h4 h5 h6 header li nav ol pre "
                          "section summary table tbody td tfoot th thead tr ul".split())
_LIST_ITEM = {"li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd")}


class _Balance:
    """The raw-HTML elements open in one scope (a Markdown container, or one inline run).

    ``open`` is the stack of element names; ``count`` how many of each name it holds and
    ``barriers`` where its list barriers stand, so that no opening or closing tag needs to search
    the stack (a long run of unmatched closers was quadratic)."""

    def __init__(self) -> None:
        self.open: list[str] = []
        self.count: dict[str, int] = {}
        self.barriers: list[int] = []

    def _push(self, name: str) -> None:
        if name in _LIST_BARRIER:
            self.barriers.append(len(self.open))
        self.open.append(name)
        self.count[name] = self.count.get(name, 0) + 1

    def _pop(self) -> str:
        name = self.open.pop()
        self.count[name] -= 1
        if self.barriers and self.barriers[-1] == len(self.open):
            self.barriers.pop()
        return name

    def opened(self, name: str) -> None:
        items = _LIST_ITEM.get(name)
        if items is not None and self.barriers and self.open[self.barriers[-1]] in items:
            # the browser ends that item here, with everything still open inside it
            del_from = self.barriers[-1]
            while len(self.open) > del_from:
                self._pop()
        ended = _ENDED_BY.get(name, ())
        while self.open and (self.open[-1] in ended or (name in _ENDS_P and self.open[-1] == "p")):
            self._pop()
        self._push(name)

    def close(self, name: str) -> str | None:
        """The closing tags that end ``name`` here (those of elements still open inside it
        first); ``None`` when nothing of that name is open."""
        if not self.count.get(name):
            return None
        closers: list[str] = []
        while True:
            top = self._pop()
            closers.append(f"</{top}>")
            if top == name:
                return "".join(closers)

    def close_all(self) -> str:
        closers = "".join(f"</{n}>" for n in reversed(self.open))
        self.open.clear()
        self.count.clear()
        self.barriers.clear()
        return closers


def _balance_piece(html: str, scope: _Balance, outer: _Balance | None = None) -> tuple[str, str]:
    """``html`` (one raw HTML token) with the closing tags that close nothing in ``scope``
    dropped, and those that skip open elements completed.  A closing tag that matches nothing
    here but an element of ``outer`` is taken out and returned apart: the caller writes it after
    the enclosing block (``text</div>`` in a paragraph ends a ``<div>`` opened before it)."""
    out: list[str] = []
    later: list[str] = []
    pos = 0
    for m in _pieces(html):
        if m.start() < pos:  # inside an element dropped with its content
            continue
        if m.group("open"):
            name = _NAME.match(m.group()).group(1).lower()
            if name in DROP_WITH_CONTENT and _has_content(m.group()):
                end = _content_end(html, name, m.end())
                out.append(html[pos:end])
                pos = end
                continue
            if name in ALLOWED and name not in VOID:
                scope.opened(name)
        elif m.group("close"):
            name = _NAME.match(m.group()).group(1).lower()
            if name not in ALLOWED or name in VOID:
                continue
            out.append(html[pos:m.start()])
            pos = m.end()
            closers = scope.close(name)
            if closers is None and outer is not None:
                closers = outer.close(name)
                if closers is not None:
                    later.append(closers)
                    continue
            out.append(closers or "")
    out.append(html[pos:])
    return "".join(out), "".join(later)


def closed_piece(html: str) -> str:
    """``html`` (one raw HTML block) with the elements it leaves open closed at its end: a block
    that a ``%%`` comment cut short (``comments._html_shown``), whose end tags the comment hid,
    ends where its text does rather than around the blocks after it."""
    scope = _Balance()
    html = _balance_piece(html, scope)[0]
    return html + scope.close_all()


def balance_html(state: StateCore) -> None:
    """Raw HTML cannot reach outside the note, or outside the Markdown block it stands in.
    Obsidian renders every block apart, so a stray ``</div>`` or ``</article>`` closes nothing and
    an unclosed ``<b>`` or ``<div>`` ends with its block; on a page they would close the theme's
    own elements or run on into the backlinks and footer (and into every page embedding the
    note).  Elements opened by an ``html_block`` may span Markdown blocks of the same container
    (``<details>`` … ``</details>`` around a list) and end with that container; inline ones end
    with their inline run."""
    if "<" not in state.src:
        return
    tokens: list[Token] = []
    scopes = [_Balance()]
    after_block: list[str] = []  # closers to write after the block now open
    for tok in state.tokens:
        if tok.nesting == -1:
            closers = scopes.pop().close_all()
            if closers:
                tokens.append(_html_block(closers, tok))
        tokens.append(tok)
        if tok.nesting == 1:
            scopes.append(_Balance())
        elif tok.type == "html_block":
            tok.content = _balance_piece(tok.content, scopes[-1])[0]
        elif tok.type == "inline" and tok.children and "<" in tok.content:
            outer = scopes[-2] if len(scopes) > 1 else None
            run = _Balance()
            for child in tok.children:
                if child.type == "html_inline" and child.content not in TRUSTED:
                    child.content, later = _balance_piece(child.content, run, outer)
                    if later:
                        after_block.append(later)
            closers = run.close_all()
            if closers:
                tail = Token("html_inline", "", 0)
                tail.content = closers
                tok.children.append(tail)
        if tok.nesting == -1 and after_block:
            tokens.append(_html_block("".join(after_block), tok))
            after_block.clear()
    closers = scopes[0].close_all()
    if closers:
        tokens.append(_html_block(closers, None))
    state.tokens = tokens


def _html_block(content: str, near: Token | None) -> Token:
    tok = Token("html_block", "", 0)
    tok.block = True
    tok.content = content + "\n"
    tok.map = near.map if near is not None else None
    tok.level = near.level if near is not None else 0
    return tok


def sanitize_plugin(md: MarkdownIt) -> None:
    """Render ``html_block``/``html_inline`` through the sanitiser."""
    md.core.ruler.after("inline", "drop_inline_content", drop_inline_content)
    # Balanced last of the rules that move or cut tokens: after footnote_tail, whose inline
    # footnotes (``^[<table>]``) live apart until then; after block_embeds, which cuts a
    # paragraph around a note embed (``x <li> ![[B]] y``: each part is closed on its own); and
    # after comment_tail, which would drop the closers added for what the comment does not hide.
    names = [rule.name for rule in md.core.ruler.__rules__]
    last = max(("drop_inline_content", *(n for n in ("footnote_tail", "block_embeds",
                                                      "comment_tail") if n in names)),
               key=names.index)
    md.core.ruler.after(last, "balance_html", balance_html)
    md.core.ruler.after("balance_html", "hide_emptied_paragraphs", hide_emptied_paragraphs)
    md.add_render_rule("html_block", render_html_block)
    md.add_render_rule("html_inline", render_html_inline)
