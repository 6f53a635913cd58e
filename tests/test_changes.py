"""'rippledoc changes': what the team did since the last review, from git history."""
from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.team.changes import Commit, client_events, collect, render, who_is
from rippledoc.cli.app import main
from rippledoc.parse.client import parse_client
from rippledoc.model import Settings, TeamMember
from rippledoc.read.source import Text

TODAY = date(2026, 11, 22)
SETTINGS = """\
me: stan
team:
  stan: {name: Stan Ortiz, email: stan@ripple.example}
  priya: {name: Priya Shah, email: priya@ripple.example}
"""
NORTHWIND = """\
---
name: Northwind Traders
level: base
grade: two
commitments:
  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}
---
## Log
- 2026-11-02 call reached by stan: loved the dashboard
"""
STAN = ("Stan Ortiz", "stan@ripple.example")
PRIYA = ("Priya Shah", "priya.shah@gmail.example")  # an address the team does not know: matched by name


def git(root: Path, *args: str, who: tuple[str, str] = STAN, when: str = "2026-11-10T10:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_AUTHOR_DATE": when,
           "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1], "GIT_COMMITTER_DATE": when,
           "TZ": "UTC", "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def commit(root: Path, files: dict[str, str], message: str, who: tuple[str, str], when: str) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, who=who, when=when)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, {"rippledoc.yaml": SETTINGS, "clients/northwind.md": NORTHWIND}, "the book", STAN,
           "2026-11-10T10:00:00+00:00")
    nw = NORTHWIND.replace("level: base", "level: key") + "- 2026-11-16 call reached by stan: they want a second site\n"
    nw = nw.replace("what: Send the migration plan}\n",
                    "what: Send the migration plan}\n  - {made: 2026-11-16, due: 2026-12-04, what: Quote the laptops}\n")
    commit(root, {"clients/northwind.md": nw}, "northwind: second site", STAN, "2026-11-16T15:00:00+00:00")
    acme = ("---\nname: Acme Corp\nlevel: key\n---\n## Log\n- 2026-10-01 call reached by stan: imported history\n"
            "- 2026-11-17 meeting by priya: kick-off\n")
    nw2 = nw.replace("grade: two", "grade: top") + "- 2026-11-17 email by priya: sent the training dates\n"
    commit(root, {"clients/acme.md": acme, "clients/northwind.md": nw2}, "acme; northwind grade", PRIYA,
           "2026-11-17T09:00:00+00:00")
    nw3 = nw2.replace("what: Send the migration plan}", "what: Send the migration plan, done: 2026-11-18}")
    nw3 += "- 2026-11-18 call voicemail: left a message\n"
    commit(root, {"clients/northwind.md": nw3, "notes.txt": "not a client\n"}, "plan sent", PRIYA,
           "2026-11-18T11:00:00+00:00")
    return root


def test_the_summary_counts_what_each_person_did(book: Path):
    ch = collect(book, "2026-11-16", TODAY)
    assert [c.subject for c in ch.commits] == ["northwind: second site", "acme; northwind grade", "plan sent"]
    assert [(e.kind, e.client, e.who, e.day.isoformat(), e.detail) for e in ch.events] == [
        ("touch", "northwind", "stan", "2026-11-16", "- 2026-11-16 call reached by stan: they want a second site"),
        ("level", "northwind", "stan", "2026-11-16", "base -> key"),
        ("commitment-made", "northwind", "stan", "2026-11-16", "Quote the laptops"),
        ("client-added", "acme", "priya", "2026-11-17", "Acme Corp"),
        ("touch", "acme", "priya", "2026-11-17", "- 2026-11-17 meeting by priya: kick-off"),
        ("touch", "northwind", "priya", "2026-11-17", "- 2026-11-17 email by priya: sent the training dates"),
        ("grade", "northwind", "priya", "2026-11-17", "two -> top"),
        ("touch", "northwind", "priya", "2026-11-18", "- 2026-11-18 call voicemail: left a message"),
        ("commitment-kept", "northwind", "priya", "2026-11-18", "Send the migration plan"),
    ]
    assert ch.people() == {
        "stan": {"commits": 1, "touches": 1, "reached": 1, "clients_touched": 1, "client_added": 0, "level": 1,
                 "grade": 0, "commitment_made": 1, "commitment_kept": 0, "touch_edited": 0},
        "priya": {"commits": 2, "touches": 3, "reached": 1, "clients_touched": 2, "client_added": 1, "level": 0,
                  "grade": 1, "commitment_made": 0, "commitment_kept": 1, "touch_edited": 0},
    }


def test_the_commits_are_those_of_git_log(book: Path):
    ch = collect(book, "2026-11-17", TODAY)
    log = git(book, "log", "--no-merges", "--reverse", "--format=%H", "--since=2026-11-17 00:00").split()
    assert [c.sha for c in ch.commits] == log and len(log) == 2


def test_since_a_commit_and_the_default_week(book: Path):
    first = git(book, "rev-list", "--max-parents=0", "HEAD").strip()
    by_ref = collect(book, first, TODAY)
    assert by_ref.since == first[:7] and len(by_ref.commits) == 3
    assert len(collect(book, None, date(2026, 11, 24)).commits) == 2  # 2026-11-17 onwards


def test_merges_are_left_out_and_both_sides_counted(book: Path):
    git(book, "checkout", "-q", "-b", "priya")
    commit(book, {"clients/acme.md": (book / "clients/acme.md").read_text() + "- 2026-11-19 email by priya: agenda\n"},
           "acme agenda", PRIYA, "2026-11-19T09:00:00+00:00")
    git(book, "checkout", "-q", "main")
    commit(book, {"clients/northwind.md": (book / "clients/northwind.md").read_text()
                  + "- 2026-11-19 call reached by stan: all good\n"}, "northwind call", STAN, "2026-11-19T10:00:00+00:00")
    git(book, "merge", "-q", "--no-edit", "priya", when="2026-11-19T12:00:00+00:00")
    ch = collect(book, "2026-11-19", TODAY)
    assert sorted(c.subject for c in ch.commits) == ["acme agenda", "northwind call"]
    assert sorted((e.client, e.who) for e in ch.of("touch")) == [("acme", "priya"), ("northwind", "stan")]


def test_the_text_and_json_outputs(book: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(book), "changes", "--since", "2026-11-16", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Changes since 2026-11-16: 3 commits by 2 people (HEAD ")
    assert "  touches logged       4  (2 reached, 2 clients)\n  clients added        1\n" in result.output
    assert "  2026-11-16 northwind                base -> key  (stan, " in result.output
    data = json.loads(runner.invoke(main, ["-C", str(book), "changes", "--since", "2026-11-16", "--json"]).output)
    assert data["totals"] == {"touch": 4, "client_added": 1, "level": 1, "grade": 1, "commitment_made": 1,
                              "commitment_kept": 1, "touch_edited": 0}
    assert data["people"]["priya"]["touches"] == 3


def test_a_touch_edited_is_not_logged_again(book: Path):
    """handoff-done writes 'done:' on Stan's line: Priya edited a touch, she did not log one, nor did Stan twice."""
    path = book / "clients" / "northwind.md"
    line = "- 2026-11-19 call reached by stan: Анна's laptops freeze. handoff: @priya by 2026-11-25"
    commit(book, {"clients/northwind.md": path.read_text() + line + "\n"}, "handoff", STAN, "2026-11-19T10:00:00+00:00")
    result = CliRunner().invoke(main, ["-C", str(book), "handoff-done", "northwind", "--owner", "priya",
                                       "--date", "2026-11-20", "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert line + " done: 2026-11-20" in path.read_text()
    git(book, "commit", "-q", "-am", "northwind: laptops fixed", who=PRIYA, when="2026-11-20T16:00:00+00:00")
    diff = git(book, "log", "-1", "-p", "--format=", "--", "clients/northwind.md").splitlines()
    assert [l[0] for l in diff if l.startswith(("+- ", "-- "))] == ["-", "+"]  # git sees a line changed
    ch = collect(book, "2026-11-19", TODAY)
    assert [(e.kind, e.who, e.detail) for e in ch.events] == [
        ("touch", "stan", line), ("touch-edited", "priya", line + " done: 2026-11-20")]
    assert ch.people()["stan"]["touches"] == 1 and ch.people()["priya"]["touches"] == 0
    assert ch.people()["priya"]["touch_edited"] == 1
    text = render(ch)
    assert "  touches logged       1  (1 reached, 1 client)\n" in text
    assert "  touches edited       1  (lines changed, not logged again)\n" in text
    assert "Touches edited\n  2026-11-19 northwind" in text


def test_an_edit_and_a_new_touch_of_the_same_day_in_one_commit(book: Path):
    path = book / "clients" / "northwind.md"
    text = path.read_text()
    fixed = text.replace("- 2026-11-18 call voicemail: left a message", "- 2026-11-18 call voicemail: left a message for Ørjan")
    commit(book, {"clients/northwind.md": fixed + "- 2026-11-18 call reached by priya: Ørjan called back\n"
                  + "- 2026-11-18 email by priya: sent the notes\n"}, "calls", PRIYA, "2026-11-19T09:00:00+00:00")
    ch = collect(book, "2026-11-19", TODAY)
    assert sorted((e.kind, e.detail.split(": ", 1)[-1]) for e in ch.events) == [
        ("touch", "sent the notes"), ("touch", "Ørjan called back"), ("touch-edited", "left a message for Ørjan")]


def test_errors_are_messages(book: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["-C", str(book), "changes", "--since", "no-such-tag"])
    assert result.exit_code == 2  # a ref that names nothing is a usage error, as an unknown client is
    assert "'no-such-tag' is neither a date (YYYY-MM-DD) nor a commit of this repository" in result.output
    plain = tmp_path / "plain"
    (plain / "clients").mkdir(parents=True)
    result = CliRunner().invoke(main, ["-C", str(plain), "changes"])
    assert result.exit_code == 1 and "not in a git repository" in result.output.lower()


def test_authors_are_recognised_by_email_then_name():
    team = {"stan": TeamMember("stan", "Stan Ortiz", "stan@ripple.example"), "priya": TeamMember("priya", "Priya Shah")}
    assert [who_is(*a, team) for a in (("S. O.", "STAN@ripple.example"), ("Priya Shah", "p@x.example"),
                                       ("Omar", "omar@x.example"))] == ["stan", "priya", "Omar"]


def test_client_events_of_an_import_count_only_recent_history():
    after, _ = parse_client(Text("clients/acme.md", "---\nname: Acme\n---\n## Log\n"
                                 "- 2025-01-01 call reached by stan: old\n- 2026-11-20 call by stan: new\n", b""),
                            Settings())
    c = Commit("abc", None, "Stan", "s@x", date(2026, 11, 20), "import", "stan")
    assert [(e.kind, e.detail) for e in client_events(None, after, c, date(2026, 11, 15))] == [
        ("client-added", "Acme"), ("touch", "- 2026-11-20 call by stan: new")]


def test_a_workspace_below_the_top_of_the_repository(tmp_path: Path):
    root = tmp_path / "repo"
    (root / "book").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    commit(root, {"book/rippledoc.yaml": SETTINGS, "book/clients/northwind.md": NORTHWIND, "README": "hi\n"},
           "book", STAN, "2026-11-16T10:00:00+00:00")
    ch = collect(root / "book", "2026-11-16", TODAY)
    assert [(e.kind, e.client) for e in ch.events] == [("client-added", "northwind")]  # its history predates
    assert "touches logged       0  (0 reached, 0 clients)" in render(ch)


def test_changes_outside_git_or_before_the_first_commit_says_so_plainly(tmp_path):
    import subprocess
    from click.testing import CliRunner
    from rippledoc.cli.app import main
    (tmp_path / "clients").mkdir()
    r = CliRunner().invoke(main, ["-C", str(tmp_path), "changes"])
    assert r.exit_code == 1 and "not in a git repository" in r.output and "fatal" not in r.output
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    r = CliRunner().invoke(main, ["-C", str(tmp_path), "changes"])
    assert r.exit_code == 1 and "no commits yet" in r.output and "fatal" not in r.output
