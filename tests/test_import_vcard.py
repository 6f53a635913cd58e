"""rippledoc import vcard: vCard 2.1, 3.0 and 4.0 files from phones, Apple Contacts and Nextcloud."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from click.testing import CliRunner

from rippledoc.cli.app import main
from rippledoc.exchange.vcardin import plain_lines, read_vcard, split_cards
from conftest import load_workspace

from conftest import TODAY, clean_but_unknown_zones

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SETTINGS = "me: stan\ntimezone: Europe/London\nteam:\n  stan: {name: Stan Ortiz}\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    return tmp_path


def rd(book: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(book), *args, "--today", TODAY.isoformat()])


def imp(book: Path, name: str, *more: str):
    return rd(book, "import", "vcard", name if "/" in name else str(FIXTURES / name), *more)


def snapshot(book: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((book / "clients").glob("*.md"))}


def test_vcard_3_from_apple_contacts(book):
    r = imp(book, "contacts-v3.vcf")
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert out[0] == f"Read {FIXTURES / 'contacts-v3.vcf'} as vCard 3.0, utf-8: 204 cards."
    assert "  rejected card 51 (line 475): cannot be read: At line 7: Failed to parse line: THIS LINE HAS NO COLON" in out
    assert "  rejected card 204 (line 1928): no ORG and no FN or N (only nameless@nowhere.example)" in out
    assert out[-1] == "created 202, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 2"
    assert (book / "clients" / "smith-jones-partners.md").read_text() == (
        "---\n"
        "name: Smith, Jones & Partners\n"
        "contact: Zoë O'Brien\n"
        "title: Senior Partner\n"
        "email: zoe.obrien@smithjones.example\n"  # the pref one first; the home address is kept too
        "emails: [zoe@home.example]\n"
        'phone: "+44 20 7946 0000"\n'  # the pref (work) one first; the cell is kept too
        'phones: ["+44 7700 900123 (mobile)"]\n'
        "address: 1 Fleet Street, Floor 3, London, EC4Y 1AA, United Kingdom\n"
        'website: "https://smithjones.example"\n'
        "timezone: Europe/London\n"  # from the address and the phone
        "since:\n"
        "owner:\n"  # none: 'rippledoc assign' shares new clients out
        "level: base\n"
        "grade:\n"
        "status: active\n"
        "products: []\n"
        "tags: [Clients, Legal]\n"
        "sales: []\n"
        "commitments: []\n"
        "---\n"
        "Met at the legal tech summit; wants a quote for backups, archives and a second office in Leeds.\n"
        "Call after 2pm.\n"
        "\n"
        "## Log\n"
    )
    li = load_workspace(book, TODAY)[0].client("bei-jing-mao-yi-you-xian-gong-si")
    assert (li.name, li.contact, li.phone) == ("北京贸易有限公司", "李雷", "+86 10 6552 1234")
    clean_but_unknown_zones(rd(book, "check", "--json").output)


def test_vcard_4_with_tel_uris_and_pref_parameters(book):
    r = imp(book, "contacts-v4.vcf")
    assert "as vCard 4.0, utf-8: 152 cards." in r.output
    assert "  rejected card 152 (line 1362): has no END:VCARD" in r.output
    an = load_workspace(book, TODAY)[0].client("nguyen-trading-co")
    assert (an.contact, an.email, an.phone, an.address) == (
        "Nguyễn Văn An", "an.nguyen@nguyentrading.example", "+84-28-3822-9999",
        "12 Lê Lợi, Hồ Chí Minh, 700000, Vietnam")
    clean_but_unknown_zones(rd(book, "check", "--json").output)


def test_vcard_2_1_quoted_printable_with_soft_line_breaks(book):
    r = imp(book, "contacts-v21.vcf")
    assert r.output.splitlines()[-1] == "created 101, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    ws, _ = load_workspace(book, TODAY)
    cafe = ws.client("cafe-zoe")
    assert (cafe.name, cafe.contact, cafe.email, cafe.phone) == (
        "Café Zoë", "Zoë Müller", "zoe@cafe-zoe.example", "+49 30 1234567")
    assert cafe.notes.strip() == "Prefers WhatsApp; café owner since 1998, knows every supplier on the street."
    assert ws.client("aurora-health-inc").name == "Aurora Health, Inc."  # '=2C' is a comma, not a separator
    clean_but_unknown_zones(rd(book, "check", "--json").output)


def test_importing_the_same_cards_twice_changes_nothing(book):
    imp(book, "contacts-v3.vcf")
    before = snapshot(book)
    r = imp(book, "contacts-v3.vcf")
    assert r.output.splitlines()[-1] == "created 0, updated 0 (0 fields), unchanged 202, conflicts 0, rejected 2"
    assert snapshot(book) == before


def test_dry_run_writes_nothing(book):
    r = imp(book, "contacts-v21.vcf", "--dry-run")
    assert r.output.splitlines()[-1] == \
        "Dry run, nothing written: created 101, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    assert "  + clients/cafe-zoe.md  Café Zoë (contact: Zoë Müller, email: zoe@cafe-zoe.example, " \
           "phone: +49 30 1234567)  [card 1 (line 1)]" in r.output
    assert snapshot(book) == {}


def test_a_card_fills_the_empty_fields_of_a_known_client(book):
    (book / "clients" / "cafe-zoe.md").write_text("---\nname: Café Zoë\ncontact: Zoë Müller\nphone: \"030 999\"\n"
                                                  "---\nOur favourite café.\n")
    r = imp(book, "contacts-v21.vcf")
    assert "  filled clients/cafe-zoe.md: email: zoe@cafe-zoe.example  [card 1 (line 1)]" in r.output
    assert ("  conflict card 1 (line 1): clients/cafe-zoe.md: phone is '030 999' in the file, '+49 30 1234567' "
            "in the import; kept the file's") in r.output
    assert (book / "clients" / "cafe-zoe.md").read_text() == (
        "---\nname: Café Zoë\ncontact: Zoë Müller\nphone: \"030 999\"\nemail: zoe@cafe-zoe.example\n"
        "---\nOur favourite café.\n")


def test_unescaped_commas_and_folded_lines_are_kept_whole():
    lines = plain_lines(["BEGIN:VCARD", "VERSION:3.0", "FN:Ruiz, Ana", "NOTE:first part, and ", " a folded rest",
                         "URL:https://x.example/a,b", "CATEGORIES:a,b", "END:VCARD"])
    assert lines == ["BEGIN:VCARD", "VERSION:3.0", "FN:Ruiz\\, Ana", "NOTE:first part\\, and a folded rest",
                     "URL:https://x.example/a\\,b", "CATEGORIES:a,b", "END:VCARD"]
    parsed, _ = read_vcard("\r\n".join(lines).encode(), today=TODAY)
    rec = parsed.records[0]
    assert (rec.name, rec.notes, rec.get("website"), rec.lists) == (
        "Ruiz, Ana", "first part, and a folded rest", "https://x.example/a,b", {"tags": ("a", "b")})


def test_a_company_card_has_no_contact():
    parsed, _ = read_vcard(b"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Corp\r\nEND:VCARD\r\n"
                           b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Beta\r\nN:;;;;\r\nORG:Beta\r\nX-ABShowAs:COMPANY\r\n"
                           b"END:VCARD\r\n", today=TODAY)
    assert [(r.name, r.get("contact")) for r in parsed.records] == [("Acme Corp", ""), ("Beta", "")]


def test_cards_are_cut_apart_before_parsing():
    cards, rejected = split_cards("BEGIN:VCARD\nFN:a\nBEGIN:VCARD\nFN:b\nEND:VCARD\njunk\n")
    assert [line for line, _ in cards] == [3]
    assert [(r.where, r.reason) for r in rejected] == [("card 1 (line 1)", "has no END:VCARD before the next card")]
    assert read_vcard(b"name,email\n", today=TODAY)[1] == "no BEGIN:VCARD in the file: it is not a vCard file"


_LINES = st.sampled_from(["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "VERSION:4.0", "FN:Zoë", "ORG:A\\;B,C",
                           "N:;;;;", "ADR:;;;", "TEL;VALUE=uri:tel:", "EMAIL:x@y.z", "NOTE;ENCODING=QUOTED-PRINTABLE:a=",
                           "=C3=", " folded", "X-ABShowAs:COMPANY", "KIND:org", "BDAY:notadate", "PHOTO;b:", ""])


@given(st.binary(max_size=300) | st.lists(_LINES | st.text(max_size=20), max_size=30).map(
    lambda lines: "\r\n".join(lines).encode("utf-8", "surrogatepass")))
def test_no_input_makes_the_card_reader_raise(raw):
    parsed, problem = read_vcard(raw, today=TODAY)
    assert (parsed is None) == bool(problem)
