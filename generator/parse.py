"""Parse one note: decode, front-matter, one markdown-it parse, one token walk.

Parsing is vault-blind (no look-ups across notes), so it can run in parallel and be cached by the
content digest of the file.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
import html as html_lib
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token

from generator.config import SiteConfig, date_hint
from generator.diagnostics import Diagnostic, info, warning
from generator.frontmatter import (
    MEANWHILE,
    PlaceFinder,
    as_alias_list,
    as_string_list,
    decode,
    front_matter_place,
    header_date,
    is_published,
    name_date,
    near_miss,
    parse_date,
    parse_yaml,
    printable,
    value_place,
    yaml_quoted,
)
from generator.markdown._util import alt_size, field_key_text, plain_text
from generator.markdown._util import walk as walk_tokens
from generator.markdown.links import srcset_candidates
from generator.markdown.math import formula_text
from generator.markdown.sanitize import TRUSTED, dropped_parts
from generator.markdown.tags import MAX_TAG_DEPTH, cap_depth, front_matter_tag
from generator.markdown.wikilinks import IN_LINK
from generator.model import BlockRef, Heading, LinkRef, Note, NoteId, SourceFile
from generator.obsidian_uri import is_obsidian_uri
from generator.slugs import Anchors, anchor_id, block_anchor, tag_key, unique_anchor
from generator.urls import local_parts

_md: MarkdownIt | None = None
SUMMARY_CHARS = 280
PLAIN_TEXT_CHARS = 20000
_ANY_CASE_KEYS = frozenset({"tags", "tag", "aliases", "alias", "cssclasses", "cssclass"})
_HEADER_LINE = re.compile(r"^\s*[A-Za-z][\w ]{0,20}:\s")
#: A sentence's end in a line's value: ``Cleaned data: [[Data]]. Then…`` is prose, not a header.
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def markdown() -> MarkdownIt:
    global _md
    if _md is None:
        from generator.markdown import make_markdown

        _md = make_markdown()
    return _md


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def parse_note(src: SourceFile, cfg: SiteConfig, data: bytes | None = None) -> Note:
    """Everything one note says about itself.  Never raises for bad content: it reports."""
    rel = src.rel
    diags: list[Diagnostic] = []
    if data is None:
        data = src.abs.read_bytes()
    text, dd = decode(data, rel)
    diags += dd
    note_id = NoteId(rel[:-3] if rel.lower().endswith(".md") else rel)
    env: dict[str, Any] = {}
    try:
        tokens = markdown().parse(text, env)
    except Exception as exc:  # a parser bug must not lose the note
        diags.append(warning("parse-failed", f"could not parse the note ({exc}); shown as text",
                             rel, 1, 1, hint="please report this note to vaultsite"))
        tok = Token("fence", "code", 0)
        tok.content, tok.info, tok.map = text, "", [0, text.count("\n") + 1]
        tokens = [tok]
    meta: dict[str, Any] = {}
    broken_yaml = None
    fm_text = ""
    body_start = 0
    if tokens and tokens[0].type == "front_matter":
        fm = tokens[0]
        meta, dd = parse_yaml(fm.content, rel, 2)
        for key in list(meta):  # Obsidian reads these keys in any case (``Tags:``, ``ALIASES:``)
            low = key.casefold()
            if low != key and low in _ANY_CASE_KEYS and low not in meta:
                meta[low] = meta[key]
        fm_text = fm.content
        diags += dd
        broken_yaml = fm.content if dd else None
        body_start = fm.map[1] if fm.map else 0
    elif (miss := near_miss(text)) is not None:
        # ``--- `` or ``----``: Obsidian shows it as text and reads no property; so does the
        # site, and says so (a ``publish: false`` line in it still keeps the note out)
        at, problem, broken_yaml = miss
        diags.append(warning("frontmatter-yaml", f"this is not front-matter for Obsidian: {problem}; "
                             "it is shown as text and its properties are not read", rel, at + 1, 1,
                             hint="write the line as three dashes, ---, with nothing after them"))
    walk = _Walk(rel, tokens, text)
    walk.run()
    diags += walk.diagnostics

    title = meta.get("title")
    # a title is text (a number or a date reads as written); a list, a mapping or a blank is none
    title = (title.isoformat() if isinstance(title, dt.date) else str(title)).strip() \
        if isinstance(title, (str, int, float, dt.date)) and not isinstance(title, bool) else ""
    if not title and (notion := _NOTION_ID_NAME.fullmatch(note_id.rsplit("/", 1)[-1])):
        diags.append(info(
            "notion-id-name", f"the file name ends in Notion's page id ({notion[2][:8]}…), which "
            "the page's title, the navigation and search show, as Obsidian shows the file name",
            rel, hint=f"rename the note in Obsidian to '{notion[1]}' (Obsidian updates the links "
            "to it), or import the Notion export with Obsidian's Importer, which names pages by "
            "their titles"))
    title = _link_texts(title) or printable(note_id.rsplit("/", 1)[-1])
    fm_tags, dd = _front_matter_tags(meta, fm_text, rel)
    diags += dd
    tags = _dedupe(fm_tags + walk.tags)
    aliases = tuple(as_alias_list(meta.get("aliases")))
    diags += _deprecated_keys(meta, fm_text, rel)
    diags += _unquoted_links(meta, fm_text, rel)
    diags += _paired_items(meta, fm_text, rel)
    date = None
    for key in _date_keys(meta):
        date = parse_date(meta[key], cfg.header_date_formats)
        if date is None:
            line, col = value_place(fm_text.split("\n"), key, meta[key], 2)
            diags.append(warning("date-format", f"cannot read the date {_as_written(meta[key])}",
                                 rel, line, col, hint=date_hint(cfg.header_date_formats)))
        break
    if date is None:  # header lines (``DATE: 11-04-25``), under any front-matter without a date
        lines = text.split("\n")[body_start: body_start + 40]
        date, dd = header_date(lines, cfg.header_date_formats, rel, body_start + 1)
        diags += dd
    if date is None:  # a daily note: its name is its date
        date = name_date(note_id, cfg.daily_note_format)
    publish = is_published(meta, broken_yaml)
    if not publish and broken_yaml is not None:
        # the YAML's own warning says the note is published meanwhile: here it is not (its fix,
        # ``aliases: ["Kal'thar"]``, stays)
        diags = [dataclasses.replace(d, hint=d.hint.removesuffix(MEANWHILE))
                 if d.code == "frontmatter-yaml" and d.hint else d for d in diags]
        diags.append(warning("frontmatter-yaml", "the note is left out: its front-matter marks it "
                             "as not published, although "
                             + ("the YAML is not valid" if fm_text else "Obsidian does not read it"),
                             rel, 2 if fm_text else 1, 1,
                             hint="fix the YAML" if fm_text else "write its lines as exactly ---"))
    description = meta.get("description")
    # text (a number reads as written; a list or a mapping is none, as for the title); a
    # %%comment%% is gone from every output file, the page's meta description included
    description = _link_texts(re.sub(r"%%.*?%%", "", str(description))).strip() or None \
        if isinstance(description, (str, int, float)) and not isinstance(description, bool) else None
    permalink = meta.get("permalink")
    permalink = str(permalink).strip() if permalink else None
    last_line = text.count("\n") + 1
    headings = tuple(_close_sections(walk.headings, last_line))
    if walk.fences:
        from generator.execute.cells import other_engines

        diags.extend(other_engines(walk.fences, rel))
    note = Note(
        source=src, id=note_id, title=title, text=text, meta=meta, aliases=aliases,
        tags=tuple(tags), date=date, description=description, permalink=permalink,
        publish=publish, links=tuple(walk.links), headings=headings, blocks=tuple(walk.blocks),
        tokens=tokens, diagnostics=tuple(diags),
        summary=description or _summary(walk.paragraphs, walk.mathy, walk.gaps),
        listing_summary="" if description or walk.shown_paragraphs == walk.paragraphs
        else _summary(walk.shown_paragraphs, walk.mathy, walk.gaps),
        plain_text=_cut(" ".join(walk.text), PLAIN_TEXT_CHARS), fields=tuple(walk.fields),
        logseq_ids=tuple(walk.logseq_ids),
        html_refs=tuple(walk.html_refs), blank=shows_nothing(tokens),
    )
    note.cells = tuple(_find_cells(note, walk.fences, cfg))
    note.__dict__["_defs"] = _definitions_of(env)
    return note


def shows_nothing(tokens: list[Token]) -> bool:
    """Whether tokens of a note (or of its part) show nothing on a page: none, or its properties
    alone (a comment leaves no token).  An embed of them reads "Note (empty)"."""
    return all(tok.type == "front_matter" for tok in tokens)


#: An embed whose words on the page depend on the vault, in a note's ``plain_text`` (between two
#: ``EMBED_MARK``, its fields split by ``_FIELD``: what it names, its heading or block, the words
#: shown when that is missing or is a note not published, and where it stands (``IN_LINK_TEXT``,
#: ``IN_TEXT`` or "") with the words it shows there); ``search_text`` replaces it.
#: Reading a note replaces control characters, so no note's text holds either.
EMBED_MARK, _FIELD = "\x1a", "\x1f"
#: Where an embed stands, when not alone: in a link's text (``[![[Note]]](url)``: a note or a
#: file there is the link's words), or in a paragraph's text (``See ![[notes.txt]] here``: a
#: note there is a link)
IN_LINK_TEXT, IN_TEXT = "link", "text"


def _embed_mark(target: str, part: str, missing: str, unpublished: str, meta: dict[str, Any],
                placed: str) -> str:
    place = IN_LINK_TEXT if meta.get(IN_LINK) else IN_TEXT if meta.get("inline") else ""
    fields = (target, part, missing, unpublished, place, placed if place else "")
    return EMBED_MARK + _FIELD.join(fields) + EMBED_MARK


def _cut(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters of its own, the embed marks among them kept whole."""
    if EMBED_MARK not in text:
        return text[:limit]
    pieces = text.split(EMBED_MARK)  # text, mark, text, mark, …
    out, left = [], limit
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(EMBED_MARK + piece + EMBED_MARK)
            continue
        out.append(piece[:left])
        left -= len(out[-1])
        if left <= 0:
            break
    return "".join(out)


def search_text(note: Note, shown) -> str:
    """The note's ``plain_text`` as its page reads: each embed mark replaced by ``shown(target,
    part, missing, unpublished, place, placed)``, the words its page shows for that embed ("" for a picture or
    a note shown whole), the name of a missing note's embed or the alias of an unpublished one's,
    as the page shows them, and never a word of an unpublished note itself."""
    text = note.plain_text
    if EMBED_MARK not in text:
        return text
    pieces = text.split(EMBED_MARK)
    for i in range(1, len(pieces), 2):
        pieces[i] = shown(*pieces[i].split(_FIELD))
    return "".join(pieces)[:PLAIN_TEXT_CHARS]


def _with_marks(parts: list[str], marks: list[tuple[int, str]]) -> str:
    """``parts`` joined, each mark before the part at its index."""
    out: list[str] = []
    k = 0
    for i, part in enumerate(parts):
        while k < len(marks) and marks[k][0] == i:
            out.append(marks[k][1])
            k += 1
        out.append(part)
    out.extend(mark for _, mark in marks[k:])
    return "".join(out)


_PROPERTY_LINK = re.compile(r"!?\[\[([^\[\]\n]+)\]\]")


def _link_texts(text: str) -> str:
    """A text property as Obsidian shows it: each ``[[link]]`` in it as the link's text
    (``[[B|the b note]]`` as "the b note", ``[[B#H]]`` as "B > H")."""
    if "[[" not in text:
        return text
    from generator.markdown import display_text, split_wikilink

    return _PROPERTY_LINK.sub(lambda m: display_text(split_wikilink(m.group(1))), text)


def _date_keys(meta: dict[str, Any]) -> list[str]:
    """The front-matter keys that date a note, first the one to read: ``date`` before
    ``created``, in any case (``DATE: 11-04-25`` is the header line the user's notes begin with);
    a key with no value, or a blank one (a template's empty field), dates nothing."""
    found: dict[str, str] = {}
    for key, value in meta.items():
        name = key.strip().casefold()
        if name in ("date", "created") and name not in found and value is not None \
                and not (isinstance(value, str) and not value.strip()):
            found[name] = key
    return [found[name] for name in ("date", "created") if name in found]


def _as_written(value: Any) -> str:
    """A front-matter value quoted in a message as the note writes it (``'someday'``,
    ``[2025-04-11]``), not in Python's notation."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_as_written(v).strip("'") for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_as_written(v).strip(chr(39))}" for k, v in value.items()) + "}"
    return str(value)


def _definitions_of(env: dict[str, Any]) -> tuple[dict[str, Any], tuple[tuple[int, int], ...]]:
    """What a parse's ``env`` says about the note's definitions: its link reference definitions
    (``[d]: url``, as markdown-it keeps them) and the lines of its top-level footnote definitions."""
    return (dict(env.get("references") or {}),
            tuple(sorted(set((env.get("footnote_lines") or {}).values()))))


def definitions(note: Note) -> tuple[dict[str, Any], tuple[tuple[int, int], ...]]:
    """The note's reference definitions and footnote definition lines, which ``parse_note``
    collects (and a note read from an older cache gets from a parse of its text): the same in
    every process, so a section renders alike wherever it is rendered."""
    defs = note.__dict__.get("_defs")
    if defs is None:
        env: dict[str, Any] = {}
        try:
            markdown().parse(note.text, env)
        except Exception:
            env = {}
        defs = note.__dict__["_defs"] = _definitions_of(env)
    return defs


def _find_cells(note: Note, fences: list[tuple[int, Token]], cfg: SiteConfig) -> list[Any]:
    if not fences:
        return []
    from generator.execute import find_cells
    from generator.execute_bridge import exec_config

    return find_cells(note.meta, fences, exec_config(cfg), note.rel)


#: Keys Obsidian read as tags, aliases and CSS classes until 1.9; now plain properties there.
_DEPRECATED_KEYS = {"tag": "tags", "alias": "aliases", "cssclass": "cssclasses"}


def _deprecated_keys(meta: dict[str, Any], fm_text: str, rel: str) -> list[Diagnostic]:
    """A ``property-deprecated`` warning at each ``tag:``/``alias:``/``cssclass:`` key: Obsidian
    1.9 and later read them as plain properties, so vaultsite does too, and says so."""
    diags: list[Diagnostic] = []
    for old, new in _DEPRECATED_KEYS.items():
        if old in meta:
            line, col = value_place(fm_text.split("\n"), old, None, 2)
            diags.append(warning(
                "property-deprecated", f"'{old}' is a plain property since Obsidian 1.9, not its "
                f"{new}: the note does not get them", rel, line, col,
                hint=f"rename the key to '{new}' (Obsidian's Format converter renames it in "
                     "every note)"))
    return diags


#: ``[[Name]]`` as a key's value or a list item, with no quote before it
_UNQUOTED_LINK = re.compile(r"(?:^|[:-])[ \t]+(\[\[([^\[\]\n]+)\]\])")


def _unquoted_links(meta: dict[str, Any], fm_text: str, rel: str) -> list[Diagnostic]:
    """A ``property-link-unquoted`` warning at each ``[[Name]]`` written in the front-matter
    without quotes (``up: [[Home]]``, ``- [[Jane Smith]]``): YAML reads it as a list holding a
    list of one name, not a link, and Obsidian, whose help asks for links in properties to be
    quoted, shows none either.  Only a name the front-matter writes so counts (``[[1, 2]]`` is a
    matrix, ``[[7]]`` a number)."""
    nested = [(key, item[0][0]) for key, value in meta.items() if isinstance(value, list)
              # ``up: [[Home]]`` is [["Home"]]; ``- [[Jane Smith]]`` in a list, an item so
              for item in (value, *value)
              if isinstance(item, list) and len(item) == 1 and isinstance(item[0], list)
              and len(item[0]) == 1 and isinstance(item[0][0], str) and item[0][0].strip()]
    if not nested:
        return []
    places: dict[str, tuple[int, int]] = {}
    for i, line in enumerate(fm_text.split("\n")):
        if "[[" in line:
            for m in _UNQUOTED_LINK.finditer(line):
                places.setdefault(m.group(2).strip(), (i + 2, m.start(1) + 1))
    diags: list[Diagnostic] = []
    for key, name in nested:
        place = places.pop(name.strip(), None)
        if place is not None:
            written = f"[[{name}]]"
            diags.append(warning(
                "property-link-unquoted", f"the property {key!r} holds {written} without quotes, "
                "which YAML reads as a list inside a list, not a link (Obsidian too)", rel, *place,
                hint=f'write it in quotes: "{written}"'))
    return diags


#: The properties whose items are names, with what one is called in a warning
_NAME_LISTS = {"aliases": "alias", "tags": "tag", "cssclasses": "class"}


def _paired_items(meta: dict[str, Any], fm_text: str, rel: str) -> list[Diagnostic]:
    """A ``frontmatter-yaml`` warning at each item of ``aliases``, ``tags`` or ``cssclasses``
    that YAML read as a key and its value, a ``: `` left unquoted (``- Smith (2020): A Review``,
    ``[topic: attention]``): valid YAML, but no text, so no alias, tag or class, in Obsidian
    too; the note's other names are read."""
    diags: list[Diagnostic] = []
    lines: list[str] | None = None
    for key, what in _NAME_LISTS.items():
        value = meta.get(key)
        for item in value if isinstance(value, list) else ():
            if not (isinstance(item, dict) and len(item) == 1):
                continue
            (name, rest), = item.items()
            if isinstance(rest, (dict, list)):
                continue
            written = f"{name}: {'' if rest is None else rest}".rstrip()
            if lines is None:
                lines = fm_text.split("\n")
            line, col = 1, 1
            for i, text in enumerate(lines):
                at = text.find(f"{name}:")
                while at > 0 and text[:at].rstrip()[-1:] not in ("-", "[", ","):
                    at = text.find(f"{name}:", at + 1)  # not inside a quoted item before it
                if at > 0:
                    line, col = i + 2, at + 1
                    break
            diags.append(warning(
                "frontmatter-yaml", f"the {key} item {written!r} holds ': ', which YAML reads "
                f"as a key and its value, not as text, so it is no {what}", rel, line, col,
                hint=f"write it in quotes: {yaml_quoted(written)}"))
    return diags


def tag_too_deep(tag: str, depth: int, rel: str, line: int, col: int = 0) -> Diagnostic:
    return warning("tag-too-deep", f"a tag {depth} levels deep is cut to its first "
                   f"{MAX_TAG_DEPTH} levels: #{tag[:60]}{'…' if len(tag) > 60 else ''}",
                   rel, line, col, hint=f"nest tags at most {MAX_TAG_DEPTH} levels deep")


def _front_matter_tags(meta: dict[str, Any], fm_text: str,
                       rel: str) -> tuple[list[str], list[Diagnostic]]:
    """The tags of the ``tags`` property that are tags by Obsidian's rules, and a ``tag-invalid``
    warning, on the line where it is written, for each one that is not."""
    key = "tags"
    tags: list[str] = []
    diags: list[Diagnostic] = []
    lines: PlaceFinder | None = None  # looked at only for a warning
    for raw in as_string_list(meta.get(key)):
        tag, problem, better = front_matter_tag(raw)
        depth = 0
        if tag:
            tag, depth = cap_depth(tag)
            tags.append(tag)
        if problem is None and depth <= MAX_TAG_DEPTH:
            continue
        if lines is None:
            lines = PlaceFinder(fm_text.split("\n"))
        line, col = value_place(lines, key, raw, 2) if fm_text else (1, 1)
        if depth > MAX_TAG_DEPTH:
            diags.append(tag_too_deep(tag, depth, rel, line, col))
            if problem is None:
                continue
        if tag:
            message, hint = f"tag {raw!r} {problem}; read as #{tag}", f"write it as {better}"
        else:
            message = f"{raw!r} in the {key} property is not a tag: it {problem}"
            hint = (f"write it as {better}" if better else "add a letter, as in v5 or 5-stars"
                    if raw.strip().lstrip("#").isdigit() else "tags need a letter")
            hint += " (Obsidian's tags have no spaces and at least one non-digit)"
        diags.append(warning("tag-invalid", message, rel, line, col, hint=hint))
    if "#" in fm_text:
        diags += _commented_tags(fm_text, key, rel)
    return tags, diags


_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_COMMENT_TAG = re.compile(r"(?:^|[ \t])(#[^\s#]+)")


def _commented_tags(fm_text: str, key: str, rel: str) -> list[Diagnostic]:
    """``tags: #a`` or ``- #a`` under ``tags:``: YAML reads a ``#`` after a space as a comment, so
    the tag is not there (in Obsidian either); say so at its line."""
    lines = fm_text.split("\n")
    place = front_matter_place(lines, key)
    if place is None:
        return []
    out = []
    for i in range(place[0], len(lines)):
        if i > place[0] and lines[i][:1] not in (" ", "\t", "-", ""):
            break  # the next key
        start = lines[i].index(":") + 1 if i == place[0] else 0
        m = _COMMENT_TAG.search(_QUOTED.sub(lambda q: "_" * len(q.group()), lines[i][start:]))
        if m:
            tag = m.group(1)
            out.append(warning(
                "tag-invalid", f"{tag} in the {key} property is a YAML comment, not a tag: YAML "
                "reads a # after a space as the start of a comment", rel, 2 + i, start + m.start(1) + 1,
                hint=f"write it in quotes (\"{tag}\") or without the # ({tag[1:]})"))
    return out


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = tag_key(item)  # one spelling of each tag (or alias), as Obsidian lowers them
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


#: Blocks whose text a summary leaves out (besides code, raw HTML and headings): the paragraphs on
#: either side of one are joined with an ellipsis, not run together as one sentence.
_SKIPPED_BLOCKS = frozenset({"table_open", "math_block", "math_block_eqno", "hr", "embeds_open"})
#: What joins two paragraphs of a summary that a left-out block stood between.
_ELIDED = " … "
#: What joins a paragraph (or list item) that ends without punctuation to the next one, which
#: would otherwise read as the same sentence ("runs sequentially foo() has to complete").
_JOIN = " · "
_RUNS_ON = re.compile(r"[^\W_][)\]\"'`”’]*$|[)\]\"'`”’]$")


def _summary(paragraphs: list[str], mathy: list[bool] | None = None,
             gaps: list[bool] | None = None) -> str:
    """The first prose of a note, for listings, cards and the meta description.  Header lines at
    its top (``DATE: 11-04-25``, ``Tags: python``) and bare web addresses (a paragraph of them, or the
    ones a paragraph starts with: a list of references) are left out;
    a paragraph written around LaTeX (``with $Q \\in \\mathbb{R}^{n}$``) reads as markup in
    plain text, so it is left out too, and ends the summary once it has prose (which would
    otherwise jump over it).  Only when nothing else is left are such paragraphs shown, their
    math as written between ``$``.  Where a block left out (code, a table, a heading, a line of
    web addresses: ``gaps``) stood between two paragraphs, they are joined with an ellipsis: "Run
    it once: … The result is" rather than one sentence running into the next."""
    mathy = mathy or [False] * len(paragraphs)
    gaps = gaps or [False] * len(paragraphs)
    kept: list[tuple[str, bool, bool]] = []  # (text, mathy, after a gap)
    gap = False
    for para, m, g in zip(paragraphs, mathy, gaps, strict=False):
        gap = gap or g
        if not kept and _is_header_line(para):
            continue  # "DATE: 11-04-25" at the top (later, "Note: ..." is prose)
        if "://" not in para:
            kept.append((para, m, gap))
        elif _WORDS.search(_URL.sub("", para)):  # not a line of web addresses
            kept.append((_LEADING_URLS.sub("", para), m, gap))
        else:
            gap = True
            continue
        gap = False
        if len(kept) == 6:
            break
    out = _joined(kept, skip_mathy=True) or _joined(kept, skip_mathy=False)
    if len(out) > SUMMARY_CHARS:
        out = out[:SUMMARY_CHARS].rsplit(" ", 1)[0].removesuffix(_ELIDED.rstrip()) + "…"
    return out


def _is_header_line(para: str) -> bool:
    """Whether a paragraph is header lines (``DATE: 11-04-25``, ``Tags: python``): short lines of
    a key and a value, none of which ends a sentence, as ``Cleaned data: [[Data]]. Questions…``,
    the way a daily note begins, does."""
    lines = para.split("\n")
    return len(para) < 80 * len(lines) and all(
        _HEADER_LINE.match(line) and not _SENTENCE_END.search(line.split(":", 1)[1])
        for line in lines)


def _joined(kept: list[tuple[str, bool, bool]], skip_mathy: bool) -> str:
    """The paragraphs ``kept`` in a row, up to ``SUMMARY_CHARS``; with ``skip_mathy``, those
    written around LaTeX are left out, and end it once it has text."""
    out = ""
    gap = False
    for para, mathy, after_gap in kept:
        gap = gap or after_gap
        if mathy and skip_mathy:
            if out:
                break
            continue
        if out:
            out = (out + (_ELIDED if gap else _JOIN if _RUNS_ON.search(out) else " ") + para).strip()
        else:
            out = para.strip()
        gap = False
        if len(out) >= SUMMARY_CHARS:
            break
    return out


_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_LEADING_URLS = re.compile(r"^(?:\s*[a-z][a-z0-9+.-]*://\S+)+\s*", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]")
#: Inline math that reads as text: ``$h$``, ``$n = 3$``, ``$x^2$`` (no commands, no braces).
_PLAIN_MATH = re.compile(r"[A-Za-z0-9 +\-=<>.,()'_^/*]{1,16}")


def _with_math(parts: list[str], maths: list[tuple[int, str]]) -> tuple[list[str], bool]:
    """An inline's pieces with its math as a summary shows it: plain math as its text, other
    math as written between ``$``; and whether there was any of the latter."""
    if not maths:
        return parts, False
    parts = list(parts)
    latex = False
    for i, source in maths:
        source = source.strip()
        if _PLAIN_MATH.fullmatch(source):
            parts[i] = source
        else:
            parts[i] = f"${source}$"
            latex = True
    return parts, latex


def _with_code_spans(parts: list[str], code_spans: list[tuple[int, str]]) -> str:
    """An inline's text with its code spans kept as code (`` `x` ``), for a summary: a listing
    shows "links look like `[[UID]]`", not a bare "[[UID]]" that reads as a link ("" when it has
    none)."""
    if not code_spans:
        return ""
    parts = list(parts)
    for i, code in code_spans:
        fence = "`" * (_longest_backtick_run(code) + 1)
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        parts[i] = f"{fence}{pad}{code}{pad}{fence}"
    return "".join(parts)


def _longest_backtick_run(text: str) -> int:
    runs = re.findall(r"`+", text)
    return max((len(r) for r in runs), default=0)


def _close_sections(headings: list[Heading], last_line: int) -> list[Heading]:
    out = []
    for i, h in enumerate(headings):
        end = last_line
        for nxt in headings[i + 1:]:
            if nxt.level <= h.level:
                end = nxt.line - 1
                break
        out.append(Heading(h.level, h.text, h.anchor, h.line, end, h.source))
    return out


def _is_local(href: str) -> bool:
    """A link into the vault: ``Note.md``, ``../x.png``, ``/from/the/root.md`` or ``#Heading`` (of
    this note), not ``https://…``, ``mailto:…`` or ``//host/…``."""
    if not href or href == "#" or href.startswith("//") or urlsplit(href).path == "/":
        return False  # "/" is the site's home page (render), not a file of the vault
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc


def _as_browser_reads(raw: str) -> str:
    """An attribute's address as a browser reads it: every character reference decoded (one that
    names no character, such as ``&#14;``, is dropped), and, as its URL parser does, controls and
    spaces at the ends and tabs and line ends anywhere left out.  ``&#14;javascript:…`` is a
    script, not a note named ``&`` (the sanitiser has removed it from the page)."""
    return re.sub(r"[\t\n\r]", "", html_lib.unescape(raw)).strip("".join(map(chr, range(33))))


#: a Notion export's page name, ``Project Plan 5fc25157650d0cb24f02216d904584df``: its title, a space
#: and the page's id, 32 lower-case hex digits
_NOTION_ID_NAME = re.compile(r"(.*\S) ([0-9a-f]{32})")
#: ``#　見出し``: one to six ``#`` and a full-width space (U+3000) before text (a heading meant)
_WIDE_HEADING = re.compile("(#{1,6}\u3000)[\u3000 \t]*[^\\s#]")
#: Logseq's reference to a block by its id, ``((6571a2b3-1c2d-4e5f-8a9b-0c1d2e3f4a5b))``, also
#: in its embed ``{{embed ((…))}}``: not Obsidian syntax, shown as written
_LOGSEQ_ID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)
LOGSEQ_REF = re.compile(rf"(\{{\{{embed\s*)?\(\(({_LOGSEQ_ID.pattern})\)\)", re.IGNORECASE)
# as the wikilink rule reads them: a single ``]`` does not end one, a ``[…]`` is part of the name
_WIKILINK_TEXT = re.compile(r"!?\[\[(?:[^\[\]\n]|\[[^\[\]\n]*\]|\](?!\]))+\]\]")
#: a Markdown link or picture as CommonMark reads one, ``[text](Design%209f8e.md "title")``: its
#: text may hold ``[…]``, its address ``<…>`` or balanced parentheses (``a_(b)``); not a
#: ``[[wikilink]]``, not ``[x] (y)``
_MARKDOWN_LINK_TEXT = re.compile(
    r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]"
    r"\((?:<[^<>\n]*>|[^()\s<]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\)")
_LITERAL_HTML = re.compile(r"<!--.*?(?:-->|$)|<(pre|code|script|style|textarea)\b.*?(?:</\1\s*>|$)",
                           re.S | re.I)
_BACKTICK_RUN = re.compile(r"`+")


def _without_code_spans(text: str) -> str:
    """``text`` with its backtick code spans as CommonMark reads them (a run of backticks closed by
    the next run as long) blanked, in an HTML block's text: Obsidian shows them as written there,
    but the writer meant code, not a link.  Each run's closer is looked up among the runs of its
    length, so that a block of runs that close nothing costs no more than its length."""
    runs = [(m.start(), m.end()) for m in _BACKTICK_RUN.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for i, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(i)
    out, i = [], 0
    done = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_length[end - start]
        k = bisect.bisect_right(same, i)
        if k == len(same):
            i += 1
            continue
        closer = runs[same[k]][1]
        out.append(text[done:start] + " " * (closer - start))
        done, i = closer, same[k] + 1
    return "".join(out) + text[done:]


# A local address in raw HTML, where pages resolve one (``sanitize._localise``): the ``href`` or
# ``src`` of an ``<a>``, ``<img>``, ``<video>``, ``<audio>`` or ``<source>``.
_HTML_URL = re.compile(r"""<(a|img|video|audio|source)\b[^>]*?\s(href|src)\s*=\s*"""
                       r"""(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


# A raw ``<img>``'s or ``<source>``'s ``srcset``: each candidate's address is one as ``src`` is.
_HTML_SRCSET = re.compile(r"""<(img|source)\b[^>]*?\ssrcset\s*=\s*"""
                          r"""(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


def _html_addresses(html: str) -> list[tuple[re.Match, str, int, bool]]:
    """The addresses written in raw HTML's tags that pages resolve (``sanitize._localise``): for
    each, the tag's match, the address as written, where it starts in ``html``, and whether it is
    a picture's (``src``, a ``srcset`` candidate) rather than a link's ``href``."""
    found = []
    for m in _HTML_URL.finditer(html):
        group = next(g for g in (3, 4, 5) if m.group(g) is not None)
        found.append((m, m.group(group), m.start(group), m.group(2).lower() == "src"))
    if "srcset" in html.lower():
        for m in _HTML_SRCSET.finditer(html):
            group = next(g for g in (2, 3, 4) if m.group(g) is not None)
            found.extend((m, url, m.start(group) + at, True)
                         for at, url, _d in srcset_candidates(m.group(group)))
    return found


class _HtmlText(HTMLParser):
    """The text a reader sees in a raw HTML block (for the search index): its character data,
    entities decoded, without comments and without what the sanitiser drops whole (scripts and
    styles)."""

    _HIDDEN = frozenset(("script", "style"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and not data.isspace():
            self.parts.append(data.strip())


def html_block_text(html: str) -> str:
    """The visible text of a raw HTML block, its pieces joined by spaces."""
    reader = _HtmlText()
    # ``<![`` opens no marked section on the page (the sanitizer shows it as text), and Python's
    # parser raises on an unknown one (``<![C x`` in a ``<div>`` block lost the whole note)
    try:
        reader.feed(html.replace("<![", "&lt;!["))
        reader.close()
    except Exception:  # noqa: BLE001 - any other malformed markup: the text read so far
        pass
    return " ".join(reader.parts)


class _Walk:
    """One pass over the tokens collecting links, headings, block ids, tags and text."""

    def __init__(self, rel: str, tokens: list[Token], text: str = ""):
        self.rel = rel
        self.tokens = tokens
        self._text = text
        self.links: list[LinkRef] = []
        self.headings: list[Heading] = []
        self.blocks: list[BlockRef] = []
        self._block_ids: dict[str, BlockRef] = {}  # by case-folded id: the first of each
        self.tags: list[str] = []
        self.text: list[str] = []
        self.paragraphs: list[str] = []
        self.shown_paragraphs: list[str] = []  # the same with code spans as `code`
        self.mathy: list[bool] = []  # whether each of them is written around LaTeX
        #: whether a block a summary leaves out (code, a table, math, a heading, an embed…)
        #: stands between each paragraph and the one before it
        self.gaps: list[bool] = []
        self._gap = False
        self.fences: list[tuple[int, Token]] = []
        self.fields: list[tuple[str, str | None]] = []
        self.logseq_ids: list[tuple[str, int]] = []  # Note.logseq_ids
        self.html_refs: list[LinkRef] = []
        self.diagnostics: list[Diagnostic] = []
        self._anchors = Anchors()
        self._html_after: dict[int, int] = {}  # ``_html_place``: by line, where to look next

    @functools.cached_property
    def text_lines(self) -> list[str]:
        """The note's lines, split when a warning needs one (rarely: not for every note)."""
        return self._text.split("\n") if self._text else []

    def run(self) -> None:
        tokens = self.tokens
        in_heading: Token | None = None
        in_para = False
        for i, tok in enumerate(tokens):
            ttype = tok.type
            if tok.meta and tok.meta.get("block_id") and tok.map:
                self._block(tok)
            if ttype == "heading_open":
                in_heading = tok
                self._gap = True
            elif ttype == "heading_close":
                in_heading = None
            elif ttype == "paragraph_open":
                in_para = True
            elif ttype in _SKIPPED_BLOCKS:
                self._gap = True
                if ttype == "math_block":  # found by search, as Obsidian finds what a formula says
                    self.text.append(formula_text(tok.content))
            elif ttype == "paragraph_close":
                in_para = False
            elif ttype == "html_block":
                self._gap = True
                if "[[" in tok.content:
                    self._links_in_html(tok)
                if "<" in tok.content:  # its words are found by search, as Obsidian finds them
                    self._html_dropped(tok.content, tok.map[0] if tok.map else 0)
                    self._html_urls(tok.content, tok.map[0] if tok.map else 0)
                    text = html_block_text(tok.content)
                    if text:
                        self.text.append(text)
            elif ttype == "fence" or ttype == "code_block":
                self._gap = True
                self.text.append(tok.content)
                if ttype == "fence":
                    self.fences.append((i, tok))
            elif ttype == "inline":
                if in_para and "\u3000" in tok.content:
                    self._wide_headings(tok)
                plain, parts, code_spans, maths = self._inline(tok)
                if in_heading is not None:
                    self._heading(in_heading, plain, tok.content)
                elif in_para and len(self.paragraphs) < 10:
                    parts, latex = _with_math(parts, maths)
                    self.paragraphs.append("".join(parts))
                    self.shown_paragraphs.append(_with_code_spans(parts, code_spans)
                                                 or self.paragraphs[-1])
                    self.mathy.append(latex)
                    self.gaps.append(self._gap)
                    self._gap = False

    def _wide_headings(self, inline: Token) -> None:
        """``#　見出し``: an East Asian input method's full-width space (U+3000) after the ``#`` of a
        heading.  Obsidian reads no heading there (nor a tag): the line is a paragraph's, as here,
        though the writer meant a heading.  Each such line of a paragraph (its text as written
        from the line's start: not in code, which is no text) is told at its ``#``."""
        first = inline.map[0] if inline.map else 0
        line, start, text = first, True, ""
        for child in [*(inline.children or ()), None]:
            if child is not None and child.type == "text" and (start or text):
                text += child.content
                start = False
                continue
            m = _WIDE_HEADING.match(text)
            if m is not None:
                # its line: counted by the line breaks, else the next of the paragraph that holds
                # it (a code span over two lines has no break)
                rows, needle = self.text_lines, text[:m.end()]
                last = min(inline.map[1] if inline.map else line + 1, len(rows))
                line = next((k for k in range(line, last) if needle in rows[k]), line)
                col = rows[line].find(needle) if line < len(rows) else -1
                level = len(m.group(1)) - 1
                self.diagnostics.append(warning(
                    "heading-wide-space", f"'{'#' * level}' is followed by a full-width space "
                    "(U+3000, as an input method types it), so this line is not a heading (nor a "
                    "tag) in Obsidian, nor here", self.rel, line + 1, col + 1 if col >= 0 else 1,
                    hint=f"type an ASCII space after the '{'#' * level}' (turn the input method "
                         "off for it) to make it a heading"))
            text = ""
            start = child is not None and child.type in ("softbreak", "hardbreak")
            if start:
                line += 1

    def _links_in_html(self, tok: Token) -> None:
        """``<div>see [[Note]]</div>``: Obsidian renders no Markdown inside an HTML block, and
        neither does the site, so the link shows as written; say so at each one."""
        first = tok.map[0] if tok.map else 0
        # not in an HTML comment or code, where a literal [[…]] is what was meant
        content = _LITERAL_HTML.sub(lambda m: " " * len(m.group()), tok.content)
        if "`" in content:  # nor in `backticks`, which the writer meant as code
            content = _without_code_spans(content)
        found = list(_WIKILINK_TEXT.finditer(content))
        # Notion's callouts, ``<aside>`` with the text on the next line, hold its Markdown links
        bare = _WIKILINK_TEXT.sub(lambda m: " " * len(m.group()), content) if found else content
        found += _MARKDOWN_LINK_TEXT.finditer(bare) if "](" in bare else ()
        for m in sorted(found, key=lambda m: m.start()):
            line = first + tok.content.count("\n", 0, m.start())
            row = self.text_lines[line] if line < len(self.text_lines) else ""
            col = max(row.find(m.group()), 0) + 1
            picture = m.group().startswith("![") and not m.group().startswith("![[")
            markdown = not m.group().lstrip("!").startswith("[[")
            tag = '<img src="pic.png">' if picture else '<a href="Note.md">'
            self.diagnostics.append(warning(
                "link-in-html", f"{m.group()} is inside an HTML block, where Obsidian renders no "
                "Markdown: the page shows it as written", self.rel, line + 1, col,
                hint=f"move the {'picture' if picture else 'link'} out of the HTML element, leave "
                     f"a blank line after its opening tag, or write it as {tag}"
                     + (" (a Markdown link's address as it is)" if markdown else "")))

    def _html_dropped(self, html: str, first: int, last: int | None = None) -> None:
        """What the sanitiser leaves out of a raw HTML piece starting on 0-based line ``first``
        (an inline piece is looked for up to line ``last``): one ``html-sanitised`` warning,
        at the first thing left out, naming each."""
        lost = dropped_parts(html)
        if not lost:
            return
        offset = lost[0][0]
        lines = self.text_lines
        if last is None:  # a block: its lines are the note's, from ``first``
            line = first + html.count("\n", 0, offset)
            start = html.rfind("\n", 0, offset) + 1
            row = lines[line] if line < len(lines) else ""
            found = row.find(html[start:offset + 1])
            col = found + (offset - start) + 1 if found >= 0 else 1
        else:  # an inline tag: the first line of its paragraph (or cell) that holds it
            line, col = first, 1
            tag = html[offset:html.find(">", offset) + 1 or len(html)].split("\n", 1)[0]
            for k in range(first, min(last, len(lines))):
                found = lines[k].find(tag)
                if found >= 0:
                    line, col = k, found + 1
                    break
        what = list(dict.fromkeys(desc for _, desc in lost))
        self.diagnostics.append(warning(
            "html-sanitised", "raw HTML left out of the page: " + ", ".join(what)
            + "; pages keep only HTML that cannot run code, load anything or restyle the site",
            self.rel, line + 1, col,
            hint="remove it; to show it as written, put it in `code` or write \\< for <"))

    def _html_urls(self, html: str, first: int, last: int | None = None) -> None:
        """The local addresses of a raw HTML piece starting on 0-based line ``first`` (an inline
        piece is looked for up to line ``last``), as ``html_refs``: not in an HTML comment or code,
        not a web address or a ``#fragment`` of the page."""
        if "=" not in html:
            return
        html = _LITERAL_HTML.sub(lambda m: " " * len(m.group()), html)
        lines = self.text_lines
        for m, raw, start, src in _html_addresses(html):
            url = unescapeAll(raw).strip()
            if not url or url.startswith("#") or is_obsidian_uri(url) or not _is_local(url) \
                    or not _is_local(_as_browser_reads(raw)):
                continue
            # looked for on the note's line: the tag up to its address (from the line's start
            # when the tag began on an earlier one), not the address alone, which an earlier
            # Markdown link or an equal tag before it on the line may hold too
            piece = max(m.start(), html.rfind("\n", 0, start) + 1)
            needle = html[piece:start + len(raw)]
            if last is None:  # a block: its lines are the note's, from ``first``
                line = first + html.count("\n", 0, start)
                col = self._html_place(line, needle)
            else:  # an inline tag: the first line of its paragraph (or cell) that holds it
                line, col = first, -1
                for k in range(first, min(last, len(lines))):
                    col = self._html_place(k, needle)
                    if col >= 0:
                        line = k
                        break
            col = col + start - piece if col >= 0 else 0
            self.html_refs.append(_local_ref(url, src, line + 1, col + 1))

    def _html_place(self, line: int, needle: str) -> int:
        """The 0-based column of ``needle`` on the note's 0-based ``line``, after the raw HTML
        addresses already found there (two equal tags on a line are two places); -1 if absent."""
        row = self.text_lines[line] if line < len(self.text_lines) else ""
        after = self._html_after.get(line, 0)
        col = row.find(needle, after)
        if col < 0:
            col = row.find(needle)
        if col >= 0:
            self._html_after[line] = col + 1
        return col

    def _block(self, tok: Token) -> None:
        """A block id.  The same id again (in any case, as links match it) is not one: links go to
        the first, as in Obsidian, and a second ``id="^dup"`` would make the page's ids clash."""
        block_id = tok.meta["block_id"]
        key = block_id.casefold()
        first = self._block_ids.get(key)
        if first is None:
            self.blocks.append(BlockRef(block_id, tok.map[0] + 1, tok.map[1]))
            self._block_ids[key] = self.blocks[-1]
            return
        del tok.meta["block_id"]
        if tok.attrs.get("id") == block_anchor(block_id):
            del tok.attrs["id"]
        self.diagnostics.append(warning(
            "block-id-duplicate", f"block id ^{block_id} is already used on line "
            f"{first.start_line}; links to it go there", self.rel, *self._id_place(tok, block_id),
            hint=f"rename one of them (^{block_id}-2) and update the links that mean this one"))

    def _id_place(self, tok: Token, block_id: str) -> tuple[int, int]:
        """The 1-based line and column where ``^id`` is written in the block opened by ``tok``."""
        first, end = tok.map
        # within the block (``text ^id``), else on a line of its own after it
        for k in [*range(end - 1, first - 1, -1), end, end + 1]:
            if 0 <= k < len(self.text_lines) and "^" + block_id in self.text_lines[k]:
                return k + 1, self.text_lines[k].rindex("^" + block_id) + 1
        return first + 1, 1

    def _heading(self, open_tok: Token, plain: str, source: str) -> None:
        if open_tok.level:
            return  # in a callout, quote or list item: not a heading of the note (nor a section end)
        anchor = open_tok.attrGet("id")
        if not anchor:
            anchor = unique_anchor(anchor_id(plain), self._anchors)
            open_tok.attrSet("id", anchor)
        else:
            self._anchors.add(str(anchor).casefold())
        line = (open_tok.map[0] + 1) if open_tok.map else 0
        self.headings.append(Heading(int(open_tok.tag[1]), plain.strip(), str(anchor), line,
                                     source=source.strip()))

    def _inline(self, inline: Token) -> tuple[str, list[str], list[tuple[int, str]],
                                              list[tuple[int, str]]]:
        """The text a reader sees in an inline token, its pieces, and where among them its code
        spans and its math are ((index, source)); the links and tags met are collected on the
        way."""
        base_line = (inline.map[0] + 1) if inline.map else 0
        parts: list[str] = []
        code_spans: list[tuple[int, str]] = []
        maths: list[tuple[int, str]] = []
        marks: list[tuple[int, str]] = []  # (index in parts, embed mark): words for the search
        if "::" in inline.content:
            self._fields(inline.children or [], base_line)
        for child in inline.children or ():
            ctype = child.type
            if ctype == "code_inline":
                code_spans.append((len(parts), child.content))
                parts.append(child.content)
            elif ctype in ("text", "kanban_date"):
                parts.append(child.content)
                if "((" in child.content:
                    self._logseq_refs(child.content, inline)
            elif ctype in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif ctype == "inline_field_open":
                if child.meta.get("wrapping") != "(":
                    parts.append(field_key_text(child.meta))
            elif ctype in ("wikilink", "embed"):
                m = child.meta
                line = m.get("line", base_line - 1) + 1
                col = m.get("col", -1) + 1
                self.links.append(LinkRef(
                    target=m.get("target", ""), anchor=tuple(m.get("anchor") or ()),
                    block=m.get("block"), alias=m.get("alias"), embed=ctype == "embed",
                    line=line, col=col))
                if ctype == "wikilink":  # what the page shows: "Note > Heading", "Heading"
                    parts.append(child.content)
                elif not is_obsidian_uri(m.get("target", "")):
                    # as the page shows it when it embeds nothing: what was embedded, without a
                    # size or alias (``render_embed``), or for a note not published, the link text
                    written = str(m.get("raw") or "").removeprefix("![[").removesuffix("]]")
                    block = m.get("block")
                    marks.append((len(parts), _embed_mark(
                        m.get("target", ""), "^" + block if block else "#".join(m.get("anchor") or ()),
                        re.split(r"\\?\|", written, maxsplit=1)[0].strip() or written,
                        child.content, m, child.content)))
            elif ctype == "tag":
                self.tags.append(child.meta.get("tag", child.content))
                if "depth" in child.meta:
                    self._too_deep(child.meta["tag"], child.meta["depth"],
                                   child.meta.get("line", base_line - 1) + 1,
                                   child.meta.get("col", -1) + 1)
                if child.meta.get("empty_level"):
                    tag = child.meta["tag"]
                    self.diagnostics.append(warning(
                        "tag-invalid", f"tag {child.content} has an empty level; read as #{tag}",
                        self.rel, child.meta.get("line", base_line - 1) + 1,
                        child.meta.get("col", -1) + 1, hint=f"write it as #{tag}"))
                parts.append("#" + child.meta.get("tag", child.content))
            elif ctype == "link_open":
                self._md_link(child.attrGet("href"), False, child.meta, base_line)
            elif ctype == "image":
                src = str(child.attrGet("src") or "")
                self._md_link(src, True, child.meta, base_line)
                alt = alt_size(plain_text(child.children))[0]  # the alt as shown (no size)
                url = urlsplit(src)
                if not alt and url.path and _is_local(src) and not src.startswith(("//", "#")):
                    # ``![](Missing.md)`` shows its path, ``![](Draft.md)`` the note's name
                    path, frag = local_parts(src)
                    name = path[:-3] if path.lower().endswith(".md") else path
                    shown = " > ".join([name, *(p for p in frag.split("#") if p)])
                    marks.append((len(parts), _embed_mark(path, frag, path, shown, child.meta, path)))
                parts.append(alt)
            elif ctype == "math_inline":
                maths.append((len(parts), child.content))
                parts.append(child.content)
            elif ctype == "math_inline_double":  # ``$$…$$`` in a line: a display formula
                maths.append((len(parts), formula_text(child.content)))
                parts.append(maths[-1][1])
            elif ctype == "html_inline" and child.content not in TRUSTED:
                first = inline.map[0] if inline.map else 0
                self._html_dropped(child.content, first,
                                   inline.map[1] if inline.map else first + 1)
                self._html_urls(child.content, first, inline.map[1] if inline.map else first + 1)
        plain = "".join(parts)
        self.text.append(_with_marks(parts, marks) if marks else plain)
        return plain, parts, code_spans, maths

    def _logseq_refs(self, text: str, inline: Token) -> None:
        """A ``block-ref-foreign`` warning at each Logseq block reference in ``text`` (a text
        token of ``inline``): Obsidian shows ``((uuid))`` as written, so the page shows an id
        where Logseq showed the block, and the writer has a link to make."""
        first, last = inline.map if inline.map else (0, 1)
        for m in LOGSEQ_REF.finditer(text):
            written, uuid = m.group(), m.group(2)
            line, col = first, -1
            for line in range(first, max(last, first + 1)):
                row = self.text_lines[line] if line < len(self.text_lines) else ""
                col = row.find(written, self._html_after.get(line, 0))
                if col >= 0:
                    self._html_after[line] = col + 1
                    break
            embed = m.group(1) is not None
            shown = f"{{{{embed (({uuid}))}}}}" if embed else written
            self.diagnostics.append(warning(
                "block-ref-foreign", f"{shown} is Logseq's {'embed of' if embed else 'link to'} "
                "a block, which Obsidian shows as written: the page shows the id, not the block",
                self.rel, line + 1, max(col, 0) + 1,
                hint=f"end the block Logseq marks `id:: {uuid}` with ^{uuid}, then write "
                     f"{'!' if embed else ''}[[Its note#^{uuid}]] here"))

    def _fields(self, children: list[Token], line: int) -> None:
        """The Dataview inline fields among ``children`` (of an inline token from 1-based
        ``line``): (key, value text or None); and the ids Logseq gives blocks, ``id:: uuid`` on
        a line of its own after the block's text."""
        for i, child in enumerate(children):
            if child.type != "inline_field_open":
                continue
            depth, j = 1, i + 1
            while j < len(children) and depth:
                depth += children[j].type == "inline_field_open"
                depth -= children[j].type == "inline_field_close"
                j += 1
            value = children[i + 1:j - 1]
            text = "".join(t.content for t in value) \
                if all(t.type == "text" for t in value) else None
            self.fields.append((child.meta["key"], text))
            if text and child.meta["key"].casefold() == "id" and _LOGSEQ_ID.fullmatch(text.strip()):
                breaks = sum(t.type in ("softbreak", "hardbreak") for t in children[:i])
                if breaks and children[i - 1].type in ("softbreak", "hardbreak"):
                    self.logseq_ids.append((text.strip().casefold(), line + breaks))

    def _too_deep(self, tag: str, depth: int, line: int, col: int) -> None:
        self.diagnostics.append(tag_too_deep(tag, depth, self.rel, line, col))

    def _md_link(self, href: Any, embed: bool, meta: dict, base_line: int) -> None:
        href = str(href or "")
        line = meta.get("line", base_line - 1) + 1
        col = meta.get("col", -1) + 1
        if not embed and is_obsidian_uri(href):  # the index knows the vault's name
            self.links.append(LinkRef(target=href, line=line, col=col, kind="obsidian"))
            return
        if not _is_local(href):
            return
        self.links.append(_local_ref(href, embed, line, col))


def _local_ref(href: str, embed: bool, line: int, col: int) -> LinkRef:
    """The link a local address makes (``Other%20Note.md#Part``, ``pic.png``), written in Markdown
    or in raw HTML: its path, and its fragment as a heading path or a ``^block``."""
    path, frag = local_parts(href)
    block = frag[1:] if frag.startswith("^") else None
    anchor = tuple(p for p in frag.split("#") if p) if frag and not block else ()
    return LinkRef(target=path, anchor=anchor, block=block, embed=embed,
                   line=line, col=col, kind="markdown")


def tokens_for(note: Note) -> list[Token]:
    """The note's tokens, parsed again when they were dropped to cross a process boundary."""
    if not note.tokens:
        env: dict[str, Any] = {}
        try:
            tokens = markdown().parse(note.text, env)
            note.__dict__.setdefault("_defs", _definitions_of(env))
        except Exception:
            tok = Token("fence", "code", 0)
            tok.content, tok.info, tok.map = note.text, "", [0, note.text.count("\n") + 1]
            tokens = [tok]
        _Walk(note.rel, tokens).run()  # gives headings the same ids as the first parse
        note.tokens = tokens
    return note.tokens


def without_tokens(note: Note) -> Note:
    """A copy that is cheap to send to another process (``tokens_for`` restores the tokens)."""
    import dataclasses

    copy = dataclasses.replace(note, tokens=[])
    if "_defs" in note.__dict__:
        copy.__dict__["_defs"] = note.__dict__["_defs"]
    return copy


def section_tokens(note: Note, start_line: int, end_line: int) -> list[Token]:
    """Tokens of lines ``start_line``..``end_line`` (1-based, inclusive) of a note, parsed alone.

    Embedding a section needs only its lines, which is much cheaper than parsing the whole note again
    in a process that does not hold its tokens.  The lines are padded so that token positions stay
    file positions.  Used for every section embed, so the result never depends on which process
    renders the page.  The note's definitions are part of the section: its reference links resolve
    (``[x][d]`` with ``[d]: url`` elsewhere in the note) and the footnotes it refers to are listed
    at its end (the lines of the note's footnote definitions are parsed with it, in their place).
    """
    cache = note.__dict__.setdefault("_sections", {})
    key = (start_line, end_line)
    if key not in cache:
        sliced = _section_slice(note, start_line, end_line)
        if sliced is not None:
            cache[key] = sliced
            return sliced
        references, footnotes = definitions(note)
        all_lines = note.__dict__.get("_lines")
        if all_lines is None:  # once per note, not per section: a long note has many sections
            all_lines = note.__dict__["_lines"] = note.text.split("\n")
        spans = [(start_line - 1, end_line)]
        spans += [(first, end) for first, end in footnotes
                  if end <= start_line - 1 or first >= end_line]  # not already in the section
        # only those lines, a blank line between two apart (the lines between would be blank,
        # and blank lines padding the section out to its place made each embed of a late
        # section cost the whole note): positions are moved back to the file's after the parse
        lines: list[str] = []
        where: list[int] = []  # the file line of each line parsed
        for first, end in sorted(spans):
            if where and first > where[-1] + 1:
                lines.append("")
                where.append(where[-1] + 1)
            lines += all_lines[first:end]
            where += range(first, end)
        text = "\n".join(lines) + "\n"
        try:
            tokens = markdown().parse(text, {"references": dict(references)})
        except Exception:
            tokens = []
        _to_file_lines(tokens, where)
        _Walk(note.rel, tokens).run()
        cache[key] = tokens
    return cache[key]


def _section_slice(note: Note, start_line: int, end_line: int) -> list[Token] | None:
    """The tokens of a section taken from the note's own, in a process that holds them, when they
    are the tokens a parse of the section's lines alone gives (``section_tokens``); else None.

    A section starts at a top-level heading, which ends any block before it, and here it must end
    where a top-level block ends: the block parse of its lines is then the note's.  What a parse
    reads beyond a block is left to the parse of the lines: footnotes (numbered note-wide, their
    definitions anywhere), ``%%`` comments (they span blocks), HTML (balanced note-wide), the
    properties that change how the body reads (a Kanban board's, an Excalidraw drawing's), and
    carriage returns (line breaks that ``str.split("\n")`` does not count)."""
    tokens = note.tokens
    if not tokens:
        return None
    tops = note.__dict__.get("_tops")
    if tops is None:
        tops = note.__dict__["_tops"] = _top_starts(note, tokens)
    starts, last = tops
    i = starts.get(start_line - 1)
    if i is None or tokens[i].type != "heading_open":
        return None
    j = i
    while j < len(tokens):
        tok = tokens[j]
        if tok.level == 0 and tok.nesting >= 0:  # a top-level block starts
            if not tok.map:
                return None
            if tok.map[0] >= end_line:
                break
            top = j
            if tok.map[1] > end_line:  # it runs past the section's end
                return None
        j += 1
    if end_line >= last and tokens[top].type not in _ENDS_ALIKE:
        return None
    return tokens[i:j]


#: Blocks that end alike whether a line break and blank lines follow them or not: the last block of
#: a note's last section may be followed by one more (``_top_starts``), which a fence left open
#: (or one in a list) would hold
_ENDS_ALIKE = frozenset({"paragraph_open", "heading_open", "hr", "table_open"})


def _top_starts(note: Note, tokens: list[Token]) -> tuple[dict[int, int], int]:
    """Where each top-level block of a note's tokens starts, by its first line (0-based), none
    when its sections are not to be taken from them (``_section_slice``); and the line (1-based)
    that a section ending at the note's end reaches (a parse of its lines adds a line break)."""
    text = note.text
    last = text.count("\n") + 1
    if "%%" in text or "<" in text or "\r" in text:
        return {}, last
    head = tokens[0]
    if head.type == "front_matter" and ("kanban-plugin" in head.content
                                        or "excalidraw-plugin" in head.content):
        return {}, last
    starts: dict[int, int] = {}
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.nesting >= 0:
            if tok.type.startswith("footnote"):
                return {}, last
            if tok.map:
                starts.setdefault(tok.map[0], i)
    return starts, last


def _to_file_lines(tokens: list[Token], where: list[int]) -> None:
    """Turn the line positions of tokens parsed from some lines of a note (``where``: the file
    line of each) into the note's own: block maps and the ``line`` of positioned tokens."""
    end = (where[-1] + 1) if where else 0

    def moved(line: int) -> int:
        return where[line] if 0 <= line < len(where) else end

    seen: set[int] = set()
    for tok in walk_tokens(tokens):
        if id(tok) in seen:  # a token in two places (an inline footnote's body) moves once
            continue
        seen.add(id(tok))
        if tok.map:
            tok.map = [moved(tok.map[0]), moved(tok.map[1])]
        if tok.meta and "line" in tok.meta:
            tok.meta["line"] = moved(tok.meta["line"])
