"""Running the Python in notes: which fences run, worker processes, the cache, output HTML.

Public API (see ``docs/ARCHITECTURE.md``, contract 3)::

    cells = find_cells(note.meta, fences, exec_cfg, note.rel)      # at parse time
    results = run_notes([NoteJob(rel, path, vault_root, cells)], exec_cfg, progress)
    view = results[rel].view_for(fence_token)                        # at render time
"""

from generator.execute.cells import CellOptions, CodeCell, find_cells
from generator.execute.config import ExecConfig
from generator.execute.runner import (
    CellView,
    ExecSummary,
    NoteExecResult,
    NoteJob,
    run_notes,
    summarize,
)

__all__ = [
    "CellOptions", "CellView", "CodeCell", "ExecConfig", "ExecSummary", "NoteExecResult",
    "NoteJob", "find_cells", "run_notes", "summarize",
]
