"""``==highlighted==`` text -> ``mark_open`` / ``mark_close``."""

from __future__ import annotations

import re
from bisect import bisect_left

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

#: What the closer search stops at: a ``==``, an escaped backslash, backtick or ``=``, a backtick run.
_EVENT = re.compile(r"==|\\[\\`=]|`+")
_RUN = re.compile(r"`+")


def _runs(state: StateInline) -> tuple[dict[int, list[int]], list[int], list[int]]:
    """The backtick runs of the inline source: starts by length, all starts, all ends."""
    runs = getattr(state, "_vs_mark_runs", None)
    if runs is None:
        by_len: dict[int, list[int]] = {}
        starts: list[int] = []
        ends: list[int] = []
        for m in _RUN.finditer(state.src):
            a, b = m.span()
            by_len.setdefault(b - a, []).append(a)
            starts.append(a)
            ends.append(b)
        runs = state._vs_mark_runs = (by_len, starts, ends)
    return runs


def _code_span_end(state: StateInline, pos: int, n: int, max_pos: int) -> int:
    """Where the code span opened by ``n`` backticks ending at ``pos`` ends (after its closing
    run), or -1 when no run of exactly ``n`` backticks follows: the opening run is then text."""
    by_len, starts, ends = _runs(state)
    same = by_len.get(n)
    if same:
        k = bisect_left(same, pos)
        if k < len(same) and same[k] + n <= max_pos:
            return same[k] + n
    # a run cut by max_pos counts with its part before max_pos (as in markdown-it's backticks)
    k = bisect_left(starts, max_pos) - 1
    if k >= 0 and starts[k] >= pos and ends[k] > max_pos and max_pos - starts[k] == n:
        return max_pos
    return -1


def _find_closer(state: StateInline, start: int, max_pos: int) -> int:
    """Position of the ``==`` closing a highlight whose text starts at ``start``, or -1.

    The closer follows a non-space character and is not inside a code span (delimited as
    CommonMark does: a run of n backticks closes at the next run of exactly n; an unmatched run
    is text; ``\\``` is an escaped backtick).  Every stop of the search outside code spans is
    memoised with the search's result: a later search reaching the same stop is in the same
    state from there on, so it has the same result; each stop is searched from once, and
    repeated openers cost O(1) (linear, not quadratic).
    """
    memos = getattr(state, "_vs_mark_memo", None)
    if memos is None:
        memos = state._vs_mark_memo = {}
    memo = memos.setdefault(max_pos, {})
    src = state.src
    chain: list[int] = []
    pos, result = start, -1
    while True:
        m = _EVENT.search(src, pos, max_pos)
        if m is None:
            break
        at = m.start()
        known = memo.get(at)
        if known is not None:
            result = known
            break
        chain.append(at)
        found = m.group()
        if found == "==":
            if src[at - 1] not in " \t\n":
                result = at
                break
            pos = at + 2
        elif found[0] == "\\":
            pos = at + 2
        else:
            end = _code_span_end(state, m.end(), len(found), max_pos)
            pos = end if end >= 0 else m.end()
    for at in chain:
        memo[at] = result
    return result


def highlight_rule(state: StateInline, silent: bool) -> bool:
    src, pos, max_pos = state.src, state.pos, state.posMax
    if src[pos] != "=" or not src.startswith("==", pos):
        return False
    start = pos + 2
    if start >= max_pos or src[start] in " \t\n=":
        return False
    end = _find_closer(state, start, max_pos)
    if end < 0:
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
