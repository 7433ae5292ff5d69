"""``$inline$`` and ``$$display$$`` math, typeset to MathML at build time (no script, no CDN).

Parsing is mdit-py-plugins' ``dollarmath`` (no space inside the dollars and no digit around
them, so ``$5 and $10`` stays text); rendering uses latex2mathml.  A LaTeX error (including
unbalanced braces) renders the source in ``<code class="math-error">`` and calls
``ctx.warn("math-error", ...)``; an undefined command is warned about and left as written.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

import nh3
from latex2mathml.commands import MATRICES
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from ._util import POS, SNIP
from .mathml_core import to_core

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


#: Characters a formula may have.  latex2mathml's time grows about x3.5 per doubling on a large
#: matrix (524 KB took 14 s); a longer formula is shown as its LaTeX source, with a warning.
MAX_MATH_CHARS = 20_000


class MathTooLong(ValueError):
    """A formula over ``MAX_MATH_CHARS``: not typeset."""


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool, macros: str = "") -> str:
    """MathML for ``latex``, sanitised; raises on a LaTeX error, and ``MathTooLong``.  ``macros``:
    the definitions (``\\newcommand``…) of the note's earlier formulas, which MathJax keeps for the
    rest of the page (``math_macros``); not part of the text alternative."""
    if len(latex) > MAX_MATH_CHARS:
        raise MathTooLong(f"{len(latex):,} characters, over the {MAX_MATH_CHARS:,} a formula "
                          "may have")
    _check_braces(latex)
    source = _SMALL_FIXES[0][0].sub("", latex)  # without \label{…}, which shows nothing
    source = _TEX_COMMENT.sub("", source)  # nor its % comments (``%%note%%`` included)
    latex, operators = _operators(_small_fixes(macros + latex))
    latex = _environments(latex)
    _known_environments(latex)
    mathml = convert(_hide_text_markup(latex), display="block" if display else "inline")
    mathml = mathml.replace(_LT, "&lt;").replace(_GT, "&gt;")
    mathml = _OPERATOR.sub(lambda m: _operator_element(operators[_index(m.group(1))]), mathml)
    mathml = to_core(_clean(_MATRIX_FENCE.sub(_stretchy, mathml)), _tables(latex))
    # the LaTeX as the text alternative: read by tools that do not speak MathML, and copied
    return mathml.replace("<math", f'<math alttext="{_attr(" ".join(source.split()))}"', 1)


#: A TeX comment: an unescaped ``%`` to the end of its line.
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")


def formula_text(latex: str) -> str:
    """A formula as the search text holds it: as written, on one line, without its TeX comments
    (``%%note%%`` included), which no reader sees."""
    return " ".join(_TEX_COMMENT.sub("", latex).split())


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


# dsfont's \mathds and bbm's \mathbbm are double-struck letters and digits, as \mathbb: latex2mathml
# dropped the command (``\mathds{1}``, the indicator function, was a plain 1).  It knows
# \newcommand and \def only: \renewcommand, \providecommand and \gdef define a macro as they do
# (MathJax's newcommand package; its \gdef is \def).
_MATHDS = re.compile(r"\\math(?:ds|bbm)(?![A-Za-z])")
_REDEFINE = re.compile(r"\\(?:renewcommand|providecommand)(?![A-Za-z])")
_GDEF = re.compile(r"\\gdef(?![A-Za-z])")
# latex2mathml writes a \tag's "(2)" right after the formula, where ``d = e + f \tag{2}`` read
# "f(2)": a \qquad keeps it apart (MathJax sets it at the right margin).
_TAG = re.compile(r"\\tag(?![A-Za-z])")

# MathJax accepts \label (it numbers nothing here) and writes \not= as one sign; latex2mathml showed
# "\label" and drew a slash that Chromium placed beside the sign.  \mathrm{d} must stay upright
# (latex2mathml lost the variant of a one-letter argument).  \require{cancel} is MathJax's loader
# of a package: it typesets nothing, and what latex2mathml knows of the package works without it.
_SMALL_FIXES = ((re.compile(r"\\label\s*\{[^{}]*\}"), ""),
                (re.compile(r"\\require\s*\{[^{}]*\}"), ""),
                (re.compile(r"\\not\s*="), r"\\neq "), (re.compile(r"\\not\s*<"), r"\\nless "),
                (re.compile(r"\\not\s*>"), r"\\ngtr "),
                (re.compile(r"\\math(?:rm|up)\s*\{\s*([A-Za-z])\s*\}"), r"{\\rm \1}"),
                (_MATHDS, r"\\mathbb"), (_REDEFINE, r"\\newcommand"), (_GDEF, r"\\def"),
                (_TAG, r"\\qquad\\tag"))


def _small_fixes(latex: str) -> str:
    if "\\" not in latex:
        return latex
    for pattern, repl in _SMALL_FIXES:
        latex = pattern.sub(repl, latex)
    return latex


# Operator names.  latex2mathml knows \operatorname only around plain letters (``arg\,min`` gave
# an empty operator and italic letters; ``\operatorname*`` a literal ``*``), has no \arg, and puts
# the limits of \lim, \max… beside them in display math.  Each name becomes a placeholder
# \operatorname{vsop<index>} (followed by \limits for the ones that take limits), and its
# element is written here: ``<mi>`` for a function name, ``<mo movablelimits>`` for an operator
# with limits (under it in display math, beside it inline, as in MathJax).
_WITH_LIMITS = {"lim": "lim", "liminf": "lim\u2009inf", "limsup": "lim\u2009sup", "max": "max",
                "min": "min", "sup": "sup", "inf": "inf", "det": "det", "gcd": "gcd", "Pr": "Pr",
                "injlim": "inj\u2009lim", "projlim": "proj\u2009lim"}
_FUNCTIONS = {"arg"}
_OPERATOR_CMD = re.compile(r"\\(?:(operatorname\*|operatornamewithlimits|operatorname|mathop)\s*\{"
                           r"|([A-Za-z]+)|.)", re.S)
_OP_SPACES = (("\\,", "\u2009"), ("\\:", "\u205f"), ("\\>", "\u205f"), ("\\;", "\u2004"),
              ("\\!", ""), ("\\ ", "\u00a0"), ("~", "\u00a0"))
_OPERATOR = re.compile(r"<mo(?: movablelimits=\"true\")?>vsop([A-Z]+)</mo>")


def _index(code: str) -> int:
    n = 0
    for ch in code:
        n = n * 26 + ord(ch) - 65
    return n


def _code(n: int) -> str:
    out = ""
    while True:
        out = chr(65 + n % 26) + out
        n //= 26
        if not n:
            return out


def _operator_text(body: str) -> str | None:
    """The text of an operator name's argument (``arg\\,min`` -> "arg min"), None if not text."""
    text = re.sub(r"\\(?:mathrm|rm|textrm|text)(?![A-Za-z])", "", body)
    for tex, char in _OP_SPACES:
        text = text.replace(tex, char)
    text = re.sub(r"[{} \t\n\r]", "", text)
    return text if re.fullmatch(r"[A-Za-z0-9\u2009\u205f\u2004\u00a0\-'.]+", text) else None


def _operators(latex: str) -> tuple[str, tuple]:
    if "\\" not in latex:
        return latex, ()
    names: list[tuple[str, bool]] = []
    out, pos = [], 0
    for m in _OPERATOR_CMD.finditer(latex):
        if m.start() < pos:
            continue
        kind, word = m.group(1), m.group(2)
        if kind:
            i = _group_end(latex, m.end())
            text = _operator_text(latex[m.end():i - 1])
            if text is None:
                continue
            limits = kind != "operatorname"
        elif word in _WITH_LIMITS or word in _FUNCTIONS:
            text, limits, i = _WITH_LIMITS.get(word, word), word in _WITH_LIMITS, m.end()
        else:
            continue
        placeholder = f"\\operatorname{'*' if limits else ''}{{vsop{_code(len(names))}}}"
        if limits and re.match(r"\s*[_^]", latex[i:]):
            placeholder += "\\limits"
        names.append((text, limits))
        out.append(latex[pos:m.start()])
        out.append(placeholder + " ")
        pos = i
    out.append(latex[pos:])
    return "".join(out), tuple(names)


def _group_end(latex: str, start: int) -> int:
    """Where the brace group whose ``{`` ends just before ``start`` ends (after its ``}``; the end
    of the text when it is not closed).  Escaped characters (``\\{``, ``\\}``) do not count."""
    depth, i = 1, start
    while i < len(latex) and depth:
        if latex[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        i += 1
    return i


def _operator_element(name: tuple[str, bool]) -> str:
    text, limits = html.escape(name[0]), name[1]
    return f'<mo movablelimits="true">{text}</mo>' if limits else f"<mi>{text}</mi>"


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
        i = _group_end(latex, m.end())
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
        if name in _PLAIN:
            return " "
        return m.group(0)

    return _ENV.sub(one, latex)


#: ``equation`` holds one formula, which MathJax typesets as it is (numbering none in Obsidian).
_PLAIN = {"equation", "equation*"}
#: The environments latex2mathml typesets.  It drops the name of any other and writes what is
#: inside as a row of symbols (amscd's ``\begin{CD}`` gave "A @ > f > > B"; ``tikzcd``, which
#: MathJax cannot draw either, the same): such a formula is a ``math-error``, shown as written.
_KNOWN_ENVIRONMENTS = frozenset(name.lstrip("\\") for name in MATRICES) - {"substack"}


class MathUnsupported(ValueError):
    """A construct latex2mathml would typeset as something else; ``command`` as written."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


def _known_environments(latex: str) -> None:
    if "\\begin" not in latex:
        return
    for m in _ENV.finditer(latex):
        if m.group(1) == "begin" and m.group(2) not in _KNOWN_ENVIRONMENTS:
            raise MathUnsupported(f"environment {m.group(2)} cannot be typeset here",
                                  f"\\begin{{{m.group(2)}}}")


# The rules of each table, in the order latex2mathml writes the tables (one per \begin and per
# \substack): None, or an array's rules as (left of each column and right of the last, above each
# row and below the last), each "solid", "dashed" or None.  latex2mathml's own columnlines and
# rowlines run the outer rules together with the inner ones, and Chromium draws neither.
_TABLE_START = re.compile(r"\\begin\s*\{([A-Za-z]+\*?)\}|\\substack(?![A-Za-z])")
_ARRAY_TOKEN = re.compile(r"\\(?:begin|end)(?![A-Za-z])|\\\\|\\hline|\\hdashline|\\.|[{}]")


def _group(latex: str, i: int) -> tuple[str, int]:
    """The ``{…}`` group at ``i`` (after spaces): its text and the index after it."""
    while i < len(latex) and latex[i].isspace():
        i += 1
    if i >= len(latex) or latex[i] != "{":
        return "", i
    depth, j = 0, i
    while j < len(latex):
        if latex[j] == "\\":
            j += 2
            continue
        depth += {"{": 1, "}": -1}.get(latex[j], 0)
        j += 1
        if not depth:
            break
    return latex[i + 1:j - 1], j


def _array_rules(latex: str, i: int) -> tuple:
    spec, i = _group(latex, i)
    vlines: list = [None]
    for ch in re.sub(r"[pmb]\{[^{}]*\}", "l", spec):
        if ch in "|:":
            vlines[-1] = "solid" if ch == "|" else "dashed"
        elif ch.isalpha():
            vlines.append(None)
    hlines: dict[int, str] = {}
    row, depth, blank = 0, 0, True
    for m in _ARRAY_TOKEN.finditer(latex, i):
        tok = m.group(0)
        if tok == "\\begin":
            depth += 1
        elif tok == "\\end":
            if not depth:
                break
            depth -= 1
        elif tok in "{}":
            depth += 1 if tok == "{" else -1
        elif depth:
            continue
        elif tok == "\\\\":
            row, blank = row + 1, True
            continue
        elif tok in ("\\hline", "\\hdashline"):
            hlines[row] = "solid" if tok == "\\hline" else "dashed"
            continue
        blank = False
    else:
        return tuple(vlines), ()
    text_after = latex[latex.rfind("\\\\", i, m.start()) + 2:m.start()] if row else ""
    if row and not re.sub(r"\\h(?:dash)?line|\s", "", text_after):
        blank = True
    rows = row if blank and row else row + 1
    return tuple(vlines), tuple(hlines.get(k) for k in range(rows + 1))


def _tables(latex: str) -> list:
    if "\\begin" not in latex and "\\substack" not in latex:
        return []
    return [_array_rules(latex, m.end()) if m.group(1) == "array" else None
            for m in _TABLE_START.finditer(latex)]


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


def _math_html(token: Token, env, display: bool, typeset: str | None = None) -> str:
    """The MathML of a formula token, or its LaTeX in a ``math-error`` box with a warning.
    ``typeset``: what to typeset instead of the token's text (the formula without its tag)."""
    latex = token.content.strip()
    try:
        mathml = latex_to_mathml(latex if typeset is None else typeset, display,
                                 token.meta.get(MACROS, "") if token.meta else "")
    except MathTooLong as exc:
        _warn(token, env, latex, str(exc), code="math-too-long",
              hint="split it into smaller formulas; it is shown as its LaTeX source")
        return f'<code class="math-error">{escapeHtml(latex)}</code>'
    except MathUnsupported as exc:
        _warn(token, env, latex, str(exc), exc.command,
              hint="the formula is shown as written; draw a diagram as a picture or with mermaid")
        return f'<code class="math-error">{escapeHtml(latex)}</code>'
    except Exception as exc:  # latex2mathml raises many exception types
        _warn(token, env, latex, str(exc) or type(exc).__name__)
        return f'<code class="math-error">{escapeHtml(latex)}</code>'
    unknown = _UNKNOWN_COMMAND.findall(mathml)
    if unknown:  # shown as written, as MathJax shows an undefined command: the rest still typesets
        names = list(dict.fromkeys(unknown))
        _warn(token, env, latex, "undefined control sequence " + ", ".join(names), names[0])
    return mathml


def _warn(token: Token, env, latex: str, reason: str, command: str = "", code: str = "math-error",
          hint: str = "check the command's spelling and braces; the formula is shown as written",
          ) -> None:
    """One warning line: the formula shortened to one line, at the line of ``command`` in a
    display block (whose token starts at its ``$$`` line)."""
    ctx = env.get("ctx") if env else None
    if ctx is None:
        return
    if token.map:
        line, col = token.map[0], 0
        # the block's content starts on its ``$$`` line (with what follows ``$$`` there, perhaps
        # nothing), so its line breaks before the command count from that line
        at = token.content.find(command) if command else -1
        if at >= 0:
            line += token.content.count("\n", 0, at)
    else:
        line, col = token.meta.get("line", 0), token.meta.get("col", 0)
    shown = " ".join(latex.split())
    if len(shown) > 60:
        shown = shown[:57] + "…"
    ctx.warn(code, f"cannot typeset ${shown}$: {' '.join(reason.split())}", line, col, hint=hint)


def render_math_inline(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f'<span class="math inline">{_math_html(tokens[idx], env, False)}</span>'


def render_math_inline_double(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f'<span class="math display">{_math_html(tokens[idx], env, True)}</span>'


def render_math_display(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    block_id = tokens[idx].attrGet("id")  # ``^id`` on the line after the block (blockids)
    id_attr = f' id="{escapeHtml(str(block_id))}"' if block_id else ""
    tagged = _display_tag(tokens[idx].content.strip())
    if tagged is not None:
        typeset, label = tagged
        html = _math_html(tokens[idx], env, True, typeset)
        if html.startswith("<math"):
            return (f'<div class="math block tagged"{id_attr}>{html}'
                    f'<span class="math-tag">{escapeHtml(label)}</span></div>\n')
        return f'<div class="math block"{id_attr}>{html}</div>\n'
    return f'<div class="math block"{id_attr}>{_math_html(tokens[idx], env, True)}</div>\n'


#: ``\tag{2}``, ``\tag*{A.1}``: a label of plain text
_PLAIN_TAG = re.compile(r"\\tag(\*?)\s*\{([^{}\\$]*)\}")


def _display_tag(latex: str) -> tuple[str, str] | None:
    """A display formula's one tag, set at the right margin as MathJax sets it: (the formula
    without it, the label: ``(2)``, or ``A.1`` for ``\\tag*``).  None when there is no such tag at
    the formula's top level: a tag in an environment's row (``gather``) stays in its row."""
    if "\\tag" not in latex or "\\begin" in latex:
        return None
    found = list(_PLAIN_TAG.finditer(latex))
    if len(found) != 1:
        return None
    m = found[0]
    depth = 0
    for i, ch in enumerate(latex[:m.start()]):
        if ch in "{}" and (i == 0 or latex[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
    if depth:
        return None
    label = m.group(2).strip()
    return latex[:m.start()] + latex[m.end():], label if m.group(1) else f"({label})"


def _with_position(rule):
    def math_inline(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "$":  # as dollarmath answers first, one call sooner
            return False
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and len(state.tokens) > count:
            tok = state.tokens[-1]
            tok.meta = {POS: start, SNIP: "$"}
            if "%" in tok.content:  # ``$x %%note%%$``: a TeX comment, which no reader sees; the
                # search text and summaries read the token's content
                tok.content = _TEX_COMMENT.sub("", tok.content)
        return True

    return math_inline


#: A ``$$`` that is not written ``\$$``.
_DOUBLE_DOLLAR = re.compile(r"(?<!\\)\$\$")


def _one_formula_per_block(rule):
    """``$$a$$ and $$b$$``: a line that starts and ends with ``$$`` is not one math block when
    another ``$$`` stands between (dollarmath took ``a$$ and $$b`` as the formula); it is a
    paragraph with two formulas, as in Obsidian.  The same for a block whose closing line holds
    an earlier ``$$`` (``$$a`` / ``b$$ c $$d$$``)."""
    def math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        start = state.bMarks[start_line] + state.tShift[start_line]
        if not state.src.startswith("$$", start):  # as dollarmath answers, without a copy of the line
            return False
        first = state.src[start:state.eMarks[start_line]].rstrip()
        if len(first) > 4 and first.endswith("$$") \
                and _DOUBLE_DOLLAR.search(first, 2, len(first) - 2):
            return False
        count = len(state.tokens)
        if not rule(state, start_line, end_line, silent):
            return False
        if not silent and len(state.tokens) > count \
                and _DOUBLE_DOLLAR.search(state.tokens[-1].content):
            del state.tokens[count:]
            state.line = start_line
            return False
        return True

    return math_block


#: A math token's meta key: the definitions of the note's earlier formulas, as written.
MACROS = "macros"
#: A definition MathJax's newcommand package reads (and ``\\DeclareMathOperator``, amsmath's).
_DEFINITION = re.compile(r"\\(?:(?:renew|provide|new)command\*?|g?def|DeclareMathOperator\*?)"
                         r"(?![A-Za-z])")
_MATH_TOKENS = ("math_inline", "math_inline_double", "math_block")
#: The name defined (``{\\R}``, ``\\R``, ``\\|``), and what comes before the body: ``[1][x]``
#: after \\newcommand's name, ``#1#2`` after \\def's.
_DEFINED_NAME = re.compile(r"\s*(?:\{\s*\\[A-Za-z]+\s*\}|\\[A-Za-z]+|\\.)")
_COMMAND_ARGS = re.compile(r"(?:\s*\[[^\]]*\])*")
_DEF_ARGS = re.compile(r"[^{]*")


def _definitions(latex: str) -> list[tuple[str, str]]:
    """The macros ``latex`` defines: (name, the definition as written: name, arguments, body)."""
    out = []
    for m in _DEFINITION.finditer(latex):
        name = _DEFINED_NAME.match(latex, m.end())
        if name is None:
            continue
        i = (_DEF_ARGS if "def" in m.group(0) else _COMMAND_ARGS).match(latex, name.end()).end()
        end = _group(latex, i)[1]
        if end > i:
            out.append((name.group(0).strip(" \t\n{}"), latex[m.start():end]))
    return out


#: A command as written in a formula or a definition's body.
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")


def carry_macros(state) -> None:
    """Core rule: a math token after a formula that defines a macro it uses gets that definition
    (``meta[MACROS]``, with those of the macros it calls), as MathJax keeps a definition for the
    rest of the page.  Only what a formula uses: each formula carrying every earlier definition
    cost a note of many definitions time quadratic in their number.  A section embedded elsewhere
    keeps them too; another note never sees them."""
    if "def" not in state.src and "command" not in state.src \
            and "DeclareMathOperator" not in state.src:
        return
    defined: dict[str, tuple[int, str]] = {}  # name: (order of definition, definition)
    order = itertools.count()

    def used(content: str) -> str:
        seen: dict[str, tuple[int, str]] = {}
        todo = [content]
        while todo:
            for name in _COMMAND.findall(todo.pop()):
                if name in defined and name not in seen:
                    seen[name] = defined[name]
                    todo.append(seen[name][1])
        return "".join(text for _, text in sorted(seen.values()))

    def visit(tokens) -> None:
        for tok in tokens:
            if tok.children:
                visit(tok.children)
            elif tok.type in _MATH_TOKENS and "\\" in tok.content:
                if defined:
                    macros = used(tok.content)
                    if macros:
                        tok.meta = {**(tok.meta or {}), MACROS: macros}
                if _DEFINITION.search(tok.content):
                    for name, text in _definitions(_TEX_COMMENT.sub("", tok.content)):
                        defined[name] = (next(order), text)

    visit(state.tokens)


def math_plugin(md: MarkdownIt) -> None:
    """Register ``dollarmath`` with MathML render rules."""
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True,
                      allow_labels=False)
    ruler = md.inline.ruler
    original = next(r.fn for r in ruler.__rules__ if r.name == "math_inline")
    ruler.at("math_inline", _with_position(original))
    block = next(r for r in md.block.ruler.__rules__ if r.name == "math_block")
    md.block.ruler.at("math_block", _one_formula_per_block(block.fn), {"alt": list(block.alt)})
    md.core.ruler.push("math_macros", carry_macros)
    md.add_render_rule("math_inline", render_math_inline)
    md.add_render_rule("math_inline_double", render_math_inline_double)
    md.add_render_rule("math_block", render_math_display)
