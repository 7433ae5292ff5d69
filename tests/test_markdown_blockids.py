"""Block ids: ``meta["block_id"]`` on the opening token, text removed, ``id="^id"`` rendered."""

from __future__ import annotations

from generator.markdown import make_markdown


def ids(src: str) -> list[tuple[str, str]]:
    return [(t.type, t.meta["block_id"]) for t in make_markdown().parse(src, {})
            if "block_id" in t.meta]


def test_paragraph() -> None:
    toks = make_markdown().parse("Some text ^abc-1\n", {})
    assert toks[0].meta["block_id"] == "abc-1" and toks[0].attrGet("id") == "^abc-1"
    assert toks[1].content == "Some text"


def test_list_item_table_quote_list() -> None:
    assert ids("- a ^one\n- b\n") == [("list_item_open", "one")]
    assert ids("| a |\n|---|\n| 1 |\n^t\n") == [("table_open", "t")]
    assert ids("> q\n\n^q1\n") == [("blockquote_open", "q1")]
    assert ids("- a\n- b\n\n^l\n") == [("bullet_list_open", "l")]
    assert ids("1. a\n\n^o\n") == [("ordered_list_open", "o")]


def test_table_row_is_removed() -> None:
    html = make_markdown().render("| a |\n|---|\n| 1 |\n^t\n", {})
    assert "^t" not in html.replace('id="^t"', "") and html.count("<tr>") == 2


def test_only_row_removes_the_body() -> None:
    html = make_markdown().render("| a |\n|---|\n^t\n", {})
    assert "<tbody>" not in html and '<table id="^t">' in html


def test_not_block_ids() -> None:
    assert ids("a^b\n") == []
    assert ids("a ^b c\n") == []
    assert ids("`a ^b`\n") == []
    assert ids("```\nx ^b\n```\n") == []


def test_id_inside_callout_body_goes_to_callout() -> None:
    assert ids("> [!note]\n> text ^c\n") == [("callout_open", "c")]
