"""Obsidian Bases as static HTML: ```` ```base ```` fences and ``![[X.base]]`` / ``![[X.base#View]]``
embeds (``RenderContext._embed_file`` calls ``render_base_file``).

A view becomes a ``<table>`` (``table``), a grid of cards (``cards``) or a list of links (``list``),
computed from the index by ``generator.bases``.  Problems are warnings with file and line: inside
a fence, the line of the expression in the note; for a ``.base`` file, the line in that file.  A
base that cannot be read shows an error box; a filter that cannot be evaluated shows no rows and
says so.  The page depends on the facts of every note (``PageDeps.bases``) and on the ``.base``.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.token import Token

from generator.bases import BaseError, Problem, View, ViewResult, display_name, load_base, run_view
from generator.basesexpr import FileVal, Link, Tag, to_text
from generator.frontmatter import decode

from .fences import fence_language

STYLESHEET = "_assets/bases.css"  # templates/static/bases.css


def esc(text: str) -> str:
    return html.escape(text, quote=True)


class _Place:
    """Where the YAML of a base is: lines are reported in ``rel`` from ``offset`` on."""

    def __init__(self, ctx: Any, rel: str, offset: int, embed: str = ""):
        self.ctx, self.rel, self.offset, self.embed = ctx, rel, offset, embed
        # a page reports a problem of a .base file once, however often it shows the base
        self.seen: set[tuple] = ctx.__dict__.setdefault("_base_problems", set())

    def report(self, p: Problem) -> None:
        from generator.diagnostics import warning

        key = (self.rel, self.offset, p.code, p.message, p.line)
        if key in self.seen:
            return
        self.seen.add(key)
        message = p.message + (f" (embedded in {self.embed})" if self.embed else "")
        if self.rel == self.ctx.note.rel:
            self.ctx.warn(p.code, message, self.offset + p.line, p.col, hint=p.hint)
        else:
            self.ctx.diagnostics.append(warning(p.code, message, self.rel, self.offset + p.line + 1,
                                                p.col + 1, p.hint))


def render_base_file(ctx: Any, att: Any, subpath: Sequence[str], line: int = 0, col: int = 0) -> str:
    """``![[X.base]]`` and ``![[X.base#View]]`` in the note of ``ctx`` (at 0-based ``line``)."""
    ctx.deps.attachments.add(att.rel)
    ctx.deps.bases = True
    where = f"{ctx.note.rel}:{line + 1}"
    try:
        data = att.abs.read_bytes()
    except OSError as exc:
        ctx.warn("base-error", f"cannot read {att.rel} ({exc.strerror})", line, col,
                 hint="check the file's permissions")
        return _error_box(ctx, f"{att.rel} cannot be read.")
    text, read_as = decode(data, att.rel)  # not UTF-8: read as a note would be, and said so
    ctx.diagnostics.extend(read_as)
    title = posixpath.basename(att.rel).rsplit(".", 1)[0]
    want = "#".join(p for p in subpath if p) or None
    return _render(ctx, text, _Place(ctx, att.rel, 0, where), title, want, (line, col))


def render_base_source(ctx: Any, text: str, first_line: int) -> str:
    """A ```` ```base ```` fence whose YAML starts at 0-based note line ``first_line``."""
    ctx.deps.bases = True
    return _render(ctx, text, _Place(ctx, ctx.note.rel, first_line), "", None, (first_line - 1, 0))


def _render(ctx: Any, text: str, place: _Place, title: str, want: str | None,
            at: tuple[int, int]) -> str:
    try:
        base = load_base(text)
    except BaseError as exc:
        place.report(Problem("base-error", f"base not shown: {exc}", exc.line, exc.col,
                             "fix the YAML (see Obsidian's Bases syntax)"))
        return _error_box(ctx, f"This base cannot be read: {exc} (line {place.offset + exc.line + 1}).")
    for p in base.problems:
        place.report(p)
    view = base.view(want)
    if view is None:
        if want:
            names = ", ".join(repr(v.name) for v in base.views) or "none"
            ctx.warn("base-unsupported", f"no view named {want!r} in {place.rel} (views: {names}); "
                     "the first view is shown", *at, hint="use one of the view names after #")
            view = base.view(None)
        if view is None:
            return _error_box(ctx, "This base has no views.")
    try:
        result = run_view(base, view, ctx.index, ctx.note)
    except RecursionError:
        place.report(Problem("base-unsupported", "an expression nests too deep", view.line))
        result = ViewResult([], [], 0, "an expression nests too deep")
    ctx.deps.names |= result.names
    return _view_html(ctx, base, view, result, title)


def _stylesheet(ctx: Any) -> str:
    """The bases stylesheet, linked where a base is shown (pages without one do not load it)."""
    return f'<link rel="stylesheet" href="{esc(ctx._href(STYLESHEET))}">'


def _error_box(ctx: Any, message: str) -> str:
    return (f'{_stylesheet(ctx)}<div class="base-view base-error" role="note"><strong>Base:</strong> '
            f'{esc(message)}</div>\n')


# -- HTML ------------------------------------------------------------------------------------------------

def _view_html(ctx: Any, base: Any, view: View, result: ViewResult, title: str) -> str:
    kind = view.type if view.type in ("table", "cards", "list") else "table"
    shown = sum(len(rows) for _, rows in result.groups)
    count = f"{result.total} result{'' if result.total == 1 else 's'}"
    if shown < result.total:
        count = f"{shown} of {count}"
    name = (f'<span class="base-name">{esc(title)}</span>' if title else "") + \
        f'<span class="base-view-name">{esc(view.name)}</span>'
    parts = [_stylesheet(ctx), f'<div class="base-view base-view-{kind}" data-view="{esc(view.name)}">',
             f'<div class="base-bar">{name}<span class="base-count">{esc(count)}</span></div>']
    if result.blocked is not None:
        parts.append('<p class="base-empty base-blocked">No rows shown: the filter '
                     f'<code>{esc(result.blocked)}</code> uses what vaultsite cannot evaluate '
                     '(see the build warnings).</p>')
    elif not shown:
        parts.append('<p class="base-empty">No notes match this view.</p>')
    elif kind == "table":
        parts.append(_table(ctx, base, view, result))
    else:
        for value, rows in result.groups:
            if view.group is not None:
                parts.append(f'<div class="base-group-title">{_group_label(ctx, base, view, value)}</div>')
            parts.append(_cards(ctx, result, rows) if kind == "cards" else _list(ctx, result, rows))
    parts.append("</div>\n")
    return "".join(parts)


def _group_label(ctx: Any, base: Any, view: View, value: Any) -> str:
    prop = view.group[0] if view.group else ""
    shown = _value(ctx, value) if value not in (None, "", []) else "(none)"
    return f'<span class="base-group-key">{esc(display_name(base, prop))}</span> {shown}'


def _table(ctx: Any, base: Any, view: View, result: ViewResult) -> str:
    head = "".join(f'<th scope="col">{esc(label)}</th>' for _, label in result.columns)
    out = [f'<div class="base-scroll"><table class="base-table"><thead><tr>{head}</tr></thead>']
    for value, rows in result.groups:
        out.append("<tbody>")
        if view.group is not None:
            out.append(f'<tr class="base-group"><th colspan="{len(result.columns)}" scope="rowgroup">'
                       f'{_group_label(ctx, base, view, value)}</th></tr>')
        for row in rows:
            cells = "".join(f"<td>{_cell(ctx, prop, row)}</td>" for prop, _ in result.columns)
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody>")
    out.append("</table></div>")
    return "".join(out)


def _cards(ctx: Any, result: ViewResult, rows: list) -> str:
    out = ['<div class="base-cards">']
    for row in rows:
        props = "".join(f'<div class="base-prop"><dt>{esc(label)}</dt><dd>{_cell(ctx, prop, row)}</dd></div>'
                        for prop, label in result.columns if prop != "file.name")
        out.append(f'<article class="base-card"><div class="base-card-title">{_note_link(ctx, row.note)}'
                   f'</div>{f"<dl>{props}</dl>" if props else ""}</article>')
    out.append("</div>")
    return "".join(out)


def _list(ctx: Any, result: ViewResult, rows: list) -> str:
    out = ['<ul class="base-list">']
    for row in rows:
        props = [_cell(ctx, prop, row) for prop, _ in result.columns if prop != "file.name"]
        props = [p for p in props if p]
        extra = f'<span class="base-list-props">{", ".join(props)}</span>' if props else ""
        out.append(f"<li>{_note_link(ctx, row.note)}{extra}</li>")
    out.append("</ul>")
    return "".join(out)


def _note_link(ctx: Any, note: Any) -> str:
    return f"{ctx.note_link_open(note)}{esc(note.stem)}</a>"


def _cell(ctx: Any, prop: str, row: Any) -> str:
    if prop == "file.name":
        return _note_link(ctx, row.note)
    return _value(ctx, row.values.get(prop))


def _value(ctx: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        checked = " checked" if value else ""
        return f'<input type="checkbox" disabled{checked} aria-label="{"yes" if value else "no"}">'
    if isinstance(value, Tag):
        tok = Token("tag", "", 0)
        tok.meta = {"tag": str(value)}
        return ctx.render_tag(tok)
    if isinstance(value, Link):
        return _link(ctx, value)
    if isinstance(value, FileVal):
        return _note_link(ctx, value.note)
    if isinstance(value, list):
        return ", ".join(v for v in (_value(ctx, item) for item in value) if v)
    if isinstance(value, dt.date):
        return f"<time>{esc(to_text(value))}</time>"
    if isinstance(value, dict):
        return esc(", ".join(f"{k}: {to_text(v)}" for k, v in value.items()))
    return esc(to_text(value))


def _link(ctx: Any, link: Link) -> str:
    origin = link.origin or ctx.note
    text = link.display or link.target.rsplit("/", 1)[-1].split("#", 1)[0]
    ctx.deps.names.add((link.target, origin.id))
    res = ctx.index.resolve(link.target.split("#", 1)[0], origin)
    if res.kind == "note" and res.note is not None:
        ctx.deps.notes.add(res.note.id)
        return f"{ctx.note_link_open(res.note)}{esc(text)}</a>"
    if res.kind == "attachment" and res.attachment is not None:
        href = ctx.href_to_attachment(res.attachment)
        return f'<a class="internal-link attachment-link" href="{esc(href)}">{esc(text)}</a>'
    if "://" in link.target:
        # an address elsewhere, allowed as a note's [x](url) is (``javascript://%0A…`` would run:
        # shown as text)
        href = normalizeLink(link.target)
        if validateLink(href):
            return f'<a class="external-link" href="{esc(href)}" rel="noopener">{esc(text)}</a>'
        return f'<span class="external-link">{esc(text)}</span>'
    if res.kind == "unpublished":
        return f'<span class="internal-link unpublished">{esc(text)}</span>'
    return (f'<a class="internal-link broken" data-target="{esc(link.target)}" '
            f'title="{esc("Not found: " + link.target)}">{esc(text)}</a>')


# -- the fence ----------------------------------------------------------------------------------------------

def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        ctx = env.get("ctx") if env else None
        if ctx is None or fence_language(token.info) != "base" or not token.map:
            return previous(tokens, idx, options, env)
        return render_base_source(ctx, token.content, token.map[0] + 1)

    return render_fence


def bases_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: ```` ```base ```` fences first."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
