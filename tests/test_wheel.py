"""The installed wheel works on its own: built, installed into a fresh venv, run outside the repository.

The default rituals (``rippledoc/defaults/``) and the site templates (``site_templates/`` of the repository,
installed as ``rippledoc/site_templates/``) must come from the installed package, not from a checkout. Takes about a minute.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def sh(*cmd: str | Path, cwd: Path, env: dict[str, str], timeout: int = 240) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


def source_defaults() -> set[str]:
    base = REPO / "rippledoc" / "defaults"
    return {p.relative_to(base).as_posix() for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_CURRENT_TEST", "VIRTUAL_ENV")}
    # Build from a copy: the repository's own tree gets no build/ or egg-info, and a concurrent build cannot clash.
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    for folder in ("rippledoc", "site_templates"):
        shutil.copytree(REPO / folder, src / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".rippledoc-cache"))
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", src, "-w", tmp / "dist", cwd=tmp, env=env)
    wheels = list((tmp / "dist").glob("rippledoc-*.whl"))
    assert len(wheels) == 1
    sh(sys.executable, "-m", "venv", tmp / "venv", cwd=tmp, env=env)
    bindir = tmp / "venv" / ("Scripts" if os.name == "nt" else "bin")
    sh(bindir / "python", "-m", "pip", "install", "-q", wheels[0], cwd=tmp, env=env)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    outside = tmp / "elsewhere"
    outside.mkdir()
    return outside, env


def test_init_and_check_from_an_installed_wheel(venv):
    outside, env = venv
    created = sh("rippledoc", "init", "X", cwd=outside, env=env).stdout
    assert "  created rippledoc.yaml\n" in created and "  created rituals/one-a-day.md\n" in created
    book = outside / "X"
    rituals = sorted(p.name for p in (book / "rituals").glob("*.md"))
    assert rituals == sorted(p.split("/")[1] for p in source_defaults() if p.startswith("rituals/"))
    result = sh("rippledoc", "check", "--strict", cwd=book, env=env)
    assert result.stdout.endswith(f"{len(rituals) + 1} files checked: 0 errors, 0 warnings\n")
    sh("rippledoc", "new", "Northwind Traders", cwd=book / "clients", env=env)
    result = sh("rippledoc", "-C", str(book), "check", "--strict", "--format", "json", cwd=outside, env=env)
    assert json.loads(result.stdout)["errors"] == 0


def test_defaults_are_installed_in_the_package(venv):
    outside, env = venv
    code = ("import json, rippledoc\n"
            "from rippledoc.book.loader import defaults_dir\n"
            "base = defaults_dir()\n"
            "files = sorted(p.relative_to(base).as_posix() for p in base.rglob('*') if p.is_file()\n"
            "               and '__pycache__' not in p.parts)\n"
            "print(json.dumps({'module': rippledoc.__file__, 'base': str(base), 'files': files}))\n")
    info = json.loads(sh("python", "-c", code, cwd=outside, env=env).stdout)
    assert "site-packages" in info["module"] and not info["module"].startswith(str(REPO))
    assert info["base"].endswith(os.path.join("site-packages", "rippledoc", "defaults"))
    assert set(info["files"]) == source_defaults()
    assert "client.md" in info["files"] and "rituals/one-a-day.md" in info["files"]


def test_schema_from_an_installed_wheel(venv):
    outside, env = venv
    data = json.loads(sh("rippledoc", "schema", cwd=outside, env=env).stdout)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema" and data["required"] == ["name"]


def test_the_site_templates_are_installed_and_build_a_site(venv, tmp_path):
    outside, env = venv
    code = ("import json\nfrom rippledoc.book.templates import shipped_templates\n"
            "base = shipped_templates()\n"
            "print(json.dumps({'base': str(base), 'files': sorted(p.relative_to(base).as_posix()"
            " for p in base.rglob('*') if p.is_file())}))\n")
    info = json.loads(sh("python", "-c", code, cwd=outside, env=env).stdout)
    assert info["base"].endswith(os.path.join("site-packages", "rippledoc", "site_templates"))
    shipped = REPO / "site_templates"
    assert info["files"] == sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file())
    book = tmp_path / "book"
    sh("rippledoc", "init", str(book), cwd=outside, env=env)
    sh("rippledoc", "new", "Northwind Traders", cwd=book / "clients", env=env)
    sh("rippledoc", "-C", str(book), "build", "-q", "-o", str(tmp_path / "site"), cwd=outside, env=env)
    assert "Northwind Traders" in (tmp_path / "site" / "clients" / "northwind-traders.html").read_text()
