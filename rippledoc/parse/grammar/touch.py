"""One touch of the log: ``- DATE KIND [OUTCOME] [by WHO][: NOTE]``.

``parse_touch`` reads a line into the model's ``Touch`` with the problems a
line alone can show (the loader runs it on every log line, so it stays one
regular expression and a few look-ups); ``read_touch`` reads the same line
into a ``TouchLine``: the touch and where each of its parts is written,
with the marks of its note (``grammar.note``). The kinds and their outcomes
are the table of ``rippledoc.model`` (TOUCH_KINDS).

The patterns are built from the named pieces below (and the note's, in
``grammar.note``), which the language server's completion
(``grammar.place``) also reads a line being typed with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rippledoc.diagnostics import Diagnostic, error
from rippledoc.parse.fields import did_you_mean, parse_date
from rippledoc.model import DEFAULT_OUTCOME, KINDS, OUTCOMES, OUTCOMES_OF, Source, Touch
from rippledoc.parse.grammar.note import MENTION, NEXT, TAG, LineOutcomes, parse_line

# The pieces of a line's head, in order: '- ' DATE KIND [OUTCOME] [by WHO], then ': ' and the note.
BULLET = r"-\s+"
DATE_WORD = r"\S+"
KIND_WORD = r"[^\s:]+"
OUTCOME_WORD = r"(?!by\b)[^\s:]+"
BY_WORD = r"by\s+"
WHO_WORD = r"[^\s:]+"

_HEAD = re.compile(rf"^{BULLET}({DATE_WORD})\s+({KIND_WORD})(?:\s+({OUTCOME_WORD}))?(?:\s+{BY_WORD}({WHO_WORD}))?"
                   r"\s*(?::\s?(.*))?$")
_ISO_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_touch(line: str, path: str, lineno: int, today: date | None = None) -> tuple[Touch | None, list[Diagnostic]]:
    """Parse one log line; ``today`` (when given) refuses touches dated after it."""
    touch, diags, _ = _parse(line, path, lineno, today)
    return touch, diags


def _parse(line: str, path: str, lineno: int, today: date | None
           ) -> tuple[Touch | None, list[Diagnostic], tuple[re.Match[str] | None, re.Match[str] | None]]:
    """The touch, its problems, and the matches of its head and of its ``next:`` (for ``read_touch``)."""
    m = _HEAD.match(line)
    if not m or not line.startswith("- "):
        return None, [error(path, lineno, 1, "E200", "log line does not parse",
                            "write it as '- 2026-11-20 call voicemail by stan: note. next: 2026-11-24'")], (None, None)
    raw_date, kind, outcome, by, note = m[1], m[2], m[3], m[4], (m[5] or "").strip()
    when = parse_date(raw_date)
    if when is None:
        what = "is not a date that exists" if _ISO_SHAPE.match(raw_date) else "is not a date (YYYY-MM-DD)"
        return None, [error(path, lineno, 3, "E102", f"'{raw_date}' {what}")], (m, None)
    if kind not in OUTCOMES_OF:
        return None, [error(path, lineno, m.start(2) + 1, "E201", f"unknown touch kind '{kind}'; one of {', '.join(KINDS)}",
                            did_you_mean(kind, KINDS))], (m, None)
    if outcome is not None and outcome not in OUTCOMES:
        return None, [error(path, lineno, m.start(3) + 1, "E202",
                            f"unknown outcome '{outcome}'; one of {', '.join(OUTCOMES)}",
                            did_you_mean(outcome, OUTCOMES) or "a note starts after a colon: '- DATE KIND OUTCOME: note'")
                      ], (m, None)
    if outcome is not None and outcome not in OUTCOMES_OF[kind]:
        return None, [error(path, lineno, m.start(3) + 1, "E202",
                            f"a{'n' * (kind[0] in 'aeiou')} {kind} cannot be '{outcome}'; "
                            f"one of {', '.join(OUTCOMES_OF[kind])}",
                            "voicemail and no-answer belong to calls; sent to emails and letters")], (m, None)
    diags: list[Diagnostic] = []
    if today is not None and when > today:
        diags.append(error(path, lineno, 3, "E203", f"touch dated {when} lies in the future",
                           "log what happened; a planned call is a 'next: DATE' on the last touch"))
    nxt = None
    nm = NEXT.search(line, m.start(5)) if m[5] is not None else None
    if nm:
        nxt = parse_date(nm[1].rstrip(".,;)"))
        if nxt is None:
            diags.append(error(path, lineno, nm.start(1) + 1, "E102",
                               f"next: '{nm[1]}' is not a date", "write it as next: YYYY-MM-DD"))
    touch = Touch(
        date=when, kind=kind, outcome=outcome or DEFAULT_OUTCOME[kind], by=by, note=note,
        tags=tuple(dict.fromkeys(t.lower() for t in TAG.findall(note))),
        mentions=tuple(dict.fromkeys(MENTION.findall(note))),
        next=nxt, source=Source(path, lineno), text=line,
    )
    return touch, diags, (m, nm)


# ---------------------------------------------------------------- the record, every part positioned

@dataclass(frozen=True, slots=True)
class Span:
    """A part of a line as written: its text and its 1-based column; ``col`` None: not written (the default)."""
    text: str
    col: int | None

    def as_json(self) -> list[Any]:
        return [self.text, self.col]


@dataclass(frozen=True, slots=True)
class TouchLine:
    """A log line read: what it means (``touch``), where each part is, and the marks of its note."""
    touch: Touch
    date: Span
    kind: Span
    outcome: Span  # col None: not written, the kind's default
    by: Span | None
    note: Span | None
    next: Span | None  # the value after 'next:', without the punctuation that ends a sentence
    marks: LineOutcomes  # the handoff clause and the #marks of the note, with their columns

    def as_json(self, columns: bool = True) -> dict[str, Any]:
        """The record as the fixtures of tests/fixtures/grammar/ write it: parts as [text, column]; a part that is
        not written is left out (an outcome not written has the column null). ``columns=False``: only the texts."""
        def part(s: Span) -> Any:
            return s.as_json() if columns else s.text
        t, lo = self.touch, self.marks
        out: dict[str, Any] = {"date": part(self.date), "kind": part(self.kind), "outcome": part(self.outcome)}
        for key, span in (("by", self.by), ("note", self.note), ("next", self.next)):
            if span is not None:
                out[key] = part(span)
        if t.tags:
            out["tags"] = list(t.tags)
        if t.mentions:
            out["mentions"] = list(t.mentions)
        if lo.handoff is not None:
            h = lo.handoff
            written: dict[str, Any] = {"col": h.col} if columns else {}
            for key, value, col in (("department", h.department, h.department_col),
                                    ("owner", h.owner, h.owner_col if h.owner else None),
                                    ("due", h.due.isoformat(), h.due_col),
                                    ("done", h.done.isoformat() if h.done else None, h.done_col)):
                if value is not None:
                    written[key] = [value, col] if columns else value
            out["handoff"] = written
        if lo.marks:
            out["marks"] = [{k: v for k, v in (
                ("tag", x.tag), ("ref", x.ref), ("col", x.col if columns else None), ("people", list(x.people) or None),
                ("quote", x.quote), ("words", x.words or None)) if v is not None} for x in lo.marks]
        if lo.handoff is not None or lo.marks:
            out["plain"] = lo.plain
        return out


def read_touch(line: str, path: str, lineno: int, today: date | None = None
               ) -> tuple[TouchLine | None, list[Diagnostic]]:
    """One log line read with every part positioned, and every problem the line alone shows (its head's, its
    ``next:``'s and its marks'); the problems that need the rest of the book are ``parse.marks.collect``'s."""
    touch, diags, (m, nm) = _parse(line, path, lineno, today)
    if touch is None or m is None:
        return None, diags
    marks, more = parse_line(touch)
    raw_note = m[5] or ""
    note_at = m.start(5) + len(raw_note) - len(raw_note.lstrip()) if touch.note else -1
    record = TouchLine(
        touch=touch,
        date=Span(m[1], m.start(1) + 1),
        kind=Span(m[2], m.start(2) + 1),
        outcome=Span(m[3], m.start(3) + 1) if m[3] is not None else Span(touch.outcome, None),
        by=Span(m[4], m.start(4) + 1) if m[4] is not None else None,
        note=Span(touch.note, note_at + 1) if touch.note else None,
        next=Span(nm[1].rstrip(".,;)"), nm.start(1) + 1) if nm else None,
        marks=marks,
    )
    return record, diags + more
