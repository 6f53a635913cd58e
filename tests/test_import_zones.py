"""Each imported client gets the time zone its phone and address give, or none: never the workspace's by default."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from conftest import load_workspace
from rippledoc.exchange.zones import guess_zone, read_address, same_clock, zone_country

from conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SETTINGS = "me: stan\ntimezone: Europe/Berlin\nteam:\n  stan: {name: Stan Ortiz}\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    return tmp_path


def rd(book: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(book), *args, "--today", TODAY.isoformat()])


def zone_lines(book: Path) -> dict[str, str]:
    """Each client file's own timezone line, as written."""
    out = {}
    for p in sorted((book / "clients").glob("*.md")):
        line = next((l for l in p.read_text("utf-8").splitlines() if l.startswith("timezone:")), "")
        out[p.stem] = line.removeprefix("timezone:").strip()
    return out


def test_a_seattle_office_a_hong_kong_shop_and_a_zurich_cafe_keep_their_own_zones(book):
    r = rd(book, "import", "csv", str(FIXTURES / "zones.csv"))
    assert r.exit_code == 0, r.output
    assert zone_lines(book) == {
        "harbourlight-coffee": "America/Los_Angeles", "kowloon-tea-house": "Asia/Hong_Kong",
        "cafe-limmat": "Europe/Zurich",  # a number without country code, read in the address's country
        "lone-star-freight": "America/Chicago",  # a toll-free number, but Houston is in Texas's Central time
        "prairie-seeds": "",  # the United States, nothing more: no zone
        "nowhere-ltd": "",
        "harbour-bridge-print": "Australia/Sydney", "maple-desk": "America/Toronto", "volga-trade": "Europe/Moscow",
        "taiga-logistics": "",  # Russia has eleven
        "spree-bikes": "Europe/Berlin",  # 030: a Berlin number, read in the workspace's country, and said so
    }
    out = r.output.splitlines()
    assert "      zone Asia/Hong_Kong from the address (Hong Kong) and the phone +852 2345 6789" in out
    assert ("      no time zone: the address (United States) allows 8 time zones, and the phone +1 855-555-0102 "
            "does not narrow it down: write its timezone: when you know it") in out
    assert "      no time zone: there is no phone number, and there is no address: write its timezone: when you know it" in out
    assert ("      zone Europe/Berlin from the phone +49 30 1234567 (no country code: taken as a number in Germany)"
            in out)
    assert "3 new clients have no time zone: nothing in the file said where they are (see above)" in out
    check = rd(book, "check")  # and check says so too, client by client, until someone writes it
    assert sorted(l.split(":")[0] for l in check.output.splitlines() if "warning[W104]" in l) == [
        "clients/nowhere-ltd.md", "clients/prairie-seeds.md", "clients/taiga-logistics.md"]


def test_a_zone_written_in_the_sheet_is_kept_even_the_workspaces(book):
    sheet = book / "in.csv"
    sheet.write_text("company,phone,timezone\nAcme,+1 206 555 0143,Europe/Berlin\nBeta,,Europe/Berlin\n")
    assert rd(book, "import", "csv", str(sheet)).exit_code == 0
    assert zone_lines(book) == {"acme": "Europe/Berlin", "beta": "Europe/Berlin"}


def test_a_client_without_a_zone_keeps_its_hours(book):
    sheet = book / "in.csv"
    sheet.write_text("company,hours\nAcme,08:00-12:00\n")
    assert rd(book, "import", "csv", str(sheet)).exit_code == 0
    text = (book / "clients" / "acme.md").read_text()
    assert 'phone: ""\nhours: "08:00-12:00"\nsince:\n' in text and "timezone" not in text


def test_a_known_client_without_a_zone_gets_one_and_a_zone_the_import_contradicts_is_noted(book):
    (book / "clients" / "acme.md").write_text("---\nname: Acme\n---\n")
    (book / "clients" / "beta.md").write_text("---\nname: Beta\ntimezone: Europe/Berlin\n---\n")
    sheet = book / "in.csv"
    sheet.write_text("company,phone\nAcme,+852 2345 6789\nBeta,+1 206 555 0143\n")
    r = rd(book, "import", "csv", str(sheet))
    assert ("  filled clients/acme.md: timezone: Asia/Hong_Kong (from the phone +852 2345 6789)  [row 2 (line 2)]"
            in r.output.splitlines())
    assert ("  note clients/beta.md has timezone Europe/Berlin, but the phone +1 206-555-0143 says "
            "America/Los_Angeles: check which is right") in r.output.splitlines()
    assert zone_lines(book) == {"acme": "Asia/Hong_Kong", "beta": "Europe/Berlin"}  # the file's own zone stays


def test_a_vcard_gives_zones_too(book):
    r = rd(book, "import", "vcard", str(FIXTURES / "google-contacts.vcf"))
    assert r.exit_code == 0, r.output
    assert zone_lines(book) == {"harbourlight-coffee": "America/Los_Angeles", "kowloon-tea-house": "Asia/Hong_Kong",
                                "cafe-limmat": "Europe/Zurich"}


@pytest.mark.parametrize("phones, address, zone", [
    (["+1 206 555 0100"], "", "America/Los_Angeles"),
    (["+852 2345 6789"], "", "Asia/Hong_Kong"),
    (["+41 44 123 45 67"], "", "Europe/Zurich"),
    (["0041 44 123 45 67"], "", "Europe/Zurich"),
    ([], "Bahnhofstrasse 1, 8001 Zürich, Schweiz", "Europe/Zurich"),
    (["(206) 555-0100"], "1 Pike St, Seattle, WA 98101", "America/Los_Angeles"),  # the state says the country
    (["+1 855 555 0101"], "1 Main St, Austin, TX 78701, United States", "America/Chicago"),
    (["+1 855 555 0101"], "El Paso, Texas, USA", "America/Denver"),
    ([], "Portland, OR 97201, USA", "America/Los_Angeles"),
    ([], "Portland, ME 04101, USA", "America/New_York"),
    ([], "ул. Тверская 1, Москва, Россия", "Europe/Moscow"),
    ([], "Łódź, Polska", "Europe/Warsaw"),
    ([], "Αθήνα, Ελλάδα", "Europe/Athens"),
    ([], "東京都, 日本", "Asia/Tokyo"),
    ([], "القاهرة، مصر", "Africa/Cairo"),
    ([], "Oslo, Norge", "Europe/Oslo"),
    (["+44 7700 900123"], "", "Europe/London"),  # not a valid number, but its country has one clock
    (["+1 416 555 0110"], "Toronto, ON M5V 2T6, Canada", "America/Toronto"),
    (["+44 20 7946 0000"], "Toronto, ON M5V 2T6, Canada", "America/Toronto"),  # the address is where they are
    (["+7 495 123 4567"], "", "Europe/Moscow"),
])
def test_a_zone_comes_from_the_phone_and_the_address(phones, address, zone):
    assert guess_zone(phones, address, "US", TODAY).zone == zone


@pytest.mark.parametrize("phones, address, why", [
    ([], "", "no time zone: there is no phone number, and there is no address"),
    (["0478 12 34 56"], "", "no time zone: the phone number does not say where it is, and there is no address"),
    ([], "Seattle, USA", "no time zone: the address (United States) allows 8 time zones and nothing narrows it down"),
    ([], "Portland, USA", "no time zone: the address (United States) allows 8 time zones and nothing narrows it down"),
    ([], "Toronto, Canada, , Россия", "no time zone: the address (Russia) allows 11 time zones and nothing narrows it down"),
    (["+7 999 123 4567"], "", "no time zone: the phone +7 999 123-45-67 allows 11 time zones and nothing narrows it down"),
    (["+1 855 555 0101"], "", "no time zone: the phone +1 855-555-0101 allows N time zones and nothing narrows "
                              "it down"),  # toll-free: anywhere in North America (how many: phonenumbers' data)
])
def test_without_a_clear_answer_there_is_no_zone_and_the_reason_says_why(phones, address, why):
    guess = guess_zone(phones, address, "US", TODAY)
    assert guess.zone == ""
    assert re.fullmatch(re.escape(why).replace("N", r"\d+"), guess.why), guess.why


def test_a_number_without_a_country_code_is_read_in_the_workspaces_country_only_when_it_is_one():
    assert guess_zone(["030 1234567"], "", "DE", TODAY).zone == "Europe/Berlin"
    assert guess_zone(["030 1234567"], "", "", TODAY).zone == ""  # a workspace in UTC has no country
    assert guess_zone(["0700 1234"], "", "DE", TODAY).zone == ""  # not a number of Germany's


def test_zones_that_keep_one_clock_are_one():
    assert same_clock("Europe/London", "Europe/Jersey", TODAY)
    assert not same_clock("Europe/London", "Europe/Dublin", TODAY) or same_clock("Europe/Dublin", "Europe/London", TODAY)
    assert not same_clock("America/Phoenix", "America/Denver", TODAY)  # Arizona keeps no summer time
    assert zone_country("Europe/Berlin") == "DE" and zone_country("UTC") == ""
    assert read_address("Hauptstr. 1, 80331 München, BY, Germany").country == "DE"


def test_georgia_without_a_country_is_not_taken_for_the_country():
    assert guess_zone([], "Atlanta, Georgia", "", TODAY).zone == ""  # the US state, or the country: nobody says
    assert guess_zone([], "Atlanta, GA 30301", "", TODAY).zone == "America/New_York"
    assert guess_zone([], "Тбилиси, Грузия", "", TODAY).zone == "Asia/Tbilisi"  # in another language, it is one


def write_country_table() -> None:
    """Write rippledoc/defaults/countries.tsv from the installed phonenumbers' geocoding data."""
    import phonenumbers
    from phonenumbers.geodata.locale import LOCALE_DATA
    rows = [f"# Country names in many languages, from the geocoding data of phonenumbers {phonenumbers.__version__}"
            " (libphonenumber, Apache License 2.0).",
            "# ISO code, then its names, the English one first. Regenerate: python tests/test_import_zones.py"]
    for code in sorted(LOCALE_DATA):
        data = LOCALE_DATA[code]
        names: list[str] = []
        for value in [data.get("aa", ""), data.get("en", ""), *data.values()]:
            if not value or value.startswith("*"):
                continue
            for v in (value, value.split(",")[0].strip()):
                if v and v not in names:
                    names.append(v)
        rows.append("\t".join([code, *names]))
    path = Path(__file__).resolve().parent.parent / "rippledoc" / "defaults" / "countries.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_country_table()
