"""Work that must grow with the size of the input, not with its square."""

from __future__ import annotations

from generator.config import load_config
from generator.index import build_index
from generator.model import SourceFile, VaultPath
from generator.parse import parse_note


class _CountingText(str):
    """A note's text that counts how often it is split into lines."""

    splits = 0

    def split(self, *args, **kwargs):  # type: ignore[override]
        type(self).splits += 1
        return super().split(*args, **kwargs)


def _splits_for(tmp_path, n_links: int) -> tuple[int, list]:
    text = "".join(f"word word [[missing-{i}]] [[gone-{i}#part]]\n" for i in range(n_links))
    text += "and [[C#]] and [[C# basics]]\n"
    (tmp_path / "C#.md").write_text("c sharp\n")
    cfg = load_config(tmp_path)
    notes = []
    for rel, body in (("big.md", text), ("C#.md", "c sharp\n")):
        data = body.encode()
        src = SourceFile(VaultPath(rel), tmp_path / rel, "note", "0:0", len(data))
        notes.append(parse_note(src, cfg, data))
    counting = type("_Counting", (_CountingText,), {"splits": 0})
    notes[0].text = counting(notes[0].text)
    index = build_index(notes, [], cfg)
    return counting.splits, index.diagnostics


def test_a_note_with_many_unresolved_links_splits_its_text_once(tmp_path):
    # _name_with_hash split the whole text once per unresolved link: 16k links took 22 s,
    # a 5 MB note with 50k links minutes
    small = tmp_path / "small"
    big = tmp_path / "big"
    small.mkdir()
    big.mkdir()
    few, few_diags = _splits_for(small, 200)
    many, many_diags = _splits_for(big, 2_000)
    assert few <= 2 and many <= 2, (few, many)
    unresolved = [d for d in many_diags if d.code == "link-unresolved"]
    assert len(unresolved) == 2 * 2_000 + 2
    # the lines are still read: a name with "#" that is a file gets its hint
    hinted = [d for d in unresolved if d.hint and "'#' starts a heading" in d.hint]
    assert [d.hint.split("?")[0] for d in hinted] == ["did you mean 'C#'"]
