"""What every command shares: finding the workspace, the date, loading, printing."""
from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, NoReturn, overload

import click

from rippledoc.parse.settings import SETTINGS_FILE

if TYPE_CHECKING:
    from rippledoc.book.book import Book
    from rippledoc.diagnostics import Diagnostic

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def workspace_root(here: Path) -> Path | None:
    """The nearest folder, from ``here`` upwards, with rippledoc.yaml or clients/; None when there is none."""
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file() or (folder / "clients").is_dir():
            return folder
    return None


def find_root(start: str | None) -> Path:
    """The workspace: the nearest folder, from ``start`` upwards, with rippledoc.yaml or clients/."""
    here = Path(start or os.getcwd()).resolve()
    if not here.is_dir():
        fail(f"no such folder: {here}")
    found = workspace_root(here)
    if found is not None:
        return found
    fail(f"no rippledoc workspace in {here} or above it "
         "(a workspace has a rippledoc.yaml or a clients/ folder); create one with 'rippledoc init'")
    raise AssertionError  # unreachable


def root_from(ctx: click.Context) -> Path:
    return find_root((ctx.find_root().obj or {}).get("directory"))


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"rippledoc: {message}", err=True)
    sys.exit(code)


def parse_today(value: str | None, tz: str | None = None) -> date:
    """``--today``: the given date, or the real one in the IANA zone ``tz`` (the machine's when None)."""
    given = date_option(value, "--today")
    if given is not None:
        return given
    from rippledoc.clock import today_in
    return today_in(tz)


def workspace_today(root: Path, value: str | None) -> date:
    """``--today``, or today's date in the workspace's time zone (only rippledoc.yaml is read)."""
    if value is not None:
        return parse_today(value)
    from rippledoc.clock import workspace_zone
    return parse_today(None, workspace_zone(root))


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # room for any plan, period or forecast around it


@overload
def date_option(value: str, option: str, base: date | None = None) -> date: ...
@overload
def date_option(value: str | None, option: str, base: date | None = None) -> date | None: ...
def date_option(value: str | None, option: str, base: date | None = None) -> date | None:
    """A ``YYYY-MM-DD`` option's value; a usage error naming the option when it is not a date. With ``base``,
    also a day counted from it (``tomorrow``, ``+3``, ``fri``: ``parse.fields.parse_day``)."""
    if value is None:
        return None
    from rippledoc.parse.fields import DAY_FORMS, parse_date, parse_day
    d = parse_date(value) if base is None else parse_day(value, base)
    if d is None:
        forms = "YYYY-MM-DD" if base is None else DAY_FORMS
        raise click.BadParameter(f"'{value}' is not a date ({forms})", param_hint=option)
    if not FIRST_DAY <= d <= LAST_DAY:
        raise click.BadParameter(f"'{value}' is outside the years {FIRST_DAY.year}-{LAST_DAY.year}",
                                 param_hint=option)
    return d


def today_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--today", "today", metavar="YYYY-MM-DD", default=None,
                        help="Compute as if today were this date (default: today in the workspace's time zone).")(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts (shape in docs/json.md).")(f)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 client``, ``2 clients``; ``many`` for the irregular ones (``plural(n, "story", "stories")``)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def print_json(data: Any) -> None:
    from rippledoc.cli.output import echo_raw
    echo_raw(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def load(root: Path, today: date) -> "Book":
    """Load the book for a command that is not ``check``: problems are summarised on stderr."""
    from rippledoc.book.loader import load_book
    book = load_book(root, today)
    for line in problem_summary(book, book.diagnostics):
        click.echo(f"rippledoc: {line}", err=True)
    return book


def unread_folders(diags) -> list[str]:
    """A folder that cannot be read (E007), said as it is: its files were never seen, so none is named."""
    return [f"{d.path}: {d.message}; nothing in it is loaded ({d.hint})" for d in diags if d.code == "E007"]


def problem_summary(ws: "Book", diags: "Iterable[Diagnostic]") -> list[str]:
    """What a command working on a book with errors must say: which files it left out, and what that means."""
    if not any(d.is_error for d in diags):
        return []
    out = unread_folders(diags)
    bad = sorted({d.path for d in diags if d.is_error and d.code != "E007"})
    loaded = {c.path for c in ws.clients} | {r.source.path for r in ws.records} | \
             {r.source.path for r in ws.rituals.values()}
    left_out = [p for p in bad if p not in loaded and p != "rippledoc.yaml"]
    if left_out:
        out.append("left out " + ", ".join(left_out[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
                   + (": they do not load" if len(left_out) > 1 else ": it does not load"))
    if "rippledoc.yaml" in bad:
        out.append("rippledoc.yaml has errors: defaults are used where it is wrong")
    partly = [p for p in bad if p in loaded]
    if partly:
        out.append(f"{len(partly)} file{'s' * (len(partly) != 1)} load with errors, the wrong parts ignored")
    errors = sum(d.is_error for d in diags)
    out.append(f"{errors} error{'s' * (errors != 1)} in all; 'rippledoc check' shows them with file and line")
    return out


def pick_client(ws, query: str):
    """The one client ``query`` means; an ambiguous or unknown name exits 2 with the candidates."""
    from rippledoc.book.names import match_clients
    found = match_clients(query, ws.clients)
    if len(found) == 1:
        return found[0]
    if not found:
        import difflib
        from rippledoc.book.names import slugify
        words = {w: c.slug for c in ws.clients for w in (c.slug, c.slug.split("-")[0])}
        close = difflib.get_close_matches(slugify(query), list(words), n=1, cutoff=0.7)
        fail(f"no client matches '{query}'" + (f"; did you mean '{words[close[0]]}'?" if close else " (by slug or name)"))
    lines = "\n".join(f"  {c.slug:<32} {c.name}" for c in found)
    click.echo(f"rippledoc: '{query}' matches {len(found)} clients:\n{lines}\nSay which one, e.g. by its slug.",
               err=True)
    raise SystemExit(2)


def start_edit(ctx: click.Context, client: str, today: str | None, when: str | None):
    """What an edit of one client's file starts from: (root, workspace, client, today, the --date or today)."""
    root = root_from(ctx)
    day = workspace_today(root, today)
    on = date_option(when, "--date") or day
    if on > day:
        fail(f"--date {on} lies after today ({day})")
    ws = load(root, day)
    return root, ws, pick_client(ws, client), day, on


def edit_or_fail(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, an edit of a file; its EditError is the command's error (exit 1)."""
    from rippledoc.edit.client import EditError
    try:
        return fn(*args, **kwargs)
    except EditError as exc:
        fail(str(exc), EXIT_ERRORS)
