"""A .vcf file (vCard 2.1, 3.0 or 4.0, many cards) -> ``Incoming`` records, parsed by ``vobject``.

The file is cut into cards first, so one broken card is rejected with its
number and line while the others import. Quoted-printable soft line breaks
(a line ending in ``=``, vCard 2.1) are joined before parsing, since vobject
reads only folded lines.

Every EMAIL and TEL is kept (the preferred one is the main, the others go
into ``emails`` and ``phones``), TITLE and BDAY too; Google's ``\\:`` escape
is undone and its system groups (``myContacts``, ``starred``) are not tags.
Every property left out is counted, card by card, for the summary.
"""
from __future__ import annotations

import quopri
import re

from dataclasses import dataclass
from datetime import date

from rippledoc.exchange import clean
from rippledoc.exchange.encoding import decode
from rippledoc.exchange.record import Incoming, Parsed, Rejected

_BEGIN = re.compile(r"^begin:vcard\s*$", re.I)
_END = re.compile(r"^end:vcard\s*$", re.I)
_QP = re.compile(r"^[^:]*;[^:]*quoted-printable[^:]*:", re.I)
_BARE_COMMA = re.compile(r"(?<!\\),")


def split_cards(text: str) -> tuple[list[tuple[int, str]], list[Rejected]]:
    """``(first line, card text)`` for each BEGIN:VCARD … END:VCARD block, its lines made plain (``plain_lines``)."""
    cards: list[tuple[int, str]] = []
    rejected: list[Rejected] = []
    current: list[str] | None = None
    start = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, line in enumerate(lines, 1):
        if _BEGIN.match(line.strip()):
            if current is not None:
                rejected.append(Rejected(f"card {len(cards) + len(rejected) + 1} (line {start})",
                                         "has no END:VCARD before the next card"))
            current, start = [line.strip()], n
        elif current is not None:
            current.append(line)
            if _END.match(line.strip()):
                cards.append((start, "\r\n".join(plain_lines(current)) + "\r\n"))
                current = None
    if current is not None:
        rejected.append(Rejected(f"card {len(cards) + len(rejected) + 1} (line {start})", "has no END:VCARD"))
    return cards, rejected


def plain_lines(lines: list[str]) -> list[str]:
    """Unfold, join quoted-printable soft line breaks, then write each value as vCard 3.0 text.

    vobject keeps only the part before the first unescaped comma of a text
    value (``NOTE:a, b`` -> ``a``), and vCard 2.1 writers never escape commas;
    it also splits a decoded ``=2C`` again. So quoted-printable values are
    decoded here and every bare comma is escaped, except in CATEGORIES where
    commas separate the items.
    """
    unfolded: list[str] = []
    joining = False
    for line in lines:
        if joining:
            unfolded[-1] = unfolded[-1][:-1] + line.lstrip()
        elif line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
        joining = bool(_QP.match(unfolded[-1])) and unfolded[-1].endswith("=")
    return [_as_text(line) for line in unfolded]


def _split_line(line: str) -> tuple[str, str, str] | None:
    """``(name, params, value)`` of a content line; the value starts at the first ':' outside quotes."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head, value = line[:i], line[i + 1:]
            name, _, params = head.partition(";")
            return name, params, value
    return None


def _as_text(line: str) -> str:
    parts = _split_line(line)
    if parts is None:
        return line
    name, params, value = parts
    bare = name.rsplit(".", 1)[-1].upper()  # 'item1.EMAIL' -> EMAIL
    if bare in ("BEGIN", "END", "VERSION", "CATEGORIES", "PHOTO", "LOGO", "SOUND", "KEY"):
        return line
    kept = []
    charset, qp = "utf-8", False
    for p in params.split(";") if params else []:
        key, _, val = p.partition("=")
        if key.upper() == "ENCODING" and val.upper() == "QUOTED-PRINTABLE" or p.upper() == "QUOTED-PRINTABLE":
            qp = True
        elif key.upper() == "CHARSET":
            charset = val.strip('"') or "utf-8"
        else:
            kept.append(p)
    if qp:
        raw = quopri.decodestring(value.encode("latin-1", errors="replace"))
        try:
            value = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            value = raw.decode("cp1252", errors="replace")
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    value = _BARE_COMMA.sub("\\\\,", value)
    return name + "".join(";" + p for p in kept) + ":" + value


def read_vcard(raw: bytes, *, today: date, encoding: str | None = None) -> tuple[Parsed | None, str]:
    """Read a whole file (``today``: the command's date; ``encoding``: the one the person named)."""
    import vobject
    decoded = decode(raw, encoding)
    text = decoded.text
    if text is None:
        return None, decoded.problem if encoding else f"the file {decoded.problem}"
    blocks, rejected = split_cards(text)
    if not blocks and not rejected:
        return None, "no BEGIN:VCARD in the file: it is not a vCard file"
    records: list[Incoming] = []
    versions: set[str] = set()
    left: dict[str, int] = {}
    for number, (line, block) in enumerate(blocks, 1):
        where = f"card {number} (line {line})"
        try:
            card = vobject.readOne(block, ignoreUnreadable=False)
        except Exception as exc:  # vobject raises ParseError, ValueError, UnicodeError… on bad input
            rejected.append(Rejected(where, f"cannot be read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"))
            continue
        versions.add(_one(card, "version") or "?")
        read = from_card(where, card, today)
        if read.record is None:
            rejected.append(Rejected(where, read.problem))
            continue
        records.append(read.record)
        for what in read.left_out:
            left[what] = left.get(what, 0) + 1
    rejected.sort(key=lambda r: int(r.where.split()[1]))
    label = f"vCard {', '.join(sorted(versions)) or '?'}, {decoded.encoding}"
    warnings = (decoded.warning,) if decoded.warning else ()
    return Parsed(tuple(records), tuple(rejected), label, left_out=tuple(sorted(left.items())), warnings=warnings), ""


def _all(card, name: str) -> list:
    return card.contents.get(name, [])


def _text(value: object) -> str:
    """A vobject value as one text: a component split at commas is joined back ('A, B'); Google's escaped
    colon ('https\\://') is undone."""
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    return (value if isinstance(value, str) else str(value or "")).replace("\\:", ":")


def _one(card, name: str) -> str:
    items = _all(card, name)
    if not items:
        return ""
    value = items[0].value
    if isinstance(value, list):  # ORG: [organisation, unit, …]
        value = value[0] if value else ""
    return _text(value)


def _types(line) -> set[str]:
    found = {s.lower() for s in getattr(line, "singletonparams", [])}
    for t in line.params.get("TYPE", []):
        found.update(x.strip().lower() for x in t.split(","))
    if line.params.get("PREF"):
        found.add("pref")
    return found


def _ranked(lines: list, prefer: tuple[str, ...]) -> list:
    """The lines in order of preference: marked pref, then by type, then as written."""
    def rank(item) -> tuple[int, int, int]:
        types = _types(item[1])
        by_type = next((i for i, t in enumerate(prefer) if t in types), len(prefer))
        return (0 if "pref" in types else 1, by_type, item[0])
    return [line for _, line in sorted(enumerate(lines), key=rank)]


_TEL_LABELS = {"cell": "mobile", "iphone": "mobile", "main-number": "main"}
_TEL_PLAIN = {"voice", "pref", "internet", "text", "msg", "video", "bbs", "modem", "isdn", "pcs", "x-"}
# Properties that say nothing about the client, or that another one already says (N beside FN).
_QUIET = {"version", "prodid", "n", "x-abshowas", "kind", "begin", "end"}
GOOGLE_GROUPS = ("myContacts", "starred")  # Google's own groups in CATEGORIES, not the person's labels


def _tel_label(line) -> str:
    """What a TEL's TYPE says it is: CELL -> mobile, HOME -> home, FAX -> fax; '' for a plain voice line."""
    types = sorted(t for t in _types(line) if t not in _TEL_PLAIN and re.fullmatch(r"[a-z][a-z0-9-]*", t))
    preferred = [t for t in types if t in _TEL_LABELS] + types
    return _TEL_LABELS.get(preferred[0], preferred[0]) if preferred else ""


@dataclass(frozen=True, slots=True)
class Card:
    record: Incoming | None
    problem: str = ""
    left_out: tuple[str, ...] = ()  # what of the card was left out: property names, 'ADR (a second one)'


def _address(line) -> str:
    """ADR as one line: 'street, extended, PO Box n, city, region code, country'."""
    a = line.value
    if isinstance(a, str):
        return clean.joined_lines(a)
    get = lambda v: clean.joined_lines(_text(v))  # noqa: E731
    box = get(a.box)
    tail = " ".join(x for x in (get(a.region), get(a.code)) if x)
    return ", ".join(x for x in (get(a.street), get(a.extended), f"PO Box {box}" if box else "", get(a.city), tail,
                                 get(a.country)) if x)


def _all_values(card, name: str, prefer: tuple[str, ...], clean_one) -> tuple[list[tuple[str, object]], str]:
    """Every value of a property, cleaned, the preferred first and the others as written, each once:
    ``([(value, line)], problem)``."""
    out: list[tuple[str, object]] = []
    lines = _all(card, name)
    ranked = _ranked(lines, prefer)
    for line in ranked[:1] + [x for x in lines if ranked and x is not ranked[0]]:
        raw = clean.one_line(_text(line.value))
        if not raw:
            continue
        value, problem = clean_one(raw)
        if problem:
            return [], problem
        key = clean.email_key(value) if name == "email" else clean.phone_key(value)
        if value and key not in {clean.email_key(v) if name == "email" else clean.phone_key(v) for v, _ in out}:
            out.append((value, line))
    return out, ""


def from_card(where: str, card, today: date) -> Card:
    contact = clean.one_line(_one(card, "fn"))
    if not contact and _all(card, "n"):
        n = card.contents["n"][0].value
        if not isinstance(n, str):
            contact = clean.one_line(" ".join(_text(p) for p in (n.prefix, n.given, n.additional, n.family) if p))
    org = clean.one_line(_one(card, "org"))
    company_card = _one(card, "x-abshowas").upper() == "COMPANY" or _one(card, "kind").lower() == "org"
    if company_card and (not org or contact == org):
        org, contact = org or contact, ""  # the card is the company itself, not a person
    values: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    remarks: list[str] = []
    left: list[str] = []
    if contact:
        values["contact"] = contact
    emails, problem = _all_values(card, "email", ("work", "internet", "home"), clean.email)
    if problem:
        return Card(None, problem)
    phones, problem = _all_values(card, "tel", ("work", "main", "voice", "cell", "home"), clean.phone)
    if problem:
        return Card(None, problem)
    if emails:
        values["email"] = emails[0][0]
        if emails[1:]:
            lists["emails"] = tuple(v for v, _ in emails[1:])
    if phones:
        values["phone"] = phones[0][0]
        if phones[1:]:
            lists["phones"] = tuple(clean.labelled(v, _tel_label(line)) for v, line in phones[1:])
    addresses = [a for a in (_address(line) for line in sorted(
        _all(card, "adr"), key=lambda line: (0 if "work" in _types(line) else 1))) if a]
    if addresses:
        values["address"] = addresses[0]
    if len(addresses) > 1:
        left.append("ADR (a second address)")
    urls = [u for u in (clean.one_line(_text(line.value)) for line in _ranked(_all(card, "url"), ("work",))) if u]
    if urls:
        values["website"] = urls[0]
    if len(urls) > 1:
        left.append("URL (a second one)")
    if not org and not contact:
        what = f" (only {values['email']})" if values.get("email") else ""
        return Card(None, f"no ORG and no FN or N{what}")
    org_parts = [_text(p) for p in (_all(card, "org")[0].value if _all(card, "org") else [])]
    if isinstance(org_parts, list) and sum(1 for p in org_parts if p.strip()) > 1:
        left.append("ORG (its unit)")
    title = clean.one_line(_one(card, "title"))
    if title:
        values["title"] = title
    for line in _all(card, "bday")[:1]:
        omit = "".join(line.params.get("X-APPLE-OMIT-YEAR", []))
        raw = _text(line.value)
        if omit and raw.startswith(omit):
            raw = "--" + raw[len(omit):].lstrip("-")
        value, problem = clean.birthday(raw, today)
        if problem:
            remarks.append(f"{problem}: left out")
        elif value:
            values["birthday"] = value
    zone = clean.one_line(_one(card, "tz"))
    if zone:
        value, problem = clean.field_value("timezone", zone, today)
        if value:
            values["timezone"] = value
        else:
            left.append("TZ (not a zone name)")
    tags: tuple[str, ...] = ()
    system = False
    for line in _all(card, "categories"):
        items = line.value if isinstance(line.value, list) else [line.value]
        for t in (clean.one_line(_text(i)) for i in items):
            if t in GOOGLE_GROUPS:
                system = True
            elif t and t not in tags:
                tags += (t,)
    if system:
        left.append("CATEGORIES (Google's system groups " + ", ".join(GOOGLE_GROUPS) + ")")
    if tags:
        lists["tags"] = tags
    notes = "\n".join(clean.notes(_text(line.value)) for line in _all(card, "note") if line.value)
    used = {"fn", "org", "email", "tel", "adr", "url", "title", "bday", "tz", "categories", "note"}
    left += sorted({name.upper() for name in card.contents if name not in used and name not in _QUIET})
    return Card(Incoming(where, org or contact, values, lists, notes, tuple(remarks)), "", tuple(left))
