"""An encrypted site in headless Chromium: the passphrase opens it, navigation does not ask again,
the wrong passphrase shows nothing, and "remember" is off unless ticked.

Needs Debian's chromium at /usr/bin/chromium and the playwright package (no
browser is ever downloaded). Skipped with a message when either is missing,
unless RIPPLEDOC_REQUIRE_BROWSER=1, which turns the skip into a failure.
"""
from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from test_encrypt import PASSPHRASE, needles, sample_clients, sample_site
from rippledoc.site.encrypt import encrypt_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    clients = sample_clients()
    enc = encrypt_site(sample_site(clients), PASSPHRASE, keep=("index.html", "clients.html"))
    out = tmp_path_factory.mktemp("encrypted")
    for rel, data in enc.files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return out, enc, clients


class Console:
    """Collects console errors and uncaught exceptions of a page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def unlock(page, passphrase: str, remember: bool = False) -> None:
    page.wait_for_selector("#rippledoc-unlock:not([hidden])")
    page.fill("#rippledoc-passphrase", passphrase)
    if remember:
        page.check("#rippledoc-remember")
    page.click("#rippledoc-unlock button[type=submit]")


def test_the_passphrase_opens_the_dashboard_and_a_client_page_without_asking_again(browser, site):
    out, enc, clients = site
    context = browser.new_context()
    page = context.new_page()
    console = Console(page)
    page.goto((out / "index.html").as_uri())
    assert page.title() == "Locked"
    unlock(page, PASSPHRASE)
    page.wait_for_selector("#dashboard")
    page.wait_for_selector("body[data-ready=yes]")  # the site's own deferred script ran after decryption
    assert page.title() == "Today"
    assert page.eval_on_selector("h1", "h => getComputedStyle(h).color") == "rgb(0, 96, 0)"  # its stylesheet too
    first = clients[0]
    page.click(f"text={first.name}")
    page.wait_for_selector("#client-name")
    assert page.inner_text("#client-name") == first.name
    assert page.url.endswith(enc.names[f"clients/{first.slug}.html"])
    assert page.locator("#rippledoc-unlock").count() == 0  # no second passphrase
    page.goto((out / "clients.html").as_uri())
    page.wait_for_selector(f"body[data-rows='{len(clients)}']")  # the table's filter data, decrypted
    assert console.errors == []
    context.close()


def test_the_key_is_kept_for_the_tab_only_unless_remember_is_ticked(browser, site):
    out, _, _ = site
    context = browser.new_context()
    page = context.new_page()
    page.goto((out / "index.html").as_uri())
    unlock(page, PASSPHRASE)
    page.wait_for_selector("#dashboard")
    session = page.evaluate("Object.entries(sessionStorage).filter(([k]) => k.startsWith('rippledoc.key.'))")
    local = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('rippledoc.key.'))")
    assert len(session) == 1 and local == []
    entry = json.loads(session[0][1])
    assert sorted(entry) == ["iv", "v", "wrapped"] and len(__import__("base64").b64decode(entry["wrapped"])) == 48
    # another tab has its own sessionStorage: it asks
    other = context.new_page()
    other.goto((out / "index.html").as_uri())
    other.wait_for_selector("#rippledoc-unlock:not([hidden])")
    unlock(other, PASSPHRASE, remember=True)
    other.wait_for_selector("#dashboard")
    # remembered: a third tab opens without asking, until Lock
    third = context.new_page()
    third.goto((out / "clients.html").as_uri())
    third.wait_for_selector("body[data-ready=yes]")
    third.click(".rippledoc-lock")
    third.wait_for_selector("#rippledoc-unlock:not([hidden])")
    assert third.evaluate("Object.keys(localStorage).filter(k => k.startsWith('rippledoc.key.'))") == []
    context.close()


def test_the_wrong_passphrase_says_so_and_shows_nothing(browser, site):
    out, _, clients = site
    context = browser.new_context()
    page = context.new_page()
    console = Console(page)
    page.goto((out / "clients.html").as_uri())
    unlock(page, "staple orbit canyon velvet mangos")
    page.wait_for_selector("#rippledoc-status.bad")
    assert page.inner_text("#rippledoc-status") == "Wrong passphrase: nothing was decrypted. Try again."
    text = page.content()
    for c in clients:
        for n in needles(c):
            assert n not in text
    assert page.evaluate("sessionStorage.length") == 0
    assert console.errors == []
    context.close()


def test_a_page_copied_to_another_name_is_not_opened(browser, site, tmp_path):
    out, enc, clients = site
    copy = tmp_path / "site"
    shutil.copytree(out, copy)
    victim = copy / enc.names[f"clients/{clients[1].slug}.html"]
    victim.write_bytes((copy / enc.names[f"clients/{clients[0].slug}.html"]).read_bytes())
    context = browser.new_context()
    page = context.new_page()
    page.goto(victim.as_uri())
    page.wait_for_selector("#rippledoc-status.bad")
    assert "not at the address it was made for" in page.inner_text("#rippledoc-status")
    assert clients[0].name not in page.content()
    context.close()


def test_without_indexeddb_nothing_is_kept_and_each_page_asks(browser, site):
    out, _, clients = site
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(window, 'indexedDB', {get() { throw new Error('no'); }})")
    page = context.new_page()
    console = Console(page)
    page.goto((out / "index.html").as_uri())
    unlock(page, PASSPHRASE)
    page.wait_for_selector("#dashboard")
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0  # no key, wrapped or not
    page.click(f"text={clients[0].name}")
    unlock(page, PASSPHRASE)
    page.wait_for_selector("#client-name")
    assert console.errors == []
    context.close()


def test_a_page_with_weakened_key_settings_is_not_opened(browser, site, tmp_path):
    out, enc, _ = site
    weak = tmp_path / "index.html"
    weak.write_bytes(enc.files["index.html"].replace(b'data-iterations="600000"', b'data-iterations="1000"'))
    (tmp_path / "assets").symlink_to(out / "assets")
    context = browser.new_context()
    page = context.new_page()
    page.goto(weak.as_uri())
    page.wait_for_selector("#rippledoc-status.bad")
    assert "asks for 1000 PBKDF2 rounds" in page.inner_text("#rippledoc-status")
    assert page.locator("#rippledoc-unlock[hidden]").count() == 1
    context.close()


def test_it_also_opens_from_a_local_web_server(browser, site):
    out, _, clients = site
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = partial(Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        context = browser.new_context()
        page = context.new_page()
        console = Console(page)
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        unlock(page, PASSPHRASE)
        page.wait_for_selector("#dashboard")
        page.click(f"text={clients[2].name}")
        page.wait_for_selector("#client-name")
        assert page.inner_text("#client-name") == clients[2].name
        assert console.errors == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_sample_workspace_opens_with_the_passphrase_and_shows_nothing_without(browser, tmp_path):
    from test_encrypt import run_build
    out = tmp_path / "site"
    result = run_build(out, "--encrypt")  # rippledoc build --encrypt, passphrase from RIPPLEDOC_PASSPHRASE
    assert result.exit_code == 0, result.output
    clients = sample_clients()
    context = browser.new_context()
    page = context.new_page()
    console = Console(page)
    page.goto((out / "index.html").as_uri())
    unlock(page, "not the passphrase at all")
    page.wait_for_selector("#rippledoc-status.bad")
    locked = page.content()
    assert not any(n in locked for c in clients for n in needles(c))
    unlock(page, PASSPHRASE)
    page.wait_for_selector("header.top nav")
    assert page.title().startswith("Today")
    page.click("header.top nav >> text=Clients")
    page.wait_for_selector("#client-table")
    page.fill("#f-text", "aurora")
    assert page.inner_text("#shown") == f"1 of {len(clients)} clients"  # the filter runs on decrypted rows
    page.click("#client-table a >> text=Aurora Dental Group")
    page.wait_for_selector("#client-name")
    assert page.inner_text("#client-name") == "Aurora Dental Group"
    assert "renata@auroradental.example" in page.inner_text("main")
    assert page.locator("#rippledoc-unlock").count() == 0
    assert console.errors == []
    context.close()
