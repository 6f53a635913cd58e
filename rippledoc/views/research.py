"""What to know before dialling: the essay's calendar alert, as data.

``research_notes(client, ws, today, at=None) -> dict`` (JSON-able): tenure,
products, contact, phone, email, their local time (at ``at``, the planned
slot, when given; None, as the zone, when the file gives none), the last three touches, open commitments, the latest
connection scores, the handoffs still open and the success stories. ``notes_text`` renders it as the
few lines a calendar event or the terminal shows.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rippledoc.model import Client
from rippledoc.book.book import Book
from rippledoc.views.plan import UNKNOWN_ZONE

LAST_TOUCHES = 3
STORIES = 3


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


def latest_scores(client: Client, ws: Book) -> dict[str, object] | None:
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


def _touch(t) -> dict[str, object]:
    return {"date": t.date.isoformat(), "kind": t.kind, "outcome": t.outcome, "by": t.by, "note": t.note,
            "tags": list(t.tags)}


def research_notes(client: Client, ws: Book, today: date, at: datetime | None = None) -> dict[str, object]:
    zone = client.timezone or None  # None: the file gives no zone, so their local hour is not known
    local = at.astimezone(ZoneInfo(zone)) if at is not None and zone else None
    stories = [t for t in client.log if "success" in t.tags][-STORIES:]
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
        "last_touches": [_touch(t) for t in client.log[-LAST_TOUCHES:]][::-1],
        "open_commitments": [{"what": c.what, "due": c.due.isoformat(), "state": c.state(today)}
                             for c in sorted(open_commitments, key=lambda c: c.due)],
        "scores": latest_scores(client, ws),
        "success_stories": [_touch(t) for t in stories][::-1],
        "open_handoffs": _handoffs(client, ws, today),
        "path": client.path,
    }


def _handoffs(client: Client, ws: Book, today: date) -> list[dict[str, object]]:
    """The client's handoffs still open: a colleague owes them a call (rippledoc.views.followups)."""
    from rippledoc.views.followups import handoff_list
    return [{"owner": h.owner, "department": h.department, "due": h.due.isoformat(), "state": h.state(today),
             "what": h.what} for h in handoff_list(ws, today) if h.client.slug == client.slug]


def notes_text(notes: dict[str, object]) -> str:
    """The notes as plain lines, for a calendar event's description or the terminal."""
    lines = []
    head = ", ".join(x for x in (notes["tenure"], f"{notes['level']} client",
                                 f"{notes['grade']} grade" if notes["grade"] else "") if x)
    lines.append(f"{notes['name']}: {head}")
    if notes["products"]:
        lines.append("Uses: " + ", ".join(notes["products"]))  # type: ignore[arg-type]
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
        for t in touches:  # type: ignore[union-attr]
            by = f" by {t['by']}" if t["by"] else ""
            note = f": {t['note']}" if t["note"] else ""
            lines.append(f"  {t['date']} {t['kind']} {t['outcome']}{by}{note}")
    if notes["open_commitments"]:
        lines.append("Open commitments:")
        for c in notes["open_commitments"]:  # type: ignore[union-attr]
            lines.append(f"  {c['what']} (due {c['due']}{', OVERDUE' if c['state'] == 'overdue' else ''})")
    s = notes["scores"]
    if s:
        scores = ", ".join(f"{k} {v}" for k, v in s["scores"].items())  # type: ignore[index,union-attr]
        lines.append(f"Connection scores ({s['period']}): {scores}")  # type: ignore[index]
    if notes.get("open_handoffs"):
        lines.append("Open handoffs:")
        for h in notes["open_handoffs"]:  # type: ignore[union-attr]
            dept = f" ({h['department']})" if h["department"] else ""
            lines.append(f"  {h['owner']}{dept} by {h['due']}{', OVERDUE' if h['state'] == 'overdue' else ''}"
                         + (f": {h['what']}" if h["what"] else ""))
    if notes["success_stories"]:
        lines.append("Success stories:")
        for t in notes["success_stories"]:  # type: ignore[union-attr]
            lines.append(f"  {t['date']}: {t['note']}")
    return "\n".join(lines)
