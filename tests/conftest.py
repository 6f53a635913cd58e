"""Shared test helpers: temporary workspaces written from text."""
from __future__ import annotations

import os
import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent


def load_workspace(root, today=None):
    """A test's shorthand: the loaded book and its diagnostics as a list."""
    from rippledoc.book.loader import load_book
    book = load_book(root, today)
    return book, list(book.diagnostics)


TODAY = date(2026, 11, 22)

# CI (and any run with CI set, as .ci/run does) shares a busy machine: an example that takes 467 ms
# there is no bug, so no deadline and no too-slow health check. Elsewhere Hypothesis' defaults hold.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)


def hypothesis_profile(environ: dict[str, str] | os._Environ[str]) -> str:
    """The Hypothesis profile for this environment: 'ci' when CI is set (to anything but 0/false), else 'default'."""
    return "ci" if environ.get("CI", "").strip().lower() not in ("", "0", "false", "no") else "default"


settings.load_profile(hypothesis_profile(os.environ))


SAMPLE = ("rippledoc.yaml", "clients", "rituals", "site_templates", ".gitignore")  # the sample workspace's files


def copy_sample(root: Path, names: tuple[str, ...] = SAMPLE) -> Path:
    """A copy of the repository's sample workspace (these of its files) in ``root``, made if missing."""
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns(".rippledoc-cache"))
        elif src.exists():
            shutil.copy2(src, root / name)
    return root


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def workspace(tmp_path: Path):
    """``workspace({"clients/a.md": "..."})`` -> a workspace folder with those files."""
    def make(files: dict[str, str | bytes]) -> Path:
        (tmp_path / "clients").mkdir(exist_ok=True)
        return write(tmp_path, files)
    return make


CHROMIUM = "/usr/bin/chromium"  # Debian's package; a browser is never downloaded
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _browser_unavailable(reason: str) -> None:
    if os.environ.get("RIPPLEDOC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"RIPPLEDOC_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (set RIPPLEDOC_REQUIRE_BROWSER=1 to make this a failure)")


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by Playwright; skipped with a message when absent (CI requires it)."""
    if not Path(CHROMIUM).exists():
        _browser_unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_unavailable("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def clean_but_unknown_zones(check_json: str) -> None:
    """``rippledoc check --json`` found nothing but W104: clients an import could tell no time zone for."""
    import json
    data = json.loads(check_json)
    assert data["errors"] == 0 and {d["code"] for d in data["diagnostics"]} <= {"W104"}, check_json
