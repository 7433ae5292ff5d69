"""Render rules call the context of Contract 2 when ``env["ctx"]`` is set."""

from __future__ import annotations

from generator.markdown import make_markdown


class Ctx:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def render_wikilink(self, token):
        self.calls.append(("wikilink", token.meta["target"]))
        return f'<a href="{token.meta["target"]}.html">L</a>'

    def render_embed(self, token):
        self.calls.append(("embed", token.meta["target"]))
        return "<figure>E</figure>"

    def render_tag(self, token):
        self.calls.append(("tag", token.meta["tag"]))
        return '<a class="tag">T</a>'

    def render_md_href(self, href, token):
        self.calls.append(("href", href))
        return "Other-Note.html" if href.endswith(".md") else None

    def render_md_src(self, src, token):
        self.calls.append(("src", src))
        return "_assets/" + src

    def code_cell(self, token):
        return None

    def warn(self, code, message, line, col=0, hint=None):
        self.calls.append(("warn", code, line))


def test_context_methods_are_called() -> None:
    ctx = Ctx()
    src = "[[A]] ![[B]] #c [x](Other%20Note.md) [y](https://e.org) ![i](p.png)\n"
    html = make_markdown().render(src, {"ctx": ctx})
    assert ctx.calls == [("wikilink", "A"), ("embed", "B"), ("tag", "c"),
                         ("href", "Other%20Note.md"), ("href", "https://e.org"), ("src", "p.png")]
    # a note embed is a block: the paragraph is cut around it
    assert '<p><a href="A.html">L</a></p>\n<figure>E</figure>\n<p><a class="tag">T</a>' in html
    assert '<a href="Other-Note.html">x</a>' in html and '<a href="https://e.org">y</a>' in html
    assert '<img src="_assets/p.png" alt="i" />' in html


def test_tokens_are_not_modified_by_rendering() -> None:
    md = make_markdown()
    tokens = md.parse("[x](a.md) ![i](p.png)\n", {})
    md.renderer.render(tokens, md.options, {"ctx": Ctx()})
    link = tokens[1].children[0]
    image = tokens[1].children[-1]
    assert link.attrGet("href") == "a.md" and image.attrGet("src") == "p.png"


def test_fallbacks_without_context() -> None:
    html = make_markdown().render("[[A|b]] ![[C]] #d ![[i.png]]\n", {})
    assert html == ('<p><a class="wikilink" data-target="A">b</a></p>\n'
                    '<span class="embed" data-target="C">C</span>\n'
                    '<p><a class="tag" data-tag="d">#d</a> '
                    '<span class="embed" data-target="i.png">i.png</span></p>\n')
