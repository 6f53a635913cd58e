"""rippledoc.yaml: what it sets, and what check says about it."""
from __future__ import annotations

from datetime import time

from rippledoc.parse.settings import parse_settings
from rippledoc.read.source import Text


def settings(text: str):
    return parse_settings(Text("rippledoc.yaml", text, text.encode()))


def where(diags):
    return [f"{d.line}:{d.col} {d.code}" for d in diags]


def test_a_complete_file():
    s, diags = settings(
        "title: Ripple Consulting\nme: stan\ntimezone: America/New_York\ncall_window: \"09:30-11:30\"\n"
        "working_days: [mon, tue, Wednesday, thu]\nclient_hours: \"08:00-16:00\"\n"
        "team:\n  stan: {name: Stan Ortiz, email: stan@ripple.example, role: principal}\n  omar: Omar Haddad\n"
        "limits:\n  max_file_kb: 256\n")
    assert diags == []
    assert (s.title, s.me, s.timezone, s.working_days) == ("Ripple Consulting", "stan", "America/New_York", (0, 1, 2, 3))
    assert (s.call_window.start, s.client_hours.end) == (time(9, 30), time(16, 0))
    assert s.team["stan"].email == "stan@ripple.example" and s.team["omar"].name == "Omar Haddad"
    assert s.max_file_bytes == 256 * 1024


def test_every_problem_with_its_place():
    s, diags = settings("me: stanley\ntimezone: Europe/Berlinn\nworking_days: [mon, tue, wedn]\n"
                        "call_window: 9-11\nteam:\n  stan: {name: Stan}\n  priya: [a]\n"
                        "limits: {max_file_kb: 0}\ntitel: Book\n")
    assert sorted(where(diags), key=lambda w: int(w.split(":")[0])) == [
        "1:5 E302", "2:11 E104", "3:26 E103", "4:14 E106", "7:10 E101", "8:23 E109", "9:1 W100"]
    assert s.timezone == "UTC" and s.max_file_bytes == 1024 * 1024 and s.working_days == (0, 1)
    assert next(d for d in diags if d.code == "W100").hint == "did you mean 'title'?"


def test_not_a_mapping():
    _, diags = settings("- title: Book\n")
    assert where(diags) == ["1:1 E013"]
