"""Who is due, when, and why: cadences, callbacks, snoozes, commitments, on fixed dates."""
from __future__ import annotations

from datetime import date

from rippledoc.views.due import due_items
from conftest import load_workspace

SETTINGS = """\
me: stan
timezone: America/New_York
team:
  stan: {name: Stan Ortiz}
  priya: {name: Priya Shah}
"""


def client(name: str, front: str = "", log: str = "") -> str:
    return f"---\nname: {name}\n{front}---\nNotes.\n\n## Log\n{log}"


def book(workspace, clients: dict[str, str], extra: dict[str, str] | None = None):
    files = {"rippledoc.yaml": SETTINGS, **{f"clients/{k}.md": v for k, v in clients.items()}, **(extra or {})}
    root = workspace(files)

    def due(today: date, days: int = 0, owner: str | None = None):
        ws, diags = load_workspace(root, today)
        assert [d for d in diags if d.is_error] == []
        return due_items(ws, today, days, owner)
    return due


KEY_60 = client("Northwind Traders", "level: key\nowner: stan\n",
                "- 2026-09-23 call reached by stan: fine\n")


def test_cadence_boundary_is_the_last_reached_date_plus_the_cadence(workspace):
    due = book(workspace, {"northwind": KEY_60})
    assert due(date(2026, 11, 21)) == []
    [item] = due(date(2026, 11, 22))
    assert (item.kind, item.date, item.overdue_days) == ("cadence", date(2026, 11, 22), 0)
    assert item.reason == "key client, last reached 60 days ago, cadence 60d"
    [item] = due(date(2026, 11, 23))
    assert item.overdue_days == 1 and item.priority == 2.0 * 2
    assert due(date(2026, 11, 21), days=1)[0].date == date(2026, 11, 22)


def test_own_cadence_and_ritual_defaults(workspace):
    ritual = ("---\nname: One a day\ncalls_per_day: 2\ncadence_by_level: {for-life: 20d, key: 45d, base: 90d}\n"
              "cadence_by_grade: {top: 30d}\n---\n")
    due = book(workspace, {
        "a": client("Alpha", "level: key\n", "- 2026-10-01 call reached: x\n"),           # 45d -> Nov 15
        "b": client("Bravo", "level: key\ngrade: top\n", "- 2026-10-01 call reached: x\n"),  # 30d -> Oct 31
        "c": client("Charlie", "level: base\ncadence: 2w\n", "- 2026-10-01 call reached: x\n"),  # 14d -> Oct 15
    }, {"rituals/one-a-day.md": ritual})
    items = {i.client.slug: i for i in due(date(2026, 11, 22))}
    assert {k: (i.date, i.cadence_days) for k, i in items.items()} == {
        "a": (date(2026, 11, 15), 45), "b": (date(2026, 10, 31), 30), "c": (date(2026, 10, 15), 14)}
    assert items["b"].reason == "key client, top grade, last reached 52 days ago, cadence 30d"


def test_voicemail_does_not_reset_the_cadence_but_makes_a_callback_on_the_promised_day(workspace):
    log = ("- 2026-08-01 call reached by stan: good talk\n"
           "- 2026-11-20 call voicemail by stan: said I'd call back Tuesday. next: 2026-11-24\n")
    due = book(workspace, {"northwind": client("Northwind Traders", "level: key\n", log)})
    assert due(date(2026, 11, 22)) == []  # the call is promised for Tuesday, not before
    [item] = due(date(2026, 11, 22), days=2)
    assert (item.kind, item.date) == ("callback", date(2026, 11, 24))
    assert item.reason == ("promised a call back on Tue 24 Nov (in 2 days) after a voicemail on Fri 20 Nov; "
                           "last reached 113 days ago")
    [item] = due(date(2026, 11, 24))
    assert item.reason == "promised a call back today after a voicemail on Fri 20 Nov; last reached 115 days ago"
    assert item.priority == 1000 + 2.0


def test_a_voicemail_without_a_promise_leaves_the_cadence_running(workspace):
    log = "- 2026-08-01 call reached by stan: ok\n- 2026-11-20 call voicemail by stan: left a message\n"
    due = book(workspace, {"northwind": client("Northwind Traders", "level: key\n", log)})
    [item] = due(date(2026, 11, 22))
    assert (item.kind, item.date, item.overdue_days) == ("cadence", date(2026, 9, 30), 53)


def test_a_later_call_settles_the_promise(workspace):
    log = ("- 2026-11-02 call voicemail by stan: next: 2026-11-05\n"
           "- 2026-11-05 call reached by stan: talked at last\n")
    due = book(workspace, {"northwind": client("Northwind Traders", "level: key\n", log)})
    assert due(date(2026, 11, 22), days=30) == []
    assert due(date(2026, 11, 22), days=45)[0].date == date(2027, 1, 4)


def test_snooze_moves_the_cadence_but_not_a_promise(workspace):
    due = book(workspace, {
        "a": client("Alpha", "level: key\nsnooze: 2026-12-01\n", "- 2026-08-01 call reached: x\n"),
        "b": client("Bravo", "snooze: 2026-12-01\n", "- 2026-11-20 call no-answer: next: 2026-11-23\n"),
    })
    assert [i.client.slug for i in due(date(2026, 11, 23))] == ["b"]
    items = {i.client.slug: i for i in due(date(2026, 11, 23), days=8)}
    assert items["a"].date == date(2026, 12, 1)
    assert items["a"].reason == "key client, last reached 114 days ago, cadence 60d, snoozed until Tue 01 Dec"
    assert items["b"].kind == "callback"


def test_paused_and_former_clients_are_never_due(workspace):
    commit = "commitments:\n  - {due: 2026-11-01, what: Send the plan}\n"
    due = book(workspace, {
        "p": client("Paused Co", "status: paused\n" + commit),
        "f": client("Former Co", "status: former\n" + commit, "- 2025-01-01 call reached: x\n"),
    })
    assert due(date(2026, 11, 22), days=366) == []


def test_never_contacted_clients_are_due_today(workspace):
    due = book(workspace, {"n": client("Newco", "level: for-life\nsince: 2025-06-01\n")})
    [item] = due(date(2026, 11, 22))
    assert (item.kind, item.date, item.overdue_days) == ("never", date(2026, 11, 22), 0)
    assert item.reason == "for-life client, never contacted (client since 2025)"
    assert item.priority == 3.0 * 8


def test_commitments_due_soon_or_overdue_say_so(workspace):
    front = ("commitments:\n"
             "  - {made: 2026-11-01, due: 2026-11-24, what: Send the plan}\n"
             "  - {made: 2026-10-01, due: 2026-11-19, what: Fix the VPN}\n"
             "  - {made: 2026-10-01, due: 2026-11-10, what: Old thing, done: 2026-11-09}\n"
             "  - {made: 2026-11-01, due: 2026-12-20, what: Far away}\n")
    due = book(workspace, {"n": client("Northwind", front, "- 2026-11-20 call reached: x\n")})
    items = due(date(2026, 11, 22))
    assert [(i.kind, i.what, i.reason, i.overdue_days) for i in items] == [
        ("commitment", "Fix the VPN", "commitment 'Fix the VPN' overdue by 3 days", 3),
        ("commitment", "Send the plan", "commitment 'Send the plan' due in 2 days", 0),
    ]
    assert "Far away" in [i.what for i in due(date(2026, 11, 22), days=30)]


def test_promised_callbacks_come_first_then_weighted_overdue_days(workspace):
    due = book(workspace, {
        "base": client("Base Co", "owner: priya\n", "- 2026-07-01 call reached: x\n"),          # 24 days late, w 1
        "life": client("Life Co", "level: for-life\nowner: stan\n", "- 2026-10-13 call reached: x\n"),  # 10 late, w 3
        "cb": client("Callback Co", "owner: stan\n", "- 2026-11-20 call voicemail: next: 2026-11-22\n"),
        "late": client("Late Co", "commitments:\n  - {due: 2026-09-01, what: Report}\n",
                       "- 2026-11-20 call reached: x\n"),
    })
    items = due(date(2026, 11, 22))
    assert [(i.client.slug, i.kind) for i in items] == [
        ("cb", "callback"), ("late", "commitment"), ("life", "cadence"), ("base", "cadence")]
    assert [i.priority for i in items] == [1001.0, 50 + 83.0, 33.0, 25.0]
    assert [i.client.slug for i in due(date(2026, 11, 22), owner="stan")] == ["cb", "life"]


def test_due_prints_an_aligned_table_without_colour_off_a_terminal(workspace):
    from click.testing import CliRunner
    from rippledoc.cli.app import main
    root = workspace({"rippledoc.yaml": SETTINGS, "clients/northwind.md": KEY_60,
                      "clients/acme.md": client("Acme Anvils", "owner: priya\n",
                                                "- 2026-11-20 call voicemail by priya: next: 2026-11-24\n")})
    r = CliRunner().invoke(main, ["-C", str(root), "due", "--days", "2", "--today", "2026-11-23"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(  # the rituals due follow the table
        "Mon 23 Nov 2026 and the next 2 days: 1 due now, 1 coming up\n"
        "WHEN        CLIENT             KIND      OWNER  WHY\n"
        "1d late     Northwind Traders  cadence   stan   key client, last reached 61 days ago, cadence 60d\n"
        "Tue 24 Nov  Acme Anvils        callback  priya  promised a call back tomorrow after a voicemail on Fri 20 Nov\n\nRituals due\n")
    r = CliRunner().invoke(main, ["-C", str(root), "due", "--owner", "zed", "--today", "2026-11-23"])
    assert r.exit_code == 2 and "--owner 'zed' is not in the team of rippledoc.yaml (stan, priya)" in r.output


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    from rippledoc.cli.output import paint, table, use_color, visible

    class Tty:
        def isatty(self) -> bool:
            return True
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Tty()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Tty()) is False
    assert visible(paint("late", "yellow", True)) == "\033[33mlate\033[0m" and paint("late", "yellow", False) == "late"
    assert table(("A", "BB"), [("日本", "x"), ("abc", "yy")], align="lr") == "A     BB\n日本   x\nabc   yy"
