"""The planned calls as an RFC 5545 calendar, written with the ``icalendar`` library: the file
``export ics`` writes and the feed ``calls.ics`` that ``build`` puts in the site for a calendar to
subscribe to (khal/vdirsyncer, Thunderbird, any client that reads a file or a URL).

One VEVENT per planned call, at its slot in my zone (TZID with a VTIMEZONE
the library builds from the tz database); a due call for which no time in my
windows suits both sides soon becomes an all-day event that says so. The
description holds the research notes; a VALARM reminds before the call.

A subscribed calendar moves an event when the same UID comes back with a
higher SEQUENCE, and drops the events the feed no longer has. So:

- the UID names the client's *due call*, not a day: the call that settles
  what the client is due for. For a cadence, a callback or a first call it
  is the next call after the last touch that reached them
  (``kestrel-freight-lines-after-2026-10-27@rippledoc``, ``…-first@…``;
  ``…-2@…`` for the second such call the forecast plans within the feed's
  days); a voicemail, a snooze or a busier day moves it and keeps its UID,
  and once a call reaches them the next one has a new UID. A birthday or an
  anniversary is its own call (``…-birthday-2026-12-05@rippledoc``).
- SEQUENCE is the days from the last reached touch (else ``since``, else
  2000-01-01) to today, plus the touches logged since it: it grows every day
  and with every attempt, from the files alone.
- DTSTAMP is when the files were last changed (``files_stamp``: the newest
  modification time of the book's files, UTC, or ``SOURCE_DATE_EPOCH`` when
  set), which tells two versions of one day apart while the same files give
  the same bytes (a site built twice is byte for byte the same). Without
  ``stamp``: today's midnight, UTC.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from rippledoc import __version__
from rippledoc.book.book import Book
from rippledoc.model import Client
from rippledoc.views.due import OCCASIONS
from rippledoc.views.plan import PlannedCall, forecast, no_overlap_note
from rippledoc.views.research import notes_text, research_notes
from rippledoc.views.terms import last_reached

PRODID = f"-//rippledoc//rippledoc {__version__}//EN"
UID_DOMAIN = "rippledoc"
FEED = "calls.ics"  # the feed's name in the built site
FEED_DAYS = 14
REFRESH = timedelta(hours=1)  # how often a subscribed calendar is asked to fetch the feed again
EPOCH = date(2000, 1, 1)  # SEQUENCE's start for a client never reached and without 'since'
LABELS = {"callback": "Call back", "never": "First call to", "birthday": "Birthday call to",
          "anniversary": "Anniversary call to"}


def uid(client: Client, call: PlannedCall, n: int = 1) -> str:
    """The UID of the client's due call (module docstring); ``n``: the how-manieth such call in the feed."""
    item = call.item
    if item.kind in OCCASIONS and item.occasion is not None:
        return f"{client.slug}-{item.kind}-{item.occasion.isoformat()}@{UID_DOMAIN}"
    last = last_reached(client)
    basis = f"after-{last.date.isoformat()}" if last else "first"
    return f"{client.slug}-{basis}{f'-{n}' if n > 1 else ''}@{UID_DOMAIN}"


def sequence(client: Client, today: date) -> int:
    """Days from the last reached touch (else ``since``, else 2000-01-01) to today, plus the touches logged
    since it: never smaller tomorrow, larger after each attempt."""
    last = last_reached(client)
    anchor = last.date if last else client.since or EPOCH
    attempts = sum(1 for t in client.log if t.date >= anchor and t != last)  # equal: it may come from the index
    return max(0, (today - anchor).days) + attempts


def description(call: PlannedCall, ws: Book, today: date) -> str:
    lines = [f"Why: {call.item.reason}" + (" (early, to spread the load)" if call.early else "")]
    if call.note:
        lines.append(call.note)
    lines.append("")
    lines.append(notes_text(research_notes(call.client, ws, today, call.start)))
    lines.append("")
    lines.append(f"Log it: rippledoc log {call.client.slug} --outcome reached|voicemail|no-answer --note \"…\"")
    return "\n".join(lines)


def planned_calls(ws: Book, today: date, days: int, owner: str | None) -> list[tuple[date, PlannedCall]]:
    """Every call of the forecast, with its day: the planned ones, and a due client whose hours meet none of
    my windows soon as a call without a time on the day it is listed. A client outside my windows who waits
    for a later day's windows is only that day's call."""
    out = []
    for plan in forecast(ws, today, days, owner).days:
        out += [(plan.day, c) for c in plan.calls]
        out += [(plan.day, PlannedCall(o.client, o.item, None, None, None, None, False,
                                       no_overlap_note(plan.day, ws.settings, o.client)))
                for o in plan.outside if o.reach is None or o.reach.window is None]
    return out


def build_calendar(ws: Book, today: date, days: int = FEED_DAYS, owner: str | None = None,
                   alarm_minutes: int = 15, stamp: datetime | None = None) -> bytes:
    """The calendar of the calls planned from ``today`` for ``days`` days (module docstring)."""
    from icalendar import Alarm, Calendar, Event, vDuration
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{ws.settings.title}: calls")
    cal.add("x-wr-timezone", ws.settings.timezone)
    # as durations in so many words: icalendar before 7 does not know these two properties' types
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    stamp = (stamp or datetime.combine(today, time(0), tzinfo=timezone.utc)).astimezone(timezone.utc)
    seen: dict[str, int] = {}
    for day, call in planned_calls(ws, today, days, owner):
        c = ws.client(call.client.slug) or call.client  # the book's, not the forecast's: UIDs come from the files
        key = c.slug if call.item.kind not in OCCASIONS else f"{c.slug} {call.item.kind}"
        seen[key] = seen.get(key, 0) + 1
        ev = Event()
        ev.add("uid", uid(c, call, seen[key]))
        ev.add("sequence", sequence(c, today))
        ev.add("dtstamp", stamp)
        label = LABELS.get(call.item.kind, "Call")
        if call.start is not None:
            ev.add("summary", f"{label} {c.name}")
            ev.add("dtstart", call.start)
            ev.add("dtend", call.end)
        else:
            ev.add("summary", f"{label} {c.name} (no time suits both sides)")
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
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
        else:  # an all-day event: remind at the start of my first window that day
            w = (ws.settings.windows_on(day) or ws.settings.call_window).start
            alarm.add("trigger", timedelta(hours=w.hour, minutes=w.minute - alarm_minutes))
        ev.add_component(alarm)
        cal.add_component(ev)
    # a year either side, so that the VTIMEZONE carries the zone's DST rules
    cal.add_missing_timezones(first_date=today - timedelta(days=366), last_date=today + timedelta(days=days + 366))
    return cal.to_ical()


def files_stamp(ws: Book) -> datetime:
    """When the book's files were last changed: their newest modification time, UTC, to the second;
    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) instead when it is set."""
    import os
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed.isdigit():
        return datetime.fromtimestamp(int(fixed), timezone.utc)
    newest = 0.0
    for rel in ws.paths:
        try:
            newest = max(newest, os.stat(os.path.join(ws.root, rel)).st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(int(newest), timezone.utc)


def site_feed(ws: Book, today: date) -> dict[str, bytes]:
    """``{"calls.ics": …}``: the feed ``build`` and ``serve`` put in the site, the whole book's next
    ``FEED_DAYS`` days, stamped when its files last changed."""
    return {FEED: build_calendar(ws, today, FEED_DAYS, stamp=files_stamp(ws))}
