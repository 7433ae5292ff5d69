"""Reading the vault as Obsidian reads it: cases found by the eighth audit (front-matter, dates,
encodings, tags, the site's own pages)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes

from generator.frontmatter import parse_yaml


def test_a_key_written_twice_is_invalid_front_matter_as_in_obsidian(tmp_path: Path) -> None:
    """Obsidian's properties must have unique names ("you can't have more than one tags
    property"); a front-matter with a key written twice is invalid YAML there and none of it is
    read.  PyYAML kept the last value silently (the first ``tags:`` list was lost without a
    word); now it is a ``frontmatter-yaml`` warning at the second key, the note is published
    without its front-matter, and a ``publish: false`` line still keeps a draft out."""
    meta, diags = parse_yaml("title: A\ntags: [x]\ntitle: B\n", "D.md", 2)
    assert meta == {}
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("frontmatter-yaml", 4, 1)]
    assert "title" in diags[0].message and "line 2" in diags[0].message
    # a nested mapping too; a merge key (<<) is not a repeat of the keys it brings in
    assert parse_yaml("a:\n  b: 1\n  b: 2\n", "D.md", 2)[1][0].span.line == 4
    meta, diags = parse_yaml("base: &b {title: X, k: 1}\n<<: *b\ntitle: Y\n", "M.md", 2)
    assert diags == [] and meta["title"] == "Y" and meta["k"] == 1

    site = build_notes(tmp_path, {
        "Twice.md": "---\ntags: [first]\ntitle: Shown\ntags: [second]\n---\nbody\n",
        "Draft.md": "---\npublish: false\ntitle: A\ntitle: B\n---\nsecret\n",
    })
    assert site.has("Twice.md") and not site.has("Draft.md")
    assert site.html("Twice.md").find("h1").get_text(strip=True) == "Twice"
    assert [(d.span.path, d.span.line) for d in site.diagnostics
            if d.code == "frontmatter-yaml" and "twice" in d.message] == \
        [("Draft.md", 4), ("Twice.md", 4)]
