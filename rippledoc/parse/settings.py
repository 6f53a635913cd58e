"""``rippledoc.yaml``: who I am, my zone, my call windows and week, the team, the site title.

My week: ``call_window`` (one window or several, ``"09:00-12:00, 15:00-18:00"``) on each of the
``working_days``; ``schedule`` gives a weekday windows of its own or takes it off (``fri: "09:00-12:00"``,
``sat: off``, ``thu: "09:00-12:00, 19:00-21:00"``); ``holidays`` are dates off, whatever their weekday.
``birthdays`` and ``anniversaries`` (true by default) make those dates reasons to call (views/due.py).
"""
from __future__ import annotations

from rippledoc.read import yamltree
from rippledoc.diagnostics import Diagnostic, error
from datetime import date

from rippledoc.parse.fields import DAY_OFF, Fields, did_you_mean, node_at
from rippledoc.model import WEEKDAYS, Settings, Source, TeamMember, Windows
from rippledoc.read.source import Text

KNOWN_KEYS = ("title", "me", "timezone", "call_window", "working_days", "schedule", "holidays", "client_hours",
              "team", "limits", "story_ask_days", "birthdays", "anniversaries")
FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SETTINGS_FILE = "rippledoc.yaml"


def parse_settings(src: Text | None) -> tuple[Settings, list[Diagnostic]]:
    if src is None:
        return Settings(), []
    node, diags = yamltree.parse(src.text, src.path, 1)
    if node is None:
        return Settings(source=Source(src.path, 1)), diags
    if not isinstance(node, yamltree.Mapping):
        return Settings(source=Source(src.path, 1)), diags + [
            error(src.path, node.line, node.col, "E013", "rippledoc.yaml must be a mapping of 'key: value' lines",
                  "write one setting per line, e.g. 'timezone: Europe/London'")]
    f = Fields(node, src.path, diags)
    default = Settings()
    team: dict[str, TeamMember] = {}
    team_node = f.mapping("team")
    for key, value in team_node.items if team_node else ():
        if isinstance(value, yamltree.Mapping):
            g = Fields(value, src.path, diags)
            g.unknown_keys(("name", "email", "role", "handles"), " in a team member")
            team[key.text] = TeamMember(key.text, g.text("name") or key.text, g.text("email") or "",
                                        g.text("role") or "", g.text_list("handles"))
        elif isinstance(value, yamltree.Scalar):
            team[key.text] = TeamMember(key.text, value.text or key.text)
        else:
            diags.append(error(src.path, value.line, value.col, "E101",
                               f"team member '{key.text}' must be a mapping like {{name: …, email: …}}"))
    days = []
    wd = node_at(f.node, "working_days")
    for day in f.text_list("working_days"):
        d = weekday(day)
        if d is not None:
            days.append(d)
        else:
            written = wd.items if isinstance(wd, yamltree.Sequence) else ()
            at = next((n for n in written if isinstance(n, yamltree.Scalar) and n.text == day), wd)
            diags.append(error(src.path, at.line, at.col, "E103",
                               f"working day '{day}' is not one of {', '.join(WEEKDAYS)}",
                               did_you_mean(day.strip().lower(), WEEKDAYS + FULL_DAYS)))
    max_bytes = default.max_file_bytes
    limits = f.mapping("limits")
    if limits is not None:
        g = Fields(limits, src.path, diags)
        g.unknown_keys(("max_file_kb",), " in limits")
        kb = g.number("max_file_kb")
        if kb is not None and kb > 0:
            max_bytes = int(kb * 1024)
        elif kb is not None:
            at = node_at(limits, "max_file_kb")
            diags.append(error(src.path, at.line, at.col, "E109",
                               f"max_file_kb: {kb:g} must be more than 0", "the default is 1024"))
    ask_days = default.story_ask_days
    asked = f.number("story_ask_days")
    if asked is not None and asked >= 1 and asked == int(asked):
        ask_days = int(asked)
    elif asked is not None:
        at = node_at(node, "story_ask_days")
        diags.append(error(src.path, at.line, at.col, "E109",
                           f"story_ask_days: {asked:g} must be a whole number of days, 1 or more",
                           "the default is 14"))
    me = f.text("me")
    if me and team and me not in team:
        k = node_at(node, "me")
        diags.append(error(src.path, k.line, k.col, "E302",
                           f"me: '{me}' is not a key of team ({', '.join(team)})"))
    extra_keys = f.unknown_keys(KNOWN_KEYS)
    flags = {k: f.flag(k) for k in ("birthdays", "anniversaries")}
    settings = Settings(
        title=f.text("title") or default.title, me=me,
        timezone=f.zone("timezone") or default.timezone,
        call_window=f.windows("call_window") or default.call_window,
        working_days=tuple(sorted(set(days))) if days else default.working_days,
        client_hours=f.time_range("client_hours") or default.client_hours,
        team=team, max_file_bytes=max_bytes, story_ask_days=ask_days,
        extra={k: yamltree.to_python(node.get(k)) for k in extra_keys},  # type: ignore[arg-type]
        source=Source(src.path, 1),
        schedule=_schedule(f), holidays=_holidays(f),
        **{k: v for k, v in flags.items() if v is not None},
    )
    return settings, diags


def weekday(text: str) -> int | None:
    """``mon`` or ``monday`` (any case) -> 0; None for anything else."""
    d = text.strip().lower()
    return WEEKDAYS.index(d[:3]) if d in WEEKDAYS or d in FULL_DAYS else None


def _schedule(f: Fields) -> dict[int, Windows]:
    """``schedule: {mon: "09:00-12:00, 15:00-18:00", fri: "09:00-12:00", sat: off}``: weekday -> windows."""
    node = f.mapping("schedule")
    out: dict[int, Windows] = {}
    for key, value in node.items if node else ():
        d = weekday(key.text)
        if d is None:
            f.diags.append(error(f.path, key.line, key.col, "E103",
                                 f"schedule: '{key.text}' is not one of {', '.join(WEEKDAYS)}",
                                 did_you_mean(key.text.strip().lower(), WEEKDAYS + FULL_DAYS)))
            continue
        if not isinstance(value, yamltree.Scalar):
            f.diags.append(error(f.path, value.line, value.col, "E101",
                                 f"schedule: '{key.text}' must be call windows or off, not {yamltree.kind_name(value)}",
                                 f'write it on one line: {key.text}: "09:00-12:00, 15:00-18:00"'))
            continue
        if value.text.strip() in DAY_OFF or (value.plain and value.text.strip().lower() in ("no", "false", "none")):
            out[d] = Windows()
            continue
        windows = f.windows_of(key.text, value, "schedule: ")
        if windows is not None:
            out[d] = windows
    return out


def _holidays(f: Fields) -> frozenset[date]:
    """``holidays: [2026-12-24, 2026-12-25]``: days off, whatever their weekday (one date alone is a list of one)."""
    node = f.node.get("holidays")
    if node is None or (isinstance(node, yamltree.Scalar) and node.plain and node.text in ("", "~", "null")):
        return frozenset()
    items = node.items if isinstance(node, yamltree.Sequence) else (node,)
    days = set()
    for item in items:
        if isinstance(item, yamltree.Scalar):
            d = f.date_of("holidays", item)
            if d is not None:
                days.add(d)
        else:
            f.diags.append(error(f.path, item.line, item.col, "E101",
                                 f"'holidays' must be a list of dates, not {yamltree.kind_name(item)}",
                                 "write it as holidays: [2026-12-24, 2026-12-25]"))
    return frozenset(days)
