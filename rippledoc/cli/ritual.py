"""``rippledoc ritual list | start | show | apply``: rituals as files, their records, what is due, and the
decisions of a record written into the client files."""
from __future__ import annotations

import click

from rippledoc.cli.complete import complete_ritual
from rippledoc.cli.common import (date_option, EXIT_ERRORS, fail, json_option, load, plural, print_json, root_from,
                     today_option, workspace_today)


@click.group()
def ritual() -> None:
    """List the rituals, start this period's record, show one ritual's records,
    apply a record's decisions (grades, levels) to the client files.

    A ritual is a file rituals/NAME.md (see docs/rituals.md); its records are
    rituals/NAME/PERIOD.md (e.g. 2026-W47) or, for twelve-days, one sheet per
    client in rituals/NAME/YEAR/.
    """


def _find(ws, name: str):
    from rippledoc.book.names import slugify
    if name in ws.rituals:
        return ws.rituals[name]
    want = slugify(name)
    found = [r for r in ws.rituals.values() if slugify(r.name) == want or r.key.startswith(want)]
    if len(found) == 1:
        return found[0]
    fail(f"no ritual '{name}'" + (f" (several match: {', '.join(r.key for r in found)})" if found else "")
         + f"; known: {', '.join(sorted(ws.rituals))}")


@ritual.command("list", short_help="Each ritual: cadence, last done, due or not and why.")
@json_option
@today_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool, today: str | None) -> None:
    """Each ritual: cadence, when it was last done, whether it is due and why.

    \b
    Examples:
      rippledoc ritual list
      rippledoc ritual list --today 2026-11-23 --json
    """
    from rippledoc.views.rituals import ritual_status
    day = workspace_today(root_from(ctx), today)
    ws = load(root_from(ctx), day)
    rows = ritual_status(ws, day)
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    width = max((len(r.ritual) for r in rows), default=6)
    for r in rows:
        flag = "DUE " if r.due else "    "
        last = r.last_done.isoformat() if r.last_done else "never"
        clients = "client" if r.covers == 1 else "clients"
        click.echo(f"{flag}{r.ritual:<{width}}  {r.cadence:<9} last {last:<10}  {r.covers:>3} {clients:<7}  {r.reason}")
    due = [r.ritual for r in rows if r.due and r.reason.startswith("not done")]
    if due:
        click.echo(f"\nStart one with: rippledoc ritual start {due[0]}")


@ritual.command(short_help="Write this period's record of NAME, pre-filled; never overwrites.")
@click.argument("name", shell_complete=complete_ritual)
@click.option("--date", "on", metavar="YYYY-MM-DD", help="The day it is held (default: today); picks the period.")
@click.option("--year", type=click.IntRange(1900, 2999), help="For a yearly ritual: the year (e.g. twelve-days).")
@today_option
@click.pass_context
def start(ctx: click.Context, name: str, on: str | None, year: int | None, today: str | None) -> None:
    """Write the record of NAME for the current period, pre-filled with the
    clients it covers, its prompts and last time's answers for reference.

    Never overwrites: an existing record is kept and reported.

    \b
    Examples:
      rippledoc ritual start weekly-connection-review
      rippledoc ritual start high-grade --date 2026-10-02
      rippledoc ritual start twelve-days --year 2026
    """
    from rippledoc.edit.drafts import DraftsNotWritten, write_drafts
    from rippledoc.views.new_record import CannotStart, start_record
    day = workspace_today(root_from(ctx), today)
    when = day if on is None else date_option(on, "--date")
    root = root_from(ctx)
    ws = load(root, day)
    diags = list(ws.diagnostics)
    r = _find(ws, name)
    mine = ("rituals", f"rituals/{r.key}")
    unread = [d for d in diags if d.code == "E007" and (d.path in mine or d.path.startswith(f"{mine[1]}/"))]
    if unread:  # whether a record exists cannot be known: writing one could overwrite it
        fail(f"{unread[0].path}: {unread[0].message}; no record started ({unread[0].hint})", EXIT_ERRORS)
    try:
        drafts = start_record(ws, r.key, when, day, year)
    except CannotStart as exc:
        fail(str(exc))
        return
    if not drafts:
        fail(f"{r.name} covers no client (see 'covers:' in {r.source.path})", EXIT_ERRORS)
    try:
        results = write_drafts(root, drafts)
    except DraftsNotWritten as exc:
        for path, created in exc.done:
            click.echo(f"  {'created' if created else 'kept   '} {path}")
        fail(str(exc), EXIT_ERRORS)
        return
    for path, created in results:
        click.echo(f"  {'created' if created else 'kept   '} {path}")
    if r.settings.get("sheets") == "per-client":
        from rippledoc.views.twelve_days import pick_note
        note = pick_note(ws, r, (year or when.year))
        if note:
            click.echo(note)
    made = sum(created for _, created in results)
    if not made:  # as init keeps what exists: not a failure, and nothing is lost
        click.echo(f"The record already exists; nothing written. Open {results[0][0]} to continue it.")
        return
    click.echo(f"Fill it in, then run 'rippledoc check' ({made} file{'s' * (made != 1)} written).")



@ritual.command(short_help="NAME's definition, whom it covers, its records and one record.")
@click.argument("name", shell_complete=complete_ritual)
@click.option("--period", "label", metavar="LABEL", help="Show this period's record (e.g. 2026-W47, 2026).")
@json_option
@today_option
@click.pass_context
def show(ctx: click.Context, name: str, label: str | None, as_json: bool, today: str | None) -> None:
    """The definition of NAME, whom it covers, its records, and one record's entries.

    \b
    Examples:
      rippledoc ritual show weekly-connection-review
      rippledoc ritual show twelve-days --period 2025
      rippledoc ritual show high-grade --json
    """
    from rippledoc.views.rituals import covered_clients, period_for, records_of, status_of, tell_early_items
    from rippledoc.views.terms import last_word
    from rippledoc.views.twelve_days import letters
    day = workspace_today(root_from(ctx), today)
    ws = load(root_from(ctx), day)
    r = _find(ws, name)
    st = status_of(ws, r, day)
    records = records_of(ws, r.key)
    if label is None:
        current = period_for(r, day).label
        label = current if any(x.period == current for x in records) else (records[-1].period if records else current)
    chosen = [x for x in records if x.period == label]
    data = {
        "ritual": r.key, "name": r.name, "cadence": r.cadence, "file": r.source.path,
        "covers_rule": {k: list(v) for k, v in r.covers.items()},
        "metrics": [{"key": m.key, "label": m.label, "scale": [m.low, m.high]} for m in r.metrics],
        "answers": [{"key": a.key, "label": a.label, "type": a.type, "choices": list(a.choices)} for a in r.answers],
        "prompts": list(r.prompts), "settings": dict(r.settings),
        "covers": [c.slug for c in covered_clients(ws, r)], "status": st.to_json(),
        "records": [{"period": x.period, "date": x.date.isoformat(), "path": x.source.path,
                     "clients": len(x.entries)} for x in records],
        "period": label,
        "entries": [{"client": e.client, "scores": dict(e.scores), "answers": dict(e.answers), "path": x.source.path}
                    for x in chosen for e in x.entries],
    }
    if r.settings.get("sheets") == "per-client":
        data["letters"] = letters(ws, r.key, label, day)
    early = tell_early_items(ws, r, day)
    if r.settings.get("tell_early"):
        data["tell_them_early"] = [{"client": c.slug, "name": c.name, "what": k.what, "due": k.due.isoformat(),
                                    "since": d.isoformat() if (d := last_word(k)) else None,
                                    "path": f"{k.source.path}:{k.source.line}"} for c, k in early]
    if as_json:
        print_json(data)
        return
    click.echo(f"{r.name} ({r.key}, {r.cadence}) — {r.source.path}")
    click.echo(f"  {'due' if st.due else 'not due'}: {st.reason}")
    rule = ", ".join(f"{k} in {'/'.join(v)}" for k, v in r.covers.items()) or "every active client"
    click.echo(f"  covers {plural(len(data['covers']), 'client')} ({rule})")
    if r.settings.get("pick") or r.settings.get("count"):
        from rippledoc.views.twelve_days import pick_rules
        rules = ", ".join(pick_rules(r)) or "the order above"
        line = f"  picks the first {r.settings.get('count', 'all')} by {rules}"
        if r.settings.get("sheets") == "per-client":
            from rippledoc.views.twelve_days import candidates, picked_grades
            grades = picked_grades(r)
            line += (f", of the {len(candidates(ws, r))} graded {' or '.join(grades)}" if grades is not None
                     else ", of every client it covers")
        click.echo(line)
    for m in r.metrics:
        click.echo(f"  metric {m.key} ({m.low}-{m.high}): {m.label}")
    for a in r.answers:
        click.echo(f"  answer {a.key}" + (f" ({' | '.join(a.choices)})" if a.choices else f" ({a.type})")
                   + f": {a.label}")
    if r.settings.get("records") == "log":
        click.echo(f"  kept in the client logs: the last call was logged on {st.last_done or 'no day yet'}")
        return
    click.echo(f"  {records_line(records, r.settings.get('sheets') == 'per-client')}")
    for row in data.get("tell_them_early", []):
        click.echo(f"  tell them early: {row['name']}: {row['what']} (due {row['due']}; nothing logged with them"
                   + (f" since {row['since']})" if row["since"] else ")"))
    if not chosen:
        click.echo(f"\nNo record for {label} yet.")
        return
    click.echo(f"\n{label}:")
    if "letters" in data:
        width = max((len(row["name"]) for row in data["letters"]), default=0)
        words = {"before its day": "letter posted {sent}, before its day", "on its day": "letter posted {sent}",
                 "after its day": "letter posted {sent}, after its day", "to come": "its day is ahead",
                 "due today": "today is its day: write the letter", "past its day": "its day passed without a letter"}
        for row in data["letters"]:
            said = words[row["state"]].format(sent=row["letter_sent"])
            click.echo(f"  {row['date']}  {row['name']:<{width}}  {said}")
        click.echo(f"  {sum(1 for x in data['letters'] if x['letter_sent'])} of {len(data['letters'])} letters sent")
        return
    keys = [m.key for m in r.metrics]
    names = {c.slug: c.name for c in ws.clients}
    width = max([30, *(len(names.get(e["client"], e["client"])) for e in data["entries"])])
    for e in data["entries"]:
        scores = "  ".join(f"{k}={e['scores'].get(k, '-')}" for k in keys)
        answers = "  ".join(f"{k}={v}" for k, v in e["answers"].items() if k != "why")
        click.echo(f"  {names.get(e['client'], e['client']):<{width}} {scores}  {answers}".rstrip())


@ritual.command(short_help="Write what NAME's record of PERIOD decided (grades, levels) into the client files.")
@click.argument("name", shell_complete=complete_ritual)
@click.argument("period")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@json_option
@today_option
@click.pass_context
def apply(ctx: click.Context, name: str, period: str, dry_run: bool, as_json: bool, today: str | None) -> None:
    """Write the answers of NAME's record of PERIOD that its definition applies
    to a client field (applies_to: grade, level, …) into each client's file:
    one changed line per field, every other byte unchanged. Then the record
    gets 'applied: TODAY', and 'check' warns (W402) when a file later says
    otherwise. A decision a later record overrides is left alone.

    \b
    Examples:
      rippledoc ritual apply high-grade 2026-Q3 --dry-run
      rippledoc ritual apply client-for-life 2026-Q3
    """
    from rippledoc.edit import atomic
    from rippledoc.edit.client import EditError, mark_applied, set_field
    from rippledoc.parse.fields import parse_date
    from rippledoc.views.rituals import CannotApply, apply_plan
    day = workspace_today(root_from(ctx), today)
    root = root_from(ctx)
    ws = load(root, day)
    r = _find(ws, name)
    try:
        plan = apply_plan(ws, r.key, period)
    except CannotApply as exc:
        fail(str(exc))
        return
    broken = [d for d in ws.diagnostics if d.is_error and d.path in plan.records]
    if broken:
        fail(f"{broken[0].location()}: {broken[0].message}; nothing applied: fix the record first "
             "('rippledoc check' lists every problem)", EXIT_ERRORS)
    written: list[str] = []
    if not dry_run:
        with atomic.locked(root):
            for w in plan.writes:
                value = parse_date(w.new) if w.field == "snooze" else w.new
                try:
                    set_field(root, w.path, w.field, value or w.new, only_if_empty=False, today=day)
                except EditError as exc:
                    fail(f"{exc} ({len(written)} of {len(plan.writes)} changes written before it; the record is "
                         "not marked applied)", EXIT_ERRORS)
                written.append(f"{w.path}:{w.field}")
            try:
                for path in plan.records:
                    mark_applied(root, path, day, today=day)
            except EditError as exc:
                fail(f"{exc} (every change was written; mark the record 'applied: {day}' by hand)", EXIT_ERRORS)
    if as_json:
        print_json({"ritual": plan.ritual, "period": plan.period, "dry_run": dry_run, "records": list(plan.records),
                    "fields": {a: f for a, f in plan.fields}, "writes": [w.to_json() for w in plan.writes],
                    "agreed": plan.agreed, "skipped": [x.to_json() for x in plan.skipped],
                    "applied": None if dry_run else day.isoformat()})
        return
    rule = ", ".join(f"{a} -> {f}" if a != f else f for a, f in plan.fields)
    click.echo(f"{plan.name}, {plan.period} ({rule}):")
    for w in plan.writes:
        click.echo(f"  {w.path}: {w.field} {w.old or '(none)'} -> {w.new}   {w.name}")
    for x in plan.skipped:
        if x.later is None:
            click.echo(f"  left alone: {x.client}: {x.field} {x.value}: no such client")
    later: dict[str, int] = {}
    for x in plan.skipped:
        if x.later is not None:
            later[x.later] = later.get(x.later, 0) + 1
    for path, count in later.items():
        click.echo(f"  left alone: {plural(count, 'decision')} made again since in {path}")
    counts = f"{plural(len(plan.writes), 'change')}, {plan.agreed} already in the files"
    if dry_run:
        click.echo(f"{counts} (dry run, nothing written).")
    else:
        click.echo(f"{counts}; {', '.join(plan.records)} marked applied: {day}.")


def records_line(records: list, per_client: bool) -> str:
    """``12 sheets, 2025`` or ``5 records, 2026-W43 to 2026-W47``; ``no records yet``."""
    if not records:
        return "no records yet"
    periods = sorted({x.period for x in records})
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    return f"{plural(len(records), 'sheet' if per_client else 'record')}, {span}"
