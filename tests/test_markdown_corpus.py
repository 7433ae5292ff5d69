"""The Obsidian Help vault parses without exceptions; its fenced code stays code."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.markdown import make_markdown
from generator.markdown._util import walk

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "obsidian-help-en"
NOTES = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not NOTES, reason="obsidian-help-en corpus not present")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def test_every_note_parses_and_renders() -> None:
    md = make_markdown()
    total_links = 0
    for path in NOTES:
        tokens = md.parse(_read(path), {})
        md.renderer.render(tokens, md.options, {})
        for tok in walk(tokens):
            if tok.type in ("wikilink", "embed"):
                total_links += 1
                assert isinstance(tok.meta["line"], int) and tok.meta["line"] >= 0
    assert total_links > 1000


def test_wikilinks_in_fences_are_not_links() -> None:
    md = make_markdown()
    fenced_with_links = 0
    for path in NOTES:
        text = _read(path)
        tokens = md.parse(text, {})
        fence_lines = set()
        for tok in tokens:
            if tok.type in ("fence", "code_block") and tok.map:
                fence_lines.update(range(tok.map[0], tok.map[1]))
                if "[[" in tok.content:
                    fenced_with_links += 1
        for tok in walk(tokens):
            if tok.type in ("wikilink", "embed"):
                assert tok.meta["line"] not in fence_lines, (path.name, tok.meta)
    assert fenced_with_links > 0


def test_link_positions_point_at_the_link() -> None:
    md = make_markdown()
    checked = 0
    for path in NOTES[:60]:
        lines = _read(path).split("\n")
        for tok in walk(md.parse("\n".join(lines), {})):
            if tok.type in ("wikilink", "embed") and "\\|" not in lines[tok.meta["line"]]:
                line = lines[tok.meta["line"]]
                assert line[tok.meta["col"]:].startswith(tok.meta["raw"]), (path.name, tok.meta)
                checked += 1
    assert checked > 100
