"""Meta-tests: the rule files match the catalogue and police themselves."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from etiquette_lint.facts import COMMON_FIELDS, FACT_FIELDS
from etiquette_lint.resources import rules_dir
from etiquette_lint.rules import load_rules, template_fields

CATALOGUE = {
    "interviewer-not-thanked": ("warning", True, {}),
    "missing-contact": ("info", True, {}),
    "carbon-copy": ("error", True, {"similarity": 0.6}),
    "group-thank-you": ("error", True, {}),
    "generic-message": ("warning", True, {}),
    "unfilled-placeholder": ("error", True, {}),
    "solving-their-problem": ("warning", True, {}),
    "email-and-call": ("error", True, {"window_days": 3}),
    "follow-up-too-soon": ("warning", True, {"min_gap_days": 3}),
    "too-many-follow-ups": ("warning", True, {"max_unanswered": 2}),
    "early-status-check": ("warning", True, {}),
    "timing-not-asked": ("warning", True, {}),
    "timeline-not-shared": ("warning", True, {}),
    "ultimatum": ("warning", True, {}),
    "no-permission-to-decline": ("info", True, {}),
    "pushy-language": ("warning", True, {}),
    "phone-follow-up": ("warning", True, {}),
    "no-follow-up": ("error", True, {}),
    "late-thank-you": ("warning", True, {"within_hours": 24}),
    "handwritten-note": ("info", False, {}),
    "topic-not-mentioned": ("info", True, {}),
    "wrong-name": ("error", True, {}),
    "other-company-named": ("warning", True, {}),
    # catalogue 1.1: the cadence rules
    "overdue-action": ("warning", True, {}),
    "contact-after-rejection": ("warning", True, {"max_after": 1}),
    "follow-up-due": ("info", True, {"grace_business_days": 2, "quiet_business_days": 7}),
}
RULES = load_rules().rules


def test_every_catalogue_rule_exists_with_its_defaults():
    assert set(RULES) == set(CATALOGUE)
    for rule_id, (severity, enabled, params) in CATALOGUE.items():
        rule = RULES[rule_id]
        assert (rule.severity, rule.enabled, rule.defaults()) == (severity, enabled, params), rule_id


@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_rule_file_is_named_by_its_id_and_complete(rule_id):
    rule = RULES[rule_id]
    assert Path(rule.path).name == f"{rule_id}.yaml"
    assert rule.examples["bad"] and rule.examples["good"]
    for field in ("summary", "rationale", "fix", "message", "since"):
        assert getattr(rule, field).strip(), field


def test_ids_are_unique_across_files():
    ids = [yaml.safe_load(p.read_text())["id"] for p in rules_dir().glob("*.yaml")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_message_placeholders_exist(rule_id):
    rule = RULES[rule_id]
    aliases = {p.get("as") or p["fact"]: p["fact"] for p in rule.match if "fact" in p}
    templates = [rule.message] + [m["message"] for m in rule.messages] + [n["text"] for n in rule.notes]
    for template in templates:
        for name in template_fields(template):
            if "." in name:
                alias, field = name.split(".", 1)
                assert alias in aliases, (rule_id, name)
                assert field in FACT_FIELDS[aliases[alias]] or field in COMMON_FIELDS, (rule_id, name)
            else:
                assert name in rule.parameters, (rule_id, name)


@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_rationale_is_our_own_words(rule_id):
    """Rationales paraphrase the article; no run of eight words is copied from it."""
    seed = Path(
        os.environ.get("ETIQUETTE_LINT_SOURCE_TEXT")
        or Path(__file__).resolve().parents[2] / "shared" / "seed" / "follow-up-after-an-interview.txt"
    )
    if not seed.exists():
        pytest.skip(
            "the guidance text the rationales paraphrase is not distributed with the project; "
            "set ETIQUETTE_LINT_SOURCE_TEXT to a copy of it to run this check"
        )
    article = " ".join(re.findall(r"[a-z']+", seed.read_text(encoding="utf-8").lower()))
    rule = RULES[rule_id]
    for text in (rule.rationale, rule.message, rule.fix, rule.summary):
        tokens = re.findall(r"[a-z']+", text.lower())
        for i in range(len(tokens) - 7):
            assert " ".join(tokens[i : i + 8]) not in article, (rule_id, " ".join(tokens[i : i + 8]))


def test_docs_facts_lists_every_fact_field(root):
    doc = (root / "docs" / "facts.md").read_text(encoding="utf-8")
    for kind, fields in FACT_FIELDS.items():
        assert f"## `{kind}`" in doc, kind
        for field in fields:
            assert f"`{field}`" in doc, (kind, field)


@pytest.mark.parametrize("path", sorted(rules_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_builtin_rule_files_are_valid_against_the_rule_schema(path):
    import json

    import jsonschema

    from etiquette_lint.resources import schema_path

    schema = json.loads(schema_path("rule.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
