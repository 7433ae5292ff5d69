"""Front-end benchmark: note page weight, first render, search latency and graph speed.

    python3 benchmarks/bench_frontend.py                 # builds the 10,000-note synthetic vault
    python3 benchmarks/bench_frontend.py --site OUT      # measure an already built site
    python3 benchmarks/bench_frontend.py --notes 2000    # a smaller synthetic vault

Runs headless Debian Chromium from file:// with every non-file request blocked, and prints a
table plus a JSON line.  The synthetic vault comes from ``../shared/bench/make_vault.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"
sys.path.insert(0, str(REPO / "tests"))
from chromium import ARGS, CHROMIUM  # noqa: E402 - one definition with the browser tests

QUERIES = ["lorem", "ipsum dolor", "zephyr", "python async", "velvet nimbus", "cedar"]


def build_site(notes: int, work: Path) -> Path:
    vault, out = work / "vault", work / "site"
    subprocess.run(
        [sys.executable, str(MAKE_VAULT), str(vault), "--notes", str(notes), "--seed", "1"], check=True
    )
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "generator", "build", str(vault), "-o", str(out)]
    subprocess.run(cmd, check=True, cwd=REPO)
    print(f"built {notes} notes in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def note_pages(site: Path, count: int) -> list[Path]:
    pages = []
    for path in sorted(site.rglob("*.html")):
        head = path.read_text(encoding="utf-8", errors="replace")[:3000]
        if '<meta name="source"' in head:
            pages.append(path)
            if len(pages) >= count:
                break
    return pages


def page_weight(page: Path, site: Path) -> dict[str, int]:
    """Bytes of the page's own HTML, CSS and JS (scripts and stylesheets it links, not data)."""
    html = page.read_text(encoding="utf-8")
    assets = site / "_assets"
    css = sum(p.stat().st_size for p in assets.glob("*.css") if p.name in html)
    js = sum(p.stat().st_size for p in assets.glob("*.js") if p.name in html)
    js += (site / "_data" / "site.js").stat().st_size
    return {"html": len(html.encode()), "css": css, "js": js, "total": len(html.encode()) + css + js}


def measure(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    pages = note_pages(site, 12)
    weights = [page_weight(p, site) for p in pages]
    result: dict = {
        "page_weight_median": statistics.median(w["total"] for w in weights),
        "page_weight_max": max(w["total"] for w in weights),
        "page_weight_example": weights[0],
    }
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        fcp, dcl = [], []
        for p in pages[1:]:
            page.goto(p.as_uri())
            timing = page.evaluate(
                """() => { const n = performance.getEntriesByType('navigation')[0];
                const f = performance.getEntriesByName('first-contentful-paint')[0];
                return [n.domContentLoadedEventEnd, f ? f.startTime : null]; }"""
            )
            dcl.append(timing[0])
            if timing[1] is not None:
                fcp.append(timing[1])
        result["dom_content_loaded_ms_median"] = round(statistics.median(dcl), 1)
        result["first_contentful_paint_ms_median"] = round(statistics.median(fcp), 1) if fcp else None

        # search: time to the first (title) results, to the full index, then per keystroke
        page.goto(pages[0].as_uri())
        page.wait_for_timeout(300)
        t0 = time.perf_counter()
        page.focus("input[type=search]")
        page.wait_for_function("() => window.vsSearch && vsSearch.rows", polling=5)
        result["search_meta_ready_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        page.wait_for_function(
            "() => vsSearch.shards.filter(Boolean).length === vsSite.search.shards.length", polling=10
        )
        result["search_index_ready_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        per_key = page.evaluate(
            """(queries) => { const input = document.getElementById('vs:search-input'); const out = [];
            for (const q of queries) for (let i = 1; i <= q.length; i++) {
              input.value = q.slice(0, i); const t = performance.now(); vsSearch.run();
              out.push([q.slice(0, i), performance.now() - t,
                        document.querySelectorAll('.search-results a').length]); }
            return out; }""",
            QUERIES,
        )
        times = sorted(t for _, t, _ in per_key)
        result["search_keystrokes"] = len(times)
        result["search_ms_median"] = round(statistics.median(times), 2)
        result["search_ms_p95"] = round(times[int(len(times) * 0.95) - 1], 2)
        result["search_ms_max"] = round(times[-1], 2)
        result["search_results_for"] = {q: n for q, _, n in per_key if q in QUERIES}

        # graph: the whole vault on the graph page
        page.goto((site / "graph.html").as_uri())
        t0 = time.perf_counter()
        ready = "() => window.vsGraph && vsGraph.views[0] && vsGraph.views[0].stats"
        page.wait_for_function(ready, polling=20)
        result["graph_data_ready_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        page.wait_for_function("() => vsGraph.views[0].stats.settled", timeout=120_000, polling=200)
        stats = page.evaluate("() => vsGraph.views[0].stats")
        result["graph_settle_s"] = round(time.perf_counter() - t0, 1)
        result["graph"] = stats
        browser.close()
    result["blocked_requests"] = len(blocked)
    result["console_errors"] = errors[:5]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="an already built site")
    ap.add_argument("--notes", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_site(args.notes, Path(tmp))
        result = measure(site)
    w = result["page_weight_example"]
    print(f"note page weight: median {result['page_weight_median']:,} B, max {result['page_weight_max']:,} B")
    print(f"  e.g. html {w['html']:,} + css {w['css']:,} + js {w['js']:,} B")
    print(
        f"first contentful paint: {result['first_contentful_paint_ms_median']} ms, "
        f"DOMContentLoaded {result['dom_content_loaded_ms_median']} ms (median)"
    )
    print(
        f"search: titles ready {result['search_meta_ready_ms']} ms, full index "
        f"{result['search_index_ready_ms']} ms after focus"
    )
    print(
        f"search per keystroke ({result['search_keystrokes']} keys): median {result['search_ms_median']} ms,"
        f" p95 {result['search_ms_p95']} ms, max {result['search_ms_max']} ms"
    )
    g = result["graph"]
    print(
        f"global graph: {g['nodes']} nodes, {g['links']} links, data {result['graph_data_ready_ms']} ms, "
        f"settled after {g['ticks']} ticks / {result['graph_settle_s']} s, worst tick {g['tickMs']:.1f} ms, "
        f"worst draw {g['drawMs']:.1f} ms"
    )
    print(f"blocked requests {result['blocked_requests']}, console errors {result['console_errors']}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
