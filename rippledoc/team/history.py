"""The git history of the workspace's files: the date and message of each commit that touched each.

One ``git log`` for the whole folder, with renames followed (a commit that
renamed ``old.md`` to ``new.md`` hands old's earlier history to new), and one
``git status`` for the files not committed yet. Outside a repository, or
without git installed, there is no history and no error: pages say so.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

_COMMIT, _SEP = "\x1e", "\x1f"


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: date
    author: str
    subject: str


@dataclass(frozen=True)
class History:
    commits: dict[str, list[Commit]] = field(default_factory=dict)  # path -> newest first
    uncommitted: frozenset[str] = frozenset()

    def of(self, path: str) -> list[Commit]:
        return self.commits.get(path, [])


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def in_repository(root: Path) -> bool:
    out = _git(root, "rev-parse", "--is-inside-work-tree")
    return out is not None and out.strip() == "true"


def parse_log(text: str, prefix: str = "") -> dict[str, list[Commit]]:
    """Parse ``git log --name-status -M`` output (newest first) into path -> commits, renames followed."""
    commits: dict[str, list[Commit]] = {}
    current_name: dict[str, str] = {}  # a path as it was named then -> its name now
    for block in text.split(_COMMIT)[1:]:
        head, _, files = block.partition("\n")
        parts = head.split(_SEP)
        if len(parts) != 4:
            continue
        try:
            commit = Commit(parts[0], date.fromisoformat(parts[1]), parts[2], parts[3])
        except ValueError:
            continue
        for line in files.splitlines():
            fields = line.split("\t")
            if len(fields) < 2:
                continue
            if fields[0].startswith(("R", "C")) and len(fields) == 3:
                old, new = fields[1], fields[2]
                now = current_name.get(new, new)
                commits.setdefault(now, []).append(commit)
                if fields[0].startswith("R"):
                    current_name[old] = now
            else:
                now = current_name.get(fields[1], fields[1])
                commits.setdefault(now, []).append(commit)
    return {p[len(prefix):] if p.startswith(prefix) else p: cs for p, cs in commits.items()}


def state(root: Path) -> str | None:
    """What the history and the uncommitted files depend on beside the files themselves: the commit checked
    out and git's index (its stat). '' outside a repository; None when git cannot tell (no commit yet)."""
    if not in_repository(root):
        return ""
    out = _git(root, "rev-parse", "HEAD", "--git-path", "index")
    if out is None:
        return None
    head, _, index = out.strip().partition("\n")
    try:
        st = os.stat(Path(root) / index)
    except OSError:
        return None
    return f"{head} {st.st_size} {st.st_mtime_ns} {st.st_ino}"


def load_history(root: Path, folders: tuple[str, ...] = ("clients", "rituals")) -> History | None:
    """Commits touching the files of ``folders``; None outside a git repository."""
    if not in_repository(root):
        return None
    prefix = (_git(root, "rev-parse", "--show-prefix") or "").strip()
    out = _git(root, "-c", "core.quotepath=off", "log", "-M", "--name-status", "--date=short",
               f"--format={_COMMIT}%H{_SEP}%ad{_SEP}%an{_SEP}%s", "--", *folders)
    status = _git(root, "-c", "core.quotepath=off", "status", "--porcelain", "--untracked-files=all", "--", *folders)
    dirty = set()
    for line in (status or "").splitlines():
        path = line[3:].split(" -> ")[-1]
        dirty.add(path)
    return History(parse_log(out or "", prefix), frozenset(dirty))
