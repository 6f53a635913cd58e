"""The pure parts of a call session: the default call back day, the line it writes, the summary, the next call."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import load_workspace, write
from rippledoc.cli.app import main
from rippledoc.views.plan import callback_notice, daily_plan
from rippledoc.views.session import CallAnswers, Outcome, callback_default, next_call, summary

SETTINGS = ("me: stan\ntimezone: America/New_York\ncall_window: \"09:30-11:30\"\n"
            "working_days: [{days}]\nteam:\n  stan: {{name: Stan}}\n  priya: {{name: Priya, handles: [training]}}\n"
            "  omar: {{name: Omar, handles: [support]}}\n")
ZONES = {
    "london": "Europe/London",  # their afternoon: every weekday meets the window
    "chicago": "America/Chicago",
    "auckland": "Pacific/Auckland",  # my morning is their night: never inside the window
    "tokyo": "Asia/Tokyo",  # never inside the window
    "nowhere": "",  # no zone in the file: any time of the window
}


def book(tmp_path: Path, days: str = "mon, tue, wed, thu, fri") -> Path:
    files = {"rippledoc.yaml": SETTINGS.format(days=days)}
    for slug, zone in ZONES.items():
        tz = f"timezone: {zone}\n" if zone else ""
        files[f"clients/{slug}.md"] = f"---\nname: {slug.title()} Ltd\n{tz}level: key\n---\n\n## Log\n" \
                                      "- 2026-10-01 call reached by stan: fine.\n"
    (tmp_path / "clients").mkdir()
    return write(tmp_path, files)


@pytest.mark.parametrize("today, days, expected", [
    (date(2026, 12, 1), "mon, tue, wed, thu, fri", {"london": date(2026, 12, 2), "chicago": date(2026, 12, 2),
                                                    "nowhere": date(2026, 12, 2), "tokyo": date(2026, 12, 2)}),
    (date(2026, 12, 4), "mon, tue, wed, thu, fri", {"london": date(2026, 12, 7), "nowhere": date(2026, 12, 7)}),
    (date(2026, 12, 3), "mon, tue, wed, thu", {"london": date(2026, 12, 7), "chicago": date(2026, 12, 7)}),
])
def test_a_call_back_defaults_to_the_next_working_day_that_is_a_business_day_in_their_zone(tmp_path, today, days,
                                                                                           expected):
    ws, _ = load_workspace(book(tmp_path, days), today)
    by_slug = {c.slug: c for c in ws.clients}
    assert {slug: callback_default(ws, by_slug[slug], today) for slug in expected} == expected


@pytest.mark.parametrize("slug", ["tokyo", "auckland"])
def test_a_client_whose_hours_never_meet_the_window_defaults_to_the_next_working_day_said_so(tmp_path, slug):
    ws, _ = load_workspace(book(tmp_path), date(2026, 12, 4))  # a Friday
    client = next(c for c in ws.clients if c.slug == slug)
    day = callback_default(ws, client, date(2026, 12, 4))
    assert day == date(2026, 12, 7)
    assert "Their hours do not meet your call window that day" in callback_notice(ws, client, date(2026, 12, 4), day,
                                                                                   date(2026, 12, 4))


@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2026, 12, 4), date(2026, 12, 5)])
@pytest.mark.parametrize("slug", ["london", "chicago", "nowhere"])
def test_the_plan_keeps_the_default_call_back_on_that_day_inside_the_window_as_log_announces(tmp_path, today, slug):
    root = book(tmp_path)
    ws, _ = load_workspace(root, today)
    client = next(c for c in ws.clients if c.slug == slug)
    day = callback_default(ws, client, today)
    assert callback_notice(ws, client, today, day, today) == f"Call back on {day:%a %d %b}: it will be that day's call."
    path = root / client.path
    path.write_text(path.read_text() + f"- {today} call voicemail by stan: next: {day}\n")
    later, _ = load_workspace(root, today)
    plan = daily_plan(later, day)
    [planned] = [c for c in plan.calls if c.client.slug == slug]
    assert planned.item.kind == "callback" and planned.start is not None


def test_the_line_is_the_one_log_writes_with_the_same_answers(tmp_path):
    root = book(tmp_path)
    r = CliRunner().invoke(main, ["-C", str(root), "log", "london", "--today", "2026-12-01", "--note",
                                  "Всё хорошо; the export is slow", "--handoff", "support: omar by 2026-12-03",
                                  "--kudos", "priya: Ευχαριστώ", "--intel", "conference: 東京物流展"])
    assert r.exit_code == 0, r.output
    logged = (root / "clients/london.md").read_text().splitlines()[-1]
    answers = CallAnswers("reached", note="Всё хорошо", problem="the export is slow",
                          handoff=("support", "omar", date(2026, 12, 3)), kudos=(("priya", "Ευχαριστώ"),),
                          intel=("conference: 東京物流展",))
    assert answers.line(date(2026, 12, 1), "stan") == logged.replace("Всё хорошо;", "Всё хорошо.")


def test_a_story_is_written_in_the_customers_words_and_read_back_as_the_story(tmp_path):
    root = book(tmp_path)
    line = CallAnswers("reached", note="fine", story="они закрывают месяц на два дня раньше").line(
        date(2026, 12, 1), "stan")
    assert line == '- 2026-12-01 call reached by stan: fine. #success "они закрывают месяц на два дня раньше"'
    path = root / "clients/london.md"
    path.write_text(path.read_text() + line + "\n")
    ws, diags = load_workspace(root, date(2026, 12, 1))
    assert not [d for d in diags if d.is_error]
    [story] = [s for s in ws.followups.stories if s.client.slug == "london"]
    assert story.words == '"они закрывают месяц на два дня раньше"'


def test_a_voicemail_line_with_its_call_back_and_no_note():
    assert CallAnswers("voicemail", next=date(2026, 12, 4)).line(date(2026, 12, 1), "stan") == \
        "- 2026-12-01 call voicemail by stan: next: 2026-12-04"
    assert CallAnswers("no-answer").line(date(2026, 12, 1), None) == "- 2026-12-01 call no-answer"


def test_the_summary_counts_and_lists_what_was_written(tmp_path):
    ws, _ = load_workspace(book(tmp_path), date(2026, 12, 1))
    c = {x.slug: x for x in ws.clients}
    outcomes = [Outcome(c["london"], "reached", "clients/london.md", 9, "- 2026-12-01 call reached by stan: ок."),
                Outcome(c["chicago"], "voicemail", "clients/chicago.md", 9, "- 2026-12-01 call voicemail by stan: "
                        "next: 2026-12-02", next=date(2026, 12, 2)),
                Outcome(c["tokyo"], "snooze", "clients/tokyo.md", 4, "snooze: 2026-12-08", until=date(2026, 12, 8)),
                Outcome(c["nowhere"], "skip"), Outcome(c["auckland"], "left")]
    assert summary(outcomes, date(2026, 12, 1), dry_run=False) == [
        "Session of Tue 01 Dec 2026: 4 of 5 clients (1 reached, 1 voicemail, 1 skipped, 1 snoozed, 1 not yet)",
        "  reached    London Ltd",
        "             written to clients/london.md:9: - 2026-12-01 call reached by stan: ок.",
        "  voicemail  Chicago Ltd   call back Wed 02 Dec",
        "             written to clients/chicago.md:9: - 2026-12-01 call voicemail by stan: next: 2026-12-02",
        "  snoozed    Tokyo Ltd     until Tue 08 Dec",
        "             written to clients/tokyo.md:4: snooze: 2026-12-08",
        "  skipped    Nowhere Ltd   still due",
        "  not yet    Auckland Ltd",
        "Written: 2 log lines and 1 snooze.",
    ]


def test_the_next_call_is_a_promise_kept_on_a_day_off(tmp_path):
    root = book(tmp_path)
    path = root / "clients/london.md"
    path.write_text(path.read_text() + "- 2026-12-04 call voicemail by stan: said Saturday. next: 2026-12-05\n")
    ws, _ = load_workspace(root, date(2026, 12, 4))
    plan, stop = next_call(ws, date(2026, 12, 4))
    assert plan.day == date(2026, 12, 5) and stop.client.slug == "london" and stop.is_callback
