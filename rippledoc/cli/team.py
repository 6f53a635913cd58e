"""A team on one book: ``merge-driver`` for git, ``git-setup`` to register it, ``inbox`` and ``changes``."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from rippledoc.cli.common import (EXIT_ERRORS, EXIT_OK, EXIT_USAGE, fail, json_option, print_json, root_from, today_option,
                     workspace_today)
from rippledoc.read.gitsetup import DRIVER, DRIVER_NAME, default_program, driver_command

ATTRIBUTES = (
    "clients/*.md merge=rippledoc",
    "rituals/**/*.md merge=rippledoc",
    "inbox.md merge=union",
)
ATTRIBUTES_HEADER = "# rippledoc merges client and ritual files itself (rippledoc git-setup registers the driver)"


def gitattributes_text(existing: str = "") -> str | None:
    """``existing`` with the lines rippledoc needs added; None when nothing is missing."""
    have = {" ".join(line.split()) for line in existing.splitlines()}
    missing = [line for line in ATTRIBUTES if line not in have]
    if not missing:
        return None
    out = existing
    if out and not out.endswith("\n"):
        out += "\r\n" if out.endswith("\r") or "\r\n" in out else "\n"
    if ATTRIBUTES_HEADER not in have:
        out += ("\n" if out.strip() else "") + ATTRIBUTES_HEADER + "\n"
    return out + "".join(line + "\n" for line in missing)


def write_gitattributes(folder: Path, create: bool = False) -> tuple[str, bool]:
    """Write rippledoc's lines to FOLDER/.gitattributes; ``(path, written)``.

    ``create``: only when the file does not exist yet (``rippledoc init``);
    otherwise the missing lines are added and every other line is kept (by
    compare-and-swap: a save made meanwhile is read again, never overwritten).
    """
    from rippledoc.edit.atomic import ATTEMPTS, StillChanging, atomic_write, update
    path = Path(folder) / ".gitattributes"
    for _ in range(ATTEMPTS):
        if create or not path.exists():
            try:
                atomic_write(path, gitattributes_text("").encode(), create=True)  # type: ignore[union-attr]
                return ".gitattributes", True
            except FileExistsError:
                if create:
                    return ".gitattributes", False
                continue  # created meanwhile: add to it

        def add(raw: bytes) -> bytes | None:
            text = gitattributes_text(raw.decode("utf-8", "surrogateescape"))
            return None if text is None else text.encode("utf-8", "surrogateescape")
        try:
            return ".gitattributes", update(path, add) is not None
        except FileNotFoundError:
            continue  # deleted meanwhile: create it
    raise StillChanging(str(path))


def register_driver(root: Path, program: str | None = None) -> str:
    """Set ``merge.rippledoc.name`` and ``.driver`` in the repository's own config; returns the driver command."""
    command = driver_command(program)
    for key, value in ((f"merge.{DRIVER}.name", DRIVER_NAME), (f"merge.{DRIVER}.driver", command)):
        proc = subprocess.run(["git", "-C", str(root), "config", "--local", key, value], capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(proc.stderr.strip() or f"git config {key} failed")
    return command


@click.command("git-setup")
@click.option("--program", metavar="CMD", default=None,
              help="How git should run rippledoc (default: this Python by its absolute path, -m rippledoc).")
@click.pass_context
def git_setup(ctx: click.Context, program: str | None) -> None:
    """Register rippledoc's merge driver for this clone.

    Adds to .gitattributes (kept, never rewritten): client and ritual files
    merge with the rippledoc driver, inbox.md with git's union merge; and sets
    merge.rippledoc.name and merge.rippledoc.driver in the repository's
    .git/config. Run it once in every clone (git does not share its config),
    and again after moving or recreating the Python environment: git runs
    the interpreter that ran git-setup, by its absolute path, so a merge
    works in a shell where the venv is not active. When that interpreter is
    gone, git's own line merge takes over, with conflict markers where the
    sides differ ('rippledoc check' warns: W001). Running it again changes
    nothing.

    \b
    Examples:
      rippledoc git-setup
      rippledoc git-setup --program "python3 -m rippledoc"
    """
    root = root_from(ctx)
    if shutil.which("git") is None:
        fail("git is not installed (or not on PATH)", EXIT_ERRORS)
    inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"], capture_output=True,
                            text=True)
    if inside.returncode or inside.stdout.strip() != "true":
        fail(f"{root} is not in a git repository; run 'git init' there first", EXIT_ERRORS)
    from rippledoc.edit.atomic import ChangedOnDisk, SavedTwice, write_problem
    try:
        name, written = write_gitattributes(root)
    except SavedTwice as exc:
        fail(str(exc), EXIT_ERRORS)
        return
    except ChangedOnDisk:
        fail(".gitattributes kept changing while rippledoc added its lines; nothing was written. "
             "Run 'rippledoc git-setup' again", EXIT_ERRORS)
        return
    except OSError as exc:
        fail(write_problem(".gitattributes", exc), EXIT_ERRORS)
        return
    click.echo(f"  {'updated' if written else 'kept   '} {name}")
    try:
        register_driver(root, program)
    except RuntimeError as exc:
        fail(f"cannot set the git config: {exc}", EXIT_ERRORS)
        return
    click.echo(f"  set     merge.{DRIVER}.driver: {program or default_program()} merge-driver … "
               "(git's own line merge, with conflict markers, when that cannot run)")
    click.echo("Concurrent touches and edits of different fields now merge without conflicts.")
    if written:
        click.echo("Commit .gitattributes and push it, so every clone merges the same way: "
                   "git add .gitattributes && git commit -m 'rippledoc merge driver'")


@click.command("merge-driver")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.argument("path", default="")
@click.option("--conflict-status", type=click.IntRange(1, 125), default=EXIT_ERRORS, show_default=True,
              help="The exit status of a merge with conflicts (git-setup's line uses 3, to tell it from "
                   "a driver that could not run).")
def merge_driver(base: str, ours: str, theirs: str, path: str, conflict_status: int) -> None:
    """Merge a client or ritual file for git: %O %A %B %P.

    Writes the merge into OURS (%A), as git requires. Logs become the union of
    both sides' lines in date order; front matter merges key by key; notes
    merge line by line. Exit 0 when clean; 1 (or --conflict-status) with
    standard conflict markers where both sides changed the same key
    differently, or when the result would not validate (then the file holds
    the attempt and stderr says why). 'rippledoc git-setup' registers it.
    """
    from rippledoc.edit.atomic import atomic_write
    from rippledoc.team.merge_driver import merge_file
    try:
        old, mine, other = (Path(p).read_bytes() for p in (base, ours, theirs))
    except OSError as exc:
        fail(f"merge-driver: cannot read {exc.filename}: {exc.strerror}", EXIT_ERRORS)
        return
    shown = path or ours
    try:
        merged = merge_file(old, mine, other, shown)
    except Exception as exc:  # a bug must not cost anyone their lines: fall back to git's own merge
        from rippledoc.team.merge_driver import merge_bytes
        atomic_write(Path(ours), merge_bytes(old, mine, other, "the file").data)
        click.echo(f"rippledoc: merge-driver: {shown}: internal error ({exc!r}); merged line by line instead", err=True)
        sys.exit(conflict_status)
    atomic_write(Path(ours), merged.data)
    for what in merged.conflicts:
        click.echo(f"rippledoc: {shown}: conflict: {what}", err=True)
    for d in merged.problems:
        click.echo(f"rippledoc: {shown}: the merge would not validate: {d.message} (line {d.line}) [{d.code}]",
                   err=True)
    sys.exit(EXIT_OK if merged.clean else conflict_status)


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what would be filed; change nothing.")
@click.option("--by", "by", metavar="WHO", default=None, help="Who made the touches (default: me in rippledoc.yaml).")
@json_option
@today_option
@click.pass_context
def inbox(ctx: click.Context, dry_run: bool, by: str | None, as_json: bool, today: str | None) -> None:
    """File the lines of inbox.md into the clients' logs.

    \b
    Jot one line per touch, on a phone or anywhere, under an optional date heading:
      ## 2026-11-20
      northwind call reached: they loved the dashboard #success
      - acme voicemail next: 2026-11-25
    Each line names the client loosely, then the kind (call, email, meeting,
    visit, letter) and outcome, an optional 'by WHO' and a note after a
    colon. A filed line leaves the inbox; a line that cannot be filed (no
    client or several match, no kind, a date in the future) stays with a
    <!-- rippledoc: why --> comment.

    \b
    Examples:
      rippledoc inbox --dry-run
      rippledoc inbox
      rippledoc inbox --by lena
    """
    from rippledoc.team.inbox import INBOX, InboxError, file_inbox
    root = root_from(ctx)
    day = workspace_today(root, today)
    if not (root / INBOX).is_file():
        click.echo(f"No {INBOX} in {root}: create it and jot lines like 'northwind call reached: loved the dashboard'.")
        return
    try:
        report = file_inbox(root, day, by, dry_run)
    except InboxError as exc:
        fail(str(exc), EXIT_ERRORS)
        return
    except OSError as exc:
        fail(f"{INBOX}: {exc.strerror or exc}", EXIT_ERRORS)
        return
    if as_json:
        print_json({"dry_run": dry_run, "filed": [{"line": d.line, "text": d.text, "client": c.slug,
                                                   "path": c.path, "touch": d.touch,
                                                   "by_an_earlier_run": d.earlier}
                                                  for d in report.filed if (c := d.client) is not None],
                    "kept": [{"line": d.line, "text": d.text, "why": d.why} for d in report.kept],
                    "problem": report.problem or None})
        if report.problem:
            fail(report.problem, EXIT_ERRORS)
        return
    verb = "would file" if dry_run else "filed"
    for d in report.filed:
        assert d.client is not None  # a filed line has its client
        click.echo(f"{verb:10} {d.client.path}  {d.touch}"
                   + ("  (by an earlier run that stopped before clearing the inbox)" if d.earlier else ""))
    for d in report.kept:
        click.echo(f"{'kept':10} {INBOX}:{d.line}  {d.text.strip()}  ({d.why})")
    click.echo(f"{len(report.filed)} {verb}, {len(report.kept)} kept in {INBOX}" + (" (dry run: nothing written)"
                                                                                      if dry_run else ""))
    if report.problem:
        fail(report.problem, EXIT_ERRORS)


@click.command()
@click.option("--since", metavar="REF|DATE", default=None,
              help="A date (YYYY-MM-DD) or a commit, tag or branch (default: 7 days before today).")
@json_option
@today_option
@click.pass_context
def changes(ctx: click.Context, since: str | None, as_json: bool, today: str | None) -> None:
    """What changed in the book since a date or a commit, from git history.

    Touches logged, clients added, levels and grades moved, commitments made
    and kept, in total and per person: a touch counts for its 'by', the rest
    for the commit's author (recognised by the e-mail or name in the team of
    rippledoc.yaml). A log line edited (handoff-done's 'done:') is a touch
    edited, not a second touch. Merge commits are left out; uncommitted edits
    do not count.

    \b
    Examples:
      rippledoc changes --since 2026-11-13     # since last Friday's review
      rippledoc changes --since v2026-q3 --json
    """
    from rippledoc.team.changes import GitError, collect, render
    root = root_from(ctx)
    try:
        result = collect(root, since, workspace_today(root, today))
    except GitError as exc:  # a --since that names nothing is a usage error, as an unknown client is
        fail(str(exc), EXIT_USAGE if since and str(exc).startswith(f"'{since}' is neither") else EXIT_ERRORS)
        return
    if as_json:
        print_json(result.to_json())
    else:
        click.echo(render(result), nl=False)
