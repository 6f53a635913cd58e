"""A .vcf file (vCard 2.1, 3.0 or 4.0, many cards) -> ``Incoming`` records, parsed by ``vobject``.

The file is cut into cards first, so one broken card is rejected with its
number and line while the others import. Quoted-printable soft line breaks
(a line ending in ``=``, vCard 2.1) are joined before parsing, since vobject
reads only folded lines.
"""
from __future__ import annotations

import quopri
import re

from rippledoc.exchange import clean
from rippledoc.exchange.csvin import decode
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


def read_vcard(raw: bytes) -> tuple[Parsed | None, str]:
    import vobject
    text, encoding = decode(raw)
    if text is None:
        return None, f"the file {encoding}"
    blocks, rejected = split_cards(text)
    if not blocks and not rejected:
        return None, "no BEGIN:VCARD in the file: it is not a vCard file"
    records: list[Incoming] = []
    versions: set[str] = set()
    for number, (line, block) in enumerate(blocks, 1):
        where = f"card {number} (line {line})"
        try:
            card = vobject.readOne(block, ignoreUnreadable=False)
        except Exception as exc:  # vobject raises ParseError, ValueError, UnicodeError… on bad input
            rejected.append(Rejected(where, f"cannot be read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"))
            continue
        versions.add(_one(card, "version") or "?")
        record, problem = from_card(where, card)
        if record is None:
            rejected.append(Rejected(where, problem))
        else:
            records.append(record)
    rejected.sort(key=lambda r: int(r.where.split()[1]))
    label = f"vCard {', '.join(sorted(versions)) or '?'}, {encoding}"
    return Parsed(tuple(records), tuple(rejected), label), ""


def _all(card, name: str) -> list:
    return card.contents.get(name, [])


def _text(value: object) -> str:
    """A vobject value as one text: a component split at commas is joined back ('A, B')."""
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    return value if isinstance(value, str) else str(value or "")


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


def _best(lines: list, prefer: tuple[str, ...]) -> str:
    """The preferred value: marked pref, then by type, then the first."""
    def rank(item) -> tuple[int, int]:
        types = _types(item[1])
        by_type = next((i for i, t in enumerate(prefer) if t in types), len(prefer))
        return (0 if "pref" in types else 1, by_type, item[0])
    for _, line in sorted(enumerate(lines), key=lambda x: (*rank(x)[:2], x[0])):
        value = _text(line.value)
        if value.strip():
            return value
    return ""


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


def from_card(where: str, card) -> tuple[Incoming | None, str]:
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
    if contact:
        values["contact"] = contact
    raw_email = _best(_all(card, "email"), ("work", "internet", "home"))
    value, problem = clean.email(raw_email)
    if problem:
        return None, problem
    if value:
        values["email"] = value
    value, problem = clean.phone(_best(_all(card, "tel"), ("work", "main", "voice", "cell", "home")))
    if problem:
        return None, problem
    if value:
        values["phone"] = value
    addresses = sorted(_all(card, "adr"), key=lambda line: (0 if "work" in _types(line) else 1))
    for line in addresses:
        address = _address(line)
        if address:
            values["address"] = address
            break
    url = clean.one_line(_best(_all(card, "url"), ("work",)))
    if url:
        values["website"] = url
    if not org and not contact:
        what = f" (only {values['email']})" if values.get("email") else ""
        return None, f"no ORG and no FN or N{what}"
    tags: tuple[str, ...] = ()
    for line in _all(card, "categories"):
        items = line.value if isinstance(line.value, list) else [line.value]
        tags += tuple(t for t in (clean.one_line(i) for i in items) if t and t not in tags)
    notes = "\n".join(clean.notes(_text(line.value)) for line in _all(card, "note") if line.value)
    title = clean.one_line(_one(card, "title"))
    return Incoming(where, org or contact, values, {"tags": tags} if tags else {}, notes, title), ""
