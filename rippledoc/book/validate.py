"""Checks across files: flat lists of small functions, each ``(book) -> diagnostics``.

``EACH_CLIENT`` checks look at one client at a time (with the settings), so
they may run on a few clients alone (the language server does, per buffer);
``ACROSS`` checks compare files with each other; ``REPOSITORY`` checks look at
the clone around the book. ``validate`` runs them all, after the link stage.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable

from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.parse.fields import did_you_mean
from rippledoc.book.book import Book
from rippledoc.book.names import unique_slug
from rippledoc.model import Client, Settings
from rippledoc.parse.marks import Followups, collect
from rippledoc.parse.grammar.note import handoff_owner
from rippledoc.parse.grammar.touch import read_touch
from rippledoc.book.templates import override_problems


def unique_names(ws: Book) -> Iterable[Diagnostic]:
    seen: dict[str, str] = {}
    for c in ws.clients:
        key = " ".join(c.name.lower().split())
        if key in seen:
            yield error(c.path, c.field_lines.get("name", 1), 1, "E300",
                        f"client name '{c.name}' is also used by {seen[key]}", "each client needs its own name")
        else:
            seen[key] = c.path


def unique_slugs(ws: Book) -> Iterable[Diagnostic]:
    seen: dict[str, str] = {}
    for c in ws.clients:
        key = c.slug.lower()
        if key in seen:
            yield error(c.path, 0, 0, "E301", f"slug '{c.slug}' clashes with {seen[key]} (file names differ only in case)",
                        "rename one of the files")
        else:
            seen[key] = c.path


PLAIN_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")


def plain_slugs(ws: Book) -> Iterable[Diagnostic]:
    """W101: a client's file name is its slug, written into ritual records, links and commands."""
    taken = {c.slug.lower() for c in ws.clients}
    for c in ws.clients:
        if not PLAIN_SLUG.fullmatch(c.slug):
            better = unique_slug(c.name or c.slug, taken - {c.slug.lower()})
            yield warning(c.path, 0, 0, "W101",
                          f"the file name '{c.slug}' is not a plain slug (lower-case ASCII letters, digits, '.', "
                          "'_' and '-', starting with a letter or digit)",
                          f"rename it to clients/{better}.md, the name 'rippledoc new' would give it")
            taken.add(better)


def known_zones(ws: Book) -> Iterable[Diagnostic]:
    """W104: a client whose file gives no time zone (former clients are never planned, so never warned about)."""
    for c in ws.clients:
        if not c.timezone and "timezone" not in c.field_lines and c.status != "former":
            yield warning(c.path, c.field_lines.get("name", 1), 1, "W104",
                          f"{c.name} has no timezone: the plan cannot know their business hours or their local "
                          "time, so their calls go anywhere in your call window and their time shows as unknown",
                          "add 'timezone:' with an IANA name, such as America/Chicago or Europe/London")


def known_owners(ws: Book) -> Iterable[Diagnostic]:
    team = ws.settings.team
    if not team:
        return
    for c in ws.clients:
        if c.owner and c.owner not in team:
            yield error(c.path, c.field_lines.get("owner", 1), 1, "E302",
                        f"owner '{c.owner}' is not in the team of rippledoc.yaml ({', '.join(team)})",
                        did_you_mean(c.owner, tuple(team)))


def known_authors(ws: Book) -> Iterable[Diagnostic]:
    team = ws.settings.team
    if not team:
        return
    for c in ws.clients:
        for t in c.log:
            if t.by and t.by not in team:
                written, _ = read_touch(t.text, t.source.path, t.source.line)
                col = written.by.col if written is not None and written.by is not None else 0
                yield error(t.source.path, t.source.line, col or t.text.find(" by ") + 5, "E302",
                            f"'by {t.by}': not in the team of rippledoc.yaml ({', '.join(team)})",
                            did_you_mean(t.by, tuple(team)))
            for who in t.mentions:
                if who not in team and who != handoff_owner(t):  # a handoff's owner is E302
                    yield warning(t.source.path, t.source.line, t.text.find("@" + who) + 1, "W200",
                                  f"'@{who}' is not in the team of rippledoc.yaml",
                                  did_you_mean(who, tuple(team)) or "add them to team: or write the name without @")


def record_references(ws: Book) -> Iterable[Diagnostic]:
    slugs = tuple(c.slug for c in ws.clients)
    # A client whose file has errors is still a client: its own diagnostics say what is wrong.
    known = set(slugs) | {p.removeprefix("clients/").removesuffix(".md") for p in ws.client_paths()}
    unlisted = "clients" in ws.unlisted
    for r in ws.records:
        ritual = ws.rituals.get(r.ritual)
        if ritual is None:
            yield error(r.source.path, 0, 0, "E403", f"record of unknown ritual '{r.ritual}'",
                        did_you_mean(r.ritual, tuple(ws.rituals)) or f"add rituals/{r.ritual}.md")
            continue
        for e in r.entries:
            if e.client not in known:
                if unlisted:  # clients/ cannot be read (E007, said once): no reference can be checked
                    continue
                yield error(e.source.path, e.source.line, 3, "E303", f"unknown client '{e.client}'",
                            did_you_mean(e.client, slugs) or "the key is the client file's name without .md")
                continue
            bad = e.fields.get("bad_scores")
            bad = bad if isinstance(bad, list) else ()  # the scores E402 reported: not missing
            missing = [m.key for m in ritual.metrics if m.key not in e.scores and m.key not in bad]
            if missing:
                yield warning(e.source.path, e.source.line, 3, "W400",
                              f"{e.client}: no score for {', '.join(missing)}",
                              f"score each {ritual.metrics[0].low}-{ritual.metrics[0].high}, "
                              "or remove the client from this record")


def reviews_applied(ws: Book) -> Iterable[Diagnostic]:
    """W402: a client field says neither what the latest review decided nor what the latest applied review did
    (``book/decisions.py``, the same comparison as the ``unrecorded`` of ``metrics``)."""
    from rippledoc.book.decisions import decided_fields, disagreements
    names = {r.key: r.name for r in ws.rituals.values()}
    for field in decided_fields(ws):
        for d in disagreements(ws, ws.clients, field):
            if not d.warned or d.last_applied is None:
                continue
            c = ws.client(d.client)
            assert c is not None
            a, latest = d.last_applied, d.latest
            message = (f"{field}: {d.file or 'none'} in the file, but the {names.get(a.ritual, a.ritual)} review of "
                       f"{a.period}, applied {a.applied}, decided {a.value}")
            if latest is a:
                hint = (f"run 'rippledoc ritual apply {a.ritual} {a.period}' to write {a.value} into the file; if the file "
                        "is right as it is, record the change in the next review")
            else:
                message += f", and the {names.get(latest.ritual, latest.ritual)} review of {latest.period} says {latest.value}"
                hint = f"run 'rippledoc ritual apply {latest.ritual} {latest.period}'"
            yield warning(c.path, c.field_lines.get(field, c.field_lines.get("name", 1)), 1, "W402", message, hint)


def merge_driver_setup(ws: Book) -> Iterable[Diagnostic]:
    """W001: ``.gitattributes`` merges with rippledoc's driver, and this clone's git has none or one that cannot run."""
    from rippledoc.read.gitsetup import driver_problem
    found = driver_problem(Path(ws.root))
    if found is not None:
        line, message, hint = found
        yield warning(".gitattributes", line, 1, "W001", message, hint)


def template_overrides(ws: Book) -> Iterable[Diagnostic]:
    """W500: a template of the workspace's site_templates/ that overrides nothing, or a block its parent lacks."""
    return override_problems(Path(ws.root))


Check = Callable[[Book], Iterable[Diagnostic]]
EACH_CLIENT: list[Check] = [known_zones, known_owners, known_authors]
ACROSS: list[Check] = [unique_names, unique_slugs, plain_slugs, record_references, reviews_applied]
REPOSITORY: list[Check] = [merge_driver_setup, template_overrides]
CHECKS: list[Check] = EACH_CLIENT + ACROSS + REPOSITORY


def validate(book: Book) -> list[Diagnostic]:
    return [d for check in CHECKS for d in check(book)]


def validate_across(book: Book) -> list[Diagnostic]:
    """The checks that need more than one client file at a time (the loader has each file's own: ``checked``)."""
    return [d for check in ACROSS + REPOSITORY for d in check(book)]


def checked(root: Path, settings: Settings, clients: tuple[Client, ...]) -> tuple[Followups, list[Diagnostic]]:
    """What the whole book's load finds of these clients alone: their handoffs, kudos, stories and intelligence,
    and the diagnostics of the checks of ``EACH_CLIENT`` and of the link stage's checks of their logs."""
    alone = Book(root, settings, clients, {}, ())
    followups, linked = collect(settings, clients)
    return followups, [d for check in EACH_CLIENT for d in check(alone)] + linked


def client_checks(root: Path, settings: Settings, clients: tuple[Client, ...]) -> list[Diagnostic]:
    """``checked``'s diagnostics (for an edit about to be written, or a buffer being typed)."""
    return checked(root, settings, clients)[1]
