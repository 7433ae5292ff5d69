"""Session 19, cli: a new user's first hour (README followed literally, every option and config
key): what the command line and vaultsite.toml's messages say, and where."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO, write_files

from generator.config import ConfigError, load_config


def _config_error(tmp_path: Path, toml: str) -> str:
    vault = write_files(tmp_path / "v", {"A.md": "# A\n", "vaultsite.toml": toml})
    with pytest.raises(ConfigError) as err:
        load_config(vault)
    return str(err.value)


def _on_a_terminal(args: list[str]) -> str:
    """What the command writes to a terminal (a pseudo-terminal: stdout and stderr both)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=REPO, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal's other end closed (Linux: EIO)
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert proc.wait(timeout=300) == 0
    reader.join(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_quiet_prints_no_progress_bar_on_a_terminal(tmp_path: Path):
    """``-q`` says "Print only the summary line", but on a terminal the progress bar of each stage
    was still drawn (parse, index, render) above it.  Now ``-q`` draws none; without it the bar
    shows as before (the same vault, the same terminal)."""
    vault = write_files(tmp_path / "v", {f"N{i:03}.md": f"# N{i}\n\nsee [[N{(i + 1) % 210:03}]]\n"
                                        for i in range(210)})
    loud = _on_a_terminal(["build", str(vault), "-o", str(tmp_path / "loud"), "--no-exec"])
    assert "parse" in loud and "100%" in loud  # the bar is drawn on a terminal
    quiet = _on_a_terminal(["build", str(vault), "-o", str(tmp_path / "quiet"), "--no-exec", "-q"])
    assert "%" not in quiet and "parse" not in quiet, quiet
    assert quiet.strip().startswith("Built 210 of 210 notes into ")
    assert len(quiet.strip().splitlines()) == 1


@pytest.mark.parametrize("toml, line, key", [
    ('title = "x"\nfoo.bar = 1\n', "2:1", "foo"),
    ('title = "x"\n\n  "foo" . bar = 1\n', "3:3", "foo"),
    ('title = "x"\n[[foo]]\nx = 1\n', "2:3", "foo"),
])
def test_an_unknown_key_written_dotted_is_named_at_its_line(tmp_path: Path, toml: str, line: str,
                                                            key: str):
    """An unknown key written as a dotted key (``foo.bar = 1``) or an array of tables
    (``[[foo]]``) was named without a line (``vaultsite.toml: unknown key `foo```)."""
    message = _config_error(tmp_path, toml)
    assert message.startswith(f"vaultsite.toml:{line}: unknown key `{key}`"), message


@pytest.mark.parametrize("toml, shown", [
    ("recent_notes = true\n", "must be a whole number, not true"),
    ("[execute]\ntimeout = false\n", "must be a number, not false"),
    ("graph_tags = [\"yes\", 'no']\n", 'not ["yes", "no"]'),
    ("title = 2025-04-11\n", "not 2025-04-11"),
    ("[[execute]]\nenabled = false\n", "not [{ enabled = false }]"),
    ("[mounts.Pics]\nfolder = 'x'\n", "not { folder = \"x\" }"),
])
def test_a_wrong_value_is_quoted_as_toml_writes_it(tmp_path: Path, toml: str, shown: str):
    """A value of the wrong type was quoted as Python shows it (``True``, ``['yes', 'no']``,
    ``datetime.date(2025, 4, 11)``, ``[{'enabled': False}]``): not what the user wrote nor can
    find in the file.  It is quoted in TOML's spelling."""
    message = _config_error(tmp_path, toml)
    assert message.endswith(shown), message
    assert "True" not in message and "False" not in message and "datetime" not in message


def test_a_key_set_twice_is_named_even_on_the_last_line(tmp_path: Path):
    """tomllib says only "Cannot overwrite a value", and on a last line without a line end (as
    some editors save) "at end of document": the message had no line at all.  It names the key
    and its line."""
    message = _config_error(tmp_path, 'title = "a"\nlanguage = "en"\n  title = "b"')
    assert message.startswith("vaultsite.toml:3:3: not valid TOML: `title` is set twice"), message
    message = _config_error(tmp_path, '[execute]\ntimeout = 5\n"timeout" = 6\n')
    assert message.startswith("vaultsite.toml:3:1: not valid TOML: `timeout` is set twice"), message


def test_a_table_declared_twice_is_named(tmp_path: Path):
    message = _config_error(tmp_path, "[execute]\ntimeout = 5\n\n[execute]\nworkers = 1\n")
    assert message.startswith("vaultsite.toml:4:"), message
    assert "the table [execute] is declared twice" in message
    assert "('execute',)" not in message


def test_a_toml_error_at_the_end_of_the_file_has_a_line(tmp_path: Path):
    message = _config_error(tmp_path, 'title = "My notes"\ndescription = "unfinished')
    assert message.startswith("vaultsite.toml:2:26: not valid TOML: unterminated string"), message


def test_an_execute_key_written_at_the_top_says_where_it_belongs(tmp_path: Path):
    """``timeout = 60`` above any ``[execute]`` line was told "did you mean `mounts`?"."""
    message = _config_error(tmp_path, 'title = "x"\ntimeout = 60\n')
    assert message.startswith("vaultsite.toml:2:1: unknown key `timeout`"), message
    assert "mounts" not in message
    assert "below an [execute] line" in message


def test_ctrl_c_leaves_the_terminal_as_it_was(tmp_path: Path):
    """Ctrl+C during a build on a terminal left the cursor hidden (the progress bar hides it while
    it is drawn, and was never ended), and each build worker waiting for work printed its own
    traceback of ``KeyboardInterrupt`` above click's "Aborted!".  Now the bar ends where it was,
    the cursor is shown again, the workers end without a word, and no staging folder is left."""
    import signal
    import time

    vault = write_files(tmp_path / "v", {f"N{i:03}.md": f"# N{i}\n\nsee [[N{(i + 1) % 400:03}]]\n" * 20
                                        for i in range(400)})
    out = tmp_path / "site"
    pid, fd = pty.fork()  # the child's controlling terminal: Ctrl+C interrupts its whole group
    if pid == 0:  # pragma: no cover - the child execs at once
        try:
            os.chdir(REPO)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            env = {k: v for k, v in os.environ.items() if k != "CI"}
            os.execve(sys.executable, [sys.executable, "-m", "generator", "build", str(vault), "-o",
                                       str(out), "--no-exec"], env)
        finally:
            os._exit(127)
    chunks: list[bytes] = []
    sent = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child ended and its terminal closed
            break
        if not data:
            break
        chunks.append(data)
        if not sent and re.search(rb"parse +\[#", b"".join(chunks)):  # a bar is drawn: Ctrl+C
            os.write(fd, b"\x03")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert sent, text
    assert os.waitstatus_to_exitcode(status) == 1, text  # click's "Aborted!", not a finished build
    assert "Aborted!" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    hide, show = "\x1b[?25l", "\x1b[?25h"
    assert hide in text and text.rfind(show) > text.rfind(hide), repr(text[-300:])
    time.sleep(0.5)
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []
    assert not out.exists()


_ARMED: list[bool] = []


def _press_ctrl_c_after_a_fork() -> None:
    if _ARMED:
        _ARMED.clear()
        # to this thread, at once (``os.kill`` of this process may reach another thread, later)
        __import__("signal").raise_signal(__import__("signal").SIGINT)
        sum(range(1000))  # Python code runs here: the interrupt is raised in this at-fork hook


def test_ctrl_c_pressed_while_a_worker_is_forked_stops_the_build():
    """A Ctrl+C pressed while a build worker was being forked was raised inside one of Python's
    at-fork hooks, which only prints it ("Exception ignored in: <function _releaseLock>"): the
    build went on to the end.  It is now raised once the fork is done."""
    import signal

    from generator.parallel import forked

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if not getattr(_press_ctrl_c_after_a_fork, "registered", False):
            os.register_at_fork(after_in_parent=_press_ctrl_c_after_a_fork)
            _press_ctrl_c_after_a_fork.registered = True
        _ARMED.append(True)
        with pytest.raises(KeyboardInterrupt):
            forked(os._exit, 0)
    finally:
        _ARMED.clear()
        signal.signal(signal.SIGINT, before)
