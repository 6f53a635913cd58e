"""The customer advocate program: clients without an owner shared among the team, balanced."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rippledoc.cli.app import main
from conftest import load_workspace
from rippledoc.views.plan import share_clients

SETTINGS = """\
me: stan
team:
  stan: {name: Stan}
  priya: {name: Priya}
  omar: {name: Omar}
"""


def book(workspace) -> Path:
    files = {"rippledoc.yaml": SETTINGS}
    owned = {"a1": "stan", "a2": "stan", "b1": "priya"}
    for slug, owner in owned.items():
        files[f"clients/{slug}.md"] = f"---\nname: Owned {slug}\nowner: {owner}\n---\n"
    for slug, level in {"n1": "base", "n2": "key", "n3": "for-life", "n4": "base", "n5": "base"}.items():
        files[f"clients/{slug}.md"] = f"---\nname: Orphan {slug}\nlevel: {level}   # triangle\n---\nNotes.\n"
    files["clients/gone.md"] = "---\nname: Gone Co\nstatus: former\n---\n"
    return workspace(files)


def test_most_important_first_to_the_least_loaded_member(workspace):
    ws, _ = load_workspace(book(workspace), None)
    moves, loads = share_clients(ws, ["stan", "priya", "omar"])
    # before: stan 2, priya 1, omar 0; ties go to the member listed first
    assert [(c.slug, m) for c, m in moves] == [("n3", "omar"), ("n2", "priya"), ("n1", "omar"), ("n4", "stan"),
                                               ("n5", "priya")]
    assert loads == {"stan": 3, "priya": 3, "omar": 2}


def test_dry_run_writes_nothing_and_the_real_run_adds_one_line_each(workspace):
    root = book(workspace)
    before = {p.name: p.read_bytes() for p in (root / "clients").iterdir()}
    r = CliRunner().invoke(main, ["-C", str(root), "assign", "--dry-run", "--today", "2026-11-23"])
    assert r.exit_code == 0, r.output
    assert "5 clients to assign (dry run, nothing written)." in r.output
    assert {p.name: p.read_bytes() for p in (root / "clients").iterdir()} == before
    r = CliRunner().invoke(main, ["-C", str(root), "assign", "--today", "2026-11-23"])
    assert r.exit_code == 0, r.output
    assert "5 clients assigned." in r.output and "Clients per member (active and paused): stan 3, priya 3, omar 2" in r.output
    assert (root / "clients/n3.md").read_text() == "---\nname: Orphan n3\nlevel: for-life   # triangle\nowner: omar\n---\nNotes.\n"
    assert (root / "clients/a1.md").read_bytes() == before["a1.md"]
    assert (root / "clients/gone.md").read_bytes() == before["gone.md"]
    r = CliRunner().invoke(main, ["-C", str(root), "assign", "--today", "2026-11-23"])
    assert "Every client has an owner; nothing to do." in r.output


def test_assign_to_some_members_only_and_refuse_strangers(workspace):
    root = book(workspace)
    r = CliRunner().invoke(main, ["-C", str(root), "assign", "--to", "omar", "--json", "--dry-run",
                                  "--today", "2026-11-23"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert {a["owner"] for a in data["assignments"]} == {"omar"} and data["loads"] == {"omar": 5}
    r = CliRunner().invoke(main, ["-C", str(root), "assign", "--to", "zed", "--today", "2026-11-23"])
    assert r.exit_code == 2 and "--to: zed not in the team" in r.output
