"""Session 13, probe: an adversarial acceptance audit of the core rules (embeds, links, tags, odd
names) with small vaults, each aimed at one rule."""

from __future__ import annotations

from collections import Counter

from conftest import build_notes


def _duplicate_ids(soup) -> list[str]:
    return sorted(k for k, n in Counter(t["id"] for t in soup.find_all(id=True)).items() if n > 1)


def test_footnotes_of_a_note_embedded_directly_and_twice_inside_another_embed_keep_apart(tmp_path):
    """P embeds X, then Y, which embeds X twice: X's footnotes are on the page three times, each
    with ids of its own, and each reference leads to the footnote shown below it (the second
    embed's renaming of its own copies used to give the page's third copy the name already taken
    by its second)."""
    site = build_notes(tmp_path, {
        "X.md": "x text[^1]\n\n[^1]: x foot\n",
        "Y.md": "![[X]]\n\n![[X]]\n",
        "P.md": "![[X]]\n\n![[Y]]\n",
    })
    soup = site.html("P.md")
    assert _duplicate_ids(soup) == []
    refs = soup.select(".note-content sup.footnote-ref a")
    assert len(refs) == 3
    for ref in refs:
        target = soup.find(id=ref["href"][1:])
        assert target is not None and "x foot" in target.get_text()
        # the footnote listed in the same embed as its reference
        assert target.find_parent(class_="embed-content") is ref.find_parent(class_="embed-content")
        back = target.select_one("a.footnote-backref")
        assert back["href"] == f"#{ref['id']}"


def test_a_hash_named_note_linked_with_a_heading_gets_a_markdown_link_that_works(tmp_path):
    """``[[C# basics#Pointers & refs]]`` is note "C" (as in Obsidian); the warning names the note
    the writer meant and a markdown link to its heading, and that link, written in, reaches the
    heading.  An embed's hint is an embed (``![…](…)``)."""
    files = {
        "C# basics.md": "# C# basics\n\n## Pointers & refs\n\ntext\n",
        "img#1.png": b"\x89PNG\r\n\x1a\n",
        "A.md": "[[C# basics#Pointers & refs]]\n\n![[img#1.png]]\n",
    }
    site = build_notes(tmp_path / "one", files)
    hints = site.messages("link-unresolved")
    assert len(hints) == 2, hints
    suggested = "[C# basics](C%23%20basics.md#Pointers%20%26%20refs)"
    assert "did you mean 'C# basics'?" in hints[0] and suggested in hints[0], hints[0]
    assert "![img#1.png](img%231.png)" in hints[1], hints[1]

    site = build_notes(tmp_path / "two", {**files, "A.md": suggested + "\n"})
    assert site.codes() == []
    link = site.content("A.md").select_one("a.internal-link")
    target, fragment = site.follow(site.page("A.md"), link["href"])
    assert target == site.page("C# basics.md")
    assert site.html("C# basics.md").find(id=fragment).get_text() == "Pointers & refs"


def test_an_embed_of_a_note_with_properties_only_says_it_is_empty_as_an_empty_note_does(tmp_path):
    """A note with front matter and no text shows nothing when embedded: it is marked as an empty
    note's embed is (``Empty (empty)``), not an empty box with only a title."""
    site = build_notes(tmp_path, {
        "Empty.md": "",
        "Props.md": "---\ntitle: Only properties\ntags: [person]\n---\n",
        "Props2.md": "---\nstatus: done\n---\n\n\n",
        "L.md": "![[Empty]]\n\n![[Props]]\n\n![[Props2]]\n",
    })
    content = site.content("L.md")
    assert content.select(".embed-note") == []
    texts = [b.get_text(" ", strip=True) for b in content.select(".embed.broken")]
    assert texts == ["Empty (empty)", "Props (empty)", "Props2 (empty)"], texts
    assert site.codes() == []
