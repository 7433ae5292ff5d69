import re
from pathlib import Path

import pytest

from generator.config import ConfigError, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_config_file(tmp_path):
    cfg = load_config(tmp_path)
    assert cfg.title == "My notes"
    assert cfg.mounts == ()
    assert cfg.execute.timeout == 30.0


def test_every_documented_key_is_read(tmp_path):
    (tmp_path / "att").mkdir()
    write(tmp_path / "v" / "vaultsite.toml", """
title = "T"
description = "D"
language = "fr"
site_url = "https://example.org/notes/"
cname = "notes.example.org"
mounts = { Attachments = "../att" }
ignore = ["Private/**"]
templates_dir = "_tpl"
header_date_formats = ["%Y.%m.%d"]
date_display = "%d %b %Y"
home = "Start"
recent_notes = 3
graph_depth = 2
graph_tags = true
feed_entries = 5
[execute]
enabled = false
run_plain_python = true
timeout = 5
workers = 1
cache_dir = "../cache"
defaults = { fig-dpi = 100 }
""")
    cfg = load_config(tmp_path / "v")
    assert cfg.title == "T" and cfg.language == "fr"
    assert cfg.site_url == "https://example.org/notes"
    assert cfg.mounts == (("Attachments", (tmp_path / "att").resolve()),)
    assert cfg.ignore == ("Private/**",)
    assert cfg.recent_notes == 3 and cfg.graph_depth == 2 and cfg.graph_tags is True
    assert cfg.execute.enabled is False and cfg.execute.timeout == 5.0
    assert cfg.execute.defaults == {"fig-dpi": 100}


@pytest.mark.parametrize("text, key", [
    ('titel = "x"\n', "titel"),
    ('[execute]\ntimeot = 3\n', "execute.timeot"),
])
def test_unknown_keys_are_errors_that_name_the_key(tmp_path, text, key):
    write(tmp_path / "vaultsite.toml", text)
    with pytest.raises(ConfigError, match=f"unknown key `{key}`"):
        load_config(tmp_path)


def test_wrong_types_name_the_key(tmp_path):
    write(tmp_path / "vaultsite.toml", 'recent_notes = "ten"\n')
    with pytest.raises(ConfigError, match="recent_notes"):
        load_config(tmp_path)


def test_mount_must_exist(tmp_path):
    write(tmp_path / "vaultsite.toml", 'mounts = { A = "../nope" }\n')
    with pytest.raises(ConfigError, match="mounts.A"):
        load_config(tmp_path)


def test_strict_line_breaks_follows_the_vault_obsidian_setting(tmp_path) -> None:
    """Unset in vaultsite.toml, the setting is Obsidian's own (off unless turned on in the vault)."""
    import json

    assert load_config(tmp_path).strict_line_breaks is False
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "app.json").write_text(json.dumps({"strictLineBreaks": True}))
    assert load_config(tmp_path).strict_line_breaks is True
    (tmp_path / "vaultsite.toml").write_text("strict_line_breaks = false\n")
    assert load_config(tmp_path).strict_line_breaks is False
    (tmp_path / "vaultsite.toml").write_text('strict_line_breaks = "yes"\n')
    with pytest.raises(ConfigError, match="strict_line_breaks"):
        load_config(tmp_path)
    (tmp_path / "vaultsite.toml").unlink()
    (tmp_path / ".obsidian" / "app.json").write_text("{not json")
    assert load_config(tmp_path).strict_line_breaks is False


@pytest.mark.parametrize("text, message", [
    ('title = "x"\ntitel = "y"\n', "vaultsite.toml:2:1: unknown key `titel` (did you mean `title`?)"),
    ('title = "x"\n\n[execute]\ntimeot = 3\n',
     "vaultsite.toml:4:1: unknown key `execute.timeot` (did you mean `execute.timeout`?)"),
    ('recent_notes = "5"\n', 'vaultsite.toml:1:16: `recent_notes` must be a whole number, not "5"'),
    ('title = "x"\nrecent_notes = -5\n', "vaultsite.toml:2:16: `recent_notes` must be at least 0, not -5"),
    ('title = "x"\n\n\ngraph_depth = -1\n', "vaultsite.toml:4:15: `graph_depth` must be at least 0"),
    ("[execute]\ntimeout = -1\n", "vaultsite.toml:2:11: `execute.timeout` must be more than 0, not -1"),
    ("[execute]\nworkers = -3\n", "vaultsite.toml:2:11: `execute.workers` must be at least 0, not -3"),
    ('site_url = "not a url"\n', "vaultsite.toml:1:12: `site_url` must be the site's address"),
    # <html lang> took any text: a screen reader spoke the page in the wrong voice, unwarned
    ('title = "x"\nlanguage = "en_US"\n',
     "vaultsite.toml:2:12: `language` must be a language tag, such as \"en\", \"de\" or \"pt-BR\" "
     "(letters and digits, parts joined by '-'), not \"en_US\": write 'en-US'"),
    ('language = "English"\n', "vaultsite.toml:1:12: `language` must be a language tag"),
])
def test_config_errors_name_the_line_and_what_to_write(tmp_path, text, message):
    write(tmp_path / "vaultsite.toml", text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("toml, message", [
    ('date_display = "%H:%M %Y"', "vaultsite.toml:1:16: `date_display`: %H is not one of the directives"),
    ('title = "x"\ndate_display = "%d %Q"', "vaultsite.toml:2:16: `date_display`: %Q is not"),
    ('header_date_formats = ["%d-%m-%y", "%Q"]', "`header_date_formats`: '%Q' is no date format"),
])
def test_date_formats_with_directives_that_write_nothing_are_refused(tmp_path, toml, message):
    """``%H`` in date_display was printed as written on every page; ``%Q`` in header_date_formats
    made every header date unreadable: both are said at the key's line."""
    write(tmp_path / "vaultsite.toml", toml + "\n")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tmp_path)


def test_the_date_directives_the_config_allows_are_those_pages_write(tmp_path):
    import datetime as dt

    from generator.config import DATE_DIRECTIVES
    from generator.templating import _directives

    assert set(_directives(dt.date(2025, 4, 11))) == set(DATE_DIRECTIVES)
    write(tmp_path / "vaultsite.toml", 'date_display = "' + " ".join(DATE_DIRECTIVES) + '"\n')
    assert load_config(tmp_path).date_display.startswith("%Y")


def test_an_ignore_pattern_that_leaves_nothing_out_is_reported_at_its_line(tmp_path):
    """``ignore = ["private/**"]`` for a folder ``Private/``: patterns are case-sensitive, so it
    matched nothing and the private notes were published without a word.  A pattern that leaves
    nothing out is a warning at its line; one that does (even after another pattern took the same
    files) and one for a dot-folder (never published anyway) are not."""
    from conftest import build_notes

    toml = ('title = "T"\nignore = [\n  "Private/**",\n  "private/**",\n  "Private/a.md",\n'
            '  ".obsidian/**",\n]\n')
    site = build_notes(tmp_path, {"vaultsite.toml": toml, "Private/a.md": "secret\n",
                                  "p.md": "pub\n"})
    assert site.messages("config-ignore") == [
        "vaultsite.toml:4:3: warning[config-ignore]: the ignore pattern 'private/**' matches no file "
        "of the vault, so it leaves nothing out (check its spelling and letter case (patterns are "
        "case-sensitive; a folder's notes are 'Folder/**'), or remove it)"]
    assert not site.has("Private/a.md")


def test_obsidian_settings_nested_too_deep_are_unreadable_not_fatal(tmp_path) -> None:
    """json.loads raises RecursionError (not ValueError) on a settings file nested thousands deep;
    each of Obsidian's settings files read is then as unreadable as broken JSON."""
    deep = "[" * 100_000 + "]" * 100_000
    for parts in (("app.json",), ("templates.json",), ("daily-notes.json",),
                  ("plugins", "templater-obsidian", "data.json"), ("plugins", "dataview", "data.json")):
        path = tmp_path.joinpath(".obsidian", *parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(deep)
    cfg = load_config(tmp_path)
    assert (cfg.strict_line_breaks, cfg.obsidian_templates, cfg.dataview) == (False, (), ())


def test_an_empty_header_date_formats_reads_only_iso_dates_and_says_so(tmp_path):
    """``header_date_formats = []`` made the date-format warning's hint "write it as YYYY-MM-DD,
    or as  (11 April 2025, …)": an example of no format.  It now says that only YYYY-MM-DD is read
    while the list is empty, and how to add a format."""
    from conftest import build_notes

    site = build_notes(tmp_path, {
        "vaultsite.toml": "header_date_formats = []\n",
        "A.md": "DATE: 11-04-25\n\nbody\n",
        "B.md": "---\ndate: 2025-04-11\n---\nbody\n",
    })
    [diag] = [d for d in site.diagnostics if d.code == "date-format"]
    assert diag.format().startswith("A.md:1:7: warning[date-format]: cannot read the date '11-04-25'")
    assert diag.hint == ("write it as YYYY-MM-DD, the only form read while header_date_formats in "
                         'vaultsite.toml is empty, or add its format there, such as "%d-%m-%y"')
    assert site.html("B.md").find("time")["datetime"] == "2025-04-11"
