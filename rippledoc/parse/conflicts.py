"""Merge conflict markers left in a client or ritual file: their own diagnostic, E006.

git (or ``git merge-file``, or rippledoc's merge driver) marks a conflict::

    <<<<<<< ours
    grade: top
    ||||||| base          (only with merge.conflictStyle diff3 or zdiff3)
    grade: two
    =======
    grade: three
    >>>>>>> theirs

Each region is reported once, at its ``<<<<<<<`` line; a ``|||||||`` or
``>>>>>>>`` line outside any region too (the top half was deleted by hand).
A ``=======`` line alone is a Markdown heading underline, not a marker.
The parsers add these to their own diagnostics (``with_conflicts``), so they
are cached with the parse and cost nothing on a warm load.
"""
from __future__ import annotations

import re

from rippledoc.diagnostics import Diagnostic, error
from rippledoc.read.source import Text

SIZE = 7  # git's conflict-marker-size
_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})(?=[ \t\r]|$)", re.MULTILINE)


def marker_lines(text: str) -> list[tuple[int, str]]:
    """``(line, marker)`` for every line that starts with a conflict marker (1-based lines)."""
    if "<" * SIZE not in text and ">" * SIZE not in text and "|" * SIZE not in text:
        return []
    out = []
    for m in _MARKER.finditer(text):
        out.append((text.count("\n", 0, m.start()) + 1, m[1][0]))
    return out


def conflict_regions(text: str) -> list[tuple[int, int | None]]:
    """``(first, last)`` line of each conflict (``last`` None: never closed); a stray closer is ``(line, line)``."""
    regions: list[tuple[int, int | None]] = []
    start: int | None = None
    for line, mark in marker_lines(text):
        if mark == "<":
            if start is not None:
                regions.append((start, None))
            start = line
        elif mark == ">":
            regions.append((start, line) if start is not None else (line, line))
            start = None
        elif mark == "|" and start is None:
            regions.append((line, line))
    if start is not None:
        regions.append((start, None))
    return regions


def conflict_diagnostics(path: str, text: str) -> list[Diagnostic]:
    """One E006 per conflict region of ``text`` (the whole file, as read), at its first line."""
    out = []
    for first, last in conflict_regions(text):
        where = (f"lines {first}-{last}" if last and last != first else f"line {first}") if last else \
            f"from line {first}, never closed"
        out.append(error(path, first, 1, "E006",
                         "an unresolved merge conflict: both sides' lines are still between git's markers",
                         f"{where}: run 'rippledoc git-setup', then 'git checkout -m {path}' (while the merge "
                         "is in progress) to merge it again with rippledoc's driver; or keep the right lines "
                         "and delete the markers"))
    return out


def with_conflicts(src: Text, diags: list[Diagnostic]) -> list[Diagnostic]:
    """``diags`` of the file ``src`` plus its conflict markers (E006); a marker line's E200 is the same problem."""
    found = conflict_diagnostics(src.path, src.text)
    if not found:
        return diags
    marked = {line for line, _ in marker_lines(src.text)}
    return [d for d in diags if not (d.code == "E200" and d.line in marked)] + found
