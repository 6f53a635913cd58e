"""JSON Schemas (draft 2020-12) of client front matter, ritual definitions and rippledoc.yaml.

For editors: with the YAML language server, a file that names the schema
gets completion and errors while typing. The patterns and allowed values are
the ones ``rippledoc check`` uses (fields.py, model.py), so that both accept
the same text. The schema sees what a YAML 1.2 editor sees: ``0700`` is a
number there, where rippledoc keeps the text and warns (W102); both flag it.
What a schema cannot say (a date that does not exist, a commitment due
before it was made, a start time after the end, duplicate names) is left to
``rippledoc check``.
"""
from __future__ import annotations

from typing import Any

from rippledoc.parse.fields import (BIRTHDAY_PATTERN, CADENCE_PATTERN, DATE_PATTERN, NUMBER_PATTERN, TIME_RANGE_PATTERN,
                                    WINDOWS_PATTERN)
from rippledoc.model import GRADES, KINDS, LEVELS, OUTCOMES, STATUSES, TOUCH_KINDS, WEEKDAYS

DRAFT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


def _text(description: str) -> Schema:
    return {"type": ["string", "null"], "description": description}


def _date(description: str) -> Schema:
    return {"type": ["string", "null"], "pattern": DATE_PATTERN, "format": "date",
            "description": description + " (YYYY-MM-DD)"}


def _choice(values: tuple[str, ...], description: str) -> Schema:
    return {"enum": [*values, None], "description": description}


def _text_list(description: str) -> Schema:
    return {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": ["string", "null"]}],
            "description": description + " (a single text is a one-item list)"}


def _zones() -> list[str]:
    from zoneinfo import available_timezones
    return sorted(z for z in available_timezones() if "/" in z or z in ("UTC", "GMT"))


def _zone(description: str) -> Schema:
    return {"enum": [*_zones(), None], "description": description + " (an IANA zone name)"}


def _time_range(description: str) -> Schema:
    return {"type": ["string", "null"], "pattern": TIME_RANGE_PATTERN,
            "description": description + " (HH:MM-HH:MM, quoted)"}


def touch_kind() -> Schema:
    """A touch's kind: one of the table of ``model.TOUCH_KINDS``."""
    return {"enum": list(KINDS), "description": "the kind of touch: " + ", ".join(KINDS)}


def touch_outcome() -> Schema:
    """A touch's outcome: one of ``model.TOUCH_OUTCOMES``; which fit which kind is ``outcome_fits_kind``."""
    return {"enum": list(OUTCOMES), "description": "what came of it: " + ", ".join(OUTCOMES)}


def outcome_fits_kind() -> list[Schema]:
    """For an object with ``kind`` and ``outcome``: the outcomes each kind can have (an ``allOf`` list)."""
    return [{"if": {"properties": {"kind": {"const": k.name}}, "required": ["kind"]},
             "then": {"properties": {"outcome": {"enum": list(k.outcomes)}}}} for k in TOUCH_KINDS]


def _windows(description: str) -> Schema:
    return {"type": ["string", "null"], "pattern": WINDOWS_PATTERN,
            "description": description + " (HH:MM-HH:MM, quoted; several: \"09:00-12:00, 15:00-18:00\")"}


AMOUNT: Schema = {"type": ["number", "string"], "pattern": NUMBER_PATTERN,
                  "description": "a number: 4200 or 4200.50 (no currency sign)"}

SALE: Schema = {
    "type": "object", "required": ["date", "amount"], "additionalProperties": False,
    "properties": {"date": _date("the day of the sale"), "amount": AMOUNT, "what": _text("what was sold")},
}

COMMITMENT: Schema = {
    "type": "object", "required": ["due", "what"], "additionalProperties": False,
    "properties": {
        "made": _date("the day you promised it"),
        "due": _date("the day it is due"),
        "what": {"type": "string", "minLength": 1, "description": "what you promised"},
        "done": _date("the day it was kept"),
        "to": {"type": ["string", "null"], "description": "whom you promised it to"},
        "moved": {"type": ["array", "null"], "description": "each new day agreed, and when the client was told",
                  "items": {"type": "object", "required": ["due"], "additionalProperties": False, "properties": {
                      "due": _date("the new day it is due"),
                      "told": _date("the day the client was told of the new day"),
                      "note": {"type": "string", "description": "what you told them: why, and the plan"}}}},
    },
}


def client_properties() -> dict[str, Schema]:
    return {
        "name": {"type": "string", "pattern": r"\S", "description": "the client's name; required, unique"},
        "contact": _text("main point of contact"),
        "title": _text("the contact's job title"),
        "birthday": {"type": ["string", "null"], "pattern": BIRTHDAY_PATTERN,
                     "description": "the contact's birthday (YYYY-MM-DD, or --MM-DD when the year is unknown)"},
        "email": _text("the contact's e-mail address"),
        "emails": _text_list("more e-mail addresses, beside the main one"),
        "phone": _text("a phone number; quote it so it stays text"),
        "phones": _text_list("more phone numbers, beside the main one ('+49 170 1234567 (mobile)')"),
        "address": _text("postal address"),
        "website": _text("web address"),
        "timezone": _zone("the client's time zone; without it, unknown (check warns W104)"),
        "hours": _time_range("their business hours in their zone; default: client_hours of rippledoc.yaml"),
        "since": _date("client since"),
        "owner": _text("the team member keeping the relationship (a key of team: in rippledoc.yaml)"),
        "level": _choice(LEVELS, "the triangle: base, key or for-life (default base)"),
        "grade": _choice(GRADES, "high-grade: top, two or three"),
        "status": _choice(STATUSES, "active, paused or former (default active)"),
        "cadence": {"type": ["string", "null"], "pattern": CADENCE_PATTERN,
                    "description": "how often to touch them: Nd, Nw or Nm (a month is 30 days), or ideal..most "
                                   "(4w..6w: due after the first, overdue after the second)"},
        "snooze": _date("not due before this date"),
        "products": _text_list("what they buy"),
        "tags": _text_list("your own labels"),
        "sales": {"type": ["array", "null"], "items": SALE, "description": "{date, amount, what} per sale"},
        "commitments": {"type": ["array", "null"], "items": COMMITMENT,
                        "description": "{made, due, what, done, to, moved} per promise"},
        "custom": {"type": ["object", "null"], "description": "fields of your own: kept, shown, never checked"},
    }


def client_schema() -> Schema:
    """The front matter of ``clients/*.md``."""
    from rippledoc.parse.client import KNOWN_KEYS
    known = client_properties()
    # A key the reader knows but this table does not describe yet is still allowed.
    properties = {key: known.get(key, {"description": "see docs/format.md"}) for key in KNOWN_KEYS}
    return {
        "$schema": DRAFT,
        "title": "rippledoc client",
        "description": "The front matter of a rippledoc client file (clients/*.md); see docs/format.md.",
        "type": "object",
        "required": ["name"],
        "properties": properties,
        "additionalProperties": False,
    }


def ritual_schema() -> Schema:
    """The front matter of ``rituals/*.md`` (definitions). Ritual-specific keys are allowed."""
    from rippledoc.parse import ritual as ritualfile
    cadences = list(getattr(ritualfile, "CADENCES", ("daily", "weekly", "monthly", "quarterly", "yearly")))
    cover_keys = list(getattr(ritualfile, "COVER_KEYS", {}))
    answer_types = list(getattr(ritualfile, "ANSWER_TYPES", ("text", "choice", "date")))
    covers: Schema = {"type": ["object", "null"], "description": "which clients it covers: field -> values",
                      "additionalProperties": _text_list("allowed values")}
    if cover_keys:
        covers["propertyNames"] = {"enum": cover_keys}
    return {
        "$schema": DRAFT,
        "title": "rippledoc ritual",
        "description": "The front matter of a rippledoc ritual definition (rituals/NAME.md).",
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "pattern": r"\S", "description": "the ritual's name"},
            "cadence": {"anyOf": [{"enum": cadences}, {"type": "string", "pattern": r"^\d+d$"}],
                        "description": "daily, weekly, monthly, quarterly, yearly or Nd"},
            "covers": covers,
            "prompts": {"type": ["array", "null"], "items": {"type": "string"}, "description": "questions to ask"},
            "metrics": {"type": ["array", "null"], "description": "scores given to each client", "items": {
                "type": "object", "required": ["key"],
                "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                               "scale": {"type": "string", "pattern": r"^\d+\s*-\s*\d+$"}}}},
            "answers": {"type": ["array", "null"], "description": "answers recorded per client", "items": {
                "type": "object", "required": ["key"],
                "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                               "type": {"enum": answer_types}, "choices": {"type": "array",
                                                                          "items": {"type": "string"}},
                               "applies_to": {"type": "string", "description": "the client field 'ritual apply' "
                                              "writes the answer into (grade, level, …), or none"}}}},
            "tell_early": {"type": "string", "pattern": r"^[1-9][0-9]{0,3} ?[dwDW]$",
                           "description": "list commitments due this soon with nothing logged since (7d, 2w)"},
            "grades": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                       "description": "per-client sheets: the grades picked (default top, two; any for all)"},
            "enabled": {"type": ["boolean", "string", "null"], "description": "false turns the ritual off"},
        },
        "additionalProperties": True,
    }


def settings_schema() -> Schema:
    """``rippledoc.yaml``."""
    from rippledoc.parse.settings import FULL_DAYS
    member: Schema = {"anyOf": [{"type": "string"}, {
        "type": "object", "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "email": {"type": "string"}, "role": {"type": "string"},
                       "handles": _text_list("kinds of touches they handle")}}]}
    return {
        "$schema": DRAFT,
        "title": "rippledoc workspace settings",
        "description": "rippledoc.yaml at the root of a workspace; see docs/format.md.",
        "type": "object",
        "properties": {
            "title": _text("the site's title"),
            "me": _text("who I am: a key of team"),
            "timezone": _zone("my time zone"),
            "call_window": _windows("when I make calls, my zone"),
            "working_days": {"type": "array", "items": {"enum": list(WEEKDAYS)}},
            "schedule": {"type": ["object", "null"], "propertyNames": {"enum": list(WEEKDAYS) + list(FULL_DAYS)},
                         "additionalProperties": {"anyOf": [_windows("that weekday's call windows"),
                                                            {"enum": ["off", False]}]},
                         "description": "a weekday's own call windows, or off; other days: call_window on the "
                                        "working_days"},
            "holidays": {"type": ["array", "null"], "items": _date("a day off"),
                         "description": "days off, whatever their weekday"},
            "birthdays": {"type": ["boolean", "null"], "description": "a contact's birthday is a reason to call "
                                                                       "(default true)"},
            "anniversaries": {"type": ["boolean", "null"],
                              "description": "the anniversary of a client's since is a reason to call (default true)"},
            "client_hours": _time_range("a client's default business hours, their zone"),
            "team": {"type": ["object", "null"], "additionalProperties": member},
            "limits": {"type": ["object", "null"], "additionalProperties": False,
                       "properties": {"max_file_kb": {"type": "number", "exclusiveMinimum": 0}}},
            "story_ask_days": {"type": "integer", "minimum": 1,
                               "description": "days after a success story before asking for a testimonial is due"},
        },
        "additionalProperties": False,
    }


def schema(kind: str = "client") -> Schema:
    return {"client": client_schema, "ritual": ritual_schema, "settings": settings_schema}[kind]()
