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
from typing import Callable, Iterable

import jinja2
from jinja2.exceptions import SecurityError

from rippledoc.edit.atomic import exchange, new_file_mode, new_folder_mode
from rippledoc.diagnostics import Diagnostic, promote_warnings
from rippledoc.read.cache import cached_markdown
from rippledoc.book.loader import load_book
from rippledoc.exchange.ics import site_feed
from rippledoc.read.parallel import render_pages
from rippledoc.site.pages import (Page, SiteInput, aggregate_pages, client_page_for, make_input, record_pages,
                                  search_files, site_pages)
from rippledoc.site.render import make_env
from rippledoc.site.split import split_pages_in
from rippledoc.book.templates import TEMPLATE_DIR, template_dirs

MARKER = ".rippledoc-site"  # written into every built site: only such a folder is ever replaced
ASSETS = "assets"
ASSET_SUFFIXES = (".css", ".js", ".svg", ".png", ".ico", ".txt")

Progress = Callable[[int, int], None]


class BuildError(Exception):
    """The site could not be built; the message says why and where. Nothing was written."""


@dataclass
class BuildResult:
    out: Path
    rendered: list[str]  # the pages rendered by this build, relative paths
    removed: list[str] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    client_pages: dict[str, str] = field(default_factory=dict)  # client file -> its page, of a whole build

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


def render(env: jinja2.Environment, pages: Iterable[Page], progress: Progress | None = None,
           total: int = 0) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for i, page in enumerate(pages, 1):
        try:
            html = env.get_template(page.template).render(**page.context)
        except jinja2.TemplateSyntaxError as exc:
            where = _shorter(exc.filename or exc.name or "?", Path(page.workspace))
            raise BuildError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(f"template '{exc.name}' not found in {', '.join(map(str, template_dirs(Path(page.workspace))))}") from None
        except SecurityError as exc:  # the sandbox refused: name the template file and line that tried
            where = _template_position(exc, Path(page.workspace)) or page.template
            raise BuildError(f"{where}: unsafe template code refused ({str(exc).rstrip('.')}); a template may use the data it is "
                             "given and the site's helpers, nothing else (see docs/site.md)") from None
        except Exception as exc:  # a template's runtime error: say which page and template, never a traceback
            raise BuildError(f"rendering {page.path} with template {page.template}: {type(exc).__name__}: {exc}") from None
        out[page.path] = html.encode("utf-8")
        if progress:
            progress(i, total)
    return out


def gather(make: Callable[..., list[Page]], *args: object) -> list[Page]:
    """The pages' contexts, every view computed; a view that raises is a bug, reported as a failed build."""
    try:
        return make(*args)
    except Exception as exc:  # a view's bug: one line, exit 1, nothing written
        raise BuildError(f"computing the pages failed: {type(exc).__name__}: {exc} "
                         "(a bug in rippledoc; the site was not built)") from exc


def _template_position(exc: BaseException, root: Path) -> str | None:
    """``site_templates/index.html:3``: the innermost template line in the traceback Jinja2 rewrote."""
    where = None
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # a frame Jinja2 made to stand for a template line
            where = f"{_shorter(tb.tb_frame.f_code.co_filename, root)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _shorter(filename: str, root: Path) -> str:
    """A template's path as a person knows it: relative to the workspace when it is one of theirs."""
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename


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


def _write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
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


def write_site(files: dict[str, bytes], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        _write_tree(tmp, files)
        os.chmod(tmp, new_folder_mode())  # mkdtemp's 0700 -> what mkdir would give
        swap_in(tmp, out)
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
    started = time.monotonic()
    root = Path(root).resolve()
    out = Path(out).resolve()
    check_output(root, out)
    ws = load_book(root, today)
    diags = list(ws.diagnostics)
    if strict:
        diags = promote_warnings(diags)
        if diags:
            raise BuildError(f"--strict: {len(diags)} problem{'s' * (len(diags) != 1)} in the workspace "
                             "(run 'rippledoc check' to see them); the site was not built")
    inp = make_input(ws, diags, today, live)
    pages = gather(site_pages, inp)
    files = render_pages(render, env or cached_markdown(make_env(root), root), pages, progress)
    files.update(assets(root))
    files.update(search_files(inp))
    files.update(site_feed(ws, today))  # calls.ics, to subscribe to
    if stage is not None:
        files = stage(files)
    write_site(files, out)
    sources = {p.source: p.path for p in pages if p.source and p.source.startswith("clients/")}
    return BuildResult(out, [p.path for p in pages], [], diags, time.monotonic() - started, sources)


class SiteBuilder:
    """Keeps what ``serve`` needs between rebuilds: which client pages exist, so deleted ones go."""

    def __init__(self, root: Path, out: Path, today: Callable[[], date], live: bool = True) -> None:
        self.root, self.out, self.today, self.live = Path(root).resolve(), Path(out).resolve(), today, live
        self.version = 0  # serve: the number of the next build, written into its pages for the reload script
        self.client_pages: dict[str, str] = {}  # source file -> page path
        self.env = cached_markdown(make_env(self.root), self.root)

    def _load(self) -> SiteInput:
        ws = load_book(self.root, self.today())
        diags = list(ws.diagnostics)
        return make_input(ws, diags, self.today(), self.version if self.live else 0)

    def full(self) -> BuildResult:
        """``build_site``, with the live version stamped into the pages."""
        self.env = cached_markdown(make_env(self.root), self.root)  # a full rebuild may follow a change of the templates
        result = build_site(self.root, self.out, self.today(), live=self.version if self.live else 0, env=self.env)
        self.client_pages = dict(result.client_pages)
        return result

    def update(self, slugs: Iterable[str], written: Written | None = None) -> BuildResult:
        """Re-render the pages of these clients, the aggregate pages and the ritual records naming these
        clients (they show the client's name and link to its page); remove pages of deleted clients.

        The edited clients' own pages are written first, then the rest: ``written(paths, removed)`` is
        called after each of the two, so ``serve`` can reload a tab as soon as its page is on disk.
        """
        started = time.monotonic()
        inp = self._load()
        slugs = set(slugs)
        own: list[Page] = []
        removed = []
        for slug in sorted(slugs):
            source = f"clients/{slug}.md"
            page = client_page_for(inp, slug)
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
        rest = gather(aggregate_pages, inp) + gather(record_pages, inp, slugs)
        gone = sorted(split_pages_in(self.out) - {p.path for p in rest})  # a month or letter page no longer made
        files = render(self.env, rest)
        files.update(search_files(inp))
        files.update(site_feed(inp.ws, inp.today))
        self._write(files, gone)
        if written is not None:
            written([p.path for p in rest], gone)
        pages = own + rest
        return BuildResult(self.out, [p.path for p in pages], removed + gone, inp.diags, time.monotonic() - started)

    def _write(self, files: dict[str, bytes], removed: list[str]) -> None:
        for rel, data in files.items():
            write_file(self.out, rel, data)
        for rel in removed:
            (self.out / rel).unlink(missing_ok=True)
