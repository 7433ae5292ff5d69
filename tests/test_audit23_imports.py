"""Audit 23 (imports): what the first round's audits of an imported vault and a math course vault
left: backticks in an HTML block, Logseq block references whose block is in the vault."""
from __future__ import annotations

from urllib.parse import unquote

from conftest import build_notes, cpu_cost


def test_backticks_in_an_html_block_are_code_not_a_link_left_unrendered(tmp_path):
    # In an HTML block Obsidian renders no Markdown, so a [[link]] there shows as written and is
    # told (link-in-html).  But `[[x]]` in backticks was written as code, to show the syntax: the
    # writer wanted it as written, and the warning told them to fix what was no mistake.
    site = build_notes(tmp_path, {
        "H.md": ("# H\n\n<div>\nWrite `[[x]]` or ``[a](b.md)`` for a link, or `` `[[y]]` `` here; "
                 "but [[Real]] is told.\nA lone ` then [[Also]] is told.\n</div>\n"),
    })
    found = [m.split(" is inside")[0] for m in site.messages("link-in-html")]
    line = (tmp_path / "src" / "H.md").read_text(encoding="utf-8").split("\n")[3]
    assert found == [f"H.md:4:{line.index('[[Real]]') + 1}: warning[link-in-html]: [[Real]]",
                     "H.md:5:15: warning[link-in-html]: [[Also]]"], found


def test_backticks_in_an_html_block_cost_their_length(tmp_path):
    # A run of backticks that no run as long closes is no code span; looked for with a regex, each
    # such run read the rest of the block: runs of 1, 2, … k backticks cost k times the block.
    from generator.parse import _without_code_spans

    def block(k: int) -> str:
        return "<div>\n" + " ".join("`" * i + "[[x]]" for i in range(1, k)) + "\n</div>"

    small, large = block(300), block(1200)  # 16 times the text
    assert _without_code_spans("`[[a]]` ``b`` ` [[c]]") == " " * 13 + " ` [[c]]"
    ratio = cpu_cost(lambda: _without_code_spans(large)) / cpu_cost(lambda: _without_code_spans(small))
    assert ratio < 32, ratio  # linear: about 16; a scan per run: about 64


UUID = "6571a2b3-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
OTHER = "00000000-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def test_a_logseq_block_reference_names_its_block_and_the_link_that_works(tmp_path):
    # A Logseq ((uuid)) is shown as written in Obsidian and told (block-ref-foreign); its hint
    # said "end the block Logseq marks `id:: uuid` … write [[Its note#^uuid]]", leaving the writer
    # to search the vault for the id.  When the block is in the vault, Logseq's way (`id:: uuid`
    # on the line after the block's text), the hint names its place and the exact link.
    files = {
        "pages/Reading List.md": (f"- Books\n\t- TODO Finish [[Dune]]\n\t  id:: {UUID}\n"
                                  f"- Here: (({UUID}))\n"),
        "journals/2026_11_27.md": (f"- Quote from (({UUID})), lost (({OTHER}))\n"
                                   f"- {{{{embed (({UUID.upper()}))}}}}\n"),
        "Dune.md": "- a book\n",
    }
    site = build_notes(tmp_path, files)
    found = site.messages("block-ref-foreign")
    assert [m.split(": warning")[0] for m in found] == [
        "journals/2026_11_27.md:1:14", "journals/2026_11_27.md:1:61",
        "journals/2026_11_27.md:2:3", "pages/Reading List.md:4:9"], found
    told = f"its block ends at pages/Reading List.md:2, Logseq's `id:: {UUID}` on the next line: "
    assert f"({told}end that line with ^{UUID}, remove the id line, then write " \
           f"[[Reading List#^{UUID}]] here)" in found[0], found[0]
    assert f"[[Its note#^{OTHER}]]" in found[1] and "Reading List" not in found[1], found[1]
    assert f"then write ![[Reading List#^{UUID.upper()}]] here" in found[2], found[2]
    assert f"then write [[#^{UUID}]] here" in found[3], found[3]  # in its own note

    # done as told, every link finds its block and nothing is told
    note = f"- Books\n\t- TODO Finish [[Dune]] ^{UUID}\n- Here: [[#^{UUID}]]\n"
    site = build_notes(tmp_path / "fixed", {
        **files, "pages/Reading List.md": note,
        "journals/2026_11_27.md": (f"- Quote from [[Reading List#^{UUID}]]\n"
                                   f"- ![[Reading List#^{UUID.upper()}]]\n")})
    assert site.diagnostics == [], [d.format() for d in site.diagnostics]
    journal = site.content("journals/2026_11_27.md")
    page, _, fragment = journal.find("a", href=True)["href"].partition("#")
    target = site.soup(site.page("journals/2026_11_27.md").parent / page)
    assert target.find(id=unquote(fragment)) is not None and unquote(fragment) == f"^{UUID}"
    assert "Finish" in journal.get_text()  # the embed shows the block


def test_a_daily_note_named_by_the_daily_notes_date_format_is_dated_by_its_name(tmp_path):
    # Logseq names its journals 2026_11_27.md.  Obsidian's Daily notes plugin reads a daily note's
    # name by its Date format (Moment.js, in .obsidian/daily-notes.json), which a Logseq user sets
    # to YYYY_MM_DD; the site read only YYYY-MM-DD names, so the journals had no date (no recent
    # notes on the home page), and no setting could give them one.
    files = {
        "journals/2026_11_27.md": "- today\n",
        "journals/2026_11_26.md": "- yesterday\n",
        "journals/2026_13_40.md": "- no such day\n",
        "Daily/2023/January/2023-Jan-01.md": "- the Help's example\n",
        "2025-04-11 Standup.md": "- named the default way\n",
        "Page.md": "- not a day\n",
    }
    site = build_notes(tmp_path / "a", {
        **files, ".obsidian/daily-notes.json": '{"format": "YYYY_MM_DD", "folder": "journals"}'})
    assert site.dates() == {
        "journals/2026_11_27.md": "2026-11-27", "journals/2026_11_26.md": "2026-11-26",
        "journals/2026_13_40.md": None, "Daily/2023/January/2023-Jan-01.md": None,
        "2025-04-11 Standup.md": "2025-04-11", "Page.md": None}
    assert site.diagnostics == [], [d.format() for d in site.diagnostics]
    # the Help's own example of a format with folders
    site = build_notes(tmp_path / "b", {
        **files, ".obsidian/daily-notes.json": '{"format": "YYYY/MMMM/YYYY-MMM-DD"}'})
    assert site.dates()["Daily/2023/January/2023-Jan-01.md"] == "2023-01-01"
    assert site.dates()["journals/2026_11_27.md"] is None
    # without the setting, as Obsidian: YYYY-MM-DD only
    site = build_notes(tmp_path / "c", files)
    assert [rel for rel, day in site.dates().items() if day] == ["2025-04-11 Standup.md"]
