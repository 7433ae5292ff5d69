"""Jinja2 environment, page contexts and page rendering for the default theme.

The renderer builds one :class:`PageContext` per page and calls :func:`render_page`.  This module
never reads the vault and never writes files.

API
===

``make_environment(template_dirs: list[Path], vault: Path | None) -> jinja2.Environment``
    ``template_dirs`` are searched first (a vault's ``_templates/`` override folder; with ``vault``,
    only its templates that are files of the vault, not links out of it), then the
    default theme (``templates/`` of a source checkout, or ``generator/templates`` in a wheel).
    Autoescape is on and undefined names raise (``StrictUndefined``).

``render_page(env, ctx: PageContext, site: SiteInfo, nav: tuple[NavNode, ...], problems) -> str``
    Renders the template named after ``ctx.kind``: ``note.html``, ``tag.html``, ``folder.html``,
    ``index.html``, ``graph.html`` or ``404.html``.  All of them extend ``base.html``.

``build_nav(entries, folder_urls=None) -> tuple[NavNode, ...]``
    Builds the explorer tree once per build from ``(vault_folder, title, url)`` triples.

URLs and hrefs
--------------
* ``PageContext.url``, ``NavNode.url`` and ``SiteInfo.extra_css`` are *site-relative* URLs, not
  percent-encoded (``Notes/Café-notes.html``).  The nav tree is shared by every page, so it can be
  built once; templates turn such URLs into hrefs with the ``href`` filter (``root`` + quoted url).
* Every other ``href`` in a context (``LinkItem``, ``TocItem``, ``TagItem``, ``Crumb``) is already
  page-relative and is written as given.
* ``PageContext.root`` is the relative prefix from the page to the site root (``""``, ``"../"``).
* ``content_html`` (and ``LinkItem.description``) are trusted HTML produced by the renderer;
  everything else is text and is escaped.

Template context
----------------
Every template receives ``page`` (the PageContext), ``site`` (SiteInfo), ``explorer`` (the
explorer tree as this page shows it, as markup: see :func:`explorer_html`), ``assets`` (dict
of hrefs: ``css``, ``icon``, ``js``, ``graph_js``, ``site_js``, ``extra_css`` list), ``root`` (same as
``page.root``), ``content`` (the body as markup, without a leading ``<h1>`` that repeats the
title), ``title_id`` (the id of that dropped heading, carried by the page title), ``show_title``
(false on a home page whose note opens with its own ``<h1>`` and has no front-matter ``title``:
that heading is then ``heading``,
markup for the page header, and not in ``content``), ``body_tags`` (the hrefs of the tag links
the body shows, so a header can leave those out) and ``graph_depth``.  Globals: ``listing_items``
(a listing's entries, see below) and ``memoize`` (a macro made once per arguments: the theme's
icons, the same on every page).

Which fields each template uses:

* ``note.html``: title, date, tags, aliases, breadcrumbs, content, toc, backlinks, url (local graph).
* ``tag.html`` / ``folder.html`` (both extend ``listing.html``): title, description, breadcrumbs,
  folders (sub-folders or child tags), listing, optional content.
* ``index.html``: content (the home note), recent, listing, tags.
* ``graph.html``: title; listing (every note, the graph's alternative for keyboard and screen readers).
* ``404.html``: title, optional content.

Static files (``templates/static/`` -> ``_assets/``): ``style.css`` (theme, light/dark, print),
``vaultsite.js`` (theme toggle, explorer, table of contents, search, hover previews; loads
``graph.js`` when a graph nears the screen) and ``graph.js`` (canvas force layout).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

import generator
from generator.diagnostics import Diagnostic, warning
from generator.model import file_stamp
from generator.site import date_text

PageKind = Literal["note", "tag", "folder", "index", "graph", "404", "canvas"]

# Above this many explorer entries, a page shows only the folders on its own path expanded.
NAV_FULL_LIMIT = 400
# In a pruned explorer, at most this many entries of one folder are listed.
NAV_FOLDER_LIMIT = 25


@dataclass(frozen=True)
class SiteInfo:
    title: str
    lang: str = "en"
    description: str = ""
    base_url: str | None = None  # absolute URL of the published site, for canonical/og tags
    extra_css: tuple[str, ...] = ()  # site-relative stylesheets added after the theme's own
    graph_depth: int = 1  # default depth of the local graph
    graph_tags: bool = False  # show tags as nodes in graphs by default
    home_url: str = "index.html"  # site-relative URL of the home page
    graph_url: str = "graph.html"  # site-relative URL of the global graph page
    date_format: str = ""  # how dates are shown (``format_date``); "" = "11 Apr 2025"


@dataclass(frozen=True)
class NavNode:
    """One explorer entry.  ``url`` is site-relative (None for a folder without a page)."""

    name: str
    url: str | None = None
    children: tuple[NavNode, ...] = ()
    is_folder: bool = False
    path: str = ""  # vault folder path of a folder node ("Notes/Python"), "" for notes


@dataclass(frozen=True)
class LinkItem:
    title: str
    href: str
    folder: str = ""
    date: _dt.date | str | None = None
    description: str = ""  # plain text (escaped)


@dataclass(frozen=True)
class TocItem:
    level: int
    text: str
    href: str  # "#anchor"


@dataclass
class TocNode:
    """An outline entry and the deeper headings under it (``toc_tree``)."""
    item: TocItem
    children: list[TocNode] = field(default_factory=list)


def toc_tree(items: Sequence[TocItem]) -> list[TocNode]:
    """The outline as nested lists: each heading holds the deeper ones after it, up to the next of
    its level or above, so that a screen reader tells a section's subsections as a list inside it
    (as the indentation shows them); a first heading deeper than a later one stays beside it."""
    out: list[TocNode] = []
    stack: list[tuple[int, list[TocNode]]] = []
    for item in items:
        while stack and stack[-1][0] >= item.level:
            stack.pop()
        node = TocNode(item)
        (stack[-1][1] if stack else out).append(node)
        stack.append((item.level, node.children))
    return out


@dataclass(frozen=True)
class TagItem:
    name: str  # without "#"
    href: str
    count: int = 0


@dataclass(frozen=True)
class Crumb:
    name: str
    href: str | None = None


@dataclass(frozen=True)
class PageContext:
    kind: PageKind
    title: str
    url: str  # site-relative URL of this page
    root: str = ""  # relative prefix to the site root, "" or "../../"
    source: str | None = None  # vault path of a note ("Notes/Python.md"), None for other pages
    content_html: str = ""
    date: _dt.date | str | None = None
    description: str = ""
    tags: tuple[TagItem, ...] = ()
    aliases: tuple[str, ...] = ()
    toc: tuple[TocItem, ...] = ()
    backlinks: tuple[LinkItem, ...] = ()
    breadcrumbs: tuple[Crumb, ...] = ()
    listing: tuple[LinkItem, ...] = ()  # notes of a tag/folder page; notes on the index page
    folders: tuple[LinkItem, ...] = ()  # sub-folders (folder pages) or child tags (tag pages)
    recent: tuple[LinkItem, ...] = ()  # recent notes (index page)
    canonical: str | None = None  # absolute URL
    og_image: str | None = None  # absolute URL
    edit_url: str | None = None
    graph_depth: int | None = None  # overrides SiteInfo.graph_depth for this page
    css_classes: tuple[str, ...] = ()  # the note's ``cssclasses``, on its <article> as in Obsidian
    titled: bool = False  # home page: its note has a front-matter ``title``, shown over its heading
    site_roots: tuple[str, ...] = ()  # 404 page: the site's top-level folders (finding the root)
    extra: Mapping[str, object] = field(default_factory=dict)  # free slot for user templates


ASSET_FILES = ("style.css", "vaultsite.js", "graph.js")


def default_template_dir() -> Path:
    pkg = Path(generator.__file__).parent
    installed = pkg / "templates"
    return installed if installed.is_dir() else pkg.parent / "templates"


def make_environment(template_dirs: Sequence[Path] = (),
                     vault: Path | None = None) -> jinja2.Environment:
    """The Jinja environment for these template folders (user overrides first, then the theme).

    With ``vault``, a user's template whose file is outside it (a symbolic link out of the vault,
    which the vault walk reports as not published) is none: the theme's is used.
    One per set of folders and process: ``serve`` rebuilds reuse compiled templates, and Jinja
    recompiles a template whose file changed (it checks modification times).
    """
    search = [str(p) for p in template_dirs if Path(p).is_dir()]
    search.append(str(default_template_dir()))
    return _environment(tuple(search), str(Path(vault).resolve()) if vault is not None else None)


def template_home(vault: Path, folder: Path) -> Path:
    """What a user's template files must be files of: the vault, or the template folder itself
    when vaultsite.toml puts it outside the vault (``templates_dir = "../theme"``).  A symbolic
    link out of it is not published (the vault walk reports it so)."""
    vault, folder = Path(vault).resolve(), Path(folder).resolve()
    return vault if folder.is_relative_to(vault) else folder


class _Templates(jinja2.FileSystemLoader):
    """Template folders whose files need not be UTF-8: one saved in another encoding is read as a
    note is (``template_syntax_warnings`` says so), where Jinja's own loader raised
    UnicodeDecodeError and the build stopped."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        # up to date while the file is the same one (inode, change time, size and time): a
        # template put in place of another with the same time (``cp -p``) is read again by
        # ``serve``, whose environment outlives a build; Jinja's own check is the time alone
        try:
            source, filename, _ = super().get_source(environment, template)
            return source, filename, _unchanged(Path(filename))
        except UnicodeDecodeError:
            pass
        from generator.frontmatter import decode

        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if path.is_file():
                check = _unchanged(path)
                return decode(path.read_bytes(), "")[0], str(path), check
        raise jinja2.TemplateNotFound(template)


def _stamp(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return file_stamp(st)


def _unchanged(path: Path) -> Any:
    """Jinja's ``uptodate`` for the template file at ``path`` as it is now."""
    stamp = _stamp(path)
    return lambda: stamp is not None and _stamp(path) == stamp


class _VaultTemplates(_Templates):
    """A user's template folder whose templates must be files of the vault."""

    def __init__(self, folder: str, vault: str):
        super().__init__(folder)
        self.vault = Path(vault)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.vault):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


@functools.lru_cache(maxsize=8)
def _environment(search: tuple[str, ...], vault: str | None = None) -> jinja2.Environment:
    loader: jinja2.BaseLoader = _Templates(list(search))
    if vault is not None and len(search) > 1:
        loader = jinja2.ChoiceLoader([*(_VaultTemplates(folder, vault) for folder in search[:-1]),
                                      jinja2.FileSystemLoader(search[-1])])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = _href_filter
    env.filters["isodate"] = _isodate
    env.filters["humandate"] = _humandate
    env.filters["codespans"] = codespans
    env.filters["toc_tree"] = toc_tree
    env.globals["listing_items"] = listing_items
    env.globals["memoize"] = memoize
    return env


# Above this many argument lists, a memoized macro is called as it is, its calls no longer kept.
_MEMO_LIMIT = 256


def memoize(macro: Any) -> Any:
    """``macro`` made once per distinct arguments (``{% set icon = memoize(_icon) %}``), for a macro
    whose markup depends on its arguments alone: every page shows the theme's same six icons, and
    a macro call costs about 10 µs.  Arguments other than plain strings (markup, which a macro
    writes unescaped where it would escape the same text; a ``caller``) call it as it is."""
    made: dict[tuple, Any] = {}

    @jinja2.pass_eval_context  # as a macro is: a template passes it, Python code may not
    def call(*args: Any, **kwargs: Any) -> Any:
        given = args[1:] if args and isinstance(args[0], jinja2.nodes.EvalContext) else args
        if not all(type(a) is str for a in (*given, *kwargs.values())):
            return macro(*args, **kwargs)
        key = (args[0].autoescape if given is not args else None, given, tuple(kwargs.items()))
        hit = made.get(key)
        if hit is None:
            hit = macro(*args, **kwargs)
            if len(made) < _MEMO_LIMIT:
                made[key] = hit
        return hit

    return call


def site_href(root: str, url: str) -> str:
    """Page-relative href of a site-relative URL."""
    return root + quote(url, safe="/#")


# The hrefs of the theme's links and assets, the same from every page at one folder depth.
_page_href = functools.lru_cache(maxsize=4096)(site_href)


@jinja2.pass_context
def _href_filter(context: jinja2.runtime.Context, url: str) -> str:
    root = context["root"]
    if type(url) is str and type(root) is str:
        return _page_href(root, url)
    return site_href(root, url)


_isodate = date_text  # one definition of how a date is written in data and pages


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@jinja2.pass_environment
def _humandate(env: jinja2.Environment, value: _dt.date | str | None, fmt: str | None = None) -> str:
    """``date|humandate``: in the site's ``date_display`` format, which ``render_page`` leaves in
    the environment (macros imported without context see no ``site``, and a user's own
    ``macros.html`` must keep working)."""
    return format_date(value, env.globals.get(_DATE_FORMAT, "") if fmt is None else fmt)


_DATE_FORMAT = "vaultsite_date_format"


def format_date(value: _dt.date | str | None, fmt: str = "") -> str:
    """A date as pages show it: ``11 Apr 2025`` by default, or in ``fmt`` (``date_display``),
    whose directives are strftime's but the same on every machine (``strftime("%b")`` follows
    the locale): ``%Y %y %m %d %-m %-d %e %b %B %a %A %j %%``; anything else is kept as written.
    Cheap, as listings call it once per item on every page."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        return str(value)
    if not fmt:
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    values = _directives(value)
    return _DIRECTIVE.sub(lambda m: values.get(m.group(0), m.group(0)), fmt)


_DIRECTIVE = re.compile(r"%-?[A-Za-z%]")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _directives(d: _dt.date) -> dict[str, str]:
    """What each ``date_display`` directive writes for ``d``."""
    return {
        "%Y": f"{d.year:04d}", "%y": f"{d.year % 100:02d}", "%m": f"{d.month:02d}",
        "%d": f"{d.day:02d}", "%-m": str(d.month), "%-d": str(d.day), "%e": f"{d.day:2d}",
        "%b": _MONTHS[d.month - 1], "%B": _MONTH_NAMES[d.month - 1],
        "%a": _DAYS[d.weekday()][:3], "%A": _DAYS[d.weekday()],
        "%j": f"{d.timetuple().tm_yday:03d}", "%%": "%",
    }


def render_page(
    env: jinja2.Environment, ctx: PageContext, site: SiteInfo, nav: Sequence[NavNode] = (),
    problems: list[BaseException] | None = None,
) -> str:
    """The page of ``ctx``.  With ``problems``, a failure of the user's own templates (a syntax
    error, an undefined name) is appended there and the page is rendered by the default theme
    instead: one bad template must not stop the site."""
    if problems is None:
        return _render_page(env, ctx, site, nav)
    try:
        return _render_page(env, ctx, site, nav)
    except Exception as exc:  # noqa: BLE001 - any error raised by a template
        default = make_environment()
        if env is default:
            raise
        problems.append(exc)
        return _render_page(default, ctx, site, nav)


def template_problem(exc: BaseException, vault: Path) -> tuple[str | None, int, str]:
    """Where a template error happened (the template file relative to ``vault`` when it is there,
    else its name; and the line) and what it says."""
    import traceback

    where, line = None, 0
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where, line = exc.filename or exc.name, exc.lineno or 0
    else:
        # Jinja maps template frames to their lines; the deepest frame in the user's own
        # templates is the one to fix (a theme template it calls may be where it broke)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
        own = [f for f in frames if Path(f.filename).resolve().is_relative_to(vault.resolve())]
        if own or frames:
            where, line = (own or frames)[-1].filename, (own or frames)[-1].lineno or 0
    if where is not None:
        try:
            where = Path(where).resolve().relative_to(vault.resolve()).as_posix()
        except ValueError:
            where = Path(where).name
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return where, line, f"{type(exc).__name__}: {message}"


def template_warning(exc: BaseException, vault: Path, templates_dir: str) -> Diagnostic:
    """The ``template-error`` warning for a failed user template, worded alike by ``build`` (which
    fell back to the theme) and ``check`` (which only compiles the templates)."""
    where, line, message = template_problem(exc, vault)
    return warning("template-error", f"template failed ({message}); its pages are made with the "
                   "default theme instead", where, line, 1 if line else 0,
                   hint=f"fix the template in {templates_dir}/, or remove it")


def template_syntax_warnings(cfg: Any) -> list[Diagnostic]:
    """The syntax errors of every user template, used by a page or not (``build`` and ``check``
    report the same ones), and a ``templates_dir`` of vaultsite.toml that is no folder."""
    from generator.config import CONFIG_NAME, folder_path_hint, key_place

    folder = cfg.vault / cfg.templates_dir
    if cfg.templates_dir != "_templates" and not folder.is_dir() and cfg.config_file is not None:
        try:
            line, col = key_place(cfg.config_file.read_text(encoding="utf-8-sig"), "templates_dir")
        except (OSError, UnicodeError):
            line, col = 0, 0
        # read from the vault folder, as a mount's path is (an absolute one, or ../theme, may be
        # outside the vault: the user's own choice, never published)
        return [warning("template-error", f"templates_dir = {cfg.templates_dir!r} is not a folder; "
                        "pages are made with the default theme", CONFIG_NAME, line, col,
                        hint=f"create the folder, or fix the path ({folder_path_hint(cfg.templates_dir)})")]
    return [*_encoding_warnings(folder, cfg.vault),
            *(template_warning(exc, cfg.vault, cfg.templates_dir)
              for exc in template_syntax_problems(folder, cfg.vault))]


def _encoding_warnings(folder: Path, vault: Path) -> list[Diagnostic]:
    """An ``encoding`` warning for each user template that is not UTF-8 (it is read all the same,
    as a note would be)."""
    import dataclasses

    from generator.frontmatter import decode

    out = []
    for path in user_templates(folder):
        try:
            data = path.read_bytes()
            data.decode("utf-8")
            continue
        except OSError:
            continue
        except UnicodeDecodeError:
            pass
        try:
            rel = path.resolve().relative_to(Path(vault).resolve()).as_posix()
        except ValueError:
            rel = path.name
        out += [dataclasses.replace(d, span=dataclasses.replace(d.span, path=rel))
                for d in decode(data, "")[1] if d.span]
    return out


_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)


@functools.lru_cache(maxsize=65536, typed=True)  # typed: Markup("<b>") == "<b>" escapes apart
def codespans(text: str) -> Markup:
    """Plain text (a note's summary) escaped, with its `` `code` `` spans as ``<code>``; a lone
    backtick (a summary cut short) stays as it is.  Cached: a note's summary is shown in the
    backlinks of every note it links and in its folder's and tags' listings."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(str(escape(text[pos:m.start()])))
        code = m.group(2)
        if code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        out.append(f"<code>{escape(code)}</code>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


# The entries of ``macros.html``'s ``listing``, as the loop the theme had there writes them: the
# markup of one entry, for items that are not ``LinkItem`` (a user's own), and the reference the
# Python writer below is tested against, byte for byte.
_LISTING_LOOP = (
    "{% for item in items %}\n"
    "<li>\n"
    '  <a class="listing-title" href="{{ item.href }}">{{ item.title }}</a>\n'
    '  {% if item.date %}<time datetime="{{ item.date|isodate }}">{{ item.date|humandate }}</time>'
    "{% endif %}\n"
    '  {% if item.folder %}<span class="listing-folder">{{ item.folder }}</span>{% endif %}\n'
    '  {% if item.description %}<p class="listing-description">'
    '{{ item.description|truncate(160, False, "…", 10)|codespans }}</p>{% endif %}\n'
    "</li>\n"
    "{% endfor %}\n")

# One entry's HTML by item (the same object: the site builder makes one item per note and folder of
# pages) and date format: a note is listed in the backlinks of every note it links and in its
# folder's and tags' pages, by the same href from every page of a folder.  Each entry holds its
# item, so that an id is never reused while it is here.
_ITEM_HTML: dict[int, tuple[LinkItem, str, str]] = {}
_ITEM_HTML_LIMIT = 1 << 18


@jinja2.pass_environment
def listing_items(env: jinja2.Environment, items: Iterable[Any]) -> Markup:
    """The ``<li>`` entries of a listing (``macros.html``'s ``listing``), written here rather than
    by a loop in the template: every note page lists its backlinks, and tag, folder and graph pages
    list thousands of notes (a Jinja loop cost about 10 µs an entry, the most of a listing page).
    The HTML is the loop's (``_LISTING_LOOP``), which writes items of any other kind."""
    items = tuple(items)
    if not all(type(item) is LinkItem for item in items):
        loop = env.__dict__.get("_vaultsite_listing_loop")
        if loop is None:
            loop = env.__dict__["_vaultsite_listing_loop"] = env.from_string(_LISTING_LOOP)
        return Markup(loop.render(items=items))
    fmt = env.globals.get(_DATE_FORMAT, "")
    cache = _ITEM_HTML
    if len(cache) > _ITEM_HTML_LIMIT:
        cache.clear()
    out = []
    for item in items:
        hit = cache.get(id(item))
        if hit is None or hit[0] is not item or hit[1] != fmt:
            hit = cache[id(item)] = (item, fmt, _listing_item(env, item, fmt))
        out.append(hit[2])
    return Markup("".join(out))


# The part of an entry after its href, by what it shows and the date format: a note's items differ
# by their href alone (one item per folder of pages that list it), and the rest (its title, date,
# folder and summary cut short, escaped) cost most of an entry.  Only for text that is ``str``
# itself: markup of the same text is written unescaped.
_ITEM_TAIL: dict[tuple, str] = {}
_PLAIN_DATES = (type(None), str, _dt.date, _dt.datetime)


def _listing_item(env: jinja2.Environment, item: LinkItem, fmt: str) -> str:
    head = f'<li>\n  <a class="listing-title" href="{escape(item.href)}">'
    title, folder, date, description = item.title, item.folder, item.date, item.description
    if not (type(title) is str and type(folder) is str and type(description) is str
            and type(date) in _PLAIN_DATES):
        return head + _listing_tail(env, item, fmt)
    key = (title, folder, type(date), date, description, fmt)
    tail = _ITEM_TAIL.get(key)
    if tail is None:
        if len(_ITEM_TAIL) > _ITEM_HTML_LIMIT:
            _ITEM_TAIL.clear()
        tail = _ITEM_TAIL[key] = _listing_tail(env, item, fmt)
    return head + tail


def _listing_tail(env: jinja2.Environment, item: LinkItem, fmt: str) -> str:
    parts = [escape(item.title), "</a>\n"]
    if item.date:
        parts += ['<time datetime="', escape(_isodate(item.date)), '">',
                  escape(format_date(item.date, fmt)), "</time>"]
    if item.folder:
        parts += ['<span class="listing-folder">', escape(item.folder), "</span>"]
    if item.description:
        short = jinja2.filters.do_truncate(env, item.description, 160, False, "…", 10)
        parts += ['<p class="listing-description">', codespans(short), "</p>"]
    parts.append("</li>\n")
    return "".join(parts)


def files_below(folder: Path, suffix: str = "") -> list[Path]:
    """The files below ``folder`` whose names end in ``suffix``, sorted as paths, as ``rglob``
    finds them (links to folders are not followed), but only files, and without stopping at a
    folder that cannot be listed (one past the path length limit, or removed meanwhile: the vault
    walk reports what it cannot read)."""
    found = []
    for top, _dirs, names in os.walk(folder):  # errors are passed over
        base = Path(top)
        found.extend(base / name for name in names if name.endswith(suffix) and _is_file(base / name))
    return sorted(found)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name past the path length limit
        return False


def user_templates(folder: Path) -> list[Path]:
    """The user's own page templates in ``folder`` (``static/`` holds theme files, not templates;
    a folder named ``x.html`` is none)."""
    if not folder.is_dir():
        return []
    return [path for path in files_below(folder, ".html")
            if path.relative_to(folder).parts[0] != "static"]


def template_syntax_problems(folder: Path, vault: Path) -> list[jinja2.TemplateSyntaxError]:
    """The syntax errors of the user's templates in ``folder`` (``vaultsite check`` reports them
    without rendering a page)."""
    templates = user_templates(folder)
    if not templates:
        return []
    env = make_environment([folder], template_home(vault, folder))
    found = []
    for path in templates:
        try:
            env.get_template(path.relative_to(folder).as_posix())
        except jinja2.TemplateSyntaxError as exc:
            found.append(exc)
    return found


def _render_page(env: jinja2.Environment, ctx: PageContext, site: SiteInfo,
                 nav: Sequence[NavNode]) -> str:
    env.globals[_DATE_FORMAT] = site.date_format  # one build at a time per process
    template = env.get_template(f"{ctx.kind}.html")
    href = _page_href if type(ctx.root) is str else site_href
    assets = {
        "css": href(ctx.root, "_assets/style.css"),
        "icon": href(ctx.root, "_assets/icon.svg"),
        "js": href(ctx.root, "_assets/vaultsite.js"),
        "graph_js": href(ctx.root, "_assets/graph.js"),
        "site_js": href(ctx.root, "_data/site.js"),
        "extra_css": [site_href(ctx.root, u) for u in site.extra_css],
    }
    body, title_id = split_title_heading(ctx.content_html, ctx.title)
    # the home page keeps its note's own first heading rather than the note's name (``index``); it
    # goes in the page header, above the note's meta, as a note page's title does.  A title the
    # note's front-matter gives is shown as a note page shows it, the heading staying in the body.
    lead = _LEADING_H1.match(body) if ctx.kind == "index" and not ctx.titled else None
    heading, body = ("", body) if not lead else (
        f'<h1 class="note-title"{lead["attrs"]}>{lead["inner"]}</h1>', body[lead.end():])
    return template.render(
        page=ctx,
        site=site,
        explorer=explorer_html(nav, ctx.url, ctx.root),
        assets=assets,
        root=ctx.root,
        content=Markup(body),
        title_id=title_id,
        heading=Markup(heading),
        show_title=not heading,
        body_tags=frozenset(_TAG_HREF.findall(body)),
        graph_depth=ctx.graph_depth if ctx.graph_depth is not None else site.graph_depth,
    )


_LEADING_H1 = re.compile(r"\A\s*<h1(?P<attrs>[^>]*)>(?P<inner>.*?)</h1>\s*", re.S)
_TAG_HREF = re.compile(r'<a class="tag" href="([^"]*)"')
_ID_ATTR = re.compile(r"""\bid=(?:"([^"]*)"|'([^']*)')""")
_TAGS = re.compile(r"<[^>]+>")


def split_title_heading(html: str, title: str) -> tuple[str, str | None]:
    """Drop a leading ``<h1>`` that repeats the page title; its id moves to the page's title.

    Obsidian shows the file name as the title, and many notes open with the same ``# Title``; the
    page shows it once.  Returns the body and the id the title heading must carry (or None).
    """
    m = _LEADING_H1.match(html)
    if not m:
        return html, None
    text = unescape(_TAGS.sub("", m.group("inner"))).strip()
    if text.casefold() != title.strip().casefold():
        return html, None
    ident = _ID_ATTR.search(m.group("attrs"))
    # the id as the attribute means it (``Q&amp;A`` is ``Q&A``): the template escapes it again
    return html[m.end() :], unescape(ident.group(1) or ident.group(2)) if ident else None


@dataclass(frozen=True)
class _NavIndex:
    size: int
    ancestors: dict[str, tuple[int, ...]]  # note url -> ids of the folder nodes above it
    # (root prefix, whole tree shown) -> id of an entry -> its HTML when neither current nor open
    items: dict[tuple[str, bool], dict[int, str]] = field(default_factory=dict)
    # id of a list of entries -> (the list, position of each entry by id, positions by url)
    lists: dict[int, tuple[Sequence[NavNode], dict[int, int], dict[str, list[int]]]] = field(
        default_factory=dict)
    # (root prefix, whole tree shown) -> id of a list -> the HTML of the entries it shows first,
    # each as neither current nor open
    plain: dict[tuple[str, bool], dict[int, list[str]]] = field(default_factory=dict)


_NAV_CACHE: dict[int, tuple[Sequence[NavNode], _NavIndex]] = {}


def _nav_index(nav: Sequence[NavNode]) -> _NavIndex:
    """Size of the tree and each note's ancestor folders, computed once per tree."""
    hit = _NAV_CACHE.get(id(nav))
    if hit is not None and hit[0] is nav:
        return hit[1]
    ancestors: dict[str, tuple[int, ...]] = {}
    size = 0

    def walk(nodes: Sequence[NavNode], above: tuple[int, ...]) -> None:
        nonlocal size
        for node in nodes:
            size += 1
            if node.url is not None:
                ancestors.setdefault(node.url, above)
            if node.is_folder:
                walk(node.children, above + (id(node),))

    walk(nav, ())
    index = _NavIndex(size, ancestors)
    if len(_NAV_CACHE) > 8:
        _NAV_CACHE.clear()
    _NAV_CACHE[id(nav)] = (nav, index)
    return index


def explorer_html(nav: Sequence[NavNode], current: str, root: str) -> Markup:
    """The explorer as one page shows it: small trees in full, large ones along the current path.

    In a large tree only the folders above the current page are expanded, and each expanded list
    shows at most ``NAV_FOLDER_LIMIT`` entries (plus the current one) and a "more" link.  Written
    here rather than in a template because every page has one: entries that are neither current
    nor open look the same on every page at the same depth, so each is made once per depth.
    """
    index = _nav_index(nav)
    open_ids = set(index.ancestors.get(current, ()))
    full = index.size <= NAV_FULL_LIMIT
    return Markup(_ExplorerWriter(index, current, root, full, open_ids).list(nav, top=True)[0])


_NO_PAGE = object()  # the current page of no explorer entry (a folder without a page has None)


class _ExplorerWriter:
    def __init__(self, index: _NavIndex, current: Any, root: str, full: bool, open_ids: set[int]):
        self.index = index
        self.cache = index.items.setdefault((root, full), {})
        self.plain = index.plain.setdefault((root, full), {})
        self.lists = index.lists
        self.current, self.root, self.full, self.open_ids = current, root, full, open_ids

    def _positions(self, nodes: Sequence[NavNode]) -> tuple[dict[int, int], dict[str, list[int]]]:
        hit = self.lists.get(id(nodes))
        if hit is None or hit[0] is not nodes:
            urls: dict[str, list[int]] = {}
            for i, n in enumerate(nodes):
                if n.url is not None:
                    urls.setdefault(n.url, []).append(i)
            hit = self.lists[id(nodes)] = (nodes, {id(n): i for i, n in enumerate(nodes)}, urls)
        return hit[1], hit[2]

    def list(self, nodes: Sequence[NavNode], top: bool = False) -> tuple[str, int]:
        """The ``<ul>`` of ``nodes`` as shown, and how many entries it leaves out (listed as a
        closing "more" entry at the top level; a folder says it after its list).

        The entries shown first (all, or the first ``NAV_FOLDER_LIMIT`` of a long list in a large
        tree) are the same on every page at the same depth but for the current and open ones,
        looked up by position (scanning every entry of a long list on every page was
        O(pages x entries): 3,200 folders, 6,405 pages, 4.8 s), which replace theirs; the current
        and open entries past the limit follow."""
        ids, urls = self._positions(nodes)
        picks = sorted({ids[i] for i in self.open_ids if i in ids}
                       | set(urls.get(self.current, ())))
        shown = len(nodes) if self.full or len(nodes) <= NAV_FOLDER_LIMIT else NAV_FOLDER_LIMIT
        first = self.plain.get(id(nodes))
        if first is None:  # as on a page that is none of them, nor in any of them
            plain = _ExplorerWriter(self.index, _NO_PAGE, self.root, self.full, set())
            first = self.plain[id(nodes)] = [plain._plain_item(n) for n in nodes[:shown]]
        parts = ['<ul class="tree">\n']
        if picks:
            first = first.copy()
            for p in picks:
                if p < shown:
                    first[p] = self.item(nodes[p])
            extra = [self.item(nodes[p]) for p in picks if p >= shown]
            parts += first
            parts += extra
            more = len(nodes) - shown - len(extra)
        else:
            parts += first
            more = len(nodes) - shown
        if more and top:
            parts.append(f'<li class="tree-note"><span class="tree-more">{more} more… '
                         '<small>(search finds them)</small></span></li>\n')
        parts.append("</ul>")
        return "".join(parts), more

    def _plain_item(self, node: NavNode) -> str:
        """The entry of ``node`` as neither current nor open (``item`` on a page it is neither)."""
        hit = self.cache.get(id(node))
        if hit is None:
            hit = self.cache[id(node)] = self._item(node, False, False)
        return hit

    def item(self, node: NavNode) -> str:
        current = node.url == self.current
        if not current and id(node) not in self.open_ids:
            return self._plain_item(node)
        return self._item(node, current, True)

    def _item(self, node: NavNode, current: bool, is_open: bool) -> str:
        href = site_href(self.root, node.url) if node.url else None
        if not node.is_folder:
            mark = ' class="current" aria-current="page"' if current else ""
            html = (f'<li class="tree-note"><a href="{_attr(href or "")}"{mark}>'
                    f"{escape(node.name)}</a></li>\n")
        else:
            inner, more = "", 0
            if (self.full or is_open) and node.children:
                inner, more = self.list(node.children)
            elif not (self.full or is_open):
                more = len(node.children)
            tail = ""
            if more:
                tail = (f'<a class="tree-more" href="{_attr(href)}">{more} more…</a>' if href
                        else f'<span class="tree-more">{more} more…</span>')
            html = (f'<li class="tree-folder"><details{" open" if is_open else ""}>'
                    f"<summary>{escape(node.name)}</summary>\n{inner}{tail}</details></li>\n")
        return html


def _attr(text: str) -> str:
    return str(escape(text))


def build_nav(
    entries: Iterable[tuple[str, str, str]], folder_urls: Mapping[str, str] | None = None
) -> tuple[NavNode, ...]:
    """Explorer tree from ``(vault folder, title, site url)`` triples.

    Folders come first, then notes, each sorted by name as Obsidian sorts them (``name_order``).
    ``folder_urls`` maps a vault folder path (``"Notes/Python"``) to the site URL of its folder page.
    """
    folder_urls = folder_urls or {}
    tree: dict = {"folders": {}, "notes": []}
    for folder, title, url in entries:
        node = tree
        for part in [p for p in folder.split("/") if p]:
            node = node["folders"].setdefault(part, {"folders": {}, "notes": []})
        node["notes"].append((title, url))
    return _freeze(tree, "", folder_urls)


_SORT_RUN = re.compile(r"\d+|\D")


@functools.lru_cache(maxsize=65536)
def name_order(name: str) -> tuple:
    """The sort key of a file or folder name in Obsidian's order ("File name (A to Z)", an
    ``Intl.Collator`` with ``numeric`` and base sensitivity): case and accents ignored (``Ärger``
    among the a's), numbers by value (``Note 2`` before ``Note 10``), spaces and punctuation
    before digits before letters; the name itself breaks ties, so the order is always the same."""
    base = "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c)).casefold()
    key = []
    for m in _SORT_RUN.finditer(base):
        run = m.group()
        if run[0].isdigit():
            key.append((1, int(run), len(run)))  # 7 before 07 before 8
        else:
            key.append((2 if run.isalpha() else 0, run))
    return (tuple(key), name)


def _freeze(tree: dict, prefix: str, folder_urls: Mapping[str, str]) -> tuple[NavNode, ...]:
    out: list[NavNode] = []
    for name in sorted(tree["folders"], key=name_order):
        path = f"{prefix}{name}"
        kids = _freeze(tree["folders"][name], path + "/", folder_urls)
        out.append(NavNode(name, folder_urls.get(path), kids, True, path))
    for title, url in sorted(tree["notes"], key=lambda t: (name_order(t[0]), t[1])):
        out.append(NavNode(title, url))
    return tuple(out)
