"""The note of a touch: its #tags, @names, ``next:`` and the marks of what a call produced.

The marks live inside the note, so a touch stays one line and each follow-up
is a one-line diff (docs/format.md, "What a call produces")::

    handoff: training @priya by 2026-11-28 [done: 2026-11-27]
    #kudos @priya "their words"
    #success[ID]  #story-asked[REF]  #testimonial[REF] "quote"  #published[REF]  #webinar[REF]  #story-declined[REF]
    #intel[conference: Midwest Fleet Expo]  #intel[fuel surcharges]  #intel
    #handoff-done[DATE]

``parse_line(touch)`` reads one line's marks, each with its column, and the
problems the line alone shows; ``parse.marks.collect`` links them across the
book (owners and departments against the team, story steps to their story).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rippledoc.diagnostics import Diagnostic, error
from rippledoc.parse.fields import did_you_mean, parse_date
from rippledoc.model import Touch

# A #tag (not after a word character, & or /), an @name (not after a word character or '.'), 'next: DATE'.
TAG_START = r"(?<![\w&/])#"
MENTION_START = r"(?<![\w.])@"
NEXT_KEY = r"\bnext:\s*"
HANDOFF_KEY = r"(?<![\w-])handoff:"
TAG = re.compile(TAG_START + r"([A-Za-z][\w-]*)")
MENTION = re.compile(MENTION_START + r"([A-Za-z][\w-]*)")
NEXT = re.compile(NEXT_KEY + r"(\S+)")

STEPS = ("asked", "testimonial", "published", "webinar", "declined")
STEP_TAGS = {"story-asked": "asked", "testimonial": "testimonial", "published": "published",
             "webinar": "webinar", "story-declined": "declined"}
INTEL_KINDS = ("site", "conference", "trend", "competitor")
MARK_TAGS = ("success", "kudos", "intel", "handoff-done", *STEP_TAGS)

# '#' first, so the engine scans for it fast; a '#' inside a word (a#b, &#38;, a/#b) is dropped by _marks
_MARK = re.compile(r"#(" + "|".join(sorted(MARK_TAGS, key=len, reverse=True)) + r")(?![\w-])(?:\[([^\]\n]*)\])?",
                   re.IGNORECASE)
_HANDOFF = re.compile(HANDOFF_KEY, re.IGNORECASE)
_HANDOFF_BODY = re.compile(
    r"\s*(?:(?P<dept>[A-Za-z][\w-]*)\s+)?(?:@(?P<owner>[A-Za-z][\w-]*)\s+)?by\s+(?P<due>[^\s,;)]+?)[.,;)]?(?=\s|$)"
    r"(?:\s+done:\s*(?P<done>[^\s,;)]+?)[.,;)]?(?=\s|$))?")
_NEXT = re.compile(NEXT_KEY + r"\S+")
_ANY = re.compile(r"#(?:success|kudos|intel|handoff-done|story-|testimonial|published|webinar)|handoff:", re.IGNORECASE)
_QUOTE = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')
_ID = re.compile(r"^[A-Za-z0-9][\w-]*$")


@dataclass(frozen=True, slots=True)
class HandoffSyntax:
    department: str | None
    owner: str | None  # as written; resolved against the team in ``collect``
    due: date
    done: date | None
    col: int  # 1-based column of 'handoff:' in the line
    owner_col: int  # of '@owner', or of the department when no owner is written
    end_col: int  # 1-based column just after the due date (where ' done: DATE' goes)
    department_col: int | None = None  # of the department; None: not written
    due_col: int = 0  # of the due date
    done_col: int | None = None  # of the done date; None: not written


@dataclass(frozen=True, slots=True)
class Mark:
    """One outcome tag: ``#tag[ref]`` and the words that follow it up to the next one."""
    tag: str  # lower case: success, kudos, intel, handoff-done, story-asked, testimonial, ...
    ref: str | None  # the text between the brackets, stripped
    col: int  # 1-based column of '#'
    segment: str  # the text after it, up to the next mark, handoff clause or next:

    @property
    def people(self) -> tuple[str, ...]:
        """The @names in its words."""
        return tuple(dict.fromkeys(MENTION.findall(self.segment))) if "@" in self.segment else ()

    @property
    def quote(self) -> str | None:
        """The first "quoted" (or “quoted”) text in its words."""
        q = _QUOTE.search(self.segment) if ('"' in self.segment or "“" in self.segment) else None
        return (q[1] or q[2]).strip() if q else None

    @property
    def words(self) -> str:
        """Its words without the outcome syntax."""
        return _clean(self.segment)

    @property
    def rest(self) -> str:
        """Its words without the outcome syntax and without its quote (what is said around the quote)."""
        return _clean(_QUOTE.sub(" ", self.segment, count=1)) if self.quote is not None else self.words


@dataclass(frozen=True, slots=True)
class LineOutcomes:
    handoff: HandoffSyntax | None
    marks: tuple[Mark, ...]
    note: str = ""
    spans: tuple[tuple[int, int], ...] = ()  # the handoff clause's span in the note

    @property
    def plain(self) -> str:
        """The note's own words, without the outcome syntax (computed when asked: most lines never are)."""
        return _plain(self.note, list(self.spans))

    @property
    def own(self) -> str:
        """The note's own words before its first mark, without the handoff clause and ``next:``; '' when a mark
        comes first (``plain`` then falls back to the words of the marks)."""
        found = marks_in(self.note) if self.marks else []
        end = found[0].start() if found else len(self.note)
        return _cut(self.note[:end], [(s, e) for s, e in self.spans if e <= end])

    def tagged(self, *tags: str) -> list[Mark]:
        return [m for m in self.marks if m.tag in tags]


_NOTHING = LineOutcomes(None, ())
_TAGS = frozenset(MARK_TAGS)


def may_carry(touch: Touch) -> bool:
    """A quick test on the parsed tags: False when the line surely has no outcome syntax."""
    return not _TAGS.isdisjoint(touch.tags) or "andoff:" in touch.note


def marks_in(note: str) -> list[re.Match[str]]:
    """The outcome tags of a note, as TAG reads tags (not after a word character, & or /)."""
    return [x for x in _MARK.finditer(note)
            if x.start() == 0 or not (note[x.start() - 1].isalnum() or note[x.start() - 1] in "_&/")]


def note_offset(touch: Touch) -> int:
    """0-based index of the note in the line (the note follows the first ': ' after the head)."""
    if not touch.note:
        return len(touch.text)
    at = touch.text.find(": ")
    found = touch.text.find(touch.note, max(at, 0))
    return found if found >= 0 else touch.text.find(touch.note)


def _clean(text: str) -> str:
    """Words without the marks (as ``marks_in`` reads them: not the ``#success`` of ``R&#success``) and next:."""
    if "#" in text:
        text = _MARK.sub(lambda x: x[0] if x.start() and (text[x.start() - 1].isalnum() or text[x.start() - 1] in "_&/")
                         else "", text)
    if "next:" in text:
        text = _NEXT.sub("", text)
    return " ".join(text.split()).strip(" .;,-") or ""


def parse_line(touch: Touch) -> tuple[LineOutcomes, list[Diagnostic]]:
    """The outcome syntax of one touch's note, with the problems a line alone can show."""
    note, path, line = touch.note, touch.source.path, touch.source.line
    if not _ANY.search(note):
        return _NOTHING, []
    base = note_offset(touch)
    diags: list[Diagnostic] = []
    spans: list[tuple[int, int]] = []  # the syntax's spans in the note, to cut out of the words
    handoff = None
    found = list(_HANDOFF.finditer(note)) if "andoff:" in note else []
    for extra in found[1:]:
        diags.append(error(path, line, base + extra.start() + 1, "E204", "one handoff per touch",
                           "log a second touch for the second handoff"))
    if found:
        h = found[0]
        col = base + h.start() + 1
        m = _HANDOFF_BODY.match(note, h.end())
        if m is None:
            diags.append(error(path, line, col, "E204", "the handoff does not say who and by when",
                               "write it as 'handoff: training @priya by 2026-11-28' (a department, @owner or both)"))
        elif not m["dept"] and not m["owner"]:
            diags.append(error(path, line, col, "E204", "the handoff names neither a department nor an @owner",
                               "write it as 'handoff: training @priya by 2026-11-28'"))
        else:
            due, done = parse_date(m["due"]), parse_date(m["done"]) if m["done"] else None
            if due is None:
                diags.append(error(path, line, base + m.start("due") + 1, "E102",
                                   f"handoff 'by {m['due']}' is not a date", "write it as by YYYY-MM-DD"))
            if m["done"] and done is None:
                diags.append(error(path, line, base + m.start("done") + 1, "E102",
                                   f"handoff 'done: {m['done']}' is not a date", "write it as done: YYYY-MM-DD"))
            if due is not None and due < touch.date:
                diags.append(error(path, line, base + m.start("due") + 1, "E204",
                                   f"the handoff is due {due}, before the touch of {touch.date}",
                                   "the date is when the customer will hear from them"))
            if done is not None and done < touch.date:
                diags.append(error(path, line, base + m.start("done") + 1, "E204",
                                   f"the handoff is marked done {done}, before it was handed on {touch.date}"))
            if due is not None and (done is not None or not m["done"]):
                who_at = m.start("owner") - 1 if m["owner"] else m.start("dept")
                handoff = HandoffSyntax(m["dept"].lower() if m["dept"] else None, m["owner"], due, done, col,
                                        base + who_at + 1, base + m.end("due") + 1,
                                        base + m.start("dept") + 1 if m["dept"] else None,
                                        base + m.start("due") + 1,
                                        base + m.start("done") + 1 if m["done"] else None)
            spans.append((h.start(), m.end()))
        if m is None:
            spans.append((h.start(), h.end()))
    # marks: each one's words run to the next mark, handoff clause or next:
    found_marks = marks_in(note)
    stops = [x.start() for x in found_marks] + [a for a, _ in spans]
    if "next:" in note:
        stops += [x.start() for x in _NEXT.finditer(note)]
    stops.sort()
    marks = []
    for x in found_marks:
        tag, ref = x[1].lower(), (x[2].strip() if x[2] is not None else None)
        end = next((at for at in stops if at >= x.end()), len(note))
        marks.append(Mark(tag, ref, base + x.start() + 1, note[x.end():end]))
        col = base + x.start() + 1
        if tag == "intel" and ref is not None:
            kind, topic = intel_topic(ref)
            if not topic:
                diags.append(error(path, line, col, "E207", f"'#intel[{ref}]' names no topic",
                                   "write #intel[conference: Midwest Fleet Expo], #intel[trend: …] or plain #intel"))
            elif kind is not None and kind not in INTEL_KINDS:
                diags.append(error(path, line, col, "E207", f"unknown kind of intelligence '{kind}'; one of "
                                   f"{', '.join(INTEL_KINDS)}",
                                   did_you_mean(kind, INTEL_KINDS) or
                                   "or leave the kind out: #intel[Midwest Fleet Expo]"))
        elif tag == "success" and ref is not None and not _ID.match(ref):
            diags.append(error(path, line, col, "E206", f"'#success[{ref}]': a story id is one word",
                               "letters, digits and '-', e.g. #success[telehealth]"))
    return LineOutcomes(handoff, tuple(marks), note, tuple(spans)), diags


def _cut(text: str, cuts: list[tuple[int, int]]) -> str:
    for s, e in sorted(cuts, reverse=True):
        text = text[:s] + " " + text[e:]
    return _clean(text)


def _plain(note: str, spans: list[tuple[int, int]]) -> str:
    """The note's own words: without the handoff clause and the marks' words (kudos quotes, intel notes…);
    when that leaves nothing (a line that is all marks), without the syntax alone."""
    marks = marks_in(note)
    if not marks:
        return _cut(note, spans)
    return _cut(note[:marks[0].start()], [(s, e) for s, e in spans if e <= marks[0].start()]) or _cut(note, spans)


def own_words(touch: Touch, line: LineOutcomes | None = None) -> str:
    """What a person wrote in ``touch``'s note, for people to read: ``line.own`` (``line``: ``parse_line(touch)``),
    and for a note without outcome syntax (``line`` None when ``may_carry`` says so) the note without ``next:``."""
    return line.own if line is not None and line.note else _clean(touch.note)


def intel_topic(ref: str) -> tuple[str | None, str]:
    """``'conference: Midwest Fleet Expo'`` -> ``('conference', 'Midwest Fleet Expo')``; no kind -> ``(None, ref)``."""
    kind, sep, rest = ref.partition(":")
    if sep and re.match(r"^\s*[A-Za-z][\w-]*\s*$", kind):
        return kind.strip().lower(), " ".join(rest.split())
    return None, " ".join(ref.split())


def handoff_owner(touch: Touch) -> str | None:
    """The @owner written in the touch's handoff clause (for the @mention check)."""
    m = _HANDOFF.search(touch.note)
    if not m:
        return None
    body = _HANDOFF_BODY.match(touch.note, m.end())
    return body["owner"] if body else None


def handoff_in(line: str) -> re.Match[str] | None:
    """The body of the first handoff clause of ``line`` (its groups: dept, owner, due, done), or None."""
    h = _HANDOFF.search(line)
    return _HANDOFF_BODY.match(line, h.end()) if h else None
