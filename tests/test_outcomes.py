"""What a call produces: handoffs, kudos, success stories to testimonials, intelligence (docs/format.md)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from rippledoc.views.due import due_items
from rippledoc.edit.client import EditError, close_handoff
from rippledoc.parse.periods import Span
from rippledoc.views.followups import handoff_list, intel_topics, followup_figures, kudos_list, story_list
from conftest import load_workspace
from rippledoc.parse.grammar.note import parse_line
from rippledoc.parse.grammar.touch import parse_touch
from rippledoc.parse.grammar.write import close_handoff_text, compose_note
from rippledoc.parse.marks import collect, parse_handoff_option

from conftest import REPO, TODAY

SETTINGS = """\
title: Ripple Consulting
me: stan
timezone: America/New_York
team:
  stan: {name: Stan Ortiz, role: principal}
  priya: {name: Priya Shah, role: head of training, handles: [training]}
  omar: {name: Omar Haddad, role: head of support, handles: [support]}
  lena: {name: Lena Novak, role: account manager}
"""


def client(name: str, owner: str, log: str, contact: str = "Diane Vasquez") -> str:
    return (f"---\nname: {name}\ncontact: {contact}\ntimezone: America/Chicago\nowner: {owner}\nlevel: key\n---\n"
            f"Notes.\n\n## Log\n{log.strip()}\n")


PRAIRIE = """\
- 2026-06-03 call reached by stan: #success[portal] They bought the member portal; branch queues halved.
- 2026-06-20 email by stan: asked Diane for a few words. #story-asked
- 2026-07-02 email by stan: #testimonial[portal] "Our members stopped queuing at the branch."
- 2026-11-16 call reached by lena: Tellers locked out by the new sign-in prompt. handoff: training @priya by 2026-11-20 #kudos @omar "Omar had the VPN back in an hour" #intel[conference: Heartland Credit Union Forum] #intel[trend: Instant payments]
- 2026-11-18 call reached by stan: Statements print twice. handoff: support by 2026-11-27
"""
KESTREL = """\
- 2026-10-01 call reached by stan: #success Fuel cards import once now. #intel[trend: instant  payments]
- 2026-11-02 call reached by stan: Ray is worried about insurers. #intel[trend: camera footage]
- 2026-11-03 call reached by priya: #kudos Ray says @lena knows their fleet better than they do.
"""
MAPLE = """\
- 2026-11-12 call reached by lena: #success The integration stopped double bookings.
- 2026-11-13 call reached by lena: Card terminals froze. handoff: @omar by 2026-11-14
- 2026-11-14 call reached by omar: swapped the terminals. #handoff-done
"""


@pytest.fixture
def book(workspace):
    return workspace({
        "rippledoc.yaml": SETTINGS,
        "clients/prairie.md": client("Prairie State Credit Union", "lena", PRAIRIE),
        "clients/kestrel.md": client("Kestrel Freight Lines", "stan", KESTREL, "Ray Dufresne"),
        "clients/maple.md": client("Maple & Rye", "lena", MAPLE, "Chloé Tremblay"),
    })


def load(root: Path, today: date = TODAY):
    ws, diags = load_workspace(root, today)
    assert [d for d in diags if not d.path.startswith("rippledoc/defaults")] == []
    return ws


def line(text: str):
    touch, diags = parse_touch(text, "clients/acme.md", 12)
    assert diags == [] and touch is not None
    return touch


# ---------------------------------------------------------------- one line

def test_one_line_carries_a_handoff_kudos_a_story_and_intel():
    lo, diags = parse_line(line('- 2026-11-20 call reached by stan: Tellers locked out. handoff: training @priya '
                                'by 2026-11-28 #kudos @omar "Omar was quick" #success[sso] One sign-in now. '
                                '#intel[conference: Heartland Forum] next: 2026-12-01'))
    assert diags == []
    h = lo.handoff
    assert (h.department, h.owner, h.due, h.done) == ("training", "priya", date(2026, 11, 28), None)
    assert [(m.tag, m.ref) for m in lo.marks] == [("kudos", None), ("success", "sso"),
                                                  ("intel", "conference: Heartland Forum")]
    kudos, story, _intel = lo.marks
    assert kudos.people == ("omar",) and kudos.quote == "Omar was quick"
    assert story.words == "One sign-in now"
    assert lo.plain == "Tellers locked out"


def test_a_handoff_closed_on_its_line():
    lo, diags = parse_line(line("- 2026-11-20 call by stan: handoff: support by 2026-11-28 done: 2026-11-27."))
    assert diags == [] and lo.handoff.done == date(2026, 11, 27) and lo.handoff.owner is None


@pytest.mark.parametrize("text, code, col", [
    ("- 2026-11-20 call by stan: handoff: training soon", "E204", 28),
    ("- 2026-11-20 call by stan: handoff: by 2026-11-28", "E204", 28),
    ("- 2026-11-20 call by stan: handoff: @priya by 2026-11-10", "E204", 47),
    ("- 2026-11-20 call by stan: handoff: @priya by 2026-11-31", "E102", 47),
    ("- 2026-11-20 call by stan: #intel[gossip: x]", "E207", 28),
    ("- 2026-11-20 call by stan: #intel[ ]", "E207", 28),
    ("- 2026-11-20 call by stan: #success[two words]", "E206", 28),
])
def test_what_one_line_gets_wrong(text, code, col):
    _, diags = parse_line(line(text))
    assert [(d.code, d.line, d.col) for d in diags] == [(code, 12, col)]


def test_tags_that_only_start_like_an_outcome_are_not_one():
    lo, _ = parse_line(line("- 2026-11-20 call by stan: #successful launch, #intelligent people, #kudoses"))
    assert lo.marks == ()


# ---------------------------------------------------------------- the workspace

def parts(book):
    """What the link stage reads of a loaded book."""
    return book.settings, book.clients


def test_handoffs_resolve_their_owner_and_are_closed_by_a_later_touch(book):
    o, diags = collect(*parts(load(book)))
    assert diags == []
    got = sorted((h.client.slug, h.department, h.owner, h.caller, h.due.isoformat(), h.done and h.done.isoformat(),
                  h.state(TODAY)) for h in o.handoffs)
    assert got == [
        ("maple", None, "omar", "lena", "2026-11-14", "2026-11-14", "closed"),
        ("prairie", "support", "omar", "stan", "2026-11-27", None, "open"),
        ("prairie", "training", "priya", "lena", "2026-11-20", None, "overdue"),
    ]
    closed = next(h for h in o.handoffs if h.client.slug == "maple")
    assert closed.closed_by.line == closed.source.line + 1
    assert closed.what == "Card terminals froze"


def test_open_handoffs_are_due_for_their_owner_and_for_the_caller_until_closed(book):
    ws = load(book)
    for who, expected in (("priya", ["prairie:training"]), ("lena", ["prairie:training"]),
                          ("stan", ["prairie:support"]), ("omar", ["prairie:support"])):
        items = [i for i in due_items(ws, TODAY, 0, who) if i.kind == "handoff"]
        assert [f"{i.client.slug}:{i.reason.split('(')[1].split(')')[0]}" for i in items] == expected, who
    overdue = next(i for i in due_items(ws, TODAY) if i.kind == "handoff" and i.overdue_days)
    assert overdue.overdue_days == 2 and overdue.date == date(2026, 11, 20)
    assert overdue.reason == ("handed to priya (training) on Mon 16 Nov by lena; Diane Vasquez was told by "
                              "Fri 20 Nov: OVERDUE by 2 days")
    assert overdue.to_json()["people"] == ["priya", "lena"]
    # due on the 27th, five days ahead: still on the list, as coming up
    ahead = next(i for i in due_items(ws, TODAY) if i.kind == "handoff" and not i.overdue_days)
    assert ahead.date == date(2026, 11, 27) and ahead.reason.endswith("due in 5 days")


def test_a_story_nobody_asked_about_is_due_after_story_ask_days(book):
    ws = load(book)
    asks = [(i.client.slug, i.date.isoformat(), i.overdue_days) for i in due_items(ws, TODAY) if i.kind == "story-ask"]
    assert asks == [("kestrel", "2026-10-15", 38)]  # maple's story is 10 days old; prairie's was asked
    (book / "rippledoc.yaml").write_text(SETTINGS + "story_ask_days: 7\n")
    ws = load(book)
    asks = sorted(i.client.slug for i in due_items(ws, TODAY) if i.kind == "story-ask")
    assert asks == ["kestrel", "maple"]
    assert [i.client.slug for i in due_items(ws, TODAY, 0, "lena") if i.kind == "story-ask"] == ["maple"]


def test_the_story_pipeline_says_what_to_ask_for_next(book):
    views = {v.story.client.slug: v for v in story_list(load(book), TODAY)}
    prairie = views["prairie"]
    assert (prairie.story.id, prairie.stage, prairie.next_step) == (
        "portal", "testimonial", "publish it, or invite them as a webinar guest")
    assert prairie.story.quote == "Our members stopped queuing at the branch."
    assert [(s.step, s.date.isoformat()) for s in prairie.story.steps] == [("asked", "2026-06-20"),
                                                                         ("testimonial", "2026-07-02")]
    assert prairie.ask_due is None
    assert (views["kestrel"].stage, views["kestrel"].ask_due) == ("story", date(2026, 10, 15))
    assert views["maple"].to_json(TODAY)["ask_overdue"] is False


def test_kudos_per_employee_with_the_customers_words(book):
    found = kudos_list(load(book))
    assert list(found) == ["omar", "lena"]  # in the team's order
    assert [(k.client.slug, k.words, k.quoted) for k in found["omar"]] == [
        ("prairie", "Omar had the VPN back in an hour", True)]
    assert [(k.words, k.quoted) for k in found["lena"]] == [("Ray says @lena knows their fleet better than they do",
                                                             False)]
    assert kudos_list(load(book), start=date(2026, 11, 10), end=date(2026, 11, 20), person="lena") == {}


def test_intelligence_is_grouped_by_topic_across_clients(book):
    topics = intel_topics(load(book))
    assert [(t.kind, t.topic, len(t.notes), [c.slug for c in t.clients]) for t in topics] == [
        ("trend", "instant payments", 2, ["kestrel", "prairie"]),
        ("conference", "Heartland Credit Union Forum", 1, ["prairie"]),
        ("trend", "camera footage", 1, ["kestrel"]),
    ]
    assert topics[0].to_json()["first"] == "2026-10-01" and topics[0].to_json()["last"] == "2026-11-16"
    assert [t.topic for t in intel_topics(load(book), start=date(2026, 11, 1))] == [
        "Heartland Credit Union Forum", "Instant payments", "camera footage"]


def test_metrics_carry_the_outcomes(book):
    ws = load(book)
    m = followup_figures(ws, list(ws.clients), Span(date(2026, 1, 1), TODAY), TODAY).to_json()
    h = m["handoffs"]
    assert (h["handed"], h["closed"], h["open"], h["overdue"], h["on_time_rate"]) == (3, 1, 1, 1, 0.5)
    assert h["average_days_to_close"] == 1.0 and h["by_department"] == {"-": 1, "support": 1, "training": 1}
    assert m["kudos"] == {"count": 2, "by_person": {"lena": 1, "omar": 1}}
    assert m["stories"]["started"] == 3 and m["stories"]["testimonials"] == 1
    assert m["stories"]["by_stage"]["story"] == 2
    assert [s["client"] for s in m["stories"]["ask_due_now"]] == ["kestrel"]
    assert m["intel"]["notes"] == 4 and m["intel"]["topics"] == 3


def test_check_reports_unknown_owners_and_departments(workspace):
    root = workspace({"rippledoc.yaml": SETTINGS, "clients/a.md": client("A", "stan", """\
- 2026-11-02 call reached by stan: handoff: @olga by 2026-11-09
- 2026-11-03 call reached by stan: handoff: trainng by 2026-11-09
- 2026-11-04 call reached by stan: #kudos @olga
""")})
    _, diags = load_workspace(root, TODAY)
    got = [(d.line, d.col, d.code) for d in diags if d.path == "clients/a.md"]
    assert got == [(11, 45, "E302"), (12, 45, "E205"), (13, 43, "W200")]
    e205 = next(d for d in diags if d.code == "E205")
    assert e205.hint == "did you mean 'training'?"


def test_the_examples_of_the_format_doc_are_valid(workspace):
    doc = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("## What a call produces", 1)[1].split("```", 2)[1]
    lines = [l for l in section.splitlines() if l.startswith("- ")]
    assert len(lines) == 5
    root = workspace({"rippledoc.yaml": SETTINGS, "clients/prairie.md": client("Prairie", "stan", "\n".join(lines))})
    ws = load(root, date(2027, 2, 1))
    o, _ = collect(*parts(ws))
    assert [h.state(date(2027, 2, 1)) for h in o.handoffs] == ["closed"]
    assert [s.stage for s in o.stories] == ["published"]
    assert sorted(i.topic for i in o.intel) == ["Heartland Credit Union Forum", "instant payments"]


# ---------------------------------------------------------------- writing

def test_compose_note_writes_what_parse_line_reads(book):
    ws = load(book)
    hand = parse_handoff_option("training: priya by 2026-11-28", ws.settings)
    assert hand == ("training", "priya", date(2026, 11, 28))
    assert parse_handoff_option("support by 2026-11-28", ws.settings) == ("support", "omar", date(2026, 11, 28))
    assert parse_handoff_option("@lena by 2026-11-28", ws.settings) == (None, "lena", date(2026, 11, 28))
    note = compose_note("Tellers locked out", hand, [("omar", 'he was "quick"')], ("success", None), None,
                        ["conference: Heartland Forum", "instant payments"])
    assert note == ('Tellers locked out. handoff: training @priya by 2026-11-28 #kudos @omar "he was \'quick\'" '
                    "#success #intel[conference: Heartland Forum] #intel[instant payments]")
    lo, diags = parse_line(line(f"- 2026-11-22 call reached by stan: {note}"))
    assert diags == [] and lo.handoff.owner == "priya" and lo.marks[0].quote == "he was 'quick'"


def test_compose_note_does_not_tag_a_story_step_the_note_already_carries():
    assert compose_note("beat the ransomware #success[ransomware]", story=("success", None)) == \
        "beat the ransomware #success[ransomware]"
    assert compose_note("Они довольны #success", story=("success", "ransomware")) == "Они довольны #success[ransomware]"
    assert compose_note("asked Ørjan #story-asked[ransomware]", story=("asked", "ransomware")) == \
        "asked Ørjan #story-asked[ransomware]"
    assert compose_note("#testimonial #kudos @priya", story=("testimonial", None), quote="Σας ευχαριστούμε") == \
        '#testimonial "Σας ευχαριστούμε" #kudos @priya.'
    with pytest.raises(ValueError, match=re.escape("the note already tags #success[phish]: one touch, one story")):
        compose_note("#success[phish]", story=("success", "ransomware"))


def test_one_touch_is_one_story_however_it_is_tagged(workspace):
    root = workspace({"rippledoc.yaml": SETTINGS, "clients/orsted.md": client("Ørsted Værktøj", "stan", """
- 2026-10-01 call reached by stan: beat the ransomware with our backups #success[ransomware] #success
- 2026-10-05 call reached by stan: 新しいポータル #success #success[portal]
- 2026-10-20 email by stan: asked for a few words #story-asked[portal] #story-asked
""")})
    ws = load(root)
    stories = [s for s in collect(*parts(ws))[0].stories]
    assert [(s.id, s.date.isoformat(), [st.step for st in s.steps]) for s in stories] == [
        ("ransomware", "2026-10-01", []), ("portal", "2026-10-05", ["asked"])]
    asks = [(i.client.slug, i.date.isoformat()) for i in due_items(ws, TODAY) if i.kind == "story-ask"]
    assert asks == [("orsted", "2026-10-15")]  # one 'ask for a testimonial', not two


@pytest.mark.parametrize("text, message", [
    ("trainng: priya by 2026-11-28", "nobody in the team handles 'trainng' (did you mean 'training'?)"),
    ("training: olga by 2026-11-28", "'@olga' is not in the team of rippledoc.yaml (stan, priya, omar, lena)"),
    ("training: priya by Friday", "'Friday' is not a date (YYYY-MM-DD)"),
    ("priya", "'priya' is not 'DEPARTMENT: NAME by YYYY-MM-DD' (e.g. 'training: priya by 2026-11-28')"),
])
def test_a_bad_handoff_option_says_why(book, text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_handoff_option(text, load(book).settings)


def test_closing_a_handoff_changes_only_its_line(book):
    path = book / "clients" / "prairie.md"
    before = path.read_bytes().decode().split("\n")
    ws = load(book)
    h = next(h for h in handoff_list(ws, TODAY) if h.owner == "priya")
    result = close_handoff(book, "clients/prairie.md", h.touch.text, date(2026, 11, 21), today=TODAY)
    after = path.read_bytes().decode().split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after) and changed == [h.source.line - 1]
    assert "handoff: training @priya by 2026-11-20 done: 2026-11-21 #kudos" in after[changed[0]]
    assert result.line == h.source.line
    assert [x.owner for x in handoff_list(load(book), TODAY)] == ["omar"]
    with pytest.raises(EditError, match="no longer in the file"):
        close_handoff(book, "clients/prairie.md", h.touch.text, date(2026, 11, 21), today=TODAY)
    with pytest.raises(EditError, match="already closed"):
        close_handoff(book, "clients/prairie.md", result.text, date(2026, 11, 21), today=TODAY)


def test_a_line_logged_above_a_handoff_meanwhile_does_not_close_another_one(book):
    """The handoff is found by its text under the lock, not by the line number read before it."""
    from rippledoc.edit.client import append_touch
    ws = load(book)
    omar = next(h for h in handoff_list(ws, TODAY) if h.owner == "omar")
    append_touch(book, "clients/prairie.md", "- 2026-06-01 email by stan: intro", today=TODAY)  # one line above
    result = close_handoff(book, "clients/prairie.md", omar.touch.text, date(2026, 11, 21), today=TODAY)
    assert result.line == omar.source.line + 1
    assert result.text == ("- 2026-11-18 call reached by stan: Statements print twice. "
                           "handoff: support by 2026-11-27 done: 2026-11-21")
    assert [x.owner for x in handoff_list(load(book), TODAY)] == ["priya"]


def test_a_handoff_line_written_twice_is_not_closed_by_guess(book):
    path = book / "clients" / "prairie.md"
    line = "- 2026-11-18 call reached by stan: Statements print twice. handoff: support by 2026-11-27"
    path.write_text(path.read_text().replace(line, line + "\n" + line))
    before = path.read_bytes()
    with pytest.raises(EditError, match="appears 2 times"):
        close_handoff(book, "clients/prairie.md", line, date(2026, 11, 21), today=TODAY)
    assert path.read_bytes() == before


def test_close_handoff_text_keeps_the_punctuation():
    assert close_handoff_text("- 2026-11-20 call: handoff: @omar by 2026-11-28. More.", date(2026, 11, 27)) == \
        "- 2026-11-20 call: handoff: @omar by 2026-11-28 done: 2026-11-27. More."
    with pytest.raises(ValueError, match="no handoff"):
        close_handoff_text("- 2026-11-20 call: nothing handed", date(2026, 11, 27))


def test_the_sample_workspace_shows_every_outcome():
    ws, diags = load_workspace(REPO, TODAY)
    assert not [d for d in diags if d.is_error]
    o, problems = collect(*parts(ws))
    assert problems == []
    assert any(h.state(TODAY) in ("open", "overdue") for h in o.handoffs)
    assert any(h.done for h in o.handoffs)
    assert o.kudos and o.intel and any(t.topic for t in intel_topics(ws))
    stages = {v.stage for v in story_list(ws, TODAY)}
    assert {"story", "asked", "published", "webinar"} <= stages


@pytest.mark.parametrize("value, days, codes", [("30", 30, []), ("0", 14, ["E109"]), ("2.5", 14, ["E109"]),
                                                ("soon", 14, ["E109"])])
def test_story_ask_days_is_a_whole_number_of_days(workspace, value, days, codes):
    root = workspace({"rippledoc.yaml": SETTINGS + f"story_ask_days: {value}\n"})
    ws, diags = load_workspace(root, TODAY)
    assert ws.settings.story_ask_days == days
    assert [d.code for d in diags if d.path == "rippledoc.yaml"] == codes


def test_the_settings_schema_knows_story_ask_days():
    from rippledoc.parse.schema import schema
    assert schema("settings")["properties"]["story_ask_days"] == {
        "type": "integer", "minimum": 1,
        "description": "days after a success story before asking for a testimonial is due"}


def test_the_notes_before_a_call_name_the_handoffs_still_open(book):
    from rippledoc.views.research import notes_text, research_notes
    ws = load(book)
    notes = research_notes(ws.client("prairie"), ws, TODAY)
    assert notes["open_handoffs"] == [
        {"owner": "priya", "department": "training", "due": "2026-11-20", "state": "overdue",
         "what": "Tellers locked out by the new sign-in prompt"},
        {"owner": "omar", "department": "support", "due": "2026-11-27", "state": "open", "what": "Statements print twice"}]
    text = notes_text(notes)
    assert ("Open handoffs:\n  priya (training) by 2026-11-20, OVERDUE: Tellers locked out by the new sign-in prompt\n"
            "  omar (support) by 2026-11-27: Statements print twice") in text
    assert research_notes(ws.client("maple"), ws, TODAY)["open_handoffs"] == []
