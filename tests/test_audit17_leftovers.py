"""Session 17 `leftovers`: the gaps and doubts closing16.md left ("Left")."""

from __future__ import annotations

from pathlib import Path

import pytest

# -- an absolute `mounts` folder -------------------------------------------------------------------

MOUNTED = {
    "ext/Ext note.md": "# Ext note\n\nback to [[Home]]\n",
    "ext/pic.png": b"\x89PNG\r\n\x1a\n",
    "vault/Home.md": "See [[Ext note]], [[pic.png]] and ![[pic.png]]\n",
}


def _site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_an_absolute_mount_publishes_what_the_same_relative_mount_does(tmp_path: Path):
    """README said a mount's folder is relative to the vault, and an absolute one was accepted
    all the same.  It is allowed (and now documented): a relative path reaches any folder too
    (``../../..``), the mount is the vault owner's explicit choice, and the checks that keep what
    the vault publishes anyway (or a folder holding the vault) from being mounted apply alike.
    The site is byte for byte the one the relative spelling makes, and names no machine path."""
    from conftest import build_vault, write_files

    write_files(tmp_path, MOUNTED)
    vault = tmp_path / "vault"
    sites = {}
    for spelling in ("../ext", str(tmp_path / "ext")):
        (vault / "vaultsite.toml").write_text(f'mounts = {{ Ext = "{spelling}" }}\n')
        here = tmp_path / ("abs" if spelling.startswith("/") else "rel")
        site = build_vault(vault, here, copy=False)
        assert site.diagnostics == [], [d.format() for d in site.diagnostics]
        assert site.has("Ext/Ext note.md")
        sites[spelling] = _site_files(here / "site")
    relative, absolute = sites.values()
    assert "Ext/pic.png" in absolute and absolute == relative
    assert not any(str(tmp_path).encode() in data for data in absolute.values())


def test_an_absolute_mount_that_holds_the_vault_is_skipped(tmp_path: Path):
    """Absolute or not, a mount of a folder that holds the vault would publish the vault twice:
    it is skipped with a ``duplicate-path`` warning at its line."""
    from conftest import build_vault, write_files

    write_files(tmp_path, MOUNTED)
    vault = tmp_path / "vault"
    (vault / "vaultsite.toml").write_text(f'title = "T"\nmounts = {{ Up = "{tmp_path}" }}\n')
    site = build_vault(vault, tmp_path, copy=False)
    [warning] = site.messages("duplicate-path")
    assert warning.startswith("vaultsite.toml:2:") and "holds the vault" in warning
    assert not site.has("Up/ext/Ext note.md")


@pytest.mark.parametrize("folder, said", [
    ("/nowhere/att", "absolute path names a folder of one machine only"),
    ("~/att", "`~` is not your home folder here"),
    ("../nope", "the path is from the vault folder"),
])
def test_a_mount_that_names_no_folder_says_how_its_path_is_read(tmp_path: Path, folder, said):
    """A missing absolute mount was told "(the path is from the vault folder)", which it is not;
    ``~/att`` was told the same, though the user meant a home folder.  Each now hears how its
    path is read, at the mount's line."""
    from generator.config import ConfigError, load_config

    (tmp_path / "vaultsite.toml").write_text(f'title = "T"\n[mounts]\nAtt = "{folder}"\n')
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    message = str(err.value)
    assert message.startswith("vaultsite.toml:3:7: `mounts.Att`") and said in message, message


# -- an unpublished note's embed inside a link's text -----------------------------------------------

def test_an_unpublished_note_s_embed_reads_the_same_in_a_link_s_text_in_both_spellings(tmp_path: Path):
    """Outside a link's text, ``![[Draft]]`` and ``![](Draft.md)`` of a note left out both read as
    the muted "Draft" span (its link text, never its words).  Inside a link's text the wikilink
    spelling kept that reading, while the Markdown one read ``Draft.md`` as the link's words, as
    if the note were published.  Both now read as they do outside (the span, in the outer link),
    on the page and in the search text; a published note's embed keeps its name as the words."""
    from conftest import build_notes
    from test_audit15_leftovers import _search_text

    site = build_notes(tmp_path, {
        "Draft.md": "---\npublish: false\n---\nSECRETWORD\n",
        "Other.md": "OTHERBODY\n",
        "Host.md": "Out ![[Draft]] ![](Draft.md) ![d](Draft.md) ![](Draft.md#H) ![[Draft#H]].\n\n"
                   "In [![[Draft]]](https://e.org) [![](Draft.md)](https://e.org) "
                   "[![d](Draft.md)](https://e.org) [![](Draft.md#H)](https://e.org) "
                   "[![[Draft#H]]](https://e.org) [![](Other.md)](https://e.org).\n",
    })
    out_p, in_p = site.content("Host.md").find_all("p")
    outside = [s.get_text() for s in out_p.select("span.embed.unpublished")]
    assert outside == ["Draft", "Draft", "d", "Draft > H", "Draft > H"]
    inside = [s.get_text() for s in in_p.select("a > span.embed.unpublished")]
    assert inside == outside
    assert [s.get_text() for s in in_p.select("a > span.embed-in-link")] == ["Other.md"]
    text = _search_text(site, "Host")
    assert "In Draft Draft d Draft > H Draft > H Other.md." in text, text
    assert "SECRETWORD" not in text and "OTHERBODY" not in text and "Draft.md" not in text


# -- an embed loop on a page of the loop --------------------------------------------------------------

def _words(site, source: str) -> list[str]:
    return site.content(source).get_text(" ", strip=True).split()


def test_an_embed_loop_stops_at_the_page_s_own_note_as_at_any_other(tmp_path: Path):
    """A loop stops where it leads back to a note already shown.  On another page (C embeds A,
    A embeds B, B embeds A) A's text is shown once; on A's own page it was shown twice (the page's
    note counted apart from an embed of it), and a note embedding itself whole showed its text
    twice on its own page and once elsewhere.  The page shows its note whole, so an embed of the
    whole note stops there as anywhere: each note's text once, on every page of the loop; the
    note's own sections (``![[#Sec]]``) still show."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "A.md": "ATEXT\n\n![[B]]\n",
        "B.md": "BTEXT\n\n![[A]]\n",
        "Self.md": "STEXT\n\n![[Self]]\n\n![[#Sec]]\n\n## Sec\n\nSECTEXT\n",
        "C.md": "CTEXT\n\n![[A]]\n\n![[Self]]\n",
    })
    for source, own in (("A.md", "ATEXT"), ("B.md", "BTEXT"), ("Self.md", "STEXT")):
        words = _words(site, source)
        assert words.count(own) == 1, (source, words)
        assert site.content(source).find(class_="embed-cycle") is not None, source
    assert _words(site, "A.md").count("BTEXT") == 1 and _words(site, "B.md").count("ATEXT") == 1
    c = _words(site, "C.md")
    assert [c.count(w) for w in ("ATEXT", "BTEXT", "STEXT")] == [1, 1, 1], c
    assert _words(site, "Self.md").count("SECTEXT") == 2  # the section, and its embed
    # each loop's closing embed is told once, wherever the pages stop it
    assert sorted(m.split(": ", 1)[0] for m in site.messages("embed-cycle")) == [
        "A.md:3:1", "B.md:3:1", "Self.md:3:1"]


# -- an embed that shows none of its note stays in its line ----------------------------------------------

MISSING_PARTS = {
    "T.md": "# T\n\n## Real\n\nreal text ^blk\n",
    "Blank.md": "---\ntags: [x]\n---\n",
    "H.md": "Heading: before ![[T#Nope]] after.\n\n"
            "Note: before ![[Nobody]] after.\n\n"
            "Empty: before ![[Blank]] after.\n\n"
            "Block: before ![[T#^nob]] after.\n\n"
            "Md: before ![](T.md#Nope) after.\n\n"
            "Lines: before\n![[T#Nope]]\nafter.\n\n"
            "Found: before ![[T#Real]] after.\n",
}


def test_an_embed_of_a_missing_heading_or_block_or_of_an_empty_note_stays_in_its_line(tmp_path: Path):
    """``![[Missing]]`` shows a marker in its line; ``![[T#Nope]]``, ``![[T#^nob]]``,
    ``![](T.md#Nope)`` and ``![[Blank]]`` (a note showing nothing) show the same kind of marker
    (``T#Nope (not found)``, ``Blank (empty)``), but it was cut out of its paragraph and stood
    between two, a ``<span>`` on a line of its own.  Each now stays in its line, as the missing
    note's does (line breaks kept); a section that is there is still a block of its own."""
    from conftest import build_notes

    site = build_notes(tmp_path, MISSING_PARTS)
    content = site.content("H.md")
    paras = content.find_all("p", recursive=False)
    texts = [" ".join(p.get_text(" ", strip=True).split()) for p in paras]
    assert texts[:6] == [
        "Heading: before T#Nope (not found) after.", "Note: before Nobody (not found) after.",
        "Empty: before Blank (empty) after.", "Block: before T#^nob (not found) after.",
        "Md: before T.md#Nope (not found) after.", "Lines: before T#Nope (not found) after."]
    assert len(paras[5].find_all("br")) == 2  # its three lines
    assert not content.find_all("span", class_="embed", recursive=False)  # none between paragraphs
    assert texts[6:] == ["Found: before", "after."]  # the section found: a block between them
    assert content.find(class_="embed-note").get_text(" ", strip=True).startswith("T › Real")


def test_a_missing_heading_s_embed_follows_the_note_in_a_rebuild(tmp_path: Path):
    """The marker is decided by the embedded note's headings: once T has the heading, the page
    shows its section as a block (and once it loses it, the marker again); a rebuild writes what
    a clean build does."""
    from test_incremental import assert_edits_rebuild_as_clean

    files = {"H.md": "before ![[T#Nope]] after\n", "T.md": "# T\n"}
    edits = [{"T.md": "# T\n\n## Nope\n\nnope text\n"}, {"T.md": "# T\n\nno heading\n"}]
    for n in (1, 2):  # the heading added; then taken away again
        for in_memory in (False, True):
            assert_edits_rebuild_as_clean(tmp_path / f"{n}{in_memory}", "heading", files,
                                          edits[:n], in_memory)


# -- a %% left open inside an HTML block ---------------------------------------------------------------

OPEN_IN_HTML = {
    "H.md": "Before.\n\n<div>a %%HIDDEN1\nb</div>\n\nHidden SECRET2.\n\n- SECRET3 item\n\n%%\n\n"
            "After one.\n\n<div>c %%x%% d <pre>printf(\"%%d\")</pre> e %% SECRET4\n</div>\n\n"
            "SECRET5 to the end\n",
    "P.md": "Before.\n\na %%HIDDEN1\nb\n\nHidden SECRET2.\n\n- SECRET3 item\n\n%%\n\n"
            "After one.\n\nc %%x%% d `printf(\"%%d\")` e %% SECRET4\n\nSECRET5 to the end\n",
}


def test_a_comment_left_open_in_an_html_block_hides_what_follows_as_in_a_paragraph(tmp_path: Path):
    """A ``%%`` left open in a paragraph hides the rest of it and the blocks after it, up to the
    next ``%%`` line or the note's end (Obsidian honours an unclosed comment); one left open in an
    HTML block stayed on the page as text, with everything after it.  It now hides the same,
    the block keeping its elements closed (their end tags were in the comment), and a ``%%``
    in the block's code is still no marker."""
    from conftest import build_notes

    site = build_notes(tmp_path, OPEN_IN_HTML)
    words = {n: site.content(n).get_text(" ", strip=True).split() for n in ("H.md", "P.md")}
    assert words["H.md"] == words["P.md"] == [
        "Before.", "a", "After", "one.", "c", "d", 'printf("%%d")', "e"], words
    h = site.content("H.md")
    assert [" ".join(d.get_text(" ").split()) for d in h.find_all("div", recursive=False)] == [
        "a", 'c d printf("%%d") e']  # each ends where its text does
    for path in site.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"SECRET" not in data and b"HIDDEN1" not in data, path
