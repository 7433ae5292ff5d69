"""Audit 10: links outside ordinary Markdown text (canvas cards, mermaid nodes), and ``vaultsite
check`` reporting what ``vaultsite build`` reports.

Each test builds a real vault and reads the pages back (or compares the two commands' reports).
"""

from __future__ import annotations

import pytest
from conftest import build_notes


def _checked(vault) -> list[str]:
    from generator.config import load_config
    from generator.pipeline import check

    return [d.format() for d in check(load_config(vault)).diagnostics]


# ---------- check and build: templates that fail only when a page is rendered ----------

FAILING_TEMPLATES = {
    "Home.md": "# Home\n\nSee [[Sub/Other]] #topic\n",
    "Sub/Other.md": "# Other\n\nBack to [[Home]].\n",
    # an undefined attribute put through a filter: fails on every note page
    "_templates/note.html": "{% extends 'base.html' %}{% block main %}\n"
                            "<p>{{ page.nosuch | upper }}</p>\n{% endblock %}\n",
    # fails in two ways on two pages (a tag page with notes, the tag index with none): a build
    # reports both
    "_templates/tag.html": "{% extends 'base.html' %}{% block main %}\n"
                           "{{ (page.listing | first).nosuch }}{{ page.listing | first }}\n"
                           "{% endblock %}\n",
    # a macro that does not exist, called
    "_templates/folder.html": "{% extends 'base.html' %}{% block main %}\n\n"
                              "{{ m.no_such_macro(page) }}\n{% endblock %}\n",
}


def test_check_reports_templates_that_fail_when_rendered_as_build_does(tmp_path):
    site = build_notes(tmp_path, FAILING_TEMPLATES)
    built = [d.format() for d in site.diagnostics]
    failed = [line for line in built if "[template-error]" in line]
    # one per template file and message, each at its file and line
    assert {line.split(": warning", 1)[0] for line in failed} == {
        "_templates/note.html:2", "_templates/tag.html:2", "_templates/folder.html:3"}, failed
    assert len(failed) == 4, failed
    vault = tmp_path / "src"
    before = sorted(p for p in tmp_path.rglob("*"))
    assert _checked(vault) == built
    assert sorted(p for p in tmp_path.rglob("*")) == before  # check wrote nothing


@pytest.mark.parametrize("base", [
    "{% extends 'no-such-layout.html' %}",        # a missing parent: every page
    "{% include 'gone.html' %}",                 # a missing include
    "{% import 'macros.html' as m %}{{ m.tags(1, 2, 3) }}",  # a macro called wrongly
])
def test_check_reports_a_broken_base_template_as_build_does(tmp_path, base):
    site = build_notes(tmp_path, {"A.md": "# A\n\n[[B]]\n", "B.md": "b\n",
                                  "_templates/base.html": base + "\n"})
    built = [d.format() for d in site.diagnostics]
    assert any("[template-error]" in line and line.startswith("_templates/base.html:1")
               for line in built), built
    assert _checked(tmp_path / "src") == built


def test_check_without_templates_of_ones_own_renders_no_pages(tmp_path, monkeypatch):
    """The theme's templates are not the user's to fix: ``check`` renders pages only when the vault
    has templates of its own, so that it stays faster than a build."""
    from generator import sitebuild

    build_notes(tmp_path, {"A.md": "# A\n\n[[B]]\n", "B.md": "b\n",
                           "_templates/static/custom.css": "body{}\n"})

    def no_pages(*args, **kwargs):
        raise AssertionError("check rendered a page")

    monkeypatch.setattr(sitebuild.SiteBuilder, "_page_html", no_pages)
    assert _checked(tmp_path / "src") == []


def test_check_in_worker_processes_renders_the_pages_through_the_users_templates(tmp_path,
                                                                              monkeypatch):
    from generator.config import load_config
    from generator.parallel import can_fork
    from generator.pipeline import check
    from generator.workers import LazyPool

    if not can_fork():
        pytest.skip("worker processes need fork")
    site = build_notes(tmp_path, FAILING_TEMPLATES)
    monkeypatch.setattr(LazyPool, "MIN_NOTES", 0)
    checked = [d.format() for d in check(load_config(tmp_path / "src"), workers=2).diagnostics]
    assert checked == [d.format() for d in site.diagnostics]
