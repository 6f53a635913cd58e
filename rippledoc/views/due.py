"""What is due: callbacks promised, cadences run out, clients never contacted, birthdays and anniversaries,
commitments, handoffs not yet closed, success stories nobody asked a testimonial for.

``due_items(ws, today, days=0, owner=None)`` is a pure function of the
workspace and the date. Each ``DueItem`` says why it is due, in words, and
carries a priority (higher first; docs/planning.md)::

    w = LEVEL_WEIGHT[level] * GRADE_WEIGHT[grade]
    callback due or overdue     1000 + w * (1 + overdue_days)    a promise is a promise
    commitment overdue            50 + w * (1 + overdue_days)    (everything but callbacks stays below 1000)
    cadence at its most, or past       w * (1 + overdue_days)    never contacted counts 7 days overdue
    cadence between ideal and most     w * SOFT / (1 + days to its most)   below every call at its most
    birthday, anniversary, due         w * (1 + 7 + days late)   as if a week overdue, like never contacted
    anything due in n days             w / (1 + n)                (commitments: w * 7 / (1 + n))
    handoff overdue or due today  50 + w * (1 + overdue_days)    shown from the day it is handed until closed
    story nobody asked about yet       w                          once the story is story_ask_days old

A cadence has an ideal and a most (``4w..6w``; a plain ``30d`` is both): the
call is due after the ideal and overdue after the most (``overdue_days``
counts from there, ``overdue`` is true), so overdue calls sort before calls
that are only due.

The dates that matter (kinds ``birthday`` and ``anniversary``, each turned off
by ``birthdays: false`` or ``anniversaries: false`` in rippledoc.yaml): the
contact's birthday and the anniversary of the client's ``since`` (a year or
more). Each is due on its day; one that falls on a day off is due on the last
working day up to ``OCCASION_LEAD`` days before it (else the first one after).
A touch that reached them or was sent (a call, an e-mail, a letter) from
``OCCASION_LEAD`` days before the day on settles it; unsettled, it stays due
``OCCASION_GRACE`` days after the day, then drops. The client's other call
item names a date that matters falling within ``OCCASION_LEAD`` days of it
('…; Ray Dufresne's birthday on Friday'), since that call settles it.

Paused and former clients are never due. A snooze moves cadence and
never-contacted items to the snooze date; promises (callbacks, commitments)
and the dates that matter stand. An open callback replaces the client's
cadence item: the call is already promised for that day.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
import datetime as dt  # for annotations in classes whose field or method is named ``date``
from datetime import date, timedelta

from rippledoc.views.cadence import Policy, policy as cadence_policy
from rippledoc.model import Client, Commitment, Settings, Touch
from rippledoc.book.book import Book
from rippledoc.book.figures import last_touch, open_callback
from rippledoc.parse.fields import cadence_text
from rippledoc.views.terms import TELL_EARLY_DAYS, last_reached, last_word, progress_noted

LEVEL_WEIGHT = {"for-life": 3.0, "key": 2.0, "base": 1.0}
GRADE_WEIGHT = {"top": 1.5, "two": 1.0, "three": 0.7, None: 1.0}
NEVER_OVERDUE = 7  # a never-contacted client weighs as if a week overdue
SOON = 7  # commitments are shown this many days before they fall due
CAP = 999.0  # only a promised callback ranks above this
SOFT = 0.15  # between its ideal and its most a call weighs below any call at its most (the lightest w is 0.7)
OCCASION_LEAD = 3  # a date that matters on a day off moves back up to this many days; a touch this early settles it
OCCASION_GRACE = 7  # days after a date that matters it stays due, unsettled; then it drops
OCCASIONS = ("birthday", "anniversary")
CALLS = ("callback", "cadence", "never", *OCCASIONS)
KINDS = ("callback", "cadence", "never", *OCCASIONS, "commitment", "handoff", "story-ask")


@dataclass(frozen=True, slots=True)
class DueItem:
    client: Client
    kind: str  # callback | cadence | never | birthday | anniversary | commitment | handoff | story-ask
    date: date  # when it is due
    reason: str  # why, in words
    priority: float  # higher first
    overdue_days: int  # 0 when due today or later
    what: str = ""  # the commitment's text, the handoff's note, the story's words
    cadence_days: int = 0
    people: tuple[str, ...] = ()  # handoff: its owner and the caller; story-ask: who logged the story
    line: int = 0  # the log line of a handoff or a story
    cadence_max_days: int = 0  # the most of the client's cadence (== cadence_days for a plain one)
    limit: dt.date | None = None  # a cadence call: overdue after this day (the last reached touch + the most)
    occasion: dt.date | None = None  # a birthday or anniversary: the day itself (``date`` may be a working day before)

    @property
    def is_call(self) -> bool:
        return self.kind in CALLS

    @property
    def overdue(self) -> bool:
        """Past its date (a cadence: past its most): what the site shows in red."""
        return self.overdue_days > 0

    def to_json(self) -> dict[str, object]:
        c = self.client
        return {"client": c.slug, "name": c.name, "kind": self.kind, "date": self.date.isoformat(),
                "reason": self.reason, "priority": round(self.priority, 3), "overdue_days": self.overdue_days,
                "overdue": self.overdue, "what": self.what or None, "owner": c.owner, "level": c.level,
                "grade": c.grade, "cadence_days": self.cadence_days or None,
                "cadence_max_days": self.cadence_max_days or None,
                "overdue_after": self.limit.isoformat() if self.limit else None,
                "occasion": self.occasion.isoformat() if self.occasion else None, "path": c.path,
                "people": list(self.people), "line": self.line or None}


def weight(client: Client) -> float:
    return LEVEL_WEIGHT.get(client.level, 1.0) * GRADE_WEIGHT.get(client.grade, 1.0)


def ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def when_words(d: date, today: date) -> str:
    n = (d - today).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    if n < 0:
        return f"{-n} days ago ({d:%a %d %b})"
    return f"on {d:%a %d %b} (in {n} days)"


def urgency(w: float, due: date, today: date, overdue_base: float = 0.0) -> float:
    if due <= today:
        return overdue_base + w * (1 + (today - due).days)
    return w / (1 + (due - today).days)


def who(client: Client) -> str:
    grade = f", {client.grade} grade" if client.grade else ""
    return f"{client.level} client{grade}"


def client_items(client: Client, today: date, horizon: date, pol: Policy) -> list[DueItem]:
    """Every due item of one client up to ``horizon`` (commitments: up to ``max(horizon, today + SOON)``)."""
    return _items(client, today, horizon, pol, calls_only=False)


def _items(client: Client, today: date, horizon: date, pol: Policy, calls_only: bool) -> list[DueItem]:
    """``client_items``; ``calls_only``: the calls alone, and of the dates that matter only those due no later
    than the client's other call (``next_due`` needs no more)."""
    if client.status != "active":
        return []
    items: list[DueItem] = []
    w = weight(client)
    ideal, most = pol.span(client)
    last = last_reached(client)
    occasions = open_occasions(client, today, pol.settings)
    promise = open_callback(client)
    if promise is not None:
        d = promise.next
        assert d is not None
        outcome = promise.outcome if promise.outcome not in ("reached", "sent") else promise.kind
        words = f"promised a call back {when_words(d, today)}"
        if promise.outcome in ("voicemail", "no-answer"):
            words += f" after a {outcome} on {promise.date:%a %d %b}"
        if last is not None:
            words += f"; last reached {ago((today - last.date).days)}"
        if d <= horizon:
            items.append(DueItem(client, "callback", d, words + _along(occasions, d, today),
                                 urgency(w, d, today, 1000.0), max(0, (today - d).days), cadence_days=ideal,
                                 cadence_max_days=most))
    else:
        snooze = client.snooze if client.snooze and client.snooze > today else None
        limit: date | None = None
        if last is None:
            d = max(today, snooze) if snooze else today
            since = f" (client since {client.since.year})" if client.since else ""
            words = f"{who(client)}, never contacted{since}"
            prio = w * (1 + NEVER_OVERDUE) if d <= today else w / (1 + (d - today).days)
            kind = "never"
            overdue = 0
        else:
            d, limit = last.date + timedelta(days=ideal), last.date + timedelta(days=most)
            if snooze and snooze > d:
                d, limit = snooze, max(limit, snooze)
            words = f"{who(client)}, last reached {ago((today - last.date).days)}, cadence {cadence_text(ideal, most)}"
            if d < limit and today < limit:  # between its ideal and its most: due, not overdue
                prio = w * SOFT / (1 + (limit - today).days)
                words += f": overdue after {limit:%a %d %b}"
            else:
                prio = min(urgency(w, limit, today), CAP)
                if d < limit and today > limit:
                    n = (today - limit).days
                    words += f": overdue by {n} day{'s' * (n != 1)}"
            kind = "cadence"
            overdue = max(0, (today - limit).days)
        if snooze:
            words += f", snoozed until {snooze:%a %d %b}"
        if d <= horizon:
            items.append(DueItem(client, kind, d, words + _along(occasions, d, today), prio, overdue,
                                 cadence_days=ideal, cadence_max_days=most, limit=limit))
    until = min(horizon, items[0].date) if calls_only and items else horizon
    items += [_occasion_item(client, o, today, w, ideal, most, last) for o in occasions if o.call <= until]
    if calls_only:
        return items
    return items + commitment_items(client, today, horizon, pol)


def commitment_items(client: Client, today: date, horizon: date, pol: Policy) -> list[DueItem]:
    """The due items of an active client's open commitments, up to ``max(horizon, today + SOON)``."""
    if client.status != "active":
        return []
    soon = max(horizon, today + timedelta(days=SOON))
    w, ideal = weight(client), pol.span(client)[0]
    return [commitment_item(client, c, today, w, ideal) for c in client.commitments if c.done is None and c.due <= soon]


def _along(occasions: list[Occasion], day: date, today: date) -> str:
    """'; Ray Dufresne's birthday on Friday': the dates that matter a call due on ``day`` (made on it, or today
    if later) settles, in words."""
    made = max(day, today)
    return "".join(f"; {o.what} {occasion_when(o.day, today)}" for o in occasions
                   if (o.day - made).days <= OCCASION_LEAD)


# ---------------------------------------------------------------- the dates that matter

@dataclass(frozen=True, slots=True)
class Occasion:
    """A date that matters, open: not settled, not past its grace."""
    kind: str  # birthday | anniversary
    day: date  # the date itself
    call: date  # the day to call (``occasion_day``)
    what: str  # "Ray Dufresne's birthday", "client for 10 years"


def open_occasions(client: Client, today: date, settings: Settings) -> list[Occasion]:
    """The client's open birthday and anniversary (the nearest of each), however far ahead."""
    out: list[Occasion] = []
    b, since = client.birthday if settings.birthdays else None, client.since if settings.anniversaries else None
    if b is None and since is None:
        return out
    settled = last_touch(client)
    if b is not None:
        found = _open_occasion(today, settings, settled, b.month, b.day)
        if found is not None:
            whose = f"{client.contact}'s birthday" if client.contact else "the contact's birthday"
            out.append(Occasion("birthday", *found, whose))
    if since is not None:
        found = _open_occasion(today, settings, settled, since.month, since.day, first=since.year + 1)
        if found is not None:
            n = found[0].year - since.year
            out.append(Occasion("anniversary", *found, f"client for {n} year{'s' * (n != 1)}"))
    return out


def _open_occasion(today: date, settings: Settings, settled: date | None, month: int, day_of_month: int,
                   first: int = 1) -> tuple[date, date] | None:
    """(the day, the day to call) of the nearest yearly ``month``-``day_of_month`` (29 February: the 28th in
    other years) not settled (no touch since ``OCCASION_LEAD`` days before it) nor past its grace."""
    for year in (today.year - 1, today.year, today.year + 1):
        if year < first:
            continue
        day = date(year, month, day_of_month if day_of_month <= 28 or month != 2 or calendar.isleap(year) else 28)
        if today > day + timedelta(days=OCCASION_GRACE + 7):  # past, even if moved to the week after
            continue
        call = occasion_day(day, settings)
        if today > max(day, call) + timedelta(days=OCCASION_GRACE):
            continue
        if settled is not None and settled >= day - timedelta(days=OCCASION_LEAD):
            continue
        return day, call
    return None


def occasion_day(day: date, settings: Settings) -> date:
    """The day to call for a date that matters: the day itself when it is a working day, else the last
    working day up to ``OCCASION_LEAD`` days before it, else the first one after it (within a week)."""
    if settings.works_on(day):
        return day
    for k in range(1, OCCASION_LEAD + 1):
        if settings.works_on(day - timedelta(days=k)):
            return day - timedelta(days=k)
    for k in range(1, 8):
        if settings.works_on(day + timedelta(days=k)):
            return day + timedelta(days=k)
    return day


def occasion_when(day: date, today: date) -> str:
    """'today', 'tomorrow', 'on Friday' (this week), 'on Fri 04 Dec'; past: 'was yesterday', 'was on Saturday
    (2 days ago)'."""
    n = (day - today).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if 1 < n < 7:
        return f"on {day:%A}"
    if n >= 7:
        return f"on {day:%a %d %b}"
    if n == -1:
        return "was yesterday"
    return f"was on {day:%A} ({-n} days ago)"


def _occasion_item(client: Client, o: Occasion, today: date, w: float, ideal: int, most: int,
                   last: Touch | None) -> DueItem:
    words = f"{o.what} {occasion_when(o.day, today)}; {who(client)}, " + (
        f"last reached {ago((today - last.date).days)}" if last else "never contacted")
    late = (today - o.call).days
    prio = min(w * (1 + NEVER_OVERDUE + late), CAP) if late >= 0 else w / (1 - late)
    return DueItem(client, o.kind, o.call, words, prio, max(0, late), what=o.what, cadence_days=ideal,
                   cadence_max_days=most, occasion=o.day)


def commitment_item(client: Client, c: Commitment, today: date, w: float, cad: int) -> DueItem:
    n = (c.due - today).days
    if n < 0:
        words, prio = f"commitment '{c.what}' overdue by {-n} day{'s' * (n != -1)}", 50.0 + w * (1 - n)
    elif n == 0:
        words, prio = f"commitment '{c.what}' due today", 50.0 + w
    else:
        words, prio = f"commitment '{c.what}' due in {n} day{'s' * (n != 1)}", w * SOON / (1 + n)
    if n >= 0 and n <= TELL_EARLY_DAYS and not progress_noted(client, c):
        since = last_word(c)
        words += f"; nothing logged with them{f' since {since}' if since else ''}: tell them early, with a plan"
    return DueItem(client, "commitment", c.due, words, min(prio, CAP), max(0, -n), what=c.what, cadence_days=cad)


def due_items(ws: Book, today: date, days: int = 0, owner: str | None = None) -> list[DueItem]:
    """What is due or overdue on ``today`` and over the next ``days`` days, highest priority first.

    ``owner``: the items of the clients that member owns, the handoffs they own or handed on, and the
    stories they logged.
    """
    pol, _ = cadence_policy(ws)
    horizon = today + timedelta(days=max(0, days))
    items = [i for c in ws.clients if owner is None or c.owner == owner
             for i in client_items(c, today, horizon, pol)]
    items += [i for i in outcome_items(ws, today, horizon)
              if owner is None or owner in i.people or (i.kind == "story-ask" and i.client.owner == owner)]
    return sorted(items, key=sort_key)


def outcome_items(ws: Book, today: date, horizon: date) -> list[DueItem]:
    """Every open handoff (however far its date: it stays on the list until closed), and every
    success story nobody has asked a testimonial for once it is ``story_ask_days`` old."""
    from rippledoc.views.followups import handoff_list, handoff_words, story_list
    items = []
    for h in handoff_list(ws, today):
        c = h.client
        w = weight(c)
        n = (h.due - today).days
        prio = 50.0 + w * (1 - n) if n <= 0 else w * SOON / (1 + n)
        people = tuple(dict.fromkeys(p for p in (h.owner, h.caller) if p))
        items.append(DueItem(c, "handoff", h.due, handoff_words(h, today), min(prio, CAP), max(0, -n),
                             what=h.what, people=people, line=h.source.line))
    for v in story_list(ws, today):
        if v.ask_due is None or v.ask_due > horizon or v.story.client.status != "active":
            continue
        s = v.story
        n = (v.ask_due - today).days
        words = (f"success story of {s.date:%a %d %b %Y} ({v.age_days} days ago): nobody has asked for a "
                 "testimonial yet")
        items.append(DueItem(s.client, "story-ask", v.ask_due, words, weight(s.client) / (1 + max(0, n)),
                             max(0, -n), what=s.words, people=(s.touch.by,) if s.touch.by else (),
                             line=s.touch.source.line))
    return items


def sort_key(item: DueItem) -> tuple[float, date, str, str]:
    return (-item.priority, item.date, item.client.slug, item.what)


def next_due(client: Client, today: date, pol: Policy) -> DueItem | None:
    """The client's next call, however far ahead (for the plan and the forecast): a callback promised by
    ``today``; otherwise the call due first (on one day: the highest priority)."""
    calls = _items(client, today, date.max, pol, calls_only=True)
    promised = [i for i in calls if i.kind == "callback" and i.date <= today]
    if promised:
        return promised[0]
    return min(calls, key=lambda i: (i.date, -i.priority), default=None)
