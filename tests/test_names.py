"""Slugs and loose matching of what a person types to a client."""

import pytest

from rippledoc.model import Client, Source
from rippledoc.book.names import match_clients, name_key, slugify, unique_slug


def client(slug: str, name: str) -> Client:
    return Client(slug=slug, name=name, source=Source(f"clients/{slug}.md", 1))


BOOK = [client("northwind-traders", "Northwind Traders"), client("northgate-bank", "Northgate Bank"),
        client("acme", "ACME Tools, Inc."), client("muller-sohne", "Müller & Söhne GmbH")]


@pytest.mark.parametrize("name, slug", [
    ("Northwind Traders", "northwind-traders"), ("Müller & Söhne GmbH", "muller-sohne-gmbh"),
    ("  ", "client"), ("李 Trading", "trading"), ("Straße 9", "strasse-9"),
])
def test_slugs_are_ascii_safe(name, slug):
    assert slugify(name) == slug


def test_a_taken_slug_gets_a_number():
    assert unique_slug("Acme", ["acme", "acme-2"]) == "acme-3"


def test_company_suffixes_do_not_count_when_comparing_names():
    assert name_key("The Northwind Traders, Inc.") == name_key("northwind traders")


@pytest.mark.parametrize("query, slugs", [
    ("northwind-traders", ["northwind-traders"]),
    ("northwind", ["northwind-traders"]),
    ("NORTH", ["northwind-traders", "northgate-bank"]),
    ("acme tools", ["acme"]),
    ("muller", ["muller-sohne"]),
    ("Müller & Söhne", ["muller-sohne"]),
    ("a", []),
    ("no", []),
    ("zebra", []),
])
def test_loose_matching_finds_the_client_meant(query, slugs):
    assert [c.slug for c in match_clients(query, BOOK)] == slugs


SCRIPTS = [client("ivanov", "Иванов и партнёры"), client("yamada", "山田製作所"), client("papa", "Παπαδόπουλος"),
           client("acme", "ACME Tools, Inc.")]


@pytest.mark.parametrize("query, slugs", [
    ("Иванов и партнёры", ["ivanov"]),
    ("ИВАНОВ", ["ivanov"]),  # the name starts so, in any case
    ("山田製作所", ["yamada"]),
    ("山田", ["yamada"]),
    ("παπαδόπουλος", ["papa"]),
    ("ivanov", ["ivanov"]),
    ("Петров", []),  # never every non-Latin name because their ASCII keys are all empty
    ("山", []),
])
def test_names_in_other_scripts_are_matched_as_written_never_by_an_empty_key(query, slugs):
    assert [c.slug for c in match_clients(query, SCRIPTS)] == slugs
