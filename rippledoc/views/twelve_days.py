"""Twelve days of Christmas, twelve clients: the pick, the days, one reflection sheet each.

Works for any ritual with ``sheets: per-client``: ``pick`` ranks the covered
clients, ``count`` keeps the first N, ``first_day`` (MM-DD) gives the first
one that day and each next one the day after. Each sheet starts with the
facts of the year from the client's file, then the ritual's prompts.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rippledoc.views.metrics import reviews, slope
from rippledoc.model import GRADES, LEVELS, Client, Ritual
from rippledoc.book.book import Book
from rippledoc.parse.periods import Period
from rippledoc.views.rituals import Draft, covered_clients, day_state, records_of
from rippledoc.parse.ritual import sections


def revenue(c: Client, start: date, end: date) -> float:
    return sum(s.amount for s in c.sales if start <= s.date <= end)


def rank_key(rules: tuple[str, ...], c: Client, year: int) -> tuple:
    """Smaller is better: top grade, then for-life, then more revenue this year, then longer tenure."""
    key: list[Any] = []
    for rule in rules:
        if rule == "grade":
            key.append(GRADES.index(c.grade) if c.grade in GRADES else len(GRADES))
        elif rule == "level":
            key.append(-LEVELS.index(c.level) if c.level in LEVELS else 1)
        elif rule == "revenue":
            key.append(-revenue(c, date(year, 1, 1), date(year, 12, 31)))
        elif rule == "tenure":
            key.append(c.since.toordinal() if c.since else date.max.toordinal())
    return (*key, c.name.lower())


PICK_GRADES = ("top", "two")  # the grades picked unless the ritual's ``grades:`` says otherwise


def picked_grades(ritual: Ritual) -> tuple[str, ...] | None:
    """The grades the pick takes (``ungraded`` for clients without one): the ritual's ``grades:``, else top
    and two; None for ``grades: any`` (every covered client)."""
    written = ritual.settings.get("grades")
    if written is None:
        return PICK_GRADES
    items = tuple(str(x) for x in (written if isinstance(written, list) else [written]))
    return None if "any" in items else items


def pick_rules(ritual: Ritual) -> tuple[str, ...]:
    """The ritual's ``pick`` rules in order (a rule written alone, ``pick: age``, is one rule); () for none."""
    written = ritual.settings.get("pick")
    if written is None:
        return ()
    return tuple(str(x) for x in (written if isinstance(written, list) else [written]))


def candidates(ws: Book, ritual: Ritual) -> list[Client]:
    """The covered clients of a grade the pick takes."""
    grades = picked_grades(ritual)
    return [c for c in covered_clients(ws, ritual) if grades is None or (c.grade or "ungraded") in grades]


def pick(ws: Book, ritual: Ritual, year: int) -> list[Client]:
    """The candidates in the order of the ritual's ``pick`` rule, the first ``count`` of them."""
    rules = pick_rules(ritual)
    ranked = sorted(candidates(ws, ritual), key=lambda c: rank_key(rules, c, year)) if rules \
        else candidates(ws, ritual)
    count = ritual.settings.get("count")
    return ranked[: int(float(str(count)))] if count else ranked


def pick_note(ws: Book, ritual: Ritual, year: int) -> str | None:
    """What to say when the pick holds fewer clients than ``count``: how many, and why."""
    count = ritual.settings.get("count")
    if not count:
        return None
    want, got = int(float(str(count))), len(pick(ws, ritual, year))
    if got >= want:
        return None
    grades = picked_grades(ritual)
    among = "" if grades is None else f" graded {' or '.join(grades)}"
    return (f"Picked {got} of {want}: only {_count(got, 'client')}{among} {'is' if got == 1 else 'are'} covered. "
            f"Fewer is fine: a day for each client who has earned one"
            + ("" if grades is None else f" (grades: in {ritual.source.path} takes others, grades: any takes all)")
            + ".")


def first_day(ritual: Ritual, year: int) -> date | None:
    text = ritual.settings.get("first_day")
    if not isinstance(text, str):
        return None
    try:
        return date(year, int(text[:2]), int(text[3:5]))
    except ValueError:
        return None


def plan_sheets(ws: Book, ritual: Ritual, period: Period, today: date) -> list[Draft]:
    """One sheet per picked client in ``rituals/KEY/PERIOD/``; sheets already there are kept, and
    keep their client and day: new picks fill the days still free."""
    folder = f"rituals/{ritual.key}/{period.label}"
    held = [r for r in records_of(ws, ritual.key) if r.period == period.label]
    taken_clients = {e.client for r in held for e in r.entries}
    taken_days = {r.date for r in held}
    on_disk = sorted(p.name for p in (Path(ws.root) / folder).glob("*.md")) if (Path(ws.root) / folder).is_dir() else []
    drafts = [Draft(r.source.path, "", r.entries[0].client if r.entries else None, True) for r in held]
    kept_paths = {d.path for d in drafts}
    drafts += [Draft(f"{folder}/{n}", "", None, True) for n in on_disk if f"{folder}/{n}" not in kept_paths]
    count = ritual.settings.get("count")
    room = (int(float(str(count))) if count else 10**6) - len(on_disk)
    start = first_day(ritual, period.start.year)
    free_days = [start + timedelta(days=i) for i in range(400) if start + timedelta(days=i) not in taken_days] \
        if start else []
    chosen = [c for c in pick(ws, ritual, period.start.year) if c.slug not in taken_clients][: max(room, 0)]
    for i, c in enumerate(chosen):
        day = free_days[i] if start else (today if period.contains(today) else period.start)
        number = (day - start).days + 1 if start else None
        name = f"{day.isoformat()}-{c.slug}.md" if start else f"{c.slug}.md"
        drafts.append(Draft(f"{folder}/{name}", sheet_text(ws, ritual, c, period, day, number, today), c.slug))
    return sorted(drafts, key=lambda d: d.path)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def salutation(c: Client) -> str:
    """'Denise Harlow' -> 'Denise'; 'Dr. Renata Ibarra' -> 'Dr. Ibarra'."""
    words = (c.contact or "").split()
    if not words:
        return c.name
    if words[0].endswith(".") and len(words) > 1:
        return f"{words[0]} {words[-1]}"
    return words[0]


def year_facts(ws: Book, c: Client, year: int, today: date) -> list[str]:
    """What the files say about this client's year, as markdown lines."""
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    log = [t for t in c.log if start <= t.date <= end]
    calls = [t for t in log if t.kind == "call"]
    out = [f"- Client since {c.since} ({(end - c.since).days // 365} years); {c.level}, grade {c.grade or 'none'}; "
           f"contact {c.contact or 'unknown'}." if c.since else f"- {c.level}, grade {c.grade or 'none'}."]
    kinds = ", ".join(_count(sum(t.kind == k for t in log), k) for k in ("call", "email", "meeting", "visit", "letter")
                      if any(t.kind == k for t in log))
    out.append(f"- Touches {start} to {end}: {len(log)}" + (f" ({kinds})" if kinds else "") + ".")
    if calls:
        out.append(f"- Calls: {sum(t.reached for t in calls)} reached, {sum(t.outcome == 'voicemail' for t in calls)} "
                   f"voicemail, {sum(t.outcome == 'no-answer' for t in calls)} no answer.")
    sales = [s for s in c.sales if start <= s.date <= end]
    if sales:
        out.append(f"- Sales: {len(sales)}, total {sum(s.amount for s in sales):,.0f}: "
                   + "; ".join(f"{s.date} {s.what} ({s.amount:,.0f})" for s in sales) + ".")
    else:
        out.append("- Sales: none this year.")
    for t in log:
        if "success" in t.tags:
            out.append(f"- Success story, {t.date}: {t.note}")
    due = [k for k in c.commitments if start <= k.due <= end or (k.made and start <= k.made <= end)]
    if due:
        states = [k.state(today) for k in due]
        out.append(f"- Commitments: {states.count('kept')} kept on time, "
                   + (f"{states.count('renegotiated')} renegotiated in time and kept, " if 'renegotiated' in states
                      else "")
                   + f"{states.count('late')} late, {states.count('open')} open, {states.count('overdue')} overdue.")
        for k, s in zip(due, states):
            if s in ("late", "overdue"):
                out.append(f"  - {s}: {k.what} (due {k.due}" + (f", done {k.done})" if k.done else ")"))
    for r in ws.rituals.values():
        rows = [(p, d, sum(s.values()) / len(s)) for p, d, s in reviews(ws, r, c.slug, end) if d >= start]
        if len(rows) >= 2:
            trend = slope([v for _, _, v in rows[-8:]])
            out.append(f"- {r.name}: average score {rows[0][2]:.1f} ({rows[0][0]}) to {rows[-1][2]:.1f} "
                       f"({rows[-1][0]}), trend {trend:+.2f} per review.")
    return out


def sheet_text(ws: Book, ritual: Ritual, c: Client, period: Period, day: date, number: int | None,
               today: date) -> str:
    year = period.start.year
    lines = ["---", f"date: {day.isoformat()}", f"client: {c.slug}"]
    if number is not None:
        lines.append(f"day: {number}")
    for m in ritual.metrics:
        lines.append(f"{m.key}:  # {m.low}-{m.high} {m.label}")
    for a in ritual.answers:
        lines.append(f"{a.key}:  # {a.label}" + (" (YYYY-MM-DD)" if a.type == "date" else ""))
    lines.append("---")
    title = f"Day {number}: {c.name}, {day:%A %-d %B %Y}" if number else f"{c.name}, {period.label}"
    lines += [f"# {title}", "", "## The year in the files", ""] + year_facts(ws, c, year, today)
    last = _last_sheet(ws, ritual, c.slug, period)
    me = ws.settings.team.get(ws.settings.me or "")
    letter = [f"Dear {salutation(c)},", "", "", "", "With thanks,", "", me.name if me else ""]  # one line each
    for p in ritual.prompts:
        lines += ["", f"## {p}", ""]
        said = last[1].get(p, "") if last else ""
        is_letter = "letter" in p.lower()
        if said and not (is_letter and " ".join(said.split()) == " ".join(" ".join(letter).split())):
            lines += [f"<!-- last time ({last[0]}): {said.replace('-->', '-- >')} -->", ""]  # type: ignore[index]
        if is_letter:
            lines += letter
    return "\n".join(lines).rstrip("\n") + "\n"


def _last_sheet(ws: Book, ritual: Ritual, slug: str, period: Period) -> tuple[str, dict[str, str]] | None:
    earlier = [r for r in records_of(ws, ritual.key) if r.date < period.start and any(e.client == slug for e in r.entries)]
    return (earlier[-1].period, sections(earlier[-1].body)) if earlier else None


def letters(ws: Book, key: str, label: str, today: date | None = None) -> list[dict[str, Any]]:
    """The sheets of one period: client, day, when the letter was posted (None: not yet) and, with ``today``,
    how that stands against the sheet's day (``day_state``: before its day, on its day, after its day, to come,
    due today, past its day)."""
    from rippledoc.parse.fields import parse_date
    out = []
    for r in records_of(ws, key):
        if r.period != label:
            continue
        for e in r.entries:
            c = ws.client(e.client)
            day = str(r.fields.get("day") or "")
            sent = e.answers.get("letter_sent")
            row = {"client": e.client, "name": c.name if c else e.client, "date": r.date.isoformat(),
                   "day": int(day) if day.isdigit() else None, "letter_sent": sent, "path": r.source.path}
            if today is not None:
                row["state"] = day_state(r.date, parse_date(sent or ""), today)
            out.append(row)
    return out
