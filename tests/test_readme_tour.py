"""The README's five-minute tour runs as written, on any date.

Every command of the tour's block runs on a fresh copy of the sample workspace
(a git repository, so that ``git diff`` shows the one line ``log`` added), on
the real date and with the clock set to other days. Each must exit 0 without
a traceback. The one change to a command: ``serve`` listens on any free port
(``--port 0``) and stops at once, as Ctrl-C stops it, since a test cannot hold
port 8000 on a shared machine.
"""
from __future__ import annotations

import shlex
import signal
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, copy_sample
from rippledoc import clock
from rippledoc.cli.app import main
from rippledoc.site import serve

SAMPLE = ("rippledoc.yaml", "clients", "rituals", "site_templates")
DATES = {
    "the README's Monday": date(2026, 11, 23),
    "a Saturday": date(2026, 12, 5),
    "a Friday in the next year": date(2027, 1, 1),
    "mid-year, with every cadence run out": date(2027, 6, 15),
}


def tour() -> list[list[str]]:
    """The commands of the tour's block, each as its words, split at '&&'; comments dropped."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## A five-minute tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands: list[list[str]] = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            commands.append(words[:cut])
            words = words[cut + 1:]
    return commands


def test_the_tour_block_is_found_with_its_commands():
    names = [c[:2] for c in tour()]
    assert ["rippledoc", "log"] in names and ["rippledoc", "serve"] in names and ["git", "diff"] in names
    assert len(names) >= 12


@pytest.fixture
def sample(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the sample workspace in a git repository of its own, as the current folder."""
    root = copy_sample(tmp_path / "book", SAMPLE)
    git = ["git", "-c", "user.name=Tour", "-c", "user.email=tour@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sample"], cwd=root, check=True)
    monkeypatch.chdir(root)
    monkeypatch.setattr(serve.SiteServer, "serve_forever", _stop_at_once)
    handler = signal.getsignal(signal.SIGTERM)  # serve installs its own
    yield root
    signal.signal(signal.SIGTERM, handler)


def _stop_at_once(self, poll_interval: float = 0.5) -> None:
    raise KeyboardInterrupt


def run_tour(root: Path) -> list[str]:
    """Run the tour; returns what ``git diff`` printed."""
    diffs = []
    for words in tour():
        if words[0] == "source":
            continue  # the shell's own: the tests already run in the environment
        if words[0] == "git":
            done = subprocess.run(words, cwd=root, capture_output=True, text=True)
            assert done.returncode == 0, (words, done.stderr)
            diffs.append(done.stdout)
            continue
        assert words[0] == "rippledoc", words
        args = words[1:] + (["--port", "0"] if words[1:2] == ["serve"] else [])
        result = CliRunner().invoke(main, args)
        shown = " ".join(words)
        assert "Traceback" not in result.output, (shown, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (shown, result.exception)
        assert result.exit_code == 0, (shown, result.output)
    return diffs


def one_line_added(diff: str) -> str:
    added = [x for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++")]
    removed = [x for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")]
    assert len(added) == 1 and removed == [], diff
    return added[0]


def test_the_tour_runs_as_written_today(sample: Path):
    """On the real date: the clock is not touched."""
    [diff] = run_tour(sample)
    assert "clients/kestrel-freight-lines.md" in diff
    today = clock.today_in("America/New_York")
    assert f"+- {today.isoformat()} call voicemail" in one_line_added(diff)


@pytest.mark.parametrize("day", list(DATES.values()), ids=list(DATES))
def test_the_tour_runs_as_written_on_other_days(sample: Path, monkeypatch, day: date):
    monkeypatch.setattr(clock, "today_in", lambda tz=None: day)
    [diff] = run_tour(sample)
    line = one_line_added(diff)
    # '--next wed': the first Wednesday after the touch's day
    wednesday = date.fromordinal(day.toordinal() + (2 - day.weekday() - 1) % 7 + 1)
    assert line.startswith(f"+- {day.isoformat()} call voicemail") and f"next: {wednesday.isoformat()}" in line
