"""The tenth audit, how the site looks: the HTML side of its findings (the browser side is in
test_browser_audit10.py)."""

from __future__ import annotations

import io
import struct

import pytest

from generator.imagesize import ImageSize, image_size, sized_attrs
from tests.conftest import build_notes
from tests.test_incremental import _age, _build_with, assert_same_tree

PIL = pytest.importorskip("PIL.Image")


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    PIL.new("RGB", (width, height), "red").save(out, "PNG")
    return out.getvalue()


def _picture(fmt: str, width: int, height: int, **options) -> bytes:
    out = io.BytesIO()
    PIL.new("RGBA" if fmt == "WEBP" else "RGB", (width, height), "blue").save(out, fmt, **options)
    return out.getvalue()


def _rotated_jpeg(width: int, height: int, orientation: int) -> bytes:
    image = PIL.new("RGB", (width, height), "purple")
    exif = image.getexif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("name, data, size", [
    ("a.png", _png(1200, 600), (1200, 600)),
    ("a.gif", _picture("GIF", 640, 480), (640, 480)),
    ("a.jpg", _picture("JPEG", 400, 1600), (400, 1600)),
    ("p.jpg", _picture("JPEG", 333, 222, progressive=True), (333, 222)),
    ("a.bmp", _picture("BMP", 31, 17), (31, 17)),
    ("lossy.webp", _picture("WEBP", 801, 403, lossless=False), (801, 403)),
    ("lossless.webp", _picture("WEBP", 257, 129, lossless=True), (257, 129)),
    # browsers turn a photo by its EXIF orientation (image-orientation: from-image)
    ("turned.jpg", _rotated_jpeg(600, 300, 6), (300, 600)),
    ("upside.jpg", _rotated_jpeg(600, 300, 3), (600, 300)),
    ("a.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="500px" '
              b"height='250' viewBox=\"0 0 50 25\"></svg>", (500, 250)),
    ("half.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="300" viewBox="0 0 200 100"/>',
     (300, 150)),
])
def test_an_images_size_is_read_from_its_header(tmp_path, name, data, size):
    path = tmp_path / name
    path.write_bytes(data)
    got = image_size(path)
    assert got is not None and (got.width, got.height) == size and not got.fills


def test_an_svg_with_only_a_viewbox_has_a_shape_and_fills_its_column(tmp_path):
    path = tmp_path / "vb.svg"
    path.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 24.5 10.5">')
    assert image_size(path) == ImageSize(1000, 429, fills=True)


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\nshort", b"\xff\xd8\xff\xe0\x00\x10JFIF",
                                  b"not an image at all", b"<svg width='2em' height='1em'>"])
def test_an_unreadable_image_has_no_size(tmp_path, data):
    path = tmp_path / "x.png"
    path.write_bytes(data)
    assert image_size(path) is None
    assert image_size(tmp_path / "missing.png") is None


def test_a_size_asked_for_keeps_the_pictures_shape():
    tall = ImageSize(400, 1600)
    assert sized_attrs(tall, "", "") == {"width": "400", "height": "1600"}
    # |300 on a tall picture: Obsidian draws it 300 wide, as tall as its shape makes it
    assert sized_attrs(tall, "300", "") == {"width": "300", "height": "1200"}
    # |300x200: that box, the picture drawn whole inside it, never stretched
    assert sized_attrs(tall, "300", "200") == {
        "width": "300", "height": "200", "style": "aspect-ratio:300/200;object-fit:contain"}
    assert sized_attrs(None, "300", "") == {"width": "300"}
    assert sized_attrs(None, "", "") == {}
    assert sized_attrs(ImageSize(1000, 500, fills=True), "", "") == {
        "width": "1000", "height": "500", "class": "fills"}


def test_an_embedded_image_has_its_size_so_the_page_does_not_shift(tmp_path):
    # the site's <img> had no width/height: text below each picture jumped down as it arrived
    # (a layout shift of 0.51 at 1280 px and 0.93 at 390 px on a page of nine pictures)
    site = build_notes(tmp_path, {
        "Home.md": "![[wide.png]]\n\n![[tall.jpg|300]]\n\n![[wide.png|200x100]]\n\n"
                   "![shot](img/wide.png)\n\n![shot|150](img/wide.png)\n\n"
                   "An icon ![[icon.svg]] in text, and one ![[icon.svg|32]] asked big.\n",
        "img/wide.png": _png(1200, 600),
        "img/tall.jpg": _picture("JPEG", 400, 1600),
        "img/icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">'
                        '<path stroke="currentColor" d="M0 0h24"/></svg>',
    })
    imgs = [{k: v for k, v in img.attrs.items() if k in ("width", "height", "style", "class")}
            for img in site.content("Home.md").find_all("img")]
    assert imgs == [
        {"class": ["embed-image"], "width": "1200", "height": "600"},
        {"class": ["embed-image"], "width": "300", "height": "1200"},
        {"class": ["embed-image"], "width": "200", "height": "100",
         "style": "aspect-ratio:200/100;object-fit:contain"},
        {"width": "1200", "height": "600"},
        {"width": "150", "height": "75"},
        # an icon in a line of text is sized as the text by the stylesheet
        {"class": ["embed-image", "svg-currentcolor", "in-text"]},
        {"class": ["embed-image", "svg-currentcolor", "in-text"], "width": "32", "height": "32"},
    ]
    # and each waits until it is scrolled near, a Markdown image as an embedded one
    assert {img.get("loading") for img in site.content("Home.md").find_all("img")} == {"lazy"}


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
def test_an_image_replaced_by_one_of_another_size_gives_its_page_the_new_size(tmp_path, in_memory):
    from generator.pipeline import BuildState

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("![[pic.png]]\n\n![x](pic.png)\n", "utf-8")
    (vault / "B.md").write_text("![[A]]\n", "utf-8")
    (vault / "pic.png").write_bytes(_png(40, 20))
    state = BuildState() if in_memory else None
    out = tmp_path / "out"
    _build_with(vault, out, state)
    _age(vault)
    (vault / "pic.png").write_bytes(_png(30, 90))
    _build_with(vault, out, state)
    assert 'width="30" height="90"' in (out / "A.html").read_text("utf-8")
    _build_with(vault, tmp_path / "clean", None)
    assert_same_tree(out, tmp_path / "clean", ["pic.png replaced"])


def test_the_size_is_read_once_per_version_of_the_file(tmp_path, monkeypatch):
    import builtins

    path = tmp_path / "p.png"
    path.write_bytes(_png(10, 10))
    opened = []
    real = builtins.open
    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: opened.append(f) or real(f, *a, **k))
    assert image_size(path) == image_size(path) == ImageSize(10, 10)
    assert opened == [str(path)]
    _age(tmp_path)
    path.write_bytes(_png(10, 12) + struct.pack("B", 0))
    assert image_size(path) == ImageSize(10, 12)
    assert opened == [str(path)] * 2


def test_the_themes_scripts_lose_only_their_comment_blocks():
    # the page-weight budget (test_browser_site: a note page with the theme's stylesheet and
    # scripts under 100 kB) was 120 bytes over on main: the stylesheet already went out without its
    # comments, the scripts with about 4.6 kB of them
    from generator.sitebuild import compact_js
    from generator.templating import default_template_dir

    assert compact_js("a();\n  /* one */\n/* two\n   lines */\nb(); /* kept */\n/* x */ c();\n"
                      "/* y\n */ d();\n/* e */ f(/* g */);\n/* open") == \
        "a();\nb(); /* kept */\n/* x */ c();\n/* y\n */ d();\n/* e */ f(/* g */);\n/* open"
    for path in sorted((default_template_dir() / "static").glob("*.js")):
        src = path.read_text(encoding="utf-8")
        out = compact_js(src)
        assert "`" not in src, f"{path.name}: a template literal could hide a comment line"
        # (audit 18) nor a line ending in a backslash: its string would go on into the next line's indentation
        assert not any(line.endswith("\\") for line in src.split("\n")), path.name
        assert len(out) < len(src) * 0.95, path.name
        # nothing but whole comment lines and the code lines' indentation went: the code lines are
        # the same, in order
        kept = iter(src.split("\n"))
        assert all(any(line == other.lstrip() for other in kept) for line in out.split("\n")), path.name
