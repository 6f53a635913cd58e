"""Which kind of rippledoc file a path is, and which part of it a line stands in."""
from __future__ import annotations

from dataclasses import dataclass

from rippledoc.parse.grammar.log import find_log
from rippledoc.parse.settings import SETTINGS_FILE
from rippledoc.read.source import Text, split_front_matter

CLIENT, RITUAL, RECORD, SETTINGS = "client", "ritual", "record", "settings"


def kind_of(path: str) -> str | None:
    """``clients/X.md`` client, ``rituals/X.md`` ritual, ``rituals/X/…/Y.md`` record, ``rippledoc.yaml``; else None.

    ``path`` is relative to the workspace, with forward slashes (as in diagnostics).
    """
    if path == SETTINGS_FILE:
        return SETTINGS
    parts = path.split("/")
    if not parts[-1].endswith(".md") or parts[-1].startswith("."):
        return None
    if parts[0] == "clients" and len(parts) == 2:
        return CLIENT
    if parts[0] == "rituals" and len(parts) == 2:
        return RITUAL
    if parts[0] == "rituals" and len(parts) in (3, 4) and not any(p.startswith(".") for p in parts[1:-1]):
        return RECORD
    return None


def source(path: str, text: str) -> Text:
    """An editor's buffer as the parsers take a file's text (a leading BOM dropped, as read_text does)."""
    return Text(path, text.removeprefix("\ufeff"), text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class Layout:
    """0-based line numbers: the front matter's YAML lines ``front`` (start, end: exclusive) and the log's."""
    front: tuple[int, int] | None
    log: tuple[int, int] | None


def layout(path: str, text: str) -> Layout:
    """Where the YAML and the ``## Log`` lines of a markdown file are; all YAML for rippledoc.yaml.

    A front matter not closed yet (while typing a new file) runs to the end of the text.
    """
    lines = text.split("\n")
    if kind_of(path) == SETTINGS:
        return Layout((0, len(lines)), None)
    fm, _ = split_front_matter(source(path, text))
    if fm is None:
        opened = bool(lines) and lines[0].removeprefix("\ufeff").rstrip() == "---"
        return Layout((1, len(lines)) if opened else None, None)
    front = (fm.yaml_line - 1, fm.close_line - 1)
    section = find_log(fm.body, fm.body_line)
    if section is None:
        return Layout(front, None)
    return Layout(front, (section.first_line - 1, section.first_line - 1 + len(section.lines)))
