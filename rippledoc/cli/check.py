"""``rippledoc check``: every problem of every file, compiler style."""
from __future__ import annotations

import click

from rippledoc.diagnostics import promote_warnings, summary, to_json
from rippledoc.cli.output import format_text
from rippledoc.cli.common import EXIT_ERRORS, EXIT_OK, find_root, root_from, today_option, workspace_today


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: file:line:col: severity[CODE]: message; json: for scripts and editors.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any warning).")
@click.option("-C", "directory", type=click.Path(file_okay=False), default=None,
              help="The workspace, or a folder inside it (same as 'rippledoc -C DIR check').")
@today_option
@click.pass_context
def check(ctx: click.Context, fmt: str, as_json: bool, strict: bool, directory: str | None,
          today: str | None) -> None:
    """Validate the workspace: rippledoc.yaml, clients/, rituals/.

    Prints one line per problem, sorted by file and line, with the line's text,
    a caret under the problem and a hint; then a summary. Exit status: 0 clean,
    1 errors (or warnings with --strict), 2 usage.

    \b
    Examples:
      rippledoc check
      rippledoc check --strict
      rippledoc check --json --today 2026-11-23

    \b
    A problem reads:
      clients/acme.md:7:8: error[E103]: grade 'tree' is not one of top, two, three
          grade: tree
                 ^
          hint: did you mean 'three'?
    """
    from rippledoc.book.loader import excerpts, load_book
    root = find_root(directory) if directory else root_from(ctx)
    ws = load_book(root, workspace_today(root, today))
    diags = list(ws.diagnostics)
    if strict:
        diags = promote_warnings(diags)
    if as_json or fmt == "json":
        from rippledoc.cli.output import echo_raw
        echo_raw(to_json(diags, ws.files))
    else:
        from rippledoc.cli.output import use_color
        color = use_color()
        lines = excerpts(root, diags, ws.settings.max_file_bytes)
        for d in diags:
            click.echo(format_text(d, lines.get((d.path, d.line)), color))
        click.echo(summary(diags, ws.files), err=bool(diags))
    ctx.exit(EXIT_ERRORS if any(d.is_error for d in diags) else EXIT_OK)
