"""Session 18, the build's wall time: work taken off the stretches where one process works alone.

The change keeps every output byte; the test pins when the work happens (the workers end before the
site is written, not after) and that the pages stay those of a build in one process, not a timing.
"""

from __future__ import annotations

import pytest

from generator.parallel import can_fork
from tests.conftest import file_tree, linked_vault

needs_fork = pytest.mark.skipif(not can_fork(), reason="build workers are forked processes")


@needs_fork
def test_the_workers_end_before_the_site_is_written(tmp_path, monkeypatch):
    """Once the pages are rendered the workers are told to end, so the system takes back their
    memory while the build writes the site and saves its state; before, they were ended only after
    all that, and the build waited for them.  At the time the site is written, each worker has
    ended (or ends on its own: it is not waiting for a message any more)."""
    from generator import emit, workers
    from generator.config import load_config
    from generator.pipeline import build

    pools = []
    real_init = workers.NotePool.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        pools.append(self)
    monkeypatch.setattr(workers.NotePool, "__init__", init)
    ended: list[int | None] = []
    real_emit = emit.emit_site

    def emit_site(*args, **kwargs):
        for pool in pools:
            for proc in pool.procs:
                proc.join(timeout=60)  # a worker still waiting for work never ends: None
                ended.append(proc.exitcode)
        return real_emit(*args, **kwargs)
    monkeypatch.setattr(emit, "emit_site", emit_site)

    vault = tmp_path / "v"
    linked_vault(vault, 220)
    build(load_config(vault), tmp_path / "out", exec_mode="no-exec", workers=2)
    assert len(pools) == 1 and ended == [0, 0]
    build(load_config(vault), tmp_path / "out1", exec_mode="no-exec", workers=1)
    assert file_tree(tmp_path / "out") == file_tree(tmp_path / "out1")
