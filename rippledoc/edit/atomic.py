"""Writing a person's file without ever losing it.

``atomic_write`` writes a temporary file beside the target, fsyncs it, keeps
the original's mode, ``os.replace``s it over the target (through a symlink to
its real file) and fsyncs the folder. ``locked`` serialises read-modify-write
cycles across processes with a lock on a separate lock file (a lock on the
data file itself is lost when the rename swaps its inode).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".rippledoc.lock"
_local = threading.local()  # .held: lock file -> how deep this thread holds it


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


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """An exclusive lock for the workspace, held on ``ROOT/.rippledoc.lock``.

    Re-entrant within a thread: a function that takes the lock may call
    another that takes it too (``flock`` on a second descriptor would wait
    for itself forever). Other threads and processes wait.
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
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    held[path] = 1
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        del held[path]


def atomic_write(path: Path, data: bytes, expect: str | None = None, create: bool = False) -> None:
    """Replace ``path`` with ``data``.

    ``expect``: the sha256 of the content the change was computed from; when
    the file now holds something else, raise ``ChangedOnDisk`` and write
    nothing. ``create``: the file must not exist yet (``FileExistsError``).
    """
    target = Path(os.path.realpath(path))
    if create and (target.exists() or Path(path).is_symlink()):
        raise FileExistsError(str(path))
    mode = new_file_mode()
    if target.exists():
        mode = target.stat().st_mode & 0o7777
        if expect is not None and digest(target.read_bytes()) != expect:
            raise ChangedOnDisk(str(path))
    elif expect is not None:
        raise ChangedOnDisk(str(path))
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if create:
            try:
                os.link(tmp, target)  # fails if someone created it meanwhile
            except FileExistsError:
                raise
            except OSError:  # a filesystem without hard links (EPERM, ENOTSUP, ...)
                _create_exclusive(target, data, mode)
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)


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
