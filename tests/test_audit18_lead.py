"""Session 18, the lead's own fixes."""

from __future__ import annotations

from pathlib import Path

from conftest import Site, write_files


class _CountedList(list):
    """A note's token list that counts the times it is walked from end to end."""

    walks = 0

    def __iter__(self):
        _CountedList.walks += 1
        return super().__iter__()


def test_block_embeds_of_one_note_do_not_each_walk_the_whole_note(tmp_path: Path, monkeypatch):
    """A page embedding many blocks of one note (each with a footnote) walked all of that note's
    tokens twice per embed: to find the block, and to find its footnotes' definitions, so a note of
    N footnoted paragraphs embedded N/4 times cost N squared (4,000 paragraphs: 9 CPU-s).  The
    note's block ids and footnotes are now found once per token list; the page is unchanged."""
    import generator.parse as parse
    from generator.config import load_config
    from generator.pipeline import build

    n = 400
    paras = "\n\n".join(f"Paragraph {i} says more.[^f{i}] ^b{i}" for i in range(n))
    defs = "\n".join(f"[^f{i}]: Footnote {i}." for i in range(n))
    vault = write_files(tmp_path / "v", {
        "Big.md": f"# Big\n\n{paras}\n\n{defs}\n",
        "E.md": "# E\n\n" + "\n\n".join(f"![[Big#^b{i}]]" for i in range(0, n, 4)) + "\n"})
    real = parse.tokens_for
    counted: dict[str, _CountedList] = {}

    def tokens_for(note):
        tokens = real(note)
        if note.rel == "Big.md":
            if note.rel not in counted:
                counted[note.rel] = _CountedList(tokens)
                note.tokens = counted[note.rel]
            return note.tokens
        return tokens

    monkeypatch.setattr(parse, "tokens_for", tokens_for)
    result = build(load_config(vault), tmp_path / "site", exec_mode="no-exec", workers=1)
    site = Site(tmp_path / "site", result)
    assert _CountedList.walks <= 4, f"{n // 4} embeds walked the note {_CountedList.walks} times"
    embeds = site.content("E.md").select(".embed-note")
    assert len(embeds) == n // 4
    for k, embed in enumerate(embeds[:3] + embeds[-3:]):
        i = 4 * k if k < 3 else n - 4 * (6 - k)
        assert f"Paragraph {i} says more." in embed.get_text()
        assert [li.get_text(" ", strip=True).removesuffix("↩︎").strip()
                for li in embed.select(".footnotes li")] == [f"Footnote {i}."]
