"""Lossless edits: one line in, every other byte the same, or nothing written."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rippledoc.edit import atomic
from rippledoc.edit.client import EditError, FileChanged, append_touch, mark_done, set_field, yaml_scalar

SETTINGS = "timezone: America/New_York\nme: stan\nteam:\n  stan: {name: Stan}\n  priya: {name: Priya}\n"

NORTHWIND = (
    "---\n"
    "name: Northwind Traders   # a comment stays\n"
    "timezone: America/Chicago\n"
    "level: key\n"
    "commitments:\n"
    "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}\n"
    "  - made: 2026-10-01\n"
    "    due: 2026-10-20\n"
    "    what: Fix the VPN\n"
    "---\n"
    "Notes about Ana.\n"
    "\n"
    "## Log\n"
    "- 2026-11-02 call reached by stan: loved the dashboard. #success\n"
    "- 2026-11-20 call voicemail by stan: said I'd call back. next: 2026-11-24\n"
    "\n"
    "## Later\n"
    "More notes.\n"
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    return tmp_path


def put(book: Path, text: str | bytes, name: str = "northwind.md") -> Path:
    p = book / "clients" / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def test_append_keeps_oldest_first_order_and_every_other_byte(book):
    p = put(book, NORTHWIND)
    r = append_touch(book, "clients/northwind.md", "- 2026-11-21 call reached by stan: all good")
    lines = p.read_text().split("\n")
    assert r.changed and r.line == 16 and lines[15] == "- 2026-11-21 call reached by stan: all good"
    assert "\n".join(lines[:15] + lines[16:]) == NORTHWIND


def test_append_goes_between_older_and_newer_lines(book):
    p = put(book, NORTHWIND)
    r = append_touch(book, p, "- 2026-11-10 email by stan: sent the notes")
    assert r.line == 15
    assert p.read_text().split("\n")[13:16] == [
        "- 2026-11-02 call reached by stan: loved the dashboard. #success",
        "- 2026-11-10 email by stan: sent the notes",
        "- 2026-11-20 call voicemail by stan: said I'd call back. next: 2026-11-24",
    ]


def test_append_keeps_newest_first_order(book):
    text = NORTHWIND.replace(
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n"
        "- 2026-11-20 call voicemail by stan: said I'd call back. next: 2026-11-24\n",
        "- 2026-11-20 call voicemail by stan: said I'd call back. next: 2026-11-24\n"
        "- 2026-11-02 call reached by stan: loved the dashboard. #success\n")
    p = put(book, text)
    append_touch(book, p, "- 2026-11-21 call reached by stan: newest")
    append_touch(book, p, "- 2026-11-05 email by stan: middle")
    assert p.read_text().split("\n")[13:17] == [
        "- 2026-11-21 call reached by stan: newest",
        "- 2026-11-20 call voicemail by stan: said I'd call back. next: 2026-11-24",
        "- 2026-11-05 email by stan: middle",
        "- 2026-11-02 call reached by stan: loved the dashboard. #success",
    ]


def test_crlf_and_bom_are_kept(book):
    raw = b"\xef\xbb\xbf" + NORTHWIND.replace("\n", "\r\n").encode()
    p = put(book, raw)
    append_touch(book, p, "- 2026-11-21 call reached by stan: crlf")
    new = p.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\r\n- 2026-11-21 call reached by stan: crlf\r\n" in new
    assert new.replace(b"- 2026-11-21 call reached by stan: crlf\r\n", b"") == raw
    assert b"\n" not in new.replace(b"\r\n", b"")


def test_a_log_section_is_created_when_missing(book):
    p = put(book, "---\nname: Acme\n---\nJust notes, no newline at the end")
    r = append_touch(book, p, "- 2026-11-21 call voicemail by stan: next: 2026-11-24")
    assert p.read_text() == ("---\nname: Acme\n---\nJust notes, no newline at the end\n\n## Log\n"
                             "- 2026-11-21 call voicemail by stan: next: 2026-11-24\n")
    assert r.line == 7


def test_an_empty_log_section_gets_the_line_under_its_heading(book):
    p = put(book, "---\nname: Acme\n---\n## Log\n\n## Other\n")
    append_touch(book, p, "- 2026-11-21 email by stan")
    assert p.read_text() == "---\nname: Acme\n---\n## Log\n- 2026-11-21 email by stan\n\n## Other\n"


def test_a_line_that_would_not_validate_is_refused_and_nothing_written(book):
    p = put(book, NORTHWIND)
    with pytest.raises(EditError, match="E302|not in the team"):
        append_touch(book, p, "- 2026-11-21 call reached by nobody: hi")
    with pytest.raises(EditError, match="future"):
        append_touch(book, p, "- 2026-11-25 call reached by stan: hi", today=date(2026, 11, 22))
    with pytest.raises(EditError, match="unknown touch kind"):
        append_touch(book, p, "- 2026-11-21 fax by stan")
    assert p.read_text() == NORTHWIND


def test_a_file_changed_since_it_was_read_is_refused(book):
    p = put(book, NORTHWIND)
    stale = atomic.digest(p.read_bytes())
    p.write_text(NORTHWIND.replace("Notes about Ana.", "Notes about Ana!"))
    with pytest.raises(FileChanged, match="changed on disk"):
        append_touch(book, p, "- 2026-11-21 email by stan", expect=stale)
    assert "2026-11-21" not in p.read_text()


def test_mark_done_in_a_flow_mapping(book):
    p = put(book, NORTHWIND)
    r = mark_done(book, p, "send the migration", date(2026, 11, 21))
    assert r.text == "  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan, done: 2026-11-21}"
    assert p.read_text() == NORTHWIND.replace("plan}", "plan, done: 2026-11-21}")


def test_mark_done_in_a_block_mapping(book):
    p = put(book, NORTHWIND)
    r = mark_done(book, p, "Fix the VPN", date(2026, 10, 19))
    assert r.line == 10 and r.text == "    done: 2026-10-19"
    assert p.read_text() == NORTHWIND.replace("what: Fix the VPN\n", "what: Fix the VPN\n    done: 2026-10-19\n")


def test_mark_done_twice_says_when_it_was_kept(book):
    p = put(book, NORTHWIND)
    mark_done(book, p, "Fix the VPN", date(2026, 10, 19))
    with pytest.raises(EditError, match="already marked done on 2026-10-19"):
        mark_done(book, p, "fix the vpn", date(2026, 10, 20))


def test_mark_done_unknown_or_ambiguous(book):
    p = put(book, NORTHWIND.replace("Fix the VPN", "Send the VPN report"))
    with pytest.raises(EditError, match="matches 2 open commitments"):
        mark_done(book, p, "send", date(2026, 11, 21))
    with pytest.raises(EditError, match="no open commitment matches .invoice."):
        mark_done(book, p, "invoice", date(2026, 11, 21))


def test_set_field_adds_a_missing_key_before_the_closing_fence(book):
    p = put(book, NORTHWIND)
    r = set_field(book, p, "owner", "priya")
    assert r.changed and r.line == 10
    assert p.read_text() == NORTHWIND.replace("    what: Fix the VPN\n---\n", "    what: Fix the VPN\nowner: priya\n---\n")


def test_set_field_keeps_an_existing_value_unless_told(book):
    p = put(book, NORTHWIND)
    r = set_field(book, p, "level", "for-life")
    assert not r.changed and p.read_text() == NORTHWIND
    set_field(book, p, "name", "Northwind, Inc.", only_if_empty=False)
    assert 'name: Northwind, Inc.   # a comment stays\n' in p.read_text()


def test_set_field_fills_an_empty_value_keeping_the_comment(book):
    p = put(book, "---\nname: Acme\nowner:    # who calls them\nsnooze: ~\n---\n")
    set_field(book, p, "owner", "stan")
    set_field(book, p, "snooze", date(2026, 12, 1))
    assert p.read_text() == "---\nname: Acme\nowner: stan    # who calls them\nsnooze: 2026-12-01\n---\n"


def test_set_field_refuses_an_unknown_owner(book):
    p = put(book, NORTHWIND)
    with pytest.raises(EditError, match="not in the team"):
        set_field(book, p, "owner", "zed")
    assert p.read_text() == NORTHWIND


@pytest.mark.parametrize("value, written", [
    ("stan", "stan"), ("NO", '"NO"'), ("0700 123", "0700 123"), ("0700", '"0700"'),
    ("a: b", '"a: b"'), ("#x", '"#x"'), (date(2026, 1, 2), "2026-01-02"), ("2026-01-02", '"2026-01-02"'),
])
def test_yaml_scalar_reads_back_as_typed(value, written):
    assert yaml_scalar(value) == written


def test_every_edit_keeps_crlf_and_the_bom(book):
    raw = b"\xef\xbb\xbf" + NORTHWIND.replace("\n", "\r\n").encode()
    p = put(book, raw)
    set_field(book, p, "owner", "stan")
    mark_done(book, p, "fix the vpn", date(2026, 10, 19))
    mark_done(book, p, "send the migration plan", date(2026, 11, 21))
    new = p.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in new.replace(b"\r\n", b"")
    assert new.decode("utf-8-sig").replace("\r\n", "\n") == NORTHWIND.replace(
        "    what: Fix the VPN\n---\n", "    what: Fix the VPN\n    done: 2026-10-19\nowner: stan\n---\n").replace(
        "plan}", "plan, done: 2026-11-21}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.integers(0, 60), max_size=8), new=st.integers(0, 60), crlf=st.booleans(),
       newest_first=st.booleans(), tail=st.sampled_from(["", "\n", "\n## Next\nmore\n"]))
def test_append_is_lossless_and_keeps_the_order_whatever_the_log(tmp_path_factory, days, new, crlf,
                                                                  newest_first, tail):
    book = tmp_path_factory.mktemp("book")
    (book / "clients").mkdir()
    (book / "rippledoc.yaml").write_text(SETTINGS)
    base = date(2026, 9, 1)
    dated = sorted(days, reverse=newest_first)
    log = "".join(f"- {base + timedelta(days=d)} call reached by stan: touch {i}\n" for i, d in enumerate(dated))
    text = f"---\nname: Acme\n---\nNotes.\n\n## Log\n{log}{tail}"
    eol = "\r\n" if crlf else "\n"
    p = put(book, text.replace("\n", eol))
    line = f"- {base + timedelta(days=new)} email by stan: the new one"
    r = append_touch(book, p, line)
    after = p.read_bytes().decode()
    lines = after.split(eol)
    assert lines[r.line - 1] == line
    assert eol.join(lines[:r.line - 1] + lines[r.line:]) == text.replace("\n", eol)
    order = [l[2:12] for l in lines if l.startswith("- 20")]
    assert order == sorted(order, reverse=newest_first and len(dated) > 1 and dated[0] != dated[-1])


def test_set_field_fills_a_quoted_empty_value_in_place(book):
    """`rippledoc new` writes `phone: ""`: that is empty, and filling it keeps the rest of the line."""
    p = put(book, '---\nname: Acme\nphone: ""   # the switchboard\nemail: \'\'\n---\n')
    r = set_field(book, p, "phone", "+1 312 555 0142")
    assert r.changed and r.text == 'phone: "+1 312 555 0142"   # the switchboard'
    assert set_field(book, p, "email", "ana@acme.example").changed
    assert p.read_text() == '---\nname: Acme\nphone: "+1 312 555 0142"   # the switchboard\nemail: ana@acme.example\n---\n'
    assert not set_field(book, p, "phone", "+1 000").changed


def test_an_edit_can_be_made_while_holding_the_workspace_lock(book):
    """The lock is re-entrant within a thread: two edits under one lock are one step for other processes."""
    import threading
    p = put(book, NORTHWIND)
    done = []

    def both():
        with atomic.locked(book):
            set_field(book, p, "owner", "priya")
            append_touch(book, p, "- 2026-11-21 email by stan: sent the plan", today=date(2026, 11, 22))
        done.append(True)
    worker = threading.Thread(target=both, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert done == [True]
    assert "owner: priya\n" in p.read_text() and "- 2026-11-21 email by stan: sent the plan\n" in p.read_text()


# A save another program makes while the edit is written is kept, and the edit made again on it.

def save_during_the_first_sync(monkeypatch, path: Path, save) -> None:
    import os
    real = os.fsync
    calls = []

    def fsync(fd):
        real(fd)
        calls.append(fd)
        if len(calls) == 1:
            save(path)
    monkeypatch.setattr(os, "fsync", fsync)


def in_place(text: str):
    def save(path: Path) -> None:
        with open(path, "w") as fh:
            fh.write(text)
    return save


def by_rename(text: str):
    def save(path: Path) -> None:
        import os
        tmp = path.with_name(".editor-save")
        tmp.write_text(text)
        os.replace(tmp, path)
    return save


@pytest.mark.parametrize("style", [in_place, by_rename])
def test_a_touch_logged_while_an_editor_saves_keeps_the_editors_save(book, monkeypatch, style):
    path = put(book, NORTHWIND)
    edited = NORTHWIND.replace("Notes about Ana.", "Notes about Ana: she moved to Denver.")
    save_during_the_first_sync(monkeypatch, path, style(edited))
    r = append_touch(book, "clients/northwind.md", "- 2026-11-22 call reached by stan: both kept")
    assert path.read_text() == edited.replace(
        "said I'd call back. next: 2026-11-24\n", "said I'd call back. next: 2026-11-24\n"
        "- 2026-11-22 call reached by stan: both kept\n")
    assert r.line == 16 and sorted(p.name for p in path.parent.iterdir()) == ["northwind.md"]


def test_a_commitment_marked_done_meanwhile_is_not_marked_again(book, monkeypatch):
    path = put(book, NORTHWIND)
    by_hand = NORTHWIND.replace("what: Send the migration plan}", "what: Send the migration plan, done: 2026-11-21}")
    save_during_the_first_sync(monkeypatch, path, in_place(by_hand))
    with pytest.raises(EditError, match="already marked done on 2026-11-21"):
        mark_done(book, "clients/northwind.md", "migration plan", date(2026, 11, 22))
    assert path.read_text() == by_hand


def test_a_file_that_keeps_changing_is_refused_after_a_few_tries(book, monkeypatch):
    import os
    path = put(book, NORTHWIND)
    real = os.fsync
    saves = []

    def always(fd):  # an editor saving every time rippledoc is about to swap
        real(fd)
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            saves.append(1)
            path.write_text(NORTHWIND + f"<!-- save {len(saves)} -->\n")
    monkeypatch.setattr(os, "fsync", always)
    with pytest.raises(FileChanged, match=r"kept changing while rippledoc tried to write it \(6 tries\); nothing"):
        append_touch(book, "clients/northwind.md", "- 2026-11-22 call reached by stan: never")
    assert path.read_text() == NORTHWIND + f"<!-- save {atomic.ATTEMPTS} -->\n"
