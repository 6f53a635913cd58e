"""The search page in headless Chromium: type a word from a log line, see the result, follow it to the line.

From file://, plain and encrypted, in several scripts, with no console error,
no request leaving the site and no note's HTML ever run. Needs Debian's
chromium and the playwright package (see tests/test_browser.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TODAY, write
from rippledoc.exchange.ics import FEED
from rippledoc.site.build import build_site
from rippledoc.site.encrypt import encrypt_site, read_tree
from rippledoc.site.pages import NAV
from test_browser import Watch, sample_workspace
from test_find import FILES

pytestmark = pytest.mark.browser
PASSPHRASE = "staple orbit canyon velvet mango"
XSS = '        - 2026-01-10 call reached by stan: <img src=x onerror=alert(1)><script>alert(2)</script> ferry schedule.\n'


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("search")
    sample = sample_workspace(base)
    build_site(sample, base / "plain", TODAY)
    scripts = write(base / "scripts", {**FILES, "clients/bjork.md": FILES["clients/bjork.md"].rstrip(" ") + XSS})
    build_site(scripts, base / "scripts-site", TODAY)
    plain = {rel: data for rel, data in read_tree(base / "plain").items() if rel != FEED}  # as build --encrypt
    enc = encrypt_site(plain, PASSPHRASE, keep=[h for h, _ in NAV])
    for rel, data in enc.files.items():
        (base / "encrypted" / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / "encrypted" / rel).write_bytes(data)
    return base


def search(page, query: str) -> list[tuple[str, str, str]]:
    """Type the query key by key, as a person does; the results as (where, href, line)."""
    page.wait_for_selector("#search-form:not([hidden])")
    page.fill("#search-q", "")
    page.type("#search-q", query, delay=15)
    page.wait_for_selector(f'#search-results[data-query="{query}"]', state="attached")
    return [(li.query_selector("a").inner_text(), li.query_selector("a").get_attribute("href"),
             li.query_selector(".line").inner_text()) for li in page.query_selector_all("#search-results li")]


def test_a_word_from_a_log_line_is_found_and_leads_to_that_line(browser, sites):
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, None)
    page.goto((sites / "plain" / "search.html").as_uri())
    results = search(page, "Indianapolis")
    assert results == [("Kestrel Freight Lines", "clients/kestrel-freight-lines.html#L57", results[0][2])]
    assert "is going to the Midwest Fleet Expo in Indianapolis" in results[0][2]
    assert page.inner_text("#search-results mark") == "Indianapolis"
    assert page.inner_text("#search-status") == "1 result"
    page.click("#search-results a")
    page.wait_for_selector("#client-name")
    assert page.url.endswith("clients/kestrel-freight-lines.html#L57")
    assert "Indianapolis" in page.inner_text("#L57")
    assert watch.errors == [] and watch.leaving == [] and watch.dialogs == []
    context.close()


def test_only_the_files_a_query_needs_are_loaded(browser, sites):
    context = browser.new_context()
    page = context.new_page()
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url.rsplit("/", 1)[-1]) if "/search/" in r.url else None)
    page.goto((sites / "plain" / "search.html").as_uri())
    search(page, "Indianapolis")
    every = sorted(p.name for p in (sites / "plain" / "search").iterdir())
    assert "index.js" in loaded and len(set(loaded)) < len(every)
    context.close()


@pytest.mark.parametrize("query, where", [
    ("ольга спросила", "Иванов и партнёры"),
    ("СЧЁТ", "Иванов и партнёры"),
    ("大阪", "山田製作所"),
    ("οδυσσεας", "Παπαδόπουλος Ναυτιλιακή"),
    ("MÜLLER", "Bjørk & Sønner"),
    ("sjøfart", "Bjørk & Sønner"),
])
def test_names_and_notes_in_every_script_are_found(browser, sites, query, where):
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, None)
    page.goto((sites / "scripts-site" / "search.html").as_uri())
    results = search(page, query)
    assert results and results[0][0] == where, results
    assert watch.errors == []
    context.close()


def test_a_note_with_html_is_shown_as_text_and_never_runs(browser, sites):
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, None)
    page.goto((sites / "scripts-site" / "search.html").as_uri())
    results = search(page, "ferry")
    assert len(results) == 1 and "<img src=x onerror=alert(1)><script>alert(2)</script>" in results[0][2]
    assert page.query_selector_all("#search-results img, #search-results script") == []
    assert watch.dialogs == [] and watch.errors == []
    context.close()


def test_nothing_found_and_too_short_say_so(browser, sites):
    context = browser.new_context()
    page = context.new_page()
    page.goto((sites / "plain" / "search.html").as_uri())
    assert search(page, "zebracrossing") == []
    assert page.inner_text("#search-status") == "Nothing found for “zebracrossing”."
    page.fill("#search-q", "k")
    page.wait_for_selector("#search-status:has-text('Type one more letter.')")
    context.close()


def test_the_encrypted_search_page_finds_a_log_line_after_unlocking(browser, sites):
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, None)
    page.goto((sites / "encrypted" / "search.html").as_uri())
    page.wait_for_selector("#rippledoc-unlock:not([hidden])")
    page.fill("#rippledoc-passphrase", PASSPHRASE)
    page.click("#rippledoc-unlock button[type=submit]")
    results = search(page, "Indianapolis")
    assert len(results) == 1 and results[0][0] == "Kestrel Freight Lines"
    href = results[0][1]
    assert href.startswith("p/") and href.endswith(".html#L57")  # the renamed page, at the line
    page.click("#search-results a")
    page.wait_for_selector("#client-name")
    assert page.inner_text("#client-name") == "Kestrel Freight Lines"
    assert watch.errors == [] and watch.leaving == []
    context.close()


def test_a_query_of_very_common_words_says_when_it_searched_the_newest_lines_only(browser, tmp_path):
    from rippledoc.site import search as index
    log = "".join(f"- 2026-01-{d:02d} call reached: the usual check {d}\n" for d in range(1, 29))
    root = write(tmp_path / "book", {f"clients/c{i}.md": f"---\nname: Client {i}\n---\n## Log\n{log}"
                                     for i in range(40)})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(index, "LIST_IDS", 100)
        build_site(root, tmp_path / "site", TODAY)
    context = browser.new_context()
    page = context.new_page()
    page.goto((tmp_path / "site" / "search.html").as_uri())
    assert len(search(page, "usual check 28")) == 40
    assert page.inner_text("#search-status") == ("40 results among the newest lines holding these common words; "
                                                 "add a rarer word to search them all.")
    assert search(page, "usual check 3") == []
    assert page.inner_text("#search-status") == "Nothing in the newest lines holding these common words; add a rarer word."
    context.close()
