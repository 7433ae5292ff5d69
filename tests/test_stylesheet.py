"""The vault's ``publish.css`` made safe to link (``generator.site.stylesheet``): nothing in what is
published may load from another host, read back as a browser tokenizes CSS (tinycss2)."""

from __future__ import annotations

import pytest
import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.stylesheet import clean_stylesheet


def _local(url: str) -> str | None:
    """The test vault holds pics/ and Fonts/; the copy is published one folder down."""
    return "../" + url if url.startswith(("pics/", "Fonts/")) else None


def _loads(css: str) -> list[str]:
    """Everything in ``css`` that a browser would fetch or run: url tokens, url()/src()
    arguments, strings of image-set(), @import rules, expression() calls, malformed urls."""
    found: list[str] = []

    def walk(nodes, in_set=False):
        for node in nodes:
            if node.type == "url":
                found.append(node.value)
            elif node.type == "string" and in_set:
                found.append(node.value)
            elif node.type == "error" and node.kind == "bad-url":
                found.append("a malformed url()")
            elif node.type == "at-keyword" and node.lower_value == "import":
                found.append("@import")
            elif node.type == "function":
                if node.lower_name in ("url", "src"):
                    found.append(tinycss2.serialize(node.arguments).strip().strip("\"'"))
                elif node.lower_name == "expression":
                    found.append("expression()")
                walk(node.arguments, node.lower_name in ("image-set", "-webkit-image-set", "image"))
            if isinstance(getattr(node, "content", None), list):
                walk(node.content)

    walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    return found


def _safe(url: str) -> bool:
    return url.startswith(("../pics/", "../Fonts/", "data:", "#")) or url == ""


@pytest.mark.parametrize("css, kept, dropped", [
    # an @import with a block is one at-rule: the block goes with it (it was kept, unread)
    ('@import "a.css" { .x { background: url(https://e.example/t.png) } }\n.y{color:red}',
     "\n.y{color:red}", ["@import"]),
    ('@\\69mport "a.css";\nbody{color:red}', "\nbody{color:red}", ["@import"]),
    ("@media print { @import 'a.css'; .p { color: red } }", "@media print {  .p { color: red } }",
     ["@import"]),
    (".g{background:url(foo bar)}", ".g{background:none}", ["a malformed url()"]),
    (".h{background:url(https://e.example/x", ".h{background:none}", ["url(https://e.example/x)"]),
    (".i{background:\\75 rl(//cdn.example/x.png)}", ".i{background:none}",
     ["url(//cdn.example/x.png)"]),
    ('.j{src:src("https://e.example/f.woff")}', ".j{src:none}", ["url(https://e.example/f.woff)"]),
    ("@namespace svg url(http://www.w3.org/2000/svg);", "@namespace svg none;",
     ["url(http://www.w3.org/2000/svg)"]),
    ('.k{b:-webkit-image-set("https://e.example/1.png" 1x, "pics/a.png" 2x)}',
     '.k{b:-webkit-image-set(none 1x, "../pics/a.png" 2x)}', ["url(https://e.example/1.png)"]),
    (".l{fill:url(#shape); mask: url( pics/m.png )}",
     '.l{fill:url("#shape"); mask: url("../pics/m.png")}', []),
    ('/* url(https://e.example/) */ .m{content:"url(https://e.example/)"}',
     ' .m{content:"url(https://e.example/)"}', []),
])
def test_what_goes_and_what_stays(css: str, kept: str, dropped: list[str]):
    cleaned = clean_stylesheet(css, _local)
    assert cleaned.css == kept
    assert cleaned.dropped == dropped
    assert all(_safe(url) for url in _loads(cleaned.css))


def test_the_warning_names_where_the_first_dropped_thing_was():
    cleaned = clean_stylesheet("body { color: red }\n.a {\n  background: url(https://e.example/x.png);"
                               "\n}\n@import 'b.css';\n", _local)
    assert cleaned.where == (3, 15)
    assert cleaned.dropped == ["url(https://e.example/x.png)", "@import"]
    assert cleaned.files == []
    assert clean_stylesheet(".a{b:url(pics/a.png)}", _local).files == ["pics/a.png"]


_PIECES = ["url(", "URL(", "u\\72l(", "\\75 rl(", "src(", '"http://e/x"', "'//e'", "http://e/a",
           "pics/a.png", "#x", "data:image/png,1", "@import ", "@\\69mport ", "@media x{",
           "image-set(", "expression(", "/*", "*/", '"', "'", "\\", "(", ")", "{", "}", "[", "]",
           ";", " ", "\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16))
def test_nothing_published_loads_from_elsewhere(pieces: list[str]):
    """Random stylesheets made of the pieces that matter: what is published, read again as a
    browser reads it, loads nothing but the vault's files, ``data:`` and the page's own
    elements."""
    cleaned = clean_stylesheet("".join(pieces), _local).css
    assert all(_safe(url) for url in _loads(cleaned)), cleaned
