"""```` ```dataview ```` and ```` ```dataviewjs ```` fences (the Dataview plugin): a labelled query,
not a code listing.

Dataview runs the query live over the vault in Obsidian; a published page cannot (nor does
Obsidian Publish, which shows the code).  A DQL query is shown as what it is, the query as
written, which says what the list would hold; a script (``dataviewjs``) is folded away under a
label.  Each is a ``dataview-unrendered`` *info*: the page reads fine and the author can do nothing
about it short of dropping Dataview, so it never fails ``--strict``, and the pipeline folds a
vault's many of them into one line (``diagnostics.fold_infos``).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .fences import _id_attr, fence_language, highlight_code

DATAVIEW_LANGS = ("dataview", "dataviewjs")


def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        lang = fence_language(token.info)
        if lang not in DATAVIEW_LANGS:
            return previous(tokens, idx, options, env)  # already bound to the renderer
        ctx = env.get("ctx") if env else None
        what = "query" if lang == "dataview" else "script"
        if ctx is not None:
            ctx.info("dataview-unrendered", f"a Dataview {what} (```{lang}) is shown as written, "
                     "not its results: Dataview runs it live in Obsidian",
                     token.map[0] if token.map else 0, 0)
        code = token.content.strip("\n")
        if lang == "dataview":
            return (f'<div class="query-embed dataview-query" role="note"{_id_attr(token)}>'
                    '<p class="query-title">Dataview query</p>'
                    f'<pre class="query-source"><code>{escapeHtml(code)}</code></pre>'
                    '<p class="query-note">Dataview lists what this query finds in Obsidian; '
                    "the results are not part of the published page.</p></div>\n")
        return (f'<details class="dataview-query dataview-script"{_id_attr(token)}>'
                "<summary>Dataview script (runs in Obsidian only)</summary>"
                f'<pre class="highlight" data-lang="javascript"><code '
                f'class="language-javascript">{highlight_code(code, "javascript")}</code></pre>'
                "</details>\n")

    return render_fence


def dataview_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: Dataview fences first, the rest fall through."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
