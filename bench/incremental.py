"""Time serve's rebuild after a one-file edit: ``python -m bench.incremental WORKSPACE TODAY REPEAT``.

Builds the site once with ``SiteBuilder`` (what ``rippledoc serve`` holds),
then REPEAT times appends a touch to one client's log and times
``SiteBuilder.update([slug])``: from the saved file to the new pages on disk,
without the watcher's debounce. Prints JSON: seconds, cpu (this process's), peak_mb.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rippledoc.site.build import SiteBuilder


def main(argv: list[str]) -> int:
    root, today, repeat = Path(argv[0]).resolve(), date.fromisoformat(argv[1]), int(argv[2])
    out = Path(tempfile.mkdtemp(prefix="rippledoc-bench-serve-")) / "_site"
    builder = SiteBuilder(root, out, lambda: today, live=True)
    builder.full()
    target = sorted((root / "clients").glob("*.md"))[len(list((root / "clients").glob("*.md"))) // 2]
    original = target.read_bytes()
    seconds, cpu = [], []
    try:
        for i in range(repeat):
            day = today - timedelta(days=repeat - i)
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(f"- {day.isoformat()} call reached by stan: an edit to time the rebuild, number {i}\n")
            start, start_cpu = time.perf_counter(), time.process_time()
            builder.update([target.stem])
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    finally:
        target.write_bytes(original)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "note": f"SiteBuilder.update of {target.name}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
