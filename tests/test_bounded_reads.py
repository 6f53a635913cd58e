"""Bounded work on any file: what one hostile or unlucky file may cost every command.

A refused file (a link to /dev/zero, a FIFO, 10 GB) is never read again, not
even for an excerpt; only regular files are opened, the size limit applies
before reading and to what is read; positions are found in time that grows
with the text, not with the text times the number of marks. A folder that
cannot be read is one diagnostic (E007), not a traceback.
"""
from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, TODAY, write
from rippledoc.book import loader
from rippledoc.book.loader import excerpts
from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.diagnostics import error
from rippledoc.read import source, yamltree
from rippledoc.read.source import read_text

GOOD = """\
---
name: Søren Ødegård
contact: Ана Руиз
timezone: Europe/Oslo
grade: top
---
Notes.

## Log
- 2026-11-02 call reached: thanked them.
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``rippledoc ARGS`` in a fresh process under 1 GiB, so a blow-up is a status, not a frozen machine."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("RIPPLEDOC_PURE_YAML", None)
    return subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(root), *args, "--today", TODAY.isoformat()],
                          env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory)


# ---------------------------------------------------------------- refused files are never read again

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_check_prints_refused_files_without_reading_them_again(tmp_path):
    """The text output once re-read them for excerpts: /dev/zero filled memory, the FIFO hung, 10 GB raised."""
    write(tmp_path, {"clients/good.md": GOOD})
    (tmp_path / "clients" / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "clients" / "pipe.md").symlink_to("../pipe")
    with open(tmp_path / "clients" / "big.md", "wb") as fh:
        fh.truncate(10 * 10**9)  # sparse
    result = run(tmp_path, "check")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "error[" in line]
    assert [line.split(": error")[0] for line in lines] == ["clients/big.md", "clients/pipe.md", "clients/zero.md"]
    assert "E003]: file is 9,765,625 KiB, over the limit of 1,024 KiB" in lines[0]
    assert "E001]: cannot read the file: it is not a regular file" in lines[1]
    assert "E004]: symbolic link leads out of the workspace (to /dev/zero)" in lines[2]
    # and every other command loads the same book
    due = run(tmp_path, "due")
    assert due.returncode == 0 and "Traceback" not in due.stderr
    assert "rippledoc: left out clients/big.md, clients/pipe.md, clients/zero.md: they do not load" in due.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_committed_cache_folder_cannot_hang_or_flood_a_load(tmp_path):
    """The cache lives in the workspace: an index or an entry that is a FIFO or a link to /dev/zero is a miss."""
    write(tmp_path, {"clients/good.md": GOOD})
    assert run(tmp_path, "check").returncode == 0  # writes the index and the entry
    cache = tmp_path / ".rippledoc-cache"
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (cache / name).unlink(missing_ok=True)
    os.mkfifo(cache / "index.sqlite")
    entry = next((cache / "clients").glob("*.entry"))
    entry.unlink()
    entry.symlink_to("/dev/zero")
    result = run(tmp_path, "due")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    (cache / "index.sqlite").unlink()
    (cache / "index.sqlite").symlink_to("/dev/zero")
    entry.unlink()
    os.mkfifo(entry)
    result = run(tmp_path, "check")
    assert result.returncode == 0 and "1 file checked: 0 errors, 0 warnings" in result.stdout, result.stderr


def test_excerpts_never_open_a_refused_file(tmp_path, monkeypatch):
    write(tmp_path, {"clients/good.md": "---\nname: Ελένη\ngrade: tree\n---\n"})
    opened: list[Path] = []
    real = loader.read_text
    monkeypatch.setattr(loader, "read_text", lambda root, path, limit: opened.append(path) or real(root, path, limit))
    refused = error("clients/bad.md", 3, 2, "E002", "not UTF-8").with_excerpt("contact: J. M\ufffdller")
    grade = error("clients/good.md", 3, 8, "E103", "grade 'tree' is not one of top, two, three")
    # a later diagnostic of a refused file (none is made today, but none may open it either)
    other = error("clients/bad.md", 5, 1, "E012", "YAML syntax error")
    lines = excerpts(tmp_path, [refused, grade, other], 1024)
    assert lines == {("clients/bad.md", 3): "contact: J. M\ufffdller", ("clients/good.md", 3): "grade: tree"}
    assert opened == [tmp_path / "clients" / "good.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_swapped_in_after_the_stat_is_refused_without_waiting(tmp_path, monkeypatch):
    """Between the stat and the open a file can become a FIFO: the open must not wait for a writer."""
    (tmp_path / "clients").mkdir()
    pipe = tmp_path / "clients" / "a.md"
    os.mkfifo(pipe)
    regular = os.stat(REPO / "pyproject.toml")
    real_stat = os.stat
    monkeypatch.setattr(source.os, "stat", lambda p, *a, **k: regular if Path(p) == pipe else real_stat(p, *a, **k))
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(read_text(tmp_path, pipe)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # release the old code's blocked open, then fail
        fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(5)
        pytest.fail("read_text waited on a FIFO")
    src, diags = done[0]  # type: ignore[misc]
    assert src is None and [(d.code, d.message) for d in diags] == [
        ("E001", "cannot read the file: it is not a regular file")]


def test_no_more_than_the_limit_is_read_when_the_file_grows_after_the_stat(tmp_path, monkeypatch):
    path = write(tmp_path, {"clients/a.md": "---\nname: A\n---\n" + "x" * 100_000})  / "clients" / "a.md"
    small = os.stat(tmp_path / "clients")  # any stat that says "small"
    real_fstat = os.fstat
    monkeypatch.setattr(source.os, "stat", lambda p, *a, **k: _regular(small, 10))
    monkeypatch.setattr(source.os, "fstat", lambda fd: _regular(real_fstat(fd), 10))
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(source.os, "read", lambda fd, n: read.append(len(chunk := real_read(fd, n))) or chunk)
    src, diags = read_text(tmp_path, path, max_bytes=1000)
    assert src is None and [d.code for d in diags] == ["E003"]
    assert "over the limit of 1,000 bytes" in diags[0].message
    assert sum(read) == 1001


def _regular(st: os.stat_result, size: int) -> os.stat_result:
    fields = list(st)
    fields[0] = 0o100644  # a regular file
    fields[6] = size
    return os.stat_result(fields)


# ---------------------------------------------------------------- E003 says the size precisely

def test_a_file_just_over_the_limit_gives_two_different_sizes(tmp_path):
    write(tmp_path, {"clients/a.md": b"---\nname: A\n---\n" + b"x" * (1024 * 1024 + 1 - 16)})
    _, diags = load_workspace(tmp_path, TODAY)
    assert [d.message for d in diags] == [
        "file is 1,048,577 bytes, over the limit of 1,048,576 bytes; not read"]


def test_a_file_far_over_the_limit_is_given_in_kib(tmp_path):
    write(tmp_path, {"rippledoc.yaml": "limits:\n  max_file_kb: 4\n", "clients/a.md": "x" * 6000})
    _, diags = load_workspace(tmp_path, TODAY)
    assert [d.message for d in diags] == ["file is 6 KiB, over the limit of 4 KiB; not read"]


# ---------------------------------------------------------------- linear positions

class CountingText(str):
    """A text that counts the characters its own methods scan, to measure work without a clock."""
    scanned = 0

    def _add(self, n: int) -> None:
        CountingText.scanned += max(n, 0)

    def count(self, sub, start=0, end=None):  # type: ignore[override]
        end = len(self) if end is None else end
        self._add(end - (start or 0))
        return str.count(self, sub, start, end)

    def find(self, sub, start=0, end=None):  # type: ignore[override]
        found = str.find(self, sub, start, end)
        self._add((found if found >= 0 else (len(self) if end is None else end)) - (start or 0) + 1)
        return found

    def rfind(self, sub, start=0, end=None):  # type: ignore[override]
        end = len(self) if end is None else end
        found = str.rfind(self, sub, start, end)
        self._add(end - (found if found >= 0 else (start or 0)))
        return found

    def __getitem__(self, key):  # type: ignore[override]
        part = str.__getitem__(self, key)
        self._add(len(part))
        return part


def test_the_locator_does_not_rescan_the_text_for_every_mark():
    """The reader once counted newlines from the start for each of a flow list's events: 159 s for 1 MB."""
    text = CountingText("".join(f"line {i}: value\n" for i in range(20_000)))
    CountingText.scanned = 0
    where = yamltree._Locator(text, 2)
    positions = [where.at(i) for i in range(0, len(text), 37)]  # about 9,000 marks
    assert CountingText.scanned <= 2 * len(text)
    assert positions[0] == (2, 1) and where.at(len(text) - 1) == (20_001, 18)  # "line 19999: value" ends in col 18
    assert where.at(text.index("line 7:")) == (9, 1)


def test_stray_tab_search_reads_each_line_once():
    """Tabs in a comment made the search look back over the line for every tab."""
    line = "note: x  # " + "\t" * 20_000 + "\n"
    text = CountingText(line * 5)
    starts = yamltree.line_starts(text)
    CountingText.scanned = 0
    assert yamltree._stray_tab(text, [], starts) is None
    assert CountingText.scanned <= 3 * len(text)


def test_a_mapping_lookup_does_not_walk_its_keys():
    class CountingItems(tuple):
        walks = 0

        def __iter__(self):
            CountingItems.walks += 1
            return tuple.__iter__(self)
    keys = [yamltree.Scalar(f"k{i}", i + 1, 1, True, i + 1, 3) for i in range(1000)]
    mapping = yamltree.Mapping(CountingItems((k, k) for k in keys), 1, 1, 1000, 1, False)
    CountingItems.walks = 0
    assert [mapping.get(f"k{i}").text for i in range(1000)] == [f"k{i}" for i in range(1000)]  # type: ignore[union-attr]
    assert mapping.key_node("k999") is keys[999] and mapping.get("nope") is None
    assert CountingItems.walks == 0


def test_the_hostile_benchmark_runs_and_every_hostile_file_is_refused_at_once():
    """bench/hostile.py at a small size: each case ends with its exit status, none killed, none a traceback."""
    proc = subprocess.run([sys.executable, "-m", "bench.hostile", "--kb", "20", "--timeout", "60"], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()[1:]
    assert [r.split("  ")[0].split(" (")[0] for r in rows] == [
        "flow list", "many keys", "link to /dev/zero", "link to a FIFO", "10 GB sparse file"]
    assert [r.rsplit("  ", 1)[1] for r in rows] == ["exit 0", "exit 0", "exit 1", "exit 1", "exit 1"]


# ---------------------------------------------------------------- NEL is named where it is

PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "pure": yaml.SafeLoader}


@pytest.fixture(params=sorted(PARSERS))
def parser(request, monkeypatch):
    """Both parsers: libyaml and the pure-Python one treat these characters alike, but they are two parsers."""
    if PARSERS[request.param] is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamltree, "_Parser", PARSERS[request.param])


@pytest.mark.parametrize("char, name", [("\x85", "NEL, next line"), ("\u2028", "LINE SEPARATOR")])
def test_a_hidden_line_break_in_a_value_is_named_on_its_own_line(parser, char, name):
    node, diags = yamltree.parse(f"name: Acme{char}Corp\ncontact: Ана\n", "clients/a.md", 2)
    assert node is None
    assert [(d.line, d.col, d.code) for d in diags] == [(2, 11, "E012")]
    assert f"U+{ord(char):04X} ({name}) is not allowed: YAML reads it as a line break" in diags[0].message


def test_a_hidden_line_break_that_yaml_would_silently_accept_is_named_too(parser):
    """In a plain value followed by text, or ending a comment, YAML parses on with a different meaning."""
    for text, where in (("note: one\x85two\nowner: stan\n", (1, 10)), ("# a comment\x85owner: stan\n", (1, 12))):
        node, diags = yamltree.parse(text, "clients/a.md", 1)
        assert node is None and [(d.line, d.col) for d in diags] == [where], text


def test_a_nel_is_shown_escaped_under_its_message(parser, tmp_path):
    write(tmp_path, {"clients/a.md": "---\nname: Acme\x85Corp\n---\n"})
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "check", "--today", TODAY.isoformat()])
    assert result.stdout.splitlines()[:3] == [
        "clients/a.md:2:11: error[E012]: YAML syntax error: the control character U+0085 (NEL, next line) is not "
        "allowed: YAML reads it as a line break",
        "    name: Acme\\x85Corp",
        "              ^"]


# ---------------------------------------------------------------- folders that cannot be read

COMMANDS = [["check"], ["today"], ["due"], ["plan"], ["log", "Søren", "call", "reached"], ["done", "Søren", "x"],
            ["handoffs"], ["handoff-done", "Søren"], ["kudos"], ["stories"], ["intel"], ["assign", "--dry-run"],
            ["ritual", "list"], ["ritual", "show", "high-grade"], ["metrics"], ["export", "json"], ["build"]]


def deny(monkeypatch, *folders: Path) -> None:
    """Listing these folders raises PermissionError, as chmod 000 would (root ignores chmod)."""
    real = os.scandir
    denied = {str(f) for f in folders}

    def scandir(path="."):  # type: ignore[no-untyped-def]
        if os.fspath(path).rstrip("/") in denied:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture
def book(tmp_path):
    write(tmp_path, {"clients/soren.md": GOOD,
                     "rituals/high-grade/2026-Q3.md": "---\ndate: 2026-09-30\n---\nsoren: {grade: top}\n"})
    return tmp_path


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unreadable_clients_folder_is_one_line_in_every_command(book, monkeypatch, args):
    deny(monkeypatch, book / "clients")
    result = CliRunner().invoke(main, ["-C", str(book), *args, "--today", TODAY.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    said = "clients: error[E007]: cannot read the folder: permission denied" if args == ["check"] else \
        "rippledoc: clients: cannot read the folder: permission denied; nothing in it is loaded " \
        "(let yourself read it: chmod u+rx clients)"
    assert said in result.output.splitlines(), result.output
    assert "E303" not in result.output and "unknown client" not in result.output  # no cascade from the records


def test_check_exits_1_on_an_unreadable_folder(book, monkeypatch):
    deny(monkeypatch, book / "rituals" / "high-grade")
    result = CliRunner().invoke(main, ["-C", str(book), "check", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == ["rituals/high-grade: error[E007]: cannot read the folder: permission denied",
                                              "    hint: let yourself read it: chmod u+rx rituals/high-grade"]


def test_ritual_start_writes_nothing_into_a_folder_it_cannot_read(book, monkeypatch):
    deny(monkeypatch, book / "rituals" / "high-grade")
    result = CliRunner().invoke(main, ["-C", str(book), "ritual", "start", "high-grade", "--today", "2026-11-22"])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "rippledoc: rituals/high-grade: cannot read the folder: permission denied; no record started" in result.stderr
    assert sorted(p.name for p in (book / "rituals" / "high-grade").iterdir()) == ["2026-Q3.md"]


@pytest.mark.parametrize("make, why", [
    (lambda root: (root / "clients").write_text("not a folder"), "it is a file, not a folder"),
    (lambda root: (root / "clients").symlink_to("gone"), "it is a symbolic link to a missing folder"),
    (lambda root: (root / "clients").symlink_to("clients"), "too many levels of symbolic links"),
])
def test_a_clients_name_that_is_no_folder_is_said(tmp_path, make, why):
    write(tmp_path, {"rippledoc.yaml": "title: Книга\n"})
    make(tmp_path)
    _, diags = load_workspace(tmp_path, TODAY)
    assert [(d.path, d.code, d.message) for d in diags] == [("clients", "E007", f"cannot read the folder: {why}")]


def test_a_missing_clients_folder_is_no_problem(tmp_path):
    write(tmp_path, {"rippledoc.yaml": "title: Книга\n"})
    assert load_workspace(tmp_path, TODAY)[1] == []
