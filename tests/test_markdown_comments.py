"""``%%comments%%`` leave no token and no text behind; code is not touched."""

from __future__ import annotations

from generator.markdown import make_markdown
from generator.markdown._util import walk


def render(src: str) -> str:
    return make_markdown().render(src, {})


def test_no_token_survives() -> None:
    toks = list(walk(make_markdown().parse("a %%x%% b %% open\n\nmore\n", {})))
    assert not any("comment" in t.type for t in toks)
    assert "x" not in "".join(t.content for t in toks if t.type == "text")


def test_unclosed_comment_hides_the_rest_of_the_note() -> None:
    html = render("kept\n\n%%\ngone\n\n## gone\n\n- gone\n")
    assert "kept" in html and "gone" not in html


def test_unclosed_inline_comment_hides_later_blocks() -> None:
    html = render("kept %% gone\n\ngone\n\n> gone\n")
    assert "kept" in html and "gone" not in html


def test_comment_closed_in_a_later_block_ends_there() -> None:
    html = render("kept %% gone\n\ngone %%\n\nvisible\n")
    assert "kept" in html and "visible" in html and "gone" not in html


def test_code_is_not_touched() -> None:
    html = render("`%%a%%`\n\n```\n%%\nx %% y\n```\n")
    assert html.count("%%") == 4


def test_comment_with_links_and_tags_inside_leaves_no_tokens() -> None:
    toks = list(walk(make_markdown().parse("%%[[A]] #t%%\n\n%%\n[[B]]\n%%\n", {})))
    assert not [t for t in toks if t.type in ("wikilink", "tag")]


def test_text_after_a_closer_in_a_later_paragraph_is_kept() -> None:
    src = "kept %% gone\n\ngone [[G]]\nstill %% shown [[S]]\nmore\n\nvisible\n"
    html = render(src)
    assert "gone" not in html and "still" not in html
    assert '<p>shown <a class="wikilink" data-target="S">S</a>\nmore</p>' in html
    links = [t.meta for t in walk(make_markdown().parse(src, {})) if t.type == "wikilink"]
    assert [(m["target"], m["line"], m["col"]) for m in links] == [("S", 3, 15)]
