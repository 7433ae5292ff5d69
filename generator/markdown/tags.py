"""``#tag`` and ``#nested/tag`` as inline ``tag`` tokens."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ._util import POS, SNIP

# Letters and digits of any script, ``_``, ``-`` and ``/``.
_TAG_BODY = re.compile(r"[\w\-/]+")
_ALL_DIGITS = re.compile(r"[\d/]+")
#: A tag starts a line or follows whitespace, ``(`` or the ``*`` of emphasis.
_BEFORE = frozenset(" \t\n\r\f\v\u00a0\u3000(*")


def tag_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#" or state.linkLevel > 0:  # no tag links inside link text
        return False
    if pos > 0 and src[pos - 1] not in _BEFORE and not src[pos - 1].isspace():
        return False
    m = _TAG_BODY.match(src, pos + 1, state.posMax)
    if m is None:
        return False
    tag = m.group().rstrip("/")
    if not tag or tag.startswith("/") or _ALL_DIGITS.fullmatch(tag):
        return False
    end = pos + 1 + len(tag)
    if not silent:
        token = state.push("tag", "", 0)
        token.content = "#" + tag
        token.markup = "#"
        token.meta = {"tag": tag, "line": 0, "col": 0, POS: pos, SNIP: "#" + tag}
    state.pos = end
    return True


def render_tag(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    ctx = env.get("ctx") if env else None
    if ctx is not None:
        return ctx.render_tag(token)
    tag = escapeHtml(token.meta["tag"])
    return f'<a class="tag" data-tag="{tag}">#{tag}</a>'


def tags_plugin(md: MarkdownIt) -> None:
    """``#tag`` -> ``tag`` token with ``meta["tag"]`` as written (no ``#``)."""
    md.inline.ruler.before("link", "tag", tag_rule)
    md.add_render_rule("tag", render_tag)
