"""The pure parts of a call session (``rippledoc call``): whom it goes through, the line each answer makes,
the day a call back defaults to, the summary and the next call.

``stops(plan)`` are the clients of the plan ``today`` shows, in its order:
the planned calls, then the due clients whose hours miss the call window.
A ``CallAnswers`` holds what one call produced so far; each answer makes a
new one, and its ``line(day, by)`` is the one log line the session writes
for the call (``format_touch`` and ``compose_note``, as ``log`` writes them),
first when the outcome is known and again after each later answer.
``Outcome`` records what the session did for a client, for the summary.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rippledoc.book.book import Book
from rippledoc.model import Client
from rippledoc.parse.grammar.write import compose_note, format_touch
from rippledoc.views.plan import Outside, Plan, PlannedCall, daily_plan, next_working_day, overlap

SEARCH_DAYS = 14  # how far the default call back and the next call are looked for
SNOOZE_DAYS = 7  # a snooze's default: a week


@dataclass(frozen=True, slots=True)
class Stop:
    """One client of the session: a planned call, or a due client outside the call window."""
    client: Client
    call: PlannedCall | None = None
    outside: Outside | None = None

    @property
    def reason(self) -> str:
        return (self.call or self.outside).item.reason  # type: ignore[union-attr]

    @property
    def is_callback(self) -> bool:
        return (self.call or self.outside).item.kind == "callback"  # type: ignore[union-attr]

    @property
    def promised(self) -> date:
        return (self.call or self.outside).item.date  # type: ignore[union-attr]

    @property
    def start(self) -> datetime | None:
        """The planned start in my zone; outside the window, the next time they can be reached."""
        if self.call is not None:
            return self.call.start
        return self.outside.reach.mine if self.outside and self.outside.reach else None


def stops(plan: Plan) -> list[Stop]:
    """The session's clients, in the order ``today`` lists them."""
    return [Stop(c.client, call=c) for c in plan.calls] + [Stop(o.client, outside=o) for o in plan.outside]


def callback_default(ws: Book, client: Client, today: date) -> date:
    """The day a call back defaults to: the next of my working days after ``today`` that is a business day in
    the client's zone with hours meeting my call window (``plan.overlap``), so the plan keeps the promise
    on that day inside the window; the next working day when none does within two weeks."""
    s = ws.settings
    day = today
    for _ in range(SEARCH_DAYS):
        day = next_working_day(day, s)
        if overlap(day, s, client):
            return day
    return next_working_day(today, s)


def handoff_default(ws: Book, today: date) -> date:
    """By when a colleague calls the customer back about a problem, unless the caller says: the next working day."""
    return next_working_day(today, ws.settings)


def snooze_default(today: date) -> date:
    return today + timedelta(days=SNOOZE_DAYS)


def _sentences(*parts: str) -> str:
    """The parts as one note, each ending in a full stop unless it ends in punctuation already."""
    texts = [" ".join(p.split()) for p in parts if p.strip()]
    return " ".join(t + "." if t[-1].isalnum() and k < len(texts) - 1 else t for k, t in enumerate(texts))


@dataclass(frozen=True, slots=True)
class CallAnswers:
    """What one call produced so far; ``line`` is the log line that says it."""
    outcome: str  # reached | voicemail | no-answer
    next: date | None = None  # the promised call back (voicemail, no answer)
    note: str = ""
    problem: str = ""  # what is handed to a colleague, in words
    handoff: tuple[str | None, str, date] | None = None  # (department, owner, by), parse_handoff_option's
    kudos: tuple[tuple[str, str], ...] = ()  # (team member, the customer's words)
    story: str = ""  # a success story, in the customer's words
    intel: tuple[str, ...] = ()  # '[kind: ]topic'

    def line(self, day: date, by: str | None) -> str:
        """The one log line of the call, as ``log`` writes it with the same answers as options."""
        story = ("success", None) if self.story else None
        text = compose_note(_sentences(self.note, self.problem), self.handoff, self.kudos, story,
                            self.story or None, self.intel)
        return format_touch(day, "call", self.outcome, by, text, self.next)


OUTCOME_WORDS = {"reached": "reached", "voicemail": "voicemail", "no-answer": "no answer", "skip": "skipped",
                 "snooze": "snoozed", "left": "not yet"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the session did for one client."""
    client: Client
    what: str  # reached | voicemail | no-answer | skip | snooze | left (not gone through)
    path: str = ""  # the file written, relative to the workspace
    line: int = 0  # the line written (0: not known, as in a dry run)
    text: str = ""  # the log line, or the snooze: line
    next: date | None = None  # the call back promised
    until: date | None = None  # the snooze


def summary(outcomes: list[Outcome], day: date, dry_run: bool) -> list[str]:
    """The session's summary: a head line with the counts, then one line per client and what was written."""
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.what] = counts.get(o.what, 0) + 1
    gone = sum(n for what, n in counts.items() if what != "left")
    head = f"Session of {day:%a %d %b %Y}: {gone} of {len(outcomes)} client{'s' * (len(outcomes) != 1)}"
    parts = [f"{counts[w]} {OUTCOME_WORDS[w]}" for w in OUTCOME_WORDS if w in counts]
    out = [head + (" (" + ", ".join(parts) + ")" if parts else "")]
    width = max((len(o.client.name) for o in outcomes), default=0)
    for o in outcomes:
        what = OUTCOME_WORDS[o.what]
        extra = ""
        if o.next is not None:
            extra = f"call back {o.next:%a %d %b}"
        elif o.what in ("voicemail", "no-answer"):
            extra = "no call back day: planned again by cadence"
        elif o.until is not None:
            extra = f"until {o.until:%a %d %b}"
        elif o.what == "skip":
            extra = "still due"
        out.append(f"  {what:<10} {o.client.name:<{width}}  {extra}".rstrip())
        if o.text:
            where = f"{o.path}:{o.line}" if o.line else o.path
            out.append(f"             {'would write to' if dry_run else 'written to'} {where}: {o.text.strip()}")
    lines = sum(1 for o in outcomes if o.what in ("reached", "voicemail", "no-answer") and o.text)
    snoozes = sum(1 for o in outcomes if o.what == "snooze" and o.text)
    said = f"{lines} log line{'s' * (lines != 1)}" + (f" and {snoozes} snooze{'s' * (snoozes != 1)}" if snoozes else "")
    out.append(f"Nothing written (dry run); it would write {said}." if dry_run else f"Written: {said}.")
    return out


def next_call(ws: Book, today: date, owner: str | None = None) -> tuple[Plan, Stop] | None:
    """The first call of the first day after ``today`` whose plan holds one (within two weeks), from the book as
    it is now: a call back just promised is in it."""
    for k in range(1, SEARCH_DAYS + 1):
        plan = daily_plan(ws, today + timedelta(days=k), owner)
        found = stops(plan)
        if found:
            return plan, found[0]
    return None


__all__ = ["CallAnswers", "Outcome", "Stop", "callback_default", "handoff_default", "next_call", "snooze_default",
           "stops", "summary"]
