"""The filesystem side of a worker child: a mirror of the vault and an audit hook guarding it.

Loaded by ``worker.py`` from its own folder (standard library only).  The mirror makes relative
paths in user code read the vault; the guard records what was read and keeps writes out of it.
"""

from __future__ import annotations

import os
import shutil

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

EAGER_ENTRIES = 2000  # entries of the note's own folder tree mirrored up front


def mirror(vault_root: str, overlay: str, folder: str) -> str:
    """A stand-in for the vault made of real folders and symlinks; returns the note's folder.

    The folders from the vault root down to the note's folder are real, and so is the note's
    folder tree (up to ``EAGER_ENTRIES`` entries); everything else is a symlink to the vault,
    file or folder.  Reads go through the symlinks; before any write ``_Guard`` turns the
    symlinked folders on the way into real ones and replaces a symlinked file by a copy, so
    nothing the code writes lands in the vault.  Dot-entries (.obsidian, .git) are left out.
    """
    root = os.path.realpath(vault_root)
    chain = [part for part in folder.split("/") if part]
    budget = [EAGER_ENTRIES]
    src, dst = root, overlay
    os.makedirs(dst, exist_ok=True)
    for depth in range(len(chain) + 1):
        following = chain[depth] if depth < len(chain) else None
        _fill(src, dst, skip=following, eager=following is None, budget=budget)
        if following is None:
            break
        src, dst = os.path.join(src, following), os.path.join(dst, following)
        os.makedirs(dst, exist_ok=True)
    return dst


def _fill(src: str, dst: str, skip: str | None, eager: bool, budget: list[int]) -> None:
    try:
        entries = list(os.scandir(src))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name == skip:
            continue
        target = os.path.join(dst, entry.name)
        if eager and budget[0] > 0 and entry.is_dir(follow_symlinks=False):
            budget[0] -= 1
            os.mkdir(target)
            _fill(entry.path, target, None, True, budget)
        else:
            budget[0] -= 1
            os.symlink(entry.path, target)


def _materialize(link: str) -> None:
    """Turn a symlink to a vault folder into a real folder of symlinks (one level)."""
    source = os.path.realpath(link)
    os.unlink(link)
    os.mkdir(link)
    _fill(source, link, None, False, [0])


class Guard:
    """Audit hook: records files read from the vault and keeps writes out of it."""

    def __init__(self, vault: str, overlay: str) -> None:
        self.vault = vault + os.sep
        self.overlay = overlay + os.sep
        self.reads: set[str] = set()
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
        elif event in _MUTATING:
            self.busy = True
            try:
                for path in _MUTATING[event](args):
                    self._protect(path, keep=event in _FOLLOWING, follow=event in _FOLLOWING,
                                  whole=event in _FOLLOWING or event == "shutil.rmtree")
            finally:
                self.busy = False

    def _record(self, path: object) -> None:
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if real.startswith(self.vault):
            self.reads.add(real[len(self.vault):].replace(os.sep, "/"))

    def _protect(self, path: object, keep: bool, follow: bool = True,
                 whole: bool = False) -> None:
        try:
            path = os.path.abspath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if path.startswith(self.overlay):
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


def _one(args: tuple) -> list:
    return [args[0]]


_MUTATING = {
    "os.remove": _one, "os.rmdir": _one, "os.mkdir": _one, "os.truncate": _one,
    "os.chmod": _one, "os.chown": _one, "os.utime": _one, "shutil.rmtree": _one,
    "os.rename": lambda a: [a[0], a[1]], "os.link": lambda a: [a[1]],
    "os.symlink": lambda a: [a[1]],
}
_FOLLOWING = frozenset({"os.truncate", "os.chmod", "os.chown", "os.utime"})
