"""Audit 12 (fix): leftovers of earlier sessions.

1. "did you mean" for a missing heading: thousands of notes, each with one link to a missing
   heading of a note with thousands of headings, compared every link with every heading (the
   budget was each linking note's own): 2,000 of each took 1.3 s of indexing, 4,000 took 5.2 s.
   Now the vault's links share one budget of comparisons, spent in the notes' order; the
   last test guards what that must not break: cold and incremental builds give the same hints.
2. An embedded canvas's problems (a broken link in a text card...) were told once per note that
   embedded it, at the embed; now once, at the canvas file, as when nothing embeds it (fixed in
   334cbdc; these tests add a missing heading on a card, a left-out entry, several embedding
   notes, ``check`` and a missing canvas, which stays the embed's problem).
3. A build killed while it wrote a new page aside (``.New.html.tmp-<pid>``) left that file in the
   site for ever once the note was deleted: the next builds removed asides only beside the names
   they wrote or had written.  Now a build removes every aside of an ended process, and nothing
   else.

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


# -- 1. missing-heading hints: one budget for the vault -----------------------------------------
def _many_linkers(n: int) -> dict[str, str]:
    """A note with ``n`` headings and ``n`` notes, each with one link to a missing heading of it."""
    files = {"Big.md": "\n\n".join(f"## {WORDS[i % 8]} {WORDS[i // 8 % 8]} {i}"
                                   for i in range(n)) + "\n"}
    for i in range(n):
        files[f"L{i:05d}.md"] = f"[[Big#{WORDS[i % 8]} {WORDS[i // 8 % 8]} x{i}]]\n"
    return files


def _anchor_warnings(root: Path, files: dict[str, str]) -> tuple[float, list[str]]:
    cost, index = index_cost(root, files)
    return cost, [d.format() for d in index.diagnostics if d.code == "anchor-unresolved"]


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


# -- 2. an embedded canvas's problems are told once, at the canvas ------------------------------
def _embedded_board(embedders: int) -> dict[str, str]:
    import json

    cards = [{"id": "t", "type": "text", "text": "See [[Missing note]] and [[Alpha#Nope]]."},
             {"id": "f", "type": "file", "file": "Gone.md"},
             {"id": "b", "type": "text", "x": "left"}]  # left out: its x is no number
    nodes = [{"x": i * 300, "y": 0, "width": 250, "height": 120, **card}
             for i, card in enumerate(cards)]
    files = {"Alpha.md": "# Alpha\n", "Maps/Board.canvas": json.dumps({"nodes": nodes, "edges": []},
                                                                     indent="\t")}
    for i in range(embedders):
        files[f"Note {i}.md"] = f"# Note {i}\n\nThe board:\n\n![[Board.canvas]]\n"
    return files


def test_an_embedded_canvas_tells_its_problems_once_at_the_canvas(tmp_path) -> None:
    """Three notes embed a canvas with a broken link and a missing heading in a text card, a card
    whose file is missing and an entry that is left out: each problem is one warning, at its place
    in the canvas file, as when no note embeds it (each embedding note repeated all of them)."""
    from generator.config import load_config
    from generator.pipeline import check

    alone = build_notes(tmp_path / "alone", _embedded_board(0))
    site = build_notes(tmp_path / "embedded", _embedded_board(3))
    told = sorted(d.format() for d in site.diagnostics)
    assert told == sorted(d.format() for d in alone.diagnostics)
    board = [t for t in told if "canvas Maps/Board.canvas" in t]
    assert [t.split(": ", 2)[1] for t in board] == [
        "warning[link-unresolved]", "warning[anchor-unresolved]", "warning[link-unresolved]",
        "warning[canvas-error]"], board
    assert all(t.startswith("Maps/Board.canvas:") for t in board), board
    assert not any(t.startswith("Note ") for t in told), told
    # check tells the same
    vault = tmp_path / "embedded" / "src"
    assert sorted(d.format() for d in check(load_config(vault)).diagnostics) == told
    # the drawing in each note still shows the broken card, and leads to the canvas's page
    for i in range(3):
        content = site.content(f"Note {i}.md")
        assert content.select("svg.canvas-svg g.canvas-card.broken")
        page, _ = site.follow(site.page(f"Note {i}.md"), content.find("a", class_="canvas-open")["href"])
        assert page.name == "Board.canvas.html"


def test_a_problem_of_the_embed_itself_stays_at_the_embed(tmp_path) -> None:
    """An embed of a canvas the vault does not have is the embedding note's problem."""
    site = build_notes(tmp_path, {"Home.md": "# Home\n\ntext\n\n![[Nowhere.canvas]]\n"})
    assert [m.split(": warning", 1)[0] for m in site.messages("link-unresolved")] == ["Home.md:5:1"]


# -- 3. files written aside by a killed build go, whatever their name ---------------------------
def _leave_aside(out: Path, rel: str) -> Path:
    """What a build killed while it wrote ``rel`` aside leaves: the file, named as the build names
    it, by a process that has ended."""
    import subprocess
    import sys

    script = ("import sys\nfrom pathlib import Path\nfrom generator.emit import _aside_name\n"
              "p = _aside_name(Path(sys.argv[1]))\np.parent.mkdir(exist_ok=True)\n"
              "p.write_text('half a page')\nprint(p)\n")
    done = subprocess.run([sys.executable, "-c", script, str(out / rel)], check=True,
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
    return Path(done.stdout.strip())


def test_an_aside_of_a_killed_build_goes_though_its_page_is_no_longer_made(tmp_path) -> None:
    from generator.config import load_config
    from generator.pipeline import build

    vault, out = tmp_path / "vault", tmp_path / "site"
    (vault / "Sub").mkdir(parents=True)
    (vault / "A.md").write_text("# A\n", encoding="utf-8")
    build(load_config(vault), out, exec_mode="no-exec", workers=1)
    # New.md and Sub/Newer.md were added, and the build that wrote their pages was killed
    left = [_leave_aside(out, "New.html"), _leave_aside(out, "Sub/Newer.html")]
    assert all(p.is_file() and p.parent.is_relative_to(out) for p in left), left
    dead = left[0].name.rsplit("-", 1)[1]
    # what is not a file a build of ours wrote aside and left: kept
    (out / "Sub").mkdir(exist_ok=True)
    others = [out / f".notes.txt.tmp-{dead}",  # the old pattern, beside no site file
              out / ".A.html.vaultsite-tmp-1",  # a process still at work
              out / f"A.html.vaultsite-tmp-{dead}", out / "Sub" / "notes.txt"]
    for path in others:
        path.write_text("the user's", encoding="utf-8")
    (out / f".d.vaultsite-tmp-{dead}").mkdir()  # a folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f".X.html.vaultsite-tmp-{dead}").write_text("not in the site", encoding="utf-8")
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    # the notes were deleted: no build writes those pages any more
    (vault / "A.md").write_text("# A again\n", encoding="utf-8")
    build(load_config(vault), out, exec_mode="no-exec", workers=1)
    assert [p for p in left if p.exists()] == []
    assert [p.name for p in others if not p.is_file()] == []
    assert (out / f".d.vaultsite-tmp-{dead}").is_dir()
    assert (elsewhere / f".X.html.vaultsite-tmp-{dead}").is_file()
    assert "A again" in (out / "A.html").read_text(encoding="utf-8")
