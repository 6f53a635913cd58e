"""``rippledoc build`` and ``rippledoc serve``: the private static site."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rippledoc.cli.common import EXIT_ERRORS, fail, parse_today, root_from, today_option, unread_folders, workspace_today
from rippledoc.cli.encryption import encrypt_options, encryption_stage
from rippledoc.cli.output import RETURN

if TYPE_CHECKING:
    from rippledoc.site.build import BuildResult


class ProgressLine:
    """A progress line on stderr, shown only once a build has taken more than a second."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.started, self.shown = quiet, time.monotonic(), False
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.quiet or time.monotonic() - self.started < 1.0:
            return
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"{RETURN}building [{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages")
            self.shown = True
        elif not self.shown or done == total:
            sys.stderr.write(f"building: {done}/{total} pages\n")
            self.shown = True
        sys.stderr.flush()

    def end(self) -> None:
        if self.shown and self.tty:
            sys.stderr.write("\n")


@click.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Folder to write the site to (default: _site/ in the workspace).")
@click.option("--strict", is_flag=True, help="Fail, and leave the old site alone, on any problem in the files.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@encrypt_options
@today_option
@click.pass_context
def build(ctx: click.Context, output: str | None, strict: bool, quiet: bool, encrypt: bool,
          kdf_iterations: int | None, today: str | None) -> None:
    """Build the private site into _site/ (or -o DIR).

    Renders the pages into a temporary folder and swaps it in, so a failed
    build never leaves half a site. A build makes again only what may have
    changed: with nothing changed it writes nothing ('the site is up to
    date'); after an edit, the summary pages and the pages of the clients
    whose files changed (docs/site.md, "What a build makes again";
    RIPPLEDOC_NO_CACHE=1 makes it whole). A client file with errors gets a page
    showing its problems; the rest builds. Open the printed index.html in a
    browser: the site works from disk and never fetches anything. The site
    also holds calls.ics, the next two weeks' calls, for a calendar to
    subscribe to (a file or, with 'serve', a URL); an encrypted build leaves
    it out and says so.

    \b
    Examples:
      rippledoc build
      rippledoc build -o /tmp/book-site --strict
      rippledoc build --encrypt
    """
    from rippledoc.exchange.ics import FEED
    from rippledoc.site.build import BuildError, build_site
    root = root_from(ctx)
    out = Path(output) if output else root / "_site"
    stage = encryption_stage(encrypt, kdf_iterations)  # asks for the passphrase before the work starts
    progress = ProgressLine(quiet)
    try:
        result = build_site(root, out, workspace_today(root, today), strict=strict, progress=progress, stage=stage)
    except BuildError as exc:
        progress.end()
        fail(str(exc), EXIT_ERRORS)
        return
    except OSError as exc:
        progress.end()
        fail(f"cannot write the site to {out}: {exc.strerror or exc}", EXIT_ERRORS)
        return
    progress.end()
    for line in unread_folders(result.diags):
        click.echo(f"rippledoc: {line}", err=True)
    if result.errors:
        click.echo(f"rippledoc: {result.errors} error{'s' * (result.errors != 1)} in the workspace; "
                   "see the Problems page or run 'rippledoc check'", err=True)
    if not quiet:
        click.echo(built_line(result))
        if encrypt:
            click.echo(f"left out: {FEED}, the calendar feed (a calendar cannot ask for a passphrase; "
                       "'rippledoc export ics -o FILE' writes one where only you can read it)")
        else:
            click.echo(f"calendar to subscribe to: {result.out / FEED}")
        click.echo(f"site: {result.index}")
        if encrypt:
            click.echo("encrypted: open it and type the passphrase; client pages have new names in every "
                       "encrypted build, so bookmarks to them do not survive a rebuild")


def built_line(result: BuildResult) -> str:
    """What a build did: the pages it made, and those it kept because nothing they show had changed."""
    made, kept = len(result.rendered), result.kept
    if not made:
        return f"the site is up to date: nothing it shows has changed ({kept} files kept, {result.seconds:.2f}s)"
    if kept:
        return f"built {made} page{'s' * (made != 1)} in {result.seconds:.2f}s; kept {kept} unchanged from the last build"
    return f"built {made} pages in {result.seconds:.2f}s"


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1 shows your notes to the network.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the address and errors.")
@today_option
@click.pass_context
def serve(ctx: click.Context, port: int, host: str, quiet: bool, today: str | None) -> None:
    """Serve the site on http://127.0.0.1:8000, rebuild on every save, reload open tabs.

    Watches the workspace; a change to one client file re-renders that
    client's page and the summary pages only. A file saved with broken YAML
    shows its problems until the next good save. Stop with Ctrl-C.

    \b
    Examples:
      rippledoc serve
      rippledoc serve --port 8080 --today 2026-11-23
    """
    from rippledoc.site.serve import ServeError, run
    root = root_from(ctx)
    fixed = parse_today(today) if today else None
    try:
        run(root, host, port, today=fixed, quiet=quiet)
    except ServeError as exc:
        fail(str(exc), EXIT_ERRORS)
