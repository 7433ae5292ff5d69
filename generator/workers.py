"""Persistent worker processes that parse a share of the notes and later render the same notes.

Parsing is the most expensive step of a build, and markdown-it tokens cost as much to pickle as to
parse again, so tokens never cross a process boundary: each worker keeps the tokens of the notes it
parsed and sends back only the plain facts.  Once the index exists, the parent sends it to every worker
(pickled once) and each worker renders the notes whose tokens it holds.
"""

from __future__ import annotations

import io
import mmap
import multiprocessing
import os
import pickle
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from generator.config import SiteConfig
from generator.model import Note, NoteId, SourceFile
from generator.parallel import can_fork, forked


class WorkerError(RuntimeError):
    pass


# A worker answers a parse in parts of this many notes: the build process reads each while the
# workers parse on, rather than all of them once the last worker is done (10,000 notes: about
# 0.2 s each worker's, while every worker waited).
PARSE_PART = 500


def _leave() -> None:
    """End the worker now.  Returning would free every token it holds one by one, and the build
    waits for its workers to end (half a second on 10,000 notes); it has nothing left to write."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _end_with_parent(parent: int) -> None:
    """End this worker as soon as the build that forked it (process ``parent``) is gone (``kill
    -9``, a closed terminal): it would otherwise go on rendering, into a staging folder nobody will
    swap in.  The build's pid is the one it had when it forked: asked here, it would be the
    orphan's new parent's if the build died first."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _worker_main(conn, counts: mmap.mmap, slot: int, inherited: Sequence[Any] = (),
                 parent: int | None = None) -> None:
    """Runs in the child of build process ``parent``.  ``inherited``: the parent's ends of this
    worker's pipe and of the pipes of the workers forked before it, which the fork copied; while
    the worker holds them open it never sees its own pipe close when the build dies, and waits on
    it forever.  Both are seen to first: the imports below can take seconds on a loaded machine."""
    for end in inherited:
        end.close()
    _end_with_parent(os.getppid() if parent is None else parent)

    from generator.parse import without_tokens
    from generator.pipeline import parse_safely

    tokens: dict[NoteId, list[Any]] = {}
    at = slice(8 * slot, 8 * slot + 8)

    def count(done: int) -> None:  # how far this worker is, for the parent's progress bar
        counts[at] = done.to_bytes(8, "little")
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            _leave()
        kind = msg[0]
        try:
            if kind == "parse":
                cfg, jobs = msg[1], msg[2]
                out = []
                for done, (src, data) in enumerate(jobs, 1):
                    note = parse_safely(src, cfg, data)
                    tokens[note.id] = note.tokens
                    out.append(without_tokens(note))
                    count(done)
                    if len(out) == PARSE_PART and done < len(jobs):
                        conn.send(("part", out))  # read while this worker parses on
                        out = []
                conn.send(("ok", out))
            elif kind == "render":
                builder = pickle.loads(msg[1])
                for note_id, toks in tokens.items():
                    note = builder.index.notes.get(note_id)
                    if note is not None and not note.tokens:
                        note.tokens = toks
                notes = [builder.index.notes[i] for i in msg[2]]
                results = []
                for n in notes:
                    results.append(builder.render_note(n))
                    count(len(results))
                staging = msg[3]
                if staging is not None:  # pages go straight into the new site, not through the pipe
                    for files, *_rest in results:
                        for url, data in files.items():
                            files[url] = staging.write(url, data)
                conn.send(("ok", results))
            else:
                _leave()
        except BrokenPipeError:  # the build is gone
            _leave()
        except BaseException:  # report, keep the worker usable
            try:
                conn.send(("error", traceback.format_exc()))
            except OSError:
                _leave()


# ``![[Name]]``, ``![[folder/Name|alias]]`` or ``![[Name#Section]]``: an embed of a note (group 2: the
# part embedded, when not the whole note)
_NOTE_EMBED = re.compile(rb"!\[\[([^\]|#^\n]+)(#[^\]|\n]*)?(?:\|[^\]\n]*)?\]\]")


# what a note, a link (``[[``) and a note embed cost beside their bytes, in bytes parsed (see
# ``share_out``)
_NOTE_PARSE, _LINK_PARSE, _LINK_RENDER, _EMBED_RENDER = 4000, 500, 1500, 10000


def share_out(jobs: Sequence[tuple[SourceFile, bytes]], n: int) -> list[int]:
    """Which of ``n`` workers parses each note: equal shares of parsing and of rendering, with a
    note and the notes it embeds kept together where possible.

    A worker renders the pages whose tokens it holds, and keeps the renderings of the notes and
    sections they embed for its later pages: an embed of a note parsed by another worker means
    parsing it again and rendering it once more.  Embeds are read from the raw bytes by name (a
    guess made before the index exists: a wrong guess costs only that work, never a different
    page), and the notes joined by them make groups, found breadth-first.  Costs are counted in
    bytes parsed: a note costs its bytes to parse and its bytes to render, each link a little to
    parse and more to render (resolved, written), each note a fixed part to parse, and each note
    embed its context and what it shows to render (a whole note's bytes, a quarter of them for a
    section); fitted to the CPU time of each note of a 10,000-note build.  Both stages end at a
    barrier (the index waits for the last parse, the site for the last page), so the groups are
    dealt out, the costliest first, each to the worker where the parse and the render, each as
    long as its slowest worker, add up to least.  A group costlier than a worker's share is cut,
    in its breadth-first order, into runs of that cost.  (Shares of equal cost in all had one
    worker parse 7% more bytes and render a seventh less than the other: more than a second of
    one worker idle at the two barriers of a 10,000-note build.)
    """
    by_name: dict[str, list[int]] = {}
    for i, (src, _data) in enumerate(jobs):
        by_name.setdefault(src.rel.rsplit("/", 1)[-1][:-3].casefold(), []).append(i)
    near: list[list[int]] = [[] for _ in jobs]
    size = [len(data) for _src, data in jobs]
    parse = [_NOTE_PARSE + n + _LINK_PARSE * data.count(b"[[") for n, (_src, data) in
             zip(size, jobs, strict=True)]
    render = [n + _LINK_RENDER * data.count(b"[[") for n, (_src, data) in zip(size, jobs,
                                                                              strict=True)]
    for i, (_src, data) in enumerate(jobs):
        for m in _NOTE_EMBED.finditer(data):
            name = m.group(1).decode("utf-8", "replace").strip().rsplit("/", 1)[-1].casefold()
            hit = by_name.get(name[:-3] if name.endswith(".md") else name)
            if hit is not None and len(hit) == 1 and hit[0] != i:
                near[i].append(hit[0])
                near[hit[0]].append(i)
                render[i] += _EMBED_RENDER + (size[hit[0]] // 4 if m.group(2) else size[hit[0]])
    cost = [p + r for p, r in zip(parse, render, strict=True)]
    share = sum(cost) / n if jobs else 1
    groups: list[list[int]] = []
    seen = [False] * len(jobs)
    for start in range(len(jobs)):
        if seen[start]:
            continue
        seen[start] = True
        queue = [start]
        for v in queue:
            for w in near[v]:
                if not seen[w]:
                    seen[w] = True
                    queue.append(w)
        run: list[int] = []
        done = 0
        for i in queue:
            if run and done + cost[i] > share:
                groups.append(run)
                run, done = [], 0
            run.append(i)
            done += cost[i]
        groups.append(run)
    weighed = sorted(((sum(cost[i] for i in g), sum(parse[i] for i in g), k)
                      for k, g in enumerate(groups)), key=lambda w: (-w[0], w[2]))
    parsing = [0] * n
    rendering = [0] * n
    assign = [0] * len(jobs)
    for total, parsed, k in weighed:
        rendered = total - parsed
        most_parse, most_render = max(parsing), max(rendering)
        w = min(range(n), key=lambda w: (max(most_parse, parsing[w] + parsed)
                                         + max(most_render, rendering[w] + rendered),
                                         parsing[w] + rendering[w], w))
        parsing[w] += parsed
        rendering[w] += rendered
        for i in groups[k]:
            assign[i] = w
    return assign


class _RenderPickler(pickle.Pickler):
    """Pickles the builder for the render workers without the facts of each note that only the
    build process uses (its links, plain text and reading diagnostics: the index, the search data
    and the report are made there).  On 10,000 notes that is a third less to pickle here and to
    unpickle in every worker, while the workers wait.  ``keep_links``: a base in the vault reads
    notes' links (``file.links``), so the workers need them."""

    keep_links = False

    def reducer_override(self, obj):
        if type(obj) is Note:
            state = obj.__getstate__()
            state.update(plain_text="", diagnostics=())
            if not self.keep_links:
                state["links"] = ()
            return _note_from_state, (state,)
        return NotImplemented


def _note_from_state(state: dict[str, Any]) -> Note:
    note = Note.__new__(Note)
    note.__dict__.update(state)
    return note


Progress = Callable[[str, int, int], None]  # (stage, done, total)


class _Watch:
    """Reports a stage's progress while the workers work: each worker writes how many notes of its
    share it has done into its slot of a shared page (no message, nothing for the workers to
    wait on), and a thread of this process reads the sum ten times a second."""

    EVERY = 0.1

    def __init__(self, counts: mmap.mmap, n: int, progress: Progress | None, stage: str,
                 total: int) -> None:
        self.counts, self.n = counts, n
        self.progress, self.stage, self.total = progress, stage, total
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        counts[:] = bytes(len(counts))
        if progress is not None:
            self.thread = threading.Thread(target=self._run, name="vaultsite-progress",
                                           daemon=True)
            self.thread.start()

    def done(self) -> int:
        c = self.counts
        return min(self.total, sum(int.from_bytes(c[8 * k:8 * k + 8], "little")
                                   for k in range(self.n)))

    def _run(self) -> None:
        last = -1
        while not self.stop.wait(self.EVERY):
            done = self.done()
            if done != last:
                last = done
                try:
                    self.progress(self.stage, done, self.total)  # type: ignore[misc]
                except Exception:  # a display problem never stops the build
                    return

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()


class NotePool:
    def __init__(self, workers: int, progress: Progress | None = None, keep_parsed: bool = False):
        """``keep_parsed``: keep the workers' answers to a parse as they came (``parsed_blobs``),
        for a build that saves the parsed notes."""
        self.conns = []
        self.keep_parsed = keep_parsed
        self.procs = []
        self.owner: dict[NoteId, int] = {}
        # the last parse's answers as the workers pickled them, with the vault paths of the notes
        # in each: the build saves them for the next one as they are (``incremental.ParsedAside``)
        self.parsed_blobs: list[tuple[list[str], bytes]] = []
        self.progress = progress
        self._watch: _Watch | None = None
        # one 8-byte counter per worker, shared with the forked workers
        self.counts = mmap.mmap(-1, max(8 * workers, mmap.PAGESIZE))
        for slot in range(workers):
            parent, child = multiprocessing.Pipe()
            proc = forked(_worker_main, child, self.counts, slot, [*self.conns, parent],
                          os.getpid())
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)

    def __enter__(self) -> NotePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _gather(self, raw: list[list[tuple[int, bytes]]] | None = None) -> list[Any]:
        """Every worker's answer; a failure is raised once all have answered, so that no worker is
        still at work (writing pages, say) when the caller cleans up.  A parse is answered in
        parts (``PARSE_PART`` notes each, then the rest), joined here into one list.  ``raw``:
        filled with each worker's parts as they came, pickled, with the number of notes in each
        (``parsed_blobs``)."""
        from multiprocessing.connection import wait

        results: list[Any] = [None] * len(self.conns)
        parts: list[list[Any]] = [[] for _ in self.conns]
        blobs: list[list[tuple[int, bytes]]] = [[] for _ in self.conns]
        failure = None
        waiting = list(self.conns)
        while waiting:
            # whichever answers first is read first: its answer is unpickled here while the
            # others still work (a worker blocks on a full pipe until its answer is read)
            for conn in wait(waiting):
                k = self.conns.index(conn)
                try:
                    blob = conn.recv_bytes()
                except EOFError:
                    waiting.remove(conn)
                    failure = failure or WorkerError("a build worker died (out of memory?)")
                    continue
                status, payload = pickle.loads(blob)  # what ``conn.recv()`` does
                if status == "part":  # more to come from this worker
                    parts[k] += payload
                    blobs[k].append((len(payload), blob))
                    continue
                waiting.remove(conn)
                if status != "ok":
                    failure = failure or WorkerError(f"a build worker failed:\n{payload}")
                    continue
                results[k] = parts[k] + payload if parts[k] else payload
                blobs[k].append((len(payload), blob))
        if failure is not None:
            raise failure
        if raw is not None:
            raw[:] = blobs
        return results

    def parse(self, cfg: SiteConfig, jobs: Sequence[tuple[SourceFile, bytes]]) -> list[Note]:
        n = len(self.conns)
        shares: list[list[int]] = [[] for _ in range(n)]
        for i, k in enumerate(share_out(jobs, n)):
            shares[k].append(i)
        watch = _Watch(self.counts, n, self.progress, "parse", len(jobs))
        blobs: list[list[tuple[int, bytes]]] = []
        try:
            for conn, share in zip(self.conns, shares, strict=True):
                conn.send(("parse", cfg, [jobs[i] for i in share]))
            parts = self._gather(blobs)
        finally:
            watch.close()
        if self.keep_parsed:
            self.parsed_blobs = []
            for share, answer in zip(shares, blobs, strict=True):
                at = 0
                for size, blob in answer:
                    self.parsed_blobs.append(([jobs[i][0].rel for i in share[at:at + size]], blob))
                    at += size
        out: list[Note] = [None] * len(jobs)  # type: ignore[list-item]
        for k, (share, part) in enumerate(zip(shares, parts, strict=True)):
            for i, note in zip(share, part, strict=True):
                out[i] = note
                self.owner[note.id] = k
        return out

    def render_start(self, builder: Any, notes: Sequence[Note], staging: Any = None) -> None:
        """Send the work out; the caller may do other things before ``render_finish``.  With
        ``staging`` (``emit.Staging``), workers write the pages there and return their digests."""
        n = len(self.conns)
        shares: list[list[NoteId]] = [[] for _ in range(n)]
        spare = 0
        for note in notes:
            k = self.owner.get(note.id)
            if k is None:
                k, spare = spare % n, spare + 1
            shares[k].append(note.id)
        buf = io.BytesIO()
        pickler = _RenderPickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
        from generator.bases import vault_uses_bases

        pickler.keep_links = vault_uses_bases(builder.index)
        pickler.dump(builder)
        blob = buf.getvalue()
        self._watch = _Watch(self.counts, n, self.progress, "render", len(notes))
        for conn, share in zip(self.conns, shares, strict=True):
            conn.send(("render", blob, share, staging))
        self._pending = (shares, notes)

    def render_finish(self) -> list[Any]:
        shares, notes = self._pending
        try:
            parts = self._gather()
        finally:
            self._stop_watch()
        by_id = {}
        for share, part in zip(shares, parts, strict=True):
            by_id.update(zip(share, part, strict=True))
        return [by_id[n.id] for n in notes]

    def _stop_watch(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def stop(self) -> None:
        """Tell the workers to end, without waiting for them to be gone.  A build stops them once
        its pages are rendered: the system then takes back their memory (over a gigabyte each on
        10,000 notes, a good part of a second) while the build writes the site and saves its
        state, rather than while the build waits for them at the end (``close``)."""
        self._stop_watch()
        conns, self.conns = self.conns, []
        for conn in conns:
            try:
                conn.send(("stop",))
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self.stop()
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


class LazyPool:
    """A ``NotePool`` started only when a stage has enough notes to make the processes pay off."""

    MIN_NOTES = 200

    def __init__(self, workers: int, progress: Progress | None = None, keep_parsed: bool = False):
        self.workers = workers
        self.progress = progress
        self.keep_parsed = keep_parsed  # (``NotePool``)
        self.pool: NotePool | None = None

    def get(self, n_items: int) -> NotePool | None:
        if self.pool is None and (self.workers <= 1 or n_items < self.MIN_NOTES or not can_fork()):
            return None
        if self.pool is None:
            self.pool = NotePool(self.workers, self.progress, self.keep_parsed)
        return self.pool

    def take_parsed_blobs(self) -> list[tuple[list[str], bytes]]:
        """The notes the workers parsed last, as they pickled them (``NotePool.parsed_blobs``);
        handed over once."""
        if self.pool is None:
            return []
        blobs, self.pool.parsed_blobs = self.pool.parsed_blobs, []
        return blobs

    def stop(self) -> None:
        """Let the workers end now (``NotePool.stop``); ``close`` still waits for them."""
        if self.pool is not None:
            self.pool.stop()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
