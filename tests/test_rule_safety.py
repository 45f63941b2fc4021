"""Rule files are data: a message template or note may only name `alias.field` of a documented
fact or a parameter. Anything more (attributes, indexes, conversions, format specs, nested fields)
is refused when the rule loads, with the rule file named (etiquette_lint/compiler.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from etiquette_lint.cli import main
from etiquette_lint.resources import rules_dir

from conftest import EXAMPLES

SECRET = "s3cr3t-value-that-must-not-print"
ATTACKS = [
    "{a.channel:{a.__init__.__globals__[os].environ[ETIQUETTE_TEST_SECRET]}}",
    "{a.channel.__class__.__init__.__globals__}",
    "{a.channel[0]}",
    "{a.channel!r}",
    "{a.channel:>999999999}",
    "{0}",
    "{}",
    "{a.to_names.__len__}",
]


def custom_rule(folder: Path, **changes) -> Path:
    data = yaml.safe_load((rules_dir() / "phone-follow-up.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    folder.mkdir(exist_ok=True)
    path = folder / "phone-follow-up.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("template", ATTACKS)
def test_a_message_template_that_reaches_beyond_a_field_is_refused(capsys, tmp_path, monkeypatch, template):
    monkeypatch.setenv("ETIQUETTE_TEST_SECRET", SECRET)
    rule = custom_rule(tmp_path / "rules", message=f"Call {template} now")
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(rule.parent)])
    captured = capsys.readouterr()
    assert code == 2
    assert SECRET not in captured.out + captured.err
    assert str(rule) in captured.err and "/message" in captured.err
    assert "expected" in captured.err and "Traceback" not in captured.err


@pytest.mark.parametrize("template", ATTACKS[:3])
def test_a_note_that_reaches_beyond_a_field_is_refused(capsys, tmp_path, monkeypatch, template):
    monkeypatch.setenv("ETIQUETTE_TEST_SECRET", SECRET)
    rule = custom_rule(tmp_path / "rules", notes=[{"when": {"a.sales_role": True}, "text": f"Note {template}"}])
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(rule.parent)])
    captured = capsys.readouterr()
    assert code == 2 and SECRET not in captured.out + captured.err
    assert f"{rule}:" in captured.err and "/notes/0/text" in captured.err


def test_plain_fields_and_parameters_still_render(capsys, tmp_path):
    rule = custom_rule(tmp_path / "rules", messages=[], message="Custom: a {a.channel} to {a.to_names} on {a.date}.")
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(rule.parent), "--no-color"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Custom: a call to Rhonda" in out


def test_the_secret_is_really_in_the_environment_of_the_test(monkeypatch):
    monkeypatch.setenv("ETIQUETTE_TEST_SECRET", SECRET)
    assert os.environ["ETIQUETTE_TEST_SECRET"] == SECRET


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(\w+\s?)*!", "itself repeated"),
        (r"(?:a|ab)*c", "alternation"),
        (r"(\w+) \1", "backreference"),
        ("x" * 12_000, "longer than"),
    ],
    ids=["nested-repeat", "repeated-alternation", "backreference", "long"],
)
def test_a_phrase_list_that_could_take_super_linear_time_is_refused(capsys, tmp_path, pattern, why):
    phrases = tmp_path / "rules" / "phrases"
    phrases.mkdir(parents=True)
    path = phrases / "slow.yaml"
    path.write_text(yaml.safe_dump({"name": "slow", "patterns": ["please respond", pattern]}), encoding="utf-8")
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(tmp_path / "rules")])
    err = capsys.readouterr().err
    assert code == 2 and str(path) in err and "/patterns/1" in err and why in err


@pytest.mark.parametrize(
    ("patterns", "where", "why"),
    [
        (["please respond(?:", "soon)"], "/patterns/0", "not a valid regular expression"),
        (["(?P<w>respond) now", "(?P<w>reply) now"], "/patterns", "group name used twice"),
    ],
    ids=["unbalanced-across-two-patterns", "same-group-name"],
)
def test_patterns_that_only_compile_joined_or_only_alone_are_refused(capsys, tmp_path, patterns, where, why):
    """Found by tests/fuzz (rules target): each pattern was checked only as part of the list's
    joined alternation, so two invalid patterns that balance each other passed, and failed when
    one was compiled alone while linting: an internal error instead of a rule-file error."""
    phrases = tmp_path / "rules" / "phrases"
    phrases.mkdir(parents=True)
    path = phrases / "odd.yaml"
    path.write_text(yaml.safe_dump({"name": "odd", "patterns": patterns}), encoding="utf-8")
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(tmp_path / "rules")])
    err = capsys.readouterr().err
    assert code == 2 and str(path) in err and where in err and why in err, err
    assert "internal error" not in err


def test_a_custom_define_that_replaces_a_built_in_one_is_checked(capsys, tmp_path):
    """Found by tests/fuzz (rules target): a --rules list named like a built-in one (`month`)
    replaces its `define`, which built-in patterns call; those were trusted and not checked, so
    an invalid definition crashed loading as an internal error. Now it is refused, naming the
    file and its /define."""
    phrases = tmp_path / "rules" / "phrases"
    phrases.mkdir(parents=True)
    path = phrases / "month.yaml"
    path.write_text(yaml.safe_dump({"name": "month", "define": "(?:jan(?:uary)?|feb"}), encoding="utf-8")
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(tmp_path / "rules")])
    err = capsys.readouterr().err
    assert code == 2 and str(path) in err and "/define" in err and "not a valid regular expression" in err, err
    path.write_text(yaml.safe_dump({"name": "month", "define": "(?:jan(?:uary)?|feb(?:ruary)?)"}), encoding="utf-8")
    assert main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(tmp_path / "rules")]) == 1


def test_an_ordinary_custom_phrase_list_loads(capsys, tmp_path):
    phrases = tmp_path / "rules" / "phrases"
    phrases.mkdir(parents=True)
    (phrases / "mine.yaml").write_text(
        yaml.safe_dump({"name": "mine", "patterns": [r"(?:please )?get back to me (?:asap|soon)", r"\w+ \w+ now"]}),
        encoding="utf-8",
    )
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(tmp_path / "rules")])
    assert code == 1, capsys.readouterr().err


def cross_product_rule(folder: Path, facts: int) -> Path:
    match = [{"fact": "action", "as": "a", "where": {"kind": "follow_up", "medium": "call"}}]
    match += [{"fact": "action", "as": f"x{k}"} for k in range(facts - 1)]
    return custom_rule(folder, match=match, messages=[], notes=[], related=[])


def test_a_custom_rule_binding_too_many_facts_is_refused_when_it_loads(capsys, tmp_path):
    rule = cross_product_rule(tmp_path / "rules", 4)
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(rule.parent)])
    err = capsys.readouterr().err
    assert code == 2 and str(rule) in err and "binds 4 facts" in err and "/match" in err


def test_a_custom_rule_whose_facts_combine_too_many_ways_is_refused_on_a_big_plan(capsys, tmp_path):
    """Three unrelated action facts on 300 actions: 27 million combinations. The run stops at
    once with an error naming the rule file, instead of an engine that never finishes."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from large_plans import write_plan

    plan = write_plan(tmp_path / "plan", 300, 30)
    rule = cross_product_rule(tmp_path / "rules", 3)
    code = main(["check", str(plan), "--today", "2026-12-31", "--format", "json", "--rules", str(rule.parent)])
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    [error] = report["errors"]
    assert error["path"] == str(rule) and "combinations of facts" in error["message"]
    # The same rule on a small plan is fine.
    code = main(["check", str(EXAMPLES / "messy"), "--today", "2026-11-26", "--rules", str(rule.parent)])
    assert code == 1, capsys.readouterr().err
