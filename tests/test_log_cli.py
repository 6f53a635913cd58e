"""``rippledoc log`` and ``done`` as a person uses them: one line added, nothing else touched."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from conftest import load_workspace

REPO = Path(__file__).resolve().parent.parent
SETTINGS = "me: stan\ntimezone: America/New_York\nteam:\n  stan: {name: Stan}\n  priya: {name: Priya}\n"
KESTREL = """\
---
name: Kestrel Freight Lines
timezone: America/Chicago
level: key
commitments:
  - {made: 2026-10-27, due: 2026-11-13, what: Cost estimate for moving dispatch to the cloud}
---
Ray runs dispatch.

## Log
- 2026-10-27 call reached by stan: wants a number before the budget meeting.
- 2026-11-16 call no-answer by stan: try again Monday. next: 2026-11-23
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    (tmp_path / "clients" / "kestrel-freight-lines.md").write_text(KESTREL)
    (tmp_path / "clients" / "kestrel-logistics.md").write_text("---\nname: Kestrel Logistics\n---\n")
    (tmp_path / "clients" / "aurora-dental.md").write_text("---\nname: Aurora Dental Group\n---\nNotes.\n")
    return tmp_path


def run(book: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(book), *args, "--today", "2026-11-23"])


def test_log_a_voicemail_with_a_callback(book):
    r = run(book, "log", "kestrel-freight", "--outcome", "voicemail", "--next", "2026-11-26", "--note", "left a message")
    assert r.exit_code == 0, r.output
    assert r.output == ("Logged for Kestrel Freight Lines (clients/kestrel-freight-lines.md:13):\n"
                        "  - 2026-11-23 call voicemail by stan: left a message. next: 2026-11-26\n"
                        "Call back on Thu 26 Nov: it will be that day's call.\n")
    assert (book / "clients/kestrel-freight-lines.md").read_text() == \
        KESTREL + "- 2026-11-23 call voicemail by stan: left a message. next: 2026-11-26\n"


def test_log_a_reached_call_with_tags_says_when_the_next_is_due(book):
    r = run(book, "log", "Aurora Dental", "loved", "the", "backup", "#success", "--by", "priya")
    assert r.exit_code == 0, r.output
    assert "  - 2026-11-23 call reached by priya: loved the backup #success\n" in r.output
    assert "Next call due Tue 23 Mar 2027 (cadence 120d)." in r.output
    assert (book / "clients/aurora-dental.md").read_text().endswith(
        "Notes.\n\n## Log\n- 2026-11-23 call reached by priya: loved the backup #success\n")


def test_an_ambiguous_client_lists_the_candidates_and_exits_2(book):
    r = run(book, "log", "kestrel", "--note", "hi")
    assert r.exit_code == 2
    assert "'kestrel' matches 2 clients" in r.output
    assert "kestrel-freight-lines" in r.output and "kestrel-logistics" in r.output
    assert (book / "clients/kestrel-freight-lines.md").read_text() == KESTREL


def test_refusals_are_clear_and_write_nothing(book):
    r = run(book, "log", "nobody-at-all")
    assert r.exit_code == 2 and "rippledoc: no client matches 'nobody-at-all' (by slug or name" in r.output
    r = run(book, "log", "kestrel-freight", "--date", "2026-11-24")
    assert r.exit_code == 2 and "lies after today" in r.output
    r = run(book, "log", "kestrel-freight", "--by", "zed")
    assert r.exit_code == 1 and "'by zed': not in the team" in r.output
    assert "Traceback" not in r.output
    assert (book / "clients/kestrel-freight-lines.md").read_text() == KESTREL


def test_done_marks_the_commitment_kept(book):
    r = run(book, "done", "kestrel-freight", "cost estimate")
    assert r.exit_code == 0, r.output
    assert r.output.endswith("'Cost estimate for moving dispatch to the cloud': kept 10 days late: "
                             "tell them early next time, with a plan.\n")
    assert (book / "clients/kestrel-freight-lines.md").read_text() == KESTREL.replace(
        "cloud}", "cloud, done: 2026-11-23}")
    r = run(book, "done", "kestrel-freight", "cost estimate")
    assert r.exit_code == 1 and "already marked done on 2026-11-23" in r.output


def test_done_with_an_unknown_commitment_is_a_usage_error_like_an_unknown_client(book):
    before = (book / "clients/kestrel-freight-lines.md").read_bytes()
    r = run(book, "done", "kestrel-freight", "invoice")
    assert r.exit_code == 2
    assert r.output == ("rippledoc: no open commitment of Kestrel Freight Lines matches 'invoice': the open ones "
                        "are 'Cost estimate for moving dispatch to the cloud'\n")
    r = run(book, "done", "aurora", "invoice")
    assert r.exit_code == 2 and "no open commitment of Aurora Dental Group matches 'invoice': it has none open" \
        in r.output
    assert run(book, "done", "nobody-at-all", "invoice").exit_code == 2
    assert (book / "clients/kestrel-freight-lines.md").read_bytes() == before


def _cli(book: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(book), *args], capture_output=True,
                          text=True, env=env)


@pytest.mark.slow
def test_twenty_concurrent_logs_all_land(book):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "rippledoc", "-C", str(book), "log", "kestrel-freight",
                               "--date", "2026-11-10", "--note", f"note number {i}", "--today", "2026-11-23"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for i in range(20)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    text = (book / "clients/kestrel-freight-lines.md").read_text()
    added = [l for l in text.splitlines() if "note number" in l]
    assert sorted(added) == sorted(f"- 2026-11-10 call reached by stan: note number {i}" for i in range(20))
    assert text.startswith(KESTREL[:KESTREL.index("- 2026-11-16")])  # every new line before the newer touch
    assert text.endswith("- 2026-11-16 call no-answer by stan: try again Monday. next: 2026-11-23\n")
    ws, diags = load_workspace(book, None)
    assert [d for d in diags if d.is_error] == [] and len(ws.client("kestrel-freight-lines").log) == 22


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_log_is_one_added_line_in_git(book):
    git = ["git", "-C", str(book), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    crlf = book / "clients/kestrel-freight-lines.md"
    crlf.write_bytes(b"\xef\xbb\xbf" + KESTREL.replace("\n", "\r\n").encode())
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "book"], check=True)
    r = _cli(book, "log", "kestrel-freight", "--note", "all good", "--today", "2026-11-23")
    assert r.returncode == 0, r.stderr
    numstat = subprocess.run([*git, "diff", "--numstat"], capture_output=True, text=True, check=True).stdout
    assert numstat == "1\t0\tclients/kestrel-freight-lines.md\n"
    r = _cli(book, "done", "kestrel-freight", "cost", "--today", "2026-11-23")
    assert r.returncode == 0, r.stderr
    numstat = subprocess.run([*git, "diff", "--numstat"], capture_output=True, text=True, check=True).stdout
    assert numstat == "2\t1\tclients/kestrel-freight-lines.md\n"  # the log line, and the commitment's line changed
    assert crlf.read_bytes().count(b"\r\n") == crlf.read_bytes().count(b"\n")
