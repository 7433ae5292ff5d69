"""Front-matter: the ``---`` block at the very top of a note, found as Obsidian finds it.

Obsidian's ``getFrontMatterInfo`` takes a note to have front-matter when its text starts with a
line that is exactly ``---``, and ends it at the first later line that is exactly ``---`` (at the
start of its line, nothing after it).  ``mdit_py_plugins``' rule is looser (``--- `` with spaces,
``----``, ``---yaml``, an indented or ``...`` end line) and read as properties what Obsidian shows
as text.  The block becomes one hidden ``front_matter`` token (its ``content`` the YAML between the
lines, its ``map`` the lines it covers), hidden.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock


def front_matter_end(src: str) -> int | None:
    """The 0-based line of the ``---`` that closes the front-matter ``src`` starts with, or None
    when ``src`` has none as Obsidian reads it (line ends are ``\\n``)."""
    if not src.startswith("---\n"):
        return None
    pos = 4
    line = 1
    while pos <= len(src):
        end = src.find("\n", pos)
        if end < 0:
            end = len(src)
        if src[pos:end] == "---":
            return line
        pos, line = end + 1, line + 1
    return None


def _front_matter_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if start_line != 0 or state.bMarks[0] != 0 or state.tShift[0] != 0:
        return False
    close = front_matter_end(state.src)
    if close is None or close >= end_line:
        return False
    if silent:
        return True
    token = state.push("front_matter", "", 0)
    token.hidden = True
    token.markup = "---"
    token.block = True
    token.content = state.src[state.bMarks[1]:state.bMarks[close]].removesuffix("\n") \
        if close > 1 else ""
    token.map = [0, close + 1]
    state.line = close + 1
    return True


def front_matter_plugin(md: MarkdownIt) -> None:
    """The ``front_matter`` block rule (before every other block rule: it only looks at line 0)."""
    md.block.ruler.before("table", "front_matter", _front_matter_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
