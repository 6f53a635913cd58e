"""The files of a new ritual record, as drafts: one record file, or a sheet per client (``views.twelve_days``).

Pure: ``start_record`` returns text; ``edit.drafts.write_drafts`` writes it, never over an existing file.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from rippledoc.book.book import Book
from rippledoc.parse.periods import cadence_kind
from rippledoc.views.rituals import Draft, covered_clients, period_for, record_text
from rippledoc.views.twelve_days import plan_sheets


class CannotStart(Exception):
    """The ritual cannot be started this way (a usage problem, with a message for the person)."""


def start_record(ws: Book, key: str, on: date, today: date, year: int | None = None) -> list[Draft]:
    """The files of a new record of ritual ``key`` for the period holding ``on`` (or year ``year``)."""
    ritual = ws.rituals.get(key)
    if ritual is None:
        raise CannotStart(f"no ritual '{key}' (known: {', '.join(sorted(ws.rituals))})")
    if ritual.settings.get("records") == "log":
        raise CannotStart(f"{ritual.name} is kept in the client logs, not in records: "
                          "log each call in the client's file (see 'rippledoc today')")
    if year is not None:
        on = date(year, 12, 31) if cadence_kind(ritual.cadence) == "year" else date(year, 1, 1)
    period = period_for(ritual, on)
    if ritual.settings.get("sheets") == "per-client":
        return plan_sheets(ws, ritual, period, today)
    if not covered_clients(ws, ritual) and (ritual.metrics or ritual.answers):
        return []  # nothing to score or answer: the command says whom the ritual would cover
    rel = f"rituals/{ritual.key}/{period.label}.md"
    exists = (Path(ws.root) / rel).exists()
    held = on if period.contains(on) else period.start
    return [Draft(rel, "" if exists else record_text(ws, ritual, period, held), exists=exists)]
