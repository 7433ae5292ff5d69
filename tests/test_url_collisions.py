"""Different tags and different attachments never share one URL, even when their names slug alike
(notes already get a ``-2``; tags and attachments did not, and one page or file stood for two)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_vault


def test_tags_that_slug_alike_get_pages_of_their_own(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    notes = {"A": "#_todo", "B": "#todo", "C": "#x-y", "D": "#x--y", "E": "#_todo/sub",
             "F": "#todo/sub"}
    for name, tag in notes.items():
        (src / f"{name}.md").write_text(f"Note {name} {tag}\n", encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    seen: dict[Path, str] = {}
    for name, tag in notes.items():
        page = site.page(f"{name}.md")
        a = site.content(f"{name}.md").find("a", class_="tag")
        assert a.get_text() == tag
        target, _ = site.follow(page, a["href"])
        assert seen.setdefault(target, tag) == tag, f"{tag} and {seen[target]} share {target}"
        listing = site.soup(target).find(class_="listing")
        titles = {x.get_text() for x in listing.find_all("a")}
        assert name in titles, (tag, titles)  # the tag's page lists the note that has it
    # the plain spellings keep the plain URLs
    assert (site.out / "_tags" / "todo.html").is_file() and (site.out / "_tags" / "x-y.html").is_file()
    assert "B" in site.soup(site.out / "_tags" / "todo.html").find(class_="listing").get_text()
    # the list of all tags links every top-level tag to its own page
    every = site.soup(site.out / "_tags.html")
    hrefs = [a["href"] for a in every.select("main a") if a.get_text().startswith("#")]
    assert len(hrefs) == len(set(hrefs)) == 4


def test_attachments_that_slug_alike_are_copied_apart(tmp_path: Path):
    src = tmp_path / "src"
    for folder in ("_att", "att", "Q&A", "QA"):
        (src / folder).mkdir(parents=True)
    files = {"_att/pic.png": b"blue", "att/pic.png": b"red", "Q&A/x.png": b"one",
             "QA/x.png": b"two"}
    for rel, data in files.items():
        (src / rel).write_bytes(data)
    (src / "L.md").write_text(" ".join(f"![[{rel}]]" for rel in files) + "\n", encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    page = site.page("L.md")
    imgs = site.content("L.md").find_all("img")
    assert len(imgs) == 4
    got = [site.follow(page, img["src"])[0].read_bytes() for img in imgs]
    assert got == list(files.values())
    assert (site.out / "att" / "pic.png").read_bytes() == b"red"  # its own path, unchanged
    assert (site.out / "QA" / "x.png").read_bytes() == b"two"


def test_a_rebuild_follows_an_attachment_that_stepped_aside(tmp_path: Path):
    """``_att/pic.png`` has the URL ``att/pic.png`` until a file of that very path appears; the
    page that embeds it is rebuilt with its new URL (the incremental build must not keep it)."""
    from conftest import Site

    from generator.config import load_config
    from generator.pipeline import build

    src = tmp_path / "src"
    (src / "_att").mkdir(parents=True)
    (src / "_att" / "pic.png").write_bytes(b"blue")
    (src / "L.md").write_text("![[_att/pic.png]]\n", encoding="utf-8")
    (src / "M.md").write_text("![[att/pic.png]]\n", encoding="utf-8")  # not there yet
    (src / "att").mkdir()
    out = tmp_path / "site"
    build(load_config(src), out, exec_mode="no-exec")
    (src / "att" / "pic.png").write_bytes(b"red")
    site = Site(out, build(load_config(src), out, exec_mode="no-exec"))
    for name, data in (("L.md", b"blue"), ("M.md", b"red")):
        img = site.content(name).find("img")
        assert site.follow(site.page(name), img["src"])[0].read_bytes() == data, name


def test_attachments_never_take_the_site_own_pages(tmp_path: Path):
    """Files of the vault named like the site's own pages (``index.html``, ``_tags.html``, a
    folder page) are copied beside them, not over them."""
    src = tmp_path / "src"
    (src / "att").mkdir(parents=True)
    names = ["index.html", "_tags.html", "404.html", "graph.html", "feed.xml", "att/index.html"]
    for rel in names:
        (src / rel).write_bytes(b"<p>vault file " + rel.encode() + b"</p>")
    (src / "att" / "Note.md").write_text("x #t\n", encoding="utf-8")
    (src / "L.md").write_text(" ".join(f"[{rel}]({rel})" for rel in names) + "\n",
                              encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    for rel in names:
        a = site.content("L.md").find("a", string=rel)
        target, _ = site.follow(site.page("L.md"), a["href"])
        # (an HTML file is published as a sanitised page of its own, its body kept)
        assert b"<p>vault file " + rel.encode() + b"</p>" in target.read_bytes(), rel
    for page in ("index.html", "_tags.html", "404.html", "graph.html", "att/index.html"):
        assert b"vault file" not in (site.out / page).read_bytes(), page


def test_folders_that_slug_alike_get_pages_of_their_own(tmp_path: Path):
    src = tmp_path / "src"
    for folder in ("_att/sub", "att"):
        (src / folder).mkdir(parents=True)
    (src / "_att" / "X.md").write_text("x\n", encoding="utf-8")
    (src / "_att" / "sub" / "Z.md").write_text("z\n", encoding="utf-8")
    (src / "att" / "Y.md").write_text("y\n", encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    for note, folder_title, listed in (("_att/X.md", "_att", "X"), ("att/Y.md", "att", "Y"),
                                       ("_att/sub/Z.md", "sub", "Z")):
        crumbs = site.html(note).select(".breadcrumbs a")
        target, _ = site.follow(site.page(note), crumbs[-1]["href"])
        folder_page = site.soup(target)
        assert folder_page.find("h1").get_text().strip() == folder_title, note
        assert listed in folder_page.find(class_="listing").get_text(), note
    assert (site.out / "att" / "index.html").is_file()  # the plain one keeps its URL


def test_a_permalink_that_takes_another_note_page_says_so_at_its_line(tmp_path: Path):
    """A permalink wins its URL (it was asked for), and a note it pushes aside is never moved
    silently: the warning stands at the permalink, names the note that moved and where to."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "Target.md").write_text("TARGET_BODY\n", encoding="utf-8")
    (src / "Clash.md").write_text("---\ntitle: Clash\npermalink: Target\n---\nCLASH_BODY\n",
                                  encoding="utf-8")
    (src / "One.md").write_text("---\npermalink: custom/page\n---\none\n", encoding="utf-8")
    (src / "Two.md").write_text("---\ntags: [x]\n\npermalink: custom/page\n---\ntwo\n",
                                encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    assert site.page("Clash.md") == site.out / "Target.html"
    assert site.page("Target.md") == site.out / "Target-2.html"
    assert "TARGET_BODY" in site.page("Target.md").read_text(encoding="utf-8")
    messages = site.messages("url-collision")
    assert any(m.startswith("Clash.md:3:12:") and "Target.md" in m and "Target-2.html" in m
               for m in messages), messages
    assert any(m.startswith("Two.md:4:12:") and "custom/page-2.html" in m for m in messages), messages
    assert len(messages) == 2


def test_a_permalink_that_climbs_out_of_the_site_is_ignored_and_said_so(tmp_path: Path):
    """``permalink: ../../escape`` names no page of the site: it was turned into
    ``untitled/untitled/escape.html`` silently; now the note keeps its usual page and a warning
    stands at the permalink.  A permalink from the root (``/x/y``) and ``..`` that stays inside
    the site (``a/../b``) are followed as written."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "Escape.md").write_text("---\ntitle: E\npermalink: ../../escape\n---\nx\n",
                                   encoding="utf-8")
    (src / "Rooted.md").write_text("---\npermalink: /x/y\n---\nx\n", encoding="utf-8")
    (src / "Inside.md").write_text("---\npermalink: a/../b/./c\n---\nx\n", encoding="utf-8")
    site = build_vault(src, tmp_path, copy=False)
    assert site.page("Escape.md") == site.out / "Escape.html"
    assert site.page("Rooted.md") == site.out / "x" / "y.html"
    assert site.page("Inside.md") == site.out / "b" / "c.html"
    assert not (site.out / "untitled").exists()
    assert site.messages("permalink-invalid") == [
        "Escape.md:3:12: warning[permalink-invalid]: permalink '../../escape' leads out of the site "
        "with '..'; it is ignored and the page is at Escape.html (write the page's path from the "
        "site root, without '..' above it (permalink: notes/page gives notes/page.html))"]
    assert "url-collision" not in site.codes()
