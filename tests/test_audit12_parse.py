"""Cheaper parsing, same tokens (session 12).

Each rule replaced or given a fast path on our parser is pinned here against the original
(markdown-it's, or the rule as it was) on many generated inputs: the full token trees must be
equal.  Each fast path also has a test that fails without it (the work it saves is observed).
"""

from __future__ import annotations

import random

from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.normalize import normalize as md_normalize

from generator.markdown import build_markdown, make_markdown
from generator.markdown import direction as direction_mod

FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "content", "markup", "info", "meta",
          "block", "hidden")

#: Pieces of Obsidian Markdown the generated notes are made of: every inline terminator, the
#: characters our own rules start on, entities, escapes, Unicode (accents, right-to-left, astral,
#: combining marks), line endings of every kind and NUL.
PIECES = [
    "word", "Café", "naïve", "שלום עולם", "مرحبا", "𝔘𝔫𝔦", "e\u0301", "—", "日本語", " ", "  ", "\t",
    "\n", "\n\n", "\r\n", "\r", "\0", "\\", "\\*", "\\[", "&amp;", "&#x41;", "&nbsp;", "&bogus;",
    "!", "#", "$", "%", "&", "*", "+", "-", ":", "<", "=", ">", "@", "[", "]", "^", "_", "`",
    "{", "}", "~", "|", "(", ")", "[[Note]]", "![[Pic.png]]", "![[Other]]", "[[A#B|c]]", "#tag",
    "==mark==", "%%hidden%%", "%%", "$x$", "$$", "$$a$$", "**b**", "_i_", "~~s~~", "`c`",
    "[l](u)", "![i](p.png)", "<b>", "</b>", "<a href='x'>", "</a>", "https://x.org/a",
    "^block", " ^id", "[^1]", "^[inline]", "[^1]: note", "- ", "- [ ] ", "- [x] ", "1. ", "> ",
    "> [!note] T", "# ", "## ", "---", "***", "```", "~~~", "    ", "| a | b |", "|---|---|",
    "key:: value", "[key:: v]", "a" * 300,
]


def generated(count: int, seed: int = 12) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        out.append("".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 60))))
    # lines starting with what block rules look at, whole
    out += [p + q for p in ("$$", "$", " $$", "    $$", "> $$", "- $$", "%%", "---\n")
            for q in ("", "x", "x$$", "\n", "\nx\n$$", "a$$ and $$b$$", " \\$$")]
    return out


def canon(value) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{canon(value[k])}" for k in sorted(value, key=repr)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canon(x) for x in value) + "]"
    if hasattr(value, "nesting") and hasattr(value, "type"):
        return "(" + ",".join(canon(getattr(value, f)) for f in FIELDS) \
            + ",C" + canon(value.children or []) + ")"
    return repr(value)


def tree(md, text: str) -> str:
    env: dict = {}
    tokens = md.parse(text, env)
    return canon(tokens) + "|" + canon(env)


def assert_same(md_new, md_old, texts) -> None:
    for text in texts:
        assert tree(md_new, text) == tree(md_old, text), repr(text)


# ---- normalize: markdown-it's two substitutions only when there is something to substitute

def test_normalize_same_text_as_markdown_it():
    md = make_markdown()
    for text in generated(400):
        ours, theirs = StateCore(text, md, {}), StateCore(text, md, {})
        md.core.ruler.getRules("")[0](ours)
        md_normalize(theirs)
        assert ours.src == theirs.src, repr(text)


def test_normalize_same_tokens_as_markdown_it():
    old = build_markdown()
    old.core.ruler.at("normalize", md_normalize)
    assert_same(make_markdown(), old, generated(300))


def test_normalize_leaves_a_note_without_cr_or_nul_as_it_is():
    """markdown-it's rule rebuilt every note (each ``\\n`` matched and put back)."""
    md = make_markdown()
    text = "# Title\n\nline one\nline two\n" * 50
    state = StateCore(text, md, {})
    md.core.ruler.getRules("")[0](state)
    assert state.src is text
    state = StateCore("a\r\nb\0", md, {})
    md.core.ruler.getRules("")[0](state)
    assert state.src == "a\nb\ufffd"


# ---- direction: a text of Latin-1 letters has no right-to-left letter, and is not searched

def test_latin1_gate_agrees_with_the_search():
    for text in generated(400) + ["\xff", "\u0100", "\u058f", "\u0590", "\ud800", "\U00010800"]:
        if direction_mod._latin1(text):
            assert not direction_mod._RTL.search(text), repr(text)


def test_direction_does_not_search_an_accented_note(monkeypatch):
    searched = []

    class Spy:
        def search(self, text, *args):
            searched.append(text)
            return direction_mod._RTL.search(text, *args)

    rtl = direction_mod._RTL
    monkeypatch.setattr(direction_mod, "_RTL", Spy())
    md = build_markdown()
    md.parse("Café au lait, naïve résumé.\n", {})
    assert searched == []
    monkeypatch.setattr(direction_mod, "_RTL", rtl)
    html = build_markdown().render("שלום עולם\n\nCafé\n")
    assert html.startswith('<p dir="rtl">')


# ---- math blocks: a line that does not start with $$ is rejected without a copy of it

class CountingStr(str):
    reads = 0

    def __getitem__(self, key):
        CountingStr.reads += 1
        return str.__getitem__(self, key)


def _math_block_rule(md):
    return next(r.fn for r in md.block.ruler.__rules__ if r.name == "math_block")


def test_math_block_rejects_a_line_without_copying_it():
    md = make_markdown()
    rule = _math_block_rule(md)
    src = CountingStr("a long line of text without dollars " * 100 + "\n")
    state = StateBlock(src, md, {}, [])
    state.src = src
    CountingStr.reads = 0
    assert rule(state, 0, state.lineMax, False) is False
    assert CountingStr.reads == 0


def test_dollarmath_answers_no_where_a_line_does_not_start_with_two_dollars():
    """The assumption of the fast path, pinned against mdit-py-plugins' rule itself: on every line
    of every generated note (quotes and lists included: their lines start later), it finds a math
    block only where the line starts with ``$$``."""
    from mdit_py_plugins.dollarmath.index import math_block_dollar

    md = make_markdown()
    original = math_block_dollar(allow_labels=False)
    texts = generated(300) + ["$$\nx\n$$\n", "$$a$$\n", "  $$x$$  \n", "$$ $$\n", "$\n$$\n",
                              "> $$\n> a\n> $$\n", "- $$\n  b\n  $$\n", "$$a\nb$$ c $$d$$\n"]
    checked = found = 0
    for text in texts:
        state = StateBlock(text.replace("\r", "\n").replace("\0", "\ufffd"), md, {}, [])
        for line in range(state.lineMax):
            start = state.bMarks[line] + state.tShift[line]
            hit = original(state, line, state.lineMax, True)
            state.line = 0
            checked += 1
            found += hit
            assert not hit or state.src.startswith("$$", start), (text, line)
    assert checked > 500 and found > 10
