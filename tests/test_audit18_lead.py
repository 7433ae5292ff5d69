"""Session 18, the lead's own fixes."""

from __future__ import annotations

from pathlib import Path

from conftest import Site, write_files


class _CountedList(list):
    """A note's token list that counts the times it is walked from end to end."""

    walks = 0

    def __iter__(self):
        _CountedList.walks += 1
        return super().__iter__()


def test_block_embeds_of_one_note_do_not_each_walk_the_whole_note(tmp_path: Path, monkeypatch):
    """A page embedding many blocks of one note (each with a footnote) walked all of that note's
    tokens twice per embed: to find the block, and to find its footnotes' definitions, so a note of
    N footnoted paragraphs embedded N/4 times cost N squared (4,000 paragraphs: 9 CPU-s).  The
    note's block ids and footnotes are now found once per token list; the page is unchanged."""
    import generator.parse as parse
    from generator.config import load_config
    from generator.pipeline import build

    n = 400
    paras = "\n\n".join(f"Paragraph {i} says more.[^f{i}] ^b{i}" for i in range(n))
    defs = "\n".join(f"[^f{i}]: Footnote {i}." for i in range(n))
    vault = write_files(tmp_path / "v", {
        "Big.md": f"# Big\n\n{paras}\n\n{defs}\n",
        "E.md": "# E\n\n" + "\n\n".join(f"![[Big#^b{i}]]" for i in range(0, n, 4)) + "\n"})
    real = parse.tokens_for
    counted: dict[str, _CountedList] = {}

    def tokens_for(note):
        tokens = real(note)
        if note.rel == "Big.md":
            if note.rel not in counted:
                counted[note.rel] = _CountedList(tokens)
                note.tokens = counted[note.rel]
            return note.tokens
        return tokens

    monkeypatch.setattr(parse, "tokens_for", tokens_for)
    result = build(load_config(vault), tmp_path / "site", exec_mode="no-exec", workers=1)
    site = Site(tmp_path / "site", result)
    assert _CountedList.walks <= 4, f"{n // 4} embeds walked the note {_CountedList.walks} times"
    embeds = site.content("E.md").select(".embed-note")
    assert len(embeds) == n // 4
    for k, embed in enumerate(embeds[:3] + embeds[-3:]):
        i = 4 * k if k < 3 else n - 4 * (6 - k)
        assert f"Paragraph {i} says more." in embed.get_text()
        assert [li.get_text(" ", strip=True).removesuffix("↩︎").strip()
                for li in embed.select(".footnotes li")] == [f"Footnote {i}."]


def test_a_link_naming_a_folder_says_it_is_a_folder(tmp_path: Path):
    """``[[Courses]]`` for the folder Courses/ (found by the judge's research vault) said only
    "create the note or fix the name"; Obsidian would create a new note Courses.md.  The hint now
    says it is a folder and names a note in it, for a bare name, a path and any letter case."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "Courses/Physics/Waves.md": "# Waves\n",
        "Courses/Algebra.md": "# Algebra\n",
        "Courses/Zoology.md": "# Zoology\n",
        "Course.md": "# Course\n",
        "Home.md": "[[Courses]] and [[courses/physics]] and [[Physics]] and [[Nowhere]]\n"})
    said = site.messages("link-unresolved")
    assert len(said) == 4
    assert "target 'Courses' does not exist" in said[0]
    assert ("Courses is a folder, and a link names a note or file (Obsidian would create a new "
            "note Courses.md); link to a note in it, such as [[Courses/Algebra]]") in said[0]
    assert "Courses/Physics is a folder" in said[1] and "[[Courses/Physics/Waves]]" in said[1]
    assert "Courses/Physics is a folder" in said[2] and "Physics.md" in said[2]
    assert "folder" not in said[3]
    for link in site.content("Home.md").select(".broken"):
        assert not link.has_attr("href")


def test_the_vault_stylesheet_is_read_once_by_the_build_process(tmp_path: Path, monkeypatch):
    """The render workers get the stylesheets pages link with the index: each of them read and
    cleaned the vault's ``publish.css`` again (a file it never publishes), and one edited during
    the build could have made pages link differently.  Every page still links it."""
    import os

    from conftest import file_tree, linked_vault

    import generator.sitebuild as sitebuild
    from generator.config import load_config
    from generator.pipeline import build

    log = tmp_path / "calls.txt"
    real = sitebuild.vault_stylesheet

    def logged(index):
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(index)

    monkeypatch.setattr(sitebuild, "vault_stylesheet", logged)
    vault = tmp_path / "v"
    linked_vault(vault, 230)  # enough notes for the build to render in two workers
    (vault / "publish.css").write_text("body { color: #123 }\n", encoding="utf-8")
    build(load_config(vault), tmp_path / "out2", exec_mode="no-exec", workers=2)
    assert log.read_text(encoding="utf-8").split() == [str(os.getpid())]
    build(load_config(vault), tmp_path / "out1", exec_mode="no-exec", workers=1)
    pages = file_tree(tmp_path / "out2")
    assert pages == file_tree(tmp_path / "out1")
    notes = [page for page in pages if page.endswith(".html") and "Note-" in page]
    assert len(notes) == 230
    assert all(b"_assets/publish.css" in pages[page] for page in notes)


def test_a_link_to_an_id_obsidian_would_not_take_says_why(tmp_path: Path):
    """``^my_id`` (an underscore) at a paragraph's end is no block id, in Obsidian as here, so
    ``[[N#^my_id]]`` was only "not found" (judge's research vault); the hint now names the line
    that writes it and the id to write.  An id written nowhere keeps the old hint."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "N.md": "---\ntags: [x]\n---\n# N\n\nA claim worth citing. ^my_id\n",
        "A.md": "See [[N#^my_id]] and [[N#^gone]].\n"})
    said = site.messages("anchor-unresolved")
    assert said == [
        "A.md:1:5: warning[anchor-unresolved]: block ^my_id not found in N.md (N.md:6 writes "
        "^my_id, which is no block id: Obsidian's hold only letters, digits and '-'; write "
        "^my-id there and in the link)",
        "A.md:1:22: warning[anchor-unresolved]: block ^gone not found in N.md (add the ^id to "
        "the block, or fix the id)"]


def test_publish_css_finds_vault_files_as_links_do(tmp_path: Path):
    """A picture ``publish.css`` names is found in another letter case as a link's path finds it
    (``name_key``: lower case as JavaScript writes it), not by ``casefold``, which made
    ``strasse.png`` the file ``Straße.png`` that no link of the vault would find by that name."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "A.md": "a\n", "pics/Straße.png": b"\x89PNG\r\n\x1a\n",
        "publish.css": '.a { background: url("PICS/STRASSE.png") }\n'
                       '.b { background: url("PICS/Straße.PNG") }\n'})
    css = (site.out / "_assets" / "publish.css").read_text(encoding="utf-8")
    assert css == '.a { background: none }\n.b { background: url("../pics/Stra%C3%9Fe.png") }\n'
    [warned] = site.messages("attachment-sanitised")
    assert warned.startswith("publish.css:1:18: ") and "url(PICS/STRASSE.png)" in warned
