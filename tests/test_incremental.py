"""Incremental builds are exactly full builds.

The rule (issue 5): after any sequence of edits, renames and deletions, a build that reuses the
previous ``BuildState`` writes an output folder byte-identical to a clean full build of the same
vault.  Hypothesis draws the edit sequences; after every step the incremental output is compared,
file set and bytes, with a full build into a fresh folder (no state, no cache).

The vault is kept as a small model (``NoteModel``) and written out after each edit, so every edit
produces well-formed notes that exercise what incremental rebuilds get wrong: titles and headings
that other notes link to or embed, backlinks, tags, aliases, renames, deletions, new notes,
ambiguous names, unpublished notes and attachments.  For a longer hunt:
``VAULTSITE_INCREMENTAL_EXAMPLES=300 pytest tests/test_incremental.py``.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# --------------------------------------------------------------------------- the vault model


@dataclass
class NoteModel:
    path: str  # vault-relative, ".md"
    title: str | None = None  # front-matter title; None = the file name is the title
    h1: str | None = None
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    date: str | None = None
    publish: bool = True
    sections: list[list[str]] = field(default_factory=list)  # [heading, text]; heading "" = intro

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1][:-3]

    def markdown(self) -> str:
        front = []
        if self.title is not None:
            front.append(f"title: {self.title}")
        if self.tags:
            front.append(f"tags: [{', '.join(self.tags)}]")
        if self.aliases:
            front.append(f"aliases: [{', '.join(self.aliases)}]")
        if self.date:
            front.append(f"date: {self.date}")
        if not self.publish:
            front.append("publish: false")
        parts = ["---\n" + "\n".join(front) + "\n---\n"] if front else []
        if self.h1:
            parts.append(f"# {self.h1}\n")
        for heading, text in self.sections:
            if heading:
                parts.append(f"## {heading}\n")
            parts.append(text + "\n")
        return "\n".join(parts)


def initial_notes() -> list[NoteModel]:
    return [
        NoteModel("index.md", title="Home", sections=[
            ["", "Welcome. Start with [[Alpha]], [[notes/Beta|the second]] and [[Gamma#Usage]]."],
            ["Recent", "See [[Delta]] and [[Missing note]]. #home"],
        ]),
        NoteModel("notes/Alpha.md", title="Alpha", tags=["greek"], date="2024-01-02", sections=[
            ["", "Alpha is first. It links to [[Beta#Details]] and [Gamma](sub/Gamma.md)."],
            ["Part one", "Some text #letters/first ^p1"],
            ["Part two", "More text, embedding ![[Beta#Details]] and ![[chart.png]]."],
        ]),
        NoteModel("notes/Beta.md", h1="Beta", aliases=["Second"], sections=[
            ["", "Beta links back to [[Alpha]] and to [[Alpha#^p1]]."],
            ["Details", "Details of beta. #letters"],
        ]),
        NoteModel("notes/sub/Gamma.md", date="2023-05-06", sections=[
            ["", "Gamma embeds ![[Alpha#Part one]] and mentions [[Second]]."],
            ["Usage", "How to use gamma."],
        ]),
        NoteModel("notes/sub/Delta.md", title="Delta", tags=["greek", "late"], sections=[
            ["", "Delta links to [[notes/other/Alpha]] and [[Gamma#Usage|usage]]."],
        ]),
        NoteModel("notes/other/Alpha.md", title="Other alpha", sections=[
            ["", "A second note named Alpha. Links [[Delta]]."],
        ]),
    ]


def tiny_png(shade: int) -> bytes:
    """A valid 1x1 grey PNG; ``shade`` changes its bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, shade % 256]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


IMAGES = ["pic.png", "attachments/chart.png", "attachments/photo one.png"]
NEW_NAMES = ["Zeta", "Eta", "Alpha", "Theta café", "Beta"]
FOLDERS = ["notes", "notes/sub", "notes/other", "misc", "_drafts"]  # "_drafts": a URL trap
WORDS = ["apple", "pear", "plum", "kiwi", "lime", "fig"]
HEADINGS = ["Details", "Usage", "Part one", "Overview", "Notes & caveats"]
TAGS = ["greek", "letters", "letters/first", "new", "area/sub", "index"]  # "index": a URL trap


class Vault:
    def __init__(self, root: Path):
        self.root = root
        self.notes: dict[str, NoteModel] = {}

    def write(self, note: NoteModel) -> None:
        self.notes[note.path] = note
        path = self.root / note.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(note.markdown(), encoding="utf-8")

    def remove(self, note: NoteModel) -> None:
        del self.notes[note.path]
        (self.root / note.path).unlink()

    def names(self) -> list[str]:
        return sorted({n.name for n in self.notes.values()})


def _link_targets(vault: Vault) -> list[str]:
    targets = []
    for note in vault.notes.values():
        targets.append(note.name)
        targets.append(note.path[:-3])
        for heading, _ in note.sections:
            if heading:
                targets.append(f"{note.name}#{heading}")
    targets += ["Missing note", "Second", "Alpha#^p1"]
    return sorted(set(targets))


class Chooser:
    """Where an edit's details come from: hypothesis (``data.draw``) or a seeded ``Random``."""

    def __init__(self, data=None, rng=None):
        self.data, self.rng = data, rng

    def choice(self, items):
        items = list(items)
        if self.data is not None:
            return self.data.draw(st.sampled_from(items))
        return self.rng.choice(items)

    def integer(self, lo: int, hi: int) -> int:
        if self.data is not None:
            return self.data.draw(st.integers(lo, hi))
        return self.rng.randint(lo, hi)

    def boolean(self) -> bool:
        if self.data is not None:
            return self.data.draw(st.booleans())
        return self.rng.random() < 0.5


_LINK = re.compile(r"!?\[\[[^\]]*\]\]|\[[^\]]*\]\([^)]*\)")


def apply_edit(vault: Vault, op: str, pick: Chooser) -> str:
    """Apply one edit, its details chosen by ``pick``; returns a description."""
    paths = sorted(vault.notes)
    note = vault.notes[pick.choice(paths)] if paths else None
    if note is None or op == "add":
        folder = pick.choice(FOLDERS)
        name = pick.choice(NEW_NAMES)
        path = f"{folder}/{name}.md"
        if path in vault.notes:
            return "add: exists"
        target = pick.choice(_link_targets(vault))
        vault.write(NoteModel(path, title=None, sections=[["", f"New note linking [[{target}]]."]]))
        return f"add {path} -> {target}"
    if op == "text":
        si = pick.integer(0, len(note.sections) - 1)
        word = pick.choice(WORDS)
        words = note.sections[si][1].split(" ")
        wi = pick.integer(0, len(words) - 1)
        if not _LINK.search(words[wi]) and not words[wi].startswith(("#", "^")):
            words[wi] = word  # sometimes the same length: digests must see content, not size
        else:
            words.append(word)
        note.sections[si][1] = " ".join(words)
    elif op == "title":
        choice = pick.choice(["title", "h1", "none"])
        new = pick.choice(["Renamed", "Alpha", "Zeta title", "Second"])
        if choice == "title":
            note.title = new
        elif choice == "h1":
            note.h1 = new
        else:
            note.title, note.h1 = None, None
    elif op == "heading":
        candidates = [i for i, s in enumerate(note.sections) if s[0]]
        if candidates:
            i = pick.choice(candidates)
            note.sections[i][0] = pick.choice(HEADINGS)
        else:
            note.sections.append([pick.choice(HEADINGS), "A new section."])
    elif op == "add_link":
        target = pick.choice(_link_targets(vault))
        form = pick.choice(["[[{}]]", "[[{}|label]]", "![[{}]]"])
        si = pick.integer(0, len(note.sections) - 1)
        note.sections[si][1] += " " + form.format(target)
    elif op == "remove_link":
        for section in note.sections:
            links = _LINK.findall(section[1])
            if links:
                section[1] = section[1].replace(links[-1], "", 1)
                break
    elif op == "add_tag":
        tag = pick.choice(TAGS)
        if pick.boolean():
            note.tags = sorted(set(note.tags) | {tag})
        else:
            note.sections[-1][1] += f" #{tag}"
    elif op == "alias":
        alias = pick.choice(["Second", "First", "Zeta"])
        note.aliases = [] if alias in note.aliases else [*note.aliases, alias]
    elif op == "publish":
        note.publish = not note.publish
    elif op == "date":
        note.date = pick.choice([None, "2022-02-02", "2025-12-31"])
    elif op == "rename":
        folder = pick.choice(FOLDERS)
        name = pick.choice(NEW_NAMES)
        path = f"{folder}/{name}.md"
        if path in vault.notes:
            return "rename: exists"
        vault.remove(note)
        note.path = path
        vault.write(note)
        return f"rename -> {path}"
    elif op == "delete":
        vault.remove(note)
        return f"delete {note.path}"
    elif op == "image":
        image = pick.choice(IMAGES)
        path = vault.root / image
        action = pick.choice(["write", "delete", "embed"])
        if action == "write":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(tiny_png(pick.integer(0, 255)))
        elif action == "delete":
            if path.exists():
                path.unlink()
        else:
            name = image.rsplit("/", 1)[-1]
            note.sections[-1][1] += pick.choice([f" ![[{name}]]", f" ![[{name}|40]]",
                                                 f" [[{name}]]"])
            vault.write(note)
        return f"image {action} {image} ({note.path})"
    vault.write(note)
    return f"{op} {note.path}"


OPS = ["text", "title", "heading", "add_link", "remove_link", "add_tag", "alias", "publish",
       "date", "rename", "delete", "add", "image"]


# --------------------------------------------------------------------------- comparing builds


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(incremental: Path, full: Path, history: list[str]) -> None:
    a, b = tree(incremental), tree(full)
    where = "after: " + "; ".join(history)
    missing, extra = sorted(set(b) - set(a)), sorted(set(a) - set(b))
    assert not missing and not extra, (
        f"file sets differ {where}\nonly in the full build: {missing}\n"
        f"only in the incremental build: {extra}")
    for rel in a:
        if a[rel] != b[rel]:
            diff = "\n".join(list(difflib.unified_diff(
                b[rel].decode("utf-8", "replace").splitlines(),
                a[rel].decode("utf-8", "replace").splitlines(),
                "full/" + rel, "incremental/" + rel, lineterm="", n=1))[:40])
            raise AssertionError(f"{rel} differs {where}\n{diff}")


class Session:
    """A vault in a temp folder, an incremental output, and clean full builds to compare."""

    def __init__(self, tmp: Path):
        from generator.config import load_config

        self.tmp = tmp
        self.vault = Vault(tmp / "vault")
        for note in initial_notes():
            self.vault.write(note)
        (self.vault.root / "attachments").mkdir()
        (self.vault.root / "attachments" / "chart.png").write_bytes(tiny_png(1))
        self.cfg = load_config(self.vault.root, {})
        self.out = tmp / "incremental" / "site"
        self.state = None
        self.fulls = 0
        self.history: list[str] = []
        self.rebuild()

    def rebuild(self, *, new_process: bool = False):
        """Rebuild into the same output; ``new_process``: without the in-memory state, as a
        second ``vaultsite build`` run does (whatever it keeps must come from its cache folder)."""
        from generator.pipeline import build

        result = build(self.cfg, self.out, state=None if new_process else self.state)
        self.state = result.state
        return result

    def full_build(self) -> Path:
        from generator.pipeline import build

        self.fulls += 1
        out = self.tmp / f"full-{self.fulls}" / "site"
        build(self.cfg, out)
        return out

    def check(self) -> None:
        assert_same_tree(self.out, self.full_build(), self.history)


# --------------------------------------------------------------------------- tests


def test_full_builds_are_deterministic(tmp_path):
    session = Session(tmp_path)
    assert_same_tree(session.full_build(), session.full_build(), ["two clean builds"])


def test_no_change_rebuild_writes_nothing(tmp_path):
    session = Session(tmp_path)
    result = session.rebuild()
    assert result.written == set()
    session.check()


@pytest.mark.parametrize("op", OPS)
def test_each_edit_once(tmp_path, op):
    """One edit of each kind on every note in turn, compared with a full build each time."""
    import random

    session = Session(tmp_path)
    pick = Chooser(rng=random.Random(op))
    for path in sorted(session.vault.notes):
        if path not in session.vault.notes:
            continue
        session.history.append(apply_edit(session.vault, op, pick))
        session.rebuild()
        session.check()


@settings(max_examples=int(os.environ.get("VAULTSITE_INCREMENTAL_EXAMPLES", "15")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_edit_sequences_match_a_full_build(data):
    with tempfile.TemporaryDirectory(prefix="vaultsite-incr-") as tmp:
        session = Session(Path(tmp))
        steps = data.draw(st.integers(1, 6), label="steps")
        for _ in range(steps):
            op = data.draw(st.sampled_from(OPS), label="op")
            session.history.append(apply_edit(session.vault, op, Chooser(data=data)))
            new_process = data.draw(st.sampled_from([False, False, True]), label="new process")
            if new_process:
                session.history.append("(rebuild as a new `vaultsite build` run)")
            session.rebuild(new_process=new_process)
            session.check()


def _age(folder: Path, seconds: int = 3600) -> None:
    for path in folder.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def _build_with(vault: Path, out: Path, state):
    from generator.config import load_config
    from generator.pipeline import build

    return build(load_config(vault), out, state=state, exec_mode="no-exec", workers=1)


def assert_edits_rebuild_as_clean(tmp_path: Path, name: str, before: dict, edits: list[dict],
                                  in_memory: bool) -> None:
    """Build ``before``, then after each edit (path -> text or bytes, None to delete) rebuild from
    the cache (or, ``in_memory``, from ``serve``'s state): the last rebuild must equal a clean
    build of the same vault, files and warnings alike."""
    from generator.pipeline import BuildState

    def write(files: dict) -> None:
        for rel, data in files.items():
            path = vault / rel
            if data is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, "utf-8")

    vault = tmp_path / "v"
    write(before)
    state = BuildState() if in_memory else None
    out = tmp_path / "out"
    _build_with(vault, out, state)
    for edit in edits:
        _age(vault)
        write(edit)
        again = _build_with(vault, out, state)
    clean = _build_with(vault, tmp_path / "clean", None)
    assert_same_tree(out, tmp_path / "clean", [name])
    assert [d.format() for d in again.diagnostics] == [d.format() for d in clean.diagnostics]


def test_a_rebuild_reads_only_the_notes_whose_file_changed(tmp_path, monkeypatch):
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    vault.mkdir()
    for name in "ABC":
        (vault / f"{name}.md").write_text(f"# {name}\n\nLinks to [[A]].\n", encoding="utf-8")
    _age(vault)
    state, out = BuildState(), tmp_path / "out"
    _build_with(vault, out, state)
    (vault / "B.md").write_text("# B\n\nEdited, links to [[C]].\n", encoding="utf-8")
    read: list[str] = []
    real = Path.read_bytes

    def spy(self):
        if self.suffix == ".md":
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    _build_with(vault, out, state)
    assert read == ["B.md"]
    assert "Edited" in (out / "B.html").read_text(encoding="utf-8")


def test_a_same_size_edit_within_the_same_timestamp_is_not_missed(tmp_path):
    """A coarse file-system clock can leave the modification time as it was: a note read less than
    two seconds after its last change is read again next time."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "A.md"
    note.write_text("# A\n\nfirst version\n", encoding="utf-8")
    state, out = BuildState(), tmp_path / "out"
    _build_with(vault, out, state)
    before = note.stat()
    note.write_text("# A\n\nsecond versio\n", encoding="utf-8")  # same size
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    _build_with(vault, out, state)
    assert "second versio" in (out / "A.html").read_text(encoding="utf-8")


def test_a_title_edit_renders_again_only_the_pages_that_show_that_note(tmp_path):
    """The explorer lists file names (as Obsidian's does), so a title is shown only by the note's own
    page, the pages that link to or embed it, its link targets' backlinks, tag and folder pages."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    (vault / "sub").mkdir(parents=True)
    (vault / "A.md").write_text("---\ntitle: Alpha\n---\nText.\n", encoding="utf-8")
    (vault / "B.md").write_text("See [[A]].\n", encoding="utf-8")
    for i in range(6):
        (vault / "sub" / f"C{i}.md").write_text(f"Unrelated {i}.\n", encoding="utf-8")
    state, out = BuildState(), tmp_path / "out"
    _build_with(vault, out, state)
    (vault / "A.md").write_text("---\ntitle: Alpha renamed\n---\nText.\n", encoding="utf-8")
    result = _build_with(vault, out, state)
    assert result.stats.rendered == 2  # A and B; the six others are kept as they were
    assert "Alpha renamed" in (out / "A.html").read_text(encoding="utf-8")
    explorer = (out / "sub" / "C0.html").read_text(encoding="utf-8")
    assert '>A</a></li>' in explorer and "Alpha" not in explorer


def test_an_svg_that_stops_drawing_in_current_color_renders_its_pages_again(tmp_path):
    """The class an SVG icon's <img> gets depends on the file's content (currentColor), so an
    incremental rebuild must see the edit of the SVG alone."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    vault.mkdir()
    icon = vault / "icon.svg"
    icon.write_text('<svg xmlns="http://www.w3.org/2000/svg"><path fill="currentColor"/></svg>')
    (vault / "N.md").write_text("Press ![[icon.svg]] now.\n", encoding="utf-8")
    state, out = BuildState(), tmp_path / "out"
    _build_with(vault, out, state)
    assert "svg-currentcolor" in (out / "N.html").read_text(encoding="utf-8")
    icon.write_text('<svg xmlns="http://www.w3.org/2000/svg"><path fill="#123456"/></svg>')
    _build_with(vault, out, state)
    assert "svg-currentcolor" not in (out / "N.html").read_text(encoding="utf-8")


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("in_memory", [False, True], ids=["new process", "serve"])
def test_a_page_edited_by_hand_or_an_older_site_put_back_is_written_again(tmp_path, in_memory):
    """The output holds what the vault gives, whatever happened to it between builds: a page edited
    by hand is written again (the manifest's digest of it is no proof), and so is every page of an
    older copy of the site put in place while the cache folder beside it stayed (restoring a
    gh-pages checkout, say)."""
    import shutil

    from generator.config import load_config
    from generator.pipeline import BuildState, build

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "N.md").write_text("hello [[M]]\n", encoding="utf-8")
    (vault / "M.md").write_text("# M\n\nother\n", encoding="utf-8")
    toml = vault / "vaultsite.toml"
    out = tmp_path / "site"
    state = BuildState() if in_memory else None

    def rebuild():
        result = build(load_config(vault), out, state=state)
        return result

    toml.write_text('title = "Old title"\n', encoding="utf-8")
    rebuild()
    shutil.copytree(out, tmp_path / "old-site")
    toml.write_text('title = "New title"\n', encoding="utf-8")
    rebuild()

    def fresh() -> dict[str, bytes]:
        other = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"
        build(load_config(vault), other)
        return _tree_bytes(other)

    (out / "N.html").write_text("tampered", encoding="utf-8")
    (out / "_tags").mkdir(exist_ok=True)
    rebuild()
    assert _tree_bytes(out) == fresh()

    shutil.rmtree(out)
    shutil.copytree(out.parent / "old-site", out)  # copied with its times, as cp -a does
    assert "Old title" in (out / "N.html").read_text(encoding="utf-8")
    rebuild()
    assert _tree_bytes(out) == fresh()
    assert "Old title" not in (out / "N.html").read_text(encoding="utf-8")
    # and nothing changed: nothing written
    assert rebuild().stats.written == 0


# --------------------------------------------------------------------------- found by fuzzing
# Each: a vault, one edit, then the rebuild (with the cache on disk, and with serve's state in
# memory) must equal a clean build of the edited vault, files and warnings.

PNG_A = tiny_png(10)

FUZZ_CASES = {
    # a link in front-matter is a backlink too, and never rendered: dropping it went unnoticed
    "front-matter link dropped": (
        {"A.md": '---\nrelated: "[[B]]"\n---\nText of A.\n', "B.md": "Other.\n"},
        {"A.md": "Text of A.\n"}),
    # a note named like a canvas takes the URL of the canvas's page: links to the canvas change
    "note takes a canvas's URL": (
        {"Board.canvas": '{"nodes": [], "edges": []}', "A.md": "See [[Board.canvas]].\n",
         "B.md": "b\n"},
        {"Board.canvas.md": "Twin.\n"}),
    # a user template that fails: its warning is told again when its pages are kept
    "failing listing template": (
        {"_templates/tag.html": '{% extends "listing.html" %}{% block sub_heading %}'
                                "{{ nosuch.attr }}{% endblock %}",
         "A.md": "# A\n\n## Part\n\n#t\n", "B.md": "[[A#Part]]\n"},
        {"A.md": "# A\n\n## Renamed part\n\n#t\n"}),
    # a canvas card's missing file: the "did you mean" of its warning follows new files
    "canvas card suggestion": (
        {"Board.canvas": '{"nodes": [{"id": "c", "type": "file", "x": 0, "y": 0, "width": 200, '
                         '"height": 80, "file": "Roadmap.md"}], "edges": []}',
         "A.md": "![[Board.canvas]]\n"},
        {"Roadmap.png": PNG_A}),
    # a file under a name a note already has (Node.js beside Node.js.md): ![[Node.js]] now embeds
    # the file, and no name was added or removed
    "file beside a note of its name": (
        {"A.md": "![[Node.js]]\n", "Node.js.md": "A note on Node.\n"},
        {"Node.js": "console.log(1)\n"}),
}


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
@pytest.mark.parametrize("case", sorted(FUZZ_CASES))
def test_edits_found_by_fuzzing_rebuild_as_a_clean_build(tmp_path, case, in_memory):
    from generator.pipeline import BuildState

    before, edit = FUZZ_CASES[case]
    vault = tmp_path / "v"

    def write(files):
        for rel, data in files.items():
            path = vault / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, "utf-8")

    write(before)
    state = BuildState() if in_memory else None
    out = tmp_path / "out"
    _build_with(vault, out, state)
    _age(vault)
    if "A.md" in edit and "A.md" in before:
        (vault / "A.md").unlink()
    write(edit)
    again = _build_with(vault, out, state)
    clean = _build_with(vault, tmp_path / "clean", None)
    assert_same_tree(out, tmp_path / "clean", [case])
    assert [d.format() for d in again.diagnostics] == [d.format() for d in clean.diagnostics]


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
def test_a_file_put_back_with_its_old_size_and_time_is_still_seen(tmp_path, in_memory):
    """``cp -p`` or ``touch -r`` can give new bytes the old size and modification time; the change
    time still moves, so an image, a canvas and a note replaced that way are taken again."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("Gamma paragraph ![[pic.png]] ![[Board.canvas]]\n", "utf-8")
    (vault / "pic.png").write_bytes(tiny_png(10))
    board = '{"nodes": [{"id": "t", "type": "text", "x": 0, "y": 0, "width": 200, "height": 60, ' \
            '"text": "to plan"}], "edges": []}'
    (vault / "Board.canvas").write_text(board, "utf-8")
    state = BuildState() if in_memory else None
    out = tmp_path / "out"
    _build_with(vault, out, state)
    _age(vault)
    for name, data in (("pic.png", tiny_png(200)), ("Board.canvas", board.replace("plan", "PLAN")),
                       ("A.md", "GAMMA paragraph ![[pic.png]] ![[Board.canvas]]\n")):
        path = vault / name
        st = path.stat()
        new = data if isinstance(data, bytes) else data.encode()
        assert len(new) == st.st_size
        path.write_bytes(new)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        _build_with(vault, out, state)
        clean = tmp_path / f"clean-{name}"
        _build_with(vault, clean, None)
        assert_same_tree(out, clean, [f"{name} replaced, same size and time"])
    assert "GAMMA" in (out / "A.html").read_text("utf-8")


def test_serve_rebuilds_with_the_vaults_obsidian_settings_as_saved(tmp_path):
    """``serve`` reads the configuration again when Obsidian's ``.obsidian/app.json`` is saved (its
    ``strictLineBreaks`` is the default of ``strict_line_breaks``): the watcher skipped the whole
    ``.obsidian`` folder, and rebuilds kept the setting the server started with."""
    from generator.config import load_config
    from generator.serve import ChangeFilter, PipelineBuilder

    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    app = vault / ".obsidian" / "app.json"
    app.write_text('{"strictLineBreaks": false}', "utf-8")
    (vault / "A.md").write_text("line one\nline two\n", "utf-8")
    out = tmp_path / "out"
    builder = PipelineBuilder(load_config(vault, {}), out)
    builder.rebuild(None)
    watch = ChangeFilter(builder.watch_roots(), builder.ignored_paths())
    assert not watch.relevant(vault / ".obsidian" / "workspace.json")
    app.write_text('{"strictLineBreaks": true}', "utf-8")
    (vault / "A.md").write_text("line one\nline two\nline three\n", "utf-8")
    changed = {p for p in (app, vault / "A.md") if watch.relevant(p)}
    assert builder.rebuild(changed).error is None
    _build_with(vault, tmp_path / "clean", None)
    assert_same_tree(out, tmp_path / "clean", ["strictLineBreaks turned on in Obsidian"])
