"""rippledoc import csv: contact sheets from Outlook, Google, HubSpot, Salesforce and spreadsheets."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from rippledoc.cli.app import main
from rippledoc.exchange.csvin import delimiter_of, read_csv
from rippledoc.exchange.encoding import decode
from rippledoc.read.yamlscalar import flow_list, scalar
from conftest import load_workspace
from rippledoc.read import yamltree

from conftest import TODAY, clean_but_unknown_zones

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SETTINGS = """\
me: stan
timezone: America/New_York
team:
  stan: {name: Stan Ortiz, email: stan@ripple.example}
  priya: {name: Priya Shah}
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    return tmp_path


def rd(book: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(book), *args, "--today", TODAY.isoformat()]
                              if args[0] in ("import", "check") else ["-C", str(book), *args])


def imp(book: Path, name: str, *more: str):
    path = name if "/" in name else str(FIXTURES / name)
    return rd(book, "import", "csv", path, *more)


def snapshot(book: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((book / "clients").glob("*.md"))}


def clean_check(book: Path) -> None:
    clean_but_unknown_zones(rd(book, "check", "--json").output)


# ------------------------------------------------------------------ quoting front matter values

@pytest.mark.parametrize("text, written", [
    ("Northwind Traders", "Northwind Traders"), ("Acme, Inc.", "Acme, Inc."), ("O'Brien & Sons", "O'Brien & Sons"),
    ("Nguyễn Trading", "Nguyễn Trading"), ("李雷", "李雷"), ("NO", '"NO"'), ("yes", '"yes"'), ("0700", '"0700"'),
    ("1e3", '"1e3"'), ("~", '"~"'), ("null", '"null"'), ("2026-11-02", '"2026-11-02"'), ("1:30", '"1:30"'),
    ("a: b", '"a: b"'), ("x #y", '"x #y"'), ("#tag", '"#tag"'), ("- item", '"- item"'), ("[a]", '"[a]"'),
    ("@stan", '"@stan"'), ("*star", '"*star"'), ("&anchor", '"&anchor"'), ("!tag", '"!tag"'), ("%x", '"%x"'),
    ("'quoted'", "\"'quoted'\""), ('say "hi"', '"say \\"hi\\""'), (" padded", '" padded"'), ("", '""'),
    ("line\nbreak", '"line\\nbreak"'), ("tab\there", '"tab\\there"'), ("nel\x85", '"nel\\N"'),
    ("ls\u2028", '"ls\\L"'), ("bell\x07", '"bell\\x07"'), ("https://x.example", '"https://x.example"'),
])
def test_scalar_is_plain_only_when_yaml_reads_it_back_as_the_same_text(text, written):
    assert scalar(text) == written


def test_phones_are_always_quoted_and_lists_quote_their_items():
    assert scalar("+1 312 555 0142", always_quote=True) == '"+1 312 555 0142"'
    assert flow_list(["hosting", "a, b", "NO", "Zoë"]) == '[hosting, "a, b", "NO", Zoë]'
    assert flow_list([]) == "[]"


@given(st.text(max_size=40))
def test_any_text_reads_back_exactly_and_without_a_coercion_warning(text):
    for line in (f"k: {scalar(text)}", f"k: {flow_list([text])}"):
        node, diags = yamltree.parse(line, "t.md")
        assert diags == []
        value = node.get("k")
        if isinstance(value, yamltree.Sequence):
            value = value.items[0]
        assert value.text == text
        assert value.yaml_type() == "str"


# ------------------------------------------------------------------ reading sheets

def test_encodings_are_told_apart():
    read = lambda raw: (decode(raw).text, decode(raw).encoding)  # noqa: E731
    assert read("Zoë".encode("utf-8")) == ("Zoë", "utf-8")
    assert read(b"\xef\xbb\xbf" + "Zoë".encode()) == ("Zoë", "utf-8-sig")
    assert read("Zoë".encode("cp1252")) == ("Zoë", "cp1252")
    assert read("Zoë".encode("utf-16")) == ("Zoë", "utf-16")
    assert decode(b"\x81\x8d").problem == ("is neither UTF-8 nor Windows-1252, -1250, -1251 or -1253 (byte 0x81 at "
                                            "offset 0): say its encoding with --encoding")


def test_the_header_row_decides_the_separator():
    assert delimiter_of("name;email;phone\nAna;a@x.example;1, 2\n") == ";"
    assert delimiter_of('name,email\n"Ruiz; Ana",a@x.example\n') == ","
    assert delimiter_of("name\tcompany\nAna\tNorthwind\n") == "\t"


def test_a_sheet_without_a_name_column_is_refused_with_a_hint(book):
    r = imp(book, "excel-de.csv")
    assert r.exit_code == 2
    assert "no column gives a client's name (header: Firma, Ansprechpartner, E-Mail, Telefon, Straße)" in r.output
    assert "--map COLUMN=name" in r.output
    assert list((book / "clients").iterdir()) == []


def test_map_names_the_columns_of_a_german_excel_sheet(book):
    r = imp(book, "excel-de.csv", "--map", "Firma=name", "--map", "Ansprechpartner=contact",
            "--map", "Telefon=phone", "--map", "Straße=address")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Read ") and "as plain sheet, Windows-1252, semicolon-separated: 41 rows." in r.output
    assert r.output.splitlines()[-1] == "created 41, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    text = (book / "clients" / "muller-sohne-gmbh.md").read_text()
    assert text.startswith('---\nname: Müller & Söhne GmbH\ncontact: Jürgen Weiß\nemail: juergen@mueller.example\n'
                           'phone: "089 123456"\naddress: Königstraße 5, 80331 München\n'
                           'since:\nowner:\nlevel: base\n')  # no country anywhere: no zone, not New York's
    assert "41 new clients have no time zone: nothing in the file said where they are (see above)" in r.output
    clean_check(book)


@pytest.mark.parametrize("pair, message", [
    ("Firma", "--map 'Firma' is not COLUMN=FIELD"),
    ("Firma=company", "'company' is not a field; use one of name, contact"),
    ("Kunde=name", "no column 'Kunde' in the header (Firma, Ansprechpartner"),
])
def test_a_wrong_map_is_a_usage_error(book, pair, message):
    r = imp(book, "excel-de.csv", "--map", pair)
    assert r.exit_code == 2 and message in r.output


# ------------------------------------------------------------------ Outlook

def test_outlook_export_in_windows_1252(book):
    r = imp(book, "outlook.csv")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == f"Read {FIXTURES / 'outlook.csv'} as Outlook contacts CSV, Windows-1252, comma-separated: 252 rows."
    assert "  rejected row 62 (line 64): has 6 values but the header has 92 columns" in lines
    assert "  rejected row 252 (line 254): 'nobody(at)badmail.example' is not an email address" in lines
    assert "  rejected row 253 (line 255): no company and no name" in lines
    assert lines[-1] == "created 152, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 3"
    northwind = (book / "clients" / "northwind-traders-inc.md").read_text()
    assert northwind == (
        "---\n"
        "name: Northwind Traders, Inc.\n"
        "contact: Dr. Renée O'Brien\n"
        "title: Managing Director\n"
        "email: renee.obrien@northwind.example\n"
        'phone: "+1 (619) 555-0138"\n'
        'phones: ["+1 (619) 555-0199 (mobile)"]\n'
        "address: 1450 Camino del Sol, Suite 200, San Diego, CA 92108, United States\n"
        'website: "https://northwind.example"\n'
        "timezone: America/Los_Angeles\n"  # San Diego, CA: not the workspace's New York
        "since:\n"
        "owner:\n"  # none: 'rippledoc assign' shares new clients out
        "level: base\n"
        "grade:\n"
        "status: active\n"
        "products: []\n"
        "tags: [Key, Dental]\n"
        "sales: []\n"
        "commitments: []\n"
        "---\n"
        'Met at the expo, "loves" dashboards.\n'
        "Call after 10, her time.\n"
        "\n"
        "- **Kyle Tanaka**, Office Manager, kyle.tanaka@northwind.example, +1 (619) 555-0140\n"
        "- **Yusuf Okafor**, yusuf.okafor@northwindtraders.example, +1 (465) 555-0178\n"
        "- **Marta Chen**, Owner, marta.chen@northwindtraders.example, +1 (642) 555-0197\n"
        "- **Liam Tanaka**, liam.tanaka@northwindtraders.example, +1 (739) 555-0120\n"
        "\n"
        "## Log\n"
    )
    ws, _ = load_workspace(book, TODAY)
    sean = ws.client("sean-macleod")  # no company: the person is the client; the home address is used
    assert (sean.name, sean.contact, sean.phone, sean.address) == (
        "Seán MacLeod", "Seán MacLeod", "0113 496 0000", "12 King's Road, Leeds, LS1 4DY, United Kingdom")
    brandt = ws.client("brandt-sohne-gmbh")  # the first e-mail column is empty: the second one is used
    assert (brandt.email, brandt.phone) == ("zoe.mueller@brandt.example", "0700 1234")
    clean_check(book)


def test_a_second_import_changes_nothing(book):
    imp(book, "outlook.csv")
    before = snapshot(book)
    r = imp(book, "outlook.csv")
    assert r.output.splitlines()[-1] == "created 0, updated 0 (0 fields), unchanged 249, conflicts 0, rejected 3"
    assert snapshot(book) == before


def test_dry_run_shows_every_change_and_writes_nothing(book):
    dry = imp(book, "outlook.csv", "--dry-run")
    assert dry.exit_code == 0
    assert list((book / "clients").iterdir()) == []
    assert "  + clients/northwind-traders-inc.md  Northwind Traders, Inc. (contact: Dr. Renée O'Brien, " \
           "email: renee.obrien@northwind.example, phone: +1 (619) 555-0138)" in dry.output
    assert dry.output.splitlines()[-1] == \
        "Dry run, nothing written: created 152, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 3"
    real = imp(book, "outlook.csv")
    planned = sorted(l.split()[1] for l in dry.output.splitlines() if l.startswith("  + "))
    done = sorted(l.split()[1] for l in real.output.splitlines() if l.startswith("  created "))
    assert planned == done == sorted(f"clients/{n}" for n in snapshot(book))


# ------------------------------------------------------------------ Google, HubSpot, Salesforce, plain

def test_google_contacts(book):
    r = imp(book, "google.csv")
    assert "as Google Contacts CSV, UTF-8, comma-separated: 215 rows." in r.output
    assert "  rejected row 215 (line 639): no company and no name (only orphan@nowhere.example)" in r.output
    assert "  rejected row 216 (line 640): has 43 values but the header has 36 columns" in r.output
    ws, _ = load_workspace(book, TODAY)
    an = ws.client("nguyen-trading-co")
    assert (an.name, an.contact, an.email, an.phone, an.address, an.tags) == (
        "Nguyễn Trading Co.", "Văn An Nguyễn", "an.nguyen@nguyentrading.example", "+84 28 3822 9999",
        "12 Lê Lợi, Quận 1, Hồ Chí Minh, Vietnam", ("Clients", "Vietnam"))
    li = ws.client("bei-jing-mao-yi-you-xian-gong-si")  # a name in Chinese script, transliterated
    assert (li.name, li.contact, li.timezone) == ("北京贸易有限公司", "雷 李", "Asia/Shanghai")  # from +86 10
    assert (an.timezone, an.emails) == ("Asia/Ho_Chi_Minh", ("an@gmail.example",))  # the second of 'a ::: b'
    assert "  created clients/bei-jing-mao-yi-you-xian-gong-si.md  北京贸易有限公司" in r.output
    siobhan = ws.client("siobhan-o-neill")
    assert siobhan.notes.strip() == 'Knows everyone at the Dublin chamber, "the" connector.\nLikes to talk Fridays.'
    assert siobhan.tags == ("Friends",)  # Google's own labels (* starred) are left out
    clean_check(book)


def test_hubspot_contacts_with_a_byte_order_mark_and_owners_matched_to_the_team(book):
    r = imp(book, "hubspot-contacts.csv")
    assert "as HubSpot contacts export, UTF-8 with BOM, comma-separated: 262 rows." in r.output
    assert "  rejected row 263 (line 263): 'broken@' is not an email address" in r.output
    assert "owner 'Former Employee' is not a member of the team in rippledoc.yaml; left out" in r.output
    ws, _ = load_workspace(book, TODAY)
    lyon = ws.client("lyon-print-works")
    assert (lyon.contact, lyon.phone, lyon.address, lyon.website, lyon.owner) == (
        "Chloé Dubois", "+33 4 72 00 00 01", "3 Rue de la Paix, Lyon, 69002, France", "lyonprint.example", "stan")
    assert {c.owner for c in ws.clients} == {"stan", "priya", None}  # None: the sheet named no one
    clean_check(book)


def test_hubspot_companies_after_contacts_fill_nothing_twice_and_report_conflicts(book):
    imp(book, "hubspot-contacts.csv")
    r = imp(book, "hubspot-companies.csv")
    assert ("  conflict row 2 (line 2): clients/lyon-print-works.md: phone is '+33 4 72 00 00 01' in the file, "
            "'+33 4 72 00 00 00' in the import; kept the file's") in r.output
    assert "+33 4 72 00 00 01" in (book / "clients" / "lyon-print-works.md").read_text()
    before = snapshot(book)
    again = imp(book, "hubspot-companies.csv")
    assert snapshot(book) == before
    assert again.output.splitlines()[-1].startswith("created 0, updated 0 (0 fields), unchanged ")
    clean_check(book)


def test_salesforce_reports(book):
    r = imp(book, "salesforce-contacts.csv")
    assert "as Salesforce contacts report, UTF-8, comma-separated: 267 rows." in r.output
    r = imp(book, "salesforce-accounts.csv")
    assert "as Salesforce accounts report, UTF-8, comma-separated: 121 rows." in r.output
    ws, _ = load_workspace(book, TODAY)
    granite = ws.client("granite-peak-engineering")
    assert (granite.contact, granite.email, granite.phone, granite.address, granite.owner) == (
        "Ms. Ingrid Lindqvist", "ingrid@granitepeak.example", "(416) 555-0110",
        "88 Dock Lane, Unit 4, Toronto, ON M5V 2T6, Canada", "priya")
    assert granite.notes.strip() == 'Budget owner; renewal in March, "no surprises".'
    clean_check(book)


def test_plain_semicolon_sheet(book):
    r = imp(book, "plain-semicolon.csv")
    assert "as plain sheet, UTF-8, semicolon-separated: 224 rows." in r.output
    assert "Columns: Name -> contact; Email -> email; Phone -> phone; Company -> name" in r.output
    assert "  rejected row 225 (line 225): no company and no name" in r.output
    text = (book / "clients" / "fjord-fisk-sonner-as.md").read_text()
    assert 'name: "Fjord; Fisk & Sønner AS"\n' not in text and "name: Fjord; Fisk & Sønner AS\n" in text
    anatolia = (book / "clients" / "anatolia-1e3.md").read_text()
    assert 'phone: "02134"\n' in anatolia  # YAML 1.1 would read 02134 as the number 1116
    lea = load_workspace(book, TODAY)[0].client("lea-moreau")
    assert (lea.name, lea.contact, lea.email) == ("Léa Moreau", "Léa Moreau", "LEA@moreau-avocats.example")
    clean_check(book)


def test_a_plain_sheet_reads_columns_named_with_a_place_word(book):
    """'Business Phone', 'Work City', 'Mobile': a sheet someone made by hand, not a known export."""
    (book / "made.csv").write_text("Name,E-mail Address,Business Phone,Business City,Home City,Mobile,Favourite Colour\n"
                                   "Санкт Торг,b@s.example,+7 812 123 45 67,Санкт-Петербург,Пушкин,+7 921 000 00 00,red\n",
                                   encoding="utf-8")
    r = rd(book, "import", "csv", str(book / "made.csv"))
    assert ("Columns: Name -> contact; E-mail Address -> email; Business Phone -> phone; Business City -> addr.city; "
            "Mobile -> phone") in r.output
    assert "Left out: Home City (1 row), Favourite Colour (1 row)" in r.output
    assert "zone Europe/Moscow from the phone +7 812 123-45-67" in r.output  # the zone comes from the phone
    client = load_workspace(book, TODAY)[0].client("sankt-torg")
    assert client is not None and client.phone == "+7 812 123 45 67" and client.timezone == "Europe/Moscow"


# ------------------------------------------------------------------ merging into an existing book

ACME = (
    "---\r\n"
    "name: Acme Corp   # since the 2019 fair\r\n"
    "contact: Ana Ruiz\r\n"
    "email: ana@acme.example\r\n"
    "phone:\r\n"
    "timezone: America/Chicago\r\n"
    "level: key\r\n"
    "tags: [manufacturing]\r\n"
    "---\r\n"
    "Ana prefers calls on Tuesdays.\r\n"
    "\r\n"
    "## Log\r\n"
    "- 2026-11-02 call reached by stan: all good.\r\n"
)


def test_an_existing_client_only_gets_its_empty_fields_losslessly(book):
    (book / "clients" / "acme.md").write_bytes(ACME.encode())
    sheet = book / "in.csv"
    sheet.write_text("name,email,phone,company,website,level\n"
                     "Ana Ruiz,ANA@acme.example,+1 312 555 0142,Acme,https://acme.example,base\n"
                     "Bo Li,bo@acme.example,+1 312 555 0199,The Acme Corporation,,\n"
                     "Cy Doe,cy@beta.example,0700,Beta LLC,,\n")
    r = imp(book, str(sheet))
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert "  filled clients/acme.md: phone: +1 312 555 0142  [row 2 (line 2)]" in out
    assert "  filled clients/acme.md: website: https://acme.example  [row 2 (line 2)]" in out
    assert ("  conflict row 2 (line 2): clients/acme.md: level is 'key' in the file, 'base' in the import; "
            "kept the file's") in out
    assert out[-1] == "created 2, updated 1 (2 fields), unchanged 0, conflicts 1, rejected 0"
    # only the empty phone line changed and one website line was added; CRLF, comments and the log kept
    assert (book / "clients" / "acme.md").read_bytes().decode() == ACME.replace(
        "phone:\r\n", 'phone: "+1 312 555 0142"\r\n').replace(
        "tags: [manufacturing]\r\n", 'tags: [manufacturing]\r\nwebsite: "https://acme.example"\r\n')
    # 'The Acme Corporation' is not 'Acme Corp': a client of its own
    assert sorted(snapshot(book)) == ["acme.md", "beta-llc.md", "the-acme-corporation.md"]
    before = snapshot(book)
    again = imp(book, str(sheet))
    assert again.output.splitlines()[-1] == "created 0, updated 0 (0 fields), unchanged 3, conflicts 1, rejected 0"
    assert snapshot(book) == before
    clean_check(book)


def test_matching_by_email_wins_over_the_company_name(book):
    (book / "clients" / "acme.md").write_bytes(ACME.encode())
    sheet = book / "in.csv"
    sheet.write_text("name,email,company\nAna Ruiz,ana@acme.example,Acme Holdings (new name)\n")
    r = imp(book, str(sheet))
    assert r.output.splitlines()[-1] == "created 0, updated 0 (0 fields), unchanged 1, conflicts 0, rejected 0"


def test_another_person_at_a_known_client_is_reported_not_written(book):
    (book / "clients" / "acme.md").write_bytes(ACME.encode())
    sheet = book / "in.csv"
    sheet.write_text("name,email,company\nKyle Tanaka,kyle@acme.example,ACME corp.\n")
    r = imp(book, str(sheet))
    assert ("  note row 2 (line 2): Kyle Tanaka is another person at Acme Corp (clients/acme.md); not added to an "
            "existing file: add them to its notes if you want") in r.output
    assert (book / "clients" / "acme.md").read_bytes() == ACME.encode()


def test_new_files_never_collide(book):
    (book / "clients" / "acme.md").write_text("---\nname: Something Else Entirely\n---\n")
    sheet = book / "in.csv"
    sheet.write_text("company,phone\nAcme,1\n李氏贸易,2\n王氏贸易,3\n!!!,4\n???,5\n")
    r = imp(book, str(sheet))
    assert r.output.splitlines()[-1] == "created 5, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    assert sorted(snapshot(book)) == ["acme-2.md", "acme.md", "client-2.md", "client.md", "li-shi-mao-yi.md",
                                      "wang-shi-mao-yi.md"]  # names without a letter share no file either
    assert (book / "clients" / "acme.md").read_text() == "---\nname: Something Else Entirely\n---\n"


def test_bad_values_reject_the_row_and_the_good_rows_import(book):
    sheet = book / "in.csv"
    sheet.write_text('company,email,since,level,timezone\n'
                     'Good One,good@x.example,2019-03-01,key,Europe/Dublin\n'
                     'Future,f@x.example,2027-01-01,,\n'
                     'Typo,t@x.example,,gold,\n'
                     'Zone,z@x.example,,,Mars/Olympus\n'
                     '"Multi\nLine Co",m@x.example,3/15/2018,,\n'
                     '\n'
                     ',,,,\n')
    r = imp(book, str(sheet))
    out = r.output.splitlines()
    assert "  rejected row 3 (line 3): since 2027-01-01 lies in the future" in out
    assert "  rejected row 4 (line 4): level 'gold' is not one of base, key, for-life" in out
    assert "  rejected row 5 (line 5): unknown time zone 'Mars/Olympus'" in out
    assert out[-1] == "created 2, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 3"
    ws, _ = load_workspace(book, TODAY)
    good, multi = ws.client("good-one"), ws.client("multi-line-co")
    assert (good.since.isoformat(), good.level, good.timezone) == ("2019-03-01", "key", "Europe/Dublin")
    assert (multi.name, multi.since.isoformat()) == ("Multi Line Co", "2018-03-15")
    clean_check(book)


def test_a_workspace_with_a_broken_client_file_is_not_imported_into(book):
    (book / "clients" / "broken.md").write_text("---\nname: [unclosed\n---\n")
    r = imp(book, "plain-semicolon.csv")
    assert r.exit_code == 1
    assert "1 client file has errors (clients/broken.md)" in r.output
    assert sorted(snapshot(book)) == ["broken.md"]


def test_json_summary(book):
    import json
    r = imp(book, "plain-semicolon.csv", "--dry-run", "--json")
    data = json.loads(r.output)
    assert data["dry_run"] is True and data["format"] == "plain sheet, UTF-8, semicolon-separated"
    assert data["mapping"][0] == {"column": "Name", "field": "contact"}
    assert len(data["created"]) == 223 and data["rejected"] == [{"from": "row 225 (line 225)",
                                                                   "reason": "no company and no name"}]


def test_read_csv_is_a_pure_function_of_the_bytes():
    parsed, problem = read_csv("Company;E-Mail\nAcme;a@acme.example\n".encode("cp1252"), today=TODAY)
    assert problem == "" and parsed.fmt == "plain sheet, UTF-8, semicolon-separated"
    assert [(r.name, r.values) for r in parsed.records] == [("Acme", {"email": "a@acme.example"})]
    assert read_csv(b"", today=TODAY)[1] == "the file is empty"
    assert read_csv(b"BEGIN:VCARD\r\nFN:x\r\n", today=TODAY)[1] == "this is a vCard file: import it with 'rippledoc import vcard'"
    assert read_csv(b"a,b\x00c\n", today=TODAY)[1].startswith("the file contains NUL bytes")


def test_excel_sep_line_and_utf16_are_understood():
    parsed, _ = read_csv(b"sep=;\r\nname;email;company\r\nAna Ruiz;ana@x.example;Northwind, Inc.\r\n", today=TODAY)
    assert parsed.fmt == "plain sheet, UTF-8, semicolon-separated"
    assert [(r.where, r.name, r.get("contact")) for r in parsed.records] == [
        ("row 2 (line 3)", "Northwind, Inc.", "Ana Ruiz")]
    parsed, _ = read_csv("company\tphone\nZoë Café\t0700 1\n".encode("utf-16"), today=TODAY)
    assert parsed.fmt == "plain sheet, UTF-16, tab-separated"
    assert [(r.name, r.get("phone")) for r in parsed.records] == [("Zoë Café", "0700 1")]


@given(st.binary(max_size=400) | st.text(alphabet=',;"\n\r\tabc@.é李 \x00', max_size=200).map(str.encode))
def test_no_input_makes_the_reader_raise(raw):
    parsed, problem = read_csv(raw, today=TODAY)
    assert (parsed is None) == bool(problem)


def test_a_file_changed_after_planning_is_not_written(book):
    from rippledoc.exchange.apply import prepare, write
    from rippledoc.exchange.reconcile import plan
    (book / "clients" / "acme.md").write_text("---\nname: Acme\nphone:\n---\n")
    parsed, _ = read_csv(b"company,phone\nAcme,+1 555 0100\n", today=TODAY)
    ws, _ = load_workspace(book, TODAY)
    p = plan(parsed.records, ws, set(), today=TODAY)
    assert p.updated[0].fills == {"phone": "+1 555 0100"}
    (book / "clients" / "acme.md").write_text("---\nname: Acme\nphone:\nemail: typed meanwhile\n---\n")
    created, errors = write(book, prepare(p, ws.settings, TODAY), p, TODAY)
    assert len(errors) == 1 and errors[0].startswith("clients/acme.md: phone not set: clients/acme.md changed on disk")
    assert created == [] and p.updated == []  # nothing reported as filled
    assert (book / "clients" / "acme.md").read_text() == "---\nname: Acme\nphone:\nemail: typed meanwhile\n---\n"


def test_control_characters_are_dropped_so_every_file_stays_readable(book):
    sheet = book / "in.csv"
    sheet.write_bytes(b'company,phone,notes\r\n"Del\x7f Co","+1\x0b555","line one\x07\r\nline\x1b two"\r\n')
    r = imp(book, str(sheet))
    assert r.output.splitlines()[-1] == "created 1, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    assert (book / "clients" / "del-co.md").read_text() == (
        '---\nname: Del Co\ncontact:\nemail:\nphone: "+1555"\nsince:\nowner:\n'
        "level: base\ngrade:\nstatus: active\nproducts: []\ntags: []\nsales: []\ncommitments: []\n---\n"
        "line one\nline two\n\n## Log\n")
    clean_check(book)


def test_a_field_written_as_a_quoted_empty_text_is_filled(book):
    """The file `rippledoc new` writes has `phone: ""`: the import fills it and says so truly."""
    (book / "clients" / "acme.md").write_text('---\nname: Acme\ncontact: Ana Ruiz\nphone: ""\n---\nNotes.\n')
    sheet = book / "in.csv"
    sheet.write_text("name,phone,company\nAna Ruiz,+1 312 555 0142,Acme\n")
    r = imp(book, str(sheet))
    assert r.exit_code == 0, r.output
    assert "  filled clients/acme.md: phone: +1 312 555 0142  [row 2 (line 2)]" in r.output.splitlines()
    assert ("  filled clients/acme.md: timezone: America/Chicago (from the phone +1 312-555-0142)  [row 2 (line 2)]"
            in r.output.splitlines())  # a file without a zone gets the one its new phone gives
    assert (book / "clients" / "acme.md").read_text() == (
        '---\nname: Acme\ncontact: Ana Ruiz\nphone: "+1 312 555 0142"\ntimezone: America/Chicago\n---\nNotes.\n')


def test_a_fill_the_file_already_has_is_not_reported_as_filled(book):
    from rippledoc.exchange.apply import write
    from rippledoc.exchange.reconcile import Plan, Target
    path = book / "clients" / "acme.md"
    path.write_text("---\nname: Acme\nphone: \"+1 000\"\n---\n")
    from rippledoc.edit.atomic import digest
    t = Target("Acme", "acme", {}, False, "clients/acme.md", digest(path.read_bytes()),
               fills={"phone": "+1 312 555 0142"})
    p = Plan([t], [], [], [], [])
    assert write(book, [], p, TODAY) == ([], [])
    assert p.updated == [] and p.notices == ["clients/acme.md: phone is already '+1 000'; left as it is"]
    assert path.read_text() == "---\nname: Acme\nphone: \"+1 000\"\n---\n"
