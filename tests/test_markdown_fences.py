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


def test_mermaid_fallback_is_readable_source_with_one_warning_each(monkeypatch) -> None:
    """Without the renderer (a platform mmdr has no wheel for) the diagram stays readable."""
    from generator.markdown import mermaid

    monkeypatch.setattr(mermaid, "mmdr", None)
    ctx = Ctx()
    src = "x\n\n```mermaid\ngraph TD\n  A --> B\n```\n\n```mermaid\ngraph LR\n  C-->D\n```\n"
    html = make_markdown().render(src, {"ctx": ctx})
    assert html.count('class="highlight mermaid-source"') == 2
    assert "A --&gt; B" in html
    assert ctx.warnings == [("mermaid-unrendered", 2, 0), ("mermaid-unrendered", 7, 0)]


needs_mmdr = pytest.mark.skipif(not mermaid_available(), reason="mmdr is not installed")


def _svg_ids(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    return [el["id"] for el in BeautifulSoup(html, "html.parser").select("figure.mermaid [id]")]


@needs_mmdr
def test_mermaid_renders_svg_with_its_labels() -> None:
    ctx = Ctx()
    html = make_markdown().render("```mermaid\ngraph TD\n  A[Start here] --> B[Done]\n```\n",
                                  {"ctx": ctx})
    assert html.startswith('<figure class="mermaid"><svg') and not ctx.warnings
    assert ">Start here<" in html and ">Done<" in html and "mermaid-source" not in html
    # a block id after the diagram lands on the figure (a link target, as in Obsidian)
    html = make_markdown().render("```mermaid\ngraph TD\n  A --> B\n```\n^flow\n", {"ctx": ctx})
    assert html.startswith('<figure class="mermaid" id="^flow"><svg') and "^flow<" not in html


@needs_mmdr
def test_mermaid_ids_are_unique_on_a_page_and_the_stylesheet_follows_them() -> None:
    """Every diagram is drawn as ``id="merman"`` with ``#merman …`` rules: two on a page (the same
    one twice, too) would share ids and each other's styles."""
    import re

    same = "```mermaid\ngraph TD\n  A --> B\n```\n\n"
    other = "```mermaid\nsequenceDiagram\n  Alice->>Bob: Hi\n```\n"
    html = make_markdown().render(same + same + other, {"ctx": Ctx()})
    roots = re.findall(r'<svg id="([^"]+)"', html)
    assert len(roots) == 3 and len(set(roots)) == 3
    ids = _svg_ids(html)
    assert len(ids) == len(set(ids)), "no id twice on the page"
    for root, style in zip(roots, re.findall(r"<style>(.*?)</style>", html, re.S), strict=True):
        selectors = set(re.findall(r"#([\w-]+)", re.sub(r"url\(#[^)]*\)", "", style)))
        selectors -= {c for c in selectors if re.fullmatch(r"[0-9a-fA-F]{3,8}", c)}  # colours
        assert selectors == {root}, "each stylesheet styles its own diagram only"
    # markers and filters point at ids of the page (the renderer's stylesheets also name a
    # ``#drop-shadow`` filter that no diagram defines: left as drawn, it points at nothing)
    refs = set(re.findall(r"url\(#([^)]+)\)", html)) - {"drop-shadow"}
    assert refs and refs <= set(ids)


@needs_mmdr
def test_mermaid_svg_is_sanitised() -> None:
    """The diagram text is the note's: no script, handler, link or HTML island reaches the page."""
    src = ("```mermaid\nflowchart LR\n"
           "  A[\"<img src=x onerror=alert(1)>\"] --> B[\"<script>alert(2)</script>\"]\n"
           "  C[\"<b>bold</b>\"] --> D[plain]\n"
           '  click A "javascript:alert(3)"\n  click D href "https://example.com"\n'
           "  classDef x fill:url(https://example.com/x.png)\n  class D x\n```\n")
    html = make_markdown().render(src, {"ctx": Ctx()}).lower()
    assert "<svg" in html
    for bad in ("<script", "onerror", "javascript:", "<foreignobject", "<img", "href=",
                "example.com", "@import"):
        assert bad not in html, bad


@needs_mmdr
def test_a_mermaid_syntax_error_is_reported_at_its_fence_and_shown_as_source() -> None:
    ctx = Ctx()
    html = make_markdown().render("Text\n\n```mermaid\ngraph TD\n  A -->\n```\n", {"ctx": ctx})
    assert 'class="highlight mermaid-source"' in html and "<svg" not in html
    assert ctx.warnings == [("mermaid-error", 2, 0)]


@needs_mmdr
def test_a_diagram_shown_again_by_an_embed_keeps_page_ids_unique(tmp_path) -> None:
    """A note with a diagram, embedded twice into a note that draws the same diagram itself
    (each placement of an embed names its ids apart, as it does its footnotes)."""
    from conftest import build_notes

    diagram = "```mermaid\nflowchart LR\n  A --> B\n```\n"
    site = build_notes(tmp_path, {"Flow.md": f"# Flow\n\n{diagram}",
                                  "Host.md": f"# Host\n\n{diagram}\n![[Flow]]\n\n![[Flow]]\n"})
    soup = site.html("Host.md")
    assert len(soup.select("figure.mermaid svg")) == 3
    ids = [el["id"] for el in soup.select("[id]")]
    assert len(ids) == len(set(ids))
    assert not [d for d in site.diagnostics if d.code.startswith("mermaid")]


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
