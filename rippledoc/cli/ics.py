"""``rippledoc export ics``: the planned calls as a calendar file."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rippledoc.cli.common import EXIT_ERRORS, fail, load, root_from, today_option, workspace_today
from rippledoc.cli.daily import owner_option, resolve_owner


@click.command()
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="How many days to plan.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--alarm", type=click.IntRange(0, 24 * 60), default=15, show_default=True,
              help="Minutes before each call for the reminder.")
@owner_option
@today_option
@click.pass_context
def ics(ctx: click.Context, days: int, output: str | None, alarm: int, owner: str | None, today: str | None) -> None:
    """The planned calls as an RFC 5545 calendar, with research notes and a reminder.

    Each planned call keeps its UID when it moves to another day, with a
    higher SEQUENCE, so importing a newer file (or subscribing to the site's
    calls.ics, which 'build' writes) moves events instead of copying them.
    DTSTAMP is when the book's files last changed (SOURCE_DATE_EPOCH when set).

    \b
    Examples:
      rippledoc export ics --days 14 -o calls.ics
      rippledoc export ics --owner priya --alarm 30 --output priya.ics
    """
    from rippledoc.edit.atomic import atomic_write
    from rippledoc.exchange.ics import build_calendar, files_stamp
    day = workspace_today(root_from(ctx), today)
    ws = load(root_from(ctx), day)
    data = build_calendar(ws, day, days, resolve_owner(ws, owner), alarm, stamp=files_stamp(ws))
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        atomic_write(Path(output), data)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_ERRORS)
    events = data.count(b"BEGIN:VEVENT")
    click.echo(f"Wrote {events} call{'s' * (events != 1)} to {output}.", err=True)
