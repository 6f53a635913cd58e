"""The package type-checks: mypy, with the settings of pyproject.toml's [tool.mypy], reports no error."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_mypy_reports_no_error_in_the_package():
    r = subprocess.run([sys.executable, "-m", "mypy", "rippledoc"], cwd=REPO, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, f"mypy rippledoc (exit {r.returncode}):\n{r.stdout}{r.stderr}"
    assert "Success: no issues found" in r.stdout, r.stdout + r.stderr
