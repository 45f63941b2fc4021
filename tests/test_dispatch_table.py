"""The dispatch table of the built-in phrase lists is generated, current, and used (issue 10).

Deriving where each built-in pattern can start parses every pattern (about a tenth of a second,
most of a first check's text analysis before); `etiquette_lint/analysis/_dispatch_table.py` holds
what is derived, recorded with a digest of what it was derived from. These tests keep it current,
check that the built-in lists are read from it, and that anything else (a custom rule folder, a
list changed since) is derived on the fly, with the same result as deriving it always would.
"""

from __future__ import annotations

import re

import pytest

from etiquette_lint.analysis import _dispatch_table, dispatch
from etiquette_lint.rules import load_rules


def test_the_generated_table_is_current():
    assert dispatch.GENERATED.read_text(encoding="utf-8") == dispatch.generate(), (
        "etiquette_lint/analysis/_dispatch_table.py is stale (a built-in phrase pattern changed): "
        "run `python -m etiquette_lint.analysis` and commit the result"
    )


def test_the_built_in_lists_are_read_from_the_table_without_parsing_a_pattern(monkeypatch):
    family = dispatch.builtin_family()
    assert family == next(pl.family for pl in load_rules().phrases.values() if pl.sources)
    derived = dispatch.Index(family, re.IGNORECASE)
    dispatch.index.cache_clear()

    def refuse(*_args, **_kwargs):
        raise AssertionError("a pattern was parsed")

    monkeypatch.setattr(dispatch, "keys", refuse)
    try:
        from_table = dispatch.index(family, re.IGNORECASE)
    finally:
        dispatch.index.cache_clear()
    assert from_table.table() == derived.table()
    assert from_table.starts.pattern == derived.starts.pattern


def test_a_stale_table_is_not_used(monkeypatch):
    family = dispatch.builtin_family()
    monkeypatch.setattr(_dispatch_table, "BY_KEY", {})  # what a table made for other patterns would hold
    monkeypatch.setattr(_dispatch_table, "DIGEST", "0" * 64)
    dispatch.index.cache_clear()
    try:
        index = dispatch.index(family, re.IGNORECASE)
    finally:
        dispatch.index.cache_clear()
    assert index.by_key and index.table() == dispatch.Index(family, re.IGNORECASE).table()


@pytest.mark.parametrize("extra", [("never-seen-phrase",), (r"frobnicat\w+", r"\w+zzq")])
def test_lists_of_a_custom_folder_are_derived_with_the_built_in_ones(extra):
    family = dispatch.builtin_family() + (extra,)
    index = dispatch.index(family, re.IGNORECASE)
    assert index.table() == dispatch.Index(family, re.IGNORECASE).table()
    text = "Well, never-seen-phrase and frobnicating here."
    found = index.scan(text)[len(family) - 1]
    if extra[0] == "never-seen-phrase":
        assert found == {6: (0,)}
    else:
        assert found == {28: (0,)} and index.residual[-1] == (1,)  # \w+ may start anywhere: scanned as before
