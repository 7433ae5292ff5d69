"""Audit 16 (lead): findings of the session's helpers that the lead fixed; each test fails on the
code before its fix."""

from __future__ import annotations

import os

import pytest

from tests.conftest import build_notes, build_vault


def test_a_script_address_hidden_behind_a_character_reference_is_no_missing_note(tmp_path):
    """``<a href="&#14;javascript:…">``: a browser drops the reference that names no character
    and reads a script, which the sanitiser removes from the page.  The check of raw HTML
    addresses read it as a local address with the fragment ``#14;javascript:…`` and warned that a
    note named ``&`` does not exist; an address a browser reads with a scheme is not local."""
    site = build_notes(tmp_path, {
        "N.md": 'A <a href="&#14;javascript:alert(1)">x</a> B <a href="java&#x09;script:alert(2)">y'
                '</a> C <a href="&#x0A; Gone.md">z</a>\n',
    })
    unresolved = [d for d in site.diagnostics if d.code == "link-unresolved"]
    # the last address is a real local one (a browser strips the line end and the space)
    assert [d.message.split("'")[1] for d in unresolved] == ["Gone.md"]
    links = site.content("N.md").find_all("a")
    assert not any("javascript" in (a.get("href") or "").lower() for a in links)
    assert [d.code for d in site.diagnostics].count("html-sanitised") == 2


def test_a_number_in_the_tags_property_gets_a_hint_that_reads(tmp_path):
    """``tags: [5, 2025]``: neither is a tag (Obsidian's tags need a non-digit).  A year is offered
    as ``y2025``; for any other number the hint read 'write it as y5', which means nothing."""
    site = build_notes(tmp_path, {"T.md": "---\ntags: [5, 2025]\n---\n# T\n"})
    hints = {d.message.split("'")[1]: d.hint for d in site.diagnostics if d.code == "tag-invalid"}
    assert hints["2025"].startswith("write it as y2025")
    assert "y5" not in hints["5"] and hints["5"].startswith("add a letter")


def test_a_link_to_a_skipped_symbolic_link_says_what_the_file_is(tmp_path):
    """``host.png -> /outside/file`` is skipped with its own ``symlink-outside`` warning; a link
    to it said 'does not exist in the vault (create the note or fix the name)', though the file is
    right there.  It now names the link and why the site leaves it out (the cli audit saw it)."""
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"x")
    vault = tmp_path / "vault"
    vault.mkdir()
    try:
        os.symlink(outside, vault / "host.png")
        os.symlink(tmp_path / "nothing-here", vault / "Gone.md")
    except OSError:
        pytest.skip("no symbolic links here")
    (vault / "A.md").write_text("![[host.png]] and [[Gone]] and [[Missing]]\n", encoding="utf-8")
    site = build_vault(vault, tmp_path, copy=False)
    messages = {d.message.split("'")[1]: d for d in site.diagnostics
                if d.code == "link-unresolved"}
    assert "symbolic link that points outside the vault" in messages["host.png"].message
    assert "broken symbolic link" in messages["Gone"].message
    assert "create the note" not in messages["host.png"].hint
    assert "does not exist" in messages["Missing"].message  # a plain missing note as before
    assert not (site.out / "host.png").exists()


def test_a_named_pipe_in_the_vault_is_skipped_with_a_warning(tmp_path):
    """A named pipe called ``Inbox.md`` (left by a sync or capture tool) was skipped without a
    word, so the user could not tell why that note had no page; reading it would wait for ever.
    One that an ``ignore`` pattern leaves out stays silent."""
    vault = tmp_path / "vault"
    vault.mkdir()
    try:
        os.mkfifo(vault / "Inbox.md")
        os.mkfifo(vault / "quiet.md")
    except (OSError, AttributeError):
        pytest.skip("no named pipes here")
    (vault / "A.md").write_text("[[Inbox]]\n", encoding="utf-8")
    (vault / "vaultsite.toml").write_text('ignore = ["quiet.md"]\n', encoding="utf-8")
    site = build_vault(vault, tmp_path, copy=False)
    pipes = [d for d in site.diagnostics if d.code == "unreadable"]
    assert [d.span.path for d in pipes] == ["Inbox.md"]
    assert "named pipe" in pipes[0].message
    assert site.has("A.md")


def test_a_header_date_format_without_a_year_is_an_error_at_its_key(tmp_path):
    """``header_date_formats = ["%d-%m"]`` was accepted, and ``DATE: 11-04`` then dated the note
    11 April 1900 (Python's default year); it is now an error at the key's line, as a format
    strptime cannot read is.  A literal ``%%Y`` is no year."""
    from generator.config import ConfigError, load_config

    for fmt in ("%d-%m", "%d %B", "%d-%m-%%Y"):
        (tmp_path / "vaultsite.toml").write_text(f'title = "T"\nheader_date_formats = ["{fmt}"]\n',
                                                 encoding="utf-8")
        with pytest.raises(ConfigError, match=r":2.*header_date_formats.*has no year"):
            load_config(tmp_path)
    (tmp_path / "vaultsite.toml").write_text('header_date_formats = ["%d-%m-%y", "%B %Y"]\n',
                                             encoding="utf-8")
    assert load_config(tmp_path).header_date_formats == ("%d-%m-%y", "%B %Y")
