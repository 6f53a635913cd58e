"""Quick capture: the loose line a person jots in ``inbox.md``, read into the parts of a touch.

Two orders are understood, with the words of the kinds and outcomes table
(``model.TOUCH_KINDS``, ``model.TOUCH_OUTCOMES``)::

    [DATE] CLIENT KIND [OUTCOME] [by WHO][: NOTE]      northwind call reached: they loved it
    [DATE] KIND CLIENT[,] [OUTCOME][,] [by WHO][: NOTE]  called Kestrel, voicemail, call back fri

The kind may be left out when the outcome says it (``voicemail`` is a call,
``sent`` an email); ``call back DAY`` in the note, or ``next: DAY``, is the
promised next contact, a day counted from the touch's (``fri``, ``tomorrow``,
``+3``, ``YYYY-MM-DD``: ``parse.fields.parse_day``). ``read_capture`` gives
the readings of a line, the likeliest first; the inbox takes the first whose
client it finds and writes the touch with ``grammar.write.format_touch``,
the one writer, so what it files reads back like any log line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
import datetime as dt  # for annotations in classes whose field or method is named ``date``
from datetime import date

from rippledoc.parse.fields import parse_date, parse_day
from rippledoc.model import KINDS, OUTCOMES_OF, TOUCH_KINDS, TOUCH_OUTCOMES
from rippledoc.parse.grammar.note import NEXT

KIND_WORDS = {**{k.name: k.name for k in TOUCH_KINDS}, **{w: k.name for k in TOUCH_KINDS for w in k.words}}
OUTCOME_WORDS = {**{o.name: o.name for o in TOUCH_OUTCOMES}, **{w: o.name for o in TOUCH_OUTCOMES for w in o.words}}
# The kind an outcome written alone stands for: the first kind of the table that can have it.
KIND_OF_OUTCOME = {o: next(k for k in KINDS if o in OUTCOMES_OF[k]) for o in OUTCOME_WORDS.values()}

_BULLET = re.compile(r"^\s*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)")
_CALL_BACK = re.compile(r"\b(?:call(?:ing)?\s+(?:them\s+|him\s+|her\s+)?back|call-?back)\s+(?:on\s+)?(\S+)",
                        re.IGNORECASE)
NO_KIND = "no touch kind: write CLIENT call|email|meeting|visit|letter [outcome]: note"


@dataclass(frozen=True, slots=True)
class Capture:
    """One reading of a quick note: the words naming the client and the parts of the touch."""
    client: str  # the words that name the client, matched by the inbox
    date: date
    kind: str
    outcome: str | None  # None: not said (the kind's default)
    by: str | None  # None: not said (the inbox's --by, else me:)
    note: str
    next: dt.date | None  # from 'call back DAY' or 'next: DAY'


def _word(token: str) -> str:
    return token.lower().rstrip(":,;.")


def _is_touch_word(token: str) -> bool:
    return _word(token) in KIND_WORDS or _word(token) in OUTCOME_WORDS


def read_capture(text: str, when: date) -> tuple[tuple[Capture, ...], str]:
    """The readings of one inbox line (likeliest first) and "", or ``()`` and why it reads as no touch.

    ``when`` is the line's day when it does not start with a date (its heading's, else today).
    """
    body = _BULLET.sub("", text, count=1).strip()
    tokens = body.split()
    if tokens and parse_date(tokens[0].rstrip(":")):
        when = parse_date(tokens.pop(0).rstrip(":"))  # type: ignore[assignment]
    readings = [r for r in (_client_first(tokens, when), _kind_first(tokens, when)) if r is not None]
    return (tuple(readings), "") if readings else ((), NO_KIND)


def _client_first(tokens: list[str], when: date) -> Capture | None:
    """``CLIENT KIND [OUTCOME] [by WHO][: NOTE]``: the client is what comes before the first touch word."""
    at = next((i for i, t in enumerate(tokens) if i > 0 and _is_touch_word(t)), None)
    if at is None:
        return None
    query = " ".join(tokens[:at]).rstrip(":,;")
    kind = KIND_WORDS.get(_word(tokens[at]))
    outcome = OUTCOME_WORDS.get(_word(tokens[at])) if kind is None else None
    ended = tokens[at].endswith(":")
    rest = tokens[at + 1:]
    if kind is None:
        kind = KIND_OF_OUTCOME[outcome]  # type: ignore[index]
    elif rest and not ended and _word(rest[0]) in OUTCOME_WORDS:
        outcome = OUTCOME_WORDS[_word(rest[0])]
        ended = rest[0].endswith(":")
        rest = rest[1:]
    return _tail(query, when, kind, outcome, rest, ended)


def _kind_first(tokens: list[str], when: date) -> Capture | None:
    """``KIND CLIENT[,] [OUTCOME][,] [by WHO][: NOTE]``: the client's words run to a comma or colon, or to
    the outcome or ``by``."""
    if len(tokens) < 2 or _word(tokens[0]) not in KIND_WORDS or tokens[0].endswith(":"):
        return None
    kind = KIND_WORDS[_word(tokens[0])]
    words: list[str] = []
    rest = tokens[1:]
    ended = False
    while rest and not (words and (_word(rest[0]) in OUTCOME_WORDS or rest[0].lower() == "by")):
        token = rest.pop(0)
        words.append(token)
        if token.endswith((",", ":", ";")):
            ended = token.endswith(":")
            break
    query = " ".join(words).rstrip(":,;")
    outcome = None
    if rest and not ended and _word(rest[0]) in OUTCOME_WORDS:
        outcome = OUTCOME_WORDS[_word(rest[0])]
        ended = rest[0].endswith(":")
        rest = rest[1:]
    return _tail(query, when, kind, outcome, rest, ended) if query else None


def _tail(query: str, when: date, kind: str, outcome: str | None, rest: list[str], ended: bool) -> Capture:
    """The rest of a line after its outcome: ``[by WHO][: NOTE]``, and the next contact the note promises."""
    who = None
    if rest and not ended and rest[0].lower() == "by" and len(rest) > 1:
        who = rest[1].rstrip(":,;")
        rest = rest[2:]
    note = " ".join(rest)
    if note.startswith((":", ",")):
        note = note[1:].strip()
    note, nxt = _next_contact(note, when)
    return Capture(query, when, kind, outcome, who, note, nxt)


def _next_contact(note: str, when: date) -> tuple[str, date | None]:
    """The note with a ``next: DAY`` written as a date, and the next contact: that date, else the day of a
    ``call back DAY`` (the words stay), else None."""
    m = NEXT.search(note)
    if m:
        word = m[1].rstrip(".,;)")
        day = parse_day(word, when)
        if day is None:
            return note, None  # the touch parser says what is wrong with it
        return note[:m.start(1)] + day.isoformat() + note[m.start(1) + len(word):], day
    m = _CALL_BACK.search(note)
    day = parse_day(m[1].rstrip(".,;)"), when) if m else None
    return note, day
