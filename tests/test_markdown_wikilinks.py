"""Wikilink and embed tokens (Contract 1): meta, positions, and what is left alone."""

from __future__ import annotations

from generator.markdown import make_markdown, split_wikilink
from generator.markdown._util import walk


def links(src: str, kind: str = "wikilink") -> list:
    return [t for t in walk(make_markdown().parse(src, {})) if t.type == kind]


def test_meta_of_a_full_link() -> None:
    (tok,) = links("see [[Folder/Note#A#B|shown]]\n")
    assert tok.meta == {"target": "Folder/Note", "anchor": ["A", "B"], "block": None,
                        "alias": "shown", "embed": False, "raw": "[[Folder/Note#A#B|shown]]",
                        "line": 0, "col": 4}
    assert tok.content == "shown"


def test_block_and_same_note_heading() -> None:
    a, b = links("[[Note#^abc-1]] [[#Heading]]\n")
    assert (a.meta["target"], a.meta["anchor"], a.meta["block"]) == ("Note", [], "abc-1")
    assert (b.meta["target"], b.meta["anchor"], b.meta["block"]) == ("", ["Heading"], None)


def test_embed_meta_keeps_size_spec() -> None:
    (tok,) = links("![[pic.png|alt|300]]\n", "embed")
    assert tok.meta["embed"] is True
    assert tok.meta["alias"] == "alt|300"
    assert tok.meta["target"] == "pic.png"


def test_md_suffix_is_kept_as_written() -> None:
    (tok,) = links("[[Note.md]]\n")
    assert tok.meta["target"] == "Note.md"


def test_line_and_col_count_front_matter_and_containers() -> None:
    src = "---\ntitle: x\n---\n\npara\n> quote [[Q]]\n\n- item\n  more [[L]]\n"
    q, li = links(src)
    assert (q.meta["line"], q.meta["col"]) == (5, 8)
    assert (li.meta["line"], li.meta["col"]) == (8, 7)


def test_positions_in_a_table_with_escaped_pipe() -> None:
    src = "| a | b |\n|---|---|\n| x | [[Note\\|alias]] |\n"
    (tok,) = links(src)
    assert tok.meta["alias"] == "alias" and tok.meta["target"] == "Note"
    assert (tok.meta["line"], tok.meta["col"]) == (2, 6)


def test_positions_of_several_links_over_lines() -> None:
    toks = links("a [[A]]\nb [[B]] [[C]]\n\n[[D]]\n")
    assert [(t.meta["line"], t.meta["col"]) for t in toks] == [(0, 2), (1, 2), (1, 8), (3, 0)]


def test_nothing_in_code() -> None:
    src = "`[[A]]`\n\n```\n[[B]]\n![[C]]\n```\n\n    [[D]]\n"
    assert links(src) == [] and links(src, "embed") == []


def test_no_match_across_lines_or_unclosed() -> None:
    assert links("[[A\nB]]\n") == []
    assert links("[[A and text\n") == []


def test_split_wikilink() -> None:
    assert split_wikilink("Note\\|x") == {"target": "Note", "anchor": [], "block": None,
                                          "alias": "x"}
    assert split_wikilink("N#H#^b")["block"] == "b"


def test_positions_inside_inline_footnotes() -> None:
    link, after = links("x\nText^[inline [[Link]]] and [[After]]\n")[::-1]
    assert (link.meta["target"], link.meta["line"], link.meta["col"]) == ("Link", 1, 13)
    assert (after.meta["target"], after.meta["line"], after.meta["col"]) == ("After", 1, 27)
    assert set(link.meta) == {"target", "anchor", "block", "alias", "embed", "raw", "line", "col"}
