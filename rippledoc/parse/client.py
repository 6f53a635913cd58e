"""One client file -> one ``Client`` record and its diagnostics."""
from __future__ import annotations

from datetime import date

from rippledoc.read import yamltree
from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.parse.conflicts import with_conflicts
from rippledoc.parse.fields import Fields, node_at, parse_date
from rippledoc.parse.grammar.log import find_log, is_skippable
from rippledoc.parse.grammar.touch import parse_touch
from rippledoc.model import GRADES, LEVELS, STATUSES, Client, Commitment, Renegotiation, Sale, Settings, Source
from rippledoc.read.source import Text, split_front_matter

KNOWN_KEYS = (
    "name", "contact", "title", "birthday", "email", "emails", "phone", "phones", "address", "website", "timezone", "hours", "since", "owner",
    "level", "grade", "status", "cadence", "snooze", "products", "tags", "sales", "commitments", "custom",
)


def slug_of(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def parse_client(src: Text, settings: Settings, today: date | None = None) -> tuple[Client | None, list[Diagnostic]]:
    """Read a client file. ``today`` enables the checks against the future."""
    client, diags = _parse_client(src, settings, today)
    return client, with_conflicts(src, diags)


def _parse_client(src: Text, settings: Settings, today: date | None) -> tuple[Client | None, list[Diagnostic]]:
    fm, diags = split_front_matter(src)
    if fm is None:
        return None, diags
    node, diags = yamltree.parse(fm.yaml_text, src.path, fm.yaml_line)
    if node is None and not diags:
        return None, [error(src.path, 1, 1, "E100", "'name' is required: the front matter is empty",
                            "add a line 'name: …' between the '---' lines")]
    if node is None:
        return None, diags
    if not isinstance(node, yamltree.Mapping):
        return None, diags + [error(src.path, node.line, node.col, "E013",
                                    f"front matter must be a mapping of 'key: value' lines, not {yamltree.kind_name(node)}",
                                    "write one field per line, e.g. 'name: Northwind Traders', without a leading '- '")]
    f = Fields(node, src.path, diags)
    name = f.text("name", required=True)
    if name is not None and not name.strip():
        f._err(node.get("name"), "E100", "'name' is empty", "write the client's name: name: Northwind Traders")  # type: ignore[arg-type]
        name = None
    since = f.date("since")
    if since and today and since > today:
        at = node_at(node, "since")
        diags.append(error(src.path, at.line, at.col, "E108", f"client since {since} lies in the future",
                           "write the date the relationship began"))
    birthday = f.birthday("birthday")
    if birthday and birthday.year is not None and today and parse_date(str(birthday)) > today:  # type: ignore[operator]
        at = node_at(node, "birthday")
        diags.append(error(src.path, at.line, at.col, "E108", f"birthday {birthday} lies in the future",
                           "write the contact's date of birth, or --MM-DD when you know only the day"))
    extra_keys = f.unknown_keys(KNOWN_KEYS)
    custom = f.mapping("custom")
    body = _body(src, fm.body, fm.body_line, today, diags)
    cadence = f.cadence("cadence")  # (ideal, most) days
    # Every field is read (and checked) before deciding, so one run reports every problem.
    values = dict(
        contact=f.text("contact") or "", title=f.text("title") or "", birthday=birthday,
        email=f.text("email") or "", emails=f.text_list("emails"), phone=f.text("phone") or "",
        phones=f.text_list("phones"),
        address=f.text("address") or "", website=f.text("website") or "",
        timezone=f.zone("timezone") or "", hours=f.time_range("hours"),  # no zone given: unknown (W104)
        since=since, owner=f.text("owner"),
        level=f.choice("level", LEVELS) or "base", grade=f.choice("grade", GRADES),
        status=f.choice("status", STATUSES) or "active", cadence_days=cadence[0] if cadence else None,
        cadence_max_days=cadence[1] if cadence and cadence[1] != cadence[0] else None,
        snooze=f.date("snooze"), products=f.text_list("products"), tags=f.text_list("tags"),
        sales=_sales(f), commitments=_commitments(f, today),
        custom=yamltree.to_python(custom) if custom else {},
        extra={k: yamltree.to_python(node.get(k)) for k in extra_keys},  # type: ignore[arg-type]
    )
    if name is None:
        return None, diags
    client = Client(
        slug=slug_of(src.path), name=name.strip(), source=Source(src.path, 1), **values,  # type: ignore[arg-type]
        notes=body[0], notes_line=fm.body_line, log=body[1], log_heading_line=body[2],
        field_lines={k.text: k.line for k, _ in node.items},
    )
    return client, diags


def _body(src: Text, body: str, body_line: int, today: date | None, diags: list[Diagnostic]):
    section = find_log(body, body_line)
    if section is None:
        return body, (), None
    touches = []
    for i, line in enumerate(section.lines):
        if is_skippable(line):
            continue
        touch, problems = parse_touch(line, src.path, section.first_line + i, today)
        diags.extend(problems)
        if touch is not None:
            touches.append(touch)
    touches.sort(key=lambda t: (t.date, t.source.line))
    return section.notes, tuple(touches), section.heading_line


def _sales(f: Fields) -> tuple[Sale, ...]:
    out = []
    for item in f.mapping_list("sales"):
        g = Fields(item, f.path, f.diags)
        g.unknown_keys(("date", "amount", "what"), " in a sale")
        has_date = g.require("date", "a sale needs a 'date'", "write it as {date: 2026-02-10, amount: 4200, what: …}")
        has_amount = g.require("amount", "a sale needs an 'amount'", "write it as {date: 2026-02-10, amount: 4200, what: …}")
        when = g.date("date") if has_date else None
        amount = g.number("amount") if has_amount else None
        what = g.text("what") or ""
        if when is not None and amount is not None:
            out.append(Sale(when, amount, what, Source(f.path, item.line)))
    return tuple(out)


COMMITMENT_KEYS = ("made", "due", "what", "done", "to", "moved")
MOVE_KEYS = ("due", "told", "note")


def _commitments(f: Fields, today: date | None) -> tuple[Commitment, ...]:
    out = []
    for item in f.mapping_list("commitments"):
        g = Fields(item, f.path, f.diags)
        g.unknown_keys(COMMITMENT_KEYS, " in a commitment")
        made, done = g.date("made"), g.date("done")
        due = g.date("due") if g.require("due", "a commitment needs a 'due' date", "add due: YYYY-MM-DD") else None
        what = g.text("what") if g.require("what", "a commitment needs a 'what'",
                                            "say what you promised: what: Send the plan") else None
        if made and due and due < made:
            node = node_at(item, "due")
            f.diags.append(error(f.path, node.line, node.col, "E107",
                                 f"commitment due {due}, before it was made on {made}",
                                 "swap the dates, or correct the one that is wrong"))
        if made and today and made > today:
            node = node_at(item, "made")
            f.diags.append(error(f.path, node.line, node.col, "E108",
                                 f"commitment made on {made}, which lies in the future",
                                 "'made' is the day you promised it"))
        if done and today and done > today:
            node = node_at(item, "done")
            f.diags.append(warning(f.path, node.line, node.col, "W103",
                                   f"commitment marked done on {done}, which lies in the future",
                                   "write the day it was kept"))
        to = g.text("to") or ""  # whom it was promised to
        moves = _moves(g, due, made, today)
        if due is not None and what:
            out.append(Commitment(made, moves[-1].to if moves else due, what, done, Source(f.path, item.line), to,
                                  moves))
    return tuple(out)


def _moves(g: Fields, due: date | None, made: date | None, today: date | None) -> tuple[Renegotiation, ...]:
    """``moved: [{due: DATE, told: DATE, note: …}]``: each a new due day, the first replacing ``due``."""
    out: list[Renegotiation] = []
    was = due
    for item in g.mapping_list("moved"):
        h = Fields(item, g.path, g.diags)
        h.unknown_keys(MOVE_KEYS, " in a move of a commitment")
        to = h.date("due") if h.require("due", "a move needs the new day in 'due'",
                                       "write it as {due: 2026-11-27, told: 2026-11-10}") else None
        told = h.date("told")
        note = h.text("note") or ""
        if to and made and to < made:
            node = node_at(item, "due")
            g.diags.append(error(g.path, node.line, node.col, "E107",
                                 f"commitment moved to {to}, before it was made on {made}",
                                 "write the new day it is due"))
        if told and today and told > today:
            node = node_at(item, "told")
            g.diags.append(error(g.path, node.line, node.col, "E108",
                                 f"client told on {told}, which lies in the future",
                                 "'told' is the day you told the client of the new day"))
        if to is not None and was is not None:
            out.append(Renegotiation(was, to, told, note, Source(g.path, item.line)))
            was = to
    return tuple(out)
