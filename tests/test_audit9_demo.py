"""Audit 9, the demo vault as a showcase: what its pages and its build summary say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

NOTE = """\
# Errors

```python {exec=true}
#| error: true
raise ValueError("shown on purpose")
```

```python {exec=true}
print("fine")
```
"""


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_summary_does_not_call_an_expected_error_a_failure(tmp_path: Path):
    """A block marked `#| error: true` raises on purpose (the demo's Async in practice shows the
    asyncio.run traceback that way): the summary line counts it apart from real failures, so the
    demo's build does not end with "1 failed"."""
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "Errors.md").write_text(NOTE, encoding="utf-8")
    done = run_cli("build", str(vault), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert "code blocks: 2 ran, 0 cached, 0 failed, 1 expected error" in summary, summary
    # from the cache: the same count
    again = run_cli("build", str(vault), "-o", str(tmp_path / "out"))
    assert "code blocks: 0 ran, 2 cached, 0 failed, 1 expected error" in again.stdout, again.stdout
    # an unexpected one still reads as a failure
    (vault / "Errors.md").write_text(NOTE.replace("#| error: true\n", ""), encoding="utf-8")
    unexpected = run_cli("build", str(vault), "-o", str(tmp_path / "out"))
    assert "code blocks: 0 ran, 2 cached, 1 failed" in unexpected.stdout, unexpected.stdout
    assert "expected error" not in unexpected.stdout
