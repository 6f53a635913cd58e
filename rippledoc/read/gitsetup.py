"""How git runs rippledoc's merge driver, and whether this clone's registration can.

``git-setup`` registers one shell line (git runs a driver through ``sh``)::

    o=%O a=%A b=%B p=%P; '/abs/python' -m rippledoc merge-driver --conflict-status 3 "$o" "$a" "$b" "$p"; ...

The program is the interpreter and module that ran ``git-setup``, by its
absolute path, so the merge works in a shell where the venv is not active.
When it cannot run at all (the interpreter was removed, rippledoc is not
installed there: any exit other than 0, clean, or 3, merged with conflicts),
the line falls back to ``git merge-file``, git's own line merge, which writes
standard conflict markers into %A: git then reports a conflict and the file
shows it, and nothing is left looking merged with only our side in it. When
``git merge-file`` itself fails, both whole versions go between markers.

``driver_problem(root)`` is what ``rippledoc check`` warns about (W001): a
``.gitattributes`` that names the driver while this clone has none, or one
that cannot run, or one registered without the fallback.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DRIVER = "rippledoc"
DRIVER_NAME = "rippledoc: union of logs, front matter key by key"
# The driver's exit status for "merged, with conflicts" under the registered line: neither a shell's
# (126, 127: cannot run) nor Python's (1: an import failed, 2: a bad command line) nor click's own.
CONFLICT_STATUS = 3
_ARGS = f'merge-driver --conflict-status {CONFLICT_STATUS} "$o" "$a" "$b" "$p"'
_FALLBACK = (
    f's=$?; [ $s = 0 ] && exit 0; [ $s = {CONFLICT_STATUS} ] && exit 1; '
    'echo "rippledoc: the merge driver could not run (exit $s): $p is merged line by line by git merge-file;'
    ' run rippledoc git-setup in this clone" >&2; '
    'git merge-file -L ours -L base -L theirs "$a" "$o" "$b"; s=$?; [ $s = 0 ] && exit 0; '
    '[ $s -lt 127 ] && exit 1; '
    "{ echo '<<<<<<< ours'; awk 1 \"$a\"; echo '======='; awk 1 \"$b\"; echo '>>>>>>> theirs'; }"
    ' > "$a.both" && mv "$a.both" "$a"; exit 1')
_PREFIX = "o=%O a=%A b=%B p=%P; "
_WRAPPED = re.compile(r"^" + re.escape(_PREFIX) + r"(?P<program>.+?) " + re.escape(_ARGS) + "; ")
_BARE = re.compile(r"^(?P<program>.+?) merge-driver ")
_ATTRIBUTE = re.compile(r"(?:^|\s)merge=" + DRIVER + r"(?:\s|$)")


def default_program() -> str:
    """This interpreter, by its absolute path (quoted for the shell), and the module: ``'/…/python' -m rippledoc``."""
    return f"{shlex.quote(os.path.abspath(sys.executable))} -m rippledoc"


def driver_command(program: str | None = None) -> str:
    """The line git runs for a merge: ``program merge-driver …``, and git's own merge when that cannot run."""
    return f"{_PREFIX}{program or default_program()} {_ARGS}; {_FALLBACK}"


@dataclass(frozen=True, slots=True)
class Registered:
    """A registered driver command, read back."""
    command: str
    program: str | None  # the words before 'merge-driver'; None when the command is not rippledoc's
    fallback: bool  # written by git-setup as it is now: git's own merge when the program cannot run

    @property
    def executable(self) -> str | None:
        try:
            words = shlex.split(self.program or "")
        except ValueError:
            return None
        return words[0] if words else None


def parse_command(command: str) -> Registered:
    m = _WRAPPED.match(command)
    if m:
        return Registered(command, m["program"], True)
    m = _BARE.match(command)
    return Registered(command, m["program"] if m else None, False)


def can_run(executable: str) -> bool:
    """True when ``executable`` (a path, or a name looked up on this PATH) is an executable file."""
    if os.sep in executable or (os.altsep and os.altsep in executable):
        return os.path.isfile(executable) and os.access(executable, os.X_OK)
    return shutil.which(executable) is not None


def attribute_line(root: Path) -> int | None:
    """The line of ``root/.gitattributes`` that names the driver (``merge=rippledoc``), if any."""
    try:
        with open(Path(root) / ".gitattributes", "rb") as fh:
            data = fh.read(256 * 1024)
    except OSError:
        return None
    for n, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.lstrip().startswith("#") and _ATTRIBUTE.search(line):
            return n
    return None


def in_git(root: Path) -> bool:
    """Whether ``root`` is inside a git work tree, by looking for ``.git`` (no git process)."""
    here = Path(root).resolve()
    return any((p / ".git").exists() for p in (here, *here.parents))


def registered(root: Path) -> str | None:
    """``merge.rippledoc.driver`` as git reads it for the repository at ``root`` (one ``git config``)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "config", "--get", f"merge.{DRIVER}.driver"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def driver_problem(root: Path) -> tuple[int, str, str] | None:
    """``(line of .gitattributes, message, hint)`` when the driver it names is not set up safely in this clone."""
    line = attribute_line(root)
    if line is None or not in_git(root):
        return None
    if shutil.which("git") is None:
        return None  # no git here: nothing merges in this shell
    command = registered(root)
    fix = "run 'rippledoc git-setup' in this clone (it registers this Python by its absolute path)"
    if command is None:
        return line, (f".gitattributes merges client and ritual files with '{DRIVER}', but this clone has no "
                      f"merge.{DRIVER}.driver: git merges them line by line, with conflict markers"), fix
    reg = parse_command(command)
    exe = reg.executable
    if exe is None:
        return line, f"merge.{DRIVER}.driver is not rippledoc's merge driver: {command}", fix
    if not can_run(exe):
        then = ("git merge-file takes over, line by line" if reg.fallback else
                "git reports a conflict but keeps only our side of the file, without markers")
        return line, f"the merge driver cannot run here: '{exe}' is not an executable (a merge {then})", fix
    if not reg.fallback:
        if not os.path.isabs(exe):
            return line, (f"the merge driver is registered by the bare name '{exe}': in a shell where it is "
                          "not on PATH, git keeps only our side of a file, without markers"), fix
        return line, ("the merge driver was registered by an older rippledoc: if its interpreter goes, git "
                      "keeps only our side of a file, without markers"), fix
    return None
