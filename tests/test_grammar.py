"""The grammar of the log, specified by the cases of tests/fixtures/grammar/ (see its README.md).

Each case is an input and what it must read as (or write); this module runs
every case through the grammar itself; test_grammar_consumers.py runs the
same cases through ``log``, ``inbox``, ``check``, the merge driver, the site
and the language server.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rippledoc.model import OUTCOMES_OF, TOUCH_KINDS, TOUCH_OUTCOMES, Client, Settings, Source, TeamMember
from rippledoc.parse.grammar.note import NEXT
from rippledoc.parse.grammar.touch import read_touch

FIXTURES = Path(__file__).parent / "fixtures" / "grammar"
TODAY = date(2026, 11, 22)  # every case is read as if today were this day
INBOX_DAY = date(2026, 11, 20)  # a capture line's day when it gives none (as under '## 2026-11-20')
PATH = "clients/x.md"


@dataclass(frozen=True)
class Case:
    file: str
    line: int  # of its title in the file
    title: str
    input: list[str]
    expected: Any  # parsed JSON, or the text when it is not JSON

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.title}"


def cases(name: str) -> list[Case]:
    """The cases of one fixture file: ``title``, ``.``, input lines, ``.``, expected lines, ``.``."""
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    out: list[Case] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title, start = lines[i], i + 1
        assert lines[i + 1] == ".", f"{name}:{start}: a title is followed by a line '.'"
        parts: list[list[str]] = [[], []]
        i += 2
        for part in parts:
            while lines[i] != ".":
                part.append(lines[i])
                i += 1
            i += 1
        text = "\n".join(parts[1])
        try:
            expected = json.loads(text)
        except ValueError:
            expected = text
        out.append(Case(name, start, title, parts[0], expected))
    return out


def params(*names: str) -> list[Any]:
    return [pytest.param(c, id=c.id) for name in names for c in cases(name)]


def problem(d) -> str:
    """A diagnostic as the fixtures write it: ``CODE col N: message · hint``."""
    return f"{d.code} col {d.col}: {d.message}" + (f" · {d.hint}" if d.hint else "")


def read(line: str, lineno: int = 1) -> dict[str, Any]:
    """A line as the fixtures write what it reads as: the record, with ``problems`` when there are any."""
    record, diags = read_touch(line, PATH, lineno, TODAY)
    out = record.as_json() if record is not None else {}
    if diags:
        out["problems"] = [problem(d) for d in diags]
    return out


def read_case(case: Case) -> Any:
    got = [read(line, n) for n, line in enumerate(case.input, start=1)]
    return got[0] if len(case.input) == 1 else got


# ---------------------------------------------------------------- the cases themselves

def test_the_fixture_files_hold_cases():
    for name in ("touch.txt", "marks.txt", "capture.txt", "writers.txt"):
        titles = [c.title for c in cases(name)]
        assert len(titles) >= 10 and len(titles) == len(set(titles)), f"{name}: every case has its own title"


@pytest.mark.parametrize("case", params("touch.txt", "marks.txt"))
def test_a_log_line_reads_as_its_record(case: Case):
    assert read_case(case) == case.expected


@pytest.mark.parametrize("case", params("touch.txt", "marks.txt"))
def test_every_part_is_where_its_column_says(case: Case):
    """A part's column points at its text in the line; a mark's at its '#', a handoff's at 'handoff:'."""
    for n, line in enumerate(case.input, start=1):
        record, _ = read_touch(line, PATH, n, TODAY)
        if record is None:
            continue
        for span in (record.date, record.kind, record.outcome, record.by, record.note, record.next):
            if span is not None and span.col is not None:
                assert line[span.col - 1:].startswith(span.text), (line, span)
        for m in record.marks.marks:
            assert line[m.col - 1:].lower().startswith("#" + m.tag), (line, m)
        h = record.marks.handoff
        if h is not None:
            assert line[h.col - 1:].lower().startswith("handoff:")
            assert line[h.due_col - 1:].startswith(h.due.isoformat())
            if h.owner:
                assert line[h.owner_col - 1:].startswith("@" + h.owner)
            if h.department:
                assert line[h.department_col - 1:].lower().startswith(h.department)


def settings() -> Settings:
    team = {k: TeamMember(k, n, handles=h) for k, n, h in (
        ("stan", "Stan Ortiz", ()), ("priya", "Priya Shah", ("training",)), ("omar", "Omar Haddad", ("support",)),
        ("lena", "Lena Berg", ()))}
    return Settings(me="stan", team=team)


CLIENT_NAMES = ("Northwind Traders", "North Star Media", "Acme Corp", "Blue Gum Health", "Kestrel Freight Lines",
                "Zenith Labs", "Zenith Law", "Москва Импорт", "Ørsted A/S", "Αθηνά Ναυτιλιακή", "北京物流", "Met Office")
CLIENT_SLUGS = ("northwind-traders", "north-star-media", "acme-corp", "blue-gum-health", "kestrel",
                "zenith-labs", "zenith-law", "moskva-import", "orsted", "athina", "bei-jing-wu-liu", "met-office")


def capture_clients() -> list[Client]:
    return [Client(slug, name, Source(f"clients/{slug}.md", 1)) for slug, name in zip(CLIENT_SLUGS, CLIENT_NAMES)]


def file_line(text: str) -> dict[str, str]:
    """An inbox line as capture.txt writes what becomes of it: the client and the line filed, or why not."""
    from rippledoc.team.inbox import read_line
    client, line, why = read_line(text, capture_clients(), settings(), INBOX_DAY, TODAY, "stan")
    return {"client": client.slug, "line": line} if client is not None else {"why": why}


@pytest.mark.parametrize("case", params("capture.txt"))
def test_an_inbox_line_files_its_canonical_line(case: Case):
    [text] = case.input
    assert file_line(text) == case.expected


@pytest.mark.parametrize("case", [c for c in params("capture.txt") if "line" in c.values[0].expected])
def test_what_the_inbox_files_is_a_clean_log_line_of_the_parts_it_read(case: Case):
    from rippledoc.parse.grammar.capture import read_capture
    [text] = case.input
    record, diags = read_touch(case.expected["line"], PATH, 1, TODAY)
    assert diags == [] and record is not None
    readings, _ = read_capture(text, INBOX_DAY)
    assert any((r.date, r.kind, r.next) == (record.touch.date, record.touch.kind, record.touch.next)
               and (r.outcome or record.touch.outcome) == record.touch.outcome for r in readings)


def write(call: dict[str, Any]) -> str:
    """A writer's output as writers.txt gives it: the text, or ``error: …`` for a refusal."""
    from rippledoc.parse.grammar import write as w
    [(name, args)] = call.items()
    day = date.fromisoformat
    try:
        if name == "touch":
            return w.format_touch(day(args["date"]), args["kind"], args.get("outcome"), args.get("by"),
                                  args.get("note", ""), day(args["next"]) if args.get("next") else None)
        if name == "close_handoff":
            return w.close_handoff_text(args["line"], day(args["done"]))
        if name == "note":
            hand = args.get("handoff")
            return w.compose_note(args.get("note", ""), (hand[0], hand[1], day(hand[2])) if hand else None,
                                  [tuple(k) for k in args.get("kudos", ())],
                                  tuple(args["story"]) if args.get("story") else None,  # type: ignore[arg-type]
                                  args.get("quote"), args.get("intel", ()))
        if name == "intel_mark":
            return w.intel_mark(args)
        if name == "kudos_mark":
            return w.kudos_mark(*args)
        if name == "step_mark":
            return w.step_mark(*args)
        if name == "handoff_clause":
            return w.handoff_clause(args[0], args[1], day(args[2]))
    except ValueError as exc:
        return f"error: {exc}"
    raise AssertionError(f"no writer '{name}'")


@pytest.mark.parametrize("case", params("writers.txt"))
def test_a_writer_writes_the_expected_text(case: Case):
    call = json.loads("\n".join(case.input))
    assert write(call) == case.expected


@pytest.mark.parametrize("case", [c for c in params("writers.txt") if not c.values[0].expected.startswith("error")])
def test_what_a_writer_writes_reads_back(case: Case):
    """A line written reads back clean with the parts it was written from; a note or a mark, inside a line."""
    call = json.loads("\n".join(case.input))
    [(name, args)] = call.items()
    text = case.expected
    line = text if text.startswith("- ") else f"- 2026-11-20 call reached by stan: {text}"
    record, diags = read_touch(line, PATH, 1, TODAY)
    assert record is not None and diags == [], diags
    if name == "touch":
        t = record.touch
        assert (t.date.isoformat(), t.kind, t.by) == (args["date"], args["kind"], args.get("by"))
        assert t.outcome == (args.get("outcome") or OUTCOMES_OF[args["kind"]][0])
        said = NEXT.search(args.get("note", ""))  # a next: the note says wins over the argument
        want = said[1] if said else args.get("next")
        assert t.next == (date.fromisoformat(want) if want else None)
    elif name == "close_handoff":
        assert record.marks.handoff is not None and record.marks.handoff.done == date.fromisoformat(args["done"])
    else:
        assert record.marks.marks or record.marks.handoff


# ---------------------------------------------------------------- the one table

def test_each_kind_defaults_to_its_first_outcome_and_every_outcome_belongs_to_a_kind():
    assert {k.name: k.default for k in TOUCH_KINDS} == {"call": "reached", "email": "sent", "meeting": "reached",
                                                        "visit": "reached", "letter": "sent"}
    assert {o for k in TOUCH_KINDS for o in k.outcomes} == {o.name for o in TOUCH_OUTCOMES}


def test_an_answered_email_or_letter_is_reached_everywhere():
    """One answer: a reply reaches the client. The parser, the inbox, log's options and the schema agree."""
    import jsonschema
    from rippledoc.parse.schema import outcome_fits_kind, touch_kind, touch_outcome
    assert "reached" in OUTCOMES_OF["email"] and "reached" in OUTCOMES_OF["letter"]
    assert read("- 2026-11-20 email reached: they replied")["outcome"] == ["reached", 20]
    assert file_line("kestrel email reached: they replied")["line"] == \
        "- 2026-11-20 email reached by stan: they replied"
    schema = {"type": "object", "properties": {"kind": touch_kind(), "outcome": touch_outcome()},
              "allOf": outcome_fits_kind()}
    jsonschema.validate({"kind": "email", "outcome": "reached"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "email", "outcome": "voicemail"}, schema)


def test_the_format_documentation_gives_the_table():
    """docs/format.md lists each kind with its outcomes, default first, and each outcome with what it means."""
    doc = (Path(__file__).parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    for k in TOUCH_KINDS:
        row = f"| `{k.name}` | " + ", ".join(f"`{o}`" for o in k.outcomes) + f" | `{k.default}` |"
        assert row in doc, row
    for o in TOUCH_OUTCOMES:
        assert f"| `{o.name}` | {o.means} |" in doc, o.name


def test_the_json_export_schema_takes_its_kinds_and_outcomes_from_the_table():
    from rippledoc.exchange.jsonout import SCHEMA
    log = SCHEMA["properties"]["clients"]["items"]["properties"]["log"]["items"]
    assert log["properties"]["kind"]["enum"] == [k.name for k in TOUCH_KINDS]
    assert [rule["then"]["properties"]["outcome"]["enum"] for rule in log["allOf"]] == \
        [list(k.outcomes) for k in TOUCH_KINDS]
