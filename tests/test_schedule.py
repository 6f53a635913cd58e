"""A real schedule: several call windows a day, a week of my own (per weekday, days off) and holidays, honoured
by the plan in my zone and the client's, across DST, with a clear word when a client can only be reached outside
my windows; a call back promised for a holiday is kept on it, and log says so."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.model import Client, Settings, Source, TimeRange, Windows
from rippledoc.parse.schema import schema
from rippledoc.parse.settings import parse_settings
from rippledoc.read.source import Text
from rippledoc.views.plan import daily_plan, forecast, next_in_windows, next_reachable, promised_day
from rippledoc.views.due import client_items
from rippledoc.views.cadence import policy

NY, LA, TOKYO, LONDON = (ZoneInfo(z) for z in ("America/New_York", "America/Los_Angeles", "Asia/Tokyo",
                                                 "Europe/London"))
WEEK = """\
me: stan
timezone: America/New_York
call_window: "09:00-12:00, 15:00-18:00"
working_days: [mon, tue, wed, thu, fri, sat]
schedule:
  thu: "09:00-12:00, 19:00-21:00"   # a late day for Asia
  fri: "09:00-12:00"                # Friday afternoons off
  sat: off
holidays: [2026-12-24, 2026-12-25, 2027-01-01]
team:
  stan: {name: Stan Ortiz}
"""
ONE_A_DAY = "---\nname: One a day\ncadence: daily\nrecords: log\ncalls_per_day: {n}\ncadence_by_level: {{for-life: 30d, key: 60d, base: 120d}}\n---\n"


def read(text: str):
    return parse_settings(Text("rippledoc.yaml", text, text.encode()))


def client(name: str, zone: str, log: str = "- 2025-12-01 call reached by stan: fine\n", front: str = "") -> str:
    return f"---\nname: {name}\ntimezone: {zone}\nlevel: key\n{front}---\n## Log\n{log}"


def book(workspace, clients: dict[str, str], n: int = 3, settings: str = WEEK, today: date = date(2026, 3, 2)):
    root = workspace({"rippledoc.yaml": settings, "rituals/one-a-day.md": ONE_A_DAY.format(n=n),
                      **{f"clients/{k}.md": v for k, v in clients.items()}})
    ws, diags = load_workspace(root, today)
    assert [d for d in diags if d.is_error] == [], diags
    return root, ws


def at(day: date, hh: int, mm: int, tz: ZoneInfo = NY) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def run(root, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


# ---------------------------------------------------------------- rippledoc.yaml

def test_two_windows_a_week_of_my_own_and_holidays_are_read():
    s, diags = read(WEEK)
    assert diags == []
    assert str(s.call_window) == "09:00-12:00, 15:00-18:00"
    assert {d: str(w) for d, w in s.schedule.items()} == {3: "09:00-12:00, 19:00-21:00", 4: "09:00-12:00", 5: "off"}
    assert s.working_days == (0, 1, 2, 3, 4)  # Saturday is in working_days, but the schedule takes it off
    assert sorted(s.holidays) == [date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 1)]
    assert [str(s.windows_on(date(2026, 12, d))) for d in (21, 23, 24, 25, 26, 31)] == [
        "09:00-12:00, 15:00-18:00", "09:00-12:00, 15:00-18:00", "off", "off", "off", "09:00-12:00, 19:00-21:00"]
    assert not s.works_on(date(2026, 12, 24)) and s.works_on(date(2026, 12, 31))


def test_the_simple_case_stays_one_window_and_a_schedule_can_add_a_day():
    s, diags = read('timezone: Europe/Oslo\ncall_window: "09:30-11:30"\nschedule: {sun: "18:00-19:00"}\n')
    assert diags == [] and str(s.call_window) == "09:30-11:30"
    assert s.working_days == (0, 1, 2, 3, 4, 6)
    assert str(s.windows_on(date(2026, 12, 6))) == "18:00-19:00" and str(s.windows_on(date(2026, 12, 7))) == "09:30-11:30"
    assert Settings(call_window=TimeRange(time(8, 0), time(9, 0))).call_window == Windows((TimeRange(time(8, 0), time(9, 0)),))


@pytest.mark.parametrize("line, code, message", [
    ('call_window: "09:00-12:00, 11:00-13:00"', "E106",
     "'call_window: 09:00-12:00, 11:00-13:00': the windows 09:00-12:00 and 11:00-13:00 overlap"),
    ('call_window: "09:00-12:00, 18:00-15:00"', "E106",
     "'call_window: 09:00-12:00, 18:00-15:00': 18:00-15:00 starts after it ends"),
    ('call_window: "09:00-12:00, 3pm-6pm"', "E106", "'call_window: 09:00-12:00, 3pm-6pm': '3pm-6pm' is not a time range"),
    ('schedule: {fri: "9-12"}', "E106", "schedule: 'fri: 9-12' is not a time range"),
    ("schedule: {fry: off}", "E103", "schedule: 'fry' is not one of mon, tue, wed, thu, fri, sat, sun"),
    ("schedule: {fri: [09:00-12:00]}", "E101", "schedule: 'fri' must be call windows or off, not a list"),
    ("holidays: [2026-12-24, 2026-12-32]", "E102", "'holidays: 2026-12-32' is not a date that exists"),
    ("holidays: [{day: 2026-12-24}]", "E101", "'holidays' must be a list of dates, not a mapping"),
    ("birthdays: sometimes", "E103", "birthdays 'sometimes' is not one of true, false"),
])
def test_each_problem_is_said_where_it_is(line, code, message):
    s, diags = read(f"timezone: America/New_York\n{line}\n")
    assert [(d.code, d.message, d.line) for d in diags] == [(code, message, 2)]
    assert str(s.call_window) in ("09:30-11:30", "09:00-12:00, 15:00-18:00")  # the default stands in for a bad one


def test_the_settings_schema_accepts_what_check_accepts():
    validator = jsonschema.Draft202012Validator(schema("settings"))
    data = yaml.safe_load(WEEK.replace("holidays: [2026-12-24, 2026-12-25, 2027-01-01]",
                                       'holidays: ["2026-12-24", "2026-12-25"]'))
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({"call_window": "09:00-12:00, 3pm-6pm"}))
    assert list(validator.iter_errors({"schedule": {"fry": "off"}}))


# ---------------------------------------------------------------- the plan, in both zones

def test_a_two_window_day_puts_each_client_where_its_hours_meet_mine_in_both_zones(workspace):
    """Los Angeles opens at noon New York time: the afternoon window. London (09:00-14:30) is four hours ahead
    in the three weeks between America's and Europe's change to summer time, five otherwise."""
    _, ws = book(workspace, {"la": client("Aurora Dental", "America/Los_Angeles"),
                             "london": client("Øresund Ltd", "Europe/London", front='hours: "09:00-14:30"\n')})
    for day, london_end in ((date(2026, 3, 2), at(date(2026, 3, 2), 9, 30)),     # EST and GMT: 5 hours
                            (date(2026, 3, 9), at(date(2026, 3, 9), 10, 30)),    # EDT and GMT: 4 hours
                            (date(2026, 3, 30), at(date(2026, 3, 30), 9, 30))):  # EDT and BST: 5 hours
        plan = daily_plan(ws, day)
        calls = {c.client.slug: c for c in plan.calls}
        assert str(plan.window) == "09:00-12:00, 15:00-18:00"
        assert (calls["la"].start, calls["la"].their_start) == (at(day, 15, 0), at(day, 12, 0, LA))
        assert calls["london"].start == at(day, 9, 0)
        assert calls["london"].their_start == calls["london"].start.astimezone(LONDON)
        assert calls["london"].end <= london_end  # inside their hours, which end at 14:30 London
    assert f"{daily_plan(ws, date(2026, 3, 9)).calls[0].their_start:%H:%M}" == "13:00"


def test_friday_afternoons_off_wait_for_monday_and_the_forecast_lists_the_client_once(workspace):
    root, ws = book(workspace, {"la": client("Aurora Dental", "America/Los_Angeles")}, today=date(2026, 3, 6))
    fri = date(2026, 3, 6)
    plan = daily_plan(ws, fri)
    assert str(plan.window) == "09:00-12:00" and plan.calls == ()
    [o] = plan.outside
    assert o.reach.window == at(date(2026, 3, 9), 15, 0)
    assert o.words() == (
        "due, but no time in your window today: Aurora Dental, their hours are 09:00-17:00 America/Los_Angeles, "
        "next reachable Fri 06 Mar 09:00 their time = Fri 06 Mar 12:00 your time; in your call windows Mon 09 Mar "
        "15:00 your time = Mon 09 Mar 12:00 their time; it waits for your window then, or call outside it by "
        "arrangement")
    days = forecast(ws, fri, 4).days
    assert [(p.day, [c.client.slug for c in p.calls], [o.client.slug for o in p.outside]) for p in days] == [
        (fri, [], ["la"]), (date(2026, 3, 7), [], []), (date(2026, 3, 8), [], []), (date(2026, 3, 9), ["la"], [])]
    assert days[3].calls[0].start == at(date(2026, 3, 9), 15, 0)
    ics = run(root, "export", "ics", "--today", "2026-03-06", "--days", "4")
    assert ics.count("BEGIN:VEVENT") == 1 and "DTSTART;TZID=America/New_York:20260309T150000" in ics


def test_a_late_day_for_asia_calls_tokyo_on_their_friday_morning_before_and_after_the_us_change(workspace):
    _, ws = book(workspace, {"tokyo": client("株式会社さくら物流", "Asia/Tokyo")})
    for mon, thu_at in ((date(2026, 3, 2), (19, 0)),   # EST: Tokyo is 14 hours ahead
                        (date(2026, 3, 9), (20, 0))):  # EDT: 13 hours, their 09:00 is our 20:00
        days = {p.day: p for p in forecast(ws, mon, 5).days}
        thu = mon + timedelta(days=3)
        assert [o.client.slug for o in days[mon].outside] == ["tokyo"]
        assert all(not p.outside and not p.calls for d, p in days.items() if d not in (mon, thu))
        [call] = days[thu].calls
        assert call.start == at(thu, *thu_at)
        assert call.their_start == at(thu + timedelta(days=1), 9, 0, TOKYO)
        assert str(days[thu].window) == "09:00-12:00, 19:00-21:00"


def test_a_client_whose_hours_meet_none_of_my_windows_is_said_to_be_reachable_only_outside_them(workspace):
    root, ws = book(workspace, {"syd": client("Blue Gum Health", "Australia/Sydney",
                                              front='hours: "13:00-17:00"\n')}, today=date(2026, 3, 2))
    # Sydney 13:00-17:00 is 21:00-01:00 the day before in New York: no window of mine reaches it, even Thursday's
    [o] = daily_plan(ws, date(2026, 3, 2)).outside
    assert o.reach.only_outside and o.reach.window is None
    assert o.hours.endswith("; none of your call windows in the next 14 days meets their hours")
    assert o.advice == "call outside your windows or by arrangement"
    data = json.loads(run(root, "today", "--today", "2026-03-02", "--json"))
    [out] = data["outside_window"]
    assert (out["only_outside_window"], out["next_in_window"]) == (True, None)
    assert data["window"] == "09:00-12:00, 15:00-18:00"


@pytest.mark.parametrize("mine", ["America/New_York", "Europe/Berlin"])
@pytest.mark.parametrize("theirs", ["Asia/Tokyo", "America/Los_Angeles", "Europe/London", "Pacific/Auckland"])
def test_the_next_time_in_my_windows_is_the_first_five_minutes_inside_both(mine, theirs):
    """Against a walk in 5-minute steps over two weeks from the first window's opening, through both DST changes
    of spring 2026 (America 8 March, Europe 29 March)."""
    s = Settings(timezone=mine, call_window=Windows((TimeRange(time(9, 0), time(12, 0)),
                                                    TimeRange(time(15, 0), time(18, 0)))),
                 schedule={3: Windows((TimeRange(time(9, 0), time(12, 0)), TimeRange(time(19, 0), time(21, 0)))),
                           4: Windows((TimeRange(time(9, 0), time(12, 0)),))},
                 holidays=frozenset({date(2026, 3, 10)}))
    c = Client(slug="far", name="Far", source=Source("clients/far.md", 1), timezone=theirs)
    tz, zone = ZoneInfo(mine), ZoneInfo(theirs)
    for day in (date(2026, 3, 2) + timedelta(days=k) for k in range(0, 35, 3)):
        start = datetime.combine(day, time(9, 0), tzinfo=tz)
        got = next_in_windows(day, s, c, start)
        t = start
        while t < start + timedelta(days=14):
            mine_local, their_local = t.astimezone(tz), t.astimezone(zone)
            in_mine = any(w.start <= mine_local.time() < w.end for w in s.windows_on(mine_local.date()))
            if in_mine and their_local.weekday() < 5 and time(9, 0) <= their_local.time() < time(17, 0):
                break
            t += timedelta(minutes=5)
        assert got == (t if t < start + timedelta(days=14) else None), (day, got, t)
        if got is not None:
            assert next_reachable(day, s, c).window == got


# ---------------------------------------------------------------- holidays

def test_a_holiday_is_a_day_off_for_the_plan_and_today_says_which(workspace):
    root, ws = book(workspace, {"ny": client("Åkerlund & Söner", "America/New_York")}, today=date(2026, 12, 24))
    plan = daily_plan(ws, date(2026, 12, 24))
    assert not plan.working and plan.calls == ()
    assert plan.note == "Thursday is a holiday in rippledoc.yaml; the next working day is Mon 28 Dec"
    text = run(root, "today", "--today", "2026-12-25")
    assert "Friday is a holiday in rippledoc.yaml; here is the plan for Monday 28 Dec." in text
    assert text.startswith("Monday 28 December 2026")
    assert [p.day for p in forecast(ws, date(2026, 12, 24), 5).days if p.calls] == [date(2026, 12, 28)]
    from rippledoc.views.rituals import ritual_status
    [one] = [r for r in ritual_status(ws, date(2026, 12, 24)) if r.ritual == "one-a-day"]
    assert (one.due, one.reason) == (False, "not a working day")


def test_a_call_back_promised_for_a_holiday_is_kept_on_it_and_log_says_so(workspace):
    root, _ = book(workspace, {"tokyo": client("株式会社さくら物流", "Asia/Tokyo"),
                               "ny": client("Σπύρος Εμπορική", "America/New_York")}, today=date(2026, 12, 21))
    said = run(root, "log", "ny", "--outcome", "voicemail", "--next", "2026-12-24", "--today", "2026-12-21")
    assert said.splitlines()[-1] == ("Call back on Thu 24 Dec: Thursday 24 Dec is a holiday in rippledoc.yaml, but "
                                     "you promised it: the plan keeps the call on that day.")
    ws, _ = load_workspace(root, date(2026, 12, 21))
    pol, _ = policy(ws)
    [item] = [i for i in client_items(ws.client("ny"), date(2026, 12, 21), date.max, pol) if i.kind == "callback"]
    assert promised_day(item, date(2026, 12, 21), ws.settings) == date(2026, 12, 24)
    plan = daily_plan(ws, date(2026, 12, 24))
    assert [(c.client.slug, c.start) for c in plan.calls] == [("ny", at(date(2026, 12, 24), 9, 0))]
    assert plan.note.startswith("Thursday: you promised a call back to Σπύρος Εμπορική; a promise is kept on its day, "
                                "though Thursday is a holiday in rippledoc.yaml")
    assert str(plan.window) == "09:00-12:00, 19:00-21:00"  # that weekday's usual windows
    fc = json.loads(run(root, "plan", "--today", "2026-12-21", "--days", "7", "--json"))
    assert [(p["date"], c["client"]) for p in fc["plan"] for c in p["calls"] if c["kind"] == "callback"] == [
        ("2026-12-24", "ny")]
    # a promise for the late window's client on the holiday: their Friday 09:00 is our Thursday 19:00
    said = run(root, "log", "tokyo", "--outcome", "voicemail", "--next", "2026-12-24", "--today", "2026-12-21")
    assert "Thursday 24 Dec is a holiday in rippledoc.yaml" in said
    ws, _ = load_workspace(root, date(2026, 12, 21))
    calls = {c.client.slug: c for c in daily_plan(ws, date(2026, 12, 24)).calls}
    assert calls["tokyo"].start == at(date(2026, 12, 24), 19, 0)
