"""The filesystem side of a worker child: a mirror of the vault and an audit hook guarding it.

Loaded by ``worker.py`` from its own folder (standard library only).  The mirror makes relative
paths in user code read the vault; the guard records what was read and keeps writes out of it.
"""

from __future__ import annotations

import os
import shutil
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

EAGER_ENTRIES = 5000  # folders and files mirrored as real entries (the rest: folder symlinks)
COPY_TOTAL = 32 << 20  # bytes of the vault's data files copied into a note's mirror
COPY_FILE = 16 << 20  # a bigger file is symlinked (a subprocess could write through the link)
# symlinked, never copied: notes and media, what vaults are mostly made of and code rarely writes
# (copying 64 MB of pasted images cost 0.6 s per note; see the README's measurements)
LINKED_SUFFIXES = (".md", ".canvas", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp",
                   ".pdf", ".mp3", ".mp4", ".m4a", ".wav", ".ogg", ".webm", ".mov", ".excalidraw")

COPIED: set[str] = set()  # vault paths copied into the mirror: reading one is reading the vault


def mirror(vault_root: str, overlay: str, folder: str) -> str:
    """A stand-in for the vault made of real folders, copies and symlinks; returns the note's folder.

    Folders are real (the note's folder tree first, then the folders around it, up to
    ``EAGER_ENTRIES`` entries; beyond that a folder is a symlink).  Data files (anything but a
    note) are *copied*, nearest first, up to ``COPY_FILE`` bytes each and ``COPY_TOTAL`` in all,
    so a subprocess, sqlite or any C library that writes to them changes the copy, not the vault.
    Notes and files over the budget are symlinks; before a write through Python ``Guard`` replaces
    a symlinked file by a copy.  What still reaches the vault (a write through a symlink from C
    code, an absolute path) is detected by the build (``exec-wrote-vault``).  Dot-entries
    (.obsidian, .git) are left out.
    """
    root = os.path.realpath(vault_root)
    chain = [part for part in folder.split("/") if part]
    budget = [EAGER_ENTRIES, COPY_TOTAL]
    COPIED.clear()
    levels = [(root, overlay, "")]
    for part in chain:
        src, dst, rel = levels[-1]
        levels.append((os.path.join(src, part), os.path.join(dst, part), rel + part + "/"))
    for _, dst, _ in levels:
        os.makedirs(dst, exist_ok=True)
    # the note's folder tree first, then each enclosing folder's other entries, nearest first
    for depth in range(len(levels) - 1, -1, -1):
        src, dst, rel = levels[depth]
        skip = chain[depth] if depth < len(chain) else None
        _fill(src, dst, rel, skip, budget, eager=depth == len(chain))
    return levels[-1][1]


def _fill(src: str, dst: str, rel: str, skip: str | None, budget: list[int],
          eager: bool) -> None:
    """Mirror ``src``'s entries into ``dst``.  ``eager``: every subfolder real (the note's own
    tree); otherwise only subfolders holding data files to copy (a symlink costs about as much
    as a small copy on some disks: a folder of pasted images stays one link)."""
    try:
        entries = sorted(os.scandir(src), key=lambda e: (e.is_dir(), e.name))
    except OSError:
        return
    folders = []
    for entry in entries:  # files of this folder before its subfolders' (nearest data first)
        if entry.name.startswith(".") or entry.name == skip:
            continue
        target = os.path.join(dst, entry.name)
        budget[0] -= 1
        if (budget[0] > 0 and entry.is_dir(follow_symlinks=False)
                and (eager or _has_data(entry.path, budget[1]))):
            os.mkdir(target)
            folders.append((entry, target))
            continue
        if budget[0] > 0 and _copy(entry, target, budget):
            COPIED.add(rel + entry.name)
        else:
            os.symlink(entry.path, target)
    for entry, target in folders:
        _fill(entry.path, target, rel + entry.name + "/", None, budget, eager)


def _has_data(folder: str, room: int, depth: int = 0) -> bool:
    """Does ``folder`` hold a file ``_copy`` would copy (within ``room`` bytes)?"""
    if room <= 0 or depth > 8:
        return False
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                if _has_data(entry.path, room, depth + 1):
                    return True
            elif (entry.is_file(follow_symlinks=False)
                  and not entry.name.lower().endswith(LINKED_SUFFIXES)
                  and entry.stat(follow_symlinks=False).st_size <= min(room, COPY_FILE)):
                return True
        except OSError:
            continue
    return False


def _copy(entry: os.DirEntry, target: str, budget: list[int]) -> bool:
    if entry.name.lower().endswith(LINKED_SUFFIXES):
        return False
    try:
        if not entry.is_file(follow_symlinks=False):
            return False
        size = entry.stat(follow_symlinks=False).st_size
        if size > COPY_FILE or size > budget[1]:
            return False
        shutil.copy2(entry.path, target)
    except OSError:
        return False
    budget[1] -= size
    return True


def _materialize(link: str) -> None:
    """Turn a symlink to a vault folder into a real folder of symlinks (one level)."""
    source = os.path.realpath(link)
    os.unlink(link)
    os.mkdir(link)
    for entry in os.scandir(source):
        if not entry.name.startswith("."):
            os.symlink(entry.path, os.path.join(link, entry.name))


class Guard:
    """Audit hook: records files read from the vault and keeps writes out of it."""

    def __init__(self, vault: str, overlay: str) -> None:
        self.vault = vault + os.sep
        self.overlay = overlay + os.sep
        self.reads: set[str] = set()
        self.looked_at: set[str] = set()  # the paths ``os.stat`` was asked about
        self.busy = False

    def __call__(self, event: str, args: tuple) -> None:
        if self.busy:
            return
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or path is None:
                return
            writing = (any(c in mode for c in "wax+") if isinstance(mode, str)
                       else bool(flags & _WRITE_FLAGS))
            self.busy = True
            try:
                if writing:
                    self._protect(path, keep=not (isinstance(mode, str) and "w" in mode))
                else:
                    self._record(path)
            finally:
                self.busy = False
        elif event in _LISTING:
            path = args[0] if args else None
            if event.startswith("glob."):  # the folder part before the first wildcard
                path = _glob_root(path)
            if isinstance(path, int) or _from_import_system():
                return
            self.busy = True
            try:
                self._record(path if path is not None else ".", folder=True)
            finally:
                self.busy = False
        elif event == "sqlite3.connect":  # sqlite reads the file in C: no "open" event
            database = args[0] if args else None
            if isinstance(database, (bytes, os.PathLike)):
                database = os.fsdecode(database)
            if isinstance(database, str) and database and not database.startswith(":memory:"):
                if database.startswith("file:"):
                    database = database[5:].partition("?")[0]
                self.busy = True
                try:
                    self._record(database)
                finally:
                    self.busy = False
        elif event in _MUTATING:
            self.busy = True
            try:
                for path in _MUTATING[event](args):
                    self._protect(path, keep=event in _FOLLOWING, follow=event in _FOLLOWING,
                                  whole=event in _FOLLOWING or event == "shutil.rmtree")
            finally:
                self.busy = False

    def observe_stats(self) -> None:
        """Record the vault files the code looks at without opening them: ``os.path.exists``,
        ``isfile``, ``getsize``, ``Path.exists()``, ``os.stat`` (Python raises no audit event for
        a stat, so ``os.stat`` and ``os.lstat``, which all of those call, are wrapped in this
        process).  A file that is there is a dependency as a read one is; one that is not, as a
        failed open is: once it appears, the note runs again.  A folder is none (the folders on
        the way to every path are looked at, by ``Path.resolve()`` too)."""
        for name in ("stat", "lstat"):
            original = getattr(os, name)
            if getattr(original, "_vaultsite_observed", False):
                continue
            setattr(os, name, self._observed(original))

    def _observed(self, original):  # takes and gives what os.stat does
        def stat(path, *args, **kwargs):
            try:
                return original(path, *args, **kwargs)
            finally:
                if not self.busy and kwargs.get("dir_fd") is None and not isinstance(path, int):
                    self.busy = True
                    try:
                        self._record_stat(path)
                    finally:
                        self.busy = False

        stat._vaultsite_observed = True  # type: ignore[attr-defined]
        stat.__doc__, stat.__name__ = original.__doc__, original.__name__
        return stat

    def _record_stat(self, path: object) -> None:
        try:
            where = os.path.abspath(os.fsdecode(path))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        if where in self.looked_at or not (where + os.sep).startswith((self.overlay, self.vault)):
            return  # only paths of the vault or its mirror (the mirror's links lead to it)
        self.looked_at.add(where)  # a loop over the same files resolves each path once
        if not os.path.isdir(where):
            self._record(where)

    def _record(self, path: object, folder: bool = False) -> None:
        """A read of a vault file; ``folder``: a listing, recorded as ``"rel/"`` (root: ``"/"``)."""
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if folder:
            for base in (self.vault, self.overlay):
                if real + os.sep == base or real.startswith(base):
                    rel = real[len(base):].replace(os.sep, "/")
                    # a folder not there yet counts too: once made, the listing is another
                    if os.path.isdir(os.path.join(self.vault, rel)) or not os.path.lexists(real):
                        self.reads.add(rel + "/" if rel else "/")
                    return
            return
        if real.startswith(self.vault):
            self.reads.add(real[len(self.vault):].replace(os.sep, "/"))
        elif real.startswith(self.overlay):  # a copy of a vault file is the vault file
            rel = real[len(self.overlay):].replace(os.sep, "/")
            # a file not there to read is a dependency too: the open fails, and once the file
            # is put into the vault the note must run again, not show its cached traceback;
            # but not a dot-file (``.env``), which the mirror never has: the code never sees it,
            # and its dependency would find it there in every build and run the note again
            if (rel in COPIED or not os.path.lexists(real)) and not _dotted(rel):
                self.reads.add(rel)

    def _protect(self, path: object, keep: bool, follow: bool = True,
                 whole: bool = False) -> None:
        try:
            path = os.path.abspath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if path.startswith(self.overlay):
            COPIED.discard(path[len(self.overlay):].replace(os.sep, "/"))  # now the code's own
            self._real_folders(path, whole)
            if not os.path.islink(path) or not follow:
                return  # removing or renaming a link itself is harmless
            target = os.path.realpath(path)
            if target.startswith(self.vault):  # copy on write: the vault file stays untouched
                os.unlink(path)
                if keep:
                    shutil.copyfile(target, path)
            return
        where = os.path.realpath(os.path.dirname(path))
        if (where + os.sep).startswith(self.vault) or where + os.sep == self.vault:
            raise PermissionError(f"vaultsite: code may not change files in the vault ({path}); "
                                  "use a relative path to write into the working folder")


    def _real_folders(self, path: str, whole: bool) -> None:
        """Make every folder on the way to ``path`` real (and ``path`` itself if ``whole``)."""
        parts = path[len(self.overlay):].split(os.sep)
        current = self.overlay.rstrip(os.sep)
        for i, part in enumerate(parts):
            current = os.path.join(current, part)
            last = i == len(parts) - 1
            if last and not whole:
                return
            if os.path.islink(current) and os.path.isdir(current):
                _materialize(current)
            elif not os.path.isdir(current):
                return


def _dotted(rel: str) -> bool:
    """Is ``rel`` (a vault path) in a dot-folder or a dot-file, which the mirror leaves out?"""
    return any(part.startswith(".") for part in rel.split("/"))


_LISTING = frozenset({"os.listdir", "os.scandir", "glob.glob", "glob.glob/2"})
_MAGIC = ("*", "?", "[")


def _glob_root(pattern: object) -> object:
    if not isinstance(pattern, (str, bytes)):
        return None
    text = os.fsdecode(pattern)
    cut = min((i for i in (text.find(m) for m in _MAGIC) if i >= 0), default=-1)
    if cut < 0:
        return None  # no wildcard: glob only checks that the path exists
    return os.path.dirname(text[:cut]) or "."


def _from_import_system() -> bool:
    """Is the listing the import system's (``sys.path`` scans), not the note's code?"""
    frame = sys._getframe(2)
    return frame is not None and frame.f_code.co_filename.startswith("<frozen importlib")


def _one(args: tuple) -> list:
    return [args[0]]


_MUTATING = {
    "os.remove": _one, "os.rmdir": _one, "os.mkdir": _one, "os.truncate": _one,
    "os.chmod": _one, "os.chown": _one, "os.utime": _one, "shutil.rmtree": _one,
    "os.rename": lambda a: [a[0], a[1]], "os.link": lambda a: [a[1]],
    "os.symlink": lambda a: [a[1]],
}
_FOLLOWING = frozenset({"os.truncate", "os.chmod", "os.chown", "os.utime"})
