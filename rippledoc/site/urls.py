"""Where each page of the site lives: the one place that turns a client, a record or a file into a URL."""
from __future__ import annotations

import hashlib
import re

from rippledoc.model import RitualRecord

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def file_name(name: str) -> str:
    """A name that is safe as a file name and as a relative URL (no quoting needed)."""
    if _SAFE.match(name) and not name.endswith("."):
        return name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "page"
    return f"{cleaned}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def client_page(slug: str) -> str:
    return f"clients/{file_name(slug)}.html"


def record_page(record: RitualRecord) -> str:
    """A record's page mirrors its file: ``rituals/twelve-days/2026/2026-12-13-acme.md`` -> ``….html``."""
    parts = record.source.path.removesuffix(".md").split("/")
    if parts and parts[0] == "rituals":
        parts = parts[1:]
    return "rituals/" + "/".join(file_name(p) for p in parts) + ".html"


def slug_of_path(path: str) -> str | None:
    """``clients/acme.md`` -> ``acme``; None for files that are not client files."""
    m = re.match(r"^clients/([^/]+)\.md$", path)
    return m[1] if m else None


def story_anchor(client: str, story_id: str) -> str:
    """The id of a success story's row on stories.html (its client's slug and the story's id)."""
    return f"story-{file_name(client)}-{file_name(story_id)}"


def kudos_anchor(person: str) -> str:
    """The id of a team member's section on kudos.html."""
    return f"kudos-{file_name(person)}"


def topic_anchor(kind: str | None, topic: str | None) -> str:
    """The id of a topic's row on intel.html; topics match without regard to case or spacing."""
    return "topic-" + file_name("-".join([kind or "any", " ".join((topic or "none").lower().split())]))
