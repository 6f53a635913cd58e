"""The site's search index: what ``find`` searches, as small script files the search page loads as needed.

Scripts, not JSON, so they load from ``file://`` under the site's CSP
(``script-src 'self'``): each file is one call, ``rippledocSearch(NAME, DATA)``.

- ``search/index.js``: the format version, how many entries each text part
  holds, and the first word of each word chunk;
- ``search/wN.js``: a word chunk, ``[[word, [id deltas…]], …]`` in sorted
  order (UTF-16 code units, as JavaScript compares strings): which entries
  hold the word; a word in more than LIST_IDS entries keeps the first
  LIST_IDS only and is named in ``index.js``'s ``cut``;
- ``search/pages.js``: ``{"links": [path…], "labels": [label…]}``, the pages
  results link to (an encrypted build renames the links as it renames the
  pages, site/encrypt.py), so the search page stays small however large the book;
- ``search/tN.js``: a text part, ``[[page, line, kind, date, text(, at, end)], …]``:
  the entries themselves, ``page`` an index into ``pages.js``'s links, ``at`` and
  ``end`` the part of ``text`` that is searched when it is not all of it (a
  field's value, a log line's note: its date, kind and author are shown, not
  searched).

Entries are numbered in the order results are shown: names and contact
fields, then dated lines newest first, then notes. A query loads the chunks
of its words, intersects their entries, then loads text parts in order until
it has enough matches, so a search touches a few hundred kilobytes however
large the book. Words are runs of letters and digits, folded as ``find``
folds them (rippledoc/views/find.py: caseless); Chinese and Japanese characters are words
of one character each. In an encrypted build each file's DATA is sealed like
a page (rippledoc/site/encrypt.py, docs/encryption.md).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator

from rippledoc.model import RitualRecord
from rippledoc.book.book import Book
from rippledoc.site.urls import client_page, record_page
from rippledoc.views.find import KINDS, Entry, caseless, entries

FORMAT = 1
FOLDER = "search/"
PART_BYTES = 64_000  # a text part is cut after about this many bytes
CHUNK_BYTES = 48_000  # a word chunk is cut after this many bytes
LIST_IDS = 20_000  # a word's list keeps its first entries only (the newest): 'the' would be a megabyte of numbers
CALL = "rippledocSearch"
_WORD = re.compile(r"\w+")
_CJK_RANGES = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_PIECE = re.compile(f"[{_CJK_RANGES}]|[^{_CJK_RANGES}]+")
_HAS_CJK = re.compile(f"[{_CJK_RANGES}]")


def words(folded: str) -> set[str]:
    """The words of folded text, as the search page cuts a query (assets/search.js: words)."""
    found = set(_WORD.findall(folded))
    if folded.isascii() or _HAS_CJK.search(folded) is None:
        return found
    for w in [w for w in found if _HAS_CJK.search(w)]:
        found.discard(w)
        found.update(_PIECE.findall(w))
    return found


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page results link to: its path in the site and what a result says it is."""
    path: str
    label: str


def _order(e: Entry) -> tuple[int, int, str, int]:
    if e.kind in ("name", "contact", "email", "phone", "address", "website", "custom"):
        return (0, 0, e.path, e.line)
    if e.date is not None:
        return (1, -e.date.toordinal(), e.path, e.line)
    return (2, 0, e.path, e.line)


def _utf16(word: str) -> bytes:
    return word.encode("utf-16-be")


def script(name: str, data: Any) -> bytes:
    """One file of the index: ``rippledocSearch("NAME", DATA);``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'{CALL}("{name}",{text});\n'.encode("utf-8")


def sealed_script(name: str, nonce: str, ciphertext: str) -> bytes:
    """The encrypted build's form: ``rippledocSearch("NAME", null, {"nonce": …, "data": …});``."""
    return f'{CALL}("{name}",null,{{"nonce":"{nonce}","data":"{ciphertext}"}});\n'.encode("ascii")


_SCRIPT = re.compile(rf'^{CALL}\("([a-z0-9]+)",(.*)\);\n$', re.DOTALL)


def parse_script(data: bytes) -> tuple[str, bytes]:
    """(NAME, DATA as JSON bytes) of a plain index file; ValueError when it is not one."""
    m = _SCRIPT.match(data.decode("utf-8"))
    if m is None:
        raise ValueError("not a search index file")
    return m[1], m[2].encode("utf-8")


def is_index_file(path: str) -> bool:
    return path.startswith(FOLDER) and path.endswith(".js")


def _paragraphs(found: Iterable[Entry]) -> Iterator[Entry]:
    """The entries with each paragraph of notes as one (at its first line), so a phrase may run across lines."""
    first: Entry | None = None
    lines: list[str] = []
    for e in found:
        if first is not None:
            if e.kind == "notes" and e.path == first.path and e.line == first.line + len(lines):
                lines.append(e.text)
                continue
            yield Entry(first.path, first.line, "notes", first.client, None, None, " ".join(lines))
            first = None
        if e.kind == "notes":
            first, lines = e, [e.text]
        else:
            yield e
    if first is not None:
        yield Entry(first.path, first.line, "notes", first.client, None, None, " ".join(lines))


def search_index(ws: Book, today: date) -> tuple[list[SearchPage], dict[str, bytes]]:
    """The pages results link to (in the order the search page lists them) and the index's files."""
    records = {r.source.path: r for r in ws.records}
    pages: list[SearchPage] = []
    page_of: dict[str, int] = {}
    found = sorted(_paragraphs(entries(ws, today)), key=_order)
    rows: list[list[Any]] = []
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(found):
        i = page_of.get(e.path)
        if i is None:
            i = page_of[e.path] = len(pages)
            pages.append(_page(e, records, ws))
        at, end = (e.note_at, len(e.text)) if e.kind == "log" else (e.at, len(e.text) if e.end is None else e.end)
        row = [i, e.line, KINDS.index(e.kind), e.date.isoformat() if e.date else "", e.text]
        if at or end != len(e.text):
            row += [at, end]
        rows.append(row)
        for w in words(caseless(e.text[at:end])):
            postings[w].append(n)
    files: dict[str, bytes] = {}
    starts = _parts(rows, files)
    cut = sorted(w for w, ids in postings.items() if len(ids) > LIST_IDS)
    for w in cut:
        del postings[w][LIST_IDS:]
    firsts = _chunks(postings, files)
    files[f"{FOLDER}pages.js"] = script("pages", {"links": [p.path for p in pages], "labels": [p.label for p in pages]})
    files[f"{FOLDER}index.js"] = script("index", {"format": FORMAT, "entries": len(rows), "parts": starts,
                                                  "kinds": list(KINDS), "chunks": firsts, "cut": cut})
    return pages, files


def _page(e: Entry, records: dict[str, RitualRecord], ws: Book) -> SearchPage:
    r = records.get(e.path)
    if r is not None:
        ritual = ws.rituals.get(r.ritual)
        return SearchPage(record_page(r), f"{ritual.name if ritual else r.ritual} · {r.period}")
    if e.client is not None:
        return SearchPage(client_page(e.client.slug), e.client.name)
    return SearchPage(e.path, e.path)


def _parts(rows: list[list[Any]], files: dict[str, bytes]) -> list[int]:
    """Write the text parts into ``files``, each cut after about PART_BYTES of text; the first entry of each."""
    starts: list[int] = []
    start, size = 0, 0
    for n, row in enumerate(rows):
        size += len(row[4]) + 24
        if size >= PART_BYTES or n == len(rows) - 1:
            starts.append(start)
            files[f"{FOLDER}t{len(starts) - 1}.js"] = script(f"t{len(starts) - 1}", rows[start:n + 1])
            start, size = n + 1, 0
    return starts


def _deltas(ids: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *ids[:-1]], ids)]


def _chunks(postings: dict[str, list[int]], files: dict[str, bytes]) -> list[str]:
    """Write the word chunks into ``files``; the first word of each."""
    firsts: list[str] = []
    chunk: list[list[Any]] = []
    size = 0
    for w in sorted(postings, key=_utf16):
        item = [w, _deltas(postings[w])]
        chunk.append(item)
        size += len(w) + 4 * len(item[1]) + 6
        if size >= CHUNK_BYTES:
            firsts.append(chunk[0][0])
            files[f"{FOLDER}w{len(firsts) - 1}.js"] = script(f"w{len(firsts) - 1}", chunk)
            chunk, size = [], 0
    if chunk:
        firsts.append(chunk[0][0])
        files[f"{FOLDER}w{len(firsts) - 1}.js"] = script(f"w{len(firsts) - 1}", chunk)
    return firsts
