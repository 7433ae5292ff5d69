"""Session 14, probe: an adversarial audit of the site contract (nothing lost, nothing leaks,
determinism, browsing) and of the command line, with small hostile vaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_files

from generator.cli import main
from generator.config import load_config
from generator.emit import OutputError
from generator.pipeline import build


@pytest.mark.parametrize("inside", [".", "cache", "deep/cache"])
def test_a_cache_folder_inside_the_output_folder_is_refused_before_anything_is_written(tmp_path,
                                                                                      inside):
    """``[execute] cache_dir`` inside (or equal to) the output folder put the build's cache into
    the site: ``parsed-notes.pickle`` with the text of a ``publish: false`` note, and the state
    with the machine's paths, published with the pages.  The build now refuses, says why and what
    to do, and writes nothing."""
    out = tmp_path / "site"
    cache = (out / inside).resolve()
    vault = write_files(tmp_path / "v", {
        "a.md": "# A\n",
        "draft.md": "---\npublish: false\n---\nTOP SECRET DRAFT\n",
        "vaultsite.toml": f'[execute]\ncache_dir = "{cache.as_posix()}"\n',
    })
    with pytest.raises(OutputError) as err:
        build(load_config(vault), out, exec_mode="no-exec")
    message = str(err.value)
    assert "cache_dir" in message and "outside the output folder" in message
    assert not out.exists()
    # the command line says so in one line and exits non-zero; so does serve, before serving
    for args in (["build", str(vault), "-o", str(out), "-q"],
                 ["serve", str(vault), "-o", str(out), "-p", "0"]):
        run = CliRunner().invoke(main, args)
        assert run.exit_code == 1, run.output
        assert "cache_dir" in run.output
    assert not out.exists()


def test_a_cache_folder_beside_or_above_the_output_folder_still_builds(tmp_path):
    """The refusal is only for a cache inside the site: the default (``site.vaultsite-cache``
    beside it) and a cache folder that holds the output folder are fine, and the site then
    holds no file of the cache."""
    vault = write_files(tmp_path / "v", {
        "a.md": "# A\n",
        "draft.md": "---\npublish: false\n---\nTOP SECRET DRAFT\n",
        "vaultsite.toml": f'[execute]\ncache_dir = "{(tmp_path / "c").as_posix()}"\n',
    })
    out = tmp_path / "c" / "site"
    build(load_config(vault), out, exec_mode="no-exec")
    assert (out / "a.html").is_file()
    for path in out.rglob("*"):
        if path.is_file():
            assert b"TOP SECRET" not in path.read_bytes(), path


def _roots_of_404(site_dir) -> list[str]:
    """The site's top-level folders as the 404 page's script lists them."""
    import json
    import re

    script = (site_dir / "404.html").read_text(encoding="utf-8")
    found = re.search(r'\}\)\(location,(\[[^\]]*\])\)</script>', script)
    assert found, "the 404 page's root-finding script"
    return json.loads(found.group(1))


def test_the_404_page_knows_folders_that_hold_only_folder_pages_and_redirects(tmp_path):
    """A vault folder whose notes all have permalinks elsewhere (as in the Obsidian Help vault,
    whose ``Plugins/`` notes are pages of ``plugins/``) is still a folder of the site: its
    folder page and the redirects at the notes' own addresses are there.  A missing page in it
    (``/proj/Plugins/Gone.html`` on a host that serves 404.html) must find the site root at
    ``/proj/``; the 404 page did not know the folder and took the host's root, so its stylesheet,
    script and links all pointed out of the site."""
    vault = write_files(tmp_path / "v", {
        "Home.md": "[[Backlinks]]\n",
        "Plugins/Backlinks.md": "---\npermalink: guide/backlinks\n---\n# Backlinks\n",
        "Deep/Er/Note.md": "# Deep\n",
    })
    out = tmp_path / "site"
    build(load_config(vault), out, exec_mode="no-exec")
    assert (out / "Plugins" / "index.html").is_file()  # the folder page
    assert (out / "Plugins" / "Backlinks.html").is_file()  # the redirect to the permalink
    roots = _roots_of_404(out)
    assert {"Plugins", "guide", "Deep", "_assets"} <= set(roots)


def test_a_file_put_into_the_site_by_hand_is_never_overwritten(tmp_path):
    """The build never replaces what it did not write: a page put into the site folder by hand
    (``about.html``) was silently overwritten by a later build once the vault got a note of that
    name.  The build now stops before writing anything and names the file; once it is moved
    away, the build goes on."""
    vault = write_files(tmp_path / "v", {"A.md": "# A\n"})
    out = tmp_path / "site"
    cfg = load_config(vault)
    build(cfg, out, exec_mode="no-exec")
    (out / "about.html").write_text("<p>my own page</p>\n", encoding="utf-8")
    (out / "notes.txt").symlink_to(tmp_path / "elsewhere.txt")
    write_files(vault, {"about.md": "# About\n", "B.md": "[[notes.txt]]\n", "notes.txt": "x\n"})
    a_before = (out / "A.html").read_bytes()
    with pytest.raises(OutputError) as err:
        build(cfg, out, exec_mode="no-exec")
    assert "'about.html'" in str(err.value) and "did not write" in str(err.value)
    assert (out / "about.html").read_text(encoding="utf-8") == "<p>my own page</p>\n"
    assert not (out / "B.html").exists() and (out / "A.html").read_bytes() == a_before
    (out / "about.html").unlink()
    with pytest.raises(OutputError) as err:  # a link the user made is the user's too
        build(cfg, out, exec_mode="no-exec")
    assert "'notes.txt'" in str(err.value)
    assert (out / "notes.txt").is_symlink()
    (out / "notes.txt").unlink()
    build(cfg, out, exec_mode="no-exec")
    assert "About" in (out / "about.html").read_text(encoding="utf-8")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "x\n"


def test_a_build_killed_while_renaming_leaves_files_the_next_build_takes_as_its_own(tmp_path,
                                                                                   monkeypatch):
    """New files of an update are listed in the marker before they take their places: a build
    killed between its renames and its final marker (here: interrupted right after it renamed a
    new page into place) leaves pages that the marker names, which the next build, of a changed
    vault, replaces as its own instead of refusing them as the user's; and the site then equals
    a clean build's."""
    import json
    import os

    vault = write_files(tmp_path / "v", {"A.md": "# A\n"})
    out = tmp_path / "site"
    cfg = load_config(vault)
    build(cfg, out, exec_mode="no-exec")
    new_pages = {"B.html", "C.html", "D.html"}
    write_files(vault, {"B.md": "# B\n", "C.md": "# C\n", "D.md": "# D\n"})
    real = os.replace
    renamed = []

    def interrupted(src, dest, *args, **kwargs):
        if renamed:
            raise KeyboardInterrupt  # as a kill would stop it, without cleaning up
        done = real(src, dest, *args, **kwargs)
        if ".vaultsite-tmp-" in str(src) and Path(dest).name in new_pages:
            renamed.append(Path(dest).name)
        return done

    monkeypatch.setattr(os, "replace", interrupted)
    # the update in place, which renames (where the folders can be swapped whole, a build killed
    # midway leaves the old site or the new one: tests/test_audit21_leftovers.py)
    monkeypatch.setattr("generator.emit._exchange", None)
    with pytest.raises(KeyboardInterrupt):
        build(cfg, out, exec_mode="no-exec")
    monkeypatch.setattr(os, "replace", real)
    [page] = renamed
    assert (out / page).is_file()
    assert page in json.loads((out / ".vaultsite-site").read_text(encoding="utf-8"))["files"]
    write_files(vault, {"B.md": "# B changed\n", "C.md": "# C changed\n", "D.md": "# D changed\n"})
    build(cfg, out, exec_mode="no-exec")
    clean = tmp_path / "clean"
    build(cfg, clean, exec_mode="no-exec")
    for path in clean.rglob("*"):
        if path.is_file() and path.name != ".vaultsite-site":
            rel = path.relative_to(clean)
            assert (out / rel).read_bytes() == path.read_bytes(), rel


def test_two_builds_into_one_new_folder_at_once_end_with_a_message_that_says_what_happened(
        tmp_path):
    """Two builds started together into one new output folder (two terminals, or ``serve`` and
    ``build``): the first swaps its site in; the second, which wrote its pages aside for a new site,
    found a site there and stopped with "internal error: pages written aside for a site that
    exists".  It now says what happened and what to do, and leaves the first build's site and no
    staging folder."""
    from generator.emit import emit_site, staging_for

    out = tmp_path / "site"
    late = staging_for(out)  # the second build: no site yet when it started
    late.write("a.html", b"late\n")
    emit_site(out, {"a.html": b"first\n"}, {})  # the first build's site
    with pytest.raises(OutputError) as err:
        try:
            emit_site(out, {}, {}, staged=late)
        finally:
            late.discard()  # as the pipeline does with a failed build's staging folder
    message = str(err.value)
    assert "internal error" not in message
    assert "another build" in message and "build again" in message
    assert (out / "a.html").read_bytes() == b"first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_an_output_path_that_is_a_link_to_a_missing_folder_is_named_as_such(tmp_path):
    """``-o site`` where ``site`` is a symbolic link to a folder that does not exist (yet): the build
    said "exists and is not a folder" after rendering everything; it now says, before any work,
    that the link leads nowhere and what to do.  Once the folder exists, the site is built there."""
    vault = write_files(tmp_path / "v", {"a.md": "# A\n"})
    out = tmp_path / "site"
    out.symlink_to(tmp_path / "real")
    run = CliRunner().invoke(main, ["build", str(vault), "-o", str(out), "-q"])
    assert run.exit_code == 1
    assert "symbolic link" in run.output and "does not exist" in run.output
    assert "is not a folder" not in run.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "v"]
    (tmp_path / "real").mkdir()
    run = CliRunner().invoke(main, ["build", str(vault), "-o", str(out), "-q"])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "real" / "a.html").is_file() and out.is_symlink()
