"""What is due: callbacks promised, cadences run out, clients never contacted, commitments,
handoffs not yet closed, success stories nobody asked a testimonial for.

``due_items(ws, today, days=0, owner=None)`` is a pure function of the
workspace and the date. Each ``DueItem`` says why it is due, in words, and
carries a priority (higher first; docs/planning.md)::

    w = LEVEL_WEIGHT[level] * GRADE_WEIGHT[grade]
    callback due or overdue     1000 + w * (1 + overdue_days)    a promise is a promise
    commitment overdue            50 + w * (1 + overdue_days)    (everything but callbacks stays below 1000)
    cadence or never, due now          w * (1 + overdue_days)    never contacted counts 7 days overdue
    anything due in n days             w / (1 + n)                (commitments: w * 7 / (1 + n))
    handoff overdue or due today  50 + w * (1 + overdue_days)    shown from the day it is handed until closed
    story nobody asked about yet       w                          once the story is story_ask_days old

Paused and former clients are never due. A snooze moves cadence and
never-contacted items to the snooze date; promises (callbacks, commitments)
stand. An open callback replaces the client's cadence item: the call is
already promised for that day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rippledoc.views.cadence import Policy, policy as cadence_policy
from rippledoc.model import Client, Commitment, Touch
from rippledoc.book.book import Book
from rippledoc.views.terms import CALL_KINDS, TELL_EARLY_DAYS, last_reached, last_word, progress_noted

LEVEL_WEIGHT = {"for-life": 3.0, "key": 2.0, "base": 1.0}
GRADE_WEIGHT = {"top": 1.5, "two": 1.0, "three": 0.7, None: 1.0}
NEVER_OVERDUE = 7  # a never-contacted client weighs as if a week overdue
SOON = 7  # commitments are shown this many days before they fall due
CAP = 999.0  # only a promised callback ranks above this
KINDS = ("callback", "cadence", "never", "commitment", "handoff", "story-ask")


@dataclass(frozen=True, slots=True)
class DueItem:
    client: Client
    kind: str  # callback | cadence | never | commitment | handoff | story-ask
    date: date  # when it is due
    reason: str  # why, in words
    priority: float  # higher first
    overdue_days: int  # 0 when due today or later
    what: str = ""  # the commitment's text, the handoff's note, the story's words
    cadence_days: int = 0
    people: tuple[str, ...] = ()  # handoff: its owner and the caller; story-ask: who logged the story
    line: int = 0  # the log line of a handoff or a story

    @property
    def is_call(self) -> bool:
        return self.kind in ("callback", "cadence", "never")

    def to_json(self) -> dict[str, object]:
        c = self.client
        return {"client": c.slug, "name": c.name, "kind": self.kind, "date": self.date.isoformat(),
                "reason": self.reason, "priority": round(self.priority, 3), "overdue_days": self.overdue_days,
                "what": self.what or None, "owner": c.owner, "level": c.level, "grade": c.grade,
                "cadence_days": self.cadence_days or None, "path": c.path,
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


def open_callback(client: Client) -> Touch | None:
    """The newest promise ``next: DATE`` not yet followed by a call, meeting or visit."""
    log = client.log
    for i in range(len(log) - 1, -1, -1):
        t = log[i]
        if t.next is not None:
            return t
        if t.kind in CALL_KINDS:
            return None  # a later attempt settles older promises
    return None


def who(client: Client) -> str:
    grade = f", {client.grade} grade" if client.grade else ""
    return f"{client.level} client{grade}"


def client_items(client: Client, today: date, horizon: date, pol: Policy) -> list[DueItem]:
    """Every due item of one client up to ``horizon`` (commitments: up to ``max(horizon, today + SOON)``)."""
    if client.status != "active":
        return []
    items: list[DueItem] = []
    w = weight(client)
    cad = pol.cadence(client)
    last = last_reached(client)
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
            items.append(DueItem(client, "callback", d, words, urgency(w, d, today, 1000.0),
                                 max(0, (today - d).days), cadence_days=cad))
    else:
        snooze = client.snooze if client.snooze and client.snooze > today else None
        if last is None:
            d = max(today, snooze) if snooze else today
            since = f" (client since {client.since.year})" if client.since else ""
            words = f"{who(client)}, never contacted{since}"
            prio = w * (1 + NEVER_OVERDUE) if d <= today else w / (1 + (d - today).days)
            kind = "never"
            overdue = 0
        else:
            d = last.date + timedelta(days=cad)
            if snooze and snooze > d:
                d = snooze
            words = f"{who(client)}, last reached {ago((today - last.date).days)}, cadence {cad}d"
            prio = min(urgency(w, d, today), CAP)
            kind = "cadence"
            overdue = max(0, (today - d).days)
        if snooze:
            words += f", snoozed until {snooze:%a %d %b}"
        if d <= horizon:
            items.append(DueItem(client, kind, d, words, prio, overdue, cadence_days=cad))
    soon = max(horizon, today + timedelta(days=SOON))
    for c in client.commitments:
        if c.done is None and c.due <= soon:
            items.append(commitment_item(client, c, today, w, cad))
    return items


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
    """The client's next call, however far ahead (for the forecast)."""
    calls = [i for i in client_items(client, today, date.max, pol) if i.is_call]
    return calls[0] if calls else None
