"""Markdown nested deeper than the parser follows (lists, quotes, callouts inside each other).

markdown-it stops at ``maxNesting`` levels and silently skips what lies deeper, to the end of that
container: the rest of the note could vanish without a word.  The limit is raised to
``MAX_NESTING`` (50 levels of lists, each a list and an item to the parser, and 100 of quotes), and
what still lies deeper is shown as written, in a ``nesting_cut`` block that warns at render time.

Inline markup keeps markdown-it's own limit, ``INLINE_NESTING``: past it, markup (links in links
in emphasis…) stays text, so nothing is lost, and the block limit would make a line of unclosed
brackets (``![[x ![[x …``) cost five times as much to scan for its labels.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MAX_NESTING = 100
INLINE_NESTING = 20


CONTAINERS = frozenset({"bullet_list_open", "ordered_list_open", "blockquote_open",
                        "callout_open"})


def nesting_rule(state: StateCore) -> None:
    """After block parsing: a container opened at the last level holds nothing the parser read;
    its lines go into a ``nesting_cut`` token inside it, which knows how many lists, quotes and
    callouts hold it (what the note's writer counts: a list level takes two parser levels)."""
    limit = state.md.options["maxNesting"]
    tokens = state.tokens
    cut = [i for i, tok in enumerate(tokens) if tok.nesting == 1 and tok.level == limit - 1
           and tok.map and (i + 1 == len(tokens) or tokens[i + 1].nesting == -1)]
    if not cut:
        return
    depths, depth, at = {}, 0, set(cut)
    for i, tok in enumerate(tokens[:cut[-1] + 1]):
        if tok.type in CONTAINERS:
            depth += 1
        elif tok.type.replace("_close", "_open") in CONTAINERS and tok.nesting == -1:
            depth -= 1
        if i in at:
            depths[i] = depth
    lines = state.src.split("\n")
    for i in reversed(cut):
        start, end = tokens[i].map
        tok = Token("nesting_cut", "pre", 0, map=[start, end], level=limit, block=True)
        tok.content = "\n".join(lines[start:end]) + "\n"
        tok.meta = {"depth": depths[i]}
        tokens.insert(i + 1, tok)


def render_nesting_cut(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    tok = tokens[idx]
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        ctx.warn("nesting-too-deep", f"lists, quotes or callouts nested {tok.meta['depth']} "
                 f"levels deep, the deepest level read ({MAX_NESTING // 2} of lists, {MAX_NESTING} "
                 "of quotes and callouts, a list counting twice in a mix): what it holds is shown "
                 "as written", tok.map[0], hint="nest less deeply")
    return f'<pre class="nesting-cut"><code>{escapeHtml(tok.content)}</code></pre>\n'


def _with_inline_limit(rule):
    def inline(state: StateCore) -> None:
        options = state.md.options
        options["maxNesting"] = INLINE_NESTING
        try:
            rule(state)
        finally:
            options["maxNesting"] = MAX_NESTING

    return inline


def nesting_plugin(md: MarkdownIt) -> None:
    md.options["maxNesting"] = MAX_NESTING
    rules = {r.name: r.fn for r in md.core.ruler.__rules__}
    md.core.ruler.at("inline", _with_inline_limit(rules["inline"]))
    md.core.ruler.after("block", "nesting_cut", nesting_rule)
    md.add_render_rule("nesting_cut", render_nesting_cut)
