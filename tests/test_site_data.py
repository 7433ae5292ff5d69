"""The data files behind search, previews and the graph, and the templating API."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import templating as T
from generator.site import SiteNote, site_data_files
from generator.site.graph import graph_data
from generator.site.previews import bucket_count, cut_html, preview_files
from generator.site.search import decode_postings, encode_postings, search_files
from generator.site.text import url_hash, words


def note(title: str, url: str, text: str = "", **kw) -> SiteNote:
    return SiteNote(id=url[:-5], title=title, url=url, plain_text=text, **kw)


NOTES = [
    note(
        "Python",
        "Notes/Python.html",
        "Indentation is syntax. Comprehensions build lists.",
        tags=("python",),
        links=("Notes/Async.html",),
        headings=(("Syntax", "Syntax"),),
        preview_html="<p>Indentation is syntax.</p><h2 id='Syntax'>Syntax</h2><p>x</p>",
    ),
    note(
        "Async",
        "Notes/Async.html",
        "An event loop runs coroutines.",
        tags=("python", "io"),
        links=("Notes/Python.html", "Missing.html"),
        date=dt.date(2025, 4, 11),
    ),
    note(
        "Café notes",
        "Notes/Café-notes.html",
        "Espresso ratios: 18 g in, 36 g out. 中文笔记",
        aliases=("coffee",),
    ),
]


def call_args(data: bytes, func: str) -> list:
    text = data.decode()
    assert text.startswith(func + "(") and text.rstrip().endswith(");")
    return json.loads("[" + text.rstrip()[len(func) + 1 : -2] + "]")


def test_words_fold_case_accents_and_split_cjk():
    assert words("Café ÜBER naïve") == ["cafe", "uber", "naive"]
    assert words("中文笔记 x2") == ["中", "文", "笔", "记", "x2"]
    assert words("snake_case, C# 3.7") == ["snake", "case", "c", "3", "7"]


@pytest.mark.parametrize("ids", [[], [0], [0, 1, 2, 3], [5, 40, 41, 1000, 99999], list(range(0, 5000, 7))])
def test_postings_round_trip(ids):
    encoded = encode_postings(ids)
    assert decode_postings(encoded) == ids
    assert re.fullmatch(r"[0-9a-zA-Z()*+\-.]*", encoded)


def test_search_index_holds_body_words_and_titles():
    files, manifest = search_files(NOTES)
    rows = call_args(files["_search/meta.js"], "vsSearch.meta")[0]
    assert [r[0] for r in rows] == ["Python", "Async", "Café notes"]
    assert rows[2][4] == ["coffee"] and rows[1][5] == ["python", "io"]
    headings = call_args(files["_search/headings.js"], "vsSearch.headings")[0]
    assert headings == [[["Syntax", "Syntax"]], [], []]
    vocab: dict[str, list[int]] = {}
    for k in range(len(manifest["shards"])):
        shard, words_, posts = call_args(files[f"_search/index-{k}.js"], "vsSearch.index")
        assert shard == k and words_[0] == manifest["shards"][k]
        vocab.update({w: decode_postings(p) for w, p in zip(words_, posts, strict=True)})
    assert vocab["coroutines"] == [1]
    assert vocab["indentation"] == [0]
    assert vocab["espresso"] == [2] and vocab["中"] == [2]
    texts = call_args(files["_search/text-0.js"], "vsSearch.text")[1]
    assert texts[1] == "An event loop runs coroutines."


def test_search_shards_split_a_large_vocabulary_in_js_order():
    notes = [note(f"N{i}", f"n{i}.html", " ".join(f"w{i}x{j}" for j in range(300))) for i in range(200)]
    files, manifest = search_files(notes)
    firsts = manifest["shards"]
    assert len(firsts) > 1 and firsts == sorted(firsts)
    assert all(len(v) < 400_000 for k, v in files.items() if "index-" in k)


_WORDS = ["alpha", "beta", "gamma", "délta", "中", "文", "x1", "zeta", "Eta", "theta"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.lists(st.sampled_from(_WORDS), max_size=6)),
                min_size=1, max_size=12))
def test_an_updated_search_index_equals_a_fresh_one(edits):
    """Edits, additions and removals of notes, one build after the other, in small shards."""
    from generator.site import search

    index = search.SearchIndex()
    texts = {f"n{i}.html": " ".join(_WORDS[: i % 4 + 1]) for i in range(8)}
    old_limit = search.SHARD_BYTES
    search.SHARD_BYTES = 40  # many shards, so boundaries move
    try:
        for slot, words in edits:
            url = f"n{slot}.html"
            if slot >= 10 and url in texts:
                del texts[url]  # a note goes away
            else:
                texts[url] = " ".join(words)
            notes = [note(u, u, t) for u, t in sorted(texts.items())]
            assert index.files(notes) == search.SearchIndex().files(notes)
    finally:
        search.SHARD_BYTES = old_limit


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["", "<p>a</p>", "<p>b</p><p>c</p>"]),
                          st.booleans()), min_size=1, max_size=12))
def test_updated_preview_buckets_equal_fresh_ones(edits):
    from generator.site.previews import PreviewIndex

    index = PreviewIndex()
    pages = {f"n{i}.html": ("T", "<p>x</p>") for i in range(30)}
    for slot, html, retitle in edits:
        url = f"n{slot}.html"
        pages[url] = ("Other" if retitle else pages.get(url, ("T", ""))[0], html)
        if slot % 7 == 0 and len(pages) > 1:
            del pages[url]  # notes come and go: the bucket count changes
        notes = [note(t, u, preview_html=h) for u, (t, h) in sorted(pages.items())]
        assert index.files(notes) == PreviewIndex().files(notes)


def test_previews_bucket_by_url_hash():
    files, manifest = preview_files(NOTES)
    assert manifest == {"buckets": bucket_count(3)} == {"buckets": 1}
    data = call_args(files["_previews/0.js"], "vsPreview.add")[0]
    assert "Indentation is syntax" in data["Notes/Python.html"]
    assert data["Notes/Python.html"].startswith("<h1>Python</h1>")
    assert url_hash("Notes/Café-notes.html") == url_hash("Notes/Café-notes.html")
    assert url_hash("a") == 0xE40C292C  # FNV-1a reference value


def test_cut_html_stops_at_a_top_level_boundary():
    html = "".join(f"<p>para {i} <b>bold</b></p>" for i in range(100))
    cut = cut_html(html, 200)
    assert len(cut) <= 200 and cut.endswith("</p>") and cut.count("<p>") == cut.count("</p>")
    assert cut_html("<p>short</p>", 200) == "<p>short</p>"


def test_graph_edges_are_undirected_and_resolve_to_notes():
    data = graph_data(NOTES, lambda t: f"tags/{t}.html")
    assert data["edges"] == [0, 1]  # Python <-> Async once; the missing target is dropped
    assert data["tags"] == [["python", "tags/python.html"], ["io", "tags/io.html"]]
    assert data["tagEdges"] == [0, 0, 1, 0, 1, 1]


def test_site_data_files_are_scripts_never_json_fetches():
    files = site_data_files(NOTES)
    assert set(files) >= {"_data/site.js", "_data/graph.js", "_search/meta.js", "_previews/0.js"}
    assert all(k.endswith(".js") for k in files)
    manifest = files["_data/site.js"].decode()
    assert "window.vsSite=v" in manifest and '"buckets":1' in manifest
    assert all(b"</script" not in v for v in files.values())
    assert site_data_files(list(reversed(NOTES))) == files, "deterministic"


def test_render_page_note_context():
    env = T.make_environment([])
    nav = T.build_nav(
        [("Notes", "Python", "Notes/Python.html"), ("", "Home", "index.html")], {"Notes": "Notes/index.html"}
    )
    ctx = T.PageContext(
        kind="note",
        title="Python <3",
        url="Notes/Python.html",
        root="../",
        source="Notes/Python.md",
        content_html="<p>Body <b>bold</b></p>",
        tags=(T.TagItem("python", "../tags/python.html"),),
        toc=(T.TocItem(2, "Syntax", "#Syntax"),),
        backlinks=(T.LinkItem("Async", "Async.html", "Notes", dt.date(2025, 4, 11), "loops"),),
    )
    html = T.render_page(env, ctx, T.SiteInfo("My notes"), nav)
    assert '<meta name="source" content="Notes/Python.md">' in html
    assert "Python &lt;3" in html and "<p>Body <b>bold</b></p>" in html
    assert 'href="../_assets/style.css"' in html and 'src="../_assets/vaultsite.js"' in html
    assert '<input type="search"' in html and 'class="graph graph-local"' in html
    assert 'class="icon-button theme-toggle"' in html
    assert 'href="../Notes/Python.html" class="current" aria-current="page"' in html
    assert 'href="../tags/python.html">#python' in html
    assert "11 Apr 2025" in html and 'href="#Syntax"' in html
    assert 'href="/' not in html and "http" not in html.split("<body", 1)[1]


@pytest.mark.parametrize("kind", ["tag", "folder", "index", "graph", "404"])
def test_every_page_kind_renders(kind):
    env = T.make_environment([])
    ctx = T.PageContext(
        kind=kind, title="T", url="x/y.html", root="../", listing=(T.LinkItem("A", "a.html", "", None, ""),)
    )
    html = T.render_page(env, ctx, T.SiteInfo("S"), ())
    assert html.startswith("<!doctype html>") and 'href="../index.html"' in html


def test_user_templates_override_defaults(tmp_path):
    (tmp_path / "404.html").write_text("custom {{ page.title }}")
    env = T.make_environment([tmp_path])
    ctx = T.PageContext(kind="404", title="gone", url="404.html")
    assert T.render_page(env, ctx, T.SiteInfo("S"), ()) == "custom gone"


def test_large_explorer_is_pruned_to_the_current_path():
    from bs4 import BeautifulSoup

    entries = [(f"F{f}", f"Note {f}-{i}", f"F{f}/n{i}.html") for f in range(20) for i in range(100)]
    nav = T.build_nav(entries, {f"F{f}": f"F{f}/index.html" for f in range(20)})
    for _ in range(2):  # the second time from the entries made for the first page
        tree = BeautifulSoup(str(T.explorer_html(nav, "F3/n99.html", "../")), "html.parser")
        opened = tree.select("details[open]")
        assert [d.summary.get_text() for d in opened] == ["F3"]
        notes = opened[0].select("li.tree-note a")
        assert len(notes) == T.NAV_FOLDER_LIMIT + 1
        assert notes[-1]["aria-current"] == "page" and notes[-1]["href"] == "../F3/n99.html"
        assert opened[0].select_one("a.tree-more").get_text() == "74 more…"
        assert len(tree.select("li.tree-note a[aria-current]")) == 1
        closed = [d for d in tree.select("details") if not d.has_attr("open")]
        assert len(closed) == 19 and not any(d.select("li") for d in closed)
        assert closed[0].select_one("a.tree-more")["href"] == "../F0/index.html"
    other = BeautifulSoup(str(T.explorer_html(nav, "F0/n1.html", "")), "html.parser")
    assert [d.summary.get_text() for d in other.select("details[open]")] == ["F0"]
    assert other.select_one("a[aria-current]")["href"] == "F0/n1.html"


def test_small_explorer_shows_every_entry_and_escapes_names():
    from bs4 import BeautifulSoup

    nav = T.build_nav([("A", "<b>x</b> & y", "A/x.html"), ("A/B", "deep", "A/B/d.html"),
                       ("", "top", "top.html")])
    tree = BeautifulSoup(str(T.explorer_html(nav, "A/B/d.html", "../../")), "html.parser")
    assert [a.get_text() for a in tree.select("a")] == ["deep", "<b>x</b> & y", "top"]
    assert [d.summary.get_text() for d in tree.select("details[open]")] == ["A", "B"]
    assert tree.select_one("a[aria-current]")["href"] == "../../A/B/d.html"


def test_leading_h1_repeating_the_title_is_shown_once():
    body, ident = T.split_title_heading('<h1 id="Async-IO">Async <em>IO</em></h1>\n<p>x</p>', "async io")
    assert body == "<p>x</p>" and ident == "Async-IO"
    assert T.split_title_heading("<h1>Other</h1><p>x</p>", "Title") == ("<h1>Other</h1><p>x</p>", None)
    env = T.make_environment([])
    ctx = T.PageContext(kind="note", title="Async IO", url="a.html", content_html='<h1 id="A">Async IO</h1>')
    html = T.render_page(env, ctx, T.SiteInfo("S"), ())
    assert html.count("Async IO</h1>") == 1 and '<h1 class="note-title" id="A">' in html


def test_bucket_files_from_entries_made_apart_are_js_call_bytes():
    """Workers encode each preview; the bucket file joined from them is what one ``js_call`` over
    the whole group gives, with the script-unsafe ``</`` and U+2028/9 escaped in titles, URLs and
    bodies alike."""
    from generator.site import js_call
    from generator.site.previews import PreviewIndex, _bucket_file, preview_entry

    group = {"a/B\u2028.html": ("T </script> \u2029", "<p>x</p><script>1</script>\u2028"),
             "b.html": ("Plain", "<p>y</p>"), "Caf\u00e9 \u4e2d.html": ("\u4e2d\u6587", "")}
    entries = {url: preview_entry(t, h) for url, (t, h) in sorted(group.items())}
    expected = js_call("vsPreview.add", {url: f"<h1>{t.replace('<', '&lt;').replace('>', '&gt;')}"
                                              f"</h1>{h}" for url, (t, h) in sorted(group.items())})
    assert _bucket_file(entries) == expected
    notes = [note(t, u, preview_html=h) for u, (t, h) in group.items()]
    made = [note(t, u, preview_entry=entries[u]) for u, (t, _h) in group.items()]
    assert PreviewIndex().files(made) == PreviewIndex().files(notes)


def test_preview_shows_the_title_once():
    """Most notes open with ``# Their name``; the page shows it once, and so does the preview."""
    files, _ = preview_files([note("My Note", "My-Note.html",
                                   preview_html='<h1 id="My-Note">My Note</h1>\n<p>Body</p>'),
                              note("Other", "Other.html", preview_html="<h1>Not the title</h1>")])
    data = call_args(files["_previews/0.js"], "vsPreview.add")[0]
    assert data["My-Note.html"] == "<h1>My Note</h1><p>Body</p>"
    assert data["Other.html"] == "<h1>Other</h1><h1>Not the title</h1>"
