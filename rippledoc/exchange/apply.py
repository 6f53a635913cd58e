"""Carrying out an import plan: new files created atomically, empty fields filled losslessly.

``prepare`` renders every new file and parses it back as the loader would;
a file that would not be clean (an error or a warning) is not written and
its records are reported as rejected. ``write`` creates the new files under
the workspace lock (never over an existing file) and fills fields with
``edit.set_field``, which changes only that line and refuses when the file
changed since it was read; a field the file turns out to have a value for,
or that could not be written, is dropped from the plan's fills (and noted),
so the report says only what was written.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rippledoc.parse.client import parse_client
from rippledoc.parse.fields import parse_date
from rippledoc.model import Settings
from rippledoc.read.source import Text
from rippledoc.exchange.reconcile import Plan, Target
from rippledoc.exchange.record import TEXT_FIELDS, Rejected
from rippledoc.exchange.render import client_text


@dataclass(frozen=True, slots=True)
class NewFile:
    target: Target
    text: str


def render(t: Target, settings: Settings) -> str:
    # No zone and no owner by default: an empty zone is one nobody knows yet (the import guessed none), and
    # 'rippledoc assign' shares the new clients out.
    values = {k: str(v) for k, v in t.values.items() if k in TEXT_FIELDS and v}
    lists = {k: tuple(v) for k, v in t.values.items() if isinstance(v, list)}
    return client_text(t.name, values, lists, t.notes, t.people)


def prepare(p: Plan, settings: Settings, today: date) -> list[NewFile]:
    """The files to create; a target whose file would not check clean moves to ``p.rejected``."""
    out = []
    for t in p.created:
        text = render(t, settings)
        client, diags = parse_client(Text(t.path, text, text.encode()), settings, today)
        if len(text.encode()) > settings.max_file_bytes:
            why = f"the file would be over the limit of {settings.max_file_bytes // 1024} KiB (limits.max_file_kb)"
        elif client is None or diags:
            why = diags[0].message if diags else "the file would not parse"
        else:
            why = ""
        if why:
            p.rejected.extend(Rejected(w, f"{t.name}: {why}") for w in t.sources)
            p.targets.remove(t)
            continue
        out.append(NewFile(t, text))
    return out


# a full disk, a read-only file system or folder: after one of these, no other file in clients/ can be written either
_STOPS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def write(root: Path, files: list[NewFile], p: Plan, today: date) -> tuple[list[NewFile], list[str]]:
    """Write everything that can be; returns the files created and what could not be written.

    A field that was not filled (a refusal, a full disk) is dropped from the
    plan's fills, and a client left with none from ``p.updated``, so the
    report says only what was written. A full or read-only disk or folder
    stops the import at the first file it refuses.
    """
    from rippledoc.edit import atomic
    from rippledoc.edit.client import EditError, set_field
    errors: list[str] = []
    created: list[NewFile] = []
    stopped = False
    try:
        (root / "clients").mkdir(exist_ok=True)
    except OSError as exc:
        errors += [atomic.write_problem("clients/", exc)] + _not_written(files, p)
        stopped = True
    with atomic.locked(root):
        for i, f in enumerate(files if not stopped else []):
            try:
                atomic.atomic_write(root / f.target.path, f.text.encode("utf-8"), create=True)
                created.append(f)
            except FileExistsError:
                errors.append(f"{f.target.path} appeared meanwhile; {f.target.name} was not written")
            except OSError as exc:
                errors.append(atomic.write_problem(f.target.path, exc))
                if exc.errno in _STOPS:
                    errors += _not_written(files[i + 1:], p)
                    stopped = True
                    break
    skipped = 0  # fields not tried after the disk refused one (when the new files went, they are counted above)
    for t in p.updated:  # set_field takes the lock itself, one field at a time
        expect: str | None = t.digest
        for key in [k for k in TEXT_FIELDS if k in t.fills]:
            if stopped:
                del t.fills[key]
                continue
            value = t.fills[key]
            typed = parse_date(value) if key in ("since", "snooze", "birthday") else None
            try:
                result = set_field(root, t.path, key, typed or value, only_if_empty=True, today=today, expect=expect)
            except EditError as exc:
                errors.append(f"{t.path}: {key} not set: {exc}")
                del t.fills[key]
                if exc.errno in _STOPS:
                    stopped = True
                    skipped = sum(len(u.fills) for u in p.updated)
                continue
            if not result.changed:  # the file has a value there after all: nothing was filled, so none is reported
                del t.fills[key]
                p.notices.append(result.message)
                continue
            expect = None
    if skipped:
        errors.append(f"not written: {skipped} field{'s' * (skipped != 1)} to fill")
    return created, errors


def _not_written(files: list[NewFile], p: Plan) -> list[str]:
    """The line that says which new files and fills were not even tried."""
    fills = sum(len(t.fills) for t in p.updated)
    if not files and not fills:
        return []
    parts = [f"{len(files)} new file{'s' * (len(files) != 1)}"] if files else []
    parts += [f"{fills} field{'s' * (fills != 1)} to fill"] if fills else []
    return ["not written: " + " and ".join(parts)]
