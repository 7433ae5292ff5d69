"""Walk the vault: which files are notes, which are attachments, which are never published."""

from __future__ import annotations

import fnmatch
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import CONFIG_NAME, SiteConfig
from generator.diagnostics import Diagnostic, warning
from generator.model import SourceFile, VaultPath


@dataclass
class Vault:
    notes: list[SourceFile] = field(default_factory=list)
    attachments: list[SourceFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


UNREADABLE_HINT = ("make it readable by the user running vaultsite (check its permissions and "
                   "owner), or move it out of the vault")


def _ignored(rel: str, patterns: tuple[str, ...]) -> bool:
    for pat in patterns:
        if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(rel, pat.rstrip("/") + "/*"):
            return True
    return False


def discover_vault(cfg: SiteConfig, exclude: tuple[Path, ...] = ()) -> Vault:
    """Every note and attachment of the vault and its mounts, sorted by vault path.

    Dot-folders and dot-files, the template folder, ``vaultsite.toml``, ignore globs and anything in
    ``exclude`` (the output and cache folders) are skipped.  A symlink that points outside the vault is
    skipped with a warning: nothing outside the vault can reach the site.
    """
    vault = Vault()
    ignore = (*cfg.ignore, cfg.templates_dir, f"{cfg.templates_dir}/*")
    excluded = {p.resolve() for p in exclude}
    roots = [("", cfg.vault), *((name, real) for name, real in cfg.mounts)]
    seen: dict[str, str] = {}
    for prefix, root in roots:
        root = root.resolve()
        for rel, entry in _walk(root, excluded, vault.diagnostics, prefix):
            if rel == CONFIG_NAME or _ignored(rel, ignore):
                continue
            key = rel.casefold()
            first = seen.get(key)
            if first is not None:
                why = ("is the same path" if first == rel
                       else "differs from it only in letter case or accents")
                vault.diagnostics.append(warning(
                    "duplicate-path", f"{rel!r} is skipped: {first!r} {why}, and is published",
                    rel, hint="rename one of them: links, and Obsidian on macOS and Windows, "
                              "cannot tell them apart" if first != rel
                    else "a mount brings in a file the vault has; change `mounts` in "
                         "vaultsite.toml"))
                continue
            seen[key] = rel
            try:
                st = entry.stat()
            except OSError as exc:
                vault.diagnostics.append(warning("unreadable", f"cannot read file: {exc.strerror}",
                                                 rel, hint=UNREADABLE_HINT))
                continue
            kind = "note" if rel.lower().endswith(".md") else "attachment"
            src = SourceFile(VaultPath(rel), Path(entry.path), kind, f"{st.st_size}:{st.st_mtime_ns}",
                             st.st_size)
            (vault.notes if kind == "note" else vault.attachments).append(src)
    vault.notes.sort(key=lambda s: s.rel)
    vault.attachments.sort(key=lambda s: s.rel)
    return vault


def _walk(root: Path, excluded: set[Path], diags: list[Diagnostic], prefix: str):
    stack = [(root, prefix)]
    # Each real folder is walked once, by its own path: folders reached through a symbolic link
    # wait until the vault's own folders are walked, and one already walked (a link to a parent
    # would loop; a link to a sibling would publish its notes twice) is skipped.
    seen = {root.resolve()}
    linked: list[tuple[Path, str, Path]] = []
    while stack or linked:
        if not stack:
            folder, rel_folder, real = linked.pop(0)
            if real in seen:
                shown = real.relative_to(root).as_posix() if real != root else "the vault root"
                diags.append(warning(
                    "symlink-loop", f"symbolic link to a folder already published ({shown}); "
                    "skipped", rel_folder, hint="remove the link; the folder's notes are published "
                    "at their own path"))
                continue
            seen.add(real)
            stack.append((folder, rel_folder))
        folder, rel_folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            diags.append(warning("unreadable", f"cannot list folder: {exc.strerror}",
                                 rel_folder or ".", hint=UNREADABLE_HINT))
            continue
        for entry in entries:
            name = unicodedata.normalize("NFC", entry.name)
            if name.startswith("."):
                continue
            rel = f"{rel_folder}/{name}" if rel_folder else name
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:  # bytes that are no text in the file system's encoding
                shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                where = f"{rel_folder}/{shown}" if rel_folder else shown
                diags.append(warning(
                    "file-name", "file name is not valid UTF-8; skipped", where,
                    hint="rename it; such names usually come from an older system"))
                continue
            if entry.is_symlink():
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    diags.append(warning(
                        "symlink-broken", "broken symbolic link skipped", rel,
                        hint="point the link at a file that exists (it may lead back to itself "
                             "through other links), or delete it"))
                    continue
                if not target.is_relative_to(root):
                    diags.append(warning(
                        "symlink-outside", "symbolic link points outside the vault; not published",
                        rel, hint="copy the file into the vault if it belongs in the site"))
                    continue
            if entry.is_dir():
                path = Path(entry.path)
                real = path.resolve()
                if excluded and real in excluded:
                    continue
                if entry.is_symlink():
                    linked.append((path, rel, real))
                else:
                    seen.add(real)
                    stack.append((path, rel))
            elif entry.is_file():
                yield rel, entry
