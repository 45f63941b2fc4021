"""`--format sarif`: SARIF 2.1.0, valid against the OASIS schema, in the shape GitHub code scanning
reads (etiquette_lint/sarif.py)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from etiquette_lint import Options, lint_files
from etiquette_lint.cli import main
from etiquette_lint.sarif import to_sarif

from conftest import EXAMPLES, ROOT, plan_today

# The OASIS schema is not in the repository (no network at test time): a copy is used when
# ETIQUETTE_LINT_SARIF_SCHEMA names one, or when the maintainers' copy sits beside the checkout.
SARIF_SCHEMA = Path(
    os.environ.get("ETIQUETTE_LINT_SARIF_SCHEMA")
    or ROOT.parent / "shared" / "vendor-schemas" / "sarif-schema-2.1.0.json"
)
MESSY = EXAMPLES / "messy" / "acme.plan.yaml"


def validate(log: dict) -> None:
    """Validate against the OASIS SARIF 2.1.0 schema, when the copy beside the checkout is there."""
    if not SARIF_SCHEMA.exists():
        return
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


@pytest.fixture
def messy(monkeypatch):
    monkeypatch.chdir(ROOT)
    options = Options(today=plan_today(MESSY))
    report = lint_files([str(MESSY.relative_to(ROOT))], options)
    return report, json.loads(to_sarif(report))


def test_the_oasis_schema_copy_is_there_when_named():
    if "ETIQUETTE_LINT_SARIF_SCHEMA" not in os.environ and not SARIF_SCHEMA.exists():
        pytest.skip(
            "no copy of the OASIS SARIF 2.1.0 schema: download sarif-schema-2.1.0.json and set "
            "ETIQUETTE_LINT_SARIF_SCHEMA to its path to validate the SARIF output against it"
        )
    assert SARIF_SCHEMA.exists()


def test_a_report_with_findings_is_valid_sarif(messy):
    report, log = messy
    assert report.findings
    validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")


def test_the_driver_lists_every_rule_that_ran_with_its_documentation(messy):
    report, log = messy
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "etiquette-lint" and driver["version"] == report.version
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [r.id for r in report.rules]
    assert "handwritten-note" not in ids  # off by default: it did not run
    assert {"email-and-call", "carbon-copy", "unused-suppression"} <= set(ids)
    by_id = {r.id: r for r in report.rules}
    for descriptor in driver["rules"]:
        rule = by_id[descriptor["id"]]
        assert descriptor.get("name", "").lower() != rule.id  # SARIF1001: a name equal to the id is left out
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == " ".join(rule.rationale.split())
        assert (
            descriptor["defaultConfiguration"]["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
        )
        assert rule.fix_text() in descriptor["help"]["text"]  # parameters rendered: "3 days"
        assert descriptor["help"]["text"].startswith(" ".join(rule.rationale.split())[:40])


def test_results_carry_rule_level_message_region_and_related_locations(messy):
    report, log = messy
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(report.findings)
    for finding, result in zip(report.findings, run["results"], strict=True):
        assert result["ruleId"] == finding.rule and rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity]
        assert (
            finding.message.replace("[", "\\[").replace("]", "\\]") in result["message"]["text"]
            or finding.message in result["message"]["text"]
        )
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == Path(finding.path).as_posix()
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical["region"] == {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
        }
        assert len(result.get("relatedLocations", [])) == len(finding.related)
        for number, (related, entry) in enumerate(
            zip(finding.related, result.get("relatedLocations", []), strict=True), start=1
        ):
            assert entry["id"] == number and entry["message"]["text"] == related.message
            assert entry["physicalLocation"]["region"]["startLine"] == related.line
            assert f"]({number})" in result["message"]["text"]  # linked from the message, as GitHub shows them
    assert any("relatedLocations" in r for r in run["results"])
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.resolve().as_uri() + "/"


def test_fingerprints_are_unique_and_do_not_depend_on_line_numbers(messy, tmp_path, monkeypatch):
    report, log = messy
    prints = [r["partialFingerprints"]["etiquetteLint/v1"] for r in log["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)
    # The same plan with two comment lines on top: every line moves, no fingerprint changes.
    folder = tmp_path / "examples" / "messy"
    folder.mkdir(parents=True)
    (folder / "acme.plan.yaml").write_text("# moved\n# down\n" + MESSY.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(MESSY.parent / "drafts", folder / "drafts")
    monkeypatch.chdir(tmp_path)
    moved = lint_files(["examples/messy/acme.plan.yaml"], Options(today=plan_today(MESSY)))
    assert not moved.errors and [f.line for f in moved.findings] != [f.line for f in report.findings]
    moved_prints = [
        r["partialFingerprints"]["etiquetteLint/v1"] for r in json.loads(to_sarif(moved))["runs"][0]["results"]
    ]
    assert sorted(moved_prints) == sorted(prints)


def test_brackets_in_a_message_with_links_are_escaped():
    from etiquette_lint.report import Finding, Related, Report

    finding = Finding(
        "carbon-copy",
        "error",
        'shares "[specific topic]" with it',
        "a.md",
        1,
        1,
        1,
        5,
        "/actions/1",
        (Related("p.plan.yaml", 3, 5, "/actions/0", "the earlier message"),),
    )
    log = json.loads(to_sarif(Report((finding,), version="1.0.0"), base="."))
    validate(log)
    text = log["runs"][0]["results"][0]["message"]["text"]
    assert text == 'shares "\\[specific topic\\]" with it See [the earlier message](1).'


def test_input_errors_become_notifications_and_an_unsuccessful_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("bad.plan.yaml").write_text("version: 1\ncandidate: {name: A}\ninterviews:\n  - id: x\n    company: [\n")
    status = main(["check", "bad.plan.yaml", "--format", "sarif"])
    assert status == 2
    log = json.loads(capsys.readouterr().out)
    validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["level"] == "error" and "invalid YAML" in note["message"]["text"]
    location = note["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "bad.plan.yaml"
    assert location["region"]["startLine"] >= 4
    assert log["runs"][0]["results"] == []


def test_paths_become_percent_encoded_relative_uris(tmp_path, monkeypatch):
    folder = tmp_path / "my plans" / "Zoë"
    folder.mkdir(parents=True)
    plan = folder / "x.plan.yaml"
    plan.write_text(
        "version: 1\ncandidate: {name: A}\ninterviews:\n  - id: i\n    company: C\n    date: 2027-03-01\n"
        "    timing: {asked: true}\n    interviewers:\n      - {id: p, name: P Q}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    report = lint_files(["my plans/Zoë/x.plan.yaml"], Options(today=date(2027, 3, 10)))
    log = json.loads(to_sarif(report))
    validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"my%20plans/Zo%C3%AB/x.plan.yaml"}
    elsewhere = json.loads(to_sarif(report, base=tmp_path / "my plans"))
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in elsewhere["runs"][0]["results"]
    } == {"Zo%C3%AB/x.plan.yaml"}
    outside = json.loads(to_sarif(report, base=tmp_path / "other"))
    artifact = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": plan.resolve().as_uri()}


def test_the_cli_writes_sarif_and_follows_fail_on(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.sarif"
    args = ["check", str(MESSY.relative_to(ROOT)), "--today", str(plan_today(MESSY)), "--format", "sarif"]
    assert main(args + ["--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    validate(json.loads(out.read_text(encoding="utf-8")))
    assert main(args + ["--fail-on", "never"]) == 0
    validate(json.loads(capsys.readouterr().out))


def test_a_clean_run_is_valid_sarif_with_no_results(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    clean = EXAMPLES / "clean" / "northwind.plan.yaml"
    main(
        [
            "check",
            str(clean.relative_to(ROOT)),
            "--today",
            str(plan_today(clean)),
            "--format",
            "sarif",
            "--select",
            "email-and-call",
        ]
    )
    log = json.loads(capsys.readouterr().out)
    validate(log)
    assert log["runs"][0]["results"] == []
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["email-and-call"]
