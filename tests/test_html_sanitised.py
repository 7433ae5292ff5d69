"""Raw HTML the sanitiser leaves out is reported (``html-sanitised``) at the note's line and column,
naming what went; HTML that is kept whole, comments and code say nothing."""

from __future__ import annotations

import re

import pytest
from conftest import SHARED, build_notes, build_vault

NOTE = """\
# Raw HTML

Run the tool, then type <filename> and press enter.

> [!note]
> Click <button onclick="go()">here</button> now.

| a | b |
|---|---|
| <input type="checkbox"> | x |

<div onclick="evil()">
text
</div>

Inline <script>alert(1)</script> after.

<a href="javascript:alert(1)">bad link</a>

<style>
body { display: none }
</style>

- item <img src="file:///etc/hostname" alt="pic">
"""

QUIET = """\
# Kept

`<script>` in code, <b>bold</b>, <kbd>Ctrl</kbd>, <span style="color: red">red</span>,
<!-- a comment --> and <mark>marked</mark>.

<details>
<summary>More</summary>

- [ ] a task, whose checkbox is the site's own
- [x] done

</details>

<iframe src="https://www.youtube.com/embed/xyz"></iframe>

```html
<script>alert(1)</script>
```

    <style>indented code</style>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_notes(tmp_path_factory.mktemp("html"), {"Raw.md": NOTE, "Kept.md": QUIET})


def _where(site) -> dict[tuple[int, int], str]:
    return {(d.span.line, d.span.col): d.message for d in site.diagnostics
            if d.code == "html-sanitised" and d.span.path == "Raw.md"}


def test_each_loss_is_reported_at_its_line_and_column(site):
    found = _where(site)
    lines = NOTE.split("\n")
    expected = {
        (3, "<filename>"): "the tags of <filename> (its text stays)",
        (6, "<button"): "the tags of <button> (its text stays)",
        (10, "<input"): "<input>",
        (12, "<div"): "onclick= on <div>",
        (16, "<script>"): "<script> and what it holds",
        (18, "<a href"): 'href="javascript:…" on <a>',
        (20, "<style>"): "<style> and what it holds",
        (24, "<img"): 'src="file:…" on <img>',
    }
    assert len(found) == len(expected), found
    for (line, written), what in expected.items():
        col = lines[line - 1].index(written) + 1
        assert (line, col) in found, (line, col, written, found)
        assert what in found[(line, col)], found[(line, col)]


def test_the_warning_says_what_to_do(site):
    message = next(d for d in site.diagnostics if d.code == "html-sanitised").format()
    assert message.startswith("Raw.md:3:")
    assert "warning[html-sanitised]" in message
    assert "to show it as written" in message and "`code`" in message


def test_what_is_reported_is_what_the_page_lost(site):
    body = str(site.content("Raw.md"))
    assert "onclick" not in body and "javascript:" not in body and "<script" not in body
    assert "<style" not in body and "display: none" not in body and "file:" not in body
    assert "<button" not in body and "<input" not in body and "<filename" not in body
    assert "here" in body and "press enter" in body  # the text of dropped tags stays


def test_kept_html_comments_code_and_task_boxes_say_nothing(site):
    assert not [d.format() for d in site.diagnostics
                if d.code == "html-sanitised" and d.span.path == "Kept.md"]
    body = site.content("Kept.md")
    assert body.find("kbd") is not None and body.find("mark") is not None
    assert body.find("a", class_="embed-link") is not None  # the iframe became a link


def test_a_note_embedding_a_sanitised_note_does_not_repeat_the_warning(tmp_path):
    site = build_notes(tmp_path, {"A.md": "x <button>b</button> y\n",
                                  "B.md": "![[A]]\n\n![[A]]\n"})
    assert [(d.span.path, d.span.line) for d in site.diagnostics if d.code == "html-sanitised"] \
        == [("A.md", 1)]


HELP = SHARED / "corpus" / "obsidian-help-en"


@pytest.mark.skipif(not HELP.is_dir(), reason="the shared Obsidian Help vault is absent")
def test_help_vault_raw_html_loses_nothing_worth_a_warning(tmp_path):
    """The Help vault's raw HTML (tables, <br>, <kbd>, <iframe>s of web pages) is all kept."""
    site = build_vault(HELP, tmp_path, copy=False)
    assert site.messages("html-sanitised") == []


def test_demo_showcase_reports_its_three_unsafe_examples(tmp_path):
    from conftest import REPO

    site = build_vault(REPO / "notes", tmp_path, copy=False)
    found = site.messages("html-sanitised")
    assert len(found) == 3, found
    assert all(m.startswith("Meta/Syntax showcase.md:") for m in found)
    kinds = " ".join(found)
    assert re.search(r"<script> and what it holds", kinds)
    assert "onclick= on <span>" in kinds and 'href="javascript:…" on <a>' in kinds


# -- inline SVG: kept, cleaned, as Obsidian shows it -------------------------------------------

DRAWING = """\
# Drawing

An icon <svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" \
fill="none" stroke="currentColor" stroke-width="2" class="icon-x"><line x1="18" y1="6" x2="6" \
y2="18"></line><line x1="6" y1="6" x2="18" y2="18"></line></svg> in a sentence.

<svg width="200" height="100" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg">
  <defs>
    <linearGradient id="grad" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#7c3aed"/>
      <stop offset="1" stop-color="#06b6d4"/>
    </linearGradient>
  </defs>
  <rect x="5" y="5" width="190" height="90" rx="12" fill="url(#grad)"/>
  <text x="100" y="58" text-anchor="middle" font-size="24" fill="white">Hello a &lt; b</text>
  <circle cx="20" cy="20" r="8" fill="orange" onclick="alert(1)"/>
</svg>

Over two lines: <svg width="30" height="30"><circle cx="15" cy="15" r="10"
fill="green"/><script>alert(2)</script></svg> done.
"""


@pytest.fixture(scope="module")
def drawing(tmp_path_factory):
    return build_notes(tmp_path_factory.mktemp("svg"), {"Drawing.md": DRAWING})


def test_inline_svg_is_kept_with_its_shapes(drawing):
    body = drawing.content("Drawing.md")
    icon = body.find("p").find("svg")
    assert icon is not None and icon["viewbox"] == "0 0 24 24" and icon["stroke"] == "currentColor"
    assert len(icon.find_all("line")) == 2 and "in a sentence" in body.find("p").text
    block = body.find("svg", attrs={"width": "200"})
    assert block.find("lineargradient")["id"] == "grad"
    assert block.find("rect")["fill"] == "url(#grad)"  # a reference inside the drawing stays
    assert block.find("text").text == "Hello a < b"
    raw = drawing.page("Drawing.md").read_text(encoding="utf-8")
    assert 'viewBox="0 0 200 100"' in raw and "<linearGradient" in raw  # SVG's own spelling
    two = body.find_all("p")[-1]
    assert two.find("circle")["fill"] == "green" and two.text.strip().endswith("done.")


def test_what_runs_in_an_svg_goes_and_is_reported(drawing):
    body = str(drawing.content("Drawing.md"))
    assert "onclick" not in body and "alert(" not in body and "<script" not in body
    lines = DRAWING.split("\n")
    found = {(d.span.line, d.span.col): d.message for d in drawing.diagnostics
             if d.code == "html-sanitised"}
    onclick = next(i for i, row in enumerate(lines, 1) if "onclick" in row)
    script = next(i for i, row in enumerate(lines, 1) if "<script>" in row)
    at_circle = (onclick, lines[onclick - 1].index("<circle") + 1)
    at_script = (script, lines[script - 1].index("<script>") + 1)
    assert set(found) == {at_circle, at_script}, found
    assert "onclick= in <svg>" in found[at_circle]
    assert "<script> in <svg>" in found[at_script]


ATTACKS = [
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
    '<svg><set attributeName="onload" to="alert(1)"/></svg>',
    '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe><img src=x '
    'onerror=alert(1)></foreignObject></svg>',
    '<svg><use href="data:image/svg+xml,x#x"/><use xlink:href="https://evil.example/s.svg#a"/></svg>',
    '<svg><style>@import url(//evil.example/x.css)</style></svg>',
    '<svg onload=alert(1)><circle r="1"/></svg>',
    '<svg><title><script>alert(1)</script></title></svg>',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<svg><math><mi><style><img src=x onerror=alert(1)></style></mi></math></svg>',
    '<svg><image href="https://evil.example/x.png"/></svg>',
    '<svg><rect style="fill:url(https://evil.example/#a)" fill="u&#x72;l(https://evil.example)"/></svg>',
    '<SVG><Script>alert(1)</Script></SVG>',
    '<svg><text><tspan id="vs:content">x</tspan></text></svg>',
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("where", ["block", "inline"])
def test_nothing_that_runs_or_loads_survives_in_an_svg(tmp_path, attack, where):
    text = f"{attack}\n" if where == "block" else f"Before {attack} after.\n"
    site = build_notes(tmp_path, {"A.md": text})
    body = str(site.content("A.md"))
    for bad in ("alert", "javascript", "evil.example", "<script", "<style", "<img", "<iframe",
                "<foreignobject", "<image", "<math", "onload", "onerror", 'id="vs:content"',
                "data:image"):
        assert bad not in body.lower(), (bad, body)
    assert site.messages("html-sanitised"), "what went must be reported"


def test_an_svg_shows_at_its_size_in_the_browser(drawing, chrome):
    page = chrome.page()
    page.goto(drawing.page("Drawing.md").as_uri())
    sizes = page.eval_on_selector_all(
        ".note-content svg", "els => els.map(e => [e.getBoundingClientRect().width, "
        "e.getBoundingClientRect().height])")
    assert sizes == [[24, 24], [200, 100], [30, 30]]
    fill = page.eval_on_selector(".note-content svg[width='200'] rect",
                                 "e => getComputedStyle(e).fill")
    assert fill.startswith("url(") and fill.endswith('#grad")')  # the gradient paints the card


def test_progress_bars_and_meters_are_kept(tmp_path):
    site = build_notes(tmp_path, {"Goals.md": (
        "Books this year: <progress value=\"7\" max=\"12\"></progress> 7 of 12\n\n"
        "<meter value=\"0.6\" min=\"0\" max=\"1\" low=\"0.3\" high=\"0.8\">60%</meter>\n")})
    body = site.content("Goals.md")
    bar = body.find("progress")
    assert bar is not None and bar["value"] == "7" and bar["max"] == "12"
    meter = body.find("meter")
    assert meter is not None and meter["high"] == "0.8" and meter.text == "60%"
    assert site.messages("html-sanitised") == []
