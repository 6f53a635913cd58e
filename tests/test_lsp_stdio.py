"""`rippledoc lsp` over stdio, driven by a real LSP client (pytest-lsp, on pygls's client).

One server process for the module, on a copy of the sample workspace, with
the date fixed. Each test opens its own documents; a hover request after a
notification is the barrier that makes every diagnostic the server published
before it arrive first (the server answers messages in order).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import REPO

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY = "2026-11-22"


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("book")
    for part in ("clients", "rituals"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "rippledoc.yaml", root)
    return root


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=[sys.executable, "-m", "rippledoc", "lsp", "--stdio", "--today", TODAY]))
async def client(lsp_client: LanguageClient, book: Path):
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations += params.registrations  # type: ignore[attr-defined]

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=book.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=book.as_uri(), name="book")]))
    yield
    await lsp_client.shutdown_session()


class Doc:
    """One open document of the test client: open, type into, wait for its diagnostics."""

    def __init__(self, client: LanguageClient, path: Path, text: str):
        self.client, self.uri, self.text, self.version = client, path.as_uri(), text, 1

    async def open(self) -> list[types.Diagnostic]:
        self.client.diagnostics.clear()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=self.uri, language_id="markdown", version=self.version, text=self.text)))
        return await self.diagnostics()

    async def type(self, line: int, start: int, end: int, new: str) -> list[types.Diagnostic]:
        """Replace UTF-16 columns start..end of ``line`` with ``new``, as an editor sends a keystroke."""
        self.version += 1
        self.client.diagnostics.clear()
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=line, character=start),
                                  end=types.Position(line=line, character=end)), text=new)]))
        return await self.diagnostics()

    async def diagnostics(self) -> list[types.Diagnostic]:
        """What the server last published for the document, once every earlier message is answered."""
        await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri), position=types.Position(line=0, character=0)))
        assert self.uri in self.client.diagnostics, "no diagnostics were published for the document"
        return list(self.client.diagnostics[self.uri])

    async def close(self) -> None:
        self.client.diagnostics.clear()
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri)))

    async def complete(self, line: int, character: int) -> list[types.CompletionItem]:
        result = await self.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            position=types.Position(line=line, character=character)))
        assert isinstance(result, types.CompletionList)
        return result.items


ACME = """---
name: Ёлка Дизайн
contact: Анна Руиз
timezone: Europe/Moscow
owner: stan
level: key
grade: tree
---
Makes office furniture.

## Log
- 2026-11-02 call reached by stan: loved the dashboard.
"""


def span(d: types.Diagnostic) -> tuple[int, int, int]:
    return d.range.start.line, d.range.start.character, d.range.end.character


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_a_clean_client_file_gets_no_diagnostics(client, book):
    doc = Doc(client, book / "clients" / "aurora-dental-group.md",
              (book / "clients" / "aurora-dental-group.md").read_text(encoding="utf-8"))
    assert await doc.open() == []
    await doc.close()


async def test_an_error_is_published_with_checks_code_place_and_hint(client, book):
    doc = Doc(client, book / "clients" / "elka.md", ACME)
    [d] = await doc.open()
    assert (d.code, d.severity, d.source) == ("E103", types.DiagnosticSeverity.Error, "rippledoc")
    assert span(d) == (6, 7, 11)  # 'tree' of 'grade: tree': check's clients/elka.md:7:8
    assert d.message == "grade 'tree' is not one of top, two, three\nhint: did you mean 'three'?"
    await doc.close()


async def test_a_warning_stays_a_warning(client, book):
    doc = Doc(client, book / "clients" / "elka-w.md", ACME.replace("Ёлка Дизайн", "Ёлка В").replace("grade: tree",
                                                                                                  "tier: key"))
    [d] = await doc.open()
    assert (d.code, d.severity, span(d)) == ("W100", types.DiagnosticSeverity.Warning, (6, 0, 4))
    assert d.message.endswith("hint: did you mean 'level'?")
    await doc.close()


async def test_typing_a_fix_clears_the_diagnostics_before_the_file_is_saved(client, book):
    doc = Doc(client, book / "clients" / "elka-two.md", ACME.replace("Ёлка Дизайн", "Ёлка Два"))
    assert [d.code for d in await doc.open()] == ["E103"]
    assert [span(d) for d in await doc.type(6, 7, 8, "")] == [(6, 7, 10)]  # 'ree'
    assert await doc.type(6, 7, 7, "th") == []  # 'three'
    assert not (book / "clients" / "elka-two.md").exists()
    await doc.close()


async def test_a_log_line_is_checked_as_typed(client, book):
    doc = Doc(client, book / "clients" / "elka-log.md", ACME.replace("Ёлка Дизайн", "Ёлка Лог").replace("tree", "top"))
    assert await doc.open() == []
    [d] = await doc.type(11, 18, 25, "answered")  # '- 2026-11-02 call answered by stan: ...'
    assert (d.code, span(d)) == ("E202", (11, 18, 26))
    assert await doc.type(11, 18, 26, "voicemail") == []
    await doc.close()


async def test_columns_are_utf16_code_units_after_an_emoji_and_cjk(client, book):
    line = "- 2026-11-02 call reached by stan: 🎉 東京 with @stann about the plan"
    doc = Doc(client, book / "clients" / "tokyo.md", ACME.replace("Ёлка Дизайн", "東京物流").replace("tree", "top")
              .replace("- 2026-11-02 call reached by stan: loved the dashboard.", line))
    [d] = await doc.open()
    start = utf16(line[:line.index("@stann")])
    assert start == line.index("@stann") + 1  # the emoji takes two units, each CJK character one
    assert (d.code, d.severity, span(d)) == ("W200", types.DiagnosticSeverity.Warning, (11, start, start + 6))
    items = await doc.complete(11, start + 1)  # after the '@'
    assert [i.label for i in items] == ["stan", "priya", "omar", "lena"]
    assert items[0].text_edit.range == types.Range(start=types.Position(line=11, character=start + 1),
                                                   end=types.Position(line=11, character=start + 1))
    await doc.close()


async def test_completion_after_level_offers_the_levels(client, book):
    doc = Doc(client, book / "clients" / "elka-c.md", ACME.replace("Ёлка Дизайн", "Ёлка К").replace("level: key",
                                                                                                  "level: "))
    await doc.open()
    assert [i.label for i in await doc.complete(5, 7)] == ["base", "key", "for-life"]
    await doc.type(11, 13, 17, "")  # '- 2026-11-02  reached by stan: ...'
    assert [i.label for i in await doc.complete(11, 13)] == ["call", "email", "meeting", "visit", "letter"]
    await doc.close()


async def test_hover_on_a_client_slug_in_a_ritual_record_shows_the_research_notes(client, book):
    path = book / "rituals" / "weekly-connection-review" / "2026-W47.md"
    doc = Doc(client, path, path.read_text(encoding="utf-8"))
    await doc.open()
    line = doc.text.split("\n").index(next(x for x in doc.text.split("\n") if "aurora-dental-group:" in x))
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=doc.uri), position=types.Position(line=line, character=5)))
    assert result is not None
    assert "Aurora Dental Group" in result.contents.value and "Contact: Dr. Renata Ibarra" in result.contents.value
    await doc.close()


async def test_a_did_you_mean_hint_has_a_quick_fix_that_clears_it(client, book):
    doc = Doc(client, book / "clients" / "elka-fix.md", ACME.replace("Ёлка Дизайн", "Ёлка Фикс"))
    [d] = await doc.open()
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=doc.uri), range=d.range,
        context=types.CodeActionContext(diagnostics=[d])))
    [action] = actions
    assert action.title == "Replace 'tree' with 'three'" and action.kind == types.CodeActionKind.QuickFix
    [edit] = action.edit.changes[doc.uri]
    assert (edit.range, edit.new_text) == (d.range, "three")
    assert await doc.type(edit.range.start.line, edit.range.start.character, edit.range.end.character,
                          edit.new_text) == []
    await doc.close()


async def test_a_team_member_added_in_the_unsaved_settings_clears_the_clients_error(client, book):
    doc = Doc(client, book / "clients" / "elka-owner.md", ACME.replace("Ёлка Дизайн", "Ёлка Овнер")
              .replace("owner: stan", "owner: mira").replace("tree", "top"))
    [d] = await doc.open()
    assert d.code == "E302"
    settings = Doc(client, book / "rippledoc.yaml", (book / "rippledoc.yaml").read_text(encoding="utf-8"))
    assert await settings.open() == []
    end = len(settings.text.split("\n")) - 1
    await settings.type(end, 0, 0, "  mira: {name: Мира Петрова}\n")
    assert await doc.diagnostics() == []
    await settings.close()
    assert [d.code for d in await doc.diagnostics()] == ["E302"]
    await doc.close()


async def test_a_file_changed_on_disk_is_read_again(client, book):
    watchers = [w["globPattern"] for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
                for w in r.register_options["watchers"]]
    assert "**/clients/*.md" in watchers
    doc = Doc(client, book / "clients" / "zz-later.md", ACME.replace("Ёлка Дизайн", "Двойник").replace("tree", "top"))
    assert await doc.open() == []
    twin = book / "clients" / "aa-earlier.md"
    twin.write_text(ACME.replace("Ёлка Дизайн", "Двойник").replace("tree", "top"), encoding="utf-8")
    client.diagnostics.clear()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=twin.as_uri(), type=types.FileChangeType.Created)]))
    [d] = await doc.diagnostics()
    assert d.code == "E300" and "aa-earlier.md" in d.message
    twin.unlink()
    client.diagnostics.clear()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=twin.as_uri(), type=types.FileChangeType.Deleted)]))
    assert await doc.diagnostics() == []
    await doc.close()
