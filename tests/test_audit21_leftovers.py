"""Session 21 `leftovers`: the known leftovers of issue 2 that session 20 listed."""

from __future__ import annotations

from conftest import canvas_json, exec_build

# -- 1. a canvas text card's link and a mermaid node get the title and '#' hints ----------------------

TITLED = {
    "Papers/smith2020.md": "---\ntitle: Paper Title\n---\n# Intro\n",
    "C# basics.md": "# Pointers\n",
    "Board.canvas": canvas_json({"id": "t", "type": "text", "text":
                             "See [[Paper Title]] and [[C# basics#Pointers|ptr]]"},
                            {"id": "u", "type": "text", "text": "[C# basics](C%23%20basics.md)"}),
    "Home.md": "![[Board.canvas]]\n\n[[Paper Title]] [[C# basics#Pointers|ptr]]\n\n"
               "```mermaid\ngraph TD\n  A[Paper Title] --> B[C# basics]\n"
               "  class A,B internal-link\n```\n",
}


def _hints(site, code: str) -> dict[str, str]:
    return {m.split(f": warning[{code}]: ")[0]: m.split("]: ", 1)[1] for m in site.messages(code)}


def test_card_links_and_mermaid_nodes_get_the_title_and_hash_hints(tmp_path):
    """A link in a note by a note's ``title``, or to ``C# basics`` (whose ``#`` starts a heading),
    was told which link works; the same link in a canvas text card, and a mermaid node naming
    the same, were told only "does not exist" and to create the note.  They now get the same
    answer from the same code (``VaultIndex.missing_target``), in words for where they stand: a
    node's text cannot hold a Markdown link."""
    from conftest import build_notes

    site = build_notes(tmp_path, TITLED)
    got = _hints(site, "link-unresolved")
    title = ("'Paper Title' is the title of Papers/smith2020.md, but Obsidian finds a note by its "
             "file name or an alias, not its title: ")
    hashed = "did you mean 'C# basics'? '#' starts a heading in a wikilink"
    assert got["Home.md:3:1"] == ("link target 'Paper Title' does not exist in the vault ("
                                  + title + "write [[Papers/smith2020|Paper Title]], or add the "
                                  "title to the note's `aliases`)")
    assert got["Home.md:3:17"] == (f"link target 'C' does not exist in the vault ({hashed}, so "
                                   "link to it with a markdown link: "
                                   "[C# basics](C%23%20basics.md#Pointers))")
    cards = sorted(m for where, m in got.items() if where.startswith("Board.canvas"))
    assert cards == [
        "canvas Board.canvas: text card t links to 'C', which does not exist in the vault ("
        f"{hashed}, so link to it with a markdown link: [C# basics](C%23%20basics.md#Pointers))",
        "canvas Board.canvas: text card t links to 'Paper Title', which does not exist in the "
        f"vault ({title}write [[Papers/smith2020|Paper Title]], or add the title to the note's "
        "`aliases`)"]
    nodes = sorted(site.messages("mermaid-link-unresolved"))
    assert nodes == [
        "Home.md:8:11: warning[mermaid-link-unresolved]: mermaid node 'C# basics' (class "
        "internal-link) names 'C', which does not exist in the vault; it is drawn unlinked ("
        f"{hashed}, and a node's text is read as one, so no node can open this note: rename it "
        "without those characters (Obsidian updates the links to it), then name it in the node)",
        "Home.md:8:9: warning[mermaid-link-unresolved]: mermaid node 'Paper Title' (class "
        "internal-link) names 'Paper Title', which does not exist in the vault; it is drawn "
        f"unlinked ({title}change the node's text to Papers/smith2020, or add the title to the "
        "note's `aliases`)"]
    # the card's Markdown link the hint offers finds the note
    page = site.page("Home.md")
    hrefs = [a.get("href") for a in site.html("Home.md").select("svg a.internal-link")]
    assert any(href and site.follow(page, href)[0] == site.page("C# basics.md")
               for href in hrefs), hrefs


def test_a_card_or_node_hint_follows_a_title_set_later(tmp_path):
    """A rebuild in ``serve`` that gives a note the title a card's link and a node are written
    with re-renders the page drawing them, so their warnings then name the note."""
    from conftest import write_files

    from generator.config import load_config
    from generator.serve import PipelineBuilder

    files = {**TITLED, "Papers/smith2020.md": "# Intro\n",
             "Home.md": "# Home\n",  # a note, not the home page, which lists titles
             "Draw.md": TITLED["Home.md"].replace("[[Paper Title]] ", "")}
    vault = write_files(tmp_path / "v", files)
    builder = PipelineBuilder(load_config(vault), tmp_path / "out")
    assert builder.rebuild(None).swapped

    def titled() -> list[str]:
        return sorted(w.split(": warning")[0] for w in builder.warnings
                      if "is the title of Papers/smith2020.md" in w)

    assert titled() == []
    note = vault / "Papers" / "smith2020.md"
    note.write_text(TITLED["Papers/smith2020.md"], encoding="utf-8")
    again = builder.rebuild({note})
    assert again.swapped and not again.full
    assert titled() == ["Board.canvas:10:17", "Draw.md:8:9"]


# -- 2. vaultsite.toml: a list item's and an inline table's value are pointed at -------------------

def _config_error(tmp_path, toml: str) -> str:
    import pytest

    from generator.config import ConfigError, load_config

    vault = tmp_path / "v"
    vault.mkdir(parents=True)
    (vault / "A.md").write_text("# A\n", encoding="utf-8")
    (vault / "vaultsite.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(vault)
    return str(caught.value)


def test_a_list_item_is_pointed_at_by_its_place_not_its_text(tmp_path):
    """The column of a list's bad item was the first place its text stood in the line: in
    ``["3", 3]`` the ``3`` inside the quotes (col 12), not the number (col 16); on a later line,
    a comment above it that said the same."""
    assert _config_error(tmp_path / "a", 'ignore = ["3", 3]\n').startswith(
        "vaultsite.toml:1:16: `ignore` must be text in quotes, not 3")
    assert _config_error(tmp_path / "b", 'ignore = [\n  "drafts/**", # not 7\n  7,\n]\n'
                         ).startswith("vaultsite.toml:3:3: `ignore` must be text in quotes")
    assert _config_error(tmp_path / "c", 'header_date_formats = ["%d" , "%d-%m-%Y", "%d"]\n'
                         ).startswith("vaultsite.toml:1:24: `header_date_formats`: '%d' has no "
                                      "year")


def test_an_inline_tables_value_is_pointed_at_not_its_brace(tmp_path):
    """``execute = { timeout = -1 }`` pointed at the ``{`` (col 11), not at ``-1`` (col 23); so
    did a mount's folder and a cell default written inline."""
    assert _config_error(tmp_path / "a", "execute = { timeout = -1 }\n").startswith(
        "vaultsite.toml:1:23: `execute.timeout` must be more than 0, not -1")
    assert _config_error(tmp_path / "b", "execute = { defaults = { echo = 3 } }\n").startswith(
        "vaultsite.toml:1:33: `execute.defaults.echo`")
    assert _config_error(tmp_path / "c", 'mounts = { Pics = "pics", Attachments = "nope" }\n'
                         ).startswith("vaultsite.toml:1:41: `mounts.Attachments` points to "
                                      "'nope', not a folder")
    # a mount's name with a dot in it, in a [mounts] table
    assert _config_error(tmp_path / "d", '[mounts]\n"Old.notes" = "gone"\n').startswith(
        "vaultsite.toml:2:15: `mounts.Old.notes` points to 'gone'")


def test_an_unused_ignore_pattern_written_twice_is_reported_at_each(tmp_path):
    """Two unused patterns that read the same were both reported at the first one."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"A.md": "# A\n",
                                  "vaultsite.toml": 'ignore = ["x/**", "x/**"]\n'})
    assert [m.split(": warning")[0] for m in site.messages("config-ignore")] == [
        "vaultsite.toml:1:11", "vaultsite.toml:1:19"]


# -- 3. a file the code only looks for (exists, isfile, stat) is a dependency ----------------------

LOOKS = """# Looks

```{python}
import os
from pathlib import Path
print("data", os.path.exists("data.csv"), os.path.isfile("in/deep.txt"), Path("p.txt").exists())
print("size", os.path.getsize("sized.txt"), os.stat("sized.txt").st_size)
print("folder", os.path.isdir("."), Path(".").resolve().is_dir(), os.path.exists(".env"))
```
"""


def _stdout(out) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((out / "Looks.html").read_text(encoding="utf-8"), "html.parser")
    return soup.find(class_="cell-stdout").get_text()


def test_a_file_the_code_only_looks_for_reruns_the_cell_when_it_appears(tmp_path):
    """A cell that printed ``os.path.exists('data.csv')`` kept saying False after the file was
    created: a stat is no audit event, so the file was no dependency and the cache stood.  The
    worker now records what ``os.stat`` and ``os.lstat`` look at (``exists``, ``isfile``,
    ``getsize``, ``Path.exists``): a file that appears or changes runs the note again; a folder,
    which every path passes through, and a dot-file, which the code never sees, do not."""
    from conftest import write_files

    vault = write_files(tmp_path / "v", {"Looks.md": LOOKS, "sized.txt": "abc", ".env": "X=1\n",
                                         "in/other.md": "# Other\n"})
    out = tmp_path / "site"
    first = exec_build(vault, out).result
    assert (first.stats.cells_ran, first.stats.cells_failed) == (1, 0)
    assert _stdout(out).split("\n")[:3] == ["data False False False", "size 3 3",
                                            "folder True True False"]
    # nothing changed, or only what the code does not depend on: the cache stands
    (vault / "Another note.md").write_text("# Another\n", encoding="utf-8")
    (vault / ".env").write_text("X=2\n", encoding="utf-8")
    assert exec_build(vault, out).result.stats.cells_ran == 0

    (vault / "data.csv").write_text("a,b\n", encoding="utf-8")
    again = exec_build(vault, out).result
    assert again.stats.cells_ran == 1, again.stats.rerun_reasons
    assert any("data.csv appeared" in r for r in again.stats.rerun_reasons)
    assert _stdout(out).startswith("data True False False")
    (vault / "in" / "deep.txt").write_text("x", encoding="utf-8")
    (vault / "p.txt").write_text("x", encoding="utf-8")
    assert exec_build(vault, out).result.stats.cells_ran == 1
    assert _stdout(out).startswith("data True True True")
    (vault / "sized.txt").write_text("abcdef", encoding="utf-8")
    assert exec_build(vault, out).result.stats.cells_ran == 1
    assert "size 6 6" in _stdout(out)
    assert exec_build(vault, out).result.stats.cells_ran == 0


# -- 4. a printed path with a space in it is made relative whole ------------------------------------

SPACED = """# Paths

```{python}
import os
from pathlib import Path
print(os.getcwd(), "is the folder")
print(Path("sub dir/my data.csv").resolve(), "rows")
print(os.path.abspath("sub dir/new file.csv"), "done")
print(os.path.abspath("../Other place/x.csv"))
print(Path("../Top file.txt").resolve(), "and", Path.cwd())
```

```{python}
import pandas as pd
pd.set_option("display.max_colwidth", None)
pd.DataFrame({"path": [str(Path("sub dir/my data.csv").resolve())]})
```
"""


def test_a_printed_path_with_spaces_is_made_relative_whole(tmp_path):
    """Only a path's first word was taken for a path: ``os.getcwd()`` in ``My Notes/`` printed
    ``../My Notes`` (``…/My`` made relative, `` Notes`` left as written), and a file there
    ``../My Notes/sub dir/my data.csv``.  The path now runs as far as the mirror has it, and the
    words after it stay as written."""
    from bs4 import BeautifulSoup
    from conftest import write_files

    vault = write_files(tmp_path / "v", {"My Notes/Paths.md": SPACED, "Top file.txt": "t",
                                         "My Notes/sub dir/my data.csv": "a\n"})
    out = tmp_path / "site"
    result = exec_build(vault, out).result
    assert (result.stats.cells_ran, result.stats.cells_failed) == (2, 0)
    soup = BeautifulSoup((out / "My-Notes" / "Paths.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.find(class_="cell-stdout").get_text().split("\n")[:5] == [
        ". is the folder", "sub dir/my data.csv rows", "sub dir/new file.csv done",
        "../Other place/x.csv", "../Top file.txt and ."]
    assert "sub dir/my data.csv" in [td.get_text() for td in soup.select(".cell-result td")]
    assert str(tmp_path) not in (out / "My-Notes" / "Paths.html").read_text(encoding="utf-8")


# -- 6. names Windows keeps for devices (CON, NUL, aux…) get a safe address -----------------------

def test_windows_device_names_get_a_safe_address_that_links_reach(tmp_path):
    """``CON.md``, ``NUL.md``, ``aux.md`` became ``CON.html``…: a site that cannot be checked
    out, copied or unpacked on Windows (the names are the devices there, with any extension).
    Such a page, folder, attachment or tag page now has a ``_`` after the name, and every link
    and embed leads there."""
    import re

    from conftest import build_notes, file_tree

    site = build_notes(tmp_path, {
        "CON.md": "# Con\n\n#con\n", "NUL.md": "# Nul\n", "aux.md": "# Aux\n",
        "prn/Note.md": "# In prn\n", "Lpt1.backup.md": "# Backup\n",
        "aux.png": b"\x89PNG\r\n\x1a\n", "con.pdf": b"%PDF-1.4\n",
        "Home.md": "# Home\n\n[[CON]] [[NUL]] [[aux]] [[prn/Note]] [[Lpt1.backup]] [[con.pdf]] "
                   "[c](CON.md) #con\n\n![[aux.png]]\n"})
    device = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])", re.IGNORECASE)
    bad = [p for p in file_tree(site.out)
           if any(device.fullmatch(part.split(".")[0].rstrip(" ")) for part in p.split("/"))]
    assert bad == []
    assert {"CON_.html", "NUL_.html", "aux_.html", "prn_/Note.html", "prn_/index.html",
            "Lpt1_.backup.html", "aux_.png", "con_.pdf", "_tags/con_.html"} <= set(file_tree(site.out))
    page = site.page("Home.md")
    content = site.content("Home.md")
    reached = {}
    for a in content.select("a[href]"):
        target, _ = site.follow(page, a["href"])
        reached[a.get_text()] = target.relative_to(site.out).as_posix()
    assert reached == {"CON": "CON_.html", "NUL": "NUL_.html", "aux": "aux_.html",
                       "prn/Note": "prn_/Note.html", "Lpt1.backup": "Lpt1_.backup.html",
                       "con.pdf": "con_.pdf", "c": "CON_.html", "#con": "_tags/con_.html"}
    img = content.find("img")
    assert site.follow(page, img["src"])[0] == site.out / "aux_.png"
    assert site.diagnostics == []


# -- 5. a rebuild killed midway leaves the old site or the new one ------------------------------------

_KILLER = """
import os, sys
import generator.emit as emit
vault, out, where, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
count = [0]
if where == "replace":  # the renames of an update in place
    replace = os.replace
    def replacing(*args, **kwargs):
        count[0] += 1
        if count[0] == n:
            os.kill(os.getpid(), 9)
        return replace(*args, **kwargs)
    os.replace = replacing
elif where == "link":
    linked = emit._link_or_copy
    def link(*args):
        count[0] += 1
        if count[0] == n:
            os.kill(os.getpid(), 9)
        return linked(*args)
    emit._link_or_copy = link
else:
    swap = emit._exchange
    def exchange(a, b):
        if where == "before":
            os.kill(os.getpid(), 9)
        swap(a, b)
        os.kill(os.getpid(), 9)
    emit._exchange = exchange
from generator.cli import main
sys.argv = ["vaultsite", "build", vault, "-o", out, "--no-exec", "-q"]
main()
"""


def test_a_rebuild_killed_midway_leaves_the_old_site_or_the_new_one(tmp_path):
    """A second build wrote each changed page beside its place and then renamed them one by one:
    killed among the renames (``kill -9``, a closed terminal), it left a site of old and new
    pages (93 of 375 new, measured).  The new site is now made whole beside the old one, the
    pages that stay as hard links, and the two folders are swapped in one step: killed anywhere,
    the folder holds the old site or the new one, and the next build clears what was left."""
    import shutil
    import subprocess
    import sys

    import pytest
    from conftest import REPO, file_tree, linked_vault

    if not sys.platform.startswith(("linux", "darwin")):
        pytest.skip("no system call here swaps two folders")
    vault, out = tmp_path / "v", tmp_path / "out"
    linked_vault(vault, 60)
    run = [sys.executable, "-m", "generator", "build", str(vault), "-o", str(out), "--no-exec",
           "-q"]
    subprocess.run(run, cwd=REPO, check=True, capture_output=True)
    old = file_tree(out)
    kept = tmp_path / "kept"  # the first build's site and its cache (build state) beside it

    def put_back(site) -> None:
        for name in (site.name, f"{site.name}.vaultsite-cache"):
            shutil.rmtree(site.parent / name, ignore_errors=True)
        shutil.copytree(kept / "out", site)
        shutil.copytree(kept / "out.vaultsite-cache", site.parent / f"{site.name}.vaultsite-cache")

    kept.mkdir()
    shutil.copytree(out, kept / "out")
    shutil.copytree(tmp_path / "out.vaultsite-cache", kept / "out.vaultsite-cache")
    linked_vault(vault, 60, edited=frozenset({0, 30}))
    put_back(tmp_path / "new")  # the same rebuild, not interrupted
    subprocess.run([*run[:6], str(tmp_path / "new"), *run[7:]], cwd=REPO, check=True,
                   capture_output=True)
    new = file_tree(tmp_path / "new")
    assert new != old
    for where, n in [("replace", 3), ("replace", 20), ("link", 1), ("link", 10), ("link", 40),
                     ("before", 0), ("after", 0)]:
        put_back(out)
        killed = subprocess.run([sys.executable, "-c", _KILLER, str(vault), str(out), where,
                                 str(n)], cwd=REPO, capture_output=True)
        now = file_tree(out)
        assert now in (old, new), (where, n, len(set(now.items()) ^ set(new.items())))
        if where != "replace":  # an update in place renames; a swap renames nothing
            assert killed.returncode == -9, (where, n, killed.stderr[-2000:])
            assert (now == new) == (where == "after")
        subprocess.run(run, cwd=REPO, check=True, capture_output=True)  # the next build
        assert file_tree(out) == new
        assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_a_site_folder_holding_files_of_its_own_is_still_updated_in_place(tmp_path):
    """A site folder that holds what vaultsite did not write (a ``.git`` of a Pages branch, a
    file put in by hand) keeps them: it is updated in place, as before, not swapped."""
    from conftest import build_notes, write_files

    files = {"A.md": "# A\n", "B.md": "# B\n[[A]]\n"}
    site = build_notes(tmp_path, files)
    git = write_files(site.out / ".git", {"HEAD": "ref: refs/heads/gh-pages\n"})
    inode = site.out.stat().st_ino
    write_files(tmp_path / "src", {"B.md": "# B\n[[A]] again\n"})
    again = build_notes(tmp_path, {})
    assert "again" in again.content("B.md").get_text()
    assert (git / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert site.out.stat().st_ino == inode


def test_a_full_disk_leaves_the_previous_site_as_it_was_when_updated_in_place(tmp_path,
                                                                              monkeypatch):
    """The update in place (no swap on this system, or a folder holding files of its own) still
    stops on a full disk with the previous site whole, as test_audit9_robust's test now checks
    for the swap."""
    import pytest
    from test_audit9_robust import _disk_full_on, _files, _vault

    from generator.config import load_config
    from generator.emit import OutputError
    from generator.pipeline import build

    monkeypatch.setattr("generator.emit._exchange", None)
    out = tmp_path / "site"
    build(load_config(_vault(tmp_path, "one")), out, exec_mode="no-exec", workers=1)
    before = _files(out)
    _disk_full_on(monkeypatch, "B.html")
    with pytest.raises(OutputError, match="No space left on device"):
        build(load_config(_vault(tmp_path, "two")), out, exec_mode="no-exec", workers=1)
    assert _files(out) == before
