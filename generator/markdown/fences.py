"""Fenced code: Pygments highlighting at build time (CSS classes, no inline styles).

The fence stays a ``fence`` token.  Its language is the first word of the info string, also when
written Quarto-style (``{python}``) or as ``run-python`` or ``python {exec=true}``.  When the
render context knows a code cell for the fence (``ctx.code_cell(token)``), the code and the cell's
output are wrapped in ``<div class="code-cell">``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_LANG = re.compile(r"[{\s]*(?:run-)?([^\s{}=,]+)")
_FORMATTER = HtmlFormatter(nowrap=True)


def fence_language(info: str) -> str:
    """``"python {exec=true}"``, ``"{python}"`` or ``"run-python"`` -> ``"python"``."""
    m = _LANG.match(info)
    return m.group(1).lower() if m else ""


#: Names Obsidian's highlighter (Prism) knows that Pygments calls otherwise.
PRISM_NAMES = {
    "yml": "yaml", "kt": "kotlin", "gql": "graphql", "jsonc": "json", "svg": "xml",
    "vb": "vbnet", "cmd": "batch", "sol": "solidity", "ml": "ocaml", "ino": "arduino",
    "gradle": "groovy", "hbs": "handlebars", "jinja2": "jinja", "j2": "jinja", "mdx": "markdown",
    "svelte": "html", "dataviewjs": "javascript", "dotenv": "bash", "gitignore": "bash",
}


@lru_cache(maxsize=256)
def _lexer(lang: str):
    try:
        return get_lexer_by_name(PRISM_NAMES.get(lang, lang), stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=2048)
def highlight_code(code: str, lang: str) -> str:
    """The inner HTML of the ``<code>`` element: Pygments spans, or escaped text."""
    lexer = _lexer(lang) if lang else None
    if lexer is None:
        return escapeHtml(code)
    return highlight(code, lexer, _FORMATTER)


def code_block_html(code: str, lang: str, extra_class: str = "", attrs: str = "") -> str:
    """``<pre class="highlight"><code class="language-x">…</code></pre>``."""
    cls = "highlight" + (f" {extra_class}" if extra_class else "")
    code_cls = f' class="language-{escapeHtml(lang)}"' if lang else ""
    lang_attr = f' data-lang="{escapeHtml(lang)}"' if lang else ""
    return (f'<pre class="{cls}"{lang_attr}{attrs}><code{code_cls}>'
            f"{highlight_code(code, lang)}</code></pre>\n")


def _id_attr(token: Token) -> str:
    """`` id="^x"`` for a block that carries a block id (``^x`` on the line after it)."""
    block_id = token.attrGet("id")
    return f' id="{escapeHtml(str(block_id))}"' if block_id else ""


def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    lang = fence_language(token.info)
    ctx = env.get("ctx") if env else None
    cell = ctx.code_cell(token) if ctx is not None else None
    if cell is None:
        return code_block_html(token.content, lang, attrs=_id_attr(token))
    shown = getattr(cell, "code", "") or token.content  # without the cell's "#|" option lines
    code = code_block_html(shown, getattr(cell, "lang", "") or lang) if cell.show_code else ""
    fold = getattr(cell, "fold", "")
    if code and fold:  # Quarto's code-fold: the code behind a disclosure, its output in view
        code = (f'<details class="code-fold"{" open" if fold == "open" else ""}><summary>'
                f'{escapeHtml(getattr(cell, "summary", "") or "Code")}</summary>\n{code}</details>\n')
    return f'<div class="code-cell"{_id_attr(token)}>\n{code}{cell.html}</div>\n'


def pygments_css(light: str = "default", dark: str = "github-dark") -> str:
    """Stylesheet for ``.highlight``: ``light`` style, ``dark`` under prefers-color-scheme."""
    light_css = HtmlFormatter(style=light).get_style_defs(".highlight")
    dark_css = HtmlFormatter(style=dark).get_style_defs(".highlight")
    dark_css = "\n".join("  " + line for line in dark_css.splitlines()
                         if line.startswith(".highlight"))
    return f"{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"


def fences_plugin(md: MarkdownIt) -> None:
    """Replace the ``fence`` render rule with the highlighting one."""
    md.add_render_rule("fence", render_fence)
