"""The twentieth session's lead: what the helpers' audits left and the lead took."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.conftest import build_notes
from tests.test_execute_sandbox import cells, html, run


def test_a_table_of_paths_the_code_made_absolute_names_no_folder_of_the_build(tmp_path):
    """A DataFrame of files (``os.path.abspath``, ``Path.cwd()``) is shown as its HTML table, and
    that table named the temporary mirror the note runs in, or the vault's folder: a path of the
    build machine, and a new one every build.  Printed output was already cleaned; HTML results
    are too now, a path ending at the markup around it."""
    vault, cache = tmp_path / "vault", tmp_path / "cache"
    (vault / "sub").mkdir(parents=True)
    (vault / "data").mkdir()
    code = cells(
        "import os\nfrom pathlib import Path\nimport pandas as pd\n"
        "pd.set_option('display.max_colwidth', None)  # whole paths, not cut at 50 characters\n"
        "pd.DataFrame({'file': [os.path.abspath('x.csv'), str(Path('../data').resolve()),"
        " str(Path.cwd())], 'n': [1, 2, 3]})",
        "class Linked:\n"
        "    def _repr_html_(self):\n"
        "        return f'<p><a href=\"{os.path.abspath(\"y.txt\")}\">y</a> &amp; '"
        " f'<code>{os.getcwd()}</code>&nbsp;done</p>'\nLinked()")
    result = run(vault, cache, {"sub/N.md": code})["sub/N.md"]
    page = html(result)
    assert "vaultsite-exec" not in page and str(tmp_path) not in page, page
    soup = BeautifulSoup(page, "html.parser")
    frame = soup.find("table", class_="dataframe")
    assert [td.get_text() for td in frame.tbody.find_all("td")] == ["x.csv", "1", "../data", "2", ".",
                                                              "3"], frame
    # in markup: up to the quote of an attribute, and up to the tag or entity after the text
    assert "y.txt" in [a.get("href") for a in soup.find_all("a")], page
    assert "<code>.</code>" in page and "&amp; " in page, page


def test_a_markdown_link_to_a_missing_heading_is_offered_a_markdown_link(tmp_path):
    """The closest heading was offered as a wikilink, ``[[Other Note#Closest Heading]]``, to a
    note that writes Markdown links (Obsidian's "Use [[Wikilinks]]" off): the hint now answers
    in the link's own form, an address that finds the heading when pasted in."""
    other = "# Other Note\n\n## Closest Heading: part 2\n\ntext\n\n## Something else\n"
    notes = {"Other Note.md": other,
             "A.md": "see [it](Other%20Note.md#Closest%20Headin%20part%202) and "
                     "[[Other Note#Closest Headin part 2]]\n"}
    site = build_notes(tmp_path / "one", notes)
    hints = sorted(d.hint for d in site.diagnostics if d.code == "anchor-unresolved")
    assert hints == ["did you mean (Other%20Note.md#Closest%20Heading%20part%202)?",
                     "did you mean [[Other Note#Closest Heading part 2]]?"], hints
    # each answer, written in, finds the heading
    fixed = {"Other Note.md": other,
             "A.md": "see [it](Other%20Note.md#Closest%20Heading%20part%202) and "
                     "[[Other Note#Closest Heading part 2]]\n"}
    site = build_notes(tmp_path / "two", fixed)
    assert not [d for d in site.diagnostics if d.code == "anchor-unresolved"]
    hrefs = [a["href"] for a in site.content("A.md").find_all("a")]
    assert len(hrefs) == 2 and len(set(hrefs)) == 1 and "#" in hrefs[0], hrefs
