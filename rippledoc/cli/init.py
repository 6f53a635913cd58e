"""``rippledoc init`` and ``rippledoc new``: create files, never overwrite one."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from rippledoc.cli.common import EXIT_ERRORS, EXIT_USAGE, fail, root_from

GITIGNORE = ("# built by rippledoc; safe to delete\n_site/\n.rippledoc-cache/\n.rippledoc.lock\n"
             "# left by a write or a build that was stopped half way (the file itself is whole)\n"
             ".*.tmp\n._site.tmp-*/\n._site.old-*/\n")


def local_zone() -> str:
    """The machine's IANA zone, or UTC when it cannot be told."""
    from rippledoc.parse.fields import valid_zone
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(os.path.realpath("/etc/localtime").split("zoneinfo/", 1)[1])
    except (IndexError, OSError):
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    return next((z for z in candidates if z and valid_zone(z)), "UTC")


class NotCreated(Exception):
    """A file or folder of the new workspace could not be written; ``done``: what was, before it."""

    def __init__(self, message: str, done: list[tuple[str, bool]]):
        super().__init__(message)
        self.done = done


def create_workspace(folder: Path) -> list[tuple[str, bool]]:
    """Create the files of a new workspace; returns ``(path, created)`` for each (False: it existed, kept).

    ``NotCreated`` names the first file or folder the disk refused.
    """
    from rippledoc.edit.atomic import atomic_write, write_problem
    from rippledoc.book.loader import defaults_dir
    files: dict[str, bytes] = {
        "rippledoc.yaml": (defaults_dir() / "rippledoc.yaml").read_text().format(timezone=local_zone()).encode(),
        ".gitignore": GITIGNORE.encode(),
    }
    for path in sorted(defaults_dir("rituals").glob("*.md")):
        files[f"rituals/{path.name}"] = path.read_bytes()
    done: list[tuple[str, bool]] = []
    name = "."
    try:
        for name in ("clients", "rituals", "site_templates"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            try:
                atomic_write(folder / name, data, create=True)
                done.append((name, True))
            except FileExistsError:
                done.append((name, False))
        name = ".gitattributes"
        from rippledoc.cli.team import write_gitattributes
        done.append(write_gitattributes(folder, create=True))  # the merge driver's attributes
    except OSError as exc:
        raise NotCreated(write_problem((folder / name).as_posix(), exc), done) from None
    return done


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a workspace in DIRECTORY (default: here).

    Writes rippledoc.yaml, the default rituals in rituals/, empty clients/ and
    site_templates/ folders and a .gitignore for the built site and the cache.
    An existing file is never overwritten: it is kept and reported.

    \b
    Examples:
      rippledoc init my-book
      rippledoc init          # here: adds only what is missing
    """
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        done = create_workspace(folder)
    except NotCreated as exc:
        for name, created in exc.done:
            click.echo(f"  {'created' if created else 'kept   '} {name}")
        fail(f"{exc}; the workspace is not complete", EXIT_ERRORS)
        return
    except OSError as exc:
        fail(f"cannot create the workspace in {directory}: {exc.strerror or exc}", EXIT_ERRORS)
        return
    for name, created in done:
        click.echo(f"  {'created' if created else 'kept   '} {name}")
    click.echo(f"Book ready in {folder.resolve()}. Next: rippledoc new \"Client Name\", then rippledoc check.")


def new_client_text(name: str, today: date, timezone: str, owner: str | None, level: str) -> str:
    """The new client's file: every value written so that it reads back as exactly what was given."""
    from rippledoc.book.loader import defaults_dir
    from rippledoc.read.yamlscalar import scalar
    template = (defaults_dir() / "client.md").read_text()
    return template.format(name=scalar(name, always_quote=True), timezone=scalar(timezone),
                           since=today.isoformat(), owner=scalar(owner) if owner else "", level=scalar(level))


def new_client_problem(text: str, path: str, settings, today: date, name: str) -> str | None:
    """Why ``text`` would not make the client asked for (read back as ``check`` reads it), or None."""
    from rippledoc.parse.client import parse_client
    from rippledoc.read.source import Text
    client, diags = parse_client(Text(path, text, text.encode()), settings, today)
    errors = [d for d in diags if d.is_error]
    if errors:
        d = errors[0]
        return f"the new file would not read back ({d.code} {d.message}); nothing written"
    if client is None or client.name != name:
        return f"the new file would not read back with the name {name!r}; nothing written"
    return None


@click.command()
@click.argument("name")
@click.option("--level", type=click.Choice(["base", "key", "for-life"]), default="base", show_default=True)
@click.option("--owner", help="Team member keeping the relationship (default: me in rippledoc.yaml).")
@click.option("--timezone", help="The client's IANA time zone (default: the workspace's).")
@click.pass_context
def new(ctx: click.Context, name: str, level: str, owner: str | None, timezone: str | None) -> None:
    """Create clients/SLUG.md for a client called NAME.

    The slug is made ASCII-safe from the name ("Müller & Söhne" ->
    muller-sohne.md) and made unique. A client of the same name is refused.

    \b
    Examples:
      rippledoc new "Northwind Traders"
      rippledoc new "Müller & Söhne" --level key --owner lena
      rippledoc new "Kiwi Cycles" --timezone Pacific/Auckland
    """
    from rippledoc.edit.atomic import atomic_write, write_problem
    from rippledoc.clock import today_in
    from rippledoc.parse.fields import valid_zone
    from rippledoc.book.loader import load_book
    from rippledoc.book.names import name_key, unique_slug
    root = root_from(ctx)
    if not name.strip():
        fail("the client needs a name")
    if any(ch in name for ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        fail("a client's name is one line: it has a line break")
    ws = load_book(root)
    owner = owner or ws.settings.me
    if owner and ws.settings.team and owner not in ws.settings.team:
        fail(f"--owner '{owner}' is not in the team of rippledoc.yaml ({', '.join(ws.settings.team)})")
    for c in ws.clients:
        if name_key(c.name) == name_key(name):
            fail(f"a client named '{c.name}' already exists: {c.path}", EXIT_USAGE)
    if timezone and not valid_zone(timezone):
        fail(f"unknown time zone '{timezone}' (use an IANA name such as Europe/London)")
    existing = [p.stem for p in (root / "clients").glob("*.md")] if (root / "clients").is_dir() else []
    slug = unique_slug(name, existing)
    try:
        (root / "clients").mkdir(exist_ok=True)
    except OSError as exc:
        fail(write_problem("clients/", exc), EXIT_ERRORS)
    path = root / "clients" / f"{slug}.md"
    today = today_in(ws.settings.timezone)  # 'since': the day it is where the workspace is
    text = new_client_text(name.strip(), today, timezone or ws.settings.timezone, owner, level)
    problem = new_client_problem(text, f"clients/{slug}.md", ws.settings, today, name.strip())
    if problem:
        fail(problem, EXIT_ERRORS)
    try:
        atomic_write(path, text.encode(), create=True)
    except FileExistsError:
        fail(f"{path.relative_to(root)} already exists; nothing written")
    except OSError as exc:
        fail(write_problem(f"clients/{slug}.md", exc), EXIT_ERRORS)
    click.echo(f"created clients/{slug}.md")
