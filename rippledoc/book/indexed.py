"""Clients from the derived index (rippledoc/read/index.py): the head of each file now, the rest when asked.

A warm load builds each client from its row's head: every field but those of
``LAZY`` (the log, the notes, the sales, the custom fields, unknown keys and
field lines), and its ``Figures`` (rippledoc/book/figures.py), the few answers
about the log that ``today``, ``due`` and ``check`` ask of every client.
The first read of a lazy field decodes the whole file from the row's body
(or, failing that, parses the file again): an ``IndexedClient`` is a
``Client`` whatever is asked of it, equal to the one a cold load parses.

The link stage's part of each file (its handoffs, kudos, stories and
intelligence, and its diagnostics: ``validate.checked``) is kept in the row too,
each kind decoded when a view first asks for it (``IndexedFollowups``).
"""
from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import fields
from typing import Any, Callable

from rippledoc.diagnostics import Diagnostic
from rippledoc.book.figures import Figures
from rippledoc.model import Client
from rippledoc.parse.marks import Followups, Handoff, Intel, Kudos, Story
from rippledoc.read.cache import decode_diag, decode_rows, encode_diag, encode_rows, fields_codec
from rippledoc.read.index import Index, Row

LAZY = ("log", "notes", "sales", "custom", "extra", "field_lines")
CORE = tuple(f.name for f in fields(Client) if f.name not in LAZY)
KINDS: tuple[tuple[str, type], ...] = (("handoffs", Handoff), ("kudos", Kudos), ("stories", Story), ("intel", Intel))


class IndexedClient(Client):
    """A client whose large fields are decoded on first use, and whose log's answers are known (``figures``)."""

    __slots__ = ("figures", "_fill")
    figures: Figures
    _fill: Callable[[], Client]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Client):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _NAMES)

    __hash__ = Client.__hash__

    def _load(self) -> None:
        # As in load_book: the record's many small objects hold no cycles, so the cyclic collector is kept from
        # running over them now, and they are frozen out of its later passes (a view that reads every log
        # would otherwise spend more time in the collector than in decoding).
        collecting = gc.isenabled()
        gc.disable()
        try:
            full = self._fill()
            for name in LAZY:
                _SLOTS[name].__set__(self, getattr(full, name))
        finally:
            gc.freeze()
            if collecting:
                gc.enable()


_NAMES = tuple(f.name for f in fields(Client))
_SLOTS = {name: Client.__dict__[name] for name in _NAMES}


class _Lazy:
    """A lazy field of ``IndexedClient``: its slot in ``Client``, filled from the whole file when first read."""

    def __init__(self, name: str) -> None:
        self.slot = _SLOTS[name]

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        try:
            return self.slot.__get__(obj, owner)
        except AttributeError:
            obj._load()
            return self.slot.__get__(obj, owner)

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)


for _name in LAZY:
    setattr(IndexedClient, _name, _Lazy(_name))

_HEAD_ENC, _HEAD_DEC = fields_codec(Client, CORE, IndexedClient)
_FIG_ENC, _FIG_DEC = fields_codec(Figures, tuple(f.name for f in fields(Figures)), Figures)


# --- heads -----------------------------------------------------------------------

def encode_head(c: Client | None, always: list[Diagnostic], latest: str | None, linked: list[Diagnostic],
                found: Figures | None, path: str) -> bytes:
    """A file's head; ``c`` None: a file that parses to no client (its diagnostics say why)."""
    from rippledoc.read import cache
    cache._CONTEXT[0] = path
    row = [None if c is None else _HEAD_ENC(c), [encode_diag(d) for d in always], latest,
           [encode_diag(d) for d in linked], None if found is None else _FIG_ENC(found)]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_head(head: bytes, path: str, fill: Callable[[], Client]
                ) -> tuple[IndexedClient | None, list[Diagnostic], str | None, list[Diagnostic]]:
    """(the client, its parse's diagnostics without today's, the latest date they name, its link diagnostics).
    Raises ValueError or TypeError when the head is not of the shape we write."""
    from rippledoc.read import cache
    row = json.loads(head)
    if type(row) is not list or len(row) != 5 or not (row[2] is None or type(row[2]) is str):
        raise TypeError("an index head of the wrong shape")
    cache._CONTEXT[0] = path
    c = None if row[0] is None else _HEAD_DEC(row[0])
    if c is not None:
        object.__setattr__(c, "figures", _FIG_DEC(row[4]))
        object.__setattr__(c, "_fill", fill)
    return c, [decode_diag(d) for d in row[1]], row[2], [decode_diag(d) for d in row[3]]


def encode_followups(f: Followups, path: str) -> tuple[bytes, ...]:
    return tuple(json.dumps(encode_rows(cls, getattr(f, kind), path), ensure_ascii=False,
                            separators=(",", ":")).encode("utf-8") if getattr(f, kind) else b"[]"
                 for kind, cls in KINDS)


# --- the link stage's results, by file ------------------------------------------------

Part = Followups | tuple[Client, Row, Index]  # decoded, or (the client, its row, the index that holds the row)


class IndexedFollowups(Followups):
    """The book's followups, each kind put together from the files' parts when first asked for."""

    __slots__ = ("_parts", "_again", "_made")
    _parts: list[Part]
    _again: Callable[[Client], Followups]  # a client's followups made anew from its log
    _made: dict[str, Followups]  # those made anew, by file

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Followups):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k, _ in KINDS)

    __hash__ = Followups.__hash__

    def _kind(self, kind: str) -> tuple[Any, ...]:
        cls = dict(KINDS)[kind]
        at = [k for k, _ in KINDS].index(kind)
        columns: dict[int, dict[str, bytes]] = {}
        out: list[Any] = []
        for part in self._parts:
            if isinstance(part, Followups):
                out += getattr(part, kind)
                continue
            client, row, index = part
            if _has_log(client):  # decoded already: made from it again is faster than decoded, and shares its touches
                raw = None
            else:
                raw = row.extra[at] if row.extra is not None else None
            if raw is None:
                if id(index) not in columns:
                    columns[id(index)] = index.column(kind)  # one query for the whole book
                raw = columns[id(index)].get(row.name)
                if raw is not None and hashlib.sha256(raw).hexdigest() != row.extra_digest(kind):
                    raw = None
            if raw is None:
                if client.path not in self._made:
                    self._made[client.path] = self._again(client)
                out += getattr(self._made[client.path], kind)
            elif raw != b"[]":
                out += decode_rows(cls, json.loads(raw), client.path, client)
        return tuple(out)


def _has_log(c: Client) -> bool:
    try:
        _SLOTS["log"].__get__(c, type(c))
    except AttributeError:
        return False
    return True


class _LazyKind:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.slot = Followups.__dict__[kind]

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        try:
            return self.slot.__get__(obj, owner)
        except AttributeError:
            value = obj._kind(self.kind)
            self.slot.__set__(obj, value)
            return value

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)


for _kind, _ in KINDS:
    setattr(IndexedFollowups, _kind, _LazyKind(_kind))


def joined(parts: list[Part], again: Callable[[Client], Followups]) -> Followups:
    """The followups of every file, from their parts (in the order of the files); ``again`` makes a client's
    anew when its row no longer holds them."""
    if all(isinstance(p, Followups) for p in parts):
        return Followups(*(tuple(x for p in parts for x in getattr(p, kind)) for kind, _ in KINDS))
    out = object.__new__(IndexedFollowups)
    object.__setattr__(out, "_parts", parts)
    object.__setattr__(out, "_again", again)
    object.__setattr__(out, "_made", {})
    return out
