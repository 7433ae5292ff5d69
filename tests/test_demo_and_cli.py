"""The demo vault, the user's own note, and the command line as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SHARED, Site, build_vault

USER_NOTE = SHARED / "examples" / "user-note-as-written.md"


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Site:
    tmp = tmp_path_factory.mktemp("demo")
    shutil.copytree(REPO / "notes", tmp / "repo" / "notes")
    shutil.copytree(REPO / "attachments", tmp / "repo" / "attachments")
    return build_vault(tmp / "repo" / "notes", tmp, copy=False)


def test_user_note_is_published_as_written(demo: Site):
    src = "Notes/Asynchronous Programming.md"
    content = demo.content(src)
    text = content.get_text(" ")
    assert "DATE: 11-04-25" in " ".join(text.split())
    tags_link = content.find("a", string="python")
    page, _ = demo.follow(demo.page(src), tags_link["href"])
    assert page == demo.page("Notes/python.md")
    img = content.find("img")
    target, _ = demo.follow(demo.page(src), img["src"])
    assert target.name == "Pasted image 20250411174210.png"
    assert target.read_bytes()[:4] == b"\x89PNG"
    # the date comes from the DATE: line, day first (11 April 2025)
    html = demo.page(src).read_text(encoding="utf-8")
    assert "2025-04-11" in html


def test_demo_vault_has_no_dead_links_and_only_its_deliberate_broken_one(demo: Site):
    unresolved = demo.messages("link-unresolved")
    assert len(unresolved) == 1 and "Generaters" in unresolved[0], unresolved
    assert "did you mean [[Notes/Generators]]" in unresolved[0]
    for page in demo.out.rglob("*.html"):
        soup = Site.soup(page)
        for tag in soup.find_all(["a", "img", "link", "script", "audio", "video", "object"]):
            url = tag.get("href") or tag.get("src") or tag.get("data")
            if url and not url.startswith(("#", "http://", "https://", "mailto:")):
                demo.follow(page, url)


def test_shared_example_note_builds_in_any_vault(tmp_path):
    if not USER_NOTE.is_file():
        pytest.skip("shared examples not present")
    vault = tmp_path / "v"
    (vault / "Notes").mkdir(parents=True)
    (vault / "Attachments").mkdir()
    shutil.copy(USER_NOTE, vault / "Notes" / "Asynchronous Programming.md")
    shutil.copy(REPO / "attachments" / "Pasted image 20250411174210.png", vault / "Attachments")
    (vault / "Notes" / "python.md").write_text("# python\n", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    content = site.content("Notes/Asynchronous Programming.md")
    assert "def plot_top_disagreements(self, model_num=2, top_n=5):" in content.get_text()
    assert content.find("img") is not None
    assert "link-unresolved" not in site.codes()


def test_build_command_summary_strict_and_check(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("Link to [[Nowhere]].\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("build", str(vault), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "A.md:1:9: warning[link-unresolved]" in done.stderr
    assert "Built 1 of 1 note into" in done.stdout and "link-unresolved 1" in done.stdout
    assert (out / "A.html").is_file()
    strict = run_cli("build", str(vault), "-o", str(out), "--strict")
    assert strict.returncode == 1
    check = run_cli("check", str(vault))
    assert check.returncode == 0 and "link-unresolved" in check.stderr
    assert "Checked 1 note (1 published, 0 attachments)" in check.stdout
    assert run_cli("check", str(vault), "--strict").returncode == 1


def test_refuses_a_folder_it_did_not_make_and_keeps_the_previous_site(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("# A\n", encoding="utf-8")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    done = run_cli("build", str(vault), "-o", str(precious))
    assert done.returncode != 0 and "not made by vaultsite" in done.stderr
    assert (precious / "thesis.docx").read_text() == "years of work"
    assert sorted(p.name for p in precious.iterdir()) == ["thesis.docx"]
    # a build that fails (bad config) leaves the previous site as it was
    out = tmp_path / "site"
    assert run_cli("build", str(vault), "-o", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (vault / "vaultsite.toml").write_text("unknown_key = 1\n")
    failed = run_cli("build", str(vault), "-o", str(out))
    assert failed.returncode != 0 and "unknown key `unknown_key`" in failed.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_same_vault_gives_byte_identical_sites(tmp_path):
    vault = tmp_path / "v"
    shutil.copytree(REPO / "tests" / "vaults" / "core", vault)
    from generator.config import load_config
    from generator.pipeline import build

    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        build(load_config(vault), out, exec_mode="no-exec")
        trees.append({p.relative_to(out).as_posix(): p.read_bytes()
                      for p in out.rglob("*") if p.is_file()})
    assert trees[0] == trees[1]


def test_symlink_out_of_the_vault_is_not_published(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish")
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "leak.txt").symlink_to(secret)
    (vault / "A.md").write_text("![[leak.txt]] and [[leak.txt]]\n", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    assert "symlink-outside" in site.codes()
    for path in site.out.rglob("*"):
        assert not path.is_file() or b"do not publish" not in path.read_bytes()


def test_symlinked_folders_inside_the_vault_are_walked_once(tmp_path):
    """A link to a parent folder made the walk loop until the OS gave up (a traceback, no site);
    a link to a sibling folder published its notes twice.  Each real folder is walked once, at its
    own path, and the links are reported."""
    vault = tmp_path / "v"
    (vault / "sub").mkdir(parents=True)
    (vault / "real").mkdir()
    (vault / "a.md").write_text("[[r]]\n", encoding="utf-8")
    (vault / "real" / "r.md").write_text("r\n", encoding="utf-8")
    (vault / "sub" / "up").symlink_to("..")
    (vault / "alias").symlink_to("real")
    site = build_vault(vault, tmp_path)
    assert sorted(site._by_source) == ["a.md", "real/r.md"]
    loops = sorted(d.span.path for d in site.diagnostics if d.code == "symlink-loop")
    assert loops == ["alias", "sub/up"]
    assert "link-ambiguous" not in site.codes()


@pytest.mark.slow
def test_the_wheel_ships_the_templates(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    if done.returncode != 0 and "hatchling" in done.stderr:
        pytest.skip("hatchling not installed for an offline wheel build")
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("vaultsite-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/templates/base.html" in names
    assert "generator/templates/note.html" in names
    assert any(n.startswith("generator/templates/static/") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)


def test_user_templates_override_the_theme(tmp_path):
    vault = tmp_path / "v"
    (vault / "_templates" / "static").mkdir(parents=True)
    (vault / "A.md").write_text("# A\n\nBody text.\n", encoding="utf-8")
    (vault / "_templates" / "note.html").write_text(
        '{% extends "base.html" %}{% block main %}<main class="mine">'
        '<meta name="source" content="{{ page.source }}">{{ content }}</main>{% endblock %}',
        encoding="utf-8")
    (vault / "_templates" / "static" / "extra.css").write_text("body{}", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    soup = site.html("A.md")
    assert soup.find("main", class_="mine") is not None
    assert "Body text." in soup.find("main", class_="mine").get_text()
    assert (site.out / "_assets" / "extra.css").read_text() == "body{}"
    assert not (site.out / "_templates").exists() and not site.has("_templates/note.html")


def test_a_broken_user_template_is_reported_and_the_theme_takes_over(tmp_path):
    """A template with an undefined name or a syntax error: a warning with its file and line, the
    pages it would have made come from the default theme, and the build still succeeds."""
    vault = tmp_path / "v"
    (vault / "_templates").mkdir(parents=True)
    (vault / "A.md").write_text("Hello #topic [[B]]\n", encoding="utf-8")
    (vault / "B.md").write_text("b\n", encoding="utf-8")
    (vault / "_templates" / "note.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ page.nope.x }}\n{% endblock %}\n',
        encoding="utf-8")
    (vault / "_templates" / "tag.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ content }\n{% endblock %}\n',
        encoding="utf-8")
    done = run_cli("build", str(vault), "-o", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "_templates/note.html:3:1: warning[template-error]" in done.stderr, done.stderr
    assert "_templates/tag.html:2:1: warning[template-error]" in done.stderr, done.stderr
    page = Site.soup(tmp_path / "site" / "A.html")
    assert "Hello" in page.find(class_="note-content").get_text()
    assert (tmp_path / "site" / "_tags" / "topic.html").is_file()
    (vault / "_templates" / "static").mkdir()
    (vault / "_templates" / "static" / "help.html").write_text("{% if x %}", encoding="utf-8")
    checked = run_cli("check", str(vault), "--strict")
    assert checked.returncode == 1 and "_templates/tag.html:2:" in checked.stderr
    assert "help.html" not in checked.stderr  # a theme file, copied as it is, not a template


def test_a_huge_note_and_junk_do_not_stop_the_build(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    para = "A long paragraph of plain words " * 20 + "with a [[Link]] and #tag and `code`.\n\n"
    (vault / "Huge.md").write_text(para * (5_000_000 // len(para)), encoding="utf-8")
    (vault / "Link.md").write_text("# Link\n", encoding="utf-8")
    (vault / "Junk.md").write_bytes(bytes(range(256)) * 64)
    (vault / "Fine.md").write_text("Still here: [[Link]].\n", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    assert site.has("Huge.md") and site.has("Junk.md") and site.has("Fine.md")
    assert "Still here" in site.content("Fine.md").get_text()
    assert len(site.page("Huge.md").read_bytes()) > 5_000_000


def test_parallel_workers_build_the_same_bytes_as_one_process(tmp_path, monkeypatch):
    from generator import sitebuild
    from generator.config import load_config
    from generator.pipeline import build

    joined = []  # search and graph data made aside, in a forked process, with workers
    join = sitebuild._FactsAside.join
    monkeypatch.setattr(sitebuild._FactsAside, "join",
                        lambda self, builder: joined.append(join(self, builder)) or joined[-1])

    vault = tmp_path / "v"
    for i in range(260):
        folder = vault / f"area{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = (f"---\ntags: [t{i % 5}]\n---\n# Note {i}\n\n## Part\n\n"
                f"Text {i} links [[Note {(i * 7) % 260}]] and [[Note {(i + 1) % 260}#Part]].\n\n"
                f"![[Note {(i * 3 + 1) % 260}#Part]]\n")
        (folder / f"Note {i}.md").write_text(body, encoding="utf-8")
    def tree(out):
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        result = build(load_config(vault), out, exec_mode="no-exec", workers=workers)
        assert result.stats.rendered == 260
    assert tree(tmp_path / "out1") == tree(tmp_path / "out2")  # out2: pages written by workers
    assert joined == [True]
    # the parsed notes were saved by a forked process while the index was built; the state loads
    from generator.incremental import PARSED_FILE, load_memo
    from generator.pipeline import default_cache_dir

    cache = default_cache_dir(tmp_path / "out2")
    loaded = load_memo(cache, load_config(vault))
    assert loaded is not None and len(loaded[0]) == 260
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]
    assert (cache / PARSED_FILE).is_file()
    assert not [p.name for p in tmp_path.iterdir() if ".staging-" in p.name]
    # every page again, in the workers, now with the previous build's records at hand
    (vault / "vaultsite.toml").write_text('title = "Renamed"\n', encoding="utf-8")
    (vault / "area0" / "Note 0.md").write_text("# Note 0\n\n## Part\n\nNew text.\n", "utf-8")
    result = build(load_config(vault), tmp_path / "out2", exec_mode="no-exec", workers=2)
    assert result.stats.rendered == 260
    build(load_config(vault), tmp_path / "clean", exec_mode="no-exec", workers=1)
    assert tree(tmp_path / "out2") == tree(tmp_path / "clean")
    assert joined == [True, True]


def test_the_collector_pauses_during_a_build_and_resumes_even_after_a_failure(tmp_path,
                                                                            monkeypatch):
    import gc

    import generator.pipeline as pipeline
    from generator.config import load_config

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("# A\n\n[[B]]\n", encoding="utf-8")
    seen = []
    real_index = pipeline.build_index

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_index(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_index", spy)
    assert gc.isenabled()
    pipeline.build(load_config(vault), tmp_path / "out", exec_mode="no-exec", workers=1)
    pipeline.check(load_config(vault))
    assert seen == [False, False] and gc.isenabled()

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "build_index", boom)
    with pytest.raises(RuntimeError):
        pipeline.build(load_config(vault), tmp_path / "out2", exec_mode="no-exec", workers=1)
    assert gc.isenabled()


def test_published_site_files_with_site_url(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("---\ndate: 2025-01-02\n---\n# A\n", encoding="utf-8")
    (vault / "vaultsite.toml").write_text(
        'site_url = "https://me.github.io/notes/"\ncname = "notes.example.org"\n', encoding="utf-8")
    site = build_vault(vault, tmp_path)
    out = site.out
    assert (out / ".nojekyll").is_file() and (out / "CNAME").read_text().strip() == "notes.example.org"
    assert "https://me.github.io/notes/A.html" in (out / "sitemap.xml").read_text()
    assert "https://me.github.io/notes/A.html" in (out / "feed.xml").read_text()
    page = site.html("A.md")
    assert page.find("link", rel="canonical")["href"] == "https://me.github.io/notes/A.html"
    # 404.html is served at any depth: its links resolve from the site root
    assert Site.soup(out / "404.html").find("base")["href"] == "https://me.github.io/notes/"


def test_a_rebuild_with_nothing_changed_does_no_work_and_reports_the_same(tmp_path, monkeypatch):
    import generator
    from generator import incremental
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("Link to [[Nowhere]] and [[B]].\n", encoding="utf-8")
    (vault / "B.md").write_text("# B\n", encoding="utf-8")
    out = tmp_path / "out"
    first = build(load_config(vault), out)
    again = build(load_config(vault), out)
    assert "unchanged" in again.stats.timings
    assert [d.format() for d in again.diagnostics] == [d.format() for d in first.diagnostics]
    assert again.stats.pages == first.stats.pages and again.stats.written == 0
    (vault / "B.md").write_text("# B\n\nMore.\n", encoding="utf-8")
    edited = build(load_config(vault), out)
    assert "unchanged" not in edited.stats.timings and edited.stats.rendered >= 1
    assert "More." in (out / "B.html").read_text(encoding="utf-8")
    (out / "B.html").unlink()  # the site changed behind vaultsite's back: no shortcut
    repaired = build(load_config(vault), out)
    assert "unchanged" not in repaired.stats.timings and (out / "B.html").is_file()
    # pages and state written by other code (an upgrade, or a local edit of vaultsite) are not up
    # to date, even under the same version number: the code's digest is part of them
    assert incremental.code_version().startswith(generator.__version__ + "+")
    monkeypatch.setattr(incremental, "code_version", lambda: generator.__version__ + "+other")
    other = build(load_config(vault), out)
    assert "unchanged" not in other.stats.timings and other.stats.rendered == 2


def test_installing_a_renderer_makes_kept_pages_out_of_date(tmp_path, monkeypatch):
    """A diagram shown as source because mmdr was missing: once it is installed (or a renderer is
    upgraded) the next build draws it, though no note changed."""
    import importlib.metadata

    from generator import incremental
    from generator.config import load_config
    from generator.pipeline import build

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("```mermaid\ngraph TD\n  A --> B\n```\n", encoding="utf-8")
    out = tmp_path / "out"
    real = importlib.metadata.version

    def without_mmdr(name):
        if name == "mmdr":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    try:
        monkeypatch.setattr(importlib.metadata, "version", without_mmdr)
        incremental.code_version.cache_clear()
        before = incremental.code_version()
        build(load_config(vault), out)
        monkeypatch.setattr(importlib.metadata, "version", real)
        incremental.code_version.cache_clear()
        assert incremental.code_version() != before
        again = build(load_config(vault), out)
        assert "unchanged" not in again.stats.timings and again.stats.rendered == 1
    finally:
        incremental.code_version.cache_clear()


def test_check_reports_bad_cell_options_without_running_code(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("```{python}\n#| timeout: soon\nprint('x')\n```\n", encoding="utf-8")
    done = run_cli("check", str(vault))
    assert done.returncode == 0
    assert "A.md:2" in done.stderr and "timeout" in done.stderr, done.stderr


def test_underscore_names_a_tags_folder_and_an_index_tag_all_get_their_own_pages(tmp_path):
    """Note URLs never start with "_" (the site's own folders do) and tag pages live in `_tags/`:
    `_drafts/`, a vault folder `Tags/` and `#index` must neither hang the build nor overwrite a
    page."""
    vault = tmp_path / "v"
    (vault / "_drafts").mkdir(parents=True)
    (vault / "Tags").mkdir()
    (vault / "_x.md").write_text("Underscore note #index\n", encoding="utf-8")
    (vault / "x.md").write_text("Plain x #python\n", encoding="utf-8")
    (vault / "_drafts" / "y.md").write_text("Draft y [[python]]\n", encoding="utf-8")
    (vault / "Tags" / "python.md").write_text("The python tag note #python\n", encoding="utf-8")
    site = build_vault(vault, tmp_path, copy=False)
    pages = {src: site.page(src).relative_to(site.out).as_posix()
             for src in ("_x.md", "x.md", "_drafts/y.md", "Tags/python.md")}
    assert len(set(pages.values())) == 4 and not any(p.startswith("_") for p in pages.values())
    index_tag = Site.soup(site.out / "_tags" / "index.html")
    assert index_tag.title.get_text().startswith("#index")
    overview = Site.soup(site.out / "_tags.html")
    assert {a.get_text() for a in overview.select("main a")} >= {"#index", "#python"}
    python_tag = Site.soup(site.out / "_tags" / "python.html")
    listed = {a.get_text() for a in python_tag.select("main a")}
    assert {"x", "python"} <= listed
    for src in pages:  # every link of every page lands on a file
        for a in site.html(src).select("a[href]"):
            if not a["href"].startswith(("#", "http")):
                site.follow(site.page(src), a["href"])


def test_notes_embedded_are_parsed_by_the_worker_that_renders_their_embedder(tmp_path):
    from generator.model import SourceFile, VaultPath
    from generator.workers import _EMBED_RENDER, _LINK_PARSE, _LINK_RENDER, _NOTE_PARSE, share_out

    def job(rel: str, text: str):
        return SourceFile(VaultPath(rel), tmp_path / rel, "note", "0:0", len(text)), text.encode()

    jobs = [job(f"n{i}.md", f"Note {i} " * (50 + i % 7 * 20)) for i in range(200)]
    jobs[3] = job("n3.md", "![[n30]] and ![[sub/n17|alias]] and a section ![[n5#Part]] " * 5)
    jobs[17] = job("sub/n17.md", "![[n31.md]] " * 20)
    jobs[40] = job("n40.md", "[[n41]] " * 400)  # links: little to parse, more to render
    share = share_out(jobs, 2)
    # whole embeds followed on, and sections: a worker keeps the renderings of what it embeds
    assert share[3] == share[30] == share[17] == share[31] == share[5]
    # equal shares of parsing (a note's bytes, a fixed part, its links) and of rendering (its
    # bytes, its links, each note embed and what it shows: a section a quarter of its note)
    size = [len(d) for _, d in jobs]
    links = [d.count(b"[[") for _, d in jobs]
    parse = [_NOTE_PARSE + n + _LINK_PARSE * k for n, k in zip(size, links, strict=True)]
    render = [n + _LINK_RENDER * k for n, k in zip(size, links, strict=True)]
    render[3] += 5 * (3 * _EMBED_RENDER + size[30] + size[17] + size[5] // 4)
    render[17] += 20 * (_EMBED_RENDER + size[31])
    for cost in (parse, render):
        work = [sum(c for c, k in zip(cost, share, strict=True) if k == w) for w in (0, 1)]
        assert abs(work[0] - work[1]) <= max(cost), work
    # the same shares each time
    assert share_out(jobs, 2) == share
    assert sorted(set(share_out(jobs, 3))) == [0, 1, 2]


def test_a_build_that_fails_in_a_worker_leaves_no_half_written_site(tmp_path, monkeypatch):
    from generator.config import load_config
    from generator.pipeline import build
    from generator.sitebuild import SiteBuilder
    from generator.workers import WorkerError

    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(240):
        (vault / f"Note {i}.md").write_text(f"# Note {i}\n\nLinks [[Note {(i + 1) % 240}]].\n",
                                            encoding="utf-8")
    real = SiteBuilder.render_note

    def failing(self, note):
        if note.id == "Note 200":
            raise RuntimeError("renderer broke")
        return real(self, note)

    monkeypatch.setattr(SiteBuilder, "render_note", failing)
    with pytest.raises(WorkerError, match="renderer broke"):
        build(load_config(vault), tmp_path / "out", exec_mode="no-exec", workers=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]  # no site, no staging folder


def test_where_processes_cannot_fork_the_build_does_everything_itself(tmp_path, monkeypatch):
    """No fork (Windows): no workers, no forked search data or state writer; the same site, and a
    state the next build loads."""
    import multiprocessing.process

    from generator import parallel, workers
    from generator.config import load_config
    from generator.incremental import load_memo
    from generator.pipeline import build, default_cache_dir

    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(230):
        (vault / f"Note {i}.md").write_text(f"# Note {i}\n\n[[Note {(i + 1) % 230}]] #t{i % 3}\n",
                                            encoding="utf-8")
    build(load_config(vault), tmp_path / "forking", exec_mode="no-exec", workers=2)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    monkeypatch.setattr(workers, "can_fork", lambda: False)

    def no_process(self):
        raise AssertionError("a process was started")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_process)
    out = tmp_path / "single"
    result = build(load_config(vault), out, exec_mode="no-exec", workers=2)
    assert result.stats.rendered == 230
    loaded = load_memo(default_cache_dir(out), load_config(vault))
    assert loaded is not None and len(loaded[0]) == 230

    def tree(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file()}

    assert tree(out) == tree(tmp_path / "forking")


def test_a_relative_output_folder_keeps_the_cache_beside_it_not_in_the_vault(tmp_path):
    """``vaultsite build v -o relout`` from another folder: the cache is ``relout.vaultsite-cache``
    next to ``relout`` (it was made inside the vault, which Obsidian and git then see)."""
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "A.md").write_text("a\n", encoding="utf-8")
    done = run_cli("build", "v", "-o", "relout", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "relout" / "A.html").is_file()
    assert (tmp_path / "relout.vaultsite-cache").is_dir()
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == ["A.md"]


@pytest.mark.parametrize("where", ["file", "proc"])
def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path, where):
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "A.md").write_text("a\n", encoding="utf-8")
    if where == "file":
        (tmp_path / "f.txt").write_text("x", encoding="utf-8")
        out = tmp_path / "f.txt" / "site"
    else:
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc here")
        out = Path("/proc/vaultsite-site")
    for command in (["build", str(tmp_path / "v"), "-o", str(out)],
                    ["build", str(tmp_path / "v"), "-o", str(out), "--no-exec"]):
        done = run_cli(*command)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip().startswith("Error:") and str(out) in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_users_own_macros_keep_working_with_date_display(tmp_path):
    """A user's copy of macros.html (written against the theme's two-argument ``listing``) keeps
    working, and its dates still follow ``date_display``."""
    vault = tmp_path / "v"
    (vault / "_templates").mkdir(parents=True)
    theme = (REPO / "templates" / "macros.html").read_text(encoding="utf-8")
    (vault / "_templates" / "macros.html").write_text(
        theme.replace('<ul class="{{ cls }}">', '<ul class="{{ cls }} mine">'), encoding="utf-8")
    (vault / "vaultsite.toml").write_text('date_display = "%d/%m/%Y"\n', encoding="utf-8")
    (vault / "A.md").write_text("---\ndate: 2025-04-05\n---\nSee [[B]].\n", encoding="utf-8")
    (vault / "B.md").write_text("b\n", encoding="utf-8")
    site = build_vault(vault, tmp_path)
    assert site.codes() == []
    back = site.html("B.md").find(class_="backlinks").find("ul")
    assert "mine" in back["class"] and "05/04/2025" in back.get_text()


def test_site_url_on_the_command_line(tmp_path):
    """``--site-url`` (what the Pages workflow passes) overrides vaultsite.toml: the 404 page,
    served for missing URLs at any depth, resolves its links from the site root."""
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "vaultsite.toml").write_text('site_url = "https://old.example/x"\n', encoding="utf-8")
    (vault / "A.md").write_text("a\n", encoding="utf-8")
    done = run_cli("build", str(vault), "-o", str(tmp_path / "site"),
                   "--site-url", "https://me.github.io/notes/")
    assert done.returncode == 0, done.stderr
    page = Site.soup(tmp_path / "site" / "404.html")
    assert page.find("base")["href"] == "https://me.github.io/notes/"
    assert "https://me.github.io/notes/A.html" in (tmp_path / "site" / "sitemap.xml").read_text()
    # checked as the key is: an address, or nothing is built
    bad = run_cli("build", str(vault), "-o", str(tmp_path / "bad"), "--site-url", "notaurl")
    assert bad.returncode == 2 and "--site-url" in bad.stderr and "https://" in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_a_config_that_is_no_toml_is_reported_at_its_line_with_what_to_do(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("a\n", encoding="utf-8")
    (vault / "vaultsite.toml").write_text('title = "x"\ntitle = "y"\n', encoding="utf-8")
    done = run_cli("check", str(vault))
    assert done.returncode == 1
    assert "Error: vaultsite.toml:2:1: not valid TOML: `title` is set twice" in done.stderr
    assert "fix it there" in done.stderr
