"""Math renders to MathML at build time; errors warn through the context."""

from __future__ import annotations

from generator.markdown import make_markdown


class Ctx:
    def __init__(self) -> None:
        self.warnings: list[tuple] = []

    def warn(self, code, message, line, col=0, hint=None):
        self.warnings.append((code, line, col))


def test_mathml_inline_and_block() -> None:
    html = make_markdown().render("a $x^2$ b\n\n$$\n\\frac{1}{2}\n$$\n", {})
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert 'display="block"' in html and "<mfrac>" in html
    assert "<script" not in html


def test_error_warns_with_position() -> None:
    ctx = Ctx()
    html = make_markdown().render("line\nok $\\frac{1}{$ end\n\n$$\n\\frac{\n$$\n", {"ctx": ctx})
    assert html.count('class="math-error"') == 2
    assert ctx.warnings == [("math-error", 1, 3), ("math-error", 3, 0)]


def test_inline_math_token_has_position() -> None:
    toks = make_markdown().parse("x\n  - a $b$\n", {})
    math = [c for t in toks if t.children for c in t.children if c.type == "math_inline"]
    assert (math[0].meta["line"], math[0].meta["col"]) == (1, 6)


def test_unbalanced_braces_and_undefined_commands_warn() -> None:
    """latex2mathml typesets these without a word; MathJax (Obsidian) reports each of them."""
    ctx = Ctx()
    html = make_markdown().render("a $x_{b$ and $a}$\n\nc $\\badcommand{x} + y$ d\n\n"
                                  "ok $\\{a\\}$\n", {"ctx": ctx})
    assert html.count('class="math-error"') == 2
    assert ctx.warnings == [("math-error", 0, 2), ("math-error", 0, 13), ("math-error", 2, 2)]
    assert "<mo>&#x0002B;</mo>" in html  # the rest of the formula with the unknown command still shows
