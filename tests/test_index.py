"""The derived index (.rippledoc-cache/index.sqlite): today, due and check say the same with it, without it,
warm, and after one file is edited, even within the same second; its rows are written one at a time."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.book import loader
from rippledoc.cli.app import main
from rippledoc.read.cache import CACHE_DIR

TODAY = "2026-11-22"
COMMANDS = (("today",), ("due", "--json", "--days", "7"), ("check", "--json"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.generate import generate
    root = tmp_path_factory.mktemp("index") / "book"
    generate(root, 200)
    for path in (root / "clients").iterdir():  # written an hour ago: not within the racy two seconds of a row
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 3_600_000_000_000))
    return root


def answers(root: Path, monkeypatch: pytest.MonkeyPatch, cache: bool = True) -> dict[str, str]:
    """What each command prints, each run as a new process would (nothing kept in memory)."""
    out = {}
    if cache:
        monkeypatch.delenv("RIPPLEDOC_NO_CACHE", raising=False)
    else:
        monkeypatch.setenv("RIPPLEDOC_NO_CACHE", "1")
    for argv in COMMANDS:
        loader._MEMORY.clear()
        r = CliRunner().invoke(main, ["-C", str(root), *argv, "--today", TODAY])
        assert r.exception is None or isinstance(r.exception, SystemExit), r.output
        out[" ".join(argv)] = r.output
    monkeypatch.delenv("RIPPLEDOC_NO_CACHE", raising=False)
    return out


def rows(root: Path) -> dict[str, int]:
    db = sqlite3.connect(root / CACHE_DIR / "index.sqlite")
    return dict(db.execute("SELECT name, written_ns FROM files").fetchall())


def test_cached_and_uncached_runs_say_the_same(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(generated / CACHE_DIR, ignore_errors=True)
    plain = answers(generated, monkeypatch, cache=False)
    assert "Commitments" in plain["today"] and '"items"' in plain["due --json --days 7"]
    assert answers(generated, monkeypatch) == plain  # cold: the index is written
    assert len(rows(generated)) == 200
    assert answers(generated, monkeypatch) == plain  # warm: from the index


def test_an_edit_is_seen_and_rewrites_one_row(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers(generated, monkeypatch)
    before = rows(generated)
    path = sorted((generated / "clients").iterdir())[3]
    text = path.read_text()
    # a promised call back for today: it heads the plan and the due list
    path.write_text(text.rstrip("\n") + f"\n- {TODAY} call voicemail by stan: left a message. next: {TODAY}\n")
    after = answers(generated, monkeypatch)
    assert after == answers(generated, monkeypatch, cache=False)
    name = f"clients/{path.name}"
    changed = {n for n, t in rows(generated).items() if before.get(n) != t}
    assert changed == {name}  # one row written, not the whole index
    path.write_text(text)
    assert answers(generated, monkeypatch) == answers(generated, monkeypatch, cache=False)


def test_an_edit_within_the_same_second_is_seen(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git's racy rule: same size, same mtime, new bytes, written just after the row."""
    path = next(p for p in sorted((generated / "clients").iterdir()) if "grade: top" in p.read_text())
    os.utime(path)  # edited just now: its row is written within the same two seconds
    answers(generated, monkeypatch)
    st = path.stat()
    text = path.read_text()
    path.write_text(text.replace("grade: top", "grade: two", 1))  # the same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # and, as within one clock tick, the same mtime
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert answers(generated, monkeypatch) == answers(generated, monkeypatch, cache=False)
    path.write_text(text)


def test_a_foreign_or_broken_index_is_ignored(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = answers(generated, monkeypatch, cache=False)
    answers(generated, monkeypatch)
    db = sqlite3.connect(generated / CACHE_DIR / "index.sqlite")
    db.execute("UPDATE files SET head = CAST(replace(CAST(head AS TEXT), 'stan', 'xavi') AS BLOB)")
    db.commit()
    db.close()
    assert answers(generated, monkeypatch) == plain  # the rows fail their seals: parsed again
    db = sqlite3.connect(generated / CACHE_DIR / "index.sqlite")
    db.execute("UPDATE files SET stories = CAST('[]' AS BLOB)")  # a column no longer the one its row was sealed with
    db.commit()
    db.close()
    assert answers(generated, monkeypatch) == plain  # each client's stories made anew from its log
    (generated / CACHE_DIR / "index.sqlite").write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (generated / CACHE_DIR / f"index.sqlite{suffix}").unlink(missing_ok=True)
    assert answers(generated, monkeypatch) == plain
    assert answers(generated, monkeypatch) == plain


_FORKED: list[object] = []  # what a forked worker inherits, not sent to it


def _log_length(i: int) -> int:
    return len(_FORKED[0].clients[i].log)  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_worker_reads_what_the_index_left_for_later(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site renders in forked workers: a client's log first read there comes through a connection of its own."""
    import multiprocessing
    from rippledoc.book.indexed import IndexedClient
    from rippledoc.book.loader import load_book
    answers(generated, monkeypatch)
    loader._MEMORY.clear()
    ws = load_book(generated)
    assert type(ws.clients[7]) is IndexedClient
    _FORKED[:] = [ws]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        there = pool.apply(_log_length, (7,))
    _FORKED.clear()
    assert there == len(ws.clients[7].log) > 0  # and the parent's connection still serves it


def test_a_touched_file_keeps_its_row_without_a_parse(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout or a touch changes a file's mtime, not its bytes: they are hashed, not parsed again."""
    answers(generated, monkeypatch)
    path = sorted((generated / "clients").iterdir())[9]
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 3_600_000_000_000))
    parsed: list[str] = []
    real = loader.parse_client
    monkeypatch.setattr(loader, "parse_client", lambda src, *a: parsed.append(src.path) or real(src, *a))
    before = rows(generated)[f"clients/{path.name}"]
    cached = answers(generated, monkeypatch)
    assert parsed == []  # hashed, found the same, not parsed
    assert rows(generated)[f"clients/{path.name}"] > before  # its row, sealed anew under its new stat
    assert cached == answers(generated, monkeypatch, cache=False)
