"""How often each client should hear from us, from the one-a-day ritual's definition.

The ritual file ``rituals/one-a-day.md`` (or the built-in one) says::

    calls_per_day: 1                     # how many calls the daily plan holds
    cadence_by_level: {for-life: 30d, key: 60d, base: 120d}
    cadence_by_grade: {top: 45d}         # optional

A cadence is soft and hard: ``4w..6w`` is due after four weeks (the ideal) and
overdue after six (the most). A plain ``30d`` is ``30d..30d``: due and overdue
from the same day, as it always was.

A client's cadence is its own ``cadence:`` when it has one; otherwise its
level's, shortened by its grade's when both are given: the ideal is the
shorter of the two ideals, the most the shorter of the two mosts (the more
attention wins).

The policy also carries the reasons to call that rippledoc.yaml can turn off
(``birthdays``, ``anniversaries``) and my working days (views/due.py moves a
birthday that falls on a day off to the working day before it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Mapping

from rippledoc.diagnostics import Diagnostic, error
from rippledoc.parse.fields import cadence_problem, cadence_text, parse_cadence_span
from rippledoc.model import GRADES, LEVELS, Client, Settings
from rippledoc.book.book import Book

RITUAL = "one-a-day"
DEFAULT_BY_LEVEL = {"for-life": 30, "key": 60, "base": 120}

Span = tuple[int, int]  # (ideal, most) days


@dataclass(frozen=True, slots=True)
class Policy:
    by_level: Mapping[str, Span] = field(default_factory=lambda: {k: (v, v) for k, v in DEFAULT_BY_LEVEL.items()})
    by_grade: Mapping[str, Span] = field(default_factory=dict)
    calls_per_day: int = 1
    settings: Settings = field(default_factory=Settings)  # my week and the reasons to call it turns on or off

    def span(self, client: Client) -> Span:
        """(ideal, most) days: due after the first, overdue after the second."""
        if client.cadence_days:
            return client.cadence_days, client.cadence_max_days or client.cadence_days
        ideal, most = self._level(client)
        if client.grade and client.grade in self.by_grade:
            g_ideal, g_most = self.by_grade[client.grade]
            ideal, most = min(ideal, g_ideal), min(most, g_most)
        return ideal, most

    def cadence(self, client: Client) -> int:
        """The ideal cadence, in days: when the client's next call falls due."""
        return self.span(client)[0]

    def next_call_words(self, client: Client, reached: date) -> str:
        """What ``log`` and ``call`` say after a call reached them on ``reached``: 'Next call due Mon 22 Feb 2027
        (cadence 60d).', with the day it is overdue after for a soft cadence."""
        ideal, most = self.span(client)
        overdue = f"; overdue after {reached + timedelta(days=most):%a %d %b}" if most != ideal else ""
        return (f"Next call due {reached + timedelta(days=ideal):%a %d %b %Y} (cadence {cadence_text(ideal, most)}"
                f"{overdue}).")

    def _level(self, client: Client) -> Span:
        default = DEFAULT_BY_LEVEL.get(client.level, 120)
        return self.by_level.get(client.level, (default, default))

    def source(self, client: Client) -> str:
        """Where the cadence comes from, in words: 'own cadence', 'key client', 'top grade'."""
        if client.cadence_days:
            return "own cadence"
        if client.grade in self.by_grade and self.by_grade[client.grade] < self._level(client):  # type: ignore[index]
            return f"{client.grade} grade"
        return f"{client.level} client"


def policy(ws: Book) -> tuple[Policy, list[Diagnostic]]:
    """The cadence policy of the workspace, with a diagnostic for each value that cannot be read."""
    ritual = ws.rituals.get(RITUAL)
    if ritual is None:
        return Policy(settings=ws.settings), []
    diags: list[Diagnostic] = []
    path = ritual.source.path
    s = ritual.settings

    def table(key: str, allowed: tuple[str, ...], base: Mapping[str, Span]) -> dict[str, Span]:
        out = dict(base)
        value = s.get(key)
        if value is None:
            return out
        if not isinstance(value, dict):
            diags.append(error(path, 0, 0, "E400", f"'{key}' must be a mapping like {{key: 60d}}"))
            return out
        for k, v in value.items():
            span = parse_cadence_span(v) if isinstance(v, str) else None
            if k not in allowed:
                diags.append(error(path, 0, 0, "E400", f"{key}: '{k}' is not one of {', '.join(allowed)}"))
            elif span is None:
                _, message, hint = cadence_problem(str(v))
                diags.append(error(path, 0, 0, "E400", f"{key}: {message}", hint))
            else:
                out[k] = span
        return out

    calls = 1
    raw = s.get("calls_per_day")
    if raw is not None:
        if isinstance(raw, str) and raw.strip().isdigit() and 0 < int(raw) <= 100:
            calls = int(raw)
        else:
            diags.append(error(path, 0, 0, "E400", f"calls_per_day '{raw}' is not a whole number from 1 to 100"))
    levels = table("cadence_by_level", LEVELS, Policy().by_level)
    return Policy(levels, table("cadence_by_grade", GRADES, {}), calls, ws.settings), diags
