"""Gather: the model -> one context per page, before anything is rendered or written.

``aggregate_pages`` and ``record_pages`` are the pages made from many files,
``client_pages`` one page per client file: a build makes the first two
whenever anything changed and a client's page when its inputs did
(rippledoc/site/cache.py); ``serve`` makes the edited client's page first.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from rippledoc.diagnostics import Diagnostic
from rippledoc.book.loader import excerpts
from rippledoc.model import GRADES, LEVELS
from rippledoc.book.book import Book
from rippledoc.site.urls import client_page, kudos_anchor, record_page, slug_of_path, story_anchor, topic_anchor
from rippledoc.site.search import SearchPage, search_index
from rippledoc.site import split
from rippledoc.site.split import Links, Months, by_letter, by_month, clients_script, urgent
from rippledoc.team import history
from rippledoc.views.client import client_view
from rippledoc.views.commitments import commitments_due
from rippledoc.views.due import DueItem, due_items
from rippledoc.views.followups import handoff_list, intel_topics, kudos_list, story_list
from rippledoc.views.metrics import Metrics, compute_metrics
from rippledoc.views.plan import daily_plan
from rippledoc.views.records import record_view, records_by_ritual, twelve_days
from rippledoc.views.research import last_touches, research_notes, success_touches
from rippledoc.views.rituals import ritual_status
from rippledoc.views.scores import heatmaps
from rippledoc.parse.periods import reporting_span
from rippledoc.views.terms import last_reached
from rippledoc.views.timeline import (KudosWords, Person, Produced, handoff_view, kudos_view, log_lines,
                                      person, produced, recent_touches, tagged)

NAV = (
    ("index.html", "Today"),
    ("clients.html", "Clients"),
    ("rituals.html", "Rituals"),
    ("metrics.html", "Metrics"),
    ("stories.html", "Stories"),
    ("kudos.html", "Kudos"),
    ("intel.html", "Intelligence"),
    ("problems.html", "Problems"),
    ("search.html", "Search"),
)
STORY_TAGS, INTEL_TAGS = ("success", "story"), ("intel",)


@dataclass(frozen=True)
class Page:
    path: str  # output path, relative, forward slashes
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the workspace file the page shows, for incremental rebuilds
    workspace: str = ""  # the workspace's folder, for the messages of a template that fails


@dataclass(frozen=True)
class SiteInput:
    """Everything a page may need, computed once per build."""
    ws: Book
    diags: list[Diagnostic]
    today: date
    root: Path
    by_path: dict[str, list[Diagnostic]]
    excerpts: dict[tuple[str, int], str]
    history: history.History | None
    live: int = 0  # serve: the version these pages are rendered as (0: a static build, no reload script)

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diags)

    @cached_property
    def metrics(self) -> Metrics:
        """``rippledoc metrics`` over its default period, computed once for the pages that show it."""
        span = reporting_span(self.today)
        assert span is not None
        return compute_metrics(self.ws, span, self.today)

    @cached_property
    def produced(self) -> Produced:
        """What each log line produced (handoffs, kudos, stories, intelligence), found once for every page."""
        return produced(self.ws)

    @cached_property
    def stories(self) -> Months:
        """The pipeline and the lines tagged #success or #story, by month when they are many (site/split.py)."""
        return by_month("stories", {"pipeline": (story_list(self.ws, self.today), lambda v: v.story.date),
                                    "lines": (tagged(self.ws, STORY_TAGS, self.today, self.produced),
                                              lambda x: x.touch.date)})

    @cached_property
    def intel(self) -> Months:
        return by_month("intel", {"lines": (tagged(self.ws, INTEL_TAGS, self.today, self.produced),
                                            lambda x: x.touch.date)})

    @cached_property
    def kudos(self) -> Months:
        """Every kudos, the team's order then the newest first, by month when they are many."""
        team = self.ws.settings.team
        words = [kudos_view(team, k) for items in kudos_list(self.ws).values() for k in items]
        return by_month("kudos", {"kudos": (words, lambda kw: kw.kudos.touch.date)})

    @cached_property
    def links(self) -> Links:
        """Where each story and kudos is, for the links of log lines on every page."""
        return Links(split.story_homes(self.stories), split.kudos_homes(self.kudos))

    @cached_property
    def client_links(self) -> dict[str, Links]:
        """``links`` cut by client: what a client's page links to is all it is given of them."""
        return split.links_by_client(self.links)

    def excerpts_of(self, problems: Iterable[Diagnostic]) -> dict[tuple[str, int], str]:
        """The lines these problems point at: ``excerpts`` cut to them."""
        return {k: self.excerpts[k] for k in ((d.path, d.line) for d in problems) if k in self.excerpts}

    @cached_property
    def lists(self) -> dict[str, tuple[str, list[Any]]]:
        """Today's long lists: name -> (title, every item, most urgent first)."""
        ws, today = self.ws, self.today
        team = ws.settings.team
        found: dict[str, tuple[str, list[Any]]] = {
            "due": ("Due and overdue", due_items(ws, today, days=0)),
            "commitments": ("Commitments due", commitments_due(ws, today)),
            "handoffs": ("Open handoffs", [handoff_view(team, h, today) for h in handoff_list(ws, today)]),
            "recent": ("The last two weeks", recent_touches(ws, today, found=self.produced)),
        }
        assert tuple(found) == split.LISTS
        return found

    @cached_property
    def table(self) -> list[dict[str, Any]]:
        """The rows of the clients table, by name."""
        return _table_rows(self, due_items(self.ws, self.today, days=3650))

    @cached_property
    def search(self) -> tuple[list[SearchPage], dict[str, bytes]]:
        """The search index (rippledoc/site/search.py): the pages results link to, and its files."""
        return search_index(self.ws, self.today)


def make_input(ws: Book, diags: list[Diagnostic], today: date, live: int = 0) -> SiteInput:
    root = Path(ws.root)
    lines = excerpts(root, diags, ws.settings.max_file_bytes)
    return SiteInput(ws, diags, today, root, diagnostics_by_path(diags), lines,
                     history.load_history(root), live)


def diagnostics_by_path(diags: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    out: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diags:
        out[d.path].append(d)
    return out


def _depth_root(path: str) -> str:
    return "../" * path.count("/")


def _page(inp: SiteInput, path: str, template: str, title: str, nav: str, source: str | None = None,
          **context: Any) -> Page:
    ctx = {
        "root": _depth_root(path),
        "title": title,
        "nav": NAV,
        "current": nav,
        "site": {"title": inp.ws.settings.title, "today": inp.today, "errors": inp.errors,
                 "warnings": len(inp.diags) - inp.errors, "live": inp.live},
        "today": inp.today,
        "client_page": client_page,
        "record_page": record_page,
        "slug_of_path": slug_of_path,
        "story_anchor": story_anchor,
        "kudos_anchor": kudos_anchor,
        "topic_anchor": topic_anchor,
        "limits": {"urgent": split.URGENT, "topic_clients": split.TOPIC_CLIENTS},
        **context,
    }
    if "links" not in ctx:  # a client's page is given its own (and made before the book's are computed)
        ctx["links"] = inp.links
    if "excerpts" not in ctx:
        ctx["excerpts"] = inp.excerpts
    return Page(path, template, title, ctx, source, str(inp.root))


# ---- one page per client ---------------------------------------------------------------------------



@dataclass(frozen=True)
class Own:
    """What a client's page needs of the whole book, made from that client alone: what its lines produced
    (``marks.collect`` of the client) and where its stories and kudos are listed (as the last build found)."""
    produced: Produced
    links: Links


def client_page_for(inp: SiteInput, slug: str, own: Own | None = None) -> Page | None:
    """The page of one client file: the client, or the problems that kept it from loading.

    ``own``: the client's part of the book's followups and links, given so that its page can be made before
    the whole book's are (``serve`` writes the edited page first); the same page, when they are the same.
    """
    path = f"clients/{slug}.md"
    c = inp.ws.client(slug)
    # Of what the whole book links to, a client's page is given its own part only (links, excerpts): its
    # context is what its key covers (site/cache.py: PageCache.client_key), whatever a template reads.
    links = own.links if own is not None else inp.client_links.get(slug, split.NO_LINKS)
    if c is not None:
        problems = inp.by_path.get(c.path, [])
        found = own.produced if own is not None else inp.produced
        return _page(inp, client_page(slug), "client.html", c.name, "clients.html", path,
                     client=c, view=client_view(inp.ws, c, inp.today, found), ritual_defs=inp.ws.rituals,
                     history=inp.history.of(c.path) if inp.history is not None else None,
                     uncommitted=inp.history is not None and c.path in inp.history.uncommitted,
                     problems=problems, links=links, excerpts=inp.excerpts_of(problems))
    problems = inp.by_path.get(path, [])
    if problems:
        return _page(inp, client_page(slug), "broken.html", f"{slug}: cannot be read", "clients.html", path,
                     file=path, problems=problems, links=links, excerpts=inp.excerpts_of(problems))
    return None


def client_slugs(inp: SiteInput) -> list[str]:
    """Slugs of every client file: loaded ones and the ones that failed to load."""
    slugs = {c.slug for c in inp.ws.clients}
    slugs |= {s for s in (slug_of_path(p) for p in inp.by_path) if s}
    return sorted(slugs)


def client_pages(inp: SiteInput, slugs: Iterable[str] | None = None) -> list[Page]:
    pages = (client_page_for(inp, s) for s in (client_slugs(inp) if slugs is None else slugs))
    return [p for p in pages if p is not None]


# ---- aggregate pages -------------------------------------------------------------------------------

def _table_rows(inp: SiteInput, due: list[DueItem]) -> list[dict[str, Any]]:
    """One row per client; ``due``: rippledoc.views.due items over a long horizon (the soonest call item counts)."""
    next_call: dict[str, DueItem] = {}
    for item in due:
        if item.is_call:
            slug = item.client.slug
            if slug not in next_call or item.date < next_call[slug].date:
                next_call[slug] = item
    rows = []
    for c in sorted(inp.ws.clients, key=lambda c: c.name.lower()):
        reached = last_reached(c, inp.today)
        soonest = next_call.get(c.slug)
        rows.append({
            "client": c,
            "last": reached.date if reached else None,
            "due": soonest.date if soonest is not None else None,
            "why": soonest.reason if soonest is not None else "",
            "problems": len(inp.by_path.get(c.path, [])),
        })
    return rows


def dashboard(inp: SiteInput) -> Page:
    ws, today = inp.ws, inp.today
    plan = daily_plan(ws, today)
    research = {call.client.slug: research_notes(call.client, ws, today, at=call.start) for call in plan.calls}
    said = {call.client.slug: {  # the notes' touches as log lines for people
        "last": log_lines(ws, ((call.client, t) for t in last_touches(call.client)), today, inp.produced),
        "stories": log_lines(ws, ((call.client, t) for t in success_touches(call.client)), today, inp.produced),
    } for call in plan.calls}
    lists: dict[str, Any] = {name: urgent(items, name) for name, (_, items) in inp.lists.items()}
    return _page(
        inp, "index.html", "index.html", "Today", "index.html",
        has_clients=bool(ws.clients),
        plan=plan,
        research=research,
        research_log=said,
        rituals_due=ritual_status(ws, today),
        **lists,
        open_handoffs=inp.lists["handoffs"][1],
    )


def list_pages(inp: SiteInput) -> list[Page]:
    """The whole of each list the dashboard shows the first items of: due.html, due-2.html, …"""
    pages = []
    for name, (title, items) in inp.lists.items():
        if len(items) <= split.URGENT:
            continue
        for path, shown in split.paged(items, name, "page"):
            named: dict[str, Any] = {name: shown}  # the partial reads the list by its name, as on the dashboard
            pages.append(_page(inp, path, "list.html", title, "index.html", shown=shown, partial=f"_{name}.html",
                               page_path=path, **named))
    return pages


def clients_table(inp: SiteInput) -> list[Page]:
    """clients.html: the whole table, or when it is long the letters, each a page (table/B.html) or a few."""
    rows = inp.table
    values = {
        "level": [lv for lv in LEVELS if any(r["client"].level == lv for r in rows)],
        "grade": [g for g in GRADES if any(r["client"].grade == g for r in rows)],
        "status": sorted({r["client"].status for r in rows}),
        "owner": sorted({r["client"].owner for r in rows if r["client"].owner}),
        "tag": sorted({t for r in rows for t in r["client"].tags}),
    }
    broken = [s for s in client_slugs(inp) if inp.ws.client(s) is None]
    letters = by_letter(rows)
    parts = [part for part, _ in letters]
    common: dict[str, Any] = dict(values=values, broken=broken, total=len(rows), letters=parts,
                                  everyone=split.CLIENTS_SCRIPT if letters else "")
    pages = [_page(inp, "clients.html", "clients.html", "Clients", "clients.html",
                   rows=[] if letters else rows, part=None, **common)]
    for part, here in letters:
        pages.append(_page(inp, part.path, "clients.html", f"Clients: {part.label}", "clients.html",
                           rows=here, part=part, **common))
    return pages


def rituals_page(inp: SiteInput) -> Page:
    ws = inp.ws
    active = [c for c in ws.clients if c.status == "active"]
    return _page(
        inp, "rituals.html", "rituals.html", "Rituals", "rituals.html",
        status=ritual_status(ws, inp.today),
        rituals=ws.rituals,
        records=records_by_ritual(ws),
        heatmaps=heatmaps(ws),
        board={g: sorted((c for c in active if c.grade == g), key=lambda c: c.name.lower()) for g in (*GRADES, None)},
        twelve=twelve_days(ws),
        metrics=inp.metrics,
    )


def metrics_page(inp: SiteInput) -> Page:
    return _page(inp, "metrics.html", "metrics.html", "Metrics", "metrics.html", metrics=inp.metrics)


def month_pages(inp: SiteInput, months: Months, template: str, title: str,
                page_context: Callable[[dict[str, Sequence[Any]]], dict[str, Any]], **extra: Any) -> list[Page]:
    """The main page (the latest months and the list of every month) and one page per month or part of one."""
    pages = [_page(inp, months.main, template, title, months.main, months=months, part=None,
                   **page_context(dict(months.latest)), **extra)]
    for mp in months.pages:
        pages.append(_page(inp, mp.part.path, template, f"{title}: {mp.part.label}", months.main, months=months,
                           part=mp.part, **page_context(dict(mp.lists))))
    return pages


def stories_pages(inp: SiteInput) -> list[Page]:
    heading = ("Every success story", STORY_TAGS)
    return month_pages(inp, inp.stories, "tagged.html", "Success stories",
                       lambda lists: {"pipeline": lists["pipeline"], "groups": [(*heading, lists["lines"])],
                                      "story_ask_days": inp.ws.settings.story_ask_days})


def intel_pages(inp: SiteInput) -> list[Page]:
    heading = ("Every note", INTEL_TAGS)
    return month_pages(inp, inp.intel, "tagged.html", "Market intelligence",
                       lambda lists: {"groups": [(*heading, lists["lines"])]}, topics=intel_topics(inp.ws))


def kudos_pages(inp: SiteInput) -> list[Page]:
    team = inp.ws.settings.team

    def groups(lists: dict[str, Sequence[Any]]) -> dict[str, Any]:
        by_person: dict[str, list[KudosWords]] = {}
        for kw in lists["kudos"]:
            by_person.setdefault(kw.kudos.person, []).append(kw)
        found: list[tuple[Person, str, list[KudosWords]]] = []
        for key, items in by_person.items():
            member = team.get(key)
            found.append((person(team, key), member.role if member else "", items))
        return {"kudos": found}
    return month_pages(inp, inp.kudos, "kudos.html", "Kudos", groups)


def search_page(inp: SiteInput) -> Page:
    return _page(inp, "search.html", "search.html", "Search", "search.html")


def search_files(inp: SiteInput) -> dict[str, bytes]:
    """The files of the search index, written beside the pages (search/*.js), and the clients table's rows for
    its filter when the table is split (search/clients.js)."""
    files = dict(inp.search[1])
    if by_letter(inp.table):
        files[split.CLIENTS_SCRIPT] = clients_script(inp.table, client_page)
    return files


def problems_page(inp: SiteInput) -> Page:
    return _page(inp, "problems.html", "problems.html", "Problems", "problems.html", diags=inp.diags,
                 files=inp.ws.files)


def record_pages(inp: SiteInput, clients: set[str] | None = None) -> list[Page]:
    """One page per ritual record; ``clients``: only the records that name one of these clients."""
    pages = []
    for r in inp.ws.records:
        if clients is not None and not any(e.client in clients for e in r.entries):
            continue
        view = record_view(inp.ws, r)
        pages.append(_page(inp, record_page(r), "record.html", view.title, "rituals.html", r.source.path,
                           view=view, problems=inp.by_path.get(r.source.path, [])))
    return pages


def aggregate_pages(inp: SiteInput) -> list[Page]:
    """The pages that summarise many files: rebuilt on every change."""
    return [
        dashboard(inp),
        *clients_table(inp),
        rituals_page(inp),
        metrics_page(inp),
        *stories_pages(inp),
        *kudos_pages(inp),
        *intel_pages(inp),
        problems_page(inp),
        search_page(inp),
        *list_pages(inp),
    ]

