"""What a build keeps of the last one: each page's key, so a page whose inputs did not change is not made again.

A page's *key* is a digest of everything its context is made from:

- every page: the code of rippledoc (and the versions of the libraries that render), the templates and
  assets (the shipped ones and the workspace's own), the date, the live-reload version, the bytes of
  ``rippledoc.yaml``, of the rituals and of their records, and the counts of errors and warnings the navigation shows;
- a client's page, beside those: the bytes of its file (``Book.digests``), its problems and the lines
  they point at, its git history, and where its stories and kudos are listed (``Links`` of that client).
  Its context holds nothing else (``pages.client_page_for``), so a workspace's own template cannot
  show more than the key covers;
- every other page (the summaries, the records, the search index, the feed) and the site as a whole:
  the *book key*, all of the above for every file.

The manifest ``.rippledoc-cache/site-HASH.json`` (one per output folder) holds the book key,
each file's key with the stat it was written with (size, mtime, inode), and the stat of every file the
book was loaded from. A build whose date, code, templates, git state and input stats are the manifest's
(``PageCache.unchanged``, before the book is loaded), or whose book key is the manifest's, over an
output folder that holds exactly those files with those stats, writes nothing: the site is up to date. Otherwise every summary page is made again, and a client page whose key and
file are unchanged is linked (or copied) from the old folder into the new one instead of being made.
A file changed or added by hand in the output folder fails its stat and is made again. The manifest
is sealed like the content cache (rippledoc/read/cache.py: ``secret``); one that fails its seal or was
written by another version is ignored. It is safe to delete.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from rippledoc.diagnostics import Diagnostic
from rippledoc.parse.settings import SETTINGS_FILE
from rippledoc.read.cache import CACHE_DIR, RACY_NS, encode_diag, secret, stat_key
from rippledoc.read.source import skipped
from rippledoc.read.gitsetup import driver_problem
from rippledoc.team import history
from rippledoc.book.templates import template_dirs

if TYPE_CHECKING:  # the pages and their views are imported only when a page is to be made
    from rippledoc.site.pages import SiteInput

FORMAT = "rippledoc-site 1"
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "tzdata", "MarkupSafe")
Stat = tuple[int, int, int]  # size, mtime_ns, inode


def _h(*parts: object) -> str:
    h = hashlib.sha256(FORMAT.encode())
    for p in parts:
        h.update(b"\0" + (p if isinstance(p, bytes) else str(p).encode("utf-8", "surrogatepass")))
    return h.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


_CODE: str | None = None


def code_digest() -> str:
    """The package's own files (code, shipped rituals, defaults) and the versions of what renders a page."""
    global _CODE
    if _CODE is None:
        here = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(FORMAT.encode())
        for path in _files(here):
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
        for name in LIBRARIES:
            try:
                h.update(f"{name} {metadata.version(name)}\0".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{name} -\0".encode())
        _CODE = h.hexdigest()
    return _CODE


def templates_digest(root: Path) -> str:
    """The templates and assets a build renders with, in their lookup order."""
    h = hashlib.sha256()
    for folder in template_dirs(root):
        h.update(str(folder).encode() + b"\0")
        for path in _files(folder):
            try:
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
            except OSError:
                h.update(b"unreadable\0")
    return h.hexdigest()


def _stat(path: Path) -> Stat | None:
    try:
        return stat_key(os.lstat(path))
    except OSError:
        return None


@dataclass
class Manifest:
    out: str
    book: str
    files: dict[str, tuple[str, Stat]] = field(default_factory=dict)  # path in the site -> (key, stat)
    state: str = ""  # the date, the code, the templates, git's state (``PageCache.unchanged``)
    inputs: dict[str, list[int]] = field(default_factory=dict)  # the workspace's files -> their stat
    written_ns: int = 0
    sources: dict[str, str] = field(default_factory=dict)  # client file -> its page
    diags: list[Any] = field(default_factory=list)  # the book's problems, encoded

    def encode(self) -> bytes:
        body = json.dumps({"format": FORMAT, "out": self.out, "book": self.book,
                           "files": {p: [k, *st] for p, (k, st) in sorted(self.files.items())},
                           "state": self.state, "inputs": self.inputs, "written_ns": self.written_ns,
                           "sources": self.sources, "diags": self.diags},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return _seal(body).encode() + b"\n" + body

    @classmethod
    def decode(cls, data: bytes) -> Manifest | None:
        seal, _, body = data.partition(b"\n")
        if not hmac.compare_digest(seal, _seal(body).encode()):
            return None
        try:
            raw = json.loads(body)
            if raw.get("format") != FORMAT:
                return None
            files = {p: (str(v[0]), (int(v[1]), int(v[2]), int(v[3]))) for p, v in raw["files"].items()}
            return cls(str(raw["out"]), str(raw["book"]), files, str(raw["state"]), dict(raw["inputs"]),
                       int(raw["written_ns"]), dict(raw["sources"]), list(raw["diags"]))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None


def _seal(body: bytes) -> str:
    return hashlib.blake2b(body, key=secret(), digest_size=16, person=b"rippledoc-site").hexdigest()


class PageCache:
    """The keys of one build's pages against the manifest of the last build into the same folder."""

    def __init__(self, root: Path, out: Path, today: date, live: int, enabled: bool = True) -> None:
        self.root, self.out = root, out
        self.enabled = enabled and os.environ.get("RIPPLEDOC_NO_CACHE", "") == ""
        self.path = root / CACHE_DIR / f"site-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json"
        self.last: Manifest | None = None
        if self.enabled:
            try:
                self.last = Manifest.decode(self.path.read_bytes())
            except OSError:
                self.last = None
            if self.last is not None and self.last.out != str(out):
                self.last = None
        git = history.state(root)
        self.templates = templates_digest(root)
        self.state = "" if git is None else _h(code_digest(), self.templates, today, live, git, driver_problem(root))
        self.inputs: dict[str, list[int]] | None = None
        self.facets = ""
        self.inp: SiteInput | None = None

    def unchanged(self) -> bool:
        """Whether the site is up to date by the stat of every file it is made from, before loading the book:
        the same date, code, templates and git state, every file of the workspace as the last build found it
        (none changed too close to that build for its stat to tell: git's racy-file rule), and the output folder
        as that build wrote it."""
        self.inputs = None if not self.state else input_stats(self.root)
        last = self.last
        if last is None or self.inputs is None or not last.state or last.state != self.state:
            return False
        if self.inputs != last.inputs or any(st[1] >= last.written_ns - RACY_NS for st in self.inputs.values()):
            return False
        return self.intact(last)

    def intact(self, last: Manifest) -> bool:
        """Whether the output folder holds exactly the files ``last`` wrote, each with the stat it had."""
        found = dict(walk(self.out))
        if found.keys() != last.files.keys():
            return False
        return all(found[p] == st for p, (_, st) in last.files.items())

    def bind(self, inp: SiteInput) -> None:
        """The book is loaded: what every page's key has in common."""
        self.inp = inp
        ws = inp.ws
        others = sorted((p, d) for p, d in ws.digests.items() if not p.startswith("clients/"))
        self.facets = _h(code_digest(), self.templates, inp.today, inp.live,
                         inp.errors, len(inp.diags) - inp.errors, others)

    def book_key(self) -> str:
        """The key of the whole site: every file, every problem, the history."""
        inp = self.inp
        assert inp is not None, "bind the book first"
        history = None if inp.history is None else (sorted(inp.history.commits.items()),
                                                     sorted(inp.history.uncommitted))
        return _h(self.facets, sorted(inp.ws.digests.items()), inp.ws.paths, inp.diags,
                  sorted(inp.excerpts.items()), history)

    def client_key(self, slug: str) -> str | None:
        """The key of a client's page (None: not to be kept, its file's bytes are not known)."""
        inp = self.inp
        assert inp is not None, "bind the book first"
        path = f"clients/{slug}.md"
        c = inp.ws.client(slug)
        digest = inp.ws.digests.get(c.path if c is not None else path)
        if digest is None:
            return None
        problems = inp.by_path.get(c.path if c is not None else path, [])
        links = inp.client_links.get(slug)
        history = None
        if inp.history is not None and c is not None:
            history = (inp.history.of(c.path), c.path in inp.history.uncommitted)
        return _h(self.facets, path, digest, problems, inp.excerpts_of(problems),
                  None if links is None else (sorted(links.stories.items()), sorted(links.kudos.items())), history)

    def up_to_date(self, book: str) -> bool:
        """Whether the output folder is what this build would write: the same book key, the same files."""
        return self.last is not None and self.last.book == book and self.intact(self.last)

    def keys(self) -> dict[str, str]:
        """The keys of the last build's files."""
        return {} if self.last is None else {p: k for p, (k, _) in self.last.files.items()}

    @property
    def files(self) -> int:
        """How many files the last build wrote."""
        return 0 if self.last is None else len(self.last.files)

    def reusable(self, rel: str, key: str | None) -> bool:
        """Whether the last build's file ``rel`` was made from ``key`` and is still as it was written."""
        if key is None or self.last is None:
            return False
        had = self.last.files.get(rel)
        return had is not None and had[0] == key and _stat(self.out / rel) == had[1]

    def stats(self) -> dict[str, Stat]:
        """The stat of each file of the last build, as it wrote them."""
        return {} if self.last is None else {p: st for p, (_, st) in self.last.files.items()}

    def save(self, book: str, keys: dict[str, str], sources: dict[str, str], diags: Iterable[Diagnostic],
             started_ns: int, written: dict[str, Stat]) -> None:
        """Record the folder just written (``written``: each file's stat): each file's key (``keys``, else the
        book key), and the stat of every file of the workspace as it was before the book was loaded
        (``started_ns``: then)."""
        if not self.enabled:
            self.forget()
            return
        files = {p: (keys.get(p, book), st) for p, st in written.items()}
        inputs = self.inputs if self.inputs is not None else {}
        data = Manifest(str(self.out), book, files, self.state if self.inputs is not None else "", inputs,
                        started_ns, sources, [encode_diag(d) for d in diags]).encode()
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
        except OSError:  # a cache that cannot be written only makes the next build slower
            tmp.unlink(missing_ok=True)

    def forget(self) -> None:
        """The folder was written without keys (an encrypted build): the manifest no longer describes it."""
        try:
            if self.path.exists() and Manifest.decode(self.path.read_bytes()) is not None:
                self.path.unlink()
        except OSError:
            pass


def input_stats(root: Path) -> dict[str, list[int]] | None:
    """The stat of every file and folder a book is loaded from (``rippledoc.yaml``, ``clients/``, ``rituals/``);
    None when a stat cannot vouch for what is read (a link, a folder that cannot be listed)."""
    found: dict[str, list[int]] = {}
    for name in (SETTINGS_FILE, "clients", "rituals"):
        try:
            st = os.lstat(root / name)
        except FileNotFoundError:
            continue
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return None
        found[name] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode] if stat.S_ISREG(st.st_mode) \
            else [0, 0, st.st_ino, st.st_mode]
        if stat.S_ISDIR(st.st_mode) and not _scan_into(root / name, f"{name}/", found, name == "rituals"):
            return None
    return found


def _scan_into(folder: Path, prefix: str, found: dict[str, list[int]], deep: bool) -> bool:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for e in entries:
        if skipped(e.name):
            continue
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            return False
        if stat.S_ISLNK(st.st_mode):
            return False
        if stat.S_ISDIR(st.st_mode):
            found[f"{prefix}{e.name}"] = [0, 0, st.st_ino, st.st_mode]
            if deep and not _scan_into(Path(e.path), f"{prefix}{e.name}/", found, deep):
                return False
        else:
            found[f"{prefix}{e.name}"] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode]
    return True


MARKER = ".rippledoc-site"  # written into every built site: only such a folder is ever replaced


def walk(out: Path) -> Iterator[tuple[str, Stat]]:
    """Every file of a built site but its marker, with its stat."""
    stack = [("", out)]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            rel = f"{prefix}{e.name}"
            if e.is_dir(follow_symlinks=False):
                stack.append((f"{rel}/", Path(e.path)))
            elif rel != MARKER:
                yield rel, stat_key(e.stat(follow_symlinks=False))
