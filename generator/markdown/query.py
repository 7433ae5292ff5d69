"""```` ```query ```` fences (Obsidian's embedded search): shown as a labelled search, not as code.

Obsidian runs the search live over the vault and lists what it finds; a published page cannot (nor
can Obsidian Publish).  The block is shown as what it is, the search as written, with a
``query-unrendered`` warning so the author knows the results are not on the site.
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
        if fence_language(token.info) != "query":
            return previous(tokens, idx, options, env)  # already bound to the renderer
        ctx = env.get("ctx") if env else None
        if ctx is not None:
            ctx.warn("query-unrendered", "the results of this search (a ```query block) are not "
                     "on the site: Obsidian finds them live in the vault", token.map[0]
                     if token.map else 0, 0,
                     hint="link the notes it should list, or keep it: the search is shown as written")
        return query_box(token, "", "Search in Obsidian", token.content.strip("\n"),
                         "Obsidian lists the notes this search finds; they are not part of the "
                         "published page.")

    return render_fence


def query_box(token: Token, kind: str, title: str, source: str, note: str) -> str:
    """A live query shown as what it is (a search, a Dataview or Tasks query): its ``title``, its
    ``source`` as written, and a ``note`` saying that its results are not on the page.
    ``kind``: an extra class of the box (``dataview-query``), or ""."""
    return (f'<div class="query-embed{" " + kind if kind else ""}" role="note"{_id_attr(token)}>'
            f'<p class="query-title">{title}</p>'
            f'<pre class="query-source"><code>{escapeHtml(source)}</code></pre>'
            f'<p class="query-note">{note}</p></div>\n')


def query_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: query fences first, the rest fall through."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
