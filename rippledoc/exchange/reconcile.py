"""Imported records meet the workspace: a plan of what to create, fill and report, never clobbering.

A record matches an existing client by its e-mail address (case-insensitive),
else by its company name (``names.same_key``: 'The Northwind Traders, Inc.' is
'northwind traders', 'ООО Ромашка' is 'ооо ромашка'). Two names that differ
but read the same in ASCII ('Ørsted A/S' and 'Orsted A/S', 'Москва' and
'Moskva') are never merged: the record becomes a client of its own and the
near-duplicate is reported with both names. Records of one company that is
not in the workspace yet become one new client: the first row with a person
gives the main contact, the others go to the people list in its notes. A
matched client only gets fields that are empty in its file; a different
value is a conflict, reported and left as the person wrote it. A new client
without a zone in the file gets the one its phone and address give
(``zones``), or none. Planning writes nothing (``apply`` does).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rippledoc.read import yamltree
from rippledoc.parse.fields import parse_cadence_span, parse_time_range
from rippledoc.model import Settings
from rippledoc.book.book import Book
from rippledoc.book.names import fold, name_key, same_key, same_name, slug_text, unique_slug
from rippledoc.read.source import split_front_matter, Text
from rippledoc.exchange import clean, zones
from rippledoc.exchange.record import LIST_FIELDS, PERSON_LISTS, PERSON_TEXT, TEXT_FIELDS, Incoming, Person, Rejected


@dataclass
class Target:
    """A client as the plan sees it: an existing file (with its current values) or one to create."""
    name: str
    slug: str
    values: dict[str, object]  # field -> text or list, as in the file
    new: bool
    path: str = ""  # relative to the workspace
    digest: str = ""  # sha256 of the file the values were read from
    fills: dict[str, str] = field(default_factory=dict)  # existing files: field -> text to write
    defaults: dict[str, str] = field(default_factory=dict)  # what an empty field means (the workspace's zone…)
    notes: str = ""
    people: list[Person] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # where each record came from
    zone_why: str = ""  # where an imported zone comes from, or why there is none

    def current(self, key: str) -> object:
        return self.fills.get(key) or self.values.get(key) or ""

    def current_list(self, key: str) -> list[str]:
        """A list field's current items, as text (a single value written alone is a list of one)."""
        value = self.current(key)
        return [str(x) for x in value] if isinstance(value, list) else [str(value)] if value else []


@dataclass(frozen=True, slots=True)
class Conflict:
    where: str
    path: str
    field: str
    have: str
    incoming: str


@dataclass(frozen=True, slots=True)
class Near:
    """A record whose name reads like an existing one's in ASCII but is not the same name: kept apart."""
    where: str
    name: str
    path: str  # the client it was made
    other: str  # the other client's name
    other_path: str


@dataclass
class Plan:
    targets: list[Target]
    conflicts: list[Conflict]
    rejected: list[Rejected]
    notices: list[str]
    unchanged: list[str]  # where of records that changed nothing
    near: list[Near] = field(default_factory=list)

    @property
    def created(self) -> list[Target]:
        return [t for t in self.targets if t.new]

    @property
    def updated(self) -> list[Target]:
        return [t for t in self.targets if not t.new and t.fills]


def _is_empty(value: object) -> bool:
    return value in (None, "", [], {}, "~", "null", "Null", "NULL")


def same(key: str, a: object, b: object) -> bool:
    """Whether two values of ``key`` say the same thing (case, spacing and phone punctuation aside)."""
    if key in LIST_FIELDS:
        have = {clean.text_key(str(x)) for x in (a if isinstance(a, list) else [a])}
        return all(clean.text_key(str(x)) in have for x in (b if isinstance(b, (list, tuple)) else [b]))
    a, b = str(a), str(b)
    if key == "email":
        return clean.email_key(a) == clean.email_key(b)
    if key == "phone":
        return clean.phone_key(a) == clean.phone_key(b) and bool(clean.phone_key(a))
    if key == "cadence":
        return parse_cadence_span(a) == parse_cadence_span(b)
    if key == "hours":
        return parse_time_range(a) == parse_time_range(b)
    if key == "contact":  # one person, with or without the accents: 'Zoë Müller' is 'Zoe Muller'
        ascii_a, ascii_b = name_key(a), name_key(b)
        folded = fold(clean.one_line(a)).strip()
        return (same_name(a, b) or (bool(ascii_a) and ascii_a == ascii_b)
                or (bool(folded) and folded == fold(clean.one_line(b)).strip()))
    return clean.text_key(a) == clean.text_key(b)


def file_values(root: Path, path: str) -> tuple[dict[str, object], str]:
    """The front matter of a client file as text and lists (what the person typed), and the file's sha256."""
    from rippledoc.edit.atomic import digest
    raw = (root / path).read_bytes()
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    fm, _ = split_front_matter(Text(path, text, raw))
    node, _ = yamltree.parse(fm.yaml_text, path, fm.yaml_line) if fm else (None, [])
    values: dict[str, object] = {}
    if isinstance(node, yamltree.Mapping):
        for k, v in node.items:
            if isinstance(v, yamltree.Scalar) and v.plain and v.text in ("~", "null", "Null", "NULL"):
                continue
            values[k.text] = yamltree.to_python(v)
    return values, digest(raw)


def resolve_owner(owner: str, settings: Settings) -> str | None:
    """The team key for ``owner`` (a key or a member's name, any case); None when no member is meant.
    Without a team, any owner is accepted as written (format.md)."""
    if not settings.team:
        return owner
    want = fold(owner).strip()
    for key, member in settings.team.items():
        if want and want in (fold(key).strip(), fold(member.name).strip()):
            return key
    return None


def slug_base(rec: Incoming) -> str:
    """What the file is named after: the client's name, else (a name without a letter) its contact or e-mail."""
    for text in (rec.name, rec.get("contact"), rec.get("email").split("@")[0]):
        if text and slug_text(text):
            return text
    return rec.name


def plan(records: tuple[Incoming, ...] | list[Incoming], ws: Book, taken_slugs: set[str],
         rejected: tuple[Rejected, ...] = (), *, today: date) -> Plan:
    """``today``: the command's date (the coming year's clocks tell zones apart)."""
    root = Path(ws.root)
    s = ws.settings
    defaults = {"hours": str(s.client_hours), "level": "base", "status": "active"}
    targets: list[Target] = []
    by_email: dict[str, Target] = {}
    by_name: dict[str, Target] = {}  # same_key -> client
    by_ascii: dict[str, list[Target]] = {}  # name_key -> clients: near-duplicates
    for c in ws.clients:
        values, sha = file_values(root, c.path)
        t = Target(c.name, c.slug, values, False, c.path, sha, notes=c.notes, defaults=defaults)
        targets.append(t)
        if c.email:
            by_email.setdefault(clean.email_key(c.email), t)
        _index(t, by_name, by_ascii)
    taken = set(taken_slugs) | {c.slug for c in ws.clients}
    result = Plan(targets, [], list(rejected), [], [])
    for rec in records:
        rec, notice = _with_owner(rec, ws.settings)
        if notice:
            result.notices.append(notice)
        result.notices.extend(f"{rec.where}: {r}" for r in rec.remarks)
        key = same_key(rec.name)
        found = by_email.get(clean.email_key(rec.get("email"))) if rec.get("email") else None
        found = found or (by_name.get(key) if key else None)
        if found is None:
            near = [x for x in by_ascii.get(name_key(rec.name), []) if not same_name(x.name, rec.name)]
            slug = unique_slug(slug_base(rec), taken)
            taken.add(slug)
            t = Target(rec.name, slug, {}, True, f"clients/{slug}.md", notes=rec.notes, defaults=defaults)
            targets.append(t)
            _index(t, by_name, by_ascii)
            if near:
                result.near.append(Near(rec.where, rec.name, t.path, near[0].name, near[0].path))
        else:
            t = found
        before = (dict(t.fills), dict(t.values), list(t.people))
        _merge(t, rec, result)
        t.sources.append(rec.where)
        if t.current("email"):
            by_email.setdefault(clean.email_key(str(t.current("email"))), t)
        if not t.new and before == (dict(t.fills), dict(t.values), list(t.people)):
            result.unchanged.append(rec.where)
    home = zones.zone_country(s.timezone)
    for t in targets:
        if t.sources:
            _zone(t, result, home, today)
    return result


def _index(t: Target, by_name: dict[str, Target], by_ascii: dict[str, list[Target]]) -> None:
    key, ascii_key = same_key(t.name), name_key(t.name)
    if key:
        by_name.setdefault(key, t)
    if ascii_key:
        by_ascii.setdefault(ascii_key, []).append(t)


def _zone(t: Target, result: Plan, home: str, today: date) -> None:
    """A zone for an imported client that has none, from its phones and address; a file's zone that they
    contradict is noted, never changed."""
    phones = [str(t.current("phone"))] + t.current_list("phones")
    have = str(t.current("timezone"))
    if have and t.new:
        t.zone_why = "given in the file imported"
        return
    guess = zones.guess_zone([p for p in phones if p], str(t.current("address")), home, today)
    if have:
        if guess.zone and not zones.same_clock(have, guess.zone, today):
            result.notices.append(f"{t.path} has timezone {have}, but {guess.why.removeprefix('from ')} "
                                  f"says {guess.zone}: check which is right")
        return
    t.zone_why = guess.why
    if not guess.zone:
        return
    if t.new:
        t.values["timezone"] = guess.zone
    else:
        t.fills["timezone"] = guess.zone
        result.unchanged[:] = [w for w in result.unchanged if w not in t.sources]


def _with_owner(rec: Incoming, settings: Settings) -> tuple[Incoming, str]:
    owner = rec.get("owner")
    if not owner:
        return rec, ""
    key = resolve_owner(owner, settings)
    if key == owner:
        return rec, ""
    values = dict(rec.values)
    if key is None:
        del values["owner"]
        notice = f"{rec.where}: owner '{owner}' is not a member of the team in rippledoc.yaml; left out"
    else:
        values["owner"] = key
        notice = ""
    return Incoming(rec.where, rec.name, values, rec.lists, rec.notes, rec.remarks), notice


def _other_person(t: Target, rec: Incoming) -> bool:
    """The record describes someone other than the client's main contact."""
    have = str(t.current("contact"))
    if not have or not rec.get("contact") or same("contact", have, rec.get("contact")):
        return False
    email = str(t.current("email"))
    return not (email and rec.get("email") and same("email", email, rec.get("email")))


def _merge(t: Target, rec: Incoming, result: Plan) -> None:
    other = _other_person(t, rec)
    if other:
        person = rec.person()
        if person is not None:
            _add_person(t, person, result, rec.where)
    for key in TEXT_FIELDS:
        incoming = rec.get(key)
        if not incoming or (other and key in PERSON_TEXT):
            continue
        _set(t, key, incoming, result, rec.where, report=not other)
    for key in LIST_FIELDS:
        items = rec.lists.get(key, ())
        if not items or (other and key in PERSON_LISTS):
            continue
        have = t.current(key)
        if other and not _is_empty(have):
            continue  # another person's labels: not the client's
        if t.new and key in PERSON_LISTS:  # more addresses or numbers of the same person: all kept, each once
            kept = t.current_list(key)
            main = str(t.current(key[:-1]))
            kept += [x for x in items if not any(same(key[:-1], x, y) for y in [main, *kept])]
            t.values[key] = kept
            continue
        if _is_empty(have):
            if t.new:
                t.values[key] = list(items)
            else:
                result.notices.append(f"{rec.where}: {t.path} has no {key}; rippledoc does not add a list to an "
                                      f"existing file: add {', '.join(items)} by hand if you want them")
        elif not same(key, have, items):
            result.conflicts.append(Conflict(rec.where, t.path, key, ", ".join(t.current_list(key)),
                                             ", ".join(items)))
    if t.new and rec.notes and rec.notes not in t.notes:
        t.notes = f"{t.notes}\n\n{rec.notes}".strip()


def _set(t: Target, key: str, incoming: str, result: Plan, where: str, report: bool = True) -> None:
    """Fill an empty field; a different value is a conflict (not reported for another person's row:
    their address or website describes them, not the client)."""
    have = t.current(key)
    if _is_empty(have):
        if key in t.defaults and same(key, t.defaults[key], incoming):
            return  # the file already means this: the workspace's zone, hours, base level, active
        if t.new:
            t.values[key] = incoming
        else:
            t.fills[key] = incoming
    elif report and not same(key, have, incoming):
        result.conflicts.append(Conflict(where, t.path, key, str(have), incoming))


def _add_person(t: Target, person: Person, result: Plan, where: str) -> None:
    known = [p for p in t.people if same("contact", p.name, person.name)]
    if known:
        return
    if t.new:
        t.people.append(person)
    elif not fold(person.name).strip() or fold(person.name) not in fold(t.notes):
        result.notices.append(f"{where}: {person.name} is another person at {t.name} ({t.path}); "
                              "not added to an existing file: add them to its notes if you want")
