"""Session 15, leftovers: symbolic links into dot-folders and ignored paths, hints for links
into them, the progress bar's time estimate, the search text of embed markers, and links
written with a stray bracket (``[[[Note]]]``)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_vault, write_files


def _published_bytes(site) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(site.out.rglob("*")) if p.is_file())


def test_symlinks_into_dot_folders_and_ignored_paths_publish_nothing(tmp_path: Path):
    """A link inside the vault to a file in ``.obsidian``, ``.trash`` or any dot-folder, to a
    dot-file, or to a path the ignore globs leave out published its target under the link's own
    name: the target's real path decides, and each link is a warning naming it and what to do.
    Links out of the vault stay skipped."""
    outside = write_files(tmp_path / "outside", {"leak.md": "OUTSIDE-SECRET\n",
                                                  "dir/x.md": "OUTSIDE-DIR\n"})
    vault = write_files(tmp_path / "v", {
        "vaultsite.toml": 'ignore = ["Private/**", "*.secret.md"]\n',
        "A.md": "# A\n\nPublic text.\n",
        ".obsidian/workspace.md": "OBSIDIAN-SECRET\n",
        ".trash/Old.md": "TRASH-SECRET\n",
        ".x/sub/N.md": "DOT-FOLDER-SECRET\n",
        ".dotnote.md": "DOT-FILE-SECRET\n",
        "Private/P.md": "PRIVATE-SECRET\n",
        "Notes/plan.secret.md": "PATTERN-SECRET\n",
        "_templates/note.md": "TEMPLATE-SECRET\n",
    })
    links = {
        "Public/workspace.md": "../.obsidian/workspace.md",
        "Old.md": ".trash/Old.md",
        "XSub": ".x/sub",  # a folder
        "Dot.md": ".dotnote.md",
        "Public/P.md": "../Private/P.md",
        "Plan.md": "Notes/plan.secret.md",
        "Tpl.md": "_templates/note.md",
        "Leak.md": str(outside / "leak.md"),
        "OutDir": str(outside / "dir"),
    }
    for rel, target in links.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).symlink_to(target)
    site = build_vault(vault, tmp_path, copy=False)
    assert sorted(site._by_source) == ["A.md"]
    data = _published_bytes(site)
    assert b"SECRET" not in data and b"OUTSIDE" not in data
    hidden = {d.span.path: d for d in site.diagnostics if d.code == "symlink-hidden"}
    assert sorted(hidden) == ["Dot.md", "Old.md", "Plan.md", "Public/P.md", "Public/workspace.md",
                              "Tpl.md", "XSub"]
    assert ".obsidian/workspace.md" in hidden["Public/workspace.md"].message
    assert "dot-folder" in hidden["Old.md"].message and ".trash/" in hidden["Old.md"].hint
    assert "dot-file" in hidden["Dot.md"].message
    assert "'Private/**'" in hidden["Public/P.md"].message and "`ignore`" in hidden["Public/P.md"].hint
    assert "'*.secret.md'" in hidden["Plan.md"].message
    assert "templates folder" in hidden["Tpl.md"].message
    assert all(d.hint for d in hidden.values())
    outside_links = sorted(d.span.path for d in site.diagnostics if d.code == "symlink-outside")
    assert outside_links == ["Leak.md", "OutDir"]


def test_a_folder_link_to_an_ignored_folder_says_it_is_ignored(tmp_path: Path):
    """``Alias -> Private`` with ``Private/**`` ignored was skipped as "a folder already
    published", which it is not: the warning says the ignore pattern leaves it out.  A link to a
    published folder still says it is published already, and one whose own path is ignored says
    nothing (the pattern covers it)."""
    vault = write_files(tmp_path / "v", {
        "vaultsite.toml": 'ignore = ["Private/**", "Quiet/**"]\n',
        "A.md": "a\n", "Private/P.md": "PRIVATE-SECRET\n", "Real/R.md": "r\n"})
    (vault / "Alias").symlink_to("Private")
    (vault / "Again").symlink_to("Real")
    (vault / "Quiet").symlink_to("Private")
    site = build_vault(vault, tmp_path, copy=False)
    assert sorted(site._by_source) == ["A.md", "Real/R.md"]
    assert b"PRIVATE-SECRET" not in _published_bytes(site)
    by_path = {d.span.path: d for d in site.diagnostics if d.code.startswith("symlink")}
    assert sorted(by_path) == ["Again", "Alias"]
    assert by_path["Alias"].code == "symlink-hidden"
    assert "already published" not in by_path["Alias"].message
    assert "'Private/**'" in by_path["Alias"].message
    assert by_path["Again"].code == "symlink-loop"
    assert "config-ignore" not in site.codes()  # 'Quiet/**' leaves the link out


def test_links_into_dot_folders_and_ignored_paths_do_not_say_create_the_note(tmp_path: Path):
    """``[[.hidden/Note]]`` was "does not exist (create the note or fix the name)": the note may
    well be there, but a dot-folder is never published, so the warning says that; a link to a
    missing note under an ignored path says the pattern would leave a new note out too.  Other
    missing notes keep their hint."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "vaultsite.toml": 'ignore = ["Private/**"]\n',
        ".hidden/Note.md": "HIDDEN-SECRET\n",
        "A.md": "[[.hidden/Note]] ![[.trash/pic.png]] [[.dotnote]] [[Private/Missing]] "
                "[[Nowhere]] [[...]]\n",
    })
    by_col = {d.span.col: d for d in site.diagnostics if d.code == "link-unresolved"}
    hidden, pic, dotnote, private, nowhere = (by_col[c] for c in (1, 18, 38, 51, 71))
    for d in (hidden, pic, dotnote, private):
        assert "create the note" not in d.format(), d.format()
    assert ".hidden/" in hidden.message and "dot-folder" in hidden.message
    assert "move the note out of .hidden/" in hidden.hint
    assert "file" in pic.message and ".trash/" in pic.hint
    assert "dot-file" in dotnote.message
    assert "'Private/**'" in private.message and "Private/Missing.md" in private.hint
    assert nowhere.hint == "create the note or fix the name"
    assert 83 not in by_col or "dot" not in by_col[83].message  # [[...]] names no dot-file
    assert b"HIDDEN-SECRET" not in _published_bytes(site)


def test_a_stray_bracket_around_a_wikilink_is_text(tmp_path: Path):
    """``[[[Note]]]`` linked a note named ``[Note]`` and ``[[[Note]]`` one named ``[Note``.
    Obsidian's help only says ``[[ ]]`` may not work in a link; read as the link to ``Note`` with
    the stray brackets shown as text.  A name that closes its own bracket keeps it
    (``[[[draft] Note]]``, ``[[Note [draft]]]``)."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "Note.md": "n\n", "[Note].md": "odd\n", "[draft] Note.md": "d\n", "Note [draft].md": "e\n",
        "A.md": "- one [[[Note]]] end\n- two [[Note]]] end\n- three [[[Note]] end\n"
                "- four ![[[Note]]] end\n- five [[[Note|alias]]] end\n"
                "- six [[[draft] Note]] end\n- seven [[Note [draft]]] end\n",
    })
    page = site.page("A.md")
    items = site.content("A.md").find_all("li")
    texts = [li.get_text() for li in items]
    assert texts == ["one [Note] end", "two Note] end", "three [Note end", "four ![Note] end",
                     "five [alias] end", "six [draft] Note end", "seven Note [draft] end"]
    targets = []
    for li in items:
        (a,) = li.find_all("a")
        targets.append(site.follow(page, a["href"])[0].name)
    assert targets[:5] == ["Note.html"] * 5, targets
    metas = [site.soup(site.follow(page, li.find("a")["href"])[0]).find("meta", attrs={"name": "source"})
             for li in items[5:]]
    assert [m["content"] for m in metas] == ["[draft] Note.md", "Note [draft].md"]
    assert "link-unresolved" not in site.codes()
