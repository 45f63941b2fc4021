"""Bounded caches for pure functions of a text.

Editors and watch loops re-lint the same plan and drafts over and over, and the analysis of a
message depends only on its text and a few settings, so it is cached. The bound is on memory,
not only entries: a text longer than `max_chars` is computed every time and never kept, so a
cache holds at most about `maxsize * max_chars` characters of keys.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def by_content(maxsize: int, max_chars: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Like functools.lru_cache(maxsize), for functions whose first argument is a text."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        cached = functools.lru_cache(maxsize=maxsize)(func)

        @functools.wraps(func)
        def wrapper(text: str, *args):
            if len(text) > max_chars:
                return func(text, *args)
            return cached(text, *args)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return wrapper

    return decorate
