"""Word splitting and hashing shared with the browser (``templates/static/vaultsite.js``).

Both sides must agree exactly, so the rules are deliberately simple: lower-case, decompose (NFKD),
drop combining marks, fold the letters that no decomposition takes apart (:data:`FOLD`: ``ß`` is
``ss``, ``æ`` is ``ae``, ``ø`` is ``o``), keep runs of letters and digits; CJK characters count as
one word each.
"""

from __future__ import annotations

import re
import unicodedata

from generator.markdown._util import unicode_marks

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")

#: Lower-case letters that NFKD leaves whole but a reader types in plain Latin letters: a letter
#: with a stroke or bar is the letter (as ``ö`` is ``o`` once its mark is dropped), a ligature its
#: letters, and the Old English letters their spelling (``strasse`` finds "Straße", ``aeble``
#: "æble", ``lodz`` "Łódź", ``thorn`` "þorn").  ``FOLD`` in ``vaultsite.js`` is the same table.
FOLD = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
        "ħ": "h", "ŧ": "t", "ı": "i"}


def _drop_marks(run: re.Match[str]) -> str:
    marks, fold = unicode_marks(), FOLD
    return "".join(fold.get(c, c) for c in run.group() if c not in marks)


def normalize(text: str) -> str:
    text = text.lower()
    if text.isascii():  # nothing to decompose (the common case, and by far the fastest)
        return text
    # Marks and folded letters are never ASCII: only the (rare) non-ASCII runs are looked at
    # character by character.
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFKD", text))


def word_set(text: str) -> frozenset[str]:
    """The distinct words of ``text`` (``SearchIndex`` keeps them between builds in ``serve``)."""
    return frozenset(words(text))


# Every ASCII character but a letter or digit made a space: in an ASCII text, ``str.split`` then
# finds the words ``_WORD`` finds, in half the time (most notes are ASCII once normalised).
_ASCII_GAPS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def words(text: str) -> list[str]:
    text = normalize(text)
    if text.isascii():
        return text.translate(_ASCII_GAPS).split()
    return _WORD.findall(text)


def js_sort_key(word: str) -> bytes:
    """Sort key matching JavaScript's ``<`` on strings (UTF-16 code units)."""
    return word.encode("utf-16-be")


def url_hash(url: str) -> int:
    """FNV-1a (32 bit) over the code points of ``url``; ``vaultsite.js`` computes the same."""
    h = 0x811C9DC5
    for ch in url:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h
