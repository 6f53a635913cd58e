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


# Compare-and-swap: a save another program makes while rippledoc writes is never overwritten.

import subprocess  # noqa: E402
import sys  # noqa: E402

from rippledoc.edit import atomic  # noqa: E402

OLD = b"---\nname: Acme\n---\n## Log\n"


def save_in_place(path, data):
    with open(path, "wb") as fh:  # what most editors and `cat > file` do
        fh.write(data)


def save_by_rename(path, data):
    tmp = path.with_name(path.name + ".editor-save")  # what careful editors and sync clients do
    tmp.write_bytes(data)
    os.replace(tmp, path)


def append_line(path, data):
    with open(path, "ab") as fh:  # what a phone's notes app or `echo >> file` does
        fh.write(data[len(OLD):])


SAVES = {"in place": save_in_place, "by rename": save_by_rename, "appended": append_line}


def once(fn, then=lambda *args: None):
    """``fn`` on the first call (the first fsync is the new copy's), ``then`` on the later ones."""
    calls = []

    def wrapper(*args):
        calls.append(1)
        return (fn if len(calls) == 1 else then)(*args)
    return wrapper


def files_in(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("style", SAVES)
def test_a_save_made_while_the_new_copy_is_being_written_is_kept(tmp_path, monkeypatch, style):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    theirs = OLD + b"- 2026-11-20 call reached: saved by the editor meanwhile\n"
    real_fsync = os.fsync

    def slow_fsync(fd):  # the window the strace delay opened: the editor saves while rippledoc syncs its copy
        real_fsync(fd)
        SAVES[style](path, theirs)
    monkeypatch.setattr(os, "fsync", once(slow_fsync))
    with pytest.raises(ChangedOnDisk):
        atomic_write(path, OLD + b"- 2026-11-22 call reached: ours\n", expect=digest(OLD))
    assert path.read_bytes() == theirs
    assert files_in(tmp_path) == ["acme.md"]


@pytest.mark.parametrize("style", SAVES)
def test_update_makes_the_change_again_on_the_save_that_came_in_between(tmp_path, monkeypatch, style):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    theirs = OLD + b"- 2026-11-20 call reached: theirs\n"
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", once(lambda fd: (real_fsync(fd), SAVES[style](path, theirs))))
    seen = []

    def add_ours(raw):
        seen.append(raw)
        return raw + b"- 2026-11-22 call reached: ours\n"
    atomic.update(path, add_ours)
    assert path.read_bytes() == theirs + b"- 2026-11-22 call reached: ours\n"
    assert seen == [OLD, theirs]  # read again, changed again
    assert files_in(tmp_path) == ["acme.md"]


def test_a_save_by_rename_just_before_the_swap_is_swapped_back(tmp_path, monkeypatch):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    theirs = OLD + b"- 2026-11-20 call reached: theirs\n"
    real = atomic.exchange

    def late_save(a, b):  # after rippledoc compared, before it swapped
        save_by_rename(path, theirs)
        return real(a, b)
    monkeypatch.setattr(atomic, "exchange", once(late_save, real))
    with pytest.raises(ChangedOnDisk):
        atomic_write(path, OLD + b"ours\n", expect=digest(OLD))
    assert path.read_bytes() == theirs
    assert files_in(tmp_path) == ["acme.md"]


WRITER = """
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)  # opened before the swap: the old file, wherever it goes
os.write(fd, sys.argv[2].encode())
os.close(fd)
"""


def start_writer(path, line):
    """Another program that opens ``path`` to append ``line``; returns once its open is under way."""
    ino = os.stat(path).st_ino
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), line])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # its open waits on rippledoc's lease: /proc/locks says so
        with open("/proc/locks") as fh:
            if any("BREAKING" in l and l.split()[5].endswith(f":{ino}") for l in fh if len(l.split()) > 5):
                return proc
        if proc.poll() is not None:
            return proc  # no lease (not granted here): it has written already
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("the writer never started")


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux leases")
def test_an_editor_that_opened_the_file_before_the_swap_keeps_its_save(tmp_path, monkeypatch):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    real = atomic.exchange
    writers = []

    def opened_meanwhile(a, b):
        writers.append(start_writer(path, "- 2026-11-20 call reached: theirs\n"))
        return real(a, b)
    monkeypatch.setattr(atomic, "exchange", once(opened_meanwhile, real))
    atomic.update(path, lambda raw: raw + b"- 2026-11-22 call reached: ours\n")
    assert writers[0].wait(20) == 0
    assert path.read_bytes() == OLD + b"- 2026-11-20 call reached: theirs\n- 2026-11-22 call reached: ours\n"
    assert files_in(tmp_path) == ["acme.md"]


def test_where_leases_are_not_granted_the_bytes_are_compared_after_the_swap(tmp_path, monkeypatch):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    real = atomic.exchange
    monkeypatch.setattr(atomic, "_take_lease", lambda fd: False)  # another user's file, a network file system

    def written_meanwhile(a, b):
        proc = subprocess.run([sys.executable, "-c", WRITER, str(path), "theirs\n"])
        assert proc.returncode == 0
        return real(a, b)
    monkeypatch.setattr(atomic, "exchange", once(written_meanwhile, real))
    with pytest.raises(ChangedOnDisk):
        atomic_write(path, OLD + b"ours\n", expect=digest(OLD))
    assert path.read_bytes() == OLD + b"theirs\n"
    assert files_in(tmp_path) == ["acme.md"]


def test_without_an_atomic_exchange_a_plain_rename_follows_the_last_look(tmp_path, monkeypatch):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)  # an old kernel, a file system without it
    atomic_write(path, OLD + b"ours\n", expect=digest(OLD))
    assert path.read_bytes() == OLD + b"ours\n"
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", once(lambda fd: (real_fsync(fd), save_by_rename(path, b"theirs\n"))))
    with pytest.raises(ChangedOnDisk):
        atomic_write(path, b"ours again\n", expect=digest(OLD + b"ours\n"))
    assert path.read_bytes() == b"theirs\n"
    assert files_in(tmp_path) == ["acme.md"]


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux leases")
def test_two_saves_in_the_swap_keep_both_and_say_where(tmp_path, monkeypatch):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    real = atomic.exchange
    writers = []

    def two_saves(a, b):
        save_by_rename(path, b"saved by rename\n")  # comes out under the temporary name: swapped back
        done = real(a, b)
        writers.append(start_writer(path, "appended to rippledoc's copy\n"))  # into our file, while it has the name
        return done
    monkeypatch.setattr(atomic, "exchange", once(two_saves, real))
    with pytest.raises(atomic.SavedTwice) as err:
        atomic_write(path, b"ours\n", expect=digest(OLD))
    assert writers[0].wait(20) == 0
    assert path.read_bytes() == b"saved by rename\n"
    kept = err.value.kept
    assert kept.read_bytes() == b"ours\nappended to rippledoc's copy\n"
    assert files_in(tmp_path) == sorted(["acme.md", kept.name]) and not kept.name.endswith(".md")
    assert f"kept beside it as {kept.name}" in str(err.value)


def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    path = tmp_path / "acme.md"
    path.write_bytes(OLD)
    os.chmod(path, 0o444)
    for expect in (digest(OLD), None):
        with pytest.raises(atomic.ReadOnlyFile):
            atomic_write(path, b"ours\n", expect=expect)
    assert path.read_bytes() == OLD and path.stat().st_mode & 0o777 == 0o444
    assert files_in(tmp_path) == ["acme.md"]
    assert "acme.md is read-only" in atomic.write_problem("clients/acme.md", atomic.ReadOnlyFile(13, "x"))


def test_the_lock_is_skipped_where_it_cannot_be_created(tmp_path, monkeypatch):
    import errno
    real_open = os.open

    def read_only_fs(path, flags, *args):
        if str(path).endswith(atomic.LOCK_NAME):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)
    monkeypatch.setattr(os, "open", read_only_fs)
    with locked(tmp_path):
        pass  # the writes themselves then say what is wrong


KILLED = """
import sys
from pathlib import Path
from rippledoc.edit.atomic import update
path = Path(sys.argv[1])
n = 0
while True:
    n += 1
    update(path, lambda raw: (f"version {n}\\n" * 5000).encode())
"""


@pytest.mark.slow
def test_a_kill_at_any_moment_leaves_the_file_whole(tmp_path):
    import random as rnd
    import signal
    path = tmp_path / "acme.md"
    path.write_bytes(b"version 0\n" * 5000)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for trial in range(25):
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(path)], cwd=repo)
        time.sleep(0.25 + rnd.random() * 0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        lines = set(path.read_bytes().splitlines())
        assert len(lines) == 1 and path.stat().st_size == len(next(iter(lines))) * 5000 + 5000, trial
        left = [name for name in files_in(tmp_path) if name != "acme.md"]
        assert all(name.startswith(".acme.md.") and name.endswith(".tmp") for name in left), left
