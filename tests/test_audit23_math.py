"""Audit 23: a mathematics and physics student's course vault, built and read as Obsidian (MathJax 3)
shows it."""

from __future__ import annotations

import pytest
from conftest import build_notes


def _formulas(site, source: str) -> list:
    return site.content(source).find_all("math")


def test_a_macro_defined_in_a_formula_serves_the_later_formulas_of_the_note(tmp_path):
    """MathJax keeps ``\\newcommand`` and ``\\def`` "available throughout the rest of the page"
    (docs.mathjax.org, Defining TeX macros): a student defines ``\\R`` once and writes it in every
    later formula.  Each later formula showed ``\\R`` as an undefined command with a warning."""
    site = build_notes(tmp_path, {"Eigen.md": (
        "Let $\\newcommand{\\R}{\\mathbb{R}}\\R^n$ be the space.\n\n"
        "$$\\newcommand{\\norm}[1]{\\left\\lVert #1 \\right\\rVert} \\norm{v} = 1$$\n\n"
        "$$\\def\\C{\\mathbb{C}} p \\in \\C[\\lambda]$$\n\n"
        "Then $\\norm{Av} = |\\lambda| \\norm{v}$ for $v \\in \\R^n$, and again $\\C$.\n\n"
        "> [!theorem]\n> In a callout: $\\R$.\n\n| a |\n|---|\n| $\\C$ |\n")})
    assert site.messages("math-error") == []
    formulas = _formulas(site, "Eigen.md")
    texts = [m.get_text("", strip=True) for m in formulas]
    assert texts[3:] == ["‖Av‖=|λ|‖v‖", "v∈ℝn", "ℂ", "ℝ", "ℂ"], texts
    # the text alternative is the formula as written, without the definitions it borrowed
    assert [m["alttext"] for m in formulas[3:5]] == ["\\norm{Av} = |\\lambda| \\norm{v}",
                                                     "v \\in \\R^n"]
    assert "\\norm" not in site.content("Eigen.md").get_text()


def test_a_macro_is_known_only_after_its_definition_and_only_in_its_note(tmp_path):
    """Before its definition (and in another note) the command is undefined, as in MathJax; an
    embedded section brings the definitions of the note it comes from."""
    site = build_notes(tmp_path, {
        "A.md": "Early $\\R$.\n\n$\\def\\R{\\mathbb{R}}$\n\n## Later\n\nLate $\\R$.\n",
        "B.md": "Other $\\R$.\n\n![[A#Later]]\n"})
    assert [m.split(": warning")[0] for m in site.messages("math-error")] == ["A.md:1:7",
                                                                             "B.md:1:7"]
    embedded = site.content("B.md").find(class_="embed-content").find("math")
    assert embedded.get_text(strip=True) == "ℝ"


def test_an_environment_we_cannot_typeset_is_shown_as_written_with_a_warning(tmp_path):
    """``\\begin{CD}`` (MathJax's amscd) and ``\\begin{tikzcd}`` came out as a row of letters,
    ``@`` and ``>`` signs, with no word: latex2mathml drops an environment it does not know."""
    site = build_notes(tmp_path, {"Diagrams.md": (
        "# Diagrams\n\n$$\n\\begin{CD} A @>f>> B \\\\ @VVgV @VVhV \\\\ C @>>k> D \\end{CD}\n$$\n\n"
        "Inline $\\begin{tikzcd} A & B \\end{tikzcd}$ too.\n\n"
        "$$\\begin{pmatrix} 1 \\end{pmatrix} \\begin{gather} a \\end{gather}$$\n")})
    messages = site.messages("math-error")
    assert len(messages) == 2, messages
    assert messages[0].startswith("Diagrams.md:4:1: warning[math-error]:")
    assert "CD" in messages[0] and "tikzcd" in messages[1]
    assert messages[1].startswith("Diagrams.md:7:8:")
    errors = [c.get_text() for c in site.content("Diagrams.md").select("code.math-error")]
    assert errors == ["\\begin{CD} A @>f>> B \\\\ @VVgV @VVhV \\\\ C @>>k> D \\end{CD}",
                      "\\begin{tikzcd} A & B \\end{tikzcd}"]
    assert len(_formulas(site, "Diagrams.md")) == 1


def test_mathds_and_mathbbm_are_double_struck(tmp_path):
    """``\\mathds{1}`` (the indicator function) came out as a plain 1: latex2mathml skips the
    command; MathJax's dsfont and bbm packages draw the double-struck digit."""
    site = build_notes(tmp_path, {"N.md": "$\\mathds{1}_A$ and $\\mathbbm{1}$ and $\\mathds{R}$\n"})
    assert [m.get_text(strip=True) for m in _formulas(site, "N.md")] == ["𝟙A", "𝟙", "ℝ"]
    assert site.messages("math-error") == []


def test_a_macro_may_use_another_and_be_redefined(tmp_path):
    """``\\renewcommand`` and ``\\gdef`` (which latex2mathml did not know) define as MathJax does;
    a macro calling another brings both; the latest definition is the one used."""
    site = build_notes(tmp_path, {"M.md": (
        "$\\newcommand{\\F}{\\mathbb{F}}\\def\\V{\\F^n}$ $\\gdef\\W{W}$\n\n"
        "$\\V$ and $\\W$\n\n$\\renewcommand{\\F}{\\mathbb{Q}}$ then $\\V$\n")})
    assert site.messages("math-error") == []
    texts = [m.get_text("", strip=True) for m in _formulas(site, "M.md")]
    assert texts[2:4] == ["𝔽n", "W"] and texts[-1] == "ℚn", texts


def test_carrying_macros_costs_time_linear_in_the_formulas(tmp_path):
    """Each formula takes only the definitions it uses: a note of many definitions, each used
    once, parses in time linear in their number."""
    from conftest import cpu_cost

    from generator.markdown import make_markdown

    md = make_markdown()

    def note(n: int) -> str:
        return "".join(f"$\\def\\m{chr(97 + i % 26)}{i // 26}{{x_{{{i}}}}}$ "
                       f"$\\m{chr(97 + i % 26)}{i // 26}$\n\n" for i in range(n))

    small_note, large_note = note(400), note(1600)
    small = cpu_cost(lambda: md.parse(small_note, {}))
    large = cpu_cost(lambda: md.parse(large_note, {}))
    assert large / small < 8, (small, large)


def test_bars_keep_their_size_and_their_places(tmp_path):
    """``\\lvert x \\rvert = \\sqrt{x^2}``: latex2mathml's bare ``<mo>|</mo>`` was stretched by
    Chromium to the height of the square root beside it (a bar twice the size of the other); and
    in ``|q|<1`` the second bar was spaced as a relation ("|q | < 1").  In TeX both bars are
    ordinary symbols of one size, as ``\\left|`` and ``\\bigl|`` are not."""
    site = build_notes(tmp_path, {"N.md": (
        "$\\lvert x \\rvert = \\sqrt{x^2}$ and $|q|<1$ and $\\lVert v \\rVert$ and "
        "$\\left\\lvert \\frac{a}{b} \\right\\rvert$\n")})
    formulas = _formulas(site, "N.md")
    for math in formulas[:3]:
        bars = [mo for mo in math.find_all("mo") if mo.get_text() in ("|", "‖")]
        assert len(bars) == 2, math
        assert all(mo.get("stretchy") == "false" and mo.get("lspace") == mo.get("rspace") == "0"
                   for mo in bars), math
    assert [mo.get("stretchy") for mo in formulas[3].find_all("mo")] == ["true", "true"]


def test_a_tag_stands_apart_from_the_formula(tmp_path):
    """``d = e + f \\tag{2}`` showed "d = e + f(2)": the tag read as an argument of f.  MathJax sets
    a display formula's tag at the right margin: so does the page (a grid: the formula centred,
    the label at the end of the line).  A tag in a row of ``gather`` stands after a wide space
    (2em) in its row; a tag that is not plain text (``\\tag{$*$}``) too."""
    site = build_notes(tmp_path, {"N.md": (
        "$$d = e + f \\tag{2}$$\n\n$$\\begin{gather} a = b \\tag{3} \\\\ c \\end{gather}$$\n\n"
        "$$x \\tag*{A.1}$$\n\n$$y \\tag{\\ast}$$\n")})
    blocks = site.content("N.md").select(".math.block")
    assert [b.get("class") for b in blocks] == [["math", "block", "tagged"], ["math", "block"],
                                                 ["math", "block", "tagged"], ["math", "block"]]
    for block, tag, typeset in ((blocks[0], "(2)", "d = e + f"), (blocks[2], "A.1", "x")):
        label = block.find(class_="math-tag")
        assert label.get_text() == tag and label.find_previous_sibling("math") is not None, block
        assert block.math["alttext"] == typeset and not block.math.find("mtext"), block
    for block, tag in ((blocks[1], "(3)"), (blocks[3], None)):
        text = block.find("mtext", string=tag) if tag else block.find_all("mtext")[-1]
        assert text is not None and block.find(class_="math-tag") is None, block
        space = text.find_previous_sibling()
        assert space.name == "mspace" and space["width"] == "2em", block


@pytest.mark.browser
def test_a_tag_is_set_at_the_right_margin_and_the_formula_centred(tmp_path, chrome):
    site = build_notes(tmp_path, {"N.md": "Words.\n\n$$a^2 + b^2 = c^2 \\tag{1}$$\n\n$$a^2 + b^2 = c^2$$\n"})
    page = chrome.page(width=1280)
    page.goto(site.page("N.md").as_uri())
    boxes = page.evaluate("""() => [...document.querySelectorAll('.math.block')].map(b => {
        const r = b.getBoundingClientRect(), m = b.querySelector('math > *').getBoundingClientRect(),
              t = b.querySelector('.math-tag');
        return [r.left, r.right, m.left, m.right, t && t.getBoundingClientRect().right]; })""")
    (left, right, m_left, m_right, tag_right), plain = boxes
    assert abs(tag_right - right) <= 1, boxes  # the label ends at the margin
    assert abs((m_left + m_right) / 2 - (left + right) / 2) <= 2, boxes  # centred on the line
    assert abs(m_left - plain[2]) <= 2, boxes  # where the same formula with no tag stands
    page.context.close()


def test_search_finds_what_a_display_formula_says(tmp_path):
    """Obsidian's search finds the text of a ``$$…$$`` formula as it finds an inline one; the site's
    search text held inline formulas and left every display formula out (``\\partial L`` of the
    Euler–Lagrange equation, a ``vmatrix`` found nothing).  A TeX comment stays out."""
    from test_audit15_leftovers import _search_text

    site = build_notes(tmp_path, {"Mechanics.md": (
        "# Mechanics\n\nInline $E = mc^2$.\n\n"
        "$$\n\\frac{\\partial L}{\\partial q} % private aside\n  = 0\n$$\n\n"
        "- in a list: $$\\det \\begin{vmatrix} a \\end{vmatrix}$$\n")})
    text = _search_text(site, "Mechanics")
    assert "E = mc^2" in text
    assert "\\frac{\\partial L}{\\partial q} = 0" in text
    assert "\\det \\begin{vmatrix} a \\end{vmatrix}" in text
    assert "private" not in text
