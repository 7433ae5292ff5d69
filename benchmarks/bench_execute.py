"""Benchmarks of the executor (``generator/execute``).  Prints medians.

    python benchmarks/bench_execute.py                  # everything, 50 notes, 3 repeats
    python benchmarks/bench_execute.py --only overhead  # overhead | cache | scaling

overhead  per-note cost of the executor beyond the code's own time: 50 notes of one trivial cell
          and 50 notes sleeping 0.2 s, run cold (no cache) on one warm worker.
cache     a fully cached pass over 50 runnable notes vs the same pass with --no-exec (both read
          the cache) and --no-exec with an empty cache: what the executor adds to a rebuild.
scaling   cold execution of 50 notes doing real pandas + matplotlib work, 1 worker vs 2, next to
          two references measured in the same run: plain Python loops and the same notes' code in
          a plain fork pool (no executor).  On a shared or virtual machine the references show
          how much of a second core there really is.

``cached_rebuild_seconds(vault_dir)`` is the function the whole-build benchmark can call.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from markdown_it import MarkdownIt  # noqa: E402

from generator.execute import ExecConfig, NoteJob, find_cells, run_notes  # noqa: E402
from generator.execute.pool import get_zygote  # noqa: E402

TRIVIAL = "x = 1\n"
SLEEP = "import time\ntime.sleep(0.2)\n"
WORK = """\
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
rng = np.random.default_rng({seed})
frame = pd.DataFrame({{"group": rng.integers(0, 20, 200_000), "value": rng.normal(size=200_000)}})
summary = frame.groupby("group")["value"].agg(["mean", "std", "count"])
plt.figure(figsize=(6, 4))
plt.plot(summary.index, summary["mean"])
plt.title("means")
summary.head()
"""


def make_vault(root: Path, n: int, code: str, cells: int = 1) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "".join(f"Some prose {j}.\n\n```{{python}}\n{code.format(seed=i)}```\n\n"
                       for j in range(cells))
        (root / f"note {i:03}.md").write_text(f"---\ntitle: Note {i}\n---\n# Note {i}\n\n{body}")
    return root


def jobs_for(vault: Path, cfg: ExecConfig) -> list[NoteJob]:
    md = MarkdownIt()
    jobs = []
    for path in sorted(vault.glob("*.md")):
        tokens = md.parse(path.read_text("utf-8"))
        fences = [(i, t) for i, t in enumerate(tokens) if t.type == "fence"]
        rel = path.relative_to(vault).as_posix()
        jobs.append(NoteJob(rel, path, vault, tuple(find_cells({}, fences, cfg, rel))))
    return jobs


def timed_run(vault: Path, cfg: ExecConfig) -> tuple[float, dict]:
    jobs = jobs_for(vault, cfg)
    start = time.perf_counter()
    results = run_notes(jobs, cfg)
    return time.perf_counter() - start, results


def warm_up(cache: Path) -> float:
    """Start the worker template (cold imports) and run one note; returns the seconds it took."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        vault = make_vault(Path(tmp) / "v", 1, TRIVIAL)
        run_notes(jobs_for(vault, ExecConfig(cache_dir=cache, rerun=True)),
                  ExecConfig(cache_dir=cache, rerun=True))
    get_zygote(ExecConfig().preload)
    return time.perf_counter() - start


def bench_overhead(tmp: Path, n: int, repeat: int) -> None:
    for name, code, own in (("trivial cell", TRIVIAL, 0.0), ("sleep 0.2 s", SLEEP, 0.2)):
        vault = make_vault(tmp / f"overhead-{own}", n, code)
        cfg = ExecConfig(cache_dir=tmp / f"cache-overhead-{own}", rerun=True, workers=1)
        per_note = [timed_run(vault, cfg)[0] / n - own for _ in range(repeat)]
        print(f"overhead ({name}, {n} notes, 1 worker): "
              f"{statistics.median(per_note) * 1000:.1f} ms per note beyond the code's own time")


def cached_rebuild_seconds(vault: Path, cache: Path) -> dict[str, float]:
    """Seconds for: a fully cached pass, --no-exec with that cache, --no-exec with no cache."""
    run_notes(jobs_for(vault, ExecConfig(cache_dir=cache)), ExecConfig(cache_dir=cache))
    out = {}
    for label, cfg in (("cached", ExecConfig(cache_dir=cache)),
                       ("no-exec, cache present", ExecConfig(cache_dir=cache, enabled=False)),
                       ("no-exec, empty cache", ExecConfig(cache_dir=cache / "empty",
                                                           enabled=False))):
        jobs = jobs_for(vault, cfg)
        start = time.perf_counter()
        results = run_notes(jobs, cfg)
        out[label] = time.perf_counter() - start
        assert all(r.ran == 0 for r in results.values())
    return out


def bench_cache(tmp: Path, n: int, repeat: int) -> None:
    vault = make_vault(tmp / "cache-vault", n, WORK, cells=2)
    runs = [cached_rebuild_seconds(vault, tmp / "cache-cache") for _ in range(repeat)]
    for label in runs[0]:
        value = statistics.median(r[label] for r in runs)
        print(f"{label:>24}: {value * 1000:7.1f} ms for {n} notes "
              f"({value / n * 1000:.2f} ms per note, run_notes only)")


def _spin(_: int) -> int:
    total = 0
    for i in range(3_000_000):
        total += i
    return total


def _work_in_process(seed: int) -> int:
    """The scaling notes' code run directly (no executor), figure saved as the executor does."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace: dict = {}
    exec(WORK.format(seed=seed), namespace)  # noqa: S102 - our own benchmark code
    for num in plt.get_fignums():
        plt.figure(num).savefig(io.BytesIO(), format="png", dpi=150, bbox_inches="tight")
    plt.close("all")
    return seed


def work_scaling(n: int, repeat: int) -> tuple[float, float]:
    """Seconds for the scaling notes' work in a plain fork pool, 1 and 2 processes (best of)."""
    import multiprocessing

    import pandas  # noqa: F401 - imported before the fork, as the worker template does

    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeat):
        for procs in (1, 2):
            with multiprocessing.get_context("fork").Pool(procs) as pool:
                pool.map(_work_in_process, range(procs))  # warm
                start = time.perf_counter()
                pool.map(_work_in_process, range(n), chunksize=1)
                times[procs].append(time.perf_counter() - start)
    return min(times[1]), min(times[2])


def machine_scaling(repeat: int) -> float:
    """How much faster 2 processes do pure-Python work than 1 on this machine right now."""
    import multiprocessing

    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeat):
        for procs in (1, 2):
            with multiprocessing.get_context("fork").Pool(procs) as pool:
                start = time.perf_counter()
                pool.map(_spin, range(8))
                times[procs].append(time.perf_counter() - start)
    return min(times[1]) / min(times[2])


def bench_scaling(tmp: Path, n: int, repeat: int) -> None:
    vault = make_vault(tmp / "scaling", n, WORK)
    times: dict[int, list[float]] = {1: [], 2: []}
    print(f"reference: a multiprocessing pool of plain Python loops scales "
          f"{machine_scaling(repeat):.2f}x from 1 to 2 processes on this machine right now")
    one, two = work_scaling(n, repeat)
    print(f"reference: the same notes' code in a plain fork pool (no executor): 1 process "
          f"{one:.2f} s, 2 processes {two:.2f} s, {one / two:.2f}x")
    for _ in range(repeat):  # interleaved, so a burst of load elsewhere hits both alike
        for workers in (1, 2):
            cfg = ExecConfig(cache_dir=tmp / "cache-scaling", rerun=True, workers=workers)
            times[workers].append(timed_run(vault, cfg)[0])
    for workers, values in times.items():
        print(f"cold execution of {n} notes, {workers} worker(s): median "
              f"{statistics.median(values):.2f} s, best {min(values):.2f} s")
    median = statistics.median(times[1]) / statistics.median(times[2])
    print(f"speed-up with 2 workers: median {median:.2f}x, best "
          f"{min(times[1]) / min(times[2]):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="overhead,cache,scaling")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vaultsite-bench-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"worker template start + first note: {warm_up(tmp / 'warm'):.2f} s (once per build)")
        for name in args.only.split(","):
            {"overhead": bench_overhead, "cache": bench_cache,
             "scaling": bench_scaling}[name.strip()](tmp, args.notes, args.repeat)


if __name__ == "__main__":
    main()
