"""Audit 10: edits to today's features (Dataview, Excalidraw exports, picture sizes, template
folders, obsidian:// links, canvas cards, mermaid links) after which a rebuild, from the cache or in
``serve``'s memory, must equal a clean build of the same vault, files and warnings alike."""

from __future__ import annotations

import os
import struct
import zlib

from bs4 import BeautifulSoup

from tests.test_incremental import _build_with


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
