"""Excalidraw drawings (the Excalidraw plugin): shown through the picture the plugin exports.

A drawing is a note ``Name.excalidraw.md`` (front-matter ``excalidraw-plugin:``; its scene is
compressed JSON inside a ``%%`` comment) or, in the plugin's old format, a JSON file
``Name.excalidraw``.  Obsidian draws it with the plugin; a site cannot run the plugin (nor does
Obsidian Publish).  The plugin's "Auto-export SVG/PNG" setting writes the picture beside the
drawing, ``Name.excalidraw.svg`` / ``.png`` (``.light.svg`` and ``.dark.svg`` when it exports both
themes; the old format's ``Name.svg``): an embed ``![[Name.excalidraw]]`` shows that picture, and
so does the drawing's own page, above the drawing's text.  With no picture beside it, the embed is
a link to the drawing's page saying so, and an ``excalidraw-unexported`` warning tells what to turn
on.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from generator.frontmatter import printable

if TYPE_CHECKING:
    from generator.model import Note, SourceFile
    from generator.render import RenderContext

#: What the plugin's export beside a drawing is called, in the order tried.
EXPORTS = (".svg", ".png", ".light.svg", ".light.png", ".dark.svg", ".dark.png")


def is_drawing_note(note: Note) -> bool:
    return note.rel.lower().endswith(".excalidraw.md") or "excalidraw-plugin" in note.meta


def is_drawing_name(name: str) -> bool:
    return name.lower().endswith((".excalidraw", ".excalidraw.md"))


def _stems(rel: str) -> list[str]:
    """``a/D.excalidraw.md`` -> ``a/D.excalidraw``; ``a/D.excalidraw`` (old format) -> it, and
    ``a/D``; a note of another name (``a/D.md`` with ``excalidraw-plugin:``) -> ``a/D``."""
    low = rel.lower()
    if low.endswith(".md"):
        return [rel[:-3]]
    if low.endswith(".excalidraw"):
        return [rel, rel[: -len(".excalidraw")]]
    return [rel]


def find_export(ctx: RenderContext, written: str, rooted: bool) -> SourceFile | None:
    """The picture exported beside a drawing: ``written`` is its vault path (``rooted``) or, for
    a drawing not in the vault, the name as the embed wrote it."""
    for stem in _stems(written):
        for suffix in EXPORTS:
            res = ctx._resolve(("/" if rooted else "") + stem + suffix)
            if res.kind == "attachment" and res.attachment is not None:
                return res.attachment
    return None


def _label(rel: str) -> str:
    name = posixpath.basename(rel)
    for ending in (".excalidraw.md", ".excalidraw", ".md"):
        if name.lower().endswith(ending):
            return printable(name[: -len(ending)])
    return printable(name)


def picture(ctx: RenderContext, export: SourceFile, label: str, spec: str | None = None) -> str:
    from generator.imagesize import image_size, sized_attrs
    from generator.render import _size_spec, esc

    src = ctx.href_to_attachment(export)
    _alt, width, height = _size_spec(spec)  # ``|400`` / ``|400x300`` / ``|alias|400``
    # its own size (or the one asked for, in its shape), as every embedded picture has it
    attrs = sized_attrs(image_size(export.abs), width, height)
    kind = "embed-image excalidraw-embed" + (" " + attrs.pop("class") if "class" in attrs else "")
    dims = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
    return f'<img class="{kind}" src="{esc(src)}" alt="{esc(label)}"{dims} loading="lazy">'


def embed_drawing(ctx: RenderContext, note: Note | None, att: SourceFile | None, target: str,
                  meta: dict[str, Any]) -> str | None:
    """The HTML of ``![[target]]`` naming a drawing (the note, the old-format file, or neither:
    only its export may be there); None when there is nothing to show (a missing drawing with
    no export stays an unresolved embed)."""
    from generator.render import esc

    rel = note.rel if note is not None else att.rel if att is not None else None
    export = find_export(ctx, rel if rel is not None else target, rel is not None)
    label = _label(rel or target)
    if export is not None:
        return picture(ctx, export, label, meta.get("alias"))
    if rel is None:
        return None
    ctx.warn("excalidraw-unexported", f"the Excalidraw drawing {rel} has no picture exported "
             f"beside it ({_stems(rel)[0]}.svg or .png), so the page links to it instead",
             meta.get("line", 0), meta.get("col", 0),
             hint="turn on Auto-export SVG in the Excalidraw plugin's settings and open the "
                  "drawing once, or export it by hand")
    href = ctx.href_to_note(note) if note is not None else ctx.href_to_attachment(att)
    return (f'<a class="internal-link excalidraw-unexported" href="{esc(href)}">{esc(label)} '
            '<span class="embed-status">(Excalidraw drawing, no exported picture)</span></a>')


def page_picture(ctx: RenderContext, note: Note) -> str:
    """What a drawing's own page shows above its text: the exported picture, or a line saying
    there is none."""
    export = find_export(ctx, note.rel, True)
    if export is not None:
        return f'<p class="excalidraw-drawing">{picture(ctx, export, _label(note.rel))}</p>\n'
    return ('<p class="excalidraw-unexported">An Excalidraw drawing: no picture of it was exported '
            "beside it, so only its text is shown here.</p>\n")
