"""Pathological notes: no line or block makes the build slow out of proportion to its size.

Bounds compare CPU time with plain markdown-it on the same text (least of three runs), with a
wide margin: a loaded machine only ever adds time, a quadratic rule costs many times more.
"""

from __future__ import annotations

import pytest
from conftest import cpu_cost, render_cost
from markdown_it import MarkdownIt

from generator.markdown import make_markdown

_cost = render_cost


@pytest.mark.parametrize("unit", ["a:// ", "http:// ", "x://y ", "://", "a://b.c "])
def test_many_schemes_on_a_line_stay_linear(unit: str) -> None:
    """markdown-it's linkify rule searched all the pending text for each ``://``: 20,000 on a
    line took about 30 s.  Here plain markdown-it has no linkify, which reads no ``://``."""
    text = unit * 8000
    plain = MarkdownIt("commonmark")
    assert _cost(make_markdown(), text) < 6 * _cost(plain, text) + 0.5, unit


def test_bare_urls_are_linked_as_before() -> None:
    md = make_markdown()
    html = md.render("see https://example.com/a_b.(c)?x=1#f. and http://a.b/" + "x" * 5000
                     + " end")
    assert '<a href="https://example.com/a_b.(c)?x=1#f"' in html
    assert 'href="http://a.b/' + "x" * 5000 + '"' in html
    assert "xhttp://a.b" in md.render("xhttp://a.b") and "<a" not in md.render("xhttp://a.b")


def test_unclosed_admonition_fences_stay_linear() -> None:
    """Each unclosed ```` ```ad-note ```` is the body of the one before, parsed again at each
    level: 8,000 lines took 23 s.  Ten levels deep are read, a deeper fence stays code."""
    text = "```ad-note\n" * 8000
    plain = MarkdownIt("commonmark")
    assert _cost(make_markdown(), text) < 20 * _cost(plain, text) + 1.0
    html = make_markdown().render("```ad-note\n" * 12 + "x\n")
    assert html.count('data-callout="note"') == 10
    assert "<code" in html and "ad-note" in html.split("<code", 1)[1]


def test_a_long_task_list_stays_linear() -> None:
    """Each task looked its list up by searching back through every token before it: a list of
    16,000 tasks took 12 s."""
    text = "- [ ] a\n" * 16000
    plain = MarkdownIt("commonmark")
    assert _cost(make_markdown(), text) < 8 * _cost(plain, text) + 0.5
    html = make_markdown().render("- a\n  - [ ] b\n- [x] c\n")
    assert html.count('class="contains-task-list"') == 2


@pytest.mark.parametrize("unit", ["<!--\n", "<!-- --->\n", "x <!-- a\n"])
def test_unclosed_html_comments_stay_linear(unit: str) -> None:
    """The sanitiser looked for the end of each ``<!--`` to the end of the block: a block of
    16,000 unclosed ones took about 15 s."""
    text = unit * 16000
    plain = MarkdownIt("commonmark", {"html": True})
    assert _cost(make_markdown(), text) < 10 * _cost(plain, text) + 0.5, unit


def test_html_comments_end_at_the_first_close() -> None:
    from generator.markdown import sanitize_html
    assert sanitize_html("<div>a<!-- b --->c<!-->d<!-- e -->f</div>") == "<div>acdf</div>"
    assert "&lt;!--" in sanitize_html("<div>a<!-- b</div>")


def _index_cost(tmp_path, body: str) -> float:
    """CPU seconds to parse one note and index it (``cpu_cost``, the least of two runs)."""
    from generator.config import load_config
    from generator.index import build_index
    from generator.model import SourceFile, VaultPath
    from generator.parse import parse_note
    cfg = load_config(tmp_path)
    data = body.encode()
    diagnostics = []

    def run() -> None:
        src = SourceFile(VaultPath("big.md"), tmp_path / "big.md", "note", "0:0", len(data))
        note = parse_note(src, cfg, data)
        index = build_index([note], [], cfg)
        diagnostics.append(len(note.diagnostics) + len(index.diagnostics))
    cost = cpu_cost(run, runs=2)
    assert min(diagnostics) >= 2000  # each one placed
    return cost


@pytest.mark.parametrize("make", [
    lambda n: "---\n" + "".join(f"k{i}: '[[n{i}]]'\n" for i in range(n)) + "---\nx\n",
    lambda n: "---\nup:\n" + "".join(f"  - '[[n{i}]]'\n" for i in range(n)) + "---\nx\n",
    lambda n: "---\ntags:\n" + "".join(f"  - 'a b{i}'\n" for i in range(n)) + "---\nx\n",
], ids=["keys", "list", "bad-tags"])
def test_front_matter_places_stay_linear(tmp_path, make) -> None:
    """Each property link and each bad tag looked its key up from the top of the front-matter,
    then its value through the key's lines: 32,000 of them took about a minute."""
    small, large = _index_cost(tmp_path, make(2000)), _index_cost(tmp_path, make(8000))
    assert large < 8 * small + 1.0  # linear: about 4x; quadratic: 16x, tens of seconds


def test_front_matter_places_are_where_written() -> None:
    from generator.frontmatter import PlaceFinder, front_matter_place
    lines = ["title: x", "up: '[[a]]'", "rel:", '  - "[[b]]"', "  - see [[c|x]] and [[d#h]]",
             "'Quoted': y", "Tags:", "  - ok", "  - 'bad tag'", "later: [[b]]", "a:b: z"]
    finder = PlaceFinder(lines)
    for key, raw in [("up", "[[a]]"), ("rel", "[[b]]"), ("rel", "[[c|x]]"), ("rel", "[[d#h]]"),
                     ("quoted", None), ("tags", "bad tag"), ("tags", "ok"), ("later", "[[b]]"),
                     ("a:b", None), ("missing", None), ("rel", "nowhere")]:
        assert finder.place(key, raw) == front_matter_place(lines, key, raw), (key, raw)
