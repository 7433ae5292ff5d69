"""Session 17, full-build CPU: work done once instead of once per worker, with the same pages.

The changes are speed-ups that keep every output byte; these tests pin the shape of what they save
and that the pages stay those of a build in one process, not a timing.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.parallel import can_fork
from tests.conftest import file_tree, linked_vault

needs_fork = pytest.mark.skipif(not can_fork(), reason="build workers are forked processes")


@needs_fork
def test_the_workers_get_the_explorer_and_the_listing_order_made(tmp_path, monkeypatch):
    """The build process sends the render workers the explorer tree and the notes' listing order
    (backlinks are listed in it) with the index: no worker builds the tree or sorts the notes by
    name again (each did, with its name-order memo still empty: about 0.03 CPU-s per worker on
    2,000 notes), and the pages are those of a build in one process."""
    import os

    from generator import templating
    from generator.config import load_config
    from generator.pipeline import build

    log = tmp_path / "calls.txt"

    def logged(name):
        real = getattr(templating, name)

        def call(*args, **kwargs):
            with log.open("a", encoding="utf-8") as fh:
                fh.write(f"{name} {os.getpid()}\n")
            return real(*args, **kwargs)
        monkeypatch.setattr(templating, name, call)

    logged("build_nav")
    logged("name_order")
    vault = tmp_path / "v"
    linked_vault(vault, 230, subfolders=True)
    build(load_config(vault), tmp_path / "out2", exec_mode="no-exec", workers=2)
    calls = log.read_text(encoding="utf-8").split("\n")
    assert {line.split()[0] for line in calls if line} == {"build_nav", "name_order"}
    assert {line.split()[1] for line in calls if line} == {str(os.getpid())}
    build(load_config(vault), tmp_path / "out1", exec_mode="no-exec", workers=1)
    pages = file_tree(tmp_path / "out2")
    assert pages == file_tree(tmp_path / "out1")
    # Note 6's backlinks, by name with numbers by value: Note 5 links it ([[Note 6#Part]]), Note
    # 155 embeds its section (155 * 3 + 1 = 466, 6 past 2 * 230) and Note 198 links it
    # (198 * 7 = 1386, 6 past 6 * 230)
    page = BeautifulSoup(pages["area1/sub0/Note-6.html"].decode("utf-8"), "html.parser")
    listed = [a.get_text() for a in page.select("section.backlinks a")]
    assert listed == ["Note 5", "Note 155", "Note 198"]
