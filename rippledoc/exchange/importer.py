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
               dry_run: bool = False) -> tuple[Report | None, str, bool]:
    """``kind``: 'csv' or 'vcard'. ``(None, problem, usage)`` when the file (usage) or the workspace cannot be used.

    ``today``: the date the command was given (the workspace's, not the machine's).
    """
    from rippledoc.book.loader import load_book
    from rippledoc.exchange.csvin import read_csv
    from rippledoc.exchange.vcardin import read_vcard
    if len(raw) > MAX_IMPORT_BYTES:
        return None, f"the file is {len(raw) >> 20} MiB; rippledoc imports files up to {MAX_IMPORT_BYTES >> 20} MiB", True
    parsed, problem = read_csv(raw, overrides, today=today) if kind == "csv" else read_vcard(raw)
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
    p = plan(parsed.records, ws, taken, parsed.rejected)
    files = prepare(p, ws.settings, today)
    errors: list[str] = []
    if not dry_run:
        files, errors = write(root, files, p, today)
    return Report(parsed, p, tuple(files), tuple(errors), dry_run), "", False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def summary(r: Report, source: str) -> list[str]:
    p = r.plan
    rows = len(r.parsed.records) + len(r.parsed.rejected)
    unit = "card" if r.parsed.fmt.startswith("vCard") else "row"
    fills = sum(len(t.fills) for t in p.updated)
    out = [f"Read {source} as {r.parsed.fmt}: {_plural(rows, unit)}."]
    if r.parsed.mapping:
        out.append("Columns: " + "; ".join(f"{h} -> {t}" for h, t in r.parsed.mapping))
    if r.parsed.ignored:
        out.append("Not imported: " + ", ".join(r.parsed.ignored))
    for f in r.files:
        t = f.target
        detail = ", ".join(f"{k}: {v}" for k, v in t.values.items() if k in ("contact", "email", "phone") and v)
        out.append(f"  {'+ ' if r.dry_run else 'created '}{t.path}  {t.name}" + (f" ({detail})" if detail else "")
                   + f"  [{', '.join(t.sources)}]")
    for t in p.updated:
        for key, value in t.fills.items():
            out.append(f"  {'~ ' if r.dry_run else 'filled '}{t.path}: {key}: {value}  [{', '.join(t.sources)}]")
    for c in p.conflicts:
        out.append(f"  conflict {c.where}: {c.path}: {c.field} is '{c.have}' in the file, '{c.incoming}' in the "
                   "import; kept the file's")
    for rej in p.rejected:
        out.append(f"  rejected {rej.where}: {rej.reason}")
    for n in p.notices:
        out.append(f"  note {n}")
    for e in r.errors:
        out.append(f"  error {e}")
    out.append(f"{'Dry run, nothing written: ' if r.dry_run else ''}"
               f"created {len(r.files)}, updated {len(p.updated)} ({_plural(fills, 'field')}), "
               f"unchanged {len(p.unchanged)}, conflicts {len(p.conflicts)}, rejected {len(p.rejected)}"
               + (f", errors {len(r.errors)}" if r.errors else ""))
    return out


def to_json(r: Report, source: str) -> dict[str, object]:
    p = r.plan
    return {
        "file": source, "format": r.parsed.fmt, "dry_run": r.dry_run,
        "mapping": [{"column": h, "field": t} for h, t in r.parsed.mapping],
        "ignored_columns": list(r.parsed.ignored),
        "created": [{"path": f.target.path, "name": f.target.name, "from": f.target.sources, "text": f.text}
                    for f in r.files],
        "updated": [{"path": t.path, "name": t.name, "fields": t.fills} for t in p.updated],
        "unchanged": p.unchanged,
        "conflicts": [{"from": c.where, "path": c.path, "field": c.field, "file": c.have, "import": c.incoming}
                      for c in p.conflicts],
        "rejected": [{"from": x.where, "reason": x.reason} for x in p.rejected],
        "notes": p.notices, "errors": list(r.errors),
    }
