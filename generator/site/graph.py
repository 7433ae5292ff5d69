"""Graph data for the local and global graphs.

``_data/graph.js`` calls ``vsGraph.data({...})`` with::

    {"nodes": [[title, url, folder], ...],        # one per note, in the order given
     "edges": [a0, b0, a1, b1, ...],              # undirected note-note links (a < b), flat
     "tags":  [[name, url or ""], ...],
     "tagEdges": [note0, tag0, note1, tag1, ...]} # flat pairs: note index, tag index
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from generator.site import SiteNote, js_call
from generator.slugs import tag_key


def graph_data(notes: Sequence[SiteNote], tag_urls: Callable[[str], str] | None = None,
               tag_names: Callable[[str], str] | None = None) -> dict:
    """The graph (see the module's docstring); a tag node is named by ``tag_names`` (its tag
    page's spelling), else as the first note that has it writes it."""
    index = {n.url: i for i, n in enumerate(notes)}
    pairs: set[tuple[int, int]] = set()
    for i, note in enumerate(notes):
        for target in note.links:
            j = index.get(target.split("#", 1)[0])
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    edges = [x for pair in sorted(pairs) for x in pair]

    tag_index: dict[str, int] = {}
    names: list[str] = []
    tag_pairs: set[tuple[int, int]] = set()
    for i, note in enumerate(notes):
        for tag in note.tags:
            key = tag_key(tag)
            if key not in tag_index:
                tag_index[key] = len(names)
                names.append(tag_names(tag) if tag_names else tag)
            tag_pairs.add((i, tag_index[key]))
    tags = [[name, tag_urls(name) if tag_urls else ""] for name in names]
    tag_edges = [x for pair in sorted(tag_pairs) for x in pair]
    return {
        "nodes": [[n.title, n.url, n.folder] for n in notes],
        "edges": edges,
        "tags": tags,
        "tagEdges": tag_edges,
    }


def graph_files(notes: Sequence[SiteNote], tag_urls: Callable[[str], str] | None = None,
                tag_names: Callable[[str], str] | None = None) -> dict[str, bytes]:
    return {"_data/graph.js": js_call("vsGraph.data", graph_data(notes, tag_urls, tag_names))}
