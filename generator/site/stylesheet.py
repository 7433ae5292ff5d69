"""The vault's ``publish.css`` (Obsidian Publish's custom stylesheet), made safe to link from
every page: nothing in it may load from another host (pages make no request off the machine).

A stylesheet runs no script in a browser of today, and this one is a file of its own, linked with
``<link rel="stylesheet">``, never written inside a page's ``<style>`` (so no ``</style>`` in it
can end anything).  What goes: ``@import`` rules, every ``url()`` (or ``src()``, or string in an
``image-set()``) that is not a picture or font of the vault or a ``data:`` picture or font (it
becomes ``none``, so its declaration is dropped by the browser), and ``expression()`` (old
Internet Explorer ran it as script).  A picture or font of the vault, written as a path from the
vault root (where ``publish.css`` is), is published and the path made relative to the copy.

The text is read with a small tokenizer after CSS Syntax Level 3: comments, strings, escapes and
``url(`` tokens, so that a ``url(`` inside a string or comment is left alone and an escaped
``\\75 rl(`` is still seen as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: The ``data:`` URLs kept: pictures and fonts (a stylesheet shows nothing else from one).
_DATA_KEPT = re.compile(r"data:\s*(image/|font/|application/(x-)?font)", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}[ \t\n\r\f]?|[\s\S])")
_NAME = re.compile(r"(?:[-\w]|\\[\s\S]|[^\x00-\x7f])+")
#: Functions whose string arguments are URLs (``image-set("a.png" 1x)``).
_URL_STRINGS = {"image-set", "-webkit-image-set", "image"}


def _quoted(url: str) -> str:
    """``url`` as a CSS string."""
    return '"' + url.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        code = m.group(1)
        if len(code) > 1 or code in "0123456789abcdefABCDEF":
            try:
                return chr(int(code.strip(), 16) or 0xFFFD)
            except (ValueError, OverflowError):
                return "\ufffd"
        return code
    return _ESCAPE.sub(one, text)


@dataclass
class CleanedCss:
    """The stylesheet to publish, what went (named, for the warning) and where the first of them
    was (1-based line and column), and the vault files its kept ``url()``s name."""
    css: str
    dropped: list[str] = field(default_factory=list)
    where: tuple[int, int] = (0, 0)
    files: list[str] = field(default_factory=list)


def _place(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def clean_stylesheet(text: str, local: Callable[[str], str | None]) -> CleanedCss:
    """``text`` without what would load from elsewhere.  ``local(url)`` answers the URL to write
    for a vault file the stylesheet names (relative to where the copy is published), or None."""
    out: list[str] = []
    result = CleanedCss("")
    calls: list[str] = []  # the functions the tokenizer is inside, innermost last

    def drop(what: str, pos: int) -> None:
        if not result.dropped:
            result.where = _place(text, pos)
        result.dropped.append(what)

    def url_value(raw: str, pos: int) -> str | None:
        """The URL to write for ``raw`` (as written, unescaped), or None when it goes."""
        target = raw.strip()
        if _DATA_KEPT.match(target) or target.startswith("#"):
            return target  # (``url(#shape)``: an element of the page, nothing to load)
        if target:
            kept = local(target)
            if kept is not None:
                result.files.append(target)
                return kept
        drop(f"url({target[:60]})" if target else "url()", pos)
        return None

    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2  # a comment shows nothing: not published
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            string = text[i:min(j + 1, n)]
            if calls and calls[-1] in _URL_STRINGS:
                kept = url_value(_unescape(string[1:-1] if string.endswith(c) else string[1:]), i)
                out.append(_quoted(kept) if kept is not None else "none")
            else:
                out.append(string)
            i = j + 1
            continue
        if c == "@":
            m = _NAME.match(text, i + 1)
            if m and _unescape(m.group()).lower() == "import":
                end = _statement_end(text, m.end())
                drop("@import", i)
                i = end
                continue
        m = _NAME.match(text, i) if (c.isalpha() or c in "-_\\" or ord(c) > 127) else None
        if m is not None:
            name = _unescape(m.group()).lower()
            after = m.end()
            if after < n and text[after] == "(":
                if name in ("url", "src"):
                    end, raw = _url_argument(text, after + 1)
                    kept = url_value(raw, i)
                    out.append(f"url({_quoted(kept)})" if kept is not None else "none")
                    i = end
                    continue
                if name == "expression":
                    end = _close_paren(text, after + 1)
                    drop("expression()", i)
                    out.append("none")
                    i = end
                    continue
                calls.append(name)
                out.append(m.group() + "(")
                i = after + 1
                continue
            out.append(m.group())
            i = after
            continue
        if c == "(":
            calls.append("")
        elif c == ")" and calls:
            calls.pop()
        out.append(c)
        i += 1
    result.css = "".join(out)
    return result


def _statement_end(text: str, pos: int) -> int:
    """Past the ``;`` ending an at-rule's prelude (strings skipped), or the end of the text."""
    n = len(text)
    while pos < n:
        c = text[pos]
        if c in "\"'":
            pos += 1
            while pos < n and text[pos] not in (c, "\n"):
                pos += 2 if text[pos] == "\\" else 1
        elif c == ";":
            return pos + 1
        elif c in "{}":
            return pos  # no ``;``: the rule ends where the block does
        pos += 1
    return n


def _url_argument(text: str, pos: int) -> tuple[int, str]:
    """The argument of a ``url(`` whose ``(`` ends before ``pos``: (past its ``)``, the URL
    unescaped).  Quoted or not, as CSS reads both."""
    n = len(text)
    while pos < n and text[pos] in " \t\n\r\f":
        pos += 1
    if pos < n and text[pos] in "\"'":
        quote, start = text[pos], pos + 1
        pos += 1
        while pos < n and text[pos] not in (quote, "\n"):
            pos += 2 if text[pos] == "\\" else 1
        raw = text[start:pos]
        return _close_paren(text, pos + 1), _unescape(raw)
    start = pos
    while pos < n and text[pos] != ")":
        pos += 2 if text[pos] == "\\" else 1
    return min(pos + 1, n), _unescape(text[start:pos])


def _close_paren(text: str, pos: int) -> int:
    """Past the ``)`` that closes a ``(`` just before ``pos`` (nesting and strings counted)."""
    depth, n = 1, len(text)
    while pos < n and depth:
        c = text[pos]
        if c in "\"'":
            pos += 1
            while pos < n and text[pos] not in (c, "\n"):
                pos += 2 if text[pos] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        pos += 1
    return pos


#: Where Obsidian Publish reads the site's stylesheet (its help, "Customize your site": "Both
#: `publish.css` and `publish.js` must be located in the root directory"), and where it is published.
PUBLISH_CSS = "publish.css"
PUBLISH_CSS_URL = "_assets/publish.css"
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")


def vault_stylesheet(index) -> tuple[bytes | None, dict, list] | None:
    """The vault's ``publish.css`` as published (``PUBLISH_CSS_URL``): its bytes, the vault files
    its ``url()``s name (site URL -> file, to copy), and its ``attachment-sanitised`` warning;
    None when the vault has none.  One that cannot be read has no bytes (pages link none) and an
    ``unreadable`` warning."""
    from urllib.parse import unquote

    from generator.diagnostics import warning
    from generator.discover import UNREADABLE_HINT
    from generator.urls import relative_href

    att = index.attachments.get(PUBLISH_CSS)
    if att is None:
        return None
    try:
        text = att.abs.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        return None, {}, [warning("unreadable", f"cannot read file: {exc.strerror}", att.rel,
                                  hint=UNREADABLE_HINT)]
    folded: dict[str, object] = {}
    named: dict[str, object] = {}

    def local(url: str) -> str | None:
        if _SCHEME.match(url):
            return None
        path, _, fragment = url.partition("#")
        path = unquote(path.split("?", 1)[0]).lstrip("/")
        while path.startswith("./"):
            path = path[2:]
        found = index.attachments.get(path)
        if found is None:  # a name in another case, as the vault's own links find it
            if not folded:
                folded.update((rel.casefold(), a) for rel, a in index.attachments.items())
            found = folded.get(path.casefold())
        if found is None or found is att:
            return None
        named[index.attachment_url(found)] = found
        return relative_href(index.attachment_url(found), PUBLISH_CSS_URL, fragment or None)

    cleaned = clean_stylesheet(text, local)
    copies = {url: found.abs for url, found in sorted(named.items())}
    diags = []
    if cleaned.dropped:
        shown = ", ".join(cleaned.dropped[:8]) + (f" and {len(cleaned.dropped) - 8} more"
                                                  if len(cleaned.dropped) > 8 else "")
        diags.append(warning(
            "attachment-sanitised",
            f"published without {shown}: pages load nothing from elsewhere, and no script",
            att.rel, *cleaned.where,
            hint="the rest is linked from every page; for a font or picture, put the file in the "
                 "vault and name it by its path from the vault root (url(\"Fonts/Inter.woff2\"))"))
    return cleaned.css.encode("utf-8"), copies, diags
