"""Live reload in a real browser (headless Chromium through Playwright).

Open a page, save a note, and the page reloads by itself with the new text; a broken build puts
the error overlay over the last good page.  The save-to-reload time is printed (``-s`` shows it).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from chromium import ARGS, CHROMIUM

from generator.serve import DevServer, PipelineBuilder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("no Chromium")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _start(kind: str, tmp_path: Path):
    """A dev server on the small test vault; returns the server, the note and its page."""
    from test_serve import FakeBuilder, _page_of, write_small_vault

    vault = tmp_path / "vault"
    write_small_vault(vault)
    out = tmp_path / "site"
    if kind == "fake":
        builder = FakeBuilder(vault, out)
    else:
        from generator.config import load_config

        builder = PipelineBuilder(load_config(vault, {}), out)
    server = DevServer(builder, out, port=0, log=lambda _m: None)
    server.start()
    page = "Alpha.html" if kind == "fake" else _page_of(out, "Alpha.md")
    return vault, server, vault / "Alpha.md", page, "First letter", "Brand new letter"


@pytest.mark.parametrize("kind", ["fake", "pipeline"])
def test_save_reloads_the_open_page(browser, tmp_path, kind):
    vault, server, note, rel, old, new = _start(kind, tmp_path)
    try:
        page = browser.new_page()
        page.goto(server.url + rel)
        assert old in page.inner_text("body")
        assert page.locator("#__vaultsite-live").count() == 1
        page.wait_for_timeout(300)  # let the event stream connect
        latencies = []
        for i in range(3):
            text = note.read_text(encoding="utf-8")
            replacement = f"{new} {i}"
            saved = time.perf_counter()
            note.write_text(text.replace(old if i == 0 else f"{new} {i - 1}", replacement),
                            encoding="utf-8")
            page.wait_for_function("t => document.body && document.body.innerText.includes(t)",
                                   arg=replacement, timeout=20_000, polling="raf")
            latencies.append(time.perf_counter() - saved)
            page.wait_for_timeout(200)
        print(f"[{kind}] save-to-reload in the browser: "
              + ", ".join(f"{s * 1000:.0f} ms" for s in latencies))
        assert min(latencies) < 5.0
        page.close()
    finally:
        server.stop()


@pytest.mark.parametrize("kind", ["fake", "pipeline"])
def test_broken_build_shows_the_overlay_over_the_last_good_page(browser, tmp_path, kind):
    vault, server, note, rel, old, new = _start(kind, tmp_path)
    try:
        page = browser.new_page()
        page.goto(server.url + rel)
        page.wait_for_timeout(300)
        if kind == "fake":
            (vault / "BROKEN").write_text("x")
            note.write_text("changed", encoding="utf-8")
        else:
            templates = vault / server.builder.cfg.templates_dir
            templates.mkdir(exist_ok=True)
            (templates / "note.html").write_text("{% if %}", encoding="utf-8")
        overlay = page.locator("#__vaultsite-overlay")
        overlay.wait_for(state="visible", timeout=20_000)
        assert "failed" in overlay.inner_text()
        page.reload()  # a fresh load of the page still shows the last good page + the overlay
        assert old in page.inner_text("body")
        page.locator("#__vaultsite-overlay").wait_for(state="visible", timeout=20_000)
        page.close()
    finally:
        server.stop()
