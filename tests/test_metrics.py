"""Metric summaries against a small book computed by hand (the arithmetic is in the comments).

The period is 2026-Q3: 1 July to 30 September 2026, 92 days, 66 working days;
today is 23 November 2026.
"""
from datetime import date

import pytest

from conftest import load_workspace
from rippledoc.views.metrics import compute_metrics, slope
from rippledoc.parse.periods import Span
from rippledoc.views.terms import on_book

START, END, TODAY = date(2026, 7, 1), date(2026, 9, 30), date(2026, 11, 23)

BOOK = {
    "rippledoc.yaml": """
        me: ann
        team:
          ann: {name: Ann Lee}
          bo: {name: Bo Park}
    """,
    "clients/alpha.md": """
        ---
        name: Alpha Dental
        since: 2020-01-01
        timezone: Europe/London
        owner: ann
        level: key
        grade: top
        sales:
          - {date: 2026-03-01, amount: 500, what: before both periods}
          - {date: 2026-07-10, amount: 1000, what: Backup}
          - {date: 2026-08-20, amount: 3000, what: Workstations}
        commitments:
          - {made: 2026-08-01, due: 2026-08-15, what: Fix the VPN, done: 2026-08-10}
          - {made: 2026-09-01, due: 2026-09-20, what: Send the plan, done: 2026-09-25}
          - {made: 2026-10-01, due: 2026-10-30, what: Access review}
        ---
        ## Log
        - 2026-05-01 call reached by ann: spring check-in
        - 2026-07-05 email by ann: sent the backup quote
        - 2026-08-01 call voicemail by ann: left a message
        - 2026-09-28 call reached by ann: #success month-end close now takes two days instead of five
    """,
    "clients/bravo.md": """
        ---
        name: Bravo Books
        since: 2021-01-01
        timezone: Europe/London
        owner: bo
        level: base
        grade: three
        sales:
          - {date: 2026-09-01, amount: 2000, what: Till upgrade}
        commitments:
          - {made: 2026-08-01, due: 2026-09-10, what: Replace the router}
        ---
        ## Log
        - 2026-06-15 call reached by bo: fine
        - 2026-07-20 call no-answer by bo: shop closed
    """,
    "clients/charlie.md": """
        ---
        name: Charlie Freight
        since: 2015-01-01
        owner: ann
        level: for-life
        grade: two
        status: former
        sales:
          - {date: 2026-06-01, amount: 400, what: Last renewal}
        ---
        ## Log
        - 2026-08-05 letter by ann: thank-you on leaving. #intel they moved to the buyer's own IT
    """,
    "clients/delta.md": """
        ---
        name: Delta Vets
        since: 2026-08-01
        timezone: Europe/London
        owner: bo
        level: key
        sales:
          - {date: 2026-08-15, amount: 2000, what: Onboarding}
        commitments:
          - {made: 2026-08-02, due: 2026-09-30, what: Migrate the records}
        ---
        ## Log
        - 2026-08-02 meeting by bo: kick-off
    """,
}

W = "rituals/weekly-connection-review/"
REVIEWS = {
    # overall (mean of five) alpha: 3.0, 3.2, 3.4, 4.0; bravo: 4.0, 3.8, 3.0, 2.4
    W + "2026-W26.md": "---\ndate: 2026-06-26\nclients:\n"
    "  alpha: {solves: 3, profit: 3, expectations: 3, resolution: 3, like: 3}\n"
    "  bravo: {solves: 4, profit: 4, expectations: 4, resolution: 4, like: 4}\n---\n",
    W + "2026-W28.md": "---\ndate: 2026-07-10\nclients:\n"
    "  alpha: {solves: 4, profit: 3, expectations: 3, resolution: 3, like: 3}\n"
    "  bravo: {solves: 4, profit: 4, expectations: 3, resolution: 4, like: 4}\n---\n",
    W + "2026-W30.md": "---\ndate: 2026-07-24\nclients:\n"
    "  alpha: {solves: 4, profit: 4, expectations: 3, resolution: 3, like: 3}\n"
    "  bravo: {solves: 3, profit: 3, expectations: 3, resolution: 3, like: 3}\n---\n",
    W + "2026-W36.md": "---\ndate: 2026-09-04\nclients:\n"
    "  alpha: {solves: 4, profit: 4, expectations: 4, resolution: 4, like: 4}\n"
    "  bravo: {solves: 3, profit: 2, expectations: 2, resolution: 3, like: 2}\n---\n",
    "rituals/client-for-life/2026-Q2.md": "---\ndate: 2026-06-29\nclients:\n"
    "  alpha: {level: base}\n  bravo: {level: key}\n---\n",
    "rituals/client-for-life/2026-Q3.md": "---\ndate: 2026-09-28\nclients:\n"
    "  alpha: {level: key}\n  bravo: {level: base}\n  delta: {level: key}\n---\n",
    "rituals/high-grade/2026-Q1.md": "---\ndate: 2026-03-27\nclients:\n"
    "  alpha: {grade: two}\n  bravo: {grade: three}\n  charlie: {grade: two}\n---\n",
    "rituals/high-grade/2026-Q2.md": "---\ndate: 2026-06-26\nclients:\n"
    "  alpha: {grade: top}\n  bravo: {grade: three}\n  charlie: {grade: two}\n---\n",
    "rituals/high-grade/2026-Q3.md": "---\ndate: 2026-09-25\nclients:\n"
    "  alpha: {grade: top}\n  bravo: {grade: three}\n  delta: {why: too new to grade}\n---\n",
}


@pytest.fixture
def metrics(workspace):
    ws, diags = load_workspace(workspace(BOOK | REVIEWS), TODAY)
    assert diags == []
    return compute_metrics(ws, Span(START, END), TODAY).to_json()


def test_slope_is_least_squares_per_review():
    # x = 0..3, mean 1.5; y mean 3.4; sum (x-1.5)(y-3.4) = 0.6+0.1+0+0.9 = 1.6; sum (x-1.5)^2 = 5
    assert slope([3.0, 3.2, 3.4, 4.0]) == pytest.approx(0.32)
    assert slope([4.0]) is None
    assert slope([2, 2, 2]) == 0


def test_connection_scores_latest_average_trend_and_who_is_falling(metrics):
    s = metrics["scores"]["weekly-connection-review"]
    alpha = s["clients"]["alpha"]
    # in the period: W28 3.2, W30 3.4, W36 4.0 -> latest 4.0, average 10.6/3; trend over all four reviews
    assert {k: alpha["overall"][k] for k in ("latest", "average", "trend", "reviews")} == \
        {"latest": 4.0, "average": 3.53, "trend": 0.32, "reviews": 3}
    assert alpha["overall"]["series"] == [["2026-W26", "2026-06-26", 3.0], ["2026-W28", "2026-07-10", 3.2],
                                          ["2026-W30", "2026-07-24", 3.4], ["2026-W36", "2026-09-04", 4.0]]
    # solves 3, 4, 4, 4: mean 3.75, sum (x-1.5)(y-3.75) = 1.125-0.125+0.125+0.375 = 1.5 -> 0.3
    assert (alpha["solves"]["latest"], alpha["solves"]["average"], alpha["solves"]["trend"]) == (4.0, 4.0, 0.3)
    bravo = s["clients"]["bravo"]["overall"]
    # 4.0, 3.8, 3.0, 2.4: mean 3.3; sum = -1.05-0.25-0.15-1.35 = -2.8 -> -0.56; period average 9.2/3
    assert (bravo["latest"], bravo["average"], bravo["trend"]) == (2.4, 3.07, -0.56)
    assert s["falling"] == [{"client": "bravo", "name": "Bravo Books", "trend": -0.56,
                             "metrics": ["solves", "profit", "expectations", "resolution", "like"]}]
    # the book per review in the period: mean of the two clients' overall scores
    assert s["book"] == [["2026-W28", "2026-07-10", 3.5], ["2026-W30", "2026-07-24", 3.2],
                         ["2026-W36", "2026-09-04", 3.2]]
    # solves in the period: alpha 4, 4, 4 and bravo 4, 3, 3 -> 22/6
    assert s["metrics"]["solves"] == {"label": "Our services solve their business problems", "average": 3.67,
                                      "series": [["2026-W28", "2026-07-10", 4.0], ["2026-W30", "2026-07-24", 3.5],
                                                 ["2026-W36", "2026-09-04", 3.5]]}


def test_the_triangle_counts_now_and_moves_in_the_period(metrics):
    t = metrics["triangle"]
    assert t["counts"] == {"base": 1, "key": 2, "for-life": 0}  # charlie is former
    assert t["moves"] == [
        {"client": "alpha", "date": "2026-09-28", "period": "2026-Q3", "from": "base", "to": "key",
         "direction": "up", "steps": 1, "source": "rituals/client-for-life/2026-Q3.md"},
        {"client": "bravo", "date": "2026-09-28", "period": "2026-Q3", "from": "key", "to": "base",
         "direction": "down", "steps": 1, "source": "rituals/client-for-life/2026-Q3.md"}]
    assert (t["up"], t["down"], t["unrecorded"]) == (1, 1, [])


def test_grades_distribution_changes_and_the_let_go_list(metrics, workspace):
    g = metrics["grades"]
    assert g["distribution"] == {"top": 1, "two": 0, "three": 1, "ungraded": 1}
    assert g["changes"] == []  # alpha moved two -> top on 2026-06-26, before the period
    assert g["let_go"] == [{"client": "bravo", "name": "Bravo Books", "sessions": 3, "since": "2026-Q1"}]
    assert [s["counts"] for s in g["sessions"]] == [{"top": 0, "two": 2, "three": 1}, {"top": 1, "two": 1, "three": 1},
                                                    {"top": 1, "two": 0, "three": 1}]
    ws, _ = load_workspace(workspace(BOOK | REVIEWS), TODAY)
    year = compute_metrics(ws, Span(date(2026, 1, 1), date(2026, 12, 31)), TODAY).to_json()["grades"]
    assert [(c["client"], c["from"], c["to"], c["direction"]) for c in year["changes"]] == [
        ("alpha", "two", "top", "up")]


def test_business_retention_average_sale_and_frequency(metrics):
    b = metrics["business"]
    # on the book on 1 July: alpha, bravo, charlie (former, last activity 5 August); delta starts 1 August
    # still on it on 30 September: alpha, bravo -> 2/3
    assert (b["clients_at_start"], b["retained"], b["retention"], b["lost"], b["new"]) == (
        3, 2, 0.667, ["charlie"], ["delta"])
    # sales in the period: 1000 + 3000 + 2000 + 2000 = 8000 over 4 sales; 4 clients on the book at some point
    assert (b["sales"], b["revenue"], b["average_sale"], b["clients_on_book"]) == (4, 8000, 2000, 4)
    # 4 sales / 4 clients = 1.0 in 92 days -> 365/92 = 3.967 a year
    assert (b["sales_per_client"], b["sales_per_client_per_year"]) == (1.0, 3.967)
    assert b["revenue_by_level"] == {"base": 2000, "key": 6000, "for-life": 0}
    assert b["revenue_by_grade"] == {"top": 4000, "two": 0, "three": 2000, "ungraded": 2000}
    # the 92 days before: 31 March to 30 June: charlie's 400, 3 clients on the book, all still there on 30 June
    # 1 sale / 3 clients * 365 / 92 = 1.322
    assert b["previous"] == {"retention": 1.0, "average_sale": 400, "sales_per_client_per_year": 1.322,
                             "revenue": 400, "from": "2026-03-31"}


def test_contact_coverage(metrics):
    c = metrics["coverage"]
    assert c["active_clients"] == 3  # alpha, bravo, delta
    # reached after 2 July: alpha (28 Sep), delta (meeting 2 Aug); bravo last reached 15 June
    assert c["reached_within"] == {"90": {"clients": 2, "share": 0.667}, "180": {"clients": 3, "share": 1.0},
                                   "365": {"clients": 3, "share": 1.0}}
    assert c["not_reached_in_365"] == []
    # touches 1 Jul - 30 Sep: alpha 3, bravo 1, charlie 1, delta 1 = 6; 6 / 3 active * 365 / 92 = 7.93
    assert (c["touches"], c["touches_per_client_per_year"]) == (6, 7.93)
    assert c["by_kind"] == {"call": 3, "email": 1, "meeting": 1, "visit": 0, "letter": 1}
    # a call is a call, a meeting or a visit: alpha's 3 calls and delta's meeting
    assert c["calls"] == 4 and c["call_outcomes"] == {"reached": 2, "voicemail": 1, "no-answer": 1}
    assert c["by_outcome"] == {"no-answer": 1, "reached": 2, "sent": 2, "voicemail": 1}
    assert (c["reach_rate"], c["reached_per_voicemail"]) == (0.5, 2.0)
    # 4 calls in 66 working days, plan 1 a day
    assert (c["working_days"], c["calls_per_working_day"], c["planned_calls_per_day"], c["against_plan"]) == (
        66, 0.06, 1.0, 0.06)
    assert c["by_person"] == {"ann": {"touches": 4, "calls": 2, "reached": 1},
                              "bo": {"touches": 2, "calls": 2, "reached": 1}}
    assert sum(c["per_day"].values()) == 6 and c["per_day"]["2026-08-02"] == 1


def test_reliability_counts_commitments_due_in_the_period(metrics):
    r = metrics["reliability"]
    # due in Q3: alpha kept (10 Aug <= 15 Aug), alpha late (25 Sep > 20 Sep), bravo and delta overdue today
    assert {k: r[k] for k in ("due_in_period", "kept", "renegotiated", "late", "missed", "open", "overdue",
                              "on_time_rate", "word_kept_rate")} == \
        {"due_in_period": 4, "kept": 1, "renegotiated": 0, "late": 1, "missed": 2, "open": 0, "overdue": 2,
         "on_time_rate": 0.25, "word_kept_rate": 0.25}
    assert [(o["client"], o["due"], o["days"]) for o in r["overdue_now"]] == [
        ("bravo", "2026-09-10", 74), ("delta", "2026-09-30", 54), ("alpha", "2026-10-30", 24)]


def test_stories_and_intelligence_are_counted_and_listed(metrics):
    s = metrics["stories"]
    assert (s["success"], s["intel"]) == (1, 1)
    assert s["success_stories"][0] == {"date": "2026-09-28", "client": "alpha", "name": "Alpha Dental", "by": "ann",
                                       "note": "#success month-end close now takes two days instead of five",
                                       "source": "clients/alpha.md:21"}
    assert s["intelligence"][0]["client"] == "charlie"


def test_per_client_rows_and_the_owner_filter(metrics, workspace):
    rows = {r["client"]: r for r in metrics["clients"]}
    assert rows["alpha"] == {
        "client": "alpha", "name": "Alpha Dental", "owner": "ann", "level": "key", "grade": "top",
        "status": "active", "touches": 3, "reached": 1, "last_reached": "2026-09-28", "revenue": 4000,
        "commitments": {"kept": 1, "renegotiated": 0, "late": 1, "open": 0, "overdue": 0}, "score": 4.0,
        "score_trend": 0.32,
        "scores": {"weekly-connection-review": {"latest": 4.0, "trend": 0.32}}}
    ws, _ = load_workspace(workspace(BOOK | REVIEWS), TODAY)
    mine = compute_metrics(ws, Span(START, END), TODAY, owner="bo").to_json()
    assert [r["client"] for r in mine["clients"]] == ["bravo", "delta"]
    assert mine["business"]["revenue"] == 4000 and mine["coverage"]["touches"] == 2


def test_on_the_book():
    from rippledoc.model import Client, Source, Touch
    gone = Client("x", "X", Source("clients/x.md", 1), since=date(2020, 1, 1), status="former",
                  log=(Touch(date(2026, 4, 16), "letter", "sent", None, "", (), (), None, Source("x", 9), ""),))
    assert [on_book(gone, d) for d in (date(2019, 12, 31), date(2026, 4, 16), date(2026, 4, 17))] == \
        [False, True, False]


def test_everything_is_json_and_an_empty_book_has_no_division_by_zero(workspace):
    import json
    ws, _ = load_workspace(workspace({}), TODAY)
    m = compute_metrics(ws, Span(START, END), TODAY).to_json()
    json.dumps(m)
    assert m["business"]["retention"] is None and m["coverage"]["reach_rate"] is None
    assert m["reliability"]["on_time_rate"] is None


def test_last_reached_of_a_past_period_is_as_of_its_end(workspace):
    ws, _ = load_workspace(workspace(BOOK | REVIEWS), TODAY)
    rows = {r.client: r for r in compute_metrics(ws, Span(date(2026, 7, 1), date(2026, 7, 31)), TODAY).clients}
    # alpha was reached on 1 May and 28 September: as of 31 July its last reach is 1 May
    assert rows["alpha"].last_reached == date(2026, 5, 1)
    assert rows["bravo"].last_reached == date(2026, 6, 15)


def test_the_triangle_and_the_grades_count_the_clients_on_the_book(workspace):
    ws, _ = load_workspace(workspace(BOOK | REVIEWS), TODAY)
    m = compute_metrics(ws, Span(START, END), TODAY)
    on_book_now = [c for c in ws.clients if c.status != "former"]
    assert sum(m.triangle.counts.values()) == len(on_book_now) == sum(m.grades.distribution.values())
