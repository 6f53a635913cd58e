"""The shell conventions: completion of client and ritual names, --color with NO_COLOR and FORCE_COLOR,
and a command reference that says what the commands say."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO


def complete(words: str, cwd=REPO, shell: str = "bash") -> list[str]:
    env = {**os.environ, "_RIPPLEDOC_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    out = subprocess.run([sys.executable, "-m", "rippledoc"], env=env, cwd=cwd, capture_output=True, text=True,
                         check=True).stdout
    return [line.split(",", 1)[1] for line in out.splitlines() if "," in line]


def test_a_client_slug_completes_after_log_done_handoff_done_and_find_client():
    assert complete("rippledoc log kes") == ["kestrel-freight-lines"]
    assert complete("rippledoc done s") == ["sakura-ridge-logistics", "silverline-print-works"]
    assert complete("rippledoc handoff-done prai") == ["prairie-state-credit-union"]
    assert complete("rippledoc find x --client moor") == ["moorfield-lettings"]


def test_a_ritual_name_completes_after_ritual_start_and_show():
    assert complete("rippledoc ritual start we") == ["weekly-connection-review"]
    assert "twelve-days" in complete("rippledoc ritual show ")


def test_completion_follows_dash_c_and_outside_a_workspace_offers_nothing(tmp_path):
    assert complete(f"rippledoc -C {REPO} log kes", cwd=tmp_path) == ["kestrel-freight-lines"]
    assert complete("rippledoc log kes", cwd=tmp_path) == []


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_other_shells_get_the_same_names(shell):
    cword = "kes" if shell == "fish" else "2"  # fish passes the word being completed, zsh its index
    env = {**os.environ, "_RIPPLEDOC_COMPLETE": f"{shell}_complete", "COMP_WORDS": "rippledoc log kes",
           "COMP_CWORD": cword}
    out = subprocess.run([sys.executable, "-m", "rippledoc"], env=env, cwd=REPO, capture_output=True, text=True).stdout
    assert "kestrel-freight-lines" in out


def today(*flags: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(REPO), *flags, "today", "--today",
                           "2026-11-23"], env={**clean, **env}, capture_output=True, text=True, check=True).stdout


def test_colour_in_a_pipe_only_when_asked():
    assert "\x1b[" not in today()
    assert "\x1b[" in today("--color", "always")
    assert "\x1b[" in today(FORCE_COLOR="1")
    assert "\x1b[" not in today(FORCE_COLOR="0")
    assert "\x1b[" not in today(NO_COLOR="1", FORCE_COLOR="1")  # NO_COLOR wins over FORCE_COLOR
    assert "\x1b[" in today("--color", "always", NO_COLOR="1")  # the command line wins over both
    assert "\x1b[" not in today("--color", "never", FORCE_COLOR="1")


def test_json_never_carries_colour():
    out = subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(REPO), "--color", "always", "due", "--json",
                          "--today", "2026-11-23"], capture_output=True, text=True, check=True).stdout
    assert "\x1b[" not in out


def test_the_command_reference_says_what_every_help_says():
    from rippledoc.cli.reference import reference
    doc = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    assert doc == reference(), "docs/commands.md is out of date: python -m rippledoc.cli.reference > docs/commands.md"
    assert "## rippledoc ritual start" in doc and "## rippledoc export csv" in doc
