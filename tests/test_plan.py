"""The daily plan: N calls, slots that suit both zones, non-working days, the forecast and its coverage."""
from __future__ import annotations

from pathlib import Path

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import load_workspace
from rippledoc.model import Client, Settings, Source, TimeRange, Touch, Windows
from rippledoc.book.book import Book
from rippledoc.book.link import relink
from rippledoc.views.plan import coverage, daily_plan, forecast, overlap, slot_minutes

NY = ZoneInfo("America/New_York")
SETTINGS = """\
me: stan
timezone: America/New_York
call_window: "09:30-11:30"
working_days: [mon, tue, wed, thu, fri]
team:
  stan: {name: Stan Ortiz}
"""
ONE_A_DAY = "---\nname: One a day\ncalls_per_day: {n}\ncadence_by_level: {{for-life: 30d, key: 60d, base: 120d}}\n---\n"


def client(name: str, front: str = "", log: str = "") -> str:
    """A client file; in the workspace's zone (America/New_York) unless ``front`` names another."""
    zone = "" if "timezone:" in front else "timezone: America/New_York\n"
    return f"---\nname: {name}\n{zone}{front}---\n## Log\n{log}"


def load(workspace, clients: dict[str, str], n: int = 1, settings: str = SETTINGS, today=date(2026, 11, 23)):
    files = {"rippledoc.yaml": settings, "rituals/one-a-day.md": ONE_A_DAY.format(n=n),
             **{f"clients/{k}.md": v for k, v in clients.items()}}
    ws, diags = load_workspace(workspace(files), today)
    assert [d for d in diags if d.is_error] == []
    return ws


def at(day: date, hh: int, mm: int, zone: str = "America/New_York") -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZoneInfo(zone))


MON = date(2026, 11, 23)


def test_today_picks_n_calls_callbacks_first_each_in_a_slot_for_both_sides(workspace):
    ws = load(workspace, {
        "chicago": client("Kestrel Freight", "timezone: America/Chicago\nlevel: key\n",
                          "- 2026-11-16 call no-answer by stan: next: 2026-11-23\n"),
        "la": client("Aurora Dental", "timezone: America/Los_Angeles\nhours: \"07:00-15:30\"\nlevel: for-life\n",
                     "- 2026-10-01 call reached by stan: ok\n"),
        "berlin": client("Brandt Söhne", "timezone: Europe/Berlin\n", "- 2026-05-01 call reached by stan: ok\n"),
        "quiet": client("Quiet Co", "", "- 2026-11-01 call reached by stan: ok\n"),
    }, n=3)
    plan = daily_plan(ws, MON)
    assert plan.working and plan.waiting == 0
    got = [(c.client.slug, c.item.kind, c.start, c.end, c.their_start, c.early) for c in plan.calls]
    assert got == [
        # Berlin closes at 17:00 = 11:00 in New York: the narrowest overlap chooses first
        ("berlin", "cadence", at(MON, 9, 30), at(MON, 10, 0), at(MON, 15, 30, "Europe/Berlin"), False),
        # Aurora opens at 07:00 Los Angeles = 10:00 New York; the promised callback goes before it
        ("chicago", "callback", at(MON, 10, 0), at(MON, 10, 30), at(MON, 9, 0, "America/Chicago"), False),
        ("la", "cadence", at(MON, 10, 30), at(MON, 11, 0), at(MON, 7, 30, "America/Los_Angeles"), False),
    ]
    assert plan.calls[1].item.reason.startswith("promised a call back today after a no-answer")


def test_one_a_day_takes_the_promise_and_leaves_the_rest_waiting(workspace):
    ws = load(workspace, {
        "a": client("Alpha", "level: for-life\n", "- 2026-01-01 call reached: ok\n"),
        "b": client("Bravo", "", "- 2026-11-20 call voicemail: next: 2026-11-23\n"),
    })
    plan = daily_plan(ws, MON)
    assert [c.client.slug for c in plan.calls] == ["b"] and plan.waiting == 1


def test_an_empty_day_is_filled_early_to_spread_the_load(workspace):
    ws = load(workspace, {"a": client("Alpha", "", "- 2026-08-01 call reached: ok\n")})  # due 2026-11-29
    [call] = daily_plan(ws, MON).calls
    assert call.early and call.item.date == date(2026, 11, 29)


def test_no_calls_on_a_non_working_day(workspace):
    ws = load(workspace, {"a": client("Alpha", "", "- 2026-01-01 call reached: ok\n")})
    plan = daily_plan(ws, date(2026, 11, 28))
    assert not plan.working and plan.calls == ()
    assert plan.note == "Saturday is not one of your working days; the next one is Mon 30 Nov"


def _london(hours: str = "09:00-14:00") -> Client:
    return Client(slug="moorfield", name="Moorfield Lettings", source=Source("clients/moorfield.md", 1),
                  timezone="Europe/London", hours=TimeRange(*(time.fromisoformat(h) for h in hours.split("-"))))


def test_the_week_between_the_two_dst_changes_opens_an_hour(workspace):
    s = Settings(timezone="America/New_York", call_window=TimeRange(time(9, 30), time(11, 30)))
    # London left summer time on 25 Oct 2026, New York only on 1 Nov: for one week they are 4 hours apart
    assert overlap(date(2026, 10, 20), s, _london()) == []
    assert overlap(date(2026, 10, 27), s, _london()) == [(at(date(2026, 10, 27), 9, 30), at(date(2026, 10, 27), 10, 0))]
    assert overlap(date(2026, 11, 3), s, _london()) == []


def test_a_client_with_no_overlap_takes_no_place_and_is_listed_apart(workspace):
    chicago = SETTINGS.replace("America/New_York", "America/Chicago").replace("09:30-11:30", "09:00-11:00")
    ws = load(workspace, {
        "tokyo": client("Sakura Ridge", "timezone: Asia/Tokyo\nlevel: for-life\n",
                        "- 2026-11-16 call voicemail: next: 2026-11-23\n"),
        "quiet": client("Quiet Co", "", "- 2026-07-01 call reached by stan: ok\n"),  # due 29 Oct
    }, settings=chicago)
    plan = daily_plan(ws, MON)
    assert [(c.client.slug, c.start, c.early) for c in plan.calls] == [
        ("quiet", at(MON, 9, 0, "America/Chicago"), False)]
    [o] = plan.outside
    assert o.client.slug == "tokyo" and o.item.kind == "callback"
    # Mon 09:00 in Chicago is Tue 00:00 in Tokyo: their Monday is over, their Tuesday opens at 18:00 ours
    assert o.words() == ("due, but no time in your window today: Sakura Ridge, their hours are 09:00-17:00 "
                         "Asia/Tokyo, next reachable Tue 24 Nov 09:00 their time = Mon 23 Nov 18:00 your time; "
                         "none of your call windows in the next 14 days meets their hours; call outside your window "
                         "or by arrangement")
    assert plan.note == "" and plan.waiting == 0


def test_when_every_due_client_is_outside_the_window_the_plan_says_so(workspace):
    ws = load(workspace, {"syd": client("Blue Gum", "timezone: Australia/Sydney\nhours: \"08:00-18:00\"\n",
                                        "- 2026-11-20 call voicemail: next: 2026-11-27\n")})
    # Friday 27 Nov 09:30 in New York is already Saturday 01:30 in Sydney
    plan = daily_plan(ws, date(2026, 11, 27))
    assert plan.calls == ()
    assert plan.note == "every client due today has no time in your call window (listed after the calls)"
    [o] = plan.outside
    assert o.hours == ("08:00-18:00 Australia/Sydney, next reachable Mon 30 Nov 08:00 their time = "
                       "Sun 29 Nov 16:00 your time; none of your call windows in the next 14 days meets their hours")


def test_a_promised_callback_is_kept_on_its_day_beyond_the_daily_rate(workspace):
    ws = load(workspace, {
        "a": client("Alpha", "level: for-life\n", "- 2026-01-01 call reached: ok\n"),
        "b": client("Bravo", "", "- 2026-11-20 call voicemail: next: 2026-11-23\n"),
        "c": client("Charlie", "", "- 2026-11-19 call no-answer: next: 2026-11-23\n"),
    })
    plan = daily_plan(ws, MON)
    assert sorted(c.client.slug for c in plan.calls) == ["b", "c"] and plan.waiting == 1
    assert plan.note == "2 calls today: a promised callback is never moved"
    fc = forecast(ws, date(2026, 11, 22), 3)
    assert [(p.day, [c.client.slug for c in p.calls]) for p in fc.days] == [
        (date(2026, 11, 22), []), (MON, ["b", "c"]), (date(2026, 11, 24), ["a"])]
    assert fc.promise_warning() == ("promised callbacks put more than 1 call on Mon 23 Nov (2): "
                                    "a promise is kept on its day")


def test_the_forecast_lists_a_client_outside_the_window_once(workspace):
    ws = load(workspace, {"blr": client("Indus Ledger", "timezone: Asia/Kolkata\nhours: \"10:00-18:30\"\n",
                                        "- 2026-11-19 call voicemail: next: 2026-11-24\n")})
    fc = forecast(ws, MON, 7)
    assert [(p.day, o.client.slug) for p in fc.days for o in p.outside] == [(date(2026, 11, 24), "blr")]
    assert all(p.calls == () for p in fc.days) and fc.promise_warning() == ""


def test_slot_length_shares_the_window():
    one = Windows((TimeRange(time(9, 30), time(11, 30)),))
    assert [slot_minutes(one, n) for n in (1, 3, 4, 10, 30)] == [30, 30, 30, 10, 5]
    two = Windows((TimeRange(time(9, 0), time(10, 0)), TimeRange(time(15, 0), time(15, 50))))  # 110 minutes
    assert [slot_minutes(two, n) for n in (1, 4, 10, 30)] == [30, 25, 10, 5]


def test_forecast_keeps_n_a_day_and_promises_on_their_day(workspace):
    clients = {f"c{i}": client(f"Client {i}", "", f"- 2026-0{1 + i % 8}-1{i % 10} call reached: ok\n")
               for i in range(12)}
    clients["cb"] = client("Promised", "", "- 2026-11-20 call voicemail: next: 2026-11-26\n")
    ws = load(workspace, clients, n=2)
    fc = forecast(ws, MON, 14)
    assert all(len(p.calls) <= 2 for p in fc.days)
    assert all(not p.calls for p in fc.days if p.day.weekday() >= 5)
    [(day, kind)] = [(p.day, c.item.kind) for p in fc.days for c in p.calls if c.client.slug == "cb"]
    assert (day, kind) == (date(2026, 11, 26), "callback")
    planned = [c.client.slug for p in fc.days for c in p.calls]
    assert sorted(planned) == sorted(clients)  # every client once: nobody is called again so soon


def test_coverage_says_the_rate_the_book_needs(workspace):
    ws = load(workspace, {f"c{i:03d}": client(f"Client {i}") for i in range(212)})
    cov = coverage(ws)
    assert not cov.coverable
    assert cov.message() == ("212 active clients at cadence 120d need 2.5 calls a working day; you plan 1 "
                             "- the book cannot be covered at that rate")


# ---------------------------------------------------------------- the documented slack (docs/planning.md)

def _book(n: int, clients: list[tuple[int, int]]) -> Book:
    from rippledoc.model import Ritual
    ritual = Ritual("one-a-day", "One a day", "daily", {}, (), (), "", Source("rituals/one-a-day.md", 1),
                    settings={"calls_per_day": str(n)})
    book = []
    for i, (cadence, ago) in enumerate(clients):
        touch = Touch(MON - timedelta(days=ago), "call", "reached", None, "", (), (), None, Source("x", 1), "")
        book.append(Client(slug=f"c{i:02d}", name=f"Client {i}", source=Source(f"clients/c{i:02d}.md", 1),
                           timezone="America/New_York", cadence_days=cadence, log=(touch,)))
    return relink(Book(Path("/book"), Settings(timezone="America/New_York"), tuple(book), {"one-a-day": ritual}, ()))


def _working_days_after(start: date, k: int) -> date:
    d = start
    while k > 0:
        d += timedelta(days=1)
        k -= d.weekday() < 5
    return d


@st.composite
def coverable_books(draw):
    n = draw(st.integers(1, 3))
    cadences = draw(st.lists(st.sampled_from([14, 30, 60, 120]), min_size=1, max_size=30))
    if sum(7 / c for c in cadences) / 5 > n:  # more than N calls a working day: not coverable
        cadences = cadences[:max(1, int(n * 5 * 14 / 7))]
        while sum(7 / c for c in cadences) / 5 > n:
            cadences.pop()
    burst = draw(st.booleans())
    same = draw(st.integers(1, 14))
    clients = [(c, min(c, same) if burst else draw(st.integers(1, c))) for c in cadences]
    return n, clients


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coverable_books())
def test_a_coverable_book_is_planned_within_the_documented_slack(book):
    n, clients = book
    ws = _book(n, clients)
    assert coverage(ws).coverable
    due = [MON - timedelta(days=ago) + timedelta(days=c) for c, ago in clients]
    horizon = (max(due) - MON).days + 40
    fc = forecast(ws, MON, horizon)
    assert all(len(p.calls) <= n for p in fc.days)
    first: dict[str, date] = {}
    for p in fc.days:
        for call in p.calls:
            first.setdefault(call.client.slug, p.day)
    for i, d in enumerate(due):
        burst = sum(abs((x - d).days) <= 7 for x in due)  # clients due within a week of it
        backlog = sum(x <= d for x in due)  # clients due by its date
        slack_day = max(_working_days_after(d, math.ceil(burst / n) + 1),
                        _working_days_after(MON - timedelta(days=1), math.ceil(backlog / n)))
        assert first[f"c{i:02d}"] <= slack_day, (i, d, burst, backlog)


def test_today_lists_a_client_outside_the_window_after_the_calls_and_in_json(workspace):
    import json
    from click.testing import CliRunner
    from rippledoc.cli.app import main
    root = workspace({"rippledoc.yaml": SETTINGS, "rituals/one-a-day.md": ONE_A_DAY.format(n=1),
                      "clients/tokyo.md": client("Sakura Ridge", "timezone: Asia/Tokyo\nlevel: for-life\n",
                                                 "- 2026-11-16 call voicemail: next: 2026-11-23\n"),
                      "clients/quiet.md": client("Quiet Co", "", "- 2026-07-01 call reached by stan: ok\n")})
    text = CliRunner().invoke(main, ["-C", str(root), "today", "--today", "2026-11-23"])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    first = next(i for i, l in enumerate(lines) if l.startswith(" 1. "))
    assert lines[first].startswith(" 1. 09:30-10:00  Quiet Co")
    outside = lines.index("due, but no time in your window today: Sakura Ridge, their hours are 09:00-17:00 "
                          "Asia/Tokyo, next reachable Tue 24 Nov 09:00 their time = Mon 23 Nov 19:00 your time; "
                          "none of your call windows in the next 14 days meets their hours; call outside your window "
                          "or by arrangement")
    assert outside > first and " 2. " not in text.output
    data = json.loads(CliRunner().invoke(main, ["-C", str(root), "today", "--today", "2026-11-23", "--json"]).output)
    assert [c["client"] for c in data["calls"]] == ["quiet"]
    assert [(o["client"], o["kind"], o["their_timezone"]) for o in data["outside_window"]] == [
        ("tokyo", "callback", "Asia/Tokyo")]
