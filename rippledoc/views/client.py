"""One client as its page shows it: the card, where and when they can be reached, the log, commitments,
sales, scores and ritual entries, each figure from the one definition (``views/terms.py``,
``Commitment.state``, ``views/research.tenure``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rippledoc.book.book import Book
from rippledoc.model import Client, Commitment, RitualEntry, RitualRecord, Sale, TeamMember, Touch
from rippledoc.views.research import tenure
from rippledoc.views.scores import Series, score_series
from rippledoc.views.terms import last_reached
from rippledoc.views.timeline import LogLine, Produced, log_lines


@dataclass(frozen=True, slots=True)
class ZoneView:
    zone: str
    offset: str  # UTC+01:00
    hours: str  # 08:00-16:30 in their zone
    hours_mine: str  # the same hours in my zone, on ``today``
    same_zone: bool


def _offset(tz: ZoneInfo, when: datetime) -> str:
    delta = tz.utcoffset(when) or timedelta(0)
    sign = "+" if delta >= timedelta(0) else "−"
    minutes = abs(int(delta.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_view(client: Client, book: Book, today: date) -> ZoneView | None:
    if not client.timezone:  # the file gives no zone: not known, never the workspace's
        return None
    hours = client.hours or book.settings.client_hours
    try:
        theirs, mine = ZoneInfo(client.timezone), ZoneInfo(book.settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    start = datetime.combine(today, hours.start, theirs)
    end = datetime.combine(today, hours.end, theirs)
    mine_range = f"{start.astimezone(mine):%H:%M}-{end.astimezone(mine):%H:%M}"
    return ZoneView(str(theirs.key), _offset(theirs, datetime.combine(today, time(12), theirs)), str(hours),
                    mine_range, theirs.key == mine.key)


def days_ago(d: date | None, today: date) -> str:
    if d is None:
        return "never"
    n = (today - d).days
    return "today" if n == 0 else "yesterday" if n == 1 else f"{n} days ago" if n > 0 else f"in {-n} days"


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    commitment: Commitment
    state: str  # Commitment.state on the day: kept, renegotiated, late, open, overdue


@dataclass(frozen=True, slots=True)
class EntryRow:
    record: RitualRecord
    entry: RitualEntry
    ritual_name: str


@dataclass(frozen=True, slots=True)
class ClientView:
    client: Client
    zone: ZoneView | None
    tenure: str  # '' without ``since``
    last_reached: Touch | None
    last_reached_ago: str  # "3 days ago", "never"
    owner: TeamMember | None  # None: no owner, or one not in the team (``client.owner`` says who)
    log: tuple[LogLine, ...]  # newest first
    commitments: tuple[CommitmentRow, ...]  # latest due first
    sales: tuple[Sale, ...]  # newest first
    sales_total: float
    scores: Series
    rituals: dict[str, str]  # ritual key -> name, for the scores' headings
    entries: tuple[EntryRow, ...]  # newest record first


def client_view(book: Book, client: Client, today: date, found: Produced | None = None) -> ClientView:
    """``found``: ``timeline.produced(book)``, when the caller shows many clients (computed here otherwise)."""
    reached = last_reached(client, today)
    return ClientView(
        client=client,
        zone=zone_view(client, book, today),
        tenure=tenure(client.since, today),
        last_reached=reached,
        last_reached_ago=days_ago(reached.date if reached else None, today),
        owner=book.settings.team.get(client.owner) if client.owner else None,
        log=tuple(log_lines(book, ((client, t) for t in reversed(client.log)), today, found)),
        commitments=tuple(CommitmentRow(k, k.state(today))
                          for k in sorted(client.commitments, key=lambda k: k.due, reverse=True)),
        sales=tuple(sorted(client.sales, key=lambda s: s.date, reverse=True)),
        sales_total=sum(s.amount for s in client.sales),
        scores=score_series(book, client.slug),
        rituals={k: r.name for k, r in book.rituals.items()},
        entries=tuple(EntryRow(r, e, book.rituals[r.ritual].name if r.ritual in book.rituals else r.ritual)
                      for r, found in reversed(book.entries.get(client.slug, ())) for e in found),
    )
