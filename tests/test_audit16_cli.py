"""Session 16, cli: command line, config, install and robustness rules of issue 2 (warnings that
point at the right place, a build that never stops on a bad file)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes


def _places(site, code: str) -> list[tuple[str, int, int]]:
    return [(d.span.path, d.span.line, d.span.col) for d in site.diagnostics if d.code == code]


def test_a_raw_html_address_is_reported_where_it_is_written(tmp_path: Path):
    """A local ``src``/``href`` in raw HTML that finds nothing was reported at the first place the
    same address appeared on the line: inside an earlier Markdown link, or at the first of two
    equal tags (whose two warnings then collapsed into one).  Each is reported at its own
    column."""
    lines = [
        'See [p](x.png) and <img src="x.png"> here',
        "",
        'Two <img src="y.png"> and <img src="y.png"> end',
        "",
        "| a | b |",
        "|---|---|",
        '| [q](z.png) | <img src="z.png"> |',
        "",
        '<p><a href="w.png">w.png</a> and <img src="w.png"></p>',
    ]
    site = build_notes(tmp_path, {"N.md": "\n".join(lines) + "\n"})
    html = sorted(p for p in _places(site, "link-unresolved"))
    want = []
    for number, row in enumerate(lines, 1):
        at = 0
        while (at := row.find("<img src=", at)) >= 0:
            want.append(("N.md", number, at + len('<img src="') + 1))
            at += 1
        if "<a href=" in row:
            want.append(("N.md", number, row.find("<a href=") + len('<a href="') + 1))
    md = [("N.md", 1, 5), ("N.md", 7, 3)]  # the Markdown links, at their '['
    assert html == sorted(want + md)
