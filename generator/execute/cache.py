"""The execution cache: one manifest per note, figure files stored by content.

A note's manifest records what its last run depended on: the hash chain of its cells' code and
options, the files the code read (with size, mtime and sha256), and the versions of the packages
it imported.  The cached outputs are reused while all of them still match; checking costs a JSON
read and a ``stat`` per recorded file (a file is only re-hashed when its size or mtime moved).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.execute.cells import CodeCell

EXEC_VERSION = "6"  # bump when records change shape or meaning (6: a long stream's end and what was cut)
PYTHON = sys.version.split()[0]


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def code_chain(cells: Iterable[CodeCell]) -> list[str]:
    """Per cell: hash of its code and run options and of every cell before it.

    The ``#|`` lines are left out (their run-relevant content is in the options), so editing a
    caption, or prose around the cells, keeps the chain.
    """
    chain, prev = [], _sha(f"vaultsite-exec {EXEC_VERSION}")  # Python: checked on its own
    for cell in cells:
        opts = json.dumps(cell.options.run_key(), sort_keys=True)
        prev = _sha(f"{prev}\0{cell.display_code}\0{opts}")
        chain.append(prev)
    return chain


def code_hashes(cells: Iterable[CodeCell]) -> list[str]:
    return [_sha(cell.display_code) for cell in cells]


class FileDigests:
    """sha256 of vault files, memoised for one build by (size, mtime)."""

    def __init__(self, vault_root: Path) -> None:
        self.root = vault_root
        self.memo: dict[tuple[str, int, int], str] = {}

    def listing(self, rel: str) -> str | None:
        """Hash of a folder's sorted entry names (dot-entries left out); ``rel`` ends with "/"."""
        try:
            names = sorted(n for n in os.listdir(self.root / rel.lstrip("/"))
                           if not n.startswith("."))
        except OSError:
            return None
        return _sha("\0".join(names))

    def stat(self, rel: str) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / rel)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def digest(self, rel: str, stat: tuple[int, int] | None = None) -> dict[str, Any] | None:
        if rel.endswith("/"):  # a folder the code listed: its names are the dependency
            names = self.listing(rel)
            return None if names is None else {"listing": names}
        stat = stat or self.stat(rel)
        if stat is None:
            return None
        key = (rel, *stat)
        if key not in self.memo:
            h = hashlib.sha256()
            try:
                with open(self.root / rel, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
            except OSError:
                return None
            self.memo[key] = h.hexdigest()
        return {"sha256": self.memo[key], "size": stat[0], "mtime_ns": stat[1]}

    def changed(self, rel: str, recorded: dict[str, Any] | None) -> str | None:
        """Why ``rel`` no longer matches ``recorded`` (None: unchanged)."""
        if rel.endswith("/"):
            shown = rel.rstrip("/") or "the vault's top folder"
            now = self.listing(rel)
            if recorded is None:
                return None if now is None else f"{shown} appeared"
            if now is None:
                return f"{shown} was deleted"
            return None if now == recorded.get("listing") else f"{shown} changed"
        stat = self.stat(rel)
        if recorded is None:
            return None if stat is None else f"{rel} appeared"
        if stat is None:
            return f"{rel} was deleted"
        if (recorded["size"], recorded["mtime_ns"]) == stat:
            return None
        now = self.digest(rel, stat)
        return None if now and now["sha256"] == recorded["sha256"] else f"{rel} changed"


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def package_version(name: str) -> str | None:
    """Installed version of the distribution providing top-level module ``name`` (None: none)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
    for dist in _distributions().get(name, []):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def package_versions(modules: Iterable[str]) -> dict[str, str | None]:
    names = sorted({m for m in modules if m and not m.startswith("_")
                    and m not in sys.stdlib_module_names and m != "generator"})
    return {name: package_version(name) for name in names}


@dataclass(frozen=True)
class Lookup:
    manifest: dict[str, Any] | None
    reason: str | None  # None = fully valid; else why the note must run again
    code_matches: bool  # the cells are the same (outputs may be stale, e.g. for --no-exec)


class ExecCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.notes = self.root / "notes"
        self.assets = self.root / "assets"

    def _manifest_path(self, rel: str) -> Path:
        return self.notes / f"{_sha(rel)[:32]}.json"

    def lookup(self, rel: str, cells: list[CodeCell], files: FileDigests) -> Lookup:
        try:
            manifest = json.loads(self._manifest_path(rel).read_text("utf-8"))
        except (OSError, ValueError):
            return Lookup(None, "no cache", False)
        if manifest.get("version") != EXEC_VERSION or manifest.get("rel") != rel:
            return Lookup(None, "no cache", False)
        reason = _code_reason(manifest, cells)
        if reason:
            return Lookup(manifest, reason, False)
        return Lookup(manifest, inputs_reason(manifest, files), True)

    def store(self, rel: str, cells: list[CodeCell], records: list[dict | None],
              files: dict[str, dict | None], packages: dict[str, str | None],
              assets: dict[str, bytes]) -> dict[str, Any]:
        for name, data in assets.items():
            path = self.assets / Path(name).name
            if not path.exists():
                _write_atomic(path, data)
        manifest = {
            "version": EXEC_VERSION, "rel": rel, "python": PYTHON,
            "chain": code_chain(cells), "code": code_hashes(cells),
            "bodies": [cell.body_line for cell in cells], "files": files, "packages": packages,
            "records": records,
        }
        _write_atomic(self._manifest_path(rel),
                      json.dumps(manifest, sort_keys=True).encode("utf-8"))
        return manifest

    def read_asset(self, name: str) -> bytes | None:
        try:
            return (self.assets / Path(name).name).read_bytes()
        except OSError:
            return None


def inputs_reason(manifest: dict[str, Any], files: FileDigests) -> str | None:
    """Why a run's outputs no longer hold for the same code (None: they do): another Python, a
    file the code read that changed, a package of another version."""
    if manifest.get("python") != PYTHON:
        return f"Python changed ({manifest.get('python')} -> {PYTHON})"
    for rel_dep, recorded in sorted(manifest.get("files", {}).items()):
        why = files.changed(rel_dep, recorded)
        if why:
            return why
    for name, version in sorted(manifest.get("packages", {}).items()):
        now = package_version(name)
        if now != version:
            return f"{name} {version} -> {now}"
    return None


def same_start(manifest: dict[str, Any], cells: list[CodeCell]) -> int:
    """How many of ``cells``, from the first, have the key they had in the run ``manifest``
    records: their code and options, and those of every cell before them (``code_chain``)."""
    count = 0
    for new, old in zip(code_chain(cells), manifest.get("chain", []), strict=False):
        if new != old:
            break
        count += 1
    return count


def _code_reason(manifest: dict[str, Any], cells: list[CodeCell]) -> str | None:
    chain, old_chain = code_chain(cells), manifest.get("chain", [])
    if chain == old_chain:
        return None
    old_code = manifest.get("code", [])
    for i, cell in enumerate(cells):
        if i >= len(old_chain):
            return f"cell added at line {cell.line}"
        if chain[i] != old_chain[i]:
            same_code = i < len(old_code) and old_code[i] == _sha(cell.display_code)
            what = "options changed" if same_code else "code changed"
            return f"{what} at line {cell.line}"
    return "cell removed"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
