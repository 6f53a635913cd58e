"""Writing a person's file without ever losing it, or anyone else's save.

``atomic_write`` writes a temporary file beside the target, fsyncs it, keeps
the original's mode and swaps it in (through a symlink to its real file),
then fsyncs the folder. A kill at any moment leaves the target whole: the old
bytes or the new ones, never a mix (at worst a hidden ``.NAME.XXXX.tmp``
beside it).

With ``expect`` (the sha256 of the bytes the change was computed from) the
write is a **compare-and-swap**: the file is replaced only if it still holds
those bytes at the moment of the swap. On Linux the swap is one
``renameat2(RENAME_EXCHANGE)``: the new file takes the name and the file that
had it comes out under the temporary name, where it is checked: the same file
that was read (same inode), not opened for writing since (a read *lease* is
held on it from the comparison on; an editor saving in place breaks it) and
still holding the expected bytes. Anything else is a save that came in
meanwhile, and the two are swapped back, so it is the other program's save
that stays, and ``ChangedOnDisk`` is raised; ``update`` then re-reads and
retries the change. An editor that saves by renaming shows up as a different
inode; one that writes in place, as a broken lease (or, where leases are not
granted, as different bytes). Where the exchange is missing the check is made
just before a plain rename.

A file without write permission is never replaced (``ReadOnlyFile``).
``locked`` serialises rippledoc's own read-modify-write cycles across
processes with a lock on a separate lock file; it only saves retries: the
compare-and-swap is what keeps every save.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import hashlib
import os
import random
import signal
import stat
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".rippledoc.lock"
ATTEMPTS = 6  # how many times a change is re-read and tried again when a save keeps coming in between
BUSY_WAIT = 0.5  # seconds to wait for a program that has the file open for writing before reading it anyway
_local = threading.local()  # .held: lock file -> how deep this thread holds it
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # (0 where the system has no such flag)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _read_umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux), else set and restored."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)  # the strictest value for the instant it is in force
    os.umask(mask)
    return mask


UMASK = _read_umask()  # read once, at import


def new_file_mode() -> int:
    """The mode a new file gets: what ``open`` would give it under the person's umask."""
    return 0o666 & ~UMASK


def new_folder_mode() -> int:
    return 0o777 & ~UMASK


class ChangedOnDisk(Exception):
    """The file changed between the read and the write: nothing was written."""


class StillChanging(ChangedOnDisk):
    """The change was tried ``ATTEMPTS`` times and another program saved in between every time."""


class SavedTwice(ChangedOnDisk):
    """Two other saves came in while rippledoc swapped and one could not be put back in the file's place: it was
    kept beside the file as ``kept``. ``ours_in_file``: rippledoc's version is the one in the file."""

    def __init__(self, path: str, kept: Path, ours_in_file: bool):
        super().__init__(path)
        self.kept = kept
        self.ours_in_file = ours_in_file

    def __str__(self) -> str:
        if self.ours_in_file:
            return (f"{self.args[0]} was saved by another program while rippledoc wrote it: rippledoc's change is "
                    f"in the file, the other save is kept beside it as {self.kept.name}; compare the two and keep "
                    "what you want")
        return (f"{self.args[0]} was saved by two other programs while rippledoc wrote it, so rippledoc wrote "
                f"nothing: one save is in the file, the other is kept beside it as {self.kept.name}; compare the "
                "two and keep what you want")


class ReadOnlyFile(PermissionError):
    """The file has no write permission: rippledoc does not replace it."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_problem(path: str | Path, exc: OSError) -> str:
    """One line for a failed write of ``path``: what happened and what to do."""
    folder = Path(path).parent.as_posix() or "."
    if isinstance(exc, ReadOnlyFile):
        return (f"{path} is read-only, so rippledoc left it as it is; make it writable "
                f"(chmod u+w {path}) to let rippledoc change it")
    code = exc.errno
    if code == errno.ENOSPC:
        return f"{path}: the disk is full, nothing was written to it; free some space and run the command again"
    if code == errno.EDQUOT:
        return f"{path}: over the disk quota, nothing was written to it; free some space and run the command again"
    if code == errno.EROFS:
        return (f"{path}: the file system is read-only, nothing was written to it; "
                "make it writable (or work in a writable copy) and run the command again")
    if code in (errno.EACCES, errno.EPERM):
        return (f"{path}: permission denied, nothing was written to it; rippledoc writes a new copy beside the "
                f"file, so the folder must be writable (chmod u+w {folder})")
    return f"{path}: cannot write: {exc.strerror or exc}"


# ---------------------------------------------------------------- the workspace lock

@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """An exclusive lock for the workspace, held on ``ROOT/.rippledoc.lock``.

    Re-entrant within a thread: a function that takes the lock may call
    another that takes it too (``flock`` on a second descriptor would wait
    for itself forever). Other threads and processes wait. Where the lock
    file cannot be created (a read-only folder or file system) the work goes
    on without it: the writes themselves then say what is wrong.
    """
    path = os.path.realpath(Path(root) / LOCK_NAME)
    held: dict[str, int] = _local.__dict__.setdefault("held", {})
    if held.get(path):
        held[path] += 1
        try:
            yield
        finally:
            held[path] -= 1
        return
    fd = _open_lock(path)
    held[path] = 1
    try:
        if fcntl is not None and fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd is not None:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        del held[path]


def _open_lock(path: str) -> int | None:
    """A descriptor on the lock file (created when missing), or None where it can be neither created nor opened."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | _CLOEXEC, 0o644)
    except OSError:
        pass
    try:
        return os.open(path, os.O_RDONLY | _CLOEXEC)  # flock works on a read-only descriptor too
    except OSError:
        return None


# ---------------------------------------------------------------- the swap

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


@functools.lru_cache(maxsize=1)
def _renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    fn.restype = ctypes.c_int
    return fn


def exchange(a: str | Path, b: str | Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``, files or folders).

    False when the system or the file system cannot (nothing moved then);
    ``OSError`` for any other failure.
    """
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


class _Held:
    """A read-only descriptor on one file, with a read lease on it when the system grants one.

    While the lease is held, any program that opens the file for writing (or
    truncates it) breaks it, and waits until the lease is let go: so
    ``untouched`` can tell that nobody has started writing into the file
    since it was taken. A break is signalled with SIGURG, which is ignored
    unless a program asks for it (the default, SIGIO, would end the process).
    """

    def __init__(self, path: str | Path):
        self.fd = os.open(path, os.O_RDONLY | _CLOEXEC | _NONBLOCK)
        try:
            st = os.fstat(self.fd)
            self.ino = (st.st_dev, st.st_ino)
            self.lease = _take_lease(self.fd)
        except BaseException:
            os.close(self.fd)
            raise

    def read(self) -> bytes:
        """The whole file, from its start."""
        os.lseek(self.fd, 0, os.SEEK_SET)
        chunks = []
        while chunk := os.read(self.fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)

    def lease_intact(self) -> bool:
        """The lease is still held and unbroken: nobody has opened the file for writing since it was taken."""
        if not self.lease:
            return False
        try:
            return fcntl.fcntl(self.fd, fcntl.F_GETLEASE) == fcntl.F_RDLCK
        except OSError:
            return False

    def is_at(self, path: str | Path) -> bool:
        """This very file (not another one saved under the name) is at ``path``."""
        try:
            st = os.lstat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self.ino

    def untouched(self, path: str | Path, want: str) -> bool:
        """At ``path``, holding the bytes of digest ``want``, and (where leased) not opened for writing since."""
        if not self.is_at(path) or digest(self.read()) != want:
            return False
        return self.lease_intact() if self.lease else True

    def close(self) -> None:
        os.close(self.fd)  # lets the lease go: a program waiting to write goes on


def _take_lease(fd: int) -> bool:
    """A read lease on ``fd``; waits (up to ``BUSY_WAIT``) while another program has the file open for writing."""
    if fcntl is None or not hasattr(fcntl, "F_SETLEASE"):
        return False
    deadline = time.monotonic() + BUSY_WAIT
    while True:
        try:
            fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
        except OSError as exc:
            if exc.errno == errno.EAGAIN and time.monotonic() < deadline:  # being written right now
                time.sleep(0.005)
                continue
            return False  # not granted (another user's file, a network file system): bytes are compared instead
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETOWN, 0)  # and no signal at all from now on
        return True


def read_stable(path: str | Path) -> bytes:
    """The bytes of ``path``, read while no other program has it open for writing (where the system can tell),
    so a save in progress is never read half written."""
    held = _Held(path)
    try:
        return held.read()
    finally:
        held.close()


# ---------------------------------------------------------------- writing

def atomic_write(path: Path, data: bytes, expect: str | None = None, create: bool = False) -> None:
    """Replace ``path`` with ``data``.

    ``expect``: the sha256 of the content the change was computed from; when
    the file holds something else at the moment of the swap, raise
    ``ChangedOnDisk`` and leave it as it is. ``create``: the file must not
    exist yet (``FileExistsError``). A file without write permission raises
    ``ReadOnlyFile``.
    """
    target = Path(os.path.realpath(path))
    if create and (target.exists() or Path(path).is_symlink()):
        raise FileExistsError(str(path))
    mode = new_file_mode()
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None:
        _refuse_read_only(path, target, st)
        mode = st.st_mode & 0o7777
    elif expect is not None:
        raise ChangedOnDisk(str(path))
    folder = target.parent
    tmp = _temporary(folder, target.name, data, mode)
    mine = _inode(tmp)
    try:
        if create:
            _link_new(tmp, target, data, mode)
        elif expect is None:
            os.replace(tmp, target)
        else:
            _swap_if_unchanged(str(path), target, tmp, expect, digest(data))
    finally:
        _remove_if(tmp, mine)  # only our own file: after a swap the name may hold someone's save
    _fsync_dir(folder)


def _refuse_read_only(shown: str | Path, target: Path, st: os.stat_result) -> None:
    writable = st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    root = getattr(os, "geteuid", lambda: -1)() == 0  # root may write any file: only its mode says read-only
    if not writable or (not root and not os.access(target, os.W_OK)):
        raise ReadOnlyFile(errno.EACCES, "the file is read-only", str(shown))


def _temporary(folder: Path, name: str, data: bytes, mode: int) -> str:
    """A hidden file beside the target holding ``data``, fsynced, with ``mode``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _inode(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _remove_if(path: str, inode: tuple[int, int] | None) -> None:
    if inode is not None and _inode(path) == inode:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _link_new(tmp: str, target: Path, data: bytes, mode: int) -> None:
    try:
        os.link(tmp, target)  # fails if someone created it meanwhile
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links (EPERM, ENOTSUP, ...)
        _create_exclusive(target, data, mode)


def _swap_if_unchanged(shown: str, target: Path, tmp: str, want: str, written: str) -> None:
    """Put ``tmp`` at ``target`` only if ``target`` still holds the bytes of digest ``want``; ``ChangedOnDisk``
    (nothing replaced) when a save came first."""
    new = _Held(tmp)  # leased: tells whether someone wrote into our file while it had the name
    try:
        try:
            old = _Held(target)
        except FileNotFoundError:
            raise ChangedOnDisk(shown) from None
        try:
            if digest(old.read()) != want or (old.lease and not old.lease_intact()):
                raise ChangedOnDisk(shown)
            try:
                swapped = exchange(tmp, target)
            except FileNotFoundError:  # deleted meanwhile
                raise ChangedOnDisk(shown) from None
            if not swapped:
                if not old.untouched(target, want):  # no atomic exchange here: the last look, then a rename
                    raise ChangedOnDisk(shown)
                os.replace(tmp, target)
                return
            # target: our file; tmp: whatever had the name an instant ago
            try:
                same = old.untouched(tmp, want)
            except OSError:
                same = False
            if same:
                os.unlink(tmp)  # the file we read, as we read it, and nobody writing into it: it goes
                return
            _swap_back(shown, target, tmp, new, written)
        finally:
            old.close()
    finally:
        new.close()


def _swap_back(shown: str, target: Path, tmp: str, new: _Held, written: str) -> None:
    """A save came in between: give the name back to it and raise ``ChangedOnDisk``; ``SavedTwice`` when yet
    another save cannot be put back in its place (it is then kept beside the target)."""
    try:
        swapped = exchange(tmp, target)
    except OSError:
        swapped = False
    if not swapped:  # cannot happen where the first exchange worked; never delete what is not ours
        raise SavedTwice(shown, _keep_aside(target, tmp), ours_in_file=True)
    try:
        ours = new.untouched(tmp, written)
    except OSError:
        ours = False
    if ours:
        raise ChangedOnDisk(shown)  # our file is under the temporary name again, for the caller to delete
    raise SavedTwice(shown, _keep_aside(target, tmp), ours_in_file=False)  # our file was saved into meanwhile


def _keep_aside(target: Path, tmp: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    kept = target.with_name(f"{target.name}.conflict-{stamp}-{os.getpid()}")
    os.replace(tmp, kept)
    return kept


def update(path: Path, change: Callable[[bytes], bytes | None], attempts: int = ATTEMPTS,
           read: Callable[[Path], bytes] = read_stable) -> bytes | None:
    """Read ``path``, compute ``change(bytes)`` and write it by compare-and-swap; when another program saves in
    between, read again and recompute, up to ``attempts`` times (``StillChanging`` after that).

    ``change`` returns the new bytes, or None (or the same bytes) for nothing
    to write; it may raise to refuse. Returns what was written, or None.
    """
    for attempt in range(attempts):
        raw = read(path)
        data = change(raw)
        if data is None or data == raw:
            return None
        try:
            atomic_write(path, data, expect=digest(raw))
            return data
        except SavedTwice:
            raise
        except ChangedOnDisk:
            time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
    raise StillChanging(str(path))


def _create_exclusive(target: Path, data: bytes, mode: int) -> None:
    """Create ``target`` holding ``data``; ``FileExistsError`` when it exists (``O_EXCL``), never an overwrite."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(target, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)  # ours: created above, half written
        raise


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
