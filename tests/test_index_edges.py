"""Name resolution edge cases found by the links audit: exact file names, did-you-mean hints."""

from __future__ import annotations

from tests.conftest import build_notes


def _hrefs(site, source: str) -> list[str]:
    return [a.get("href") for a in site.content(source).find_all("a")]


def test_a_name_with_its_extension_is_that_file_before_a_note_named_so(tmp_path):
    # Obsidian matches a link path as a file name first, and only then with ".md" appended
    site = build_notes(tmp_path, {
        "notes.txt": "plain text file\n",
        "notes.txt.md": "# A note\n",
        "data.csv": "a,b\n",
        "data.csv.md": "csv note\n",
        "L.md": "[[notes.txt]] [[data.csv]] [[data.csv.md]] [[notes.txt.md]]\n",
    })
    assert _hrefs(site, "L.md") == ["notes.txt", "data.csv", "data.csv.html", "notes.txt.html"]
    assert not [d for d in site.diagnostics if d.span and d.span.path == "L.md"]


def test_an_embed_with_an_extension_embeds_the_file(tmp_path):
    site = build_notes(tmp_path, {
        "data.csv": "a,b\n",
        "data.csv.md": "csv note\n",
        "L.md": "![[data.csv]]\n",
    })
    content = site.content("L.md")
    assert content.find(class_="embed-note") is None
    assert content.find("a", class_="embed-file")["href"] == "data.csv"
    assert "link-ambiguous" not in site.codes()


def test_exact_names_in_other_folders_still_compete(tmp_path):
    # by bare name, the file named exactly so wins over the ".md" note; two such are ambiguous
    site = build_notes(tmp_path, {
        "a/notes.txt": "one\n",
        "b/notes.txt": "two\n",
        "c/notes.txt.md": "note\n",
        "L.md": "[[notes.txt]]\n",
    })
    assert _hrefs(site, "L.md") == ["a/notes.txt"]
    [amb] = site.messages("link-ambiguous")
    assert "using a/notes.txt" in amb and "b/notes.txt" in amb and "notes.txt.md" not in amb


def test_the_root_path_still_wins_and_the_others_are_named(tmp_path):
    # the vault-root path (with ".md" appended) is looked up before names elsewhere, as before
    site = build_notes(tmp_path, {
        "a/notes.txt": "one\n",
        "notes.txt.md": "note\n",
        "L.md": "[[notes.txt]]\n",
    })
    assert _hrefs(site, "L.md") == ["notes.txt.html"]
    [amb] = site.messages("link-ambiguous")
    assert "using notes.txt.md" in amb and "a/notes.txt" in amb


def test_a_note_still_found_without_md(tmp_path):
    site = build_notes(tmp_path, {
        "v1.2.md": "version\n",
        "sub/Note.md": "n\n",
        "L.md": "[[v1.2]] [[Note]] [[sub/Note.md]] [[v1.2.md]]\n",
    })
    assert _hrefs(site, "L.md") == ["v1.2.html", "sub/Note.html", "sub/Note.html", "v1.2.html"]
    assert not site.diagnostics or all(d.span.path != "L.md" for d in site.diagnostics if d.span)


def _hint(site, code: str, target: str) -> str:
    [diag] = [d for d in site.diagnostics if d.code == code and repr(target) in d.message]
    return diag.hint or ""


def test_did_you_mean_the_same_name_with_another_extension(tmp_path):
    site = build_notes(tmp_path, {
        "pic.png": b"\x89PNG",
        "Board.canvas": "{}",
        "Plan.md": "p\n",
        "L.md": "![[pic.jpg]] [[Board]] [[Plan.pdf]]\n",
    })
    assert _hint(site, "link-unresolved", "pic.jpg") == "did you mean [[pic.png]]?"
    assert _hint(site, "link-unresolved", "Board") == "did you mean [[Board.canvas]]?"
    assert _hint(site, "link-unresolved", "Plan.pdf") == "did you mean [[Plan]]?"


HEADINGS = "## C# & F#\nx\n## With [brackets] and | pipe\ny\n## Plain: a colon\nz\n"


def test_heading_hints_write_a_link_that_works(tmp_path):
    site = build_notes(tmp_path, {
        "H.md": HEADINGS,
        "L.md": "[[H#C# & F#]] [[H#With [brackets] and | pipe]] [[H#Plain; a colon]]\n",
    })
    hints = sorted(d.hint for d in site.diagnostics if d.code == "anchor-unresolved")
    assert hints == ["did you mean [[H#C & F]]?", "did you mean [[H#Plain a colon]]?",
                     "did you mean [[H#With brackets and pipe]]?"]


def test_the_hinted_heading_links_resolve(tmp_path):
    site = build_notes(tmp_path, {
        "H.md": HEADINGS,
        "L.md": "[[H#C & F]] [[H#With brackets and pipe]] [[H#Plain a colon]] [[#Here]]\n\n## Here\n",
        "M.md": "[[L#Her]]\n",
    })
    assert "anchor-unresolved" in site.codes()  # M's link only
    assert [d.span.path for d in site.diagnostics if d.code == "anchor-unresolved"] == ["M.md"]
    page = site.page("L.md")
    for href in _hrefs(site, "L.md"):
        target, fragment = site.follow(page, href)
        assert site.soup(target).find(id=fragment) is not None, href


def test_links_in_properties_count_and_warn(tmp_path):
    # Obsidian (1.4.5+) tracks wikilinks in text and list properties as links of the note
    site = build_notes(tmp_path, {
        "Src.md": '---\nrelated: "[[Target]]"\nup: "[[Missing]]"\nsee:\n  - "[[Other|o]]"\n'
                  '  - "[[Target#Nope]]"\n---\nbody without links\n',
        "Target.md": "t\n",
        "Other.md": "o\n",
    })
    for name in ("Target.md", "Other.md"):
        section = site.html(name).find("section", class_="backlinks")
        assert [a["href"] for a in section.find_all("a")] == ["Src.html"], name
    assert site.result.index.backlinks["Target"] == ["Src"]
    assert set(site.result.index.outlinks["Src"]) == {"Target", "Other"}
    diags = [d.format() for d in site.diagnostics]
    assert any(d.startswith("Src.md:3:6: warning[link-unresolved]: link target 'Missing'")
               for d in diags), diags
    assert any(d.startswith("Src.md:6:6: warning[anchor-unresolved]: heading 'Nope'")
               for d in diags), diags
    assert "[[Target]]" not in site.content("Src.md").get_text()
