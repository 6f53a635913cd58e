"""The merge driver: a team's concurrent touches and edits merge without anyone resolving them by hand."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rippledoc.read.gitsetup import driver_command
from rippledoc.team.merge_driver import kind_of, merge_file

from conftest import REPO

NORTHWIND = """\
---
name: Northwind Traders          # required; unique in the workspace
contact: Ana Ruiz
phone: "+1 312 555 0142"         # always text
timezone: America/Chicago
owner: stan
level: key
grade: two
products: [hosting, backup]
commitments:
  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}
custom:
  account_no: "A-1042"
  sla: silver
---
Ana wants fewer surprises.

## Log
- 2026-11-02 call reached by stan: loved the dashboard. #success
- 2026-11-12 email by priya: sent the training dates
"""


def merged(base: str, ours: str, theirs: str, path: str = "clients/northwind.md"):
    m = merge_file(base.encode(), ours.encode(), theirs.encode(), path)
    return m, m.data.decode()


def add_after(text: str, anchor: str, new: str) -> str:
    assert anchor in text
    return text.replace(anchor, anchor + new, 1)


LAST = "- 2026-11-12 email by priya: sent the training dates\n"


# ---------------------------------------------------------------- the log

def test_touches_logged_on_both_sides_are_all_kept_in_date_order():
    ours = add_after(NORTHWIND, LAST, "- 2026-11-20 call voicemail by stan: back Tuesday. next: 2026-11-24\n")
    theirs = add_after(NORTHWIND, LAST, "- 2026-11-20 call reached by priya: booked the training\n"
                                        "- 2026-11-21 email by priya: sent the agenda\n")
    theirs = add_after(theirs, "#success\n", "- 2026-11-05 visit by priya: on site for the audit\n")
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.clean
    assert text.split("## Log\n")[1] == (
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n"
        "- 2026-11-05 visit by priya: on site for the audit\n"
        "- 2026-11-12 email by priya: sent the training dates\n"
        "- 2026-11-20 call voicemail by stan: back Tuesday. next: 2026-11-24\n"
        "- 2026-11-20 call reached by priya: booked the training\n"
        "- 2026-11-21 email by priya: sent the agenda\n"
    )


def test_a_newest_first_log_stays_newest_first():
    base = NORTHWIND.replace(
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n" + LAST,
        LAST + "- 2026-11-02 call reached by stan: loved the dashboard. #success\n")
    ours = base.replace("## Log\n", "## Log\n- 2026-11-20 call reached by stan: ours\n")
    theirs = base.replace("## Log\n", "## Log\n- 2026-11-21 email by priya: theirs\n- 2026-11-13 email by priya: older\n")
    m, text = merged(base, ours, theirs)
    assert m.clean
    assert text.split("## Log\n")[1] == (
        "- 2026-11-21 email by priya: theirs\n"
        "- 2026-11-20 call reached by stan: ours\n"
        "- 2026-11-13 email by priya: older\n"
        + LAST +
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n"
    )


def test_a_line_deleted_on_one_side_goes_unless_the_other_side_changed_it():
    ours = NORTHWIND.replace(LAST, "")  # stan removes priya's line
    theirs = add_after(NORTHWIND, LAST, "- 2026-11-21 email by priya: sent the agenda\n")
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.clean and LAST not in text and "sent the agenda" in text
    fixed = NORTHWIND.replace("sent the training dates", "sent the training dates for December")
    m, text = merged(NORTHWIND, ours, fixed)
    assert m.clean and "sent the training dates for December\n" in text


def test_the_same_touch_logged_on_both_sides_is_kept_once():
    line = "- 2026-11-20 call reached by stan: booked the review\n"
    m, text = merged(NORTHWIND, add_after(NORTHWIND, LAST, line), add_after(NORTHWIND, LAST, line))
    assert m.clean and text.count(line) == 1


VOICEMAIL = "- 2026-11-02 call voicemail by stan: left a message. next: 2026-11-05\n"
WITH_VOICEMAIL = add_after(NORTHWIND, "#success\n", VOICEMAIL)


def test_one_touch_edited_two_ways_is_a_conflict_with_standard_markers():
    ours = WITH_VOICEMAIL.replace("next: 2026-11-05", "next: 2026-11-06")
    theirs = add_after(WITH_VOICEMAIL.replace("next: 2026-11-05", "next: 2026-11-09"), LAST,
                       "- 2026-11-21 email by priya: sent the agenda\n")
    m, text = merged(WITH_VOICEMAIL, ours, theirs)
    assert m.conflicts == ("the log: the touch of 2026-11-02 changed on both sides",)
    assert text.split("## Log\n")[1] == (
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n"
        "<<<<<<< ours\n"
        "- 2026-11-02 call voicemail by stan: left a message. next: 2026-11-06\n"
        "=======\n"
        "- 2026-11-02 call voicemail by stan: left a message. next: 2026-11-09\n"
        ">>>>>>> theirs\n"
        + LAST +
        "- 2026-11-21 email by priya: sent the agenda\n")  # the rest merged


def test_one_touch_edited_two_ways_in_a_newest_first_log_is_a_conflict():
    base = NORTHWIND.replace("- 2026-11-02 call reached by stan: loved the dashboard. #success\n" + LAST,
                             LAST + "- 2026-11-02 call reached by stan: loved the dashboard. #success\n")
    ours = base.replace("sent the training dates", "sent the training dates (3 sessions)")
    theirs = base.replace("sent the training dates", "sent the December dates").replace(
        "## Log\n", "## Log\n- 2026-11-20 call reached by priya: booked\n")
    m, text = merged(base, ours, theirs)
    assert m.conflicts == ("the log: the touch of 2026-11-12 changed on both sides",)
    assert text.split("## Log\n")[1] == (
        "- 2026-11-20 call reached by priya: booked\n"
        "<<<<<<< ours\n- 2026-11-12 email by priya: sent the training dates (3 sessions)\n"
        "=======\n- 2026-11-12 email by priya: sent the December dates\n>>>>>>> theirs\n"
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n")


def test_a_touch_edited_on_one_side_while_the_other_logs_the_same_day_merges_clean():
    ours = WITH_VOICEMAIL.replace("next: 2026-11-05", "next: 2026-11-06")
    theirs = add_after(WITH_VOICEMAIL, VOICEMAIL, "- 2026-11-02 email by priya: sent the recap\n")
    m, text = merged(WITH_VOICEMAIL, ours, theirs)
    assert m.clean
    assert text.split("## Log\n")[1] == (
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n"
        "- 2026-11-02 call voicemail by stan: left a message. next: 2026-11-06\n"
        "- 2026-11-02 email by priya: sent the recap\n"
        + LAST)


# ---------------------------------------------------------------- the front matter

def test_different_keys_changed_on_each_side_merge_and_keep_every_byte():
    ours = NORTHWIND.replace("grade: two", "grade: top").replace("sla: silver", "sla: gold")
    theirs = NORTHWIND.replace("level: key", "level: for-life   # promoted after the audit") \
        .replace('account_no: "A-1042"', 'account_no: "A-2042"')
    theirs = add_after(theirs, "owner: stan\n", "snooze: 2026-12-01\n")
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.clean
    assert text == (NORTHWIND.replace("grade: two", "grade: top").replace("sla: silver", "sla: gold")
                    .replace("level: key", "level: for-life   # promoted after the audit")
                    .replace('account_no: "A-1042"', 'account_no: "A-2042"')
                    .replace("owner: stan\n", "owner: stan\nsnooze: 2026-12-01\n"))


def test_the_same_key_changed_two_ways_is_a_conflict_with_standard_markers():
    ours = NORTHWIND.replace("grade: two", "grade: top")
    theirs = NORTHWIND.replace("grade: two", "grade: three").replace("sla: silver", "sla: gold")
    m, text = merged(NORTHWIND, ours, add_after(theirs, LAST, "- 2026-11-21 email by priya: x\n"))
    assert not m.clean and m.conflicts == ("front matter key 'grade': changed on both sides",)
    assert "level: key\n<<<<<<< ours\ngrade: top\n=======\ngrade: three\n>>>>>>> theirs\nproducts:" in text
    assert "sla: gold" in text and "- 2026-11-21 email by priya: x\n" in text  # the rest merged


def test_a_key_deleted_on_one_side_and_changed_on_the_other_is_a_conflict():
    ours = NORTHWIND.replace("owner: stan\n", "")
    theirs = NORTHWIND.replace("owner: stan", "owner: priya")
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.conflicts == ("front matter key 'owner': deleted on our side, changed on theirs",)
    assert "<<<<<<< ours\n=======\nowner: priya\n>>>>>>> theirs\n" in text


def resolved(text: str, keep: str) -> str:
    """The text with each conflict resolved by taking one side, as a person would."""
    out, side = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith(("<<<<<<< ", "=======", ">>>>>>> ")):
            side = "ours" if line.startswith("<<<") else "theirs" if line.startswith("===") else None
        elif side in (None, keep):
            out.append(line)
    return "".join(out)


def test_a_key_deleted_under_its_comment_and_changed_on_the_other_side_shows_the_comment_once():
    base = NORTHWIND.replace("owner: stan\n", "# who looks after them\nowner: stan\n")
    deleted = base.replace("owner: stan\n", "")  # the comment stays, above the next key
    changed = base.replace("owner: stan", "owner: priya")
    m, text = merged(base, deleted, changed)
    assert m.conflicts == ("front matter key 'owner': deleted on our side, changed on theirs",)
    assert "America/Chicago\n# who looks after them\n<<<<<<< ours\n=======\nowner: priya\n>>>>>>> theirs\n" \
           "level: key\n" in text
    assert resolved(text, "ours") == deleted and resolved(text, "theirs") == changed
    m, text = merged(base, changed, deleted)
    assert m.conflicts == ("front matter key 'owner': changed on our side, deleted on theirs",)
    assert resolved(text, "ours") == changed and resolved(text, "theirs") == deleted


def test_commitments_added_on_both_sides_are_a_union():
    item = "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}\n"
    ours = add_after(NORTHWIND, item, "  - {made: 2026-11-20, due: 2026-12-04, what: Quote the new laptops}\n")
    theirs = NORTHWIND.replace(item, item.replace("}", ", done: 2026-11-19}"))
    theirs = add_after(theirs, "done: 2026-11-19}\n", "  - {made: 2026-11-21, due: 2026-12-11, what: Book training}\n")
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.clean
    assert text.split("commitments:\n")[1].split("custom:")[0] == (
        "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan, done: 2026-11-19}\n"
        "  - {made: 2026-11-21, due: 2026-12-11, what: Book training}\n"
        "  - {made: 2026-11-20, due: 2026-12-04, what: Quote the new laptops}\n")


def test_one_commitment_changed_two_ways_is_a_conflict():
    item = "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}\n"
    ours = NORTHWIND.replace(item, item.replace("}", ", done: 2026-11-19}"))
    theirs = NORTHWIND.replace(item, item.replace("2026-11-30", "2026-12-15"))
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.conflicts == ("front matter key 'commitments': changed on both sides",)
    assert "done: 2026-11-19}" in text and "due: 2026-12-15" in text


def test_nested_mappings_merge_key_by_key():
    ours = NORTHWIND.replace("sla: silver", "sla: gold")
    theirs = add_after(NORTHWIND, "sla: silver\n", "  renewal: April\n").replace('"A-1042"', '"A-1043"')
    m, text = merged(NORTHWIND, ours, theirs)
    assert m.clean
    assert 'custom:\n  account_no: "A-1043"\n  sla: gold\n  renewal: April\n---\n' in text


def test_a_weekly_record_scored_by_two_people_merges_per_client():
    base = ("---\ndate: 2026-11-20\nclients:\n"
            "  northwind:\n    solve: 4\n    like: 5\n"
            "  acme: {}\n---\nQuiet week.\n")
    ours = base.replace("  acme: {}\n", "  acme:\n    solve: 2\n    note: the VPN again\n")
    theirs = base.replace("    like: 5\n", "    like: 5\n    profit: 3\n")
    m, text = merged(base, ours, theirs, "rituals/connection-metrics/2026-W47.md")
    assert m.clean
    assert text == ("---\ndate: 2026-11-20\nclients:\n"
                    "  northwind:\n    solve: 4\n    like: 5\n    profit: 3\n"
                    "  acme:\n    solve: 2\n    note: the VPN again\n---\nQuiet week.\n")


def test_a_high_grade_record_with_one_line_per_client_merges_per_client():
    base = ("---\ndate: 2026-09-25\nclients:\n  aurora-dental-group: {grade: top}\n"
            "  kestrel-freight-lines: {grade: two}\n  larkhill-veterinary-clinic: {why: too new}\n---\n# High-grade\n")
    ours = base.replace("{grade: top}", '{grade: top, why: "they make us better"}')
    theirs = base.replace("{grade: two}", "{grade: three}")
    m, text = merged(base, ours, theirs, "rituals/high-grade/2026-Q3.md")
    assert m.clean
    assert text == base.replace("{grade: top}", '{grade: top, why: "they make us better"}').replace(
        "{grade: two}", "{grade: three}")


def test_notes_merge_line_by_line():
    base = NORTHWIND.replace("Ana wants fewer surprises.\n", "Ana wants fewer surprises.\n\nPeople:\n- Ana\n")
    ours = base.replace("Ana wants fewer surprises.", "Ana wants fewer surprises, and quotes in writing.")
    theirs = base.replace("- Ana\n", "- Ana\n- Bo, the new CFO\n")
    m, text = merged(base, ours, theirs)
    assert m.clean
    assert "Ana wants fewer surprises, and quotes in writing.\n\nPeople:\n- Ana\n- Bo, the new CFO\n\n## Log" in text


def test_a_merge_that_would_not_validate_is_reported():
    base = NORTHWIND.replace(
        "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}\n",
        "  - made: 2026-11-02\n    what: Send the migration plan\n    due: 2026-11-30\n")
    ours = base.replace("made: 2026-11-02", "made: 2026-11-25")  # the promise was made later
    theirs = base.replace("due: 2026-11-30", "due: 2026-11-20")  # the deadline moved earlier
    m, text = merged(base, ours, theirs)
    assert not m.conflicts and not m.clean
    assert [d.code for d in m.problems] == ["E107"]
    assert "made: 2026-11-25" in text and "due: 2026-11-20" in text  # nothing lost: the attempt is kept


def test_line_endings_and_bom_follow_our_side():
    base = NORTHWIND.replace("\n", "\r\n")
    ours = "\ufeff" + base.replace("grade: two", "grade: top")
    theirs = add_after(base, LAST.replace("\n", "\r\n"), "- 2026-11-21 email by priya: agenda\r\n")
    m = merge_file(base.encode(), ours.encode(), theirs.encode(), "clients/northwind.md")
    assert m.clean
    assert m.data.decode() == "\ufeff" + add_after(base.replace("grade: two", "grade: top"),
                                                   LAST.replace("\n", "\r\n"), "- 2026-11-21 email by priya: agenda\r\n")


def test_lines_nobody_changed_keep_their_own_line_ending():
    base = NORTHWIND.replace("Ana wants fewer surprises.\n", "Ana wants fewer surprises.\r\n")  # one CRLF line
    ours = add_after(base, LAST, "- 2026-11-20 call reached by stan: ours\n")
    theirs = add_after(base, LAST, "- 2026-11-21 email by priya: theirs\r\n")  # a new line takes the file's LF
    m = merge_file(base.encode(), ours.encode(), theirs.encode(), "clients/northwind.md")
    assert m.clean
    assert m.data.decode() == add_after(base, LAST, "- 2026-11-20 call reached by stan: ours\n"
                                                    "- 2026-11-21 email by priya: theirs\n")


def test_a_client_added_on_both_sides_merges_against_an_empty_base():
    ours = "---\nname: Acme\nlevel: key\n---\n## Log\n- 2026-11-20 call reached by stan: a\n"
    theirs = "---\nname: Acme\ngrade: top\n---\nNotes from priya.\n\n## Log\n- 2026-11-21 call reached by priya: b\n"
    m, text = merged("", ours, theirs, "clients/acme.md")
    assert m.clean
    assert text == ("---\nname: Acme\ngrade: top\nlevel: key\n---\nNotes from priya.\n\n## Log\n"
                    "- 2026-11-20 call reached by stan: a\n- 2026-11-21 call reached by priya: b\n")


def test_a_file_that_is_not_utf8_is_merged_line_by_line():
    m = merge_file(b"x\nz\n", b"x\xff\nz\n", b"x\nz\ny\n", "clients/acme.md")
    assert m.clean and m.data == b"x\xff\nz\ny\n"


def test_kind_of_tells_clients_rituals_and_records_apart():
    assert [kind_of(p) for p in ("clients/a.md", "book/clients/a.md", "rituals/weekly.md",
                                 "rituals/weekly/2026-W47.md", "book/rituals/twelve-days/2025/2025-12-18-acme.md",
                                 "inbox.md", "clients/old/a.md")] == \
        ["client", "client", "ritual", "record", "record", None, None]


# ---------------------------------------------------------------- real git merges

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
       "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ.get("HOME", "/tmp")}
PROGRAM = f"{sys.executable} -m rippledoc"


def git(repo: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=ENV)
    if ok:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def rippledoc(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(folder), *args], capture_output=True,
                          text=True, env=ENV)


def identity(repo: Path, name: str, email: str) -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", email)
    git(repo, "config", "pull.rebase", "false")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    identity(root, "Stan Ortiz", "stan@ripple.example")
    (root / "rippledoc.yaml").write_text("me: stan\nteam:\n  stan: {name: Stan Ortiz}\n  priya: {name: Priya Shah}\n")
    (root / "clients").mkdir()
    (root / "clients" / "northwind.md").write_text(NORTHWIND)
    setup = rippledoc(root, "git-setup", "--program", PROGRAM)
    assert setup.returncode == 0, setup.stderr
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the book")
    return root


def branch_edit(repo: Path, branch: str, text: str, message: str) -> None:
    git(repo, "checkout", "-q", "-b", branch)
    (repo / "clients" / "northwind.md").write_text(text)
    git(repo, "commit", "-q", "-am", message)
    git(repo, "checkout", "-q", "main")


@needs_git
def test_git_setup_registers_the_driver_once(repo: Path):
    attrs = (repo / ".gitattributes").read_text()
    assert "clients/*.md merge=rippledoc\n" in attrs and "rituals/**/*.md merge=rippledoc\n" in attrs
    assert git(repo, "config", "merge.rippledoc.driver").stdout.strip() == driver_command(PROGRAM)
    assert git(repo, "check-attr", "merge", "clients/northwind.md", "rituals/weekly/2026-W47.md").stdout == (
        "clients/northwind.md: merge: rippledoc\nrituals/weekly/2026-W47.md: merge: rippledoc\n")
    again = rippledoc(repo, "git-setup", "--program", PROGRAM)
    assert again.returncode == 0 and "kept    .gitattributes" in again.stdout
    assert (repo / ".gitattributes").read_text() == attrs


@needs_git
def test_git_merge_of_concurrent_logs_is_clean(repo: Path):
    branch_edit(repo, "priya", add_after(NORTHWIND, LAST, "- 2026-11-20 call reached by priya: theirs\n"), "priya")
    (repo / "clients" / "northwind.md").write_text(add_after(NORTHWIND, LAST, "- 2026-11-20 call reached by stan: ours\n"))
    git(repo, "commit", "-q", "-am", "stan")
    result = git(repo, "merge", "--no-edit", "priya", ok=False)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (repo / "clients" / "northwind.md").read_text()
    assert text.endswith(LAST + "- 2026-11-20 call reached by stan: ours\n- 2026-11-20 call reached by priya: theirs\n")


@needs_git
def test_inbox_lines_jotted_on_two_clones_are_all_kept(repo: Path):
    (repo / "inbox.md").write_text("## 2026-11-20\nnorthwind call reached: ok\n")
    git(repo, "add", "inbox.md")
    git(repo, "commit", "-q", "-m", "inbox")
    git(repo, "checkout", "-q", "-b", "phone")
    (repo / "inbox.md").write_text("## 2026-11-20\nnorthwind call reached: ok\nacme voicemail\n")
    git(repo, "commit", "-q", "-am", "from the phone")
    git(repo, "checkout", "-q", "main")
    (repo / "inbox.md").write_text("## 2026-11-20\nnorthwind call reached: ok\nblue gum email: sent\n")
    git(repo, "commit", "-q", "-am", "from the laptop")
    assert git(repo, "merge", "--no-edit", "phone", ok=False).returncode == 0
    assert (repo / "inbox.md").read_text() == (
        "## 2026-11-20\nnorthwind call reached: ok\nblue gum email: sent\nacme voicemail\n")


@needs_git
def test_git_merge_of_different_keys_is_clean(repo: Path):
    branch_edit(repo, "priya", NORTHWIND.replace("level: key", "level: for-life"), "priya")
    (repo / "clients" / "northwind.md").write_text(NORTHWIND.replace("grade: two", "grade: top"))
    git(repo, "commit", "-q", "-am", "stan")
    assert git(repo, "merge", "--no-edit", "priya", ok=False).returncode == 0
    text = (repo / "clients" / "northwind.md").read_text()
    assert text == NORTHWIND.replace("level: key", "level: for-life").replace("grade: two", "grade: top")


@needs_git
def test_git_merge_of_one_key_changed_two_ways_conflicts_with_markers(repo: Path):
    branch_edit(repo, "priya", add_after(NORTHWIND.replace("grade: two", "grade: three"), LAST,
                                         "- 2026-11-20 call reached by priya: theirs\n"), "priya")
    (repo / "clients" / "northwind.md").write_text(NORTHWIND.replace("grade: two", "grade: top"))
    git(repo, "commit", "-q", "-am", "stan")
    result = git(repo, "merge", "--no-edit", "priya", ok=False)
    assert result.returncode == 1 and "CONFLICT" in result.stdout
    assert "conflict: front matter key 'grade'" in result.stderr
    text = (repo / "clients" / "northwind.md").read_text()
    assert "<<<<<<< ours\ngrade: top\n=======\ngrade: three\n>>>>>>> theirs\n" in text
    assert text.endswith("- 2026-11-20 call reached by priya: theirs\n")  # nothing lost
    assert git(repo, "status", "--porcelain").stdout.startswith("UU clients/northwind.md")


@needs_git
def test_git_merge_that_would_not_validate_is_a_conflict(repo: Path):
    base = NORTHWIND.replace(
        "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}\n",
        "  - made: 2026-11-02\n    what: Send the migration plan\n    due: 2026-11-30\n")
    (repo / "clients" / "northwind.md").write_text(base)
    git(repo, "commit", "-q", "-am", "block style")
    branch_edit(repo, "priya", base.replace("due: 2026-11-30", "due: 2026-11-20"), "priya")
    (repo / "clients" / "northwind.md").write_text(base.replace("made: 2026-11-02", "made: 2026-11-25"))
    git(repo, "commit", "-q", "-am", "stan")
    result = git(repo, "merge", "--no-edit", "priya", ok=False)
    assert result.returncode == 1
    assert "would not validate: commitment due 2026-11-20, before it was made on 2026-11-25" in result.stderr
    assert git(repo, "status", "--porcelain").stdout.startswith("UU clients/northwind.md")


@needs_git
def test_git_merge_keeps_the_line_endings_of_lines_nobody_changed(repo: Path):
    base = NORTHWIND.replace("Ana wants fewer surprises.\n", "Ana wants fewer surprises.\r\n")
    path = repo / "clients" / "northwind.md"
    path.write_bytes(base.encode())
    git(repo, "commit", "-q", "-am", "a pasted note line")
    git(repo, "checkout", "-q", "-b", "priya")
    path.write_bytes(add_after(base, LAST, "- 2026-11-21 email by priya: theirs\n").encode())
    git(repo, "commit", "-q", "-am", "priya")
    git(repo, "checkout", "-q", "main")
    path.write_bytes(add_after(base, LAST, "- 2026-11-20 call reached by stan: ours\n").encode())
    git(repo, "commit", "-q", "-am", "stan")
    result = git(repo, "merge", "--no-edit", "priya", ok=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_bytes() == add_after(base, LAST, "- 2026-11-20 call reached by stan: ours\n"
                                                      "- 2026-11-21 email by priya: theirs\n").encode()


@needs_git
def test_git_merge_of_one_touch_edited_two_ways_conflicts_with_markers(repo: Path):
    path = repo / "clients" / "northwind.md"
    path.write_text(WITH_VOICEMAIL)
    git(repo, "commit", "-q", "-am", "voicemail")
    branch_edit(repo, "priya", WITH_VOICEMAIL.replace("next: 2026-11-05", "next: 2026-11-09"), "priya")
    path.write_text(WITH_VOICEMAIL.replace("next: 2026-11-05", "next: 2026-11-06"))
    git(repo, "commit", "-q", "-am", "stan")
    result = git(repo, "merge", "--no-edit", "priya", ok=False)
    assert result.returncode == 1 and "CONFLICT" in result.stdout
    assert "conflict: the log: the touch of 2026-11-02 changed on both sides" in result.stderr
    assert ("<<<<<<< ours\n- 2026-11-02 call voicemail by stan: left a message. next: 2026-11-06\n=======\n"
            "- 2026-11-02 call voicemail by stan: left a message. next: 2026-11-09\n>>>>>>> theirs\n"
            + LAST) in path.read_text()
    assert git(repo, "status", "--porcelain").stdout.startswith("UU clients/northwind.md")


def sample_clients(n: int = 3) -> list[Path]:
    """Real-looking files from the repository's own sample workspace."""
    from conftest import load_workspace
    ws, diags = load_workspace(REPO)
    bad = {d.path for d in diags if d.is_error}
    picked = [REPO / c.path for c in ws.clients if c.path not in bad and c.log_heading_line][:n]
    if len(picked) < n:
        pytest.skip("the sample workspace has too few valid clients")
    return picked


@needs_git
def test_two_clones_log_touches_and_edit_fields_then_git_pull_without_conflicts(tmp_path: Path):
    from rippledoc.cli.team import write_gitattributes
    from rippledoc.edit.client import append_touch, set_field
    from conftest import load_workspace
    from datetime import date
    origin, a, b = tmp_path / "origin.git", tmp_path / "stan", tmp_path / "priya"
    seed = tmp_path / "seed"
    (seed / "clients").mkdir(parents=True)
    shutil.copy(REPO / "rippledoc.yaml", seed / "rippledoc.yaml")
    files = sample_clients()
    for f in files:
        shutil.copy(f, seed / "clients" / f.name)
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    write_gitattributes(seed, create=True)  # as 'rippledoc init' does
    git(seed, "init", "-q", "-b", "main")
    identity(seed, "Stan Ortiz", "stan@ripple.example")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "the book")
    git(seed, "push", "-q", str(origin), "main")
    for clone, (name, email) in ((a, ("Stan Ortiz", "stan@ripple.example")),
                                 (b, ("Priya Shah", "priya@ripple.example"))):
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        identity(clone, name, email)
        assert rippledoc(clone, "git-setup", "--program", PROGRAM).returncode == 0
        assert git(clone, "status", "--porcelain").stdout == ""  # the committed .gitattributes was enough
    before = {f.name: (b / "clients" / f.name).read_text() for f in files}
    today = date(2026, 11, 22)
    added: list[str] = []
    for f in files:
        rel = f"clients/{f.name}"
        for clone, who, field, value in ((a, "stan", "snooze", date(2026, 12, 1)), (b, "priya", "cadence", "2w")):
            for n in (1, 2):
                line = f"- 2026-11-2{n} call reached by {who}: {f.stem} touch {n} from {who}"
                append_touch(clone, rel, line, today)
                added.append(line)
            set_field(clone, rel, field, value, only_if_empty=False, today=today)
    git(a, "commit", "-q", "-am", "stan's calls")
    git(b, "commit", "-q", "-am", "priya's calls")
    git(a, "push", "-q")
    pull = git(b, "pull", "--no-edit", ok=False)
    assert pull.returncode == 0, pull.stdout + pull.stderr
    assert "CONFLICT" not in pull.stdout
    for f in files:
        text = (b / "clients" / f.name).read_text()
        ours_lines = set(before[f.name].splitlines())
        assert ours_lines - {l for l in ours_lines if l.startswith(("snooze:", "cadence:"))} <= set(text.splitlines())
        assert "\nsnooze: 2026-12-01\n" in text and "\ncadence: 2w\n" in text
    every = "".join((b / "clients" / f.name).read_text() for f in files)
    assert all(line + "\n" in every for line in added)
    ws, diags = load_workspace(b, today)
    assert [d for d in diags if d.is_error] == []
    git(b, "push", "-q")
    git(a, "pull", "-q", "--no-edit")
    assert all((a / "clients" / f.name).read_bytes() == (b / "clients" / f.name).read_bytes() for f in files)


# ---------------------------------------------------------------- nothing is lost, whatever two people do

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

KEYS = ("contact", "phone", "owner", "level", "grade", "cadence")
VALUES = {"contact": ("Ana Ruiz", "Bo Lee", "Cy Diaz"), "phone": ('"+1 312 555 0142"', '"+1 312 555 0199"', '"0700"'),
          "owner": ("stan", "priya", "omar"), "level": ("key", "for-life", "base"), "grade": ("two", "top", "three"),
          "cadence": ("30d", "2w", "3m")}
touch = st.builds(lambda day, who, n: f"- 2026-11-{day:02d} call reached by {who}: note {n}\n",
                  st.integers(1, 21), st.sampled_from(["stan", "priya"]), st.integers(0, 999))
side = st.fixed_dictionaries({
    "keys": st.dictionaries(st.sampled_from(KEYS), st.integers(0, 2), max_size=3),
    "touches": st.lists(touch, max_size=4),
    "drop": st.sets(st.integers(0, 4), max_size=2),
})


def book_text(keys: dict[str, int], log: list[str]) -> str:
    front = "".join(f"{k}: {VALUES[k][keys.get(k, 0)]}\n" for k in KEYS)
    return f"---\nname: Northwind Traders\n{front}---\nNotes.\n\n## Log\n" + "".join(log)


@hsettings(max_examples=60, deadline=None)
@given(base_log=st.lists(touch, min_size=1, max_size=5, unique=True), ours=side, theirs=side)
def test_nothing_is_lost_whatever_two_people_do(base_log, ours, theirs):
    base_log = sorted(base_log)
    for s in (ours, theirs):
        s["touches"] = [t for t in s["touches"] if t not in base_log]  # a new touch is a line the base lacks

    def edit(s):
        kept = [l for i, l in enumerate(base_log) if i not in s["drop"]]
        return book_text(s["keys"], sorted(kept + s["touches"]))

    o, t = edit(ours), edit(theirs)
    m, text = merged(book_text({}, base_log), o, t)
    lines = text.splitlines(keepends=True)
    for mine, other in ((ours, theirs), (theirs, ours)):
        for line in mine["touches"]:
            assert line in lines
    for i, line in enumerate(base_log):
        if i not in ours["drop"] and i not in theirs["drop"]:
            assert line in lines
        elif line not in ours["touches"] + theirs["touches"] and base_log.count(line) == 1:
            assert line not in lines  # a deletion is honoured
    clash = [k for k in KEYS if ours["keys"].get(k, 0) != theirs["keys"].get(k, 0)
             and ours["keys"].get(k, 0) != 0 and theirs["keys"].get(k, 0) != 0]
    for k in KEYS:
        if k in clash:  # both versions, between markers
            assert f"<<<<<<< ours\n{k}: {VALUES[k][ours['keys'][k]]}\n=======\n" \
                   f"{k}: {VALUES[k][theirs['keys'][k]]}\n>>>>>>> theirs\n" in text
        else:
            assert f"{k}: {VALUES[k][max(ours['keys'].get(k, 0), theirs['keys'].get(k, 0))]}\n" in lines
    # both dropped a touch and each put one of its day in its place: an edit of that touch both ways
    log_clash = any(i in ours["drop"] and i in theirs["drop"]
                    and any(t[:12] == line[:12] and t not in theirs["touches"] for t in ours["touches"])
                    and any(t[:12] == line[:12] and t not in ours["touches"] for t in theirs["touches"])
                    for i, line in enumerate(base_log))
    in_log = tuple(c for c in m.conflicts if c.startswith("the log: "))
    assert not in_log or log_clash
    assert m.conflicts == tuple(f"front matter key '{k}': changed on both sides" for k in clash) + in_log
    assert m.clean == (not clash and not in_log)
