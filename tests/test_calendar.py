"""The ICS calendar, read back by an independent parser (vobject) and checked field by field."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject
from click.testing import CliRunner

from rippledoc.exchange.ics import build_calendar
from rippledoc.cli.app import main
from conftest import load_workspace

SETTINGS = """\
title: Ripple Consulting
me: stan
timezone: America/New_York
call_window: "09:30-11:30"
team:
  stan: {name: Stan Ortiz}
"""
KESTREL = """\
---
name: Kestrel Freight Lines
contact: Ray Dufresne
phone: "+1 312 555 0163"
email: ray@kestrel.example
timezone: America/Chicago
since: 2011-02-01
level: key
products: [dispatch-app, hosting]
commitments:
  - {made: 2026-10-27, due: 2026-11-13, what: Cost estimate for the cloud}
---
## Log
- 2026-10-27 call reached by stan: wants a number; a long note to make the description fold over many lines, é and ü included.
- 2026-11-16 call no-answer by stan: next: 2026-11-23
"""
SAKURA = """\
---
name: Sakura Ridge Logistics
timezone: Asia/Tokyo
---
## Log
- 2026-11-17 call voicemail by stan: next: 2026-11-24
"""
MON = date(2026, 11, 23)
NY = ZoneInfo("America/New_York")


def book(workspace):
    root = workspace({"rippledoc.yaml": SETTINGS, "clients/kestrel-freight-lines.md": KESTREL,
                      "clients/sakura-ridge.md": SAKURA})
    ws, diags = load_workspace(root, MON)
    assert [d for d in diags if d.is_error] == []
    return root, ws


def test_every_field_read_back_by_vobject(workspace):
    _, ws = book(workspace)
    data = build_calendar(ws, MON, days=2)
    cal = vobject.readOne(data.decode("utf-8"))
    assert cal.version.value == "2.0"
    assert cal.prodid.value == "-//rippledoc//rippledoc 0.1.0//EN"
    assert cal.contents["x-wr-calname"][0].value == "Ripple Consulting: calls"
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["America/New_York"]
    events = {e.uid.value: e for e in cal.vevent_list}
    assert sorted(events) == ["kestrel-freight-lines-after-2026-10-27@rippledoc", "sakura-ridge-first@rippledoc"]

    k = events["kestrel-freight-lines-after-2026-10-27@rippledoc"]
    assert k.summary.value == "Call back Kestrel Freight Lines"
    assert k.dtstart.value == datetime(2026, 11, 23, 10, 0, tzinfo=NY)
    assert k.dtstart.value.utcoffset() == timedelta(hours=-5)
    assert k.dtstart.value.tzinfo is not None
    assert k.dtend.value == datetime(2026, 11, 23, 10, 30, tzinfo=NY)
    assert k.dtstamp.value == datetime(2026, 11, 23, tzinfo=ZoneInfo("UTC"))
    assert k.location.value == "+1 312 555 0163"
    assert k.status.value == "CONFIRMED"
    assert k.categories.value == ["rippledoc", "callback"]
    desc = k.description.value
    assert desc.splitlines()[:5] == [
        "Why: promised a call back today after a no-answer on Mon 16 Nov; last reached 27 days ago",
        "",
        "Kestrel Freight Lines: client for 15 years 9 months, key client",
        "Uses: dispatch-app, hosting",
        "Contact: Ray Dufresne · +1 312 555 0163 · ray@kestrel.example",
    ]
    assert "Zone: their time at the call Mon 09:00; America/Chicago, business hours 09:00-17:00" in desc
    assert "  2026-10-27 call reached by stan: wants a number; a long note to make the description fold over " \
           "many lines, é and ü included." in desc
    assert "  Cost estimate for the cloud (due 2026-11-13, OVERDUE)" in desc
    [alarm] = k.valarm_list
    assert alarm.action.value == "DISPLAY" and alarm.trigger.value == timedelta(minutes=-15)
    assert alarm.description.value == "Call back Kestrel Freight Lines"

    s = events["sakura-ridge-first@rippledoc"]
    assert s.summary.value == "Call back Sakura Ridge Logistics (no time suits both sides)"
    assert s.dtstart.value == date(2026, 11, 24) and s.dtend.value == date(2026, 11, 25)
    assert s.transp.value == "TRANSPARENT"
    assert s.valarm.trigger.value == timedelta(hours=9, minutes=15)
    # Tue 09:30 in New York is Tue 23:30 in Tokyo: their Tuesday is over, their Wednesday opens at 19:00 ours
    assert ("no overlap with your window 09:30-11:30: their hours are 09:00-17:00 Asia/Tokyo, next reachable "
            "Wed 25 Nov 09:00 their time = Tue 24 Nov 19:00 your time") in s.description.value


def test_the_raw_text_is_folded_crlf_and_the_library_agrees(workspace):
    _, ws = book(workspace)
    data = build_calendar(ws, MON, days=2)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(l) for l in lines) <= 75
    assert any(l.startswith(b" ") for l in lines)  # the description is folded
    assert b"DTSTART;TZID=America/New_York:20261123T100000" in lines
    assert b"DTEND;TZID=America/New_York:20261123T103000" in lines
    assert b"DTSTART;VALUE=DATE:20261124" in lines
    cal = icalendar.Calendar.from_ical(data)
    [ev] = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("kestrel")]
    assert ev.decoded("DTSTART") == datetime(2026, 11, 23, 10, 0, tzinfo=NY)
    assert str(ev["DESCRIPTION"]) == vobject.readOne(data.decode()).vevent.description.value


def test_the_same_book_gives_the_same_bytes_and_uids(workspace):
    _, ws = book(workspace)
    assert build_calendar(ws, MON, days=5) == build_calendar(ws, MON, days=5)
    uids = lambda d: [e.uid.value for e in vobject.readOne(build_calendar(ws, d, days=1).decode()).vevent_list]
    assert uids(MON) == ["kestrel-freight-lines-after-2026-10-27@rippledoc"]


def test_export_ics_writes_a_file(workspace, tmp_path):
    root, _ = book(workspace)
    out = tmp_path / "calls.ics"
    r = CliRunner().invoke(main, ["-C", str(root), "export", "ics", "--days", "2", "-o", str(out),
                                  "--today", "2026-11-23"])
    assert r.exit_code == 0, r.output
    assert "Wrote 2 calls to" in r.output
    assert len(vobject.readOne(out.read_text()).vevent_list) == 2


def test_tenure_is_said_one_way_in_the_notes_and_on_the_site():
    from rippledoc.views.research import tenure
    from rippledoc.views import client
    assert client.tenure is tenure  # the client page's view says it with the research notes' words
    today = date(2026, 11, 23)
    assert tenure(None, today) == ""
    assert tenure(date(2026, 11, 2), today) == "new client this month"
    assert tenure(date(2026, 10, 24), today) == "new client this month"
    assert tenure(date(2026, 10, 23), today) == "client for 1 month"
    assert tenure(date(2025, 11, 23), today) == "client for 1 year"
    assert tenure(date(2017, 3, 1), today) == "client for 9 years 8 months"
