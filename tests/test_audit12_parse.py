"""Cheaper parsing, same tokens (session 12).

Each rule replaced or given a fast path on our parser is pinned here against the original
(markdown-it's, or the rule as it was) on many generated inputs: the full token trees must be
equal.  Each fast path also has a test that fails without it (the work it saves is observed).
"""

from __future__ import annotations

import random

from conftest import cpu_cost
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


# ---- core rules of ours that now visit only the tokens that can matter; each is pinned against
# the rule as it was (a copy, below), on generated notes rich in what the rule looks at

from markdown_it.token import Token  # noqa: E402

from generator.markdown import tasks as tasks_mod  # noqa: E402
from generator.markdown import wikilinks as wl  # noqa: E402


def old_block_embeds_rule(state) -> None:
    """``wikilinks.block_embeds_rule`` before session 12: every token visited, the list rebuilt."""
    if "![" not in state.src:
        return
    tokens = state.tokens
    out = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "inline" and "![" in tok.content and not wl._only_embeds(tok.children or ()):
            for kid in tok.children or ():
                if kid.type == "embed" and wl.embed_kind(kid) in (wl.FILE, wl.MAYBE):
                    kid.meta["in_text"] = True
        if (tok.type == "paragraph_open" and not tok.hidden
                and i + 2 < len(tokens) and "![" in tokens[i + 1].content):
            end = i + 2
            while end < len(tokens) and tokens[end].type == "footnote_anchor":
                end += 1
            kids = tokens[i + 1].children or ()
            alone = not tok.attrs and wl._only_embeds(kids)
            for kid in kids:
                if wl.embed_kind(kid) in (wl.FILE, wl.MAYBE) and not wl._embeds_a_note(kid, alone):
                    kid.meta["inline"] = True
            if end < len(tokens) and tokens[end].type == "paragraph_close" \
                    and any(wl._embeds_a_note(k, alone) for k in kids):
                if tok.attrs or wl._inside_markup(kids, alone):
                    out += [tok.copy(tag="div"), *tokens[i + 1:end], tokens[end].copy(tag="div")]
                else:
                    out.extend(wl._cut_paragraph(tok, tokens[i + 1], tokens[end], alone,
                                                 tokens[i + 2:end]))
                i = end + 1
                continue
        out.append(tok)
        i += 1
    tokens[:] = out


def old_tasklists_rule(state) -> None:
    """``tasks.tasklists_rule`` before session 12: every token visited."""
    if not tasks_mod._ANY_TASK.search(state.src):
        return
    tokens = state.tokens
    last: dict[int, int] = {}
    for i in range(len(tokens) - 1):
        inline = tokens[i]
        if i >= 2:
            last[tokens[i - 2].level] = i - 2
        if i < 2 or inline.type != "inline" or tokens[i - 1].type != "paragraph_open" \
                or tokens[i - 2].type != "list_item_open" or not inline.children \
                or inline.children[0].type != "text":
            continue
        m = tasks_mod._TODO.match(inline.content)
        if m is None or not inline.children[0].content.startswith(m.group()[:3]):
            continue
        char = m.group(1)
        checked = char != " "
        box = Token("html_inline", "", 0)
        box.content = tasks_mod._CHECKED if checked else tasks_mod._BOX
        first = inline.children[0]
        first.content = first.content[3:].lstrip(" \t")
        inline.content = inline.content[3:]
        inline.children[:0] = [Token("task_label_open", "label", 1), box]
        inline.children.append(Token("task_label_close", "label", -1))
        item = tokens[i - 2]
        item.attrSet("class", "task-list-item is-checked" if checked else "task-list-item")
        item.attrSet("data-task", "" if char == " " else char)
        parent = last.get(item.level - 1, -1)
        if parent >= 0:
            tokens[parent].attrSet("class", "contains-task-list")


BLOCK_PIECES = [
    "![[Note]]", "![[pic.png]]", "![[data.csv]]", "![[X.base]]", "![[Note#H]]", "![[a.xyz]]",
    "text", " ", "\n", "\n\n", "- ", "  - ", "    - ", "1. ", "> ", "> - ", "- [ ] ", "- [x] ",
    "- [/] ", "[ ] ", "* [?]", "- [[Link]]", "[^1]", "[^1]: ![[Note]]\n", " ^id", "^id\n", "*",
    "_", "[see ![[Note]]](u)", "<a href='x'>", "</a>", "| ![[Note]] | b |\n|---|---|\n", "\t",
    "```\n![[Note]]\n```\n", "%%c%%", "==h==", "#tag", "[!note]", "> [!note] T\n> ![[Note]]\n",
]


def generated_blocks(count: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(BLOCK_PIECES) for _ in range(rnd.randint(1, 40))) for _ in range(count)]


def _with_core_rule(name: str, fn):
    md = build_markdown()
    md.core.ruler.at(name, fn)
    return md


def test_block_embeds_same_tokens_as_before():
    assert_same(make_markdown(), _with_core_rule("block_embeds", old_block_embeds_rule),
                generated_blocks(600) + generated(200))


def test_tasklists_same_tokens_as_before():
    assert_same(make_markdown(), _with_core_rule("github-tasklists", old_tasklists_rule),
                generated_blocks(600) + generated(200))


def test_in_link_substring_tests_agree_with_the_search():
    import re

    search = re.compile(r"<|!\[|\[\^|\^\[").search
    for text in generated(400) + generated_blocks(200) + ["<", "![", "[^", "^[", "!", "^", "[]^"]:
        assert wl._maybe_in_link(text) == bool(search(text)), repr(text)


def test_has_task_agrees_with_the_search():
    texts = generated(1500) + generated_blocks(1500) + [
        "- [x]", "x\n- [x]", " >- [x]", "-[x]", "- [[x]]", "- [x] [y]\n1) [ ]", "a [x]\n  * [y]",
        "\n- [\n]", "- [x", "1234567890. [x]", "123456789. [x]", "> > -\t[?] a", "[x]\n- [x]"]
    found = 0
    for text in texts:
        assert tasks_mod.has_task(text) == bool(tasks_mod._ANY_TASK.search(text)), repr(text)
        found += tasks_mod.has_task(text)
    assert 100 < found < len(texts) - 100


def test_has_task_tries_each_line_once():
    """A line of many boxes after a long indent is tried once, not once per box."""
    def cost(n: int) -> float:
        text = " " * n + "[x]" * n + "\n"
        assert not tasks_mod.has_task(text)
        return cpu_cost(lambda: tasks_mod.has_task(text))

    assert cost(80_000) < 8 * 8 * cost(10_000) + 0.3


# ---- inline math: a position that is not "$" is answered before dollarmath is called

def test_dollarmath_inline_answers_no_where_there_is_no_dollar():
    """The assumption of the fast path, pinned against mdit-py-plugins' rule at every position
    of every generated note."""
    from markdown_it.rules_inline import StateInline
    from mdit_py_plugins.dollarmath.index import math_inline_dollar

    md = make_markdown()
    original = math_inline_dollar(allow_space=False, allow_digits=False, allow_double=True)
    found = 0
    for text in generated(300):
        for pos in range(len(text)):
            state = StateInline(text, md, {}, [])
            state.pos = pos
            hit = original(state, True)
            found += hit
            assert not hit or text[pos] == "$", (text, pos)
    assert found > 10


def test_math_inline_does_not_call_dollarmath_off_a_dollar():
    from markdown_it.rules_inline import StateInline

    from generator.markdown.math import _with_position

    calls = []
    rule = _with_position(lambda state, silent: calls.append(state.pos) or False)
    state = StateInline("a [b] $c$", make_markdown(), {}, [])
    for pos in range(len(state.src)):
        state.pos = pos
        assert rule(state, False) is False
    assert calls == [6, 8]


# ---- the facts walk splits the note into lines only for a warning that needs them

def test_walk_does_not_split_a_note_it_has_no_warning_for():
    from generator.parse import _Walk

    class Text(str):
        splits = 0

        def split(self, *args, **kwargs):
            Text.splits += 1
            return str.split(self, *args, **kwargs)

    text = Text("# Head\n\nSee [[Note]] and #tag, ^[inline] ![[pic.png]].\n\n- [ ] task ^id\n")
    tokens = make_markdown().parse(text, {})
    Text.splits = 0  # (the parse may split it)
    _Walk("a.md", tokens, text).run()
    assert Text.splits == 0
    html = Text("<div>\nsee [[Note]]\n</div>\n")
    walk = _Walk("a.md", make_markdown().parse(html, {}), html)
    Text.splits = 0
    walk.run()
    assert Text.splits == 1
    assert [d.code for d in walk.diagnostics] == ["link-in-html"]
    assert str(walk.diagnostics[0].span).endswith(":2:5"), walk.diagnostics[0].span
