"""Writing a person's file: atomic, mode kept, refused when it changed, lock re-entrant."""
import os
import threading
import time

import pytest

from rippledoc.atomic import ChangedOnDisk, atomic_write, digest, locked


def test_a_write_replaces_the_content_and_keeps_the_mode(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old\r\n")
    os.chmod(path, 0o640)
    atomic_write(path, b"new\r\n", expect=digest(b"old\r\n"))
    assert path.read_bytes() == b"new\r\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary file left


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"edited in an editor meanwhile")
    with pytest.raises(ChangedOnDisk):
        atomic_write(path, b"ours", expect=digest(b"what we read"))
    assert path.read_bytes() == b"edited in an editor meanwhile"


def test_create_never_overwrites(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        atomic_write(path, b"theirs", create=True)
    assert path.read_bytes() == b"mine"


def test_writing_through_a_symlink_replaces_the_real_file_not_the_link(tmp_path):
    real = tmp_path / "real.md"
    real.write_bytes(b"a")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    atomic_write(link, b"b")
    assert link.is_symlink() and real.read_bytes() == b"b"


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(tmp_path):
    order = []
    with locked(tmp_path):
        with locked(tmp_path):  # a nested taker does not wait for itself
            order.append("nested")
        other = threading.Thread(target=lambda: (locked(tmp_path).__enter__(), order.append("other")))
        other.start()
        time.sleep(0.2)
        order.append("first done")
    other.join(5)
    assert order == ["nested", "first done", "other"]
