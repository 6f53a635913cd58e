"""``rippledoc lsp``: the Language Server, speaking LSP on standard input and output."""
from __future__ import annotations

import logging

import click

from rippledoc.cli.common import today_option


class OneLine(logging.Formatter):
    """The server's log on stderr (the editor's LSP log): one line per problem, the exception's words, no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"rippledoc lsp: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f": {record.exc_info[1]}"
        return text


@click.command()
@click.option("--stdio", is_flag=True, help="Speak LSP on standard input and output (the default and only way; "
              "accepted because editors' LSP clients often add it).")
@today_option
def lsp(stdio: bool, today: str | None) -> None:
    """Run the Language Server for client files, ritual files and rippledoc.yaml.

    An editor starts it and talks to it on standard input and output; you do
    not run it by hand. It gives, while you type, the diagnostics of
    'rippledoc check' (line, column, code, hint; warnings stay warnings),
    completion of keys, levels, grades, statuses, time zones, kinds,
    outcomes, team names and client slugs, research notes on hovering a
    client slug in a ritual record, and quick fixes for "did you mean"
    hints. The workspace of each file is found from its folder upwards, as
    for every command. Setup for Neovim, Helix, Emacs and VS Code: docs/editors.md.

    \b
    Examples:
      rippledoc lsp
      rippledoc lsp --today 2026-11-23
    """
    from pathlib import Path

    from rippledoc.cli.common import date_option, workspace_today
    from rippledoc.lsp.server import build
    given = date_option(today, "--today")

    def day(root: Path):
        return given or workspace_today(root, None)

    handler = logging.StreamHandler()
    handler.setFormatter(OneLine())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    build(day).start_io()
