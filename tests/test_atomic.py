"""Writing a person's file: atomic, mode kept, refused when it changed, lock re-entrant."""
import os
import threading
import time

import pytest

from rippledoc.edit.atomic import ChangedOnDisk, atomic_write, digest, locked


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


# New files and folders follow the person's umask, like any tool's.

UMASK_PROBE = """
import os, sys
os.umask(int(sys.argv[2], 8))
from pathlib import Path
from rippledoc.edit.atomic import atomic_write
from rippledoc.site.build import write_file, write_site
root = Path(sys.argv[1])
atomic_write(root / "new.md", b"x", create=True)
atomic_write(root / "replaced.md", b"x")
write_site({"index.html": b"<p>hi</p>", "clients/acme.html": b"<p>acme</p>"}, root / "_site")
write_file(root / "_site", "today.html", b"<p>today</p>")
for rel in ("new.md", "replaced.md", "_site", "_site/index.html", "_site/clients", "_site/today.html"):
    print(rel, oct((root / rel).stat().st_mode & 0o777))
"""


@pytest.mark.parametrize("umask, file_mode, folder_mode", [("077", "0o600", "0o700"), ("022", "0o644", "0o755"),
                                                           ("002", "0o664", "0o775")])
def test_new_files_and_the_built_site_follow_the_umask(tmp_path, umask, file_mode, folder_mode):
    import subprocess
    import sys
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", UMASK_PROBE, str(tmp_path), umask], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    modes = dict(line.split() for line in out.splitlines())
    assert modes == {"new.md": file_mode, "replaced.md": file_mode, "_site": folder_mode,
                     "_site/index.html": file_mode, "_site/clients": folder_mode, "_site/today.html": file_mode}


# Creating a file on a filesystem without hard links (some network and FUSE filesystems).

@pytest.mark.parametrize("errno_name", ["EPERM", "ENOTSUP", "EXDEV"])
def test_create_works_where_hard_links_do_not(tmp_path, monkeypatch, errno_name):
    import errno

    def no_links(src, dst, *a, **k):
        raise OSError(getattr(errno, errno_name), os.strerror(getattr(errno, errno_name)))
    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "acme.md"
    atomic_write(path, b"---\nname: Acme\n---\n", create=True)
    assert path.read_bytes() == b"---\nname: Acme\n---\n"
    assert [p.name for p in tmp_path.iterdir()] == ["acme.md"]  # no temporary file left
    with pytest.raises(FileExistsError):
        atomic_write(path, b"theirs", create=True)
    assert path.read_bytes() == b"---\nname: Acme\n---\n"


def test_without_hard_links_a_file_created_meanwhile_is_still_never_overwritten(tmp_path, monkeypatch):
    import errno
    path = tmp_path / "acme.md"

    def someone_else_first(src, dst, *a, **k):
        path.write_bytes(b"written by an editor meanwhile")
        raise PermissionError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(os, "link", someone_else_first)
    with pytest.raises(FileExistsError):
        atomic_write(path, b"ours", create=True)
    assert path.read_bytes() == b"written by an editor meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["acme.md"]
