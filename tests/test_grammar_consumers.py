"""The cases of tests/fixtures/grammar/ through every program that reads or writes a log line.

``rippledoc log`` writes the writers' lines and lines that read back as the
cases' records; ``rippledoc inbox`` files each capture line as its case says;
``rippledoc check`` reports exactly the problems of each case; the merge
driver merges case lines added on two sides into a log in its order; the
site shows each line's words; the editor's completion offers each part of a
line at its place.
"""
from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from rippledoc.parse.grammar.log import find_log, log_order, line_date
from rippledoc.parse.grammar.note import MENTION
from rippledoc.parse.grammar.touch import read_touch
from rippledoc.parse.grammar.write import format_touch
from conftest import write
from test_grammar import CLIENT_NAMES, CLIENT_SLUGS, PATH, TODAY, Case, params, problem, read_case

SETTINGS = """\
timezone: Europe/London
team:
  stan: {name: Stan Ortiz}
  priya: {name: Priya Shah, handles: [training]}
  omar: {name: Omar Haddad, handles: [support]}
  lena: {name: Lena Berg}
"""
HEAD = "---\nname: {name}\ntimezone: Europe/London\n---\nNotes.\n\n## Log\n"
FIRST_LOG_LINE = 8  # the file line of a log's first touch under HEAD


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args, "--today", TODAY.isoformat()])


def book(tmp_path: Path, clients: dict[str, tuple[str, list[str]]], me: str | None = None) -> Path:
    """A workspace with the team above and ``{slug: (name, log lines)}``."""
    files = {"rippledoc.yaml": SETTINGS + (f"me: {me}\n" if me else "")}
    for slug, (name, lines) in clients.items():
        files[f"clients/{slug}.md"] = HEAD.format(name=name) + "".join(f"{line}\n" for line in lines)
    return write(tmp_path, files)


def log_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    section = find_log(text, 1)
    assert section is not None
    return [line for line in section.lines if line.strip()]


def clean(case: Case) -> bool:
    """A case whose every line reads clean: a touch that could have been logged."""
    expected = case.expected if isinstance(case.expected, list) else [case.expected]
    return all("problems" not in e for e in expected)


CLEAN = [c for c in params("touch.txt", "marks.txt") if clean(c.values[0])]


def texts(record: dict[str, Any]) -> dict[str, Any]:
    """A fixture record without its columns, and its note in single spaces (as every writer writes it)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in ("date", "kind", "outcome", "by", "note", "next"):
            value = value[0]
        elif key == "handoff":
            value = {k: (v[0] if isinstance(v, list) else v) for k, v in value.items() if k != "col"}
        elif key == "marks":
            value = [{k: v for k, v in m.items() if k != "col"} for m in value]
        out[key] = " ".join(value.split()) if key == "note" else value
    return out


# ---------------------------------------------------------------- rippledoc log

def log_args(parts: dict[str, Any]) -> list[str]:
    """``rippledoc log``'s options for a touch of these parts (the outcome only when the line writes one)."""
    args = ["--kind", parts["kind"], "--date", parts["date"], "--note", parts.get("note", "")]
    for key in ("outcome", "by", "next"):
        if parts.get(key):
            args += [f"--{key}", parts[key]]
    return args


@pytest.mark.parametrize("case", [c for c in params("writers.txt") if "touch" in json.loads(c.values[0].input[0])])
def test_log_writes_the_line_of_the_writer(case: Case, tmp_path: Path):
    root = book(tmp_path, {"acme": ("Acme Corp", [])})
    parts = json.loads(case.input[0])["touch"]
    result = run(root, "log", "acme", *log_args(parts))
    assert result.exit_code == 0, result.output
    assert log_lines(root / "clients/acme.md") == [case.expected]


def note_args(args: dict[str, Any]) -> list[str]:
    """``rippledoc log``'s outcome options for the arguments of a ``note`` case."""
    out = ["--note", args.get("note", "")]
    if args.get("handoff"):
        dept, owner, due = args["handoff"]
        out += ["--handoff", f"{dept}: {owner} by {due}" if dept else f"{owner} by {due}"]
    for person, words in args.get("kudos", ()):
        out += ["--kudos", f"{person}: {words}"]
    if args.get("story"):
        step, ref = args["story"]
        out += ["--story", step + (f":{ref}" if ref else "")]
    if args.get("quote"):
        out += ["--quote", args["quote"]]
    for topic in args.get("intel", ()):
        out += ["--intel", topic]
    return out


@pytest.mark.parametrize("case", [c for c in params("writers.txt") if "note" in json.loads(c.values[0].input[0])])
def test_log_writes_the_note_of_its_outcome_options_with_the_writer(case: Case, tmp_path: Path):
    started = "- 2026-06-03 call reached: they restored a whole day #success[sso]"
    root = book(tmp_path, {"acme": ("Acme Corp", [started])})
    result = run(root, "log", "acme", *note_args(json.loads(case.input[0])["note"]))
    if case.expected.startswith("error: "):
        assert result.exit_code == 2 and case.expected.removeprefix("error: ") in result.output
        assert log_lines(root / "clients/acme.md") == [started]
    else:
        assert result.exit_code == 0, result.output
        assert log_lines(root / "clients/acme.md") == [started, format_touch(TODAY, "call", note=case.expected)]


@pytest.mark.parametrize("case", CLEAN)
def test_what_log_writes_for_a_record_reads_back_as_that_record(case: Case, tmp_path: Path):
    root = book(tmp_path, {"acme": ("Acme Corp", [])})
    expected = case.expected if isinstance(case.expected, list) else [case.expected]
    for record in expected:
        result = run(root, "log", "acme", *log_args(texts(record)))
        assert result.exit_code == 0, result.output
    written = log_lines(root / "clients/acme.md")
    got = [texts(read_touch(line, PATH, 1, TODAY)[0].as_json()) for line in written]  # type: ignore[union-attr]
    assert got == [texts(r) for r in expected]


# ---------------------------------------------------------------- rippledoc inbox

@pytest.mark.parametrize("case", params("capture.txt"))
def test_the_inbox_files_a_capture_line_as_its_case_says(case: Case, tmp_path: Path):
    root = book(tmp_path, {slug: (name, []) for slug, name in zip(CLIENT_SLUGS, CLIENT_NAMES)}, me="stan")
    (root / "inbox.md").write_text(f"## 2026-11-20\n{case.input[0]}\n", encoding="utf-8")
    result = run(root, "inbox")
    inbox = (root / "inbox.md").read_text(encoding="utf-8")
    if "line" in case.expected:
        assert result.exit_code == 0, result.output
        assert log_lines(root / "clients" / f"{case.expected['client']}.md") == [case.expected["line"]]
        assert inbox == ""
    else:
        why = case.expected["why"].replace("--", "—")
        assert inbox == f"## 2026-11-20\n{case.input[0]} <!-- rippledoc: {why} -->\n"
        assert all(log_lines(p) == [] for p in (root / "clients").glob("*.md"))


# ---------------------------------------------------------------- rippledoc check

@pytest.mark.parametrize("case", params("touch.txt", "marks.txt"))
def test_check_reports_exactly_the_problems_of_the_case(case: Case, tmp_path: Path):
    root = book(tmp_path, {"acme": ("Acme Corp", case.input)})
    result = run(root, "check", "--json")
    found = json.loads(result.stdout)["diagnostics"]
    got: list[list[str]] = [[] for _ in case.input]
    for d in found:
        if d["path"] == "clients/acme.md" and d["line"] >= FIRST_LOG_LINE:
            got[d["line"] - FIRST_LOG_LINE].append(f"{d['code']} col {d['col']}: {d['message']}"
                                                   + (f" · {d['hint']}" if d["hint"] else ""))
    expected = case.expected if isinstance(case.expected, list) else [case.expected]
    assert got == [e.get("problems", []) for e in expected]


def test_check_words_a_problem_as_the_grammar_does():
    """The fixtures' way of writing a problem is check's own (message, then the hint)."""
    _, [d] = read_touch("- 2026-11-02 email voicemail", PATH, 1, TODAY)
    assert problem(d) == ("E202 col 20: an email cannot be 'voicemail'; one of sent, reached · "
                          "voicemail and no-answer belong to calls; sent to emails and letters")


# ---------------------------------------------------------------- the merge driver

def clean_lines() -> list[str]:
    return [line for c in CLEAN for line in c.values[0].input]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest-first", "newest-first"])
def test_the_merge_driver_merges_case_lines_added_on_two_sides_into_a_log_in_its_order(newest_first: bool):
    from rippledoc.team.merge_driver import merge_file
    lines = clean_lines()
    base_log = ["- 2026-01-05 call reached: base one", "- 2026-01-10 email: base two"]

    def side(added: list[str]) -> bytes:
        log = sorted(base_log + added, key=lambda l: line_date(l) or date.min, reverse=newest_first)
        return (HEAD.format(name="Acme Corp") + "".join(f"{l}\n" for l in log)).encode("utf-8")
    ours, theirs = lines[0::2], lines[1::2]
    merged = merge_file(side([]), side(ours), side(theirs), "clients/acme.md")
    assert merged.clean and not merged.problems
    text = merged.data.decode("utf-8")
    log = [l for l in find_log(text, 1).lines if l.strip()]  # type: ignore[union-attr]
    assert sorted(log) == sorted(base_log + lines)
    days = [line_date(l) for l in log]
    assert days == sorted(days, reverse=newest_first)  # type: ignore[type-var]
    assert log_order(log) == ("descending" if newest_first else "ascending")


# ---------------------------------------------------------------- the site

def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


TEAM = {"stan": "Stan Ortiz", "priya": "Priya Shah", "omar": "Omar Haddad", "lena": "Lena Berg"}


def test_the_site_shows_every_case_line_in_words_with_its_people_by_name_and_no_syntax(tmp_path: Path):
    """Every word a person wrote is on the client page (the outcome syntax read into words, @names as the team's
    names), with the kind, the author's name and the dates; none of the syntax."""
    from rippledoc.site.build import build_site
    chosen = [c.values[0] for c in CLEAN]
    root = book(tmp_path / "book", {f"case-{i}": (f"Case {i}", c.input) for i, c in enumerate(chosen)})
    result = build_site(root, tmp_path / "out", TODAY)
    for i, case in enumerate(chosen):
        [page] = [p for p in result.rendered if p.startswith("clients/") and f"case-{i}." in p]
        log = (result.out / page).read_text(encoding="utf-8").split('aria-labelledby="log-h"', 1)[1]
        log = html.unescape(re.sub(r"<[^>]+>", " ", log.split("</section>", 1)[0]))
        shown = words(log)
        for line in case.input:
            record = texts(read_case(Case(case.file, case.line, case.title, [line], None)))
            outcome = "handoff" in record or "marks" in record
            said = record.get("plain", "") if outcome else re.sub(r"\bnext:\s*\S+", "", record.get("note", ""))
            said = re.sub(r"@([A-Za-z][\w-]*)", lambda m: TEAM.get(m[1], m[0]), said)
            dates = [record.get("next")] + [record.get("handoff", {}).get(k) for k in ("due", "done")]
            wanted = words(said) + [record["kind"]] + words(TEAM.get(record.get("by", ""), "")) + \
                [w for d in dates if d for w in words(d)]
            missing = [w for w in wanted if w not in shown]
            assert missing == [], (page, line)
            syntax = [f"#{m['tag']}" for m in record.get("marks", ())] + ["handoff:"] * ("handoff" in record) + \
                ["next:"] * ("next" in record) + ["done:"] * bool(record.get("handoff", {}).get("done"))
            left = [x for x in syntax if re.search(re.escape(x) + r"(?![\w-])", log, re.IGNORECASE)]
            assert left == [], (page, line)


# ---------------------------------------------------------------- the editor's completion

def places(line: str) -> list[tuple[int, str]]:
    """(index, word): where completion should offer ``word`` in ``line``: each part of the head after the
    date, each @name and #mark of the note, the department of a handoff."""
    record, _ = read_touch(line, PATH, 1, TODAY)
    assert record is not None
    out = [(record.kind.col - 1, record.kind.text)]  # type: ignore[operator]
    if record.outcome.col is not None:
        out.append((record.outcome.col - 1, record.outcome.text))
    if record.by is not None:
        out.append((record.by.col - 1, record.by.text))  # type: ignore[operator]
    note_at = record.note.col - 1 if record.note and record.note.col else len(line)
    out += [(m.start(1), m[1]) for m in MENTION.finditer(line, note_at)]
    out += [(m.col, m.tag) for m in record.marks.marks]  # just after the '#'
    h = record.marks.handoff
    if h is not None and h.department_col is not None:
        out.append((h.department_col - 1, h.department))  # type: ignore[arg-type]
    return out


def test_completion_offers_each_part_of_every_case_line_at_its_place(tmp_path: Path):
    from rippledoc.book.loader import load_book
    from rippledoc.lsp.complete import completions
    root = book(tmp_path, {"acme": ("Acme Corp", [])})
    ws = load_book(root, TODAY)
    text = HEAD.format(name="Acme Corp")
    row = text.count("\n")
    checked = 0
    for line in clean_lines():
        for index, word in places(line):
            typed = line[:index]
            labels = [i.label for i in completions(ws, "clients/acme.md", text + typed + "\n", row, len(typed), TODAY)]
            assert word.lower() in labels, (typed, word, labels)
            checked += 1
    assert checked > 100


def test_check_points_at_an_author_not_in_the_team_however_the_line_is_spaced(tmp_path: Path):
    """E302's column is the author's, from the record (it was found by searching ' by ', a space early)."""
    root = book(tmp_path, {"acme": ("Acme Corp", ["- 2026-11-20 call  by   zed: hello", "- 2026-11-20 email by Ωmega"])})
    found = json.loads(run(root, "check", "--json").stdout)["diagnostics"]
    assert [(d["line"], d["col"]) for d in found if d["code"] == "E302"] == [(FIRST_LOG_LINE, 25),
                                                                            (FIRST_LOG_LINE + 1, 23)]
