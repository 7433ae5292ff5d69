"""Audit 10: edits to today's features (Dataview, Excalidraw exports, picture sizes, template
folders, obsidian:// links, canvas cards, mermaid links) after which a rebuild, from the cache or in
``serve``'s memory, must equal a clean build of the same vault, files and warnings alike."""

from __future__ import annotations

import os
import struct
import zlib

import pytest
from bs4 import BeautifulSoup

from tests.test_incremental import _build_with, assert_edits_rebuild_as_clean


def _png(width: int, height: int) -> bytes:
    """A PNG stored without compression: its byte size depends on width * 3 + 1 times height."""
    raw = b"".join(b"\0" + b"\x80" * (width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


def _img_size(page) -> tuple[str, str]:
    img = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one("img.embed-image")
    return img.get("width"), img.get("height")


def test_serve_reads_the_size_of_a_picture_replaced_by_one_of_the_same_byte_size_and_time(tmp_path):
    """A picture replaced (a sync tool, ``cp -p``) by another of the same byte size and the same
    modification time: the file is new (its inode and change time), so serve, which read the
    old one's header in this process, must read the new one's too."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("![[pic.png]]\n", "utf-8")
    old, new = _png(4, 4), _png(1, 13)
    assert len(old) == len(new)
    (vault / "pic.png").write_bytes(old)
    stamp = os.stat(vault / "pic.png").st_mtime_ns
    state = BuildState()
    _build_with(vault, tmp_path / "out", state)
    assert _img_size(tmp_path / "out" / "A.html") == ("4", "4")
    (vault / "pic.new").write_bytes(new)
    os.utime(vault / "pic.new", ns=(stamp, stamp))
    os.replace(vault / "pic.new", vault / "pic.png")
    _build_with(vault, tmp_path / "out", state)
    assert _img_size(tmp_path / "out" / "A.html") == ("1", "13")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
CASES = {
    # ![[Draw]] shows Draw.svg while Draw.md says `excalidraw-plugin:`; without it, Draw.md is a
    # note like any other, embedded as one: its headings, title and URL are the same, but the
    # embed is not
    "a note stops being an Excalidraw drawing (export beside it)": (
        {"A.md": "![[Draw]]\n", "Draw.svg": SVG,
         "Draw.md": "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\nHello\n"},
        {"Draw.md": "---\ntags: [x]\n---\n# Text Elements\nHello\n"},
    ),
    "a note stops being an Excalidraw drawing (no export)": (
        {"A.md": "![[Draw]]\n", "Draw.md": "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\nHello\n"},
        {"Draw.md": "---\ntags: [x]\n---\n# Text Elements\nHello\n"},
    ),
    # [[Beta#^x]] leads to the heading that carries the block (its own anchor), else to the block
    "a block id moved onto a heading": (
        {"C.md": "[[Beta#^x]]\n", "Beta.md": "## H\n\npara ^x\n"},
        {"Beta.md": "## H ^x\n\npara\n"},
    ),
    "a block id moved off a heading": (
        {"C.md": "[[Beta#^x]]\n", "Beta.md": "## H ^x\n\npara\n"},
        {"Beta.md": "## H\n\npara ^x\n"},
    ),
    # B's [[Node.js]] now finds the file Node.js, not the note Node.js.md: B no longer links the
    # note, and the query's list of the notes that do loses it (no note's bytes changed)
    "a file added that takes a name from a note, for a Dataview query's FROM [[note]]": (
        {"Node.js.md": "n\n", "B.md": "[[Node.js]]\n",
         "Q.md": "```dataview\nLIST FROM [[Node.js.md]]\n```\n"},
        {"Node.js": "console.log(1)\n"},
    ),
}


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_edit_rebuilds_as_a_clean_build(tmp_path, case, in_memory):
    before, *edits = CASES[case]
    assert_edits_rebuild_as_clean(tmp_path, case, before, edits, in_memory)


def test_serve_reads_the_settings_again_when_a_folder_holding_them_is_moved(tmp_path):
    """``mv .obsidian .obsidian.off`` (or a plugin's folder removed whole): the watcher reports
    the folder alone, not the settings files in it.  The template folder it named is then
    published, as a clean build of the vault does."""
    import json

    from generator.config import load_config
    from generator.serve import ChangeFilter, PipelineBuilder

    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "templates.json").write_text(json.dumps({"folder": "Templates"}))
    (vault / "Templates").mkdir()
    (vault / "Templates" / "T.md").write_text("# {{title}}\n", "utf-8")
    (vault / "A.md").write_text("a\n", "utf-8")
    out = tmp_path / "out"
    builder = PipelineBuilder(load_config(vault), out)
    assert builder.rebuild(None).swapped
    assert not (out / "Templates" / "T.html").exists()
    watch = ChangeFilter(builder.watch_roots(), builder.ignored_paths())
    for moved in (".obsidian", ".obsidian/plugins", ".obsidian/plugins/dataview"):
        assert watch.relevant(vault / moved), moved
    assert not watch.relevant(vault / ".obsidian" / "workspace.json")
    assert not watch.relevant(vault / ".obsidian" / "plugins" / "calendar")
    (vault / ".obsidian").rename(vault / ".obsidian.off")
    changed = {p for p in (vault / ".obsidian", vault / ".obsidian.off") if watch.relevant(p)}
    assert builder.rebuild(changed).swapped
    assert (out / "Templates" / "T.html").is_file()


def test_serve_renders_with_a_template_replaced_by_one_of_the_same_time(tmp_path):
    """A user template put in place of another with the same modification time (``cp -p``, a
    sync tool): serve, whose template environment outlives a build, must not keep the old
    compiled template."""
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    (vault / "_templates").mkdir(parents=True)
    (vault / "A.md").write_text("a\n", "utf-8")
    page = '{% extends "base.html" %}{% block title %}WORD{% endblock %}\n'
    (vault / "_templates" / "note.html").write_text(page.replace("WORD", "first"), "utf-8")
    stamp = os.stat(vault / "_templates" / "note.html").st_mtime_ns
    state = BuildState()
    _build_with(vault, tmp_path / "out", state)
    assert "first" in (tmp_path / "out" / "A.html").read_text("utf-8")
    new = vault / "_templates" / "new.tmp"
    new.write_text(page.replace("WORD", "again"), "utf-8")
    os.utime(new, ns=(stamp, stamp))
    os.replace(new, vault / "_templates" / "note.html")
    _build_with(vault, tmp_path / "out", state)
    assert "again" in (tmp_path / "out" / "A.html").read_text("utf-8")
