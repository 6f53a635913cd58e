"""Computed views of what the calls produced: pure functions of (workspace, dates, today).

``handoff_list``   open and overdue handoffs (or all), for an owner or a caller
``kudos_list``     praise per employee with the customer's words
``story_list``     the success-story pipeline and what to ask for next
``intel_topics``   intelligence grouped by topic across clients
``followup_figures`` the numbers ``metrics --json`` carries under ``outcomes``
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from rippledoc.model import Client
from rippledoc.book.book import Book
from rippledoc.parse.marks import NEXT_STEP, Handoff, Intel, Kudos, Story
from rippledoc.views.jsonable import View
from rippledoc.parse.periods import Span

OPEN = ("open", "overdue")


def _in(d: date, start: date | None, end: date | None) -> bool:
    return (start is None or d >= start) and (end is None or d <= end)


# ---------------------------------------------------------------- handoffs

def handoff_list(ws: Book, today: date, person: str | None = None, closed: bool = False) -> list[Handoff]:
    """Handoffs whose owner or caller is ``person`` (everyone's when None); open ones only unless ``closed``.

    Overdue first (most overdue first), then by due date.
    """
    out = [h for h in ws.followups.handoffs
           if (closed or h.state(today) in OPEN) and (person is None or person in (h.owner, h.caller))]
    return sorted(out, key=lambda h: (h.state(today) != "overdue", h.due, h.client.name.lower(), h.source.line))


def handoff_words(h: Handoff, today: date) -> str:
    """Why a handoff is on the list, in words."""
    dept = f" ({h.department})" if h.department else ""
    told = f"{h.client.contact} was told" if h.client.contact else "the customer was told"
    n = (h.due - today).days
    when = ("OVERDUE by " + _days(-n) if n < 0 else "due today" if n == 0 else f"due in {_days(n)}")
    caller = f" by {h.caller}" if h.caller else ""
    return f"handed to {h.owner}{dept} on {h.touch.date:%a %d %b}{caller}; {told} by {h.due:%a %d %b}: {when}"


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


# ---------------------------------------------------------------- kudos

def kudos_list(ws: Book, start: date | None = None, end: date | None = None,
               person: str | None = None) -> dict[str, list[Kudos]]:
    """team key -> their kudos in the period, newest first; people in the team's order, then others."""
    out: dict[str, list[Kudos]] = {}
    for k in ws.followups.kudos:
        if _in(k.touch.date, start, end) and (person is None or k.person == person):
            out.setdefault(k.person, []).append(k)
    order = list(ws.settings.team)
    keys = sorted(out, key=lambda p: (order.index(p) if p in order else len(order), p))
    return {p: sorted(out[p], key=lambda k: (k.touch.date, k.client.name), reverse=True) for p in keys}


# ---------------------------------------------------------------- stories

@dataclass(frozen=True, slots=True)
class StoryView:
    story: Story
    stage: str
    next_step: str
    age_days: int  # since the #success touch
    ask_due: date | None  # when asking for a testimonial is (was) due; None once someone asked or it ended

    def to_json(self, today: date) -> dict[str, Any]:
        s = self.story
        return {"client": s.client.slug, "name": s.client.name, "id": s.id, "date": s.date.isoformat(),
                "by": s.touch.by, "words": s.words, "stage": self.stage, "next": self.next_step,
                "age_days": self.age_days, "ask_due": self.ask_due.isoformat() if self.ask_due else None,
                "ask_overdue": bool(self.ask_due and self.ask_due <= today),
                "quote": s.quote, "steps": [{"step": x.step, "date": x.date.isoformat(), "quote": x.quote,
                                             "source": f"{x.touch.source.path}:{x.touch.source.line}"}
                                            for x in s.steps],
                "source": f"{s.touch.source.path}:{s.touch.source.line}"}


def story_view(s: Story, today: date, ask_days: int) -> StoryView:
    stage = s.stage
    ask = s.date + timedelta(days=ask_days) if stage == "story" else None
    return StoryView(s, stage, NEXT_STEP[stage], (today - s.date).days, ask)


def story_list(ws: Book, today: date, start: date | None = None, end: date | None = None) -> list[StoryView]:
    """Every success story started in the period, newest first, with its stage and what to ask for next."""
    days = ws.settings.story_ask_days
    views = [story_view(s, today, days) for s in ws.followups.stories if _in(s.date, start, end)]
    return sorted(views, key=lambda v: (v.story.date, v.story.client.name), reverse=True)


STAGES = ("story", "asked", "testimonial", "published", "webinar", "done", "declined")


# ---------------------------------------------------------------- intelligence

@dataclass(frozen=True, slots=True)
class Topic:
    kind: str | None
    topic: str | None  # None: the plain #intel notes
    notes: tuple[Intel, ...]  # newest first

    @property
    def clients(self) -> list[Client]:
        seen: dict[str, Client] = {}
        for i in self.notes:
            seen.setdefault(i.client.slug, i.client)
        return sorted(seen.values(), key=lambda c: c.name.lower())

    def to_json(self) -> dict[str, Any]:
        dates = [i.touch.date for i in self.notes]
        return {"kind": self.kind, "topic": self.topic, "count": len(self.notes),
                "clients": [c.slug for c in self.clients], "first": min(dates).isoformat(),
                "last": max(dates).isoformat(),
                "notes": [{"client": i.client.slug, "name": i.client.name, "date": i.touch.date.isoformat(),
                           "by": i.touch.by, "words": i.words,
                           "source": f"{i.touch.source.path}:{i.touch.source.line}"} for i in self.notes]}


def intel_topics(ws: Book, start: date | None = None, end: date | None = None) -> list[Topic]:
    """Intelligence grouped by (kind, topic), the topic matched without regard to case or spacing.

    Most mentioned first (then the most recent); the notes without a topic come last.
    """
    groups: dict[tuple[str, str], list[Intel]] = {}
    for i in ws.followups.intel:
        if _in(i.touch.date, start, end):
            key = (i.kind or "", " ".join((i.topic or "").lower().split()))
            groups.setdefault(key, []).append(i)
    out = []
    for (kind, _), notes in groups.items():
        notes.sort(key=lambda i: (i.touch.date, i.client.name), reverse=True)
        first = min(notes, key=lambda i: (i.touch.date, i.touch.source.path, i.touch.source.line))
        out.append(Topic(kind or None, first.topic, tuple(notes)))
    return sorted(out, key=lambda t: (t.topic is None, -len(t.notes), -max(i.touch.date for i in t.notes).toordinal(),
                                      (t.topic or "").lower()))


# ---------------------------------------------------------------- metrics

@dataclass(frozen=True, slots=True)
class HandoffFigures(View):
    handed: int  # handed on in the period
    closed: int
    late: int
    open: int
    overdue: int
    on_time_rate: float | None
    average_days_to_close: float | None
    by_department: Mapping[str, int]
    open_now: tuple[Handoff, ...]
    today: date = field(metadata={"skip": True})

    def json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("handed", "closed", "late", "open", "overdue", "on_time_rate",
                                             "average_days_to_close", "by_department")}
        return {**out, "open_now": [h.to_json(self.today) for h in self.open_now]}


@dataclass(frozen=True, slots=True)
class KudosFigures(View):
    count: int
    by_person: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class StoryFigures(View):
    started: int
    by_stage: Mapping[str, int]
    testimonials: int
    published: int
    webinar_guests: int
    ask_due_now: tuple[StoryView, ...]
    today: date = field(metadata={"skip": True})

    def json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("started", "by_stage", "testimonials", "published", "webinar_guests")}
        return {**out, "ask_due_now": [v.to_json(self.today) for v in self.ask_due_now]}


@dataclass(frozen=True, slots=True)
class TopicCount(View):
    kind: str | None
    topic: str | None
    count: int
    clients: int
    last: date


@dataclass(frozen=True, slots=True)
class IntelFigures(View):
    notes: int
    topics: int
    by_topic: tuple[TopicCount, ...]


@dataclass(frozen=True, slots=True)
class FollowupFigures(View):
    handoffs: HandoffFigures
    kudos: KudosFigures
    stories: StoryFigures
    intel: IntelFigures


def followup_figures(ws: Book, clients: list[Client], span: Span, today: date) -> FollowupFigures:
    """Handoffs, kudos, stories and intelligence of ``clients`` in the span (docs/metrics.md)."""
    slugs = {c.slug for c in clients}
    o = ws.followups
    hand = [h for h in o.handoffs if h.client.slug in slugs]
    in_period = [h for h in hand if span.contains(h.touch.date)]
    closed = [h for h in in_period if h.done is not None]
    states = {s: sum(h.state(today) == s for h in in_period) for s in ("closed", "late", "open", "overdue")}
    per_dept: dict[str, int] = {}
    for h in in_period:
        per_dept[h.department or "-"] = per_dept.get(h.department or "-", 0) + 1
    kudos = [k for k in o.kudos if k.client.slug in slugs and span.contains(k.touch.date)]
    per_person: dict[str, int] = {}
    for k in kudos:
        per_person[k.person] = per_person.get(k.person, 0) + 1
    days = ws.settings.story_ask_days
    stories = [story_view(s, today, days) for s in o.stories if s.client.slug in slugs]
    started = [v for v in stories if span.contains(v.story.date)]
    topics = intel_topics(ws, span.first, span.last)
    mine = [t for t in ((t, [i for i in t.notes if i.client.slug in slugs]) for t in topics) if t[1]]
    finished = states["closed"] + states["late"] + states["overdue"]
    return FollowupFigures(
        HandoffFigures(len(in_period), states["closed"], states["late"], states["open"], states["overdue"],
                       round(states["closed"] / finished, 3) if finished else None,
                       round(sum((h.done - h.touch.date).days for h in closed if h.done) / len(closed), 1)
                       if closed else None,
                       dict(sorted(per_dept.items())), tuple(h for h in hand if h.state(today) in OPEN), today),
        KudosFigures(len(kudos), dict(sorted(per_person.items(), key=lambda kv: (-kv[1], kv[0])))),
        StoryFigures(len(started), {s: sum(v.stage == s for v in started) for s in STAGES},
                     sum(v.story.has("testimonial") is not None for v in started),
                     sum(v.story.has("published") is not None for v in started),
                     sum(v.story.has("webinar") is not None for v in started),
                     tuple(v for v in stories if v.ask_due and v.ask_due <= today), today),
        IntelFigures(sum(len(n) for _, n in mine), sum(t.topic is not None for t, _ in mine),
                     tuple(TopicCount(t.kind, t.topic, len(n), len({i.client.slug for i in n}),
                                      max(i.touch.date for i in n)) for t, n in mine)))
