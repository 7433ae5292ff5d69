"""Words inside a raw HTML block are found by search, as Obsidian's search finds them; what the
page does not show (scripts, styles, HTML comments) is not."""

from __future__ import annotations

from conftest import build_notes
from test_site_data import call_args

NOTE = """# Field notes

<div class="card">
  <p>Zebrafish &amp; <b>okapi</b> sightings</p>
  <script>secretscript()</script><style>.stylerule { color: red }</style>
  <!-- commentword -->
</div>

After the card.
"""


def test_html_block_words_are_in_the_search_text_and_index(tmp_path):
    site = build_notes(tmp_path, {"Field.md": NOTE})
    text = call_args((site.out / "_search/text-0.js").read_bytes(), "vsSearch.text")[1][0]
    assert "Zebrafish & okapi sightings" in text
    assert text.index("Zebrafish") < text.index("After the card")  # in reading order
    for hidden in ("secretscript", "stylerule", "commentword", "<b>", "&amp;"):
        assert hidden not in text
    words = set(call_args((site.out / "_search/index-0.js").read_bytes(), "vsSearch.index")[1])
    assert {"zebrafish", "okapi", "sightings"} <= words
    assert not {"secretscript", "stylerule", "commentword"} & words
