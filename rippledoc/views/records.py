"""Ritual records with their clients resolved: the record pages, the rituals page and the twelve days."""
from __future__ import annotations

from dataclasses import dataclass

from rippledoc.book.book import Book
from rippledoc.model import Client, Ritual, RitualEntry, RitualRecord

TWELVE_DAYS = "twelve-days"


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: RitualEntry
    client: Client | None  # None: no client file has this slug any more

    @property
    def name(self) -> str:
        return self.client.name if self.client else self.entry.client


@dataclass(frozen=True, slots=True)
class RecordView:
    record: RitualRecord
    ritual: Ritual | None  # None: a record of a ritual the book no longer defines
    entries: tuple[EntryView, ...]

    @property
    def title(self) -> str:
        """``Twelve days of Christmas · 2026``, and the client's name for a per-client sheet."""
        r = self.record
        title = f"{self.ritual.name if self.ritual else r.ritual} · {r.period}"
        return title + f" · {self.entries[0].name}" if len(self.entries) == 1 else title

    @property
    def answer_labels(self) -> dict[str, str]:
        return {a.key: a.label for a in self.ritual.answers} if self.ritual else {}


def record_view(book: Book, record: RitualRecord) -> RecordView:
    return RecordView(record, book.rituals.get(record.ritual),
                      tuple(EntryView(e, book.client(e.client)) for e in record.entries))


def records_by_ritual(book: Book) -> dict[str, tuple[RecordView, ...]]:
    """ritual key -> its records, newest first (every ritual of the book, with or without records)."""
    return {key: tuple(record_view(book, r) for r in sorted((r for r in book.records if r.ritual == key),
                                                             key=lambda r: r.date, reverse=True))
            for key in book.rituals}


def twelve_days(book: Book) -> tuple[RecordView, ...]:
    """The records of the twelve-days ritual, oldest first."""
    return tuple(record_view(book, r) for r in sorted((r for r in book.records if r.ritual == TWELVE_DAYS),
                                                      key=lambda r: (r.date, r.period)))
