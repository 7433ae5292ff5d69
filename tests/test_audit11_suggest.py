""""did you mean": the closest name to each missing one, in time that grows with the vault, not
with its square, and exactly the names the one-by-one comparison gave.

Timing checks compare the CPU time of one size with that of a size four times larger (least of
two runs) against a wide linear bound: a loaded machine only ever adds time, a quadratic step
costs sixteen times more.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from conftest import cpu_cost, parse_notes
from rapidfuzz import fuzz, process

import generator.closest as closest
from generator.closest import ClosestNames
from generator.config import load_config
from generator.index import build_index
from generator.model import Note, SourceFile, VaultPath


def _index(root: Path, files: dict[str, str], attachments: tuple[str, ...] = ()):
    cfg = load_config(root)
    notes = parse_notes(root, files)
    files_ = [SourceFile(VaultPath(rel), root / rel, "attachment", "0:0", 10) for rel in attachments]
    return lambda: build_index(notes, files_, cfg)


def _unresolved(index) -> list[str]:
    return [d.format() for d in index.diagnostics if d.code == "link-unresolved"]


def _linear(tmp_path: Path, make, check, small: int = 600) -> None:
    """Index ``make(small)`` and ``make(4 * small)`` (which checks every link, suggesting a name
    for each missing one): the time grows as the size, and ``check(warnings, n)`` holds."""
    costs = []
    saved, closest.SMALL = closest.SMALL, 0  # the trie at both sizes (a group of fewer than
    try:  # SMALL names is compared in one pass, which is quadratic but faster at these sizes)
        for n in (small, 4 * small):
            root = tmp_path / str(n)
            root.mkdir()
            build = _index(root, *make(n))
            costs.append(cpu_cost(build, runs=2))
            check(_unresolved(build()), n)
    finally:
        closest.SMALL = saved
    assert costs[1] < 8 * costs[0] + 0.3, costs  # linear: about 4x; quadratic: 16x


def test_missing_notes_close_to_many_notes_are_suggested_in_linear_time(tmp_path) -> None:
    """Daily notes linking missing days: each missing name was compared with every name of its
    initial and about its length (4,000 of them: 7 s)."""
    def make(n: int):
        files = {f"note {i:05d}.md": "x\n" for i in range(n)}
        files["m.md"] = "".join(f"[[note {i:05d}x]]\n" for i in range(n))
        return (files,)

    def check(warnings: list[str], n: int) -> None:
        assert len(warnings) == n
        assert "link target 'note 00007x' does not exist in the vault (did you mean " \
               "[[note 00007]]?)" in warnings[7]
        assert f"(did you mean [[note {n - 1:05d}]]?)" in warnings[-1]

    _linear(tmp_path, make, check)


def test_missing_aliases_close_to_many_aliases_are_suggested_in_linear_time(tmp_path) -> None:
    def make(n: int):
        files = {f"z{i}.md": f"---\naliases: [Alias {i:05d}]\n---\nx\n" for i in range(n)}
        files["m.md"] = "".join(f"[[alias {i:05d}x]]\n" for i in range(n))
        return (files,)

    def check(warnings: list[str], n: int) -> None:
        assert len(warnings) == n
        assert "'alias 00003x' does not exist in the vault (did you mean [[Alias 00003]]?)" \
               in warnings[3]

    _linear(tmp_path, make, check)


def test_missing_images_close_to_many_images_are_suggested_in_linear_time(tmp_path) -> None:
    def make(n: int):
        files = {"m.md": "".join(f"![[img {i:05d}x.png]]\n" for i in range(n))}
        return files, tuple(f"att/img {i:05d}.png" for i in range(n))

    def check(warnings: list[str], n: int) -> None:
        assert len(warnings) == n
        assert "embed target 'img 00005x.png' does not exist in the vault (did you mean " \
               "[[att/img 00005.png]]?)" in warnings[5]

    _linear(tmp_path, make, check)


def _mutate(rnd: random.Random, s: str, alphabet: str) -> str:
    chars = list(s)
    for _ in range(rnd.randint(0, 4)):
        op = rnd.random()
        if op < 0.4 and chars:
            del chars[rnd.randrange(len(chars))]
        elif op < 0.8:
            chars.insert(rnd.randint(0, len(chars)), rnd.choice(alphabet))
        elif chars:
            chars[rnd.randrange(len(chars))] = rnd.choice(alphabet)
    return "".join(chars)


def test_the_closest_names_are_rapidfuzzs_on_random_names(monkeypatch) -> None:
    """Many near-miss names over small alphabets (ties everywhere): the trie gives the names
    ``process.extract`` gives, in its order, with a tiny visit budget (the fallback) too."""
    for budget in (closest.BUDGET, 7):
        monkeypatch.setattr(closest, "SMALL", 0)
        monkeypatch.setattr(closest, "BUDGET", budget)
        for seed in range(60):
            rnd = random.Random(seed)
            alphabet = rnd.choice(["ab", "abc", "ab c1", "0123456789-", "abcdefghij "])
            bases = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12)))
                     for _ in range(rnd.randint(1, 30))]
            names = list(dict.fromkeys(
                "a" + _mutate(rnd, rnd.choice(bases), alphabet) for _ in range(rnd.randint(30, 300))))
            index = ClosestNames(names)
            for _ in range(40):
                key = (rnd.choice(names)[:-1] + rnd.choice(alphabet) if rnd.random() < 0.7
                       else "a" + _mutate(rnd, rnd.choice(bases), alphabet))
                spread = max(3, len(key) // 3)
                lo, hi = len(key) - spread, len(key) + spread
                limit, cutoff = rnd.choice([1, 3]), rnd.choice([60, 70, 85])
                within = [n for n in names if lo <= len(n) <= hi]
                want = [m[0] for m in process.extract(key, within, scorer=fuzz.ratio,
                                                       limit=limit, score_cutoff=cutoff)]
                assert index.closest(key, limit, cutoff, lo, hi) == want, (seed, key)


def _reference_suggest(index, target: str) -> str | None:
    """The suggestion as it was computed before the trie: every name of the initial compared."""
    from generator.index import _has_ext, _stem, _strip_md
    from generator.slugs import name_key

    key = _strip_md(name_key(target)).rsplit("/", 1)[-1]
    if not key:
        return None
    ext = key.rsplit(".", 1)[-1] if _has_ext(key) else ""
    by_initial, by_stem = defaultdict(list), defaultdict(list)
    for name in index._by_name:
        by_initial[name[:1]].append(name)
        by_stem[_stem(name)].append(name)
    close = [n for n in by_stem.get(_stem(key), ()) if n != key]
    names = [n for n in by_initial.get(key[:1], ())
             if abs(len(n) - len(key)) <= max(3, len(key) // 3)
             and (n.rsplit(".", 1)[-1] == ext if ext else not _has_ext(n))]
    close += [m[0] for m in process.extract(key, names, scorer=fuzz.ratio, limit=3,
                                            score_cutoff=70)]
    published = [c for name in close for c in index._by_name[name]
                 if not isinstance(c, Note) or c.publish]
    if not published:
        return None
    rel = published[0].rel
    return rel[:-3] if rel.endswith(".md") else rel


def test_a_vaults_suggestions_are_the_one_by_one_comparisons(tmp_path, monkeypatch) -> None:
    """Random vaults of near-miss notes (some unpublished), images and aliases: each missing
    name's suggestion is the one every name compared in turn gives."""
    monkeypatch.setattr(closest, "SMALL", 0)
    for seed in range(6):
        rnd = random.Random(seed)
        alphabet = rnd.choice(["ab", "ab-1", "abc "])
        bases = ["n" + "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 9)))
                 for _ in range(12)]
        files: dict[str, str] = {}
        for _ in range(200):
            name = _mutate(rnd, rnd.choice(bases), alphabet).strip() or "n"
            front = "---\npublish: false\n---\n" if rnd.random() < 0.15 else ""
            if rnd.random() < 0.2:
                front = f"---\naliases: [\"{_mutate(rnd, rnd.choice(bases), alphabet)}\"]\n---\n"
            files[f"{rnd.choice(['', 'd/'])}{name}.md"] = front + "x\n"
        images = tuple(f"att/{_mutate(rnd, rnd.choice(bases), alphabet).strip() or 'n'}."
                       f"{rnd.choice(['png', 'jpg'])}" for _ in range(80))
        targets = [_mutate(rnd, rnd.choice(bases), alphabet).strip() + rnd.choice(["", ".png"])
                   for _ in range(150)]
        files["links.md"] = "".join(f"[[{t}]]\n" for t in targets if t)
        root = tmp_path / str(seed)
        root.mkdir()
        index = _index(root, files, images)()
        for target in targets:
            assert index.suggest(target) == _reference_suggest(index, target), (seed, target)
