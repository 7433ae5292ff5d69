"""Accessibility in the rendered HTML: cases found by the eighth accessibility audit."""

from __future__ import annotations

import pytest
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


def test_a_diagrams_title_and_description_are_referenced_by_their_ids(tmp_path):
    # accTitle/accDescr give a diagram its name and description: the SVG points at its <title>
    # and <desc> by aria-labelledby/aria-describedby, and the ids are made unique on the page;
    # the references were not, so they pointed at ids no element has (a screen reader or a
    # checker that follows them found nothing)
    from generator.markdown import mermaid_available

    if not mermaid_available():
        pytest.skip("mmdr is not installed")
    diagram = ("```mermaid\nflowchart LR\n  accTitle: {t}\n  accDescr: {d}\n  A --> B\n```\n\n")
    site = build_notes(tmp_path, {"N.md": diagram.format(t="Flow one", d="First description")
                                  + diagram.format(t="Flow two", d="Second description")})
    content = site.content("N.md")
    svgs = content.select("figure.mermaid > svg")
    assert len(svgs) == 2
    named = []
    for svg in svgs:
        title = content.find(id=svg["aria-labelledby"])
        desc = content.find(id=svg["aria-describedby"])
        assert title is not None and desc is not None, svg.attrs
        named.append((title.get_text(), desc.get_text()))
    assert named == [("Flow one", "First description"), ("Flow two", "Second description")]
