"""Audit 9 (robustness): a killed build, encodings and the site-wide invariants of issue 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.parallel import can_fork

REPO = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its reaper has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not can_fork() or not Path("/proc").is_dir(), reason="forked workers, /proc")
def test_build_workers_end_when_the_build_is_killed():
    """``kill -9`` of a build (or of the terminal running it) left its forked workers alive forever:
    each worker held the parent's end of its own pipe and of the pipes made before it, so it never
    saw the pipe close and waited on it, each holding the whole parse in memory."""
    script = (
        "import sys, time\n"
        "from generator.workers import NotePool\n"
        "pool = NotePool(3)\n"
        "print(' '.join(str(p.pid) for p in pool.procs), flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 3 and all(_alive(p) for p in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 60  # a worker may still be importing on a loaded machine
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for pid in left:  # not left behind by the test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed build"


def _vault(tmp_path: Path, version: str) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir(exist_ok=True)
    for name in ("A", "B", "C"):
        (vault / f"{name}.md").write_text(f"# {name} {version}\n\n[[A]] [[B]] [[C]]\n", encoding="utf-8")
    return vault


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _disk_full_on(monkeypatch, name: str) -> None:
    """Writing a file whose name contains ``name`` fails as on a full disk."""
    import errno

    real = Path.write_bytes

    def write_bytes(self, data):
        if name in self.name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_full_disk_leaves_the_previous_site_as_it_was(tmp_path, monkeypatch):
    """A rebuild that met a full disk deleted every previous page it could not replace (the page was
    left out of the new manifest, so the clean-up took it for a page the build no longer makes) and
    left the site half old, half new."""
    from generator.config import load_config
    from generator.emit import OutputError
    from generator.pipeline import build

    out = tmp_path / "site"
    build(load_config(_vault(tmp_path, "one")), out, exec_mode="no-exec", workers=1)
    before = _files(out)
    assert {"A.html", "B.html", "C.html"} <= before.keys()
    _disk_full_on(monkeypatch, "B.html")
    with pytest.raises(OutputError, match="No space left on device"):
        build(load_config(_vault(tmp_path, "two")), out, exec_mode="no-exec", workers=1)
    assert _files(out) == before


def test_a_full_disk_puts_no_half_written_site_in_place(tmp_path, monkeypatch):
    """A first build that met a full disk swapped in a site with the unwritten pages missing."""
    from generator.config import load_config
    from generator.emit import OutputError
    from generator.pipeline import build

    vault = _vault(tmp_path, "one")
    _disk_full_on(monkeypatch, "B.html")
    with pytest.raises(OutputError, match="No space left on device"):
        build(load_config(vault), tmp_path / "site", exec_mode="no-exec", workers=1)
    assert not (tmp_path / "site").exists()
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_a_full_disk_for_the_build_state_is_a_warning(tmp_path, monkeypatch):
    """The build state saved after the site (``site.vaultsite-cache``) met a full disk: the build
    ended in a traceback, though the site was complete."""
    import errno

    from generator import incremental
    from generator.config import load_config
    from generator.pipeline import build

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(incremental, "_dump", full)
    out = tmp_path / "site"
    result = build(load_config(_vault(tmp_path, "one")), out, exec_mode="no-exec", workers=1)
    assert [d.code for d in result.diagnostics] == ["state-unsaved"]
    assert "No space left on device" in result.diagnostics[0].message
    assert {"A.html", "B.html", "C.html"} <= _files(out).keys()
    monkeypatch.undo()
    again = build(load_config(_vault(tmp_path, "one")), out, exec_mode="no-exec", workers=1)
    assert again.diagnostics == [] and _files(out).keys() >= {"A.html", "B.html", "C.html"}


@pytest.mark.parametrize(
    "address, root",
    [
        ("http://127.0.0.1:8000/repo/404.html", "http://127.0.0.1:8000/repo/"),
        ("http://127.0.0.1:8000/404.html", "http://127.0.0.1:8000/"),
        ("https://me.github.io/repo/404.html", "https://me.github.io/repo/"),
        ("https://me.github.io/repo/Gone/deeper/missing", "https://me.github.io/repo/"),
        ("https://me.gitlab.io/repo/Gone/missing", "https://me.gitlab.io/repo/"),
        ("https://me.codeberg.page/repo/Gone/missing", "https://me.codeberg.page/repo/"),
    ],
)
def test_404_page_opened_at_its_own_address_under_a_sub_path(tmp_path, chrome, address, root):
    """``python -m http.server`` in the folder above the site (the site at ``/repo/``, as on GitHub
    Pages) and the 404 page opened at its own address: it took the host's root for the site's,
    so its stylesheet and script came from ``/_assets/`` (404) and its home link led out of the site."""
    from chromium import host_site
    from conftest import build_notes

    site = build_notes(tmp_path, {"Home.md": "# Home\n", "Notes/A.md": "# A\n"}).out
    page = chrome.browser.new_page()
    asked = host_site(page, site, root)
    page.goto(address)
    page.wait_for_load_state("load")
    assert page.evaluate("document.baseURI") == root
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent') !== ''")
    assert page.locator(".not-found a", has_text="home page").evaluate("a => a.href") == root + "index.html"
    assert all(u == address or u.startswith(root) for u in asked), asked
    page.close()


def test_did_you_mean_never_suggests_a_wikilink_that_cannot_work(tmp_path):
    """``[[C%23 basics]]`` (or a typo of the name) suggested ``[[C# basics]]``, which is note "C",
    heading "basics": the suggestion for a name holding ``#``, ``|``, ``[`` or ``]`` is the markdown
    link that reaches it."""
    from conftest import build_notes

    site = build_notes(
        tmp_path,
        {
            "C# basics.md": "# C#\n",
            "Pipe|name.md": "x\n",
            "A.md": "[[C%23 basics]]\n\n![[C%23 basic]]\n\n[[Pipe%7Cname]]\n",
        },
    )
    hints = [d.hint for d in site.diagnostics if d.code == "link-unresolved"]
    assert len(hints) == 3, site.messages("link-unresolved")
    assert "[C# basics](C%23%20basics.md)" in hints[0] and "[[C# basics]]" not in hints[0]
    assert "![C# basics](C%23%20basics.md)" in hints[1]
    assert "[Pipe|name](Pipe%7Cname.md)" in hints[2]


def test_encoding_warnings_say_the_column_too():
    """``encoding`` and ``binary-content`` warnings said ``path:line:`` where every other warning
    says ``path:line:col:``; the column is the first bad byte's (NUL's), in characters."""
    from generator.frontmatter import decode

    def where(data: bytes) -> list[str]:
        return [d.format().split(" warning", 1)[0] for d in decode(data, "n.md")[1]]

    assert where("# T\n\nCafé naïve\n".encode("latin-1")) == ["n.md:3:4:"]
    assert where(b"\xef\xbb\xbfab\xe9\n") == ["n.md:1:3:"]  # the BOM is no character of the line
    assert where(b"\xef\xbb\xbfa\nb\nc\xe9\n") == ["n.md:3:2:"]
    assert where(b"x\r\n\xc3\x9cber \x93q\x94\n") == ["n.md:2:6:"]  # UTF-8 with a stray byte
    assert where(b"a\nbc\x00d\n") == ["n.md:2:3:"]
    assert where("\ufeffx\n".encode("utf-16-le")) == ["n.md:1:1:"]


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_what_a_killed_build_left_is_cleared_by_the_next(tmp_path):
    """``kill -9`` of a first build left its staging folder (``.site.staging-…``, a partial site of
    any size) beside the output for ever, and of a rebuild, its files written aside inside the site
    (``.page.html.tmp-…``, published with it).  The next build removes those of a build that has
    ended, and nothing else."""
    from generator.config import load_config
    from generator.pipeline import build

    out = tmp_path / "site"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from generator.emit import Staging\n"
        "s = Staging(Path(sys.argv[1]))\n"
        "(s.path / 'A.html').write_text('half a site')\n"
        "print(s.path, flush=True)\n"
        "if sys.argv[2] == 'wait': time.sleep(60)\n"
    )
    run = [sys.executable, "-c", script, str(out)]
    killed = Path(subprocess.run([*run, "exit"], cwd=REPO, capture_output=True, text=True).stdout.strip())
    running = subprocess.Popen([*run, "wait"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        alive = Path(running.stdout.readline().strip())
        mine = tmp_path / ".site.staging-notes"  # not vaultsite's
        mine.mkdir()
        assert killed.is_dir() and alive.is_dir() and killed.name.startswith(".site.staging-")
        build(load_config(_vault(tmp_path, "one")), out, exec_mode="no-exec", workers=1)
        assert not killed.exists()
        assert alive.is_dir() and mine.is_dir()  # a build still at work; a folder of the user's
    finally:
        running.kill()
        running.wait()
    dead = _dead_pid()
    asides = [out / f".A.html.tmp-{dead}", out / f"..vaultsite-site.tmp-{dead}"]
    others = [out / ".A.html.tmp-1", out / f".notes.txt.tmp-{dead}", out / "A.html.tmp-1"]
    for path in asides + others:
        path.write_text("left")
    build(load_config(_vault(tmp_path, "two")), out, exec_mode="no-exec", workers=1)
    assert not any(p.exists() for p in asides)
    assert [p.name for p in others if not p.exists()] == []
    assert "two" in (out / "A.html").read_text(encoding="utf-8")


def test_a_folder_past_the_path_length_limit_is_a_warning_not_a_crash(tmp_path):
    """A vault whose folders nest past PATH_MAX (4096 bytes on Linux) stopped the build with a
    traceback (``OSError: File name too long``) while the vault was walked: no note was published."""
    from conftest import build_notes, deep_folder

    vault = tmp_path / "src"
    vault.mkdir()
    deep_folder(vault, "Deep.md")
    site = build_notes(tmp_path, {"A.md": "[[B]]\n", "B.md": "b\n"})
    assert site.has("A.md") and site.has("B.md")
    assert [d.code for d in site.diagnostics] == ["unreadable"]
    assert site.diagnostics[0].span.path.startswith("d" * 200 + "/")


def test_names_that_differ_only_in_unicode_normalisation_are_told_apart(tmp_path):
    """``Café.md`` twice in one folder, once composed (NFC) and once decomposed (NFD, as macOS
    writes names): the second was said to come from a mount ("change `mounts` in vaultsite.toml")
    though the vault has none."""
    import unicodedata

    from conftest import build_notes

    nfc, nfd = unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café")
    site = build_notes(
        tmp_path, {f"{nfc}.md": "composed\n", f"{nfd}.md": "decomposed\n", "A.md": f"[[{nfc}]]\n"}
    )
    [msg] = site.messages("duplicate-path")
    assert "mount" not in msg and "NFD" in msg and "the NFD one is published" in msg, msg
    assert "decomposed" in site.content(f"{nfd}.md").get_text()


def test_pages_served_over_http_ask_for_no_favicon_the_site_lacks(tmp_path, chrome):
    """Served under a sub-path (``python -m http.server`` above the site, as a project site of
    GitHub Pages), every page made Chromium ask the host for ``/favicon.ico``: a 404, logged as an
    error in the console.  The pages carry their own icon."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from conftest import build_notes

    build_notes(tmp_path / "repo-parent", {"Home.md": "# Home\n"})
    (tmp_path / "repo-parent" / "site").rename(tmp_path / "repo-parent" / "repo")
    asked: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, fmt, *args):
            asked.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(tmp_path / "repo-parent")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = chrome.browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"http://127.0.0.1:{server.server_port}/repo/index.html")
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert "/repo/index.html" in asked
    assert not [p for p in asked if "favicon" in p], asked
    assert errors == []


@pytest.mark.skipif(not can_fork() or not Path("/proc").is_dir(), reason="forked child, /proc")
def test_search_data_child_ends_when_the_build_is_killed():
    """The forked process that makes the search and graph data (``_FactsAside``) kept the read end
    of its own pipe: when the build was killed before reading the data, it waited for ever to write
    it, holding a copy of the whole build in memory."""
    script = (
        "import time, types\n"
        "from generator.sitebuild import _FactsAside\n"
        "class Builder:\n"
        "    memo = types.SimpleNamespace(data={})\n"
        "    search_manifest = None\n"
        "    def _facts_data(self):\n"
        "        self.files['_search/x.js'] = b'x' * 1_000_000  # more than a pipe holds\n"
        "aside = _FactsAside(Builder())\n"
        "print(aside.proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(proc.stdout.readline())
        time.sleep(0.5)  # the child is writing by now
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    left = _alive(pid)
    if left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "the search data child outlived its killed build"


def test_a_large_attachment_is_hashed_without_reading_it_whole(tmp_path):
    """The digest of each copied attachment read the whole file into memory: a 1.5 GB video in the
    vault made the build take 1.6 GB, and a few GB of screen recordings ran a CI runner out of it."""
    import tracemalloc

    from generator.emit import _copy_digest, _digest

    video = tmp_path / "movie.mp4"
    with video.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)
        fh.write(b"end")
    tracemalloc.start()
    try:
        digest = _copy_digest(video)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak
    assert digest == _digest(video.read_bytes())  # the manifest's digests are as before
