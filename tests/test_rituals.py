"""Rituals are data: definitions, records, their checks, what is due, and starting a record."""
from datetime import date

import pytest

from conftest import load_workspace
from rippledoc.edit.drafts import write_drafts
from rippledoc.views.new_record import CannotStart, start_record
from rippledoc.views.rituals import covered_clients, ritual_status, status_of
from rippledoc.parse.ritual import sections

MONDAY = date(2026, 11, 23)  # ISO week 2026-W48

BOOK = {
    "rippledoc.yaml": """
        me: ann
        timezone: Europe/London
        team:
          ann: {name: Ann Lee}
          bo: {name: Bo Park}
    """,
    "clients/northwind.md": """
        ---
        name: Northwind Traders
        contact: Ana Ruiz
        level: key
        grade: top
        owner: ann
        timezone: Europe/London
        ---
        ## Log
        - 2026-11-20 call voicemail by ann: left a message
    """,
    "clients/eastgate.md": """
        ---
        name: Eastgate Clinic
        level: for-life
        grade: two
        owner: bo
        timezone: Europe/London
        ---
    """,
    "clients/southport.md": """
        ---
        name: Southport Books
        level: base
        grade: three
        timezone: Europe/London
        ---
    """,
    "clients/westfield.md": """
        ---
        name: Westfield Farms
        level: key
        status: paused
        timezone: Europe/London
        ---
    """,
}

QBR = """
    ---
    name: Quarterly business review
    cadence: quarterly
    covers: {level: [key, for-life]}
    metrics:
      - {key: value, label: They can name the value we bring, scale: 1-10}
      - {key: access, label: We meet the decision maker, scale: 1-10}
      - {key: roadmap, label: We know their plans, scale: 1-10}
    answers:
      - {key: held, label: The day we met, type: date}
      - {key: mood, choices: [warm, cool]}
    prompts:
      - What patterns did we see?
    ---
    A review meeting each quarter with every key and for-life client.
"""


def load(root, today=MONDAY):
    return load_workspace(root, today)


def codes(diags):
    return [(d.path, d.line, d.code) for d in diags]


def test_the_five_practices_ship_as_default_rituals(workspace):
    ws, diags = load(workspace(BOOK))
    assert diags == []
    assert sorted(ws.rituals) == ["client-for-life", "high-grade", "one-a-day", "twelve-days",
                                  "weekly-connection-review"]
    weekly = ws.rituals["weekly-connection-review"]
    assert (weekly.cadence, [m.key for m in weekly.metrics]) == (
        "weekly", ["solves", "profit", "expectations", "resolution", "like"])
    assert all((m.low, m.high) == (1, 5) for m in weekly.metrics)
    assert [(a.key, a.choices) for a in ws.rituals["high-grade"].answers] == [("grade", ("top", "two", "three"))]
    assert ws.rituals["client-for-life"].answers[0].choices == ("base", "key", "for-life")
    assert [(a.key, a.type) for a in ws.rituals["twelve-days"].answers] == [("letter_sent", "date")]
    assert ws.rituals["one-a-day"].settings["calls_per_day"] == "1"


def test_covers_filters_on_client_fields_and_active_by_default(workspace):
    ws, _ = load(workspace(BOOK))
    slugs = lambda key: [c.slug for c in covered_clients(ws, ws.rituals[key])]  # noqa: E731
    assert slugs("weekly-connection-review") == ["eastgate", "northwind"]  # for-life first
    assert slugs("high-grade") == ["eastgate", "northwind", "westfield", "southport"]  # active and paused
    assert slugs("client-for-life") == ["eastgate", "northwind", "southport"]


def test_a_ritual_written_as_one_file_works_end_to_end(workspace):
    root = workspace(BOOK | {"rituals/quarterly-business-review.md": QBR})
    ws, diags = load(root)
    assert diags == []
    qbr = ws.rituals["quarterly-business-review"]
    st = status_of(ws, qbr, MONDAY)
    assert (st.due, st.period, st.reason, st.covers) == (True, "2026-Q4", "not done for 2026-Q4; never done", 2)

    drafts = start_record(ws, "quarterly-business-review", MONDAY, MONDAY)
    assert [d.path for d in drafts] == ["rituals/quarterly-business-review/2026-Q4.md"]
    assert write_drafts(root, drafts) == [("rituals/quarterly-business-review/2026-Q4.md", True)]
    text = (root / drafts[0].path).read_text()
    assert text.startswith("---\ndate: 2026-11-23\nclients:\n  eastgate:  # Eastgate Clinic · for-life · two"
                           " · owner bo\n    value:   # 1-10\n")
    assert "    mood:    # warm | cool\n" in text and "    held:    # YYYY-MM-DD\n" in text
    assert "\n## What patterns did we see?\n" in text

    ws, diags = load(root)
    assert codes(diags) == [("rituals/quarterly-business-review/2026-Q4.md", 4, "W400"),
                            ("rituals/quarterly-business-review/2026-Q4.md", 11, "W400")]
    assert diags[0].message == "eastgate: no score for value, access, roadmap"
    assert status_of(ws, ws.rituals["quarterly-business-review"], MONDAY).due is True  # started, not yet scored

    filled = text.replace("value:   # 1-10", "value: 8").replace("access:  # 1-10", "access: 6") \
        .replace("roadmap: # 1-10", "roadmap: 7").replace("held:    # YYYY-MM-DD", "held: 2026-11-20", 1) \
        .replace("mood:    # warm | cool", "mood: warm", 1)
    (root / drafts[0].path).write_text(filled)
    ws, diags = load(root)
    record = ws.records[0]
    east, north = record.entries
    assert (east.client, dict(east.scores), east.answers["held"], east.answers["mood"]) == (
        "eastgate", {"value": 8, "access": 6, "roadmap": 7}, "2026-11-20", "warm")
    assert east.fields == {"held": "2026-11-20"}
    assert dict(north.scores) == {"value": 8, "access": 6, "roadmap": 7}
    assert status_of(ws, ws.rituals["quarterly-business-review"], MONDAY).due is False

    from rippledoc.views.metrics import compute_metrics
    from rippledoc.parse.periods import Span
    m = compute_metrics(ws, Span(date(2026, 10, 1), date(2026, 12, 31)), MONDAY)
    assert m.scores["quarterly-business-review"].clients["eastgate"].overall.latest == 7.0


RECORD_ERRORS = {
    "rituals/weekly-connection-review/2026-W47.md": """
        ---
        date: 2026-11-20
        clients:
          northwind: {solves: 6, profit: 4, expectations: 4, resolution: 4, like: 4}
          eastgate: {solves: 4, profit: 4, expectatons: 4, resolution: 4, like: 4}
          nothwind: {solves: 4, profit: 4, expectations: 4, resolution: 4, like: 4}
          southport: {solves: 3, profit: 3, expectations: 3, resolution: 3}
        ---
    """,
    "rituals/weekly-connection-review/2026-11.md": """
        ---
        date: 2026-11-02
        clients: {}
        ---
    """,
    "rituals/weekly-connection-review/2026-W46.md": """
        ---
        date: 2026-11-20
        clients: {}
        ---
    """,
    "rituals/weekly-reveiw/2026-W47.md": """
        ---
        date: 2026-11-20
        clients: {}
        ---
    """,
    "rituals/high-grade/2026-Q4.md": """
        ---
        date: 2026-10-02
        clients:
          southport: {grade: tree}
        ---
    """,
    "rituals/twelve-days/2026/2026-12-13-northwind.md": """
        ---
        date: 2026-12-13
        client: northwind
        day: 1
        letter_sent: 2026-12-32
        ---
    """,
}


def test_records_are_checked_with_file_and_line(workspace):
    ws, diags = load(workspace(BOOK | RECORD_ERRORS))
    found = {(d.path.split("rituals/")[1], d.line, d.col, d.code) for d in diags}
    assert found == {
        ("weekly-connection-review/2026-W47.md", 4, 23, "E402"),  # solves: 6 on a 1-5 scale
        ("weekly-connection-review/2026-W47.md", 5, 36, "E401"),  # expectatons
        ("weekly-connection-review/2026-W47.md", 5, 3, "W400"),
        ("weekly-connection-review/2026-W47.md", 6, 3, "E303"),  # nothwind
        ("weekly-connection-review/2026-W47.md", 7, 3, "W400"),  # no 'like'
        ("weekly-connection-review/2026-11.md", 0, 0, "E404"),  # a month, not a week
        ("weekly-connection-review/2026-W46.md", 2, 7, "W401"),  # dated in the next week
        ("weekly-reveiw/2026-W47.md", 0, 0, "E403"),
        ("high-grade/2026-Q4.md", 4, 22, "E103"),  # grade: tree
        ("twelve-days/2026/2026-12-13-northwind.md", 5, 14, "E102"),
    }
    by_code = {d.code: d for d in diags}
    assert by_code["E401"].hint == "did you mean 'expectations'?"
    assert by_code["E303"].hint == "did you mean 'northwind'?"
    assert by_code["E403"].hint == "did you mean 'weekly-connection-review'?"
    assert by_code["E103"].hint == "did you mean 'three'?"
    assert by_code["E404"].hint == "name it like rituals/weekly-connection-review/2026-W47.md"
    assert by_code["E402"].message == "score solves: '6' is not a whole number from 1 to 5"


@pytest.mark.parametrize("front, code, message", [
    ("name: X\ncadence: fortnightly", "E400", "ritual cadence 'fortnightly' is not one of daily, weekly, monthly, "
                                              "quarterly, yearly or Nd"),
    ("name: X\ncovers: {tier: [key]}", "E400", "covers: 'tier' is not a client field a ritual can select on "
                                               "(level, grade, status, owner, tags, products)"),
    ("name: X\ncovers: {level: [gold]}", "E400", "covers: level 'gold' is not one of base, key, for-life"),
    ("name: X\nmetrics:\n  - {key: a, scale: 5-1}", "E400", "metric scale '5-1' is not LOW-HIGH"),
    ("name: X\nanswers:\n  - {key: a, type: choice}", "E400", "answer 'a' has type choice but no choices"),
    ("name: X\nseason: december", "E400", "season 'december' is not MM-DD..MM-DD"),
    ("name: X\npick: [grade, size]", "E400", "pick: 'size' is not one of grade, level, revenue, tenure"),
    ("cadence: weekly", "E100", "'name' is required"),
])
def test_bad_definitions_are_reported(workspace, front, code, message):
    ws, diags = load(workspace(BOOK | {"rituals/mine.md": f"---\n{front}\n---\n"}))
    assert [(d.path, d.code, d.message) for d in diags] == [("rituals/mine.md", code, message)]


def test_a_workspace_file_replaces_the_default_of_the_same_name(workspace):
    own = "---\nname: Weekly review\ncadence: weekly\nmetrics:\n  - {key: trust}\n  - {key: pace}\n  - {key: fun}\n---\n"
    ws, diags = load(workspace(BOOK | {"rituals/weekly-connection-review.md": own}))
    assert diags == []
    assert [m.key for m in ws.rituals["weekly-connection-review"].metrics] == ["trust", "pace", "fun"]


WEEK47 = {"rituals/weekly-connection-review/2026-W47.md": """
    ---
    date: 2026-11-20
    clients:
      northwind: {solves: 4, profit: 3, expectations: 5, resolution: 4, like: 5, why: "fixed the VPN in an hour"}
      eastgate: {solves: 2, profit: 2, expectations: 3, resolution: 3, like: 4}
    ---
    # Weekly connection review, 2026-W47

    ## Which connection is weakest this week, and with whom?

    Eastgate: solves. <!-- a private aside -->

    ## What will I do about it before the next review?

    Call Eastgate's new IT lead.
"""}


def test_status_of_each_kind_of_ritual(workspace):
    ws, _ = load(workspace(BOOK | WEEK47))
    rows = {s.ritual: s.to_json() for s in ritual_status(ws, MONDAY)}
    assert rows["weekly-connection-review"] == {
        "ritual": "weekly-connection-review", "name": "Weekly connection review", "cadence": "weekly",
        "period": "2026-W48", "last_done": "2026-11-20", "last_period": "2026-W47", "due": True,
        "reason": "not done for 2026-W48; last 2026-W47 (2026-11-20)", "covers": 2, "enabled": True}
    assert status_of(ws, ws.rituals["weekly-connection-review"], date(2026, 11, 22)).reason == "done for 2026-W47"
    one = rows["one-a-day"]
    assert (one["due"], one["reason"], one["last_done"], one["period"]) == (True, "no call logged today",
                                                                             "2026-11-20", None)
    assert status_of(ws, ws.rituals["one-a-day"], date(2026, 11, 20)).reason == "1 call logged today"
    assert status_of(ws, ws.rituals["one-a-day"], date(2026, 11, 22)).reason == "not a working day"
    twelve = ws.rituals["twelve-days"]
    assert (status_of(ws, twelve, MONDAY).due, status_of(ws, twelve, MONDAY).reason) == (
        False, "in season from 2026-12-01")
    assert status_of(ws, twelve, date(2026, 12, 2)).due is True
    assert status_of(ws, twelve, date(2026, 12, 26)).reason == "season ended 2026-12-24, not done"


def test_a_ritual_every_n_days_and_a_disabled_one(workspace):
    root = workspace(BOOK | {
        "rituals/pipeline.md": "---\nname: Pipeline\ncadence: 14d\n---\n",
        "rituals/pipeline/2026-11-10.md": "---\nclients: {}\n---\n",
        "rituals/high-grade.md": "---\nname: High-grade\ncadence: quarterly\nenabled: false\n---\n",
    })
    ws, diags = load(root)
    assert diags == []
    assert ws.records[0].date == date(2026, 11, 10)  # from the file name
    st = status_of(ws, ws.rituals["pipeline"], MONDAY)
    assert (st.due, st.reason, st.period) == (False, "done 2026-11-10, next from 2026-11-24", "2026-11-23")
    assert status_of(ws, ws.rituals["pipeline"], date(2026, 11, 24)).due is True
    off = status_of(ws, ws.rituals["high-grade"], MONDAY)
    assert (off.due, off.reason, off.enabled) == (False, "disabled", False)


def test_start_prefills_last_answers_and_never_overwrites(workspace):
    root = workspace(BOOK | WEEK47)
    ws, _ = load(root)
    [draft] = start_record(ws, "weekly-connection-review", MONDAY, MONDAY)
    assert draft.path == "rituals/weekly-connection-review/2026-W48.md"
    head = draft.text.split("---\n# ")[0]
    assert head == (
        "---\n"
        "date: 2026-11-23\n"
        "clients:\n"
        "  eastgate:  # Eastgate Clinic · for-life · two · owner bo\n"
        "    solves:       # last 2 (2026-W47)\n"
        "    profit:       # last 2 (2026-W47)\n"
        "    expectations: # last 3 (2026-W47)\n"
        "    resolution:   # last 3 (2026-W47)\n"
        "    like:         # last 4 (2026-W47)\n"
        "    why:          # a line of why\n"
        "  northwind:  # Northwind Traders · key · top · owner ann\n"
        "    solves:       # last 4 (2026-W47)\n"
        "    profit:       # last 3 (2026-W47)\n"
        "    expectations: # last 5 (2026-W47)\n"
        "    resolution:   # last 4 (2026-W47)\n"
        "    like:         # last 5 (2026-W47)\n"
        "    why:          # last: fixed the VPN in an hour\n")
    assert ("## Which connection is weakest this week, and with whom?\n\n"
            "<!-- last time (2026-W47): Eastgate: solves. -->\n") in draft.text
    assert "<!-- last time (2026-W47): Call Eastgate's new IT lead. -->" in draft.text

    target = root / draft.path
    target.write_text("my own notes\n")
    ws, _ = load(root)
    [again] = start_record(ws, "weekly-connection-review", MONDAY, MONDAY)
    assert again.exists
    assert write_drafts(root, [again]) == [(draft.path, False)]
    assert target.read_text() == "my own notes\n"


def test_start_with_a_date_picks_that_period_and_refuses_log_rituals(workspace):
    ws, _ = load(workspace(BOOK))
    [d] = start_record(ws, "high-grade", date(2026, 6, 30), MONDAY)
    assert d.path == "rituals/high-grade/2026-Q2.md" and "date: 2026-06-30\n" in d.text
    assert "    grade: three # top | two | three\n" in d.text  # the client file's grade, ready to confirm
    with pytest.raises(CannotStart, match="kept in the client logs"):
        start_record(ws, "one-a-day", MONDAY, MONDAY)
    with pytest.raises(CannotStart, match="no ritual 'weekly'"):
        start_record(ws, "weekly", MONDAY, MONDAY)


def test_sections_of_a_body_without_comments():
    body = "# Title\n\n## One\n\nfirst <!-- hidden -->\n\n## Two\nsecond\nline\n"
    assert sections(body) == {"One": "first", "Two": "second\nline"}


def test_an_empty_book_has_nothing_due(workspace):
    ws, _ = load(workspace({"rippledoc.yaml": "me: ann\n"}))
    rows = {s.ritual: (s.due, s.reason) for s in ritual_status(ws, MONDAY)}
    assert rows == {"client-for-life": (False, "covers no client yet"), "high-grade": (False, "covers no client yet"),
                    "one-a-day": (False, "no client to call yet"), "twelve-days": (False, "covers no client yet"),
                    "weekly-connection-review": (False, "covers no client yet")}
    assert start_record(ws, "weekly-connection-review", MONDAY, MONDAY) == []
