"""``rippledoc serve``: build, serve on 127.0.0.1, watch the workspace, rebuild what changed, reload tabs.

- The server binds 127.0.0.1 unless told otherwise, answers only requests
  whose ``Host`` names this server (DNS rebinding), only GET and HEAD, and
  only files inside the built site (no ``..``, no symlink out).
- The watchdog callback only records which files changed; one thread waits
  until the changes stop for ``DEBOUNCE`` seconds and rebuilds: a change to
  ``clients/X.md`` re-renders X's page and the aggregate pages, anything else
  the whole site. Editors' atomic saves arrive as moved events: the
  destination path counts.
- Each page is stamped with the random stamp of the build that wrote it;
  an open tab asks ``/__rippledoc/version.js?page=PATH&v=STAMP&wait=25``,
  a request the server holds until that page has been written again (or a
  rebuild failed, or recovered), or 25 seconds passed, so the tab reloads
  the moment the build that includes an edit is on disk, without polling. A
  failed rebuild shows its error instead of the pages, and the next good
  save recovers. Nothing is ever printed as a traceback.
- It answers its own pages only: the dynamic endpoints (``/__rippledoc/``)
  refuse a request another site made (``Sec-Fetch-Site`` other than
  ``same-origin`` or ``none``, or an ``Origin`` that is not this server);
  files refuse it too unless it is a top-level navigation. Without the
  stamp a page carries, ``version.js`` gives the same answer for every page
  name, so it cannot tell anyone which clients exist.
"""
from __future__ import annotations

import http.server
import ipaddress
import json
import mimetypes
import os
import posixpath
import re
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from rippledoc.clock import workspace_clock
from rippledoc.site.build import BuildError, BuildResult, SiteBuilder
from rippledoc.site import csp
from rippledoc.site.render import shipped_page
from rippledoc.book.templates import TEMPLATE_DIR, template_dirs
from rippledoc.site.urls import slug_of_path

DEBOUNCE = 0.1  # seconds without a change before a rebuild starts (an editor's save is a burst of a few ms)
WATCHED_TOP = ("clients", "rituals", TEMPLATE_DIR)
WATCHED_FILES = ("rippledoc.yaml",)
IGNORED_TOP = (".git", ".rippledoc-cache", "_site", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
LOOPBACK_IPS = ("127.0.0.1", "::1")
MAX_URL = 4096  # characters of a request's address (PATH_MAX); a longer one is answered 414
MAX_WAIT = 25.0  # seconds version.js holds a request before answering "not yet" (below browsers' timeouts)


class ServeError(Exception):
    """The server cannot start (the port is taken, the address cannot be bound)."""


def new_stamp() -> int:
    """A build's stamp, written into its pages: random, so only a tab that shows a page knows it."""
    return secrets.randbelow(2 ** 53 - 1) + 1  # an exact JavaScript number, never 0 (0: no reload script)


@dataclass
class State:
    version: int = 0  # how many builds ran (status.json)
    pages: dict[str, int] = field(default_factory=dict)  # page -> the stamp of the build that last wrote it
    rebuilds: int = 0
    rendered: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    built: threading.Condition = field(init=False)  # notified, with ``lock`` held, after every rebuild

    def __post_init__(self) -> None:
        self.built = threading.Condition(self.lock)

    def stale(self, page: str, seen: str) -> bool:
        """Whether a tab showing ``page``, stamped ``seen``, should reload. Call with ``lock`` held.

        A stamp that no page on disk carries gets "reload" whatever the page
        name, and the page is not even looked up: without a page's stamp the
        answer reveals nothing about which pages exist.
        """
        if self.error is not None:
            return seen != "error"  # show the error page (an error page stays until the site builds)
        if not seen.isdigit() or int(seen) not in self.pages.values():
            return True
        return self.pages.get(page) != int(seen)

    def wait_stale(self, page: str, seen: str, seconds: float) -> bool:
        """``stale``, once it becomes true or ``seconds`` have passed (0: answer now). Call with ``lock`` held."""
        return self.built.wait_for(lambda: self.stale(page, seen), timeout=seconds) if seconds > 0 else \
            self.stale(page, seen)

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {"version": self.version, "rebuilds": self.rebuilds, "rendered": list(self.rendered),
                    "removed": list(self.removed), "error": self.error}


# ---- what a change affects ---------------------------------------------------------------------------

def relevant(root: Path, path: str, ignored: tuple[Path, ...]) -> str | None:
    """The workspace-relative path of a changed file that matters to the site, else None."""
    try:
        p = Path(os.path.abspath(path))
        rel = p.relative_to(root)
    except (ValueError, OSError):
        return None
    if any(p == d or p.is_relative_to(d) for d in ignored):
        return None
    parts = rel.parts
    if not parts or parts[0] in IGNORED_TOP:
        return None
    name = parts[-1]
    if name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")):
        return None
    if rel.as_posix() in WATCHED_FILES:
        return rel.as_posix()
    if parts[0] in WATCHED_TOP and len(parts) > 1:
        return rel.as_posix()
    return None


def affected_clients(paths: set[str]) -> set[str] | None:
    """The client slugs to re-render, or None when the change needs a full rebuild."""
    slugs = set()
    for p in paths:
        slug = slug_of_path(p)
        if slug is None:
            return None
        slugs.add(slug)
    return slugs


# ---- the rebuild loop ----------------------------------------------------------------------------------

class Rebuilder:
    """Collects changed paths from the watcher and rebuilds once they settle."""

    def __init__(self, builder: SiteBuilder, state: State, log: Callable[[str], None]) -> None:
        self.builder, self.state, self.log = builder, state, log
        self.pending: set[str] = set()
        self.last_event = 0.0
        self.cond = threading.Condition()
        self.stopped = False
        self.day_check = 30.0  # seconds between looks at the clock: past midnight the plan changes

    def changed(self, rel: str) -> None:
        with self.cond:
            self.pending.add(rel)
            self.last_event = time.monotonic()
            self.cond.notify()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def loop(self) -> None:
        built_for = self.builder.today()
        while True:
            with self.cond:
                while not self.pending and not self.stopped:
                    self.cond.wait(timeout=self.day_check)
                    if not self.pending and self.builder.today() != built_for:
                        break  # a new day: what is due has changed although no file did
                if self.stopped:
                    return
                while (wait := self.last_event + DEBOUNCE - time.monotonic()) > 0 and not self.stopped:
                    self.cond.wait(wait)
                paths, self.pending = self.pending, set()
            built_for = self.builder.today()
            self.rebuild(paths or None)

    def rebuild(self, paths: set[str] | None) -> None:
        slugs = affected_clients(paths) if paths else None
        stamp = self.builder.version = new_stamp()

        def written(paths: list[str], removed: list[str]) -> None:  # these pages are on disk: their tabs may reload
            with self.state.lock:
                self.state.pages.update({p: stamp for p in paths})
                for p in removed:
                    self.state.pages.pop(p, None)
                self.state.built.notify_all()

        try:
            result = self.builder.full() if slugs is None else self.builder.update(slugs, written)
        except BuildError as exc:
            self._failed(str(exc))
            return
        except Exception as exc:  # never a traceback in the terminal: say what failed and keep serving
            self._failed(f"{type(exc).__name__}: {exc}")
            return
        with self.state.lock:
            self.state.version += 1
            self.state.rebuilds += 1
            if slugs is None:
                self.state.pages = {}
            self.state.pages.update({p: stamp for p in result.rendered})
            for p in result.removed:
                self.state.pages.pop(p, None)
            self.state.rendered, self.state.removed, self.state.error = result.rendered, result.removed, None
            self.state.built.notify_all()
        self.log(describe(result, slugs, paths))

    def _failed(self, message: str) -> None:
        with self.state.lock:
            self.state.version += 1
            self.state.error = message
            self.state.built.notify_all()
        self.log(f"rippledoc: rebuild failed: {message}")


def describe(result: BuildResult, slugs: set[str] | None, paths: set[str] | None) -> str:
    errors = f"; {result.errors} error{'s' * (result.errors != 1)} in the files" if result.errors else ""
    if slugs is None:
        what = f"rebuilt all {len(result.rendered)} pages"
        if paths:
            what += f" ({', '.join(sorted(paths)[:3])}{', …' if len(paths) > 3 else ''} changed)"
    else:
        clients = [p for p in result.rendered if p.startswith("clients/")]
        records = [p for p in result.rendered if p.startswith("rituals/")]
        summary = len(result.rendered) - len(clients) - len(records)
        what = f"rebuilt {', '.join(clients) or 'no client page'}"
        if records:
            what += f", {len(records)} ritual record{'s' * (len(records) != 1)} naming {'it' if len(slugs) == 1 else 'them'}"
        what += f" and {summary} summary pages"
        if result.removed:
            what += f"; removed {', '.join(result.removed)}"
    return f"{what} in {result.seconds:.2f}s{errors}"


# ---- the watcher -------------------------------------------------------------------------------------

def make_watcher(root: Path, ignored: tuple[Path, ...], on_change: Callable[[str], None]):
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type not in ("created", "modified", "deleted", "moved", "closed"):
                return
            if event.is_directory and event.event_type in ("modified", "closed"):
                return
            for path in (event.src_path, getattr(event, "dest_path", "") or ""):
                if path:
                    rel = relevant(root, path if isinstance(path, str) else path.decode(), ignored)
                    if rel:
                        on_change(rel)

    observer = Observer()
    observer.schedule(Handler(), str(root), recursive=True)
    return observer


# ---- the HTTP side ----------------------------------------------------------------------------------

class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Path, state: State, allowed_hosts: set[str]) -> None:
        self.site, self.state, self.allowed_hosts = site, state, allowed_hosts
        self.asset_dirs: list[Path] = []
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)

    def handle_error(self, request, client_address) -> None:
        pass  # a browser closing a connection early is not worth a traceback


class Handler(http.server.BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "rippledoc"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", csp.HEADER)
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Robots-Tag", "noindex, nofollow")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")  # no other site may embed what we answer
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").lower()
        if not host_allowed(host, self.server.allowed_hosts, self.server.server_address[1],
                            self.server.address_family == socket.AF_INET6 or self.server.server_address[0] not in LOOPBACK_IPS):
            self._text(421, "rippledoc serve: this server answers only to " + ", ".join(sorted(self.server.allowed_hosts)))
            return
        if len(self.path) > MAX_URL:  # no page of ours has such an address; the file system would refuse it anyway
            self._text(414, f"rippledoc serve: the address is longer than {MAX_URL:,} characters; no page has one")
            return
        path = unquote(urlsplit(self.path).path)
        refused = foreign_request(self.headers, host, dynamic=path.startswith(DYNAMIC))
        if refused:
            self._text(403, f"rippledoc serve: {refused}")
            return
        if path == "/__rippledoc/version.js":
            query = parse_qs(urlsplit(self.path).query)
            page = unquote(query.get("page", ["/"])[0]).lstrip("/")
            if page == "" or page.endswith("/"):
                page += "index.html"
            with self.server.state.lock:
                stale = self.server.state.wait_stale(page, query.get("v", [""])[0], wait_seconds(query))
            script = f"window.__rippledocReload && window.__rippledocReload({'true' if stale else 'false'});\n"
            self._send(200, script.encode(), "text/javascript; charset=utf-8")
            return
        if path == "/__rippledoc/status.json":
            self._send(200, json.dumps(self.server.state.snapshot()).encode(), "application/json")
            return
        error = self.server.state.snapshot()["error"]
        if error and (path.endswith((".html", "/")) or "." not in path.rsplit("/", 1)[-1]):
            self._send(500, shipped_page("rebuild_failed.html", csp=csp.PAGE, message=error).encode(), "text/html; charset=utf-8")
            return
        target = self._resolve(path) or self._fallback_asset(path)
        if target is None:
            self._text(404, "not found")
            return
        try:
            body = target.read_bytes()
        except OSError:
            self._text(404, "not found")
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "text/javascript"):
            ctype += "; charset=utf-8"
        self._send(200, body, ctype)

    do_HEAD = do_GET

    def _refuse(self) -> None:
        self._text(405, "rippledoc serve is read-only")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def _fallback_asset(self, path: str) -> Path | None:
        """``/assets/NAME`` from the template folders when the site has none yet (the first build failed)."""
        m = re.fullmatch(r"/assets/([A-Za-z0-9][A-Za-z0-9._-]*)", path)
        if m is None:
            return None
        for folder in self.server.asset_dirs:
            candidate = folder / m[1]
            if candidate.is_file() and not candidate.is_symlink():
                return candidate
        return None

    def _resolve(self, path: str) -> Path | None:
        """The file under the site for a URL path; None for anything outside it."""
        if "\x00" in path or "\\" in path:
            return None
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or p.startswith(".") for p in parts):
            return None
        site = self.server.site.resolve()
        target = (site / posixpath.join(*parts)) if parts else site
        try:  # a name too long, a loop, a path the system cannot take: not found, never a dropped connection
            target = target.resolve()
            if not target.is_relative_to(site):
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None
        except (OSError, ValueError, RuntimeError):
            return None


DYNAMIC = "/__rippledoc/"  # the answers computed per request, as opposed to the site's files
OWN_SITE = ("same-origin", "none")  # Sec-Fetch-Site of this server's pages, and of an address typed or bookmarked


def wait_seconds(query: dict[str, list[str]]) -> float:
    """How long version.js may hold the request: ``wait=SECONDS`` up to ``MAX_WAIT``; 0 (answer now) without it."""
    try:
        return max(0.0, min(MAX_WAIT, float(query.get("wait", ["0"])[0])))
    except ValueError:
        return 0.0


def foreign_request(headers: object, host: str, dynamic: bool) -> str | None:
    """Why a request that another site made is refused, or None for this server's own (and for tools
    that send neither header, such as curl). ``host``: the request's ``Host``, already checked."""
    get = headers.get  # type: ignore[attr-defined]
    origin = get("Origin")
    if origin is not None and origin.lower() != f"http://{host}":
        return f"requests from {origin} are refused: this server answers its own pages only"
    site = (get("Sec-Fetch-Site") or "").lower()
    if not site or site in OWN_SITE:
        return None
    if not dynamic and get("Sec-Fetch-Mode") == "navigate" and get("Sec-Fetch-Dest") in (None, "document"):
        return None  # a link to a page, followed in a tab of its own: the other site sees nothing of it
    return f"a {site} request is refused: this server answers its own pages only"


def host_allowed(header: str, allowed: set[str], port: int, network: bool) -> bool:
    """A ``Host`` header this server answers to. Listening beyond loopback (``network``), any IP address
    with our port is fine too: DNS rebinding needs a name, and an address typed by hand is not one."""
    if header in allowed:
        return True
    if not network:
        return False
    name, _, have = header.rpartition(":")
    if have != str(port):
        return False
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def allowed_hosts(host: str, port: int) -> set[str]:
    names = set(LOOPBACK) | {host.lower() if ":" not in host else f"[{host.lower()}]"}
    hosts = {f"{n}:{port}" for n in names}
    if port == 80:
        hosts |= names
    return hosts


# ---- putting it together ------------------------------------------------------------------------------

def run(root: Path, host: str = "127.0.0.1", port: int = 8000, today: date | None = None, quiet: bool = False,
        out: TextIO | None = None) -> None:
    """Serve until interrupted. ``today``: a fixed date (tests, --today); default: the date at each rebuild
    in the workspace's time zone, so the plan rolls over at the workspace's midnight."""
    stream = out or sys.stdout

    def log(message: str) -> None:
        print(message, file=stream, flush=True)

    root = Path(root).resolve()
    workdir = Path(tempfile.mkdtemp(prefix="rippledoc-serve-"))
    site = workdir / "site"
    state = State()
    try:
        builder = SiteBuilder(root, site, (lambda: today) if today else workspace_clock(root), live=True)
        rebuilder = Rebuilder(builder, state, (lambda m: None) if quiet else log)
        try:
            server = SiteServer((host, port), site, state, set())
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                             + ("; choose another with --port" if port else "")) from None
        real_port = server.server_address[1]
        server.asset_dirs = [d / "assets" for d in template_dirs(root)]
        server.allowed_hosts = allowed_hosts(host, real_port)
        observer = make_watcher(root, (workdir,), rebuilder.changed)
        observer.start()  # before the first build: a file saved while it runs is rebuilt right after it
        rebuilder.rebuild(None)
        url_host = host if ":" not in host else f"[{host}]"
        log(f"serving http://{url_host}:{real_port}/ (Ctrl-C to stop)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            log(f"rippledoc: warning: listening on {host}: anyone who can reach this address can read your notes")
        worker = threading.Thread(target=rebuilder.loop, name="rippledoc-rebuild", daemon=True)
        worker.start()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            log("stopped")
        finally:
            rebuilder.stop()
            observer.stop()
            server.server_close()
            observer.join(timeout=2)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)



def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
