"""The command reference (docs/commands.md): every command's ``--help``, in one page.

``python -m rippledoc.cli.reference > docs/commands.md`` writes it; a test
keeps the file equal to what the commands say.
"""
from __future__ import annotations

import click

from rippledoc.cli.app import main

WIDTH = 100


def _helps(cmd: click.Command, ctx: click.Context) -> list[tuple[str, str]]:
    out = [(ctx.command_path, cmd.get_help(ctx))]
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None:
                out += _helps(sub, click.Context(sub, info_name=name, parent=ctx, terminal_width=WIDTH))
    return out


def reference() -> str:
    root = click.Context(main, info_name="rippledoc", terminal_width=WIDTH, **main.context_settings)
    parts = ["# Command reference", "",
             "Every command's `--help`, as `rippledoc COMMAND --help` prints it. Made by",
             "`python -m rippledoc.cli.reference > docs/commands.md`; a test keeps it current.", ""]
    for path, text in _helps(main, root):
        parts += [f"## {path}", "", "```", text.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(reference(), nl=False)
