"""Shared helpers: build real vaults into temporary folders and read the HTML back."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
VAULTS = Path(__file__).resolve().parent / "vaults"


class Site:
    """A built site: pages by vault source path, link following, diagnostics."""

    def __init__(self, out: Path, result):
        self.out = out
        self.result = result
        self.diagnostics = result.diagnostics
        self._by_source: dict[str, Path] = {}
        for page in out.rglob("*.html"):
            soup = self.soup(page)
            meta = soup.find("meta", attrs={"name": "source"})
            if meta is not None and meta.get("content"):
                self._by_source[meta["content"]] = page

    @staticmethod
    def soup(path: Path) -> BeautifulSoup:
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def page(self, source: str) -> Path:
        return self._by_source[source]

    def has(self, source: str) -> bool:
        return source in self._by_source

    def html(self, source: str) -> BeautifulSoup:
        return self.soup(self.page(source))

    def content(self, source: str):
        soup = self.html(source)
        return soup.find(class_="note-content") or soup.find("article") or soup.find("main")

    def follow(self, page: Path, href: str) -> tuple[Path, str]:
        """The file an href of ``page`` points to, and its fragment; asserts that it exists."""
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, href
        assert not href.startswith("/"), f"root-relative href {href!r}"
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        assert target.is_file(), f"{href!r} from {page.relative_to(self.out)} points nowhere"
        assert target.is_relative_to(self.out.resolve())
        return target, unquote(parts.fragment)

    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]

    def messages(self, code: str) -> list[str]:
        return [d.format() for d in self.diagnostics if d.code == code]

    def dates(self) -> dict[str, str | None]:
        """Each published note's date (ISO), or None, by vault path."""
        return {n.rel: n.date and n.date.isoformat() for n in self.result.index.notes.values()}


def parse_notes(root: Path, files: dict[str, str]) -> list:
    """``files`` (vault path -> text) parsed as the notes of the vault at ``root``, without
    reading them from disk: for tests that index a vault in memory (``index.build_index``)."""
    from generator.config import load_config
    from generator.model import SourceFile, VaultPath
    from generator.parse import parse_note

    cfg = load_config(root)
    notes = []
    for rel, body in files.items():
        data = body.encode()
        src = SourceFile(VaultPath(rel), root / rel, "note", "0:0", len(data))
        notes.append(parse_note(src, cfg, data))
    return notes


def index_cost(root: Path, files: dict[str, str], resolve: bool = False) -> tuple[float, object]:
    """CPU seconds to index ``files`` (the least of two runs: a loaded machine only ever adds
    time), and the index; with ``resolve``, each note's links are also resolved, as the pages do
    when they render."""
    import time

    from generator.config import load_config
    from generator.index import build_index

    cfg = load_config(root)
    notes = parse_notes(root, files)
    runs = []
    for _ in range(2):
        start = time.process_time()
        index = build_index(notes, [], cfg)
        if resolve:
            for note in notes:
                for ref in note.links:
                    index.resolve(ref.target, note)
        runs.append(time.process_time() - start)
    return min(runs), index


def build_vault(src: Path, tmp_path: Path, *, copy: bool = True, **overrides) -> Site:
    """Build ``src`` (copied into ``tmp_path`` unless ``copy`` is false) into ``tmp_path/site``."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path / "vault" if copy else src
    if copy and not vault.exists():
        shutil.copytree(src, vault, symlinks=True)
    cfg = load_config(vault, overrides or None)
    out = tmp_path / "site"
    result = build(cfg, out, exec_mode="no-exec")
    return Site(out, result)


def deep_folder(root: Path, file_name: str) -> None:
    """Folders below ``root`` nesting past PATH_MAX (4096 bytes on Linux), with the file
    ``file_name`` at the end (made by walking down, as no path to it can be written whole)."""
    here = os.getcwd()
    try:
        os.chdir(root)
        for _ in range(22):  # 22 x 201 bytes: past 4096 whatever tmp_path is
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
        Path(file_name).write_text("deep\n", encoding="utf-8")
    finally:
        os.chdir(here)


def linked_vault(root: Path, n: int, *, edited=frozenset(), subfolders: bool = False) -> None:
    """``n`` notes in five folders (each with three subfolders if ``subfolders``) that link, link
    to a heading, embed a section of another note and hold a footnote; the notes in ``edited``
    have one more line."""
    for i in range(n):
        folder = root / f"area{i % 5}" / (f"sub{i % 3}" if subfolders else "")
        folder.mkdir(parents=True, exist_ok=True)
        extra = "Edited text.\n\n" if i in edited else ""
        (folder / f"Note {i}.md").write_text(
            f"---\ntags: [t{i % 3}]\n---\n# Note {i}\n\n{extra}## Part\n\nText {i} links "
            f"[[Note {(i * 7) % n}]] and [[Note {(i + 1) % n}#Part]].[^f]\n\n"
            f"![[Note {(i * 3 + 1) % n}#Part]]\n\n[^f]: A footnote of {i}.\n", encoding="utf-8")


def file_tree(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` by its path there, with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path below ``root`` -> text, or bytes) into ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def canvas_json(*nodes: dict) -> str:
    """A canvas file of ``nodes`` (each given its place and size, one under the other), no edges."""
    return json.dumps({"nodes": [{"x": 0, "y": 120 * i, "width": 300, "height": 100, **n}
                                 for i, n in enumerate(nodes)], "edges": []}, indent=1)


def exec_build(vault: Path, out: Path, state=None) -> Site:
    """Build ``vault`` into ``out`` running its code (``build_vault`` runs none); with ``state``,
    from the state ``serve`` keeps in memory."""
    from generator.config import load_config
    from generator.pipeline import build

    return Site(out, build(load_config(vault), out, exec_mode="auto", state=state))


def build_notes(tmp_path: Path, files: dict[str, str | bytes], **overrides) -> Site:
    """Write ``files`` (vault path -> text, or bytes) into a new vault under ``tmp_path`` and build
    it into ``tmp_path/site``."""
    src = write_files(tmp_path / "src", files)
    return build_vault(src, tmp_path, copy=False, **overrides)


@pytest.fixture(scope="module")
def core_site(tmp_path_factory) -> Site:
    return build_vault(VAULTS / "core", tmp_path_factory.mktemp("core"))


def cpu_cost(work: Callable[[], object], runs: int = 3) -> float:
    """CPU seconds that ``work()`` takes, the least of ``runs`` runs: a loaded machine only ever adds
    time, and a quadratic rule costs many times the bound on every run.  The garbage collector is
    kept out: a full collection in a test worker that has run hundreds of tests scans its whole
    heap, and once made the larger of two sizes cost 14 times the smaller on CI."""
    import gc
    import time

    costs = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            work()
            costs.append(time.process_time() - start)
        finally:
            gc.enable()
    return min(costs)


def render_cost(md, text: str) -> float:
    """CPU seconds for ``md`` to render ``text`` (``cpu_cost``)."""
    return cpu_cost(lambda: md.render(text, {}))


@contextmanager
def time_limit(seconds: int = 60):
    """A hang guard, not a speed test (speed is measured in benchmarks/): tests size their inputs so
    that the quadratic code took minutes and the linear code takes a few seconds, so a bound of a
    minute fails only on the quadratic code, however loaded the machine."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def cpu_limit(seconds: int = 60):
    """``time_limit`` counting this process's CPU time, not the clock's: for work done in the test's
    own process, which a machine at load 25 may give a tenth of a core (a 4 CPU-s render then took
    over a minute of wall time and failed the wall-clock guard)."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} CPU-s")

    old = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


@pytest.fixture(scope="module")
def chrome():
    """One headless Chromium for a browser test module (tests/chromium.py): at its end no request
    may have left the disk and no page may have logged an error."""
    from chromium import CHROMIUM, chrome_session

    if not Path(CHROMIUM).exists():  # skip, as the modules that call require_browser() do
        pytest.skip(f"no {CHROMIUM}")
    yield from chrome_session(pytest.importorskip("playwright.sync_api"))


@pytest.fixture(scope="module")
def shots(request, tmp_path_factory) -> Path:
    """Where a browser test module saves its screenshots: ``$VAULTSITE_SCREENSHOTS``, else a tmp
    folder named after the module."""
    env = os.environ.get("VAULTSITE_SCREENSHOTS")
    name = request.module.__name__.rsplit(".", 1)[-1]
    path = Path(env) if env else tmp_path_factory.mktemp(f"{name}-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path
