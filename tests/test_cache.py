"""The content cache in .rippledoc-cache/: the same answers with it or without it, never trusted blindly."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from conftest import TODAY, write
from rippledoc.read import cache as cache_mod
from rippledoc.read.cache import CACHE_DIR
from rippledoc.book import loader
from conftest import load_workspace



def load(root: Path, today: date | None = None):
    """A load from the files and the cache folder, as a new process does (not from this process's memory)."""
    loader._MEMORY.clear()
    return load_workspace(root, today)


BOOK = {
    "rippledoc.yaml": """
        title: Ripple Consulting — client book
        me: stan
        timezone: America/New_York
        team:
          stan: {name: Stan Ortiz, email: stan@ripple.example}
          priya: {name: Priya Shah}
    """,
    "clients/northwind-traders.md": """
        ---
        name: Northwind Traders
        contact: Ana Ruiz
        phone: "+1 312 555 0142"
        timezone: America/Chicago
        hours: "08:00-16:30"
        since: 2017-03-01
        owner: stan
        level: key
        grade: top
        cadence: 30d
        products: [hosting, backup]
        sales:
          - {date: 2026-02-10, amount: 4200, what: Backup upgrade}
        commitments:
          - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}
          - {made: 2026-09-01, due: 2026-09-15, what: Fix the VPN, done: 2026-09-12}
        custom:
          account_no: "A-1042"
          contacts: {billing: Joe, it: [Kim, Lee]}
        ---
        They want no surprises on the invoice.

        ## Log
        - 2026-11-02 call reached by stan: loved the dashboard. #success solved B and C with us
        - 2026-11-20 call voicemail by stan: said I'd call back Tuesday. next: 2026-11-24
    """,
    "clients/harbor-lane-bakery.md": """
        ---
        name: Harbor Lane Bakery
        phone: 0700123
        since: 2027-01-05
        owner: omar
        grade: tree
        commitments:
          - {made: 2026-10-01, due: 2026-10-20, what: Quote the ovens, done: 2026-12-24}
        ---
        ## Log
        - 2026-11-30 call reached by priya: a touch dated after today
        - 2026-13-01 call: not a date
        - 2026-11-01 call by priya: hello @lena
    """,
    "clients/broken.md": "no front matter here\n",
    "rituals/connection.md": """
        ---
        name: Connection metrics
        cadence: weekly
        metrics:
          - {key: solve, label: Our services solve their problems}
          - {key: like, label: They like us}
        ---
        Score each major client.
    """,
    "rituals/connection/2026-W47.md": """
        ---
        date: 2026-11-16
        clients:
          northwind-traders: {solve: 4, like: 5}
          harbor-lane-bakery: {solve: 9}
          nobody: {solve: 3, like: 3}
        ---
        A quiet hour.
    """,
}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write(tmp_path, BOOK)


def uncached(root: Path, today: date | None, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as m:
        m.setenv("RIPPLEDOC_NO_CACHE", "1")
        return load(root, today)


def entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR).rglob("*.entry"))


def test_cold_warm_and_uncached_loads_are_equal(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = uncached(book, TODAY, monkeypatch)
    assert not (book / CACHE_DIR).exists()
    cold = load(book, TODAY)
    assert len(entries(book)) == 4  # three client files and one record
    warm = load(book, TODAY)
    assert plain == cold == warm
    codes = sorted(d.code for d in warm[1])
    assert codes == sorted(["E010", "W102", "E108", "E302", "E103", "W103", "E203", "E102", "W200",
                            "E402", "E303", "W400", "W104"])  # every kind of problem survives the cache


@pytest.mark.parametrize("today", [None, date(2026, 11, 1), TODAY, date(2026, 11, 25), date(2028, 1, 1)])
def test_the_checks_against_today_follow_today_not_the_cache(book: Path, today: date | None,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    load(book, TODAY)  # the cache is written on another day
    assert load(book, today) == uncached(book, today, monkeypatch)


def test_a_corrupt_entry_is_ignored_and_rewritten(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load(book, TODAY)
    for i, entry in enumerate(entries(book)):
        data = entry.read_bytes()
        entry.write_bytes([b"", data[: len(data) // 2], data.replace(b"Northwind", b"Southwind"),
                           b"\xff\xfe garbage"][i % 4])
    assert load(book, TODAY) == expected
    assert load(book, TODAY) == expected


def test_an_entry_sealed_right_but_of_the_wrong_shape_is_ignored(book: Path) -> None:
    expected = load(book, TODAY)
    for entry in entries(book):
        key = entry.read_text().split("\n", 1)[0]
        for payload in ('[["not", "a", "client"], [], null]', '[null, [["a", 1, 1, "fatal", "E1", "m", ""]], null]',
                        '[null, [], 42]', '{"a": 1}'):
            entry.write_text(f"{key}\n{cache_mod.seal(key, payload)}\n{payload}")
            assert load(book, TODAY) == expected


def test_an_entry_written_elsewhere_is_not_trusted(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache committed to git or copied from another machine: well-formed, but not sealed with this user's key."""
    expected = load(book, TODAY)
    target = book / "clients/northwind-traders.md"
    entry = next(e for e in entries(book) if "Northwind" in e.read_text())
    key, _, payload = entry.read_text().split("\n", 2)
    forged = payload.replace("Northwind Traders", "Forged Name")
    monkeypatch.setattr(cache_mod, "_SECRET", b"another machine's key, 32 bytes!")
    entry.write_text(f"{key}\n{cache_mod.seal(key, forged)}\n{forged}")
    monkeypatch.setattr(cache_mod, "_SECRET", None)
    assert load(book, TODAY) == expected
    assert "Forged" not in target.read_text()
    assert load(book, TODAY) == expected


def test_a_foreign_entry_is_not_trusted(book: Path) -> None:
    """An entry copied under another file's key (same folder, other bytes) is refused by the key it names."""
    expected = load(book, TODAY)
    found = entries(book)
    first = found[0].read_bytes()
    for entry in found[1:]:
        entry.write_bytes(first)
    assert load(book, TODAY) == expected


def test_a_changed_file_is_read_again(book: Path) -> None:
    ws, _ = load(book, TODAY)
    assert ws.client("northwind-traders").grade == "top"
    path = book / "clients/northwind-traders.md"
    path.write_text(path.read_text().replace("grade: top", "grade: two"))
    ws, _ = load(book, TODAY)
    assert ws.client("northwind-traders").grade == "two"


def test_a_new_rippledoc_version_invalidates(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(book, TODAY)
    before = set(entries(book))
    import rippledoc
    monkeypatch.setattr(rippledoc, "__version__", "99.0.0")
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", None)
    ws, _ = load(book, TODAY)
    after = set(entries(book))
    assert before.isdisjoint(after - before) and len(after - before) == 4
    assert ws.client("northwind-traders").name == "Northwind Traders"


def test_the_code_that_decides_a_parse_is_in_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every module the fingerprint names exists (a moved module would be hashed by its name alone,
    and a changed parser would then serve the old parses)."""
    package = Path(cache_mod.__file__).parent.parent
    assert all((package / f"{name}.py").is_file() for name in cache_mod._CODE)
    assert {"parse/client", "parse/ritual", "parse/grammar/touch", "parse/conflicts"} <= set(cache_mod._CODE)
    before = cache_mod._code_fingerprint()
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: real(p) + (b"# changed" if p.name == "client.py" else b""))
    assert cache_mod._code_fingerprint() != before


def test_changed_settings_invalidate_the_clients(book: Path) -> None:
    ws, _ = load(book, TODAY)
    before = set(entries(book))
    assert ws.client("harbor-lane-bakery").timezone == ""  # the file gives none: unknown, not the workspace's
    settings = book / "rippledoc.yaml"
    settings.write_text(settings.read_text().replace("America/New_York", "Europe/London"))
    ws, _ = load(book, TODAY)
    assert ws.settings.timezone == "Europe/London" and len(set(entries(book)) - before) == 3  # read again
    assert ws.client("harbor-lane-bakery").timezone == "" and ws.client("northwind-traders").timezone == \
        "America/Chicago"


def test_the_cache_is_safe_to_delete(book: Path) -> None:
    expected = load(book, TODAY)
    import shutil
    shutil.rmtree(book / CACHE_DIR)
    assert load(book, TODAY) == expected


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only folder")
def test_an_unwritable_cache_only_makes_it_slower(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (book / CACHE_DIR).mkdir()
    (book / CACHE_DIR).chmod(0o500)
    try:
        assert load(book, TODAY) == uncached(book, TODAY, monkeypatch)
    finally:
        (book / CACHE_DIR).chmod(0o700)


def test_an_unwritable_cache_folder_path_only_makes_it_slower(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (book / CACHE_DIR).write_text("a file where the folder should be")
    assert load(book, TODAY) == uncached(book, TODAY, monkeypatch)


def test_a_cold_load_over_worker_processes_equals_the_serial_one(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.generate import generate
    generate(tmp_path, 240)
    path = next((tmp_path / "clients").iterdir())
    path.write_text(path.read_text().replace("level:", "level: middle\nlevel:"))  # one broken file
    with monkeypatch.context() as m:
        m.setenv("RIPPLEDOC_JOBS", "1")
        serial = uncached(tmp_path, TODAY, monkeypatch)
    monkeypatch.setenv("RIPPLEDOC_JOBS", "2")
    from rippledoc.read import parallel
    calls = []
    real = parallel.map_chunks
    monkeypatch.setattr(parallel, "map_chunks", lambda fn, items: calls.append(len(items)) or real(fn, items))
    pooled = load(tmp_path, TODAY)  # cold: no cache folder yet, so the pool does the work
    assert calls == [240] and len(entries(tmp_path)) >= 240
    assert pooled == serial
    assert load(tmp_path, TODAY) == serial
    assert len(serial[0].clients) == 240 and sorted(d.code for d in serial[1]) == ["E016", "E103"]


def test_a_long_running_process_reuses_what_it_decoded_and_still_sees_edits(book: Path) -> None:
    first = load(book, TODAY)
    for entry in entries(book):
        entry.write_bytes(b"damaged")
    assert load_workspace(book, TODAY) == first  # from memory: the damaged entries are not even read
    path = book / "clients/northwind-traders.md"
    path.write_text(path.read_text().replace("grade: top", "grade: two"))
    ws, _ = load_workspace(book, TODAY)
    assert ws.client("northwind-traders").grade == "two"


def test_after_a_new_version_the_whole_book_is_parsed_again_over_workers(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.generate import generate
    from rippledoc.read import parallel
    generate(tmp_path, 240)
    monkeypatch.setenv("RIPPLEDOC_JOBS", "2")
    before = load(tmp_path, TODAY)
    import rippledoc
    monkeypatch.setattr(rippledoc, "__version__", "99.0.0")
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", None)
    calls = []
    real = parallel.map_chunks
    monkeypatch.setattr(parallel, "map_chunks", lambda fn, items: calls.append(len(items)) or real(fn, items))
    assert load(tmp_path, TODAY) == before
    assert calls == [240]  # every entry was stale: the workers parsed them, not this process alone


# --- the index: unchanged files known by their stat, git's racy-file rule ------------------------------

def pack(root: Path) -> Path:
    return root / CACHE_DIR / "index.sqlite"


def age(root: Path, seconds: int) -> None:
    """Date every client file ``seconds`` back, as files edited long before the cache was written."""
    for path in (root / "clients").iterdir():
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The client files whose bytes a load hashes."""
    seen: list[str] = []
    real = loader.entry_key
    monkeypatch.setattr(loader, "entry_key", lambda path, raw, salt: (path.startswith("clients/") and seen.append(path))
                        or real(path, raw, salt))
    return seen


def test_a_warm_load_knows_unchanged_files_by_their_stat_alone(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(book, 3600)
    expected = load(book, TODAY)
    assert pack(book).is_file()
    seen = reads(monkeypatch)
    assert load(book, TODAY) == expected
    assert seen == []  # no client file was read, let alone parsed


def test_a_file_changed_close_to_the_packs_writing_is_checked_by_its_bytes(book: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Git's racy-file rule: within two seconds of the pack, the same size and mtime do not prove the same bytes."""
    age(book, 3600)
    path = book / "clients/northwind-traders.md"
    os.utime(path)  # edited just now: racy
    load(book, TODAY)
    before = path.stat()
    path.write_text(path.read_text().replace("grade: top", "grade: two"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and, as within one clock tick, the same mtime
    assert path.stat().st_size == before.st_size and path.stat().st_ino == before.st_ino
    seen = reads(monkeypatch)
    ws, _ = load(book, TODAY)
    assert ws.client("northwind-traders").grade == "two"
    assert seen[0] == "clients/northwind-traders.md"  # hashed because racy, then parsed again as changed
    assert set(seen) == {"clients/northwind-traders.md"}


def test_a_racy_entry_is_rewritten_once_it_is_old_enough(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(book, 3600)
    path = book / "clients/northwind-traders.md"
    os.utime(path)
    expected = load(book, TODAY)
    seen = reads(monkeypatch)
    assert load(book, TODAY) == expected and seen == ["clients/northwind-traders.md"]  # racy: hashed, unchanged
    age(book, 10)  # the same file, now ten seconds older than its row says it was written
    import sqlite3
    written = sqlite3.connect(pack(book)).execute("SELECT max(written_ns) FROM files").fetchone()[0]
    monkeypatch.setattr(loader, "time_ns", lambda: written + 30_000_000_000)
    assert load(book, TODAY) == expected  # the stat changed (older mtime): read again and its row written anew
    seen.clear()
    assert load(book, TODAY) == expected and seen == []


def test_a_changed_stat_reads_the_file_again(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(book, 3600)
    load(book, TODAY)
    path = book / "clients/northwind-traders.md"
    path.write_text(path.read_text().replace("Ana Ruiz", "Ana Ruiz-Soto"))
    seen = reads(monkeypatch)
    ws, _ = load(book, TODAY)
    assert ws.client("northwind-traders").contact == "Ana Ruiz-Soto" and seen == ["clients/northwind-traders.md"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign key", "empty"])
def test_a_damaged_or_foreign_pack_is_ignored(book: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    import sqlite3
    age(book, 3600)
    expected = load(book, TODAY)
    db = sqlite3.connect(pack(book))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = pack(book).read_bytes()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data = data.replace(b"Northwind Traders", b"Southwind Traders")
        assert b"Southwind Traders" in data
    elif damage == "foreign key":  # well-formed, sealed by another machine's key, with a forged name
        monkeypatch.setattr(cache_mod, "_SECRET", b"another machine's key, 32 bytes!")
        path = book / "clients/northwind-traders.md"
        text = path.read_text()
        path.write_text(text.replace("Northwind Traders", "Forged Name"))
        age(book, 3600)
        st = path.stat()
        load(book, TODAY)  # the forged row, sealed under the other key
        path.write_text(text)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # the file as it was, with the stat the row names
        monkeypatch.setattr(cache_mod, "_SECRET", None)
        db = sqlite3.connect(pack(book))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        data = pack(book).read_bytes()
        assert b"Forged Name" in data
    else:
        data = b""
    for suffix in ("-wal", "-shm"):
        pack(book).with_name(pack(book).name + suffix).unlink(missing_ok=True)
    pack(book).write_bytes(data)
    assert load(book, TODAY) == expected
    assert load(book, TODAY) == expected
