"""A small hand-made site, rendered straight through templating + generator.site.

Used by the theme's browser tests until a vault can be built end to end, and by the front-end
benchmark for a synthetic 10,000-note site.  Nothing here parses Markdown: bodies are HTML.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from generator import templating as T
from generator.site import SiteNote, site_data_files


@dataclass
class FixtureNote:
    source: str  # vault path
    title: str
    body: str  # HTML with {href:Target Source.md} placeholders
    tags: tuple[str, ...] = ()
    date: dt.date | None = None
    links: tuple[str, ...] = ()  # vault paths linked to
    headings: tuple[tuple[int, str, str], ...] = ()  # (level, text, anchor)
    text: str = ""  # plain text for search
    aliases: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return self.source.rsplit("/", 1)[0] if "/" in self.source else ""

    @property
    def url(self) -> str:
        return self.source[:-3].replace(" ", "-") + ".html"


def href(target: str, from_url: str, fragment: str = "") -> str:
    rel = posixpath.relpath(target, posixpath.dirname(from_url) or ".")
    out = quote(rel, safe="/-._~()!,'")
    return out + ("#" + quote(fragment, safe="-._~()!,'^") if fragment else "")


def tag_url(tag: str) -> str:
    return f"tags/{tag.lower()}.html"


def folder_url(folder: str) -> str:
    return f"{folder.replace(' ', '-')}/index.html"


def site_files(notes: list[FixtureNote], title: str = "Garden of Notes") -> dict[str, bytes]:
    """Every file of the site (pages, data, assets) as site path -> bytes."""
    env = T.make_environment([])
    site = T.SiteInfo(title=title, description="Notes on programming, gardening and reading.")
    by_source = {n.source: n for n in notes}
    folders = sorted({n.folder for n in notes if n.folder})
    nav = T.build_nav(((n.folder, n.title, n.url) for n in notes), {f: folder_url(f) for f in folders})
    backlinks: dict[str, list[FixtureNote]] = {}
    for n in notes:
        for target in n.links:
            backlinks.setdefault(target, []).append(n)
    files: dict[str, bytes] = {}

    def item(n: FixtureNote, from_url: str) -> T.LinkItem:
        return T.LinkItem(n.title, href(n.url, from_url), n.folder, n.date, n.text[:140])

    def body_html(n: FixtureNote) -> str:
        out = n.body
        for src, target in by_source.items():
            out = out.replace("{href:" + src + "}", href(target.url, n.url))
        return out

    bodies = {n.source: body_html(n) for n in notes}
    for n in notes:
        url = n.url
        root = "../" * url.count("/")
        crumbs = [T.Crumb(title, href("index.html", url))]
        if n.folder:
            crumbs.append(T.Crumb(n.folder, href(folder_url(n.folder), url)))
        ctx = T.PageContext(
            kind="note",
            title=n.title,
            url=url,
            root=root,
            source=n.source,
            content_html=bodies[n.source],
            date=n.date,
            description=n.text[:150],
            tags=tuple(T.TagItem(t, href(tag_url(t), url)) for t in n.tags),
            aliases=n.aliases,
            toc=tuple(T.TocItem(lv, text, "#" + anchor) for lv, text, anchor in n.headings),
            backlinks=tuple(item(b, url) for b in backlinks.get(n.source, [])),
            breadcrumbs=tuple(crumbs),
        )
        files[url] = T.render_page(env, ctx, site, nav).encode()

    tags = sorted({t for n in notes for t in n.tags})
    for t in tags:
        url = tag_url(t)
        members = [n for n in notes if t in n.tags]
        ctx = T.PageContext(
            kind="tag", title="#" + t, url=url, root="../", listing=tuple(item(n, url) for n in members)
        )
        files[url] = T.render_page(env, ctx, site, nav).encode()
    for f in folders:
        url = folder_url(f)
        members = [n for n in notes if n.folder == f]
        ctx = T.PageContext(
            kind="folder",
            title=f,
            url=url,
            root="../" * url.count("/"),
            listing=tuple(item(n, url) for n in members),
            breadcrumbs=(T.Crumb(title, href("index.html", url)), T.Crumb(f)),
        )
        files[url] = T.render_page(env, ctx, site, nav).encode()
    dated = sorted((n for n in notes if n.date), key=lambda n: n.date, reverse=True)
    home = T.PageContext(
        kind="index",
        title=title,
        url="index.html",
        root="",
        content_html="<p>Welcome to my digital garden: notes on <strong>Python</strong>, the "
        "garden, and the books I read. Start with the explorer on the left, press <kbd>/</kbd> "
        "to search, or open the graph.</p>",
        recent=tuple(item(n, "index.html") for n in dated[:6]),
        tags=tuple(T.TagItem(t, href(tag_url(t), "index.html")) for t in tags),
    )
    files["index.html"] = T.render_page(env, home, site, nav).encode()
    for kind, name, page_title in (("graph", "graph.html", "Graph"), ("404", "404.html", "Page not found")):
        ctx = T.PageContext(kind=kind, title=page_title, url=name, root="")
        files[name] = T.render_page(env, ctx, site, nav).encode()

    site_notes = [
        SiteNote(
            id=n.source[:-3],
            title=n.title,
            url=n.url,
            folder=n.folder,
            aliases=n.aliases,
            headings=tuple((text, anchor) for _, text, anchor in n.headings),
            tags=n.tags,
            date=n.date,
            summary=n.text[:150],
            plain_text=n.text,
            links=tuple(by_source[s].url for s in n.links if s in by_source),
            preview_html=bodies[n.source],
        )
        for n in notes
    ]
    files.update(site_data_files(site_notes, tag_url))
    static = T.default_template_dir() / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file():
            files[f"_assets/{path.relative_to(static).as_posix()}"] = path.read_bytes()
    return files


def write_site(files: dict[str, bytes], out: Path) -> Path:
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return out


CODE = (
    '<div class="highlight"><pre><span></span><span class="kn">import</span> <span class="nn">'
    'asyncio</span>\n\n<span class="k">async</span> <span class="k">def</span> <span class="nf">'
    'fetch</span><span class="p">(</span><span class="n">n</span><span class="p">):</span>\n'
    '    <span class="sd">"""Pretend to wait for the network."""</span>\n    <span class="k">'
    'await</span> <span class="n">asyncio</span><span class="o">.</span><span class="n">sleep'
    '</span><span class="p">(</span><span class="mf">0.1</span><span class="p">)</span>  '
    '<span class="c1"># yields to the event loop</span>\n    <span class="k">return</span> '
    '<span class="n">n</span> <span class="o">*</span> <span class="mi">2</span>\n</pre></div>'
)


def sample_notes() -> list[FixtureNote]:
    lorem = (
        "Gardens reward patience. Compost feeds the soil, the soil feeds the roots, and the "
        "roots feed everything we see above the ground. "
    )
    return [
        FixtureNote(
            "Notes/Python.md",
            "Python",
            '<p>Python is the language I reach for first. Its <a class="wikilink" '
            'href="{href:Notes/Asynchronous Programming.md}">async support</a> matured in 3.7; see '
            'also <a class="wikilink" href="{href:Notes/Café notes.md}">Café notes</a> and '
            'the <a class="broken">Missing Note</a> I never wrote.</p>'
            '<h2 id="Syntax">Syntax</h2><p>Indentation is syntax. A <code>def</code> opens a '
            "function; ==highlight== becomes <mark>marked text</mark>.</p>"
            + CODE
            + '<div class="callout" data-callout="tip"><div class="callout-title">Tip</div>'
            '<div class="callout-content"><p>Use a virtual environment per project.</p></div></div>'
            '<details class="callout" data-callout="warning"><summary>Mutable defaults</summary>'
            '<div class="callout-content"><p>Never write <code>def f(x=[])</code>.</p></div>'
            "</details>"
            '<h2 id="Data-structures">Data structures</h2><table><thead><tr><th>Type</th><th>'
            "Mutable</th><th>Ordered</th><th>Example literal</th><th>Typical use</th></tr>"
            "</thead><tbody><tr><td>list</td><td>yes</td><td>yes</td><td><code>[1, 2, 3]</code>"
            "</td><td>sequences that grow and shrink over the life of the program</td></tr><tr>"
            "<td>tuple</td><td>no</td><td>yes</td><td><code>(1, 2)</code></td><td>records and "
            "dictionary keys, function results</td></tr><tr><td>dict</td><td>yes</td><td>"
            'insertion</td><td><code>{"a": 1}</code></td><td>lookups by key</td></tr></tbody>'
            '</table><h3 id="Comprehensions">Comprehensions</h3><p>A comprehension builds a '
            "list in one expression: the math reads <math><mrow><msup><mi>x</mi><mn>2</mn></msup>"
            "</mrow></math> for each x.</p>"
            '<h2 id="Running-code">Running code</h2><div class="code-cell">'
            + CODE
            + '<div class="cell-output"><pre class="cell-stdout">[0, 2, 4]\n</pre></div></div>'
            + "".join(f"<p>{lorem}</p>" for _ in range(4)),
            tags=("python", "programming"),
            date=dt.date(2025, 4, 10),
            links=("Notes/Asynchronous Programming.md", "Notes/Café notes.md"),
            headings=(
                (2, "Syntax", "Syntax"),
                (2, "Data structures", "Data-structures"),
                (3, "Comprehensions", "Comprehensions"),
                (2, "Running code", "Running-code"),
            ),
            text="Python is the language I reach for first. Indentation is syntax. "
            "Comprehensions build lists. Mutable defaults bite. " + lorem,
            aliases=("py",),
        ),
        FixtureNote(
            "Notes/Asynchronous Programming.md",
            "Asynchronous Programming",
            "<p>An event loop runs coroutines; each <code>await</code> hands control back. "
            'Written while learning <a class="wikilink" href="{href:Notes/Python.md}">Python</a>.'
            '</p><h2 id="The-event-loop">The event loop</h2><p>The loop keeps a queue of ready '
            'callbacks and polls for I/O.</p><div class="callout" data-callout="note"><div '
            'class="callout-title">Note</div><div class="callout-content"><p>asyncio.run starts a '
            "fresh loop.</p></div></div>",
            tags=("python",),
            date=dt.date(2025, 4, 11),
            links=("Notes/Python.md",),
            headings=((2, "The event loop", "The-event-loop"),),
            text="An event loop runs coroutines; each await hands control back to the "
            "scheduler. The loop keeps a queue of ready callbacks and polls for sockets.",
        ),
        FixtureNote(
            "Notes/Café notes.md",
            "Café notes",
            "<p>Espresso ratios and grinder settings. Back to "
            '<a class="wikilink" href="{href:Notes/Python.md#Syntax}">Python syntax</a>.</p>',
            tags=("coffee",),
            date=dt.date(2024, 12, 2),
            links=("Notes/Python.md",),
            text="Espresso ratios and grinder settings: eighteen grams in, thirty-six out.",
        ),
        FixtureNote(
            "Projects/Garden Plan.md",
            "Garden Plan",
            "<p>Raised beds along the fence; zucchini, beans and marigolds. Tools are in "
            '<a class="wikilink" href="{href:Reading/Q&A 100% (v2).md}">Q&amp;A</a>.</p>'
            '<div class="callout" data-callout="todo"><div class="callout-title">Todo</div>'
            '<div class="callout-content"><ul><li>Order seeds</li></ul></div></div>',
            tags=("garden",),
            date=dt.date(2025, 3, 1),
            links=("Reading/Q&A 100% (v2).md",),
            text="Raised beds along the fence; zucchini, beans and marigolds. " + lorem,
        ),
        FixtureNote(
            "Reading/Q&A 100% (v2).md",
            "Q&A 100% (v2)",
            '<p>Questions people ask about the <a class="wikilink" '
            'href="{href:Projects/Garden Plan.md}">garden plan</a> and about '
            '<a class="wikilink" href="{href:Notes/Python.md}">Python</a>.</p>',
            tags=("garden", "reading"),
            date=dt.date(2025, 1, 20),
            links=("Projects/Garden Plan.md", "Notes/Python.md"),
            text="Questions people ask: how deep should the beds be? Thirty centimetres.",
        ),
        FixtureNote(
            "Reading/读书笔记.md",
            "读书笔记",
            "<p>这是一本关于园艺的书。</p>",
            tags=("reading",),
            date=dt.date(2024, 6, 1),
            text="这是一本关于园艺的书。",
        ),
    ]
