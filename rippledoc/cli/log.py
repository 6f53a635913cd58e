"""``rippledoc log``, ``done`` and ``assign``: lossless one-line edits of client files."""
from __future__ import annotations

import click

from rippledoc.cli.complete import complete_client
from rippledoc.model import DEFAULT_OUTCOME, KINDS, OUTCOMES, OUTCOMES_OF, TOUCH_KINDS
from rippledoc.cli.common import (date_option, edit_or_fail, EXIT_ERRORS, fail, json_option, load, pick_client, print_json,
                     root_from, start_edit, today_option, workspace_today)


def _defaults() -> str:
    """Each kind's default outcome, as the help says it: 'reached for call, meeting, visit; sent for …'."""
    kinds: dict[str, list[str]] = {}
    for k in TOUCH_KINDS:
        kinds.setdefault(k.default, []).append(k.name)
    return "; ".join(f"{outcome} for {', '.join(names)}" for outcome, names in kinds.items())


@click.command()
@click.argument("client", shell_complete=complete_client)
@click.argument("words", nargs=-1)
@click.option("--kind", type=click.Choice(KINDS), default="call", show_default=True)
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None,
              help=f"Default: {_defaults()}. An email or letter they answered: reached.")
@click.option("--next", "next_", metavar="DAY", default=None,
              help="The promised next contact, e.g. the call back after a voicemail: YYYY-MM-DD, or counted from "
                   "the touch's day: tomorrow, +3 (days), +2w (weeks), or a weekday such as fri (the next one).")
@click.option("--note", default="", help="What happened. #success #intel #support tag it, @name names a colleague.")
@click.option("--date", "when", metavar="YYYY-MM-DD", default=None, help="When it happened (default: today).")
@click.option("--by", "by", metavar="NAME", default=None, help="Who made the touch (default: me: in rippledoc.yaml).")
@click.option("--handoff", metavar="'DEPT: NAME by DATE'", default=None,
              help="Hand a problem to a colleague, e.g. 'training: priya by 2026-11-28' (tell the customer who "
                   "will call and by when).")
@click.option("--kudos", "kudos", metavar="'NAME[: WORDS]'", multiple=True,
              help="A colleague the customer praised, with their words: 'priya: best training we had'.")
@click.option("--story", metavar="STEP[:REF]", default=None,
              help="success (starts a story), asked, testimonial, published, webinar or declined; "
                   "REF: the story's date or id (default: the client's latest story).")
@click.option("--quote", metavar="WORDS", default=None, help="The testimonial's words (with --story testimonial).")
@click.option("--intel", "intel", metavar="'[KIND: ]TOPIC'", multiple=True,
              help="Market intelligence: 'conference: Midwest Fleet Expo', 'trend: …', 'site: …', 'competitor: …'.")
@json_option
@today_option
@click.pass_context
def log(ctx: click.Context, client: str, words: tuple[str, ...], kind: str, outcome: str | None, next_: str | None,
        note: str, when: str | None, by: str | None, handoff: str | None, kudos: tuple[str, ...], story: str | None,
        quote: str | None, intel: tuple[str, ...], as_json: bool, today: str | None) -> None:
    """Add a touch to CLIENT's log: one new line, every other byte unchanged.

    CLIENT is a slug or a name, matched loosely. The note may also follow the
    client as plain words.

    \b
    Examples:
      rippledoc log kestrel --outcome voicemail --next 2026-11-26 --note "left a message"
      rippledoc log kestrel --outcome voicemail --next thu --note "said I'd call Thursday"
      rippledoc log "Aurora Dental" loved the new backup #success
      rippledoc log maple --kind email --note "sent the quote"
      rippledoc log prairie "tellers locked out" --handoff "training: priya by 2026-11-28"
      rippledoc log maple --kudos "lena: she stayed until close" --intel "trend: card fees"
    """
    from rippledoc.views.cadence import policy
    from rippledoc.edit.client import append_touch
    from rippledoc.parse.grammar.write import format_touch
    day = workspace_today(root_from(ctx), today)
    touch_day = date_option(when, "--date") or day
    nxt = date_option(next_, "--next", base=touch_day)
    if touch_day > day:
        fail(f"--date {touch_day} lies after today ({day}): log what happened; "
             "a planned call is a --next date on the last touch")
    if nxt is not None and nxt < touch_day:
        fail(f"--next {nxt} lies before the touch ({touch_day})")
    root = root_from(ctx)
    ws = load(root, day)
    c = pick_client(ws, client)
    who = by or ws.settings.me
    text = " ".join(x for x in (note.strip(), " ".join(words).strip()) if x)
    outcome_words = None
    if handoff or kudos or story or quote or intel:
        from rippledoc.cli.outcomes import log_outcomes
        text, outcome_words = log_outcomes(ws, c, text, handoff, kudos, story, quote, intel, by)
    if outcome is not None and outcome not in OUTCOMES_OF[kind]:
        fail(f"--outcome {outcome} does not go with --kind {kind}: one of {', '.join(OUTCOMES_OF[kind])}")
    line = format_touch(touch_day, kind, outcome, who, text, nxt)
    result = edit_or_fail(append_touch, root, c.path, line, today=day)
    if as_json:
        print_json({"client": c.slug, "path": result.path, "line": result.line, "text": result.text})
        return
    click.echo(f"Logged for {c.name} ({result.path}:{result.line}):")
    click.echo(f"  {result.text}")
    for said in outcome_words or ():
        click.echo(said)
    effective = outcome or DEFAULT_OUTCOME[kind]
    if effective in ("voicemail", "no-answer") and nxt is None:
        click.echo("Say when you will call back, and log it: --next YYYY-MM-DD (the callback becomes that day's call).")
    elif nxt is not None:
        from rippledoc.views.plan import callback_notice
        click.echo(callback_notice(ws, c, touch_day, nxt, day))
    elif effective == "reached":
        pol, _ = policy(ws)
        click.echo(pol.next_call_words(c, touch_day))


@click.command()
@click.argument("client", shell_complete=complete_client)
@click.argument("commitment", nargs=-1, required=True)
@click.option("--date", "when", metavar="YYYY-MM-DD", default=None, help="When it was kept (default: today).")
@json_option
@today_option
@click.pass_context
def done(ctx: click.Context, client: str, commitment: tuple[str, ...], when: str | None, as_json: bool,
         today: str | None) -> None:
    """Mark CLIENT's commitment kept: adds 'done: DATE' to it, nothing else changes.

    COMMITMENT matches the commitment's 'what' exactly, case-insensitively,
    by its start or by a part of it.

    \b
    Examples:
      rippledoc done kestrel "cost estimate"
      rippledoc done kestrel cost --date 2026-11-20
    """
    from rippledoc.edit.client import mark_done
    root, ws, c, day, kept = start_edit(ctx, client, today, when)
    what = " ".join(commitment)
    pick_commitment(c, what)
    result = edit_or_fail(mark_done, root, c.path, what, kept, today=day)
    match = next((x for x in c.commitments if x.done is None and x.what in result.text), None)
    if as_json:
        print_json({"client": c.slug, "path": result.path, "line": result.line, "text": result.text,
                    "what": match.what if match else None, "done": kept.isoformat()})
        return
    click.echo(f"Marked kept for {c.name} ({result.path}:{result.line}):")
    click.echo(f"  {result.text.strip()}")
    if match is not None:
        n = (match.due - kept).days
        verdict = ("on the day it was due" if n == 0 else f"{n} day{'s' * (n != 1)} early" if n > 0
                   else f"{-n} day{'s' * (n != -1)} late: tell them early next time, with a plan")
        click.echo(f"'{match.what}': kept {verdict}.")


def pick_commitment(client, what: str) -> None:
    """A usage error (exit 2), as for an unknown client, when ``what`` names no open commitment of ``client``
    or several; the edit itself says the rest (already kept, a file that does not read)."""
    from rippledoc.edit.client import find_commitment
    items = [(x.what, x) for x in client.commitments]
    open_items = [(t, x) for t, x in items if x.done is None]
    found = find_commitment(open_items, what)
    if len(found) > 1:
        fail(f"'{what}' matches {len(found)} open commitments of {client.name}: "
             + "; ".join(repr(x.what) for x in found) + ". Say which one.")
    if not found and not find_commitment([(t, x) for t, x in items if x.done is not None], what):
        fail(f"no open commitment of {client.name} matches '{what}'"
             + (": the open ones are " + "; ".join(repr(t) for t, _ in open_items) if open_items
                else ": it has none open"))


@click.command()
@click.option("--to", "members", metavar="A,B", default=None, help="Share among these team members only.")
@click.option("--dry-run", is_flag=True, help="Show who would get whom; write nothing.")
@json_option
@today_option
@click.pass_context
def assign(ctx: click.Context, members: str | None, dry_run: bool, as_json: bool, today: str | None) -> None:
    """Give every client without an owner to a team member, balanced and deterministic.

    Existing owners are kept. The most important clients (for-life, then key,
    then base) are placed first, each with the member who has the fewest
    active clients; ties go to the member listed first in rippledoc.yaml.
    Writes 'owner: NAME' into each file (one added line).

    \b
    Examples:
      rippledoc assign --dry-run
      rippledoc assign --to stan,lena
    """
    from rippledoc.views.plan import share_clients
    from rippledoc.edit.client import set_field
    from rippledoc.cli.output import table, use_color
    day = workspace_today(root_from(ctx), today)
    root = root_from(ctx)
    ws = load(root, day)
    team = list(ws.settings.team)
    if not team:
        fail("rippledoc.yaml has no team: to share clients among (add team: with a key per member)")
    chosen = team
    if members:
        chosen = [m.strip() for m in members.split(",") if m.strip()]
        unknown = [m for m in chosen if m not in team]
        if unknown:
            fail(f"--to: {', '.join(unknown)} not in the team of rippledoc.yaml ({', '.join(team)})")
    moves, loads = share_clients(ws, chosen)
    written: list[str] = []
    if not dry_run:
        from rippledoc.edit.client import EditError
        for client, member in moves:
            try:
                r = set_field(root, client.path, "owner", member, only_if_empty=True, today=day)
            except EditError as exc:
                fail(f"{exc} ({len(written)} of {len(moves)} clients assigned before it"
                     + (f": {', '.join(written)})" if written else ")"), EXIT_ERRORS)
            if r.changed:
                written.append(client.slug)
    if as_json:
        print_json({"dry_run": dry_run, "assignments": [{"client": c.slug, "name": c.name, "level": c.level,
                                                         "owner": m, "written": c.slug in written} for c, m in moves],
                    "loads": loads})
        return
    if not moves:
        click.echo("Every client has an owner; nothing to do.")
    else:
        click.echo(table(("CLIENT", "LEVEL", "OWNER"), [(c.name, c.level, m) for c, m in moves],
                         color=use_color()))
        click.echo(f"{len(moves)} client{'s' * (len(moves) != 1)} {'to assign (dry run, nothing written)' if dry_run else 'assigned'}.")
    click.echo("Clients per member (active and paused): " + ", ".join(f"{k} {v}" for k, v in loads.items()))
