"""Incremental builds against full builds on the synthetic vault.

    python benchmarks/bench_incremental.py [--notes 10000] [--repeat 3] [--vault PATH] [--json F]

Runs in one process, the way ``vaultsite serve`` does (the ``BuildState`` stays in memory):

* **full**: a clean build into a new output folder, no state (median of ``--repeat``);
* **no change**: a rebuild with the previous state and nothing changed;
* **one-note edit**: a sentence added to the body of one note, then a rebuild;
* **title edit**: one note's title changed (every page linking to it must be re-rendered).

Targets from issue 5: one-note edit <= 10% of a full build, no-change <= 5%.  After the edits the
incremental output is compared, file by file, with a clean full build of the edited vault.
The vault is a private copy (edits never touch the shared synthetic vault).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_VAULT = Path(os.environ.get("VAULTSITE_MAKE_VAULT",
                                 REPO.parent / "shared" / "bench" / "make_vault.py"))
sys.path.insert(0, str(REPO))

EDIT_TARGET = 0.10
NOCHANGE_TARGET = 0.05


def make_vault(notes: int, dest: Path, source: Path | None = None, seed: int = 1) -> Path:
    """A private copy of the synthetic vault (or of ``source``) at ``dest``."""
    if source is not None:
        shutil.copytree(source, dest)
    else:
        subprocess.run([sys.executable, str(MAKE_VAULT), str(dest), "--notes", str(notes),
                        "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.blake2b(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def pick_notes(vault: Path, count: int) -> list[Path]:
    """Deterministic, spread-out notes that have front matter with a title."""
    notes = sorted(p for p in vault.rglob("*.md") if not any(s.startswith(".") for s in p.parts))
    chosen = []
    step = max(len(notes) // (count + 1), 1)
    for p in notes[step::step]:
        if p.read_text(encoding="utf-8").startswith("---\ntitle:"):
            chosen.append(p)
        if len(chosen) == count:
            break
    return chosen


def edit_body(note: Path, i: int) -> None:
    text = note.read_text(encoding="utf-8")
    note.write_text(text.rstrip("\n") + f"\n\nAn added sentence, edit number {i}.\n",
                    encoding="utf-8")


def edit_title(note: Path, i: int) -> None:
    lines = note.read_text(encoding="utf-8").split("\n")
    lines[1] = f"title: Retitled note {i}"
    note.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--vault", type=Path, help="use a copy of this vault instead")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()

    from generator.config import load_config
    from generator.pipeline import build

    tmp = Path(tempfile.mkdtemp(prefix="vaultsite-bench-incr-"))
    try:
        vault = make_vault(args.notes, tmp / "vault", args.vault)
        cfg = load_config(vault, {})
        print(f"vault: {vault} ({sum(1 for _ in vault.rglob('*.md'))} notes)", flush=True)

        full: list[float] = []
        state = None
        out = tmp / "out" / "site"
        for i in range(args.repeat):
            target = tmp / f"full-{i}" / "site"
            t = time.perf_counter()
            result = build(cfg, target)
            full.append(time.perf_counter() - t)
            print(f"  full build {i + 1}: {full[-1]:.2f} s", flush=True)
            if i == 0:
                shutil.copytree(target, out)  # the incremental series starts from a full build
                state = result.state
            shutil.rmtree(target.parent)
        # the first incremental build into `out` starts from the copied full build with its state
        build(cfg, out, state=state)

        def series(label: str, action) -> list[float]:
            nonlocal state
            times = []
            for i in range(args.repeat):
                action(i)
                t = time.perf_counter()
                result = build(cfg, out, state=state)
                times.append(time.perf_counter() - t)
                state = result.state
                names = sorted(result.written)
                shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
                print(f"  {label} {i + 1}: {times[-1]:.3f} s ({len(names)} files written"
                      + (f": {shown})" if names else ")"), flush=True)
            return times

        nochange = series("no-change rebuild", lambda i: None)
        body_notes = pick_notes(vault, args.repeat)
        title_notes = pick_notes(vault, 2 * args.repeat)[args.repeat:]
        edit = series("one-note edit", lambda i: edit_body(body_notes[i], i))
        title = series("title edit", lambda i: edit_title(title_notes[i], i))

        clean = tmp / "clean" / "site"
        build(cfg, clean)
        inc_tree, clean_tree = tree_digest(out), tree_digest(clean)
        same = inc_tree == clean_tree
        differing = sorted(k for k in set(inc_tree) | set(clean_tree)
                           if inc_tree.get(k) != clean_tree.get(k))

        med = {k: statistics.median(v) for k, v in
               {"full": full, "nochange": nochange, "edit": edit, "title": title}.items()}
        figures = {
            "notes": args.notes if args.vault is None else str(args.vault),
            "full_s": med["full"], "edit_s": med["edit"], "title_edit_s": med["title"],
            "nochange_s": med["nochange"],
            "edit_ratio": med["edit"] / med["full"],
            "title_edit_ratio": med["title"] / med["full"],
            "nochange_ratio": med["nochange"] / med["full"],
            "identical_to_clean_build": same,
            "runs": {"full": full, "nochange": nochange, "edit": edit, "title": title},
        }
        print()
        print(f"{'':22}{'median':>10}{'of full':>10}{'target':>10}")
        print(f"{'full build':22}{med['full']:>9.2f}s{'100%':>10}{'':>10}")
        for label, key, target in (("one-note edit", "edit", EDIT_TARGET),
                                   ("title edit", "title", None),
                                   ("no-change rebuild", "nochange", NOCHANGE_TARGET)):
            ratio = med[key] / med["full"]
            verdict = "" if target is None else (
                f"<={target:.0%} " + ("ok" if ratio <= target else "MISSED"))
            print(f"{label:22}{med[key]:>9.3f}s{ratio:>10.1%}{verdict:>14}")
        print(f"incremental output identical to a clean build: {'yes' if same else 'NO'}")
        for rel in differing[:10]:
            where = ("only incremental" if rel not in clean_tree else
                     "only clean" if rel not in inc_tree else "bytes differ")
            print(f"  {rel}: {where}")
        figures["differing_files"] = differing
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return 0 if same else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
