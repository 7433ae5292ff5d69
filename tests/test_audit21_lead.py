"""Session 21 (lead): what the review of the helpers' work turned up."""

from __future__ import annotations

from conftest import exec_build, write_files


def test_a_cells_output_linking_to_nothing_is_reported_at_its_cell(tmp_path):
    # A code cell's output may link into the vault: display(Markdown('[[Missing]]')), or HTML
    # with <img src="gone.png">.  An address that finds nothing loses it on the page (no dead
    # link), but nothing told the author: a link in a note's text that finds nothing is a
    # warning.  Now each such address is one, at the cell's fence, once (not again for every page
    # that embeds the cell), and again from the cache in a build that runs nothing.
    vault = write_files(tmp_path / "vault", {
        "Lab/Analysis.md": (
            "# Analysis\n\n## Results\n\n```{python}\n"
            "from IPython.display import HTML, Markdown, display\n"
            "display(Markdown('See [[Other]] and [[Missing note]]'))\n"
            "display(HTML('<img src=\"gone.png\" alt=\"g\"> <img src=\"../pic.png\" alt=\"p\">'))\n"
            "```\n"),
        "Other.md": "# Other\n",
        "pic.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
                    b"\x00\x00\x00\x90wS\xde"),
        "Report.md": "# Report\n\n![[Analysis#Results]]\n",
    })
    for run in ("cold", "cached"):
        site = exec_build(vault, tmp_path / "site")
        lost = sorted((str(d.span), d.message) for d in site.diagnostics
                      if d.code == "output-link-unresolved")
        assert [span for span, _ in lost] == ["Lab/Analysis.md:5:1"] * 2, (run, lost)
        assert "'Missing note.md'" in lost[0][1] and "'gone.png'" in lost[1][1], lost
        result = site.content("Lab/Analysis.md")
        assert result.find("a", string="Other").get("href"), run
        assert not result.find("a", string="Missing note").get("href"), run
        assert [img.get("src") is not None for img in result.find_all("img")] == [False, True]
        embedded = site.content("Report.md")  # the embed shows the output, told nothing more
        assert embedded.find("a", string="Other").get("href"), run


def test_a_quarto_chunk_of_another_language_is_told_it_does_not_run(tmp_path):
    # A note shared with Quarto may hold ```{r} or ```{julia} chunks, which Quarto runs.  Here
    # only Python runs: such a chunk was shown as code, with no output and no word why.  It is
    # now an info at its fence (never counted by --strict); a plain ```r block, a Quarto
    # diagram ({mermaid}) and a {python} cell are not told anything.
    from conftest import build_notes

    site = build_notes(tmp_path, {"Q.md": (
        "# Q\n\n```{r}\nx <- c(1, 2)\n```\n\n```{python}\nprint(2)\n```\n\n```r\ny <- 2\n```\n\n"
        "```{mermaid}\ngraph TD; A-->B\n```\n\n> ```{julia}\n> 1 + 1\n> ```\n")})
    told = [(str(d.span), d.severity.value, d.message) for d in site.diagnostics
            if d.code == "exec-language"]
    assert [(span, severity) for span, severity, _ in told] == [
        ("Q.md:3:1", "info"), ("Q.md:19:1", "info")], told
    assert "{r}" in told[0][2] and "{julia}" in told[1][2], told
    codes = [pre.get_text() for pre in site.content("Q.md").find_all("pre")]
    assert any("x <- c(1, 2)" in code for code in codes), codes
