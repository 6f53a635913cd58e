"""Names in every script through the commands: new, import, log, inbox and the site's file names.

Cyrillic, Greek, CJK, Arabic, Nordic and Polish names each name their own
file, and what a person types finds the client it means, never another one.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main
from conftest import load_workspace
from rippledoc.site.build import build_site
from rippledoc.site.urls import client_page

from conftest import TODAY

SETTINGS = "me: stan\ntimezone: Europe/Berlin\nteam:\n  stan: {name: Stan Ortiz}\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text(SETTINGS)
    return tmp_path


def rd(book: Path, *args: str):
    today = [] if args[0] == "new" else ["--today", TODAY.isoformat()]
    return CliRunner().invoke(main, ["-C", str(book), *args, *today])


def files(book: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted((book / "clients").glob("*.md"))}


def log_lines(text: str) -> list[str]:
    return [line for line in text.split("## Log", 1)[1].splitlines() if line.startswith("- ")]


def sheet(book: Path, rows: str) -> str:
    path = book / "in.csv"
    path.write_text("company,phone\n" + rows, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ import, then log

def test_an_imported_cyrillic_client_gets_a_file_of_its_own_name_and_its_touches(book):
    r = rd(book, "import", "csv", sheet(book, "Москва Импорт,+7 495 123 4567\nСанкт Торг,+7 812 123 4567\n"))
    assert r.exit_code == 0, r.output
    assert sorted(files(book)) == ["moskva-import.md", "sankt-torg.md"]
    for query, note in (("Санкт Торг", "first"), ("Торг", "second"), ("Санкт", "third"), ("sankt torg", "fourth")):
        r = rd(book, "log", query, "--note", note)
        assert r.exit_code == 0, r.output
    written = files(book)
    assert [line.rsplit(": ", 1)[1] for line in log_lines(written["sankt-torg.md"])] == [
        "first", "second", "third", "fourth"]
    assert log_lines(written["moskva-import.md"]) == []


def test_files_named_by_an_older_import_keep_their_names_and_are_found_by_name(book):
    """A slug is a file name: clients/client.md and client-2.md (what Cyrillic names used to get) stay."""
    (book / "clients" / "client.md").write_text("---\nname: Москва Импорт\n---\n")
    (book / "clients" / "client-2.md").write_text("---\nname: Санкт Торг\n---\n")
    assert rd(book, "log", "Санкт Торг", "--note", "x").exit_code == 0
    written = files(book)
    assert len(log_lines(written["client-2.md"])) == 1 and "## Log" not in written["client.md"]
    r = rd(book, "import", "csv", sheet(book, "Санкт Торг,+7 812 123 4567\n"))
    assert r.output.splitlines()[-1] == "created 0, updated 1 (2 fields), unchanged 0, conflicts 0, rejected 0"
    assert sorted(files(book)) == ["client-2.md", "client.md"]


def test_a_query_without_letters_finds_no_client(book):
    (book / "clients" / "client.md").write_text("---\nname: Москва Импорт\n---\n")
    r = rd(book, "log", "«…»", "--note", "x")
    assert r.exit_code == 2 and "no client matches '«…»'" in r.output
    assert "## Log" not in files(book)["client.md"]


def test_two_names_that_differ_by_a_letter_stay_two_clients(book):
    """'Ørsted A/S' and 'rsted A/S' were merged into one client when Ø was dropped."""
    r = rd(book, "import", "csv", sheet(book, "Ørsted A/S,+45 70 12 34 56\nrsted A/S,+45 70 65 43 21\n"))
    assert r.output.splitlines()[-1] == "created 2, updated 0 (0 fields), unchanged 0, conflicts 0, rejected 0"
    ws, _ = load_workspace(book, TODAY)
    assert sorted((c.slug, c.name) for c in ws.clients) == [("orsted-a-s", "Ørsted A/S"), ("rsted-a-s", "rsted A/S")]


def test_a_near_duplicate_is_kept_apart_and_reported_with_both_names(book):
    (book / "clients" / "muller-sohne.md").write_text("---\nname: Müller & Söhne\n---\n")
    r = rd(book, "import", "csv", sheet(book, "Muller & Sohne,+49 30 1234567\nØrsted A/S,+45 70 12 34 56\n"
                                              "Orsted A/S,+45 70 65 43 21\nMÜLLER & SÖHNE GmbH,+49 30 7654321\n"))
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert ("  near-duplicate row 2 (line 2): 'Muller & Sohne' reads like 'Müller & Söhne' (clients/muller-sohne.md) "
            "but is not the same name: kept apart as clients/muller-sohne-2.md. If they are one client, merge the "
            "two files (or write the name the same way in the sheet and import again)") in out
    assert any(line.startswith("  near-duplicate row 4 (line 4): 'Orsted A/S' reads like 'Ørsted A/S' "
                               "(clients/orsted-a-s.md) but is not the same name: kept apart as "
                               "clients/orsted-a-s-2.md.") for line in out)
    # the same name in other capitals, with a company suffix, is the same client: its empty phone is filled
    assert "  filled clients/muller-sohne.md: phone: +49 30 7654321  [row 5 (line 5)]" in out
    assert sorted(files(book)) == ["muller-sohne-2.md", "muller-sohne.md", "orsted-a-s-2.md", "orsted-a-s.md"]


WORLD = [("Αθήνα Λτδ", "athina-ltd"), ("北京贸易有限公司", "bei-jing-mao-yi-you-xian-gong-si"),
         ("شركة القاهرة", "shrkh-lqhrh"), ("Þór ehf", "thor-ehf"), ("Łódź Młyn", "lodz-mlyn"),
         ("Ærø Æbler", "aero-aebler"), ("東京トレーディング", "dong-jing-toredeingu")]


def test_an_import_names_files_in_every_script_and_log_finds_each(book):
    rows = "".join(f"{name},\n" for name, _ in WORLD)
    r = rd(book, "import", "csv", sheet(book, rows))
    assert r.exit_code == 0, r.output
    assert sorted(files(book)) == sorted(f"{slug}.md" for _, slug in WORLD)
    for name, slug in WORLD:
        r = rd(book, "log", name, "--note", f"for {slug}")
        assert r.exit_code == 0, r.output
        assert [line.rsplit(": ", 1)[1] for line in log_lines(files(book)[f"{slug}.md"])] == [f"for {slug}"]


# ------------------------------------------------------------------ new

def test_new_names_files_in_every_script(book):
    for name, slug in WORLD + [("Москва Импорт", "moskva-import"), ("Санкт Торг", "sankt-torg")]:
        r = rd(book, "new", name)
        assert r.exit_code == 0, r.output
        assert r.output == f"created clients/{slug}.md\n"
    ws, diags = load_workspace(book, TODAY)
    assert len(ws.clients) == len(WORLD) + 2 and not [d for d in diags if d.code == "W101"]


def test_new_refuses_the_same_cyrillic_name_twice(book):
    assert rd(book, "new", "Москва Импорт").exit_code == 0
    r = rd(book, "new", "МОСКВА импорт")
    assert r.exit_code == 2 and "a client named 'Москва Импорт' already exists: clients/moskva-import.md" in r.output


# ------------------------------------------------------------------ inbox

def test_inbox_files_each_line_into_the_client_its_name_means(book):
    for name, slug in [("Москва Импорт", "client"), ("Санкт Торг", "client-2"), ("Αθήνα Λτδ", "athina-ltd"),
                       ("北京贸易有限公司", "bei-jing"), ("Łódź Młyn", "lodz-mlyn")]:
        (book / "clients" / f"{slug}.md").write_text(f"---\nname: {name}\n---\n")
    (book / "inbox.md").write_text("## 2026-11-20\nТорг call reached: первый\nΑθήνα email: δεύτερο\n"
                                   "北京 call voicemail: third\nlodz meeting: fourth\n«…» call: nobody\n")
    r = rd(book, "inbox")
    assert r.exit_code == 0, r.output
    written = files(book)
    assert log_lines(written["client-2.md"]) == ["- 2026-11-20 call reached by stan: первый"]
    assert log_lines(written["athina-ltd.md"]) == ["- 2026-11-20 email by stan: δεύτερο"]
    assert log_lines(written["bei-jing.md"]) == ["- 2026-11-20 call voicemail by stan: third"]
    assert log_lines(written["lodz-mlyn.md"]) == ["- 2026-11-20 meeting by stan: fourth"]
    assert "## Log" not in written["client.md"]
    assert "«…» call: nobody" in (book / "inbox.md").read_text()  # no client for it: the line stays


# ------------------------------------------------------------------ the site's file names

SLUGS = ["москва", "Москва", "ørsted", "orsted", "北京", "αθήνα", "القاهرة", "łódź", "lodz", "a b", "client"]


def test_a_slug_in_any_script_gives_its_own_page_name():
    pages = [client_page(s) for s in SLUGS]
    assert len({p.lower() for p in pages}) == len(SLUGS)  # unique on a file system that ignores case too
    for page in pages:
        assert re.fullmatch(r"clients/[A-Za-z0-9][A-Za-z0-9._-]*\.html", page), page


def test_the_site_has_a_working_page_for_clients_named_in_every_script(tmp_path):
    root = tmp_path / "ws"
    (root / "clients").mkdir(parents=True)
    (root / "rippledoc.yaml").write_text(SETTINGS)
    for i, slug in enumerate(s for s in SLUGS if s != "Москва"):
        (root / "clients" / f"{slug}.md").write_text(f"---\nname: Client {i} {slug}\n---\n", encoding="utf-8")
    out = tmp_path / "site"
    build_site(root, out, TODAY)
    for slug in SLUGS:
        if slug != "Москва":
            page = out / client_page(slug)
            assert page.is_file() and f"Client" in page.read_text("utf-8"), slug
    html = (out / "index.html").read_text("utf-8")
    links = {u for u in re.findall(r'href="([^"]+)"', html) if u.startswith("clients/")}
    for url in links:
        assert (out / posixpath.normpath(url.split("#")[0])).is_file(), url
