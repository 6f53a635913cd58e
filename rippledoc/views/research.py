"""What to know before dialling: the essay's calendar alert, as data.

``research_notes(client, ws, today, at=None) -> dict`` (JSON-able): tenure,
products, contact, phone, email, their local time (at ``at``, the planned
slot, when given; None, as the zone, when the file gives none), the last three touches, open commitments, the latest
connection scores, the handoffs still open and the success stories. ``notes_text`` renders it as the
few lines a calendar event or the terminal shows.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

from rippledoc.model import Client, Touch
from rippledoc.book.book import Book
from rippledoc.views.plan import UNKNOWN_ZONE

LAST_TOUCHES = 3
STORIES = 3


class TouchNote(TypedDict):
    date: str
    kind: str
    outcome: str
    by: str | None
    note: str
    tags: list[str]


class CommitmentNote(TypedDict):
    what: str
    due: str
    state: str


class HandoffNote(TypedDict):
    owner: str
    department: str | None
    due: str
    state: str
    what: str


class Scores(TypedDict):
    ritual: str
    period: str
    date: str
    scores: dict[str, int]
    labels: dict[str, str]


class ResearchNotes(TypedDict):
    """The JSON shape of ``research_notes``."""
    client: str
    name: str
    tenure: str
    since: str | None
    level: str
    grade: str | None
    owner: str | None
    products: list[str]
    contact: str
    phone: str
    email: str
    timezone: str | None
    hours: str
    their_time: str | None
    last_touches: list[TouchNote]
    open_commitments: list[CommitmentNote]
    scores: Scores | None
    success_stories: list[TouchNote]
    open_handoffs: list[HandoffNote]
    path: str


def tenure(since: date | None, today: date) -> str:
    """How long they have been a client, in whole months: ``client for 9 years 8 months`` ('' without ``since``).

    The one wording of tenure: the research notes and the site both use it."""
    if since is None:
        return ""
    months = (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)
    if months < 1:
        return "new client this month"
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' * (years != 1)}")
    if months:
        parts.append(f"{months} month{'s' * (months != 1)}")
    return "client for " + " ".join(parts)


def latest_scores(client: Client, ws: Book) -> Scores | None:
    """The newest ritual record that scored this client."""
    best = None
    for r in ws.records:
        for e in r.entries:
            if e.client == client.slug and e.scores and (best is None or r.date > best[0].date):
                best = (r, e)
    if best is None:
        return None
    r, e = best
    ritual = ws.rituals.get(r.ritual)
    labels = {m.key: m.label for m in ritual.metrics} if ritual else {}
    return {"ritual": r.ritual, "period": r.period, "date": r.date.isoformat(), "scores": dict(e.scores),
            "labels": {k: labels.get(k, k) for k in e.scores}}


def _touch(t: Touch) -> TouchNote:
    return {"date": t.date.isoformat(), "kind": t.kind, "outcome": t.outcome, "by": t.by, "note": t.note,
            "tags": list(t.tags)}


def last_touches(client: Client) -> list[Touch]:
    """The touches the notes recall, newest first."""
    return list(client.log[-LAST_TOUCHES:])[::-1]


def success_touches(client: Client) -> list[Touch]:
    """The success stories the notes recall, newest first."""
    return [t for t in client.log if "success" in t.tags][-STORIES:][::-1]


def research_notes(client: Client, ws: Book, today: date, at: datetime | None = None) -> ResearchNotes:
    zone = client.timezone or None  # None: the file gives no zone, so their local hour is not known
    local = at.astimezone(ZoneInfo(zone)) if at is not None and zone else None
    open_commitments = [c for c in client.commitments if c.done is None]
    return {
        "client": client.slug,
        "name": client.name,
        "tenure": tenure(client.since, today),
        "since": client.since.isoformat() if client.since else None,
        "level": client.level,
        "grade": client.grade,
        "owner": client.owner,
        "products": list(client.products),
        "contact": client.contact,
        "phone": client.phone,
        "email": client.email,
        "timezone": zone,
        "hours": str(client.hours or ws.settings.client_hours),
        "their_time": local.strftime("%a %H:%M") if local else None,
        "last_touches": [_touch(t) for t in last_touches(client)],
        "open_commitments": [{"what": c.what, "due": c.due.isoformat(), "state": c.state(today)}
                             for c in sorted(open_commitments, key=lambda c: c.due)],
        "scores": latest_scores(client, ws),
        "success_stories": [_touch(t) for t in success_touches(client)],
        "open_handoffs": _handoffs(client, ws, today),
        "path": client.path,
    }


def _handoffs(client: Client, ws: Book, today: date) -> list[HandoffNote]:
    """The client's handoffs still open: a colleague owes them a call (rippledoc.views.followups)."""
    from rippledoc.views.followups import handoff_list
    return [{"owner": h.owner, "department": h.department, "due": h.due.isoformat(), "state": h.state(today),
             "what": h.what} for h in handoff_list(ws, today) if h.client.slug == client.slug]


def notes_text(notes: ResearchNotes) -> str:
    """The notes as plain lines, for a calendar event's description or the terminal."""
    lines = []
    head = ", ".join(x for x in (notes["tenure"], f"{notes['level']} client",
                                 f"{notes['grade']} grade" if notes["grade"] else "") if x)
    lines.append(f"{notes['name']}: {head}")
    if notes["products"]:
        lines.append("Uses: " + ", ".join(notes["products"]))
    contact = " · ".join(str(x) for x in (notes["contact"], notes["phone"], notes["email"]) if x)
    if contact:
        lines.append("Contact: " + contact)
    if notes["timezone"] is None:
        lines.append(f"Zone: their time: {UNKNOWN_ZONE}; business hours {notes['hours']} in their zone; "
                     "add timezone: with an IANA name, such as America/Chicago")
    else:
        when = f"their time at the call {notes['their_time']}; " if notes["their_time"] else ""
        lines.append(f"Zone: {when}{notes['timezone']}, business hours {notes['hours']}")
    touches = notes["last_touches"]
    if touches:
        lines.append("Last touches:")
        for t in touches:
            by = f" by {t['by']}" if t["by"] else ""
            note = f": {t['note']}" if t["note"] else ""
            lines.append(f"  {t['date']} {t['kind']} {t['outcome']}{by}{note}")
    if notes["open_commitments"]:
        lines.append("Open commitments:")
        for c in notes["open_commitments"]:
            lines.append(f"  {c['what']} (due {c['due']}{', OVERDUE' if c['state'] == 'overdue' else ''})")
    s = notes["scores"]
    if s:
        scores = ", ".join(f"{k} {v}" for k, v in s["scores"].items())
        lines.append(f"Connection scores ({s['period']}): {scores}")
    if notes.get("open_handoffs"):
        lines.append("Open handoffs:")
        for h in notes["open_handoffs"]:
            dept = f" ({h['department']})" if h["department"] else ""
            lines.append(f"  {h['owner']}{dept} by {h['due']}{', OVERDUE' if h['state'] == 'overdue' else ''}"
                         + (f": {h['what']}" if h["what"] else ""))
    if notes["success_stories"]:
        lines.append("Success stories:")
        for t in notes["success_stories"]:
            lines.append(f"  {t['date']}: {t['note']}")
    return "\n".join(lines)
