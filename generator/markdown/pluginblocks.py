"""Fences that community plugins draw live in Obsidian: labelled as what they are, not code.

* ```` ```tasks ```` (the Tasks plugin's query: ``not done``, ``due before tomorrow``): the query,
  readable as written, in a labelled box, as a ```` ```query ```` search is shown.
* ```` ```chart ```` (Obsidian Charts), ```` ```tracker ```` (Tracker), ```` ```leaflet ````
  (Obsidian Leaflet), ```` ```button ```` (Buttons), ```` ```meta-bind ```` and
  ```` ```meta-bind-button ```` (Meta Bind): their settings mean nothing to a reader, so they are
  folded under a label that names the plugin.

A published page cannot run the plugin (nor can Obsidian Publish).  Each is a
``plugin-unrendered`` info, folded with Dataview's into one line for the vault.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .fences import _id_attr, fence_language
from .query import query_box

#: fence language -> (what it is, the plugin that draws it)
FOLDED = {
    "chart": ("Chart", "Obsidian Charts"), "tracker": ("Tracker chart", "Tracker"),
    "leaflet": ("Map", "Obsidian Leaflet"), "button": ("Button", "Buttons"),
    "meta-bind": ("Input field", "Meta Bind"), "meta-bind-button": ("Button", "Meta Bind"),
    # a game master's vault: a monster's stat block, a combat's encounter
    "statblock": ("Stat block", "Fantasy Statblocks"),
    "encounter": ("Encounter", "Initiative Tracker"),
}


def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        lang = fence_language(token.info)
        if lang != "tasks" and lang not in FOLDED:
            return previous(tokens, idx, options, env)  # already bound to the renderer
        ctx = env.get("ctx") if env else None
        source = escapeHtml(token.content.strip("\n"))
        if lang == "tasks":
            what, plugin = "Tasks query", "the Tasks plugin finds them live in Obsidian"
            html = query_box(token, "tasks-query", "Tasks query", token.content.strip("\n"),
                             "The Tasks plugin lists the tasks this query finds in Obsidian; they "
                             "are not part of the published page.")
        else:
            name, owner = FOLDED[lang]
            what, plugin = f"{owner} block", f"the {owner} plugin draws it in Obsidian"
            html = (f'<details class="plugin-block" data-plugin="{escapeHtml(lang)}"'
                    f"{_id_attr(token)}><summary>{escapeHtml(name)} ({escapeHtml(owner)} plugin, "
                    f"shown in Obsidian only)</summary><pre><code>{source}</code></pre>"
                    "</details>\n")
        if ctx is not None:
            ctx.info("plugin-unrendered", f"a {what} (```{lang}) is shown as written: {plugin}",
                     token.map[0] if token.map else 0, 0)
        return html

    return render_fence


def plugin_blocks_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: these plugins' fences first."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
