"""Attachments a browser runs as documents (SVG and other XML, HTML), made safe to copy.

A reader who opens ``pic.svg`` or ``page.html`` by its link gets a document of the site's origin
(on GitHub Pages, the user's whole ``github.io``): a script in it could read and act as any page
of the site.  Pictures and pages of a shared vault are as untrusted as its notes, whose raw HTML
is sanitised; so are these files.

* XML documents (``.svg``, ``.xhtml``, ``.xml``…) are read by expat (entities as Obsidian's
  browser would expand them, expat's limits against entity bombs, never an external entity) and
  checked for what can run or load something: ``<script>`` and the elements that embed other
  documents (in any namespace, inside ``<foreignObject>`` too), ``on*`` attributes, ``javascript:``,
  ``vbscript:`` and ``data:`` URLs (but a raster picture's), links to other hosts in what loads
  (``<image href="https://…">``, ``<use>``), animations that set a link or a handler,
  ``<?xml-stylesheet?>`` (an XSLT could write a script) and a DTD's own entity declarations.  A
  file with none of them is copied byte for byte (most pictures); one with some is written again
  without them (same elements, attributes, text and comments), with one warning naming the first
  place and what went.  A file that is no well-formed XML is left out (a browser shows no picture
  of it either).
* HTML pages (``.html``, ``.htm``, ``.shtml``) are always written again through the sanitiser of
  notes' raw HTML (``markdown.sanitize``): their text, tables, pictures and links stay, scripts,
  handlers, styles that load something, frames and forms go.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from generator.diagnostics import Diagnostic, warning
from generator.model import file_stamp

XML_SUFFIXES = frozenset({".svg", ".svgz", ".xml", ".xhtml", ".xht", ".xsl", ".xslt", ".mml", ".rss",
                          ".atom", ".rdf"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml"})
#: Elements dropped with all they hold, whatever their namespace: they run a script or show
#: another document.
DROP_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                           "base", "meta", "link", "portal", "handler", "listener", "form"})
#: Attributes holding a URL that is followed or loaded (local names).
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "data", "poster", "codebase",
                       "background", "lowsrc", "dynsrc", "base", "srcset"})
ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform", "animatecolor"})
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_RASTER = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp|avif|bmp)[;,]")
_SCRIPT_URL = re.compile(r"(?:javascript|vbscript|livescript):", re.IGNORECASE)


@dataclass(frozen=True)
class Cleaned:
    """What to publish of one attachment: ``data`` None = the file as it is (``keep``) or
    nothing (``keep`` False); ``dropped``: what went, ``where``: (line, col) of the first."""

    data: bytes | None
    keep: bool
    dropped: tuple[str, ...] = ()
    where: tuple[int, int] = (1, 1)
    broken: str = ""


def needs_cleaning(url: str) -> bool:
    """Whether a site file of this name is a document browsers run (by its URL's extension, which
    decides the type a host serves it with)."""
    suffix = posixpath.splitext(url)[1].lower()
    return suffix in XML_SUFFIXES or suffix in HTML_SUFFIXES


def clean_file(url: str, data: bytes) -> Cleaned:
    suffix = posixpath.splitext(url)[1].lower()
    if suffix in HTML_SUFFIXES:
        return clean_html(data, posixpath.basename(url))
    if suffix == ".svgz":
        return _clean_gzipped(data)
    return clean_xml(data)


MAX_UNZIPPED = 64 << 20


def _clean_gzipped(data: bytes) -> Cleaned:
    """A compressed SVG: read uncompressed (within ``MAX_UNZIPPED``), compressed again when
    written anew (with no time stamp, so that the site stays the same from build to build)."""
    import gzip
    import zlib

    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        plain = inflater.decompress(data, MAX_UNZIPPED + 1)
    except zlib.error as exc:
        return Cleaned(None, False, broken=f"not gzip-compressed: {exc}")
    if len(plain) > MAX_UNZIPPED:
        return Cleaned(None, False, broken="larger than 64 MB uncompressed")
    cleaned = clean_xml(plain)
    if cleaned.data is None:
        return cleaned
    return Cleaned(gzip.compress(cleaned.data, mtime=0), True, cleaned.dropped, cleaned.where)


# -- XML -------------------------------------------------------------------------------------------
class _Names(dict):
    """A memo of a function of names (a drawing repeats a few names; bounded all the same)."""

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, name: str):
        if len(self) > 4096:
            self.clear()
        value = self[name] = self.fn(name)
        return value


_LOCAL = _Names(lambda name: name.rsplit(":", 1)[-1].lower())
_local = _LOCAL.__getitem__  # ``name``'s local part, lower-cased
#: Whether the checks look at an attribute of this name.
_LOOKED_AT = _Names(lambda key: (_local(key).startswith("on") or _local(key) in URL_ATTRS
                                 or _local(key) in ("srcdoc", "style")))


def _bad_url(element: str, attr: str, value: str) -> str | None:
    """Why a URL attribute must go, or None."""
    if attr == "srcdoc":
        return "srcdoc="
    if attr not in URL_ATTRS:
        return None
    plain = _URL_NOISE.sub("", value).lower()
    if _SCRIPT_URL.match(plain):
        return f"{plain.split(':', 1)[0]}: URL"
    if plain.startswith("data:"):
        return None if element != "a" and _RASTER.match(plain) else "data: URL"
    if element != "a" and re.match(r"(?:[a-z][a-z0-9+.-]*:|//)", plain):
        return "reference to another host"
    return None


def _animation_risk(element: str, attrs: dict[str, str]) -> bool:
    """An animation that sets a link or a handler (``<set attributeName="href" to="javascript:…">``)."""
    if element not in ANIMATIONS:
        return False
    target = _local(attrs.get("attributeName", ""))
    values = " ".join(attrs.get(k, "") for k in ("to", "from", "values", "by"))
    return (target in URL_ATTRS or target.startswith("on")
            or bool(_SCRIPT_URL.search(_URL_NOISE.sub("", values))))


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return (_escape_text(text).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\r", "&#13;").replace("\t", "&#9;"))


class _MustClean(Exception):
    """Raised by the first pass at the first thing to drop: the file is written again."""




class _XmlCleaner:
    def __init__(self, write: bool) -> None:
        self.write = write  # False: only find whether anything must go (stops at the first)
        self.out: list[str] = []
        self.dropped: dict[str, None] = {}
        self.where: tuple[int, int] | None = None
        self.skip = 0  # depth inside a dropped element
        self.rewrite = False
        p = self.parser = expat.ParserCreate()  # no namespace processing: names as written
        p.ordered_attributes = True
        p.specified_attributes = True
        p.buffer_text = True
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.XmlDeclHandler = self._xml_decl
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._entity
        p.ExternalEntityRefHandler = self._external
        p.StartElementHandler = self._start if write else self._check
        p.ProcessingInstructionHandler = self._pi
        if write:
            p.EndElementHandler = self._end
            p.CharacterDataHandler = self._text
            p.CommentHandler = self._comment

    def _drop(self, what: str) -> None:
        if not self.write:
            raise _MustClean
        self.rewrite = True
        self.dropped.setdefault(what)
        if self.where is None:
            self.where = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)

    def _xml_decl(self, version, encoding, standalone) -> None:
        self.out.append('<?xml version="1.0" encoding="UTF-8"?>')

    def _doctype(self, name, sysid, pubid, has_internal_subset) -> None:
        if has_internal_subset:  # entities a browser might read otherwise than expat: expanded
            self._drop("the DTD's internal subset")

    def _entity(self, name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if system_id is not None:
            self._drop("an external entity")

    def _external(self, context, base, system_id, public_id) -> int:
        self._drop("an external entity")
        return 1  # never read: it expands to nothing

    def _check(self, name: str, attr_list: list[str]) -> None:
        """The first pass: an element with nothing the checks look at is passed over quickly."""
        local = _local(name)
        if (local in DROP_ELEMENTS or local in ANIMATIONS
                or any(map(_LOOKED_AT.__getitem__, attr_list[::2]))):
            self._start(name, attr_list)

    def _start(self, name: str, attr_list: list[str]) -> None:
        if self.skip:
            self.skip += 1
            return
        local = _local(name)
        attrs = dict(zip(attr_list[::2], attr_list[1::2], strict=True))
        if local in DROP_ELEMENTS or _animation_risk(local, attrs):
            self._drop(f"<{name}>")
            self.skip = 1
            return
        parts = [f"<{name}"]
        for key, value in attrs.items():
            attr = _local(key)
            why = "on*= handler" if attr.startswith("on") else _bad_url(local, attr, value)
            if why is None and attr == "style" and _SCRIPT_URL.search(_URL_NOISE.sub("", value)):
                why = "javascript: in a style"
            if why is not None:
                self._drop(f"{key}= ({why})" if not attr.startswith("on") else f"{key}=")
                continue
            parts.append(f' {key}="{_escape_attr(value)}"')
        if self.write:
            self.out.append("".join(parts) + ">")

    def _end(self, name: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        self.out.append(f"</{name}>")

    def _text(self, data: str) -> None:
        if not self.skip:
            self.out.append(_escape_text(data))

    def _comment(self, data: str) -> None:
        if not self.skip and "--" not in data and not data.endswith("-"):
            self.out.append(f"<!--{data}-->")

    def _pi(self, target: str, data: str) -> None:
        if self.skip:
            return
        if target.lower() == "xml-stylesheet":
            self._drop("<?xml-stylesheet?>")
            return
        self.out.append(f"<?{target} {data}?>" if data else f"<?{target}?>")


def clean_xml(data: bytes) -> Cleaned:
    """An XML document (an SVG) without what can run or load: ``data`` None when it has nothing
    to drop (copied as it is)."""
    try:  # a first pass that writes nothing: most files have nothing to drop
        _XmlCleaner(write=False).parser.Parse(data, True)
        return Cleaned(None, True)
    except _MustClean:
        pass
    except (expat.ExpatError, RecursionError):
        pass  # told by the second pass, at its place
    cleaner = _XmlCleaner(write=True)
    try:
        cleaner.parser.Parse(data, True)
    except expat.ExpatError as exc:
        return Cleaned(None, False, where=(exc.lineno, exc.offset + 1),
                       broken=expat.errors.messages.get(exc.code, str(exc)) if hasattr(
                           expat.errors, "messages") else str(exc))
    except RecursionError:
        return Cleaned(None, False, broken="nested too deeply")
    if not cleaner.rewrite:
        return Cleaned(None, True)
    return Cleaned("".join(cleaner.out).encode("utf-8"), True, tuple(cleaner.dropped),
                   cleaner.where or (1, 1))


# -- HTML ------------------------------------------------------------------------------------------
_ATTR = r"""\s+([^\s/>=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?"""
_OPEN = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)((?:{_ATTR})*)\s*/?>")
_ATTR_NAME = re.compile(_ATTR)
_DOCUMENT_TAGS = frozenset({"html", "head", "body", "title"})  # the page's frame, written anew
_TITLE = re.compile(r"<title[^>]*>([^<]*)</title\s*>", re.IGNORECASE)
_FRAME = re.compile(r"<!doctype[^>]*>|<title[^>]*>[^<]*</title\s*>", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    m = _CHARSET.search(data[:4096])
    if m is not None:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def clean_html(data: bytes, name: str) -> Cleaned:
    """An HTML page through the raw-HTML sanitiser of notes, as a page of its own (UTF-8)."""
    from markdown_it.common.utils import escapeHtml, unescapeAll

    from generator.markdown.sanitize import clean_open_tag, sanitize_html

    text = _decode(data)
    dropped: dict[str, None] = {}
    where: tuple[int, int] | None = None
    for m in _OPEN.finditer(text):
        tag = m.group(1).lower()
        kept = clean_open_tag(m.group()) if tag not in _DOCUMENT_TAGS else ""
        lost = ([f"{a}=" for a in dict.fromkeys(_ATTR_NAME.findall(m.group(2)))
                 if a.lower().startswith("on")] if tag in _DOCUMENT_TAGS  # its frame: handlers
                else [f"<{tag}>"] if not kept else
                [f"{a}=" for a in dict.fromkeys(_ATTR_NAME.findall(m.group(2)))
                 if f" {a.lower()}=" not in kept and f" {a.lower()}>" not in kept
                 and not kept.endswith(f" {a.lower()}")])
        for what in lost:
            dropped.setdefault(what)
        if lost and where is None:
            line = text.count("\n", 0, m.start()) + 1
            where = (line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1)
    heading = _TITLE.search(text)
    title = escapeHtml(unescapeAll(heading.group(1)).strip() if heading is not None
                       else posixpath.splitext(name)[0])
    # the page's frame is written anew: its doctype and title are not text of its body
    body = sanitize_html(_FRAME.sub("", text))
    page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body>\n{body}\n</body></html>\n")
    return Cleaned(page.encode("utf-8"), True, tuple(dropped), where or (1, 1))


# -- the build's copies ----------------------------------------------------------------------------
_MEMO: dict[tuple[str, str, tuple[int, ...]], Cleaned] = {}


def clean_copy(url: str, src: Path) -> Cleaned:
    """``clean_file`` of a vault file, once per file version in a process."""
    st = src.stat()
    key = (url, str(src), tuple(file_stamp(st)))
    if key not in _MEMO:
        _MEMO[key] = clean_file(url, src.read_bytes())
    return _MEMO[key]


def clean_copies(copies: dict[str, Path], vault: Path) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Take the documents browsers run out of ``copies`` (site URL -> file; changed in place):
    those to write again are returned as bytes, those not to publish are gone; one warning for
    each file that loses something."""
    files: dict[str, bytes] = {}
    found: list[Diagnostic] = []
    for url, src in sorted(copies.items()):
        if not needs_cleaning(url):
            continue
        try:
            cleaned = clean_copy(url, src)
        except OSError:  # reported as unreadable
            continue
        if cleaned.data is not None:
            files[url] = cleaned.data
        if not cleaned.keep or cleaned.data is not None:
            del copies[url]
        diag = cleaned_warning(cleaned, src, vault)
        if diag is not None:
            found.append(diag)
    return files, found


def cleaned_warning(cleaned: Cleaned, src: Path, vault: Path) -> Diagnostic | None:
    """The ``attachment-sanitised`` warning of one file, or None when it is published whole."""
    try:
        rel = src.relative_to(vault).as_posix()
    except ValueError:  # a mounted folder: its file name is what can be told
        rel = src.name
    line, col = cleaned.where
    if not cleaned.keep:
        return warning("attachment-sanitised",
                       "not published: a browser would open it as a document, and it is no "
                       f"well-formed XML ({cleaned.broken}), so what it runs cannot be checked",
                       rel, line, col, hint="fix the file (open it in a browser to see the error) "
                       "or remove the link to it")
    if not cleaned.dropped:
        return None
    shown = ", ".join(cleaned.dropped[:8]) + (f" and {len(cleaned.dropped) - 8} more"
                                              if len(cleaned.dropped) > 8 else "")
    return warning("attachment-sanitised",
                   f"published without {shown}: opened by its link, the file would run or load "
                   "them as a page of the site", rel, line, col,
                   hint="the rest of it is published; to publish it whole, remove them from the "
                   "file (or export the picture again without scripts)")
