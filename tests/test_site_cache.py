"""The fast paths build the same site: with or without the cache, cold, warm, over workers, incrementally."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, TODAY
from rippledoc.cli.app import main
from rippledoc.read.cache import CACHE_DIR
from rippledoc.site.build import MARKER, SiteBuilder, build_site


def sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample workspace (so the cache and site are written outside the repo)."""
    root = tmp_path / "book"
    root.mkdir()
    shutil.copy(REPO / "rippledoc.yaml", root / "rippledoc.yaml")
    for folder in ("clients", "rituals", "site_templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MARKER}


def same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    different = [k for k in a if a[k] != b[k]]
    assert different == [], f"pages differ: {different[:5]}"


def test_no_cache_cold_warm_and_parallel_builds_are_byte_identical(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    with monkeypatch.context() as m:
        m.setenv("RIPPLEDOC_NO_CACHE", "1")
        build_site(root, tmp_path / "plain", TODAY)
    assert not (root / CACHE_DIR / "clients").exists()
    plain = tree(tmp_path / "plain")
    assert len(plain) > 20 and "index.html" in plain

    build_site(root, tmp_path / "cold", TODAY)
    assert any((root / CACHE_DIR / "clients").iterdir()) and any((root / CACHE_DIR / "markdown").iterdir())
    same(plain, tree(tmp_path / "cold"))
    build_site(root, tmp_path / "warm", TODAY)
    same(plain, tree(tmp_path / "warm"))

    from rippledoc.read import parallel
    monkeypatch.setenv("RIPPLEDOC_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)  # the sample is small: make the pool do the work
    shutil.rmtree(root / CACHE_DIR)
    build_site(root, tmp_path / "pooled-cold", TODAY)
    same(plain, tree(tmp_path / "pooled-cold"))
    build_site(root, tmp_path / "pooled-warm", TODAY)
    same(plain, tree(tmp_path / "pooled-warm"))


def test_an_incremental_rebuild_equals_a_full_build_of_the_edited_book(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    builder = SiteBuilder(root, tmp_path / "served", lambda: TODAY, live=False)
    builder.full()
    client = sorted((root / "clients").glob("*.md"))[0]
    with open(client, "a", encoding="utf-8") as fh:
        fh.write("- 2026-11-21 call reached by stan: #success they doubled the order. next: 2026-12-01\n")
    builder.update([client.stem])
    with monkeypatch.context() as m:
        m.setenv("RIPPLEDOC_NO_CACHE", "1")
        build_site(root, tmp_path / "full", TODAY)
    same(tree(tmp_path / "full"), tree(tmp_path / "served"))
    assert b"they doubled the order" in tree(tmp_path / "served")[builder.client_pages[f"clients/{client.name}"]]


# ---- the page cache: a page is made again only when what it shows may have changed -----------------------

def fresh_build(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch, today=TODAY) -> dict[str, bytes]:
    """The site a build with no cache at all makes of the book as it is now."""
    shutil.rmtree(out, ignore_errors=True)
    with monkeypatch.context() as m:
        m.setenv("RIPPLEDOC_NO_CACHE", "1")
        build_site(root, out, today)
    return tree(out)


def inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def test_a_build_with_nothing_changed_writes_nothing_and_says_so(tmp_path: Path) -> None:
    root = sample(tmp_path)
    first = build_site(root, root / "_site", TODAY)
    assert first.kept == 0 and len(first.rendered) > 20
    before = inodes(root / "_site")
    again = build_site(root, root / "_site", TODAY)
    assert again.rendered == [] and again.kept == len(before) - 1  # every file but the marker
    assert inodes(root / "_site") == before  # not one file written
    assert again.client_pages == first.client_pages
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code == 0 and result.output.startswith("the site is up to date: nothing it shows has changed")


def _client(root: Path, n: int = 0) -> Path:
    return sorted((root / "clients").glob("*.md"))[n]


def _append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def test_after_a_log_line_only_that_clients_page_and_the_summaries_are_made(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    first = build_site(root, root / "_site", TODAY)
    edited = _client(root, 3)
    _append(edited, "- 2026-11-21 call reached by stan: they asked for the spring catalogue")
    result = build_site(root, root / "_site", TODAY)
    page = first.client_pages[f"clients/{edited.name}"]
    made_clients = [p for p in result.rendered if p.startswith("clients/")]
    assert made_clients == [page]
    assert result.kept == len(first.client_pages) - 1
    built = tree(root / "_site")
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), built)
    assert b"the spring catalogue" in built[page]


@pytest.mark.parametrize("change", ["story", "record", "template", "settings", "problem", "new client",
                                    "deleted client", "another day"])
def test_after_any_change_the_site_equals_a_build_without_a_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  change: str) -> None:
    """What a page shows from other files (where a story is listed, a ritual record, the templates, the
    settings, the count of problems in the navigation, the date) reaches it: no page is kept stale."""
    root = sample(tmp_path)
    build_site(root, root / "_site", TODAY)
    today = TODAY
    if change == "story":
        _append(_client(root, 1), "- 2026-11-21 call reached by stan: #success they doubled the order")
    elif change == "record":
        record = sorted((root / "rituals").rglob("*.md"))[-1]
        record.write_text(record.read_text(encoding="utf-8") + "\nA line added to the record.\n", encoding="utf-8")
    elif change == "template":
        (root / "site_templates").mkdir(exist_ok=True)
        base = (REPO / "site_templates" / "base.html").read_text(encoding="utf-8")
        (root / "site_templates" / "base.html").write_text(base.replace("</body>", "<p>our own footer</p></body>"),
                                                            encoding="utf-8")
    elif change == "settings":
        settings = root / "rippledoc.yaml"
        settings.write_text(settings.read_text(encoding="utf-8").replace("title:", "title: Renamed —", 1),
                            encoding="utf-8")
    elif change == "problem":
        _append(_client(root, 2), "- 2026-13-45 call reached by stan: a date that is no date")
    elif change == "new client":
        (root / "clients" / "ørsted-øst.md").write_text("---\nname: Ørsted Øst\nlevel: 2\nstatus: active\n---\n",
                                                        encoding="utf-8")
    elif change == "deleted client":
        _client(root, 0).unlink()
    else:
        today = TODAY.replace(day=TODAY.day + 1)
    build_site(root, root / "_site", today)
    same(fresh_build(root, tmp_path / "fresh", monkeypatch, today), tree(root / "_site"))
    if change in ("template", "settings", "problem", "another day", "record"):
        again = build_site(root, root / "_site", today)
        assert again.rendered == []  # and the next build keeps all of it


def test_a_page_changed_or_added_by_hand_in_the_site_is_made_again(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    first = build_site(root, root / "_site", TODAY)
    page = root / "_site" / sorted(first.client_pages.values())[0]
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>scribbled</p></body>"))
    (root / "_site" / "stray.html").write_text("not ours")
    result = build_site(root, root / "_site", TODAY)
    assert [p for p in result.rendered if p.startswith("clients/")] == [page.relative_to(root / "_site").as_posix()]
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), tree(root / "_site"))


def test_a_tampered_or_foreign_manifest_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    first = build_site(root, root / "_site", TODAY)
    [manifest] = (root / CACHE_DIR).glob("site-*.json")
    data = manifest.read_bytes()
    manifest.write_bytes(data.replace(b'"book":"', b'"book":"0', 1))
    page = root / "_site" / sorted(first.client_pages.values())[0]
    page.write_bytes(b"stale")  # ... and a page that a trusted manifest would catch by its stat anyway
    result = build_site(root, root / "_site", TODAY)
    assert result.kept == 0 and len(result.rendered) == len(first.rendered)
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), tree(root / "_site"))
    manifest.write_bytes(b"not a manifest")
    assert build_site(root, root / "_site", TODAY).kept == 0


def test_an_encrypted_build_is_made_whole_and_leaves_no_manifest_behind(tmp_path: Path) -> None:
    root = sample(tmp_path)
    build_site(root, root / "_site", TODAY)
    assert list((root / CACHE_DIR).glob("site-*.json"))
    build_site(root, root / "_site", TODAY, stage=lambda files: {p: b"sealed " + d for p, d in files.items()})
    assert not list((root / CACHE_DIR).glob("site-*.json"))
    result = build_site(root, root / "_site", TODAY)
    assert result.kept == 0 and not (root / "_site" / "index.html").read_bytes().startswith(b"sealed")


def test_a_commit_reaches_the_history_of_the_page_of_the_file_it_touched(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    git = ["git", "-C", str(root), "-c", "user.name=Stan", "-c", "user.email=stan@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "the book"], check=True)
    first = build_site(root, root / "_site", TODAY)
    edited = _client(root, 2)
    _append(edited, "- 2026-11-21 email sent by stan: the minutes of the meeting")
    subprocess.run([*git, "commit", "-qam", "minutes sent to them"], check=True)
    build_site(root, root / "_site", TODAY)
    built = tree(root / "_site")
    assert b"minutes sent to them" in built[first.client_pages[f"clients/{edited.name}"]]
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), built)


def test_a_story_that_moves_others_to_another_part_of_their_month_reaches_their_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a story is listed (which month page, which part of it) is decided by all the stories: a story
    added to one client moves the stories after it, and the pages of their clients link to the new place."""
    from bench.generate import generate
    from rippledoc.site import split
    from test_light_pages import LIMITS
    root = tmp_path / "ws"
    generate(root, 40)
    for name, value in LIMITS.items():
        monkeypatch.setattr(split, name, value)
    first = build_site(root, root / "_site", TODAY)
    assert any(p.startswith("stories/") and "-" in p.rsplit("/", 1)[1] for p in first.rendered)  # months in parts
    edited = _client(root, 0)
    for day in range(1, 28):  # a story on every day of an early month: later stories of the month move on
        _append(edited, f"- 2025-03-{day:02d} call reached by stan: #success story number {day}")
    result = build_site(root, root / "_site", TODAY)
    moved = [p for p in result.rendered if p.startswith("clients/") and p != first.client_pages[f"clients/{edited.name}"]]
    assert moved, "no other client's page was made again, though its stories moved"
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), tree(root / "_site"))


def test_serve_makes_the_edited_page_from_that_client_alone_and_it_is_the_page_a_full_build_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rippledoc.site import pages
    root = sample(tmp_path)
    builder = SiteBuilder(root, tmp_path / "served", lambda: TODAY, live=False)
    builder.full()
    edited = _client(root, 4)
    _append(edited, "- 2026-11-21 call reached by stan: they liked the new brochure")
    calls: list[bool] = []
    real = pages.client_page_for
    monkeypatch.setattr(pages, "client_page_for", lambda inp, slug, own=None: calls.append(own is not None)
                        or real(inp, slug, own))
    builder.update([edited.stem])
    assert calls == [True]  # made before the book's own links and followups were computed
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), tree(tmp_path / "served"))


def test_an_edited_page_made_early_is_made_again_when_other_edits_moved_its_stories(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.generate import generate
    from rippledoc.site import split
    from test_light_pages import LIMITS
    root = tmp_path / "ws"
    generate(root, 40)
    for name, value in LIMITS.items():
        monkeypatch.setattr(split, name, value)
    builder = SiteBuilder(root, tmp_path / "served", lambda: TODAY, live=False)
    builder.full()
    assert builder.last is not None
    book, links, _ = builder.last
    # a client with a story listed on a month page, and another client whose new stories (newer, so listed
    # before it) push it to the next part of its month
    slug, (key, home) = next((s, next(iter(lk.stories.items()))) for s, lk in sorted(links.items()) if lk.stories)
    story = next(s for s in book.followups.stories if (s.client.slug, s.id) == key[:2])
    other = next(c for c in book.clients if c.slug != slug)
    _append(root / "clients" / f"{slug}.md", "- 2026-11-21 call reached by stan: a plain line")
    for n in range(LIMITS["MONTH_ITEMS"] * 2):
        day = story.touch.date.replace(day=max(story.touch.date.day, 28))
        _append(root / other.path, f"- {day.isoformat()} call reached by stan: #success a newer story, number {n}")
    builder.update([slug, other.slug])
    after = builder.last[1]
    assert after.get(slug) != links.get(slug), "the new stories did not move the story; the test proves nothing"
    same(fresh_build(root, tmp_path / "fresh", monkeypatch), tree(tmp_path / "served"))
