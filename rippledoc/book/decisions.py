"""What the reviews decided: the answers a ritual applies to a client field, and where a file says otherwise.

A ritual's answer is applied to a client field when its definition says so
(``applies_to: grade``, or an answer keyed ``level``, ``grade``, ``status`` or
``owner``; ``parse/ritual.py``). Each such answer in a record is a
``Decision``. ``disagreements`` compares each client's file with the latest
decision for a field: one definition for the triangle's and the grades'
``unrecorded`` in ``metrics``, for ``check`` (W402: the file says neither what
the latest review says nor what the latest applied review decided) and for
``ritual apply``.
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt  # for annotations in classes whose field or method is named ``date``
from datetime import date
from typing import Iterable

from rippledoc.book.book import Book
from rippledoc.model import Client, Ritual
from rippledoc.parse.fields import cadence_text, parse_cadence_span


@dataclass(frozen=True, slots=True)
class Decision:
    """One client's answer in one record, applied (or to be applied) to ``field`` of the client's file."""
    client: str
    field: str
    value: str  # as the record says it
    date: date  # the record's
    period: str
    ritual: str
    path: str  # the record's file
    line: int  # the entry's line
    applied: dt.date | None  # the day the record was applied (``applied:`` in it); None: not yet


def answer_for(ritual: Ritual, field: str) -> str | None:
    """The key of the ritual's answer applied to ``field``, if one is."""
    return next((a.key for a in ritual.answers if a.applies_to == field), None)


def deciding(book: Book, field: str) -> list[Ritual]:
    """The rituals with an answer applied to ``field``, by key."""
    return sorted((r for r in book.rituals.values() if answer_for(r, field)), key=lambda r: r.key)


def decided_fields(book: Book) -> list[str]:
    """Every client field some ritual's answer is applied to."""
    return sorted({a.applies_to for r in book.rituals.values() for a in r.answers if a.applies_to})


def decisions(book: Book, field: str, end: date | None = None) -> dict[str, list[Decision]]:
    """Every client's decisions on ``field`` in the records dated up to ``end`` (all when None), oldest first."""
    keys = {r.key: answer_for(r, field) for r in deciding(book, field)}
    out: dict[str, list[Decision]] = {}
    for r in sorted(book.records, key=lambda r: (r.date, r.period, r.source.path)):
        answer = keys.get(r.ritual)
        if answer is None or (end is not None and r.date > end):
            continue
        for e in r.entries:
            value = e.answers.get(answer)
            if value:
                out.setdefault(e.client, []).append(Decision(e.client, field, value, r.date, r.period, r.ritual,
                                                             r.source.path, e.source.line, r.applied))
    return out


def file_value(c: Client, field: str) -> str | None:
    """What the client's file says of ``field``, as text (None: nothing)."""
    if field == "cadence":
        return cadence_text(c.cadence_days, c.cadence_max_days) if c.cadence_days else None
    value = getattr(c, field)
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value else None


def agrees(c: Client, field: str, value: str) -> bool:
    """Whether the file already says ``value`` (a cadence by its days: ``8w`` is ``56d``, ``4w..6w`` is
    ``28d..42d``)."""
    if field == "cadence":
        return parse_cadence_span(value) == (c.cadence_days, c.cadence_max_days or c.cadence_days)
    return file_value(c, field) == value.strip()


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A client whose file says another value than its latest decision on a field."""
    client: str
    field: str
    file: str | None
    latest: Decision
    last_applied: Decision | None  # the latest decision of an applied record, when there is one
    warned: bool  # W402: the file says neither what the latest review says nor what the latest applied one decided


def disagreements(book: Book, clients: Iterable[Client], field: str, end: date | None = None) -> list[Disagreement]:
    """The clients whose file disagrees with their latest decision on ``field`` up to ``end``."""
    index = decisions(book, field, end)
    out = []
    for c in clients:
        hist = index.get(c.slug)
        if not hist or agrees(c, field, hist[-1].value):
            continue
        applied = [d for d in hist if d.applied is not None]
        last = applied[-1] if applied else None
        out.append(Disagreement(c.slug, field, file_value(c, field), hist[-1], last,
                                last is not None and not agrees(c, field, last.value)))
    return out
