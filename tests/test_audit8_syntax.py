"""Obsidian syntax as rendered: cases found by the eighth audit (combinations of constructs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_notes

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def _site_text(out: Path) -> str:
    """Every file of the built site, as text."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in out.rglob("*") if p.is_file())


def test_comment_in_image_alt_reaches_no_file(tmp_path):
    # the image's alt text is shown without the comment; the summary and search text read the
    # alt's raw source and published it
    site = build_notes(tmp_path, {"N.md": "![alt %%SECRETALT%%](pic.png)\n", "pic.png": PNG})
    assert site.content("N.md").find("img")["alt"].strip() == "alt"
    assert "SECRETALT" not in _site_text(site.out)


def test_tex_comment_in_inline_math_reaches_no_file(tmp_path):
    # ``%`` starts a TeX comment, so the formula shows ``x`` (and its alttext says so); the search
    # text took the formula's source with the comment in it
    site = build_notes(tmp_path, {"N.md": "Inline $x %%SECRETMATH%%$ math.\n"})
    assert site.content("N.md").find("math")["alttext"] == "x"
    assert "SECRETMATH" not in _site_text(site.out)


def test_raw_embed_element_drops_only_itself(tmp_path):
    # <embed> is a void element (no content, no closing tag): it was dropped "with its content" up
    # to a </embed> that never comes, so the rest of its paragraph or HTML block vanished
    site = build_notes(tmp_path, {"N.md": 'Before <embed src="doc.pdf"> after.\n\n'
                                          '<div>\n<embed src="x.pdf">\n<p>kept text</p>\n</div>\n'})
    content = site.content("N.md")
    text = content.get_text(" ", strip=True)
    assert "after." in text and "kept text" in text
    assert content.find("embed") is None


def test_remote_images_in_any_spelling_are_links(tmp_path):
    # remote_images = "link" (the default): pages make no request off the machine.  An upper-case
    # scheme and a scheme-relative //host/ address (https: on a hosted site) were loaded
    site = build_notes(tmp_path, {"N.md": "![up](HTTPS://evil.example/upper.png)\n\n"
                                          "![pr](//evil.example/pr.png)\n\n"
                                          '<img src="//evil.example/raw.png" alt="raw">\n'})
    content = site.content("N.md")
    assert [img.get("src") for img in content.find_all("img")] == []
    links = {a.get_text(): a["href"] for a in content.select("a.remote-image")}
    assert links == {"up": "HTTPS://evil.example/upper.png", "pr": "//evil.example/pr.png",
                     "raw": "//evil.example/raw.png"}


def test_raw_remote_video_and_audio_load_nothing_until_played(tmp_path):
    # a browser fetches a <video>/<audio> source as the page loads (preload defaults to metadata)
    site = build_notes(tmp_path, {"N.md": '<video src="https://evil.example/v.mp4" controls>'
                                          "</video>\n\n"
                                          '<audio src="//evil.example/a.mp3" controls></audio>\n\n'
                                          "<video controls>\n"
                                          '<source src="https://evil.example/s.mp4">\n</video>\n\n'
                                          'In a line <video controls><source '
                                          'src="https://evil.example/t.mp4"></video> too.\n'})
    media = site.content("N.md").find_all(["video", "audio"])
    assert len(media) == 4
    assert all(m.get("preload") == "none" for m in media)


def test_comment_opened_in_a_paragraph_and_closed_in_a_list_quote_or_table(tmp_path):
    # a comment left open at the end of a paragraph hides what follows up to its closing %%; when
    # that %% stood in a list, quote, callout or table, the whole block went, with the text after
    # the %% and the items and rows after it
    site = build_notes(tmp_path, {
        "L.md": "Intro text %%\n- hidden 1\n- hidden 2 %% tail2\n- visible 3\n\nAfter.\n",
        "Q.md": "Intro %%hidden\n> quote hidden %% visible quote text\n\nAfter.\n",
        "C.md": "Intro %%hidden\n\n> [!note] Title hidden\n> body hidden %% body shown\n"
                "> more shown\n\nAfter.\n",
        "T.md": "Text %%\n| a | b |\n|---|---|\n| h %% | v |\n| v2 | v3 |\n",
    })
    expect = {"L.md": (["tail2", "visible 3", "After."], ["hidden"]),
              "Q.md": (["visible quote text", "After."], ["hidden"]),
              "C.md": (["body shown", "more shown", "After."], ["hidden"]),
              "T.md": (["v", "v2", "v3"], ["h", "a", "b"])}
    for note, (shown, gone) in expect.items():
        words = site.content(note).get_text(" ", strip=True).split()
        text = " ".join(words)
        for part in shown:
            assert part in text, (note, part, text)
        for part in gone:
            assert part not in words, (note, part, text)
    assert [li.get_text(strip=True) for li in site.content("L.md").find_all("li")][-2:] == [
        "tail2", "visible 3"]


@pytest.mark.browser
def test_nested_tasks_are_indented_and_ordered_tasks_numbered(tmp_path, chrome):
    # the task item itself was pulled left by the bullet's width at every level, so a subtask sat
    # 0.2em right of its parent (a plain nested item sits 1.6em right), and an ordered task had
    # no number; in Obsidian the box stands where the bullet was
    from chromium import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    site = build_notes(tmp_path, {"N.md": "- [ ] task\n  - [ ] subtask\n    - [x] subsub\n\n"
                                          "Text.\n\n- plain\n  - plain sub\n\n"
                                          "1. [ ] first\n2. [x] second\n"})
    page = chrome.page()
    page.goto(site.page("N.md").as_uri())
    left = page.evaluate("""() => [...document.querySelectorAll('.note-content li')].map(li => {
        const box = li.querySelector(':scope > label > input, :scope > p > label > input');
        return [li.firstChild.textContent.trim() || li.textContent.trim().split('\\n')[0],
                Math.round((box || li).getBoundingClientRect().left),
                getComputedStyle(li).listStyleType];
    })""")
    where = {text.strip(): (x, style) for text, x, style in left}
    step = where["plain sub"][0] - where["plain"][0]
    assert step > 15
    assert abs((where["subtask"][0] - where["task"][0]) - step) <= 2
    assert abs((where["subsub"][0] - where["subtask"][0]) - step) <= 2
    assert where["first"][1] == "decimal" and where["task"][1] == "none"
    page.close()


def test_two_display_formulas_on_one_line(tmp_path):
    # a line that starts and ends with $$ was one math block from its first $$ to its last, so
    # '$$a$$ and $$b$$' typeset 'a$$ and $$b' as one formula; Obsidian shows two, and the text
    site = build_notes(tmp_path, {"N.md": "$$a$$ and $$b$$\n\n$$x$$, $$y$$ ^eq\n\n$$\nc\n$$\n"})
    content = site.content("N.md")
    maths = [m["alttext"] for m in content.find_all("math")]
    assert maths == ["a", "b", "x", "y", "c"]
    assert "and" in content.get_text()
    assert content.find("div", class_="math block").find("math")["alttext"] == "c"


def test_raw_html_align_attribute_is_kept(tmp_path):
    # <div align="center"> / <p align="center"> around an image is a common way to centre it in
    # Obsidian (its sanitiser keeps align); only img, table and cells kept it here
    site = build_notes(tmp_path, {"N.md": '<div align="center">centred</div>\n\n'
                                          '<p align="right">right</p>\n\n'
                                          '<h2 align="center">Title</h2>\n'})
    content = site.content("N.md")
    assert content.find("div", string="centred")["align"] == "center"
    assert content.find("p", string="right")["align"] == "right"
    assert content.find("h2")["align"] == "center"


def test_raw_img_keeps_an_inline_raster_data_image(tmp_path):
    # <img src="data:image/png;base64,…"> (HTML pasted with its pictures) shows in Obsidian, as
    # the same Markdown image does here; the raw <img> lost its src.  data: stays refused
    # everywhere else: links, SVG, and any spelling of the scheme
    png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4"
           "z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
    site = build_notes(tmp_path, {"N.md": f'<img src="{png}" alt="raw">\n\n'
                                          '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg">\n\n'
                                          '<a href="data:text/html,x">h</a> '
                                          '<a href="da&#9;ta:text/html,x">t</a> '
                                          f'<a href="{png}">l</a>\n\n'
                                          '<video src="data:video/mp4;base64,AAAA"></video>\n'})
    content = site.content("N.md")
    assert content.find("img", alt="raw")["src"] == png
    assert content.find("img", alt="svg").get("src") is None
    assert [a.get("href") for a in content.find_all("a")] == [None, None, None]
    assert content.find("video").get("src") is None


@pytest.mark.browser
def test_done_tasks_are_struck_through(tmp_path, chrome):
    # Obsidian's default theme (and Publish) strike a done task through
    # (--checklist-done-decoration: line-through), on its own line only: not its open subtasks
    from chromium import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    site = build_notes(tmp_path, {"N.md": "- [x] done\n  - [ ] open sub\n- [ ] open\n- [-] dropped\n"})
    page = chrome.page()
    page.goto(site.page("N.md").as_uri())
    lines = page.evaluate("""() => [...document.querySelectorAll('.note-content li')].map(li => {
        const label = li.querySelector(':scope > label');
        return [label.textContent.trim(),
                getComputedStyle(label).textDecorationLine.includes('line-through')
                || getComputedStyle(li).textDecorationLine.includes('line-through')];
    })""")
    assert dict(lines) == {"done": True, "open sub": False, "open": False, "dropped": True}
    page.close()


def test_empty_task_is_a_checkbox(tmp_path):
    # Obsidian's own daily-note template ('Daily notes' in its help) ends with '- [ ]': a task to
    # fill in.  It showed as a bullet with '[ ]' written out
    site = build_notes(tmp_path, {"N.md": "## Tasks\n\n- [ ]\n- [x]\n- [ ]\n  - sub\n\n- [1] Ref 2020\n"})
    items = site.content("N.md").find_all("li", class_="task-list-item")
    assert [(li["data-task"], li.find("input").has_attr("checked")) for li in items] == [
        ("", False), ("x", True), ("", False), ("1", True)]
    assert "[ ]" not in site.content("N.md").get_text()


def test_comment_closed_at_the_start_of_a_later_line(tmp_path):
    # 'text %%draft' … then a line that starts with the closing %%: that line was read as the
    # opening of a block comment, which (never closed) hid the rest of the note
    site = build_notes(tmp_path, {
        "A.md": "Intro. %%draft\n\n%%\n\nMore text.\n\n## Heading\n\nEnd.\n",
        "B.md": "Intro. %%\ndraft draft\n\n%% Final text.\n\nMore text.\n",
        "C.md": "- item %%hidden\n\n%% after item\n\nMore.\n",
        "D.md": "Use `%%` in code.\n\n%%\nblock comment\n\nstill hidden\n%%\n\nShown.\n",
        "E.md": "A %%one\n\n%%\nB shown\n%%\n\nC hidden\n\n%%\n\nD shown\n",
    })
    expect = {"A.md": (["Intro.", "More text.", "Heading", "End."], ["draft"]),
              "B.md": (["Intro.", "Final text.", "More text."], ["draft"]),
              "C.md": (["item", "after item", "More."], ["hidden"]),
              "D.md": (["Use", "Shown."], ["block", "still"]),
              "E.md": (["A", "B shown", "D shown"], ["one", "C hidden"])}
    for note, (shown, gone) in expect.items():
        text = site.content(note).get_text(" ", strip=True)
        for part in shown:
            assert part in text, (note, part, text)
        for part in gone:
            assert part not in text, (note, part, text)
