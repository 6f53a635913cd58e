"""The command line: a thin click layer; each command lives in a module of ``rippledoc/cli/``.

Commands are imported only when they run, so ``rippledoc --help`` stays fast.
"""
from __future__ import annotations

import importlib

import click

from rippledoc import __version__
from rippledoc.cli.output import COLOR_CHOICES

# name -> (module in rippledoc.cli, function, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("init", "init", "Create a workspace (never overwrites a file)."),
    "new": ("init", "new", "Create a client file from the template."),
    "check": ("check", "check", "Validate every file like a compiler: file:line:col, codes, hints."),
    "schema": ("schema", "schema", "Print the JSON Schema of client files for editors."),
    "lsp": ("lsp", "lsp", "Language Server for editors on stdio: check's diagnostics, completion, hover, fixes."),
    "today": ("daily", "today_cmd", "Today's calls with a time slot for both zones and research notes."),
    "due": ("daily", "due", "What is due or overdue: callbacks, cadences, commitments, with why."),
    "plan": ("daily", "plan", "Forecast the daily calls for the next days; says if the book can be covered."),
    "call": ("call", "call", "A session through today's calls: notes, a key for what happened, each answer written."),
    "log": ("log", "log", "Add one touch line to a client's log (lossless, atomic)."),
    "done": ("log", "done", "Mark a client's commitment kept (lossless, atomic)."),
    "promise": ("promise", "promise", "Record a commitment to a client, or its move to a new day (lossless, atomic)."),
    "handoffs": ("outcomes", "handoffs", "Problems handed to a colleague on a call: open and overdue first."),
    "handoff-done": ("outcomes", "handoff_done", "Close a client's handoff: 'done: DATE' on its log line."),
    "kudos": ("outcomes", "kudos", "Praise for the team per employee, in the customers' words."),
    "stories": ("outcomes", "stories", "Success stories to testimonials: the pipeline and what to ask next."),
    "intel": ("outcomes", "intel", "Market intelligence by topic across clients, with counts and dates."),
    "assign": ("log", "assign", "Share clients without an owner among the team, balanced."),
    "ritual": ("ritual", "ritual", "List rituals and what is due; start this period's record; show records."),
    "metrics": ("metrics", "metrics", "How the relationships are doing: scores, triangle, grades, business, coverage."),
    "find": ("find", "find", "Find a text or /regex/ in names, contacts, notes and log lines: file:line, client, date."),
    "query": ("query", "query", "Run a read-only SQL query on the book (the 'export sqlite' tables, docs/sql.md)."),
    "export": ("export", "export", "Write calendars, contacts or the whole model (ics, csv, vcard, json, sqlite)."),
    "build": ("site", "build", "Build the private static site into _site/."),
    "serve": ("site", "serve", "Serve the site locally, rebuild on save, reload open tabs."),
    "import": ("exchange", "import_", "Bring clients in from a CSV sheet or vCards; never overwrites a field."),
    "merge-driver": ("team", "merge_driver", "git's merge driver for client and ritual files (%O %A %B %P)."),
    "git-setup": ("team", "git_setup", "Register the merge driver in .gitattributes and this clone's git config."),
    "inbox": ("team", "inbox", "File the quick notes of inbox.md into the clients' logs."),
    "changes": ("team", "changes", "What changed in the book since a date or commit, per person, from git."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"rippledoc.cli.{module}"), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rippledoc")
@click.option("-C", "directory", type=click.Path(file_okay=False), default=None,
              help="Run as if started in DIR (the workspace is found from there upwards).")
@click.option("--color", "color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
              help="Colour the output: on a terminal only (auto; NO_COLOR and FORCE_COLOR are obeyed), always or never.")
@click.pass_context
def main(ctx: click.Context, directory: str | None, color: str) -> None:
    """rippledoc keeps client relationships as plain text.

    Clients are markdown files in clients/, rituals are files in rituals/,
    and rippledoc checks them, tells you who to call today, records touches
    without losing a byte, summarises how the relationships are doing and
    builds a private static site to browse.

    \b
    Start here:
      rippledoc init my-book && cd my-book
      rippledoc new "Northwind Traders"
      rippledoc check
    """
    from rippledoc.cli.output import guard_streams, set_color, use_color
    guard_streams()  # from here on, no control character of a file reaches the terminal raw
    set_color(color)
    ctx.color = use_color()  # click keeps (or strips) the colour codes of every echo to match
    ctx.obj = {"directory": directory}
