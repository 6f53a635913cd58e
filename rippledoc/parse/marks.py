"""What a call produces, read from the log lines: handoffs, kudos, success stories, intelligence.

The syntax lives inside a touch's note, so a touch stays one line and each
follow-up is a one-line diff (docs/format.md, "What a call produces")::

    handoff: training @priya by 2026-11-28 [done: 2026-11-27]
    #kudos @priya "their words"
    #success[ID]  #story-asked[REF]  #testimonial[REF] "quote"  #published[REF]  #webinar[REF]  #story-declined[REF]
    #intel[conference: Midwest Fleet Expo]  #intel[fuel surcharges]  #intel
    #handoff-done[DATE]

Two stages, like the rest of the pipeline: ``parse_line(touch)`` reads one
line's syntax (``(LineOutcomes, diagnostics)``); ``collect(settings, clients)``
links the lines of the whole book (owners and departments against the team,
story steps to their story, ``#handoff-done`` to its handoff) and returns
``(Followups, diagnostics)``; the loader's link stage runs it once a load.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from collections.abc import Iterable

from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.parse.fields import did_you_mean, parse_date
from rippledoc.model import Client, Settings, Source, Touch

STEPS = ("asked", "testimonial", "published", "webinar", "declined")
STEP_TAGS = {"story-asked": "asked", "testimonial": "testimonial", "published": "published",
             "webinar": "webinar", "story-declined": "declined"}
INTEL_KINDS = ("site", "conference", "trend", "competitor")
MARK_TAGS = ("success", "kudos", "intel", "handoff-done", *STEP_TAGS)

# '#' first, so the engine scans for it fast; a '#' inside a word (a#b, &#38;, a/#b) is dropped by _marks
_MARK = re.compile(r"#(" + "|".join(sorted(MARK_TAGS, key=len, reverse=True)) + r")(?![\w-])(?:\[([^\]\n]*)\])?",
                   re.IGNORECASE)
_HANDOFF = re.compile(r"(?<![\w-])handoff:", re.IGNORECASE)
_HANDOFF_BODY = re.compile(
    r"\s*(?:(?P<dept>[A-Za-z][\w-]*)\s+)?(?:@(?P<owner>[A-Za-z][\w-]*)\s+)?by\s+(?P<due>[^\s,;)]+?)[.,;)]?(?=\s|$)"
    r"(?:\s+done:\s*(?P<done>[^\s,;)]+?)[.,;)]?(?=\s|$))?")
_NEXT = re.compile(r"\bnext:\s*\S+")
_ANY = re.compile(r"#(?:success|kudos|intel|handoff-done|story-|testimonial|published|webinar)|handoff:", re.IGNORECASE)
_QUOTE = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z][\w-]*)")
_ID = re.compile(r"^[A-Za-z0-9][\w-]*$")


# ---------------------------------------------------------------- one line

@dataclass(frozen=True, slots=True)
class HandoffSyntax:
    department: str | None
    owner: str | None  # as written; resolved against the team in ``collect``
    due: date
    done: date | None
    col: int  # 1-based column of 'handoff:' in the line
    owner_col: int  # of '@owner', or of the department when no owner is written
    end_col: int  # 1-based column just after the due date (where ' done: DATE' goes)


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
        return tuple(dict.fromkeys(_MENTION.findall(self.segment))) if "@" in self.segment else ()

    @property
    def quote(self) -> str | None:
        """The first "quoted" (or “quoted”) text in its words."""
        q = _QUOTE.search(self.segment) if ('"' in self.segment or "“" in self.segment) else None
        return (q[1] or q[2]).strip() if q else None

    @property
    def words(self) -> str:
        """Its words without the outcome syntax."""
        return _clean(self.segment)


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

    def tagged(self, *tags: str) -> list[Mark]:
        return [m for m in self.marks if m.tag in tags]


_NOTHING = LineOutcomes(None, ())
_TAGS = frozenset(MARK_TAGS)


def may_carry(touch: Touch) -> bool:
    """A quick test on the parsed tags: False when the line surely has no outcome syntax."""
    return not _TAGS.isdisjoint(touch.tags) or "andoff:" in touch.note


def _marks(note: str) -> list[re.Match[str]]:
    """The outcome tags of a note, as the TAG pattern of logline reads tags (not after a word character, & or /)."""
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
    text = _MARK.sub("", text)
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
                                        base + who_at + 1, base + m.end("due") + 1)
            spans.append((h.start(), m.end()))
        if m is None:
            spans.append((h.start(), h.end()))
    # marks: each one's words run to the next mark, handoff clause or next:
    found_marks = _marks(note)
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


def _plain(note: str, spans: list[tuple[int, int]]) -> str:
    """The note's own words: without the handoff clause and the marks' words (kudos quotes, intel notes…);
    when that leaves nothing (a line that is all marks), without the syntax alone."""
    def cut(text: str, cuts: list[tuple[int, int]]) -> str:
        for s, e in sorted(cuts, reverse=True):
            text = text[:s] + " " + text[e:]
        return _clean(text)
    marks = _marks(note)
    if not marks:
        return cut(note, spans)
    return cut(note[:marks[0].start()], [(s, e) for s, e in spans if e <= marks[0].start()]) or cut(note, spans)


def intel_topic(ref: str) -> tuple[str | None, str]:
    """``'conference: Midwest Fleet Expo'`` -> ``('conference', 'Midwest Fleet Expo')``; no kind -> ``(None, ref)``."""
    kind, sep, rest = ref.partition(":")
    if sep and re.match(r"^\s*[A-Za-z][\w-]*\s*$", kind):
        return kind.strip().lower(), " ".join(rest.split())
    return None, " ".join(ref.split())


# ---------------------------------------------------------------- the workspace

@dataclass(frozen=True, slots=True)
class Handoff:
    client: Client
    touch: Touch
    department: str | None
    owner: str  # a team key (or as written when there is no team)
    caller: str | None  # who made the call: the touch's author, else me
    due: date
    done: date | None  # the earliest of 'done:' on the line and a later '#handoff-done'
    closed_by: Source | None  # where it was closed
    what: str  # the note without the outcome syntax

    @property
    def source(self) -> Source:
        return self.touch.source

    def state(self, today: date) -> str:
        """closed, late (closed after its date), open, overdue."""
        if self.done is not None:
            return "closed" if self.done <= self.due else "late"
        return "overdue" if self.due < today else "open"

    def to_json(self, today: date) -> dict[str, object]:
        c = self.client
        return {"client": c.slug, "name": c.name, "told": c.contact or None, "handed": self.touch.date.isoformat(),
                "department": self.department, "owner": self.owner, "caller": self.caller,
                "due": self.due.isoformat(), "done": self.done.isoformat() if self.done else None,
                "state": self.state(today), "overdue_days": max(0, (today - self.due).days) if self.done is None else 0,
                "what": self.what, "source": f"{self.source.path}:{self.source.line}",
                "closed_by": f"{self.closed_by.path}:{self.closed_by.line}" if self.closed_by else None}


@dataclass(frozen=True, slots=True)
class Kudos:
    client: Client
    touch: Touch
    person: str
    words: str  # the customer's words: the quote, else the words after #kudos
    quoted: bool

    def to_json(self) -> dict[str, object]:
        return {"person": self.person, "client": self.client.slug, "name": self.client.name,
                "contact": self.client.contact or None, "date": self.touch.date.isoformat(), "by": self.touch.by,
                "words": self.words, "quoted": self.quoted,
                "source": f"{self.touch.source.path}:{self.touch.source.line}"}


@dataclass(frozen=True, slots=True)
class StoryStep:
    step: str  # asked, testimonial, published, webinar, declined
    date: date
    quote: str | None
    touch: Touch


@dataclass(frozen=True, slots=True)
class Story:
    client: Client
    touch: Touch  # the '#success' line
    id: str  # its own [id], else its date
    mark: Mark  # its '#success'
    line: LineOutcomes
    steps: tuple[StoryStep, ...]

    @property
    def words(self) -> str:
        return self.mark.words or self.line.plain

    @property
    def date(self) -> date:
        return self.touch.date

    def has(self, step: str) -> StoryStep | None:
        return next((s for s in self.steps if s.step == step), None)

    @property
    def stage(self) -> str:
        """story, asked, testimonial, published, webinar, declined, done (published and webinar)."""
        if self.has("declined") and not self.has("testimonial"):
            return "declined"
        if self.has("published") and self.has("webinar"):
            return "done"
        for step in ("webinar", "published", "testimonial", "asked"):
            if self.has(step):
                return step
        return "story"

    @property
    def quote(self) -> str | None:
        t = self.has("testimonial")
        return t.quote if t else None

    def next_step(self) -> str:
        return NEXT_STEP[self.stage]


NEXT_STEP = {"story": "ask for a testimonial", "asked": "follow up: the testimonial is not in yet",
             "testimonial": "publish it, or invite them as a webinar guest",
             "published": "invite them as a webinar guest", "webinar": "publish the testimonial",
             "declined": "nothing: they declined", "done": "nothing: published and a webinar guest"}


@dataclass(frozen=True, slots=True)
class Intel:
    client: Client
    touch: Touch
    kind: str | None  # site, conference, trend, competitor; None: a topic without a kind
    topic: str | None  # None: a plain #intel
    mark: Mark
    line: LineOutcomes

    @property
    def words(self) -> str:
        """Its own words, else those of a later #intel of the line, else the note's."""
        marks = self.line.marks
        later = (x.words for x in marks[marks.index(self.mark):] if x.tag == "intel")
        return next((w for w in later if w), "") or self.line.plain


@dataclass(frozen=True, slots=True)
class Followups:
    """What the calls produced, linked to their clients (``collect``)."""
    handoffs: tuple[Handoff, ...]
    kudos: tuple[Kudos, ...]
    stories: tuple[Story, ...]
    intel: tuple[Intel, ...]


def departments(settings: Settings) -> dict[str, list[str]]:
    """department -> the team members who handle it (``handles:`` in rippledoc.yaml)."""
    out: dict[str, list[str]] = {}
    for key, m in settings.team.items():
        for h in m.handles:
            out.setdefault(h.lower(), []).append(key)
    return out


def resolve_owner(settings: Settings, department: str | None, owner: str | None) -> tuple[str | None, str]:
    """(the owner's team key, or None) and, when None, why not."""
    team = settings.team
    if owner:
        if team and owner not in team:
            return None, f"'@{owner}' is not in the team of rippledoc.yaml ({', '.join(team)})"
        return owner, ""
    heads = departments(settings).get((department or "").lower(), [])
    if len(heads) == 1:
        return heads[0], ""
    if heads:
        return None, f"{len(heads)} people handle {department} ({', '.join(heads)}): name one with @"
    return None, f"nobody in the team handles '{department}'"


def collect(settings: Settings, clients: Iterable[Client]) -> tuple[Followups, list[Diagnostic]]:
    """Every handoff, kudos, story and note of intelligence of these clients, and the problems found
    linking them (owners and departments against the team, steps to their story, closings to handoffs)."""
    handoffs: list[Handoff] = []
    kudos: list[Kudos] = []
    stories: list[Story] = []
    intel: list[Intel] = []
    diags: list[Diagnostic] = []
    for c in clients:
        h, k, s, i = _client(settings, c, diags)
        handoffs += h
        kudos += k
        stories += s
        intel += i
    return Followups(tuple(handoffs), tuple(kudos), tuple(stories), tuple(intel)), diags


def _client(settings: Settings, c: Client, diags: list[Diagnostic]):
    team = settings.team
    depts = departments(settings)
    parsed = []
    for t in c.log:
        if not may_carry(t):
            continue
        lo, problems = parse_line(t)
        diags.extend(problems)
        parsed.append((t, lo))
    handoffs: list[dict] = []
    kudos: list[Kudos] = []
    stories: list[dict] = []
    intel: list[Intel] = []
    closers: list[tuple[Touch, Mark]] = []
    steps: list[tuple[Touch, Mark]] = []
    for t, lo in parsed:
        path, line = t.source.path, t.source.line
        hs = lo.handoff
        if hs is not None:
            ok = True
            if hs.department and hs.department not in depts and (team or not hs.owner):
                hint = (f"departments: {', '.join(sorted(depts))}" if depts else
                        "give a team member 'handles: [training]' in rippledoc.yaml, or hand it to an @owner")
                diags.append(error(path, line, hs.owner_col if not hs.owner else hs.col + 9, "E205",
                                   f"nobody in the team handles '{hs.department}'",
                                   did_you_mean(hs.department, tuple(depts)) or hint))
                ok = hs.owner is not None and (not team or hs.owner in team)
            owner, why = resolve_owner(settings, hs.department, hs.owner)
            if owner is None and ok:
                code = "E302" if hs.owner else "E204"
                diags.append(error(path, line, hs.owner_col, code, why,
                                   did_you_mean(hs.owner, tuple(team)) if hs.owner else "name the owner: @name"))
            if owner is not None:
                handoffs.append({"touch": t, "syntax": hs, "owner": owner, "what": lo.plain,
                                 "done": hs.done, "closed_by": t.source if hs.done else None})
        for m in lo.marks:
            if m.tag == "kudos":
                people = [p for p in m.people] or [p for p in _MENTION.findall(t.note)
                                                    if not (hs and p == hs.owner)]
                if not people:
                    diags.append(warning(path, line, m.col, "W201", "#kudos names no team member",
                                         'write who was praised: #kudos @priya "their words"'))
                for p in dict.fromkeys(people):
                    kudos.append(Kudos(c, t, p, m.quote or m.words or lo.plain, m.quote is not None))
            elif m.tag == "success":
                mine = stories[-1] if stories and stories[-1]["touch"] is t else None
                if mine is None:
                    stories.append({"touch": t, "id": m.ref or t.date.isoformat(), "refs": {m.ref} - {None},
                                    "line": lo, "steps": [], "mark": m})
                elif m.ref:  # one story per touch, however often it is tagged: its first [id] names it
                    if not mine["refs"]:
                        mine["id"] = m.ref
                    mine["refs"].add(m.ref)
            elif m.tag == "intel":
                kind, topic = intel_topic(m.ref) if m.ref is not None else (None, None)
                if m.ref is not None and (not topic or (kind is not None and kind not in INTEL_KINDS)):
                    continue  # E207, reported by parse_line
                intel.append(Intel(c, t, kind, topic or None, m, lo))
            elif m.tag == "handoff-done":
                closers.append((t, m))
            else:
                steps.append((t, m))
    # story ids must be unique in the file
    seen: dict[str, dict] = {}
    for s in stories:
        if s["id"] in seen:
            m = s["mark"]
            diags.append(error(s["touch"].source.path, s["touch"].source.line, m.col, "E206",
                               f"two success stories of {c.name} are called '{s['id']}'",
                               "give one its own id: #success[short-name]"))
        seen.setdefault(s["id"], s)
    for t, m in steps:
        story = _story_for(stories, t, m)
        if story is None:
            what = (f"#{m.tag}[{m.ref}]: {c.name} has no success story of that date or id" if m.ref else
                    f"#{m.tag}: {c.name} has no success story on or before {t.date}")
            diags.append(error(t.source.path, t.source.line, m.col, "E206", what,
                               "a story starts with a #success touch; refer to it by its date or "
                               "[id]: #" + m.tag + "[2026-06-03]"))
            continue
        if any(s.step == STEP_TAGS[m.tag] and s.touch is t for s in story["steps"]):
            continue  # the same step tagged twice on one line is one step
        story["steps"].append(StoryStep(STEP_TAGS[m.tag], t.date, m.quote, t))
        if m.tag == "testimonial" and not m.quote:
            diags.append(warning(t.source.path, t.source.line, m.col, "W202",
                                 "#testimonial without the customer's words",
                                 'quote them: #testimonial "They cut our month-end by two days."'))
    for t, m in closers:
        author = t.by or settings.me
        targets = [h for h in handoffs if h["touch"].source.line != t.source.line and h["done"] is None
                   and h["touch"].date <= t.date
                   and (h["touch"].date.isoformat() == m.ref if m.ref else h["owner"] == author)]
        if not targets:
            which = f"of {m.ref}" if m.ref else f"owned by {author or 'the author'}"
            diags.append(warning(t.source.path, t.source.line, m.col, "W203",
                                 f"#handoff-done closes nothing: no open handoff {which} before this touch",
                                 "refer to the handoff by its date, #handoff-done[2026-11-20], or mark its "
                                 "line 'done: DATE'"))
        for h in targets:
            h["done"], h["closed_by"] = t.date, t.source
    out_h = tuple(Handoff(c, h["touch"], h["syntax"].department, h["owner"], h["touch"].by or settings.me,
                          h["syntax"].due, h["done"], h["closed_by"], h["what"]) for h in handoffs)
    out_s = tuple(Story(c, s["touch"], s["id"], s["mark"], s["line"], tuple(sorted(s["steps"], key=lambda x: x.date)))
                  for s in stories)
    return out_h, kudos, out_s, intel


def _story_for(stories: list[dict], t: Touch, m: Mark) -> dict | None:
    if m.ref:
        by_id = [s for s in stories if s["id"] == m.ref or m.ref in s["refs"]]
        if by_id:
            return by_id[0]
        by_date = [s for s in stories if s["touch"].date.isoformat() == m.ref]
        return by_date[0] if len(by_date) == 1 else None
    before = [s for s in stories if s["touch"].date <= t.date]
    return before[-1] if before else None


def handoff_owner(touch: Touch) -> str | None:
    """The @owner written in the touch's handoff clause (for the @mention check)."""
    m = _HANDOFF.search(touch.note)
    if not m:
        return None
    body = _HANDOFF_BODY.match(touch.note, m.end())
    return body["owner"] if body else None


# ---------------------------------------------------------------- writing

def handoff_clause(department: str | None, owner: str | None, due: date) -> str:
    parts = ["handoff:"] + ([department] if department else []) + ([f"@{owner}"] if owner else [])
    return " ".join(parts + ["by", due.isoformat()])


def parse_handoff_option(text: str, settings: Settings) -> tuple[str | None, str, date]:
    """``'training: priya by 2026-11-28'``, ``'training by 2026-11-28'``, ``'@omar by 2026-11-28'``.

    Returns (department, owner, due); raises ValueError saying what is wrong.
    """
    m = re.match(r"^\s*(?:([A-Za-z][\w-]*)\s*:\s*)?(?:@?([A-Za-z][\w-]*)\s+)?by\s+(\S+)\s*$", text)
    if not m:
        raise ValueError(f"'{text}' is not 'DEPARTMENT: NAME by YYYY-MM-DD' (e.g. 'training: priya by 2026-11-28')")
    dept, name, raw = m[1], m[2], m[3]
    due = parse_date(raw)
    if due is None:
        raise ValueError(f"'{raw}' is not a date (YYYY-MM-DD)")
    depts = departments(settings)
    if dept is None and name is not None and name.lower() in depts and name not in settings.team:
        dept, name = name, None
    if dept is not None:
        dept = dept.lower()
        if dept not in depts and settings.team:
            hint = did_you_mean(dept, tuple(depts))
            raise ValueError(f"nobody in the team handles '{dept}'" +
                             (f" ({hint})" if hint else f"; departments: {', '.join(sorted(depts)) or 'none'}"))
    owner, why = resolve_owner(settings, dept, name)
    if owner is None:
        raise ValueError(why)
    return dept, owner, due


def close_handoff_text(line: str, when: date) -> str:
    """The log line with ``done: WHEN`` written right after its handoff's due date; raises ValueError."""
    h = _HANDOFF.search(line)
    m = _HANDOFF_BODY.match(line, h.end()) if h else None
    if m is None:
        raise ValueError("this line holds no handoff ('handoff: training @priya by 2026-11-28')")
    if m["done"]:
        raise ValueError(f"the handoff is already closed (done: {m['done']})")
    return line[:m.end("due")] + f" done: {when.isoformat()}" + line[m.end("due"):]


def intel_mark(topic: str) -> str:
    """``'conference: Midwest Fleet Expo'`` -> ``'#intel[conference: Midwest Fleet Expo]'``; raises ValueError."""
    topic = " ".join(topic.replace("[", "(").replace("]", ")").split())
    if not topic:
        return "#intel"
    kind, name = intel_topic(topic)
    if not name:
        raise ValueError(f"'{topic}' names no topic")
    if kind is not None and kind not in INTEL_KINDS:
        hint = did_you_mean(kind, INTEL_KINDS)
        raise ValueError(f"unknown kind of intelligence '{kind}'; one of {', '.join(INTEL_KINDS)}" +
                         (f" ({hint})" if hint else ""))
    return f"#intel[{kind}: {name}]" if kind else f"#intel[{name}]"


def quoted(words: str) -> str:
    words = " ".join(words.split()).replace('"', "'")
    return f'"{words}"'


def compose_note(note: str, handoff: tuple[str | None, str, date] | None = None,
                 kudos: Iterable[tuple[str, str]] = (), story: tuple[str, str | None] | None = None,
                 quote: str | None = None, intel: Iterable[str] = ()) -> str:
    """The note with the outcome syntax of ``rippledoc log``'s options appended, in one line.

    A story step the note already carries (``#success[ransomware]`` and ``--story success``) is
    not written again: the note's own mark takes the option's [ref] and quote when it has none.
    Raises ValueError when the two name different stories.
    """
    text = " ".join(note.split())
    if story is not None:
        merged = _into_mark(text, _step_tag(story[0]), story[1], quote)
        if merged is not None:
            text, story, quote = merged, None, None
    parts = [text + ("." if text[-1:].isalnum() else "")] if text else []
    if handoff is not None:
        parts.append(handoff_clause(*handoff))
    for person, words in kudos:
        parts.append(f"#kudos @{person}" + (f" {quoted(words)}" if words.strip() else ""))
    if story is not None:
        step, ref = story
        tag = _step_tag(step)
        parts.append(f"#{tag}" + (f"[{ref}]" if ref else "") + (f" {quoted(quote)}" if quote else ""))
    parts += [intel_mark(t) for t in intel]
    return " ".join(parts)


def _step_tag(step: str) -> str:
    """``success`` or a step (``asked``…) -> its tag (``success``, ``story-asked``…)."""
    return "success" if step == "success" else next(k for k, v in STEP_TAGS.items() if v == step)


def _into_mark(text: str, tag: str, ref: str | None, quote: str | None) -> str | None:
    """``text`` with its own ``#tag`` given ``ref`` and ``quote`` where it lacks them; None: no such mark."""
    found = next((x for x in _marks(text) if x[1].lower() == tag), None)
    if found is None:
        return None
    own = found[2].strip() if found[2] is not None else None
    if ref and own and own != ref:
        raise ValueError(f"the note already tags #{found[1]}[{own}]: one touch, one story")
    at = found.end()
    if ref and not own:
        text, at = text[:found.end(1)] + f"[{ref}]" + text[found.end():], found.end(1) + len(ref) + 2
    if quote:
        stop = next((x.start() for x in _marks(text) if x.start() >= at), len(text))
        if '"' not in text[at:stop] and "“" not in text[at:stop]:
            text = text[:at] + f" {quoted(quote)}" + text[at:]
    return text
