"""The daily plan: today's N calls, each at a time that suits both sides, and a forecast.

``daily_plan(ws, today, owner=None) -> Plan`` picks the day's calls and gives
each a slot inside my call window (my zone, ``rippledoc.yaml``) and inside
the client's business hours (their zone, Monday to Friday). ``forecast(ws,
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
A client whose business hours do not meet my call window that day takes no
place: it is listed apart (``Plan.outside``), to call outside the window.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rippledoc.views.cadence import Policy, policy as cadence_policy
from rippledoc.views.due import DueItem, client_items, next_due, sort_key
from rippledoc.model import Client, Settings, Source, TimeRange, Touch, Workspace

CLIENT_DAYS = (0, 1, 2, 3, 4)  # a client's business days: Monday to Friday, in their zone
MAX_SLOT = 30  # minutes


@dataclass(frozen=True, slots=True)
class PlannedCall:
    client: Client
    item: DueItem
    start: datetime | None  # aware, my zone; None when no time suits both sides
    end: datetime | None
    their_start: datetime | None  # the same instant in the client's zone
    their_end: datetime | None
    early: bool  # planned before it falls due, to spread the load
    note: str  # why there is no slot, or ""

    def to_json(self) -> dict[str, object]:
        return {**self.item.to_json(), "early": self.early,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "their_start": self.their_start.isoformat() if self.their_start else None,
                "their_end": self.their_end.isoformat() if self.their_end else None,
                "their_timezone": self.client.timezone, "note": self.note or None}


@dataclass(frozen=True, slots=True)
class Outside:
    """A due client with no time in my call window on the day: call outside it or by arrangement."""
    client: Client
    item: DueItem
    hours: str  # their hours in words: '09:00-18:00 Asia/Tokyo (19:00-04:00 your time)'

    def words(self) -> str:
        return (f"due, but no time in your window today: {self.client.name}, their hours are {self.hours}; "
                "call outside your window or by arrangement")

    def to_json(self) -> dict[str, object]:
        return {**self.item.to_json(), "their_timezone": self.client.timezone, "their_hours": self.hours}


@dataclass(frozen=True, slots=True)
class Plan:
    day: date
    working: bool
    calls: tuple[PlannedCall, ...]
    commitments: tuple[DueItem, ...]  # open commitments due soon or overdue
    waiting: int  # calls due by this day that did not fit
    calls_per_day: int
    timezone: str
    window: TimeRange
    note: str = ""
    outside: tuple[Outside, ...] = ()  # due, but their hours miss my window this day

    @property
    def promised_over(self) -> int:
        """How many calls beyond ``calls_per_day`` the promised callbacks put on this day."""
        return max(0, len(self.calls) - self.calls_per_day)


@dataclass(frozen=True, slots=True)
class Coverage:
    active: int
    min_cadence: int
    max_cadence: int
    needed: float  # calls per working day to keep every cadence
    calls_per_day: int

    @property
    def coverable(self) -> bool:
        return self.needed <= self.calls_per_day + 1e-9

    def message(self) -> str:
        if not self.active:
            return "no active clients"
        cad = f"cadence {self.min_cadence}d" if self.min_cadence == self.max_cadence \
            else f"cadences {self.min_cadence}d-{self.max_cadence}d"
        verb = "needs" if self.active == 1 else "need"
        head = f"{self.active} active client{'s' * (self.active != 1)} at {cad} {verb} " \
               f"{self.needed:.1f} calls a working day; you plan {self.calls_per_day}"
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

def my_window(day: date, settings: Settings) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.timezone)
    w = settings.call_window
    return _at(day, w.start, tz), _at(day, w.end, tz)


def _at(day: date, t: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time made aware; a time skipped by a DST change moves forward (fold=0 semantics)."""
    local = datetime.combine(day, t, tzinfo=tz)
    return local.astimezone(ZoneInfo("UTC")).astimezone(tz)


def overlap(day: date, settings: Settings, client: Client) -> list[tuple[datetime, datetime]]:
    """The parts of my call window on ``day`` that lie in the client's business hours (their zone)."""
    start, end = my_window(day, settings)
    theirs = ZoneInfo(client.timezone or settings.timezone)
    hours = client.hours or settings.client_hours
    out = []
    for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
        if d.weekday() not in CLIENT_DAYS:
            continue
        a, b = _at(d, hours.start, theirs), _at(d, hours.end, theirs)
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            out.append((lo.astimezone(start.tzinfo), hi.astimezone(start.tzinfo)))
    return sorted(out)


def _their_day(day: date, settings: Settings, client: Client):
    """(their zone, their hours, their date at my window's start, their hours in my time or None on their weekend)."""
    tz = ZoneInfo(settings.timezone)
    zone = client.timezone or settings.timezone
    theirs = ZoneInfo(zone)
    hours = client.hours or settings.client_hours
    start, _ = my_window(day, settings)
    their_day = start.astimezone(theirs).date()
    if their_day.weekday() not in CLIENT_DAYS:
        return zone, hours, their_day, None
    mine = (_at(their_day, hours.start, theirs).astimezone(tz), _at(their_day, hours.end, theirs).astimezone(tz))
    return zone, hours, their_day, mine


def no_overlap_note(day: date, settings: Settings, client: Client) -> str:
    zone, hours, their_day, mine = _their_day(day, settings, client)
    if mine is None:
        return f"no overlap: it is {their_day:%A} for them ({client.timezone})"
    a, b = mine
    return (f"no overlap: their hours {hours} {client.timezone} are {a:%H:%M}-{b:%H:%M} your time"
            f"{'' if a.date() == day else f' ({a:%a})'}; your window is {settings.call_window}")


def their_hours(day: date, settings: Settings, client: Client) -> str:
    """The client's hours on ``day`` in words, in their zone and mine ('it is Saturday for them' on their weekend)."""
    zone, hours, their_day, mine = _their_day(day, settings, client)
    if mine is None:
        return f"{hours} {zone}, but it is {their_day:%A} for them"
    a, b = mine
    return (f"{hours} {zone} ({a:%H:%M}-{b:%H:%M} your time"
            f"{'' if a.date() == day else f', {a:%a}'}; your window is {settings.call_window})")


def slot_minutes(settings: Settings, calls: int) -> int:
    w = settings.call_window
    total = (datetime.combine(date.min, w.end) - datetime.combine(date.min, w.start)).seconds // 60
    per = total // max(1, calls)
    return max(5, min(MAX_SLOT, per - per % 5))


def assign_slots(day: date, settings: Settings, chosen: list[tuple[DueItem, bool]]) -> list[PlannedCall]:
    """Give each call the earliest free slot inside its overlap; the narrowest overlaps choose first."""
    length = timedelta(minutes=slot_minutes(settings, len(chosen)))
    taken: list[tuple[datetime, datetime]] = []
    spans = {id(item): overlap(day, settings, item.client) for item, _ in chosen}
    order = sorted(chosen, key=lambda ie: (spans[id(ie[0])][-1][1] if spans[id(ie[0])] else datetime.max.replace(
        tzinfo=ZoneInfo("UTC")), sort_key(ie[0])))
    out = []
    for item, early in order:
        c = item.client
        theirs = ZoneInfo(c.timezone or settings.timezone)
        ivs = spans[id(item)]
        slot = _free(ivs, taken, length)
        if slot is None:
            note = no_overlap_note(day, settings, c) if not ivs else "no free slot left in the hours that suit both sides"
            out.append(PlannedCall(c, item, None, None, None, None, early, note))
            continue
        taken.append(slot)
        out.append(PlannedCall(c, item, slot[0], slot[1], slot[0].astimezone(theirs), slot[1].astimezone(theirs),
                               early, ""))
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

def choose(items: list[DueItem], day: date, n: int) -> tuple[list[tuple[DueItem, bool]], int]:
    """Pick the calls for ``day`` from each client's next call; returns (chosen with 'early', waiting).

    Every callback promised by ``day`` is chosen, even beyond ``n``; the other calls fill what is left of ``n``.
    """
    promised = sorted((i for i in items if i.date <= day and i.kind == "callback"), key=sort_key)
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
    """Not a callback (promised for its day), not snoozed, and at least half its cadence gone by."""
    c = item.client
    if item.kind == "callback" or (c.snooze is not None and c.snooze > day):
        return False
    return (item.date - day).days * 2 <= item.cadence_days


def _reached(client: Client, day: date) -> Client:
    """The client as if the planned call on ``day`` reached them (for the forecast)."""
    touch = Touch(day, "call", "reached", None, "planned", (), (), None, Source(client.path, 0), "")
    return dataclasses.replace(client, log=client.log + (touch,))


def _plan_day(ws: Workspace, clients: list[Client], day: date, pol: Policy, owner: str | None,
              commitments: bool) -> Plan:
    s = ws.settings
    working = day.weekday() in s.working_days
    commits: tuple[DueItem, ...] = ()
    if commitments:
        # due_items' commitments, without its handoffs and stories (which the plan does not show)
        commits = tuple(sorted((i for c in ws.clients if owner is None or c.owner == owner
                                for i in client_items(c, day, day, pol) if i.kind == "commitment"),
                               key=lambda i: (i.date, i.client.slug, i.what)))
    if not working:
        nxt = next_working_day(day, s)
        return Plan(day, False, (), commits, 0, pol.calls_per_day, s.timezone, s.call_window,
                    f"{day:%A} is not one of your working days; the next one is {nxt:%a %d %b}")
    items, outside = [], []
    for c in clients:
        item = next_due(c, day, pol)
        if item is None:
            continue
        if overlap(day, s, c):
            items.append(item)
        elif item.date <= day:  # due, but their hours miss my window: no place taken
            outside.append(Outside(c, item, their_hours(day, s, c)))
    outside.sort(key=lambda o: sort_key(o.item))
    chosen, waiting = choose(items, day, pol.calls_per_day)
    calls = tuple(assign_slots(day, s, chosen))
    if outside and not any(not c.early for c in calls):
        note = "every client due today has no time in your call window (listed after the calls)"
    elif not calls:
        note = "nobody to call"
    elif len(calls) > pol.calls_per_day:
        note = f"{len(calls)} calls today: a promised callback is never moved"
    else:
        note = ""
    return Plan(day, True, calls, commits, waiting, pol.calls_per_day, s.timezone, s.call_window, note,
                tuple(outside))


def next_working_day(day: date, settings: Settings) -> date:
    for k in range(1, 8):
        d = day + timedelta(days=k)
        if d.weekday() in settings.working_days:
            return d
    return day


def _book(ws: Workspace, owner: str | None) -> list[Client]:
    return [c for c in ws.clients if c.status == "active" and (owner is None or c.owner == owner)]


def daily_plan(ws: Workspace, today: date, owner: str | None = None) -> Plan:
    pol, _ = cadence_policy(ws)
    return _plan_day(ws, _book(ws, owner), today, pol, owner, commitments=True)


def coverage(ws: Workspace, owner: str | None = None) -> Coverage:
    pol, _ = cadence_policy(ws)
    cads = [pol.cadence(c) for c in _book(ws, owner)]
    per_week = sum(7 / c for c in cads)
    working = max(1, len(ws.settings.working_days))
    return Coverage(len(cads), min(cads, default=0), max(cads, default=0), per_week / working, pol.calls_per_day)


def forecast(ws: Workspace, today: date, days: int, owner: str | None = None) -> Forecast:
    """Plan ``days`` days from ``today``, each planned call assumed to reach the client."""
    pol, _ = cadence_policy(ws)
    book = {c.slug: c for c in _book(ws, owner)}
    plans = []
    for k in range(max(1, days)):
        day = today + timedelta(days=k)
        plan = _plan_day(ws, list(book.values()), day, pol, owner, commitments=False)
        for call in plan.calls:
            book[call.client.slug] = _reached(book[call.client.slug], day)
        for o in plan.outside:  # assumed called outside the window that day, so listed once
            book[o.client.slug] = _reached(book[o.client.slug], day)
        plans.append(plan)
    return Forecast(tuple(plans), coverage(ws, owner))


# ---------------------------------------------------------------- the team

LEVEL_ORDER = {"for-life": 0, "key": 1, "base": 2}


def share_clients(ws: Workspace, members: list[str]) -> tuple[list[tuple[Client, str]], dict[str, int]]:
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
