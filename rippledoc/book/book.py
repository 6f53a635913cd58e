"""The book: every record loaded from a workspace, and what is derived from them, once.

``load_book`` (``rippledoc/book/loader.py``) reads the files, parses them,
links them and checks them across files; it returns one immutable ``Book``.
Every view, command and page reads the book; none re-derives an index of
its own, and none looks at the disk again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from rippledoc.diagnostics import Diagnostic
from rippledoc.model import Client, Ritual, RitualEntry, RitualRecord, Settings
from rippledoc.parse.marks import Followups

Entries = tuple[tuple[RitualRecord, tuple[RitualEntry, ...]], ...]  # (record, the client's entries in it)


@dataclass(frozen=True, slots=True)
class Book:
    root: Path
    settings: Settings
    clients: tuple[Client, ...]  # by file name
    rituals: Mapping[str, Ritual]  # key -> definition (the workspace's, else the shipped one)
    records: tuple[RitualRecord, ...]
    paths: tuple[str, ...] = ()  # every file rippledoc looked at, relative: loaded, or refused with a diagnostic
    diagnostics: tuple[Diagnostic, ...] = ()  # every problem found, sorted by file, line, column
    # derived by the link stage (rippledoc/book/link.py)
    by_slug: Mapping[str, Client] = field(default_factory=dict)  # the first client of each slug
    followups: Followups = Followups((), (), (), ())  # handoffs, kudos, stories, intelligence, linked to their clients
    entries: Mapping[str, Entries] = field(default_factory=dict)  # slug -> its ritual entries, records by date
    unlisted: tuple[str, ...] = ()  # folders that exist but could not be listed (E007): their files are unknown
    # file -> the key of the bytes it was loaded from (what a page made of the file is keyed by, site/cache.py);
    # not part of a book's value: the same records are the same book, whichever code keyed them
    digests: Mapping[str, str] = field(default_factory=dict, compare=False)

    def client(self, slug: str) -> Client | None:
        return self.by_slug.get(slug)

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def files(self) -> int:
        """How many files were looked at."""
        return len(self.paths)

    def client_paths(self) -> tuple[str, ...]:
        """Every client file, loaded or not (``clients/NAME.md``)."""
        return tuple(p for p in self.paths if p.startswith("clients/"))
