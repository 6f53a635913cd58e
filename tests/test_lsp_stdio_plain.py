"""`rippledoc lsp` with a client that reports no file changes: the book is read again on open and save."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import REPO
from test_lsp_stdio import Doc

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("book")
    shutil.copytree(REPO / "clients", root / "clients")
    shutil.copy(REPO / "rippledoc.yaml", root)
    return root


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=[sys.executable, "-m", "rippledoc", "lsp", "--today", "2026-11-22"]))
async def client(lsp_client: LanguageClient, book: Path):
    # The least a client can say: no dynamic registration of file watchers.
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                               root_uri=book.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def test_a_file_written_behind_the_editors_back_counts_once_a_file_is_saved(client, book):
    path = book / "clients" / "zz-later.md"
    text = "---\nname: Ωmega Λtd\ntimezone: Europe/Athens\n---\n"
    path.write_text(text, encoding="utf-8")
    doc = Doc(client, path, text)
    assert await doc.open() == []
    (book / "clients" / "aa-earlier.md").write_text(text, encoding="utf-8")
    client.diagnostics.clear()
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=doc.uri)))
    assert [d.code for d in await doc.diagnostics()] == ["E300"]
    await doc.close()
