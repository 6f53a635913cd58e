"""The derived index in ``.rippledoc-cache/index.sqlite``: one row per client file, updated one row at a time.

A row is keyed by the file's name and holds its stat when it was read (size,
mtime, inode), the sha256 key of its bytes (``cache.entry_key``), the time
the row was written, a *head* (what ``today``, ``due`` and ``check`` need of
the file, as JSON) and a *body* (the whole parsed file, the content cache's
payload), read only when a view asks for more than the head holds.

The trust model is the content cache's (rippledoc/read/cache.py): each row is
sealed with a keyed BLAKE2b under this user's secret over its name, stat,
key, time, head and the sha256 of its body and of each further column (the
handoffs, kudos, stories and intelligence of the file, each checked when it is
read: only a view that asks for a kind reads it). A row that fails its seal, a
file that is not a SQLite database, or one written for another version, code
or settings is ignored (and replaced); the index is safe to delete at any
time, and one that cannot be written only makes rippledoc slower.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from time import time_ns

from rippledoc.read.cache import secret

INDEX_FORMAT = "rippledoc-index 2"
INDEX_FILE = "index.sqlite"
EXTRA = ("handoffs", "kudos", "stories", "intel")  # further JSON columns, each read when a view asks for its kind
_SCHEMA = ("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);"
           "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ino INTEGER,"
           " digest TEXT, written_ns INTEGER, body_sha TEXT, extra_sha TEXT, seal TEXT, head BLOB, handoffs BLOB,"
           " kudos BLOB, stories BLOB, intel BLOB, body BLOB);")


@dataclass(slots=True)
class Row:
    name: str
    size: int
    mtime_ns: int
    ino: int
    digest: str
    written_ns: int
    body_sha: str
    head: bytes
    extra_sha: str  # the sha256 of each EXTRA column, joined by spaces
    extra: tuple[bytes, ...] | None = None  # one per EXTRA, when in hand (a row just written)

    def extra_digest(self, kind: str) -> str:
        return self.extra_sha.split(" ")[EXTRA.index(kind)]


def _seal(key: str, row: Row) -> str:
    h = hashlib.blake2b(f"{INDEX_FORMAT}\0{key}\0{row.name}\0{row.size}\0{row.mtime_ns}\0{row.ino}\0{row.digest}\0"
                        f"{row.written_ns}\0{row.body_sha}\0{row.extra_sha}\0".encode(), key=secret(), digest_size=16)
    h.update(row.head)
    return h.hexdigest()


def extra_sha(extra: tuple[bytes, ...]) -> str:
    return " ".join(hashlib.sha256(part).hexdigest() for part in extra)


_INHERITED: list[sqlite3.Connection] = []


class Index:
    """One workspace's index for one key (rippledoc's code and the settings). Every failure is a miss."""

    def __init__(self, folder: Path, key: str, enabled: bool = True) -> None:
        self.path = folder / INDEX_FILE
        self.key = key
        self.db: sqlite3.Connection | None = None
        self.names: list[str] = []  # every row's file name, sealed or not (the rows of files gone are dropped)
        self.pid = os.getpid()
        if enabled:
            self.db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            for p in (self.path, self.path.with_name(self.path.name + "-wal"),
                      self.path.with_name(self.path.name + "-shm")):
                if p.is_symlink() or (p.exists() and not p.is_file()):
                    return None  # the cache folder may have been committed by anyone: a regular file or nothing
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            found = db.execute("SELECT v FROM meta WHERE k = 'key'").fetchone()
            if found is None or found[0] != f"{INDEX_FORMAT}\0{self.key}":
                db.close()  # written by another version, or for other settings: begun again (faster than emptied)
                return self._recreate()
            return db
        except (sqlite3.Error, OSError, ValueError):
            return self._recreate()

    def _recreate(self) -> sqlite3.Connection | None:
        """A damaged index is removed and begun again; None when even that fails."""
        try:
            for suffix in ("", "-wal", "-shm"):
                p = self.path.with_name(self.path.name + suffix)
                if p.exists() or p.is_symlink():
                    p.unlink()
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (f"{INDEX_FORMAT}\0{self.key}",))
            return db
        except (sqlite3.Error, OSError):
            return None

    @property
    def enabled(self) -> bool:
        return self.db is not None

    def rows(self) -> dict[str, Row]:
        """Every row whose seal holds, by file name."""
        if self.db is None:
            return {}
        out: dict[str, Row] = {}
        try:
            cursor = self.db.execute("SELECT name, size, mtime_ns, ino, digest, written_ns, body_sha, extra_sha, seal,"
                                     " head FROM files")
            for r in cursor:
                self.names.append(r[0])
                row = Row(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[9], r[7])
                if (type(r[8]) is str and type(row.head) is bytes and type(row.extra_sha) is str
                        and hmac.compare_digest(_seal(self.key, row), r[8])):
                    out[row.name] = row
        except (sqlite3.Error, TypeError, ValueError):
            self.db = self._recreate()
            return {}
        return out

    def _here(self) -> sqlite3.Connection | None:
        """The connection, opened again in a forked process (a SQLite connection must not cross a fork)."""
        if self.db is not None and os.getpid() != self.pid:
            _INHERITED.append(self.db)  # never closed here: closing it could disturb the parent's locks
            try:
                self.db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            except sqlite3.Error:
                self.db = None
            self.pid = os.getpid()
        return self.db

    def body(self, row: Row) -> bytes | None:
        """The row's body, when it is still the one its seal names."""
        db = self._here()
        if db is None:
            return None
        try:
            found = db.execute("SELECT body FROM files WHERE name = ?", (row.name,)).fetchone()
        except sqlite3.Error:
            return None
        if found is None or type(found[0]) is not bytes or hashlib.sha256(found[0]).hexdigest() != row.body_sha:
            return None
        return found[0]

    def column(self, kind: str) -> dict[str, bytes]:
        """One of the EXTRA columns of every row, by file name (each checked by the caller against its row)."""
        db = self._here()
        if db is None or kind not in EXTRA:
            return {}
        try:
            return {name: value for name, value in db.execute(f"SELECT name, {kind} FROM files")
                    if type(value) is bytes}
        except sqlite3.Error:
            return {}

    def write(self, rows: list[tuple[Row, bytes]], fresh: list[Row], gone: list[str]) -> None:
        """Store new rows (with their bodies), re-seal rows found unchanged by their bytes under a new time (and
        the stat they have now), and drop the rows of files that are gone: one transaction."""
        if self.db is None or not (rows or fresh or gone):
            return
        now = time_ns()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            for row, body in rows:
                row.written_ns = now
                assert row.extra is not None, "a new row has its columns in hand"
                self.db.execute("INSERT OR REPLACE INTO files VALUES (" + ", ".join("?" * (11 + len(EXTRA))) + ")",
                                (row.name, row.size, row.mtime_ns, row.ino, row.digest, row.written_ns,
                                 row.body_sha, row.extra_sha, _seal(self.key, row), row.head, *row.extra, body))
            for row in fresh:
                row.written_ns = now
                self.db.execute("UPDATE files SET size = ?, mtime_ns = ?, ino = ?, written_ns = ?, seal = ? "
                                "WHERE name = ?",
                                (row.size, row.mtime_ns, row.ino, now, _seal(self.key, row), row.name))
            self.db.executemany("DELETE FROM files WHERE name = ?", [(n,) for n in gone])
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def body_sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
