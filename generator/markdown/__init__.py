"""Obsidian Markdown as markdown-it-py plugins (Contract 1 in docs/ARCHITECTURE.md).

``make_markdown()`` returns the one parser every note goes through.  The parser is vault-blind:
render rules that need the vault call ``env["ctx"]`` (Contract 2) and fall back to neutral HTML
without it.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

from ._util import plain_text, positions_plugin
from .admonitions import admonitions_plugin
from .bareurls import bare_urls_plugin
from .bases import bases_plugin
from .blockids import blockids_plugin
from .callouts import ALIASES as CALLOUT_ALIASES
from .callouts import callout_icon, callouts_plugin
from .comments import comments_plugin
from .dataview import dataview_plugin
from .direction import direction_plugin
from .excalidraw import excalidraw_plugin
from .fences import fence_language, fences_plugin, highlight_code, pygments_css
from .footnotes import footnotes_plugin
from .frontmatter import front_matter_plugin
from .headings import headings_plugin
from .highlight import highlight_plugin
from .inlinefields import inline_fields_plugin
from .kanban import kanban_plugin
from .links import links_plugin
from .math import latex_to_mathml, math_plugin
from .mermaid import mermaid_available, mermaid_plugin
from .nesting import nesting_plugin
from .normalize import normalize_plugin
from .pluginblocks import plugin_blocks_plugin
from .query import query_plugin
from .renderer import Renderer
from .sanitize import sanitize_html, sanitize_plugin
from .tablecode import table_code_plugin
from .tags import tags_plugin
from .tasks import tasklists_plugin
from .wikilinks import display_text, split_wikilink, wikilinks_plugin

__all__ = [
    "CALLOUT_ALIASES",
    "build_markdown",
    "callout_icon",
    "display_text",
    "fence_language",
    "highlight_code",
    "latex_to_mathml",
    "make_markdown",
    "mermaid_available",
    "plain_text",
    "pygments_css",
    "sanitize_html",
    "split_wikilink",
]


def build_markdown() -> MarkdownIt:
    """A new parser with every plugin registered, in a fixed order."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": False},
                    renderer_cls=Renderer)
    # Bare web addresses (``https://…``) are links, as in Obsidian: the inline rule, which looks
    # only where ``://`` follows a scheme; not the core rule, which would test every paragraph
    # and link bare domains and e-mail addresses that Obsidian leaves as text.
    md.enable(["table", "strikethrough"])
    md.inline.ruler.enable("linkify")
    md.use(normalize_plugin)  # no rewrite of a note without \r or NUL
    md.use(bare_urls_plugin)  # linkify's rule, linear on a line of many "://"
    md.use(front_matter_plugin)
    md.use(comments_plugin)
    md.use(wikilinks_plugin)
    md.use(tags_plugin)
    md.use(highlight_plugin)
    md.use(callouts_plugin)
    md.use(admonitions_plugin)
    md.use(excalidraw_plugin)
    md.use(blockids_plugin)
    md.use(headings_plugin)
    md.use(footnotes_plugin)
    md.use(tasklists_plugin)
    md.use(inline_fields_plugin)
    md.use(kanban_plugin)
    md.use(math_plugin)
    md.use(fences_plugin)
    md.use(mermaid_plugin)
    md.use(bases_plugin)
    md.use(query_plugin)
    md.use(table_code_plugin)  # before dataview's, which wraps its code_inline rule
    md.use(dataview_plugin)
    md.use(plugin_blocks_plugin)
    md.use(sanitize_plugin)
    md.use(links_plugin)
    md.use(direction_plugin)
    md.use(positions_plugin)
    # last, so that its rule runs first after block parsing (each plugin puts its own right
    # after "block"): callouts re-level the tokens it finds the unread containers by
    md.use(nesting_plugin)
    return md


@lru_cache(maxsize=1)
def make_markdown() -> MarkdownIt:
    """The shared parser (built once per process; parse and render never change it)."""
    return build_markdown()
