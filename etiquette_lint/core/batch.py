"""Many plans over several processes, results in the order of the plans.

Linting is pure and per plan, so a `check` of many plans hands them to a pool of worker processes
(`--jobs N`, by default one per core) and takes the results back in the order the plans were
found: the report is the one a single process makes, byte for byte. Workers are forked from the
command's process when the platform allows it (they start with everything it imported), and
each takes plans a few at a time. Few plans, one core or `--jobs 1`: no pool at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PLANS_PER_PROCESS = 2  # below this, starting processes costs more than it saves


def default_jobs() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_work: Callable | None = None


def _run(item):
    return _work(item)


def in_order(work: Callable[[T], R], items: list[T], jobs: int | None) -> Iterator[R]:
    """work(item) for every item, in order; spread over `jobs` processes when that pays."""
    jobs = default_jobs() if jobs is None else jobs
    jobs = min(jobs, len(items) // MIN_PLANS_PER_PROCESS)
    if jobs <= 1:
        yield from map(work, items)
        return
    import multiprocessing

    global _work
    _work = work  # inherited by forked workers; passed by reference under spawn
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(8, len(items) // (jobs * 4)))
    with context.Pool(jobs) as pool:
        results: Iterable[R] = pool.imap(_run if context.get_start_method() == "fork" else work, items, chunk)
        yield from results
