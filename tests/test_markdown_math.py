"""Math renders to MathML at build time; errors warn through the context."""

from __future__ import annotations

from bs4 import BeautifulSoup

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
    assert "<mo>+</mo>" in html  # the rest of the formula with the unknown command still shows


def test_math_output_is_sanitised() -> None:
    """Markup typed inside ``\\text`` is shown as text, never made an element or attribute.
    latex2mathml copies ``\\text`` and some arguments into its output as they are: a note's math
    must not carry a script, a handler, a ``javascript:`` link or a style that loads a URL."""
    md = make_markdown()
    for src in ("$\\text{<script>document.title='x'</script>}$",
                '$\\text{<img/src="nope"/onerror="alert(1)">}$',
                "$$\\href{javascript:alert(3)}{x}$$",
                "$\\style{background:url(http://evil.example/x.png)}{x}$",
                "$\\text{</mtext></math><svg onload=alert(1)>}$"):
        html = md.render(src + "\n", {})
        soup = BeautifulSoup(html, "html.parser")
        assert soup.find_all(["script", "img", "svg", "style", "a"]) == [], (src, html)
        for tag in soup.find_all(True):
            assert not any(a.startswith("on") or a in ("style", "href", "src") for a in tag.attrs), \
                (src, tag)
        assert "<math" in html and "</math>" in html
    # text with & and < is escaped, not left as broken markup
    html = md.render("$\\text{a & b < c}$\n", {})
    assert "&amp;" in html and "&lt;" in html


def test_environments_obsidian_typesets() -> None:
    """``aligned``, ``alignat``, ``gather``… are tables of rows (MathJax in Obsidian), without
    equation numbers; latex2mathml alone wrote ``&`` as a letter and ran the rows together."""
    md = make_markdown()
    for env, arg in (("aligned", ""), ("align", ""), ("alignat", "{2}"), ("gathered", ""),
                     ("gather*", ""), ("multline", "")):
        html = md.render(f"$$\\begin{{{env}}}{arg} a &= b \\\\ c &= d \\end{{{env}}}$$\n", {})
        assert html.count("<mtr>") == 2, (env, html)
        assert "<mi>&amp;</mi>" not in html and "(1)" not in html, (env, html)


def test_matrix_brackets_stretch_with_the_rows() -> None:
    """latex2mathml writes a matrix's brackets as plain operators; they must stretch as in TeX (the
    closing bar of a vmatrix stayed one line high in Chromium)."""
    html = make_markdown().render("$$\\begin{vmatrix}a & b\\\\ c & d\\end{vmatrix} = |x|$$\n", {})
    assert html.count('<mo stretchy="true">|</mo>') == 2
    assert html.count('<mo stretchy="false">|</mo>') == 2  # |x| stays as written


def test_text_in_math_keeps_angle_brackets() -> None:
    """``\\text{x<y}`` shows x<y, as MathJax does (latex2mathml copied the text raw and the "<y"
    read as a tag, so the rest of the text was lost)."""
    from bs4 import BeautifulSoup

    html = make_markdown().render("$\\text{x<y}$ and $\\text{a <b> c} < d$\n", {})
    texts = [t.get_text() for t in BeautifulSoup(html, "html.parser").find_all("mtext")]
    assert texts == ["x<y", "a\u00a0<b>\u00a0c"]
    assert "<mo>&lt;</mo>" in html
