"""``rippledoc call``: a session through today's plan, one client at a time, each answer written at once.

The questions are click prompts: a single key for what happened where stdin
and stdout are a terminal (``click.getchar``), a line otherwise, so the
session also runs from a script, a pipe or an editor's terminal. Each answer
is written when it is given, with the edits ``log`` uses (``append_touch``
for the call's line, ``replace_touch`` for each later answer on it,
``set_field`` for a snooze): locked, compare-and-swap, atomic. A Ctrl-C
that comes during a write is held until the write is done; then, as at
``q``, at Ctrl-D or at the end of the input, the session ends with its
summary (exit 0).
"""
from __future__ import annotations

import contextlib
import signal
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterator, Literal, overload

import click

from rippledoc.cli.common import date_option, load, root_from, today_option, workspace_today
from rippledoc.cli.daily import owner_option, render_call, render_outside, resolve_owner, shown_plan
from rippledoc.views.session import CallAnswers, Outcome, Stop

KEYS = {"r": "reached", "v": "voicemail", "n": "no answer", "s": "skip", "z": "snooze", "q": "quit", "?": "help"}
OUTCOMES = {"r": "reached", "v": "voicemail", "n": "no-answer"}
WORDS = {"reached": "r", "voicemail": "v", "vm": "v", "no answer": "n", "no-answer": "n", "noanswer": "n",
         "skip": "s", "snooze": "z", "quit": "q", "help": "?"}
MENU = "What happened? [r]eached [v]oicemail [n]o answer [s]kip sn[z]ooze [q]uit [?]help"
HELP = """  r  reached: you talked; then a note and what the call produced (a problem to hand on, praise, a story,
     intelligence), each written as you answer it
  v  voicemail: then when you said you'd call back (the plan keeps the promise on that day) and a note
  n  no answer: then when you will try again, and a note
  s  skip: nothing is written; the client stays due
  z  snooze: not before a date (the client's snooze: field); a promised call back is not snoozed
  q  quit: the summary of what was written, and the next call (Ctrl-C and Ctrl-D quit too)
  Enter on a question leaves it out; dates: YYYY-MM-DD, today, tomorrow, +3, +2w, fri"""
DAY_HINT = "a date, tomorrow, +3, fri"


class LineGone(Exception):
    """The call's line was changed in the file by someone else: no later answer can be added to it."""


@contextlib.contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) that comes inside the block until the block is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before if before is not None else signal.default_int_handler)
        if caught:
            raise KeyboardInterrupt


class Reader:
    """The person's answers: one key where stdin and stdout are a terminal (``keys``), else one line each."""

    def __init__(self, keys: bool):
        self.keys = keys

    def choice(self) -> str:
        """One of KEYS."""
        if self.keys:
            click.echo(MENU + " ", nl=False)
            while True:
                key = click.getchar()[:1].lower()
                if key in KEYS:
                    click.echo(KEYS[key])
                    return key
                click.echo("\n  Press one of r, v, n, s, z, q or ? (help). " + MENU + " ", nl=False)
        while True:
            answer = " ".join(click.prompt(MENU, default="", show_default=False, prompt_suffix=": ").lower().split())
            key = WORDS.get(answer, answer if answer in KEYS else "")
            if key:
                return key
            click.echo("  Answer with one of r, v, n, s, z, q or ? (or the word: reached, voicemail, ...).")

    def text(self, prompt: str, default: str = "") -> str:
        """A line of text; Enter gives ``default``."""
        shown = f" [{default}]" if default else ""
        while True:
            try:
                return click.prompt(f"  {prompt}{shown}", default=default, show_default=False,
                                    prompt_suffix=": ").strip()
            except UnicodeDecodeError as exc:
                click.echo(f"  That line is not text in the terminal's encoding ({exc.encoding}); type it again.")


class Session:
    """One run of ``rippledoc call``: what was answered, written and said."""

    def __init__(self, root: Path, ws, plan, day: date, by: str | None, owner: str | None, dry_run: bool,
                 reader: Reader, color: bool):
        from rippledoc.views.session import stops
        self.root, self.ws, self.day, self.by, self.owner = root, ws, day, by, owner
        self.dry_run, self.reader, self.color = dry_run, reader, color
        self.plan_day: date = plan.day  # the plan's day: today, or the next working day's plan on a day off
        self.stops: list[Stop] = stops(plan)
        self.outcomes: list[Outcome] = []
        self.written: Outcome | None = None  # the current client's line, as written so far
        self.stale = False  # something was written since self.ws was loaded

    # ------------------------------------------------------------ the book as it is now

    def book(self):
        """The book with this session's writes (loaded again after a write; a dry run writes nothing)."""
        if self.stale:
            from rippledoc.book.loader import load_book
            self.ws, self.stale = load_book(self.root, self.day), False
        return self.ws

    def now(self, client):
        return next((c for c in self.book().clients if c.path == client.path), client)

    # ------------------------------------------------------------ writing

    def record(self, out: Outcome) -> None:
        if self.outcomes and self.outcomes[-1].client.path == out.client.path:
            self.outcomes[-1] = out
        else:
            self.outcomes.append(out)

    def save(self, stop: Stop, answers: CallAnswers) -> bool:
        """Write the call's line with ``answers`` (added first, then changed in place); False: refused, said."""
        from rippledoc.edit.client import EditError, FileChanged, append_touch, replace_touch
        line = answers.line(self.day, self.by)
        c = stop.client
        if self.dry_run:
            self.written = Outcome(c, answers.outcome, c.path, 0, line, answers.next)
            self.record(self.written)
            return True
        before = self.written
        with held_interrupts():
            try:
                if before is None:
                    r = append_touch(self.root, c.path, line, today=self.day)
                else:
                    r = replace_touch(self.root, c.path, before.text, line, before.line, today=self.day)
            except FileChanged as exc:
                click.echo(f"rippledoc: {exc}", err=True)
                raise LineGone from None
            except EditError as exc:
                click.echo(f"rippledoc: {exc}", err=True)
                return False
            self.written = Outcome(c, answers.outcome, r.path, r.line, r.text, answers.next)
            self.record(self.written)
            self.stale = True
        return True

    def say(self, text: str, style: str = "dim") -> None:
        from rippledoc.cli.output import paint
        click.echo(paint(text, style, self.color))

    def saved(self) -> None:
        if self.written is not None:
            where = f"{self.written.path}:{self.written.line}" if self.written.line else self.written.path
            self.say(f"  {'would write' if self.dry_run else 'saved'}: {where}")

    # ------------------------------------------------------------ one client

    def show(self, k: int, n: int, stop: Stop) -> None:
        from rippledoc.cli.output import paint
        from rippledoc.views.research import research_notes
        notes = research_notes(stop.client, self.ws, self.plan_day, stop.start)
        click.echo("")
        click.echo(paint(f"── {k} of {n} ──", "bold", self.color))
        if stop.call is not None:
            lines = render_call(k, stop.call, notes, self.ws.settings.timezone, self.color)
        else:
            lines = render_outside(stop.outside, self.color, notes)
        click.echo("\n".join(lines))

    def one(self, stop: Stop) -> bool:
        """Ask about one client until it is answered; False when the person quits."""
        self.written = None
        while True:
            key = self.reader.choice()
            if key == "?":
                click.echo(HELP)
                continue
            if key == "q":
                return False
            if key == "s":
                self.record(Outcome(stop.client, "skip"))
                self.say("  skipped: nothing written; still due")
                return True
            if key == "z":
                if self.snooze(stop):
                    return True
                continue
            try:
                if self.call(stop, OUTCOMES[key]):
                    return True
            except LineGone:
                self.say(f"  The line of this call changed in {stop.client.path} meanwhile; the rest of this call's "
                         "answers are not added to it ('rippledoc log' adds them).", "yellow")
                return True

    def call(self, stop: Stop, outcome: str) -> bool:
        """A call that was made: its line first, then each answer on it; False: the first write was refused."""
        answers = CallAnswers(outcome)
        if not self.save(stop, answers):
            return False
        self.saved()
        if outcome == "reached":
            for ask in (self.ask_note, self.ask_handoff, self.ask_kudos, self.ask_story, self.ask_intel):
                answers = ask(stop, answers)
            self.cadence_words(stop)
        else:
            answers = self.ask_callback(stop, answers)
            answers = self.ask_note(stop, answers)
        self.say(f"  {self.written.text}", "")  # type: ignore[union-attr]
        return True

    def attempt(self, stop: Stop, answers: CallAnswers, **changes) -> CallAnswers | None:
        """``answers`` with ``changes``, written; None when the write was refused (the answer is asked again)."""
        new = replace(answers, **changes)
        if not self.save(stop, new):
            return None
        self.saved()
        return new

    def ask_until(self, stop: Stop, answers: CallAnswers, prompt: str,
                  make: Callable[[str], dict | None]) -> CallAnswers:
        """Ask ``prompt`` until the answer is empty or gives ``changes`` that are written."""
        while True:
            text = self.reader.text(prompt)
            if not text:
                return answers
            changes = make(text)
            if changes is None:
                continue
            new = self.attempt(stop, answers, **changes)
            if new is not None:
                return new

    def ask_note(self, stop: Stop, answers: CallAnswers) -> CallAnswers:
        return self.ask_until(stop, answers, "Note, #tags welcome (Enter: none)", lambda t: {"note": t})

    def ask_handoff(self, stop: Stop, answers: CallAnswers) -> CallAnswers:
        from rippledoc.cli.outcomes import outcome_words
        from rippledoc.parse.marks import departments, parse_handoff_option
        from rippledoc.views.session import handoff_default
        settings = self.ws.settings
        depts = ", ".join(sorted(departments(settings))) or "none"
        team = ", ".join(settings.team) or "none"
        while True:
            problem = self.reader.text("A problem to hand to a department head? What is it (Enter: none)")
            if not problem:
                return answers
            default = handoff_default(self.ws, self.day)
            while True:
                who = self.reader.text(f"Who takes it: a department ({depts}) or a colleague ({team})")
                if not who:
                    break
                try:
                    parse_handoff_option(f"{who} by {default.isoformat()}", settings)
                except ValueError as exc:
                    click.echo(f"  {exc}")
                    continue
                due = self.ask_day("By when will they call the customer", default, self.day)
                hand = parse_handoff_option(f"{who} by {due.isoformat()}", settings)
                new = self.attempt(stop, answers, problem=problem, handoff=hand)
                if new is None:
                    break
                for words in outcome_words(settings, stop.client, hand, [], None, self.by):
                    self.say("  " + words, "bold")
                return new

    def ask_kudos(self, stop: Stop, answers: CallAnswers) -> CallAnswers:
        from rippledoc.cli.outcomes import outcome_words
        from rippledoc.parse.marks import resolve_owner as team_member
        settings = self.ws.settings
        while True:
            text = self.reader.text("Praise for a colleague? NAME: their words (Enter: none)")
            if not text:
                return answers
            person, _, words = text.partition(":")
            person = person.strip().lstrip("@")
            if not person:
                click.echo("  Say who: NAME: their words")
                continue
            key, why = team_member(settings, None, person)
            if key is None or not person.isascii() or not person[:1].isalpha():
                click.echo(f"  {why or repr(person) + ' is not a team key (a word in ASCII letters)'}")
                continue
            new = self.attempt(stop, answers, kudos=answers.kudos + ((key, words.strip()),))
            if new is not None:
                answers = new
                for said in outcome_words(settings, stop.client, None, [(key, words)], None, self.by):
                    self.say("  " + said)

    def ask_story(self, stop: Stop, answers: CallAnswers) -> CallAnswers:
        from rippledoc.cli.outcomes import outcome_words
        new = self.ask_until(stop, answers, "A success story? In their words (Enter: none)", lambda t: {"story": t})
        if new.story and new is not answers:
            for said in outcome_words(self.ws.settings, stop.client, None, [], ("success", None), self.by):
                self.say("  " + said)
        return new

    def ask_intel(self, stop: Stop, answers: CallAnswers) -> CallAnswers:
        from rippledoc.parse.grammar.note import INTEL_KINDS
        from rippledoc.parse.grammar.write import intel_mark

        def make(text: str) -> dict | None:
            try:
                intel_mark(text)
            except ValueError as exc:
                click.echo(f"  {exc}")
                return None
            return {"intel": answers.intel + (text,)}

        while True:
            new = self.ask_until(stop, answers, f"Intelligence? [KIND: ]TOPIC, KIND one of {', '.join(INTEL_KINDS)} "
                                                "(Enter: none)", make)
            if new is answers:
                return answers
            answers = new

    @overload
    def ask_day(self, prompt: str, default: date, earliest: date, blank: Literal[False] = False) -> date: ...
    @overload
    def ask_day(self, prompt: str, default: date, earliest: date, blank: bool) -> date | None: ...
    def ask_day(self, prompt: str, default: date, earliest: date, blank: bool = False) -> date | None:
        """A day in the forms of ``log --next`` (counted from today), not before ``earliest``; with ``blank``,
        '-' gives None."""
        while True:
            text = self.reader.text(f"{prompt} ({DAY_HINT}{'; - for none' if blank else ''})",
                                    f"{default:%a %d %b}")
            if blank and text == "-":
                return None
            if text == f"{default:%a %d %b}":
                return default
            try:
                day = date_option(text, "day", base=self.day)
            except click.BadParameter as exc:
                click.echo(f"  {exc.format_message()}")
                continue
            if day is not None and day < earliest:
                click.echo(f"  {day:%a %d %b %Y} is before {earliest:%a %d %b %Y}")
                continue
            return day

    def ask_callback(self, stop: Stop, answers: CallAnswers) -> CallAnswers:
        from rippledoc.views.plan import callback_notice
        from rippledoc.views.session import callback_default
        client = stop.client
        default = callback_default(self.ws, client, self.day)
        zone = f" ({client.timezone})" if client.timezone else ""
        self.say(f"  Enter: {default:%a %d %b}, your next working day that is a business day in their zone{zone} "
                 "with hours in your call window; the plan keeps a call back on the day you say.")
        question = ("When did you say you'd call back" if answers.outcome == "voicemail"
                    else "When will you try again")
        while True:
            day = self.ask_day(question, default, self.day, blank=True)
            if day is None:
                self.say("  No day: the next call comes by the client's cadence.", "yellow")
                return answers
            new = self.attempt(stop, answers, next=day)
            if new is not None:
                self.say("  " + callback_notice(self.book(), self.now(client), self.day, day, self.day), "bold")
                return new

    def cadence_words(self, stop: Stop) -> None:
        """The one wording of when the next call falls due (``Policy.next_call_words``, as ``log`` says it)."""
        from rippledoc.views.cadence import policy
        pol, _ = policy(self.ws)
        self.say("  " + pol.next_call_words(stop.client, self.day))

    def snooze(self, stop: Stop) -> bool:
        """Write ``snooze: DATE``; False when the person gave no date or the write was refused."""
        from rippledoc.edit.client import EditError, set_field
        from rippledoc.views.session import snooze_default
        c = stop.client
        default = snooze_default(self.day)
        until = self.ask_day("Snooze until", default, self.day, blank=True)
        if until is None:
            return False
        if until <= self.day:
            click.echo(f"  A snooze ends after today ({self.day:%a %d %b}).")
            return False
        text = f"snooze: {until.isoformat()}"
        if self.dry_run:
            self.record(Outcome(c, "snooze", c.path, 0, text, until=until))
        else:
            with held_interrupts():
                try:
                    r = set_field(self.root, c.path, "snooze", until, only_if_empty=False, today=self.day)
                except EditError as exc:
                    click.echo(f"rippledoc: {exc}", err=True)
                    return False
                self.record(Outcome(c, "snooze", r.path, r.line, r.text or text, until=until))
                self.stale = True
        where = f"{c.path}:{self.outcomes[-1].line}" if self.outcomes[-1].line else c.path
        self.say(f"  {'would write' if self.dry_run else 'saved'}: {text} ({where})")
        if stop.is_callback:
            self.say(f"  The call back promised for {stop.promised:%a %d %b} stands: a promise is not snoozed, so "
                     "the plan keeps it until a call settles it (docs/planning.md).", "yellow")
        return True

    # ------------------------------------------------------------ the whole session

    def run(self) -> None:
        """Ask about each client in turn; then the summary, however the session ends."""
        try:
            for k, stop in enumerate(self.stops, 1):
                self.show(k, len(self.stops), stop)
                if not self.one(stop):
                    break
        except (KeyboardInterrupt, EOFError, click.Abort):
            click.echo("")
        self.finish()

    def finish(self) -> None:
        from rippledoc.cli.output import paint
        from rippledoc.views.session import summary
        done = {o.client.path for o in self.outcomes}
        left = [s for s in self.stops if s.client.path not in done]
        outcomes = self.outcomes + [Outcome(s.client, "left") for s in left]
        click.echo("")
        if outcomes:
            lines = summary(outcomes, self.day, self.dry_run)
            click.echo(paint(lines[0], "bold", self.color))
            for line in lines[1:]:
                click.echo(line)
        click.echo(self.next_words(left))

    def next_words(self, left: list[Stop]) -> str:
        from rippledoc.views.session import next_call
        tz = self.ws.settings.timezone
        if left:
            return "Next call: " + stop_words(left[0], self.plan_day, tz) + (
                "; 'rippledoc call' goes on with the clients left" if not self.dry_run else "")
        found = next_call(self.book(), self.day, self.owner)
        if found is None:
            return "No call planned in the next two weeks ('rippledoc plan' shows the forecast)."
        plan, stop = found
        head = "Next call" + (" (from the book as it is: a dry run changes nothing)" if self.dry_run else "")
        return f"{head}: {stop_words(stop, plan.day, tz)}\n    why: {stop.reason}"


def stop_words(stop: Stop, day: date, timezone: str) -> str:
    """'Wed 02 Dec 09:30-10:00 Kestrel Freight Lines, their time 08:30 (America/Chicago)'."""
    if stop.call is not None:
        c = stop.call
        when = f"{c.start:%a %d %b %H:%M}-{c.end:%H:%M}" if c.start and c.end else f"{day:%a %d %b}, no time"
        return f"{when} {stop.client.name}, {c.their_time(timezone)}"
    o = stop.outside
    reach = o.reach.words() if o and o.reach else ""
    return f"{day:%a %d %b} {stop.client.name}, outside your call window" + (f": {reach}" if reach else "")


@click.command()
@owner_option
@click.option("--by", "by", metavar="NAME", default=None, help="Who makes the calls (default: me: in rippledoc.yaml).")
@click.option("--dry-run", is_flag=True, help="Ask everything and show the lines it would write; write nothing.")
@today_option
@click.pass_context
def call(ctx: click.Context, owner: str | None, by: str | None, dry_run: bool, today: str | None) -> None:
    """A session through today's calls: the research notes, then a key for what happened, each answer written at once.

    For each client of the plan 'today' shows: r reached (then a note, a
    problem to hand to a department head with who and by when, praise for a
    colleague, a success story, intelligence), v voicemail (then the day you
    said you'd call back), n no answer (when you will try again), s skip,
    z snooze to a date, q quit, ? help. Each answer is written when it is
    given, on the call's one log line as 'log' writes it (a snooze: the
    client's snooze: field), so quitting at any point (q, Ctrl-C) loses
    nothing. Ends with a summary and the next call. Single keys where the
    terminal allows, else one answer a line.

    \b
    Examples:
      rippledoc call
      rippledoc call --dry-run
      rippledoc call --owner me --today 2026-12-01 --dry-run
    """
    import sys
    from rippledoc.cli.output import paint, use_color
    root = root_from(ctx)
    day = workspace_today(root, today)
    ws = load(root, day)
    who = resolve_owner(ws, owner)
    caller = resolve_owner(ws, by, "--by") or ws.settings.me
    plan = shown_plan(ws, day, who)
    color = use_color()
    n = len(plan.calls) + len(plan.outside)
    click.echo(paint(f"{plan.day:%A %d %B %Y}" + (f" · {who}" if who else "") + f" · {n} to call"
                     f" · your window {plan.window} {plan.timezone}", "bold", color))
    if plan.note:
        click.echo(plan.note)
    if dry_run:
        click.echo("Dry run: nothing is written.")
    keys = sys.stdin.isatty() and sys.stdout.isatty()
    Session(root, ws, plan, day, caller, who, dry_run, Reader(keys), color).run()
