"""Metric summaries: are the relationships getting better?

Every figure is a pure function of the loaded files, the reporting period
(a ``Span``, both days included) and ``today``; docs/metrics.md defines each
one with its formula. ``compute_metrics`` returns one frozen ``Metrics``
view: ``rippledoc metrics`` prints it, ``--json`` prints ``to_json(view)``,
the site's metrics page renders it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Mapping

from rippledoc.model import GRADES, KINDS, LEVELS, Client, Ritual
from rippledoc.book.book import Book
from rippledoc.book.decisions import answer_for, decisions, deciding, disagreements
from rippledoc.views.followups import FollowupFigures, followup_figures
from rippledoc.views.jsonable import View
from rippledoc.parse.periods import Span
from rippledoc.views.terms import (TELL_EARLY_DAYS, is_active, is_call, last_reached, last_word, on_book,
                                   on_book_during, tell_them_early, working_days)

TREND_WINDOW = 8  # reviews in a score trend
FALLING_SLOPE = -0.1  # points per review, unless the ritual's falling_slope says otherwise
LET_GO_AFTER = 2  # sessions graded three in a row
WINDOWS = (90, 180, 365)
MAIN_SCORES = "weekly-connection-review"  # the per-client 'score' column, when the client has such reviews
CALL_OUTCOMES = ("reached", "voicemail", "no-answer")
STATES = ("kept", "renegotiated", "late", "open", "overdue")  # Commitment.state


def _r(x: float | None, n: int = 2) -> float | None:
    return None if x is None else round(x, n)


def _ratio(a: float, b: float, n: int = 3) -> float | None:
    return round(a / b, n) if b else None


def slope(values: list[float]) -> float | None:
    """Least-squares slope of ``values`` against their index 0, 1, 2, ...: points per review."""
    n = len(values)
    if n < 2:
        return None
    mx, my = (n - 1) / 2, mean(values)
    return sum((i - mx) * (v - my) for i, v in enumerate(values)) / sum((i - mx) ** 2 for i in range(n))


# ---------------------------------------------------------------- connection scores

Review = tuple[str, date, dict[str, int]]  # (period, date, scores)
Point = tuple[str, date, float | None]  # (period label, date, value)


def review_index(ws: Book, ritual: Ritual, end: date) -> dict[str, list[Review]]:
    """Every client's scored entries in a ritual's records dated up to ``end``, oldest first."""
    out: dict[str, list[Review]] = {}
    for r in ws.records:
        if r.ritual != ritual.key or r.date > end:
            continue
        for e in r.entries:
            if e.scores:
                out.setdefault(e.client, []).append((r.period, r.date, dict(e.scores)))
    for rows in out.values():
        rows.sort(key=lambda x: (x[1], x[0]))
    return out


def reviews(ws: Book, ritual: Ritual, slug: str, end: date) -> list[Review]:
    """One client's scored entries in a ritual's records dated up to ``end``, oldest first."""
    return review_index(ws, ritual, end).get(slug, [])


@dataclass(frozen=True, slots=True)
class ScoreFigure(View):
    latest: float | None  # the last score of the reviews dated in the period
    average: float | None
    trend: float | None  # points per review over the last TREND_WINDOW reviews up to the end
    reviews: int  # reviews dated in the period
    series: tuple[Point, ...]  # every score up to the end, for charts


def _figure(points: list[tuple[str, date, float]], span: Span) -> ScoreFigure:
    inside = [v for _, d, v in points if span.contains(d)]
    window = [v for _, _, v in points[-TREND_WINDOW:]]
    return ScoreFigure(_r(inside[-1]) if inside else None, _r(mean(inside)) if inside else None,
                       _r(slope(window), 3), len(inside), tuple((p, d, _r(v)) for p, d, v in points))


@dataclass(frozen=True, slots=True)
class ClientScores(View):
    overall: ScoreFigure
    metrics: Mapping[str, ScoreFigure]  # metric key -> its figure

    def json(self) -> dict[str, ScoreFigure]:
        return {"overall": self.overall, **self.metrics}


@dataclass(frozen=True, slots=True)
class Falling(View):
    client: str
    name: str
    trend: float
    metrics: tuple[str, ...]  # the metrics whose trend is below the threshold too


@dataclass(frozen=True, slots=True)
class MetricAverage(View):
    label: str
    average: float | None
    series: tuple[Point, ...]  # the book's mean of this metric per review period in the span


@dataclass(frozen=True, slots=True)
class RitualScores(View):
    key: str = field(metadata={"skip": True})
    name: str
    scale: tuple[int, int]
    metrics: Mapping[str, MetricAverage]
    falling_slope: float
    book: tuple[Point, ...]  # per review period in the span: the mean of the clients' overall scores
    clients: Mapping[str, ClientScores]
    falling: tuple[Falling, ...]

    def chart_series(self) -> dict[str, list[tuple[date, float | None]]]:
        """metric label -> [(date, the book's mean)], for the trend chart."""
        return {m.label: [(d, v) for _, d, v in m.series] for m in self.metrics.values() if m.series}


def connection_scores(ws: Book, clients: list[Client], span: Span) -> dict[str, RitualScores]:
    out: dict[str, RitualScores] = {}
    for ritual in sorted(ws.rituals.values(), key=lambda r: r.key):
        if not ritual.metrics:
            continue
        threshold = float(str(ritual.settings.get("falling_slope", FALLING_SLOPE)))
        per_client: dict[str, ClientScores] = {}
        falling = []
        by_period: dict[tuple[date, str], list[float]] = {}
        index = review_index(ws, ritual, span.last)
        for c in clients:
            rows = index.get(c.slug, [])
            if not rows:
                continue
            overall = _figure([(p, d, mean(s.values())) for p, d, s in rows], span)
            per = {m.key: _figure([(p, d, float(s[m.key])) for p, d, s in rows if m.key in s], span)
                   for m in ritual.metrics}
            per_client[c.slug] = ClientScores(overall, per)
            if overall.trend is not None and len(rows[-TREND_WINDOW:]) >= 3 and overall.trend < threshold:
                falling.append(Falling(c.slug, c.name, overall.trend,
                                       tuple(m.key for m in ritual.metrics if (per[m.key].trend or 0) < threshold)))
            for p, d, s in rows:
                if span.contains(d):
                    by_period.setdefault((d, p), []).append(mean(s.values()))
        averages = {}
        for m in ritual.metrics:
            vals: dict[tuple[date, str], list[float]] = {}
            for c in clients:
                for p, d, s in index.get(c.slug, []):
                    if m.key in s and span.contains(d):
                        vals.setdefault((d, p), []).append(float(s[m.key]))
            every = [v for group in vals.values() for v in group]
            averages[m.key] = MetricAverage(m.label, _r(mean(every)) if every else None,
                                            tuple((p, d, _r(mean(v))) for (d, p), v in sorted(vals.items())))
        out[ritual.key] = RitualScores(
            ritual.key, ritual.name, (ritual.metrics[0].low, ritual.metrics[0].high), averages, threshold,
            tuple((p, d, _r(mean(v))) for (d, p), v in sorted(by_period.items())), per_client,
            tuple(sorted(falling, key=lambda f: f.trend)))
    return out


# ---------------------------------------------------------------- triangle and grades

@dataclass(frozen=True, slots=True)
class Move(View):
    client: str
    date: date
    period: str
    before: str = field(metadata={"json": "from"})
    after: str = field(metadata={"json": "to"})
    direction: str  # up or down
    steps: int
    source: str


@dataclass(frozen=True, slots=True)
class Unrecorded(View):
    """A client whose file says another value than its latest review (``book/decisions.py``): a review not
    applied yet (``applied`` false), or a change made in the file since it was applied."""
    client: str
    recorded: str
    file: str | None
    since: date
    ritual: str
    period: str
    applied: bool  # the latest review was applied to the files ('ritual apply')


def _moves(ws: Book, clients: list[Client], key: str, order: tuple[str, ...],
           span: Span) -> tuple[tuple[Move, ...], tuple[Unrecorded, ...]]:
    """Changes between consecutive recorded values; ``order`` runs from worst to best."""
    moves = []
    index = decisions(ws, key, span.last)
    for c in clients:
        hist = index.get(c.slug, [])
        for d0, d1 in zip(hist, hist[1:]):
            if d0.value != d1.value and span.contains(d1.date) and d0.value in order and d1.value in order:
                steps = order.index(d1.value) - order.index(d0.value)
                moves.append(Move(c.slug, d1.date, d1.period, d0.value, d1.value, "up" if steps > 0 else "down",
                                  abs(steps), d1.path))
    unrecorded = tuple(Unrecorded(d.client, d.latest.value, d.file, d.latest.date, d.latest.ritual, d.latest.period,
                                  d.latest.applied is not None) for d in disagreements(ws, clients, key, span.last))
    return tuple(sorted(moves, key=lambda m: (m.date, m.client))), unrecorded


@dataclass(frozen=True, slots=True)
class Triangle(View):
    """Where the clients on the book now (active and paused) sit, and the moves of the period."""
    counts: Mapping[str, int]  # level -> clients
    members: Mapping[str, tuple[str, ...]]
    moves: tuple[Move, ...]
    up: int
    down: int
    unrecorded: tuple[Unrecorded, ...]

    @property
    def per_level(self) -> dict[str, tuple[int, int]]:
        """level -> how many moves of the period came up, and down, into it (for the triangle chart)."""
        return {lv: (sum(m.after == lv and m.direction == "up" for m in self.moves),
                     sum(m.after == lv and m.direction == "down" for m in self.moves)) for lv in LEVELS}


def current(clients: list[Client], today: date) -> list[Client]:
    """The clients the triangle and the grades count: on the book today (active and paused)."""
    return [c for c in clients if c.status != "former" and on_book(c, today)]


def triangle(ws: Book, clients: list[Client], span: Span, today: date) -> Triangle:
    now = current(clients, today)
    moves, unrecorded = _moves(ws, clients, "level", LEVELS, span)
    return Triangle({lv: sum(c.level == lv for c in now) for lv in LEVELS},
                    {lv: tuple(c.slug for c in now if c.level == lv) for lv in LEVELS},
                    moves, sum(m.direction == "up" for m in moves), sum(m.direction == "down" for m in moves),
                    unrecorded)


@dataclass(frozen=True, slots=True)
class LetGo(View):
    client: str
    name: str
    sessions: int  # graded three in this many sessions in a row
    since: str  # the period of the first of them


@dataclass(frozen=True, slots=True)
class GradeSession(View):
    period: str
    date: date
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Grades(View):
    """The grades of the clients on the book now (active and paused), and their changes in the period."""
    distribution: Mapping[str, int]  # top, two, three, ungraded
    changes: tuple[Move, ...]
    up: int
    down: int
    let_go_after: int
    let_go: tuple[LetGo, ...]
    sessions: tuple[GradeSession, ...]
    unrecorded: tuple[Unrecorded, ...]


def grades(ws: Book, clients: list[Client], span: Span, today: date) -> Grades:
    now = current(clients, today)
    changes, unrecorded = _moves(ws, clients, "grade", tuple(reversed(GRADES)), span)
    after = max((int(str(r.settings.get("let_go_after", LET_GO_AFTER))) for r in deciding(ws, "grade")),
                default=LET_GO_AFTER)
    let_go = []
    index = decisions(ws, "grade", span.last)
    for c in now:
        hist = index.get(c.slug, [])
        run = 0
        for d in reversed(hist):
            if d.value != "three":
                break
            run += 1
        if run >= after:
            let_go.append(LetGo(c.slug, c.name, run, hist[-run].period))
    keys = {r.key: answer_for(r, "grade") for r in deciding(ws, "grade")}
    slugs = {c.slug for c in clients}
    sessions = []
    for r in sorted((r for r in ws.records if r.ritual in keys and r.date <= span.last), key=lambda r: r.date):
        graded = [e.answers.get(keys[r.ritual] or "") for e in r.entries if e.client in slugs]
        sessions.append(GradeSession(r.period, r.date, {g: graded.count(g) for g in GRADES}))
    dist = {g: sum(c.grade == g for c in now) for g in GRADES}
    dist["ungraded"] = sum(c.grade is None for c in now)
    return Grades(dist, changes, sum(m.direction == "up" for m in changes),
                  sum(m.direction == "down" for m in changes), after, tuple(let_go), tuple(sessions), unrecorded)


# ---------------------------------------------------------------- business

@dataclass(frozen=True, slots=True)
class Previous(View):
    """The business figures of the span of the same length just before."""
    retention: float | None
    average_sale: float | None
    sales_per_client_per_year: float | None
    revenue: float | None
    first: date = field(metadata={"json": "from"})


@dataclass(frozen=True, slots=True)
class Business(View):
    clients_at_start: int
    retained: int
    retention: float | None
    lost: tuple[str, ...]
    new: tuple[str, ...]
    clients_on_book: int
    sales: int
    revenue: float | None
    average_sale: float | None
    sales_per_client: float | None
    sales_per_client_per_year: float | None
    revenue_by_level: Mapping[str, float | None]
    revenue_by_grade: Mapping[str, float | None]
    previous: Previous | None  # None only for the previous span's own figures

    def trend(self, key: str) -> str:
        """``up``, ``down`` or ``""``: a figure against the previous span's."""
        now, before = getattr(self, key), getattr(self.previous, key, None)
        if now is None or before is None:
            return ""
        return "up" if now > before else "down" if now < before else ""


def business(clients: list[Client], span: Span, today: date, previous: bool = True) -> Business:
    asof = min(span.last, today)
    at_start = [c for c in clients if on_book(c, span.first)]
    retained = [c for c in at_start if on_book(c, asof)]
    book = [c for c in clients if on_book_during(c, span.first, asof)]
    sales = [(c, s) for c in clients for s in c.sales if span.contains(s.date)]
    total = sum(s.amount for _, s in sales)
    per_client = len(sales) / len(book) if book else None
    before = None
    if previous:
        b = business(clients, span.previous(), today, False)
        before = Previous(b.retention, b.average_sale, b.sales_per_client_per_year, b.revenue, span.previous().first)
    return Business(
        len(at_start), len(retained), _ratio(len(retained), len(at_start)),
        tuple(c.slug for c in at_start if not on_book(c, asof)),
        tuple(c.slug for c in clients if c.since and span.contains(c.since)),
        len(book), len(sales), _r(total), _r(total / len(sales)) if sales else None, _r(per_client, 3),
        _r(per_client * 365 / span.days, 3) if per_client is not None else None,
        {lv: _r(sum(s.amount for c, s in sales if c.level == lv)) for lv in LEVELS},
        {g: _r(sum(s.amount for c, s in sales if c.grade == g)) for g in GRADES}
        | {"ungraded": _r(sum(s.amount for c, s in sales if c.grade is None))},
        before)


# ---------------------------------------------------------------- contact coverage

@dataclass(frozen=True, slots=True)
class Reach(View):
    clients: int
    share: float | None


@dataclass(frozen=True, slots=True)
class PersonTouches(View):
    touches: int
    calls: int
    reached: int


@dataclass(frozen=True, slots=True)
class Coverage(View):
    active_clients: int  # active as of the end of the span (or today, when earlier)
    reached_within: Mapping[str, Reach]  # days -> active clients last reached within them
    not_reached_in_365: tuple[str, ...]
    touches: int
    by_kind: Mapping[str, int]
    by_outcome: Mapping[str, int]
    touches_per_client_per_year: float | None
    calls: int  # touches that are calls (call, meeting, visit)
    call_outcomes: Mapping[str, int]
    reach_rate: float | None
    reached_per_voicemail: float | None
    working_days: int
    calls_per_working_day: float | None
    planned_calls_per_day: float
    against_plan: float | None
    by_person: Mapping[str, PersonTouches]
    per_day: Mapping[date, int]  # touches per day of the span, days without any left out

    def person_bars(self) -> list[tuple[str, int]]:
        """(team member, touches), most first, for the chart."""
        return sorted(((k, v.touches) for k, v in self.by_person.items()), key=lambda kv: -kv[1])


def coverage(ws: Book, clients: list[Client], span: Span, today: date) -> Coverage:
    asof = min(span.last, today)
    active = [c for c in clients if is_active(c, asof)]
    last = [r.date if (r := last_reached(c, asof)) else None for c in active]
    reached_within = {}
    for days in WINDOWS:
        n = sum(d is not None and (asof - d).days < days for d in last)
        reached_within[str(days)] = Reach(n, _ratio(n, len(active)))
    not_reached = tuple(c.slug for c, d in zip(active, last) if d is None or (asof - d).days >= 365)
    touches = [t for c in clients for t in c.log if span.first <= t.date <= asof]
    calls = [t for t in touches if is_call(t)]
    days = (asof - span.first).days + 1
    wd = working_days(span.first, asof, ws.settings.working_days) if asof >= span.first else 0
    plan_ritual = ws.rituals.get("one-a-day")
    plan = float(str(plan_ritual.settings.get("calls_per_day", 1))) if plan_ritual else 1.0
    people: dict[str, list[int]] = {}
    for t in touches:
        row = people.setdefault(t.by or ws.settings.me or "me", [0, 0, 0])
        row[0] += 1
        row[1] += is_call(t)
        row[2] += is_call(t) and t.reached
    outcomes = {o: sum(t.outcome == o for t in calls) for o in CALL_OUTCOMES}
    return Coverage(
        len(active), reached_within, not_reached, len(touches), {k: sum(t.kind == k for t in touches) for k in KINDS},
        {o: n for o in sorted({t.outcome for t in touches}) if (n := sum(t.outcome == o for t in touches))},
        _r(len(touches) / len(active) * 365 / days) if active and days > 0 else None,
        len(calls), outcomes, _ratio(outcomes["reached"], len(calls)),
        _ratio(outcomes["reached"], outcomes["voicemail"], 2), wd, _ratio(len(calls), wd, 2), plan,
        _ratio(len(calls), wd * plan, 2), {k: PersonTouches(*v) for k, v in sorted(people.items())},
        dict(sorted(Counter(t.date for t in touches).items())))


# ---------------------------------------------------------------- reliability, stories

@dataclass(frozen=True, slots=True)
class Overdue(View):
    client: str
    what: str
    due: date
    days: int
    source: str


@dataclass(frozen=True, slots=True)
class TellEarly(View):
    """An open commitment due soon with no progress noted since it was promised (or last moved)."""
    client: str
    what: str
    due: date
    days: int  # until it is due; 0: today
    since: date | None  # the day the client last heard of it (made, or the last move told)
    source: str


@dataclass(frozen=True, slots=True)
class Reliability(View):
    """The commitments due in the period, each judged as of today; every one overdue now; and the ones to
    tell the client about early."""
    due_in_period: int
    kept: int  # done by the day first promised
    renegotiated: int  # moved with the client told before the day, then done by the new day
    late: int  # done after its day, or after a day that passed without a word
    missed: int  # not done and its day passed, or a day passed before the client was told of a move
    open: int  # not judged yet
    overdue: int  # of the missed, those not done and past their day now
    on_time_rate: float | None  # kept / judged
    word_kept_rate: float | None  # (kept + renegotiated) / judged
    overdue_now: tuple[Overdue, ...]
    tell_early_days: int
    tell_them_early: tuple[TellEarly, ...]


def reliability(clients: list[Client], span: Span, today: date) -> Reliability:
    due = [k for c in clients for k in c.commitments if span.contains(k.first_due)]
    verdicts = [k.verdict(today) for k in due]
    kept, reneg, late, missed = (verdicts.count(v) for v in ("kept", "renegotiated", "late", "missed"))
    judged = kept + reneg + late + missed
    overdue = [Overdue(c.slug, k.what, k.due, (today - k.due).days, f"{k.source.path}:{k.source.line}")
               for c in clients for k in c.commitments if k.state(today) == "overdue"]
    early = [TellEarly(c.slug, k.what, k.due, (k.due - today).days, last_word(k), f"{k.source.path}:{k.source.line}")
             for c, k in tell_them_early(clients, today)]
    return Reliability(len(due), kept, reneg, late, missed, verdicts.count(None),
                       sum(k.state(today) == "overdue" for k in due), _ratio(kept, judged), _ratio(kept + reneg, judged),
                       tuple(sorted(overdue, key=lambda o: o.due)), TELL_EARLY_DAYS, tuple(early))


@dataclass(frozen=True, slots=True)
class TaggedNote(View):
    date: date
    client: str
    name: str
    by: str | None
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class Stories(View):
    success: int
    intel: int
    success_stories: tuple[TaggedNote, ...]
    intelligence: tuple[TaggedNote, ...]


def tagged(clients: list[Client], tag: str, span: Span) -> tuple[TaggedNote, ...]:
    rows = [TaggedNote(t.date, c.slug, c.name, t.by, t.note, f"{t.source.path}:{t.source.line}")
            for c in clients for t in c.log if tag in t.tags and span.contains(t.date)]
    return tuple(sorted(rows, key=lambda r: (r.date, r.client)))


# ---------------------------------------------------------------- per client and the whole

@dataclass(frozen=True, slots=True)
class LatestScore(View):
    latest: float | None
    trend: float | None


@dataclass(frozen=True, slots=True)
class ClientRow(View):
    client: str
    name: str
    owner: str | None
    level: str
    grade: str | None
    status: str
    touches: int
    reached: int
    last_reached: date | None  # as of the end of the span (or today, when earlier)
    revenue: float | None
    commitments: Mapping[str, int]
    score: float | None
    score_trend: float | None
    scores: Mapping[str, LatestScore]


def client_row(c: Client, span: Span, today: date, scores: Mapping[str, RitualScores]) -> ClientRow:
    touches = [t for t in c.log if span.contains(t.date)]
    last = last_reached(c, min(span.last, today))
    mine = {key: v.clients[c.slug].overall for key, v in scores.items() if c.slug in v.clients}
    overall = mine.get(MAIN_SCORES) or next(iter(mine.values()), None)
    return ClientRow(c.slug, c.name, c.owner, c.level, c.grade, c.status, len(touches),
                     sum(t.reached for t in touches), last.date if last else None,
                     _r(sum(s.amount for s in c.sales if span.contains(s.date))),
                     {s: sum(k.state(today) == s for k in c.commitments if span.contains(k.first_due)) for s in STATES},
                     overall.latest if overall else None, overall.trend if overall else None,
                     {key: LatestScore(o.latest, o.trend) for key, o in mine.items()})


@dataclass(frozen=True, slots=True)
class Metrics(View):
    first: date = field(metadata={"json": "from"})
    last: date = field(metadata={"json": "to"})
    today: date
    owner: str | None
    clients_counted: int
    scores: Mapping[str, RitualScores]
    triangle: Triangle
    grades: Grades
    business: Business
    coverage: Coverage
    reliability: Reliability
    stories: Stories
    outcomes: FollowupFigures
    clients: tuple[ClientRow, ...]
    names: Mapping[str, str] = field(default_factory=dict, metadata={"skip": True})  # slug -> name, to render

    @property
    def span(self) -> Span:
        return Span(self.first, self.last)

    def name(self, slug: str) -> str:
        return self.names.get(slug, slug)


def compute_metrics(ws: Book, span: Span, today: date, owner: str | None = None) -> Metrics:
    """Every summary of docs/metrics.md over ``span``."""
    clients = [c for c in ws.clients if owner is None or c.owner == owner]
    scores = connection_scores(ws, clients, span)
    successes = tagged(clients, "success", span)
    intel = tagged(clients, "intel", span)
    return Metrics(
        span.first, span.last, today, owner, len(clients), scores,
        triangle(ws, clients, span, today), grades(ws, clients, span, today), business(clients, span, today),
        coverage(ws, clients, span, today), reliability(clients, span, today),
        Stories(len(successes), len(intel), successes, intel),
        followup_figures(ws, clients, span, today),
        tuple(client_row(c, span, today, scores) for c in sorted(clients, key=lambda c: c.name.lower())),
        {c.slug: c.name for c in ws.clients})


__all__ = ["Metrics", "compute_metrics"]
