"""The pipeline's first stages: files -> parsed records -> validated workspace.

``load_workspace(root, today)`` reads everything it can, never stops at a
broken file, and returns the model with every diagnostic, sorted.
"""
from __future__ import annotations

import os
import stat
from datetime import date
from importlib import resources
from pathlib import Path

from .cache import Cache, decode_diag, decode_entry, encode_diag, encode_entry, entry_key, split_future, valid_for
from .clientfile import parse_client
from .diagnostics import Diagnostic
from .model import Client, Ritual, RitualRecord, Settings, Workspace
from .ritualfile import parse_record, parse_ritual
from .settings import SETTINGS_FILE, parse_settings
from .source import Text, iter_files, read_text
from .validate import validate


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


def cached_only(root: Path, name: str, path: Path, salt: str, settings: Settings, cache: Cache, cls: type,
                today: date | None) -> Parsed | None:
    """The cached parse of a plain file, without ``read_text``'s checks, or None.

    An entry exists only for bytes that ``read_text`` accepted at this path, and
    its checks depend only on the bytes, the size and the file being a regular
    file (not a link): so a hit on a regular file's bytes needs no other check.
    """
    if not cache.enabled:
        return None
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > settings.max_file_bytes:
            return None
        with open(path, "rb") as fh:
            raw = fh.read(settings.max_file_bytes + 1)
    except OSError:
        return None
    if len(raw) > settings.max_file_bytes:
        return None
    key = entry_key(name, raw, salt)
    known = _MEMORY.get((cache.folder, key))  # a long-running process (serve) keeps what it decoded
    if known is None:
        text = cache.get(key)
        if text is None:
            return None
        try:
            known = decode_entry(text, key, cls, name)
        except _DECODE_ERRORS:
            return None
    _MEMORY_NEXT[cache.folder, key] = known
    record, always, latest = known
    return (record, always) if valid_for(latest, today) else None


# Entries decoded by the last load of this process: the next load reuses them (serve's rebuilds).
_MEMORY: dict[tuple[Path, str], tuple] = {}
_MEMORY_NEXT: dict[tuple[Path, str], tuple] = {}


def client_salt(settings: Settings) -> str:
    from .cache import schema
    return f"client\0{schema(Client)}\0{settings!r}"


def _client_chunk(root: Path, settings: Settings, salt: str, use_cache: bool, paths: list[Path]) -> list[tuple]:
    """A worker's share of a cold load: read, parse, store; the results travel back as entry text."""
    cache = Cache(root, "clients", use_cache)
    parse = lambda s, t: parse_client(s, settings, t)  # noqa: E731
    out: list[tuple] = []
    for path in paths:
        src, diags = read_text(root, path, settings.max_file_bytes)
        if src is None:
            out.append(("unread", [encode_diag(d) for d in diags]))
            continue
        key = entry_key(src.path, src.raw, salt)
        record, always, latest = _parse_to_entry(src, parse, Client, key, cache) or (None, None, None)
        if always is None:
            out.append(("again",))
        else:
            out.append(("entry", key, encode_entry(key, Client, record, always, latest, src.path), src.path))
    return out


def load_clients(root: Path, settings: Settings, today: date | None, use_cache: bool = True
                 ) -> tuple[list[Client], list[Diagnostic], int]:
    """Every client file: from the cache when its bytes are known, the rest parsed over every core."""
    global _MEMORY, _MEMORY_NEXT
    from functools import partial

    from .parallel import MIN_ITEMS, cpu_count, map_chunks
    files = iter_files(root / "clients")
    cache = Cache(root, "clients", use_cache)
    salt = client_salt(settings)
    parse = lambda s, t: parse_client(s, settings, t)  # noqa: E731
    results: list[Parsed | None] = [None] * len(files)
    misses: list[int] = []
    cold = not cache.enabled or not cache.folder.is_dir()
    if cold:
        misses = list(range(len(files)))
    else:
        for i, path in enumerate(files):
            hit = cached_only(root, f"clients/{path.name}", path, salt, settings, cache, Client, today)
            if hit is not None:
                results[i] = hit
            else:
                misses.append(i)
    if len(misses) < MIN_ITEMS or cpu_count() == 1:  # few to parse (an edit): here, no workers to start
        for i in misses:
            src, diags = read_text(root, files[i], settings.max_file_bytes)
            if src is None:
                results[i] = (None, diags)
            elif cache.enabled:
                results[i] = parse_cached(src, parse, Client, salt, cache, today)
            else:
                results[i] = parse(src, today)
        misses = []
    if misses:  # a cold cache, or a new version of rippledoc: every core
        work = partial(_client_chunk, root, settings, salt, cache.enabled)
        done = iter(misses)
        for chunk in map_chunks(work, [files[i] for i in misses]):
            for item in chunk:
                i = next(done)
                if item[0] == "unread":
                    results[i] = (None, [decode_diag(d) for d in item[1]])
                else:
                    record, always, latest = decode_entry(item[2], item[1], Client, item[3]) \
                        if item[0] == "entry" else (None, [], "9999-12-31")
                    if item[0] == "entry":
                        _MEMORY_NEXT[cache.folder, item[1]] = (record, always, latest)
                    valid = valid_for(latest, today)
                    results[i] = (record, always) if valid else load_client(root, files[i], settings, today)
    clients: list[Client] = []
    diags: list[Diagnostic] = []
    for record, problems in results:  # type: ignore[misc]
        diags += problems
        if record is not None:
            clients.append(record)  # type: ignore[arg-type]
    cache.prune()
    _MEMORY, _MEMORY_NEXT = _MEMORY_NEXT, {}
    return clients, diags, len(files)


def load_rituals(root: Path, settings: Settings) -> tuple[dict[str, Ritual], list[Diagnostic]]:
    """Built-in definitions, each replaced by a workspace file of the same name."""
    files = {p.name: p for p in iter_files(defaults_dir("rituals"))}
    files.update({p.name: p for p in iter_files(root / "rituals")})
    rituals: dict[str, Ritual] = {}
    diags: list[Diagnostic] = []
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


def load_records(root: Path, rituals: dict[str, Ritual], settings: Settings) -> tuple[list[RitualRecord], list[Diagnostic]]:
    from .cache import schema
    records: list[RitualRecord] = []
    diags: list[Diagnostic] = []
    cache = Cache(root, "records")
    folder = root / "rituals"
    if not folder.is_dir():
        return records, diags
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        # rituals/NAME/PERIOD.md, and the per-client sheets of rituals/NAME/PERIOD/*.md
        periods = sorted(p for p in sub.iterdir() if p.is_dir() and not p.name.startswith("."))
        ritual = rituals.get(sub.name)
        parse = lambda s, t, ritual=ritual: parse_record(s, ritual)  # noqa: E731
        salt = f"record\0{schema(RitualRecord)}\0{ritual!r}"
        for path in iter_files(sub) + [f for p in periods for f in iter_files(p)]:
            src, problems = read_text(root, path, settings.max_file_bytes)
            diags += problems
            if src is None:
                continue
            record, problems = parse_cached(src, parse, RitualRecord, salt, cache, None, dated=False)
            diags += problems
            if record is not None:
                records.append(record)  # type: ignore[arg-type]
    cache.prune()
    return records, diags


def load_workspace(root: str | Path, today: date | None = None) -> tuple[Workspace, list[Diagnostic]]:
    """Load a workspace. ``today`` turns on the checks against dates in the future."""
    root = Path(root).resolve()
    settings, diags = load_settings(root)
    clients, problems, client_files = load_clients(root, settings, today)
    diags += problems
    rituals, problems = load_rituals(root, settings)
    diags += problems
    records, problems = load_records(root, rituals, settings)
    diags += problems
    files = client_files + len(records) + int((root / SETTINGS_FILE).exists())
    files += len(iter_files(root / "rituals"))
    ws = Workspace(str(root), settings, tuple(clients), rituals, tuple(records), files)
    diags += validate(ws)
    return ws, sorted(set(diags), key=Diagnostic.sort_key)


def source_lines(root: Path, path: str) -> list[str] | None:
    """The lines of a workspace file, for showing a diagnostic's excerpt."""
    try:
        text = (root / path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    return text.removeprefix("\ufeff").split("\n")


__all__ = ["load_workspace", "Text"]
