"""Quick capture: ``inbox.md`` lines filed into the clients' logs.

A person jots one line per touch, on a phone or in any synced notes app::

    ## 2026-11-20
    northwind call reached: they loved the dashboard #success
    - acme voicemail next: 2026-11-25
    2026-11-19 blue gum email by priya: sent the training dates

A line is ``[DATE] CLIENT KIND [OUTCOME] [by WHO][: NOTE]`` or ``[DATE] KIND
CLIENT, [OUTCOME], NOTE`` (``called Kestrel, voicemail, call back fri``), read
by ``grammar.capture``: the client is matched loosely, as
``names.match_clients`` does, the kind may be left out when the outcome says
it, and the date is the line's own, else its ``## DATE`` heading, else today.
What is filed is the canonical log line of ``grammar.write.format_touch``.
``plan`` decides every line without touching a file; ``file_inbox``
first marks each line it is about to file (``<!-- rippledoc: filing, N already
in the log -->``, N being how many identical lines that log has then), appends
the filed lines with the lossless writer (``edit.append_touch``) and then
rewrites the inbox as it is by then, by compare-and-swap, so a line a phone
appends meanwhile stays: filed lines are removed (and a date heading left with
nothing under it), every other line stays, with a ``<!-- rippledoc: why -->``
comment when it could not be filed. A marked line met again (a run stopped
before its last step) is filed only when its log still has no more than N
such lines, so a touch is neither lost nor logged twice, and a second
identical touch (two voicemails on one day) is a touch like any other.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Sequence

from rippledoc.parse.fields import parse_date
from rippledoc.parse.grammar.capture import Capture, read_capture
from rippledoc.parse.grammar.touch import parse_touch
from rippledoc.parse.grammar.write import format_touch
from rippledoc.model import Client, Settings
from rippledoc.read.source import split_lines

INBOX = "inbox.md"
_WHY = re.compile(r"\s*<!--\s*rippledoc:.*?-->\s*$")
_HEADING = re.compile(r"^#{1,6}\s")
_DATE_HEADING = re.compile(r"^#{1,6}\s+([0-9]{4}-[0-9]{2}-[0-9]{2})\b")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_FILING = re.compile(r"<!--\s*rippledoc: filing, ([0-9]+) already in the log\s*-->\s*$")


class InboxError(Exception):
    """The inbox cannot be read (too large, not UTF-8, a link out of the workspace)."""


@dataclass(frozen=True, slots=True)
class Decision:
    line: int  # 1-based line of inbox.md
    text: str  # the line as written, without a rippledoc comment and the line ending
    client: Client | None = None  # set when the line can be filed
    touch: str = ""  # the log line it becomes
    why: str = ""  # why it stays in the inbox
    before: int | None = None  # marked as being filed when its log had this many identical lines
    earlier: bool = False  # filed by an earlier run that stopped before rewriting the inbox

    @property
    def filed(self) -> bool:
        return self.client is not None


@dataclass(frozen=True, slots=True)
class Report:
    decisions: tuple[Decision, ...]
    written: bool  # False for a dry run (or when nothing changed)
    problem: str = ""  # the filed lines could not be cleared from the inbox: why

    @property
    def filed(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.filed)

    @property
    def kept(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if not d.filed)


def read_line(text: str, clients: Sequence[Client], settings: Settings, when: date, today: date,
              by: str | None) -> tuple[Client | None, str, str]:
    """One inbox line -> ``(client, log line, "")`` or ``(None, "", why)``.

    Each reading of the line (``grammar.capture``) is written as a log line by the one writer and read back
    by the touch parser; the first that reads clean, names a team member and finds its client is filed.
    """
    readings, why = read_capture(text, when)
    first_why = why
    for r in readings:
        client, line, why = _filed_as(r, clients, settings, today, by)
        if client is not None:
            return client, line, ""
        first_why = first_why or why
    return None, "", first_why


def _filed_as(r: Capture, clients: Sequence[Client], settings: Settings, today: date,
              by: str | None) -> tuple[Client | None, str, str]:
    who = r.by or by
    line = format_touch(r.date, r.kind, r.outcome, who, r.note, r.next)
    touch, problems = parse_touch(line, INBOX, 0, today)
    if touch is None or problems:
        return None, "", (problems[0].message if problems else "the line does not make a touch")
    if who and settings.team and who not in settings.team:
        return None, "", f"'by {who}': not in the team ({', '.join(settings.team)})"
    found = _match(r.client, clients)
    if isinstance(found, str):
        return None, "", found
    return found, line, ""


def _match(query: str, clients: Sequence[Client]) -> Client | str:
    from rippledoc.book.names import match_clients
    if not query:
        return "no client named before the touch"
    found = match_clients(query, clients)
    if not found:
        return f"no client matches '{query}'"
    if len(found) > 1:
        names = ", ".join(c.slug for c in found[:5]) + (", …" if len(found) > 5 else "")
        return f"'{query}' matches {len(found)} clients ({names}); write more of the name"
    return found[0]


def plan(text: str, clients: Sequence[Client], settings: Settings, today: date, by: str | None) -> list[Decision]:
    """Decide every line of an inbox: filed into which client's log, or kept and why."""
    out = []
    when = today
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        m = _DATE_HEADING.match(line)
        if m:
            when = parse_date(m[1]) or today
            continue
        if _HEADING.match(line):
            when = today
            continue
        if not line.strip() or _COMMENT.match(line):
            continue
        mark = _FILING.search(line)
        entry = _WHY.sub("", line)
        client, touch, why = read_line(entry, clients, settings, when, today, by)
        out.append(Decision(n, entry, client, touch, why, int(mark[1]) if mark and client else None))
    return out


def rewrite(text: str, decisions: Sequence[Decision], marking: bool = False) -> str:
    """The inbox without its filed lines, with a why-comment on each kept one.

    Lines are found by their text (the n-th line reading "x" is the n-th one
    that was decided), so lines appended meanwhile by a phone are kept as
    they are; a filed line is looked for first among the lines that carry its
    filing mark, so a line written again above it meanwhile stays too. A date
    heading whose lines were all filed goes too. With ``marking``, filed lines
    stay, each with its filing mark, and nothing else changes.
    """
    lines = split_lines(text)
    take = _matcher(lines, decisions, marking)
    out: list[str] = []
    sections: list[tuple[int, bool]] = []  # (index in out of a date heading, whether a line under it was filed)
    for raw in lines:
        if raw == "":
            continue
        body = raw.rstrip("\r\n")
        eol = raw[len(body):]
        if _HEADING.match(body):
            sections.append((len(out), False))
            out.append(raw)
            continue
        entry = _WHY.sub("", body)
        d = take(entry, bool(_FILING.search(body))) if entry.strip() and not _COMMENT.match(body) else None
        if d is None:
            out.append(raw)
        elif marking:
            out.append(f"{entry} <!-- rippledoc: filing, {d.before} already in the log -->{eol}" if d.filed else raw)
        elif d.filed:
            if sections:
                sections[-1] = (sections[-1][0], True)
        else:
            out.append(f"{entry} <!-- rippledoc: {d.why.replace('--', '—')} -->{eol}")
    drop: set[int] = set()
    bounds = [s for s, _ in sections] + [len(out)]
    for (start, filed), end in zip(sections, bounds[1:]):
        if filed and _DATE_HEADING.match(out[start]) and not any(l.strip() for l in out[start + 1:end]):
            drop.update(range(start, end))
    kept = [l for i, l in enumerate(out) if i not in drop or marking]
    while kept and not kept[0].strip() and not marking:
        kept.pop(0)
    return "".join(kept)


def _matcher(lines: Sequence[str], decisions: Sequence[Decision], marking: bool):
    """``take(entry, marked)``: the decision a line of the inbox stands for, each decision taken once.

    When clearing (not ``marking``), as many filed decisions of a text as
    there are lines of that text with a filing mark are kept for those lines.
    """
    queue: dict[str, list[Decision]] = {}
    for d in sorted(decisions, key=lambda d: d.line):
        queue.setdefault(d.text, []).append(d)
    reserved: Counter[str] = Counter()
    if not marking:
        marked = Counter(_WHY.sub("", l.rstrip("\r\n")) for l in lines if _FILING.search(l.rstrip("\r\n")))
        for entry, n in marked.items():
            reserved[entry] = min(n, sum(d.filed for d in queue.get(entry, ())))

    def take(entry: str, has_mark: bool) -> Decision | None:
        waiting = queue.get(entry, [])
        skip = 0 if has_mark else reserved[entry]
        for d in waiting:
            if has_mark and reserved[entry] and not d.filed:
                continue
            if d.filed and skip:
                skip -= 1
                continue
            if has_mark and reserved[entry]:
                reserved[entry] -= 1
            waiting.remove(d)
            return d
        return None

    return take


def file_inbox(root: Path, today: date, by: str | None = None, dry_run: bool = False) -> Report:
    """File ``ROOT/inbox.md`` into the clients' logs; with ``dry_run`` only say what would happen.

    Raises ``InboxError`` when nothing could be filed; once lines are filed,
    a problem clearing them from the inbox is the report's ``problem``.
    """
    from rippledoc.edit import atomic
    from rippledoc.edit.client import EditError, append_touch
    from rippledoc.book.loader import load_book
    from rippledoc.read.source import read_text
    path = Path(root) / INBOX
    ws = load_book(root, today)
    src, problems = read_text(Path(root), path, ws.settings.max_file_bytes)
    if src is None:
        raise InboxError(f"{problems[0].location()}: {problems[0].message}" if problems else f"cannot read {INBOX}")
    text = src.text
    decisions = plan(text, ws.clients, ws.settings, today, by or ws.settings.me)
    if dry_run:
        return Report(tuple(decisions), False)
    in_log = Counter(((c.path, t.text) for c in ws.clients for t in c.log))
    marked: Counter[tuple[str, str]] = Counter()  # per touch: the next mark (the log's count plus lines marked)
    for d in decisions:
        if d.client is not None and d.before is not None:  # filed, and marked
            key = (d.client.path, d.touch)
            marked[key] = max(marked[key], d.before + 1)
    decisions = [_mark(d, in_log, marked) for d in decisions]
    if any(d.filed for d in decisions):
        problem = _rewrite_inbox(path, decisions, marking=True)
        if problem:
            raise InboxError(f"{problem}; nothing was filed")
    done = []
    for d in decisions:
        if d.filed and d.client is not None:
            if d.earlier:
                done.append(d)
                continue
            try:
                append_touch(root, d.client.path, d.touch, today)
            except EditError as exc:
                d = Decision(d.line, d.text, None, "", str(exc))
        done.append(d)
    problem = _rewrite_inbox(path, done)
    if problem and any(d.filed for d in done):
        problem += ("; the filed lines are still in it, marked as filed: the next 'rippledoc inbox' clears them "
                    "without logging them again")
    return Report(tuple(done), True, problem)


def _mark(d: Decision, in_log: Counter[tuple[str, str]], marked: Counter[tuple[str, str]]) -> Decision:
    """``d`` with its filing mark: a new one, or an earlier run's, found already filed when its log has more."""
    if d.client is None:  # kept
        return d
    key = (d.client.path, d.touch)
    if d.before is not None:
        return replace(d, earlier=in_log[key] > d.before)
    before = max(in_log[key], marked[key])
    marked[key] = before + 1
    return replace(d, before=before)


def _rewrite_inbox(path: Path, decisions: Sequence[Decision], marking: bool = False) -> str:
    """Rewrite the inbox as it is now (lines added meanwhile stay) by compare-and-swap; "" or what went wrong."""
    from rippledoc.edit import atomic

    def change(fresh: bytes) -> bytes:
        bom = fresh.startswith(b"\xef\xbb\xbf")
        try:
            text = fresh.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise InboxError(f"{INBOX} is no longer UTF-8 text") from None
        return (("\ufeff" if bom else "") + rewrite(text, decisions, marking)).encode("utf-8")

    with atomic.locked(path.parent):
        try:
            atomic.update(path, change)
        except InboxError as exc:
            return str(exc)
        except atomic.SavedTwice as exc:
            return str(exc)
        except atomic.ChangedOnDisk:
            return f"{INBOX} kept changing while rippledoc rewrote it ({atomic.ATTEMPTS} tries)"
        except OSError as exc:
            return atomic.write_problem(INBOX, exc)
    return ""
