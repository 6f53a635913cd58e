"""The words every view uses, each defined once: active, on the book, a call, last reached, tell them early.

A commitment's state (kept, renegotiated, late, open, overdue) is
``Commitment.state`` in ``rippledoc/model.py``, and how the promise went
(kept, renegotiated, late, missed) is ``Commitment.verdict`` beside it; the reporting period is ``Span`` in
``rippledoc/parse/periods.py``; a story is one per touch (``parse/marks.py``).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from rippledoc.model import Client, Commitment, Touch
from rippledoc.book.indexed import figures_of

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
    if asof is None and (known := figures_of(c)) is not None:
        return known.last_reached
    for t in reversed(c.log):
        if t.reached and (asof is None or t.date <= asof):
            return t
    return None


def working_days(start: date, end: date, weekdays: Iterable[int]) -> int:
    """How many days from ``start`` to ``end`` (both included) fall on one of ``weekdays`` (Monday = 0)."""
    allowed = set(weekdays)
    return sum((start + timedelta(days=i)).weekday() in allowed for i in range((end - start).days + 1))


TELL_EARLY_DAYS = 7
"""Open commitments due within this many days with no progress noted are "tell them early" items."""


def last_word(k: Commitment) -> date | None:
    """The day the client last heard of this commitment from its own entry: the latest move's ``told``, else
    the day it was ``made``."""
    told = [m.told for m in k.moves if m.told is not None]
    return max(told) if told else k.made


def progress_noted(c: Client, k: Commitment) -> bool:
    """A touch that reached or was sent to the client (not a no-answer) is logged after ``last_word``: the
    file shows they heard from you since. A commitment without ``made`` or a move told: any such touch."""
    known = figures_of(c)
    if known is not None:
        for i, x in enumerate(c.commitments):
            if x is k:
                return known.progress[i]
    since = last_word(k)
    return any(t.outcome != "no-answer" and (since is None or t.date > since) for t in c.log)


def tell_them_early(clients: Iterable[Client], today: date, days: int = TELL_EARLY_DAYS
                    ) -> list[tuple[Client, Commitment]]:
    """Open commitments of active clients due from today to ``days`` days ahead with no progress noted,
    soonest first: keep them, or say so now, with a plan."""
    end = today + timedelta(days=days)
    found = [(c, k) for c in clients if is_active(c, today) for k in c.commitments
             if k.done is None and today <= k.due <= end and not progress_noted(c, k)]
    return sorted(found, key=lambda ck: (ck[1].due, ck[0].name.lower(), ck[1].what))
