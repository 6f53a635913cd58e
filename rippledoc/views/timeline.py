"""Log lines for people: each touch with what it produced in words, across the book or for one client.

A ``LogLine`` is a touch read once by the grammar (``parse/grammar/note.py``)
and joined to what the link stage made of it (``book.followups``: the
handoff it opened or closed, the kudos, the success story or its step, the
intelligence), with team members by their names. Pages show these, never the
raw syntax (``handoff: support @ines by 2026-12-03 done: 2026-12-02``,
``#intel[site: …]``); ``next:`` is a field of the line, shown once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping

from rippledoc.book.book import Book
from rippledoc.model import Client, TeamMember, Touch
from rippledoc.parse.grammar.note import MENTION, STEP_TAGS, Mark, may_carry, own_words, parse_line
from rippledoc.parse.marks import Followups, Handoff, Intel, Kudos, Story, StoryStep

RECENT_DAYS = 14
STEP_WORDS = {"asked": "asked for a testimonial", "testimonial": "testimonial", "published": "published",
              "webinar": "webinar guest", "declined": "declined to give a testimonial"}


@dataclass(frozen=True, slots=True)
class Person:
    key: str  # the team key, or the name as written when it is not in the team
    name: str  # from settings.team, else the key


def person(team: Mapping[str, TeamMember], key: str) -> Person:
    member = team.get(key)
    return Person(key, member.name if member else key)


def with_names(text: str, team: Mapping[str, TeamMember]) -> str:
    """``@priya's sessions`` -> ``Priya Shah's sessions``: an @name of the team as the person's name."""
    if "@" not in text or not team:
        return text
    return MENTION.sub(lambda m: team[m[1]].name if m[1] in team else m[0], text)


@dataclass(frozen=True, slots=True)
class HandoffWords:
    handoff: Handoff
    owner: Person
    caller: Person | None
    state: str  # Handoff.state: closed, late, open, overdue


@dataclass(frozen=True, slots=True)
class KudosWords:
    kudos: Kudos
    person: Person
    words: str  # the customer's words, @names as names
    said_to: Person | None  # who logged it
    more: str = ""  # what the line says around a quote (the praised @name left out)


def handoff_view(team: Mapping[str, TeamMember], h: Handoff, today: date) -> HandoffWords:
    return HandoffWords(h, person(team, h.owner), person(team, h.caller) if h.caller else None, h.state(today))


def kudos_view(team: Mapping[str, TeamMember], k: Kudos, mark: Mark | None = None) -> KudosWords:
    """``mark``: its '#kudos' on the line, for the words around a quote."""
    more = ""
    if mark is not None and k.quoted:
        more = " ".join(w for w in mark.rest.split() if w.strip(".,;:!?") != "@" + k.person)
    return KudosWords(k, person(team, k.person), with_names(k.words, team),
                      person(team, k.touch.by) if k.touch.by else None, with_names(more, team))


@dataclass(frozen=True, slots=True)
class StoryWords:
    story: Story
    step: str | None  # None: the line that starts the story; else asked, testimonial, published, webinar, declined
    words: str  # the story in a few words, or the testimonial's quote
    more: str = ""  # a step's words around its quote

    @property
    def label(self) -> str:
        return "success story" if self.step is None else STEP_WORDS[self.step]


@dataclass(frozen=True, slots=True)
class IntelWords:
    intel: Intel
    words: str  # its own words ('' when the line's words say it)


@dataclass(frozen=True, slots=True)
class LogLine:
    client: Client
    touch: Touch
    by: Person | None
    words: str  # the note's own words, without the outcome syntax and next:, @names as names
    handoff: HandoffWords | None  # the handoff this line opened
    closes: tuple[HandoffWords, ...]  # handoffs an '#handoff-done' of this line closed
    kudos: tuple[KudosWords, ...]
    stories: tuple[StoryWords, ...]
    intel: tuple[IntelWords, ...]
    next: date | None

    @property
    def produced(self) -> bool:
        """Whether the line produced anything: a handoff opened or closed, kudos, a story or its step, intel."""
        return bool(self.handoff or self.closes or self.kudos or self.stories or self.intel)


Key = tuple[str, int]  # (path, line) of a touch


@dataclass(frozen=True, slots=True)
class Produced:
    """What the link stage found on each log line of the book, by (path, line): built once, read per line."""
    handoffs: Mapping[Key, tuple[Handoff, ...]]
    closed: Mapping[Key, tuple[Handoff, ...]]
    kudos: Mapping[Key, tuple[Kudos, ...]]
    stories: Mapping[Key, tuple[tuple[Story, StoryStep | None], ...]]  # the story, and the step of that line
    intel: Mapping[Key, tuple[Intel, ...]]


def produced(book: Book) -> Produced:
    return produced_by(book.followups)


def produced_by(f: Followups) -> Produced:
    """``produced`` of these followups (a book's, or one client's: ``marks.collect`` of that client alone)."""
    def key(t: Touch) -> Key:
        return (t.source.path, t.source.line)
    hand: dict[Key, list[Handoff]] = {}
    closed: dict[Key, list[Handoff]] = {}
    for h in f.handoffs:
        hand.setdefault(key(h.touch), []).append(h)
        if h.closed_by is not None and (h.closed_by.path, h.closed_by.line) != key(h.touch):
            closed.setdefault((h.closed_by.path, h.closed_by.line), []).append(h)
    kudos: dict[Key, list[Kudos]] = {}
    for k in f.kudos:
        kudos.setdefault(key(k.touch), []).append(k)
    stories: dict[Key, list[tuple[Story, StoryStep | None]]] = {}
    for s in f.stories:
        stories.setdefault(key(s.touch), []).append((s, None))
        for step in s.steps:
            stories.setdefault(key(step.touch), []).append((s, step))
    intel: dict[Key, list[Intel]] = {}
    for i in f.intel:
        intel.setdefault(key(i.touch), []).append(i)
    return Produced({k: tuple(v) for k, v in hand.items()}, {k: tuple(v) for k, v in closed.items()},
                    {k: tuple(v) for k, v in kudos.items()}, {k: tuple(v) for k, v in stories.items()},
                    {k: tuple(v) for k, v in intel.items()})


def log_line(book: Book, client: Client, t: Touch, today: date, found: Produced | None = None) -> LogLine:
    found = found if found is not None else produced(book)
    team = book.settings.team
    k = (t.source.path, t.source.line)
    by = person(team, t.by) if t.by else None
    if not may_carry(t):  # most lines: no outcome syntax, nothing produced
        return LogLine(client, t, by, with_names(own_words(t), team), None, (), (), (), (), t.next)
    line, _ = parse_line(t)
    kudos_marks = line.tagged("kudos")
    step_marks = {STEP_TAGS[m.tag]: m for m in line.marks if m.tag in STEP_TAGS}

    def story(s: Story, step: StoryStep | None) -> StoryWords:
        if step is None:  # one story per line, however often it is tagged: the words of every '#success'
            said = " ".join(m.words for m in line.tagged("success") if m.words) or s.mark.words
            return StoryWords(s, None, with_names(said, team))
        mark = step_marks.get(step.step)
        return StoryWords(s, step.step, with_names(step.quote or "", team),
                          with_names(mark.rest, team) if mark is not None else "")
    return LogLine(
        client, t, by, with_names(own_words(t, line), team),
        next((handoff_view(team, h, today) for h in found.handoffs.get(k, ())), None),
        tuple(handoff_view(team, h, today) for h in found.closed.get(k, ())),
        tuple(kudos_view(team, x, next((m for m in kudos_marks if x.person in m.people), None))
              for x in found.kudos.get(k, ())),
        tuple(story(s, step) for s, step in found.stories.get(k, ())),
        tuple(IntelWords(i, with_names(i.mark.words, team)) for i in found.intel.get(k, ())),
        t.next)


def log_lines(book: Book, pairs: Iterable[tuple[Client, Touch]], today: date,
              found: Produced | None = None) -> list[LogLine]:
    found = found if found is not None else produced(book)
    return [log_line(book, c, t, today, found) for c, t in pairs]


def tagged(book: Book, tags: Iterable[str], today: date, found: Produced | None = None) -> list[LogLine]:
    """Every touch carrying one of ``tags``, newest first."""
    want = set(tags)
    pairs = sorted(((c, t) for c in book.clients for t in c.log if want & set(t.tags)),
                   key=lambda ct: (ct[1].date, ct[0].name), reverse=True)
    return log_lines(book, pairs, today, found)


def recent_touches(book: Book, today: date, days: int = RECENT_DAYS, found: Produced | None = None) -> list[LogLine]:
    """The touches of the ``days`` days up to ``today``, newest first."""
    since = today - timedelta(days=days)
    pairs = sorted(((c, t) for c in book.clients for t in c.log if since <= t.date <= today),
                   key=lambda ct: (ct[1].date, ct[0].name), reverse=True)
    return log_lines(book, pairs, today, found)
