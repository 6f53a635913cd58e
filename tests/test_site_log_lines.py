"""Log lines for people: the site shows what a touch produced in words, with links, never the raw syntax."""
from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

from conftest import write
from rippledoc.book.loader import load_book
from rippledoc.site.build import build_site
from rippledoc.views.timeline import log_line, produced

TODAY = date(2026, 12, 4)
SETTINGS = """\
    title: Log lines
    me: stan
    timezone: Europe/Lisbon
    team:
      stan: {name: Stan Ortiz}
      ines: {name: Inês Duarte, handles: [support]}
      priya: {name: Priya Shah}
    """
ACME = """\
    ---
    name: Acme Tools
    contact: Ana Ruiz
    timezone: Europe/Lisbon
    ---
    ## Log
    - 2026-11-20 call reached by stan: Printer jams at the counter. handoff: support @ines by 2026-12-03 done: 2026-12-02
    - 2026-11-23 call reached by stan: #kudos @priya "Priya fixed it in ten minutes" said Ana. #success[counter] The counter runs all day now.
    - 2026-11-25 call voicemail by stan: Left word. next: 2026-11-27
    - 2026-11-27 email sent by stan: Asked for a quote. #story-asked[counter] #intel[competitor: PrintCo] They were offered PrintCo.
    - 2026-11-30 call reached by priya: #testimonial[counter] "It simply works." Sent the slides.
    """


def site(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    write(root, {"rippledoc.yaml": SETTINGS, "clients/acme.md": ACME})
    build_site(root, tmp_path / "site", TODAY)
    return tmp_path / "site"


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def log_items(page: str) -> list[str]:
    return re.findall(r'<li class="touch[^"]*" id="L\d+">(.*?)</li>', page, re.S)


def test_the_client_page_says_what_each_touch_produced_in_words(tmp_path):
    page = (site(tmp_path) / "clients/acme.html").read_text()
    items = [text(i) for i in log_items(page)]
    assert len(items) == 5
    log = " | ".join(items)
    for raw in ("handoff:", "#kudos", "#success", "#story-asked", "#testimonial", "#intel", "@ines", "@priya",
                "done: 2026", "next: 2026"):
        assert raw not in log, raw
    assert items[-1] == ("2026-11-20 call reached by Stan Ortiz Printer jams at the counter handed to Inês Duarte "
                         "(support), who calls them by 2026-12-03 ; done 2026-12-02 closed")
    assert "kudos for Priya Shah : “Priya fixed it in ten minutes” said Ana" in items[-2]
    assert "success story : The counter runs all day now" in items[-2]
    assert items[-3] == "2026-11-25 call voicemail by Stan Ortiz Left word next call 2026-11-27"
    assert "asked for a testimonial for the story of 2026-11-23" in items[-4]
    assert "intelligence · competitor: PrintCo : They were offered PrintCo" in items[-4]
    assert items[0] == ("2026-11-30 call reached by Priya Shah testimonial for the story of 2026-11-23 : "
                        "“It simply works.” Sent the slides")


def test_each_fact_is_shown_once_and_links_to_its_page(tmp_path):
    out = site(tmp_path)
    page = (out / "clients/acme.html").read_text()
    assert text(page).count("2026-11-27") == 2  # the voicemail's next call, and the email of that day
    assert page.count('href="../kudos.html#kudos-priya"') == 1
    assert page.count('href="../stories.html#story-acme-counter"') == 3  # the story, asked, the testimonial
    assert page.count('href="../intel.html#topic-competitor-printco"') == 1
    assert 'id="story-acme-counter"' in (out / "stories.html").read_text()
    assert 'id="kudos-priya"' in (out / "kudos.html").read_text()
    assert 'id="topic-competitor-printco"' in (out / "intel.html").read_text()


def test_the_dashboard_stories_intel_and_kudos_pages_use_names_and_words(tmp_path):
    out = site(tmp_path)
    for name in ("index.html", "stories.html", "intel.html", "kudos.html"):
        body = text((out / name).read_text().split("<main", 1)[1])
        for explained in ("counted across clients.", "in the logs."):  # the sentences that explain the syntax
            body = body.split(explained, 1)[-1]
        for raw in ("handoff:", "#kudos", "#success[", "#intel[", "@priya", "@ines", "next: 2026"):
            assert raw not in body, (name, raw)
    kudos = text((out / "kudos.html").read_text())
    assert "Priya Shah" in kudos and "said to Stan Ortiz" in kudos


def test_a_log_line_joins_the_touch_to_what_the_link_stage_found(tmp_path):
    root = tmp_path / "ws"
    write(root, {"rippledoc.yaml": SETTINGS, "clients/acme.md": ACME})
    book = load_book(root, TODAY)
    acme = book.client("acme")
    assert acme is not None
    found = produced(book)
    handoff, kudos, voicemail, asked, testimonial = (log_line(book, acme, t, TODAY, found) for t in acme.log)
    assert handoff.handoff is not None and handoff.handoff.owner.name == "Inês Duarte"
    assert (handoff.handoff.state, handoff.words) == ("closed", "Printer jams at the counter")
    assert [k.person.key for k in kudos.kudos] == ["priya"] and kudos.words == ""
    assert [(s.step, s.words) for s in kudos.stories] == [(None, "The counter runs all day now")]
    assert (voicemail.words, voicemail.next) == ("Left word", date(2026, 11, 27))
    assert [(s.step, s.story.id) for s in asked.stories] == [("asked", "counter")]
    assert [(i.intel.kind, i.intel.topic, i.words) for i in asked.intel] == [("competitor", "PrintCo",
                                                                              "They were offered PrintCo")]
    assert [(s.step, s.words, s.more) for s in testimonial.stories] == [("testimonial", "It simply works.",
                                                                          "Sent the slides")]
    assert [(k.words, k.more) for k in kudos.kudos] == [("Priya fixed it in ten minutes", "said Ana")]
    assert testimonial.by is not None and testimonial.by.name == "Priya Shah"


def test_the_notes_before_a_call_recall_the_last_touches_in_words(tmp_path):
    from conftest import REPO
    build_site(REPO, tmp_path / "sample", date(2026, 11, 23))  # a Monday: calls are planned
    page = (tmp_path / "sample" / "index.html").read_text()
    notes = re.findall(r'<details class="research".*?</details>', page, re.S)
    assert notes and all("Last touches" in n for n in notes)
    for raw in ("next: 20", "handoff:", "#kudos", "#success", "#intel["):
        assert not [n for n in notes if raw in n], raw
