"""Session 14, frame: page templates made cheaper, with the same bytes.

What is made once rather than on every page (the theme's icons, the part of a listing entry that
does not depend on the page) is compared with what the templates write; a user's own templates
(``_templates/``) keep working, whatever they call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import REPO, Site, build_vault, write_files
from markupsafe import Markup, escape

THEME = REPO / "templates"
ICONS = ("menu", "search", "graph", "sun", "moon", "home", "folder", "link", "tag", "nope")


def _theme(name: str) -> str:
    return (THEME / name).read_text(encoding="utf-8")


def test_the_memoized_icons_are_what_the_icon_macro_writes():
    """``m.icon`` (made once per arguments) writes what the theme's icon macro writes, for every
    icon and class, again and again."""
    from generator.templating import make_environment

    env = make_environment()
    module = env.get_template("macros.html").module
    macro = env.from_string(_unmemoized(_theme("macros.html"))).module.icon
    for name in ICONS:
        for args in ((name,), (name, "icon-x"), (name, "a&b")):
            made = str(macro(*args))
            assert "<svg" in made
            assert str(module.icon(*args)) == made
            assert str(module.icon(*args)) == made  # from the memo
    page = env.from_string('{% import "macros.html" as m %}{{ m.icon("sun", "icon-sun") }}'
                           '{{ m.icon(name="moon", cls="icon-moon") }}').render()
    assert page == str(macro("sun", "icon-sun")) + str(macro("moon", "icon-moon"))


def test_memoize_keeps_markup_arguments_apart_from_text():
    """A memoized macro is given markup and the same text as plain text: it escapes the one and
    not the other, so a call with markup is never answered from a call with text."""
    from generator.templating import make_environment

    env = make_environment()
    t = env.from_string('{% macro _k(x) %}<b>{{ x }}</b>{% endmacro %}{% set k = memoize(_k) %}'
                        '{{ k(a) }}|{{ k(b) }}|{{ k(a) }}|{{ k(b) }}|{{ k(n) }}|{{ k(x=a) }}')
    for _ in range(2):
        assert t.render(a="<i>", b=Markup("<i>"), n=3) == (
            "<b>&lt;i&gt;</b>|<b><i></b>|<b>&lt;i&gt;</b>|<b><i></b>|<b>3</b>|<b>&lt;i&gt;</b>")


def test_a_users_own_icon_macro_is_what_the_theme_shows(tmp_path):
    """A user's macros.html with an ``icon`` macro of its own: every icon of the theme's pages is
    that macro's, with the arguments the theme passes."""
    theme = _theme("macros.html")
    start = theme.index("{% macro _icon(")
    end = theme.index("{% set icon = memoize(_icon) %}") + len("{% set icon = memoize(_icon) %}")
    own = ('{% macro icon(name, cls="") -%}<i class="own {{ cls }}" data-icon="{{ name }}"></i>'
           '{%- endmacro %}')
    site = _build(tmp_path, {"_templates/macros.html": theme[:start] + own + theme[end:]})
    assert site.codes() == []
    for source in ("A.md", "F/B.md"):
        page = site.html(source)
        assert [(i["data-icon"], i["class"]) for i in page.find_all("i", class_="own")] == [
            ("menu", ["own"]), ("search", ["own"]), ("graph", ["own"]),
            ("sun", ["own", "icon-sun"]), ("moon", ["own", "icon-moon"]), ("home", ["own"])]
        assert not page.find("svg")


def test_a_users_old_macros_with_the_icon_macro_itself_keep_working(tmp_path):
    """A copy of macros.html made before icons were memoized (``icon`` a macro) gives the pages,
    byte for byte, that the theme gives."""
    old = _unmemoized(_theme("macros.html"))
    ours = _build(tmp_path / "ours", {})
    theirs = _build(tmp_path / "theirs", {"_templates/macros.html": old})
    assert theirs.codes() == []
    _same_pages(ours, theirs)


def test_a_users_base_calls_icons_and_reads_the_context(tmp_path):
    """A user's base.html calling icons the theme does not show, imported with or without the
    page's context, and reading ``page``, ``site``, ``root``, ``explorer`` and ``assets``."""
    base = _theme("base.html").replace(
        "<footer", '<p id="mine" data-root="{{ root }}" data-site="{{ site.title }}" '
        'data-url="{{ page.url }}" data-css="{{ assets.css }}">{{ m.icon("tag") }}'
        '{{ n.icon("folder", "x") }}{{ explorer|length > 0 }}</p>\n<footer', 1).replace(
        '{% import "macros.html" as m %}',
        '{% import "macros.html" as m %}{% import "macros.html" as n with context %}', 1)
    site = _build(tmp_path, {"_templates/base.html": base})
    assert site.codes() == []
    mine = site.html("F/B.md").find(id="mine")
    assert (mine["data-root"], mine["data-site"], mine["data-url"], mine["data-css"]) == (
        "../", "Frame", "F/B.html", "../_assets/style.css")
    assert [s["class"] for s in mine.find_all("svg")] == [["icon"], ["icon", "x"]]
    assert mine.get_text() == "True"


def test_an_edited_icon_macro_shows_on_the_next_build(tmp_path):
    """The memo lives with the compiled macros.html: a user's icon edited between two builds of
    one process (``serve``) shows on the second."""
    import os

    theme = _theme("macros.html")
    vault = tmp_path / "v"
    _vault(vault, {"_templates/macros.html": theme})
    first = build_vault(vault, tmp_path / "one", copy=False)
    assert 'd="M4 6h16M4 12h16M4 18h16"' in first.page("A.md").read_text(encoding="utf-8")
    path = vault / "_templates" / "macros.html"
    path.write_text(theme.replace("M4 6h16M4 12h16M4 18h16", "M1 1h1"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    second = build_vault(vault, tmp_path / "two", copy=False)
    html = second.page("A.md").read_text(encoding="utf-8")
    assert 'd="M1 1h1"' in html and "M4 6h16" not in html


def test_a_notes_listing_entries_share_what_does_not_depend_on_the_page():
    """One note listed from pages of several folders: each entry has its own href, and the rest
    is the note's, as the template loop writes it; markup given as a title or date is written as
    the loop writes markup, not as the same text."""
    from generator import templating as tpl

    LinkItem, listing_items = tpl.LinkItem, tpl.listing_items

    env = tpl.make_environment()
    env.globals[tpl._DATE_FORMAT] = ""
    loop = env.from_string(tpl._LISTING_LOOP)
    date = dt.date(2025, 4, 5)
    items = [LinkItem("Q&A <1>", href, "F & G", date, "Summary with `code` & <b>.")
             for href in ("A.html", "../A.html", "../../x/A.html", 'q"&.html')]
    items += [LinkItem(Markup("Q&A <1>"), "A.html", "F & G", date, "Summary with `code` & <b>."),
              LinkItem("Q&A <1>", "A.html", Markup("F & G"), date, "Summary"),
              LinkItem("Q&A <1>", "A.html", "F & G", dt.datetime(2025, 4, 5, 1, 2), "Summary"),
              LinkItem("Q&A <1>", "A.html", "F & G", "2025-04-05", "Summary"),
              LinkItem("Q&A <1>", "A.html", "F & G", Markup("<b>2025</b>"), "Summary"),
              LinkItem("Q&A <1>", "A.html", "F & G", "<b>2025</b>", "Summary")]
    for _ in range(2):
        for item in items:  # each alone, then all in one listing (from the caches)
            assert str(listing_items(env, [item])) == loop.render(items=[item])
        assert str(listing_items(env, items)) == loop.render(items=items)
    env.globals[tpl._DATE_FORMAT] = "%d/%m/%Y"
    assert str(listing_items(env, items)) == loop.render(items=items)
    assert "05/04/2025" in str(listing_items(env, items))


def _explorer_reference(nav, current, root):
    """The explorer as the writer made it entry by entry, with no entry kept from another page."""
    from generator import templating as tpl

    ancestors, size = {}, 0

    def walk(nodes, above):
        nonlocal size
        for node in nodes:
            size += 1
            if node.url is not None:
                ancestors.setdefault(node.url, above)
            if node.is_folder:
                walk(node.children, above + (id(node),))

    walk(nav, ())
    opened, full = set(ancestors.get(current, ())), size <= tpl.NAV_FULL_LIMIT

    def listed(nodes, top=False):
        keep, more = list(nodes), 0
        if not full and len(nodes) > tpl.NAV_FOLDER_LIMIT:
            keep = [*nodes[:tpl.NAV_FOLDER_LIMIT],
                    *(n for n in nodes[tpl.NAV_FOLDER_LIMIT:]
                      if id(n) in opened or n.url == current)]
            more = len(nodes) - len(keep)
        html = '<ul class="tree">\n' + "".join(entry(n) for n in keep)
        if more and top:
            html += (f'<li class="tree-note"><span class="tree-more">{more} more… '
                     '<small>(search finds them)</small></span></li>\n')
        return html + "</ul>", more

    def entry(node):
        href = tpl.site_href(root, node.url) if node.url else None
        if not node.is_folder:
            mark = ' class="current" aria-current="page"' if node.url == current else ""
            return (f'<li class="tree-note"><a href="{escape(href or "")}"{mark}>'
                    f"{escape(node.name)}</a></li>\n")
        is_open = id(node) in opened or node.url == current
        inner, more = "", 0
        if (full or is_open) and node.children:
            inner, more = listed(node.children)
        elif not (full or is_open):
            more = len(node.children)
        tail = ""
        if more:
            tail = (f'<a class="tree-more" href="{escape(href)}">{more} more…</a>' if href
                    else f'<span class="tree-more">{more} more…</span>')
        return (f'<li class="tree-folder"><details{" open" if is_open else ""}>'
                f"<summary>{escape(node.name)}</summary>\n{inner}{tail}</details></li>\n")

    return listed(nav, top=True)[0]


@pytest.mark.parametrize("notes", [12, 60, 700])
def test_the_explorer_of_every_page_is_what_writing_each_entry_makes(notes):
    """The explorer writes each list once per depth, as no page shows it, and puts the current and
    open entries of a page in their place: every page's explorer, in any order of pages, is what
    writing each of its entries for that page makes (small trees in full, large ones pruned;
    folders with and without pages, a folder page's URL also a note's, names to escape)."""
    import random

    from generator import templating as tpl

    rng = random.Random(notes)
    folders = ["", "A", "A/B", "A/B/C", "D & <e>", "F", "F/G"] + [f"H{i}" for i in range(30)]
    entries = [(f, f"Note {i} <{f}>", f"{f}/n{i}.html".lstrip("/"))
               for i, f in enumerate(rng.choice(folders) for _ in range(notes))]
    entries.append(("F", "F", "F.html"))  # a note whose URL is also its folder's page
    folder_urls = {f: f"{f}.html" for f in folders if f and rng.random() < 0.6}
    folder_urls["F"] = "F.html"
    nav = tpl.build_nav(entries, folder_urls)
    pages = [url for _f, _t, url in entries] + list(folder_urls.values()) + ["index.html"]
    for _order in range(3):
        tpl._NAV_CACHE.clear()
        rng.shuffle(pages)
        for url in pages:
            root = "../" * url.count("/")
            assert str(tpl.explorer_html(nav, url, root)) == _explorer_reference(nav, url, root), url


def test_hrefs_of_links_and_assets_follow_each_pages_depth(tmp_path):
    """The theme's links and assets (made once per folder depth) lead to the site's files from
    pages at every depth, and a user's template gets the ``href`` of any value it passes."""
    base = _theme("base.html").replace(
        "<footer", '<p id="mine" data-a="{{ \'Q & A/x y.html\'|href }}" '
        'data-b="{{ page.url|href }}"></p>\n<footer', 1)
    site = _build(tmp_path, {"_templates/base.html": base})
    assert site.codes() == []
    for source, root in (("A.md", ""), ("F/B.md", "../"), ("F/G/C.md", "../../")):
        page = site.html(source)
        mine = page.find(id="mine")
        url = {"A.md": "A.html", "F/B.md": "F/B.html", "F/G/C.md": "F/G/C.html"}[source]
        assert (mine["data-a"], mine["data-b"]) == (root + "Q%20%26%20A/x%20y.html", root + url)
        hrefs = [page.find("link", rel="stylesheet")["href"], page.find("link", rel="icon")["href"],
                 page.find("a", class_="site-title")["href"],
                 page.find("a", class_="graph-link")["href"]]
        hrefs += [s["src"] for s in page.find_all("script", src=True)]
        assert hrefs[0] == root + "_assets/style.css"
        for href in hrefs:
            site.follow(site.page(source), href)


# -- helpers -------------------------------------------------------------------------------------

def _unmemoized(macros: str) -> str:
    """The theme's macros.html as it was before its icons were memoized."""
    old = macros.replace("{% macro _icon(", "{% macro icon(").replace(
        "{% set icon = memoize(_icon) %}\n", "")
    assert "memoize(" not in old and "{% macro icon(" in old
    return old


def _vault(root: Path, extra: dict[str, str]) -> Path:
    files = {
        "vaultsite.toml": 'title = "Frame"\n',
        "A.md": "---\ndate: 2025-04-05\ntags: [t]\n---\n# A\n\n## One\n\nSee [[B]] and [[C]] #u\n",
        "F/B.md": "## Two\n\nBack to [[A]], on to [[C]].\n",
        "F/G/C.md": "c [[A]]\n",
    }
    return write_files(root, {**files, **extra})


def _build(root: Path, extra: dict[str, str]) -> Site:
    vault = _vault(root / "v", extra)
    return build_vault(vault, root, copy=False)


def _same_pages(ours: Site, theirs: Site) -> None:
    pages = sorted(p.relative_to(ours.out) for p in ours.out.rglob("*.html"))
    assert len(pages) > 5
    assert pages == sorted(p.relative_to(theirs.out) for p in theirs.out.rglob("*.html"))
    for page in pages:
        assert (ours.out / page).read_bytes() == (theirs.out / page).read_bytes(), page
