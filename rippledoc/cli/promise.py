"""``rippledoc promise``: a commitment to a client, and its renegotiation, each a one-line edit of the client file."""
from __future__ import annotations

from datetime import date

import click

from rippledoc.cli.complete import complete_client
from rippledoc.cli.common import date_option, fail, json_option, print_json, today_option


class PromiseGroup(click.Group):
    """``promise CLIENT WHAT …`` is ``promise add CLIENT WHAT …``; ``promise move …`` renegotiates."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["add", *args]
        return super().parse_args(ctx, args)


@click.group(cls=PromiseGroup, no_args_is_help=True)
def promise() -> None:
    """Record what you promised a client, and say so when the day has to move.

    'promise CLIENT WHAT --by DAY' is short for 'promise add …' (a client
    named 'move' or 'add' needs the long form). Mark a promise kept with
    'rippledoc done'. Each command adds or changes one line of the client's
    file. A promise moved before its day, with the client told, counts as
    renegotiated in 'metrics'; one whose day passed without a word counts
    as missed until it is kept, and then as late (docs/metrics.md).

    \b
    Examples:
      rippledoc promise kestrel "Cost estimate for the cloud move" --by fri --to Denise
      rippledoc promise move kestrel cost --to 2026-12-04 --told today --note "quotes are late; plan sent"
    """


def _day(d: date) -> str:
    return f"{d:%a %d %b %Y}"


def _from_today(d: date, today: date) -> str:
    n = (d - today).days
    return "today" if n == 0 else "tomorrow" if n == 1 else f"in {n} days" if n > 0 else \
        f"{-n} day{'s' * (n != -1)} ago: it is overdue"


@promise.command("add", short_help="Add a commitment: what you promised a client, and by when.")
@click.argument("client", shell_complete=complete_client)
@click.argument("what", nargs=-1, required=True)
@click.option("--by", "by", metavar="DAY", required=True,
              help="The day it is due: YYYY-MM-DD, or counted from the day you promised it: tomorrow, +3 (days), "
                   "+2w (weeks), or a weekday such as fri (the next one).")
@click.option("--to", "to", metavar="NAME", default=None,
              help="Whom you promised it to (default: nobody named, the client).")
@click.option("--date", "when", metavar="YYYY-MM-DD", default=None, help="When you promised it (default: today).")
@json_option
@today_option
@click.pass_context
def add(ctx: click.Context, client: str, what: tuple[str, ...], by: str, to: str | None, when: str | None,
        as_json: bool, today: str | None) -> None:
    """Add a commitment to CLIENT's file: '{made, due, what, to}', one new line.

    \b
    Examples:
      rippledoc promise add kestrel "Cost estimate for the cloud move" --by 2026-12-04
      rippledoc promise add "Aurora Dental" "Send the access review" --by +2w --to Renata
    """
    from rippledoc.cli.common import edit_or_fail, start_edit
    from rippledoc.edit.client import add_commitment
    root, ws, c, day, made = start_edit(ctx, client, today, when)
    due = date_option(by, "--by", base=made)
    assert due is not None
    text = " ".join(" ".join(what).split())
    if due < made:
        fail(f"--by {due} lies before the day you promised it ({made})")
    same = [k for k in c.commitments if k.done is None and k.what.lower() == text.lower()]
    if same:
        fail(f"{c.name} already has '{same[0].what}' open, due {same[0].due}; to change its day: "
             f"rippledoc promise move {c.slug} \"{same[0].what}\" --to DAY --told today")
    result = edit_or_fail(add_commitment, root, c.path, due, text, made=made, to=to, today=day)
    if as_json:
        print_json({"client": c.slug, "path": result.path, "line": result.line, "text": result.text, "what": text,
                    "made": made.isoformat(), "due": due.isoformat(), "to": to})
        return
    click.echo(f"Promised for {c.name} ({result.path}:{result.line}):")
    click.echo(f"  {result.text.strip()}")
    click.echo(f"Due {_day(due)} ({_from_today(due, day)}). Kept: rippledoc done {c.slug} \"{text}\"; "
               f"if you cannot, say so early: rippledoc promise move {c.slug} \"{text}\" --to DAY --told today")


@promise.command("move", short_help="Renegotiate a commitment: the new day, and when the client was told.")
@click.argument("client", shell_complete=complete_client)
@click.argument("what", nargs=-1, required=True)
@click.option("--to", "to", metavar="DAY", required=True,
              help="The new day it is due: YYYY-MM-DD, or counted from today: +3, +2w, fri.")
@click.option("--told", metavar="DAY", required=True,
              help="The day you told the client of the new day: today or YYYY-MM-DD (not after today).")
@click.option("--note", default="", help="What you told them: why, and the plan to get back on track.")
@json_option
@today_option
@click.pass_context
def move(ctx: click.Context, client: str, what: tuple[str, ...], to: str, told: str, note: str, as_json: bool,
         today: str | None) -> None:
    """Move CLIENT's open commitment WHAT to another day, saying when the client was told.

    Adds '{due: DAY, told: DAY, note: …}' to the commitment's 'moved:' list,
    on its own line; the day it was due until now stays written. WHAT
    matches as for 'done': exactly, case-insensitively, by its start or a part.

    \b
    Examples:
      rippledoc promise move kestrel cost --to 2026-12-04 --told today
      rippledoc promise move kestrel cost --to +1w --told 2026-11-12 --note "quotes late; plan sent"
    """
    from rippledoc.cli.common import edit_or_fail, start_edit
    from rippledoc.cli.log import pick_commitment
    from rippledoc.edit.client import find_commitment, move_commitment
    root, ws, c, day, _ = start_edit(ctx, client, today, None)
    new = date_option(to, "--to", base=day)
    said = date_option(told, "--told", base=day)
    assert new is not None and said is not None
    if said > day:
        fail(f"--told {said} lies after today ({day}): write the day you told them")
    text = " ".join(what)
    pick_commitment(c, text)
    found = find_commitment([(k.what, k) for k in c.commitments if k.done is None], text)
    if not found:  # already kept: the edit says when
        edit_or_fail(move_commitment, root, c.path, text, new, said, note, today=day)
        return
    k = found[0]
    if new == k.due:
        fail(f"'{k.what}' is already due {new}")
    if k.made and new < k.made:
        fail(f"--to {new} lies before the day it was promised ({k.made})")
    if k.made and said < k.made:
        fail(f"--told {said} lies before the day it was promised ({k.made})")
    result = edit_or_fail(move_commitment, root, c.path, text, new, said, note, today=day)
    in_time = said <= k.due
    if as_json:
        print_json({"client": c.slug, "path": result.path, "line": result.line, "text": result.text, "what": k.what,
                    "from": k.due.isoformat(), "to": new.isoformat(), "told": said.isoformat(), "in_time": in_time})
        return
    click.echo(f"Moved for {c.name} ({result.path}:{result.line}): '{k.what}' from {_day(k.due)} to {_day(new)}.")
    click.echo(f"  {result.text.strip()}")
    n = (k.due - said).days
    if in_time and not all(m.in_time for m in k.moves):
        click.echo(f"Told them {_day(said)}, in time for this move; an earlier move was told after its day, so once "
                   "kept it counts as late.")
    elif in_time:
        when_told = "on the day it was due" if n == 0 else f"{n} day{'s' * (n != 1)} before it was due"
        click.echo(f"Told them {_day(said)}, {when_told}: renegotiated in time. Kept by {_day(new)}, it counts "
                   "as renegotiated, not late.")
    else:
        click.echo(f"Told them {_day(said)}, {-n} day{'s' * (n != -1)} after it was due: the day passed without a "
                   "word, so it counts as missed until it is kept, then as late. Next time say so before the day, "
                   "with a plan.")
