"""Green on a fresh machine: the lower bounds CI tests are the declared ones, CI's Hypothesis profile has no
deadline, plain ``pytest`` works from the repository root, and .ci/run runs the README's command and the
lowest set."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from hypothesis import settings
from packaging.requirements import Requirement
from packaging.version import Version

from conftest import REPO, hypothesis_profile

LOWEST = REPO / ".ci/lowest.txt"


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def pins() -> dict[str, Version]:
    out = {}
    for line in LOWEST.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f".ci/lowest.txt: {line!r} is not NAME==VERSION"
            out[name.strip().lower()] = Version(version.strip())
    return out


def test_every_dependency_has_a_lower_bound_and_ci_pins_exactly_that_bound():
    lowest = pins()
    bounds = {}
    for req in declared():
        floor = [s.version for s in req.specifier if s.operator == ">="]
        assert len(floor) == 1, f"{req}: declare one lower bound (>=), so that CI can test it"
        bounds[req.name.lower()] = Version(floor[0])
    assert lowest == bounds, "pyproject.toml's lower bounds and .ci/lowest.txt differ: change them together"


def test_ci_s_hypothesis_profile_has_no_deadline_and_is_chosen_by_the_ci_variable():
    assert settings.get_profile("ci").deadline is None
    assert hypothesis_profile({"CI": "true"}) == "ci" and hypothesis_profile({"CI": "1"}) == "ci"
    assert hypothesis_profile({}) == "default" and hypothesis_profile({"CI": "false"}) == "default"
    if hypothesis_profile(os.environ) == "ci":
        assert settings.default.deadline is None


def test_plain_pytest_from_the_repository_root_imports_bench(tmp_path):
    """``pytest`` (the script, not ``python -m pytest``) does not put the current folder on sys.path."""
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_bench_imports():\n    import bench.generate\n")
    pytest_script = Path(sys.executable).with_name("pytest")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([str(pytest_script), "-q", "-p", "no:cacheprovider", "-c", str(REPO / "pyproject.toml"),
                        "--rootdir", str(REPO), str(probe)], cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed" in r.stdout


def test_ci_runs_the_readme_s_test_command_verbatim_and_then_the_lowest_versions():
    readme = (REPO / "README.md").read_text("utf-8")
    command = next(line for line in readme.splitlines() if "pytest" in line and line.startswith("python3 -m venv"))
    run = (REPO / ".ci/run").read_text("utf-8")
    assert command in run
    assert re.search(r"^python3 -m venv \.venv-lowest && \.venv-lowest/bin/pip install -q -c \.ci/lowest\.txt "
                     r"-e '\.\[test\]'", run, re.M)
    assert run.index(command) < run.index(".venv-lowest/bin/python -m pytest -q")
