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
from dataclasses import replace
from datetime import date
from importlib import resources
from pathlib import Path
from time import time_ns
from typing import Iterable

from rippledoc.read.cache import (CACHE_DIR, RACY_NS, Cache, PackEntry, decode_diag, decode_entry, decode_payload, encode_diag,
                    encode_entry, entry_key, fingerprint, fresh, pack_limit, read_pack, split_future, stat_key, valid_for,
                    write_pack)
from rippledoc.parse.client import parse_client
from rippledoc.diagnostics import Diagnostic
from rippledoc.model import Client, Ritual, RitualRecord, Settings
from rippledoc.parse.ritual import parse_record, parse_ritual
from rippledoc.parse.settings import SETTINGS_FILE, parse_settings
from rippledoc.read.source import REFUSED, Text, iter_files, list_files, list_folders, read_regular, read_text, rel
from rippledoc.book.book import Book
from rippledoc.book.link import link
from rippledoc.book.validate import validate


def defaults_dir(name: str = "") -> Path:
    """A folder of defaults shipped inside the package (``rituals``, ``site_templates``)."""
    return Path(str(resources.files("rippledoc") / "defaults")) / name


def load_settings(root: Path) -> tuple[Settings, list[Diagnostic]]:
    path = root / SETTINGS_FILE
    if not path.exists():
        return Settings(), []
    src, diags = read_text(root, path)
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
    """Parse against the earliest date, so every date-dependent check names its date; store the entry."""
    record, diags = parse(src, date.min)
    split = split_future(diags) if dated else (diags, None)
    if split is None:
        return None
    cache.put(key, encode_entry(key, cls, record, split[0], split[1], src.path))
    return record, split[0], split[1]


def client_salt(settings: Settings) -> str:
    from rippledoc.read.cache import schema
    return f"client\0{schema(Client)}\0{settings!r}"


def _client_chunk(root: Path, settings: Settings, salt: str, use_cache: bool, paths: list[Path]) -> list[tuple]:
    """Read and parse files (through their cache entries); the results travel back as entry text.

    Each result is ("unread", diagnostics), ("again",) for a file that cannot be
    cached, or ("entry", key, entry text, (size, mtime_ns, inode) before reading).
    """
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
        if text is not None:
            try:
                decode_entry(text, key, Client, src.path)
            except _DECODE_ERRORS:
                text = None  # corrupt or foreign: parsed again and overwritten
        if text is None:
            record, always, latest = _parse_to_entry(src, parse, Client, key, cache) or (None, None, None)
            if always is None:
                out.append(("again",))
                continue
            text = encode_entry(key, Client, record, always, latest, src.path)
        out.append(("entry", key, text, st))
    return out


# The pack of the last load in this process, by its file: a long-running process (serve) reuses what it decoded.
_MEMORY: dict[Path, tuple[str, int, dict[str, PackEntry]]] = {}


def _pack(path: Path, key: str, files: int) -> tuple[int, dict[str, PackEntry]] | None:
    known = _MEMORY.get(path)
    if known is not None and known[0] == key:
        return known[1], known[2]
    return read_pack(path, key, pack_limit(files))


def _from_pack(entry: PackEntry, name: str) -> tuple | None:
    if entry.decoded is None:
        try:
            entry.decoded = decode_payload(entry.payload, Client, name)
        except _DECODE_ERRORS:
            return None
    return entry.decoded


def load_clients(root: Path, settings: Settings, today: date | None, use_cache: bool = True
                 ) -> tuple[list[Client], list[Diagnostic], list[str]]:
    """Every client file: unchanged files (by their stat) from the pack, the rest read and parsed.

    The rest go through their content-keyed cache entries, over every core when they are many.
    """
    from functools import partial

    from rippledoc.read.parallel import MIN_ITEMS, cpu_count, map_chunks
    folder = root / "clients"
    files, unlisted = list_files(root, folder)
    cache = Cache(root, "clients", use_cache)
    salt = client_salt(settings)
    pack_path = root / CACHE_DIR / "clients.pack"
    pack_key = hashlib.sha256(f"{fingerprint()}\0{salt}".encode()).hexdigest()
    # A file read by its stat alone must be what read_text would accept: a regular file (not a link) in a
    # clients folder that is itself inside the workspace.
    packed = _pack(pack_path, pack_key, len(files)) if cache.enabled and not folder.is_symlink() else None
    written_ns, old = packed or (0, {})
    kept: dict[str, PackEntry] = {}
    rewrite = packed is None and cache.enabled
    results: list[Parsed | None] = [None] * len(files)
    misses: list[int] = []
    for i, path in enumerate(files):
        name = f"clients/{path.name}"
        entry = old.get(name)
        if entry is not None:
            try:
                st = os.lstat(path)
            except OSError:
                st = None
            if st is not None and stat.S_ISREG(st.st_mode) and st.st_size <= settings.max_file_bytes:
                ok = fresh(entry, st, written_ns)
                if ok is None:  # racy: changed too close to the pack's writing for the stat to tell
                    raw = read_regular(path, settings.max_file_bytes)
                    ok = raw is not None and entry_key(name, raw, salt) == entry.digest
                    rewrite = rewrite or (ok and st.st_mtime_ns < time_ns() - RACY_NS)
                hit = _from_pack(entry, name) if ok else None
                if hit is not None:
                    cache.used.add(entry.digest)
                    kept[name] = entry
                    valid = valid_for(hit[2], today)
                    results[i] = (hit[0], hit[1]) if valid else load_client(root, path, settings, today)
                    continue
        misses.append(i)
    rewrite = rewrite or bool(misses) or len(kept) != len(old)
    work = partial(_client_chunk, root, settings, salt, cache.enabled)
    chunks: Iterable[list[tuple]]
    if len(misses) < MIN_ITEMS or cpu_count() == 1:
        chunks = [work([files[i] for i in misses])]  # few to parse (an edit): here, no workers to start
    else:  # a cold cache, or a new version of rippledoc: every core
        chunks = map_chunks(work, [files[i] for i in misses])
    done = iter(misses)
    for chunk in chunks:
        for item in chunk:
            i = next(done)
            if item[0] == "unread":
                results[i] = (None, [decode_diag(d) for d in item[1]])
                continue
            if item[0] == "entry":
                _, key, text, st = item
                try:
                    record, always, latest = decoded = decode_entry(text, key, Client, f"clients/{files[i].name}")
                except _DECODE_ERRORS:
                    pass
                else:
                    if st is not None and cache.enabled:
                        entry = PackEntry(st[0], st[1], st[2], key, text.split("\n", 2)[2])
                        entry.decoded = decoded
                        kept[f"clients/{files[i].name}"] = entry
                    if valid_for(latest, today):
                        results[i] = (record, always)
                        continue
            results[i] = load_client(root, files[i], settings, today)
    if rewrite and cache.enabled:
        written = write_pack(pack_path, pack_key, kept)
        written_ns = written if written is not None else 0  # unwritten: every entry is racy, so checked
    _MEMORY.clear()
    if cache.enabled:
        _MEMORY[pack_path] = (pack_key, written_ns, kept)
    clients: list[Client] = []
    diags: list[Diagnostic] = unlisted
    for record, problems in results:  # type: ignore[misc]
        diags += problems
        if record is not None:
            clients.append(record)  # type: ignore[arg-type]
    cache.prune()
    return clients, diags, [rel(root, p) for p in files]


def load_rituals(root: Path, settings: Settings) -> tuple[dict[str, Ritual], list[Diagnostic]]:
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
        ritual, problems = parse_ritual(src)
        diags += problems
        if ritual is not None:
            rituals[ritual.key] = ritual
    return rituals, diags


def load_records(root: Path, rituals: dict[str, Ritual], settings: Settings
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
    settings, diags = load_settings(root)
    paths = [SETTINGS_FILE] if (root / SETTINGS_FILE).exists() else []
    clients, problems, found = load_clients(root, settings, today)
    diags += problems
    paths += found
    rituals, problems = load_rituals(root, settings)
    diags += problems
    paths += [rel(root, p) for p in iter_files(root / "rituals")]
    records, problems, found = load_records(root, rituals, settings)
    diags += problems
    paths += found
    slugs, followups, entries, problems = link(settings, tuple(clients), tuple(records))
    diags += problems
    book = Book(root, settings, tuple(clients), rituals, tuple(records), tuple(paths), (), slugs, followups,
                entries, tuple(sorted({d.path for d in diags if d.code == "E007"})))
    diags += validate(book)
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
