"""The whole model as JSON in a documented, versioned shape (docs/import-export.md).

``{"format": "rippledoc", "version": 1, "settings": …, "clients": […],
"rituals": […], "records": […]}``. Dates are ``YYYY-MM-DD`` text, times
``HH:MM``; every record carries the file and line it came from. A change that
removes or renames a key raises the version; adding a key does not.
"""
from __future__ import annotations

import json
from typing import Any

from rippledoc.model import WEEKDAYS, Client, Commitment, RitualRecord, Sale, Touch
from rippledoc.book.book import Book
from rippledoc.parse.schema import outcome_fits_kind, touch_kind, touch_outcome

FORMAT, VERSION = "rippledoc", 1


def _d(value) -> str | None:
    return value.isoformat() if value is not None else None


def touch(t: Touch) -> dict[str, Any]:
    return {"date": _d(t.date), "kind": t.kind, "outcome": t.outcome, "by": t.by, "note": t.note,
            "tags": list(t.tags), "mentions": list(t.mentions), "next": _d(t.next), "line": t.source.line}


def sale(s: Sale) -> dict[str, Any]:
    return {"date": _d(s.date), "amount": s.amount, "what": s.what, "line": s.source.line}


def commitment(m: Commitment) -> dict[str, Any]:
    return {"made": _d(m.made), "due": _d(m.due), "what": m.what, "done": _d(m.done), "to": m.to or None,
            "first_due": _d(m.first_due),
            "moved": [{"from": _d(x.was), "to": _d(x.to), "told": _d(x.told), "note": x.note, "line": x.source.line}
                      for x in m.moves], "line": m.source.line}


def client(c: Client) -> dict[str, Any]:
    return {
        "slug": c.slug, "path": c.path, "name": c.name, "contact": c.contact, "title": c.title,
        "birthday": str(c.birthday) if c.birthday else None, "email": c.email, "emails": list(c.emails),
        "phone": c.phone, "phones": list(c.phones),
        "address": c.address, "website": c.website, "timezone": c.timezone,
        "hours": str(c.hours) if c.hours else None, "since": _d(c.since), "owner": c.owner, "level": c.level,
        "grade": c.grade, "status": c.status, "cadence_days": c.cadence_days,
        "cadence_max_days": c.cadence_max_days, "snooze": _d(c.snooze),
        "products": list(c.products), "tags": list(c.tags), "sales": [sale(s) for s in c.sales],
        "commitments": [commitment(m) for m in c.commitments], "custom": dict(c.custom), "extra": dict(c.extra),
        "notes": c.notes, "log": [touch(t) for t in c.log],
    }


def record(r: RitualRecord) -> dict[str, Any]:
    return {
        "ritual": r.ritual, "period": r.period, "date": _d(r.date), "path": r.source.path,
        "entries": [{"client": e.client, "scores": dict(e.scores), "answers": dict(e.answers),
                     "fields": dict(e.fields), "line": e.source.line} for e in r.entries],
        "fields": dict(r.fields), "body": r.body,
    }


def to_data(ws: Book) -> dict[str, Any]:
    s = ws.settings
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": {
            "title": s.title, "me": s.me, "timezone": s.timezone, "call_window": str(s.call_window),
            "working_days": [WEEKDAYS[d] for d in s.working_days], "client_hours": str(s.client_hours),
            "schedule": {WEEKDAYS[d]: str(w) for d, w in sorted(s.schedule.items())},
            "holidays": [d.isoformat() for d in sorted(s.holidays)],
            "birthdays": s.birthdays, "anniversaries": s.anniversaries,
            "team": {k: {"name": m.name, "email": m.email, "role": m.role, "handles": list(m.handles)}
                     for k, m in s.team.items()},
        },
        "clients": [client(c) for c in sorted(ws.clients, key=lambda c: c.slug)],
        "rituals": [{"key": r.key, "name": r.name, "cadence": r.cadence, "enabled": r.enabled,
                     "covers": {k: list(v) for k, v in r.covers.items()}, "prompts": list(r.prompts),
                     "metrics": [{"key": m.key, "label": m.label, "low": m.low, "high": m.high} for m in r.metrics],
                     "settings": dict(r.settings), "path": r.source.path}
                    for r in sorted(ws.rituals.values(), key=lambda r: r.key)],
        "records": [record(r) for r in sorted(ws.records, key=lambda r: (r.ritual, r.period, r.source.path))],
    }


def to_json_text(ws: Book) -> str:
    return json.dumps(to_data(ws), indent=2, ensure_ascii=False, default=str) + "\n"


# The shape above as a JSON Schema (draft 2020-12), for tools that read the export.
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_DATE_OR_NULL = {"anyOf": [_DATE, {"type": "null"}]}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_TEXTS = {"type": "array", "items": {"type": "string"}}
_RANGE = {"type": "string", "pattern": r"^\d{2}:\d{2}-\d{2}:\d{2}$"}
_WINDOWS = {"type": "string", "pattern": r"^(off|\d{2}:\d{2}-\d{2}:\d{2}(, \d{2}:\d{2}-\d{2}:\d{2})*)$"}


def _object(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(props), "properties": props}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "rippledoc export, version 1",
    **_object({
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "settings": _object({
            "title": {"type": "string"}, "me": _TEXT_OR_NULL, "timezone": {"type": "string"},
            "call_window": _WINDOWS, "working_days": {"type": "array", "items": {"enum": list(WEEKDAYS)}},
            "schedule": {"type": "object", "additionalProperties": _WINDOWS},
            "holidays": {"type": "array", "items": _DATE},
            "birthdays": {"type": "boolean"}, "anniversaries": {"type": "boolean"},
            "client_hours": _RANGE,
            "team": {"type": "object", "additionalProperties": _object({
                "name": {"type": "string"}, "email": {"type": "string"}, "role": {"type": "string"},
                "handles": _TEXTS})},
        }),
        "clients": {"type": "array", "items": _object({
            "slug": {"type": "string"}, "path": {"type": "string"}, "name": {"type": "string"},
            "contact": {"type": "string"}, "title": {"type": "string"},
            "birthday": {"anyOf": [{"type": "string", "pattern": r"^(\d{4}|-)-\d{2}-\d{2}$"}, {"type": "null"}]},
            "email": {"type": "string"}, "emails": _TEXTS, "phone": {"type": "string"}, "phones": _TEXTS,
            "address": {"type": "string"}, "website": {"type": "string"}, "timezone": {"type": "string"},
            "hours": {"anyOf": [_RANGE, {"type": "null"}]}, "since": _DATE_OR_NULL, "owner": _TEXT_OR_NULL,
            "level": {"enum": ["base", "key", "for-life"]}, "grade": {"enum": ["top", "two", "three", None]},
            "status": {"enum": ["active", "paused", "former"]}, "cadence_days": {"type": ["integer", "null"]},
            "cadence_max_days": {"type": ["integer", "null"]},
            "snooze": _DATE_OR_NULL, "products": _TEXTS, "tags": _TEXTS,
            "sales": {"type": "array", "items": _object({"date": _DATE, "amount": {"type": "number"},
                                                         "what": {"type": "string"}, "line": {"type": "integer"}})},
            "commitments": {"type": "array", "items": _object({
                "made": _DATE_OR_NULL, "due": _DATE, "what": {"type": "string"}, "done": _DATE_OR_NULL,
                "to": _TEXT_OR_NULL, "first_due": _DATE,
                "moved": {"type": "array", "items": _object({"from": _DATE, "to": _DATE, "told": _DATE_OR_NULL,
                                                             "note": {"type": "string"}, "line": {"type": "integer"}})},
                "line": {"type": "integer"}})},
            "custom": {"type": "object"}, "extra": {"type": "object"}, "notes": {"type": "string"},
            "log": {"type": "array", "items": {**_object({
                "date": _DATE, "kind": touch_kind(), "outcome": touch_outcome(), "by": _TEXT_OR_NULL,
                "note": {"type": "string"}, "tags": _TEXTS, "mentions": _TEXTS, "next": _DATE_OR_NULL,
                "line": {"type": "integer"}}), "allOf": outcome_fits_kind()}},
        })},
        "rituals": {"type": "array", "items": _object({
            "key": {"type": "string"}, "name": {"type": "string"}, "cadence": {"type": "string"},
            "enabled": {"type": "boolean"}, "covers": {"type": "object"}, "prompts": _TEXTS,
            "metrics": {"type": "array", "items": _object({"key": {"type": "string"}, "label": {"type": "string"},
                                                           "low": {"type": "integer"}, "high": {"type": "integer"}})},
            "settings": {"type": "object"}, "path": {"type": "string"}})},
        "records": {"type": "array", "items": _object({
            "ritual": {"type": "string"}, "period": {"type": "string"}, "date": _DATE, "path": {"type": "string"},
            "entries": {"type": "array", "items": _object({
                "client": {"type": "string"}, "scores": {"type": "object"}, "answers": {"type": "object"},
                "fields": {"type": "object"}, "line": {"type": "integer"}})},
            "fields": {"type": "object"}, "body": {"type": "string"}})},
    }),
}
