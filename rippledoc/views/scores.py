"""Connection scores over time: one client's series, and the book as a client x period grid.

Pure functions of the book; the client page, the rituals page and the charts read them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import mean

from rippledoc.book.book import Book
from rippledoc.model import Client, RitualRecord

Series = dict[str, dict[str, list[tuple[date, float]]]]  # ritual key -> metric label -> [(date, score)]


def score_series(book: Book, slug: str | None = None) -> Series:
    """ritual key -> metric label -> [(date, score)]: one client's scores, or the book's average per record."""
    out: Series = {}
    rows = ([(r, r.entries) for r in sorted(book.records, key=lambda r: r.date)] if slug is None
            else book.entries.get(slug, ()))
    for r, entries in rows:
        ritual = book.rituals.get(r.ritual)
        if ritual is None or not ritual.metrics:
            continue
        for m in ritual.metrics:
            values = [e.scores[m.key] for e in entries if m.key in e.scores]
            if values:
                out.setdefault(r.ritual, {}).setdefault(m.label, []).append((r.date, round(mean(values), 2)))
    return out


@dataclass(frozen=True, slots=True)
class HeatRow:
    client: Client | None  # None: a slug no client file has any more
    slug: str
    cells: tuple[float | None, ...]  # mean score per column


@dataclass(frozen=True, slots=True)
class Heatmap:
    ritual: str
    name: str
    columns: tuple[RitualRecord, ...]
    rows: tuple[HeatRow, ...]
    low: int
    high: int


def heatmaps(book: Book, weeks: int = 12) -> list[Heatmap]:
    """Scored rituals as a client x period grid of mean scores, the last ``weeks`` records."""
    out = []
    for key, ritual in sorted(book.rituals.items()):
        if not ritual.metrics:
            continue
        records = sorted((r for r in book.records if r.ritual == key), key=lambda r: r.date)[-weeks:]
        if not records:
            continue
        rows = []
        for slug in sorted({e.client for r in records for e in r.entries}):
            cells: list[float | None] = []
            for r in records:
                scores = [v for e in r.entries if e.client == slug for v in e.scores.values()]
                cells.append(round(mean(scores), 1) if scores else None)
            rows.append(HeatRow(book.client(slug), slug, tuple(cells)))
        rows.sort(key=lambda row: row.client.name.lower() if row.client else row.slug)
        out.append(Heatmap(key, ritual.name, tuple(records), tuple(rows),
                           min(m.low for m in ritual.metrics), max(m.high for m in ritual.metrics)))
    return out
