"""``==highlighted==`` text -> ``mark_open`` / ``mark_close``."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline


def highlight_rule(state: StateInline, silent: bool) -> bool:
    src, pos, max_pos = state.src, state.pos, state.posMax
    if src[pos] != "=" or not src.startswith("==", pos):
        return False
    start = pos + 2
    if start >= max_pos or src[start] in " \t\n=":
        return False
    # Whether a ``==`` can close does not depend on the opener, so once a search from ``start``
    # found no closer, no later opener (with the same end) can find one: linear, not quadratic.
    failed = getattr(state, "_vs_mark_fail", None)
    if failed is not None and failed[0] == max_pos and failed[1] <= start:
        return False
    end = src.find("==", start, max_pos)
    # the closing marker follows a non-space character
    while end >= 0 and src[end - 1] in " \t\n":
        end = src.find("==", end + 2, max_pos)
    if end < 0:
        state._vs_mark_fail = (max_pos, start)
        return False
    if silent:
        state.pos = end + 2
        return True
    state.push("mark_open", "mark", 1).markup = "=="
    old_max = state.posMax
    state.pos, state.posMax = start, end
    state.md.inline.tokenize(state)
    state.pos, state.posMax = end + 2, old_max
    state.push("mark_close", "mark", -1).markup = "=="
    return True


def highlight_plugin(md: MarkdownIt) -> None:
    """Register ``==x==``; the default renderer writes ``<mark>``."""
    md.inline.ruler.before("link", "highlight", highlight_rule)
