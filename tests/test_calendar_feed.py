"""calls.ics, a calendar to subscribe to: each planned call keeps its UID when it moves to another day and carries a
higher SEQUENCE and a real DTSTAMP, so a subscribed calendar moves the event; a call no longer planned is gone.
``build`` writes it into the site, ``serve`` serves it as text/calendar, ``build --encrypt`` leaves it out and says
so; ``export ics`` writes the same calendar."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.exchange.ics import FEED, build_calendar

SETTINGS = """\
title: Ripple
me: stan
timezone: Europe/Berlin
call_window: "09:00-12:00, 14:00-17:00"
schedule: {fri: "09:00-12:00"}
team:
  stan: {name: Stan}
"""
ONE_A_DAY = "---\nname: One a day\ncalls_per_day: 2\ncadence_by_level: {for-life: 30d, key: 4w..6w, base: 120d}\n---\n"
KESTREL = """\
---
name: Kestrel Frakt AS
contact: Ørjan Næss
phone: "+47 22 12 34 56"
timezone: Europe/Oslo
level: key
---
## Log
- 2026-10-01 call reached by stan: fine
"""
QUICK = """\
---
name: Быстрая Связь
timezone: Europe/Moscow
cadence: 5d
---
## Log
- 2026-11-20 call reached by stan: fine
"""
MON, TUE = date(2026, 11, 30), date(2026, 12, 1)
STAMP = datetime(2026, 11, 30, 6, 15, 7, tzinfo=timezone.utc)


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    found = [e for e in cal.walk("VEVENT")]
    uids = [str(e["UID"]) for e in found]
    assert len(uids) == len(set(uids)), uids  # one event per UID, always
    return {str(e["UID"]): e for e in found}


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner(env=env).invoke(main, ["-C", str(root), *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def feed(root: Path, day: date, days: int = 7, stamp: datetime = STAMP) -> dict[str, icalendar.Event]:
    ws, diags = load_workspace(root, day)
    assert [d for d in diags if d.is_error] == []
    return events(build_calendar(ws, day, days, stamp=stamp))


@pytest.fixture
def root(workspace):
    return workspace({"rippledoc.yaml": SETTINGS, "rituals/one-a-day.md": ONE_A_DAY,
                      "clients/kestrel.md": KESTREL, "clients/quick.md": QUICK})


UID = "kestrel-after-2026-10-01@rippledoc"


def test_a_replanned_call_keeps_its_uid_and_gets_a_higher_sequence(root):
    before = feed(root, MON)[UID]
    assert f"{before.decoded('DTSTART'):%a %d %b %H:%M}" == "Mon 30 Nov 09:30"
    # a voicemail: the call back is promised for Thursday, the same due call moves there
    run(root, "log", "kestrel", "--outcome", "voicemail", "--next", "thu", "--today", "2026-11-30")
    moved = feed(root, MON)[UID]
    assert f"{moved.decoded('DTSTART'):%a %d %b}" == "Thu 03 Dec"
    assert str(moved["SUMMARY"]) == "Call back Kestrel Frakt AS"
    assert int(moved["SEQUENCE"]) > int(before["SEQUENCE"])
    # the next day nothing was logged, and the event is the same one again, newer
    again = feed(root, TUE)[UID]
    assert int(again["SEQUENCE"]) > int(moved["SEQUENCE"])
    assert again.decoded("DTSTART").date() == moved.decoded("DTSTART").date()


def test_a_call_that_is_made_is_gone_and_the_next_one_has_a_new_uid(root):
    assert UID in feed(root, MON)
    run(root, "log", "kestrel", "--today", "2026-11-30", "--note", "all good")
    after = feed(root, MON, days=14)
    assert UID not in after
    assert not any(u.startswith("kestrel") for u in after)  # next due in four weeks: beyond the feed's days
    assert any(u.startswith("kestrel-after-2026-11-30") for u in feed(root, MON, days=40))


def test_the_forecasts_second_call_of_a_client_has_its_own_uid(root):
    found = feed(root, MON, days=14)
    uids = [u for u, e in sorted(found.items(), key=lambda ue: ue[1].decoded("DTSTART")) if u.startswith("quick")]
    assert uids == ["quick-after-2026-11-20@rippledoc", "quick-after-2026-11-20-2@rippledoc",
                    "quick-after-2026-11-20-3@rippledoc", "quick-after-2026-11-20-4@rippledoc"]


def test_dtstamp_is_when_the_files_last_changed_or_source_date_epoch(root, tmp_path):
    assert feed(root, MON)[UID].decoded("DTSTAMP") == STAMP  # the moment given
    for rel in ("rippledoc.yaml", "rituals/one-a-day.md", "clients/kestrel.md", "clients/quick.md"):
        os.utime(root / rel, (1764483307, 1764483307))  # Sun 30 Nov 2025 06:15:07 UTC
    os.utime(root / "clients/quick.md", (1764483307 + 3600, 1764483307 + 3600))  # the newest, an hour later
    out = tmp_path / "calls.ics"
    run(root, "export", "ics", "--today", "2026-11-30", "-o", str(out))
    assert events(out.read_bytes())[UID].decoded("DTSTAMP") == datetime(2025, 11, 30, 7, 15, 7, tzinfo=timezone.utc)
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert cal["REFRESH-INTERVAL"].to_ical().decode() == "PT1H" and str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    # the same files give the same bytes; SOURCE_DATE_EPOCH stands in for their time
    run(root, "export", "ics", "--today", "2026-11-30", "-o", str(tmp_path / "again.ics"))
    assert (tmp_path / "again.ics").read_bytes() == out.read_bytes()
    run(root, "export", "ics", "--today", "2026-11-30", "-o", str(tmp_path / "epoch.ics"),
        env={"SOURCE_DATE_EPOCH": "1780000000"})
    assert events((tmp_path / "epoch.ics").read_bytes())[UID].decoded("DTSTAMP") == datetime(
        2026, 5, 28, 20, 26, 40, tzinfo=timezone.utc)


def test_build_writes_the_feed_into_the_site(root, tmp_path):
    said = run(root, "build", "--today", "2026-11-30", "-o", str(tmp_path / "site"))
    assert f"calendar to subscribe to: {tmp_path / 'site' / FEED}" in said
    data = (tmp_path / "site" / FEED).read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and UID in events(data)
    assert str(events(data)[UID]["DESCRIPTION"]).startswith("Why: key client, last reached 60 days ago, cadence "
                                                             "28d..42d: overdue by 18 days")


def test_an_encrypted_build_leaves_the_feed_out_and_says_so(root, tmp_path):
    said = run(root, "build", "--today", "2026-11-30", "-o", str(tmp_path / "site"), "--encrypt",
               "--kdf-iterations", "600000", env={"RIPPLEDOC_PASSPHRASE": "correct horse battery staple 42"})
    assert ("left out: calls.ics, the calendar feed (a calendar cannot ask for a passphrase; 'rippledoc export ics "
            "-o FILE' writes one where only you can read it)") in said
    assert not (tmp_path / "site" / FEED).exists()
    assert not any(b"Kestrel" in p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file())


def test_serve_serves_the_feed_as_a_calendar(root):
    from test_site_serve import Served
    s = Served(root)
    try:
        status, headers, body = s.get(f"/{FEED}")
        assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert body.startswith("BEGIN:VCALENDAR") and "UID:" in body
    finally:
        s.stop()
