"""``find``: the lines of the book that hold a text or match a regular expression.

A pure function of the workspace: ``find(ws, query, filters, today) -> Found``.
What is searched, one entry per line of a file (``entries``):

- a client's name, contact, email, phone, address and website (the custom
  fields at the line of ``custom:``);
- each line of a client's notes, each log line, each commitment and sale;
- each line of a ritual record's notes and each answer written for a client.

A text matches caselessly: both sides are compared as NFKC, case folded
(``caseless``), so ``MÜLLER`` finds ``Müller`` whether the file wrote the
``ü`` as one character or as ``u`` and a combining mark, and Cyrillic,
Greek or CJK text is compared as itself, never stripped. Accents count:
``muller`` does not find ``Müller``. A regular expression (``/…/``, or
``regex=True``) is matched against the line as written, ignoring case.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, NamedTuple

from rippledoc.model import Client, RitualRecord
from rippledoc.book.book import Book
from rippledoc.parse.grammar.note import note_offset
from rippledoc.views.jsonable import View

KINDS = ("name", "contact", "email", "phone", "address", "website", "custom", "notes", "log", "commitment",
         "sale", "ritual")
FIELDS = ("contact", "email", "phone", "address", "website")


class FindError(ValueError):
    """The query cannot be searched for (empty, a bad regular expression); the message says why."""


def caseless(text: str) -> str:
    """Text as ``find`` compares it: NFKC, case folded, NFKC again (caseless matching that keeps every script)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


# ---------------------------------------------------------------- what is searched

class Entry(NamedTuple):
    """One searchable line of the book (a named tuple: a large book has a million of them)."""
    path: str
    line: int
    kind: str  # one of KINDS
    client: Client | None  # None: a line of a ritual record about several clients
    date: date | None  # a touch's, a sale's, a record's date; a commitment's due date; None for the rest
    by: str | None  # who made the touch (log lines only; the author, else me:)
    text: str  # the line as written (a field: 'key: value')
    tags: tuple[str, ...] = ()  # the line's own #tags (log lines)
    state: str | None = None  # a commitment's state today: kept, late, open, overdue
    at: int = 0  # the part of text that is searched starts here (a field: its value, not its key)
    end: int | None = None  # and ends here (None: at the end)
    note_at: int = 0  # a log line: where its note starts (the site's index holds the words of the note only)

    @property
    def searched(self) -> str:
        return self.text[self.at:self.end]


def _field(path: str, line: int, kind: str, c: Client | None, when: date | None, key: str, value: object) -> Entry:
    """An entry that shows 'key: value' and is searched by its value."""
    return Entry(path, line, kind, c, when, None, f"{key}: {value}", at=len(key) + 2)


def client_entries(c: Client, me: str | None, today: date) -> Iterator[Entry]:
    """Every searchable line of one client file, in the order of the file."""
    path, lines = c.path, c.field_lines
    out = [_field(path, lines.get("name", 1), "name", c, None, "name", c.name)]
    out += [_field(path, lines.get(key, 1), key, c, None, key, getattr(c, key)) for key in FIELDS if getattr(c, key)]
    out += [_field(path, lines.get("custom", 1), "custom", c, None, key, value) for key, value in c.custom.items()]
    for s in c.sales:
        out.append(Entry(path, s.source.line, "sale", c, s.date, None, f"{s.what} ({s.amount:g})",
                         end=len(s.what)))
    for k in c.commitments:
        done = f", done {k.done.isoformat()}" if k.done else ""
        out.append(Entry(path, k.source.line, "commitment", c, k.due, None,
                         f"{k.what} (due {k.due.isoformat()}{done})", state=k.state(today), end=len(k.what)))
    if c.notes:
        for i, text in enumerate(c.notes.split("\n")):
            if text.strip():
                out.append(Entry(path, c.notes_line + i, "notes", c, None, None, text.rstrip("\r")))
    for t in c.log:
        out.append(Entry(path, t.source.line, "log", c, t.date, t.by or me, t.text, t.tags, note_at=note_offset(t)))
    out.sort(key=lambda e: e.line)
    return iter(out)


def record_entries(r: RitualRecord, ws: Book) -> Iterator[Entry]:
    """A ritual record's answers for its clients and the lines of its notes (its client's, for a one-client sheet)."""
    path = r.source.path
    only = ws.client(r.entries[0].client) if len(r.entries) == 1 else None
    for e in r.entries:
        c = ws.client(e.client)
        for key, value in e.answers.items():
            if str(value).strip():
                yield _field(path, e.source.line, "ritual", c, r.date, f"{e.client}: {key}", value)
    if r.body and r.body_line:
        for i, text in enumerate(r.body.split("\n")):
            if text.strip():
                yield Entry(path, r.body_line + i, "ritual", only, r.date, None, text.rstrip("\r"))


def entries(ws: Book, today: date) -> Iterator[Entry]:
    """Every searchable line of the book: client files by path, then ritual records by path."""
    me = ws.settings.me
    for c in sorted(ws.clients, key=lambda c: c.path):
        yield from client_entries(c, me, today)
    for r in sorted(ws.records, key=lambda r: r.source.path):
        yield from record_entries(r, ws)


# ---------------------------------------------------------------- the query

@dataclass(frozen=True, slots=True)
class Query:
    """What to look for: a text (compared ``caseless``) or a regular expression."""
    text: str
    regex: bool = False
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    needle: str = ""  # the text as compared


def parse_query(text: str, regex: bool = False) -> Query:
    """``TEXT``, ``/REGEX/`` or, with ``regex``, ``REGEX``. Raises ``FindError`` for an empty or bad one."""
    if not regex and len(text) > 2 and text.startswith("/") and text.endswith("/"):
        text, regex = text[1:-1], True
    if not text.strip():
        raise FindError("nothing to find: the text is empty")
    if not regex:
        return Query(text, needle=caseless(text))
    try:
        pattern = re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise FindError(f"'{text}' is not a regular expression: {exc}") from None
    if pattern.search("") is not None:
        raise FindError(f"the regular expression '{text}' matches an empty text, so it would match every line")
    return Query(text, True, pattern)


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each character with the combining marks that follow it."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        yield i, j
        i = j


def text_spans(text: str, needle: str) -> tuple[tuple[int, int], ...] | None:
    """Where the folded ``needle`` occurs in ``text``, as (start, end) offsets into ``text``; None: it does not.

    When folding changes the length (``ß`` -> ``ss``, a ligature, a composed
    accent) offsets are mapped back character by character; a match that
    cannot be mapped is reported as the whole line.
    """
    folded = caseless(text)
    at = folded.find(needle)
    if at < 0:
        return None
    starts = []
    while at >= 0:
        starts.append(at)
        at = folded.find(needle, at + len(needle))
    if text.isascii():  # folding is lower(): the offsets are the same
        return tuple((s, s + len(needle)) for s in starts)
    pieces = [(a, b, caseless(text[a:b])) for a, b in _clusters(text)]
    if "".join(p[2] for p in pieces) != folded:
        return ((0, len(text)),)
    where: list[tuple[int, int]] = []  # folded offset -> (start, end) in text
    for a, b, f in pieces:
        where += [(a, b)] * len(f)
    return tuple((where[s][0], where[s + len(needle) - 1][1]) for s in starts)


def spans(query: Query, text: str) -> tuple[tuple[int, int], ...] | None:
    """The query's matches in one text, or None."""
    if query.pattern is None:
        return text_spans(text, query.needle)
    found = tuple((m.start(), m.end()) for m in query.pattern.finditer(text) if m.end() > m.start())
    return found or None


def entry_spans(query: Query, e: Entry) -> tuple[tuple[int, int], ...] | None:
    """The query's matches in the searched part of an entry, as offsets into its whole text."""
    found = spans(query, e.searched)
    if found is None or not e.at:
        return found
    return tuple((a + e.at, b + e.at) for a, b in found)


# ---------------------------------------------------------------- the view

@dataclass(frozen=True, slots=True)
class Filters:
    client: str | None = None  # a slug
    since: date | None = None  # only lines dated on or after (undated lines are left out)
    tag: str | None = None  # the client's tags: or the line's #tags
    by: str | None = None  # only log lines by this person (a team key)


@dataclass(frozen=True, slots=True)
class Match(View):
    path: str
    line: int
    kind: str
    client: str | None  # slug
    name: str | None  # the client's name
    date: date | None
    by: str | None
    text: str  # the line as written
    spans: tuple[tuple[int, int], ...]  # where the query matched in text: [start, end) offsets
    state: str | None = None  # a commitment's state: kept, late, open, overdue

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Found(View):
    query: str
    regex: bool
    filters: Filters
    matches: tuple[Match, ...]
    clients: int  # how many clients the matches belong to


def _keep(e: Entry, f: Filters) -> bool:
    if f.client is not None and (e.client is None or e.client.slug != f.client):
        return False
    if f.since is not None and (e.date is None or e.date < f.since):
        return False
    if f.by is not None and (e.kind != "log" or e.by != f.by):
        return False
    if f.tag is not None:
        tag = f.tag.lower().lstrip("#")
        if tag not in e.tags and (e.client is None or tag not in (t.lower() for t in e.client.tags)):
            return False
    return True


def find(ws: Book, query: Query, filters: Filters, today: date) -> Found:
    """Every line of the book the query matches, that passes the filters, in file and line order."""
    matches = []
    if filters.client is not None:
        c = ws.client(filters.client)
        lines: Iterator[Entry] = iter(()) if c is None else client_entries(c, ws.settings.me, today)
        lines = iter([*lines, *(e for r in sorted(ws.records, key=lambda r: r.source.path)
                               for e in record_entries(r, ws))])
    else:
        lines = entries(ws, today)
    for e in lines:
        if not _keep(e, filters):
            continue
        found = entry_spans(query, e)
        if found is None:
            continue
        c = e.client
        matches.append(Match(e.path, e.line, e.kind, c.slug if c else None, c.name if c else None, e.date, e.by,
                             e.text, found, e.state))
    return Found(query.text, query.regex, filters, tuple(matches),
                 len({m.client for m in matches if m.client is not None}))
