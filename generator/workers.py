"""Persistent worker processes that parse a share of the notes and later render the same notes.

Parsing is the most expensive step of a build, and markdown-it tokens cost as much to pickle as to
parse again, so tokens never cross a process boundary: each worker keeps the tokens of the notes it
parsed and sends back only the plain facts.  Once the index exists, the parent sends it to every worker
(pickled once) and each worker renders the notes whose tokens it holds.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Sequence
from typing import Any

from generator.config import SiteConfig
from generator.model import Note, NoteId, SourceFile


class WorkerError(RuntimeError):
    pass


def _worker_main(conn) -> None:  # runs in the child
    from generator.parse import without_tokens
    from generator.pipeline import parse_safely

    tokens: dict[NoteId, list[Any]] = {}
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        kind = msg[0]
        try:
            if kind == "parse":
                cfg, jobs = msg[1], msg[2]
                out = []
                for src, data in jobs:
                    note = parse_safely(src, cfg, data)
                    tokens[note.id] = note.tokens
                    out.append(without_tokens(note))
                conn.send(("ok", out))
            elif kind == "render":
                builder = pickle.loads(msg[1])
                for note_id, toks in tokens.items():
                    note = builder.index.notes.get(note_id)
                    if note is not None and not note.tokens:
                        note.tokens = toks
                notes = [builder.index.notes[i] for i in msg[2]]
                conn.send(("ok", [builder.render_note(n) for n in notes]))
            else:
                return
        except BaseException:  # report, keep the worker usable
            conn.send(("error", traceback.format_exc()))


class NotePool:
    def __init__(self, workers: int):
        ctx = multiprocessing.get_context("fork")
        self.conns = []
        self.procs = []
        self.owner: dict[NoteId, int] = {}
        for _ in range(workers):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker_main, args=(child,), daemon=True)
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)

    def __enter__(self) -> NotePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _gather(self) -> list[Any]:
        results = []
        for conn in self.conns:
            try:
                status, payload = conn.recv()
            except EOFError as exc:
                raise WorkerError("a build worker died (out of memory?)") from exc
            if status != "ok":
                raise WorkerError(f"a build worker failed:\n{payload}")
            results.append(payload)
        return results

    def parse(self, cfg: SiteConfig, jobs: Sequence[tuple[SourceFile, bytes]]) -> list[Note]:
        n = len(self.conns)
        for k, conn in enumerate(self.conns):
            conn.send(("parse", cfg, list(jobs[k::n])))
        parts = self._gather()
        out: list[Note] = [None] * len(jobs)  # type: ignore[list-item]
        for k, part in enumerate(parts):
            for j, note in enumerate(part):
                out[k + j * n] = note
                self.owner[note.id] = k
        return out

    def render_start(self, builder: Any, notes: Sequence[Note]) -> None:
        """Send the work out; the caller may do other things before ``render_finish``."""
        n = len(self.conns)
        shares: list[list[NoteId]] = [[] for _ in range(n)]
        spare = 0
        for note in notes:
            k = self.owner.get(note.id)
            if k is None:
                k, spare = spare % n, spare + 1
            shares[k].append(note.id)
        blob = pickle.dumps(builder, protocol=pickle.HIGHEST_PROTOCOL)
        for conn, share in zip(self.conns, shares, strict=True):
            conn.send(("render", blob, share))
        self._pending = (shares, notes)

    def render_finish(self) -> list[Any]:
        shares, notes = self._pending
        parts = self._gather()
        by_id = {}
        for share, part in zip(shares, parts, strict=True):
            by_id.update(zip(share, part, strict=True))
        return [by_id[n.id] for n in notes]

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(("stop",))
                conn.close()
            except OSError:
                pass
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


class LazyPool:
    """A ``NotePool`` started only when a stage has enough notes to make the processes pay off."""

    MIN_NOTES = 200

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: NotePool | None = None

    def get(self, n_items: int) -> NotePool | None:
        if self.pool is None and (self.workers <= 1 or n_items < self.MIN_NOTES
                                  or "fork" not in multiprocessing.get_all_start_methods()):
            return None
        if self.pool is None:
            self.pool = NotePool(self.workers)
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
