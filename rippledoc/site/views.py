"""Computed views of the model for the site: pure functions of (workspace, today)."""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import Any, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rippledoc.diagnostics import Diagnostic
from rippledoc.model import Client, Commitment, RitualRecord, Touch
from rippledoc.book.book import Book
from rippledoc.views.research import tenure  # noqa: F401  (the site's pages say tenure as the research notes do)

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def file_name(name: str) -> str:
    """A name that is safe as a file name and as a relative URL (no quoting needed)."""
    if _SAFE.match(name) and not name.endswith("."):
        return name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "page"
    return f"{cleaned}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def client_page(slug: str) -> str:
    return f"clients/{file_name(slug)}.html"


def record_page(record: RitualRecord) -> str:
    """A record's page mirrors its file: ``rituals/twelve-days/2026/2026-12-13-acme.md`` -> ``….html``."""
    parts = record.source.path.removesuffix(".md").split("/")
    if parts and parts[0] == "rituals":
        parts = parts[1:]
    return "rituals/" + "/".join(file_name(p) for p in parts) + ".html"


def slug_of_path(path: str) -> str | None:
    """``clients/acme.md`` -> ``acme``; None for files that are not client files."""
    m = re.match(r"^clients/([^/]+)\.md$", path)
    return m[1] if m else None


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


def zone_view(client: Client, ws: Book, today: date) -> ZoneView | None:
    if not client.timezone:  # the file gives no zone: not known, never the workspace's
        return None
    hours = client.hours or ws.settings.client_hours
    try:
        theirs, mine = ZoneInfo(client.timezone), ZoneInfo(ws.settings.timezone)
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
class CommitmentView:
    client: Client
    commitment: Commitment
    state: str  # kept, late, open, overdue
    days: int  # days until due (negative: overdue)


def commitments(ws: Book, today: date, horizon: int = 14) -> list[CommitmentView]:
    """Open commitments that are overdue or due within ``horizon`` days, soonest first."""
    out = []
    for c in ws.clients:
        for k in c.commitments:
            state = k.state(today)
            days = (k.due - today).days
            if state in ("open", "overdue") and days <= horizon:
                out.append(CommitmentView(c, k, state, days))
    return sorted(out, key=lambda v: (v.commitment.due, v.client.name))


@dataclass(frozen=True, slots=True)
class TaggedTouch:
    client: Client
    touch: Touch


def tagged(ws: Book, tags: Iterable[str]) -> list[TaggedTouch]:
    want = set(tags)
    found = [TaggedTouch(c, t) for c in ws.clients for t in c.log if want & set(t.tags)]
    return sorted(found, key=lambda x: (x.touch.date, x.client.name), reverse=True)


def recent_touches(ws: Book, today: date, days: int = 14) -> list[TaggedTouch]:
    since = today - timedelta(days=days)
    found = [TaggedTouch(c, t) for c in ws.clients for t in c.log if since <= t.date <= today]
    return sorted(found, key=lambda x: (x.touch.date, x.client.name), reverse=True)


def score_series(ws: Book, slug: str | None = None) -> dict[str, dict[str, list[tuple[date, float]]]]:
    """ritual key -> metric label -> [(date, score)]: one client's scores, or the book's average per record."""
    out: dict[str, dict[str, list[tuple[date, float]]]] = {}
    rows = ([(r, r.entries) for r in sorted(ws.records, key=lambda r: r.date)] if slug is None
            else ws.entries.get(slug, ()))
    for r, entries in rows:
        ritual = ws.rituals.get(r.ritual)
        if ritual is None or not ritual.metrics:
            continue
        for m in ritual.metrics:
            values = [e.scores[m.key] for e in entries if m.key in e.scores]
            if values:
                out.setdefault(r.ritual, {}).setdefault(m.label, []).append((r.date, round(mean(values), 2)))
    return out


@dataclass(frozen=True, slots=True)
class Heatmap:
    ritual: str
    name: str
    columns: list[RitualRecord]
    rows: list[tuple[Client | None, str, list[float | None]]]  # client, slug, mean score per column
    low: int
    high: int


def heatmaps(ws: Book, weeks: int = 12) -> list[Heatmap]:
    """Scored rituals as a client x period grid of mean scores, the last ``weeks`` records."""
    out = []
    for key, ritual in sorted(ws.rituals.items()):
        if not ritual.metrics:
            continue
        records = sorted((r for r in ws.records if r.ritual == key), key=lambda r: r.date)[-weeks:]
        if not records:
            continue
        slugs = sorted({e.client for r in records for e in r.entries})
        rows = []
        for slug in slugs:
            cells: list[float | None] = []
            for r in records:
                scores = [v for e in r.entries if e.client == slug for v in e.scores.values()]
                cells.append(round(mean(scores), 1) if scores else None)
            rows.append((ws.client(slug), slug, cells))
        rows.sort(key=lambda row: row[0].name.lower() if row[0] else row[1])
        low = min(m.low for m in ritual.metrics)
        high = max(m.high for m in ritual.metrics)
        out.append(Heatmap(key, ritual.name, records, rows, low, high))
    return out


def heat_class(value: float | None, low: int, high: int) -> str:
    if value is None:
        return "h-none"
    step = (value - low) / ((high - low) or 1)
    return f"h{1 + min(4, int(step * 5))}"


def diagnostics_by_path(diags: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    out: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diags:
        out[d.path].append(d)
    return out
