"""A contact sheet (CSV) -> ``Incoming`` records, with each unusable row rejected by its number.

Reads UTF-8 (with or without a byte-order mark), UTF-16 with a mark, and
Windows-1252 as Excel writes it; ``,``, ``;`` or tab separated (``csv.Sniffer``
proposes, the header row decides); quoted commas and line breaks inside
fields. The header row picks a column mapping (``csvformats``); ``--map``
overrides it column by column.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from rippledoc.exchange import clean
from rippledoc.exchange.csvformats import TARGETS, detect, header_key
from rippledoc.exchange.record import LIST_FIELDS, TEXT_FIELDS, Incoming, Parsed, Rejected

MAX_FIELD = 1 << 20


def decode(raw: bytes) -> tuple[str | None, str]:
    """``(text, encoding)``; ``(None, why)`` when it is none of the encodings spreadsheets write."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            return None, f"starts with a UTF-8 mark but byte {exc.start + 3} is not UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, "starts with a UTF-16 mark but is not UTF-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        return None, f"is neither UTF-8 nor Windows-1252 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"


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


def read_csv(raw: bytes, overrides: tuple[str, ...] | list[str] = (), *, today: date) -> tuple[Parsed | None, str]:
    """Read a whole sheet (``today``: the command's date). ``(None, problem)`` when the file itself is unusable."""
    text, encoding = decode(raw)
    if text is None:
        return None, f"the file {encoding}"
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
    fixed, problem = parse_overrides(overrides, headers)
    if problem:
        return None, problem
    columns = [(fixed[i], -1) if i in fixed else c for i, c in enumerate(columns)]
    if not any(t in ("name", "contact", "contact.first", "contact.last") for t, _ in columns):
        return None, (f"no column gives a client's name (header: {', '.join(headers)}); "
                      "say which one does with --map COLUMN=name")
    records: list[Incoming] = []
    rejected: list[Rejected] = []
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
        if not any(cell.strip() for cell in row):
            continue  # blank rows, or ",,,," ones
        if len(row) != len(headers):
            rejected.append(Rejected(where, f"has {len(row)} values but the header has {len(headers)} columns"))
            continue
        record, problem = build(where, row, columns, today)
        if record is None:
            rejected.append(Rejected(where, problem))
        else:
            records.append(record)
    names = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252", "utf-16": "UTF-16"}
    sep = {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, repr(delimiter))
    used = tuple((h, t) for h, (t, _) in zip(headers, columns) if t != "ignore")
    ignored = tuple(h for h, (t, _) in zip(headers, columns) if t == "ignore" and h.strip())
    return Parsed(tuple(records), tuple(rejected), f"{label}, {names[encoding]}, {sep}-separated", used, ignored), ""


def _gather(row: list[str], columns: list[tuple[str, int]]) -> dict[str, list[str]]:
    """Each target's non-empty values, best column first."""
    ranked = sorted((rank, i, target) for i, (target, rank) in enumerate(columns) if target != "ignore")
    out: dict[str, list[str]] = {}
    for _, i, target in ranked:
        if row[i].strip():
            out.setdefault(target, []).append(row[i])
    return out


def compose_contact(parts: dict[str, list[str]]) -> str:
    words = [clean.one_line(parts[k][0]) for k in ("contact.prefix", "contact.first", "contact.middle", "contact.last")
             if k in parts]
    name = " ".join(w for w in words if w)
    suffix = clean.one_line(parts["contact.suffix"][0]) if "contact.suffix" in parts else ""
    return f"{name}, {suffix}" if name and suffix else name


def compose_address(parts: dict[str, list[str]], group: str) -> str:
    street = ", ".join(clean.joined_lines(s) for s in parts.get(f"{group}.street", []))
    get = lambda p: clean.one_line(parts[f"{group}.{p}"][0]) if f"{group}.{p}" in parts else ""  # noqa: E731
    pobox = get("pobox")
    city, region, postcode, country = get("city"), get("region"), get("postcode"), get("country")
    tail = " ".join(x for x in (region, postcode) if x)
    return ", ".join(x for x in (street, f"PO Box {pobox}" if pobox else "", city, tail, country) if x)


def build(where: str, row: list[str], columns: list[tuple[str, int]], today: date) -> tuple[Incoming | None, str]:
    got = _gather(row, columns)
    contact = clean.one_line(got["contact"][0]) if "contact" in got else compose_contact(got)
    name = clean.one_line(got["name"][0]) if "name" in got else ""
    values: dict[str, str] = {}
    if contact:
        values["contact"] = contact
    for key in TEXT_FIELDS:
        if key in ("contact", "address") or key not in got:
            continue
        value, problem = clean.field_value(key, got[key][0], today)
        if problem:
            return None, problem
        if value:
            values[key] = value
    address = clean.joined_lines(got["address"][0]) if "address" in got else ""
    address = address or compose_address(got, "addr") or compose_address(got, "home")
    if address:
        values["address"] = address
    if not name and not contact:
        what = f" (only {values['email']})" if values.get("email") else ""
        return None, f"no company and no name{what}"
    lists = {}
    for key in LIST_FIELDS:
        items: tuple[str, ...] = ()
        for cell in got.get(key, []):
            items += tuple(t for t in clean.tags(cell) if t not in items)
        if items:
            lists[key] = items
    notes = "\n".join(clean.notes(n) for n in got.get("notes", []))
    title = clean.one_line(got["title"][0]) if "title" in got else ""
    return Incoming(where, name or contact, values, lists, notes, title), ""
