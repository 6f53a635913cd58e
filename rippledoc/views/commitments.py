"""The commitments coming due: what the dashboard lists under "Commitments due"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rippledoc.book.book import Book
from rippledoc.model import Client, Commitment

HORIZON = 14  # days ahead


@dataclass(frozen=True, slots=True)
class CommitmentView:
    client: Client
    commitment: Commitment
    state: str  # Commitment.state: open or overdue here
    days: int  # days until due (negative: overdue)


def commitments_due(book: Book, today: date, horizon: int = HORIZON) -> list[CommitmentView]:
    """Open commitments that are overdue or due within ``horizon`` days, soonest first."""
    out = []
    for c in book.clients:
        for k in c.commitments:
            state = k.state(today)
            days = (k.due - today).days
            if state in ("open", "overdue") and days <= horizon:
                out.append(CommitmentView(c, k, state, days))
    return sorted(out, key=lambda v: (v.commitment.due, v.client.name))
