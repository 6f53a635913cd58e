"""``rippledoc export …``: calendars, contacts and the whole model out of the workspace."""
from __future__ import annotations

import importlib

import click

# subcommand -> (module, function, help)
FORMATS: dict[str, tuple[str, str, str]] = {
    "ics": ("rippledoc.cli.ics", "ics", "The planned calls as an RFC 5545 calendar."),
    "csv": ("rippledoc.cli.exchange", "export_csv", "Clients as a CSV sheet."),
    "vcard": ("rippledoc.cli.exchange", "export_vcard", "Main contacts as vCards."),
    "json": ("rippledoc.cli.exchange", "export_json", "The whole model as versioned JSON."),
    "sqlite": ("rippledoc.cli.query", "export_sqlite", "The whole book as an SQLite database (docs/sql.md)."),
}


class LazyFormats(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(FORMATS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in FORMATS:
            return None
        module, attr, _ = FORMATS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Formats"):
            formatter.write_dl([(n, FORMATS[n][2]) for n in self.list_commands(ctx)])


@click.group(cls=LazyFormats)
def export() -> None:
    """Write the workspace's data in another format (to stdout or -o FILE)."""
