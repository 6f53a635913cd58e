"""One truth: every figure a page shows is the figure the command's --json prints.

Pages mark each figure as ``<data data-path="business.revenue" value="146520">146,520</data>``
(the ``fig`` macro); these tests read every marked figure of a page and
require it to equal the same view's JSON at that path, for the sample
workspace and a generated book.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO

DAYS = ("2026-11-23", "2026-03-31")


class Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "data" and a.get("data-path"):
            self.found.append((a["data-path"] or "", json.loads(a.get("value") or "null")))


def figures(page: Path) -> list[tuple[str, object]]:
    parser = Figures()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def dig(data: object, path: str) -> object:
    """The value at ``path``: keys of objects, indexes of lists; a last ``#`` is the length of the list there."""
    for key in path.split("."):
        if key == "#":
            assert isinstance(data, list), f"{path}: not a list"
            return len(data)
        if isinstance(data, list):
            assert key.isdigit() and int(key) < len(data), f"{path}: '{key}' is not an index of the JSON's list"
            data = data[int(key)]
            continue
        assert isinstance(data, dict) and key in data, f"{path}: '{key}' is not in the JSON"
        data = data[key]
    return data


def run(root: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(root), *args], capture_output=True,
                          text=True, check=True)
    return proc.stdout


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    for part in ("clients", "rituals"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "rippledoc.yaml", root)
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    from bench.generate import generate
    root = tmp_path_factory.mktemp("generated")
    generate(root, 300)
    return root


def check_page(root: Path, day: str, page: str, command: tuple[str, ...]) -> int:
    out = root / f"_site-{day}"
    run(root, "build", "--today", day, "-o", str(out))
    view = json.loads(run(root, *command, "--json", "--today", day))
    found = figures(out / page)
    assert found, f"{page} marks no figures"
    for path, value in found:
        assert dig(view, path) == value, f"{page} shows {path} = {value!r}, the JSON says {dig(view, path)!r}"
    return len(found)


@pytest.mark.parametrize("day", DAYS)
def test_the_metrics_page_shows_what_metrics_json_prints(sample, day):
    assert check_page(sample, day, "metrics.html", ("metrics",)) > 30


def test_the_metrics_page_of_a_generated_book_shows_what_metrics_json_prints(generated):
    assert check_page(generated, "2026-11-23", "metrics.html", ("metrics",)) > 30


@pytest.mark.parametrize("day", DAYS)
def test_the_dashboard_counts_what_due_and_plan_json_print(sample, day):
    """Today's calls are the first day of ``plan --json``; the due list is ``due --json``."""
    out = sample / f"_site-{day}"
    run(sample, "build", "--today", day, "-o", str(out))
    found = dict(figures(out / "index.html"))
    due = json.loads(run(sample, "due", "--json", "--today", day))
    plan = json.loads(run(sample, "plan", "--json", "--today", day))
    if due["items"]:
        assert found.pop("items.#") == dig(due, "items.#")
    for path, value in found.items():
        assert dig(plan, path) == value, f"index.html shows {path} = {value!r}, plan --json says {dig(plan, path)!r}"


def test_the_dashboard_of_a_generated_book_counts_what_due_and_plan_json_print(generated):
    out = generated / "_site-dash"
    run(generated, "build", "--today", "2026-11-23", "-o", str(out))
    found = dict(figures(out / "index.html"))
    assert found.pop("items.#") == dig(json.loads(run(generated, "due", "--json", "--today", "2026-11-23")), "items.#")
    plan = json.loads(run(generated, "plan", "--json", "--today", "2026-11-23"))
    assert found["plan.0.calls.#"] == dig(plan, "plan.0.calls.#") > 0
    for path, value in found.items():
        assert dig(plan, path) == value
