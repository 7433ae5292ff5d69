"""An Excalidraw drawing's note (front-matter ``excalidraw-plugin:``): its notice to open the
drawing in the plugin's view (``==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this
document. ⚠==``, and what the plugin adds after it) is dropped.

It speaks to the Obsidian user who opens the file as Markdown; a page shows the drawing's
exported picture above its text instead (``generator.excalidraw.page_picture``), so the notice
would only tell a reader to use a menu that is not there.  The scene itself sits in a ``%%``
comment, which is never shown.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore


def drawing_notice_rule(state: StateCore) -> None:
    tokens = state.tokens
    if not tokens or tokens[0].type != "front_matter" \
            or "excalidraw-plugin" not in tokens[0].content:
        return
    for i in range(1, len(tokens) - 2):
        tok, inline = tokens[i], tokens[i + 1]
        if tok.type == "paragraph_open" and tok.level == 0 and inline.type == "inline" \
                and inline.content.startswith("==⚠") and "EXCALIDRAW VIEW" in inline.content:
            del tokens[i:i + 3]
            return


def excalidraw_plugin(md: MarkdownIt) -> None:
    """Register the rule after block parsing (the notice never reaches inline parsing)."""
    md.core.ruler.after("block", "excalidraw_notice", drawing_notice_rule)
