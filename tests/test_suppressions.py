"""Suppression comments in plans and drafts, and `unused-suppression` (etiquette_lint/suppressions.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from etiquette_lint import ConfigError, lint_path
from etiquette_lint.cli import main

TODAY = date(2027, 3, 10)

# Unsuppressed, this plan has three findings: unfilled-placeholder in the draft (line 3),
# interviewer-not-thanked on Sam (line 11) and late-thank-you on the action (line 16).
PLAN = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    role: Data Engineering Manager
    date: 2027-03-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
      - id: sam{sam}
        name: Sam Ortiz
        email: sam@harbor.example
actions:
{above}
  - id: thanks-dana{beside}
    kind: thank_you
    channel: email
    to: dana
    date: 2027-03-06
    draft: drafts/dana.md
"""

DRAFT = """\
{head}Dear Dana,

Thank you for the conversation about [specific topic] and the pipeline latency work.

Best,
Jordan
"""


def write(tmp_path: Path, *, sam: str = "", above: str = "", beside: str = "", head: str = "") -> Path:
    (tmp_path / "drafts").mkdir(exist_ok=True)
    (tmp_path / "drafts" / "dana.md").write_text(DRAFT.format(head=head), encoding="utf-8")
    plan = tmp_path / "s.plan.yaml"
    text = PLAN.replace("{sam}", sam).replace("{beside}", beside)
    text = text.replace("{above}\n", above + "\n" if above else "")
    plan.write_text(text, encoding="utf-8")
    return plan


def rules(plan: Path, **kwargs) -> list[str]:
    return sorted(f.rule for f in lint_path(plan, today=TODAY, **kwargs).findings)


ALL = ["interviewer-not-thanked", "late-thank-you", "unfilled-placeholder"]


def test_without_comments_the_plan_has_its_three_findings(tmp_path):
    assert rules(write(tmp_path)) == ALL


def test_a_comment_on_the_action_line_silences_that_rule_there(tmp_path):
    plan = write(tmp_path, beside="   # etiquette-lint: ignore[late-thank-you] she asked me to wait until Friday")
    assert rules(plan) == ["interviewer-not-thanked", "unfilled-placeholder"]


def test_a_comment_alone_on_the_line_above_silences_the_node_below(tmp_path):
    plan = write(tmp_path, above="  # etiquette-lint: ignore[late-thank-you] she was travelling")
    assert rules(plan) == ["interviewer-not-thanked", "unfilled-placeholder"]


def test_a_comment_on_the_action_line_covers_the_findings_in_its_draft(tmp_path):
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[unfilled-placeholder, late-thank-you]")
    assert rules(plan) == ["interviewer-not-thanked"]


def test_a_comment_on_an_interviewer_line_silences_findings_about_that_person(tmp_path):
    plan = write(tmp_path, sam="   # etiquette-lint: ignore[interviewer-not-thanked] thanked in person")
    assert rules(plan) == ["late-thank-you", "unfilled-placeholder"]


def test_a_trailing_comment_does_not_reach_the_next_line(tmp_path):
    # The comment ends the `actions:` line, so it is about that line only, not the action below.
    plan = write(tmp_path)
    plan.write_text(plan.read_text().replace("actions:\n", "actions:   # etiquette-lint: ignore[late-thank-you]\n"))
    found = lint_path(plan, today=TODAY).findings
    assert sorted(f.rule for f in found) == ALL + ["unused-suppression"]


def test_a_comment_for_another_rule_silences_nothing_and_is_reported(tmp_path):
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[carbon-copy] not a copy")
    report = lint_path(plan, today=TODAY)
    assert sorted(f.rule for f in report.findings) == ALL + ["unused-suppression"]
    unused = next(f for f in report.findings if f.rule == "unused-suppression")
    line = plan.read_text().splitlines()[14]
    assert (unused.severity, unused.path, unused.line) == ("info", str(plan), 15)
    assert line[unused.column - 1 :].startswith("# etiquette-lint: ignore[carbon-copy]")
    assert unused.end_column == len(line) + 1
    assert unused.pointer == "/actions/0"
    assert "carbon-copy" in unused.message and "remove the comment" in unused.message


def test_only_the_idle_ids_of_a_comment_are_reported(tmp_path):
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[late-thank-you, pushy-language]")
    report = lint_path(plan, today=TODAY)
    unused = [f for f in report.findings if f.rule == "unused-suppression"]
    assert len(unused) == 1
    assert "pushy-language" in unused[0].message and "late-thank-you" not in unused[0].message
    assert "remove pushy-language from it" in unused[0].message


def test_an_unknown_id_is_reported_with_a_suggestion(tmp_path):
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[late-thank-yu]")
    report = lint_path(plan, today=TODAY)
    unused = next(f for f in report.findings if f.rule == "unused-suppression")
    assert "'late-thank-yu' is not a rule id (did you mean 'late-thank-you'?)" in unused.message
    assert "late-thank-you" in {f.rule for f in report.findings}


def test_ids_of_rules_that_did_not_run_are_not_judged(tmp_path):
    # handwritten-note is off by default: its suppression may serve a configuration elsewhere.
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[handwritten-note]")
    assert rules(plan) == ALL
    assert rules(plan, ignore=["late-thank-you"], select=()) == ["interviewer-not-thanked", "unfilled-placeholder"]


def test_unused_suppression_can_be_ignored_selected_and_configured(tmp_path):
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[carbon-copy]")
    assert rules(plan, ignore=["unused-suppression"]) == ALL
    assert rules(plan, select=["unused-suppression", "carbon-copy"]) == ["unused-suppression"]
    assert rules(plan, select=["late-thank-you"]) == ["late-thank-you"]
    (tmp_path / ".etiquette-lint.yaml").write_text("rules:\n  unused-suppression: {severity: warning}\n")
    report = lint_path(plan, today=TODAY)
    assert {f.severity for f in report.findings if f.rule == "unused-suppression"} == {"warning"}
    (tmp_path / ".etiquette-lint.yaml").write_text("rules:\n  unused-suppression: {enabled: false}\n")
    assert rules(plan) == ALL
    (tmp_path / ".etiquette-lint.yaml").write_text("rules:\n  unused-suppression: {window_days: 3}\n")
    with pytest.raises(ConfigError, match="unknown setting 'window_days' for unused-suppression"):
        lint_path(plan, today=TODAY)


def test_a_draft_comment_silences_the_rule_for_the_whole_message(tmp_path):
    head = "<!-- etiquette-lint: ignore[unfilled-placeholder, late-thank-you] kept on purpose -->\n"
    plan = write(tmp_path, head=head)
    assert rules(plan) == ["interviewer-not-thanked"]


def test_an_idle_draft_comment_is_reported_in_the_draft(tmp_path):
    plan = write(tmp_path, head="Hi <!-- etiquette-lint: ignore[ultimatum] -->\n")
    report = lint_path(plan, today=TODAY)
    unused = next(f for f in report.findings if f.rule == "unused-suppression")
    assert unused.path == str(tmp_path / "drafts" / "dana.md")
    assert (unused.line, unused.column, unused.end_line, unused.end_column) == (
        1,
        4,
        1,
        4 + len("<!-- etiquette-lint: ignore[ultimatum] -->"),
    )
    assert unused.pointer == "/actions/0"


def test_a_draft_comment_does_not_reach_other_actions(tmp_path):
    plan = write(tmp_path, head="<!-- etiquette-lint: ignore[interviewer-not-thanked] -->\n")
    assert rules(plan) == ALL + ["unused-suppression"]


def test_the_cli_lists_and_explains_unused_suppression(capsys):
    assert main(["rules"]) == 0
    assert any(
        line.split()[:3] == ["unused-suppression", "info", "yes"] for line in capsys.readouterr().out.splitlines()
    )
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["unused-suppression"]["severity"] == "info"
    assert main(["explain", "unused-suppression"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("unused-suppression (info)") and "etiquette-lint: ignore[late-thank-you]" in out


def test_the_json_report_of_a_suppressed_plan_is_valid(tmp_path, capsys, root):
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = root / "schemas" / "report.schema.json"
    if not schema_file.exists():
        pytest.skip("schemas/report.schema.json is not in this checkout")
    plan = write(tmp_path, beside="  # etiquette-lint: ignore[carbon-copy]")
    assert main(["check", str(plan), "--today", "2027-03-10", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, json.loads(schema_file.read_text()))
    assert report["summary"]["info"] == 1
