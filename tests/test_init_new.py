"""``rippledoc init`` and ``rippledoc new``: create files, never overwrite one."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from rippledoc.book.loader import defaults_dir
from conftest import load_workspace

from conftest import TODAY


def book_today(book):
    """Today where the book lives: what 'new' writes as 'since' (date.today() is UTC's, a day off near midnight)."""
    from rippledoc.clock import today_in, workspace_zone
    return today_in(workspace_zone(book))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def book(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    result = run("init", str(tmp_path / "book"))
    assert result.exit_code == 0, result.output
    return tmp_path / "book"


def test_init_creates_a_workspace_and_says_what(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    result = run("init", str(tmp_path / "book"))
    assert result.exit_code == 0
    rituals = sorted(p.name for p in defaults_dir("rituals").glob("*.md"))
    assert rituals and "one-a-day.md" in rituals
    for name in ["rippledoc.yaml", ".gitignore", *(f"rituals/{r}" for r in rituals)]:
        assert f"  created {name}\n" in result.output
        assert (tmp_path / "book" / name).is_file()
    for folder in ("clients", "rituals", "site_templates"):
        assert (tmp_path / "book" / folder).is_dir()
    assert "timezone: Europe/Berlin" in (tmp_path / "book" / "rippledoc.yaml").read_text()
    ignored = (tmp_path / "book" / ".gitignore").read_text().split()
    assert "_site/" in ignored and ".rippledoc-cache/" in ignored


def test_init_never_overwrites(book):
    (book / "rippledoc.yaml").write_text("title: Mine\n")
    (book / "rituals" / "one-a-day.md").write_text("---\nname: My own one a day\ncadence: daily\n---\n")
    result = run("init", str(book))
    assert result.exit_code == 0
    assert "  kept    rippledoc.yaml\n" in result.output and "  kept    rituals/one-a-day.md\n" in result.output
    assert (book / "rippledoc.yaml").read_text() == "title: Mine\n"
    assert "My own one a day" in (book / "rituals" / "one-a-day.md").read_text()


def test_a_fresh_workspace_checks_clean_strictly(book):
    result = run("-C", str(book), "check", "--strict", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_the_built_in_rituals_are_clean():
    """A built-in ritual with a warning would show up in every workspace."""
    import tempfile
    with tempfile.TemporaryDirectory() as empty:
        os.mkdir(os.path.join(empty, "clients"))
        _, diags = load_workspace(empty, TODAY)
    assert [f"{d.location()} {d.code} {d.message}" for d in diags] == []


def test_new_creates_a_client_from_the_template(book):
    result = run("-C", str(book), "new", "Northwind Traders", "--level", "key", "--timezone", "America/Chicago")
    assert result.exit_code == 0, result.output
    assert result.output == "created clients/northwind-traders.md\n"
    text = (book / "clients" / "northwind-traders.md").read_text()
    assert text.startswith('---\nname: "Northwind Traders"\n')
    assert "timezone: America/Chicago\n" in text and "level: key\n" in text and "owner: me\n" in text
    from rippledoc.clock import today_in, workspace_zone
    assert f"since: {today_in(workspace_zone(book)).isoformat()}\n" in text  # today where the book lives
    assert "\n## Log\n" in text
    ws, diags = load_workspace(book, book_today(book))
    assert [c.name for c in ws.clients] == ["Northwind Traders"] and diags == []


def test_new_makes_an_ascii_unique_slug(book):
    assert run("-C", str(book), "new", "Müller & Söhne GmbH").output == "created clients/muller-sohne-gmbh.md\n"
    (book / "clients" / "acme.md").write_text("---\nname: Acme Old\n---\n")
    assert run("-C", str(book), "new", "ACME").output == "created clients/acme-2.md\n"
    assert run("-C", str(book), "new", "東京商事").output == "created clients/dong-jing-shang-shi.md\n"  # transliterated


def test_new_keeps_a_name_with_quotes_and_colons_intact(book):
    name = 'Bob\'s "Best": Bakery #1'
    assert run("-C", str(book), "new", name).exit_code == 0
    ws, diags = load_workspace(book, book_today(book))
    assert [c.name for c in ws.clients] == [name] and diags == []


def test_new_refuses_a_client_that_exists(book):
    assert run("-C", str(book), "new", "Northwind Traders").exit_code == 0
    before = (book / "clients" / "northwind-traders.md").read_bytes()
    result = run("-C", str(book), "new", "northwind traders, inc.")
    assert result.exit_code == 2
    assert "a client named 'Northwind Traders' already exists: clients/northwind-traders.md" in result.stderr
    assert (book / "clients" / "northwind-traders.md").read_bytes() == before
    assert sorted(p.name for p in (book / "clients").iterdir()) == ["northwind-traders.md"]


@pytest.mark.parametrize("args, message", [
    (["new", "  "], "the client needs a name"),
    (["new", "Acme", "--timezone", "Mars/Base"], "unknown time zone 'Mars/Base'"),
    (["new", "Acme", "--level", "gold"], "Invalid value for '--level'"),
])
def test_new_usage_errors(book, args, message):
    result = run("-C", str(book), *args)
    assert result.exit_code == 2 and message in result.output
    assert list((book / "clients").iterdir()) == []


def test_new_outside_a_workspace(tmp_path):
    result = run("-C", str(tmp_path), "new", "Acme")
    assert result.exit_code == 2 and "no rippledoc workspace" in result.stderr


@pytest.mark.parametrize("name", ['Q "x" \\ y', "C:\\Clients\\Acme", "Tab\tand 'quotes'", "#1 Bakery: the best",
                                  "yes", "0700", "Acme - the [new] {one}", "Zoë\u00a0Café"])
def test_new_writes_a_name_that_reads_back_exactly(book, name):
    result = run("-C", str(book), "new", name)
    assert result.exit_code == 0, result.output
    ws, diags = load_workspace(book, book_today(book))
    assert [c.name for c in ws.clients] == [name] and diags == []


@pytest.mark.parametrize("name", ["Line\nBreak", "Carriage\rReturn", "Para\u2029graph", "Next\x85Line"])
def test_new_refuses_a_name_with_a_line_break(book, name):
    result = run("-C", str(book), "new", name)
    assert result.exit_code == 2
    assert "rippledoc: a client's name is one line: it has a line break" in result.stderr
    assert list((book / "clients").iterdir()) == []


def test_new_writes_an_owner_of_the_team_that_reads_back(book):
    settings = book / "rippledoc.yaml"
    settings.write_text(settings.read_text().replace("team:\n  me: {name: Me}",
                                                     'team:\n  me: {name: Me}\n  "a: b": {name: Odd Key}'))
    result = run("-C", str(book), "new", "Delta", "--owner", "a: b")
    assert result.exit_code == 0, result.output
    assert 'owner: "a: b"\n' in (book / "clients" / "delta.md").read_text()
    ws, diags = load_workspace(book, book_today(book))
    assert [(c.name, c.owner) for c in ws.clients] == [("Delta", "a: b")] and diags == []


def test_new_refuses_an_owner_who_is_not_in_the_team(book):
    result = run("-C", str(book), "new", "Delta", "--owner", "a: b")
    assert result.exit_code == 2
    assert "rippledoc: --owner 'a: b' is not in the team of rippledoc.yaml (me)" in result.stderr
    assert list((book / "clients").iterdir()) == []


def test_new_writes_nothing_when_the_text_would_not_read_back(book, monkeypatch):
    from rippledoc.cli import init
    monkeypatch.setattr(init, "new_client_text", lambda *a, **k: "---\nname: [unclosed\n---\n")
    result = run("-C", str(book), "new", "Delta")
    assert result.exit_code == 1
    assert result.stderr.startswith("rippledoc: the new file would not read back (E012 YAML syntax error")
    assert result.stderr.rstrip().endswith("; nothing written")
    assert list((book / "clients").iterdir()) == []
