"""Task lists: a list item starting ``[c] `` for any one character ``c`` is a task, as in Obsidian.

``- [ ]`` is open; ``- [x]`` and every other status character (``- [/]``, ``- [-]``, ``- [?]``, which
themes draw differently) is checked -- Obsidian's help: "You can use any character inside the
brackets to mark it as complete."  The item gets Obsidian's classes and ``data-task`` (the
character, empty for an open task) so a theme can style each status; checkboxes are disabled, and
a ``<label>`` around the item's first line gives each its text as name (screen readers read it).
A box whose label holds no text (``- [ ]`` alone, to fill in) is named "Empty task" instead.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_ANY_TASK = re.compile(r"^[ \t>]*(?:[-+*]|\d{1,9}[.)])[ \t]+\[[^\[\]\n]\]", re.MULTILINE)
# ``[ ]`` then a space, or nothing: ``- [ ]`` alone is an empty task to fill in (Obsidian's own
# daily-note template ends with one)
_TODO = re.compile(r"\[([^\[\]\n])\](?:[ \t\n\v\f\r]+|$)")
_BOX = '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">'
_CHECKED = ('<input class="task-list-item-checkbox" checked="checked" disabled="disabled" '
            'type="checkbox">')
#: The boxes of tasks with no text: an empty <label> names nothing (axe 'label')
_NAMED = {box: box.replace("<input ", '<input aria-label="Empty task" ') for box in (_BOX, _CHECKED)}
#: What a label can hold and still give its box no name
_BLANK = frozenset({"text", "softbreak", "hardbreak", "image"})


#: A task's box anywhere (a search for it jumps from ``[`` to ``[``, where ``_ANY_TASK``, which
#: starts with ``^``, is tried at every position of the note: 1 % of the parse of a vault)
_ANY_BOX = re.compile(r"\[[^\[\]\n]\]")


def has_task(src: str) -> bool:
    """``_ANY_TASK.search(src)``: is there a line that starts a task?  Each line holding a box is
    tried once (boxes never overlap, so each one is found)."""
    tried = -1
    for box in _ANY_BOX.finditer(src):
        line = src.rfind("\n", 0, box.start()) + 1
        if line != tried:
            if _ANY_TASK.match(src, line):
                return True
            tried = line
    return False


def tasklists_rule(state: StateCore) -> None:
    if not has_task(state.src):
        return
    tokens = state.tokens
    # the last token seen at each level: an item's list is the last one a level up (looked up
    # so, not searched back for each task, which made a list of 8,000 tasks quadratic)
    last: dict[int, int] = {}
    for i in range(len(tokens) - 1):
        inline = tokens[i]
        if i >= 2:
            last[tokens[i - 2].level] = i - 2
        if i < 2 or inline.type != "inline" or tokens[i - 1].type != "paragraph_open" \
                or tokens[i - 2].type != "list_item_open" or not inline.children \
                or inline.children[0].type != "text":
            continue
        m = _TODO.match(inline.content)
        if m is None or not inline.children[0].content.startswith(m.group()[:3]):
            continue
        char = m.group(1)
        checked = char != " "
        box = Token("html_inline", "", 0)
        box.content = _CHECKED if checked else _BOX
        first = inline.children[0]
        # the space after the box is the box's margin: a done task's strike starts at its text
        first.content = first.content[3:].lstrip(" \t")
        inline.content = inline.content[3:]
        # the item's first line, box included, in a <label>: the box's accessible name is its text
        inline.children[:0] = [Token("task_label_open", "label", 1), box]
        inline.children.append(Token("task_label_close", "label", -1))
        item = tokens[i - 2]
        item.attrSet("class", "task-list-item is-checked" if checked else "task-list-item")
        item.attrSet("data-task", "" if char == " " else char)
        parent = last.get(item.level - 1, -1)
        if parent >= 0:
            tokens[parent].attrSet("class", "contains-task-list")


def _blank(token: Token) -> bool:
    if token.type == "image":  # named by its alt text
        return not "".join(child.content for child in token.children or ()).strip()
    return token.type in _BLANK and not token.content.strip()


def task_names_rule(state: StateCore) -> None:
    """A task whose label is left with no text (``- [ ]``, or only a block id or a comment, which
    other rules take out) gets a box named "Empty task"; run after every rule that cuts text."""
    for inline in state.tokens:
        children = inline.children
        if inline.type != "inline" or not children or children[0].type != "task_label_open":
            continue
        end = next((j for j, t in enumerate(children) if t.type == "task_label_close"), len(children))
        if children[1].content in _NAMED and all(_blank(t) for t in children[2:end]):
            children[1].content = _NAMED[children[1].content]


def tasklists_plugin(md: MarkdownIt) -> None:
    """Task list items with disabled checkboxes (skipped for notes without a task)."""
    md.core.ruler.after("inline", "github-tasklists", tasklists_rule)
    md.core.ruler.push("task_names", task_names_rule)
