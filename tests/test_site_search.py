"""The site's search index (rippledoc/site/search.py): what find searches, cut into small script files.

The lookup below follows the format as rippledoc/site/search.py documents it
and assets/search.js reads it: the word chunks of a query's words, their
entries intersected, the text of each checked for the whole query.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from conftest import REPO, TODAY
from conftest import load_workspace
from rippledoc.exchange.ics import FEED
from rippledoc.site.build import SiteBuilder, build_site
from rippledoc.site.encrypt import EncryptError, derive_key, encrypt_site
from rippledoc.site.pages import NAV
from rippledoc.site.search import parse_script, script, search_index, sealed_script, words
from rippledoc.views.find import caseless
from test_find import FILES

PASSPHRASE = "staple orbit canyon velvet mango"


def data(files: dict[str, bytes], name: str):
    got, payload = parse_script(files[f"search/{name}.js"])
    assert got == name
    return json.loads(payload)


def lookup(files: dict[str, bytes], query: str, complete: list[bool] | None = None) -> list[list]:
    """The entries a query finds, in the order the search page shows them (``complete``: [False] appended
    when a very common word's cut list left later entries unsearched)."""
    meta = data(files, "index")
    needle = caseless(query).strip()
    ids: set[int] | None = None
    bound = float("inf")
    for w in words(needle):
        found: set[int] = set()
        for n, first in enumerate(meta["chunks"]):
            for word, deltas in data(files, f"w{n}"):
                if word.startswith(w):
                    at = 0
                    for d in deltas:
                        at += d
                        found.add(at)
                    if word in meta["cut"]:
                        bound = min(bound, at)
        ids = found if ids is None else ids & found
    rows = [row for n in range(len(meta["parts"])) for row in data(files, f"t{n}")]
    chosen = sorted(i for i in ids or () if i <= bound)
    if complete is not None and bound < len(rows) - 1:
        complete.append(False)
    return [rows[i] for i in chosen
            if needle in caseless(rows[i][4][rows[i][5]:rows[i][6]] if len(rows[i]) > 5 else rows[i][4])]


@pytest.fixture
def book(workspace) -> Path:
    return workspace({**FILES, "clients/bjork.md": FILES["clients/bjork.md"].rstrip(" ") + """\
        - 2026-01-10 call reached by stan: <img src=x onerror=alert(1)> asked about the ferry schedule.
        """})


@pytest.fixture
def index(book):
    ws, _ = load_workspace(book, TODAY)
    return search_index(ws, TODAY)


def test_words_are_runs_of_letters_and_digits_and_cjk_characters_one_by_one():
    assert words(caseless("Fuel-card #intel[Haul Ledger] 2026")) == {"fuel", "card", "intel", "haul", "ledger", "2026"}
    assert words(caseless("大阪工場のサーバー")) == {"大", "阪", "工", "場", "の", "サ", "ー", "バ"}
    assert words(caseless("Иванов и партнёры")) == {"иванов", "и", "партнёры"}
    assert words(caseless("Mu\u0308ller ΟΔΥΣΣΕΑΣ")) == {"müller", "οδυσσεασ"}


@pytest.mark.parametrize("query, where", [
    ("ferry", ("clients/bjork.md", 12)),           # a word from a log line
    ("ferry sch", ("clients/bjork.md", 12)),       # the last word as typed so far
    ("ольга спросила", ("clients/ivanov.md", 9)),
    ("大阪工場", ("clients/yamada.md", 10)),
    ("ναυτιλιακή", ("clients/papadopoulos.md", 2)),
    ("müller", ("clients/bjork.md", 3)),
    ("счёт", ("clients/ivanov.md", 10)),
])
def test_a_word_from_any_line_is_found_through_the_index(index, query, where):
    pages, files = index
    found = lookup(files, query)
    assert found, query
    page = pages[found[0][0]]
    path, line = where
    assert (page.path, found[0][1]) == (f"clients/{Path(path).stem}.html", line)


def test_a_word_is_found_by_its_beginning_only(index):
    _, files = index
    assert lookup(files, "erry") == []
    assert lookup(files, "fer")


def test_results_come_names_first_then_newest_first(index):
    pages, files = index
    rows = lookup(files, "b")
    kinds = data(files, "index")["kinds"]
    order = [kinds[r[2]] for r in rows]
    dated = [r[3] for r in rows if r[3]]
    assert order.index("name") < order.index("log")
    assert dated == sorted(dated, reverse=True)


def test_a_paragraph_of_notes_is_one_entry_so_a_phrase_may_cross_a_line(workspace):
    root = workspace({"clients/a.md": "---\nname: Acme\n---\nThey want the fuel\ncard report monthly.\n\nNext one.\n"})
    ws, _ = load_workspace(root, TODAY)
    pages, files = search_index(ws, TODAY)
    found = lookup(files, "fuel card report")
    assert [(r[1], r[4]) for r in found] == [(4, "They want the fuel card report monthly.")]


def test_a_very_common_word_keeps_the_list_of_its_newest_lines_only(workspace, monkeypatch):
    from rippledoc.site import search
    monkeypatch.setattr(search, "LIST_IDS", 100)
    log = "".join(f"- 2026-01-{d:02d} call reached: the usual check {d}\n" for d in range(1, 29))
    root = workspace({f"clients/c{i}.md": f"---\nname: Client {i}\n---\n## Log\n{log}" for i in range(40)})
    ws, _ = load_workspace(root, TODAY)
    _, files = search_index(ws, TODAY)
    meta = data(files, "index")
    assert "usual" in meta["cut"] and "client" not in meta["cut"]  # in 40 names only
    lists = {w: d for n in range(len(meta["chunks"])) for w, d in data(files, f"w{n}")}
    assert len(lists["usual"]) == 100 and len(lists["client"]) == 40
    assert len(lookup(files, "usual check 28")) == 40  # the newest lines are in the list
    complete: list[bool] = []
    assert lookup(files, "usual check 3", complete) == []  # 3 January is older than what the list holds
    assert complete == [False]  # and the page says so
    assert len(lookup(files, "client 3")) == 11  # client 3, 30-39: names, a short list, all of it


def test_the_site_has_the_search_page_the_index_and_a_nav_link(book, tmp_path):
    build_site(book, tmp_path / "site", TODAY)
    site = tmp_path / "site"
    assert ("search.html", "Search") in NAV
    page = (site / "search.html").read_text(encoding="utf-8")
    assert '<script src="assets/search.js" defer></script>' in page
    assert "ivanov" not in page  # the pages results link to are in search/pages.js: the page stays small
    listed = data({"search/pages.js": (site / "search" / "pages.js").read_bytes()}, "pages")
    assert listed["labels"][listed["links"].index("clients/ivanov.html")] == "Иванов и партнёры"
    assert (site / "assets" / "search.js").is_file() and (site / "search" / "index.js").is_file()
    assert 'href="../search.html"' in (site / "clients" / "bjork.html").read_text(encoding="utf-8")
    assert 'id="L12"' in (site / "clients" / "bjork.html").read_text(encoding="utf-8")  # results link to the line


def test_serve_writes_the_index_again_after_an_edit(book, tmp_path):
    builder = SiteBuilder(book, tmp_path / "site", lambda: TODAY, live=False)
    builder.full()
    client = book / "clients" / "yamada.md"
    client.write_text(client.read_text(encoding="utf-8") + "- 2026-11-20 call reached: kaizen workshop booked.\n",
                      encoding="utf-8")
    builder.update(["yamada"])
    files = {f"search/{p.name}": p.read_bytes() for p in (tmp_path / "site" / "search").iterdir()}
    assert lookup(files, "kaizen")


def test_an_index_file_is_one_call_of_plain_json():
    raw = script("t3", [[0, 7, 9, "", "</script><b>"]])
    assert raw == b'rippledocSearch("t3",[[0,7,9,"","</script><b>"]]);\n'
    assert parse_script(raw) == ("t3", b'[[0,7,9,"","</script><b>"]]')
    with pytest.raises(ValueError):
        parse_script(b"alert(1)")


# ---- in an encrypted build ----------------------------------------------------------------------

def unseal(raw: bytes, path: str, key: bytes) -> bytes:
    """docs/encryption.md: an index file's data, with its path in the associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    m = re.fullmatch(r'rippledocSearch\("(\w+)",null,\{"nonce":"([^"]+)","data":"([^"]+)"\}\);\n', raw.decode())
    assert m, raw[:80]
    aad = f"rippledoc-encrypted-page/1\n{path}".encode()
    return AESGCM(key).decrypt(base64.b64decode(m[2]), base64.b64decode(m[3]), aad)


@pytest.fixture(scope="module")
def sample_built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-site")
    build_site(REPO, out / "site", TODAY)
    plain = {p.relative_to(out / "site").as_posix(): p.read_bytes()
             for p in sorted((out / "site").rglob("*"))
             if p.is_file() and not p.name.startswith(".") and p.name != FEED}  # build --encrypt leaves it out
    return plain, encrypt_site(plain, PASSPHRASE, keep=[h for h, _ in NAV])


def test_every_index_file_is_sealed_and_decrypts_to_the_plain_one(sample_built):
    plain, enc = sample_built
    key = derive_key(PASSPHRASE, enc.salt, enc.iterations)
    index_files = [p for p in plain if p.startswith("search/")]
    assert len(index_files) >= 3
    for path in index_files:
        opened, expected = json.loads(unseal(enc.files[path], path, key)), json.loads(parse_script(plain[path])[1])
        if path == "search/pages.js":  # the pages results link to, by their names in the encrypted site
            expected["links"] = [enc.names.get(p, p) for p in expected["links"]]
            assert any(a != b for a, b in zip(opened["links"], json.loads(parse_script(plain[path])[1])["links"]))
        assert opened == expected


def test_no_plaintext_of_a_note_is_in_the_encrypted_output(sample_built):
    plain, enc = sample_built
    ws, _ = load_workspace(REPO, TODAY)
    notes = [t.note for c in ws.clients for t in c.log if len(t.note) > 30]
    words_of_notes = ["Midwest Fleet Expo", "dispatchers", "surcharges", "Indianapolis"]  # long: not base64 by chance
    index_text = b"".join(v for k, v in plain.items() if k.startswith("search/"))
    every_byte = b"".join(enc.files.values())
    for w in words_of_notes:
        assert w.encode() in index_text  # the plain index holds it
        assert w.encode() not in every_byte, w
        assert caseless(w).encode() not in every_byte, w
    for n in notes:
        assert json.dumps(n, ensure_ascii=False)[1:-1].encode() in index_text
        assert n.encode() not in every_byte


def test_a_moved_index_file_does_not_decrypt(sample_built):
    from cryptography.exceptions import InvalidTag
    _, enc = sample_built
    key = derive_key(PASSPHRASE, enc.salt, enc.iterations)
    with pytest.raises(InvalidTag):
        unseal(enc.files["search/t0.js"], "search/w0.js", key)


def test_a_file_in_search_that_is_not_an_index_file_is_refused(sample_built):
    plain, _ = sample_built
    with pytest.raises(EncryptError, match="search/notes.js: it is not a file of the search index"):
        encrypt_site({**plain, "search/notes.js": b"var notes = 'Aurora Dental';\n"}, PASSPHRASE)
    assert sealed_script("t0", "AA==", "AA==").startswith(b'rippledocSearch("t0",null,')
