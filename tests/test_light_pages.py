"""Light pages (rippledoc/site/split.py): no page grows with the book, and every item stays reachable.

A generated book of 300 clients is built with the limits lowered, so it splits as a book of 10,000 does with
the real ones: the dashboard shows the most urgent items and links to whole lists, stories, intelligence and
kudos are split by month, the clients table by letter. Every page must stay under a small size, every story,
line, kudos and client must be reachable from the main pages by following links, and every link to a story
or a kudos must land on a page holding its anchor.
"""
from __future__ import annotations

import json
import posixpath
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rippledoc.book.loader import load_book
from rippledoc.site import split
from rippledoc.site.build import build_site
from rippledoc.site.search import parse_script
from rippledoc.site.urls import client_page, kudos_anchor, story_anchor
from rippledoc.views.commitments import commitments_due
from rippledoc.views.due import due_items
from rippledoc.views.followups import kudos_list, story_list
from rippledoc.views.timeline import recent_touches, tagged

TODAY = date(2026, 11, 22)
LIMIT = 150_000  # bytes: what no page of the book below may exceed with the lowered limits
LIMITS = {"URGENT": 10, "LIST_ITEMS": 80, "MONTH_ITEMS": 15, "MAIN_ITEMS": 40, "TABLE_ROWS": 12}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.items: dict[str, int] = {}  # class of an <li> -> how many

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "li" and a.get("class"):
            first = (a["class"] or "").split()[0]
            self.items[first] = self.items.get(first, 0) + 1


def parse(site: Path, page: str) -> Links:
    found = Links()
    found.feed((site / page).read_text(encoding="utf-8"))
    return found


def target(page: str, href: str) -> tuple[str, str]:
    """(page, anchor) a relative link of ``page`` goes to."""
    path, _, anchor = href.partition("#")
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page, anchor


def reachable(site: Path, start: str, within: str) -> list[str]:
    """The pages reached from ``start`` by links to ``start`` or to pages under ``within/``, ``start`` first."""
    seen, todo = [start], [start]
    while todo:
        page = todo.pop()
        for href in parse(site, page).hrefs:
            to, _ = target(page, href)
            if to not in seen and (to == start or to.startswith(within + "/") or
                                   re.fullmatch(rf"{re.escape(start[:-5])}(-\d+)?\.html", to)):
                seen.append(to)
                todo.append(to)
    return seen


def with_kudos(root: Path) -> None:
    """A kudos line in every third client, on days spread over two years, so kudos split by month too."""
    for n, path in enumerate(sorted((root / "clients").glob("*.md"))):
        if n % 3 == 0:
            day = TODAY - timedelta(days=7 * n // 3 + 1)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f'- {day.isoformat()} call reached by stan: #kudos @priya "Priya sorted it, thank you" '
                         f"said the owner.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    from bench.generate import generate
    root = tmp_path_factory.mktemp("light")
    generate(root, 300)
    with_kudos(root)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in LIMITS.items():
            mp.setattr(split, name, value)
        build_site(root, root / "_site", TODAY)
    return root, root / "_site"


def test_no_page_is_over_the_limit(built):
    _, site = built
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    assert len(sizes) > 350
    assert {p: n for p, n in sizes.items() if n > LIMIT} == {}
    # and the lists were split: month pages, letter pages and whole lists exist
    for folder in ("stories", "intel", "kudos", "table"):
        assert any(p.startswith(folder + "/") for p in sizes), folder
    assert "due-2.html" in sizes


def test_every_story_and_line_is_reachable_from_stories_html_and_links_land_on_its_anchor(built):
    root, site = built
    book = load_book(root, TODAY)
    pages = reachable(site, "stories.html", "stories")
    parsed = {p: parse(site, p) for p in pages}
    months = [p for p in pages if p != "stories.html"]
    ids = set().union(*(parsed[p].ids for p in months))
    stories = story_list(book, TODAY)
    assert len(stories) > 2 * LIMITS["MAIN_ITEMS"]
    assert {story_anchor(v.story.client.slug, v.story.id) for v in stories} <= ids
    assert sum(parsed[p].items.get("story", 0) for p in months) >= len(tagged(book, ("success", "story"), TODAY))
    # every link to a story, from every page, lands on a page holding that story's row
    for page in (p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        for href in parse(site, page).hrefs:
            to, anchor = target(page, href)
            if anchor.startswith("story-"):
                assert anchor in parse(site, to).ids, f"{page}: {href}"


def test_every_intelligence_line_is_reachable_from_intel_html(built):
    root, site = built
    book = load_book(root, TODAY)
    months = reachable(site, "intel.html", "intel")[1:]
    lines = tagged(book, ("intel",), TODAY)
    assert len(lines) > LIMITS["MAIN_ITEMS"]
    assert sum(parse(site, p).items.get("story", 0) for p in months) == len(lines)


def test_every_kudos_is_reachable_from_kudos_html_and_links_land_on_its_section(built):
    root, site = built
    book = load_book(root, TODAY)
    months = reachable(site, "kudos.html", "kudos")[1:]
    given = sum(len(v) for v in kudos_list(book).values())
    assert given > LIMITS["MAIN_ITEMS"]
    assert sum(parse(site, p).items.get("story", 0) for p in months) == given
    links = 0
    for path in sorted((site / "clients").glob("*.html")):
        page = path.relative_to(site).as_posix()
        for href in parse(site, page).hrefs:
            to, anchor = target(page, href)
            if anchor == kudos_anchor("priya"):
                links += 1
                assert to.startswith("kudos/") and anchor in parse(site, to).ids
    assert links == given


def test_every_client_is_on_a_letter_page_of_clients_html_and_in_the_filter_s_list(built):
    root, site = built
    book = load_book(root, TODAY)
    pages = reachable(site, "clients.html", "table")
    assert len(pages) > 26
    linked = set()
    for p in pages:
        linked |= {target(p, h)[0] for h in parse(site, p).hrefs}
    assert {client_page(c.slug) for c in book.clients} <= linked
    name, data = parse_script((site / split.CLIENTS_SCRIPT).read_bytes())
    everyone = json.loads(data)
    assert name == "clients" and len(everyone["rows"]) == len(book.clients)
    assert sorted(everyone["links"]) == sorted(client_page(c.slug) for c in book.clients)
    table = (site / pages[1]).read_text(encoding="utf-8")
    assert 'data-href="../search/clients.js"' in table


def test_the_dashboard_shows_the_most_urgent_and_the_totals_and_links_to_the_whole_lists(built):
    root, site = built
    book = load_book(root, TODAY)
    index = (site / "index.html").read_text(encoding="utf-8")
    due = due_items(book, TODAY, days=0)
    assert f'data-path="items.#" value=\'{len(due)}\'' in index  # the total, not the first ten
    wholes = {"due": len(due), "commitments": len(commitments_due(book, TODAY)),
              "recent": len(recent_touches(book, TODAY))}
    for stem, total in wholes.items():
        if total <= LIMITS["URGENT"]:
            continue
        assert f'href="{stem}.html">all {total}</a>' in index, stem
        pages = reachable(site, f"{stem}.html", stem)
        kind = "touch" if stem == "recent" else "item"
        assert sum(parse(site, p).items.get(kind, 0) for p in pages) == total, stem
    assert len(wholes) and wholes["due"] > LIMITS["LIST_ITEMS"]


def test_an_encrypted_site_s_filter_list_names_the_pages_by_their_encrypted_names(built):
    import base64
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from rippledoc.site.encrypt import associated_data, derive_key, encrypt_site, read_tree
    _, site = built
    files = {p: data for p, data in read_tree(site).items() if p.endswith((".html", ".js", ".css"))}
    enc = encrypt_site(files, "correct horse battery staple lantern", keep=("index.html",))
    sealed = re.fullmatch(r'rippledocSearch\("clients",null,(\{.*\})\);\n', enc.files[split.CLIENTS_SCRIPT].decode())
    assert sealed, "search/clients.js is sealed like the search index"
    box = json.loads(sealed[1])
    key = derive_key("correct horse battery staple lantern", enc.salt, enc.iterations)
    plain = AESGCM(key).decrypt(base64.b64decode(box["nonce"]), base64.b64decode(box["data"]),
                                associated_data(split.CLIENTS_SCRIPT))
    links = json.loads(plain)["links"]
    assert links and all(link in enc.files and link == enc.names[page] for link, page in
                         zip(links, json.loads(parse_script(files[split.CLIENTS_SCRIPT])[1])["links"]))
    assert not any(link.startswith("clients/") for link in links)  # renamed, as every page but index.html


@pytest.mark.browser
def test_the_filter_of_a_letter_page_finds_clients_of_every_letter(built, browser):
    root, site = built
    book = load_book(root, TODAY)
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "table" / "A.html").as_uri())
    rows = page.locator("#client-table tbody tr:not([hidden])")
    own = rows.count()
    assert 0 < own <= LIMITS["TABLE_ROWS"]
    other = next(c for c in book.clients if not c.name.startswith("A"))
    page.fill("#f-text", other.name.lower())
    page.wait_for_function("!document.getElementById('shown').textContent.startsWith('Reading')")
    names = rows.locator("td:first-child a").all_inner_texts()
    assert other.name in names  # found on the page of another letter
    link = rows.locator("td:first-child a", has_text=other.name).first.get_attribute("href") or ""
    assert link.endswith(client_page(other.slug))
    page.fill("#f-text", "")
    page.select_option("#f-level", "key")
    keys = [c for c in book.clients if c.level == "key"]
    assert page.inner_text("#shown") == f"{len(keys)} of {len(book.clients)} clients"
    assert rows.count() == len(keys)
    page.select_option("#f-level", "")
    assert rows.count() == own  # back to this page's rows
    assert errors == []
    page.close()


def test_serve_removes_the_split_pages_a_rebuild_no_longer_makes(tmp_path, monkeypatch):
    from bench.generate import generate
    from rippledoc.site.build import SiteBuilder
    generate(tmp_path / "ws", 40)
    for name, value in LIMITS.items():
        monkeypatch.setattr(split, name, value)
    builder = SiteBuilder(tmp_path / "ws", tmp_path / "site", lambda: TODAY, live=False)
    builder.full()
    before = split.split_pages_in(tmp_path / "site")
    assert any(p.startswith("stories/") for p in before) and "due-2.html" in before
    monkeypatch.setattr(split, "MAIN_ITEMS", 100_000)  # now every story fits stories.html
    monkeypatch.setattr(split, "LIST_ITEMS", 100_000)
    result = builder.update([])
    after = split.split_pages_in(tmp_path / "site")
    assert not any(p.startswith(("stories/", "intel/")) for p in after) and "due-2.html" not in after
    assert set(result.removed) == before - after and "due.html" in after
