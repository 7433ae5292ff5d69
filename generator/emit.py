"""The only code that writes into the output folder.

Safety rules:
* an output folder that exists, is not empty and has no ``.vaultsite-site`` marker was not made by
  vaultsite: the build refuses to touch it (``-o ~`` by mistake deletes nothing);
* a first build writes into a staging folder beside the output and swaps it into place, so a failed
  build leaves the previous site as it was;
* later builds into a folder we made write only files whose bytes changed (atomically, one by one) and
  delete only files that the previous build wrote and this one did not.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

MARKER = ".vaultsite-site"


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


@dataclass
class EmitStats:
    written: list[str]
    deleted: list[str]
    unchanged: int


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# Digests of the last emit's data files, by object: ``serve`` hands the same bytes objects again for
# data files that did not change (tens of megabytes of search and preview data), and bytes never
# change.  Each entry holds its object, so an id is never reused while it is here.
_LAST_DIGESTS: dict[int, tuple[bytes, str]] = {}


def _digests(files: Mapping[str, bytes], write_to: Path | None = None) -> dict[str, str]:
    """The digest of every file, and with ``write_to`` each file written under it, in threads
    (hashing and writing release the interpreter lock)."""
    global _LAST_DIGESTS
    last = _LAST_DIGESTS

    def one(item: tuple[str, bytes]) -> str:
        rel, data = item
        if write_to is not None:
            (write_to / rel).write_bytes(data)
        hit = last.get(id(data))
        return hit[1] if hit is not None and hit[0] is data else _digest(data)

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(one, files.items()))
    # Only the site's own files (search, previews, assets: all under "_") are handed over again;
    # remembering every page would keep hundreds of megabytes alive in ``serve``.
    _LAST_DIGESTS = {id(data): (data, d) for (rel, data), d in zip(files.items(), found, strict=True)
                     if rel.startswith("_")}
    return dict(zip(files.keys(), found, strict=True))


def check_output(out: Path, vault: Path) -> None:
    out = out.resolve()
    vault = vault.resolve()
    home = Path.home().resolve()
    if out == vault or vault.is_relative_to(out):
        raise OutputError(f"output folder {out} contains the vault; choose another folder with -o")
    if out in (home, Path(out.anchor)):
        raise OutputError(f"refusing to use {out} as the output folder; choose a new folder with -o")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} exists and is not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise OutputError(
            f"output folder {out} is not empty and was not made by vaultsite; refusing to overwrite "
            "it (choose an empty or new folder with -o, or empty it yourself)")


def read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError):
        return {}


def files_present(out: Path) -> set[str]:
    """The files this site's manifest lists that are still in ``out`` (someone may have deleted
    some).  One directory walk: much cheaper than asking about each of 20,000 files."""
    if not (out / MARKER).is_file():
        return set()
    listed = read_manifest(out)
    found: set[str] = set()
    for folder, _dirs, names in os.walk(out):
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in names)
    return found & listed.keys()


def _manifest_bytes(files: Mapping[str, str]) -> bytes:
    return (json.dumps({"generator": "vaultsite", "files": dict(sorted(files.items()))},
                       indent=0, ensure_ascii=False) + "\n").encode("utf-8")


def emit_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
              keep: set[str] = frozenset(), staged: Staging | None = None) -> EmitStats:
    """Make ``out`` hold exactly ``files`` (bytes), ``copies`` (files copied from the vault), the
    files in ``keep`` as the previous build wrote them, and what was written into ``staged``."""
    for rel in list(files) + list(copies):
        if rel.startswith(("/", "../")) or "/../" in rel or rel == MARKER:
            raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    if (out / MARKER).is_file():
        if staged is not None:
            raise OutputError("internal error: pages written aside for a site that exists")
        return _update_in_place(out, files, copies, keep)
    if keep:
        raise OutputError("internal error: pages to keep but no previous site")
    return _fresh(out, files, copies, staged)


def staging_for(out: Path) -> Staging | None:
    """Where a build writes a new site before swapping it in; None when ``out`` holds a site that is
    updated in place (the same test ``emit_site`` makes)."""
    return None if (out / MARKER).is_file() else Staging(out)


class Staging:
    """The folder a new site is written into before it takes the output's place.  Build workers
    write pages into it directly (``write``), so that pages need not travel to the parent; the
    build removes it (``discard``) when it fails."""

    def __init__(self, out: Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        self.written: dict[str, str] = {}  # site path -> digest, of the files the workers wrote

    def write(self, rel: str, data: bytes) -> str:
        """Write one file (in a worker); returns its digest for the manifest."""
        if rel.startswith(("/", "../")) or "/../" in rel or rel == MARKER:
            raise OutputError(f"refusing to write outside the output folder: {rel!r}")
        dest = self.path / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        return _digest(data)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


_COPY_MEMO: dict[tuple[str, int, int], str] = {}


def _copy_digest(path: Path) -> str:
    """Content digest of a copied file (memoised by size and mtime within one process)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _COPY_MEMO:
        _COPY_MEMO[key] = _digest(path.read_bytes())
    return _COPY_MEMO[key]


def _fresh(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
           staged: Staging | None = None) -> EmitStats:
    """Write the whole site aside (into ``staged`` when pages are there already), then swap it in."""
    if staged is None:
        staged = Staging(out)
    staging = staged.path
    manifest: dict[str, str] = {}
    try:
        for folder in sorted({posixpath.dirname(rel) for rel in files}):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        manifest.update(_digests(files, write_to=staging))
        for rel, src in copies.items():
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            manifest[rel] = _copy_digest(src)
        manifest.update(staged.written)
        (staging / MARKER).write_bytes(_manifest_bytes(manifest))
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        staged.discard()
        raise
    return EmitStats(sorted(manifest), [], 0)


def _write_atomic(dest: Path, data: bytes | Path) -> None:
    """``data`` (bytes, or a file to copy) into ``dest`` through a temporary file and a rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    if isinstance(data, Path):
        shutil.copyfile(data, tmp)
    else:
        tmp.write_bytes(data)
    os.replace(tmp, dest)


def _update_in_place(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
                     keep: set[str]) -> EmitStats:
    previous = read_manifest(out)
    manifest: dict[str, str] = {rel: previous[rel] for rel in keep if rel in previous}
    written: list[str] = []
    unchanged = 0
    digests = _digests(files)
    pending = [(rel, data, digests[rel]) for rel, data in files.items()]
    pending += [(rel, src, _copy_digest(src)) for rel, src in copies.items()]
    for rel, data, digest in pending:
        manifest[rel] = digest
        if previous.get(rel) == digest and (out / rel).is_file():
            unchanged += 1
            continue
        _write_atomic(out / rel, data)
        written.append(rel)
    deleted = []
    for rel in sorted(set(previous) - set(manifest)):
        path = out / rel
        if path.is_file():
            path.unlink()
            deleted.append(rel)
            _prune_empty(path.parent, out)
    _write_atomic(out / MARKER, _manifest_bytes(manifest))
    return EmitStats(sorted(written), deleted, unchanged)


def _prune_empty(folder: Path, top: Path) -> None:
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
