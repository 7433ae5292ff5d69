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
                            "fold": "-"}
    assert toks[2].content == "Mind **this**" and toks[2].map == [0, 1]
    body = next(t for t in toks[3:] if t.type == "inline")
    assert body.content == "body" and body.map == [1, 2]


@pytest.mark.parametrize("kind", sorted(CALLOUT_ALIASES))
def test_every_type_and_alias(kind: str) -> None:
    html = make_markdown().render(f"> [!{kind}]\n> x\n", {})
    assert f'data-callout="{CALLOUT_ALIASES[kind]}"' in html
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
