"""Keep your word: promises as commands, renegotiations that say when the client was told, and reliability that
tells an early, honest renegotiation from a silent miss."""
from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.model import Commitment, Renegotiation, Source
from rippledoc.views.metrics import compute_metrics
from rippledoc.parse.periods import Span

TODAY = date(2026, 11, 22)
HERE = Source("clients/x.md", 5)


def k(due: date, done: date | None = None, moves: tuple[tuple[date, date | None], ...] = ()) -> Commitment:
    """A commitment first due ``due`` and moved to each (to, told) in turn."""
    out, was = [], due
    for to, told in moves:
        out.append(Renegotiation(was, to, told, "", HERE))
        was = to
    return Commitment(date(2026, 11, 1), was, "Send the plan", done, HERE, "", tuple(out))


D = date  # short


@pytest.mark.parametrize("commitment, state, verdict", [
    (k(D(2026, 11, 13), D(2026, 11, 13)), "kept", "kept"),
    (k(D(2026, 11, 13), D(2026, 11, 16)), "late", "late"),
    (k(D(2026, 11, 13)), "overdue", "missed"),
    (k(D(2026, 11, 30)), "open", None),
    # told three days before its day, kept by the new one: renegotiated, not late
    (k(D(2026, 11, 13), D(2026, 11, 19), ((D(2026, 11, 20), D(2026, 11, 10)),)), "renegotiated", "renegotiated"),
    # told on the day it was due: still in time
    (k(D(2026, 11, 13), D(2026, 11, 20), ((D(2026, 11, 20), D(2026, 11, 13)),)), "renegotiated", "renegotiated"),
    # told after its day: the day passed without a word, so once kept it is late...
    (k(D(2026, 11, 13), D(2026, 11, 19), ((D(2026, 11, 20), D(2026, 11, 15)),)), "late", "late"),
    # ...and until then it is missed, though due again in the future
    (k(D(2026, 11, 13), None, ((D(2026, 12, 4), D(2026, 11, 15)),)), "open", "missed"),
    (k(D(2026, 11, 13), None, ((D(2026, 12, 4), D(2026, 11, 10)),)), "open", None),
    # a move nobody told the client of, its old day still ahead: not missed yet
    (k(D(2026, 11, 25), None, ((D(2026, 12, 4), None),)), "open", None),
    # renegotiated in time, then not kept by the new day either
    (k(D(2026, 11, 13), None, ((D(2026, 11, 20), D(2026, 11, 10)),)), "overdue", "missed"),
    (k(D(2026, 11, 13), D(2026, 11, 21), ((D(2026, 11, 20), D(2026, 11, 10)),)), "late", "late"),
    # moved, then done by the day first promised anyway: kept
    (k(D(2026, 11, 13), D(2026, 11, 12), ((D(2026, 11, 20), D(2026, 11, 10)),)), "kept", "kept"),
    # one move in time, a second one told late: late
    (k(D(2026, 11, 13), D(2026, 11, 21), ((D(2026, 11, 16), D(2026, 11, 10)), (D(2026, 11, 27), D(2026, 11, 18)))),
     "late", "late"),
])
def test_the_state_and_the_verdict_of_a_commitment(commitment, state, verdict):
    assert commitment.state(TODAY) == state
    assert commitment.verdict(TODAY) == verdict


BOOK = {
    "rippledoc.yaml": "me: ann\nteam:\n  ann: {name: Ann Lee}\n",
    "clients/moskva.md": """
        ---
        name: Москва Импорт
        contact: Дмитрий Иванов
        timezone: Europe/Moscow
        commitments: []
        ---
        ## Log
        - 2026-11-02 call reached by ann: promised the estimate
        """,
    "clients/athina.md": """
        ---
        name: Αθήνα Ναυτιλιακή
        timezone: Europe/Athens
        commitments:
          - {made: 2026-10-20, due: 2026-11-13, what: Cost estimate for the cloud move}
          - {made: 2026-10-20, due: 2026-11-06, what: Fix the VPN, done: 2026-11-05}
        ---
        """,
}


def run(root, *args: str, today: date = TODAY):
    result = CliRunner().invoke(main, ["-C", str(root), *args, "--today", today.isoformat()])
    return result


def git_diff(root, before: str, path: str) -> list[str]:
    """The lines a change added and removed, as git shows them."""
    (root / "before.md").write_text(before, encoding="utf-8")
    out = subprocess.run(["git", "diff", "--no-index", "--no-color", "-U0", str(root / "before.md"), str(root / path)],
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_promise_adds_one_line_and_move_changes_that_line(workspace):
    root = workspace(BOOK)
    path = root / "clients/athina.md"
    before = path.read_text(encoding="utf-8")
    result = run(root, "promise", "athina", "Send the dispatch plan", "--by", "fri", "--to", "Νίκος")
    assert result.exit_code == 0, result.output
    assert "Due Fri 27 Nov 2026 (in 5 days)" in result.output
    assert git_diff(root, before, "clients/athina.md") == [
        "+  - {made: 2026-11-22, due: 2026-11-27, what: Send the dispatch plan, to: Νίκος}"]

    before = path.read_text(encoding="utf-8")
    result = run(root, "promise", "move", "athina", "dispatch", "--to", "2026-12-04", "--told", "today",
                 "--note", "the carrier is late; plan sent")
    assert result.exit_code == 0, result.output
    assert "5 days before it was due: renegotiated in time" in result.output
    assert git_diff(root, before, "clients/athina.md") == [
        "-  - {made: 2026-11-22, due: 2026-11-27, what: Send the dispatch plan, to: Νίκος}",
        "+  - {made: 2026-11-22, due: 2026-11-27, what: Send the dispatch plan, to: Νίκος, moved: [{due: 2026-12-04, "
        "told: 2026-11-22, note: the carrier is late; plan sent}]}"]
    ws, diags = load_workspace(root, TODAY)
    assert diags == []
    promised = ws.client("athina").commitments[-1]
    assert (promised.first_due, promised.due, promised.to, promised.state(TODAY)) == \
        (date(2026, 11, 27), date(2026, 12, 4), "Νίκος", "open")


def test_the_first_promise_turns_an_empty_list_into_one_item_per_line(workspace):
    root = workspace(BOOK)
    result = run(root, "promise", "add", "москва", "Смета на переезд", "--by", "+2w", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["due"] == "2026-12-06"
    text = (root / "clients/moskva.md").read_text(encoding="utf-8")
    assert "commitments:\n  - {made: 2026-11-22, due: 2026-12-06, what: Смета на переезд}\n---\n" in text


def test_a_move_told_after_the_day_is_a_silent_miss_until_kept(workspace):
    root = workspace(BOOK)
    result = run(root, "promise", "move", "athina", "cost", "--to", "2026-12-04", "--told", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert "7 days after it was due: the day passed without a word, so it counts as missed" in result.output
    ws, _ = load_workspace(root, TODAY)
    r = compute_metrics(ws, Span(date(2026, 11, 1), date(2026, 11, 30)), TODAY).reliability
    # counted in November, the month of the day first promised, though it is now due in December
    assert (r.due_in_period, r.kept, r.renegotiated, r.late, r.missed, r.open, r.overdue) == (2, 1, 0, 0, 1, 0, 0)


def test_an_honest_renegotiation_does_not_count_as_a_miss(workspace):
    root = workspace(BOOK)
    assert run(root, "promise", "move", "athina", "cost", "--to", "2026-11-20", "--told", "2026-11-10",
               today=date(2026, 11, 10)).exit_code == 0
    assert run(root, "done", "athina", "cost", "--date", "2026-11-19").exit_code == 0
    ws, _ = load_workspace(root, TODAY)
    r = compute_metrics(ws, Span(date(2026, 11, 1), date(2026, 11, 30)), TODAY).reliability
    assert (r.kept, r.renegotiated, r.late, r.missed) == (1, 1, 0, 0)
    assert (r.on_time_rate, r.word_kept_rate) == (0.5, 1.0)
    text = run(root, "metrics", "--period", "2026-11").output
    assert ("Commitments first due in the period: 2: 1 kept on time, 1 renegotiated in time and kept, 0 kept late, "
            "0 missed, 0 open; on time 50%, word kept 100%") in text


@pytest.mark.parametrize("args, message", [
    (("promise", "athina", "Cost estimate for the cloud move", "--by", "2026-12-01"), "already has 'Cost estimate"),
    (("promise", "athina", "x", "--by", "2026-11-01", "--date", "2026-11-02"), "lies before the day you promised"),
    (("promise", "move", "athina", "cost", "--to", "2026-12-01", "--told", "2026-11-23"), "lies after today"),
    (("promise", "move", "athina", "cost", "--to", "2026-11-13", "--told", "today"), "is already due 2026-11-13"),
    (("promise", "move", "athina", "nothing", "--to", "fri", "--told", "today"), "no open commitment"),
    (("promise", "move", "athina", "vpn", "--to", "fri", "--told", "today"), "already marked done on 2026-11-05"),
])
def test_promise_refuses_what_would_be_wrong_and_writes_nothing(workspace, args, message):
    root = workspace(BOOK)
    before = (root / "clients/athina.md").read_bytes()
    result = run(root, *args)
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert (root / "clients/athina.md").read_bytes() == before


def test_moves_in_the_file_are_checked(workspace):
    bad = """
        ---
        name: Acme
        timezone: UTC
        commitments:
          - {made: 2026-11-01, due: 2026-11-13, what: A, moved: [{due: 2026-10-01, told: 2026-11-10}]}
          - {made: 2026-11-01, due: 2026-11-13, what: B, moved: [{told: 2026-11-30, wen: x}]}
        ---
        """
    _, diags = load_workspace(workspace({"clients/acme.md": bad}), TODAY)
    assert sorted((d.line, d.code, d.message) for d in diags) == [
        (5, "E107", "commitment moved to 2026-10-01, before it was made on 2026-11-01"),
        (6, "E100", "a move needs the new day in 'due'"),
        (6, "E108", "client told on 2026-11-30, which lies in the future"),
        (6, "W100", "unknown key 'wen' in a move of a commitment"),
    ]


def test_tell_them_early_is_the_same_in_metrics_and_due(workspace):
    root = workspace(BOOK | {"clients/moskva.md": BOOK["clients/moskva.md"].replace(
        "commitments: []", "commitments:\n          - {made: 2026-11-02, due: 2026-11-26, what: Смета}\n"
                           "          - {made: 2026-10-01, due: 2026-11-25, what: Договор}")})
    ws, _ = load_workspace(root, TODAY)
    early = compute_metrics(ws, Span(date(2026, 11, 1), date(2026, 11, 30)), TODAY).reliability.tell_them_early
    # the call of 2 November was the promise itself; the contract was promised before it, so that call counts
    assert [(e.client, e.what, e.days, e.since) for e in early] == [("moskva", "Смета", 4, date(2026, 11, 2))]
    due = json.loads(run(root, "due", "--json").output)
    said = [i["reason"] for i in (due["items"] if isinstance(due, dict) else due) if i["kind"] == "commitment"]
    assert any("'Смета' due in 4 days; nothing logged with them since 2026-11-02: tell them early" in s for s in said)
    assert not any("Договор" in s and "tell them early" in s for s in said)
    run(root, "log", "moskva", "--kind", "email", "--note", "sent a draft of the estimate")
    ws, _ = load_workspace(root, TODAY)
    assert compute_metrics(ws, Span(date(2026, 11, 1), date(2026, 11, 30)), TODAY).reliability.tell_them_early == ()
