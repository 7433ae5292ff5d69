"""``#tag`` and ``#nested/tag`` as inline ``tag`` tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ._util import POS, SNIP


@lru_cache(maxsize=1)
def _tag_body() -> re.Pattern[str]:
    """The characters of a tag, as Obsidian's own pattern has them (in its app.js; Tag Wrangler and
    Dataview use the same): anything but white space, the ASCII punctuation ``'!"#$%&()*+,.:;<=>?@^`
    `{|}~[]\\`` and the General and Supplemental Punctuation blocks (U+2000-206F, U+2E00-2E7F).
    So letters, digits and marks of any script (``#café`` with a combining accent, Hindi vowel
    signs), ``_``, ``-``, ``/``, emoji and other symbols (``#🚀``, ``#€uro``), and the punctuation of
    other scripts (``#日本「東京」``) are in a tag."""
    return re.compile("[^\u2000-\u206f\u2e00-\u2e7f'!\"#$%&()*+,.:;<=>?@^`{|}~\\[\\]\\\\\\s\ufeff]+")


#: Not a tag: digits only (``#1984``).  ``#2025/04`` is one, as in Obsidian ("at least one
#: non-numerical character": the ``/``).
_ALL_DIGITS = re.compile(r"\d+")

#: Levels a nested tag may have.  Every level is a tag page with a breadcrumb of the levels above:
#: ``#a/a/…`` 400 levels deep made 407 pages and 62 MB (10 s), 3,000 levels never finished.
MAX_TAG_DEPTH = 16


def cap_depth(tag: str) -> tuple[str, int]:
    """``tag`` cut to its first ``MAX_TAG_DEPTH`` levels, and how many levels it had."""
    depth = tag.count("/") + 1
    if depth <= MAX_TAG_DEPTH:
        return tag, depth
    return "/".join(tag.split("/", MAX_TAG_DEPTH)[:MAX_TAG_DEPTH]), depth


def tag_name(raw: str) -> str:
    """A tag as the site knows it: Unicode-normalised (NFC), so that ``#café`` typed with a combining
    accent is the same tag, with the same page, as the precomposed one."""
    return raw if raw.isascii() else unicodedata.normalize("NFC", raw)


def front_matter_tag(raw: str) -> tuple[str | None, str | None, str | None]:
    """A tag of the ``tags`` property, checked as an inline ``#tag`` is: ``(tag, problem, better)``.

    A leading ``#`` is dropped (``tags: ["#a"]``) and so are empty levels (``a//b`` is ``a/b``,
    with a problem to report); a tag with a space, with characters a tag cannot have, or with
    digits only (``2025``: 'Tags.md', "Tags must contain at least one non-numerical character")
    is none (``tag`` is None), and ``better`` is what to write instead."""
    text = raw.strip().lstrip("#").strip()
    if not text:
        return None, "is empty", None
    tag = "/".join(p for p in text.split("/") if p)
    if tag and _tag_body().fullmatch(tag):
        if _ALL_DIGITS.fullmatch(tag):
            # a year is the common case (``tags: 2025``); for other numbers no word is guessed
            return None, "has digits only, which is not a tag", \
                f"y{tag}" if len(tag) == 4 else None
        if "//" in text or text.startswith("/"):  # a trailing "/" is dropped, as after #a/
            return tag_name(tag), "has an empty level", tag
        return tag_name(tag), None, None
    words = [w for w in re.split(r"[^\w\-/]+|/+(?=/)", text) if w]
    better = "-".join(words).strip("/-") or None
    if any(c.isspace() for c in text):
        return None, "has a space, which a tag cannot have", better
    return None, "has characters a tag cannot have (use letters, digits, _, - and /)", better


#: A tag starts a line or follows whitespace or ``(``; or it starts an emphasis, a strike or a
#: highlight (``**#a**``, ``_#a_``, ``~~#a~~``, ``==#a==``), or follows a link, a wikilink or an
#: embed (``[[N]]#a``, ``![[p.png]]#a``), a code span or an inline HTML tag
#: (``<font color="red">#a</font>``), as Obsidian reads a tag at the start of an inline chunk; or
#: follows a tag (``#a#b`` is two tags, as in Obsidian: a tag ends at the next ``#``).
_BEFORE = frozenset(" \t\n\r\f\v\u00a0\u3000(")
_DELIMITERS = frozenset("*_~=")
_CHUNK_ENDS = frozenset({"link_close", "code_inline", "html_inline", "wikilink", "embed", "tag"})


def _opens(state: StateInline, pos: int) -> bool:
    """Whether the character before ``pos`` ends a delimiter run that opens an emphasis, strike or
    highlight (``a_#b``: the ``_`` opens nothing, it is part of the word)."""
    if state.pending or not state.delimiters or not state.tokens:
        return False
    last = state.delimiters[-1]
    return (last.open and last.token == len(state.tokens) - 1
            and chr(last.marker) == state.src[pos - 1])


def tag_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#" or state.linkLevel > 0:  # no tag links inside link text
        return False
    if pos > 0 and src[pos - 1] not in _BEFORE and not src[pos - 1].isspace() \
            and not (src[pos - 1] in _DELIMITERS and _opens(state, pos)) \
            and not (not state.pending and state.tokens
                     and state.tokens[-1].type in _CHUNK_ENDS):
        return False
    m = _tag_body().match(src, pos + 1, state.posMax)
    if m is None:
        return False
    tag = m.group()
    if pos > 0 and src[pos - 1] == "_" and tag.endswith("_") and state.delimiters:
        # ``_#idea_``: the closing ``_`` ends the emphasis, not the tag
        run = state.delimiters[-1].length
        closing = len(tag) - len(tag.rstrip("_"))
        tag = tag[: -min(run, closing)]
    written = tag.rstrip("/")
    # ``#x//y`` and ``#/x`` are tags in Obsidian (its pattern takes any ``/``), with an empty
    # level in its tag pane: read as ``#x/y`` and ``#x``, as the ``tags`` property reads them
    # (``front_matter_tag``), with a ``tag-invalid`` warning; a trailing ``/`` stays text
    tag = "/".join(p for p in written.split("/") if p) if "/" in written else written
    if not tag or _ALL_DIGITS.fullmatch(tag):
        return False
    tag, depth = cap_depth(tag)  # the deeper levels stay on the page as text after the tag
    if tag != written:  # the written form of the levels kept
        # up to the first level past the kept ones, in one pass (counting the levels left after
        # each pop took 12 s for a 32 KB ``#a/a/…``)
        kept = tag.count("/") + 1
        levels = written.split("/")
        seen = 0
        for i, level in enumerate(levels):
            if level:
                seen += 1
                if seen > kept:
                    levels = levels[:i]
                    break
        written = "/".join(levels)
    end = pos + 1 + len(written)
    if not silent:
        token = state.push("tag", "", 0)
        token.content = "#" + written
        token.markup = "#"
        token.meta = {"tag": tag_name(tag), "line": 0, "col": 0, POS: pos, SNIP: "#" + written}
        if depth > MAX_TAG_DEPTH:
            token.meta["depth"] = depth
        if written != tag:
            token.meta["empty_level"] = True
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
