"""Soft and hard cadences: ``cadence: 4w..6w`` is due after four weeks and overdue after six, per client and per
level and grade in the one-a-day ritual; overdue calls sort first; a plain ``30d`` means what it always meant."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date

from click.testing import CliRunner

from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.exchange.clean import field_value
from rippledoc.exchange.csvout import to_csv
from rippledoc.parse.client import parse_client
from rippledoc.parse.fields import parse_cadence_span
from rippledoc.model import Settings
from rippledoc.read.source import Text
from rippledoc.views.cadence import policy
from rippledoc.views.due import due_items
from rippledoc.views.plan import coverage, daily_plan

SETTINGS = "me: stan\ntimezone: Europe/Stockholm\nteam:\n  stan: {name: Stan}\n"


def client(name: str, front: str, last: str) -> str:
    return f"---\nname: {name}\ntimezone: Europe/Stockholm\n{front}---\n## Log\n- {last} call reached by stan: fine\n"


def book(workspace, clients: dict[str, str], ritual: str = "", today: date = date(2026, 11, 23)):
    files = {"rippledoc.yaml": SETTINGS, **{f"clients/{k}.md": v for k, v in clients.items()}}
    if ritual:
        files["rituals/one-a-day.md"] = f"---\nname: One a day\ncalls_per_day: 1\n{ritual}---\n"
    root = workspace(files)
    ws, diags = load_workspace(root, today)
    assert [d for d in diags if d.is_error] == [], diags
    return root, ws


def test_the_syntax():
    assert parse_cadence_span("4w..6w") == (28, 42)
    assert parse_cadence_span("30d") == (30, 30)
    assert parse_cadence_span("30d..2m") == (30, 60)
    assert parse_cadence_span("6w..4w") is None and parse_cadence_span("4w..") is None


def test_due_after_the_ideal_overdue_after_the_most(workspace):
    # last reached Mon 12 Oct: due from Mon 09 Nov (4 weeks), overdue after Mon 23 Nov (6 weeks)
    _, ws = book(workspace, {"fjord": client("Fjordkraft Ørsted", "level: key\ncadence: 4w..6w\n", "2026-10-12")})
    assert due_items(ws, date(2026, 11, 8)) == []
    [item] = due_items(ws, date(2026, 11, 16))
    assert (item.kind, item.date, item.limit, item.overdue_days, item.overdue) == (
        "cadence", date(2026, 11, 9), date(2026, 11, 23), 0, False)
    assert item.reason == "key client, last reached 35 days ago, cadence 28d..42d: overdue after Mon 23 Nov"
    [item] = due_items(ws, date(2026, 11, 23))
    assert (item.overdue_days, item.overdue, item.priority) == (0, False, 2.0)  # its most: due, at full weight
    [item] = due_items(ws, date(2026, 11, 26))
    assert (item.overdue_days, item.overdue) == (3, True)
    assert item.reason == "key client, last reached 45 days ago, cadence 28d..42d: overdue by 3 days"
    assert item.to_json()["overdue"] is True and item.to_json()["overdue_after"] == "2026-11-23"
    assert (item.to_json()["cadence_days"], item.to_json()["cadence_max_days"]) == (28, 42)


def test_a_plain_cadence_is_due_and_overdue_from_the_same_day_as_before(workspace):
    _, ws = book(workspace, {"a": client("Αθηνά Εμπορική", "level: key\ncadence: 30d\n", "2026-10-24")})
    [item] = due_items(ws, date(2026, 11, 23))
    assert (item.date, item.overdue_days, item.overdue, item.priority) == (date(2026, 11, 23), 0, False, 2.0)
    assert item.reason == "key client, last reached 30 days ago, cadence 30d"
    [item] = due_items(ws, date(2026, 11, 26))
    assert (item.overdue_days, item.overdue, item.priority) == (3, True, 2.0 * 4)
    assert item.to_json()["cadence_max_days"] == 30


def test_an_overdue_call_sorts_before_any_call_only_past_its_ideal_and_the_plan_takes_it_first(workspace):
    _, ws = book(workspace, {
        # a for-life top client, 1 day before its most: weighs 4.5, but is only due
        "top": client("Москва Импорт", "level: for-life\ngrade: top\ncadence: 4w..6w\n", "2026-10-13"),
        # a base client of grade three, overdue by a day: weighs 0.7
        "low": client("Ærø Fisk", "level: base\ngrade: three\ncadence: 30d\n", "2026-10-23"),
    })
    items = due_items(ws, date(2026, 11, 23))
    assert [(i.client.slug, i.overdue) for i in items] == [("low", True), ("top", False)]
    assert [c.client.slug for c in daily_plan(ws, date(2026, 11, 23)).calls] == ["low"]
    out = CliRunner().invoke(main, ["-C", str(ws.root), "due", "--today", "2026-11-23"]).output
    assert out.index("1d late  Ærø Fisk") < out.index("due      Москва Импорт")


def test_per_level_and_grade_in_the_ritual_the_more_attention_wins(workspace):
    ritual = "cadence_by_level: {for-life: 3w..5w, key: 6w..10w, base: 120d}\ncadence_by_grade: {top: 8w..8w}\n"
    root, ws = book(workspace, {
        "k": client("北京物流", "level: key\n", "2026-09-01"),
        "kt": client("Kestrel", "level: key\ngrade: top\n", "2026-09-01"),
        "fl": client("Fjordkraft", "level: for-life\ngrade: top\n", "2026-09-01"),
        "own": client("Own", "level: key\ncadence: 2w..3w\n", "2026-09-01"),
    }, ritual)
    pol, diags = policy(ws)
    assert diags == []
    assert {s: pol.span(ws.client(s)) for s in ("k", "kt", "fl", "own")} == {
        "k": (42, 70), "kt": (42, 56), "fl": (21, 35), "own": (14, 21)}
    assert pol.source(ws.client("kt")) == "key client" and pol.source(ws.client("own")) == "own cadence"
    cov = coverage(ws)  # 7/42 + 7/42 + 7/21 + 7/14 a week at the ideal, 7/70 + 7/56 + 7/35 + 7/21 at the most
    assert (round(cov.needed * 5, 3), round(cov.needed_most * 5, 3)) == (1.167, 0.758)
    assert replace(cov, calls_per_day=1, needed=1.26, needed_most=0.9).message() == (
        "4 active clients at cadences 14d-42d need 1.3 calls a working day (0.9 to call each by the most of its "
        "cadence); you plan 1 - the book cannot be covered at that rate")
    data = json.loads(CliRunner().invoke(main, ["-C", str(root), "due", "--today", "2026-11-23", "--json"]).output)
    assert {i["client"]: (i["cadence_days"], i["cadence_max_days"], i["overdue"]) for i in data["items"]} == {
        "k": (42, 70, True), "kt": (42, 56, True), "fl": (21, 35, True), "own": (14, 21, True)}


def test_bad_cadences_are_said_in_the_client_file_and_the_ritual(workspace):
    text = "---\nname: X\ncadence: 6w..4w\n---\n"
    _, diags = parse_client(Text("clients/x.md", text, text.encode()), Settings(), date(2026, 11, 23))
    assert [(d.code, d.message, d.hint) for d in diags] == [
        ("E105", "cadence '6w..4w': the most (4w) is shorter than the ideal (6w)",
         "write the ideal first, then the most: 4w..6w")]
    _, ws = book(workspace, {}, "cadence_by_level: {key: 8w..6w}\n")
    _, diags = policy(ws)
    assert [(d.code, d.message) for d in diags] == [
        ("E400", "cadence_by_level: cadence '8w..6w': the most (6w) is shorter than the ideal (8w)")]


def test_import_and_export_keep_both_ends(workspace):
    assert field_value("cadence", "4w..6w", date(2026, 11, 23)) == ("4w..6w", "")
    assert field_value("cadence", "4w..2w", date(2026, 11, 23))[1] == "cadence '4w..2w' is not like 30d, 8w, 3m or 4w..6w"
    _, ws = book(workspace, {"a": client("Alpha", "cadence: 4w..6w\n", "2026-10-12"),
                             "b": client("Bravo", "cadence: 30d\n", "2026-10-12")})
    rows = {r["name"]: r["cadence"] for r in csv.DictReader(io.StringIO(to_csv(ws)))}
    assert rows == {"Alpha": "28d..42d", "Bravo": "30d"}


def test_log_says_when_the_next_call_is_due_and_overdue_and_a_review_compares_both_ends(workspace):
    from rippledoc.book.decisions import agrees, file_value
    root, ws = book(workspace, {"fjord": client("Fjordkraft Ørsted", "level: key\ncadence: 4w..6w\n", "2026-10-12")})
    said = CliRunner().invoke(main, ["-C", str(root), "log", "fjord", "--note", "fine", "--today", "2026-11-23"])
    assert said.exit_code == 0, said.output
    assert said.output.splitlines()[-1] == "Next call due Mon 21 Dec 2026 (cadence 28d..42d; overdue after Mon 04 Jan)."
    c = ws.client("fjord")
    assert file_value(c, "cadence") == "28d..42d"
    assert agrees(c, "cadence", "4w..6w") and agrees(c, "cadence", "28d..42d") and not agrees(c, "cadence", "4w")
