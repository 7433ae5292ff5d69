"""Audit 10 (reading): notes in any encoding, and warnings a user can act on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import build_notes

from generator.frontmatter import decode


def where(diag) -> str:
    return diag.format().split(" warning", 1)[0]


def test_stray_windows_bytes_in_a_utf8_note_read_as_typed():
    """A UTF-8 note with a ``caf\\xe9`` or a ``\\x96`` dash pasted from a Windows program showed
    U+FFFD: those bytes alone are read as Windows-1252, the rest stays UTF-8, and the warning is at
    the first of them and says what was assumed."""
    data = "# Über\n\nNaïve ".encode() + b"caf\xe9, pages 3\x964, \x93quoted\x94\n"
    text, diags = decode(data, "Enc.md")
    assert text == "# Über\n\nNaïve café, pages 3–4, “quoted”\n"
    assert [where(d) for d in diags] == ["Enc.md:3:10:"]
    assert "0xE9" in diags[0].message and "Windows-1252" in diags[0].message
    assert "'é'" in diags[0].message and "retype" in diags[0].hint  # re-saving keeps the bytes
    text, diags = decode(b"\xef\xbb\xbfa\r\n\x85 b\x92s\r\n", "Bom.md")  # after a BOM, with CRLF
    assert text == "a\n… b’s\n" and [where(d) for d in diags] == ["Bom.md:2:1:"]
    assert decode(b"a\x81b", "C1.md")[0] == "a\ufffdb"  # a byte Windows-1252 does not use


SAMPLES = {
    "French": ("cp1252", "# Café et crème\n\nLe café est prêt à 8 h. J’ai lu « Les Misérables ».\n"),
    "French, one line": ("cp1252", "Réunion déjà prévue.\n"),
    "German": ("latin-1", "---\ntitle: Übersicht\n---\nDie Straße ist schön; Grüße an Jürgen.\n"),
    "Icelandic": ("cp1252", "Það er gott að vera hér. Ég fór í búðina.\n"),
    "Polish": ("cp1250", "Zażółć gęślą jaźń. Łódź jest piękna.\n"),
    "Czech": ("cp1250", "Příliš žluťoučký kůň úpěl ďábelské ódy.\n"),
    "Turkish": ("cp1254", "Bugün hava çok güzel, işte şimdi çıkıyorum.\n"),
    "Turkish, ğ and ş": ("cp1254", "E1089: Bilinmeyen değişken: %s\n"),
    "Hungarian": ("cp1250", "Árvíztűrő tükörfúrógép. Őszintén szólva.\n"),
    "Slovak": ("cp1250", "Prepáčte, žiadne návrhy\n"),
    "Icelandic, þ and ð": ("cp1252", "Þetta er það sem við viljum á morgun.\n"),
    "Russian": ("cp1251", "# Заметки\n\nПривет, мир! Это заметка о Python. Смотри [[Главная]].\n"),
    "Russian, two words": ("cp1251", "Привет мир\n"),
    "Russian KOI8-R": ("koi8-r", "# Заметки\n\nПривет, мир! Это тестовая заметка.\n"),
    "Russian KOI8-R, two words": ("koi8-r", "Привет мир\n"),
    "Greek": ("cp1253", "# Σημειώσεις\n\nΚαλημέρα κόσμε! Αυτή είναι μια σημείωση.\n"),
    "Hebrew": ("cp1255", "# הערות\n\nשלום עולם, זו הערה לדוגמה.\n"),
    "Arabic": ("cp1256", "# ملاحظات\n\nمرحبا بالعالم، هذه ملاحظة تجريبية.\n"),
    "Japanese": ("cp932", "# メモ\n\n今日は東京で会議がありました。[[日本語]] #仕事\n"),
    "Japanese EUC-JP": ("euc_jp", "# メモ\n\n今日は東京で会議がありました。\n"),
    "Chinese GBK": ("gbk", "# 笔记\n\n今天我们学习了异步编程。这是一个关于时间和事件循环的笔记。\n"),
    "Chinese, one line": ("gb18030", "中文笔记：时间管理\n"),
    "Chinese Big5": ("cp950", "# 筆記\n\n今天我們學習了非同步程式設計。這是關於時間和事件迴圈的筆記。\n"),
    "Korean": ("euc_kr", "# 메모\n\n오늘은 서울에서 회의가 있었습니다. 내일은 부산에 갑니다.\n"),
    "Korean, one word": ("euc_kr", "안녕하세요\n"),
}


@pytest.mark.parametrize("language", SAMPLES)
def test_a_note_in_a_legacy_code_page_reads_as_written(language):
    """A whole note in a Windows or national code page was read as Windows-1252 (Cyrillic,
    Chinese and Japanese came out as accented Latin junk): it is read in the code page its bytes
    fit, which the warning names, at the first byte that is not UTF-8."""
    codec, written = SAMPLES[language]
    text, diags = decode(written.encode(codec), "Old.md")
    assert text == written
    assert [d.code for d in diags] == ["encoding"]
    first = next(i for i, ch in enumerate(written) if ord(ch) >= 0x80)
    line = written.count("\n", 0, first) + 1
    col = first - (written.rfind("\n", 0, first) + 1) + 1
    assert where(diags[0]) == f"Old.md:{line}:{col}:"
    opened = diags[0].hint.removeprefix("open it as ").split(" in a text editor")[0]
    assert opened in diags[0].message and "save it as UTF-8" in diags[0].hint


def test_valid_utf8_is_never_read_otherwise():
    """Text that is valid UTF-8 is UTF-8, whatever it looks like in another encoding."""
    for written in ("Ã© is mojibake for é\n", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚\n", "abc\n", "日本語\n", "\u00a0¤¦\n"):
        assert decode(written.encode(), "U.md") == (written, [])


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_byte_order_mark(codec):
    """UTF-16 without a byte-order mark got ``binary-content`` and its NULs dropped, and so did
    UTF-32 with or without one (its mark begins as UTF-16's): both are read from their NULs."""
    written = "---\ntitle: Café\n---\n# Notes\n\nnaïve “text” 日本\n"
    text, diags = decode(written.encode(codec), "W.md")
    assert text == written
    assert [(d.code, where(d)) for d in diags] == [("encoding", "W.md:1:1:")]
    assert codec.upper().replace("-LE", " LE").replace("-BE", " BE") in diags[0].message
    text, diags = decode(("\ufeff" + written).encode(codec), "B.md")
    assert text == written and [d.code for d in diags] == ["encoding"]


def test_nul_bytes_that_are_no_utf16_stay_binary_content():
    for data in (b"a\nbc\x00d\n", b"four \x00 nul\n", b"ab\x00\x00cd\x00\x00" * 3, os.urandom(4096)):
        _text, diags = decode(data, "J.md")
        assert "binary-content" in [d.code for d in diags] or b"\x00" not in data
        assert not any("UTF-16" in d.message or "UTF-32" in d.message for d in diags)


def test_legacy_notes_build_into_pages_that_read_as_written(tmp_path: Path):
    site = build_notes(tmp_path, {
        "Заметки.md": "# Заметки\n\nПривет, мир! Смотри [[Главная]].\n".encode("cp1251"),
        "Главная.md": "# Главная\n",
        "メモ.md": "今日は東京で会議がありました。 #仕事\n".encode("cp932"),
        "Pasted.md": b"We met at the caf\xe9 \x96 twice.\n",
    })
    assert site.content("Заметки.md").find("p").get_text() == "Привет, мир! Смотри Главная."
    assert site.content("Заметки.md").find("a")["href"].endswith(".html")
    assert "会議" in site.content("メモ.md").get_text()
    assert site.content("Pasted.md").find("p").get_text() == "We met at the café – twice."
    msgs = site.messages("encoding")
    assert len(msgs) == 3 and all(m.split(":")[1].isdigit() and m.split(":")[2].isdigit()
                                  for m in msgs), msgs


def test_no_bytes_make_reading_fail():
    """Whatever the bytes, decoding gives text with LF line ends and no NUL, and each warning has
    a line and a column."""
    import random

    rnd = random.Random(10)
    marks = (b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
    alphabets = (bytes(range(256)), b"ab \n\r\x00\x80\x93\xe9\xc3\xa9\xff\xfe", b"\x00a\nb\xe9\xd0\x81")
    for _ in range(600):
        alphabet = rnd.choice(alphabets)
        data = rnd.choice(marks) + bytes(rnd.choice(alphabet) for _ in range(rnd.choice((1, 3, 8, 64))))
        text, diags = decode(data, "x.md")
        assert "\r" not in text and "\x00" not in text
        assert all(d.span.line >= 1 and d.span.col >= 1 for d in diags), (data, diags)


FILE_LEVEL = {"duplicate-path", "symlink-broken", "symlink-outside", "symlink-loop", "unreadable",
              "file-name", "no-notes", "state-unsaved", "exec-stale", "exec-unsupported"}


def test_every_located_warning_says_line_and_column(tmp_path: Path):
    """``date-format``, ``tag-invalid``, ``property-deprecated``, ``frontmatter-yaml`` (not a
    mapping, not front-matter), ``block-id-duplicate``, ``template-error``, ``config-ignore`` and
    ``config-home`` said ``path:line:`` only: each now has the column of what to fix (the value,
    the tag, the pattern), and every warning with a place says ``path:line:col:``."""
    import re

    site = build_notes(tmp_path, {
        "vaultsite.toml": 'title = "T"\nignore = ["Drafts/**", "nothing/**"]\nhome = "Nope"\n',
        "A.md": "---\ntitle: A\ndate: 2025-13-45\ntag: x\ntags: [ok, \"bad tag\", \"123\"]\n---\n"
                "# A\n\npara ^id1\n\nmore ^id1\n",
        "B.md": "---\ntags:\n  - fine\n  - #comment\n---\nx\n",
        "NotMap.md": "---\n- a\n- b\n---\nx\n",
        "Near.md": "--- \ntitle: x\n---\nx\n",
        "Header.md": "DATE: 45-45-45\n\nx\n",
        "Drafts/d.md": "x\n",
        "_templates/note.html": "{% if %}\n",
    })
    where = {d.code + " " + str(d.span): d for d in site.diagnostics if d.span}
    for key in ("date-format A.md:3:7", "property-deprecated A.md:4:1", "tag-invalid A.md:5:13",
                "tag-invalid A.md:5:24", "block-id-duplicate A.md:11:6", "tag-invalid B.md:4:5",
                "frontmatter-yaml NotMap.md:2:1", "frontmatter-yaml Near.md:1:1",
                "date-format Header.md:1:7", "template-error _templates/note.html:1:1",
                "config-ignore vaultsite.toml:2:24", "config-home vaultsite.toml:3:8"):
        assert key in where, (key, sorted(where))
    for d in site.diagnostics:
        if d.code not in FILE_LEVEL:
            assert re.match(r"[^:]+:\d+:\d+: warning\[", d.format()), d.format()
        assert d.hint, d.format()  # and each says what to do


def test_failed_cells_and_bad_options_say_what_to_do(tmp_path: Path, monkeypatch):
    """A failed cell's hint was only "the traceback is shown in the page", a bad option value had
    no hint, and mermaid-unrendered put its advice in the message: each now says what to do."""
    from generator.execute.cells import CodeCell
    from generator.execute.outputs import cell_diagnostic
    from generator.markdown import mermaid

    cell = CodeCell(index=0, token_index=0, fence_line=0, line=2, code="x", display_code="x")
    hints = {kind: cell_diagnostic(cell, {"error": {"kind": kind, "ename": "E", "evalue": "v"}},
                                   "N.md").hint for kind in ("exception", "timeout", "exit", "crash")}
    assert "error: true" in hints["exception"] and "timeout:" in hints["timeout"], hints
    assert "sys.exit" in hints["exit"] and "memory" in hints["crash"], hints
    monkeypatch.setattr(mermaid, "mmdr", None)
    site = build_notes(tmp_path, {
        "C.md": "---\nexec: true\n---\n```python\n#| echo: maybe\nx = 1\n```\n\n"
                "```mermaid\ngraph TD\n  A-->B\n```\n"})
    (invalid,) = [d for d in site.diagnostics if d.code == "exec-option-invalid"]
    assert where(invalid) == "C.md:5:1:" and "`echo`" in invalid.hint
    (unrendered,) = [d for d in site.diagnostics if d.code == "mermaid-unrendered"]
    assert "pip install mmdr" in unrendered.hint and "pip" not in unrendered.message


def test_canvas_and_base_files_in_another_encoding_are_read_too(tmp_path: Path):
    """A canvas saved by hand as Windows-1252 or UTF-16 was not drawn at all ("not UTF-8 text"),
    and a base in Windows-1252 showed U+FFFD with no word: both are read as a note is, with an
    ``encoding`` warning at the file's first byte that is not UTF-8."""
    import json

    card = {"id": "1", "type": "text", "text": "Café “quoted”", "x": 0, "y": 0, "width": 200,
            "height": 60}
    canvas = json.dumps({"nodes": [card], "edges": []}, ensure_ascii=False)
    base = "views:\n  - type: table\n    name: Café\n"
    site = build_notes(tmp_path, {
        "A.md": "![[C1.canvas]]\n\n![[C2.canvas]]\n\n![[B1.base]]\n",
        "C1.canvas": canvas.encode("cp1252"), "C2.canvas": canvas.encode("utf-16"),
        "B1.base": base.encode("cp1252"),
    })
    content = site.content("A.md")
    assert len(content.select("svg.canvas-svg")) == 2 and not content.select(".canvas-invalid")
    assert content.get_text().count("Café “quoted”") == 2, content.get_text()
    assert "Café" in content.get_text() and "\ufffd" not in content.get_text()
    assert sorted(where(d) for d in site.diagnostics if d.code == "encoding") == [
        "B1.base:3:14:", "C1.canvas:1:52:", "C2.canvas:1:1:"]
    assert site.codes() == ["encoding"] * 3


def test_a_user_template_in_another_encoding_is_used_not_a_crash(tmp_path: Path):
    """``_templates/note.html`` saved as Windows-1252 stopped the build with a UnicodeDecodeError
    traceback (build and check): it is read as a note would be, and an ``encoding`` warning says
    so at its first byte that is not UTF-8."""
    from generator.config import load_config
    from generator.pipeline import check

    template = '{% extends "base.html" %}{% block main %}Café {{ content }}{% endblock %}\n'
    site = build_notes(tmp_path, {"A.md": "x\n", "_templates/note.html": template.encode("cp1252")})
    assert "Café" in site.html("A.md").find("main").get_text()
    assert [(d.code, where(d)) for d in site.diagnostics] == [
        ("encoding", "_templates/note.html:1:45:")]
    assert [d.code for d in check(load_config(tmp_path / "src")).diagnostics] == ["encoding"]


def test_a_config_file_that_is_not_utf8_is_an_error_at_its_byte(tmp_path: Path):
    """``vaultsite.toml`` saved as Windows-1252 was "vaultsite.toml: not UTF-8 text (invalid
    continuation byte)", with no place: the error now says the line and column of the byte."""
    from generator.config import ConfigError, load_config

    (tmp_path / "vaultsite.toml").write_bytes('title = "T"\nignore = ["Café/**"]\n'.encode("cp1252"))
    with pytest.raises(ConfigError, match=r"^vaultsite.toml:2:15: not UTF-8 text \(byte 0xE9"):
        load_config(tmp_path)


def test_a_nul_byte_keeps_the_columns_after_it(tmp_path: Path):
    """A NUL byte was dropped, so every warning after it on its line was a column short of the
    file's; it is U+FFFD, as CommonMark says of U+0000, and the columns stay the file's."""
    site = build_notes(tmp_path, {"Nul.md": b"ab\x00c [[Nope]]\n"})
    assert [where(d) for d in site.diagnostics] == ["Nul.md:1:3:", "Nul.md:1:6:"]
    assert site.content("Nul.md").get_text().strip() == "ab\ufffdc Nope"
