"""``rippledoc find``: grep for the book, by client and date (rippledoc/views/find.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from rippledoc.cli.complete import complete_client
from rippledoc.cli.common import (EXIT_ERRORS, date_option, json_option, load, plural, print_json, root_from,
                                  today_option, workspace_today)

if TYPE_CHECKING:
    from rippledoc.views.find import Found, Match


@click.command()
@click.argument("text")
@click.option("-e", "--regex", is_flag=True, help="TEXT is a regular expression (as is /TEXT/).")
@click.option("--client", metavar="NAME", default=None, shell_complete=complete_client, help="Only this client's lines (slug or name, as for log).")
@click.option("--since", metavar="YYYY-MM-DD", default=None,
              help="Only lines dated on or after: log lines, sales, commitments (due), ritual records.")
@click.option("--tag", metavar="TAG", default=None, help="Only clients tagged TAG, or log lines carrying #TAG.")
@click.option("--by", metavar="NAME", default=None, help="Only log lines by NAME (a key of team:, or 'me').")
@json_option
@today_option
@click.pass_context
def find(ctx: click.Context, text: str, regex: bool, client: str | None, since: str | None, tag: str | None,
         by: str | None, as_json: bool, today: str | None) -> None:
    """Find TEXT in names, contacts, notes, log lines, commitments, sales and ritual
    records: file:line, the client, the date and the line.

    TEXT matches in any case and script, as written or composed otherwise
    (NFKC, case folded); accents count. /TEXT/ or --regex: a Python regular
    expression, matched against the line as written, ignoring case.

    Exit status: 0 when something is found, 1 when nothing is (like grep),
    2 for a bad regular expression or option.

    \b
    Examples:
      rippledoc find "fuel card"
      rippledoc find "fleet expo" --since 2026-01-01 --by stan
      rippledoc find "/haul (ledger|news)/" --client kestrel --json
      rippledoc find cloud --tag logistics
    """
    from rippledoc.views.find import FindError, Filters, find as find_lines, parse_query
    try:
        query = parse_query(text, regex)
    except FindError as exc:
        raise click.BadParameter(str(exc), param_hint="TEXT") from None
    start = date_option(since, "--since")
    root = root_from(ctx)
    day = workspace_today(root, today)
    ws = load(root, day)
    from rippledoc.cli.daily import resolve_owner
    from rippledoc.cli.common import pick_client
    slug = pick_client(ws, client).slug if client is not None else None
    found = find_lines(ws, query, Filters(slug, start, tag, resolve_owner(ws, by, "--by")), day)
    if as_json:
        print_json(found.to_json())
    else:
        from rippledoc.cli.output import use_color
        color = use_color()
        for m in found.matches:
            click.echo(render_match(m, color))
        if found.matches and color:
            click.echo(summary(found), err=True)
    if not found.matches:
        if not as_json:
            click.echo(f"rippledoc: nothing found for '{text}'", err=True)
        ctx.exit(EXIT_ERRORS)


def render_match(m: "Match", color: bool) -> str:
    """``file:line: client · date · line``, the matched parts in bold red when ``color``."""
    from rippledoc.cli.output import paint
    parts = [paint(m.name, "bold", color)] if m.name else []
    if m.date is not None:
        parts.append(m.date.isoformat() + (f" ({m.state})" if m.state else ""))
    line, at = [], 0
    for start, end in m.spans:
        line += [m.text[at:start], paint(m.text[start:end], "bold red", color)]
        at = end
    line.append(m.text[at:])
    parts.append("".join(line))
    return f"{paint(m.path, 'cyan', color)}:{paint(str(m.line), 'green', color)}: " + " · ".join(parts)


def summary(found: "Found") -> str:
    return f"{plural(len(found.matches), 'line')} in {plural(found.clients, 'client')}"

