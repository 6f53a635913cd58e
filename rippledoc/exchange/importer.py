"""One import from start to end: read the file, plan against the workspace, write (unless a dry run), report."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rippledoc.exchange.apply import NewFile, prepare, write
from rippledoc.exchange.reconcile import Plan, plan
from rippledoc.exchange.record import Parsed


MAX_IMPORT_BYTES = 64 << 20


@dataclass(frozen=True, slots=True)
class Report:
    parsed: Parsed
    plan: Plan
    files: tuple[NewFile, ...]  # the files created (a dry run: the files that would be)
    errors: tuple[str, ...]  # writes that failed
    dry_run: bool


def run_import(root: Path, kind: str, raw: bytes, overrides: tuple[str, ...] = (), *, today: date,
               dry_run: bool = False, encoding: str | None = None) -> tuple[Report | None, str, bool]:
    """``kind``: 'csv' or 'vcard'. ``(None, problem, usage)`` when the file (usage) or the workspace cannot be used.

    ``today``: the date the command was given (the workspace's, not the machine's); ``encoding``: the file's,
    when the person said it (else it is found out, and the summary says how).
    """
    from rippledoc.book.loader import load_book
    from rippledoc.exchange.csvin import read_csv
    from rippledoc.exchange.vcardin import read_vcard
    if len(raw) > MAX_IMPORT_BYTES:
        return None, f"the file is {len(raw) >> 20} MiB; rippledoc imports files up to {MAX_IMPORT_BYTES >> 20} MiB", True
    parsed, problem = (read_csv(raw, overrides, today=today, encoding=encoding) if kind == "csv"
                       else read_vcard(raw, today=today, encoding=encoding))
    if parsed is None:
        return None, problem, True
    ws = load_book(root, today)
    diags = list(ws.diagnostics)
    broken = sorted({d.path for d in diags if d.is_error and d.path.startswith("clients/")})
    if broken:
        return None, (f"{len(broken)} client file{'s' * (len(broken) != 1)} ha{'ve' if len(broken) != 1 else 's'} "
                      f"errors ({', '.join(broken[:3])}{', …' if len(broken) > 3 else ''}); an import must see every "
                      "client to match against it: fix them first (rippledoc check)"), False
    folder = root / "clients"
    taken = {f.stem.lower() for f in folder.iterdir()} if folder.is_dir() else set()
    p = plan(parsed.records, ws, taken, parsed.rejected, today=today)
    files = prepare(p, ws.settings, today)
    errors: list[str] = []
    if not dry_run:
        files, errors = write(root, files, p, today)
    return Report(parsed, p, tuple(files), tuple(errors), dry_run), "", False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _left_out(parsed: Parsed, unit: str) -> str:
    """'Left out: Department (3 rows), Anniversary (1 row)': every column or property a value was dropped from."""
    if not parsed.left_out:
        return ""
    return "Left out: " + ", ".join(f"{what} ({_plural(n, unit)})" for what, n in parsed.left_out)


def summary(r: Report, source: str) -> list[str]:
    p = r.plan
    rows = len(r.parsed.records) + len(r.parsed.rejected)
    unit = "card" if r.parsed.fmt.startswith("vCard") else "row"
    fills = sum(len(t.fills) for t in p.updated)
    out = [f"Read {source} as {r.parsed.fmt}: {_plural(rows, unit)}."]
    out += [f"Warning: {w}" for w in r.parsed.warnings]
    if r.parsed.mapping:
        out.append("Columns: " + "; ".join(f"{h} -> {t}" for h, t in r.parsed.mapping))
    left = _left_out(r.parsed, unit)
    if left:
        out.append(left)
    for f in r.files:
        t = f.target
        detail = ", ".join(f"{k}: {v}" for k, v in t.values.items() if k in ("contact", "email", "phone") and v)
        out.append(f"  {'+ ' if r.dry_run else 'created '}{t.path}  {t.name}" + (f" ({detail})" if detail else "")
                   + f"  [{', '.join(t.sources)}]")
        out.append(f"      zone {t.values['timezone']} {t.zone_why}" if t.values.get("timezone")
                   else f"      {t.zone_why}: write its timezone: when you know it")
    for t in p.updated:
        for key, value in t.fills.items():
            why = f" ({t.zone_why})" if key == "timezone" and t.zone_why else ""
            out.append(f"  {'~ ' if r.dry_run else 'filled '}{t.path}: {key}: {value}{why}  [{', '.join(t.sources)}]")
    for c in p.conflicts:
        out.append(f"  conflict {c.where}: {c.path}: {c.field} is '{c.have}' in the file, '{c.incoming}' in the "
                   "import; kept the file's")
    for n in p.near:
        out.append(f"  near-duplicate {n.where}: '{n.name}' reads like '{n.other}' ({n.other_path}) but is not the "
                   f"same name: kept apart as {n.path}. If they are one client, merge the two files (or write the "
                   "name the same way in the sheet and import again)")
    for rej in p.rejected:
        out.append(f"  rejected {rej.where}: {rej.reason}")
    for notice in p.notices:
        out.append(f"  note {notice}")
    for e in r.errors:
        out.append(f"  error {e}")
    unknown = sum(1 for f in r.files if not f.target.values.get("timezone"))
    if unknown:
        out.append(f"{_plural(unknown, 'new client')} ha{'s' if unknown == 1 else 've'} no time zone: nothing in "
                   "the file said where they are (see above)")
    out.append(f"{'Dry run, nothing written: ' if r.dry_run else ''}"
               f"created {len(r.files)}, updated {len(p.updated)} ({_plural(fills, 'field')}), "
               f"unchanged {len(p.unchanged)}, conflicts {len(p.conflicts)}, rejected {len(p.rejected)}"
               + (f", errors {len(r.errors)}" if r.errors else ""))
    return out


def to_json(r: Report, source: str) -> dict[str, object]:
    p = r.plan
    return {
        "file": source, "format": r.parsed.fmt, "dry_run": r.dry_run, "warnings": list(r.parsed.warnings),
        "mapping": [{"column": h, "field": t} for h, t in r.parsed.mapping],
        "ignored_columns": list(r.parsed.ignored),
        "left_out": [{"what": what, "count": n} for what, n in r.parsed.left_out],
        "created": [{"path": f.target.path, "name": f.target.name, "from": f.target.sources, "text": f.text,
                     "timezone": f.target.values.get("timezone") or None, "timezone_why": f.target.zone_why}
                    for f in r.files],
        "updated": [{"path": t.path, "name": t.name, "fields": t.fills} for t in p.updated],
        "unchanged": p.unchanged,
        "conflicts": [{"from": c.where, "path": c.path, "field": c.field, "file": c.have, "import": c.incoming}
                      for c in p.conflicts],
        "near_duplicates": [{"from": n.where, "name": n.name, "path": n.path, "close_to": n.other,
                             "close_to_path": n.other_path} for n in p.near],
        "rejected": [{"from": x.where, "reason": x.reason} for x in p.rejected],
        "notes": p.notices, "errors": list(r.errors),
    }
