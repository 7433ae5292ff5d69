"""Session 14, probe: an adversarial audit of the site contract (nothing lost, nothing leaks,
determinism, browsing) and of the command line, with small hostile vaults."""

from __future__ import annotations

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
