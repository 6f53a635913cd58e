"""``rippledoc import csv|vcard FILE`` and ``rippledoc export csv|vcard|json``."""
from __future__ import annotations

from pathlib import Path

import click

from rippledoc.cli.common import (EXIT_ERRORS, EXIT_OK, EXIT_USAGE, fail, json_option, load, print_json, root_from, today_option,
                     workspace_today)


_encoding_option = click.option(
    "--encoding", metavar="NAME", default=None,
    help="The file's encoding (utf-8, cp1252, cp1250, cp1251, …) when it is not UTF-8 and the guess is wrong.")


@click.group(name="import")
def import_() -> None:
    """Bring clients in from a contact list (CSV or vCard), never overwriting what you wrote.

    A record matches an existing client by e-mail, then by company name; it
    only fills fields that are empty, and a different value is reported as a
    conflict. Run with --dry-run first to see every change.
    """


def _run(ctx: click.Context, kind: str, file: str, overrides: tuple[str, ...], dry_run: bool, today: str | None,
         as_json: bool, encoding: str | None = None) -> None:
    from rippledoc.exchange.importer import run_import, summary, to_json
    root = root_from(ctx)
    path = Path(file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    report, problem, usage = run_import(root, kind, raw, overrides, today=workspace_today(root, today), dry_run=dry_run,
                                        encoding=encoding)
    if report is None:
        fail(f"{file}: {problem}", EXIT_USAGE if usage else EXIT_ERRORS)
        return
    if as_json:
        print_json(to_json(report, file))
    else:
        for line in summary(report, file):
            click.echo(line)
    ctx.exit(EXIT_ERRORS if report.errors else EXIT_OK)


@import_.command("csv", short_help="Import clients from a CSV contact sheet (CRM or address book).")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--map", "overrides", multiple=True, metavar="COLUMN=FIELD",
              help="Take COLUMN as FIELD (name, contact, email, phone, address, website, tags, notes, …; "
                   "'ignore' to skip it). Repeat for more columns.")
@click.option("--dry-run", is_flag=True, help="Show every change and write nothing.")
@_encoding_option
@today_option
@json_option
@click.pass_context
def import_csv(ctx: click.Context, file: str, overrides: tuple[str, ...], dry_run: bool, encoding: str | None,
               today: str | None, as_json: bool) -> None:
    """Import clients from a CSV contact sheet.

    Recognised by their header row: Outlook contacts, Google Contacts,
    HubSpot contacts and companies, Salesforce contacts and accounts, and a
    plain sheet (name, email, phone, company). UTF-8, UTF-8 with BOM, UTF-16,
    or a Windows code page (1252, 1250, 1251, 1253: the summary says which
    one it chose; --encoding says it for sure); comma, semicolon or tab
    separated. Each new client gets the time zone its phone and address
    give, or none (the summary says why). See docs/import-export.md.

    \b
    Examples:
      rippledoc import csv contacts.csv --dry-run
      rippledoc import csv crm.csv --map "Kunde=name" --map "Telefon=phone"
      rippledoc import csv outlook-ru.csv --encoding cp1251 --dry-run
    """
    _run(ctx, "csv", file, overrides, dry_run, today, as_json, encoding)


@import_.command("vcard", short_help="Import clients from a .vcf file (vCard 2.1, 3.0 or 4.0).")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show every change and write nothing.")
@_encoding_option
@today_option
@json_option
@click.pass_context
def import_vcard(ctx: click.Context, file: str, dry_run: bool, encoding: str | None, today: str | None,
                 as_json: bool) -> None:
    """Import clients from a .vcf file (vCard 2.1, 3.0 or 4.0; many cards).

    ORG is the client, FN (or N) its contact and TITLE and BDAY theirs; every
    EMAIL and TEL (the preferred one first), ADR and URL (the preferred or
    work one), CATEGORIES as tags and NOTE as notes. The summary lists every
    property it left out.

    \b
    Examples:
      rippledoc import vcard contacts.vcf --dry-run
      rippledoc import vcard contacts.vcf --json
    """
    _run(ctx, "vcard", file, (), dry_run, today, as_json, encoding)


def _output(text: str, out: str | None) -> None:
    if out is None:
        from rippledoc.cli.output import echo_raw
        echo_raw(text, nl=False)
        return
    from rippledoc.edit.atomic import atomic_write
    try:
        atomic_write(Path(out), text.encode("utf-8"))
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", EXIT_ERRORS)
    click.echo(f"wrote {out}", err=True)


def _export(ctx: click.Context, today: str | None, render) -> str:
    root = root_from(ctx)
    ws = load(root, workspace_today(root, today))
    return render(ws)


_out_option = click.option("-o", "--output", "out", metavar="FILE", default=None,
                           help="Write to FILE (atomically) instead of standard output.")


@click.command("csv")
@_out_option
@click.option("--raw", is_flag=True,
              help="Write every value as it is: no quote before a cell that starts with = + - @ (which a "
                   "spreadsheet may run as a formula), quotes only where CSV needs them.")
@click.option("--bom", is_flag=True,
              help="Start with a UTF-8 byte order mark, for spreadsheet applications that need one to read "
                   "UTF-8 (Excel on Windows shows Москва as ÐœÐ¾ÑÐºÐ²Ð° without it).")
@today_option
@click.pass_context
def export_csv(ctx: click.Context, out: str | None, raw: bool, bom: bool, today: str | None) -> None:
    """Clients as a CSV sheet (UTF-8, one row per client; 'rippledoc import csv' reads it back).

    Safe to open in a spreadsheet: a cell that starts with = + - @, a tab or
    a carriage return gets a ' in front, so it shows as text and never runs
    as a formula (a phone number +1 312 555 0163 shows as '+1 312 555 0163);
    'rippledoc import csv' takes that quote off again. See
    docs/import-export.md.

    \b
    Examples:
      rippledoc export csv -o clients.csv
      rippledoc export csv | head -3
      rippledoc export csv --raw -o values.csv
      rippledoc export csv --bom -o for-excel.csv
    """
    from rippledoc.exchange.csvout import to_csv
    _output(_export(ctx, today, lambda ws: ("\ufeff" if bom else "") + to_csv(ws, raw=raw)), out)


@click.command("vcard")
@_out_option
@today_option
@click.pass_context
def export_vcard(ctx: click.Context, out: str | None, today: str | None) -> None:
    """Each client's main contact as a vCard 3.0 (ORG is the client).

    \b
    Examples:
      rippledoc export vcard -o contacts.vcf
      rippledoc export vcard --output contacts.vcf
    """
    from rippledoc.exchange.vcardout import to_vcard
    _output(_export(ctx, today, to_vcard), out)


@click.command("json")
@_out_option
@today_option
@click.pass_context
def export_json(ctx: click.Context, out: str | None, today: str | None) -> None:
    """The whole model (settings, clients, touches, commitments, sales, rituals, records) as versioned JSON.

    \b
    Examples:
      rippledoc export json -o book.json
      rippledoc export json --today 2026-11-23 | python3 -m json.tool | head
    """
    from rippledoc.exchange.jsonout import to_json_text
    _output(_export(ctx, today, to_json_text), out)
