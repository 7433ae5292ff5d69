"""Heading ids follow generator.slugs and are unique per note."""

from __future__ import annotations

from generator.markdown import make_markdown
from generator.slugs import anchor_id


def heading_ids(src: str) -> list[str]:
    return [t.attrGet("id") for t in make_markdown().parse(src, {}) if t.type == "heading_open"]


def test_ids_match_slugs_and_are_unique() -> None:
    assert heading_ids("# Café: au lait\n## Café: au lait\n") == [
        anchor_id("Café: au lait"), anchor_id("Café: au lait") + "-1"]


def test_plain_text_without_markup() -> None:
    toks = make_markdown().parse("## *A* `b` [[C|d]] #e $x$\n", {})
    assert toks[0].meta["text"] == "A b d #e x"


def test_uniqueness_is_case_insensitive() -> None:
    assert heading_ids("# Intro\n# intro\n") == ["Intro", "intro-1"]
