"""Session 16, full-build CPU: work done once instead of twice, with the same results.

The changes are speed-ups that keep every output byte; these tests pin what the faster paths must
still give (and the new shape of what they save), not a timing.
"""

from __future__ import annotations

import pickle

import pytest

from generator.parallel import can_fork
from tests.conftest import file_tree, linked_vault

needs_fork = pytest.mark.skipif(not can_fork(), reason="build workers are forked processes")


@needs_fork
def test_the_parsed_notes_are_saved_as_the_workers_sent_them(tmp_path):
    """A cold build with workers saves the parsed notes for the next build by writing the workers'
    answers as they came (no second pickling of every note in a forked process); they load back
    as the notes a parse in this process gives, and a rebuild from them equals a clean build,
    also when most notes were reused from the cache and the rest parsed again by the workers."""
    from generator.config import load_config
    from generator.discover import discover_vault
    from generator.incremental import PARSED_FILE, load_memo
    from generator.parse import parse_note
    from generator.pipeline import build, default_cache_dir

    n = 240
    vault = tmp_path / "v"
    linked_vault(vault, n)
    out = tmp_path / "out"
    build(load_config(vault), out, exec_mode="no-exec", workers=2)
    cache = default_cache_dir(out)
    with (cache / PARSED_FILE).open("rb") as fh:
        head = pickle.load(fh)
    assert sorted(rel for part in head["parts"] for rel in part) == sorted(head["parsed"])
    assert len(head["parsed"]) == n and len(head["parts"]) == 2

    cfg = load_config(vault)
    parsed, _memo = load_memo(cache, cfg)
    sources = {src.rel: src for src in discover_vault(cfg).notes}
    assert sorted(parsed) == sorted(sources)
    for rel, (_digest, note) in parsed.items():
        fresh = parse_note(sources[rel], cfg)
        fresh.tokens = []
        assert note.__getstate__() == fresh.__getstate__(), rel

    # 210 notes edited (parsed again by the workers), 30 reused from the saved parse: the new save
    # holds both, and the build after it equals a clean one
    linked_vault(vault, n, edited=set(range(210)))
    build(load_config(vault), out, exec_mode="no-exec", workers=2)
    with (cache / PARSED_FILE).open("rb") as fh:
        head = pickle.load(fh)
    reused = [rel for rel, (_d, note) in head["parsed"].items() if note is not None]
    assert len(reused) == n - 210
    linked_vault(vault, n, edited=set(range(0, n, 2)))
    build(load_config(vault), out, exec_mode="no-exec", workers=2)
    build(load_config(vault), tmp_path / "clean", exec_mode="no-exec", workers=1)
    assert file_tree(out) == file_tree(tmp_path / "clean")


@needs_fork
def test_the_page_templates_are_compiled_once_before_the_workers_fork(tmp_path, monkeypatch):
    """The build process compiles the page templates before it forks the workers, which inherit
    them compiled: no worker compiles a template of its own (each did, a few hundredths of a
    second each), and the pages are those of a build in one process."""
    import os

    import jinja2

    from generator.config import load_config
    from generator.pipeline import build

    log = tmp_path / "compiled.txt"
    real = jinja2.Environment.compile

    def compile_(self, *args, **kwargs):
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    vault = tmp_path / "v"
    linked_vault(vault, 220)
    (vault / "_templates").mkdir()
    (vault / "_templates" / "note.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="mine">{{ page.title }}</p>'
        "{{ content }}{% endblock %}\n", encoding="utf-8")
    build(load_config(vault), tmp_path / "out2", exec_mode="no-exec", workers=2)
    assert set(log.read_text(encoding="utf-8").split()) == {str(os.getpid())}
    build(load_config(vault), tmp_path / "out1", exec_mode="no-exec", workers=1)
    pages = file_tree(tmp_path / "out2")
    assert pages == file_tree(tmp_path / "out1")
    assert b'<p class="mine">Note 7</p>' in pages["area2/Note-7.html"]


def test_postings_are_encoded_as_digit_by_digit():
    """``encode_postings`` looks the base-32 numbers of small gaps up in a table; it must give the
    digits the browser decodes, worked out one by one, for every value around the table's end
    and for random lists, with and without buckets."""
    import random

    from generator.site.search import (
        _CONTINUE,
        _TERMINAL,
        decode_postings_with_buckets,
        encode_postings,
    )

    def digit_by_digit(ids, buckets=None):
        out = []
        prev = -1
        for k, n in enumerate(ids):
            value = (n - prev - 1) * 8 + (buckets[k] if buckets is not None else 0)
            prev = n
            digits = [_TERMINAL[value & 31]]
            value >>= 5
            while value:
                digits.append(_CONTINUE[value & 31])
                value >>= 5
            out.extend(reversed(digits))
        return "".join(out)

    for value in range(0, 40 * 1024):
        n, bucket = divmod(value, 8)
        assert encode_postings([n], [bucket]) == digit_by_digit([n], [bucket]), value
    rnd = random.Random(16)
    for _ in range(3000):
        top = rnd.choice([10, 200, 3000, 10**6])
        ids = sorted(rnd.sample(range(top), min(rnd.randrange(40), top)))
        buckets = [rnd.randrange(8) for _ in ids]
        assert encode_postings(ids, buckets) == digit_by_digit(ids, buckets)
        assert encode_postings(ids) == digit_by_digit(ids)
        pairs = list(zip(ids, buckets, strict=True))
        assert decode_postings_with_buckets(encode_postings(ids, buckets)) == pairs


@needs_fork
def test_a_build_that_saves_no_state_keeps_no_copy_of_the_workers_answers(tmp_path, monkeypatch):
    """Only a build that saves the parsed notes (``vaultsite build``) keeps the workers' pickled
    answers, until the forked writer has them; one whose state stays in memory (``serve``) and
    ``check`` keep no second copy of every note while they render."""
    from generator import workers
    from generator.config import load_config
    from generator.pipeline import BuildState, build, check

    pools = []
    real = workers.NotePool.parse

    def parse(self, *args, **kwargs):
        pools.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(workers.NotePool, "parse", parse)
    vault = tmp_path / "v"
    linked_vault(vault, 220)
    build(load_config(vault), tmp_path / "serve", state=BuildState(), exec_mode="no-exec", workers=2)
    check(load_config(vault), workers=2)
    assert len(pools) == 2 and all(pool.parsed_blobs == [] for pool in pools)
    build(load_config(vault), tmp_path / "out", exec_mode="no-exec", workers=2)
    assert len(pools) == 3 and pools[2].keep_parsed and pools[2].parsed_blobs == []  # handed over
