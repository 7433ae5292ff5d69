"""Tag tokens: what is a tag and what is not."""

from __future__ import annotations

import pytest

from generator.markdown import make_markdown
from generator.markdown._util import walk


def tags(src: str) -> list[str]:
    return [t.meta["tag"] for t in walk(make_markdown().parse(src, {})) if t.type == "tag"]


@pytest.mark.parametrize(("src", "expected"), [
    ("#tag", ["tag"]),
    ("x #nested/Tag y", ["nested/Tag"]),
    ("#Ünïcode_ok-1 #日本", ["Ünïcode_ok-1", "日本"]),
    ("#हिंदी #ภาษา", ["हिंदी", "ภาษา"]),  # vowel signs are marks, not \\w: still in the tag
    ("#cafe\u0301 x", ["caf\u00e9"]),  # a combining accent belongs to the tag; tags are NFC
    ("(#paren)", ["paren"]),
    ("#123", []),
    ("#12/34", ["12/34"]),  # the "/" is the non-digit Obsidian asks for (a tag, there too)
    ("#12/", []),
    ("a#b", []),
    ("https://x.org/#frag", []),
    ("[l](https://x.org/#frag)", []),
    ("# Heading", []),
    ("`#code`", []),
    ("```\n#fenced\n```", []),
    ("%%#hidden%%", []),
    ("color #fff and #0a0", ["fff", "0a0"]),
])
def test_tags(src: str, expected: list[str]) -> None:
    assert tags(src + "\n") == expected


def test_tag_meta_and_position() -> None:
    toks = [t for t in walk(make_markdown().parse("---\na: 1\n---\ntext #x/y\n", {}))
            if t.type == "tag"]
    assert toks[0].meta == {"tag": "x/y", "line": 3, "col": 5}
    assert toks[0].content == "#x/y"


def test_tags_in_heading_text_are_tags() -> None:
    assert tags("## Title #t\n") == ["t"]
