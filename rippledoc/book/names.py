"""Slugs for file names, and loose matching of what a person types to a client, in every script.

Two keys describe a name. ``same_key`` keeps the name's own script (NFKC,
case folded, punctuation and company suffixes left out): 'Москва Импорт' and
'МОСКВА  импорт' are the same name. ``name_key`` transliterates to ASCII with
``anyascii`` ('Moskva Import', 'Ørsted' -> 'orsted', 'Łódź' -> 'lodz',
'北京' -> 'bei jing'): it names files and lets a Latin keyboard find a name
written in another script. Letters are never dropped, and a key that comes
out empty matches nothing.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

from anyascii import anyascii

from rippledoc.model import Client

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SUFFIXES = {"inc", "llc", "ltd", "gmbh", "co", "corp", "plc", "sa", "ag", "bv", "kk", "the"}
# Han ideographs carry a syllable each and are written without spaces: each becomes its own word.
_HAN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])")
FALLBACK_SLUG = "client"  # the file name of a name that gives no letter or digit at all ('!!!')
MAX_SLUG = 60


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII by transliteration: 'Müller & Söhne' -> 'muller & sohne', 'Санкт' -> 'sankt'."""
    text = unicodedata.normalize("NFKC", text)
    return anyascii(_HAN.sub(r" \1 ", text)).lower()


def _words(text: str) -> list[str]:
    """Words in the text's own script: letters, marks and digits of any script; everything else separates."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text).split()


def slug_text(name: str) -> str:
    """The slug a name gives, or "" when it has no letter or digit in any script."""
    slug = _NON_WORD.sub("-", fold(name)).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def slugify(name: str) -> str:
    """A file name for a new client: ASCII, lower case, words joined by '-' ('Москва Импорт' -> moskva-import)."""
    return slug_text(name) or FALLBACK_SLUG


def unique_slug(name: str, taken: Iterable[str]) -> str:
    taken = {t.lower() for t in taken}
    base = slugify(name)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A company name transliterated and reduced for comparison: 'The Northwind Traders, Inc.' ->
    'northwind traders', 'Ørsted A/S' -> 'orsted a s'. Empty when the name has no letter or digit."""
    words = [w for w in _NON_WORD.split(fold(name)) if w and w not in _SUFFIXES]
    return " ".join(words)


@lru_cache(maxsize=65536)
def same_key(name: str) -> str:
    """The name in its own script, reduced for comparison: case, width, spacing, punctuation and company
    suffixes aside ('ООО «Ромашка»' and 'ооо ромашка' are one name; 'Müller' and 'Muller' are two)."""
    words = [w for w in _words(name) if w not in _SUFFIXES and fold(w) not in _SUFFIXES]  # 'Λτδ' is Ltd
    return " ".join(words)


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same name (``same_key``); a name without letters is the same as none."""
    key = same_key(a)
    return bool(key) and key == same_key(b)


def near_names(a: str, b: str) -> bool:
    """Different names that read the same in ASCII: 'Ørsted A/S' and 'Orsted A/S', 'Москва' and 'Moskva'."""
    key = name_key(a)
    return bool(key) and key == name_key(b) and not same_name(a, b)


def _loose_enough(query_slug: str) -> bool:
    """The loose tests need at least three letters or digits, so that a stray "a" never picks a client."""
    return len(query_slug.replace("-", "")) >= 3


def match_clients(query: str, clients: Sequence[Client]) -> list[Client]:
    """The clients a person most likely means by ``query``, best matches only.

    Tried in order, the first that finds anything wins: exact slug; the same
    name in its own script; the same name transliterated; slug or name
    starting with the query; every word of the query in the name (in its own
    script, or transliterated) or slug. Empty keys never match: a query of
    punctuation finds nothing, and no client is found through the fallback
    slug a name without letters gets.
    """
    q = query.strip()
    if not q:
        return []
    qs, qk, qo = slug_text(q), name_key(q), same_key(q)
    q_words, qo_words = qk.split(), qo.split()

    def slug_is(c: Client) -> bool:
        return c.slug == q or (bool(qs) and c.slug == qs)

    def own_name_is(c: Client) -> bool:
        return bool(qo) and same_key(c.name) == qo

    def ascii_name_is(c: Client) -> bool:
        return bool(qk) and name_key(c.name) == qk

    def starts(c: Client) -> bool:
        return ((bool(qs) and c.slug.startswith(qs)) or (bool(qo) and same_key(c.name).startswith(qo))
                or (bool(qk) and name_key(c.name).startswith(qk)))

    def words_in(c: Client) -> bool:
        own, ascii_ = same_key(c.name), name_key(c.name)
        return ((bool(qo_words) and all(w in own for w in qo_words))
                or (bool(q_words) and all(w in ascii_ or w in c.slug for w in q_words)))

    tests = [slug_is, own_name_is, ascii_name_is]
    if _loose_enough(qs):
        tests += [starts, words_in]
    for test in tests:
        found = [c for c in clients if test(c)]
        if found:
            return found
    return []
