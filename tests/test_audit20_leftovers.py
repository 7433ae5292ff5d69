"""Session 20 `leftovers`: the known leftovers of issue 2 that session 19 listed."""

from __future__ import annotations

import json

import pytest
from conftest import canvas_json

# -- a canvas card's missing file gets the hints a link gets -------------------------------------------


HINTED = {
    ".trash/Waffles.md": "# Waffles\n",
    "Projects/Alpha.md": "# Alpha\n",
    "Idea board.md": "# Idea board\n",
    "Screenshot 10.00.00\u202fAM.png": b"\x89PNG\r\n\x1a\n",
    "Board.canvas": canvas_json(
        {"id": "t", "type": "file", "file": "Recipes/Waffles.md"},
        {"id": "f", "type": "file", "file": "Projects"},
        {"id": "s", "type": "file", "file": "Screenshot 10.00.00 AM.png"},
        {"id": "n", "type": "file", "file": "Idea bord.md"},
        {"id": "x", "type": "text", "text": "See [[Waffles]] and [[Idea bord]]."}),
    # the same names as links in a note: their warnings as before
    "Home.md": "![[Board.canvas]]\n\n[[Recipes/Waffles]] [[Projects]] "
               "![[Screenshot 10.00.00 AM.png]] [[Idea bord]]\n\n"
               "```mermaid\ngraph TD\n  A[Waffles]\n  class A internal-link\n```\n",
}


def test_canvas_cards_get_every_hint_links_get(tmp_path):
    """A file card whose file is in the trash, a folder or a look-alike name said only "does not
    exist (did you mean ...?)", a twin of the links' hint without its cases; it now says what the
    same link in a note says (the index's ``missing_target``), and the links say what they said."""
    from conftest import build_notes

    site = build_notes(tmp_path, HINTED)
    got = {m.split(": warning[link-unresolved]: ")[0]: m.split("]: ", 1)[1]
           for m in site.messages("link-unresolved")}
    trash = "in Obsidian's trash, which the site never publishes"
    same = "It reads the same, but the file's name has U+202F (narrow no-break space)"
    assert got["Board.canvas:10:12"] == (
        f"canvas Board.canvas: card t shows the file 'Recipes/Waffles.md', which is "
        f".trash/Waffles.md, {trash} (move .trash/Waffles.md to Recipes/Waffles.md to publish "
        "it, or remove the card)")
    assert got["Board.canvas:19:12"].startswith(
        "canvas Board.canvas: card f shows the file 'Projects', which does not exist in the vault "
        "(Projects is a folder, and a link names a note or file (Obsidian would create a new note "
        "Projects.md); link to a note in it, such as [[Projects/Alpha]])")
    assert got["Board.canvas:28:12"].startswith(
        "canvas Board.canvas: card s shows the file 'Screenshot 10.00.00 AM.png', which does not "
        "exist in the vault (did you mean [[Screenshot 10.00.00\u202fAM.png]]? " + same)
    assert got["Board.canvas:37:12"] == (
        "canvas Board.canvas: card n shows the file 'Idea bord.md', which does not exist in the "
        "vault (did you mean [[Idea board]]? point the card at an existing file in Obsidian, or "
        "restore the file)")
    text_card = sorted(m for m in got.values() if "text card" in m)
    assert text_card == [
        "canvas Board.canvas: text card x links to 'Idea bord', which does not exist in the vault "
        "(did you mean [[Idea board]]? fix the link in the card in Obsidian, or create the note)",
        f"canvas Board.canvas: text card x links to 'Waffles', which is .trash/Waffles.md, {trash} "
        "(move .trash/Waffles.md to Waffles.md to publish it, or remove the link)"]
    # the note's links: as they were
    assert got["Home.md:3:1"] == (
        f"link target 'Recipes/Waffles' is .trash/Waffles.md, {trash} (move .trash/Waffles.md "
        "to Recipes/Waffles.md to publish it, or remove the link)")
    assert got["Home.md:3:21"].startswith(
        "link target 'Projects' does not exist in the vault (Projects is a folder, and a link")
    assert got["Home.md:3:34"].startswith(
        "embed target 'Screenshot 10.00.00 AM.png' does not exist in the vault (did you mean "
        "[[Screenshot 10.00.00\u202fAM.png]]? " + same)
    assert got["Home.md:3:66"] == ("link target 'Idea bord' does not exist in the vault "
                                  "(did you mean [[Idea board]]?)")
    # a mermaid node of class internal-link: the same
    assert site.messages("mermaid-link-unresolved") == [
        "Home.md:8:9: warning[mermaid-link-unresolved]: mermaid node 'Waffles' (class "
        f"internal-link) names 'Waffles', which is .trash/Waffles.md, {trash}; it is drawn "
        "unlinked (move .trash/Waffles.md to Waffles.md to publish it, or remove the node)"]


# -- serve watches Obsidian's trash ----------------------------------------------------------------


def test_serve_rebuilds_when_the_trash_changes(tmp_path):
    """``serve`` ignored every dot-folder, ``.trash/`` too: a link whose hint said "move
    .trash/Waffles.md to Waffles.md" kept saying so after the file was deleted for good (and a
    canvas card kept its hint).  A change in the trash is now a change; the rebuild re-renders
    only the canvas's page, whose card's warning is rendered with it."""
    from conftest import write_files

    from generator.config import load_config
    from generator.serve import ChangeFilter, PipelineBuilder

    vault = write_files(tmp_path / "v", {
        ".trash/Waffles.md": "# Waffles\n", "Home.md": "[[Waffles]]\n", "Other.md": "# Other\n",
        "Embeds.md": "![[Board.canvas]]\n",
        "Board.canvas": canvas_json({"id": "t", "type": "file", "file": "Waffles.md"})})
    builder = PipelineBuilder(load_config(vault), tmp_path / "out")
    first = builder.rebuild(None)
    assert first.swapped

    def hints() -> list[str]:
        return sorted(w.split("]: ", 1)[1] for w in builder.warnings if "link-unresolved" in w)

    assert all("in Obsidian's trash" in h for h in hints()) and len(hints()) == 2
    watch = ChangeFilter(builder.watch_roots(), builder.ignored_paths(), builder.trash())
    assert watch.relevant(vault / ".trash") and watch.relevant(vault / ".trash" / "Waffles.md")
    assert watch.relevant(vault / ".trash" / "Old" / "Pancakes.md")
    assert not watch.relevant(vault / ".trash" / ".DS_Store")
    assert not watch.relevant(vault / ".git" / "index")
    assert not watch.relevant(vault / "Sub" / ".trash" / "x.md")  # the vault's trash only
    other = (tmp_path / "out" / "Other.html").stat().st_mtime_ns
    (vault / ".trash" / "Waffles.md").unlink()  # deleted for good
    again = builder.rebuild({p for p in (vault / ".trash" / "Waffles.md",) if watch.relevant(p)})
    assert again.swapped and not again.full
    assert hints() == [
        "canvas Board.canvas: card t shows the file 'Waffles.md', which does not exist in the "
        "vault (point the card at an existing file in Obsidian, or restore the file)",
        "link target 'Waffles' does not exist in the vault (create the note or fix the name)"]
    assert (tmp_path / "out" / "Other.html").stat().st_mtime_ns == other


# -- vaultsite.toml: a value of the wrong type is named at its column ---------------------------------

@pytest.mark.parametrize("toml, where", [
    ('title = 3\n', "vaultsite.toml:1:9: `title` must be text in quotes, not 3"),
    ('title = "T"\nignore = "drafts/**"\n', 'vaultsite.toml:2:10: `ignore` must be a list, not "drafts/**"'),
    # an item of a list: at the item, also on a later line of the list
    ('ignore = ["a/**", 3]\n', "vaultsite.toml:1:19: `ignore` must be text in quotes, not 3"),
    ('ignore = [\n  "a/**",\n  3,\n]\n', "vaultsite.toml:3:3: `ignore` must be text in quotes"),
    ('[execute]\n  timeout = "3"\n', 'vaultsite.toml:2:13: `execute.timeout` must be a number'),
    ('header_date_formats = ["%d-%m-%y", "%d"]\n',
     "vaultsite.toml:1:36: `header_date_formats`: '%d' has no year"),
    # an unknown key: at the key
    ('title = "T"\n  titel = "y"\n', "vaultsite.toml:2:3: unknown key `titel`"),
])
def test_config_type_errors_name_the_column(tmp_path, toml, where):
    """A value of the wrong type (a string where a list is wanted, ``title = 3``) was named at
    its line only (``vaultsite.toml:1:``), while a TOML syntax error had its column; every
    mistake of the file now has both, the value's (or the key's, for an unknown key)."""
    from generator.config import ConfigError, load_config

    (tmp_path / "vaultsite.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert str(err.value).startswith(where), str(err.value)


# -- templates_dir: anywhere the user says, never published --------------------------------------------

THEME = '{% extends "base.html" %}{% block title %}THEMED{% endblock %}\n'


def _themed_vault(tmp_path, templates_dir: str, mounts: str = ""):
    from conftest import write_files

    write_files(tmp_path / "theme", {"note.html": THEME})
    write_files(tmp_path / "media", {"_t/note.html": THEME, "pic.png": b"\x89PNG\r\n\x1a\n"})
    return write_files(tmp_path / "v", {
        "A.md": "# A\n\n[[_theme/note.html]] [[Media/_t/note.html]] ![[pic.png]]\n",
        "_theme/note.html": THEME,
        "vaultsite.toml": f"title = \"T\"\ntemplates_dir = {json.dumps(templates_dir)}\n{mounts}"})


def _title(site) -> str:
    return site.html("A.md").title.get_text()


def test_templates_dir_written_as_an_absolute_path_into_the_vault_is_not_published(tmp_path):
    """``templates_dir`` was an ignore pattern as written: an absolute path to the vault's own
    ``_theme`` (or ``./_theme``) used the templates and published them too, every file of the
    folder a page or file of the site.  The folder is found as a vault path however written."""
    from conftest import build_vault

    for written in (str(tmp_path / "v" / "_theme"), "./_theme", "_theme/"):
        vault = _themed_vault(tmp_path, written)
        site = build_vault(vault, tmp_path / written.replace("/", "_"), copy=False)
        assert _title(site) == "THEMED", written
        assert not [p for p in site.out.rglob("*") if "theme" in p.name.lower()], written
        (told,) = [m for m in site.messages("link-unresolved") if "'_theme/note.html'" in m]
        assert told.endswith(  # not "create the note or fix the name": it is there
            "link target '_theme/note.html' is _theme/note.html, in the site's templates folder "
            "(_theme/, `templates_dir` of vaultsite.toml), which is never published (remove the "
            "link: the site's templates make its pages and are none of them)"), written


def test_templates_dir_outside_the_vault_is_read_and_never_published(tmp_path):
    """``../theme`` (or a mount's folder): the user's own setting, read as the vault's templates
    are, without a word; never published (a folder of a mount is left out as the vault's is)."""
    from conftest import build_vault

    site = build_vault(_themed_vault(tmp_path, "../theme"), tmp_path / "a", copy=False)
    assert _title(site) == "THEMED" and not site.messages("template-error")
    assert not [p for p in site.out.rglob("*.html") if p.read_text("utf-8") == THEME]
    site = build_vault(_themed_vault(tmp_path, "../media/_t", '[mounts]\nMedia = "../media"\n'),
                       tmp_path / "b", copy=False)
    assert _title(site) == "THEMED"
    assert [m for m in site.messages("link-unresolved") if "'Media/_t/note.html' is "
            "Media/_t/note.html, in the site's templates folder (Media/_t/" in m]
    assert (site.out / "Media" / "pic.png").is_file() and not (site.out / "Media" / "_t").exists()


@pytest.mark.parametrize("written, hint", [
    ("/nowhere/theme", "an absolute path names a folder of one machine only"),
    ("~/theme", "`~` is not your home folder here"),
    ("../nope", "the path is from the vault folder"),
])
def test_a_templates_dir_that_is_no_folder_says_how_its_path_is_read(tmp_path, written, hint):
    """It said "is not a folder of the vault ... (it is taken from the vault folder)" also of an
    absolute path; it is read as a mount's path is, and told as a mount's is."""
    from conftest import build_vault

    site = build_vault(_themed_vault(tmp_path, written), tmp_path / "out", copy=False)
    (told,) = site.messages("template-error")
    assert told.startswith(f"vaultsite.toml:2:17: warning[template-error]: templates_dir = "
                           f"{written!r} is not a folder; pages are made with the default theme")
    assert hint in told and _title(site) != "THEMED"


@pytest.mark.parametrize("written", [".", "", "..", "./"])
def test_a_templates_dir_that_is_the_vault_itself_is_an_error(tmp_path, written):
    """``templates_dir = "."`` made every note a template's file, left out: an empty site with a
    "no notes" warning.  It is an error at its value."""
    from generator.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=r"^vaultsite.toml:2:17: `templates_dir` = .* is the vault "
                                          r"folder itself \(or holds it\)"):
        load_config(_themed_vault(tmp_path, written))


# -- #　見出し: a heading typed with an input method's space ---------------------------------------------

WIDE = {"Note.md": (
    "#　見出し\n\ntext\n##　小見出し\nmore\n\n`#　code`\n\n    #　indented code\n\n"
    "```\n#　fenced\n```\n\n- #　リスト\n> #　引用\n\n#　\n#tag　あ\nA #　middle\n"
    "`a\nb` #　after code\n\n# 見出し\n")}


def test_a_heading_typed_with_a_full_width_space_is_told(tmp_path):
    """``#　見出し`` (U+3000 after ``#``) is no heading in Obsidian, and none here; but the writer
    meant one: each such line of a paragraph is told at its ``#``, never in code, never a line
    that has no text after the space, nor a ``#`` inside a line; nor is it a tag."""
    from conftest import build_notes

    site = build_notes(tmp_path, WIDE)
    told = site.messages("heading-wide-space")
    assert [m.split(": warning")[0] for m in told] == [
        "Note.md:1:1", "Note.md:4:1", "Note.md:15:3", "Note.md:16:3"]
    assert told[1].endswith("(type an ASCII space after the '##' (turn the input method off for "
                            "it) to make it a heading)")
    page = site.content("Note.md")
    assert [h.get_text() for h in page.find_all(["h1", "h2"])] == ["見出し"]  # the ASCII one only
    assert [a.get_text() for a in page.select("a.tag")] == ["#tag"]
    assert "#　見出し" in page.get_text()  # shown as written


# -- what discovery leaves out, each kind in a field of its own -----------------------------------------

def test_discovery_keeps_each_kind_of_left_out_file_apart(tmp_path):
    """``Vault.ignored`` held an ``ignore`` pattern's files and, behind marker prefixes in the same
    strings, Obsidian's templates, skipped symbolic links, iCloud placeholders and the trash.
    Each kind is a field now, and ``left_out()`` gives them together, sorted, for the index."""
    import os

    from conftest import write_files

    from generator.config import load_config
    from generator.discover import discover_vault
    from generator.model import LeftOut

    vault = write_files(tmp_path / "v", {
        ".obsidian/templates.json": '{"folder": "Templates"}', "Templates/Daily.md": "t\n",
        "Private/Secret.md": "p\n", ".trash/Old.md": "o\n", "Sub/.Cloudy.md.icloud": "stub",
        "Home.md": "# Home\n", "vaultsite.toml": 'ignore = ["Private/**"]\n',
        "_templates/note.html": "{{ page.title }}"})
    os.symlink("nowhere", vault / "Broken.md")
    found = discover_vault(load_config(vault))
    assert found.ignored == {"Private/Secret.md": "Private/**"}
    assert found.templates == {"Templates/Daily.md": "Templates"}
    assert found.theme == {"_templates/note.html": "_templates"}
    assert found.symlinks == {"Broken.md": "a broken symbolic link"}
    assert found.cloud == {"Sub/Cloudy.md": ".Cloudy.md.icloud"}
    assert found.trashed == [".trash/Old.md"]
    assert found.left_out() == {
        ".trash/Old.md": LeftOut("trash"), "Broken.md": LeftOut("symlink", "a broken symbolic link"),
        "Private/Secret.md": LeftOut("ignore", "Private/**"),
        "Sub/Cloudy.md": LeftOut("cloud", ".Cloudy.md.icloud"),
        "Templates/Daily.md": LeftOut("templates", "Templates"),
        "_templates/note.html": LeftOut("theme", "_templates")}
