"""The only code that writes into the output folder.

Safety rules:
* an output folder that exists, is not empty and has no ``.vaultsite-site`` marker was not made by
  vaultsite: the build refuses to touch it (``-o ~`` by mistake deletes nothing);
* a first build writes into a staging folder beside the output and swaps it into place, so a failed
  build leaves the previous site as it was;
* an existing empty output folder (``-o .``, a mount point) is filled entry by entry instead: it cannot
  always be renamed, and it keeps its permissions; nothing there is overwritten, and the marker comes
  last, so an interrupted fill is never taken for a site;
* later builds into a folder we made write only files whose bytes changed and delete only files that
  the previous build wrote and this one did not: where the folder holds only our files and the system
  can swap two folders in one step, the new site is made beside it (unchanged files as hard links)
  and swapped in, so a build killed at any moment leaves the old site or the new one; elsewhere each
  file is written aside and all are renamed in place once every one is written; a file there that the
  previous build did not write (put in by hand) is never replaced: the build stops first;
* a marker that lists a path vaultsite never writes (absolute, with a ``..`` segment or a NUL) was not
  written by vaultsite: the folder is foreign and refused.  Entries with a backslash are never deleted
  nor trusted, and nothing is deleted or written through a symbolic link that leads out of the folder.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import hashlib
import json
import os
import posixpath
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import file_stamp

MARKER = ".vaultsite-site"


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


@dataclass
class EmitStats:
    written: list[str]
    deleted: list[str]
    unchanged: int
    # files that could not be written (site path, why): one page's OSError (a name too long for
    # the file system, a path past its limit) leaves that page out, never the rest of the site
    failed: list[tuple[str, str]] = field(default_factory=list)
    # of those, the files the previous build wrote: their previous version stays in the site
    kept: list[str] = field(default_factory=list)


# What ``Staging.write`` returns, instead of a digest, for a page it could not write, and for a
# page it could not write because the output's file system is full.
FAILED = "!failed: "
FULL = "!full: "

# Errors of the output's whole file system rather than of one page (the disk or the quota is full):
# the build stops and the previous site stays as it was, instead of a site with pages missing
# taking its place (or the previous pages that could not be replaced being deleted).
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _failure(exc: OSError) -> str:
    return (FULL if exc.errno in _FULL_ERRNOS else FAILED) + _why(exc)


def _full(rel: str, why: str) -> OutputError:
    return OutputError(f"could not write {rel} into the output folder ({why}); the build stopped and "
                       "the previous site, if any, is left as it was (free some space and build again)")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# Digests of the last emit's data files, by object: ``serve`` hands the same bytes objects again for
# data files that did not change (tens of megabytes of search and preview data), and bytes never
# change.  Each entry holds its object, so an id is never reused while it is here.
_LAST_DIGESTS: dict[int, tuple[bytes, str]] = {}


def _digests(files: Mapping[str, bytes], write_to: Path | None = None,
             failed: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """The digest of every file, and with ``write_to`` each file written under it, in threads
    (hashing and writing release the interpreter lock).  A file that cannot be written goes into
    ``failed`` and out of the result."""
    global _LAST_DIGESTS
    last = _LAST_DIGESTS

    def one(item: tuple[str, bytes]) -> str:
        rel, data = item
        if write_to is not None:
            try:
                (write_to / rel).write_bytes(data)
            except OSError as exc:
                return _failure(exc)
        hit = last.get(id(data))
        return hit[1] if hit is not None and hit[0] is data else _digest(data)

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(one, files.items()))
    # Only the site's own files (search, previews, assets: all under "_") are handed over again;
    # remembering every page would keep hundreds of megabytes alive in ``serve``.
    _LAST_DIGESTS = {id(data): (data, d) for (rel, data), d in zip(files.items(), found, strict=True)
                     if rel.startswith("_")}
    digests = {}
    for rel, digest in zip(files.keys(), found, strict=True):
        if digest.startswith(FULL):
            raise _full(rel, digest[len(FULL):])
        if digest.startswith(FAILED):
            if failed is not None:
                failed.append((rel, digest[len(FAILED):]))
        else:
            digests[rel] = digest
    return digests


def _never_written(rel: object) -> str | None:
    """Why a site path is one vaultsite never writes (it would lead out of the output folder, or
    onto the marker); None when it could be one of ours."""
    if not isinstance(rel, str) or not rel:
        return "an empty or non-text path"
    if "\0" in rel:
        return f"{rel!r}, a path with a NUL character"
    if rel.startswith("/") or os.path.isabs(rel) or os.path.splitdrive(rel)[0]:
        return f"{rel!r}, an absolute path"
    if ".." in rel.split("/") or (os.sep != "/" and ".." in rel.replace(os.sep, "/").split("/")):
        return f"{rel!r}, a path out of the folder"
    if rel == MARKER:
        return f"{rel!r}, the marker itself"
    return None


def _check_write(rel: str) -> None:
    problem = _never_written(rel)
    if problem is None and os.sep == "\\" and "\\" in rel:
        problem = f"{rel!r}, a path with a backslash"
    if problem is not None:
        raise OutputError(f"refusing to write outside the output folder: {problem}")


def _load_marker(out: Path) -> tuple[dict[str, str], str | None]:
    """The manifest's trusted entries, and why the marker was not written by vaultsite (None when
    it may have been).  Entries with a backslash are left out: vaultsite writes such names (a file
    ``a\\b.png`` of the vault), but they mean another path to other systems, so they are never
    deleted nor trusted."""
    try:
        data = json.loads((out / MARKER).read_bytes().decode("utf-8"))
    except OSError as exc:
        return {}, f"it cannot be read: {exc.strerror or exc}"
    except ValueError:
        return {}, "it is not vaultsite's JSON"
    if not isinstance(data, dict) or data.get("generator") != "vaultsite":
        return {}, "it is not vaultsite's"
    files = data.get("files", {})
    if not isinstance(files, dict):
        return {}, "its file list is not one"
    for rel, digest in files.items():
        problem = _never_written(rel)
        if problem is None and not isinstance(digest, str):
            problem = f"{rel!r} without a digest"
        if problem is not None:
            return {}, f"it lists {problem}"
    return {rel: digest for rel, digest in files.items() if "\\" not in rel}, None


def _foreign_marker(out: Path, problem: str) -> OutputError:
    return OutputError(
        f"output folder {out} has a {MARKER} marker that vaultsite did not write ({problem}); "
        "refusing to touch it (choose an empty or new folder with -o, or empty it yourself)")


def check_output(out: Path, vault: Path, cache: Path | None = None) -> None:
    """Refuse an output folder that cannot be used safely, saying why and what to do.  ``cache``:
    the build's cache folder, which must not be inside the site (it holds the text of every note,
    drafts and ignored notes included, and the machine's paths: deployed with the site, it would
    publish them)."""
    if os.path.islink(out) and not os.path.exists(out):
        raise OutputError(f"output path {out} is a symbolic link to {os.readlink(out)}, which does "
                          "not exist; make that folder, or choose another with -o")
    out = out.resolve()
    vault = vault.resolve()
    home = Path.home().resolve()
    if out == vault or vault.is_relative_to(out):
        raise OutputError(f"output folder {out} contains the vault; choose another folder with -o")
    if cache is not None and cache.resolve().is_relative_to(out):
        raise OutputError(
            f"the cache folder {cache.resolve()} is inside the output folder {out}, so the site would "
            "publish it (it holds the text of every note, drafts included); set [execute] cache_dir "
            "in vaultsite.toml to a folder outside the output folder, or leave it unset")
    if out in (home, Path(out.anchor)):
        raise OutputError(f"refusing to use {out} as the output folder; choose a new folder with -o")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} exists and is not a folder; choose a folder "
                          "with -o")
    _check_writable(out)
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise OutputError(
            f"output folder {out} is not empty and was not made by vaultsite; refusing to overwrite "
            "it (choose an empty or new folder with -o, or empty it yourself)")
    if out.is_dir() and (out / MARKER).is_file():
        problem = _load_marker(out)[1]
        if problem is not None:
            raise _foreign_marker(out, problem)


def _ended(pid: str) -> bool:
    """Whether the process ``pid`` (as written in a name) has ended; False when unsure."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # someone else's process: alive
        return False
    return False


def _staging_prefixes(out: Path) -> list[tuple[Path, str]]:
    """Where a build of ``out`` stages a new site, as (folder, name prefix); the process id and a
    random part follow the prefix."""
    return [(out.parent, f".{out.name}.staging-"), (out, ".vaultsite-staging-")]


def remove_stale_staging(out: Path) -> None:
    """Remove the staging folders that builds of ``out`` killed midway (``kill -9``, a closed
    terminal, a power cut) left beside it, or inside it when it is an empty folder: each is named
    with its build's process id, and only those whose process has ended are removed."""
    out = Path(os.path.abspath(out))
    for folder, prefix in _staging_prefixes(out):
        try:
            names = [n for n in os.listdir(folder) if n.startswith(prefix)]
        except OSError:
            continue
        for name in names:
            pid = name[len(prefix):].split("-", 1)[0]
            path = folder / name
            if _ended(pid) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


# A file written aside inside the site before it is renamed to its name (``_write_atomic``,
# ``_update_in_place``): ``.name.vaultsite-tmp-<process id>``, a name that says whose it is.  Until
# session 12 it was ``.name.tmp-<process id>``: such a leftover is removed only beside a name the
# site has, since a file of the user's may be named so.
_ASIDE = re.compile(r"\..+\.vaultsite-tmp-(\d+)")
_OLD_ASIDE = re.compile(r"\.(.+)\.tmp-(\d+)")


def _aside_name(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.vaultsite-tmp-{os.getpid()}")


def _remove_stale_asides(inside: _Inside, names: Iterable[str]) -> None:
    """Remove the files a killed build wrote aside and never renamed: anywhere in the site (also
    beside a page no build writes any more: its note was deleted), each one whose process has
    ended; never anything else (not what a link in the site leads to, not a folder).  Old-style
    leftovers only beside the site files ``names``."""
    for folder, _dirs, entries in os.walk(inside.top):  # links to folders are not followed
        for entry in entries:
            m = _ASIDE.fullmatch(entry)
            path = Path(folder) / entry
            if m and _ended(m.group(1)) and _is_regular_file(path):
                with contextlib.suppress(OSError):
                    os.unlink(path)
    by_folder: dict[str, set[str]] = {}
    for rel in names:
        by_folder.setdefault(posixpath.dirname(rel), set()).add(posixpath.basename(rel))
    for folder, bases in by_folder.items():
        real = inside.folder(f"{folder}/x" if folder else "x")
        try:
            entries = os.listdir(real) if real is not None else []
        except OSError:
            continue
        for entry in entries:
            m = _OLD_ASIDE.fullmatch(entry)
            if m and m.group(1) in bases and _ended(m.group(2)):
                with contextlib.suppress(OSError):
                    os.unlink(real / entry)


def _check_writable(out: Path) -> None:
    """Can a folder be made where the site goes?  Tried for real (a permission test says nothing
    for root, or on /proc, or on a read-only mount): a folder is made and removed in ``out`` when
    it exists, else in its nearest existing parent."""
    where = out
    while not where.exists() and where != where.parent:
        where = where.parent
    if not where.is_dir():
        raise OutputError(f"cannot make the output folder {out}: {where} is not a folder")
    try:
        probe = tempfile.mkdtemp(prefix=".vaultsite-probe-", dir=where)
        os.rmdir(probe)
    except OSError as exc:
        raise OutputError(f"cannot write the output folder {out} ({exc.strerror or exc}); "
                          "choose another folder with -o") from exc


def read_manifest(out: Path) -> dict[str, str]:
    """The files the marker lists that vaultsite may trust (none when the marker is foreign)."""
    files, problem = _load_marker(out)
    return files if problem is None else {}


def site_stamps(out: Path, rels: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Size and modification time (ns) of each regular file ``rels`` names in ``out``: recorded after
    a build, compared before the next, they tell which files still hold what that build wrote."""
    stamps: dict[str, tuple[int, int]] = {}
    for rel in rels:
        try:
            st = os.lstat(out / rel)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            stamps[rel] = (st.st_size, st.st_mtime_ns)
    return stamps


def _manifest_bytes(files: Mapping[str, str]) -> bytes:
    return (json.dumps({"generator": "vaultsite", "files": dict(sorted(files.items()))},
                       indent=0, ensure_ascii=False) + "\n").encode("utf-8")


def emit_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
              keep: set[str] = frozenset(), staged: Staging | None = None,
              intact: Collection[str] | None = None) -> EmitStats:
    """Make ``out`` hold exactly ``files`` (bytes), ``copies`` (files copied from the vault), the
    files in ``keep`` as the previous build wrote them, and what was written into ``staged``.
    ``intact``: the files of ``out`` known to hold what the manifest says (``site_stamps``); a
    file outside it is written even when its manifest digest matches (edited by hand, or a copy
    of an older site put in place).  None trusts every regular file the manifest lists."""
    for rel in list(files) + list(copies):
        _check_write(rel)
    if (out / MARKER).is_file():
        if staged is not None:  # another build (or ``serve``) made the site meanwhile
            raise OutputError(f"output folder {out} was written by another build while this one ran; "
                              "this build changed nothing in it (build again, one build at a time)")
        return _update_in_place(out, files, copies, keep, intact)
    if keep:  # the site this build would update was removed meanwhile
        raise OutputError(f"output folder {out} was removed or emptied while this build ran; this "
                          "build wrote nothing (build again)")
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
        out = Path(os.path.abspath(out))  # ``-o .``: beside the folder, not inside it
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            path = tempfile.mkdtemp(prefix=f".{out.name}.staging-{os.getpid()}-", dir=out.parent)
        except OSError:
            if not _is_empty_dir(out):
                raise
            # An empty folder whose parent we may not write (a mount point): staged inside it.
            path = tempfile.mkdtemp(prefix=f".vaultsite-staging-{os.getpid()}-", dir=out)
        self.path = Path(path)
        # mkdtemp makes its folder 0700; the site's folder gets what mkdir gives under the umask.
        probe = self.path / ".mode"
        probe.mkdir()
        self.mode = stat.S_IMODE(probe.stat().st_mode)
        probe.rmdir()
        self.written: dict[str, str] = {}  # site path -> digest, of the files the workers wrote

    def write(self, rel: str, data: bytes) -> str:
        """Write one file (in a worker); returns its digest for the manifest."""
        _check_write(rel)
        dest = self.path / rel
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        except OSError as exc:  # reported by ``emit_site``; the other pages go on
            return _failure(exc)
        return _digest(data)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


_COPY_MEMO: dict[tuple[str, int, int, int, int], str] = {}


def _copy_digest(path: Path) -> str:
    """Content digest of a copied file (memoised by size, inode and times within one process)."""
    st = path.stat()
    key = (str(path), *file_stamp(st))
    if key not in _COPY_MEMO:
        _COPY_MEMO[key] = _file_digest(path)
    return _COPY_MEMO[key]


def _file_digest(path: Path) -> str:
    """``_digest`` of a file's bytes, read in pieces (an attachment may be a video of gigabytes)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def _is_empty_dir(path: Path) -> bool:
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _move_entry(src: Path, dest: Path) -> None:
    """Move one staged file or folder to its place (copied when on another file system)."""
    try:
        os.rename(src, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        if src.is_dir() and not src.is_symlink():
            shutil.copytree(src, dest)
            shutil.rmtree(src)
        else:
            shutil.copyfile(src, dest)
            src.unlink()


def _remove_moved(path: Path) -> None:
    """Take back an entry this build moved in (a link is removed, never followed)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif os.path.lexists(path):
            path.unlink()
    except OSError:
        pass


def _fill(out: Path, staging: Path, marker: bytes) -> None:
    """Move the staged site into the existing folder ``out`` entry by entry (a folder that cannot be
    renamed: ``-o .``, a mount point), without overwriting anything; the marker comes last, so an
    interrupted fill is never mistaken for a site.  A fill that fails takes back what it moved."""
    names = sorted(name for name in os.listdir(staging) if name != MARKER)
    taken = [name for name in [*names, MARKER] if os.path.lexists(out / name)]
    if taken:
        raise OutputError(f"output folder {out} already holds {taken[0]!r}, which the site would "
                          "replace; refusing to overwrite it (empty the folder or choose another)")
    moved: list[str] = []
    try:
        for name in names:
            moved.append(name)
            _move_entry(staging / name, out / name)
        _write_atomic(out / MARKER, marker)
    except BaseException:
        for name in reversed(moved):
            _remove_moved(out / name)
        raise


def _fresh(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
           staged: Staging | None = None) -> EmitStats:
    """Write the whole site aside (into ``staged`` when pages are there already), then swap it in:
    a new folder takes the output's place; an existing (empty) folder is filled entry by entry."""
    out = Path(os.path.abspath(out))
    if staged is None:
        staged = Staging(out)
    staging = staged.path
    manifest: dict[str, str] = {}
    failed: list[tuple[str, str]] = []
    try:
        for folder in sorted({posixpath.dirname(rel) for rel in files}):
            try:
                (staging / folder).mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # its files fail and are reported one by one
        manifest.update(_digests(files, write_to=staging, failed=failed))
        for rel, src in copies.items():
            dest = staging / rel
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
            except OSError as exc:
                if exc.errno in _FULL_ERRNOS:
                    raise _full(rel, _why(exc)) from exc
                failed.append((rel, _why(exc)))
                continue
            manifest[rel] = _copy_digest(src)
        for rel, digest in staged.written.items():
            if digest.startswith(FULL):
                raise _full(rel, digest[len(FULL):])
            if digest.startswith(FAILED):
                failed.append((rel, digest[len(FAILED):]))
            else:
                manifest[rel] = digest
        if out.is_dir():
            _fill(out, staging, _manifest_bytes(manifest))
            staged.discard()
        elif os.path.lexists(out):
            raise OutputError(f"output path {out} exists and is not a folder")
        else:
            (staging / MARKER).write_bytes(_manifest_bytes(manifest))
            os.chmod(staging, staged.mode)
            os.rename(staging, out)  # fails rather than replace a folder made meanwhile, if not empty
    except BaseException:
        staged.discard()
        raise
    return EmitStats(sorted(manifest), [], 0, sorted(failed))


def _write_atomic(dest: Path, data: bytes | Path) -> None:
    """``data`` (bytes, or a file to copy) into ``dest`` through a temporary file and a rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _aside_name(dest)
    try:
        if isinstance(data, Path):
            shutil.copyfile(data, tmp)
        else:
            tmp.write_bytes(data)
        os.replace(tmp, dest)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class _Inside:
    """Where a site path really is, after the symbolic links of its folders; None when that is
    outside the output folder (a link in the site pointing elsewhere)."""

    def __init__(self, out: Path):
        self.top = out.resolve()
        self._folders: dict[str, Path | None] = {}

    def folder(self, rel: str) -> Path | None:
        parent = posixpath.dirname(rel)
        if parent not in self._folders:
            real = (self.top / parent).resolve()
            self._folders[parent] = real if real.is_relative_to(self.top) else None
        return self._folders[parent]

    def path(self, rel: str) -> Path | None:
        folder = self.folder(rel)
        name = posixpath.basename(rel)
        return None if folder is None or name in ("", ".", "..") else folder / name


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _update_in_place(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path],
                     keep: set[str], intact: Collection[str] | None = None) -> EmitStats:
    previous, problem = _load_marker(out)
    if problem is not None:
        raise _foreign_marker(out, problem)
    inside = _Inside(out)
    manifest: dict[str, str] = {rel: previous[rel] for rel in keep if rel in previous}
    written: list[str] = []
    unchanged = 0
    digests = _digests(files)
    pending = [(rel, data, digests[rel]) for rel, data in files.items()]
    pending += [(rel, src, _copy_digest(src)) for rel, src in copies.items()]
    outside = next((rel for rel, _, _ in pending if inside.path(rel) is None), None)
    if outside is not None:  # checked before anything is written: the site stays as it was
        raise OutputError(f"refusing to write {outside!r} through a symbolic link that leads out of "
                          f"the output folder {out}; remove the link")
    # A file put into the site by hand is never replaced (one named as a file of the previous
    # build but for letter case is that file on macOS and Windows: ours, deleted below).
    ours: set[str] | None = None  # made only when the site gets a new file
    for rel, _, digest in pending:
        if rel in previous or "\\" in rel:  # a backslash: never trusted nor listed, written as before
            continue
        if ours is None:
            ours = {old.casefold() for old in previous}
        if rel.casefold() not in ours and _foreign_file(inside.path(rel), digest):
            raise OutputError(
                f"output folder {out} holds {rel!r}, which vaultsite did not write and this build "
                "would replace; refusing to overwrite it (move the file out of the folder, or rename "
                "the note or file of the vault that makes it)")
    _remove_stale_asides(inside, [*previous, *(rel for rel, _, _ in pending), MARKER])
    if _only_ours(inside.top, previous):
        swapped = _update_by_swap(out, previous, manifest, pending, intact, unchanged)
        if swapped is not None:
            return swapped
    failed: list[tuple[str, str]] = []
    kept: list[str] = []
    # Every changed file is first written beside its place, then all are renamed into place: a
    # full disk stops the build while the previous site is still whole.
    ready: list[tuple[Path, Path, str, str]] = []  # (written aside, its place, site path, digest)
    made: list[Path] = []  # folders made for them
    try:
        for rel, data, digest in pending:
            dest = inside.path(rel)
            if previous.get(rel) == digest and (rel in intact if intact is not None
                                                else _is_regular_file(dest)):
                manifest[rel] = digest
                unchanged += 1
                continue
            tmp = _aside_name(dest)
            try:
                _make_folder(dest.parent, made)
                if isinstance(data, Path):
                    shutil.copyfile(data, tmp)
                else:
                    tmp.write_bytes(data)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                if exc.errno in _FULL_ERRNOS:
                    raise _full(rel, _why(exc)) from exc
                failed.append((rel, _why(exc)))
                if rel in previous:  # not replaced: what the previous build wrote stays, ours
                    manifest[rel] = previous[rel]
                    kept.append(rel)
                continue
            ready.append((tmp, dest, rel, digest))
    except BaseException:
        for tmp, *_ in ready:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    # New files are listed in the marker before they take their places, so that a build killed
    # while renaming leaves no file of the site that the next build would take for the user's.
    added = {rel: digest for _, _, rel, digest in ready if rel not in previous}
    if added:
        _write_atomic(out / MARKER, _manifest_bytes({**previous, **added}))
    # What this build no longer makes goes before the new files take their places: on a file
    # system that does not tell letter case apart (macOS, Windows), the old Alpha.html of a note
    # renamed alpha.md is the new alpha.html, and deleting it afterwards took the new page too.
    deleted = []
    for rel in sorted(set(previous) - set(manifest) - {rel for rel, _, _ in pending}):
        path = inside.path(rel)  # None: the folder is a link out of the site, so not ours to touch
        try:
            mode = os.lstat(path).st_mode if path is not None else 0
        except OSError:
            continue
        if stat.S_ISREG(mode) or stat.S_ISLNK(mode):  # a link goes itself, never what it points to
            path.unlink()
            deleted.append(rel)
            _prune_empty(path.parent, inside.top)
    for tmp, dest, rel, digest in ready:
        try:
            os.replace(tmp, dest)
        except OSError as exc:  # a folder in the file's place, say
            with contextlib.suppress(OSError):
                tmp.unlink()
            failed.append((rel, _why(exc)))
            if rel in previous:
                manifest[rel] = previous[rel]
                kept.append(rel)
            continue
        manifest[rel] = digest
        written.append(rel)
    _write_atomic(out / MARKER, _manifest_bytes(manifest))
    return EmitStats(sorted(written), deleted, unchanged, failed, sorted(kept))


def _only_ours(top: Path, previous: Mapping[str, str]) -> bool:
    """Whether the site folder ``top`` holds only what the previous build wrote (its files, their
    folders, the marker): then it may be replaced whole.  Anything else (a ``.git`` folder, a
    file or link put in by hand) stays where it is, so the site is updated in place instead."""
    folders = {""} | {posixpath.dirname(rel) for rel in previous}
    for rel in list(folders):  # every folder on the way
        while rel:
            rel = posixpath.dirname(rel)
            folders.add(rel)
    todo = [("", str(top))]
    while todo:
        rel_folder, path = todo.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if rel not in folders:
                            return False
                        todo.append((rel, entry.path))
                    elif rel != MARKER and (rel not in previous
                                            or not entry.is_file(follow_symlinks=False)):
                        return False
        except OSError:
            return False
    return True


def _update_by_swap(out: Path, previous: Mapping[str, str], manifest: dict[str, str],
                    pending: list[tuple[str, bytes | Path, str]],
                    intact: Collection[str] | None, unchanged: int) -> EmitStats | None:
    """The new site made whole beside ``out`` (the previous build's files that stay are hard
    links to them, not copies) and swapped with it in one step of the file system: a build
    killed at any moment leaves the old site or the new one, never pages of both.  None where the
    system cannot swap two folders (nothing was changed: the site is updated in place)."""
    out = Path(os.path.abspath(out))
    if _exchange is None or os.path.islink(out):  # a link to the site: it stays one, and leads
        return None  # to the same folder, updated in place
    try:
        staged = Staging(out)
    except OSError:
        return None
    staging = staged.path
    if staging.parent != out.parent:  # staged inside an empty folder: nothing to swap with
        staged.discard()
        return None
    written: list[str] = []
    failed: list[tuple[str, str]] = []
    kept: list[str] = []
    rels = {rel for rel, _, _ in pending} | manifest.keys()
    try:
        for folder in sorted({posixpath.dirname(rel) for rel in rels} - {""}):
            (staging / folder).mkdir(parents=True, exist_ok=True)  # each once, parents first
        for rel, data, digest in pending:
            dest = os.path.join(staging, rel)
            if previous.get(rel) == digest and (rel in intact if intact is not None
                                                else _is_regular_file(out / rel)):
                _link_or_copy(os.path.join(out, rel), dest)
                manifest[rel] = digest
                unchanged += 1
                continue
            try:
                if isinstance(data, Path):
                    shutil.copyfile(data, dest)
                else:
                    Path(dest).write_bytes(data)
            except OSError as exc:
                if exc.errno in _FULL_ERRNOS:
                    raise _full(rel, _why(exc)) from exc
                failed.append((rel, _why(exc)))
                if rel in previous:  # not replaced: what the previous build wrote stays
                    _link_or_copy(os.path.join(out, rel), dest)
                    manifest[rel] = previous[rel]
                    kept.append(rel)
                continue
            manifest[rel] = digest
            written.append(rel)
        for rel in manifest.keys() - {rel for rel, _, _ in pending}:  # kept as they were
            _link_or_copy(os.path.join(out, rel), os.path.join(staging, rel))
        (staging / MARKER).write_bytes(_manifest_bytes(manifest))
        os.chmod(staging, stat.S_IMODE(os.stat(out).st_mode))
        if not _exchange(staging, out):
            staged.discard()
            return None
    except OSError as exc:
        staged.discard()
        if exc.errno in _FULL_ERRNOS:
            raise _full(MARKER, _why(exc)) from exc
        raise
    except BaseException:
        staged.discard()
        raise
    # the previous site, now in the staging folder's place, is out of sight: removed while the
    # build goes on, and waited for at exit (a build killed first leaves it to the next, as any
    # staging folder)
    remover = threading.Thread(target=staged.discard, name="vaultsite-old-site")
    remover.start()
    if not _REMOVERS:
        atexit.register(_join_removers)
    _REMOVERS[:] = [t for t in _REMOVERS if t.is_alive()] + [remover]  # serve builds on and on
    deleted = sorted(set(previous) - set(manifest))
    return EmitStats(sorted(written), deleted, unchanged, failed, sorted(kept))


_REMOVERS: list[threading.Thread] = []


def _join_removers() -> None:
    """Wait for the removal of the sites swapped out (the CLI runs this before ``os._exit``)."""
    while _REMOVERS:
        _REMOVERS.pop().join()


def _link_or_copy(src: str, dest: str) -> None:
    """``dest`` as another name of the file ``src`` (its bytes and times, no copy), else a copy."""
    try:
        os.link(src, dest)
    except OSError as exc:
        if exc.errno in _FULL_ERRNOS:
            raise
        shutil.copy2(src, dest)


def _swapper():
    """The system call that swaps two folders in one step (Linux's ``renameat2`` with
    ``RENAME_EXCHANGE``, macOS's ``renamex_np`` with ``RENAME_SWAP``), as a function of two
    paths returning whether it swapped them (False: not on this file system); None elsewhere."""
    import ctypes
    import sys

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    if sys.platform.startswith("linux"):
        call = getattr(libc, "renameat2", None)

        def args(a: bytes, b: bytes) -> tuple:
            return (-100, a, -100, b, 2)  # AT_FDCWD, RENAME_EXCHANGE
    elif sys.platform == "darwin":
        call = getattr(libc, "renamex_np", None)

        def args(a: bytes, b: bytes) -> tuple:
            return (a, b, 2)  # RENAME_SWAP
    else:
        return None
    if call is None:
        return None

    def exchange(a: Path, b: Path) -> bool:
        if call(*args(os.fsencode(a), os.fsencode(b))) == 0:
            return True
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV, errno.EBUSY,
                   errno.EPERM):
            return False  # a file system (or a mount point) that cannot: updated in place
        raise OSError(err, os.strerror(err), str(b))

    return exchange


_exchange = _swapper()


def _foreign_file(path: Path, digest: str) -> bool:
    """Whether ``path`` holds something other than a site file of ``digest``: a file or link the
    user put there (a folder fails its write on its own, and is reported)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if stat.S_ISDIR(st.st_mode):
        return False
    if not stat.S_ISREG(st.st_mode):
        return True
    try:
        return _file_digest(path) != digest
    except OSError:
        return True


def _make_folder(folder: Path, made: list[Path]) -> None:
    """``folder`` and its missing parents; the ones made are added to ``made``, parents first."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _prune_empty(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents while empty, up to ``top`` (kept), never outside it."""
    top = top.resolve()
    folder = folder.resolve()  # reached through a link out of the site: outside, left alone
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
