"""rippledoc export csv | vcard | json, and the round trip: export, then import into an empty workspace."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from rippledoc.exchange.jsonout import SCHEMA, VERSION
from conftest import load_workspace

from conftest import REPO, TODAY, write

SETTINGS = """\
title: Ripple — client book
me: me
timezone: America/New_York
team:
  me: {name: Stan Ortiz, email: stan@ripple.example, role: principal}
  priya: {name: Priya Shah, handles: [training]}
"""

NORTHWIND = """\
---
name: Northwind Traders, Inc.
contact: Dr. Renée O'Brien
title: Managing Director
birthday: --04-12
email: renee@northwind.example
emails: [renee.obrien@gmail.example, "ro@northwind.example"]
phone: "0700 123"
phones: ["+1 619 555 0199 (mobile)", "+1 619 555 0100 (home)", "+1 619 555 0101"]
address: 1450 Camino del Sol, Suite 200, San Diego, CA 92108
website: https://northwind.example
timezone: America/Chicago
hours: "08:00-16:30"
since: 2017-03-01
owner: me
level: key
grade: top
status: active
cadence: 3w
snooze: 2026-12-01
products: [hosting, "backup, offsite"]
tags: [manufacturing]
sales:
  - {date: 2026-02-10, amount: 4200, what: Backup upgrade}
commitments:
  - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}
  - {made: 2026-09-01, due: 2026-09-15, what: Fix the VPN, done: 2026-09-12}
custom:
  account_no: "A-1042"
---
Renée wants "no surprises", ever; she reads every invoice.
Second line, with a comma.

## Log
- 2026-11-02 call reached by me: loved the dashboard. #success solved B and C with us
- 2026-11-20 call voicemail by priya: said I'd call back Tuesday. next: 2026-11-24

## Later
More notes after the log.
"""

LI = """\
---
name: 北京贸易有限公司
contact: 李雷
email: li.lei@bjtrade.example
phone: "+86 10 6552 1234"
timezone: Asia/Shanghai
owner: priya
level: base
status: paused
tags: [中国, export]
---
"""

NGUYEN = """\
---
name: Nguyễn Trading Co.
timezone: Asia/Ho_Chi_Minh
---
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    return write(root, {"rippledoc.yaml": SETTINGS, "clients/northwind.md": NORTHWIND, "clients/li.md": LI,
                        "clients/nguyen.md": NGUYEN})


def rd(*args: str):
    return CliRunner().invoke(main, list(args))


def test_json_is_the_whole_model_in_a_versioned_shape(book):
    r = rd("-C", str(book), "export", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert (data["format"], data["version"]) == ("rippledoc", VERSION) == ("rippledoc", 1)
    assert list(data) == ["format", "version", "settings", "clients", "rituals", "records"]
    assert data["settings"]["team"]["priya"] == {"name": "Priya Shah", "email": "", "role": "", "handles": ["training"]}
    assert [c["slug"] for c in data["clients"]] == ["li", "nguyen", "northwind"]
    nw = data["clients"][2]
    assert {k: nw[k] for k in ("name", "phone", "hours", "since", "cadence_days", "snooze", "products", "custom")} == {
        "name": "Northwind Traders, Inc.", "phone": "0700 123", "hours": "08:00-16:30", "since": "2017-03-01",
        "cadence_days": 21, "snooze": "2026-12-01", "products": ["hosting", "backup, offsite"],
        "custom": {"account_no": "A-1042"}}
    assert nw["sales"] == [{"date": "2026-02-10", "amount": 4200.0, "what": "Backup upgrade", "line": 24}]
    assert nw["commitments"][1] == {"made": "2026-09-01", "due": "2026-09-15", "what": "Fix the VPN",
                                    "done": "2026-09-12", "to": None, "first_due": "2026-09-15", "moved": [],
                                    "line": 27}
    assert nw["log"][1] == {"date": "2026-11-20", "kind": "call", "outcome": "voicemail", "by": "priya",
                            "note": "said I'd call back Tuesday. next: 2026-11-24", "tags": [], "mentions": [],
                            "next": "2026-11-24", "line": 36}
    assert {k: nw[k] for k in ("title", "birthday", "emails", "phones")} == {
        "title": "Managing Director", "birthday": "--04-12",
        "emails": ["renee.obrien@gmail.example", "ro@northwind.example"],
        "phones": ["+1 619 555 0199 (mobile)", "+1 619 555 0100 (home)", "+1 619 555 0101"]}
    assert (data["clients"][0]["birthday"], data["clients"][0]["emails"]) == (None, [])
    assert data["clients"][1]["timezone"] == "Asia/Ho_Chi_Minh"  # as the file gives it, never the workspace's
    assert "one-a-day" in [r["key"] for r in data["rituals"]]


def test_json_export_of_the_sample_workspace_matches_its_schema():
    jsonschema = pytest.importorskip("jsonschema")
    r = rd("-C", str(REPO), "export", "json")
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    assert len(data["clients"]) >= 1


def test_csv_has_one_row_per_client_with_quoted_commas_and_line_breaks(book):
    r = rd("-C", str(book), "export", "csv")
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    assert rows[0] == ["name", "contact", "email", "phone", "address", "website", "timezone", "hours", "since", "owner",
                       "level", "grade", "status", "cadence", "snooze", "products", "tags", "notes",
                       "title", "birthday", "emails", "phones"]
    assert rows[3][:17] == ["Northwind Traders, Inc.", "Dr. Renée O'Brien", "renee@northwind.example", "0700 123",
                            "1450 Camino del Sol, Suite 200, San Diego, CA 92108", "https://northwind.example",
                            "America/Chicago", "08:00-16:30", "2017-03-01", "me", "key", "top", "active", "21d",
                            "2026-12-01", "hosting; backup, offsite", "manufacturing"]
    assert rows[3][17] == ('Renée wants "no surprises", ever; she reads every invoice.\nSecond line, with a comma.'
                           "\n\n## Later\nMore notes after the log.")
    assert rows[3][18:] == ["Managing Director", "'--04-12", "renee.obrien@gmail.example; ro@northwind.example",
                            "'+1 619 555 0199 (mobile); +1 619 555 0100 (home); +1 619 555 0101"]
    # (--04-12 and +1 619 … start like formulas: a spreadsheet would compute them, so they are quoted)
    assert '"Renée wants ""no surprises"", ever' in r.stdout


def test_csv_rows_end_in_crlf_as_rfc_4180_says(book, tmp_path):
    rd("-C", str(book), "export", "csv", "-o", str(tmp_path / "out.csv"))
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b'"name","contact",') and data.count(b"\r\n") == 4  # header and 3 rows
    assert b"a comma.\n\n## Later" in data  # a line break inside notes stays as the file has it


def test_vcard_is_written_by_vobject_and_reads_back(book):
    import vobject
    r = rd("-C", str(book), "export", "vcard")
    cards = list(vobject.readComponents(r.stdout))
    assert len(cards) == 3
    nw = cards[2]
    assert (nw.fn.value, nw.org.value, nw.email.value, nw.tel.value) == (
        "Dr. Renée O'Brien", ["Northwind Traders, Inc."], "renee@northwind.example", "0700 123")
    assert (nw.n.value.prefix, nw.n.value.given, nw.n.value.family) == ("Dr.", "Renée", "O'Brien")
    assert (nw.uid.value, nw.tz.value) == ("rippledoc-northwind", "America/Chicago")
    assert (nw.title.value, nw.bday.value) == ("Managing Director", "--04-12")
    assert [(e.value, e.params["TYPE"]) for e in nw.contents["email"]] == [
        ("renee@northwind.example", ["INTERNET", "pref"]), ("renee.obrien@gmail.example", ["INTERNET"]),
        ("ro@northwind.example", ["INTERNET"])]
    assert [(t.value, t.params["TYPE"]) for t in nw.contents["tel"]] == [
        ("0700 123", ["WORK", "pref"]), ("+1 619 555 0199", ["CELL"]), ("+1 619 555 0100", ["HOME"]),
        ("+1 619 555 0101", ["VOICE"])]
    assert "ORG:Northwind Traders\\, Inc." in r.stdout
    nguyen = cards[1]
    assert (nguyen.fn.value, nguyen.contents["x-abshowas"][0].value) == ("Nguyễn Trading Co.", "COMPANY")


def test_o_writes_a_file(book, tmp_path):
    out = tmp_path / "out" / "book.json"
    out.parent.mkdir()
    r = rd("-C", str(book), "export", "json", "-o", str(out))
    assert r.exit_code == 0 and json.loads(out.read_text())["version"] == 1


FIELDS = ("name", "contact", "title", "birthday", "email", "emails", "phone", "phones", "address", "website",
          "timezone", "hours", "since", "owner", "level", "grade", "status", "cadence_days", "snooze", "products", "tags")


def same_clients(a: Path, b: Path, fields: tuple[str, ...]) -> None:
    left = {c.name: c for c in load_workspace(a, TODAY)[0].clients}
    right = {c.name: c for c in load_workspace(b, TODAY)[0].clients}
    assert sorted(left) == sorted(right)
    for name in left:
        for f in fields:
            assert getattr(left[name], f) == getattr(right[name], f), (name, f)


@pytest.mark.parametrize("fmt, fields, notes", [
    ("csv", FIELDS, True),
    ("vcard", ("name", "contact", "title", "birthday", "email", "emails", "phone", "phones", "address", "website",
               "timezone", "tags"), True),
])
def test_export_then_import_into_an_empty_workspace_gives_the_same_clients(book, tmp_path, fmt, fields, notes):
    exported = tmp_path / f"book.{fmt}"
    assert rd("-C", str(book), "export", fmt, "-o", str(exported)).exit_code == 0
    empty = tmp_path / "empty"
    assert rd("init", str(empty)).exit_code == 0
    (empty / "rippledoc.yaml").write_text(SETTINGS)  # the same team, so owners carry over
    r = rd("-C", str(empty), "import", fmt, str(exported), "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[-1] == "created 3, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    same_clients(book, empty, fields)
    if notes:
        left = {c.name: c.notes.strip() for c in load_workspace(book, TODAY)[0].clients}
        right = {c.name: c.notes.strip() for c in load_workspace(empty, TODAY)[0].clients}
        assert left == right
    assert rd("-C", str(empty), "check", "--strict", "--today", TODAY.isoformat()).exit_code == 0
    again = rd("-C", str(empty), "import", fmt, str(exported), "--today", TODAY.isoformat())
    assert again.output.splitlines()[-1] == "created 0, updated 0 (0 fields), unchanged 3, conflicts 0, rejected 0"


def test_the_sample_workspace_round_trips_through_csv(tmp_path):
    exported = tmp_path / "book.csv"
    rd("-C", str(REPO), "export", "csv", "-o", str(exported))
    empty = tmp_path / "empty"
    rd("init", str(empty))
    (empty / "rippledoc.yaml").write_bytes((REPO / "rippledoc.yaml").read_bytes())
    r = rd("-C", str(empty), "import", "csv", str(exported), "--today", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    same_clients(REPO, empty, FIELDS)


def test_importing_your_own_export_changes_nothing(tmp_path):
    import shutil
    book = tmp_path / "book"
    shutil.copytree(REPO / "clients", book / "clients")
    shutil.copy(REPO / "rippledoc.yaml", book / "rippledoc.yaml")
    before = {p.name: p.read_bytes() for p in (book / "clients").glob("*.md")}
    for fmt in ("csv", "vcard"):
        exported = tmp_path / f"book.{fmt}"
        rd("-C", str(book), "export", fmt, "-o", str(exported))
        r = rd("-C", str(book), "import", fmt, str(exported), "--today", TODAY.isoformat())
        assert r.exit_code == 0, r.output
        assert r.output.splitlines()[-1] == \
            f"created 0, updated 0 (0 fields), unchanged {len(before)}, conflicts 0, rejected 0", r.output
    assert {p.name: p.read_bytes() for p in (book / "clients").glob("*.md")} == before
