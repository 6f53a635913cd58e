"""One row of a contact sheet -> one ``Incoming`` record, and which of its cells were left out.

Each column has a target (``csvformats``). A single-valued field takes the
first non-empty column in priority order; another column with a different
value for it is left out and counted. E-mail addresses and phone numbers are
all kept: the first is the main one, the others go into ``emails`` and
``phones`` (a phone with the label its column gives, '… (mobile)'). An
Exchange address (Outlook's 'EX' type) is no e-mail address: it is left out
with a remark and the row is kept. A birthday that cannot be read is left out
with a remark too; any other value a client file would refuse rejects the row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rippledoc.exchange import clean
from rippledoc.exchange.csvformats import phone_label
from rippledoc.exchange.record import LIST_FIELDS, TEXT_FIELDS, Incoming

SINGLE = tuple(k for k in TEXT_FIELDS if k not in ("contact", "email", "phone", "address", "birthday"))


@dataclass(frozen=True, slots=True)
class Built:
    record: Incoming | None
    problem: str  # why the row is rejected ('' when it is not)
    used: frozenset[int]  # the columns whose values went into the record


def _gather(row: list[str], columns: list[tuple[str, int]]) -> dict[str, list[tuple[int, str]]]:
    """Each target's non-empty ``(column, value)``, best column first."""
    ranked = sorted((rank, i, target) for i, (target, rank) in enumerate(columns) if target != "ignore")
    out: dict[str, list[tuple[int, str]]] = {}
    for _, i, target in ranked:
        if row[i].strip():
            out.setdefault(target, []).append((i, row[i]))
    return out


def _first(got: dict[str, list[tuple[int, str]]], target: str, used: set[int]) -> str:
    """The best value of ``target``; another column holding the same value counts as used too."""
    if target not in got:
        return ""
    i, value = got[target][0]
    used.add(i)
    used.update(j for j, v in got[target][1:] if clean.text_key(v) == clean.text_key(value))
    return value


def compose_contact(got: dict[str, list[tuple[int, str]]], used: set[int]) -> str:
    words = [clean.one_line(_first(got, k, used)) for k in ("contact.prefix", "contact.first", "contact.middle",
                                                              "contact.last")]
    name = " ".join(w for w in words if w)
    suffix = clean.one_line(_first(got, "contact.suffix", used))
    return f"{name}, {suffix}" if name and suffix else name


def compose_address(got: dict[str, list[tuple[int, str]]], group: str, used: set[int]) -> str:
    streets = got.get(f"{group}.street", [])
    used.update(i for i, _ in streets)
    street = ", ".join(clean.joined_lines(s) for _, s in streets)
    get = lambda p: clean.one_line(_first(got, f"{group}.{p}", used))  # noqa: E731
    pobox = get("pobox")
    city, region, postcode, country = get("city"), get("region"), get("postcode"), get("country")
    tail = " ".join(x for x in (region, postcode) if x)
    return ", ".join(x for x in (street, f"PO Box {pobox}" if pobox else "", city, tail, country) if x)


def _emails(got, headers: list[str], used: set[int], remarks: list[str]) -> tuple[list[str], str]:
    found: list[str] = []
    for i, raw in got.get("email", []) + got.get("emails", []):
        used.add(i)
        for part in clean.values_of(raw):
            if clean.is_exchange_address(part):
                shown = part if len(part) <= 40 else part[:37] + "…"
                remarks.append(f"{headers[i]} '{shown}' is an Exchange (EX) address, not an e-mail address: "
                               "left out, the rest of the row is imported")
                continue
            value, problem = clean.email(part)
            if problem:
                return [], problem
            if value and clean.email_key(value) not in {clean.email_key(f) for f in found}:
                found.append(value)
    return found, ""


def _phones(got, headers: list[str], used: set[int]) -> tuple[list[str], str]:
    found: list[str] = []
    for i, raw in got.get("phone", []) + got.get("phones", []):
        used.add(i)
        for part in clean.values_of(raw):
            value, problem = clean.phone(part)
            if problem:
                return [], problem
            if value and clean.phone_key(value) not in {clean.phone_key(f) for f in found}:
                found.append(clean.labelled(value, phone_label(headers[i])) if found else value)
    return found, ""


def build(where: str, row: list[str], columns: list[tuple[str, int]], headers: list[str], today: date) -> Built:
    got = _gather(row, columns)
    used: set[int] = set()
    remarks: list[str] = []
    contact = clean.one_line(_first(got, "contact", used)) or compose_contact(got, used)
    name = clean.one_line(_first(got, "name", used))
    values: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    if contact:
        values["contact"] = contact
    emails, problem = _emails(got, headers, used, remarks)
    if problem:
        return Built(None, problem, frozenset(used))
    phones, problem = _phones(got, headers, used)
    if problem:
        return Built(None, problem, frozenset(used))
    for key, found in (("email", emails), ("phone", phones)):
        if found:
            values[key] = found[0]
        if found[1:]:
            lists[key + "s"] = tuple(found[1:])
    for key in SINGLE:
        raw = _first(got, key, used)
        value, problem = clean.field_value(key, raw, today) if raw else ("", "")
        if problem:
            return Built(None, problem, frozenset(used))
        if value:
            values[key] = value
    raw = _first(got, "birthday", used)
    value, problem = clean.birthday(raw, today) if raw else ("", "")
    if problem:
        remarks.append(f"{problem}: left out")
    elif value:
        values["birthday"] = value
    address = clean.joined_lines(_first(got, "address", used))
    if address:  # the parts of the same address (Google's Address 1 - Street, - City, …) are in it
        used.update(i for target, found in got.items() if target.startswith("addr.") for i, _ in found)
    address = address or compose_address(got, "addr", used) or compose_address(got, "home", used)
    if address:
        values["address"] = address
    if not name and not contact:
        what = f" (only {values['email']})" if values.get("email") else ""
        return Built(None, f"no company and no name{what}", frozenset(used))
    for key in LIST_FIELDS:
        if key in ("emails", "phones"):
            continue
        items: tuple[str, ...] = ()
        for i, cell in got.get(key, []):
            used.add(i)
            items += tuple(t for t in clean.tags(cell) if t not in items)
        if items:
            lists[key] = items
    used.update(i for i, _ in got.get("notes", []))
    notes = "\n".join(clean.notes(n) for _, n in got.get("notes", []))
    return Built(Incoming(where, name or contact, values, lists, notes, tuple(remarks)), "", frozenset(used))
