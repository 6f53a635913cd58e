"""What a call produced, linked across the book: handoffs, kudos, success stories, intelligence.

The marks are read, one line at a time, by ``rippledoc.parse.grammar.note``
(their syntax is in docs/format.md, "What a call produces");
``collect(settings, clients)`` links the lines of the whole book (owners and
departments against the team, story steps to their story, ``#handoff-done``
to its handoff) and returns ``(Followups, diagnostics)``; the loader's link
stage runs it once a load.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from collections.abc import Iterable

from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.parse.fields import did_you_mean, parse_date
from rippledoc.model import Client, Settings, Source, Touch
from rippledoc.parse.grammar.note import (INTEL_KINDS, MENTION, STEP_TAGS, LineOutcomes, Mark, intel_topic, may_carry,
                                          parse_line)


# ---------------------------------------------------------------- the workspace

@dataclass(frozen=True, slots=True)
class Handoff:
    client: Client
    touch: Touch
    department: str | None
    owner: str  # a team key (or as written when there is no team)
    caller: str | None  # who made the call: the touch's author, else me
    due: date
    done: date | None  # the earliest of 'done:' on the line and a later '#handoff-done'
    closed_by: Source | None  # where it was closed
    what: str  # the note without the outcome syntax

    @property
    def source(self) -> Source:
        return self.touch.source

    def state(self, today: date) -> str:
        """closed, late (closed after its date), open, overdue."""
        if self.done is not None:
            return "closed" if self.done <= self.due else "late"
        return "overdue" if self.due < today else "open"

    def to_json(self, today: date) -> dict[str, object]:
        c = self.client
        return {"client": c.slug, "name": c.name, "told": c.contact or None, "handed": self.touch.date.isoformat(),
                "department": self.department, "owner": self.owner, "caller": self.caller,
                "due": self.due.isoformat(), "done": self.done.isoformat() if self.done else None,
                "state": self.state(today), "overdue_days": max(0, (today - self.due).days) if self.done is None else 0,
                "what": self.what, "source": f"{self.source.path}:{self.source.line}",
                "closed_by": f"{self.closed_by.path}:{self.closed_by.line}" if self.closed_by else None}


@dataclass(frozen=True, slots=True)
class Kudos:
    client: Client
    touch: Touch
    person: str
    words: str  # the customer's words: the quote, else the words after #kudos
    quoted: bool

    def to_json(self) -> dict[str, object]:
        return {"person": self.person, "client": self.client.slug, "name": self.client.name,
                "contact": self.client.contact or None, "date": self.touch.date.isoformat(), "by": self.touch.by,
                "words": self.words, "quoted": self.quoted,
                "source": f"{self.touch.source.path}:{self.touch.source.line}"}


@dataclass(frozen=True, slots=True)
class StoryStep:
    step: str  # asked, testimonial, published, webinar, declined
    date: date
    quote: str | None
    touch: Touch


@dataclass(frozen=True, slots=True)
class Story:
    client: Client
    touch: Touch  # the '#success' line
    id: str  # its own [id], else its date
    mark: Mark  # its '#success'
    line: LineOutcomes
    steps: tuple[StoryStep, ...]

    @property
    def words(self) -> str:
        return self.mark.words or self.line.plain

    @property
    def date(self) -> date:
        return self.touch.date

    def has(self, step: str) -> StoryStep | None:
        return next((s for s in self.steps if s.step == step), None)

    @property
    def stage(self) -> str:
        """story, asked, testimonial, published, webinar, declined, done (published and webinar)."""
        if self.has("declined") and not self.has("testimonial"):
            return "declined"
        if self.has("published") and self.has("webinar"):
            return "done"
        for step in ("webinar", "published", "testimonial", "asked"):
            if self.has(step):
                return step
        return "story"

    @property
    def quote(self) -> str | None:
        t = self.has("testimonial")
        return t.quote if t else None

    def next_step(self) -> str:
        return NEXT_STEP[self.stage]


NEXT_STEP = {"story": "ask for a testimonial", "asked": "follow up: the testimonial is not in yet",
             "testimonial": "publish it, or invite them as a webinar guest",
             "published": "invite them as a webinar guest", "webinar": "publish the testimonial",
             "declined": "nothing: they declined", "done": "nothing: published and a webinar guest"}


@dataclass(frozen=True, slots=True)
class Intel:
    client: Client
    touch: Touch
    kind: str | None  # site, conference, trend, competitor; None: a topic without a kind
    topic: str | None  # None: a plain #intel
    mark: Mark
    line: LineOutcomes

    @property
    def words(self) -> str:
        """Its own words, else those of a later #intel of the line, else the note's."""
        marks = self.line.marks
        later = (x.words for x in marks[marks.index(self.mark):] if x.tag == "intel")
        return next((w for w in later if w), "") or self.line.plain


@dataclass(frozen=True, slots=True)
class Followups:
    """What the calls produced, linked to their clients (``collect``)."""
    handoffs: tuple[Handoff, ...]
    kudos: tuple[Kudos, ...]
    stories: tuple[Story, ...]
    intel: tuple[Intel, ...]


def departments(settings: Settings) -> dict[str, list[str]]:
    """department -> the team members who handle it (``handles:`` in rippledoc.yaml)."""
    out: dict[str, list[str]] = {}
    for key, m in settings.team.items():
        for h in m.handles:
            out.setdefault(h.lower(), []).append(key)
    return out


def resolve_owner(settings: Settings, department: str | None, owner: str | None) -> tuple[str | None, str]:
    """(the owner's team key, or None) and, when None, why not."""
    team = settings.team
    if owner:
        if team and owner not in team:
            return None, f"'@{owner}' is not in the team of rippledoc.yaml ({', '.join(team)})"
        return owner, ""
    heads = departments(settings).get((department or "").lower(), [])
    if len(heads) == 1:
        return heads[0], ""
    if heads:
        return None, f"{len(heads)} people handle {department} ({', '.join(heads)}): name one with @"
    return None, f"nobody in the team handles '{department}'"


def collect(settings: Settings, clients: Iterable[Client]) -> tuple[Followups, list[Diagnostic]]:
    """Every handoff, kudos, story and note of intelligence of these clients, and the problems found
    linking them (owners and departments against the team, steps to their story, closings to handoffs)."""
    handoffs: list[Handoff] = []
    kudos: list[Kudos] = []
    stories: list[Story] = []
    intel: list[Intel] = []
    diags: list[Diagnostic] = []
    for c in clients:
        h, k, s, i = _client(settings, c, diags)
        handoffs += h
        kudos += k
        stories += s
        intel += i
    return Followups(tuple(handoffs), tuple(kudos), tuple(stories), tuple(intel)), diags


def _client(settings: Settings, c: Client, diags: list[Diagnostic]):
    team = settings.team
    depts = departments(settings)
    parsed = []
    for t in c.log:
        if not may_carry(t):
            continue
        lo, problems = parse_line(t)
        diags.extend(problems)
        parsed.append((t, lo))
    handoffs: list[dict] = []
    kudos: list[Kudos] = []
    stories: list[dict] = []
    intel: list[Intel] = []
    closers: list[tuple[Touch, Mark]] = []
    steps: list[tuple[Touch, Mark]] = []
    for t, lo in parsed:
        path, line = t.source.path, t.source.line
        hs = lo.handoff
        if hs is not None:
            ok = True
            if hs.department and hs.department not in depts and (team or not hs.owner):
                hint = (f"departments: {', '.join(sorted(depts))}" if depts else
                        "give a team member 'handles: [training]' in rippledoc.yaml, or hand it to an @owner")
                diags.append(error(path, line, hs.owner_col if not hs.owner else hs.col + 9, "E205",
                                   f"nobody in the team handles '{hs.department}'",
                                   did_you_mean(hs.department, tuple(depts)) or hint))
                ok = hs.owner is not None and (not team or hs.owner in team)
            owner, why = resolve_owner(settings, hs.department, hs.owner)
            if owner is None and ok:
                code = "E302" if hs.owner else "E204"
                diags.append(error(path, line, hs.owner_col, code, why,
                                   did_you_mean(hs.owner, tuple(team)) if hs.owner else "name the owner: @name"))
            if owner is not None:
                handoffs.append({"touch": t, "syntax": hs, "owner": owner, "what": lo.plain,
                                 "done": hs.done, "closed_by": t.source if hs.done else None})
        for m in lo.marks:
            if m.tag == "kudos":
                people = [p for p in m.people] or [p for p in MENTION.findall(t.note)
                                                    if not (hs and p == hs.owner)]
                if not people:
                    diags.append(warning(path, line, m.col, "W201", "#kudos names no team member",
                                         'write who was praised: #kudos @priya "their words"'))
                for p in dict.fromkeys(people):
                    kudos.append(Kudos(c, t, p, m.quote or m.words or lo.plain, m.quote is not None))
            elif m.tag == "success":
                mine = stories[-1] if stories and stories[-1]["touch"] is t else None
                if mine is None:
                    stories.append({"touch": t, "id": m.ref or t.date.isoformat(), "refs": {m.ref} - {None},
                                    "line": lo, "steps": [], "mark": m})
                elif m.ref:  # one story per touch, however often it is tagged: its first [id] names it
                    if not mine["refs"]:
                        mine["id"] = m.ref
                    mine["refs"].add(m.ref)
            elif m.tag == "intel":
                kind, topic = intel_topic(m.ref) if m.ref is not None else (None, None)
                if m.ref is not None and (not topic or (kind is not None and kind not in INTEL_KINDS)):
                    continue  # E207, reported by parse_line
                intel.append(Intel(c, t, kind, topic or None, m, lo))
            elif m.tag == "handoff-done":
                closers.append((t, m))
            else:
                steps.append((t, m))
    # story ids must be unique in the file
    seen: dict[str, dict] = {}
    for s in stories:
        if s["id"] in seen:
            m = s["mark"]
            diags.append(error(s["touch"].source.path, s["touch"].source.line, m.col, "E206",
                               f"two success stories of {c.name} are called '{s['id']}'",
                               "give one its own id: #success[short-name]"))
        seen.setdefault(s["id"], s)
    for t, m in steps:
        story = _story_for(stories, t, m)
        if story is None:
            what = (f"#{m.tag}[{m.ref}]: {c.name} has no success story of that date or id" if m.ref else
                    f"#{m.tag}: {c.name} has no success story on or before {t.date}")
            diags.append(error(t.source.path, t.source.line, m.col, "E206", what,
                               "a story starts with a #success touch; refer to it by its date or "
                               "[id]: #" + m.tag + "[2026-06-03]"))
            continue
        if any(s.step == STEP_TAGS[m.tag] and s.touch is t for s in story["steps"]):
            continue  # the same step tagged twice on one line is one step
        story["steps"].append(StoryStep(STEP_TAGS[m.tag], t.date, m.quote, t))
        if m.tag == "testimonial" and not m.quote:
            diags.append(warning(t.source.path, t.source.line, m.col, "W202",
                                 "#testimonial without the customer's words",
                                 'quote them: #testimonial "They cut our month-end by two days."'))
    for t, m in closers:
        author = t.by or settings.me
        targets = [h for h in handoffs if h["touch"].source.line != t.source.line and h["done"] is None
                   and h["touch"].date <= t.date
                   and (h["touch"].date.isoformat() == m.ref if m.ref else h["owner"] == author)]
        if not targets:
            which = f"of {m.ref}" if m.ref else f"owned by {author or 'the author'}"
            diags.append(warning(t.source.path, t.source.line, m.col, "W203",
                                 f"#handoff-done closes nothing: no open handoff {which} before this touch",
                                 "refer to the handoff by its date, #handoff-done[2026-11-20], or mark its "
                                 "line 'done: DATE'"))
        for h in targets:
            h["done"], h["closed_by"] = t.date, t.source
    out_h = tuple(Handoff(c, h["touch"], h["syntax"].department, h["owner"], h["touch"].by or settings.me,
                          h["syntax"].due, h["done"], h["closed_by"], h["what"]) for h in handoffs)
    out_s = tuple(Story(c, s["touch"], s["id"], s["mark"], s["line"], tuple(sorted(s["steps"], key=lambda x: x.date)))
                  for s in stories)
    return out_h, kudos, out_s, intel


def _story_for(stories: list[dict], t: Touch, m: Mark) -> dict | None:
    if m.ref:
        by_id = [s for s in stories if s["id"] == m.ref or m.ref in s["refs"]]
        if by_id:
            return by_id[0]
        by_date = [s for s in stories if s["touch"].date.isoformat() == m.ref]
        return by_date[0] if len(by_date) == 1 else None
    before = [s for s in stories if s["touch"].date <= t.date]
    return before[-1] if before else None


# ---------------------------------------------------------------- rippledoc log --handoff

def parse_handoff_option(text: str, settings: Settings) -> tuple[str | None, str, date]:
    """``'training: priya by 2026-11-28'``, ``'training by 2026-11-28'``, ``'@omar by 2026-11-28'``.

    Returns (department, owner, due); raises ValueError saying what is wrong.
    """
    m = re.match(r"^\s*(?:([A-Za-z][\w-]*)\s*:\s*)?(?:@?([A-Za-z][\w-]*)\s+)?by\s+(\S+)\s*$", text)
    if not m:
        raise ValueError(f"'{text}' is not 'DEPARTMENT: NAME by YYYY-MM-DD' (e.g. 'training: priya by 2026-11-28')")
    dept, name, raw = m[1], m[2], m[3]
    due = parse_date(raw)
    if due is None:
        raise ValueError(f"'{raw}' is not a date (YYYY-MM-DD)")
    depts = departments(settings)
    if dept is None and name is not None and name.lower() in depts and name not in settings.team:
        dept, name = name, None
    if dept is not None:
        dept = dept.lower()
        if dept not in depts and settings.team:
            hint = did_you_mean(dept, tuple(depts))
            raise ValueError(f"nobody in the team handles '{dept}'" +
                             (f" ({hint})" if hint else f"; departments: {', '.join(sorted(depts)) or 'none'}"))
    owner, why = resolve_owner(settings, dept, name)
    if owner is None:
        raise ValueError(why)
    return dept, owner, due
