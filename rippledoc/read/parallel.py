"""Cold work over every core: a process pool over chunks of items, results in order.

Small jobs stay in this process (starting workers costs more than it saves).
Workers are forked when this process has no other threads (fast: they share
the imported modules); from a threaded process (``serve`` watches files in a
thread) they come from a fork server, which is safe there.
"""
from __future__ import annotations

import os
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200  # fewer items than this are done in this process


def cpu_count() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    forced = os.environ.get("RIPPLEDOC_JOBS", "")
    if forced.isdigit() and int(forced) > 0:
        n = int(forced)
    return max(1, n)


def chunks(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """``items`` cut into about ``count`` consecutive chunks of nearly equal size."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return [c for c in out if len(c)]


def map_chunks(fn: Callable[[Sequence[T]], R], items: Sequence[T], min_items: int = MIN_ITEMS) -> Iterator[R]:
    """``fn`` over chunks of ``items``, yielding each chunk's result in order as soon as it is ready.

    ``fn`` must be a module-level function (it is sent to the workers by name).
    With one core or few items, the chunks run here, one after the other.
    """
    jobs = cpu_count()
    if jobs == 1 or len(items) < min_items:
        yield fn(items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if threading.active_count() == 1 and "fork" in methods \
        else "forkserver" if "forkserver" in methods else "spawn"
    parts = chunks(items, jobs * 4)
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))
    except (OSError, ValueError, NotImplementedError):  # no semaphores or processes here: do it in line
        for part in parts:
            yield fn(part)
        return
    with pool:
        futures = [pool.submit(fn, part) for part in parts]
        for future in futures:
            yield future.result()


# --- rendering a site's pages over every core ---------------------------------

# what forked workers inherit: the render function, environment and pages
_SHARED: dict[str, tuple[Callable[..., dict[str, bytes]], object, Sequence[object]]] = {}


def _render_share(indexes: Sequence[int]) -> dict[str, bytes]:
    render, env, pages = _SHARED["job"]
    return render(env, [pages[i] for i in indexes])


def render_pages(render: Callable[..., dict[str, bytes]], env: object, pages: Sequence[object],
                 progress: Callable[[int, int], None] | None = None, min_items: int | None = None) -> dict[str, bytes]:
    """``render(env, pages)`` over forked workers, results in page order: the same bytes as one process.

    The workers inherit the pages and the environment by forking, so nothing
    but page numbers and the rendered bytes travel. Where forking is not safe
    (other threads are running, as in ``serve``) or not worth it, it renders here.
    """
    import multiprocessing
    forkable = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    if not forkable or cpu_count() == 1 or len(pages) < (MIN_ITEMS if min_items is None else min_items):
        return render(env, pages, progress, len(pages))
    _SHARED["job"] = (render, env, pages)
    out: dict[str, bytes] = {}
    try:
        for part in map_chunks(_render_share, range(len(pages)), min_items=0):
            out.update(part)
            if progress:
                progress(len(out), len(pages))
    finally:
        _SHARED.clear()
    return out
