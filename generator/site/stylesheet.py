"""The vault's ``publish.css`` (Obsidian Publish's custom stylesheet), made safe to link from
every page: nothing in it may load from another host (pages make no request off the machine).

A stylesheet runs no script in a browser of today, and this one is a file of its own, linked with
``<link rel="stylesheet">``, never written inside a page's ``<style>`` (so no ``</style>`` in it
can end anything).  What goes: ``@import`` rules, every ``url()`` (or ``src()``, or string in an
``image-set()``) that is not a picture or font of the vault or a ``data:`` picture or font (it
becomes ``none``, so its declaration is dropped by the browser), and ``expression()`` (old
Internet Explorer ran it as script).  A picture or font of the vault, written as a path from the
vault root (where ``publish.css`` is), is published and the path made relative to the copy.

The text is read by tinycss2, which tokenizes after CSS Syntax Level 3 as browsers do: a ``url(``
inside a string or comment is no URL, and an escaped ``\\75 rl(`` is one.  Comments are not
published.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import tinycss2
from tinycss2 import ast

#: The ``data:`` URLs kept: pictures and fonts (a stylesheet shows nothing else from one).
_DATA_KEPT = re.compile(r"data:\s*(image/|font/|application/(x-)?font)", re.IGNORECASE)
#: Functions whose string arguments are URLs (``image-set("a.png" 1x)``).
_URL_STRINGS = {"image-set", "-webkit-image-set", "image"}


def _quoted(url: str) -> str:
    """``url`` as a CSS string."""
    return '"' + url.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


@dataclass
class CleanedCss:
    """The stylesheet to publish, what went (named, for the warning) and where the first of them
    was (1-based line and column), and the vault files its kept ``url()``s name."""
    css: str
    dropped: list[str] = field(default_factory=list)
    where: tuple[int, int] = (0, 0)
    files: list[str] = field(default_factory=list)


def clean_stylesheet(text: str, local: Callable[[str], str | None]) -> CleanedCss:
    """``text`` without what would load from elsewhere.  ``local(url)`` answers the URL to write
    for a vault file the stylesheet names (relative to where the copy is published), or None."""
    result = CleanedCss("")

    def drop(what: str, node: ast.Node) -> ast.Node:
        if not result.dropped:
            result.where = (node.source_line, node.source_column)
        result.dropped.append(what)
        return ast.IdentToken(node.source_line, node.source_column, "none")

    def url(raw: str, node: ast.Node, string: bool = False) -> ast.Node:
        """What stands for the URL ``raw`` (unescaped) of ``node``: the URL to publish, as a
        ``url()`` (a ``string`` in an ``image-set()``), or none."""
        target = raw.strip()
        kept = None
        if _DATA_KEPT.match(target) or target.startswith("#"):
            kept = target  # (``url(#shape)``: an element of the page, nothing to load)
        elif target:
            kept = local(target)
            if kept is not None:
                result.files.append(target)
        if kept is None:
            return drop(f"url({target[:60]})" if target else "url()", node)
        line, col = node.source_line, node.source_column
        if string:
            return ast.StringToken(line, col, kept, _quoted(kept))
        return ast.URLToken(line, col, kept, f"url({_quoted(kept)})")

    def clean(nodes: list, in_urls: bool = False) -> list:
        out: list = []
        skipping = False  # an @import being left out, to its ``;`` or block (an at-rule's end)
        for node in nodes:
            if skipping:
                skipping = not (node.type == "{} block"
                                or node.type == "literal" and node.value == ";")
                continue
            if node.type == "at-keyword" and node.lower_value == "import":
                drop("@import", node)
                skipping = True
            elif node.type == "url":
                out.append(url(node.value, node))
            elif node.type == "error" and node.kind == "bad-url":  # url(a b): no URL at all
                out.append(drop("a malformed url()", node))
            elif node.type == "error" and node.kind == "eof-in-url":
                pass  # the url token before it, cut off by the end of the file, is dropped
            elif node.type == "function" and node.lower_name in ("url", "src"):
                strings = [arg for arg in node.arguments if arg.type == "string"]
                raw = strings[0].value if strings else tinycss2.serialize(node.arguments)
                out.append(url(raw, node))
            elif node.type == "function" and node.lower_name == "expression":
                out.append(drop("expression()", node))
            elif node.type == "string" and in_urls:
                out.append(url(node.value, node, string=True))
            elif node.type == "function":
                node.arguments = clean(node.arguments, node.lower_name in _URL_STRINGS)
                out.append(node)
            elif node.type in ("() block", "[] block", "{} block"):
                node.content = clean(node.content)
                out.append(node)
            else:
                out.append(node)
        return out

    nodes = tinycss2.parse_component_value_list(text, skip_comments=True)
    result.css = tinycss2.serialize(clean(nodes))
    return result


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
    named: dict[str, object] = {}

    def local(url: str) -> str | None:
        if _SCHEME.match(url):
            return None
        path, _, fragment = url.partition("#")
        path = unquote(path.split("?", 1)[0]).lstrip("/")
        while path.startswith("./"):
            path = path[2:]
        found = index.attachment_at(path)  # also in another letter case, as links find it
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
