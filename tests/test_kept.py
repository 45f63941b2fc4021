"""Tables kept between runs (core/kept.py) are the tables a build gives, and only for the same
inputs and builder code; a bad file costs only time."""

from __future__ import annotations

import pytest

from etiquette_lint.core import kept


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("ETIQUETTE_LINT_NO_CACHE", raising=False)
    monkeypatch.setattr(kept, "_tables", {})
    monkeypatch.setattr(kept, "_unsaved", set())
    return tmp_path / "etiquette-lint"


def _new_run(monkeypatch) -> None:
    kept._save()
    monkeypatch.setattr(kept, "_tables", {})


def test_other_inputs_or_other_builder_code_build_again(empty_cache, monkeypatch, tmp_path):
    code = tmp_path / "builder.py"
    code.write_text("VERSION = 1\n")
    builds = []

    def build(value):
        builds.append(value)
        return {"value": value}

    assert kept.table("test", ("a",), (str(code),), lambda: build("a")) == {"value": "a"}
    _new_run(monkeypatch)
    assert kept.table("test", ("a",), (str(code),), lambda: build("again")) == {"value": "a"}
    assert kept.table("test", ("b",), (str(code),), lambda: build("b")) == {"value": "b"}
    code.write_text("VERSION = 2\n")
    monkeypatch.setattr(kept, "_code_digests", {})  # a new run after the edit
    _new_run(monkeypatch)
    assert kept.table("test", ("a",), (str(code),), lambda: build("edited")) == {"value": "edited"}
    assert builds == ["a", "b", "edited"]


def test_a_damaged_file_is_built_again(empty_cache, monkeypatch, tmp_path):
    kept.table("test", (1,), (), lambda: [1, 2, 3])
    _new_run(monkeypatch)
    file = empty_cache / kept.file_name("test")
    data = bytearray(file.read_bytes())
    data[-1] ^= 0xFF
    file.write_bytes(bytes(data))
    assert kept.table("test", (1,), (), lambda: ["rebuilt"]) == ["rebuilt"]


def test_no_cache_keeps_nothing(empty_cache, monkeypatch):
    monkeypatch.setenv("ETIQUETTE_LINT_NO_CACHE", "1")
    assert kept.table("test", (1,), (), lambda: "built") == "built"
    kept._save()
    assert not empty_cache.exists() or not any(empty_cache.iterdir())


def test_values_marshal_cannot_write_are_built_every_time(empty_cache):
    builds = []
    for _ in range(2):
        assert kept.table("test", (1,), (), lambda: builds.append(1) or {1: object}) is not None
    assert len(builds) == 2


def test_at_most_max_entries_are_kept(empty_cache, monkeypatch):
    for n in range(kept.MAX_ENTRIES + 5):
        kept.table("test", (n,), (), lambda n=n: n)
    _new_run(monkeypatch)
    kept._loaded("test")
    assert len(kept._tables["test"]) == kept.MAX_ENTRIES
    assert kept.table("test", (0,), (), lambda: "built again") == "built again"  # the oldest went
