"""The pipeline's first stages: files -> parsed records -> linked, validated book.

``load_book(root, today)`` reads everything it can, never stops at a
broken file, and returns one ``Book`` holding every record, what is derived
from them (rippledoc/book/link.py) and every diagnostic, sorted.
"""
from __future__ import annotations

import gc
import hashlib
import os
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from time import time_ns
from typing import Iterable

from rippledoc.read.cache import (CACHE_DIR, RACY_NS, Cache, decode_diag, decode_entry, decode_payload, encode_diag,
                                  encode_entry, entry_key, fingerprint, fresh, split_future, stat_key, valid_for)
from rippledoc.read.index import Index, Row, body_sha, extra_sha
from rippledoc.parse.client import parse_client
from rippledoc.diagnostics import Diagnostic
from rippledoc.model import Client, Ritual, RitualRecord, Settings
from rippledoc.parse.ritual import parse_record, parse_ritual
from rippledoc.parse.settings import SETTINGS_FILE, parse_settings
from rippledoc.read.source import REFUSED, Text, iter_files, list_files, list_folders, read_regular, read_text, rel
from rippledoc.book.book import Book
from rippledoc.book.indexed import Part, joined
from rippledoc.book.link import by_slug, entries_by_client
from rippledoc.book.validate import validate_across
from rippledoc.parse.marks import collect


def defaults_dir(name: str = "") -> Path:
    """A folder of defaults shipped inside the package (``rituals``, ``site_templates``)."""
    return Path(str(resources.files("rippledoc") / "defaults")) / name


def digest(src: Text) -> str:
    """The key of a file's bytes, as a book records it (``Book.digests``): what a derived page is keyed by."""
    return hashlib.sha256(src.path.encode() + b"\0" + src.raw).hexdigest()


def load_settings(root: Path, digests: dict[str, str] | None = None) -> tuple[Settings, list[Diagnostic]]:
    path = root / SETTINGS_FILE
    if not path.exists():
        return Settings(), []
    src, diags = read_text(root, path)
    if src is not None and digests is not None:
        digests[src.path] = digest(src)
    settings, more = parse_settings(src)
    return settings, diags + more


def load_client(root: Path, path: Path, settings: Settings, today: date | None) -> tuple[Client | None, list[Diagnostic]]:
    src, diags = read_text(root, path, settings.max_file_bytes)
    if src is None:
        return None, diags
    return parse_client(src, settings, today)


# --- clients through the content cache, cold work over every core -----------

_DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)
Parsed = tuple[object, list[Diagnostic]]


def parse_cached(src: Text, parse, cls: type, salt: str, cache: Cache, today: date | None, dated: bool = True) -> Parsed:
    """``parse(src, today)`` through the cache: the entry holds the parse without ``today``'s checks.

    ``dated=False``: the parse does not depend on ``today`` (a ritual record).
    """
    key = entry_key(src.path, src.raw, salt)
    text = cache.get(key)
    if text is not None:
        try:
            record, always, latest = decode_entry(text, key, cls, src.path)
        except _DECODE_ERRORS:
            pass  # corrupt or foreign: parse again and overwrite it
        else:
            return (record, always) if valid_for(latest, today) else parse(src, today)
    result = _parse_to_entry(src, parse, cls, key, cache, dated)
    if result is None or not valid_for(result[2], today):
        return parse(src, today)
    return result[0], result[1]


def _parse_to_entry(src: Text, parse, cls: type, key: str, cache: Cache, dated: bool = True):
    """Parse against the earliest date, so every date-dependent check names its date; store the entry.
    Returns (record, diagnostics that hold always, the latest date the others name, the entry's text)."""
    record, diags = parse(src, date.min)
    split = split_future(diags) if dated else (diags, None)
    if split is None:
        return None
    text = encode_entry(key, cls, record, split[0], split[1], src.path)
    cache.put(key, text)
    return record, split[0], split[1], text


def client_salt(settings: Settings) -> str:
    from rippledoc.read.cache import schema
    return f"client\0{schema(Client)}\0{settings!r}"


def index_key(salt: str) -> str:
    """The key of the derived index: the content cache's code and salt, and the code of what the heads hold
    (the figures, the link stage and the per-file checks)."""
    h = hashlib.sha256(f"{fingerprint()}\0{salt}".encode())
    here = Path(__file__).parent.parent
    for folder in ("views", "parse", "book", "read"):
        for path in sorted((here / folder).rglob("*.py")):
            try:
                h.update(path.name.encode() + b"\0" + path.read_bytes())
            except OSError:
                h.update(path.name.encode())
    return h.hexdigest()


def _client_chunk(root: Path, settings: Settings, salt: str, use_cache: bool, paths: list[Path]) -> list[tuple]:
    """Read and parse files (through their cache entries); the results travel back as entry text.

    Each result is ("unread", diagnostics), ("again",) for a file that cannot be
    cached, or ("entry", key, entry text, (size, mtime_ns, inode) before reading,
    its index row's head and further columns, or None without a cache).
    """
    from rippledoc.book.figures import figures
    from rippledoc.book.indexed import encode_followups, encode_head
    from rippledoc.book.validate import checked
    cache = Cache(root, "clients", use_cache)
    parse = lambda s, t: parse_client(s, settings, t)  # noqa: E731
    out: list[tuple] = []
    for path in paths:
        try:
            st = stat_key(os.lstat(path))
        except OSError:
            st = None
        src, diags = read_text(root, path, settings.max_file_bytes)
        if src is None:
            out.append(("unread", [encode_diag(d) for d in diags]))
            continue
        key = entry_key(src.path, src.raw, salt)
        text = cache.get(key)
        decoded: tuple | None = None
        if text is not None:
            try:
                decoded = decode_entry(text, key, Client, src.path)
            except _DECODE_ERRORS:
                text = None  # corrupt or foreign: parsed again and overwritten
        if text is None or decoded is None:
            parsed = _parse_to_entry(src, parse, Client, key, cache)
            if parsed is None:
                out.append(("again",))
                continue
            decoded, text = parsed[:3], parsed[3]
        row = None
        record, always, latest = decoded
        if use_cache and cache.enabled:
            followups, linked = checked(root, settings, (record,)) if record is not None else (None, [])
            row = (encode_head(record, always, latest, linked, figures(record) if record else None, src.path),
                   encode_followups(followups, src.path) if followups is not None else (b"[]",) * 4)
        out.append(("entry", key, text, st, row))
    return out


# The index rows of the last load in this process and what they decoded to: a long-running process (serve)
# reuses the clients it has already decoded.
_MEMORY: dict[Path, tuple[str, dict[str, tuple[Row, tuple]]]] = {}


def _filler(index: Index, row: Row, root: Path, path: Path, settings: Settings):
    """How an indexed client gets its whole record: the row's body, else the file parsed again."""
    def fill() -> Client:
        body = index.body(row)
        if body is not None:
            try:
                record, _, _ = decode_payload(body, Client, row.name)
            except _DECODE_ERRORS:
                record = None
            if record is not None:
                return record
        record, _ = load_client(root, path, settings, None)
        if record is None:
            raise RuntimeError(f"{row.name} changed or went away while it was read")
        return record
    return fill


def _from_body(body: bytes, name: str) -> Client:
    record, _, _ = decode_payload(body, Client, name)
    assert record is not None, "a file that parses to no client has no client to fill"
    return record


@dataclass
class Loaded:
    """The clients of a load, with what the link stage and the per-file checks found in each file."""
    clients: list[Client]
    diagnostics: list[Diagnostic]  # the files' own, and their checks'
    paths: list[str]
    parts: list[Part]  # each client's followups, in the order of the clients
    digests: dict[str, str] = field(default_factory=dict)  # file -> the key of its bytes (its index row's)


def load_clients(root: Path, settings: Settings, today: date | None, use_cache: bool = True) -> Loaded:
    """Every client file: unchanged files (by their stat) from the index, the rest read and parsed.

    The rest go through their content-keyed cache entries, over every core when they are many, and their rows
    of the index are written anew, one row each.
    """
    from functools import partial

    from rippledoc.book.indexed import decode_head
    from rippledoc.book.validate import checked
    from rippledoc.read.parallel import MIN_ITEMS, cpu_count, map_chunks
    folder = root / "clients"
    files, unlisted = list_files(root, folder)
    cache = Cache(root, "clients", use_cache)
    salt = client_salt(settings)
    # A file read by its stat alone must be what read_text would accept: a regular file (not a link) in a
    # clients folder that is itself inside the workspace.
    usable = cache.enabled and not folder.is_symlink()
    key = index_key(salt) if usable else ""
    index = Index(root / CACHE_DIR, key, usable)
    rows = index.rows()
    known = _MEMORY.get(index.path)
    memory = known[1] if known is not None and known[0] == key else {}
    results: list[tuple | None] = [None] * len(files)  # (record, diagnostics, link diagnostics, part)
    misses: list[int] = []
    fresh_rows: list[Row] = []
    kept: dict[str, tuple[Row, tuple]] = {}
    digests: dict[str, str] = {}
    for i, path in enumerate(files):
        name = f"clients/{path.name}"
        row = rows.get(name)
        if row is None:
            misses.append(i)
            continue
        try:
            st = os.lstat(path)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode) or st.st_size > settings.max_file_bytes:
            misses.append(i)
            continue
        stated = fresh(row, st, row.written_ns)
        ok = bool(stated)
        if stated is None or (stated is False and row.size == st.st_size):
            # racy (changed too close to the row's writing for the stat to tell), or touched (a checkout): its bytes
            raw = read_regular(path, settings.max_file_bytes)
            ok = raw is not None and entry_key(name, raw, salt) == row.digest
            if ok and (stated is False or st.st_mtime_ns < time_ns() - RACY_NS):
                row.size, row.mtime_ns, row.ino = stat_key(st)  # the same bytes (a checkout): the row kept
                fresh_rows.append(row)
        if not ok:
            misses.append(i)
            continue
        mine = memory.get(name)
        if mine is not None and mine[0].digest == row.digest and mine[0].head == row.head:
            hit = mine[1]
        else:
            try:
                hit = decode_head(row.head, name, _filler(index, row, root, path, settings))
            except _DECODE_ERRORS:
                misses.append(i)
                continue
        cache.used.add(row.digest)
        digests[name] = row.digest
        kept[name] = (row, hit)
        client, always, latest, linked = hit
        if not valid_for(latest, today):
            client, always = load_client(root, path, settings, today)
        results[i] = (client, always, linked, None if client is None else (client, row, index))
    work = partial(_client_chunk, root, settings, salt, cache.enabled)
    chunks: Iterable[list[tuple]]
    if len(misses) < MIN_ITEMS or cpu_count() == 1:
        chunks = [work([files[i] for i in misses])]  # few to parse (an edit): here, no workers to start
    else:  # a cold cache, or a new version of rippledoc: every core
        chunks = map_chunks(work, [files[i] for i in misses])
    done = iter(misses)
    written: list[tuple[Row, bytes]] = []
    for chunk in chunks:
        for item in chunk:
            i = next(done)
            name = f"clients/{files[i].name}"
            if item[0] == "unread":
                results[i] = (None, [decode_diag(d) for d in item[1]], [], None)
                continue
            if item[0] == "entry":
                _, key_, text, st, row_parts = item
                digests[name] = key_
                if row_parts is not None and st is not None and index.enabled:
                    body = text.split("\n", 2)[2].encode("utf-8")
                    row = Row(name, st[0], st[1], st[2], key_, 0, body_sha(body), row_parts[0],
                              extra_sha(row_parts[1]), row_parts[1])
                    try:  # the client as a warm load makes it: whole once a view asks, from the body in hand
                        hit = decode_head(row.head, name, partial(_from_body, body, name))
                    except _DECODE_ERRORS:
                        pass
                    else:
                        written.append((row, body))
                        kept[name] = (row, hit)
                        client, always, latest, linked = hit
                        if not valid_for(latest, today):
                            client, always = load_client(root, files[i], settings, today)
                        results[i] = (client, always, linked, None if client is None else (client, row, index))
                        continue
                try:
                    record, always, latest = decode_entry(text, key_, Client, name)
                except _DECODE_ERRORS:
                    pass
                else:
                    if not valid_for(latest, today):
                        record, always = load_client(root, files[i], settings, today)
                    part, linked = checked(root, settings, (record,)) if record is not None else (None, [])
                    results[i] = (record, always, linked, part)
                    continue
            record, always = load_client(root, files[i], settings, today)
            part, linked = checked(root, settings, (record,)) if record is not None else (None, [])
            results[i] = (record, always, linked, part)
    present = {f"clients/{p.name}" for p in files}
    gone = [n for n in index.names if n not in present]
    index.write(written, fresh_rows, gone)
    _MEMORY.clear()
    if index.enabled:
        _MEMORY[index.path] = (key, kept)
    loaded = Loaded([], list(unlisted), [f"clients/{p.name}" for p in files], [], digests)  # rel(root, p), faster
    for record, problems, linked, part in results:  # type: ignore[misc]
        loaded.diagnostics += problems
        loaded.diagnostics += linked
        if record is not None:
            loaded.clients.append(record)
            loaded.parts.append(part)
    cache.prune()
    return loaded


def load_rituals(root: Path, settings: Settings, digests: dict[str, str] | None = None
                 ) -> tuple[dict[str, Ritual], list[Diagnostic]]:
    """Built-in definitions, each replaced by a workspace file of the same name (``rituals/NAME.md``)."""
    files = {p.name: p for p in iter_files(defaults_dir("rituals"))}
    own, diags = list_files(root, root / "rituals")
    files.update({p.name: p for p in own})
    rituals: dict[str, Ritual] = {}
    for name in sorted(files):
        path = files[name]
        base = root if path.is_relative_to(root) else path.parent.parent
        src, problems = read_text(base, path, settings.max_file_bytes)
        diags += problems
        if src is None:
            continue
        if digests is not None and path.is_relative_to(root):  # the shipped ones go with the code
            digests[src.path] = digest(src)
        ritual, problems = parse_ritual(src)
        diags += problems
        if ritual is not None:
            rituals[ritual.key] = ritual
    return rituals, diags


def load_records(root: Path, rituals: dict[str, Ritual], settings: Settings, digests: dict[str, str] | None = None
                 ) -> tuple[list[RitualRecord], list[Diagnostic], list[str]]:
    """Every record of every ritual: ``rituals/NAME/PERIOD.md`` and the sheets of ``rituals/NAME/PERIOD/``;
    and the path of each file found."""
    from rippledoc.read.cache import schema
    records: list[RitualRecord] = []
    seen: list[str] = []
    cache = Cache(root, "records")
    subs, diags = list_folders(root, root / "rituals")  # an unreadable rituals/ is reported by load_rituals too
    for sub in subs:
        # rituals/NAME/PERIOD.md, and the per-client sheets of rituals/NAME/PERIOD/*.md
        periods, problems = list_folders(root, sub)
        diags += problems
        ritual = rituals.get(sub.name)
        parse = lambda s, t, ritual=ritual: parse_record(s, ritual)  # noqa: E731
        salt = f"record\0{schema(RitualRecord)}\0{ritual!r}"
        paths = iter_files(sub)  # listed above; an error there is reported once
        for period in periods:
            found, problems = list_files(root, period)
            paths += found
            diags += problems
        for path in paths:
            seen.append(rel(root, path))
            src, problems = read_text(root, path, settings.max_file_bytes)
            diags += problems
            if src is None:
                continue
            if digests is not None:
                digests[src.path] = digest(src)
            record, problems = parse_cached(src, parse, RitualRecord, salt, cache, None, dated=False)
            diags += problems
            if record is not None:
                records.append(record)  # type: ignore[arg-type]
    cache.prune()
    return records, diags, seen


def load_book(root: str | Path, today: date | None = None) -> Book:
    """Load a workspace into a ``Book``. ``today`` turns on the checks against dates in the future."""
    # A load makes hundreds of thousands of small objects and no garbage cycles: the cyclic collector,
    # run over and over as they pile up, would take most of a large book's load time. Once loaded they
    # are frozen out of its sight, or every later collection of the command would walk them all again
    # (they are still freed, by their reference counts, when the book is dropped).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_book(Path(root).resolve(), today)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _load_book(root: Path, today: date | None) -> Book:
    """read -> parse (settings, clients, rituals, records) -> link -> validate."""
    digests: dict[str, str] = {}
    settings, diags = load_settings(root, digests)
    paths = [SETTINGS_FILE] if (root / SETTINGS_FILE).exists() else []
    loaded = load_clients(root, settings, today)
    clients = loaded.clients
    diags += loaded.diagnostics
    paths += loaded.paths
    digests.update(loaded.digests)
    rituals, problems = load_rituals(root, settings, digests)
    diags += problems
    paths += [rel(root, p) for p in iter_files(root / "rituals")]
    records, problems, found = load_records(root, rituals, settings, digests)
    diags += problems
    paths += found
    # the link stage, from each file's part of it (``load_clients``), then the checks across files
    book = Book(root, settings, tuple(clients), rituals, tuple(records), tuple(paths), (), by_slug(clients),
                joined(loaded.parts, lambda c: collect(settings, (c,))[0]), entries_by_client(records),
                tuple(sorted({d.path for d in diags if d.code == "E007"})), digests)
    diags += validate_across(book)
    return replace(book, diagnostics=tuple(sorted(set(diags), key=Diagnostic.sort_key)))


def excerpts(root: Path, diags: Iterable[Diagnostic], max_bytes: int) -> dict[tuple[str, int], str]:
    """The text of each line a diagnostic points at, by (path, line), to show under its message.

    A file the loader refused is never read again (it may be /dev/zero, a FIFO
    or 10 GB; its diagnostic carries the excerpt it can have); every other
    file is read once more, bounded by ``max_bytes`` like the first time.
    """
    wanted: dict[str, set[int]] = {}
    refused = {d.path for d in diags if d.code in REFUSED}
    out: dict[tuple[str, int], str] = {}
    for d in diags:
        if d.excerpt is not None and d.line:
            out[(d.path, d.line)] = d.excerpt
        elif d.line and d.path not in refused:
            wanted.setdefault(d.path, set()).add(d.line)
    for path, numbers in wanted.items():
        src, _ = read_text(root, root / path, max_bytes)
        if src is None:
            continue
        lines = src.text.split("\n")
        out.update(((path, n), lines[n - 1].rstrip("\r")) for n in numbers if n <= len(lines))
    return out


__all__ = ["load_book", "Text"]
