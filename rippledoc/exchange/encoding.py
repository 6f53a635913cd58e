"""The text of a contact file: UTF-8 (with or without a mark), UTF-16 with a mark, or a Windows code page.

A file that is not UTF-8 was saved in a Windows code page, and the bytes do
not say which. Outlook and Excel write the one of the machine: Windows-1252
in Western Europe and the Americas, Windows-1250 in Central Europe,
Windows-1251 where Cyrillic is written, Windows-1253 in Greece. Each is tried, and a reading is
judged by its words: 'Москва' is a word, 'Ìîñêâà' (the same bytes in
Windows-1252) is not; 'Łódź' is, '£ódŸ' is not. Another code page is
chosen only when its reading has words and clearly fewer impossible ones
than Windows-1252; otherwise Windows-1252 is used. Either way the summary
says which was chosen, with examples, and ``--encoding`` settles it.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253")
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "cp1252": "Windows-1252",
         "cp1250": "Windows-1250", "cp1251": "Windows-1251", "cp1253": "Windows-1253"}
_WHAT = {"cp1252": "Western European", "cp1250": "Central European", "cp1251": "Cyrillic", "cp1253": "Greek"}
_SEPARATORS = re.compile(r"[\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f0-9]+")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str | None  # None: the file cannot be read as text (``problem`` says why)
    encoding: str  # a Python codec name
    problem: str = ""
    warning: str = ""  # a guessed code page, said with examples

    @property
    def label(self) -> str:
        return NAMES.get(self.encoding, self.encoding)


def _script(ch: str) -> str:
    if ch.isascii():
        return "LATIN"
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "?"


def _words(text: str) -> list[str]:
    """The tokens that hold a character outside ASCII, split at spaces, ASCII punctuation and digits."""
    return [w for w in _SEPARATORS.split(text) if w and not w.isascii()]


def _possible(word: str) -> bool:
    """A word of one script, made of letters; a Latin one of three or more letters has an ASCII letter too."""
    if not all(ch.isalpha() for ch in word):
        return all(not ch.isalpha() for ch in word)  # '€', '–', '°': symbols of their own, no word at all
    scripts = {_script(ch) for ch in word}
    if len(scripts) != 1:
        return False
    if scripts != {"LATIN"} and any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
        return False  # 'ЕллЬдб': a capital inside a word of a script without names like 'McDonald'
    return not (scripts == {"LATIN"} and len(word) >= 3 and not any(ch.isascii() for ch in word))


def _judge(text: str) -> tuple[int, int]:
    """``(impossible words, possible words with letters)`` of a reading."""
    bad = good = 0
    for w in _words(text):
        if not _possible(w):
            bad += 1
        elif sum(ch.isalpha() for ch in w) >= 3:
            good += 1
    return bad, good


def _examples(text: str, n: int = 3) -> str:
    seen: list[str] = []
    for w in _words(text):
        if w not in seen:
            seen.append(w)
        if len(seen) == n:
            break
    return ", ".join(f"'{w}'" for w in seen)


def decode(raw: bytes, encoding: str | None = None) -> Decoded:
    """The text of a file; ``encoding`` (a codec name) when the person said which."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            return Decoded(None, encoding, f"--encoding {encoding}: Python knows no such encoding "
                                           "(for example utf-8, cp1252, cp1250, cp1251, latin-1, mac-roman)")
        try:
            return Decoded(_strip_bom(raw, codec).decode(codec), codec)
        except UnicodeDecodeError as exc:
            return Decoded(None, codec, f"is not {NAMES.get(codec, codec)}: byte 0x{raw[exc.start]:02x} at offset "
                                        f"{exc.start} cannot be read (try another --encoding)")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(raw[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            return Decoded(None, "utf-8-sig", f"starts with a UTF-8 mark but byte {exc.start + 3} is not UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(raw.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            return Decoded(None, "utf-16", "starts with a UTF-16 mark but is not UTF-16")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _code_page(raw)


def _strip_bom(raw: bytes, codec: str) -> bytes:
    return raw[3:] if codec == "utf-8" and raw.startswith(b"\xef\xbb\xbf") else raw


def _code_page(raw: bytes) -> Decoded:
    readings: dict[str, tuple[str, tuple[int, int]]] = {}
    first_error = ""
    for cp in CODE_PAGES:
        try:
            text = raw.decode(cp)
        except UnicodeDecodeError as exc:
            first_error = first_error or f"byte 0x{raw[exc.start]:02x} at offset {exc.start}"
            continue
        readings[cp] = (text, _judge(text))
    usable = {cp: r for cp, r in readings.items() if cp == "cp1252" or r[1][1] > 0}
    if not usable:
        return Decoded(None, "", f"is neither UTF-8 nor Windows-1252, -1250, -1251 or -1253 ({first_error}): "
                                 "say its encoding with --encoding")
    best = min(usable, key=lambda cp: (usable[cp][1][0], CODE_PAGES.index(cp)))
    if best != "cp1252" and "cp1252" in usable and usable[best][1][0] >= usable["cp1252"][1][0]:
        best = "cp1252"
    text = usable[best][0]
    if best == "cp1252":
        warning = (f"the file is not UTF-8: read as Windows-1252 ({_WHAT['cp1252']}), as Excel and Outlook write "
                   f"it on most Windows machines; text outside ASCII reads {_examples(text)}. If that looks wrong, "
                   "say --encoding cp1250 (Central European), cp1251 (Cyrillic) or cp1253 (Greek)")
    else:
        others = [cp for cp in ("cp1252",) if cp in readings]
        instead = f"; in Windows-1252 it would read {_examples(readings['cp1252'][0])}" if others else ""
        warning = (f"the file is not UTF-8: read as {NAMES[best]} ({_WHAT[best]}), the only code page in which its "
                   f"text reads as words: {_examples(text)}{instead}. If that is wrong, say --encoding")
    return Decoded(text, best, warning=warning)
