"""Every fixture file in tests/fixtures/markdown/ (mdit's format), rendered without a context."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from generator.markdown import build_markdown, make_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
CASES = [
    pytest.param(src, expected, id=f"{path.stem}:{line}:{title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for line, title, src, expected in read_fixture_file(path)
]


@pytest.mark.parametrize(("src", "expected"), CASES)
def test_fixture(src: str, expected: str, monkeypatch) -> None:
    # mermaid fences as their readable source: the SVG is the renderer's (and its version's), and
    # is tested in test_markdown_fences
    from generator.markdown import mermaid

    monkeypatch.setattr(mermaid, "mmdr", None)
    assert make_markdown().render(src, {}) == expected


def test_every_plugin_has_fixtures() -> None:
    names = {p.stem for p in FIXTURES.glob("*.md")}
    assert {"wikilinks", "tags", "callouts", "highlight", "comments", "blockids", "headings",
            "math", "fences", "sanitize"} <= names


def test_make_markdown_is_shared_and_reusable() -> None:
    md = make_markdown()
    assert make_markdown() is md
    first = md.render("# A\n\n# A\n", {})
    assert md.render("# A\n\n# A\n", {}) == first  # heading ids reset per parse
    assert 'id="A-1"' in first


def test_tokens_render_twice_identically() -> None:
    md = build_markdown()
    tokens = md.parse("[x](a.md) ![i](b.png) [[N]] #t ^x\n", {})
    once = md.renderer.render(tokens, md.options, {})
    assert md.renderer.render(tokens, md.options, {}) == once


def test_line_ends_are_normalised() -> None:
    """The reader normalises CRLF; markdown-it's own normalize step gives the same result."""
    md = make_markdown()
    src = "# H\n\ntext [[A]] #t ^b\n\n> [!note]\n> x\n"
    assert md.render(src.replace("\n", "\r\n"), {}) == md.render(src, {})
    links = [c.meta for t in md.parse(src.replace("\n", "\r\n"), {}) if t.children
             for c in t.children if c.type == "wikilink"]
    assert (links[0]["line"], links[0]["col"]) == (2, 5)
