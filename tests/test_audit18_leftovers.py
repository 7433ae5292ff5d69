"""Session 18 `leftovers`: the gaps and doubts closing17.md left ("Left")."""

from __future__ import annotations

from pathlib import Path

import pytest

# -- callouts and comments ---------------------------------------------------------------------------

COMMENTED_CALLOUTS = {
    # a comment opened on the callout's first line, hiding a code block (the fuzzer's case)
    "Fold.md": "> [!note]-\n> %%\n> ```\n> secret1\n> ```\n> %%\n> body1\n",
    # a title that is only a comment, closed or left open on the title line
    "Closed.md": "> [!note] %%secret2%%\n> body2\n",
    "Open.md": "> [!tip] %%secret3\n> secret4\n> %%\n> body3\n",
    "Alias.md": "> [!faq]- %%secret5%%\n> body4\n",
    "Html.md": "> [!warning] <!-- secret6 -->\n> body5\n",
    # a callout whose only body text is a comment
    "Only.md": "> [!info] Kept\n> %%secret7%%\n",
    # a comment at the start of a callout's paragraph, a line of its own
    "Start.md": "> [!note] T\n> %%secret8%%\n> body6\n",
    # a comment left open in a paragraph, closed by a %% line of its own
    "Para.md": "para %%secret9\n\nsecret10\n\n%%\nbody7\n",
    # a paragraph of comments only
    "Two.md": "%%secret11%% %%secret12%%\n\nbody8\n",
}


@pytest.fixture(scope="module")
def commented(tmp_path_factory):
    from conftest import build_notes

    return build_notes(tmp_path_factory.mktemp("commented"), COMMENTED_CALLOUTS)


@pytest.mark.parametrize("note, title", [
    ("Closed.md", "Note"), ("Open.md", "Tip"), ("Alias.md", "Faq"), ("Html.md", "Warning"),
])
def test_a_callout_title_that_is_only_a_comment_is_the_types_title(commented, note, title):
    """``> [!note] %%hidden%%`` showed an empty title bar.  Obsidian's help: "By default, the
    title of the callout is its type identifier in title case"; a title that shows nothing is
    taken as none written ("Note"; an alias as written, "Faq"), no source saying otherwise."""
    box = commented.content(note).find(class_="callout")
    assert box.find(class_="callout-title-inner").get_text() == title
    assert "body" in box.find(class_="callout-content").get_text()


def test_a_written_title_beside_a_comment_stays(tmp_path: Path):
    """Only a title with nothing to show falls back: ``Title %%x%%`` is "Title", and a code
    span holding ``%%`` is text (not a comment)."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "> [!note] Title %%x%%\n> b\n\n> [!note] `%%`\n> c\n"})
    titles = [t.get_text() for t in site.content("A.md").find_all(class_="callout-title-inner")]
    assert titles == ["Title ", "%%"]


@pytest.mark.parametrize("note", sorted(COMMENTED_CALLOUTS))
def test_a_comment_leaves_no_empty_paragraph_nor_blank_first_line(commented, note):
    """A paragraph whose text was all comments left an empty ``<p></p>`` (in a callout opened
    by ``> %%``, a title-line comment, ``%%a%% %%b%%``), and the text after a comment closed
    on a ``%%`` line of its own began with a ``<br>``, a blank first line.  Neither is left;
    the visible text is all there, and no commented word is."""
    content = commented.content(note)
    for p in content.find_all("p"):
        assert p.get_text().strip() or p.find(True), f"empty <p> in {note}: {content}"
        first = next((c for c in p.children if str(c).strip()), None)
        assert getattr(first, "name", None) != "br", f"<p> starting with <br> in {note}"
    assert "secret" not in str(content)
    assert "body" in content.get_text() or note == "Only.md"


def test_a_paragraph_of_comments_with_a_block_id_keeps_its_anchor(tmp_path: Path):
    """A paragraph left empty by comments but named by a block id stays (empty), so that the
    link to it still lands somewhere."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "%%x%% ^blk\n\nSee [[#^blk]]\n"})
    content = site.content("A.md")
    assert content.find(id="^blk") is not None
    assert site.codes() == []


# -- unsettled syntax: what vaultsite does, and what the evidence says -------------------------------

def test_a_footnote_label_with_a_space_is_no_footnote(tmp_path: Path):
    """``[^Idea One]`` stays as written and ``[^Widom]`` beside it is footnote 1.  The
    obsidian-footnotes plugin (MichaBrugger/obsidian-footnotes, src/parsing/footnote-grammar.ts:
    "Obsidian won't render a footnote whose name contains whitespace") warns about such names
    for that reason; the one issue that seemed to say otherwise (#40) shows no reading view."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "a[^Idea One] b[^Widom]\n\n"
                                          "[^Idea One]: Keep it short.\n[^Widom]: second\n"})
    content = site.content("A.md")
    refs = content.select("sup.footnote-ref")
    assert [r.get_text() for r in refs] == ["[1]"]
    assert "a[^Idea One] b" in content.get_text()
    assert "[^Idea One]: Keep it short." in content.get_text()
    assert [li.get_text(" ", strip=True).split(" ")[0] for li in content.select("li.footnote-item")] \
        == ["second"]


@pytest.mark.parametrize("text, target, shown", [
    ("[[Note\\|the note]]", "Note", "the note"),  # as copied out of a table
    ("![[Note\\|x]] ", "Note", None),
])
def test_an_escaped_bar_outside_a_table_is_the_alias_separator(tmp_path: Path, text, target, shown):
    """``[[Note\\|text]]`` in a paragraph (a link copied out of a table) reads as
    ``[[Note|text]]``: a name cannot end with ``\\`` (Obsidian forbids it in file names), and a
    marksman issue (artempyanykh/marksman#288) reports that Obsidian ignores the backslash."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": f"See {text} here.\n", f"{target}.md": "# Note\n\nbody\n"})
    assert site.codes() == []
    content = site.content("A.md")
    if shown is not None:
        link = content.find("a", class_="internal-link")
        assert link.get_text() == shown
        assert site.follow(site.page("A.md"), link["href"])[0] == site.page("Note.md")
    else:
        assert "body" in content.get_text()


def test_a_bare_escaped_bar_is_a_bar(tmp_path: Path):
    """Outside a link, ``\\|`` is CommonMark's escape: a ``|``."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "a \\| b\n"})
    assert site.content("A.md").find("p").get_text() == "a | b"


@pytest.mark.parametrize("text, tags", [
    ("(#paren)", ["paren"]),
    ("[#inlink](https://example.org)", []),
    ("$x$#aftermath", []),
    ("![](pic.png)#afterimage", []),
    ("a[^1]#afternote\n\n[^1]: n", []),
])
def test_where_a_hash_after_punctuation_or_a_token_is_a_tag(tmp_path: Path, text, tags):
    """The places no source settles, as vaultsite reads them (README): ``(#tag)`` is a tag; a
    ``#`` in a Markdown link's text, or right after inline math, a picture or a footnote
    reference, is text."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": text + "\n", "pic.png": b"\x89PNG\r\n\x1a\n"})
    found = [a.get_text().lstrip("#") for a in site.content("A.md").select("a.tag")]
    assert found == tags


# -- a note named like its folder's page ---------------------------------------------------------------

def test_a_note_named_index_in_a_folder_steps_aside_from_the_folder_page(tmp_path: Path):
    """``Projects/Index.md`` cannot be ``Projects/Index.html`` beside the folder's own page
    ``Projects/index.html`` on a case-insensitive disk (macOS, Windows), nor take that page's
    address (GitHub Pages serves it for ``Projects/``; the explorer's "all N" link leads there):
    it is ``Projects/Index-2.html``, and every link to it follows (README, Tags and URLs)."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "Projects/Index.md": "# Projects index\n\nSee [[Plan]].\n",
        "Projects/Plan.md": "# Plan\n\nBack to [[Projects/Index|the index]] and [x](Index.md).\n",
    })
    assert site.codes() == []
    note = site.page("Projects/Index.md")
    assert note.relative_to(site.out).as_posix() == "Projects/Index-2.html"
    folder = site.out / "Projects" / "index.html"
    assert "Index" in [a.get_text() for a in site.soup(folder).select("main a")]
    files = [p.relative_to(site.out).as_posix().casefold() for p in site.out.rglob("*")]
    assert len(files) == len(set(files))  # nothing two files a case-insensitive disk would merge
    plan = site.page("Projects/Plan.md")
    for link in site.content("Projects/Plan.md").find_all("a", class_="internal-link"):
        assert site.follow(plan, link["href"])[0] == note


# -- publish.css --------------------------------------------------------------------------------------

PUBLISH_CSS = """@import url("https://fonts.googleapis.com/css2?family=Inter");
@font-face { font-family: Inter; src: url("Fonts/Inter.woff2") format("woff2"); }
body { --accent: #7a3; background: url(https://tracker.example/p.png) no-repeat; }
.a { background: u\\72l(//cdn.example/x.png); width: expression(alert(1)); }
.b { background-image: url('pics/Bg.PNG'); content: "url(https://in.a.string/)"; }
.c::after { content: "</style><script>alert(1)</script>"; }
.d { background: image-set("https://x.example/1.png" 1x, url(data:image/png;base64,AAAA) 2x); }
/* url(https://in.a.comment/) */
"""


def _publish_vault(root: Path, css: str = PUBLISH_CSS) -> Path:
    from conftest import write_files

    return write_files(root, {"Sub/A.md": "# A\n\ntext\n", "B.md": "# B\n\nb\n",
                              "Fonts/Inter.woff2": b"wOF2", "pics/bg.png": b"\x89PNG\r\n\x1a\n",
                              "publish.css": css})


def test_publish_css_is_linked_after_the_theme_and_loads_nothing_from_elsewhere(tmp_path: Path):
    """Obsidian Publish styles a site with ``publish.css`` at the vault root (its help, "Customize
    your site").  It is published as ``_assets/publish.css``, linked from every page after the
    theme's stylesheet (a file of its own, never inlined in a ``<style>``), with what would load
    from another host gone (``@import``, remote ``url()``s, also escaped or in ``image-set()``)
    and ``expression()``; the vault's own font and picture, named by path from the vault root
    (the picture in another case), are published and found from the copy."""
    from conftest import build_vault

    vault = _publish_vault(tmp_path / "v")
    site = build_vault(vault, tmp_path, copy=False)
    [warned] = site.messages("attachment-sanitised")
    assert warned.startswith("publish.css:1:1: warning[attachment-sanitised]")
    assert "@import" in warned and "tracker.example" in warned and "expression()" in warned
    css = (site.out / "_assets" / "publish.css").read_text(encoding="utf-8")
    for gone in ("googleapis", "tracker.example", "cdn.example", "x.example", "expression",
                 "in.a.comment", "@import"):
        assert gone not in css, gone
    assert "--accent: #7a3" in css and '"url(https://in.a.string/)"' in css
    assert "data:image/png;base64,AAAA" in css
    for ref, target in (('url("../Fonts/Inter.woff2")', "Fonts/Inter.woff2"),
                        ('url("../pics/bg.png")', "pics/bg.png")):
        assert ref in css
        assert (site.out / target).is_file()
    for source in ("Sub/A.md", "B.md"):
        page = site.page(source)
        links = [link["href"] for link in site.html(source).find_all("link", rel="stylesheet")]
        assert links[-1].endswith("_assets/publish.css") and "style.css" in links[-2]
        assert site.follow(page, links[-1])[0] == site.out / "_assets" / "publish.css"
    for page in site.out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "alert(1)" not in text and "</style><script>" not in text


def test_check_says_what_build_says_of_publish_css(tmp_path: Path):
    from generator.config import load_config
    from generator.pipeline import check

    vault = _publish_vault(tmp_path / "v")
    found = [d.format() for d in check(load_config(vault)).diagnostics]
    assert len(found) == 1 and found[0].startswith("publish.css:1:1: warning[attachment-sanitised]")


def test_a_vault_without_publish_css_links_none(tmp_path: Path):
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "a\n", "other.css": "body { color: red }\n"})
    assert not (site.out / "_assets" / "publish.css").exists()
    links = [link["href"] for link in site.html("A.md").find_all("link", rel="stylesheet")]
    assert not any("publish" in href for href in links)


def test_adding_editing_and_removing_publish_css_rebuilds_as_a_clean_build_does(tmp_path: Path):
    """Every page links ``publish.css`` or not: adding or removing the file re-renders them all
    (the link is site-wide input), and an edit of it is published again."""
    import shutil

    from conftest import file_tree

    from generator.config import load_config
    from generator.pipeline import build

    vault = _publish_vault(tmp_path / "v", css="body { color: red }\n")
    (vault / "publish.css").unlink()
    out = tmp_path / "inc"
    state = build(load_config(vault), out, exec_mode="no-exec").state
    for step in ("add", "edit", "remove"):
        if step == "add":
            (vault / "publish.css").write_text("body { color: red }\n")
        elif step == "edit":
            (vault / "publish.css").write_text("body { color: blue }\n")
        else:
            (vault / "publish.css").unlink()
        state = build(load_config(vault), out, state=state, exec_mode="no-exec").state
        clean = tmp_path / f"clean-{step}"
        build(load_config(vault), clean, exec_mode="no-exec")
        assert file_tree(out) == file_tree(clean), step
        shutil.rmtree(clean)
    assert not (out / "_assets" / "publish.css").exists()


def test_an_unreadable_publish_css_is_linked_from_no_page(tmp_path: Path, monkeypatch):
    """A ``publish.css`` the build cannot read (its permissions) is an ``unreadable`` warning,
    and no page links the stylesheet that is then not there (``check`` says the same)."""
    from conftest import build_vault

    from generator.config import load_config
    from generator.pipeline import check

    vault = _publish_vault(tmp_path / "v", css="body { color: red }\n")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "publish.css":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    site = build_vault(vault, tmp_path, copy=False)
    assert site.messages("unreadable") == [
        "publish.css: warning[unreadable]: cannot read file: Permission denied (make it readable "
        "by the user running vaultsite (check its permissions and owner), or move it out of the "
        "vault)"]
    assert not (site.out / "_assets" / "publish.css").exists()
    for source in ("Sub/A.md", "B.md"):
        for link in site.html(source).find_all("link", rel="stylesheet"):
            site.follow(site.page(source), link["href"])
    assert [d.format() for d in check(load_config(vault)).diagnostics] == site.messages("unreadable")


def test_a_url_to_an_element_of_the_page_stays(tmp_path: Path):
    """``url(#shape)`` names an element of the page (an SVG filter, mask or clip path): nothing
    is loaded, so it stays, without a warning."""
    from conftest import build_vault

    vault = _publish_vault(tmp_path / "v", css=".a { filter: url(#soft); clip-path: url('#c'); }\n")
    site = build_vault(vault, tmp_path, copy=False)
    assert site.codes() == []
    css = (site.out / "_assets" / "publish.css").read_text(encoding="utf-8")
    assert 'filter: url("#soft")' in css and 'clip-path: url("#c")' in css
