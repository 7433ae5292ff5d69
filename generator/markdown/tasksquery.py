"""```` ```tasks ```` fences (the Tasks plugin's queries): a labelled query, not a code listing.

The Tasks plugin finds the tasks a query describes (``not done``, ``due before tomorrow``) live
over the vault, in Obsidian; a published page cannot (nor can Obsidian Publish), and the
conditions are relative to the day the page is read.  The block is shown as the query it is, with
the ``plugin-unrendered`` info Dataview queries shown as written have (one line for the vault).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .fences import _id_attr, fence_language


def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if fence_language(token.info) != "tasks":
            return previous(tokens, idx, options, env)  # already bound to the renderer
        ctx = env.get("ctx") if env else None
        if ctx is not None:
            ctx.info("plugin-unrendered", "a Tasks query (```tasks) is shown as written, not the "
                     "tasks it finds: the Tasks plugin finds them live in Obsidian",
                     token.map[0] if token.map else 0, 0)
        return (f'<div class="query-embed tasks-query" role="note"{_id_attr(token)}>'
                '<p class="query-title">Tasks query</p>'
                f'<pre class="query-source"><code>{escapeHtml(token.content.strip(chr(10)))}'
                '</code></pre><p class="query-note">The Tasks plugin lists the tasks this query '
                "finds in Obsidian; they are not part of the published page.</p></div>\n")

    return render_fence


def tasks_query_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: ```` ```tasks ```` fences first."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
