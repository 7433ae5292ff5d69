"""Session 18, the build's wall time: work taken off the stretches where one process works alone.

The changes keep every output byte; these tests pin where the work now happens (what is handed to
the render workers, when the workers end) and that the pages stay those of a build in one process,
not a timing.
"""

from __future__ import annotations

import multiprocessing.connection

import pytest

from generator.parallel import can_fork
from tests.conftest import file_tree, linked_vault

needs_fork = pytest.mark.skipif(not can_fork(), reason="build workers are forked processes")


class _Failing(dict):
    """A worker's held notes that cannot take the notes forwarded to it."""

    def setdefault(self, key, default=None):
        raise MemoryError("no room for the forwarded notes")


@needs_fork
def test_the_render_workers_get_the_notes_they_hold_by_name(tmp_path, monkeypatch):
    """While the build process makes the index, each worker is sent the notes the other worker
    parsed (their answers as they came, not pickled again), and the builder handed over for the
    render names every note instead of carrying it: a far smaller pickle to make while the workers
    wait, and to read in each.  When a worker cannot take the forwarded notes, the builder goes
    whole, as before.  Either way the pages are those of a build in one process."""
    from generator import workers
    from generator.config import load_config
    from generator.pipeline import build

    reduced: list[str] = []
    real_reduce = workers._RenderPickler.reducer_override

    def reducer_override(self, obj):
        out = real_reduce(self, obj)
        if type(obj) is workers.Note:
            reduced.append("name" if out[0] is workers._held_note else "whole")
        return out
    monkeypatch.setattr(workers._RenderPickler, "reducer_override", reducer_override)
    sent: list[int] = []
    real_send = multiprocessing.connection.Connection.send

    def send(self, obj):
        if isinstance(obj, tuple) and obj and obj[0] == "render":
            sent.append(len(obj[1]))
        return real_send(self, obj)
    monkeypatch.setattr(multiprocessing.connection.Connection, "send", send)

    n = 230
    vault = tmp_path / "v"
    linked_vault(vault, n, subfolders=True)
    build(load_config(vault), tmp_path / "out2", exec_mode="no-exec", workers=2)
    assert reduced == ["name"] * n  # every note once (pickle's memo), by name
    by_name = sent[:]
    assert len(by_name) == 2

    reduced.clear()
    sent.clear()
    monkeypatch.setattr(workers, "_HELD", _Failing())  # the workers fork with it
    build(load_config(vault), tmp_path / "fallback", exec_mode="no-exec", workers=2)
    assert reduced == ["whole"] * n
    assert len(sent) == 2 and 2 * by_name[0] < sent[0]

    build(load_config(vault), tmp_path / "out1", exec_mode="no-exec", workers=1)
    one = file_tree(tmp_path / "out1")
    assert file_tree(tmp_path / "out2") == one
    assert file_tree(tmp_path / "fallback") == one


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
