"""Reviews applied to the book: what a review decided lives in the client files, one line each, and check says
when a file drifts from the latest applied review; the definition says which answer goes to which field."""
from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import load_workspace
from rippledoc.cli.app import main

TODAY = date(2026, 11, 22)


def client(name: str, grade: str | None, level: str = "key") -> str:
    return (f"---\nname: {name}\ntimezone: UTC\nlevel: {level}\n" + (f"grade: {grade}\n" if grade else "")
            + "---\nNotes.\n")


BOOK = {
    "rippledoc.yaml": "me: ann\nteam:\n  ann: {name: Ann Lee}\n",
    "clients/tokyo.md": client("東京ロジスティクス", "two"),
    "clients/athina.md": client("Αθήνα Ναυτιλιακή", "two"),
    "clients/oslo.md": client("Øresund Havn", None),
    "clients/moskva.md": client("Москва Импорт", "top"),
    "rituals/high-grade/2026-Q3.md": "---\ndate: 2026-09-25\nclients:\n  tokyo: {grade: two}\n---\n",
    "rituals/high-grade/2026-Q4.md": ("---\ndate: 2026-11-20\nclients:\n  tokyo: {grade: top}\n"
                                      "  athina: {grade: top, why: \"they make us better\"}\n  oslo: {grade: top}\n"
                                      "  moskva: {grade: top}\n---\n# High-grade, 2026-Q4\n"),
}


def run(root, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args, "--today", TODAY.isoformat()])


def test_metrics_says_which_grades_a_review_decided_but_no_file_holds_yet(workspace):
    root = workspace(BOOK)
    out = run(root, "metrics").output
    assert "Grades now (clients on the book, active and paused): top 1, two 2, three 0, ungraded 1" in out
    assert ("  東京ロジスティクス: file says two, the high-grade review of 2026-Q4 (2026-11-20) said top; not applied "
            "yet: rippledoc ritual apply high-grade 2026-Q4") in out.splitlines()
    assert "  Øresund Havn: file says nothing, the high-grade review of 2026-Q4 (2026-11-20) said top" in out
    assert run(root, "check").exit_code == 0  # a review not applied yet is no warning


def test_apply_writes_each_decision_as_one_line_and_marks_the_record(workspace):
    root = workspace(BOOK)
    dry = run(root, "ritual", "apply", "high-grade", "2026-Q4", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[-1] == "3 changes, 1 already in the files (dry run, nothing written)."
    assert (root / "clients/tokyo.md").read_text(encoding="utf-8") == BOOK["clients/tokyo.md"]

    result = run(root, "ritual", "apply", "high-grade", "2026-Q4", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(w["client"], w["from"], w["to"]) for w in data["writes"]] == [
        ("tokyo", "two", "top"), ("athina", "two", "top"), ("oslo", None, "top")]
    assert (data["agreed"], data["applied"]) == (1, "2026-11-22")
    assert (root / "clients/tokyo.md").read_text(encoding="utf-8") == BOOK["clients/tokyo.md"].replace(
        "grade: two", "grade: top")
    assert (root / "clients/oslo.md").read_text(encoding="utf-8") == BOOK["clients/oslo.md"].replace(
        "level: key\n", "level: key\ngrade: top\n")
    assert (root / "rituals/high-grade/2026-Q4.md").read_text(encoding="utf-8") == \
        BOOK["rituals/high-grade/2026-Q4.md"].replace("date: 2026-11-20\n", "date: 2026-11-20\napplied: 2026-11-22\n")

    out = run(root, "metrics").output
    assert "Grades now (clients on the book, active and paused): top 4, two 0, three 0, ungraded 0" in out
    assert "not applied yet" not in out and run(root, "check").exit_code == 0
    again = run(root, "ritual", "apply", "high-grade", "2026-Q4")
    assert again.exit_code == 0 and "0 changes, 4 already in the files" in again.output


def test_an_older_review_never_overwrites_what_a_later_one_decided(workspace):
    root = workspace(BOOK)
    result = run(root, "ritual", "apply", "high-grade", "2026-Q3")
    assert result.exit_code == 0, result.output
    assert "  left alone: 1 decision made again since in rituals/high-grade/2026-Q4.md" in result.output
    assert (root / "clients/tokyo.md").read_text(encoding="utf-8") == BOOK["clients/tokyo.md"]


def test_check_warns_when_a_file_drifts_from_the_latest_applied_review(workspace):
    root = workspace(BOOK)
    assert run(root, "ritual", "apply", "high-grade", "2026-Q4").exit_code == 0
    path = root / "clients/athina.md"
    path.write_text(path.read_text(encoding="utf-8").replace("grade: top", "grade: three"), encoding="utf-8")
    ws, diags = load_workspace(root, TODAY)
    assert [(d.path, d.line, d.code, d.message) for d in diags] == [
        ("clients/athina.md", 5, "W402", "grade: three in the file, but the High-grade review of 2026-Q4, applied "
                                         "2026-11-22, decided top")]
    # the same disagreement is metrics' 'changed in the file since it was applied'
    assert "Αθήνα Ναυτιλιακή: file says three, the high-grade review of 2026-Q4 (2026-11-20) said top; changed in " \
           "the file since it was applied" in run(root, "metrics").output
    # a later review, not applied yet, that says what the file says settles it
    (root / "rituals/high-grade/2027-Q1.md").write_text("---\ndate: 2027-01-05\nclients:\n  athina: {grade: three}\n---\n")
    _, diags = load_workspace(root, TODAY)
    assert [d.code for d in diags] == []


def test_check_warns_for_levels_as_for_grades(workspace):
    root = workspace(BOOK | {"rituals/client-for-life/2026-Q3.md":
                             "---\ndate: 2026-09-29\napplied: 2026-09-30\nclients:\n  tokyo: {level: for-life}\n---\n"})
    _, diags = load_workspace(root, TODAY)
    assert [(d.path, d.code, d.message) for d in diags] == [
        ("clients/tokyo.md", "W402", "level: key in the file, but the Client for life review of 2026-Q3, applied "
                                     "2026-09-30, decided for-life")]


OWN = """---
name: Account review
cadence: quarterly
answers:
  - {key: tier, choices: [base, key, for-life], applies_to: level}
  - {key: grade, choices: [top, two, three], applies_to: none}
  - {key: next_call, type: date, applies_to: snooze}
---
"""


def test_a_ritual_of_your_own_says_which_answer_goes_to_which_field(workspace):
    root = workspace(BOOK | {"rituals/account-review.md": OWN,
                             "rituals/account-review/2026-Q3.md": "---\ndate: 2026-08-20\nclients:\n  tokyo: {tier: key}\n---\n",
                             "rituals/account-review/2026-Q4.md":
                             "---\ndate: 2026-11-21\nclients:\n  tokyo: {tier: for-life, grade: three, "
                             "next_call: 2027-01-11}\n---\n"})
    result = run(root, "ritual", "apply", "account-review", "2026-Q4")
    assert result.exit_code == 0, result.output
    assert "Account review, 2026-Q4 (tier -> level, next_call -> snooze):" in result.output
    ws, diags = load_workspace(root, TODAY)
    tokyo = ws.client("tokyo")
    assert (tokyo.level, tokyo.snooze, tokyo.grade) == ("for-life", date(2027, 1, 11), "two")  # grade: none
    assert [d.code for d in diags] == []
    out = run(root, "metrics").output
    assert "東京ロジスティクス: key -> for-life (up)" in out  # the triangle follows the answer applied to level


@pytest.mark.parametrize("answer, message", [
    ("{key: tier, choices: [a, b], applies_to: level}",
     "answer 'tier' is applied to level, which takes only base, key, for-life, not a, b"),
    ("{key: x, applies_to: colour}", "applies_to: 'colour' is not a client field an answer can be applied to"),
    ("{key: x, type: date, applies_to: owner}", "answer 'x' of type date cannot be applied to owner"),
])
def test_a_bad_applies_to_is_an_error(workspace, answer, message):
    own = f"---\nname: Own\ncadence: quarterly\nanswers:\n  - {answer}\n---\n"
    _, diags = load_workspace(workspace(BOOK | {"rituals/own.md": own}), TODAY)
    assert [d.code for d in diags] == ["E400"] and diags[0].message.startswith(message)


def test_apply_says_what_it_cannot_do(workspace):
    root = workspace(BOOK)
    result = run(root, "ritual", "apply", "high-grade", "2025-Q1")
    assert result.exit_code == 2 and "has no record for '2025-Q1' (records: 2026-Q3, 2026-Q4)" in result.output
    result = run(root, "ritual", "apply", "weekly-connection-review", "2026-W47")
    assert result.exit_code == 2 and "applies none of its answers to the client files" in result.output
