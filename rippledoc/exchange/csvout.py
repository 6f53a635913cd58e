"""Clients as a CSV sheet: one row per client, the columns ``rippledoc import csv`` reads back."""
from __future__ import annotations

import csv
import io

from rippledoc.model import Client
from rippledoc.book.book import Book

COLUMNS = ("name", "contact", "email", "phone", "address", "website", "timezone", "hours", "since", "owner",
           "level", "grade", "status", "cadence", "snooze", "products", "tags", "notes",
           "title", "birthday", "emails", "phones")  # added later: after the first columns, which never move


def row(c: Client) -> list[str]:
    return [
        c.name, c.contact, c.email, c.phone, c.address, c.website, c.timezone, str(c.hours) if c.hours else "",
        c.since.isoformat() if c.since else "", c.owner or "", c.level, c.grade or "", c.status,
        f"{c.cadence_days}d" if c.cadence_days else "", c.snooze.isoformat() if c.snooze else "",
        "; ".join(c.products), "; ".join(c.tags), c.notes.strip(),
        c.title, str(c.birthday) if c.birthday else "", "; ".join(c.emails), "; ".join(c.phones),
    ]


def to_csv(ws: Book) -> str:
    """UTF-8 text with CRLF row ends (RFC 4180); fields with commas, quotes or line breaks are quoted."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for c in sorted(ws.clients, key=lambda c: c.slug):
        writer.writerow(row(c))
    return buf.getvalue()
