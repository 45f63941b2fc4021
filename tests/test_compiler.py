"""The rule compiler: conditions become durable_rules JSON, and unsafe or wrong rules are refused
when they load, with the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from etiquette_lint import RuleError, lint_text
from etiquette_lint.compiler import compile_rule
from etiquette_lint.examples import wrap_draft
from etiquette_lint.rules import load_rule_file, load_rules

BASE = {
    "summary": "A test rule for the compiler tests.",
    "severity": "warning",
    "since": "1.0.0",
    "rationale": "Only a test: the rationale has to be long enough for the schema to accept it.",
    "fix": "Nothing to fix here.",
    "message": "Test finding for {a.to_names}.",
    "examples": {"bad": [{"draft": "x"}], "good": [{"draft": "y"}]},
}


def write_rule(folder: Path, rule_id: str, **fields) -> Path:
    data = {"id": rule_id, **BASE, **fields}
    path = folder / f"{rule_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_relational_join_gets_a_guard_and_equality_join_does_not():
    rule = load_rules().rules["early-status-check"]
    conditions, kinds = compile_rule(rule, rule.defaults())
    assert kinds == {"a": "action", "i": "interview"}
    tests = conditions[1]["i"]["$and"]
    assert tests[-1] == {"$neq": {"uid": {"a": "uid"}}}, "a relational join is never last in its $and"
    assert {"interview": {"a": "interview"}} in tests
    plain = load_rules().rules["pushy-language"]
    conditions, _ = compile_rule(plain, {})
    assert all("$neq" not in str(t) for t in conditions[0]["h"]["$and"])


def test_parameters_are_substituted():
    rule = load_rules().rules["email-and-call"]
    conditions, _ = compile_rule(rule, {"window_days": 5})
    assert {"$lt": {"gap_days": 5}} in conditions[0]["p"]["$and"]


@pytest.mark.parametrize(
    ("match", "wanted"),
    [
        ([{"fact": "actoin", "as": "a"}], "unknown fact kind 'actoin'"),
        ([{"fact": "action", "as": "a", "where": {"knd": "thank_you"}}], "action facts have no field 'knd'"),
        ([{"fact": "action", "as": "a", "where": {"to_count": "two"}}], "expected a int for this field"),
        ([{"fact": "action", "as": "a", "where": {"written": "yes"}}], "expected a bool for this field"),
        ([{"fact": "action", "as": "a", "where": {"day": {"lt": "$nope"}}}], "unknown parameter '$nope'"),
        (
            [
                {"fact": "action", "as": "a"},
                {"fact": "interview", "as": "i", "where": {"any": [{"day": {"lt": {"ref": "a.day"}}}]}},
            ],
            "cannot stand inside `any:`",
        ),
        (
            [{"fact": "action", "as": "a"}, {"absent": "company", "where": {"company": {"same": "a.company"}}}],
            "must name a fact kind asserted before",
        ),
        ([{"fact": "action", "as": "a", "where": {"day": {"gt": {"ref": "z.day"}}}}], "'z' is not bound"),
        ([{"absent": "phrase", "where": {"list": "pushy"}}], "at least one `fact:` pattern"),
    ],
)
def test_unsafe_or_wrong_conditions_are_refused_with_the_place(tmp_path, match, wanted):
    path = write_rule(tmp_path, "broken-rule", match=match)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert wanted in caught.value.message
    assert caught.value.path == str(path)
    assert caught.value.pointer and caught.value.pointer.startswith("/match")


def test_unknown_message_placeholder_is_refused(tmp_path):
    path = write_rule(tmp_path, "bad-template", match=[{"fact": "action", "as": "a"}], message="Hi {a.to_nmes}.")
    with pytest.raises(RuleError, match="to_nmes"):
        load_rule_file(path)


def test_file_name_must_be_the_id(tmp_path):
    path = write_rule(tmp_path, "right-id", match=[{"fact": "action", "as": "a"}])
    path.rename(tmp_path / "wrong-id.yaml")
    with pytest.raises(RuleError, match="differs from the file name"):
        load_rule_file(tmp_path / "wrong-id.yaml")


def test_a_user_rule_folder_adds_a_rule_without_python(tmp_path):
    folder = tmp_path / "my-rules"
    folder.mkdir()
    write_rule(
        folder,
        "follow-up-on-weekend",
        summary="A follow-up is planned for a weekend day number (test rule).",
        message="The follow-up to {a.to_names} is sent by {a.channel}.",
        match=[{"fact": "action", "as": "a", "where": {"kind": "follow_up", "channel": {"in": ["email", "linkedin"]}}}],
    )
    plan = wrap_draft("Hi Dana, I remain interested. If you've gone another way, no hard feelings.", kind="follow_up")
    report = lint_text(plan, base_dir=tmp_path, rules_dirs=[str(folder)], select=["follow-up-on-weekend"])
    assert [f.message for f in report.findings] == ["The follow-up to Dana Whitfield is sent by email."]


def test_a_broken_user_rule_file_is_an_error_not_a_crash(tmp_path):
    from etiquette_lint.cli import main

    folder = tmp_path / "my-rules"
    folder.mkdir()
    (folder / "oops.yaml").write_text("id: oops\nsummary: [unclosed\n", encoding="utf-8")
    plan = tmp_path / "a.plan.yaml"
    plan.write_text(wrap_draft("Hello"), encoding="utf-8")
    assert main(["check", str(plan), "--rules", str(folder)]) == 2
