"""Accessibility in the rendered HTML: cases found by the eighth accessibility audit."""

from __future__ import annotations

from conftest import build_notes

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_an_empty_task_box_has_a_name(tmp_path):
    # '- [ ]' with nothing after the box (Obsidian's daily-note template ends with one) is a
    # checkbox whose <label> is empty: axe 'label' (critical), a screen reader says only
    # 'checkbox, not checked'.  What leaves the label empty (a block id, a comment, an image
    # with no alt text) leaves it as empty
    site = build_notes(tmp_path, {"N.md": "- [ ]\n- [x]\n- [ ] ^blk\n- [ ] %%later%%\n"
                                          "- [ ] ![](pic.png)\n\n1. [ ]\n", "pic.png": PNG})
    boxes = site.content("N.md").select("input.task-list-item-checkbox")
    assert len(boxes) == 6
    assert [box.get("aria-label") for box in boxes] == ["Empty task"] * 6
    assert [box.has_attr("checked") for box in boxes] == [False, True, False, False, False, False]


def test_a_task_with_text_is_named_by_its_text_alone(tmp_path):
    # its label gives the name: an aria-label would hide the task's own words
    site = build_notes(tmp_path, {"N.md": "- [ ] buy milk\n- [x] `code`\n- [ ] [[N]]\n- [ ] $x$\n"
                                          "- [ ] ![cat](pic.png)\n- [ ]\n  on the next line\n",
                                  "pic.png": PNG})
    boxes = site.content("N.md").select("input.task-list-item-checkbox")
    assert len(boxes) == 6
    assert [box.get("aria-label") for box in boxes] == [None] * 6
