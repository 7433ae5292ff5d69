"""Code spans in table cells break where a name reads apart, not inside a word.

A table cell's column is as narrow as its longest unbreakable piece, so a long code name
(``contextlib.suppress(FileNotFoundError)``) took a phone's whole width and squeezed the prose
beside it to a word a line; breaking it anywhere (CSS ``overflow-wrap: anywhere``) cut it
mid-word (``contextlib.supp`` / ``ress``).  A core rule marks the code spans that stand in a
table cell, and their render rule writes a ``<wbr>`` (a break opportunity that copies as nothing)
where a code name reads apart: before a ``.``, ``/``, ``(``, ``_``…, after a ``:``, ``=``, ``,``…,
and between the words of a camelCase name.  A piece with no such place stays whole, and its table
scrolls sideways instead (``.content table`` scrolls in its own box).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: ``meta`` key of a ``code_inline`` token in a table cell.
IN_CELL = "in_table_cell"

#: Characters a code name may break before (a dot or slash starts the next part, as typesetters
#: break a web address), and after.
_BEFORE = frozenset("./\\([{_-#?%~|<")
_AFTER = frozenset(":=&;,")


def break_points(code: str) -> list[int]:
    """The offsets in ``code`` where it may break: see the module's docstring.  Never next to a
    space (which breaks anyway), nor where the part before or after holds no letter or digit
    (``__init__`` keeps its underscores)."""
    alnum = [c.isalnum() for c in code]
    # the first and last letter or digit: a break outside them leaves punctuation alone
    first = next((i for i, a in enumerate(alnum) if a), len(code))
    last = max((i for i, a in enumerate(alnum) if a), default=-1)
    out = []
    for i in range(first + 1, last + 1):
        prev, cur = code[i - 1], code[i]
        if prev.isspace() or cur.isspace():
            continue
        if (cur in _BEFORE and prev not in _BEFORE and prev not in _AFTER) \
                or (prev in _AFTER and cur not in _AFTER) \
                or (prev.islower() and cur.isupper()):
            out.append(i)
    return out


def _mark_cells(state: StateCore) -> None:
    if "|" not in state.src:  # no table
        return
    depth = 0
    for tok in state.tokens:
        ttype = tok.type
        if ttype in ("td_open", "th_open"):
            depth += 1
        elif ttype in ("td_close", "th_close"):
            depth -= 1
        elif depth and ttype == "inline":
            for kid in tok.children or ():
                if kid.type == "code_inline":
                    kid.meta[IN_CELL] = True


def _render_code_inline(previous):
    def render_code_inline(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if not token.meta.get(IN_CELL):
            return previous(tokens, idx, options, env)
        code = token.content
        cuts = break_points(code)
        if not cuts:
            return previous(tokens, idx, options, env)
        parts = [code[a:b] for a, b in zip([0, *cuts], [*cuts, len(code)], strict=True)]
        return (f"<code{self.renderAttrs(token)}>"
                + "<wbr>".join(escapeHtml(p) for p in parts) + "</code>")

    return render_code_inline


def table_code_plugin(md: MarkdownIt) -> None:
    """Mark the code spans of table cells (core rule after ``inline``); write their break
    opportunities (``code_inline`` render rule, wrapping the one registered before)."""
    md.core.ruler.after("inline", "table_code", _mark_cells)
    md.add_render_rule("code_inline", _render_code_inline(md.renderer.rules["code_inline"]))
