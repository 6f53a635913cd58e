"""The daily plan: today's N calls, each at a time that suits both sides, and a forecast.

``daily_plan(ws, today, owner=None) -> Plan`` picks the day's calls and gives
each a slot inside one of my call windows of that day (my zone,
``rippledoc.yaml``: ``call_window``, or the weekday's ``schedule`` entry; none
on a day off or a holiday) and inside the client's business hours (their
zone, Monday to Friday). ``forecast(ws,
today, days, owner=None) -> Forecast`` plans day after day, assuming each
planned call reaches the client, and says whether the book can be covered at
``calls_per_day``. docs/planning.md explains the choice and the slack.

Choosing a day's calls (``calls_per_day``, unless promises need more):
  1. every callback promised for that day or earlier, even beyond
     ``calls_per_day`` (a promise is a promise: it is never moved);
  2. clients whose cadence has run out, or never contacted, by priority;
  3. free places go to clients due later ("early"): the one with the
     smallest share of its cadence still to run first, so every working day
     has its calls and bursts spread out. A call comes early only when half
     its cadence has gone by; callbacks never move before the promised day,
     snoozed clients never before the snooze.
A client whose business hours do not meet my windows that day takes no
place: it is listed apart (``Plan.outside``) with the next time they can be
reached in both zones and the next time inside my windows within
``REACH_DAYS`` (``next_reachable``): it waits for that day, or, when there is
none, is to be called outside my windows. A client without a zone gets a slot
anywhere in my windows, with their time unknown.

A promise is kept where it was made: a day off (not one of my working days,
or a holiday) holds the callbacks promised for that very day (and nothing
else), in that weekday's usual windows (``day_windows``), and on the day a
callback was promised for, the client's hours count on their weekend too
(``call_overlap``). ``callback_notice`` is what ``log --next`` says, from the
same rule (``kept_on``, ``promised_day``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rippledoc.views.cadence import Policy, policy as cadence_policy
from rippledoc.views.due import OCCASIONS, DueItem, client_items, commitment_items, next_due, sort_key
from rippledoc.model import Client, Settings, Source, TimeRange, Touch, Windows
from rippledoc.book.book import Book

CLIENT_DAYS = (0, 1, 2, 3, 4)  # a client's business days: Monday to Friday, in their zone
MAX_SLOT = 30  # minutes


@dataclass(frozen=True, slots=True)
class PlannedCall:
    client: Client
    item: DueItem
    start: datetime | None  # aware, my zone; None when no time suits both sides
    end: datetime | None
    their_start: datetime | None  # the same instant in the client's zone; None also when their zone is unknown
    their_end: datetime | None
    early: bool  # planned before it falls due, to spread the load
    note: str  # why there is no slot, or ""

    def their_time(self, my_zone: str) -> str:
        """The slot in their time, in words: 'their time 14:30 (Europe/London)', '… (same zone)', or that
        their zone is unknown; the note when there is no slot."""
        if self.start is None:
            return self.note
        if self.their_start is None:
            return f"their time: {UNKNOWN_ZONE}"
        words = f"their time {self.their_start:%H:%M}"
        if self.their_start.date() != self.start.date():
            words += f" {self.their_start:%a}"
        return words + (" (same zone)" if self.client.timezone == my_zone else f" ({self.client.timezone})")

    def to_json(self) -> dict[str, object]:
        return {**self.item.to_json(), "early": self.early,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "their_start": self.their_start.isoformat() if self.their_start else None,
                "their_end": self.their_end.isoformat() if self.their_end else None,
                "their_timezone": self.client.timezone or None, "note": self.note or None}


@dataclass(frozen=True, slots=True)
class Outside:
    """A due client with no time in my call windows on the day: it waits for the next day its hours meet my
    windows (``reach.window``), or, when none comes within two weeks, is to be called outside them."""
    client: Client
    item: DueItem
    hours: str  # their_hours(): '09:00-18:00 Asia/Tokyo, next reachable Wed 02 Dec 09:00 their time = …'
    reach: Reach | None = None  # the next time they can be reached, in both zones
    windows: Windows = Windows()  # my windows that day

    @property
    def advice(self) -> str:
        """'call outside your window or by arrangement', or, when a later day's windows meet their hours,
        'it waits for your windows then, or call outside them by arrangement'."""
        one = len(self.windows.ranges) <= 1
        if self.reach is not None and self.reach.window is not None:
            return f"it waits for your {'window' if one else 'windows'} then, or call outside {'it' if one else 'them'} " \
                   "by arrangement"
        return f"call outside your {'window' if one else 'windows'} or by arrangement"

    def words(self) -> str:
        mine = "window" if len(self.windows.ranges) <= 1 else "windows"
        return f"due, but no time in your {mine} today: {self.client.name}, their hours are {self.hours}; {self.advice}"

    def to_json(self) -> dict[str, object]:
        r = self.reach
        return {**self.item.to_json(), "their_timezone": self.client.timezone or None, "their_hours": self.hours,
                "next_reachable": r.mine.isoformat() if r and r.mine else None,
                "next_reachable_their_time": r.theirs.isoformat() if r and r.theirs else None,
                "next_in_window": r.window.isoformat() if r and r.window else None,
                "only_outside_window": bool(r and r.only_outside), "advice": self.advice}


@dataclass(frozen=True, slots=True)
class Plan:
    day: date
    working: bool
    calls: tuple[PlannedCall, ...]
    commitments: tuple[DueItem, ...]  # open commitments due soon or overdue
    waiting: int  # calls due by this day that did not fit
    calls_per_day: int
    timezone: str
    window: Windows  # my call windows that day (on a day off with a promise: the ones it is kept in)
    note: str = ""
    outside: tuple[Outside, ...] = ()  # due, but their hours miss my windows this day

    @property
    def promised_over(self) -> int:
        """How many calls beyond ``calls_per_day`` the promised callbacks put on this day."""
        return max(0, len(self.calls) - self.calls_per_day)


@dataclass(frozen=True, slots=True)
class Coverage:
    active: int
    min_cadence: int
    max_cadence: int
    needed: float  # calls per working day to keep every cadence (its ideal)
    calls_per_day: int
    needed_most: float = 0.0  # calls per working day to call everyone by the most of its cadence

    @property
    def coverable(self) -> bool:
        return self.needed <= self.calls_per_day + 1e-9

    def message(self) -> str:
        if not self.active:
            return "no active clients"
        cad = f"cadence {self.min_cadence}d" if self.min_cadence == self.max_cadence \
            else f"cadences {self.min_cadence}d-{self.max_cadence}d"
        verb = "needs" if self.active == 1 else "need"
        most = f" ({self.needed_most:.1f} to call each by the most of its cadence)" \
            if self.needed_most and f"{self.needed_most:.1f}" != f"{self.needed:.1f}" else ""
        head = f"{self.active} active client{'s' * (self.active != 1)} at {cad} {verb} " \
               f"{self.needed:.1f} calls a working day{most}; you plan {self.calls_per_day}"
        return head if self.coverable else head + " - the book cannot be covered at that rate"


@dataclass(frozen=True, slots=True)
class Forecast:
    days: tuple[Plan, ...]
    coverage: Coverage

    def promise_warning(self) -> str:
        """Says on which days promised callbacks go beyond calls_per_day, or ''."""
        over = [p for p in self.days if p.promised_over]
        if not over:
            return ""
        days = ", ".join(f"{p.day:%a %d %b} ({len(p.calls)})" for p in over)
        n = self.coverage.calls_per_day
        return (f"promised callbacks put more than {n} call{'s' * (n != 1)} on {days}: "
                "a promise is kept on its day")


# ---------------------------------------------------------------- time

REACH_DAYS = 14  # how far ahead the next time inside my windows is looked for


def day_windows(day: date, settings: Settings, promised: bool = False) -> Windows:
    """My call windows on ``day``. ``promised``: the day a call back was promised for, which the plan keeps
    even on a day off or a holiday: then that weekday's usual windows, else ``call_window``."""
    windows = settings.windows_on(day)
    if windows or not promised:
        return windows
    return settings.schedule.get(day.weekday()) or settings.call_window


def my_windows(day: date, settings: Settings, promised: bool = False) -> list[tuple[datetime, datetime]]:
    """My call windows on ``day`` as instants in my zone (``day_windows``)."""
    tz = ZoneInfo(settings.timezone)
    return [(_at(day, w.start, tz), _at(day, w.end, tz)) for w in day_windows(day, settings, promised)]


def _at(day: date, t: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time made aware; a time skipped by a DST change moves forward (fold=0 semantics)."""
    local = datetime.combine(day, t, tzinfo=tz)
    return local.astimezone(ZoneInfo("UTC")).astimezone(tz)


def overlap(day: date, settings: Settings, client: Client, every_day: bool = False) -> list[tuple[datetime, datetime]]:
    """The parts of my call windows on ``day`` that lie in the client's business hours (their zone), on their
    business days (Monday to Friday there). ``every_day``: a day a call back was promised for, so whatever day
    it is for them, and in my usual windows even when the day is off for me (``day_windows``).

    A client without a zone could be anywhere: all my windows are theirs (their local hour is not known)."""
    mine = my_windows(day, settings, every_day)
    if not client.timezone or not mine:
        return mine
    theirs = ZoneInfo(client.timezone)
    hours = client.hours or settings.client_hours
    tz = mine[0][0].tzinfo
    out = []
    for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
        if d.weekday() not in CLIENT_DAYS and not every_day:
            continue
        a, b = _at(d, hours.start, theirs), _at(d, hours.end, theirs)
        for start, end in mine:
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                out.append((lo.astimezone(tz), hi.astimezone(tz)))
    return sorted(out)


UNKNOWN_ZONE = "unknown (no timezone in the file)"


@dataclass(frozen=True, slots=True)
class Reach:
    """When a client can next be reached, seen from the start of my day, in both zones: at all (inside their
    business hours), and inside my call windows too (within ``REACH_DAYS``)."""
    zone: str  # their zone; '' when the file gives none
    hours: TimeRange  # their business hours, in their zone
    theirs: datetime | None  # the next instant inside their business hours, their zone; None: zone unknown
    mine: datetime | None  # the same instant, my zone
    window: datetime | None = None  # the next instant inside my windows and their hours, my zone; None: none soon

    def words(self) -> str:
        """'next reachable Wed 02 Dec 09:00 their time = Tue 01 Dec 19:00 your time', then when that falls in
        my windows: '; in your call windows Thu 03 Dec 19:00 your time = Fri 04 Dec 09:00 their time', or that
        it never does within two weeks; or the unknown zone."""
        if self.theirs is None or self.mine is None:
            return f"their time: {UNKNOWN_ZONE}"
        head = (f"next reachable {self.theirs:%a %d %b %H:%M} their time = "
                f"{self.mine:%a %d %b %H:%M} your time")
        if self.window is None:
            return head + f"; none of your call windows in the next {REACH_DAYS} days meets their hours"
        if self.window == self.mine:
            return head
        there = self.window.astimezone(self.theirs.tzinfo)
        return head + (f"; in your call windows {self.window:%a %d %b %H:%M} your time = "
                       f"{there:%a %d %b %H:%M} their time")

    @property
    def only_outside(self) -> bool:
        """Their hours meet none of my windows in the next ``REACH_DAYS`` days (their zone is known)."""
        return self.theirs is not None and self.window is None


def day_start(day: date, settings: Settings) -> datetime:
    """Where 'from now' starts on ``day``: my first window's opening, or ``call_window``'s on a day off."""
    windows = settings.windows_on(day) or settings.call_window
    return _at(day, windows.start, ZoneInfo(settings.timezone))


def next_reachable(day: date, settings: Settings, client: Client,
                   memo: dict[tuple[str, TimeRange], Reach] | None = None) -> Reach:
    """The first instant, from the start of my day, inside the client's business hours (their zone, Monday to
    Friday there), and the first one inside my call windows as well: the one place the no-overlap wording
    is computed from. ``memo``: answers for this ``day`` and ``settings`` by (zone, hours), which many
    clients share."""
    hours = client.hours or settings.client_hours
    if not client.timezone:
        return Reach("", hours, None, None)
    if memo is not None:
        key = (client.timezone, hours)
        if key not in memo:
            memo[key] = next_reachable(day, settings, client)
        return memo[key]
    theirs = ZoneInfo(client.timezone)
    start = day_start(day, settings)
    first = start.astimezone(theirs).date()
    for k in range(8):
        d = first + timedelta(days=k)
        if d.weekday() not in CLIENT_DAYS:
            continue
        opens, closes = _at(d, hours.start, theirs), _at(d, hours.end, theirs)
        if closes > start:
            at = max(opens, start)
            return Reach(client.timezone, hours, at.astimezone(theirs), at.astimezone(start.tzinfo),
                         next_in_windows(day, settings, client, start))
    raise AssertionError("a week always holds a business day")  # CLIENT_DAYS is not empty


def next_in_windows(day: date, settings: Settings, client: Client, start: datetime) -> datetime | None:
    """The first instant from ``start`` inside one of my windows (working days from ``day`` on) and the
    client's hours, in my zone; None when there is none within ``REACH_DAYS`` days."""
    for k in range(REACH_DAYS):
        d = day + timedelta(days=k)
        for lo, hi in overlap(d, settings, client):
            if hi > start:
                return max(lo, start)
    return None


Spans = list[tuple[datetime, datetime]]


def call_overlap(day: date, settings: Settings, item: DueItem,
                 memo: dict[tuple[str, TimeRange | None, bool], Spans] | None = None) -> Spans:
    """The times a call may take on ``day``. On the day a call back was promised for, their business hours
    count whatever day of the week it is (they were told that day); any other call: ``overlap``. ``memo``:
    answers for this ``day`` and ``settings`` by (zone, hours, promised), which many clients share."""
    promised = item.kind == "callback" and item.date == day
    if memo is None:
        return overlap(day, settings, item.client, every_day=promised)
    key = (item.client.timezone, item.client.hours, promised)
    if key not in memo:
        memo[key] = overlap(day, settings, item.client, every_day=promised)
    return memo[key]


def windows_words(windows: Windows) -> str:
    """'your window 09:30-11:30', 'your windows 09:00-12:00, 15:00-18:00'."""
    return f"your window{'s' * (len(windows.ranges) != 1)} {windows}"


def no_overlap_note(day: date, settings: Settings, client: Client) -> str:
    """Why a call has no time on ``day``, and when the client can be reached instead."""
    windows = day_windows(day, settings, promised=True)
    return f"no overlap with {windows_words(windows)}: their hours are {their_hours(day, settings, client)}"


def their_hours(day: date, settings: Settings, client: Client) -> str:
    """The client's hours in words and the next time they can be reached, in their zone and mine:
    '09:00-18:00 Asia/Tokyo, next reachable Wed 02 Dec 09:00 their time = Tue 01 Dec 19:00 your time'."""
    return hours_words(next_reachable(day, settings, client))


def hours_words(reach: Reach) -> str:
    """``their_hours`` from a ``Reach`` already found."""
    return f"{reach.hours} {reach.zone or 'in their zone'}, {reach.words()}"


def slot_minutes(windows: Windows, calls: int) -> int:
    per = windows.minutes // max(1, calls)
    return max(5, min(MAX_SLOT, per - per % 5))


def assign_slots(day: date, settings: Settings, chosen: list[tuple[DueItem, bool]],
                 memo: dict[tuple[str, TimeRange | None, bool], Spans] | None = None) -> list[PlannedCall]:
    """Give each call the earliest free slot inside its overlap; the narrowest overlaps choose first."""
    length = timedelta(minutes=slot_minutes(day_windows(day, settings, promised=True), len(chosen)))
    taken: list[tuple[datetime, datetime]] = []
    spans = {id(item): call_overlap(day, settings, item, memo) for item, _ in chosen}
    order = sorted(chosen, key=lambda ie: (spans[id(ie[0])][-1][1] if spans[id(ie[0])] else datetime.max.replace(
        tzinfo=ZoneInfo("UTC")), sort_key(ie[0])))
    out = []
    for item, early in order:
        c = item.client
        ivs = spans[id(item)]
        slot = _free(ivs, taken, length)
        if slot is None:
            note = no_overlap_note(day, settings, c) if not ivs else "no free slot left in the hours that suit both sides"
            out.append(PlannedCall(c, item, None, None, None, None, early, note))
            continue
        taken.append(slot)
        if c.timezone:
            theirs = ZoneInfo(c.timezone)
            out.append(PlannedCall(c, item, slot[0], slot[1], slot[0].astimezone(theirs),
                                   slot[1].astimezone(theirs), early, ""))
        else:  # their local hour is not known: no 'their time' is made up
            out.append(PlannedCall(c, item, slot[0], slot[1], None, None, early, ""))
    far = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
    return sorted(out, key=lambda p: (p.start or far, sort_key(p.item)))


def _free(ivs, taken, length):
    starts = sorted({a for a, _ in ivs} | {b for _, b in taken})
    for t in starts:
        for a, b in ivs:
            if a <= t < b:
                end = min(t + length, b)
                if end - t >= timedelta(minutes=5) and all(end <= s or t >= e for s, e in taken):
                    return (t, end)
    return None


# ---------------------------------------------------------------- choosing

def kept_on(item: DueItem, day: date, working: bool) -> bool:
    """Whether ``day``'s plan holds this promised callback. A promise is kept where it was made: a callback
    promised for a day is planned on that day, a working day or not. On a working day the plan also holds
    every callback promised for an earlier day and not yet made (overdue); a day off holds only its own."""
    return item.kind == "callback" and (item.date == day or (working and item.date < day))


def choose(items: list[DueItem], day: date, n: int) -> tuple[list[tuple[DueItem, bool]], int]:
    """Pick the calls for ``day`` (a working day) from each client's next call; returns (chosen with 'early',
    waiting).

    Every callback promised by ``day`` is chosen, even beyond ``n``; the other calls fill what is left of ``n``.
    """
    promised = sorted((i for i in items if kept_on(i, day, True)), key=sort_key)
    n = max(n, len(promised))
    due_now = promised + sorted((i for i in items if i.date <= day and i.kind != "callback"), key=sort_key)
    # early calls: the smallest share of their cadence still to run first, so that pulling a call
    # forward wastes little of its cycle (10 days of 120 rather than 5 of 14)
    later = sorted((i for i in items if i.date > day and _may_come_early(i, day)),
                   key=lambda i: ((i.date - day).days / max(1, i.cadence_days), i.date, sort_key(i)))
    chosen = [(i, False) for i in due_now[:n]]
    chosen += [(i, True) for i in later[:n - len(chosen)]]
    return chosen, max(0, len(due_now) - n)


def _may_come_early(item: DueItem, day: date) -> bool:
    """Not a callback (promised for its day) nor a date that matters (it is its day), not snoozed, and at least
    half its cadence gone by."""
    c = item.client
    if item.kind in ("callback", *OCCASIONS) or (c.snooze is not None and c.snooze > day):
        return False
    return (item.date - day).days * 2 <= item.cadence_days


def _reached(client: Client, day: date) -> Client:
    """The client as if the planned call on ``day`` reached them (for the forecast)."""
    touch = Touch(day, "call", "reached", None, "planned", (), (), None, Source(client.path, 0), "")
    return dataclasses.replace(client, log=client.log + (touch,))


def _plan_day(ws: Book, clients: list[Client], day: date, pol: Policy, owner: str | None,
              commitments: bool, listed: frozenset[str] = frozenset()) -> Plan:
    """One day's plan; ``listed``: clients outside my windows the forecast has listed on an earlier day, while
    they wait for a later day's windows (not listed again)."""
    s = ws.settings
    working = s.works_on(day)
    commits: tuple[DueItem, ...] = ()
    if commitments:
        # due_items' commitments, without its handoffs and stories (which the plan does not show)
        commits = tuple(sorted((i for c in ws.clients if owner is None or c.owner == owner
                                for i in commitment_items(c, day, day, pol)),
                               key=lambda i: (i.date, i.client.slug, i.what)))
    items, outside = [], []
    memo: dict[tuple[str, TimeRange], Reach] = {}
    spans: dict[tuple[str, TimeRange | None, bool], Spans] = {}
    for c in clients:
        item = next_due(c, day, pol)
        if item is None or (not working and not kept_on(item, day, working)):
            continue  # a day off holds only the callbacks promised for it
        if call_overlap(day, s, item, spans):
            items.append(item)
        elif item.date <= day and c.slug not in listed:  # due, but their hours miss my windows: no place taken
            reach = next_reachable(day, s, c, memo)
            outside.append(Outside(c, item, hours_words(reach), reach, day_windows(day, s, promised=True)))
    outside.sort(key=lambda o: sort_key(o.item))
    chosen, waiting = choose(items, day, pol.calls_per_day if working else 0)
    calls = tuple(assign_slots(day, s, chosen, spans))
    if not working:
        note = day_off_note(day, s, [c.client for c in calls] + [o.client for o in outside])
    elif outside and not any(not c.early for c in calls):
        several = "s" * (len(s.windows_on(day).ranges) > 1)
        note = f"every client due today has no time in your call window{several} (listed after the calls)"
    elif not calls:
        note = "nobody to call"
    elif len(calls) > pol.calls_per_day:
        note = f"{len(calls)} calls today: a promised callback is never moved"
    else:
        note = ""
    windows = day_windows(day, s, promised=bool(calls or outside))  # a day off: the windows its promises keep
    return Plan(day, working, calls, commits, waiting, pol.calls_per_day, s.timezone, windows, note,
                tuple(outside))


def is_holiday(day: date, settings: Settings) -> bool:
    """One of ``holidays`` that would otherwise be a working day."""
    return day in settings.holidays and day.weekday() in settings.working_days


def day_off(day: date, settings: Settings) -> str:
    """Why ``day`` is off, in words: 'a holiday in rippledoc.yaml', 'not one of your working days'."""
    return "a holiday in rippledoc.yaml" if is_holiday(day, settings) else "not one of your working days"


def _next_words(day: date, settings: Settings) -> str:
    return "the next working day is" if is_holiday(day, settings) else "the next one is"


def day_off_note(day: date, settings: Settings, promised: list[Client]) -> str:
    """What the plan says on a day off (not one of ``working_days``, or a holiday): the calls promised for it,
    or the next working day: 'Saturday: you promised a call back to Moorfield Lettings; …'."""
    nxt = next_working_day(day, settings)
    if not promised:
        return f"{day:%A} is {day_off(day, settings)}; {_next_words(day, settings)} {nxt:%a %d %b}"
    names = ", ".join(c.name for c in promised)
    return (f"{day:%A}: you promised a call back to {names}; a promise is kept on its day, though {day:%A} is "
            f"{day_off(day, settings)} ({_next_words(day, settings)} {nxt:%a %d %b})")


def next_working_day(day: date, settings: Settings) -> date:
    """The first working day after ``day`` (holidays skipped), within a year."""
    for k in range(1, 366):
        d = day + timedelta(days=k)
        if settings.works_on(d):
            return d
    return day


def _book(ws: Book, owner: str | None) -> list[Client]:
    return [c for c in ws.clients if c.status == "active" and (owner is None or c.owner == owner)]


def daily_plan(ws: Book, today: date, owner: str | None = None) -> Plan:
    pol, _ = cadence_policy(ws)
    return _plan_day(ws, _book(ws, owner), today, pol, owner, commitments=True)


def coverage(ws: Book, owner: str | None = None) -> Coverage:
    pol, _ = cadence_policy(ws)
    spans = [pol.span(c) for c in _book(ws, owner)]
    cads = [ideal for ideal, _ in spans]
    working = max(1, len(ws.settings.working_days))
    return Coverage(len(cads), min(cads, default=0), max(cads, default=0), sum(7 / c for c in cads) / working,
                    pol.calls_per_day, sum(7 / most for _, most in spans) / working)


def forecast(ws: Book, today: date, days: int, owner: str | None = None) -> Forecast:
    """Plan ``days`` days from ``today``, each planned call assumed to reach the client."""
    pol, _ = cadence_policy(ws)
    book = {c.slug: c for c in _book(ws, owner)}
    plans = []
    waiting: set[str] = set()  # outside my windows until a later day's windows meet their hours: listed once
    for k in range(max(1, days)):
        day = today + timedelta(days=k)
        plan = _plan_day(ws, list(book.values()), day, pol, owner, commitments=False, listed=frozenset(waiting))
        for call in plan.calls:
            book[call.client.slug] = _reached(book[call.client.slug], day)
            waiting.discard(call.client.slug)
        for o in plan.outside:
            if o.reach is not None and o.reach.window is not None:  # it waits for a later day's windows
                waiting.add(o.client.slug)
            else:  # assumed called outside the windows that day, so listed once
                book[o.client.slug] = _reached(book[o.client.slug], day)
        plans.append(plan)
    return Forecast(tuple(plans), coverage(ws, owner))


def promised_day(item: DueItem, today: date, settings: Settings) -> date:
    """The day the plan, from ``today`` on, keeps a promised callback on: the first day whose plan holds it
    (``kept_on``). Its own day, a working day or not; a day already past: the first working day from today."""
    day = max(today, item.date)
    while not kept_on(item, day, settings.works_on(day)) and day < max(today, item.date) + timedelta(days=366):
        day += timedelta(days=1)
    return day


def callback_notice(ws: Book, client: Client, touch_day: date, promised: date, today: date) -> str:
    """What ``log --next`` says when a call back is promised: the day the plan keeps it on and what is unusual
    about that day (not a working day, already holding its share of promises, outside their hours).

    The day comes from ``promised_day``, the rule the plan follows, with the promise added to the client's
    log; a day's other promises are counted as ``today`` and ``plan`` count them, over the whole book."""
    head = f"Call back on {promised:%a %d %b}"
    if client.status != "active":
        return f"{head}: {client.name} is {client.status}, so no plan lists the call; set status: active to plan it."
    s = ws.settings
    pol, _ = cadence_policy(ws)
    touch = Touch(touch_day, "call", "voicemail", None, "", (), (), promised, Source(client.path, 0), "")
    promising = dataclasses.replace(client, log=tuple(sorted(client.log + (touch,), key=lambda t: t.date)))
    item = next((i for i in client_items(promising, today, date.max, pol) if i.kind == "callback"), None)
    if item is None:
        return f"{head}: a later call, meeting or visit in the log settles it, so no plan lists it."
    day = promised_day(item, today, s)
    if day != promised:
        return (f"Call back promised for {promised:%a %d %b}, a day already past: it is overdue and first in the "
                f"plan of {day:%a %d %b}.")
    working = s.works_on(day)
    off = f"{day:%A} {day:%d %b} is a holiday in rippledoc.yaml" if is_holiday(day, s) else \
        f"{day:%A} is not one of your working days"
    words = [f"{head}: it will be that day's call." if working else
             f"{head}: {off}, but you promised it: the plan keeps the call on that day."]
    others = sum(1 for c in _book(ws, None) if c.path != client.path
                 for i in [next_due(c, today, pol)] if i is not None and i.kind == "callback"
                 and promised_day(i, today, s) == day)
    if others and (not working or others >= pol.calls_per_day):
        n = pol.calls_per_day
        words.append(f"That day already holds {others} other promised call back{'s' * (others != 1)}"
                     + (f" and you plan {n} call{'s' * (n != 1)} a day" if working else "")
                     + f": a promise is kept on its day, so it will have {others + 1} calls.")
    if not call_overlap(day, s, item):
        several = "s" * (len(day_windows(day, s, promised=True).ranges) > 1)
        words.append(f"Their hours do not meet your call window{several} that day: {their_hours(day, s, client)}.")
    return " ".join(words)


# ---------------------------------------------------------------- the team

LEVEL_ORDER = {"for-life": 0, "key": 1, "base": 2}


def share_clients(ws: Book, members: list[str]) -> tuple[list[tuple[Client, str]], dict[str, int]]:
    """The customer advocate program: give each client without an owner to a member of ``members``.

    Existing owners are kept. Clients that are not former are placed most
    important first (for-life, key, base; then by slug), each with the member
    who has the fewest active or paused clients so far; ties go to the member
    listed first. Returns the moves and the resulting load per member.
    """
    loads = {m: 0 for m in members}
    for c in ws.clients:
        if c.owner in loads and c.status != "former":
            loads[c.owner] += 1
    orphans = sorted((c for c in ws.clients if not c.owner and c.status != "former"),
                     key=lambda c: (LEVEL_ORDER.get(c.level, 3), c.slug))
    moves = []
    for c in orphans:
        member = min(members, key=lambda m: (loads[m], members.index(m)))
        loads[member] += 1
        moves.append((c, member))
    return moves, loads


__all__ = ["share_clients", "Outside", "Plan", "PlannedCall", "Forecast", "Coverage", "daily_plan", "forecast", "overlap", "coverage"]
