"""Audit 11 (canvas, bases, links): tags and ambiguous links in canvas text cards, Obsidian URIs
in a base's ``file.links``, and raw ``<img>`` sizes.

Each test builds a real vault and reads the pages and the warnings back.
"""

from __future__ import annotations

from conftest import build_notes


def _cells(site, source: str) -> dict[str, list[str]]:
    """A base table's ``file.links`` column by row name: the link texts of each cell."""
    table = site.content(source).find("table", class_="base-table")
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        name, links = tr.find_all("td")[:2]
        rows[name.get_text(strip=True)] = [a.get_text(strip=True) for a in links.find_all("a")]
    return rows


# -- a base sees obsidian://open links as links --------------------------------------------------
def test_a_bases_file_links_lists_an_obsidian_uri_to_a_note_of_the_vault(tmp_path):
    """``[x](obsidian://open?vault=V&file=Other)`` is a link to Other (a backlink of Other), so
    ``file.links`` lists it and ``file.links.contains(...)`` filters on it, as for ``[[Other]]``;
    a URI to another vault links nothing."""
    base = ("```base\nviews:\n  - type: table\n    name: T\n    order: [file.name, file.links]\n"
            "```\n")
    site = build_notes(tmp_path, {
        "App.md": "# App\n\n[open](obsidian://open?vault=vault&file=Folder%2FOther)\n"
                  "[elsewhere](obsidian://open?vault=Elsewhere&file=Third)\n",
        "Wiki.md": "# Wiki\n\n[[obsidian://open?vault=vault&file=Third|third]]\n",
        "Folder/Other.md": "# Other\n",
        "Third.md": "# Third\n",
        "Base.md": base,
    }, vault_name="vault")
    rows = _cells(site, "Base.md")
    assert rows["App"] == ["Other"], rows
    assert rows["Wiki"] == ["Third"], rows
    # the same note links both ways: the backlink Obsidian shows is the base's link
    other = site.html("Folder/Other.md")
    assert "App" in other.find(class_="backlinks").get_text()
