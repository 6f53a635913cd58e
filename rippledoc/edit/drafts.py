"""Writing the drafts of a new ritual record (``views.new_record``): each new file created atomically, never over
a file that is there."""
from __future__ import annotations

from pathlib import Path

from rippledoc.edit.atomic import atomic_write, write_problem
from rippledoc.views.rituals import Draft


class DraftsNotWritten(Exception):
    """A draft could not be written (a full or read-only disk); ``str(err)`` says which and what to do, ``done``
    what was written before it."""

    def __init__(self, message: str, done: list[tuple[str, bool]]):
        super().__init__(message)
        self.done = done


def write_drafts(root: Path, drafts: list[Draft]) -> list[tuple[str, bool]]:
    """Write each new draft (never over an existing file); ``(path, created)`` for each.

    Stops at the first draft the disk refuses (``DraftsNotWritten``).
    """
    done: list[tuple[str, bool]] = []
    for d in drafts:
        if d.exists:
            done.append((d.path, False))
            continue
        target = root / d.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, d.text.encode("utf-8"), create=True)
            done.append((d.path, True))
        except FileExistsError:
            done.append((d.path, False))
        except OSError as exc:
            left = len(drafts) - len(done) - 1
            raise DraftsNotWritten(write_problem(d.path, exc) + (f" ({left} more not written)" if left else ""),
                                   done) from None
    return done
