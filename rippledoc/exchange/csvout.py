"""Clients as a CSV sheet: one row per client, the columns ``rippledoc import csv`` reads back.

Spreadsheet-safe by default, as OWASP advises against formula injection: a
cell that would begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (after any quotes ``'``) gets one more ``'`` in front, so Excel,
LibreOffice and Google Sheets show it as text instead of running it, and
every cell is quoted, so a ``;`` or a tab inside one cannot start a new cell
in a spreadsheet that splits on them. ``rippledoc import csv`` takes that
one quote off again in a sheet with this header (``restore``), so the round
trip gives back the exact text. ``raw=True`` writes the values as they are.
"""
from __future__ import annotations

import csv
import io
import re

from rippledoc.book.book import Book
from rippledoc.exchange.csvformats import header_key
from rippledoc.model import Client
from rippledoc.parse.fields import cadence_text

COLUMNS = ("name", "contact", "email", "phone", "address", "website", "timezone", "hours", "since", "owner",
           "level", "grade", "status", "cadence", "snooze", "products", "tags", "notes",
           "title", "birthday", "emails", "phones")  # added later: after the first columns, which never move

# = + - @ tab and carriage return make a spreadsheet read a cell as a formula (OWASP: CSV injection)
_GUARDED = re.compile(r"'*[=+\-@\t\r]")  # a cell that needs the quote: formula-like after any quotes
_RESTORE = re.compile(r"'+[=+\-@\t\r]")  # a cell that has one: one quote or more, then formula-like


def neutralise(cell: str) -> str:
    """``=1+1`` -> ``'=1+1``; ``'=x`` -> ``''=x`` (so ``restore`` undoes exactly this); anything else as it is."""
    return "'" + cell if _GUARDED.match(cell) else cell


def restore(cell: str) -> str:
    """The inverse of ``neutralise``: one leading quote off a cell whose rest starts like a formula."""
    return cell[1:] if _RESTORE.match(cell) else cell


def is_own_sheet(headers: list[str]) -> bool:
    """A header row exactly this module's: the sheet's cells went through ``neutralise``."""
    return tuple(header_key(h) for h in headers) == COLUMNS


def row(c: Client) -> list[str]:
    return [
        c.name, c.contact, c.email, c.phone, c.address, c.website, c.timezone, str(c.hours) if c.hours else "",
        c.since.isoformat() if c.since else "", c.owner or "", c.level, c.grade or "", c.status,
        cadence_text(c.cadence_days, c.cadence_max_days) if c.cadence_days else "", c.snooze.isoformat() if c.snooze else "",
        "; ".join(c.products), "; ".join(c.tags), c.notes.strip(),
        c.title, str(c.birthday) if c.birthday else "", "; ".join(c.emails), "; ".join(c.phones),
    ]


def to_csv(ws: Book, raw: bool = False) -> str:
    """UTF-8 text with CRLF row ends (RFC 4180). Spreadsheet-safe (see the module) unless ``raw``: then
    each value as it is, quoted only when it holds a comma, a quote or a line break."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL if raw else csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for c in sorted(ws.clients, key=lambda c: c.slug):
        cells = row(c)
        writer.writerow(cells if raw else [neutralise(cell) for cell in cells])
    return buf.getvalue()
