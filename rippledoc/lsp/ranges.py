"""Columns: ours are 1-based characters; LSP counts code units of the negotiated encoding.

LSP's default is UTF-16, where an emoji (outside the Basic Multilingual Plane)
takes two units and a CJK character one; in UTF-8 they take four and three.
A diagnostic's range covers the word its column points at, so that a quick
fix can replace exactly that word.
"""
from __future__ import annotations

import re

from lsprotocol import types

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(char: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(char.encode("utf-8"))
    if encoding == UTF32:
        return 1
    return 2 if ord(char) > 0xFFFF else 1


def to_units(line: str, index: int, encoding: str = UTF16) -> int:
    """The code units of the first ``index`` characters of ``line``."""
    prefix = line[:index]
    if encoding == UTF32:
        return len(prefix)
    return sum(_units(c, encoding) for c in prefix)


def to_index(line: str, units: int, encoding: str = UTF16) -> int:
    """The character index at ``units`` code units into ``line`` (clamped to the line; inside a character: after it)."""
    count = 0
    for i, c in enumerate(line):
        if count >= units:
            return i
        count += _units(c, encoding)
    return len(line)


def position(lines: list[str], line: int, index: int, encoding: str = UTF16) -> types.Position:
    """The LSP position of character ``index`` on 0-based ``line``."""
    text = lines[line] if 0 <= line < len(lines) else ""
    return types.Position(line=line, character=to_units(text, index, encoding))


def char_range(lines: list[str], line: int, start: int, end: int, encoding: str = UTF16) -> types.Range:
    """The LSP range of characters ``start``..``end`` on 0-based ``line``."""
    return types.Range(start=position(lines, line, start, encoding), end=position(lines, line, end, encoding))


def line_text(lines: list[str], line: int) -> str:
    """Line ``line`` (0-based) without its line ending; '' past the end."""
    return lines[line].rstrip("\r\n") if 0 <= line < len(lines) else ""


_WORD = re.compile(r"[^\s,:{}\[\]]+")
_QUOTED = re.compile(r"'([^']+)'")


def word_span(text: str, index: int, message: str = "") -> tuple[int, int]:
    """The characters a diagnostic at character ``index`` of ``text`` points at.

    A word the message quotes ('tree', '@stann', 'by stann') found on the line
    at or near the column wins; else the word starting at the column (a quoted
    YAML value as a whole); else the rest of the line from the column.
    """
    quoted = quoted_span(text, index, message)
    if quoted is not None:
        return quoted
    if index < len(text) and text[index] in "\"'":
        close = text.find(text[index], index + 1)
        if close > index:
            return index, close + 1
    m = _WORD.match(text, index)
    if m and (len(m[0]) > 1 or m[0].isalnum()):
        return m.start(), m.end()
    end = len(text.rstrip())
    return (index, end) if end > index else (index, min(len(text), index + 1))


def quoted_span(text: str, index: int, message: str) -> tuple[int, int] | None:
    """Where on the line a word quoted in ``message`` stands, the occurrence nearest ``index``."""
    best: tuple[int, int] | None = None
    for q in _QUOTED.findall(message):
        word = q.removeprefix("by ").split(": ", 1)[-1].strip()
        if not word or word.startswith(("---", " ")):
            continue
        for m in re.finditer(re.escape(word), text):
            if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "-_"):
                continue  # inside a longer word
            if m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] in "-_"):
                continue
            if best is None or abs(m.start() - index) < abs(best[0] - index):
                best = (m.start(), m.end())
    return best
