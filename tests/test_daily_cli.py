"""`today` and `due` on the sample workspace: rituals beside the calls, and a day off shows the next day."""
import json

from click.testing import CliRunner

from conftest import REPO
from rippledoc.cli.app import main


def run(*args: str):
    result = CliRunner().invoke(main, ["-C", str(REPO), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_today_on_a_sunday_plans_monday_and_says_so():
    out = json.loads(run("today", "--today", "2026-11-22", "--json"))
    assert out["asked"] == "2026-11-22" and out["date"] == "2026-11-23"
    assert out["note"].startswith("Sunday is not one of your working days; here is the plan for Monday 23 Nov")
    # calls_per_day is 1, but Dunmore and Kestrel were both promised a call back on Monday: a promise is kept
    assert [(c["client"], c["kind"]) for c in out["calls"]] == [("dunmore-outdoor-gear", "callback"),
                                                                ("kestrel-freight-lines", "callback")]


def test_due_lists_the_rituals_due_beside_the_calls():
    out = json.loads(run("due", "--today", "2026-11-23", "--json"))
    due = {r["ritual"] for r in out["rituals"]}
    assert "weekly-connection-review" in due  # W48 has no record yet in the sample
    assert "one-a-day" not in due  # the calls themselves are the one-a-day ritual
    text = run("due", "--today", "2026-11-23")
    assert "Rituals due" in text and "not done for 2026-W48" in text


def test_a_ritual_done_this_period_is_not_listed():
    out = json.loads(run("today", "--today", "2026-11-20", "--json"))
    assert "weekly-connection-review" not in {r["ritual"] for r in out["rituals"]}


def test_a_date_outside_the_years_rippledoc_plans_for_is_a_usage_error():
    for args in (["today", "--today", "0001-01-01"], ["due", "--days", "366", "--today", "9999-12-31"],
                 ["log", "aurora", "--date", "1899-12-31"]):
        result = CliRunner().invoke(main, ["-C", str(REPO), *args])
        assert result.exit_code == 2 and "outside the years 1900-2999" in result.output
        assert "Traceback" not in result.output


def test_a_misspelt_client_gets_a_suggestion():
    result = CliRunner().invoke(main, ["-C", str(REPO), "log", "kestral", "--note", "x"])
    assert result.exit_code == 2
    assert "no client matches 'kestral'; did you mean 'kestrel-freight-lines'?" in result.output
