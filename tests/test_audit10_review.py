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
