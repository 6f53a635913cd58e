"""Ritual definitions (``rituals/NAME.md``) and their records.

A record is ``rituals/NAME/PERIOD.md`` (one file per period, a mapping of
covered clients) or, for a ritual with ``sheets: per-client``,
``rituals/NAME/PERIOD/ANYTHING.md`` (one sheet per client, ``client: slug``).
The format is described in docs/rituals.md.
"""
from __future__ import annotations

import re
from datetime import date

from rippledoc.read import yamltree
from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.parse.conflicts import with_conflicts
from rippledoc.parse.fields import Fields, did_you_mean, node_at, parse_cadence, parse_date
from rippledoc.model import GRADES, LEVELS, STATUSES, Answer, Metric, Ritual, RitualEntry, RitualRecord, Source
from rippledoc.parse.periods import cadence_days, cadence_kind, parse_period
from rippledoc.read.source import Text, split_front_matter

CADENCES = ("daily", "weekly", "monthly", "quarterly", "yearly")
DEF_KEYS = ("name", "cadence", "covers", "prompts", "metrics", "answers", "enabled")
COVER_KEYS = {"level": LEVELS, "grade": GRADES, "status": STATUSES, "owner": (), "tags": (), "products": ()}
ANSWER_TYPES = ("text", "choice", "date")
FREE_KEYS = ("why", "note")  # every ritual accepts a line of why and a note per client
PICK_KEYS = ("grade", "level", "revenue", "tenure")
SHEET_KEYS = ("date", "client", "day", "applied")
RECORD_KEYS = ("date", "clients", "applied")
PROFILE_FIELDS = ("level", "grade", "status", "owner")  # an answer of this key is that client field, pre-filled
# The client fields a ritual's answer can be applied to (``applies_to``), with the values each allows
# (empty: any text the client file accepts there; ``snooze`` takes a date answer).
APPLIES_TO = {"level": LEVELS, "grade": GRADES, "status": STATUSES, "owner": (), "cadence": (), "snooze": (),
              "contact": (), "title": (), "timezone": ()}
NOT_APPLIED = ("none", "no", "false")
_SCALE = re.compile(r"^([0-9]+)\s*-\s*([0-9]+)$")
_MONTH_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_SEASON = re.compile(rf"^{_MONTH_DAY}\s*\.\.\s*{_MONTH_DAY}$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def ritual_key(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _front(src: Text) -> tuple[yamltree.Mapping | None, str, int, list[Diagnostic]]:
    """(the front matter, the body, the file line the body starts on, problems)."""
    node, body, body_line, diags = _front_matter(src)
    return node, body, body_line, with_conflicts(src, diags)


def _front_matter(src: Text) -> tuple[yamltree.Mapping | None, str, int, list[Diagnostic]]:
    fm, diags = split_front_matter(src)
    if fm is None:
        return None, "", 0, diags
    node, diags = yamltree.parse(fm.yaml_text, src.path, fm.yaml_line)
    if node is None:
        return None, fm.body, fm.body_line, diags or [error(src.path, 1, 1, "E400", "the front matter is empty")]
    if not isinstance(node, yamltree.Mapping):
        return None, fm.body, fm.body_line, diags + [error(src.path, node.line, node.col, "E013",
                                                           "front matter must be a mapping of 'key: value' lines")]
    return node, fm.body, fm.body_line, diags


# ---------------------------------------------------------------- definitions

def parse_ritual(src: Text) -> tuple[Ritual | None, list[Diagnostic]]:
    node, body, _, diags = _front(src)
    if node is None:
        return None, diags
    f = Fields(node, src.path, diags)
    name = f.text("name", required=True)
    cadence = f.text("cadence") or "weekly"
    if cadence not in CADENCES and cadence_days(cadence) is None:
        at = node_at(node, "cadence")
        diags.append(error(src.path, at.line, at.col, "E400",
                           f"ritual cadence '{cadence}' is not one of {', '.join(CADENCES)} or Nd",
                           did_you_mean(cadence, CADENCES) or "write e.g. cadence: weekly, or cadence: 14d"))
        cadence = "weekly"
    covers = _covers(f, src.path, diags)
    metrics = _metrics(f, src.path, diags)
    answers = _answers(f, src.path, diags, {m.key for m in metrics})
    flag = node.get("enabled")  # a yes/no switch: YAML's booleans are meant here, so no W102
    enabled = not (isinstance(flag, yamltree.Scalar) and flag.text.lower() in ("false", "no", "off"))
    _check_settings(node, src.path, diags)
    settings = {k.text: yamltree.to_python(v) for k, v in node.items if k.text not in DEF_KEYS}
    if name is None:
        return None, diags
    return Ritual(ritual_key(src.path), name, cadence, covers, f.text_list("prompts"), tuple(metrics), body,
                  Source(src.path, 1), enabled, settings, tuple(answers)), diags


def _covers(f: Fields, path: str, diags: list[Diagnostic]) -> dict[str, tuple[str, ...]]:
    covers: dict[str, tuple[str, ...]] = {}
    cov = f.mapping("covers")
    if cov is None:
        return covers
    g = Fields(cov, path, diags)
    for key, _ in cov.items:
        if key.text not in COVER_KEYS:
            diags.append(error(path, key.line, key.col, "E400", f"covers: '{key.text}' is not a client field "
                               f"a ritual can select on ({', '.join(COVER_KEYS)})",
                               did_you_mean(key.text, tuple(COVER_KEYS))))
            continue
        values = g.text_list(key.text)
        allowed = COVER_KEYS[key.text]
        for v in values:
            if allowed and v not in allowed:
                at = node_at(cov, key.text)
                diags.append(error(path, at.line, at.col, "E400",
                                   f"covers: {key.text} '{v}' is not one of {', '.join(allowed)}",
                                   did_you_mean(v, allowed)))
        covers[key.text] = values
    return covers


def _metrics(f: Fields, path: str, diags: list[Diagnostic]) -> list[Metric]:
    metrics: list[Metric] = []
    for item in f.mapping_list("metrics"):
        g = Fields(item, path, diags)
        key = g.text("key", required=True)
        scale = g.text("scale") or "1-5"
        m = _SCALE.match(scale)
        if not m or int(m[1]) >= int(m[2]):
            diags.append(error(path, item.line, item.col, "E400", f"metric scale '{scale}' is not LOW-HIGH",
                               "write it as scale: 1-5"))
            m = None
        if key in FREE_KEYS or any(x.key == key for x in metrics):
            diags.append(error(path, item.line, item.col, "E400", f"metric key '{key}' is used twice or reserved"))
            continue
        if key:
            metrics.append(Metric(key, g.text("label") or key, int(m[1]) if m else 1, int(m[2]) if m else 5))
    return metrics


def _answers(f: Fields, path: str, diags: list[Diagnostic], taken: set[str]) -> list[Answer]:
    answers: list[Answer] = []
    for item in f.mapping_list("answers"):
        g = Fields(item, path, diags)
        key = g.text("key", required=True)
        choices = g.text_list("choices")
        kind = g.text("type") or ("choice" if choices else "text")
        if kind not in ANSWER_TYPES:
            diags.append(error(path, item.line, item.col, "E400", f"answer type '{kind}' is not one of "
                               f"{', '.join(ANSWER_TYPES)}", did_you_mean(kind, ANSWER_TYPES)))
            kind = "text"
        if kind == "choice" and not choices:
            diags.append(error(path, item.line, item.col, "E400", f"answer '{key}' has type choice but no choices",
                               "add choices: [a, b, c]"))
        if key in taken or key in FREE_KEYS:
            diags.append(error(path, item.line, item.col, "E400", f"answer key '{key}' is used twice or reserved"))
            continue
        if key:
            taken.add(key)
            answers.append(Answer(key, g.text("label") or key, kind, choices, _applies_to(g, key, kind, choices)))
    return answers


def _applies_to(g: Fields, key: str, kind: str, choices: tuple[str, ...]) -> str | None:
    """The client field ``ritual apply`` writes the answer into: ``applies_to``, else the answer's own key when
    it is a client field a review decides (level, grade, status, owner); ``applies_to: none`` for neither."""
    written = g.text("applies_to")
    if written is None:
        return key if key in PROFILE_FIELDS else None
    if written.lower() in NOT_APPLIED:
        return None
    at = node_at(g.node, "applies_to")
    if written not in APPLIES_TO:
        g.diags.append(error(g.path, at.line, at.col, "E400",
                             f"applies_to: '{written}' is not a client field an answer can be applied to "
                             f"({', '.join(APPLIES_TO)}, or none)", did_you_mean(written, tuple(APPLIES_TO))))
        return None
    allowed = APPLIES_TO[written]
    wrong = [c for c in choices if allowed and c not in allowed]
    if wrong or (allowed and kind != "choice"):
        g.diags.append(error(g.path, at.line, at.col, "E400",
                             f"answer '{key}' is applied to {written}, which takes only {', '.join(allowed)}"
                             + (f", not {', '.join(wrong)}" if wrong else ""),
                             f"write choices: [{', '.join(allowed)}]"))
        return None
    if (written == "snooze") != (kind == "date"):
        g.diags.append(error(g.path, at.line, at.col, "E400",
                             f"answer '{key}' of type {kind} cannot be applied to {written}",
                             "only a date answer (type: date) is applied to snooze, and a date only to snooze"))
        return None
    return written


def _check_settings(node: yamltree.Mapping, path: str, diags: list[Diagnostic]) -> None:
    """The optional keys that change how a ritual works (see docs/rituals.md)."""
    f = Fields(node, path, diags)
    for key in ("season",):
        text = f.text(key)
        if text and not _SEASON.match(text):
            at = node_at(node, key)
            diags.append(error(path, at.line, at.col, "E400", f"season '{text}' is not MM-DD..MM-DD",
                               'write it as season: "12-01..12-24"'))
    first = f.text("first_day")
    if first and not re.match(rf"^{_MONTH_DAY}$", first):
        at = node_at(node, "first_day")
        diags.append(error(path, at.line, at.col, "E400", f"first_day '{first}' is not MM-DD"))
    for key in ("count", "let_go_after", "calls_per_day"):
        value = f.number(key)
        if value is not None and (value != int(value) or value < 1):
            at = node_at(node, key)
            diags.append(error(path, at.line, at.col, "E400", f"{key} '{value:g}' is not a whole number of 1 or more"))
    f.number("falling_slope")
    for rule in f.text_list("pick"):
        if rule not in PICK_KEYS:
            at = node_at(node, "pick")
            diags.append(error(path, at.line, at.col, "E400", f"pick: '{rule}' is not one of "
                               f"{', '.join(PICK_KEYS)}", did_you_mean(rule, PICK_KEYS)))
    early = f.text("tell_early")
    if early and parse_cadence(early) is None:
        at = node_at(node, "tell_early")
        diags.append(error(path, at.line, at.col, "E400", f"tell_early '{early}' is not a number of days or weeks",
                           "write it as tell_early: 7d, or 2w"))
    for grade in f.text_list("grades"):
        if grade not in GRADES + ("ungraded", "any"):
            at = node_at(node, "grades")
            diags.append(error(path, at.line, at.col, "E400", f"grades: '{grade}' is not one of "
                               f"{', '.join(GRADES)}, ungraded, or any", did_you_mean(grade, GRADES)))
    for key, allowed in (("records", ("files", "log")), ("sheets", ("per-period", "per-client"))):
        text = f.text(key)
        if text and text not in allowed:
            at = node_at(node, key)
            diags.append(error(path, at.line, at.col, "E400", f"{key} '{text}' is not one of "
                               f"{', '.join(allowed)}", did_you_mean(text, allowed)))


# ---------------------------------------------------------------- records

def record_location(path: str) -> tuple[str, str]:
    """``rituals/NAME/2026-W47.md`` -> (NAME, 2026-W47); ``rituals/NAME/2026/x.md`` -> (NAME, 2026)."""
    parts = path.split("/")
    if len(parts) >= 4:
        return parts[-3], parts[-2]
    return parts[-2], parts[-1].removesuffix(".md")


def parse_record(src: Text, ritual: Ritual | None) -> tuple[RitualRecord | None, list[Diagnostic]]:
    """A record: ``date`` and ``clients: {slug: {metric: score, answer: value, why: text}}``,
    or a sheet: ``date``, ``client: slug`` and that client's scores and answers at the top level."""
    node, body, body_line, diags = _front(src)
    if node is None:
        return None, diags
    f = Fields(node, src.path, diags)
    key, label = record_location(src.path)
    period = _check_period(label, ritual, src.path, diags)
    when = f.date("date") or (period.start if period else None)
    if when is None:
        diags.append(error(src.path, 1, 1, "E100", "'date' is required when the file name is not a period",
                           "add a line 'date: YYYY-MM-DD'"))
        when = date.min
    elif period and not period.contains(when):
        at = node.get("date") or node
        diags.append(warning(src.path, at.line, at.col, "W401",
                             f"date {when} lies outside the record's period {label} "
                             f"({period.start} to {period.last})", "correct the date or rename the file"))
    entries: list[RitualEntry] = []
    sheet = node.get("client") is not None
    if sheet:
        slug = f.text("client")
        if slug:
            client_key = node.key_node("client")
            entry_keys = [(k, v) for k, v in node.items if k.text not in SHEET_KEYS]
            entries.append(_entry(slug, entry_keys, ritual, src.path, client_key.line if client_key else 1, diags))
        known: tuple[str, ...] = SHEET_KEYS
    else:
        clients = f.mapping("clients")
        for k, value in clients.items if clients else ():
            if isinstance(value, yamltree.Scalar) and value.plain and value.text in ("", "~"):
                entries.append(_entry(k.text, [], ritual, src.path, k.line, diags))
            elif not isinstance(value, yamltree.Mapping):
                diags.append(error(src.path, value.line, value.col, "E101",
                                   f"'{k.text}' must be a mapping of scores and answers"))
            else:
                entries.append(_entry(k.text, list(value.items), ritual, src.path, k.line, diags))
        known = RECORD_KEYS
    for k, _ in node.items:
        if k.text not in known and not (sheet and _is_entry_key(k.text, ritual)):
            diags.append(warning(src.path, k.line, k.col, "W100", f"unknown key '{k.text}' in a ritual record",
                                 did_you_mean(k.text, known) or "free notes belong in the body, below the '---'"))
    applied = f.date("applied")
    fields = {k.text: yamltree.to_python(v) for k, v in node.items if k.text not in ("date", "clients")}
    return RitualRecord(ritual.key if ritual else key, label, when, tuple(entries), body,
                        Source(src.path, 1), fields, body_line, applied), diags


def _check_period(label: str, ritual: Ritual | None, path: str, diags: list[Diagnostic]):
    period = parse_period(label)
    if ritual is None:
        return period
    kind = cadence_kind(ritual.cadence) or "day"
    if period is None or period.kind != kind:
        example = {"day": "2026-11-23", "week": "2026-W47", "month": "2026-11", "quarter": "2026-Q4",
                   "year": "2026"}[kind]
        where = f"rituals/{ritual.key}/{example}/" if ritual.settings.get("sheets") == "per-client" \
            else f"rituals/{ritual.key}/{example}.md"
        diags.append(error(path, 0, 0, "E404", f"'{label}' is not a {kind} ({ritual.name} is {ritual.cadence})",
                           f"name it like {where}"))
        return None
    return period


def _is_entry_key(key: str, ritual: Ritual | None) -> bool:
    if ritual is None:
        return True
    return key in FREE_KEYS or any(m.key == key for m in ritual.metrics) or any(a.key == key for a in ritual.answers)


def _entry(slug: str, items: list, ritual: Ritual | None, path: str, line: int,
           diags: list[Diagnostic]) -> RitualEntry:
    metrics = {m.key: m for m in ritual.metrics} if ritual else {}
    answers_def = {a.key: a for a in ritual.answers} if ritual else {}
    scores: dict[str, int] = {}
    answers: dict[str, str] = {}
    fields: dict[str, object] = {}
    bad_scores: list[str] = []  # reported here, not again as missing
    for k, v in items:
        if not isinstance(v, yamltree.Scalar):
            diags.append(error(path, v.line, v.col, "E101", f"'{k.text}' must be a single value, not a list or mapping"))
            continue
        empty = v.plain and v.text in ("", "~")
        if k.text in metrics:
            m = metrics[k.text]
            if empty:
                continue
            text = v.text.strip()
            if not text.isdigit() or not m.low <= int(text) <= m.high:
                diags.append(error(path, v.line, v.col, "E402",
                                   f"score {k.text}: '{v.text}' is not a whole number from {m.low} to {m.high}",
                                   f"{m.label}: score it {m.low} (worst) to {m.high} (best)"))
                bad_scores.append(k.text)
                continue
            scores[k.text] = int(text)
        elif k.text in answers_def:
            a = answers_def[k.text]
            if empty:
                continue
            if a.type == "choice" and v.text not in a.choices:
                diags.append(error(path, v.line, v.col, "E103", f"{k.text} '{v.text}' is not one of "
                                   f"{', '.join(a.choices)}", did_you_mean(v.text, a.choices)))
                continue
            if a.type == "date":
                d = parse_date(v.text)
                if d is None:
                    diags.append(error(path, v.line, v.col, "E102", f"'{k.text}: {v.text}' is not a date",
                                       "write dates as YYYY-MM-DD"))
                    continue
                fields[k.text] = d.isoformat()  # JSON-able, like every record field
            answers[k.text] = v.text
        elif k.text in FREE_KEYS or ritual is None:
            if not empty:
                answers[k.text] = v.text
        else:
            known = tuple(metrics) + tuple(answers_def) + FREE_KEYS
            diags.append(error(path, k.line, k.col, "E401", f"'{k.text}' is not a metric or answer of {ritual.name}"
                               f" ({', '.join(known)})", did_you_mean(k.text, known) or
                               f"add it to the metrics or answers of {ritual.source.path}, or write it in 'why'"))
    if bad_scores:
        fields["bad_scores"] = bad_scores
    return RitualEntry(slug, scores, answers, Source(path, line), fields)


def sections(body: str) -> dict[str, str]:
    """The ``## Heading`` sections of a record's body, HTML comments removed: ``{heading: text}``."""
    out: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in _COMMENT.sub("", body).split("\n"):
        line = line.rstrip("\r")
        if line.startswith("## "):
            if current is not None:
                out[current] = "\n".join(lines).strip()
            current, lines = line[3:].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        out[current] = "\n".join(lines).strip()
    return out
