"""mmdr draws in a child process with a time limit: a diagram it never finishes, or one it dies
on, is reported and shown as source, and the build goes on (mmdr holds the interpreter lock, so
no alarm or thread could stop it in the build's own process)."""

from __future__ import annotations

import os

import pytest

from generator.markdown import mermaid, mmdr_child
from tests.conftest import build_notes

pytestmark = pytest.mark.skipif(mermaid.mmdr is None or not mmdr_child.can_fork(),
                                reason="needs mmdr and fork")


@pytest.fixture
def fresh_drawer(monkeypatch):
    """A new drawer child forked after the test's patches (one forked earlier runs the old code),
    closed again at the end."""
    def drop():
        if mmdr_child._child is not None and mmdr_child._child_pid == os.getpid():
            mmdr_child._child.close()
        mmdr_child._child = None

    drop()
    monkeypatch.setattr(mmdr_child, "_failed", {})
    yield
    drop()


def _misbehaving(real):
    def draw_here(source: str) -> str:
        if "Hang" in source:
            while True:  # what mmdr did on a sequence diagram with an empty %% line
                pass
        if "Crash" in source:
            os.abort()  # a crash in compiled code
        return real(source)
    return draw_here


def test_a_diagram_the_renderer_never_finishes_is_stopped_and_shown_as_source(
        tmp_path, monkeypatch, fresh_drawer):
    monkeypatch.setattr(mmdr_child, "_draw_here", _misbehaving(mmdr_child._draw_here))
    monkeypatch.setattr(mmdr_child, "LIMIT_SECONDS", 2.0)
    note = ("# N\n\n```mermaid\ngraph LR\n  Before1 --> Before2\n```\n\n"
            "```mermaid\ngraph LR\n  Hang --> Forever\n```\n\n"
            "Between the diagrams\n\n"
            "```mermaid\ngraph LR\n  Hang --> Forever\n```\n\n"
            "```mermaid\ngraph LR\n  After1 --> After2\n```\n")
    site = build_notes(tmp_path, {"N.md": note, "Other.md": "# Other\n\nstill built\n"})
    page = site.content("N.md")
    figures = page.find_all("figure", class_="mermaid")
    assert [f.find("svg") is not None for f in figures] == [True, True]
    assert "Before1" in figures[0].get_text() and "After1" in figures[1].get_text()
    sources = page.select("pre.mermaid-source, .mermaid-source")
    assert len(sources) == 2 and all("Hang --> Forever" in s.get_text() for s in sources)
    assert "Between the diagrams" in page.get_text()
    assert "still built" in site.content("Other.md").get_text()
    stopped = [d for d in site.diagnostics if d.code == "mermaid-error"]
    # the same diagram again is not waited on a second time: both copies are reported
    assert [d.span.line for d in stopped] == [8, 15]
    assert all("did not finish it in 2 s" in d.message and "simplify" in d.hint for d in stopped)
    assert all(d.span.path.endswith("N.md") for d in stopped)


def test_a_diagram_the_renderer_dies_on_is_reported_and_the_next_one_is_drawn(
        tmp_path, monkeypatch, fresh_drawer):
    monkeypatch.setattr(mmdr_child, "_draw_here", _misbehaving(mmdr_child._draw_here))
    note = ("# N\n\n```mermaid\ngraph LR\n  Crash --> Boom\n```\n\n"
            "```mermaid\ngraph LR\n  Next1 --> Next2\n```\n")
    site = build_notes(tmp_path, {"N.md": note})
    page = site.content("N.md")
    figure = page.find("figure", class_="mermaid")
    assert figure is not None and "Next1" in figure.get_text()
    assert "Crash --> Boom" in page.select_one(".mermaid-source").get_text()
    [crash] = [d for d in site.diagnostics if d.code == "mermaid-error"]
    assert "stopped while drawing it" in crash.message and crash.span.line == 3


def test_the_renderers_own_error_comes_back_with_its_message(fresh_drawer):
    bad = "graph LR\n  A -->\n  -->> B ((( ChildBad\n"
    with pytest.raises(Exception) as direct:
        mmdr_child._draw_here(bad)
    with pytest.raises(ValueError) as through_child:
        mmdr_child.draw(bad)
    assert not isinstance(through_child.value, (mmdr_child.DrawTimeout, mmdr_child.DrawCrash))
    assert str(through_child.value) == str(direct.value)
    good = "graph LR\n  ChildGood1 --> ChildGood2\n"
    assert mmdr_child.draw(good) == mmdr_child._draw_here(good)


def test_where_no_child_can_be_forked_the_diagram_is_drawn_here(monkeypatch, fresh_drawer):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    good = "graph LR\n  NoFork1 --> NoFork2\n"
    assert mmdr_child.draw(good) == mmdr_child._draw_here(good)
    assert mmdr_child._child is None
