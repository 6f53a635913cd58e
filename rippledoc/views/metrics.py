"""Metric summaries: are the relationships getting better?

Every figure is a pure function of the loaded files, the period
``[start, end]`` (both days included) and ``today``; docs/metrics.md defines
each one with its formula. ``compute_metrics`` returns plain JSON-able data:
the same numbers ``rippledoc metrics --json`` prints.
"""
from __future__ import annotations

from datetime import date, timedelta
from statistics import mean
from typing import Any, Iterable

from rippledoc.model import GRADES, LEVELS, Client, Ritual, Workspace

TREND_WINDOW = 8  # reviews in a score trend
FALLING_SLOPE = -0.1  # points per review, unless the ritual's falling_slope says otherwise
LET_GO_AFTER = 2  # sessions graded three in a row
WINDOWS = (90, 180, 365)
MAIN_SCORES = "weekly-connection-review"  # the per-client 'score' column, when the client has such reviews


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


def in_range(d: date, start: date, end: date) -> bool:
    return start <= d <= end


# ---------------------------------------------------------------- the book over time

def last_activity(c: Client) -> date | None:
    """The latest dated thing in a client file: a touch, a sale, a kept commitment."""
    days = [t.date for t in c.log] + [s.date for s in c.sales] + [k.done for k in c.commitments if k.done]
    return max(days) if days else None


def on_book(c: Client, d: date) -> bool:
    """A client is on the book on day ``d`` from its ``since`` date; a former client until its last activity."""
    if c.since is not None and c.since > d:
        return False
    if c.status == "former":
        left = last_activity(c) or c.since
        return left is not None and d <= left
    return True


def on_book_during(c: Client, start: date, end: date) -> bool:
    """On the book on at least one day from ``start`` to ``end``."""
    if c.since is not None and c.since > end:
        return False
    if c.status == "former":
        left = last_activity(c) or c.since
        return left is not None and left >= start
    return True


def working_days(start: date, end: date, weekdays: Iterable[int]) -> int:
    allowed = set(weekdays)
    return sum((start + timedelta(days=i)).weekday() in allowed for i in range((end - start).days + 1))


# ---------------------------------------------------------------- connection scores

Review = tuple[str, date, dict[str, int]]  # (period, date, scores)


def review_index(ws: Workspace, ritual: Ritual, end: date) -> dict[str, list[Review]]:
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


def reviews(ws: Workspace, ritual: Ritual, slug: str, end: date) -> list[Review]:
    """One client's scored entries in a ritual's records dated up to ``end``, oldest first."""
    return review_index(ws, ritual, end).get(slug, [])


def _figure(points: list[tuple[str, date, float]], start: date, end: date) -> dict[str, Any]:
    inside = [v for _, d, v in points if in_range(d, start, end)]
    window = [v for _, _, v in points[-TREND_WINDOW:]]
    return {"latest": _r(inside[-1]) if inside else None, "average": _r(mean(inside)) if inside else None,
            "trend": _r(slope(window), 3), "reviews": len(inside),
            "series": [[p, d.isoformat(), _r(v)] for p, d, v in points]}


def connection_scores(ws: Workspace, clients: list[Client], start: date, end: date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ritual in ws.rituals.values():
        if not ritual.metrics:
            continue
        threshold = float(str(ritual.settings.get("falling_slope", FALLING_SLOPE)))
        per_client: dict[str, Any] = {}
        falling = []
        by_period: dict[tuple[date, str], list[float]] = {}
        index = review_index(ws, ritual, end)
        for c in clients:
            rows = index.get(c.slug, [])
            if not rows:
                continue
            overall = [(p, d, mean(s.values())) for p, d, s in rows]
            figures = {"overall": _figure(overall, start, end)}
            for m in ritual.metrics:
                figures[m.key] = _figure([(p, d, float(s[m.key])) for p, d, s in rows if m.key in s], start, end)
            per_client[c.slug] = figures
            trend = figures["overall"]["trend"]
            window = len(rows[-TREND_WINDOW:])
            if trend is not None and window >= 3 and trend < threshold:
                falling.append({"client": c.slug, "name": c.name, "trend": trend,
                                "metrics": [m.key for m in ritual.metrics
                                            if (figures[m.key]["trend"] or 0) < threshold]})
            for p, d, v in overall:
                if in_range(d, start, end):
                    by_period.setdefault((d, p), []).append(v)
        book_metrics = {}
        for m in ritual.metrics:
            vals = [float(s[m.key]) for c in clients for _, d, s in index.get(c.slug, [])
                    if m.key in s and in_range(d, start, end)]
            book_metrics[m.key] = {"label": m.label, "average": _r(mean(vals)) if vals else None}
        out[ritual.key] = {
            "name": ritual.name, "scale": [ritual.metrics[0].low, ritual.metrics[0].high],
            "metrics": book_metrics, "falling_slope": threshold,
            "book": [[p, d.isoformat(), _r(mean(v))] for (d, p), v in sorted(by_period.items())],
            "clients": per_client, "falling": sorted(falling, key=lambda f: f["trend"]),
        }
    return out


# ---------------------------------------------------------------- triangle and grades

def _answer_rituals(ws: Workspace, key: str) -> list[Ritual]:
    return [r for r in ws.rituals.values() if any(a.key == key for a in r.answers)]


Answered = tuple[date, str, str, str]  # (date, period, value, path)


def answer_index(ws: Workspace, key: str, end: date) -> dict[str, list[Answered]]:
    """Every client's ``key`` answers (grade, level) in the records up to ``end``, oldest first."""
    keys = {r.key for r in _answer_rituals(ws, key)}
    out: dict[str, list[Answered]] = {}
    for r in ws.records:
        if r.ritual in keys and r.date <= end:
            for e in r.entries:
                if e.answers.get(key):
                    out.setdefault(e.client, []).append((r.date, r.period, e.answers[key], r.source.path))
    for rows in out.values():
        rows.sort()
    return out


def _moves(ws: Workspace, clients: list[Client], key: str, order: tuple[str, ...], start: date, end: date):
    """Changes between consecutive recorded values; ``order`` runs from worst to best."""
    moves, unrecorded = [], []
    index = answer_index(ws, key, end)
    for c in clients:
        hist = index.get(c.slug, [])
        for (d0, _, v0, _), (d1, p1, v1, path) in zip(hist, hist[1:]):
            if v0 != v1 and in_range(d1, start, end) and v0 in order and v1 in order:
                steps = order.index(v1) - order.index(v0)
                moves.append({"client": c.slug, "date": d1.isoformat(), "period": p1, "from": v0, "to": v1,
                              "direction": "up" if steps > 0 else "down", "steps": abs(steps), "source": path})
        current = getattr(c, key)
        if hist and current and hist[-1][2] != current:
            unrecorded.append({"client": c.slug, "recorded": hist[-1][2], "file": current,
                               "since": hist[-1][0].isoformat()})
    return sorted(moves, key=lambda m: (m["date"], m["client"])), unrecorded


def triangle(ws: Workspace, clients: list[Client], start: date, end: date) -> dict[str, Any]:
    current = [c for c in clients if c.status != "former"]
    moves, unrecorded = _moves(ws, clients, "level", LEVELS, start, end)
    return {"counts": {lv: sum(c.level == lv for c in current) for lv in LEVELS},
            "members": {lv: [c.slug for c in current if c.level == lv] for lv in LEVELS},
            "moves": moves, "up": sum(m["direction"] == "up" for m in moves),
            "down": sum(m["direction"] == "down" for m in moves), "unrecorded": unrecorded}


def grades(ws: Workspace, clients: list[Client], start: date, end: date) -> dict[str, Any]:
    current = [c for c in clients if c.status != "former"]
    worst_first = tuple(reversed(GRADES))
    changes, unrecorded = _moves(ws, clients, "grade", worst_first, start, end)
    after = max((int(str(r.settings.get("let_go_after", LET_GO_AFTER))) for r in _answer_rituals(ws, "grade")),
                default=LET_GO_AFTER)
    let_go = []
    index = answer_index(ws, "grade", end)
    for c in current:
        hist = index.get(c.slug, [])
        run = 0
        for _, _, g, _ in reversed(hist):
            if g != "three":
                break
            run += 1
        if run >= after:
            let_go.append({"client": c.slug, "name": c.name, "sessions": run, "since": hist[-run][1]})
    sessions = []
    keys = {r.key for r in _answer_rituals(ws, "grade")}
    slugs = {c.slug for c in clients}
    for r in sorted((r for r in ws.records if r.ritual in keys and r.date <= end), key=lambda r: r.date):
        graded = [e.answers.get("grade") for e in r.entries if e.client in slugs]
        sessions.append({"period": r.period, "date": r.date.isoformat(),
                         "counts": {g: graded.count(g) for g in GRADES}})
    dist = {g: sum(c.grade == g for c in current) for g in GRADES}
    dist["ungraded"] = sum(c.grade is None for c in current)
    return {"distribution": dist, "changes": changes, "up": sum(m["direction"] == "up" for m in changes),
            "down": sum(m["direction"] == "down" for m in changes), "let_go_after": after, "let_go": let_go,
            "sessions": sessions, "unrecorded": unrecorded}


# ---------------------------------------------------------------- business

def business(clients: list[Client], start: date, end: date, today: date, previous: bool = True) -> dict[str, Any]:
    asof = min(end, today)
    at_start = [c for c in clients if on_book(c, start)]
    retained = [c for c in at_start if on_book(c, asof)]
    book = [c for c in clients if on_book_during(c, start, asof)]
    sales = [(c, s) for c in clients for s in c.sales if in_range(s.date, start, end)]
    total = sum(s.amount for _, s in sales)
    days = (end - start).days + 1
    per_client = len(sales) / len(book) if book else None
    out: dict[str, Any] = {
        "clients_at_start": len(at_start), "retained": len(retained),
        "retention": _ratio(len(retained), len(at_start)),
        "lost": [c.slug for c in at_start if not on_book(c, asof)],
        "new": [c.slug for c in clients if c.since and in_range(c.since, start, end)],
        "clients_on_book": len(book),
        "sales": len(sales), "revenue": _r(total), "average_sale": _r(total / len(sales)) if sales else None,
        "sales_per_client": _r(per_client, 3),
        "sales_per_client_per_year": _r(per_client * 365 / days, 3) if per_client is not None else None,
        "revenue_by_level": {lv: _r(sum(s.amount for c, s in sales if c.level == lv)) for lv in LEVELS},
        "revenue_by_grade": {g: _r(sum(s.amount for c, s in sales if c.grade == g)) for g in GRADES}
        | {"ungraded": _r(sum(s.amount for c, s in sales if c.grade is None))},
    }
    if previous:
        before = business(clients, start - timedelta(days=days), start - timedelta(days=1), today, False)
        out["previous"] = {k: before[k] for k in ("retention", "average_sale", "sales_per_client_per_year",
                                                  "revenue")}
        out["previous"]["from"] = (start - timedelta(days=days)).isoformat()
    return out


# ---------------------------------------------------------------- contact coverage

def coverage(ws: Workspace, clients: list[Client], start: date, end: date, today: date) -> dict[str, Any]:
    asof = min(end, today)
    active = [c for c in clients if c.status == "active" and (c.since is None or c.since <= asof)]
    # each active client's last reach on or before asof, found once for every window
    last = [max((t.date for t in c.log if t.reached and t.date <= asof), default=None) for c in active]
    reached_within = {}
    for days in WINDOWS:
        since = asof - timedelta(days=days)
        n = sum(d is not None and d > since for d in last)
        reached_within[str(days)] = {"clients": n, "share": _ratio(n, len(active))}
    year_ago = asof - timedelta(days=365)
    not_reached = [c.slug for c, d in zip(active, last) if d is None or d <= year_ago]
    touches = [(c, t) for c in clients for t in c.log if in_range(t.date, start, asof)]
    calls = [t for _, t in touches if t.kind == "call"]
    days = (asof - start).days + 1
    wd = working_days(start, asof, ws.settings.working_days) if asof >= start else 0
    plan_ritual = ws.rituals.get("one-a-day")
    plan = float(str(plan_ritual.settings.get("calls_per_day", 1))) if plan_ritual else 1.0
    by_person: dict[str, dict[str, int]] = {}
    for _, t in touches:
        who = t.by or ws.settings.me or "me"
        row = by_person.setdefault(who, {"touches": 0, "calls": 0, "reached": 0})
        row["touches"] += 1
        row["calls"] += t.kind == "call"
        row["reached"] += t.kind == "call" and t.reached
    outcomes = {o: sum(t.outcome == o for t in calls) for o in ("reached", "voicemail", "no-answer")}
    return {
        "active_clients": len(active), "reached_within": reached_within, "not_reached_in_365": not_reached,
        "touches": len(touches), "by_kind": {k: sum(t.kind == k for _, t in touches)
                                             for k in ("call", "email", "meeting", "visit", "letter")},
        "touches_per_client_per_year": _r(len(touches) / len(active) * 365 / days) if active and days > 0 else None,
        "calls": len(calls), "call_outcomes": outcomes, "reach_rate": _ratio(outcomes["reached"], len(calls)),
        "reached_per_voicemail": _ratio(outcomes["reached"], outcomes["voicemail"], 2),
        "working_days": wd, "calls_per_working_day": _ratio(len(calls), wd, 2), "planned_calls_per_day": plan,
        "against_plan": _ratio(len(calls), wd * plan, 2), "by_person": dict(sorted(by_person.items())),
    }


# ---------------------------------------------------------------- reliability, stories

def reliability(clients: list[Client], start: date, end: date, today: date) -> dict[str, Any]:
    due = [(c, k) for c in clients for k in c.commitments if in_range(k.due, start, end)]
    counts = {s: sum(k.state(today) == s for _, k in due) for s in ("kept", "late", "open", "overdue")}
    overdue = [{"client": c.slug, "what": k.what, "due": k.due.isoformat(), "days": (today - k.due).days,
                "source": f"{k.source.path}:{k.source.line}"}
               for c in clients for k in c.commitments if k.state(today) == "overdue"]
    return {"due_in_period": len(due), **counts,
            "on_time_rate": _ratio(counts["kept"], counts["kept"] + counts["late"] + counts["overdue"]),
            "overdue_now": sorted(overdue, key=lambda o: o["due"])}


def tagged(clients: list[Client], tag: str, start: date, end: date) -> list[dict[str, Any]]:
    rows = [{"date": t.date.isoformat(), "client": c.slug, "name": c.name, "by": t.by, "note": t.note,
             "source": f"{t.source.path}:{t.source.line}"}
            for c in clients for t in c.log if tag in t.tags and in_range(t.date, start, end)]
    return sorted(rows, key=lambda r: (r["date"], r["client"]))


def _outcomes(ws: Workspace, clients: list[Client], start: date, end: date, today: date) -> dict[str, Any]:
    """Handoffs, kudos, the story pipeline and intelligence topics (rippledoc.views.followups)."""
    from rippledoc.views.followups import outcome_metrics
    return outcome_metrics(ws, clients, start, end, today)


# ---------------------------------------------------------------- per client and the whole

def client_row(c: Client, start: date, end: date, today: date, scores: dict[str, Any]) -> dict[str, Any]:
    touches = [t for t in c.log if in_range(t.date, start, end)]
    last = c.last_reached()
    mine = {key: v["clients"][c.slug]["overall"] for key, v in scores.items() if c.slug in v["clients"]}
    overall = mine.get(MAIN_SCORES) or next(iter(mine.values()), None)
    return {"client": c.slug, "name": c.name, "owner": c.owner, "level": c.level, "grade": c.grade,
            "status": c.status, "touches": len(touches), "reached": sum(t.reached for t in touches),
            "last_reached": last.date.isoformat() if last else None,
            "revenue": _r(sum(s.amount for s in c.sales if in_range(s.date, start, end))),
            "commitments": {s: sum(k.state(today) == s for k in c.commitments if in_range(k.due, start, end))
                            for s in ("kept", "late", "open", "overdue")},
            "score": overall["latest"] if overall else None, "score_trend": overall["trend"] if overall else None,
            "scores": {key: {"latest": o["latest"], "trend": o["trend"]} for key, o in mine.items()}}


def compute_metrics(ws: Workspace, start: date, end: date, today: date, owner: str | None = None) -> dict[str, Any]:
    """Every summary of docs/metrics.md for the days ``start`` to ``end`` (both included)."""
    clients = [c for c in ws.clients if owner is None or c.owner == owner]
    scores = connection_scores(ws, clients, start, end)
    successes = tagged(clients, "success", start, end)
    intel = tagged(clients, "intel", start, end)
    return {
        "from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat(), "owner": owner,
        "clients_counted": len(clients),
        "scores": scores,
        "triangle": triangle(ws, clients, start, end),
        "grades": grades(ws, clients, start, end),
        "business": business(clients, start, end, today),
        "coverage": coverage(ws, clients, start, end, today),
        "reliability": reliability(clients, start, end, today),
        "stories": {"success": len(successes), "intel": len(intel), "success_stories": successes,
                    "intelligence": intel},
        "outcomes": _outcomes(ws, clients, start, end, today),
        "clients": [client_row(c, start, end, today, scores) for c in sorted(clients, key=lambda c: c.name.lower())],
    }
