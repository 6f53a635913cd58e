"""Time ``rippledoc check`` on hostile and unlucky files: ``python -m bench.hostile [--kb 1000] [--timeout 60]``.

Each case is a fresh workspace with one good client and one hostile file,
checked in a fresh process with the cache off, under a memory limit of
1 GiB (so a blow-up shows as an exit status, not a frozen machine) and a
timeout. Prints one line per case: seconds, peak MB, exit status. The cases:

- a flow list of about ``--kb`` KiB (``tags: [t0, t1, …]``), legal YAML;
- a mapping of ``--kb`` × 60 keys (0.6 MB at 1,000 KiB: the 60k-key file);
- a symbolic link to ``/dev/zero``, one to a FIFO inside the workspace,
  and a 10 GB sparse file: each must be refused at once.

A benchmark, not a test: the numbers depend on the machine and its load.
Target: a 1 MB file checks in about a second.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"
MEMORY = 1 << 30
GOOD = "---\nname: Северный Ветер\ncontact: Ana Ruiz\ntimezone: Europe/Oslo\n---\nNotes.\n\n## Log\n"


def flow_list(kb: int) -> bytes:
    items, size, i = [], 0, 0
    while size < kb * 1000 - 40:
        item = f"t{i}"
        items.append(item)
        size += len(item) + 2
        i += 1
    return f"---\nname: Flow List\ntags: [{', '.join(items)}]\n---\n".encode()


def many_keys(kb: int) -> bytes:
    keys = "".join(f"k{i:06d}: v\n" for i in range(kb * 60))
    return f"---\nname: Many Keys\n{keys}---\n".encode()


def make(root: Path, case: str, kb: int) -> None:
    clients = root / "clients"
    clients.mkdir(parents=True)
    (clients / "good.md").write_text(GOOD, encoding="utf-8")
    if case == "flow list":
        (clients / "flow.md").write_bytes(flow_list(kb))
    elif case == "many keys":
        (clients / "keys.md").write_bytes(many_keys(kb))
    elif case == "link to /dev/zero":
        (clients / "zero.md").symlink_to("/dev/zero")
    elif case == "link to a FIFO":
        os.mkfifo(root / "pipe")
        (clients / "pipe.md").symlink_to("../pipe")
    elif case == "10 GB sparse file":
        with open(clients / "big.md", "wb") as fh:
            fh.truncate(10 * 10**9)


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(root: Path, timeout: float) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and how it ended, for ``rippledoc check`` in ``root``."""
    env = dict(os.environ, PYTHONPATH=str(REPO), RIPPLEDOC_NO_CACHE="1")
    argv = [sys.executable, "-m", "rippledoc", "-C", str(root), "check", "--today", TODAY]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit_memory)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        killed = not timer.is_alive()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024
    if killed:
        return seconds, peak, f"killed after {timeout:.0f} s"
    if "Traceback" in text:
        return seconds, peak, f"exit {proc.returncode}, traceback: {text.strip().splitlines()[-1]}"
    return seconds, peak, f"exit {proc.returncode}"


CASES = ("flow list", "many keys", "link to /dev/zero", "link to a FIFO", "10 GB sparse file")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kb", type=int, default=1000, help="size of the flow list in KB (default 1000)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a run is killed (default 60)")
    args = ap.parse_args(argv)
    print(f"{'case':<22} {'seconds':>8} {'peak MB':>8}  result")
    for case in CASES:
        with tempfile.TemporaryDirectory(prefix="rippledoc-hostile-") as tmp:
            root = Path(tmp)
            make(root, case, args.kb)
            size = sum(p.lstat().st_size for p in (root / "clients").iterdir() if p.name != "good.md")
            seconds, peak, how = run(root, args.timeout)
            label = f"{case} ({size / 1000:,.0f} KB)" if case in ("flow list", "many keys") else case
            print(f"{label:<22} {seconds:>8.2f} {peak:>8.0f}  {how}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
