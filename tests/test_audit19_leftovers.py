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


# -- a link whose only file is in Obsidian's trash ----------------------------------------------------

TRASHED = {
    ".trash/Old idea.md": "# Old idea\n",
    ".trash/pic.png": "not a picture",
    ".trash/Recipes/Waffles.md": "# Waffles\n",  # a folder moved to the trash whole
    ".trash/Pancakes.md": "# Pancakes\n",  # trashed from Recipes/: the trash keeps no folders
    "Recipes/Soup.md": "# Soup\n",
    "Idea board.md": "# Idea board\n",
    "Home.md": "See [[Old idea]] and ![[pic.png]].\n\n[[Recipes/Waffles]], [[Waffles]], "
               "[[Recipes/Pancakes]].\n\n[[.trash/Old idea]] and [[Idea bord]].\n",
}


def test_a_link_to_a_trashed_note_says_it_is_in_the_trash(tmp_path):
    """``[[Old idea]]`` whose only file is ``.trash/Old idea.md`` (Obsidian's trash: "Move to
    Obsidian trash" puts a deleted file there, at its root) was told "create the note or fix the
    name".  It now names the trashed file and where to move it back: the folder the link names
    (the trash keeps none), else the file's place in the trash."""
    from conftest import build_notes

    site = build_notes(tmp_path, TRASHED)
    said = {m.split(": warning")[0]: m.split("warning[link-unresolved]: ")[1]
            for m in site.messages("link-unresolved")}
    trash = "in Obsidian's trash, which the site never publishes"
    assert said == {
        "Home.md:1:5": f"link target 'Old idea' is .trash/Old idea.md, {trash} "
                       "(move .trash/Old idea.md to Old idea.md to publish it, or remove the link)",
        "Home.md:1:22": f"embed target 'pic.png' is .trash/pic.png, {trash} "
                        "(move .trash/pic.png to pic.png to publish it, or remove the embed)",
        "Home.md:3:1": f"link target 'Recipes/Waffles' is .trash/Recipes/Waffles.md, {trash} "
                       "(move .trash/Recipes/Waffles.md to Recipes/Waffles.md to publish it, or "
                       "remove the link)",
        "Home.md:3:22": f"link target 'Waffles' is .trash/Recipes/Waffles.md, {trash} "
                        "(move .trash/Recipes/Waffles.md to Recipes/Waffles.md to publish it, or "
                        "remove the link)",
        "Home.md:3:35": f"link target 'Recipes/Pancakes' is .trash/Pancakes.md, {trash} "
                        "(move .trash/Pancakes.md to Recipes/Pancakes.md to publish it, or remove "
                        "the link)",
        "Home.md:5:1": f"link target '.trash/Old idea' is .trash/Old idea.md, {trash} "
                       "(move .trash/Old idea.md to Old idea.md to publish it and take .trash/ out "
                       "of the link, or remove the link)",
        # nothing in the trash: the closest name, as before
        "Home.md:5:25": "link target 'Idea bord' does not exist in the vault "
                        "(did you mean [[Idea board]]?)",
    }
    # the trash is still never published
    assert not [p for p in site.out.rglob("*")
                if "trash" in p.relative_to(site.out).as_posix().lower()]


def test_a_trashed_file_beside_a_published_one_changes_nothing(tmp_path):
    """A name the vault has outside the trash resolves as ever, and a path link whose name a
    published note has is told of that note (did you mean), not of the trashed file."""
    from conftest import build_notes

    site = build_notes(tmp_path, {".trash/Soup.md": "old\n", "Recipes/Soup.md": "# Soup\n",
                                  ".trash/Stew.md": "old\n", "Stew.md": "# Stew\n",
                                  "Home.md": "[[Soup]] [[Old/Stew]]\n"})
    assert [m.split("]: ")[1] for m in site.messages("link-unresolved")] == [
        "link target 'Old/Stew' does not exist in the vault (did you mean [[Stew]]?)"]


# -- did you mean: names compared as words ------------------------------------------------------------

def test_a_name_is_suggested_by_its_words_punctuation_aside(tmp_path):
    """``[[Smith 2020]]`` got no hint for ``Smith (2020) - On Things.md``: a name that begins or
    ends with the link's words was found only when the words stood in it as written (``(2020)``
    is not ``2020``).  Names are now compared as their words, without the punctuation at their
    ends (``_`` is a space).  A link whose words begin no name still gets none."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "Literature/Smith (2020) - On Things.md": "# S\n",
        "Literature/Jones & Lee (2019) - Learning, Fast.md": "# J\n",
        "Literature/Smith_2019_notes.md": "# S2\n",
        "Journal/2024-01-15.md": "# Day\n",
        "Smith, J. (2018) Thinking.md": "# T\n",  # a '.' in a note's name is no extension
        "C++ tips.md": "# C\n",
        "Home.md": "[[Smith 2020]] [[Jones Lee 2019]] [[Learning Fast]] [[Smith 2020 On Things]] "
                   "[[smith 2019]] [[Smith 2021]] [[Lee 2019]] [[2024]] [[Smith J]] [[C++]]\n"})
    hints = {d.message.split("target ")[1].split(" does")[0]: d.hint
             for d in site.diagnostics if d.code == "link-unresolved"}
    assert hints == {
        "'Smith 2020'": "did you mean [[Literature/Smith (2020) - On Things]]?",
        "'Jones Lee 2019'": "did you mean [[Literature/Jones & Lee (2019) - Learning, Fast]]?",
        "'Learning Fast'": "did you mean [[Literature/Jones & Lee (2019) - Learning, Fast]]?",
        "'Smith 2020 On Things'": "did you mean [[Literature/Smith (2020) - On Things]]?",
        "'smith 2019'": "did you mean [[Literature/Smith_2019_notes]]?",
        "'Smith 2021'": "create the note or fix the name",
        "'Lee 2019'": "create the note or fix the name",
        # punctuation inside a word stays: a year note is not told of a daily note
        "'2024'": "create the note or fix the name",
        "'Smith J'": "did you mean [[Smith, J. (2018) Thinking]]?",
        # symbols are part of a word: as before
        "'C++'": "did you mean [[C++ tips]]?",
    }


# -- what a comment or the sanitiser takes leaves no blank line nor empty paragraph -------------------

def test_a_comment_on_lines_of_its_own_inside_a_paragraph_leaves_one_line_break(tmp_path):
    """``before`` / ``%%`` / ``hidden`` / ``%%`` / ``after`` in a callout showed a blank line
    between the two (two ``<br>``: the line breaks before and after the comment); the comment
    takes its lines whole, as in a paragraph outside a callout.  A comment inside a line
    (``a %%x%% b``) and a written hard break stay as they were."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "A.md": "> [!note] Title\n> before\n> %%\n> secret1\n> lines\n> %%\n> after\n\n"
                "para one\n%%one-line%%\npara two\n\nkept  \n%%x%%\nbreak\n\nin %%x%% line\n"})
    paragraphs = [str(p) for p in site.content("A.md").find_all("p")]
    assert paragraphs == ["<p>before<br/>\nafter</p>", "<p>para one<br/>\npara two</p>",
                          "<p>kept<br/>\nbreak</p>", "<p>in  line</p>"]
    assert "secret1" not in site.page("A.md").read_text(encoding="utf-8")


def test_raw_html_the_sanitiser_takes_whole_leaves_no_empty_paragraph(tmp_path):
    """``<math>…</math>`` (or a ``<select>``) alone in a paragraph left ``<p></p>``: a blank
    paragraph's height in the page.  The warning still names what went, and a paragraph a block
    id names keeps its tags (a link leads to it)."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "A.md": "text\n\n<math><mi>x</mi></math>\n\nmore\n\n<select><option>a</option></select>\n"
                "<math>y</math>\n\nend\n\n<math>z</math> ^kept\n\nlast [[#^kept]]\n"})
    content = site.content("A.md")
    assert [str(p) for p in content.find_all("p")] == [
        "<p>text</p>", "<p>more</p>", "<p>end</p>", '<p id="^kept"></p>',
        '<p>last <a class="internal-link" data-note="A.html" href="#%5Ekept">^kept</a></p>']
    assert [m.split("]: ")[1].split(";")[0] for m in site.messages("html-sanitised")] == [
        f"raw HTML left out of the page: <{name}> and what it holds"
        for name in ("math", "select", "math", "math")]


# -- the home page's meta description ----------------------------------------------------------------

@pytest.mark.parametrize("config, front, expected", [
    # the site's description set: it is the home page's, not the home note's first words
    ('description = "A garden of notes on Python."\n', "", "A garden of notes on Python."),
    # the home note says its own: that wins, it was written for this page
    ('description = "A garden of notes on Python."\n', "---\ndescription: Start here.\n---\n",
     "Start here."),
    # neither: the home note's first words, as before
    ("", "", "Welcome to the garden, where the notes grow."),
])
def test_the_home_page_meta_description(tmp_path, config, front, expected):
    """The home page's ``<meta name="description">`` was the home note's summary even when
    vaultsite.toml set ``description`` (documented as the site's description, for the home page):
    a search engine showed the note's first paragraph under the site's name.  The home note's own
    front-matter ``description`` comes first, then the site's, then the note's first words."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "vaultsite.toml": f'title = "Garden"\nhome = "Start"\n{config}',
        "Start.md": f"{front}# Start\n\nWelcome to the garden, where the notes grow.\n",
        "Other.md": "# Other\n\nAnother note.\n"})
    home = site.soup(site.out / "index.html")
    assert home.find("meta", attrs={"name": "description"})["content"] == expected
    # a link preview (Mastodon, Slack, Facebook) reads og:description: the same words
    assert home.find("meta", attrs={"property": "og:description"})["content"] == expected
    # a note page keeps its own summary
    other = site.html("Other.md")
    assert other.find("meta", attrs={"name": "description"})["content"] == "Another note."
    assert other.find("meta", attrs={"property": "og:description"})["content"] == "Another note."


def test_many_comment_lines_in_one_paragraph_cost_linear_time():
    """Collapsing the line breaks around whole-line comments looks each token up once: a paragraph
    of thousands of ``%%x%%`` lines costs four times as much at four times the lines (a list
    lookup made it sixteen)."""
    from conftest import render_cost

    from generator.markdown import make_markdown

    md = make_markdown()
    small, big = (render_cost(md, "a\n%%x%%\n" * n + "end\n") for n in (4000, 16000))
    assert big < 8 * small + 0.3, (small, big)
