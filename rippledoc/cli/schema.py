"""``rippledoc schema``: the JSON Schema of client files, for editors."""
from __future__ import annotations

import click


@click.command()
@click.option("--kind", type=click.Choice(["client", "ritual", "settings"]), default="client", show_default=True,
              help="client: clients/*.md front matter; ritual: rituals/*.md definitions; settings: rippledoc.yaml.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the schema to this file instead of printing it (its folder is created).")
def schema(kind: str, output: str | None) -> None:
    """Print a JSON Schema (draft 2020-12) for editors.

    Save it once and name it on the first line of a file's front matter, and
    an editor with the YAML language server completes and checks the fields
    while you type:

    \b
      rippledoc schema -o .schema/client.json
      ---
      # yaml-language-server: $schema=../.schema/client.json
      name: Northwind Traders

    See the end of docs/format.md.

    \b
    Examples:
      rippledoc schema -o .schema/client.json
      rippledoc schema --kind ritual -o .schema/ritual.json
      rippledoc schema --kind settings -o .schema/settings.json
    """
    import json
    from pathlib import Path

    from rippledoc.parse.schema import schema as build
    text = json.dumps(build(kind), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        from rippledoc.cli.output import echo_raw
        echo_raw(text, nl=False)
        return
    from rippledoc.edit.atomic import atomic_write
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(Path(output), text.encode())
    except OSError as exc:
        from rippledoc.cli.common import EXIT_ERRORS, fail
        fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_ERRORS)
    click.echo(f"wrote {output}")
