"""``replace_touch``: how a call session adds each answer to the line it wrote, and never to anyone else's."""
from __future__ import annotations

from pathlib import Path

import pytest

from rippledoc.edit.client import EditError, FileChanged, append_touch, replace_touch

SETTINGS = "timezone: America/New_York\nme: stan\nteam:\n  stan: {name: Stan}\n  priya: {name: Priya, handles: [training]}\n"
HEAD = "---\nname: Северный Ветер\ntimezone: Europe/Moscow\n---\nЗаметки.\n\n## Log\n"
OLD = "- 2026-11-20 call voicemail by stan: said I'd call back. next: 2026-11-24\n"
LATER = "\n## Later\nMore notes.\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    (tmp_path / "clients" / "veter.md").write_text(HEAD + OLD + LATER, encoding="utf-8")
    return tmp_path


def text(book: Path) -> str:
    return (book / "clients" / "veter.md").read_text(encoding="utf-8")


def test_each_answer_changes_the_one_line_the_call_wrote(book):
    first = append_touch(book, "clients/veter.md", "- 2026-12-01 call reached by stan")
    second = replace_touch(book, "clients/veter.md", first.text, "- 2026-12-01 call reached by stan: всё хорошо.",
                           first.line)
    third = replace_touch(book, "clients/veter.md", second.text,
                          "- 2026-12-01 call reached by stan: всё хорошо. handoff: training @priya by 2026-12-02",
                          second.line)
    assert (first.line, second.line, third.line) == (9, 9, 9)
    assert text(book) == HEAD + OLD + "- 2026-12-01 call reached by stan: всё хорошо. handoff: training @priya by " \
                                      "2026-12-02\n" + LATER


def test_the_line_is_found_where_it_moved_when_a_line_was_added_above_it(book):
    first = append_touch(book, "clients/veter.md", "- 2026-12-01 call reached by stan")
    path = book / "clients" / "veter.md"
    path.write_text(text(book).replace("Заметки.\n", "Заметки.\nИ ещё.\n"), encoding="utf-8")  # an editor's save
    r = replace_touch(book, "clients/veter.md", first.text, "- 2026-12-01 call reached by stan: ок.", first.line)
    assert r.line == first.line + 1
    assert "- 2026-12-01 call reached by stan: ок.\n" in text(book) and "И ещё." in text(book)


def test_a_line_edited_by_hand_meanwhile_is_never_overwritten(book):
    first = append_touch(book, "clients/veter.md", "- 2026-12-01 call reached by stan")
    path = book / "clients" / "veter.md"
    edited = text(book).replace(first.text, first.text + ": typed in the editor")
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(FileChanged, match="no longer in the file"):
        replace_touch(book, "clients/veter.md", first.text, "- 2026-12-01 call reached by stan: mine", first.line)
    assert text(book) == edited


def test_of_two_equal_lines_the_one_at_the_given_line_is_changed(book):
    append_touch(book, "clients/veter.md", "- 2026-12-01 call no-answer by stan")
    second = append_touch(book, "clients/veter.md", "- 2026-12-01 call no-answer by stan")
    r = replace_touch(book, "clients/veter.md", second.text, "- 2026-12-01 call no-answer by stan: twice",
                      second.line)
    assert r.line == second.line == 10
    assert text(book) == HEAD + OLD + "- 2026-12-01 call no-answer by stan\n" \
                                      "- 2026-12-01 call no-answer by stan: twice\n" + LATER


def test_equal_lines_none_of_them_at_the_given_line_are_left_alone(book):
    path = book / "clients" / "veter.md"
    path.write_text(HEAD + OLD + OLD + LATER, encoding="utf-8")
    with pytest.raises(EditError, match="appears 2 times"):
        replace_touch(book, "clients/veter.md", OLD.rstrip("\n"), "- 2026-11-20 call voicemail by stan", 0)
    assert text(book) == HEAD + OLD + OLD + LATER


def test_a_touch_keeps_its_day_and_a_line_that_would_not_parse_is_refused(book):
    first = append_touch(book, "clients/veter.md", "- 2026-12-01 call reached by stan")
    before = text(book)
    with pytest.raises(EditError, match="keeps its day"):
        replace_touch(book, "clients/veter.md", first.text, "- 2026-12-02 call reached by stan", first.line)
    with pytest.raises(EditError, match="refused"):
        replace_touch(book, "clients/veter.md", first.text,
                      "- 2026-12-01 call reached by stan: handoff: cooking by 2026-12-02", first.line)
    assert text(book) == before


def test_crlf_endings_and_a_bom_are_kept(book):
    path = book / "clients" / "veter.md"
    path.write_bytes(b"\xef\xbb\xbf" + (HEAD + OLD + LATER).replace("\n", "\r\n").encode("utf-8"))
    first = append_touch(book, "clients/veter.md", "- 2026-12-01 call reached by stan")
    replace_touch(book, "clients/veter.md", first.text, "- 2026-12-01 call reached by stan: да", first.line)
    assert path.read_bytes() == b"\xef\xbb\xbf" + (HEAD + OLD + "- 2026-12-01 call reached by stan: да\n" + LATER
                                                  ).replace("\n", "\r\n").encode("utf-8")
