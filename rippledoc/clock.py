"""The clock: today's date where the workspace is, the only place rippledoc asks for the real date.

A workspace's day turns at midnight in its ``timezone`` (rippledoc.yaml), not
the machine's: a book kept in Tokyo on a laptop set to UTC is a day ahead for
nine hours each day. Everything else takes ``today: date`` as an argument.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Callable

from rippledoc.parse.settings import SETTINGS_FILE


def today_in(tz: str | None) -> date:
    """The date now in the IANA zone ``tz``; the machine's date when ``tz`` is empty or unknown."""
    if tz:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            return datetime.now(ZoneInfo(tz)).date()
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return date.today()


def workspace_zone(root: Path) -> str:
    """The workspace's time zone, from rippledoc.yaml alone (the default when the file has none)."""
    from rippledoc.book.loader import load_settings
    return load_settings(Path(root))[0].timezone


def workspace_clock(root: Path) -> Callable[[], date]:
    """A clock for a long-running command: today in the workspace's zone, rippledoc.yaml re-read when it changes."""
    path = Path(root) / SETTINGS_FILE
    seen: dict[str, object] = {"stamp": (), "zone": ""}

    def today() -> date:
        try:
            st = path.stat()
            stamp: tuple[int, ...] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = (-1,)
        if stamp != seen["stamp"]:
            seen["stamp"], seen["zone"] = stamp, workspace_zone(Path(root))
        return today_in(str(seen["zone"]))
    return today
