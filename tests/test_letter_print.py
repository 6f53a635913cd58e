"""A twelve-days sheet, the letter draft, printed on A4 and on Letter: nothing runs off the paper, the site's
navigation stays off it, and the letter's closing and the name stand on lines of their own."""
from __future__ import annotations

import re

import pytest

from conftest import write
from rippledoc.site.build import build_site
from datetime import date

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
PAPERS = {"A4": 210, "Letter": 215.9}  # widths in mm
LONG_URL = "https://intranet.example/" + "very-long-path-segment-" * 8 + "end"
SHEET = f"""---
date: 2026-12-16
client: brandt-soehne-feinmechanik-praezisionswerkzeuge
day: 4
letter_sent:
---
# Day 4: Brandt & Söhne, Wednesday 16 December 2026

## What went well this year

{"The machine-data bridge runs in three cells, and Jürgen's team trusts it. " * 12}

## Letter of appreciation (draft)

Dear Jürgen,

Thank you for this year. The plan we shared is at {LONG_URL} and I would like to walk you through it in January.

With thanks,

Ann Lee
"""


@pytest.fixture(scope="module")
def sheet_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("letter")
    write(root, {
        "rippledoc.yaml": "me: ann\nteam:\n  ann: {name: Ann Lee}\n",
        "clients/brandt-soehne-feinmechanik-praezisionswerkzeuge.md":
            "---\nname: Brandt & Söhne Feinmechanik Präzisionswerkzeuge GmbH\ntimezone: Europe/Berlin\n"
            "grade: top\n---\n",
        "rituals/twelve-days/2026/2026-12-16-brandt-soehne-feinmechanik-praezisionswerkzeuge.md": SHEET,
    })
    out = root / "_site"
    build_site(root, out, date(2026, 12, 16))
    return out / "rituals/twelve-days/2026/2026-12-16-brandt-soehne-feinmechanik-praezisionswerkzeuge.html"


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_letter_draft_fits_the_paper_and_leaves_the_site_out(browser, sheet_page, paper):
    page = browser.new_page()
    page.goto(sheet_page.as_uri())
    page.emulate_media(media="print")
    css = (sheet_page.parents[3] / "assets/site.css").read_text(encoding="utf-8")
    found = re.search(r"@page\s*\{\s*margin:\s*([\d.]+)mm\s+([\d.]+)mm", css)
    side = float(found[2]) if found else 18.0
    width = int((PAPERS[paper] - 2 * side) * MM)  # the text's width on that paper
    page.set_viewport_size({"width": width, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the right edge
    assert not page.locator("header.top").is_visible() and not page.locator("footer.foot").is_visible()
    letter = page.locator("p", has_text="With thanks,")
    assert letter.inner_text().strip() == "With thanks,"  # the name on a line of its own
    assert found, "the stylesheet sets the printed page's margins (@page), the same for both papers"
    page.close()
