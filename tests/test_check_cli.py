"""``rippledoc check`` on the command line: exit status, output shapes, finding the workspace."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main

from conftest import REPO, TODAY, write

FIXTURES = Path(__file__).parent / "fixtures" / "diagnostics"

SETTINGS = """\
me: stan
timezone: America/New_York
team:
  stan: {name: Stan Ortiz}
"""
GOOD = """\
---
name: Northwind Traders
timezone: America/Chicago
owner: stan
level: key
grade: top
---
## Log
- 2026-11-02 call reached by stan: loved the dashboard.
"""


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write(tmp_path / "book", {"rippledoc.yaml": SETTINGS, "clients/northwind.md": GOOD})


def test_clean_workspace_exits_0_with_a_summary(book):
    result = run("-C", str(book), "check", "--strict", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("0 errors, 0 warnings\n")
    assert result.stderr == ""


def test_errors_exit_1_sorted_compiler_style(book):
    write(book, {"clients/acme.md": GOOD.replace("Northwind Traders", "Acme").replace("grade: top", "grade: tree"),
                 "clients/zeta.md": GOOD.replace("Northwind Traders", "Zeta").replace("level: key", "level: gold")})
    result = run("-C", str(book), "check", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    heads = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert heads == ["clients/acme.md:6:8: error[E103]: grade 'tree' is not one of top, two, three",
                     "clients/zeta.md:5:8: error[E103]: level 'gold' is not one of base, key, for-life"]
    assert result.stderr == "4 files checked: 2 errors, 0 warnings\n"


def test_warnings_exit_0_and_strict_makes_them_errors(book):
    write(book, {"clients/northwind.md": GOOD.replace("grade: top", "grade: top\nteir: key")})
    relaxed = run("-C", str(book), "check", "--today", TODAY.isoformat())
    assert relaxed.exit_code == 0
    assert "clients/northwind.md:7:1: warning[W100]: unknown key 'teir'" in relaxed.stdout
    assert "hint: did you mean 'level'?" in relaxed.stdout
    strict = run("-C", str(book), "check", "--strict", "--today", TODAY.isoformat())
    assert strict.exit_code == 1
    assert "clients/northwind.md:7:1: error[W100]: unknown key 'teir'" in strict.stdout
    assert "1 error, 0 warnings" in strict.stderr


@pytest.mark.parametrize("args", [["--format", "json"], ["--json"]])
def test_json_shape(book, args):
    write(book, {"clients/northwind.md": GOOD.replace("grade: top", "grade: tree\nteir: key")})
    result = run("-C", str(book), "check", *args, "--today", TODAY.isoformat())
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == {
        "files": 2, "errors": 1, "warnings": 1,
        "diagnostics": [
            {"path": "clients/northwind.md", "line": 6, "col": 8, "severity": "error", "code": "E103",
             "message": "grade 'tree' is not one of top, two, three", "hint": "did you mean 'three'?"},
            {"path": "clients/northwind.md", "line": 7, "col": 1, "severity": "warning", "code": "W100",
             "message": "unknown key 'teir'", "hint": "did you mean 'level'?"},
        ]}


def test_json_when_clean(book):
    data = json.loads(run("-C", str(book), "check", "--format", "json", "--today", TODAY.isoformat()).stdout)
    assert data == {"files": 2, "errors": 0, "warnings": 0, "diagnostics": []}


def test_finds_the_workspace_from_a_subfolder(book):
    sub = book / "clients" / "archive"
    sub.mkdir()
    result = run("check", "--today", TODAY.isoformat(), cwd=sub)
    assert result.exit_code == 0, result.output
    assert "2 files checked" in result.stdout


def test_dash_C_points_anywhere_inside(book, tmp_path):
    result = run("-C", str(book / "clients"), "check", "--today", TODAY.isoformat(), cwd=tmp_path)
    assert result.exit_code == 0 and "2 files checked" in result.stdout


def test_no_workspace_is_a_usage_error(tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    result = run("-C", str(empty), "check")
    assert result.exit_code == 2
    assert result.stderr.startswith("rippledoc: no rippledoc workspace in ")
    assert "rippledoc init" in result.stderr and "Traceback" not in result.output


def test_missing_folder_is_a_usage_error(tmp_path):
    result = run("-C", str(tmp_path / "nope"), "check")
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize("args", [["--format", "xml"], ["--today", "2026-02-30"], ["--today", "tomorrow"],
                                  ["--no-such-option"]])
def test_bad_options_exit_2(book, args):
    result = run("-C", str(book), "check", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_today_decides_what_lies_in_the_future(book):
    assert run("-C", str(book), "check", "--today", "2026-11-01").exit_code == 1
    assert run("-C", str(book), "check", "--today", "2026-11-02").exit_code == 0


def test_a_folder_of_broken_files_gets_one_diagnostic_each(tmp_path):
    """Every client-file fixture in one workspace: each file keeps its own diagnostics, nothing crashes."""
    root = tmp_path / "broken"
    (root / "clients").mkdir(parents=True)
    shutil.copy(FIXTURES / "E103" / "rippledoc.yaml", root / "rippledoc.yaml")
    expected = []
    single = ["E002", "E005", "E010", "E011", "E012", "E013", "E014", "E015", "E016", "E100", "E101", "E102",
              "E103", "E104", "E105", "E106", "E107", "E108", "E109", "E200", "E201", "E202", "E203", "E302",
              "W100", "W102", "W103", "W200"]
    for code in single:
        lines = (FIXTURES / code / "expected").read_text().split()
        src = FIXTURES / code / lines[0].split(":")[0]
        data = src.read_bytes().replace(b"name: Acme Tools", f"name: Acme {code}".encode())
        (root / "clients" / f"{code.lower()}.md").write_bytes(data)
        where = lines[0].split(":", 1)[1]
        expected.append(f"clients/{code.lower()}.md:{where} {code}")
    result = run("-C", str(root), "check", "--format", "json", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    got = [f"{d['path']}:{d['line']}:{d['col']} {d['code']}" for d in json.loads(result.stdout)["diagnostics"]
           if d["path"].startswith("clients/")]
    assert sorted(got) == sorted(expected)
    text = run("-C", str(root), "check", "--today", TODAY.isoformat())
    assert text.exit_code == 1 and "Traceback" not in text.output
    assert f"{len(single) + 1} files checked: " in text.stderr


def test_the_sample_workspace_checks_clean(monkeypatch):
    """In a clone that ran 'rippledoc git-setup' (here given to git by the environment: W001 otherwise)."""
    from rippledoc.read.gitsetup import driver_command
    for key, value in {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "merge.rippledoc.driver",
                       "GIT_CONFIG_VALUE_0": driver_command()}.items():
        monkeypatch.setenv(key, value)
    result = run("-C", str(REPO), "check", "--strict", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.stdout


def test_pre_commit_hook_definition():
    import re

    import yaml
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "rippledoc-check")
    assert hook["entry"] == "rippledoc check" and hook["language"] == "python" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    for path in ("rippledoc.yaml", "clients/acme.md", "rituals/one-a-day.md", "rituals/review/2026-Q4.md",
                 "book/clients/acme.md"):
        assert pattern.search(path), path
    for path in ("README.md", "docs/format.md", "clients/notes.txt", "myrippledoc.yaml"):
        assert not pattern.search(path), path


def test_hook_entry_with_dash_C_after_the_command(book, tmp_path):
    """pre-commit appends args after the entry: 'rippledoc check -C DIR' must work."""
    result = run("check", "-C", str(book), "--strict", "--today", TODAY.isoformat(), cwd=tmp_path)
    assert result.exit_code == 0, result.output
