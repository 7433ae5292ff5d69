"""Links, anchors and embeds: findings of the eighth audit (links area), each built as a vault."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import build_notes


def _browser_dom(site, source):
    """The note's content as a browser's HTML parser builds it (html5lib follows the HTML
    standard: a ``<div>`` start tag closes an open ``<p>``, and formatting elements left open
    are reopened in what follows)."""
    soup = BeautifulSoup(site.page(source).read_text(encoding="utf-8"), "html5lib")
    return soup.find(class_="note-content")


def test_note_embed_in_a_paragraph_with_a_block_id_is_not_inside_a_p(tmp_path):
    """``![[Other]] ^emb``: the block id names the paragraph that holds the embed; a ``<div>``
    written inside ``<p id="^emb">`` is cut out of it by the browser, which leaves the id on an
    empty paragraph and a stray ``<p></p>`` after the embed."""
    site = build_notes(tmp_path, {
        "Other.md": "o body\n\nsecond para\n",
        "N.md": "![[Other]] ^emb\n\nIntro ![[Other]] ^e2\n\nSee [[#^emb]] [[#^e2]]\n",
        "L.md": "![[N#^e2]]\n"})
    dom = _browser_dom(site, "N.md")
    for block in ("^emb", "^e2"):
        el = dom.find(id=block)
        assert el is not None and el.find(class_="embed-note") is not None, block
        assert "o body" in el.get_text(" ")
    assert "Intro" in dom.find(id="^e2").get_text(" ")
    assert not [p for p in dom.find_all("p") if not p.get_text(strip=True)]  # no empty <p>
    # embedding that block shows its text and the note it embeds
    embed = _browser_dom(site, "L.md").find(class_="embed-note")
    assert "Intro" in embed.get_text(" ") and "o body" in embed.get_text(" ")
    assert site.codes() == []


def test_note_embed_inside_emphasis_keeps_the_markup_balanced(tmp_path):
    """``*![[Other]]*``: cutting the paragraph around the embed left ``<p><em></p>`` before it and
    ``<p></em></p>`` after it, so the browser reopened the ``<em>`` in what followed."""
    site = build_notes(tmp_path, {
        "Other.md": "o body\n",
        "N.md": "*![[Other]]*\n\n**see ![[Other]] here**\n\nafter\n"})
    html = site.page("N.md").read_text(encoding="utf-8")
    assert "<p><em></p>" not in html and "<p></em></p>" not in html
    dom = _browser_dom(site, "N.md")
    after = next(p for p in dom.find_all("p") if p.get_text(strip=True) == "after")
    assert after.find_parent(["em", "strong"]) is None and after.find(["em", "strong"]) is None
    assert len(dom.find_all(class_="embed-note")) == 2
    assert not [p for p in dom.find_all("p") if not p.get_text(strip=True)]


def test_title_heading_with_an_ampersand_keeps_its_anchor(tmp_path):
    """``# Q&A 100% (v2)`` opening the note of that name moves to the page's title with its id,
    which was taken from the rendered HTML (``Q&amp;A…``) and escaped again (``Q&amp;amp;A…``): the
    table of contents and ``[[Q&A 100% (v2)#Q&A 100% (v2)]]`` led to no element."""
    site = build_notes(tmp_path, {
        "Q&A 100% (v2).md": "# Q&A 100% (v2)\n\nintro\n\n## Tom & Jerry\nx\n",
        "L.md": "[[Q&A 100% (v2)#Q&A 100% (v2)]] [[Q&A 100% (v2)#Tom & Jerry]]\n"})
    page = site.page("Q&A 100% (v2).md")
    links = site.content("L.md").find_all("a", class_="internal-link")
    toc = site.html("Q&A 100% (v2).md").find(class_="toc").find_all("a")
    assert len(links) == 2 and len(toc) == 2
    for a in (*links, *toc):
        target, fragment = site.follow(page if a in toc else site.page("L.md"), a["href"])
        assert fragment and site.soup(target).find(id=fragment) is not None, a["href"]
    assert site.html("Q&A 100% (v2).md").find("h1", class_="note-title")["id"] == "Q&A-100-(v2)"


def test_a_name_ending_in_a_bracket_is_linked_whole(tmp_path):
    """``[[Note [draft]]]``: a single ``]`` does not end a wikilink in Obsidian (``[[Sq]uare]]`` is
    ``Sq]uare``), and ``[[wiki [link]]]`` links ``wiki [link]``: the link took its first ``]]``
    and looked for ``Note [draft``.  A ``[`` left open inside the brackets takes the ``]`` before
    the closing pair; brackets around a link (``[see [[Other]]]``) stay text."""
    site = build_notes(tmp_path, {
        "Note [draft].md": "## Part\nbody\n",
        "Sub/Plan [v2] [x].md": "plan\n",
        "Other.md": "o\n",
        "L.md": "[[Note [draft]]] and [[Sub/Plan [v2] [x]]] and ![[Note [draft]]]\n\n"
                "[see [[Other]]] and [[Note [draft]#Part]] and [[Sq]uare]]\n"})
    content = site.content("L.md")
    links = content.find_all("a", class_="internal-link")
    texts = [a.get_text() for a in links]
    assert "Note [draft]" in texts and "Sub/Plan [v2] [x]" in texts
    for a in links:
        if a.get_text() in ("Note [draft]", "Sub/Plan [v2] [x]", "Other", "Note [draft] > Part"):
            site.follow(site.page("L.md"), a["href"])
    assert content.find(class_="embed-note") is not None
    assert "[see Other]" in " ".join(content.get_text().split())
    assert [m for m in site.messages("link-unresolved")] == [
        "L.md:3:47: warning[link-unresolved]: link target 'Sq]uare' does not exist in the vault "
        "(create the note or fix the name)"]


def test_a_misspelt_alias_is_suggested(tmp_path):
    """``[[Alpha Alais]]`` when a note has the alias ``Alpha Alias``: aliases resolve as names do,
    so the closest existing name the warning suggests is that alias (it offered nothing)."""
    site = build_notes(tmp_path, {
        "Topics/Target Note.md": "---\naliases: [Alpha Alias, Café Alias]\n---\nt\n",
        "Drafts/Hidden.md": "---\naliases: [Secret Alias]\npublish: false\n---\nh\n",
        "L.md": "[[Alpha Alais]] [[cafe alias]] [[Secret Alais]]\n"})
    assert site.messages("link-unresolved") == [
        "L.md:1:1: warning[link-unresolved]: link target 'Alpha Alais' does not exist in the vault "
        "(did you mean [[Alpha Alias]]?)",
        "L.md:1:17: warning[link-unresolved]: link target 'cafe alias' does not exist in the vault "
        "(did you mean [[Café Alias]]?)",
        "L.md:1:32: warning[link-unresolved]: link target 'Secret Alais' does not exist in the "
        "vault (create the note or fix the name)"]


def test_note_embed_in_a_footnote_keeps_one_back_reference(tmp_path):
    """``[^a]: See ![[Src#^lb]] here.``: the footnote's back-reference arrow stands before its
    paragraph's end, where cutting the paragraph around the embed took it for the ``</p>``: the
    first part was left open and the arrow written twice."""
    site = build_notes(tmp_path, {
        "Src.md": "- li a\n- li b ^lb\n",
        "K.md": "Footnote[^a] and[^b].\n\n[^a]: See ![[Src#^lb]] here.\n[^b]: ![[Src#^lb]] ^fb\n"})
    html = site.page("K.md").read_text(encoding="utf-8")
    dom = _browser_dom(site, "K.md")
    notes = dom.find(class_="footnotes").find_all("li", class_="footnote-item")
    assert len(notes) == 2
    for item in notes:
        assert len(item.find_all(class_="footnote-backref")) == 1
        assert item.find(class_="embed-note") is not None
    assert "See" in notes[0].get_text() and "here." in notes[0].get_text()
    body = html[html.index('class="content note-content"'):html.index('<footer class="note-footer"')]
    assert body.count("<p>") == body.count("</p>") and "<p " not in body


def test_notes_named_like_files_embed_as_notes(tmp_path):
    """``![[Node.js]]`` is the note ``Node.js.md`` (no file ``Node.js`` exists), and Obsidian embeds
    it; the extension ``.js`` (as ``.json``, ``.py``, ``.txt``…) was taken for an attachment's, so
    the embed was written as a plain link.  A file of such a name alone in its paragraph is still
    a link card in a paragraph."""
    site = build_notes(tmp_path, {
        "Node.js.md": "# Node.js\nEvent loop.\n\n## Streams\nstream body\n\n## Other\nnot this\n",
        "package.json.md": "scripts and deps\n",
        "data.csv": "a,b\n", "file.xyz": b"x", "pic.png": b"\x89PNG\r\n\x1a\n",
        "L.md": "![[Node.js]]\n\n![[Node.js#Streams]]\n\n![[package.json]]\n\n"
                "See ![[Node.js]] here.\n\n![[data.csv]]\n\n![[file.xyz]]\n\n![[pic.png]]\n"})
    content = site.content("L.md")
    shown = [d.get_text(" ") for d in content.find_all("div", class_="embed-content")]
    assert len(shown) == 3
    assert "Event loop." in shown[0] and "stream body" in shown[1] and "not this" not in shown[1]
    assert "scripts and deps" in shown[2]
    para = next(p for p in content.find_all("p") if p.get_text().startswith("See"))
    assert para.find("a", class_="internal-link")["href"].endswith("Node.js.html")
    for name in ("data.csv", "file.xyz"):
        card = content.find("a", class_="embed-file", href=name)
        assert card is not None and card.parent.name == "p", name
    assert content.find("img", class_="embed-image").parent.name == "p"
    assert site.codes() == []


def test_property_links_read_brackets_as_the_body_does(tmp_path):
    """``up: "[[Note [draft]]]"`` in the front-matter is the same link as in the text (backlink and
    check); it was not seen at all."""
    site = build_notes(tmp_path, {
        "Note [draft].md": "d\n", "Sq]uare.md": "s\n",
        "P.md": '---\nup: "[[Note [draft]]]"\nrel: ["[[Sq]uare]]", "[[Gone [x]]]"]\n---\nbody\n'})
    for source in ("Note [draft].md", "Sq]uare.md"):
        back = site.html(source).find(class_="backlinks")
        assert [a.get_text() for a in back.find_all("a")] == ["P"], source
    assert site.messages("link-unresolved") == [
        "P.md:3:23: warning[link-unresolved]: link target 'Gone [x]' does not exist in the vault "
        "(create the note or fix the name)"]


def test_heading_hint_compares_words_not_punctuation(tmp_path):
    """``[[T#c and f part 1]]`` for ``## C# & F# (part 1)``: the hint proposed another heading
    that merely shares the word "and"; compared by their words the right one is closest."""
    site = build_notes(tmp_path, {
        "T.md": "## See other and tagged bold heading\nx\n\n## C# & F# (part 1)\ny\n",
        "L.md": "[[T#c and f part 1]]\n"})
    assert site.messages("anchor-unresolved") == [
        "L.md:1:1: warning[anchor-unresolved]: heading 'c and f part 1' not found in T.md "
        "(did you mean [[T#C & F (part 1)]]?)"]


def test_apostrophes_in_urls_are_percent_encoded(tmp_path):
    """``Tom's photo.png`` and ``## Tom's plan``: a ``'`` left in a URL was written ``&#x27;`` in
    the attribute, which is valid HTML but not a path: a link checker that reads hrefs without
    decoding HTML (the shared ``checklinks.py``) reports the image missing.  ``%27`` reads the
    same to a browser and to every tool."""
    import re

    site = build_notes(tmp_path, {
        "Tom's photo.png": b"\x89PNG\r\n\x1a\n",
        "Rock 'n' roll/N.md": "## Tom's plan\nx\n",
        "L.md": "[[N#Tom's plan]] ![[Tom's photo.png]] [m](<Rock 'n' roll/N.md#Tom's plan>)\n"})
    page = site.page("L.md")
    raw = page.read_text(encoding="utf-8")
    urls = re.findall(r'\s(?:href|src)="([^"]*)"', raw)
    assert urls and not [u for u in urls if "&" in u or "'" in u]
    content = site.content("L.md")
    for el in content.find_all(["a", "img"]):
        target, fragment = site.follow(page, el.get("href") or el["src"])
        if fragment:
            assert site.soup(target).find(id=fragment) is not None


def test_block_embed_of_a_footnote_has_no_dead_back_reference(tmp_path):
    """``![[N#^fid]]`` with ``[^1]: Footnote text ^fid``: the embedded paragraph kept the footnote's
    back-reference arrow, whose ``#fnref…`` names a reference on N's page, not on the page that
    embeds it."""
    site = build_notes(tmp_path, {
        "N.md": "Text[^1].\n\n[^1]: Footnote text ^fid\n",
        "L.md": "[[N#^fid]]\n\n![[N#^fid]]\n"})
    page = site.page("L.md")
    embed = site.content("L.md").find(class_="embed-note")
    assert "Footnote text" in embed.get_text()
    for a in site.content("L.md").find_all("a", href=True):
        target, fragment = site.follow(page, a["href"])
        if fragment:
            assert site.soup(target).find(id=fragment) is not None, a["href"]


def _fragments_exist(site, source):
    page = site.page(source)
    dead = []
    for a in site.html(source).find_all("a", href=True):
        if a["href"].startswith(("http", "mailto:")):
            continue
        target, fragment = site.follow(page, a["href"])
        if fragment and site.soup(target).find(id=fragment) is None:
            dead.append(a["href"])
    return dead


def test_footnotes_of_a_dropped_definition_are_dropped_too(tmp_path):
    """A footnote definition that nothing refers to is not shown, but the inline footnotes and the
    references written inside it were still listed, with back-reference arrows to references that
    are on no page; a section embed of any part of such a note (whose parse takes all the note's
    definitions) showed them too."""
    site = build_notes(tmp_path, {
        "N.md": "Text[^a].\n\n## S\nsection text\n\n[^g]: unused ^[inl] and [^a]\n"
                "[^a]: used ^[deep]\n",
        "L.md": "![[N#S]]\n"})
    assert _fragments_exist(site, "N.md") == [] and _fragments_exist(site, "L.md") == []
    content = site.content("N.md")
    refs = [a.get_text() for a in content.select("sup.footnote-ref a")]
    items = content.select("li.footnote-item")
    assert refs == ["[1]", "[2]"] and len(items) == 2  # "a" and "deep", numbered as listed
    assert "used" in items[0].get_text() and "deep" in items[1].get_text()
    assert "inl" not in content.get_text() and "unused" not in content.get_text()
    assert site.content("L.md").select("li.footnote-item") == []


def test_link_in_html_sees_names_with_brackets(tmp_path):
    """``<div>see [[Note [draft]]]</div>``: the link is shown as written (no Markdown in an HTML
    block), which is said at its place as for any other name; a ``[`` in the name hid it."""
    site = build_notes(tmp_path, {
        "Note [draft].md": "d\n",
        "H.md": "<div>see [[Note [draft]]] and [[Sq]uare]]</div>\n"})
    assert [m.split(" is inside")[0] for m in site.messages("link-in-html")] == [
        "H.md:1:10: warning[link-in-html]: [[Note [draft]]]",
        "H.md:1:31: warning[link-in-html]: [[Sq]uare]]"]
