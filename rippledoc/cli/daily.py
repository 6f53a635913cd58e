"""``rippledoc today``, ``due`` and ``plan``: who to call, when, and why."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import click

from rippledoc.cli.common import json_option, load, print_json, root_from, today_option, fail, workspace_today

if TYPE_CHECKING:
    from rippledoc.views.research import ResearchNotes


def owner_option(f):
    return click.option("--owner", metavar="NAME", default=None,
                        help="Only clients owned by NAME (a key of team:, or 'me').")(f)


def resolve_owner(ws, owner: str | None, option: str = "--owner") -> str | None:
    """A person named on the command line as the team key it is ('me': me: of rippledoc.yaml); exits 2 if unknown."""
    if owner is None:
        return None
    team = ws.settings.team
    if owner == "me" and ws.settings.me:
        return ws.settings.me
    if team and owner not in team:
        fail(f"{option} '{owner}' is not in the team of rippledoc.yaml ({', '.join(team)})")
    return owner


def _start(ctx: click.Context, today: str | None):
    day = workspace_today(root_from(ctx), today)
    ws = load(root_from(ctx), day)
    return ws, day


def _when(item_date: date, day: date, overdue_days: int | None = None) -> str:
    """'3d late' (overdue), 'today', 'due' (a cadence past its ideal, not yet its most), or the date."""
    n = (day - item_date).days if overdue_days is None else overdue_days
    if n > 0:
        return f"{n}d late"
    if item_date == day:
        return "today"
    if item_date < day:
        return "due"
    return f"{item_date:%a %d %b}"


@click.command()
@click.option("--days", type=click.IntRange(0, 366), default=0, show_default=True,
              help="Also what falls due in the next N days.")
@owner_option
@json_option
@today_option
@click.pass_context
def due(ctx: click.Context, days: int, owner: str | None, as_json: bool, today: str | None) -> None:
    """What is due or overdue: callbacks, cadences, never-contacted clients, commitments.

    Highest priority first (docs/planning.md): promised callbacks, then
    overdue days weighted by level and grade; a call past the most of its
    cadence (4w..6w: after six weeks) before one only past the ideal. A
    contact's birthday and a client's anniversary are reasons to call too
    (birthdays: false, anniversaries: false in rippledoc.yaml turn them off).

    \b
    Examples:
      rippledoc due
      rippledoc due --days 7 --owner me
      rippledoc due --today 2026-11-23 --json
    """
    from rippledoc.views.due import due_items
    from rippledoc.cli.output import paint, table, use_color
    ws, day = _start(ctx, today)
    who = resolve_owner(ws, owner)
    items = due_items(ws, day, days, who)
    rituals = due_rituals(ws, day)
    if as_json:
        print_json({"date": day.isoformat(), "days": days, "owner": who, "items": [i.to_json() for i in items],
                    "rituals": [r.to_json() for r in rituals]})
        return
    span = f"{day:%a %d %b %Y}" + (f" and the next {days} days" if days else "")
    if not items:
        click.echo(f"Nothing due on {span}" + (f" for {who}" if who else "") + ".")
        click.echo(render_rituals(rituals, use_color()))
        return
    color = use_color()
    now = [i for i in items if i.date <= day]
    later = sorted((i for i in items if i.date > day), key=lambda i: (i.date, -i.priority, i.client.slug))
    rows = [(_when(i.date, day, i.overdue_days), i.client.name, i.kind,
             (i.people[0] if i.kind == "handoff" and i.people else i.client.owner) or "-", i.reason)
            for i in now + later]
    head = f"{len(now)} due now" + (f", {len(later)} coming up" if days or later else "")
    click.echo(paint(f"{span}" + (f" · {who}" if who else "") + f": {head}", "bold", color))
    click.echo(table(("WHEN", "CLIENT", "KIND", "OWNER", "WHY"), rows, styles=("yellow", "", "cyan", "dim", ""),
                     color=color, max_width=(0, 32)))
    if rituals:
        click.echo("\n" + render_rituals(rituals, color))


def due_rituals(ws, day: date) -> list:
    """The rituals due on ``day`` (the one-a-day calls are the plan itself, so not listed)."""
    from rippledoc.views.rituals import ritual_status
    return [r for r in ritual_status(ws, day) if r.due and r.enabled and r.ritual != "one-a-day"]


def render_rituals(rituals: list, color: bool) -> str:
    from rippledoc.cli.output import paint, table
    if not rituals:
        return ""
    rows = [(r.name, r.cadence, r.reason) for r in rituals]
    return "\n".join([paint("Rituals due", "bold", color),
                      table(("RITUAL", "CADENCE", "WHY"), rows, styles=("cyan",), color=color),
                      f"Start one with: rippledoc ritual start {rituals[0].ritual}"])


@click.command(name="today")
@owner_option
@json_option
@today_option
@click.pass_context
def today_cmd(ctx: click.Context, owner: str | None, as_json: bool, today: str | None) -> None:
    """Today's calls: who, at what time for both of you, and what to know before dialling.

    On a day off it shows the next working day's plan, unless you promised a
    call back for that very day: a promise is kept on its day. Rituals due (the weekly
    review, a high-grade session, ...) are listed after the calls. How many
    calls a day: calls_per_day in rituals/one-a-day.md (default 1).

    \b
    Examples:
      rippledoc today
      rippledoc today --owner priya
      rippledoc today --today 2026-11-23 --json
    """
    from rippledoc.cli.output import use_color
    from rippledoc.views.research import research_notes
    ws, day = _start(ctx, today)
    who = resolve_owner(ws, owner)
    plan = shown_plan(ws, day, who)
    notes = [research_notes(c.client, ws, plan.day, c.start) for c in plan.calls]
    rituals = due_rituals(ws, day)
    if as_json:
        print_json({"date": plan.day.isoformat(), "asked": day.isoformat(), "working": plan.working, "owner": who,
                    "note": plan.note or None, "rituals": [r.to_json() for r in rituals],
                    "calls_per_day": plan.calls_per_day, "timezone": plan.timezone, "window": str(plan.window),
                    "calls": [{**c.to_json(), "research": n} for c, n in zip(plan.calls, notes)],
                    "waiting": plan.waiting, "outside_window": [o.to_json() for o in plan.outside],
                    "commitments": [i.to_json() for i in plan.commitments]})
        return
    click.echo(render_today(plan, notes, who))
    if rituals:
        click.echo("\n" + render_rituals(rituals, use_color()))


def shown_plan(ws, day: date, who: str | None):
    """The plan ``today`` shows on ``day``: that day's, or on a day off with nothing promised for it, the next
    working day's, saying so."""
    from rippledoc.views.plan import daily_plan, day_off, next_working_day
    plan = daily_plan(ws, day, who)
    if not plan.working and not plan.calls and not plan.outside:  # a day off, nothing promised for it
        plan = daily_plan(ws, next_working_day(day, ws.settings), who)
        plan = replace(plan, note=f"{day:%A} is {day_off(day, ws.settings)}; here is the plan for "
                                  f"{plan.day:%A %d %b}." + (f" {plan.note}." if plan.note else ""))
    return plan


def render_call(k: int, call, note: ResearchNotes | None, timezone: str, color: bool) -> list[str]:
    """One planned call as ``today`` shows it: its slot in both zones, why, and the research notes."""
    from rippledoc.cli.output import paint
    from rippledoc.views.research import notes_text
    when = f"{call.start:%H:%M}-{call.end:%H:%M}" if call.start else "no time"
    theirs = call.their_time(timezone)
    early = " (early, to spread the load)" if call.early else ""
    out = [f"{k:>2}. {paint(when, 'green' if call.start else 'red', color)}  "
           f"{paint(call.client.name, 'bold', color)}  {theirs}",
           f"    why: {call.item.reason}{early}"]
    return out + ["    " + line for line in (notes_text(note).splitlines() if note else ())]


def render_outside(o, color: bool, note: ResearchNotes | None = None) -> list[str]:
    """A due client whose hours miss the window, as ``today`` lists it (with the research notes, when given)."""
    from rippledoc.cli.output import paint
    from rippledoc.views.research import notes_text
    out = [paint(o.words(), "yellow", color), f"    why: {o.item.reason}"]
    return out + ["    " + line for line in (notes_text(note).splitlines() if note else ())]


def render_today(plan, notes, who: str | None) -> str:
    from rippledoc.cli.output import paint, table, use_color
    from rippledoc.views.plan import windows_words
    color = use_color()
    n = plan.calls_per_day
    head = (f"{plan.day:%A %d %B %Y}" + (f" · {who}" if who else "") +
            f" · {n} call{'s' * (n != 1)} a day · {windows_words(plan.window)} {plan.timezone}")
    out = [paint(head, "bold", color), ""]
    if plan.note:
        out += [plan.note, ""]
    for k, (call, note) in enumerate(zip(plan.calls, notes), 1):
        out += render_call(k, call, note, plan.timezone, color)
        out.append("")
    for o in plan.outside:
        out += render_outside(o, color)
        out.append("")
    if plan.waiting:
        out.append(f"{plan.waiting} more call{'s are' if plan.waiting != 1 else ' is'} due; "
                   f"{'they come' if plan.waiting != 1 else 'it comes'} on the next working days "
                   "('rippledoc plan' shows when).")
        out.append("")
    if plan.commitments:
        out.append(paint("Commitments due soon or overdue", "bold", color))
        rows = [(_when(i.date, plan.day), i.client.name, i.what, i.client.owner or "-") for i in plan.commitments]
        out.append(table(("DUE", "CLIENT", "WHAT", "OWNER"), rows, styles=("yellow",), color=color,
                         max_width=(0, 32, 60, 0)))
        out.append("Mark one kept with: rippledoc done CLIENT WHAT")
    return "\n".join(out).rstrip()


@click.command()
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="How many days to plan.")
@owner_option
@json_option
@today_option
@click.pass_context
def plan(ctx: click.Context, days: int, owner: str | None, as_json: bool, today: str | None) -> None:
    """A forecast of the daily calls: calls_per_day a day, more only to keep a promised callback.

    Each planned call is assumed to reach the client. Calls go into your call
    windows of each day (call_window, schedule, holidays in rippledoc.yaml),
    at a time inside the client's hours too; a client whose hours meet none
    of your windows is listed apart, with the next time in both zones. A call
    back promised for a day off is planned on that day, said so. Ends with
    whether the book can be covered at your rate, and the rate it needs. Set
    the rate with calls_per_day in rituals/one-a-day.md (default 1).

    \b
    Examples:
      rippledoc plan
      rippledoc plan --days 30 --owner me
      rippledoc plan --today 2026-11-23 --json
    """
    from rippledoc.cli.output import paint, table, use_color
    from rippledoc.views.plan import forecast
    ws, day = _start(ctx, today)
    who = resolve_owner(ws, owner)
    fc = forecast(ws, day, days, who)
    cov = fc.coverage
    if as_json:
        print_json({"date": day.isoformat(), "days": days, "owner": who,
                    "coverage": {"active": cov.active, "needed_per_working_day": round(cov.needed, 2),
                                 "needed_per_working_day_at_most": round(cov.needed_most, 2),
                                 "calls_per_day": cov.calls_per_day, "coverable": cov.coverable,
                                 "message": cov.message()},
                    "promise_warning": fc.promise_warning() or None,
                    "plan": [{"date": p.day.isoformat(), "working": p.working, "waiting": p.waiting,
                              "note": p.note or None, "calls": [c.to_json() for c in p.calls],
                              "outside_window": [o.to_json() for o in p.outside]} for p in fc.days]})
        return
    color = use_color()
    rows = []
    for p in fc.days:
        if not p.working and not p.calls and not p.outside:
            continue  # a day off with nothing promised for it
        label = f"{p.day:%a %d %b}"
        if p.note and (p.calls or p.outside):
            rows.append((label, "", "", "", p.note))
            label = ""
        elif not p.calls and not p.outside:
            rows.append((label, "", "-", "", p.note or "nobody to call"))
        for c in p.calls:
            time_ = f"{c.start:%H:%M}" if c.start else "no time"
            why = ("early: " if c.early else "") + c.item.reason
            rows.append((label, time_, c.client.name, c.item.kind, why))
            label = ""
            if not c.start:
                rows.append(("", "", "", "", c.note))
        for o in p.outside:  # due, but their hours miss the window: no place taken
            rows.append((label, "outside", o.client.name, o.item.kind, o.item.reason))
            label = ""
            rows.append(("", "", "", "", f"their hours are {o.hours}; {o.advice}"))
    click.echo(paint(f"Plan for {days} days from {day:%a %d %b %Y}" + (f" for {who}" if who else ""), "bold", color))
    click.echo(table(("DAY", "TIME", "CLIENT", "KIND", "WHY"), rows, styles=("", "green", "", "cyan", ""),
                     color=color, max_width=(0, 0, 32)))
    click.echo("")
    click.echo(paint(cov.message(), "" if cov.coverable else "red", color))
    if fc.promise_warning():
        click.echo(paint(fc.promise_warning(), "yellow", color))
