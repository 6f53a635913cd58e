"""What contact exports hold, kept: Exchange rows, code pages, every e-mail and phone, titles, birthdays,
Google's vCards, and a summary that names everything left out."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from conftest import load_workspace
from rippledoc.exchange.clean import birthday
from rippledoc.exchange.encoding import decode
from rippledoc.model import Birthday
from rippledoc.parse.client import parse_client
from rippledoc.model import Settings
from rippledoc.read.source import Text

from conftest import TODAY, clean_but_unknown_zones

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SETTINGS = "me: stan\ntimezone: Europe/Berlin\nteam:\n  stan: {name: Stan Ortiz}\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    return tmp_path


def rd(book: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(book), *args, "--today", TODAY.isoformat()])


def imp(book: Path, kind: str, name: str, *more: str):
    return rd(book, "import", kind, name if "/" in name else str(FIXTURES / name), *more)


def clients(book: Path) -> dict[str, object]:
    ws, diags = load_workspace(book, TODAY)
    assert [d for d in diags if d.is_error] == []
    return {c.slug: c for c in ws.clients}


# ------------------------------------------------------------------ Outlook: Exchange addresses

def test_an_exchange_address_is_left_out_and_the_row_is_kept(book):
    r = imp(book, "csv", "outlook-ex.csv")
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert out[-1] == "created 2, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    assert ("  note row 2 (line 2): E-mail Address '/o=ExchangeLabs/ou=Exchange Administr…' is an Exchange (EX) "
            "address, not an e-mail address: left out, the rest of the row is imported") in out
    got = clients(book)
    contoso, fabrikam = got["contoso-pharmaceuticals"], got["fabrikam-ltd"]
    assert (contoso.contact, contoso.email, contoso.title) == ("John Smith", "john.smith@contoso.example", "Buyer")
    assert contoso.birthday == Birthday(4, 12, 1980)  # Outlook's 4/12/1980; its 0/0/00 is no birthday
    assert (fabrikam.email, fabrikam.phone, fabrikam.birthday) == ("", "+44 20 7946 0100", None)
    assert fabrikam.phones == ("+44 7700 900457 (mobile)", "+44 7700 900456 (home)")
    clean_but_unknown_zones(rd(book, "check", "--json").output)


def test_the_summary_names_every_column_left_out_and_how_many_rows_had_it(book):
    r = imp(book, "csv", "outlook-ex.csv", "--dry-run")
    assert "Left out: Department (2 rows)" in r.output.splitlines()  # Outlook's 0/0/00, Normal, False are no values
    r = imp(book, "csv", "google.csv", "--dry-run")
    assert "Left out: E-mail 1 - Label (213 rows), Phone 1 - Label (212 rows), Address 1 - Label (211 rows)" in r.output


def test_a_second_address_and_phone_of_a_row_are_kept(book):
    sheet = book / "in.csv"
    sheet.write_text("company,email,phone,mobile,birthday\n"
                     "Acme,a@acme.example ::: b@acme.example,+49 30 1234567,+49 170 7654321,--02-29\n"
                     "Beta,x@beta.example,+49 30 7654321,,31.02.1980\n")
    r = rd(book, "import", "csv", str(sheet))
    assert r.exit_code == 0, r.output
    assert "  note row 3 (line 3): birthday '31.02.1980' is not a date: left out" in r.output
    acme = clients(book)["acme"]
    assert (acme.email, acme.emails, acme.phone, acme.phones) == (
        "a@acme.example", ("b@acme.example",), "+49 30 1234567", ("+49 170 7654321 (mobile)",))
    assert str(acme.birthday) == "--02-29"


# ------------------------------------------------------------------ code pages

def test_a_cyrillic_outlook_export_is_read_in_windows_1251_and_says_so(book):
    r = imp(book, "csv", "outlook-cp1251.csv")
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert out[0].endswith("as Outlook contacts CSV, Windows-1251, comma-separated: 2 rows.")
    assert out[1] == ("Warning: the file is not UTF-8: read as Windows-1251 (Cyrillic), the only code page in which "
                      "its text reads as words: 'Иван', 'Петров', 'Москва'; in Windows-1252 it would read 'Èâàí', "
                      "'Ïåòðîâ', 'Ìîñêâà'. If that is wrong, say --encoding")
    got = clients(book)
    assert (got["moskva-import"].name, got["moskva-import"].contact) == ("Москва Импорт", "Иван Петров")
    assert got["moskva-import"].notes.strip() == "Звонить до обеда."


def test_a_polish_outlook_export_is_read_in_windows_1250(book):
    r = imp(book, "csv", "outlook-cp1250.csv")
    assert "Windows-1250, comma-separated" in r.output
    got = clients(book)
    assert (got["lodz-mlyn-sp-z-o-o"].name, got["ricany-strojirny"].contact) == ("Łódź Młyn Sp. z o.o.", "Jiří Dvořák")


def test_encoding_settles_it_and_a_wrong_name_is_a_usage_error(book):
    r = imp(book, "csv", "outlook-cp1251.csv", "--encoding", "cp1252", "--dry-run")
    assert r.exit_code == 0 and "Windows-1252" in r.output and "Warning" not in r.output
    assert "Ìîñêâà Èìïîðò" in r.output  # what the person asked for
    r = imp(book, "csv", "outlook-cp1251.csv", "--encoding", "klingon")
    assert r.exit_code == 2 and "--encoding klingon: Python knows no such encoding" in r.output
    r = imp(book, "csv", "outlook-cp1251.csv", "--encoding", "utf-8")
    assert r.exit_code == 2 and "is not UTF-8: byte 0xc8 at offset" in r.output
    assert list((book / "clients").iterdir()) == []


def test_a_western_export_read_as_windows_1252_warns_with_examples(book):
    r = imp(book, "csv", "outlook.csv", "--dry-run")
    assert ("Warning: the file is not UTF-8: read as Windows-1252 (Western European), as Excel and Outlook write it "
            "on most Windows machines; text outside ASCII reads 'Renée', 'Seán', 'Zoë'. If that looks wrong, say "
            "--encoding cp1250 (Central European), cp1251 (Cyrillic) or cp1253 (Greek)") in r.output.splitlines()


@pytest.mark.parametrize("text, code_page", [
    ("Москва Импорт; Санкт-Петербург", "cp1251"), ("Łódź, Kraków, Śląsk", "cp1250"),
    ("Ελλάδα Αθήνα Θεσσαλονίκη", "cp1253"), ("Müller & Söhne, Königstraße", "cp1252"),
    ("Crème brûlée à la française", "cp1252"), ("Ørsted A/S, Ærø", "cp1252"), ("Price: 100€ – 20°C", "cp1252"),
])
def test_a_code_page_is_chosen_only_where_its_text_reads_as_words(text, code_page):
    found = decode(text.encode(code_page))
    assert (found.text, found.encoding) == (text, code_page)
    assert found.warning.startswith("the file is not UTF-8: read as Windows-")


def test_a_czech_text_that_reads_in_two_code_pages_is_read_as_1252_and_shown():
    found = decode("Dvořák Říčany".encode("cp1250"))
    assert found.encoding == "cp1252" and "'Dvoøák', 'Øíèany'" in found.warning  # the person sees it and says


# ------------------------------------------------------------------ Google's vCards

def test_a_google_vcard_keeps_every_address_number_title_and_birthday(book):
    r = imp(book, "vcard", "google-contacts.vcf")
    assert r.exit_code == 0, r.output
    assert ("Left out: CATEGORIES (Google's system groups myContacts, starred) (2 cards), NICKNAME (1 card), "
            "PHOTO (1 card), URL (a second one) (1 card), X-ABLABEL (1 card)") in r.output.splitlines()
    got = clients(book)
    priya = got["harbourlight-coffee"]
    assert (priya.contact, priya.title, str(priya.birthday)) == ("Priya Raman", "Head of Operations", "1984-07-19")
    assert (priya.email, priya.emails) == ("priya@harbourlight.example", ("priya.raman@gmail.example",))
    assert (priya.phone, priya.phones) == ("+1 206-555-0100", (
        "+1 206-555-0143 (mobile)", "+1 206-555-0177 (home)", "+1 206-555-0199 (fax)"))
    assert priya.website == "https://harbourlight.example"  # Google's 'https\\://' unescaped
    assert priya.tags == ("Wholesale",)  # not myContacts, not starred
    assert str(got["kowloon-tea-house"].birthday) == "--03-08"  # no year
    assert str(got["cafe-limmat"].birthday) == "--11-30"  # Apple's 1604 means no year
    text = (book / "clients" / "harbourlight-coffee.md").read_text()
    assert "birthday: 1984-07-19\n" in text and 'phones: ["+1 206-555-0143 (mobile)",' in text
    clean_but_unknown_zones(rd(book, "check", "--json").output)


@pytest.mark.parametrize("raw, written", [
    ("1980-04-12", "1980-04-12"), ("19800412", "1980-04-12"), ("--0412", "--04-12"), ("--04-12", "--04-12"),
    ("4/12/1980", "1980-04-12"), ("12.4.1980", "1980-04-12"), ("1980-04-12T00:00:00Z", "1980-04-12"),
    ("1604-04-12", "--04-12"), ("0/0/00", ""), ("", ""),
])
def test_birthdays_in_the_forms_exports_write(raw, written):
    assert birthday(raw, TODAY) == (written, "")


def test_a_birthday_that_is_not_one_is_left_out_with_the_reason():
    assert birthday("--02-30", TODAY) == ("", "birthday '--02-30' is not a day of the year")
    assert birthday("2030-01-01", TODAY) == ("", "birthday 2030-01-01 lies in the future")


# ------------------------------------------------------------------ the client file

def parse(front: str):
    text = f"---\nname: Acme\n{front}---\n"
    return parse_client(Text("clients/acme.md", text, text.encode()), Settings(), TODAY)


def test_a_client_file_holds_the_contacts_title_birthday_and_more_addresses_and_numbers():
    client, diags = parse("contact: Ana Ruiz\ntitle: CFO\nbirthday: --04-12\nemail: ana@acme.example\n"
                          "emails: [ana.ruiz@gmail.example]\nphone: \"+1 312 555 0142\"\n"
                          "phones: [\"+1 312 555 0199 (mobile)\"]\n")
    assert diags == []
    assert (client.title, client.birthday, client.emails, client.phones) == (
        "CFO", Birthday(4, 12), ("ana.ruiz@gmail.example",), ("+1 312 555 0199 (mobile)",))


@pytest.mark.parametrize("value, code, message", [
    ("1980-02-30", "E102", "'birthday: 1980-02-30' is not a date that exists"),
    ("--13-01", "E102", "'birthday: --13-01' is not a birthday"),
    ("April 12", "E102", "'birthday: April 12' is not a birthday"),
    ("2027-01-01", "E108", "birthday 2027-01-01 lies in the future"),
])
def test_a_birthday_that_cannot_be_is_an_error(value, code, message):
    _, diags = parse(f"birthday: {value}\n")
    assert [(d.code, d.message) for d in diags] == [(code, message)]
