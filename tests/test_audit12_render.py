"""Session 12, render: the render stage made cheaper, with the same bytes.

Each part written in Python rather than by a template loop is compared, byte for byte, with the
template markup it stands for; user templates keep working."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from conftest import Site, build_vault, write_files


def _items(seed: int, count: int) -> list:
    from generator.templating import LinkItem

    rng = random.Random(seed)
    words = ["alpha", "Q&A", "<b>x</b>", "`code`", "a `b` c", "``x ` y``", '"q"', "Café", "é ü",
             "'s", "&amp;", "  ", "-", "long " * 45, "`", "ends `"]
    out = []
    for _ in range(count):
        date = rng.choice([None, "", dt.date(2025, 4, 5), dt.datetime(2024, 1, 2, 3, 4),
                           "2023-13-40", "someday"])
        out.append(LinkItem(
            title=" ".join(rng.choices(words, k=rng.randint(1, 3))),
            href=rng.choice(["a.html", "../b%20c.html", "x.html#h", 'q"&<.html']),
            folder=rng.choice(["", "Notes", "A & B/<c>"]),
            date=date,
            description=" ".join(rng.choices(words, k=rng.randint(0, 40)))))
    return out


@pytest.mark.parametrize("fmt", ["", "%d/%m/%Y", "%A %-d %B %y %%"])
def test_listing_entries_are_the_template_loops_byte_for_byte(fmt):
    """``listing_items`` (Python) writes what the theme's loop (``_LISTING_LOOP``) writes, for
    titles, hrefs, folders, dates and summaries of every kind, in every date format."""
    from generator.templating import _DATE_FORMAT, _LISTING_LOOP, listing_items, make_environment

    env = make_environment()
    env.globals[_DATE_FORMAT] = fmt
    loop = env.from_string(_LISTING_LOOP)
    for seed in range(30):
        items = _items(seed, 12)
        assert str(listing_items(env, items)) == loop.render(items=items)
        assert str(listing_items(env, items)) == loop.render(items=items)  # from the cache
    assert str(listing_items(env, [])) == loop.render(items=[]) == ""


def test_a_listing_of_a_users_own_items_is_written_by_the_loop(tmp_path):
    """A user's template may list items of its own (dicts): they are written as the loop writes
    them, with the site's date format."""
    vault = write_files(tmp_path / "v", {
        "A.md": "a\n",
        "vaultsite.toml": 'date_display = "%d/%m/%Y"\n',
        "_templates/note.html": (
            '{% extends "base.html" %}{% block main %}{{ m.listing(['
            '{"title": "T<1>", "href": "x.html", "folder": "F", "date": "2025-01-02", '
            '"description": "a `b`"}], "mine") }}{% endblock %}'),
    })
    site = build_vault(vault, tmp_path, copy=False)
    assert site.codes() == []
    ul = site.html("A.md").find("ul", class_="mine")
    assert ul.find("a", class_="listing-title")["href"] == "x.html"
    assert ul.find("a", class_="listing-title").get_text() == "T<1>"
    assert ul.find("span", class_="listing-folder").get_text() == "F"
    assert ul.find("time")["datetime"] == "2025-01-02"
    assert str(ul.find("p", class_="listing-description")) == \
        '<p class="listing-description">a <code>b</code></p>'


def test_a_users_own_listing_macro_is_used(tmp_path):
    """A user's macros.html with a listing loop of its own (as the theme's was) is what the
    backlinks and tag pages show."""
    own = ('{% macro listing(items, cls="listing") -%}<ol class="own">{% for item in items %}'
           '<li data-d="{{ item.date|humandate }}">{{ item.title }}</li>{% endfor %}</ol>'
           '{%- endmacro %}')
    theme = (Path(__file__).parent.parent / "templates" / "macros.html").read_text(encoding="utf-8")
    start = theme.index('{% macro listing(')
    end = theme.index("{%- endmacro %}", start) + len("{%- endmacro %}")
    vault = write_files(tmp_path / "v", {
        "A.md": "---\ndate: 2025-04-05\n---\nSee [[B]] #t\n",
        "B.md": "b\n",
        "vaultsite.toml": 'date_display = "%d/%m/%Y"\n',
        "_templates/macros.html": theme[:start] + own + theme[end:],
    })
    site = build_vault(vault, tmp_path, copy=False)
    assert site.codes() == []
    back = site.html("B.md").find(class_="backlinks").find("ol", class_="own")
    assert [(li.get_text(), li["data-d"]) for li in back.find_all("li")] == [("A", "05/04/2025")]
    tag = Site.soup(site.out / "_tags" / "t.html").find("ol", class_="own")
    assert [li.get_text() for li in tag.find_all("li")] == ["A"]



def _vault_of_listings(root: Path) -> Path:
    files = {"vaultsite.toml": 'date_display = "%A %-d %B"\n'}
    rng = random.Random(5)
    names = ["Alpha", "beta", "Ärger", "Note 2", "Note 10", "Q&A <x>", "café", "zeta"]
    for i in range(40):
        folder = rng.choice(["", "A/", "A/B/", "C d/"])
        tags = " ".join(rng.sample(["#t", "#t/u", "#v", "#w/x/y"], rng.randint(0, 3)))
        links = " ".join(f"[[{rng.choice(names)} {j}]]" for j in rng.sample(range(40), 4))
        date = f"date: 2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n" if i % 3 else ""
        files[f"{folder}{names[i % len(names)]} {i}.md"] = (
            f"---\n{date}---\nSummary with `code` & <b> {i}. {tags}\n\n{links}\n")
    files["Board.canvas"] = ('{"nodes":[{"id":"a","type":"file","file":"A/Alpha 8.md",'
                             '"x":0,"y":0,"width":10,"height":10}],"edges":[]}')
    return write_files(root, files)


def test_pages_with_listings_are_what_the_template_loop_writes(tmp_path):
    """Backlinks, tag, folder, graph and home pages built by the theme are, byte for byte, those
    built with a macros.html whose listing is the loop the theme had (``_LISTING_LOOP``)."""
    from generator.templating import _LISTING_LOOP

    vault = _vault_of_listings(tmp_path / "v")
    theme = (Path(__file__).parent.parent / "templates" / "macros.html").read_text(encoding="utf-8")
    ours = build_vault(vault, tmp_path / "ours")
    loop = ('{% macro listing(items, cls="listing") -%}\n<ul class="{{ cls }}">\n' + _LISTING_LOOP
            + "</ul>\n{%- endmacro %}")
    start = theme.index("{% macro listing(")
    end = theme.index("{%- endmacro %}", start) + len("{%- endmacro %}")
    write_files(vault, {"_templates/macros.html": theme[:start] + loop + theme[end:]})
    theirs = build_vault(vault, tmp_path / "theirs")
    pages = sorted(p.relative_to(ours.out) for p in ours.out.rglob("*.html"))
    assert len(pages) > 50
    assert pages == sorted(p.relative_to(theirs.out) for p in theirs.out.rglob("*.html"))
    for page in pages:
        assert (ours.out / page).read_bytes() == (theirs.out / page).read_bytes(), page
    assert ours.html("A/Alpha 8.md").find(class_="backlinks").find_all("li")


def test_listing_pages_write_each_items_repr_once(tmp_path, monkeypatch):
    """A note listed on its folder's page and on each of its tags' pages is signed (its ``repr``)
    once, not once per page: the signatures of 10,000 notes' listing pages cost a second."""
    from generator.templating import LinkItem

    files = {f"N{i}.md": "#a #b #c #d #e\n" for i in range(30)}
    vault = write_files(tmp_path / "v", files)
    calls = []
    plain = LinkItem.__repr__
    monkeypatch.setattr(LinkItem, "__repr__", lambda self: calls.append(1) or plain(self))
    site = build_vault(vault, tmp_path, copy=False)
    tag = Site.soup(site.out / "_tags" / "a.html").find("ul", class_="listing")
    assert len(tag.find_all("li")) == 30
    # 30 notes from the tags' folder, 30 on the graph page (and the folder of the home page, none)
    assert len(calls) <= 70, len(calls)
