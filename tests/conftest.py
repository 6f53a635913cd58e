"""Shared test helpers: temporary workspaces written from text."""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


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
