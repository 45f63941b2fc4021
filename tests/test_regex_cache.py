"""The kept programs build the very Patterns re.compile builds, and a bad file costs only time."""

from __future__ import annotations

import re

import pytest

from etiquette_lint import regex_cache
from etiquette_lint.regex_cache import compile_pattern
from etiquette_lint.resources import rules_dir
from etiquette_lint.text import load_phrase_lists


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_programs", None)
    monkeypatch.setattr(regex_cache, "_used", set())
    monkeypatch.setattr(regex_cache, "_new_bytes", 0)  # a new run
    return tmp_path


def _phrase_sources() -> list[str]:
    """Every scanner and pattern of the built-in phrase lists, as compiled for a lint."""
    sources = []
    for phrases in load_phrase_lists([rules_dir()]).values():
        if phrases.sources:
            sources.append(phrases.scanner.pattern)
            sources.extend(pattern.pattern for pattern in phrases.patterns)
    return sources


def test_kept_programs_build_the_patterns_re_compile_builds(empty_cache, monkeypatch):
    sources = _phrase_sources()
    for source in sources:
        assert compile_pattern(source, re.IGNORECASE) == re.compile(source, re.IGNORECASE)
    regex_cache._save()
    assert (empty_cache / "etiquette-lint" / regex_cache.file_name()).is_file()

    monkeypatch.setattr(regex_cache, "_programs", None)  # a new run reads the file
    monkeypatch.setattr(regex_cache, "_program", None)  # and compiles nothing
    for source in sources:
        kept = compile_pattern(source, re.IGNORECASE)
        assert kept == re.compile(source, re.IGNORECASE)  # same pattern, flags and program
        assert kept.groupindex == re.compile(source, re.IGNORECASE).groupindex


def test_a_damaged_file_is_compiled_again(empty_cache):
    file = empty_cache / "etiquette-lint" / regex_cache.file_name()
    file.parent.mkdir(parents=True, mode=0o700)
    file.write_bytes(b"not a marshalled dict")
    assert compile_pattern(r"\bno(?P<t>w)\b", re.I) == re.compile(r"\bno(?P<t>w)\b", re.I)


def test_a_program_the_engine_refuses_is_compiled_again(empty_cache, monkeypatch):
    monkeypatch.setattr(regex_cache, "_programs", {("now", int(re.I)): (int(re.I), [99, 99, 99], 0, {}, ())})
    assert compile_pattern("now", re.I) == re.compile("now", re.I)


def test_a_bad_pattern_raises_what_re_compile_raises(empty_cache):
    with pytest.raises(re.error, match="missing \\), unterminated subpattern"):
        compile_pattern("why (oh why", re.I)


def test_no_cache_when_asked(empty_cache, monkeypatch):
    monkeypatch.setenv("ETIQUETTE_LINT_NO_CACHE", "1")
    assert compile_pattern("cached?", re.I) == re.compile("cached?", re.I)
    regex_cache._save()
    assert not any(empty_cache.rglob("*.marshal"))


def test_a_long_lived_process_stops_keeping_new_programs_at_the_bound(empty_cache, monkeypatch):
    """A pattern per plan (a name) compiled in a process that lints many plans: the programs kept
    in memory stop growing at MAX_NEW_BYTES, and every pattern is still the one re.compile builds."""
    monkeypatch.setattr(regex_cache, "MAX_NEW_BYTES", 20_000)
    monkeypatch.setattr(regex_cache, "_new_bytes", 0)
    for number in range(300):
        source = rf"\bJordan Lee {number}\b"
        assert compile_pattern(source, re.I) == re.compile(source, re.I)
    kept = len(regex_cache._programs)
    assert 0 < kept < 300
    assert compile_pattern(r"\bJordan Lee 1\b", re.I) == re.compile(r"\bJordan Lee 1\b", re.I)
    assert len(regex_cache._programs) == kept


def test_a_save_keeps_what_this_run_used_first_within_the_bound(empty_cache, monkeypatch):
    """Programs of older phrase lists or custom rules pile up; a save keeps those its run used,
    then the most recent, up to MAX_SAVED_BYTES, and a run that loads a larger file trims it."""
    old = [rf"\bold pattern number {n}\b" for n in range(40)]
    for source in old:
        compile_pattern(source, re.I)
    regex_cache._save()
    file = empty_cache / "etiquette-lint" / regex_cache.file_name()
    full_size = file.stat().st_size

    monkeypatch.setattr(regex_cache, "_programs", None)  # a new run, with a smaller bound
    monkeypatch.setattr(regex_cache, "_used", set())
    monkeypatch.setattr(regex_cache, "_unsaved", False)
    monkeypatch.setattr(regex_cache, "MAX_SAVED_BYTES", full_size // 4)
    used = old[:3]
    for source in used:
        assert compile_pattern(source, re.I) == re.compile(source, re.I)
    assert regex_cache._unsaved  # the file is over the bound: it is written again, trimmed
    regex_cache._save()
    assert file.stat().st_size <= full_size // 4 + 4096
    monkeypatch.setattr(regex_cache, "_programs", None)
    kept = regex_cache._load()
    assert all((source, int(re.I)) in kept for source in used)
    assert 3 < len(kept) < len(old)
