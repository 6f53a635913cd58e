"""``rippledoc find``: every line of the book holding a text, with file:line, the client and the date.

A text matches in any case and in any script (NFKC, case folded), however
the file composed its accents; a /regex/ matches the line as written; the
filters narrow by client, date, tag and author; nothing found exits 1 (like
grep) and a bad query exits 2.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, TODAY
from conftest import load_workspace
from rippledoc.cli.app import main
from rippledoc.cli.find import render_match
from rippledoc.cli.output import visible
from rippledoc.views.find import FindError, Filters, caseless, entries, find, parse_query, text_spans

SETTINGS = "me: stan\ntimezone: Europe/Berlin\nteam:\n  stan: {name: Stan}\n  lena: {name: Lena}\n"
# Cyrillic, Greek, CJK and Nordic names; one file writes its accents decomposed (u + U+0308).
FILES = {
    "rippledoc.yaml": SETTINGS,
    "clients/ivanov.md": """\
        ---
        name: Иванов и партнёры
        contact: Ольга Смирнова
        tags: [легал]
        ---
        Ольга решает всё сама.

        ## Log
        - 2026-03-02 call reached by stan: Ольга спросила про резервное копирование.
        - 2026-10-05 email by lena: отправили СЧЁТ за октябрь.
        """,
    "clients/papadopoulos.md": """\
        ---
        name: Παπαδόπουλος Ναυτιλιακή
        contact: Νίκος Παπαδόπουλος
        ---
        ## Log
        - 2026-04-14 call reached: ΟΔΥΣΣΕΑΣ wants the fleet tablets upgraded.
        """,
    "clients/yamada.md": """\
        ---
        name: 山田製作所
        contact: 山田太郎
        email: taro@yamada.example
        tags: [manufacturing]
        ---
        東京工場と大阪工場がある。

        ## Log
        - 2026-06-01 visit reached by lena: 大阪工場の新しいサーバーを見学した。
        """,
    "clients/bjork.md": """\
        ---
        name: Bjørk & Sønner
        contact: Mu\u0308ller Ærø
        phone: "+47 22 33 44 55"
        tags: [logistics]
        ---
        Straße der Fischer 3, delivery by boat.

        ## Log
        - 2025-12-01 call voicemail by stan: left a message about the backup. next: 2025-12-03
        - 2025-12-03 call reached by stan: Backup restored; #intel they read Sjøfart Weekly.
        """,
}


@pytest.fixture
def book(workspace) -> Path:
    return workspace(FILES)


def loaded(root: Path):
    ws, diags = load_workspace(root, TODAY)
    assert [d for d in diags if d.is_error] == []
    return ws


def search(root: Path, text: str, **filters) -> list[tuple[str, int]]:
    found = find(loaded(root), parse_query(text, filters.pop("regex", False)), Filters(**filters), TODAY)
    return [(m.path, m.line) for m in found.matches]


def run(root: Path, *args: str):
    result = CliRunner().invoke(main, ["-C", str(root), "find", *args, "--today", TODAY.isoformat()])
    assert "Traceback" not in result.output
    return result


# ---- what a text matches -------------------------------------------------------------------------

@pytest.mark.parametrize("typed, where", [
    ("ольга", [("clients/ivanov.md", 3), ("clients/ivanov.md", 6), ("clients/ivanov.md", 9)]),  # Cyrillic, any case
    ("счёт", [("clients/ivanov.md", 10)]),  # written СЧЁТ
    ("Οδυσσεας", [("clients/papadopoulos.md", 6)]),  # the file has ΟΔΥΣΣΕΑΣ: a final ς is a σ
    ("ναυτιλιακή", [("clients/papadopoulos.md", 2)]),
    ("大阪工場", [("clients/yamada.md", 7), ("clients/yamada.md", 10)]),  # CJK, no word breaks
    ("山田", [("clients/yamada.md", 2), ("clients/yamada.md", 3)]),
    ("müller", [("clients/bjork.md", 3)]),  # the file has u + combining diaeresis
    ("MÜLLER", [("clients/bjork.md", 3)]),
    ("sønner", [("clients/bjork.md", 2)]),
    ("STRASSE", [("clients/bjork.md", 7)]),  # ß folds to ss
    ("ＳＪØＦＡＲＴ", [("clients/bjork.md", 11)]),  # full-width letters are NFKC-folded
])
def test_a_text_matches_in_any_case_script_and_composition(book, typed, where):
    assert search(book, typed) == where


def test_accents_count_and_scripts_are_never_stripped(book):
    assert search(book, "muller") == []  # not 'Müller'
    assert search(book, "sonner") == []
    assert search(book, "ивaнов") == []  # a Latin 'a' among Cyrillic letters is another word


def test_a_field_is_found_by_its_value_not_its_key(book):
    assert search(book, "name") == []
    assert search(book, "contact") == []
    assert search(book, "taro@") == [("clients/yamada.md", 4)]


def test_file_and_line_point_at_the_line_shown(book):
    ws = loaded(book)
    for e in entries(ws, TODAY):
        if e.kind in ("log", "notes"):
            assert (book / e.path).read_text(encoding="utf-8").split("\n")[e.line - 1] == e.text


def test_spans_are_offsets_into_the_line_as_written():
    assert text_spans("Mu\u0308ller Ærø", caseless("MÜLLER")) == ((0, 7),)  # the combining mark is inside the match
    assert text_spans("Straße 3", caseless("strasse")) == ((0, 6),)
    assert text_spans("backup, Backup, BACKUP", "backup") == ((0, 6), (8, 14), (16, 22))
    assert text_spans("東京と大阪", "大阪") == ((3, 5),)
    assert text_spans("nothing here", "backup") is None


# ---- regular expressions and bad queries --------------------------------------------------------

def test_a_regex_between_slashes_or_with_regex_matches_the_line_as_written(book):
    assert search(book, "/backup (restored|schedule)/") == [("clients/bjork.md", 11)]
    assert search(book, r"\+47 \d\d", regex=True) == [("clients/bjork.md", 4)]
    assert search(book, "/ОКТЯБРЬ/") == [("clients/ivanov.md", 10)]  # ignoring case


@pytest.mark.parametrize("text, regex, message", [
    ("", False, "nothing to find"),
    ("   ", False, "nothing to find"),
    ("/(/", False, "is not a regular expression"),
    ("[a-", True, "is not a regular expression"),
    ("/x*/", False, "matches an empty text"),
])
def test_an_empty_query_or_a_bad_regex_is_refused(text, regex, message):
    with pytest.raises(FindError, match=message):
        parse_query(text, regex)


def test_a_bad_regex_is_a_usage_error_with_exit_2(book):
    result = run(book, "/(unclosed/")
    assert result.exit_code == 2
    assert "is not a regular expression" in result.output


# ---- filters -----------------------------------------------------------------------------------

def test_filters_by_client_date_tag_and_author(book):
    assert search(book, "backup", client="bjork") == [("clients/bjork.md", 10), ("clients/bjork.md", 11)]
    assert search(book, "backup", client="ivanov") == []
    assert search(book, "backup", since=date(2025, 12, 2)) == [("clients/bjork.md", 11)]
    assert search(book, "ольга", since=date(2026, 1, 1)) == [("clients/ivanov.md", 9)]  # undated lines left out
    assert search(book, "backup", tag="intel") == [("clients/bjork.md", 11)]  # the line's #tag
    assert search(book, "工場", tag="manufacturing") == [("clients/yamada.md", 7), ("clients/yamada.md", 10)]
    assert search(book, "工場", tag="logistics") == []
    assert search(book, "大阪", by="lena") == [("clients/yamada.md", 10)]
    assert search(book, "ольга", by="stan") == [("clients/ivanov.md", 9)]
    assert search(book, "Οδυσσεας", by="stan") == [("clients/papadopoulos.md", 6)]  # no 'by': me: wrote it


def test_the_cli_resolves_client_names_and_me(book):
    result = run(book, "backup", "--client", "bjork", "--by", "me")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "clients/bjork.md:10: Bjørk & Sønner · 2025-12-01 · - 2025-12-01 call voicemail by stan: left a message "
        "about the backup. next: 2025-12-03",
        "clients/bjork.md:11: Bjørk & Sønner · 2025-12-03 · - 2025-12-03 call reached by stan: Backup restored; "
        "#intel they read Sjøfart Weekly."]
    cyrillic = run(book, "о", "--client", "иванов")  # a client named in Cyrillic, in any case
    assert cyrillic.exit_code == 0, cyrillic.output
    assert {line.split(":")[0] for line in cyrillic.output.splitlines()} == {"clients/ivanov.md"}
    assert run(book, "backup", "--by", "nobody").exit_code == 2
    assert run(book, "backup", "--client", "no-such-client").exit_code == 2
    assert run(book, "backup", "--since", "2025-13-01").exit_code == 2


# ---- the command ---------------------------------------------------------------------------------

def test_nothing_found_exits_1_and_says_so(book):
    result = run(book, "zebra crossing")
    assert result.exit_code == 1
    assert "nothing found for 'zebra crossing'" in result.output


def test_json_is_the_view(book):
    result = run(book, "大阪", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "大阪" and data["regex"] is False and data["clients"] == 1
    assert data["filters"] == {"client": None, "since": None, "tag": None, "by": None}
    assert data["matches"][1] == {
        "path": "clients/yamada.md", "line": 10, "kind": "log", "client": "yamada", "name": "山田製作所",
        "date": "2026-06-01", "by": "lena", "text": "- 2026-06-01 visit reached by lena: 大阪工場の新しいサーバーを見学した。",
        "spans": [[36, 38]], "state": None}
    assert data["matches"][1]["text"][36:38] == "大阪"


def test_json_with_nothing_found_is_still_json_and_exits_1(book):
    result = run(book, "zebra", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["matches"] == []


def test_colour_marks_the_match_only():
    from rippledoc.views.find import Match
    m = Match("clients/a.md", 7, "log", "a", "Acme", date(2026, 1, 2), "stan", "- 2026-01-02 call: the Backup", ((23, 29),))
    assert render_match(m, False) == "clients/a.md:7: Acme · 2026-01-02 · - 2026-01-02 call: the Backup"
    assert "\033[1;31mBackup\033[0m" in visible(render_match(m, True))  # as the terminal gets it


def test_commitments_show_their_state_today(book, workspace):
    root = workspace({"clients/k.md": """\
        ---
        name: Kestrel
        commitments:
          - {made: 2026-10-27, due: 2026-11-13, what: Cost estimate for the cloud}
        ---
        """})
    result = run(root, "cloud")
    assert result.output.splitlines() == [
        "clients/k.md:4: Kestrel · 2026-11-13 (overdue) · Cost estimate for the cloud (due 2026-11-13)"]


def test_the_sample_book_finds_a_word_from_a_log_line():
    result = CliRunner().invoke(main, ["-C", str(REPO), "find", "Haul Ledger", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "clients/kestrel-freight-lines.md:57: Kestrel Freight Lines · 2026-05-22 · " in result.output


def test_a_control_character_in_a_matched_line_is_shown_not_sent_to_the_terminal(workspace):
    root = workspace({"clients/k.md": "---\nname: Kestrel\n---\n## Log\n- 2026-11-02 call reached: evil \x1b]0;pwned\x07 title\n"})
    result = run(root, "evil")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "evil \\x1b]0;pwned\\x07 title" in result.output
