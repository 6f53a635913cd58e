"""A new client file, written in the order of the client template (``defaults/client.md``)."""
from __future__ import annotations

from rippledoc.exchange.record import Person
from rippledoc.read.yamlscalar import flow_list, scalar

# Template keys always written (empty when unknown), and optional keys written only with a value,
# each after the key it follows in docs/format.md. A zone nobody knows is left out (check warns W104).
ALWAYS = ("name", "contact", "email", "phone", "timezone", "since", "owner", "level", "grade", "status")
OPTIONAL_AFTER = {"contact": ("title", "birthday"), "email": ("emails",), "phone": ("phones", "address", "website"),
                  "timezone": ("hours",), "status": ("cadence", "snooze")}
QUOTED = ("phone", "hours")  # always quoted, as format.md recommends


def _line(key: str, value: str) -> str:
    from rippledoc.parse.fields import parse_birthday
    if not value:
        return f'{key}: ""' if key == "phone" else f"{key}:"
    if key == "birthday" and parse_birthday(value):
        return f"{key}: {value}"  # a date, written as 'since:' is: rippledoc reads it as text
    return f"{key}: {scalar(value, always_quote=key in QUOTED)}"


def _body_line(line: str) -> str:
    """A notes line that reads as the log's heading would make the notes a log: it is escaped."""
    from rippledoc.parse.grammar.log import LOG_HEADING
    return "\\" + line if LOG_HEADING.match(line) else line


def client_text(name: str, values: dict[str, str], lists: dict[str, tuple[str, ...]], notes: str,
                people: list[Person]) -> str:
    lines = ["---"]
    fields = {"name": name, "level": "base", "status": "active", **values}
    for key in ALWAYS:
        if key != "timezone" or fields.get(key):  # no zone known: no line, so that 'check' asks for one (W104)
            lines.append(_line(key, fields.get(key, "")))
        for extra in OPTIONAL_AFTER.get(key, ()):
            if lists.get(extra):
                lines.append(f"{extra}: {flow_list(lists[extra])}")
            elif fields.get(extra):
                lines.append(_line(extra, fields[extra]))
    for key in ("products", "tags"):
        lines.append(f"{key}: {flow_list(lists.get(key, ()))}")
    lines += ["sales: []", "commitments: []", "---"]
    body = [_body_line(l.rstrip()) for l in notes.strip().split("\n")] if notes.strip() else []
    if people:
        body += ["", *(p.line() for p in people)] if body else [p.line() for p in people]
    lines += body + ["", "## Log", ""] if body else ["## Log", ""]
    return "\n".join(lines)
