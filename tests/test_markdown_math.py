"""Math renders to MathML at build time; errors warn through the context."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.markdown import make_markdown


class Ctx:
    def __init__(self) -> None:
        self.warnings: list[tuple] = []

    def warn(self, code, message, line, col=0, hint=None):
        self.warnings.append((code, line, col))


def test_mathml_inline_and_block() -> None:
    html = make_markdown().render("a $x^2$ b\n\n$$\n\\frac{1}{2}\n$$\n", {})
    # the LaTeX is the text alternative (alttext), for tools that do not read MathML
    assert '<math alttext="x^2" xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
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
    # |x| stays as written, an ordinary symbol with no space around it
    assert html.count('<mo stretchy="false" lspace="0" rspace="0">|</mo>') == 2


def test_text_in_math_keeps_angle_brackets() -> None:
    """``\\text{x<y}`` shows x<y, as MathJax does (latex2mathml copied the text raw and the "<y"
    read as a tag, so the rest of the text was lost)."""
    from bs4 import BeautifulSoup

    html = make_markdown().render("$\\text{x<y}$ and $\\text{a <b> c} < d$\n", {})
    texts = [t.get_text() for t in BeautifulSoup(html, "html.parser").find_all("mtext")]
    assert texts == ["x<y", "a\u00a0<b>\u00a0c"]
    assert "<mo>&lt;</mo>" in html


def _math(src: str, display: bool = True) -> str:
    from generator.markdown.math import latex_to_mathml

    return latex_to_mathml(src, display)


def _soup(src: str, display: bool = True):
    return BeautifulSoup(_math(src, display), "html.parser")


def test_sized_delimiters_with_escaped_braces() -> None:
    """``\\Big\\{`` and ``\\bigl\\|`` are a brace and a double bar, as in MathJax; latex2mathml
    wrote the command itself (a literal ``\\{`` on the page)."""
    for src, want in ((r"\Big\{ x \Big\}", "{}"), (r"\bigl\{ a \bigr\}", "{}"),
                      (r"\big\| a \big\|", "\u2016\u2016"), (r"\bigg\langle a \bigg\rangle", "\u27e8\u27e9"),
                      (r"\Bigl\lvert a \Bigr\rvert", "||")):
        mos = [m.get_text() for m in _soup(src).find_all("mo")]
        assert "".join(mos) == want, (src, mos)


def test_operator_names_are_upright_with_limits_in_display() -> None:
    """``\\operatorname*{arg\\,min}_\\theta`` is one upright operator with the subscript under it
    in display math (movablelimits puts it beside inline); latex2mathml wrote an empty operator, a
    ``*`` and italic letters."""
    for display in (True, False):
        soup = _soup(r"\operatorname*{arg\,min}_\theta L", display)
        under = soup.find("munder")
        assert under is not None, soup
        op = under.find("mo")
        assert op.get_text() == "arg\u2009min" and op.get("movablelimits") == "true"
        assert under.find("mi").get_text() == "θ"
        assert "*" not in soup.get_text() and not [m for m in soup.find_all("mo") if not m.get_text()]
    soup = _soup(r"\operatorname{arg\,max} x")
    assert soup.find("mi").get_text() == "arg\u2009max" and soup.find("munder") is None
    for name in ("lim", "max", "min", "sup", "inf", "det", "gcd", "Pr", "liminf", "limsup"):
        soup = _soup(f"\\{name}_{{x\\to0}} f")
        assert soup.find("munder") is not None, (name, soup)
        assert soup.find("munder").find("mo").get("movablelimits") == "true", name
    assert _soup(r"\liminf_n a").find("mo").get_text() == "lim\u2009inf"
    soup = _soup(r"\lim\nolimits_x f")
    assert soup.find("munder") is None and soup.find("msub") is not None


def test_standard_operator_names_are_defined() -> None:
    """Every operator name MathJax knows typesets upright without a warning (``\\arg`` was an
    undefined control sequence)."""
    ctx = Ctx()
    names = ("arg deg det dim gcd hom ker lg lim liminf limsup ln log max min Pr sup inf sec csc "
             "cot sinh cosh tanh exp sin cos tan arcsin arccos arctan coth").split()
    src = " ".join(f"\\{n} x" for n in names) + r" a \mod b, a \bmod b, a \pmod{n}"
    html = make_markdown().render(f"$${src}$$\n", {"ctx": ctx})
    assert ctx.warnings == [] and "\\" not in BeautifulSoup(html, "html.parser").get_text()
    assert "<mi>arg</mi>" in html


def test_label_is_dropped_and_negations_combine() -> None:
    ctx = Ctx()
    html = make_markdown().render("$$E = mc^2 \\label{eq:1}$$\n\n$a \\not= b \\not< c$\n",
                                  {"ctx": ctx})
    assert ctx.warnings == [] and "label" not in html and "eq:1" not in html
    assert "<mo>\u2260</mo>" in html and "<mo>\u226e</mo>" in html
    assert "<mo>\u223c</mo>" in _math(r"a \sim b")


def test_math_alphabets_are_unicode_characters() -> None:
    """In MathML Core (Chromium) ``mathvariant`` other than ``normal`` on a one-letter ``<mi>`` is
    ignored: styled letters are the Mathematical Alphanumeric Symbols, as MathJax shows them."""
    cases = {r"\mathrm{d}": "d", r"\mathbf{vA1}": "𝐯𝐀𝟏", r"\mathbf{v}": "𝐯",
             r"\mathscr{L}": "ℒ", r"\mathcal{L}": "ℒ", r"\mathbb{R}": "ℝ", r"\mathbb{1}": "𝟙",
             r"\mathfrak{g}": "𝔤", r"\mathit{x}": "𝑥", r"\mathsf{x}": "𝗑", r"\mathtt{x}": "𝚡",
             r"\boldsymbol{\alpha}": "𝜶", r"\mathbf{\Gamma}": "𝚪", r"\mathit{h}": "ℎ",
             r"\bf x": "𝐱", r"\mathfrak{C}": "ℭ"}
    for src, want in cases.items():
        soup = _soup(src)
        assert soup.get_text() == want, (src, soup)
        for tag in soup.find_all(True):
            variant = tag.get("mathvariant")
            assert variant is None or (variant == "normal" and tag.name == "mi"
                                       and len(tag.get_text()) == 1), (src, tag)
    d = _soup(r"\frac{\mathrm{d}y}{\mathrm{d}x}").find_all("mi")
    assert [(m.get_text(), m.get("mathvariant")) for m in d] == [
        ("d", "normal"), ("y", None), ("d", "normal"), ("x", None)]
    assert _soup(r"\mathrm{T}").find("mi").get("mathvariant") == "normal"


def test_enclosures_are_drawn_without_menclose() -> None:
    """``<menclose>`` is not MathML Core: Chromium drew neither the box nor the strike."""
    for src in (r"\boxed{z}", r"\cancel{x}", r"\bcancel{x}", r"\xcancel{x}", r"\sout{x}",
                r"\fbox{z}"):
        mathml = _math(src)
        assert "menclose" not in mathml and "notation" not in mathml, (src, mathml)
        assert "style=" in mathml, (src, mathml)
    assert "border:" in _math(r"\boxed{z}")
    assert _math(r"\xcancel{x}").count("linear-gradient") == 2


def _cells(src: str) -> list[list]:
    return [tr.find_all("mtd", recursive=False) for tr in _soup(src).find_all("mtr")]


def test_array_rules_are_cell_borders() -> None:
    """``columnlines``/``rowlines`` are not MathML Core: the rules of ``{c|c}`` and ``\\hline`` are
    the cells' borders."""
    rows = _cells(r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}")
    style = [[td.get("style") or "" for td in tr] for tr in rows]
    assert "border-right" in style[0][0] and "border-right" in style[1][0]
    assert "border-right" not in style[0][1] and "border-left" not in style[0][0]
    assert all("border-top" in s for s in style[1]) and not any("border-top" in s for s in style[0])
    rows = _cells(r"\begin{array}{|l|}\hline a \\ \hline b \\ \hline\end{array}")
    assert len(rows) == 2
    s = [tr[0].get("style") for tr in rows]
    assert all("border-left" in x and "border-right" in x for x in s)
    assert "border-top" in s[0] and "border-top" in s[1] and "border-bottom" in s[1]
    assert "border-bottom" not in s[0]
    mathml = _math(r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}")
    assert "columnlines" not in mathml and "rowlines" not in mathml


def test_aligned_columns_alternate_right_left() -> None:
    """Chromium lays out an ``<mtd>`` ignoring ``columnalign`` and ``text-align: right`` (measured):
    ``-webkit-right`` is the value it applies; the cells carry it inline."""
    for env, arg in (("aligned", ""), ("align*", ""), ("split", ""), ("alignat", "{2}")):
        rows = _cells(f"\\begin{{{env}}}{arg} a &= b & c &= d \\\\ long &= e & f &= g \\end{{{env}}}")
        for tr in rows:
            aligns = [(td.get("style") or "").split("text-align:")[1].split(";")[0] for td in tr]
            assert aligns[:2] == ["-webkit-right", "-webkit-left"], (env, aligns)
    rows = _cells(r"\begin{array}{lcr} a & b & c \end{array}")
    assert [td.get("style").split("text-align:")[1].split(";")[0] for td in rows[0]] == [
        "-webkit-left", "-webkit-center", "-webkit-right"]
    assert "columnalign" not in _math(r"\begin{cases} a & b \\ c & d \end{cases}")


def test_function_names_keep_a_thin_space_and_arrows_stretch() -> None:
    """``\\sin x`` has TeX's thin space between name and argument (Chromium drew "sinx"), none
    before a bracket; arrows and braces over a formula stretch over all of it."""
    soup = _soup(r"\sin x + \log^2 y + \ker(f) + \arg z")
    spaces = soup.find_all("mspace")
    assert len(spaces) == 3 and all(s.get("width") == "0.1667em" for s in spaces)
    assert soup.find("mi", string="ker").find_next_sibling().name == "mo"
    for src in (r"\xrightarrow{f}", r"\overrightarrow{AB}", r"\overbrace{a+b}", r"\widehat{xy}"):
        assert 'stretchy="true"' in _math(src), src


@pytest.mark.browser
def test_aligned_and_array_layout_in_chromium(tmp_path) -> None:
    """Measured in Chromium: the ``=`` signs of ``aligned`` rows line up (left column against its
    right edge), an ``array``'s ``{c|c}`` rule is drawn between the columns."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from chromium import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    page = tmp_path / "m.html"
    body = _math(r"\begin{aligned} a &= b + c \\ long\,expression &= d \end{aligned}")
    body += _math(r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}")
    page.write_text(f"<!doctype html><body style='font-size:20px'>{body}</body>", encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri())
            eqs = tab.evaluate("() => [...document.querySelectorAll('mo')].filter(m => "
                               "m.textContent === '=').map(m => m.getBoundingClientRect().left)")
            lefts = tab.evaluate("() => [...document.querySelector('mtable').querySelectorAll("
                                 "'mtr')].map(r => [r.children[0].getBoundingClientRect().right, "
                                 "r.children[0].lastElementChild.getBoundingClientRect().right])")
            rule = tab.evaluate("() => getComputedStyle(document.querySelectorAll('mtable')[1]"
                                ".querySelector('mtd')).borderRightWidth")
        finally:
            browser.close()
    assert len(eqs) == 2 and abs(eqs[0] - eqs[1]) < 1, eqs
    assert all(abs(cell - last) < 1 for cell, last in lefts), lefts  # flush right, no padding
    assert rule == "1px"


def test_a_math_warning_is_one_line_at_the_bad_command() -> None:
    """A display block was reported at its ``$$`` line with the whole formula across lines; a
    binary note printed kilobytes of it.  Now: one line, the formula shortened, the line of the
    undefined command."""
    class Messages(Ctx):
        def warn(self, code, message, line, col=0, hint=None):
            self.warnings.append((line, message, hint))

    ctx = Messages()
    long = " + ".join(f"x_{i}" for i in range(40))
    make_markdown().render(f"intro\n\n$$\na = b \\\\\n\\badcmd{{x}} + y\n$$\n\n$\\nope {long}$\n",
                           {"ctx": ctx})
    (line, message, hint), (_, long_message, _) = ctx.warnings
    assert line == 4 and "\n" not in message and "\\badcmd" in message and hint
    assert "\n" not in long_message and len(long_message) < 120


def test_tex_comments_are_not_in_the_text_alternative():
    """``$x^2 %%why%%$``: % starts a TeX comment (nothing of it is drawn), so the alttext, which
    tools read aloud and copy, drops it too; ``\\%`` is a percent sign and stays."""
    html = make_markdown().render("A $x^2 %%SECRET%%$ and\n\n$$\n50\\% + y % SECRET\n+ z\n$$\n", {})
    assert "SECRET" not in html
    alts = [m["alttext"] for m in BeautifulSoup(html, "html.parser").find_all("math")]
    assert alts == ["x^2", "50\\% + y + z"]
