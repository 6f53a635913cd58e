"""The log line: `- DATE KIND [OUTCOME] [by WHO][: NOTE]`, read and written the same way."""
from datetime import date

import pytest

from rippledoc.parse.grammar.touch import parse_touch
from rippledoc.parse.grammar.write import format_touch


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


@pytest.mark.parametrize("text", ["٢٠٢٦-١١-٣٠", "２０２６-１１-３０", "2026-1१-30"])
def test_dates_are_written_in_ascii_digits_only(text):
    from rippledoc.parse.fields import parse_cadence, parse_date, parse_time_range
    assert parse_date(text) is None
    assert parse_date("2026-11-30") == date(2026, 11, 30)
    touch, problems = parse_touch(f"- {text} call reached: hello", "clients/a.md", 9)
    assert touch is None and problems[0].code == "E102" and "is not a date (YYYY-MM-DD)" in problems[0].message
    assert parse_cadence("٣٠d") is None and parse_cadence("30d") == 30
    assert parse_time_range("٠٩:٠٠-١٧:٠٠") is None


def test_periods_and_inbox_headings_take_ascii_digits_only():
    from rippledoc.team.inbox import plan
    from rippledoc.model import Client, Settings, Source
    from rippledoc.parse.periods import parse_period
    assert parse_period("٢٠٢٦-١١") is None and parse_period("2026-11") is not None
    acme = Client("acme", "Acme", Source("clients/acme.md", 1))
    decided = plan("## ٢٠٢٦-١١-٢٠\nacme call reached: ok\n", [acme], Settings(), date(2026, 11, 22), None)
    assert [d.touch for d in decided] == ["- 2026-11-22 call reached: ok"]


def test_the_order_of_a_log_is_the_majority_of_its_neighbouring_dates():
    from rippledoc.parse.grammar.log import log_order
    pinned_on_top = ["- 2026-10-01 call reached: pinned note", "- 2026-11-20 call reached: c",
                     "- 2026-11-10 email: b", "- 2026-11-05 call voicemail", "not a touch"]
    assert log_order(pinned_on_top) == "descending"
    assert log_order(list(reversed(pinned_on_top))) == "ascending"
    assert log_order(["- 2026-11-05 call"], ["- 2026-11-01 call", "- 2026-11-03 call"]) == "ascending"
    assert log_order(["- 2026-11-05 call", "- 2026-11-05 email"], ["- 2026-11-03 call", "- 2026-11-01 call"]) == \
        "descending"
    assert log_order([]) == "ascending"


def test_a_new_touch_is_the_newest_of_its_day_unless_asked_to_go_last():
    from rippledoc.parse.grammar.log import insertion_index
    up = ["", "- 2026-11-01 call", "- 2026-11-05 call", "- 2026-11-05 email", "- 2026-11-09 call", ""]
    assert insertion_index(up, date(2026, 11, 5)) == 4
    assert insertion_index(up, date(2026, 10, 1)) == 1
    assert insertion_index(up, date(2026, 12, 1)) == 5
    down = ["- 2026-11-09 call", "- 2026-11-05 call", "- 2026-11-05 email", "- 2026-11-01 call"]
    assert insertion_index(down, date(2026, 11, 5)) == 1
    assert insertion_index(down, date(2026, 11, 5), last_of_day=True) == 3
    assert insertion_index(down, date(2026, 10, 1)) == 4
    assert insertion_index(["", "notes"], date(2026, 11, 5)) is None


def test_log_and_the_merge_driver_put_a_touch_in_the_same_place(tmp_path):
    """A log whose first and last lines disagree with the rest runs the way most of it runs, for both.

    (Before, ``log`` judged by the first and last lines only and put this touch at the end.)"""
    from rippledoc.edit.client import append_touch
    from rippledoc.team.merge_driver import merge_file
    head = "---\nname: Acme Co\n---\n## Log\n"
    log = ("- 2026-10-01 call reached: pinned on top\n- 2026-11-20 call reached: c\n"
           "- 2026-11-10 email: b\n- 2026-11-05 call voicemail\n")
    new = "- 2026-11-15 call reached: new\n"
    want = head + new + log  # newest first: above the first line not newer than it
    (tmp_path / "rippledoc.yaml").write_text("timezone: Europe/London\n")
    (tmp_path / "clients").mkdir()
    path = tmp_path / "clients" / "acme-co.md"
    path.write_text(head + log)
    append_touch(tmp_path, "clients/acme-co.md", new.strip(), today=date(2026, 11, 22))
    assert path.read_text() == want
    ours = head + log + "- 2026-11-01 email: ours\n"
    merged = merge_file((head + log).encode(), ours.encode(), (head + log + new).encode(), "clients/acme-co.md")
    assert merged.clean and merged.data.decode() == want + "- 2026-11-01 email: ours\n"
