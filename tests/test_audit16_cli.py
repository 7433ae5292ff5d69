"""Session 16, cli: command line, config, install and robustness rules of issue 2 (warnings that
point at the right place, a build that never stops on a bad file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_notes, deep_folder, write_files


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


@pytest.mark.parametrize("command", ["build", "check"])
def test_odd_entries_in_the_templates_folder_stop_no_build(tmp_path: Path, command: str):
    """The templates folder was listed with ``rglob``: a folder named ``x.html`` was taken for a
    template (``TemplateNotFound``), and a folder past the path length limit (``File name too
    long``) ended ``build`` and ``check`` with a traceback.  The vault walk already reports the
    second as unreadable; the user's templates still apply."""
    from generator.config import load_config
    from generator.pipeline import build, check

    vault = write_files(tmp_path / "v", {
        "A.md": "# A\n\nalpha\n",
        "_templates/odd.html/readme.txt": "a folder, not a template\n",
        "_templates/static/custom.css": "body { color: red }\n",
        "_templates/static/deeper/x.css": "p { color: blue }\n",
    })
    deep_folder(vault / "_templates", "deep.html")
    deep_folder(vault / "_templates" / "static", "deep.html")
    cfg = load_config(vault)
    if command == "check":
        result = check(cfg)
    else:
        out = tmp_path / "site"
        result = build(cfg, out, exec_mode="no-exec")
        page = (out / "A.html").read_text(encoding="utf-8")
        assert "alpha" in page and "_assets/custom.css" in page
        assert (out / "_assets" / "deeper" / "x.css").is_file()
    assert sorted(d.code for d in result.diagnostics) == ["unreadable", "unreadable"]


def test_front_matter_anchors_that_expand_to_millions_of_items_are_left_out(tmp_path: Path):
    """``&a [*b, *b, …]`` nested ten levels is 700 bytes of YAML and 3.4 billion items: the values
    were shared when read, but deciding whether the note is published wrote each value out
    (``str``), and so did a date warning quoting it and the permalink; the build ran for hours
    and took gigabytes.  Such a value is left out with a warning at its key; the note and its
    other properties are published.  (Six levels here, half a million items, so that the old code
    finishes quickly and fails.)  A long list written out in full is kept."""
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 6)]
    long = "[" + ", ".join(["x"] * 120_000) + "]"
    site = build_notes(tmp_path, {
        "Bomb.md": "---\ntags: [kept]\n" + "\n".join(bomb) + "\ndate: *a5\npublish: *a5\n"
                   "permalink: *a5\n---\nbody of the bomb\n",
        "Long.md": f"---\nitems: {long}\n---\nlong body\n",
        "Other.md": "[[Bomb]] and [[Long]]\n",
    })
    assert "body of the bomb" in site.content("Bomb.md").get_text()
    assert "long body" in site.content("Long.md").get_text()
    notes = {n.rel: n for n in site.result.index.notes.values()}
    bomb_meta = notes["Bomb.md"].meta
    assert notes["Bomb.md"].tags == ("kept",)
    assert not {"a5", "date", "publish", "permalink"} & set(bomb_meta)
    assert bomb_meta["a4"] and len(notes["Long.md"].meta["items"]) == 120_000
    [message] = site.messages("frontmatter-yaml")
    assert message.startswith("Bomb.md:8:1: warning[frontmatter-yaml]: the values of `a5`, `date`, "
                              "`publish`, `permalink` are left out"), message


def test_the_command_list_says_each_command_in_full():
    """``vaultsite --help`` cut the summary of ``init`` mid-sentence ("… workflow into..."): each
    command's line is a whole sentence."""
    from click.testing import CliRunner

    from generator.cli import main

    out = CliRunner().invoke(main, ["--help"]).output
    commands = out.split("Commands:", 1)[1].strip().splitlines()
    assert {line.split()[0] for line in commands} == {"build", "check", "init", "serve"}
    assert all(line.rstrip().endswith(".") and not line.rstrip().endswith("..")
               for line in commands), commands
