"""Views as JSON: one conversion for every view, so ``--json`` prints exactly what the pages show.

A view is a frozen dataclass. ``to_json(view)`` turns it into plain data:
fields by name (a field's ``metadata={"json": "from"}`` renames it, e.g. for
a Python keyword), dates as ISO text, mappings and tuples as objects and
lists. A view that needs another shape defines ``json(self)``.
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any, Mapping


def to_json(value: Any) -> Any:
    """Plain JSON data (dict, list, str, int, float, bool, None) for a view or any part of one."""
    custom = getattr(value, "json", None)
    if callable(custom):
        return to_json(custom())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.metadata.get("json", f.name): to_json(getattr(value, f.name))
                for f in fields(value) if not f.metadata.get("skip")}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


class View:
    """A mixin for frozen dataclass views: ``view.to_json()``."""
    __slots__ = ()

    def to_json(self) -> Any:
        return to_json(self)
