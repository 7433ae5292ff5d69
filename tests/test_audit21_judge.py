"""Session 21 judge audit: findings of a data analyst's working vault (runnable pandas, matplotlib
and seaborn cells reading the vault's CSV and JSON files, reports that embed the analyses'
sections, daily notes that link to them)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from conftest import Site, exec_build, file_tree, write_files

ANALYSIS = """---
tags: [analysis]
---
# Analysis

## Setup

```{python}
#| echo: false
import pandas as pd
import matplotlib.pyplot as plt
df = pd.read_csv("data/values.csv")
```

## Results

The chart of the values.

```{python}
#| fig-cap: Values by key
plt.figure(figsize=(2, 1.5))
plt.bar(df["k"], df["v"])
print("largest:", df["v"].max())
```
^chart

```{python}
#| echo: false
df.describe().loc[["max"]]
```

## Next steps

More.
"""


def analyst_vault(root: Path) -> Path:
    return write_files(root, {
        "Projects/Analysis.md": ANALYSIS,
        "Projects/data/values.csv": "k,v\na,1\nb,3\n",
        "Reports/Weekly/Weekly.md": ("# Weekly\n\n![[Analysis#Results]]\n\n"
                                     "The chart cell alone:\n\n![[Analysis#^chart]]\n"),
        "Monthly.md": "# Monthly\n\n![[Weekly]]\n",
    })


def embeds(site: Site, source: str) -> list:
    return site.content(source).find_all(class_="embed-content")


def test_an_embedded_section_shows_its_cells_output_as_the_notes_page_does(tmp_path):
    # A report that embeds an analysis's results (![[Analysis#Results]]) showed the section's code
    # with its `#|` option lines, and none of its output: no figure, no printed text, no table,
    # and the code of an `echo: false` cell, which the analysis's own page hides.  Quarto shows an
    # embedded cell's output; the note's page shows it; the report showed what no page shows.
    vault = analyst_vault(tmp_path / "vault")
    site = exec_build(vault, tmp_path / "site")
    own = site.content("Projects/Analysis.md")
    own_figure = own.find("figure", class_="cell-figure")
    assert own_figure is not None and "largest: 3" in own.get_text()
    for source, count in (("Reports/Weekly/Weekly.md", 2), ("Monthly.md", 2)):
        page = site.page(source)
        found = embeds(site, source)
        if source == "Monthly.md":  # Weekly embedded whole, with its two embeds inside
            found = found[0].find_all(class_="embed-content")
        assert len(found) == count, (source, found)
        section, block = found
        for part in (section, block):
            text = part.get_text()
            assert "#|" not in text, (source, text)
            assert "largest: 3" in text, (source, text)
            figure = part.find("figure", class_="cell-figure")
            assert figure is not None, (source, str(part)[:500])
            assert figure.find("figcaption").get_text() == "Values by key"
            img = figure.find("img")
            target, _ = site.follow(page, img["src"])
            assert target.read_bytes()[:4] == b"\x89PNG"
            site.follow(page, figure.find("a")["href"])
        # the section's second cell hides its code and shows its table, as on the note's page
        assert section.find(class_="cell-result").find("table") is not None
        assert "describe" not in section.get_text()
        assert "read_csv" not in section.get_text()  # the Setup cell is no part of the section
    assert "{{ROOT}}" not in "".join(p.read_text(encoding="utf-8") for p in site.out.rglob("*.*")
                                     if p.suffix in (".html", ".js", ".json"))


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "serve"])
def test_an_embedded_cells_output_follows_its_data_in_a_rebuild(tmp_path, in_memory):
    # the data file changes, the analysis runs again: the report that embeds its results shows
    # the new output, as a clean build does (its own text and the analysis's did not change)
    from generator.pipeline import BuildState

    state = BuildState() if in_memory else None
    vault = analyst_vault(tmp_path / "vault")
    out = tmp_path / "site"
    exec_build(vault, out, state)
    (vault / "Projects/data/values.csv").write_text("k,v\na,1\nb,7\n", encoding="utf-8")
    site = exec_build(vault, out, state)
    assert site.result.stats.cells_ran == 3
    for source in ("Reports/Weekly/Weekly.md", "Monthly.md"):
        assert "largest: 7" in site.content(source).get_text(), source
        assert "largest: 3" not in site.content(source).get_text(), source
    clean = exec_build(vault, tmp_path / "clean")
    assert file_tree(out) == file_tree(clean.out)
    # and a rebuild with nothing changed keeps every page
    again = exec_build(vault, out, state)
    assert again.result.stats.cells_ran == 0
    assert file_tree(out) == file_tree(clean.out)
    shutil.rmtree(clean.out)


def test_a_daily_notes_first_sentence_is_its_summary_though_it_opens_with_a_colon(tmp_path):
    # A daily note's line "Cleaned data: [[Data Cleaning]]. Questions in [[Error Analysis]]." was
    # taken for a header line (`DATE: 11-04-25`, `Tags: python`) and left out of the summary:
    # the home page's recent notes, the description and the cards showed "#daily" alone.  A
    # header line holds a value, not a sentence; the user's own header lines stay left out.
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "Daily/2025-04-14.md": ("# 2025-04-14\n\nCleaned data: [[Data Cleaning]]. Questions in "
                                "[[Error Analysis#Confusion]].\n\n#daily\n"),
        "Daily/2025-10-01.md": "# 2025-10-01\n\nChurn: [[Data Cleaning]].\n\n#daily\n",
        "Daily/2025-11-04.md": ("# 2025-11-04\n\nDATE: 04-11-25\n\nMorning: [[Data Cleaning]]. "
                                "Block: [[Error Analysis#Confusion]]\n\n#daily\n"),
        "Notes/Asynchronous Programming.md": (
            "# Asynchronous Programming\n\n\nDATE:  11-04-25\n\n\nTags: [[Notes/python|python]]\n\n"
            "# Content:\n\nExecution of code in a non-blocking manner.\n"),
        "Meetings/Model review.md": ("DATE: 12-11-25\nTags: [[Notes/python|python]], "
                                     "[[Data Cleaning]]\nSource: https://example.com/a.b\n\n"
                                     "# Model review\n\nShip model 1.\n"),
        "Notes/python.md": "py\n", "Data Cleaning.md": "dc\n",
        "Error Analysis.md": "## Confusion\n\nx\n",
    })
    summary = {n.rel: n.summary for n in site.result.index.notes.values()}
    assert summary["Daily/2025-04-14.md"].startswith(
        "Cleaned data: Data Cleaning. Questions in Error Analysis"), summary
    assert summary["Daily/2025-10-01.md"].startswith("Churn: Data Cleaning."), summary
    assert summary["Daily/2025-11-04.md"].startswith("Morning: Data Cleaning. Block:"), summary
    assert summary["Notes/Asynchronous Programming.md"] == (
        "Execution of code in a non-blocking manner."), summary
    assert summary["Meetings/Model review.md"] == "Ship model 1.", summary
    home = site.html("Data Cleaning.md")  # the backlinks list the daily notes by their summary
    assert "Cleaned data:" in home.get_text()


def test_a_package_missing_where_the_build_runs_is_told_to_be_installed(tmp_path):
    # An analyst's note imports scikit-learn, installed in their Jupyter environment but not in
    # the one that builds the site.  The warning told them to "fix the code where the traceback
    # points": the code is right, the package is missing.  The cache runs the note again once the
    # package is there (its version is recorded as none), so a cached failure says so too,
    # rather than to build with --rerun.
    pytest.importorskip("pandas")
    if importlib.util.find_spec("sklearn") is not None:
        pytest.skip("scikit-learn is installed here")
    vault = write_files(tmp_path / "vault", {"Stats.md": (
        "# Stats\n\n```{python}\nfrom sklearn.metrics import cohen_kappa_score\n```\n\n"
        "```{python}\nimport vaultsite_audit21_no_such_module.sub\n```\n")})
    for build in ("cold", "cached"):
        site = exec_build(vault, tmp_path / "site")
        first, second = site.messages("exec-error")
        assert first.startswith("Stats.md:4:1: warning[exec-error]: ModuleNotFoundError"), first
        assert "`sklearn` is not installed in the Python environment vaultsite runs" in first
        assert "pip install scikit-learn" in first and "fix the code" not in first, first
        assert "runs again by itself once it is" in first and "--rerun" not in first, (build, first)
        assert second.startswith("Stats.md:8:1:"), second
        assert "`vaultsite_audit21_no_such_module` is not installed" in second, second
        assert "install the package that provides it there" in second, second


def test_a_cells_html_output_finds_the_vaults_files_from_the_notes_folder(tmp_path):
    # display(HTML('<img src="../Attachments/pic.png">')) names a picture of the vault from the
    # note's folder, where the code ran; the page kept the address as written, which from the
    # page's own folder (a slug, Intent-Model/) found nothing.  An address that names no file
    # (a picture the code saved into its temporary folder, a _repr_html_'s <img src=x>) was a
    # broken picture and a failed request in the reader's console.  Output HTML's local
    # addresses are now resolved as raw HTML's in the note are.
    from test_audit10_incr import _png as png_bytes

    vault = write_files(tmp_path / "vault", {
        "Intent Model/Pics.md": (
            "# Pics\n\n```{python}\nfrom IPython.display import HTML, display\n"
            "display(HTML('<img src=\"../Attachments/pic.png\"> <img src=\"saved.png\"> '\n"
            "             '<a href=\"../Other.md#Part\">other</a> <a href=\"#Pics\">top</a>'))\n"
            "```\n"),
        "Attachments/pic.png": png_bytes(4, 3),
        "Other.md": "# Other\n\n## Part\n\nx\n",
        "Reports/Deep/Report.md": "# Report\n\n![[Pics]]\n",
    })
    site = exec_build(vault, tmp_path / "site")
    for source in ("Intent Model/Pics.md", "Reports/Deep/Report.md"):
        page = site.page(source)
        result = site.content(source).find(class_="cell-result")
        imgs = result.find_all("img")
        assert len(imgs) == 2, result
        target, _ = site.follow(page, imgs[0]["src"])
        assert target.read_bytes()[:4] == b"\x89PNG"
        assert not imgs[1].get("src"), imgs[1]  # the code's own file is gone: no dead address
        other = result.find("a", string="other")
        target, fragment = site.follow(page, other["href"])
        assert site.soup(target).find(id=fragment) is not None, other


def test_links_in_a_cells_markdown_result_lead_to_the_notes(tmp_path):
    # display(Markdown("see [[Other#Part]]")) and a _repr_markdown_ are rendered with the site's
    # Markdown, but in the worker, which knows no vault: a wikilink became an <a> with no href
    # (styled as a link, leading nowhere) and a tag a chip with no href.  The link now leads to
    # the note's page and heading, as the same link in the note does; a tag is its words.
    vault = write_files(tmp_path / "vault", {
        "Lab/Results.md": (
            "# Results\n\n```{python}\nfrom IPython.display import Markdown, display\n"
            "display(Markdown('See [[Other#Part|the part]], [[Other]] and [[Missing]] #from-code'))\n"
            "```\n"),
        "Notes/Other.md": "# Other\n\n## Part\n\nx\n",
    })
    site = exec_build(vault, tmp_path / "site")
    page = site.page("Lab/Results.md")
    result = site.content("Lab/Results.md").find(class_="cell-result")
    assert "See the part, Other and Missing #from-code" in " ".join(result.get_text().split())
    part = result.find("a", string="the part")
    target, fragment = site.follow(page, part["href"])
    assert target == site.page("Notes/Other.md").resolve() and fragment == "Part"
    assert site.soup(target).find(id=fragment) is not None
    target, _ = site.follow(page, result.find("a", string="Other")["href"])
    assert target == site.page("Notes/Other.md").resolve()
    for a in result.find_all("a"):  # no link leads nowhere: Missing and the tag have no <a href>
        assert a.get("href") or a.get_text() == "Missing", a
    assert result.find("a", string="#from-code") is None


def test_a_figure_caption_is_markdown_as_quarto_reads_it(tmp_path):
    # `#| fig-cap: Agreement of **model 2** with [[Labels]]` was shown as written, asterisks and
    # brackets and all; Quarto renders a caption's Markdown.  Its alt text is its words.
    vault = write_files(tmp_path / "vault", {
        "Lab/Chart.md": (
            "# Chart\n\n```{python}\n#| fig-cap: Agreement of **model 2**, `df.f1` and $x^2$ "
            "with [[Labels#Rules|the labels]]\nimport matplotlib.pyplot as plt\n"
            "plt.figure(figsize=(1, 1))\nplt.plot([1, 2])\n```\n"),
        "Labels.md": "# Labels\n\n## Rules\n\nx\n",
    })
    site = exec_build(vault, tmp_path / "site")
    figure = site.content("Lab/Chart.md").find("figure", class_="cell-figure")
    caption = figure.find("figcaption")
    assert caption.find("strong").get_text() == "model 2", caption
    assert caption.find("code").get_text() == "df.f1", caption
    assert caption.find("math") is not None, caption
    assert "**" not in caption.get_text() and "[[" not in caption.get_text(), caption
    link = caption.find("a", string="the labels")
    target, fragment = site.follow(site.page("Lab/Chart.md"), link["href"])
    assert site.soup(target).find(id=fragment) is not None
    assert figure.find("img")["alt"] == "Agreement of model 2, df.f1 and x^2 with the labels"
