"""Pages share the renderings of the notes they embed (``render.py``), and the site must be exactly
what rendering every embed afresh on every page gives: links relative to each page, loops and the
depth limit stopped where they would have been, warnings and dependencies all kept."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator import render
from generator.config import load_config
from generator.pipeline import build
from generator.sitebuild import SiteBuilder

FOLDERS = ["", "a/", "a/b/", "c/", "c/d/e/"]


def _write_vault(root: Path, seed: int) -> None:
    """Notes in folders of every depth that embed each other whole, by section and by block, in
    chains, loops and self-embeds, with links, tags, attachments and markdown links inside."""
    rng = random.Random(seed)
    names = [f"N{i}" for i in range(24)]
    where = {n: rng.choice(FOLDERS) for n in names}
    (root / "img").mkdir(parents=True)
    (root / "img" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for n in names:
        def other() -> str:
            return rng.choice(names)

        def embed() -> str:
            t = other()
            return rng.choice([f"![[{t}]]", f"![[{t}#One]]", f"![[{t}#Two]]", f"![[{t}#^b1]]",
                               f"![[{t}#Missing]]", "![[#Three]]", f"![[{where[t]}{t}|alias]]"])

        lines = [f"# {n}", "", f"Intro [[{other()}]] and [[{other()}#Two|to two]] #tag/{n[-1]}.", "",
                 "## One", "", f"A paragraph with ![[pic.png|40]] and [md]({other()}.md). ^b1", "",
                 embed(), "", "### Two", "", f"- item [[{other()}#^b1]]", f"- {embed()}", "",
                 "## Three", "", f"Math $x^{len(n)}$ and ==mark== [[#One]].", "", embed(), ""]
        path = root / f"{where[n]}{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")


def _site(vault: Path, out: Path) -> tuple[dict[str, bytes], list[str]]:
    result = build(load_config(vault), out, exec_mode="no-exec", workers=1)
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
             and "vaultsite" not in p.name}
    return files, sorted(str(d) for d in result.diagnostics)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_shared_embed_renderings_give_the_same_site_as_rendering_each_afresh(tmp_path, monkeypatch,
                                                                               seed):
    vault = tmp_path / "vault"
    _write_vault(vault, seed)
    reused = []
    fits = render._Embedded.fits

    def counting_fits(self, stack):
        ok = fits(self, stack)
        reused.append(ok)
        return ok

    monkeypatch.setattr(render._Embedded, "fits", counting_fits)
    shared, shared_diags = _site(vault, tmp_path / "shared")
    assert any(reused), "no page reused an embed: the test would prove nothing"
    assert not all(reused), "no rendering was refused: loops and depth were not exercised"

    render_note = SiteBuilder.render_note

    def afresh(self, note):
        self.embeds = None
        return render_note(self, note)

    monkeypatch.setattr(SiteBuilder, "render_note", afresh)
    fresh, fresh_diags = _site(vault, tmp_path / "fresh")
    assert shared.keys() == fresh.keys()
    assert [k for k in shared if shared[k] != fresh[k]] == []
    assert shared_diags == fresh_diags
    assert any("embed-cycle" in d for d in fresh_diags)


def test_markers_cannot_come_from_a_note(tmp_path):
    """The link markers are control characters; reading a note replaces those, so text that looks
    like a marker stays text on the page."""
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "A.md").write_text("![[B]]\n", encoding="utf-8")
    (vault / "sub" / "B.md").write_text("x \x02C\x1f\x03 y [[A]]\n", encoding="utf-8")
    out = tmp_path / "site"
    build(load_config(vault), out, exec_mode="no-exec", workers=1)
    page = (out / "A.html").read_text(encoding="utf-8")
    assert "x \ufffdC\ufffd\ufffd y" in page
    assert 'href="A.html"' in page  # the link inside the embed, relative to A's page


def test_ids_stay_unique_on_a_page_that_embeds_notes(tmp_path):
    """Headings, block ids and footnotes inside an embed would repeat the page's own ids (or each
    other's, when a note is embedded twice): inside embeds headings and blocks carry no id, and
    footnotes are numbered apart, each reference landing on its own note's footnote."""
    from bs4 import BeautifulSoup

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "A.md").write_text(
        "## Intro\n\nPage text.[^1] ^b1\n\n## Embeds\n\n![[B]]\n\n![[B#Intro]]\n\n![[#Intro]]\n\n"
        "[^1]: The page's footnote.\n", encoding="utf-8")
    (vault / "B.md").write_text(
        "## Intro\n\nEmbedded text.[^1] ^b1\n\n[^1]: The embedded note's footnote.\n",
        encoding="utf-8")
    out = tmp_path / "site"
    build(load_config(vault), out, exec_mode="no-exec", workers=1)
    soup = BeautifulSoup((out / "A.html").read_text(encoding="utf-8"), "html.parser")
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert soup.find(id="Intro") and soup.find(id="^b1")  # the page's own keep theirs
    for ref in soup.select(".embed-content sup a[href^='#']"):
        target = soup.find(id=ref["href"][1:])
        embed = ref.find_parent(class_="embed-note")
        assert target is not None and target.find_parent(class_="embed-note") is embed
        own = "embedded note's footnote" if embed["data-note"] == "B.html" else "page's footnote"
        assert own in target.get_text()  # ![[#Intro]] lists the page's own footnote
    assert soup.select(".embed-content sup a[href^='#']")
    b = BeautifulSoup((out / "B.html").read_text(encoding="utf-8"), "html.parser")
    assert b.find(id="Intro") and b.find(id="^b1")  # on its own page, the note keeps its ids


def test_control_characters_from_yaml_cannot_pose_as_link_markers(tmp_path):
    """A YAML escape (``"\\x02"``) can put into a title the control characters that mark links
    inside embeds: they are replaced where they enter, so nested embeds keep every word."""
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "A.md").write_text("![[B]]\n", encoding="utf-8")
    (vault / "sub" / "B.md").write_text("Before ![[C]] and [[A]] after.\n", encoding="utf-8")
    (vault / "C.md").write_text('---\ntitle: "odd\\x02title\\x03"\naliases: ["x\\x1fy"]\n---\n'
                                "Body [[sub/B]] tail\n", encoding="utf-8")
    out = tmp_path / "site"
    build(load_config(vault), out, exec_mode="no-exec", workers=1)
    page = (out / "A.html").read_text(encoding="utf-8")
    assert "\x02" not in page and "\x03" not in page and "\x1f" not in page
    for text in ("Before", "odd\ufffdtitle\ufffd", "Body", "tail", "after."):
        assert text in page, text
    assert 'href="A.html"' in page and 'href="sub/B.html"' in page
