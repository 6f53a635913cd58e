"""``rippledoc call`` in a real pseudo-terminal, as a person uses it: single keys, typed lines, Ctrl-C, a kill.

Each test runs ``python -m rippledoc call`` on a copy of the sample book (a
git repository, so ``git diff`` shows exactly what the session wrote), with
the pseudo-terminal as its controlling terminal. A key is sent only once the
program has put the terminal in raw mode (it waits for one key); a line only
once the terminal is back in line mode and the question is on the screen, as
a person answers what they see.
"""
from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from conftest import copy_sample

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

SAMPLE = ("rippledoc.yaml", "clients", "rituals", "site_templates", ".gitignore")
DAY = "2026-12-01"  # a Tuesday: four promised call backs in the window, two clients outside it
WAIT = 60.0  # seconds before a test gives up waiting for the program (a guard, not a measurement)
MENU = "What happened?"
# the controlling terminal: the program is a session leader whose stdin is the pseudo-terminal
ADOPT_TERMINAL = "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execv(sys.argv[1], sys.argv[1:])"


class Terminal:
    """A command in a pseudo-terminal: what it printed (line endings as '\\n'), and keys and lines to type."""

    def __init__(self, args: list[str], cwd: Path):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
        env = {**os.environ, "LC_ALL": "C.UTF-8", "NO_COLOR": "1", "TERM": "xterm", "PYTHONIOENCODING": "utf-8"}
        env.pop("PYTHONUTF8", None)
        self.proc = subprocess.Popen([sys.executable, "-c", ADOPT_TERMINAL, sys.executable, "-m", "rippledoc", *args],
                                     stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.output = ""
        self.seen = 0  # how much of the output the expectations have passed

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the program ended and closed the terminal
            return False
        if not data:
            return False
        self.output += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return True

    def expect(self, text: str) -> str:
        """Wait until ``text`` is printed after what was expected before; returns the output up to it."""
        deadline = time.monotonic() + WAIT
        while text not in self.output[self.seen:]:
            if time.monotonic() > deadline or not self._read(0.2) and text not in self.output[self.seen:]:
                raise AssertionError(f"{text!r} never came; the program printed:\n{self.output[self.seen:]}")
        at = self.output.index(text, self.seen) + len(text)
        before, self.seen = self.output[self.seen:at], at
        return before

    def _mode(self, raw: bool) -> None:
        """Wait until the program has the terminal in raw mode (``raw``) or line mode, reading its output."""
        deadline = time.monotonic() + WAIT
        while bool(termios.tcgetattr(self.fd)[3] & termios.ICANON) == raw:
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal never went {'raw' if raw else 'back to lines'}:\n{self.output}")
            self._read(0.02)

    def reading(self) -> None:
        """Wait until the program is blocked reading the terminal (Linux: its wait channel). A signal that comes
        between the prompt and that read is acted on only after the read returns (CPython's input() checks for
        one only when the read is interrupted), so a Ctrl-C is sent once the program waits, as a person's is."""
        proc = Path(f"/proc/{self.proc.pid}")
        deadline = time.monotonic() + WAIT
        while True:
            try:
                where = (proc / "wchan").read_text()
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                return  # no /proc: nothing to wait on
            if where in ("wait_woken", "n_tty_read") or (where == "0" and state == "S"):
                return  # asleep in the terminal's read ("0" while asleep: the kernel does not say where)
            if time.monotonic() > deadline:
                raise AssertionError(f"the program never waited for input ({where}):\n{self.output}")
            self._read(0.02)

    def key(self, ch: str) -> None:
        """Press one key at the next menu."""
        self.expect(MENU)
        self.press(ch)

    def press(self, ch: str) -> None:
        """Press one key once the program waits for one."""
        self._mode(raw=True)
        os.write(self.fd, ch.encode())

    def line(self, question: str, text: str) -> None:
        """Answer ``question`` (a part of it) with a line of text and Enter."""
        self.expect(question)
        self._mode(raw=False)
        os.write(self.fd, text.encode("utf-8") + b"\r")

    def finish(self) -> int:
        """Read to the end; the exit status."""
        deadline = time.monotonic() + WAIT
        while self._read(0.2):
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"the program did not end:\n{self.output}")
        return self.proc.wait(WAIT)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(WAIT)
        os.close(self.fd)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                           *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample book in a git repository of its own."""
    root = copy_sample(tmp_path / "book", SAMPLE)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "sample")
    return root


@pytest.fixture
def terminal(sample: Path):
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        t = Terminal(["call", "--today", DAY, *args], sample)
        started.append(t)
        return t

    yield start
    for t in started:
        t.close()


def added_lines(root: Path) -> dict[str, list[str]]:
    """file -> the lines the session added; fails when it removed or changed any."""
    diff = git(root, "diff", "--unified=0", "--no-color")
    out: dict[str, list[str]] = {}
    current = ""
    for line in diff.splitlines():
        if line.startswith("+++ b/"):
            current = line[6:]
        elif line.startswith("+") and not line.startswith("+++"):
            out.setdefault(current, []).append(line[1:])
        elif line.startswith("-") and not line.startswith("---"):
            raise AssertionError(f"a line was removed or changed in {current}: {line}")
    return out


def untracked(root: Path) -> list[str]:
    return [x for x in git(root, "status", "--porcelain", "--untracked-files=all").splitlines() if x.startswith("??")]


MOORFIELD = ("- 2026-12-01 call reached by stan: Fiona is happy with the portal; Ευχαριστώ from the Athens office. "
             "The statements export times out for big landlords. handoff: support @omar by 2026-12-03 "
             '#kudos @priya "спасибо, her sessions are the best" #success "they close the month two days sooner" '
             "#intel[conference: Northern Property Forum] #intel[trend: 物流の自動化]")
KESTREL = "- 2026-12-01 call voicemail by stan: left a message about the estimate. next: 2026-12-04"
DUNMORE = "- 2026-12-01 call no-answer by stan: next: 2026-12-02"


def answer_a_whole_morning(t: Terminal) -> None:
    """Reached (a note, a handoff, kudos, a story, intelligence), voicemail, no answer, skip, snooze, then q."""
    t.expect("1 of 6")
    t.expect("Moorfield Lettings Ltd")
    t.key("r")
    t.line("Note, #tags welcome", "Fiona is happy with the portal; Ευχαριστώ from the Athens office")
    t.line("A problem to hand to a department head?", "The statements export times out for big landlords")
    t.line("Who takes it", "support: omar")
    t.line("By when will they call the customer", "thu")
    t.expect("Tell Fiona Aldridge: Omar Haddad (support) will be in touch by Thu 03 Dec.")
    t.line("Praise for a colleague?", "priya: спасибо, her sessions are the best")
    t.expect("Kudos for priya")
    t.line("Praise for a colleague?", "")
    t.line("A success story?", "they close the month two days sooner")
    t.line("Intelligence?", "conference: Northern Property Forum")
    t.line("Intelligence?", "trend: 物流の自動化")
    t.line("Intelligence?", "")
    t.expect("Next call due")
    t.expect("2 of 6")
    t.key("v")
    t.expect("Enter: Wed 02 Dec, your next working day that is a business day in their zone (America/Chicago)")
    t.line("When did you say you'd call back", "fri")
    t.expect("Call back on Fri 04 Dec")
    t.line("Note, #tags welcome", "left a message about the estimate")
    t.expect("3 of 6")
    t.key("n")
    t.line("When will you try again", "")  # Enter: the default day
    t.expect("Call back on Wed 02 Dec")
    t.line("Note, #tags welcome", "")
    t.expect("4 of 6")
    t.key("s")
    t.expect("skipped")
    t.expect("5 of 6")
    t.key("z")
    t.line("Snooze until", "2026-12-14")
    t.expect("The call back promised for Mon 23 Nov stands")
    t.expect("6 of 6")
    t.key("q")


def test_a_whole_morning_through_a_terminal_leaves_exactly_the_expected_lines(terminal, sample):
    t = terminal()
    answer_a_whole_morning(t)
    assert t.finish() == 0
    assert added_lines(sample) == {
        "clients/moorfield-lettings.md": [MOORFIELD],
        "clients/kestrel-freight-lines.md": [KESTREL],
        "clients/dunmore-outdoor-gear.md": [DUNMORE],
        "clients/sakura-ridge-logistics.md": ["snooze: 2026-12-14"],
    }
    assert untracked(sample) == []  # no temporary file, no stray copy
    summary = t.output.split("Session of Tue 01 Dec 2026", 1)[1]
    assert summary.startswith(": 5 of 6 clients (1 reached, 1 voicemail, 1 no answer, 1 skipped, 1 snoozed, "
                              "1 not yet)")
    assert "Written: 3 log lines and 1 snooze." in summary
    assert "Next call: Tue 01 Dec Indus Ledger Accounting Services, outside your call window" in summary
    assert "Traceback" not in t.output
    check = subprocess.run([sys.executable, "-m", "rippledoc", "check", "--today", DAY], cwd=sample,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_research_notes_are_those_today_shows(terminal, sample):
    today = subprocess.run([sys.executable, "-m", "rippledoc", "today", "--today", DAY], cwd=sample,
                           capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=True).stdout
    block = today.split("\n\n")[2]  # the first call, its why and its notes
    assert block.startswith(" 1. 09:30-10:00  Moorfield Lettings Ltd")
    t = terminal()
    shown = t.expect(MENU)
    assert block in shown
    t.press("q")
    assert t.finish() == 0


def test_ctrl_c_at_a_key_ends_with_the_summary_and_keeps_every_answer(terminal, sample):
    t = terminal()
    t.key("v")
    t.line("When did you say you'd call back", "+2")
    t.line("Note, #tags welcome", "said Thursday")
    t.expect("2 of 6")
    t.key("\x03")
    assert t.finish() == 0
    assert added_lines(sample) == {"clients/moorfield-lettings.md": [
        "- 2026-12-01 call voicemail by stan: said Thursday. next: 2026-12-03"]}
    assert "Session of Tue 01 Dec 2026: 1 of 6 clients (1 voicemail, 5 not yet)" in t.output
    assert "Traceback" not in t.output


def test_ctrl_c_while_typing_a_note_keeps_the_answers_already_given(terminal, sample):
    t = terminal()
    t.key("r")
    t.line("Note, #tags welcome", "the portal is fine")
    t.expect("A problem to hand to a department head?")
    t._mode(raw=False)
    t.reading()
    os.write(t.fd, "half a sentence, then Ctrl-C".encode() + b"\x03")
    assert t.finish() == 0
    assert added_lines(sample) == {"clients/moorfield-lettings.md": [
        "- 2026-12-01 call reached by stan: the portal is fine."]}
    assert "1 reached, 5 not yet" in t.output and "Traceback" not in t.output


def test_sigint_midway_ends_cleanly_and_sigkill_midway_loses_no_answer_and_tears_no_file(terminal, sample):
    t = terminal()
    t.key("r")
    t.line("Note, #tags welcome", "all good, Ελλάδα too")
    t.line("A problem to hand to a department head?", "")
    t.line("Praise for a colleague?", "lena: 素晴らしい")
    t.line("Praise for a colleague?", "")
    t.expect("A success story?")
    t.reading()
    t.proc.send_signal(signal.SIGINT)
    assert t.finish() == 0
    first = "- 2026-12-01 call reached by stan: all good, Ελλάδα too. #kudos @lena \"素晴らしい\""
    assert added_lines(sample) == {"clients/moorfield-lettings.md": [first]}
    assert "Traceback" not in t.output

    t = terminal()  # Moorfield was reached: the plan now holds the three other call backs, Dunmore first
    t.expect("1 of 5")
    t.expect("Dunmore Outdoor Gear")
    t.key("v")
    t.line("When did you say you'd call back", "2026-12-07")
    t.expect("Note, #tags welcome")
    t._mode(raw=False)
    t.proc.kill()  # SIGKILL: no handler runs
    t.proc.wait(WAIT)
    assert added_lines(sample) == {"clients/moorfield-lettings.md": [first],
                                   "clients/dunmore-outdoor-gear.md": ["- 2026-12-01 call voicemail by stan: "
                                                                       "next: 2026-12-07"]}
    assert untracked(sample) == []  # no torn file, no temporary file left beside one
    check = subprocess.run([sys.executable, "-m", "rippledoc", "check", "--today", DAY], cwd=sample,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_dry_run_through_a_terminal_writes_nothing_and_shows_the_lines(terminal, sample):
    t = terminal("--dry-run")
    t.expect("Dry run: nothing is written.")
    t.key("v")
    t.line("When did you say you'd call back", "")
    t.line("Note, #tags welcome", "left a message")
    t.expect("- 2026-12-01 call voicemail by stan: left a message. next: 2026-12-02")
    t.key("q")
    assert t.finish() == 0
    assert git(sample, "status", "--porcelain", "--untracked-files=all") == ""
    assert "Nothing written (dry run); it would write 1 log line." in t.output


def test_help_at_the_menu_lists_the_keys_and_asks_again(terminal):
    t = terminal()
    t.key("?")
    assert "snooze: not before a date" in t.expect(MENU)
    t.press("x")  # not a key of the menu
    t.expect("Press one of r, v, n, s, z, q or ?")
    t.press("q")
    assert t.finish() == 0
    assert "0 of 6 clients (6 not yet)" in t.output


def test_ctrl_d_at_a_key_ends_the_session_as_q_does(terminal):
    t = terminal()
    t.key("\x04")
    assert t.finish() == 0
    assert "0 of 6 clients (6 not yet)" in t.output and "Traceback" not in t.output


def test_names_in_every_script_are_shown_in_a_terminal_and_written_as_typed(tmp_path):
    root = tmp_path / "book"
    (root / "clients").mkdir(parents=True)
    (root / "rippledoc.yaml").write_text("me: stan\ntimezone: Europe/London\ncall_window: \"08:00-18:00\"\n",
                                         encoding="utf-8")
    (root / "clients" / "moskva.md").write_text("---\nname: Москва Импорт\ntimezone: Europe/Moscow\n"
                                                "contact: Ελένη Παππά · 王芳\n---\n", encoding="utf-8")
    t = Terminal(["call", "--today", DAY], root)
    try:
        assert "Москва Импорт" in t.expect(MENU) and "Ελένη Παππά · 王芳" in t.output
        t.press("r")
        t.line("Note, #tags welcome", "Всё хорошо, Ευχαριστώ, 谢谢")
        t.line("A problem to hand", "")
        t.line("Praise for a colleague?", "")
        t.line("A success story?", "")
        t.line("Intelligence?", "")
        assert t.finish() == 0
    finally:
        t.close()
    assert (root / "clients" / "moskva.md").read_text(encoding="utf-8").endswith(
        "## Log\n- 2026-12-01 call reached by stan: Всё хорошо, Ευχαριστώ, 谢谢.\n")
