"""Which fences run and with which options: no worker processes involved."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.execute import CellOptions, ExecConfig, find_cells
from generator.execute.cells import classify_fence


def fences_of(text: str) -> list:
    tokens = MarkdownIt().parse(text)
    return [(i, t) for i, t in enumerate(tokens) if t.type == "fence"]


def cells_of(text: str, meta: dict | None = None, cfg: ExecConfig | None = None):
    return find_cells(meta or {}, fences_of(text), cfg or ExecConfig(), "N.md")


def test_fence_kinds():
    assert classify_fence("{python}", False)[0]
    assert classify_fence("{python echo=false}", False) == (True, {"echo": "false"})
    assert classify_fence("run-python", False)[0]
    assert classify_fence("python {exec=true}", False)[0]
    assert classify_fence("python {exec=false}", True)[0] is False
    assert classify_fence("python", False)[0] is False
    assert classify_fence("python", True)[0] is True
    assert classify_fence("{r}", True)[0] is False
    assert classify_fence("js", True)[0] is False


def test_plain_python_needs_opt_in():
    text = "```python\nx = 1\n```\n"
    assert cells_of(text) == []
    assert len(cells_of(text, {"exec": True})) == 1
    assert len(cells_of(text, cfg=ExecConfig(run_plain_python=True))) == 1


def test_first_code_line_and_display_code():
    text = "# T\n\npara\n\n```{python}\n#| echo: false\n#| fig-cap: Hi\nprint(1)\n```\n"
    (cell,) = cells_of(text)
    assert cell.line == 6  # 1-based line of the first line inside the fence
    assert cell.fence_line == 4
    assert cell.display_code == "print(1)\n"
    assert cell.options.echo is False and cell.options.fig_cap == ("Hi",)


def test_option_layers_site_note_cell():
    cfg = ExecConfig(timeout=5, defaults={"fig-dpi": 200, "echo": False})
    meta = {"execute": {"echo": True, "fig-format": "svg"}}
    text = "```{python}\n#| fig-dpi: 72\n1\n```\n```{python}\n2\n```\n"
    first, second = cells_of(text, meta, cfg)
    assert first.options == CellOptions(timeout=5, fig_dpi=72, fig_format="svg")
    assert second.options.fig_dpi == 200 and second.options.echo is True


def test_yaml_lists_and_include():
    text = "```{python}\n#| deps:\n#|   - a.csv\n#|   - b.csv\n#| include: false\nx\n```\n"
    (cell,) = cells_of(text)
    assert cell.options.deps == ("a.csv", "b.csv")
    assert not cell.options.echo and not cell.options.output


def test_malformed_options_are_warnings_with_lines():
    text = "\n```{python}\n#| timeout: soon\n#| fig-formt: svg\n#| : :\n#| label: q\nx\n```\n"
    (cell,) = cells_of(text)
    assert cell.options.timeout == 30.0
    got = sorted((d.code, d.span.line) for d in cell.diagnostics)
    assert got == [("exec-option-invalid", 3), ("exec-option-invalid", 5),
                   ("exec-option-unknown", 4), ("exec-option-unsupported", 6)]  # Quarto's label
    unknown = next(d for d in cell.diagnostics if d.code == "exec-option-unknown")
    assert "fig-format" in unknown.hint


def test_bad_note_level_execute():
    (cell,) = cells_of("```{python}\nx\n```\n", {"execute": "fast"})
    assert [d.code for d in cell.diagnostics] == ["exec-option-invalid"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
                max_size=6),
       st.dictionaries(st.text(max_size=10), st.one_of(st.none(), st.booleans(), st.integers(),
                                                       st.text(max_size=10)), max_size=4))
def test_any_option_text_gives_cells_never_exceptions(lines, note_opts):
    body = "".join(f"#| {line}\n".replace("`", "'") for line in lines)
    cells = cells_of(f"```{{python}}\n{body}x = 1\n```\n", {"execute": note_opts})
    assert len(cells) == 1
    assert cells[0].display_code.endswith("x = 1\n")
    assert all(d.span.line >= 1 for d in cells[0].diagnostics)


def test_bad_site_default_is_reported_without_a_note_span():
    (cell,) = cells_of("```{python}\nx\n```\n", cfg=ExecConfig(defaults={"fig-dpi": -1}))
    (diag,) = cell.diagnostics
    assert diag.code == "exec-option-invalid" and diag.span is None
    assert "[execute] defaults" in diag.message and cell.options.fig_dpi == 150
