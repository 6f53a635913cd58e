"""The validated model: frozen records that know where they came from."""
from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt  # for annotations in classes whose field or method is named ``date``
from datetime import date, datetime, time
from typing import Iterator, Mapping

LEVELS = ("base", "key", "for-life")
GRADES = ("top", "two", "three")
STATUSES = ("active", "paused", "former")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class TouchKind:
    """A kind of touch: the outcomes it can have (its default first) and the words a quick note may use for it."""
    name: str
    outcomes: tuple[str, ...]
    words: tuple[str, ...] = ()  # also understood by the inbox: "called", "emailed", ...

    @property
    def default(self) -> str:
        return self.outcomes[0]


@dataclass(frozen=True, slots=True)
class TouchOutcome:
    """An outcome of a touch: what it means and the words a quick note may use for it."""
    name: str
    means: str
    words: tuple[str, ...] = ()


# The one table of kinds and outcomes: the touch parser, `log`, the inbox, `check`, the language server and the
# schemas read it (docs/format.md, "The log"). A reply to an email or a letter reaches the client: 'reached'.
TOUCH_KINDS = (
    TouchKind("call", ("reached", "voicemail", "no-answer"), ("called", "phoned", "rang")),
    TouchKind("email", ("sent", "reached"), ("emailed", "mailed")),
    TouchKind("meeting", ("reached",), ("met",)),
    TouchKind("visit", ("reached",), ("visited",)),
    TouchKind("letter", ("sent", "reached"), ("wrote",)),
)
TOUCH_OUTCOMES = (
    TouchOutcome("reached", "you spoke with them, or they answered your email or letter"),
    TouchOutcome("voicemail", "you left a message", ("vm",)),
    TouchOutcome("no-answer", "nobody answered, no message left", ("noanswer", "no-reply", "unanswered")),
    TouchOutcome("sent", "sent, no answer yet"),
)
KINDS = tuple(k.name for k in TOUCH_KINDS)
OUTCOMES = tuple(o.name for o in TOUCH_OUTCOMES)
OUTCOMES_OF = {k.name: k.outcomes for k in TOUCH_KINDS}
DEFAULT_OUTCOME = {k.name: k.default for k in TOUCH_KINDS}


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Windows:
    """A day's call windows, in time order and apart from each other; none at all: a day off."""
    ranges: tuple[TimeRange, ...] = ()

    def __str__(self) -> str:
        return ", ".join(str(r) for r in self.ranges) or "off"

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __iter__(self) -> Iterator[TimeRange]:
        return iter(self.ranges)

    @property
    def start(self) -> time:
        """When the first window opens."""
        return self.ranges[0].start

    @property
    def end(self) -> time:
        """When the last window closes."""
        return self.ranges[-1].end

    @property
    def minutes(self) -> int:
        """The windows' length together, in minutes."""
        return sum((datetime.combine(date.min, r.end) - datetime.combine(date.min, r.start)).seconds // 60
                   for r in self.ranges)


@dataclass(frozen=True, slots=True)
class Birthday:
    """A person's birthday; the year may be unknown (written ``--MM-DD``)."""
    month: int
    day: int
    year: int | None = None

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """The day it falls on in ``year``; 29 February on the 28th in a year without one."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return date(year, self.month, self.day - 1)


@dataclass(frozen=True, slots=True)
class Touch:
    date: date
    kind: str
    outcome: str
    by: str | None
    note: str
    tags: tuple[str, ...]
    mentions: tuple[str, ...]
    next: dt.date | None
    source: Source
    text: str  # the line as written, without the line ending

    @property
    def reached(self) -> bool:
        return self.outcome == "reached"


@dataclass(frozen=True, slots=True)
class Renegotiation:
    """A commitment moved to another day: ``was`` the day it was due until then, ``to`` the new day,
    ``told`` the day the client was told (None: nobody wrote that they were)."""
    was: date
    to: date
    told: date | None
    note: str
    source: Source

    @property
    def in_time(self) -> bool:
        """The client was told on or before the day it was due until then: said early, not a silent miss."""
        return self.told is not None and self.told <= self.was


@dataclass(frozen=True, slots=True)
class Commitment:
    made: date | None
    due: date  # the day it is due now: the last renegotiated day, else the day first promised
    what: str
    done: date | None
    source: Source
    to: str = ""  # whom it was promised to, when the file says ("" : the client)
    moves: tuple[Renegotiation, ...] = ()  # oldest first

    @property
    def first_due(self) -> date:
        """The day first promised."""
        return self.moves[0].was if self.moves else self.due

    @property
    def renegotiated_in_time(self) -> bool:
        """Moved at least once, and the client told in time of every move."""
        return bool(self.moves) and all(m.in_time for m in self.moves)

    def state(self, today: date) -> str:
        """What it is now.

        kept: done by the day first promised; renegotiated: moved, the client told of every move on or
        before the day it replaced, and done by the new day; late: done, but after its day, or after a
        day that passed without a word; open: not done, due today or later; overdue: not done, due
        before today.
        """
        if self.done is not None:
            if self.done <= self.first_due:
                return "kept"
            if self.renegotiated_in_time and self.done <= self.due:
                return "renegotiated"
            return "late"
        return "overdue" if self.due < today else "open"

    def verdict(self, today: date) -> str | None:
        """How the promise went, for reliability: kept, renegotiated, late, missed, or None (open: not judged).

        missed: not done, and its day passed, or a day it was due passed before the client was told of
        the move (a silent miss stays a miss until it is kept, and then it is late).
        """
        state = self.state(today)
        if state in ("kept", "renegotiated", "late"):
            return state
        if state == "overdue" or any(not m.in_time and m.was < today for m in self.moves):
            return "missed"
        return None


@dataclass(frozen=True, slots=True)
class Sale:
    date: date
    amount: float
    what: str
    source: Source


@dataclass(frozen=True, slots=True)
class Client:
    slug: str
    name: str
    source: Source  # the file, line 1
    contact: str = ""
    title: str = ""  # the contact's job title
    birthday: Birthday | None = None  # the contact's
    email: str = ""
    emails: tuple[str, ...] = ()  # more addresses, beside the main one
    phone: str = ""
    phones: tuple[str, ...] = ()  # more numbers, beside the main one; 'NUMBER (label)'
    address: str = ""
    website: str = ""
    timezone: str = ""  # "": unknown, the file gives none (check warns: W104)
    hours: TimeRange | None = None  # None: the workspace's client_hours
    since: date | None = None
    owner: str | None = None
    level: str = "base"
    grade: str | None = None
    status: str = "active"
    cadence_days: int | None = None  # the ideal cadence: due this many days after the last reached touch
    cadence_max_days: int | None = None  # overdue after this many (cadence: 4w..6w); None: the same as cadence_days
    snooze: date | None = None
    products: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sales: tuple[Sale, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    custom: Mapping[str, object] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)  # unknown top-level keys, kept
    notes: str = ""  # the markdown body without the log section
    notes_line: int = 0
    log: tuple[Touch, ...] = ()  # in date order, oldest first
    log_heading_line: int | None = None  # None: the file has no log section yet
    field_lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True, slots=True)
class TeamMember:
    key: str
    name: str
    email: str = ""
    role: str = ""
    handles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    """``rippledoc.yaml``. My week: each weekday's windows are its ``schedule`` entry when there is one, else
    ``call_window`` on the ``working_days``; a holiday has none. ``working_days`` is always the weekdays that
    have windows (``__post_init__`` makes it so, and takes a single ``TimeRange`` as one window)."""
    title: str = "Client book"
    me: str | None = None
    timezone: str = "UTC"
    call_window: Windows = Windows((TimeRange(time(9, 30), time(11, 30)),))  # my usual windows, my zone
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    client_hours: TimeRange = TimeRange(time(9, 0), time(17, 0))
    team: Mapping[str, TeamMember] = field(default_factory=dict)
    max_file_bytes: int = 1024 * 1024
    story_ask_days: int = 14  # a success story nobody asked a testimonial for is due after this many days
    extra: Mapping[str, object] = field(default_factory=dict)
    source: Source | None = None
    schedule: Mapping[int, Windows] = field(default_factory=dict)  # weekday -> its own windows (empty: off)
    holidays: frozenset[date] = frozenset()  # days off, whatever their weekday
    birthdays: bool = True  # a contact's birthday is a reason to call
    anniversaries: bool = True  # the anniversary of a client's 'since' is a reason to call

    def __post_init__(self) -> None:
        if isinstance(self.call_window, TimeRange):
            object.__setattr__(self, "call_window", Windows((self.call_window,)))
        days = tuple(d for d in range(7)
                     if (self.schedule[d] if d in self.schedule else d in self.working_days and self.call_window))
        object.__setattr__(self, "working_days", days)

    def windows_on(self, day: date) -> Windows:
        """My call windows on ``day``: none on a holiday or a day off."""
        if day in self.holidays:
            return Windows()
        wd = day.weekday()
        if wd in self.schedule:
            return self.schedule[wd]
        return self.call_window if wd in self.working_days else Windows()

    def works_on(self, day: date) -> bool:
        """Whether ``day`` is a working day: one of ``working_days`` and not a holiday."""
        return day.weekday() in self.working_days and day not in self.holidays


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    low: int = 1
    high: int = 5


@dataclass(frozen=True, slots=True)
class Answer:
    """A per-client answer of a ritual record that is not a score: text, one of some choices, or a date."""
    key: str
    label: str
    type: str = "text"  # text | choice | date
    choices: tuple[str, ...] = ()
    applies_to: str | None = None  # the client field ``ritual apply`` writes this answer into; None: the record only


@dataclass(frozen=True, slots=True)
class Ritual:
    """A ritual's definition: the front matter of ``rituals/NAME.md``."""
    key: str  # the file name without .md
    name: str
    cadence: str  # daily, weekly, monthly, quarterly, yearly, or Nd
    covers: Mapping[str, tuple[str, ...]]  # client field -> allowed values; empty: every active client
    prompts: tuple[str, ...]
    metrics: tuple[Metric, ...]
    body: str
    source: Source
    enabled: bool = True
    settings: Mapping[str, object] = field(default_factory=dict)  # ritual-specific keys, as text
    answers: tuple[Answer, ...] = ()  # per-client answers beside the scores (grade, level, letter_sent, ...)


@dataclass(frozen=True, slots=True)
class RitualEntry:
    """One client's part of a ritual record."""
    client: str  # slug
    scores: Mapping[str, int]
    answers: Mapping[str, str]
    source: Source
    fields: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RitualRecord:
    ritual: str  # ritual key
    period: str  # e.g. 2026-W47, 2026-Q4, 2026, 2026-11-22
    date: date  # the day it was held (or the start of the period)
    entries: tuple[RitualEntry, ...]
    body: str
    source: Source
    fields: Mapping[str, object] = field(default_factory=dict)
    body_line: int = 0  # file line on which the body starts
    applied: dt.date | None = None  # the day ``ritual apply`` wrote its decisions into the client files
