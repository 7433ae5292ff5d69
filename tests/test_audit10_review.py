"""Review of the tenth session's parallel changes: what reading them module by module found."""

from __future__ import annotations

from pathlib import Path

from conftest import build_notes


def test_a_folded_info_counts_each_block_once(tmp_path: Path) -> None:
    """A note with one ``dataviewjs`` script, embedded in two other notes, is one block: its info
    was said as "the first of 3 plugin blocks and queries" (each page that shows the block
    reported it again, and the copies were counted before they were merged)."""
    site = build_notes(tmp_path, {
        "A.md": "# A\n\n```dataviewjs\ndv.list()\n```\n",
        "B.md": "# B\n\n![[A]]\n",
        "C.md": "# C\n\n![[A]]\n",
    })
    infos = [d for d in site.diagnostics if d.code == "plugin-unrendered"]
    assert len(infos) == 1
    assert "the first of" not in infos[0].message


def test_a_wikilink_obsidian_uri_to_a_missing_heading_is_reported(tmp_path: Path) -> None:
    """``[[obsidian://open?vault=V&file=B#Nope|x]]`` names the heading Nope of B, as the Markdown
    form ``[y](obsidian://open?vault=V&file=B%23Nope)`` does; only the Markdown form was an
    ``anchor-unresolved`` warning (the wikilink's ``#Nope`` was cut off the address as a heading
    of the wikilink's own, and the index looked the address up without it)."""
    site = build_notes(tmp_path, {
        "A.md": ("# A\n\n[[obsidian://open?vault=src&file=B#Nope|x]]\n\n"
                 "[y](obsidian://open?vault=src&file=B%23Nope)\n\n"
                 "[[obsidian://open?vault=src&file=B#Real|z]]\n"),
        "B.md": "# B\n\n## Real\n",
    })
    assert [(d.code, d.span.line) for d in site.diagnostics] == [
        ("anchor-unresolved", 3), ("anchor-unresolved", 5)]
    links = {a.get_text(): a["href"] for a in site.content("A.md").find_all("a")}
    assert links["z"] == "B.html#Real" and links["x"] == "B.html"
