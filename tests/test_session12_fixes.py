"""Leftovers fixed in session 12.

"did you mean" for a missing heading: a note with thousands of links to missing headings of a note
with thousands of headings compared every link with every heading, rebuilding the headings' words
for each link (2,000 of each: 4.2 s; 4,000: about 17 s).  Now the words are kept per note and the
vault's links spend at most ``VaultIndex.HINT_BUDGET`` heading comparisons (tests/test_audit12_fix.py:
once the budget was each linking note's own, and thousands of notes with one link each still cost
the product): past it, a hint lists the first headings and says why.

Timing checks compare the CPU time of one size with that of a size four times larger (least of two
runs) against a wide linear bound: a loaded machine only ever adds time, a quadratic step costs
sixteen times more.
"""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes, index_cost

from generator.config import load_config
from generator.index import VaultIndex

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "theta", "kappa", "sigma"]


def _heading_files(n: int) -> dict[str, str]:
    heads = "\n\n".join(f"## {WORDS[i % 8]} {WORDS[i // 8 % 8]} {i}" for i in range(n))
    links = "\n".join(f"- [[Big#{WORDS[i % 8]} {WORDS[i // 8 % 8]} x{i}]]" for i in range(n))
    return {"Big.md": heads + "\n", "Links.md": links + "\n"}


def _anchor_warnings(root: Path, files: dict[str, str]) -> tuple[float, list[str]]:
    cost, index = index_cost(root, files)
    return cost, [d.format() for d in index.diagnostics if d.code == "anchor-unresolved"]


def test_links_to_missing_headings_of_a_big_note_cost_linear_time(tmp_path) -> None:
    costs = []
    for n in (500, 2000):
        root = tmp_path / str(n)
        root.mkdir()
        cost, warnings = _anchor_warnings(root, _heading_files(n))
        costs.append(cost)
        assert len(warnings) == n
        # the closest heading is still found while the budget lasts (n * n <= HINT_BUDGET at 500)
        assert "heading 'alpha alpha x0' not found in Big.md (did you mean [[Big#alpha alpha " \
               in warnings[0]
    assert costs[1] < 8 * costs[0] + 0.3, costs  # linear: about 4x; quadratic: 16x


def test_past_the_budget_a_hint_lists_the_headings_and_says_why(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(VaultIndex, "HINT_BUDGET", 25)  # two links' worth of 10 headings
    files = {"Big.md": "".join(f"## Part {i}\n\n" for i in range(10)),
             "A.md": "[[Big#Part 1x]]\n[[Big#Part 2x]]\n[[Big#Part 3x]]\n",
             "B.md": "[[Big#Part 3x]]\n"}
    _, warnings = _anchor_warnings(tmp_path, files)
    by_line = {w.split(": warning")[0]: w for w in warnings}
    assert "did you mean [[Big#Part 1]]?" in by_line["A.md:1:1"]
    assert "did you mean [[Big#Part 2]]?" in by_line["A.md:2:1"]
    third = by_line["A.md:3:1"]
    assert "its headings: Part 0, Part 1, Part 2, Part 3, Part 4, Part 5, Part 6, Part 7, …" in third
    assert "the closest was not searched for: the vault links to too many missing headings" in third
    # the budget is the vault's, spent in the order of the notes: B comes after A
    assert "the closest was not searched for" in by_line["B.md:1:1"]


def test_hints_are_the_same_in_a_cold_and_an_incremental_build(tmp_path, monkeypatch) -> None:
    """A note's hints depend on that note only: rebuilding after an edit of another note gives the
    warnings a cold build gives."""
    from generator.pipeline import BuildState, build

    monkeypatch.setattr(VaultIndex, "HINT_BUDGET", 25)
    files = {"Big.md": "".join(f"## Part {i}\n\n" for i in range(10)),
             "A.md": "[[Big#Part 3x]]\n[[Big#Part 4x]]\n[[Big#Part 5x]]\n",
             "B.md": "[[Big#Part 5x]]\n[[Big#Part 3x]]\n[[Big#Part 4x]]\n"}
    site = build_notes(tmp_path / "cold", files)
    cold = sorted(d.format() for d in site.diagnostics)
    vault = tmp_path / "cold" / "src"
    state = BuildState()
    build(load_config(vault), tmp_path / "warm", state=state, exec_mode="no-exec")
    # B is checked again, alone: its hints must not depend on A's search (a budget shared by the
    # notes, or a memo hit that costs nothing, gave B other hints than the cold build)
    (vault / "B.md").write_text(files["B.md"] + "\n", encoding="utf-8")
    again = build(load_config(vault), tmp_path / "warm", state=state, exec_mode="no-exec")
    assert sorted(d.format() for d in again.diagnostics) == cold


def test_a_header_date_line_with_its_key_in_bold_or_italics_dates_the_note(tmp_path) -> None:
    """``**DATE:** 15-04-25`` is the ``DATE: 15-04-25`` header line written in bold (the audit's
    owner-style vault had one: the note got no date).  Bold text that is no key stays text."""
    site = build_notes(tmp_path, {
        "Bold.md": "**DATE:** 15-04-25\n**Tags:** [[Plain]]\n\n# Bold\n\ntext\n",
        "After.md": "**Date**: 16-04-25\n\nbody\n",
        "Italic.md": "_Created:_ 2024-01-02\n\nbody\n",
        "Plain.md": "**bold** words: 11-04-25 are not a header\n\nbody\n",
        "Wrong.md": "**DATE:** 99-99-25\n\nbody\n",
    })
    dates = site.dates()
    assert dates["Bold.md"] == "2025-04-15" and dates["After.md"] == "2025-04-16"
    assert dates["Italic.md"] == "2024-01-02"
    assert dates["Plain.md"] is None
    # a date that cannot be read is reported at its own column in the file
    wrong = site.messages("date-format")
    assert len(wrong) == 1 and wrong[0].startswith(
        "Wrong.md:1:11: warning[date-format]: cannot read the date '99-99-25' (write it as "), wrong
    time_tag = site.content("Bold.md").find_parent("article").find("time")
    assert time_tag["datetime"] == "2025-04-15"


def test_a_home_note_with_a_front_matter_title_shows_that_title_above_its_heading(tmp_path):
    """The home page shows its note's own first heading in place of the note's name (``index``);
    a title the front-matter gives is shown instead, as a note page shows it, the heading staying
    in the body (it took the title's place)."""
    site = build_notes(tmp_path, {
        "index.md": "---\ntitle: My Garden\n---\n# Welcome\n\nHello.\n",
        "Other/index.md": "# Plain home\n",
    })
    home = site.soup(site.out / "index.html")
    assert [h.get_text() for h in home.find_all("h1")] == ["My Garden", "Welcome"]
    untitled = build_notes(tmp_path / "untitled", {"index.md": "# Welcome\n\nHello.\n"})
    page = untitled.soup(untitled.out / "index.html")
    assert [h.get_text() for h in page.find_all("h1")] == ["Welcome"]
