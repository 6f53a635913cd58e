"""Slugs and loose matching of what a person types to a client, in every script."""

import pytest

from rippledoc.model import Client, Source
from rippledoc.book.names import match_clients, name_key, near_names, same_key, same_name, slug_text, slugify, unique_slug


def client(slug: str, name: str) -> Client:
    return Client(slug=slug, name=name, source=Source(f"clients/{slug}.md", 1))


BOOK = [client("northwind-traders", "Northwind Traders"), client("northgate-bank", "Northgate Bank"),
        client("acme", "ACME Tools, Inc."), client("muller-sohne", "Müller & Söhne GmbH")]


@pytest.mark.parametrize("name, slug", [
    ("Northwind Traders", "northwind-traders"), ("Müller & Söhne GmbH", "muller-sohne-gmbh"),
    ("  ", "client"), ("!!!", "client"), ("李 Trading", "li-trading"), ("Straße 9", "strasse-9"),
    ("Москва Импорт", "moskva-import"), ("Санкт Торг", "sankt-torg"), ("Αθήνα Λτδ", "athina-ltd"),
    ("北京贸易有限公司", "bei-jing-mao-yi-you-xian-gong-si"), ("شركة القاهرة", "shrkh-lqhrh"),
    ("Ørsted A/S", "orsted-a-s"), ("Łódź Młyn", "lodz-mlyn"), ("Þór ehf", "thor-ehf"), ("Ærø Æbler", "aero-aebler"),
    ("서울 상사", "seoul-sangsa"), ("ﬁne Ⅻ", "fine-xii"),
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
    ("山", ["yamada"]),  # a prefix of the name as written (its transliteration, shan, is long enough)
])
def test_names_in_other_scripts_are_matched_as_written_never_by_an_empty_key(query, slugs):
    assert [c.slug for c in match_clients(query, SCRIPTS)] == slugs


@pytest.mark.parametrize("name", ["Москва Импорт", "Αθήνα", "北京贸易", "القاهرة", "Ørsted", "Łódź", "Þór", "서울",
                                  "東京トレーディング", "Ελληνικά", "Україна", "עברית", "हिन्दी", "ไทย"])
def test_no_script_folds_to_nothing(name):
    assert slug_text(name) and name_key(name) and same_key(name)


def test_transliteration_never_drops_a_letter():
    """'Ørsted A/S' and 'rsted A/S' were one client when Ø was dropped."""
    assert slugify("Ørsted A/S") != slugify("rsted A/S")
    assert name_key("Ørsted A/S") != name_key("rsted A/S")
    assert slugify("Łódź") == "lodz" and slugify("Ørsted") == "orsted"


def test_names_are_the_same_in_their_own_script_and_near_when_only_ascii_agrees():
    assert same_name("Москва Импорт", "МОСКВА   импорт")
    assert same_name("Müller & Söhne GmbH", "müller söhne") and same_name("ﬁne", "fine")
    assert same_name("Αθήνα Λτδ", "αθήνα")  # a suffix is one in any script
    assert near_names("Αθήνα", "ΑΘΗΝΑ")  # Greek capitals drop the accent: close, not the same
    assert not same_name("Müller", "Muller") and near_names("Müller", "Muller")
    assert not same_name("Москва", "Moskva") and near_names("Москва", "Moskva")
    assert not same_name("Ørsted A/S", "rsted A/S") and not near_names("Ørsted A/S", "rsted A/S")
    assert not same_name("!!!", "???") and not near_names("!!!", "???")  # no letters: never the same


CYRILLIC = [client("client", "Москва Импорт"), client("client-2", "Санкт Торг"),  # slugs an older import gave
            client("moskva-import-2", "Москва Экспорт")]


@pytest.mark.parametrize("query, slugs", [
    ("Санкт Торг", ["client-2"]), ("Торг", ["client-2"]), ("Санкт", ["client-2"]), ("санкт торг", ["client-2"]),
    ("Sankt Torg", ["client-2"]), ("Москва Импорт", ["client"]), ("Москва", ["client", "moskva-import-2"]),
    ("Экспорт", ["moskva-import-2"]), ("Рим", []), ("!!!", []), ("«»", []), ("Ли", []),
])
def test_a_cyrillic_query_finds_the_cyrillic_name_it_means(query, slugs):
    assert [c.slug for c in match_clients(query, CYRILLIC)] == slugs


def test_the_fallback_slug_never_matches():
    assert match_clients("!!!", [client("client", "!!!")]) == []
    assert [c.slug for c in match_clients("client", [client("client", "!!!")])] == ["client"]  # typed, not folded


WORLD = [client("athina-ltd", "Αθήνα Λτδ"), client("bei-jing-mao-yi", "北京贸易有限公司"),
         client("shrkh-lqhrh", "شركة القاهرة"), client("orsted-a-s", "Ørsted A/S"), client("rsted-a-s", "rsted A/S"),
         client("lodz-mlyn", "Łódź Młyn"), client("thor-ehf", "Þór ehf"), client("aero", "Ærø Æbler"),
         client("tokyo", "東京トレーディング株式会社")]


@pytest.mark.parametrize("query, slugs", [
    ("Αθήνα", ["athina-ltd"]), ("ΑΘΗΝΑ", ["athina-ltd"]), ("athina", ["athina-ltd"]), ("北京", ["bei-jing-mao-yi"]), ("贸易", ["bei-jing-mao-yi"]),
    ("القاهرة", ["shrkh-lqhrh"]), ("Ørsted", ["orsted-a-s"]), ("orsted", ["orsted-a-s"]), ("rsted", ["rsted-a-s"]),
    ("Łódź", ["lodz-mlyn"]), ("lodz", ["lodz-mlyn"]), ("Młyn", ["lodz-mlyn"]), ("Þór", ["thor-ehf"]),
    ("thor", ["thor-ehf"]), ("Ærø", ["aero"]), ("トレーディング", ["tokyo"]), ("東京", ["tokyo"]),
])
def test_names_in_every_script_are_found_in_their_own_script_and_transliterated(query, slugs):
    assert [c.slug for c in match_clients(query, WORLD)] == slugs
