"""Every rule's own examples run as tests: bad examples fire the rule, good ones do not."""

from __future__ import annotations

import re

import pytest

from etiquette_lint import lint_text
from etiquette_lint.examples import example_plan
from etiquette_lint.rules import load_rules

RULES = load_rules().rules


def _cases():
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        for verdict in ("bad", "good"):
            for index, example in enumerate(rule.examples[verdict]):
                yield pytest.param(rule.id, verdict, example, id=f"{rule.id}:{verdict}[{index}]")


def _run(rule_id: str, example: dict, tmp_path):
    text, today = example_plan(example)
    config = None
    if example.get("parameters"):
        import yaml

        config_file = tmp_path / "config.yaml"
        config_file.write_text(yaml.safe_dump({"rules": {rule_id: example["parameters"]}}), encoding="utf-8")
        config = str(config_file)
    report = lint_text(text, base_dir=tmp_path, today=today, select=[rule_id], config=config)
    return [f for f in report.findings if f.rule == rule_id]


@pytest.mark.parametrize(("rule_id", "verdict", "example"), list(_cases()))
def test_rule_example(rule_id, verdict, example, tmp_path):
    findings = _run(rule_id, example, tmp_path)
    if verdict == "bad":
        assert findings, f"{rule_id} did not fire on its bad example"
        for finding in findings:
            assert not re.search(r"\{[a-z_]+(\.[a-z_]+)?\}", finding.message), finding.message
    else:
        assert not findings, f"{rule_id} fired on its good example: {[f.message for f in findings]}"
