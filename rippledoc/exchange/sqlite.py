"""The book as an SQLite database: a stable, documented schema (docs/sql.md) for SQL and Datasette.

``write_sqlite(ws, target, today)`` writes every table into a temporary file
beside ``target`` and swaps it in with ``os.replace``, so a reader never sees
half a database and a failed export leaves the old file as it was. Every row
of every table but ``meta`` carries the ``path`` and ``line`` it came from.
Rows refer to their client by its slug (``REFERENCES clients(slug)``); rows
that name a client the book does not have (``check`` reports them) are left
out, as are the second and later files claiming a slug.

The schema is versioned (``meta.schema_version``): a change that removes or
renames a table or a column raises it; adding one does not. ``fresh`` and
``inputs_key`` let ``rippledoc query`` keep a copy in ``.rippledoc-cache/``
that is rebuilt only when a file of the book changed.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sqlite3
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from time import time_ns
from typing import Any, Iterable

from rippledoc.model import Client
from rippledoc.book.book import Book
from rippledoc.parse.settings import SETTINGS_FILE

SCHEMA_VERSION = 1
RACY_NS = 2_000_000_000  # a file changed this close to the export may have changed unseen (git's racy rule)

SCHEMA = """
-- What this file is: schema_version, rippledoc_version, built_at (UTC), today (the date states are computed
-- for), title (of the book) and inputs (what the book's files were, for 'rippledoc query').
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The team of rippledoc.yaml.
CREATE TABLE team (
  key TEXT PRIMARY KEY,          -- the name used in 'by', '@name' and 'owner:'
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  handles TEXT NOT NULL,         -- departments, comma separated (handoffs go to them)
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- One row per client file.
CREATE TABLE clients (
  slug TEXT PRIMARY KEY,         -- the file name without .md
  name TEXT NOT NULL,
  contact TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, address TEXT NOT NULL, website TEXT NOT NULL,
  timezone TEXT NOT NULL,        -- IANA zone (the book's when the file has none)
  hours TEXT,                    -- 'HH:MM-HH:MM' their time; NULL: the book's client_hours
  since TEXT,                    -- YYYY-MM-DD, a client since
  owner TEXT,                    -- a team key
  level TEXT NOT NULL,           -- base, key, for-life
  grade TEXT,                    -- top, two, three
  status TEXT NOT NULL,          -- active, paused, former
  cadence_days INTEGER,          -- how often to hear from them; NULL: the level's default
  snooze TEXT,                   -- YYYY-MM-DD, not due before
  notes TEXT NOT NULL,           -- the notes (markdown) without the log
  notes_line INTEGER NOT NULL,   -- the line the notes start on
  path TEXT NOT NULL, line INTEGER NOT NULL
);

CREATE TABLE client_tags (
  client TEXT NOT NULL REFERENCES clients(slug),
  tag TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

CREATE TABLE client_products (
  client TEXT NOT NULL REFERENCES clients(slug),
  product TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- The custom: fields of a client (line: the line of 'custom:').
CREATE TABLE client_fields (
  client TEXT NOT NULL REFERENCES clients(slug),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- One row per log line.
CREATE TABLE touches (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  date TEXT NOT NULL,            -- YYYY-MM-DD
  kind TEXT NOT NULL,            -- call, email, meeting, visit, letter
  outcome TEXT NOT NULL,         -- reached, voicemail, no-answer, sent
  author TEXT,                   -- who made it: 'by' of the line, else me: of rippledoc.yaml
  note TEXT NOT NULL,
  next TEXT,                     -- YYYY-MM-DD, the promised next contact
  text TEXT NOT NULL,            -- the line as written
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- The #tags of a log line.
CREATE TABLE touch_tags (
  touch INTEGER NOT NULL REFERENCES touches(id),
  client TEXT NOT NULL REFERENCES clients(slug),
  tag TEXT NOT NULL,             -- lower case, without '#'
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- The @names of a log line.
CREATE TABLE touch_mentions (
  touch INTEGER NOT NULL REFERENCES touches(id),
  client TEXT NOT NULL REFERENCES clients(slug),
  person TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

CREATE TABLE commitments (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  made TEXT,                     -- YYYY-MM-DD
  due TEXT NOT NULL,
  what TEXT NOT NULL,
  done TEXT,                     -- YYYY-MM-DD when kept; NULL: open
  state TEXT NOT NULL,           -- kept, renegotiated, late, open, overdue (docs/format.md), as of meta.today
  path TEXT NOT NULL, line INTEGER NOT NULL
);

CREATE TABLE sales (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  date TEXT NOT NULL,
  amount REAL NOT NULL,
  what TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- Problems handed to a colleague on a call ('handoff: training @priya by DATE').
CREATE TABLE handoffs (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  handed TEXT NOT NULL,          -- the date of the call
  department TEXT,
  owner TEXT NOT NULL,           -- who must call the customer
  caller TEXT,                   -- who made the call
  due TEXT NOT NULL,             -- by when the customer hears from the owner
  done TEXT,                     -- when it was closed; NULL: open
  state TEXT NOT NULL,           -- closed, late, open, overdue, as of meta.today
  what TEXT NOT NULL,
  closed_path TEXT, closed_line INTEGER,  -- where it was closed
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- Praise for a team member, in the customer's words ('#kudos @priya "..."').
CREATE TABLE kudos (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  date TEXT NOT NULL,
  person TEXT NOT NULL,          -- who was praised
  author TEXT,                   -- who logged it
  words TEXT NOT NULL,
  quoted INTEGER NOT NULL,       -- 1: the customer's words in quotes
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- Success stories ('#success[ID]') and where they stand.
CREATE TABLE stories (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  story TEXT NOT NULL,           -- its [ID], else its date
  date TEXT NOT NULL,
  author TEXT,
  words TEXT NOT NULL,
  stage TEXT NOT NULL,           -- story, asked, testimonial, published, webinar, declined, done
  quote TEXT,                    -- the testimonial
  next_step TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- The steps of a story: '#story-asked', '#testimonial', '#published', '#webinar', '#story-declined'.
CREATE TABLE story_steps (
  story INTEGER NOT NULL REFERENCES stories(id),
  client TEXT NOT NULL REFERENCES clients(slug),
  step TEXT NOT NULL,            -- asked, testimonial, published, webinar, declined
  date TEXT NOT NULL,
  quote TEXT,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- Market intelligence ('#intel[conference: Midwest Fleet Expo]').
CREATE TABLE intelligence (
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL REFERENCES clients(slug),
  date TEXT NOT NULL,
  kind TEXT,                     -- site, conference, trend, competitor; NULL: none given
  topic TEXT,                    -- NULL: a plain #intel
  words TEXT NOT NULL,
  author TEXT,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- The rituals: rituals/NAME.md of the book, or rippledoc's own definition of that name.
CREATE TABLE rituals (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  cadence TEXT NOT NULL,         -- daily, weekly, monthly, quarterly, yearly or Nd
  enabled INTEGER NOT NULL,
  builtin INTEGER NOT NULL,      -- 1: rippledoc's own (the book has no rituals/NAME.md)
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- What a ritual scores (the connection metrics, ...).
CREATE TABLE ritual_metrics (
  ritual TEXT NOT NULL REFERENCES rituals(key),
  key TEXT NOT NULL,
  label TEXT NOT NULL,
  low INTEGER NOT NULL, high INTEGER NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- One row per ritual record (rituals/NAME/PERIOD.md or a per-client sheet).
CREATE TABLE ritual_records (
  id INTEGER PRIMARY KEY,
  ritual TEXT NOT NULL,
  period TEXT NOT NULL,          -- 2026-W47, 2026-Q4, 2026, 2026-11-22
  date TEXT NOT NULL,            -- the day it was held
  notes TEXT NOT NULL,           -- the body (markdown)
  notes_line INTEGER NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- One client's part of a record.
CREATE TABLE ritual_entries (
  id INTEGER PRIMARY KEY,
  record INTEGER NOT NULL REFERENCES ritual_records(id),
  ritual TEXT NOT NULL, period TEXT NOT NULL, date TEXT NOT NULL,
  client TEXT NOT NULL REFERENCES clients(slug),
  path TEXT NOT NULL, line INTEGER NOT NULL
);

CREATE TABLE ritual_scores (
  entry INTEGER NOT NULL REFERENCES ritual_entries(id),
  ritual TEXT NOT NULL, date TEXT NOT NULL,
  client TEXT NOT NULL REFERENCES clients(slug),
  metric TEXT NOT NULL,
  score INTEGER NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

-- Answers that are not scores: text, a choice (grade, level) or a date (letter_sent).
CREATE TABLE ritual_answers (
  entry INTEGER NOT NULL REFERENCES ritual_entries(id),
  ritual TEXT NOT NULL, date TEXT NOT NULL,
  client TEXT NOT NULL REFERENCES clients(slug),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  path TEXT NOT NULL, line INTEGER NOT NULL
);

CREATE INDEX touches_client_date ON touches(client, date);
CREATE INDEX touch_tags_tag ON touch_tags(tag);
CREATE INDEX commitments_client ON commitments(client);
CREATE INDEX sales_client ON sales(client);
CREATE INDEX ritual_scores_client ON ritual_scores(client, ritual, date);
"""

TABLES = ("meta", "team", "clients", "client_tags", "client_products", "client_fields", "touches", "touch_tags",
          "touch_mentions", "commitments", "sales", "handoffs", "kudos", "stories", "story_steps", "intelligence",
          "rituals", "ritual_metrics", "ritual_records", "ritual_entries", "ritual_scores", "ritual_answers")


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    rows = iter(rows)
    first = next(rows, None)
    if first is not None:
        marks = ", ".join("?" * len(first))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", itertools.chain([first], rows))


def _clients(ws: Book) -> list[Client]:
    """The clients of the book, one per slug (the first, as ``Book.client`` has it)."""
    return [c for c in ws.clients if ws.client(c.slug) is c]


def _fill(db: sqlite3.Connection, ws: Book, today: date, meta: dict[str, str]) -> None:
    s = ws.settings
    me = s.me
    clients = _clients(ws)
    known = {c.slug for c in clients}
    _insert(db, "meta", sorted(meta.items()))
    team_line = s.source.line if s.source else 1
    _insert(db, "team", ((k, m.name, m.email, m.role, ",".join(m.handles), SETTINGS_FILE, team_line)
                         for k, m in s.team.items()))
    _insert(db, "clients", (
        (c.slug, c.name, c.contact, c.email, c.phone, c.address, c.website, c.timezone,
         str(c.hours) if c.hours else None, _d(c.since), c.owner, c.level, c.grade, c.status, c.cadence_days,
         _d(c.snooze), c.notes, c.notes_line, c.path, c.source.line) for c in clients))
    _insert(db, "client_tags", ((c.slug, t, c.path, c.field_lines.get("tags", 1)) for c in clients for t in c.tags))
    _insert(db, "client_products", ((c.slug, p, c.path, c.field_lines.get("products", 1))
                                    for c in clients for p in c.products))
    _insert(db, "client_fields", ((c.slug, str(k), _text(v), c.path, c.field_lines.get("custom", 1))
                                  for c in clients for k, v in c.custom.items()))
    touch_ids: dict[tuple[str, int], int] = {}
    touches: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    for c in clients:
        for t in c.log:
            n = len(touches) + 1
            touch_ids[(t.source.path, t.source.line)] = n
            touches.append((n, c.slug, _d(t.date), t.kind, t.outcome, t.by or me, t.note, _d(t.next), t.text,
                            t.source.path, t.source.line))
            tags += [(n, c.slug, tag, t.source.path, t.source.line) for tag in t.tags]
            mentions += [(n, c.slug, p, t.source.path, t.source.line) for p in t.mentions]
    _insert(db, "touches", touches)
    _insert(db, "touch_tags", tags)
    _insert(db, "touch_mentions", mentions)
    _insert(db, "commitments", ((None, c.slug, _d(k.made), _d(k.due), k.what, _d(k.done), k.state(today), c.path,
                                 k.source.line) for c in clients for k in c.commitments))
    _insert(db, "sales", ((None, c.slug, _d(x.date), x.amount, x.what, c.path, x.source.line)
                          for c in clients for x in c.sales))
    outcomes = ws.followups
    ours = lambda x: ws.client(x.client.slug) is x.client  # noqa: E731  (the first file of its slug)
    _insert(db, "handoffs", (
        (None, h.client.slug, _d(h.touch.date), h.department, h.owner, h.caller, _d(h.due), _d(h.done),
         h.state(today), h.what, h.closed_by.path if h.closed_by else None, h.closed_by.line if h.closed_by else None,
         h.source.path, h.source.line) for h in outcomes.handoffs if ours(h)))
    _insert(db, "kudos", ((None, k.client.slug, _d(k.touch.date), k.person, k.touch.by or me, k.words, int(k.quoted),
                           k.touch.source.path, k.touch.source.line) for k in outcomes.kudos if ours(k)))
    steps = []
    for st in (x for x in outcomes.stories if ours(x)):
        cur = db.execute("INSERT INTO stories VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (st.client.slug, st.id, _d(st.date), st.touch.by or me, st.words, st.stage, st.quote,
                          st.next_step(), st.touch.source.path, st.touch.source.line))
        steps += [(cur.lastrowid, st.client.slug, x.step, _d(x.date), x.quote, x.touch.source.path,
                   x.touch.source.line) for x in st.steps]
    _insert(db, "story_steps", steps)
    _insert(db, "intelligence", ((None, i.client.slug, _d(i.touch.date), i.kind, i.topic, i.words, i.touch.by or me,
                                  i.touch.source.path, i.touch.source.line) for i in outcomes.intel if ours(i)))
    rituals = sorted(ws.rituals.values(), key=lambda r: r.key)
    root = Path(ws.root)
    _insert(db, "rituals", ((r.key, r.name, r.cadence, int(r.enabled), int(not (root / r.source.path).is_file()),
                             r.source.path, r.source.line) for r in rituals))
    _insert(db, "ritual_metrics", ((r.key, m.key, m.label, m.low, m.high, r.source.path, r.source.line)
                                   for r in rituals for m in r.metrics))
    scores, answers = [], []
    for r in sorted(ws.records, key=lambda r: (r.ritual, r.date, r.source.path)):
        rec = db.execute("INSERT INTO ritual_records VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
                         (r.ritual, r.period, _d(r.date), r.body, r.body_line, r.source.path, r.source.line)).lastrowid
        for e in r.entries:
            if e.client not in known:
                continue
            where = (e.source.path, e.source.line)
            entry = db.execute("INSERT INTO ritual_entries VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
                               (rec, r.ritual, r.period, _d(r.date), e.client, *where)).lastrowid
            scores += [(entry, r.ritual, _d(r.date), e.client, k, v, *where) for k, v in e.scores.items()]
            answers += [(entry, r.ritual, _d(r.date), e.client, k, _text(v), *where) for k, v in e.answers.items()]
    _insert(db, "ritual_scores", scores)
    _insert(db, "ritual_answers", answers)


def write_sqlite(ws: Book, target: Path, today: date, inputs: str = "") -> None:
    """Write the book's database to ``target``: a temporary file beside it, swapped in when complete."""
    from rippledoc import __version__
    from rippledoc.edit.atomic import new_file_mode
    target = Path(os.path.realpath(target))
    mode = target.stat().st_mode & 0o7777 if target.exists() else new_file_mode()
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    meta = {"schema_version": str(SCHEMA_VERSION), "rippledoc_version": __version__,
            "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(), "today": today.isoformat(),
            "title": ws.settings.title, "inputs": inputs}
    try:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a temporary file: on failure it is thrown away whole
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA foreign_keys = ON")
            with db:
                db.executescript(SCHEMA)
                _fill(db, ws, today, meta)
            problems = db.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise sqlite3.IntegrityError(f"foreign key check failed: {problems[:3]}")
        finally:
            db.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        dirfd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)


# ---- the copy 'rippledoc query' keeps ------------------------------------------------------------

def input_files(root: Path) -> list[Path]:
    """The files a load reads: rippledoc.yaml, clients/*.md, rituals/*.md and the records under rituals/."""
    from rippledoc.read.source import iter_files
    files = [root / SETTINGS_FILE] + iter_files(root / "clients") + iter_files(root / "rituals")
    folder = root / "rituals"
    if folder.is_dir():
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files += iter_files(sub)
            files += [f for p in sorted(sub.iterdir()) if p.is_dir() and not p.name.startswith(".")
                      for f in iter_files(p)]
    return files


def inputs_key(root: Path, today: date) -> str:
    """What the book's files are now (path, size, mtime, inode), the date and the schema, as one hash;
    '' when a file changed so recently that its stat may not show a later change (git's racy-file rule)."""
    from rippledoc import __version__
    from rippledoc.read.cache import fingerprint
    h = hashlib.sha256(f"{SCHEMA_VERSION}\0{__version__}\0{fingerprint()}\0{today.isoformat()}".encode())
    recent = time_ns() - RACY_NS
    for path in input_files(root):
        try:
            st = os.stat(path)
        except OSError:
            continue
        if st.st_mtime_ns > recent:
            return ""
        h.update(f"\0{path.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
    return h.hexdigest()


def fresh(db_path: Path, key: str) -> bool:
    """True when the database at ``db_path`` was written from the files as they are now (``key``)."""
    if not key or not db_path.is_file():
        return False
    try:
        db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchone()
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == key and version is not None and version[0] == str(SCHEMA_VERSION)
