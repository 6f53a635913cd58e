"""The contact exports rippledoc recognises by their header row, and what each column becomes.

A target is a client field (``name``, ``contact``, ``email``, ``phone``,
``address``, ``website``, ``tags``, ``notes``, …) or a part that is composed
into one: ``contact.first``/``.middle``/``.last``/``.prefix``/``.suffix``,
``addr.street``/``.city``/``.region``/``.postcode``/``.country`` (the work
address) and ``home.*`` (used only when the work address is empty).
When several columns feed one field, the first non-empty one in the order
listed here wins, except e-mail addresses and phone numbers: the first is
the main one, and every other goes into ``emails`` or ``phones``.
"""
from __future__ import annotations

from dataclasses import dataclass

from rippledoc.exchange.record import FIELDS

PARTS = ("contact.prefix", "contact.first", "contact.middle", "contact.last", "contact.suffix",
         *(f"{g}.{p}" for g in ("addr", "home") for p in ("street", "pobox", "city", "region", "postcode", "country")))
TARGETS = FIELDS + PARTS + ("ignore",)


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    label: str
    signature: tuple[str, ...]  # headers that must all be present
    columns: tuple[tuple[str, str], ...]  # (header, target), in priority order
    quiet: tuple[str, ...] = ()  # columns that only describe another one (an e-mail's type): never "left out"
    blanks: tuple[str, ...] = ()  # values the exporter writes for "not set" ('0/0/00')


def _cols(text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for line in text.strip().splitlines():
        header, target = line.rsplit("=", 1)
        out.append((header.strip(), target.strip()))
    return tuple(out)


OUTLOOK = Profile("outlook", "Outlook contacts CSV", ("First Name", "Last Name", "E-mail Address", "Business Phone"), _cols("""
    Company = name
    Title = contact.prefix
    First Name = contact.first
    Middle Name = contact.middle
    Last Name = contact.last
    Suffix = contact.suffix
    Job Title = title
    E-mail Address = email
    E-mail 2 Address = email
    E-mail 3 Address = email
    Business Phone = phone
    Company Main Phone = phone
    Primary Phone = phone
    Mobile Phone = phone
    Business Phone 2 = phone
    Home Phone = phone
    Other Phone = phone
    Business Street = addr.street
    Business Street 2 = addr.street
    Business Street 3 = addr.street
    Business Address PO Box = addr.pobox
    Business City = addr.city
    Business State = addr.region
    Business Postal Code = addr.postcode
    Business Country/Region = addr.country
    Business Country = addr.country
    Home Street = home.street
    Home Street 2 = home.street
    Home Street 3 = home.street
    Home Address PO Box = home.pobox
    Home City = home.city
    Home State = home.region
    Home Postal Code = home.postcode
    Home Country/Region = home.country
    Home Country = home.country
    Web Page = website
    Categories = tags
    Birthday = birthday
    Notes = notes
"""), quiet=("E-mail Type", "E-mail Display Name", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Type",
             "E-mail 3 Display Name"),
    blanks=("0/0/00", "0.0.00", "00/00/0000", "Unspecified", "Normal", "False"))

GOOGLE = Profile("google", "Google Contacts CSV", ("First Name", "Last Name", "Organization Name", "E-mail 1 - Value"), _cols("""
    Organization Name = name
    Name Prefix = contact.prefix
    First Name = contact.first
    Middle Name = contact.middle
    Last Name = contact.last
    Name Suffix = contact.suffix
    Organization Title = title
    E-mail 1 - Value = email
    E-mail 2 - Value = email
    E-mail 3 - Value = email
    Phone 1 - Value = phone
    Phone 2 - Value = phone
    Phone 3 - Value = phone
    Address 1 - Formatted = address
    Address 1 - Street = addr.street
    Address 1 - Extended Address = addr.street
    Address 1 - PO Box = addr.pobox
    Address 1 - City = addr.city
    Address 1 - Region = addr.region
    Address 1 - Postal Code = addr.postcode
    Address 1 - Country = addr.country
    Website 1 - Value = website
    Labels = tags
    Birthday = birthday
    Notes = notes
"""))

# The older Google export ("Google CSV" before 2023): one Name column, Organization 1 - …
GOOGLE_OLD = Profile("google-old", "Google Contacts CSV (older export)", ("Given Name", "Family Name", "E-mail 1 - Value"), _cols("""
    Organization 1 - Name = name
    Name = contact
    Name Prefix = contact.prefix
    Given Name = contact.first
    Additional Name = contact.middle
    Family Name = contact.last
    Name Suffix = contact.suffix
    Organization 1 - Title = title
    E-mail 1 - Value = email
    E-mail 2 - Value = email
    Phone 1 - Value = phone
    Phone 2 - Value = phone
    Address 1 - Formatted = address
    Address 1 - Street = addr.street
    Address 1 - PO Box = addr.pobox
    Address 1 - City = addr.city
    Address 1 - Region = addr.region
    Address 1 - Postal Code = addr.postcode
    Address 1 - Country = addr.country
    Website 1 - Value = website
    Group Membership = tags
    Birthday = birthday
    Notes = notes
"""))

HUBSPOT_CONTACTS = Profile("hubspot-contacts", "HubSpot contacts export", ("Record ID", "First Name", "Last Name", "Email"), _cols("""
    Company Name = name
    Associated Company = name
    First Name = contact.first
    Last Name = contact.last
    Job Title = title
    Email = email
    Phone Number = phone
    Mobile Phone Number = phone
    Street Address = addr.street
    City = addr.city
    State/Region = addr.region
    Postal Code = addr.postcode
    Country/Region = addr.country
    Website URL = website
    Contact owner = owner
"""))

HUBSPOT_COMPANIES = Profile("hubspot-companies", "HubSpot companies export", ("Record ID", "Company name"), _cols("""
    Company name = name
    Phone Number = phone
    Street Address = addr.street
    Street Address 2 = addr.street
    City = addr.city
    State/Region = addr.region
    Postal Code = addr.postcode
    Country/Region = addr.country
    Website URL = website
    Company Domain Name = website
    Industry = tags
    Company owner = owner
    Description = notes
"""))

SALESFORCE_CONTACTS = Profile("salesforce-contacts", "Salesforce contacts report", ("First Name", "Last Name", "Account Name"), _cols("""
    Account Name = name
    Salutation = contact.prefix
    First Name = contact.first
    Last Name = contact.last
    Title = title
    Email = email
    Phone = phone
    Mobile = phone
    Mailing Street = addr.street
    Mailing City = addr.city
    Mailing State/Province = addr.region
    Mailing Zip/Postal Code = addr.postcode
    Mailing Country = addr.country
    Contact Owner = owner
    Description = notes
"""))

SALESFORCE_ACCOUNTS = Profile("salesforce-accounts", "Salesforce accounts report", ("Account Name", "Billing City"), _cols("""
    Account Name = name
    Phone = phone
    Billing Street = addr.street
    Billing City = addr.city
    Billing State/Province = addr.region
    Billing Zip/Postal Code = addr.postcode
    Billing Country = addr.country
    Website = website
    Industry = tags
    Account Owner = owner
    Description = notes
"""))

PROFILES = (OUTLOOK, GOOGLE, GOOGLE_OLD, HUBSPOT_CONTACTS, HUBSPOT_COMPANIES, SALESFORCE_CONTACTS, SALESFORCE_ACCOUNTS)

# A plain sheet: any header that names a field, in a few common spellings.
PLAIN_SYNONYMS = {
    "company": "name", "company name": "name", "organization": "name", "organisation": "name",
    "organization name": "name", "account": "name", "account name": "name", "client": "name", "business": "name",
    "contact": "contact", "contact name": "contact", "full name": "contact", "person": "contact",
    "first name": "contact.first", "first": "contact.first", "given name": "contact.first",
    "last name": "contact.last", "last": "contact.last", "surname": "contact.last", "family name": "contact.last",
    "title": "title", "job title": "title", "position": "title", "role": "title",
    "email": "email", "e-mail": "email", "email address": "email", "e-mail address": "email", "mail": "email",
    "phone": "phone", "telephone": "phone", "tel": "phone", "phone number": "phone", "mobile": "phone",
    "address": "address", "street": "addr.street", "city": "addr.city", "town": "addr.city",
    "state": "addr.region", "region": "addr.region", "zip": "addr.postcode", "postcode": "addr.postcode",
    "postal code": "addr.postcode", "zip code": "addr.postcode", "country": "addr.country",
    "website": "website", "web": "website", "url": "website", "web page": "website",
    "timezone": "timezone", "time zone": "timezone", "hours": "hours", "since": "since",
    "client since": "since", "customer since": "since", "owner": "owner", "level": "level", "grade": "grade",
    "status": "status", "cadence": "cadence", "snooze": "snooze", "products": "products", "tags": "tags",
    "birthday": "birthday", "bday": "birthday", "birth date": "birthday", "date of birth": "birthday",
    "dob": "birthday", "emails": "emails", "other emails": "emails", "phones": "phones", "other phones": "phones",
    "labels": "tags", "categories": "tags", "notes": "notes", "note": "notes", "comments": "notes",
}


_PLACE_WORDS = ("business", "work", "office", "company", "home", "mobile", "cell", "billing", "mailing", "main",
                "primary", "other", "private", "personal")


def plain_target(key: str) -> str:
    """A plain sheet's column: a synonym, or one with a place word before it ('Business Phone' -> phone,
    'Work City' -> addr.city, 'Mobile' -> phone); 'ignore' for the rest, a home address too (a client's
    address is where they work)."""
    if key in PLAIN_SYNONYMS:
        return PLAIN_SYNONYMS[key]
    first, _, rest = key.partition(" ")
    target = PLAIN_SYNONYMS.get(rest, "ignore") if first in _PLACE_WORDS else "ignore"
    if target == "phone" or (target == "ignore" and first in ("mobile", "cell") and rest in ("", "number")):
        return "phone"
    if target.startswith("addr.") and first in ("home", "private", "personal"):
        return "ignore"
    return target if target.startswith(("addr.", "email")) else "ignore"


def header_key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


_PHONE_LABELS = (("mobile", "mobile"), ("cell", "mobile"), ("fax", "fax"), ("pager", "pager"), ("car", "car"),
                 ("home", "home"), ("assistant's", "assistant"), ("other", "other"), ("main", "main"),
                 ("business", "work"), ("work", "work"))


def phone_label(header: str) -> str:
    """What a phone column says its numbers are: 'Mobile Phone' -> mobile, 'Home Phone' -> home; '' for none."""
    words = header_key(header).split()
    return next((label for word, label in _PHONE_LABELS if word in words), "")


def profile_of(headers: list[str]) -> Profile | None:
    """The export the header row is recognised as; None for a plain sheet."""
    keys = [header_key(h) for h in headers]
    present = set(keys)
    best: tuple[int, Profile] | None = None
    for p in PROFILES:
        if all(header_key(s) in present for s in p.signature):
            score = sum(header_key(h) in present for h, _ in p.columns)
            if best is None or score > best[0]:
                best = (score, p)
    return best[1] if best else None


def detect(headers: list[str]) -> tuple[str, list[tuple[str, int]]]:
    """``(label, (target, rank) of each column)``: 'ignore' for a column no field takes; lower rank wins."""
    keys = [header_key(h) for h in headers]
    profile = profile_of(headers)
    if profile is not None:
        table = {header_key(h): (t, rank) for rank, (h, t) in enumerate(profile.columns)}
        return profile.label, [table.get(k, ("ignore", 0)) for k in keys]
    targets = [plain_target(k) for k in keys]
    # "name": the client when a contact column says who the person is (rippledoc's own sheet);
    # otherwise the person ("name,email,phone,company"), and a row without a company is a client of its own.
    name_is = "name" if "contact" in targets else "contact"
    targets = [name_is if k == "name" else t for k, t in zip(keys, targets)]
    return "plain sheet", [(t, i) for i, t in enumerate(targets)]
