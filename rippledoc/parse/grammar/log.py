"""The ``## Log`` section of a client file: where it is, which way it runs, where a new line goes.

``find_log`` locates the section in a client file's body; ``log_order`` and
``insertion_index`` say which way a log runs and where a new line goes in
it: ``rippledoc log``, the inbox and the merge driver all place lines by
them. One line of the log is read by ``grammar.touch``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, Sequence

from rippledoc.parse.fields import parse_date

LOG_HEADING = re.compile(r"^##\s+log\s*$", re.IGNORECASE)
_HEADING2 = re.compile(r"^#{1,2}\s")
DATED = re.compile(r"^-\s+([0-9]{4}-[0-9]{2}-[0-9]{2})\b")  # a log line's date, valid or not

Order = Literal["ascending", "descending"]


@dataclass(frozen=True, slots=True)
class LogSection:
    heading_line: int  # file line of '## Log'
    first_line: int  # file line after the heading
    lines: tuple[str, ...]  # the section's lines (without line endings)
    notes: str  # the body without the log section


def find_log(body: str, body_line: int) -> LogSection | None:
    lines = body.split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        stripped = line.rstrip("\r")
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and LOG_HEADING.match(stripped):
            end = len(lines)
            for j in range(i + 1, len(lines)):
                if _HEADING2.match(lines[j]):
                    end = j
                    break
            notes = "\n".join(lines[:i] + lines[end:])
            section = tuple(l.rstrip("\r") for l in lines[i + 1:end])
            return LogSection(body_line + i, body_line + i + 1, section, notes)
    return None


def is_skippable(line: str) -> bool:
    s = line.strip()
    return not s or (s.startswith("<!--") and s.endswith("-->"))


def line_date(line: str) -> date | None:
    """The date a log line starts with (``- 2026-11-20 call …``), or None."""
    m = DATED.match(line)
    return parse_date(m[1]) if m else None


def log_order(*sides: Sequence[str]) -> Order:
    """Which way a log runs: ``"descending"`` when it keeps its newest touch on top.

    Each pair of neighbouring dated lines votes (a later date below is a vote
    for ascending); the majority decides, a tie is ascending. With several
    ``sides`` (a merge's ours, theirs, base), the first with a vote decides;
    a log with no two different dates is ascending, the default.
    """
    for lines in sides:
        dates = [d for d in map(line_date, lines) if d is not None]
        up = sum(a < b for a, b in zip(dates, dates[1:]))
        down = sum(a > b for a, b in zip(dates, dates[1:]))
        if up or down:
            return "descending" if down > up else "ascending"
    return "ascending"


def insertion_index(lines: Sequence[str], when: date, order: Order | None = None,
                    last_of_day: bool = False) -> int | None:
    """Where a touch dated ``when`` goes among ``lines`` (an index into them), or None when none is dated.

    The new touch is the newest of its day: in an ascending log it goes after
    the lines of its day, in a descending one before them. With
    ``last_of_day`` it goes after them either way (a merge adding one side's
    lines one by one keeps them in that side's order). ``order`` defaults to
    ``log_order(lines)``.
    """
    dated = [(i, d) for i, line in enumerate(lines) if (d := line_date(line)) is not None]
    if not dated:
        return None
    if (order or log_order(lines)) == "descending":
        newer = (lambda d: d >= when) if last_of_day else (lambda d: d > when)
        return next((i for i, d in dated if not newer(d)), dated[-1][0] + 1)
    return next((i for i, d in dated if d > when), dated[-1][0] + 1)
