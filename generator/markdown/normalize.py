"""The core ``normalize`` rule (line endings to ``\\n``, NUL to U+FFFD), without rewriting a note
that needs neither.

markdown-it's own rule runs two regular-expression substitutions over every note, and the first
one matches every ``\\n`` to put back a ``\\n``: 3 % of the parse of a 2,000-note vault.  Most notes
hold no ``\\r`` and no NUL, and for them this rule only looks; the others go through markdown-it's
own substitutions, so the text the parser reads is the same string in every case
(tests/test_audit12_parse.py compares the two on generated text).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.normalize import normalize as _normalize


def normalize_rule(state: StateCore) -> None:
    src = state.src
    if "\r" in src or "\0" in src:
        _normalize(state)


def normalize_plugin(md: MarkdownIt) -> None:
    """Replace the parser's ``normalize`` core rule (this parser only: markdown-it is untouched)."""
    md.core.ruler.at("normalize", normalize_rule)
