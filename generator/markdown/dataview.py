"""```` ```dataview ```` and ```` ```dataviewjs ```` fences (the Dataview plugin): a labelled query,
not a code listing.

Dataview runs the query live over the vault in Obsidian; a published page cannot (nor does
Obsidian Publish, which shows the code).  A DQL query is shown as what it is, the query as
written, which says what the list would hold; a script (``dataviewjs``) is folded away under a
label.  Each is a ``plugin-unrendered`` *info*: the page reads fine and the author can do nothing
about it short of dropping Dataview, so it never fails ``--strict``, and the pipeline folds a
vault's many of them into one line (``diagnostics.fold_infos``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .fences import _id_attr, fence_language, highlight_code
from .query import query_box

DATAVIEW_LANGS = ("dataview", "dataviewjs")


def _wrap(previous):
    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        lang = fence_language(token.info)
        if lang not in DATAVIEW_LANGS:
            return previous(tokens, idx, options, env)  # already bound to the renderer
        ctx = env.get("ctx") if env else None
        code = token.content.strip("\n")
        why = "Dataview runs it live in Obsidian"
        if ctx is not None and lang == "dataview":
            shown, why = computed_query(ctx, code)
            if shown is not None:
                return shown
        what = "query" if lang == "dataview" else "script"
        if ctx is not None:
            ctx.info("plugin-unrendered", f"a Dataview {what} (```{lang}) is shown as written, "
                     f"not its results: {why}", token.map[0] if token.map else 0, 0)
        if lang == "dataview":
            return query_box(token, "dataview-query", "Dataview query", code,
                             "Dataview lists what this query finds in Obsidian; the results are "
                             "not part of the published page.")
        return (f'<details class="dataview-query dataview-script"{_id_attr(token)}>'
                "<summary>Dataview script (runs in Obsidian only)</summary>"
                f'<pre class="highlight" data-lang="javascript"><code '
                f'class="language-javascript">{highlight_code(code, "javascript")}</code></pre>'
                "</details>\n")

    return render_fence


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LUXON = re.compile(r"'[^']*'|yyyy|yy|MMMM|MMM|MM|M|dd|d|EEEE|EEE|[A-Za-z]|[^A-Za-z']+")


def settings(ctx: Any) -> dict[str, Any]:
    """Dataview's display settings: the vault's (``SiteConfig.dataview``) over the defaults
    (made once per page: every code span asks)."""
    found = ctx.__dict__.get("_dv_settings")
    if found is None:
        from generator.config import DATAVIEW_SETTINGS

        found = {**DATAVIEW_SETTINGS, **dict(getattr(ctx.index.cfg, "dataview", ()))}
        ctx.__dict__["_dv_settings"] = found
    return found


def luxon_date(fmt: str, d: Any) -> str:
    """``d`` in a Luxon format (Dataview's ``defaultDateFormat``), English names; a token other
    than the year, month, day and weekday ones is not written here."""
    from generator.dataview import Unsupported

    out = []
    for tok in _LUXON.findall(fmt):
        if tok.startswith("'"):
            out.append(tok[1:-1])
        elif tok[0].isalpha():
            values = {"yyyy": f"{d.year:04d}", "yy": f"{d.year % 100:02d}",
                      "MMMM": _MONTHS[d.month - 1], "MMM": _MONTHS[d.month - 1][:3],
                      "MM": f"{d.month:02d}", "M": str(d.month), "dd": f"{d.day:02d}",
                      "d": str(d.day), "EEEE": _DAYS[d.weekday()], "EEE": _DAYS[d.weekday()][:3]}
            if tok not in values:
                raise Unsupported(f"the date format {fmt!r} (its {tok!r})")
            out.append(values[tok])
        else:
            out.append(tok)
    return "".join(out)


def _null_text(markdown: str) -> str:
    """``renderNullAs`` (Markdown; ``\\-`` by default) as the text it shows."""
    from generator.dataview import Unsupported

    text = re.sub(r"\\([^\w\s])", r"\1", markdown)
    if any(c in re.sub(r"\\[^\w\s]", "", markdown) for c in "*_[]`=~$<#|"):
        raise Unsupported(f"renderNullAs {markdown!r} (Markdown)")
    return text


def computed_query(ctx: Any, code: str) -> tuple[str | None, str]:
    """The query's results as HTML, computed from the index (``generator.dataview``); or None and
    why it is shown as written instead."""
    from generator.dataview import Unsupported, parse_query, run_query

    ctx.deps.bases = True  # the results depend on every note's facts, as a base's do
    try:
        query = parse_query(code)
        result = run_query(query, ctx.index, ctx.note)
        shown = _result_html(ctx, query, result)
    except Unsupported as exc:
        return None, f"vaultsite computes a subset of Dataview queries (here: {exc}; see README, Dataview)"
    except RecursionError:
        return None, "it nests too deep"
    except Exception as exc:  # noqa: BLE001 - a fault here must not cost the note its page
        return None, f"computing it failed ({type(exc).__name__}: {exc}; please report this query)"
    ctx.deps.names |= result.names
    return shown, ""


def _result_html(ctx: Any, query: Any, result: Any) -> str:
    from .bases import _note_link, _stylesheet, esc

    opts = settings(ctx)
    n = len(result.rows)
    parts = [_stylesheet(ctx), f'<div class="base-view base-view-{query.kind} dataview-result">',
             f'<div class="base-bar"><span class="base-view-name">Dataview</span>'
             f'<span class="base-count">{n} result{"" if n == 1 else "s"}</span></div>']
    if not result.rows:
        parts.append('<p class="base-empty">No results.</p>')
    elif query.kind == "list":  # "Note", "Note: value", or the value alone (WITHOUT ID)
        parts.append('<ul class="base-list">')
        for note, values in result.rows:
            shown = [] if query.without_id else [_note_link(ctx, note)]
            shown += [_dv_value(ctx, v, opts) for v in values]
            parts.append(f"<li>{': '.join(shown)}</li>")
        parts.append("</ul>")
    else:
        id_head = opts["tableIdColumnName"] + (f" ({n})" if opts["showResultCount"] else "")
        heads = ([] if query.without_id else [id_head]) + result.columns
        parts.append('<div class="base-scroll"><table class="base-table"><thead><tr>'
                     + "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
                     + "</tr></thead><tbody>")
        for note, values in result.rows:
            cells = ([] if query.without_id else [_note_link(ctx, note)]) \
                + [_dv_value(ctx, v, opts) for v in values]
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        parts.append("</tbody></table></div>")
    parts.append("</div>\n")
    return "".join(parts)


def _dv_value(ctx: Any, value: Any, opts: dict[str, Any]) -> str:
    """A value as Dataview shows it: null as ``renderNullAs`` (a dash), dates in
    ``defaultDateFormat`` (``January 02, 2024``), lists as lists, links as links."""
    import datetime as dt

    from generator.basesexpr import Link

    from .bases import _link, esc

    if value is None:
        return esc(_null_text(opts["renderNullAs"]))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return f"<time>{esc(luxon_date(opts['defaultDateFormat'], value))}</time>"
    if isinstance(value, Link):
        return _link(ctx, value)
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_dv_value(ctx, v, opts)}</li>" for v in value) + "</ul>"
    return esc(str(value))


_INLINE_DQL = re.compile(r"=\s*(this|\[\[([^\]|#]+)(?:\|[^\]]*)?\]\])\.([^\W\d][\w-]*(?:\.[a-z]+)?)\s*")
#: What a code span that is a Dataview inline query starts with (``= this.x``, ``$= dv.x``).
_LOOKS_INLINE = re.compile(r"=\s*(this\b|\[\[|date\(|dur\(|file\.|[a-z]+\()|\$=")


def _inline_query(previous):
    def render_code_inline(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        ctx = env.get("ctx") if env else None
        code = token.content
        if ctx is None or not code:
            return previous(tokens, idx, options, env)
        opts = settings(ctx)
        prefix = opts["inlineQueryPrefix"] or "="
        if not opts["enableInlineDataview"] or not code.startswith((prefix, "$=")):
            return previous(tokens, idx, options, env)  # (disabled: Obsidian shows code too)
        body = "=" + code[len(prefix):] if code.startswith(prefix) else code
        m = _INLINE_DQL.fullmatch(body)
        why = "vaultsite computes only `= this.field` and `= [[Note]].field`"
        if m:
            shown, why = _inline_value(ctx, m)
            if shown is not None:
                return f'<span class="dataview dataview-inline-query">{shown}</span>'
        if _LOOKS_INLINE.match(body):
            # a code span carries no position: the line where this one is first written
            at = ctx.note.text.find(code)
            line = ctx.note.text.count("\n", 0, at) if at >= 0 else 0
            ctx.info("plugin-unrendered", f"an inline Dataview query (`{code[:40]}`) is shown "
                     f"as written: {why}", line, 0)
        return previous(tokens, idx, options, env)

    return render_code_inline


def _inline_value(ctx: Any, m: re.Match) -> tuple[str | None, str]:
    """``= this.field`` / ``= [[Note]].field``: the value, as a table cell shows it."""
    from generator.dataview import Field, Unsupported, field_value

    path = m.group(3)
    if "." in path and not path.startswith("file."):
        return None, f"the field {path}"
    note = ctx.note
    if m.group(2) is not None:
        ctx.deps.bases = True  # another note's fields
        target = m.group(2).strip()
        ctx.deps.names.add((target, ctx.note.id))
        res = ctx.index.resolve(target, ctx.note)
        if res.kind != "note" or res.note is None:
            return None, f"[[{target}]] is no published note"
        note = res.note
    from generator.dataview import _FILE_FIELDS, _displayable

    if path.startswith("file.") and path not in _FILE_FIELDS:
        return None, f"the field {path}"
    try:
        value = field_value(Field(path), note, ctx.index)
        _displayable(value)
    except Unsupported as exc:
        return None, str(exc)
    try:
        return _dv_value(ctx, value, settings(ctx)), ""
    except Unsupported as exc:
        return None, str(exc)


def dataview_plugin(md: MarkdownIt) -> None:
    """Wrap the current ``fence`` render rule: Dataview fences first, the rest fall through; and
    the ``code_inline`` one: inline queries (```` `= this.field` ````)."""
    md.add_render_rule("fence", _wrap(md.renderer.rules["fence"]))
    md.add_render_rule("code_inline", _inline_query(md.renderer.rules["code_inline"]))
