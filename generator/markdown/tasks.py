"""Task lists (``- [ ]`` / ``- [x]``) through mdit-py-plugins, with disabled checkboxes.

The plugin's core rule walks every token of every note; a quick look at the source first lets the
many notes without a task skip it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.tasklists import tasklists_plugin as _mdit_tasklists

_ANY_TASK = re.compile(r"^[ \t>]*(?:[-+*]|\d{1,9}[.)])[ \t]+\[[ xX]\]", re.MULTILINE)


def tasklists_plugin(md: MarkdownIt) -> None:
    """mdit's task lists (checkboxes rendered disabled), skipped for notes without a task."""
    _mdit_tasklists(md, enabled=False)
    rule = next(r.fn for r in md.core.ruler.__rules__ if r.name == "github-tasklists")

    def tasklists(state: StateCore) -> None:
        if _ANY_TASK.search(state.src):
            rule(state)

    md.core.ruler.at("github-tasklists", tasklists)
