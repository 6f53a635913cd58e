"""The pygls wiring: LSP messages in, the pure modules' answers out. Nothing is computed here."""
from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path
from typing import Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from rippledoc import __version__
from rippledoc.lsp.actions import quick_fixes
from rippledoc.lsp.books import Books, OpenBook
from rippledoc.lsp.buffers import lsp_diagnostic
from rippledoc.lsp.complete import completions
from rippledoc.lsp.hover import hover
from rippledoc.lsp.ranges import line_text, to_index

TRIGGERS = [" ", "@", "#", "{", "[", ","]
# A book whose diagnostics took longer than QUICK to compute publishes them after a pause in typing
# (WAIT without a newer change), so that keystrokes do not queue up behind each other on a large book.
QUICK, WAIT = 0.05, 0.2


def build(today: Callable[[Path], date]) -> LanguageServer:
    """A server; ``today(root)`` is the date a workspace's checks and completions use."""
    server = LanguageServer("rippledoc", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
    books = Books()
    docs: dict[str, tuple[OpenBook, str]] = {}  # open document uri -> its book and path in it
    watching: list[bool] = []  # the client reports changed files (else a book is read again on open and save)

    def encoding(ls: LanguageServer) -> str:
        return str(ls.workspace.position_encoding or "utf-16")

    def at(text: str, position: types.Position, units: str) -> tuple[int, int]:
        return position.line, to_index(line_text(text.split("\n"), position.line), position.character, units)

    def place(uri: str) -> tuple[OpenBook, str] | None:
        if uri in docs:
            return docs[uri]
        fs = to_fs_path(uri)
        return books.find(Path(fs)) if fs else None

    slow: dict[OpenBook, float] = {}  # how long each book's last diagnostics took
    pending: dict[OpenBook, asyncio.TimerHandle] = {}

    def publish(ls: LanguageServer, book: OpenBook) -> None:
        waiting = pending.pop(book, None)
        if waiting is not None:
            waiting.cancel()
        started = time.perf_counter()
        _, diags = book.state(today(book.root))
        slow[book] = time.perf_counter() - started
        for uri, (b, path) in docs.items():
            if b is not book:
                continue
            doc = ls.workspace.get_text_document(uri)
            lines = doc.source.split("\n")
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=doc.version,
                diagnostics=[lsp_diagnostic(d, lines, encoding(ls)) for d in diags.get(path, [])]))

    def publish_soon(ls: LanguageServer, book: OpenBook) -> None:
        if slow.get(book, 0.0) < QUICK:
            publish(ls, book)
            return
        waiting = pending.pop(book, None)
        if waiting is not None:
            waiting.cancel()
        pending[book] = asyncio.get_running_loop().call_later(WAIT, publish, ls, book)

    def settle(ls: LanguageServer, book: OpenBook) -> None:
        """Diagnostics waiting for a pause go out before any answer, so a client sees them in order."""
        if book in pending:
            publish(ls, book)

    @server.feature(types.INITIALIZED)
    def initialized(ls: LanguageServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if watched and watched.dynamic_registration:
            patterns = ["**/rippledoc.yaml", "**/clients/*.md", "**/rituals/**/*.md"]
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id="rippledoc-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=p) for p in patterns]))]))
            watching.append(True)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        found = place(params.text_document.uri)
        if found is None:
            return
        docs[params.text_document.uri] = found
        if not watching:
            found[0].reload()
        found[0].open(found[1], ls.workspace.get_text_document(params.text_document.uri).source)
        publish(ls, found[0])

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        found = docs.get(params.text_document.uri)
        if found is None:
            return
        found[0].change(found[1], ls.workspace.get_text_document(params.text_document.uri).source)
        publish_soon(ls, found[0])

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        found = docs.get(params.text_document.uri)
        if found is not None:
            if not watching:
                found[0].reload()
            found[0].saved(found[1])
            publish(ls, found[0])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        found = docs.pop(params.text_document.uri, None)
        if found is None:
            return
        found[0].close(found[1])
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))
        publish(ls, found[0])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: LanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        touched = set()
        for change in params.changes:
            found = place(change.uri)
            if found is not None:
                found[0].changed_on_disk(found[1])
                touched.add(found[0])
        for book in touched:
            publish(ls, book)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS))
    def complete(ls: LanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
        found = docs.get(params.text_document.uri)
        if found is None:
            return None
        book, path = found
        settle(ls, book)
        doc = ls.workspace.get_text_document(params.text_document.uri)
        line, index = at(doc.source, params.position, encoding(ls))
        ws, _ = book.state(today(book.root))
        items = completions(ws, path, doc.source, line, index, today(book.root), encoding(ls))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
        found = docs.get(params.text_document.uri)
        if found is None:
            return None
        book, path = found
        settle(ls, book)
        doc = ls.workspace.get_text_document(params.text_document.uri)
        line, index = at(doc.source, params.position, encoding(ls))
        ws, _ = book.state(today(book.root))
        return hover(ws, path, doc.source, line, index, today(book.root), encoding(ls))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: LanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        found = docs.get(params.text_document.uri)
        if found is None:
            return None
        book, path = found
        settle(ls, book)
        doc = ls.workspace.get_text_document(params.text_document.uri)
        lines = doc.source.split("\n")
        _, diags = book.state(today(book.root))
        ours = diags.get(path, [])
        published = [lsp_diagnostic(d, lines, encoding(ls)) for d in ours]
        return quick_fixes(params.text_document.uri, doc.source, ours, published, params.range, encoding(ls))

    return server
