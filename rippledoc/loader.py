"""The pipeline's first stages: files -> parsed records -> validated workspace.

``load_workspace(root, today)`` reads everything it can, never stops at a
broken file, and returns the model with every diagnostic, sorted.
"""
from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

from .clientfile import parse_client
from .diagnostics import Diagnostic
from .model import Client, Ritual, RitualRecord, Settings, Workspace
from .ritualfile import parse_record, parse_ritual
from .settings import SETTINGS_FILE, parse_settings
from .source import Text, iter_files, read_text
from .validate import validate


def defaults_dir(name: str = "") -> Path:
    """A folder of defaults shipped inside the package (``rituals``, ``site_templates``)."""
    return Path(str(resources.files("rippledoc") / "defaults")) / name


def load_settings(root: Path) -> tuple[Settings, list[Diagnostic]]:
    path = root / SETTINGS_FILE
    if not path.exists():
        return Settings(), []
    src, diags = read_text(root, path)
    settings, more = parse_settings(src)
    return settings, diags + more


def load_client(root: Path, path: Path, settings: Settings, today: date | None) -> tuple[Client | None, list[Diagnostic]]:
    src, diags = read_text(root, path, settings.max_file_bytes)
    if src is None:
        return None, diags
    return parse_client(src, settings, today)


def load_rituals(root: Path, settings: Settings) -> tuple[dict[str, Ritual], list[Diagnostic]]:
    """Built-in definitions, each replaced by a workspace file of the same name."""
    files = {p.name: p for p in iter_files(defaults_dir("rituals"))}
    files.update({p.name: p for p in iter_files(root / "rituals")})
    rituals: dict[str, Ritual] = {}
    diags: list[Diagnostic] = []
    for name in sorted(files):
        path = files[name]
        base = root if path.is_relative_to(root) else path.parent.parent
        src, problems = read_text(base, path, settings.max_file_bytes)
        diags += problems
        if src is None:
            continue
        ritual, problems = parse_ritual(src)
        diags += problems
        if ritual is not None:
            rituals[ritual.key] = ritual
    return rituals, diags


def load_records(root: Path, rituals: dict[str, Ritual], settings: Settings) -> tuple[list[RitualRecord], list[Diagnostic]]:
    records: list[RitualRecord] = []
    diags: list[Diagnostic] = []
    folder = root / "rituals"
    if not folder.is_dir():
        return records, diags
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        # rituals/NAME/PERIOD.md, and the per-client sheets of rituals/NAME/PERIOD/*.md
        periods = sorted(p for p in sub.iterdir() if p.is_dir() and not p.name.startswith("."))
        for path in iter_files(sub) + [f for p in periods for f in iter_files(p)]:
            src, problems = read_text(root, path, settings.max_file_bytes)
            diags += problems
            if src is None:
                continue
            record, problems = parse_record(src, rituals.get(sub.name))
            diags += problems
            if record is not None:
                records.append(record)
    return records, diags


def load_workspace(root: str | Path, today: date | None = None) -> tuple[Workspace, list[Diagnostic]]:
    """Load a workspace. ``today`` turns on the checks against dates in the future."""
    root = Path(root).resolve()
    settings, diags = load_settings(root)
    clients: list[Client] = []
    client_files = iter_files(root / "clients")
    for path in client_files:
        client, problems = load_client(root, path, settings, today)
        diags += problems
        if client is not None:
            clients.append(client)
    rituals, problems = load_rituals(root, settings)
    diags += problems
    records, problems = load_records(root, rituals, settings)
    diags += problems
    files = len(client_files) + len(records) + int((root / SETTINGS_FILE).exists())
    files += len(iter_files(root / "rituals"))
    ws = Workspace(str(root), settings, tuple(clients), rituals, tuple(records), files)
    diags += validate(ws)
    return ws, sorted(set(diags), key=Diagnostic.sort_key)


def source_lines(root: Path, path: str) -> list[str] | None:
    """The lines of a workspace file, for showing a diagnostic's excerpt."""
    try:
        text = (root / path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    return text.removeprefix("\ufeff").split("\n")


__all__ = ["load_workspace", "Text"]
