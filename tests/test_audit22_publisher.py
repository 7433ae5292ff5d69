"""The twenty-second audit, as a team publishing its engineering handbook: the same built folder
opened from disk, served under a GitHub Pages project folder (404.html for any missing address, as
GitHub answers) and from a plain static server.

A 60-note handbook vault (deep folders, folder notes, permalinks, odd names) passed every page in
the three ways; these tests keep what it turned up.  The browser tests use the ``chrome`` fixture
(tests/chromium.py), which skips them where Chromium is missing.  The host here is a small real HTTP server
that maps ``/handbook/`` to the site and answers anything else with ``404.html``, status 404.
"""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pytest
from conftest import build_notes

DEEP = "Teams/Platform/On-call/Runbooks/Disk full.md"


class _Pages(http.server.BaseHTTPRequestHandler):
    """GitHub Pages for a project site: the site under ``/handbook/``, a folder by its index.html,
    and the site's 404.html, as it is, for any other address at any depth."""

    site: Path

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = urlsplit(self.path).path
        rel = unquote(path.removeprefix("/handbook/")) if path.startswith("/handbook/") else None
        target = self.site / rel if rel is not None else None
        if target is not None and target.is_dir():
            target = target / "index.html"
        status = 200 if target is not None and target.is_file() and ".." not in rel.split("/") else 404
        body = (target if status == 200 else self.site / "404.html").read_bytes()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def pages_host(tmp_path: Path):
    """A handbook built without ``site_url`` and served as a project site at
    ``http://127.0.0.1:PORT/handbook/``: the address of a project site under a custom domain, whose
    host name says nothing of the project folder (unlike ``*.github.io``)."""
    site = build_notes(tmp_path, {
        "index.md": "# Handbook\n\n[[Disk full]]\n",
        DEEP: "# Disk full\n\n## Steps\n\n`df -h`. Back [[index|home]].\n",
    }).out
    handler = type("Pages", (_Pages,), {"site": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/handbook/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["missing", "a/b/c/missing", "Gone/old-runbook.html"])
def test_a_dead_link_under_a_project_folder_gets_a_404_page_that_works(pages_host, chrome, missing):
    """A reader follows a link inside the handbook to an address that is gone.  The host answers
    with 404.html as it is; without ``site_url`` the page found the site root only in a folder of
    the site named in the address, or from a ``*.github.io`` host name: on any other host (a project
    site under the owner's custom domain, ``example.org/handbook/``) it took the host's root, so at
    ``/handbook/a/b/c/missing`` it loaded no stylesheet or script and its home link led to
    ``/index.html``, outside the site.  The page the reader came from knows the root: the 404 page
    now takes it from there."""
    root = pages_host
    page = chrome.browser.new_page()
    page.goto(root + "Teams/Platform/On-call/Runbooks/Disk-full.html")
    with page.expect_navigation():
        page.evaluate("url => { location.href = url; }", root + missing)
    page.wait_for_load_state("load")
    assert page.evaluate("document.body.dataset.kind") == "404"
    assert page.evaluate("document.baseURI") == root
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent') !== ''"), \
        "the stylesheet loaded"
    assert page.evaluate("typeof window.vs === 'object'"), "the site's script ran"
    links = page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)"
                          ".filter(h => h.startsWith('http'))")
    assert root + "index.html" in links
    for href in sorted(set(links)):
        assert href.startswith(root), href
        with urlopen(href.split("#")[0]) as answer:  # raises on the host's 404
            assert answer.status == 200, href
    page.close()


@pytest.mark.browser
def test_a_link_from_another_site_of_the_host_does_not_move_the_root(pages_host, chrome):
    """The page a reader came from gives the root only when the missing address is below it: a
    link from the host's own front page (another site of the same owner, at ``/``) to a gone
    ``/handbook/...`` address, or from a sibling project, leaves the old answer (the host's
    root), and never points the page at a folder of the address that is no root."""
    root = pages_host
    origin = root.removesuffix("handbook/")
    page = chrome.browser.new_page()
    page.goto(origin + "other/page.html")  # a 404 of this host, outside the handbook
    with page.expect_navigation():
        page.evaluate("url => { location.href = url; }", root + "a/b/missing")
    page.wait_for_load_state("load")
    assert page.evaluate("document.baseURI") in (origin, root)
    page.close()


@pytest.mark.browser
def test_an_old_address_with_a_section_keeps_the_section(tmp_path: Path, chrome):
    """A note moved by a ``permalink`` (or renamed, with its old path kept as an alias) leaves a
    redirect page at its old address, as Obsidian Publish does.  The page sent the reader on with
    ``<meta http-equiv="refresh">`` alone, which drops the address's ``#section``: a bookmark to
    the old runbook's "Steps" landed at the top of the note.  A script before the refresh now keeps
    the section; the refresh stays for readers without JavaScript."""
    long = "\n\n".join(f"Paragraph {i} of the runbook." for i in range(80))
    site = build_notes(tmp_path, {
        "index.md": "# Home\n",
        DEEP: f"---\npermalink: runbooks/disk\naliases: [Old/Disk runbook]\n---\n# Disk full\n\n"
              f"{long}\n\n## Steps\n\n`df -h`.\n",
    }).out
    page = chrome.page()
    for old in ("Teams/Platform/On-call/Runbooks/Disk-full.html", "Old/Disk-runbook.html"):
        assert (site / old).is_file()
        page.goto((site / old).as_uri() + "#Steps", wait_until="commit")
        page.wait_for_url("**/runbooks/disk.html#Steps", timeout=5000)
        page.wait_for_load_state("load")
        assert page.evaluate("window.scrollY") > 500, "the page is at the section"
    page.close()
    ctx = chrome.browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto((site / "Old/Disk-runbook.html").as_uri(), wait_until="commit")
    page.wait_for_url("**/runbooks/disk.html", timeout=5000)
    ctx.close()


def test_no_two_folders_of_the_site_differ_only_in_letter_case(tmp_path: Path):
    """A permalink ``teams/platform`` beside the vault's ``Teams/`` folder, a vault (made on Linux)
    with ``Teams/`` and ``teams/``, attachments in ``Att/`` and ``att/``: the site had the folders
    ``Teams/`` and ``teams/``, ``Att/`` and ``att/``.  A macOS or Windows disk holds one of each
    pair, so the site built, copied or checked out there puts the other's files into it, and its
    links to the other spelling lead nowhere once a case-sensitive host such as GitHub Pages serves
    it.  Each folder now has one spelling, the first the site writes; links follow.  A permalink's
    spelling comes first: it is the address its writer chose (the Help vault writes
    ``permalink: bases/syntax`` for notes in ``Bases/``), so only a second permalink that spells
    the folder otherwise is told."""
    png = (Path(__file__).resolve().parent.parent / "attachments").glob("*.png")
    pic = next(iter(sorted(png))).read_bytes()
    site = build_notes(tmp_path, {
        "Teams/A.md": "# A\n\n[[B]] [[P]] ![[Att/p.png]] ![[att/q.png]]\n",
        "teams/B.md": "# B\n\n[[A]]\n",
        "P.md": "---\npermalink: teams/platform\n---\n# P\n\n[[A]]\n",
        "Q.md": "---\npermalink: TEAMS/q\n---\n# Q\n",
        "Att/p.png": pic,
        "att/q.png": pic,
    })
    paths = [p.relative_to(site.out).as_posix() for p in site.out.rglob("*")]
    folded: dict[str, str] = {}
    for path in paths:
        assert folded.setdefault(path.casefold(), path) == path, f"{path} and {folded[path.casefold()]}"
    page = site.page("Teams/A.md")
    content = site.content("Teams/A.md")
    targets = {site.follow(page, a["href"])[0].relative_to(site.out).as_posix()
               for a in content.find_all("a", href=True)}
    targets |= {site.follow(page, img["src"])[0].relative_to(site.out).as_posix()
                for img in content.find_all("img", src=True)}
    assert {"teams/B.html", "teams/platform.html", "Att/p.png", "Att/q.png"} <= targets, targets
    assert site.page("P.md").relative_to(site.out).as_posix() == "teams/platform.html"
    assert site.page("Teams/A.md").relative_to(site.out).as_posix() == "teams/A.html"
    assert site.page("Q.md").relative_to(site.out).as_posix() == "teams/q.html"
    assert site.messages("url-collision") == [
        "Q.md:2:12: warning[url-collision]: permalink 'TEAMS/q' names the folder TEAMS/, "
        "which the site writes teams/ (the same folder on a macOS or Windows disk); the page is at "
        "teams/q.html (write the folder as the site does: permalink: teams/q)"]



@pytest.mark.parametrize("site_url, base", [
    ("https://example.org/Hand Book", "https://example.org/Hand%20Book/"),
    ("https://bücher.example/手册/", "https://xn--bcher-kva.example/%E6%89%8B%E5%86%8C/"),
    ("https://me.github.io/handbook", "https://me.github.io/handbook/"),
    ("https://example.org/a%20b", "https://example.org/a%20b/"),
])
def test_the_site_address_is_written_percent_encoded(tmp_path: Path, site_url, base):
    """``site_url`` (or ``--site-url``) with a space or letters beyond ASCII in its path or host
    was written as given in every absolute address: the sitemap's ``<loc>``, the feed, canonical
    links, ``og:url`` and the 404 page's ``<base>``.  Its page parts were encoded, its own part
    not: the sitemap protocol and a URL checker refuse a raw space or ``手``.  The whole address
    is now encoded (an ``%XX`` written stays), the host name as DNS has it."""
    import re

    site = build_notes(tmp_path, {"Teams/Café menu.md": "---\ndate: 2026-01-05\n---\n# Menu\n"},
                       site_url=site_url)
    page = site.page("Teams/Café menu.md").read_text(encoding="utf-8")
    written = [*re.findall(r"<loc>([^<]*)</loc>", (site.out / "sitemap.xml").read_text("utf-8")),
               *re.findall(r'href="(https?://[^"]*)"', (site.out / "feed.xml").read_text("utf-8")),
               *re.findall(r'<link rel="canonical" href="([^"]*)"', page),
               *re.findall(r'<meta property="og:url" content="([^"]*)"', page),
               *re.findall(r'<base href="([^"]*)"', (site.out / "404.html").read_text("utf-8"))]
    assert len(written) >= 6, written
    for url in written:
        assert url.startswith(base), (url, base)
        assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", url), url
    assert base + "Teams/Caf%C3%A9-menu.html" in written


def test_no_file_of_the_site_has_a_name_windows_refuses(tmp_path: Path):
    """Attachments saved on macOS or Linux may hold characters no Windows file name holds
    (``Why?.png``, ``10:30 standup.png``, ``a|b.pdf``) or end with a dot: they were copied with
    that name, and a site holding one cannot be checked out (git refuses the path), copied or
    unpacked on Windows, as README says of ``CON.html``.  Each such character is now ``_`` in the
    site; the embeds and links lead to the new names."""
    from urllib.parse import quote

    png = (Path(__file__).resolve().parent.parent / "attachments").glob("*.png")
    pic = next(iter(sorted(png))).read_bytes()
    names = ["Why?.png", "10:30 standup.png", 'say "hi".png', "a|b<c>*.png", "v2..png."]
    site = build_notes(tmp_path, {
        "Notes/Runbook.md": "# Runbook\n\n" + "\n\n".join(
            f"![](../att/{quote(n)})" if set(n) & set("|<>.") - {"."} or n.endswith(".")
            else f"![[{n}]]" for n in names) + "\n",
        **{f"att/{n}": pic for n in names},
    })
    assert [d.code for d in site.diagnostics] == []
    files = [p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file()]
    assert not [f for f in files if set(f) & set('<>:"|?*\\') or f.endswith((".", " "))], files
    page = site.page("Notes/Runbook.md")
    content = site.content("Notes/Runbook.md")
    shown = {site.follow(page, el.get("src") or el["href"])[0].name
             for el in content.find_all(["img", "a"]) if el.get("src") or el.get("href")}
    assert shown == {"Why_.png", "10_30 standup.png", "say _hi_.png", "a_b_c__.png", "v2..png_"}
