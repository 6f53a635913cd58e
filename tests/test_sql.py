"""SQL over the book: ``export sqlite FILE`` writes the documented schema (docs/sql.md) atomically,
``query SQL`` answers on a read-only connection to a copy kept fresh in .rippledoc-cache/."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, TODAY
from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.exchange import sqlite as sqlite_export
from rippledoc.exchange.sqlite import SCHEMA_VERSION, TABLES, write_sqlite

DAY = TODAY.isoformat()
NOT_REACHED = ("SELECT c.owner, c.name, MAX(t.date) AS last_reached FROM clients c LEFT JOIN touches t "
               "ON t.client = c.slug AND t.outcome = 'reached' WHERE c.status = 'active' GROUP BY c.slug "
               "HAVING last_reached IS NULL OR last_reached < date((SELECT value FROM meta WHERE key = 'today'), "
               "'-90 days') ORDER BY c.owner, c.name")


def run(root: Path, *args: str):
    result = CliRunner().invoke(main, ["-C", str(root), *args, "--today", DAY])
    assert "Traceback" not in result.output
    return result


def settle(root: Path) -> None:
    """Date every file of the book a minute back, as if edited a while ago (past the racy-file window)."""
    past = time.time() - 60
    for p in root.rglob("*.md"):
        os.utime(p, (past, past))
    if (root / "rippledoc.yaml").exists():
        os.utime(root / "rippledoc.yaml", (past, past))


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    shutil.copy(REPO / "rippledoc.yaml", root)
    shutil.copytree(REPO / "clients", root / "clients")
    shutil.copytree(REPO / "rituals", root / "rituals")
    settle(root)
    return root


@pytest.fixture
def exported(book: Path) -> sqlite3.Connection:
    result = run(book, "export", "sqlite", "book.sqlite")
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(Path.cwd() / "book.sqlite")
    yield db
    db.close()
    (Path.cwd() / "book.sqlite").unlink()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)


# ---- the export ----------------------------------------------------------------------------------

def test_the_export_has_every_documented_table_and_every_row_its_file_and_line(exported):
    tables = [r[0] for r in exported.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    assert tables == list(TABLES)
    for table in tables[1:]:
        columns = [r[1] for r in exported.execute(f"PRAGMA table_info({table})")]
        assert columns[-2:] == ["path", "line"], table
        assert exported.execute(f"SELECT count(*) FROM {table} WHERE path = '' OR line < 1").fetchone()[0] == 0
    meta = dict(exported.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == str(SCHEMA_VERSION) and meta["today"] == DAY
    assert exported.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_schema_in_docs_sql_md_is_the_one_written(exported):
    doc = (REPO / "docs" / "sql.md").read_text(encoding="utf-8")
    for table in TABLES:
        columns = [r[1] for r in exported.execute(f"PRAGMA table_info({table})")]
        section = doc.split(f"### `{table}`", 1)
        assert len(section) == 2, f"docs/sql.md has no section for {table}"
        body = section[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \|", body, re.MULTILINE)
        assert documented == columns, table


def test_rows_point_at_the_lines_they_came_from(book, exported):
    def line(path: str, n: int) -> str:
        return (book / path).read_text(encoding="utf-8").split("\n")[n - 1]
    for text, path, n in exported.execute("SELECT text, path, line FROM touches"):
        assert line(path, n) == text
    for what, path, n in exported.execute("SELECT what, path, line FROM commitments UNION ALL "
                                          "SELECT what, path, line FROM sales"):
        assert what in line(path, n)
    for client, path, n in exported.execute("SELECT client, path, line FROM ritual_entries"):
        assert client in line(path, n) or line(path, n).startswith("client:")


def test_outcomes_of_the_calls_are_tables(exported):
    assert exported.execute("SELECT owner, state FROM handoffs WHERE client = 'kestrel-freight-lines'").fetchall() == \
        [("omar", "closed")]
    topics = {r[0] for r in exported.execute("SELECT topic FROM intelligence WHERE client = 'kestrel-freight-lines'")}
    assert {"Haul Ledger", "Midwest Fleet Expo"} <= topics
    assert exported.execute("SELECT count(*) FROM kudos").fetchone()[0] > 0
    assert exported.execute("SELECT count(*) FROM stories s JOIN story_steps x ON x.story = s.id").fetchone()[0] > 0
    assert exported.execute("SELECT state FROM commitments WHERE what LIKE 'Cost estimate%'").fetchone() == ("overdue",)


def test_names_in_every_script_survive(workspace, tmp_path):
    root = workspace({
        "clients/ivanov.md": "---\nname: Иванов и партнёры\ntags: [легал]\n---\n## Log\n- 2026-03-02 call reached: Ольга.\n",
        "clients/yamada.md": "---\nname: 山田製作所\n---\n",
        "clients/papadopoulos.md": "---\nname: Παπαδόπουλος\n---\n",
    })
    ws, _ = load_workspace(root, TODAY)
    write_sqlite(ws, tmp_path / "b.sqlite", TODAY)
    db = sqlite3.connect(tmp_path / "b.sqlite")
    assert sorted(r[0] for r in db.execute("SELECT name FROM clients")) == sorted(["Иванов и партнёры", "山田製作所",
                                                                                   "Παπαδόπουλος"])
    assert db.execute("SELECT tag FROM client_tags").fetchall() == [("легал",)]
    db.close()


def test_an_entry_for_a_client_not_on_the_book_is_left_out(workspace, tmp_path):
    root = workspace({
        "clients/acme.md": "---\nname: Acme\n---\n",
        "rituals/high-grade/2026-Q1.md": "---\ndate: 2026-02-01\nclients:\n  acme: {grade: top}\n  ghost: {grade: two}\n---\n",
    })
    ws, _ = load_workspace(root, TODAY)
    write_sqlite(ws, tmp_path / "b.sqlite", TODAY)
    db = sqlite3.connect(tmp_path / "b.sqlite")
    assert db.execute("SELECT client FROM ritual_entries").fetchall() == [("acme",)]
    db.close()


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(book, tmp_path, monkeypatch):
    target = tmp_path / "out" / "book.sqlite"
    target.parent.mkdir()
    target.write_bytes(b"the old database")
    os.chmod(target, 0o640)
    ws, _ = load_workspace(book, TODAY)

    def broken(db, *args):
        db.execute("CREATE TABLE half (x)")
        raise RuntimeError("the disk is full")
    monkeypatch.setattr(sqlite_export, "_fill", broken)
    with pytest.raises(RuntimeError):
        write_sqlite(ws, target, TODAY)
    assert target.read_bytes() == b"the old database"
    assert os.listdir(target.parent) == ["book.sqlite"]
    monkeypatch.undo()
    write_sqlite(ws, target, TODAY)
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its mode
    assert sqlite3.connect(target).execute("SELECT count(*) FROM clients").fetchone()[0] == 20


def test_export_needs_a_file_and_says_when_it_cannot_write(book, tmp_path):
    assert run(book, "export", "sqlite").exit_code == 2
    result = run(book, "export", "sqlite", "-o", str(tmp_path / "missing" / "b.sqlite"))
    assert result.exit_code == 1 and "cannot write" in result.output


# ---- query ---------------------------------------------------------------------------------------

def test_query_answers_clients_not_reached_in_90_days_by_owner_in_one_line_of_sql(book):
    result = run(book, "query", NOT_REACHED)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "owner  name                         last_reached",
        "       Vantage Point Realty         2026-08-18",
        "lena   Moorfield Lettings Ltd       2026-07-10",
        "priya  Larkhill Veterinary Clinic",
        "stan   Sakura Ridge Logistics K.K.  2026-08-20",
    ]


def test_query_prints_json_and_csv(book):
    sql = "SELECT slug, level, cadence_days FROM clients WHERE slug LIKE 'b%' ORDER BY slug"
    assert json.loads(run(book, "query", sql, "--json").output) == [
        {"slug": "blue-gum-health", "level": "key", "cadence_days": None},
        {"slug": "brandt-soehne-feinmechanik", "level": "key", "cadence_days": None}]
    assert run(book, "query", sql, "--csv").output.splitlines() == [
        "slug,level,cadence_days", "blue-gum-health,key,", "brandt-soehne-feinmechanik,key,"]
    assert json.loads(run(book, "query", "SELECT 1 AS x, 2 AS x", "--json").output) == [{"x": 1, "x:2": 2}]


@pytest.mark.parametrize("sql", [
    "DELETE FROM touches",
    "INSERT INTO clients (slug) VALUES ('x')",
    "UPDATE clients SET name = 'x'",
    "DROP TABLE clients",
    "CREATE TABLE x (y)",
    "PRAGMA user_version = 7",
])
def test_a_write_is_refused_by_the_read_only_connection(book, sql):
    assert run(book, "query", "SELECT 1").exit_code == 0
    db = book / ".rippledoc-cache" / "book.sqlite"
    before = db.read_bytes()
    result = run(book, "query", sql)
    assert result.exit_code == 2
    assert "SQL error: attempt to write a readonly database" in result.output
    assert db.read_bytes() == before


def test_attach_is_refused_and_creates_no_file(book, tmp_path):
    result = run(book, "query", f"ATTACH DATABASE '{tmp_path / 'new.db'}' AS other")
    assert result.exit_code == 2 and "not authorized" in result.output
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("sql, message", [
    ("SELECT * FROM no_such_table", "SQL error: no such table: no_such_table"),
    ("SELEC 1", 'SQL error: near "SELEC": syntax error'),
    ("SELECT 1; SELECT 2", "SQL error: You can only execute one statement at a time."),
])
def test_a_sql_error_is_one_clear_line_and_exit_2(book, sql, message):
    result = run(book, "query", sql)
    assert result.exit_code == 2
    assert result.output.strip() == f"rippledoc: {message}"


def test_the_query_database_is_written_again_only_when_a_file_changed(book):
    db = book / ".rippledoc-cache" / "book.sqlite"
    assert run(book, "query", "SELECT 1").exit_code == 0
    first = db.stat().st_mtime_ns
    assert run(book, "query", "SELECT 1").exit_code == 0
    assert db.stat().st_mtime_ns == first  # nothing changed: not written again
    client = book / "clients" / "kestrel-freight-lines.md"
    client.write_text(client.read_text() + "- 2026-11-20 call reached by stan: Cloud estimate agreed.\n")
    settle(book)
    out = run(book, "query", "SELECT note FROM touches WHERE date = '2026-11-20'").output
    assert "Cloud estimate agreed." in out
    (book / "clients" / "vantage-point-realty.md").unlink()
    assert run(book, "query", "SELECT count(*) FROM clients").output.split()[-1] == "19"


def test_a_file_changed_within_two_seconds_is_never_trusted_by_its_stat(book):
    client = book / "clients" / "kestrel-freight-lines.md"
    client.write_text(client.read_text() + "- 2026-11-20 call reached by stan: first.\n")  # just now
    assert "first." in run(book, "query", "SELECT note FROM touches WHERE date = '2026-11-20'").output
    text = client.read_text().replace("first.", "again")  # the same size, possibly the same mtime
    st = client.stat()
    client.write_text(text)
    os.utime(client, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "again" in run(book, "query", "SELECT note FROM touches WHERE date = '2026-11-20'").output


def test_a_cache_folder_that_cannot_be_written_means_a_temporary_copy_for_the_query(book):
    (book / ".rippledoc-cache").write_text("not a folder")  # as unwritable as a read-only share, even for root
    result = run(book, "query", "SELECT count(*) FROM clients")
    assert result.exit_code == 0, result.output
    assert result.output.split()[-1] == "20"
    assert (book / ".rippledoc-cache").read_text() == "not a folder"
