"""The twenty-second session's leftovers (issue 2): what the twenty-first left, each reproduced here
and now done.  The browser tests build one small vault with the real pipeline and open it from
file:// in headless Chromium (tests/chromium.py); the execution tests run real cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import page_of

# the local graph of Hub: the four notes it links and the one linking it; East links one more
HUB = "# Hub\n\nTo [[East]], [[West]], [[North]] and [[South]].\n"
VAULT = {
    "Hub.md": HUB,
    "East.md": "# East\n\nBack to [[Hub]] and on to [[Far]].\n",
    "West.md": "# West\n\n[[Hub]]\n",
    "North.md": "# North\n\nNothing.\n",
    "South.md": "# South\n\nNothing.\n",
    "Far.md": "# Far\n\nNothing.\n",
    "Notes with footnotes.md": (
        "# Notes with footnotes\n\nA claim.[^1] An aside.^[The inline one, *said* in passing.] A named"
        " one.[^named]\n\n" + "Filler paragraph.\n\n" * 40
        + "[^1]: The first footnote, pointing to [[Hub|the hub]].\n"
        "[^named]: The named footnote.\n\n    Its second paragraph.\n"),
    "Wide sum.md": ("# Wide sum\n\n$$\nf(x) = " + " + ".join(
        f"\\frac{{{i}}}{{{i + 1}}} y_{{{i}}}^{{2}}" for i in range(120)) + "\n$$\n\nAfter.\n"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from conftest import build_notes

    return build_notes(tmp_path_factory.mktemp("audit22-leftovers"), VAULT).out


def _open(chrome, site: Path, source: str, **kw):
    page = chrome.page(**kw)
    page.goto(page_of(site, source).as_uri())
    return page


# ---------- 1. the graph's nodes by keyboard ----------

SETTLED = ("() => window.vsGraph && vsGraph.views.length && vsGraph.views[0].stats"
           " && vsGraph.views[0].stats.settled")
FOCUSED = """() => { const v = vsGraph.views[0], n = v.focused; if (!n) return null;
    const scale = v.nodeScale(), x = n.x * v.k + v.tx, y = n.y * v.k + v.ty, d = v.dpr;
    const ring = v.ctx.getImageData(Math.round((x + n.r * scale + 5) * d), Math.round(y * d), 1, 1).data;
    return {label: n.label, url: n.url, x: n.x, y: n.y, ring: Array.from(ring),
            said: v.said.textContent, tip: v.tip.hidden ? null : v.tip.textContent,
            active: document.activeElement === v.canvas}; }"""
RING_AT = """([x, y]) => { const v = vsGraph.views[0], d = v.dpr;
    return Array.from(v.ctx.getImageData(Math.round(x * d), Math.round(y * d), 1, 1).data); }"""


@pytest.mark.browser
def test_the_local_graph_is_walked_and_opened_by_keyboard(site, chrome):
    # the graph was a canvas outside the tab order, with no keys: a keyboard or screen-reader user
    # could reach none of the notes it draws.  Tab now reaches it, the focus starts on the note
    # itself, is drawn as a ring and said aloud, arrows move it, Enter opens that note's page
    page = _open(chrome, site, "Hub.md", width=1280, height=900)
    page.locator(".graph-local").scroll_into_view_if_needed()
    page.wait_for_function(SETTLED, timeout=20_000)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.graph-local canvas')"):
            break
    else:
        pytest.fail("Tab never reached the local graph")
    canvas = page.locator(".graph-local canvas")
    assert canvas.get_attribute("role") == "application"
    assert "Enter opens" in canvas.get_attribute("aria-label")
    start = page.evaluate(FOCUSED)
    assert start["label"] == "Hub" and start["tip"] == "Hub" and start["said"].startswith("Hub, ")
    assert start["ring"][3] > 0, "a ring is drawn around the focused note's dot"
    # Page Down goes through every note the graph draws, each said with its place
    seen = []
    for _ in range(6):
        page.keyboard.press("PageDown")
        now = page.evaluate(FOCUSED)
        seen.append(now["label"])
        assert now["said"].endswith(" of 6"), now["said"]
    assert sorted(seen) == ["East", "Hub", "North", "Notes with footnotes", "South", "West"], seen
    # arrows go to a note on that side, the nearest that way
    page.keyboard.press("Home")
    arrows = (("ArrowRight", (1, 0)), ("ArrowLeft", (-1, 0)), ("ArrowDown", (0, 1)), ("ArrowUp", (0, -1)))
    for key, sign in arrows:
        page.keyboard.press("Home")
        here = page.evaluate(FOCUSED)
        page.keyboard.press(key)
        there = page.evaluate(FOCUSED)
        if there["label"] == here["label"]:
            continue  # nothing on that side
        along = (there["x"] - here["x"]) * sign[0] + (there["y"] - here["y"]) * sign[1]
        assert along > 0, (key, here, there)
    # Escape takes the ring away; the old ring's place is drawn over
    page.keyboard.press("Home")
    ring = page.evaluate(FOCUSED)
    page.keyboard.press("Escape")
    assert page.evaluate(FOCUSED) is None
    scale_ring = page.evaluate("""() => { const v = vsGraph.views[0], n = v.sim.nodes.find(n => n.center);
        return [n.x * v.k + v.tx + n.r * v.nodeScale() + 5, n.y * v.k + v.ty]; }""")
    assert page.evaluate(RING_AT, scale_ring) != ring["ring"]
    # Enter opens the focused note
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    target = page.evaluate(FOCUSED)
    assert target["url"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/" + target["url"]), (page.url, target)
    page.close()


@pytest.mark.browser
def test_a_click_on_the_graph_puts_no_keyboard_ring(site, chrome):
    # the canvas takes focus from a click too; the ring is the keyboard's, as :focus-visible is
    page = _open(chrome, site, "Hub.md", width=1280, height=900)
    page.locator(".graph-local").scroll_into_view_if_needed()
    page.wait_for_function(SETTLED, timeout=20_000)
    box = page.locator(".graph-local canvas").bounding_box()
    page.mouse.click(box["x"] + 3, box["y"] + box["height"] - 3)
    assert page.evaluate("document.activeElement.matches('.graph-local canvas')")
    assert page.evaluate(FOCUSED) is None
    page.close()


# ---------- 2. a footnote's reference previews the footnote ----------

POPOVER = "() => { const p = document.querySelector('.popover'); return p && p.innerText.trim(); }"


@pytest.mark.browser
def test_a_footnote_reference_shows_its_footnote_on_hover_and_focus(site, chrome):
    # Obsidian shows a footnote's text over its reference; here the reference led only to the
    # bottom of the page, forty paragraphs down.  The pointer and the keyboard now show it in place
    page = _open(chrome, site, "Notes with footnotes.md", width=1280, height=900)
    refs = page.locator(".note-content sup.footnote-ref a")
    assert refs.count() == 3
    refs.nth(0).hover()
    page.wait_for_function(POPOVER, timeout=5_000)
    text = page.evaluate(POPOVER)
    assert text == "The first footnote, pointing to the hub.", text
    assert page.locator(".popover .footnote-backref").count() == 0
    assert page.locator(".popover [id]").count() == 0, "no id of the page twice"
    assert page.locator(".popover a.internal-link").get_attribute("href") == "Hub.html"
    assert page.locator(".popover").get_attribute("aria-hidden") == "true"  # as every preview
    top = page.locator(".popover").bounding_box()["y"]
    assert abs(top - refs.nth(0).bounding_box()["y"]) < 80, "shown by the reference, not at the footnote"
    page.mouse.move(5, 890)
    page.wait_for_function("() => !document.querySelector('.popover')")
    # the keyboard: focus on a reference shows its footnote, the inline one's and a named one's
    refs.nth(1).focus()
    page.wait_for_function(POPOVER)
    assert page.evaluate(POPOVER) == "The inline one, said in passing."
    assert page.locator(".popover em").count() == 1
    page.keyboard.press("Tab")
    page.wait_for_function("() => { const p = document.querySelector('.popover');"
                           " return p && p.innerText.includes('named'); }")
    assert page.evaluate(POPOVER).split() == "The named footnote. Its second paragraph.".split()
    page.close()


# ---------- 6. a very wide display formula prints readable ----------

PRINTED = """() => {
    const box = document.querySelector('.note-content .math.block'), b = box.getBoundingClientRect();
    const lines = [...box.querySelectorAll('.math-print-line')].map(l => {
        const r = l.querySelector('mrow').getBoundingClientRect();
        return {left: r.left, right: r.right, zoom: l.style.zoom,
                size: getComputedStyle(l.querySelector('math')).fontSize}; });
    return {box: [b.left, b.right], zoom: box.style.zoom, lines: lines,
            hidden: getComputedStyle(box.querySelector(':scope > math')).display === 'none',
            text: [...box.querySelectorAll('.math-print-line')].map(l => l.textContent).join(''),
            whole: box.querySelector(':scope > math').textContent,
            size: getComputedStyle(box.querySelector(':scope > math')).fontSize}; }"""


@pytest.mark.browser
def test_a_very_wide_formula_prints_on_lines_at_its_size(site, chrome):
    # a sum of 120 fractions, some 9,000 px wide, was printed scaled to 0.07 of its size: a grey
    # line.  It is now printed on lines broken before its + signs, the lines after the first
    # indented, at the size of any formula, every term kept; the screen has it whole again after
    page = _open(chrome, site, "Wide sum.md", width=1280, height=900)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})
    m = page.evaluate(PRINTED)
    assert m["zoom"] == "" and m["hidden"] and len(m["lines"]) >= 8, m
    assert m["text"] == m["whole"] and "119120" in m["text"]
    for line in m["lines"]:
        assert m["box"][0] <= line["left"] and line["right"] <= m["box"][1] + 1, (line, m["box"])
        assert line["zoom"] == "" and line["size"] == m["size"], line
    assert all(line["left"] > m["lines"][0]["left"] + 20 for line in m["lines"][1:]), "indented"
    starts = page.eval_on_selector_all(".math-print-more > math > mrow",
                                       "rs => rs.map(r => r.firstChild.textContent)")
    assert set(starts) == {"+"}, starts
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator(".math-print").count() == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.math.block > math')).display") != "none"
    page.close()


# ---------- 3. ![[embed]] in a cell's Markdown output ----------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x14\x00\x00\x00\x0a\x08\x02"
       b"\x00\x00\x00\x90wS\xde")


def test_an_embed_in_a_cells_markdown_output_is_a_picture_or_told(tmp_path):
    # display(Markdown('![[plot.png]]')) showed the words "plot.png", and ![[pic.png|50]] the
    # words "50", without a word to the author.  A picture is now shown as a note's would be
    # (found by name, its size kept; one that is missing is an output-link-unresolved warning);
    # an embed of a note, whose text an output cannot hold, is a link to it and an output-embed
    # warning at the cell's fence, from the cache too
    from conftest import exec_build, write_files

    vault = write_files(tmp_path / "vault", {
        "Lab/Analysis.md": (
            "# Analysis\n\n```{python}\nfrom IPython.display import Markdown, display\n"
            "display(Markdown('Plot: ![[pic.png]], small ![[pic.png|50]], missing ![[gone.png]]'))\n"
            "display(Markdown('![[Other#Part]]'))\n```\n"),
        "Other.md": "# Other\n\n## Part\n\nIts words.\n",
        "pics/pic.png": PNG,
    })
    for run in ("cold", "cached"):
        site = exec_build(vault, tmp_path / "site")
        told = sorted((str(d.span), d.code, d.message) for d in site.diagnostics
                      if d.code.startswith("output-"))
        assert [(span, code) for span, code, _ in told] == [
            ("Lab/Analysis.md:3:1", "output-embed"),
            ("Lab/Analysis.md:3:1", "output-link-unresolved")], (run, told)
        assert "![[Other#Part]]" in told[0][2] and "'gone.png'" in told[1][2], told
        result = site.content("Lab/Analysis.md").find(class_="cell-output")
        text = result.get_text(" ", strip=True)
        assert "pic.png" not in text and "50" not in text, (run, text)
        imgs = result.find_all("img")
        assert [(i.get("src"), i.get("width"), i.get("alt")) for i in imgs] == [
            ("../pics/pic.png", "20", "pic"), ("../pics/pic.png", "50", "pic"), (None, None, "gone")], run
        link = result.find("a", string="Other > Part")["href"]
        page, fragment = site.follow(site.page("Lab/Analysis.md"), link)
        assert page == site.page("Other.md") and fragment == "Part", run
        assert (site.out / "pics/pic.png").read_bytes() == PNG


# ---------- 4. an output cut for length says so once, with how much and how to see it all ----------

LONG_OUTPUT = (
    "# Long output\n\n"
    "```{python}\nfor i in range(100_000):\n    print(f'line {i}')\n```\n\n"
    "```{python}\nprint('x' * 5_000_000 + 'END')\n```\n\n"
    "```{python}\nimport os\nos.write(2, b''.join(b'raw %d\\n' % i for i in range(200_000)));\n```\n")


def test_a_long_output_says_once_how_much_is_shown_and_how_to_see_it_all(tmp_path):
    # 100,000 printed lines showed "… 89922 lines not shown …" (the count of what the worker
    # had kept, not of what was printed), then lines from the middle, then "[vaultsite: output
    # cut at 1,000,000 characters]" where the output's end should be; a 5 MB line showed "… 1
    # lines not shown …".  The worker now keeps the end of a long stream too and counts what it
    # drops, and the page says in one line how much of how much it shows
    from conftest import exec_build, write_files

    vault = write_files(tmp_path / "vault", {"Long output.md": LONG_OUTPUT})
    for run in ("cold", "cached"):
        site = exec_build(vault, tmp_path / "site")
        printed = [pre.get_text() for pre in site.content("Long output.md").select(".cell-output pre")]
        assert len(printed) == 3, run
        lines, wide, raw = printed
        assert "output cut" not in "".join(printed)
        gaps = [line for line in lines.split("\n") if "not shown" in line]
        assert gaps == ["… 98,000 of 100,000 lines not shown (the first 1,000 and the last 1,000 are;"
                        " run the code to see them all) …"], (run, gaps)
        shown = lines.split("\n")
        assert shown[:2] == ["line 0", "line 1"] and shown[-3:] == ["line 99998", "line 99999", ""]
        assert "line 50000\n" not in lines and len(lines) < 30_000
        gaps = [line for line in wide.split("\n") if "not shown" in line]
        assert gaps == ["… 4,800,004 of 5,000,004 characters not shown, in a line too long for a page"
                        " (its start and its end are; run the code to see it all) …"], (run, gaps)
        assert wide.rstrip().endswith("xEND") and len(wide) < 210_000
        gaps = [line for line in raw.split("\n") if "not shown" in line]
        assert gaps == ["… 198,000 of 200,000 lines not shown (the first 1,000 and the last 1,000 are;"
                        " run the code to see them all) …"], (run, gaps)
        assert raw.startswith("raw 0\n") and raw.rstrip().endswith("raw 199999")


# ---------- 5. --no-exec after a code edit: the cells before the edit keep their outputs ----------

def test_no_exec_after_a_code_edit_shows_the_cells_before_it(tmp_path):
    # a note's cells run in order in one interpreter, so a cell's cache key holds the cells
    # before it, not those after.  After an edit of the second cell, --no-exec showed every cell
    # of the note "Not run"; the first one's key is as it was, and it now shows its output.
    # A file the first cell read, changed since, is told (exec-stale); the run after shows all
    from conftest import Site, exec_build, write_files

    from generator.config import load_config
    from generator.pipeline import build

    def no_exec():
        out = tmp_path / "site"
        return Site(out, build(load_config(vault), out, exec_mode="no-exec"))

    def shown(site):
        return [d.get_text(" ", strip=True) for d in site.content("N.md").select(".cell-output")]

    note = ("# N\n\n```{python}\nprint(open('data.txt').read())\n```\n\n"
            "```{python}\nprint('second')\n```\n\n```{python}\nprint('third')\n```\n")
    vault = write_files(tmp_path / "vault", {"N.md": note, "data.txt": "one"})
    assert shown(exec_build(vault, tmp_path / "site")) == ["one", "second", "third"]
    (vault / "N.md").write_text(note.replace("'second'", "'SECOND'"), encoding="utf-8")
    site = no_exec()
    assert shown(site) == ["one"] + ["Not run: built with --no-exec (code changed at line 8)"] * 2
    assert [d.code for d in site.diagnostics] == []
    (vault / "data.txt").write_text("two", encoding="utf-8")
    site = no_exec()
    assert shown(site)[0] == "one"
    stale = [d.message for d in site.diagnostics if d.code == "exec-stale"]
    assert stale == ["showing outputs of an earlier run of the cells before line 8 although data.txt "
                     "changed (built with --no-exec)"], stale
    # an edit of the first cell leaves nothing to show
    (vault / "N.md").write_text(note.replace("print(open", "print('x', open"), encoding="utf-8")
    assert shown(no_exec()) == ["Not run: built with --no-exec (code changed at line 4)"] * 3
    assert shown(exec_build(vault, tmp_path / "site")) == ["x two", "second", "third"]
