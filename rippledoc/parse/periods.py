"""Calendar periods: a day, an ISO week, a month, a quarter, a year.

A ``Period`` is a small value with a ``start``, an ``end`` (exclusive), a
``next`` and a ``label``; labels are what ritual records are named after:
``2026-11-23``, ``2026-W47``, ``2026-11``, ``2026-Q4``, ``2026``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("day", "week", "month", "quarter", "year")
# A ritual's cadence word -> the period kind its records are named after.
CADENCE_KIND = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}

_LABELS = (
    ("day", re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")),
    ("week", re.compile(r"^([0-9]{4})-W([0-9]{2})$")),
    ("month", re.compile(r"^([0-9]{4})-([0-9]{2})$")),
    ("quarter", re.compile(r"^([0-9]{4})-Q([1-4])$")),
    ("year", re.compile(r"^([0-9]{4})$")),
)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: date
    kind: str

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.next().start

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == "day":
            return s.isoformat()
        if self.kind == "week":
            year, week, _ = s.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{s.year}-{s.month:02d}"
        if self.kind == "quarter":
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        return str(s.year)

    def contains(self, d: date) -> bool:
        return self.start <= d < self.end

    def next(self) -> "Period":
        s = self.start
        if self.kind == "day":
            return Period(s + timedelta(days=1), "day")
        if self.kind == "week":
            return Period(s + timedelta(days=7), "week")
        if self.kind == "year":
            return Period(date(s.year + 1, 1, 1), "year")
        months = 1 if self.kind == "month" else 3
        m = s.month - 1 + months
        return Period(date(s.year + m // 12, m % 12 + 1, 1), self.kind)

    def previous(self) -> "Period":
        return period_of(self.kind, self.start - timedelta(days=1))

    def __str__(self) -> str:
        return self.label


def period_of(kind: str, d: date) -> Period:
    """The period of ``kind`` that holds the day ``d``."""
    if kind == "day":
        return Period(d, kind)
    if kind == "week":
        return Period(d - timedelta(days=d.weekday()), kind)
    if kind == "month":
        return Period(date(d.year, d.month, 1), kind)
    if kind == "quarter":
        return Period(date(d.year, (d.month - 1) // 3 * 3 + 1, 1), kind)
    if kind == "year":
        return Period(date(d.year, 1, 1), kind)
    raise ValueError(f"unknown period kind {kind!r}")


def parse_period(label: str) -> Period | None:
    """``2026-W47`` -> the ISO week starting Monday 2026-11-16; None when the label is not a period."""
    label = label.strip()
    for kind, pattern in _LABELS:
        m = pattern.match(label)
        if not m:
            continue
        try:
            year = int(m[1])
            if kind == "day":
                return Period(date(year, int(m[2]), int(m[3])), kind)
            if kind == "week":
                return Period(date.fromisocalendar(year, int(m[2]), 1), kind)
            if kind == "month":
                return Period(date(year, int(m[2]), 1), kind)
            if kind == "quarter":
                return Period(date(year, (int(m[2]) - 1) * 3 + 1, 1), kind)
            return Period(date(year, 1, 1), kind)
        except ValueError:
            return None
    return None


def cadence_kind(cadence: str) -> str | None:
    """The period kind of a calendar cadence (``weekly`` -> ``week``); None for ``Nd``."""
    return CADENCE_KIND.get(cadence)


def cadence_days(cadence: str) -> int | None:
    """``14d`` -> 14; None for a calendar cadence."""
    m = re.match(r"^([0-9]+)d$", cadence)
    return int(m[1]) if m else None


@dataclass(frozen=True, slots=True)
class Span:
    """The reporting period: the days ``first`` to ``last``, both included."""
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, d: date) -> bool:
        return self.first <= d <= self.last

    def previous(self) -> "Span":
        """The span of the same length that ends the day before this one starts."""
        return Span(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def year_before(last: date) -> date:
    """The first day of the year that ends on ``last``: the day after the same date a year earlier."""
    try:
        return last.replace(year=last.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return last.replace(year=last.year - 1, day=28) + timedelta(days=1)


def reporting_span(today: date, first: date | None = None, last: date | None = None,
                   label: str | None = None) -> Span | None:
    """The period every report covers: a whole period by ``label``; else ``first`` to ``last``, where
    ``last`` defaults to today and ``first`` to a year before ``last``. None when ``label`` is not a period."""
    if label:
        p = parse_period(label)
        return Span(p.start, p.last) if p is not None else None
    last = last or today
    return Span(first or year_before(last), last)
