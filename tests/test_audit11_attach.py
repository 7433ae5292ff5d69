"""Audit 11 (attachments): SVG, other XML and HTML files of the vault are documents a reader can
open by their link, in the site's origin; they reach the site without what could run there."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from generator.safefiles import clean_html, clean_xml
from tests.conftest import build_notes, write_files

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/chromium.py

SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
EVIL_SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
<svg {SVG} width="120" height="80" onload="window.PWN=1">
  <script>window.PWN=2</script>
  <svg:script xmlns:svg="http://www.w3.org/2000/svg">window.PWN=3</svg:script>
  <a xlink:href="javascript:window.PWN=4"><rect width="10" height="10" fill="red"/></a>
  <a href=" jav&#x09;ascript:window.PWN=5"><text y="20">t</text></a>
  <a><set attributeName="href" to="javascript:window.PWN=6"/><text y="40">s</text></a>
  <animate attributeName="onbegin" values="window.PWN=7"/>
  <foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">
    <p onclick="window.PWN=8">label</p><iframe srcdoc="&lt;script&gt;parent.PWN=9&lt;/script&gt;"/>
    <object data="data:text/html,&lt;script&gt;parent.PWN=10&lt;/script&gt;"/>
  </div></foreignObject>
  <use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#x"/>
  <image href="https://example.com/track.png" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <circle cx="60" cy="40" r="30" fill="blue" ONMOUSEOVER="window.PWN=11"/>
</svg>
"""
CLEAN_SVG = (f'<svg {SVG} viewBox="0 0 24 24">\n<!-- an icon -->\n<style>path{{fill:currentColor}}'
             '</style>\n<path d="M0 0h24v24H0z" fill="currentColor"/>\n'
             '<a href="https://example.com/"><text>link</text></a>\n</svg>\n')
EVIL_HTML = """<!DOCTYPE html>
<html><head><title>Report &amp; notes</title><script>window.PWN=20</script>
<style>body{background:url(javascript:1)}</style><meta http-equiv="refresh" content="0;url=javascript:1">
</head><body onload="window.PWN=21">
<h1>Quarterly</h1><table><tr><td>1</td><td>2</td></tr></table>
<img src="pic.png" onerror="window.PWN=22"><a href="javascript:window.PWN=23">x</a>
<iframe srcdoc="<script>parent.PWN=24</script>"></iframe><form action="https://x"><input></form>
<svg><script>window.PWN=25</script></svg>
</body></html>
"""
ATTACK_NOTE = """---
title: 'T"><script>window.PWN=30</script>'
description: '"><script>window.PWN=31</script>'
cssclasses: ['x" onmouseover="window.PWN=32', 'ok']
aliases: ['"><img src=x onerror=window.PWN=33>']
---
![[evil.svg]] ![[clean.svg]] ![[Draw.excalidraw]]
[[evil.svg]] [[page.html]] [[feed.xhtml]] ![[page.html]] [x](evil.svg) [y](page.htm)

<iframe srcdoc="<script>parent.PWN=34</script>"></iframe>
<object data="data:text/html,<script>alert(1)</script>"></object>
<embed src="data:text/html,<script>alert(1)</script>">
<a href="data:text/html,<script>alert(1)</script>">d</a>
<img src="data:image/svg+xml,<svg onload=alert(1)>">
<style>body{background:url(javascript:alert(1))}</style>
<div style="background:url(javascript:alert(1))">s</div>
<svg onload="window.PWN=35"><script>window.PWN=36</script></svg>
<a href="jav&#x09;ascript:alert(1)">t</a>

[link](javascript:alert(1)) ![[board.canvas]]
[[<img src=x onerror=window.PWN=37>]]
"""
CANVAS = {"nodes": [
    {"id": "a", "type": "text", "text": "<script>window.PWN=40</script> [[Note]]", "x": 0, "y": 0,
     "width": 200, "height": 100, "color": '#fff" onload="window.PWN=41'},
    {"id": "b", "type": "link", "url": "javascript:window.PWN=42", "x": 300, "y": 0,
     "width": 200, "height": 100},
    {"id": "c", "type": "file", "file": "evil.svg", "x": 0, "y": 300, "width": 200, "height": 100},
    {"id": "d", "type": "group", "label": "<script>1</script>", "background": "other.svg",
     "x": -50, "y": -50, "width": 800, "height": 600}],
    "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "<script>window.PWN=43</script>"}]}
XHTML = ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
         '<script>window.PWN=50</script><p onclick="window.PWN=51">x</p></body></html>')
DRAWING = "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\nhi ^a\n"


def _attack_vault() -> dict[str, str | bytes]:
    return {"Note.md": ATTACK_NOTE, "evil.svg": EVIL_SVG, "other.svg": EVIL_SVG.replace("PWN", "PWNB"),
            "clean.svg": CLEAN_SVG, "page.html": EVIL_HTML, "page.htm": EVIL_HTML,
            "feed.xhtml": XHTML, "board.canvas": json.dumps(CANVAS),
            "Draw.excalidraw.md": DRAWING, "Draw.excalidraw.svg": EVIL_SVG,
            "<img src=x onerror=window.PWN=60>.md": "hello\n"}


_URL_ATTRS = {"href", "src", "action", "formaction", "data", "srcdoc", "poster", "background"}


def _what_runs(elements) -> list[str]:
    """Everything among ``(tag, attrs, text)`` that could run a script or load a document."""
    found = []
    for tag, attrs, text in elements:
        if tag == "script" and ("PWN" in text or any(k == "src" and not v.startswith(
                ("_assets/", "_data/", "_search/", "_previews/", "../")) for k, v in attrs)):
            found.append(f"<script>{text[:40]}")
        if tag in ("iframe", "object", "embed", "frame", "base", "form"):
            found.append(f"<{tag}>")
        if tag in ("set", "animate") and attrs:
            found.append(f"<{tag} {attrs}>")
        if tag == "style" and "javascript" in text.lower():
            found.append(f"<style>{text[:40]}")
        for name, value in attrs:
            plain = "".join(c for c in value if c > " ").lower()
            if name.lower().startswith("on") or name == "srcdoc":
                found.append(f"<{tag} {name}={value[:40]}>")
            elif name in _URL_ATTRS and plain.startswith(("javascript:", "vbscript:", "data:text")):
                found.append(f"<{tag} {name}={value[:40]}>")
            elif name in _URL_ATTRS and plain.startswith("data:image/svg") and tag != "img":
                found.append(f"<{tag} {name}={value[:40]}>")
            elif name == "style" and "javascript" in plain:
                found.append(f"<{tag} style={value[:40]}>")
    return found


def _html_elements(text: str):
    tree = html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)
    return _etree_elements(tree)


def _etree_elements(tree):
    for el in tree.iter():
        if isinstance(el.tag, str):
            yield (el.tag.split("}")[-1].lower(), [(k.split("}")[-1], v) for k, v in el.attrib.items()],
                   "".join(el.itertext()))


def scan_site(out: Path) -> dict[str, list[str]]:
    """What could run, file by file, in every document of a built site, each parsed as a browser
    parses it (HTML by the HTML parser, SVG and XHTML as XML)."""
    found = {}
    for path in sorted(out.rglob("*")):
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            elements = list(_html_elements(path.read_text(encoding="utf-8")))
        elif suffix in (".svg", ".xhtml", ".xml"):
            elements = list(_etree_elements(ET.fromstring(path.read_bytes())))
        else:
            continue
        bad = _what_runs(elements)
        if bad:
            found[path.relative_to(out).as_posix()] = bad
    return found


def test_nothing_that_runs_reaches_the_site(tmp_path: Path) -> None:
    """A vault with a script in every place one can hide: attachments (SVG by itself, as an
    Excalidraw export, as a canvas group's background; HTML, XHTML), raw HTML, front-matter, a file
    name, a canvas.  The notes' parts were safe already; the attachments were copied as they were,
    so opening ``evil.svg`` or ``page.html`` by its link ran their scripts in the site's origin."""
    site = build_notes(tmp_path, _attack_vault())
    assert (site.out / "evil.svg").is_file() and (site.out / "page.html").is_file()
    assert (site.out / "other.svg").is_file() and (site.out / "feed.xhtml").is_file()
    assert (site.out / "Draw.excalidraw.svg").is_file() and (site.out / "page.htm").is_file()
    assert scan_site(site.out) == {}
    # nothing of it survives as text where a parser could be fooled either
    for name in ("evil.svg", "other.svg", "page.html", "feed.xhtml"):
        data = (site.out / name).read_text(encoding="utf-8")
        assert "PWN" not in data and "javascript" not in data.lower(), name


def test_what_a_drawing_shows_stays(tmp_path: Path) -> None:
    """The sanitised SVG is the same picture: its shapes, text, links and raster images stay; the
    HTML page keeps its title, heading, table and picture."""
    site = build_notes(tmp_path, _attack_vault())
    svg = ET.fromstring((site.out / "evil.svg").read_bytes())
    tags = [el.tag.split("}")[-1] for el in svg.iter()]
    for kept in ("rect", "circle", "text", "foreignObject", "p", "a", "image"):
        assert kept in tags, kept
    assert svg.get("width") == "120"
    images = [el for el in svg.iter() if el.tag.endswith("}image")]
    assert [el.get("href") for el in images] == [None, "data:image/png;base64,iVBORw0KGgo="]
    page = html5lib.parse((site.out / "page.html").read_text(encoding="utf-8"),
                          treebuilder="etree", namespaceHTMLElements=False)
    assert page.find(".//title").text == "Report & notes"
    assert page.find(".//h1").text == "Quarterly"
    assert len(page.findall(".//td")) == 2 and page.find(".//img").get("src") == "pic.png"


def test_a_clean_svg_is_copied_byte_for_byte_without_warning(tmp_path: Path) -> None:
    site = build_notes(tmp_path, _attack_vault())
    assert (site.out / "clean.svg").read_bytes() == CLEAN_SVG.encode()
    assert not [m for m in site.messages("attachment-sanitised") if "clean.svg" in m]


def test_one_warning_per_file_at_its_first_dropped_place(tmp_path: Path) -> None:
    """Each sanitised file is told once (however many pages show it), at the line and column of
    the first thing dropped, with what went."""
    vault = _attack_vault()
    vault["Second.md"] = "![[evil.svg]] [[page.html]]\n"
    site = build_notes(tmp_path, vault)
    msgs = site.messages("attachment-sanitised")
    assert len([m for m in msgs if m.startswith("evil.svg:")]) == 1
    evil = next(m for m in msgs if m.startswith("evil.svg:"))
    assert evil.startswith("evil.svg:2:1: warning[attachment-sanitised]: published without onload=, <script>")
    assert "<svg:script>, xlink:href= (javascript: URL), href= (javascript: URL)" in evil
    assert " more:" in evil
    page = next(m for m in msgs if m.startswith("page.html:"))
    assert page.startswith("page.html:2:46: ") and "<script>, <style>, <meta>, onload=, onerror=" in page
    assert {m.split(":")[0] for m in msgs} == {"evil.svg", "other.svg", "page.html", "page.htm",
                                               "feed.xhtml", "Draw.excalidraw.svg"}


def test_check_reports_what_build_sanitises(tmp_path: Path) -> None:
    from generator.config import load_config
    from generator.pipeline import check

    vault = write_files(tmp_path / "v", _attack_vault())
    found = [d.format() for d in check(load_config(vault)).diagnostics if d.code == "attachment-sanitised"]
    built = build_notes(tmp_path / "b", _attack_vault()).messages("attachment-sanitised")
    assert sorted(set(found)) == sorted(built)


def test_a_rebuild_keeps_the_sanitised_files(tmp_path: Path) -> None:
    """A second build keeps pages it need not render, and their attachment records: the files
    those name are sanitised again, not copied."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(tmp_path / "v", _attack_vault())
    cfg = load_config(vault)
    first = build(cfg, tmp_path / "site", exec_mode="no-exec")
    before = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*")
              if p.is_file()}
    second = build(cfg, tmp_path / "site", exec_mode="no-exec", state=first.state)
    after = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*")
             if p.is_file()}
    assert second.stats.rendered < first.stats.rendered or second.stats.rendered == 0
    assert after == before
    assert scan_site(tmp_path / "site") == {}


def test_malformed_svg_is_left_out_with_a_warning(tmp_path: Path) -> None:
    """A browser shows a file that is no well-formed XML up to its error (a script before it may
    run); such a file is not published (no picture of it would be shown either)."""
    bad = f'<svg {SVG}><script>window.PWN=1</script><rect></svg>'
    site = build_notes(tmp_path, {"N.md": "![[bad.svg]]\n", "bad.svg": bad})
    assert not (site.out / "bad.svg").exists()
    [msg] = site.messages("attachment-sanitised")
    assert msg.startswith("bad.svg:1:") and "not published" in msg and "well-formed" in msg


@pytest.mark.parametrize("doc", [
    # an entity whose text is markup: expanded as a browser would, and the script inside dropped
    f'<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;window.PWN=1&#60;/script&#62;">]><svg {SVG}>&x;</svg>',
    # an external entity is never read
    f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {SVG}><text>&x;</text></svg>',
    f'<?xml-stylesheet type="text/xsl" href="evil.xsl"?><svg {SVG}/>',
    f'<svg {SVG}><handler type="application/ecmascript">window.PWN=1</handler></svg>',
    f'<svg {SVG}><a><animate attributeName="xlink:href" values="javascript:window.PWN=1"/></a></svg>',
    f'<svg {SVG}><a href="JaVaScRiPt:window.PWN=1">x</a></svg>',
    f'<svg {SVG}><a href="data:text/html,&lt;script&gt;window.PWN=1&lt;/script&gt;">x</a></svg>',
    f'<svg {SVG}><use href="https://evil.example/x.svg#a"/></svg>',
    f'<svg {SVG}><rect style="fill:url(javascript:1)"/></svg>',
])
def test_svg_vectors_are_dropped(doc: str) -> None:
    cleaned = clean_xml(doc.encode())
    assert cleaned.keep and cleaned.data is not None and cleaned.dropped
    tree = ET.fromstring(cleaned.data)
    assert _what_runs(_etree_elements(tree)) == []
    text = cleaned.data.decode()
    assert "PWN" not in text and "javascript" not in text.lower() and "passwd" not in text
    assert "https://evil" not in text and "xml-stylesheet" not in text


def test_entity_bomb_is_refused_quickly() -> None:
    from tests.conftest import time_limit

    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doc = f'<!DOCTYPE svg [<!ENTITY l0 "lol">{lol}]><svg {SVG}><text>&l9;</text></svg>'
    with time_limit(30):
        cleaned = clean_xml(doc.encode())
    assert not cleaned.keep and cleaned.data is None


def test_html_page_is_always_written_anew_even_when_harmless() -> None:
    """HTML is not checked and kept: what a sanitiser keeps is what reaches the reader."""
    cleaned = clean_html(b"<p>hello <b>world</b></p>", "hello.html")
    assert cleaned.data is not None and b"<p>hello <b>world</b></p>" in cleaned.data
    assert cleaned.dropped == ()


# -- in a browser --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["evil.svg", "other.svg", "Draw.excalidraw.svg", "page.html",
                                  "page.htm", "feed.xhtml", "Note.html", "board.canvas.html"])
def test_opened_in_a_browser_nothing_runs(tmp_path: Path, chrome, name: str) -> None:
    """Each attack file opened by its link in Chromium (and the note and canvas pages that show
    them) sets no flag and opens no dialog, including after a click and a hover."""
    vault = _attack_vault()
    vault["pic.png"] = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08"
                        b"\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00"
                        b"\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    vault["Note.md"] += "![[pic.png]]\n"
    site = build_notes(tmp_path, vault)
    page = chrome.page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((site.out / name).as_uri())
    page.wait_for_timeout(300)
    page.mouse.move(60, 40)
    page.mouse.click(60, 40)
    page.wait_for_timeout(300)
    flags = page.evaluate("() => Object.keys(window).filter(k => k.startsWith('PWN'))")
    assert flags == [] and dialogs == []
    page.close()


def test_compressed_svg_is_sanitised_and_compressed_again(tmp_path: Path) -> None:
    """A server that sends ``.svgz`` with ``Content-Encoding: gzip`` (Apache's usual setting) lets a
    browser run what is inside."""
    import gzip

    clean = gzip.compress(CLEAN_SVG.encode(), mtime=0)
    site = build_notes(tmp_path, {"N.md": "[[e.svgz]] [[c.svgz]]\n",
                                  "e.svgz": gzip.compress(EVIL_SVG.encode()), "c.svgz": clean})
    assert (site.out / "c.svgz").read_bytes() == clean
    out = gzip.decompress((site.out / "e.svgz").read_bytes())
    assert _what_runs(_etree_elements(ET.fromstring(out))) == [] and b"PWN" not in out
    assert [m.split(":")[0] for m in site.messages("attachment-sanitised")] == ["e.svgz"]


def test_an_svg_a_code_cell_returns_is_sanitised(tmp_path: Path) -> None:
    """A cell's ``_repr_svg_`` is written as a file under ``_exec/`` and shown as a picture; opened by
    its link it ran its script, where the same cell's HTML output is sanitised."""
    from generator.config import load_config
    from generator.pipeline import build

    code = f"class S:\n    def _repr_svg_(self):\n        return {EVIL_SVG!r}\nS()"
    vault = write_files(tmp_path / "v", {"N.md": f"# N\n\n```{{python}}\n{code}\n```\n"})
    build(load_config(vault), tmp_path / "site", exec_mode="auto")
    svgs = sorted((tmp_path / "site" / "_exec").rglob("*.svg"))
    assert svgs
    for path in svgs:
        data = path.read_bytes()
        assert _what_runs(_etree_elements(ET.fromstring(data))) == [] and b"PWN" not in data
