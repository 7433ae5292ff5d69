"""Audit 11: a page's embed budget.  Notes that each embed the next many times ask for a page that
grows exponentially with the levels (a 28 KB vault ran a build out of 24 GB); a page shows at most
``render.MAX_PAGE_EMBEDS`` note embeds and ``render.MAX_PAGE_EMBED_CHARS`` characters of embedded
HTML, the embeds past that are links in a box, and the page gets one ``embed-budget`` warning.  The
page must be what rendering every embed afresh gives, whichever page rendered a shared embed first,
in one process or two, in a clean build or a rebuild."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator import render
from generator.config import load_config
from generator.pipeline import build, check
from generator.sitebuild import SiteBuilder
from tests.conftest import Site, time_limit, write_files
from tests.test_embed_reuse import _write_vault
from tests.test_incremental import _build_with, assert_edits_rebuild_as_clean


def _exponential(fan: int, levels: int) -> dict[str, str]:
    """N0 embeds N1 ``fan`` times, N1 embeds N2 ``fan`` times, ... N``levels`` is a leaf."""
    files = {f"N{i}.md": f"# Level {i}\n\nText of level {i}, [[N0|home]].\n\n"
             + "".join(f"![[N{i + 1}]]\n\n" for _ in range(fan)) for i in range(levels)}
    files[f"N{levels}.md"] = "# Leaf\n\nThe leaf, **bold**, [[N0]] and #tag.\n"
    return files


def _tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and "vaultsite" not in p.name}


def _build(tmp_path: Path, files: dict[str, str]):
    """Build ``files`` into ``tmp_path/site`` (pages of megabytes: read back one by one, as needed,
    not all at once as ``conftest.Site`` reads them)."""
    vault = write_files(tmp_path / "src", files)
    return build(load_config(vault), tmp_path / "site", exec_mode="no-exec")


def _embeds(page: Path) -> tuple[int, list]:
    """The note embeds a page shows, and its boxes of embeds not shown."""
    content = Site.soup(page).find(class_="note-content")
    return (len(content.select(".embed-note:not(.embed-budget)")),
            content.select(".embed-budget"))


def _messages(result, code: str) -> list[str]:
    return [d.format() for d in result.diagnostics if d.code == code]


def test_exponential_embeds_stop_at_the_page_budget_with_one_warning(tmp_path):
    """30 embeds a level, four levels: 27,930 embeds and 240 MB on N0's page before; now 5,000
    embeds, a page of a few MB, a box with a link for each embed after them, and one warning for
    each page that crossed the budget (N0's and N1's; N2 shows 930 embeds, all of them)."""
    with time_limit(120):
        result = _build(tmp_path, _exponential(30, 4))
    site = tmp_path / "site"
    assert (site / "N0.html").stat().st_size < 4_000_000
    assert (site / "N1.html").stat().st_size < 4_000_000
    shown, boxes = _embeds(site / "N0.html")
    assert shown == render.MAX_PAGE_EMBEDS and boxes
    for box in boxes[:3] + boxes[-3:]:  # a reader sees what is missing and can open it
        assert "not shown" in box.get_text()
        link = box.find("a", class_="internal-link")
        assert link["href"] == link.get_text() + ".html" and (site / link["href"]).is_file()
    assert _embeds(site / "N2.html") == (930, [])
    warnings = _messages(result, "embed-budget")
    assert len(warnings) == 2, warnings
    assert sum("on the page of N0.md" in w for w in warnings) == 1
    assert sum("on the page of N1.md" in w for w in warnings) == 1
    for w in warnings:  # file:line:col of the first embed not shown, what happened, what to do
        where = w.split(": warning[", 1)[0]
        rel, line, col = where.rsplit(":", 2)
        written = (tmp_path / "src" / rel).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert written.startswith("![[N") and col == "1", w
        assert "not shown" in w and "5,000" in w and "[[...]]" in w


def test_a_page_just_under_the_budget_is_whole_and_one_more_embed_is_a_link(tmp_path):
    """A embeds B 50 times and B embeds C 99 times: 5,000 embeds, all shown; one more embed after
    them (in the page's own text) is the first one not shown, and the warning points at it."""
    b = "# B\n\n" + "".join(f"- ![[C#^c{i % 3}]]\n" for i in range(99))
    c = "# C\n\nOne. ^c0\n\nTwo [[A]]. ^c1\n\nThree. ^c2\n"
    under = "# A\n\n" + "![[B]]\n\n" * 50
    files = {"A.md": under, "B.md": b, "C.md": c, "Over.md": under + "Last one: \n\n![[C#^c1]]\n"}
    result = _build(tmp_path, files)
    site = tmp_path / "site"
    assert _embeds(site / "A.html") == (5000, [])
    shown, boxes = _embeds(site / "Over.html")
    assert shown == 5000 and len(boxes) == 1
    assert boxes[0].find("a")["href"] == "C.html#%5Ec1"
    [warned] = _messages(result, "embed-budget")
    size = warned.split("embeds, ", 1)[1].split(" characters", 1)[0]
    assert 1_000_000 < int(size.replace(",", "")) < 2_000_000
    assert warned == (
        "Over.md:105:1: warning[embed-budget]: embed of C.md not shown on the page of Over.md "
        "(a link to the note stands in each place): the page already shows 5,000 note embeds, "
        f"{size} characters of HTML, and a page shows at most 5,000 embeds or 32,000,000 characters "
        "(embed fewer notes, or only a section of each with ![[Note#Heading]], or link to them "
        "with [[...]])")
    # the page under the budget shows B as B's own page does
    b_page = Site.soup(site / "B.html").find(class_="note-content").select(".embed-note")
    a_page = Site.soup(site / "A.html").find(class_="note-content").select(".embed-content")
    assert [str(e) for e in a_page[0].select(".embed-note")] == [str(e) for e in b_page]


def test_big_notes_embedded_a_few_times_and_a_note_embedded_200_times_are_whole(tmp_path):
    big = "# Big\n\n" + "".join(f"Paragraph {i} with **some** words [[Hub]] and more words.\n\n"
                                for i in range(4_000))  # 350 KB of HTML
    files = {"Big.md": big, "Small.md": "A small note, [[Hub]].\n",
             "Hub.md": "![[Big]]\n\n![[Big]]\n\n![[Big]]\n\n" + "![[Small]]\n\n" * 200}
    result = _build(tmp_path, files)
    assert "embed-budget" not in [d.code for d in result.diagnostics]
    assert _embeds(tmp_path / "site" / "Hub.html") == (203, [])


@pytest.fixture
def small_budget(monkeypatch):
    """Limits small enough that small vaults cross them in every way."""
    monkeypatch.setattr(render, "MAX_PAGE_EMBEDS", 12)
    monkeypatch.setattr(render, "MAX_PAGE_EMBED_CHARS", 6_000)


def _dag_vault(root: Path, seed: int) -> None:
    """Notes that embed later notes only (no loop stops a rendering, so most are shared), whole,
    by section and by block, one to six times, with text of random length."""
    rng = random.Random(seed)
    n = 14
    root.mkdir(parents=True)
    for i in range(n):
        later = [f"N{j}" for j in range(i + 1, n)]

        def embed(later: list[str] = later) -> str:
            t = rng.choice(later)
            return rng.choice([f"![[{t}]]", f"![[{t}#Two]]", f"![[{t}#^b1]]", f"![[{t}]]"])

        lines = [f"# N{i}", f"Text of N{i} [[N{rng.randrange(n)}]]." + " words" * rng.randint(0, 60)]
        lines += [embed() for _ in range(rng.randint(1, 4) if later else 0)]
        lines += ["## Two", f"Two of N{i}. ^b1"]
        lines += [embed() for _ in range(rng.randint(0, 2) if later else 0)]
        (root / f"N{i}.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("kind", "seed"), [("dag", s) for s in range(1, 7)]
                         + [("loops", 4), ("loops", 5)])
def test_shared_renderings_give_the_pages_rendering_afresh_gives_under_a_budget(
        tmp_path, monkeypatch, kind, seed):
    """A rendering of an earlier page is reused only where rendering it afresh would give it (no
    embed in it cut by the budget left to this page), so sharing changes no byte and no warning.
    Random vaults of notes embedding later notes, and test_embed_reuse's vaults of chains, loops,
    sections and blocks, with limits that cut most pages."""
    vault = tmp_path / "vault"
    if kind == "dag":
        _dag_vault(vault, seed)
        limits = (20, 3_000)
    else:
        _write_vault(vault, seed)
        limits = (12, 6_000)
    monkeypatch.setattr(render, "MAX_PAGE_EMBEDS", limits[0])
    monkeypatch.setattr(render, "MAX_PAGE_EMBED_CHARS", limits[1])
    held = []
    holds = render._Budget.holds

    def counting_holds(self, done):
        ok = holds(self, done)
        held.append((ok, done.placed))
        return ok

    monkeypatch.setattr(render._Budget, "holds", counting_holds)
    result = build(load_config(vault), tmp_path / "shared", exec_mode="no-exec", workers=1)
    assert any(ok and placed for ok, placed in held), "no rendering with embeds was reused"
    assert not all(ok for ok, _ in held), "the budget never refused a rendering"
    shared_diags = [d.format() for d in result.diagnostics]
    assert any("embed-budget" in d for d in shared_diags)

    render_note = SiteBuilder.render_note

    def afresh(self, note):
        self.embeds = None
        return render_note(self, note)

    monkeypatch.setattr(SiteBuilder, "render_note", afresh)
    fresh = build(load_config(vault), tmp_path / "fresh", exec_mode="no-exec", workers=1)
    shared, fresh_files = _tree(tmp_path / "shared"), _tree(tmp_path / "fresh")
    assert shared.keys() == fresh_files.keys()
    assert [k for k in shared if shared[k] != fresh_files[k]] == []
    assert shared_diags == [d.format() for d in fresh.diagnostics]


def test_the_budget_cuts_the_same_with_one_or_two_workers_and_on_a_rebuild(tmp_path, monkeypatch):
    """Five levels of ten embeds, and pages that embed its levels in another order (so that a
    worker meets the shared renderings in another order): the same bytes and warnings with one
    worker, two, and a rebuild from the cache after touching one note."""
    from generator.parallel import can_fork
    from generator.workers import LazyPool

    files = _exponential(10, 5)
    for k in range(8):
        files[f"P{k}.md"] = "".join(f"![[N{(k + j) % 6}]]\n\n" for j in range(3))
    vault = write_files(tmp_path / "v", files)
    with time_limit(120):
        one = build(load_config(vault), tmp_path / "one", exec_mode="no-exec", workers=1)
    diags = [d.format() for d in one.diagnostics]
    assert 1 <= sum("embed-budget" in d for d in diags) <= len(files)
    assert (tmp_path / "one" / "N0.html").stat().st_size < 4_000_000
    if can_fork():
        monkeypatch.setattr(LazyPool, "MIN_NOTES", 0)
        two = build(load_config(vault), tmp_path / "two", exec_mode="no-exec", workers=2)
        assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
        assert [d.format() for d in two.diagnostics] == diags
    (vault / "P3.md").write_text("![[N2]]\n\n![[N1]]\n\n![[N1]]\n", encoding="utf-8")
    again = _build_with(vault, tmp_path / "one", None)
    clean = _build_with(vault, tmp_path / "clean", None)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "clean")
    assert [d.format() for d in again.diagnostics] == [d.format() for d in clean.diagnostics]


BUDGET_EDITS = {
    # B's embeds of C grow until A crosses the budget (12 embeds in these tests)
    "grow": (
        {"A.md": "![[B]]\n\n![[B]]\n\n![[D]]\n", "B.md": "b ![[C]]\n\n![[C]]\n", "C.md": "c [[A]]\n",
         "D.md": "d\n\n![[C]]\n", "E.md": "![[B]]\n"},
        [{"B.md": "b\n\n" + "![[C]]\n\n" * 6}]),
    # B's embeds of C grow until A crosses the budget, then shrink back under it
    "grow-and-shrink": (
        {"A.md": "![[B]]\n\n![[B]]\n\n![[D]]\n", "B.md": "b ![[C]]\n\n![[C]]\n", "C.md": "c [[A]]\n",
         "D.md": "d\n\n![[C]]\n", "E.md": "![[B]]\n"},
        [{"B.md": "b\n\n" + "![[C]]\n\n" * 6}, {"C.md": "c, longer now [[D]]\n"},
         {"B.md": "b\n\n![[C]]\n"}]),
    # the note whose embed is cut changes, and a note only linked from a box changes
    "cut-note-edited": (
        {"A.md": "![[B]]\n\n" * 5 + "![[D#Two]]\n", "B.md": "b\n\n![[C]]\n\n![[C]]\n",
         "C.md": "c\n", "D.md": "## One\n\none\n\n## Two\n\ntwo ![[C]]\n"},
        [{"D.md": "## One\n\none\n\n## Two\n\ntwo, edited ![[C]]\n"}, {"C.md": "c\n\n![[D#One]]\n"},
         {"B.md": "b\n"}]),
}


@pytest.mark.parametrize("in_memory", [False, True])
@pytest.mark.parametrize("case", sorted(BUDGET_EDITS))
def test_edits_across_the_budget_rebuild_as_clean(tmp_path, small_budget, case, in_memory):
    before, edits = BUDGET_EDITS[case]
    assert_edits_rebuild_as_clean(tmp_path, case, before, edits, in_memory)


def test_check_reports_the_budget_as_build_does(tmp_path):
    result = _build(tmp_path, {**_exponential(30, 3), "Other.md": "![[N1]]\n\n![[N0]]\n"})
    built = [d.format() for d in result.diagnostics]
    assert sum("embed-budget" in d for d in built) == 2  # N0's page and Other's
    assert [d.format() for d in check(load_config(tmp_path / "src")).diagnostics] == built


def test_random_vaults_build_the_same_in_any_page_order(tmp_path, monkeypatch, small_budget):
    """Which page renders a shared embed first changes nothing: the notes rendered in a shuffled
    order give the bytes of the sorted order."""
    vault = tmp_path / "vault"
    _dag_vault(vault, 7)
    build(load_config(vault), tmp_path / "sorted", exec_mode="no-exec", workers=1)
    render_all = SiteBuilder._plan

    def shuffled(self):
        todo = list(render_all(self))
        random.Random(3).shuffle(todo)
        return todo

    monkeypatch.setattr(SiteBuilder, "_plan", shuffled)
    build(load_config(vault), tmp_path / "shuffled", exec_mode="no-exec", workers=1)
    assert _tree(tmp_path / "shuffled") == _tree(tmp_path / "sorted")
