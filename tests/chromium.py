"""How the tests and benchmarks start Chromium: the Debian package, never a browser download, and
nothing that calls home (so a page that makes a request can only be the site's own doing)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("VAULTSITE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
