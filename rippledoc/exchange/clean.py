"""Turning what a contact list holds into values a client file accepts.

Every function takes raw text and returns ``(value, problem)``: the cleaned
value (``""`` for nothing) and, when the text cannot be used, why.
"""
from __future__ import annotations

import re
from datetime import date

from rippledoc.parse.fields import parse_birthday, parse_cadence_span, parse_date, parse_time_range, valid_zone
from rippledoc.model import GRADES, LEVELS, STATUSES

_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
_SPLIT_MULTI = re.compile(r"\s*(?::::|;)\s*")  # Google's ' ::: ', a ';' list
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DOT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]")


def one_line(text: str) -> str:
    """Whitespace, line breaks included, collapsed to single spaces; control characters dropped."""
    return " ".join(_CONTROL.sub("", text).split())


def notes(text: str) -> str:
    """Free text kept over several lines: line endings made LF, control characters dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def joined_lines(text: str) -> str:
    """A multi-line value (a street over two lines) as one line: 'a, b'."""
    parts = [one_line(p) for p in text.replace("\r", "\n").split("\n")]
    return ", ".join(p for p in parts if p)


def first_of(text: str) -> str:
    """The first of several values in one cell: 'a@x ::: b@y' -> 'a@x'."""
    for part in _SPLIT_MULTI.split(text.strip()):
        if part.strip():
            return part.strip()
    return ""


def values_of(text: str) -> list[str]:
    """Every value in one cell: 'a@x ::: b@y' -> ['a@x', 'b@y']."""
    return [p.strip() for p in _SPLIT_MULTI.split(one_line(text)) if p.strip()]


_EXCHANGE = re.compile(r"^/o=|/ou=|/cn=", re.I)


def is_exchange_address(value: str) -> bool:
    """An Exchange (X.500, Outlook's 'EX' type) address: '/o=ExchangeLabs/ou=…/cn=Recipients/cn=…'."""
    return "@" not in value and bool(_EXCHANGE.search(value.strip()))


def email(text: str) -> tuple[str, str]:
    value = first_of(one_line(text)).removeprefix("mailto:").removeprefix("MAILTO:").strip("<>")
    if not value:
        return "", ""
    if not _EMAIL.match(value):
        return "", f"'{value}' is not an email address"
    return value, ""


def email_key(value: str) -> str:
    return value.strip().removeprefix("mailto:").casefold()


def phone(text: str) -> tuple[str, str]:
    value = first_of(one_line(text))
    value = re.sub(r"^tel:", "", value, flags=re.I)
    if value and not any(ch.isdigit() for ch in value):
        return "", f"phone '{value}' has no digits"
    return value, ""


def labelled(number: str, label: str) -> str:
    """A number of the ``phones`` list: '+49 170 1234567 (mobile)'."""
    return f"{number} ({label})" if label and not number.endswith(")") else number


def phone_key(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits


def text_key(value: str) -> str:
    return one_line(value).casefold()


def loose_date(text: str) -> date | None:
    """YYYY-MM-DD (a time after it is ignored), M/D/YYYY as US exports write it, D.M.YYYY."""
    t = text.strip()
    m = _ISO_TIME.match(t)
    if m:
        t = m[1]
    d = parse_date(t)
    if d is not None:
        return d
    for pattern, month_first in ((_US_DATE, True), (_DOT_DATE, False)):
        m = pattern.match(t)
        if m:
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            month, day = (a, b) if month_first else (b, a)
            try:
                return date(y, month, day)
            except ValueError:
                return None
    return None


_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")  # vCard 4 and Google: --MM-DD, --MMDD
_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # vCard 3: YYYYMMDD
_BLANK_DATE = re.compile(r"^0+[/.-]0+[/.-]0+$")  # Outlook's 0/0/00: none
APPLE_NO_YEAR = 1604  # Apple Contacts writes a birthday without a year in 1604 (X-APPLE-OMIT-YEAR)


def birthday(raw: str, today: date) -> tuple[str, str]:
    """A birthday as the client file writes it: ``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown."""
    text = one_line(raw)
    if not text or _BLANK_DATE.match(text):
        return "", ""
    m = _NO_YEAR.match(text)
    if m:
        found = parse_birthday(f"--{m[1]}-{m[2]}")
        return (str(found), "") if found else ("", f"birthday '{text}' is not a day of the year")
    m = _BASIC.match(text)
    d = loose_date(f"{m[1]}-{m[2]}-{m[3]}" if m else text)
    if d is None:
        return "", f"birthday '{text}' is not a date"
    if d.year == APPLE_NO_YEAR:
        return f"--{d.month:02d}-{d.day:02d}", ""
    if d > today:
        return "", f"birthday {d} lies in the future"
    return d.isoformat(), ""


def field_value(key: str, raw: str, today: date) -> tuple[str, str]:
    """Clean one value for client field ``key``; ``(text as it will be written, problem)``."""
    if key == "email":
        return email(raw)
    if key == "phone":
        return phone(raw)
    if key in ("since", "snooze"):
        if not raw.strip():
            return "", ""
        d = loose_date(raw)
        if d is None:
            return "", f"{key} '{raw.strip()}' is not a date (YYYY-MM-DD)"
        if key == "since" and d > today:
            return "", f"since {d} lies in the future"
        return d.isoformat(), ""
    value = one_line(raw)
    if not value:
        return "", ""
    if key in ("level", "grade", "status"):
        allowed = {"level": LEVELS, "grade": GRADES, "status": STATUSES}[key]
        if value.lower() not in allowed:
            return "", f"{key} '{value}' is not one of {', '.join(allowed)}"
        return value.lower(), ""
    if key == "timezone" and not valid_zone(value):
        return "", f"unknown time zone '{value}'"
    if key == "cadence" and parse_cadence_span(value) is None:
        return "", f"cadence '{value}' is not like 30d, 8w, 3m or 4w..6w"
    if key == "hours" and parse_time_range(value) is None:
        return "", f"hours '{value}' are not like 09:00-17:00"
    if key == "website":
        value = first_of(value)
    return value, ""


def tags(raw: str) -> tuple[str, ...]:
    """Labels or categories: 'a ::: b' (Google) or 'a; b' (Outlook, rippledoc's own sheet); a comma is part
    of a label ('Health, Wellness and Fitness'). Google's system labels ('* starred') are dropped."""
    out: list[str] = []
    for part in _SPLIT_MULTI.split(raw):
        part = one_line(part)
        if part and not part.startswith("* ") and part not in out:
            out.append(part)
    return tuple(out)
