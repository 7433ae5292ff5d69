"""Audit 23 (imports): what the first round's audits of an imported vault and a math course vault
left: backticks in an HTML block, Logseq block references whose block is in the vault."""
from __future__ import annotations

from conftest import build_notes


def test_backticks_in_an_html_block_are_code_not_a_link_left_unrendered(tmp_path):
    # In an HTML block Obsidian renders no Markdown, so a [[link]] there shows as written and is
    # told (link-in-html).  But `[[x]]` in backticks was written as code, to show the syntax: the
    # writer wanted it as written, and the warning told them to fix what was no mistake.
    site = build_notes(tmp_path, {
        "H.md": ("# H\n\n<div>\nWrite `[[x]]` or ``[a](b.md)`` for a link, or `` `[[y]]` `` here; "
                 "but [[Real]] is told.\nA lone ` then [[Also]] is told.\n</div>\n"),
    })
    found = [m.split(" is inside")[0] for m in site.messages("link-in-html")]
    line = (tmp_path / "src" / "H.md").read_text(encoding="utf-8").split("\n")[3]
    assert found == [f"H.md:4:{line.index('[[Real]]') + 1}: warning[link-in-html]: [[Real]]",
                     "H.md:5:15: warning[link-in-html]: [[Also]]"], found
