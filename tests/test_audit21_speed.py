"""Section embeds taken from the note's own tokens (``parse._section_slice``) are the tokens a parse of
the section's lines alone gives (``parse.section_tokens``), and the pages they make are the same."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator import parse as parse_mod
from generator.markdown.wikilinks import CUT
from generator.parse import section_tokens, walk_tokens, without_tokens
from tests.conftest import build_notes, parse_notes

# Pieces of Markdown a section may hold, and a few that reach past a section (footnotes, comments,
# HTML, an unclosed fence, lazy lines, setext underlines, reference definitions elsewhere).
_BLOCKS = [
    "Plain words with **bold**, *em*, `code` and a [[Link]] and #tag.",
    "A paragraph\nover two lines\nand three.",
    "- one\n- two\n  - nested\n- three",
    "- loose\n\n- list\n\n",
    "1. first\n2. second\n\n   more of second",
    "- [ ] a task\n- [x] done ^task1",
    "```python\n# not a heading\nprint(1)\n```",
    "```\nunclosed fence\n# inside it",
    "    indented code\n    # still code",
    "> a quote\nlazy line\n> more",
    "> [!note] A callout\n> its body\n> - a list in it",
    "> [!tip]- Folded\n> # heading in a callout",
    "A block with an id ^blk-{n}",
    "Text with a footnote[^f{n}].",
    "[^f{n}]: The footnote {n}.",
    "Inline footnote^[said here] in text.",
    "$$\nE = mc^2\n$$",
    "Math $a^2 + b^2$ inline.",
    "| a | b |\n|---|---|\n| 1 | [[T\\|x]] |",
    "%% a comment %%",
    "%% a comment that opens\n\nand goes on",
    "and closes %%",
    "<div>\nraw html\n</div>",
    "Text with <b>inline html</b>.",
    "[ref link][r{n}] and [another][missing]",
    "[r{n}]: https://example.com/{n}",
    "---",
    "***",
    "Setext heading {n}\n===",
    "Setext two\n---",
    "![[Other#Part]] and ![[Other]]",
    "",
    "\n\n",
    "term\n: not a definition",
    "    ",
]


# the pieces after which a note's sections are always parsed from their lines
_READ_BEYOND = ("[^", "^[", "%%", "<")


def _note_text(rng: random.Random, n: int, plain: bool = False) -> str:
    """A note of random pieces; ``plain``: none of those read beyond a section."""
    blocks = [b for b in _BLOCKS if not any(m in b for m in _READ_BEYOND)] if plain else _BLOCKS
    parts: list[str] = []
    if rng.random() < 0.3:
        parts.append("---\ntags: [a]\n---")
    for k in range(rng.randint(2, 14)):
        r = rng.random()
        if r < 0.35:
            level = rng.choice([1, 2, 2, 3, 3, 4, 6])
            parts.append(f"{'#' * level} Heading {k}" + (f" ^h{k}" if rng.random() < 0.1 else ""))
        else:
            parts.append(rng.choice(blocks).format(n=k))
    sep = rng.choice(["\n\n", "\n", "\n\n\n"])
    return sep.join(parts) + rng.choice(["", "\n", "\n\n"])


def _facts(tokens) -> list:
    """What a token list renders from: every token and child, ids left out (an embed shows none)."""
    out = []
    cuts: dict = {}  # a paragraph cut around embeds: a key its parts share, by its first part
    for tok in walk_tokens(tokens):
        attrs = {k: v for k, v in (tok.attrs or {}).items() if k != "id"}
        meta = {k: v for k, v in (tok.meta or {}).items() if not hasattr(v, "type")}
        # the second block of a note with the same id keeps none (``parse._Walk._block``); no
        # renderer reads it (ids are left out of an embed, and links find the note's first)
        meta.pop("block_id", None)
        if CUT in meta:
            meta[CUT] = cuts.setdefault(meta[CUT], len(cuts))
        # a block's first line (warnings, code cells); its end no renderer reads, and a parse of
        # a note's last section counts one more line at the end (``section_tokens``'s newline)
        out.append((tok.type, tok.tag, tok.nesting, tok.level, tok.map and tok.map[0], tok.content,
                    tok.markup,
                    tok.info, attrs, repr(sorted(meta.items(), key=str)), tok.hidden, tok.block))
    return out


def _parse(root: Path, rel: str, text: str):
    return parse_notes(root, {rel: text})[0]


def test_sliced_sections_are_the_parsed_sections(tmp_path):
    """Over many generated notes, every section of every note: the tokens taken from the note's
    own are the tokens of its lines parsed alone, and some sections are taken so (and not all)."""
    rng = random.Random(2111)
    sliced = reparsed = 0
    for n in range(400):
        note = _parse(tmp_path, f"n{n}.md", _note_text(rng, n))
        bare = without_tokens(note)  # holds no tokens: its sections are parsed from their lines
        for h in note.headings:
            taken = parse_mod._section_slice(note, h.line, h.end_line)
            if taken is None:
                reparsed += 1
                continue
            sliced += 1
            alone = section_tokens(bare, h.line, h.end_line)
            assert _facts(taken) == _facts(alone), (note.text, h)
            assert section_tokens(note, h.line, h.end_line) is note.__dict__["_sections"][
                (h.line, h.end_line)]
    assert sliced > 300 and reparsed > 100, (sliced, reparsed)


@pytest.mark.parametrize("text", [
    "# A\n\ntext[^1]\n\n# B\n\n[^1]: note",  # footnotes are numbered note-wide
    "# A\n\n%% opens\n\n# B\n\ncloses %%",  # a comment spans sections
    "# A\n\n<div>\n\n# B\n\n</div>",  # HTML is balanced note-wide
    "# A\n\n```\n# B\n",  # not a heading: the fence runs on (the heading is not a section)
    "---\nkanban-plugin: basic\n---\n\n# A\n\n- [ ] card",  # the board's properties
])
def test_sections_that_read_beyond_themselves_are_parsed(tmp_path, text):
    note = _parse(tmp_path, "n.md", text)
    assert note.tokens
    for h in note.headings:
        assert parse_mod._section_slice(note, h.line, h.end_line) is None


def test_pages_with_sliced_sections_are_the_pages_with_parsed_ones(tmp_path, monkeypatch):
    """A vault whose notes embed each other's sections, built with sections taken from tokens and
    built with every section parsed from its lines: the same files, byte for byte, and the same
    warnings."""
    rng = random.Random(7)
    files = {}
    for n in range(120):
        text = _note_text(rng, n, plain=n % 4 != 0)
        embeds = [f"![[n{rng.randrange(120)}#Heading {rng.randrange(10)}]]" for _ in range(8)]
        files[f"n{n}.md"] = text + "\n\n" + "\n\n".join(embeds) + "\n"
    files["Other.md"] = "# Part\n\nthe part\n"
    calls = []
    real = parse_mod._section_slice

    def counted(*args):
        got = real(*args)
        calls.append(got is not None)
        return got

    monkeypatch.setattr(parse_mod, "_section_slice", counted)
    one = build_notes(tmp_path / "a", files)
    assert sum(calls) > 40 and not all(calls), (sum(calls), len(calls))
    monkeypatch.setattr(parse_mod, "_section_slice", lambda *a: None)
    two = build_notes(tmp_path / "b", files)

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file()}

    a, b = tree(tmp_path / "a" / "site"), tree(tmp_path / "b" / "site")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    assert [str(d) for d in one.result.diagnostics] == [str(d) for d in two.result.diagnostics]


def test_a_folder_named_by_a_missing_link_is_the_shortest_path_that_ends_with_the_name(tmp_path):
    """``VaultIndex._folder_named`` finds the folder from a table made once per index: for random
    folder trees and names, the folder a scan of every folder finds (the exact path, else the
    shortest path ending with the name, letter case aside)."""
    from generator.config import load_config
    from generator.index import build_index
    from generator.slugs import name_key

    rng = random.Random(5)
    words = ["A", "b", "Ab", "c d", "É", "e"]
    for _ in range(20):
        folders = {"/".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(12)}
        files = {f"{f}/n{i}.md": "x\n" for i, f in enumerate(sorted(folders))}
        index = build_index(parse_notes(tmp_path, files), [], load_config(tmp_path))
        names = {"/".join(rng.choice(words + ["z"]) for _ in range(rng.randint(1, 3)))
                 for _ in range(40)} | {f.upper() for f in folders} | {"/" + f for f in folders}
        for target in sorted(names):
            key = name_key(target.strip("/"))
            scan = [f for f in index.folder_urls if f and (name_key(f) == key or
                                                          name_key(f).endswith("/" + key))]
            want = min(scan, key=lambda f: (f.count("/"), name_key(f), f)) if scan else None
            assert index._folder_named(target) == want, (target, sorted(index.folder_urls))
