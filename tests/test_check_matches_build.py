"""``vaultsite check`` reports what ``vaultsite build`` reports: same codes, places and messages,
including what only rendering finds (embed loops and depth, math errors, problems inside embeds)."""

from __future__ import annotations

import pytest

from tests.conftest import build_notes

VAULTS = {
    "mutual-embeds": {
        "A.md": "a text\n\n![[B]]\n",
        "B.md": "b text\n\n![[A]]\n",
    },
    "self-and-section-loops": {
        "S.md": "## One\n\none ![[S#Two]]\n\n## Two\n\n![[S#One]]\n\n![[S]]\n",
        "T.md": "![[S#One]]\n\n![[S#Missing]] ![[S#^nope]]\n",
    },
    "too-deep": {
        **{f"N{i}.md": f"level {i}\n\n![[N{i + 1}]]\n" for i in range(9)},
        "N9.md": "bottom\n",
    },
    "inside-embeds": {
        "Host.md": "![[Guest]]\n\n![[Guest#Part]]\n",
        "Guest.md": "## Part\n\n[[Nowhere]] [[Host#Gone]] $\\frac{1}{$ and $\\undefinedthing x$\n\n"
                    "![[Host]]\n",
        "Mermaid.md": "```mermaid\ngraph TD; A-->B\n```\n",
    },
    "reading-problems": {
        "dup/Same.md": "x\n",
        "other/Same.md": "y\n",
        "L.md": "---\ndate: someday\n---\n[[Same]] [[Sme]] ![[pic.jpg]] [[L#Nope]]\n",
        "pic.png": b"\x89PNG",
    },
}


@pytest.mark.parametrize("name", sorted(VAULTS))
def test_check_reports_what_build_reports(tmp_path, name):
    from generator.config import load_config
    from generator.pipeline import check

    site = build_notes(tmp_path, VAULTS[name])
    built = [d.format() for d in site.diagnostics]
    checked = [d.format() for d in check(load_config(tmp_path / "src")).diagnostics]
    assert built, name
    assert checked == built


def test_check_in_worker_processes_reports_what_a_serial_check_reports(tmp_path, monkeypatch):
    """Large vaults are checked in worker processes (parse, then render in the worker holding the
    tokens); every vault above, checked with two workers, gives the serial report."""
    from generator.config import load_config
    from generator.parallel import can_fork
    from generator.pipeline import check
    from generator.workers import LazyPool

    if not can_fork():
        pytest.skip("worker processes need fork")
    notes = {f"{name}/{rel}": text for name, files in VAULTS.items() for rel, text in files.items()}
    build_notes(tmp_path, notes)
    vault = tmp_path / "src"
    serial = [d.format() for d in check(load_config(vault), workers=1).diagnostics]
    monkeypatch.setattr(LazyPool, "MIN_NOTES", 0)
    parallel = [d.format() for d in check(load_config(vault), workers=2).diagnostics]
    assert len(serial) > 10 and {"embed-cycle", "embed-depth", "math-error"} <= {
        line.split("warning[", 1)[1].split("]", 1)[0] for line in serial}
    assert parallel == serial
