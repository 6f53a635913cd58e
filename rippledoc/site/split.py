"""Light pages: a long list is cut so that no page grows with the book.

- The dashboard shows the first ``URGENT`` items of each long list (due, commitments, handoffs, the last two
  weeks) with the total, and links to the whole list on ``due.html``, ``due-2.html``, … (``LIST_ITEMS`` each).
- Stories, intelligence and kudos are split by month (``stories/2026-11.html``; a month of more than
  ``MONTH_ITEMS`` items goes on in ``stories/2026-11-2.html``); the main page shows the latest months, up to
  ``MAIN_ITEMS`` items, and lists every month with its count. A book small enough has no month pages at all.
- The clients table is split by the first letter of the folded name (``table/B.html``, ``table/B-2.html`` past
  ``TABLE_ROWS`` rows); ``clients.html`` lists the letters, and the filter finds a client of any letter from
  ``search/clients.js`` (``clients_script``).

The limits are module constants, read at each build, so a test can lower them (tests/test_light_pages.py). With
these, no page of a generated book of 10,000 clients reaches 1 MB (docs/performance.md, "Light pages").
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Generic, Mapping, Sequence, TypeVar

from rippledoc.book.names import fold
from rippledoc.model import Client
from rippledoc.parse.marks import Kudos, Story
from rippledoc.site.search import script
from rippledoc.site.urls import kudos_anchor, slug_of_path, story_anchor

URGENT = 50  # items of a long list the dashboard shows
LIST_ITEMS = 1000  # items on one page of a whole list (due.html, due-2.html, …)
MONTH_ITEMS = 250  # items of a month on one page of stories, intelligence or kudos
MAIN_ITEMS = 250  # items the main page of stories, intelligence or kudos shows of the latest months
TABLE_ROWS = 400  # rows of the clients table on one page
TOPIC_CLIENTS = 30  # clients named in a row of intel.html's topics (the count is of all)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Shown(Generic[T]):
    """Some items of a list: the first ones on the dashboard, or one page of the whole list."""
    items: Sequence[T]
    total: int  # how many the whole list holds
    href: str | None = None  # the first page of the whole list, when not every item is shown here
    pages: tuple["Part", ...] = ()  # every page of the whole list, when it has more than one
    start: int = 0  # the index of the first item shown, in the whole list


@dataclass(frozen=True, slots=True)
class Part:
    """One page of a split list: where it is, what it is called, how many items it holds."""
    path: str
    label: str
    count: int
    counts: Mapping[str, int] = field(default_factory=dict)  # of a month's page: list name -> its items here


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items]


def paged(items: Sequence[T], stem: str, label: str) -> list[tuple[str, Shown[T]]]:
    """The whole list on ``STEM.html``, ``STEM-2.html``, …: (path, the items of that page)."""
    cut = chunks(items, LIST_ITEMS)
    paths = [f"{stem}.html" if n == 1 else f"{stem}-{n}.html" for n in range(1, len(cut) + 1)]
    parts = tuple(Part(p, f"{label} {n}", len(c)) for n, (p, c) in enumerate(zip(paths, cut), 1))
    out = []
    for n, (path, items_here) in enumerate(zip(paths, cut)):
        out.append((path, Shown(items_here, len(items), None, parts if len(parts) > 1 else (), n * LIST_ITEMS)))
    return out


def urgent(items: Sequence[T], stem: str) -> Shown[T]:
    """The first ``URGENT`` items, and where all of them are when there are more."""
    if len(items) <= URGENT:
        return Shown(items, len(items))
    return Shown(items[:URGENT], len(items), f"{stem}.html")


# ---- by month ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Month:
    key: str  # 2026-11
    label: str  # November 2026
    counts: Mapping[str, int]  # list name -> its items in this month
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class MonthPage:
    part: Part
    month: Month
    lists: Mapping[str, Sequence[Any]]  # list name -> its items on this page


@dataclass(frozen=True, slots=True)
class Months:
    """Lists of dated items split by month; ``pages`` empty when they all fit on the main page."""
    folder: str  # stories, intel, kudos
    main: str  # stories.html
    months: tuple[Month, ...]  # newest first
    pages: tuple[MonthPage, ...]
    latest: Mapping[str, Sequence[Any]]  # what the main page shows: every item, or those of the latest months
    totals: Mapping[str, int]

    @property
    def split(self) -> bool:
        return bool(self.pages)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def by_month(folder: str, lists: Mapping[str, tuple[Sequence[Any], Callable[[Any], date]]]) -> Months:
    """Split each list (items newest first, and the date of an item) by month."""
    totals = {name: len(items) for name, (items, _) in lists.items()}
    if sum(totals.values()) <= MAIN_ITEMS:
        return Months(folder, f"{folder}.html", (), (), {name: items for name, (items, _) in lists.items()}, totals)
    grouped: dict[str, dict[str, list[Any]]] = {}
    for name, (items, when) in lists.items():
        for x in items:
            grouped.setdefault(when(x).strftime("%Y-%m"), {n: [] for n in lists})[name].append(x)
    months: list[Month] = []
    pages: list[MonthPage] = []
    for key in sorted(grouped, reverse=True):
        found = grouped[key]
        cut = {name: chunks(items, MONTH_ITEMS) for name, items in found.items()}
        n_parts = max(len(c) for c in cut.values())
        paths = [f"{folder}/{key}.html" if n == 1 else f"{folder}/{key}-{n}.html" for n in range(1, n_parts + 1)]
        parts = []
        for n, path in enumerate(paths):
            here = {name: (c[n] if n < len(c) else []) for name, c in cut.items()}
            label = month_label(key) + (f", part {n + 1} of {n_parts}" if n_parts > 1 else "")
            parts.append((Part(path, label, sum(len(v) for v in here.values()), {k: len(v) for k, v in here.items()}),
                          here))
        month = Month(key, month_label(key), {name: len(v) for name, v in found.items()}, tuple(p for p, _ in parts))
        months.append(month)
        pages.extend(MonthPage(p, month, here) for p, here in parts)
    latest: dict[str, list[Any]] = {name: [] for name in lists}
    shown = 0
    for page in pages:  # whole pages, newest first, while they fit (the first always)
        if shown and shown + page.part.count > MAIN_ITEMS:
            break
        for name, items in page.lists.items():
            latest[name].extend(items)
        shown += page.part.count
    return Months(folder, f"{folder}.html", tuple(months), tuple(pages), latest, totals)


LISTS = ("due", "commitments", "handoffs", "recent")  # the whole lists of the dashboard (site/pages.py)
FOLDERS = ("stories", "intel", "kudos", "table")


def split_pages_in(out: Path) -> set[str]:
    """The split pages a built site holds (``serve`` removes those a rebuild no longer makes)."""
    found = {p.relative_to(out).as_posix() for folder in FOLDERS for p in (out / folder).glob("*.html")}
    return found | {p.name for p in out.glob("*.html") if re.fullmatch(rf"({'|'.join(LISTS)})(-\d+)?\.html", p.name)}


# ---- where a story or a kudos is --------------------------------------------------------------------

@dataclass(frozen=True)
class Links:
    """The page and anchor of a story and of a kudos, for the links of log lines on every page."""
    stories: Mapping[tuple[str, str], str]  # (client slug, story id) -> page
    kudos: Mapping[tuple[str, int, str], str]  # (file, line, person) -> page

    def story(self, s: Story) -> str:
        anchor = story_anchor(s.client.slug, s.id)
        return f"{self.stories.get((s.client.slug, s.id), 'stories.html')}#{anchor}"

    def kudos_of(self, k: Kudos) -> str:
        page = self.kudos.get((k.touch.source.path, k.touch.source.line, k.person), "kudos.html")
        return f"{page}#{kudos_anchor(k.person)}"


NO_LINKS = Links({}, {})


def links_by_client(links: Links) -> dict[str, Links]:
    """The book's ``Links`` cut by client: slug -> where that client's stories and kudos are listed."""
    stories: dict[str, dict[tuple[str, str], str]] = {}
    kudos: dict[str, dict[tuple[str, int, str], str]] = {}
    for key, page in links.stories.items():
        stories.setdefault(key[0], {})[key] = page
    for k, page in links.kudos.items():
        kudos.setdefault(slug_of_path(k[0]) or k[0], {})[k] = page
    return {slug: Links(stories.get(slug, {}), kudos.get(slug, {})) for slug in stories.keys() | kudos.keys()}


def story_homes(months: Months) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for page in months.pages:
        for v in page.lists.get("pipeline", ()):
            out[(v.story.client.slug, v.story.id)] = page.part.path
    return out


def kudos_homes(months: Months) -> dict[tuple[str, int, str], str]:
    out: dict[tuple[str, int, str], str] = {}
    for page in months.pages:
        for kw in page.lists.get("kudos", ()):
            k = kw.kudos
            out[(k.touch.source.path, k.touch.source.line, k.person)] = page.part.path
    return out


# ---- the clients table by letter --------------------------------------------------------------------

def letter(name: str) -> str:
    """The letter a client is listed under: the first of its folded name, '#' for a digit or a sign."""
    first = fold(name).strip()[:1].upper()
    return first if first.isalpha() else "#"


def by_letter(rows: Sequence[dict[str, Any]]) -> list[tuple[Part, Sequence[dict[str, Any]]]]:
    """The table's rows by letter, a letter of more than TABLE_ROWS rows cut again; [] when all fit one page."""
    if len(rows) <= TABLE_ROWS:
        return []
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(letter(r["client"].name), []).append(r)
    out: list[tuple[Part, Sequence[dict[str, Any]]]] = []
    for key in sorted(groups, key=lambda k: (k == "#", k)):
        cut = chunks(groups[key], TABLE_ROWS)
        name = "0" if key == "#" else key
        for n, part in enumerate(cut, 1):
            path = f"table/{name}.html" if n == 1 else f"table/{name}-{n}.html"
            label = key if len(cut) == 1 else f"{key} {n}"
            out.append((Part(path, label, len(part)), part))
    return out


CLIENTS_SCRIPT = "search/clients.js"


def clients_script(rows: Sequence[dict[str, Any]], page_of: Callable[[str], str]) -> bytes:
    """Every row of the clients table, for the filter of any of its pages (assets/site.js reads it).

    ``rippledocSearch("clients", {"links": [page…], "rows": [[link, name, level, grade, owner, status, tags,
    last, due, why, problems, contact, products], …]})``: a script, so it loads from file:// under the site's CSP; an
    encrypted build seals it and renames its links as it does the search index's (site/encrypt.py).
    """
    links, data = [], []
    for n, r in enumerate(rows):
        c: Client = r["client"]
        links.append(page_of(c.slug))
        data.append([n, c.name, c.level, c.grade or "-", c.owner or "", c.status, " ".join(c.tags),
                     r["last"].isoformat() if r["last"] else "", r["due"].isoformat() if r["due"] else "",
                     r["why"], r["problems"], c.contact or "", " ".join(c.products)])
    return script("clients", {"links": links, "rows": data})
