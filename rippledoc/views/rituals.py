"""Which rituals are due, whom each covers, the record a ritual starts from, and what applying it writes.

``ritual_status(ws, today)`` answers "which rituals are due?"; ``record_text``
is the text a new record starts from (``views.new_record`` drafts the files,
``edit.drafts`` writes them); ``apply_plan`` says which client fields a
record's decisions change (pure: ``ritual apply`` writes them).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from datetime import date, timedelta
from typing import Any

from rippledoc.model import LEVELS, Client, Commitment, Ritual, RitualEntry, RitualRecord
from rippledoc.book.book import Book
from rippledoc.book.figures import logged_calls
from rippledoc.parse.periods import Period, cadence_days, cadence_kind, period_of
from rippledoc.parse.ritual import PROFILE_FIELDS, sections
from rippledoc.read.yamlscalar import scalar


@dataclass(frozen=True, slots=True)
class RitualStatus:
    ritual: str  # key
    name: str
    cadence: str
    period: str | None  # the current period's label (None for a ritual kept in the log)
    last_done: date | None
    last_period: str | None
    due: bool
    reason: str
    covers: int  # how many clients it covers today
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"ritual": self.ritual, "name": self.name, "cadence": self.cadence, "period": self.period,
                "last_done": self.last_done.isoformat() if self.last_done else None,
                "last_period": self.last_period, "due": self.due, "reason": self.reason,
                "covers": self.covers, "enabled": self.enabled}


@dataclass(frozen=True, slots=True)
class Draft:
    """A file ``ritual start`` wants to write; ``exists``: it is already there and is kept."""
    path: str  # relative to the workspace
    text: str
    client: str | None = None
    exists: bool = False


# ---------------------------------------------------------------- whom a ritual covers

def _value(c: Client, key: str) -> tuple[str, ...]:
    v = getattr(c, key)
    if isinstance(v, tuple):
        return v
    return () if v is None else (str(v),)


def covers(ritual: Ritual, c: Client) -> bool:
    """Every key of ``covers`` must match (a list field matches when any item does);
    without a ``status`` key only active clients are covered."""
    return _matches(_rules(ritual), c)


def _rules(ritual: Ritual) -> list[tuple[str, frozenset[str]]]:
    rules = dict(ritual.covers)
    rules.setdefault("status", ("active",))
    return [(key, frozenset(allowed)) for key, allowed in rules.items()]


def _matches(rules: list[tuple[str, frozenset[str]]], c: Client) -> bool:
    return all(not allowed.isdisjoint(_value(c, key)) for key, allowed in rules)


def covered_count(ws: Book, ritual: Ritual) -> int:
    """How many clients the ritual covers (``covers``), without sorting them."""
    rules = _rules(ritual)
    return sum(_matches(rules, c) for c in ws.clients)


def covered_clients(ws: Book, ritual: Ritual) -> list[Client]:
    """The clients a ritual covers, closest to the top of the triangle first, then by name."""
    return sorted((c for c in ws.clients if covers(ritual, c)),
                  key=lambda c: (-LEVELS.index(c.level) if c.level in LEVELS else 0, c.name.lower()))


def records_of(ws: Book, key: str) -> list[RitualRecord]:
    return sorted((r for r in ws.records if r.ritual == key), key=lambda r: (r.date, r.period, r.source.path))


# ---------------------------------------------------------------- due

def period_for(ritual: Ritual, on: date) -> Period:
    return period_of(cadence_kind(ritual.cadence) or "day", on)


def _season(ritual: Ritual, year: int) -> tuple[date, date] | None:
    text = ritual.settings.get("season")
    if not isinstance(text, str) or ".." not in text:
        return None
    try:
        a, b = (part.strip() for part in text.split(".."))
        return date(year, int(a[:2]), int(a[3:])), date(year, int(b[:2]), int(b[3:]))
    except ValueError:
        return None


def status_of(ws: Book, ritual: Ritual, today: date) -> RitualStatus:
    covered = covered_count(ws, ritual)
    status = partial(RitualStatus, ritual=ritual.key, name=ritual.name, cadence=ritual.cadence, covers=covered,
                     enabled=ritual.enabled)
    if ritual.settings.get("records") == "log":
        logged = [logged_calls(c, today) for c in ws.clients]
        last_call = max((d for d, _ in logged if d is not None), default=None)
        n = sum(k for _, k in logged)
        working = ws.settings.works_on(today)  # a holiday is not a working day
        due = ritual.enabled and working and n == 0 and covered > 0
        reason = (f"{n} call{'s' * (n != 1)} logged today" if n else "no client to call yet" if not covered else
                  "no call logged today" if working else "not a working day")
        return status(period=None, last_done=last_call, last_period=None,
                            due=due, reason=reason if ritual.enabled else "disabled")
    records = [r for r in records_of(ws, ritual.key) if r.date <= today]
    last = records[-1] if records else None
    every = cadence_days(ritual.cadence)
    current = period_for(ritual, today)
    if every is not None:
        done = last is not None and (today - last.date).days < every
        reason = (f"done {last.date}, next from {last.date + timedelta(days=every)}" if done and last else
                  f"last done {last.date}, every {every} days" if last else "never done")
    else:
        held = [r for r in records_of(ws, ritual.key) if r.period == current.label]
        done = bool(held)
        reason = f"done for {current.label}" if done else f"not done for {current.label}"
        if done and ritual.metrics and not any(e.scores for r in held for e in r.entries):
            done, reason = False, f"started for {current.label}, no scores yet: fill in {held[0].source.path}"
        elif not done:
            reason += f"; last {last.period} ({last.date})" if last else "; never done"
        elif ritual.settings.get("sheets") == "per-client":
            done, reason = _sheets_reason(ws, ritual, held, today)
        season = _season(ritual, today.year)
        if season and not done and not season[0] <= today <= season[1]:
            done = True  # out of season: not due
            reason = (f"in season from {season[0]}" if today < season[0] else f"season ended {season[1]}, not done")
    if not covered and (ritual.metrics or ritual.answers):
        done, reason = True, "covers no client yet"
    if not ritual.enabled:
        done, reason = True, "disabled"
    return status(period=current.label, last_done=last.date if last else None,
                        last_period=last.period if last else None, due=not done, reason=reason)


def day_state(day: date, answered: date | None, today: date) -> str:
    """A per-client sheet's dated answer (a letter posted) against the sheet's own day:
    before its day, on its day, after its day; or, unanswered: to come, due today, past its day."""
    if answered is not None:
        return "before its day" if answered < day else "on its day" if answered == day else "after its day"
    return "to come" if day > today else "due today" if day == today else "past its day"


def _sheets_reason(ws: Book, ritual: Ritual, held: list[RitualRecord], today: date) -> tuple[bool, str]:
    """A ritual of per-client sheets is due on the day of a sheet; the reason counts dated answers left."""
    from rippledoc.parse.fields import parse_date
    todays = [r for r in held if r.date == today]
    reason = f"{len(held)} sheet{'s' * (len(held) != 1)} for {held[0].period}"
    for a in (a for a in ritual.answers if a.type == "date"):
        states = [day_state(r.date, parse_date(e.answers.get(a.key) or ""), today) for r in held for e in r.entries]
        done = sum(s in ("before its day", "on its day", "after its day") for s in states)
        reason += f"; {a.key}: {done} of {len(held)}"
        missing, early = states.count("past its day"), states.count("before its day")
        if missing:
            reason += f", {missing} past {'its day' if missing == 1 else 'their day'} without it"
        if early:
            reason += f", {early} before {'its day' if early == 1 else 'their day'}"
    if todays:
        who = ", ".join(ws.client(e.client).name if ws.client(e.client) else e.client  # type: ignore[union-attr]
                        for r in todays for e in r.entries)
        return False, f"today: {who} ({todays[0].source.path}); " + reason
    return True, reason


def ritual_status(ws: Book, today: date) -> list[RitualStatus]:
    """Every ritual of the workspace: cadence, when last done, whether it is due today and why."""
    return [status_of(ws, ws.rituals[k], today) for k in sorted(ws.rituals)]


# ---------------------------------------------------------------- starting a record

def _comment(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def last_entries(ws: Book, key: str, before: date) -> dict[str, tuple[RitualRecord, RitualEntry]]:
    """Each client's latest entry in the ritual's records dated before ``before``."""
    found: dict[str, tuple[RitualRecord, RitualEntry]] = {}
    for r in records_of(ws, key):
        if r.date >= before:
            break
        for e in r.entries:
            found[e.client] = (r, e)
    return found


def entry_lines(ws: Book, ritual: Ritual, c: Client, before: date, indent: str = "    ",
                last: dict[str, tuple[RitualRecord, RitualEntry]] | None = None) -> list[str]:
    """A client's keys in a new record, each with last time's value as a comment."""
    prev = (last if last is not None else last_entries(ws, ritual.key, before)).get(c.slug)
    last_e = prev[1] if prev else None
    when = f" ({prev[0].period})" if prev else ""
    keys = [m.key for m in ritual.metrics] + [a.key for a in ritual.answers] + ["why"]
    width = max(len(k) for k in keys) + 2
    lines = []
    for m in ritual.metrics:
        score = last_e.scores.get(m.key) if last_e else None
        note = f"last {score}{when}" if score is not None else f"{m.low}-{m.high}"
        lines.append(f"{indent}{m.key + ':':<{width}}# {note}")
    for a in ritual.answers:
        value = str(getattr(c, a.key) or "") if a.key in PROFILE_FIELDS else ""
        last_a = last_e.answers.get(a.key) if last_e else None
        hints = [" | ".join(a.choices)] if a.choices else []
        if a.type == "date":
            hints.append("YYYY-MM-DD")
        if last_a:
            hints.append(f"last: {_comment(last_a, 40)}{when}")
        lines.append(f"{indent}{a.key + ':':<{width}}{value + ' ' if value else ''}# {' · '.join(hints) or a.label}")
    last_why = last_e.answers.get("why") if last_e else None
    lines.append(f"{indent}{'why:':<{width}}# " + (f"last: {_comment(last_why)}" if last_why else "a line of why"))
    return lines


def _profile(c: Client) -> str:
    bits = [c.name, c.level] + ([c.grade] if c.grade else []) + ([f"owner {c.owner}"] if c.owner else [])
    return " · ".join(bits)


def prompt_sections(ws: Book, ritual: Ritual, before: date) -> list[str]:
    """The body: one ``## prompt`` section per prompt, last time's answer as an HTML comment."""
    earlier = [r for r in records_of(ws, ritual.key) if r.date < before]
    last = sections(earlier[-1].body) if earlier else {}
    out = []
    for p in ritual.prompts:
        out += ["", f"## {p}", ""]
        if last.get(p):
            said = last[p].replace("-->", "-- >")
            out += [f"<!-- last time ({earlier[-1].period}): {said} -->", ""]
    return out


def tell_early_days(ritual: Ritual) -> int | None:
    """The ritual's ``tell_early`` (``7d``, ``2w``) in days; None when it has none."""
    from rippledoc.parse.fields import parse_cadence
    text = ritual.settings.get("tell_early")
    return parse_cadence(str(text)) if text else None


def tell_early_items(ws: Book, ritual: Ritual, on: date) -> list[tuple[Client, Commitment]]:
    """The "tell them early" commitments of the clients the ritual covers (``views/terms.py``), due within its
    ``tell_early`` days of ``on``; none when the ritual has no ``tell_early``."""
    from rippledoc.views.terms import tell_them_early
    days = tell_early_days(ritual)
    return [] if days is None else tell_them_early(covered_clients(ws, ritual), on, days)


def tell_early_lines(ws: Book, ritual: Ritual, on: date) -> list[str]:
    """The record's "Tell them early" section (empty when nothing is to tell)."""
    from rippledoc.views.terms import last_word
    items = tell_early_items(ws, ritual, on)
    if not items:
        return []
    out = ["", "## Tell them early", "",
           f"<!-- Open commitments due within {tell_early_days(ritual)} days of {on} with nothing logged with the "
           "client since they were promised: keep them, or tell the client now, with a plan "
           "(rippledoc promise move CLIENT WHAT --to DAY --told today). -->", ""]
    for c, k in items:
        since = last_word(k)
        out.append(f"- {c.name}: {k.what}, due {k.due:%a %d %b %Y}" + (f" (said {since})" if since else ""))
    return out


def record_text(ws: Book, ritual: Ritual, period: Period, held: date) -> str:
    clients = covered_clients(ws, ritual)
    lines = ["---", f"date: {held.isoformat()}", "clients:" if clients else "clients: {}"]
    last = last_entries(ws, ritual.key, period.start)
    for c in clients:
        lines.append(f"  {scalar(c.slug)}:  # {_profile(c)}")  # a file name may need quotes as a key
        lines += entry_lines(ws, ritual, c, period.start, last=last)
    lines += ["---", f"# {ritual.name}, {period.label}", ""]
    if ritual.metrics:
        m0 = ritual.metrics[0]
        lines.append(f"<!-- Score each client {m0.low} (not at all) to {m0.high} (fully); leave a score empty "
                     "if you cannot tell.")
        lines += [f"  {m.key}: {m.label}" for m in ritual.metrics]
        lines.append("Add a line of why when a score moves. -->")
    for a in ritual.answers:
        if a.label != a.key:
            lines.append(f"<!-- {a.key}: {a.label} -->")
    lines += prompt_sections(ws, ritual, period.start)
    lines += tell_early_lines(ws, ritual, held)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- applying a record to the client files

class CannotApply(Exception):
    """The record cannot be applied (a usage problem, with a message for the person)."""


@dataclass(frozen=True, slots=True)
class Write:
    """One client field ``ritual apply`` changes: one line of the client's file."""
    client: str
    name: str
    path: str  # the client's file
    field: str
    old: str | None
    new: str
    record: str  # the record that decided it

    def to_json(self) -> dict[str, Any]:
        return {"client": self.client, "name": self.name, "path": self.path, "field": self.field,
                "from": self.old, "to": self.new, "record": self.record}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A decision left alone: its client has no file, or a later record decided the field since."""
    client: str
    field: str
    value: str
    later: str | None  # the later record's file; None: no such client

    @property
    def reason(self) -> str:
        return f"decided again since in {self.later}" if self.later else "no such client"

    def to_json(self) -> dict[str, Any]:
        return {"client": self.client, "field": self.field, "value": self.value, "later": self.later,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ApplyPlan:
    ritual: str
    name: str
    period: str
    records: tuple[str, ...]  # the record files, marked ``applied:`` once the writes are made
    fields: tuple[tuple[str, str], ...]  # (answer, client field) the definition applies
    writes: tuple[Write, ...]
    agreed: int  # decisions the files already hold
    skipped: tuple[Skipped, ...]


def apply_plan(ws: Book, key: str, period: str) -> ApplyPlan:
    """What applying ritual ``key``'s record of ``period`` writes: for each covered client and each answer the
    definition applies (``applies_to``), the field of the client's file, when it says otherwise. A decision a
    later record overrides is skipped: the latest review is the one the files follow."""
    from rippledoc.book.decisions import agrees, decisions, file_value
    ritual = ws.rituals.get(key)
    if ritual is None:
        raise CannotApply(f"no ritual '{key}' (known: {', '.join(sorted(ws.rituals))})")
    fields = tuple((a.key, a.applies_to) for a in ritual.answers if a.applies_to)
    if not fields:
        raise CannotApply(f"{ritual.name} applies none of its answers to the client files: give an answer "
                          f"'applies_to: FIELD' in {ritual.source.path} (docs/rituals.md)")
    records = records_of(ws, key)
    held = [r for r in records if r.period == period]
    if not held:
        known = ", ".join(dict.fromkeys(r.period for r in records)) or "none yet"
        raise CannotApply(f"{ritual.name} has no record for '{period}' (records: {known})")
    writes, skipped, agreed = [], [], 0
    for answer, field in fields:
        index = decisions(ws, field)
        for r in held:
            for e in r.entries:
                value = e.answers.get(answer)
                if not value:
                    continue
                c = ws.client(e.client)
                if c is None:
                    skipped.append(Skipped(e.client, field, value, None))
                    continue
                last = index[c.slug][-1]
                if (last.path, last.line) != (r.source.path, e.source.line):
                    skipped.append(Skipped(c.slug, field, value, last.path))
                elif agrees(c, field, value):
                    agreed += 1
                else:
                    writes.append(Write(c.slug, c.name, c.path, field, file_value(c, field), value, r.source.path))
    return ApplyPlan(key, ritual.name, period, tuple(r.source.path for r in held), fields, tuple(writes), agreed,
                     tuple(skipped))
