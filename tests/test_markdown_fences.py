"""Fences: Pygments at build time, code cells from the context, mermaid."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from generator.markdown import fence_language, make_markdown, mermaid_available, pygments_css


class Ctx:
    def __init__(self, cell=None) -> None:
        self.cell = cell
        self.asked: list = []
        self.warnings: list[tuple] = []

    def code_cell(self, token):
        self.asked.append(token.info)
        return self.cell

    def warn(self, code, message, line, col=0, hint=None):
        self.warnings.append((code, line, col))


@pytest.mark.parametrize(("info", "lang"), [
    ("python", "python"), ("{python}", "python"), ("run-python", "python"),
    ("python {exec=true}", "python"), ("{r echo=false}", "r"), ("", ""), ("C++", "c++"),
])
def test_fence_language(info: str, lang: str) -> None:
    assert fence_language(info) == lang


def test_highlight_uses_classes_not_styles() -> None:
    html = make_markdown().render("```python\ndef f(): pass\n```\n", {})
    assert 'class="highlight"' in html and '<span class="k">def</span>' in html
    assert "style=" not in html


@pytest.mark.parametrize(("prism", "pygments"), [
    ("yml", "yaml"), ("kt", "kotlin"), ("gql", "graphql"), ("jsonc", "json"), ("svg", "xml"),
    ("vb", "vbnet"), ("cmd", "batch"),
])
def test_prism_language_names_are_highlighted(prism: str, pygments: str) -> None:
    """Obsidian highlights with Prism, whose short names Pygments does not all know: the same
    code comes out the same under either name."""
    code = {"yaml": "a: 1\n", "kotlin": "fun f() = 1\n", "graphql": "query { a }\n",
            "json": '{"a": 1}\n', "xml": '<a b="c"/>\n', "vbnet": "Dim a As Integer\n",
            "batch": "echo off\n"}[pygments]
    md = make_markdown()
    html = md.render(f"```{prism}\n{code}```\n", {})
    assert "<span" in html
    assert html.replace(prism, "") == md.render(f"```{pygments}\n{code}```\n", {}).replace(pygments, "")


def test_code_cell_output_after_code() -> None:
    ctx = Ctx(SimpleNamespace(show_code=True, html='<div class="output">42</div>'))
    html = make_markdown().render("```python {exec=true}\nprint(42)\n```\n", {"ctx": ctx})
    assert html.startswith('<div class="code-cell">\n<pre class="highlight"')
    assert html.endswith('<div class="output">42</div></div>\n')
    assert ctx.asked == ["python {exec=true}"]


def test_code_cell_hidden_code() -> None:
    ctx = Ctx(SimpleNamespace(show_code=False, html="<p>out</p>"))
    html = make_markdown().render("```python\nx\n```\n", {"ctx": ctx})
    assert html == '<div class="code-cell">\n<p>out</p></div>\n'


def test_no_cell_is_a_plain_block() -> None:
    html = make_markdown().render("```python\nx\n```\n", {"ctx": Ctx()})
    assert html.startswith('<pre class="highlight"')


def test_pygments_css_has_light_and_dark() -> None:
    css = pygments_css()
    assert ".highlight .k" in css and "prefers-color-scheme: dark" in css


@pytest.mark.skipif(mermaid_available(), reason="mermaid-rs renders diagrams here")
def test_mermaid_fallback_is_readable_source_with_one_warning_each() -> None:
    ctx = Ctx()
    src = "x\n\n```mermaid\ngraph TD\n  A --> B\n```\n\n```mermaid\ngraph LR\n  C-->D\n```\n"
    html = make_markdown().render(src, {"ctx": ctx})
    assert html.count('class="highlight mermaid-source"') == 2
    assert "A --&gt; B" in html
    assert ctx.warnings == [("mermaid-unrendered", 2, 0), ("mermaid-unrendered", 7, 0)]


@pytest.mark.skipif(not mermaid_available(), reason="mermaid-rs is not installed")
def test_mermaid_renders_svg() -> None:
    ctx = Ctx()
    html = make_markdown().render("```mermaid\ngraph TD\n  A --> B\n```\n", {"ctx": ctx})
    assert '<figure class="mermaid"><svg' in html and not ctx.warnings


def test_an_obsidian_search_block_is_shown_as_a_search_and_reported(tmp_path):
    """```` ```query ```` is Obsidian's live search: the page shows the search as written, marked
    as one (not as a code sample), and the build says its results are not on the site; a query
    block quoted inside another fence is code."""
    from conftest import build_notes

    site = build_notes(tmp_path, {"Q.md": "# Q\n\nBefore.\n\n```query\ntag:#python \"event loop\"\n"
                                          "```\n\n````md\n```query\nnot me\n```\n````\n"})
    content = site.content("Q.md")
    box = content.find("div", class_="query-embed")
    assert box is not None and box.find(class_="query-title").get_text() == "Search in Obsidian"
    assert box.find("pre", class_="query-source").get_text() == 'tag:#python "event loop"'
    assert len(content.find_all("div", class_="query-embed")) == 1
    assert "not me" in content.find("pre", class_="highlight").get_text()
    assert [m.split(" warning[")[0] for m in site.messages("query-unrendered")] == ["Q.md:5:1:"]
