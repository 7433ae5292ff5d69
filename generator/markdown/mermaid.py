"""```` ```mermaid ```` fences: an inline SVG rendered offline when ``mermaid-rs`` is installed,
otherwise a readable code block (``class="mermaid-source"``) and a ``mermaid-unrendered`` warning.

mermaid-rs is a Rust renderer with Python bindings: no browser, no network.  It ships wheels for
CPython 3.12+ only, so on 3.11 the fallback is what you get.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .fences import _id_attr, code_block_html, fence_language

try:  # optional: wheels exist for CPython >= 3.12 only
    import mermaid_rs
except ImportError:  # pragma: no cover - depends on the interpreter
    mermaid_rs = None

_ID = re.compile(r'\bid="([^"]+)"')


def mermaid_available() -> bool:
    return mermaid_rs is not None


@lru_cache(maxsize=512)
def render_mermaid_svg(source: str) -> str:
    """SVG for a diagram, ids prefixed so several diagrams can share a page; raises ValueError."""
    svg = mermaid_rs.render(source)
    prefix = "m" + hashlib.sha1(source.encode()).hexdigest()[:8] + "-"
    for old in set(_ID.findall(svg)):
        new = prefix + old
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


def _warn(env, code: str, message: str, token: Token) -> None:
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        line = token.map[0] if token.map else 0
        ctx.warn(code, message, line, 0)


def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if fence_language(token.info) != "mermaid":
            return previous(tokens, idx, options, env)  # already bound to the renderer
        if mermaid_rs is not None:
            try:
                svg = render_mermaid_svg(token.content)
            except Exception as exc:  # a diagram syntax error
                _warn(env, "mermaid-error", f"mermaid diagram not rendered: {exc}", token)
            else:
                return f'<figure class="mermaid"{_id_attr(token)}>{svg}</figure>\n'
        else:
            _warn(env, "mermaid-unrendered",
                  "mermaid diagram shown as source (install mermaid-rs on Python 3.12+ "
                  "to render it)", token)
        return code_block_html(token.content, "mermaid", extra_class="mermaid-source",
                               attrs=_id_attr(token))

    return render_fence


def mermaid_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: mermaid fences first, the rest fall through."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
