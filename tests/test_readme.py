"""README.md stays true to the code: its tables name what the program has."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "generator").rglob("*.py")))


def test_every_diagnostic_code_is_in_the_readme_table_and_every_row_is_a_real_code():
    emitted = set(re.findall(r'(?:\bwarning|\berror|\binfo|\.warn)\(\s*"([a-z][a-z0-9-]+)"', SOURCE))
    emitted |= set(re.findall(r'Diagnostic\(\s*Severity\.\w+,\s*"([a-z][a-z0-9-]+)"', SOURCE))
    table = re.findall(r"^\| `([a-z][a-z0-9-]+)` \| (?:warning|info|error)", README, re.M)
    assert len(emitted) > 40 and table == sorted(table)
    assert emitted - set(table) == set(), "codes the README's table does not explain"
    assert {c for c in table if f'"{c}"' not in SOURCE} == set(), "rows for codes no code emits"


def test_every_config_key_is_in_the_readme():
    from generator.config import _EXEC_KEYS, _TOP_KEYS

    documented = set(re.findall(r"^\| `\[?([a-z_]+)\]?` \|", README, re.M))
    assert (_TOP_KEYS | _EXEC_KEYS) - documented == set(), "vaultsite.toml keys the README omits"
