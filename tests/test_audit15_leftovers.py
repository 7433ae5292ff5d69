"""Session 15, leftovers: symbolic links into dot-folders and ignored paths, hints for links
into them, the progress bar's time estimate, the search text of embed markers, and links
written with a stray bracket (``[[[Note]]]``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Site, build_vault, write_files


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


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_eta_leaves_out_the_wait_before_the_first_item_and_follows_the_pace():
    """The estimate counts from the first item done (a stage's start-up is no work per item),
    says nothing before ``SETTLE`` seconds of progress, grows while nothing is done, and follows
    a change of pace within ``WINDOW`` seconds."""
    from generator.progress import Eta, format_eta

    clock = _Clock()
    eta = Eta(10_000, clock)
    clock.now += 4.0  # workers starting: no item yet
    eta.update(0)
    assert eta.seconds_left() is None
    done = 0
    for step in range(1, 301):  # 200 items a second, counted ten times a second
        clock.now += 0.1
        done += 20
        eta.update(done)
        left = eta.seconds_left()
        truth = (10_000 - done) / 200
        if (step - 1) * 0.1 < Eta.SETTLE - 1e-9:  # seconds since the first item
            assert left is None, step
        else:
            assert left is not None and abs(left - truth) <= 0.05 * truth + 0.5, (step, left, truth)
    stalled = eta.seconds_left()
    clock.now += 10.0  # a long note: nothing done for ten seconds
    assert eta.seconds_left() > stalled * 1.5
    for _ in range(int(Eta.WINDOW * 10) + 10):  # then twice the pace
        clock.now += 0.1
        done = min(done + 40, 10_000)
        eta.update(done)
    assert abs(eta.seconds_left() - (10_000 - done) / 400) <= 0.05 * (10_000 - done) / 400 + 0.5
    assert format_eta(65) == "00:01:05" and format_eta(90061) == "1d 01:01:01"
    assert format_eta(None) is None


def test_the_progress_bar_shows_no_silly_estimate_after_a_slow_start(monkeypatch):
    """click's estimate divides the time since the bar appeared by the items done: a render stage
    whose workers take four seconds before their first page opened at hours ("05:32:04" on 5,000
    notes, for a stage of half a minute) and stayed far off for a third of the stage.  The bar
    now shows ``progress.Eta``'s estimate: never more than half again the time really left."""
    import io
    import re
    import sys
    import time

    from generator import cli

    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    monkeypatch.setattr(time, "monotonic", clock)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    progress = cli._Progress()
    progress.enabled = True
    total = 5000
    progress("render", 0, total)
    clock.now += 4.0
    done, shown, read = 0, [], 0
    while done < total:
        clock.now += 0.1
        done = min(total, done + 15)  # 150 pages a second
        progress("render", done, total)
        frames = term.getvalue()[read:]
        read = len(term.getvalue())
        etas = re.findall(r"(\d\d):(\d\d):(\d\d)\s*$", frames.split("\r")[-1])
        if etas and done < total:
            h, m, s = map(int, etas[-1])
            shown.append((h * 3600 + m * 60 + s, (total - done) / 150))
    progress.close()
    assert len(shown) > 100
    silly = [(est, truth) for est, truth in shown if est > 1.5 * truth + 2]
    assert silly == [], silly[:5]


def _search_text(site, title: str) -> str:
    from test_site_data import call_args

    rows = call_args((site.out / "_search/meta.js").read_bytes(), "vsSearch.meta")[0]
    k = [row[0] for row in rows].index(title)
    return call_args((site.out / "_search/text-0.js").read_bytes(), "vsSearch.text")[1][k]


def _search_words(site) -> set[str]:
    from test_site_data import call_args

    words: set[str] = set()
    for path in sorted((site.out / "_search").glob("index-*.js")):
        words |= set(call_args(path.read_bytes(), "vsSearch.index")[1])
    return words


EMBEDS = {
    "A.md": "# A\n\nIntro ![[Zebrafish]] and ![[Draft|Gazelle]] then ![[Draft]] x ![[B#Nohead]] "
            "y ![[B#Real]] z ![](Quokka.md) w ![](Draft.md) end\n\n![[Wombat#Sec|300]]\n\n"
            "![[pic.png]]\n",
    "Draft.md": "---\npublish: false\n---\n# Secret\n\nSECRETWORD in the draft\n",
    "B.md": "# Real\n\nbwords\n",
    "pic.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 16,
}


def test_search_finds_the_names_that_embed_markers_show(tmp_path: Path):
    """An embed of a missing note shows its name as an unresolved marker, and one of an
    unpublished note its name (or alias) as muted text: the page shows them, so the search text
    holds them too, where the page has them, and never a word of the unpublished note itself."""
    from conftest import build_notes

    site = build_notes(tmp_path, EMBEDS)
    content = site.content("A.md")
    shown = [span.contents[0].strip() if span.contents else "" for span in
             content.select("span.embed.broken, span.embed.unpublished")]
    assert shown == ["Zebrafish", "Gazelle", "Draft", "B#Nohead", "Quokka.md", "Draft", "Wombat#Sec"]
    text = _search_text(site, "A")
    assert text.startswith("A Intro Zebrafish and Gazelle then Draft x B#Nohead y  z Quokka.md w "
                           "Draft end Wombat#Sec"), text
    assert "\x1a" not in text and "\x1f" not in text
    assert "SECRETWORD" not in text and "Secret" not in text
    words = _search_words(site)
    assert {"zebrafish", "gazelle", "draft", "nohead", "quokka", "wombat"} <= words
    assert "secretword" not in words and "pic" not in words
    data = b"".join(p.read_bytes() for p in sorted((site.out / "_search").glob("*.js")))
    assert b"SECRETWORD" not in data and b"\\u001a" not in data.lower()


def test_embed_marker_words_follow_their_targets_in_a_rebuild(tmp_path: Path):
    """Whether an embed shows a marker depends on other notes: once ``Zebrafish`` is written and
    ``Draft`` published, their names leave the search text of the page embedding them (it shows
    their text); once the unpublished ``Draft`` is deleted, ``![[Draft|Gazelle]]`` reads
    ``Draft`` (not found), though no published note changed.  A rebuild writes what a clean
    build does."""
    from conftest import build_vault
    from test_incremental import assert_edits_rebuild_as_clean

    for case, edits, present, absent in (
            ("written", [{"Zebrafish.md": "zebra body\n"}, {"Draft.md": "# Secret\n\nnow public\n"}],
             ["Wombat#Sec"], ["Zebrafish", "Gazelle"]),
            ("deleted", [{"Draft.md": None}], ["Intro Zebrafish and Draft then Draft"], ["Gazelle"])):
        for in_memory in (False, True):
            assert_edits_rebuild_as_clean(tmp_path / case / str(in_memory), case, EMBEDS, edits,
                                          in_memory)
        text = _search_text(build_vault(tmp_path / case / "True" / "v", tmp_path / case / "after"),
                            "A")
        assert all(word in text for word in present) and not any(w in text for w in absent), text


def test_symlinks_into_a_site_or_cache_folder_in_the_vault_publish_nothing(tmp_path: Path):
    """``vaultsite build`` run in a vault puts ``site/`` and ``site.vaultsite-cache/`` there; the walk
    never enters them, but a link to a page, a subfolder or a cache file in them published its
    target (a page of the last build read back as an attachment), as did one into another build's
    site.  Each is skipped with a warning naming the link."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(tmp_path / "v", {"A.md": "# A\n\nsee [[Sub/B]]\n", "Sub/B.md": "# B\n"})
    cfg = load_config(vault)
    build(cfg, vault / "old", exec_mode="no-exec")  # an earlier build's site, in the vault
    first = build(cfg, vault / "site", exec_mode="no-exec")
    assert first.diagnostics == [] or all(not d.code.startswith("symlink") for d in first.diagnostics)
    cached = next(p for p in sorted((vault / "site.vaultsite-cache").rglob("*")) if p.is_file())
    links = {"Copy.html": "site/A.html", "SiteSub": "site/Sub", "Cache.bin": str(cached),
             "Old.html": "old/A.html", "OldSite": "old", "Whole": "site"}
    for rel, target in links.items():
        (vault / rel).symlink_to(target)
    result = build(load_config(vault), vault / "site", exec_mode="no-exec")
    hidden = sorted(d.span.path for d in result.diagnostics if d.code == "symlink-hidden")
    assert hidden == sorted(links)
    assert all("never published" in d.message and d.hint
               for d in result.diagnostics if d.code == "symlink-hidden")
    published = sorted(p.relative_to(vault / "site").as_posix() for p in (vault / "site").rglob("*")
                       if p.is_file())
    for name in ("Copy.html", "Cache.bin", "Old.html"):
        assert name not in published
    assert not any(p.startswith(("SiteSub/", "OldSite/", "Whole/")) for p in published)
    assert sorted(Site(vault / "site", result)._by_source) == ["A.md", "Sub/B.md"]


def test_canvas_and_diagram_links_into_dot_folders_do_not_say_create_the_note(tmp_path: Path):
    """A canvas text card's ``[[.trash/Old]]`` and a mermaid internal-link node naming
    ``.archive/Plan`` said "create the note": the note may be there, and is never published.
    They say why, as the same link in a note does."""
    import json

    pytest.importorskip("mmdr")
    board = {"nodes": [{"id": "n0", "x": 0, "y": 0, "width": 250, "height": 120, "type": "text",
                        "text": "See [[.trash/Old]] and [[Gone]]"}], "edges": []}
    vault = write_files(tmp_path / "v", {
        "Home.md": "# Home\n\n![[Board.canvas]]\n\n```mermaid\ngraph TD\nA[.archive/Plan]\n"
                   "class A internal-link;\n```\n",
        "Board.canvas": json.dumps(board),
        ".trash/Old.md": "old\n", ".archive/Plan.md": "plan\n", "Gon.md": "g\n",
    })
    site = build_vault(vault, tmp_path, copy=False)
    card = {m.split("links to ", 1)[1].split(",")[0]: m for m in site.messages("link-unresolved")}
    assert sorted(card) == ["'.trash/Old'", "'Gone'"], card
    # as the same link in a note (session 20: the card had only the dot-folder hint)
    assert "in Obsidian's trash" in card["'.trash/Old'"]
    assert "create the note" not in card["'.trash/Old'"]
    assert "move .trash/Old.md to Old.md to publish it and take .trash/ out of the link" \
        in card["'.trash/Old'"]
    assert "create the note" in card["'Gone'"]  # a plain missing note still is one to create
    (node,) = site.messages("mermaid-link-unresolved")
    assert "'.archive/Plan', which is in .archive/, a dot-folder" in node, node
    assert "create the note" not in node and "remove the node" in node
