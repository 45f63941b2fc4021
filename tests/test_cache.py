"""The analysis caches are bounded by memory and never change an answer."""

from __future__ import annotations

from etiquette_lint.cache import by_content


def test_short_texts_are_cached_and_long_ones_computed_every_time():
    calls = []

    @by_content(maxsize=2, max_chars=10)
    def length(text: str, extra: int) -> int:
        calls.append(text)
        return len(text) + extra

    assert length("short", 1) == 6
    assert length("short", 1) == 6
    assert calls == ["short"]
    long = "x" * 11
    assert length(long, 0) == 11
    assert length(long, 0) == 11
    assert calls == ["short", long, long]
    assert length.cache_info().currsize == 1
    for word in ("a", "b", "c"):
        length(word, 0)
    assert length.cache_info().currsize == 2
