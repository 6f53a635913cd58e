"""The writers: a touch line and each mark, written so that the readers read them back unchanged.

``rippledoc log``, ``handoff-done`` and the inbox write through these (the
fixtures of tests/fixtures/grammar/writers.txt hold what each writes).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rippledoc.parse.fields import did_you_mean
from rippledoc.model import DEFAULT_OUTCOME
from rippledoc.parse.grammar.note import INTEL_KINDS, NEXT, STEP_TAGS, handoff_in, intel_topic, marks_in


def format_touch(when: date, kind: str, outcome: str | None = None, by: str | None = None,
                 note: str = "", next_date: date | None = None) -> str:
    """The one line a touch is written as; ``grammar.touch.parse_touch`` reads it back unchanged.

    The outcome (None: the kind's default) is written when it is not the
    default, and always for a call, as people write call lines; the note is
    one line of single spaces, with ``next: DATE`` after it unless it says one.
    """
    outcome = outcome or DEFAULT_OUTCOME[kind]
    head = f"- {when.isoformat()} {kind}"
    if outcome != DEFAULT_OUTCOME[kind] or kind == "call":
        head += f" {outcome}"
    if by:
        head += f" by {by}"
    note = " ".join(note.split())
    if next_date is not None and not NEXT.search(note):
        note = (note.rstrip(". ") + ". " if note else "") + f"next: {next_date.isoformat()}"
    return f"{head}: {note}" if note else head


def handoff_clause(department: str | None, owner: str | None, due: date) -> str:
    """``handoff: training @priya by 2026-11-28``."""
    parts = ["handoff:"] + ([department] if department else []) + ([f"@{owner}"] if owner else [])
    return " ".join(parts + ["by", due.isoformat()])


def close_handoff_text(line: str, when: date) -> str:
    """The log line with ``done: WHEN`` written right after its handoff's due date; raises ValueError."""
    m = handoff_in(line)
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
    """The customer's words in double quotes, on one line (a double quote inside becomes a single one)."""
    words = " ".join(words.split()).replace('"', "'")
    return f'"{words}"'


def kudos_mark(person: str, words: str = "") -> str:
    """``#kudos @priya "their words"``."""
    return f"#kudos @{person}" + (f" {quoted(words)}" if words.strip() else "")


def step_mark(step: str, ref: str | None = None, quote: str | None = None) -> str:
    """``#success[ref]``, ``#story-asked[ref]``, ``#testimonial[ref] "quote"``…"""
    return f"#{step_tag(step)}" + (f"[{ref}]" if ref else "") + (f" {quoted(quote)}" if quote else "")


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
        merged = _into_mark(text, step_tag(story[0]), story[1], quote)
        if merged is not None:
            text, story, quote = merged, None, None
    parts = [text + ("." if text[-1:].isalnum() else "")] if text else []
    if handoff is not None:
        parts.append(handoff_clause(*handoff))
    parts += [kudos_mark(person, words) for person, words in kudos]
    if story is not None:
        parts.append(step_mark(story[0], story[1], quote))
    parts += [intel_mark(t) for t in intel]
    return " ".join(parts)


def step_tag(step: str) -> str:
    """``success`` or a step (``asked``…) -> its tag (``success``, ``story-asked``…)."""
    return "success" if step == "success" else next(k for k, v in STEP_TAGS.items() if v == step)


def _into_mark(text: str, tag: str, ref: str | None, quote: str | None) -> str | None:
    """``text`` with its own ``#tag`` given ``ref`` and ``quote`` where it lacks them; None: no such mark."""
    found = next((x for x in marks_in(text) if x[1].lower() == tag), None)
    if found is None:
        return None
    own = found[2].strip() if found[2] is not None else None
    if ref and own and own != ref:
        raise ValueError(f"the note already tags #{found[1]}[{own}]: one touch, one story")
    at = found.end()
    if ref and not own:
        text, at = text[:found.end(1)] + f"[{ref}]" + text[found.end():], found.end(1) + len(ref) + 2
    if quote:
        stop = next((x.start() for x in marks_in(text) if x.start() >= at), len(text))
        if '"' not in text[at:stop] and "“" not in text[at:stop]:
            text = text[:at] + f" {quoted(quote)}" + text[at:]
    return text
