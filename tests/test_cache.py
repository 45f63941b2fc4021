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


def test_the_bound_is_in_bytes():
    @by_content(maxsize=10_000, max_chars=100_000, max_bytes=200_000)
    def words(text: str) -> tuple:
        return tuple(text.split())

    for i in range(2_000):  # ~4 MB of distinct texts and results
        words(f"draft {i} " + "word " * 200)
    info = words.cache_info()
    assert info.bytes <= 200_000
    assert 0 < info.currsize < 2_000
    assert words("draft 1999 " + "word " * 200) == tuple(("draft 1999 " + "word " * 200).split())


def test_a_result_larger_than_the_bound_is_not_kept():
    @by_content(maxsize=10, max_chars=10**7, max_bytes=1_000)
    def echo(text: str) -> str:
        return text * 2

    echo("x" * 5_000)
    assert echo.cache_info().currsize == 0


def test_shared_objects_in_a_key_are_not_counted():
    from etiquette_lint.cache import size_of

    class Lexicon:
        def __init__(self) -> None:
            self.words = ["w" * 100] * 1000

    lexicon = Lexicon()
    assert size_of(("text", lexicon), owned=False) < 1_000
    assert size_of(lexicon) > 8_000  # its own list (the one string in it counts once)
