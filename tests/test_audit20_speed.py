"""Twentieth session, build speed: the workers answer a parse in parts, read while they parse on."""

from __future__ import annotations

import pytest

from generator.parallel import can_fork
from tests.conftest import file_tree, linked_vault

needs_fork = pytest.mark.skipif(not can_fork(), reason="build workers are forked processes")


@needs_fork
def test_a_parse_answered_in_parts_builds_and_saves_the_same_site(tmp_path, monkeypatch):
    """Each worker sends its parsed notes in parts of ``PARSE_PART``: the build joins them in
    order, and the saved parsed notes (written from the parts as the workers pickled them) give
    the next build what a build in one process gives."""
    from generator import incremental, workers
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path / "v"
    linked_vault(vault, 230)
    alone = build(load_config(vault), tmp_path / "alone", exec_mode="no-exec", workers=1)

    monkeypatch.setattr(workers, "PARSE_PART", 7)  # read before the workers fork
    answers: list[int] = []
    real = workers.NotePool.parse

    def parse(self, cfg, jobs):
        notes = real(self, cfg, jobs)
        answers.append(len(self.parsed_blobs))
        assert [n.rel for n in notes] == [src.rel for src, _data in jobs]
        return notes

    monkeypatch.setattr(workers.NotePool, "parse", parse)
    saved: list[int] = []
    real_aside = incremental.ParsedAside.__init__

    def aside(self, cache_dir, parsed, blobs=()):
        saved.append(sum(len(rels) for rels, _blob in blobs))
        real_aside(self, cache_dir, parsed, blobs)

    monkeypatch.setattr(incremental.ParsedAside, "__init__", aside)
    out = tmp_path / "out"
    first = build(load_config(vault), out, exec_mode="no-exec", workers=2)
    # 230 notes in two shares of parts of 7 (and the rest): every note saved, once
    assert answers and answers[0] >= 230 // 7 and saved == [230]
    assert file_tree(out) == file_tree(tmp_path / "alone")
    assert [str(d) for d in first.diagnostics] == [str(d) for d in alone.diagnostics]

    # the next build reads the notes back from the saved parts: one edited note is parsed again
    linked_vault(vault, 230, edited={5})
    again = build(load_config(vault), out, exec_mode="no-exec", workers=2)
    fresh = build(load_config(vault), tmp_path / "fresh", exec_mode="no-exec", workers=1)
    assert again.stats.rendered < 230
    assert file_tree(out) == file_tree(tmp_path / "fresh")
    assert [str(d) for d in again.diagnostics] == [str(d) for d in fresh.diagnostics]


@needs_fork
def test_a_worker_that_fails_after_sending_parts_fails_the_build_cleanly(tmp_path, monkeypatch):
    """A worker that dies midway through its share, after some parts were read, is a build
    worker's failure (the parts read are not taken for its answer)."""
    from generator import pipeline, workers
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path / "v"
    linked_vault(vault, 230)
    monkeypatch.setattr(workers, "PARSE_PART", 7)
    real_parse = pipeline.parse_safely  # which the workers import once forked

    def dying(src, cfg, data):
        if src.rel.endswith("Note 200.md"):
            import os

            os._exit(3)
        return real_parse(src, cfg, data)

    monkeypatch.setattr(pipeline, "parse_safely", dying)
    with pytest.raises(workers.WorkerError, match="died"):
        build(load_config(vault), tmp_path / "out", exec_mode="no-exec", workers=2)
    assert not (tmp_path / "out").exists()
