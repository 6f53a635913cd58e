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
# what the log says of a client, defined with its figures kept in the index (imported from here by the views)
from rippledoc.book.figures import CALL_KINDS, last_reached, last_word, progress_noted  # noqa: F401

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


def working_days(start: date, end: date, weekdays: Iterable[int]) -> int:
    """How many days from ``start`` to ``end`` (both included) fall on one of ``weekdays`` (Monday = 0)."""
    allowed = set(weekdays)
    return sum((start + timedelta(days=i)).weekday() in allowed for i in range((end - start).days + 1))


TELL_EARLY_DAYS = 7
"""Open commitments due within this many days with no progress noted are "tell them early" items."""


def tell_them_early(clients: Iterable[Client], today: date, days: int = TELL_EARLY_DAYS
                    ) -> list[tuple[Client, Commitment]]:
    """Open commitments of active clients due from today to ``days`` days ahead with no progress noted,
    soonest first: keep them, or say so now, with a plan."""
    end = today + timedelta(days=days)
    found = [(c, k) for c in clients if is_active(c, today) for k in c.commitments
             if k.done is None and today <= k.due <= end and not progress_noted(c, k)]
    return sorted(found, key=lambda ck: (ck[1].due, ck[0].name.lower(), ck[1].what))
