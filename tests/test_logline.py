"""The log line: `- DATE KIND [OUTCOME] [by WHO][: NOTE]`, read and written the same way."""
from datetime import date

import pytest

from rippledoc.logline import format_touch, parse_touch


def parse(line: str, today: date | None = None):
    return parse_touch(line, "clients/acme.md", 7, today)


def test_a_full_line_gives_every_part():
    touch, diags = parse("- 2026-11-20 call voicemail by stan: said I'd call back. #support @priya next: 2026-11-24")
    assert diags == []
    assert (touch.date, touch.kind, touch.outcome, touch.by) == (date(2026, 11, 20), "call", "voicemail", "stan")
    assert touch.tags == ("support",) and touch.mentions == ("priya",)
    assert touch.next == date(2026, 11, 24)
    assert not touch.reached


@pytest.mark.parametrize("line, outcome", [
    ("- 2026-11-02 call", "reached"),
    ("- 2026-11-02 meeting: lunch", "reached"),
    ("- 2026-11-02 email: sent the plan", "sent"),
    ("- 2026-11-02 letter", "sent"),
    ("- 2026-11-02 email reached: they replied", "reached"),
])
def test_the_outcome_defaults_by_kind(line, outcome):
    touch, diags = parse(line)
    assert diags == [] and touch.outcome == outcome


@pytest.mark.parametrize("line, code, col", [
    ("- 2026-02-30 call", "E102", 3),
    ("- 2026-11-02 cal reached", "E201", 14),
    ("- 2026-11-02 20 reached", "E201", 14),
    ("- 2026-11-02 call answered: hi", "E202", 19),
    ("- 2026-11-02 call: x next:   2026-13-01", "E102", 30),
    ("called them today", "E200", 1),
])
def test_a_bad_line_is_one_diagnostic_at_the_right_column(line, code, col):
    _, diags = parse(line)
    assert [(d.code, d.line, d.col) for d in diags] == [(code, 7, col)]


def test_a_touch_after_today_is_an_error_but_still_read():
    touch, diags = parse("- 2026-12-01 call", today=date(2026, 11, 22))
    assert touch is not None and [d.code for d in diags] == ["E203"]


@pytest.mark.parametrize("args", [
    dict(when=date(2026, 11, 20), kind="call", outcome="voicemail", by="stan", note="back Tuesday",
         next_date=date(2026, 11, 24)),
    dict(when=date(2026, 11, 20), kind="email", outcome="sent", note="the plan #intel"),
    dict(when=date(2026, 11, 20), kind="call", outcome="reached"),
])
def test_what_format_touch_writes_parse_touch_reads_back(args):
    line = format_touch(**args)
    touch, diags = parse(line)
    assert diags == []
    assert (touch.date, touch.kind, touch.outcome) == (args["when"], args["kind"], args["outcome"])
    assert touch.next == args.get("next_date")


@pytest.mark.parametrize("line, ok", [
    ("- 2026-11-02 call sent", False), ("- 2026-11-02 email voicemail", False),
    ("- 2026-11-02 meeting no-answer", False), ("- 2026-11-02 email reached: they replied", True),
    ("- 2026-11-02 letter sent", True), ("- 2026-11-02 call no-answer", True),
])
def test_an_outcome_must_fit_the_kind_of_touch(line, ok):
    touch, diags = parse(line)
    assert (touch is not None and not diags) == ok
    if not ok:
        assert [d.code for d in diags] == ["E202"]
