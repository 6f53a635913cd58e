"""Twelve days of Christmas: the pick, the days from 13 December, the sheets, the letters."""
from datetime import date

from conftest import REPO, load_workspace
from rippledoc.edit.drafts import write_drafts
from rippledoc.views.new_record import start_record
from rippledoc.views.rituals import ritual_status, status_of
from rippledoc.views.twelve_days import letters, pick, pick_note, salutation, year_facts

TODAY = date(2026, 12, 1)


def client(name, level, grade, since, sales=(), status="active", contact="Pat Doe", extra=""):
    lines = ["---", f"name: {name}", f"contact: {contact}", "timezone: UTC", f"level: {level}", f"since: {since}",
             f"status: {status}"] + ([f"grade: {grade}"] if grade else [])
    if sales:
        lines.append("sales:")
        lines += [f"  - {{date: {d}, amount: {a}, what: {w}}}" for d, a, w in sales]
    return "\n".join(lines) + "\n" + extra + "---\n"


# Fourteen active clients and one former; the rule is grade, level, revenue this year, tenure.
BOOK = {
    "rippledoc.yaml": "me: ann\nteam:\n  ann: {name: Ann Lee}\n",
    "clients/t-forlife.md": client("T Forlife", "for-life", "top", "2015-01-01", contact="Dr. Rosa Mendes"),
    "clients/t-key-rich.md": client("T Key Rich", "key", "top", "2020-01-01", [("2026-03-01", 9000, "x")]),
    "clients/t-key-poor.md": client("T Key Poor", "key", "top", "2010-01-01", [("2026-03-01", 100, "x")]),
    "clients/t-key-old.md": client("T Key Old", "key", "top", "2011-01-01", [("2025-03-01", 9000, "last year")]),
    "clients/t-key-new.md": client("T Key New", "key", "top", "2024-01-01"),
    "clients/t-base.md": client("T Base", "base", "top", "2012-01-01"),
    "clients/two-forlife.md": client("Two Forlife", "for-life", "two", "2019-01-01"),
    "clients/two-key.md": client("Two Key", "key", "two", "2019-01-01"),
    "clients/two-base-a.md": client("Two Base A", "base", "two", "2016-01-01"),
    "clients/two-base-b.md": client("Two Base B", "base", "two", "2017-01-01"),
    "clients/two-base-c.md": client("Two Base C", "base", "two", "2018-01-01"),
    "clients/three-key.md": client("Three Key", "key", "three", "2001-01-01"),
    "clients/ungraded.md": client("Ungraded", "for-life", None, "1999-01-01"),
    "clients/three-base.md": client("Three Base", "base", "three", "2000-01-01"),
    "clients/t-former.md": client("T Former", "for-life", "top", "2000-01-01", status="former"),
}
ORDER = ["t-forlife", "t-key-rich", "t-key-poor", "t-key-old", "t-key-new", "t-base",  # top: level, revenue, tenure
         "two-forlife", "two-key", "two-base-a", "two-base-b", "two-base-c"]  # two: level, then tenure
# Eleven: only clients graded top or two are picked; grade three, the ungraded and the former client are not.


def load(root, today=TODAY):
    ws, diags = load_workspace(root, today)
    return ws, diags


def test_the_pick_follows_the_documented_rule(workspace):
    ws, _ = load(workspace(BOOK))
    assert [c.slug for c in pick(ws, ws.rituals["twelve-days"], 2026)] == ORDER


def test_the_rule_and_count_are_configurable_in_the_ritual_file(workspace):
    own = ("---\nname: Twelve days\ncadence: yearly\nsheets: per-client\npick: [tenure]\ncount: 3\n"
           "first_day: \"12-22\"\ngrades: any\n---\n")  # every covered client, graded or not
    ws, diags = load(workspace(BOOK | {"rituals/twelve-days.md": own}))
    assert diags == []
    assert [c.slug for c in pick(ws, ws.rituals["twelve-days"], 2026)] == ["ungraded", "three-base", "three-key"]
    drafts = start_record(ws, "twelve-days", TODAY, TODAY, year=2026)
    assert [d.path.rsplit("/", 1)[1] for d in drafts] == [
        "2026-12-22-ungraded.md", "2026-12-23-three-base.md", "2026-12-24-three-key.md"]


def test_start_writes_one_sheet_a_day_from_the_13th_to_the_24th(workspace):
    root = workspace(BOOK)
    ws, _ = load(root)
    drafts = start_record(ws, "twelve-days", TODAY, TODAY, year=2026)
    assert [d.path for d in drafts] == [f"rituals/twelve-days/2026/2026-12-{13 + i}-{slug}.md"
                                        for i, slug in enumerate(ORDER)]
    first = drafts[0].text
    assert first.startswith("---\ndate: 2026-12-13\nclient: t-forlife\nday: 1\nletter_sent:  # The day the "
                            "handwritten letter was posted (YYYY-MM-DD)\n---\n# Day 1: T Forlife, Sunday 13 "
                            "December 2026\n\n## The year in the files\n")
    for heading in ("What went well this year", "What I could have done better",
                    "Ideas to add value (fifteen minutes)", "The one thing I will offer",
                    "Letter of appreciation (draft)"):
        assert f"\n## {heading}\n" in first
    assert first.endswith("Dear Dr. Mendes,\n\n\n\nWith thanks,\n\nAnn Lee\n")  # the name on a line of its own
    assert all(created for _, created in write_drafts(root, drafts))

    ws, diags = load(root)
    assert diags == []
    assert len(ws.records) == 11
    assert [(r["day"], r["letter_sent"]) for r in letters(ws, "twelve-days", "2026")][:2] == [(1, None), (2, None)]


def test_sheets_already_there_keep_their_day_and_new_picks_fill_free_days(workspace):
    root = workspace(BOOK | {"rituals/twelve-days/2026/2026-12-13-ungraded.md":
                             "---\ndate: 2026-12-13\nclient: ungraded\nday: 1\n---\nmy notes\n"})
    ws, _ = load(root)
    drafts = start_record(ws, "twelve-days", TODAY, TODAY, year=2026)
    kept = [d for d in drafts if d.exists]
    new = [d for d in drafts if not d.exists]
    assert [d.path for d in kept] == ["rituals/twelve-days/2026/2026-12-13-ungraded.md"]
    assert [d.path.rsplit("/", 1)[1] for d in new] == [f"2026-12-{14 + i}-{slug}.md" for i, slug in enumerate(ORDER)]
    write_drafts(root, drafts)
    assert (root / kept[0].path).read_text() == "---\ndate: 2026-12-13\nclient: ungraded\nday: 1\n---\nmy notes\n"
    ws, _ = load(root)
    assert all(d.exists for d in start_record(ws, "twelve-days", TODAY, TODAY, year=2026))  # nothing more to write


def test_the_facts_of_the_year_come_from_the_file(workspace):
    extra = ("sales:\n  - {date: 2026-02-10, amount: 4200, what: Backup upgrade}\n"
             "commitments:\n  - {made: 2026-03-01, due: 2026-03-15, what: Fix the VPN, done: 2026-03-20}\n"
             "  - {made: 2026-10-01, due: 2026-10-15, what: Send the plan}\n")
    body = ("## Log\n- 2026-02-10 call reached by ann: #success the backup saved their audit\n"
            "- 2026-05-05 call voicemail by ann: busy\n- 2026-06-01 email by ann: notes\n"
            "- 2025-12-01 call reached by ann: last year\n")
    text = client("Acme", "key", "top", "2019-06-01", contact="Jo Ng", extra=extra) + body
    ws, _ = load(workspace({"clients/acme.md": text}))
    assert year_facts(ws, ws.client("acme"), 2026, TODAY) == [
        "- Client since 2019-06-01 (7 years); key, grade top; contact Jo Ng.",
        "- Touches 2026-01-01 to 2026-12-01: 3 (2 calls, 1 email).",
        "- Calls: 1 reached, 1 voicemail, 0 no answer.",
        "- Sales: 1, total 4,200: 2026-02-10 Backup upgrade (4,200).",
        "- Success story, 2026-02-10: #success the backup saved their audit",
        "- Commitments: 0 kept on time, 1 late, 0 open, 1 overdue.",
        "  - late: Fix the VPN (due 2026-03-15, done 2026-03-20)",
        "  - overdue: Send the plan (due 2026-10-15)",
    ]


def test_letters_are_tracked_and_the_day_of_a_sheet_is_due(workspace):
    sheets = {f"rituals/twelve-days/2026/2026-12-{13 + i}-{s}.md":
              f"---\ndate: 2026-12-{13 + i}\nclient: {s}\nday: {i + 1}\n"
              + ("letter_sent: 2026-12-14\n" if i == 0 else "letter_sent:\n") + "---\n"
              for i, s in enumerate(ORDER[:3])}
    ws, diags = load(workspace(BOOK | sheets), date(2026, 12, 15))
    assert diags == []
    assert [(x["client"], x["letter_sent"]) for x in letters(ws, "twelve-days", "2026")] == [
        ("t-forlife", "2026-12-14"), ("t-key-rich", None), ("t-key-poor", None)]
    twelve = ws.rituals["twelve-days"]
    today = status_of(ws, twelve, date(2026, 12, 15))
    assert today.due is True
    # T Key Rich's day (the 14th) passed without a letter; T Key Poor's is today, not past
    assert today.reason == ("today: T Key Poor (rituals/twelve-days/2026/2026-12-15-t-key-poor.md); 3 sheets for "
                            "2026; letter_sent: 1 of 3, 1 past its day without it")
    assert status_of(ws, twelve, date(2026, 12, 12)).due is False
    assert {s.ritual for s in ritual_status(ws, date(2026, 12, 15)) if s.due} >= {"twelve-days"}


def test_salutations():
    from rippledoc.model import Client, Source
    c = lambda contact: Client("x", "X Ltd", Source("clients/x.md", 1), contact=contact)  # noqa: E731
    assert [salutation(c(x)) for x in ("Denise Harlow", "Dr. Renata Ibarra", "", "Kenji")] == [
        "Denise", "Dr. Ibarra", "X Ltd", "Kenji"]


def test_only_top_and_two_are_picked_unless_the_ritual_says_which_grades(workspace):
    ws, _ = load(workspace(BOOK))
    twelve = ws.rituals["twelve-days"]
    assert len(pick(ws, twelve, 2026)) == 11
    assert pick_note(ws, twelve, 2026) == (
        "Picked 11 of 12: only 11 clients graded top or two are covered. Fewer is fine: a day for each client who "
        "has earned one (grades: in rituals/twelve-days.md takes others, grades: any takes all).")
    own = (REPO / "rippledoc/defaults/rituals/twelve-days.md").read_text().replace(
        "grades: [top, two]", "grades: [top, two, three]")
    ws, diags = load(workspace(BOOK | {"rituals/twelve-days.md": own}))
    assert diags == []
    assert [c.slug for c in pick(ws, ws.rituals["twelve-days"], 2026)] == ORDER + ["three-key"]
    assert pick_note(ws, ws.rituals["twelve-days"], 2026) is None


def test_a_bad_grades_setting_is_an_error(workspace):
    own = "---\nname: Twelve days\ncadence: yearly\nsheets: per-client\ngrades: [top, tow]\n---\n"
    _, diags = load(workspace(BOOK | {"rituals/twelve-days.md": own}))
    assert [(d.code, d.message, d.hint) for d in diags] == [
        ("E400", "grades: 'tow' is not one of top, two, three, ungraded, or any", "did you mean 'two'?")]


def test_each_letter_is_told_against_its_own_day(workspace):
    days = {"t-forlife": ("2026-12-13", "2026-12-11"), "t-key-rich": ("2026-12-14", "2026-12-14"),
            "t-key-poor": ("2026-12-15", "2026-12-17"), "t-key-old": ("2026-12-16", ""),
            "t-key-new": ("2026-12-17", ""), "t-base": ("2026-12-18", "")}
    sheets = {f"rituals/twelve-days/2026/{d}-{s}.md": f"---\ndate: {d}\nclient: {s}\nletter_sent: {sent}\n---\n"
              for s, (d, sent) in days.items()}
    ws, diags = load(workspace(BOOK | sheets), date(2026, 12, 17))
    assert diags == []
    assert [(x["client"], x["state"]) for x in letters(ws, "twelve-days", "2026", date(2026, 12, 17))] == [
        ("t-forlife", "before its day"), ("t-key-rich", "on its day"), ("t-key-poor", "after its day"),
        ("t-key-old", "past its day"), ("t-key-new", "due today"), ("t-base", "to come")]
    reason = status_of(ws, ws.rituals["twelve-days"], date(2026, 12, 17)).reason
    assert reason.endswith("6 sheets for 2026; letter_sent: 3 of 6, 1 past its day without it, 1 before its day")
