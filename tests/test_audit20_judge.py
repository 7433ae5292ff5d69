"""Session 20 judge audit: findings of a researcher's vault (literature notes named by citekey
with Zotero-style front-matter, block references, math, footnotes, drafts)."""

from __future__ import annotations

import pytest
from conftest import build_notes

from tests.test_incremental import assert_edits_rebuild_as_clean

CRITIQUE = "Literature/Smith et al. (2020) - Attention Is Not Enough.md"


def test_a_link_by_a_notes_title_property_names_that_note(tmp_path):
    # Zotero templates name a literature note by its citekey (@smith2020.md) and put the paper's
    # title in `title`; Obsidian finds a note by its file name or an alias, never its title, so
    # [[Smith et al. (2020) - Attention: A Review]] is unresolved.  The hint sent the writer to
    # the wrong paper (the closest file name, another note by the same authors).
    site = build_notes(tmp_path, {
        "Literature/@smith2020.md": ('---\ntitle: "Smith et al. (2020) - Attention: A Review"\n'
                                     "---\nThe review.\n"),
        CRITIQUE: "The critique.\n",
        "Drafts/@doe2019.md": "---\ntitle: Doe (2019) - Secret\npublish: false\n---\nx\n",
        "Home.md": ("[[Smith et al. (2020) - Attention: A Review]] and "
                    "[[smith et al. (2020) - attention: a review#Summary]] and "
                    "[[Doe (2019) - Secret]] and [[Smith et al. (2020) - Attention: A Revue]]\n"),
    })
    hints = site.messages("link-unresolved")
    assert len(hints) == 4, hints
    by_title, any_case, draft, misspelt = hints
    for hint in (by_title, any_case):
        assert "is the title of Literature/@smith2020.md" in hint, hint
        assert "file name or an alias" in hint and "Attention Is Not Enough" not in hint, hint
    assert "[[Literature/@smith2020|Smith et al. (2020) - Attention: A Review]]" in by_title
    assert "[[Literature/@smith2020#Summary|smith et al. (2020) - attention: a review]]" in any_case
    # an unpublished note's title is not offered; a title misspelt keeps the closest-name hint
    assert "title" not in draft and "@doe2019" not in draft, draft
    assert "title" not in misspelt, misspelt
    assert site.html("Home.md").find_all(class_="broken")  # still unresolved, as in Obsidian


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
@pytest.mark.parametrize("edit", ["title given", "title changed"])
def test_a_title_that_comes_to_match_a_link_is_hinted_in_a_rebuild(tmp_path, in_memory, edit):
    # the hint depends on another note's title: a rebuild in which only that note changed must
    # warn as a clean build does
    before = {
        "Paper.md": ("---\ntitle: Old Title\n---\np\n" if edit == "title changed" else "p\n"),
        "Home.md": "[[A Long Paper Title]]\n",
        "Other.md": "[[Old Title]]\n",
    }
    after = {"Paper.md": "---\ntitle: A Long Paper Title\n---\np\n"}
    assert_edits_rebuild_as_clean(tmp_path, edit, before, [after], in_memory)


def test_a_property_link_written_without_quotes_is_said_to_be_no_link(tmp_path):
    # Templates (a Zotero import's, a Templater one's) that write `authors: [[Jane Smith]]` or
    # `- [[Jane Smith]]` without quotes give YAML a list inside a list, not a link: Obsidian's
    # help says links in properties must be quoted, and it shows no link.  The site, like
    # Obsidian, had no link, and said nothing: the author's page lost its backlink unseen.
    site = build_notes(tmp_path, {
        "People/Jane Smith.md": "Jane.\n",
        "People/Bob Lee.md": "Bob.\n",
        "@smith2020.md": ("---\nup: [[Home]]\nauthors:\n  - [[Jane Smith]]\n  - \"[[Bob Lee]]\"\n"
                          "related: \"[[Home]]\"\nmatrix: [[1, 2], [3, 4]]\nnumbers: [[7]]\n"
                          "---\nText.\n"),
        "Home.md": "home\n",
    })
    found = site.messages("property-link-unquoted")
    assert found == [
        "@smith2020.md:2:5: warning[property-link-unquoted]: the property 'up' holds [[Home]] "
        "without quotes, which YAML reads as a list inside a list, not a link (Obsidian too) "
        "(write it in quotes: \"[[Home]]\")",
        "@smith2020.md:4:5: warning[property-link-unquoted]: the property 'authors' holds "
        "[[Jane Smith]] without quotes, which YAML reads as a list inside a list, not a link "
        "(Obsidian too) (write it in quotes: \"[[Jane Smith]]\")",
    ], found
    # no link is made of it, as in Obsidian; the quoted ones are links
    assert not site.html("People/Jane Smith.md").find(class_="backlinks").find("a", class_="listing-title")
    assert site.html("People/Bob Lee.md").find(class_="backlinks").find("a", class_="listing-title")


def test_a_citekey_written_unquoted_in_front_matter_is_told_to_be_quoted(tmp_path):
    # YAML reserves '@' (and '`') at the start of a value, so `aliases: [@smith2020]` or
    # `related: [[@smith2020]]` breaks the whole front-matter; the warning said only "found
    # character that cannot start any token (fix the YAML)".  It now says which character and
    # how to write the value.
    site = build_notes(tmp_path, {
        "A.md": "---\ncitekey: smith2020\naliases: [@smith2020, Smith 2020]\n---\nbody\n",
        "B.md": "---\nrelated: [[@smith2020]]\n---\nbody\n",
        "C.md": "---\ncitekey: @doe2019\n---\nbody\n",
        "D.md": "---\ntitle: `code`\n---\nbody\n",
        "E.md": "---\ntitle: x\n  bad: indent\n---\nbody\n",  # another error keeps its message
    })
    found = site.messages("frontmatter-yaml")
    assert found[:4] == [
        "A.md:3:11: warning[frontmatter-yaml]: front-matter is not valid YAML: YAML reserves '@' "
        "at the start of a value (write @smith2020 in quotes: \"@smith2020\"; the note is "
        "published without its front-matter meanwhile)",
        "B.md:2:12: warning[frontmatter-yaml]: front-matter is not valid YAML: YAML reserves '@' "
        "at the start of a value (write [[@smith2020]] in quotes: \"[[@smith2020]]\"; the note is "
        "published without its front-matter meanwhile)",
        "C.md:2:10: warning[frontmatter-yaml]: front-matter is not valid YAML: YAML reserves '@' "
        "at the start of a value (write @doe2019 in quotes: \"@doe2019\"; the note is "
        "published without its front-matter meanwhile)",
        "D.md:2:8: warning[frontmatter-yaml]: front-matter is not valid YAML: YAML reserves '`' "
        "at the start of a value (write `code` in quotes: \"`code`\"; the note is "
        "published without its front-matter meanwhile)",
    ], found
    assert "reserves" not in found[4], found


def _search_rows(site) -> dict[str, list]:
    """The search's meta rows (``_search/meta.js``) by page URL."""
    import json

    text = (site.out / "_search" / "meta.js").read_text(encoding="utf-8")
    rows, _lengths = json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]")
    return {row[1]: row for row in rows}


def test_a_note_whose_title_is_a_property_is_found_by_its_file_name(tmp_path):
    # The explorer lists a literature note by its file name, @smith2020, as Obsidian does, and
    # Obsidian's quick switcher finds it so; the search knew only its `title` property, so
    # typing the citekey found the critique (alias smith2020b) and not the paper.
    site = build_notes(tmp_path, {
        "Literature/@smith2020.md": '---\ntitle: "Smith et al. (2020) - Attention: A Review"\n---\nx\n',
        "Literature/Critique.md": "---\naliases: [smith2020b]\n---\ny\n",
        "Plain.md": "---\ntitle: plain\n---\nsame name, other case\n",
    })
    rows = _search_rows(site)
    paper = rows[site.page("Literature/@smith2020.md").relative_to(site.out).as_posix()]
    assert paper[0] == "Smith et al. (2020) - Attention: A Review"
    assert paper[4] == ["@smith2020"], paper  # searched as an alias is (the row's 5th field)
    assert rows["Literature/Critique.html"][4] == ["smith2020b"]
    assert rows["Plain.html"][4] == []  # its title is its name: not twice


def test_the_commonest_broken_titles_are_named_in_plain_words(tmp_path):
    # A paper's title pasted into front-matter: with its colon unquoted, an apostrophe inside
    # single quotes, quotes inside double quotes, or a quote never closed.  Obsidian cannot read
    # these either; the warning gave YAML's words ("mapping values are not allowed in this
    # context", "did not find expected key") and, for an unclosed quote, stood after the end of
    # the front-matter.  Each now says what is wrong with the value and how to write it.
    site = build_notes(tmp_path, {
        "A.md": "---\ntitle: Attention: A Review\nyear: 2020\n---\nx\n",
        "B.md": "---\ntitle: 'Bayes' theorem'\n---\nx\n",
        "C.md": '---\ntitle: "He said "hi" twice"\n---\nx\n',
        "D.md": '---\ntitle: "Broken: YAML\ntags: [a, b]\n---\nx\n',
        "F.md": "---\ntitle: x\n  bad: indent\n---\nx\n",  # another mistake keeps YAML's words
        # several values with no brackets: a list was meant, not quotes inside one value
        "G.md": '---\nauthors: "[[Jane Smith]]", "[[Bob Lee]]"\n---\nx\n',
        "H.md": "---\nauthors: [[Jane Smith]], [[Bob Lee]]\n---\nx\n",
        "I.md": "---\nauthors: [[Jane Smith]], 'Bob Lee'\n---\nx\n",
    })
    found = {m.split(":", 1)[0]: m for m in site.messages("frontmatter-yaml")}
    tail = "; the note is published without its front-matter meanwhile)"
    assert found["A.md"] == (
        "A.md:2:17: warning[frontmatter-yaml]: front-matter is not valid YAML: the value of "
        "'title' holds ': ', which YAML reads as the start of another key (write the value in "
        "quotes: title: \"Attention: A Review\"" + tail)
    assert found["B.md"] == (
        "B.md:2:16: warning[frontmatter-yaml]: front-matter is not valid YAML: the value of "
        "'title' ends at its second ', and YAML cannot read what follows (theorem') (inside "
        "single quotes write ' twice: title: 'Bayes'' theorem'" + tail)
    assert found["C.md"] == (
        "C.md:2:18: warning[frontmatter-yaml]: front-matter is not valid YAML: the value of "
        "'title' ends at its second \", and YAML cannot read what follows (hi\" twice\") (inside "
        "double quotes write \\\" for a quote: title: \"He said \\\"hi\\\" twice\"" + tail)
    assert found["D.md"] == (
        "D.md:2:8: warning[frontmatter-yaml]: front-matter is not valid YAML: the \" opened here "
        "is never closed, so the rest of the front-matter is read as this value (close the \" at "
        "the end of the value" + tail)
    assert "YAML reads" not in found["F.md"] and "mapping values" in found["F.md"], found["F.md"]
    assert found["G.md"] == (
        "G.md:2:26: warning[frontmatter-yaml]: front-matter is not valid YAML: the value of "
        "'authors' is several items with no [ ] around them (write the list in brackets: "
        "authors: [\"[[Jane Smith]]\", \"[[Bob Lee]]\"]" + tail)
    assert found["H.md"] == (
        "H.md:2:24: warning[frontmatter-yaml]: front-matter is not valid YAML: the value of "
        "'authors' is several links, without quotes and with no [ ] around them (write the list "
        "in brackets: authors: [\"[[Jane Smith]]\", \"[[Bob Lee]]\"]" + tail)
    assert "authors: [\"[[Jane Smith]]\", 'Bob Lee']" in found["I.md"], found["I.md"]


def test_an_alias_with_an_unquoted_colon_is_said_to_be_no_alias(tmp_path):
    # `- Smith (2020): A Review` under `aliases` is valid YAML, but a key and its value, not
    # text: the note had no such alias, and a link by it was only "create the note".
    site = build_notes(tmp_path, {
        "@smith2020.md": ("---\naliases:\n  - Smith (2020): A Review\n  - plain\n"
                          "tags: [ok, \"topic: x\", topic: attention]\n---\nx\n"),
        "Home.md": "[[plain]] and [[Smith (2020): A Review]]\n",
    })
    found = site.messages("frontmatter-yaml")
    assert found == [
        "@smith2020.md:3:5: warning[frontmatter-yaml]: the aliases item 'Smith (2020): A Review' "
        "holds ': ', which YAML reads as a key and its value, not as text, so it is no alias "
        "(write it in quotes: \"Smith (2020): A Review\")",
        "@smith2020.md:5:24: warning[frontmatter-yaml]: the tags item 'topic: attention' holds "
        "': ', which YAML reads as a key and its value, not as text, so it is no tag "
        "(write it in quotes: \"topic: attention\")",
    ], found
    assert len(site.messages("link-unresolved")) == 1  # still no alias, as in Obsidian


def test_a_date_written_as_a_bare_year_is_placed_at_its_value(tmp_path):
    # `date: 2020` (a paper's year put in `date`) is no date; the warning stood at the key, 2:1,
    # where the README promises the value's place, as for any other unreadable date
    site = build_notes(tmp_path, {
        "A.md": "---\ndate: 2020\n---\nx\n",
        "B.md": "---\ncreated:   2020.5\n---\nx\n",
        "C.md": "---\ndate: 20-20-2020\n---\nx\n",
    })
    places = [m.split(": ", 1)[0] for m in site.messages("date-format")]
    assert places == ["A.md:2:7", "B.md:2:12", "C.md:2:7"], places
