"""Audit 12 (fix): leftovers of earlier sessions.

1. "did you mean" for a missing heading: thousands of notes, each with one link to a missing
   heading of a note with thousands of headings, compared every link with every heading (the
   budget was each linking note's own): 2,000 of each took 1.3 s of indexing, 4,000 took 5.2 s.
   Now the vault's links share one budget of comparisons, spent in the notes' order; the
   last test guards what that must not break: cold and incremental builds give the same hints.

Timing checks compare the CPU time of one size with that of a size four times larger (least of two
runs) against a wide linear bound: a loaded machine only ever adds time, a quadratic step costs
sixteen times more.
"""

from __future__ import annotations

import time
from pathlib import Path

from conftest import build_notes, parse_notes

from generator.config import load_config
from generator.index import VaultIndex, build_index

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "theta", "kappa", "sigma"]


# -- 1. missing-heading hints: one budget for the vault -----------------------------------------
def _many_linkers(n: int) -> dict[str, str]:
    """A note with ``n`` headings and ``n`` notes, each with one link to a missing heading of it."""
    files = {"Big.md": "\n\n".join(f"## {WORDS[i % 8]} {WORDS[i // 8 % 8]} {i}"
                                   for i in range(n)) + "\n"}
    for i in range(n):
        files[f"L{i:05d}.md"] = f"[[Big#{WORDS[i % 8]} {WORDS[i // 8 % 8]} x{i}]]\n"
    return files


def _anchor_warnings(root: Path, files: dict[str, str]) -> tuple[float, list[str]]:
    cfg = load_config(root)
    notes = parse_notes(root, files)
    runs = []
    for _ in range(2):
        start = time.process_time()
        index = build_index(notes, [], cfg)
        runs.append(time.process_time() - start)
    return min(runs), [d.format() for d in index.diagnostics if d.code == "anchor-unresolved"]


def test_many_notes_linking_missing_headings_of_a_big_note_cost_linear_time(tmp_path,
                                                                            monkeypatch) -> None:
    # a budget both sizes reach (the default, two million, is reached only at the larger size)
    monkeypatch.setattr(VaultIndex, "HINT_BUDGET", 200_000)
    costs = []
    for n in (500, 2000):
        root = tmp_path / str(n)
        root.mkdir()
        cost, warnings = _anchor_warnings(root, _many_linkers(n))
        costs.append(cost)
        assert len(warnings) == n
        # the first notes' links still get the closest heading, the last ones say why they don't
        assert "heading 'alpha alpha x0' not found in Big.md (did you mean [[Big#alpha alpha 0]]?)" \
            in warnings[0]
        last = warnings[-1]
        assert last.startswith(f"L{n - 1:05d}.md:1:1: ")
        assert "its headings: alpha alpha 0, beta alpha 1," in last
        assert "the closest was not searched for" in last
    assert costs[1] < 8 * costs[0] + 0.3, costs  # linear: about 4x; quadratic: 16x


def test_a_missing_heading_is_searched_once_however_many_notes_want_it(tmp_path,
                                                                      monkeypatch) -> None:
    """Budget 25, 10 headings: two searches.  Ten notes wanting the same missing heading spend one
    search between them; a third missing heading, asked last, is not searched for."""
    monkeypatch.setattr(VaultIndex, "HINT_BUDGET", 25)
    files = {"Big.md": "".join(f"## Part {i}\n\n" for i in range(10))}
    files.update({f"A{i}.md": "[[Big#Part 1x]]\n" for i in range(10)})
    files["B.md"] = "[[Big#Part 2x]]\n"
    files["C.md"] = "[[Big#Part 3x]]\n"
    _, warnings = _anchor_warnings(tmp_path, files)
    by_note = {w.split(":")[0]: w for w in warnings}
    assert all("did you mean [[Big#Part 1]]?" in by_note[f"A{i}.md"] for i in range(10))
    assert "did you mean [[Big#Part 2]]?" in by_note["B.md"]
    assert "the closest was not searched for: the vault links to too many missing headings" \
        in by_note["C.md"]


def test_hints_past_the_budget_are_the_same_in_a_cold_and_an_incremental_build(tmp_path,
                                                                              monkeypatch) -> None:
    """A rebuild after an edit of the first note (whose links were checked again, while the
    others' were kept) gives the hints a cold build of the edited vault gives."""
    from generator.pipeline import BuildState, build

    monkeypatch.setattr(VaultIndex, "HINT_BUDGET", 25)
    files = {"Big.md": "".join(f"## Part {i}\n\n" for i in range(10)),
             "A.md": "[[Big#Part 3x]]\n",
             "B.md": "[[Big#Part 4x]]\n[[Big#Part 5x]]\n"}
    vault = tmp_path / "warm" / "src"
    build_notes(tmp_path / "warm", files)
    state = BuildState()
    build(load_config(vault), tmp_path / "warm" / "out", state=state, exec_mode="no-exec")
    # A now wants a heading B wanted: B's first link gets its search, and its second one the budget
    edited = dict(files, **{"A.md": "[[Big#Part 4x]]\n"})
    (vault / "A.md").write_text(edited["A.md"], encoding="utf-8")
    again = build(load_config(vault), tmp_path / "warm" / "out", state=state, exec_mode="no-exec")
    cold = build_notes(tmp_path / "cold", edited)
    warm = sorted(d.format() for d in again.diagnostics)
    assert warm == sorted(d.format() for d in cold.diagnostics)
    assert any("B.md:2:1" in w and "did you mean [[Big#Part 5]]?" in w for w in warm), warm
