"""Each client's main contact as a vCard 3.0, written by ``vobject``.

ORG is the client's name and FN its contact; a client without a contact is a
company card (FN is the name, ``X-ABShowAs:COMPANY`` as Apple Contacts writes
it), so ``rippledoc import vcard`` reads the same clients back. The main
e-mail and phone come first and are marked ``pref``; the others follow, a
phone with its label as its TYPE ('(mobile)' is CELL).
"""
from __future__ import annotations

import re

from rippledoc.model import Client
from rippledoc.book.book import Book

_LABEL = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
TEL_TYPES = {"mobile": "CELL", "main": "MAIN-NUMBER"}  # other labels are their own TYPE: home -> HOME


def split_label(number: str) -> tuple[str, str]:
    """'+49 170 1234567 (mobile)' -> ('+49 170 1234567', 'mobile'); a number without a label -> (number, '')."""
    m = _LABEL.match(number.strip())
    return (m[1], m[2].strip().lower()) if m else (number.strip(), "")


PREFIXES = ("dr.", "dr", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "mx.", "prof.", "prof")


def name_parts(person: str) -> dict[str, str]:
    """'Dr. Renata Ibarra' -> prefix Dr., given Renata, family Ibarra (a guess: FN stays as written)."""
    words = person.split()
    prefix = words.pop(0) if len(words) > 1 and words[0].lower() in PREFIXES else ""
    if len(words) == 1:
        return {"prefix": prefix, "given": words[0], "family": ""}
    return {"prefix": prefix, "given": " ".join(words[:-1]), "family": words[-1] if words else ""}


def card(c: Client):
    import vobject
    v = vobject.vCard()
    person = c.contact or c.name
    v.add("fn").value = person
    if c.contact:
        v.add("n").value = vobject.vcard.Name(**name_parts(c.contact))
    else:  # a company card, as Apple Contacts marks one
        v.add("n").value = vobject.vcard.Name()
        v.add("x-abshowas").value = "COMPANY"
    v.add("org").value = [c.name]
    if c.title:
        v.add("title").value = c.title
    if c.birthday:
        v.add("bday").value = str(c.birthday)
    for i, address in enumerate(([c.email] if c.email else []) + list(c.emails)):
        line = v.add("email")
        line.value, line.type_param = address, "INTERNET"
        if i == 0 and c.email:
            line.params["TYPE"] = ["INTERNET", "pref"]
    for i, number in enumerate(([c.phone] if c.phone else []) + list(c.phones)):
        value, label = split_label(number) if i or not c.phone else (number, "work")
        line = v.add("tel")
        line.value = value
        kind = TEL_TYPES.get(label, label.upper()) if re.fullmatch(r"[a-z][a-z0-9-]*", label) else "VOICE"
        line.params["TYPE"] = [kind] + (["pref"] if i == 0 and c.phone else [])
    if c.address:
        line = v.add("adr")
        line.value, line.type_param = vobject.vcard.Address(street=c.address), "WORK"
    if c.website:
        v.add("url").value = c.website
    if c.timezone:
        v.add("tz").value = c.timezone  # the zone's name, which 'import vcard' reads back
    if c.tags:
        v.add("categories").value = list(c.tags)
    if c.notes.strip():
        v.add("note").value = c.notes.strip()
    v.add("uid").value = f"rippledoc-{c.slug}"
    return v


def to_vcard(ws: Book) -> str:
    return "".join(card(c).serialize() for c in sorted(ws.clients, key=lambda c: c.slug))
