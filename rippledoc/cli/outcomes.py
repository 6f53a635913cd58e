"""``rippledoc handoffs``, ``handoff-done``, ``kudos``, ``stories`` and ``intel``: what the calls produced."""
from __future__ import annotations

from datetime import date

import click

from rippledoc.cli.complete import complete_client
from rippledoc.cli.common import (date_option, EXIT_ERRORS, fail, json_option, load, plural, print_json, root_from,
                     today_option, workspace_today)



def _member(ws, name: str | None, option: str) -> str | None:
    if name is None:
        return None
    if name == "me" and ws.settings.me:
        return ws.settings.me
    team = ws.settings.team
    if team and name not in team:
        fail(f"{option} '{name}' is not in the team of rippledoc.yaml ({', '.join(team)})")
    return name


def _span(start: date | None, end: date | None) -> str:
    if start and end:
        return f" from {start} to {end}"
    return f" since {start}" if start else f" up to {end}" if end else ""


def _period(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    first, last = date_option(start, "--from"), date_option(end, "--to")
    if first and last and first > last:
        fail(f"--from {first} is after --to {last}")
    return first, last


@click.command()
@click.option("--owner", metavar="NAME", default=None,
              help="Only the handoffs NAME owns or handed on (a key of team:, or 'me').")
@click.option("--all", "show_all", is_flag=True, help="Also the closed ones.")
@json_option
@today_option
@click.pass_context
def handoffs(ctx: click.Context, owner: str | None, show_all: bool, as_json: bool, today: str | None) -> None:
    """Problems handed to a colleague on a call: open and overdue first.

    A handoff is 'handoff: training @priya by 2026-11-28' in a log line
    (docs/format.md); close it with 'rippledoc handoff-done CLIENT'.

    \b
    Examples:
      rippledoc handoffs
      rippledoc handoffs --owner priya --all
      rippledoc handoffs --today 2026-11-23 --json
    """
    from rippledoc.views.followups import handoff_list
    from rippledoc.cli.output import paint, table, use_color
    day = workspace_today(root_from(ctx), today)
    ws = load(root_from(ctx), day)
    who = _member(ws, owner, "--owner")
    items = handoff_list(ws, day, who, closed=show_all)
    if as_json:
        print_json({"date": day.isoformat(), "owner": who, "handoffs": [h.to_json(day) for h in items]})
        return
    if not items:
        click.echo("No open handoffs" + (f" for {who}" if who else "") + ".")
        return
    color = use_color()
    rows = []
    for h in items:
        state = h.state(day)
        n = (h.due - day).days
        when = (f"{-n}d overdue" if state == "overdue" else "due today" if state == "open" and n == 0 else
                f"due {h.due:%a %d %b}" if state == "open" else f"{state} {h.done}")
        rows.append((when, h.client.name, h.owner + (f" ({h.department})" if h.department else ""),
                     h.caller or "-", f"{h.touch.date:%d %b}", h.what or "-", f"{h.source.path}:{h.source.line}"))
    opened = [h for h in items if h.state(day) in ("open", "overdue")]
    late = sum(h.state(day) == "overdue" for h in items)
    click.echo(paint(plural(len(opened), "open handoff") + (f", {late} overdue" if late else "")
                     + (f" · {who}" if who else ""), "bold", color))
    click.echo(table(("WHEN", "CLIENT", "OWNER", "HANDED BY", "ON", "WHAT", "WHERE"), rows,
                     styles=("yellow", "", "cyan", "dim", "dim", "", "dim"), color=color, max_width=(0, 28, 0, 0, 0, 48)))


@click.command(name="handoff-done")
@click.argument("client", shell_complete=complete_client)
@click.option("--owner", metavar="NAME", default=None, help="The handoff NAME owns, when the client has several.")
@click.option("--date", "when", metavar="YYYY-MM-DD", default=None, help="When it was done (default: today).")
@json_option
@today_option
@click.pass_context
def handoff_done(ctx: click.Context, client: str, owner: str | None, when: str | None, as_json: bool,
                 today: str | None) -> None:
    """Close CLIENT's open handoff: writes 'done: DATE' on its log line, nothing else changes.

    \b
    Examples:
      rippledoc handoff-done harbor
      rippledoc handoff-done tidewater --owner priya --date 2026-11-20
    """
    from rippledoc.edit.client import EditError, close_handoff
    from rippledoc.views.followups import handoff_list
    from rippledoc.cli.common import start_edit
    root, ws, c, day, closed_on = start_edit(ctx, client, today, when)
    who = _member(ws, owner, "--owner")
    found = [h for h in handoff_list(ws, day) if h.client.slug == c.slug and (who is None or h.owner == who)]
    if not found:
        fail(f"{c.name} has no open handoff" + (f" owned by {who}" if who else ""))  # not found: usage, as a client
    if len(found) > 1:
        lines = "\n".join(f"  {h.source.path}:{h.source.line}  {h.owner}, due {h.due}: {h.what}" for h in found)
        click.echo(f"rippledoc: {c.name} has {len(found)} open handoffs:\n{lines}\nSay which with --owner.", err=True)
        raise SystemExit(2)
    h = found[0]
    if closed_on < h.touch.date:
        fail(f"--date {closed_on} lies before the handoff ({h.touch.date})")
    try:
        result = close_handoff(root, c.path, h.touch.text, closed_on, today=day)
    except EditError as exc:
        fail(str(exc), EXIT_ERRORS)
        return
    if as_json:
        print_json({"client": c.slug, "path": result.path, "line": result.line, "text": result.text,
                    "owner": h.owner, "due": h.due.isoformat(), "done": closed_on.isoformat()})
        return
    click.echo(f"Closed the handoff to {h.owner} for {c.name} ({result.path}:{result.line}):")
    click.echo(f"  {result.text}")
    n = (h.due - closed_on).days
    click.echo("Done " + ("on the day promised." if n == 0 else f"{n} day{'s' * (n != 1)} early." if n > 0
                          else f"{-n} day{'s' * (n != -1)} late: call {c.contact or 'them'} and say sorry."))


@click.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", default=None, help="First day counted.")
@click.option("--to", "end", metavar="YYYY-MM-DD", default=None, help="Last day counted.")
@click.option("--person", metavar="NAME", default=None, help="Only the kudos of this team member.")
@json_option
@today_option
@click.pass_context
def kudos(ctx: click.Context, start: str | None, end: str | None, person: str | None, as_json: bool,
          today: str | None) -> None:
    """Praise for the team, per employee, in the customers' words: ready to read out in a team meeting.

    \b
    Examples:
      rippledoc kudos
      rippledoc kudos --person priya
      rippledoc kudos --from 2026-10-01 --to 2026-12-31
    """
    from rippledoc.views.followups import kudos_list
    from rippledoc.cli.output import paint, use_color
    day = workspace_today(root_from(ctx), today)
    first, last = _period(start, end)
    ws = load(root_from(ctx), day)
    who = _member(ws, person, "--person")
    found = kudos_list(ws, first, last, who)
    if as_json:
        print_json({"from": first.isoformat() if first else None, "to": last.isoformat() if last else None,
                    "people": [{"person": p, "name": ws.settings.team[p].name if p in ws.settings.team else p,
                                "count": len(ks), "kudos": [k.to_json() for k in ks]} for p, ks in found.items()]})
        return
    if not found:
        click.echo("No kudos" + _span(first, last) + ".")
        return
    color = use_color()
    for p, ks in found.items():
        name = ws.settings.team[p].name if p in ws.settings.team else p
        click.echo(paint(f"{name} · {len(ks)} kudos", "bold", color))
        for k in ks:
            words = f"“{k.words}”" if k.quoted else k.words
            click.echo(f"  {k.touch.date}  {words}")
            click.echo(paint(f"              — {k.client.name}" + (f", said to {k.touch.by}" if k.touch.by else ""),
                             "dim", color))
        click.echo("")


@click.command()
@click.option("--stage", type=click.Choice(("story", "asked", "testimonial", "published", "webinar", "done",
                                            "declined")), default=None, help="Only the stories at this stage.")
@json_option
@today_option
@click.pass_context
def stories(ctx: click.Context, stage: str | None, as_json: bool, today: str | None) -> None:
    """Success stories: story → asked → testimonial → published / webinar guest, and what to ask for next.

    Asking is due once a story is story_ask_days old (rippledoc.yaml, default 14) and nobody asked yet.

    \b
    Examples:
      rippledoc stories
      rippledoc stories --stage story
      rippledoc stories --json
    """
    from rippledoc.views.followups import story_list
    from rippledoc.cli.output import paint, table, use_color
    day = workspace_today(root_from(ctx), today)
    ws = load(root_from(ctx), day)
    views = [v for v in story_list(ws, day) if stage is None or v.stage == stage]
    if as_json:
        print_json({"date": day.isoformat(), "ask_after_days": ws.settings.story_ask_days,
                    "stories": [v.to_json(day) for v in views]})
        return
    if not views:
        click.echo("No success stories" + (f" at stage {stage}" if stage else "") + ". Tag a touch #success to start one.")
        return
    color = use_color()
    rows: list[tuple[str, ...]] = []
    for v in views:
        nxt = v.next_step
        if v.ask_due is not None:
            nxt += f" ({'due since ' + v.ask_due.isoformat() if v.ask_due <= day else 'from ' + v.ask_due.isoformat()})"
        own_id = v.story.id if v.story.id != v.story.date.isoformat() else "-"
        rows.append((v.story.date.isoformat(), v.story.client.name, own_id, v.stage, nxt))
    click.echo(paint(plural(len(views), "success story", "success stories"), "bold", color))
    head: tuple[str, ...] = ("DATE", "CLIENT", "ID", "STAGE", "NEXT")
    styles: tuple[str, ...] = ("dim", "", "dim", "cyan", "")
    if all(row[2] == "-" for row in rows):  # no story has its own [id]: the column would say nothing
        rows = [row[:2] + row[3:] for row in rows]
        head, styles = head[:2] + head[3:], styles[:2] + styles[3:]
    click.echo(table(head, rows, styles=styles, color=color, max_width=(0, 30)))
    quotes = [v for v in views if v.story.quote]
    if quotes:
        click.echo("")
        for v in quotes:
            click.echo(f"“{v.story.quote}” — {v.story.client.contact or v.story.client.name}, {v.story.client.name}")


@click.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", default=None, help="First day counted.")
@click.option("--to", "end", metavar="YYYY-MM-DD", default=None, help="Last day counted.")
@click.option("--kind", type=click.Choice(("site", "conference", "trend", "competitor")), default=None,
              help="Only topics of this kind.")
@json_option
@today_option
@click.pass_context
def intel(ctx: click.Context, start: str | None, end: str | None, kind: str | None, as_json: bool,
          today: str | None) -> None:
    """Market intelligence by topic across clients: what is everyone reading, attending, worried about?

    \b
    Examples:
      rippledoc intel
      rippledoc intel --kind conference
      rippledoc intel --from 2026-01-01 --json
    """
    from rippledoc.views.followups import intel_topics
    from rippledoc.cli.output import paint, table, use_color
    day = workspace_today(root_from(ctx), today)
    first, last = _period(start, end)
    ws = load(root_from(ctx), day)
    topics = [t for t in intel_topics(ws, first, last) if kind is None or t.kind == kind]
    if as_json:
        print_json({"from": first.isoformat() if first else None, "to": last.isoformat() if last else None,
                    "topics": [t.to_json() for t in topics]})
        return
    if not topics:
        click.echo("No intelligence" + _span(first, last) + ". Tag a touch #intel[conference: …] to collect some.")
        return
    color = use_color()
    rows = []
    for t in topics:
        dates = sorted(i.touch.date for i in t.notes)
        rows.append((t.topic or "(no topic)", t.kind or "-", str(len(t.notes)), str(len(t.clients)),
                     f"{dates[0]}" + (f" – {dates[-1]}" if dates[-1] != dates[0] else ""),
                     ", ".join(c.name for c in t.clients)))
    notes = sum(len(t.notes) for t in topics)
    named = sum(t.topic is not None for t in topics)
    click.echo(paint(f"{plural(notes, 'intelligence note')}, {plural(named, 'topic')}"
                     + _span(first, last), "bold", color))
    click.echo(table(("TOPIC", "KIND", "NOTES", "CLIENTS", "WHEN", "WHO"), rows, align="llrrll",
                     styles=("bold", "cyan", "", "", "dim", ""), color=color, max_width=(36, 0, 0, 0, 0, 60)))


def _story_exists(ws, client, ref: str | None, option: str) -> None:
    """A usage error (exit 2), as for an unknown client, when --story's REF names none of the client's stories."""
    mine = [s for s in ws.followups.stories if s.client.slug == client.slug]
    if ref is None:
        if not mine:
            fail(f"--story {option}: {client.name} has no success story yet; start one with --story success")
        return
    if any(s.id == ref for s in mine) or sum(s.date.isoformat() == ref for s in mine) == 1:
        return
    known = ", ".join(s.id for s in mine)
    fail(f"--story {option}: {client.name} has no success story '{ref}'"
         + (f" (its stories: {known})" if known else "; start one with --story success"))


def log_outcomes(ws, client, text: str, handoff: str | None, kudos: tuple[str, ...], story: str | None,
                 quote: str | None, intel: tuple[str, ...], caller: str | None = None) -> tuple[str, list[str]]:
    """``rippledoc log``'s outcome options -> (the note with their syntax, what to say after logging)."""
    client_caller = caller or ws.settings.me
    from rippledoc.parse.grammar.note import STEPS
    from rippledoc.parse.grammar.write import compose_note, intel_mark
    from rippledoc.parse.marks import parse_handoff_option
    settings = ws.settings
    hand = None
    if handoff:
        try:
            hand = parse_handoff_option(handoff, settings)
        except ValueError as exc:
            fail(f"--handoff: {exc}")
            raise
    praised = []
    for item in kudos:
        person, _, words = item.partition(":")
        person = person.strip().lstrip("@")
        if settings.team and person not in settings.team:
            fail(f"--kudos: '{person}' is not in the team of rippledoc.yaml ({', '.join(settings.team)})")
        praised.append((person, words.strip()))
    step = None
    if story:
        name, _, ref = story.partition(":")
        name = name.strip().lower()
        if name not in ("success", *STEPS):
            fail(f"--story: '{name}' is not one of success, {', '.join(STEPS)}")
        step = (name, ref.strip() or None)
        if name != "success":
            _story_exists(ws, client, step[1], story)
    if quote and (step is None or step[0] != "testimonial"):
        fail("--quote goes with --story testimonial (the kudos words go in --kudos 'NAME: WORDS')")
    for topic in intel:
        try:
            intel_mark(topic)
        except ValueError as exc:
            fail(f"--intel: {exc}")
    try:
        return compose_note(text, hand, praised, step, quote, intel), outcome_words(settings, client, hand, praised,
                                                                                    step, client_caller)
    except ValueError as exc:
        fail(f"--story {story}: {exc}")
        raise


def outcome_words(settings, client, handoff: tuple[str | None, str, date] | None, kudos: list[tuple[str, str]],
                  story: tuple[str, str | None] | None, caller: str | None) -> list[str]:
    """What to say once a call's outcomes are logged: the sentence to tell the customer about a handoff, what
    becomes of kudos and of a new success story (``log`` and ``call`` both say it)."""
    said = []
    if handoff is not None:
        dept, owner, due = handoff
        name = settings.team[owner].name if owner in settings.team else owner
        said.append(f"Tell {client.contact or 'the customer'}: {name}" + (f" ({dept})" if dept else "") +
                    f" will be in touch by {due:%a %d %b}. It stays on the due list of " +
                    " and ".join(dict.fromkeys(p for p in (owner, caller) if p)) + " until "
                    f"'rippledoc handoff-done {client.slug}'.")
    for person, _ in kudos:
        said.append(f"Kudos for {person}: read it out at the next team meeting ('rippledoc kudos').")
    if story is not None and story[0] == "success":
        said.append(f"A success story: asking for a testimonial is due in {settings.story_ask_days} days "
                    "('rippledoc stories').")
    return said
