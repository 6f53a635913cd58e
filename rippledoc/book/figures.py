"""What every view asks of a client's log, each defined once: last reached, the open callback, the last touch,
progress on a commitment, the last call; and ``Figures``, their answers for one file.

A client from the derived index (rippledoc/book/indexed.py) carries its
``Figures``, computed by these same functions when its row was written, so
that ``today``, ``due`` and ``check`` need not decode its log; each function
looks there first. Any other client (parsed just now, or changed since with
``dataclasses.replace``) is answered from its log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rippledoc.model import Client, Commitment, Touch

CALL_KINDS = ("call", "meeting", "visit")
"""A call: a conversation by phone or face to face. Emails and letters are touches, not calls."""


def last_reached(c: Client, asof: date | None = None) -> Touch | None:
    """The client's latest touch that reached them, on or before ``asof`` (any date when None)."""
    if asof is None and (known := figures_of(c)) is not None:
        return known.last_reached
    for t in reversed(c.log):
        if t.reached and (asof is None or t.date <= asof):
            return t
    return None


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


def open_callback(client: Client) -> Touch | None:
    """The newest promise ``next: DATE`` not yet followed by a call, meeting or visit."""
    if (known := figures_of(client)) is not None:
        return known.open_callback
    log = client.log
    for i in range(len(log) - 1, -1, -1):
        t = log[i]
        if t.next is not None:
            return t
        if t.kind in CALL_KINDS:
            return None  # a later attempt settles older promises
    return None


def last_touch(client: Client) -> date | None:
    """The day of the client's latest touch that reached them or was sent (what settles a date that matters);
    the log is in date order."""
    if (known := figures_of(client)) is not None:
        return known.last_touch
    return next((t.date for t in reversed(client.log) if t.outcome in ("reached", "sent")), None)


def logged_calls(c: Client, today: date) -> tuple[date | None, int]:
    """The day of the client's latest call on or before ``today``, and how many calls it has on ``today``."""
    known = figures_of(c)
    if known is not None and (known.last_call is None or known.last_call <= today):
        return known.last_call, known.last_call_count if known.last_call == today else 0
    calls = [t.date for t in c.log if t.kind == "call" and t.date <= today]
    return max(calls, default=None), calls.count(today)



@dataclass(frozen=True, slots=True)
class Figures:
    """The answers of the functions below for one client, with every argument they are asked with in a view."""
    last_reached: Touch | None  # last_reached(c)
    open_callback: Touch | None  # open_callback(c)
    last_touch: date | None  # last_touch(c)
    progress: tuple[bool, ...]  # progress_noted(c, k) for each commitment k, in order
    last_call: date | None  # logged_calls(c, date.max): the day of the latest call
    last_call_count: int  # how many calls were logged on that day


def figures(c: Client) -> Figures:
    """The figures of a client, from its log."""
    last, _ = logged_calls(c, date.max)
    return Figures(last_reached(c), open_callback(c), last_touch(c), tuple(progress_noted(c, k) for k in c.commitments),
                   last, logged_calls(c, last)[1] if last else 0)


def figures_of(c: Client) -> Figures | None:
    """The figures a client from the index carries (None: any other client)."""
    return getattr(c, "figures", None)
