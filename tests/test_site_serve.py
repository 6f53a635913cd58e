"""``rippledoc serve``: loopback only, refuses foreign hosts and paths out of the site, rebuilds what changed.

The server runs as a real ``rippledoc serve`` process on a free port; the
tests talk to it over HTTP and edit the workspace as an editor would.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, write
from rippledoc.site.serve import affected_clients, allowed_hosts, host_allowed, relevant
from test_site import ACME, BETA, make


ENV = {**os.environ, "PYTHONUNBUFFERED": "1",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


class Served:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rippledoc", "-C", str(root), "serve", "--port", "0", "--today", "2026-11-22"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root,
            env=ENV)
        self.lines: list[str] = []
        while True:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise AssertionError("serve exited: " + "".join(self.lines))
            self.lines.append(line)
            m = re.match(r"serving http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m[1])
                break

    def get(self, path: str, host: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{self.port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        conn.close()
        return resp.status, dict(resp.getheaders()), body

    def stamp(self, page: str) -> str:
        """The build stamp the page carries for its reload script."""
        m = re.search(r'<script src="[./]*assets/reload\.js" data-version="(\d+)" defer></script>', self.get(page)[2])
        assert m, page
        return m[1]

    def reload(self, page: str, stamp: str) -> str:
        """What version.js tells a tab showing ``page`` with ``stamp``: 'true' (reload) or 'false'."""
        body = self.get(f"/__rippledoc/version.js?page={page}&v={stamp}")[2]
        m = re.fullmatch(r"window\.__rippledocReload && window\.__rippledocReload\((true|false)\);\n", body)
        assert m, body
        return m[1]

    def status(self) -> dict:
        return json.loads(self.get("/__rippledoc/status.json")[2])

    def wait_version(self, after: int, timeout: float = 10) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.status()
            if st["version"] > after:
                return st
            time.sleep(0.05)
        raise AssertionError(f"no rebuild within {timeout}s; output: {self.output()}")

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> str:
        self.proc.terminate()
        rest, _ = self.proc.communicate(timeout=10)
        self.lines.append(rest)
        return self.output()


@pytest.fixture
def served(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA})
    s = Served(root)
    yield s
    if s.proc.poll() is None:
        s.stop()


def test_serves_the_site_with_privacy_headers_and_the_reload_script(served):
    status, headers, body = served.get("/")
    assert status == 200 and "<h1>Today" in body
    stamp = served.stamp("/")
    assert f'<script src="assets/reload.js" data-version="{stamp}" defer></script>' in body
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert served.get("/clients/acme.html")[0] == 200
    assert served.get(f"/__rippledoc/version.js?page=%2F&v={stamp}")[2] == (
        "window.__rippledocReload && window.__rippledocReload(false);\n")


def test_refuses_foreign_host_headers(served):
    for host in ("evil.example", f"evil.example:{served.port}", "127.0.0.1.nip.io", f"10.0.0.1:{served.port}"):
        status, _, body = served.get("/", host=host)
        assert status == 421 and "answers only to" in body, host
    assert served.get("/", host=f"localhost:{served.port}")[0] == 200


# What a browser sends with a request another page made: https://www.w3.org/TR/fetch-metadata/
FROM_ANOTHER_SITE = {
    "a script on another site": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script"},
    "another port of 127.0.0.1": {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script"},
    "a frame on another site": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"},
    "fetch() from another site": {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site",
                                  "Sec-Fetch-Mode": "cors"},
    "an Origin alone": {"Origin": "http://evil.example"},
    "a sandboxed frame": {"Origin": "null"},
    "another port, by Origin": {"Origin": "http://127.0.0.1:1"},
}


@pytest.mark.parametrize("who", FROM_ANOTHER_SITE)
def test_requests_another_site_made_are_refused(served, who):
    stamp = served.stamp("/clients/acme.html")
    for path in (f"/__rippledoc/version.js?page=/clients/acme.html&v={stamp}", "/__rippledoc/status.json",
                 "/clients/acme.html", "/assets/site.css"):
        status, _, body = served.get(path, headers=FROM_ANOTHER_SITE[who])
        assert status == 403 and "answers its own pages only" in body, (who, path)
        assert "Acme" not in body and stamp not in body


def test_this_server_s_own_pages_and_typed_addresses_are_answered(served):
    own = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script"}
    assert served.get("/__rippledoc/version.js?page=/", headers=own)[0] == 200
    assert served.get("/__rippledoc/version.js?page=/", headers={**own, "Origin": f"http://127.0.0.1:{served.port}"})[0] == 200
    assert served.get("/__rippledoc/status.json", headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"})[0] == 200
    # a link on another site to a page opens it in its own tab; that site sees nothing of it
    link = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert served.get("/", headers=link)[0] == 200
    assert served.get("/__rippledoc/status.json", headers=link)[0] == 403  # but never a dynamic answer
    assert served.get("/", host=f"localhost:{served.port}", headers={"Origin": f"http://localhost:{served.port}"})[0] == 200


def test_without_a_page_s_stamp_the_reload_answer_is_the_same_for_every_page_name(served):
    """An old browser that sends no Sec-Fetch-Site lets another site's <script> through: it learns nothing."""
    real = ["/", "/index.html", "/clients/acme.html", "/clients/beta.html", "/problems.html"]
    made_up = ["/clients/nobody.html", "/clients/acme-2.html", "/nothing", "/%2e%2e/x", ""]
    guesses = ["", "0", "1", "2", "-1", "error", "null", "undefined", "9007199254740991", "1e3", "x" * 300]
    for guess in guesses:
        answers = {served.get(f"/__rippledoc/version.js?page={page}&v={guess}")[2] for page in real + made_up}
        assert len(answers) == 1, (guess, answers)
    assert {served.get(f"/__rippledoc/version.js?page={page}")[2] for page in real + made_up} == {
        "window.__rippledocReload && window.__rippledocReload(true);\n"}
    assert served.reload("/clients/acme.html", served.stamp("/clients/acme.html")) == "false"


def test_build_stamps_are_random_not_counted(served):
    first = served.stamp("/clients/acme.html")
    v = served.status()["version"]
    (served.root / "rippledoc.yaml").write_text((served.root / "rippledoc.yaml").read_text() + "\n")
    served.wait_version(v)
    second = served.stamp("/clients/acme.html")
    assert first != second and abs(int(first) - int(second)) > 1000 and int(first) > 1000


def test_refuses_paths_leaving_the_site(served, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/../../secret.txt",
                 "//etc/passwd", "/.rippledoc-site", "/clients/acme.md"):
        status, _, body = served.get(path)
        assert status == 404 and "do not serve" not in body, path


def test_a_very_long_address_gets_a_short_answer_not_an_empty_reply(served):
    """3,000 segments once closed the connection without a word (an uncaught ENAMETOOLONG)."""
    for path in ("/" + "/".join(["a"] * 3000), "/" + "/".join(["ab" * 5] * 3000), "/" + "a/" * 2000,
                 "/" + "x" * 4000 + ".html", "/" + "../" * 1300):
        status, headers, body = served.get(path)
        assert status in (404, 414) and body.strip(), (len(path), status)
        assert len(body) < 200 and headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert served.get("/clients/acme.html")[0] == 200  # and the server still serves


def test_a_client_edit_rebuilds_that_client_and_the_summaries_only(served):
    v = served.status()["version"]
    stamps = {page: served.stamp(page) for page in ("/clients/acme.html", "/clients/beta.html", "/index.html")}
    path = served.root / "clients/acme.md"
    path.write_text(path.read_text().replace("fewer surprises", "no surprises at all"))
    st = served.wait_version(v)
    assert sorted(st["rendered"]) == ["clients.html", "clients/acme.html", "index.html", "intel.html", "kudos.html",
                                      "metrics.html", "problems.html", "rituals.html", "search.html", "stories.html"]
    assert "<strong>no surprises at all</strong>" in served.get("/clients/acme.html")[2]
    # only the tabs whose page was written again reload
    assert {page: served.reload(page, stamp) for page, stamp in stamps.items()} == {
        "/clients/acme.html": "true", "/clients/beta.html": "false", "/index.html": "true"}
    assert served.reload("/clients/acme.html", served.stamp("/clients/acme.html")) == "false"
    assert re.search(r"^rebuilt clients/acme\.html and 9 summary pages in \d+\.\d\ds$", served.stop(), re.M)


def test_a_tab_s_question_is_held_until_its_page_is_rebuilt_not_polled(served):
    import threading
    stamp = served.stamp("/clients/acme.html")
    started = time.monotonic()
    quiet = served.get(f"/__rippledoc/version.js?page=/clients/beta.html&v={served.stamp('/clients/beta.html')}&wait=1")
    assert quiet[2].endswith("(false);\n") and time.monotonic() - started >= 0.9  # nothing changed: held, then "not yet"
    answer: dict[str, object] = {}

    def ask() -> None:
        answer["body"] = served.get(f"/__rippledoc/version.js?page=/clients/acme.html&v={stamp}&wait=20")[2]
        answer["at"] = time.monotonic()

    asking = threading.Thread(target=ask)
    asking.start()
    time.sleep(0.5)
    assert "body" not in answer  # still held
    v = served.status()["version"]
    path = served.root / "clients/acme.md"
    path.write_text(path.read_text().replace("fewer surprises", "held, then answered"))
    served.wait_version(v)
    done = time.monotonic()
    asking.join(timeout=10)
    assert answer["body"] == "window.__rippledocReload && window.__rippledocReload(true);\n"
    assert answer["at"] - done < 1.0  # answered when the build was written, not when the 20 s ran out
    assert "held, then answered" in served.get("/clients/acme.html")[2]


def test_a_held_question_is_bounded(served):
    from rippledoc.site.serve import MAX_WAIT, wait_seconds
    assert [wait_seconds({"wait": [w]}) for w in ("5", "-3", "1e9", "soon")] == [5.0, 0.0, MAX_WAIT, 0.0]
    assert wait_seconds({}) == 0.0


def test_an_editors_atomic_save_is_seen_through_its_destination(served):
    v = served.status()["version"]
    tmp = served.root / "clients/.beta.md.swp-tmp"
    tmp.write_text((served.root / "clients/beta.md").read_text().replace("Small and loyal.", "Small, loyal, growing."))
    os.replace(tmp, served.root / "clients/beta.md")
    st = served.wait_version(v)
    assert "clients/beta.html" in st["rendered"] and "clients/acme.html" not in st["rendered"]
    assert "Small, loyal, growing." in served.get("/clients/beta.html")[2]


def test_broken_yaml_shows_the_problem_then_the_next_good_save_recovers(served):
    path = served.root / "clients/acme.md"
    good = path.read_text()
    v = served.status()["version"]
    path.write_text(good.replace("level: key", "level: [key"))
    v = served.wait_version(v)["version"]
    page = served.get("/clients/acme.html")[2]
    assert "could not be read" in page and "E012" in page
    assert "E012" in served.get("/problems.html")[2]
    path.write_text(good)
    served.wait_version(v)
    assert '<h1 id="client-name">Acme Tools</h1>' in served.get("/clients/acme.html")[2]
    assert "Traceback" not in served.stop()


def test_a_new_and_a_deleted_client(served):
    v = served.status()["version"]
    write(served.root, {"clients/gamma.md": "---\nname: Gamma Gardens\n---\nNew.\n"})
    v = served.wait_version(v)["version"]
    assert served.get("/clients/gamma.html")[0] == 200
    (served.root / "clients/beta.md").unlink()
    st = served.wait_version(v)
    assert st["removed"] == ["clients/beta.html"]
    assert served.get("/clients/beta.html")[0] == 404


def test_a_template_error_shows_an_error_page_and_recovers(served):
    v = served.status()["version"]
    beta = served.stamp("/clients/beta.html")
    write(served.root, {"site_templates/tagged.html": "{% if %}"})
    st = served.wait_version(v)
    assert "template syntax error" in st["error"]
    status, _, body = served.get("/index.html")
    assert status == 500 and "The site could not be rebuilt" in body and "tagged.html:1" in body
    assert '<script src="/assets/reload.js" data-version="error" defer></script>' in body
    assert served.reload("/index.html", "error") == "false"  # the error page stays until the site builds
    assert served.reload("/clients/beta.html", beta) == "true"  # every other page shows the error
    (served.root / "site_templates/tagged.html").unlink()
    st = served.wait_version(st["version"])
    assert st["error"] is None and served.get("/index.html")[0] == 200
    assert served.reload("/index.html", "error") == "true"  # recovered: the error page reloads
    out = served.stop()
    assert "rippledoc: rebuild failed:" in out and "Traceback" not in out


def test_the_output_and_cache_folders_are_not_watched(tmp_path):
    root = tmp_path.resolve()
    ignored = (root / "out",)
    assert relevant(root, str(root / "clients/a.md"), ignored) == "clients/a.md"
    assert relevant(root, str(root / "rippledoc.yaml"), ignored) == "rippledoc.yaml"
    assert relevant(root, str(root / "rituals/weekly/2026-W47.md"), ignored) == "rituals/weekly/2026-W47.md"
    for path in ("out/index.html", "_site/index.html", ".rippledoc-cache/x", ".git/index", "clients/.a.md.swp",
                 "clients/a.md~", "README.md", "clients/#a.md#"):
        assert relevant(root, str(root / path), ignored) is None, path
    assert affected_clients({"clients/a.md", "clients/b.md"}) == {"a", "b"}
    assert affected_clients({"clients/a.md", "rippledoc.yaml"}) is None


def test_only_loopback_names_are_allowed_unless_another_host_is_chosen():
    assert allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "192.168.1.5:8000" in allowed_hosts("192.168.1.5", 8000)
    on_loopback = allowed_hosts("127.0.0.1", 8000)
    assert not host_allowed("192.168.1.5:8000", on_loopback, 8000, network=False)
    # listening on every interface: an address typed by hand works, a name (DNS rebinding) does not
    everywhere = allowed_hosts("0.0.0.0", 8000)
    assert host_allowed("192.168.1.5:8000", everywhere, 8000, network=True)
    assert host_allowed("[fe80::1]:8000", everywhere, 8000, network=True)
    assert not host_allowed("evil.example:8000", everywhere, 8000, network=True)
    assert not host_allowed("192.168.1.5:8001", everywhere, 8000, network=True)


def test_a_taken_port_is_a_clear_error(served):
    result = subprocess.run([sys.executable, "-m", "rippledoc", "-C", str(served.root), "serve", "--port",
                             str(served.port)], capture_output=True, text=True, timeout=30, env=ENV)
    assert result.returncode == 1
    assert result.stderr.startswith(f"rippledoc: cannot listen on 127.0.0.1:{served.port}: ")
    assert "Traceback" not in result.stderr


def test_when_the_first_build_fails_every_page_shows_the_error_with_its_style(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME, "site_templates/tagged.html": "{{ oops( }}"})
    served = Served(root)
    try:
        for path in ("/", "/index.html", "/clients/acme.html"):
            status, _, body = served.get(path)
            assert status == 500 and "The site could not be rebuilt" in body and "tagged.html:1" in body, path
        status, headers, css = served.get("/assets/site.css")
        assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8" and ":root" in css
        assert served.get("/assets/../rippledoc.yaml")[0] == 404
    finally:
        out = served.stop()
    assert out.count("rebuild failed") == 1 and "Traceback" not in out


def test_past_midnight_the_site_is_rebuilt_for_the_new_day(tmp_path):
    import threading
    from datetime import date

    from rippledoc.site.build import SiteBuilder
    from rippledoc.site.serve import Rebuilder, State
    root = make(tmp_path, {"clients/acme.md": ACME})
    days = [date(2026, 11, 22)]
    builder = SiteBuilder(root, tmp_path / "out", lambda: days[0])
    state, lines = State(), []
    rebuilder = Rebuilder(builder, state, lines.append)
    rebuilder.day_check = 0.05
    rebuilder.rebuild(None)
    assert "Sun 22 Nov 2026" in (tmp_path / "out/index.html").read_text()
    worker = threading.Thread(target=rebuilder.loop, daemon=True)
    worker.start()
    time.sleep(0.3)
    assert state.rebuilds == 1  # nothing changed, same day: no rebuild
    days[0] = date(2026, 11, 23)
    end = time.monotonic() + 10
    while state.rebuilds < 2 and time.monotonic() < end:
        time.sleep(0.05)
    rebuilder.stop()
    worker.join(timeout=5)
    assert state.rebuilds == 2 and lines[-1].startswith("rebuilt all")
    assert "Mon 23 Nov 2026" in (tmp_path / "out/index.html").read_text()
