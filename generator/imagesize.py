"""The pixel size of an image attachment, read from its header, so that a page can give each
``<img>`` its ``width`` and ``height`` and keep its place before the picture arrives (no layout
shift).

Only the first bytes are read (a JPEG's segments are skipped by seeking), and each file version
(path, modification time, size) is read once per process: ``image_size`` costs a ``stat`` after
that.  A format we do not read (AVIF, ICO, TIFF, a broken file) has no size, and its ``<img>``
stays as it was, without one.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from generator.model import file_stamp


@dataclass(frozen=True)
class ImageSize:
    """As a browser lays the picture out: ``width`` x ``height`` CSS pixels (a JPEG's EXIF rotation
    applied).  ``fills``: an SVG that gives only a ``viewBox``, which a browser stretches to the
    width of its column; ``width`` and ``height`` then give its shape only."""

    width: int
    height: int
    fills: bool = False


def image_size(path: Path) -> ImageSize | None:
    """The size of the image at ``path`` (None when unknown); read again when the file changes.
    A file put in place of another (a sync tool, ``cp -p``) may keep its byte size and time: its
    inode and change time are new, so ``serve`` does not show the old picture's size."""
    try:
        st = path.stat()
    except OSError:
        return None
    return _read_size(str(path), file_stamp(st))


@lru_cache(maxsize=8192)
def _read_size(path: str, stamp: tuple[int, ...]) -> ImageSize | None:
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
                return _sized(*struct.unpack(">II", head[16:24]))
            if head[:6] in (b"GIF87a", b"GIF89a"):
                return _sized(*struct.unpack("<HH", head[6:10]))
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                return _webp(head)
            if head[:2] == b"BM" and len(head) >= 26:
                width, height = struct.unpack("<ii", head[18:26])
                return _sized(width, abs(height))
            if head[:3] == b"\xff\xd8\xff":
                return _jpeg(f)
            if path.lower().endswith(".svg"):
                f.seek(0)
                return _svg(f.read(_SVG_HEAD))
    except (OSError, struct.error, ValueError):
        return None
    return None


def _sized(width: int, height: int) -> ImageSize | None:
    return ImageSize(width, height) if 0 < width < 1 << 20 and 0 < height < 1 << 20 else None


def _webp(head: bytes) -> ImageSize | None:
    kind = head[12:16]
    if kind == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":  # lossy: 14 bits each, after a start code
        width, height = struct.unpack("<HH", head[26:30])
        return _sized(width & 0x3FFF, height & 0x3FFF)
    if kind == b"VP8L" and head[20] == 0x2F:  # lossless: 14 bits each, less one
        bits = int.from_bytes(head[21:25], "little")
        return _sized((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if kind == b"VP8X":  # extended (alpha, animation): 24 bits each, less one
        return _sized(int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1)
    return None


# Start-of-frame markers (baseline, progressive, lossless, arithmetic...): not DHT, JPG, DAC.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_TURNED = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the picture by a quarter


def _jpeg(f: BinaryIO) -> ImageSize | None:
    """Walk the segments from the start of the file to the frame header, reading an EXIF
    orientation on the way (browsers turn the picture by it: ``image-orientation: from-image``)."""
    f.seek(2)
    turned = False
    for _ in range(256):
        marker = f.read(2)
        while marker[:1] == b"\xff" and marker[1:2] == b"\xff":  # fill bytes
            marker = marker[1:] + f.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        code = marker[1]
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:  # no length
            continue
        length = struct.unpack(">H", f.read(2))[0]
        if length < 2:
            return None
        if code in _SOF:
            height, width = struct.unpack(">HH", f.read(5)[1:5])
            return _sized(height, width) if turned else _sized(width, height)
        if code == 0xE1 and not turned:
            body = f.read(length - 2)
            turned = _exif_orientation(body) in _TURNED
            continue
        if code == 0xDA:  # the picture's data, and no frame header before it
            return None
        f.seek(length - 2, 1)
    return None


def _exif_orientation(body: bytes) -> int:
    """The Orientation tag (0x0112) of IFD0 of an APP1 ``Exif`` segment's body, or 0."""
    if not body.startswith(b"Exif\0\0") or len(body) < 14:
        return 0
    tiff = body[6:]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return 0
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    if offset + 2 > len(tiff):
        return 0
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for i in range(min(count, 512)):
        entry = tiff[offset + 2 + 12 * i:offset + 14 + 12 * i]
        if len(entry) < 12:
            return 0
        if struct.unpack(order + "H", entry[:2])[0] == 0x0112:
            return struct.unpack(order + "H", entry[8:10])[0]
    return 0


_SVG_HEAD = 16 * 1024  # the root element's start tag is near the top
_SVG_ROOT = re.compile(rb"<svg\b([^>]*)>", re.IGNORECASE)
_SVG_ATTR = re.compile(rb"""\s([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


def _svg(head: bytes) -> ImageSize | None:
    """An SVG's size from its root element: ``width`` and ``height`` in pixels; else its
    ``viewBox``, which gives only a shape (``fills``)."""
    root = _SVG_ROOT.search(head)
    if root is None:
        return None
    attrs = {m.group(1).decode("ascii", "replace").lower(): (m.group(2) or m.group(3) or b"").decode(
        "utf-8", "replace") for m in _SVG_ATTR.finditer(root.group(1))}
    width, height = (_pixels(attrs.get(k, "")) for k in ("width", "height"))
    box = [_number(v) for v in re.split(r"[\s,]+", attrs.get("viewbox", "").strip())]
    shape = (box[2], box[3]) if len(box) == 4 and None not in box and box[2] > 0 and box[3] > 0 else None
    if width and height:
        return _sized(round(width), round(height))
    if shape is not None:
        if width:  # one side given: the other follows the viewBox's shape
            return _sized(round(width), round(width * shape[1] / shape[0]))
        if height:
            return _sized(round(height * shape[0] / shape[1]), round(height))
        scale = 1000 / max(shape)  # whole numbers of the same shape
        size = _sized(max(1, round(shape[0] * scale)), max(1, round(shape[1] * scale)))
        return ImageSize(size.width, size.height, fills=True) if size else None
    return None


def _pixels(value: str) -> float | None:
    m = _LENGTH.fullmatch(value)
    return float(m.group(1)) if m and float(m.group(1)) > 0 else None


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def sized_attrs(size: ImageSize | None, width: str, height: str) -> dict[str, str]:
    """The ``<img>`` attributes for a picture of ``size`` asked for at ``width`` x ``height``
    (``|300``, ``|300x200``; "" where not asked), keeping its shape:

    * nothing asked: its own size (an SVG that only has a shape: that shape, and the class
      ``fills``, which the stylesheet stretches to the column as a browser does without it);
    * a width: that width, and the height that keeps the picture's shape (as Obsidian draws it);
    * both: that box, the picture drawn whole inside it (``object-fit: contain``), never
      stretched.

    The stylesheet's ``max-width: 100%; height: auto`` shrinks any of them to a narrow column."""
    out: dict[str, str] = {}
    if width and height:
        out = {"width": width, "height": height,
               "style": f"aspect-ratio:{width}/{height};object-fit:contain"}
    elif width:
        out = {"width": width}
        if size is not None:
            out["height"] = str(max(1, round(int(width) * size.height / size.width)))
    elif size is not None:
        out = {"width": str(size.width), "height": str(size.height)}
        if size.fills:
            out["class"] = "fills"
    return out
