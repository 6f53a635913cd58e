"""Log lines across the book: the touches tagged #success or #intel, and the last two weeks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from rippledoc.book.book import Book
from rippledoc.model import Client, Touch

RECENT_DAYS = 14


@dataclass(frozen=True, slots=True)
class TaggedTouch:
    client: Client
    touch: Touch


def tagged(book: Book, tags: Iterable[str]) -> list[TaggedTouch]:
    """Every touch carrying one of ``tags``, newest first."""
    want = set(tags)
    found = [TaggedTouch(c, t) for c in book.clients for t in c.log if want & set(t.tags)]
    return sorted(found, key=lambda x: (x.touch.date, x.client.name), reverse=True)


def recent_touches(book: Book, today: date, days: int = RECENT_DAYS) -> list[TaggedTouch]:
    """The touches of the ``days`` days up to ``today``, newest first."""
    since = today - timedelta(days=days)
    found = [TaggedTouch(c, t) for c in book.clients for t in c.log if since <= t.date <= today]
    return sorted(found, key=lambda x: (x.touch.date, x.client.name), reverse=True)
