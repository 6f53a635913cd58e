"""What every command shares: finding the workspace, the date, loading, printing."""
from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable

import click

from ..settings import SETTINGS_FILE

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def find_root(start: str | None) -> Path:
    """The workspace: the nearest folder, from ``start`` upwards, with rippledoc.yaml or clients/."""
    here = Path(start or os.getcwd()).resolve()
    if not here.is_dir():
        fail(f"no such folder: {here}")
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file() or (folder / "clients").is_dir():
            return folder
    fail(f"no rippledoc workspace in {here} or above it "
         "(a workspace has a rippledoc.yaml or a clients/ folder); create one with 'rippledoc init'")
    raise AssertionError  # unreachable


def root_from(ctx: click.Context) -> Path:
    return find_root((ctx.find_root().obj or {}).get("directory"))


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"rippledoc: {message}", err=True)
    sys.exit(code)


def parse_today(value: str | None) -> date:
    """``--today``: the given date, or the real one (the only place rippledoc asks the clock)."""
    return date_option(value, "--today") or date.today()


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # room for any plan, period or forecast around it


def date_option(value: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option's value; a usage error naming the option when it is not a date."""
    if value is None:
        return None
    from ..fields import parse_date
    d = parse_date(value)
    if d is None:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)", param_hint=option)
    if not FIRST_DAY <= d <= LAST_DAY:
        raise click.BadParameter(f"'{value}' is outside the years {FIRST_DAY.year}-{LAST_DAY.year}",
                                 param_hint=option)
    return d


def today_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--today", "today", metavar="YYYY-MM-DD", default=None,
                        help="Compute as if today were this date (default: the real date).")(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts (shape in docs/json.md).")(f)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def load(root: Path, today: date):
    """Load the workspace for a command that is not ``check``: problems are summarised on stderr."""
    from ..loader import load_workspace
    ws, diags = load_workspace(root, today)
    errors = sum(d.is_error for d in diags)
    if errors:
        click.echo(f"rippledoc: {errors} error{'s' * (errors != 1)} in the workspace; files with errors were "
                   "left out. Run 'rippledoc check' to see them.", err=True)
    return ws, diags
