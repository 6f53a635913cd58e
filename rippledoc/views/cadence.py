"""How often each client should hear from us, from the one-a-day ritual's definition.

The ritual file ``rituals/one-a-day.md`` (or the built-in one) says::

    calls_per_day: 1                     # how many calls the daily plan holds
    cadence_by_level: {for-life: 30d, key: 60d, base: 120d}
    cadence_by_grade: {top: 45d}         # optional

A client's cadence is its own ``cadence:`` when it has one; otherwise the
shorter of its level's and (when both are given) its grade's cadence: the
more attention wins.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from rippledoc.diagnostics import Diagnostic, error
from rippledoc.parse.fields import parse_cadence
from rippledoc.model import GRADES, LEVELS, Client
from rippledoc.book.book import Book

RITUAL = "one-a-day"
DEFAULT_BY_LEVEL = {"for-life": 30, "key": 60, "base": 120}


@dataclass(frozen=True, slots=True)
class Policy:
    by_level: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_BY_LEVEL))
    by_grade: Mapping[str, int] = field(default_factory=dict)
    calls_per_day: int = 1

    def cadence(self, client: Client) -> int:
        if client.cadence_days:
            return client.cadence_days
        days = self.by_level.get(client.level, DEFAULT_BY_LEVEL.get(client.level, 120))
        if client.grade and client.grade in self.by_grade:
            days = min(days, self.by_grade[client.grade])
        return days

    def source(self, client: Client) -> str:
        """Where the cadence comes from, in words: 'own cadence', 'key client', 'top grade'."""
        if client.cadence_days:
            return "own cadence"
        by_level = self.by_level.get(client.level, DEFAULT_BY_LEVEL.get(client.level, 120))
        if client.grade in self.by_grade and self.by_grade[client.grade] < by_level:  # type: ignore[operator]
            return f"{client.grade} grade"
        return f"{client.level} client"


def policy(ws: Book) -> tuple[Policy, list[Diagnostic]]:
    """The cadence policy of the workspace, with a diagnostic for each value that cannot be read."""
    ritual = ws.rituals.get(RITUAL)
    if ritual is None:
        return Policy(), []
    diags: list[Diagnostic] = []
    path = ritual.source.path
    s = ritual.settings

    def table(key: str, allowed: tuple[str, ...], base: Mapping[str, int]) -> dict[str, int]:
        out = dict(base)
        value = s.get(key)
        if value is None:
            return out
        if not isinstance(value, dict):
            diags.append(error(path, 0, 0, "E400", f"'{key}' must be a mapping like {{key: 60d}}"))
            return out
        for k, v in value.items():
            days = parse_cadence(v) if isinstance(v, str) else None
            if k not in allowed:
                diags.append(error(path, 0, 0, "E400", f"{key}: '{k}' is not one of {', '.join(allowed)}"))
            elif days is None:
                diags.append(error(path, 0, 0, "E400", f"{key}: '{v}' is not a cadence", "write it as 30d, 8w or 3m"))
            else:
                out[k] = days
        return out

    calls = 1
    raw = s.get("calls_per_day")
    if raw is not None:
        if isinstance(raw, str) and raw.strip().isdigit() and 0 < int(raw) <= 100:
            calls = int(raw)
        else:
            diags.append(error(path, 0, 0, "E400", f"calls_per_day '{raw}' is not a whole number from 1 to 100"))
    return Policy(table("cadence_by_level", LEVELS, DEFAULT_BY_LEVEL), table("cadence_by_grade", GRADES, {}),
                  calls), diags
