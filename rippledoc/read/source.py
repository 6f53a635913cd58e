"""Reading a person's file: bounded, inside the workspace, UTF-8, any line ending.

``read_text`` turns every way a file can be unreadable into a diagnostic.
``split_front_matter`` finds the ``---`` block and says on which line each
part starts, so every later message can point at the right line.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from rippledoc.diagnostics import Diagnostic, error

DEFAULT_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Text:
    path: str  # relative to the workspace, forward slashes
    text: str  # BOM removed, CRLF kept as typed (lines are split on \n)
    raw: bytes

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# The codes of a file ``read_text`` refused (and of a folder that cannot be listed): such a file is never
# read again, not even for an excerpt, since it may be /dev/zero, a FIFO or 10 GB.
REFUSED = frozenset({"E001", "E002", "E003", "E004", "E007"})

# O_NONBLOCK: opening a FIFO that slipped in after the stat must not wait for a writer.
# O_NOFOLLOW: the path opened is already resolved; a link put there since is refused, not followed.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def read_text(root: Path, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Text | None, list[Diagnostic]]:
    """Read one file of the workspace, or say why not. Never raises for anything on disk.

    Only a regular file is opened, and only when it is within ``max_bytes``;
    the open descriptor is checked again, and at most ``max_bytes + 1``
    bytes are read, so a file swapped for a FIFO, a device or a huge file
    meanwhile is refused too, without blocking and without filling memory.
    """
    name = rel(root, path)
    try:
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            return None, [error(name, 0, 0, "E004", f"symbolic link leads out of the workspace (to {target})",
                                "copy the file into the workspace instead of linking it")]
        if path.is_symlink() and not target.exists():
            return None, [error(name, 0, 0, "E001", f"cannot read the file: the symbolic link points to a missing file "
                                f"({rel(root.resolve(), target)})", "restore the file or remove the link")]
        refused = _refuse(name, os.stat(target), max_bytes)  # before opening: a device or FIFO is never opened
        if refused:
            return None, refused
        fd = os.open(target, _OPEN_FLAGS)
        try:
            st = os.fstat(fd)
            refused = _refuse(name, st, max_bytes)
            if refused:
                return None, refused
            raw = _read_at_most(fd, max_bytes + 1, st.st_size)
        finally:
            os.close(fd)
    except RuntimeError:  # Path.resolve on a symlink loop (Python 3.11)
        return None, [error(name, 0, 0, "E001", "cannot read the file: its symbolic links form a loop",
                            "remove the link or point it at a real file")]
    except OSError as exc:
        return None, [error(name, 0, 0, "E001", f"cannot read the file: {exc.strerror or exc}",
                            "check that the file exists and that you may read it")]
    if len(raw) > max_bytes:  # grew while we looked
        return None, [error(name, 0, 0, "E003", f"file is over the limit of {_size(max_bytes)}; not read",
                            "raise limits.max_file_kb in rippledoc.yaml if this is intended")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [error(name, 0, 0, "E002", "file is UTF-16 text, not UTF-8", "save the file as UTF-8")]
    if b"\x00" in raw:
        return None, [error(name, 0, 0, "E002", "file looks binary (it contains NUL bytes)",
                            "client and ritual files are UTF-8 text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        line = raw.count(b"\n", 0, exc.start) + 1
        before = raw[start:exc.start].decode("utf-8", errors="replace").removeprefix("\ufeff")
        shown = raw[start:end if end >= 0 else len(raw)].decode("utf-8", errors="replace").removeprefix("\ufeff")
        problem = error(name, line, len(before) + 1, "E002",
                        f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                        "save the file as UTF-8 (it may be Latin-1 or Windows-1252)")
        return None, [problem.with_excerpt(shown)]  # the file is not read again to show its line
    if text.startswith("\ufeff"):
        text = text[1:]
    return Text(name, text, raw), []


def read_regular(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of a regular file of at most ``max_bytes``, or None (not one, a link, too large, unreadable).

    For files rippledoc keeps for itself (the cache): opened without following
    a link and without waiting on a FIFO, checked on the open descriptor, and
    never read past the limit. Never raises for anything on disk.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        raw = _read_at_most(fd, max_bytes + 1, st.st_size)
    except OSError:
        return None
    finally:
        os.close(fd)
    return raw if len(raw) <= max_bytes else None


def _refuse(name: str, st: os.stat_result, max_bytes: int) -> list[Diagnostic]:
    """Why a file of this stat is not read: not a regular file, or larger than ``max_bytes``; [] to read it."""
    if not stat.S_ISREG(st.st_mode):
        return [error(name, 0, 0, "E001", "cannot read the file: it is not a regular file",
                      "move it out of the workspace's folders")]
    if st.st_size > max_bytes:
        size, limit = _sizes(st.st_size, max_bytes)
        return [error(name, 0, 0, "E003", f"file is {size}, over the limit of {limit}; not read",
                      "raise limits.max_file_kb in rippledoc.yaml if this is intended")]
    return []


def _read_at_most(fd: int, limit: int, expect: int = 0) -> bytes:
    """Up to ``limit`` bytes of an open file, however short each read is; ``expect`` (its size when it was
    looked at) makes the usual case one read, without copying."""
    chunks: list[bytes] = []
    left = limit
    size = max(expect + 1, 1 << 16)
    while left > 0:
        chunk = os.read(fd, min(left, size, 1 << 30))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines, each keeping its own ending (``\\n`` or ``\\r\\n``); the last may have none."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n >= 1024 else f"{n:,} bytes"


def _sizes(n: int, limit: int) -> tuple[str, str]:
    """A size and the limit it exceeds, in KiB, or in bytes when KiB would show the same number for both."""
    if _size(n) == _size(limit):
        return f"{n:,} bytes", f"{limit:,} bytes"
    return _size(n), _size(limit)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    yaml_text: str  # the text between the fences
    yaml_line: int  # file line of the first line of yaml_text
    body: str  # everything after the closing fence
    body_line: int  # file line on which the body starts
    close_line: int  # file line of the closing fence


def _fence(line: str) -> bool:
    return line.rstrip() == "---"


def split_front_matter(src: Text) -> tuple[FrontMatter | None, list[Diagnostic]]:
    lines = src.text.split("\n")
    if not src.text.strip():
        return None, [error(src.path, 0, 0, "E005", "file is empty",
                            "start it with a front matter block: '---', 'name: …', '---'")]
    if not _fence(lines[0]):
        later = next((i + 1 for i, line in enumerate(lines[:50]) if _fence(line)), None)
        hint = (f"the '---' on line {later} must be the very first line of the file" if later
                else "start the file with '---', the fields, then '---'")
        return None, [error(src.path, 1, 1, "E010", "front matter is missing: the first line must be '---'", hint)]
    for i in range(1, len(lines)):
        if _fence(lines[i]) or lines[i].rstrip("\r") == "...":
            yaml_text = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1:])
            return FrontMatter(yaml_text, 2, body, i + 2, i + 1), []
    return None, [error(src.path, 1, 1, "E011", "front matter is not closed: no second '---' line",
                        "add a line '---' after the last field")]


def skipped(name: str) -> bool:
    """A name the loader never reads: hidden files and editors' leftovers (``.x.swp``, ``~x``, ``#x#``, ``x~``)."""
    return name.startswith((".", "~", "#")) or name.endswith("~")


def list_files(root: Path, folder: Path, suffix: str = ".md") -> tuple[list[Path], list[Diagnostic]]:
    """Files of a folder, sorted, skipping hidden files and editor leftovers; or why the folder cannot be read.

    A missing folder has no files. One that exists but cannot be listed
    (no permission, a file of that name, a link loop) is an E007 naming it.
    """
    entries, diags = _scan(root, folder)
    out = []
    for entry in entries:
        name = entry.name
        if skipped(name) or not name.endswith(suffix):
            continue
        try:
            wanted = entry.is_symlink() or entry.is_file()
        except OSError:  # e.g. a symlink loop: read_text reports it
            wanted = True
        if wanted:
            out.append(entry)
    # in one folder the paths sort as their names do; sorting the names is ten times faster at 10,000 files
    out.sort(key=lambda e: e.name)
    return [Path(e.path) for e in out], diags


def list_folders(root: Path, folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The folders in a folder (not hidden ones), sorted; or why the folder cannot be read (E007)."""
    entries, diags = _scan(root, folder)
    out = []
    for entry in entries:
        try:
            if not entry.name.startswith(".") and entry.is_dir():
                out.append(Path(entry.path))
        except OSError:
            continue
    return sorted(out), diags


def iter_files(folder: Path, suffix: str = ".md") -> list[Path]:
    """``list_files`` without the diagnostics, for a folder the loader has already reported on."""
    return list_files(folder, folder, suffix)[0]


def _scan(root: Path, folder: Path) -> tuple[list[os.DirEntry], list[Diagnostic]]:
    try:
        with os.scandir(folder) as it:
            return list(it), []
    except FileNotFoundError:
        if not folder.is_symlink():
            return [], []  # no such folder: nothing in it
        why, hint = "it is a symbolic link to a missing folder", "restore the folder or remove the link"
    except NotADirectoryError:
        why, hint = "it is a file, not a folder", f"rename the file; {rel(root, folder)} must be a folder"
    except PermissionError:
        why, hint = "permission denied", f"let yourself read it: chmod u+rx {rel(root, folder)}"
    except OSError as exc:  # a symbolic link loop, an I/O error
        why, hint = str(exc.strerror or exc).lower(), "check the folder and its symbolic links"
    return [], [error(rel(root, folder), 0, 0, "E007", f"cannot read the folder: {why}", hint)]
