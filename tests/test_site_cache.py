"""The fast paths build the same site: with or without the cache, cold, warm, over workers, incrementally."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, TODAY
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
