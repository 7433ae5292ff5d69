"""The progress bar moves while the build works, not only at the start and end of a stage."""

from __future__ import annotations

import time

import pytest

from generator import pipeline, workers
from generator.config import load_config
from generator.parallel import can_fork
from generator.sitebuild import SiteBuilder


def _vault(tmp_path, n: int):
    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(n):
        (vault / f"n{i}.md").write_text(f"# Note {i}\n\nText [[n{(i + 1) % n}]] #tag{i % 7}\n")
    return vault


def _build(tmp_path, monkeypatch, n_workers: int) -> dict[str, list[tuple[int, int]]]:
    # every note takes a little while, so the workers are seen half way
    parse, render = pipeline.parse_safely, SiteBuilder.render_note

    def slow_parse(*args):
        time.sleep(0.002)
        return parse(*args)

    def slow_render(self, note):
        time.sleep(0.002)
        return render(self, note)

    monkeypatch.setattr(pipeline, "parse_safely", slow_parse)
    monkeypatch.setattr(SiteBuilder, "render_note", slow_render)
    monkeypatch.setattr(workers._Watch, "EVERY", 0.01)
    seen: dict[str, list[tuple[int, int]]] = {}
    cfg = load_config(_vault(tmp_path, 300))
    pipeline.build(cfg, tmp_path / "site", exec_mode="no-exec", workers=n_workers,
                   progress=lambda stage, done, total: seen.setdefault(stage, []).append(
                       (done, total)))
    return seen


def _between(reports: list[tuple[int, int]]) -> list[int]:
    return [done for done, total in reports if 0 < done < total]


@pytest.mark.skipif(not can_fork(), reason="build workers need fork()")
def test_parse_and_render_report_progress_as_the_workers_go(tmp_path, monkeypatch):
    seen = _build(tmp_path, monkeypatch, 2)
    for stage in ("parse", "render"):
        reports = seen[stage]
        assert reports[0] == (0, 300) and reports[-1] == (300, 300), (stage, reports)
        between = _between(reports)
        assert len(between) >= 3, (stage, reports)  # was only 0 and 300
        assert between == sorted(between)
    assert seen["index"][-1] == (300, 300)


def test_parsing_and_rendering_in_this_process_report_progress(tmp_path, monkeypatch):
    seen = _build(tmp_path, monkeypatch, 1)
    assert len(_between(seen["parse"])) >= 50
    assert len(_between(seen["render"])) >= 50 and seen["render"][-1] == (300, 300)
