"""What changed in the book since a date or a commit, read from git history.

Each commit since then (merges left out: they only combine what their
parents did) is compared with its first parent, client file by client file:
touches logged, clients added, levels and grades moved, commitments made and
kept. A log line added is a touch logged; a line edited (its touch, the same
date and kind, is still there: ``handoff-done`` wrote ``done:`` on it, a typo
was fixed) is a touch edited, never a second touch. A touch is credited to its
``by``, everything else to the commit's author, who is recognised as a team
member by e-mail or name. Only committed
work counts; ``git status`` shows the rest.

``client_events`` is the pure part (two versions of a client -> events);
``collect`` runs git (``git log`` once, ``git cat-file --batch`` once) and
returns a ``Changes``.
"""
from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Mapping

from rippledoc.model import Client, Settings, TeamMember, Touch

EVENT_KINDS = ("touch", "client-added", "level", "grade", "commitment-made", "commitment-kept", "touch-edited")
DEFAULT_DAYS = 7


class GitError(Exception):
    """git is missing, the folder is not a repository, or a revision does not exist."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parent: str | None  # the first parent; None for the first commit
    author: str
    email: str
    day: date  # the author date
    subject: str
    who: str  # the team key of the author, else the author's name
    paths: tuple[tuple[str, str], ...] = ()  # (status A/M/D, path relative to the workspace)


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # one of EVENT_KINDS
    client: str  # slug
    name: str  # the client's name
    who: str
    day: date  # the touch's date, the commitment's made or done date, else the commit's date
    commit: str  # sha
    detail: str  # the touch line, the commitment's what, or "base -> key"
    reached: bool = False

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "client": self.client, "name": self.name, "who": self.who,
                "date": self.day.isoformat(), "commit": self.commit, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Changes:
    since: str  # what the user asked for, in words: "2026-11-13" or "v1.0 (3f2a1b0)"
    head: str  # sha
    commits: tuple[Commit, ...]
    events: tuple[Event, ...]
    team: Mapping[str, TeamMember] = field(default_factory=dict)

    def of(self, kind: str) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == kind)

    def people(self) -> dict[str, dict[str, int]]:
        """Figures per person: commits, touches, reached, clients touched, and one count per event kind."""
        names = sorted({c.who for c in self.commits} | {e.who for e in self.events},
                       key=lambda w: (w not in self.team, list(self.team).index(w) if w in self.team else 0, w))
        out: dict[str, dict[str, int]] = {}
        for who in names:
            mine = [e for e in self.events if e.who == who]
            touches = [e for e in mine if e.kind == "touch"]
            row = {"commits": sum(c.who == who for c in self.commits), "touches": len(touches),
                   "reached": sum(e.reached for e in touches), "clients_touched": len({e.client for e in touches})}
            for kind in EVENT_KINDS[1:]:
                row[kind.replace("-", "_")] = sum(e.kind == kind for e in mine)
            out[who] = row
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since, "head": self.head,
            "commits": [{"sha": c.sha, "author": c.author, "email": c.email, "who": c.who,
                         "date": c.day.isoformat(), "subject": c.subject} for c in self.commits],
            "totals": {k.replace("-", "_"): len(self.of(k)) for k in EVENT_KINDS},
            "people": self.people(),
            "events": [e.to_json() for e in self.events],
        }


# ---------------------------------------------------------------- the pure part

def who_is(author: str, email: str, team: Mapping[str, TeamMember]) -> str:
    """A commit author as a team key: by e-mail, then name, then the e-mail's local part; else the name."""
    for key, m in team.items():
        if m.email and m.email.lower() == email.lower():
            return key
    for key, m in team.items():
        if m.name.lower() == author.lower() or key.lower() == author.lower():
            return key
    local = email.split("@", 1)[0].lower()
    return local if local in team else author


def _what(text: str) -> str:
    return " ".join(text.split()).lower()


def _new_lines(before: Client | None, after: Client) -> list[tuple[Touch, bool]]:
    """The log lines of ``after`` that ``before`` did not have, each with whether it is an edited line.

    A new line is an edit when a line of ``before`` that is gone was a touch of the same date and kind
    (the file is the client): the touch was there already, only its words changed.
    """
    kept = Counter(t.text.rstrip() for t in after.log)
    gone: Counter[tuple[date, str]] = Counter()
    for t in before.log if before else ():
        if kept[t.text.rstrip()] > 0:
            kept[t.text.rstrip()] -= 1
        else:
            gone[(t.date, t.kind)] += 1
    old = Counter(t.text.rstrip() for t in before.log) if before else Counter()
    out = []
    for t in after.log:
        if old[t.text.rstrip()] > 0:
            old[t.text.rstrip()] -= 1
            continue
        edited = gone[(t.date, t.kind)] > 0
        if edited:
            gone[(t.date, t.kind)] -= 1
        out.append((t, edited))
    return out


def client_events(before: Client | None, after: Client, commit: Commit, start: date | None = None) -> list[Event]:
    """What one commit did to one client: ``before`` is None when it added the file.

    A file added with its history (an import) counts as one client added;
    its touches and commitments count only from ``start`` on.
    """
    def event(kind: str, day: date, detail: str, who: str | None = None, reached: bool = False) -> Event:
        return Event(kind, after.slug, after.name, who or commit.who, day, commit.sha, detail, reached)

    out = []
    if before is None:
        out.append(event("client-added", commit.day, after.name))
    for t, edited in _new_lines(before, after):
        if edited:
            out.append(event("touch-edited", t.date, t.text))
        else:
            out.append(event("touch", t.date, t.text, t.by or commit.who, t.reached))
    for attr in ("level", "grade"):
        was, now = (getattr(before, attr) if before else None), getattr(after, attr)
        if before is not None and was != now:
            out.append(event(attr, commit.day, f"{was or '(none)'} -> {now or '(none)'}"))
    known = {_what(c.what): c for c in before.commitments} if before else {}
    for c in after.commitments:
        prior = known.get(_what(c.what))
        if prior is None:
            out.append(event("commitment-made", c.made or commit.day, c.what))
        if c.done is not None and (prior is None or prior.done is None):
            out.append(event("commitment-kept", c.done, c.what))
    if before is None and start is not None:
        out = [e for e in out if e.kind == "client-added" or e.day >= start]
    return out


# ---------------------------------------------------------------- git

def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotePath=false", *args], input=data,
                              capture_output=True, timeout=300)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if proc.returncode:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def resolve_since(root: Path, since: str | None, today: date) -> tuple[str, list[str], date | None]:
    """``since`` (a date, a revision or None: a week before ``today``) -> (words, git log arguments, the date)."""
    from rippledoc.parse.fields import parse_date
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError("this workspace is not in a git repository; 'changes' reads the history git keeps "
                       "(git init, then commit)") from None
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        raise GitError("the repository has no commits yet; commit the workspace first") from None
    if since is None:
        since = (today - timedelta(days=DEFAULT_DAYS)).isoformat()
    day = parse_date(since)
    if day is not None:
        return day.isoformat(), [f"--since={day.isoformat()} 00:00", "HEAD"], day
    try:
        sha = _git(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"'{since}' is neither a date (YYYY-MM-DD) nor a commit of this repository") from None
    words = sha[:7] if sha.startswith(since.lower()) else f"{since} ({sha[:7]})"
    return words, [f"{sha}..HEAD"], None


def commits(root: Path, rev_args: list[str], team: Mapping[str, TeamMember]) -> list[Commit]:
    """The commits of the range that change the workspace, oldest first, with the files each changed."""
    fmt = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%as%x1f%s"
    out = _git(root, "log", "--no-merges", "--reverse", "--no-renames", "--relative", "--name-status",
               f"--format={fmt}", *rev_args, "--", ".").decode("utf-8", "replace")
    found = []
    for record in out.split("\x1e")[1:]:
        head, _, rest = record.partition("\n")
        sha, parents, author, email, day, subject = head.split("\x1f")
        paths = tuple((line[0], line.split("\t", 1)[1]) for line in rest.splitlines() if "\t" in line)
        found.append(Commit(sha, parents.split()[0] if parents else None, author, email, date.fromisoformat(day),
                            subject, who_is(author, email, team), paths))
    return found


def blobs(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """``REV:./PATH`` -> the file's bytes (None when it does not exist there), with one ``git cat-file``."""
    if not specs:
        return {}
    out = _git(root, "cat-file", "--batch", data="".join(s + "\n" for s in specs).encode("utf-8"))
    found: dict[str, bytes | None] = {}
    pos = 0
    for spec in specs:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[spec] = out[pos:pos + size]
            pos += size + 1
        else:
            found[spec] = None
    return found


def collect(root: Path, since: str | None, today: date, settings: Settings | None = None) -> Changes:
    """The changes of the workspace at ``root`` since a date or revision (default: the last 7 days)."""
    from rippledoc.parse.client import parse_client
    from rippledoc.book.loader import load_settings
    from rippledoc.read.source import Text
    root = Path(root).resolve()
    if settings is None:
        settings, _ = load_settings(root)
    words, rev_args, start = resolve_since(root, since, today)
    head = _git(root, "rev-parse", "HEAD").decode().strip()
    found = commits(root, rev_args, settings.team)
    if start is None:
        start = found[0].day if found else today
    wanted = [(c, status, path) for c in found for status, path in c.paths if _is_client(path) and status != "D"]
    specs = []
    for c, status, path in wanted:
        specs.append(f"{c.sha}:./{path}")
        if status != "A" and c.parent:
            specs.append(f"{c.parent}:./{path}")
    data = blobs(root, specs)

    def parse(spec: str, path: str) -> Client | None:
        raw = data.get(spec)
        if raw is None:
            return None
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            return None
        return parse_client(Text(path, text, raw), settings)[0]

    events: list[Event] = []
    for c, status, path in wanted:
        after = parse(f"{c.sha}:./{path}", path)
        if after is None:
            continue
        if status == "A" or not c.parent:
            events += client_events(None, after, c, start)
            continue
        before = parse(f"{c.parent}:./{path}", path)
        if before is not None:
            events += client_events(before, after, c)
    return Changes(words, head, tuple(found), tuple(events), settings.team)


def _is_client(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 2 and parts[0] == "clients" and parts[1].endswith(".md") and not parts[1].startswith(".")


def render(ch: Changes) -> str:
    """The summary as text: totals, a table per person, then the details."""
    people = ch.people()
    n_people = len({c.who for c in ch.commits})
    lines = [f"Changes since {ch.since}: {len(ch.commits)} commit{'s' * (len(ch.commits) != 1)}"
             f" by {n_people} {'person' if n_people == 1 else 'people'} (HEAD {ch.head[:7]})"]
    if not ch.commits:
        return lines[0] + "\n"
    touches = ch.of("touch")
    reached = sum(e.reached for e in touches)
    n_clients = len({e.client for e in touches})
    lines.append(f"  touches logged    {len(touches):4}  ({reached} reached, {n_clients} client{'s' * (n_clients != 1)})")
    for kind, label in (("client-added", "clients added"), ("level", "levels moved"), ("grade", "grades moved"),
                        ("commitment-made", "commitments made"), ("commitment-kept", "commitments kept")):
        lines.append(f"  {label:17} {len(ch.of(kind)):4}")
    if ch.of("touch-edited"):
        lines.append(f"  {'touches edited':17} {len(ch.of('touch-edited')):4}  (lines changed, not logged again)")
    cols = ("commits", "touches", "reached", "clients_touched", "client_added", "level", "grade",
            "commitment_made", "commitment_kept")
    heads = ("commits", "touches", "reached", "clients", "added", "levels", "grades", "made", "kept")
    width = max([len(w) for w in people] + [len("By person") - 2])
    lines += ["", "By person".ljust(width + 2) + "".join(f"{h:>9}" for h in heads)]
    for who, row in people.items():
        lines.append(f"  {who:{width}}" + "".join(f"{row[c]:9}" for c in cols))
    for kind, title in (("touch", "Touches logged"), ("client-added", "Clients added"), ("level", "Levels moved"),
                        ("grade", "Grades moved"), ("commitment-made", "Commitments made"),
                        ("commitment-kept", "Commitments kept"), ("touch-edited", "Touches edited")):
        found = sorted(ch.of(kind), key=lambda e: (e.day, e.client))
        if not found:
            continue
        lines += ["", title]
        for e in found:
            detail = (e.detail.split(" ", 2)[-1] if kind == "touch" else
                      f"{e.detail.split(' ', 2)[-1]}  ({e.who}, {e.commit[:7]})" if kind == "touch-edited" else
                      f"{e.detail}  ({e.who}, {e.commit[:7]})")
            lines.append(f"  {e.day.isoformat()} {e.client:24} {detail}")
    return "\n".join(lines) + "\n"

