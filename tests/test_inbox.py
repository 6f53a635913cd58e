"""Quick capture: a phone-written inbox.md filed into the right clients' logs."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from rippledoc.team.inbox import file_inbox, plan, read_line, rewrite
from conftest import load_workspace

TODAY = date(2026, 11, 22)

SETTINGS = """\
me: stan
timezone: America/New_York
team:
  stan: {name: Stan Ortiz}
  priya: {name: Priya Shah}
"""


def client(name: str, log: str = "") -> str:
    return f"---\nname: {name}\nlevel: key\n---\nNotes.\n\n## Log\n{log}"


INBOX = """\
# Inbox

## 2026-11-20
northwind call reached: they loved the dashboard #success
- acme voicemail next: 2026-11-25
- Blue Gum emailed by priya: sent the training dates

## 2026-11-21
* north star call no-answer
zenith call reached: who is this?
just a thought about pricing
2026-11-19 blue gum meeting: quarterly review
"""


@pytest.fixture
def book(workspace) -> Path:
    return workspace({
        "rippledoc.yaml": SETTINGS,
        "clients/northwind-traders.md": client("Northwind Traders",
                                               "- 2026-11-02 call reached by stan: first\n"
                                               "- 2026-11-21 call reached by stan: later\n"),
        "clients/north-star-media.md": client("North Star Media"),
        "clients/acme-corp.md": client("Acme Corp"),
        "clients/blue-gum-health.md": client("Blue Gum Health"),
        "clients/zenith-labs.md": client("Zenith Labs"),
        "clients/zenith-law.md": client("Zenith Law"),
        "inbox.md": INBOX,
    })


def decide(book: Path, text: str):
    ws, _ = load_workspace(book, TODAY)
    return {d.line: (d.client.slug if d.client else None, d.touch or d.why)
            for d in plan(text, ws.clients, ws.settings, TODAY, "stan")}


def test_every_line_is_decided_with_its_heading_date(book):
    assert decide(book, INBOX) == {
        4: ("northwind-traders", "- 2026-11-20 call reached by stan: they loved the dashboard #success"),
        5: ("acme-corp", "- 2026-11-20 call voicemail by stan: next: 2026-11-25"),
        6: ("blue-gum-health", "- 2026-11-20 email by priya: sent the training dates"),
        9: ("north-star-media", "- 2026-11-21 call no-answer by stan"),
        10: (None, "'zenith' matches 2 clients (zenith-labs, zenith-law); write more of the name"),
        11: (None, "no touch kind: write CLIENT call|email|meeting|visit|letter [outcome]: note"),
        12: ("blue-gum-health", "- 2026-11-19 meeting by stan: quarterly review"),
    }


def test_unknown_clients_people_and_future_dates_stay():
    ws_clients: list = []
    from rippledoc.model import Settings, TeamMember
    settings = Settings(team={"stan": TeamMember("stan", "Stan")})
    assert read_line("acme call reached", ws_clients, settings, TODAY, TODAY, "stan")[2] == "no client matches 'acme'"


def test_who_must_be_on_the_team_and_dates_not_in_the_future(book):
    got = decide(book, "## 2026-11-30\nnorthwind call reached: planned\n"
                       "## 2026-11-20\nnorthwind call reached by zed: hello\nacme letter voicemail\n")
    assert got == {2: (None, "touch dated 2026-11-30 lies in the future"),
                   4: (None, "'by zed': not in the team (stan, priya)"),
                   5: (None, "a letter cannot be 'voicemail'; one of sent, reached")}


def test_filing_appends_to_the_logs_and_leaves_only_what_could_not_be_filed(book):
    report = file_inbox(book, TODAY)
    assert len(report.filed) == 5 and len(report.kept) == 2
    northwind = (book / "clients/northwind-traders.md").read_text()
    assert northwind.endswith("## Log\n- 2026-11-02 call reached by stan: first\n"
                              "- 2026-11-20 call reached by stan: they loved the dashboard #success\n"
                              "- 2026-11-21 call reached by stan: later\n")
    assert (book / "clients/blue-gum-health.md").read_text().endswith(
        "## Log\n- 2026-11-19 meeting by stan: quarterly review\n- 2026-11-20 email by priya: sent the training dates\n")
    assert (book / "inbox.md").read_text() == (
        "# Inbox\n"
        "\n"
        "## 2026-11-21\n"
        "zenith call reached: who is this? <!-- rippledoc: 'zenith' matches 2 clients (zenith-labs, zenith-law); "
        "write more of the name -->\n"
        "just a thought about pricing <!-- rippledoc: no touch kind: write CLIENT call|email|meeting|visit|letter "
        "[outcome]: note -->\n")
    _, diags = load_workspace(book, TODAY)
    assert [d for d in diags if d.is_error] == []


def test_a_second_run_changes_nothing_and_a_fixed_line_is_filed(book):
    file_inbox(book, TODAY)
    after = (book / "inbox.md").read_text()
    report = file_inbox(book, TODAY)
    assert report.filed == () and (book / "inbox.md").read_text() == after
    (book / "inbox.md").write_text(after.replace("zenith call", "zenith labs call"))
    report = file_inbox(book, TODAY)
    assert [d.client.slug for d in report.filed] == ["zenith-labs"]
    assert "zenith" not in (book / "inbox.md").read_text()


def test_dry_run_writes_nothing(book):
    before = {p: p.read_bytes() for p in book.rglob("*.md")}
    report = file_inbox(book, TODAY, dry_run=True)
    assert len(report.filed) == 5 and not report.written
    assert {p: p.read_bytes() for p in book.rglob("*.md")} == before


def test_a_second_identical_touch_is_filed_not_lost(book):
    """Two voicemails left on one day read the same: the second one is a touch too."""
    (book / "inbox.md").write_text("## 2026-11-21\nnorthwind call reached: later\n")
    report = file_inbox(book, TODAY)
    assert [(d.client.slug, d.earlier) for d in report.filed] == [("northwind-traders", False)]
    assert (book / "clients/northwind-traders.md").read_text().count("- 2026-11-21 call reached by stan: later\n") == 2
    assert (book / "inbox.md").read_text() == ""


def test_two_identical_inbox_lines_make_two_touches(book):
    (book / "inbox.md").write_text("## 2026-11-20\nacme voicemail\nacme voicemail\n")
    report = file_inbox(book, TODAY)
    assert len(report.filed) == 2
    assert (book / "clients/acme-corp.md").read_text().count("- 2026-11-20 call voicemail by stan\n") == 2


def test_a_run_stopped_after_filing_is_not_filed_twice(book):
    """The mark says how many such lines the log had; one more there means the stopped run filed it."""
    northwind = book / "clients/northwind-traders.md"
    northwind.write_text(northwind.read_text() + "- 2026-11-21 call reached by stan: later\n")  # the stopped run's
    (book / "inbox.md").write_text("## 2026-11-21\n"
                                   "northwind call reached: later <!-- rippledoc: filing, 1 already in the log -->\n")
    report = file_inbox(book, TODAY)
    assert [(d.client.slug, d.earlier) for d in report.filed] == [("northwind-traders", True)]
    assert northwind.read_text().count("- 2026-11-21 call reached by stan: later\n") == 2
    assert (book / "inbox.md").read_text() == ""


def test_a_run_stopped_before_filing_is_filed_by_the_next(book):
    northwind = book / "clients/northwind-traders.md"
    (book / "inbox.md").write_text("## 2026-11-21\n"
                                   "northwind call reached: later <!-- rippledoc: filing, 1 already in the log -->\n")
    report = file_inbox(book, TODAY)
    assert [(d.client.slug, d.earlier) for d in report.filed] == [("northwind-traders", False)]
    assert northwind.read_text().count("- 2026-11-21 call reached by stan: later\n") == 2


def test_lines_are_marked_before_they_are_filed(book, monkeypatch):
    import rippledoc.edit.client

    def stop(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(rippledoc.edit.client, "append_touch", stop)
    (book / "inbox.md").write_text("## 2026-11-21\nnorthwind call reached: later\nnobody call\n")
    with pytest.raises(KeyboardInterrupt):
        file_inbox(book, TODAY)
    assert (book / "inbox.md").read_text() == (
        "## 2026-11-21\nnorthwind call reached: later <!-- rippledoc: filing, 1 already in the log -->\nnobody call\n")


def test_lines_appended_by_a_phone_meanwhile_are_kept():
    text = "## 2026-11-20\nacme call reached: ok\n"
    from rippledoc.team.inbox import Decision
    from rippledoc.model import Client, Source
    acme = Client("acme", "Acme", Source("clients/acme.md", 1))
    decided = [Decision(2, "acme call reached: ok", acme, "- 2026-11-20 call reached: ok")]
    assert rewrite(text + "## 2026-11-22\nacme email: new one\n", decided) == "## 2026-11-22\nacme email: new one\n"


def test_crlf_inbox_keeps_its_line_endings(book):
    (book / "inbox.md").write_bytes(b"# Notes\r\n## 2026-11-20\r\nnorthwind call reached: ok\r\nnobody call\r\n")
    file_inbox(book, TODAY)
    assert (book / "inbox.md").read_bytes() == (
        b"# Notes\r\n## 2026-11-20\r\nnobody call <!-- rippledoc: no client matches 'nobody' -->\r\n")


def test_the_command_reports_and_speaks_json(book):
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(book), "inbox", "--dry-run", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "would file clients/northwind-traders.md  - 2026-11-20 call reached by stan: they loved" in result.output
    assert result.output.endswith("5 would file, 2 kept in inbox.md (dry run: nothing written)\n")
    result = runner.invoke(main, ["-C", str(book), "inbox", "--json", "--by", "priya", "--today", "2026-11-22"])
    data = json.loads(result.output)
    assert data["filed"][0] == {"line": 4, "text": "northwind call reached: they loved the dashboard #success",
                                "client": "northwind-traders", "path": "clients/northwind-traders.md",
                                "touch": "- 2026-11-20 call reached by priya: they loved the dashboard #success",
                                "by_an_earlier_run": False}
    assert [k["line"] for k in data["kept"]] == [10, 11]


def test_no_inbox_is_not_an_error(workspace):
    book = workspace({"rippledoc.yaml": SETTINGS})
    result = CliRunner().invoke(main, ["-C", str(book), "inbox"])
    assert result.exit_code == 0 and "No inbox.md" in result.output


def test_an_inbox_that_is_not_utf8_is_an_error_and_nothing_is_filed(book):
    (book / "inbox.md").write_bytes(b"northwind call reached: caf\xe9\n")
    before = (book / "clients/northwind-traders.md").read_bytes()
    result = CliRunner().invoke(main, ["-C", str(book), "inbox"])
    assert result.exit_code == 1
    assert "rippledoc: inbox.md:1:28: not UTF-8: byte 0xe9 cannot be decoded" in result.output
    assert (book / "clients/northwind-traders.md").read_bytes() == before


def test_the_command_says_when_an_earlier_run_filed_a_line(book):
    northwind = book / "clients/northwind-traders.md"
    northwind.write_text(northwind.read_text() + "- 2026-11-21 call reached by stan: later\n")
    (book / "inbox.md").write_text("## 2026-11-21\n"
                                   "northwind call reached: later <!-- rippledoc: filing, 1 already in the log -->\n")
    result = CliRunner().invoke(main, ["-C", str(book), "inbox", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("filed      clients/northwind-traders.md  - 2026-11-21 call reached by "
                                             "stan: later  (by an earlier run that stopped before clearing the inbox)")


# A phone appending to inbox.md while rippledoc files it: the line stays, nothing raises.

def append_when_inbox_is_synced(monkeypatch, book: Path, lines: list[str], at: int) -> list[int]:
    """Append ``lines[i]`` to inbox.md during the ``at``-th and later fsyncs of a new inbox copy."""
    import os
    real = os.fsync
    seen: list[int] = []

    def fsync(fd):
        real(fd)
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        if name.startswith(".inbox.md.") and name.endswith(".tmp"):
            seen.append(fd)
            if len(seen) >= at and lines:
                with open(book / "inbox.md", "a") as fh:
                    fh.write(lines.pop(0))
    monkeypatch.setattr(os, "fsync", fsync)
    return seen


@pytest.mark.parametrize("when", [1, 2], ids=["while marking", "while clearing"])
def test_a_line_appended_while_filing_stays_in_the_inbox(book, monkeypatch, when):
    (book / "inbox.md").write_text("## 2026-11-20\nacme voicemail\n")
    append_when_inbox_is_synced(monkeypatch, book, ["north star call reached: jotted meanwhile\n"], when)
    report = file_inbox(book, TODAY)
    assert [d.client.slug for d in report.filed] == ["acme-corp"] and not report.problem
    assert (book / "inbox.md").read_text() == "## 2026-11-20\nnorth star call reached: jotted meanwhile\n"
    assert "- 2026-11-20 call voicemail by stan\n" in (book / "clients/acme-corp.md").read_text()
    report = file_inbox(book, TODAY)  # and the next run files it
    assert [d.client.slug for d in report.filed] == ["north-star-media"] and (book / "inbox.md").read_text() == ""


def test_a_line_written_again_above_a_filed_one_stays(book, monkeypatch):
    (book / "inbox.md").write_text("acme voicemail\n")
    import os
    real = os.fsync
    seen = []

    def fsync(fd):  # between marking and clearing, the phone writes the same words again, at the top
        real(fd)
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".inbox.md."):
            seen.append(fd)
            if len(seen) == 2:
                text = (book / "inbox.md").read_text()
                (book / "inbox.md").write_text("acme voicemail\n" + text)
    monkeypatch.setattr(os, "fsync", fsync)
    file_inbox(book, TODAY)
    assert (book / "inbox.md").read_text() == "acme voicemail\n"
    assert (book / "clients/acme-corp.md").read_text().count("call voicemail") == 1
    file_inbox(book, TODAY)
    assert (book / "clients/acme-corp.md").read_text().count("call voicemail") == 2  # a second touch, not lost


def test_an_inbox_that_keeps_changing_is_a_message_not_a_traceback(book, monkeypatch):
    (book / "inbox.md").write_text("## 2026-11-20\nacme voicemail\n")
    append_when_inbox_is_synced(monkeypatch, book, [f"nobody call {i}\n" for i in range(40)], 1)
    result = CliRunner().invoke(main, ["-C", str(book), "inbox", "--today", "2026-11-22"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert result.output.splitlines()[-1] == ("rippledoc: inbox.md kept changing while rippledoc rewrote it "
                                              "(6 tries); nothing was filed")
    assert "voicemail" not in (book / "clients/acme-corp.md").read_text()
    assert (book / "inbox.md").read_text().startswith("## 2026-11-20\nacme voicemail\nnobody call 0\n")


def test_filed_lines_that_cannot_be_cleared_are_said_and_not_filed_twice(book, monkeypatch):
    (book / "inbox.md").write_text("## 2026-11-20\nacme voicemail\n")
    append_when_inbox_is_synced(monkeypatch, book, [f"nobody call {i}\n" for i in range(40)], 2)
    report = file_inbox(book, TODAY)
    assert [d.client.slug for d in report.filed] == ["acme-corp"]
    assert report.problem.startswith("inbox.md kept changing while rippledoc rewrote it (6 tries); the filed lines "
                                     "are still in it, marked as filed")
    monkeypatch.undo()
    file_inbox(book, TODAY)
    assert (book / "clients/acme-corp.md").read_text().count("call voicemail") == 1
    assert "acme" not in (book / "inbox.md").read_text()
