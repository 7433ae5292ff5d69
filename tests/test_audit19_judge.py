"""Session 19 judge audit: findings of a vault synced between a Mac, Windows and a phone, written
in several languages (NFD names, full-width stand-ins, CRLF/BOM/Latin-1/UTF-16 notes, RTL and CJK
names and headings, macOS screenshots, conflict copies)."""

from __future__ import annotations

from conftest import build_notes

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def test_a_name_that_differs_from_the_link_only_in_an_invisible_character_is_said_so(tmp_path):
    # macOS names a screenshot "... at 10.00.00<U+202F>AM.png" and Option-Space types U+00A0, so a
    # link typed with plain spaces misses the file; the hint named the file in a spelling that
    # reads exactly as the link ("did you mean [[Non breaking]]?" for [[Non breaking]]), which
    # tells the writer nothing.  It now names the character that differs.
    site = build_notes(tmp_path, {
        "Attachments/Screenshot 2025-04-11 at 10.00.00\u202fAM.png": PNG,
        "Non\u00a0breaking.md": "nbsp\n",
        "Zerowidth.md": "plain\n",
        "Paper.md": "---\naliases: [Smith\u00a0et al]\n---\nalias\n",
        "Home.md": ("![[Screenshot 2025-04-11 at 10.00.00 AM.png]]\n\n[[Non breaking]] and "
                    "[[Zero\u200bwidth]] and [[Nonbreaking stuff]] and [[Smith et al]]\n"),
    })
    hints = {m.split("'")[1]: m for m in site.messages("link-unresolved")}
    shot = hints["Screenshot 2025-04-11 at 10.00.00 AM.png"]
    assert "U+202F (narrow no-break space)" in shot and "the file's name has" in shot, shot
    nbsp = hints["Non breaking"]
    assert "U+00A0 (no-break space)" in nbsp and "the file's name has" in nbsp, nbsp
    zw = hints["Zero\\u200bwidth"]  # the message writes the invisible character out
    assert "the link has U+200B (zero width space)" in zw, zw
    alias = hints["Smith et al"]  # the closest is an alias: said so, not "the file's name"
    assert "the alias has U+00A0 (no-break space): copy alias into" not in alias
    assert "the alias has U+00A0 (no-break space)" in alias and "file" not in alias, alias
    # a name that truly differs keeps the plain hint
    assert "U+" not in hints["Nonbreaking stuff"]


def test_a_file_icloud_keeps_only_in_the_cloud_is_said_so(tmp_path):
    # A vault in iCloud Drive on a Mac that optimizes storage holds, for each evicted file, a
    # placeholder ".Name.md.icloud" (macOS before Sonoma) and not the file: the site lacked the
    # note without a word, and a link to it said "create the note".
    bplist = b"bplist00\xd1\x01\x02TNAME_Groceries.md"
    site = build_notes(tmp_path, {
        "Lists/.Groceries.md.icloud": bplist,
        "Lists/.photo.png.icloud": bplist,
        "Lists/.Both.md.icloud": bplist,  # downloading: the file is there as well
        "Lists/Both.md": "both\n",
        ".icloud": b"",  # no name before the suffix: an ordinary dot-file
        "Home.md": "[[Groceries]] and ![[photo.png]] and [[Both]] and [[Missing]]\n",
    })
    unread = site.messages("unreadable")
    assert len(unread) == 2, unread
    assert any(m.startswith("Lists/Groceries.md: warning[unreadable]: 'Lists/Groceries.md' is kept "
                            "only in iCloud") and ".Groceries.md.icloud" in m and "Download Now" in m
               for m in unread), unread
    links = {m.split("'")[1]: m for m in site.messages("link-unresolved")}
    assert set(links) == {"Groceries", "photo.png", "Missing"}, links
    assert "is Lists/Groceries.md, which iCloud keeps only in the cloud" in links["Groceries"]
    assert "Download Now" in links["Groceries"] and "create the note" not in links["Groceries"]
    assert "is Lists/photo.png, which iCloud keeps only" in links["photo.png"]
    assert "iCloud" not in links["Missing"]
    assert site.has("Lists/Both.md")


def test_front_matter_typed_with_an_input_method_names_the_character(tmp_path):
    # A Japanese or Chinese input method types the full-width colon "：" and the ideographic space
    # U+3000; each breaks the YAML while looking right.  The warning stood at the end line (or at
    # line 1 for "not a mapping") and said only "could not find expected ':'".
    site = build_notes(tmp_path, {
        "A.md": "---\ntitle: 東京\ntags：旅行\n---\n本文\n",
        "B.md": "---\ntags:\n\u3000- 旅行\n---\n本文\n",
        "C.md": "---\nタイトル：東京\n---\n本文\n",
        "D.md": "---\ntitle: \"a：b\"\ntags: [x]\n---\nfine\n",  # quoted: no warning
        "E.md": "---\ntitle: x\nbroken: [a\n---\nother error\n",  # keeps the usual message
        # a "：" in a list item or a continued value is text: the error is elsewhere
        "F.md": "---\ntags:\n  - 東京：大阪\nnote: 東京\n  続き：です\nbroken: [a\n---\nx\n",
    })
    by_note = {m.split(":", 1)[0]: m for m in site.messages("frontmatter-yaml")}
    assert set(by_note) == {"A.md", "B.md", "C.md", "E.md", "F.md"}, by_note
    assert by_note["A.md"].startswith("A.md:3:5: warning[frontmatter-yaml]:"), by_note["A.md"]
    assert "full-width colon '：' (U+FF1A)" in by_note["A.md"] and "write 'tags: '" in by_note["A.md"]
    assert by_note["B.md"].startswith("B.md:3:1:") and "U+3000 (ideographic space)" in by_note["B.md"]
    assert "indent it with plain spaces" in by_note["B.md"]
    assert by_note["C.md"].startswith("C.md:2:5:") and "write 'タイトル: '" in by_note["C.md"]
    assert "U+" not in by_note["E.md"] and "U+" not in by_note["F.md"], by_note["F.md"]
    assert site.html("D.md").find("title").get_text().startswith("a：b")
