"""What the server keeps between requests: each workspace loaded once, and the open buffers in it.

An ``OpenBook`` is one workspace folder: the book loaded from disk (``base``), the
text of each open buffer, and what was last computed from them. Files that
change on disk while no buffer holds them are read again one by one; a
change to rippledoc.yaml or a ritual definition (which every client or record
is read with) loads the workspace again.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from rippledoc.book.link import with_client, with_records
from rippledoc.book.loader import load_book
from rippledoc.cli.common import workspace_root
from rippledoc.diagnostics import Diagnostic
from rippledoc.lsp.buffers import apply_buffer, buffer_diagnostics
from rippledoc.lsp.places import CLIENT, RECORD, kind_of
from rippledoc.book.book import Book
from rippledoc.read.source import read_text


class OpenBook:
    def __init__(self, root: Path):
        self.root = root
        self.base: Book | None = None
        self.buffers: dict[str, str] = {}
        self.disk: dict[str, list[Diagnostic]] = {}  # E001-E004 of each buffer's saved file, read on open and save
        self._last: tuple[Book, dict[str, list[Diagnostic]]] | None = None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _base(self, today: date | None) -> Book:
        if self.base is None:
            self.base = load_book(self.root, today)
        return self.base

    def reload(self) -> None:
        """Read the workspace from disk again at the next request (for a client that reports no file changes)."""
        self.base = None
        self._last = None

    def open(self, path: str, text: str) -> None:
        self.buffers[path] = text
        self.disk.pop(path, None)
        self._last = None

    def change(self, path: str, text: str) -> None:
        self.buffers[path] = text
        self._last = None

    def saved(self, path: str) -> None:
        self.disk.pop(path, None)
        self._last = None

    def close(self, path: str) -> None:
        self.buffers.pop(path, None)
        self.disk.pop(path, None)
        self.changed_on_disk(path)

    def changed_on_disk(self, path: str) -> None:
        """The file at ``path`` changed, appeared or went away outside the buffers: the base follows it."""
        self._last = None
        if self.base is None or path in self.buffers:
            return
        kind = kind_of(path)
        if kind not in (CLIENT, RECORD):  # settings and definitions: every client or record depends on them
            self.base = None if kind else self.base
            return
        src = None
        if os.path.lexists(self.root / path):
            src, _ = read_text(self.root, self.root / path, self.base.settings.max_file_bytes)
        if src is not None:
            self.base = apply_buffer(self.base, path, src.text, None)[0]
        elif kind == CLIENT:
            self.base = with_client(self.base, path, None)
        else:
            self.base = with_records(self.base, tuple(r for r in self.base.records if r.source.path != path))

    def _read_disk(self, path: str, max_bytes: int) -> list[Diagnostic]:
        """The problems ``check`` has with the saved file before parsing it: unreadable, not UTF-8, too large."""
        if not os.path.lexists(self.root / path):
            return []  # a new file, not saved yet
        src, diags = read_text(self.root, self.root / path, max_bytes)
        return diags if src is None else []

    def state(self, today: date | None) -> tuple[Book, dict[str, list[Diagnostic]]]:
        """The workspace with every open buffer applied, and each buffer's diagnostics."""
        if self._last is None:
            base = self._base(today)
            ws, diags = buffer_diagnostics(base, self.buffers, today)
            for path in diags:
                if path not in self.disk:
                    self.disk[path] = self._read_disk(path, ws.settings.max_file_bytes)
                if self.disk[path]:
                    diags[path] = sorted(set(diags[path] + self.disk[path]), key=Diagnostic.sort_key)
            self._last = (ws, diags)
        return self._last


class Books:
    """Every workspace the open documents belong to, found from each document's folder upwards."""

    def __init__(self) -> None:
        self.by_root: dict[Path, OpenBook] = {}

    def find(self, path: Path) -> tuple[OpenBook, str] | None:
        """The book a file belongs to and its path in it, or None for a file of no workspace."""
        path = path.absolute().parent.resolve() / path.name  # the file itself may be a link: check says so
        root = workspace_root(path.parent)
        if root is None:
            return None
        book = self.by_root.setdefault(root, OpenBook(root))
        rel = book.rel(path)
        return (book, rel) if kind_of(rel) else None
