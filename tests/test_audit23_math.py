"""Audit 23: a mathematics and physics student's course vault, built and read as Obsidian (MathJax 3)
shows it."""

from __future__ import annotations

from conftest import build_notes


def _formulas(site, source: str) -> list:
    return site.content(source).find_all("math")


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
