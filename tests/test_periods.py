"""Periods: the calendar units ritual records are named after."""
from datetime import date, timedelta

import pytest

from rippledoc.parse.periods import Period, cadence_days, cadence_kind, parse_period, period_of

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("kind, label, start, end", [
    ("day", "2026-11-23", date(2026, 11, 23), date(2026, 11, 24)),
    ("week", "2026-W48", date(2026, 11, 23), date(2026, 11, 30)),
    ("month", "2026-11", date(2026, 11, 1), date(2026, 12, 1)),
    ("quarter", "2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
    ("year", "2026", date(2026, 1, 1), date(2027, 1, 1)),
])
def test_each_kind_has_a_start_an_end_and_a_label(kind, label, start, end):
    p = period_of(kind, MONDAY)
    assert (p.label, p.start, p.end, p.last) == (label, start, end, end - timedelta(days=1))
    assert p.contains(start) and p.contains(p.last) and not p.contains(end)
    assert parse_period(label) == p
    assert str(p) == label


def test_a_sunday_belongs_to_the_week_that_began_on_monday():
    assert period_of("week", date(2026, 11, 22)).label == "2026-W47"
    assert period_of("week", date(2026, 11, 22)).start == date(2026, 11, 16)


def test_iso_weeks_cross_the_new_year():
    assert period_of("week", date(2026, 12, 31)).label == "2026-W53"  # 2026 has 53 ISO weeks
    assert period_of("week", date(2027, 1, 3)).label == "2026-W53"
    assert period_of("week", date(2024, 12, 30)).label == "2025-W01"
    assert parse_period("2025-W01").start == date(2024, 12, 30)


def test_next_and_previous_walk_the_calendar():
    assert parse_period("2026-Q4").next().label == "2027-Q1"
    assert parse_period("2026-12").next().label == "2027-01"
    assert parse_period("2026-W53").next().label == "2027-W01"
    assert parse_period("2027-W01").previous().label == "2026-W53"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026").previous().label == "2025"
    assert parse_period("2026-03-01").previous().label == "2026-02-28"
    assert parse_period("2026-Q1").days == 90
    assert parse_period("2024-02").days == 29


@pytest.mark.parametrize("label", ["2026-W54", "2025-W53", "2026-13", "2026-Q5", "2026-02-30", "26", "2026-w47",
                                   "2026W47", "", "last week"])
def test_what_is_not_a_period(label):
    assert parse_period(label) is None


def test_cadences_map_to_period_kinds_or_days():
    assert [cadence_kind(c) for c in ("daily", "weekly", "monthly", "quarterly", "yearly", "14d")] == \
        ["day", "week", "month", "quarter", "year", None]
    assert cadence_days("14d") == 14 and cadence_days("weekly") is None


def test_periods_order_by_start():
    assert sorted([parse_period("2026-Q4"), parse_period("2026-Q1")]) == [Period(date(2026, 1, 1), "quarter"),
                                                                         Period(date(2026, 10, 1), "quarter")]
