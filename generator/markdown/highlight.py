"""``==highlighted==`` text -> ``mark_open`` / ``mark_close``.

``==`` is a delimiter run, parsed the way markdown-it parses ``~~``: the tokenize rule only
pushes each ``==`` as a text token and records it in ``state.delimiters``; markdown-it's
``balance_pairs`` matches openers with closers, and ``highlight_post_process`` turns each pair
into ``mark_open`` / ``mark_close``.  So every other inline rule (code spans, math, wikilinks,
links, autolinks, raw HTML, escapes) consumes its own text first and a ``==`` inside it is
never a delimiter, a ``==`` inside link text pairs only inside that text (markdown-it gives each
link its own delimiter list), and highlights nest with emphasis and strikethrough by the same
flanking rules (``a == b`` is not a highlight: a run between spaces neither opens nor closes).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter

_EQ = 0x3D  # "="


def highlight_tokenize(state: StateInline, silent: bool) -> bool:
    """Push a run of ``=`` as text tokens: one ``=`` first when the run is odd, then one
    ``==`` delimiter per pair (``===a===`` is ``=<mark>a</mark>=``)."""
    start = state.pos
    src = state.src
    if src[start] != "=" or silent or not src.startswith("==", start, state.posMax):
        return False  # a lone "=" is text; in link text (silent) a run is skipped as text
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length % 2:
        state.push("text", "", 0).content = "="
        length -= 1
    for _ in range(length // 2):
        state.push("text", "", 0).content = "=="
        state.delimiters.append(Delimiter(
            marker=_EQ,
            length=0,  # no "rule of 3" (as for ~~)
            token=len(state.tokens) - 1,
            end=-1,
            open=scanned.can_open,
            close=scanned.can_close,
        ))
    state.pos += scanned.length
    return True


def _pairs_to_marks(state: StateInline, delimiters: list[Delimiter]) -> None:
    tokens = state.tokens
    lone: list[int] = []
    for opener in delimiters:
        if opener.marker != _EQ or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        token = tokens[opener.token]
        token.type, token.tag, token.nesting, token.markup, token.content = (
            "mark_open", "mark", 1, "==", "")
        token = tokens[closer.token]
        token.type, token.tag, token.nesting, token.markup, token.content = (
            "mark_close", "mark", -1, "==", "")
        before = tokens[closer.token - 1]
        if before.type == "text" and before.content == "=":
            lone.append(closer.token - 1)
    # An odd closing run is split "=" + "==": its lone "=" belongs after the </mark>s
    # (``==a===`` is ``<mark>a</mark>=``).
    while lone:
        i = lone.pop()
        j = i + 1
        while j < len(tokens) and tokens[j].type == "mark_close":
            j += 1
        j -= 1
        if i != j:
            tokens[i], tokens[j] = tokens[j], tokens[i]


def highlight_post_process(state: StateInline) -> None:
    """Matched ``==`` pairs -> ``mark_open`` / ``mark_close``, at the top level and inside
    every token that opened its own delimiter list (link text)."""
    if "==" not in state.src:
        return
    _pairs_to_marks(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pairs_to_marks(state, meta["delimiters"])


def highlight_plugin(md: MarkdownIt) -> None:
    """Register ``==x==``; the default renderer writes ``<mark>``."""
    md.inline.ruler.before("link", "highlight", highlight_tokenize)
    md.inline.ruler2.before("fragments_join", "highlight", highlight_post_process)
