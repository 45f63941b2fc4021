"""Bounded caches for pure functions of a text.

Editors and watch loops re-lint the same plan and drafts over and over, and the analysis of a
message depends only on its text and a few settings, so it is cached. The bound is on memory, in
bytes: each cache keeps at most `max_bytes` of keys and results (measured with `sys.getsizeof`
over the containers and strings they hold), least recently used first out, and a text longer
than `max_chars` is computed every time and never kept. A long-running process (an editor
server, a service linting distinct plans all day) therefore levels off, whatever it is fed.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple, TypeVar

T = TypeVar("T")

DEFAULT_MAX_BYTES = 4 * 2**20


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int
    bytes: int
    max_bytes: int


_PLAIN = (str, bytes, int, float, bool, type(None))


def size_of(value, *, owned: bool = True, _seen: set | None = None) -> int:
    """Bytes held by `value`: the object and what it contains (strings, numbers, tuples, lists,
    dicts, sets, and, when `owned`, the fields of other objects). Objects met twice count once."""
    seen = set() if _seen is None else _seen
    stack = [value]
    total = 0
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        if not isinstance(item, _PLAIN) and not isinstance(item, (tuple, list, dict, set, frozenset)) and not owned:
            continue  # a shared object the key only refers to (a phrase list, a lexicon)
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, _PLAIN):
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (tuple, list, set, frozenset)):
            stack.extend(item)
        elif owned:
            fields = getattr(item, "__dict__", None)
            if fields is not None:
                stack.append(fields)
            for slot in getattr(type(item), "__slots__", ()):
                if hasattr(item, slot):
                    stack.append(getattr(item, slot))
    return total


_run = threading.local()  # results too big for their cache, kept for one run (see one_run)


@contextlib.contextmanager
def one_run():
    """Within this block (one plan's text analysis), results that their cache is too small to keep
    (a draft near the 1 MiB limit: its sentences, its words) are kept anyway, and dropped at its
    end: several stages read the same large draft, and computing it again for each of them cost
    seconds. Memory then grows with the drafts of the run, never beyond it."""
    outer = getattr(_run, "kept", None)
    if outer is None:
        _run.kept = {}
    try:
        yield
    finally:
        if outer is None:
            _run.kept = None


def by_content(
    maxsize: int,
    max_chars: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
    size: Callable[[tuple, object], int] | None = None,
    for_run: bool = False,
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Like functools.lru_cache(maxsize), for functions whose first argument is a text, and
    bounded to `max_bytes` of keys and results. `size(key, result)`, when given, is an upper
    bound of their bytes that costs less than walking them (for results of many small objects,
    where measuring would cost as much as computing). `for_run`: a result too big to keep is
    still kept until the end of the current `one_run` block, if there is one."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        entries: OrderedDict = OrderedDict()  # key -> (result, bytes)
        state = {"bytes": 0, "hits": 0, "misses": 0}
        lock = threading.RLock()

        @functools.wraps(func)
        def wrapper(text: str, *args):
            key = (text, *args)
            kept = getattr(_run, "kept", None) if for_run else None
            if kept is not None and (wrapper, key) in kept:
                return kept[(wrapper, key)]
            if len(text) > max_chars:
                result = func(text, *args)
                if kept is not None:
                    kept[(wrapper, key)] = result
                return result
            with lock:
                found = entries.get(key)
                if found is not None:
                    entries.move_to_end(key)
                    state["hits"] += 1
                    return found[0]
                state["misses"] += 1
            result = func(text, *args)
            nbytes = size(key, result) if size is not None else size_of(key, owned=False) + size_of(result)
            if nbytes > max_bytes:
                if kept is not None:
                    kept[(wrapper, key)] = result
                return result
            with lock:
                if key not in entries:
                    entries[key] = (result, nbytes)
                    state["bytes"] += nbytes
                while entries and (len(entries) > maxsize or state["bytes"] > max_bytes):
                    _, (_, freed) = entries.popitem(last=False)
                    state["bytes"] -= freed
            return result

        def cache_clear() -> None:
            with lock:
                entries.clear()
                state.update(bytes=0, hits=0, misses=0)

        def cache_info() -> CacheInfo:
            return CacheInfo(state["hits"], state["misses"], maxsize, len(entries), state["bytes"], max_bytes)

        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        return wrapper

    return decorate
