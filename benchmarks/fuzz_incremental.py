"""Edit-sequence fuzzer for incremental rebuilds: every rebuild must equal a clean build.

    python benchmarks/fuzz_incremental.py SEED STEPS --work /tmp/fuzz [--modes cache1,cache2,serve1,serve2]
        [--budget 8 --chars 6000] [--reset 25]

Run from the repository root.  It makes a small random vault (links, embeds of notes and their
parts, pictures with and without sizes and anchors, raw ``<img>``, tags, aliases and path aliases,
permalinks, canvases with tagged and linked text cards, bases, Dataview, ``obsidian://`` links,
same-named files, a ``vaultsite.toml``), then applies random edits (notes edited, added, deleted
and renamed; pictures replaced, also by one of the same byte size and modification time; canvases,
bases, SVGs and the configuration changed), rebuilding after each one in every mode: ``cache``
(``vaultsite build`` with its saved state) and ``serve`` (the ``BuildState`` kept in memory), with
1 or 2 workers.  Each rebuild's files and warnings are compared with a clean build of the same
vault.  The per-page embed budget is lowered (``--budget``, ``--chars``) so that small vaults
reach it.  A divergence is printed and saved as JSON under ``WORK/cases`` (the starting vault and
the edits), for ``replay`` and a test with ``tests.test_incremental.assert_edits_rebuild_as_clean``.
A fresh vault is made every ``--reset`` steps.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, os.getcwd())

from generator import render  # noqa: E402


def png(w: int, h: int) -> bytes:
    raw = b"".join(b"\0" + b"\x80" * (w * 3) for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


# pictures of the same byte size, different shapes
SAME = {}
for w in range(1, 16):
    for h in range(1, 16):
        SAME.setdefault((3 * w + 1) * h, []).append((w, h))
SAME = [v for v in SAME.values() if len(v) > 1]

NOTES = ["A", "B", "C", "sub/A", "sub/D", "E", "sub/deep/F", "Node.js", "Home", "b", "2024-01-05"]
PICS = ["pic.png", "sub/pic.png", "icon.svg", "other.png"]
SVG_PLAIN = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="12"><rect width="10" '
             'height="10"/></svg>')
SVG_CC = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="12"><rect width="10" height="10" '
          'fill="currentColor"/></svg>')


def target(r: random.Random) -> str:
    return r.choice(["A", "B", "C", "D", "E", "F", "sub/A", "Ali", "Zed", "Node.js", "Node.js.md",
                     "sub/deep/F", "deep/F", "Board.canvas", "pic.png", "icon.svg", "View.base"])


def piece(r: random.Random) -> str:
    t = target(r)
    if r.random() < 0.3:  # note embeds, often several: the page budget
        n = r.choice(["A", "B", "C", "D", "E", "F", "sub/A", "Ali", "same"])
        part = r.choice(["", "", "#H1", "#^b1", "#H2"])
        return " ".join([f"![[{n}{part}]]"] * r.choice([1, 1, 2, 3])) if r.random() < 0.5 else \
            "\n\n".join([f"![[{n}{part}]]"] * r.choice([1, 2, 3]))
    k = r.randrange(10**6)
    pieces = [
        f"[[{t}]]", f"[[{t}#H1]]", f"[[{t}#^b1]]", f"![[{t}]]", f"![[{t}#H1]]",
        "![[pic.png]]", "![[pic.png#interface]]", "![[pic.png|50]]", "![](pic.png#icon)",
        "![[sub/pic.png]]", "![[icon.svg]]", "![[other.png]]", "![[pic]]", "![[pic.png#icon|30]]",
        '<img src="pic.png">', '<img src="pic.png" width="7">', '<img src="sub/pic.png">',
        '<p><img src="other.png" alt="x"></p>', '<img src="icon.svg#outline">', '<img src="/pic.png">',
        "#t1", "#t2/x", "text #t3 here", "#t9",
        "[open](obsidian://open?vault=v&file=B)", "[[obsidian://open?vault=v&file=C|c]]",
        "[o](obsidian://open?vault=v&file=sub%2FD)", "[o](obsidian://open?vault=v&file=Ali)",
        "![[Board.canvas]]", "[[Board.canvas]]", "![[View.base]]", "![[View.base#L]]",
        "```base\nviews:\n  - type: list\n    name: F\n    filters:\n      and:\n"
        "        - file.hasTag(\"t1\")\n"
        "    order: [file.name, file.links]\n```",
        "## H1", "## H2 ^b2", "para ^b1", "## H1 ^b1", f"Plain words {k % 7}.", "[[same]]", "![[same]]",
        f"[x]({t.replace(' ', '%20')}.md)", "Note[^1].\n\n[^1]: foot [[B]]",
        "```dataview\nLIST FROM #t1\n```", "```dataview\nTABLE file.outlinks FROM [[B]]\n```",
        "key:: [[C]]", "![[b]]", "[[B|bee]]", "- [ ] task [[A]]", "> [!note] Title\n> ![[C]]",
        "## H1\n\nlong text " + "lorem ipsum " * r.randrange(1, 80),
    ]
    return pieces[k % len(pieces)]


def note_text(r: random.Random) -> str:
    fm = []
    if r.random() < 0.4:
        if r.random() < 0.4:
            fm.append(f"title: T{r.randrange(5)}")
        if r.random() < 0.5:
            fm.append("tags: [" + ", ".join(r.sample(["t1", "t3", "t2/x", "t4"], r.randrange(1, 3))) + "]")
        if r.random() < 0.4:
            fm.append("aliases: [" + r.choice(["Ali", "same", "Ali, same", "Zed", "old/place", "Gone/B",
                                                "sub/A", "sub/D", "p/x", "E/x", "old/place, Ali",
                                                "/x/y.md", "sub/deep/F"]) + "]")
        if r.random() < 0.3:
            fm.append(f"permalink: {r.choice(['p/x', 'p/y', 'B', 'sub/A', 'x', 'sub/D', '../up', 'E'])}")
        if r.random() < 0.08:
            fm.append("publish: false")
        if r.random() < 0.15:
            fm.append('related: "[[' + target(r) + ']]"')
        if r.random() < 0.15:
            fm.append(f"image: {r.choice(['pic.png', '[[other.png]]', 'sub/pic.png', 'nope.png'])}")
        if r.random() < 0.1:
            fm.append(f"date: 2024-0{r.randrange(1, 9)}-01")
        if r.random() < 0.1:
            fm.append(f"description: d{r.randrange(3)}")
    head = "---\n" + "\n".join(fm) + "\n---\n" if fm else ""
    body = "\n\n".join(piece(r) for _ in range(r.randrange(0, 7)))
    return head + body + "\n"


def canvas_text(r: random.Random) -> str:
    nodes = []
    for i in range(r.randrange(1, 4)):
        kind = r.random()
        if kind < 0.6:
            text = " ".join(r.choice(["#t1", "#t3", "#t9", "[[A]]", "[[same]]", "![[pic.png]]", "[[Ali]]",
                                      "[[B#H1]]", "words", "[[sub/D]]", "![](other.png)"])
                            for _ in range(r.randrange(1, 4)))
            nodes.append({"id": f"n{i}", "type": "text", "x": i * 220, "y": 0, "width": 200, "height": 80,
                          "text": text})
        else:
            nodes.append({"id": f"n{i}", "type": "file", "x": i * 220, "y": 0, "width": 200, "height": 80,
                          "file": r.choice(["A.md", "sub/D.md", "pic.png", "B.md", "E.md"])})
    return json.dumps({"nodes": nodes, "edges": []})


def base_text(r: random.Random) -> str:
    flt = r.choice(['file.hasLink("B")', 'file.hasTag("t1")', 'file.inFolder("sub")', "true",
                    'file.hasLink("sub/D")', 'file.hasLink("C")'])
    order = r.choice(["[file.name, file.links]", "[file.name, file.tags]", "[file.name, file.embeds]",
                      "[file.name, file.backlinks]"])
    typ = r.choice(["table", "list", "cards"])
    return (f"views:\n  - type: {typ}\n    name: L\n    filters:\n      and:\n        - '{flt}'\n"
            f"    order: {order}\n")


class Fuzz:
    def __init__(self, seed: int, modes: list[str], work: Path):
        self.r = random.Random(seed)
        self.seed = seed
        self.modes = modes
        self.work = work
        self.vault = work / "v"
        self.clock = time.time_ns() - 10_000 * 1_000_000_000
        self.log: list[dict] = []  # the edits since the vault was made
        self.before: dict = {}
        self.sizes: dict[str, tuple[int, int]] = {}

    # -- files -------------------------------------------------------------------------------------
    def _stamp(self, path: Path, keep: int | None = None) -> None:
        self.clock += 7_000_000_000
        ns = keep if keep is not None else self.clock
        os.utime(path, ns=(ns, ns))

    def write(self, rel: str, data, keep_time: bool = False) -> None:
        path = self.vault / rel
        if data is None:
            if path.exists():
                path.unlink()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data if isinstance(data, bytes) else data.encode()
        old = path.stat().st_mtime_ns if (keep_time and path.exists()) else None
        tmp = path.with_name(path.name + ".tmp~")
        tmp.write_bytes(raw)
        self._stamp(tmp, old)
        os.replace(tmp, path)

    def apply(self, edit: dict) -> None:
        for rel, data in edit["files"].items():
            self.write(rel, data if not isinstance(data, list) else bytes(data), edit.get("keep_time", False))

    def existing(self, kind: str) -> list[str]:
        if kind == "note":
            return sorted(p.relative_to(self.vault).as_posix() for p in self.vault.rglob("*.md"))
        return sorted(p.relative_to(self.vault).as_posix() for p in self.vault.rglob("*")
                      if p.is_file() and not p.name.endswith(".md"))

    # -- random vault and edits ------------------------------------------------------------------------
    def new_vault(self) -> dict:
        r = self.r
        files: dict = {}
        for name in r.sample(NOTES, r.randrange(2, len(NOTES))):
            files[name + ".md"] = note_text(r)
        if r.random() < 0.8:
            w, h = r.choice(r.choice(SAME))
            files["pic.png"] = list(png(w, h))
        if r.random() < 0.5:
            files["sub/pic.png"] = list(png(r.randrange(1, 9), r.randrange(1, 9)))
        if r.random() < 0.5:
            files["other.png"] = list(png(r.randrange(1, 9), r.randrange(1, 9)))
        if r.random() < 0.5:
            files["icon.svg"] = r.choice([SVG_PLAIN, SVG_CC])
        if r.random() < 0.6:
            files["Board.canvas"] = canvas_text(r)
        if r.random() < 0.6:
            files["View.base"] = base_text(r)
        if r.random() < 0.15:
            files["Node.js"] = "console.log(1)\n"
        if r.random() < 0.3:
            files["vaultsite.toml"] = self.config_text()
        return files

    def config_text(self) -> str:
        r = self.r
        lines = ['title = "T"']
        if r.random() < 0.6:
            lines.append('site_url = "https://example.org/x/"')
        if r.random() < 0.3:
            lines.append(f'home = "{r.choice(["B.md", "sub/D.md", "Gone.md"])}"')
        if r.random() < 0.2:
            lines.append('vault_name = "other"')
        return "\n".join(lines) + "\n"

    def random_edit(self) -> dict:
        r = self.r
        notes = self.existing("note")
        op = r.choices(["rewrite", "append", "add", "delete", "rename", "pic", "pic-same", "pic-del",
                        "canvas", "base", "svg", "fm", "file-add", "config"],
                       [14, 10, 6, 5, 5, 6, 5, 2, 5, 4, 2, 6, 2, 1])[0]
        if op == "config":
            return {"op": op, "files": {"vaultsite.toml": self.config_text() if r.random() < 0.8 else None}}
        if op in ("rewrite", "append", "delete", "rename", "fm") and not notes:
            op = "add"
        if op == "rewrite":
            return {"op": op, "files": {r.choice(notes): note_text(r)}}
        if op == "append":
            rel = r.choice(notes)
            return {"op": op, "files": {rel: (self.vault / rel).read_text() + "\n" + piece(r) + "\n"}}
        if op == "fm":
            rel = r.choice(notes)
            text = (self.vault / rel).read_text()
            if text.startswith("---\n"):
                body = text.split("\n---\n", 1)[1] if "\n---\n" in text else text
            else:
                body = text
            return {"op": op, "files": {rel: note_text(r).split("\n---\n")[0] + "\n---\n" + body
                                        if r.random() < 0.8 else body}}
        if op == "add":
            free = [n + ".md" for n in NOTES if n + ".md" not in notes] or [f"X{r.randrange(99)}.md"]
            return {"op": op, "files": {r.choice(free): note_text(r)}}
        if op == "delete":
            return {"op": op, "files": {r.choice(notes): None}}
        if op == "rename":
            rel = r.choice(notes)
            free = [n + ".md" for n in NOTES if n + ".md" not in notes] or [f"X{r.randrange(99)}.md"]
            return {"op": op, "files": {rel: None, r.choice(free): (self.vault / rel).read_text()}}
        if op in ("pic", "pic-same"):
            rel = r.choice(["pic.png", "sub/pic.png", "other.png"])
            path = self.vault / rel
            if op == "pic-same" and path.exists():
                size = path.stat().st_size
                for group in SAME:
                    if len(png(*group[0])) == size:
                        w, h = r.choice(group)
                        return {"op": op, "files": {rel: list(png(w, h))}, "keep_time": True}
            return {"op": "pic", "files": {rel: list(png(r.randrange(1, 12), r.randrange(1, 12)))}}
        if op == "pic-del":
            return {"op": op, "files": {r.choice(["pic.png", "sub/pic.png", "other.png", "icon.svg"]): None}}
        if op == "canvas":
            return {"op": op, "files": {"Board.canvas": canvas_text(r) if r.random() < 0.9 else None}}
        if op == "base":
            return {"op": op, "files": {"View.base": base_text(r) if r.random() < 0.9 else None}}
        if op == "svg":
            return {"op": op, "files": {"icon.svg": r.choice([SVG_PLAIN, SVG_CC, None])}}
        return {"op": op, "files": {r.choice(["Node.js", "same.png", "Ali.md"]):
                                    r.choice([None, "x\n", "# Ali\n[[A]]\n"])}}


# -- building and comparing ---------------------------------------------------------------------------
def build(vault: Path, out: Path, state, workers: int):
    from generator.config import load_config
    from generator.pipeline import build as run

    return run(load_config(vault), out, state=state, exec_mode="no-exec", workers=workers)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def compare(out: Path, clean: Path, diags, clean_diags) -> str | None:
    a, b = tree(out), tree(clean)
    if set(a) != set(b):
        return f"file sets: only clean {sorted(set(b) - set(a))}, only incr {sorted(set(a) - set(b))}"
    for rel in a:
        if a[rel] != b[rel]:
            diff = "\n".join(list(difflib.unified_diff(
                b[rel].decode("utf-8", "replace").splitlines(),
                a[rel].decode("utf-8", "replace").splitlines(),
                "clean/" + rel, "incr/" + rel, lineterm="", n=0))[:30])
            return f"{rel} differs\n{diff}"
    da, db = [d.format() for d in diags], [d.format() for d in clean_diags]
    if da != db:
        return "diagnostics differ\n" + "\n".join(
            difflib.unified_diff(db, da, "clean", "incr", lineterm="", n=0))
    return None


class Runner:
    """One incremental mode: cache (state saved on disk) or serve (BuildState in memory); workers."""

    def __init__(self, mode: str, work: Path):
        from generator.pipeline import BuildState

        self.mode = mode
        self.workers = int(mode[-1])
        self.out = work / f"out-{mode}"
        self.state = BuildState() if mode.startswith("serve") else None

    def run(self, vault: Path):
        return build(vault, self.out, self.state, self.workers)


def replay(before: dict, edits: list[dict], mode: str, work: Path, seed: int = 0) -> str | None:
    """Build ``before``, apply ``edits`` one by one rebuilding in ``mode``; the first divergence."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    f = Fuzz(seed, [mode], work)
    f.vault.mkdir(parents=True)
    f.apply({"files": before})
    runner = Runner(mode, work)
    try:
        runner.run(f.vault)
        for i, edit in enumerate(edits):
            f.apply(edit)
            res = runner.run(f.vault)
            clean = work / "clean"
            if clean.exists():
                shutil.rmtree(clean)
            shutil.rmtree(work / "clean.vaultsite-cache", ignore_errors=True)
            cres = build(f.vault, clean, None, 1)
            bad = compare(runner.out, clean, res.diagnostics, cres.diagnostics)
            if bad:
                return f"step {i}: {bad}"
    except Exception as exc:  # noqa: BLE001
        import traceback
        return "crash: " + "".join(traceback.format_exception(exc))[-3000:]
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", type=int)
    ap.add_argument("steps", type=int)
    ap.add_argument("--modes", default="cache1,cache2,serve1,serve2")
    ap.add_argument("--budget", type=int, default=8)
    ap.add_argument("--chars", type=int, default=6000)
    ap.add_argument("--reset", type=int, default=25)
    ap.add_argument("--work", type=Path, required=True, help="a scratch folder (emptied)")
    args = ap.parse_args()
    render.MAX_PAGE_EMBEDS = args.budget
    render.MAX_PAGE_EMBED_CHARS = args.chars
    # workers render (and the parsed notes are written aside) from the first note, not from 200:
    # the "2 workers" modes would otherwise render in the build process like the others
    from generator.workers import LazyPool
    LazyPool.MIN_NOTES = 1
    modes = args.modes.split(",")
    work = args.work / f"run-{args.seed}"
    cases = args.work / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    steps = {m: 0 for m in modes}
    found = 0
    step = 0
    seed = args.seed
    t0 = time.time()
    while step < args.steps:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        f = Fuzz(seed, modes, work)
        seed += 1000
        before = f.new_vault()
        f.apply({"files": before})
        runners = [Runner(m, work) for m in modes]
        try:
            for run in runners:
                run.run(f.vault)
        except Exception as exc:  # noqa: BLE001
            print("initial build crashed", exc, flush=True)
            continue
        edits: list[dict] = []
        dead: set[str] = set()
        for _ in range(args.reset):
            if step >= args.steps:
                break
            step += 1
            edit = f.random_edit()
            edits.append(edit)
            f.apply(edit)
            clean = work / "clean"
            shutil.rmtree(clean, ignore_errors=True)
            shutil.rmtree(work / "clean.vaultsite-cache", ignore_errors=True)
            try:
                cres = build(f.vault, clean, None, 1)
            except Exception as exc:  # noqa: BLE001
                print("clean build crashed", exc, flush=True)
                break
            for run in runners:
                if run.mode in dead:
                    continue
                try:
                    res = run.run(f.vault)
                    bad = compare(run.out, clean, res.diagnostics, cres.diagnostics)
                except Exception as exc:  # noqa: BLE001
                    bad = f"crash {exc!r}"
                steps[run.mode] += 1
                if bad:
                    found += 1
                    dead.add(run.mode)  # its output is off now: stop comparing it in this vault
                    name = f"s{args.seed}-{found}-{run.mode}"
                    (cases / f"{name}.json").write_text(json.dumps(
                        {"mode": run.mode, "before": before, "edits": edits, "what": bad,
                         "budget": args.budget, "chars": args.chars}))
                    print(f"DIVERGENCE {name} after {edit['op']}: {bad[:1500]}", flush=True)
            if len(dead) == len(runners):
                break
        print(f"[{time.time() - t0:.0f}s] steps {step} per mode {steps} divergences {found}", flush=True)
    print("DONE", json.dumps(steps), "divergences", found, flush=True)


if __name__ == "__main__":
    main()
