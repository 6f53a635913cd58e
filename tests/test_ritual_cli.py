"""The commands as a person runs them: ritual list/start/show and metrics."""
import json
import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from conftest import load_workspace
from rippledoc.views.metrics import compute_metrics
from rippledoc.parse.periods import Span

from conftest import REPO

TODAY = "2026-11-23"


@pytest.fixture
def sample(tmp_path):
    """A copy of the repository's sample workspace."""
    for name in ("clients", "rituals"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "rippledoc.yaml", tmp_path / "rippledoc.yaml")
    return tmp_path


def run(root, *args):
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


def test_the_sample_workspace_is_clean(sample):
    result = run(sample, "check", "--strict", "--today", TODAY)
    assert result.exit_code == 0, result.output


def test_ritual_list(sample):
    result = run(sample, "ritual", "list", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "DUE weekly-connection-review   weekly    last 2026-11-20   10 clients  not done for 2026-W48; " \
           "last 2026-W47 (2026-11-20)" in lines
    assert "DUE high-grade                 quarterly last 2026-09-25   18 clients  not done for 2026-Q4; " \
           "last 2026-Q3 (2026-09-25)" in lines
    assert any(line.startswith("    twelve-days") and "in season from 2026-12-01" in line for line in lines)
    assert lines[-1] == "Start one with: rippledoc ritual start client-for-life"
    data = json.loads(run(sample, "ritual", "list", "--json", "--today", TODAY).output)
    assert {r["ritual"]: r["due"] for r in data} == {
        "client-for-life": True, "high-grade": True, "one-a-day": True, "quarterly-business-review": True,
        "twelve-days": False, "weekly-connection-review": True}


def test_ritual_start_writes_once_then_keeps_what_exists(sample):
    result = run(sample, "ritual", "start", "weekly-connection-review", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "  created rituals/weekly-connection-review/2026-W48.md"
    path = sample / "rituals/weekly-connection-review/2026-W48.md"
    before = path.read_bytes()
    again = run(sample, "ritual", "start", "weekly", "--today", TODAY)  # a prefix of the name is enough
    assert again.exit_code == 0
    assert "The record already exists; nothing written" in again.output
    assert path.read_bytes() == before
    check = run(sample, "check", "--today", TODAY)
    assert check.exit_code == 0 and "W400" in check.output  # empty scores are warnings until filled in


def test_ritual_start_with_a_date_and_a_year(sample):
    result = run(sample, "ritual", "start", "High-grade", "--date", "2026-12-30", "--today", TODAY)
    assert result.output.splitlines()[0] == "  created rituals/high-grade/2026-Q4.md"
    result = run(sample, "ritual", "start", "twelve-days", "--year", "2026", "--today", TODAY)
    assert result.exit_code == 0
    assert result.output.count("created rituals/twelve-days/2026/2026-12-") == 12
    ws, diags = load_workspace(sample, date(2026, 11, 23))
    assert [d for d in diags if d.is_error] == []


def test_ritual_usage_errors(sample):
    result = run(sample, "ritual", "start", "quarterly-sales", "--today", TODAY)
    assert result.exit_code == 2 and "rippledoc: no ritual 'quarterly-sales'; known: client-for-life" in result.output
    result = run(sample, "ritual", "start", "one-a-day", "--today", TODAY)
    assert result.exit_code == 2 and "kept in the client logs" in result.output
    result = run(sample, "ritual", "start", "high-grade", "--date", "2026-02-30")
    assert result.exit_code == 2 and "'2026-02-30' is not a date" in result.output


def test_ritual_show(sample):
    result = run(sample, "ritual", "show", "twelve-days", "--period", "2025", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "  12 sheets, 2025" in lines
    assert "  2025-12-13  Calloway & Finch Architects       letter posted 2025-12-16, after its day" in lines
    assert "  2025-12-20  Brandt & Söhne Feinmechanik GmbH  its day passed without a letter" in lines
    assert result.output.rstrip().endswith("6 of 12 letters sent")
    data = json.loads(run(sample, "ritual", "show", "weekly-connection-review", "--json", "--today", TODAY).output)
    assert data["period"] == "2026-W47" and len(data["records"]) == 10
    kestrel = next(e for e in data["entries"] if e["client"] == "kestrel-freight-lines")
    assert kestrel["scores"] == {"solves": 4, "profit": 3, "expectations": 2, "resolution": 3, "like": 3}


def test_metrics_json_carries_the_numbers_compute_metrics_gives(sample):
    result = run(sample, "metrics", "--json", "--from", "2026-01-01", "--to", "2026-11-23", "--today", TODAY)
    assert result.exit_code == 0
    ws, _ = load_workspace(sample, date(2026, 11, 23))
    expected = compute_metrics(ws, Span(date(2026, 1, 1), date(2026, 11, 23)), date(2026, 11, 23)).to_json()
    assert json.loads(result.output) == expected
    falling = [f["client"] for f in expected["scores"]["weekly-connection-review"]["falling"]]
    assert falling == ["kestrel-freight-lines", "moorfield-lettings"]
    assert [x["client"] for x in expected["grades"]["let_go"]] == ["copperleaf-landscaping", "vantage-point-realty"]


def test_metrics_text_and_periods(sample):
    result = run(sample, "metrics", "--from", "2026-07-01", "--today", TODAY)
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Metrics 2026-07-01 to 2026-11-23 (20 clients)\n")
    for line in ("  FALLING Kestrel Freight Lines: -0.16 per review (profit, expectations, resolution, like)",
                 "  2026-09-29 Tidewater Regional Food Bank: key -> for-life (up)",
                 "  Kestrel Freight Lines               7.33  7.33    -         8       6      8",
                 "  consider letting go: Vantage Point Realty (graded three in 3 sessions in a row since 2026-Q1)"):
        assert line in out.splitlines()
    quarter = run(sample, "metrics", "--period", "2026-Q3", "--today", TODAY).output
    assert quarter.startswith("Metrics 2026-07-01 to 2026-09-30 (20 clients)\n")
    assert "FALLING Kestrel" not in quarter  # up to 30 September its scores had not fallen enough
    mine = json.loads(run(sample, "metrics", "--owner", "lena", "--json", "--today", TODAY).output)
    assert mine["owner"] == "lena" and all(r["owner"] == "lena" for r in mine["clients"])


def test_metrics_usage_errors(sample):
    assert run(sample, "metrics", "--period", "autumn").exit_code == 2
    assert run(sample, "metrics", "--from", "2026-12-01", "--to", "2026-01-01").exit_code == 2
    result = run(sample, "metrics", "--owner", "zed", "--today", TODAY)
    assert result.exit_code == 2 and "--owner 'zed' is not in the team" in result.output


def test_a_record_for_a_client_file_with_an_odd_name_reads_back(tmp_path):
    """A file called ``c: d.md`` is warned about (W101), and the record naming it still parses."""
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text("me: stan\ntimezone: UTC\nteam:\n  stan: {name: Stan Ortiz}\n")
    (tmp_path / "clients" / "c: d.md").write_text(
        "---\nname: Cedar Dental\nowner: stan\nlevel: key\nstatus: active\n---\n## Log\n")
    check = run(tmp_path, "check", "--today", TODAY)
    assert check.exit_code == 0
    assert "clients/c: d.md: warning[W101]: the file name 'c: d' is not a plain slug" in check.output
    assert "hint: rename it to clients/cedar-dental.md, the name 'rippledoc new' would give it" in check.output
    result = run(tmp_path, "ritual", "start", "weekly-connection-review", "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "rituals/weekly-connection-review/2026-W48.md").read_text()
    assert '\n  "c: d":  # ' in text
    ws, diags = load_workspace(tmp_path, date(2026, 11, 23))
    assert [d.code for d in diags if d.is_error] == []
    [record] = ws.records
    assert [e.client for e in record.entries] == ["c: d"]


def test_a_started_sheet_without_scores_keeps_the_ritual_due(sample):
    run(sample, "ritual", "start", "weekly-connection-review", "--today", TODAY)
    listing = run(sample, "ritual", "list", "--today", TODAY, "--json")
    weekly = next(r for r in json.loads(listing.output) if r["ritual"] == "weekly-connection-review")
    assert weekly["due"] is True
    assert weekly["reason"].startswith("started for 2026-W48, no scores yet")
