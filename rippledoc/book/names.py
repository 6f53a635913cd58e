"""Slugs for file names, and loose matching of what a person types to a client."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

from rippledoc.model import Client

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SUFFIXES = {"inc", "llc", "ltd", "gmbh", "co", "corp", "plc", "sa", "ag", "bv", "kk", "the"}


def fold(text: str) -> str:
    """Lower-case ASCII: 'Müller & Söhne' -> 'muller & sohne'."""
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o"))
    return text.encode("ascii", "ignore").decode().lower()


def slugify(name: str) -> str:
    slug = _NON_WORD.sub("-", fold(name)).strip("-")
    return slug[:60].rstrip("-") or "client"


def unique_slug(name: str, taken: Iterable[str]) -> str:
    taken = {t.lower() for t in taken}
    base = slugify(name)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def name_key(name: str) -> str:
    """A company name reduced for comparison: 'The Northwind Traders, Inc.' -> 'northwind traders'."""
    words = [w for w in _NON_WORD.split(fold(name)) if w and w not in _SUFFIXES]
    return " ".join(words)


def match_clients(query: str, clients: Sequence[Client]) -> list[Client]:
    """The clients a person most likely means by ``query``, best matches only.

    Tried in order, the first that finds anything wins: exact slug; exact
    name (in any case); slug or name starting with the query; every word of
    the query in the name or slug. The loose tests need at least three
    letters, so that a stray "a" never picks a client. A query with nothing
    that folds to ASCII (a Cyrillic, Greek or CJK name) is compared by its
    name as written, in any case, never by its empty ASCII key.
    """
    q = query.strip()
    if not q:
        return []
    qs, qk = slugify(q), name_key(q)
    qc = " ".join(q.casefold().split())

    def caseless(c: Client) -> str:
        return " ".join(c.name.casefold().split())

    if not qk:  # nothing of it is ASCII: an empty key would match every such name
        tests = [lambda c: c.slug == q, lambda c: caseless(c) == qc]
        if len(qc) >= 2:
            tests.append(lambda c: caseless(c).startswith(qc))
    else:
        tests = [
            lambda c: c.slug == q or c.slug == qs,
            lambda c: name_key(c.name) == qk,
            lambda c: c.slug.startswith(qs) or name_key(c.name).startswith(qk),
            lambda c: all(w in name_key(c.name) or w in c.slug for w in qk.split()),
        ]
        if len(qs.replace("-", "")) < 3:
            tests = tests[:2]
    for test in tests:
        found = [c for c in clients if test(c)]
        if found:
            return found
    return []
