"""Other programs saving while rippledoc writes: nothing anyone saved is lost.

An editor process saves ``clients/acme.md`` in a loop (reading it afresh,
adding a note, saving in place or by rename, every few milliseconds); a phone
process appends lines to ``clients/borealis.md`` and ``inbox.md``. Beside
them, ``log``, ``done``, ``inbox`` and ``import`` run over and over. At the
end every editor save, every appended line and every line rippledoc said it
wrote is there, and every inbox line is in the inbox or in a log, once.

The editor's own read-modify-write can drop a line rippledoc wrote between
its read and its save (as it would drop any program's): that is the editor's
doing, so rippledoc's changes are counted only in the file nobody rewrites.

Run it longer, or faster, to measure:
``python tests/test_concurrent_saves.py SECONDS EDITOR_PAUSE PHONE_PAUSE`` (``80 0.01 0.01``: 80 seconds, a
save every 10 ms by each of the two). A save every few milliseconds leaves rippledoc no quiet moment to
make its change in (it reads, checks the result and syncs its copy first): it then refuses, with a message,
and writes nothing; the count of those is ``refused``.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import main

DAY = "2026-11-22"
SETTINGS = "me: stan\ntimezone: America/New_York\nteam:\n  stan: {name: Stan}\n  priya: {name: Priya}\n"
TASKS = 60
ACME = ("---\nname: Acme Corp\ntimezone: America/Chicago\nlevel: key\ncommitments:\n"
        + "".join(f"  - {{made: 2026-11-01, due: 2026-11-30, what: Task number {i:03}}}\n" for i in range(TASKS))
        + "---\nNotes.\n\n## Log\n- 2026-11-02 call reached by stan: first\n")
BOREALIS = "---\nname: Borealis Energie\ntimezone: Europe/Oslo\n---\nNotes.\n\n## Log\n"

EDITOR = r"""
import json, os, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
saves = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    head, fence, body = text.partition("\n---\n")
    if not fence:  # never happens: rippledoc never leaves a file half written
        print(json.dumps({"torn": text[:200]})); sys.exit(1)
    saves += 1
    new = f"{head}\n---\nEditor note {saves}.\n{body}"
    if saves % 2:
        with open(path, "w", encoding="utf-8") as fh:  # in place, as most editors do
            fh.write(new)
    else:
        tmp = path + ".editor-swp"
        with open(tmp, "w", encoding="utf-8") as fh:  # by rename, as careful editors and sync clients do
            fh.write(new)
        os.replace(tmp, path)
    time.sleep(float(sys.argv[3]))
print(json.dumps({"saves": saves}))
"""

PHONE = r"""
import json, sys, time
client, inbox, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
n = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    n += 1
    if n % 2:
        with open(client, "a", encoding="utf-8") as fh:
            fh.write(f"- 2026-11-22 email by stan: appended {n}\n")
    else:
        with open(inbox, "a", encoding="utf-8") as fh:
            fh.write(f"borealis email: inbox {n}\n")
    time.sleep(float(sys.argv[4]))
print(json.dumps({"lines": n}))
"""


def book(root: Path) -> Path:
    (root / "clients").mkdir(parents=True)
    (root / "rippledoc.yaml").write_text(SETTINGS)
    (root / "clients" / "acme-corp.md").write_text(ACME)
    (root / "clients" / "borealis-energie.md").write_text(BOREALIS)
    (root / "inbox.md").write_text("")
    return root


def rippledoc(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def stress(root: Path, seconds: float, editor_pause: float, phone_pause: float) -> dict[str, int]:
    """Run the editor, the phone and rippledoc side by side for ``seconds``, the editor saving every
    ``editor_pause`` seconds and the phone appending every ``phone_pause``; count what was saved and what is left."""
    book(root)
    acme, borealis, inbox = root / "clients/acme-corp.md", root / "clients/borealis-energie.md", root / "inbox.md"
    editor = subprocess.Popen([sys.executable, "-c", EDITOR, str(acme), str(seconds), str(editor_pause)], stdout=subprocess.PIPE)
    phone = subprocess.Popen([sys.executable, "-c", PHONE, str(borealis), str(inbox), str(seconds), str(phone_pause)],
                             stdout=subprocess.PIPE)
    logged: list[str] = []  # lines rippledoc said it wrote into borealis
    counts = {"commands": 0, "refused": 0, "read half saved": 0}
    sheet = root.parent / "sheet.csv"
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        step = n % 5
        if step == 0:
            args = ["log", "borealis", "--kind", "call", "--note", f"rippledoc {n}", "--today", DAY]
        elif step == 1:
            args = ["log", "acme", "--kind", "meeting", "--note", f"rippledoc {n}", "--today", DAY]
        elif step == 2:
            args = ["done", "acme", f"Task number {(n // 5) % TASKS:03}", "--today", DAY]
        elif step == 3:
            args = ["inbox", "--today", DAY]
        else:
            sheet.write_text(f"company,email,website\nNewco {n},info@newco{n}.example,https://newco{n}.example\n"
                             f"Acme Corp,,https://acme.example\n")
            args = ["import", "csv", str(sheet), "--today", DAY]
        code, out = rippledoc(root, *args)
        counts["commands"] += 1
        if code and any(why in out for why in ("kept changing", "already marked done", "changed on disk")):
            counts["refused"] += 1  # refused with a message, nothing written: allowed, and counted
        elif code and any(why in out for why in ("acme-corp.md: it does not load", "errors (clients/acme-corp.md)")):
            counts["read half saved"] += 1  # the workspace was loaded while the editor was halfway through a save
        elif code:
            raise AssertionError(f"{args}: exit {code}\n{out}")
        elif step == 0:
            logged.append(f"- 2026-11-22 call reached by stan: rippledoc {n}")
        elif step == 4:
            assert f"created clients/newco-{n}.md" in out, out
            assert (root / f"clients/newco-{n}.md").is_file()
    saves = json.loads(editor.communicate(timeout=60)[0])["saves"]
    appended = json.loads(phone.communicate(timeout=60)[0])["lines"]
    assert rippledoc(root, "inbox", "--today", DAY)[0] == 0  # file what the phone wrote last
    acme_text, borealis_text, inbox_text = acme.read_text(), borealis.read_text(), inbox.read_text()
    borealis_lines = borealis_text.splitlines()
    phone_client = [f"- 2026-11-22 email by stan: appended {i}" for i in range(1, appended + 1, 2)]
    phone_inbox = [i for i in range(2, appended + 1, 2)]
    return {
        **counts,
        "editor saves": saves,
        "lost editor saves": sum(f"\nEditor note {i}.\n" not in acme_text for i in range(1, saves + 1)),
        "phone lines": appended,
        "lost phone lines": sum(line not in borealis_lines for line in phone_client)
        + sum(f"borealis email: inbox {i}" not in inbox_text
              and f"- 2026-11-22 email by stan: inbox {i}" not in borealis_lines for i in phone_inbox),
        "inbox lines logged twice": sum(borealis_lines.count(f"- 2026-11-22 email by stan: inbox {i}") > 1
                                        for i in phone_inbox),
        "rippledoc lines": len(logged),
        "lost rippledoc lines": sum(line not in borealis_lines for line in logged),
        "files kept beside": sum(".conflict-" in p.name for p in root.rglob("*")),
    }


@pytest.mark.slow
def test_nothing_anyone_saved_is_lost(tmp_path):
    counts = stress(tmp_path / "book", 4.0, 0.05, 0.02)
    assert counts["editor saves"] > 40 and counts["phone lines"] > 40 and counts["commands"] > 10, counts
    lost = {k: v for k, v in counts.items() if k.startswith("lost") or k.endswith("twice") or k.endswith("beside")}
    assert all(v == 0 for v in lost.values()), counts


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        seconds, editor_pause, phone_pause = (float(x) for x in (sys.argv[1:] + ["20", "0.01", "0.01"])[:3])
        print(json.dumps(stress(Path(folder) / "book", seconds, editor_pause, phone_pause), indent=1))
