"""Typed fields read from positioned YAML nodes; each problem becomes a diagnostic.

A ``Fields`` object wraps one mapping of one file and collects diagnostics as
its getters convert text to dates, enums, zones, cadences and lists.
"""
from __future__ import annotations

import difflib
import re
import datetime as dt  # for annotations in classes whose field or method is named ``date``
from datetime import date, time
from functools import lru_cache

import yaml

from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.model import Birthday, TimeRange, Windows
from rippledoc.read.yamltree import Mapping, Node, Scalar, Sequence, kind_name

# The patterns are shared with the JSON Schema (schema.py), so that an editor
# and ``rippledoc check`` accept the same text. Digits are ASCII ``[0-9]``:
# ``\d`` would also take other scripts' digits ('٢٠٢٦'), which int() reads.
DATE_PATTERN = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"
BIRTHDAY_PATTERN = r"^([0-9]{4}|-)-([0-9]{2})-([0-9]{2})$"  # YYYY-MM-DD, or --MM-DD when the year is unknown
_ONE_CADENCE = r"([1-9][0-9]{0,3}) ?([dwmDWM])"
CADENCE_PATTERN = rf"^{_ONE_CADENCE}( ?\.\. ?{_ONE_CADENCE})?$"  # 30d, or ideal..most: 4w..6w
_HHMM = r"([01]?[0-9]|2[0-3]):([0-5][0-9])"
TIME_RANGE_PATTERN = rf"^{_HHMM} ?- ?{_HHMM}$"
_ONE_RANGE = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9] ?- ?(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
WINDOWS_PATTERN = rf"^{_ONE_RANGE}( ?, ?{_ONE_RANGE})*$"  # "09:00-12:00, 15:00-18:00"
DAY_OFF = ("off", "Off", "OFF")  # a weekday of the schedule without calls
NUMBER_PATTERN = r"^[-+]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?$"
_DATE = re.compile(DATE_PATTERN)
_BIRTHDAY = re.compile(BIRTHDAY_PATTERN)
_CADENCE = re.compile(CADENCE_PATTERN)
_RANGE = re.compile(TIME_RANGE_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)


def node_at(mapping: Mapping, key: str) -> Node:
    """Where a diagnostic about ``key`` points: its value, else (the key is not written) the mapping itself."""
    found = mapping.get(key)
    return mapping if found is None else found


def parse_date(text: str) -> date | None:
    """Strict ``YYYY-MM-DD`` (not the ISO week or basic forms ``fromisoformat`` accepts)."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_RELATIVE = re.compile(r"^\+([0-9]{1,4}) ?([dw]?)$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_FORMS = "YYYY-MM-DD, today, tomorrow, +N (days), +Nw (weeks) or a weekday such as fri"


def parse_day(text: str, base: date) -> date | None:
    """A day as a date or counted from ``base``: ``YYYY-MM-DD``, ``today``, ``tomorrow``, ``+3`` (days;
    also ``+3d``), ``+2w`` (weeks), or a weekday (``fri``, ``friday``): the first one after ``base``."""
    from datetime import timedelta
    word = text.strip().lower()
    m = _RELATIVE.match(word)
    if m:
        try:
            return base + timedelta(days=int(m[1]) * (7 if m[2] == "w" else 1))
        except OverflowError:
            return None
    if word in ("today", "tomorrow"):
        return base + timedelta(days=word == "tomorrow")
    named = [i for i, name in enumerate(_WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
    if len(named) == 1:
        return base + timedelta(days=(named[0] - base.weekday() - 1) % 7 + 1)
    return parse_date(text)


def parse_birthday(text: str) -> Birthday | None:
    """``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown (29 February is a day of some year)."""
    m = _BIRTHDAY.match(text.strip())
    if not m:
        return None
    year = None if m[1] == "-" else int(m[1])
    try:
        date(year if year is not None else 2000, int(m[2]), int(m[3]))
    except ValueError:
        return None
    return Birthday(int(m[2]), int(m[3]), year)


def _date_hint(m: re.Match[str]) -> str:
    import calendar
    year, month = int(m[1]), int(m[2])
    if not 1 <= month <= 12:
        return "the month comes second: YYYY-MM-DD"
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    return f"{calendar.month_name[month]} {year} has {days} days"


_UNIT = {"d": 1, "w": 7, "m": 30}


def parse_cadence_span(text: str) -> tuple[int, int] | None:
    """A cadence as (ideal, most) days: ``4w..6w`` -> (28, 42): due after the first, overdue after the second.
    A plain ``30d`` is (30, 30): due and overdue from the same day, as it always was. None when it is not a
    cadence or the most comes before the ideal."""
    m = _CADENCE.match(text.strip())
    if not m:
        return None
    ideal = int(m[1]) * _UNIT[m[2].lower()]
    most = int(m[4]) * _UNIT[m[5].lower()] if m[3] else ideal
    return (ideal, most) if most >= ideal else None


def parse_cadence(text: str) -> int | None:
    """``30d`` -> 30, ``8w`` -> 56, ``3m`` -> 90 (a month counts 30 days); of ``4w..6w`` the ideal, 28."""
    span = parse_cadence_span(text)
    return span[0] if span else None


def cadence_text(ideal: int, most: int | None = None) -> str:
    """``30d``, or ``28d..42d`` when the most is longer than the ideal."""
    return f"{ideal}d" if most is None or most == ideal else f"{ideal}d..{most}d"


def parse_time_range(text: str) -> TimeRange | None:
    m = _RANGE.match(text.strip())
    if not m:
        return None
    start, end = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
    return TimeRange(start, end) if start < end else None


def parse_windows(text: str) -> Windows | None:
    """``"09:00-12:00, 15:00-18:00"``: one or more time ranges, each start before its end, none overlapping
    another (they are put in time order). None when any of that fails."""
    ranges = [parse_time_range(part) for part in text.split(",")]
    if not ranges or any(r is None for r in ranges):
        return None
    ordered = sorted(ranges, key=lambda r: r.start)  # type: ignore[union-attr]
    if any(a.end > b.start for a, b in zip(ordered, ordered[1:])):  # type: ignore[union-attr]
        return None
    return Windows(tuple(ordered))  # type: ignore[arg-type]


FLAGS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


@lru_cache(maxsize=None)
def valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def cadence_problem(text: str) -> tuple[str, str, str]:
    """(code, message, hint) for a cadence that does not read."""
    m = _CADENCE.match(text.strip())
    if m and m[3]:
        return ("E105", f"cadence '{text}': the most ({m[4]}{m[5]}) is shorter than the ideal ({m[1]}{m[2]})",
                "write the ideal first, then the most: 4w..6w")
    return ("E105", f"cadence '{text}' is not a number of days, weeks or months",
            "write it as 30d, 8w or 3m, or as ideal..most: 4w..6w")


def windows_problem(key: str, text: str) -> tuple[str, str]:
    """(message, hint) for call windows that do not read: which part, and why."""
    parts = [p.strip() for p in text.split(",")]
    for part in parts:
        if parse_time_range(part) is None:
            if _RANGE.match(part):
                return (f"'{key}: {text}': {part} starts after it ends",
                        "write the earlier time first; a window cannot run past midnight")
            return (f"'{key}: {text}' is not a time range" if len(parts) == 1 else
                    f"'{key}: {text}': '{part}' is not a time range",
                    "write it as \"09:00-12:00\" or several, \"09:00-12:00, 15:00-18:00\" (quoted, 24-hour clock)")
    ordered = sorted((parse_time_range(p) for p in parts), key=lambda r: r.start)  # type: ignore[union-attr]
    a, b = next((a, b) for a, b in zip(ordered, ordered[1:]) if a.end > b.start)  # type: ignore[union-attr]
    return (f"'{key}: {text}': the windows {a} and {b} overlap", "make them one window, or move one")


# Words people use for a field rippledoc names otherwise.
SYNONYMS = {"tier": "level", "triangle": "level", "rank": "grade", "zone": "timezone", "tz": "timezone",
            "company": "name", "person": "contact", "mail": "email", "tel": "phone", "telephone": "phone",
            "client_since": "since", "start": "since", "state": "status", "frequency": "cadence",
            "tag": "tags", "product": "products", "notes": "custom"}


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    words = list(choices) + [s for s, real in SYNONYMS.items() if real in choices]
    close = difflib.get_close_matches(word.lower(), words, n=1, cutoff=0.6)
    return f"did you mean '{SYNONYMS.get(close[0], close[0]) if close[0] not in choices else close[0]}'?" if close else ""


_EMPTY = ("", "~", "null", "Null", "NULL")
SUGGESTED = 100  # did-you-mean hints per mapping: beyond, a mapping of 60,000 unknown keys would spend seconds on them


class Fields:
    """Typed access to one mapping, collecting diagnostics in ``self.diags``."""

    def __init__(self, node: Mapping, path: str, diags: list[Diagnostic]):
        self.node = node
        self.path = path
        self.diags = diags

    def _err(self, at: Node, code: str, message: str, hint: str = "") -> None:
        self.diags.append(error(self.path, at.line, at.col, code, message, hint))

    def scalar(self, key: str) -> Scalar | None:
        node = self.node.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self._err(node, "E101", f"'{key}' must be text, not {kind_name(node)}",
                      f"write it on one line: {key}: …")
            return None
        if node.plain and node.text in _EMPTY:
            return None  # an empty value is an absent value
        return node

    def missing(self, key: str) -> bool:
        """True when the key is absent or its value is empty (not when it holds a list or mapping)."""
        node = self.node.get(key)
        return node is None or (isinstance(node, Scalar) and node.plain and node.text in _EMPTY)

    def require(self, key: str, message: str = "", hint: str = "") -> bool:
        """E100 when ``key`` is absent or empty; True when it is there."""
        if not self.missing(key):
            return True
        at = self.node.key_node(key) or self.node
        self.diags.append(error(self.path, at.line, at.col, "E100", message or f"'{key}' is required",
                                hint or f"add a line '{key}: …' to the front matter"))
        return False

    def text(self, key: str, required: bool = False) -> str | None:
        if required and not self.require(key):
            return None
        node = self.scalar(key)
        if node is None:
            return None
        self.warn_coercion(key, node)
        return node.text

    def warn_coercion(self, key: str, node: Scalar, item: bool = False) -> None:
        """W102: the text is kept, but YAML (and other tools reading this file) would change its type."""
        kind = node.yaml_type()
        if kind == "str":
            return
        names = {"bool": "a boolean", "int": "a number", "float": "a number", "null": "empty (null)",
                 "timestamp": "a date", "merge": "a merge key", "value": "a value key"}
        what = names.get(kind, kind)
        if kind in ("bool", "int", "float") and len(node.text) <= 30:
            try:
                value = yaml.safe_load(node.text)
            except Exception:  # noqa: BLE001 - only used to word the message
                value = None
            if value is not None and str(value) != node.text:
                what += f" ({value!r})"
        where = f"'{node.text}' in '{key}'" if item else f"'{key}: {node.text}'"
        quoted = f'"{node.text}"' if item else f'{key}: "{node.text}"'
        self.diags.append(warning(self.path, node.line, node.col, "W102",
                                  f"{where} is kept as the text you typed, but YAML reads it as {what}",
                                  f"quote it: {quoted}"))

    def date(self, key: str) -> date | None:
        node = self.scalar(key)
        return None if node is None else self.date_of(key, node)

    def date_of(self, key: str, node: Scalar) -> dt.date | None:
        value = parse_date(node.text)
        if value is None:
            m = _DATE.match(node.text.strip())
            if m:
                self._err(node, "E102", f"'{key}: {node.text}' is not a date that exists", _date_hint(m))
            else:
                self._err(node, "E102", f"'{key}: {node.text}' is not a date", "write dates as YYYY-MM-DD")
        return value

    def birthday(self, key: str) -> Birthday | None:
        node = self.scalar(key)
        if node is None:
            return None
        value = parse_birthday(node.text)
        if value is None:
            m = _BIRTHDAY.match(node.text.strip())
            if m and m[1] != "-":
                self._err(node, "E102", f"'{key}: {node.text}' is not a date that exists", _date_hint(m))
            else:
                self._err(node, "E102", f"'{key}: {node.text}' is not a birthday",
                          "write it as YYYY-MM-DD, or --MM-DD when the year is unknown")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        node = self.scalar(key)
        if node is None:
            return None
        if node.text not in allowed:
            hint = did_you_mean(node.text, allowed)
            self._err(node, "E103", f"{key} '{node.text}' is not one of {', '.join(allowed)}", hint)
            return None
        return node.text

    def zone(self, key: str) -> str | None:
        node = self.scalar(key)
        if node is None:
            return None
        if not valid_zone(node.text):
            self._err(node, "E104", f"unknown time zone '{node.text}'",
                      "use an IANA name such as Europe/London or America/Chicago")
            return None
        return node.text

    def cadence(self, key: str) -> tuple[int, int] | None:
        """(ideal, most) days: ``30d`` is (30, 30), ``4w..6w`` is (28, 42)."""
        node = self.scalar(key)
        if node is None:
            return None
        span = parse_cadence_span(node.text)
        if span is None:
            self._err(node, *cadence_problem(node.text))
        return span

    def windows(self, key: str) -> Windows | None:
        """Call windows: ``"09:30-11:30"`` or several, ``"09:00-12:00, 15:00-18:00"``."""
        node = self.scalar(key)
        if node is None:
            return None
        return self.windows_of(key, node)

    def windows_of(self, key: str, node: Scalar, where: str = "") -> Windows | None:
        """``where``: what the key is part of, said before the message ('schedule: ')."""
        value = parse_windows(node.text)
        if value is None:
            message, hint = windows_problem(key, node.text)
            self._err(node, "E106", where + message, hint)
        return value

    def flag(self, key: str) -> bool | None:
        """``true``/``false`` (also yes/no, on/off)."""
        node = self.scalar(key)
        if node is None:
            return None
        value = FLAGS.get(node.text.strip().lower())
        if value is None:
            self._err(node, "E103", f"{key} '{node.text}' is not one of true, false", f"write {key}: false to turn it off")
        return value

    def time_range(self, key: str) -> TimeRange | None:
        node = self.scalar(key)
        if node is None:
            return None
        value = parse_time_range(node.text)
        if value is None and _RANGE.match(node.text.strip()):
            self._err(node, "E106", f"'{key}: {node.text}' starts after it ends",
                      "write the earlier time first; a range cannot run past midnight")
        elif value is None:
            self._err(node, "E106", f"'{key}: {node.text}' is not a time range",
                      "write it as \"09:00-17:00\" (quoted, 24-hour clock, start before end)")
        return value

    def number(self, key: str) -> float | None:
        node = self.scalar(key)
        if node is None:
            return None
        if not _NUMBER.match(node.text.strip()) or len(node.text) > 40:
            self._err(node, "E109", f"'{key}: {node.text}' is not a number",
                      "write digits with an optional decimal point, e.g. 4200 or 4200.50 (no currency sign)")
            return None
        return float(node.text.strip().replace(",", ""))

    def text_list(self, key: str) -> tuple[str, ...]:
        node = self.node.get(key)
        if node is None:
            return ()
        if isinstance(node, Scalar):
            if node.plain and node.text in _EMPTY:
                return ()
            self.warn_coercion(key, node)
            return (node.text,)
        if not isinstance(node, Sequence):
            self._err(node, "E101", f"'{key}' must be a list of text, not {kind_name(node)}",
                      f"write it as {key}: [first, second]")
            return ()
        out = []
        for item in node.items:
            if not isinstance(item, Scalar):
                self._err(item, "E101", f"each item of '{key}' must be text, not {kind_name(item)}",
                          f"write it as {key}: [first, second]")
            else:
                self.warn_coercion(key, item, item=True)
                out.append(item.text)
        return tuple(out)

    def mapping_list(self, key: str) -> list[Mapping]:
        node = self.node.get(key)
        if node is None or (isinstance(node, Scalar) and node.plain and node.text in _EMPTY):
            return []
        if not isinstance(node, Sequence):
            self._err(node, "E101", f"'{key}' must be a list, not {kind_name(node)}",
                      f"write one item per line under '{key}:', each starting with '- {{'")
            return []
        out = []
        for item in node.items:
            if isinstance(item, Mapping):
                out.append(item)
            else:
                self._err(item, "E101", f"each item of '{key}' must be a mapping like {{date: …, what: …}}")
        return out

    def mapping(self, key: str) -> Mapping | None:
        node = self.node.get(key)
        if node is None or (isinstance(node, Scalar) and node.plain and node.text in _EMPTY):
            return None
        if not isinstance(node, Mapping):
            self._err(node, "E101", f"'{key}' must be a mapping, not {kind_name(node)}",
                      f"write 'key: value' lines indented under '{key}:'")
            return None
        return node

    def unknown_keys(self, known: tuple[str, ...], where: str = "") -> dict[str, Scalar]:
        """Every key not in ``known``, each warned about; the first ``SUGGESTED`` get a did-you-mean."""
        extra = {}
        for k, _ in self.node.items:
            if k.text not in known:
                extra[k.text] = k
                hint = did_you_mean(k.text, known) if len(extra) <= SUGGESTED else ""
                if not hint:
                    hint = "put fields of your own under 'custom:'" if not where else ""
                self.diags.append(warning(self.path, k.line, k.col, "W100",
                                          f"unknown key '{k.text}'{where}", hint))
        return extra
