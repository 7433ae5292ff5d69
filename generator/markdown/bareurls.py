"""Bare web addresses (``https://…``): markdown-it's inline ``linkify`` rule, in linear time.

markdown-it-py's own rule looks for the scheme before ``://`` with a regular expression over
all the text pending since the last token (``SCHEME_RE.search(state.pending)``), and hands
linkify-it a copy of the rest of the paragraph.  Both grow with the line, so a line of many
``://`` that are no address (``a:// a:// …``) was quadratic: 20,000 of them took about 30 s.
This rule gives the same links, reading only a bounded tail of the pending text (a scheme that
linkify-it knows is a few letters) and a bounded window of what follows, widened only when the
address found runs to (near) the window's end.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.linkify import SCHEME_RE

#: How much pending text is searched for the scheme: far more than any scheme linkify-it knows,
#: so a run of scheme characters as long as this is no scheme of its.
_SCHEME_TAIL = 64
#: How much text after the scheme linkify-it is shown at first, and how near its end an address
#: must end to be read again in a wider window (its path may have stopped at a ``.`` or ``!``
#: whose continuation was cut off; a run of such marks longer than this is no address).
_WINDOW = 4096
_MARGIN = 512


def _scheme(pending: str) -> str | None:
    """The scheme that ends the pending text (``http`` in ``see http``), as SCHEME_RE finds it
    in the whole text, from its tail alone."""
    tail = pending[-_SCHEME_TAIL:]
    match = SCHEME_RE.search(tail)
    if match is None:
        return None
    if match.start(1) == 0 and len(tail) < len(pending):
        return None  # the run of scheme characters goes on before the tail: too long for one
    return match.group(1)


def bare_url_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it's ``linkify`` rule (same checks, same tokens), bounded in what it reads."""
    if not state.md.options.linkify or state.linkLevel > 0:
        return False
    pos = state.pos
    if pos + 3 > state.posMax or not state.src.startswith("://", pos):
        return False
    proto = _scheme(state.pending)
    if proto is None:
        return False
    start = pos - len(proto)
    end = min(state.posMax, pos + _WINDOW)
    while True:
        link = state.md.linkify.match_at_start(state.src[start:end])
        if link is None or end >= state.posMax or start + link.last_index < end - _MARGIN:
            break
        end = min(state.posMax, end * 2 - start)  # the address may go on past the window
    if link is None:
        return False
    url = link.url.rstrip("*")  # a '*' at the end is emphasis, as markdown-it has it
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup = "linkify"
        token.info = "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup = "linkify"
        token.info = "auto"
    state.pos += len(url) - len(proto)
    return True


def bare_urls_plugin(md: MarkdownIt) -> None:
    """Put the bounded rule in ``linkify``'s place (``md.inline.ruler.enable("linkify")`` first)."""
    md.inline.ruler.at("linkify", bare_url_rule)
