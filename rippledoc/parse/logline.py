"""The log: one touch per line, ``- DATE KIND [OUTCOME] [by WHO][: NOTE]``.

``find_log`` locates the ``## Log`` section of a client file's body;
``parse_touch`` reads one line; ``format_touch`` writes one, so that what
rippledoc writes is exactly what it reads. ``log_order`` and
``insertion_index`` say which way a log runs and where a new line goes in it:
``rippledoc log``, the inbox and the merge driver all place lines by them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, Sequence

from rippledoc.diagnostics import Diagnostic, error
from rippledoc.parse.fields import did_you_mean, parse_date
from rippledoc.model import DEFAULT_OUTCOME, KINDS, OUTCOMES, Source, Touch

_HEAD = re.compile(r"^-\s+(\S+)\s+([^\s:]+)(?:\s+(?!by\b)([^\s:]+))?(?:\s+by\s+([^\s:]+))?\s*(?::\s?(.*))?$")
TAG = re.compile(r"(?<![\w&/])#([A-Za-z][\w-]*)")
MENTION = re.compile(r"(?<![\w.])@([A-Za-z][\w-]*)")
NEXT = re.compile(r"\bnext:\s*(\S+)")
# Which outcomes each kind of touch can have ('reached' on an email or letter: they answered).
OUTCOMES_OF = {"call": ("reached", "voicemail", "no-answer"), "meeting": ("reached",), "visit": ("reached",),
               "email": ("sent", "reached"), "letter": ("sent", "reached")}
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


def parse_touch(line: str, path: str, lineno: int, today: date | None = None) -> tuple[Touch | None, list[Diagnostic]]:
    """Parse one log line; ``today`` (when given) refuses touches dated after it."""
    m = _HEAD.match(line)
    if not m or not line.startswith("- "):
        return None, [error(path, lineno, 1, "E200", "log line does not parse",
                            "write it as '- 2026-11-20 call voicemail by stan: note. next: 2026-11-24'")]
    raw_date, kind, outcome, by, note = m[1], m[2], m[3], m[4], (m[5] or "").strip()
    when = parse_date(raw_date)
    if when is None:
        what = "is not a date that exists" if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", raw_date) else "is not a date (YYYY-MM-DD)"
        return None, [error(path, lineno, 3, "E102", f"'{raw_date}' {what}")]
    if kind not in KINDS:
        return None, [error(path, lineno, m.start(2) + 1, "E201", f"unknown touch kind '{kind}'; one of {', '.join(KINDS)}",
                            did_you_mean(kind, KINDS))]
    if outcome is not None and outcome not in OUTCOMES:
        return None, [error(path, lineno, m.start(3) + 1, "E202",
                            f"unknown outcome '{outcome}'; one of {', '.join(OUTCOMES)}",
                            did_you_mean(outcome, OUTCOMES) or "a note starts after a colon: '- DATE KIND OUTCOME: note'")]
    if outcome is not None and outcome not in OUTCOMES_OF[kind]:
        return None, [error(path, lineno, m.start(3) + 1, "E202",
                            f"a{'n' * (kind[0] in 'aeiou')} {kind} cannot be '{outcome}'; "
                            f"one of {', '.join(OUTCOMES_OF[kind])}",
                            "voicemail and no-answer belong to calls; sent to emails and letters")]
    diags: list[Diagnostic] = []
    if today is not None and when > today:
        diags.append(error(path, lineno, 3, "E203", f"touch dated {when} lies in the future",
                           "log what happened; a planned call is a 'next: DATE' on the last touch"))
    nxt = None
    nm = NEXT.search(line, m.start(5)) if m[5] is not None else None
    if nm:
        nxt = parse_date(nm[1].rstrip(".,;)"))
        if nxt is None:
            diags.append(error(path, lineno, nm.start(1) + 1, "E102",
                               f"next: '{nm[1]}' is not a date", "write it as next: YYYY-MM-DD"))
    touch = Touch(
        date=when, kind=kind, outcome=outcome or DEFAULT_OUTCOME[kind], by=by, note=note,
        tags=tuple(dict.fromkeys(t.lower() for t in TAG.findall(note))),
        mentions=tuple(dict.fromkeys(MENTION.findall(note))),
        next=nxt, source=Source(path, lineno), text=line,
    )
    return touch, diags


def format_touch(when: date, kind: str, outcome: str | None = None, by: str | None = None,
                 note: str = "", next_date: date | None = None) -> str:
    """The one line ``rippledoc log`` writes; parse_touch reads it back unchanged."""
    head = f"- {when.isoformat()} {kind}"
    if outcome and outcome != DEFAULT_OUTCOME[kind]:
        head += f" {outcome}"
    elif outcome and kind == "call":
        head += f" {outcome}"
    if by:
        head += f" by {by}"
    note = " ".join(note.split())
    if next_date is not None and not NEXT.search(note):
        note = (note.rstrip(". ") + ". " if note else "") + f"next: {next_date.isoformat()}"
    return f"{head}: {note}" if note else head


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
