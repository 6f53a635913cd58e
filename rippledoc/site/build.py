"""Build the site: gather everything, render it in memory, write a temporary folder, swap it in.

A failed build (a template error, ``--strict`` with problems) raises
``BuildError`` before the output folder is touched, so there is never half a
site. The swap is one ``renameat2(RENAME_EXCHANGE)`` on Linux and two renames
elsewhere. ``SiteBuilder.update`` is the incremental path ``serve`` uses: it
re-renders the changed clients' pages, writes them, then the aggregate pages,
the search index and the feed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rippledoc.edit.atomic import exchange, new_file_mode, new_folder_mode
from rippledoc.diagnostics import Diagnostic, promote_warnings
from rippledoc.read.cache import decode_diag
from rippledoc.site.cache import MARKER, PageCache, Stat, walk
from rippledoc.site.make import BuildError
from rippledoc.book.templates import TEMPLATE_DIR, template_dirs

if TYPE_CHECKING:
    import jinja2

    from rippledoc.book.book import Book
    from rippledoc.parse.marks import Followups
    from rippledoc.site.pages import Own, SiteInput
    from rippledoc.site.split import Links

ASSETS = "assets"
ASSET_SUFFIXES = (".css", ".js", ".svg", ".png", ".ico", ".txt")

Progress = Callable[[int, int], None]
__all__ = ["BuildError", "BuildResult", "SiteBuilder", "build_site", "write_file", "write_site"]


@dataclass
class BuildResult:
    out: Path
    rendered: list[str]  # the pages rendered by this build, relative paths
    removed: list[str] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    client_pages: dict[str, str] = field(default_factory=dict)  # client file -> its page, of a whole build
    kept: int = 0  # files of the last build kept as they were: their inputs did not change
    made_from: SiteInput | None = field(default=None, repr=False, compare=False)  # the book and views it made

    @property
    def index(self) -> Path:
        return self.out / "index.html"

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diags)


def check_output(root: Path, out: Path) -> None:
    """Refuse an output folder that would overwrite a person's files."""
    root, out = root.resolve(), out.resolve()
    if out == root or root.is_relative_to(out):
        raise BuildError(f"the output folder {out} would contain the workspace; choose another with -o")
    for protected in ("clients", "rituals", TEMPLATE_DIR, ".git"):
        if out.is_relative_to(root / protected):
            raise BuildError(f"the output folder {out} lies inside the workspace's {protected}/; choose another")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(f"{out} is not empty and was not built by rippledoc; refusing to replace it "
                         "(remove it or choose another folder with -o)")


def assets(root: Path) -> dict[str, bytes]:
    """The static files: the package's ``site_templates/assets``, each overridable by the workspace's."""
    files: dict[str, bytes] = {}
    for folder in reversed(template_dirs(root)):
        src = folder / ASSETS
        if not src.is_dir():
            continue
        for path in sorted(src.iterdir()):
            if path.is_file() and not path.is_symlink() and path.suffix in ASSET_SUFFIXES:
                files[f"{ASSETS}/{path.name}"] = path.read_bytes()
    return files


def _write_tree(folder: Path, files: dict[str, bytes], kept: Iterable[str] = (), old: Path | None = None) -> None:
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for rel in kept:  # a page of the last build whose inputs did not change: the same file, linked
        target, source = folder / rel, (old or folder) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # no hard links here: a copy
            shutil.copyfile(source, target)
    (folder / MARKER).write_text("built by rippledoc; this folder is replaced by every build\n")


def swap_in(tmp: Path, out: Path) -> None:
    """Make ``tmp`` the output folder; the old one is removed afterwards."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def write_site(files: dict[str, bytes], out: Path, kept: Iterable[str] = ()) -> dict[str, Stat]:
    """Write a new site beside ``out`` and swap it in; ``kept``: files of the old ``out`` taken over as they are.
    Returns the stat of each file written (taken before the swap: a build swapping in after this one cannot
    pass its files off as these)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        _write_tree(tmp, files, kept, out)
        os.chmod(tmp, new_folder_mode())  # mkdtemp's 0700 -> what mkdir would give
        written = dict(walk(tmp))
        swap_in(tmp, out)
        return written
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_file(out: Path, rel: str, data: bytes) -> None:
    """Replace one page of a built site atomically."""
    target = out / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, new_file_mode())  # mkstemp's 0600 -> what open would give
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


Stage = Callable[[dict[str, bytes]], dict[str, bytes]]
Written = Callable[[list[str], list[str]], None]  # pages written, pages removed


def build_site(root: Path, out: Path, today: date, strict: bool = False, live: int = 0,
               progress: Progress | None = None, stage: Stage | None = None,
               env: jinja2.Environment | None = None) -> BuildResult:
    """Load, gather, render, then swap the new site in. Raises ``BuildError`` and writes nothing on failure.

    The one build: ``rippledoc build`` runs it, and so does every full rebuild of ``serve`` (``SiteBuilder``).
    ``stage``: a last step over the rendered files (path -> bytes) before they are written, e.g. encryption.
    ``env``: the template environment to render with (``serve`` keeps it for its incremental updates).
    """
    started, started_ns = time.monotonic(), time.time_ns()
    root = Path(root).resolve()
    out = Path(out).resolve()
    check_output(root, out)
    cache = PageCache(root, out, today, live, enabled=stage is None)  # an encrypted build is made whole every time
    if cache.unchanged() and cache.last is not None and not (strict and cache.last.diags):
        last = cache.last  # not a file it is made from has changed: nothing to load, nothing to write
        return BuildResult(out, [], [], [decode_diag(d) for d in last.diags], time.monotonic() - started,
                           dict(last.sources), cache.files)
    # not up to date: what loads, gathers and renders (imported here, so the answer above needs none of it)
    from rippledoc.book.loader import load_book
    from rippledoc.exchange.ics import site_feed
    from rippledoc.read.cache import cached_markdown
    from rippledoc.read.parallel import render_pages
    from rippledoc.site.make import gather, render
    from rippledoc.site.pages import aggregate_pages, client_pages, client_slugs, make_input, record_pages, search_files
    from rippledoc.site.render import make_env
    from rippledoc.site.urls import client_page
    ws = load_book(root, today)
    diags = list(ws.diagnostics)
    if strict:
        diags = promote_warnings(diags)
        if diags:
            raise BuildError(f"--strict: {len(diags)} problem{'s' * (len(diags) != 1)} in the workspace "
                             "(run 'rippledoc check' to see them); the site was not built")
    inp = make_input(ws, diags, today, live)
    cache.bind(inp)
    book = cache.book_key()
    slugs = client_slugs(inp)
    sources = {f"clients/{slug}.md": client_page(slug) for slug in slugs}
    if cache.up_to_date(book):  # nothing the site shows has changed, and the folder is as it was written
        cache.save(book, cache.keys(), sources, diags, started_ns, cache.stats())
        return BuildResult(out, [], [], diags, time.monotonic() - started, sources, cache.files)
    pages = gather(aggregate_pages, inp) + gather(record_pages, inp)
    keys: dict[str, str] = {}  # client pages' keys; every other file is keyed by the book
    kept: list[str] = []
    changed: list[str] = []
    for slug in slugs:
        rel, key = client_page(slug), cache.client_key(slug)
        if cache.reusable(rel, key):
            kept.append(rel)
        else:
            changed.append(slug)
        if key is not None:
            keys[rel] = key
    pages += gather(client_pages, inp, changed)
    files = render_pages(render, env or cached_markdown(make_env(root), root), pages, progress)
    files.update(assets(root))
    files.update(search_files(inp))
    files.update(site_feed(ws, today))  # calls.ics, to subscribe to
    if stage is not None:
        files = stage(files)
    written = write_site(files, out, kept)
    cache.save(book, keys, sources, diags, started_ns, written)
    return BuildResult(out, [p.path for p in pages], [], diags, time.monotonic() - started, sources, len(kept), inp)


def _listed(f: Followups) -> tuple[list[tuple[str, str, str]], list[tuple[str, int, str]]]:
    """What of a client's followups decides where its page links to: its stories and its kudos."""
    return ([(s.client.slug, s.id, s.touch.date.isoformat()) for s in f.stories],
            [(k.touch.source.path, k.touch.source.line, k.person) for k in f.kudos])


class SiteBuilder:
    """Keeps what ``serve`` needs between rebuilds: which client pages exist, so deleted ones go."""

    def __init__(self, root: Path, out: Path, today: Callable[[], date], live: bool = True) -> None:
        from rippledoc.read.cache import cached_markdown
        from rippledoc.site.render import make_env
        self.root, self.out, self.today, self.live = Path(root).resolve(), Path(out).resolve(), today, live
        self.version = 0  # serve: the number of the next build, written into its pages for the reload script
        self.client_pages: dict[str, str] = {}  # source file -> page path
        # the last build's book, its links by client and its counts of (errors, problems)
        self.last: tuple[Book, dict[str, Links], tuple[int, int]] | None = None
        self.env = cached_markdown(make_env(self.root), self.root)

    def _load(self) -> SiteInput:
        from rippledoc.book.loader import load_book
        from rippledoc.site.pages import make_input
        ws = load_book(self.root, self.today())
        diags = list(ws.diagnostics)
        return make_input(ws, diags, self.today(), self.version if self.live else 0)

    def full(self) -> BuildResult:
        """``build_site``, with the live version stamped into the pages."""
        from rippledoc.read.cache import cached_markdown
        from rippledoc.site.render import make_env
        self.env = cached_markdown(make_env(self.root), self.root)  # a full rebuild may follow a change of the templates
        result = build_site(self.root, self.out, self.today(), live=self.version if self.live else 0, env=self.env)
        self.client_pages = dict(result.client_pages)
        made = result.made_from
        for name in self.env.list_templates(extensions=["html"]):  # rendered in workers: compile them here,
            try:                                                       # before the first edit needs them
                self.env.get_template(name)
            except Exception:  # noqa: BLE001 - a broken template is reported when a page is made with it
                pass
        self.last = None if made is None else (made.ws, made.client_links, (made.errors, len(made.diags)))
        return result

    def update(self, slugs: Iterable[str], written: Written | None = None) -> BuildResult:
        """Re-render the pages of these clients, the aggregate pages and the ritual records naming these
        clients (they show the client's name and link to its page); remove pages of deleted clients.

        The edited clients' own pages are written first, then the rest: ``written(paths, removed)`` is
        called after each of the two, so ``serve`` can reload a tab as soon as its page is on disk.
        """
        from rippledoc.exchange.ics import site_feed
        from rippledoc.site.make import gather, render
        from rippledoc.site.pages import (Page, aggregate_pages, client_page_for, client_slugs, record_pages,
                                          search_files)
        from rippledoc.site.split import NO_LINKS, split_pages_in
        started = time.monotonic()
        inp = self._load()
        slugs = set(slugs)
        own: list[Page] = []
        early: dict[str, Links] = {}  # the links an edited page was first made with, from the last build
        removed = []
        for slug in sorted(slugs):
            source = f"clients/{slug}.md"
            alone = self._own(inp, slug)
            if alone is not None:
                early[slug] = alone.links
            page = client_page_for(inp, slug, alone)
            if page is not None:
                own.append(page)
                old = self.client_pages.get(source)
                if old and old != page.path:
                    removed.append(old)
                self.client_pages[source] = page.path
            elif source in self.client_pages:
                removed.append(self.client_pages.pop(source))
        self._write(render(self.env, own), removed)
        if written is not None:
            written([p.path for p in own], removed)
        counted = self.last is not None and self.last[2] == (inp.errors, len(inp.diags))  # the navigation's counts
        rest = gather(aggregate_pages, inp) + gather(record_pages, inp, slugs if counted else None)
        # the pages of clients whose stories or kudos the edit moved to another page (a month in parts), and an
        # edited page made early with the last build's links when its own moved
        # (every page, when the counts of problems in the navigation changed)
        now = inp.client_links
        before = self.last[1] if self.last is not None else {}
        moved = {slug for slug in before.keys() | now.keys() if slug not in slugs and before.get(slug) != now.get(slug)}
        moved |= {slug for slug, links in early.items() if links != now.get(slug, NO_LINKS)}
        if not counted:
            moved |= {slug for slug in client_slugs(inp) if slug not in slugs}
        rest += [p for slug in sorted(moved) for p in [client_page_for(inp, slug)] if p is not None]
        gone = sorted(split_pages_in(self.out) - {p.path for p in rest})  # a month or letter page no longer made
        files = render(self.env, rest)
        files.update(search_files(inp))
        files.update(site_feed(inp.ws, inp.today))
        self._write(files, gone)
        if written is not None:
            written([p.path for p in rest], gone)
        self.last = (inp.ws, inp.client_links, (inp.errors, len(inp.diags)))
        pages = own + rest
        return BuildResult(self.out, [p.path for p in pages], removed + gone, inp.diags, time.monotonic() - started)

    def _own(self, inp: SiteInput, slug: str) -> Own | None:
        """The edited client's part of the book, from that client alone, when its stories and kudos are the
        ones the last build listed (so are their places, unless other stories moved them: checked after)."""
        from rippledoc.parse.marks import collect
        from rippledoc.site.pages import Own
        from rippledoc.site.split import NO_LINKS
        from rippledoc.views.timeline import produced_by
        c = inp.ws.client(slug)
        if self.last is None or c is None:
            return None
        book, links, _ = self.last
        before = book.client(slug)
        if before is None:
            return None
        mine = collect(inp.ws.settings, (c,))[0]
        then = collect(book.settings, (before,))[0]
        if _listed(mine) != _listed(then):
            return None
        return Own(produced_by(mine), links.get(slug, NO_LINKS))

    def _write(self, files: dict[str, bytes], removed: list[str]) -> None:
        for rel, data in files.items():
            write_file(self.out, rel, data)
        for rel in removed:
            (self.out / rel).unlink(missing_ok=True)
