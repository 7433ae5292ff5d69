"""The executor's own configuration, built by the pipeline from ``vaultsite.toml`` ``[execute]``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PRELOAD = ("numpy", "pandas", "matplotlib.pyplot", "seaborn")


@dataclass(frozen=True)
class ExecConfig:
    """How code cells run.  Every field has a default; ``[execute]`` in ``vaultsite.toml`` sets them.

    enabled           ``false`` (or ``--no-exec``) runs nothing: cells show cached output when the
                      cache has it for the same code, otherwise their code with a "not run" note.
    rerun             ``--rerun``: ignore the cache and run every runnable cell again.
    cache_dir         folder of the execution cache (manifests and figure files).  Keep it outside
                      the output folder; it survives between builds and is safe to delete.
    workers           worker processes running notes in parallel; 0 = one per CPU core.
    timeout           seconds a single cell may run (cell option ``timeout`` overrides).
    run_plain_python  run plain ```` ```python ```` fences in every note, as if each note had
                      ``exec: true`` in its front-matter.
    defaults          default cell options for the whole site, same names as the ``#|`` options
                      (``echo``, ``eval``, ``output``, ``error``, ``fig-dpi``, ``fig-format``,
                      ``fig-width``, ``fig-height``...).  Front-matter ``execute:`` overrides them
                      per note, ``#|`` lines per cell.
    preload           modules imported once into the warm worker template (a missing one is skipped).
    """

    enabled: bool = True
    rerun: bool = False
    cache_dir: Path = Path(".vaultsite-cache/exec")
    workers: int = 0
    timeout: float = 30.0
    run_plain_python: bool = False
    defaults: Mapping[str, Any] = field(default_factory=dict)
    preload: tuple[str, ...] = DEFAULT_PRELOAD

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)
