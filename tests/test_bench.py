"""bench/run works: a tiny run prints the whole table (CI runs only this; the real benchmark is manual)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

ROWS = ("rippledoc --help", "check, cold (no cache)", "check, warm", "today, warm", "due, warm", "metrics, warm",
        "build, cold (no cache)", "build, warm (nothing changed)", "one-file rebuild, as serve does it",
        "serve: saved edit → page shows it (HTTP)", "Hugo: full build", "Hugo server: saved edit → page shows it (HTTP)",
        "plain Python floor")


def test_a_tiny_benchmark_prints_every_row(tmp_path: Path) -> None:
    """N = 30, one run of each: about 20 s. Hugo is timed when installed; otherwise the run says why not."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    doc = REPO / "docs" / "performance.md"
    before = doc.stat().st_mtime_ns if doc.exists() else None
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "run"), "--tiny", "--no-install",
                           "--workdir", str(tmp_path)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == ("| N | measure | median s | CPU s | peak MB | × Hugo's build (wall / CPU) "
                        "| target (at 10,000 clients) |")
    for row in ROWS:
        found = [l for l in lines if f"| 30 | {row}" in l]
        assert found, f"no row '{row}' in:\n{proc.stdout}"
    check_warm = next(l for l in lines if "| 30 | check, warm |" in l).split("|")
    assert float(check_warm[3]) > 0 and float(check_warm[4]) > 0 and float(check_warm[5]) > 0  # wall, CPU, peak MB
    served = next(l for l in lines if "| 30 | serve: saved edit → page shows it (HTTP) |" in l).split("|")
    assert float(served[3]) > 0, served  # rippledoc serve showed the edit over HTTP
    if shutil.which("hugo") is None:
        print("Hugo is not installed: its rows say why (apt-get install -y hugo to compare)")
        assert "Hugo part skipped: hugo is not installed" in proc.stderr
    else:
        hugo = next(l for l in lines if "| 30 | Hugo: full build |" in l).split("|")
        assert float(hugo[3]) > 0
    assert (doc.stat().st_mtime_ns if doc.exists() else None) == before  # --tiny leaves docs/performance.md alone
