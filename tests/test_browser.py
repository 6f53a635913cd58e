"""The site in a real browser: headless Chromium from Debian, driven by Playwright.

- the sample workspace's site, opened from file:// and from ``rippledoc
  serve``, shows no console error and makes no request outside the site;
- the client table filters and sorts;
- an edited client file appears in the open page after the live reload, and
  only that client's page was re-rendered;
- the XSS fixture never executes.

Needs /usr/bin/chromium and the playwright package; it never downloads a
browser. Skipped with a message when either is missing, unless
RIPPLEDOC_REQUIRE_BROWSER=1 (CI sets it), which turns the skip into a failure.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import TODAY, copy_sample
from rippledoc.site.build import build_site
from test_site import ACME, EVIL, make
from test_site_serve import Served

pytestmark = pytest.mark.browser


class Watch:
    """Console errors, page errors, dialogs and requests leaving the site, for one page."""

    def __init__(self, page, origin: str | None) -> None:
        self.errors: list[str] = []
        self.leaving: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()
        page.on("dialog", dialog)

        def request(r):
            url = r.url
            if url.startswith("data:") or (origin is None and url.startswith("file:")):
                return
            if origin is not None and url.startswith(origin + "/"):
                return
            self.leaving.append(url)
        page.on("request", request)


def sample_workspace(tmp_path: Path) -> Path:
    """A copy of the repository's sample workspace, so that edits and _site stay out of the repository."""
    return copy_sample(tmp_path / "sample", ("rippledoc.yaml", "clients", "rituals"))


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    root = sample_workspace(tmp_path_factory.mktemp("browser"))
    out = root / "_site"
    result = build_site(root, out, TODAY)
    return root, out, result.rendered


def visit_all(browser, base: str, rendered: list[str], origin: str | None) -> list[str]:
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page, origin)
    for rel in rendered:
        page.goto(f"{base}/{rel}")
        page.wait_for_load_state("load")
        problems += [f"{rel}: {e}" for e in watch.errors] + [f"{rel}: request to {u}" for u in watch.leaving]
        watch.errors.clear()
        watch.leaving.clear()
    context.close()
    return problems


def test_every_page_from_file_has_no_console_error_and_no_request_leaving(browser, sample_site):
    _, out, rendered = sample_site
    assert len(rendered) > 25
    assert visit_all(browser, out.as_uri(), rendered, None) == []


def test_every_page_from_serve_has_no_console_error_and_no_request_leaving(browser, tmp_path):
    root = sample_workspace(tmp_path)
    served = Served(root)
    try:
        origin = f"http://127.0.0.1:{served.port}"
        rendered = served.status()["rendered"]
        assert visit_all(browser, origin, rendered, origin) == []
    finally:
        assert "Traceback" not in served.stop()


def test_the_client_filter_and_sort_work(browser, sample_site):
    from conftest import load_workspace
    root, out, _ = sample_site
    ws, _ = load_workspace(root, TODAY)
    page = browser.new_page()
    Watch(page, None)
    page.goto((out / "clients.html").as_uri())
    rows = page.locator("#client-table tbody tr")
    visible = page.locator("#client-table tbody tr:not([hidden])")
    assert rows.count() == len(ws.clients)
    assert page.locator("#filters").is_visible()

    page.select_option("#f-level", "key")
    keys = sorted(c.name for c in ws.clients if c.level == "key")
    assert sorted(visible.locator("td:first-child a").all_inner_texts()) == keys
    assert page.inner_text("#shown") == f"{len(keys)} of {len(ws.clients)} clients"

    page.select_option("#f-grade", "top")
    both = sorted(c.name for c in ws.clients if c.level == "key" and c.grade == "top")
    assert sorted(visible.locator("td:first-child a").all_inner_texts()) == both

    page.select_option("#f-level", "")
    page.select_option("#f-grade", "")
    first = ws.clients[0]
    page.fill("#f-text", first.name[:6].lower())
    shown = visible.locator("td:first-child a").all_inner_texts()
    assert first.name in shown and len(shown) < len(ws.clients)

    page.fill("#f-text", "no client is called this")
    assert visible.count() == 0 and page.locator("#no-match").is_visible()
    page.fill("#f-text", "")

    page.click("#client-table th:first-child button")
    names = visible.locator("td:first-child a").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert page.get_attribute("#client-table th:first-child", "aria-sort") == "ascending"
    page.click("#client-table th:first-child button")
    assert visible.locator("td:first-child a").all_inner_texts() == list(reversed(names))
    page.close()


def test_the_table_is_a_readable_table_without_javascript(browser, sample_site):
    _, out, _ = sample_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((out / "clients.html").as_uri())
    assert not page.locator("#filters").is_visible()
    assert page.locator("#client-table tbody tr:visible").count() > 10
    context.close()


def test_the_xss_fixture_never_executes(browser, tmp_path):
    root = make(tmp_path, {"clients/evil.md": EVIL, "clients/acme.md": ACME})
    out = root / "_site"
    build_site(root, out, TODAY)
    page = browser.new_page()
    watch = Watch(page, None)
    for rel in ("clients/evil.html", "clients.html", "index.html", "stories.html"):
        page.goto((out / rel).as_uri())
        page.wait_for_timeout(100)
    page.goto((out / "clients/evil.html").as_uri())
    for link in page.locator("main a").all():
        link.hover()  # no onmouseover may fire
    assert watch.dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert "<script>alert('notes')</script>" in page.inner_text(".notes")
    assert watch.errors == [] and watch.leaving == []
    page.close()


def test_an_edit_shows_up_in_the_open_page_after_the_live_reload(browser, tmp_path):
    root = sample_workspace(tmp_path)
    served = Served(root)
    try:
        origin = f"http://127.0.0.1:{served.port}"
        page = browser.new_page()
        watch = Watch(page, origin)
        page.goto(f"{origin}/clients/aurora-dental-group.html")
        other = browser.new_page()
        other.goto(f"{origin}/clients/harbor-lane-bakery.html")
        other_loads: list[str] = []
        other.on("load", lambda p: other_loads.append(p.url))
        page.wait_for_timeout(1000)  # the reload script has seen the current version
        version = served.status()["version"]
        path = root / "clients/aurora-dental-group.md"
        text = path.read_text()
        path.write_text(text.replace("Underlying interest:", "Underlying interest, checked live:", 1))
        page.locator(".notes", has_text="checked live").wait_for(timeout=15000)  # no reload by hand: the page did it
        st = served.wait_version(version)  # the page reloads once it is written, before the summaries are
        assert st["version"] == version + 1
        assert [p for p in st["rendered"] if p.startswith("clients/")] == ["clients/aurora-dental-group.html"]
        records = [p for p in st["rendered"] if p.startswith("rituals/")]
        assert records and all("aurora" in p or not p.startswith("rituals/twelve-days/") for p in records)
        assert watch.errors == [] and watch.leaving == []
        other.wait_for_timeout(1500)
        assert other_loads == []  # a tab showing another client is left alone
        other.close()
        page.close()
    finally:
        out = served.stop()
    assert re.search(r"^rebuilt clients/aurora-dental-group\.html, \d+ ritual records naming it and \d+ summary pages "
                     r"in \d+\.\d\ds$", out, re.M), out


def test_every_page_fits_a_phone_and_the_keyboard_reaches_the_content(browser, sample_site):
    _, out, rendered = sample_site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide = []
    for rel in rendered:
        page.goto((out / rel).as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append((rel, width))
    assert wide == []  # wide tables and the calendar scroll inside their own box
    page.goto((out / "clients.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-text"  # the search box comes first
    context.close()


def test_dark_mode_follows_the_system_and_print_leaves_the_navigation_out(browser, sample_site):
    _, out, _ = sample_site
    dark = browser.new_context(color_scheme="dark")
    page = dark.new_page()
    page.goto((out / "clients/aurora-dental-group.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 24, 28)"
    dark.close()
    light = browser.new_context(color_scheme="light")
    page = light.new_page()
    page.goto((out / "clients/aurora-dental-group.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 250, 248)"
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator(".history").is_visible()
    assert page.locator("#client-name").is_visible() and page.locator(".notes").is_visible()
    light.close()
