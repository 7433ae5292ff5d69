"""latex2mathml's MathML, rewritten for what browsers draw: MathML Core (Chromium).

latex2mathml writes MathML 3, and Chromium implements MathML Core, which has no ``<menclose>``, no
``columnalign``/``columnlines``/``rowlines``/``columnspacing`` and honours ``mathvariant`` only as
``normal`` on a one-character ``<mi>``: boxes and strikes did not show, array rules were missing,
``aligned`` columns were centred and ``\\mathbf``/``\\mathscr`` letters were plain.  Here they
become what Chromium draws (inline styles written from fixed tables, never from the note, and
Unicode Mathematical Alphanumeric Symbols for styled letters), after nh3 has cleaned the MathML.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml.symbols_parser import convert_symbol

_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'

# mathvariant -> the words of the Unicode names of its alphabet ("MATHEMATICAL BOLD SMALL A").
_ALPHABET = {
    "bold": "BOLD", "italic": "ITALIC", "bold-italic": "BOLD ITALIC", "script": "SCRIPT",
    "bold-script": "BOLD SCRIPT", "fraktur": "FRAKTUR", "bold-fraktur": "BOLD FRAKTUR",
    "double-struck": "DOUBLE-STRUCK", "sans-serif": "SANS-SERIF", "bold-sans-serif": "SANS-SERIF BOLD",
    "sans-serif-italic": "SANS-SERIF ITALIC", "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC",
    "monospace": "MONOSPACE"}
# Letters the Mathematical Alphanumeric block leaves out because Letterlike Symbols had them (ℒ ℝ ℭ).
_LETTERLIKE = {"SCRIPT": "SCRIPT", "FRAKTUR": "BLACK-LETTER", "DOUBLE-STRUCK": "DOUBLE-STRUCK"}
_NAME = re.compile(r"(?:LATIN|GREEK) (CAPITAL|SMALL) LETTER (\w+)|GREEK (?:LUNATE )?(\w+ SYMBOL)|(DIGIT \w+)")
# What a text (``<mtext>``) in a variant looks like: CSS, since Chromium ignores mathvariant there.
_TEXT_STYLE = {"bold": "font-weight:bold", "italic": "font-style:italic",
               "bold-italic": "font-weight:bold;font-style:italic", "monospace": "font-family:monospace",
               "sans-serif": "font-family:sans-serif"}


@lru_cache(maxsize=1024)
def styled_char(char: str, variant: str) -> str | None:
    """``char`` in the mathvariant ``variant`` as one Unicode character, or None."""
    words = _ALPHABET.get(variant)
    m = _NAME.fullmatch(unicodedata.name(char, ""))
    if not words or not m:
        return None
    key = f"{m.group(1)} {m.group(2)}" if m.group(1) else m.group(3) or m.group(4)
    if key == "SMALL H" and variant == "italic":
        return "\u210e"  # PLANCK CONSTANT stands for the italic h
    for name in (f"MATHEMATICAL {words} {key}", f"{_LETTERLIKE.get(words, '?')} {key}"):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    return None


# Enclosures (\boxed, \fbox, \cancel, \bcancel, \xcancel, \sout…) as borders and painted lines.
_LINE = "currentColor calc(50% - 0.04em),currentColor calc(50% + 0.04em)"
_STRIKE = {
    "updiagonalstrike": f"linear-gradient(to top right,transparent calc(50% - 0.04em),{_LINE},"
                        "transparent calc(50% + 0.04em))",
    "downdiagonalstrike": f"linear-gradient(to bottom right,transparent calc(50% - 0.04em),{_LINE},"
                          "transparent calc(50% + 0.04em))",
    "horizontalstrike": f"linear-gradient(transparent calc(50% - 0.04em),{_LINE},"
                        "transparent calc(50% + 0.04em))",
    "verticalstrike": f"linear-gradient(to right,transparent calc(50% - 0.04em),{_LINE},"
                      "transparent calc(50% + 0.04em))",
}
_RULE = "0.067em solid"
_BORDER = {"box": f"border:{_RULE};padding:0.2em 0.3em", "roundedbox":
           f"border:{_RULE};border-radius:0.4em;padding:0.2em 0.3em", "circle":
           f"border:{_RULE};border-radius:50%;padding:0.2em 0.3em", "left": f"border-left:{_RULE}",
           "right": f"border-right:{_RULE}", "top": f"border-top:{_RULE}",
           "bottom": f"border-bottom:{_RULE}"}

# Characters latex2mathml writes as the wrong kind of token, as MathJax writes them: binary and
# relation signs it makes identifiers (no space around ±, ⟹), ordinary symbols it makes operators
# (∞ ∂ ∇ ∅ took operator space), ``\sim`` as an ASCII tilde.
_AS_MO = {"±": "±", "∓": "∓", "⟹": "⟹", "⟺": "⟺", "⟸": "⟸", "~": "∼", "¬": "¬"}
_FENCES = {"⟨", "⟩", "⌈", "⌉", "⌊", "⌋", "|", "‖", "{", "}"}
_BARS = {"|", "‖"}
_AS_MI = {"∞", "∂", "∇", "∅", "∀", "∃", "∄"}
_UPRIGHT = {chr(c) for c in range(0x391, 0x3AA)}  # capital Greek is upright in TeX


def _symbol(command: str) -> str | None:
    if command in ("\\{", "\\}"):
        return command[1]
    if command == "\\|":
        return "\u2016"
    code = convert_symbol(command)
    return chr(int(code, 16)) if code else None


def _style(el: ET.Element, css: str) -> None:
    old = el.get("style")
    el.set("style", f"{old};{css}" if old else css)


def _token(el: ET.Element) -> None:
    text = el.text or ""
    if el.tag == "mo" and text.startswith("\\"):  # \Big\{, \bigl\langle: the command, not its sign
        sign = _symbol(text)
        if sign:
            el.text = text = sign
    variant = el.get("mathvariant")
    if variant is not None:
        del el.attrib["mathvariant"]
        if variant == "normal":
            if el.tag == "mi" and len(text) == 1:
                el.set("mathvariant", "normal")
        elif el.tag == "mtext":
            if variant in _TEXT_STYLE:
                _style(el, _TEXT_STYLE[variant])
        else:
            chars = [styled_char(c, variant) for c in text]
            el.text = "".join(s or c for s, c in zip(chars, text, strict=True))
            if not all(chars) and "bold" in variant:
                _style(el, "font-weight:bold")
        return
    if el.tag == "mi" and text in _AS_MO:
        el.tag, el.text = "mo", _AS_MO[text]
    elif el.tag == "mi" and text in _FENCES:
        el.tag = "mo"
        el.set("stretchy", "false")
    elif el.tag == "mo" and text in _FENCES and not el.attrib:
        # \\lvert x \\rvert, \\lVert: latex2mathml's bare <mo>, which Chromium stretches as a fence to
        # the height of the whole row (a square root beside it drew a bar twice its size); in TeX
        # and MathJax they keep their size unless \\left, \\big… ask otherwise
        el.set("stretchy", "false")
    elif el.tag == "mo" and text in _AS_MI and not el.attrib:
        el.tag = "mi"
        el.set("mathvariant", "normal")
    elif el.tag == "mi" and text in _UPRIGHT:
        el.set("mathvariant", "normal")
    if el.tag == "mo" and text in _BARS and el.get("stretchy") == "false":
        # a bar of TeX (``|q|<1``, \\lvert, \\|) is an ordinary symbol, with no space around it;
        # Chromium spaced the one between two letters as a relation ("|q | < 1")
        el.set("lspace", "0")
        el.set("rspace", "0")


def _enclosure(el: ET.Element) -> None:
    notations = (el.get("notation") or "box").split()
    el.tag = "mrow"
    el.attrib.clear()
    borders = [_BORDER[n] for n in notations if n in _BORDER]
    strikes = [_STRIKE[n] for n in notations if n in _STRIKE]
    css = ";".join(borders)
    if strikes:
        css += (";" if css else "") + "background:" + ",".join(strikes)
        if not borders:
            css += ";padding:0 0.1em"
    if css:
        el.set("style", css)


def _lengths(value: str | None) -> list[str]:
    return [v for v in (value or "").split() if re.fullmatch(r"-?[\d.]+(?:em|ex|pt|px)", v)]


def _table(table: ET.Element, rules: tuple | None) -> None:
    gaps = _lengths(table.get("columnspacing"))
    for name in ("columnalign", "columnlines", "rowlines", "columnspacing", "rowspacing", "frame"):
        table.attrib.pop(name, None)
    rows = [tr for tr in table if tr.tag == "mtr"]
    vlines, hlines = rules or ((), ())
    for r, tr in enumerate(rows):
        cells = [td for td in tr if td.tag == "mtd"]
        for c, td in enumerate(cells):
            css = []
            align = td.attrib.pop("columnalign", None)
            if align in ("left", "right", "center"):
                # Chromium's MathML table cell ignores columnalign and text-align: right (measured);
                # it applies the -webkit- values.
                css.append(f"text-align:-webkit-{align}")
            if gaps:  # the spacing between columns (aligned: none at the "=", 2em between pairs)
                left = f"calc({gaps[min(c - 1, len(gaps) - 1)]} / 2)" if c else "0"
                right = f"calc({gaps[min(c, len(gaps) - 1)]} / 2)" if c < len(cells) - 1 else "0"
                css.append(f"padding-left:{left};padding-right:{right}")
            if c == 0 and len(vlines) > 0 and vlines[0]:
                css.append(f"border-left:1px {vlines[0]}")
            if c + 1 < len(vlines) and vlines[c + 1]:
                css.append(f"border-right:1px {vlines[c + 1]}")
            if r < len(hlines) and hlines[r]:
                css.append(f"border-top:1px {hlines[r]}")
            if r == len(rows) - 1 and len(hlines) > len(rows) and hlines[len(rows)]:
                css.append(f"border-bottom:1px {hlines[len(rows)]}")
            if css:
                _style(td, ";".join(css))


# Function names (\sin x): TeX puts a thin space between the name and an ordinary argument, none
# before a bracket or an operator; Chromium put none at all ("sinx", "homkerlg").
FUNCTIONS = frozenset(
    "arccos arcsin arctan arg cos cosh cot coth csc deg dim exp hom ker lg ln log sec sin sinh tan "
    "tanh".split())
# Horizontal arrows, braces and bars over or under something stretch to its width (\xrightarrow{f},
# \overrightarrow{AB}, \widehat); latex2mathml left most of them at one character.
_STRETCH = set("→←↔⇒⇐⇔↦⟶⟵⟷⏞⏟―¯‾^~ˆ˜")
_SCRIPTED = ("msub", "msup", "msubsup")
# Elements whose children are their parts (base, script, numerator…), not a row.
_LAYOUT = {"msub", "msup", "msubsup", "mover", "munder", "munderover", "mfrac", "mroot",
           "mmultiscripts", "mtable", "mtr"}


def _function_spacing(parent: ET.Element) -> None:
    children = list(parent)
    for i in range(len(children) - 1, -1, -1):
        el = children[i]
        base = el[0] if el.tag in _SCRIPTED and len(el) else el
        if base.tag != "mi" or base.text not in FUNCTIONS or i + 1 == len(children):
            continue
        if children[i + 1].tag not in ("mo", "mspace", "mtext"):
            parent.insert(i + 1, ET.Element("mspace", width="0.1667em"))


def _stretch(el: ET.Element) -> None:
    for child in el:
        op = child[0] if child.tag == "mstyle" and len(child) == 1 else child
        if op.tag == "mo" and op.text in _STRETCH:
            op.set("stretchy", "true")


def to_core(mathml: str, tables: list) -> str:
    """``mathml`` (nh3's clean output) in MathML Core.  ``tables`` has one entry for each table in
    the formula in source order: None, or the (column rules, row rules) of an ``array``."""
    try:
        root = ET.fromstring(mathml.replace(_XMLNS, "", 1).replace("&nbsp;", "\u00a0"))
    except ET.ParseError:  # not expected from nh3's output; the MathML as it is beats an error
        return mathml
    found = list(root.iter("mtable"))
    if len(found) != len(tables):  # a table made without \begin (\pmatrix{…}): no rules to draw
        tables = [None] * len(found)
    for table, rules in zip(found, tables, strict=True):
        _table(table, rules)
    for el in root.iter():
        if el.tag in ("mi", "mo", "mn", "mtext", "ms"):
            _token(el)
        elif el.tag == "menclose":
            _enclosure(el)
        elif "mathvariant" in el.attrib:  # on a group: Chromium ignores it
            del el.attrib["mathvariant"]
        if el.tag in ("mover", "munder", "munderover"):
            _stretch(el)
    for el in list(root.iter()):
        if len(el) > 1 and el.tag not in _LAYOUT:
            _function_spacing(el)
    out = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return out.replace("<math", "<math" + _XMLNS, 1)
