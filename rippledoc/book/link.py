"""The link stage: the parsed records joined into the book's indexes, once a load.

Clients by slug, what the calls produced (handoffs, kudos, stories,
intelligence) linked to their clients and the team, and each client's ritual
entries. Like every stage it returns its problems as diagnostics.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Mapping

from rippledoc.book.book import Book, Entries
from rippledoc.diagnostics import Diagnostic
from rippledoc.model import Client, RitualEntry, RitualRecord, Settings
from rippledoc.parse.marks import Followups, collect


def by_slug(clients: Iterable[Client]) -> dict[str, Client]:
    """slug -> the first client of that slug (two files differing only in case are E301)."""
    found: dict[str, Client] = {}
    for c in clients:
        found.setdefault(c.slug, c)
    return found


def entries_by_client(records: Iterable[RitualRecord]) -> dict[str, Entries]:
    """slug -> [(record, that client's entries in it)], records oldest first."""
    index: dict[str, list[tuple[RitualRecord, tuple[RitualEntry, ...]]]] = {}
    for r in sorted(records, key=lambda r: r.date):
        mine: dict[str, list[RitualEntry]] = {}
        for e in r.entries:
            mine.setdefault(e.client, []).append(e)
        for client, found in mine.items():
            index.setdefault(client, []).append((r, tuple(found)))
    return {k: tuple(v) for k, v in index.items()}


def link(settings: Settings, clients: tuple[Client, ...], records: tuple[RitualRecord, ...]
         ) -> tuple[Mapping[str, Client], Followups, Mapping[str, Entries], list[Diagnostic]]:
    followups, diags = collect(settings, clients)
    return by_slug(clients), followups, entries_by_client(records), diags


def relink(book: Book) -> Book:
    """The book with its derived parts made again from its records (after settings or clients changed)."""
    slugs, followups, entries, _ = link(book.settings, book.clients, book.records)
    return replace(book, by_slug=slugs, followups=followups, entries=entries)


def with_client(book: Book, path: str, client: Client | None) -> Book:
    """The book with the client read from ``path`` replaced by ``client`` (or dropped when None), linked again
    for that client only: the other clients' links do not depend on it."""
    clients = [c for c in book.clients if c.path != path] + ([client] if client is not None else [])
    clients.sort(key=lambda c: c.path)
    mine, _ = collect(book.settings, [client] if client is not None else [])
    old = book.followups

    def merged(kept: tuple, new: tuple) -> tuple:
        return tuple(sorted([x for x in kept if x.client.path != path] + list(new), key=lambda x: x.client.path))
    followups = Followups(merged(old.handoffs, mine.handoffs), merged(old.kudos, mine.kudos),
                          merged(old.stories, mine.stories), merged(old.intel, mine.intel))
    return replace(book, clients=tuple(clients), by_slug=by_slug(clients), followups=followups)


def with_records(book: Book, records: tuple[RitualRecord, ...]) -> Book:
    return replace(book, records=records, entries=entries_by_client(records))
