"""Footnotes ``[^1]`` and inline footnotes ``^[...]`` (mdit-py-plugins' rules), shown as Obsidian
shows them: every reference to the same footnote reads ``[1]``, and a label is found in any case
(``[^Note]`` is the footnote ``[^note]:``), as in Obsidian since 1.8.

mdit-py-plugins numbers a repeated reference ``[1:1]``, ``[1:2]``, … (its ids stay apart, so each
back-reference arrow still returns to its own place); only the caption changes here.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import render_footnote_ref

from .wikilinks import IN_LINK


def footnote_caption(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f"[{tokens[idx].meta['id'] + 1}]"


def footnote_ref(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """A reference inside a link's text (``<a href="…">y ^[note] z</a>``): its number without a
    link of its own, which would split the outer link (``IN_LINK``); the footnote's arrow still
    returns to it (the same ``id`` as mdit-py-plugins gives a reference)."""
    token = tokens[idx]
    if not token.meta.get(IN_LINK):
        return render_footnote_ref(self, tokens, idx, options, env)
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    caption = self.rules["footnote_caption"](tokens, idx, options, env)
    sub = token.meta.get("subId", -1)
    refid = f"{ident}:{sub}" if sub > 0 else ident
    return f'<sup class="footnote-ref" id="fnref{refid}">{caption}</sup>'


def footnote_anchor(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """The footnote's arrow back to its reference, named for a screen reader ("Back to reference
    1", the second reference's "Back to reference 1 (2)"), which read mdit-py-plugins' bare "↩︎"
    as an arrow's name; the arrow itself is unchanged."""
    meta = tokens[idx].meta
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    label = f"Back to reference {meta['id'] + 1}"
    if meta["subId"] > 0:
        ident += f":{meta['subId']}"
        label += f" ({meta['subId'] + 1})"
    return f' <a href="#fnref{ident}" class="footnote-backref" aria-label="{label}">\u21a9\ufe0e</a>'


def fold_label(label: str) -> str:
    """A footnote label as it is looked up: Obsidian finds ``[^testKey]:`` from ``[^testkey]``."""
    return label.lower()


class _FoldedRefs(dict):
    """mdit-py-plugins' ``refs`` (``":label"`` -> footnote id), looked up in any case."""

    def __contains__(self, key: object) -> bool:
        return super().__contains__(fold_label(key) if isinstance(key, str) else key)

    def __getitem__(self, key: str) -> int:
        return super().__getitem__(fold_label(key))

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(fold_label(key), value)

    def get(self, key: str, default=None):
        return super().get(fold_label(key), default)


def footnote_fold_rule(state) -> None:
    """After the block parse (the definitions are read), before the references are: the labels of
    the definitions folded, so that ``[^A]`` finds ``[^a]:`` as in Obsidian (mdit-py-plugins
    matches them as written)."""
    data = state.env.get("footnotes")
    if not data or not data.get("refs") or isinstance(data["refs"], _FoldedRefs):
        return
    refs = _FoldedRefs()
    for key, value in data["refs"].items():
        refs.setdefault(fold_label(key), value)
    data["refs"] = refs
    for tok in state.tokens:
        if tok.type == "footnote_reference_open":
            tok.meta["label"] = fold_label(tok.meta["label"])


def footnote_fold_list_rule(state) -> None:
    """The footnotes referred to carry their label as the reference wrote it (``[^A]``):
    folded, so that ``footnote_tail`` finds the definition's body under the folded label."""
    data = state.env.get("footnotes")
    if data and isinstance(data.get("refs"), _FoldedRefs):
        for entry in data.get("list", {}).values():
            if "label" in entry:
                entry["label"] = fold_label(entry["label"])


def footnote_lines_rule(state) -> None:
    """Record where each top-level footnote definition is (``env["footnote_lines"]``: (label,
    first line) -> (first line, end line), 0-based, end exclusive) before ``footnote_tail`` drops
    its tokens: an embedded section, parsed alone, takes the lines of the definitions it refers to
    (``parse.section_tokens``).  Every definition, a repeated label's too (``[^a]:`` and ``[^A]:``),
    so that the section shows the one the page shows (the last)."""
    lines = None
    for tok in state.tokens:
        if tok.type == "footnote_reference_open" and tok.level == 0 and tok.map:
            if lines is None:
                lines = state.env.setdefault("footnote_lines", {})
            lines.setdefault((tok.meta["label"], tok.map[0]), tuple(tok.map))


def footnote_nested_rule(state) -> None:
    """A footnote definition written inside another one (``[^1]: x`` then ``    - [^n]: y``) is
    moved to just after it, as a definition of its own.  ``footnote_tail`` keeps one definition
    open at a time: the inner one's end ended the outer one, so the rest of the outer list went
    into the page as bare closing tokens (``</li></ul>``), the text of both definitions was lost
    and, with raw HTML in the note, the parse failed."""
    tokens = state.tokens
    depth = nested = 0
    for tok in tokens:
        if tok.type == "footnote_reference_open":
            depth += 1
            nested = nested or depth > 1
        elif tok.type == "footnote_reference_close":
            depth -= 1
    if not nested:
        return
    out: list[Token] = []
    stack: list[tuple[list[Token], list[Token]]] = []  # (an open definition, those it held)
    for tok in tokens:
        if tok.type == "footnote_reference_open":
            stack.append(([tok], []))
            continue
        if not stack:
            out.append(tok)
            continue
        stack[-1][0].append(tok)
        if tok.type == "footnote_reference_close":
            own, held = stack.pop()
            (stack[-1][1] if stack else out).extend(own + held)
    for own, held in stack:  # never left open by the block rule; kept in place if it were
        out.extend(own + held)
    state.tokens = out


def _refs(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(id, subId) of the footnote references written in ``tokens``."""
    return [(kid.meta["id"], kid.meta.get("subId", 0)) for tok in tokens
            if tok.type == "inline" and tok.children for kid in tok.children
            if kid.type == "footnote_ref"]


def footnote_prune_rule(state) -> None:
    """Footnotes that no shown text refers to go, with the arrows back to such references.

    ``footnote_tail`` drops a definition nothing refers to (``[^g]: … ^[inline] … [^a]``), but the
    inline footnotes and references written inside it stay listed, with arrows back to references
    that are on no page; a section embed, whose parse takes all the note's definitions, showed
    them too.  What is left is numbered from 1 in its order, as the list shows it."""
    tokens = state.tokens
    if not state.env.get("footnotes", {}).get("list") or tokens[-1].type != "footnote_block_close":
        return  # no footnotes (most notes); ``footnote_tail`` put the list at the end
    end = len(tokens) - 1
    start = next((i for i in range(end, -1, -1) if tokens[i].type == "footnote_block_open"), None)
    if start is None:
        return
    ranges: dict[int, tuple[int, int]] = {}
    i = start + 1
    while i < end:
        if tokens[i].type == "footnote_open":
            j = next((k for k in range(i, end) if tokens[k].type == "footnote_close"), None)
            if j is None:
                return
            ranges[tokens[i].meta["id"]] = (i, j)
            i = j
        i += 1
    shown = set(_refs(tokens[:start]))
    kept: set[int] = set()
    todo = [fid for fid, _sub in shown]
    while todo:
        fid = todo.pop()
        if fid in kept or fid not in ranges:
            continue
        kept.add(fid)
        inner = _refs(tokens[ranges[fid][0]:ranges[fid][1]])
        shown.update(inner)
        todo.extend(ref for ref, _sub in inner)
    anchors = [t for t in tokens[start:end] if t.type == "footnote_anchor"]
    if kept == set(ranges) and all((t.meta["id"], t.meta["subId"]) in shown for t in anchors):
        return  # every footnote is referred to (nearly always)
    number = {old: new for new, old in enumerate(sorted(kept))}
    block: list[Token] = []
    for old in sorted(kept):
        first, last = ranges[old]
        for tok in tokens[first:last + 1]:
            if tok.type == "footnote_anchor" and (old, tok.meta["subId"]) not in shown:
                continue
            if tok.type in ("footnote_open", "footnote_anchor"):
                tok.meta["id"] = number[old]
            block.append(tok)
    kept_tokens = [*tokens[:start], *([tokens[start], *block, tokens[end]] if block else [])]
    for tok in kept_tokens:
        if tok.type == "inline" and tok.children:
            for kid in tok.children:
                if kid.type == "footnote_ref" and kid.meta["id"] in number:
                    kid.meta["id"] = number[kid.meta["id"]]
    state.tokens = kept_tokens


def footnotes_plugin(md: MarkdownIt) -> None:
    md.use(footnote_plugin, inline=True)
    md.core.ruler.after("block", "footnote_fold", footnote_fold_rule)
    md.core.ruler.before("footnote_tail", "footnote_fold_list", footnote_fold_list_rule)
    md.core.ruler.before("footnote_tail", "footnote_nested", footnote_nested_rule)
    md.core.ruler.before("footnote_tail", "footnote_lines", footnote_lines_rule)
    md.core.ruler.after("footnote_tail", "footnote_prune", footnote_prune_rule)
    md.add_render_rule("footnote_caption", footnote_caption)
    md.add_render_rule("footnote_ref", footnote_ref)
    md.add_render_rule("footnote_anchor", footnote_anchor)
