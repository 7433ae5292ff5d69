"""Session 19 `leftovers`: the gaps closing18.md left ("Left")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# -- search folds the letters NFKD leaves whole -------------------------------------------------------

FOLDED_NOTES = {
    # titles that match nothing typed in plain letters, bodies that hold the folded words
    "Berlin.md": "# Berlin\n\nThe Große Straße des Nordens and the park beyond it.\n",
    "Apples.md": "# Apples\n\nEt æble om dagen, says the Danish proverb.\n",
    "Poles.md": "# Poles\n\nA train from Łódź to Kraków, then a letter to Søren.\n",
    "Works.md": "# Works\n\nHis œuvre, a trip to Đakovo, the rune þorn, and Reykjavíkurð.\n",
    "Straße.md": "# Straße\n\nA note named with a sharp s.\n",
}


def test_search_words_fold_sharp_s_ligatures_and_barred_letters():
    """``words`` (the index's words) folded only what NFKD decomposes: ``é`` lost its accent but
    ``ß``, ``æ``, ``ø``, ``ł``, ``œ``, ``đ`` and ``þ`` stayed, so ``strasse`` could not find
    "Straße".  Capitals fold as their small letters do (``ẞ`` and ``Æ``)."""
    from generator.site.text import words

    assert words("Große STRASSE Straße ẞ") == ["grosse", "strasse", "strasse", "ss"]
    assert words("Æble æble Søren Łódź œuvre Đakovo þorn ðoor ħal ŧ ı") == [
        "aeble", "aeble", "soren", "lodz", "oeuvre", "dakovo", "thorn", "door", "hal", "t", "i"]


def test_the_browser_folds_with_the_same_table():
    """The browser's ``FOLD`` (vaultsite.js) and its character class are ``text.FOLD``: a letter
    folded on one side only is a word the query never matches."""
    from generator.site.text import FOLD

    js = (REPO / "templates/static/vaultsite.js").read_text(encoding="utf-8")
    table = json.loads(re.search(r"var FOLD = (\{[^}]*\});", js).group(1))
    chars = re.search(r"var FOLDED = /\[([^\]]*)\]/g;", js).group(1)
    assert table == FOLD and sorted(chars) == sorted(FOLD)


def test_the_search_index_holds_the_folded_words(tmp_path):
    from conftest import build_notes
    from test_site_data import call_args

    site = build_notes(tmp_path, FOLDED_NOTES)
    vocabulary = set()
    for path in sorted((site.out / "_search").glob("index-*.js")):
        vocabulary |= set(call_args(path.read_bytes(), "vsSearch.index")[1])
    assert {"strasse", "grosse", "aeble", "lodz", "soren", "oeuvre", "dakovo", "thorn"} <= vocabulary
    assert not {w for w in vocabulary if re.search("[ßæøłœđþ]", w)}


@pytest.fixture(scope="module")
def folded_site(tmp_path_factory) -> Path:
    from conftest import build_notes

    return build_notes(tmp_path_factory.mktemp("folded"), FOLDED_NOTES).out


def _search(page, query: str) -> list[tuple[str, list[str], str]]:
    """Each result of ``query``: its title, the marked words of its snippet, the snippet's HTML
    (once every snippet is in)."""
    box = page.locator("input[type=search]")
    box.fill("")
    box.focus()
    box.type(query, delay=10)
    page.wait_for_function(
        "() => { const p = document.querySelector('.search-results');"
        " return !p.hidden && !/searching note text|Loading/.test(p.textContent)"
        " && [...p.querySelectorAll('a')].every(a => a.querySelector('.r-snippet')); }")
    return page.evaluate("""() => [...document.querySelectorAll('.search-results a')].map(a => [
        a.querySelector('.r-title').textContent,
        [...a.querySelectorAll('.r-snippet mark')].map(m => m.textContent),
        a.querySelector('.r-snippet').innerHTML])""")


@pytest.mark.browser
def test_the_browser_finds_and_marks_folded_words(folded_site, chrome):
    """In headless Chromium: a query in plain letters finds the note that writes ``ß``, ``æ``,
    ``ł``, ``ø``, ``œ``, ``đ``, ``þ``, and the snippet marks the word as written; a query written
    with the letter finds it too.  Where folding makes the text longer (``ß`` is ``ss``) the marks
    after it still land on their words, and a prefix that ends inside ``ß`` marks the whole
    letter."""
    from chromium import page_of, require_browser

    require_browser()
    page = chrome.page()
    page.goto(page_of(folded_site, "Apples.md").as_uri())
    cases = {
        "strasse": ("Berlin", ["Straße"]),
        "straße": ("Berlin", ["Straße"]),
        "grosse strasse nordens": ("Berlin", ["Große", "Straße", "Nordens"]),
        "stras": ("Berlin", ["Straß"]),
        "aeble": ("Apples", ["æble"]),
        "lodz soren": ("Poles", ["Łódź", "Søren"]),
        "oeuvre dakovo thorn": ("Works", ["œuvre", "Đakovo", "þorn"]),
    }
    for query, (title, marks) in cases.items():
        found = {t: (m, html) for t, m, html in _search(page, query)}
        assert title in found, (query, found)
        assert found[title][0] == marks, (query, found[title])
    html = dict((t, h) for t, _m, h in _search(page, "grosse strasse"))["Berlin"]
    assert "The <mark>Große</mark> <mark>Straße</mark> des Nordens" in html
    # the note's title is found by its folded name and marked as written
    _search(page, "strasse")
    titles = page.evaluate("() => [...document.querySelectorAll('.search-results .r-title')]"
                           ".map(t => t.innerHTML)")
    assert "<mark>Straße</mark>" in titles
    page.close()
