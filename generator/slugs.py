"""Heading anchors and name keys, as Obsidian matches them.

Obsidian compares link targets and heading references loosely: case does not matter, ``.md`` may be
omitted, and in headings the characters that cannot appear in a link (``# | ^ : % [ ]`` and the like)
count as spaces.  ``heading_key`` is that comparison key; ``anchor_id`` is the id written into the HTML.
"""

from __future__ import annotations

import re
import unicodedata

# Characters Obsidian drops from a heading when it builds a link to it.
_LINK_UNSAFE = re.compile(r"[#|^:%\[\]\\*\"<>?/]")
_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """Key for note and attachment names and paths: NFC, lower case, forward slashes.  Lower case
    as JavaScript's ``toLowerCase`` writes it, which is how Obsidian compares names: ``[[Strasse]]``
    is not ``Straße.md`` (``casefold`` would make them one)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).strip()
    return name.lower()


#: Characters that show as a plain space or as nothing, so that two names differing only in them
#: read the same on screen: macOS names a screenshot "... 10.00.00<U+202F>AM.png", Option-Space
#: types U+00A0, and text pasted from the web brings U+200B or a soft hyphen.
_UNSEEN = {c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
           "\u200a\u202f\u205f"} | {c: "" for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
_SEEN_AS = str.maketrans(_UNSEEN)


def unseen_difference(link: str, name: str, whose: str = "the file's name") -> str | None:
    """When ``name`` reads the same as ``link`` on screen but is not the same name, what tells
    them apart (``"the file's name has U+202F (narrow no-break space)"``; ``whose`` names what
    ``name`` is); else None."""
    if name_key(link) == name_key(name):
        return None
    if name_key(link.translate(_SEEN_AS)) != name_key(name.translate(_SEEN_AS)):
        return None
    parts = []
    for owner, text, other in ((whose, name, link), ("the link", link, name)):
        odd = [c for c in dict.fromkeys(text) if c in _UNSEEN and c not in other]
        if odd:
            names = ", ".join(f"U+{ord(c):04X} ({unicodedata.name(c, '?').lower()})" for c in odd)
            parts.append(f"{owner} has {names}")
    return " and ".join(parts) or None


def tag_key(tag: str) -> str:
    """Key that the spellings of one tag share: ``#Python`` is ``#python``.  Lower case as
    JavaScript's ``toLowerCase`` writes it, as Obsidian compares tags (``#Straße`` and ``#strasse``
    are two tags; ``casefold`` would make them one)."""
    return tag.lower()


def link_safe(text: str) -> str:
    """A heading's text as a link to it writes it: without the characters that cannot be in a
    link, which Obsidian leaves out (they count as spaces when headings are compared)."""
    return _SPACES.sub(" ", _LINK_UNSAFE.sub(" ", text)).strip()


def heading_key(text: str) -> str:
    """Key that a heading and a ``[[Note#Heading]]`` reference to it share."""
    return link_safe(unicodedata.normalize("NFC", text)).lower()  # as Obsidian lowers (no ß = ss)


def anchor_id(text: str) -> str:
    """The HTML id of a heading: its text, with link-unsafe characters dropped and spaces as dashes.

    Case, punctuation such as ``'(),.!`` and non-ASCII letters are kept, so the fragment reads like the
    heading (``#Café-au-lait``) the way Obsidian Publish shows it.
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINK_UNSAFE.sub(" ", text)
    text = _SPACES.sub("-", text.strip())
    return text or "section"


class Anchors(set):
    """The anchors a note has given (case-folded), and per base the first suffix not yet tried:
    the thousandth ``# H`` of a note no longer tries ``H``, ``H-1``… ``H-998`` again."""

    def __init__(self) -> None:
        super().__init__()
        self.next: dict[str, int] = {}


#: The ids a page gives its footnotes and the references to them (``fn1``, ``fnref1``): a heading
#: written ``## fn1`` takes ``fn1-1``, so that ``[1]`` still leads to its footnote.
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?[0-9]+", re.IGNORECASE)


def unique_anchor(base: str, used: set[str]) -> str:
    """``base``, or ``base-1``, ``base-2``… for a repeated heading (or one whose text is a
    footnote's id); records the choice in ``used``.

    With ``Anchors`` the search starts where the last one for the same base stopped: those before
    were taken then and still are (anchors are only ever added), so the choice is the same."""
    counters = used.next if isinstance(used, Anchors) else None
    key = base.casefold()
    n = counters.get(key, 0) if counters is not None else 0
    if not n and _FOOTNOTE_ID.fullmatch(base):
        n = 1
    candidate = f"{base}-{n}" if n else base
    while candidate.casefold() in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate.casefold())
    if counters is not None:
        counters[key] = n + 1
    return candidate


def block_anchor(block_id: str) -> str:
    """The HTML id of a block carrying ``^id``."""
    return f"^{block_id}"
