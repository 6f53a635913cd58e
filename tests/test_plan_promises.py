"""A promise is kept where it was made: a call back promised for a day off is planned on that day, and what
``log --next`` announces is the day the plan uses, always."""
from __future__ import annotations

from pathlib import Path

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.model import Client, Settings, Source, Touch
from rippledoc.book.book import Book
from rippledoc.book.link import relink
from rippledoc.views.cadence import policy
from rippledoc.views.due import next_due
from rippledoc.views.plan import daily_plan, forecast, promised_day

TUE, SAT, SUN, MON = date(2026, 12, 1), date(2026, 12, 5), date(2026, 12, 6), date(2026, 12, 7)
NY = ZoneInfo("America/New_York")
SETTINGS = """\
me: stan
timezone: America/New_York
call_window: "09:30-11:30"
working_days: [mon, tue, wed, thu, fri]
team:
  stan: {name: Stan Ortiz}
"""
ONE_A_DAY = "---\nname: One a day\ncalls_per_day: 1\ncadence_by_level: {for-life: 30d, key: 60d, base: 120d}\n---\n"


def client(name: str, zone: str, log: str = "- 2026-11-20 call reached by stan: fine\n") -> str:
    return f"---\nname: {name}\ntimezone: {zone}\nlevel: key\n---\n## Log\n{log}"


BOOK = {
    "rippledoc.yaml": SETTINGS, "rituals/one-a-day.md": ONE_A_DAY,
    "clients/kestrel.md": client("Kestrel Freight", "America/Chicago"),
    "clients/moorfield.md": client("Moorfield Lettings", "Europe/London"),
    "clients/sakura.md": client("株式会社さくら物流", "Asia/Tokyo"),
    "clients/dunmore.md": client("Dunmore Outdoor", "America/Denver"),
}


def run(root, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def test_a_call_back_promised_for_saturday_is_planned_on_saturday_and_log_says_so(workspace):
    root = workspace(BOOK)
    said = run(root, "log", "kestrel", "--outcome", "voicemail", "--next", "sat", "--today", "2026-12-01")
    assert said.splitlines()[-1] == ("Call back on Sat 05 Dec: Saturday is not one of your working days, but you "
                                     "promised it: the plan keeps the call on that day.")
    ws, _ = load_workspace(root, TUE)
    plan = daily_plan(ws, SAT)
    assert not plan.working
    [call] = plan.calls
    # in my window and their usual hours, on their Saturday too: they were told that day
    assert (call.client.slug, call.item.kind, call.start) == ("kestrel", "callback",
                                                              datetime(2026, 12, 5, 10, 0, tzinfo=NY))
    assert plan.note.startswith("Saturday: you promised a call back to Kestrel Freight; a promise is kept on its day")
    days = {p.day: [c.client.slug for c in p.calls] for p in forecast(ws, TUE, 7).days}
    assert days[SAT] == ["kestrel"] and "kestrel" not in days[MON]

    today = run(root, "today", "--today", "2026-12-05")
    assert today.startswith("Saturday 05 December 2026")
    assert "Saturday: you promised a call back to Kestrel Freight" in today
    assert " 1. 10:00-10:30  Kestrel Freight  their time 09:00 (America/Chicago)" in today
    data = json.loads(run(root, "today", "--today", "2026-12-05", "--json"))
    assert (data["date"], data["working"], [c["client"] for c in data["calls"]]) == ("2026-12-05", False, ["kestrel"])
    fc = json.loads(run(root, "plan", "--today", "2026-12-01", "--days", "7", "--json"))
    assert [(p["date"], c["client"]) for p in fc["plan"] for c in p["calls"] if c["kind"] == "callback"] == [
        ("2026-12-05", "kestrel")]
    assert "Sat 05 Dec" in run(root, "plan", "--today", "2026-12-01", "--days", "7")


def test_a_day_off_holds_only_the_calls_promised_for_it(workspace):
    # a call back promised for Friday and missed is overdue: Monday's, not Saturday's
    root = workspace({**BOOK, "clients/kestrel.md": client(
        "Kestrel Freight", "America/Chicago", "- 2026-11-20 call voicemail by stan: next: 2026-12-04\n")})
    ws, _ = load_workspace(root, SAT)
    assert daily_plan(ws, SAT).calls == () and daily_plan(ws, SAT).note == (
        "Saturday is not one of your working days; the next one is Mon 07 Dec")
    assert [c.client.slug for c in daily_plan(ws, MON).calls][:1] == ["kestrel"]
    assert "here is the plan for Monday 07 Dec" in run(root, "today", "--today", "2026-12-05")


def _announced(said: str) -> date:
    """The day named by what log said: 'Call back on Sat 05 Dec' or '... first in the plan of Tue 01 Dec'."""
    m = re.search(r"first in the plan of (\w{3} \d\d \w{3})", said) or re.search(r"Call back on (\w{3} \d\d \w{3})",
                                                                                    said)
    assert m, said
    day = datetime.strptime(f"{m[1]} 2026", "%a %d %b %Y").date()
    return day if day >= date(2026, 11, 1) else day.replace(year=2027)


def _planned(root, slug: str, today: str) -> date:
    """The first day of the forecast that holds the client's call back (a call or outside the window)."""
    fc = json.loads(run(root, "plan", "--today", today, "--days", "30", "--json"))
    return next(date.fromisoformat(p["date"]) for p in fc["plan"]
                for c in p["calls"] + p["outside_window"] if c["client"] == slug and c["kind"] == "callback")


CASES = {
    "a Saturday": (["--next", "2026-12-05"], "Saturday is not one of your working days"),
    "a Sunday, said as a weekday": (["--next", "sun"], "Sunday is not one of your working days"),
    "tomorrow, an ordinary day": (["--next", "tomorrow"], "it will be that day's call."),
    "a day already full": (["--next", "2026-12-03"], "That day already holds 1 other promised call back and you "
                                                     "plan 1 call a day: a promise is kept on its day, so it will "
                                                     "have 2 calls."),
    "a day already past": (["--date", "2026-11-25", "--next", "2026-11-27"],
                           "Call back promised for Fri 27 Nov, a day already past: it is overdue and first in the "
                           "plan of Tue 01 Dec."),
    "a day their hours miss my window": (["--next", "+2"], "Their hours do not meet your call window that day: "
                                                           "09:00-17:00 Asia/Tokyo, next reachable Fri 04 Dec 09:00 "
                                                           "their time = Thu 03 Dec 19:00 your time; none of your "
                                                           "call windows in the next 14 days meets their hours."),
}


def test_log_announces_the_day_the_plan_uses(workspace):
    for case, (args, words) in CASES.items():
        root = workspace({**BOOK, "clients/dunmore.md": client(
            "Dunmore Outdoor", "America/Denver", "- 2026-11-30 call voicemail by stan: next: 2026-12-03\n")})
        slug = "sakura" if "hours miss" in case else "moorfield"
        said = run(root, "log", slug, "--outcome", "voicemail", *args, "--today", "2026-12-01").splitlines()[-1]
        assert words in said, (case, said)
        assert _announced(said) == _planned(root, slug, "2026-12-01"), (case, said)


def test_a_four_day_week_keeps_a_friday_promise_on_friday(workspace):
    root = workspace({**BOOK, "rippledoc.yaml": SETTINGS.replace("[mon, tue, wed, thu, fri]", "[mon, tue, wed, thu]")})
    said = run(root, "log", "moorfield", "--outcome", "voicemail", "--next", "fri", "--today", "2026-12-01")
    assert "Call back on Fri 04 Dec: Friday is not one of your working days, but you promised it" in said
    assert _planned(root, "moorfield", "2026-12-01") == date(2026, 12, 4)


def test_log_next_takes_days_counted_from_the_touch(workspace):
    root = workspace(BOOK)
    for words, expect in (("+3", "2026-12-04"), ("+1w", "2026-12-08"), ("TUE", "2026-12-08"), ("wednesday", "2026-12-02"),
                          ("2026-12-10", "2026-12-10")):
        out = run(root, "log", "kestrel", "--outcome", "voicemail", "--next", words, "--today", "2026-12-01", "--json")
        assert json.loads(out)["text"].endswith(f"next: {expect}"), (words, out)
    past = run(root, "log", "dunmore", "--outcome", "voicemail", "--date", "2026-11-27", "--next", "mon",
               "--today", "2026-12-01", "--json")
    assert json.loads(past)["text"].endswith("next: 2026-11-30")  # the Monday after the touch's Friday
    bad = CliRunner().invoke(main, ["-C", str(root), "log", "kestrel", "--next", "someday", "--today", "2026-12-01"])
    assert bad.exit_code == 2 and "'someday' is not a date (YYYY-MM-DD, today, tomorrow, +N (days)" in bad.output
    assert "tomorrow, +3 (days), +2w (weeks), or a weekday" in " ".join(
        CliRunner().invoke(main, ["log", "--help"]).output.split())


# ---------------------------------------------------------------- the rule and the forecast agree

def _book(today: date, promises: list[int], working: tuple[int, ...]) -> Book:
    clients = []
    for i, offset in enumerate(promises):
        touch = Touch(today - timedelta(days=10), "call", "voicemail", None, "", (), (),
                      today + timedelta(days=offset), Source(f"clients/c{i}.md", 1), "")
        clients.append(Client(slug=f"c{i:02d}", name=f"Client {i}", source=Source(f"clients/c{i:02d}.md", 1),
                              timezone=("America/Chicago", "Europe/London", "Asia/Tokyo")[i % 3], log=(touch,)))
    s = Settings(timezone="America/New_York", working_days=working)
    return relink(Book(Path("/book"), s, tuple(clients), {}, ()))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(today=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
       promises=st.lists(st.integers(-9, 20), min_size=1, max_size=12),
       working=st.sampled_from([(0, 1, 2, 3, 4), (0, 1, 2, 3), (1, 2, 3, 4, 5), (0, 2, 4)]))
def test_the_forecast_holds_each_promise_on_the_day_promised_day_names(today, promises, working):
    ws = _book(today, promises, working)
    pol, _ = policy(ws)
    held = {}
    for p in forecast(ws, today, 31).days:
        for slug in [c.client.slug for c in p.calls] + [o.client.slug for o in p.outside]:
            held.setdefault(slug, p.day)
    for c in ws.clients:
        item = next_due(c, today, pol)
        assert item is not None and item.kind == "callback"
        day = promised_day(item, today, ws.settings)
        assert held[c.slug] == day
        assert day == item.date if item.date >= today else day.weekday() in working


def test_the_site_lists_a_call_promised_for_a_day_off_on_that_day(workspace, tmp_path):
    from rippledoc.site.build import build_site
    root = workspace({**BOOK, "clients/kestrel.md": client(
        "Kestrel Freight", "America/Chicago", "- 2026-12-01 call voicemail by stan: next: 2026-12-05\n")})
    build_site(root, tmp_path / "site", SAT)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "is not a working day" not in page
    assert "Saturday: you promised a call back to Kestrel Freight" in page
    assert 'class="call"' in page and "09:00 their time" in page
