"""Values kept between runs (core/kept.py) are the values a derivation gives, used only for the
same inputs and code; a bad file costs only time. Parsed documents (plans, rule files, phrase
lists) are kept that way, so a check of new drafts does not parse or import YAML again."""

from __future__ import annotations

import pytest

from etiquette_lint.core import kept

from conftest import EXAMPLES


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("ETIQUETTE_LINT_NO_CACHE", raising=False)
    monkeypatch.setattr(kept, "_kept", {})
    monkeypatch.setattr(kept, "_unsaved", set())
    return tmp_path / "etiquette-lint"


def _new_run(monkeypatch) -> None:
    kept.save()
    monkeypatch.setattr(kept, "_kept", {})


def test_other_inputs_or_other_builder_code_build_again(empty_cache, monkeypatch, tmp_path):
    code = tmp_path / "builder.py"
    code.write_text("VERSION = 1\n")
    builds = []

    def build(value):
        builds.append(value)
        return {"value": value}

    assert kept.value("test", ("a",), (str(code),), lambda: build("a")) == {"value": "a"}
    _new_run(monkeypatch)
    assert kept.value("test", ("a",), (str(code),), lambda: build("again")) == {"value": "a"}
    assert kept.value("test", ("b",), (str(code),), lambda: build("b")) == {"value": "b"}
    code.write_text("VERSION = 2\n")
    monkeypatch.setattr(kept, "_code", {})  # a new run after the edit
    _new_run(monkeypatch)
    assert kept.value("test", ("a",), (str(code),), lambda: build("edited")) == {"value": "edited"}
    assert builds == ["a", "b", "edited"]


def test_a_damaged_file_is_built_again(empty_cache, monkeypatch, tmp_path):
    kept.value("test", (1,), (), lambda: [1, 2, 3])
    _new_run(monkeypatch)
    file = empty_cache / kept.file_name("test")
    data = bytearray(file.read_bytes())
    data[-1] ^= 0xFF
    file.write_bytes(bytes(data))
    assert kept.value("test", (1,), (), lambda: ["rebuilt"]) == ["rebuilt"]


def test_no_cache_keeps_nothing(empty_cache, monkeypatch):
    monkeypatch.setenv("ETIQUETTE_LINT_NO_CACHE", "1")
    assert kept.value("test", (1,), (), lambda: "built") == "built"
    kept.save()
    assert not empty_cache.exists() or not any(empty_cache.iterdir())


def test_values_marshal_cannot_write_are_built_every_time(empty_cache):
    builds = []
    for _ in range(2):
        assert kept.value("test", (1,), (), lambda: builds.append(1) or {1: object}) is not None
    assert len(builds) == 2


def test_each_use_gets_its_own_copy(empty_cache, monkeypatch):
    kept.value("test", (1,), (), lambda: {"list": [1]})
    _new_run(monkeypatch)
    first = kept.value("test", (1,), (), lambda: None)
    first["list"].append(2)
    assert kept.value("test", (1,), (), lambda: None) == {"list": [1]}


def test_at_most_max_entries_are_kept(empty_cache, monkeypatch):
    for n in range(kept.MAX_ENTRIES + 5):
        kept.value("test", (n,), (), lambda n=n: n)
    _new_run(monkeypatch)
    assert len(kept._loaded("test")) == kept.MAX_ENTRIES
    assert kept.value("test", (0,), (), lambda: "built again") == "built again"  # the oldest went


# --- parsed documents ----------------------------------------------------------------------------


def test_a_plan_parsed_before_is_not_parsed_again(empty_cache, monkeypatch):
    from etiquette_lint import source

    plan = EXAMPLES / "multi" / "search.plan.yaml"
    text = plan.read_text(encoding="utf-8")
    parsed = source.load_document(text, str(plan), keep="plans")
    assert parsed == source.load_document(text, str(plan))
    _new_run(monkeypatch)

    def no_parse(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(source, "_parse", no_parse)
    kept_document = source.load_document(text, str(plan), keep="plans")
    assert kept_document == parsed  # the same data, spans, text and path
    assert kept_document.span("/actions/1/draft") == parsed.span("/actions/1/draft")
    with pytest.raises(AssertionError):  # another text is parsed
        source.load_document(text + "\n# edited\n", str(plan), keep="plans")


def test_a_document_with_a_problem_is_never_kept_and_always_reported(empty_cache, monkeypatch):
    from etiquette_lint import source
    from etiquette_lint.errors import InputError

    bad = "version: 1\ncandidate: {name: A, name: B}\n"
    messages = []
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            source.load_document(bad, "bad.plan.yaml", keep="plans")
        messages.append(str(caught.value))
        _new_run(monkeypatch)
    assert messages[0] == messages[1] and "duplicate key 'name'" in messages[0]
    assert not (empty_cache / kept.file_name("plans")).exists()


def test_an_edited_rule_file_is_read_again(empty_cache, monkeypatch, tmp_path):
    import shutil

    from etiquette_lint.resources import rules_dir
    from etiquette_lint.rules import load_rule_file

    rule = tmp_path / "rules" / "email-and-call.yaml"
    rule.parent.mkdir()
    shutil.copy(rules_dir() / "email-and-call.yaml", rule)
    first = load_rule_file(rule)
    _new_run(monkeypatch)
    assert load_rule_file(rule) == first
    rule.write_text(rule.read_text().replace(f"summary: {first.summary}", "summary: Edited summary"))
    _new_run(monkeypatch)
    assert load_rule_file(rule).summary == "Edited summary"


def test_a_check_of_new_drafts_needs_no_yaml_once_the_plan_and_rules_were_read(tmp_path):
    """A cold check after a draft was edited (the plan, rule files and phrase lists unchanged) does
    not import the YAML library, and prints exactly what a run that keeps nothing prints."""
    import os
    import shutil
    import subprocess
    import sys

    folder = tmp_path / "multi"
    shutil.copytree(EXAMPLES / "multi", folder)
    env = {k: v for k, v in os.environ.items() if k != "ETIQUETTE_LINT_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    code = (
        "import sys; from etiquette_lint.entry import main; status = main(sys.argv[1:]); "
        "print(sorted(m for m in ('yaml', 'email.policy') if m in sys.modules), file=sys.stderr); sys.exit(status)"
    )
    command = [sys.executable, "-c", code, "check", str(folder), "--today", "2026-11-26"]
    subprocess.run(command, capture_output=True, text=True, env=env)
    draft = next(p for p in (folder / "drafts").iterdir() if p.suffix == ".eml")
    draft.write_text(draft.read_text() + "\nI also noted the figure you mentioned.\n")
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    reference = subprocess.run(command, capture_output=True, text=True, env={**env, "ETIQUETTE_LINT_NO_CACHE": "1"})
    assert second.stderr.strip() == "[]"
    assert "yaml" in reference.stderr
    assert second.stdout == reference.stdout and second.returncode == reference.returncode == 1
