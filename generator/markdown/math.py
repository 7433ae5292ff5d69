"""``$inline$`` and ``$$display$$`` math, typeset to MathML at build time (no script, no CDN).

Parsing is mdit-py-plugins' ``dollarmath`` (no space inside the dollars and no digit around
them, so ``$5 and $10`` stays text); rendering uses latex2mathml.  A LaTeX error (including
unbalanced braces) renders the source in ``<code class="math-error">`` and calls
``ctx.warn("math-error", ...)``; an undefined command is warned about and left as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import nh3
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from ._util import POS, SNIP

# latex2mathml writes a command it does not know as the text of an ``<mi>`` (``<mi>\\foo</mi>``).
_UNKNOWN_COMMAND = re.compile(r"<mi>(\\[A-Za-z]+)")


def _check_braces(latex: str) -> None:
    """Raise on unbalanced ``{}`` (latex2mathml typesets ``a_{b`` and ``a}`` without a word; TeX
    and Obsidian's MathJax stop with "Missing close brace" / "Extra close brace")."""
    depth, i, n = 0, 0, len(latex)
    while i < n:
        c = latex[i]
        if c == "\\":
            i += 2  # \{ \} \\ are not braces
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("extra close brace '}'")
        i += 1
    if depth:
        raise ValueError("missing close brace '}'")


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool) -> str:
    """MathML for ``latex``, sanitised; raises on a LaTeX error."""
    _check_braces(latex)
    mathml = convert(_hide_text_markup(_environments(latex)), display="block" if display else "inline")
    mathml = mathml.replace(_LT, "&lt;").replace(_GT, "&gt;")
    return _clean(_MATRIX_FENCE.sub(_stretchy, mathml))


# latex2mathml copies the text of \text{…} as it is into its output, where a "<" would start a tag
# (``\text{x<y}`` showed "x"): inside text commands < and > travel as private characters and come
# out as entities.
_LT, _GT = "\ue000", "\ue001"
_TEXT_COMMAND = re.compile(r"\\(?:text[a-z]*|mbox|hbox|mathrm|operatorname)\s*\{")


def _hide_text_markup(latex: str) -> str:
    if "<" not in latex and ">" not in latex:
        return latex
    out, pos = [], 0
    for m in _TEXT_COMMAND.finditer(latex):
        if m.start() < pos:
            continue
        depth, i = 1, m.end()
        while i < len(latex) and depth:
            if latex[i] == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(latex[i], 0)
            i += 1
        out.append(latex[pos:m.end()])
        out.append(latex[m.end():i].replace("<", _LT).replace(">", _GT))
        pos = i
    out.append(latex[pos:])
    return "".join(out)


# The brackets latex2mathml writes around a matrix (vmatrix, pmatrix…) as plain operators: marked
# stretchy, so that they grow with the rows as in TeX (a closing bar stayed one line high).
_MATRIX_FENCE = re.compile(r"<mo>(&#x0007C;|&#x02016;|&#x00028;|&#x00029;|&#x0005B;|&#x0005D;"
                           r"|&#x0007B;|&#x0007D;)</mo>(?=<mtable)|(?<=</mtable>)<mo>(&#x0007C;"
                           r"|&#x02016;|&#x00029;|&#x0005D;|&#x0007D;)</mo>")


def _stretchy(m: re.Match) -> str:
    return f'<mo stretchy="true">{m.group(1) or m.group(2)}</mo>'


# Environments latex2mathml does not know, as the ones it does (Obsidian's MathJax numbers no
# equation, so ``align`` is ``align*``): the rows of ``aligned``/``alignat``/``eqnarray`` align at
# their ``&``; ``gather``/``gathered``/``multline`` rows are centred.  Left alone, their ``&`` came
# out as a letter and their rows ran together.
_ALIGNED = {"align", "aligned", "alignat", "alignat*", "eqnarray", "eqnarray*", "flalign",
            "flalign*", "alignedat"}
_GATHERED = {"gather", "gather*", "gathered", "multline", "multline*"}
_ENV = re.compile(r"\\(begin|end)\s*\{([A-Za-z]+\*?)\}(?:\s*\{\d+\})?")


def _environments(latex: str) -> str:
    if "\\begin" not in latex:
        return latex

    def one(m: re.Match) -> str:
        kind, name = m.group(1), m.group(2)
        if name in _ALIGNED:
            return f"\\{kind}{{align*}}"
        if name in _GATHERED:
            return "\\begin{array}{c}" if kind == "begin" else "\\end{array}"
        return m.group(0)

    return _ENV.sub(one, latex)


# What latex2mathml writes, and nothing else: it copies text (``\text{<script>…}``) and some
# arguments (``\href{javascript:…}``, ``\style{…url(…)}``) into its output unescaped.  nh3 parses
# the MathML as a browser would and keeps only these elements and attributes, escaped.
_MATH_TAGS = {
    "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
    "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
    "semantics", "annotation"}
_MATH_ATTRS = {
    "accent", "accentunder", "align", "columnalign", "columnlines", "columnspacing", "columnspan",
    "depth", "display", "displaystyle", "fence", "form", "frame", "height", "largeop",
    "linebreak", "linethickness", "lspace", "mathbackground", "mathcolor", "mathsize",
    "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "rowalign", "rowlines",
    "rowspacing", "rowspan", "rspace", "scriptlevel", "separator", "stretchy", "symmetric",
    "voffset", "width", "xmlns"}
_MATH_CLEANER = nh3.Cleaner(tags=_MATH_TAGS, attributes={"*": _MATH_ATTRS}, url_schemes=set(),
                            link_rel=None, strip_comments=True)


def _clean(mathml: str) -> str:
    return _MATH_CLEANER.clean(mathml)


def _math_html(token: Token, env, display: bool) -> str:
    latex = token.content.strip()
    try:
        mathml = latex_to_mathml(latex, display)
    except Exception as exc:  # latex2mathml raises many exception types
        _warn(token, env, latex, str(exc) or type(exc).__name__)
        return f'<code class="math-error">{escapeHtml(latex)}</code>'
    unknown = _UNKNOWN_COMMAND.findall(mathml)
    if unknown:  # shown as written, as MathJax shows an undefined command: the rest still typesets
        _warn(token, env, latex, "undefined control sequence " + ", ".join(dict.fromkeys(unknown)))
    return mathml


def _warn(token: Token, env, latex: str, reason: str) -> None:
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        if token.map:
            line, col = token.map[0], 0
        else:
            line, col = token.meta.get("line", 0), token.meta.get("col", 0)
        ctx.warn("math-error", f"cannot typeset ${latex}$: {reason}", line, col)


def render_math_inline(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f'<span class="math inline">{_math_html(tokens[idx], env, False)}</span>'


def render_math_inline_double(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f'<span class="math display">{_math_html(tokens[idx], env, True)}</span>'


def render_math_display(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    block_id = tokens[idx].attrGet("id")  # ``^id`` on the line after the block (blockids)
    id_attr = f' id="{escapeHtml(str(block_id))}"' if block_id else ""
    return f'<div class="math block"{id_attr}>{_math_html(tokens[idx], env, True)}</div>\n'


def _with_position(rule):
    def math_inline(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and len(state.tokens) > count:
            state.tokens[-1].meta = {POS: start, SNIP: "$"}
        return True

    return math_inline


def math_plugin(md: MarkdownIt) -> None:
    """Register ``dollarmath`` with MathML render rules."""
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True,
                      allow_labels=False)
    ruler = md.inline.ruler
    original = next(r.fn for r in ruler.__rules__ if r.name == "math_inline")
    ruler.at("math_inline", _with_position(original))
    md.add_render_rule("math_inline", render_math_inline)
    md.add_render_rule("math_inline_double", render_math_inline_double)
    md.add_render_rule("math_block", render_math_display)
