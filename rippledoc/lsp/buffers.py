"""The diagnostics of unsaved buffers: ``rippledoc check``'s parsers and checks on the editor's text.

The book is loaded from disk once (``load_book``); each open buffer is
parsed by the parser of its kind, its record replaces the one read from disk
and the book is linked again for it (``rippledoc/book/link.py``), and the
checks of ``rippledoc.book.validate`` run on the result. A buffer's diagnostics are
its parser's and those of the checks that name its path, as ``check`` would
print them had the buffer been saved.

The checks that look at each client alone (``validate.EACH_CLIENT``, and the
link stage's checks of a client's log) run on the buffers' clients only: on a
book of 10,000 clients the link over every log line takes seconds, too slow
for each keystroke, and gives the same diagnostics for one file. The checks
of the repository (``validate.REPOSITORY``: ``.gitattributes``) do not run;
the checks across files run on the whole book.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Mapping

from lsprotocol import types

from rippledoc.book.link import relink, with_client, with_records
from rippledoc.book.validate import ACROSS, client_checks
from rippledoc.diagnostics import Diagnostic
from rippledoc.lsp.places import CLIENT, RECORD, RITUAL, SETTINGS, kind_of, source
from rippledoc.lsp.ranges import UTF16, char_range, line_text, word_span
from rippledoc.book.book import Book
from rippledoc.parse.client import parse_client
from rippledoc.parse.ritual import parse_record, parse_ritual, record_location, ritual_key
from rippledoc.parse.settings import parse_settings

# Settings first (clients are read with them), then definitions (records are read with their ritual).
_ORDER = {SETTINGS: 0, RITUAL: 1, CLIENT: 2, RECORD: 3}


def _put(items: tuple, path_of, path: str, new: object | None) -> tuple:
    """``items`` with the one read from ``path`` replaced by ``new`` (in its place), or dropped when None.

    A new one goes where the loader would have read it: before the first item of a later path.
    """
    kept = [item for item in items if path_of(item) != path]
    if new is None:
        return tuple(kept)
    at = next((i for i, item in enumerate(items) if path_of(item) == path), None)
    if at is None:
        at = next((i for i, item in enumerate(kept) if path_of(item) > path), len(kept))
    else:
        at = sum(1 for item in items[:at] if path_of(item) != path)
    return tuple(kept[:at]) + (new,) + tuple(kept[at:])


def apply_buffer(ws: Book, path: str, text: str, today: date | None) -> tuple[Book, list[Diagnostic]]:
    """Parse one buffer as the file at ``path`` and put its record into ``ws``: (new workspace, its diagnostics).

    A buffer that does not parse leaves its file out, as ``check`` leaves out a file that does not load.
    """
    kind = kind_of(path)
    src = source(path, text)
    if kind == SETTINGS:
        settings, diags = parse_settings(src)
        return relink(replace(ws, settings=settings)), diags
    if kind == RITUAL:
        ritual, diags = parse_ritual(src)
        rituals = {k: r for k, r in ws.rituals.items() if k != ritual_key(path)}
        if ritual is not None:
            rituals[ritual.key] = ritual
        return replace(ws, rituals=rituals), diags
    if kind == CLIENT:
        client, diags = parse_client(src, ws.settings, today)
        return with_client(ws, path, client), diags
    if kind == RECORD:
        record, diags = parse_record(src, ws.rituals.get(record_location(path)[0]))
        return with_records(ws, _put(ws.records, lambda r: r.source.path, path, record)), diags
    return ws, []


def buffer_diagnostics(base: Book, buffers: Mapping[str, str], today: date | None
                       ) -> tuple[Book, dict[str, list[Diagnostic]]]:
    """Every buffer (path -> text) applied to ``base``, then validated: (the workspace, diagnostics per buffer).

    Paths that are no rippledoc file get no diagnostics (and no entry).
    """
    ws = base
    own: dict[str, list[Diagnostic]] = {}
    for path in sorted((p for p in buffers if kind_of(p)), key=lambda p: (_ORDER[kind_of(p) or ""], p)):
        ws, own[path] = apply_buffer(ws, path, buffers[path], today)
    for d in checks(ws, set(own)):
        if d.path in own:
            own[d.path].append(d)
    return ws, {p: sorted(set(diags), key=Diagnostic.sort_key) for p, diags in own.items()}


def checks(ws: Book, paths: set[str]) -> list[Diagnostic]:
    """The diagnostics of ``validate(ws)`` that can name a file of ``paths``."""
    mine = tuple(c for c in ws.clients if c.path in paths)
    return client_checks(ws.root, ws.settings, mine) + [d for check in ACROSS for d in check(ws)]


def lsp_diagnostic(d: Diagnostic, lines: list[str], encoding: str = UTF16) -> types.Diagnostic:
    """One of ours as LSP's: an error stays an error and a warning a warning; the hint follows the message.

    The range covers the word the column points at; a whole line when the column
    is unknown (0), the first line when the problem is the whole file (line 0).
    """
    line = max(d.line - 1, 0)
    text = line_text(lines, line)
    if d.line == 0 or d.col == 0:
        start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    else:
        start, end = word_span(text, min(d.col - 1, len(text)), d.message)
    return types.Diagnostic(
        range=char_range(lines, line, start, end, encoding),
        message=d.message + (f"\nhint: {d.hint}" if d.hint else ""),
        severity=types.DiagnosticSeverity.Error if d.is_error else types.DiagnosticSeverity.Warning,
        code=d.code, source="rippledoc")
