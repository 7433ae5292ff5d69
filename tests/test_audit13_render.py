"""What sharing one rendering of an embedded note between pages (``render.py``: ``RenderContext.embeds``
and ``parse.section_tokens``'s memo) could break, checked on the pages themselves: links relative to
each embedding page's own folder, ids unique on a page that shows the same note twice, and the
warnings of an embedded note reported as often, and where, as rendering each embed afresh gives."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from conftest import build_notes

from generator import render
from generator.sitebuild import SiteBuilder

# One note, embedded whole and by section from pages at three depths; it links a note, a heading,
# a tag and a picture, has a footnote, and one broken link that warns.
SHARED = ("# Shared\n\n## Part\n\nSee [[Target]], [[Target#Goal|its goal]], #topic and "
          "![[pic.png]].[^n]\n\nA [[Nowhere]] link.\n\n[^n]: The shared note's footnote.\n")
FILES = {
    "lib/Shared.md": SHARED,
    "deep/er/Target.md": "# Target\n\n## Goal\n\nText.\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
    "Top.md": "![[Shared]]\n\n![[Shared#Part]]\n",
    "a/Mid.md": "![[Shared]]\n",
    "a/Twice.md": "![[Shared]]\n\nText.\n\n![[Shared]]\n",
    "a/b/c/Low.md": "![[Shared#Part]]\n\n![[Shared]]\n",
}


def _links_land(site, source: str) -> list[str]:
    """The hrefs inside embeds of ``source``'s page, each followed to the file it names."""
    page = site.page(source)
    soup = site.soup(page)
    hrefs = [a["href"] for a in soup.select(".embed-content a[href]")]
    hrefs += [img["src"] for img in soup.select(".embed-content img[src]")]
    targets = []
    for href in hrefs:
        if href.startswith("#"):  # a footnote of the embed: on this page
            assert soup.find(id=href[1:]) is not None, (source, href)
            continue
        path, _frag = site.follow(page, href)
        targets.append(path.name)
    return targets


def test_one_embedded_note_links_right_from_pages_in_every_folder(tmp_path):
    site = build_notes(tmp_path, FILES)
    for source in ("Top.md", "a/Mid.md", "a/b/c/Low.md"):
        targets = _links_land(site, source)
        assert targets.count("Target.html") >= 2, (source, targets)  # note and heading link
        assert "pic.png" in targets, (source, targets)
        assert any(t.endswith(".html") and t != "Target.html" for t in targets)  # the tag page
    # the same rendering served the three pages: the hrefs differ by the folder only
    low = [a["href"] for a in site.html("a/b/c/Low.md").select(".embed-content a.internal-link[href]")]
    top = [a["href"] for a in site.html("Top.md").select(".embed-content a.internal-link[href]")]
    assert sorted(h.removeprefix("../../../") for h in low) == sorted(top)


def test_a_note_embedded_twice_on_a_page_keeps_its_footnote_ids_apart(tmp_path):
    site = build_notes(tmp_path, FILES)
    for source in ("Top.md", "a/b/c/Low.md", "a/Twice.md"):
        soup = site.html(source)
        ids = [t["id"] for t in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        embeds = soup.select(".embed-note")
        assert len(embeds) == 2
        for embed in embeds:  # each copy's reference lands on the footnote in that copy
            refs = embed.select("sup a[href^='#']")
            assert refs
            for ref in refs:
                target = soup.find(id=ref["href"][1:])
                assert target is not None and target.find_parent(class_="embed-note") is embed
        assert not soup.select(".embed-content h2[id]")  # headings inside embeds carry no id


def _warnings(site) -> list[tuple[str, str, int, int]]:
    return sorted((d.code, d.span.path, d.span.line, d.span.col, d.message) for d in site.diagnostics
                  if d.span is not None)


def test_warnings_of_an_embedded_note_are_the_same_when_renderings_are_shared(tmp_path, monkeypatch):
    """The broken link in the shared note warns as rendering every embed afresh on every page
    warns: at the shared note's own line and column, as many times."""
    hits = []
    get = render.RenderContext._embedded_body

    def counting(self, target, meta, found, frame):
        before = dict(self.embeds or {})
        done = get(self, target, meta, found, frame)
        hits.append(any(v is done for v in before.values()))
        return done

    monkeypatch.setattr(render.RenderContext, "_embedded_body", counting)
    shared = build_notes(tmp_path / "shared2", FILES)
    assert any(hits), "no page reused a rendering: the test would prove nothing"
    render_note = SiteBuilder.render_note

    def afresh(self, note):
        self.embeds = None
        return render_note(self, note)

    monkeypatch.setattr(SiteBuilder, "render_note", afresh)
    fresh = build_notes(tmp_path / "fresh", FILES)
    assert _warnings(shared) == _warnings(fresh)
    broken = [w for w in _warnings(shared) if w[1] == "lib/Shared.md" and w[2] == 7]
    assert broken, _warnings(shared)
    assert all(w == broken[0] for w in broken)  # the note's own place, whichever page embeds it


def test_pages_in_different_folders_are_byte_identical_apart_from_their_hrefs(tmp_path):
    """A marker of a shared rendering never reaches a page."""
    site = build_notes(tmp_path, FILES)
    for page in Path(site.out).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not any(c in text for c in "\x02\x03\x1e\x1f"), page
    soup = BeautifulSoup(site.page("a/Mid.md").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one(".embed-note")["data-note"]
