"""What the Language Server computes, as pure functions: no client, no process.

The stdio tests (test_lsp_stdio.py) show the same through a real client;
these pin down each rule: check's diagnostics for a buffer, columns in code
units, completions at each place of each kind of file, hover, quick fixes.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from lsprotocol import types

from conftest import load_workspace
from rippledoc.book.validate import validate
from rippledoc.diagnostics import Diagnostic, error, warning
from rippledoc.lsp.actions import fix_of, quick_fixes
from rippledoc.lsp.books import Books, OpenBook
from rippledoc.lsp.buffers import apply_buffer, buffer_diagnostics, checks, lsp_diagnostic
from rippledoc.lsp.complete import completions
from rippledoc.lsp.hover import hover
from rippledoc.lsp.places import CLIENT, RECORD, RITUAL, SETTINGS, kind_of, layout
from rippledoc.lsp.ranges import UTF8, UTF16, UTF32, to_index, to_units, word_span

from conftest import REPO, TODAY
from test_diagnostics_fixtures import ALL as FIXTURE_CODES, copy_fixture, expected

# Problems of reading the saved file (unreadable, not UTF-8, too large, a link out): a buffer is text already.
DISK = ("E001", "E002", "E003", "E004")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    for part in ("clients", "rituals"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "rippledoc.yaml", root)
    return root


@pytest.fixture(scope="module")
def sample_ws(sample):
    return load_workspace(sample, TODAY)


def book_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if (p.is_file() or p.is_symlink()) and kind_of(p.relative_to(root).as_posix()))


# ---------------------------------------------------------------- columns

LINE = "a🎉東b"


@pytest.mark.parametrize("encoding, units", [(UTF16, [0, 1, 3, 4, 5]), (UTF8, [0, 1, 5, 8, 9]),
                                             (UTF32, [0, 1, 2, 3, 4])])
def test_a_character_index_is_counted_in_the_code_units_of_the_encoding(encoding, units):
    assert [to_units(LINE, i, encoding) for i in range(len(LINE) + 1)] == units
    assert [to_index(LINE, u, encoding) for u in units] == list(range(len(LINE) + 1))


def test_a_position_inside_a_character_or_past_the_line_is_clamped():
    assert to_index(LINE, 2, UTF16) == 2  # the second half of the emoji: after it
    assert to_index(LINE, 99, UTF16) == len(LINE)


def test_a_range_covers_the_word_the_message_quotes_nearest_the_column():
    assert word_span("grade: tree", 7, "grade 'tree' is not one of top, two, three") == (7, 11)
    text = "- 2026-11-02 call reached by stann: met stann"
    assert word_span(text, 0, "'by stann': not in the team") == (29, 34)
    assert word_span("owner: stann", 0, "owner 'stann' is not in the team") == (7, 12)
    assert word_span("phone: 0700", 7, "'phone: 0700' is kept as the text you typed") == (7, 11)


def test_without_a_quoted_word_a_range_covers_the_word_or_quoted_value_at_the_column():
    assert word_span('hours: "17:00-09:00"', 7, "starts after it ends") == (7, 20)
    assert word_span("- 2026-11-20 call", 0, "log line does not parse") == (0, 17)


# ---------------------------------------------------------------- diagnostics: check's, for a buffer

def test_every_file_of_the_sample_gives_checks_diagnostics_as_a_buffer(sample, sample_ws):
    ws, diags = sample_ws
    files = book_files(sample)
    assert len(files) > 40
    for path in files:
        _, got = buffer_diagnostics(ws, {path: (sample / path).read_text(encoding="utf-8")}, TODAY)
        assert got[path] == [d for d in diags if d.path == path], path


@pytest.mark.parametrize("code", [c for c in FIXTURE_CODES if c not in DISK])
def test_every_diagnostic_fixture_gives_checks_diagnostics_as_a_buffer(code, tmp_path):
    root = copy_fixture(code, tmp_path)
    ws, diags = load_workspace(root, TODAY)
    files = [p for p in book_files(root) if not (root / p).is_symlink()]
    assert files
    got = []
    for path in files:
        text = (root / path).read_bytes().decode("utf-8")
        mine = buffer_diagnostics(ws, {path: text}, TODAY)[1][path]
        assert mine == [d for d in diags if d.path == path], path
        got += [f"{d.path}:{d.line}:{d.col} {d.code}" for d in mine]
    # what the fixture expects in the files the server checks (W001 is about .gitattributes)
    assert [x for x in expected(code) if kind_of(x.split(":")[0])] == sorted(got)


@pytest.mark.parametrize("code", ["E003", "E002"])
def test_a_saved_file_check_cannot_read_reports_that_beside_the_buffers_diagnostics(code, tmp_path):
    root = copy_fixture(code, tmp_path)
    ws, diags = load_workspace(root, TODAY)
    [bad] = [d for d in diags if d.code == code]
    book = OpenBook(root)
    book.open(bad.path, (root / bad.path).read_bytes().decode("utf-8", errors="replace"))
    _, got = book.state(TODAY)
    assert bad in got[bad.path]


def test_the_checks_of_each_client_alone_agree_with_checking_the_whole_book(sample_ws, tmp_path):
    from bench.generate import generate
    generate(tmp_path, 120)
    twin, _ = apply_buffer(sample_ws[0], "clients/zz-twin.md", "---\nname: Aurora Dental Group\nowner: nobody\n---\n",
                           TODAY)  # a name and an owner that clash across files
    for ws in (sample_ws[0], load_workspace(tmp_path, TODAY)[0], twin):
        everything = validate(ws)
        for c in ws.clients:
            assert [d for d in checks(ws, {c.path}) if d.path == c.path] == \
                [d for d in everything if d.path == c.path], c.path


def test_a_buffer_replaces_its_file_and_a_new_one_goes_in_path_order(sample_ws):
    ws, _ = sample_ws
    text = "---\nname: Aurora Dental Group\n---\n"
    new, _ = apply_buffer(ws, "clients/aaa-first.md", text, TODAY)
    assert new.clients[0].path == "clients/aaa-first.md" and len(new.clients) == len(ws.clients) + 1
    # check names the second of two equal names; path order decides which is second
    [dup] = [d for d in validate(new) if d.code == "E300"]
    assert dup.path == "clients/aurora-dental-group.md"
    same, _ = apply_buffer(ws, "clients/blue-gum-health.md", "---\nname: Blue Gum\n---\n", TODAY)
    assert [c.path for c in same.clients] == [c.path for c in ws.clients]
    gone, diags = apply_buffer(ws, "clients/blue-gum-health.md", "---\nname Blue Gum\n---\n", TODAY)
    assert "clients/blue-gum-health.md" not in [c.path for c in gone.clients] and diags[0].code == "E013"


def test_an_unsaved_ritual_definition_changes_how_an_open_record_is_checked(sample_ws):
    ws, _ = sample_ws
    definition = (REPO / "rituals" / "weekly-connection-review.md").read_text(encoding="utf-8")
    record = "---\ndate: 2026-11-27\nclients:\n  aurora-dental-group: {solves: 5, warmth: 4}\n---\n"
    path = "rituals/weekly-connection-review/2026-W48.md"
    _, before = buffer_diagnostics(ws, {path: record}, TODAY)
    assert [d.code for d in before[path]] == ["W400", "E401"]  # no score for profit..like; 'warmth' is no metric
    only = definition.replace("  - {key: profit", "  - {key: warmth, label: Warmth}\n  - {key: profit")
    only = "\n".join(x for x in only.split("\n") if not x.startswith(("  - {key: profit", "  - {key: expectations",
                                                                      "  - {key: resolution", "  - {key: like")))
    _, after = buffer_diagnostics(ws, {path: record, "rituals/weekly-connection-review.md": only}, TODAY)
    assert after[path] == []


def test_a_diagnostic_becomes_lsps_with_its_severity_code_and_hint():
    lines = ["---", "grade: tree", "tier: key"]
    d = lsp_diagnostic(error("clients/a.md", 2, 8, "E103", "grade 'tree' is not one of top, two, three",
                             "did you mean 'three'?"), lines)
    assert (d.severity, d.code, d.source) == (types.DiagnosticSeverity.Error, "E103", "rippledoc")
    assert d.message == "grade 'tree' is not one of top, two, three\nhint: did you mean 'three'?"
    assert (d.range.start, d.range.end) == (types.Position(line=1, character=7), types.Position(line=1, character=11))
    w = lsp_diagnostic(warning("clients/a.md", 3, 1, "W100", "unknown key 'tier'", ""), lines)
    assert (w.severity, w.message) == (types.DiagnosticSeverity.Warning, "unknown key 'tier'")
    whole = lsp_diagnostic(error("rituals/x/2026.md", 0, 0, "E404", "'2026' is not a week"), lines)
    assert (whole.range.start.line, whole.range.end.character) == (0, 3)
    line = lsp_diagnostic(error("clients/a.md", 3, 0, "E101", "wrong"), lines)
    assert (line.range.start.character, line.range.end.character) == (0, 9)


# ---------------------------------------------------------------- places

@pytest.mark.parametrize("path, kind", [
    ("clients/acme.md", CLIENT), ("clients/ёлка.md", CLIENT), ("rituals/high-grade.md", RITUAL),
    ("rituals/high-grade/2026-Q1.md", RECORD), ("rituals/twelve-days/2025/day-1.md", RECORD),
    ("rippledoc.yaml", SETTINGS), ("clients/notes.txt", None), ("clients/sub/acme.md", None),
    ("README.md", None), ("rituals/.hidden/2026.md", None), ("clients/.acme.md", None)])
def test_the_kind_of_a_file_is_told_by_its_place(path, kind):
    assert kind_of(path) == kind


def test_a_front_matter_not_closed_yet_runs_to_the_end():
    assert layout("clients/a.md", "---\nname: A\nlev").front == (1, 3)
    assert layout("clients/a.md", "---\nname: A\n---\nnotes\n## Log\n- x\n").log == (5, 7)
    assert layout("rippledoc.yaml", "title: x\nme: stan").front == (0, 2)


# ---------------------------------------------------------------- completion

def complete(ws, path: str, text: str) -> tuple[list[str], types.Range | None]:
    """Completions at the '|' of ``text``."""
    lines = text.split("\n")
    line = next(i for i, x in enumerate(lines) if "|" in x)
    index = lines[line].index("|")
    lines[line] = lines[line].replace("|", "")
    items = completions(ws, path, "\n".join(lines), line, index, TODAY)
    return [i.label for i in items], (items[0].text_edit.range if items else None)


TEAM = ["stan", "priya", "omar", "lena"]
RECORD_W = "rituals/weekly-connection-review/2026-W48.md"
METRICS = ["solves", "profit", "expectations", "resolution", "like", "why", "note"]


@pytest.mark.parametrize("path, text, labels", [
    ("clients/a.md", "---\nname: A\nlevel: |\n---\n", ["base", "key", "for-life"]),
    ("clients/a.md", "---\nname: A\ngrade: t|\n---\n", ["top", "two", "three"]),
    ("clients/a.md", "---\nname: A\nstatus: |\n---\n", ["active", "paused", "former"]),
    ("clients/a.md", "---\nname: A\nowner: |\n---\n", TEAM),
    ("clients/a.md", "---\nname: A\nsales:\n  - {date: 2026-01-01, |}\n---\n", ["date", "amount", "what"]),
    ("clients/a.md", "---\nname: A\ncommitments:\n- {made: |\n---\n", ["2026-11-22"]),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 |\n", ["call", "email", "meeting", "visit", "letter"]),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 call |\n", ["reached", "voicemail", "no-answer", "by"]),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 letter s|\n", ["sent", "reached", "by"]),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 call voicemail by |\n", TEAM),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 call by p|\n", TEAM),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 call: Ωmega @|\n", TEAM),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- 2026-11-20 call: handoff: |\n", ["support", "training"]),
    ("clients/a.md", "---\nname: A\n---\n## Log\n- |\n", ["2026-11-22"]),
    ("clients/a.md", "---\nname: A\n---\nNotes about @| and by\n## Log\n", []),
    ("rippledoc.yaml", "title: x\nworking_days: [mon, |]\n", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    ("rippledoc.yaml", "title: x\nteam:\n  stan:\n    |\n", ["name", "email", "role", "handles"]),
    ("rippledoc.yaml", "title: x\nme: |\n", TEAM),
    ("rituals/x.md", "---\nname: X\ncadence: |\n---\n", ["daily", "weekly", "monthly", "quarterly", "yearly"]),
    ("rituals/x.md", "---\nname: X\ncovers: {level: [key, |]}\n---\n", ["base", "key", "for-life"]),
    ("rituals/x.md", "---\nname: X\nanswers:\n  - {key: a, type: |}\n---\n", ["text", "choice", "date"]),
    (RECORD_W, "---\n|\n---\n", ["date", "clients", "applied"]),
    (RECORD_W, "---\ndate: 2026-11-27\nclients:\n  aurora-dental-group: {solves: 5, |}\n---\n", METRICS),
    (RECORD_W, "---\ndate: 2026-11-27\nclients:\n  aurora-dental-group:\n    solves: 5\n    |\n---\n", METRICS),
    (RECORD_W, "---\nclients:\n  aurora-dental-group: {like: |}\n---\n", ["5", "4", "3", "2", "1"]),
    ("rituals/high-grade/2026-Q4.md", "---\nclients:\n  aurora-dental-group: {grade: |}\n---\n", ["top", "two", "three"]),
    ("rituals/twelve-days/2026/x.md", "---\ndate: 2026-12-13\n|\n---\n",
     ["client", "day", "applied", "letter_sent", "why", "note"]),
])
def test_completion_offers_what_fits_the_place(sample_ws, path, text, labels):
    assert complete(sample_ws[0], path, text)[0] == labels


def test_completion_of_keys_offers_the_fields_not_yet_written_with_their_description(sample_ws):
    ws, _ = sample_ws
    items = completions(ws, "clients/a.md", "---\nname: A\nlevel: key\n\n---\n", 3, 0, TODAY)
    labels = [i.label for i in items]
    assert "name" not in labels and "level" not in labels and {"grade", "timezone", "owner", "commitments"} <= set(labels)
    grade = next(i for i in items if i.label == "grade")
    assert grade.text_edit.new_text == "grade: " and "top, two or three" in grade.documentation.value


def test_completion_of_time_zones_replaces_what_was_typed_of_the_zone(sample_ws):
    labels, edit = complete(sample_ws[0], "clients/a.md", "---\nname: A\ntimezone: Europe/Be|\n---\n")
    assert {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"} <= set(labels)
    assert (edit.start.character, edit.end.character) == (10, 19)


def test_completion_of_client_slugs_in_a_record_leaves_out_those_already_in_it(sample_ws):
    ws, _ = sample_ws
    labels, _ = complete(ws, RECORD_W, "---\ndate: 2026-11-27\nclients:\n  aurora-dental-group: {solves: 5}\n  |\n---\n")
    assert "aurora-dental-group" not in labels and "blue-gum-health" in labels and len(labels) == len(ws.clients) - 1
    sheet, _ = complete(ws, "rituals/twelve-days/2026/x.md", "---\ndate: 2026-12-13\nclient: |\n---\n")
    assert len(sheet) == len(ws.clients)


def test_completion_ranges_count_utf16_units(sample_ws):
    ws, _ = sample_ws
    text = "---\nname: A\n---\n## Log\n- 2026-11-20 call: 🎉 東京 @\n"
    line = "- 2026-11-20 call: 🎉 東京 @"
    [first, *_] = completions(ws, "clients/a.md", text, 4, len(line), TODAY, UTF16)
    assert first.text_edit.range.start.character == len(line.encode("utf-16-le")) // 2 == len(line) + 1


# ---------------------------------------------------------------- hover

def test_hover_on_a_client_slug_in_a_record_shows_its_research_notes(sample_ws):
    ws, _ = sample_ws
    text = "---\ndate: 2026-11-27\nclients:\n  aurora-dental-group: {solves: 5}\n---\n"
    result = hover(ws, RECORD_W, text, 3, 4, TODAY)
    assert result is not None
    notes = result.contents.value
    assert "Aurora Dental Group: client for 12 years 5 months, for-life client, top grade" in notes
    assert "Contact: Dr. Renata Ibarra · +1 619 555 0138 · renata@auroradental.example" in notes
    assert (result.range.start.character, result.range.end.character) == (2, 21)


def test_hover_shows_nothing_off_a_slug_or_outside_a_record(sample_ws):
    ws, _ = sample_ws
    text = "---\ndate: 2026-11-27\nclients:\n  aurora-dental-group: {solves: 5}\n---\n"
    assert hover(ws, RECORD_W, text, 3, 26, TODAY) is None  # 'solves'
    assert hover(ws, "clients/a.md", "---\nname: aurora-dental-group\n---\n", 1, 8, TODAY) is None


# ---------------------------------------------------------------- quick fixes

@pytest.mark.parametrize("line, d, fix", [
    ("grade: tree", error("c.md", 1, 8, "E103", "grade 'tree' is not one of top, two, three", "did you mean 'three'?"),
     ("tree", "three")),
    ("tier: key", warning("c.md", 1, 1, "W100", "unknown key 'tier'", "did you mean 'level'?"), ("tier", "level")),
    ("owner: stann", error("c.md", 1, 1, "E302", "owner 'stann' is not in the team", "did you mean 'stan'?"),
     ("stann", "stan")),
    ("- 2026-11-02 cal reached", error("c.md", 1, 14, "E201", "unknown touch kind 'cal'; one of call",
                                       "did you mean 'call'?"), ("cal", "call")),
    ("- 2026-11-02 call: asked @pirya", warning("c.md", 1, 26, "W200", "'@pirya' is not in the team",
                                                "did you mean 'priya'?"), ("@pirya", "@priya")),
    ("  aurora-dentl-group: {like: 5}", error("r.md", 1, 3, "E303", "unknown client 'aurora-dentl-group'",
                                              "did you mean 'aurora-dental-group'?"),
     ("aurora-dentl-group", "aurora-dental-group")),
])
def test_a_did_you_mean_hint_fixes_the_word_it_points_at(line, d, fix):
    found = fix_of(d, [line])
    assert found is not None and found[3:] == fix
    assert line[found[1]:found[2]] == fix[0]


def test_a_hint_without_a_suggestion_has_no_fix():
    assert fix_of(error("c.md", 1, 1, "E102", "'since: x' is not a date", "write dates as YYYY-MM-DD"),
                  ["since: x"]) is None


def test_quick_fixes_are_offered_for_the_lines_asked_about(sample_ws):
    text = "---\nname: A\ngrade: tree\n---\n"
    ours = [error("clients/a.md", 3, 8, "E103", "grade 'tree' is not one of top, two, three", "did you mean 'three'?")]
    published = [lsp_diagnostic(d, text.split("\n")) for d in ours]
    line2 = types.Range(start=types.Position(line=2, character=0), end=types.Position(line=2, character=0))
    [action] = quick_fixes("file:///a.md", text, ours, published, line2)
    assert action.edit.changes["file:///a.md"][0].new_text == "three" and action.diagnostics == published
    line1 = types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=3))
    assert quick_fixes("file:///a.md", text, ours, published, line1) == []


# ---------------------------------------------------------------- the books the server keeps

def test_a_document_belongs_to_the_workspace_above_it(sample):
    books = Books()
    book, path = books.find(sample / "rituals" / "high-grade" / "2026-Q1.md")
    assert (book.root, path) == (sample.resolve(), "rituals/high-grade/2026-Q1.md")
    assert books.find(sample / "clients" / "x.md")[0] is book
    assert books.find(sample / "README.md") is None
    assert books.find(Path("/") / "nowhere" / "x.md") is None


def test_files_changed_on_disk_are_read_again_and_closed_buffers_fall_back_to_the_saved_file(tmp_path):
    root = tmp_path
    (root / "clients").mkdir()
    (root / "clients" / "a.md").write_text("---\nname: Ärzte Nord\ntimezone: Europe/Berlin\n---\n", encoding="utf-8")
    book = OpenBook(root)
    book.open("clients/b.md", "---\nname: Ärzte Nord\ntimezone: Europe/Berlin\n---\n")
    assert [d.code for d in book.state(TODAY)[1]["clients/b.md"]] == ["E300"]
    (root / "clients" / "a.md").write_text("---\nname: Ärzte Süd\ntimezone: Europe/Berlin\n---\n", encoding="utf-8")
    book.changed_on_disk("clients/a.md")
    assert book.state(TODAY)[1]["clients/b.md"] == []
    os.unlink(root / "clients" / "a.md")
    book.changed_on_disk("clients/a.md")
    assert [c.path for c in book.state(TODAY)[0].clients] == ["clients/b.md"]
    book.close("clients/b.md")
    assert book.state(TODAY) == (replace(book.base, clients=()), {})  # never saved: gone with its buffer


def test_a_file_with_crlf_line_endings_is_checked_and_completed_like_one_with_lf(sample_ws):
    ws, _ = sample_ws
    text = "---\r\nname: Ärzte Nord\r\ntimezone: Europe/Berlin\r\ngrade: tree\r\nlevel: \r\n---\r\n## Log\r\n- 2026-11-20 call \r\n"
    _, diags = buffer_diagnostics(ws, {"clients/a.md": text}, TODAY)
    [d] = diags["clients/a.md"]
    published = lsp_diagnostic(d, text.split("\n"))
    assert (d.code, published.range.start.character, published.range.end.character) == ("E103", 7, 11)
    assert [i.label for i in completions(ws, "clients/a.md", text, 4, 7, TODAY)] == ["base", "key", "for-life"]
    assert [i.label for i in completions(ws, "clients/a.md", text, 7, 18, TODAY)][:1] == ["reached"]


def test_a_malformed_message_is_one_line_on_stderr_not_a_traceback():
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "rippledoc", "lsp"], input=b"Content-Length: 5\r\n\r\n{bad}",
                          capture_output=True, timeout=60)
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr.decode()
    assert proc.stderr.decode().startswith("rippledoc lsp: Unable to handle message: Expecting property name")
