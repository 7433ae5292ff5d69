"""The executor's sandbox, cache dependencies and output rendering, run for real (audit 7)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from markdown_it import MarkdownIt

from generator.execute import ExecConfig, NoteJob, find_cells, run_notes

MD = MarkdownIt()


def make_job(vault: Path, rel: str, text: str, cfg: ExecConfig) -> NoteJob:
    path = vault / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    tokens = MD.parse(text)
    fences = [(i, t) for i, t in enumerate(tokens) if t.type == "fence"]
    return NoteJob(rel, path, vault, tuple(find_cells({}, fences, cfg, rel)))


def run(vault: Path, cache: Path, notes: dict[str, str], **options):
    cfg = ExecConfig(cache_dir=cache, workers=options.pop("workers", 1), **options)
    jobs = [make_job(vault, rel, text, cfg) for rel, text in notes.items()]
    return run_notes(jobs, cfg)


def cells(*codes: str) -> str:
    return "# Note\n\n" + "\n".join(f"```{{python}}\n{code}\n```\n" for code in codes)


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def html(result) -> str:
    return "".join(result.views[k].html for k in sorted(result.views))


# finding 1: subprocesses, sqlite and C libraries wrote into the vault through the mirror's links

def test_subprocess_and_sqlite_writes_stay_out_of_the_vault(tmp_path):
    vault = tmp_path / "vault"
    data = vault / "Sub" / "data"
    data.mkdir(parents=True)
    (data / "victim.txt").write_text("original\n")
    import sqlite3
    con = sqlite3.connect(data / "victim.sqlite")
    con.execute("create table t (x)")
    con.execute("insert into t values (1)")
    con.commit()
    con.close()
    (vault / "Other").mkdir()
    (vault / "Other" / "far.csv").write_text("a\n1\n")
    note = cells(
        "import sqlite3\ncon = sqlite3.connect('data/victim.sqlite')\n"
        "con.execute('insert into t values (42)'); con.commit()\n"
        "print('rows', con.execute('select count(*) from t').fetchone()[0])",
        "import subprocess\n"
        "subprocess.run('echo appended >> data/victim.txt', shell=True, check=True)\n"
        "subprocess.run('echo far >> ../Other/far.csv', shell=True, check=True)\n"
        "print(open('data/victim.txt').read())")
    (vault / "Sub" / "Writes.md").write_text(note, encoding="utf-8")
    before = snapshot(vault)
    results = run(vault, tmp_path / "cache", {"Sub/Writes.md": note})
    page = html(results["Sub/Writes.md"])
    assert "rows 2" in page and "appended" in page  # the code saw its own writes
    assert snapshot(vault) == before
    assert not [d for d in results["Sub/Writes.md"].diagnostics if d.code == "exec-wrote-vault"]


def test_a_write_that_reaches_the_vault_is_reported_at_its_cell(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    target = vault / "data" / "by_shell.txt"
    note = cells("x = 1",
                 "import subprocess, time\ntime.sleep(0.3)\n"
                 f"subprocess.run(['sh', '-c', 'mkdir -p {target.parent} && "
                 f"echo shell > {target}'], check=True)")
    results = run(vault, tmp_path / "cache", {"Abs.md": note})
    notes = [d for d in results["Abs.md"].diagnostics if d.code == "exec-wrote-vault"]
    assert len(notes) == 1, results["Abs.md"].diagnostics
    assert "created data/by_shell.txt in the vault" in notes[0].message
    assert notes[0].span.line == 8  # the second cell's first line
