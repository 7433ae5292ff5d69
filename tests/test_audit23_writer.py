"""Audit 23 (a novelist's manuscript vault, as the Longform plugin keeps one): scenes with the
same footnote labels embedded whole, by section and by block into one manuscript page."""

from conftest import build_notes


def test_embedded_block_numbers_its_back_reference_from_one(tmp_path):
    # A block embed of the second place a footnote is referred to showed that reference's arrow
    # named "Back to reference 1 (2)" (and an id ending ":1") with no first reference in the
    # embed: a screen reader announced a reference the reader cannot find. The embed shows one
    # reference, so its arrow is "Back to reference 1"; a section embed holding two of three
    # references reads (1) and (2); each arrow leads back to its own reference.
    site = build_notes(tmp_path, {
        "Scene.md": "> [!note] Aside\n> Callout text.[^c] ^first\n\n"
                    "- item with note[^c] ^item\n- other\n\n## Storm\n\nWind.[^c] Rain.[^c]\n\n"
                    "## Later\n\nEnd.\n\n[^c]: The footnote.\n",
        "Manuscript.md": "![[Scene#^item]]\n\n![[Scene#Storm]]\n",
    })
    block, section = site.html("Manuscript.md").select(".embed-content")
    for embed, labels in ((block, ["Back to reference 1"]),
                          (section, ["Back to reference 1", "Back to reference 1 (2)"])):
        refs = embed.select("sup.footnote-ref a")
        arrows = embed.select("a.footnote-backref")
        assert {a.get_text() for a in refs} == {"[1]"}
        assert [a["aria-label"] for a in arrows] == labels
        assert [a["href"] for a in arrows] == ["#" + r["id"] for r in refs]
    assert ":" not in block.select_one("sup.footnote-ref a")["id"]
    # the scene's own page keeps its four references and their arrows
    own = [a["aria-label"] for a in site.html("Scene.md").select("a.footnote-backref")]
    assert own == ["Back to reference 1"] + [f"Back to reference 1 ({n})" for n in (2, 3, 4)]
