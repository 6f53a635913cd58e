"""One call, four outcomes: each shows up where the person who needs it looks, and following up is one line."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main

from conftest import REPO, TODAY

DAY = TODAY.isoformat()


def run(root: Path, *args: str, today: str = DAY):
    result = CliRunner().invoke(main, ["-C", str(root), *args, "--today", today])
    assert "Traceback" not in result.output
    return result


def ok(root: Path, *args: str, today: str = DAY):
    result = run(root, *args, today=today)
    assert result.exit_code == 0, result.output
    return result.output


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The sample workspace in a fresh git repository."""
    root = tmp_path / "book"
    root.mkdir()
    shutil.copy(REPO / "rippledoc.yaml", root)
    shutil.copytree(REPO / "clients", root / "clients")
    git(root, "init", "-q")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "book")
    return root


def numstat(root: Path) -> list[str]:
    return git(root, "diff", "--numstat").splitlines()


def commit(root: Path) -> None:
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qam", "step")


def test_one_log_with_a_handoff_kudos_story_and_intel_shows_up_everywhere(book):
    out = ok(book, "log", "prairie", "Tellers locked out by the new sign-in prompt",
             "--handoff", "training: priya by 2026-11-28", "--kudos", "omar: Omar had the VPN back in an hour",
             "--story", "success", "--intel", "conference: Heartland Credit Union Forum",
             "--intel", "trend: instant payments")
    line = ("- 2026-11-22 call reached by stan: Tellers locked out by the new sign-in prompt. "
            "handoff: training @priya by 2026-11-28 #kudos @omar \"Omar had the VPN back in an hour\" #success "
            "#intel[conference: Heartland Credit Union Forum] #intel[trend: instant payments]")
    assert line in out
    assert ("Tell Diane Vasquez: Priya Shah (training) will be in touch by Sat 28 Nov. It stays on the due list "
            "of priya and stan until 'rippledoc handoff-done prairie-state-credit-union'.") in out
    assert numstat(book) == ["1\t0\tclients/prairie-state-credit-union.md"]
    assert ok(book, "check", "--strict").strip().endswith("0 errors, 0 warnings")

    # the due list of the owner and of the caller, not of anyone else
    for who in ("priya", "stan"):
        items = json.loads(ok(book, "due", "--owner", who, "--json"))["items"]
        mine = [i for i in items if i["kind"] == "handoff" and i["client"] == "prairie-state-credit-union"]
        assert [(i["date"], i["people"]) for i in mine] == [("2026-11-28", ["priya", "stan"])], who
    omar = json.loads(ok(book, "due", "--owner", "omar", "--json"))["items"]
    assert not [i for i in omar if i["kind"] == "handoff"]
    handoffs = json.loads(ok(book, "handoffs", "--owner", "priya", "--json"))["handoffs"]
    assert [(h["client"], h["state"], h["told"]) for h in handoffs] == [
        ("harbor-lane-bakery", "overdue", "Theo Lindgren"),
        ("prairie-state-credit-union", "open", "Diane Vasquez"),
        ("tidewater-food-bank", "open", "Denise Harlow")]

    people = {p["person"]: p for p in json.loads(ok(book, "kudos", "--from", "2026-11-01", "--json"))["people"]}
    assert list(people) == ["omar"]
    assert people["omar"]["kudos"][0]["words"] == "Omar had the VPN back in an hour"
    assert "“Omar had the VPN back in an hour”" in ok(book, "kudos", "--from", "2026-11-01")

    stories = json.loads(ok(book, "stories", "--json"))["stories"]
    assert (stories[0]["client"], stories[0]["stage"], stories[0]["ask_due"]) == (
        "prairie-state-credit-union", "story", "2026-12-06")

    topics = json.loads(ok(book, "intel", "--from", "2026-01-01", "--json"))["topics"]
    payments = next(t for t in topics if t["topic"] == "instant payments")
    assert (payments["count"], payments["first"], payments["last"]) == (2, "2026-06-17", "2026-11-22")

    metrics = json.loads(ok(book, "metrics", "--json"))["outcomes"]
    assert metrics["kudos"]["by_person"]["omar"] == 2
    assert any(h["client"] == "prairie-state-credit-union" for h in metrics["handoffs"]["open_now"])

    # a story is due to be asked about once it is 14 days old
    later = json.loads(ok(book, "due", "--owner", "stan", "--json", today="2026-12-06"))["items"]
    assert [i["client"] for i in later if i["kind"] == "story-ask" and i["date"] == "2026-12-06"] == [
        "prairie-state-credit-union"]


def test_closing_a_handoff_and_moving_a_story_forward_are_one_line_diffs(book):
    ok(book, "log", "prairie", "Tellers locked out", "--handoff", "training: priya by 2026-11-28",
       "--story", "success:sso")
    commit(book)
    out = ok(book, "handoff-done", "prairie", "--date", "2026-11-26", today="2026-11-27")
    assert "Done 2 days early." in out
    assert numstat(book) == ["1\t1\tclients/prairie-state-credit-union.md"]
    assert "by 2026-11-28 done: 2026-11-26 #success" in git(book, "diff")
    assert "prairie" not in ok(book, "handoffs", today="2026-11-27")
    commit(book)

    for step, extra, when in (("asked", (), "2026-11-30"),
                              ("testimonial", ("--quote", "Our tellers stopped locking themselves out."), "2026-12-02"),
                              ("published", (), "2026-12-10")):
        ok(book, "log", "prairie", "--kind", "email", f"step {step}", "--story", step, *extra, today=when)
        assert numstat(book) == ["1\t0\tclients/prairie-state-credit-union.md"], step
        commit(book)
    stories = json.loads(ok(book, "stories", "--json", today="2026-12-10"))["stories"]
    prairie = next(s for s in stories if s["client"] == "prairie-state-credit-union")
    assert (prairie["id"], prairie["stage"], prairie["quote"]) == (
        "sso", "published", "Our tellers stopped locking themselves out.")
    assert prairie["next"] == "invite them as a webinar guest"


def test_log_story_success_on_a_note_that_holds_a_story_makes_one_story(book):
    before = {s["id"] for s in json.loads(ok(book, "stories", "--json"))["stories"]}
    out = ok(book, "log", "prairie", "They beat the ransomware with our backups #success[ransomware]",
             "--story", "success")
    assert out.count("A success story") == 1
    commit(book)
    added = [l for l in git(book, "log", "-1", "-p", "--format=").splitlines() if l.startswith("+- ")]
    assert len(added) == 1 and added[0].count("#success") == 1 and added[0].endswith("#success[ransomware]")
    stories = json.loads(ok(book, "stories", "--json"))["stories"]
    assert [s["id"] for s in stories if s["id"] not in before] == ["ransomware"]
    later = json.loads(ok(book, "due", "--owner", "stan", "--json", today="2026-12-06"))["items"]
    asks = [i for i in later if i["kind"] == "story-ask" and i["client"] == "prairie-state-credit-union"]
    assert [i["date"] for i in asks] == ["2026-12-06"]  # one 'ask for a testimonial', not two
    clash = run(book, "log", "prairie", "#success[phish]", "--story", "success:ransomware")
    assert clash.exit_code == 2 and "the note already tags #success[phish]: one touch, one story" in clash.output
    assert numstat(book) == []


def test_a_later_touch_by_the_owner_closes_the_handoff(book):
    ok(book, "log", "harbor", "--by", "priya", "showed the weekend staff the pre-order screen #handoff-done")
    handoffs = json.loads(ok(book, "handoffs", "--all", "--json"))["handoffs"]
    harbor = next(h for h in handoffs if h["client"] == "harbor-lane-bakery")
    assert (harbor["state"], harbor["done"]) == ("late", "2026-11-22")


@pytest.mark.parametrize("args, message", [
    (("--handoff", "acounting: priya by 2026-11-28"), "--handoff: nobody in the team handles 'acounting'"),
    (("--handoff", "training: priya by Friday"), "--handoff: 'Friday' is not a date"),
    (("--kudos", "olga"), "--kudos: 'olga' is not in the team"),
    (("--story", "asking"), "--story: 'asking' is not one of success, asked"),
    (("--intel", "gossip: the mayor"), "--intel: unknown kind of intelligence 'gossip'"),
    (("--quote", "words"), "--quote goes with --story testimonial"),
    (("--story", "asked:nosuch"), "--story asked:nosuch: Prairie State Credit Union has no success story 'nosuch'"),
    (("--story", "asked"), "--story asked: Prairie State Credit Union has no success story yet"),
])
def test_bad_options_exit_2_and_write_nothing(book, args, message):
    result = run(book, "log", "prairie", "a note", *args)
    assert result.exit_code == 2 and message in result.output
    assert numstat(book) == []


def test_handoff_done_without_an_open_handoff_says_so(book):
    result = run(book, "handoff-done", "maple")  # nothing to close is a usage error, as an unknown client is
    assert result.exit_code == 2 and "Maple & Rye Bistro Group has no open handoff" in result.output


def test_the_sample_workspace_has_something_for_every_command():
    assert "1 overdue" in ok(REPO, "handoffs")
    assert "Lena Novak · 2 kudos" in ok(REPO, "kudos")
    stories = ok(REPO, "stories")
    assert "published" in stories and "ask for a testimonial (due since" in stories
    assert stories.splitlines()[1].split() == ["DATE", "CLIENT", "STAGE", "NEXT"]  # no story has an [id]
    assert "consolidation                   trend           3        3" in ok(REPO, "intel")


def test_the_site_shows_handoffs_kudos_the_pipeline_and_topics(book, tmp_path):
    ok(book, "log", "prairie", "Tellers locked out", "--handoff", "training: priya by 2026-11-28",
       "--kudos", "omar: Omar had the VPN back in an hour", "--story", "success", "--intel", "trend: instant payments")
    out = tmp_path / "site"
    ok(book, "build", "-o", str(out))
    index = (out / "index.html").read_text()
    hand = index.split('id="hand-h"', 1)[1].split("</section>", 1)[0]
    assert hand.count('<li class="item state-') == 3 and "3 days overdue" in hand and "in 6 days" in hand
    assert "Diane Vasquez was told by 2026-11-28: Tellers locked out" in hand
    kudos = (out / "kudos.html").read_text()
    assert "Omar Haddad <small>2 kudos" in kudos and "“Omar had the VPN back in an hour”" in kudos
    assert '<a href="kudos.html"' in index  # in the navigation
    assert "in 12 days</span>" in index.split('id="due-h"', 1)[1].split("</section>", 1)[0]
    stories = (out / "stories.html").read_text()
    assert "invite them as a webinar guest" in stories and "from 2026-12-06" in stories
    assert "“Three restaurants, one book of reservations" in stories
    intel = (out / "intel.html").read_text()
    row = intel.split('<th scope="row">instant payments</th>', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in row and "2026-06-17" in row and "2026-11-22" in row
