"""Ninth audit, command line and configuration: what a new user meets first (the commands, their
help, vaultsite.toml) and the diagnostics' wording."""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO, write_files


def test_a_site_built_inside_the_vault_is_not_read_back_as_attachments(tmp_path):
    """``vaultsite build`` run in a vault folder writes ``site/`` (and its cache beside it) into the
    vault.  ``check``, or a later build into another folder, must not take the site's copy of an
    image for a second image of that name (a false ``link-ambiguous``), nor count its pages."""
    from generator.config import load_config
    from generator.pipeline import build, check

    shutil.copy(next((REPO / "attachments").glob("*.png")), tmp_path / "x.png")
    vault = write_files(
        tmp_path / "v", {"a.md": "# A\n\n![[pic.png]]\n", "pic.png": (tmp_path / "x.png").read_bytes()}
    )
    cfg = load_config(vault)
    first = build(cfg, vault / "site", exec_mode="no-exec")
    assert (vault / "site" / "pic.png").is_file() and (vault / "site.vaultsite-cache").is_dir()
    assert first.diagnostics == []
    checked = check(cfg)
    assert [d.format() for d in checked.diagnostics] == []
    assert checked.stats.attachments == 1
    again = build(cfg, tmp_path / "elsewhere", exec_mode="no-exec")
    assert [d.format() for d in again.diagnostics] == []
    assert again.stats.attachments == 1


def test_check_leaves_out_a_cache_folder_named_in_the_config(tmp_path):
    """``cache_dir = "cache"`` puts the build's cache in the vault: a build skips it, and so does
    ``check`` (before, its files were counted, and read, as attachments)."""
    from generator.config import load_config
    from generator.pipeline import build, check

    vault = write_files(tmp_path / "v", {"a.md": "# A\n",
                                         "vaultsite.toml": '[execute]\ncache_dir = "cache"\n'})
    cfg = load_config(vault)
    build(cfg, tmp_path / "out", exec_mode="no-exec")
    assert any((vault / "cache").iterdir())
    assert check(cfg).stats.attachments == 0


def test_check_and_build_say_the_same_about_broken_user_templates(tmp_path):
    """A template with a syntax error is one warning with one wording in both commands, whether a
    page uses it (``note.html``) or not yet (``draft.html``, which ``check`` always reported and
    a build never did)."""
    from generator.config import load_config
    from generator.pipeline import build, check

    vault = write_files(
        tmp_path / "v",
        {
            "a.md": "# A\n",
            "_templates/note.html": (
                '{% extends "base.html" %}\n{% block main %}\n{% if x %}\n{% endblock %}\n'
            ),
            "_templates/draft.html": "<p>{{ 1 + }}</p>\n",
        },
    )
    cfg = load_config(vault)
    built = [d.format() for d in build(cfg, tmp_path / "out", exec_mode="no-exec").diagnostics]
    checked = [d.format() for d in check(cfg).diagnostics]
    assert [line.split(":", 2)[:2] for line in built] == [
        ["_templates/draft.html", "1"],
        ["_templates/note.html", "4"],
    ]
    assert all("[template-error]" in line and "default theme" in line for line in built)
    assert checked == built


@pytest.mark.parametrize(
    "text, wanted",
    [
        ('cname = "my notes"\n', r"vaultsite.toml:1:9: `cname` must be a domain name"),
        ('cname = "notes..org"\n', r"vaultsite.toml:1:9: `cname` must be a domain name"),
        (
            "[execute.defaults]\necho = false\nfig-dip = 1\n",
            r"toml:3:1: unknown key `execute.defaults.fig-dip` .did you mean `execute.defaults.fig-dpi`",
        ),
        (
            '[execute]\ndefaults = { fig-dpi = "x" }\n',
            r"vaultsite.toml:2:24: `execute.defaults.fig-dpi`: expected a positive number",
        ),
        (
            'title = "T"\nexecute.timeout = 2\nexecute.tmeout = 2\n',
            r"vaultsite.toml:3:9: unknown key `execute.tmeout`",
        ),
        ('title = "T"\nexecute = { tmeout = 2 }\n', r"vaultsite.toml:2:13: unknown key `execute.tmeout`"),
        ("[mounts]\nA = 3\n", r"vaultsite.toml:2:5: `mounts.A` must be text in quotes, not 3"),
        ('[execute]\ntimeout = "3"\n', r"vaultsite.toml:2:11: `execute.timeout` must be a number, not \"3\""),
    ],
)
def test_config_mistakes_name_the_key_and_its_line(tmp_path, text, wanted):
    """Every problem of vaultsite.toml stops with the file, the line and the key: a CNAME that is
    no domain (it was written into the site as it stood), an unknown or wrong cell option in
    ``[execute] defaults`` (before, a warning with no place at all, and only once a note had code),
    a mount's value on its own line, and a number asked for in plain words."""
    from generator.config import ConfigError, load_config

    (tmp_path / "vaultsite.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=wanted):
        load_config(tmp_path)


def test_a_non_ascii_custom_domain_is_written_as_dns_has_it(tmp_path):
    """``cname = "café.org"`` crashed the build (UnicodeEncodeError writing CNAME)."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(tmp_path / "v", {"a.md": "# A\n", "vaultsite.toml": 'cname = "https://Café.org/"\n'})
    build(load_config(vault), tmp_path / "out", exec_mode="no-exec")
    assert (tmp_path / "out" / "CNAME").read_text() == "xn--caf-dma.org\n"


def test_a_templates_folder_that_is_not_there_is_reported_at_its_key(tmp_path):
    """``templates_dir = "theme"`` misspelt or not yet made: the overrides silently did nothing."""
    from generator.config import load_config
    from generator.pipeline import build, check

    vault = write_files(
        tmp_path / "v", {"a.md": "# A\n", "vaultsite.toml": 'title = "T"\ntemplates_dir = "theme"\n'}
    )
    cfg = load_config(vault)
    built = [d.format() for d in build(cfg, tmp_path / "out", exec_mode="no-exec").diagnostics]
    assert len(built) == 1 and built[0].startswith("vaultsite.toml:2:17: warning[template-error]: ")
    assert "'theme'" in built[0] and "default theme" in built[0]
    assert [d.format() for d in check(cfg).diagnostics] == built


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_help_says_which_vault_is_read_without_one(command):
    """Installed with pip and run outside this repository, VAULT defaults to the current folder,
    not to the demo: ``check --help`` and ``serve --help`` said nothing about VAULT, and
    ``build --help`` named only the demo."""
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "current folder" in text and "notes/" in text, text


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What the command writes to standard error when that is a terminal (a pseudo-terminal)."""
    import os
    import pty
    import subprocess
    import sys

    main_fd, term_fd = pty.openpty()
    run_env = {k: v for k, v in os.environ.items() if k != "CI"} | env | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        stdout=subprocess.DEVNULL,
        stderr=term_fd,
        stdin=subprocess.DEVNULL,
        env=run_env,
    )
    os.close(term_fd)
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 65536)
        except OSError:  # the command ended and closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main_fd)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("ci, shown", [(None, True), ("true", False), ("1", False), ("false", True)])
def test_progress_shows_on_a_terminal_unless_in_ci(tmp_path, ci, shown):
    """A terminal gets a progress bar on a long build; CI (``CI`` set, as every CI service sets it)
    gets none.  ``CI=false`` (or ``0``), which some shells and tools set to say "not CI", hid it."""
    vault = write_files(tmp_path / "v", {f"n{i}.md": f"# N{i}\n\n[[n{i + 1}]]\n" for i in range(220)})
    env = {"CI": ci} if ci is not None else {}
    err = _stderr_on_a_terminal(["build", str(vault), "-o", str(tmp_path / "out"), "--no-exec"], env)
    assert ("parse" in err and "100%" in err) == shown, err


@pytest.mark.parametrize("marker", ["vaultsite.toml", ".obsidian/app.json", "Note.md"])
def test_without_a_vault_argument_a_vault_folder_is_read_not_the_demo(tmp_path, monkeypatch, marker):
    """With vaultsite run from its source (an editable install), ``vaultsite init`` then
    ``vaultsite check`` in one's own vault checked this repository's demo vault instead (33 notes),
    and ``vaultsite build`` built the demo into the vault's ``site/``.  A folder that is a vault (a
    note, ``.obsidian/`` or ``vaultsite.toml`` in it) is the default; the demo stays the default
    at the repository's root."""
    from click.testing import CliRunner

    from generator.cli import default_vault, main

    vault = write_files(tmp_path / "mine", {marker: "{}\n" if marker.endswith(".json") else "\n"})
    monkeypatch.chdir(vault)
    assert default_vault() == vault
    if marker == "Note.md":
        done = CliRunner().invoke(main, ["check"])
        assert done.output.startswith("Checked 1 note (1 published, 0 attachments)"), done.output
    monkeypatch.chdir(REPO)
    assert default_vault() == REPO / "notes"


def test_a_wrong_vault_or_output_path_says_what_to_do(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    vault = write_files(tmp_path / "v", {"a.md": "# A\n"})
    missing = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "does not exist (check the path" in missing.output
    a_file = CliRunner().invoke(main, ["build", str(vault), "-o", str(tmp_path / "file.txt")])
    assert a_file.exit_code == 1 and "is not a folder; choose a folder with -o" in a_file.output


def test_a_bad_diagnostics_limit_is_said_before_any_work(tmp_path, monkeypatch):
    """``VAULTSITE_MAX_DIAGNOSTICS=all`` ended a finished build with a ValueError traceback."""
    from click.testing import CliRunner

    from generator.cli import main

    vault = write_files(tmp_path / "v", {"a.md": "[[Nope]]\n"})
    monkeypatch.setenv("VAULTSITE_MAX_DIAGNOSTICS", "all")
    for args in (["build", str(vault), "-o", str(tmp_path / "out")], ["check", str(vault)]):
        done = CliRunner().invoke(main, args)
        assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.exception
        assert "VAULTSITE_MAX_DIAGNOSTICS must be a whole number" in done.output, done.output
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv("VAULTSITE_MAX_DIAGNOSTICS", "0")
    assert "warning[link-unresolved]" in CliRunner().invoke(main, ["check", str(vault)]).output


@pytest.mark.parametrize(
    "text, wanted",
    [
        (
            '[execute]\ntimeout = 5\ntitle = "T"\n',
            r"toml:3:1: unknown key `execute.title` .`title` is a top-level key: move it above",
        ),
        (
            '[mounts]\nAttachments = "att"\nignore = ["x/**"]\n',
            r"toml:3:10: `mounts.ignore` must be text .*`ignore` is a top-level key: move it",
        ),
        (
            '[mounts]\nAttachments = "att"\ntitle = "T"\n',
            r"toml:3:9: `mounts.title` points to .*`title` is a top-level key: move it",
        ),
    ],
)
def test_a_top_level_key_written_below_a_table_is_told_where_it_belongs(tmp_path, text, wanted):
    """In TOML every key below a ``[table]`` line belongs to that table: ``title`` written after
    ``[execute]`` was an unknown ``execute.title`` with the list of [execute]'s keys, and after
    ``[mounts]`` a mount named ``title`` that is not a folder, which left the user guessing."""
    from generator.config import ConfigError, load_config

    (tmp_path / "att").mkdir()
    (tmp_path / "vaultsite.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=wanted):
        load_config(tmp_path)


def test_serve_on_a_busy_port_is_one_line_that_says_what_to_do(tmp_path):
    """Port 8000 taken by another program (a common case) ended ``serve`` with an OSError
    traceback."""
    import os
    import socket
    import subprocess
    import sys

    vault = write_files(tmp_path / "v", {"a.md": "# A\n"})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "serve",
                str(vault),
                "-o",
                str(tmp_path / "out"),
                "-p",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "-p 0" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()  # nothing built for a server that cannot start


def test_a_vault_write_while_notes_ran_side_by_side_names_every_suspect(tmp_path):
    """Notes run in parallel: a subprocess of one note wrote into the vault, and the note running
    next to it was told, as a fact, 'the code created made.txt in the vault'.  Which of them wrote
    it cannot be told from the file, so each warning names the other notes that were running."""
    from markdown_it import MarkdownIt

    from generator.execute import ExecConfig, NoteJob, find_cells, run_notes
    from generator.parallel import can_fork

    if not can_fork():
        pytest.skip("worker processes need fork")
    vault = tmp_path / "vault"
    target = vault / "made.txt"
    notes = {
        "Writer.md": "```{python}\nimport subprocess, time\ntime.sleep(0.4)\n"
        f"subprocess.run(['sh', '-c', 'echo x > {target}'], check=True)\n```\n",
        "Sleeper.md": "```{python}\nimport time\ntime.sleep(1.5)\n```\n",
    }
    cfg = ExecConfig(cache_dir=tmp_path / "cache", workers=2)
    jobs = []
    for rel, text in notes.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")
        fences = [(i, t) for i, t in enumerate(MarkdownIt().parse(text)) if t.type == "fence"]
        jobs.append(NoteJob(rel, vault / rel, vault, tuple(find_cells({}, fences, cfg, rel))))
    results = run_notes(jobs, cfg)
    told = {
        rel: [d.message for d in r.diagnostics if d.code == "exec-wrote-vault"] for rel, r in results.items()
    }
    assert told["Writer.md"], told
    # the sleeper, running while the file appeared, is never told it wrote it
    assert all("made.txt" in m and "Writer.md" in m for m in told["Sleeper.md"]), told
    if told["Sleeper.md"]:  # (it ran alongside, as it nearly always does) so the writer hears of it
        assert all("Sleeper.md" in m for m in told["Writer.md"]), told


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_serve_refuses_a_port_that_cannot_exist(tmp_path, port):
    """``-p 70000`` ended in an OverflowError traceback from bind()."""
    from click.testing import CliRunner

    from generator.cli import main

    vault = write_files(tmp_path / "v", {"a.md": "# A\n"})
    done = CliRunner().invoke(main, ["serve", str(vault), "-o", str(tmp_path / "out"), "-p", port])
    assert done.exit_code == 2 and "0<=x<=65535" in done.output, done.output
    assert not (tmp_path / "out").exists()


def test_a_stylesheet_added_to_the_templates_static_folder_is_used(tmp_path):
    """README: ``static/`` in the templates folder "adds or replaces theme files".  A replaced
    ``style.css`` is used, but an added ``custom.css`` was copied to ``_assets/`` and linked from
    no page, so it did nothing unless ``base.html`` was overridden too."""
    from bs4 import BeautifulSoup

    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(
        tmp_path / "v",
        {
            "Sub/a.md": "# A\n",
            "_templates/static/custom.css": "h1 { color: red }\n",
            "_templates/static/x.png": b"\x89PNG",
        },
    )
    build(load_config(vault), tmp_path / "out", exec_mode="no-exec")
    page = BeautifulSoup((tmp_path / "out" / "Sub" / "a.html").read_text(encoding="utf-8"), "html.parser")
    sheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    hrefs = " ".join(sheets) + " ".join(s.get_text() for s in page.find_all("script"))
    assert "../_assets/custom.css" in hrefs and "x.png" not in hrefs, hrefs
    assert (tmp_path / "out" / "_assets" / "custom.css").is_file()


def test_a_date_warning_shows_dates_the_way_the_vault_is_configured_to_read_them(tmp_path):
    """With ``header_date_formats = ["%m/%d/%Y"]`` an unreadable front-matter date was told to be
    written "day first (11-04-25, …)", which would then be read month first; an unreadable
    ``DATE:`` line was shown strptime's codes (``%m/%d/%Y``).  Both now show examples made with
    the configured formats."""
    from generator.config import load_config
    from generator.pipeline import check

    vault = write_files(
        tmp_path / "v",
        {
            "vaultsite.toml": 'header_date_formats = ["%m/%d/%Y", "%B %d, %Y"]\n',
            "Front.md": "---\ndate: someday 12\n---\ntext\n",
            "Header.md": "DATE: 31/12/2025\n\ntext\n",
        },
    )
    hints = [d.hint for d in check(load_config(vault)).diagnostics if d.code == "date-format"]
    assert len(hints) == 2, hints
    for hint in hints:
        assert "04/11/2025" in hint and "April 11, 2025" in hint and "11 April 2025" in hint, hint
        assert "day first" not in hint and "%" not in hint, hint


@pytest.mark.parametrize("home", ["/Notes/Start", "./Notes/Start.md", "notes/start"])
def test_home_takes_a_path_from_the_vault_root_as_links_write_it(tmp_path, home):
    """``home = "/Notes/Start"`` (the root-path form links and ``ignore`` accept) was "not a note
    of the vault"."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(
        tmp_path / "v",
        {"vaultsite.toml": f'home = "{home}"\n', "Notes/Start.md": "# Start page\n\nhi\n", "B.md": "b\n"},
    )
    result = build(load_config(vault), tmp_path / "out", exec_mode="no-exec")
    assert [d.format() for d in result.diagnostics] == []
    assert "Start page" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_no_exec_and_rerun_together_are_refused(tmp_path):
    """``--no-exec --rerun`` silently ran nothing."""
    from click.testing import CliRunner

    from generator.cli import main

    vault = write_files(tmp_path / "v", {"a.md": "# A\n"})
    done = CliRunner().invoke(
        main, ["build", str(vault), "-o", str(tmp_path / "out"), "--no-exec", "--rerun"]
    )
    assert done.exit_code == 2 and "--no-exec runs no code and --rerun runs all of it" in done.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("folder", ["attachments", ".", ".."])
def test_a_mount_of_a_folder_the_vault_already_publishes_is_skipped_with_a_warning(tmp_path, folder):
    """``mounts = { Att = "attachments" }`` with ``attachments/`` in the vault (or ``"."``, or a
    folder holding the vault) published every file twice, under two paths: each embed of one of
    them became ``link-ambiguous`` and nothing said why."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(
        tmp_path / "v",
        {
            "vaultsite.toml": f'title = "T"\nmounts = {{ Att = "{folder}" }}\n',
            "a.md": "# A\n\n![[x.png]]\n",
            "attachments/x.png": b"\x89PNG",
        },
    )
    result = build(load_config(vault), tmp_path / "out", exec_mode="no-exec")
    lines = [d.format() for d in result.diagnostics]
    assert len(lines) == 1 and lines[0].startswith("vaultsite.toml:2:18: warning[duplicate-path]: "), lines
    assert "mounts.Att" in lines[0] and "skipped" in lines[0]
    assert result.stats.notes == 1 and result.stats.attachments == 1


def test_a_mount_of_a_hidden_or_ignored_folder_of_the_vault_still_publishes_it(tmp_path):
    """A folder the vault walk leaves out (a dot-folder, an ignored one) may be mounted to publish
    it under another name."""
    from generator.config import load_config
    from generator.pipeline import build

    vault = write_files(
        tmp_path / "v",
        {
            "vaultsite.toml": 'ignore = ["_att/**"]\nmounts = { Att = ".assets", Media = "_att" }\n',
            "a.md": "# A\n\n![[x.png]] ![[y.png]]\n",
            ".assets/x.png": b"\x89PNG",
            "_att/y.png": b"\x89PNG",
        },
    )
    result = build(load_config(vault), tmp_path / "out", exec_mode="no-exec")
    assert [d.format() for d in result.diagnostics] == []
    assert result.stats.attachments == 2


def test_a_table_of_top_level_keys_is_told_to_drop_its_header(tmp_path):
    """``[site]`` / ``title = "x"`` (the shape of other generators' configs) was "unknown key
    `site` (did you mean `title`?)"."""
    from generator.config import ConfigError, load_config

    (tmp_path / "vaultsite.toml").write_text(
        '# mine\n[site]\ntitle = "T"\nlanguage = "fr"\n', encoding="utf-8"
    )
    with pytest.raises(
        ConfigError, match=r"vaultsite.toml:2:2: unknown key `site` \(vaultsite.toml has no \[site\] table"
    ):
        load_config(tmp_path)


def test_an_installed_vaultsite_outside_a_vault_asks_for_one(tmp_path, monkeypatch):
    """Installed (no demo beside the package) and run without VAULT in a folder that is no vault
    (a home folder, /tmp), vaultsite read the whole tree below it: over 10 minutes in /tmp.  It
    now stops at once with a usage error that says how to name the vault; ``.`` still reads the
    folder when that is what is meant."""
    from click.testing import CliRunner

    import generator.cli as cli

    home = tmp_path / "home"
    write_files(home / "Documents" / "notes", {"Deep.md": "deep\n"})
    monkeypatch.setattr(cli, "repo_root", lambda: None)
    monkeypatch.chdir(home)
    for command in ("check", "build"):
        done = CliRunner().invoke(cli.main, [command])
        assert done.exit_code == 2, done.output
        assert "the current folder is not a vault" in done.output
        assert f"vaultsite {command} PATH/TO/VAULT" in done.output
    assert not (home / "site").exists()
    done = CliRunner().invoke(cli.main, ["check", "."])
    assert done.exit_code == 0 and done.output.startswith("Checked 1 note"), done.output
