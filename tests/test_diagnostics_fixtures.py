"""One broken workspace per diagnostic code, under tests/fixtures/diagnostics/<CODE>/.

Each folder is a small workspace (or holds one in ``workspace/`` when the
fixture needs a file outside it) and an ``expected`` file listing
``path:line:col CODE`` for every diagnostic its files must produce, no more,
no less. Some also hold ``golden.txt``: the exact text ``rippledoc check``
prints for that problem (location, excerpt, caret, hint).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rippledoc.read import yamltree
from rippledoc.cli.app import main
from rippledoc.diagnostics import CODES
from conftest import load_workspace

from conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures" / "diagnostics"
ALL = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture(autouse=True)
def no_git_config_but_the_clones(monkeypatch):
    """git reads neither the machine's nor this user's config: a fixture's clone has only its own."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)


def copy_fixture(code: str, tmp_path: Path) -> Path:
    """The fixture copied (symlinks as symlinks), so the loader's cache never writes into the repository.

    A fixture with a ``git-init`` file becomes a git repository (a clone that never ran git-setup)."""
    target = tmp_path / code
    shutil.copytree(FIXTURES / code, target, symlinks=True)
    root = target / "workspace" if (target / "workspace").is_dir() else target
    if (target / "git-init").exists():
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    return root


def expected(code: str) -> list[str]:
    return sorted(line for line in (FIXTURES / code / "expected").read_text().splitlines() if line.strip())


def test_every_code_has_a_fixture():
    assert sorted(CODES) == ALL


PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "pure": yaml.SafeLoader}


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("code", ALL)
def test_fixture_gives_exactly_its_diagnostics(code: str, parser: str, tmp_path: Path, monkeypatch):
    """With the C parser and the pure-Python one (what RIPPLEDOC_PURE_YAML=1 selects)."""
    if PARSERS[parser] is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamltree, "_Parser", PARSERS[parser])
    root = copy_fixture(code, tmp_path)
    ws, diags = load_workspace(root, TODAY)
    # Only the fixture's own files: the built-in rituals are checked by test_init_new.
    own = [d for d in diags if os.path.lexists(root / d.path)]
    got = sorted(f"{d.path}:{d.line}:{d.col} {d.code}" for d in own)
    assert got == expected(code)
    assert code in {d.code for d in own}
    for d in own:
        assert d.message and d.hint and d.code in CODES  # what is wrong, where, and how to fix it
        assert d.severity.value == ("warning" if d.code.startswith("W") else "error")


@pytest.mark.parametrize("code", ALL)
def test_check_on_fixture_exits_1_or_warns_without_traceback(code: str, tmp_path: Path):
    root = copy_fixture(code, tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--strict", "--today", TODAY.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    first = expected(code)[0].split(":")[0]
    assert first in result.stdout


GOLDEN = sorted(p.parent.name for p in FIXTURES.glob("*/golden.txt"))


def test_there_are_golden_outputs():
    assert len(GOLDEN) >= 4


@pytest.mark.parametrize("code", GOLDEN)
def test_text_output_golden(code: str, tmp_path: Path):
    root = copy_fixture(code, tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--today", TODAY.isoformat()])
    golden = (FIXTURES / code / "golden.txt").read_text()
    assert golden in result.stdout


def test_every_code_is_documented_with_an_example_and_a_fix():
    doc = (Path(__file__).parent.parent / "docs" / "check.md").read_text(encoding="utf-8")
    for code, what in CODES.items():
        heading = f"### {code}: {what}\n"
        assert heading in doc, code
        section = doc.split(heading, 1)[1].split("\n### ", 1)[0]
        assert f"[{code}]: " in section and "\nFix: " in section, code
