"""Which encoding a note that is not UTF-8 was written in.

Obsidian reads every note as UTF-8.  A note that is not (a file from Notepad's "ANSI", an old
Mac or Windows editor, a pasted line from one) is still read as its writer meant it where its
bytes say so clearly:

- UTF-16 or UTF-32 without a byte-order mark, by where its NUL bytes fall;
- UTF-8 with a few bytes that are not (a ``caf\\xe9`` or a ``\\x96`` dash pasted from a Windows
  program): those bytes alone are read as Windows-1252, the rest stays UTF-8;
- a whole file in a legacy code page: each candidate below that decodes the bytes is scored by
  how unlike text its result is (symbols inside words, words mixing alphabets, accented letters
  no one language has together, Cyrillic without vowels, Japanese without kana, ...), and the
  lowest score wins, ties going to the one listed first, Windows-1252 (the UTF-8 reading above).
  A line or two can be a tie: Turkish ı alone is Czech ý in Windows-1252, Polish ę alone is ê.

charset-normalizer was tried for the last step and left: on short notes it took French for
Windows-1250 (``crčme``), KOI8-R for Shift-JIS half-width kana and Hebrew for a DOS Cyrillic page.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# (Python codec, name shown to the user), in the order that breaks ties
_CANDIDATES = (
    ("utf-8", "UTF-8"),
    ("cp1250", "Windows-1250 (Central European)"),
    ("cp1251", "Windows-1251 (Cyrillic)"),
    ("koi8_r", "KOI8-R (Cyrillic)"),
    ("cp1255", "Windows-1255 (Hebrew)"),
    ("cp1253", "Windows-1253 (Greek)"),
    ("cp1254", "Windows-1254 (Turkish)"),
    ("cp1256", "Windows-1256 (Arabic)"),
    ("cp932", "Shift-JIS (Japanese)"),
    ("euc_jp", "EUC-JP (Japanese)"),
    ("cp949", "EUC-KR (Korean)"),
    ("gb18030", "GB18030 (Chinese)"),
    ("cp950", "Big5 (Chinese)"),
)
_HAN_BY_HANGUL = re.compile("[\u4e00-\u9fff](?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])[\u4e00-\u9fff]")
_CJK_CODECS = frozenset(("cp932", "euc_jp", "cp949", "gb18030", "cp950"))
_SAMPLE = 32 * 1024  # bytes scored: enough to tell, and a large file is not scored whole
_COMMON_PUNCT = frozenset("\u00a0«»‘’‚“”„–—…•·€£°§©®™×¿¡‹›´\u200b\u200c\u200d")
_VOWELS = {"cyrillic": frozenset("аеёиоуыэюяіїєў"), "greek": frozenset("αεηιουωάέήίόύώϊϋΐΰ")}
# the accented letters of the languages written in Latin-alphabet code pages: the pages give one
# text the same letters in other places (Czech č is è in Windows-1252, Turkish ı is ý), and the
# reading whose letters one language has is the one meant
_ALPHABETS = tuple(frozenset(letters) for letters in (
    "àâæçéèêëîïôœùûüÿ", "äöüßé", "áéíñóúü", "àáâãçéêíóôõú", "àèéìíîòóù", "àçèéíïòóúü", "áéëïóöü",
    "åäöé", "æøåé", "äöåšž", "áéíóú", "êëéèîïôöûü", "áčďéěíňóřšťúůýž",
    "áäčďéíĺľňóôŕšťúýž", "ąćęłńóśźż", "áéíóöőúüű", "čšž", "čćđšž", "ăâîșțşţ", "çğıöşüâîû",
    "äöõüšž"))
# Icelandic's ð þ ý are Turkish ğ ş ı in Windows-1254: they are Icelandic beside its vowels
_ICELANDIC, _ICELANDIC_VOWELS = frozenset("áðéíóúýþæö"), frozenset("áéíóúæ")
# a symbol between two letters (``Za¿ó³æ``: Polish read as Windows-1252)
_IN_WORD = re.compile(r"(?<=[^\W\d_])[^\w\s\ufffd'’´\-–—·.,;:!?()\[\]{}\"/\\*#=+&%@$<>|`~^]{1,2}(?=[^\W\d_])")


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Error handler: the bytes that are not UTF-8 read as Windows-1252 (U+FFFD for its 5 unused)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start:exc.end].decode("cp1252", "replace"), exc.end


CP1252_BYTES = "vaultsite-cp1252"
codecs.register_error(CP1252_BYTES, _cp1252_bytes)


def utf16_without_bom(data: bytes) -> str | None:
    """The codec of a UTF-16 or UTF-32 file without a byte-order mark, told by its NUL bytes (the
    high bytes of its ASCII characters), or None.  A NUL here and there is binary junk, not this."""
    if len(data) < 4 or b"\x00" not in data:
        return None
    if len(data) % 4 == 0:
        units = len(data) // 4
        for codec, zero, mostly in (("utf-32-le", (2, 3), 1), ("utf-32-be", (0, 1), 2)):
            if (all(data[i::4].count(0) == units for i in zero)
                    and data[mostly::4].count(0) >= 0.25 * units and _decodes(data, codec)):
                return codec
    if len(data) % 2:
        return None
    units = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= 0.25 * units and low <= high / 8 and _decodes(data, codec):
            return codec
    return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(ch) in ("Cc", "Cn", "Co") and ch not in "\t\n\r\f"
                   for ch in text)


def legacy(data: bytes) -> tuple[str, str, str]:
    """Bytes that are not valid UTF-8 as text: (text, the Python codec, its name for a message).
    The codec is ``utf-8`` when the text is UTF-8 with some bytes read as Windows-1252."""
    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:  # whole lines: no character cut in two
        sample = sample[: sample.rindex(b"\n") + 1]
    best: tuple[float, str, str] | None = None
    for codec, name in _CANDIDATES:
        try:
            text = sample.decode(codec, CP1252_BYTES if codec == "utf-8" else "strict")
        except UnicodeDecodeError:
            continue
        score = _unlike_text(text, codec)
        if best is None or score < best[0]:
            best = (score, codec, name)
            if score == 0:
                break
    assert best is not None  # the UTF-8 reading never fails
    _score, codec, name = best
    if codec == "utf-8":
        return data.decode("utf-8-sig", CP1252_BYTES), codec, name
    return data.decode(codec, "replace"), codec, name


def _script(ch: str) -> str:
    o = ord(ch)
    if o < 0x80:
        return "ascii"
    if o < 0x250:
        return "latin"
    if 0x370 <= o < 0x400:
        return "greek"
    if 0x400 <= o < 0x530:
        return "cyrillic"
    if 0x590 <= o < 0x600:
        return "hebrew"
    if 0x600 <= o < 0x700:
        return "arabic"
    if 0x3040 <= o < 0x3100 or 0x3400 <= o < 0xA000 or 0xAC00 <= o < 0xD7A4 or 0xF900 <= o < 0xFB00:
        return "cjk"
    return "other"


def _common_han(ch: str) -> bool:
    """One of the frequent Chinese characters, as the national code pages' first levels list them
    (GB 2312 level 1, Big5's frequent characters, JIS level 1)."""
    for codec, lo, hi in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6), ("shift_jis", 0x88, 0x9F)):
        try:
            lead = ch.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        if lo <= lead <= hi:
            return True
    return False


def _char_cost(ch: str, prev: str) -> float:
    o = ord(ch)
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cn", "Co", "Cs"):
        return 10
    if ch in _COMMON_PUNCT or 0x3000 <= o < 0x3040 or 0xFF01 <= o < 0xFF5F:
        return 0
    if 0x4E00 <= o < 0xA000 or 0x3400 <= o < 0x4DC0 or 0xF900 <= o < 0xFB00:
        return 0 if _common_han(ch) else 1
    if 0xAC00 <= o < 0xD7A4:  # Hangul: the 2,350 syllables of KS X 1001 are those in use
        try:
            return 0 if len(ch.encode("euc_kr")) == 2 else 1  # not the 8-byte make-up form
        except UnicodeEncodeError:
            return 1
    script = _script(ch)
    if cat.startswith("L") and script != "other":
        return 0
    if cat == "Mn" and script in ("hebrew", "arabic") and prev and _script(prev) == script:
        return 0  # a vowel point on its letter
    return 1


def _unlike_text(text: str, codec: str) -> float:
    """How unlike written text ``text`` is: 0 for plausible text, more for each oddity."""
    score = 0.0
    prev = ""
    latin: set[str] = set()
    for ch in text:
        if ord(ch) >= 0x80:
            score += _char_cost(ch, prev)
            if 0xC0 <= ord(ch) < 0x250 and ch.isalpha():
                latin.add(ch.lower())
        prev = ch
    if latin:  # letters no one language has together
        alphabets = (*_ALPHABETS, _ICELANDIC) if latin & _ICELANDIC_VOWELS else _ALPHABETS
        score += min(len(latin - alphabet) for alphabet in alphabets)
    by_script: dict[str, list[str]] = {"cyrillic": [], "greek": []}
    for match in re.finditer(r"[^\W\d_]+", text):
        word = match.group()
        scripts = {_script(ch) for ch in word}
        if "cjk" in scripts:  # Chinese and Japanese put Latin words right beside their own
            continue
        if len(scripts - {"ascii"}) > 1:
            score += 2
        elif len(scripts) > 1 and scripts != {"ascii", "latin"}:
            score += 1
        if scripts == {"latin"} and len(word) >= 4:  # no ASCII letter: another alphabet, misread
            score += len(word)
        for script in scripts & by_script.keys():
            by_script[script].extend(word)
        if "ς" in word[:-1]:  # Greek's final sigma, not at the end
            score += 1
        score += sum(1 for a, b in zip(word, word[1:], strict=False)
                     if (ord(a) >= 0x80 or ord(b) >= 0x80) and a.islower() and b.isupper())
    for script, letters in by_script.items():
        if len(letters) < 8:
            continue
        if sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
            score += len(letters) / 2  # all capitals: a page whose cases are swapped
        if sum(ch.lower() in _VOWELS[script] for ch in letters) < 0.25 * len(letters):
            score += len(letters) / 2
    cjk = [ch for ch in text if _script(ch) == "cjk"]
    kana = sum(0x3040 <= ord(ch) < 0x3100 for ch in cjk)
    hangul = sum(0xAC00 <= ord(ch) < 0xD7A4 for ch in cjk)
    if codec in _CJK_CODECS and not cjk:
        score += 2  # a CJK page that gives no CJK character
    if codec in ("cp932", "euc_jp") and kana < 0.2 * len(cjk):
        score += len(cjk)  # Japanese is written with kana
    elif codec == "cp949" and hangul < 0.8 * len(cjk):
        score += len(cjk)  # Korean is written in Hangul
    elif codec in ("gb18030", "cp950"):
        score += kana + hangul
    if hangul and len(cjk) > hangul:  # Korean writes Chinese characters apart from its Hangul
        score += len(_HAN_BY_HANGUL.findall(text))
    return score + len(_IN_WORD.findall(text))
