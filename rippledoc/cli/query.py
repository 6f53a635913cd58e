"""``rippledoc export sqlite`` and ``rippledoc query``: SQL over the book (schema in docs/sql.md)."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Sequence

import click

from rippledoc.cli.common import EXIT_ERRORS, EXIT_USAGE, fail, load, print_json, root_from, today_option, workspace_today

QUERY_DB = "book.sqlite"  # in .rippledoc-cache/


@click.command("sqlite")
@click.argument("file", required=False, metavar="FILE")
@click.option("-o", "--output", "out", metavar="FILE", default=None, help="The file to write (the same as FILE).")
@today_option
@click.pass_context
def export_sqlite(ctx: click.Context, file: str | None, out: str | None, today: str | None) -> None:
    """The whole book as an SQLite database: clients, touches, commitments, sales,
    handoffs, kudos, stories, intelligence and ritual entries, each row with its
    file and line (schema in docs/sql.md). Written to a temporary file and swapped
    in, so a reader never sees half of it. Open it with 'datasette FILE'.

    \b
    Examples:
      rippledoc export sqlite book.sqlite
      rippledoc export sqlite -o /tmp/book.sqlite --today 2026-11-23
    """
    if file and out and Path(file) != Path(out):
        fail("give the file once: FILE or -o FILE")
    target = file or out
    if not target:
        fail("say where to write the database: rippledoc export sqlite book.sqlite")
    root = root_from(ctx)
    day = workspace_today(root, today)
    ws = load(root, day)
    from rippledoc.exchange.sqlite import write_sqlite
    try:
        write_sqlite(ws, Path(target), day)
    except (OSError, sqlite3.Error) as exc:
        fail(f"cannot write {target}: {getattr(exc, 'strerror', None) or exc}", EXIT_ERRORS)
    click.echo(f"wrote {target}", err=True)


def query_database(root: Path, today_value: str | None, rebuild: bool) -> Path:
    """``.rippledoc-cache/book.sqlite``, written again when a file of the book changed since (or ``rebuild``)."""
    from rippledoc.exchange.sqlite import fresh, inputs_key, write_sqlite
    from rippledoc.read.cache import CACHE_DIR
    day = workspace_today(root, today_value)
    db = root / CACHE_DIR / QUERY_DB
    key = inputs_key(root, day)
    if not rebuild and fresh(db, key):
        return db
    ws = load(root, day)
    try:
        db.parent.mkdir(exist_ok=True)
        write_sqlite(ws, db, day, key)
        return db
    except OSError:  # a workspace we cannot write to (a read-only share): a copy for this query only
        import atexit
        import shutil
        import tempfile
        folder = Path(tempfile.mkdtemp(prefix="rippledoc-query-"))
        atexit.register(shutil.rmtree, folder, True)
        db = folder / QUERY_DB
    try:
        write_sqlite(ws, db, day, key)
    except (OSError, sqlite3.Error) as exc:
        fail(f"cannot write the database for the query: {getattr(exc, 'strerror', None) or exc}", EXIT_ERRORS)
    return db


def run_query(db: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns and rows of one statement on a read-only connection; raises ``sqlite3.Error``."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.set_authorizer(_no_attach)
        cur = conn.execute(sql)
        rows = cur.fetchall()
        return [d[0] for d in cur.description or ()], rows
    finally:
        conn.close()


def _no_attach(action: int, *_: object) -> int:
    """SQLite's authorizer: ATTACH (which creates a missing file, even on a read-only connection) is refused."""
    return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK


def cell(value: Any) -> str:
    """A value as the table shows it: NULL as nothing, 15400.0 as 15400."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def unique(columns: Sequence[str]) -> list[str]:
    """Column names as JSON keys: a repeated name gets ':2', ':3'."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}:{seen[name]}")
    return out


@click.command()
@click.argument("sql")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as a JSON list of objects.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV with a header line.")
@click.option("--rebuild", is_flag=True, help="Write the database again even if no file changed.")
@today_option
@click.pass_context
def query(ctx: click.Context, sql: str, as_json: bool, as_csv: bool, rebuild: bool, today: str | None) -> None:
    """Run one read-only SQL statement on the book: the tables of 'export sqlite'
    (docs/sql.md), kept in .rippledoc-cache/book.sqlite and written again
    whenever a file of the book has changed. A statement that would write is
    refused; a SQL error exits 2.

    \b
    Examples:
      rippledoc query "SELECT owner, count(*) FROM clients GROUP BY owner"
      rippledoc query "SELECT date, note FROM touches WHERE client = 'kestrel-freight-lines'" --csv
      rippledoc query "SELECT tag, count(*) AS n FROM touch_tags GROUP BY tag ORDER BY n DESC" --json
    """
    if as_json and as_csv:
        fail("choose one of --json and --csv")
    db = query_database(root_from(ctx), today, rebuild)
    try:
        columns, rows = run_query(db, sql)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        text = str(exc)
        hint = ("; query only reads the book: change the files, or 'export sqlite' a copy to change"
                if "readonly" in text or "query_only" in text else
                " (ATTACH is refused: query reads the book's own database only)" if "not authorized" in text else "")
        fail(f"SQL error: {exc}{hint}", EXIT_USAGE)
        return
    if as_json:
        keys = unique(columns)
        print_json([dict(zip(keys, r)) for r in rows])
    elif as_csv:
        import csv
        import io
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([cell(v) for v in r] for r in rows)
        from rippledoc.cli.output import echo_raw
        echo_raw(buf.getvalue(), nl=False)
    elif columns:
        from rippledoc.cli.output import table, use_color
        numeric = "".join("r" if rows and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows)
                          and any(r[i] is not None for r in rows) else "l" for i in range(len(columns)))
        click.echo(table(columns, [[cell(v) for v in r] for r in rows], align=numeric, color=use_color()))
        if not rows:
            click.echo("(no rows)", err=True)
