"""The dev server: live reload over server-sent events, error overlay, last good site, clean stop.

Two kinds of test:
* with ``FakeBuilder`` (a few lines that turn each note into a page and fail while a file named
  ``BROKEN`` exists) the server, watcher and events are tested on their own;
* with ``PipelineBuilder`` the same flows run on the real pipeline over a small vault.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import watchfiles

from generator.serve import (
    EVENTS_PATH,
    SCRIPT_ID,
    BuildOutcome,
    ChangeFilter,
    DevServer,
    PipelineBuilder,
    inject_script,
    live_script,
)

REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers


class FakeBuilder:
    """``<stem>.html`` per note holding its text; ``BROKEN`` in the vault makes the build fail."""

    def __init__(self, vault: Path, out: Path):
        self.vault, self.out = vault, out
        self.calls: list[set[Path] | None] = []

    def watch_roots(self) -> list[Path]:
        return [self.vault]

    def ignored_paths(self) -> list[Path]:
        return [self.out]

    def rebuild(self, changed):
        self.calls.append(changed)
        start = time.perf_counter()
        if (self.vault / "BROKEN").exists():
            return BuildOutcome(False, "TemplateSyntaxError: unexpected end of template",
                                time.perf_counter() - start)
        staging = self.out.with_name("." + self.out.name + ".staging")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for note in sorted(self.vault.glob("*.md")):
            text = note.read_text(encoding="utf-8")
            (staging / f"{note.stem}.html").write_text(
                f"<!doctype html><html><body><p>{text}</p></body></html>", encoding="utf-8")
        (staging / "style.css").write_text("p { color: red }")
        old = self.out.with_name("." + self.out.name + ".old")
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(staging, self.out)
        shutil.rmtree(old, ignore_errors=True)
        return BuildOutcome(True, None, time.perf_counter() - start, 1)


class Events:
    """Reads the server-sent events stream in a thread; ``expect`` waits for one event."""

    def __init__(self, base_url: str):
        self.queue: queue.Queue = queue.Queue()
        self.response = urllib.request.urlopen(base_url.rstrip("/") + EVENTS_PATH, timeout=60)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    self.queue.put((name, json.loads(data), time.perf_counter()))
                    name, data = "message", ""
        except (OSError, ValueError):
            pass
        self.queue.put(("closed", None, time.perf_counter()))

    def expect(self, name: str, timeout: float = 20.0) -> tuple[dict, float]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {name!r} event within {timeout} s")
            try:
                got, data, when = self.queue.get(timeout=left)
            except queue.Empty:
                continue
            if got == name:
                return data, when
            if got == "closed":
                raise AssertionError(f"event stream closed while waiting for {name!r}")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def page_state(html: str) -> dict:
    m = re.search(r"var live = (\{.*?\});", html)
    assert m, "no live script in the served page"
    return json.loads(m.group(1))


@pytest.fixture
def fake_site(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Alpha.md").write_text("alpha one", encoding="utf-8")
    (vault / ".obsidian").mkdir()
    out = tmp_path / "site"
    builder = FakeBuilder(vault, out)
    server = DevServer(builder, out, port=0, log=lambda _msg: None)
    server.start()
    try:
        yield vault, out, server, builder
    finally:
        server.stop()


# --------------------------------------------------------------------------- pure pieces


def test_inject_script_goes_before_the_last_body_close():
    page = "<html><body><p>x</p><pre>&lt;/body&gt;</pre></BODY></html>"
    assert inject_script(page, "<s>") == "<html><body><p>x</p><pre>&lt;/body&gt;</pre><s></BODY></html>"
    assert inject_script("<p>fragment", "<s>") == "<p>fragment<s>"


def test_live_script_cannot_be_closed_by_error_text():
    script = live_script("abc-1", {"title": "t", "text": "</script><script>alert(1)</script>"})
    assert script.count("</script>") == 1
    assert script.startswith(f'<script id="{SCRIPT_ID}">')


def test_change_filter(tmp_path):
    vault = tmp_path / ".hidden-parent" / "vault"
    out = vault / "site"
    f = ChangeFilter([vault], [out, out.with_name("site.vaultsite-cache")])
    add = watchfiles.Change.added
    assert f(add, str(vault / "Notes" / "a.md"))
    assert f(add, str(vault / "_templates" / "note.html"))
    assert f(add, str(vault / "vaultsite.toml"))
    assert f(add, str(vault / "site notes" / "a.md"))  # only the output itself is ignored
    assert not f(add, str(vault / ".obsidian" / "workspace.json"))
    assert not f(add, str(vault / ".git" / "index"))
    assert not f(add, str(out / "a.html"))
    assert not f(add, str(vault / "site.vaultsite-cache" / "exec" / "x"))
    assert not f(add, str(vault / ".site.staging-123" / "a.html"))
    assert not f(add, str(vault / "a.md~"))
    assert not f(add, str(vault / ".a.md.swp"))
    assert not f(add, str(vault / "4913"))


# --------------------------------------------------------------------------- server mechanics


def test_page_is_served_with_the_script_and_the_file_on_disk_has_none(fake_site):
    vault, out, server, _ = fake_site
    status, html = fetch(server.url + "Alpha.html")
    assert status == 200 and "alpha one" in html
    assert f'id="{SCRIPT_ID}"' in html and EVENTS_PATH in html
    assert page_state(html)["error"] is None
    assert SCRIPT_ID not in (out / "Alpha.html").read_text()
    status, css = fetch(server.url + "style.css")
    assert status == 200 and css == "p { color: red }"  # only HTML gets the script


def test_edit_reloads_the_page(fake_site):
    vault, out, server, builder = fake_site
    events = Events(server.url)
    hello, _ = events.expect("hello")
    status, html = fetch(server.url + "Alpha.html")
    assert page_state(html)["build"] == hello["build"]
    saved = time.perf_counter()
    (vault / "Alpha.md").write_text("alpha two", encoding="utf-8")
    reload, when = events.expect("reload")
    assert reload["build"] != hello["build"]
    status, html = fetch(server.url + "Alpha.html")
    assert "alpha two" in html and page_state(html)["build"] == reload["build"]
    assert when - saved < 5.0
    assert builder.calls[0] is None and vault / "Alpha.md" in builder.calls[-1]


def test_changes_in_dot_folders_do_not_rebuild(fake_site):
    vault, out, server, builder = fake_site
    events = Events(server.url)
    events.expect("hello")
    (vault / ".obsidian" / "workspace.json").write_text("{}")
    (vault / "Alpha.md~").write_text("backup")
    time.sleep(0.6)
    assert len(builder.calls) == 1
    (vault / "Beta.md").write_text("beta", encoding="utf-8")
    events.expect("reload")
    assert fetch(server.url + "Beta.html")[0] == 200


def test_broken_build_shows_overlay_and_keeps_last_good_site(fake_site):
    vault, out, server, _ = fake_site
    events = Events(server.url)
    events.expect("hello")
    (vault / "Alpha.md").write_text("alpha good", encoding="utf-8")
    events.expect("reload")
    (vault / "BROKEN").write_text("x")
    (vault / "Alpha.md").write_text("alpha edited while broken", encoding="utf-8")
    err, _ = events.expect("build-error")
    assert "TemplateSyntaxError" in err["error"]["text"]
    status, html = fetch(server.url + "Alpha.html")
    assert status == 200 and "alpha good" in html  # the last good page
    state = page_state(html)
    assert "TemplateSyntaxError" in state["error"]["text"]
    assert "last good build" in state["error"]["title"]
    status = json.loads(fetch(server.url + "__vaultsite/status")[1])
    assert status["error"] is not None
    (vault / "BROKEN").unlink()
    events.expect("reload")
    status, html = fetch(server.url + "Alpha.html")
    assert "alpha edited while broken" in html and page_state(html)["error"] is None


def test_missing_page_is_404_with_the_script(fake_site):
    _, _, server, _ = fake_site
    status, html = fetch(server.url + "Nope.html")
    assert status == 404 and SCRIPT_ID in html


def test_first_build_failing_serves_an_error_page(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "BROKEN").write_text("x")
    out = tmp_path / "site"
    server = DevServer(FakeBuilder(vault, out), out, port=0, log=lambda _m: None)
    server.start()
    try:
        status, html = fetch(server.url)
        assert status == 404 and "TemplateSyntaxError" in html
        events = Events(server.url)
        events.expect("hello")
        (vault / "BROKEN").unlink()
        (vault / "index.md").write_text("home", encoding="utf-8")
        events.expect("reload")
        assert fetch(server.url + "index.html") == (200, fetch(server.url)[1])
        assert "home" in fetch(server.url)[1]
    finally:
        server.stop()


def test_stop_ends_threads_streams_and_the_port(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    out = tmp_path / "site"
    server = DevServer(FakeBuilder(vault, out), out, port=0, log=lambda _m: None)
    server.start()
    url = server.url
    events = Events(url)
    events.expect("hello")
    t0 = time.monotonic()
    server.stop()
    assert time.monotonic() - t0 < 5
    events.expect("closed", timeout=5)
    assert not any(t.is_alive() for t in server._threads)
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


# --------------------------------------------------------------------------- the real pipeline


def write_small_vault(vault: Path) -> None:
    notes = {
        "index.md": "---\ntitle: Home\n---\n# Home\n\nStart at [[Alpha]] or [[Notes/Beta|beta]].\n",
        "Alpha.md": "---\ntitle: Alpha\ntags: [greek]\ndate: 2024-01-02\n---\n# Alpha\n\n"
                    "First letter. See [[Notes/Beta#Details]].\n\n## Part one\n\nText #letters\n",
        "Notes/Beta.md": "# Beta\n\nSecond letter, links back to [[Alpha]].\n\n## Details\n\nMore.\n",
        "Notes/Gamma.md": "# Gamma\n\nEmbeds ![[Alpha#Part one]] and links [[Missing note]].\n",
    }
    for rel, text in notes.items():
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "app.json").write_text("{}")


@pytest.fixture
def real_site(tmp_path):
    from generator.config import load_config

    vault = tmp_path / "vault"
    write_small_vault(vault)
    out = tmp_path / "site"
    builder = PipelineBuilder(load_config(vault, {}), out)
    logs: list[str] = []
    server = DevServer(builder, out, port=0, log=logs.append)
    server.start()
    assert server.builds[0].swapped, logs
    try:
        yield vault, out, server, logs
    finally:
        server.stop()


def _page_of(out: Path, source: str) -> str:
    """Site-relative path of the page made from the note ``source`` (its ``<meta name=source>``)."""
    tag = f'<meta name="source" content="{source}">'
    for path in sorted(out.rglob("*.html")):
        if tag in path.read_text(encoding="utf-8"):
            return path.relative_to(out).as_posix()
    raise AssertionError(f"no page made from {source!r}")


def test_real_edit_reloads_and_shows_the_change(real_site):
    vault, out, server, logs = real_site
    rel = _page_of(out, "Alpha.md")
    status, html = fetch(server.url + rel)
    assert status == 200 and "First letter" in html and SCRIPT_ID in html
    assert SCRIPT_ID not in (out / rel).read_text(encoding="utf-8")
    events = Events(server.url)
    events.expect("hello")
    saved = time.perf_counter()
    note = vault / "Alpha.md"
    note.write_text(note.read_text().replace("First letter", "Very first letter"), "utf-8")
    _, when = events.expect("reload")
    status, html = fetch(server.url + rel)
    assert "Very first letter" in html
    print(f"save-to-reload-event: {(when - saved) * 1000:.0f} ms")
    assert when - saved < 5.0


def test_real_broken_template_is_shown_and_the_theme_takes_over(real_site):
    vault, out, server, logs = real_site
    rel = _page_of(out, "Alpha.md")
    events = Events(server.url)
    events.expect("hello")
    templates = vault / server.builder.cfg.templates_dir
    templates.mkdir(exist_ok=True)
    (templates / "note.html").write_text("{% if %}broken{% endif", encoding="utf-8")
    # the pages are built by the default theme meanwhile, and the browser says which template failed
    err, _ = events.expect("reload")
    assert "_templates/note.html:1" in err["error"]["text"]
    assert "template-error" in err["error"]["text"]
    status, html = fetch(server.url + rel)
    assert status == 200 and "First letter" in html
    assert page_state(html)["error"] is not None
    (templates / "note.html").unlink()
    events.expect("reload")
    status, html = fetch(server.url + rel)
    assert "First letter" in html and page_state(html)["error"] is None


def test_real_pipeline_exception_keeps_last_good_site(real_site, monkeypatch):
    from generator import pipeline

    vault, out, server, logs = real_site
    rel = _page_of(out, "Notes/Beta.md")
    real_build = pipeline.build

    def exploding(*args, **kwargs):
        if (vault / "Notes" / "Beta.md").read_text().startswith("BOOM"):
            raise RuntimeError("boom while building")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build", exploding)
    events = Events(server.url)
    events.expect("hello")
    (vault / "Notes" / "Beta.md").write_text("BOOM\n", encoding="utf-8")
    err, _ = events.expect("build-error")
    assert "boom while building" in err["error"]["text"]
    assert "Second letter" in fetch(server.url + rel)[1]
    (vault / "Notes" / "Beta.md").write_text("# Beta\n\nSecond letter, again.\n", "utf-8")
    events.expect("reload")
    assert "Second letter, again." in fetch(server.url + rel)[1]


def test_config_change_reloads_config(real_site):
    vault, out, server, logs = real_site
    events = Events(server.url)
    events.expect("hello")
    (vault / "vaultsite.toml").write_text('title = "Renamed site"\n', encoding="utf-8")
    events.expect("reload")
    assert server.builder.cfg.title == "Renamed site"
    (vault / "vaultsite.toml").write_text('no_such_key = 1\n', encoding="utf-8")
    err, _ = events.expect("build-error")
    assert "no_such_key" in err["error"]["text"]
    (vault / "vaultsite.toml").write_text('title = "Fixed"\n', encoding="utf-8")
    events.expect("reload")
    assert server.builder.cfg.title == "Fixed"


def test_ctrl_c_stops_the_serve_command_cleanly(tmp_path):
    vault = tmp_path / "vault"
    write_small_vault(vault)
    code = (
        "import sys; from pathlib import Path\n"
        "from generator.config import load_config\n"
        "from generator.serve import serve\n"
        "serve(load_config(Path(sys.argv[1]), {}), Path(sys.argv[2]), port=0)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(vault), str(tmp_path / "site")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert m, line + proc.stderr.read()
        assert fetch(m.group(1))[0] in (200, 404)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_busy_port_fails_before_building(tmp_path):
    import socket

    vault = tmp_path / "vault"
    vault.mkdir()
    builder = FakeBuilder(vault, tmp_path / "site")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        server = DevServer(builder, tmp_path / "site", port=sock.getsockname()[1],
                           log=lambda _m: None)
        with pytest.raises(OSError):
            server.start()
    assert builder.calls == []


def test_a_save_during_the_first_build_is_built_next(tmp_path):
    """The watcher is in place before the first build starts, so nothing saved meanwhile is lost."""
    from generator.config import load_config

    vault = tmp_path / "vault"
    write_small_vault(vault)
    out = tmp_path / "site"

    class SlowFirstBuild(PipelineBuilder):
        def rebuild(self, changed):
            outcome = super().rebuild(changed)
            if changed is None:  # the first build: the writer saves just as it finishes
                (vault / "Alpha.md").write_text("# Alpha\n\nSaved during the first build.\n",
                                                encoding="utf-8")
            return outcome

    server = DevServer(SlowFirstBuild(load_config(vault, {}), out), out, port=0,
                       log=lambda _m: None)
    server.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(server.builds) < 2:
            time.sleep(0.05)
        assert len(server.builds) >= 2
        text = fetch(server.url + _page_of(out, "Alpha.md"))[1]
        assert "Saved during the first build." in text
    finally:
        server.stop()


def test_real_rebuild_prints_the_warnings_a_save_brings_and_the_ones_it_fixes(real_site):
    """The live preview is where one writes: a save that breaks the front-matter or a link is told
    in the terminal as `build` tells it (file:line:col), once; a save that mends it is counted."""
    vault, out, server, logs = real_site
    events = Events(server.url)
    events.expect("hello")
    note = vault / "Alpha.md"
    good = note.read_text(encoding="utf-8")
    note.write_text("---\ntags: [a, b\n---\n" + good + "\nSee [[Nowhere at all]].\n", "utf-8")
    events.expect("reload")
    deadline = time.monotonic() + 5
    while not any("rebuilt" in line for line in logs) and time.monotonic() < deadline:
        time.sleep(0.05)
    new = [line for line in logs if "warning[" in line]
    assert any(line.startswith("Alpha.md:") and "warning[frontmatter-yaml]" in line for line in new)
    assert any(line.startswith("Alpha.md:") and "warning[link-unresolved]" in line
               and "Nowhere at all" in line for line in new), logs
    rebuilt = [line for line in logs if line.startswith("rebuilt")][-1]
    assert "2 new" in rebuilt, rebuilt
    printed = len(new)
    note.write_text(good, "utf-8")
    events.expect("reload")
    deadline = time.monotonic() + 5
    while len([line for line in logs if line.startswith("rebuilt")]) < 2 \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len([line for line in logs if "warning[" in line]) == printed  # nothing new to print
    assert "2 fixed" in [line for line in logs if line.startswith("rebuilt")][-1], logs
