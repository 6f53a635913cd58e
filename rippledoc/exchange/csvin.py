"""A contact sheet (CSV) -> ``Incoming`` records, with each unusable row rejected by its number.

Reads UTF-8 (with or without a byte-order mark), UTF-16 with a mark, and the
Windows code pages Excel and Outlook write (``encoding``); ``,``, ``;`` or tab
separated (``csv.Sniffer`` proposes, the header row decides); quoted commas
and line breaks inside fields. Each row becomes a record (``csvrow``). The header row picks a column mapping (``csvformats``); ``--map``
overrides it column by column. In rippledoc's own sheet (``export csv``'s
header row, exactly) the quote that made a formula-like cell safe for
spreadsheets is taken off again (``csvout.restore``).
"""
from __future__ import annotations

import csv
import io
from datetime import date

from rippledoc.exchange.csvformats import TARGETS, detect, header_key, profile_of
from rippledoc.exchange.csvout import is_own_sheet, restore
from rippledoc.exchange.csvrow import build
from rippledoc.exchange.encoding import NAMES, decode
from rippledoc.exchange.record import Incoming, Parsed, Rejected

MAX_FIELD = 1 << 20


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def delimiter_of(text: str) -> str:
    """The separator: the one of Sniffer's guess, ',', ';' and tab that splits the header into most columns."""
    candidates = []
    try:
        candidates.append(csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter)
    except csv.Error:
        pass
    candidates += [",", ";", "\t"]
    return max(candidates, key=lambda d: len(_first_record(text, d)))  # max keeps the first of equals


def parse_overrides(pairs: tuple[str, ...] | list[str], headers: list[str]) -> tuple[dict[int, str], str]:
    """``--map COLUMN=FIELD`` -> {column index: target}; or a usage problem."""
    keys = [header_key(h) for h in headers]
    out: dict[int, str] = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column:
            return {}, f"--map '{pair}' is not COLUMN=FIELD"
        if target not in TARGETS:
            return {}, f"--map '{pair}': '{target}' is not a field; use one of {', '.join(TARGETS)}"
        hits = [i for i, k in enumerate(keys) if k == header_key(column)]
        if not hits:
            return {}, f"--map '{pair}': no column '{column}' in the header ({', '.join(headers)})"
        for i in hits:
            out[i] = target
    return out, ""


def read_csv(raw: bytes, overrides: tuple[str, ...] | list[str] = (), *, today: date,
             encoding: str | None = None) -> tuple[Parsed | None, str]:
    """Read a whole sheet (``today``: the command's date; ``encoding``: the one the person named).
    ``(None, problem)`` when the file itself is unusable."""
    decoded = decode(raw, encoding)
    text = decoded.text
    if text is None:
        return None, decoded.problem if encoding else f"the file {decoded.problem}"
    if "\x00" in text:
        return None, "the file contains NUL bytes: it is not a CSV text file (a spreadsheet must be saved as CSV)"
    offset = 0
    delimiter = ""
    first = text.split("\n", 1)[0].strip().lower()
    if first.startswith("sep=") and len(first) == 5:  # Excel's "sep=;" line
        delimiter, offset = text.split("\n", 1)[0].strip()[4], 1
        text = text.split("\n", 1)[1] if "\n" in text else ""
    if not text.strip():
        return None, "the file is empty"
    if text.lstrip().upper().startswith("BEGIN:VCARD"):
        return None, "this is a vCard file: import it with 'rippledoc import vcard'"
    delimiter = delimiter or delimiter_of(text)
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except csv.Error as exc:
        return None, f"the header row cannot be read: {exc}"
    label, columns = detect(headers)
    own = is_own_sheet(headers)
    if own:
        label = "rippledoc's own sheet"
    fixed, problem = parse_overrides(overrides, headers)
    if problem:
        return None, problem
    columns = [(fixed[i], -1) if i in fixed else c for i, c in enumerate(columns)]
    if not any(t in ("name", "contact", "contact.first", "contact.last") for t, _ in columns):
        return None, (f"no column gives a client's name (header: {', '.join(headers)}); "
                      "say which one does with --map COLUMN=name")
    records: list[Incoming] = []
    rejected: list[Rejected] = []
    profile = profile_of(headers)
    quiet = {i for i, h in enumerate(headers) if profile and header_key(h) in {header_key(q) for q in profile.quiet}}
    blanks = set(profile.blanks) if profile else set()
    left: dict[int, int] = {}  # column -> rows whose value there was left out
    row_no, line = 1, reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            rejected.append(Rejected(f"row {row_no} (line {line + offset})", f"cannot be read: {exc}"))
            line = reader.line_num + 1
            continue
        row_no += 1
        where = f"row {row_no} (line {line + offset})"
        line = reader.line_num + 1
        if own:
            row = [restore(cell) for cell in row]
        if not any(cell.strip() for cell in row):
            continue  # blank rows, or ",,,," ones
        if len(row) != len(headers):
            rejected.append(Rejected(where, f"has {len(row)} values but the header has {len(headers)} columns"))
            continue
        built = build(where, row, columns, headers, today)
        if built.record is None:
            rejected.append(Rejected(where, built.problem))
            continue
        records.append(built.record)
        for i, cell in enumerate(row):
            if i not in built.used and i not in quiet and cell.strip() and cell.strip() not in blanks:
                left[i] = left.get(i, 0) + 1
    sep = {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, repr(delimiter))
    used = tuple((h, t) for h, (t, _) in zip(headers, columns) if t != "ignore")
    ignored = tuple(h for h, (t, _) in zip(headers, columns) if t == "ignore" and h.strip())
    left_out = tuple((headers[i] or f"column {i + 1}", n) for i, n in sorted(left.items()))
    fmt = f"{label}, {NAMES.get(decoded.encoding, decoded.encoding)}, {sep}-separated"
    warnings = (decoded.warning,) if decoded.warning else ()
    return Parsed(tuple(records), tuple(rejected), fmt, used, ignored, left_out, warnings), ""
