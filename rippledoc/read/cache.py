"""The content cache in ``.rippledoc-cache/``: what a file parsed to, keyed by its bytes.

An entry is found by the sha256 of the file's bytes, its path, rippledoc's
version and code, the cache format and the inputs that affect its parsing
(the settings, a record's ritual). It holds the parsed record and the
diagnostics as JSON, never pickle: the frozen dataclasses are rebuilt from
plain lists by codecs derived from the model's field types.

The cache is safe to delete at any time. An entry that is corrupt, foreign
(written for other bytes or by another version) or of the wrong shape is
ignored and the file is parsed again; a cache folder that cannot be written
only makes rippledoc slower. Each entry is sealed with a keyed hash (BLAKE2b)
under a secret kept outside the workspace (``~/.cache/rippledoc/cache-key``),
so an entry that arrives from elsewhere (a committed cache, another machine,
a hand edit) is never trusted, even one with a right-looking checksum.

The clients are also kept in the derived index (rippledoc/read/index.py),
one sealed row per file with its stat when it was read: a warm load reads
that one file and no client file whose size, mtime and inode are unchanged,
except those changed within two seconds of the row's writing (git's
racy-file rule), which are checked against their bytes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
import types
import typing
import hmac
from datetime import date, time
from pathlib import Path
from typing import Any, Callable

from rippledoc.diagnostics import Diagnostic, Severity
from rippledoc.read.source import read_regular
from rippledoc.model import Client, Source

CACHE_DIR = ".rippledoc-cache"
MAX_ENTRY_BYTES = 64 << 20  # a cache entry larger than this is not read (the file is parsed instead)


FORMAT = "rippledoc-cache 1"
# Diagnostics that depend on `today`: parsed once against the earliest date,
# kept with the date they name, and applied when that date is after `today`.
FUTURE_CODES = frozenset({"E108", "W103", "E203"})
_ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
# The modules whose code decides what a file parses to, relative to the package.
_CODE = ("read/cache", "parse/client", "parse/conflicts", "diagnostics", "parse/fields", "parse/grammar/log",
         "parse/grammar/touch", "parse/grammar/note", "model",
         "parse/ritual", "parse/settings", "read/source", "read/yamltree", "book/loader")


def _code_fingerprint() -> str:
    from rippledoc import __version__
    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version_info[:2]}".encode())
    here = Path(__file__).parent.parent
    for name in _CODE:
        try:
            h.update((here / f"{name}.py").read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()


_FINGERPRINT: str | None = None


def fingerprint() -> str:
    """rippledoc's version and the code of its parsing modules: a new version or a code change invalidates."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _code_fingerprint()
    return _FINGERPRINT


_SECRET: bytes | None = None


def secret() -> bytes:
    """This user's key for sealing cache entries, created on first use; a fresh one per process when it cannot be kept."""
    global _SECRET
    if _SECRET is None:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rippledoc"
        path = base / "cache-key"
        try:
            data = path.read_bytes()
            if len(data) < 32:
                raise OSError("short key")
            _SECRET = data[:32]
        except OSError:
            _SECRET = os.urandom(32)
            try:
                base.mkdir(parents=True, exist_ok=True)
                tmp = base / f".cache-key.{os.getpid()}"
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_SECRET)
                os.replace(tmp, path)
            except OSError:
                pass  # the cache then lasts as long as this process
    return _SECRET


def seal(key: str, payload: str) -> str:
    """The keyed hash of an entry: only this user's rippledoc could have written it."""
    h = hashlib.blake2b(key.encode(), key=secret(), digest_size=16)
    h.update(payload.encode())
    return h.hexdigest()


def entry_key(path: str, raw: bytes, salt: str) -> str:
    """The key of one file's entry: its bytes, its path, the code and what else affects the parse."""
    h = hashlib.sha256(fingerprint().encode())
    h.update(b"\0" + salt.encode() + b"\0" + path.encode() + b"\0")
    h.update(raw)
    return h.hexdigest()


# --- codecs: frozen dataclasses <-> plain JSON lists -------------------------

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]


def _ident(v: Any) -> Any:
    return v


def _seq_to_list(v: Any) -> Any:
    return list(v)


def _mapping_enc(v: Any) -> Any:
    return dict(v)


def _date_enc(v: date) -> str:
    return v.isoformat()


def _check(kind: type) -> Decoder:
    def dec(v: Any) -> Any:
        if type(v) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(v).__name__}")
        return v
    return dec


def _float_dec(v: Any) -> float:
    if type(v) not in (int, float):
        raise TypeError("expected a number")
    return float(v)


def _json_value(v: Any) -> Any:
    """Free data (custom fields, ritual settings): JSON keeps it as dicts, lists and text."""
    return v


def _codec(tp: Any) -> tuple[Encoder, Decoder]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"cannot cache a field of type {tp}")
        enc, dec = _codec(inner[0])
        return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
    if tp is str:
        return _ident, _check(str)
    if tp is bool:
        return _ident, _check(bool)
    if tp is int:
        return _ident, _check(int)
    if tp is float:
        return _ident, _float_dec
    if tp is date:
        return _date_enc, date.fromisoformat
    if tp is time:
        return (lambda v: v.isoformat()), time.fromisoformat
    if tp is object:
        return _ident, _json_value
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        enc, dec = _codec(args[0])
        if enc is _ident and args[0] is str:
            return _seq_to_list, lambda v: tuple(map(_check(str), v)) if type(v) is list else _fail(v)
        return (lambda v: [enc(x) for x in v]), (lambda v: tuple(map(dec, v)) if type(v) is list else _fail(v))
    if origin is tuple and args and Ellipsis not in args:  # a fixed-length tuple: (start, end)
        parts = [_codec(a) for a in args]
        n = len(parts)
        return ((lambda v: [e(x) for (e, _), x in zip(parts, v)]),
                lambda v: tuple(d(x) for (_, d), x in zip(parts, v)) if type(v) is list and len(v) == n else _fail(v))
    if origin in (typing.Mapping, dict) or (origin is not None and getattr(origin, "__name__", "") == "Mapping"):
        kenc, kdec = _codec(args[0])
        venc, vdec = _codec(args[1])
        if kenc is not _ident:
            raise TypeError(f"cannot cache a mapping keyed by {args[0]}")
        if venc is _ident:
            return _mapping_enc, lambda v: {kdec(k): vdec(x) for k, x in v.items()} if type(v) is dict else _fail(v)
        return ((lambda v: {k: venc(x) for k, x in v.items()}),
                lambda v: {kdec(k): vdec(x) for k, x in v.items()} if type(v) is dict else _fail(v))
    if tp is Source:  # most sources are in the entry's own file: only the line is stored
        return _source_enc, _source_dec
    if tp is Client:  # a record inside a client's entry (a handoff, a story) names that client: not stored again
        return (lambda v: None), (lambda v: _CLIENT[0])
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_codec(tp)
    raise TypeError(f"cannot cache a field of type {tp}")


_CONTEXT: list[str] = [""]  # the path of the entry being encoded or decoded
_CLIENT: list[Any] = [None]  # the client whose records are being decoded


def _source_enc(v: Source) -> Any:
    return v.line if v.path == _CONTEXT[0] else [v.path, v.line]


def _source_dec(v: Any) -> Source:
    if v.__class__ is int:
        return Source(_CONTEXT[0], v)
    if v.__class__ is not list or len(v) != 2:
        _fail(v)
    return Source(v[0], v[1])


def _fail(v: Any) -> Any:
    raise TypeError(f"unexpected {type(v).__name__} in a cache entry")


_CODECS: dict[type, tuple[Encoder, Decoder]] = {}


def _dataclass_codec(cls: type) -> tuple[Encoder, Decoder]:
    """A dataclass as the list of its fields in order; rebuilt by one generated call of the class.

    The decoder checks the shape of each row; the types of its scalars are
    trusted because an entry is only read when its key and checksum match.
    """
    if cls in _CODECS:
        return _CODECS[cls]
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    namespace: dict[str, Any] = {"cls": cls, "_fromiso": date.fromisoformat, "_list": list, "_fail": _fail,
                                 "_int": int, "_ctx": _CONTEXT, "Source": Source, "_source_dec": _source_dec}
    enc_parts, dec_parts = [], []
    for i, name in enumerate(names):
        tp = hints[name]
        enc, dec = _codec(tp)
        namespace[f"_e{i}"], namespace[f"_d{i}"] = enc, dec
        enc_parts.append(f"o.{name}" if enc is _ident else f"_e{i}(o.{name})")
        dec_parts.append(_fast_decode(tp, f"r[{i}]", i))
    count = len(names)
    source = (f"def enc(o):\n    return [{', '.join(enc_parts)}]\n"
              f"def dec(r):\n    if r.__class__ is not _list or len(r) != {count}: _fail(r)\n")
    slots = getattr(cls, "__slots__", ())
    if tuple(slots) == tuple(names) and not hasattr(cls, "__post_init__"):
        # A frozen dataclass's __init__ sets each field through object.__setattr__; setting the
        # slots directly builds the same object about three times faster.
        for i, name in enumerate(names):
            namespace[f"_s{i}"] = cls.__dict__[name].__set__
        source += "    o = _new(cls)\n" + "".join(f"    _s{i}(o, {d})\n" for i, d in enumerate(dec_parts))
        source += "    return o\n"
        namespace["_new"] = object.__new__
    else:
        source += f"    return cls({', '.join(dec_parts)})\n"
    exec(compile(source, f"<rippledoc.read.cache codec for {cls.__name__}>", "exec"), namespace)
    _CODECS[cls] = (namespace["enc"], namespace["dec"])
    return _CODECS[cls]


def _fast_decode(tp: Any, expr: str, i: int) -> str:
    """The expression that decodes one field; the common shapes inline, the rest through ``_d{i}``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in (str, int, bool):
        return expr
    if tp is date:
        return f"_fromiso({expr})"
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        if inner in (str, int):
            return expr
        if inner is date:
            return f"(None if {expr} is None else _fromiso({expr}))"
    if origin is tuple and args == (str, Ellipsis):
        return f"tuple({expr})"
    if tp is Source:
        return f"(Source(_ctx[0], {expr}) if {expr}.__class__ is _int else _source_dec({expr}))"
    return f"_d{i}({expr})"


def schema(cls: type) -> str:
    """The field names and types of a dataclass and those it contains, for the cache key."""
    seen: list[str] = []

    def walk(tp: Any) -> None:
        for arg in typing.get_args(tp):
            walk(arg)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__name__ not in seen:
            seen.append(tp.__name__)
            hints = typing.get_type_hints(tp)
            seen.append(",".join(f"{f.name}:{hints[f.name]}" for f in dataclasses.fields(tp)))
            for f in dataclasses.fields(tp):
                walk(hints[f.name])

    walk(cls)
    return ";".join(seen)


# --- entries -----------------------------------------------------------------

def encode_diag(d: Diagnostic) -> list[Any]:
    row = [d.path, d.line, d.col, d.severity.value, d.code, d.message, d.hint]
    return row if d.excerpt is None else [*row, d.excerpt]


_SEVERITY = {s.value: s for s in Severity}


def decode_diag(row: Any) -> Diagnostic:
    if type(row) is not list or len(row) not in (7, 8):
        raise TypeError("a cached diagnostic of the wrong shape")
    path, line, col, sev, code, message, hint = row[:7]
    excerpt = row[7] if len(row) == 8 else None
    if excerpt is not None and type(excerpt) is not str:
        raise TypeError("a cached diagnostic of the wrong shape")
    return Diagnostic(path, line, col, _SEVERITY[sev], code, message, hint, excerpt)


def split_future(diags: list[Diagnostic]) -> tuple[list[Diagnostic], str | None] | None:
    """Diagnostics of a parse against the earliest date -> (those that hold always, the latest date named).

    A parse against ``today`` has no date-dependent diagnostic when ``today`` is
    on or after that latest date; otherwise the file is parsed again. None when
    a date-dependent diagnostic names no date (the file is then not cached).
    """
    always: list[Diagnostic] = []
    latest: str | None = None
    for d in diags:
        if d.code in FUTURE_CODES:
            m = _ISO.search(d.message)
            if m is None:
                return None
            latest = m[1] if latest is None or m[1] > latest else latest
        else:
            always.append(d)
    return always, latest


def valid_for(latest: str | None, today: date | None) -> bool:
    """Whether a cached parse (without the date checks) is the parse against ``today``."""
    return today is None or latest is None or today.isoformat() >= latest


def encode_entry(key: str, cls: type, record: Any, always: list[Diagnostic], latest: str | None, path: str) -> str:
    payload = encode_payload(cls, record, always, latest, path)
    return f"{key}\n{seal(key, payload)}\n{payload}"


def decode_entry(text: str, key: str, cls: type, path: str) -> tuple[Any, list[Diagnostic], str | None]:
    """Raises ValueError or TypeError when the entry is not exactly one we wrote for this key."""
    head, sep, rest = text.partition("\n")
    if not sep or head != key:
        raise ValueError("a foreign cache entry")
    check, sep, payload = rest.partition("\n")
    if not sep or not hmac.compare_digest(seal(key, payload), check):
        raise ValueError("a corrupt or foreign cache entry")
    return decode_payload(payload, cls, path)


class Cache:
    """One workspace's cache folder. Every failure to read or write it is a miss, never an error."""

    def __init__(self, root: Path, kind: str, enabled: bool = True):
        self.folder = root / CACHE_DIR / kind
        self.enabled = enabled and os.environ.get("RIPPLEDOC_NO_CACHE", "") == ""
        self.used: set[str] = set()
        self.writable = True

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.entry"

    def get(self, key: str) -> str | None:
        if not self.enabled:
            return None
        self.used.add(key)
        raw = read_regular(self._file(key), MAX_ENTRY_BYTES)
        try:
            return None if raw is None else raw.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, text: str) -> None:
        if not self.enabled or not self.writable:
            return
        self.used.add(key)
        target = self._file(key)
        tmp = target.with_name(f".{key}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(text.encode("utf-8"))
            os.replace(tmp, target)
        except OSError:
            self.writable = False
            try:
                tmp.unlink()
            except OSError:
                pass

    def prune(self) -> None:
        """Remove entries this load did not use, once they outnumber the used ones (old versions of files)."""
        if not self.enabled or not self.used:
            return
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        if len(names) <= 2 * len(self.used) + 64:
            return
        for name in names:
            if name.removesuffix(".entry") not in self.used:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass


# --- rendered markdown ---------------------------------------------------------

class MarkdownCache:
    """A site's markdown filter through the cache: the HTML of each note, keyed by its text.

    Notes shorter than ``MIN_CHARS`` are rendered each time (reading an entry
    costs more). The key includes the code of the markdown module, so a new
    renderer invalidates; an entry is sealed like every other.
    """

    MIN_CHARS = 400

    def __init__(self, root: Path, render: Callable[..., Any], code: str = "") -> None:
        self.render = render
        self.cache = Cache(root, "markdown")
        self.salt = hashlib.sha256(f"{fingerprint()}\0{code}".encode()).hexdigest()

    def __call__(self, text: str, shift_headings: int = 1) -> Any:
        text = text or ""
        if len(text) < self.MIN_CHARS or not self.cache.enabled:
            return self.render(text, shift_headings)
        h = hashlib.sha256(f"{self.salt}\0{shift_headings}\0".encode())
        h.update(text.encode("utf-8", "surrogatepass"))
        key = h.hexdigest()
        entry = self.cache.get(key)
        if entry is not None:
            head, _, rest = entry.partition("\n")
            check, _, html = rest.partition("\n")
            if head == key and hmac.compare_digest(seal(key, html), check):
                from markupsafe import Markup
                return Markup(html)
        html = self.render(text, shift_headings)
        self.cache.put(key, f"{key}\n{seal(key, str(html))}\n{html}")
        return html


def cached_markdown(env: Any, root: Path) -> Any:
    """Route a Jinja2 environment's ``markdown`` filter through the cache; returns the environment."""
    render = env.filters.get("markdown")
    if render is None or isinstance(render, MarkdownCache):
        return env
    module = sys.modules.get(getattr(render, "__module__", "") or "")
    code = ""
    file = getattr(module, "__file__", None)
    if isinstance(file, str) and file:
        try:
            code = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        except OSError:
            code = "unknown"
    env.filters["markdown"] = MarkdownCache(root, render, code)
    return env


# --- the stat of a file when it was read, and git's racy-file rule -------------------------------

RACY_NS = 2_000_000_000  # a file changed this close to its entry's writing may have changed unseen


class Stated(typing.Protocol):
    size: int
    mtime_ns: int
    ino: int


def stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


def fresh(entry: Stated, st: os.stat_result, written_ns: int) -> bool | None:
    """Whether a file is unchanged since its entry was written, by its stat alone; None: only its bytes can tell.

    Git's racy-file rule: a file whose mtime is within ``RACY_NS`` of the time
    the entry was written may have been changed again within the same clock
    tick (same size, same mtime), so its entry is checked against its bytes.
    """
    if (entry.size, entry.mtime_ns, entry.ino) != stat_key(st):
        return False
    return None if st.st_mtime_ns >= written_ns - RACY_NS else True


def encode_payload(cls: type, record: Any, always: list[Diagnostic], latest: str | None, path: str) -> str:
    enc, _ = _dataclass_codec(cls)
    _CONTEXT[0] = path
    return json.dumps([None if record is None else enc(record), [encode_diag(d) for d in always], latest],
                      ensure_ascii=False, separators=(",", ":"))


def decode_payload(payload: str | bytes, cls: type, path: str) -> tuple[Any, list[Diagnostic], str | None]:
    """Raises ValueError or TypeError when the payload is not of the shape we write."""
    row = json.loads(payload)
    if type(row) is not list or len(row) != 3 or not (row[2] is None or type(row[2]) is str):
        raise TypeError("a cache entry of the wrong shape")
    _, dec = _dataclass_codec(cls)
    _CONTEXT[0] = path
    record = None if row[0] is None else dec(row[0])
    return record, [decode_diag(d) for d in row[1]], row[2]


def encode_rows(cls: type, records: Any, path: str) -> list[Any]:
    """Records of ``cls`` as plain lists; their sources in ``path`` as lines, a client they name left out."""
    enc, _ = _dataclass_codec(cls)
    _CONTEXT[0] = path
    return [enc(r) for r in records]


def decode_rows(cls: type, rows: Any, path: str, client: Any = None) -> tuple[Any, ...]:
    """``encode_rows`` undone; the client the records name is ``client``. Raises TypeError on a wrong shape."""
    if type(rows) is not list:
        raise TypeError("expected a list of records")
    _, dec = _dataclass_codec(cls)
    _CONTEXT[0], _CLIENT[0] = path, client
    try:
        return tuple(map(dec, rows))
    finally:
        _CLIENT[0] = None


def fields_codec(cls: type, names: tuple[str, ...], target: type) -> tuple[Encoder, Decoder]:
    """Some fields of a slotted dataclass ``cls`` as a list, and back into a new, bare ``target`` (a subclass
    of ``cls``) whose other fields are left unset: the decoder sets the slots of ``names`` alone."""
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"_fromiso": date.fromisoformat, "_list": list, "_fail": _fail, "_int": int,
                                 "_ctx": _CONTEXT, "Source": Source, "_source_dec": _source_dec,
                                 "_new": object.__new__, "target": target}
    enc_parts, sets = [], []
    for i, name in enumerate(names):
        enc, dec = _codec(hints[name])
        namespace[f"_e{i}"], namespace[f"_d{i}"] = enc, dec
        namespace[f"_s{i}"] = cls.__dict__[name].__set__
        enc_parts.append(f"o.{name}" if enc is _ident else f"_e{i}(o.{name})")
        sets.append(f"    _s{i}(o, {_fast_decode(hints[name], f'r[{i}]', i)})\n")
    source = (f"def enc(o):\n    return [{', '.join(enc_parts)}]\n"
              f"def dec(r):\n    if r.__class__ is not _list or len(r) != {len(names)}: _fail(r)\n"
              "    o = _new(target)\n" + "".join(sets) + "    return o\n")
    exec(compile(source, f"<rippledoc.read.cache codec for part of {cls.__name__}>", "exec"), namespace)
    return namespace["enc"], namespace["dec"]
