"""Callout tokens: meta, nesting, aliases, title tokens."""

from __future__ import annotations

import pytest

from generator.markdown import CALLOUT_ALIASES, make_markdown


def parse(src: str) -> list:
    return make_markdown().parse(src, {})


def test_callout_tokens_and_meta() -> None:
    toks = parse("> [!Warning]- Mind **this**\n> body\n")
    types = [t.type for t in toks]
    assert types[:3] == ["callout_open", "callout_title_open", "inline"]
    assert types[-1] == "callout_close"
    assert "blockquote_open" not in types
    assert toks[0].meta == {"kind": "warning", "type": "warning", "title": "Mind **this**",
                            "fold": "-", "metadata": ""}
    assert toks[2].content == "Mind **this**" and toks[2].map == [0, 1]
    body = next(t for t in toks[3:] if t.type == "inline")
    assert body.content == "body" and body.map == [1, 2]


@pytest.mark.parametrize("kind", sorted(CALLOUT_ALIASES))
def test_every_type_and_alias(kind: str) -> None:
    """``data-callout`` is the type as written, as in Obsidian (so a CSS snippet written for
    ``[data-callout="faq"]`` styles it); an alias also names the type it stands for."""
    html = make_markdown().render(f"> [!{kind.upper()}]\n> x\n", {})
    canonical = CALLOUT_ALIASES[kind]
    assert f'data-callout="{kind}"' in html
    if canonical != kind:
        assert f'data-callout="{kind}" data-callout-type="{canonical}"' in html
    else:
        assert "data-callout-type" not in html
    assert '<span class="callout-icon"><svg' in html


def test_unknown_type_keeps_its_name() -> None:
    toks = parse("> [!recipe] Soup\n> x\n")
    assert toks[0].meta["type"] == "note" and toks[0].meta["kind"] == "recipe"
    assert 'data-callout="recipe"' in make_markdown().render("> [!recipe] Soup\n> x\n", {})


def test_nested_callouts() -> None:
    src = "> [!note] Outer\n> > [!tip]+ Inner\n> > text\n> after\n"
    opens = [t for t in parse(src) if t.type == "callout_open"]
    assert [(t.meta["kind"], t.meta["fold"]) for t in opens] == [("note", ""), ("tip", "+")]
    html = make_markdown().render(src, {})
    assert html.count("<details") == 1 and " open>" in html


def test_levels_are_consistent() -> None:
    toks = parse("> [!note]\n> - a\n>   - b\n")
    depth = 0
    for t in toks:
        if t.nesting == -1:
            depth -= 1
        assert t.level == depth, t
        if t.nesting == 1:
            depth += 1
    assert depth == 0


def test_setext_heading_first_in_body() -> None:
    """The head line leaves a setext heading as it leaves a paragraph; maps and levels follow."""
    toks = parse("> [!quote]\n> line\n> ---\n> after\n")
    shape = [(t.type, t.level, t.map) for t in toks]
    assert shape[:5] == [("callout_open", 0, [0, 4]), ("callout_title_open", 1, [0, 1]),
                         ("inline", 2, [0, 1]), ("callout_title_close", 1, None),
                         ("callout_content_open", 1, [0, 4])]
    assert shape[5:8] == [("heading_open", 2, [1, 3]), ("inline", 3, [1, 2]),
                          ("heading_close", 2, None)]
    assert toks[0].meta["title"] == "" and toks[2].content == "Quote"
    assert toks[6].content == "line" and toks[5].attrs["id"] == "line"
    hr = [t for t in parse("> > [!tip] T\n> > ---\n") if t.type == "hr"]
    assert [(t.map, t.level, t.markup) for t in hr] == [([1, 2], 3, "---")]


def test_metadata_after_a_pipe_is_not_part_of_the_type() -> None:
    """``[!warning|wide]``: Obsidian keeps the type (colour, icon, default title) and hands the
    metadata to themes and CSS snippets as ``data-callout-metadata``."""
    html = make_markdown().render("> [!warning|wide]\n> body\n\n> [!tip|right]- Folded\n> x\n", {})
    assert 'data-callout="warning" data-callout-metadata="wide"' in html
    assert '<span class="callout-title-inner">Warning</span>' in html
    assert 'data-callout="tip" data-callout-metadata="right" data-callout-fold="-"' in html
    assert "|" not in html
