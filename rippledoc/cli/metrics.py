"""``rippledoc metrics``: how the relationships are doing, in numbers defined in docs/metrics.md."""
from __future__ import annotations

from typing import Mapping, TYPE_CHECKING

import click

from rippledoc.cli.common import (date_option, fail, json_option, load, plural, print_json, root_from, today_option,
                                  workspace_today)

if TYPE_CHECKING:
    from rippledoc.views.metrics import Metrics


@click.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day counted (default: a year before --to).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day counted (default: today).")
@click.option("--period", "label", metavar="LABEL", help="A whole period instead: 2026, 2026-Q4, 2026-11, 2026-W47.")
@click.option("--owner", metavar="NAME", help="Only the clients NAME owns (a key of team:, or 'me').")
@json_option
@today_option
@click.pass_context
def metrics(ctx: click.Context, start: str | None, end: str | None, label: str | None, owner: str | None,
            as_json: bool, today: str | None) -> None:
    """Connection scores and who is falling, the triangle and its moves, grades and
    who to consider letting go, retention, average sale and frequency, contact
    coverage, commitments kept, success stories and intelligence.

    Every figure and its formula is in docs/metrics.md; --json prints the same numbers.

    \b
    Examples:
      rippledoc metrics
      rippledoc metrics --period 2026-Q3 --owner stan
      rippledoc metrics --from 2026-01-01 --to 2026-06-30 --json
    """
    from rippledoc.views.jsonable import to_json
    from rippledoc.views.metrics import compute_metrics
    from rippledoc.parse.periods import reporting_span
    day = workspace_today(root_from(ctx), today)
    span = reporting_span(day, date_option(start, "--from"), date_option(end, "--to"), label)
    if span is None:
        raise click.BadParameter(f"'{label}' is not a period (2026, 2026-Q4, 2026-11, 2026-W47, 2026-11-23)",
                                 param_hint="--period")
    if span.first > span.last:
        fail(f"--from {span.first} is after --to {span.last}")
    ws = load(root_from(ctx), day)
    from rippledoc.cli.daily import resolve_owner
    owner = resolve_owner(ws, owner)
    view = compute_metrics(ws, span, day, owner)
    if as_json:
        print_json(to_json(view))
    else:
        click.echo(render(view, {c.slug: c.name for c in ws.clients}))


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


def _num(x: float | None, fmt: str = "{:,.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def _trend(x: float | None) -> str:
    return "  -  " if x is None else f"{x:+.2f}"


def _unrecorded(rows, n) -> list[str]:
    """Where a file says another value than its latest review: not applied yet, or changed in the file since."""
    out = []
    for u in rows:
        said = f"file says {u.file or 'nothing'}, the {u.ritual} review of {u.period} ({u.since}) said {u.recorded}"
        out.append(f"  {n(u.client)}: {said}" + ("; changed in the file since it was applied" if u.applied else
                                                 f"; not applied yet: rippledoc ritual apply {u.ritual} {u.period}"))
    return out


def render(m: "Metrics", names: Mapping[str, str] | None = None) -> str:
    """The text of ``metrics``: clients by name, as every other command shows them (``names``: slug -> name)."""
    names = names or {}

    def n(slug: str) -> str:
        return names.get(slug, slug)

    out = [f"Metrics {m.first} to {m.last}" + (f", clients of {m.owner}" if m.owner else "")
           + f" ({plural(m.clients_counted, 'client')})"]
    for key, s in m.scores.items():
        out += ["", f"{s.name} (scores {s.scale[0]}-{s.scale[1]}; trend = slope over the last 8 reviews)"]
        if not s.clients:
            out.append("  no scored reviews yet: rippledoc ritual start " + key)
            continue
        keys = list(s.metrics)
        w = {k: max(len(k), 5) for k in keys}
        cw = max([30, *(len(n(slug)) for slug in s.clients)])
        out.append(f"  {'client':<{cw}} {'latest':>6} {'avg':>5} {'trend':>6}   "
                   + " ".join(f"{k:>{w[k]}}" for k in keys))
        for slug, f in s.clients.items():
            o = f.overall
            per = " ".join(f"{_num(f.metrics[k].latest, '{:.0f}'):>{w[k]}}" for k in keys)
            out.append(f"  {n(slug):<{cw}} {_num(o.latest):>6} {_num(o.average):>5} {_trend(o.trend):>6}   {per}")
        book = " ".join(f"{_num(s.metrics[k].average):>{w[k]}}" for k in keys)
        out.append(f"  {'whole book (average)':<{cw}} {'':>6} {'':>5} {'':>6}   {book}")
        for fall in s.falling:
            out.append(f"  FALLING {fall.name}: {fall.trend:+.2f} per review ({', '.join(fall.metrics) or 'overall'})")
    t = m.triangle
    out += ["", "Triangle (clients on the book now, active and paused): "
            + ", ".join(f"{k} {v}" for k, v in t.counts.items())
            + f"; moves in the period: {t.up} up, {t.down} down"]
    for mv in t.moves:
        out.append(f"  {mv.date} {n(mv.client)}: {mv.before} -> {mv.after} ({mv.direction})")
    out += _unrecorded(t.unrecorded, n)
    g = m.grades
    out += ["", "Grades now (clients on the book, active and paused): "
            + ", ".join(f"{k} {v}" for k, v in g.distribution.items())
            + f"; changes in the period: {g.up} up, {g.down} down"]
    for mv in g.changes:
        out.append(f"  {mv.date} {n(mv.client)}: {mv.before} -> {mv.after}")
    out += _unrecorded(g.unrecorded, n)
    for x in g.let_go:
        out.append(f"  consider letting go: {x.name} (graded three in {x.sessions} sessions in a row since {x.since})")
    b = m.business
    p = b.previous
    out += ["", "Business",
            f"  retention       {_pct(b.retention):>8}  ({b.retained} of {b.clients_at_start} on the book at the "
            f"start; lost: {', '.join(map(n, b.lost)) or 'none'})   previous period {_pct(p.retention if p else None)}",
            f"  sales           {b.sales:>8}  revenue {_num(b.revenue, '{:,.0f}')}   previous period "
            f"{_num(p.revenue if p else None, '{:,.0f}')}",
            f"  average sale    {_num(b.average_sale, '{:,.0f}'):>8}  previous period "
            f"{_num(p.average_sale if p else None, '{:,.0f}')}",
            f"  sales per client per year {_num(b.sales_per_client_per_year)}  previous period "
            f"{_num(p.sales_per_client_per_year if p else None)}",
            "  revenue by level: " + ", ".join(f"{k} {_num(v, '{:,.0f}')}" for k, v in b.revenue_by_level.items()),
            "  revenue by grade: " + ", ".join(f"{k} {_num(v, '{:,.0f}')}" for k, v in b.revenue_by_grade.items())]
    c = m.coverage
    out += ["", f"Contact coverage ({plural(c.active_clients, 'active client')})",
            "  reached within " + ", ".join(f"{k} days {_pct(v.share)}" for k, v in c.reached_within.items())
            + (f"; not reached in a year: {', '.join(map(n, c.not_reached_in_365))}" if c.not_reached_in_365 else ""),
            f"  touches {c.touches} ({', '.join(f'{v} {k}' for k, v in c.by_kind.items() if v)}); "
            f"{_num(c.touches_per_client_per_year)} per client per year",
            f"  calls (call, meeting, visit) {c.calls}: " + ", ".join(f"{v} {k}" for k, v in c.call_outcomes.items())
            + f"; reach rate {_pct(c.reach_rate)}",
            f"  calls per working day {_num(c.calls_per_working_day)} against a plan of "
            f"{c.planned_calls_per_day:g} ({_pct(c.against_plan)})",
            "  by person: " + ", ".join(f"{k} {v.touches} touches/{v.reached} reached" for k, v in c.by_person.items())]
    r = m.reliability
    out += ["", f"Commitments first due in the period: {r.due_in_period}: {r.kept} kept on time, "
            f"{r.renegotiated} renegotiated in time and kept, {r.late} kept late, {r.missed} missed, {r.open} open; "
            f"on time {_pct(r.on_time_rate)}, word kept {_pct(r.word_kept_rate)} (on time or renegotiated in time)"]
    for late in r.overdue_now:
        out.append(f"  overdue {plural(late.days, 'day')}: {n(late.client)}: {late.what} (due {late.due}) {late.source}")
    for e in r.tell_them_early:
        when = "today" if e.days == 0 else f"in {plural(e.days, 'day')}"
        since = f" since {e.since}" if e.since else ""
        out.append(f"  tell them early: {n(e.client)}: {e.what} (due {e.due}, {when}; nothing logged with them{since})"
                   f" {e.source}")
    st = m.stories
    out += ["", f"Success stories: {st.success}"]
    out += [f"  {x.date} {x.name}: {x.note}" for x in st.success_stories]
    out += ["", f"Intelligence notes: {st.intel}"]
    out += [f"  {x.date} {x.name}: {x.note}" for x in st.intelligence]
    return "\n".join(out)
