"""Control characters of the data never reach the terminal raw.

A client's name written ``"\\e]0;pwned\\a…"`` in YAML, or a log note holding
raw ``ESC ] 52 ; c ; …`` (OSC 52 sets the clipboard), once went to the
terminal as they were from ``today``, ``due``, ``check`` and the rest, even
piped. Every human line now passes ``rippledoc.cli.output.visible``: C0 and
C1 controls (but tab and newline) and bidi overrides are shown as ``\\x1b``,
``\\x9b``, ``\\u202e``; our own colour still works; the files and the JSON
keep the data as it is.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO
from rippledoc.cli import output
from rippledoc.cli.app import main

# OSC 0 (window title), OSC 52 (clipboard), the 8-bit CSI, a right-to-left override
RAW = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x9b2J\u202e"
SHOWN = "\\x1b]0;pwned\\x07\\x1b]52;c;ZXZpbA==\\x07\\x9b2J\\u202e"
IN_YAML = "\\e]0;pwned\\a\\e]52;c;ZXZpbA==\\a\\x9b2J\u202e"  # the same, as YAML double-quoted escapes
RAW_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TODAY = "2026-11-22"


def hostile_book(root: Path) -> Path:
    """The sample workspace with every client's name, and one client's notes and log, carrying RAW."""
    for part in ("clients", "rituals"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "rippledoc.yaml", root / "rippledoc.yaml")
    for path in (root / "clients").glob("*.md"):
        lines = path.read_text(encoding="utf-8").split("\n")
        i = next(i for i, line in enumerate(lines) if line.startswith("name:"))
        name = yaml.safe_load(lines[i])["name"]
        lines[i] = 'name: "' + IN_YAML + json.dumps(name, ensure_ascii=False)[1:-1] + '"'
        path.write_text("\n".join(lines), encoding="utf-8")
    bakery = root / "clients" / "harbor-lane-bakery.md"
    with open(bakery, "a", encoding="utf-8") as fh:
        fh.write(f"- 2026-11-12 call reached by stan: #kudos {RAW} says @priya saved the weekend. "
                 f"#intel[site: {RAW}Crumb] handoff: training @priya by 2026-11-25\n"
                 f"- 2026-11-13 call reached by stan: #success {RAW} They bought the printer to save a shift.\n"
                 f"- 2026-11-14 cal reached: {RAW}\n")  # E201, shown with its line
    return root


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = hostile_book(tmp_path_factory.mktemp("hostile"))
    git = ["git", "-C", str(root), "-c", "user.name=Stan Ortiz", "-c", "user.email=stan@ripple.example"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "book", "--date", "2026-11-01T10:00:00"], check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-11-01T10:00:00"})
    with open(root / "clients" / "harbor-lane-bakery.md", "a", encoding="utf-8") as fh:
        fh.write(f"- 2026-11-20 call reached by stan: {RAW} asked about rye.\n")
    subprocess.run([*git, "commit", "-q", "-am", "touch", "--date", "2026-11-20T10:00:00"], check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-11-20T10:00:00"})
    return root


COMMANDS = [["today"], ["due"], ["plan"], ["check"], ["metrics"], ["handoffs"], ["kudos"], ["stories"], ["intel"],
            ["ritual", "show", "high-grade", "--period", "2026-Q3"], ["changes", "--since", "2026-11-10"]]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_that_prints_data_shows_control_characters_as_escapes(book, args):
    result = CliRunner().invoke(main, ["-C", str(book), *args, "--today", TODAY])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for stream in (result.stdout, result.stderr):
        assert not RAW_CHARS.search(stream), repr(RAW_CHARS.search(stream))
    assert SHOWN[:12] in result.stdout  # the data is shown, not dropped (tables clip long names)


def test_check_shows_the_line_and_puts_the_caret_under_the_column(book):
    out = CliRunner().invoke(main, ["-C", str(book), "check", "--today", TODAY]).stdout.split("\n")
    i = next(i for i, line in enumerate(out) if "[E201]" in line)
    assert out[i + 1] == f"    - 2026-11-14 cal reached: {SHOWN}"
    assert out[i + 2] == "                 ^"


def test_a_message_quoting_data_is_escaped_too(tmp_path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "a.md").write_text('---\nname: Ольга\n"\\e]52;c;eA==\\a": 1\n---\n', encoding="utf-8")
    out = CliRunner().invoke(main, ["-C", str(tmp_path), "check", "--today", TODAY]).stdout
    assert "warning[W100]: unknown key '\\x1b]52;c;eA==\\x07'" in out and "\x1b" not in out


def test_our_own_colours_still_reach_a_terminal(book, monkeypatch):
    monkeypatch.setattr(output, "use_color", lambda stream=None: True)
    result = CliRunner().invoke(main, ["-C", str(book), "today", "--today", TODAY], color=True)
    assert "\x1b[1m" in result.stdout and "\x1b[0m" in result.stdout  # bold headings, reset
    assert SHOWN in result.stdout
    without_ours = re.sub("\x1b\\[[0-9;]*m", "", result.stdout)
    assert not RAW_CHARS.search(without_ours)


def test_the_json_keeps_the_data_as_it_is(book):
    result = CliRunner().invoke(main, ["-C", str(book), "export", "json", "--today", TODAY])
    names = [c["name"] for c in json.loads(result.stdout)["clients"]]
    assert names and all(n.startswith(RAW) for n in names)
    due = json.loads(CliRunner().invoke(main, ["-C", str(book), "due", "--json", "--today", TODAY]).stdout)
    assert due["items"] and all(item["name"].startswith(RAW) for item in due["items"])


def test_the_files_are_untouched(book):
    text = (book / "clients" / "harbor-lane-bakery.md").read_text(encoding="utf-8")
    assert f"- 2026-11-14 cal reached: {RAW}\n" in text


def test_visible_escapes_controls_and_keeps_layout_and_text():
    assert output.visible("Ωμέγα\tΣ\n日本\x1b[31m\x07\x85\u2066") == "Ωμέγα\tΣ\n日本\\x1b[31m\\x07\\x85\\u2066"
    assert output.visible("plain text, «quotes», ‹›") == "plain text, «quotes», ‹›"


def test_a_forged_colour_code_in_the_data_is_escaped_even_beside_ours():
    painted = output.paint("Acme \x1b[8m hidden", "bold", True)
    assert output.visible(painted) == "\x1b[1mAcme \\x1b[8m hidden\x1b[0m"
    forged = "\ue000" + "0" * 16 + "\x1b[8m"  # a mark with a guessed token is data
    assert "\x1b" not in output.visible(forged)


def test_tables_align_by_what_is_shown():
    table = output.table(("NAME", "N"), [("a\x1bb", "1"), ("Дмитрий", "22")], align="lr")
    assert table.split("\n") == ["NAME      N", "a\\x1bb    1", "Дмитрий  22"]


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_a_real_pipe_gets_no_raw_control_character(book, encoding):
    """In a real process, through sys.stdout and sys.stderr as the shell gives them (and an ASCII-only one)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": encoding}
    result = subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(book), "check", "--today", TODAY],
                            env=env, capture_output=True, timeout=120)
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert not RAW_CHARS.search(stream.decode(encoding)), stream[:300]
    assert SHOWN.encode() in result.stdout


def test_our_carriage_return_redraws_a_progress_line_and_one_from_the_data_is_shown():
    assert output.visible(output.RETURN + "building [###...] 3/9 pages") == "\rbuilding [###...] 3/9 pages"
    assert output.visible("Acme\rEvil") == "Acme\\x0dEvil"


def test_the_build_progress_line_is_redrawn_on_a_terminal(monkeypatch, capsys):
    from rippledoc.cli import site
    output.guard_streams()
    monkeypatch.setattr(site.sys.stderr, "isatty", lambda: True, raising=False)
    progress = site.ProgressLine(quiet=False)
    progress.started -= 5  # as if the build had run for seconds
    progress(3, 9)
    progress.end()
    assert capsys.readouterr().err == "\rbuilding [##########....................] 3/9 pages\n"
