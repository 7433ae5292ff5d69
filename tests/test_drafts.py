"""Notes marked as not published stay out of the site, however the mark is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_vault

from generator.frontmatter import is_published

LEFT_OUT = {
    "Broken publish.md": "---\npublish: false\ntitle: [oops\n---\nsecret one\n",
    "Broken draft.md": "---\ndraft: true\ntags: a: b\n---\nsecret two\n",
    "String publish.md": '---\npublish: "false"\n---\nsecret three\n',
    "String draft.md": "---\ndraft: 'true'\n---\nsecret four\n",
    "Capital key.md": "---\nPublish: false\n---\nsecret five\n",
    "Zero.md": "---\npublish: 0\n---\nsecret six\n",
    "Yes draft.md": "---\nDraft: yes\n---\nsecret seven\n",
    # YAML that parses but whose values cannot be read: PyYAML raised ValueError/RecursionError,
    # and the note was published with its text
    "No such day.md": "---\npublish: false\ndate: 2025-02-30\n---\nsecret eight\n",
    "Self anchor.md": "---\ndraft: true\na: &a [*a]\n---\nsecret nine\n",
}
KEPT = {
    "Published.md": "---\npublish: true\ndraft: false\n---\nvisible one\n",
    "Broken other.md": "---\ntitle: [oops\n---\nvisible two, publish: false in the text\n",
    "Plain.md": "visible three\n\npublish: false\n",
}


@pytest.mark.parametrize(("meta", "published"), [
    ({"publish": False}, False), ({"publish": "False"}, False), ({"PUBLISH": "no"}, False),
    ({"draft": True}, False), ({"draft": "true"}, False), ({"Draft": 1}, False),
    ({"publish": True}, True), ({"draft": False}, True), ({"draft": "no"}, True), ({}, True),
    ({"publish": None}, True),
])
def test_is_published(meta, published):
    assert is_published(meta) is published


def test_drafts_never_reach_the_site(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    for name, text in {**LEFT_OUT, **KEPT}.items():
        (src / name).write_text(text, encoding="utf-8")
    links = " ".join(f"[[{name[:-3]}]]" for name in sorted({**LEFT_OUT, **KEPT}))
    (src / "Home.md").write_text(links + "\n", encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    for name in LEFT_OUT:
        assert not site.has(name), name
    for name in KEPT:
        assert site.has(name), name
    everything = "".join(p.read_text(encoding="utf-8", errors="replace")
                         for p in site.out.rglob("*") if p.is_file())
    assert "secret" not in everything
    home = site.content("Home.md")
    for name in LEFT_OUT:  # links to them are plain text
        assert home.find("a", string=name[:-3]) is None
        assert name[:-3] in home.get_text()
    msgs = site.messages("frontmatter-yaml")
    assert any(m.startswith("Broken publish.md:") and "left out" in m for m in msgs), msgs
    assert any(m.startswith("Broken draft.md:") and "left out" in m for m in msgs), msgs
    # the YAML's own warning does not also say the note is published meanwhile
    assert not any(m.startswith(("Broken publish.md:", "Broken draft.md:")) and "published" in m
                   and "not published" not in m for m in msgs), msgs


def test_an_embed_of_a_draft_inside_a_paragraph_leaves_the_paragraph_whole(tmp_path: Path):
    """``See ![[Draft]] here.``: a note embed is cut out of its paragraph (a <div> cannot sit in a
    <p>); when the note is not published the embed is its name as plain text (never the note's
    text), and the text around it stays one paragraph instead of two.  An embed of a published
    note is still cut out."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "Draft.md": "---\npublish: false\n---\nsecret\n",
        "Pub.md": "# Pub\n\nshown\n",
        "Host.md": "See ![[Draft]] here.\n\nA ![](Draft.md) B ![[Draft]] C\n\n"
                   "Then ![[Pub]] more.\n\n![[Draft]] lead\n",
    })
    content = site.content("Host.md")
    paragraphs = [" ".join(p.get_text().split()) for p in content.find_all("p", recursive=False)]
    assert paragraphs[:2] == ["See Draft here.", "A Draft B Draft C"]
    assert "Then" in paragraphs and "more." in paragraphs, "a published note's embed cuts"
    assert paragraphs[-1] == "Draft lead" and "" not in paragraphs
    assert content.select_one(".embed-note") is not None and "secret" not in str(content)
