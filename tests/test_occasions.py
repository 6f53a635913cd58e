"""Dates that matter: a contact's birthday and a client's anniversary (from ``since``) are reasons to call, said the
same way in due, today, the plan, the calendar and the dashboard; each can be turned off; imports keep birthdays."""
from __future__ import annotations

import json
from datetime import date

import vobject
from click.testing import CliRunner

from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.exchange.ics import build_calendar
from rippledoc.views.due import due_items, occasion_day
from rippledoc.views.plan import daily_plan, forecast

SETTINGS = """\
me: stan
timezone: America/New_York
call_window: "09:30-11:30"
holidays: [2026-12-24]
team:
  stan: {name: Stan Ortiz}
"""
ONE_A_DAY = "---\nname: One a day\ncalls_per_day: 1\ncadence_by_level: {for-life: 30d, key: 60d, base: 120d}\n---\n"
# Ingrid's birthday is Saturday 05 Dec 2026; Sakura became a client on Friday 04 Dec 2016
MOORFIELD = """\
---
name: Moorfield Lettings
contact: Ingrid Øvergaard
birthday: --12-05
timezone: Europe/London
level: key
---
## Log
- 2026-11-20 call reached by stan: fine
"""
SAKURA = """\
---
name: 株式会社さくら物流
contact: 佐藤 花子
since: 2016-12-04
timezone: America/Chicago
level: key
---
## Log
- 2026-11-20 call reached by stan: fine
"""
MON, THU, FRI, SAT = date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 5)


def book(workspace, settings: str = SETTINGS, today: date = MON, **more: str):
    files = {"rippledoc.yaml": settings, "rituals/one-a-day.md": ONE_A_DAY,
             "clients/moorfield.md": MOORFIELD, "clients/sakura.md": SAKURA,
             **{f"clients/{k}.md": v for k, v in more.items()}}
    root = workspace(files)
    ws, diags = load_workspace(root, today)
    assert [d for d in diags if d.is_error] == [], diags
    return root, ws


def run(root, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def test_a_birthday_and_an_anniversary_are_reasons_to_call_on_their_day(workspace):
    _, ws = book(workspace)
    coming = {i.client.slug: i for i in due_items(ws, MON, days=7) if i.kind in ("birthday", "anniversary")}
    b, a = coming["moorfield"], coming["sakura"]
    # Saturday is not a working day: the birthday call is on the Friday before it
    assert (b.kind, b.date, b.occasion, b.what) == ("birthday", FRI, SAT, "Ingrid Øvergaard's birthday")
    assert b.reason == "Ingrid Øvergaard's birthday on Saturday; key client, last reached 10 days ago"
    assert (a.kind, a.date, a.occasion) == ("anniversary", FRI, FRI)
    assert a.reason == "client for 10 years on Friday; key client, last reached 10 days ago"
    assert [i.kind for i in due_items(ws, MON)] == []  # nothing is due before its day
    today = {i.client.slug: i.reason for i in due_items(ws, FRI)}
    assert today == {"moorfield": "Ingrid Øvergaard's birthday tomorrow; key client, last reached 14 days ago",
                     "sakura": "client for 10 years today; key client, last reached 14 days ago"}
    assert [i.to_json()["occasion"] for i in due_items(ws, FRI)] in (["2026-12-05", "2026-12-04"],
                                                                      ["2026-12-04", "2026-12-05"])


def test_both_are_planned_in_the_calendar_today_and_on_the_dashboard(workspace, tmp_path):
    root, ws = book(workspace)
    days = {p.day: p for p in forecast(ws, MON, 8).days}
    # one call a day: the birthday (heavier: it has two days less to wait) on Friday, the anniversary on Monday,
    # saying it is late
    assert [(c.client.slug, c.item.kind) for c in days[FRI].calls] == [("moorfield", "birthday")]
    [late] = days[date(2026, 12, 7)].calls
    assert (late.client.slug, late.item.kind, late.item.overdue_days) == ("sakura", "anniversary", 3)
    assert late.item.reason == "client for 10 years was on Friday (3 days ago); key client, last reached 17 days ago"

    cal = vobject.readOne(build_calendar(ws, MON, days=8).decode())
    events = {e.uid.value: e for e in cal.vevent_list}
    # the UID names the occasion's day, whichever day the call is made on
    assert {"moorfield-birthday-2026-12-05@rippledoc", "sakura-anniversary-2026-12-04@rippledoc"} <= set(events)
    assert f"{events['sakura-anniversary-2026-12-04@rippledoc'].dtstart.value:%a %d %b}" == "Mon 07 Dec"
    birthday = events["moorfield-birthday-2026-12-05@rippledoc"]
    assert birthday.summary.value == "Birthday call to Moorfield Lettings"
    assert birthday.description.value.startswith("Why: Ingrid Øvergaard's birthday tomorrow")
    assert birthday.categories.value == ["rippledoc", "birthday"]

    text = run(root, "today", "--today", "2026-12-04")
    assert "    why: Ingrid Øvergaard's birthday tomorrow; key client, last reached 14 days ago" in text
    data = json.loads(run(root, "today", "--today", "2026-12-04", "--json"))
    assert [(c["kind"], c["occasion"]) for c in data["calls"]] == [("birthday", "2026-12-05")]
    assert "Ingrid Øvergaard's birthday tomorrow" in run(root, "plan", "--today", "2026-11-30", "--days", "5")

    run(root, "build", "--today", "2026-12-04", "-o", str(tmp_path / "site"))
    dashboard = (tmp_path / "site" / "index.html").read_text()
    assert "Ingrid Øvergaard&#39;s birthday tomorrow" in dashboard
    assert "client for 10 years today" in dashboard


def test_the_anniversary_year_counts_from_since_and_29_february_falls_on_the_28th(workspace):
    leap = "---\nname: Þór ehf.\nsince: 2024-02-29\ntimezone: Atlantic/Reykjavik\n---\n## Log\n" \
           "- 2026-02-01 call reached by stan: fine\n"
    _, ws = book(workspace, leap=leap)
    [item] = [i for i in due_items(ws, date(2027, 2, 22), days=7) if i.kind == "anniversary"]
    assert (item.client.slug, item.occasion, item.what) == ("leap", date(2027, 2, 28), "client for 3 years")
    assert item.date == date(2027, 2, 26)  # 28 February 2027 is a Sunday: the Friday before
    new = "---\nname: Новый клиент\nsince: 2026-06-01\ntimezone: Europe/Moscow\n---\n"
    _, ws = book(workspace, new=new)
    assert [i.kind for i in due_items(ws, date(2026, 6, 1), days=364) if i.client.slug == "new"] == ["never"]  # no 0th
    [one] = [i for i in due_items(ws, date(2026, 6, 1), days=365) if i.kind == "anniversary" and i.client.slug == "new"]
    assert (one.occasion, one.what) == (date(2027, 6, 1), "client for 1 year")


def test_a_touch_around_the_day_settles_it_and_the_call_before_names_it(workspace):
    called = MOORFIELD.replace("- 2026-11-20 call reached by stan: fine\n",
                               "- 2026-10-01 call reached by stan: fine\n- 2026-12-02 email by stan: happy birthday\n")
    # the cadence call planned in the three days before the birthday names it, and settles it
    early = MOORFIELD.replace("2026-11-20", "2026-10-03")  # due Wed 02 Dec (60 days)
    root, ws = book(workspace, moorfield=early)
    [item] = [i for i in due_items(ws, date(2026, 12, 2)) if i.client.slug == "moorfield"]
    assert (item.kind, item.reason) == ("cadence", "key client, last reached 60 days ago, cadence 60d; "
                                                   "Ingrid Øvergaard's birthday on Saturday")
    days = {p.day: [c.client.slug for c in p.calls] for p in forecast(ws, date(2026, 12, 2), 4).days}
    assert days[date(2026, 12, 2)] == ["moorfield"] and "moorfield" not in days[FRI]
    # an e-mail two days before (sent counts) settles it too
    _, ws = book(workspace, today=FRI, moorfield=called)
    assert [i.kind for i in due_items(ws, FRI, days=7) if i.client.slug == "moorfield"] == ["cadence"]


def test_unsettled_it_stays_a_week_then_drops(workspace):
    _, ws = book(workspace)
    kinds = lambda d: sorted(i.kind for i in due_items(ws, d) if i.client.slug == "moorfield")
    assert kinds(date(2026, 12, 12)) == ["birthday"]  # a week after Saturday
    assert kinds(date(2026, 12, 13)) == []


def test_a_holiday_or_a_weekend_moves_the_call_to_the_working_day_before(workspace):
    _, ws = book(workspace)
    s = ws.settings
    assert occasion_day(date(2026, 12, 24), s) == date(2026, 12, 23)  # a holiday Thursday: Wednesday
    assert occasion_day(date(2026, 12, 6), s) == date(2026, 12, 4)    # a Sunday: Friday
    assert occasion_day(date(2026, 12, 7), s) == date(2026, 12, 7)


def test_each_can_be_turned_off_in_rippledoc_yaml(workspace):
    for line, left in (("birthdays: false", {"anniversary"}), ("anniversaries: off", {"birthday"}),
                       ("birthdays: no\nanniversaries: false", set())):
        _, ws = book(workspace, SETTINGS + line + "\n")
        assert {i.kind for i in due_items(ws, FRI) if i.kind in ("birthday", "anniversary")} == left, line
        assert {c.item.kind for p in forecast(ws, MON, 8).days for c in p.calls} == left, line


def test_a_birthday_read_from_a_csv_or_a_vcard_is_a_reason_to_call(workspace, tmp_path):
    root = workspace({"rippledoc.yaml": SETTINGS})
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("company,contact,phone,birthday\nØresund Ltd,Åsa Lindqvist,+46 8 123 456 78,1971-12-04\n",
                     encoding="utf-8")
    card = tmp_path / "contacts.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ελένη Παππά\r\nORG:Αθηνά Εμπορική\r\n"
                    "TEL:+30 21 0123 4567\r\nBDAY:--12-04\r\nEND:VCARD\r\n", encoding="utf-8")
    run(root, "import", "csv", str(sheet), "--today", "2026-11-30")
    run(root, "import", "vcard", str(card), "--today", "2026-11-30")
    data = json.loads(run(root, "due", "--today", "2026-12-04", "--json"))
    assert sorted(i["reason"].split(";")[0] for i in data["items"] if i["kind"] == "birthday") == [
        "Åsa Lindqvist's birthday today", "Ελένη Παππά's birthday today"]
