"""Hover on a client slug in a ritual record: that client's research notes, as ``rippledoc today`` shows them."""
from __future__ import annotations

import re
from datetime import date

from lsprotocol import types

from rippledoc.lsp.places import RECORD, kind_of, layout
from rippledoc.lsp.ranges import UTF16, char_range, line_text
from rippledoc.book.book import Book
from rippledoc.views.research import notes_text, research_notes

_SLUG = re.compile(r"[^\s:{}\[\],'\"#]+")


def word_at(text: str, index: int) -> tuple[int, int] | None:
    """The slug-like word around character ``index`` (a key, a value), or None."""
    for m in _SLUG.finditer(text):
        if m.start() <= index <= m.end():
            return m.start(), m.end()
    return None


def hover(ws: Book, path: str, text: str, line: int, index: int, today: date,
          encoding: str = UTF16) -> types.Hover | None:
    """The research notes of the client whose slug is at ``index`` of 0-based ``line`` of a ritual record."""
    if kind_of(path) != RECORD:
        return None
    front = layout(path, text).front
    if front is None or not front[0] <= line < front[1]:
        return None
    lines = text.split("\n")
    span = word_at(line_text(lines, line), index)
    if span is None:
        return None
    client = ws.client(line_text(lines, line)[span[0]:span[1]])
    if client is None:
        return None
    notes = notes_text(research_notes(client, ws, today))
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value=f"**{client.name}** ({client.path})\n\n```text\n{notes}\n```"),
                       range=char_range(lines, line, span[0], span[1], encoding))
