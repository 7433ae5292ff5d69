"""Walk the vault: which files are notes, which are attachments, which are never published."""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import CONFIG_NAME, SiteConfig
from generator.diagnostics import Diagnostic, warning
from generator.emit import MARKER
from generator.encoding import legacy
from generator.model import LeftOut, Note, SourceFile, VaultPath, file_stamp


@dataclass
class Vault:
    notes: list[SourceFile] = field(default_factory=list)
    attachments: list[SourceFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # the files the site leaves out, by vault path, each kind apart: a link to one is told why it
    # goes nowhere, not that the file "does not exist" (``left_out`` puts them together).
    # An ``ignore`` pattern's (with the pattern), a template folder's of Obsidian's settings (with
    # the folder), the site's own templates folder's (``templates_dir``, with its vault path), the
    # symbolic links the walk skipped (with what each is), the files iCloud keeps only in the
    # cloud (with the placeholder's name), and Obsidian's trash
    ignored: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    theme: dict[str, str] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)
    cloud: dict[str, str] = field(default_factory=dict)
    trashed: list[str] = field(default_factory=list)

    def left_out(self) -> dict[str, LeftOut]:
        """Every file the site leaves out, by vault path (sorted), with why: for a path of two
        kinds, a pattern's or template folder's before a symbolic link, before iCloud, before
        the trash."""  # (one walk: a path is one of the first three at most)
        found: dict[str, LeftOut] = {}
        for kind, table in (("ignore", self.ignored), ("templates", self.templates),
                            ("theme", self.theme), ("symlink", self.symlinks), ("cloud", self.cloud),
                            ("trash", dict.fromkeys(self.trashed, ""))):
            for rel, detail in table.items():
                found.setdefault(rel, LeftOut(kind, detail))  # type: ignore[arg-type]
        return dict(sorted(found.items()))


UNREADABLE_HINT = ("make it readable by the user running vaultsite (check its permissions and "
                   "owner), or move it out of the vault")


def _ignored(rel: str, patterns: tuple[str, ...], used: set[str]) -> str | None:
    """The first pattern that leaves ``rel`` out, if any; each pattern that does goes into ``used``
    (a second pattern for the same files is used too, though the first was enough)."""
    out = None
    for pat in patterns:
        if out is not None and pat in used:
            continue
        if any(fnmatch.fnmatchcase(rel, form) or fnmatch.fnmatchcase(rel, form.rstrip("/") + "/*")
               for form in _forms(pat)):
            used.add(pat)
            out = out or pat
    return out


def left_out_by(rel: str, patterns: tuple[str, ...]) -> str | None:
    """The first of the ``ignore`` ``patterns`` that leaves the vault path ``rel`` out, if any."""
    return _ignored(rel, patterns, set())


def _other_case(pattern: str, paths: list[str]) -> tuple[list[str], str | None] | None:
    """The ``paths`` that ``pattern`` would leave out but for letter case (``gm/**`` and
    ``GM/Plot.md``), and the pattern with its plain folder and file names spelt as the first of
    them has them (``GM/**``; None when that still leaves it in); None when there are none."""
    forms = [form.casefold() for form in _forms(pattern)]
    hits = [rel for rel in paths
            if any(fnmatch.fnmatchcase(rel.casefold(), form)
                   or fnmatch.fnmatchcase(rel.casefold(), form.rstrip("/") + "/*") for form in forms)]
    if not hits:
        return None
    spelt = {name.casefold(): name for name in reversed(hits[0].split("/"))}
    fixed = "/".join(part if _GLOB.search(part) else spelt.get(part.casefold(), part)
                     for part in pattern.strip().split("/"))
    return hits, (fixed if _ignored(hits[0], (fixed,), set()) else None)


_GLOB = re.compile(r"[*?\[]")


def _unmatched_ignores(cfg: SiteConfig, used: set[str], paths: list[str]) -> list[Diagnostic]:
    """An ``ignore`` pattern that left nothing out is most likely misspelt (``private/**`` for
    ``Private/``), and the notes it was meant to keep private are published: say so, at its line,
    with the files (``paths``: those the vault publishes) it would leave out but for letter case,
    and the pattern written as they are.  Patterns for dot-folders are skipped: those are never
    published anyway."""
    from generator.config import key_place

    text = None
    out = []
    for i, pat in enumerate(cfg.ignore):
        root_form = _forms(pat)[0]  # without a leading / or ./
        if pat in used or root_form.startswith(".") or "/." in root_form:
            continue
        if text is None:
            try:
                text = (cfg.vault / CONFIG_NAME).read_text(encoding="utf-8-sig")
            except OSError:
                text = ""
        line, col = key_place(text, "ignore", i)  # the item itself, where the list has it twice
        if not line:
            line, col = key_place(text, "ignore")
        message = (f"the ignore pattern {pat!r} matches no file of the vault, so it leaves "
                   "nothing out")
        hint = ("check its spelling and letter case (patterns are case-sensitive; a folder's "
                "notes are 'Folder/**'), or remove it")
        other = _other_case(pat, paths)
        if other is not None:  # ``gm/**`` for ``GM/``: the GM's notes are published
            hits, fixed = other
            more = f" and {len(hits) - 1} more file{'s' if len(hits) > 2 else ''}" \
                if len(hits) > 1 else ""
            message += (f": {hits[0]}{more}, which it matches but for letter case, "
                        f"{'are' if more else 'is'} not left out")
            hint = (f"write it {fixed!r}" if fixed else f"spell its names as {hits[0]} does") + \
                " (patterns are case-sensitive), or remove it"
        out.append(warning("config-ignore", message, CONFIG_NAME, line, col, hint=hint))
    return out


def _forms(pattern: str) -> list[str]:
    """An ``ignore`` glob as it is meant: from the vault root also when written ``/Private/**``
    or ``./Private/**``, and with each ``**/`` matching no folder too (``**/Private/**`` is also
    ``Private/**``, ``a/**/b`` also ``a/b``), as in .gitignore and other glob tools."""
    pattern = pattern.strip()
    while pattern.startswith(("./", "/")):
        pattern = pattern[2:] if pattern.startswith("./") else pattern[1:]
    forms = [pattern]
    for i, form in enumerate(forms):
        if i > 16:  # a pattern with many ``**/``: enough forms
            break
        if form.startswith("**/"):
            forms.append(form[3:])
        if "/**/" in form:
            forms.append(form.replace("/**/", "/", 1))
    return forms


#: Obsidian's trash: "Move to Obsidian trash" puts a deleted file or folder here, at its root.
TRASH = ".trash"
#: At most this many files of the trash are listed (its names only are read).
TRASH_LIMIT = 10_000
#: What to do about a file iCloud keeps only in the cloud.
CLOUD_HINT = ("download it (in Finder: Download Now on it or its folder, or turn off Optimize Mac "
              "Storage), then build again")
_CLOUD_STUB = ".icloud"


def discover_vault(cfg: SiteConfig, exclude: tuple[Path, ...] = ()) -> Vault:
    """Every note and attachment of the vault and its mounts, sorted by vault path.

    Dot-folders and dot-files, the template folder, ``vaultsite.toml``, ignore globs and anything in
    ``exclude`` (the output and cache folders) are skipped.  A symlink that points outside the vault is
    skipped with a warning: nothing outside the vault can reach the site.
    """
    vault = Vault()
    # Obsidian's template folders: pattern -> folder (its name as a pattern: ``[`` is no class)
    templates = {} if cfg.publish_templates else {
        pat: folder for folder in cfg.obsidian_templates
        for pat in (glob.escape(folder), f"{glob.escape(folder)}/*")}
    own = templates_path(cfg)  # the site's templates folder, as a vault path (None: outside)
    ignore = (*cfg.ignore, *((glob.escape(own), f"{glob.escape(own)}/*") if own else ()), *templates)
    excluded = {p.resolve() for p in exclude}
    roots = [("", cfg.vault), *((name, real) for name, real in cfg.mounts)]
    seen: dict[str, list[str]] = {}
    used: set[str] = set()  # the patterns that left something out
    origin: dict[str, str] = {}  # vault path -> the mount (its prefix; "" the vault) it came from
    for prefix, root in roots:
        root = root.resolve()
        if prefix and _published_already(cfg, prefix, root, ignore, vault.diagnostics):
            continue
        hidden = _HiddenTargets(cfg, ignore, templates, used)
        skipped: dict[str, str] = {}
        stubs: dict[str, str] = {}
        for rel, entry in _walk(root, excluded, vault.diagnostics, prefix, hidden, skipped, stubs):
            if rel == CONFIG_NAME:
                continue
            left_out = _ignored(rel, ignore, used)
            if left_out is not None:
                if left_out in cfg.ignore:  # not the template folder
                    vault.ignored[rel] = left_out
                elif left_out in templates:  # Obsidian's template folder: said as such
                    vault.templates[rel] = templates[left_out]
                else:  # the site's own templates folder
                    vault.theme[rel] = own or cfg.templates_dir
                continue
            key = rel.casefold()
            twins = seen.setdefault(key, [])
            if rel in twins:
                if origin[rel] == prefix:  # two names of one folder, the same once normalised
                    kept = "NFC" if entry.name != rel.rsplit("/", 1)[-1] else "NFD"
                    vault.diagnostics.append(warning(
                        "duplicate-path", f"{rel!r} is skipped: another file of its folder has the "
                        "same name, its accents written as separate marks (Unicode NFD, as macOS "
                        "writes them) in one and as single letters (NFC) in the other; the "
                        f"{kept} one is published", rel, hint=_TWIN_HINT))
                    continue
                vault.diagnostics.append(warning(
                    "duplicate-path", f"{rel!r} is skipped: the vault already has a file at this "
                    "path", rel, hint="a mount brings in a file the vault has; change `mounts` "
                                      "in vaultsite.toml"))
                continue
            origin.setdefault(rel, prefix)
            is_note = rel.lower().endswith(".md")
            if twins and not is_note:
                vault.diagnostics.append(warning(
                    "duplicate-path", f"{rel!r} is skipped: {twins[0]!r} differs from it only in "
                    "letter case or accents, and is used instead", rel, hint=_TWIN_HINT))
                continue
            twins.append(rel)  # notes: which of them is published is known once they are read
            try:
                st = entry.stat()
            except OSError as exc:
                vault.diagnostics.append(warning("unreadable", f"cannot read file: {exc.strerror}",
                                                 rel, hint=UNREADABLE_HINT))
                continue
            kind = "note" if is_note else "attachment"
            # its file_stamp, the modification time last (for read_sources)
            src = SourceFile(VaultPath(rel), Path(entry.path), kind,
                             ":".join(map(str, file_stamp(st))), st.st_size)
            (vault.notes if kind == "note" else vault.attachments).append(src)
        for rel, why in skipped.items():  # a link to one is told why it finds nothing
            vault.symlinks.setdefault(rel, why)
        _cloud_only(stubs, seen, ignore, vault)
    vault.trashed = _trashed(cfg.vault)  # a link to one is told that it is in the trash
    vault.notes.sort(key=lambda s: s.rel)
    vault.attachments.sort(key=lambda s: s.rel)
    vault.diagnostics.extend(_unmatched_ignores(
        cfg, used, [src.rel for src in (*vault.notes, *vault.attachments)]))
    return vault


def templates_path(cfg: SiteConfig) -> str | None:
    """The vault path of the site's templates folder (``templates_dir``): through the vault or a
    mount, however it is written (``./_theme``, ``_theme/``, an absolute
    path into the vault); None when it is outside both, where the walk never goes.  It was the
    setting as written, so that an absolute path into the vault published every template."""
    written = os.path.normpath(os.path.join(cfg.vault, cfg.templates_dir))
    for folder in (Path(written), Path(written).resolve()):  # a symlink named, or where it leads
        for prefix, root in (("", cfg.vault), *cfg.mounts):
            for base in (Path(root), Path(root).resolve()):
                if folder.is_relative_to(base):
                    rel = folder.relative_to(base).as_posix()
                    path = "/".join(p for p in (prefix, rel) if p and p != ".")
                    return path or None
    return None


def _trashed(root: Path) -> list[str]:
    """The vault paths of the files in Obsidian's trash (``.trash/``, never published), sorted:
    only their names are read, and no symbolic link is followed."""
    found: list[str] = []
    stack = [(root / TRASH, TRASH)]
    while stack and len(found) < TRASH_LIMIT:
        folder, rel_folder = stack.pop()
        try:
            if folder.is_symlink():
                continue
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:  # no trash (the common case), or one that cannot be listed
            continue
        for entry in entries:
            name = unicodedata.normalize("NFC", entry.name)
            try:
                name.encode("utf-8")
                is_dir = entry.is_dir(follow_symlinks=False)
            except (UnicodeEncodeError, OSError):
                continue
            if name.startswith("."):
                continue
            if is_dir:
                stack.append((Path(entry.path), f"{rel_folder}/{name}"))
            else:
                found.append(f"{rel_folder}/{name}")
    return sorted(found[:TRASH_LIMIT])


def _cloud_only(stubs: dict[str, str], seen: dict[str, list[str]], ignore: tuple[str, ...],
                vault: Vault) -> None:
    """The files iCloud keeps only in the cloud (``stubs``: vault path -> the placeholder's name,
    ``.Name.md.icloud``, which macOS before Sonoma leaves in the file's place when Optimize Mac
    Storage evicts it): each is a warning, since the site would lack it without a word, and a
    link to one is told so.  Not one whose file is there as well (a download under way), nor one
    that ``ignore`` leaves out."""
    for rel, stub in stubs.items():
        if rel.casefold() in seen or _ignored(rel, ignore, set()) is not None:
            continue
        vault.cloud.setdefault(rel, stub)
        vault.diagnostics.append(warning(
            "unreadable", f"{rel!r} is kept only in iCloud: the vault holds its placeholder "
            f"{stub}, not the file, so the site leaves it out", rel, hint=CLOUD_HINT))


def _published_already(cfg: SiteConfig, name: str, folder: Path, ignore: tuple[str, ...],
                       diags: list[Diagnostic]) -> bool:
    """Whether the mount ``name`` is a folder the vault walk publishes anyway (``"attachments"``,
    ``"."``), or one that holds the vault (``".."``): mounted, each file would be published twice,
    under two paths, and every link to one would be ambiguous.  Such a mount is skipped with a
    warning.  A dot-folder or an ignored folder of the vault is not published by the walk, so it
    may be mounted to publish it under another name."""
    from generator.config import key_place

    vault = cfg.vault.resolve()
    if folder.is_relative_to(vault):
        rel = folder.relative_to(vault).as_posix()
        if rel != "." and (any(part.startswith(".") for part in rel.split("/"))
                           or _ignored(f"{rel}/x", ignore, set())):
            return False
        why = "the vault itself" if rel == "." else f"{rel}/, a folder the vault publishes anyway"
    elif vault.is_relative_to(folder):
        why = f"{folder.name or folder}, a folder that holds the vault"
    else:
        return False
    try:
        text = (cfg.vault / CONFIG_NAME).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):
        text = ""
    line, col = key_place(text, "mounts", name)
    diags.append(warning(
        "duplicate-path", f"`mounts.{name}` is {why}: its files would be published twice, under "
        "two paths; the mount is skipped", CONFIG_NAME, line, col,
        hint="mounts are for folders outside the vault: remove this one (to publish a vault "
             "folder under another name, also add it to `ignore`)"))
    return True


def settle_twins(vault: Vault, notes: list[Note]) -> list[Note]:
    """``notes`` with one note of each group whose paths differ only in letter case or accents
    (``a.md``, ``A.md``): their pages would have the same address, and links cannot tell them
    apart.  The first published one is kept; a twin that is not published has no page and collides
    with nothing, so it goes silently, and each other published one is skipped with a warning.
    Skipped notes leave ``vault.notes`` too (they are not unreadable)."""
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.rel.casefold(), []).append(note)
    if len(groups) == len(notes):
        return notes
    dropped: set[str] = set()
    for twins in groups.values():
        if len(twins) < 2:
            continue
        kept = next((n for n in twins if n.publish), twins[0])
        for note in twins:
            if note is kept:
                continue
            dropped.add(note.rel)
            if not note.publish:  # a draft whose YAML is broken still says so (as if kept)
                vault.diagnostics.extend(d for d in note.diagnostics if d.code == "frontmatter-yaml")
            else:
                vault.diagnostics.append(warning(
                    "duplicate-path", f"{note.rel!r} is skipped: {kept.rel!r} differs from it only "
                    "in letter case or accents, and is published", note.rel, hint=_TWIN_HINT))
    vault.notes = [src for src in vault.notes if src.rel not in dropped]
    return [n for n in notes if n.rel not in dropped]


_TWIN_HINT = ("rename one of them: links, and Obsidian on macOS and Windows, cannot tell them "
              "apart")


def _made_by_vaultsite(folder: Path) -> bool:
    """A site vaultsite wrote (its marker file) or a build's cache folder (``site.vaultsite-cache``
    beside ``site/``): ``vaultsite build`` run in a vault folder puts both there.  Neither is vault
    content, whatever the output folder of this run: read back, a page's copy of ``pic.png`` would
    make every ``![[pic.png]]`` ambiguous."""
    try:
        return folder.name.endswith(".vaultsite-cache") or (folder / MARKER).is_file()
    except OSError:  # a path past the system's limit: listing the folder fails, and says so
        return False


def _site_folder_of(target: Path, root: Path, excluded: set[Path]) -> Path | None:
    """The folder of the vault holding ``target`` (or being it) that is this build's output or
    cache, or a site or cache an earlier build wrote: what the walk itself never enters."""
    for folder in (target, *target.parents):
        if folder == root or not folder.is_relative_to(root):
            return None
        if folder in excluded or (folder.is_dir() and _made_by_vaultsite(folder)):
            return folder
    return None


def _legacy_name(raw: str, rel_folder: str, diags: list[Diagnostic],
                 is_dir: bool = False) -> str | None:
    """The name of a file whose name is not UTF-8 (``Caf\\xe9.md``, written by an older system in
    its code page), read as the legacy encoding its bytes fit best, as a note's text is: the
    file (or folder) is published under that name, which links can name, and a warning says to
    rename it.  None (the file is skipped) when no reading gives a usable name."""
    what = "folder" if is_dir else "file"
    data = os.fsencode(raw)
    text, codec, codec_name = legacy(data)
    name = unicodedata.normalize("NFC", text)
    if codec == "utf-8":
        codec_name = "Windows-1252"  # UTF-8 but for a few bytes, read as Windows-1252
    shown = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    where = f"{rel_folder}/{shown}" if rel_folder else shown
    if "\ufffd" in name or "/" in name or "\0" in name or name in (".", ".."):
        diags.append(warning(
            "file-name", f"{what} name is not valid UTF-8, nor text in any encoding vaultsite "
            "knows; skipped", where, hint="rename it; such names usually come from an older "
            "system"))
        return None
    diags.append(warning(
        "file-name", f"{what} name is not valid UTF-8; read as {codec_name}, {name!r}, and "
        "published under that name", where,
        hint=f"rename the {what} to {name!r}: Obsidian shows its name with \ufffd, and no link "
        "written in Obsidian can reach it"))
    return name


class _HiddenTargets:
    """Why a symbolic link's target is not published, from the target's vault path: a dot-folder
    or dot-file (never published, as Obsidian never shows them), or a path an ``ignore`` pattern,
    the site's templates folder or one of Obsidian's template folders leaves out.  The link's own
    path is not enough: ``Public/note.md -> ../Private/note.md`` would publish an ignored note."""

    def __init__(self, cfg: SiteConfig, ignore: tuple[str, ...], templates: dict[str, str],
                 used: set[str]):
        self.cfg, self.ignore, self.templates = cfg, ignore, templates
        self.used = used  # the patterns that left something out (a link's own path counts)

    def left_out(self, rel: str, is_dir: bool, used: set[str] | None = None) -> str | None:
        """The pattern that leaves the file (or the whole folder) at vault path ``rel`` out."""
        used = set() if used is None else used
        return _ignored(rel, self.ignore, used) or (
            _ignored(f"{rel}/x", self.ignore, used) if is_dir else None)

    def why(self, target: str, is_dir: bool) -> tuple[str, str] | None:
        """(message, hint) for a link to vault path ``target``; None when it may be published."""
        parts = target.split("/")
        dotted = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
        if dotted is not None:
            if dotted == len(parts) - 1 and not is_dir:
                where = "a dot-file: files whose name starts with '.' are never published"
                hint = "delete the link; to publish the file, rename it without the leading '.'"
            else:
                folder = "/".join(parts[:dotted + 1])
                where = "a dot-folder" if dotted == len(parts) - 1 else f"inside {folder}/"
                where += ": dot-folders (.obsidian, .trash…) are never published"
                hint = (f"delete the link; to publish what it points to, move that out of "
                        f"{folder}/, where Obsidian does not show it either")
            return f"symbolic link to {target}, {where}; skipped", hint
        pattern = self.left_out(target, is_dir)
        if pattern is None:
            return None
        if pattern in self.templates:
            return (f"symbolic link to {target}, a template of the vault ({self.templates[pattern]}, "
                    "as Obsidian's Templates, Templater or Daily notes settings name it), which the "
                    "site leaves out; skipped",
                    "delete the link, or set `publish_templates = true` in vaultsite.toml")
        if pattern not in self.cfg.ignore:  # the site's own templates folder
            return (f"symbolic link to {target}, in the site's templates folder "
                    f"({self.cfg.templates_dir}/), which is never published; skipped",
                    "delete the link")
        return (f"symbolic link to {target}, which the ignore pattern {pattern!r} of "
                "vaultsite.toml leaves out; skipped",
                f"delete the link; to publish {target}, take it out of `ignore`")


def _walk(root: Path, excluded: set[Path], diags: list[Diagnostic], prefix: str,
          hidden: _HiddenTargets | None = None, skipped: dict[str, str] | None = None,
          stubs: dict[str, str] | None = None):
    """The vault's files, as (vault path, directory entry), in a fixed order.  ``skipped`` gets
    each symbolic link left out with a warning, and why in a few words; ``stubs`` each iCloud
    placeholder (a dot-file, ``.Name.md.icloud``) by the vault path of the file it stands for."""
    skipped = {} if skipped is None else skipped
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
                real = name[1:-len(_CLOUD_STUB)] if name.endswith(_CLOUD_STUB) else ""
                if stubs is not None and real.strip(".") and not real.startswith(".") and \
                        entry.is_file(follow_symlinks=False):
                    stubs[f"{rel_folder}/{real}" if rel_folder else real] = name
                continue
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:  # bytes that are no text in the file system's encoding
                name = _legacy_name(entry.name, rel_folder, diags, entry.is_dir())
                if name is None or name.startswith("."):
                    continue
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if entry.is_symlink():
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    skipped[rel] = "a broken symbolic link"
                    diags.append(warning(
                        "symlink-broken", "broken symbolic link skipped", rel,
                        hint="point the link at a file that exists (it may lead back to itself "
                             "through other links), or delete it"))
                    continue
                if not target.is_relative_to(root):
                    skipped[rel] = "a symbolic link that points outside the vault"
                    diags.append(warning(
                        "symlink-outside", "symbolic link points outside the vault; not published",
                        rel, hint="copy the file into the vault if it belongs in the site"))
                    continue
                # a target in a dot-folder or an ignored path is no part of the vault either
                inside = target.relative_to(root).as_posix() if target != root else ""
                made = _site_folder_of(target, root, excluded)
                if made is not None:  # not even a folder link: the walk would read pages back
                    folder = made.relative_to(root).as_posix()
                    skipped[rel] = f"a symbolic link into {folder}/, a folder vaultsite writes"
                    diags.append(warning(
                        "symlink-hidden", f"symbolic link to {inside}, in {folder}/, a site or "
                        "cache folder vaultsite writes, which is never published; skipped",
                        rel, hint="delete the link"))
                    continue
                is_dir = target.is_dir()
                if hidden is not None and is_dir and hidden.left_out(rel, True, hidden.used):
                    continue  # a link to a folder, itself ignored: nothing to walk or to say
                if inside and hidden is not None and not hidden.left_out(rel, is_dir):
                    why = hidden.why(f"{prefix}/{inside}" if prefix else inside, is_dir)
                    if why is not None:
                        skipped[rel] = "a symbolic link to a file the site keeps back"
                        diags.append(warning("symlink-hidden", why[0], rel, hint=why[1]))
                        continue
            if entry.is_dir():
                path = Path(entry.path)
                real = path.resolve()
                if (excluded and real in excluded) or _made_by_vaultsite(path):
                    continue
                if entry.is_symlink():
                    linked.append((path, rel, real))
                else:
                    seen.add(real)
                    stack.append((path, rel))
            elif entry.is_file():
                yield rel, entry
            elif hidden is None or not hidden.left_out(rel, False, hidden.used):
                # not read: a named pipe would wait for a writer for ever
                diags.append(warning(
                    "unreadable", "not a regular file (a named pipe, a socket or a device); "
                    "skipped", rel, hint="the site publishes files and folders only: move it out "
                    "of the vault, or add it to `ignore` in vaultsite.toml"))
