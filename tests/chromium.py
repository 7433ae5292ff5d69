"""How the tests and benchmarks start Chromium: the Debian package, never a browser download, and
nothing that calls home (so a page that makes a request can only be the site's own doing)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("VAULTSITE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def require_browser():
    """Skip the calling test module, while it is imported, when Playwright or Chromium is missing;
    returns ``playwright.sync_api``.  Each browser test module calls it at its top."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no {CHROMIUM}", allow_module_level=True)
    pytest.importorskip("generator.markdown")
    return sync_api


class Browser:
    """One Chromium with helpers that record console errors and requests that leave the disk."""

    def __init__(self, pw):
        self.browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.errors: list[str] = []
        self.blocked: list[str] = []

    def page(self, width: int = 1366, height: int = 900, scheme: str = "light", context=None):
        ctx = context or self.browser.new_context(viewport={"width": width, "height": height},
                                                  color_scheme=scheme)
        page = ctx.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        return page


def chrome_session(sync_api):
    """The body of a module's ``chrome`` fixture: one browser for the module, and at its end no
    request may have left the disk and no page may have logged an error."""
    with sync_api.sync_playwright() as pw:
        b = Browser(pw)
        yield b
        b.browser.close()
    assert b.blocked == [], f"requests left the machine: {b.blocked}"
    assert b.errors == [], f"console errors: {b.errors}"


def page_of(site: Path, source: str) -> Path:
    """The page of a built site whose <meta name="source"> names ``source``."""
    needle = f'<meta name="source" content="{source}">'
    for path in sorted(site.rglob("*.html")):
        if needle in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no page for {source}")


def host_site(page, site: Path, root: str) -> list[str]:
    """Serve ``site`` to ``page`` as a static host would at the address ``root``: files by path,
    ``404.html`` (status 404) for anything else.  Returns the list the requested URLs go into."""
    from urllib.parse import unquote, urlsplit

    asked: list[str] = []

    def host(route):
        url = route.request.url
        asked.append(url)
        rel = unquote(urlsplit(url).path)[len(urlsplit(root).path):] if url.startswith(root) else ""
        if rel and (site / rel).is_file():
            route.fulfill(path=site / rel)
        else:
            route.fulfill(status=404, path=site / "404.html")

    page.route("**/*", host)
    return asked


def carry_storage(page, key: str, holding: str) -> str:
    """Wait until ``page`` has saved a localStorage ``key`` whose value contains ``holding``, and
    give the pages of its context loaded from now on exactly that value; return it.

    Carrying a value from page to page is Chromium's part, not the site's: in a fresh browser
    context on a starved 2-core machine, a write of the first page sometimes never reached the
    pages opened after it (the writer kept the value; a new page, even 5 s later, read nothing:
    about 1 run in 60 under load). Tests that check what the site saves and what it restores
    hand the saved string over themselves, so both halves stay the site's own code under test."""
    import json

    read = f"localStorage.getItem({json.dumps(key)})"
    page.wait_for_function(f"() => ({read} || '').includes({json.dumps(holding)})")
    saved = page.evaluate(read)
    page.context.add_init_script(
        f"try {{ localStorage.setItem({json.dumps(key)}, {json.dumps(saved)}); }} catch (e) {{}}")
    return saved
