"""A bad note never stops the build, never hangs it, and costs work about linear in its size:
names too long for the file system, tags nested hundreds of levels deep, thousands of repeated
headings or block ids, a huge formula, many notes sharing a name."""

from __future__ import annotations

from pathlib import Path

from conftest import time_limit

from generator import emit
from generator.config import load_config
from generator.pipeline import build


def make_vault(root: Path, notes: dict[str, str | bytes]) -> Path:
    vault = root / "vault"
    for rel, text in notes.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (vault / rel).write_bytes(data)
    return vault


def run_build(vault: Path, out: Path):
    return build(load_config(vault), out, exec_mode="no-exec")


def _components(out: Path) -> list[bytes]:
    return [part.encode("utf-8") for path in out.rglob("*") for part in path.relative_to(out).parts]


# -- 1. names too long for the file system --------------------------------------------------------

def test_long_tag_and_file_names_build_with_short_consistent_urls(tmp_path):
    long_tag = "t" * 251
    note_name = "n" * 252            # its page, n….html, was 257 bytes
    accented = "é" * 126             # 252 bytes
    folder = "f" * 255
    picture = "p" * 250 + ".png"
    vault = make_vault(tmp_path, {
        "A.md": f"#{long_tag}\n\n[[{note_name}]] [[{accented}]] [[{folder}/C]]\n\n![[{picture}]]\n",
        "B.md": "fine\n",
        f"{note_name}.md": "long\n",
        f"{accented}.md": "accented\n",
        f"{folder}/C.md": "in a long folder\n",
        picture: b"\x89PNG\r\n\x1a\n",
    })
    out = tmp_path / "out"
    result = run_build(vault, out)
    assert (out / "B.html").is_file()
    assert all(len(part) <= 255 for part in _components(out))
    index = result.index
    urls = {index.notes[i].rel: u for i, u in index.urls.items()}
    for rel in (f"{note_name}.md", f"{accented}.md", f"{folder}/C.md"):
        assert (out / urls[rel]).is_file(), rel
    tag_page = index.tag_url(long_tag)
    assert (out / tag_page).is_file()
    page = (out / "A.html").read_text(encoding="utf-8")
    # the links in A lead to the shortened pages and copy
    from generator.urls import relative_href
    for rel in (f"{note_name}.md", f"{folder}/C.md"):
        assert f'href="{relative_href(urls[rel], "A.html")}"' in page
    assert f'href="{relative_href(tag_page, "A.html")}"' in page
    copied = [p for p in out.iterdir() if p.name.startswith("ppp")]
    assert len(copied) == 1 and copied[0].suffix == ".png"
    assert copied[0].name in page
    # deterministic: a second build writes the same names
    again = run_build(vault, tmp_path / "out2")
    assert {i: u for i, u in again.index.urls.items()} == dict(index.urls)


def test_long_names_that_share_their_start_stay_apart():
    from generator.urls import fit_name, slug_path
    a, b = slug_path("x" * 300 + "a"), slug_path("x" * 300 + "b")
    assert a != b and len(a.encode()) <= 200 and len(b.encode()) <= 200
    assert slug_path("x" * 300 + "a") == a
    assert fit_name("é" * 200 + ".jpeg", keep_ext=True).endswith(".jpeg")


def test_a_page_that_cannot_be_written_is_reported_and_the_rest_written(tmp_path):
    too_long = "z" * 300 + ".html"
    out = tmp_path / "out"
    stats = emit.emit_site(out, {"ok.html": b"ok", too_long: b"no", "b/ok.html": b"ok"}, {})
    assert (out / "ok.html").read_bytes() == b"ok" and (out / "b/ok.html").is_file()
    assert [rel for rel, _why in stats.failed] == [too_long]
    # in place, too
    stats = emit.emit_site(out, {"ok.html": b"new", too_long: b"no"}, {})
    assert (out / "ok.html").read_bytes() == b"new"
    assert [rel for rel, _why in stats.failed] == [too_long]
    # and from a worker writing into the staging folder
    staged = emit.Staging(tmp_path / "out3")
    assert staged.write(too_long, b"no").startswith(emit.FAILED)


def test_a_write_failure_becomes_a_warning_naming_the_note(tmp_path, monkeypatch):
    vault = make_vault(tmp_path, {"A.md": "a\n", "B.md": "b\n"})
    real = emit._digests

    def failing(files, write_to=None, failed=None):
        files = dict(files)
        if write_to is not None and failed is not None and "A.html" in files:
            del files["A.html"]
            failed.append(("A.html", "File name too long"))
        return real(files, write_to, failed)

    monkeypatch.setattr(emit, "_digests", failing)
    out = tmp_path / "out"
    result = build(load_config(vault), out, exec_mode="no-exec", workers=1)
    assert (out / "B.html").is_file()
    found = [d for d in result.diagnostics if d.code == "write-failed"]
    assert len(found) == 1 and str(found[0].span) == "A.md:1:1"
    assert "A.html" in found[0].message and found[0].hint


# -- 2. tags nested hundreds of levels deep -------------------------------------------------------

def test_a_tag_nested_thousands_of_levels_is_cut_with_a_warning(tmp_path):
    # one tag page per level, each with a breadcrumb of all the levels above: 400 levels took
    # 9.9 s and made 62 MB, 3,000 never finished
    vault = make_vault(tmp_path, {
        "A.md": "x\n\n#" + "a/" * 3000 + "a end\n",
        "B.md": "---\ntags:\n  - " + "b/" * 40 + "b\n---\nz\n",
    })
    out = tmp_path / "out"
    with time_limit(60):
        result = run_build(vault, out)
    assert sorted(result.index.tags) == sorted(
        ["/".join([c] * n) for c in "ab" for n in range(1, 17)])
    deep = sorted((str(d.span), d.message) for d in result.diagnostics if d.code == "tag-too-deep")
    assert [span for span, _ in deep] == ["A.md:3:1", "B.md:3:5"]
    assert "3001 levels" in deep[0][1] and "16" in deep[0][1]
    page = (out / "A.html").read_text(encoding="utf-8")
    assert 'href="_tags/' + "a/" * 15 + 'a.html"' in page
    assert "</a>/a/a/a" in page  # the levels past the cut stay on the page as text
    assert len(list((out / "_tags").rglob("*.html"))) == 32


# -- 3. repeated headings ------------------------------------------------------------------------

def _parse(tmp_path, text: str):
    from generator.model import SourceFile, VaultPath
    from generator.parse import parse_note
    data = text.encode("utf-8")
    src = SourceFile(VaultPath("Note.md"), tmp_path / "Note.md", "note", f"{len(data)}:0", len(data))
    return parse_note(src, load_config(tmp_path), data)


def test_repeated_headings_take_one_probe_each(tmp_path):
    # unique_anchor tried H, H-1, H-2… from the start for every heading: 8,000 x "# H" took 5 s
    from generator.slugs import Anchors, unique_anchor

    class Counting(Anchors):
        probes = 0

        def __contains__(self, item):
            type(self).probes += 1
            return super().__contains__(item)

    used = Counting()
    got = [unique_anchor("H", used) for _ in range(5_000)]
    assert got[:3] == ["H", "H-1", "H-2"] and got[-1] == "H-4999"
    assert Counting.probes <= 2 * 5_000
    # the same choices as before where the suffixes collide with other headings' ids
    note = _parse(tmp_path, "# H\n# H 1\n# H\n# h\n# H-3\n")
    assert [h.anchor for h in note.headings] == ["H", "H-1", "H-2", "h-3", "H-3-1"]


def test_thousands_of_repeated_headings_keep_distinct_anchors(tmp_path):
    with time_limit(60):
        note = _parse(tmp_path, "# H\n" * 4_000 + "a\n=\n" * 4_000)
    anchors = [h.anchor for h in note.headings]
    assert len(set(anchors)) == 8_000 and anchors[-1] == "a-3999"


# -- 4. many distinct block ids ------------------------------------------------------------------

def test_many_block_ids_are_looked_up_not_scanned(tmp_path):
    # each ^id was compared with every earlier one: 16,000 ids took 9.5-19 s, 32,000 about 40 s,
    # so 64,000 minutes (a hang guard of a minute, not a speed test; now about 3 s)
    text = "".join(f"p ^id{i}\n\n" for i in range(64_000)) + "again ^ID7\n"
    with time_limit(60):
        note = _parse(tmp_path, text)
    assert len(note.blocks) == 64_000 and note.blocks[-1].id == "id63999"
    dup = [d for d in note.diagnostics if d.code == "block-id-duplicate"]
    assert len(dup) == 1 and dup[0].span.line == 128_001 and "line 15" in dup[0].message


# -- 5. a huge formula ---------------------------------------------------------------------------

def test_a_formula_over_the_limit_is_shown_as_source_with_a_warning(tmp_path):
    # latex2mathml's time grows x3.5 per doubling on a big matrix: 524 KB took 14 s
    from generator.markdown.math import MAX_MATH_CHARS
    row = " & ".join(["1"] * 100)
    matrix = "\\begin{pmatrix}" + " \\\\ ".join([row] * 200) + "\\end{pmatrix}"
    assert len(matrix) > MAX_MATH_CHARS
    vault = make_vault(tmp_path, {
        "A.md": f"intro $x^2$\n\n$$\n{matrix}\n$$\n\nand inline ${matrix}$ too\n",
        "B.md": "fine\n",
    })
    out = tmp_path / "out"
    with time_limit(60):
        result = run_build(vault, out)
    found = sorted(str(d.span) for d in result.diagnostics if d.code == "math-too-long")
    assert found == ["A.md:3:1", "A.md:7:12"]
    assert not [d for d in result.diagnostics if d.code == "math-error"]
    page = (out / "A.html").read_text(encoding="utf-8")
    assert page.count('<code class="math-error">\\begin{pmatrix}') == 2
    assert "<math" in page  # the small formula is still typeset


# -- 6. many notes of the same name in separate folders ------------------------------------------

def test_folder_pages_and_explorer_do_not_compare_every_folder_pair(tmp_path, monkeypatch):
    # each folder page scanned every folder for its subfolders, and each page's explorer every
    # top-level entry past the first 25: 1,600 folders took 3.9 s, 3,200 9.3 s
    import posixpath

    from generator import sitebuild, templating
    n = 400
    vault = make_vault(tmp_path, {**{f"d{i}/X.md": f"x{i}\n" for i in range(n)},
                                  "L.md": "[[X]] " * 5})
    calls = {"dirname": 0, "id": 0}
    real_dirname = posixpath.dirname

    class CountingPath:
        def __getattr__(self, name):
            return getattr(posixpath, name)

        @staticmethod
        def dirname(p):
            calls["dirname"] += 1
            return real_dirname(p)

    monkeypatch.setattr(sitebuild, "posixpath", CountingPath())
    real_id = id

    def counting_id(obj):
        calls["id"] += 1
        return real_id(obj)

    monkeypatch.setattr(templating, "id", counting_id, raising=False)
    result = build(load_config(vault), tmp_path / "out", exec_mode="no-exec", workers=1)
    assert [d.code for d in result.diagnostics] == ["link-ambiguous"] * 5
    assert calls["dirname"] < 20 * n, calls   # was n * n
    assert calls["id"] < 80 * 2 * n, calls    # about 56 a page; was pages x folders
    page = (tmp_path / "out" / "d399" / "X.html").read_text(encoding="utf-8")
    assert 'aria-current="page"' in page and "more…" in page
