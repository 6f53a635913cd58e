"""The planned calls as an RFC 5545 calendar, written with the ``icalendar`` library.

One VEVENT per planned call, at its slot in my zone (TZID with a VTIMEZONE
the library builds from the tz database); a call for which no time suits both
sides becomes an all-day event that says so. The description holds the
research notes; a VALARM reminds before the call. UIDs are made of the
client's slug and the day (``kestrel-freight-lines-2026-11-23@rippledoc``),
so importing a newer calendar updates those events instead of adding copies.
Everything is a function of the workspace and ``today`` (DTSTAMP is today's
midnight, UTC): the same input gives the same bytes.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from rippledoc import __version__
from rippledoc.book.book import Book
from rippledoc.views.plan import PlannedCall, forecast, no_overlap_note
from rippledoc.views.research import notes_text, research_notes

PRODID = f"-//rippledoc//rippledoc {__version__}//EN"
UID_DOMAIN = "rippledoc"


def uid(slug: str, day: date) -> str:
    return f"{slug}-{day.isoformat()}@{UID_DOMAIN}"


def description(call: PlannedCall, ws: Book, today: date) -> str:
    lines = [f"Why: {call.item.reason}" + (" (early, to spread the load)" if call.early else "")]
    if call.note:
        lines.append(call.note)
    lines.append("")
    lines.append(notes_text(research_notes(call.client, ws, today, call.start)))
    lines.append("")
    lines.append(f"Log it: rippledoc log {call.client.slug} --outcome reached|voicemail|no-answer --note \"…\"")
    return "\n".join(lines)


def build_calendar(ws: Book, today: date, days: int = 14, owner: str | None = None,
                   alarm_minutes: int = 15) -> bytes:
    from icalendar import Alarm, Calendar, Event
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{ws.settings.title}: calls")
    cal.add("x-wr-timezone", ws.settings.timezone)
    stamp = datetime.combine(today, time(0), tzinfo=timezone.utc)
    for plan in forecast(ws, today, days, owner).days:
        # a client due outside my window is still a call to make: an all-day event on its day
        outside = [PlannedCall(o.client, o.item, None, None, None, None, False,
                               no_overlap_note(plan.day, ws.settings, o.client)) for o in plan.outside]
        for call in list(plan.calls) + outside:
            c = call.client
            ev = Event()
            ev.add("uid", uid(c.slug, plan.day))
            ev.add("dtstamp", stamp)
            label = {"callback": "Call back", "never": "First call to"}.get(call.item.kind, "Call")
            if call.start is not None:
                ev.add("summary", f"{label} {c.name}")
                ev.add("dtstart", call.start)
                ev.add("dtend", call.end)
            else:
                ev.add("summary", f"{label} {c.name} (no time suits both sides)")
                ev.add("dtstart", plan.day)
                ev.add("dtend", plan.day + timedelta(days=1))
                ev.add("transp", "TRANSPARENT")
            ev.add("description", description(call, ws, today))
            if c.phone:
                ev.add("location", c.phone)
            ev.add("categories", ["rippledoc", call.item.kind])
            ev.add("status", "CONFIRMED")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{label} {c.name}")
            if call.start is not None:
                alarm.add("trigger", timedelta(minutes=-alarm_minutes))
            else:  # an all-day event: remind at the start of the call window
                w = ws.settings.call_window.start
                alarm.add("trigger", timedelta(hours=w.hour, minutes=w.minute - alarm_minutes))
            ev.add_component(alarm)
            cal.add_component(ev)
    # a year either side, so that the VTIMEZONE carries the zone's DST rules
    cal.add_missing_timezones(first_date=today - timedelta(days=366), last_date=today + timedelta(days=days + 366))
    return cal.to_ical()
