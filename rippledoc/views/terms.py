"""The words every view uses, each defined once: active, on the book, a call, last reached.

A commitment's state (kept, late, open, overdue) is ``Commitment.state`` in
``rippledoc/model.py``; the reporting period is ``Span`` in
``rippledoc/views/periods.py``; a story is one per touch (``parse/marks.py``).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from rippledoc.model import Client, Touch

CALL_KINDS = ("call", "meeting", "visit")
"""A call: a conversation by phone or face to face. Emails and letters are touches, not calls."""


def is_call(t: Touch) -> bool:
    return t.kind in CALL_KINDS


def is_active(c: Client, on: date) -> bool:
    """An active client on day ``on``: status active, and a client already (``since`` not after ``on``).
    Only active clients are due, planned and counted in coverage."""
    return c.status == "active" and (c.since is None or c.since <= on)


def last_activity(c: Client) -> date | None:
    """The latest dated thing in a client file: a touch, a sale, a kept commitment."""
    days = [t.date for t in c.log] + [s.date for s in c.sales] + [k.done for k in c.commitments if k.done]
    return max(days) if days else None


def on_book(c: Client, d: date) -> bool:
    """On the book on day ``d``: from its ``since`` date; a former client until its last activity.
    Active and paused clients are on the book."""
    if c.since is not None and c.since > d:
        return False
    if c.status == "former":
        left = last_activity(c) or c.since
        return left is not None and d <= left
    return True


def on_book_during(c: Client, start: date, end: date) -> bool:
    """On the book on at least one day from ``start`` to ``end``."""
    if c.since is not None and c.since > end:
        return False
    if c.status == "former":
        left = last_activity(c) or c.since
        return left is not None and left >= start
    return True


def last_reached(c: Client, asof: date | None = None) -> Touch | None:
    """The client's latest touch that reached them, on or before ``asof`` (any date when None)."""
    for t in reversed(c.log):
        if t.reached and (asof is None or t.date <= asof):
            return t
    return None


def working_days(start: date, end: date, weekdays: Iterable[int]) -> int:
    """How many days from ``start`` to ``end`` (both included) fall on one of ``weekdays`` (Monday = 0)."""
    allowed = set(weekdays)
    return sum((start + timedelta(days=i)).weekday() in allowed for i in range((end - start).days + 1))
