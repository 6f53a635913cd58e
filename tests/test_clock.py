"""'Today' is the date where the workspace is (its ``timezone`` in rippledoc.yaml), not the machine's.

The clock is fixed at 2026-11-22 23:30 UTC: already Monday 2026-11-23 in
Tokyo, still Sunday 2026-11-22 in UTC and New York.
"""
from __future__ import annotations

import inspect
import os
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from conftest import write
from rippledoc import clock
from rippledoc.cli.app import main

INSTANT = datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc)
SUNDAY, MONDAY = date(2026, 11, 22), date(2026, 11, 23)


class FixedClock(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return INSTANT.astimezone(tz) if tz else INSTANT.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "datetime", FixedClock)


def book(tmp_path, zone: str):
    return write(tmp_path, {
        "rippledoc.yaml": f"me: stan\ntimezone: {zone}\nteam:\n  stan: {{name: Stan Ortiz}}\n",
        "clients/acme.md": "---\nname: Acme Tools\nowner: stan\nlevel: key\nstatus: active\n---\n## Log\n",
    })


def run(root, *args):
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


@pytest.mark.parametrize("zone, day", [("Asia/Tokyo", MONDAY), ("UTC", SUNDAY), ("America/New_York", SUNDAY),
                                       ("Pacific/Kiritimati", MONDAY)])
def test_today_is_the_date_in_the_zone(zone, day):
    assert clock.today_in(zone) == day


def test_an_unknown_or_missing_zone_is_the_machines_date():
    assert clock.today_in("") == date.today()
    assert clock.today_in("Mars/Base") == date.today()


def test_the_workspace_zone_is_read_from_rippledoc_yaml_alone(tmp_path):
    root = book(tmp_path, "Asia/Tokyo")
    (root / "clients" / "broken.md").write_text("---\nname: [unclosed\n---\n")
    assert clock.workspace_zone(root) == "Asia/Tokyo"
    assert clock.workspace_zone(tmp_path / "nowhere") == "UTC"  # no rippledoc.yaml: the default


def test_ritual_start_without_today_names_the_week_of_the_workspace(tmp_path):
    root = book(tmp_path, "Asia/Tokyo")
    result = run(root, "ritual", "start", "weekly-connection-review")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "  created rituals/weekly-connection-review/2026-W48.md"
    assert "date: 2026-11-23\n" in (root / "rituals/weekly-connection-review/2026-W48.md").read_text()


def test_the_same_instant_is_still_sunday_in_new_york(tmp_path):
    root = book(tmp_path, "America/New_York")
    result = run(root, "ritual", "start", "weekly-connection-review")
    assert result.output.splitlines()[0] == "  created rituals/weekly-connection-review/2026-W47.md"


def test_an_explicit_today_wins_over_the_clock(tmp_path):
    root = book(tmp_path, "Asia/Tokyo")
    result = run(root, "ritual", "start", "weekly-connection-review", "--today", "2026-11-18")
    assert result.output.splitlines()[0] == "  created rituals/weekly-connection-review/2026-W47.md"


def test_new_dates_since_by_the_workspace_zone(tmp_path):
    root = book(tmp_path, "Asia/Tokyo")
    assert run(root, "new", "Northwind Traders").exit_code == 0
    assert "since: 2026-11-23\n" in (root / "clients" / "northwind-traders.md").read_text()


def test_import_is_given_the_workspace_date(tmp_path, monkeypatch):
    from rippledoc.exchange import importer
    seen = {}

    def fake_run_import(root, kind, raw, overrides=(), *, today, dry_run=False, encoding=None):
        seen["today"] = today
        return None, "stopped here", True
    monkeypatch.setattr(importer, "run_import", fake_run_import)
    root = book(tmp_path, "Asia/Tokyo")
    (tmp_path / "sheet.csv").write_text("company\nGlobex\n")
    run(root, "import", "csv", str(tmp_path / "sheet.csv"))
    assert seen["today"] == MONDAY


def test_the_import_library_takes_today_from_its_caller():
    from rippledoc.exchange.csvin import read_csv
    from rippledoc.exchange.importer import run_import
    for f in (read_csv, run_import):
        assert inspect.signature(f).parameters["today"].default is inspect.Parameter.empty, f.__name__
    with pytest.raises(TypeError):
        read_csv(b"company\nGlobex\n")  # type: ignore[call-arg]


def test_the_serve_clock_follows_the_workspace_zone_and_its_changes(tmp_path):
    root = book(tmp_path, "Asia/Tokyo")
    today = clock.workspace_clock(root)
    assert today() == MONDAY
    (root / "rippledoc.yaml").write_text("me: stan\ntimezone: America/New_York\nteam:\n  stan: {name: Stan}\n")
    st = (root / "rippledoc.yaml").stat()
    os.utime(root / "rippledoc.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a save a second later
    assert today() == SUNDAY


def test_serve_rolls_over_at_the_workspace_midnight(tmp_path, monkeypatch):
    from rippledoc.site import serve
    clocks = []

    class Stop(Exception):
        pass

    def capture(root, out, today, live=True):
        clocks.append(today)
        raise Stop
    monkeypatch.setattr(serve, "SiteBuilder", capture)
    root = book(tmp_path, "Asia/Tokyo")
    with pytest.raises(Stop):
        serve.run(root, port=0, quiet=True)
    assert clocks[0]() == MONDAY
