"""Which part of a log line is being typed: the language server completes it (``lsp.complete``).

A line typed so far (the text before the cursor) is read with the pieces of
``grammar.touch`` and ``grammar.note``, so the places are the parts of
``- DATE KIND [OUTCOME] [by WHO]: NOTE`` and of the note's marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rippledoc.model import OUTCOMES_OF
from rippledoc.parse.grammar.note import HANDOFF_KEY, MENTION_START, NEXT_KEY, TAG_START
from rippledoc.parse.grammar.touch import BULLET, BY_WORD, DATE_WORD, KIND_WORD, OUTCOME_WORD

_DATE_SO_FAR = re.compile(rf"^{BULLET}([0-9-]*)$")
_KIND_SO_FAR = re.compile(rf"^{BULLET}{DATE_WORD}\s+([^\s:]*)$")
_AFTER_KIND = re.compile(rf"^{BULLET}{DATE_WORD}\s+({KIND_WORD})\s+([^\s:]*)$")
_AFTER_BY = re.compile(rf"^{BULLET}{DATE_WORD}\s+({KIND_WORD})(?:\s+{OUTCOME_WORD})?\s+{BY_WORD}([^\s:]*)$")
_IN_NOTE = (("mention", re.compile(MENTION_START + r"([\w-]*)$")),
            ("mark", re.compile(TAG_START + r"([\w-]*)$")),
            ("department", re.compile(HANDOFF_KEY + r"\s+([\w-]*)$", re.IGNORECASE)),
            ("next", re.compile(NEXT_KEY + r"([0-9-]*)$")))


@dataclass(frozen=True, slots=True)
class Place:
    """The part being typed, where its word starts (0-based), and the line's kind when written."""
    part: str  # date, kind, outcome, by, mention, mark, department or next
    start: int
    kind: str | None = None


def place(prefix: str) -> Place | None:
    """The place of the end of ``prefix`` (a log line up to the cursor), or None when no part fits there.

    In the head: the date, the kind, the outcome (after a known kind; ``by``
    may come instead), the author after ``by``. In the note (after the first
    colon): an @name, a #mark, the department after ``handoff:``, the date
    after ``next:``.
    """
    if not prefix.startswith("-"):
        return None
    if ":" not in prefix:
        if m := _DATE_SO_FAR.match(prefix):
            return Place("date", m.start(1))
        if m := _AFTER_BY.match(prefix):
            return Place("by", m.start(2), m[1])
        if (m := _AFTER_KIND.match(prefix)) and m[1] in OUTCOMES_OF:
            return Place("outcome", m.start(2), m[1])
        if m := _KIND_SO_FAR.match(prefix):
            return Place("kind", m.start(1))
        return None
    for part, pattern in _IN_NOTE:
        if m := pattern.search(prefix):
            return Place(part, m.start(1))
    return None
