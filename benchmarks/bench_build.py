"""Full-build benchmark: vaultsite against plain markdown-it-py on the same notes, in one command.

    python benchmarks/bench_build.py [--notes 10000] [--repeat 3] [--vault PATH] [--hugo] [--mkdocs]

Baseline: plain ``MarkdownIt("commonmark")`` parsing and rendering every note on one core, with no
links, templates or writing (what "just rendering Markdown" costs).  vaultsite: ``vaultsite build`` in
a fresh process, cold (empty output folder).  Reports medians, the ratio, and peak memory (max RSS of
the build process and its workers).  With --hugo / --mkdocs, the same vault is also built by an
installed Hugo or MkDocs for a side-by-side figure (skipped when not installed).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"


def synthetic_vault(notes: int, seed: int = 1) -> Path:
    target = Path(tempfile.gettempdir()) / f"vaultsite-bench-{notes}-{seed}"
    if not (target / "index.md").exists():
        if target.exists():
            shutil.rmtree(target)
        subprocess.run([sys.executable, str(MAKE_VAULT), str(target), "--notes", str(notes),
                        "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    return target


def plain_markdown_seconds(vault: Path) -> float:
    code = (
        "import sys,time,pathlib\n"
        "from markdown_it import MarkdownIt\n"
        "md=MarkdownIt('commonmark')\n"
        "files=sorted(pathlib.Path(sys.argv[1]).rglob('*.md'))\n"
        "texts=[f.read_text(encoding='utf-8') for f in files]\n"
        "t=time.perf_counter()\n"
        "for s in texts: md.render(s)\n"
        "print(time.perf_counter()-t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(vault)], check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip())


# An installed vaultsite runs from compiled bytecode, as markdown-it-py does in the baseline: a
# machine that sets PYTHONDONTWRITEBYTECODE would have every build compile the package from source
# (about 0.4 CPU-s) and count that as build time.
_WITH_BYTECODE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def vaultsite_seconds(vault: Path) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "build", str(vault), "-o", str(out),
                        "--quiet", "--no-exec"], check=True, cwd=REPO, env=_WITH_BYTECODE,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - t
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak


def other_tool_seconds(name: str, vault: Path) -> float | None:
    exe = shutil.which(name)
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        if name == "hugo":
            site = Path(tmp) / "hugo"
            subprocess.run([exe, "new", "site", str(site)], check=True, capture_output=True)
            shutil.copytree(vault, site / "content", dirs_exist_ok=True)
            t = time.perf_counter()
            subprocess.run([exe, "--source", str(site), "--quiet"], capture_output=True)
        else:
            docs = Path(tmp) / "docs"
            shutil.copytree(vault, docs)
            (Path(tmp) / "mkdocs.yml").write_text("site_name: bench\n")
            t = time.perf_counter()
            subprocess.run([exe, "build", "-q"], cwd=tmp, capture_output=True)
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--vault", type=Path, help="an existing vault instead of a synthetic one")
    ap.add_argument("--hugo", action="store_true")
    ap.add_argument("--mkdocs", action="store_true")
    args = ap.parse_args()
    vault = args.vault or synthetic_vault(args.notes)
    n = sum(1 for _ in vault.rglob("*.md"))
    print(f"vault: {n} notes, {os.cpu_count()} cores")
    base, ours, peaks = [], [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine noise
        base.append(plain_markdown_seconds(vault))
        s, peak = vaultsite_seconds(vault)
        ours.append(s)
        peaks.append(peak)
    b, o = statistics.median(base), statistics.median(ours)
    print(f"plain markdown-it-py, 1 core, render only: median {b:.2f} s  {base}")
    print(f"vaultsite build (cold, whole site):       median {o:.2f} s  {ours}")
    print(f"ratio vaultsite / plain markdown-it-py:   {o / b:.2f}")
    print(f"peak memory (max RSS of one process):     {max(peaks) / 1024:.0f} MiB")
    for tool, wanted in (("hugo", args.hugo), ("mkdocs", args.mkdocs)):
        if wanted:
            secs = other_tool_seconds(tool, vault)
            print(f"{tool}: " + (f"{secs:.2f} s" if secs is not None else "not installed"))


if __name__ == "__main__":
    main()
