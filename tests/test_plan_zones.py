"""Time zones in the plan: the next time a client can be reached when their hours miss my window, and a
client whose file names no zone (never given the workspace's)."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from conftest import REPO
from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.model import Client, Settings, Source, TimeRange
from rippledoc.views.plan import daily_plan, next_reachable, no_overlap_note, overlap
from rippledoc.views.research import notes_text, research_notes

MON, TUE, FRI = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 4)
WINDOW = TimeRange(time(9, 30), time(11, 30))


def settings(zone: str, window: TimeRange = WINDOW) -> Settings:
    return Settings(timezone=zone, call_window=window)


def far_client(zone: str, name: str = "Far Away") -> Client:
    return Client(slug="far", name=name, source=Source("clients/far.md", 1), timezone=zone)


# Every case has no overlap with a 09:30-11:30 window (checked below). In December: New York UTC-5, Berlin
# UTC+1, Tokyo UTC+9, Auckland UTC+13 (summer), Kiritimati UTC+14, Adak UTC-10: Kiritimati and Adak keep the
# same clock a day apart, on either side of the date line.
CASES = [
    # (my zone, my day, their zone, next reachable: their time, = my time)
    ("America/New_York", TUE, "Asia/Tokyo", "Wed 02 Dec 09:00", "Tue 01 Dec 19:00"),  # their Tuesday is over
    ("America/New_York", MON, "Pacific/Auckland", "Tue 01 Dec 09:00", "Mon 30 Nov 15:00"),
    ("America/New_York", MON, "Pacific/Kiritimati", "Tue 01 Dec 09:00", "Mon 30 Nov 14:00"),
    ("America/New_York", MON, "America/Adak", "Mon 30 Nov 09:00", "Mon 30 Nov 14:00"),
    ("America/New_York", FRI, "Pacific/Auckland", "Mon 07 Dec 09:00", "Sun 06 Dec 15:00"),  # their weekend
    ("America/New_York", FRI, "Pacific/Kiritimati", "Mon 07 Dec 09:00", "Sun 06 Dec 14:00"),
    ("America/New_York", FRI, "America/Adak", "Fri 04 Dec 09:00", "Fri 04 Dec 14:00"),
    ("Europe/Berlin", MON, "Pacific/Auckland", "Tue 01 Dec 09:00", "Mon 30 Nov 21:00"),
    ("Europe/Berlin", MON, "Pacific/Kiritimati", "Tue 01 Dec 09:00", "Mon 30 Nov 20:00"),
    ("Europe/Berlin", MON, "America/Adak", "Mon 30 Nov 09:00", "Mon 30 Nov 20:00"),  # Sunday night there at 09:30
    ("Europe/Berlin", FRI, "Pacific/Auckland", "Mon 07 Dec 09:00", "Sun 06 Dec 21:00"),
    ("Europe/Berlin", FRI, "Pacific/Kiritimati", "Mon 07 Dec 09:00", "Sun 06 Dec 20:00"),
    ("Europe/Berlin", FRI, "America/Adak", "Fri 04 Dec 09:00", "Fri 04 Dec 20:00"),
]


@pytest.mark.parametrize("mine, day, theirs, their_time, my_time", CASES,
                         ids=[f"{c[0].split('/')[1]}-{c[1]:%a}-{c[2].split('/')[1]}" for c in CASES])
def test_the_no_overlap_note_names_the_next_time_they_can_be_reached_in_both_zones(mine, day, theirs, their_time,
                                                                                  my_time):
    s, c = settings(mine), far_client(theirs)
    assert overlap(day, s, c) == []
    reach = next_reachable(day, s, c)
    assert (f"{reach.theirs:%a %d %b %H:%M}", f"{reach.mine:%a %d %b %H:%M}") == (their_time, my_time)
    assert reach.theirs == reach.mine and str(reach.theirs.tzinfo) == theirs and str(reach.mine.tzinfo) == mine
    assert no_overlap_note(day, s, c) == (
        f"no overlap with your window 09:30-11:30: their hours are 09:00-17:00 {theirs}, "
        f"next reachable {their_time} their time = {my_time} your time; none of your call windows in the next "
        "14 days meets their hours")


def test_a_monday_never_calls_them_sunday_when_their_monday_is_hours_away():
    # Berlin 08:00-09:00 on a Monday is Sunday 23:00-00:00 in Seattle: their Monday starts as the window ends
    s, c = settings("Europe/Berlin", TimeRange(time(8, 0), time(9, 0))), far_client("America/Los_Angeles")
    note = no_overlap_note(MON, s, c)
    assert "Sunday" not in note
    assert note.endswith("next reachable Mon 30 Nov 09:00 their time = Mon 30 Nov 18:00 your time; none of your "
                         "call windows in the next 14 days meets their hours")


@pytest.mark.parametrize("mine", ["America/New_York", "Europe/Berlin", "Asia/Kathmandu"])
@pytest.mark.parametrize("theirs", ["Pacific/Auckland", "Pacific/Kiritimati", "America/Adak", "Asia/Kolkata",
                                    "Pacific/Chatham", "Europe/London", "America/St_Johns"])
def test_next_reachable_is_the_first_instant_inside_their_business_hours(mine, theirs):
    """Against a walk in 5-minute steps from the start of the window (every zone's offset is a multiple of 15)."""
    s, c = settings(mine), far_client(theirs)
    for day in (date(2026, 3, 27) + timedelta(days=k) for k in range(0, 300, 11)):  # both DST changes inside
        reach = next_reachable(day, s, c)
        t = datetime.combine(day, WINDOW.start, tzinfo=ZoneInfo(mine))
        while True:
            local = t.astimezone(ZoneInfo(theirs))
            if local.weekday() < 5 and time(9, 0) <= local.time() < time(17, 0):
                break
            t += timedelta(minutes=5)
        assert reach.mine == t, (day, reach.mine, t)


def test_the_plan_lists_the_next_reachable_time_for_a_client_outside_the_window(workspace):
    root = workspace({
        "rippledoc.yaml": "me: stan\ntimezone: America/New_York\ncall_window: \"09:30-11:30\"\n",
        "clients/sakura.md": "---\nname: Sakura Ridge\ntimezone: Asia/Tokyo\nhours: \"09:00-18:00\"\n---\n## Log\n"
                             "- 2026-11-27 call voicemail: next: 2026-12-01\n",
    })
    ws, _ = load_workspace(root, TUE)
    [o] = daily_plan(ws, TUE).outside
    assert o.words() == ("due, but no time in your window today: Sakura Ridge, their hours are 09:00-18:00 "
                         "Asia/Tokyo, next reachable Wed 02 Dec 09:00 their time = Tue 01 Dec 19:00 your time; "
                         "none of your call windows in the next 14 days meets their hours; call outside your window "
                         "or by arrangement")
    data = json.loads(CliRunner().invoke(main, ["-C", str(root), "today", "--today", "2026-12-01", "--json"]).output)
    [out] = data["outside_window"]
    assert (out["next_reachable"], out["next_reachable_their_time"]) == ("2026-12-01T19:00:00-05:00",
                                                                         "2026-12-02T09:00:00+09:00")
    plan = CliRunner().invoke(main, ["-C", str(root), "plan", "--today", "2026-12-01", "--days", "1"]).output
    assert "next reachable Wed 02 Dec 09:00 their time = Tue 01 Dec 19:00 your time" in plan


# ---------------------------------------------------------------- a client without a zone

BOOK = {
    "rippledoc.yaml": "me: stan\ntimezone: Europe/Berlin\ncall_window: \"09:30-11:30\"\nteam:\n  stan: {name: Stan}\n",
    # an import that found nothing telling the zone: a Danish café, a Greek shop
    "clients/harbour-cafe.md": "---\nname: Hafnarkaffi Ærø\nphone: \"+45 33 12 34 56\"\nlevel: key\n---\n## Log\n"
                               "- 2026-11-20 call voicemail by stan: next: 2026-12-01\n",
    "clients/athena.md": "---\nname: Αθηνά Εμπορική\ntimezone: Europe/Athens\n---\n## Log\n"
                         "- 2026-11-20 call reached by stan: fine\n",
}


def test_a_client_file_without_a_zone_is_of_unknown_zone_and_check_says_so(workspace):
    root = workspace(BOOK)
    ws, diags = load_workspace(root, TUE)
    cafe = ws.client("harbour-cafe")
    assert cafe.timezone == ""  # not the workspace's Europe/Berlin
    [w] = diags
    assert (w.path, w.code, w.line) == ("clients/harbour-cafe.md", "W104", 2)
    assert w.message.startswith("Hafnarkaffi Ærø has no timezone: the plan cannot know their business hours")
    assert "IANA" in w.hint and "timezone:" in w.hint
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--strict", "--today", "2026-12-01"])
    assert result.exit_code == 1 and "error[W104]: Hafnarkaffi Ærø has no timezone" in result.output


def test_today_slots_a_client_of_unknown_zone_in_my_window_without_a_made_up_hour(workspace):
    root = workspace(BOOK)
    ws, _ = load_workspace(root, TUE)
    [call] = daily_plan(ws, TUE).calls
    berlin = ZoneInfo("Europe/Berlin")
    assert call.client.slug == "harbour-cafe"
    assert call.start == datetime(2026, 12, 1, 9, 30, tzinfo=berlin)
    assert call.their_start is None and call.their_end is None
    assert call.their_time("Europe/Berlin") == "their time: unknown (no timezone in the file)"
    notes = research_notes(call.client, ws, TUE, call.start)
    assert notes["timezone"] is None and notes["their_time"] is None
    assert "Zone: their time: unknown (no timezone in the file); business hours 09:00-17:00 in their zone" \
        in notes_text(notes)

    text = CliRunner().invoke(main, ["-C", str(root), "today", "--today", "2026-12-01"]).output
    assert " 1. 09:30-10:00  Hafnarkaffi Ærø  their time: unknown (no timezone in the file)" in text
    assert "Europe/Berlin)" not in text.split("Hafnarkaffi Ærø", 1)[1].split("\n", 1)[0]
    data = json.loads(CliRunner().invoke(main, ["-C", str(root), "today", "--today", "2026-12-01", "--json"]).output)
    [c] = data["calls"]
    assert (c["their_timezone"], c["their_start"], c["research"]["timezone"]) == (None, None, None)


def test_a_client_of_unknown_zone_is_never_outside_the_window():
    """Where they are is not known, so no hour of my window can be ruled out, on any working day, and on a
    Saturday a call back was promised for (it may be Friday for them)."""
    c = far_client("")
    for zone in ("America/New_York", "Europe/Berlin", "Pacific/Auckland"):
        for day in (MON, TUE, FRI, date(2026, 12, 5)):
            start = datetime.combine(day, WINDOW.start, tzinfo=ZoneInfo(zone))
            assert overlap(day, settings(zone), c, every_day=day.weekday() == 5) == [
                (start, start + timedelta(hours=2))]


def test_the_sample_workspace_gives_every_client_a_zone_and_checks_clean(tmp_path):
    import shutil
    book = tmp_path / "book"  # the sample's files without this clone's git setup (a fresh clone has no driver)
    for name in ("clients", "rituals"):
        shutil.copytree(REPO / name, book / name)
    shutil.copy(REPO / "rippledoc.yaml", book / "rippledoc.yaml")
    result = CliRunner().invoke(main, ["-C", str(book), "check", "--strict", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
    ws, _ = load_workspace(REPO, date(2026, 11, 23))
    assert ws.clients and all(c.timezone for c in ws.clients)


def test_new_writes_the_workspace_zone_into_the_file(tmp_path):
    assert CliRunner().invoke(main, ["init", str(tmp_path / "book")]).exit_code == 0
    (tmp_path / "book" / "rippledoc.yaml").write_text("timezone: Asia/Tokyo\n")
    result = CliRunner().invoke(main, ["-C", str(tmp_path / "book"), "new", "サクラ物流"])
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "book" / "clients").glob("*.md")
    assert "\ntimezone: Asia/Tokyo\n" in path.read_text(encoding="utf-8")
    ws, diags = load_workspace(tmp_path / "book", date(2099, 1, 1))
    assert [c.timezone for c in ws.clients] == ["Asia/Tokyo"] and "W104" not in {d.code for d in diags}


def test_the_site_shows_the_call_of_a_client_of_unknown_zone_without_a_made_up_hour(workspace, tmp_path):
    from rippledoc.site.build import build_site
    root = workspace(BOOK)
    build_site(root, tmp_path / "site", TUE)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Hafnarkaffi Ærø" in page and "their time unknown" in page
    assert "Their zone</dt><dd>unknown (no timezone in the file), hours 09:00-17:00" in page
    client_page = (tmp_path / "site" / "clients" / "harbour-cafe.html").read_text(encoding="utf-8")
    assert "Europe/Berlin" not in client_page  # the workspace's zone is never given to them
    assert "Europe/Athens" in (tmp_path / "site" / "clients" / "athena.html").read_text(encoding="utf-8")
