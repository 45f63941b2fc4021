"""Results of unchanged plans kept in memory, for the Python API and long-running processes.

A service or an editor that lints the same plan again (unchanged) should not pay for parsing,
analysing and evaluating it again. Each plan's result is kept with the digest of every file it
depends on (the plan, its drafts, both configuration names in every folder above it: see
core/results.py); it is used again only when all of them still read the same, which costs a few
small reads. Plans with input errors are not kept. The memo is bounded in bytes (`MAX_BYTES`,
measured as cache.py measures) and forgets the least recently used first.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import OrderedDict

from ..cache import size_of
from . import results

MAX_BYTES = 32 * 2**20

_entries: OrderedDict = OrderedDict()  # key -> (deps, result, bytes)
_state = {"bytes": 0, "paused": 0}
_lock = threading.RLock()


def key_for(file: str, options) -> tuple | None:
    """The memo key of linting `file` with `options` (None: not kept)."""
    if file == "-" or options.overrides or _state["paused"]:
        return None
    return (
        file,
        os.getcwd(),
        options.day().isoformat(),
        options.config,
        options.select,
        options.extend_select,
        options.ignore,
        options.rules_dirs,
        os.environ.get("TZ"),
        time.tzname,
    )


@contextlib.contextmanager
def paused():
    """Nothing kept or looked up meanwhile: a one-shot `check` lints each plan once (keeping them
    cost ~0.7 ms a plan, and up to MAX_BYTES of memory over a folder of many plans)."""
    with _lock:
        _state["paused"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["paused"] -= 1


def get(key: tuple):
    with _lock:
        found = _entries.get(key)
    if found is None:
        return None
    deps, result, _ = found
    for path, digest in deps:
        if results._file_digest(path) != digest:
            return None
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
    return result


def put(key: tuple, file: str, result, config: str | None = None) -> None:
    deps = results.dependencies([file], result.sources)
    if deps is None:
        return
    deps.append((file, results._file_digest(file)))
    if config:
        deps.append((config, results._file_digest(config)))
    size = size_of(result) + size_of(deps)
    if size > MAX_BYTES:
        return
    with _lock:
        old = _entries.pop(key, None)
        if old is not None:
            _state["bytes"] -= old[2]
        _entries[key] = (deps, result, size)
        _state["bytes"] += size
        while _entries and _state["bytes"] > MAX_BYTES:
            _, (_, _, freed) = _entries.popitem(last=False)
            _state["bytes"] -= freed


def clear() -> None:
    with _lock:
        _entries.clear()
        _state["bytes"] = 0
